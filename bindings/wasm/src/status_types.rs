//! TypeScript types of the driver's JS data, in both entries: a web page
//! renders the `DriverStatus` its backend sends (`PaymentDriver.status`)
//! without carrying the driver itself.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_DRIVER_STATUS: &str = r#"
/** A MoMo API call. */
export type Endpoint = "pos" | "query" | "confirm";
/** Where a payment stands. */
export type Stage = "paying" | "authorized" | "confirming" | "done";
/** Why a payment ended without a final answer. */
export type UnknownReason =
  | { kind: "deadlinePassed" }
  /**
   * Status queries still said 9000 after every confirm call: the shopper's
   * money is held; capture or cancel it on MoMo's portal.
   * `confirmResultCode`: MoMo's answer to the last confirm call refused
   * (not 0), if any was.
   */
  | { kind: "stillAuthorized"; confirmResultCode: number | null }
  /** Only in payments restored from a 0.1 snapshot (format 1): MoMo refused the confirm call. */
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
  /** `id`: the send's `SendAction.id` (0 in journals of format-1 snapshots). */
  | { kind: "send"; id: number; endpoint: Endpoint; requestId: string; attempt: number }
  | { kind: "answer"; endpoint: Endpoint; resultCode: number; status: number; signed: boolean }
  | { kind: "badAnswer"; endpoint: Endpoint; status: number; error: string }
  | { kind: "timeout"; endpoint: Endpoint }
  | { kind: "networkError"; endpoint: Endpoint }
  | { kind: "wait"; delayMs: number; untilMs: number }
  | { kind: "ipn"; resultCode: number; transId: string }
  | { kind: "ipnIgnored"; resultCode: number; why: string }
  | { kind: "ipnMismatch"; field: "partnerCode" | "orderId" | "requestId" | "amount" }
  | { kind: "authorized" }
  | { kind: "decided"; action: "capture" | "cancel"; by: "merchant" | "default" }
  | { kind: "ignored"; what: string }
  | { kind: "conflict"; what: string }
  /** A send's answer, timeout or network error after it stopped being in flight: changed nothing. */
  | { kind: "stale"; id: number; what: string }
  | { kind: "restored"; resend: Endpoint | null }
  | { kind: "settled"; outcome: Outcome };
/** One journal line: when (host clock, ms), what, and the same as text for a screen or a log. */
export type LogEntry = LogEvent & { atMs: number; text: string };
/**
 * POST `body` (exact bytes) to `url`; persist the snapshot first. Report
 * what became of it with `id`: handleResponse, handleTimeout or
 * handleNetworkError. It stays the next action until then: a host that asks
 * again meanwhile (after an IPN) knows a send it already performed by `id`.
 */
export interface SendAction {
  type: "send";
  /** This hand-out of the request: unique within the payment; a resend or a restore gets a new one. */
  id: number;
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
  | Pick<SendAction, "type" | "id" | "endpoint" | "requestId" | "deadlineMs" | "attempt">
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
