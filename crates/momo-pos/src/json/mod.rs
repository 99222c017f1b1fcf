//! A strict reader for the flat JSON objects MoMo sends.
//!
//! Verification must see the body exactly as received: numbers keep their
//! digits (transId can exceed 2^53), a repeated key is refused (which of the
//! two values was signed would be a guess), and a value of the wrong JSON
//! type is refused rather than converted.
//!
//! An IPN endpoint is public, so the reader also bounds the work any body
//! can cause before its signature is checked: the caps below are far above
//! anything MoMo sends, each is enforced as soon as it is crossed, and the
//! reader's work is linear in the body's length (see `reader`).

mod key;
mod reader;
mod work;
#[cfg(test)]
mod work_tests;

use std::fmt;

use crate::error::{Error, Result};
use reader::{Field, Reader};

/// Largest body verified, in bytes. MoMo's notifications and responses are a
/// few hundred bytes; anything this large is refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Deepest nesting of arrays and objects inside a top-level value
/// (`promotionInfo` lists need 2).
pub const MAX_DEPTH: usize = 16;

/// Most keys in one object, top-level or nested. MoMo's largest answer, a
/// status query's, has about 20.
pub const MAX_KEYS: usize = 128;

/// Most values in one body, every nested value and array element counted.
/// A query answer with a few refunds and promotions has under 100.
pub const MAX_VALUES: usize = 512;

/// Longest string value, in bytes as written between its quotes
/// (escapes count as written). MoMo's longest strings, `extraData` and
/// `orderInfo`, echo what the merchant sent, at most 1,024 bytes when this
/// crate built the request.
pub const MAX_STRING_BYTES: usize = 4096;

/// Longest key, in bytes as written between its quotes. MoMo's longest,
/// `partnerUserId` or `promotionInfo`, have 13.
pub const MAX_KEY_BYTES: usize = 64;

/// Most escape sequences (`\n`, `\u00e9`, ...) in one body, a surrogate
/// pair counted as one. MoMo writes text as UTF-8; even a fully escaped
/// Vietnamese `orderInfo` of 1,024 bytes has a few hundred.
pub const MAX_ESCAPES: usize = 2048;

/// Which of the reader's caps a body crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonLimit {
    /// [`MAX_DEPTH`]: the reader recurses once per nesting level, so this
    /// bounds its stack (`[[[[…` would otherwise exhaust it).
    Depth,
    /// [`MAX_KEYS`]: each object's keys are sorted to find a repeat, so this
    /// bounds the sort and keeps the work per byte constant.
    Keys,
    /// [`MAX_VALUES`]: bounds the values, and so the bookkeeping, any body
    /// makes the reader start before its signature is checked, however small
    /// each is (`[0,0,0,…]`).
    Values,
    /// [`MAX_STRING_BYTES`]: a longer string is refused at its first byte
    /// too many, the rest unread; this bounds every copy of a string value.
    StringBytes,
    /// [`MAX_ESCAPES`]: an escaped string is decoded into a copy, so this
    /// bounds the decoding and copying a hostile body can ask for.
    Escapes,
    /// [`MAX_KEY_BYTES`]: every key comparison of the duplicate check may
    /// read a whole key, so this bounds each comparison.
    KeyBytes,
}

impl JsonLimit {
    /// The name of the constant, as the README's Limits section and the C
    /// header (`MOMO_` prefixed) spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Depth => "MAX_DEPTH",
            Self::Keys => "MAX_KEYS",
            Self::Values => "MAX_VALUES",
            Self::StringBytes => "MAX_STRING_BYTES",
            Self::Escapes => "MAX_ESCAPES",
            Self::KeyBytes => "MAX_KEY_BYTES",
        }
    }

    /// The cap's value: the count, depth or bytes (as written between the
    /// quotes) a body may reach, inclusive.
    pub const fn max(self) -> usize {
        match self {
            Self::Depth => MAX_DEPTH,
            Self::Keys => MAX_KEYS,
            Self::Values => MAX_VALUES,
            Self::StringBytes => MAX_STRING_BYTES,
            Self::Escapes => MAX_ESCAPES,
            Self::KeyBytes => MAX_KEY_BYTES,
        }
    }
}

impl fmt::Display for JsonLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let max = self.max();
        let what = match self {
            Self::Depth => format!("nests deeper than {max} levels"),
            Self::Keys => format!("has an object with more than {max} keys"),
            Self::Values => format!("holds more than {max} values"),
            Self::StringBytes => format!("has a string longer than {max} bytes"),
            Self::Escapes => format!("holds more than {max} escape sequences"),
            Self::KeyBytes => format!("has a key longer than {max} bytes"),
        };
        write!(f, "{}: the body {what}", self.name())
    }
}

/// A parsed top-level object: its keys, sorted, and their raw JSON text.
pub(crate) struct Object<'a> {
    fields: Vec<Field<'a>>,
}

