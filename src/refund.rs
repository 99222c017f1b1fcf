//! `momo_refund`: a refund of a paid payment, built field by field, then
//! signed by momo_client_refund_request() or driven to a known end by
//! momo_refund_driver_start().

use std::ffi::c_char;

use super::client::{lang_arg, momo_client, momo_lang};
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, handle_mut, new_handle, text, Out};
use super::request::momo_request;
use super::result::momo_result;
use momo::{AmountLimits, Refund, TransId};

/// Smallest refund MoMo accepts by default, in VND (the core's
/// `AmountLimits::REFUND`; momo_client_with_refund_limits() changes it).
// For the header (cbindgen): the core enforces the limit, C reads the number.
#[allow(dead_code)]
pub const MOMO_REFUND_MIN_AMOUNT: u64 = 1_000;

/// Largest refund MoMo accepts by default, in VND (the core's
/// `AmountLimits::REFUND`; momo_client_with_refund_limits() changes it).
#[allow(dead_code)]
pub const MOMO_REFUND_MAX_AMOUNT: u64 = 50_000_000;

/// A refund being built. Setters check only their argument's C form; the
/// protocol's rules are checked when it is signed. Used by one thread at a
/// time. Free it with momo_refund_free().
#[derive(Debug)]
pub struct momo_refund {
    // `Refund::with_description` consumes it; `None` only inside `update`.
    refund: Option<Refund>,
}

impl momo_refund {
    fn update(&mut self, f: impl FnOnce(Refund) -> Refund) {
        self.refund = self.refund.take().map(f);
    }

    fn refund_mut(&mut self) -> Result<&mut Refund, Failure> {
        self.refund.as_mut().ok_or_else(unusable)
    }

    pub(crate) fn refund(&self) -> Result<&Refund, Failure> {
        self.refund.as_ref().ok_or_else(unusable)
    }
}

fn unusable() -> Failure {
    Failure::boundary(
        momo_result::MOMO_RESULT_INVALID_ARGUMENT,
        "refund",
        "is unusable after an internal error",
    )
}

/// MoMo's transId as digits: 1 to 32 ASCII digits (MOMO_RESULT_INVALID_FIELD
/// otherwise, naming `field`).
pub(crate) fn trans_id_arg(digits: &str, field: &'static str) -> Result<TransId, Failure> {
    digits.parse::<TransId>().map_err(|e| match e.field() {
        // The core's own name: keep its error as it is.
        Some(core) if core == field => Failure::Core(e),
        _ => Failure::boundary(
            momo_result::MOMO_RESULT_INVALID_FIELD,
            field,
            "must be 1 to 32 digits (MoMo's transId)",
        ),
    })
}

/// Starts a refund of `amount` VND of the payment MoMo numbered `trans_id`
/// (its transId as digits, exactly as MoMo gave it: momo_outcome.trans_id,
/// momo_notification_trans_id(); 1 to 32 digits, else
/// MOMO_RESULT_INVALID_FIELD naming "transId").
///
/// `order_id` is the refund's own, new orderId (not the payment's);
/// `request_id` is MoMo's idempotency key for this refund, reused by every
/// resend. Bounds (MOMO_REFUND_MIN_AMOUNT..MOMO_REFUND_MAX_AMOUNT unless the
/// client says otherwise) and a transId above 2^63 - 1 are checked when
/// signing. `*out` is owned by the caller: momo_refund_free().
#[no_mangle]
pub unsafe extern "C" fn momo_refund_new(
    order_id: *const c_char,
    order_id_len: usize,
    request_id: *const c_char,
    request_id_len: usize,
    amount: u64,
    trans_id: *const c_char,
    trans_id_len: usize,
    out: *mut *mut momo_refund,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let order_id = unsafe { text(order_id, order_id_len, "order_id") }?;
        let request_id = unsafe { text(request_id, request_id_len, "request_id") }?;
        let trans_id = unsafe { text(trans_id, trans_id_len, "trans_id") }?;
        let trans_id = trans_id_arg(trans_id, "transId")?;
        let refund = Refund::new(order_id, request_id, amount, trans_id);
        new_handle(
            out,
            momo_refund {
                refund: Some(refund),
            },
        );
        Ok(())
    })
}

/// Sets one text field: the shape shared by the text setters.
///
/// # Safety
/// Documented handle and pointer + length contracts.
unsafe fn set_text(
    refund: *mut momo_refund,
    value: *const c_char,
    value_len: usize,
    set: fn(&mut momo_refund, &str) -> Result<(), Failure>,
) -> momo_result {
    call(|| {
        // SAFETY: forwarded caller contract.
        let refund = unsafe { handle_mut(refund, "refund") }?;
        let value = unsafe { text(value, value_len, "value") }?;
        set(refund, value)
    })
}

