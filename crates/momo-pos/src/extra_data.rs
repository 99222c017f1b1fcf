//! `extraData`: an empty string, or standard base64 of a JSON object.
//!
//! MoMo echoes it back in notifications and queries, so it is the place for
//! the merchant's own references (a till number, a cashier id).

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

const FIELD: &str = "extraData";

/// Encodes a JSON object as `extraData`. An empty object gives `""`.
///
/// ```
/// # use momo_pos::extra_data;
/// let text = extra_data::encode(&serde_json::json!({"username": "momo"}))?;
/// assert_eq!(text, "eyJ1c2VybmFtZSI6Im1vbW8ifQ==");
/// # Ok::<(), momo_pos::Error>(())
/// ```
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    let json = serde_json::to_value(value)
        .map_err(|e| Error::invalid(FIELD, format!("cannot serialize: {e}")))?;
    let Value::Object(map) = json else {
        return Err(Error::invalid(FIELD, "must be a JSON object"));
    };
    if map.is_empty() {
        return Ok(String::new());
    }
    let bytes = serde_json::to_vec(&map)
        .map_err(|e| Error::invalid(FIELD, format!("cannot serialize: {e}")))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Decodes `extraData` into its JSON object; `""` gives an empty object.
pub fn decode(text: &str) -> Result<Map<String, Value>> {
    if text.is_empty() {
        return Ok(Map::new());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| Error::invalid(FIELD, "must be \"\" or standard base64 (with padding)"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::invalid(
            FIELD,
            "decodes to JSON that is not an object",
        )),
        Err(_) => Err(Error::invalid(FIELD, "decodes to bytes that are not JSON")),
    }
}

/// Checks that text is valid `extraData` without keeping the decoded value.
pub(crate) fn check(text: &str) -> Result<()> {
    decode(text).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_example_decodes() {
        // MoMo's page: {"username": "momo"} => eyJ1c2VybmFtZSI6ICJtb21vIn0=
        let map = decode("eyJ1c2VybmFtZSI6ICJtb21vIn0=").unwrap();
        assert_eq!(map.get("username"), Some(&Value::from("momo")));
    }

    #[test]
    fn round_trip_and_rejections() {
        let text = encode(&serde_json::json!({"till": 3, "cashier": "Lan"})).unwrap();
        assert_eq!(decode(&text).unwrap().get("till"), Some(&Value::from(3)));
        assert_eq!(encode(&serde_json::json!({})).unwrap(), "");
        assert!(encode(&serde_json::json!([1])).is_err());
        assert!(decode("bm90IGpzb24=").is_err()); // "not json"
        assert!(decode("WzFd").is_err()); // [1]
        assert!(decode("eyJ1c2VybmFtZSI6ICJtb21vIn0").is_err()); // padding missing
        assert!(decode("{\"a\":1}").is_err()); // raw JSON, not base64
    }

    #[test]
    fn floats_survive_a_round_trip() {
        // {"a":2.5425525525525626e+23}, base64 by Python. Python's float()
        // reads that literal as 0x1.aeb9a3da04a1ep+77; serde_json's default
        // parser is one ulp off for it, and a re-encoded extraData changed
        // under the fuzzer.
        let map = decode("eyJhIjoyLjU0MjU1MjU1MjU1MjU2MjZlKzIzfQ==").unwrap();
        let a = map.get("a").and_then(Value::as_f64).unwrap();
        assert_eq!(a.to_bits(), 0x44ca_eb9a_3da0_4a1e);
        assert_eq!(decode(&encode(&map).unwrap()).unwrap(), map);
    }
}
