//! The transaction driver: takes one POS payment to a safe, known end.
//!
//! A sans-IO state machine in the style of rustls and quinn-proto. It never
//! opens a socket and never reads the clock: the host performs the
//! [`Action`] it asks for, feeds back what happened as an [`Event`] with the
//! current time (any millisecond clock; epoch milliseconds read best in the
//! log), and asks again. Every event about a request names it by the
//! [`SendId`] it was handed out with.
//!
//! ```
//! use momo_pos::driver::{Action, Driver, DriverConfig, Event};
//! # use momo_pos::{Client, CredentialFields, Credentials, Environment, EncryptedPaymentCode, PosPayment};
//! # let client = Client::new(Credentials::new(CredentialFields { partner_code: "MOMO", access_key: "F8BBA842ECF85", secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz" })?, Environment::Test);
//! # let code = EncryptedPaymentCode::from_base64(&"QUFB".repeat(86))?;
//! # let payment = PosPayment::new("ORDER-1", "ORDER-1-r1", 50_000, code);
//! # let mut now = 1_700_000_000_000;
//! # let mut http = |_: &momo_pos::driver::Outgoing| (200u16, br#"{"orderId":"ORDER-1","requestId":"ORDER-1-r1","resultCode":0,"message":"ok"}"#.to_vec());
//! let mut driver = Driver::start(&client, &payment, DriverConfig::default(), now)?;
//! let outcome = loop {
//!     match driver.next_action() {
//!         Action::Send(request) => {
//!             let snapshot = driver.snapshot()?; // persist it *before* sending
//!             let id = request.id();
//!             let (status, body) = http(request); // POST, timeout request.timeout()
//!             driver.handle(&client, now, Event::Response { id, status, body: &body })?;
//!         }
//!         Action::Wait { until_ms } => {
//!             now = until_ms; // sleep, or wake early for an IPN
//!             driver.handle(&client, now, Event::Tick)?;
//!         }
//!         Action::Decide { .. } => driver.decide(&client, now, momo_pos::ConfirmAction::Capture)?,
//!         Action::Done(outcome) => break outcome.clone(),
//!         _ => unreachable!(),
//!     }
//! };
//! assert_eq!(outcome.as_str(), "paid");
//! # Ok::<(), momo_pos::Error>(())
//! ```
//!
//! # What it guarantees
//! - The pos request is built and signed once. Every resend is the same
//!   bytes with the same `requestId` (MoMo deduplicates on it); a rebuilt
//!   request would carry a fresh RSA ciphertext and could charge twice.
//! - An answer is applied only to the request it answers: an answer,
//!   timeout or network error whose [`SendId`] is not the one in flight
//!   (it came after its timeout, or after an IPN moved the payment on) is
//!   journaled as [`LogEvent::Stale`] and changes nothing.
//! - The driver has at most one request of its own in flight. The host may
//!   still have several outstanding (a late answer can come after the
//!   driver moved on); it reports each with its id and the driver sorts
//!   them out.
//! - A lost answer (timeout, network error, unusable body) or a code that is
//!   not final (`1000`, `7000`, `7002`, `40`, `41`, `43`, HTTP 422 with
//!   `7000` for a duplicate still in flight...) leads to status queries on
//!   [`DriverConfig::poll_delays_ms`] until a final code or the deadline. A
//!   payment with no final answer by then ends as [`Outcome::Unknown`],
//!   never as declined.
//! - After a `0` the outcome is `paid`; after a `9000` it is `paid`,
//!   `cancelled` or `unknown`, never `declined`.
//! - A confirm (capture or cancel) settles from its own answer only when
//!   that answer is `0`. Any other answer, or none, is checked with a status
//!   query: only a query answer or a verified IPN settles a payment whose
//!   confirm was refused.
//! - A verified IPN that matches partnerCode, orderId, requestId and amount
//!   settles the payment when it carries a final word, whatever the driver
//!   is waiting for; a repeated or late one changes nothing; a mismatched
//!   one is journaled as an anomaly and ignored.
//!
//! # The rules
//! Every result code steers by its class: `success` (0), `authorized`
//! (9000), `failed` (a final code other than 0), `refused` (not final, MoMo
//! refused the request itself: format, signature, credentials, payment
//! code), `no such order` (42, from a status query), `pending` (anything
//! else not final, codes not in the catalogue included) and `lost` (timeout,
//! network error, unreadable answer). One table decides, by where the
//! payment stands and where the code came from (cells not listed change
//! nothing):
//!
//! | payment stands | code from | class | then |
//! |---|---|---|---|
//! | paying | pos answer, query answer, IPN | success | `paid` |
//! | paying | pos answer, query answer, IPN | authorized | ask the merchant (capture or cancel) |
//! | paying | pos answer, query answer, IPN | failed | `declined` |
//! | paying | pos answer | refused | `declined` |
//! | paying | query answer | no such order | the identical pos request again (at most [`DriverConfig::max_pos_resends`] times, and only while MoMo never answered it), else poll |
//! | paying | pos or query answer | any other, lost | status query after the next poll delay |
//! | authorized | IPN | success | `paid` |
//! | authorized | IPN | failed | `cancelled` |
//! | capturing | confirm answer | success | `paid` |
//! | cancelling | confirm answer | success | `cancelled` |
//! | capturing, cancelling | confirm answer | any other, lost | status query |
//! | capturing | query answer, IPN | success | `paid` |
//! | cancelling | query answer, IPN | success | `paid` (journaled as a conflict: MoMo took the money) |
//! | capturing, cancelling | query answer, IPN | failed | `cancelled` |
//! | capturing, cancelling | query answer | authorized | the identical confirm again (at most [`DriverConfig::max_confirm_sends`] in all), else `unknown` ([`UnknownReason::StillAuthorized`]: money held) |
//! | capturing, cancelling | query answer | any other, lost | status query |
//! | ended `unknown` | IPN | success | `paid` |
//! | ended `unknown` | IPN | failed | `declined`, or `cancelled` once 9000 was seen |
//!
//! `failed` ends `cancelled` instead of `declined` whenever a 9000 was seen
//! before: money was held, then released. Time drives the rest: an answer
//! not in by its request's deadline is lost; no request starts after the
//! stage's deadline, and a payment still open then ends `unknown`
//! ([`UnknownReason::DeadlinePassed`]); an authorization nobody decides on
//! within [`DriverConfig::decision_window_ms`] gets
//! [`DriverConfig::on_undecided`]. Every payment ends by its stage's
//! deadline plus one request timeout.
//!
//! `tests/model_check.rs` explores every interleaving of MoMo's answers,
//! lost and late answers, IPNs and crashes to a stated depth against an
//! independent model of MoMo's ledger, and checks these rules keep the
//! money safe in every state it reaches.
//!
//! # The write-ahead rule
//! Persist [`Driver::snapshot`] after every call that changes the driver and
//! at the latest **before performing each [`Action::Send`]**. After a crash,
//! [`Driver::restore`] the last snapshot: if a request was in flight, the
//! restored driver asks for the same bytes again under a new id (safe: MoMo
//! deduplicates on `requestId`), so the payment ends as it would have
//! without the crash. A host that sends first and persists after can lose
//! the only record that a charge was attempted. Snapshots are versioned:
//! this release writes format 2 and reads formats 1 (0.1.0) and 2.

