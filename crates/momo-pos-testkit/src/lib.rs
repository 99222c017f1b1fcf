//! A scripted MoMo double that plays a [`Script`] (a named [`Scenario`],
//! or an integrator's own file) against the [`Driver`], or, for a refund
//! script, against the [`RefundDriver`](momo_pos::refund::RefundDriver)
//! ([`play_refund`]): the engine of `momo-pos simulate`, of the drivers'
//! tests, and usable in an integrator's own tests. Pure Rust, no network,
//! simulated clock.
//!
//! The host it plays is an asynchronous one: it performs each send once,
//! keeps the answers of every request it sent until they arrive (an answer
//! can come after the driver moved on), hands each back with its
//! [`SendId`], persists the snapshot before every send and restores it
//! after a crash.
//!
//! The double answers with unsigned bodies (as MoMo's pages document) and
//! sends IPNs signed with MoMo's public sandbox credentials, which the run
//! verifies with [`Client::verify_ipn`] before feeding them: the full path a
//! host takes.

mod invariants;
mod refund;
mod scenarios;
mod script;

use std::collections::{HashSet, VecDeque};

use serde_json::{json, Value};

pub use invariants::{check_money_rules, check_refund_rules, codes_before_settling};
pub use refund::{
    paid_payment, play_refund, refund, run_refund, RefundRun, REFUND_ORDER_ID, REFUND_REQUEST_ID,
    REFUND_TRANS_ID,
};
pub use scenarios::{find, find_refund, Scenario, REFUND_SCENARIOS, SCENARIOS};
pub use script::{
    Answers, Crash, Decision, IpnDelivery, Lost, RefundListing, RefundPlan, Reply, Script,
};

use momo_pos::driver::{Action, Driver, Event, Outcome, Outgoing, SendId};
use momo_pos::hmac_sha256_hex;
use momo_pos::result_code::explain;
use momo_pos::Endpoint;
use momo_pos::{
    Client, ConfirmAction, CredentialFields, Credentials, EncryptedPaymentCode, Environment, Lang,
    PosPayment,
};
use momo_pos::{Error, Result};

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
const MAX_STEPS: usize = 2_000;
/// How soon a network error is reported after the send.
const NETWORK_ERROR_MS: u64 = 50;

/// How to play a script.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Round-trip the driver through [`Driver::snapshot`] and
    /// [`Driver::inspect`] before every step: the trace must not change.
    pub restore_every_step: bool,
    /// Lose power after persisting and before each send goes out, once
    /// per send: the outcome must not change.
    pub crash_before_every_send: bool,
}

/// What a played script did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Run {
    /// The host's view, one line per action or event (`send pos
    /// ORDER-1001-r1`, `answer 1000`, `wait 2000ms`, `stale answer 9000`,
    /// `done paid`...).
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
        Credentials::new(CredentialFields {
            partner_code: PARTNER_CODE,
            access_key: ACCESS_KEY,
            secret_key: SECRET_KEY,
        })?,
        Environment::Test,
    )
    .with_lang(Lang::En))
}

/// The payment every script takes: 50,000 VND for ORDER-1001. The
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
    .with_order_info("Cà phê sữa đá x2")
    .with_ipn_url("https://pos.example.vn/momo/ipn")
    .with_auto_capture(auto_capture))
}

/// Plays a named scenario.
pub fn run(scenario: &Scenario, options: RunOptions) -> Result<Run> {
    play(&scenario.script()?, options)
}

/// Plays `script` with the [`DriverConfig`](momo_pos::driver::DriverConfig) it names (defaults otherwise).
/// A refund script is refused: [`play_refund`] plays it.
pub fn play(script: &Script, options: RunOptions) -> Result<Run> {
    if script.is_refund() {
        return Err(script_error(
            "a refund script (it has \"refund\") is played by play_refund".into(),
        ));
    }
    let client = client()?;
    let config = script.config.clone().unwrap_or_default();
    let driver = Driver::start(&client, &payment(script.auto_capture)?, config, T0_MS)?;
    let played = Host::new(&client, script, driver)?.play(options)?;
    Ok(Run {
        steps: played.steps,
        sent: played.sent,
        outcome: played.outcome,
        driver: played.driver,
    })
}

