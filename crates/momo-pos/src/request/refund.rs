//! `POST /v2/gateway/api/refund`: give back all or part of a successful
//! payment.

use serde::Serialize;

use super::{seal, Endpoint, SignedBody, SignedRequest};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::lang::Lang;
use crate::rules::{
    check_order_id, check_request_id, check_required_text, check_text, check_unambiguous,
};
use crate::signature::RawSignature;

const SIGNED_KEYS: [&str; 7] = [
    "accessKey",
    "amount",
    "description",
    "orderId",
    "partnerCode",
    "requestId",
    "transId",
];

/// A refund of one successful payment, named by MoMo's `transId` of that
/// payment. The refund is an order of its own: its `orderId` must be new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    order_id: String,
    request_id: String,
    amount: u64,
    trans_id: TransId,
    description: String,
    lang: Option<Lang>,
    sub_partner_code: Option<String>,
    payment_order_id: Option<String>,
}

impl Refund {
    /// Refunds `amount` VND of the payment MoMo numbered `trans_id`.
    /// `order_id` is the refund's own, new orderId (not the payment's);
    /// `request_id` is MoMo's idempotency key for this refund: every resend
    /// of it must reuse it.
    pub fn new(
        order_id: impl Into<String>,
        request_id: impl Into<String>,
        amount: u64,
        trans_id: TransId,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            request_id: request_id.into(),
            amount,
            trans_id,
            description: String::new(),
            lang: None,
            sub_partner_code: None,
            payment_order_id: None,
        }
    }

    /// `description`: the reason, shown to the shopper; signed, as
    /// `description=` when empty (the default). At most 1,024 bytes, no
    /// control characters, no `&key=` of a signed key.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Language of MoMo's message (defaults to the client's).
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Sets or clears (`None`) what [`Self::with_lang`] sets.
    pub fn set_lang(&mut self, lang: Option<Lang>) -> &mut Self {
        self.lang = lang;
        self
    }

    /// `subPartnerCode`, for a master merchant refunding for a sub-merchant.
    #[must_use]
    pub fn with_sub_partner_code(mut self, code: impl Into<String>) -> Self {
        self.sub_partner_code = Some(code.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_sub_partner_code`] sets.
    pub fn set_sub_partner_code(&mut self, code: Option<String>) -> &mut Self {
        self.sub_partner_code = code;
        self
    }

    /// The payment's own orderId, not sent: signing then fails if the
    /// refund's orderId is the same (MoMo needs a new one per refund).
    #[must_use]
    pub fn with_payment_order_id(mut self, order_id: impl Into<String>) -> Self {
        self.payment_order_id = Some(order_id.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_payment_order_id`] sets.
    pub fn set_payment_order_id(&mut self, order_id: Option<String>) -> &mut Self {
        self.payment_order_id = order_id;
        self
    }

    /// The refund's own `orderId`.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The refund's `requestId`: MoMo's idempotency key for it.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// VND to give back.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// MoMo's `transId` of the payment refunded.
    pub fn trans_id(&self) -> &TransId {
        &self.trans_id
    }

    /// The payment's orderId, when given with [`Self::with_payment_order_id`].
    pub fn payment_order_id(&self) -> Option<&str> {
        self.payment_order_id.as_deref()
    }

    pub(crate) fn sign(&self, client: &Client) -> Result<SignedRequest> {
        check_order_id(&self.order_id)?;
        if self.payment_order_id.as_deref() == Some(self.order_id.as_str()) {
            return Err(Error::invalid(
                "orderId",
                "is the payment's orderId; a refund needs a new orderId of its own",
            ));
        }
        check_request_id(&self.request_id)?;
        client.refund_limits().check(self.amount)?;
        // MoMo's transId is a Java long: more digits cannot name a payment.
        let trans_id = self
            .trans_id
            .as_u64()
            .filter(|&n| i64::try_from(n).is_ok())
            .ok_or_else(|| {
                Error::invalid(
                    "transId",
                    "does not fit MoMo's transId (a 64-bit signed number)",
                )
            })?;
        check_text("description", &self.description)?;
        check_unambiguous("requestId", &self.request_id, &SIGNED_KEYS)?;
        check_unambiguous("description", &self.description, &SIGNED_KEYS)?;
        if let Some(code) = &self.sub_partner_code {
            check_required_text("subPartnerCode", code)?;
        }
        let body = RefundBody {
            partner_code: client.credentials().partner_code(),
            sub_partner_code: self.sub_partner_code.as_deref(),
            order_id: &self.order_id,
            request_id: &self.request_id,
            amount: self.amount,
            trans_id,
            lang: self.lang.unwrap_or(client.lang()),
            description: &self.description,
            signature: String::new(),
        };
        seal(
            client,
            Endpoint::Refund,
            body,
            &self.order_id,
            &self.request_id,
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefundBody<'a> {
    partner_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_partner_code: Option<&'a str>,
    order_id: &'a str,
    request_id: &'a str,
    amount: u64,
    /// A JSON number, as MoMo's `Long`; signed with the same digits.
    trans_id: u64,
    lang: Lang,
    description: &'a str,
    signature: String,
}

impl SignedBody for RefundBody<'_> {
    fn raw_signature(&self, access_key: &str) -> RawSignature {
        RawSignature::with_capacity(192)
            .field("accessKey", access_key)
            .field("amount", &self.amount.to_string())
            .field("description", self.description)
            .field("orderId", self.order_id)
            .field("partnerCode", self.partner_code)
            .field("requestId", self.request_id)
            .field("transId", &self.trans_id.to_string())
    }

    fn set_signature(&mut self, signature: String) {
        self.signature = signature;
    }
}