mod action;
pub(crate) mod config;
pub(crate) mod log;
mod outcome;
mod rules;
pub(crate) mod snapshot;

use sha2::{Digest, Sha256};

pub use action::{Action, Event, Outgoing, SendId};
pub use config::DriverConfig;
pub use log::{DecidedBy, LogEntry, LogEvent};
pub use outcome::{Outcome, Stage, UnknownReason};
pub use snapshot::MAX_SNAPSHOT_BYTES;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ipn::{Notification, TransId};
use crate::request::{Confirm, ConfirmAction, Endpoint, PosPayment, StatusQuery};
use crate::result_code::{explain, ResultCodeInfo};
use crate::rules::MAX_REQUEST_ID_LEN;
use crate::signature::to_hex;
use crate::Answer;
use rules::{Class, Source, Step};

/// IPN deliveries remembered for deduplication.
const MAX_SEEN_IPNS: usize = 16;

/// One payment's driver. See the [module documentation](self).
///
/// `Hash` leaves the journal out: two drivers in the same state hash alike
/// whatever their history (equal drivers still hash equal), so a set of
/// drivers, or a model checker's set of visited states, sees states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Driver {
    config: DriverConfig,
    partner_code: String,
    order_id: String,
    request_id: String,
    amount: u64,
    pos: Outgoing,
    state: State,
    in_flight: Option<Outgoing>,
    next_poll_ms: Option<u64>,
    deadline_ms: u64,
    now_ms: u64,
    queries: u32,
    backoff: u32,
    pos_resends: u32,
    pos_answered: bool,
    authorized_seen: bool,
    trans_id: Option<TransId>,
    last_result_code: Option<i64>,
    /// The last confirm answer other than 0, for the `unknown` reason.
    confirm_refusal: Option<i64>,
    /// The next [`SendId`] to hand out.
    next_send: u64,
    seen_ipns: Vec<String>,
    log: Vec<LogEntry>,
    log_dropped: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum State {
    Paying,
    Authorized {
        decide_by_ms: u64,
    },
    Confirming {
        action: ConfirmAction,
        request: Outgoing,
        sends: u32,
    },
    Done {
        outcome: Outcome,
    },
}

