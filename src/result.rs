//! `momo_result`: the status every C function returns.
//!
//! The numbers are part of the ABI: never renumber, only add. 1..=99 are
//! failures of the C boundary itself, 100 and up mirror the core's
//! [`ErrorKind`]s (whose snake_case names [`momo_result_name`] returns).

use std::ffi::{c_char, CStr};

use super::guard::value;
use momo::ErrorKind;

/// The status of a call. MOMO_RESULT_OK is 0; every other value is a
/// failure whose details are in momo_last_error_message().
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum momo_result {
    /// Success.
    MOMO_RESULT_OK = 0,
    /// A required pointer argument was NULL.
    MOMO_RESULT_NULL_POINTER = 1,
    /// A text argument is not valid UTF-8.
    MOMO_RESULT_INVALID_UTF8 = 2,
    /// A text argument contains a NUL byte.
    MOMO_RESULT_EMBEDDED_NUL = 3,
    /// The caller's buffer is too small; the length needed was written.
    MOMO_RESULT_BUFFER_TOO_SMALL = 4,
    /// The library panicked (a bug): the call had no effect on its outputs.
    MOMO_RESULT_PANIC = 5,
    /// An argument is out of range (an unknown MOMO_LANG_* value...).
    MOMO_RESULT_INVALID_ARGUMENT = 6,
    /// An input is longer than MOMO_MAX_INPUT_LEN; it was not read.
    MOMO_RESULT_INPUT_TOO_LONG = 7,
    /// The optional field asked for is absent (not an error of the input).
    MOMO_RESULT_ABSENT = 8,
    /// The scanned code is not a MoMo payment code (invalid_payment_code).
    MOMO_RESULT_INVALID_PAYMENT_CODE = 100,
    /// MoMo's RSA public key could not be used (invalid_public_key).
    MOMO_RESULT_INVALID_PUBLIC_KEY = 101,
    /// partnerCode, accessKey or secretKey is unusable (invalid_credentials).
    MOMO_RESULT_INVALID_CREDENTIALS = 102,
    /// A field breaks a protocol rule (invalid_field).
    MOMO_RESULT_INVALID_FIELD = 103,
    /// A required field is absent from a received body (missing_field).
    MOMO_RESULT_MISSING_FIELD = 104,
    /// A received JSON object repeats a key (duplicate_key).
    MOMO_RESULT_DUPLICATE_KEY = 105,
    /// A received body is not one JSON object (invalid_json).
    MOMO_RESULT_INVALID_JSON = 106,
    /// A received body exceeds MOMO_MAX_BODY_BYTES (body_too_large).
    MOMO_RESULT_BODY_TOO_LARGE = 107,
    /// A signature is not 64 lowercase hex characters (malformed_signature).
    MOMO_RESULT_MALFORMED_SIGNATURE = 108,
    /// A signature does not match: altered or foreign (signature_mismatch).
    MOMO_RESULT_SIGNATURE_MISMATCH = 109,
    /// A verified message is about another order, amount or merchant
    /// (field_mismatch).
    MOMO_RESULT_FIELD_MISMATCH = 110,
    /// The operating system could not supply randomness (randomness).
    MOMO_RESULT_RANDOMNESS = 111,
    /// RSA encryption failed (encryption).
    MOMO_RESULT_ENCRYPTION = 112,
    /// The call does not fit the transaction driver's state: a decision
    /// when nothing is authorized, another merchant's client, a snapshot of
    /// another version (invalid_state).
    MOMO_RESULT_INVALID_STATE = 113,
    /// A received body crossed a reader cap (MOMO_MAX_KEYS,
    /// MOMO_MAX_KEY_BYTES, MOMO_MAX_VALUES, MOMO_MAX_STRING_BYTES,
    /// MOMO_MAX_ESCAPES, MOMO_MAX_DEPTH); reading
    /// stopped there (json_limit).
    MOMO_RESULT_JSON_LIMIT = 114,
}

use momo_result::*;

