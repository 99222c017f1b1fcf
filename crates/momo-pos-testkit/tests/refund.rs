#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! The refund driver against the scripted MoMo double: every refund
//! scenario's exact host-side sequence and outcome, the same with a
//! snapshot/restore before every step and with a power loss before every
//! send, the refund's rules on every run, and what refund scripts refuse.

use std::collections::HashSet;

use momo_pos::driver::LogEvent;
use momo_pos::refund::{RefundConfig, RefundOutcome};
use momo_pos::{Endpoint, ErrorKind};
use momo_pos_testkit::{
    self as simulation, RefundRun, RunOptions, Script, REFUND_ORDER_ID, REFUND_REQUEST_ID,
    REFUND_SCENARIOS, REFUND_TRANS_ID, T0_MS,
};

const SEND_REFUND: &str = "send refund ORDER-1001-R1-r1";

/// Expected host-side steps and outcome per refund scenario, written from
/// the protocol (the refund driver's policy: poll delays 2, 3, 5, 10 s;
/// request timeout 30 s; refund window 300 s), not from a run.
const EXPECTED: &[(&str, &[&str], &str)] = &[
    (
        "refund-full",
        &[SEND_REFUND, "answer 0", "done refunded"],
        "refunded",
    ),
    (
        "refund-partial",
        &[SEND_REFUND, "answer 0", "done refunded"],
        "refunded",
    ),
    (
        "refund-refused-1081",
        &[SEND_REFUND, "answer 1081", "done refused"],
        "refused",
    ),
    (
        "refund-not-refundable-1088",
        &[SEND_REFUND, "answer 1088", "done refused"],
        "refused",
    ),
    (
        "refund-retry-later-1080",
        &[SEND_REFUND, "answer 1080", "done refused"],
        "refused",
    ),
    (
        "refund-lost-then-listed",
        &[
            SEND_REFUND,
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            "done refunded",
        ],
        "refunded",
    ),
    (
        "refund-pending-7000-then-listed",
        &[
            SEND_REFUND,
            "answer 7000",
            "wait 2000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            "wait 3000ms",
            "send query ORDER-1001-R1-r1-q2",
            "answer 0",
            "done refunded",
        ],
        "refunded",
    ),
    (
        "refund-lost-not-listed-resent",
        &[
            SEND_REFUND,
            "network error",
            "wait 2000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            SEND_REFUND,
            "answer 0",
            "done refunded",
        ],
        "refunded",
    ),
    (
        "refund-dropped-unknown",
        &[
            SEND_REFUND,
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-R1-r1-q1",
            "timeout",
            "wait 3000ms",
            "send query ORDER-1001-R1-r1-q2",
            "timeout",
            "wait 5000ms",
            "send query ORDER-1001-R1-r1-q3",
            "timeout",
            "wait 10000ms",
            "send query ORDER-1001-R1-r1-q4",
            "timeout",
            "wait 10000ms",
            "send query ORDER-1001-R1-r1-q5",
            "timeout",
            "wait 10000ms",
            "send query ORDER-1001-R1-r1-q6",
            "timeout",
            "wait 10000ms",
            "send query ORDER-1001-R1-r1-q7",
            "timeout",
            "wait 10000ms",
            "done unknown",
        ],
        "unknown",
    ),
];

fn scenario(name: &str) -> &'static simulation::Scenario {
    simulation::find_refund(name).unwrap_or_else(|| panic!("no refund scenario {name}"))
}

