//! MoMo's payment notification (IPN), verified from the raw body.
//!
//! Verification works on the bytes exactly as received: a parse and
//! re-serialise can change number text and escapes and break the check.
//! Answer MoMo with HTTP 204 within 15 s once [`crate::Client::verify_ipn`]
//! succeeds and the order matches your records ([`Notification::check_order`]);
//! MoMo may deliver a notification late, or twice ([`Notification::dedupe_key`]).

use std::fmt;

use serde::Serialize;

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::json::Object;
use crate::result_code::{explain, ResultCodeInfo};
use crate::rules::check_order_id;
use crate::verify::{check_signature, Kind};

/// MoMo's transaction id: exact decimal digits, which may exceed 2^53 and so
/// must never pass through a float (a JavaScript `number`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TransId(String);

impl TransId {
    /// The digits as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id as a number, if it fits in a u64.
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }

    pub(crate) fn from_digits(digits: &str) -> Self {
        Self(digits.to_owned())
    }
}

/// Digits as the host stored them (say, from a database column or a JS
/// string): 1 to 32 ASCII digits, nothing else.
impl std::str::FromStr for TransId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        if s.is_empty() || s.len() > 32 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("transId", "must be 1 to 32 digits"));
        }
        Ok(Self(s.to_owned()))
    }
}

impl From<u64> for TransId {
    fn from(n: u64) -> Self {
        Self(n.to_string())
    }
}

/// Restores a snapshot's transId, refusing anything but 1 to 32 digits.
impl<'de> serde::Deserialize<'de> for TransId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if text.is_empty() || text.len() > 32 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom("transId must be 1 to 32 digits"));
        }
        Ok(Self(text.into_owned()))
    }
}

impl fmt::Display for TransId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What identifies one transaction across MoMo's deliveries: store it and
/// ignore a notification whose key was already processed.
///
/// It leaves `resultCode` out: should MoMo notify both an authorization
/// (9000) and its capture, the two share one key (the
/// [`driver`](crate::driver) dedupes on the key and the result code).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DedupeKey {
    /// The notification's `partnerCode`, which equals the client's.
    pub partner_code: String,
    /// The notification's `orderId`; it matches MoMo's orderId pattern, so
    /// never contains `|`.
    pub order_id: String,
    /// The `requestId` of the pos request that started the payment.
    pub request_id: String,
    /// MoMo's `transId` of the transaction, exact digits.
    pub trans_id: TransId,
}

impl fmt::Display for DedupeKey {
    /// `partnerCode|orderId|requestId|transId`; `|` cannot occur in an
    /// orderId, so the text is unambiguous for database keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}|{}|{}|{}",
            self.partner_code, self.order_id, self.request_id, self.trans_id
        )
    }
}

/// A verified payment notification: every field but `partner_user_id` was
/// covered by its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Notification {
    /// Merchant; checked against the client's partnerCode.
    pub partner_code: String,
    /// The merchant's order reference; [`Notification::check_order`]
    /// compares it with your record.
    pub order_id: String,
    /// The requestId of the pos request.
    pub request_id: String,
    /// The amount MoMo handled, in VND: compare it with the order's
    /// ([`Notification::check_order`]) before trusting the result.
    pub amount: u64,
    /// The order description that was sent.
    pub order_info: String,
    /// MoMo's `orderType`: `momo_wallet` for Quick Pay.
    pub order_type: String,
    /// MoMo's `transId`, exact digits (may exceed 2^53): the id a refund
    /// names.
    pub trans_id: TransId,
    /// Result code; see [`Notification::result`].
    pub result_code: i64,
    /// MoMo's message in the request's language.
    pub message: String,
    /// `pos` for Quick Pay.
    pub pay_type: String,
    /// When MoMo answered, epoch milliseconds.
    pub response_time: u64,
    /// The `extraData` that was sent.
    pub extra_data: String,
    /// MoMo's id of the shopper's wallet (not signed).
    pub partner_user_id: Option<String>,
}

impl Notification {
    /// What the result code means and what to do next.
    pub fn result(&self) -> ResultCodeInfo {
        explain(self.result_code)
    }

    /// Whether the payment succeeded (result 0).
    pub fn is_paid(&self) -> bool {
        self.result_code == 0
    }

