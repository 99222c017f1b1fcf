//! `extraData` decoding and encoding.
//!
//! Invariants:
//! - `extra_data::decode` never panics, whatever the text.
//! - decode ∘ encode is the identity on what decode accepts: text that
//!   decodes to an object re-encodes to text that decodes to the same
//!   object; `""` and only an empty object encode to `""`.
//! - encode is deterministic, and its output is itself accepted by decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use momo_pos::extra_data;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(map) = extra_data::decode(text) else {
        return;
    };
    let encoded = extra_data::encode(&map).unwrap_or_else(|e| panic!("re-encoding failed: {e}"));
    assert_eq!(encoded.is_empty(), map.is_empty());
    assert_eq!(extra_data::encode(&map).as_ref(), Ok(&encoded));
    let again = extra_data::decode(&encoded).unwrap_or_else(|e| panic!("{encoded:?}: {e}"));
    assert_eq!(again, map, "decode(encode(x)) != x");
    // The raw JSON of the input, re-encoded, decodes to the same object too.
    let raw = serde_json::Value::Object(map.clone());
    assert_eq!(
        extra_data::decode(&extra_data::encode(&raw).unwrap_or_default()).ok(),
        Some(map)
    );
});
