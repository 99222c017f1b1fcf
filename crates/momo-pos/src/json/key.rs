//! Keys as the reader sorts and looks them up.

use std::borrow::Cow;
use std::cmp::Ordering;

/// A decoded key and its first eight bytes as one big-endian number (zero
/// padded): MoMo's keys differ within them, so most comparisons end with
/// one integer comparison instead of a call to memcmp. The order is that of
/// the text: zero padding sorts like the end of a string.
#[derive(Debug, Clone)]
pub(super) struct Key<'a> {
    head: u64,
    text: Cow<'a, str>,
}

impl<'a> Key<'a> {
    pub(super) fn new(text: Cow<'a, str>) -> Self {
        Self {
            head: head(&text),
            text,
        }
    }

    pub(super) fn as_str(&self) -> &str {
        &self.text
    }

    /// Orders as `str` does; `head` is [`head`] of `other`.
    pub(super) fn cmp_text(&self, other: &str, other_head: u64) -> Ordering {
        self.head
            .cmp(&other_head)
            .then_with(|| self.as_str().cmp(other))
    }

    pub(super) fn cmp_key(&self, other: &Key<'_>) -> Ordering {
        self.cmp_text(other.as_str(), other.head)
    }
}

pub(super) fn head(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (to, from) in bytes.iter_mut().zip(text.bytes()) {
        *to = from;
    }
    u64::from_be_bytes(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_like_text() {
        let words = [
            "",
            "\0",
            "a",
            "a\0",
            "a\0\0",
            "a\u{1}",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "abcdefgi",
            "b",
            "orderId",
            "orderInfo",
            "é",
            "\u{7f}",
        ];
        for a in words {
            for b in words {
                let key = Key::new(Cow::Borrowed(a));
                assert_eq!(key.cmp_text(b, head(b)), a.cmp(b), "{a:?} {b:?}");
            }
        }
    }
}
