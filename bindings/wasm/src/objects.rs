//! JS objects in (the client's options and requests), read as JSON.
//!
//! `JSON.stringify` is one native call, and serde_json refuses the `\udXXX`
//! escapes it writes for lone surrogates, so broken text cannot slip
//! through as U+FFFD; serde_path_to_error names the field that was refused.

use js_sys::{Array, JsString, Object, Uint8Array};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::input::{LONE_SURROGATE, MAX_SAFE_INTEGER};
use momo_pos::{Error, Result};

/// A plain JS object read into `T`, errors naming the field (`items[1].price`).
///
/// `what` names the argument for errors about the whole value.
pub(crate) fn object<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<T> {
    momo_pos::input::from_value(tree(value, what)?, what)
}

/// A plain JS object as checked JSON (every integer exact), before it is
/// read into a type.
pub(crate) fn tree(value: &JsValue, what: &str) -> Result<Value> {
    if !value.is_object() || Array::is_array(value) || value.is_instance_of::<Uint8Array>() {
        return Err(Error::invalid(what, "must be a plain object"));
    }
    let json = stringify(value, what)?;
    let tree: Value = serde_json::from_str(&json).map_err(|e| parse_error(value, what, &e))?;
    check_safe_integers(&tree, &mut String::new())?;
    Ok(tree)
}

/// Reads any JSON-shaped JS value (extraData contents).
pub(crate) fn json_value(value: &JsValue, what: &str) -> Result<Value> {
    let json = stringify(value, what)?;
    serde_json::from_str(&json).map_err(|e| parse_error(value, what, &e))
}

/// `JSON.stringify` output fails to parse only over a lone surrogate
/// (written as a bare `\udXXX` escape): find which field holds it.
fn parse_error(value: &JsValue, what: &str, error: &serde_json::Error) -> Error {
    match find_lone_surrogate(value, "") {
        Some(field) if field.is_empty() => Error::invalid(what, LONE_SURROGATE),
        Some(field) => Error::invalid(field, LONE_SURROGATE),
        None => Error::invalid(what, error.to_string()),
    }
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

/// The path (`items[0].name`) of the first string holding a lone surrogate.
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
        return Object::entries(value.unchecked_ref())
            .iter()
            .find_map(|entry| {
                let pair: Array = entry.unchecked_into();
                let key = pair.get(0).as_string().unwrap_or_default();
                let child = if path.is_empty() {
                    key
                } else {
                    format!("{path}.{key}")
                };
                find_lone_surrogate(&pair.get(1), &child)
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