/// What the host does with the driver's next action.
enum Step<'d> {
    Send(&'d Outgoing),
    Wait { until_ms: u64 },
    Decide { until_ms: u64 },
    Done,
}

/// What the host needs of a driver: the payment's or the refund's.
trait Driven: Sized {
    type Outcome: Clone;
    fn step(&self) -> Step<'_>;
    fn outcome(&self) -> Option<&Self::Outcome>;
    fn name(outcome: &Self::Outcome) -> &'static str;
    fn in_flight(&self) -> Option<&Outgoing>;
    fn snapshot(&self) -> Result<String>;
    fn inspect(snapshot: &str) -> Result<Self>;
    fn restore(snapshot: &str, now_ms: u64) -> Result<Self>;
    fn handle(&mut self, client: &Client, now_ms: u64, event: Event<'_>) -> Result<()>;
    fn decide(&mut self, client: &Client, now_ms: u64, action: ConfirmAction) -> Result<()>;
    /// The rules every step of a run keeps, given every request sent.
    fn check(&self, sent: &[Outgoing]) -> std::result::Result<(), String>;
}

impl Driven for Driver {
    type Outcome = Outcome;

    fn step(&self) -> Step<'_> {
        match self.next_action() {
            Action::Send(request) => Step::Send(request),
            Action::Wait { until_ms } => Step::Wait { until_ms },
            Action::Decide { until_ms, .. } => Step::Decide { until_ms },
            _ => Step::Done,
        }
    }

    fn outcome(&self) -> Option<&Outcome> {
        Driver::outcome(self)
    }

    fn name(outcome: &Outcome) -> &'static str {
        outcome.as_str()
    }

    fn in_flight(&self) -> Option<&Outgoing> {
        Driver::in_flight(self)
    }

    fn snapshot(&self) -> Result<String> {
        Driver::snapshot(self)
    }

    fn inspect(snapshot: &str) -> Result<Self> {
        Driver::inspect(snapshot)
    }

    fn restore(snapshot: &str, now_ms: u64) -> Result<Self> {
        Driver::restore(snapshot, now_ms)
    }

    fn handle(&mut self, client: &Client, now_ms: u64, event: Event<'_>) -> Result<()> {
        Driver::handle(self, client, now_ms, event)
    }

    fn decide(&mut self, client: &Client, now_ms: u64, action: ConfirmAction) -> Result<()> {
        Driver::decide(self, client, now_ms, action)
    }

    fn check(&self, _sent: &[Outgoing]) -> std::result::Result<(), String> {
        Ok(())
    }
}

/// What the host saw of a run.
struct Played<D: Driven> {
    steps: Vec<String>,
    sent: Vec<Outgoing>,
    outcome: D::Outcome,
    driver: D,
    /// Whether MoMo's side said this refund was made: a refund answer with
    /// 0, or a status query listing it with 0 for its amount, handed to
    /// the driver as the answer to the request in flight.
    said_refunded: bool,
}

fn script_error(reason: String) -> Error {
    Error::InvalidState {
        reason: format!("simulation script: {reason}"),
    }
}

/// What reaches the host about a request it sent, and when.
#[derive(Debug, Clone)]
struct Arrival {
    at: u64,
    id: SendId,
    endpoint: Endpoint,
    /// The script's reply, put back in its list if a crash loses it.
    reply: Reply,
    body: String,
}

/// The next thing to happen, in the order ties are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Next {
    Arrival(usize),
    Ipn,
    Crash,
    Decision,
    Timer,
}

/// The host: performs actions, keeps the persisted snapshot and the clock.
struct Host<'a, D> {
    client: &'a Client,
    script: &'a Script,
    /// The refund a refund script plays (its defaults otherwise): what
    /// `refundTrans` entries default to.
    plan: RefundPlan,
    now: u64,
    driver: D,
    persisted: String,
    replies: Replies,
    /// Sends performed since the last start or crash.
    performed: HashSet<SendId>,
    arrivals: Vec<Arrival>,
    ipns: VecDeque<script::IpnDelivery>,
    crashes_at: VecDeque<u64>,
    crash_before: Vec<u32>,
    crashed_before: Option<u32>,
    /// When the driver first asked for the current decision.
    asked_at: Option<u64>,
    decided: bool,
    /// The wait the driver asked for, and since when.
    waiting: Option<(u64, u64)>,
    steps: Vec<String>,
    sent: Vec<Outgoing>,
    said_refunded: bool,
}

