//! The transaction driver's state as JS data: its actions, journal and
//! status (`PaymentDriver.status`, `describeDriverSnapshot`). Only in the
//! full entry: reading a snapshot back takes the deserializing code that
//! would double the browser's wasm, so a backend sends the page
//! `driver.status` instead; the types are in [`super::status_types`].

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::error::{js, JsResult};
use super::input;
use super::names::JsResultInfo;
use super::output::{self, Headers};
use momo_pos::driver::{Action, Driver, LogEntry, Outcome, Outgoing, Stage};
use momo_pos::{ConfirmAction, Endpoint, TransId};

/// The exact request of a send, left out of a screen's summary.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bytes<'a> {
    url: &'a str,
    headers: Headers,
    body: &'a str,
    timeout_ms: u64,
}

/// A send action's fields after its `type` (the payment's and the refund's
/// drivers hand out the same shape).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SendOut<'a> {
    /// What the host hands back with this request's fate.
    id: u64,
    endpoint: Endpoint,
    request_id: &'a str,
    deadline_ms: u64,
    attempt: u32,
    #[serde(flatten)]
    bytes: Option<Bytes<'a>>,
}

#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum ActionOut<'a> {
    Send(SendOut<'a>),
    Wait {
        until_ms: u64,
    },
    Decide {
        until_ms: u64,
        default: ConfirmAction,
    },
    Unsupported,
    Done {
        outcome: &'a Outcome,
    },
}

fn action(driver: &Driver, with_bytes: bool) -> ActionOut<'_> {
    match driver.next_action() {
        Action::Send(request) => ActionOut::Send(send(request, with_bytes)),
        Action::Wait { until_ms } => ActionOut::Wait { until_ms },
        Action::Decide { until_ms, default } => ActionOut::Decide { until_ms, default },
        Action::Done(outcome) => ActionOut::Done { outcome },
        // Unreachable while the core is pinned to this version (=0.1.0).
        _ => ActionOut::Unsupported,
    }
}

/// A request to send, with its exact bytes or (for a screen) without.
pub(crate) fn send(request: &Outgoing, with_bytes: bool) -> SendOut<'_> {
    SendOut {
        id: request.id().get(),
        endpoint: request.endpoint(),
        request_id: request.request_id(),
        deadline_ms: request.deadline_ms(),
        attempt: request.attempt(),
        bytes: with_bytes.then(|| {
            let [(_, content_type)] = request.headers();
            Bytes {
                url: request.url(),
                headers: Headers { content_type },
                body: request.body_str(),
                timeout_ms: u64::try_from(request.timeout().as_millis()).unwrap_or(u64::MAX),
            }
        }),
    }
}

/// The next action, with the exact request of a send.
pub(crate) fn next_action(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&action(driver, true))
}

/// A journal line with its Display text, which hosts show as is.
#[derive(Serialize)]
pub(crate) struct LogLine<'a> {
    #[serde(flatten)]
    entry: &'a LogEntry,
    text: String,
}

pub(crate) fn lines<'a>(entries: impl Iterator<Item = &'a LogEntry>) -> Vec<LogLine<'a>> {
    entries
        .map(|entry| LogLine {
            entry,
            text: entry.event.to_string(),
        })
        .collect()
}

pub(crate) fn log(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&lines(driver.log().iter()))
}

pub(crate) fn anomalies(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&lines(driver.anomalies()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusOut<'a> {
    stage: Stage,
    outcome: Option<&'a Outcome>,
    last_result: Option<JsResultInfo>,
    next_action: ActionOut<'a>,
    order_id: &'a str,
    request_id: &'a str,
    amount: u64,
    trans_id: Option<&'a TransId>,
    deadline_ms: u64,
    log: Vec<LogLine<'a>>,
    anomalies: Vec<LogLine<'a>>,
}

/// Where a payment stands, for a cashier's screen: stage, outcome, latest
/// result code, next action (a send without its bytes), journal. Holds no
/// secret and no request bytes: what a backend streams to its page.
pub(crate) fn status(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&StatusOut {
        stage: driver.stage(),
        outcome: driver.outcome(),
        last_result: driver.last_result().map(JsResultInfo),
        next_action: action(driver, false),
        order_id: driver.order_id(),
        request_id: driver.request_id(),
        amount: driver.amount(),
        trans_id: driver.trans_id(),
        deadline_ms: driver.deadline_ms(),
        log: lines(driver.log().iter()),
        anomalies: lines(driver.anomalies()),
    })
}

/// The status of a payment from the snapshot its backend persisted
/// (`PaymentDriver.snapshot()`), read as saved: nothing is resumed or
/// journaled. Throws `invalidJson` or `invalidState` for what is not a
/// snapshot.
#[wasm_bindgen(js_name = describeDriverSnapshot, unchecked_return_type = "DriverStatus")]
pub fn describe_driver_snapshot(
    #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
) -> JsResult<JsValue> {
    let snapshot = js(input::text(&snapshot, "snapshot"))?;
    status(&js(Driver::inspect(&snapshot))?)
}
