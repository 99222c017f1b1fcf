//! `momo_notification`: MoMo's payment notification (IPN), verified from
//! the raw body.

use std::ffi::c_char;

use std::sync::OnceLock;

use super::buffer::{momo_str, CText};
use super::client::momo_client;
use super::guard::{call, call_void, Failure};
use super::input::{bytes, free_handle, handle, new_handle, read, text, Out};
use super::result::momo_result;
use momo::Notification;

/// A verified notification. Immutable: may be read from several threads.
/// Free it with momo_notification_free().
#[derive(Debug)]
pub struct momo_notification {
    pub(crate) inner: Notification,
    // Boxed and made on the first text read: verification, the hot path,
    // then moves and frees no more than the core's value.
    texts: OnceLock<Box<Texts>>,
}

/// NUL-terminated copies of the text fields, made when first read.
#[derive(Debug, Default)]
struct Texts {
    partner_code: CText,
    order_id: CText,
    request_id: CText,
    order_info: CText,
    order_type: CText,
    trans_id: CText,
    message: CText,
    pay_type: CText,
    extra_data: CText,
    partner_user_id: CText,
    dedupe_key: CText,
}

impl momo_notification {
    fn texts(&self) -> &Texts {
        self.texts.get_or_init(Box::default)
    }
}

/// Verifies a notification from the raw HTTP body exactly as received
/// (`body` is bytes, not text: the core checks it): signature (constant
/// time), every signed field present, partnerCode the client's. Then check
/// the order with momo_notification_check_order(), drop deliveries already
/// seen (momo_notification_dedupe_key()) and answer HTTP 204.
#[no_mangle]
pub unsafe extern "C" fn momo_client_verify_ipn(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_notification,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let body = unsafe { bytes(body, body_len, "body") }?;
        let inner = client.inner.verify_ipn(body)?;
        new_handle(
            out,
            momo_notification {
                inner,
                texts: OnceLock::new(),
            },
        );
        Ok(())
    })
}

/// Checks the notification against the merchant's record of the order
/// (orderId and amount), as MoMo requires before answering 204:
/// MOMO_RESULT_FIELD_MISMATCH names the field that differs.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_check_order(
    notification: *const momo_notification,
    order_id: *const c_char,
    order_id_len: usize,
    amount: u64,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and pointer + length contracts.
        let notification = unsafe { handle(notification, "notification") }?;
        let order_id = unsafe { text(order_id, order_id_len, "order_id") }?;
        notification.inner.check_order(order_id, amount)?;
        Ok(())
    })
}

/// resultCode (0: paid). Explain it with momo_result_code_explain().
#[no_mangle]
pub unsafe extern "C" fn momo_notification_result_code(
    notification: *const momo_notification,
    out: *mut i64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(notification, "notification", out, |n| {
            Ok(n.inner.result_code)
        })
    }
}

/// Whether the payment succeeded (resultCode 0).
#[no_mangle]
pub unsafe extern "C" fn momo_notification_is_paid(
    notification: *const momo_notification,
    out: *mut bool,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read(notification, "notification", out, |n| Ok(n.inner.is_paid())) }
}

/// amount, in VND.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_amount(
    notification: *const momo_notification,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read(notification, "notification", out, |n| Ok(n.inner.amount)) }
}

/// responseTime, epoch milliseconds.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_response_time(
    notification: *const momo_notification,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(notification, "notification", out, |n| {
            Ok(n.inner.response_time)
        })
    }
}

/// Reads one text field: the shape shared by the text accessors.
///
/// # Safety
/// Documented handle and out-pointer contracts.
unsafe fn get(
    notification: *const momo_notification,
    out: *mut momo_str,
    pick: fn(&momo_notification) -> (&CText, &str),
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        read(notification, "notification", out, |n| {
            let (cache, text) = pick(n);
            Ok(cache.view(text))
        })
    }
}

/// partnerCode (already checked to be the client's).
#[no_mangle]
pub unsafe extern "C" fn momo_notification_partner_code(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().partner_code, &n.inner.partner_code)
        })
    }
}

/// orderId.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_order_id(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().order_id, &n.inner.order_id)
        })
    }
}

/// requestId of the pos request.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_request_id(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().request_id, &n.inner.request_id)
        })
    }
}

/// orderInfo that was sent.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_order_info(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().order_info, &n.inner.order_info)
        })
    }
}

/// orderType ("momo_wallet").
#[no_mangle]
pub unsafe extern "C" fn momo_notification_order_type(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().order_type, &n.inner.order_type)
        })
    }
}

/// transId as its exact decimal digits (it may exceed 2^53).
#[no_mangle]
pub unsafe extern "C" fn momo_notification_trans_id(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().trans_id, n.inner.trans_id.as_str())
        })
    }
}

/// MoMo's message, in the request's language.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_message(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().message, &n.inner.message)
        })
    }
}

/// payType ("pos" for Quick Pay).
#[no_mangle]
pub unsafe extern "C" fn momo_notification_pay_type(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().pay_type, &n.inner.pay_type)
        })
    }
}

/// extraData that was sent.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_extra_data(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(notification, out, |n| {
            (&n.texts().extra_data, &n.inner.extra_data)
        })
    }
}

/// partnerUserId (not signed); MOMO_RESULT_ABSENT when MoMo sent none.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_partner_user_id(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(notification, "notification", out, |n| {
            let text = n.inner.partner_user_id.as_deref().ok_or_else(|| {
                Failure::boundary(
                    momo_result::MOMO_RESULT_ABSENT,
                    "partnerUserId",
                    "is absent from this notification",
                )
            })?;
            Ok(n.texts().partner_user_id.view(text))
        })
    }
}

/// The key to deduplicate deliveries with:
/// "partnerCode|orderId|requestId|transId" (unambiguous: `|` cannot occur
/// in an orderId). Store it; ignore a notification whose key was seen.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_dedupe_key(
    notification: *const momo_notification,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(notification, "notification", out, |n| {
            Ok(n.texts()
                .dedupe_key
                .view_with(|| n.inner.dedupe_key().to_string()))
        })
    }
}

/// Releases a notification. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_notification_free(notification: *mut momo_notification) {
    // SAFETY: NULL or a notification from momo_client_verify_ipn, not used afterwards.
    call_void(|| unsafe { free_handle(notification) });
}
