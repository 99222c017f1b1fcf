//! What the driver asks the host to do: momo_driver_next_action() and the
//! readers of the current action (momo_driver_send(), the wait and decide
//! deadlines, the outcome). A reader of another kind of action than the
//! current one fails with MOMO_RESULT_INVALID_STATE.
//!
//! Texts (url, body, requestId, transId, description) are NUL-terminated
//! views owned by the driver, valid until the next event, tick or decision
//! fed to it (even one that fails) or until it is freed.

use std::ffi::CStr;

use super::{momo_driver, read_driver, Views};
use crate::buffer::{momo_str, static_view};
use crate::guard::Failure;
use crate::request::{confirm_action_value, momo_confirm_action, CONTENT_TYPE_C};
use crate::result::momo_result;
use momo::driver::{Action, Driver, Outcome, Outgoing, UnknownReason};
use momo::{ConfirmAction, Endpoint};

/// What the host should do now: one of the MOMO_ACTION_* values. 0 is never
/// one, so a zeroed variable is not mistaken for an action.
pub type momo_action_kind = u32;
/// Persist momo_driver_snapshot(), then read the request with
/// momo_driver_send(), POST its body to its url and report the result with
/// its id: momo_driver_on_response(), momo_driver_on_timeout() or
/// momo_driver_on_network_error().
pub const MOMO_ACTION_SEND: momo_action_kind = 1;
/// Nothing to send before momo_driver_wait_until_ms(): call momo_driver_tick()
/// then, or earlier when a verified IPN arrives (momo_driver_on_ipn()).
pub const MOMO_ACTION_WAIT: momo_action_kind = 2;
/// Authorized (9000): ask the merchant, then momo_driver_decide(). Tick at
/// momo_driver_decide_until_ms() if nobody decided: the default applies.
pub const MOMO_ACTION_DECIDE: momo_action_kind = 3;
/// Finished: read momo_driver_outcome(). Only a verified IPN can still turn
/// an unknown outcome into a known one.
pub const MOMO_ACTION_DONE: momo_action_kind = 4;

/// Which MoMo call a request is: one of the MOMO_ENDPOINT_* values.
pub type momo_endpoint = u32;
/// POST /v2/gateway/api/pos: the payment itself.
pub const MOMO_ENDPOINT_POS: momo_endpoint = 1;
/// POST /v2/gateway/api/query: a status query.
pub const MOMO_ENDPOINT_QUERY: momo_endpoint = 2;
/// POST /v2/gateway/api/confirm: capture or cancel.
pub const MOMO_ENDPOINT_CONFIRM: momo_endpoint = 3;
/// POST /v2/gateway/api/refund: a refund (momo_refund_driver only).
pub const MOMO_ENDPOINT_REFUND: momo_endpoint = 4;

/// How a payment ended: one of the MOMO_OUTCOME_* values.
pub type momo_outcome_kind = u32;
/// Result 0: the money was taken (directly or by a capture).
pub const MOMO_OUTCOME_PAID: momo_outcome_kind = 1;
/// A final failure before any authorization: nothing was charged.
pub const MOMO_OUTCOME_DECLINED: momo_outcome_kind = 2;
/// Authorized (9000), then cancelled or ended without a capture: no charge.
pub const MOMO_OUTCOME_CANCELLED: momo_outcome_kind = 3;
/// No final answer: the money may have moved. Reconcile before charging
/// again; never show it as a failure.
pub const MOMO_OUTCOME_UNKNOWN: momo_outcome_kind = 4;

/// How a payment ended. `name` is static text; `trans_id` and
/// `description` are views owned by the driver, valid until the next call
/// that changes it or momo_driver_free() (an IPN can still turn an unknown
/// outcome into a known one).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_outcome {
    /// MOMO_OUTCOME_*.
    pub kind: momo_outcome_kind,
    /// Its stable name: "paid", "declined", "cancelled" or "unknown".
    pub name: momo_str,
    /// Whether `result_code` holds a code: always, except for an unknown
    /// outcome whose deadline passed without a final answer.
    pub has_result_code: bool,
    /// The deciding code: 0 when paid; MoMo's code when declined or
    /// cancelled (explain it with momo_result_code_explain()); when unknown,
    /// the code MoMo refused the capture/cancel call with, if it did.
    pub result_code: i64,
    /// MoMo's transId when an answer or IPN stated it, else "".
    pub trans_id: momo_str,
    /// One English line for logs, e.g. "declined (1001: ...)".
    pub description: momo_str,
}

