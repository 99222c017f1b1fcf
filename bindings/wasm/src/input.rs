//! JS strings, numbers and bodies in, checked Rust values out.
//!
//! wasm-bindgen's `String` conversion replaces a lone UTF-16 surrogate with
//! U+FFFD, which would sign or verify other text than the caller holds, so
//! text is taken as `JsValue` and refused when it is not well-formed.

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use momo_pos::{Error, Result};

/// Largest integer a JS number holds exactly (2^53 - 1).
pub(crate) const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub(crate) const LONE_SURROGATE: &str =
    "contains a lone UTF-16 surrogate (broken text): refused rather than replaced with U+FFFD";

/// A JS string, refused when it is not one or holds a lone surrogate.
pub(crate) fn text(value: &JsValue, field: &str) -> Result<String> {
    let Some(js) = value.dyn_ref::<JsString>() else {
        return Err(Error::invalid(field, "must be a string"));
    };
    let text = String::from(js);
    // The slow per-unit scan only when the conversion may have replaced something.
    if text.contains('\u{FFFD}') && !js.is_valid_utf16() {
        return Err(Error::invalid(field, LONE_SURROGATE));
    }
    Ok(text)
}

/// A safe integer from a JS number (result codes).
pub(crate) fn integer(value: &JsValue, field: &str) -> Result<i64> {
    match value.as_f64() {
        Some(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64 => Ok(n as i64),
        _ => Err(Error::invalid(field, "must be an integer number")),
    }
}

/// A host clock reading or deadline in milliseconds (a JS number).
#[cfg(feature = "signing")]
pub(crate) fn millis(value: &JsValue, field: &str) -> Result<u64> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64 => Ok(n as u64),
        _ => Err(Error::invalid(
            field,
            "must be milliseconds: a whole number from 0 to 2^53 - 1",
        )),
    }
}

/// A clock reading the host may leave out: `undefined` is `Date.now()`.
#[cfg(feature = "signing")]
pub(crate) fn now_or_given(value: &JsValue, field: &str) -> Result<u64> {
    if value.is_undefined() {
        // Date.now() is a whole, non-negative number of milliseconds.
        millis(&JsValue::from_f64(js_sys::Date::now().floor()), field)
    } else {
        millis(value, field)
    }
}

/// The id of a send, as the driver handed it out (`action.id`).
#[cfg(feature = "signing")]
pub(crate) fn send_id(value: &JsValue) -> Result<momo_pos::driver::SendId> {
    match value.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64 => {
            Ok(momo_pos::driver::SendId::from(n as u64))
        }
        _ => Err(Error::invalid(
            "sendId",
            "must be the id of a send action (action.id): a whole number",
        )),
    }
}

/// An HTTP status code.
#[cfg(feature = "signing")]
pub(crate) fn http_status(value: &JsValue) -> Result<u16> {
    match value.as_f64() {
        Some(n) if (100.0..=599.0).contains(&n) && n.fract() == 0.0 => Ok(n as u16),
        _ => Err(Error::invalid(
            "status",
            "must be an HTTP status code (100 to 599)",
        )),
    }
}

/// The raw bytes of a body MoMo sent: a string or bytes, never a parsed object.
#[cfg(feature = "signing")]
pub(crate) fn body(value: &JsValue) -> Result<Vec<u8>> {
    use js_sys::{ArrayBuffer, Uint8Array};
    use momo_pos::MAX_BODY_BYTES;
    let too_large = |size: usize| Error::BodyTooLarge {
        size,
        limit: MAX_BODY_BYTES,
    };
    if value.is_string() {
        // Each UTF-16 unit is at least one UTF-8 byte: refuse before copying.
        let units = value.unchecked_ref::<JsString>().length() as usize;
        if units > MAX_BODY_BYTES {
            return Err(too_large(units));
        }
        return text(value, "body").map(String::into_bytes);
    }
    let bytes = if let Some(view) = value.dyn_ref::<Uint8Array>() {
        view.clone()
    } else if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(buffer)
    } else if value.is_object() {
        return Err(Error::invalid(
            "body",
            "pass the raw body exactly as received (string or Uint8Array), not a parsed object: \
             the signature covers the exact text, and JSON.parse loses transId digits beyond 2^53",
        ));
    } else {
        return Err(Error::invalid(
            "body",
            "must be the raw body as a string or Uint8Array",
        ));
    };
    let size = bytes.length() as usize;
    if size > MAX_BODY_BYTES {
        return Err(too_large(size));
    }
    Ok(bytes.to_vec())
}
