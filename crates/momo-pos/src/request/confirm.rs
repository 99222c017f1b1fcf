//! `POST /v2/gateway/api/confirm`: capture or cancel an authorized payment
//! (result 9000, sent with `autoCapture=false`).

use std::fmt;

use serde::Serialize;

use super::{seal, Endpoint, SignedBody, SignedRequest};
use crate::client::Client;
use crate::error::Result;
use crate::lang::Lang;
use crate::rules::{check_order_id, check_request_id, check_text, check_unambiguous};
use crate::signature::RawSignature;

const SIGNED_KEYS: [&str; 7] = [
    "accessKey",
    "amount",
    "description",
    "orderId",
    "partnerCode",
    "requestId",
    "requestType",
];

/// What to do with an authorized payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfirmAction {
    /// Take the money (`capture`).
    Capture,
    /// Release the hold (`cancel`).
    Cancel,
}

impl ConfirmAction {
    /// `"capture"` or `"cancel"`, as sent in `requestType`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Capture => "capture",
            Self::Cancel => "cancel",
        }
    }
}

crate::str_names::serde_via_str!(ConfirmAction, parse);

impl fmt::Display for ConfirmAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ConfirmAction {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "capture" => Ok(Self::Capture),
            "cancel" => Ok(Self::Cancel),
            _ => Err(crate::Error::invalid(
                "requestType",
                "must be \"capture\" or \"cancel\"",
            )),
        }
    }
}

/// A confirm call for one authorized order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    order_id: String,
    request_id: String,
    amount: u64,
    action: ConfirmAction,
    description: String,
    lang: Option<Lang>,
}

impl Confirm {
    /// Captures or cancels `amount` VND held for `order_id`: MoMo's "amount
    /// on hold", the pos payment's amount; `request_id` is this call's own.
    pub fn new(
        order_id: impl Into<String>,
        request_id: impl Into<String>,
        amount: u64,
        action: ConfirmAction,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            request_id: request_id.into(),
            amount,
            action,
            description: String::new(),
            lang: None,
        }
    }

    /// `description`: the reason, for MoMo (useful for a cancel); signed,
    /// as `description=` when empty (the default). At most 1,024 bytes, no
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

    /// The `orderId` of the authorized payment (the pos request's).
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The confirm call's own `requestId`, not the pos request's: MoMo's
    /// idempotency key for this call, reused by any resend of it.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Sent, and signed, as `requestType`.
    pub fn action(&self) -> ConfirmAction {
        self.action
    }

    pub(crate) fn sign(&self, client: &Client) -> Result<SignedRequest> {
        check_order_id(&self.order_id)?;
        check_request_id(&self.request_id)?;
        client.amount_limits().check(self.amount)?;
        check_text("description", &self.description)?;
        check_unambiguous("requestId", &self.request_id, &SIGNED_KEYS)?;
        check_unambiguous("description", &self.description, &SIGNED_KEYS)?;
        let body = ConfirmBody {
            partner_code: client.credentials().partner_code(),
            request_id: &self.request_id,
            order_id: &self.order_id,
            request_type: self.action,
            amount: self.amount,
            lang: self.lang.unwrap_or(client.lang()),
            description: &self.description,
            signature: String::new(),
        };
        seal(
            client,
            Endpoint::Confirm,
            body,
            &self.order_id,
            &self.request_id,
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfirmBody<'a> {
    partner_code: &'a str,
    request_id: &'a str,
    order_id: &'a str,
    request_type: ConfirmAction,
    amount: u64,
    lang: Lang,
    description: &'a str,
    signature: String,
}

impl SignedBody for ConfirmBody<'_> {
    fn raw_signature(&self, access_key: &str) -> RawSignature {
        RawSignature::with_capacity(192)
            .field("accessKey", access_key)
            .field("amount", &self.amount.to_string())
            .field("description", self.description)
            .field("orderId", self.order_id)
            .field("partnerCode", self.partner_code)
            .field("requestId", self.request_id)
            .field("requestType", self.request_type.as_str())
    }

    fn set_signature(&mut self, signature: String) {
        self.signature = signature;
    }
}
