//! `momo_refund_driver`: the refund driver (`momo::refund::RefundDriver`)
//! for C, on the payment driver's machinery: the same host loop, the same
//! momo_send, momo_action_kind and event functions' shapes, the same
//! write-ahead rule. MoMo documents no refund IPN for Quick Pay: the
//! evidence for a lost answer is the payment's status query (its
//! refundTrans), which the driver sends itself.
//!
//! Texts (momo_send's url, body and requestId, the outcome's transId and
//! description) are NUL-terminated views owned by the driver, valid until
//! the next event or tick fed to it (even one that fails) or until it is
//! freed.

use std::ffi::{c_char, CStr};

use super::action::{
    momo_action_kind, momo_send, send_c, wrong_action_named, MOMO_ACTION_DONE, MOMO_ACTION_SEND,
    MOMO_ACTION_WAIT,
};
use super::event::{feed_at, feed_response};
use super::{config_arg, last_result_code, log_json, new_buffer, read_driver, Driven, Machine};
use crate::buffer::{momo_buffer, momo_str, static_view, CText};
use crate::client::momo_client;
use crate::guard::{call, call_void, Failure};
use crate::input::{free_handle, handle, new_handle, text, Out};
use crate::refund::{momo_refund, trans_id_arg};
use crate::result::momo_result;
use momo::driver::{Event, SendId};
use momo::refund::{PaidPayment, RefundAction, RefundConfig, RefundDriver, RefundOutcome};
use momo::Client;

/// One refund's driver. It changes with every event, so it belongs to one
/// thread at a time (lock it yourself to share it); the momo_client passed
/// to it stays shareable. Free it with momo_refund_driver_free().
#[derive(Debug)]
pub struct momo_refund_driver {
    machine: Machine<RefundDriver>,
    order_id: CText,
    request_id: CText,
    payment_order_id: CText,
    payment_trans_id: CText,
}

impl momo_refund_driver {
    fn new(inner: RefundDriver) -> Self {
        Self {
            machine: Machine::new(inner),
            order_id: CText::default(),
            request_id: CText::default(),
            payment_order_id: CText::default(),
            payment_trans_id: CText::default(),
        }
    }
}

impl Driven for momo_refund_driver {
    type Inner = RefundDriver;
    fn machine(&self) -> &Machine<RefundDriver> {
        &self.machine
    }
    fn machine_mut(&mut self) -> &mut Machine<RefundDriver> {
        &mut self.machine
    }
    fn handle(
        d: &mut RefundDriver,
        client: &Client,
        now_ms: u64,
        event: Event<'_>,
    ) -> momo::Result<()> {
        d.handle(client, now_ms, event)
    }
}

/// Checks `refund` against the payment as the host's records have it, signs
/// it once and starts driving it at `now_ms` (any millisecond clock, the
/// same for every call). The first action is to send the refund.
///
/// The payment: `payment_order_id` (its orderId, whose status query lists
/// its refunds), `payment_trans_id` (MoMo's transId of the payment as
/// digits; the refund's must be the same, else MOMO_RESULT_INVALID_FIELD
/// naming "transId"), `paid_amount` and `already_refunded` (VND refunded,
/// or possibly refunded, before: count unknown refunds here until
/// reconciled). Before anything is signed: a refund above
/// `paid_amount - already_refunded` is MOMO_RESULT_INVALID_FIELD naming
/// "amount", `already_refunded` above `paid_amount` names "refunded", and a
/// refund orderId equal to `payment_order_id` names "orderId". Any rule of
/// momo_client_refund_request() applies too.
///
/// `config_json` is optional (NULL: the defaults): a JSON object naming only
/// what it changes, e.g. {"refundWindowMs":120000} (fields:
/// requestTimeoutMs, pollDelaysMs, refundWindowMs, maxRefundSends). An
/// unknown field is MOMO_RESULT_INVALID_JSON; a value out of range
/// MOMO_RESULT_INVALID_FIELD naming it. `refund` is only read: free it when
/// you like. `*out` is owned by the caller: momo_refund_driver_free().
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_start(
    client: *const momo_client,
    refund: *const momo_refund,
    payment_order_id: *const c_char,
    payment_order_id_len: usize,
    payment_trans_id: *const c_char,
    payment_trans_id_len: usize,
    paid_amount: u64,
    already_refunded: u64,
    config_json: *const c_char,
    config_json_len: usize,
    now_ms: u64,
    out: *mut *mut momo_refund_driver,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let refund = unsafe { handle(refund, "refund") }?;
        let order_id = unsafe { text(payment_order_id, payment_order_id_len, "payment_order_id") }?;
        let trans_id = unsafe { text(payment_trans_id, payment_trans_id_len, "payment_trans_id") }?;
        let trans_id = trans_id_arg(trans_id, "payment_trans_id")?;
        let config: RefundConfig =
            unsafe { config_arg(config_json, config_json_len, |j| serde_json::from_str(j)) }?;
        let payment =
            PaidPayment::new(order_id, trans_id, paid_amount).with_refunded(already_refunded);
        let driver =
            RefundDriver::start(&client.inner, refund.refund()?, &payment, config, now_ms)?;
        new_handle(out, momo_refund_driver::new(driver));
        Ok(())
    })
}

