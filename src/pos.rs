//! `momo_pos_payment`: the pos payment, built field by field so C callers
//! never write JSON, then signed by momo_client_pos_request().

use std::ffi::c_char;

use super::client::{lang_arg, momo_client, momo_lang};
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, handle_mut, new_handle, opt_text, text, Out};
use super::request::momo_request;
use super::result::momo_result;
use momo::{EncryptedPaymentCode, Item, PosPayment, UserInfo};

/// A pos payment being built. Setters check only their argument's C form;
/// the protocol's rules are checked by momo_client_pos_request(). Used by
/// one thread at a time. Free it with momo_pos_payment_free().
#[derive(Debug)]
pub struct momo_pos_payment {
    // `PosPayment`'s setters consume it; `None` only inside `update`.
    payment: Option<PosPayment>,
    // Kept here because the core takes the whole list at once.
    items: Vec<Item>,
}

impl momo_pos_payment {
    fn update(&mut self, f: impl FnOnce(PosPayment) -> PosPayment) {
        self.payment = self.payment.take().map(f);
    }

    pub(crate) fn payment(&self) -> Result<&PosPayment, Failure> {
        self.payment.as_ref().ok_or_else(|| {
            Failure::boundary(
                momo_result::MOMO_RESULT_INVALID_ARGUMENT,
                "payment",
                "is unusable after an internal error",
            )
        })
    }
}

/// Sets one text field: the shape shared by the text setters.
///
/// # Safety
/// Documented handle and pointer + length contracts.
unsafe fn set_text(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
    set: fn(PosPayment, &str) -> PosPayment,
) -> momo_result {
    call(|| {
        // SAFETY: forwarded caller contract.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        let value = unsafe { text(value, value_len, "value") }?;
        payment.update(|p| set(p, value));
        Ok(())
    })
}

/// Starts a pos payment of `amount` VND for `order_id`.
///
/// `request_id` is MoMo's idempotency key: one per payment, reused for any
/// resend. `encrypted_code` is the base64 text from
/// momo_public_key_encrypt() (or from a browser that encrypted the code).
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_new(
    order_id: *const c_char,
    order_id_len: usize,
    request_id: *const c_char,
    request_id_len: usize,
    amount: u64,
    encrypted_code: *const c_char,
    encrypted_code_len: usize,
    out: *mut *mut momo_pos_payment,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let order_id = unsafe { text(order_id, order_id_len, "order_id") }?;
        let request_id = unsafe { text(request_id, request_id_len, "request_id") }?;
        let code = unsafe { text(encrypted_code, encrypted_code_len, "encrypted_code") }?;
        let code = EncryptedPaymentCode::from_base64(code)?;
        let payment = PosPayment::new(order_id, request_id, amount, code);
        new_handle(
            out,
            momo_pos_payment {
                payment: Some(payment),
                items: Vec::new(),
            },
        );
        Ok(())
    })
}

/// orderInfo: the order's description, signed and shown to the shopper.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_order_info(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_order_info(v)) }
}

/// extraData: "" or base64 of a JSON object (signed).
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_extra_data(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_extra_data(v)) }
}

/// ipnUrl: where MoMo POSTs the payment notification.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_ipn_url(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_ipn_url(v)) }
}

/// storeId.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_store_id(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_store_id(v)) }
}

/// storeName.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_store_name(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_store_name(v)) }
}

/// subPartnerCode.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_sub_partner_code(
    payment: *mut momo_pos_payment,
    value: *const c_char,
    value_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { set_text(payment, value, value_len, |p, v| p.with_sub_partner_code(v)) }
}

/// autoCapture: false to authorize only (result 9000), then capture or
/// cancel with momo_client_confirm_request(). Defaults to true.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_auto_capture(
    payment: *mut momo_pos_payment,
    auto_capture: bool,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contract.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        payment.update(|p| p.with_auto_capture(auto_capture));
        Ok(())
    })
}

/// orderGroupId, a number MoMo assigns.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_order_group_id(
    payment: *mut momo_pos_payment,
    order_group_id: u64,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contract.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        payment.update(|p| p.with_order_group_id(order_group_id));
        Ok(())
    })
}