impl std::hash::Hash for Driver {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // Every field but `log` and `log_dropped`, which the driver only
        // ever appends to.
        let Self {
            config,
            partner_code,
            order_id,
            request_id,
            amount,
            pos,
            state,
            in_flight,
            next_poll_ms,
            deadline_ms,
            now_ms,
            queries,
            backoff,
            pos_resends,
            pos_answered,
            authorized_seen,
            trans_id,
            last_result_code,
            confirm_refusal,
            next_send,
            seen_ipns,
            log: _,
            log_dropped: _,
        } = self;
        (
            config,
            partner_code,
            order_id,
            request_id,
            amount,
            pos,
            state,
        )
            .hash(h);
        (
            in_flight,
            next_poll_ms,
            deadline_ms,
            now_ms,
            queries,
            backoff,
        )
            .hash(h);
        (pos_resends, pos_answered, authorized_seen, trans_id).hash(h);
        (last_result_code, confirm_refusal, next_send, seen_ipns).hash(h);
    }
}

impl Driver {
    /// Signs `payment` once and returns a driver whose first action is to
    /// send it. Fails if the payment or `config` breaks a rule.
    pub fn start(
        client: &Client,
        payment: &PosPayment,
        config: DriverConfig,
        now_ms: u64,
    ) -> Result<Self> {
        config.validate()?;
        let request = client.pos_request(payment)?;
        let pos = Outgoing::new(SendId::from(1), &request, config.request_timeout_ms, now_ms);
        let mut driver = Self {
            deadline_ms: now_ms.saturating_add(config.payment_window_ms),
            config,
            partner_code: request.partner_code().to_owned(),
            order_id: request.order_id().to_owned(),
            request_id: request.request_id().to_owned(),
            amount: payment.amount(),
            pos: pos.clone(),
            state: State::Paying,
            in_flight: None,
            next_poll_ms: None,
            now_ms,
            queries: 0,
            backoff: 0,
            pos_resends: 0,
            pos_answered: false,
            authorized_seen: false,
            trans_id: None,
            last_result_code: None,
            confirm_refusal: None,
            next_send: 2,
            seen_ipns: Vec::new(),
            log: Vec::new(),
            log_dropped: 0,
        };
        driver.record(LogEvent::Started {
            request_id: driver.request_id.clone(),
            amount: driver.amount,
        });
        driver.hand_out(pos);
        Ok(driver)
    }

