//! MoMo's signature scheme: HMAC-SHA256 over `k1=v1&k2=v2&…` as lowercase hex.
//!
//! Keys come in a fixed order per message, values exactly as sent (no
//! URL-encoding). The same [`RawSignature`] builder serves requests and
//! verification so the two can never disagree on the format.

use hmac::Mac as _;

use crate::credentials::HmacSha256;
use crate::error::{Error, Result};

/// Length of a signature: 32 bytes of HMAC-SHA256 as hex.
pub const SIGNATURE_HEX_LEN: usize = 64;

/// The `k1=v1&k2=v2&…` text that is signed.
#[derive(Debug, Default)]
pub(crate) struct RawSignature(String);

impl RawSignature {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self(String::with_capacity(capacity))
    }

    pub(crate) fn field(mut self, key: &str, value: &str) -> Self {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.push_str(key);
        self.0.push('=');
        self.0.push_str(value);
        self
    }

    #[cfg(test)]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0
    }

    /// Lowercase hex HMAC-SHA256 of the raw text.
    pub(crate) fn sign(&self, mac: &HmacSha256) -> String {
        let mut mac = mac.clone();
        mac.update(self.0.as_bytes());
        to_hex(&mac.finalize().into_bytes())
    }

    /// Checks a received signature in constant time.
    ///
    /// The length and alphabet are checked first (they say nothing about the
    /// key); the comparison of the 32 bytes is constant-time.
    pub(crate) fn verify(&self, mac: &HmacSha256, signature: &str) -> Result<()> {
        let expected = parse_signature(signature)?;
        let mut mac = mac.clone();
        mac.update(self.0.as_bytes());
        mac.verify_slice(&expected)
            .map_err(|_| Error::SignatureMismatch)
    }
}

fn parse_signature(signature: &str) -> Result<[u8; 32]> {
    let malformed = |reason: &str| Error::MalformedSignature {
        reason: reason.to_owned(),
    };
    if signature.is_empty() {
        return Err(malformed("is empty"));
    }
    if signature.len() != SIGNATURE_HEX_LEN {
        return Err(Error::MalformedSignature {
            reason: format!(
                "has {} characters; an HMAC-SHA256 signature has {SIGNATURE_HEX_LEN}",
                signature.chars().count()
            ),
        });
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(signature.as_bytes().chunks_exact(2)) {
        let (hi, lo) = match pair {
            [hi, lo] => (nibble(*hi), nibble(*lo)),
            _ => (None, None),
        };
        match (hi, lo) {
            (Some(hi), Some(lo)) => *byte = hi << 4 | lo,
            _ => {
                return Err(malformed(
                    "is not lowercase hexadecimal (MoMo sends 64 characters of 0-9a-f)",
                ))
            }
        }
    }
    Ok(out)
}

/// Lowercase hex digit value; uppercase is refused because MoMo never sends it.
fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    fn digit(n: u8) -> char {
        char::from(if n < 10 { b'0' + n } else { b'a' + n - 10 })
    }
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(digit(b >> 4));
        out.push(digit(b & 0x0f));
    }
    out
}

/// HMAC-SHA256 of `message` under `key`, as lowercase hex.
///
/// Exposed for debugging signature mismatches against other implementations;
/// the request builders and verifiers use it internally.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    use hmac::KeyInit as _;
    // HMAC takes keys of any length, so this never fails; the fallback keeps
    // the function total without a panic path.
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            to_hex(&mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_signature_joins_in_order() {
        let raw = RawSignature::default()
            .field("accessKey", "A")
            .field("amount", "1000")
            .field("extraData", "");
        assert_eq!(raw.as_str(), "accessKey=A&amount=1000&extraData=");
    }

    #[test]
    fn signature_shape_is_checked_before_comparison() {
        let ok = "a".repeat(64);
        assert!(parse_signature(&ok).is_ok());
        for bad in [
            "",
            "abc",
            &"a".repeat(63),
            &"a".repeat(65),
            &"A".repeat(64),
            &format!("{}g", "a".repeat(63)),
            &format!("{}é", "a".repeat(62)),
        ] {
            assert!(
                matches!(parse_signature(bad), Err(Error::MalformedSignature { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn hex_round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        let hex = to_hex(&bytes);
        assert_eq!(&hex[..6], "000102");
        assert_eq!(&hex[hex.len() - 4..], "feff");
    }
}
