//! The one pass over a body behind [`super::Object`].
//!
//! serde_json would do the parsing, but not the two things a public IPN
//! endpoint needs: every cap enforced the moment it is crossed (so a hostile
//! body stops costing work there), and duplicate keys found without
//! comparing each key with every earlier one. Each object's keys are sorted
//! and neighbours compared instead, which keeps the total work within a small
//! multiple of the body's length whatever the input; [`Work`] counts it so
//! the tests can prove that rather than time it.
//!
//! Inside the recursion a failure is a small `Stop` (a `Copy` value the
//! hot paths return cheaply); [`Reader::top_level`] turns it into an
//! [`Error`] once.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::key::Key;
use super::work::Work;
use super::{
    JsonLimit, MAX_DEPTH, MAX_ESCAPES, MAX_KEYS, MAX_KEY_BYTES, MAX_STRING_BYTES, MAX_VALUES,
};
use crate::error::{Error, Result};

/// A key of the top-level object and the raw JSON text of its value.
pub(super) struct Field<'a> {
    pub(super) key: Key<'a>,
    pub(super) raw: &'a str,
}

/// Why reading stopped, and the byte offset where.
#[derive(Debug, Clone, Copy)]
enum Stop {
    /// Something else was expected here.
    Expected(&'static str, usize),
    /// A broken string or escape.
    Syntax(&'static str, usize),
    Limit(JsonLimit, usize),
    /// The nested key at this index of `nested_keys` repeats another.
    Duplicate(usize),
}

type Step<T = ()> = std::result::Result<T, Stop>;

pub(super) struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    values: usize,
    escapes: usize,
    /// Keys of the nested objects being read, the innermost object's last:
    /// one buffer for all of them instead of one allocation per object.
    nested_keys: Vec<Key<'a>>,
    pub(super) work: Work,
    /// Tests only: find duplicates as 0.1's reader did, each key against
    /// every earlier one, without the caps on keys and values it lacked, to
    /// show that the work bound catches it.
    #[cfg(test)]
    pub(super) pairwise: bool,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            values: 0,
            escapes: 0,
            nested_keys: Vec::new(),
            work: Work::default(),
            #[cfg(test)]
            pairwise: false,
        }
    }

    /// Reads the body: one object, whitespace around it, nothing else.
    /// The fields come back sorted by key.
    pub(super) fn top_level(&mut self) -> Result<Vec<Field<'a>>> {
        let mut fields = Vec::with_capacity(24);
        match self.members(&mut fields) {
            Ok(()) => {}
            Err(stop) => return Err(self.error(stop)),
        }
        let work = &mut self.work;
        fields.sort_unstable_by(|a: &Field<'a>, b| work.compare(&a.key, &b.key));
        if let Some(at) = first_repeat(fields.iter().map(|f| &f.key), work) {
            let key = fields.get(at).map(|f| f.key.as_str()).unwrap_or_default();
            return Err(Error::DuplicateKey {
                field: key.to_owned(),
            });
        }
        Ok(fields)
    }

    fn members(&mut self, fields: &mut Vec<Field<'a>>) -> Step {
        self.skip_whitespace();
        if self.peek() != Some(b'{') {
            return Err(Stop::Expected("a JSON object", self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
        } else {
            loop {
                if fields.len() == MAX_KEYS && !self.pairwise() {
                    return Err(Stop::Limit(JsonLimit::Keys, self.pos));
                }
                let key = self.key()?;
                #[cfg(test)]
                if self.pairwise
                    && fields
                        .iter()
                        .any(|f| self.work.compare(&f.key, &key).is_eq())
                {
                    self.nested_keys.push(key);
                    return Err(Stop::Duplicate(self.nested_keys.len() - 1));
                }
                let start = self.pos;
                self.value(0)?;
                let raw = self.text.get(start..self.pos).unwrap_or_default();
                fields.push(Field { key, raw });
                if self.end_of_members(b'}')? {
                    break;
                }
            }
        }
        self.skip_whitespace();
        if self.pos != self.bytes.len() {
            return Err(Stop::Expected("the end of the body", self.pos));
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn error(&self, stop: Stop) -> Error {
        match stop {
            Stop::Expected(expected, at) => {
                let found = self.text.get(at..).and_then(|rest| rest.chars().next());
                let reason = match found {
                    None => format!("expected {expected}, found the end of the body at byte {at}"),
                    Some(c) => format!("expected {expected}, found {c:?} at byte {at}"),
                };
                Error::InvalidJson { reason }
            }
            Stop::Syntax(what, at) => Error::InvalidJson {
                reason: format!("{what} at byte {at}"),
            },
            Stop::Limit(limit, offset) => Error::JsonLimit { limit, offset },
            Stop::Duplicate(index) => Error::DuplicateKey {
                field: self
                    .nested_keys
                    .get(index)
                    .map(|key| key.as_str().to_owned())
                    .unwrap_or_default(),
            },
        }
    }

    fn pairwise(&self) -> bool {
        #[cfg(test)]
        return self.pairwise;
        #[cfg(not(test))]
        false
    }

    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        // Usually no whitespace at all, or one space: test before counting.
        if let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let n = whitespace_run(rest);
            self.pos += n;
            self.work.step(n);
        }
    }

    /// After a member or element: true at `close`, false after a comma.
    #[inline(always)]
    fn end_of_members(&mut self, close: u8) -> Step<bool> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_whitespace();
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ if close == b'}' => Err(Stop::Expected("',' or '}'", self.pos)),
            _ => Err(Stop::Expected("',' or ']'", self.pos)),
        }
    }

    /// `"key" :` and the whitespace after it; the key decoded.
    fn key(&mut self) -> Step<Key<'a>> {
        if self.peek() != Some(b'"') {
            return Err(Stop::Expected("a key in double quotes", self.pos));
        }
        self.pos += 1;
        let (start, escaped) = self.string(MAX_KEY_BYTES, JsonLimit::KeyBytes)?;
        let text = self.text.get(start..self.pos - 1).unwrap_or_default();
        let key = if escaped {
            Cow::Owned(
                unescape(text)
                    .map_err(|_| Stop::Syntax("invalid escape", start))?
                    .into_owned(),
            )
        } else {
            Cow::Borrowed(text)
        };
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(Stop::Expected("':' after a key", self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        Ok(Key::new(key))
    }

    fn value(&mut self, depth: usize) -> Step {
        if self.values == MAX_VALUES && !self.pairwise() {
            return Err(Stop::Limit(JsonLimit::Values, self.pos));
        }
        self.values += 1;
        self.work.step(1);
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.string(MAX_STRING_BYTES, JsonLimit::StringBytes)
                    .map(drop)
            }
            Some(b'{') => {
                self.enter(depth)?;
                self.object(depth + 1)
            }
            Some(b'[') => {
                self.enter(depth)?;
                self.array(depth + 1)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            _ => Err(Stop::Expected("a JSON value", self.pos)),
        }
    }

    /// Steps over the opening bracket at `depth`, refusing one too many.
    fn enter(&mut self, depth: usize) -> Step {
        if depth >= MAX_DEPTH {
            return Err(Stop::Limit(JsonLimit::Depth, self.pos));
        }
        self.pos += 1;
        self.skip_whitespace();
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Step {
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        let base = self.nested_keys.len();
        loop {
            if self.nested_keys.len() - base == MAX_KEYS {
                return Err(Stop::Limit(JsonLimit::Keys, self.pos));
            }
            let key = self.key()?;
            self.nested_keys.push(key);
            self.value(depth)?;
            if self.end_of_members(b'}')? {
                break;
            }
        }
        let work = &mut self.work;
        let keys = self.nested_keys.get_mut(base..).unwrap_or_default();
        keys.sort_unstable_by(|a, b| work.compare(a, b));
        if let Some(at) = first_repeat(keys.iter(), work) {
            return Err(Stop::Duplicate(base + at));
        }
        self.nested_keys.truncate(base);
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Step {
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.value(depth)?;
            if self.end_of_members(b']')? {
                return Ok(());
            }
        }
    }

    /// A string from just after its opening quote to just after its closing
    /// one, at most `max` bytes (else `limit`); returns where the content
    /// starts and whether it holds escapes.
    fn string(&mut self, max: usize, limit: JsonLimit) -> Step<(usize, bool)> {
        let start = self.pos;
        // One byte past the longest content allowed: reaching it is the
        // limit, found without reading the rest of a huge string.
        let window = self.bytes.len().min(start + max + 1);
        let mut escaped = false;
        loop {
            let rest = self.bytes.get(self.pos..window).unwrap_or_default();
            let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
            let plain = rest.get(..run).unwrap_or_default();
            // Branch-free over the run, so it vectorizes.
            if plain.iter().fold(false, |c, &b| c | (b < 0x20)) {
                let at = plain.iter().position(|&b| b < 0x20).unwrap_or(0);
                return Err(Stop::Syntax(
                    "unescaped control character in a string",
                    self.pos + at,
                ));
            }
            self.pos += run;
            self.work.step(run);
            match self.peek() {
                Some(b'"') if self.pos - start <= max => {
                    self.pos += 1;
                    return Ok((start, escaped));
                }
                Some(b'\\') if self.pos - start < max => {
                    escaped = true;
                    self.escapes()?;
                    if self.pos - start > max {
                        return Err(Stop::Limit(limit, self.pos));
                    }
                }
                None => return Err(Stop::Syntax("unterminated string", self.pos)),
                Some(_) => return Err(Stop::Limit(limit, self.pos)),
            }
        }
    }

    /// A run of escape sequences from a backslash, up to the first byte
    /// that is not a backslash. A `\u` high surrogate takes its low half
    /// with it; a half without the other is refused (it has no UTF-8 form,
    /// so no reader downstream could agree on its value).
    fn escapes(&mut self) -> Step {
        let bytes = self.bytes;
        let mut pos = self.pos;
        let result = loop {
            if self.escapes == MAX_ESCAPES {
                break Err(Stop::Limit(JsonLimit::Escapes, pos));
            }
            self.escapes += 1;
            match bytes.get(pos + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => pos += 2,
                Some(b'u') => match hex_escape(bytes, pos) {
                    Some(0xDC00..=0xDFFF) => {
                        break Err(Stop::Syntax("low surrogate escape without a high one", pos))
                    }
                    Some(0xD800..=0xDBFF) => match hex_escape(bytes, pos + 6) {
                        Some(0xDC00..=0xDFFF) => pos += 12,
                        _ => {
                            break Err(Stop::Syntax("high surrogate escape without a low one", pos))
                        }
                    },
                    Some(_) => pos += 6,
                    None => {
                        break Err(Stop::Syntax("\\u must be followed by four hex digits", pos))
                    }
                },
                _ => break Err(Stop::Syntax("invalid escape in a string", pos)),
            }
            if bytes.get(pos) != Some(&b'\\') {
                break Ok(());
            }
        };
        self.work.step(pos - self.pos);
        self.pos = pos;
        result
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, RFC 8259's number.
    fn number(&mut self) -> Step {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Stop::Expected("a digit", self.pos)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        self.work.step(self.pos - start);
        Ok(())
    }

    fn digits(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += digit_run(rest);
    }

    fn required_digits(&mut self) -> Step {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(Stop::Expected("a digit", self.pos));
        }
        self.digits();
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Step {
        let found = self.bytes.get(self.pos..self.pos + word.len());
        if found != Some(word.as_bytes()) {
            return Err(Stop::Expected(word, self.pos));
        }
        self.pos += word.len();
        self.work.step(word.len());
        Ok(())
    }
}

/// Where, in a sorted sequence, the first key equal to the one before it is.
fn first_repeat<'k, 'a: 'k>(
    keys: impl Iterator<Item = &'k Key<'a>>,
    work: &mut Work,
) -> Option<usize> {
    let mut previous: Option<&Key<'a>> = None;
    for (at, key) in keys.enumerate() {
        if previous.is_some_and(|p| work.compare(p, key) == Ordering::Equal) {
            return Some(at);
        }
        previous = Some(key);
    }
    None
}

