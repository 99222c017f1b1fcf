//! `PaymentDriver`: the core's transaction driver (`momo_pos::driver`) for JS
//! hosts (feature `signing`). Each method converts its arguments and
//! calls the core; every protocol decision stays in `Driver`. The client is
//! bound once, by `start` or `restore`, and shared (`Rc`) with the
//! `MomoClient` it came from; every clock argument is optional and last,
//! `Date.now()` when left out.

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::client::{notification_out, pos_payment, JsClient};
use super::error::{js, JsResult};
use super::names::JsResultInfo;
use super::{input, objects, output, status};
use momo_pos::driver::{Driver, DriverConfig, Event};
use momo_pos::{Client, ConfirmAction, Error};

#[wasm_bindgen(typescript_custom_section)]
const TS_DRIVER: &str = r#"
/** The driver's timing and retry policy; every time in host-clock milliseconds. */
export interface DriverConfig {
  /** HTTP timeout for every call; at least 30000 (MoMo's minimum). Default 30000. */
  requestTimeoutMs: number;
  /** Delays before each status query; the last one repeats. Default [2000, 2000, 3000, 5000, 5000, 10000]. */
  pollDelaysMs: number[];
  /** From the start: a payment with no final answer by then ends "unknown". Default 180000. */
  paymentWindowMs: number;
  /** From an authorization (9000): time for the merchant's decision. Default 120000. */
  decisionWindowMs: number;
  /** Applied when the decision window closes. Default "cancel". */
  onUndecided: "capture" | "cancel";
  /** From the decision: time for the confirm call to settle. Default 120000. */
  confirmWindowMs: number;
  /** Identical pos resends when a status query says MoMo has no such order. Default 2. */
  maxPosResends: number;
  /** Identical confirm sends in all. Default 3. */
  maxConfirmSends: number;
}
"#;

fn config(value: &JsValue) -> momo_pos::Result<DriverConfig> {
    if value.is_undefined() || value.is_null() {
        Ok(DriverConfig::default())
    } else {
        objects::object(value, "config")
    }
}

fn decision(value: &JsValue) -> momo_pos::Result<ConfirmAction> {
    input::text(value, "action")?
        .parse()
        .map_err(|_| Error::invalid("action", "must be \"capture\" or \"cancel\""))
}

/// One payment taken to a safe, known end: ask `nextAction()`, perform it,
/// report what happened (a send's fate with its `id`), ask again. Persist
/// `snapshot()` before performing every send (the write-ahead rule); after
/// a crash, `PaymentDriver.restore` resends the request in flight, same
/// bytes, under a new id. Never throws for what MoMo or the network does:
/// that is journaled and steers the payment.
#[wasm_bindgen(js_name = PaymentDriver)]
pub struct JsDriver {
    driver: Driver,
    client: Rc<Client>,
}

/// The clock argument of every method: optional, `Date.now()` by default.
pub(super) fn now(value: &JsValue) -> JsResult<u64> {
    js(input::now_or_given(value, "nowMs"))
}

/// A restored driver must be fed by its own merchant's client: checked at
/// once rather than at the first event. `what` is a "payment" or a
/// "refund", `body` the request that started it.
pub(super) fn check_partner(what: &str, body: &str, client: &Client) -> momo_pos::Result<()> {
    let body: serde_json::Value = serde_json::from_str(body).map_err(|e| Error::InvalidJson {
        reason: format!("the snapshot's {what} request: {e}"),
    })?;
    let ours = body.get("partnerCode").and_then(serde_json::Value::as_str);
    let given = client.credentials().partner_code();
    if ours == Some(given) {
        Ok(())
    } else {
        Err(Error::InvalidState {
            reason: format!(
                "this {what} belongs to partnerCode {:?}, not to the client given ({given:?})",
                ours.unwrap_or_default()
            ),
        })
    }
}

#[wasm_bindgen(js_class = PaymentDriver)]
impl JsDriver {
    /// Checks and signs the pos request once (the same input as
    /// `client.posRequest`) and binds `client` to the driver for every later
    /// call; the first action sends it. `config` may name only what it
    /// changes.
    pub fn start(
        client: &JsClient,
        #[wasm_bindgen(unchecked_param_type = "PosPaymentInput")] payment: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Partial<DriverConfig>")] config: JsValue,
    ) -> JsResult<JsDriver> {
        let now = now(&now_ms)?;
        let start = || {
            let config = self::config(&config)?;
            let payment = pos_payment(&payment)?;
            Driver::start(&client.client, &payment, config, now)
        };
        js(start()).map(|driver| Self {
            driver,
            client: Rc::clone(&client.client),
        })
    }