/// The script's replies not yet given, per endpoint.
struct Replies {
    pos: VecDeque<Reply>,
    query: VecDeque<Reply>,
    confirm: VecDeque<Reply>,
    refund: VecDeque<Reply>,
}

impl Replies {
    /// `None` for a call scripts cannot describe yet: it gets no reply.
    fn of(&mut self, endpoint: Endpoint) -> Option<&mut VecDeque<Reply>> {
        match endpoint {
            Endpoint::Pos => Some(&mut self.pos),
            Endpoint::Query => Some(&mut self.query),
            Endpoint::Confirm => Some(&mut self.confirm),
            Endpoint::Refund => Some(&mut self.refund),
            _ => None,
        }
    }
}

impl<'a, D: Driven> Host<'a, D> {
    fn new(client: &'a Client, script: &'a Script, driver: D) -> Result<Self> {
        let mut ipns: Vec<_> = script.ipns.clone();
        ipns.sort_by_key(|i| i.at_ms);
        let mut crashes_at: Vec<u64> = script.crashes.iter().filter_map(|c| c.at_ms).collect();
        crashes_at.sort_unstable();
        let replies = Replies {
            pos: script.replies(Endpoint::Pos).into(),
            query: script.replies(Endpoint::Query).into(),
            confirm: script.replies(Endpoint::Confirm).into(),
            refund: script.replies(Endpoint::Refund).into(),
        };
        Ok(Self {
            client,
            script,
            plan: script.refund.clone().unwrap_or_default(),
            now: T0_MS,
            persisted: driver.snapshot()?,
            driver,
            replies,
            performed: HashSet::new(),
            arrivals: Vec::new(),
            ipns: ipns.into(),
            crashes_at: crashes_at.into(),
            crash_before: script
                .crashes
                .iter()
                .filter_map(|c| c.before_send)
                .collect(),
            crashed_before: None,
            asked_at: None,
            decided: false,
            waiting: None,
            steps: Vec::new(),
            sent: Vec::new(),
            said_refunded: false,
        })
    }

    fn play(mut self, options: RunOptions) -> Result<Played<D>> {
        for _ in 0..MAX_STEPS {
            self.driver
                .check(&self.sent)
                .map_err(|broken| script_error(format!("a rule was broken: {broken}")))?;
            if options.restore_every_step {
                self.driver = D::inspect(&self.driver.snapshot()?)?;
            }
            if let Step::Send(request) = self.driver.step() {
                if !self.performed.contains(&request.id()) {
                    let request = request.clone();
                    self.persisted = self.driver.snapshot()?;
                    // Counted by sends performed: the send a crash stopped
                    // is the same one again after the restore.
                    let nth = u32::try_from(self.sent.len()).unwrap_or(u32::MAX) + 1;
                    let scripted = self.crash_before.contains(&nth);
                    let every = options.crash_before_every_send;
                    if (scripted || every) && self.crashed_before != Some(nth) {
                        self.crashed_before = Some(nth);
                        self.crash()?;
                    } else {
                        self.send(request)?;
                    }
                    continue;
                }
            }
            let Some((at, next)) = self.next() else {
                let outcome = self
                    .driver
                    .outcome()
                    .cloned()
                    .ok_or_else(|| script_error("the run never ended".into()))?;
                self.steps.push(format!("done {}", D::name(&outcome)));
                return Ok(Played {
                    steps: self.steps,
                    sent: self.sent,
                    outcome,
                    driver: self.driver,
                    said_refunded: self.said_refunded,
                });
            };
            self.now = self.now.max(at);
            match next {
                Next::Arrival(i) => self.arrive(i)?,
                Next::Ipn => self.ipn()?,
                Next::Crash => {
                    self.crashes_at.pop_front();
                    self.crash()?;
                }
                Next::Decision => self.decide()?,
                Next::Timer => self.timer()?,
            }
        }
        Err(script_error(format!("no end after {MAX_STEPS} steps")))
    }