const fn endpoint_value(endpoint: Endpoint) -> momo_endpoint {
    match endpoint {
        Endpoint::Pos => MOMO_ENDPOINT_POS,
        Endpoint::Query => MOMO_ENDPOINT_QUERY,
        Endpoint::Confirm => MOMO_ENDPOINT_CONFIRM,
        Endpoint::Refund => MOMO_ENDPOINT_REFUND,
        // See "Versions" in lib.rs: unreachable while the core is pinned.
        _ => 0,
    }
}

/// The C value and name of an action's kind.
const fn kind_c(action: &Action<'_>) -> (momo_action_kind, &'static str) {
    match action {
        Action::Send(_) => (MOMO_ACTION_SEND, "send"),
        Action::Wait { .. } => (MOMO_ACTION_WAIT, "wait"),
        Action::Decide { .. } => (MOMO_ACTION_DECIDE, "decide"),
        Action::Done(_) => (MOMO_ACTION_DONE, "done"),
        _ => (0, "unknown"),
    }
}

fn wrong_action(action: &Action<'_>, wanted: &str) -> Failure {
    wrong_action_named(kind_c(action).1, wanted, "momo_driver_next_action")
}

/// A reader of another action than the current one (`current`), for the
/// driver whose next-action function is `next_action`.
pub(crate) fn wrong_action_named(current: &str, wanted: &str, next_action: &str) -> Failure {
    Failure::boundary(
        momo_result::MOMO_RESULT_INVALID_STATE,
        "driver",
        format!("the current action is {current}, not {wanted}: ask {next_action}() first"),
    )
}

/// What the host should do now (MOMO_ACTION_*). Ask again after every call
/// that changes the driver.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_next_action(
    driver: *const momo_driver,
    kind_out: *mut momo_action_kind,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, kind_out, |_, d| Ok(kind_c(&d.next_action()).0)) }
}

/// The request of MOMO_ACTION_SEND, as momo_driver_send() (and
/// momo_refund_driver_send(), whose events are momo_refund_driver_on_*())
/// fills it.
///
/// `url`, `body` and `request_id` are NUL-terminated views owned by the
/// driver: valid until the next call that changes it (momo_driver_on_*(),
/// momo_driver_tick(), momo_driver_decide(), even one that fails) or
/// momo_driver_free(). Copy what must outlive that, e.g. the body of a
/// request still on the wire when an IPN arrives. `content_type` is static.
/// Reading the struct again while the action is the same send gives the
/// same id and the same bytes.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_send {
    /// Names this hand-out of the request: pass it back to
    /// momo_driver_on_response(), momo_driver_on_timeout() or
    /// momo_driver_on_network_error(). An event with another id (a request
    /// no longer in flight) is journaled as stale and changes nothing. The
    /// current action stays this send until one of them is reported: a
    /// host that asks again meanwhile knows it by its id.
    pub id: u64,
    /// Which call it is (MOMO_ENDPOINT_*).
    pub endpoint: momo_endpoint,
    /// The URL to POST to.
    pub url: momo_str,
    /// The exact JSON body. A resend is the same bytes.
    pub body: momo_str,
    /// The Content-Type header's value (static text).
    pub content_type: momo_str,
    /// The request's requestId.
    pub request_id: momo_str,
    /// The HTTP timeout to use, in ms (at least 30000).
    pub timeout_ms: u64,
    /// When the driver counts the answer as lost (host clock, ms): tick
    /// then if nothing came.
    pub deadline_ms: u64,
    /// 1 the first time these bytes go out, 2 for the first identical
    /// resend...
    pub attempt: u32,
}

/// MOMO_ACTION_SEND: the request to perform, filled into `*out`. Any other
/// current action is MOMO_RESULT_INVALID_STATE, and `*out` is left alone.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_send(
    driver: *const momo_driver,
    out: *mut momo_send,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| match d.next_action() {
            Action::Send(r) => Ok(send_c(&h.machine.views, r)),
            other => Err(wrong_action(&other, "send")),
        })
    }
}

