//! The transaction driver: takes one POS payment to a safe, known end.
//!
//! A sans-IO state machine in the style of rustls and quinn-proto. It never
//! opens a socket and never reads the clock: the host performs the
//! [`Action`] it asks for, feeds back what happened as an [`Event`] with the
//! current time (any millisecond clock; epoch milliseconds read best in the
//! log), and asks again.
//!
//! ```
//! use momo_pos::driver::{Action, Driver, DriverConfig, Event};
//! # use momo_pos::{Client, Credentials, Environment, EncryptedPaymentCode, PosPayment};
//! # let client = Client::new(Credentials::new("MOMO", "F8BBA842ECF85", "K951B6PE1waDMi640xX08PD3vg6EkVlz")?, Environment::Test);
//! # let code = EncryptedPaymentCode::from_base64(&"QUFB".repeat(86))?;
//! # let payment = PosPayment::new("ORDER-1", "ORDER-1-r1", 50_000, code);
//! # let mut now = 1_700_000_000_000;
//! # let mut http = |_: &momo_pos::driver::Outgoing| (200u16, br#"{"orderId":"ORDER-1","requestId":"ORDER-1-r1","resultCode":0,"message":"ok"}"#.to_vec());
//! let mut driver = Driver::start(&client, &payment, DriverConfig::default(), now)?;
//! let outcome = loop {
//!     match driver.next_action() {
//!         Action::Send(request) => {
//!             let snapshot = driver.snapshot()?; // persist it *before* sending
//!             let (status, body) = http(request); // POST, timeout request.timeout()
//!             driver.handle(&client, now, Event::Response { status, body: &body })?;
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
//! - A lost answer (timeout, network error, unusable body) or a code that is
//!   not final (`1000`, `7000`, `7002`, `40`, `41`, `43`...) leads to status
//!   queries on [`DriverConfig::poll_delays_ms`] until a final code or the
//!   deadline. A payment with no final answer by then ends as
//!   [`Outcome::Unknown`], never as declined.
//! - After a `0` the outcome is `paid`; after a `9000` it is `paid`,
//!   `cancelled` or `unknown`, never `declined`.
//! - A verified IPN that matches partnerCode, orderId, requestId and amount
//!   settles the payment at once, whatever the driver is waiting for; a
//!   repeated or late one changes nothing; a mismatched one is logged as an
//!   anomaly and ignored.
//!
//! # The write-ahead rule
//! Persist [`Driver::snapshot`] after every call that changes the driver and
//! at the latest **before performing each [`Action::Send`]**. After a crash,
//! [`Driver::restore`] the last snapshot: if a request was in flight, the
//! restored driver asks for the same bytes again (safe: MoMo deduplicates
//! on `requestId`), so the payment ends as it would have without the crash.
//! A host that sends first and persists after can lose the only record that
//! a charge was attempted.

mod action;
mod config;
mod log;
mod outcome;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use action::{Action, Event, Outgoing};
pub use config::DriverConfig;
pub use log::{DecidedBy, LogEntry, LogEvent};
pub use outcome::{Outcome, Stage, UnknownReason};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::ipn::{Notification, TransId};
use crate::request::{Confirm, ConfirmAction, Endpoint, PosPayment, StatusQuery};
use crate::result_code::{explain, NextStep, ResultCodeInfo};
use crate::rules::MAX_REQUEST_ID_LEN;
use crate::signature::to_hex;
use crate::Answer;

/// Snapshot format version; [`Driver::restore`] refuses others.
const SNAPSHOT_VERSION: u32 = 1;
/// A snapshot larger than this is refused before parsing.
pub const MAX_SNAPSHOT_BYTES: usize = 256 * 1024;
/// Journal entries kept; older ones (but the first) are dropped and counted.
const MAX_LOG: usize = 256;
/// IPN deliveries remembered for deduplication.
const MAX_SEEN_IPNS: usize = 16;
/// What MoMo answers a status query for an order it never received (it
/// does not document one; 42 is "invalid or missing orderId"). Only then is
/// the identical pos request sent again.
const QUERY_NOT_FOUND: i64 = 42;

