//! `momo_pos::Error` as a thrown JS `MomoError`.
//!
//! The class itself is plain JavaScript shipped in the npm package (so that
//! `instanceof` and the TypeScript declaration refer to one class); the
//! package hands it over once at load time and errors are built from it.
//! Before that (or in the Rust test suites) a plain `Error` with the same
//! `name`, `code`, `field` and message is thrown instead.

use std::cell::RefCell;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;

use super::names;
use momo_pos::Error;

thread_local! {
    static ERROR_CLASS: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the package's `MomoError` class (`new MomoError(code, message, field)`).
#[wasm_bindgen(js_name = "__setErrorClass", skip_typescript)]
pub fn set_error_class(class: Function) {
    ERROR_CLASS.with(|slot| *slot.borrow_mut() = Some(class));
}

/// The JS value thrown for `error`; its `code` is the camelCase name of the
/// core's `ErrorKind` (`"invalidPaymentCode"`, see [`super::names`]).
pub(crate) fn to_js(error: &Error) -> JsValue {
    let code = JsValue::from_str(names::error_code(error.kind()));
    let message = JsValue::from_str(&error.to_string());
    let field = error.field().map_or(JsValue::NULL, JsValue::from_str);
    let constructed = ERROR_CLASS.with(|slot| {
        let slot = slot.borrow();
        let class = slot.as_ref()?;
        Reflect::construct(class, &Array::of3(&code, &message, &field)).ok()
    });
    constructed.unwrap_or_else(|| {
        let plain = js_sys::Error::new(&error.to_string());
        plain.set_name("MomoError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&plain, &"code".into(), &code);
        let _ = Reflect::set(&plain, &"field".into(), &field);
        plain.into()
    })
}

/// Results of the exported functions: errors are thrown as `MomoError`.
pub(crate) type JsResult<T> = Result<T, JsValue>;

/// Converts a core result for returning to JS.
pub(crate) fn js<T>(result: momo_pos::Result<T>) -> JsResult<T> {
    result.map_err(|e| to_js(&e))
}
