//! `RefundDriver`: the core's refund driver (`momo_pos::refund`) for JS
//! hosts (feature `signing`: a refund is signed with the secret, so none of
//! this is in the browser binary or its declarations). The same conventions
//! as `PaymentDriver` (`super::driver`): the client is bound by `start` or
//! `restore`, every clock argument is optional (`Date.now()`), and every
//! protocol decision stays in the core.

use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::client::{refund, JsClient};
use super::driver::{check_partner, now};
use super::error::{js, JsResult};
use super::names::JsResultInfo;
use super::status::{self, SendOut};
use super::{input, objects, output};
use momo_pos::driver::Event;
use momo_pos::refund::{PaidPayment, RefundAction, RefundConfig, RefundDriver, RefundOutcome};
use momo_pos::Client;

#[wasm_bindgen(typescript_custom_section)]
const TS_REFUND: &str = r#"
/** The refund driver's timing and retry policy; every time in host-clock milliseconds. */
export interface RefundConfig {
  /** HTTP timeout for every call; at least 30000 (MoMo's minimum). Default 30000. */
  requestTimeoutMs: number;
  /** Delays before each status query of the payment; the last one repeats. Default [2000, 3000, 5000, 10000]. */
  pollDelaysMs: number[];
  /** From the start: a refund with no known fate by then ends "unknown". Default 300000. */
  refundWindowMs: number;
  /** Identical refund sends in all (a resend follows a query that lists no such refund). Default 3. */
  maxRefundSends: number;
}
/**
 * The payment refunded, as the host's records have it: checked before
 * anything is signed (the refund must name its transId and fit in what is left).
 */
export interface PaidPayment {
  /** The payment's orderId: its status query lists its refunds. */
  orderId: string;
  /** MoMo's transId of the payment (its "paid" outcome or IPN gave it): digits, a BigInt, or a number up to 2^53 - 1. */
  transId: string | bigint | number;
  /** VND paid. */
  amount: number;
  /** VND already refunded, or possibly refunded (count "unknown" refunds until reconciled). Default 0. */
  refunded?: number;
}
/** The calls a refund makes: the refund itself, and status queries of the payment. */
export type RefundEndpoint = "refund" | "query";
/**
 * How a refund ended. "refused": nothing was given back (lastResult explains
 * the code: 1080 retry later with a new refund, 1081 already refunded or over
 * what is left, 1088 not refundable). "unknown": the money may have gone back;
 * count it as refunded and reconcile (the payment's status query lists its
 * refunds) before refunding again.
 */
export type RefundOutcome =
  | { outcome: "refunded"; transId: string | null }
  | { outcome: "refused"; resultCode: number }
  | { outcome: "unknown"; lastResultCode: number | null };
/** POST `body` to `url` (persist the snapshot first) and report its fate with `id`, as for a payment's SendAction. */
export interface RefundSendAction extends Omit<SendAction, "endpoint"> {
  endpoint: RefundEndpoint;
}
/** Finished. */
export interface RefundDoneAction { type: "done"; outcome: RefundOutcome }
/** What the host does next: send, wait (tick at `untilMs`), or nothing more. */
export type RefundAction = RefundSendAction | WaitAction | RefundDoneAction;
/** What happened to a refund, as journaled by its driver. */
export type RefundLogEvent =
  | { kind: "refundStarted"; requestId: string; amount: number; transId: string }
  | { kind: "send"; id: number; endpoint: RefundEndpoint; requestId: string; attempt: number }
  | { kind: "answer"; endpoint: RefundEndpoint; resultCode: number; status: number; signed: boolean }
  | { kind: "badAnswer"; endpoint: RefundEndpoint; status: number; error: string }
  | { kind: "timeout"; endpoint: RefundEndpoint }
  | { kind: "networkError"; endpoint: RefundEndpoint }
  | { kind: "wait"; delayMs: number; untilMs: number }
  /** What a status query of the payment said about this refund (English, for support). */
  | { kind: "evidence"; what: string }
  | { kind: "ignored"; what: string }
  | { kind: "conflict"; what: string }
  | { kind: "stale"; id: number; what: string }
  | { kind: "restored"; resend: RefundEndpoint | null }
  | { kind: "refundSettled"; outcome: RefundOutcome };
