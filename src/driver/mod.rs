//! `momo_driver`: the transaction driver (`momo::driver::Driver`) for C,
//! and `momo_refund_driver` ([`refund`]): the refund driver
//! (`momo::refund::RefundDriver`) on the same machinery.
//!
//! The host loop is the Rust one: ask momo_driver_next_action(), perform it,
//! feed back what happened with momo_driver_on_*() or momo_driver_tick(),
//! ask again. Every rule (retries, deadlines, identical resends) is the
//! core's; this module only converts arguments and answers.

// Visible to ffi::miri_tests, which drives a payment through the C ABI.
pub(super) mod action;
pub(super) mod event;
pub(super) mod refund;

use std::ffi::{c_char, CStr};

use super::buffer::{momo_buffer, momo_str, static_view, CText};
use super::client::momo_client;
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, new_handle, opt_text, read, text, Out};
use super::pos::momo_pos_payment;
use super::result::momo_result;
use momo::driver::{Driver, DriverConfig, Event, LogEntry, Stage};
use momo::{Client, Error, ResultCodeInfo};

/// A core driver (payment or refund) as a C handle holds it: the texts
/// handed to C, and whether a panic left it half-changed.
#[derive(Debug)]
pub(crate) struct Machine<D> {
    inner: D,
    // NUL-terminated copies of the texts of the current action and outcome,
    // handed to C as momo_str. Dropped by every call that changes the
    // driver: the views C holds are valid until then.
    pub(crate) views: Views,
    // Set while the driver changes and cleared after: still set when a
    // panic left it half-changed, so that no such state is ever read,
    // persisted or driven further.
    broken: bool,
}

/// The texts of the current action and outcome.
#[derive(Debug, Default)]
pub(crate) struct Views {
    pub(crate) url: CText,
    pub(crate) body: CText,
    pub(crate) request_id: CText,
    pub(crate) trans_id: CText,
    pub(crate) description: CText,
}

impl<D> Machine<D> {
    pub(crate) fn new(inner: D) -> Self {
        Self {
            inner,
            views: Views::default(),
            broken: false,
        }
    }

    pub(crate) fn usable(&self) -> Result<&D, Failure> {
        if self.broken {
            return Err(Failure::boundary(
                momo_result::MOMO_RESULT_INVALID_STATE,
                "driver",
                "is unusable after an internal error: restore the last snapshot",
            ));
        }
        Ok(&self.inner)
    }

    /// Runs one change of the driver.
    pub(crate) fn change(
        &mut self,
        f: impl FnOnce(&mut D) -> momo::Result<()>,
    ) -> Result<(), Failure> {
        self.usable()?;
        self.views = Views::default();
        self.broken = true;
        let result = f(&mut self.inner);
        self.broken = false;
        Ok(result?)
    }
}

/// A C driver handle: what the shared readers and event feeders need.
pub(crate) trait Driven {
    /// The core driver.
    type Inner;
    fn machine(&self) -> &Machine<Self::Inner>;
    fn machine_mut(&mut self) -> &mut Machine<Self::Inner>;
    /// Feeds one event to the core driver.
    fn handle(
        inner: &mut Self::Inner,
        client: &Client,
        now_ms: u64,
        event: Event<'_>,
    ) -> momo::Result<()>;
}

/// One payment's driver. It changes with every event, so it belongs to one
/// thread at a time (lock it yourself to share it); the momo_client passed
/// to it stays shareable. Free it with momo_driver_free().
#[derive(Debug)]
pub struct momo_driver {
    machine: Machine<Driver>,
    order_id: CText,
    request_id: CText,
}

impl momo_driver {
    fn new(inner: Driver) -> Self {
        Self {
            machine: Machine::new(inner),
            order_id: CText::default(),
            request_id: CText::default(),
        }
    }
}

impl Driven for momo_driver {
    type Inner = Driver;
    fn machine(&self) -> &Machine<Driver> {
        &self.machine
    }
    fn machine_mut(&mut self) -> &mut Machine<Driver> {
        &mut self.machine
    }
    fn handle(d: &mut Driver, client: &Client, now_ms: u64, event: Event<'_>) -> momo::Result<()> {
        d.handle(client, now_ms, event)
    }
}

