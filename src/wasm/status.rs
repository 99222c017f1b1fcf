//! The transaction driver's state as JS data: its actions, journal and
//! status. Shared by `PaymentDriver` (the full entry) and
//! `describeDriverSnapshot` (the browser entry, for a cashier's screen
//! showing a payment its backend drives: a snapshot holds no secret).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::error::{js, JsResult};
use super::input;
use super::output::{self, Headers};
use crate::driver::{Action, Driver, LogEntry, Outcome, Outgoing, Stage};
use crate::{ConfirmAction, Endpoint, ResultCodeInfo, TransId};

#[wasm_bindgen(typescript_custom_section)]
const TS_DRIVER_STATUS: &str = r#"
/** A MoMo API call. */
export type Endpoint = "pos" | "query" | "confirm";
/** Where a payment stands. */
export type Stage = "paying" | "authorized" | "confirming" | "done";
/** Why a payment ended without a final answer. */
export type UnknownReason =
  | { kind: "deadlinePassed" }
  | { kind: "confirmRefused"; resultCode: number };
/**
 * How a payment ended. "declined" and "cancelled": no money moved.
 * "unknown": it may have; reconcile before charging the shopper again.
 */
export type Outcome =
  | { outcome: "paid"; transId: string | null }
  | { outcome: "declined"; resultCode: number }
  | { outcome: "cancelled"; resultCode: number; transId: string | null }
  | { outcome: "unknown"; reason: UnknownReason };
/** What happened, as journaled by the driver. */
export type LogEvent =
  | { kind: "started"; requestId: string; amount: number }
  | { kind: "send"; endpoint: Endpoint; requestId: string; attempt: number }
  | { kind: "answer"; endpoint: Endpoint; resultCode: number; status: number; signed: boolean }
  | { kind: "badAnswer"; endpoint: Endpoint; status: number; error: string }
  | { kind: "timeout"; endpoint: Endpoint }
  | { kind: "networkError"; endpoint: Endpoint }
  | { kind: "wait"; delayMs: number; untilMs: number }
  | { kind: "ipn"; resultCode: number; transId: string }
  | { kind: "ipnIgnored"; resultCode: number; why: string }
  | { kind: "ipnMismatch"; field: string }
  | { kind: "authorized" }
  | { kind: "decided"; action: "capture" | "cancel"; by: "merchant" | "default" }
  | { kind: "ignored"; what: string }
  | { kind: "conflict"; what: string }
  | { kind: "restored"; resend: Endpoint | null }
  | { kind: "settled"; outcome: Outcome };
/** One journal line: when (host clock, ms), what, and the same as text for a screen or a log. */
export type LogEntry = LogEvent & { atMs: number; text: string };
/** POST `body` (exact bytes) to `url`; persist the snapshot first. */
export interface SendAction {
  type: "send";
  endpoint: Endpoint;
  url: string;
  headers: { "Content-Type": string };
  body: string;
  requestId: string;
  /** The HTTP timeout to use. */
  timeoutMs: number;
  /** When the driver counts the answer as lost (host clock, ms). */
  deadlineMs: number;
  /** 1 the first time these bytes go out, 2 for the first resend... */
  attempt: number;
}
/** Nothing to send before `untilMs`: tick then, or earlier when an IPN arrives. */
export interface WaitAction { type: "wait"; untilMs: number }
/** Authorized (9000): ask the merchant, then decide(); `default` applies at `untilMs`. */
export interface DecideAction { type: "decide"; untilMs: number; default: "capture" | "cancel" }
/** Finished. Only a verified IPN can still change an "unknown" outcome. */
export interface DoneAction { type: "done"; outcome: Outcome }
/** What the host does next. */
export type DriverAction = SendAction | WaitAction | DecideAction | DoneAction;
/** The next action as a screen shows it: a send without its bytes. */
export type DriverActionSummary =
  | Pick<SendAction, "type" | "endpoint" | "requestId" | "deadlineMs" | "attempt">
  | WaitAction
  | DecideAction
  | DoneAction;
