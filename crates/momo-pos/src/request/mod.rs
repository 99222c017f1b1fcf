//! Signed requests for the pos payment, the status query, the confirm call
//! and the refund.
//!
//! Each message is one private body struct: the raw signature is computed
//! from that struct's fields and the JSON body is that same struct
//! serialized, so what is signed and what is sent cannot drift apart.

mod confirm;
mod pos;
mod query;
mod refund;

use std::time::Duration;

use serde::Serialize;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::signature::RawSignature;

pub use confirm::{Confirm, ConfirmAction};
pub use pos::{Item, PosPayment, UserInfo};
pub use query::StatusQuery;
pub use refund::Refund;

/// MoMo documents that every call needs a client timeout of at least 30 s.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The `Content-Type` MoMo expects on every call.
pub const CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// MoMo's endpoints this SDK signs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v2/gateway/api/pos`: charge a scanned payment code.
    Pos,
    /// `POST /v2/gateway/api/query`: ask for a transaction's status.
    Query,
    /// `POST /v2/gateway/api/confirm`: capture or cancel an authorization.
    Confirm,
    /// `POST /v2/gateway/api/refund`: give back a successful payment.
    Refund,
}

impl Endpoint {
    /// Stable name (`pos`, `query`, `confirm`, `refund`), shared by every
    /// binding.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pos => "pos",
            Self::Query => "query",
            Self::Confirm => "confirm",
            Self::Refund => "refund",
        }
    }

    /// The path below the base URL.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Pos => "/v2/gateway/api/pos",
            Self::Query => "/v2/gateway/api/query",
            Self::Confirm => "/v2/gateway/api/confirm",
            Self::Refund => "/v2/gateway/api/refund",
        }
    }
}

crate::str_names::serde_via_str!(Endpoint, parse);

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Endpoint {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "pos" => Ok(Self::Pos),
            "query" => Ok(Self::Query),
            "confirm" => Ok(Self::Confirm),
            "refund" => Ok(Self::Refund),
            _ => Err(Error::invalid(
                "endpoint",
                "must be \"pos\", \"query\", \"confirm\" or \"refund\"",
            )),
        }
    }
}

/// A request ready to send: the host POSTs [`SignedRequest::body`] to
/// [`SignedRequest::url`] with [`SignedRequest::headers`] and a timeout of at
/// least [`SignedRequest::timeout`].
///
/// Keep it (or its bytes) until the outcome is known: if the answer is lost,
/// the only safe retry is these exact bytes, because a rebuilt pos request
/// carries a fresh RSA ciphertext and is a different request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    endpoint: Endpoint,
    url: String,
    body: Vec<u8>,
    raw_signature: String,
    signature: String,
    partner_code: String,
    order_id: String,
    request_id: String,
}

impl SignedRequest {
    /// Which call this is; [`SignedRequest::url`] already
    /// ends with its path.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// The path below the base URL, e.g. `/v2/gateway/api/pos`.
    pub fn path(&self) -> &'static str {
        self.endpoint.path()
    }

    /// The full URL: the client's [`Environment`](crate::Environment) base
    /// URL and the endpoint's path.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The exact JSON body to send, as UTF-8 bytes.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (it is always valid UTF-8).
    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_default()
    }

    /// Headers to send with the body.
    pub fn headers(&self) -> [(&'static str, &'static str); 1] {
        [("Content-Type", CONTENT_TYPE)]
    }

    /// The minimum client timeout MoMo documents (30 s).
    pub fn timeout(&self) -> Duration {
        MIN_TIMEOUT
    }

    /// The `k1=v1&…` text that was signed. It contains the accessKey but no
    /// secret; compare it with MoMo's when a signature is refused (result 20).
    pub fn raw_signature(&self) -> &str {
        &self.raw_signature
    }

    /// The body's `signature`: HMAC-SHA256 of [`SignedRequest::raw_signature`]
    /// under the secretKey, 64 lowercase hex characters.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The partnerCode the request was signed for.
    pub fn partner_code(&self) -> &str {
        &self.partner_code
    }

    /// The `orderId` in the body: for a query or a confirm, the payment's;
    /// for a refund, the refund's own.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The `requestId` in the body: MoMo's idempotency key, which it keeps
    /// at least 31 days per merchant account.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
}

/// A request body that knows its signed fields.
pub(crate) trait SignedBody: Serialize {
    /// The raw signature text built from this body's own fields.
    fn raw_signature(&self, access_key: &str) -> RawSignature;
    fn set_signature(&mut self, signature: String);
}

/// Signs a body and serializes the very same struct.
pub(crate) fn seal<B: SignedBody>(
    client: &Client,
    endpoint: Endpoint,
    mut body: B,
    order_id: &str,
    request_id: &str,
) -> Result<SignedRequest> {
    let credentials = client.credentials();
    let raw = body.raw_signature(credentials.access_key());
    let signature = raw.sign(credentials.mac());
    body.set_signature(signature.clone());
    let bytes = serde_json::to_vec(&body).map_err(|e| Error::InvalidJson {
        reason: e.to_string(),
    })?;
    Ok(SignedRequest {
        endpoint,
        url: format!("{}{}", client.environment().base_url(), endpoint.path()),
        body: bytes,
        raw_signature: raw.into_string(),
        signature,
        partner_code: credentials.partner_code().to_owned(),
        order_id: order_id.to_owned(),
        request_id: request_id.to_owned(),
    })
}
