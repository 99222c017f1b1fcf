//! `momo_response`: MoMo's answer to a pos, query, confirm or refund call,
//! parsed and, when it carries a signature, verified.

use std::ffi::c_char;
use std::sync::OnceLock;

use super::buffer::{momo_str, CText};
use super::client::momo_client;
use super::guard::{call, call_void, Failure};
use super::input::{bytes, free_handle, handle, new_handle, read, text, Out};
use super::request::momo_request;
use super::result::momo_result;
use momo::{
    Answer, Authenticity, ConfirmAnswer, PosAnswer, QueryAnswer, RefundAnswer, RefundTrans,
    Response,
};

/// Whether an answer's origin was proven: one of the MOMO_AUTHENTICITY_*
/// values.
pub type momo_authenticity = u32;
/// No signature (absent or null), as MoMo documents these answers: it came
/// over TLS from MoMo's host, but nothing in it proves that.
pub const MOMO_AUTHENTICITY_UNSIGNED: momo_authenticity = 0;
/// It carried a signature and the signature is valid. (An invalid one is
/// an error, never a value.)
pub const MOMO_AUTHENTICITY_VERIFIED: momo_authenticity = 1;

#[derive(Debug)]
enum Parsed {
    Pos(Response<PosAnswer>),
    Query(Response<QueryAnswer>),
    Confirm(Response<ConfirmAnswer>),
    Refund(Response<RefundAnswer>),
}

/// A parsed answer. Immutable: may be read from several threads. Free it
/// with momo_response_free().
#[derive(Debug)]
pub struct momo_response {
    parsed: Parsed,
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
    trans_id: CText,
    message: CText,
    extra_data: CText,
    pay_type: CText,
    payment_option: CText,
    refund_trans: CText,
    promotion_info: CText,
    request_type: CText,
    // refundTrans read, once it was read successfully.
    refunds: OnceLock<Box<[Refunded]>>,
}

/// One entry of refundTrans, with the NUL-terminated copies of its texts.
#[derive(Debug)]
struct Refunded {
    entry: RefundTrans,
    order_id: CText,
    trans_id: CText,
}

impl Refunded {
    fn c(&self) -> momo_refund_trans {
        momo_refund_trans {
            order_id: self.order_id.view(&self.entry.order_id),
            amount: self.entry.amount,
            result_code: self.entry.result_code,
            trans_id: self.trans_id.view(self.entry.trans_id.as_str()),
            has_created_time: self.entry.created_time.is_some(),
            created_time: self.entry.created_time.unwrap_or(0),
        }
    }
}

impl momo_response {
    fn texts(&self) -> &Texts {
        self.texts.get_or_init(Box::default)
    }

    fn new(parsed: Parsed) -> Self {
        Self {
            parsed,
            texts: OnceLock::new(),
        }
    }

    fn answer(&self) -> &Answer {
        match &self.parsed {
            Parsed::Pos(r) => r.answer(),
            Parsed::Query(r) => r.answer(),
            Parsed::Confirm(r) => r.answer(),
            Parsed::Refund(r) => r.answer(),
        }
    }

    fn authenticity(&self) -> Authenticity {
        match &self.parsed {
            Parsed::Pos(r) => r.authenticity,
            Parsed::Query(r) => r.authenticity,
            Parsed::Confirm(r) => r.authenticity,
            Parsed::Refund(r) => r.authenticity,
        }
    }

    fn query(&self) -> Option<&QueryAnswer> {
        match &self.parsed {
            Parsed::Query(r) => Some(&r.body),
            _ => None,
        }
    }

    /// refundTrans of a query answer, read once: MOMO_RESULT_ABSENT for
    /// another answer, the core's error (naming the entry) for a list MoMo
    /// malformed, which is read again on every call.
    fn refunds(&self) -> Result<&[Refunded], Failure> {
        let cache = &self.texts().refunds;
        if let Some(list) = cache.get() {
            return Ok(list);
        }
        let query = self.query().ok_or_else(|| absent("refundTrans"))?;
        let list = query.refunds()?;
        Ok(cache.get_or_init(|| {
            list.into_iter()
                .map(|entry| Refunded {
                    entry,
                    order_id: CText::default(),
                    trans_id: CText::default(),
                })
                .collect()
        }))
    }
}

/// One refund of a payment, as a status query's refundTrans lists it
/// (momo_response_refund_get(), momo_response_refund_find()). `order_id`
/// and `trans_id` are NUL-terminated views owned by the momo_response,
/// valid until it is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_refund_trans {
    /// The refund's own orderId (the refund request's, not the payment's).
    pub order_id: momo_str,
    /// VND refunded (or being refunded).
    pub amount: u64,
    /// The refund's result: 0 refunded, 7000/7002 still in progress,
    /// another code refused (explain it with momo_result_code_explain()).
    pub result_code: i64,
    /// MoMo's transId of the refund (not the payment's), exact digits.
    pub trans_id: momo_str,
    /// Whether `created_time` holds MoMo's createdTime.
    pub has_created_time: bool,
    /// createdTime, epoch milliseconds of MoMo's clock (0 when absent).
    pub created_time: u64,
}