    /// The key to deduplicate deliveries with.
    pub fn dedupe_key(&self) -> DedupeKey {
        DedupeKey {
            partner_code: self.partner_code.clone(),
            order_id: self.order_id.clone(),
            request_id: self.request_id.clone(),
            trans_id: self.trans_id.clone(),
        }
    }

    /// Checks the notification against the merchant's own record of the
    /// order, as MoMo requires before answering 204.
    pub fn check_order(&self, order_id: &str, amount: u64) -> Result<()> {
        if self.order_id != order_id {
            return Err(Error::mismatch("orderId", order_id, &self.order_id));
        }
        if self.amount != amount {
            return Err(Error::mismatch("amount", amount, self.amount));
        }
        Ok(())
    }
}

/// The IPN's signed fields, a–z after `accessKey`.
const SIGNED: [(&str, Kind); 12] = [
    ("amount", Kind::Digits),
    ("extraData", Kind::Text),
    ("message", Kind::Text),
    ("orderId", Kind::Text),
    ("orderInfo", Kind::Text),
    ("orderType", Kind::Text),
    ("partnerCode", Kind::Text),
    ("payType", Kind::Text),
    ("requestId", Kind::Text),
    ("responseTime", Kind::Digits),
    ("resultCode", Kind::Integer),
    ("transId", Kind::Digits),
];

/// Verifies an IPN body and returns the notification it carries.
pub(crate) fn verify(credentials: &Credentials, body: &[u8]) -> Result<Notification> {
    let o = Object::parse(body)?;
    let signature = o.str("signature")?;
    check_signature(&o, credentials, &SIGNED, &signature)?;

    // Authentic; now make sure it is about this merchant.
    let partner_code = o.str("partnerCode")?;
    if partner_code != credentials.partner_code() {
        return Err(Error::mismatch(
            "partnerCode",
            credentials.partner_code(),
            partner_code,
        ));
    }
    // MoMo only accepts orderIds of this pattern, so an authentic one
    // matches it; checking keeps `DedupeKey`'s text form unambiguous.
    let order_id = o.str("orderId")?;
    check_order_id(&order_id)?;
    Ok(Notification {
        partner_code,
        order_id,
        request_id: o.str("requestId")?,
        amount: o.u64("amount")?,
        order_info: o.str("orderInfo")?,
        order_type: o.str("orderType")?,
        trans_id: TransId::from_digits(o.digits("transId")?),
        // Absent is an error here, not success: nothing upstream may be
        // relied on to have required it.
        result_code: o.i64("resultCode")?,
        message: o.str("message")?,
        pay_type: o.str("payType")?,
        response_time: o.u64("responseTime")?,
        extra_data: o.str("extraData")?,
        partner_user_id: o.nullable_str("partnerUserId")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IPN without `resultCode` is an error naming it, never a 0.
    #[test]
    fn an_ipn_without_result_code_is_refused() {
        let creds = Credentials::new(crate::CredentialFields {
            partner_code: "MOMO",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        })
        .unwrap();
        let body = momo_pos_testkit::ipn_body(0, 50_000, 1);
        assert!(verify(&creds, body.as_bytes()).is_ok());
        let without = body.replace("\"resultCode\":0,", "");
        assert_ne!(without, body);
        let err = verify(&creds, without.as_bytes()).unwrap_err();
        assert_eq!(err.field(), Some("resultCode"));
    }

    /// A snapshot's transId is 1 to 32 ASCII digits, nothing else: a
    /// restored driver must not carry text MoMo never sent.
    #[test]
    fn trans_id_from_a_snapshot_is_checked() {
        let read = |json: &str| serde_json::from_str::<TransId>(json).map(|id| id.0);
        assert_eq!(read("\"4088878653\"").ok().as_deref(), Some("4088878653"));
        let longest = "9".repeat(32);
        assert_eq!(read(&format!("\"{longest}\"")).ok(), Some(longest));
        for bad in ["\"\"", "\"12a\"", "\"-1\"", "\"1 \"", "\"x\""] {
            assert!(read(bad).is_err(), "{bad}");
        }
        assert!(read(&format!("\"{}\"", "9".repeat(33))).is_err());
    }
}
