//! What the host feeds the driver ([`Event`]) and what the driver asks the
//! host to do ([`Action`]).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Outcome;
use crate::ipn::Notification;
use crate::request::{ConfirmAction, Endpoint, SignedRequest, CONTENT_TYPE};

/// Names one hand-out of a request: the host gives it back with what became
/// of that request, so that an answer is only ever applied to the request
/// it answers. Unique within one payment (a resend of the same bytes gets a
/// new one); opaque apart from its number, which fits in 53 bits for JS.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SendId(u64);

impl SendId {
    /// The number, for a host that stores it or passes it through C or JS.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for SendId {
    fn from(n: u64) -> Self {
        Self(n)
    }
}

impl fmt::Display for SendId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A request the host must POST, kept byte for byte so that a resend after
/// a lost answer or a restart is the *same* request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Outgoing {
    pub(crate) id: SendId,
    pub(crate) endpoint: Endpoint,
    pub(crate) url: String,
    pub(crate) body: String,
    pub(crate) request_id: String,
    pub(crate) timeout_ms: u64,
    pub(crate) deadline_ms: u64,
    pub(crate) attempt: u32,
}

impl Outgoing {
    pub(crate) fn new(id: SendId, request: &SignedRequest, timeout_ms: u64, now: u64) -> Self {
        Self {
            id,
            endpoint: request.endpoint(),
            url: request.url().to_owned(),
            body: request.body_str().to_owned(),
            request_id: request.request_id().to_owned(),
            timeout_ms,
            deadline_ms: now.saturating_add(timeout_ms),
            attempt: 1,
        }
    }

    /// The same bytes, handed out again under a new id.
    pub(crate) fn again(&self, id: SendId, now: u64) -> Self {
        Self {
            id,
            deadline_ms: now.saturating_add(self.timeout_ms),
            attempt: self.attempt.saturating_add(1),
            ..self.clone()
        }
    }

    /// The id to hand back with this request's answer, timeout or network
    /// error.
    pub fn id(&self) -> SendId {
        self.id
    }

    /// Which call this is: the pos request, a status query or a confirm.
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

    /// The `requestId` in the body: the pos payment's own for a pos
    /// request, one derived from it (`…-q1`, `…-c`) for a query or a confirm.
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

    /// Handed out again after a restore: a new id, a fresh deadline.
    pub(crate) fn renew(&mut self, id: SendId, now: u64) {
        self.id = id;
        self.deadline_ms = now.saturating_add(self.timeout_ms);
    }
}

/// What the host should do now. Ask again after every event.
///
/// `Send` stays the answer until what became of that request is reported:
/// a host that asks again meanwhile (say, after an IPN) recognises a request
/// it already performed by its [`Outgoing::id`] and does not send it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action<'a> {
    /// Persist the snapshot, then POST this request and report what came of
    /// it, with its id: [`Event::Response`], [`Event::Timeout`] or
    /// [`Event::NetworkError`].
    Send(&'a Outgoing),
    /// Nothing to send before this time (host clock, ms): feed
    /// [`Event::Tick`] then, or earlier when an IPN arrives.
    Wait {
        /// Host-clock milliseconds to feed [`Event::Tick`] at: the next status
        /// query's time, or the stage's deadline.
        until_ms: u64,
    },
    /// The payment is authorized (9000): ask the merchant, then call
    /// [`Driver::decide`](super::Driver::decide). Tick at `until_ms` if no
    /// decision came: `default` applies then.
    Decide {
        /// Host-clock milliseconds when the decision window
        /// ([`DriverConfig::decision_window_ms`](super::DriverConfig::decision_window_ms))
        /// closes.
        until_ms: u64,
        /// What happens if nobody decides.
        default: ConfirmAction,
    },
    /// Finished. Only a verified IPN can still change an `unknown` outcome.
    Done(&'a Outcome),
}

/// What happened, as the host saw it. The events about a request name it
/// by the [`SendId`] it was handed out with; one for a request that is no
/// longer in flight (an answer that came after its timeout, or after an IPN
/// moved the payment on) is journaled as stale and changes nothing.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A request got an HTTP answer.
    Response {
        /// The [`Outgoing::id`] of the request this answers.
        id: SendId,
        /// The HTTP status code, journaled only: the driver steers by the
        /// body's `resultCode` (MoMo answers a duplicate in progress with 422).
        status: u16,
        /// The raw body as received.
        body: &'a [u8],
    },
    /// A request got no answer within its timeout.
    Timeout {
        /// The [`Outgoing::id`] of the request that got no answer.
        id: SendId,
    },
    /// A request failed below HTTP (DNS, connect, TLS, reset). It may or
    /// may not have reached MoMo.
    NetworkError {
        /// The [`Outgoing::id`] of the request that failed.
        id: SendId,
    },
    /// A notification the host received and verified with
    /// [`Client::verify_ipn`](crate::Client::verify_ipn).
    Ipn(&'a Notification),
    /// No news, only the time: lets the driver act on a due status query, an
    /// answer past its deadline, a closed decision window or the payment's
    /// deadline. Feed it at [`Action::Wait`]'s or [`Action::Decide`]'s
    /// `until_ms`.
    Tick,
}

impl Event<'_> {
    /// The request this event is about, if it is about one.
    pub fn send_id(&self) -> Option<SendId> {
        match self {
            Self::Response { id, .. } | Self::Timeout { id } | Self::NetworkError { id } => {
                Some(*id)
            }
            Self::Ipn(_) | Self::Tick => None,
        }
    }
}
