//! JS values in, checked Rust values out.
//!
//! wasm-bindgen's `String` conversion replaces a lone UTF-16 surrogate with
//! U+FFFD, which would sign or verify other text than the caller holds, so
//! text is taken as `JsValue` and refused when it is not well-formed.
//! Objects cross as JSON text: `JSON.stringify` is one native call, and
//! serde_json refuses the `\udXXX` escapes it writes for lone surrogates.

use js_sys::{Array, ArrayBuffer, JsString, Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{Error, Result, MAX_BODY_BYTES};

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

const LONE_SURROGATE: &str =
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

/// The raw bytes of a body MoMo sent: a string or bytes, never a parsed object.
pub(crate) fn body(value: &JsValue) -> Result<Vec<u8>> {
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

/// A plain JS object read into `T`, errors naming the field (`items[1].price`).
///
/// `what` names the argument for errors about the whole value.
pub(crate) fn object<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T> {
    if !value.is_object() || Array::is_array(value) || value.is_instance_of::<Uint8Array>() {
        return Err(Error::invalid(what, "must be a plain object"));
    }
    let json = stringify(value, what)?;
    let tree: Value = match serde_json::from_str(&json) {
        Ok(tree) => tree,
        Err(e) if e.to_string().contains("surrogate") => {
            let field = find_lone_surrogate(value, what).unwrap_or_else(|| what.to_owned());
            return Err(Error::invalid(field, LONE_SURROGATE));
        }
        Err(e) => return Err(Error::invalid(what, e.to_string())),
    };
    check_safe_integers(&tree, &mut String::new())?;
    serde_path_to_error::deserialize(tree).map_err(|e| field_error(&e, what))
}

/// Reads any JSON-shaped JS value (extraData contents).
pub(crate) fn json_value(value: &JsValue, what: &str) -> Result<Value> {
    let json = stringify(value, what)?;
    serde_json::from_str(&json).map_err(|e| {
        if e.to_string().contains("surrogate") {
            let field = find_lone_surrogate(value, what).unwrap_or_else(|| what.to_owned());
            Error::invalid(field, LONE_SURROGATE)
        } else {
            Error::invalid(what, e.to_string())
        }
    })
}

thread_local! {
    /// `JSON.stringify` replacer writing a BigInt as its decimal digits
    /// (orderGroupId), made once and kept for the life of the module.
    static BIGINT_AS_DIGITS: Closure<dyn Fn(JsValue, JsValue) -> JsValue> =
        Closure::new(|_key: JsValue, value: JsValue| {
            if value.is_bigint() {
                let digits = value.unchecked_ref::<js_sys::BigInt>().to_string(10);
                digits.map_or(JsValue::UNDEFINED, JsValue::from)
            } else {
                value
            }
        });
}

fn stringify(value: &JsValue, what: &str) -> Result<String> {
    // The replacer costs a call per key, so it is used only when a BigInt
    // made the plain call throw.
    let json = js_sys::JSON::stringify(value).or_else(|_| {
        BIGINT_AS_DIGITS.with(|replacer| {
            js_sys::JSON::stringify_with_replacer(value, replacer.as_ref().unchecked_ref())
        })
    });
    match json {
        Ok(json) => Ok(String::from(json)),
        Err(_) => Err(Error::invalid(
            what,
            "cannot be read as JSON (a cycle, or a value JSON cannot hold)",
        )),
    }
}

/// The path of the first string holding a lone surrogate, walking the JS value.
fn find_lone_surrogate(value: &JsValue, path: &str) -> Option<String> {
    if let Some(js) = value.dyn_ref::<JsString>() {
        return (!js.is_valid_utf16()).then(|| path.to_owned());
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        return array
            .iter()
            .enumerate()
            .find_map(|(i, item)| find_lone_surrogate(&item, &format!("{path}[{i}]")));
    }
    if value.is_object() {
        return Object::entries(value.unchecked_ref()).iter().find_map(|entry| {
            let pair: Array = entry.unchecked_into();
            let key = pair.get(0).as_string().unwrap_or_default();
            find_lone_surrogate(&pair.get(1), &format!("{path}.{key}"))
        });
    }
    None
}

/// Refuses integers a JS number cannot have carried exactly.
fn check_safe_integers(value: &Value, path: &mut String) -> Result<()> {
    match value {
        Value::Number(n) if n.as_u64().is_some_and(|n| n > MAX_SAFE_INTEGER) => {
            Err(Error::invalid(
                path.trim_start_matches('.'),
                "is beyond 2^53 - 1, where JS numbers lose digits",
            ))
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let checked = check_safe_integers(item, path);
            path.truncate(len);
            checked
        }),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            let checked = check_safe_integers(item, path);
            path.truncate(len);
            checked
        }),
        _ => Ok(()),
    }
}

/// A serde error as the core's error, with MoMo's field name.
fn field_error(error: &serde_path_to_error::Error<serde_json::Error>, what: &str) -> Error {
    let path = error.path().to_string();
    let at = |name: &str| match path.as_str() {
        "." | "" => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    let message = error.inner().to_string();
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = named("missing field `") {
        return Error::missing(at(&name));
    }
    if let Some(name) = named("unknown field `") {
        return Error::invalid(at(&name), format!("is not a field of {what}"));
    }
    let field = if path == "." { what.to_owned() } else { path };
    // Errors from the core's own parsers already start with the field name.
    let reason = message
        .strip_prefix(&format!("{field}: "))
        .unwrap_or(&message)
        .to_owned();
    Error::invalid(field, reason)
}
