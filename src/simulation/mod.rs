//! A scripted MoMo double that plays [`Scenario`]s against the
//! [`Driver`]: the engine of `momo-pos simulate`, of the driver's tests, and
//! usable in an integrator's own tests. Pure Rust, no network, simulated
//! clock.
//!
//! The double answers with unsigned bodies (as MoMo's pages document) and
//! sends IPNs signed with MoMo's public sandbox credentials, which the run
//! verifies with [`Client::verify_ipn`] before feeding them: the full path a
//! host takes.

mod invariants;
mod scenarios;

use serde_json::{json, Value};

pub use invariants::{check_money_rules, codes_before_settling};
pub use scenarios::{find, Scenario, SCENARIOS};

use crate::driver::{Action, Driver, DriverConfig, Event, Outcome, Outgoing};
use crate::error::{Error, Result};
use crate::request::{ConfirmAction, Endpoint};
use crate::result_code::explain;
use crate::signature::hmac_sha256_hex;
use crate::{Client, Credentials, EncryptedPaymentCode, Environment, Lang, PosPayment};

/// MoMo's published sandbox credentials (public, fine in examples).
const PARTNER_CODE: &str = "MOMO";
const ACCESS_KEY: &str = "F8BBA842ECF85";
const SECRET_KEY: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";
/// Simulated clock origin (2023-11-14T22:13:20Z), epoch ms.
pub const T0_MS: u64 = 1_700_000_000_000;
/// The simulated payment's orderId.
pub const ORDER_ID: &str = "ORDER-1001";
/// The simulated payment's pos requestId.
pub const REQUEST_ID: &str = "ORDER-1001-r1";
/// The simulated payment's amount in VND.
pub const AMOUNT: u64 = 50_000;
/// The transId the double assigns.
pub const TRANS_ID: u64 = 4_088_878_653;
const LATENCY_MS: u64 = 300;
const CASHIER_MS: u64 = 4_000;
const MAX_STEPS: usize = 500;

/// One thing MoMo or the cashier does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Beat {
    /// MoMo answers the request in flight with this result code.
    Answer(i64),
    /// The request in flight gets no answer before its timeout.
    Timeout,
    /// The request in flight fails below HTTP.
    NetworkError,
    /// MoMo delivers a signed IPN for the payment.
    Ipn {
        /// Its result code.
        code: i64,
        /// Added to the payment's amount (a notification that must not match).
        amount_off_by: u64,
    },
    /// The cashier chooses capture or cancel.
    Decide(ConfirmAction),
    /// Power loss: the host restores the snapshot it persisted last.
    Crash,
}

/// How to play a scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Round-trip the driver through [`Driver::snapshot`] and
    /// [`Driver::restore`] before every step: the trace must not change.
    pub restore_every_step: bool,
    /// Lose power after persisting and before each send goes out, once
    /// per send: the outcome must not change.
    pub crash_before_every_send: bool,
}

/// What a played scenario did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Run {
    /// The host's view, one line per action or event (`send pos
    /// ORDER-1001-r1`, `answer 1000`, `wait 2000ms`, `done paid`...).
    pub steps: Vec<String>,
    /// Every request the host sent, in order.
    pub sent: Vec<Outgoing>,
    /// How it ended.
    pub outcome: Outcome,
    /// The driver at the end (its journal is the trace).
    pub driver: Driver,
}

/// The client the double's merchant uses.
pub fn client() -> Result<Client> {
    Ok(Client::new(
        Credentials::new(PARTNER_CODE, ACCESS_KEY, SECRET_KEY)?,
        Environment::Test,
    )
    .with_lang(Lang::En))
}

/// The payment every scenario takes: 50,000 VND for ORDER-1001. The
/// ciphertext is a stand-in: the double never decrypts it.
pub fn payment(auto_capture: bool) -> Result<PosPayment> {
    use base64::Engine as _;
    let stand_in = base64::engine::general_purpose::STANDARD.encode([0x5a_u8; 256]);
    Ok(PosPayment::new(
        ORDER_ID,
        REQUEST_ID,
        AMOUNT,
        EncryptedPaymentCode::from_base64(&stand_in)?,
    )
    .order_info("Cà phê sữa đá x2")
    .ipn_url("https://pos.example.vn/momo/ipn")
    .auto_capture(auto_capture))
}