fn absent(field: &'static str) -> Failure {
    Failure::boundary(
        momo_result::MOMO_RESULT_ABSENT,
        field,
        "is absent from this answer",
    )
}

/// Parses `body` with `parse` into a new handle: the shape of the three
/// parse functions.
///
/// # Safety
/// Documented handle, pointer + length and out-pointer contracts.
unsafe fn parse(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_response,
    parse: fn(&momo::Client, &[u8]) -> momo::Result<Parsed>,
) -> momo_result {
    call(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let body = unsafe { bytes(body, body_len, "body") }?;
        new_handle(out, momo_response::new(parse(&client.inner, body)?));
        Ok(())
    })
}

/// Parses the answer to a pos request (raw HTTP body). A signature, when
/// present, is verified: a wrong one is MOMO_RESULT_SIGNATURE_MISMATCH.
#[no_mangle]
pub unsafe extern "C" fn momo_client_parse_pos_response(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_response,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        parse(client, body, body_len, out, |c, b| {
            c.parse_pos_response(b).map(Parsed::Pos)
        })
    }
}

/// Parses the answer to a status query (raw HTTP body).
#[no_mangle]
pub unsafe extern "C" fn momo_client_parse_query_response(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_response,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        parse(client, body, body_len, out, |c, b| {
            c.parse_query_response(b).map(Parsed::Query)
        })
    }
}

/// Parses the answer to a confirm call (raw HTTP body).
#[no_mangle]
pub unsafe extern "C" fn momo_client_parse_confirm_response(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_response,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        parse(client, body, body_len, out, |c, b| {
            c.parse_confirm_response(b).map(Parsed::Confirm)
        })
    }
}

/// Parses the answer to a refund (raw HTTP body): orderId and requestId
/// are the refund's, momo_response_trans_id() is the refund's own transId
/// and momo_response_amount() the amount refunded. A signature, when
/// present, is verified as for a pos answer.
#[no_mangle]
pub unsafe extern "C" fn momo_client_parse_refund_response(
    client: *const momo_client,
    body: *const u8,
    body_len: usize,
    out: *mut *mut momo_response,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        parse(client, body, body_len, out, |c, b| {
            c.parse_refund_response(b).map(Parsed::Refund)
        })
    }
}

/// Checks that the answer is about `request`: same partnerCode, orderId
/// and requestId wherever the answer states them (MOMO_RESULT_FIELD_MISMATCH
/// otherwise).
#[no_mangle]
pub unsafe extern "C" fn momo_response_check_request(
    response: *const momo_response,
    request: *const momo_request,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle contracts.
        let response = unsafe { handle(response, "response") }?;
        let request = unsafe { handle(request, "request") }?;
        response.answer().check_request(&request.inner)?;
        Ok(())
    })
}

/// MOMO_AUTHENTICITY_VERIFIED or MOMO_AUTHENTICITY_UNSIGNED.
#[no_mangle]
pub unsafe extern "C" fn momo_response_authenticity(
    response: *const momo_response,
    out: *mut momo_authenticity,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(response, "response", out, |r| {
            Ok(match r.authenticity() {
                Authenticity::Verified => MOMO_AUTHENTICITY_VERIFIED,
                // Anything not shown verified is treated as unproven.
                _ => MOMO_AUTHENTICITY_UNSIGNED,
            })
        })
    }
}

/// resultCode. Explain it with momo_result_code_explain().
#[no_mangle]
pub unsafe extern "C" fn momo_response_result_code(
    response: *const momo_response,
    out: *mut i64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read(response, "response", out, |r| Ok(r.answer().result_code)) }
}

/// amount in VND; MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_amount(
    response: *const momo_response,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(response, "response", out, |r| {
            r.answer().amount.ok_or_else(|| absent("amount"))
        })
    }
}

/// responseTime (epoch ms); MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_response_time(
    response: *const momo_response,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(response, "response", out, |r| {
            r.answer()
                .response_time
                .ok_or_else(|| absent("responseTime"))
        })
    }
}

/// Reads one optional text: the shape shared by the text accessors.
///
/// # Safety
/// Documented handle and out-pointer contracts.
unsafe fn get(
    response: *const momo_response,
    out: *mut momo_str,
    cache: fn(&Texts) -> &CText,
    field: &'static str,
    pick: fn(&momo_response) -> Option<&str>,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        read(response, "response", out, |r| {
            let text = pick(r).ok_or_else(|| absent(field))?;
            Ok(cache(r.texts()).view(text))
        })
    }
}

