//! The driver's snapshot: a versioned JSON document, separate from the
//! driver's own layout so that the driver can change without stranding the
//! payments a previous release persisted mid-flight.
//!
//! Format 2 (written today) is format 1 (0.1.0) plus the request ids, the
//! next id to hand out and the last confirm refusal. Both are read; a
//! format-1 driver's request in flight gets its id on the way in.

use serde::{Deserialize, Serialize};

use super::{Driver, DriverConfig, LogEntry, Outcome, Outgoing, SendId, State};
use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::request::{ConfirmAction, Endpoint};

/// A snapshot larger than this, in bytes, is refused before parsing
/// ([`Error::BodyTooLarge`]).
pub const MAX_SNAPSHOT_BYTES: usize = 256 * 1024;
/// The format [`write()`] produces; [`Driver::snapshot`] documents it.
const FORMAT: u32 = 2;
/// The formats [`read`] accepts: 1 (0.1.0) and 2.
const READABLE: [u32; 2] = [1, FORMAT];

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Saved {
    version: u32,
    config: DriverConfig,
    partner_code: String,
    order_id: String,
    request_id: String,
    amount: u64,
    pos: SavedRequest,
    phase: SavedPhase,
    in_flight: Option<SavedRequest>,
    next_poll_ms: Option<u64>,
    deadline_ms: u64,
    now_ms: u64,
    queries: u32,
    backoff: u32,
    pos_resends: u32,
    pos_answered: bool,
    authorized_seen: bool,
    trans_id: Option<TransId>,
    last_result_code: Option<i64>,
    /// Absent in format 1, read as `None`.
    #[serde(default)]
    confirm_refusal: Option<i64>,
    /// Format 2 on; 0 in format 1.
    #[serde(default)]
    next_send: u64,
    seen_ipns: Vec<String>,
    log: Vec<LogEntry>,
    log_dropped: u64,
}

/// A request as every driver's snapshot stores it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SavedRequest {
    /// Format 2 on; 0 in format 1.
    #[serde(default)]
    pub(crate) id: u64,
    pub(crate) endpoint: Endpoint,
    url: String,
    body: String,
    pub(crate) request_id: String,
    timeout_ms: u64,
    deadline_ms: u64,
    attempt: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(
    tag = "stage",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum SavedPhase {
    Paying,
    Authorized {
        decide_by_ms: u64,
    },
    Confirming {
        action: ConfirmAction,
        request: SavedRequest,
        sends: u32,
    },
    Done {
        outcome: Outcome,
    },
}

impl From<&Outgoing> for SavedRequest {
    fn from(r: &Outgoing) -> Self {
        Self {
            id: r.id.get(),
            endpoint: r.endpoint,
            url: r.url.clone(),
            body: r.body.clone(),
            request_id: r.request_id.clone(),
            timeout_ms: r.timeout_ms,
            deadline_ms: r.deadline_ms,
            attempt: r.attempt,
        }
    }
}

impl From<SavedRequest> for Outgoing {
    fn from(r: SavedRequest) -> Self {
        Self {
            id: SendId::from(r.id),
            endpoint: r.endpoint,
            url: r.url,
            body: r.body,
            request_id: r.request_id,
            timeout_ms: r.timeout_ms,
            deadline_ms: r.deadline_ms,
            attempt: r.attempt,
        }
    }
}

/// The two fields that say what a snapshot is, read before the rest so that
/// a refund's snapshot given to a payment's reader (or the reverse) is
/// named as such, not reported as an unknown field.
#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    kind: Option<String>,
}

/// Refuses a snapshot too large to be one of ours, or of another kind
/// (`None`: a payment's, which has no `kind`).
pub(crate) fn check_kind(text: &str, kind: Option<&str>) -> Result<()> {
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(Error::BodyTooLarge {
            size: text.len(),
            limit: MAX_SNAPSHOT_BYTES,
        });
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| Error::InvalidJson {
        reason: format!("snapshot: {e}"),
    })?;
    if probe.kind.as_deref() != kind {
        let name = |k: Option<&str>| k.unwrap_or("payment").to_owned();
        return Err(Error::InvalidState {
            reason: format!(
                "this is a {} snapshot, not a {} snapshot",
                name(probe.kind.as_deref()),
                name(kind)
            ),
        });
    }
    Ok(())
}