/// Plays `scenario` with the default [`DriverConfig`].
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<Run> {
    run_with(scenario, options, DriverConfig::default())
}

/// Plays `scenario` with `config`.
pub fn run_with(scenario: &Scenario, options: RunOptions, config: DriverConfig) -> Result<Run> {
    let client = client()?;
    let mut host = Host {
        now: T0_MS,
        driver: Driver::start(&client, &payment(scenario.auto_capture)?, config, T0_MS)?,
        persisted: String::new(),
        outstanding: None,
        crashed_for: None,
        steps: Vec::new(),
        sent: Vec::new(),
    };
    host.persisted = host.driver.snapshot()?;
    let mut beats = scenario.script.iter().copied().peekable();
    for _ in 0..MAX_STEPS {
        if options.restore_every_step {
            host.driver = Driver::restore(&host.driver.snapshot()?, host.now)?;
        }
        // A request the driver hands out goes out before anything else
        // happens: MoMo can only react to what it was sent.
        let must_send =
            host.outstanding.is_none() && matches!(host.driver.next_action(), Action::Send(_));
        match beats.peek().copied() {
            _ if must_send => {}
            Some(Beat::Ipn {
                code,
                amount_off_by,
            }) => {
                beats.next();
                host.ipn(&client, code, amount_off_by)?;
                continue;
            }
            Some(Beat::Crash) => {
                beats.next();
                host.crash()?;
                continue;
            }
            Some(reply @ (Beat::Answer(_) | Beat::Timeout | Beat::NetworkError))
                if host.outstanding.is_some() =>
            {
                beats.next();
                host.reply(&client, reply)?;
                continue;
            }
            _ => {}
        }
        match host.driver.next_action() {
            Action::Done(outcome) => {
                let outcome = outcome.clone();
                if let Some(extra) = beats.next() {
                    return Err(script_error(format!("{extra:?} left after the end")));
                }
                host.steps.push(format!("done {}", outcome.as_str()));
                return Ok(Run {
                    steps: host.steps,
                    sent: host.sent,
                    outcome,
                    driver: host.driver,
                });
            }
            Action::Send(request) => {
                let request = request.clone();
                if host.outstanding.is_some() {
                    return Err(script_error(format!(
                        "a reply is due for the {} request, found {:?}",
                        request.endpoint(),
                        beats.peek()
                    )));
                }
                host.persisted = host.driver.snapshot()?;
                if options.crash_before_every_send && host.crashed_for != Some(host.sent.len()) {
                    host.crashed_for = Some(host.sent.len());
                    host.crash()?;
                    continue;
                }
                host.send(request);
                if beats.peek().is_none() {
                    // The script is over: MoMo stays silent from now on.
                    host.reply(&client, Beat::Timeout)?;
                }
            }
            Action::Wait { until_ms } => {
                host.steps
                    .push(format!("wait {}ms", until_ms.saturating_sub(host.now)));
                host.now = host.now.max(until_ms);
                host.driver.handle(&client, host.now, Event::Tick)?;
            }
            Action::Decide { until_ms, .. } => {
                if let Some(Beat::Decide(action)) = beats.peek().copied() {
                    beats.next();
                    host.now += CASHIER_MS;
                    host.steps.push(format!("decide {action}"));
                    host.driver.decide(&client, host.now, action)?;
                } else {
                    host.steps.push("no decision".into());
                    host.now = host.now.max(until_ms);
                    host.driver.handle(&client, host.now, Event::Tick)?;
                }
            }
        }
    }
    Err(script_error(format!("no end after {MAX_STEPS} steps")))
}

fn script_error(reason: String) -> Error {
    Error::InvalidState {
        reason: format!("simulation script: {reason}"),
    }
}

/// The host: performs actions, keeps the persisted snapshot, keeps the
/// clock.
struct Host {
    now: u64,
    driver: Driver,
    persisted: String,
    outstanding: Option<Outgoing>,
    crashed_for: Option<usize>,
    steps: Vec<String>,
    sent: Vec<Outgoing>,
}

