//! The refund driver: takes one refund of a paid payment to a known end,
//! with the payment driver's discipline (sans-IO, [`SendId`]s, snapshot,
//! journal).
//!
//! ```
//! use momo_pos::driver::Event;
//! use momo_pos::refund::{PaidPayment, RefundAction, RefundConfig, RefundDriver};
//! # use momo_pos::{Client, CredentialFields, Credentials, Environment, Refund};
//! # let client = Client::new(Credentials::new(CredentialFields { partner_code: "MOMO", access_key: "F8BBA842ECF85", secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz" })?, Environment::Test);
//! # let now = 1_700_000_000_000;
//! # let http = |_: &momo_pos::driver::Outgoing| (200u16, br#"{"orderId":"ORDER-1-R1","requestId":"ORDER-1-R1","amount":20000,"transId":4088878700,"resultCode":0,"message":"ok"}"#.to_vec());
//! // The payment as the host's records have it: paid 50,000, nothing refunded.
//! let payment = PaidPayment::new("ORDER-1", "4088878653".parse()?, 50_000);
//! let refund = Refund::new("ORDER-1-R1", "ORDER-1-R1", 20_000, payment.trans_id.clone())
//!     .with_description("Khách trả hàng");
//! let mut driver = RefundDriver::start(&client, &refund, &payment, RefundConfig::default(), now)?;
//! let outcome = loop {
//!     match driver.next_action() {
//!         RefundAction::Send(request) => {
//!             let snapshot = driver.snapshot()?; // persist it *before* sending
//!             let (status, body) = http(request);
//!             let id = request.id();
//!             driver.handle(&client, now, Event::Response { id, status, body: &body })?;
//!         }
//!         RefundAction::Wait { until_ms } => driver.handle(&client, until_ms, Event::Tick)?,
//!         RefundAction::Done(outcome) => break outcome.clone(),
//!         _ => unreachable!(),
//!     }
//! };
//! assert_eq!(outcome.as_str(), "refunded");
//! # Ok::<(), momo_pos::Error>(())
//! ```
//!
//! # What it guarantees
//! - Before anything is signed, the refund must fit what is left of the
//!   payment: [`PaidPayment::refunded`] plus this amount at most the amount
//!   paid, and it must name the payment's transId.
//! - The refund is signed once; every resend is the same bytes with the
//!   same requestId, which MoMo deduplicates (it keeps requestIds at least
//!   31 days). A second refund with a new requestId is never made.
//! - `refunded` only on MoMo's word: a refund answer with 0, or the
//!   payment's status query listing this refund's orderId in `refundTrans`
//!   with 0 (its amount checked).
//! - `refused` only on a code that says MoMo did not refund: 1080, 1081,
//!   1088, or MoMo refusing the request itself (11, 12, 13, 20, 21, 22,
//!   42, 47); or a `refundTrans` entry for this refund with a final failure.
//! - Anything else (a lost answer, an unusable body, 7000, 7002, the
//!   422/7000 of a duplicate still in flight, 40, 41, 99, codes not in the
//!   catalogue) is settled by evidence: a status query of the payment.
//!   A listed refund still in progress is polled; an unlisted one gets the
//!   identical bytes again (at most [`RefundConfig::max_refund_sends`] in
//!   all). No evidence by [`RefundConfig::refund_window_ms`]: `unknown`.
//!
//! MoMo documents no refund-status endpoint and no refund IPN for Quick
//! Pay: the payment's `refundTrans` is the evidence, and IPNs are journaled
//! and ignored.
//!
//! # The write-ahead rule
//! As for payments: persist [`RefundDriver::snapshot`] before performing
//! each [`RefundAction::Send`]; [`RefundDriver::restore`] asks for the
//! request in flight again, same bytes, under a new id. Snapshots are
//! versioned (format 1, `"kind": "refund"`).

mod config;
mod outcome;
mod snapshot;

pub use config::RefundConfig;
pub use outcome::{PaidPayment, RefundAction, RefundOutcome};

use crate::client::Client;
use crate::driver::log::append;
use crate::driver::{
    derived_request_id, follow_clock, stale, take_id, Event, LogEntry, LogEvent, Outgoing, SendId,
};
use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::request::{Endpoint, Refund, StatusQuery};
use crate::response::QueryAnswer;
use crate::result_code::{explain, ResultCodeInfo};
use crate::Answer;

/// Codes with which MoMo says it did not refund: its refund refusals, and
/// its refusals of a request it could not even take (format, signature,
/// credentials, amount, orderId).
const REFUSALS: [i64; 11] = [1080, 1081, 1088, 11, 12, 13, 20, 21, 22, 42, 47];

