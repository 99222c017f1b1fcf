//! Rust values out as plain JS objects (the full module; the browser one
//! builds its few result-code rows directly, see `names`; a verified IPN
//! and a signed request, the hottest results, are built in `packed`).
//!
//! Plain objects rather than classes: they print, compare and
//! `JSON.stringify` like any other data, and need no `free()`.
//!
//! They cross as one JSON text that the engine's `JSON.parse` builds: one
//! boundary call and native object construction, where building the object
//! property by property from Rust (serde-wasm-bindgen) costs a call per
//! field. A signed request of the bare module (no package entry, see
//! `packed`) is the other way round: a few long strings, one of them JSON
//! itself, which JSON would escape and unescape again, so it is built
//! directly (`to_js_object`). JSON.parse would round an integer beyond
//! 2^53 without a word, so the writer refuses one instead (and
//! serde-wasm-bindgen does too); ids that can be that large (`transId`) are
//! strings already.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};
use wasm_bindgen::JsValue;

use super::error::{self, JsResult};
use super::input::MAX_SAFE_INTEGER;
use momo_pos::Error;

/// `to_js` for values made of a few long strings (signed requests).
pub(crate) fn to_js_object<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(unreturnable)
}

/// `None` becomes `null` and maps become objects, as in the JSON MoMo sends.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text = to_json(value).map_err(unreturnable)?;
    // Valid JSON by construction: parse fails only on a bug here.
    js_sys::JSON::parse(&text).map_err(|_| unreturnable("not JSON"))
}

/// The error for a result that cannot be handed to JS as it is (here and
/// in `packed`).
pub(crate) fn unreturnable(reason: impl std::fmt::Display) -> JsValue {
    error::to_js(&Error::InvalidJson {
        reason: format!("cannot be returned to JavaScript: {reason}"),
    })
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(512);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        SafeIntegers,
    ))?;
    // serde_json writes UTF-8 only; the check costs less than a copy.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// Compact JSON whose integers all survive `JSON.parse` exactly.
struct SafeIntegers;

/// Why an integer cannot be handed to JS (the JSON writer's and `packed`'s).
pub(crate) fn beyond_safe_integer(value: impl std::fmt::Display) -> String {
    format!("the integer {value} is beyond 2^53 - 1, which a JS number cannot hold exactly")
}

fn unsafe_integer(value: impl std::fmt::Display) -> io::Error {
    io::Error::other(beyond_safe_integer(value))
}

impl Formatter for SafeIntegers {
    fn write_u64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        if value > MAX_SAFE_INTEGER {
            return Err(unsafe_integer(value));
        }
        CompactFormatter.write_u64(writer, value)
    }

    fn write_i64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        if value.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(unsafe_integer(value));
        }
        CompactFormatter.write_i64(writer, value)
    }

    fn write_u128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: u128) -> io::Result<()> {
        match u64::try_from(value) {
            Ok(value) => self.write_u64(writer, value),
            Err(_) => Err(unsafe_integer(value)),
        }
    }

    fn write_i128<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: i128) -> io::Result<()> {
        match i64::try_from(value) {
            Ok(value) => self.write_i64(writer, value),
            Err(_) => Err(unsafe_integer(value)),
        }
    }
}
/// A request's headers, as `fetch` takes them.
#[derive(Serialize)]
pub(crate) struct Headers {
    #[serde(rename = "Content-Type")]
    pub(crate) content_type: &'static str,
}
