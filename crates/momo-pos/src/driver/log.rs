//! The driver's journal: every transition with the host's timestamp, so a
//! till can show the cashier what is happening and support can read later
//! what happened. It travels inside the snapshot.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Outcome, SendId};
use crate::ipn::TransId;
use crate::refund::RefundOutcome;
use crate::request::{ConfirmAction, Endpoint};
use crate::result_code::explain;

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogEntry {
    /// Host clock, epoch milliseconds: the latest time the host gave, so
    /// never earlier than the entry before (a clock that went back is not
    /// followed).
    pub at_ms: u64,
    /// What happened; its `Display` is one line of English for the till
    /// or the logs.
    #[serde(flatten)]
    pub event: LogEvent,
}

/// Who chose capture or cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum DecidedBy {
    /// The host called [`Driver::decide`](super::Driver::decide) in time.
    Merchant,
    /// [`DriverConfig::on_undecided`](super::DriverConfig::on_undecided),
    /// when the decision window closed.
    Default,
}

/// What happened. Entries marked by [`LogEvent::is_anomaly`] deserve a
/// look from support even when the payment ended well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum LogEvent {
    /// Written once, first, by [`Driver::start`](super::Driver::start).
    Started {
        /// The pos requestId (MoMo's idempotency key for this payment).
        request_id: String,
        /// The payment's amount in VND.
        amount: u64,
    },
    /// A request became the one in flight and is handed to the host (a
    /// resend of the same bytes too).
    Send {
        /// The id the host hands back with its answer (0 in journals of
        /// format-1 snapshots, which had none).
        #[serde(default)]
        id: SendId,
        /// The call handed out (`pos`, `query` or `confirm` in the JSON).
        endpoint: Endpoint,
        /// The `requestId` in its body: the payment's for `pos`, one derived
        /// from it for a query or a confirm.
        request_id: String,
        /// 1 the first time these exact bytes go out.
        attempt: u32,
    },
    /// A usable answer to the request in flight (this payment's, this
    /// request's, signature valid or absent), written before it steers.
    Answer {
        /// The call answered.
        endpoint: Endpoint,
        /// The answer's `resultCode`; [`explain`] tells what it means.
        result_code: i64,
        /// The HTTP status the host reported; journaled only, the body steers.
        status: u16,
        /// Whether the answer carried a valid signature.
        signed: bool,
    },
    /// An answer that could not be used; counted as lost.
    BadAnswer {
        /// The call whose answer could not be used.
        endpoint: Endpoint,
        /// The HTTP status the host reported.
        status: u16,
        /// The error, as the core reported it (no secrets, no body).
        error: String,
    },
    /// No answer within the timeout: the host reported
    /// [`Event::Timeout`](super::Event::Timeout), or an event came after the
    /// request's deadline.
    Timeout {
        /// The call that got no answer.
        endpoint: Endpoint,
    },
    /// The host reported [`Event::NetworkError`](super::Event::NetworkError).
    NetworkError {
        /// The call that failed.
        endpoint: Endpoint,
    },
    /// A status query was scheduled for later (none is written when it is
    /// due at once).
    Wait {
        /// Milliseconds from this entry's `at_ms` to `until_ms`: the poll
        /// delay, cut short at the stage's deadline.
        delay_ms: u64,
        /// Host-clock milliseconds when the query is due.
        until_ms: u64,
    },
    /// A verified IPN for this payment was taken into account.
    Ipn {
        /// The notification's `resultCode`.
        result_code: i64,
        /// The notification's `transId`, exact digits.
        trans_id: TransId,
    },
    /// A verified IPN that changes nothing (a repeat, or one after the end).
    IpnIgnored {
        /// The ignored notification's `resultCode`.
        result_code: i64,
        /// Why it changes nothing, in English (`repeat delivery`, `the payment
        /// already ended paid`); not a stable text to match on.
        why: String,
    },
    /// A verified IPN that does not match this payment: not applied.
    IpnMismatch {
        /// The field that differs: `orderId`, `requestId`, `amount` or `partnerCode`.
        field: String,
    },
    /// Authorized (9000): a capture or cancel decision is needed.
    Authorized,
    /// Capture or cancel was chosen.
    Decided {
        /// What the confirm call will ask for, as its `requestType`.
        action: ConfirmAction,
        /// The merchant, or the default when the decision window closed.
        by: DecidedBy,
    },
    /// A host event that did not fit: a clock that went back (the driver
    /// keeps its latest time). Journals from 0.1 snapshots also hold answers
    /// that came with nothing in flight, which are [`LogEvent::Stale`] now.
    Ignored {
        /// English, for people (`the clock went back by 1500 ms`); not a
        /// stable text to match on.
        what: String,
    },
    /// MoMo said something that contradicts what it said before.
    Conflict {
        /// English, for support (`IPN says 1006 after the payment ended
        /// paid`); not a stable text to match on.
        what: String,
    },
    /// An answer, timeout or network error for a request that is no longer
    /// in flight (it timed out, or the payment moved on): changes nothing.
    Stale {
        /// The request it is about.
        id: SendId,
        /// What arrived: `an HTTP 200 answer`, `a timeout` or `a network
        /// error`.
        what: String,
    },
    /// The driver was restored from a snapshot.
    Restored {
        /// The call that was in flight and is asked for again, same bytes.
        resend: Option<Endpoint>,
    },
    /// Written once, first, by
    /// [`RefundDriver::start`](crate::refund::RefundDriver::start).
    RefundStarted {
        /// The refund's requestId (MoMo's idempotency key for it).
        request_id: String,
        /// VND to give back.
        amount: u64,
        /// The payment's transId.
        trans_id: TransId,
    },
    /// What a status query of the payment said about a refund.
    Evidence {
        /// English, for support (`MoMo lists no refund R1`); not a stable
        /// text to match on.
        what: String,
    },
    /// The refund reached its outcome.
    RefundSettled {
        /// The outcome.
        outcome: RefundOutcome,
    },
    /// The payment reached an outcome (or a better-known one).
    Settled {
        /// The outcome now; only an `unknown` one can be followed by another
        /// `Settled` (a verified IPN's final word).
        outcome: Outcome,
    },
}