/// Rebuilds a refund driver from momo_refund_driver_snapshot()'s text, after
/// a crash or a restart. A request that was in flight is asked for again,
/// byte for byte, under a new momo_send.id (an answer reported with an id
/// from before the restart is stale). A snapshot above 256 KiB is
/// MOMO_RESULT_BODY_TOO_LARGE; one that is not a snapshot
/// MOMO_RESULT_INVALID_JSON; a payment's (momo_driver_snapshot()) or one of
/// another format version MOMO_RESULT_INVALID_STATE, saying which. `*out` is
/// owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_restore(
    snapshot: *const c_char,
    snapshot_len: usize,
    now_ms: u64,
    out: *mut *mut momo_refund_driver,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let snapshot = unsafe { text(snapshot, snapshot_len, "snapshot") }?;
        let driver = RefundDriver::restore(snapshot, now_ms)?;
        new_handle(out, momo_refund_driver::new(driver));
        Ok(())
    })
}

/// Releases a refund driver. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_free(driver: *mut momo_refund_driver) {
    // SAFETY: NULL or a driver from this library, not used afterwards.
    call_void(|| unsafe { free_handle(driver) });
}

/// The whole state as JSON (refund snapshot format 1, no secret), into a new
/// buffer owned by the caller (momo_buffer_free()). The write-ahead rule:
/// store it durably before performing every MOMO_ACTION_SEND;
/// momo_refund_driver_restore() takes it back.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_snapshot(
    driver: *const momo_refund_driver,
    out: *mut *mut momo_buffer,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(new_buffer(&d.snapshot()?))) }
}

/// The journal as a JSON array, oldest first ("refundStarted", "send",
/// "answer", "timeout", "evidence", "refundSettled"...), into a new buffer
/// owned by the caller (momo_buffer_free()).
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_log_json(
    driver: *const momo_refund_driver,
    out: *mut *mut momo_buffer,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(new_buffer(&log_json(d.log())?))) }
}

/// The C value and name of a refund action's kind.
const fn kind_c(action: &RefundAction<'_>) -> (momo_action_kind, &'static str) {
    match action {
        RefundAction::Send(_) => (MOMO_ACTION_SEND, "send"),
        RefundAction::Wait { .. } => (MOMO_ACTION_WAIT, "wait"),
        RefundAction::Done(_) => (MOMO_ACTION_DONE, "done"),
        _ => (0, "unknown"),
    }
}

fn wrong_action(action: &RefundAction<'_>, wanted: &str) -> Failure {
    wrong_action_named(kind_c(action).1, wanted, "momo_refund_driver_next_action")
}

/// What the host should do now: MOMO_ACTION_SEND, MOMO_ACTION_WAIT or
/// MOMO_ACTION_DONE (a refund has no MOMO_ACTION_DECIDE). Ask again after
/// every call that changes the driver.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_next_action(
    driver: *const momo_refund_driver,
    kind_out: *mut momo_action_kind,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, kind_out, |_, d| Ok(kind_c(&d.next_action()).0)) }
}