    /// Rebuilds a driver from `snapshot()`, bound to `client`. A request that
    /// was in flight is asked for again, byte for byte, under a new id.
    /// Throws `invalidJson` or `invalidState` for what is not a snapshot, and
    /// `invalidState` when `client` is another merchant's.
    pub fn restore(
        client: &JsClient,
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<JsDriver> {
        let now = now(&now_ms)?;
        let restore = || {
            let snapshot = input::text(&snapshot, "snapshot")?;
            let driver = Driver::restore(&snapshot, now)?;
            check_partner("payment", driver.pos_request().body_str(), &client.client)?;
            Ok(driver)
        };
        js(restore()).map(|driver| Self {
            driver,
            client: Rc::clone(&client.client),
        })
    }

    /// What the host should do now. Ask again after every event: a send
    /// stays the answer until its fate is reported, so compare its `id`
    /// with the sends already under way rather than sending it twice.
    #[wasm_bindgen(js_name = nextAction, unchecked_return_type = "DriverAction")]
    pub fn next_action(&self) -> JsResult<JsValue> {
        status::next_action(&self.driver)
    }

    fn handle(&mut self, now: u64, event: Event<'_>) -> JsResult<()> {
        js(self.driver.handle(&self.client, now, event))
    }

    /// The send `sendId` (its `action.id`) got an HTTP answer: its status
    /// and raw body as received. An answer to a send that is no longer in
    /// flight is journaled as `stale` and changes nothing.
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

    /// Verifies an IPN from the raw body (as `client.verifyIpn`), feeds it
    /// to the driver and returns it. A notification that fails to verify
    /// throws and leaves the driver as it was; one for another payment is
    /// journaled as an anomaly and changes nothing.
    #[wasm_bindgen(js_name = handleIpn, unchecked_return_type = "Notification")]
    pub fn handle_ipn(
        &mut self,
        #[wasm_bindgen(js_name = rawBody, unchecked_param_type = "RawBody")] raw_body: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<JsValue> {
        let now = now(&now_ms)?;
        let notification = js(input::body(&raw_body).and_then(|b| self.client.verify_ipn(&b)))?;
        self.handle(now, Event::Ipn(&notification))?;
        notification_out(&notification)
    }

    /// Time passed: call it at a wait's `untilMs` (or a decide's).
    pub fn tick(
        &mut self,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let now = now(&now_ms)?;
        self.handle(now, Event::Tick)
    }

    /// The merchant's capture or cancel of an authorized payment; throws
    /// `invalidState` when no decision is expected.
    pub fn decide(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "\"capture\" | \"cancel\"")] action: JsValue,
        #[wasm_bindgen(js_name = nowMs, unchecked_optional_param_type = "number")] now_ms: JsValue,
    ) -> JsResult<()> {
        let action = js(decision(&action))?;
        let now = now(&now_ms)?;
        js(self.driver.decide(&self.client, now, action))
    }

    /// The whole state as JSON (no secret): persist it before every send.
    pub fn snapshot(&self) -> JsResult<String> {
        js(self.driver.snapshot())
    }

    /// Where the payment stands.
    #[wasm_bindgen(getter, unchecked_return_type = "Stage")]
    pub fn stage(&self) -> String {
        self.driver.stage().as_str().to_owned()
    }

    /// The outcome, once there is one.
    #[wasm_bindgen(getter, unchecked_return_type = "Outcome | null")]
    pub fn outcome(&self) -> JsResult<JsValue> {
        output::to_js(&self.driver.outcome())
    }

    /// Where the payment stands, for a cashier's screen (no request bytes,
    /// no secret): what a backend sends its page.
    #[wasm_bindgen(getter, unchecked_return_type = "DriverStatus")]
    pub fn status(&self) -> JsResult<JsValue> {
        status::status(&self.driver)
    }

    /// The journal, oldest first, each entry with its text.
    #[wasm_bindgen(getter, unchecked_return_type = "LogEntry[]")]
    pub fn log(&self) -> JsResult<JsValue> {
        status::log(&self.driver)
    }

    /// Journal entries support should look at (mismatched IPNs,
    /// contradictions, unusable answers).
    #[wasm_bindgen(getter, unchecked_return_type = "LogEntry[]")]
    pub fn anomalies(&self) -> JsResult<JsValue> {
        status::anomalies(&self.driver)
    }

    /// The latest result code MoMo gave (answer or IPN), explained.
    #[wasm_bindgen(getter, js_name = lastResult, unchecked_return_type = "ResultCodeInfo | null")]
    pub fn last_result(&self) -> JsResult<JsValue> {
        output::to_js(&self.driver.last_result().map(JsResultInfo))
    }

    /// The order being paid.
    #[wasm_bindgen(getter, js_name = orderId)]
    pub fn order_id(&self) -> String {
        self.driver.order_id().to_owned()
    }

    /// The pos requestId: MoMo's idempotency key for this payment.
    #[wasm_bindgen(getter, js_name = requestId)]
    pub fn request_id(&self) -> String {
        self.driver.request_id().to_owned()
    }

    /// Amount in VND.
    #[wasm_bindgen(getter)]
    pub fn amount(&self) -> f64 {
        self.driver.amount() as f64
    }

    /// MoMo's transaction id (exact digits), once an answer or IPN stated it.
    #[wasm_bindgen(getter, js_name = transId, unchecked_return_type = "string | null")]
    pub fn trans_id(&self) -> JsValue {
        self.driver
            .trans_id()
            .map_or(JsValue::NULL, |id| JsValue::from_str(id.as_str()))
    }

    /// When the current stage gives up (host clock, ms).
    #[wasm_bindgen(getter, js_name = deadlineMs)]
    pub fn deadline_ms(&self) -> f64 {
        self.driver.deadline_ms() as f64
    }
}
