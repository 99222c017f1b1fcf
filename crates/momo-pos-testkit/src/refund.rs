//! Refund scripts against the [`RefundDriver`]: the same host as the
//! payment's (one send each, answers kept until they arrive, the snapshot
//! persisted before every send and restored after a crash), with the
//! refund's rules checked at every step.

use momo_pos::driver::{Event, Outgoing};
use momo_pos::refund::{PaidPayment, RefundAction, RefundDriver, RefundOutcome};
use momo_pos::{Client, ConfirmAction, Endpoint, Refund, Result};

use super::{
    check_refund_rules, client, script_error, Driven, Host, RunOptions, Scenario, Script, Step,
    AMOUNT, ORDER_ID, T0_MS, TRANS_ID,
};

/// The simulated refund's own orderId (a refund is an order of its own).
pub const REFUND_ORDER_ID: &str = "ORDER-1001-R1";
/// The simulated refund's requestId: MoMo's idempotency key for it.
pub const REFUND_REQUEST_ID: &str = "ORDER-1001-R1-r1";
/// The transId the double gives the refund (not the payment's).
pub const REFUND_TRANS_ID: u64 = 4_088_878_700;
/// The reason the simulated refund gives.
const DESCRIPTION: &str = "Khách trả hàng";

/// What a played refund script did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefundRun {
    /// The host's view, one line per action or event (`send refund
    /// ORDER-1001-R1-r1`, `answer 0`, `timeout`, `wait 2000ms`, `send
    /// query ORDER-1001-R1-r1-q1`, `done refunded`...).
    pub steps: Vec<String>,
    /// Every request the host sent, in order.
    pub sent: Vec<Outgoing>,
    /// How it ended.
    pub outcome: RefundOutcome,
    /// The driver at the end (its journal is the trace).
    pub driver: RefundDriver,
}

/// The payment every refund script refunds, as the host's records have it:
/// [`ORDER_ID`], paid [`AMOUNT`] with [`TRANS_ID`], `refunded` VND of it
/// already given back.
pub fn paid_payment(refunded: u64) -> PaidPayment {
    PaidPayment::new(ORDER_ID, TRANS_ID.into(), AMOUNT).with_refunded(refunded)
}

/// The refund every refund script plays: `amount` VND of the paid payment,
/// under [`REFUND_ORDER_ID`] and [`REFUND_REQUEST_ID`].
pub fn refund(amount: u64) -> Refund {
    Refund::new(REFUND_ORDER_ID, REFUND_REQUEST_ID, amount, TRANS_ID.into())
        .with_description(DESCRIPTION)
}

/// Plays a named refund scenario.
pub fn run_refund(scenario: &Scenario, options: RunOptions) -> Result<RefundRun> {
    play_refund(&scenario.script()?, options)
}

/// Plays a refund script (one with [`Script::refund`]) with the
/// [`RefundConfig`](momo_pos::refund::RefundConfig) it names (defaults
/// otherwise). Every step keeps [`check_refund_rules`]; at the end,
/// `refunded` must follow an answer of the double that said so. A broken
/// rule is an error naming it.
pub fn play_refund(script: &Script, options: RunOptions) -> Result<RefundRun> {
    let Some(plan) = &script.refund else {
        return Err(script_error(
            "a payment script (it has no \"refund\") is played by play".into(),
        ));
    };
    let client = client()?;
    let config = plan.config.clone().unwrap_or_default();
    let driver = RefundDriver::start(
        &client,
        &refund(plan.amount),
        &paid_payment(plan.refunded),
        config,
        T0_MS,
    )?;
    let played = Host::new(&client, script, driver)?.play(options)?;
    if matches!(played.outcome, RefundOutcome::Refunded { .. }) && !played.said_refunded {
        return Err(script_error(
            "a rule was broken: refunded, yet no answer said 0 for this refund".into(),
        ));
    }
    Ok(RefundRun {
        steps: played.steps,
        sent: played.sent,
        outcome: played.outcome,
        driver: played.driver,
    })
}

impl Driven for RefundDriver {
    type Outcome = RefundOutcome;

    fn step(&self) -> Step<'_> {
        match self.next_action() {
            RefundAction::Send(request) => Step::Send(request),
            RefundAction::Wait { until_ms } => Step::Wait { until_ms },
            _ => Step::Done,
        }
    }

    fn outcome(&self) -> Option<&RefundOutcome> {
        RefundDriver::outcome(self)
    }

    fn name(outcome: &RefundOutcome) -> &'static str {
        outcome.as_str()
    }

    fn in_flight(&self) -> Option<&Outgoing> {
        RefundDriver::in_flight(self)
    }

    fn snapshot(&self) -> Result<String> {
        RefundDriver::snapshot(self)
    }

    fn inspect(snapshot: &str) -> Result<Self> {
        RefundDriver::inspect(snapshot)
    }

    fn restore(snapshot: &str, now_ms: u64) -> Result<Self> {
        RefundDriver::restore(snapshot, now_ms)
    }

    fn handle(&mut self, client: &Client, now_ms: u64, event: Event<'_>) -> Result<()> {
        RefundDriver::handle(self, client, now_ms, event)
    }

    fn decide(&mut self, _: &Client, _: u64, _: ConfirmAction) -> Result<()> {
        // Refund scripts have no decision: Script::from_json refuses one.
        Ok(())
    }

    fn check(&self, sent: &[Outgoing]) -> std::result::Result<(), String> {
        // The first refund the host sent, else the one about to go.
        let mut refunds = sent.iter().filter(|r| r.endpoint() == Endpoint::Refund);
        let first = refunds.next().unwrap_or(self.refund_request());
        for request in refunds {
            if request.body() != first.body() {
                return Err("a refund was sent with other bytes than the first".into());
            }
            if request.request_id() != first.request_id() {
                return Err(format!(
                    "a second refund requestId: {} after {}",
                    request.request_id(),
                    first.request_id()
                ));
            }
        }
        check_refund_rules(self, first.body())
    }
}
