//! What the host feeds the driver: the fate of the request it sent, a
//! verified IPN, the passing of time, the merchant's decision. Each takes
//! the client (the driver holds no secret: the client signs its follow-up
//! requests) and the current time; a client of another merchant is
//! MOMO_RESULT_INVALID_STATE. Anything MoMo or the network does is journaled
//! and steers the payment, never an error.

use super::{momo_driver, Driven};
use crate::client::momo_client;
use crate::guard::{call, Failure};
use crate::input::{bytes, handle, handle_mut};
use crate::ipn::momo_notification;
use crate::request::{confirm_action_arg, momo_confirm_action};
use crate::result::momo_result;
use momo::driver::{Event, SendId};
use momo::Client;

/// Feeds one event: `event` reads its own arguments, then changes the
/// driver through [`super::Machine::change`].
///
/// # Safety
/// Documented handle contracts; `driver` used by this thread only.
pub(crate) unsafe fn feed<H: Driven>(
    driver: *mut H,
    client: *const momo_client,
    event: impl FnOnce(&mut H, &Client) -> Result<(), Failure>,
) -> momo_result {
    call(|| {
        // SAFETY: forwarded caller contract.
        let driver = unsafe { handle_mut(driver, "driver") }?;
        let client = unsafe { handle(client, "client") }?;
        event(driver, &client.inner)
    })
}

/// Feeds an event that carries nothing but its time.
///
/// # Safety
/// As [`feed`].
pub(crate) unsafe fn feed_at<H: Driven>(
    driver: *mut H,
    client: *const momo_client,
    now_ms: u64,
    event: Event<'static>,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        feed(driver, client, |h, c| {
            h.machine_mut().change(|d| H::handle(d, c, now_ms, event))
        })
    }
}

/// Feeds an HTTP answer to the request `send_id`.
///
/// # Safety
/// As [`feed`]; `body` NULL or `body_len` readable bytes.
pub(crate) unsafe fn feed_response<H: Driven>(
    driver: *mut H,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
    status: u16,
    body: *const u8,
    body_len: usize,
) -> momo_result {
    // SAFETY: forwarded caller contract; the body is checked before the
    // driver changes.
    unsafe {
        feed(driver, client, |h, c| {
            let body = bytes(body, body_len, "body")?;
            let id = SendId::from(send_id);
            h.machine_mut()
                .change(|d| H::handle(d, c, now_ms, Event::Response { id, status, body }))
        })
    }
}

/// The request `send_id` (momo_send.id) got an HTTP answer: `status` and
/// the raw body as received (any status; an unusable body counts as a lost
/// answer).
///
/// An answer, timeout or network error whose id is not the request in
/// flight (it came after that request's timeout, or after an IPN or a
/// restore moved the payment on) is journaled as "stale", changes nothing
/// else and returns MOMO_RESULT_OK.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_on_response(
    driver: *mut momo_driver,
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
/// (another id: stale, as for momo_driver_on_response()).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_on_timeout(
    driver: *mut momo_driver,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
) -> momo_result {
    let id = SendId::from(send_id);
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::Timeout { id }) }
}

/// The request `send_id` (momo_send.id) failed below HTTP (DNS, connect,
/// TLS, reset): it may or may not have reached MoMo (another id: stale, as
/// for momo_driver_on_response()).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_on_network_error(
    driver: *mut momo_driver,
    client: *const momo_client,
    now_ms: u64,
    send_id: u64,
) -> momo_result {
    let id = SendId::from(send_id);
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::NetworkError { id }) }
}

/// A notification verified with momo_client_verify_ipn() (only verified
/// ones exist as handles). One for another order, request or amount is
/// journaled as an anomaly and changes nothing; a repeat changes nothing.
#[no_mangle]
pub unsafe extern "C" fn momo_driver_on_ipn(
    driver: *mut momo_driver,
    client: *const momo_client,
    now_ms: u64,
    notification: *const momo_notification,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        feed(driver, client, |h, c| {
            let n = handle(notification, "notification")?;
            h.machine
                .change(|d| d.handle(c, now_ms, Event::Ipn(&n.inner)))
        })
    }
}

/// Time passed: call it at momo_driver_wait_until_ms() or
/// momo_driver_decide_until_ms() (earlier is harmless).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_tick(
    driver: *mut momo_driver,
    client: *const momo_client,
    now_ms: u64,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe { feed_at(driver, client, now_ms, Event::Tick) }
}

/// The merchant's capture or cancel (MOMO_CONFIRM_*) of an authorized
/// payment. MOMO_RESULT_INVALID_STATE when no decision is awaited
/// (MOMO_ACTION_DECIDE is not the current action).
#[no_mangle]
pub unsafe extern "C" fn momo_driver_decide(
    driver: *mut momo_driver,
    client: *const momo_client,
    now_ms: u64,
    action: momo_confirm_action,
) -> momo_result {
    // SAFETY: forwarded caller contract.
    unsafe {
        feed(driver, client, |h, c| {
            let action = confirm_action_arg(action, "action")?;
            h.machine.change(|d| d.decide(c, now_ms, action))
        })
    }
}