/// Journal entries kept; older ones (but the first) are dropped and counted.
const MAX_LOG: usize = 256;

/// Appends to a bounded journal: the first entry (how it started) stays.
pub(crate) fn append(log: &mut Vec<LogEntry>, dropped: &mut u64, at_ms: u64, event: LogEvent) {
    if log.len() >= MAX_LOG {
        log.remove(1.min(log.len() - 1));
        *dropped = dropped.saturating_add(1);
    }
    log.push(LogEntry { at_ms, event });
}

impl LogEvent {
    /// The entry for a request handed to the host.
    pub(crate) fn sent(request: &super::Outgoing) -> Self {
        Self::Send {
            id: request.id(),
            endpoint: request.endpoint(),
            request_id: request.request_id().to_owned(),
            attempt: request.attempt(),
        }
    }

    /// True for what support should look at: a mismatched IPN, a
    /// contradiction, an unusable answer.
    pub fn is_anomaly(&self) -> bool {
        matches!(
            self,
            Self::IpnMismatch { .. } | Self::Conflict { .. } | Self::BadAnswer { .. }
        )
    }
}

impl fmt::Display for LogEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Started { request_id, amount } => {
                write!(f, "start payment requestId={request_id} amount={amount}")
            }
            Self::Send {
                id,
                endpoint,
                request_id,
                attempt,
            } => {
                write!(f, "-> send {id} {endpoint} requestId={request_id}")?;
                if *attempt > 1 {
                    write!(f, " (same bytes, attempt {attempt})")?;
                }
                Ok(())
            }
            Self::Answer {
                endpoint,
                result_code,
                status,
                signed,
            } => write!(
                f,
                "<- {endpoint} answer {result_code} ({}) HTTP {status}{}",
                explain(*result_code).message_en,
                if *signed { ", signed" } else { "" }
            ),
            Self::BadAnswer {
                endpoint,
                status,
                error,
            } => write!(
                f,
                "<- {endpoint} HTTP {status}: unusable answer ({error}); counted as lost"
            ),
            Self::Timeout { endpoint } => write!(f, "<- {endpoint}: no answer (timeout)"),
            Self::NetworkError { endpoint } => write!(f, "<- {endpoint}: network error"),
            Self::Wait { delay_ms, .. } => write!(
                f,
                ".. wait {}.{:03} s before the next status query",
                delay_ms / 1000,
                delay_ms % 1000
            ),
            Self::Ipn {
                result_code,
                trans_id,
            } => write!(f, "<- IPN {result_code} transId={trans_id}"),
            Self::IpnIgnored { result_code, why } => {
                write!(f, "<- IPN {result_code} ignored: {why}")
            }
            Self::IpnMismatch { field } => {
                write!(f, "<- IPN NOT applied: {field} does not match this payment")
            }
            Self::Authorized => f.write_str("authorized (9000): capture or cancel"),
            Self::Decided { action, by } => write!(
                f,
                "{action} chosen by {}",
                match by {
                    DecidedBy::Merchant => "the merchant",
                    DecidedBy::Default => "default (no decision in time)",
                }
            ),
            Self::Ignored { what } => write!(f, "ignored: {what}"),
            Self::Stale { id, what } => {
                write!(f, "<- {what} for {id}, no longer in flight: ignored")
            }
            Self::Conflict { what } => write!(f, "CONFLICT: {what}"),
            Self::Restored { resend: None } => f.write_str("restored from snapshot"),
            Self::Restored {
                resend: Some(endpoint),
            } => write!(
                f,
                "restored from snapshot: the {endpoint} request in flight goes again (same bytes)"
            ),
            Self::Settled { outcome } => write!(f, "== {outcome}"),
            Self::RefundStarted {
                request_id,
                amount,
                trans_id,
            } => write!(
                f,
                "start refund requestId={request_id} amount={amount} of transId {trans_id}"
            ),
            Self::Evidence { what } => write!(f, "evidence: {what}"),
            Self::RefundSettled { outcome } => write!(f, "== {outcome}"),
        }
    }
}