impl Host {
    fn send(&mut self, request: Outgoing) {
        self.steps.push(format!(
            "send {} {}",
            request.endpoint(),
            request.request_id()
        ));
        self.sent.push(request.clone());
        self.outstanding = Some(request);
    }

    fn reply(&mut self, client: &Client, beat: Beat) -> Result<()> {
        let Some(request) = self.outstanding.take() else {
            return Err(script_error("a reply with nothing sent".into()));
        };
        match beat {
            Beat::Answer(code) => {
                self.now += LATENCY_MS;
                self.steps.push(format!("answer {code}"));
                let body = answer_body(&request, code)?;
                let event = Event::Response {
                    status: 200,
                    body: body.as_bytes(),
                };
                self.driver.handle(client, self.now, event)
            }
            Beat::Timeout => {
                self.now = self.now.max(request.deadline_ms());
                self.steps.push("timeout".into());
                self.driver.handle(client, self.now, Event::Timeout)
            }
            _ => {
                self.now += 50;
                self.steps.push("network error".into());
                self.driver.handle(client, self.now, Event::NetworkError)
            }
        }
    }

    fn ipn(&mut self, client: &Client, code: i64, amount_off_by: u64) -> Result<()> {
        self.now += LATENCY_MS;
        let amount = AMOUNT + amount_off_by;
        self.steps.push(if amount_off_by == 0 {
            format!("ipn {code}")
        } else {
            format!("ipn {code} amount {amount}")
        });
        let notification = client.verify_ipn(ipn_body(code, amount, self.now).as_bytes())?;
        self.driver
            .handle(client, self.now, Event::Ipn(&notification))
    }

    fn crash(&mut self) -> Result<()> {
        self.steps.push("crash".into());
        self.outstanding = None;
        self.driver = Driver::restore(&self.persisted, self.now)?;
        Ok(())
    }
}

/// MoMo's answer to `request`, echoing its orderId and requestId.
fn answer_body(request: &Outgoing, code: i64) -> Result<String> {
    let sent: Value = serde_json::from_str(request.body_str()).map_err(|e| Error::InvalidJson {
        reason: e.to_string(),
    })?;
    let echo = |key: &str| sent.get(key).cloned().unwrap_or(Value::Null);
    let mut answer = json!({
        "partnerCode": echo("partnerCode"),
        "orderId": echo("orderId"),
        "requestId": echo("requestId"),
        "amount": AMOUNT,
        "transId": TRANS_ID,
        "resultCode": code,
        "message": explain(code).message_en,
        "responseTime": T0_MS,
    });
    if let (Endpoint::Confirm, Some(fields)) = (request.endpoint(), answer.as_object_mut()) {
        fields.insert("requestType".into(), echo("requestType"));
    }
    Ok(answer.to_string())
}

/// A notification for the simulated payment, signed as MoMo signs it with
/// the sandbox credentials of [`client`].
pub fn ipn_body(code: i64, amount: u64, now: u64) -> String {
    let message = explain(code).message_en;
    let order_info = "Cà phê sữa đá x2";
    let raw = format!(
        "accessKey={ACCESS_KEY}&amount={amount}&extraData=&message={message}&orderId={ORDER_ID}\
         &orderInfo={order_info}&orderType=momo_wallet&partnerCode={PARTNER_CODE}&payType=pos\
         &requestId={REQUEST_ID}&responseTime={now}&resultCode={code}&transId={TRANS_ID}"
    );
    json!({
        "partnerCode": PARTNER_CODE,
        "orderId": ORDER_ID,
        "requestId": REQUEST_ID,
        "amount": amount,
        "orderInfo": order_info,
        "orderType": "momo_wallet",
        "transId": TRANS_ID,
        "resultCode": code,
        "message": message,
        "payType": "pos",
        "responseTime": now,
        "extraData": "",
        "signature": hmac_sha256_hex(SECRET_KEY.as_bytes(), raw.as_bytes()),
    })
    .to_string()
}
