#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Refunds persisted mid-flight (refund snapshot format 1, written by the
//! first release with refunds) still restore and end as they would have.
//!
//! `tests/snapshots/refund-format-1.json` holds refunds stopped at each
//! point a host persists them (the refund in flight, waiting to query, a
//! query in flight, a resend in flight, ended), each with the request then
//! in flight, the answer the host gets next and the outcome that answer
//! must lead to. The file is committed: a later release must read it as it
//! is. `MOMO_WRITE_SNAPSHOTS=1 cargo test -p momo-pos-testkit --test
//! refund_snapshot_compat -- --ignored` rewrote it, once, for the release
//! that introduced the format.

use serde_json::{json, Value};

use momo_pos::driver::{Event, SendId};
use momo_pos::refund::{RefundAction, RefundConfig, RefundDriver};
use momo_pos_testkit::{
    self as kit, AMOUNT, ORDER_ID, REFUND_ORDER_ID, REFUND_REQUEST_ID, T0_MS, TRANS_ID,
};

const FILE: &str = "../../tests/snapshots/refund-format-1.json";
const REFUND_TRANS: u64 = 9_007_199_254_740_995;

fn refund_answer(code: i64) -> String {
    json!({"partnerCode": "MOMO", "orderId": REFUND_ORDER_ID, "requestId": REFUND_REQUEST_ID,
           "amount": 20_000, "transId": REFUND_TRANS, "resultCode": code, "message": "m",
           "responseTime": T0_MS})
    .to_string()
}

fn query_answer(request_id: &str, listed: Option<i64>) -> String {
    let refunds: Vec<Value> = listed
        .map(|code| {
            json!({"orderId": REFUND_ORDER_ID, "amount": 20_000, "resultCode": code,
                   "transId": REFUND_TRANS, "createdTime": T0_MS})
        })
        .into_iter()
        .collect();
    json!({"partnerCode": "MOMO", "orderId": ORDER_ID, "requestId": request_id,
           "amount": AMOUNT, "transId": TRANS_ID, "resultCode": 0, "message": "m",
           "responseTime": T0_MS, "refundTrans": refunds})
    .to_string()
}

/// The answer a case feeds to the request in flight after restoring.
fn answer_for(then: &Value, request_id: &str) -> String {
    match then["kind"].as_str().unwrap() {
        "refund" => refund_answer(then["code"].as_i64().unwrap()),
        "query" => query_answer(request_id, then["listed"].as_i64()),
        other => panic!("answer kind {other}"),
    }
}

fn in_flight_of(d: &RefundDriver) -> Option<(SendId, String, String)> {
    match d.next_action() {
        RefundAction::Send(r) => Some((r.id(), r.endpoint().to_string(), r.body_str().to_owned())),
        _ => None,
    }
}

/// Restores a case, checks what the snapshot says, plays `then` and
/// returns the outcome's name.
fn resume(case: &Value) -> String {
    let client = kit::client().unwrap();
    let snapshot = case["snapshot"].as_str().unwrap();
    let seen = RefundDriver::inspect(snapshot).unwrap();
    assert_eq!(seen.order_id(), REFUND_ORDER_ID);
    assert_eq!(seen.amount(), 20_000);
    assert_eq!(seen.payment_trans_id().as_str(), TRANS_ID.to_string());
    let now = case["nowMs"].as_u64().unwrap();
    let mut driver = RefundDriver::restore(snapshot, now).unwrap();
    match (in_flight_of(&driver), case["inFlight"].as_object()) {
        (None, None) => {}
        (Some((_, endpoint, body)), Some(want)) => {
            assert_eq!(
                endpoint,
                want["endpoint"].as_str().unwrap(),
                "{}",
                case["name"]
            );
            // The same bytes as before the stop, under a new id.
            assert_eq!(body, want["body"].as_str().unwrap(), "{}", case["name"]);
        }
        (got, want) => panic!("{}: in flight {got:?}, recorded {want:?}", case["name"]),
    }
    let then = &case["then"];
    if then.is_object() {
        if then["kind"] == "tick" {
            let RefundAction::Wait { until_ms } = driver.next_action() else {
                panic!("{}: not waiting", case["name"]);
            };
            driver.handle(&client, until_ms, Event::Tick).unwrap();
        } else {
            let (id, _, body) = in_flight_of(&driver).unwrap();
            let sent: Value = serde_json::from_str(&body).unwrap();
            let answer = answer_for(then, sent["requestId"].as_str().unwrap());
            driver
                .handle(
                    &client,
                    now + 100,
                    Event::Response {
                        id,
                        status: 200,
                        body: answer.as_bytes(),
                    },
                )
                .unwrap();
        }
    }
    match driver.next_action() {
        RefundAction::Done(o) => o.as_str().to_owned(),
        RefundAction::Send(r) => format!("send {}", r.endpoint()),
        RefundAction::Wait { .. } => "wait".into(),
        _ => unreachable!(),
    }
}

/// Read at run time, so that the writer below can create it.
fn committed() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn refunds_persisted_by_the_first_refund_release_still_resume() {
    let file = committed();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 6);
    for case in cases {
        assert_eq!(
            resume(case),
            case["outcome"].as_str().unwrap(),
            "{}",
            case["name"]
        );
    }
}

