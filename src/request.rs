//! `momo_request`: a signed request ready to POST, and the status query and
//! confirm calls that make one.

use std::ffi::c_char;

use super::buffer::{momo_str, static_view, CText};
use super::client::{lang_arg, momo_client, momo_lang};
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, new_handle, opt_text, read, text, Out};
use super::result::momo_result;
use momo::{Confirm, ConfirmAction, SignedRequest, StatusQuery};

/// The value of the Content-Type header, NUL-terminated (the core's
/// `CONTENT_TYPE`, checked by a test).
pub(crate) const CONTENT_TYPE_C: &std::ffi::CStr = c"application/json; charset=UTF-8";

/// A confirm action: one of the MOMO_CONFIRM_* values.
pub type momo_confirm_action = u32;
/// Take the money held by an authorization (requestType "capture").
pub const MOMO_CONFIRM_CAPTURE: momo_confirm_action = 0;
/// Release the hold (requestType "cancel").
pub const MOMO_CONFIRM_CANCEL: momo_confirm_action = 1;

/// A MOMO_CONFIRM_* argument.
pub(crate) fn confirm_action_arg(
    action: momo_confirm_action,
    param: &'static str,
) -> Result<ConfirmAction, Failure> {
    match action {
        MOMO_CONFIRM_CAPTURE => Ok(ConfirmAction::Capture),
        MOMO_CONFIRM_CANCEL => Ok(ConfirmAction::Cancel),
        other => Err(Failure::boundary(
            momo_result::MOMO_RESULT_INVALID_ARGUMENT,
            param,
            format!("{other} is not a MOMO_CONFIRM_* value"),
        )),
    }
}

/// The MOMO_CONFIRM_* value of `action`.
pub(crate) const fn confirm_action_value(action: ConfirmAction) -> momo_confirm_action {
    match action {
        ConfirmAction::Capture => MOMO_CONFIRM_CAPTURE,
        ConfirmAction::Cancel => MOMO_CONFIRM_CANCEL,
    }
}

/// A signed request: POST momo_request_body() to momo_request_url() with
/// the header "Content-Type: " momo_request_content_type() and a timeout of
/// at least momo_request_timeout_ms(). Immutable. Free it with
/// momo_request_free().
#[derive(Debug)]
pub struct momo_request {
    pub(crate) inner: SignedRequest,
    url: CText,
    body: CText,
    signature: CText,
    raw_signature: CText,
    order_id: CText,
    request_id: CText,
}

impl momo_request {
    pub(crate) fn new(inner: SignedRequest) -> Self {
        Self {
            inner,
            url: CText::default(),
            body: CText::default(),
            signature: CText::default(),
            raw_signature: CText::default(),
            order_id: CText::default(),
            request_id: CText::default(),
        }
    }
}

/// Signs a status query for `order_id`; `request_id` identifies this query
/// (a fresh one per query). `lang`: MOMO_LANG_* (DEFAULT: the client's).
#[no_mangle]
pub unsafe extern "C" fn momo_client_query_request(
    client: *const momo_client,
    order_id: *const c_char,
    order_id_len: usize,
    request_id: *const c_char,
    request_id_len: usize,
    lang: momo_lang,
    out: *mut *mut momo_request,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let order_id = unsafe { text(order_id, order_id_len, "order_id") }?;
        let request_id = unsafe { text(request_id, request_id_len, "request_id") }?;
        let mut query = StatusQuery::new(order_id, request_id);
        if let Some(lang) = lang_arg(lang, "lang")? {
            query = query.with_lang(lang);
        }
        let request = client.inner.query_request(&query)?;
        new_handle(out, momo_request::new(request));
        Ok(())
    })
}

/// Signs a capture or cancel (`action`: MOMO_CONFIRM_*) of `amount` VND
/// authorized for `order_id` (result 9000). `description` is optional
/// (NULL: ""). `lang`: MOMO_LANG_* (DEFAULT: the client's).
#[no_mangle]
pub unsafe extern "C" fn momo_client_confirm_request(
    client: *const momo_client,
    order_id: *const c_char,
    order_id_len: usize,
    request_id: *const c_char,
    request_id_len: usize,
    amount: u64,
    action: momo_confirm_action,
    description: *const c_char,
    description_len: usize,
    lang: momo_lang,
    out: *mut *mut momo_request,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let order_id = unsafe { text(order_id, order_id_len, "order_id") }?;
        let request_id = unsafe { text(request_id, request_id_len, "request_id") }?;
        let description = unsafe { opt_text(description, description_len, "description") }?;
        let action = confirm_action_arg(action, "action")?;
        let mut confirm = Confirm::new(order_id, request_id, amount, action);
        if let Some(description) = description {
            confirm = confirm.with_description(description);
        }
        if let Some(lang) = lang_arg(lang, "lang")? {
            confirm = confirm.with_lang(lang);
        }
        let request = client.inner.confirm_request(&confirm)?;
        new_handle(out, momo_request::new(request));
        Ok(())
    })
}

/// Reads one text of a request: the shape shared by the accessors.
///
/// # Safety
/// Documented handle and out-pointer contracts.
unsafe fn get(
    request: *const momo_request,
    out: *mut momo_str,
    pick: fn(&momo_request) -> momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { read(request, "request", out, |r| Ok(pick(r))) }
}

/// The full URL, e.g. "https://test-payment.momo.vn/v2/gateway/api/pos".
#[no_mangle]
pub unsafe extern "C" fn momo_request_url(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |r| r.url.view(r.inner.url())) }
}

/// The exact JSON body to POST (UTF-8).
#[no_mangle]
pub unsafe extern "C" fn momo_request_body(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |r| r.body.view(r.inner.body_str())) }
}

/// The Content-Type header's value: "application/json; charset=UTF-8".
#[no_mangle]
pub unsafe extern "C" fn momo_request_content_type(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |_| static_view(CONTENT_TYPE_C)) }
}

/// The hex HMAC-SHA256 signature sent in the body.
#[no_mangle]
pub unsafe extern "C" fn momo_request_signature(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |r| r.signature.view(r.inner.signature())) }
}

/// The "accessKey=...&..." text that was signed (no secret in it): compare
/// it with MoMo's when MoMo refuses the signature (result 20).
#[no_mangle]
pub unsafe extern "C" fn momo_request_raw_signature(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(request, out, |r| {
            r.raw_signature.view(r.inner.raw_signature())
        })
    }
}

/// The request's orderId.
#[no_mangle]
pub unsafe extern "C" fn momo_request_order_id(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |r| r.order_id.view(r.inner.order_id())) }
}

/// The request's requestId (MoMo's idempotency key).
#[no_mangle]
pub unsafe extern "C" fn momo_request_request_id(
    request: *const momo_request,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { get(request, out, |r| r.request_id.view(r.inner.request_id())) }
}

/// The minimum client timeout MoMo documents, in milliseconds (30000).
#[no_mangle]
pub unsafe extern "C" fn momo_request_timeout_ms(
    request: *const momo_request,
    out_ms: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(request, "request", out_ms, |r| {
            Ok(u64::try_from(r.inner.timeout().as_millis()).unwrap_or(u64::MAX))
        })
    }
}

/// Releases a request. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_request_free(request: *mut momo_request) {
    // SAFETY: NULL or a request from this library, not used afterwards.
    call_void(|| unsafe { free_handle(request) });
}

#[cfg(test)]
mod tests {
    #[test]
    fn content_type_is_the_cores() {
        assert_eq!(
            super::CONTENT_TYPE_C.to_bytes(),
            momo::CONTENT_TYPE.as_bytes()
        );
    }
}
