//! Rust values out as plain JS objects.
//!
//! Plain objects rather than classes: they print, compare and
//! `JSON.stringify` like any other data, and need no `free()`.
//! serde-wasm-bindgen refuses a u64 beyond 2^53 instead of rounding it, and
//! ids that can be that large (`transId`) are strings in the core already.

use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::JsValue;

use super::error::{self, JsResult};
use momo_pos::Error;

/// `None` becomes `null` and maps become objects, as in the JSON MoMo sends.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    value
        .serialize(&Serializer::json_compatible())
        .map_err(|e| {
            error::to_js(&Error::InvalidJson {
                reason: format!("cannot be returned to JavaScript: {e}"),
            })
        })
}

/// A request's headers, as `fetch` takes them.
#[cfg(feature = "signing")]
#[derive(Serialize)]
pub(crate) struct Headers {
    #[serde(rename = "Content-Type")]
    pub(crate) content_type: &'static str,
}