/// A shared read of a usable driver into an out-pointer.
///
/// # Safety
/// Documented handle and out-pointer contracts.
pub(crate) unsafe fn read_driver<H: Driven, V>(
    driver: *const H,
    out: *mut V,
    pick: impl FnOnce(&H, &H::Inner) -> Result<V, Failure>,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { read(driver, "driver", out, |h| pick(h, h.machine().usable()?)) }
}

/// A policy from partial JSON read by `parse` (`serde_json::from_str`);
/// NULL means the defaults.
///
/// # Safety
/// Documented pointer + length contract.
pub(crate) unsafe fn config_arg<C: Default>(
    json: *const c_char,
    len: usize,
    parse: impl FnOnce(&str) -> serde_json::Result<C>,
) -> Result<C, Failure> {
    // SAFETY: forwarded caller contract.
    match unsafe { opt_text(json, len, "config_json") }? {
        None => Ok(C::default()),
        Some(json) => parse(json).map_err(|e| {
            Failure::Core(Error::InvalidJson {
                reason: format!("config_json: {e}"),
            })
        }),
    }
}

/// A new caller-owned buffer of `text` (a snapshot, a journal).
pub(crate) fn new_buffer(text: &str) -> *mut momo_buffer {
    Box::into_raw(Box::new(momo_buffer::from_text(text)))
}

/// The journal as a JSON array.
pub(crate) fn log_json(log: &[LogEntry]) -> Result<String, Failure> {
    serde_json::to_string(log).map_err(|e| {
        Failure::Core(Error::InvalidState {
            reason: format!("journal: {e}"),
        })
    })
}

/// The latest result code MoMo gave, or MOMO_RESULT_ABSENT.
pub(crate) fn last_result_code(last: Option<ResultCodeInfo>) -> Result<i64, Failure> {
    last.map(|info| info.code).ok_or_else(|| {
        Failure::boundary(
            momo_result::MOMO_RESULT_ABSENT,
            "resultCode",
            "MoMo has given no result code yet",
        )
    })
}

/// Signs `payment` once and starts driving it at `now_ms` (any millisecond
/// clock, the same for every call; epoch milliseconds read best in the
/// journal). The first action is to send the pos request.
///
/// `config_json` is optional (NULL: the defaults): a JSON object naming only
/// what it changes, e.g. {"paymentWindowMs":60000,"onUndecided":"capture"}
/// (fields: requestTimeoutMs, pollDelaysMs, paymentWindowMs,
/// decisionWindowMs, onUndecided, confirmWindowMs, maxPosResends,
/// maxConfirmSends). An unknown field is MOMO_RESULT_INVALID_JSON; a value
/// out of range MOMO_RESULT_INVALID_FIELD naming it.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_start(
    client: *const momo_client,
    payment: *const momo_pos_payment,
    config_json: *const c_char,
    config_json_len: usize,
    now_ms: u64,
    out: *mut *mut momo_driver,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let payment = unsafe { handle(payment, "payment") }?;
        let config: DriverConfig =
            unsafe { config_arg(config_json, config_json_len, |j| serde_json::from_str(j)) }?;
        let driver = Driver::start(&client.inner, payment.payment()?, config, now_ms)?;
        new_handle(out, momo_driver::new(driver));
        Ok(())
    })
}

/// Rebuilds a driver from momo_driver_snapshot()'s text, after a crash or a
/// restart. A request that was in flight is asked for again, byte for byte,
/// under a new momo_send.id (an answer reported with an id from before the
/// restart is stale). Reads snapshot formats 1 (0.1.0) and 2 (this
/// release, which momo_driver_snapshot() writes). A snapshot above 256 KiB
/// is MOMO_RESULT_BODY_TOO_LARGE; one that is not a snapshot
/// MOMO_RESULT_INVALID_JSON; a refund's (momo_refund_driver_snapshot()) or
/// one of another format version MOMO_RESULT_INVALID_STATE.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_restore(
    snapshot: *const c_char,
    snapshot_len: usize,
    now_ms: u64,
    out: *mut *mut momo_driver,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let snapshot = unsafe { text(snapshot, snapshot_len, "snapshot") }?;
        new_handle(out, momo_driver::new(Driver::restore(snapshot, now_ms)?));
        Ok(())
    })
}

/// Releases a driver. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_free(driver: *mut momo_driver) {
    // SAFETY: NULL or a driver from this library, not used afterwards.
    call_void(|| unsafe { free_handle(driver) });
}

