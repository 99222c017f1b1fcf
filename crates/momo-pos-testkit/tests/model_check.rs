#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! The driver's money rules, model-checked: a breadth-first search over
//! every interleaving of what MoMo, the network, the merchant, the clock
//! and a crash can do, to a stated depth, against a model of MoMo written
//! here from MoMo's pages (not from the driver's code).
//!
//! The model of MoMo is a ledger for the one payment (`unseen`, `pending`,
//! `held`, `charged`, `failed`, `released`) with requestId idempotency as
//! MoMo's "API Idempotency" page states it: a requestId still being
//! processed gets HTTP 422 with 7000; once answered, a final answer is
//! repeated and a non-final one turns into 40. Status queries read the
//! ledger. Every ledger change may be notified by an IPN, which the network
//! delivers 0, 1 or 2 times at any later point; a signed IPN for another
//! amount may also arrive. Requests and answers may be lost or delivered
//! late and in any order; the host may report a network error for any
//! request it sent; the merchant captures, cancels or lets the decision
//! window close; the clock jumps to each deadline the driver names; the
//! host may crash before any step and restore its last snapshot (it
//! persists after every change, per the write-ahead rule).
//!
//! Invariants, in every state reached:
//! 1. MoMo charges at most once, and every pos request the driver hands
//!    out is the first one's bytes under the payment's requestId.
//! 2. `paid` only if MoMo's ledger is charged; `declined` or `cancelled`
//!    only if it is neither charged nor held, and no pos request still on
//!    its way could change that.
//! 3. `unknown` only while the ledger is unresolved (unseen, pending or
//!    held), or when no answer or IPN stating its final state ever reached
//!    the driver in time.
//! 4. No payment is still open later than its stage's deadline plus one
//!    request timeout.
//! 5. An answer, timeout or network error for a request that is not the
//!    one in flight changes nothing but the journal.
//!
//! `MOMO_MODEL_DEPTH` sets the depth (default below); the test prints the
//! states explored per configuration. Run it optimised:
//! `cargo test -p momo-pos-testkit --profile model --test model_check -- --ignored --nocapture`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use momo_pos::driver::{Action, Driver, DriverConfig, Outcome};
use momo_pos::{
    Client, ConfirmAction, CredentialFields, Credentials, EncryptedPaymentCode, Endpoint,
    Environment,
};

const PARTNER: &str = "MOMO";
const ACCESS_KEY: &str = "F8BBA842ECF85";
const SECRET: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";
const ORDER: &str = "MC-1";
const REQUEST: &str = "MC-1-r1";
const AMOUNT: u64 = 50_000;
const TRANS_ID: u64 = 4_088_878_653;
const T0: u64 = 1_700_000_000_000;
const DEFAULT_DEPTH: usize = 15;

/// The driver's event API, kept apart so that the same search can be
/// pointed at another version of the driver.
#[path = "model_check/sut.rs"]
mod sut;

/// MoMo's ledger for the payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Ledger {
    Unseen,
    Pending,
    Held,
    Charged,
    Failed(i64),
    Released,
}

impl Ledger {
    fn resolved(self) -> bool {
        matches!(self, Self::Charged | Self::Failed(_) | Self::Released)
    }

    /// What a status query answers, and an IPN would say.
    fn code(self) -> i64 {
        match self {
            Self::Unseen => 42,
            Self::Pending => 1000,
            Self::Held => 9000,
            Self::Charged => 0,
            Self::Failed(code) => code,
            Self::Released => 1003,
        }
    }
}

/// What the shopper does with the payment request, chosen per search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Shopper {
    Pays,
    Declines,
    /// MoMo first answers 1000; the shopper then pays or declines.
    ThinksFirst,
}

/// A request as MoMo sees it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Req {
    /// The host's id of the hand-out.
    send: u64,
    endpoint: u8,
    request_id: String,
    action: Option<bool>,
}

/// What is on the wire or at MoMo.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Msg {
    /// Host to MoMo.
    Request(Req),
    /// At MoMo, being processed (a duplicate now gets 422/7000).
    Processing(Req),
    /// MoMo to host: the answer to the hand-out `send`.
    Answer {
        send: u64,
        endpoint: u8,
        request_id: String,
        action: Option<bool>,
        status: u16,
        code: i64,
    },
    /// An IPN with this code, deliverable `left` more times.
    Ipn { code: i64, left: u8 },
}