    /// The earliest thing to happen. Once the payment ended only answers
    /// and IPNs still on their way arrive; crashes no longer matter.
    fn next(&mut self) -> Option<(u64, Next)> {
        let done = self.driver.outcome().is_some();
        let mut candidates: Vec<(u64, Next)> = Vec::new();
        if let Some((i, a)) = self.arrivals.iter().enumerate().min_by_key(|(_, a)| a.at) {
            candidates.push((a.at, Next::Arrival(i)));
        }
        if let Some(ipn) = self.ipns.front() {
            candidates.push((T0_MS.saturating_add(ipn.at_ms), Next::Ipn));
        }
        if !done {
            if let Some(at) = self.crashes_at.front() {
                candidates.push((T0_MS.saturating_add(*at), Next::Crash));
            }
        }
        match self.driver.step() {
            Step::Wait { until_ms } => {
                if self.waiting.map(|(until, _)| until) != Some(until_ms) {
                    self.waiting = Some((until_ms, self.now));
                }
                candidates.push((until_ms, Next::Timer));
            }
            Step::Decide { until_ms } => {
                let asked = *self.asked_at.get_or_insert(self.now);
                if let Some(decision) = self.script.decision.filter(|_| !self.decided) {
                    let at = asked.saturating_add(decision.delay_ms());
                    if at < until_ms {
                        candidates.push((at, Next::Decision));
                    }
                }
                candidates.push((until_ms, Next::Timer));
            }
            Step::Send(request) => candidates.push((request.deadline_ms(), Next::Timer)),
            Step::Done => {}
        }
        candidates.into_iter().min()
    }

    fn send(&mut self, request: Outgoing) -> Result<()> {
        self.steps.push(format!(
            "send {} {}",
            request.endpoint(),
            request.request_id()
        ));
        self.performed.insert(request.id());
        let reply = self
            .replies
            .of(request.endpoint())
            .and_then(VecDeque::pop_front);
        if let Some(reply) = reply {
            let at = match (reply.lost, reply.after_ms) {
                (Some(Lost::Timeout), _) => request.deadline_ms(),
                (Some(Lost::NetworkError), _) => self.now.saturating_add(NETWORK_ERROR_MS),
                (None, after) => self.now.saturating_add(after.unwrap_or(script::LATENCY_MS)),
            };
            let body = match reply.result_code {
                Some(code) => answer_body(&request, code, &reply, &self.plan)?,
                None => String::new(),
            };
            self.arrivals.push(Arrival {
                at,
                id: request.id(),
                endpoint: request.endpoint(),
                reply,
                body,
            });
        }
        // A request without a scripted reply is never answered: the timer
        // at its deadline lets the driver count it lost.
        self.sent.push(request);
        Ok(())
    }

    fn arrive(&mut self, i: usize) -> Result<()> {
        let arrival = self.arrivals.remove(i);
        let current = self.driver.in_flight().map(Outgoing::id) == Some(arrival.id);
        let stale = if current { "" } else { "stale " };
        let id = arrival.id;
        let event = match (arrival.reply.lost, arrival.reply.result_code) {
            (Some(Lost::Timeout), _) => {
                self.steps.push(format!("{stale}timeout"));
                Event::Timeout { id }
            }
            (Some(Lost::NetworkError), _) => {
                self.steps.push(format!("{stale}network error"));
                Event::NetworkError { id }
            }
            (None, code) => {
                let status = arrival.reply.status.unwrap_or(200);
                let code = code.unwrap_or_default();
                self.steps.push(if status == 200 {
                    format!("{stale}answer {code}")
                } else {
                    format!("{stale}answer {code} (HTTP {status})")
                });
                if current && code_says_refunded(&arrival, code, &self.plan) {
                    self.said_refunded = true;
                }
                let body = arrival.body.as_bytes();
                return self.driver.handle(
                    self.client,
                    self.now,
                    Event::Response { id, status, body },
                );
            }
        };
        self.driver.handle(self.client, self.now, event)
    }

    fn ipn(&mut self) -> Result<()> {
        let Some(delivery) = self.ipns.pop_front() else {
            return Ok(());
        };
        let amount = delivery.amount.unwrap_or(AMOUNT);
        let code = delivery.result_code;
        self.steps.push(if amount == AMOUNT {
            format!("ipn {code}")
        } else {
            format!("ipn {code} amount {amount}")
        });
        let notification = self
            .client
            .verify_ipn(ipn_body(code, amount, self.now).as_bytes())?;
        self.driver
            .handle(self.client, self.now, Event::Ipn(&notification))
    }

