//! What the host feeds the driver ([`Event`]) and what the driver asks the
//! host to do ([`Action`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Outcome;
use crate::ipn::Notification;
use crate::request::{ConfirmAction, Endpoint, SignedRequest, CONTENT_TYPE};

/// A request the host must POST, kept byte for byte so that a resend after
/// a lost answer or a restart is the *same* request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Outgoing {
    endpoint: Endpoint,
    url: String,
    body: String,
    request_id: String,
    timeout_ms: u64,
    deadline_ms: u64,
    attempt: u32,
}

impl Outgoing {
    pub(crate) fn new(request: &SignedRequest, timeout_ms: u64, now: u64) -> Self {
        Self {
            endpoint: request.endpoint(),
            url: request.url().to_owned(),
            body: request.body_str().to_owned(),
            request_id: request.request_id().to_owned(),
            timeout_ms,
            deadline_ms: now.saturating_add(timeout_ms),
            attempt: 1,
        }
    }

    /// The same bytes, handed out again.
    pub(crate) fn again(&self, now: u64) -> Self {
        Self {
            deadline_ms: now.saturating_add(self.timeout_ms),
            attempt: self.attempt.saturating_add(1),
            ..self.clone()
        }
    }

    /// Which call this is.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// Where to POST it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The exact body to send.
    pub fn body(&self) -> &[u8] {
        self.body.as_bytes()
    }

    /// The body as text (it is JSON, hence UTF-8).
    pub fn body_str(&self) -> &str {
        &self.body
    }

    /// Headers to send with it.
    pub fn headers(&self) -> [(&'static str, &'static str); 1] {
        [("Content-Type", CONTENT_TYPE)]
    }

    /// This request's `requestId`.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The HTTP timeout to use (at least 30 s).
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// When the driver counts the answer as lost, host clock milliseconds.
    pub fn deadline_ms(&self) -> u64 {
        self.deadline_ms
    }

    /// 1 for the first time these bytes are handed out, 2 for the first resend...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub(crate) fn refresh_deadline(&mut self, now: u64) {
        self.deadline_ms = now.saturating_add(self.timeout_ms);
    }
}

/// What the host should do now. Ask again after every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action<'a> {
    /// Persist the snapshot, then POST this request and report what came of
    /// it: [`Event::Response`], [`Event::Timeout`] or [`Event::NetworkError`].
    Send(&'a Outgoing),
    /// Nothing to send before this time (host clock, ms): feed
    /// [`Event::Tick`] then, or earlier when an IPN arrives.
    Wait {
        /// When to tick.
        until_ms: u64,
    },
    /// The payment is authorized (9000): ask the merchant, then call
    /// [`Driver::decide`](super::Driver::decide). Tick at `until_ms` if no
    /// decision came: `default` applies then.
    Decide {
        /// Deadline for the decision.
        until_ms: u64,
        /// What happens if nobody decides.
        default: ConfirmAction,
    },
    /// Finished. Only a verified IPN can still change an `unknown` outcome.
    Done(&'a Outcome),
}

/// What happened, as the host saw it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The request last handed out got an HTTP answer.
    Response {
        /// HTTP status.
        status: u16,
        /// The raw body as received.
        body: &'a [u8],
    },
    /// The request last handed out got no answer within its timeout.
    Timeout,
    /// The request last handed out failed below HTTP (DNS, connect, TLS,
    /// reset). It may or may not have reached MoMo.
    NetworkError,
    /// A notification the host received and verified with
    /// [`Client::verify_ipn`](crate::Client::verify_ipn).
    Ipn(&'a Notification),
    /// Time passed.
    Tick,
}