fn run(name: &str, options: RunOptions) -> RefundRun {
    simulation::run_refund(scenario(name), options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn play(script: &str) -> momo_pos::Result<RefundRun> {
    simulation::play_refund(&Script::from_json(script)?, RunOptions::default())
}

/// One refund, however often it went: the same bytes under one requestId.
fn assert_one_refund(run: &RefundRun, name: &str) {
    let first = run.driver.refund_request();
    let refunds: Vec<_> = run
        .sent
        .iter()
        .filter(|r| r.endpoint() == Endpoint::Refund)
        .collect();
    assert!(!refunds.is_empty(), "{name}: no refund sent");
    for sent in &refunds {
        assert_eq!(sent.body(), first.body(), "{name}: refund bytes changed");
        assert_eq!(sent.request_id(), REFUND_REQUEST_ID, "{name}");
    }
    let ids: HashSet<_> = refunds.iter().map(|r| r.request_id()).collect();
    assert_eq!(ids.len(), 1, "{name}: {ids:?}");
    assert!(
        refunds.len() <= RefundConfig::default().max_refund_sends as usize,
        "{name}"
    );
    simulation::check_refund_rules(&run.driver, first.body())
        .unwrap_or_else(|broken| panic!("{name}: {broken}"));
}

#[test]
fn every_refund_scenario_has_expectations() {
    let mut listed: Vec<_> = REFUND_SCENARIOS.iter().map(|s| s.name).collect();
    let mut expected: Vec<_> = EXPECTED.iter().map(|(name, ..)| *name).collect();
    listed.sort_unstable();
    expected.sort_unstable();
    assert_eq!(listed, expected);
    for s in REFUND_SCENARIOS {
        let script = s.script().unwrap();
        assert!(script.is_refund(), "{}", s.name);
        assert!(!script.summary.is_empty(), "{}", s.name);
        assert!(
            simulation::find(s.name).is_none(),
            "{} is no payment",
            s.name
        );
    }
    // Payment scenarios are not refunds, and each runner refuses the other's.
    for s in simulation::SCENARIOS {
        assert!(!s.script().unwrap().is_refund(), "{}", s.name);
    }
    let refund = scenario("refund-full").script().unwrap();
    let err = simulation::play(&refund, RunOptions::default()).unwrap_err();
    assert!(err.to_string().contains("play_refund"), "{err}");
    let paid = simulation::find("paid").unwrap().script().unwrap();
    let err = simulation::play_refund(&paid, RunOptions::default()).unwrap_err();
    assert!(err.to_string().contains("payment script"), "{err}");
}

#[test]
fn refund_scenarios_follow_the_expected_steps() {
    for (name, steps, outcome) in EXPECTED {
        let run = run(name, RunOptions::default());
        assert_eq!(run.steps, *steps, "scenario {name}");
        assert_eq!(run.outcome.as_str(), *outcome, "scenario {name}");
        assert_eq!(run.driver.outcome(), Some(&run.outcome), "{name}");
        assert_one_refund(&run, name);
        assert_eq!(run.driver.anomalies().count(), 0, "{name}");
    }
}

#[test]
fn a_snapshot_round_trip_before_every_step_changes_nothing() {
    let options = RunOptions {
        restore_every_step: true,
        ..RunOptions::default()
    };
    for (name, steps, _) in EXPECTED {
        let plain = run(name, RunOptions::default());
        let restored = run(name, options);
        assert_eq!(restored.steps, *steps, "scenario {name}");
        assert_eq!(restored.outcome, plain.outcome, "scenario {name}");
        assert_eq!(restored.sent, plain.sent, "scenario {name}");
    }
}

#[test]
fn power_loss_before_every_send_ends_the_same() {
    let options = RunOptions {
        crash_before_every_send: true,
        ..RunOptions::default()
    };
    for (name, ..) in EXPECTED {
        let plain = run(name, RunOptions::default());
        let crashed = run(name, options);
        assert_eq!(crashed.outcome, plain.outcome, "scenario {name}");
        assert!(
            crashed.steps.iter().any(|s| s == "crash"),
            "scenario {name}"
        );
        let no_crash = |steps: &[String]| -> Vec<String> {
            steps
                .iter()
                .filter(|s| *s != "crash" && !s.starts_with("stale "))
                .cloned()
                .collect()
        };
        assert_eq!(no_crash(&crashed.steps), no_crash(&plain.steps), "{name}");
        assert_one_refund(&crashed, name);
        let restored = crashed
            .driver
            .log()
            .iter()
            .filter(|e| matches!(e.event, LogEvent::Restored { .. }))
            .count();
        assert!(restored >= 1, "{name}");
    }
}

#[test]
fn outcomes_carry_the_refunds_trans_id_and_explanations() {
    for name in [
        "refund-full",
        "refund-lost-then-listed",
        "refund-pending-7000-then-listed",
    ] {
        let RefundOutcome::Refunded { trans_id: Some(t) } =
            run(name, RunOptions::default()).outcome
        else {
            panic!("{name}")
        };
        assert_eq!(t.as_str(), REFUND_TRANS_ID.to_string(), "{name}");
    }
    for (name, code, next_step) in [
        ("refund-refused-1081", 1081, "query"),
        ("refund-not-refundable-1088", 1088, "contact_momo"),
        ("refund-retry-later-1080", 1080, "query"),
    ] {
        let outcome = run(name, RunOptions::default()).outcome;
        assert_eq!(outcome, RefundOutcome::Refused { result_code: code });
        let info = outcome.result().unwrap();
        assert_eq!(info.code, code);
        assert_eq!(info.next_step.as_str(), next_step, "{name}");
    }
    let unknown = run("refund-dropped-unknown", RunOptions::default());
    assert_eq!(
        unknown.outcome,
        RefundOutcome::Unknown {
            last_result_code: None
        }
    );
    assert!(unknown.outcome.result().is_none());
}

#[test]
fn the_refund_window_is_kept() {
    let run = run("refund-dropped-unknown", RunOptions::default());
    let config = RefundConfig::default();
    let window_end = T0_MS + config.refund_window_ms;
    assert_eq!(run.driver.deadline_ms(), window_end);
    for entry in run.driver.log() {
        if matches!(entry.event, LogEvent::Send { .. }) {
            assert!(entry.at_ms < window_end, "a request after the deadline");
        }
    }
    assert_eq!(run.driver.log().last().unwrap().at_ms, window_end);
    // Every query asks about the paid payment, each under its own requestId.
    let queries: Vec<_> = run
        .sent
        .iter()
        .filter(|r| r.endpoint() == Endpoint::Query)
        .collect();
    assert_eq!(queries.len(), 7);
    let ids: HashSet<_> = queries.iter().map(|r| r.request_id()).collect();
    assert_eq!(ids.len(), 7);
    assert!(queries
        .iter()
        .all(|q| q.body_str().contains(r#""orderId":"ORDER-1001""#)));
}

#[test]
fn the_refund_request_is_the_scripted_one() {
    let run = run("refund-partial", RunOptions::default());
    let body: serde_json::Value = serde_json::from_slice(run.sent[0].body()).unwrap();
    assert_eq!(body["orderId"], REFUND_ORDER_ID);
    assert_eq!(body["requestId"], REFUND_REQUEST_ID);
    assert_eq!(body["amount"], 20_000);
    assert_eq!(body["transId"], simulation::TRANS_ID);
    assert_eq!(run.driver.payment_order_id(), simulation::ORDER_ID);
}

#[test]
fn a_late_refund_answer_is_stale_and_the_resend_settles_it() {
    let run = play(
        r#"{"refund": {}, "answers": {
            "refund": [{"resultCode": 0, "afterMs": 45000}, {"resultCode": 0}],
            "query": [{"resultCode": 0, "refundTrans": []}]}}"#,
    )
    .unwrap();
    assert_eq!(
        run.steps,
        [
            SEND_REFUND,
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            SEND_REFUND,
            "answer 0",
            "stale answer 0",
            "done refunded",
        ]
    );
    assert_one_refund(&run, "late answer");
}

#[test]
fn a_listing_for_another_amount_is_a_conflict_never_refunded() {
    let run = play(
        r#"{"refund": {"amount": 20000}, "answers": {
            "refund": [{"lost": "timeout"}],
            "query": [{"resultCode": 0, "refundTrans": [{"resultCode": 0, "amount": 10000}]}]}}"#,
    )
    .unwrap();
    assert_eq!(
        run.outcome,
        RefundOutcome::Unknown {
            last_result_code: Some(0)
        }
    );
    assert!(run
        .driver
        .anomalies()
        .any(|e| matches!(e.event, LogEvent::Conflict { .. })));
}

#[test]
fn an_earlier_refund_listed_is_not_this_one() {
    // The payment lists a refund of 10,000 made before under another
    // orderId: this refund is not among them, so the same bytes go again.
    let run = play(
        r#"{"refund": {"amount": 20000, "refunded": 10000}, "answers": {
            "refund": [{"lost": "timeout"}, {"resultCode": 0}],
            "query": [{"resultCode": 0, "refundTrans": [
                {"resultCode": 0, "orderId": "ORDER-1001-R0", "amount": 10000, "transId": 4088878699}]}]}}"#,
    )
    .unwrap();
    assert_eq!(run.outcome.as_str(), "refunded");
    assert_eq!(
        run.sent
            .iter()
            .filter(|r| r.endpoint() == Endpoint::Refund)
            .count(),
        2
    );
    assert_one_refund(&run, "earlier refund listed");
}