#[test]
fn a_payment_snapshot_is_not_a_refund_and_a_later_format_is_refused() {
    let file = committed();
    let snapshot: Value =
        serde_json::from_str(file["cases"][0]["snapshot"].as_str().unwrap()).unwrap();
    let mut later = snapshot.clone();
    later["version"] = json!(2);
    let err = RefundDriver::inspect(&later.to_string()).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
    let mut payment = snapshot;
    payment["kind"] = json!("payment");
    assert!(RefundDriver::inspect(&payment.to_string()).is_err());
    let run = kit::run(kit::find("paid").unwrap(), kit::RunOptions::default()).unwrap();
    assert!(RefundDriver::inspect(&run.driver.snapshot().unwrap()).is_err());
}

/// Writes the file from this release's driver: run once, for the release
/// that introduced format 1, and committed.
#[test]
#[ignore = "writes tests/snapshots/refund-format-1.json (MOMO_WRITE_SNAPSHOTS=1)"]
fn write_refund_snapshots() {
    if std::env::var_os("MOMO_WRITE_SNAPSHOTS").is_none() {
        return;
    }
    let client = kit::client().unwrap();
    let config = RefundConfig::default();
    let start = || {
        RefundDriver::start(
            &client,
            &kit::refund(20_000),
            &kit::paid_payment(10_000),
            config.clone(),
            T0_MS,
        )
        .unwrap()
    };
    let mut cases = Vec::new();
    let mut record = |name: &str, d: &RefundDriver, now: u64, then: Value, outcome: &str| {
        let in_flight =
            in_flight_of(d).map(|(_, endpoint, body)| json!({"endpoint": endpoint, "body": body}));
        cases.push(
            json!({"name": name, "snapshot": d.snapshot().unwrap(), "nowMs": now,
                          "inFlight": in_flight, "then": then, "outcome": outcome}),
        );
    };
    let timeout = |d: &mut RefundDriver, now: u64| {
        let (id, ..) = in_flight_of(d).unwrap();
        d.handle(&client, now, Event::Timeout { id }).unwrap();
    };
    let tick = |d: &mut RefundDriver| {
        let RefundAction::Wait { until_ms } = d.next_action() else {
            panic!("not waiting")
        };
        d.handle(&client, until_ms, Event::Tick).unwrap();
        until_ms
    };

    let d = start();
    record(
        "refund in flight, answered 0",
        &d,
        T0_MS + 1_000,
        json!({"kind": "refund", "code": 0}),
        "refunded",
    );
    record(
        "refund in flight, answered 1081",
        &d,
        T0_MS + 1_000,
        json!({"kind": "refund", "code": 1081}),
        "refused",
    );
    record(
        "refund in flight, answered 7000",
        &d,
        T0_MS + 1_000,
        json!({"kind": "refund", "code": 7000}),
        "wait",
    );

    let mut d = start();
    timeout(&mut d, T0_MS + 30_000);
    record(
        "waiting to query after a lost answer",
        &d,
        T0_MS + 30_500,
        json!({"kind": "tick"}),
        "send query",
    );
    let now = tick(&mut d);
    record(
        "query in flight, refund listed 0",
        &d,
        now + 100,
        json!({"kind": "query", "listed": 0}),
        "refunded",
    );
    record(
        "query in flight, refund listed 7000",
        &d,
        now + 100,
        json!({"kind": "query", "listed": 7000}),
        "wait",
    );
    record(
        "query in flight, nothing listed",
        &d,
        now + 100,
        json!({"kind": "query"}),
        "send refund",
    );

    let (id, ..) = in_flight_of(&d).unwrap();
    let body = query_answer(&format!("{REFUND_REQUEST_ID}-q1"), None);
    d.handle(
        &client,
        now + 200,
        Event::Response {
            id,
            status: 200,
            body: body.as_bytes(),
        },
    )
    .unwrap();
    record(
        "identical refund resent in flight",
        &d,
        now + 300,
        json!({"kind": "refund", "code": 0}),
        "refunded",
    );

    let mut d = start();
    let (id, ..) = in_flight_of(&d).unwrap();
    let body = refund_answer(0);
    d.handle(
        &client,
        T0_MS + 500,
        Event::Response {
            id,
            status: 200,
            body: body.as_bytes(),
        },
    )
    .unwrap();
    record("ended refunded", &d, T0_MS + 600, Value::Null, "refunded");

    let doc = json!({
        "comment": "Refund driver snapshots (format 1) written by the first release with refunds; \
                    read by refund_snapshot_compat.rs. Do not edit.",
        "cases": cases,
    });
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FILE);
    std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
}

#[test]
fn each_reader_names_the_other_kind() {
    let file = committed();
    let refund = file["cases"][0]["snapshot"].as_str().unwrap();
    let err = momo_pos::driver::Driver::inspect(refund).unwrap_err();
    assert_eq!(err.kind(), momo_pos::ErrorKind::InvalidState);
    assert!(
        err.to_string()
            .contains("a refund snapshot, not a payment snapshot"),
        "{err}"
    );
    let run = kit::run(kit::find("paid").unwrap(), kit::RunOptions::default()).unwrap();
    let err = RefundDriver::inspect(&run.driver.snapshot().unwrap()).unwrap_err();
    assert!(
        err.to_string()
            .contains("a payment snapshot, not a refund snapshot"),
        "{err}"
    );
}