/// Every code, for lookups by number.
const ALL: [momo_result; 24] = [
    MOMO_RESULT_OK,
    MOMO_RESULT_NULL_POINTER,
    MOMO_RESULT_INVALID_UTF8,
    MOMO_RESULT_EMBEDDED_NUL,
    MOMO_RESULT_BUFFER_TOO_SMALL,
    MOMO_RESULT_PANIC,
    MOMO_RESULT_INVALID_ARGUMENT,
    MOMO_RESULT_INPUT_TOO_LONG,
    MOMO_RESULT_ABSENT,
    MOMO_RESULT_INVALID_PAYMENT_CODE,
    MOMO_RESULT_INVALID_PUBLIC_KEY,
    MOMO_RESULT_INVALID_CREDENTIALS,
    MOMO_RESULT_INVALID_FIELD,
    MOMO_RESULT_MISSING_FIELD,
    MOMO_RESULT_DUPLICATE_KEY,
    MOMO_RESULT_INVALID_JSON,
    MOMO_RESULT_BODY_TOO_LARGE,
    MOMO_RESULT_MALFORMED_SIGNATURE,
    MOMO_RESULT_SIGNATURE_MISMATCH,
    MOMO_RESULT_FIELD_MISMATCH,
    MOMO_RESULT_RANDOMNESS,
    MOMO_RESULT_ENCRYPTION,
    MOMO_RESULT_INVALID_STATE,
    MOMO_RESULT_JSON_LIMIT,
];

impl momo_result {
    /// The code of a core error kind. `tests::every_error_kind_has_its_own_code`
    /// fails until a new kind in the core has its number here.
    pub(crate) const fn from_kind(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidPaymentCode => MOMO_RESULT_INVALID_PAYMENT_CODE,
            ErrorKind::InvalidPublicKey => MOMO_RESULT_INVALID_PUBLIC_KEY,
            ErrorKind::InvalidCredentials => MOMO_RESULT_INVALID_CREDENTIALS,
            ErrorKind::InvalidField => MOMO_RESULT_INVALID_FIELD,
            ErrorKind::MissingField => MOMO_RESULT_MISSING_FIELD,
            ErrorKind::DuplicateKey => MOMO_RESULT_DUPLICATE_KEY,
            ErrorKind::InvalidJson => MOMO_RESULT_INVALID_JSON,
            ErrorKind::BodyTooLarge => MOMO_RESULT_BODY_TOO_LARGE,
            ErrorKind::MalformedSignature => MOMO_RESULT_MALFORMED_SIGNATURE,
            ErrorKind::SignatureMismatch => MOMO_RESULT_SIGNATURE_MISMATCH,
            ErrorKind::FieldMismatch => MOMO_RESULT_FIELD_MISMATCH,
            ErrorKind::Randomness => MOMO_RESULT_RANDOMNESS,
            ErrorKind::Encryption => MOMO_RESULT_ENCRYPTION,
            ErrorKind::InvalidState => MOMO_RESULT_INVALID_STATE,
            ErrorKind::JsonLimit => MOMO_RESULT_JSON_LIMIT,
            _ => MOMO_RESULT_INVALID_ARGUMENT,
        }
    }

    fn from_u32(code: u32) -> Option<Self> {
        ALL.iter().copied().find(|c| *c as u32 == code)
    }

    /// Stable snake_case name: the core's kind name for codes >= 100.
    const fn name(self) -> &'static CStr {
        match self {
            MOMO_RESULT_OK => c"ok",
            MOMO_RESULT_NULL_POINTER => c"null_pointer",
            MOMO_RESULT_INVALID_UTF8 => c"invalid_utf8",
            MOMO_RESULT_EMBEDDED_NUL => c"embedded_nul",
            MOMO_RESULT_BUFFER_TOO_SMALL => c"buffer_too_small",
            MOMO_RESULT_PANIC => c"panic",
            MOMO_RESULT_INVALID_ARGUMENT => c"invalid_argument",
            MOMO_RESULT_INPUT_TOO_LONG => c"input_too_long",
            MOMO_RESULT_ABSENT => c"absent",
            MOMO_RESULT_INVALID_PAYMENT_CODE => c"invalid_payment_code",
            MOMO_RESULT_INVALID_PUBLIC_KEY => c"invalid_public_key",
            MOMO_RESULT_INVALID_CREDENTIALS => c"invalid_credentials",
            MOMO_RESULT_INVALID_FIELD => c"invalid_field",
            MOMO_RESULT_MISSING_FIELD => c"missing_field",
            MOMO_RESULT_DUPLICATE_KEY => c"duplicate_key",
            MOMO_RESULT_INVALID_JSON => c"invalid_json",
            MOMO_RESULT_BODY_TOO_LARGE => c"body_too_large",
            MOMO_RESULT_MALFORMED_SIGNATURE => c"malformed_signature",
            MOMO_RESULT_SIGNATURE_MISMATCH => c"signature_mismatch",
            MOMO_RESULT_FIELD_MISMATCH => c"field_mismatch",
            MOMO_RESULT_RANDOMNESS => c"randomness",
            MOMO_RESULT_ENCRYPTION => c"encryption",
            MOMO_RESULT_INVALID_STATE => c"invalid_state",
            MOMO_RESULT_JSON_LIMIT => c"json_limit",
        }
    }

    /// A one-line English description, for logs.
    const fn message(self) -> &'static CStr {
        match self {
            MOMO_RESULT_OK => c"success",
            MOMO_RESULT_NULL_POINTER => c"a required pointer argument is NULL",
            MOMO_RESULT_INVALID_UTF8 => c"a text argument is not valid UTF-8",
            MOMO_RESULT_EMBEDDED_NUL => c"a text argument contains a NUL byte",
            MOMO_RESULT_BUFFER_TOO_SMALL => {
                c"the output buffer is too small; the length needed was written"
            }
            MOMO_RESULT_PANIC => c"internal error: the library panicked (please report it)",
            MOMO_RESULT_INVALID_ARGUMENT => c"an argument is out of range",
            MOMO_RESULT_INPUT_TOO_LONG => c"an input is longer than MOMO_MAX_INPUT_LEN",
            MOMO_RESULT_ABSENT => c"the optional field is absent",
            MOMO_RESULT_INVALID_PAYMENT_CODE => c"the scanned code is not a MoMo payment code",
            MOMO_RESULT_INVALID_PUBLIC_KEY => c"MoMo's RSA public key could not be used",
            MOMO_RESULT_INVALID_CREDENTIALS => c"partnerCode, accessKey or secretKey is unusable",
            MOMO_RESULT_INVALID_FIELD => c"a field breaks a rule of the protocol",
            MOMO_RESULT_MISSING_FIELD => c"a required field is missing",
            MOMO_RESULT_DUPLICATE_KEY => c"a JSON object repeats a key",
            MOMO_RESULT_INVALID_JSON => c"the body is not one JSON object",
            MOMO_RESULT_BODY_TOO_LARGE => c"the body is larger than the limit",
            MOMO_RESULT_MALFORMED_SIGNATURE => c"the signature is not 64 lowercase hex characters",
            MOMO_RESULT_SIGNATURE_MISMATCH => {
                c"the signature does not match (altered message or other credentials)"
            }
            MOMO_RESULT_FIELD_MISMATCH => c"the message is about another merchant, order or amount",
            MOMO_RESULT_RANDOMNESS => c"the operating system could not supply randomness",
            MOMO_RESULT_ENCRYPTION => c"RSA encryption failed",
            MOMO_RESULT_INVALID_STATE => c"the call does not fit the transaction driver's state",
            MOMO_RESULT_JSON_LIMIT => {
                c"the body crosses a cap on keys, key or string length, values, escapes or depth"
            }
        }
    }
}

