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

/// The three values MoMo's portal issues, by name: accessKey and secretKey
/// are both short strings, and passed by position they swap silently (every
/// signature then fails at MoMo with "signature mismatch").
///
/// `Debug` never shows `secret_key`.
#[derive(Clone, Copy)]
pub struct CredentialFields<'a> {
    /// partnerCode: the merchant's id.
    pub partner_code: &'a str,
    /// accessKey: signed into every request, never sent.
    pub access_key: &'a str,
    /// secretKey: the HMAC key.
    pub secret_key: &'a str,
}

impl fmt::Debug for CredentialFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialFields")
            .field("partner_code", &self.partner_code)
            .field("access_key", &self.access_key)
            .field("secret_key", &"<redacted>")
            .finish()
    }
}

/// The merchant's checked credentials, with the secret key held only as a
/// keyed HMAC state.
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
    /// Each must be 1 to 256 bytes without control characters or spaces (a
    /// pasted newline is the usual cause of "signature mismatch" at MoMo);
    /// the error names the field and never quotes its value.
    ///
    /// ```
    /// use momo_pos::{CredentialFields, Credentials};
    ///
    /// let credentials = Credentials::new(CredentialFields {
    ///     partner_code: "MOMO",
    ///     access_key: "F8BBA842ECF85",
    ///     secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
    /// })?;
    /// assert_eq!(credentials.partner_code(), "MOMO");
    /// # Ok::<(), momo_pos::Error>(())
    /// ```
    pub fn new(fields: CredentialFields<'_>) -> Result<Self> {
        let CredentialFields {
            partner_code,
            access_key,
            secret_key,
        } = fields;
        check("partnerCode", partner_code)?;
        check("accessKey", access_key)?;
        check("secretKey", secret_key)?;
        let mac = HmacSha256::new_from_slice(secret_key.as_bytes()).map_err(|_| {
            Error::InvalidCredentials {
                field: "secretKey".into(),
                reason: "cannot key HMAC-SHA256".into(),
            }
        })?;
        Ok(Self {
            partner_code: partner_code.to_owned(),
            access_key: access_key.to_owned(),
            mac,
        })
    }

    /// The merchant's partnerCode: sent in every request body, and required
    /// of every notification [`Client::verify_ipn`](crate::Client::verify_ipn)
    /// accepts.
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
        field: field.into(),
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
        let fields = CredentialFields {
            partner_code: "MOMO",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        };
        for shown in [
            format!("{:?}", Credentials::new(fields).unwrap()),
            format!("{fields:?}"),
        ] {
            assert!(!shown.contains("K951B6"), "{shown}");
            assert!(shown.contains("MOMO"));
        }
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
            let err = Credentials::new(CredentialFields {
                partner_code: p,
                access_key: a,
                secret_key: s,
            })
            .unwrap_err();
            assert_eq!(err.field(), Some(field));
            assert!(!err.to_string().contains("secret\n"));
        }
    }
}