const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// How many leading bytes of `bytes` pass `passes`, eight at a time:
/// `fails` gives the high bit of each byte of a little-endian word that
/// does not pass, exactly (a flag on a byte that passes would end the run
/// early).
#[inline(always)]
fn run_of(bytes: &[u8], fails: impl Fn(u64) -> u64, passes: impl Fn(&u8) -> bool) -> usize {
    let mut chunks = bytes.chunks_exact(8);
    let mut run = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let flags = fails(u64::from_le_bytes(word));
        if flags != 0 {
            return run + (flags.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + chunks.remainder().iter().take_while(|b| passes(b)).count()
}

/// High bit of each byte of `v` that is not zero. Exact for every byte (no
/// carry crosses a byte), unlike the shorter `v - 1 & !v` trick, whose
/// borrow flags bytes above a zero one.
fn nonzero(v: u64) -> u64 {
    (((v & LOW7) + LOW7) | v) & HIGHS
}

/// How many leading bytes of `bytes` are JSON whitespace: a body can be
/// 64 KiB of it.
pub(super) fn whitespace_run(bytes: &[u8]) -> usize {
    run_of(
        bytes,
        |x| {
            nonzero(x ^ (ONES * 0x20))
                & nonzero(x ^ (ONES * 0x09))
                & nonzero(x ^ (ONES * 0x0A))
                & nonzero(x ^ (ONES * 0x0D))
        },
        |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'),
    )
}

/// How many leading bytes of `bytes` are ASCII digits: a body can be mostly
/// digits.
pub(super) fn digit_run(bytes: &[u8]) -> usize {
    run_of(
        bytes,
        |x| {
            // Each byte xor '0' is below 10 exactly for a digit; adding 0x76
            // to its low seven bits reaches the high bit from 10 up, without
            // carrying into the next byte.
            let x = x ^ (ONES * 0x30);
            (((x & LOW7) + ONES * 0x76) | x) & HIGHS
        },
        u8::is_ascii_digit,
    )
}

/// The code unit of the `\uXXXX` at `at`, if there is one.
#[inline(always)]
fn hex_escape(bytes: &[u8], at: usize) -> Option<u16> {
    match bytes.get(at..at + 6)? {
        [b'\\', b'u', digits @ ..] => hex4(digits),
        _ => None,
    }
}

/// Four hex digits as a code unit.
#[inline(always)]
fn hex4(digits: &[u8]) -> Option<u16> {
    let mut unit = 0u16;
    let mut bad = false;
    for &b in digits {
        let value = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => 0xFF,
        };
        bad |= value > 15;
        unit = unit << 4 | u16::from(value & 15);
    }
    (!bad && digits.len() == 4).then_some(unit)
}

/// The text of a string's content (between its quotes, already checked by
/// [`Reader::string`]), escapes decoded; borrowed when it has none.
pub(super) fn unescape(content: &str) -> Result<Cow<'_, str>> {
    let Some(first) = memchr::memchr(b'\\', content.as_bytes()) else {
        return Ok(Cow::Borrowed(content));
    };
    let broken = || Error::InvalidJson {
        reason: "invalid escape in a string".into(),
    };
    let mut out = String::with_capacity(content.len());
    out.push_str(content.get(..first).unwrap_or_default());
    let mut rest = content.get(first..).unwrap_or_default();
    while !rest.is_empty() {
        let bytes = rest.as_bytes();
        let (decoded, used) = match bytes.get(1).copied().ok_or_else(broken)? {
            b'u' => {
                let unit = u32::from(hex_escape(bytes, 0).ok_or_else(broken)?);
                if (0xD800..0xDC00).contains(&unit) {
                    let low = u32::from(hex_escape(bytes, 6).ok_or_else(broken)?);
                    let code = 0x10000 + ((unit - 0xD800) << 10) + low.wrapping_sub(0xDC00);
                    (char::from_u32(code).ok_or_else(broken)?, 12)
                } else {
                    (char::from_u32(unit).ok_or_else(broken)?, 6)
                }
            }
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            _ => return Err(broken()),
        };
        out.push(decoded);
        rest = rest.get(used..).ok_or_else(broken)?;
        let next = memchr::memchr(b'\\', rest.as_bytes()).unwrap_or(rest.len());
        out.push_str(rest.get(..next).unwrap_or_default());
        rest = rest.get(next..).unwrap_or_default();
    }
    Ok(Cow::Owned(out))
}
