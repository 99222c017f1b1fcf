//! MoMo's answers to the pos, query, confirm and refund calls.
//!
//! MoMo documents these answers without a signature, and live query answers
//! have been seen with `"signature": null`. When a signature is present it is
//! verified (over the documented answer fields, a–z after `accessKey`, the
//! rule MoMo uses for notifications); when it is absent the answer is
//! reported as [`Authenticity::Unsigned`], never as verified.

use serde::{Deserialize, Serialize};

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::json::Object;
use crate::request::SignedRequest;
use crate::result_code::{explain, ResultCodeInfo};
use crate::verify::{check_signature, Kind};

/// Whether an answer's origin was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Authenticity {
    /// It carried a signature, and the signature is valid.
    Verified,
    /// It carried no signature (absent or `null`): it came over TLS from
    /// MoMo's host, but nothing in it proves that.
    Unsigned,
}

/// A parsed answer and whether its signature was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Response<T> {
    /// The answer's fields as MoMo sent them; tie them to your request with
    /// [`Answer::check_request`] (through [`Response::answer`]).
    pub body: T,
    /// Verified or unsigned. An invalid signature is an error, not a value.
    pub authenticity: Authenticity,
}

/// Fields common to every answer. All but `resultCode` may be absent in
/// error answers, so they are optional (`message` is `""` then). One of
/// them present with another JSON type, `null` included, makes parsing fail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Answer {
    /// `partnerCode`: [`Answer::check_request`] checks it is the request's.
    pub partner_code: Option<String>,
    /// `orderId` the answer is about; checked by [`Answer::check_request`].
    pub order_id: Option<String>,
    /// `requestId` of the request answered (a query's own, not the
    /// payment's); checked by [`Answer::check_request`].
    pub request_id: Option<String>,
    /// `amount` in VND, not checked by [`Answer::check_request`] (the
    /// driver refuses a 0 or 9000 answer for another amount).
    pub amount: Option<u64>,
    /// MoMo's transaction id (exact digits).
    pub trans_id: Option<TransId>,
    /// `responseTime`: when MoMo answered, epoch milliseconds of MoMo's clock.
    pub response_time: Option<u64>,
    /// Result code; see [`Answer::result`].
    pub result_code: i64,
    /// MoMo's `message` in the request's `lang`, for people: steer by
    /// `result_code`, never by this text.
    pub message: String,
}

impl Answer {
    fn parse(o: &Object<'_>) -> Result<Self> {
        Ok(Self {
            partner_code: o.opt_str("partnerCode")?,
            order_id: o.opt_str("orderId")?,
            request_id: o.opt_str("requestId")?,
            amount: o.opt_u64("amount")?,
            trans_id: o.opt_digits("transId")?.map(TransId::from_digits),
            response_time: o.opt_u64("responseTime")?,
            result_code: o.i64("resultCode")?,
            message: o.opt_str("message")?.unwrap_or_default(),
        })
    }

    /// What the result code means and what to do next.
    pub fn result(&self) -> ResultCodeInfo {
        explain(self.result_code)
    }

    /// Checks that this answers `request`: same partnerCode, orderId and
    /// requestId wherever the answer states them (error answers may not).
    pub fn check_request(&self, request: &SignedRequest) -> Result<()> {
        self.check_ids(
            request.partner_code(),
            request.order_id(),
            request.request_id(),
        )
    }

    /// [`Answer::check_request`] from the ids alone, for callers that keep
    /// the request's bytes rather than the [`SignedRequest`] (the driver).
    pub(crate) fn check_ids(
        &self,
        partner_code: &str,
        order_id: &str,
        request_id: &str,
    ) -> Result<()> {
        check_answer_ids(
            [
                self.partner_code.as_deref(),
                self.order_id.as_deref(),
                self.request_id.as_deref(),
            ],
            [partner_code, order_id, request_id],
        )
    }
}