/// One payment's driver. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Driver {
    version: u32,
    config: DriverConfig,
    partner_code: String,
    order_id: String,
    request_id: String,
    amount: u64,
    pos: Outgoing,
    phase: Phase,
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
    seen_ipns: Vec<String>,
    log: Vec<LogEntry>,
    log_dropped: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "stage",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum Phase {
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

/// Where a result code came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Answer(Endpoint),
    Ipn,
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
        let pos = Outgoing::new(&request, config.request_timeout_ms, now_ms);
        let mut driver = Self {
            version: SNAPSHOT_VERSION,
            deadline_ms: now_ms.saturating_add(config.payment_window_ms),
            config,
            partner_code: request.partner_code().to_owned(),
            order_id: request.order_id().to_owned(),
            request_id: request.request_id().to_owned(),
            amount: payment.amount(),
            pos: pos.clone(),
            phase: Phase::Paying,
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
        match (&self.phase, &self.in_flight) {
            (Phase::Done { outcome }, _) => Action::Done(outcome),
            (_, Some(request)) => Action::Send(request),
            (Phase::Authorized { decide_by_ms }, None) => Action::Decide {
                until_ms: *decide_by_ms,
                default: self.config.on_undecided,
            },
            (Phase::Paying | Phase::Confirming { .. }, None) => Action::Wait {
                until_ms: self.next_poll_ms.unwrap_or(self.deadline_ms),
            },
        }
    }

    /// Feeds what happened at `now_ms`. Errors only when `client` belongs
    /// to another merchant; anything MoMo or the network does is journaled
    /// and steers the payment instead.
    pub fn handle(&mut self, client: &Client, now_ms: u64, event: Event<'_>) -> Result<()> {
        self.check_client(client)?;
        let now = self.clock(now_ms);
        match event {
            Event::Response { status, body } => self.on_response(client, now, status, body),
            Event::Timeout => self.on_lost(now, |endpoint| LogEvent::Timeout { endpoint }),
            Event::NetworkError => {
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
        if !matches!(self.phase, Phase::Authorized { .. }) {
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

    /// The whole state as JSON, for the write-ahead rule. Holds no secret.
    pub fn snapshot(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::InvalidState {
            reason: format!("snapshot failed: {e}"),
        })
    }

    /// Rebuilds a driver from [`Driver::snapshot`]. A request that was in
    /// flight is asked for again, byte for byte, with a fresh deadline.
    pub fn restore(snapshot: &str, now_ms: u64) -> Result<Self> {
        let mut driver = Self::inspect(snapshot)?;
        let now = driver.clock(now_ms);
        let resend = driver.in_flight.as_ref().map(Outgoing::endpoint);
        driver.record(LogEvent::Restored { resend });
        if let Some(request) = driver.in_flight.as_mut() {
            request.refresh_deadline(now);
        }
        Ok(driver)
    }

    /// Reads a snapshot with the checks of [`Driver::restore`], but as it
    /// was saved: nothing journaled, no deadline moved. For showing a
    /// payment (a cashier's screen) without resuming it.
    pub fn inspect(snapshot: &str) -> Result<Self> {
        if snapshot.len() > MAX_SNAPSHOT_BYTES {
            return Err(Error::BodyTooLarge {
                size: snapshot.len(),
                limit: MAX_SNAPSHOT_BYTES,
            });
        }
        let driver: Self = serde_json::from_str(snapshot).map_err(|e| Error::InvalidJson {
            reason: e.to_string(),
        })?;
        if driver.version != SNAPSHOT_VERSION {
            return Err(Error::InvalidState {
                reason: format!(
                    "snapshot version {} is not supported (expected {SNAPSHOT_VERSION})",
                    driver.version
                ),
            });
        }
        driver.config.validate()?;
        if matches!(driver.phase, Phase::Done { .. }) && driver.in_flight.is_some() {
            return Err(Error::InvalidState {
                reason: "snapshot is inconsistent: finished, yet a request is in flight".into(),
            });
        }
        Ok(driver)
    }

    /// Where the payment stands.
    pub fn stage(&self) -> Stage {
        match self.phase {
            Phase::Paying => Stage::Paying,
            Phase::Authorized { .. } => Stage::Authorized,
            Phase::Confirming { .. } => Stage::Confirming,
            Phase::Done { .. } => Stage::Done,
        }
    }

    /// The outcome, once there is one.
    pub fn outcome(&self) -> Option<&Outcome> {
        match &self.phase {
            Phase::Done { outcome } => Some(outcome),
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

    /// Amount in VND.
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

    /// When the current stage gives up (host clock, ms).
    pub fn deadline_ms(&self) -> u64 {
        match self.phase {
            Phase::Authorized { decide_by_ms } => decide_by_ms,
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
        if now_ms < self.now_ms {
            let back = self.now_ms - now_ms;
            self.record(LogEvent::Ignored {
                what: format!("the clock went back by {back} ms"),
            });
        } else {
            self.now_ms = now_ms;
        }
        self.now_ms
    }

    fn record(&mut self, event: LogEvent) {
        if self.log.len() >= MAX_LOG {
            self.log.remove(1.min(self.log.len() - 1));
            self.log_dropped = self.log_dropped.saturating_add(1);
        }
        self.log.push(LogEntry {
            at_ms: self.now_ms,
            event,
        });
    }

    fn hand_out(&mut self, request: Outgoing) {
        self.record(LogEvent::Send {
            endpoint: request.endpoint(),
            request_id: request.request_id().to_owned(),
            attempt: request.attempt(),
        });
        self.next_poll_ms = None;
        self.in_flight = Some(request);
    }

    fn on_response(&mut self, client: &Client, now: u64, status: u16, body: &[u8]) {
        let Some(request) = self.in_flight.take() else {
            self.record(LogEvent::Ignored {
                what: format!("an HTTP {status} answer with no request in flight"),
            });
            return;
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
                self.schedule_poll(now);
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
        };
        answer.check_ids(&self.partner_code, &self.order_id, request.request_id())?;
        let moves_money = matches!(answer.result_code, 0 | 9000);
        if moves_money && answer.amount.is_some_and(|a| a != self.amount) {
            return Err(Error::FieldMismatch { field: "amount" });
        }
        Ok((answer, authenticity == crate::Authenticity::Verified))
    }

    fn on_lost(&mut self, now: u64, log: impl FnOnce(Endpoint) -> LogEvent) {
        match self.in_flight.take() {
            Some(request) => {
                self.record(log(request.endpoint()));
                self.schedule_poll(now);
            }
            None => self.record(LogEvent::Ignored {
                what: "a lost answer with no request in flight".into(),
            }),
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
        if let Phase::Done { outcome } = &self.phase {
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
        let info = explain(code);
        let unknown = matches!(&self.phase, Phase::Done { outcome } if !outcome.is_final());
        if unknown && !(code == 0 || info.is_final) {
            return; // only a final word can settle an unknown payment
        }
        let cancelling = matches!(
            self.phase,
            Phase::Confirming {
                action: ConfirmAction::Cancel,
                ..
            }
        );
        if code == 0 {
            if cancelling && source == Source::Answer(Endpoint::Confirm) {
                return self.settle(self.cancelled(0));
            }
            if cancelling {
                self.record(LogEvent::Conflict {
                    what: "MoMo reports the payment paid although it was cancelled".into(),
                });
            }
            return self.settle(Outcome::Paid {
                trans_id: self.trans_id.clone(),
            });
        }
        if info.is_final {
            return self.settle(if self.authorized_seen {
                self.cancelled(code)
            } else {
                Outcome::Declined { result_code: code }
            });
        }
        let refused = matches!(
            info.next_step,
            NextStep::FixRequest | NextStep::RefreshPaymentCode | NextStep::ContactMomo
        );
        match (&self.phase, source) {
            (Phase::Paying, _) if code == 9000 => self.authorize(now),
            (Phase::Paying, Source::Answer(Endpoint::Pos)) if refused => {
                self.settle(Outcome::Declined { result_code: code })
            }
            (Phase::Paying, Source::Answer(Endpoint::Query))
                if code == QUERY_NOT_FOUND
                    && !self.pos_answered
                    && self.pos_resends < self.config.max_pos_resends =>
            {
                self.pos_resends += 1;
                self.pos = self.pos.again(now);
                self.hand_out(self.pos.clone());
            }
            (Phase::Confirming { .. }, Source::Answer(Endpoint::Confirm)) if refused => self
                .settle(Outcome::Unknown {
                    reason: UnknownReason::ConfirmRefused { result_code: code },
                }),
            (Phase::Confirming { request, sends, .. }, Source::Answer(Endpoint::Query))
                if code == 9000 && *sends < self.config.max_confirm_sends =>
            {
                // Still authorized: the confirm call never landed.
                let again = request.again(now);
                if let Phase::Confirming { request, sends, .. } = &mut self.phase {
                    *request = again.clone();
                    *sends += 1;
                }
                self.hand_out(again);
            }
            (_, Source::Ipn) => {} // a pending IPN adds nothing to what the driver waits for
            (_, Source::Answer(_)) => self.schedule_poll(now),
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
        self.phase = Phase::Authorized {
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
        self.phase = Phase::Done { outcome };
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
        let outgoing = Outgoing::new(&request, self.config.request_timeout_ms, now);
        self.record(LogEvent::Decided { action, by });
        self.phase = Phase::Confirming {
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
        match &self.phase {
            Phase::Done { .. } => return Ok(()),
            Phase::Authorized { decide_by_ms } => {
                if now >= *decide_by_ms {
                    let action = self.config.on_undecided;
                    self.start_confirm(client, now, action, DecidedBy::Default)?;
                }
                return Ok(());
            }
            Phase::Paying | Phase::Confirming { .. } => {}
        }
        if self
            .in_flight
            .as_ref()
            .is_some_and(|r| now >= r.deadline_ms())
        {
            self.on_lost(now, |endpoint| LogEvent::Timeout { endpoint });
        }
        if self.in_flight.is_some() {
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
                self.hand_out(Outgoing::new(&request, self.config.request_timeout_ms, now));
            }
        }
        Ok(())
    }
}

/// A requestId for a follow-up call of this payment: readable when it fits
/// in MoMo's 50 characters, else built on a hash of the pos requestId so that
/// different payments never share one.
fn derived_request_id(base: &str, suffix: &str) -> String {
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
