//! The refund driver's snapshot: versioned JSON of its own (`"kind":
//! "refund"`), so that it can never be mistaken for a payment's.

use serde::{Deserialize, Serialize};

use super::{RefundConfig, RefundDriver, RefundOutcome};
use crate::driver::snapshot::{check_kind, SavedRequest};
use crate::driver::{LogEntry, Outgoing};
use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::request::Endpoint;

/// The format [`write`] produces.
const FORMAT: u32 = 1;
const KIND: &str = "refund";

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Saved {
    kind: String,
    version: u32,
    config: RefundConfig,
    partner_code: String,
    payment_order_id: String,
    payment_trans_id: TransId,
    order_id: String,
    request_id: String,
    amount: u64,
    refund: SavedRequest,
    sends: u32,
    in_flight: Option<SavedRequest>,
    next_poll_ms: Option<u64>,
    deadline_ms: u64,
    now_ms: u64,
    queries: u32,
    last_result_code: Option<i64>,
    outcome: Option<RefundOutcome>,
    next_send: u64,
    log: Vec<LogEntry>,
    log_dropped: u64,
}

pub(super) fn write(d: &RefundDriver) -> Result<String> {
    let saved = Saved {
        kind: KIND.into(),
        version: FORMAT,
        config: d.config.clone(),
        partner_code: d.partner_code.clone(),
        payment_order_id: d.payment_order_id.clone(),
        payment_trans_id: d.payment_trans_id.clone(),
        order_id: d.order_id.clone(),
        request_id: d.request_id.clone(),
        amount: d.amount,
        refund: (&d.refund).into(),
        sends: d.sends,
        in_flight: d.in_flight.as_ref().map(SavedRequest::from),
        next_poll_ms: d.next_poll_ms,
        deadline_ms: d.deadline_ms,
        now_ms: d.now_ms,
        queries: d.queries,
        last_result_code: d.last_result_code,
        outcome: d.outcome.clone(),
        next_send: d.next_send,
        log: d.log.clone(),
        log_dropped: d.log_dropped,
    };
    serde_json::to_string(&saved).map_err(|e| Error::InvalidState {
        reason: format!("snapshot failed: {e}"),
    })
}

fn inconsistent(what: &str) -> Error {
    Error::InvalidState {
        reason: format!("refund snapshot is inconsistent: {what}"),
    }
}

pub(super) fn read(text: &str) -> Result<RefundDriver> {
    check_kind(text, Some(KIND))?;
    let saved: Saved = serde_json::from_str(text).map_err(|e| Error::InvalidJson {
        reason: format!("snapshot: {e}"),
    })?;
    if saved.version != FORMAT {
        return Err(Error::InvalidState {
            reason: format!(
                "refund snapshot version {} is not supported (this release reads [{FORMAT}])",
                saved.version
            ),
        });
    }
    saved.config.validate()?;
    check(&saved)?;
    Ok(RefundDriver {
        config: saved.config,
        partner_code: saved.partner_code,
        payment_order_id: saved.payment_order_id,
        payment_trans_id: saved.payment_trans_id,
        order_id: saved.order_id,
        request_id: saved.request_id,
        amount: saved.amount,
        refund: saved.refund.into(),
        sends: saved.sends,
        in_flight: saved.in_flight.map(Outgoing::from),
        next_poll_ms: saved.next_poll_ms,
        deadline_ms: saved.deadline_ms,
        now_ms: saved.now_ms,
        queries: saved.queries,
        last_result_code: saved.last_result_code,
        outcome: saved.outcome,
        next_send: saved.next_send,
        log: saved.log,
        log_dropped: saved.log_dropped,
    })
}

fn check(s: &Saved) -> Result<()> {
    if s.refund.endpoint != Endpoint::Refund || s.refund.request_id != s.request_id {
        return Err(inconsistent("the refund request is not this refund's"));
    }
    if s.sends == 0 || s.sends > s.config.max_refund_sends {
        return Err(inconsistent("the refund was sent more often than allowed"));
    }
    if let Some(request) = &s.in_flight {
        if request.id == 0 || request.id >= s.next_send {
            return Err(inconsistent(
                "the request in flight has an id never handed out",
            ));
        }
        if !matches!(request.endpoint, Endpoint::Refund | Endpoint::Query) || s.outcome.is_some() {
            return Err(inconsistent(
                "a request is in flight that a refund never sends",
            ));
        }
    }
    Ok(())
}
