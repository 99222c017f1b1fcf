//! `extraData`: a JSON object as base64 and back, for the merchant's own
//! references that MoMo echoes in notifications and queries.

use std::ffi::c_char;

use super::buffer::momo_buffer;
use super::guard::call;
use super::input::{new_handle, text, Out};
use super::result::momo_result;
use momo::extra_data;
use momo::Error;

/// Encodes a JSON object (`{"till":"7"}`) as extraData text: base64, or ""
/// for an empty object. Anything but an object is MOMO_RESULT_INVALID_FIELD
/// (field "extraData"); text that is not JSON is MOMO_RESULT_INVALID_JSON.
#[no_mangle]
pub unsafe extern "C" fn momo_extra_data_encode(
    json: *const c_char,
    json_len: usize,
    out: *mut *mut momo_buffer,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let json = unsafe { text(json, json_len, "json") }?;
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::InvalidJson {
                reason: e.to_string(),
            })?;
        new_handle(out, momo_buffer::from_text(&extra_data::encode(&value)?));
        Ok(())
    })
}

/// Decodes extraData text into its JSON object (compact JSON text; "{}"
/// for ""). Text that is not base64 of a JSON object is
/// MOMO_RESULT_INVALID_FIELD (field "extraData").
#[no_mangle]
pub unsafe extern "C" fn momo_extra_data_decode(
    extra_data: *const c_char,
    extra_data_len: usize,
    out: *mut *mut momo_buffer,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let extra = unsafe { text(extra_data, extra_data_len, "extra_data") }?;
        let map = extra_data::decode(extra)?;
        let json = serde_json::Value::Object(map).to_string();
        new_handle(out, momo_buffer::from_text(&json));
        Ok(())
    })
}