/// One refund's driver. See the [module documentation](self).
///
/// `Hash` leaves the journal out, as the payment driver's does: a model
/// checker's set of visited states sees states, not histories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundDriver {
    config: RefundConfig,
    partner_code: String,
    payment_order_id: String,
    payment_trans_id: TransId,
    order_id: String,
    request_id: String,
    amount: u64,
    refund: Outgoing,
    sends: u32,
    in_flight: Option<Outgoing>,
    next_poll_ms: Option<u64>,
    deadline_ms: u64,
    now_ms: u64,
    queries: u32,
    last_result_code: Option<i64>,
    outcome: Option<RefundOutcome>,
    next_send: u64,
    log: Vec<LogEntry>,
    log_dropped: u64,
}

impl std::hash::Hash for RefundDriver {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let Self {
            config,
            partner_code,
            payment_order_id,
            payment_trans_id,
            order_id,
            request_id,
            amount,
            refund,
            sends,
            in_flight,
            next_poll_ms,
            deadline_ms,
            now_ms,
            queries,
            last_result_code,
            outcome,
            next_send,
            log: _,
            log_dropped: _,
        } = self;
        (config, partner_code, payment_order_id, payment_trans_id).hash(h);
        (order_id, request_id, amount, refund, sends, in_flight).hash(h);
        (next_poll_ms, deadline_ms, now_ms, queries).hash(h);
        (last_result_code, outcome, next_send).hash(h);
    }
}

/// What a code says about this refund.
enum Verdict {
    Refunded,
    Refused,
    Unsure,
}

fn verdict(code: i64) -> Verdict {
    match code {
        0 => Verdict::Refunded,
        c if REFUSALS.contains(&c) => Verdict::Refused,
        _ => Verdict::Unsure,
    }
}

impl RefundDriver {
    /// Checks the refund against `payment` and `config`, signs it once and
    /// returns a driver whose first action is to send it.
    pub fn start(
        client: &Client,
        refund: &Refund,
        payment: &PaidPayment,
        config: RefundConfig,
        now_ms: u64,
    ) -> Result<Self> {
        config.validate()?;
        check_guard(refund, payment)?;
        let refund = refund
            .clone()
            .with_payment_order_id(payment.order_id.clone());
        let request = client.refund_request(&refund)?;
        let first = Outgoing::new(SendId::from(1), &request, config.request_timeout_ms, now_ms);
        let mut driver = Self {
            deadline_ms: now_ms.saturating_add(config.refund_window_ms),
            config,
            partner_code: request.partner_code().to_owned(),
            payment_order_id: payment.order_id.clone(),
            payment_trans_id: payment.trans_id.clone(),
            order_id: request.order_id().to_owned(),
            request_id: request.request_id().to_owned(),
            amount: refund.amount(),
            refund: first.clone(),
            sends: 1,
            in_flight: None,
            next_poll_ms: None,
            now_ms,
            queries: 0,
            last_result_code: None,
            outcome: None,
            next_send: 2,
            log: Vec::new(),
            log_dropped: 0,
        };
        driver.record(LogEvent::RefundStarted {
            request_id: driver.request_id.clone(),
            amount: driver.amount,
            trans_id: driver.payment_trans_id.clone(),
        });
        driver.hand_out(first);
        Ok(driver)
    }