/** One line of a refund's journal, with its text for a screen or a log. */
export type RefundLogEntry = RefundLogEvent & { atMs: number; text: string };
"#;

fn config(value: &JsValue) -> momo_pos::Result<RefundConfig> {
    if value.is_undefined() || value.is_null() {
        Ok(RefundConfig::default())
    } else {
        objects::object(value, "config")
    }
}

/// A `PaidPayment` object: the core's, with a `transId` given as a safe JS
/// number turned into its digits first (digits and BigInts are text already).
fn paid_payment(value: &JsValue) -> momo_pos::Result<PaidPayment> {
    let mut tree = objects::tree(value, "payment")?;
    if let Some(id) = tree.get_mut("transId") {
        if let Some(n) = id.as_u64() {
            *id = Value::String(n.to_string());
        }
    }
    momo_pos::input::from_value(tree, "payment")
}

#[derive(Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum ActionOut<'a> {
    Send(SendOut<'a>),
    Wait { until_ms: u64 },
    Done { outcome: &'a RefundOutcome },
    Unsupported,
}

/// One refund of a paid payment taken to a known end: the same loop as
/// `PaymentDriver` (ask `nextAction()`, perform it, report its fate with its
/// `id`, ask again; persist `snapshot()` before every send). The refund is
/// signed once and every resend is the same bytes with the same requestId,
/// so MoMo never sees two refunds where the host meant one.
#[wasm_bindgen(js_name = RefundDriver)]
pub struct JsRefundDriver {
    driver: RefundDriver,
    client: Rc<Client>,
}

#[wasm_bindgen(js_class = RefundDriver)]
impl JsRefundDriver {
    /// Checks the refund (the same input as `client.refundRequest`) against
    /// `payment`: its transId must be the payment's (else `invalidField`
    /// `transId`) and its amount fit in what is left (`amount`). Then signs
    /// it once and binds `client`; the first action sends it. `config` may
    /// name only what it changes.
    pub fn start(
        client: &JsClient,
        #[wasm_bindgen(unchecked_param_type = "RefundInput")] refund: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PaidPayment")] payment: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Partial<RefundConfig>")] config: JsValue,
    ) -> JsResult<JsRefundDriver> {
        let now = now(&now_ms)?;
        let start = || {
            let config = self::config(&config)?;
            let refund = self::refund(&refund)?;
            let payment = paid_payment(&payment)?;
            RefundDriver::start(&client.client, &refund, &payment, config, now)
        };
        js(start()).map(|driver| Self {
            driver,
            client: Rc::clone(&client.client),
        })
    }

    /// Rebuilds a driver from `snapshot()`, bound to `client`. A request that
    /// was in flight is asked for again, byte for byte, under a new id.
    /// Throws `invalidJson` or `invalidState` for what is not a refund
    /// snapshot, and `invalidState` when `client` is another merchant's.
    pub fn restore(
        client: &JsClient,
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<JsRefundDriver> {
        let now = now(&now_ms)?;
        let restore = || {
            let snapshot = input::text(&snapshot, "snapshot")?;
            let driver = RefundDriver::restore(&snapshot, now)?;
            check_partner("refund", driver.refund_request().body_str(), &client.client)?;
            Ok(driver)
        };
        js(restore()).map(|driver| Self {
            driver,
            client: Rc::clone(&client.client),
        })
    }

    /// What the host should do now. Ask again after every event: a send
    /// stays the answer until its fate is reported.
    #[wasm_bindgen(js_name = nextAction, unchecked_return_type = "RefundAction")]
    pub fn next_action(&self) -> JsResult<JsValue> {
        output::to_js(&match self.driver.next_action() {
            RefundAction::Send(request) => ActionOut::Send(status::send(request, true)),
            RefundAction::Wait { until_ms } => ActionOut::Wait { until_ms },
            RefundAction::Done(outcome) => ActionOut::Done { outcome },
            // Unreachable while the core is pinned to this version (=0.1.0).
            _ => ActionOut::Unsupported,
        })
    }

    fn handle(&mut self, now: u64, event: Event<'_>) -> JsResult<()> {
        js(self.driver.handle(&self.client, now, event))
    }

    /// The send `sendId` (its `action.id`) got an HTTP answer: its status
    /// and raw body as received. An answer to a send no longer in flight is
    /// journaled as `stale` and changes nothing.
    #[wasm_bindgen(js_name = handleResponse)]
    pub fn handle_response(
        &mut self,
        #[wasm_bindgen(js_name = sendId, unchecked_param_type = "number")] send_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] status: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let id = js(input::send_id(&send_id))?;
        let status = js(input::http_status(&status))?;
        let body = js(input::body(&body))?;
        let now = now(&now_ms)?;
        self.handle(
            now,
            Event::Response {
                id,
                status,
                body: &body,
            },
        )
    }

    /// The send `sendId` got no answer within its timeout.
    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(
        &mut self,
        #[wasm_bindgen(js_name = sendId, unchecked_param_type = "number")] send_id: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let id = js(input::send_id(&send_id))?;
        let now = now(&now_ms)?;
        self.handle(now, Event::Timeout { id })
    }

    /// The send `sendId` failed below HTTP (DNS, connect, TLS, reset).
    #[wasm_bindgen(js_name = handleNetworkError)]
    pub fn handle_network_error(
        &mut self,
        #[wasm_bindgen(js_name = sendId, unchecked_param_type = "number")] send_id: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let id = js(input::send_id(&send_id))?;
        let now = now(&now_ms)?;
        self.handle(now, Event::NetworkError { id })
    }

    /// Time passed: call it at a wait's `untilMs`.
    pub fn tick(
        &mut self,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let now = now(&now_ms)?;
        self.handle(now, Event::Tick)
    }

    /// The whole state as JSON (no secret): persist it before every send.
    pub fn snapshot(&self) -> JsResult<String> {
        js(self.driver.snapshot())
    }

    /// The outcome, once there is one.
    #[wasm_bindgen(getter, unchecked_return_type = "RefundOutcome | null")]
    pub fn outcome(&self) -> JsResult<JsValue> {
        output::to_js(&self.driver.outcome())
    }

    /// The journal, oldest first, each entry with its text.
    #[wasm_bindgen(getter, unchecked_return_type = "RefundLogEntry[]")]
    pub fn log(&self) -> JsResult<JsValue> {
        output::to_js(&status::lines(self.driver.log().iter()))
    }

    /// Journal entries support should look at (contradictions, unusable
    /// answers).
    #[wasm_bindgen(getter, unchecked_return_type = "RefundLogEntry[]")]
    pub fn anomalies(&self) -> JsResult<JsValue> {
        output::to_js(&status::lines(self.driver.anomalies()))
    }

    /// The latest code MoMo gave about this refund (its answer, or its
    /// `refundTrans` entry), explained.
    #[wasm_bindgen(getter, js_name = lastResult, unchecked_return_type = "ResultCodeInfo | null")]
    pub fn last_result(&self) -> JsResult<JsValue> {
        output::to_js(&self.driver.last_result().map(JsResultInfo))
    }

    /// The refund's own orderId.
    #[wasm_bindgen(getter, js_name = orderId)]
    pub fn order_id(&self) -> String {
        self.driver.order_id().to_owned()
    }

    /// The refund's requestId: MoMo's idempotency key for it.
    #[wasm_bindgen(getter, js_name = requestId)]
    pub fn request_id(&self) -> String {
        self.driver.request_id().to_owned()
    }

    /// VND to give back.
    #[wasm_bindgen(getter)]
    pub fn amount(&self) -> f64 {
        self.driver.amount() as f64
    }

    /// The refunded payment's orderId.
    #[wasm_bindgen(getter, js_name = paymentOrderId)]
    pub fn payment_order_id(&self) -> String {
        self.driver.payment_order_id().to_owned()
    }

    /// The refunded payment's transId (exact digits).
    #[wasm_bindgen(getter, js_name = paymentTransId)]
    pub fn payment_trans_id(&self) -> String {
        self.driver.payment_trans_id().as_str().to_owned()
    }

    /// When the refund gives up (host clock, ms).
    #[wasm_bindgen(getter, js_name = deadlineMs)]
    pub fn deadline_ms(&self) -> f64 {
        self.driver.deadline_ms() as f64
    }
}
