//! The drivers' money rules as one check each, for any test that feeds a
//! [`Driver`] or a [`RefundDriver`] events of its own: our property tests,
//! the fuzzer, the scripted runs, and an integrator's tests of their host
//! loop.

use momo_pos::driver::{Action, Driver, LogEvent, Outcome};
use momo_pos::refund::{RefundAction, RefundDriver, RefundOutcome};
use momo_pos::Endpoint;

/// The result codes the driver took into account before its last
/// settlement, in order: the endpoint that answered (`None` for an IPN) and
/// the code.
pub fn codes_before_settling(driver: &Driver) -> Vec<(Option<Endpoint>, i64)> {
    let log = driver.log();
    let end = log
        .iter()
        .rposition(|e| matches!(e.event, LogEvent::Settled { .. }))
        .unwrap_or(log.len());
    log.iter()
        .take(end)
        .filter_map(|e| match &e.event {
            LogEvent::Answer {
                endpoint,
                result_code,
                ..
            } => Some((Some(*endpoint), *result_code)),
            LogEvent::Ipn { result_code, .. } => Some((None, *result_code)),
            _ => None,
        })
        .collect()
}

/// Checks, at any point of a payment, the rules that keep a shopper from
/// being charged twice or told a wrong result:
/// - a pos request handed out is `first_pos` byte for byte, under the
///   payment's requestId (a retry, never a new payment);
/// - no `declined` once MoMo said 0 or 9000 (money moved or is held);
/// - only `paid` after a 0 to the pos request or a query (a 0 to a cancel
///   is the cancel succeeding).
///
/// Returns the broken rule, with what the driver saw.
pub fn check_money_rules(driver: &Driver, first_pos: &[u8]) -> Result<(), String> {
    if let Action::Send(request) = driver.next_action() {
        if request.endpoint() == Endpoint::Pos {
            if request.body() != first_pos {
                return Err("a pos request with other bytes than the first".into());
            }
            if request.request_id() != driver.pos_request().request_id() {
                return Err(format!(
                    "a pos request under requestId {}",
                    request.request_id()
                ));
            }
        }
    }
    let Some(outcome) = driver.outcome() else {
        return Ok(());
    };
    let seen = codes_before_settling(driver);
    if matches!(outcome, Outcome::Declined { .. })
        && seen.iter().any(|(_, code)| matches!(code, 0 | 9000))
    {
        return Err(format!("declined after 0/9000: {seen:?}"));
    }
    let paid = seen
        .iter()
        .any(|(endpoint, code)| *code == 0 && *endpoint != Some(Endpoint::Confirm));
    if paid && !matches!(outcome, Outcome::Paid { .. }) {
        return Err(format!("{outcome:?} after a 0: {seen:?}"));
    }
    Ok(())
}

/// Checks, at any point of a refund, the rules that keep a shopper from
/// being refunded twice or a merchant told a wrong result:
/// - a refund request handed out is `first_refund` byte for byte, under
///   the refund's requestId (a resend, never a second refund);
/// - `refunded` only after MoMo answered something with 0: the refund
///   itself, or a status query of the payment (whose `refundTrans` then
///   listed it; the journal keeps that evidence as English text, which
///   the scripted runs check against what the double answered);
/// - `refused` only after a refund answer or a query answer, never on a
///   lost one alone.
///
/// Returns the broken rule, with what the driver saw.
pub fn check_refund_rules(driver: &RefundDriver, first_refund: &[u8]) -> Result<(), String> {
    if let RefundAction::Send(request) = driver.next_action() {
        if request.endpoint() == Endpoint::Refund {
            if request.body() != first_refund {
                return Err("a refund request with other bytes than the first".into());
            }
            if request.request_id() != driver.request_id() {
                return Err(format!(
                    "a refund request under requestId {} (the refund's is {})",
                    request.request_id(),
                    driver.request_id()
                ));
            }
        }
    }
    if driver.refund_request().body() != first_refund {
        return Err("the driver's refund is not the first one sent".into());
    }
    let Some(outcome) = driver.outcome() else {
        return Ok(());
    };
    let log = driver.log();
    let end = log
        .iter()
        .rposition(|e| matches!(e.event, LogEvent::RefundSettled { .. }))
        .unwrap_or(log.len());
    let seen: Vec<(Endpoint, i64)> = log
        .iter()
        .take(end)
        .filter_map(|e| match &e.event {
            LogEvent::Answer {
                endpoint,
                result_code,
                ..
            } => Some((*endpoint, *result_code)),
            _ => None,
        })
        .collect();
    match outcome {
        RefundOutcome::Refunded { .. } if !seen.iter().any(|(_, code)| *code == 0) => {
            Err(format!("refunded without a 0: {seen:?}"))
        }
        RefundOutcome::Refused { result_code }
            if !seen.iter().any(|(endpoint, code)| {
                code == result_code || (*endpoint == Endpoint::Query && *code == 0)
            }) =>
        {
            Err(format!(
                "refused ({result_code}) without such an answer: {seen:?}"
            ))
        }
        _ => Ok(()),
    }
}