/// The driver as format-2 JSON.
pub(super) fn write(d: &Driver) -> Result<String> {
    let phase = match &d.state {
        State::Paying => SavedPhase::Paying,
        State::Authorized { decide_by_ms } => SavedPhase::Authorized {
            decide_by_ms: *decide_by_ms,
        },
        State::Confirming {
            action,
            request,
            sends,
        } => SavedPhase::Confirming {
            action: *action,
            request: request.into(),
            sends: *sends,
        },
        State::Done { outcome } => SavedPhase::Done {
            outcome: outcome.clone(),
        },
    };
    let saved = Saved {
        version: FORMAT,
        config: d.config.clone(),
        partner_code: d.partner_code.clone(),
        order_id: d.order_id.clone(),
        request_id: d.request_id.clone(),
        amount: d.amount,
        pos: (&d.pos).into(),
        phase,
        in_flight: d.in_flight.as_ref().map(SavedRequest::from),
        next_poll_ms: d.next_poll_ms,
        deadline_ms: d.deadline_ms,
        now_ms: d.now_ms,
        queries: d.queries,
        backoff: d.backoff,
        pos_resends: d.pos_resends,
        pos_answered: d.pos_answered,
        authorized_seen: d.authorized_seen,
        trans_id: d.trans_id.clone(),
        last_result_code: d.last_result_code,
        confirm_refusal: d.confirm_refusal,
        next_send: d.next_send,
        seen_ipns: d.seen_ipns.clone(),
        log: d.log.clone(),
        log_dropped: d.log_dropped,
    };
    serde_json::to_string(&saved).map_err(|e| Error::InvalidState {
        reason: format!("snapshot failed: {e}"),
    })
}

fn inconsistent(what: &str) -> Error {
    Error::InvalidState {
        reason: format!("snapshot is inconsistent: {what}"),
    }
}

/// A driver from format-1 or format-2 JSON, checked as far as a snapshot
/// can be: a document that is not one this library wrote is refused, never
/// resumed into a payment nobody can reason about.
pub(super) fn read(text: &str) -> Result<Driver> {
    check_kind(text, None)?;
    let mut saved: Saved = serde_json::from_str(text).map_err(|e| Error::InvalidJson {
        reason: format!("snapshot: {e}"),
    })?;
    if !READABLE.contains(&saved.version) {
        return Err(Error::InvalidState {
            reason: format!(
                "snapshot version {} is not supported (this release reads {READABLE:?})",
                saved.version
            ),
        });
    }
    saved.config.validate()?;
    if saved.version == 1 {
        number_format_1(&mut saved);
    }
    check(&saved)?;
    let state = match saved.phase {
        SavedPhase::Paying => State::Paying,
        SavedPhase::Authorized { decide_by_ms } => State::Authorized { decide_by_ms },
        SavedPhase::Confirming {
            action,
            request,
            sends,
        } => State::Confirming {
            action,
            request: request.into(),
            sends,
        },
        SavedPhase::Done { outcome } => State::Done { outcome },
    };
    Ok(Driver {
        config: saved.config,
        partner_code: saved.partner_code,
        order_id: saved.order_id,
        request_id: saved.request_id,
        amount: saved.amount,
        pos: saved.pos.into(),
        state,
        in_flight: saved.in_flight.map(Outgoing::from),
        next_poll_ms: saved.next_poll_ms,
        deadline_ms: saved.deadline_ms,
        now_ms: saved.now_ms,
        queries: saved.queries,
        backoff: saved.backoff,
        pos_resends: saved.pos_resends,
        pos_answered: saved.pos_answered,
        authorized_seen: saved.authorized_seen,
        trans_id: saved.trans_id,
        last_result_code: saved.last_result_code,
        confirm_refusal: saved.confirm_refusal,
        next_send: saved.next_send,
        seen_ipns: saved.seen_ipns,
        log: saved.log,
        log_dropped: saved.log_dropped,
    })
}

/// Format 1 had no request ids: the request in flight becomes #1 (the
/// confirm it may be, too), the rest #0, which is never in flight.
fn number_format_1(saved: &mut Saved) {
    if let Some(request) = saved.in_flight.as_mut() {
        request.id = 1;
        if let SavedPhase::Confirming {
            request: confirm, ..
        } = &mut saved.phase
        {
            if request.endpoint == Endpoint::Confirm {
                confirm.id = 1;
            }
        }
    }
    saved.next_send = 2;
}

fn check(s: &Saved) -> Result<()> {
    if s.pos.endpoint != Endpoint::Pos || s.pos.request_id != s.request_id {
        return Err(inconsistent("the pos request is not this payment's"));
    }
    if let Some(request) = &s.in_flight {
        if request.id == 0 || request.id >= s.next_send {
            return Err(inconsistent(
                "the request in flight has an id never handed out",
            ));
        }
        let fits = match &s.phase {
            SavedPhase::Paying => matches!(request.endpoint, Endpoint::Pos | Endpoint::Query),
            SavedPhase::Confirming { .. } => {
                matches!(request.endpoint, Endpoint::Confirm | Endpoint::Query)
            }
            SavedPhase::Authorized { .. } | SavedPhase::Done { .. } => false,
        };
        if !fits {
            return Err(inconsistent(
                "a request is in flight that the payment's stage never sends",
            ));
        }
    }
    if let SavedPhase::Confirming { request, sends, .. } = &s.phase {
        if request.endpoint != Endpoint::Confirm || *sends == 0 {
            return Err(inconsistent("the confirm request is not a confirm"));
        }
    }
    Ok(())
}
