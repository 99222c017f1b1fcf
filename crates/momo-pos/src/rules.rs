//! Field rules of MoMo's Quick Pay, checked before anything is signed.
//!
//! Each check names the field it rejects, in MoMo's camelCase name.

use crate::error::{Error, Result};

/// Longest `requestId` MoMo keeps for idempotency, in characters (not bytes).
pub const MAX_REQUEST_ID_LEN: usize = 50;
/// Most items one pos payment may list.
pub const MAX_ITEMS: usize = 50;
/// Longest free-text field we send. MoMo documents no limit; this keeps a
/// runaway string from producing a request MoMo would refuse anyway.
pub const MAX_TEXT_LEN: usize = 1024;
/// Longest URL we send (ipnUrl, imageUrl).
pub const MAX_URL_LEN: usize = 2048;

/// Inclusive bounds on `amount`, in VND.
///
/// The default is Quick Pay's documented 1,000 to 5,000,000 VND; other MoMo
/// products and merchant contracts have other caps, so it is configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AmountLimits {
    min: u64,
    max: u64,
}

impl AmountLimits {
    /// Quick Pay's documented bounds, 1,000 to 5,000,000 VND: the default.
    pub const QUICK_PAY: Self = Self {
        min: 1_000,
        max: 5_000_000,
    };

    /// MoMo's documented bounds for a refund, 1,000 to 50,000,000 VND: the
    /// default for [`Client::refund_request`](crate::Client::refund_request).
    pub const REFUND: Self = Self {
        min: 1_000,
        max: 50_000_000,
    };

    /// Custom bounds; `min` must be at least 1 and not above `max`.
    pub fn new(min: u64, max: u64) -> Result<Self> {
        if min == 0 || min > max {
            return Err(Error::invalid(
                "amount",
                format!("invalid limits {min}..={max}: need 1 <= min <= max"),
            ));
        }
        Ok(Self { min, max })
    }

    /// Smallest accepted `amount` in VND, inclusive (1,000 for
    /// [`AmountLimits::QUICK_PAY`]).
    pub fn min(&self) -> u64 {
        self.min
    }

    /// Largest accepted `amount` in VND, inclusive (5,000,000 for
    /// [`AmountLimits::QUICK_PAY`]).
    pub fn max(&self) -> u64 {
        self.max
    }

    pub(crate) fn check(&self, amount: u64) -> Result<()> {
        if amount < self.min || amount > self.max {
            return Err(Error::invalid(
                "amount",
                format!("{amount} VND is outside {}..={} VND", self.min, self.max),
            ));
        }
        Ok(())
    }
}

impl Default for AmountLimits {
    fn default() -> Self {
        Self::QUICK_PAY
    }
}

/// `orderId` must match `^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$`: letters and
/// digits, with runs of `-`, `_`, `.` only between them.
pub(crate) fn check_order_id(order_id: &str) -> Result<()> {
    let ok = |c: char| c.is_ascii_alphanumeric();
    let reason = if order_id.is_empty() {
        "is empty"
    } else if !order_id
        .chars()
        .all(|c| ok(c) || matches!(c, '-' | '_' | '.'))
    {
        "may contain only letters, digits, '-', '_' and '.'"
    } else if !order_id.starts_with(ok) || !order_id.ends_with(ok) {
        "must start and end with a letter or digit"
    } else if order_id.len() > MAX_TEXT_LEN {
        "is too long"
    } else {
        return Ok(());
    };
    Err(Error::invalid(
        "orderId",
        format!("{reason} (pattern ^[0-9a-zA-Z]([-_.]*[0-9a-zA-Z]+)*$)"),
    ))
}

/// `requestId`: 1 to 50 printable characters.
pub(crate) fn check_request_id(request_id: &str) -> Result<()> {
    let len = request_id.chars().count();
    if len == 0 {
        return Err(Error::invalid("requestId", "is empty"));
    }
    if len > MAX_REQUEST_ID_LEN {
        return Err(Error::invalid(
            "requestId",
            format!("has {len} characters; at most {MAX_REQUEST_ID_LEN}"),
        ));
    }
    check_text("requestId", request_id)
}

