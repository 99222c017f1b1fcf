//! The one error type of the crate.
//!
//! Every failure says what kind it is ([`ErrorKind`], stable strings the C and
//! JS bindings reuse) and, where one field is to blame, which field. Messages
//! never contain a secret and never echo a whole input back.

use std::fmt;

/// Why a scanned payment code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaymentCodeProblem {
    /// Nothing left once scanner noise was stripped.
    Empty,
    /// Fewer than the 18 digits MoMo requires.
    TooShort {
        /// How many digits were found.
        digits: usize,
    },
    /// More than the 18 digits MoMo requires.
    TooLong {
        /// Digits found, after the `MM`/`mm` prefix if any; for a scan over
        /// 256 bytes (refused unread), the characters of the whole raw scan.
        digits: usize,
    },
    /// A character that is not an ASCII digit where a digit belongs.
    NonDigit {
        /// 1-based position in the normalized code, counting the `MM` prefix.
        position: usize,
        /// The character found there; non-ASCII digits such as `١` count as
        /// non-digits.
        found: char,
    },
    /// The code starts with something other than `MM`, `mm` or a digit.
    UnknownPrefix {
        /// The leading characters that were not understood (at most 8).
        prefix: String,
    },
}

impl fmt::Display for PaymentCodeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the scanned code is empty"),
            Self::TooShort { digits } => {
                write!(f, "too short: {digits} digits, MoMo codes have 18")
            }
            Self::TooLong { digits } => {
                write!(f, "too long: {digits} characters, MoMo codes have 18 digits")
            }
            Self::NonDigit { position, found } => {
                write!(f, "non-digit {found:?} at position {position}")
            }
            Self::UnknownPrefix { prefix } => write!(
                f,
                "unknown prefix {prefix:?}: expected MM, mm or a digit (is this a MoMo payment code?)"
            ),
        }
    }
}

/// Why an RSA public key was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// The text is neither PEM nor standard base64.
    NotBase64,
    /// A PEM block whose label this library does not take.
    UnsupportedPem {
        /// The label after `-----BEGIN `.
        label: String,
    },
    /// A private key was given where MoMo's public key belongs.
    PrivateKey,
    /// The key is not an RSA key (EC keys, for instance).
    NotRsa,
    /// The DER could not be decoded (truncated or corrupted), a PEM block
    /// has no `-----END` line or no valid base64 body, or the text is over
    /// 16 KiB.
    Malformed,
    /// The modulus is outside 2048..=4096 bits.
    UnsupportedSize {
        /// The modulus length in bits.
        bits: usize,
    },
}

impl fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotBase64 => f.write_str(
                "not a PEM block and not base64 DER (MoMo's portal gives base64 starting with MIIB or MIIC)",
            ),
            Self::UnsupportedPem { label } => write!(
                f,
                "PEM label {label:?} is not supported: use PUBLIC KEY or RSA PUBLIC KEY"
            ),
            Self::PrivateKey => f.write_str(
                "this is a private key: pass MoMo's public key, and keep private keys out of POS software",
            ),
            Self::NotRsa => f.write_str("not an RSA key"),
            Self::Malformed => f.write_str("the key's DER structure is malformed or truncated"),
            Self::UnsupportedSize { bits } => {
                write!(f, "RSA key of {bits} bits: MoMo keys are 2048 to 4096 bits")
            }
        }
    }
}

/// Stable, machine-readable error kinds. The strings are part of the API of
/// every binding (C status names, JS `MomoError.code`): never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `invalid_payment_code`: see [`Error::InvalidPaymentCode`].
    InvalidPaymentCode,
    /// `invalid_public_key`: see [`Error::InvalidPublicKey`].
    InvalidPublicKey,
    /// `invalid_credentials`: see [`Error::InvalidCredentials`].
    InvalidCredentials,
    /// `invalid_field`: see [`Error::InvalidField`].
    InvalidField,
    /// `missing_field`: see [`Error::MissingField`].
    MissingField,
    /// `duplicate_key`: see [`Error::DuplicateKey`].
    DuplicateKey,
    /// `invalid_json`: see [`Error::InvalidJson`].
    InvalidJson,
    /// `body_too_large`: see [`Error::BodyTooLarge`].
    BodyTooLarge,
    /// `malformed_signature`: see [`Error::MalformedSignature`].
    MalformedSignature,
    /// `signature_mismatch`: see [`Error::SignatureMismatch`].
    SignatureMismatch,
    /// `field_mismatch`: see [`Error::FieldMismatch`].
    FieldMismatch,
    /// `randomness`: see [`Error::Randomness`].
    Randomness,
    /// `encryption`: see [`Error::Encryption`].
    Encryption,
    /// `invalid_state`: see [`Error::InvalidState`].
    InvalidState,
    /// `json_limit`: see [`Error::JsonLimit`].
    JsonLimit,
}