/// The whole state as JSON (no secret, a few KB), into a new buffer.
/// The write-ahead rule: store it durably before performing every
/// MOMO_ACTION_SEND; momo_driver_restore() takes it back.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_snapshot(
    driver: *const momo_driver,
    out: *mut *mut momo_buffer,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(new_buffer(&d.snapshot()?))) }
}

/// The journal as a JSON array, oldest first: one object per transition
/// with "atMs" (the host's clock) and "kind" ("send", "answer", "timeout",
/// "ipnMismatch", "settled"...), for the till's screen and for support.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_log_json(
    driver: *const momo_driver,
    out: *mut *mut momo_buffer,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(new_buffer(&log_json(d.log())?))) }
}

/// Where a payment stands: one of the MOMO_STAGE_* values.
pub type momo_stage = u32;
/// The pos request is out, retried or polled.
pub const MOMO_STAGE_PAYING: momo_stage = 1;
/// Authorized (9000): capture or cancel is awaited.
pub const MOMO_STAGE_AUTHORIZED: momo_stage = 2;
/// The capture or cancel is out.
pub const MOMO_STAGE_CONFIRMING: momo_stage = 3;
/// Finished: see momo_driver_outcome().
pub const MOMO_STAGE_DONE: momo_stage = 4;

/// The C value and name of a stage.
const fn stage_c(stage: Stage) -> (momo_stage, &'static CStr) {
    match stage {
        Stage::Paying => (MOMO_STAGE_PAYING, c"paying"),
        Stage::Authorized => (MOMO_STAGE_AUTHORIZED, c"authorized"),
        Stage::Confirming => (MOMO_STAGE_CONFIRMING, c"confirming"),
        Stage::Done => (MOMO_STAGE_DONE, c"done"),
        _ => (0, c"unknown"),
    }
}

/// Where the payment stands (MOMO_STAGE_*), for a status line on the till.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_stage(
    driver: *const momo_driver,
    out: *mut momo_stage,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(stage_c(d.stage()).0)) }
}

/// The stage's stable name: "paying", "authorized", "confirming" or "done"
/// (static text).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_stage_name(
    driver: *const momo_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(static_view(stage_c(d.stage()).1))) }
}

/// The order being paid. Valid until the driver is freed.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_order_id(
    driver: *const momo_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |h, d| Ok(h.order_id.view(d.order_id()))) }
}

/// The pos requestId, MoMo's idempotency key for this payment. Valid until
/// the driver is freed.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_request_id(
    driver: *const momo_driver,
    out: *mut momo_str,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |h, d| Ok(h.request_id.view(d.request_id()))) }
}

/// The amount in VND.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_amount(
    driver: *const momo_driver,
    out: *mut u64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| Ok(d.amount())) }
}

/// The latest result code MoMo gave (answer or IPN), for the till's status
/// line (explain it with momo_result_code_explain()); MOMO_RESULT_ABSENT
/// before any.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_last_result_code(
    driver: *const momo_driver,
    out: *mut i64,
) -> momo_result {
    // SAFETY: documented handle and out-pointer contracts.
    unsafe { read_driver(driver, out, |_, d| last_result_code(d.last_result())) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard;
    use momo_pos_testkit as simulation;

    #[test]
    fn a_panic_while_changing_leaves_the_driver_unusable() {
        let client = simulation::client().unwrap();
        let payment = simulation::payment(true).unwrap();
        let driver = Driver::start(&client, &payment, DriverConfig::default(), 1).unwrap();
        let mut handle = momo_driver::new(driver);
        assert!(handle.machine.usable().is_ok());
        let code = guard::call(|| {
            handle
                .machine
                .change(|_| panic!("in the middle of a change"))
        });
        assert_eq!(code, momo_result::MOMO_RESULT_PANIC);
        let refused = handle.machine.usable().unwrap_err();
        assert_eq!(refused.code(), momo_result::MOMO_RESULT_INVALID_STATE);
        let again = handle.machine.change(|_| Ok(()));
        assert!(again.is_err());
    }

    #[test]
    fn stage_names_are_the_cores() {
        let stages = [
            Stage::Paying,
            Stage::Authorized,
            Stage::Confirming,
            Stage::Done,
        ];
        for (i, stage) in stages.into_iter().enumerate() {
            let (value, name) = stage_c(stage);
            assert_eq!(value as usize, i + 1);
            assert_eq!(name.to_str().unwrap(), stage.as_str());
        }
    }
}