impl<'a> Object<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self> {
        Ok(Self {
            fields: read(body)?,
        })
    }

    fn raw(&self, field: &str) -> Option<&'a str> {
        let head = key::head(field);
        let at = self
            .fields
            .binary_search_by(|f| f.key.cmp_text(field, head));
        at.ok().and_then(|at| self.fields.get(at)).map(|f| f.raw)
    }

    /// A string field; absent gives `None`, any other JSON type an error.
    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<String>> {
        match self.raw(field) {
            None => Ok(None),
            Some(raw) if raw.starts_with('"') => {
                let content = raw.get(1..raw.len() - 1).unwrap_or_default();
                reader::unescape(content)
                    .map(|text| Some(text.into_owned()))
                    .map_err(|_| Error::invalid(field, "is not a valid JSON string"))
            }
            Some(_) => Err(Error::invalid(field, "must be a JSON string")),
        }
    }

    /// A string field that must be present.
    pub(crate) fn str(&self, field: &str) -> Result<String> {
        self.opt_str(field)?.ok_or_else(|| Error::missing(field))
    }

    /// A string field that may be absent or `null`.
    pub(crate) fn nullable_str(&self, field: &str) -> Result<Option<String>> {
        match self.raw(field) {
            Some("null") => Ok(None),
            _ => self.opt_str(field),
        }
    }

    /// An integer field, as its exact JSON digits; absent gives `None`.
    /// `1e3`, `1000.0` and `"1000"` are refused: MoMo sends plain integers.
    pub(crate) fn opt_int(&self, field: &str) -> Result<Option<&'a str>> {
        match self.raw(field) {
            None => Ok(None),
            Some(raw) if is_json_integer(raw) => Ok(Some(raw)),
            Some(_) => Err(Error::invalid(field, "must be a JSON integer")),
        }
    }

    /// A non-negative integer field that must be present, as exact digits.
    pub(crate) fn digits(&self, field: &str) -> Result<&'a str> {
        self.opt_digits(field)?.ok_or_else(|| Error::missing(field))
    }

    /// A non-negative integer field, as exact digits; absent gives `None`.
    pub(crate) fn opt_digits(&self, field: &str) -> Result<Option<&'a str>> {
        match self.opt_int(field)? {
            Some(raw) if raw.starts_with('-') => Err(Error::invalid(field, "must not be negative")),
            other => Ok(other),
        }
    }

    /// A non-negative integer that must fit in a u64.
    pub(crate) fn u64(&self, field: &str) -> Result<u64> {
        self.opt_u64(field)?.ok_or_else(|| Error::missing(field))
    }

    /// A non-negative integer that must fit in a u64; absent gives `None`.
    pub(crate) fn opt_u64(&self, field: &str) -> Result<Option<u64>> {
        self.opt_digits(field)?
            .map(|raw| {
                raw.parse::<u64>()
                    .map_err(|_| Error::invalid(field, "is too large"))
            })
            .transpose()
    }

    /// A signed integer (result codes) that must be present.
    pub(crate) fn i64(&self, field: &str) -> Result<i64> {
        self.opt_i64(field)?.ok_or_else(|| Error::missing(field))
    }

    /// A signed integer (result codes); absent gives `None`.
    pub(crate) fn opt_i64(&self, field: &str) -> Result<Option<i64>> {
        self.opt_int(field)?
            .map(|raw| {
                raw.parse::<i64>()
                    .map_err(|_| Error::invalid(field, "is out of range"))
            })
            .transpose()
    }

    /// The raw JSON text of any value, for lists kept as they came.
    pub(crate) fn raw_value(&self, field: &str) -> Option<&'a str> {
        self.raw(field)
    }
}

/// `-?(0|[1-9][0-9]*)`: the integer production of RFC 8259, nothing more.
fn is_json_integer(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    match digits.as_bytes() {
        [b'0'] => true,
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
        [] => false,
    }
}

/// Parses a body, checking its size and encoding first.
fn read(body: &[u8]) -> Result<Vec<Field<'_>>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Error::BodyTooLarge {
            size: body.len(),
            limit: MAX_BODY_BYTES,
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| Error::InvalidJson {
        reason: format!("not UTF-8 (byte {})", e.valid_up_to()),
    })?;
    if text.trim().is_empty() {
        return Err(Error::InvalidJson {
            reason: "the body is empty".into(),
        });
    }
    Reader::new(text).top_level()
}