/// description: the reason, shown to the shopper; signed ("" by default).
/// At most 1,024 bytes, no control characters (checked when signing).
#[no_mangle]
pub unsafe extern "C" fn momo_refund_set_description(
    refund: *mut momo_refund,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_text(refund, value, value_len, |r, v| {
            r.refund()?;
            r.update(|refund| refund.with_description(v));
            Ok(())
        })
    }
}

/// subPartnerCode, for a master merchant refunding for a sub-merchant.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_set_sub_partner_code(
    refund: *mut momo_refund,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_text(refund, value, value_len, |r, v| {
            r.refund_mut()?.set_sub_partner_code(Some(v.to_owned()));
            Ok(())
        })
    }
}

/// The payment's own orderId, not sent: signing then fails with
/// MOMO_RESULT_INVALID_FIELD naming "orderId" if the refund's orderId is the
/// same (MoMo needs a new one per refund). momo_refund_driver_start() sets
/// it from its payment_order_id.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_set_payment_order_id(
    refund: *mut momo_refund,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        set_text(refund, value, value_len, |r, v| {
            r.refund_mut()?.set_payment_order_id(Some(v.to_owned()));
            Ok(())
        })
    }
}

/// lang of MoMo's message: MOMO_LANG_VI or MOMO_LANG_EN; MOMO_LANG_DEFAULT
/// (the initial value) sends the client's language.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_set_lang(
    refund: *mut momo_refund,
    lang: momo_lang,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contract.
        let refund = unsafe { handle_mut(refund, "refund") }?;
        let lang = lang_arg(lang, "lang")?;
        refund.refund_mut()?.set_lang(lang);
        Ok(())
    })
}

/// Releases a refund. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_free(refund: *mut momo_refund) {
    // SAFETY: NULL or a refund from momo_refund_new, not used afterwards.
    call_void(|| unsafe { free_handle(refund) });
}

/// Checks every field rule and signs the refund: `*out` (owned by the
/// caller: momo_request_free()) is the request to POST to
/// /v2/gateway/api/refund. Sign once and keep it: a resend after a lost
/// answer must be these bytes with the same requestId
/// (momo_refund_driver_start() does all of this). A failed rule names its
/// field in momo_last_error_field(): "amount" outside the client's refund
/// bounds, "transId" above 2^63 - 1, "orderId" equal to the payment's,
/// "description"...
#[no_mangle]
pub unsafe extern "C" fn momo_client_refund_request(
    client: *const momo_client,
    refund: *const momo_refund,
    out: *mut *mut momo_request,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let refund = unsafe { handle(refund, "refund") }?;
        let request = client.inner.refund_request(refund.refund()?)?;
        new_handle(out, momo_request::new(request));
        Ok(())
    })
}

/// A copy of `client` enforcing other refund bounds, in VND (a contract
/// with other caps; by default MOMO_REFUND_MIN_AMOUNT to
/// MOMO_REFUND_MAX_AMOUNT). `client` is unchanged; `*out` is owned by the
/// caller: momo_client_free().
#[no_mangle]
pub unsafe extern "C" fn momo_client_with_refund_limits(
    client: *const momo_client,
    min_amount: u64,
    max_amount: u64,
    out: *mut *mut momo_client,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let limits = AmountLimits::new(min_amount, max_amount)?;
        let inner = client.inner.clone().with_refund_limits(limits);
        new_handle(out, momo_client::new(inner));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    /// The header's numbers are the core's (cbindgen cannot read a path).
    #[test]
    fn refund_bounds_are_the_cores() {
        assert_eq!(
            super::MOMO_REFUND_MIN_AMOUNT,
            momo::AmountLimits::REFUND.min()
        );
        assert_eq!(
            super::MOMO_REFUND_MAX_AMOUNT,
            momo::AmountLimits::REFUND.max()
        );
    }

    #[test]
    fn trans_id_errors_name_the_field() {
        let e = super::trans_id_arg("12a", "transId").unwrap_err();
        assert_eq!(e.code(), super::momo_result::MOMO_RESULT_INVALID_FIELD);
        let e = super::trans_id_arg("", "payment_trans_id").unwrap_err();
        assert_eq!(e.code(), super::momo_result::MOMO_RESULT_INVALID_FIELD);
        assert!(super::trans_id_arg("4088878653", "transId").is_ok());
    }
}