/// The momo_send of `r`, its texts kept in `views`.
pub(crate) fn send_c(views: &Views, r: &Outgoing) -> momo_send {
    momo_send {
        id: r.id().get(),
        endpoint: endpoint_value(r.endpoint()),
        url: views.url.view(r.url()),
        body: views.body.view(r.body_str()),
        content_type: static_view(CONTENT_TYPE_C),
        request_id: views.request_id.view(r.request_id()),
        timeout_ms: u64::try_from(r.timeout().as_millis()).unwrap_or(u64::MAX),
        deadline_ms: r.deadline_ms(),
        attempt: r.attempt(),
    }
}

/// MOMO_ACTION_WAIT: when to call momo_driver_tick() (host clock, ms).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_wait_until_ms(
    driver: *const momo_driver,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |_, d| match d.next_action() {
            Action::Wait { until_ms } => Ok(until_ms),
            other => Err(wrong_action(&other, "wait")),
        })
    }
}

/// The deadline and default of the current MOMO_ACTION_DECIDE.
fn deciding(d: &Driver) -> Result<(u64, ConfirmAction), Failure> {
    match d.next_action() {
        Action::Decide { until_ms, default } => Ok((until_ms, default)),
        other => Err(wrong_action(&other, "decide")),
    }
}

/// MOMO_ACTION_DECIDE: the deadline for the merchant's decision (host
/// clock, ms).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_decide_until_ms(
    driver: *const momo_driver,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(deciding(d)?.0)) }
}

/// MOMO_ACTION_DECIDE: what applies when nobody decides in time
/// (MOMO_CONFIRM_CANCEL unless configured otherwise).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_decide_default(
    driver: *const momo_driver,
    out: *mut momo_confirm_action,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(confirm_action_value(deciding(d)?.1))) }
}

/// The kind, name and result code of an outcome.
fn outcome_c(outcome: &Outcome) -> (momo_outcome_kind, &'static CStr, Option<i64>) {
    match outcome {
        Outcome::Paid { .. } => (MOMO_OUTCOME_PAID, c"paid", Some(0)),
        Outcome::Declined { result_code } => {
            (MOMO_OUTCOME_DECLINED, c"declined", Some(*result_code))
        }
        Outcome::Cancelled { result_code, .. } => {
            (MOMO_OUTCOME_CANCELLED, c"cancelled", Some(*result_code))
        }
        Outcome::Unknown { reason } => (
            MOMO_OUTCOME_UNKNOWN,
            c"unknown",
            match reason {
                UnknownReason::ConfirmRefused { result_code } => Some(*result_code),
                UnknownReason::StillAuthorized {
                    confirm_result_code,
                } => *confirm_result_code,
                _ => None,
            },
        ),
        // An outcome this C ABI does not know is reported as unknown: the
        // host reconciles, which is safe whatever MoMo did.
        _ => (MOMO_OUTCOME_UNKNOWN, c"unknown", None),
    }
}

/// MOMO_ACTION_DONE: how the payment ended.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_outcome(
    driver: *const momo_driver,
    out: *mut momo_outcome,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| {
            let outcome = match d.next_action() {
                Action::Done(outcome) => outcome,
                other => return Err(wrong_action(&other, "done")),
            };
            let (kind, name, code) = outcome_c(outcome);
            let trans_id = match outcome {
                Outcome::Paid { trans_id } | Outcome::Cancelled { trans_id, .. } => {
                    trans_id.as_ref().map_or("", |t| t.as_str())
                }
                _ => "",
            };
            Ok(momo_outcome {
                kind,
                name: static_view(name),
                has_result_code: code.is_some(),
                result_code: code.unwrap_or(0),
                trans_id: h.machine.views.trans_id.view(trans_id),
                description: h
                    .machine
                    .views
                    .description
                    .view_with(|| outcome.to_string()),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_names_are_the_cores() {
        let outcomes = [
            Outcome::Paid { trans_id: None },
            Outcome::Declined { result_code: 1001 },
            Outcome::Cancelled {
                result_code: 0,
                trans_id: None,
            },
            Outcome::Unknown {
                reason: UnknownReason::DeadlinePassed,
            },
        ];
        for (i, outcome) in outcomes.iter().enumerate() {
            let (kind, name, _) = outcome_c(outcome);
            assert_eq!(kind as usize, i + 1);
            assert_eq!(name.to_str().unwrap(), outcome.as_str());
        }
    }

    #[test]
    fn endpoints_are_numbered_from_one() {
        assert_eq!(endpoint_value(Endpoint::Pos), 1);
        assert_eq!(endpoint_value(Endpoint::Confirm), 3);
        assert_eq!(endpoint_value(Endpoint::Refund), 4);
    }
}