/// MOMO_ACTION_SEND: the request to perform (the refund, MOMO_ENDPOINT_REFUND,
/// the same bytes on every resend; or a status query of the payment,
/// MOMO_ENDPOINT_QUERY), filled into `*out` as momo_driver_send() does.
/// Report what became of it with its id: momo_refund_driver_on_response(),
/// momo_refund_driver_on_timeout() or momo_refund_driver_on_network_error().
/// Any other current action is MOMO_RESULT_INVALID_STATE, and `*out` is left
/// alone.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_send(
    driver: *const momo_refund_driver,
    out: *mut momo_send,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| match d.next_action() {
            RefundAction::Send(r) => Ok(send_c(&h.machine.views, r)),
            other => Err(wrong_action(&other, "send")),
        })
    }
}

/// MOMO_ACTION_WAIT: when to call momo_refund_driver_tick() (host clock,
/// ms): the next status query of the payment, or the refund's deadline.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_wait_until_ms(
    driver: *const momo_refund_driver,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |_, d| match d.next_action() {
            RefundAction::Wait { until_ms } => Ok(until_ms),
            other => Err(wrong_action(&other, "wait")),
        })
    }
}

/// How a refund ended: one of the MOMO_REFUND_OUTCOME_* values. 0 is never
/// one.
pub type momo_refund_outcome_kind = u32;
/// MoMo refunded the amount: its answer said 0, or the payment's
/// refundTrans lists this refund with 0.
pub const MOMO_REFUND_OUTCOME_REFUNDED: momo_refund_outcome_kind = 1;
/// MoMo refused the refund: nothing was given back (1080: retry later with
/// a new refund; 1081: already refunded or over what is left; 1088: this
/// payment cannot be refunded).
pub const MOMO_REFUND_OUTCOME_REFUSED: momo_refund_outcome_kind = 2;
/// No answer and no evidence by the deadline: the money may or may not
/// have gone back. Count it as refunded when checking what is left, and
/// reconcile (a status query of the payment lists its refunds) before
/// refunding again.
pub const MOMO_REFUND_OUTCOME_UNKNOWN: momo_refund_outcome_kind = 3;

/// How a refund ended, as momo_refund_driver_outcome() fills it. `name` is
/// static; `trans_id` and `description` are views owned by the driver,
/// valid until the next call that changes it or momo_refund_driver_free().
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_refund_outcome {
    /// MOMO_REFUND_OUTCOME_*.
    pub kind: momo_refund_outcome_kind,
    /// Its stable name: "refunded", "refused" or "unknown".
    pub name: momo_str,
    /// Whether `result_code` holds a code: always when refunded or refused;
    /// when unknown, only if MoMo gave a code about this refund.
    pub has_result_code: bool,
    /// The deciding code: 0 when refunded; MoMo's refusal when refused
    /// (explain it with momo_result_code_explain()); when unknown, the last
    /// code MoMo gave about this refund (7000: still being processed).
    pub result_code: i64,
    /// MoMo's transId of the refund (not the payment's) when refunded and
    /// MoMo stated it, else "".
    pub trans_id: momo_str,
    /// One English line for logs, e.g. "refused (1081: ...)".
    pub description: momo_str,
}

/// The kind, name and result code of a refund outcome.
fn outcome_c(outcome: &RefundOutcome) -> (momo_refund_outcome_kind, &'static CStr, Option<i64>) {
    match outcome {
        RefundOutcome::Refunded { .. } => (MOMO_REFUND_OUTCOME_REFUNDED, c"refunded", Some(0)),
        RefundOutcome::Refused { result_code } => {
            (MOMO_REFUND_OUTCOME_REFUSED, c"refused", Some(*result_code))
        }
        RefundOutcome::Unknown { last_result_code } => {
            (MOMO_REFUND_OUTCOME_UNKNOWN, c"unknown", *last_result_code)
        }
        // An outcome this C ABI does not know is reported as unknown: the
        // host reconciles, which is safe whatever MoMo did.
        _ => (MOMO_REFUND_OUTCOME_UNKNOWN, c"unknown", None),
    }
}