/// [`Answer::check_request`] for a caller that holds neither value, only
/// their ids (the JS bridge, given back the plain objects it handed out):
/// `answered` and `sent` are each `[partnerCode, orderId, requestId]`; an id
/// the answer leaves out (`None`) is not compared.
pub fn check_answer_ids(answered: [Option<&str>; 3], sent: [&str; 3]) -> Result<()> {
    let fields = ["partnerCode", "orderId", "requestId"];
    for ((field, answered), sent) in fields.into_iter().zip(answered).zip(sent) {
        if let Some(answered) = answered.filter(|a| *a != sent) {
            return Err(Error::mismatch(field, sent, answered));
        }
    }
    Ok(())
}

impl<T: AsRef<Answer>> Response<T> {
    /// The fields every answer has.
    pub fn answer(&self) -> &Answer {
        self.body.as_ref()
    }

    /// What the result code means and what to do next.
    pub fn result(&self) -> ResultCodeInfo {
        self.answer().result()
    }
}

macro_rules! answer_ref {
    ($($ty:ty),*) => {$(
        impl AsRef<Answer> for $ty {
            fn as_ref(&self) -> &Answer {
                &self.answer
            }
        }
    )*};
}
answer_ref!(PosAnswer, QueryAnswer, ConfirmAnswer, RefundAnswer);

/// Answer to `/v2/gateway/api/pos`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PosAnswer {
    /// The fields every answer has; a pos answer has no others.
    #[serde(flatten)]
    pub answer: Answer,
}

/// Answer to `/v2/gateway/api/query`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QueryAnswer {
    /// The fields every answer has; `transId` and `amount` are the payment's.
    #[serde(flatten)]
    pub answer: Answer,
    /// The `extraData` of the payment.
    pub extra_data: Option<String>,
    /// Payment method (`""` when there was no payment).
    pub pay_type: Option<String>,
    /// Account or card used: `momo`, `pay_later`.
    pub payment_option: Option<String>,
    /// `refundTrans`, the payment's refunds, as the raw JSON MoMo sent;
    /// [`QueryAnswer::refunds`] reads it.
    pub refund_trans: Option<String>,
    /// Vouchers applied, as the raw JSON MoMo sent.
    pub promotion_info: Option<String>,
}

impl QueryAnswer {
    /// `refundTrans` read: the payment's refunds in MoMo's order (empty when
    /// absent or `null`). Read on demand, so that a list MoMo malformed
    /// does not make the rest of the answer unreadable; errors name the
    /// entry (`refundTrans[0].amount`).
    pub fn refunds(&self) -> Result<Vec<RefundTrans>> {
        match &self.refund_trans {
            None => Ok(Vec::new()),
            Some(raw) => crate::input::from_json(raw, "refundTrans"),
        }
    }

    /// The entry of `refundTrans` for the refund with this `orderId` (MoMo
    /// lists a refund under the refund's own orderId): how the fate of a
    /// refund whose answer was lost is learned.
    pub fn refund(&self, refund_order_id: &str) -> Result<Option<RefundTrans>> {
        Ok(self
            .refunds()?
            .into_iter()
            .find(|r| r.order_id == refund_order_id))
    }
}

/// One refund of a payment, as a status query's `refundTrans` lists it.
/// Keys MoMo may add are ignored; the four below are required. The body
/// passed this crate's reader first, so its size, depth and duplicate keys
/// are already checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundTrans {
    /// The refund's own orderId (the refund request's).
    pub order_id: String,
    /// VND refunded (or being refunded).
    pub amount: u64,
    /// The refund's result: 0 refunded, 7000/7002 still in progress.
    pub result_code: i64,
    /// MoMo's transId of the refund (not the payment's), exact digits.
    #[serde(deserialize_with = "crate::input::trans_id")]
    pub trans_id: TransId,
    /// `createdTime`, epoch milliseconds of MoMo's clock, when given.
    #[serde(default)]
    pub created_time: Option<u64>,
}

/// Answer to `/v2/gateway/api/refund`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RefundAnswer {
    /// The fields every answer has: `orderId` and `requestId` are the
    /// refund's, `transId` is the refund's own transId, `amount` the amount
    /// refunded.
    #[serde(flatten)]
    pub answer: Answer,
}