#[test]
fn a_listed_refusal_is_refused_and_a_payment_not_paid_says_nothing() {
    let run = play(
        r#"{"refund": {}, "answers": {
            "refund": [{"resultCode": 7000, "status": 422}],
            "query": [{"resultCode": 1000}, {"resultCode": 0, "refundTrans": [{"resultCode": 1081}]}]}}"#,
    )
    .unwrap();
    assert_eq!(run.outcome, RefundOutcome::Refused { result_code: 1081 });
    assert_eq!(run.steps[1], "answer 7000 (HTTP 422)");
}

#[test]
fn an_ipn_during_a_refund_is_journaled_and_ignored() {
    let run = play(
        r#"{"refund": {}, "answers": {"refund": [{"resultCode": 0, "afterMs": 1000}]},
            "ipns": [{"atMs": 500, "resultCode": 0}]}"#,
    )
    .unwrap();
    assert_eq!(
        run.steps,
        [SEND_REFUND, "ipn 0", "answer 0", "done refunded"]
    );
    assert!(run
        .driver
        .log()
        .iter()
        .any(|e| matches!(&e.event, LogEvent::Ignored { what } if what.contains("IPN"))));
}

#[test]
fn scripted_crashes_restore_the_refund_in_flight() {
    let run = play(
        r#"{"refund": {}, "answers": {"refund": [{"resultCode": 0, "afterMs": 5000}]},
            "crashes": [{"atMs": 1000}]}"#,
    )
    .unwrap();
    assert_eq!(
        run.steps,
        [
            SEND_REFUND,
            "crash",
            SEND_REFUND,
            "answer 0",
            "done refunded"
        ]
    );
    assert_one_refund(&run, "crash");
}

