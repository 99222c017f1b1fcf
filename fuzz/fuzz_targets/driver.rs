//! The transaction driver under event sequences chosen by the fuzzer:
//! answers with any result code (signed or not) or garbage, any HTTP
//! status, timeouts, network errors, verified IPNs (matching or not),
//! ticks, the clock going back, capture/cancel decisions, snapshot/restore.
//!
//! Invariants, checked after every step:
//! - `handle` never fails for the driver's own client; `decide` fails only
//!   when no decision is expected, with `invalid_state`.
//! - The pos request handed out is always byte-identical to the first one,
//!   with the payment's requestId.
//! - An outcome, once there, is one of `paid`, `declined`, `cancelled`,
//!   `unknown`; never `declined` after a 0 or 9000, and `paid` after a 0
//!   to the pos request or a query.
//! - A snapshot always restores (`restore` and `inspect`), and `inspect`
//!   gives back exactly the driver that was saved.
//! - Once MoMo goes silent and nobody decides, the deadlines end the
//!   payment within a bounded number of steps.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use momo_pos::driver::{Action, Driver, DriverConfig, Event, SendId};
use momo_pos_testkit::{self as simulation, AMOUNT, ORDER_ID, T0_MS};
use momo_pos::{ConfirmAction, ErrorKind};

#[derive(Arbitrary, Debug)]
enum Op {
    /// An answer to the request in flight with this result code.
    Answer {
        code: i64,
        status: u16,
        signed: bool,
    },
    /// An answer with a common code (the fuzzer finds 0/9000 faster).
    Known {
        code: u8,
        signed: bool,
    },
    /// Bytes that may or may not be JSON.
    Garbage {
        status: u16,
        body: Vec<u8>,
    },
    Timeout,
    NetworkError,
    /// An answer for the first send, whatever is in flight.
    Stale {
        code: u8,
    },
    Ipn {
        code: u8,
        wrong_amount: bool,
    },
    Tick(u32),
    ClockBack(u32),
    Decide(bool),
    Restore,
}

const CODES: [i64; 22] = [
    0, 9000, 1000, 7000, 7002, 10, 11, 13, 20, 21, 40, 41, 42, 43, 44, 99, 1001, 1003, 1006, 1017,
    4005, 12345,
];

#[derive(Arbitrary, Debug)]
struct Input {
    auto_capture: bool,
    ops: Vec<Op>,
}