/// MOMO_ACTION_DONE: how the refund ended. Any other current action is
/// MOMO_RESULT_INVALID_STATE, and `*out` is left alone.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_outcome(
    driver: *const momo_refund_driver,
    out: *mut momo_refund_outcome,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| {
            let outcome = match d.next_action() {
                RefundAction::Done(outcome) => outcome,
                other => return Err(wrong_action(&other, "done")),
            };
            let (kind, name, code) = outcome_c(outcome);
            let trans_id = match outcome {
                RefundOutcome::Refunded { trans_id } => {
                    trans_id.as_ref().map_or("", |t| t.as_str())
                }
                _ => "",
            };
            let views = &h.machine.views;
            Ok(momo_refund_outcome {
                kind,
                name: static_view(name),
                has_result_code: code.is_some(),
                result_code: code.unwrap_or(0),
                trans_id: views.trans_id.view(trans_id),
                description: views.description.view_with(|| outcome.to_string()),
            })
        })
    }
}

/// The request `send_id` (momo_send.id) got an HTTP answer: `status` and
/// the raw body as received (any status; an unusable body counts as a lost
/// answer, settled by a status query). An answer, timeout or network error
/// whose id is not the request in flight is journaled as "stale", changes
/// nothing else and returns MOMO_RESULT_OK. A client of another merchant
/// is MOMO_RESULT_INVALID_STATE.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_on_response(
    driver: *mut momo_refund_driver,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
    status: u16,
    body: *const u8,
    body_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { feed_response(driver, client, now_ms, send_id, status, body, body_len) }
}

/// The request `send_id` (momo_send.id) got no answer within its timeout
/// (another id: stale, as for momo_refund_driver_on_response()).
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_on_timeout(
    driver: *mut momo_refund_driver,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
) -> momo_result {
    let id = SendId::from(send_id);
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::Timeout { id }) }
}

/// The request `send_id` (momo_send.id) failed below HTTP (DNS, connect,
/// TLS, reset): it may or may not have reached MoMo (another id: stale).
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_on_network_error(
    driver: *mut momo_refund_driver,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
) -> momo_result {
    let id = SendId::from(send_id);
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::NetworkError { id }) }
}

/// Time passed: call it at momo_refund_driver_wait_until_ms() (earlier is
/// harmless).
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_tick(
    driver: *mut momo_refund_driver,
    client: *const momo_client,
    now_ms: u64,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::Tick) }
}

/// The refund's own orderId. Valid until the driver is freed.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_order_id(
    driver: *const momo_refund_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |h, d| Ok(h.order_id.view(d.order_id()))) }
}

/// The refund's requestId, MoMo's idempotency key for it. Valid until the
/// driver is freed.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_request_id(
    driver: *const momo_refund_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |h, d| Ok(h.request_id.view(d.request_id()))) }
}

/// The refunded payment's orderId. Valid until the driver is freed.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_payment_order_id(
    driver: *const momo_refund_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| {
            Ok(h.payment_order_id.view(d.payment_order_id()))
        })
    }
}

/// The refunded payment's transId, as digits. Valid until the driver is
/// freed.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_payment_trans_id(
    driver: *const momo_refund_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe {
        read_driver(driver, out, |h, d| {
            Ok(h.payment_trans_id.view(d.payment_trans_id().as_str()))
        })
    }
}

/// The amount to give back, in VND.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_amount(
    driver: *const momo_refund_driver,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(d.amount())) }
}

/// The latest code MoMo gave about this refund (its answer, or its
/// refundTrans entry), for the till's status line (explain it with
/// momo_result_code_explain()); MOMO_RESULT_ABSENT before any.
#[no_mangle]
pub unsafe extern "C" fn momo_refund_driver_last_result_code(
    driver: *const momo_refund_driver,
    out: *mut i64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| last_result_code(d.last_result())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_names_are_the_cores() {
        let outcomes = [
            RefundOutcome::Refunded { trans_id: None },
            RefundOutcome::Refused { result_code: 1081 },
            RefundOutcome::Unknown {
                last_result_code: None,
            },
        ];
        for (i, outcome) in outcomes.iter().enumerate() {
            let (kind, name, _) = outcome_c(outcome);
            assert_eq!(kind as usize, i + 1);
            assert_eq!(name.to_str().unwrap(), outcome.as_str());
        }
    }
}