/// A static English description of `code` (a momo_result). Never NULL,
/// never freed; an unknown number gives "unknown momo_result".
#[no_mangle]
pub extern "C" fn momo_result_message(code: u32) -> *const c_char {
    value(c"unknown momo_result".as_ptr(), || {
        momo_result::from_u32(code)
            .map_or(c"unknown momo_result", momo_result::message)
            .as_ptr()
    })
}

/// The stable snake_case name of `code` (a momo_result), e.g.
/// "signature_mismatch": the core's error kind for codes >= 100. Never
/// NULL, never freed; an unknown number gives "unknown".
#[no_mangle]
pub extern "C" fn momo_result_name(code: u32) -> *const c_char {
    value(c"unknown".as_ptr(), || {
        momo_result::from_u32(code)
            .map_or(c"unknown", momo_result::name)
            .as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_core_kinds_are_the_core_names() {
        for kind in [
            ErrorKind::InvalidPaymentCode,
            ErrorKind::InvalidPublicKey,
            ErrorKind::InvalidCredentials,
            ErrorKind::InvalidField,
            ErrorKind::MissingField,
            ErrorKind::DuplicateKey,
            ErrorKind::InvalidJson,
            ErrorKind::BodyTooLarge,
            ErrorKind::MalformedSignature,
            ErrorKind::SignatureMismatch,
            ErrorKind::FieldMismatch,
            ErrorKind::Randomness,
            ErrorKind::Encryption,
            ErrorKind::InvalidState,
            ErrorKind::JsonLimit,
        ] {
            let code = momo_result::from_kind(kind);
            assert!(code as u32 >= 100);
            assert_eq!(code.name().to_str().unwrap(), kind.as_str());
        }
    }

    #[test]
    fn every_code_is_listed_once() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(momo_result::from_u32(*a as u32), Some(*a));
            for b in ALL.iter().skip(i + 1) {
                assert_ne!(*a as u32, *b as u32);
                assert_ne!(a.name(), b.name());
            }
        }
        assert_eq!(momo_result::from_u32(99), None);
    }
}
