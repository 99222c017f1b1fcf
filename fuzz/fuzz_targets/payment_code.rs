//! Payment-code normalization and encryption, from arbitrary text.
//!
//! Invariants:
//! - `PaymentCode::parse` never panics.
//! - A parsed code is in one of the documented forms: `MM` + 18 digits,
//!   `mm` + 18 digits, or 18 digits; and it is the input with only scanner
//!   noise removed (whitespace, one leading AIM identifier `]Xy`).
//! - Normalization is idempotent: parsing the normalized code gives it back.
//! - `masked()` keeps the length and shows only the last four characters.
//! - Encryption never panics and gives standard base64 of exactly the
//!   key's size (256 bytes for the 2048-bit test key), which
//!   `EncryptedPaymentCode::from_base64` accepts; the plain code is refused
//!   there.
#![no_main]

use std::sync::OnceLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use momo_pos::{EncryptedPaymentCode, MomoPublicKey, PaymentCode, CODE_DIGITS};

fn key() -> &'static MomoPublicKey {
    static KEY: OnceLock<MomoPublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let text = include_str!("../../tests/keys/test_rsa2048_public_spki.b64");
        MomoPublicKey::parse(text).unwrap_or_else(|e| panic!("test key: {e}"))
    })
}

fn documented_form(code: &str) -> bool {
    let digits = code
        .strip_prefix("MM")
        .or_else(|| code.strip_prefix("mm"))
        .unwrap_or(code);
    digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit())
}

fuzz_target!(|data: &[u8]| {
    let Ok(scanned) = std::str::from_utf8(data) else {
        return;
    };
    // Whatever the text, the ciphertext check must not panic either.
    let _ = EncryptedPaymentCode::from_base64(scanned);
    let Ok(code) = PaymentCode::parse(scanned) else {
        return;
    };
    let normalized = code.as_str();
    assert!(
        documented_form(normalized),
        "{normalized:?} from {scanned:?}"
    );
    assert_eq!(
        PaymentCode::parse(normalized).as_ref(),
        Ok(&code),
        "not idempotent"
    );
    // Only noise was removed: the code's characters appear in order in the
    // input once whitespace is dropped.
    let compact: String = scanned
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    assert!(
        compact.ends_with(normalized),
        "{normalized:?} is not the tail of {compact:?}"
    );
    assert!(compact.len() == normalized.len() || compact.len() == normalized.len() + 3);

    let masked = code.masked();
    assert_eq!(masked.len(), normalized.len());
    assert_eq!(
        &masked[masked.len() - 4..],
        &normalized[normalized.len() - 4..]
    );
    assert!(masked[..masked.len() - 4].bytes().all(|b| b == b'*'));

    let encrypted = key()
        .encrypt(&code)
        .unwrap_or_else(|e| panic!("encrypting a valid code failed: {e}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encrypted.as_str())
        .unwrap_or_else(|e| panic!("ciphertext is not base64: {e}"));
    assert_eq!(bytes.len(), key().ciphertext_len());
    assert_eq!(
        EncryptedPaymentCode::from_base64(encrypted.as_str()).as_ref(),
        Ok(&encrypted)
    );
    assert!(EncryptedPaymentCode::from_base64(normalized).is_err());
});