    /// What the host should do now.
    pub fn next_action(&self) -> RefundAction<'_> {
        match (&self.outcome, &self.in_flight) {
            (Some(outcome), _) => RefundAction::Done(outcome),
            (None, Some(request)) => RefundAction::Send(request),
            (None, None) => RefundAction::Wait {
                until_ms: self.next_poll_ms.unwrap_or(self.deadline_ms),
            },
        }
    }

    /// Feeds what happened at `now_ms`. Errors when `client` belongs to
    /// another merchant or cannot sign the status query now; anything MoMo
    /// or the network does is journaled and steers the refund instead.
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
            Event::Ipn(_) => self.record(LogEvent::Ignored {
                what: "an IPN: a refund is settled by its answer or the payment's refundTrans"
                    .into(),
            }),
            Event::Tick => {}
        }
        self.advance(client, now)
    }

    /// The whole state as JSON (refund snapshot format 1). Holds no secret.
    pub fn snapshot(&self) -> Result<String> {
        snapshot::write(self)
    }

    /// Rebuilds a driver from [`RefundDriver::snapshot`]. A request that
    /// was in flight is asked for again, byte for byte, under a new id.
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

    /// Reads a snapshot as it was saved, without resuming it.
    pub fn inspect(snapshot: &str) -> Result<Self> {
        snapshot::read(snapshot)
    }

    /// The outcome, once there is one.
    pub fn outcome(&self) -> Option<&RefundOutcome> {
        self.outcome.as_ref()
    }

    /// The latest code MoMo gave about this refund, explained.
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

    /// The partnerCode the refund was signed for: only a client of this
    /// merchant may drive it.
    pub fn partner_code(&self) -> &str {
        &self.partner_code
    }

    /// The refund's own orderId.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// The refund's requestId: MoMo's idempotency key for it.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// VND to give back.
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// The refunded payment's orderId.
    pub fn payment_order_id(&self) -> &str {
        &self.payment_order_id
    }

    /// The refunded payment's transId.
    pub fn payment_trans_id(&self) -> &TransId {
        &self.payment_trans_id
    }

    /// The signed refund, as first handed out.
    pub fn refund_request(&self) -> &Outgoing {
        &self.refund
    }

    /// The request in flight: handed out, and neither answered nor lost.
    pub fn in_flight(&self) -> Option<&Outgoing> {
        self.in_flight.as_ref()
    }

    /// When the refund gives up (host clock, ms).
    pub fn deadline_ms(&self) -> u64 {
        self.deadline_ms
    }

    /// The policy this driver runs with.
    pub fn config(&self) -> &RefundConfig {
        &self.config
    }

    fn check_client(&self, client: &Client) -> Result<()> {
        if client.credentials().partner_code() == self.partner_code {
            Ok(())
        } else {
            Err(Error::InvalidState {
                reason: format!(
                    "this refund belongs to partnerCode {:?}, not to the client given",
                    self.partner_code
                ),
            })
        }
    }

    fn clock(&mut self, now_ms: u64) -> u64 {
        if let Some(back) = follow_clock(&mut self.now_ms, now_ms) {
            self.record(back);
        }
        self.now_ms
    }

    fn record(&mut self, event: LogEvent) {
        append(&mut self.log, &mut self.log_dropped, self.now_ms, event);
    }

    fn new_id(&mut self) -> SendId {
        take_id(&mut self.next_send)
    }

    fn hand_out(&mut self, request: Outgoing) {
        self.record(LogEvent::sent(&request));
        self.next_poll_ms = None;
        self.in_flight = Some(request);
    }

    fn settle(&mut self, outcome: RefundOutcome) {
        self.in_flight = None;
        self.next_poll_ms = None;
        self.record(LogEvent::RefundSettled {
            outcome: outcome.clone(),
        });
        self.outcome = Some(outcome);
    }

    fn schedule_poll(&mut self, now: u64) {
        let until = now
            .saturating_add(self.config.poll_delay(self.queries))
            .min(self.deadline_ms);
        self.next_poll_ms = Some(until);
        if until > now {
            self.record(LogEvent::Wait {
                delay_ms: until - now,
                until_ms: until,
            });
        }
    }

    fn on_lost(&mut self, now: u64, log: impl FnOnce(Endpoint) -> LogEvent) {
        if let Some(request) = self.in_flight.take() {
            self.record(log(request.endpoint()));
            self.schedule_poll(now);
        }
    }

    fn on_response(&mut self, client: &Client, now: u64, status: u16, body: &[u8]) {
        let Some(request) = self.in_flight.take() else {
            return;
        };
        let endpoint = request.endpoint();
        let read = match endpoint {
            Endpoint::Query => self
                .read_query(client, &request, body)
                .map(|(q, signed)| (q.answer.clone(), signed, Some(q))),
            _ => self
                .read_refund(client, body)
                .map(|(a, signed)| (a, signed, None)),
        };
        match read {
            Ok((answer, signed, query)) => {
                self.record(LogEvent::Answer {
                    endpoint,
                    result_code: answer.result_code,
                    status,
                    signed,
                });
                match query {
                    Some(query) => self.on_query(now, &query),
                    None => self.on_refund_answer(now, answer),
                }
            }
            Err(error) => {
                self.record(LogEvent::BadAnswer {
                    endpoint,
                    status,
                    error: error.to_string(),
                });
                self.schedule_poll(now);
            }
        }
    }

    /// A refund answer must be about this refund and, when it says 0, for
    /// this amount.
    fn read_refund(&self, client: &Client, body: &[u8]) -> Result<(Answer, bool)> {
        let r = client.parse_refund_response(body)?;
        let answer = r.body.answer;
        answer.check_ids(&self.partner_code, &self.order_id, &self.request_id)?;
        if let Some(amount) = answer
            .amount
            .filter(|a| answer.result_code == 0 && *a != self.amount)
        {
            return Err(Error::mismatch("amount", self.amount, amount));
        }
        Ok((answer, r.authenticity == crate::Authenticity::Verified))
    }

    fn read_query(
        &self,
        client: &Client,
        request: &Outgoing,
        body: &[u8],
    ) -> Result<(QueryAnswer, bool)> {
        let r = client.parse_query_response(body)?;
        r.body.answer.check_ids(
            &self.partner_code,
            &self.payment_order_id,
            request.request_id(),
        )?;
        Ok((r.body, r.authenticity == crate::Authenticity::Verified))
    }

    fn on_refund_answer(&mut self, now: u64, answer: Answer) {
        let code = answer.result_code;
        self.last_result_code = Some(code);
        match verdict(code) {
            Verdict::Refunded => self.settle(RefundOutcome::Refunded {
                trans_id: answer.trans_id,
            }),
            Verdict::Refused => self.settle(RefundOutcome::Refused { result_code: code }),
            Verdict::Unsure => self.schedule_poll(now),
        }
    }

    /// The payment's status: its `refundTrans` is the evidence.
    fn on_query(&mut self, now: u64, query: &QueryAnswer) {
        if query.answer.result_code != 0 {
            self.record(LogEvent::Evidence {
                what: format!(
                    "the payment's status is {}, which says nothing of its refunds",
                    query.answer.result_code
                ),
            });
            return self.schedule_poll(now);
        }
        let entry = match query.refund(&self.order_id) {
            Ok(entry) => entry,
            Err(error) => {
                self.record(LogEvent::BadAnswer {
                    endpoint: Endpoint::Query,
                    status: 200,
                    error: error.to_string(),
                });
                return self.schedule_poll(now);
            }
        };
        let Some(entry) = entry else {
            self.record(LogEvent::Evidence {
                what: format!("MoMo lists no refund {}", self.order_id),
            });
            return self.resend_refund(now);
        };
        self.record(LogEvent::Evidence {
            what: format!(
                "MoMo lists refund {} of {} VND with {}",
                entry.order_id, entry.amount, entry.result_code
            ),
        });
        if entry.amount != self.amount {
            self.record(LogEvent::Conflict {
                what: format!(
                    "refundTrans lists {} for {} VND; this refund is {} VND",
                    self.order_id, entry.amount, self.amount
                ),
            });
            return self.settle(RefundOutcome::Unknown {
                last_result_code: Some(entry.result_code),
            });
        }
        self.last_result_code = Some(entry.result_code);
        match entry.result_code {
            0 => self.settle(RefundOutcome::Refunded {
                trans_id: Some(entry.trans_id),
            }),
            code if REFUSALS.contains(&code) || explain(code).is_final => {
                self.settle(RefundOutcome::Refused { result_code: code });
            }
            _ => self.schedule_poll(now),
        }
    }

    /// MoMo has no record of the refund: the same bytes again (MoMo
    /// deduplicates on the requestId), or, once sent as often as allowed,
    /// keep asking until the deadline.
    fn resend_refund(&mut self, now: u64) {
        if self.sends >= self.config.max_refund_sends {
            return self.schedule_poll(now);
        }
        self.sends += 1;
        let id = self.new_id();
        self.refund = self.refund.again(id, now);
        self.hand_out(self.refund.clone());
    }

    /// Time-driven transitions: lost answers, due polls, the deadline.
    fn advance(&mut self, client: &Client, now: u64) -> Result<()> {
        if self.outcome.is_some() {
            return Ok(());
        }
        if self
            .in_flight
            .as_ref()
            .is_some_and(|r| now >= r.deadline_ms())
        {
            self.on_lost(now, |endpoint| LogEvent::Timeout { endpoint });
        }
        if self.in_flight.is_some() || self.outcome.is_some() {
            return Ok(());
        }
        if now >= self.deadline_ms {
            self.settle(RefundOutcome::Unknown {
                last_result_code: self.last_result_code,
            });
            return Ok(());
        }
        match self.next_poll_ms {
            Some(due) if now < due => {}
            None => self.schedule_poll(now),
            Some(_) => {
                self.queries = self.queries.saturating_add(1);
                let query = StatusQuery::new(
                    self.payment_order_id.clone(),
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

/// The host-side guard: the refund names the payment and fits what is left.
fn check_guard(refund: &Refund, payment: &PaidPayment) -> Result<()> {
    if refund.trans_id() != &payment.trans_id {
        return Err(Error::invalid(
            "transId",
            format!("is not the paid payment's transId {}", payment.trans_id),
        ));
    }
    if payment.refunded > payment.amount {
        return Err(Error::invalid(
            "refunded",
            format!(
                "{} VND refunded is more than the {} VND paid",
                payment.refunded, payment.amount
            ),
        ));
    }
    if refund.amount() > payment.refundable() {
        return Err(Error::invalid(
            "amount",
            format!(
                "{} VND would bring this payment's refunds to {} VND, more than the {} VND paid",
                refund.amount(),
                payment.refunded.saturating_add(refund.amount()),
                payment.amount
            ),
        ));
    }
    Ok(())
}
