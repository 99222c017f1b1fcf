//! The JavaScript face of the crate (wasm-bindgen), for the npm package.
//!
//! A thin layer: it converts JS values to the core's types and back, and
//! turns [`momo_pos::Error`] into a JS `MomoError`. Every rule lives in the core.
//! Every string union of the JS API is camelCase (`"captureOrCancel"`,
//! `"invalidState"`): the core's multi-word snake_case names, which the C ABI
//! and the CLI keep, are mapped in the `names` module.
//!
//! Two wasm binaries are built from it. Without the `signing` feature
//! only public-key code is compiled in (`momo-pos/browser`: payment codes,
//! encryption, result codes); with it, the `MomoClient` that signs and
//! verifies is added (`momo-pos`, for Node and trusted terminals), with the
//! payment and refund drivers. The browser binary therefore cannot sign (nor
//! refund), whatever a page does with it.
// Native builds of the workspace skip this crate: it is wasm32 only.
#![cfg(target_arch = "wasm32")]

// Smaller and faster than the default dlmalloc here (module bytes are
// download time for the browser entry; allocation is a few percent of a
// request's time in Node). The module has no threads.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

mod error;
mod input;
mod names;
#[cfg(feature = "signing")]
mod output;
#[cfg(feature = "signing")]
mod packed;
mod public;
mod status_types;

#[cfg(feature = "signing")]
mod client;
#[cfg(feature = "signing")]
mod driver;
#[cfg(feature = "signing")]
mod objects;
#[cfg(feature = "signing")]
mod refund;
#[cfg(feature = "signing")]
mod status;

#[cfg(feature = "signing")]
pub use client::{check_request, decode_extra_data, encode_extra_data, JsClient};
#[cfg(feature = "signing")]
pub use driver::JsDriver;
pub use error::set_error_class;
#[cfg(feature = "signing")]
pub use packed::set_object_builders;
pub use public::{
    explain_result_code, mask_payment_code, normalize_payment_code, result_code_catalogue,
    JsPublicKey,
};
#[cfg(feature = "signing")]
pub use refund::JsRefundDriver;
#[cfg(feature = "signing")]
pub use status::describe_driver_snapshot;