fn answer_body(request_id: &str, code: i64, signed: bool) -> String {
    let fields = format!(
        r#""partnerCode":"MOMO","orderId":"{ORDER_ID}","requestId":"{request_id}","amount":{AMOUNT},"transId":4088878653,"resultCode":{code},"message":"m","responseTime":1"#
    );
    if !signed {
        return format!("{{{fields}}}");
    }
    // Signed over the pos answer's fields: for a query or confirm answer
    // this is a wrong signature, which the driver must treat as unusable.
    let signature = common::sign(&[
        ("amount", AMOUNT.to_string()),
        ("message", "m".into()),
        ("orderId", ORDER_ID.into()),
        ("partnerCode", "MOMO".into()),
        ("requestId", request_id.into()),
        ("responseTime", "1".into()),
        ("resultCode", code.to_string()),
        ("transId", "4088878653".into()),
    ]);
    format!(r#"{{{fields},"signature":"{signature}"}}"#)
}

fn check(driver: &Driver, first_pos: &[u8]) {
    if let Err(broken) = simulation::check_money_rules(driver, first_pos) {
        panic!("{broken}");
    }
    let snapshot = driver
        .snapshot()
        .unwrap_or_else(|e| panic!("snapshot: {e}"));
    let inspected = Driver::inspect(&snapshot).unwrap_or_else(|e| panic!("inspect: {e}"));
    assert_eq!(&inspected, driver, "inspect(snapshot) is another driver");
    if let Some(outcome) = driver.outcome() {
        assert!(matches!(
            outcome.as_str(),
            "paid" | "declined" | "cancelled" | "unknown"
        ));
    }
}

fuzz_target!(|input: Input| {
    let client = simulation::client().unwrap_or_else(|e| panic!("{e}"));
    let payment = simulation::payment(input.auto_capture).unwrap_or_else(|e| panic!("{e}"));
    let mut driver = Driver::start(&client, &payment, DriverConfig::default(), T0_MS)
        .unwrap_or_else(|e| panic!("start: {e}"));
    let first_pos = driver.pos_request().body().to_vec();
    let mut now = T0_MS;
    let ok = |r: momo_pos::Result<()>| r.unwrap_or_else(|e| panic!("handle failed: {e}"));

    // 64 steps reach every phase; longer runs only slow the search down.
    for op in input.ops.iter().take(64) {
        // Events name the request in flight; `Stale` names the first send,
        // which by then is usually no longer in flight.
        let (in_flight_id, id) = match driver.in_flight() {
            Some(r) => (r.request_id().to_owned(), r.id()),
            None => ("nothing-in-flight".to_owned(), SendId::from(0)),
        };
        match op {
            Op::Answer {
                code,
                status,
                signed,
            } => {
                now += 200;
                let body = answer_body(&in_flight_id, *code, *signed);
                ok(driver.handle(
                    &client,
                    now,
                    Event::Response {
                        id,
                        status: *status,
                        body: body.as_bytes(),
                    },
                ));
            }
            Op::Known { code, signed } => {
                now += 200;
                let code = CODES[usize::from(*code) % CODES.len()];
                let body = answer_body(&in_flight_id, code, *signed);
                ok(driver.handle(
                    &client,
                    now,
                    Event::Response {
                        id,
                        status: 200,
                        body: body.as_bytes(),
                    },
                ));
            }
            Op::Garbage { status, body } => {
                ok(driver.handle(
                    &client,
                    now,
                    Event::Response {
                        id,
                        status: *status,
                        body,
                    },
                ));
            }
            Op::Timeout => ok(driver.handle(&client, now, Event::Timeout { id })),
            Op::NetworkError => ok(driver.handle(&client, now, Event::NetworkError { id })),
            Op::Stale { code } => {
                let before = driver.clone();
                let code = CODES[usize::from(*code) % CODES.len()];
                let body = answer_body(&in_flight_id, code, false);
                let id = SendId::from(1);
                let status = 200;
                let event = Event::Response { id, status, body: body.as_bytes() };
                ok(driver.handle(&client, now, event));
                if before.in_flight().map(|r| r.id()) != Some(id) {
                    assert_eq!(driver.next_action(), before.next_action(), "a stale answer acted");
                }
            }
            Op::Ipn { code, wrong_amount } => {
                let code = CODES[usize::from(*code) % CODES.len()];
                let amount = if *wrong_amount { AMOUNT + 1 } else { AMOUNT };
                let body = simulation::ipn_body(code, amount, now);
                let ipn = client
                    .verify_ipn(body.as_bytes())
                    .unwrap_or_else(|e| panic!("simulated IPN: {e}"));
                ok(driver.handle(&client, now, Event::Ipn(&ipn)));
            }
            Op::Tick(dt) => {
                now += u64::from(*dt);
                ok(driver.handle(&client, now, Event::Tick));
            }
            Op::ClockBack(dt) => {
                ok(driver.handle(&client, now.saturating_sub(u64::from(*dt)), Event::Tick));
            }
            Op::Decide(capture) => {
                let action = if *capture {
                    ConfirmAction::Capture
                } else {
                    ConfirmAction::Cancel
                };
                let authorized = matches!(driver.next_action(), Action::Decide { .. });
                match driver.decide(&client, now, action) {
                    Ok(()) => assert!(authorized, "a decision was taken while not authorized"),
                    Err(e) => {
                        assert!(!authorized, "decision refused while authorized: {e}");
                        assert_eq!(e.kind(), ErrorKind::InvalidState);
                    }
                }
            }
            Op::Restore => {
                let snapshot = driver.snapshot().unwrap_or_else(|e| panic!("{e}"));
                driver = Driver::restore(&snapshot, now).unwrap_or_else(|e| panic!("restore: {e}"));
            }
        }
        check(&driver, &first_pos);
    }

    // MoMo goes silent and nobody decides: the deadlines must end it.
    let mut rounds = 0;
    while !matches!(driver.next_action(), Action::Done(_)) {
        rounds += 1;
        assert!(rounds < 200, "no end: {:?}", driver.next_action());
        match driver.next_action() {
            Action::Send(r) => {
                now = now.max(r.deadline_ms());
                let id = r.id();
                ok(driver.handle(&client, now, Event::Timeout { id }));
            }
            Action::Wait { until_ms } | Action::Decide { until_ms, .. } => {
                now = now.max(until_ms);
                ok(driver.handle(&client, now, Event::Tick));
            }
            _ => {}
        }
        check(&driver, &first_pos);
    }
});