    /// What the host should do now.
    pub fn next_action(&self) -> Action<'_> {
        match (&self.state, &self.in_flight) {
            (State::Done { outcome }, _) => Action::Done(outcome),
            (_, Some(request)) => Action::Send(request),
            (State::Authorized { decide_by_ms }, None) => Action::Decide {
                until_ms: *decide_by_ms,
                default: self.config.on_undecided,
            },
            (State::Paying | State::Confirming { .. }, None) => Action::Wait {
                until_ms: self.next_poll_ms.unwrap_or(self.deadline_ms),
            },
        }
    }

    /// Feeds what happened at `now_ms`. Errors when `client` belongs to
    /// another merchant, or cannot sign the status query or confirm now due
    /// (say, its amount limits exclude this amount); anything MoMo or the
    /// network does is journaled and steers the payment instead.
    pub fn handle(&mut self, client: &Client, now_ms: u64, event: Event<'_>) -> Result<()> {
        self.check_client(client)?;
        let now = self.clock(now_ms);
        if let Some(stale) = stale(self.in_flight.as_ref(), &event) {
            self.record(stale);
            return Ok(());
        }
        match event {
            Event::Response { status, body, .. } => self.on_response(client, now, status, body),
            Event::Timeout { .. } => self.on_lost(now, |endpoint| LogEvent::Timeout { endpoint }),
            Event::NetworkError { .. } => {
                self.on_lost(now, |endpoint| LogEvent::NetworkError { endpoint })
            }
            Event::Ipn(notification) => self.on_ipn(now, notification),
            Event::Tick => {}
        }
        self.advance(client, now)
    }

    /// The merchant's capture or cancel for an authorized payment. Fails
    /// with [`Error::InvalidState`] when no decision is expected.
    pub fn decide(&mut self, client: &Client, now_ms: u64, action: ConfirmAction) -> Result<()> {
        self.check_client(client)?;
        let now = self.clock(now_ms);
        if !matches!(self.state, State::Authorized { .. }) {
            return Err(Error::InvalidState {
                reason: format!(
                    "no capture/cancel decision is expected while the payment is {}",
                    self.stage()
                ),
            });
        }
        self.start_confirm(client, now, action, DecidedBy::Merchant)?;
        self.advance(client, now)
    }

    /// The whole state as JSON (snapshot format 2), for the write-ahead
    /// rule. Holds no secret.
    pub fn snapshot(&self) -> Result<String> {
        snapshot::write(self)
    }

    /// Rebuilds a driver from [`Driver::snapshot`] (format 2) or from a
    /// snapshot of 0.1.0 (format 1). A request that was in flight is asked
    /// for again, byte for byte, under a new id and with a fresh deadline.
    pub fn restore(snapshot: &str, now_ms: u64) -> Result<Self> {
        let mut driver = Self::inspect(snapshot)?;
        let now = driver.clock(now_ms);
        let resend = driver.in_flight.as_ref().map(Outgoing::endpoint);
        driver.record(LogEvent::Restored { resend });
        if driver.in_flight.is_some() {
            let id = driver.new_id();
            if let Some(request) = driver.in_flight.as_mut() {
                request.renew(id, now);
            }
        }
        Ok(driver)
    }

    /// Reads a snapshot with the checks of [`Driver::restore`], but as it
    /// was saved: nothing journaled, no deadline moved. For showing a
    /// payment (a cashier's screen) without resuming it.
    pub fn inspect(snapshot: &str) -> Result<Self> {
        snapshot::read(snapshot)
    }

    /// Where the payment stands.
    pub fn stage(&self) -> Stage {
        match self.state {
            State::Paying => Stage::Paying,
            State::Authorized { .. } => Stage::Authorized,
            State::Confirming { .. } => Stage::Confirming,
            State::Done { .. } => Stage::Done,
        }
    }

    /// The outcome, once there is one.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.state {
            State::Done { outcome } => Some(outcome),
            _ => None,
        }
    }

    /// The latest result code MoMo gave (answer or IPN), explained: what a
    /// till shows while waiting ("waiting for the shopper to confirm").
    pub fn last_result(&self) -> Option<ResultCodeInfo> {
        self.last_result_code.map(explain)
    }

    /// The journal, oldest first.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Journal entries support should look at.
    pub fn anomalies(&self) -> impl Iterator<Item = &LogEntry> {
        self.log.iter().filter(|entry| entry.event.is_anomaly())
    }

    /// The order being paid.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The pos requestId: MoMo's idempotency key for this payment.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The payment's amount in VND, as signed in the pos request: an IPN,
    /// or a 0 or 9000 answer, for another amount is not applied.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// MoMo's transaction id, once an answer or IPN stated it.
    pub fn trans_id(&self) -> Option<&TransId> {
        self.trans_id.as_ref()
    }

    /// The signed pos request, as first handed out.
    pub fn pos_request(&self) -> &Outgoing {
        &self.pos
    }

    /// The request in flight: handed out, and neither answered nor lost.
    pub fn in_flight(&self) -> Option<&Outgoing> {
        self.in_flight.as_ref()
    }

    /// When the current stage gives up (host clock, ms).
    pub fn deadline_ms(&self) -> u64 {
        match self.state {
            State::Authorized { decide_by_ms } => decide_by_ms,
            _ => self.deadline_ms,
        }
    }

    /// The policy this driver runs with.
    pub fn config(&self) -> &DriverConfig {
        &self.config
    }

    fn check_client(&self, client: &Client) -> Result<()> {
        if client.credentials().partner_code() == self.partner_code {
            Ok(())
        } else {
            Err(Error::InvalidState {
                reason: format!(
                    "this payment belongs to partnerCode {:?}, not to the client given",
                    self.partner_code
                ),
            })
        }
    }

    /// The host's clock, never going back: deadlines only move forward.
    fn clock(&mut self, now_ms: u64) -> u64 {
        if let Some(back) = follow_clock(&mut self.now_ms, now_ms) {
            self.record(back);
        }
        self.now_ms
    }

    fn record(&mut self, event: LogEvent) {
        log::append(&mut self.log, &mut self.log_dropped, self.now_ms, event);
    }

    fn new_id(&mut self) -> SendId {
        take_id(&mut self.next_send)
    }

    fn hand_out(&mut self, request: Outgoing) {
        self.record(LogEvent::sent(&request));
        self.next_poll_ms = None;
        self.in_flight = Some(request);
    }

    fn on_response(&mut self, client: &Client, now: u64, status: u16, body: &[u8]) {
        let Some(request) = self.in_flight.take() else {
            return; // handle() let through only the request in flight
        };
        let endpoint = request.endpoint();
        match self.read_answer(client, &request, body) {
            Ok((answer, signed)) => {
                self.record(LogEvent::Answer {
                    endpoint,
                    result_code: answer.result_code,
                    status,
                    signed,
                });
                if endpoint == Endpoint::Pos {
                    self.pos_answered = true;
                }
                self.apply(
                    now,
                    Source::Answer(endpoint),
                    answer.result_code,
                    answer.trans_id,
                );
            }
            Err(error) => {
                self.record(LogEvent::BadAnswer {
                    endpoint,
                    status,
                    error: error.to_string(),
                });
                self.lost(now, endpoint);
            }
        }
    }

    /// Parses and checks an answer: it must be about this payment and
    /// request, and must not move money for another amount.
    fn read_answer(
        &self,
        client: &Client,
        request: &Outgoing,
        body: &[u8],
    ) -> Result<(Answer, bool)> {
        let (answer, authenticity) = match request.endpoint() {
            Endpoint::Pos => {
                let r = client.parse_pos_response(body)?;
                (r.body.answer, r.authenticity)
            }
            Endpoint::Query => {
                let r = client.parse_query_response(body)?;
                (r.body.answer, r.authenticity)
            }
            Endpoint::Confirm => {
                let r = client.parse_confirm_response(body)?;
                (r.body.answer, r.authenticity)
            }
            Endpoint::Refund => {
                let r = client.parse_refund_response(body)?;
                (r.body.answer, r.authenticity)
            }
        };
        answer.check_ids(&self.partner_code, &self.order_id, request.request_id())?;
        let moves_money = matches!(answer.result_code, 0 | 9000);
        if let Some(amount) = answer.amount.filter(|a| moves_money && *a != self.amount) {
            return Err(Error::mismatch("amount", self.amount, amount));
        }
        Ok((answer, authenticity == crate::Authenticity::Verified))
    }

    fn on_lost(&mut self, now: u64, log: impl FnOnce(Endpoint) -> LogEvent) {
        if let Some(request) = self.in_flight.take() {
            self.record(log(request.endpoint()));
            self.lost(now, request.endpoint());
        }
    }

    fn on_ipn(&mut self, now: u64, n: &Notification) {
        let checks = [
            ("partnerCode", n.partner_code == self.partner_code),
            ("orderId", n.order_id == self.order_id),
            ("requestId", n.request_id == self.request_id),
            ("amount", n.amount == self.amount),
        ];
        if let Some((field, _)) = checks.iter().find(|(_, ok)| !ok) {
            self.record(LogEvent::IpnMismatch {
                field: (*field).to_owned(),
            });
            return;
        }
        let delivery = format!("{}|{}", n.dedupe_key(), n.result_code);
        if self.seen_ipns.contains(&delivery) {
            self.record(LogEvent::IpnIgnored {
                result_code: n.result_code,
                why: "repeat delivery".into(),
            });
            return;
        }
        if self.seen_ipns.len() >= MAX_SEEN_IPNS {
            self.seen_ipns.remove(0);
        }
        self.seen_ipns.push(delivery);
        if let State::Done { outcome } = &self.state {
            if outcome.is_final() {
                let contradicts = match outcome {
                    Outcome::Paid { .. } => n.result_code != 0 && explain(n.result_code).is_final,
                    _ => n.result_code == 0,
                };
                let event = if contradicts {
                    LogEvent::Conflict {
                        what: format!(
                            "IPN says {} after the payment ended {}",
                            n.result_code,
                            outcome.as_str()
                        ),
                    }
                } else {
                    LogEvent::IpnIgnored {
                        result_code: n.result_code,
                        why: format!("the payment already ended {}", outcome.as_str()),
                    }
                };
                self.record(event);
                return;
            }
        }
        self.record(LogEvent::Ipn {
            result_code: n.result_code,
            trans_id: n.trans_id.clone(),
        });
        self.apply(now, Source::Ipn, n.result_code, Some(n.trans_id.clone()));
    }

    /// Where the payment stands, as the transition table keys it; `None`
    /// once it ended for good.
    fn table_phase(&self) -> Option<rules::Phase> {
        Some(match &self.state {
            State::Paying => rules::Phase::Paying,
            State::Authorized { .. } => rules::Phase::Authorized,
            State::Confirming { action, .. } => rules::Phase::confirming(*action),
            State::Done { outcome } if !outcome.is_final() => rules::Phase::Unknown,
            State::Done { .. } => return None,
        })
    }

    /// Steers the payment by a result code from an answer or an IPN.
    fn apply(&mut self, now: u64, source: Source, code: i64, trans_id: Option<TransId>) {
        self.last_result_code = Some(code);
        if trans_id.is_some() {
            self.trans_id = trans_id;
        }
        if code == 9000 {
            // Money was held at some point: from now on a final failure means
            // the hold ended (`cancelled`), never `declined`.
            self.authorized_seen = true;
        }
        if source == Source::Answer(Endpoint::Confirm) && code != 0 {
            self.confirm_refusal = Some(code);
        }
        if let Some(phase) = self.table_phase() {
            let step = rules::step(phase, source, Class::of(source, code));
            self.take(now, step, code);
        }
    }

    /// A request got no usable answer.
    fn lost(&mut self, now: u64, endpoint: Endpoint) {
        if let Some(phase) = self.table_phase() {
            let step = rules::step(phase, Source::Answer(endpoint), Class::Lost);
            self.take(now, step, 0);
        }
    }

    /// Carries out a step of the transition table; `code` is the result
    /// code that led to it (0 for a lost answer).
    fn take(&mut self, now: u64, step: Step, code: i64) {
        match step {
            Step::Paid => self.settle(Outcome::Paid {
                trans_id: self.trans_id.clone(),
            }),
            Step::PaidDespiteCancel => {
                self.record(LogEvent::Conflict {
                    what: "MoMo reports the payment paid although it was cancelled".into(),
                });
                self.take(now, Step::Paid, code);
            }
            Step::Failed if self.authorized_seen => self.settle(self.cancelled(code)),
            Step::Failed => self.settle(Outcome::Declined { result_code: code }),
            Step::Cancelled => self.settle(self.cancelled(code)),
            Step::Authorize => self.authorize(now),
            Step::Poll => self.schedule_poll(now),
            Step::ResendPos
                if !self.pos_answered && self.pos_resends < self.config.max_pos_resends =>
            {
                self.pos_resends += 1;
                let id = self.new_id();
                self.pos = self.pos.again(id, now);
                self.hand_out(self.pos.clone());
            }
            Step::ResendPos => self.schedule_poll(now),
            Step::ResendConfirm => self.resend_confirm(now),
            Step::Nothing => {}
        }
    }

    /// Still authorized: the confirm never landed. The same bytes again,
    /// or, once they went out as often as allowed, `unknown`.
    fn resend_confirm(&mut self, now: u64) {
        let State::Confirming { sends, .. } = &self.state else {
            return;
        };
        if *sends >= self.config.max_confirm_sends {
            let reason = UnknownReason::StillAuthorized {
                confirm_result_code: self.confirm_refusal,
            };
            return self.settle(Outcome::Unknown { reason });
        }
        let id = self.new_id();
        if let State::Confirming { request, sends, .. } = &mut self.state {
            *request = request.again(id, now);
            *sends += 1;
            let again = request.clone();
            self.hand_out(again);
        }
    }

    fn cancelled(&self, result_code: i64) -> Outcome {
        Outcome::Cancelled {
            result_code,
            trans_id: self.trans_id.clone(),
        }
    }

    fn authorize(&mut self, now: u64) {
        self.authorized_seen = true;
        self.in_flight = None;
        self.next_poll_ms = None;
        self.state = State::Authorized {
            decide_by_ms: now.saturating_add(self.config.decision_window_ms),
        };
        self.record(LogEvent::Authorized);
    }

    fn settle(&mut self, outcome: Outcome) {
        self.in_flight = None;
        self.next_poll_ms = None;
        self.record(LogEvent::Settled {
            outcome: outcome.clone(),
        });
        self.state = State::Done { outcome };
    }

    fn schedule_poll(&mut self, now: u64) {
        let until = now
            .saturating_add(self.config.poll_delay(self.backoff))
            .min(self.deadline_ms);
        self.next_poll_ms = Some(until);
        if until > now {
            self.record(LogEvent::Wait {
                delay_ms: until - now,
                until_ms: until,
            });
        }
    }

    fn start_confirm(
        &mut self,
        client: &Client,
        now: u64,
        action: ConfirmAction,
        by: DecidedBy,
    ) -> Result<()> {
        let confirm = Confirm::new(
            self.order_id.clone(),
            derived_request_id(&self.request_id, "c"),
            self.amount,
            action,
        );
        let request = client.confirm_request(&confirm)?;
        let id = self.new_id();
        let outgoing = Outgoing::new(id, &request, self.config.request_timeout_ms, now);
        self.record(LogEvent::Decided { action, by });
        self.state = State::Confirming {
            action,
            request: outgoing.clone(),
            sends: 1,
        };
        self.deadline_ms = now.saturating_add(self.config.confirm_window_ms);
        self.backoff = 0;
        self.hand_out(outgoing);
        Ok(())
    }

    /// Time-driven transitions: lost answers, due polls, deadlines, the
    /// default decision.
    fn advance(&mut self, client: &Client, now: u64) -> Result<()> {
        match &self.state {
            State::Done { .. } => return Ok(()),
            State::Authorized { decide_by_ms } => {
                if now >= *decide_by_ms {
                    let action = self.config.on_undecided;
                    self.start_confirm(client, now, action, DecidedBy::Default)?;
                }
                return Ok(());
            }
            State::Paying | State::Confirming { .. } => {}
        }
        if self
            .in_flight
            .as_ref()
            .is_some_and(|r| now >= r.deadline_ms())
        {
            self.on_lost(now, |endpoint| LogEvent::Timeout { endpoint });
        }
        if self.in_flight.is_some() || matches!(self.state, State::Done { .. }) {
            return Ok(());
        }
        if now >= self.deadline_ms {
            self.settle(Outcome::Unknown {
                reason: UnknownReason::DeadlinePassed,
            });
            return Ok(());
        }
        match self.next_poll_ms {
            Some(due) if now < due => {}
            None => self.schedule_poll(now),
            Some(_) => {
                self.queries = self.queries.saturating_add(1);
                self.backoff = self.backoff.saturating_add(1);
                let query = StatusQuery::new(
                    self.order_id.clone(),
                    derived_request_id(&self.request_id, &format!("q{}", self.queries)),
                );
                let request = client.query_request(&query)?;
                let id = self.new_id();
                self.hand_out(Outgoing::new(
                    id,
                    &request,
                    self.config.request_timeout_ms,
                    now,
                ));
            }
        }
        Ok(())
    }
}