/** A payment as its last snapshot tells it. */
export interface DriverStatus {
  stage: Stage;
  outcome: Outcome | null;
  /** The latest result code MoMo gave (answer or IPN), explained. */
  lastResult: ResultCodeInfo | null;
  nextAction: DriverActionSummary;
  orderId: string;
  requestId: string;
  amount: number;
  transId: string | null;
  /** When the current stage gives up (host clock, ms). */
  deadlineMs: number;
  log: LogEntry[];
  /** Journal entries support should look at. */
  anomalies: LogEntry[];
}
"#;

/// The exact request of a send, left out of a screen's summary.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bytes<'a> {
    url: &'a str,
    headers: Headers,
    body: &'a str,
    timeout_ms: u64,
}

#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum ActionOut<'a> {
    Send {
        endpoint: Endpoint,
        request_id: &'a str,
        deadline_ms: u64,
        attempt: u32,
        #[serde(flatten)]
        bytes: Option<Bytes<'a>>,
    },
    Wait {
        until_ms: u64,
    },
    Decide {
        until_ms: u64,
        default: ConfirmAction,
    },
    Done {
        outcome: &'a Outcome,
    },
}

fn action(driver: &Driver, with_bytes: bool) -> ActionOut<'_> {
    match driver.next_action() {
        Action::Send(request) => send(request, with_bytes),
        Action::Wait { until_ms } => ActionOut::Wait { until_ms },
        Action::Decide { until_ms, default } => ActionOut::Decide { until_ms, default },
        Action::Done(outcome) => ActionOut::Done { outcome },
    }
}

fn send(request: &Outgoing, with_bytes: bool) -> ActionOut<'_> {
    ActionOut::Send {
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
#[cfg(feature = "wasm-signing")]
pub(crate) fn next_action(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&action(driver, true))
}

/// A journal line with its Display text, which hosts show as is.
#[derive(Serialize)]
struct LogLine<'a> {
    #[serde(flatten)]
    entry: &'a LogEntry,
    text: String,
}

fn lines<'a>(entries: impl Iterator<Item = &'a LogEntry>) -> Vec<LogLine<'a>> {
    entries
        .map(|entry| LogLine {
            entry,
            text: entry.event.to_string(),
        })
        .collect()
}

#[cfg(feature = "wasm-signing")]
pub(crate) fn log(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&lines(driver.log().iter()))
}

#[cfg(feature = "wasm-signing")]
pub(crate) fn anomalies(driver: &Driver) -> JsResult<JsValue> {
    output::to_js(&lines(driver.anomalies()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusOut<'a> {
    stage: Stage,
    outcome: Option<&'a Outcome>,
    last_result: Option<ResultCodeInfo>,
    next_action: ActionOut<'a>,
    order_id: &'a str,
    request_id: &'a str,
    amount: u64,
    trans_id: Option<&'a TransId>,
    deadline_ms: u64,
    log: Vec<LogLine<'a>>,
    anomalies: Vec<LogLine<'a>>,
}

/// Where a payment stands, from the snapshot its backend persisted
/// (`PaymentDriver.snapshot()`), for a cashier's screen: stage, outcome,
/// latest result code, next action (a send without its bytes), journal.
/// Read as saved: nothing is resumed. Throws `invalid_json` or
/// `invalid_state` for what is not a snapshot.
#[wasm_bindgen(js_name = describeDriverSnapshot, unchecked_return_type = "DriverStatus")]
pub fn describe_driver_snapshot(
    #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
) -> JsResult<JsValue> {
    let snapshot = js(input::text(&snapshot, "snapshot"))?;
    let driver = js(Driver::inspect(&snapshot))?;
    output::to_js(&StatusOut {
        stage: driver.stage(),
        outcome: driver.outcome(),
        last_result: driver.last_result(),
        next_action: action(&driver, false),
        order_id: driver.order_id(),
        request_id: driver.request_id(),
        amount: driver.amount(),
        trans_id: driver.trans_id(),
        deadline_ms: driver.deadline_ms(),
        log: lines(driver.log().iter()),
        anomalies: lines(driver.anomalies()),
    })
}
