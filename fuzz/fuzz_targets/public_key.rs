//! Public-key parsing from arbitrary text and DER.
//!
//! Invariants:
//! - `MomoPublicKey::parse` (text: base64 DER, PEM SPKI, PEM PKCS#1) and
//!   `from_der` / `from_spki_der` (bytes) never panic.
//! - An accepted key has 2048 to 4096 bits and a ciphertext length of
//!   exactly ceil(bits / 8) bytes.
//! - The three entry points agree: a key `from_spki_der` accepts is the
//!   one `from_der` gives.
#![no_main]

use libfuzzer_sys::fuzz_target;
use momo_pos::MomoPublicKey;

fn check(key: &MomoPublicKey) {
    assert!((2048..=4096).contains(&key.bits()), "{} bits", key.bits());
    assert_eq!(key.ciphertext_len(), key.bits().div_ceil(8));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(key) = MomoPublicKey::parse(text) {
            check(&key);
        }
    }
    let der = MomoPublicKey::from_der(data);
    if let Ok(key) = &der {
        check(key);
    }
    if let Ok(key) = MomoPublicKey::from_spki_der(data) {
        check(&key);
        assert_eq!(
            der.as_ref(),
            Ok(&key),
            "from_der disagrees with from_spki_der"
        );
    }
});
