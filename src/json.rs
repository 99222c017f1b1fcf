//! A strict reader for the flat JSON objects MoMo sends.
//!
//! Verification must see the body exactly as received: numbers keep their
//! digits (transId can exceed 2^53), a repeated key is refused (which of the
//! two values was signed would be a guess), and a value of the wrong JSON
//! type is refused rather than converted.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// Largest body verified, in bytes. MoMo's notifications and responses are a
/// few hundred bytes; anything this large is refused before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Deepest nesting accepted inside a value (`promotionInfo` lists need 2).
pub const MAX_DEPTH: usize = 16;

/// A parsed top-level object: its keys and their raw JSON text.
pub(crate) struct Object<'a> {
    fields: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> Object<'a> {
    pub(crate) fn parse(body: &'a [u8]) -> Result<Self> {
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
        let mut de = serde_json::Deserializer::from_str(text);
        let fields = de.deserialize_map(ObjectVisitor).map_err(json_error)?;
        de.end().map_err(json_error)?;
        let object = Self { fields };
        for (key, value) in &object.fields {
            check_depth(key, value.get())?;
        }
        Ok(object)
    }

    fn raw(&self, field: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|(key, _)| key == field)
            .map(|(_, value)| value.get())
    }

    /// A string field; absent gives `None`, any other JSON type an error.
    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<String>> {
        match self.raw(field) {
            None => Ok(None),
            Some(raw) if raw.starts_with('"') => serde_json::from_str::<String>(raw)
                .map(Some)
                .map_err(|_| Error::invalid(field, "is not a valid JSON string")),
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

/// Bounds the nesting of arrays and objects inside a raw value.
fn check_depth(field: &str, raw: &str) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in raw.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::invalid(
                        field,
                        format!("nests deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn json_error(e: serde_json::Error) -> Error {
    let text = e.to_string();
    // Our own visitor errors carry a field; serde_json's carry a position.
    if let Some(key) = text.strip_prefix(DUPLICATE_MARK) {
        let key = key.split(" at line ").next().unwrap_or(key);
        return Error::DuplicateKey {
            field: key.to_owned(),
        };
    }
    Error::InvalidJson { reason: text }
}

const DUPLICATE_MARK: &str = "momo-pos duplicate key: ";

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut fields: Self::Value = Vec::with_capacity(16);
        while let Some(key) = map.next_key::<KeyText<'de>>()? {
            let value = map.next_value::<&'de RawValue>()?;
            if fields.iter().any(|(k, _)| *k == key.0) {
                return Err(de::Error::custom(format_args!("{DUPLICATE_MARK}{}", key.0)));
            }
            fields.push((key.0, value));
        }
        Ok(fields)
    }
}

/// A key borrowed from the body when it has no escapes, decoded otherwise
/// (so `"amo\u0075nt"` is recognised as a second `amount`).
struct KeyText<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                v: &'de str,
            ) -> std::result::Result<Self::Value, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(KeyText(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
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
