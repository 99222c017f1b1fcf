#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Random event sequences against the driver. Whatever the host, MoMo and
//! the network do, the driver
//! - never hands out a pos request with other bytes or another requestId,
//! - never reports `declined` after a 0 or 9000, nor anything but `paid`
//!   after a 0 (unless that 0 answered a cancel),
//! - reaches one of the documented outcomes once the host stops feeding
//!   anything but the clock, within the phase deadlines.

use momo_pos::driver::{Action, Driver, DriverConfig, Event, LogEvent, SendId};
use momo_pos::{ConfirmAction, Endpoint, ErrorKind};
use momo_pos_testkit::{self as simulation, AMOUNT, ORDER_ID, T0_MS};
use proptest::prelude::*;

const CODES: &[i64] = &[
    0, 9000, 1000, 7000, 7002, 10, 11, 13, 20, 21, 40, 41, 42, 43, 44, 99, 1001, 1003, 1006, 1017,
    4005, 12345,
];

#[derive(Debug, Clone)]
enum Op {
    Answer(i64),
    /// An answer for the first request ever sent, whatever is in flight.
    StaleAnswer(i64),
    Garbage,
    Timeout,
    NetworkError,
    Ipn {
        code: i64,
        wrong_amount: bool,
    },
    Tick(u64),
    ClockBack(u64),
    Decide(bool),
    Restore,
}

fn op() -> impl Strategy<Value = Op> {
    let code = prop::sample::select(CODES);
    prop_oneof![
        4 => code.clone().prop_map(Op::Answer),
        1 => code.clone().prop_map(Op::StaleAnswer),
        1 => Just(Op::Garbage),
        2 => Just(Op::Timeout),
        1 => Just(Op::NetworkError),
        2 => (code, any::<bool>()).prop_map(|(code, wrong_amount)| Op::Ipn { code, wrong_amount }),
        3 => (0u64..90_000).prop_map(Op::Tick),
        1 => (0u64..10_000).prop_map(Op::ClockBack),
        2 => any::<bool>().prop_map(Op::Decide),
        1 => Just(Op::Restore),
    ]
}

fn body_for(request_id: &str, code: i64) -> String {
    format!(
        r#"{{"partnerCode":"MOMO","orderId":"{ORDER_ID}","requestId":"{request_id}","amount":{AMOUNT},"transId":4088878653,"resultCode":{code},"message":"m","responseTime":1}}"#
    )
}

/// The money rules (`simulation::check_money_rules`), as a test failure.
fn check(driver: &Driver, first_pos: &[u8]) {
    if let Err(broken) = simulation::check_money_rules(driver, first_pos) {
        panic!("{broken}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_driver_stays_safe(auto_capture in any::<bool>(), ops in prop::collection::vec(op(), 0..60)) {
        let client = simulation::client().unwrap();
        let payment = simulation::payment(auto_capture).unwrap();
        let mut driver = Driver::start(&client, &payment, DriverConfig::default(), T0_MS).unwrap();
        let first_pos = driver.pos_request().body().to_vec();
        let mut now = T0_MS;

        for op in ops {
            let (in_flight_id, id) = match driver.in_flight() {
                Some(r) => (r.request_id().to_owned(), r.id()),
                None => ("nothing-in-flight".to_owned(), SendId::from(0)),
            };
            match op {
                Op::Answer(code) => {
                    now += 200;
                    let body = body_for(&in_flight_id, code);
                    driver.handle(&client, now, Event::Response { id, status: 200, body: body.as_bytes() }).unwrap();
                }
                Op::StaleAnswer(code) => {
                    let before = driver.clone();
                    let body = body_for(&in_flight_id, code);
                    let id = SendId::from(1);
                    driver.handle(&client, now, Event::Response { id, status: 200, body: body.as_bytes() }).unwrap();
                    if before.in_flight().map(|r| r.id()) != Some(id) {
                        prop_assert_eq!(driver.next_action(), before.next_action());
                        prop_assert_eq!(driver.outcome(), before.outcome());
                    }
                }
                Op::Garbage => {
                    driver.handle(&client, now, Event::Response { id, status: 500, body: b"\xff<html>" }).unwrap();
                }
                Op::Timeout => driver.handle(&client, now, Event::Timeout { id }).unwrap(),
                Op::NetworkError => driver.handle(&client, now, Event::NetworkError { id }).unwrap(),
                Op::Ipn { code, wrong_amount } => {
                    let amount = if wrong_amount { AMOUNT + 1 } else { AMOUNT };
                    let ipn = client.verify_ipn(simulation::ipn_body(code, amount, now).as_bytes()).unwrap();
                    driver.handle(&client, now, Event::Ipn(&ipn)).unwrap();
                }
                Op::Tick(dt) => {
                    now += dt;
                    driver.handle(&client, now, Event::Tick).unwrap();
                }
                Op::ClockBack(dt) => {
                    driver.handle(&client, now.saturating_sub(dt), Event::Tick).unwrap();
                }
                Op::Decide(capture) => {
                    let action = if capture { ConfirmAction::Capture } else { ConfirmAction::Cancel };
                    let authorized = matches!(driver.next_action(), Action::Decide { .. });
                    match driver.decide(&client, now, action) {
                        Ok(()) => prop_assert!(authorized),
                        Err(e) => {
                            prop_assert!(!authorized);
                            prop_assert_eq!(e.kind(), ErrorKind::InvalidState);
                        }
                    }
                }
                Op::Restore => {
                    driver = Driver::restore(&driver.snapshot().unwrap(), now).unwrap();
                }
            }
            check(&driver, &first_pos);
        }

        // From here on MoMo is silent and nobody decides: the deadlines end it.
        let mut rounds = 0;
        while !matches!(driver.next_action(), Action::Done(_)) {
            rounds += 1;
            prop_assert!(rounds < 100, "no end: {:?}", driver.next_action());
            match driver.next_action() {
                Action::Send(r) => {
                    now = now.max(r.deadline_ms());
                    let id = r.id();
                    driver.handle(&client, now, Event::Timeout { id }).unwrap();
                }
                Action::Wait { until_ms } | Action::Decide { until_ms, .. } => {
                    now = now.max(until_ms);
                    driver.handle(&client, now, Event::Tick).unwrap();
                }
                _ => {}
            }
            check(&driver, &first_pos);
        }
        // Query and confirm ids never reuse the payment's requestId.
        for entry in driver.log() {
            if let LogEvent::Send { endpoint, request_id, .. } = &entry.event {
                prop_assert_eq!(*endpoint == Endpoint::Pos, request_id == simulation::REQUEST_ID);
            }
        }
    }
}