/// requestTime, in epoch milliseconds (the host's clock).
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_request_time(
    payment: *mut momo_pos_payment,
    epoch_millis: u64,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contract.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        payment.update(|p| p.with_request_time(epoch_millis));
        Ok(())
    })
}

/// lang of MoMo's message: MOMO_LANG_VI or MOMO_LANG_EN. Without it (or
/// with MOMO_LANG_DEFAULT, which changes nothing) the client's language is
/// sent.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_lang(
    payment: *mut momo_pos_payment,
    lang: momo_lang,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contract.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        if let Some(lang) = lang_arg(lang, "lang")? {
            payment.update(|p| p.with_lang(lang));
        }
        Ok(())
    })
}

/// Adds a product line: totalPrice is price x quantity. At most 50 lines
/// with distinct ids (checked when signing). For the optional item fields
/// (description, imageUrl...) use momo_pos_payment_set_items_json().
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_add_item(
    payment: *mut momo_pos_payment,
    id: *const c_char,
    id_len: usize,
    name: *const c_char,
    name_len: usize,
    price: u64,
    quantity: u32,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and pointer + length contracts.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        let id = unsafe { text(id, id_len, "id") }?;
        let name = unsafe { text(name, name_len, "name") }?;
        payment.items.push(Item::new(id, name, price, quantity));
        let items = payment.items.clone();
        payment.update(|p| p.with_items(items));
        Ok(())
    })
}

/// Replaces the product lines with a JSON array of MoMo items
/// (`[{"id":..,"name":..,"price":..,"quantity":..,"totalPrice":..,
/// "imageUrl":..}]`), for the optional fields momo_pos_payment_add_item()
/// does not take. Read as the CLI and the npm package read items: a key
/// that is not an item field, a missing or mistyped field is refused with
/// MOMO_RESULT_INVALID_FIELD or MOMO_RESULT_MISSING_FIELD naming it
/// (`items[0].price`); text that is not JSON is MOMO_RESULT_INVALID_JSON.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_items_json(
    payment: *mut momo_pos_payment,
    json: *const c_char,
    json_len: usize,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and pointer + length contracts.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        let json = unsafe { text(json, json_len, "json") }?;
        // The core's reading of items, as for the CLI and the npm package.
        let items: Vec<Item> = momo::input::from_json(json, "items")?;
        payment.items = items;
        let items = payment.items.clone();
        payment.update(|p| p.with_items(items));
        Ok(())
    })
}

/// userInfo: the shopper's name, phoneNumber and email. Each is optional:
/// NULL leaves it out.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_set_user_info(
    payment: *mut momo_pos_payment,
    name: *const c_char,
    name_len: usize,
    phone_number: *const c_char,
    phone_number_len: usize,
    email: *const c_char,
    email_len: usize,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and pointer + length contracts.
        let payment = unsafe { handle_mut(payment, "payment") }?;
        let mut user_info = UserInfo::default();
        user_info.name = unsafe { opt_text(name, name_len, "name") }?.map(str::to_owned);
        user_info.phone_number =
            unsafe { opt_text(phone_number, phone_number_len, "phone_number") }?.map(str::to_owned);
        user_info.email = unsafe { opt_text(email, email_len, "email") }?.map(str::to_owned);
        payment.update(|p| p.with_user_info(user_info));
        Ok(())
    })
}

/// Releases a payment. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_pos_payment_free(payment: *mut momo_pos_payment) {
    // SAFETY: NULL or a payment from momo_pos_payment_new, not used afterwards.
    call_void(|| unsafe { free_handle(payment) });
}

/// Checks every field rule and signs the payment: `*out` is the request to
/// POST. Keep it until the outcome is known: the only safe retry of a lost
/// answer is these exact bytes. A failed rule names its field in
/// momo_last_error_field() ("amount", "items[1].totalPrice"...).
#[no_mangle]
pub unsafe extern "C" fn momo_client_pos_request(
    client: *const momo_client,
    payment: *const momo_pos_payment,
    out: *mut *mut momo_request,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let payment = unsafe { handle(payment, "payment") }?;
        let request = client.inner.pos_request(payment.payment()?)?;
        new_handle(out, momo_request::new(request));
        Ok(())
    })
}