impl ErrorKind {
    /// The stable snake_case name of this kind.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidPaymentCode => "invalid_payment_code",
            Self::InvalidPublicKey => "invalid_public_key",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidField => "invalid_field",
            Self::MissingField => "missing_field",
            Self::DuplicateKey => "duplicate_key",
            Self::InvalidJson => "invalid_json",
            Self::BodyTooLarge => "body_too_large",
            Self::MalformedSignature => "malformed_signature",
            Self::SignatureMismatch => "signature_mismatch",
            Self::FieldMismatch => "field_mismatch",
            Self::Randomness => "randomness",
            Self::Encryption => "encryption",
            Self::InvalidState => "invalid_state",
            Self::JsonLimit => "json_limit",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in momo-pos.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The scanned payment code is not a MoMo payment code.
    InvalidPaymentCode {
        /// What is wrong with the scan, to match on; its `Display` is an
        /// English sentence for the till's screen or the logs.
        problem: PaymentCodeProblem,
    },
    /// MoMo's RSA public key could not be used.
    InvalidPublicKey {
        /// What is wrong with the key text, to match on (a pasted private
        /// key is [`KeyProblem::PrivateKey`]); `Display` says it in English.
        problem: KeyProblem,
    },
    /// partnerCode, accessKey or secretKey is unusable.
    InvalidCredentials {
        /// Which credential: `partnerCode`, `accessKey` or `secretKey`.
        field: String,
        /// Human-readable English, for logs; never contains the credential
        /// itself. Match on the variant and `field`, not on this text.
        reason: String,
    },
    /// A field breaks a rule of the protocol.
    InvalidField {
        /// The field, in MoMo's camelCase name (`items[2].totalPrice` for nested ones).
        field: String,
        /// The rule broken, in English completing "`field`: …" (`is empty`):
        /// for logs and people. Match on the variant and `field`, not this text.
        reason: String,
    },
    /// A required field is absent.
    MissingField {
        /// The field, in MoMo's camelCase name.
        field: String,
    },
    /// A JSON object names the same key twice; which value counts would be a guess.
    DuplicateKey {
        /// The repeated key as decoded (`amo\u0075nt` repeats `amount`); for
        /// a nested object, the key alone, without its path.
        field: String,
    },
    /// The body is not one JSON object; also a driver snapshot or a
    /// [`crate::input`] text that is not JSON.
    InvalidJson {
        /// What the parser found and where it stopped (a byte offset; line
        /// and column for snapshots and inputs). English, for logs: match on
        /// the variant, not this text.
        reason: String,
    },
    /// A received body crossed one of the reader's caps (the constants
    /// [`crate::JsonLimit`] names); reading stopped there, before any
    /// signature check. MoMo never sends such a body.
    JsonLimit {
        /// Which cap was crossed; [`JsonLimit::max`](crate::JsonLimit::max)
        /// gives its value.
        limit: crate::JsonLimit,
        /// Byte offset in the body where the cap was crossed.
        offset: usize,
    },
    /// The body is larger than [`crate::MAX_BODY_BYTES`] (a driver snapshot
    /// larger than [`crate::driver::MAX_SNAPSHOT_BYTES`]); it was not parsed.
    BodyTooLarge {
        /// Size of the body in bytes.
        size: usize,
        /// The cap that applied, in bytes: one of the two constants above.
        limit: usize,
    },
    /// The signature is not 64 lowercase hex characters.
    MalformedSignature {
        /// What is wrong with it (empty, wrong length, not lowercase hex), in
        /// English for logs; match on the variant, not this text.
        reason: String,
    },
    /// The signature does not match the signed fields: the message was
    /// altered, or was signed with other credentials.
    SignatureMismatch,
    /// A verified message is about something else than expected (another
    /// partnerCode, orderId or amount).
    FieldMismatch {
        /// MoMo's camelCase name of the field that differs: `partnerCode`,
        /// `orderId`, `requestId` or `amount`.
        field: String,
        /// The value expected (the client's partnerCode, the request's ids,
        /// the order's amount).
        expected: String,
        /// The value the message carries.
        found: String,
    },
    /// The [`RandomSource`](crate::RandomSource) (the operating system's,
    /// for [`MomoPublicKey::encrypt`](crate::MomoPublicKey::encrypt)) could
    /// not supply padding bytes; nothing was encrypted.
    Randomness,
    /// RSA encryption failed.
    Encryption {
        /// The RSA library's description, in English for logs; match on the
        /// variant, not this text.
        reason: String,
    },
    /// The call does not fit the transaction driver's current state (a
    /// capture/cancel decision when nothing is authorized, an event from
    /// another merchant's client, a snapshot of an unknown version).
    InvalidState {
        /// What did not fit (the stage, the partnerCode, the snapshot
        /// version), in English for logs; match on the variant, not this text.
        reason: String,
    },
}