/// For the fuzz targets (`cfg(fuzzing)` builds only): the reader's work on
/// `body`, and whether that is within the bound the tests assert.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_work(body: &[u8]) -> (usize, bool) {
    let text = std::str::from_utf8(body).unwrap_or_default();
    let mut reader = Reader::new(text);
    let _ = reader.top_level();
    let steps = reader.work.steps();
    (steps, work::within_bound(steps, body.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_exact_digits() {
        let o = Object::parse(br#"{"transId": 9007199254740993, "amount": 1000}"#).unwrap();
        assert_eq!(o.digits("transId").unwrap(), "9007199254740993");
        assert_eq!(o.u64("amount").unwrap(), 1000);
    }

    #[test]
    fn refuses_non_integers() {
        for raw in [
            "1e3", "\"1000\"", "1000.0", "-0.5", "1E3", "true", "null", "[1]",
        ] {
            let body = format!(r#"{{"amount": {raw}}}"#);
            let o = Object::parse(body.as_bytes()).unwrap();
            assert_eq!(
                o.digits("amount").map_err(|e| e.kind()),
                Err(crate::ErrorKind::InvalidField),
                "{raw}"
            );
        }
        // Leading zeros are not JSON at all.
        assert!(matches!(
            Object::parse(br#"{"amount": 01}"#),
            Err(Error::InvalidJson { .. })
        ));
        let o = Object::parse(br#"{"amount": -1}"#).unwrap();
        assert!(o.digits("amount").is_err());
        assert_eq!(o.opt_i64("amount").unwrap(), Some(-1));
    }

    #[test]
    fn duplicate_keys_even_when_escaped() {
        for body in [
            r#"{"amount": 1, "amount": 2}"#,
            r#"{"amount": 1, "amo\u0075nt": 2}"#,
            // Nested objects too, however deep, whatever comes between.
            r#"{"x": [{"amount": 1, "b": 2, "amount": 3}], "y": 0}"#,
            r#"{"x": {"o": {"b": {}, "amount": 1, "amo\u0075nt": 2}}}"#,
        ] {
            match Object::parse(body.as_bytes()) {
                Err(Error::DuplicateKey { field }) => assert_eq!(field, "amount"),
                other => panic!("{body}: {:?}", other.map(|_| ())),
            }
        }
    }

    #[test]
    fn shape_errors() {
        for body in [
            "",
            "  ",
            "[]",
            "1",
            "{",
            r#"{"a":1} x"#,
            r#"{"a":1}{}"#,
            "\u{feff}{}",
        ] {
            assert!(
                matches!(
                    Object::parse(body.as_bytes()),
                    Err(Error::InvalidJson { .. })
                ),
                "{body:?}"
            );
        }
        // The reason says what was expected, for the merchant's logs.
        match Object::parse(b"[]") {
            Err(Error::InvalidJson { reason }) => {
                assert!(reason.contains("expected a JSON object"), "{reason}");
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert!(matches!(
            Object::parse(&[b'{', 0xff, b'}']),
            Err(Error::InvalidJson { .. })
        ));
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(matches!(
            Object::parse(&big),
            Err(Error::BodyTooLarge { .. })
        ));
    }

    /// The limit is inclusive: exactly MAX_BODY_BYTES is parsed, one more
    /// byte is refused with both numbers, before any parsing (the refused
    /// body is not even UTF-8).
    #[test]
    fn body_limit_is_exact() {
        // The documented numbers (README "Limits", MOMO_MAX_BODY_BYTES).
        assert_eq!((MAX_BODY_BYTES, MAX_DEPTH), (65_536, 16));
        let mut body = br#"{"a":1}"#.to_vec();
        body.resize(MAX_BODY_BYTES, b' ');
        assert!(Object::parse(&body).is_ok());
        body.push(0xff);
        assert_eq!(
            Object::parse(&body).err(),
            Some(Error::BodyTooLarge {
                size: MAX_BODY_BYTES + 1,
                limit: MAX_BODY_BYTES
            })
        );
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!(
            r#"{{"x": {}1{}}}"#,
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(Object::parse(deep.as_bytes()).is_err());
        let ok = format!(
            r#"{{"x": {}"[[[["{}}}"#,
            "[".repeat(MAX_DEPTH),
            "]".repeat(MAX_DEPTH)
        );
        assert!(Object::parse(ok.as_bytes()).is_ok());
        // Depth is nesting, not a count of brackets: siblings close theirs.
        let siblings = format!(r#"{{"x": [{}[]]}}"#, "[],".repeat(4 * MAX_DEPTH));
        assert!(Object::parse(siblings.as_bytes()).is_ok());
        // Brackets after an escaped quote or backslash are still text.
        let deep_text = "[".repeat(MAX_DEPTH + 1);
        for text in [format!(r#"\"{deep_text}"#), format!(r#"\\\"{deep_text}"#)] {
            let body = format!(r#"{{"x": ["{text}"]}}"#);
            assert!(Object::parse(body.as_bytes()).is_ok(), "{body}");
        }
        // ... and a closed string ends the text: brackets after it count.
        let body = format!(
            r#"{{"x": ["\\", {}1{}]}}"#,
            deep_text,
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(Object::parse(body.as_bytes()).is_err(), "{body}");
    }

    #[test]
    fn types_are_strict() {
        let o = Object::parse(br#"{"extraData": null, "n": 5, "s": "a\u00e0"}"#).unwrap();
        assert!(o.str("extraData").is_err());
        assert_eq!(o.nullable_str("extraData").unwrap(), None);
        // A number where text is expected is named as a type error.
        assert_eq!(
            o.str("n").map_err(|e| e.to_string()),
            Err("n: must be a JSON string".to_owned())
        );
        assert_eq!(o.str("s").unwrap(), "aà");
        assert!(matches!(o.str("missing"), Err(Error::MissingField { .. })));
    }
}