#[test]
fn the_guard_and_the_policy_are_checked_before_anything_is_sent() {
    // 30,000 refunded of 50,000: 30,000 more is beyond what is left.
    let err = play(r#"{"refund": {"amount": 30000, "refunded": 30000}}"#).unwrap_err();
    assert_eq!(err.field(), Some("amount"), "{err}");
    let err = play(r#"{"refund": {"refunded": 60000}}"#).unwrap_err();
    assert_eq!(err.field(), Some("refunded"), "{err}");
    let err = play(r#"{"refund": {"amount": 999}}"#).unwrap_err();
    assert_eq!(err.field(), Some("amount"), "{err}");
    let err = play(r#"{"refund": {"config": {"maxRefundSends": 0}}}"#).unwrap_err();
    assert_eq!(err.field(), Some("maxRefundSends"), "{err}");
    let err = play(r#"{"refund": {"config": {"refundWindowMs": 5}}}"#).unwrap_err();
    assert_eq!(err.field(), Some("refundWindowMs"), "{err}");
    let err = play(r#"{"refund": {"amont": 1000}}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidJson, "{err}");
    assert!(err.to_string().contains("amont"), "{err}");
}

#[test]
fn a_policy_of_one_send_never_resends() {
    let run = play(
        r#"{"refund": {"config": {"maxRefundSends": 1, "refundWindowMs": 60000}}, "answers": {
            "refund": [{"lost": "networkError"}, {"resultCode": 0}],
            "query": [{"resultCode": 0, "refundTrans": [], "times": 20}]}}"#,
    )
    .unwrap();
    assert_eq!(run.outcome.as_str(), "unknown");
    assert_eq!(
        run.sent
            .iter()
            .filter(|r| r.endpoint() == Endpoint::Refund)
            .count(),
        1
    );
}

#[test]
fn refund_scripts_refuse_what_belongs_to_payments_and_vice_versa() {
    for (text, says) in [
        (
            r#"{"refund": {}, "decision": {"action": "capture"}}"#,
            "decision",
        ),
        (r#"{"refund": {}, "autoCapture": false}"#, "autoCapture"),
        (
            r#"{"refund": {}, "config": {"maxPosResends": 1}}"#,
            "refund.config",
        ),
        (
            r#"{"refund": {}, "answers": {"pos": [{"resultCode": 0}]}}"#,
            "answers.pos",
        ),
        (
            r#"{"refund": {}, "answers": {"confirm": [{"resultCode": 0}]}}"#,
            "answers.confirm",
        ),
        (
            r#"{"answers": {"refund": [{"resultCode": 0}]}}"#,
            "answers.refund",
        ),
        (
            r#"{"refund": {}, "answers": {"refund": [{"resultCode": 0, "refundTrans": []}]}}"#,
            "answers.refund[0]: refundTrans",
        ),
        (
            r#"{"refund": {}, "answers": {"query": [{"lost": "timeout", "refundTrans": []}]}}"#,
            "answers.query[0]",
        ),
        (
            r#"{"refund": {}, "answers": {"query": [{"resultCode": 0, "refundTrans": [{"amount": 1}]}]}}"#,
            "resultCode",
        ),
        (
            r#"{"refund": {}, "answers": {"refund": [{"lost": "timeout", "status": 200}]}}"#,
            "answers.refund[0]",
        ),
    ] {
        let err = Script::from_json(text).unwrap_err();
        assert!(err.to_string().contains(says), "{text}: {err}");
    }
    // A payment's query answer may list refunds: the payment driver
    // ignores them.
    let script = Script::from_json(
        r#"{"answers": {"pos": [{"lost": "timeout"}],
            "query": [{"resultCode": 0, "refundTrans": [{"resultCode": 0}]}]}}"#,
    )
    .unwrap();
    let run = simulation::play(&script, RunOptions::default()).unwrap();
    assert_eq!(run.outcome.as_str(), "paid");
}

#[test]
fn the_rules_catch_a_refund_with_other_bytes() {
    let run = run("refund-full", RunOptions::default());
    let broken = simulation::check_refund_rules(&run.driver, b"{}").unwrap_err();
    assert!(broken.contains("first"), "{broken}");
}