const POS: u8 = 0;
const QUERY: u8 = 1;
const CONFIRM: u8 = 2;

fn endpoint_no(e: Endpoint) -> u8 {
    match e {
        Endpoint::Pos => POS,
        Endpoint::Query => QUERY,
        _ => CONFIRM,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Record {
    InFlight,
    Answered(i64),
}

/// One point of the search.
#[derive(Clone)]
struct World {
    driver: Driver,
    now: u64,
    ledger: Ledger,
    charges: u8,
    records: BTreeMap<String, Record>,
    net: Vec<Msg>,
    /// Hand-outs the host performed and still waits on.
    waiting: HashSet<u64>,
    performed: HashSet<u64>,
    crashes: u8,
    forged_ipn_sent: bool,
    expired: bool,
    /// The driver was told the ledger's final state by a live event.
    informed: bool,
    first_pos: Option<String>,
    /// Invariant 5, broken by the last step.
    misapplied: Option<String>,
}

impl World {
    fn key(&self) -> u64 {
        let mut h = DefaultHasher::new();
        sut::fingerprint(&self.driver, &mut h);
        self.now.hash(&mut h);
        self.ledger.hash(&mut h);
        self.charges.hash(&mut h);
        for (k, v) in &self.records {
            k.hash(&mut h);
            v.hash(&mut h);
        }
        let mut net = self.net.clone();
        net.sort();
        net.hash(&mut h);
        let mut w: Vec<_> = self.waiting.iter().collect();
        w.sort();
        w.hash(&mut h);
        let mut p: Vec<_> = self.performed.iter().collect();
        p.sort();
        p.hash(&mut h);
        (
            self.crashes,
            self.forged_ipn_sent,
            self.expired,
            self.informed,
        )
            .hash(&mut h);
        h.finish()
    }
}

/// One step the world can take.
#[derive(Debug, Clone)]
enum Step {
    Perform,
    Arrive(usize),
    /// MoMo finishes processing; `true` refuses a confirm.
    Complete(usize, bool),
    Lose(usize),
    Deliver(usize),
    NetworkError(u64),
    Resolve(bool),
    Expire,
    ForgedIpn,
    Decide(ConfirmAction),
    Tick,
    Crash,
}

struct Checker {
    client: Client,
    config: DriverConfig,
    auto_capture: bool,
    shopper: Shopper,
    max_crashes: u8,
    /// Invariants 1-4 only (`MOMO_MODEL_ONLY_MONEY=1`): to see which money
    /// rule a driver breaks when it also breaks invariant 5.
    only_money: bool,
}

fn hmac_hex(raw: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(raw.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An IPN as MoMo signs it (field order of MoMo's IPN page).
fn ipn_body(code: i64, amount: u64) -> String {
    let message = if code == 0 {
        "Successful."
    } else {
        "Not paid."
    };
    let raw = format!(
        "accessKey={ACCESS_KEY}&amount={amount}&extraData=&message={message}&orderId={ORDER}\
         &orderInfo=model&orderType=momo_wallet&partnerCode={PARTNER}&payType=pos\
         &requestId={REQUEST}&responseTime={T0}&resultCode={code}&transId={TRANS_ID}"
    );
    json!({
        "partnerCode": PARTNER, "orderId": ORDER, "requestId": REQUEST, "amount": amount,
        "orderInfo": "model", "orderType": "momo_wallet", "transId": TRANS_ID,
        "resultCode": code, "message": message, "payType": "pos", "responseTime": T0,
        "extraData": "", "signature": hmac_hex(&raw),
    })
    .to_string()
}

fn answer_body(endpoint: u8, request_id: &str, code: i64, action: Option<bool>) -> String {
    let mut v = json!({
        "partnerCode": PARTNER, "orderId": ORDER, "requestId": request_id,
        "amount": AMOUNT, "transId": TRANS_ID, "resultCode": code,
        "message": "model", "responseTime": T0,
    });
    if endpoint == CONFIRM {
        v["requestType"] = Value::from(if action == Some(true) {
            "capture"
        } else {
            "cancel"
        });
    }
    v.to_string()
}

/// Codes whose answer MoMo repeats for the same requestId (final ones).
fn repeats(code: i64) -> bool {
    matches!(code, 0 | 99 | 1003 | 1006 | 1017)
}

impl Checker {
    fn start(&self, auto_capture: bool) -> World {
        let code = EncryptedPaymentCode::from_base64(&"QUFB".repeat(86)).unwrap();
        let payment = momo_pos::PosPayment::new(ORDER, REQUEST, AMOUNT, code)
            .with_order_info("model")
            .with_auto_capture(auto_capture);
        let driver = Driver::start(&self.client, &payment, self.config.clone(), T0).unwrap();
        World {
            driver,
            now: T0,
            ledger: Ledger::Unseen,
            charges: 0,
            records: BTreeMap::new(),
            net: Vec::new(),
            waiting: HashSet::new(),
            performed: HashSet::new(),
            crashes: 0,
            forged_ipn_sent: false,
            expired: false,
            informed: false,
            first_pos: None,
            misapplied: None,
        }
    }

    fn steps(&self, w: &World) -> Vec<Step> {
        let mut out = Vec::new();
        match w.driver.next_action() {
            Action::Send(r) if !w.performed.contains(&sut::id(r)) => out.push(Step::Perform),
            Action::Decide { .. } => {
                out.push(Step::Decide(ConfirmAction::Capture));
                out.push(Step::Decide(ConfirmAction::Cancel));
            }
            _ => {}
        }
        for (i, m) in w.net.iter().enumerate() {
            match m {
                Msg::Request(_) => {
                    out.push(Step::Arrive(i));
                    out.push(Step::Lose(i));
                }
                Msg::Processing(r) => {
                    out.push(Step::Complete(i, false));
                    if r.endpoint == CONFIRM && w.ledger == Ledger::Held {
                        out.push(Step::Complete(i, true));
                    }
                }
                Msg::Answer { .. } => {
                    out.push(Step::Deliver(i));
                    out.push(Step::Lose(i));
                }
                Msg::Ipn { .. } => {
                    out.push(Step::Deliver(i));
                    out.push(Step::Lose(i));
                }
            }
        }
        let mut waiting: Vec<_> = w.waiting.iter().copied().collect();
        waiting.sort_unstable();
        out.extend(waiting.into_iter().map(Step::NetworkError));
        if w.ledger == Ledger::Pending {
            out.push(Step::Resolve(true));
            out.push(Step::Resolve(false));
        }
        if w.ledger == Ledger::Held && !w.expired {
            out.push(Step::Expire);
        }
        if !w.forged_ipn_sent {
            out.push(Step::ForgedIpn);
        }
        if wake(&w.driver).is_some() {
            out.push(Step::Tick);
        }
        if w.crashes < self.max_crashes {
            out.push(Step::Crash);
        }
        out
    }

    fn notify(w: &mut World) {
        w.net.push(Msg::Ipn {
            code: w.ledger.code(),
            left: 2,
        });
    }

    /// MoMo processes a request that arrived.
    /// MoMo processes a request, once per requestId; the answer's code.
    /// `refuse`: MoMo refuses a confirm of a held payment (99) and the
    /// hold stays.
    fn process(&self, w: &mut World, r: &Req, refuse: bool) -> i64 {
        match r.endpoint {
            POS => match (w.ledger, self.shopper) {
                (Ledger::Unseen, Shopper::Pays) => {
                    self.pay(w);
                    w.ledger.code()
                }
                (Ledger::Unseen, Shopper::Declines) => {
                    w.ledger = Ledger::Failed(1006);
                    Self::notify(w);
                    1006
                }
                (Ledger::Unseen, Shopper::ThinksFirst) => {
                    w.ledger = Ledger::Pending;
                    1000
                }
                (ledger, _) => ledger.code(),
            },
            _ => match (w.ledger, r.action == Some(true)) {
                (Ledger::Held, _) if refuse => 99,
                (Ledger::Held, true) => {
                    w.ledger = Ledger::Charged;
                    w.charges += 1;
                    Self::notify(w);
                    0
                }
                (Ledger::Held, false) => {
                    w.ledger = Ledger::Released;
                    Self::notify(w);
                    0
                }
                (Ledger::Charged, true) => 0,
                (Ledger::Released, _) => 1003,
                _ => 99,
            },
        }
    }

    fn pay(&self, w: &mut World) {
        if self.auto_capture {
            w.ledger = Ledger::Charged;
            w.charges += 1;
        } else {
            w.ledger = Ledger::Held;
        }
        Self::notify(w);
    }

    fn apply(&self, w: &mut World, step: &Step) {
        let c = &self.client;
        match step {
            Step::Perform => {
                let Action::Send(r) = w.driver.next_action() else {
                    unreachable!()
                };
                let id = sut::id(r);
                let endpoint = endpoint_no(r.endpoint());
                let body = r.body_str().to_owned();
                let request_id = r.request_id().to_owned();
                if endpoint == POS && w.first_pos.is_none() {
                    w.first_pos = Some(body.clone());
                }
                let action = (endpoint == CONFIRM).then(|| body.contains("\"capture\""));
                w.performed.insert(id);
                w.waiting.insert(id);
                w.net.push(Msg::Request(Req {
                    send: id,
                    endpoint,
                    request_id,
                    action,
                }));
            }
            Step::Arrive(i) => {
                let Msg::Request(r) = w.net.remove(*i) else {
                    unreachable!()
                };
                let reply = |code| Msg::Answer {
                    send: r.send,
                    endpoint: r.endpoint,
                    request_id: r.request_id.clone(),
                    action: r.action,
                    status: if code == 7000 { 422 } else { 200 },
                    code,
                };
                if r.endpoint == QUERY {
                    w.net.push(reply(w.ledger.code()));
                    return;
                }
                match w.records.get(&r.request_id) {
                    Some(Record::InFlight) => w.net.push(reply(7000)),
                    Some(Record::Answered(code)) if repeats(*code) => w.net.push(reply(*code)),
                    Some(Record::Answered(_)) => w.net.push(reply(40)),
                    None => {
                        w.records.insert(r.request_id.clone(), Record::InFlight);
                        w.net.push(Msg::Processing(r));
                    }
                }
            }
            Step::Complete(i, refuse) => {
                let Msg::Processing(r) = w.net.remove(*i) else {
                    unreachable!()
                };
                let code = self.process(w, &r, *refuse);
                w.records
                    .insert(r.request_id.clone(), Record::Answered(code));
                w.net.push(Msg::Answer {
                    send: r.send,
                    endpoint: r.endpoint,
                    request_id: r.request_id,
                    action: r.action,
                    status: 200,
                    code,
                });
            }
            Step::Lose(i) => {
                w.net.remove(*i);
            }
            Step::Deliver(i) => match w.net[*i].clone() {
                Msg::Answer {
                    send,
                    endpoint,
                    request_id,
                    action,
                    status,
                    code,
                } => {
                    w.net.remove(*i);
                    if !w.waiting.remove(&send) {
                        return; // the host gave up on it: nobody reads it
                    }
                    let live = sut::in_flight(&w.driver) == Some(send);
                    let tells = match endpoint {
                        CONFIRM => code == 0,
                        _ => code == w.ledger.code() && w.ledger.resolved(),
                    };
                    if live && tells {
                        w.informed = true;
                    }
                    let body = answer_body(endpoint, &request_id, code, action);
                    let before = (!live).then(|| w.driver.clone());
                    sut::respond(&mut w.driver, c, w.now, send, status, body.as_bytes());
                    if before.is_some_and(|b| !sut::same_state(&b, &w.driver)) {
                        w.misapplied = Some(format!(
                            "the answer {code} to a request no longer in flight changed the payment"
                        ));
                    }
                }
                Msg::Ipn { code, left } => {
                    if left <= 1 {
                        w.net.remove(*i);
                    } else {
                        w.net[*i] = Msg::Ipn {
                            code,
                            left: left - 1,
                        };
                    }
                    if code == w.ledger.code() && w.ledger.resolved() {
                        w.informed = true;
                    }
                    let n = c.verify_ipn(ipn_body(code, AMOUNT).as_bytes()).unwrap();
                    sut::ipn(&mut w.driver, c, w.now, &n);
                }
                _ => unreachable!(),
            },
            Step::NetworkError(id) => {
                w.waiting.remove(id);
                let before = (sut::in_flight(&w.driver) != Some(*id)).then(|| w.driver.clone());
                sut::network_error(&mut w.driver, c, w.now, *id);
                if before.is_some_and(|b| !sut::same_state(&b, &w.driver)) {
                    w.misapplied = Some(
                        "a network error of a request no longer in flight changed the payment"
                            .into(),
                    );
                }
            }
            Step::Resolve(pays) => {
                if *pays {
                    self.pay(w);
                } else {
                    w.ledger = Ledger::Failed(1006);
                    Self::notify(w);
                }
            }
            Step::Expire => {
                w.expired = true;
                w.ledger = Ledger::Released;
                Self::notify(w);
            }
            Step::ForgedIpn => {
                w.forged_ipn_sent = true;
                let n = c
                    .verify_ipn(ipn_body(0, AMOUNT + 1_000).as_bytes())
                    .unwrap();
                sut::ipn(&mut w.driver, c, w.now, &n);
            }
            Step::Decide(action) => {
                w.driver.decide(c, w.now, *action).unwrap();
            }
            Step::Tick => {
                w.now = w.now.max(wake(&w.driver).unwrap());
                sut::tick(&mut w.driver, c, w.now);
            }
            Step::Crash => {
                w.crashes += 1;
                w.driver = sut::crash(&w.driver, w.now);
                w.waiting.clear();
                w.performed.clear();
                // Answers to the process that died reach nobody.
                w.net.retain(|m| !matches!(m, Msg::Answer { .. }));
            }
        }
    }

    fn check(&self, w: &World) -> Result<(), String> {
        if let Some(broken) = w.misapplied.as_ref().filter(|_| !self.only_money) {
            return Err(broken.clone());
        }
        if w.charges > 1 {
            return Err(format!("MoMo charged {} times", w.charges));
        }
        if let Action::Send(r) = w.driver.next_action() {
            if r.endpoint() == Endpoint::Pos {
                if r.request_id() != REQUEST {
                    return Err(format!("a pos request under requestId {}", r.request_id()));
                }
                if w.first_pos.as_deref().is_some_and(|b| b != r.body_str()) {
                    return Err("a pos request with other bytes than the first".into());
                }
            }
        }
        let pos_on_its_way = w
            .net
            .iter()
            .any(|m| matches!(m, Msg::Request(r) | Msg::Processing(r) if r.endpoint == POS));
        match w.driver.outcome() {
            Some(Outcome::Paid { .. }) if w.ledger != Ledger::Charged => {
                Err(format!("paid, but MoMo's ledger is {:?}", w.ledger))
            }
            Some(o @ (Outcome::Declined { .. } | Outcome::Cancelled { .. }))
                if matches!(w.ledger, Ledger::Charged | Ledger::Held | Ledger::Pending)
                    || (w.ledger == Ledger::Unseen && pos_on_its_way) =>
            {
                Err(format!(
                    "{}, but MoMo's ledger is {:?}",
                    o.as_str(),
                    w.ledger
                ))
            }
            Some(Outcome::Unknown { .. }) if w.ledger.resolved() && w.informed => Err(format!(
                "unknown, though MoMo told the driver its ledger is {:?}",
                w.ledger
            )),
            None if w.now > w.driver.deadline_ms() + self.config.request_timeout_ms => {
                Err(format!("still {} past its deadline", w.driver.stage()))
            }
            _ => Ok(()),
        }
    }
}

/// When the driver wants to be woken: its wait, its decision deadline, or
/// the deadline of the request in flight.
fn wake(d: &Driver) -> Option<u64> {
    match d.next_action() {
        Action::Wait { until_ms } | Action::Decide { until_ms, .. } => Some(until_ms),
        Action::Send(r) => Some(r.deadline_ms()),
        _ => None,
    }
}

struct Report {
    states: usize,
    ended: HashMap<&'static str, usize>,
}

/// Depth-first to `depth`, revisiting a state only when reached with more
/// depth left than before: every state within `depth` steps of the start
/// is checked, with a stack rather than a frontier in memory.
fn explore(checker: &Checker, depth: usize) -> Result<Report, String> {
    let start = checker.start(checker.auto_capture);
    let mut seen: HashMap<u64, usize> = HashMap::new();
    seen.insert(start.key(), depth);
    let mut report = Report {
        states: 1,
        ended: HashMap::new(),
    };
    let mut trace = Vec::new();
    dive(checker, &start, depth, &mut seen, &mut trace, &mut report)?;
    Ok(report)
}

fn dive(
    checker: &Checker,
    world: &World,
    left: usize,
    seen: &mut HashMap<u64, usize>,
    trace: &mut Vec<String>,
    report: &mut Report,
) -> Result<(), String> {
    if left == 0 {
        return Ok(());
    }
    for step in checker.steps(world) {
        let mut next = world.clone();
        checker.apply(&mut next, &step);
        let key = next.key();
        match seen.get(&key) {
            Some(&had) if had >= left - 1 => continue,
            Some(_) => {}
            None => {
                report.states += 1;
                if let Some(o) = next.driver.outcome() {
                    *report.ended.entry(o.as_str()).or_default() += 1;
                }
            }
        }
        seen.insert(key, left - 1);
        trace.push(format!("{step:?}"));
        if let Err(broken) = checker.check(&next) {
            return Err(format!(
                "{broken}\n  after: {}\n  driver journal:\n    {}",
                trace.join(" -> "),
                next.driver
                    .log()
                    .iter()
                    .map(|e| e.event.to_string())
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
        dive(checker, &next, left - 1, seen, trace, report)?;
        trace.pop();
    }
    Ok(())
}

/// Small windows so that a run holds few polls: 30 s timeouts (MoMo's
/// minimum), polls 5 s apart (a lost answer is followed by a query before
/// the 60 s windows close), one pos resend, two confirm sends.
fn model_config() -> DriverConfig {
    let mut config = DriverConfig::default();
    config.request_timeout_ms = 30_000;
    config.poll_delays_ms = vec![5_000];
    config.payment_window_ms = 60_000;
    config.decision_window_ms = 30_000;
    config.confirm_window_ms = 60_000;
    config.max_pos_resends = 1;
    config.max_confirm_sends = 2;
    config
}

#[test]
#[ignore = "millions of states: the test command runs it optimised, `cargo test -p momo-pos-testkit --profile model --test model_check -- --ignored`"]
fn money_rules_hold_in_every_interleaving() {
    let depth = std::env::var("MOMO_MODEL_DEPTH")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(DEFAULT_DEPTH);
    let only_money = std::env::var_os("MOMO_MODEL_ONLY_MONEY").is_some();
    let client = Client::new(
        Credentials::new(CredentialFields {
            partner_code: PARTNER,
            access_key: ACCESS_KEY,
            secret_key: SECRET,
        })
        .unwrap(),
        Environment::Test,
    );
    // The authorizing searches are the large ones: they go first, and the
    // cores take the next search as each finishes.
    let searches: Vec<_> = [false, true]
        .into_iter()
        .flat_map(|a| [Shopper::Pays, Shopper::ThinksFirst, Shopper::Declines].map(|s| (a, s)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(&(auto_capture, shopper)) =
                        searches.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                    {
                        let checker = Checker {
                            client: client.clone(),
                            config: model_config(),
                            auto_capture,
                            shopper,
                            max_crashes: 1,
                            only_money,
                        };
                        done.push((auto_capture, shopper, explore(&checker, depth)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut total = 0;
    let mut failures = Vec::new();
    for (auto_capture, shopper, result) in results {
        match result {
            Ok(r) => {
                total += r.states;
                let mut ended: Vec<_> = r.ended.into_iter().collect();
                ended.sort();
                println!(
                    "model check: autoCapture={auto_capture} shopper={shopper:?}: {} states to depth {depth}, ended {ended:?}",
                    r.states
                );
            }
            Err(e) => failures.push(format!(
                "autoCapture={auto_capture} shopper={shopper:?}: {e}"
            )),
        }
    }
    println!("model check: {total} states explored in all, depth {depth}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