/// The journal entry for an event about a request that is no longer in
/// flight (it timed out, or the driver moved on), which then changes
/// nothing; `None` for an event about the request in flight, or none.
pub(crate) fn stale(in_flight: Option<&Outgoing>, event: &Event<'_>) -> Option<LogEvent> {
    let id = event.send_id()?;
    if in_flight.map(Outgoing::id) == Some(id) {
        return None;
    }
    let what = match event {
        Event::Response { status, .. } => format!("an HTTP {status} answer"),
        Event::Timeout { .. } => "a timeout".into(),
        _ => "a network error".into(),
    };
    Some(LogEvent::Stale { id, what })
}

/// Moves a driver's clock to the host's `now_ms`, never back: deadlines
/// only move forward. A clock that went back gives the entry to journal.
pub(crate) fn follow_clock(clock: &mut u64, now_ms: u64) -> Option<LogEvent> {
    if now_ms < *clock {
        return Some(LogEvent::Ignored {
            what: format!("the clock went back by {} ms", *clock - now_ms),
        });
    }
    *clock = now_ms;
    None
}

/// The next [`SendId`] of a driver.
pub(crate) fn take_id(next_send: &mut u64) -> SendId {
    let id = SendId::from(*next_send);
    *next_send = next_send.saturating_add(1);
    id
}

/// A requestId for a follow-up call of this payment: readable when it fits
/// in MoMo's 50 characters, else built on a hash of the pos requestId so that
/// different payments never share one.
pub(crate) fn derived_request_id(base: &str, suffix: &str) -> String {
    let readable = format!("{base}-{suffix}");
    if readable.chars().count() <= MAX_REQUEST_ID_LEN {
        return readable;
    }
    let digest = to_hex(&Sha256::digest(base.as_bytes()));
    format!("{}-{suffix}", digest.get(..32).unwrap_or(&digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_fit_and_stay_distinct() {
        assert_eq!(derived_request_id("R1", "q1"), "R1-q1");
        let long_a = "a".repeat(50);
        let long_b = format!("{}b", "a".repeat(49));
        let a = derived_request_id(&long_a, "q12");
        let b = derived_request_id(&long_b, "q12");
        assert!(a.len() <= MAX_REQUEST_ID_LEN && b.len() <= MAX_REQUEST_ID_LEN);
        assert_ne!(a, b);
    }
}
