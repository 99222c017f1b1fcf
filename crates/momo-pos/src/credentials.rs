//! The merchant's credentials: partnerCode, accessKey and the HMAC secretKey.
//!
//! The secret key belongs on a server or a trusted POS terminal, never in a
//! web page. It is held only as a keyed HMAC state, whose SHA-256 states are
//! wiped on drop (sha2's `zeroize` feature), and never shown by `Debug`.

use std::fmt;

use hmac::{Hmac, KeyInit as _};
use sha2::Sha256;

use crate::error::{Error, Result};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// partnerCode, accessKey and secretKey as MoMo's portal issues them.
#[derive(Clone)]
pub struct Credentials {
    partner_code: String,
    access_key: String,
    // Keyed once: every signature clones this state instead of re-keying.
    mac: HmacSha256,
}

impl Credentials {
    /// Checks and keeps the three credentials.
    ///
    /// Each must be non-empty and free of control characters and spaces (a
    /// pasted newline is the usual cause of "signature mismatch" at MoMo).
    pub fn new(partner_code: &str, access_key: &str, secret_key: &str) -> Result<Self> {
        check("partnerCode", partner_code)?;
        check("accessKey", access_key)?;
        check("secretKey", secret_key)?;
        let mac = HmacSha256::new_from_slice(secret_key.as_bytes()).map_err(|_| {
            Error::InvalidCredentials {
                field: "secretKey",
                reason: "cannot key HMAC-SHA256".into(),
            }
        })?;
        Ok(Self {
            partner_code: partner_code.to_owned(),
            access_key: access_key.to_owned(),
            mac,
        })
    }

    /// The merchant's partnerCode.
    pub fn partner_code(&self) -> &str {
        &self.partner_code
    }

    /// The merchant's accessKey (signed, never sent).
    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    pub(crate) fn mac(&self) -> &HmacSha256 {
        &self.mac
    }
}

fn check(field: &'static str, value: &str) -> Result<()> {
    let reason = if value.is_empty() {
        "is empty"
    } else if value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        "contains whitespace or a control character (a pasted newline?)"
    } else if value.len() > 256 {
        "is longer than 256 bytes"
    } else {
        return Ok(());
    };
    Err(Error::InvalidCredentials {
        field,
        reason: reason.into(),
    })
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("partner_code", &self.partner_code)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keyed HMAC state (the ipad and opad SHA-256 states derived from
    /// the secret) must be wiped when a `Credentials` is dropped: that takes
    /// sha2's `zeroize` feature, which makes its cores `ZeroizeOnDrop`.
    #[test]
    fn keyed_state_is_zeroized_on_drop() {
        fn assert_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        assert_zeroize_on_drop::<sha2::block_api::Sha256VarCore>();
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c =
            Credentials::new("MOMO", "F8BBA842ECF85", "K951B6PE1waDMi640xX08PD3vg6EkVlz").unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("K951B6"), "{shown}");
        assert!(shown.contains("MOMO"));
    }

    #[test]
    fn refuses_unusable_credentials() {
        for (p, a, s, field) in [
            ("", "a", "s", "partnerCode"),
            ("MOMO", "", "s", "accessKey"),
            ("MOMO", "a", "", "secretKey"),
            ("MOMO", "a", "secret\n", "secretKey"),
            ("MO MO", "a", "s", "partnerCode"),
        ] {
            let err = Credentials::new(p, a, s).unwrap_err();
            assert_eq!(err.field(), Some(field));
            assert!(!err.to_string().contains("secret\n"));
        }
    }
}