/// Answer to `/v2/gateway/api/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConfirmAnswer {
    /// The fields every answer has; `amount` is the amount on hold.
    #[serde(flatten)]
    pub answer: Answer,
    /// `requestType` as MoMo echoed it (`capture` or `cancel`), not checked
    /// against the request; `None` when absent or `null`.
    pub request_type: Option<String>,
}

const POS_SIGNED: [(&str, Kind); 8] = [
    ("amount", Kind::Digits),
    ("message", Kind::Text),
    ("orderId", Kind::Text),
    ("partnerCode", Kind::Text),
    ("requestId", Kind::Text),
    ("responseTime", Kind::Digits),
    ("resultCode", Kind::Integer),
    ("transId", Kind::Digits),
];

const QUERY_SIGNED: [(&str, Kind); 10] = [
    ("amount", Kind::Digits),
    ("extraData", Kind::Text),
    ("message", Kind::Text),
    ("orderId", Kind::Text),
    ("partnerCode", Kind::Text),
    ("payType", Kind::Text),
    ("requestId", Kind::Text),
    ("responseTime", Kind::Digits),
    ("resultCode", Kind::Integer),
    ("transId", Kind::Digits),
];

const CONFIRM_SIGNED: [(&str, Kind); 9] = [
    ("amount", Kind::Digits),
    ("message", Kind::Text),
    ("orderId", Kind::Text),
    ("partnerCode", Kind::Text),
    ("requestId", Kind::Text),
    ("requestType", Kind::Text),
    ("responseTime", Kind::Digits),
    ("resultCode", Kind::Integer),
    ("transId", Kind::Digits),
];

fn authenticity(
    o: &Object<'_>,
    credentials: &Credentials,
    signed: &[(&str, Kind)],
) -> Result<Authenticity> {
    match o.nullable_str("signature")? {
        None => Ok(Authenticity::Unsigned),
        Some(signature) => {
            check_signature(o, credentials, signed, &signature)?;
            Ok(Authenticity::Verified)
        }
    }
}

pub(crate) fn parse_pos(credentials: &Credentials, body: &[u8]) -> Result<Response<PosAnswer>> {
    let o = Object::parse(body)?;
    let authenticity = authenticity(&o, credentials, &POS_SIGNED)?;
    Ok(Response {
        body: PosAnswer {
            answer: Answer::parse(&o)?,
        },
        authenticity,
    })
}

pub(crate) fn parse_query(credentials: &Credentials, body: &[u8]) -> Result<Response<QueryAnswer>> {
    let o = Object::parse(body)?;
    let authenticity = authenticity(&o, credentials, &QUERY_SIGNED)?;
    let raw_list = |field| match o.raw_value(field) {
        None | Some("null") => None,
        Some(raw) => Some(raw.to_owned()),
    };
    Ok(Response {
        body: QueryAnswer {
            answer: Answer::parse(&o)?,
            extra_data: o.nullable_str("extraData")?,
            pay_type: o.nullable_str("payType")?,
            payment_option: o.nullable_str("paymentOption")?,
            refund_trans: raw_list("refundTrans"),
            promotion_info: raw_list("promotionInfo"),
        },
        authenticity,
    })
}

pub(crate) fn parse_confirm(
    credentials: &Credentials,
    body: &[u8],
) -> Result<Response<ConfirmAnswer>> {
    let o = Object::parse(body)?;
    let authenticity = authenticity(&o, credentials, &CONFIRM_SIGNED)?;
    Ok(Response {
        body: ConfirmAnswer {
            answer: Answer::parse(&o)?,
            request_type: o.nullable_str("requestType")?,
        },
        authenticity,
    })
}

pub(crate) fn parse_refund(
    credentials: &Credentials,
    body: &[u8],
) -> Result<Response<RefundAnswer>> {
    let o = Object::parse(body)?;
    // The same fields as a pos answer: MoMo documents no signature for
    // either, and verifies a present one over what the answer carries.
    let authenticity = authenticity(&o, credentials, &POS_SIGNED)?;
    Ok(Response {
        body: RefundAnswer {
            answer: Answer::parse(&o)?,
        },
        authenticity,
    })
}