/// MoMo's message ("" when the answer has none).
#[no_mangle]
pub unsafe extern "C" fn momo_response_message(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.message,
            "message",
            |r| Some(&r.answer().message),
        )
    }
}

/// partnerCode; MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_partner_code(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.partner_code,
            "partnerCode",
            |r| r.answer().partner_code.as_deref(),
        )
    }
}

/// orderId; MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_order_id(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.order_id,
            "orderId",
            |r| r.answer().order_id.as_deref(),
        )
    }
}

/// requestId; MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_request_id(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.request_id,
            "requestId",
            |r| r.answer().request_id.as_deref(),
        )
    }
}

/// transId as exact digits; MOMO_RESULT_ABSENT when the answer has none.
#[no_mangle]
pub unsafe extern "C" fn momo_response_trans_id(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.trans_id,
            "transId",
            |r| r.answer().trans_id.as_ref().map(|t| t.as_str()),
        )
    }
}

/// extraData of a query answer; MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_extra_data(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.extra_data,
            "extraData",
            |r| r.query()?.extra_data.as_deref(),
        )
    }
}

/// payType of a query answer; MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_pay_type(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.pay_type,
            "payType",
            |r| r.query()?.pay_type.as_deref(),
        )
    }
}

/// paymentOption of a query answer ("momo", "pay_later");
/// MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_payment_option(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.payment_option,
            "paymentOption",
            |r| r.query()?.payment_option.as_deref(),
        )
    }
}

/// refundTrans of a query answer, as the raw JSON MoMo sent;
/// MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_refund_trans(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.refund_trans,
            "refundTrans",
            |r| r.query()?.refund_trans.as_deref(),
        )
    }
}

/// promotionInfo of a query answer, as the raw JSON MoMo sent;
/// MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_promotion_info(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.promotion_info,
            "promotionInfo",
            |r| r.query()?.promotion_info.as_deref(),
        )
    }
}

/// requestType of a confirm answer ("capture", "cancel");
/// MOMO_RESULT_ABSENT otherwise.
#[no_mangle]
pub unsafe extern "C" fn momo_response_request_type(
    response: *const momo_response,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        get(
            response,
            out,
            |t| &t.request_type,
            "requestType",
            |r| match &r.parsed {
                Parsed::Confirm(c) => c.body.request_type.as_deref(),
                _ => None,
            },
        )
    }
}

/// How many refunds the refundTrans of a query answer lists, read as typed
/// entries (0 when MoMo sent none or null); MOMO_RESULT_ABSENT for another
/// answer. A list MoMo malformed is the error of its first bad entry,
/// naming it ("refundTrans[1].amount"); the raw text stays readable with
/// momo_response_refund_trans().
#[no_mangle]
pub unsafe extern "C" fn momo_response_refund_count(
    response: *const momo_response,
    out_count: *mut usize,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read(response, "response", out_count, |r| Ok(r.refunds()?.len())) }
}

/// The refundTrans entry `index` (0-based, in MoMo's order), as
/// momo_response_refund_count() reads the list; MOMO_RESULT_INVALID_ARGUMENT
/// past the end. The views in `*out` are owned by `response`.
#[no_mangle]
pub unsafe extern "C" fn momo_response_refund_get(
    response: *const momo_response,
    index: usize,
    out: *mut momo_refund_trans,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read(response, "response", out, |r| {
            let list = r.refunds()?;
            list.get(index).map(Refunded::c).ok_or_else(|| {
                Failure::boundary(
                    momo_result::MOMO_RESULT_INVALID_ARGUMENT,
                    "index",
                    format!("{index} is past the {} refunds listed", list.len()),
                )
            })
        })
    }
}

/// The refundTrans entry of the refund whose own orderId is `order_id`
/// (MoMo lists a refund under the refund's orderId): how the fate of a
/// refund whose answer was lost is learned. MOMO_RESULT_ABSENT when the
/// list has no such refund (or the answer is not a query's). The views in
/// `*out` are owned by `response`.
#[no_mangle]
pub unsafe extern "C" fn momo_response_refund_find(
    response: *const momo_response,
    order_id: *const c_char,
    order_id_len: usize,
    out: *mut momo_refund_trans,
) -> momo_result {
    // SAFETY: documented handle, pointer + length and out-pointer contracts.
    unsafe {
        read(response, "response", out, |r| {
            let order_id = text(order_id, order_id_len, "order_id")?;
            let list = r.refunds()?;
            list.iter()
                .find(|e| e.entry.order_id == order_id)
                .map(Refunded::c)
                .ok_or_else(|| {
                    Failure::boundary(
                        momo_result::MOMO_RESULT_ABSENT,
                        "refundTrans",
                        format!("lists no refund {order_id:?}"),
                    )
                })
        })
    }
}

/// Releases a response. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_response_free(response: *mut momo_response) {
    // SAFETY: NULL or a response from this library, not used afterwards.
    call_void(|| unsafe { free_handle(response) });
}
