//! Signature checks on messages from MoMo, driven by a table of signed
//! fields so notifications and responses share one implementation.

use std::borrow::Cow;

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::json::Object;
use crate::signature::RawSignature;

/// The JSON type a signed field must have.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// A JSON string; the decoded value is signed.
    Text,
    /// A non-negative JSON integer; its exact digits are signed.
    Digits,
    /// A JSON integer that may be negative (result codes).
    Integer,
}

/// Checks `signature` over `accessKey` and `signed` (already in a–z order).
///
/// Every signed field must be present with its type: a field that is
/// missing, `null` or of another type is refused, never signed as `""`.
pub(crate) fn check_signature(
    object: &Object<'_>,
    credentials: &Credentials,
    signed: &[(&str, Kind)],
    signature: &str,
) -> Result<()> {
    let mut raw = RawSignature::with_capacity(512).field("accessKey", credentials.access_key());
    for &(key, kind) in signed {
        let value: Cow<'_, str> = match kind {
            Kind::Text => Cow::Owned(object.str(key)?),
            Kind::Digits => Cow::Borrowed(object.digits(key)?),
            Kind::Integer => {
                Cow::Borrowed(object.opt_int(key)?.ok_or_else(|| Error::missing(key))?)
            }
        };
        raw = raw.field(key, &value);
    }
    raw.verify(credentials.mac(), signature)
}