    fn decide(&mut self) -> Result<()> {
        let Some(decision) = self.script.decision else {
            return Ok(());
        };
        self.decided = true;
        self.steps.push(format!("decide {}", decision.action));
        self.driver.decide(self.client, self.now, decision.action)
    }

    fn timer(&mut self) -> Result<()> {
        match self.driver.step() {
            Step::Wait { until_ms } => {
                let since = self.waiting.map_or(self.now, |(_, since)| since);
                self.steps
                    .push(format!("wait {}ms", until_ms.saturating_sub(since)));
                self.waiting = None;
            }
            Step::Decide { .. } => self.steps.push("no decision".into()),
            Step::Send(_) => {
                // Its answer did not come in time: the driver counts it
                // lost; an answer still on its way will be stale.
                self.steps.push("timeout".into());
            }
            Step::Done => {}
        }
        self.driver.handle(self.client, self.now, Event::Tick)
    }

    /// Power loss: answers on their way are lost (their replies go back to
    /// the script, for the resends), the last persisted snapshot returns.
    fn crash(&mut self) -> Result<()> {
        self.steps.push("crash".into());
        let lost = std::mem::take(&mut self.arrivals);
        for arrival in lost.into_iter().rev() {
            if let Some(replies) = self.replies.of(arrival.endpoint) {
                replies.push_front(arrival.reply);
            }
        }
        self.performed.clear();
        self.waiting = None;
        self.asked_at = None;
        self.driver = D::restore(&self.persisted, self.now)?;
        Ok(())
    }
}

/// Whether an answer handed to the driver says the scripted refund was
/// made: a refund answer with 0 (it echoes the refund's amount), or a
/// paid payment's status listing the refund with 0 for its amount.
fn code_says_refunded(arrival: &Arrival, code: i64, plan: &RefundPlan) -> bool {
    match arrival.endpoint {
        Endpoint::Refund => code == 0,
        Endpoint::Query => {
            code == 0
                && arrival.reply.refund_trans.iter().flatten().any(|entry| {
                    entry.result_code == 0
                        && entry.order_id.as_deref().unwrap_or(REFUND_ORDER_ID) == REFUND_ORDER_ID
                        && entry.amount.unwrap_or(plan.amount) == plan.amount
                })
        }
        _ => false,
    }
}

/// MoMo's answer to `request`, echoing its orderId and requestId. A
/// refund's answer carries the refund's amount and its own transId; a
/// status query's the payment's, and the `refundTrans` the reply lists.
fn answer_body(request: &Outgoing, code: i64, reply: &Reply, plan: &RefundPlan) -> Result<String> {
    let sent: Value = serde_json::from_str(request.body_str()).map_err(|e| Error::InvalidJson {
        reason: e.to_string(),
    })?;
    let echo = |key: &str| sent.get(key).cloned().unwrap_or(Value::Null);
    let (amount, trans_id) = match request.endpoint() {
        Endpoint::Refund => (echo("amount"), Value::from(REFUND_TRANS_ID)),
        _ => (Value::from(AMOUNT), Value::from(TRANS_ID)),
    };
    let mut answer = json!({
        "partnerCode": echo("partnerCode"),
        "orderId": echo("orderId"),
        "requestId": echo("requestId"),
        "amount": amount,
        "transId": trans_id,
        "resultCode": code,
        "message": explain(code).message_en,
        "responseTime": T0_MS,
    });
    if let Some(fields) = answer.as_object_mut() {
        match request.endpoint() {
            Endpoint::Confirm => {
                fields.insert("requestType".into(), echo("requestType"));
            }
            Endpoint::Query => {
                if let Some(listed) = &reply.refund_trans {
                    let entries = listed
                        .iter()
                        .map(|entry| {
                            json!({
                                "orderId": entry.order_id.as_deref().unwrap_or(REFUND_ORDER_ID),
                                "amount": entry.amount.unwrap_or(plan.amount),
                                "resultCode": entry.result_code,
                                "transId": entry.trans_id.unwrap_or(REFUND_TRANS_ID),
                                "createdTime": T0_MS,
                            })
                        })
                        .collect::<Vec<_>>();
                    fields.insert("refundTrans".into(), entries.into());
                }
            }
            _ => {}
        }
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