impl Error {
    /// The stable kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidPaymentCode { .. } => ErrorKind::InvalidPaymentCode,
            Self::InvalidPublicKey { .. } => ErrorKind::InvalidPublicKey,
            Self::InvalidCredentials { .. } => ErrorKind::InvalidCredentials,
            Self::InvalidField { .. } => ErrorKind::InvalidField,
            Self::MissingField { .. } => ErrorKind::MissingField,
            Self::DuplicateKey { .. } => ErrorKind::DuplicateKey,
            Self::InvalidJson { .. } => ErrorKind::InvalidJson,
            Self::BodyTooLarge { .. } => ErrorKind::BodyTooLarge,
            Self::MalformedSignature { .. } => ErrorKind::MalformedSignature,
            Self::SignatureMismatch => ErrorKind::SignatureMismatch,
            Self::FieldMismatch { .. } => ErrorKind::FieldMismatch,
            Self::Randomness => ErrorKind::Randomness,
            Self::Encryption { .. } => ErrorKind::Encryption,
            Self::InvalidState { .. } => ErrorKind::InvalidState,
            Self::JsonLimit { .. } => ErrorKind::JsonLimit,
        }
    }

    /// The field this error concerns, in MoMo's camelCase name, if one field
    /// is to blame.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InvalidPaymentCode { .. } => Some("paymentCode"),
            Self::InvalidCredentials { field, .. } | Self::FieldMismatch { field, .. } => {
                Some(field)
            }
            Self::InvalidField { field, .. }
            | Self::MissingField { field }
            | Self::DuplicateKey { field } => Some(field),
            Self::MalformedSignature { .. } | Self::SignatureMismatch => Some("signature"),
            _ => None,
        }
    }

    /// [`Error::InvalidField`], for bindings and hosts that check fields of
    /// their own: `reason` completes "`field`: ...".
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidField {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// [`Error::FieldMismatch`]: a message about something else than
    /// `expected`.
    pub fn mismatch(
        field: impl Into<String>,
        expected: impl ToString,
        found: impl ToString,
    ) -> Self {
        Self::FieldMismatch {
            field: field.into(),
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }

    /// [`Error::MissingField`], for bindings and hosts that check fields of
    /// their own; `field` in MoMo's camelCase name.
    pub fn missing(field: impl Into<String>) -> Self {
        Self::MissingField {
            field: field.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPaymentCode { problem } => write!(f, "paymentCode: {problem}"),
            Self::InvalidPublicKey { problem } => write!(f, "public key: {problem}"),
            Self::InvalidCredentials { field, reason } => write!(f, "{field}: {reason}"),
            Self::InvalidField { field, reason } => write!(f, "{field}: {reason}"),
            Self::MissingField { field } => write!(f, "{field}: required field is missing"),
            Self::DuplicateKey { field } => {
                write!(f, "{field}: key appears more than once in the JSON object")
            }
            Self::InvalidJson { reason } => write!(f, "body is not a JSON object: {reason}"),
            Self::BodyTooLarge { size, limit } => {
                write!(f, "body of {size} bytes exceeds the limit of {limit} bytes")
            }
            Self::MalformedSignature { reason } => write!(f, "signature: {reason}"),
            Self::SignatureMismatch => f.write_str(
                "signature: does not match the signed fields (altered message or other credentials)",
            ),
            Self::FieldMismatch {
                field,
                expected,
                found,
            } => write!(f, "{field}: is {found:?}, expected {expected:?}"),
            Self::Randomness => f.write_str("the operating system could not supply randomness"),
            Self::Encryption { reason } => write!(f, "paymentCode: RSA encryption failed: {reason}"),
            Self::InvalidState { reason } => write!(f, "driver: {reason}"),
            Self::JsonLimit { limit, offset } => write!(f, "{limit} (byte {offset})"),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
