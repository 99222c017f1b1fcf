//! `POST /v2/gateway/api/query`: a transaction's status by orderId.

use serde::Serialize;

use super::{seal, Endpoint, SignedBody, SignedRequest};
use crate::client::Client;
use crate::error::Result;
use crate::lang::Lang;
use crate::rules::{check_order_id, check_request_id, check_unambiguous};
use crate::signature::RawSignature;

const SIGNED_KEYS: [&str; 4] = ["accessKey", "orderId", "partnerCode", "requestId"];

/// A status query for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusQuery {
    order_id: String,
    request_id: String,
    lang: Option<Lang>,
}

impl StatusQuery {
    /// Queries `order_id`; `request_id` identifies this query (a fresh one per query).
    pub fn new(order_id: impl Into<String>, request_id: impl Into<String>) -> Self {
        Self {
            order_id: order_id.into(),
            request_id: request_id.into(),
            lang: None,
        }
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

    /// The `orderId` of the payment asked about, as given to
    /// [`StatusQuery::new`]; checked only when signed.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The query's own `requestId` (1 to 50 characters), not the payment's:
    /// a fresh one per query.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    pub(crate) fn sign(&self, client: &Client) -> Result<SignedRequest> {
        check_order_id(&self.order_id)?;
        check_request_id(&self.request_id)?;
        check_unambiguous("requestId", &self.request_id, &SIGNED_KEYS)?;
        let body = QueryBody {
            partner_code: client.credentials().partner_code(),
            request_id: &self.request_id,
            order_id: &self.order_id,
            lang: self.lang.unwrap_or(client.lang()),
            signature: String::new(),
        };
        seal(
            client,
            Endpoint::Query,
            body,
            &self.order_id,
            &self.request_id,
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QueryBody<'a> {
    partner_code: &'a str,
    request_id: &'a str,
    order_id: &'a str,
    lang: Lang,
    signature: String,
}

impl SignedBody for QueryBody<'_> {
    fn raw_signature(&self, access_key: &str) -> RawSignature {
        RawSignature::with_capacity(128)
            .field("accessKey", access_key)
            .field("orderId", self.order_id)
            .field("partnerCode", self.partner_code)
            .field("requestId", self.request_id)
    }

    fn set_signature(&mut self, signature: String) {
        self.signature = signature;
    }
}