/// Free text: no control characters (they break MoMo's display and logs),
/// bounded length.
pub(crate) fn check_text(field: &str, value: &str) -> Result<()> {
    if value.len() > MAX_TEXT_LEN {
        return Err(Error::invalid(
            field,
            format!("is {} bytes; at most {MAX_TEXT_LEN}", value.len()),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::invalid(
            field,
            format!("contains the control character U+{:04X}", u32::from(c)),
        ));
    }
    Ok(())
}

/// Non-empty free text.
pub(crate) fn check_required_text(field: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    check_text(field, value)
}

/// An absolute `http://` or `https://` URL with a host and no whitespace.
pub(crate) fn check_http_url(field: &str, url: &str) -> Result<()> {
    if url.len() > MAX_URL_LEN {
        return Err(Error::invalid(
            field,
            format!("is {} bytes; at most {MAX_URL_LEN}", url.len()),
        ));
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| Error::invalid(field, "must start with https:// or http://"))?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            field,
            "contains whitespace or a control character",
        ));
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if host_name.is_empty() || host_name.starts_with(':') {
        return Err(Error::invalid(field, "has no host"));
    }
    Ok(())
}

/// A signed value must not contain `&key=` for a key of the same message:
/// the raw signature text would then be ambiguous (one field's text could
/// be read as another's), which lets a value forge another field.
pub(crate) fn check_unambiguous(field: &str, value: &str, signed_keys: &[&str]) -> Result<()> {
    // Nearly every value has no '&': one byte scan instead of a search per key.
    if !value.contains('&') {
        return Ok(());
    }
    for key in signed_keys {
        let mut needle = String::with_capacity(key.len() + 2);
        needle.push('&');
        needle.push_str(key);
        needle.push('=');
        if value.contains(&needle) {
            return Err(Error::invalid(
                field,
                format!("contains {needle:?}, which would make the signed text ambiguous"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_id_follows_momo_pattern() {
        for ok in [
            "a",
            "A1",
            "a-b",
            "a--b",
            "a_.-b",
            "ORDER.2026-11-23_001",
            "9",
        ] {
            assert!(check_order_id(ok).is_ok(), "{ok}");
        }
        for bad in ["", "-a", "a-", "_", "a b", "a/b", "đơn", "a-.", ".a"] {
            let err = check_order_id(bad).unwrap_err();
            assert_eq!(err.field(), Some("orderId"), "{bad}");
        }
        // The length bound is inclusive: 1024 is accepted, 1025 is not.
        assert!(check_order_id(&"a".repeat(MAX_TEXT_LEN)).is_ok());
        assert!(check_order_id(&"a".repeat(MAX_TEXT_LEN + 1)).is_err());
    }

    #[test]
    fn request_id_length() {
        assert!(check_request_id(&"r".repeat(50)).is_ok());
        assert!(check_request_id(&"r".repeat(51)).is_err());
        assert!(check_request_id("").is_err());
        assert!(check_request_id("a\nb").is_err());
    }

    #[test]
    fn amount_bounds() {
        let l = AmountLimits::default();
        assert!(l.check(999).is_err());
        assert!(l.check(1000).is_ok());
        assert!(l.check(5_000_000).is_ok());
        assert!(l.check(5_000_001).is_err());
        assert!(AmountLimits::new(0, 10).is_err());
        assert!(AmountLimits::new(10, 9).is_err());
        assert!(AmountLimits::new(1, 1).unwrap().check(1).is_ok());
    }

    #[test]
    fn urls() {
        for ok in [
            "https://shop.vn/ipn",
            "http://127.0.0.1:8080/momo/ipn?x=1",
            "https://a",
        ] {
            assert!(check_http_url("ipnUrl", ok).is_ok(), "{ok}");
        }
        for bad in [
            "shop.vn/ipn",
            "ftp://x",
            "https://",
            "https:///x",
            "https://a b",
            "https://:80/x",
            "javascript:alert(1)",
        ] {
            assert!(check_http_url("ipnUrl", bad).is_err(), "{bad}");
        }
        // The length bound is inclusive.
        let at_limit = format!("https://a/{}", "p".repeat(MAX_URL_LEN - 10));
        assert!(check_http_url("ipnUrl", &at_limit).is_ok());
        assert!(check_http_url("ipnUrl", &format!("{at_limit}p")).is_err());
    }

    #[test]
    fn text_length_bound_is_inclusive() {
        assert!(check_text("orderInfo", &"x".repeat(MAX_TEXT_LEN)).is_ok());
        assert!(check_text("orderInfo", &"x".repeat(MAX_TEXT_LEN + 1)).is_err());
    }

    #[test]
    fn ambiguous_values() {
        let keys = ["partnerCode", "orderId"];
        assert!(check_unambiguous("orderInfo", "Cà phê & bánh", &keys).is_ok());
        assert!(check_unambiguous("orderInfo", "x&partnerCode=EVIL", &keys).is_err());
    }
}
