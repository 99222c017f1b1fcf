#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Payments persisted mid-flight by momo-pos 0.1.0 (driver snapshot
//! format 1) still restore and end as 0.1.0 ended them.
//!
//! `tests/snapshots/format-1.json` holds, for every scenario 0.1.0's
//! `simulate` had, the snapshot taken before each step, the scenario's
//! beats, how many had been played, and the outcome. Each snapshot is
//! restored by this release and the beats not yet played are played the
//! way 0.1.0's simulation played them: a request goes out as soon as the
//! driver hands it out, IPNs and crashes come in script order, the next
//! answer-like beat answers the request out, and once the script is over
//! MoMo stays silent.

use serde_json::Value;

use momo_pos::driver::{Action, Driver, Event, Outgoing};
use momo_pos::{Client, ConfirmAction};
use momo_pos_testkit::{self as simulation, AMOUNT, T0_MS};

const FILE: &str = include_str!("../../../tests/snapshots/format-1.json");

fn answer_body(request: &Outgoing, code: i64) -> String {
    let sent: Value = serde_json::from_str(request.body_str()).unwrap();
    let mut body = serde_json::json!({
        "partnerCode": sent["partnerCode"], "orderId": sent["orderId"],
        "requestId": sent["requestId"], "amount": AMOUNT, "transId": 4_088_878_653_u64,
        "resultCode": code, "message": "m", "responseTime": T0_MS,
    });
    if let Some(kind) = sent.get("requestType") {
        body["requestType"] = kind.clone();
    }
    body.to_string()
}

/// Plays `beats` against `driver` as 0.1.0's simulation did; the outcome.
fn play(client: &Client, mut driver: Driver, mut now: u64, beats: &[Value]) -> String {
    let mut beats = beats.iter().peekable();
    let mut persisted = driver.snapshot().unwrap();
    let mut out: Option<Outgoing> = None;
    for _ in 0..500 {
        if out.is_none() {
            if let Action::Send(request) = driver.next_action() {
                persisted = driver.snapshot().unwrap();
                out = Some(request.clone());
                continue;
            }
        }
        match beats.peek() {
            Some(beat) if beat.get("ipn").is_some() => {
                let code = beat["ipn"].as_i64().unwrap();
                let amount = AMOUNT + beat["amountOffBy"].as_u64().unwrap();
                now += 300;
                let body = simulation::ipn_body(code, amount, now);
                let n = client.verify_ipn(body.as_bytes()).unwrap();
                driver.handle(client, now, Event::Ipn(&n)).unwrap();
                beats.next();
                continue;
            }
            Some(beat) if beat.get("crash").is_some() => {
                out = None;
                driver = Driver::restore(&persisted, now).unwrap();
                beats.next();
                continue;
            }
            Some(beat) if out.is_some() && beat.get("decide").is_none() => {
                let request = out.take().unwrap();
                reply(client, &mut driver, &mut now, &request, Some(beat));
                beats.next();
                continue;
            }
            _ => {}
        }
        match driver.next_action() {
            Action::Done(outcome) => {
                // Only answers to requests sent before the snapshot can be
                // left: the restored host never sent them.
                let left: Vec<_> = beats.collect();
                assert!(
                    left.iter().all(|b| b.get("answer").is_some()),
                    "beats left after the end: {left:?}"
                );
                return outcome.as_str().to_owned();
            }
            Action::Send(_) => {
                let request = out.take().unwrap();
                reply(client, &mut driver, &mut now, &request, None);
            }
            Action::Wait { until_ms } => {
                now = now.max(until_ms);
                driver.handle(client, now, Event::Tick).unwrap();
            }
            Action::Decide { until_ms, .. } => {
                if let Some(action) = beats.peek().and_then(|b| b.get("decide")) {
                    let action: ConfirmAction = action.as_str().unwrap().parse().unwrap();
                    beats.next();
                    now += 4_000;
                    driver.decide(client, now, action).unwrap();
                } else {
                    now = now.max(until_ms);
                    driver.handle(client, now, Event::Tick).unwrap();
                }
            }
            other => panic!("unexpected action {other:?}"),
        }
    }
    panic!("no end after 500 steps");
}

/// What became of `request`: the beat's answer, or silence.
fn reply(
    client: &Client,
    driver: &mut Driver,
    now: &mut u64,
    request: &Outgoing,
    beat: Option<&Value>,
) {
    let id = request.id();
    let event_now = match beat.and_then(|b| b.get("answer")) {
        Some(code) => {
            *now += 300;
            let body = answer_body(request, code.as_i64().unwrap());
            let event = Event::Response {
                id,
                status: 200,
                body: body.as_bytes(),
            };
            driver.handle(client, *now, event).unwrap();
            return;
        }
        None => match beat.and_then(|b| b.get("lost")).and_then(Value::as_str) {
            Some("networkError") => {
                *now += 50;
                Event::NetworkError { id }
            }
            _ => {
                *now = (*now).max(request.deadline_ms());
                Event::Timeout { id }
            }
        },
    };
    driver.handle(client, *now, event_now).unwrap();
}

#[test]
fn every_format_1_snapshot_restores_and_ends_as_it_did() {
    let file: Value = serde_json::from_str(FILE).unwrap();
    let client = simulation::client().unwrap();
    let mut restored = 0;
    for scenario in file["scenarios"].as_array().unwrap() {
        let name = scenario["scenario"].as_str().unwrap();
        let beats = scenario["beats"].as_array().unwrap();
        let expected = scenario["outcome"].as_str().unwrap();
        for (i, entry) in scenario["snapshots"].as_array().unwrap().iter().enumerate() {
            let text = entry["snapshot"].as_str().unwrap();
            assert!(text.starts_with("{\"version\":1,"), "{name}: not format 1");
            let saved: Value = serde_json::from_str(text).unwrap();
            let now = saved["nowMs"].as_u64().unwrap();
            let played = usize::try_from(entry["beatsPlayed"].as_u64().unwrap()).unwrap();
            let driver = Driver::restore(text, now)
                .unwrap_or_else(|e| panic!("{name} snapshot {i} does not restore: {e}"));
            assert_eq!(driver.order_id(), simulation::ORDER_ID);
            let outcome = play(&client, driver, now, &beats[played..]);
            assert_eq!(outcome, expected, "{name}, from snapshot {i}");
            restored += 1;
        }
    }
    assert!(restored >= 70, "only {restored} snapshots");
    println!("{restored} format-1 snapshots restored and finished");
}

#[test]
fn a_restored_format_1_snapshot_is_saved_as_format_2() {
    let file: Value = serde_json::from_str(FILE).unwrap();
    let first = file["scenarios"][0]["snapshots"][0]["snapshot"]
        .as_str()
        .unwrap();
    let driver = Driver::restore(first, T0_MS).unwrap();
    let again = driver.snapshot().unwrap();
    assert!(again.starts_with("{\"version\":2,"));
    let round = Driver::inspect(&again).unwrap();
    assert_eq!(round, driver);
}
