#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! The transaction driver against the scripted MoMo double: every scenario's
//! exact host-side sequence and outcome, the same with a snapshot/restore
//! before every step and with a power loss before every send, and the edge
//! cases a host can throw at it.

use momo_pos::driver::{
    Action, Driver, DriverConfig, Event, LogEvent, Outcome, SendId, Stage, UnknownReason,
};
use momo_pos::{
    Client, ConfirmAction, CredentialFields, Credentials, Endpoint, Environment, ErrorKind,
};
use momo_pos_testkit::{
    self as simulation, RunOptions, AMOUNT, ORDER_ID, REQUEST_ID, SCENARIOS, T0_MS,
};

/// Expected host-side steps per scenario, written from the protocol, not
/// from a run: `send ENDPOINT REQUEST_ID`, `answer CODE`, `wait MS`...
const EXPECTED: &[(&str, &[&str], &str)] = &[
    (
        "paid",
        &["send pos ORDER-1001-r1", "answer 0", "done paid"],
        "paid",
    ),
    (
        "authorized-capture",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide capture",
            "send confirm ORDER-1001-r1-c",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "authorized-cancel",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide cancel",
            "send confirm ORDER-1001-r1-c",
            "answer 0",
            "done cancelled",
        ],
        "cancelled",
    ),
    (
        "authorized-undecided",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "no decision",
            "send confirm ORDER-1001-r1-c",
            "answer 0",
            "done cancelled",
        ],
        "cancelled",
    ),
    (
        "pending-then-paid",
        &[
            "send pos ORDER-1001-r1",
            "answer 1000",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 1000",
            "wait 2000ms",
            "send query ORDER-1001-r1-q2",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "timeout-then-paid",
        &[
            "send pos ORDER-1001-r1",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "timeout-query-timeout-declined",
        &[
            "send pos ORDER-1001-r1",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q2",
            "answer 1006",
            "done declined",
        ],
        "declined",
    ),
    (
        "ipn-before-response",
        &[
            "send pos ORDER-1001-r1",
            "ipn 0",
            "stale answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "duplicate-ipn",
        &[
            "send pos ORDER-1001-r1",
            "answer 1000",
            "ipn 0",
            "ipn 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "ipn-wrong-amount",
        &[
            "send pos ORDER-1001-r1",
            "answer 1000",
            "ipn 0 amount 51000",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "deadline-unknown",
        &[
            "send pos ORDER-1001-r1",
            "answer 1000",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q2",
            "timeout",
            "wait 3000ms",
            "send query ORDER-1001-r1-q3",
            "timeout",
            "wait 5000ms",
            "send query ORDER-1001-r1-q4",
            "timeout",
            "wait 5000ms",
            "send query ORDER-1001-r1-q5",
            "timeout",
            "wait 10000ms",
            "send query ORDER-1001-r1-q6",
            "timeout",
            "done unknown",
        ],
        "unknown",
    ),
    (
        "insufficient-funds",
        &["send pos ORDER-1001-r1", "answer 1001", "done declined"],
        "declined",
    ),
    (
        "expired-code",
        &["send pos ORDER-1001-r1", "answer 4005", "done declined"],
        "declined",
    ),
    (
        "lost-request-resent",
        &[
            "send pos ORDER-1001-r1",
            "network error",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 42",
            "send pos ORDER-1001-r1",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "crash-after-send",
        &[
            "send pos ORDER-1001-r1",
            "answer 1000",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "crash",
            "send query ORDER-1001-r1-q1",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "capture-lost",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide capture",
            "send confirm ORDER-1001-r1-c",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 9000",
            "send confirm ORDER-1001-r1-c",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "late-ipn-after-decline",
        &[
            "send pos ORDER-1001-r1",
            "answer 1006",
            "ipn 1006",
            "done declined",
        ],
        "declined",
    ),
    (
        "capture-refused-then-paid",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide capture",
            "send confirm ORDER-1001-r1-c",
            "answer 99",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
    (
        "capture-refused-still-held",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide capture",
            "send confirm ORDER-1001-r1-c",
            "answer 99",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 9000",
            "send confirm ORDER-1001-r1-c",
            "answer 99",
            "wait 2000ms",
            "send query ORDER-1001-r1-q2",
            "answer 9000",
            "send confirm ORDER-1001-r1-c",
            "answer 99",
            "wait 3000ms",
            "send query ORDER-1001-r1-q3",
            "answer 9000",
            "done unknown",
        ],
        "unknown",
    ),
    (
        "cancel-refused",
        &[
            "send pos ORDER-1001-r1",
            "answer 9000",
            "decide cancel",
            "send confirm ORDER-1001-r1-c",
            "answer 99",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 1003",
            "done cancelled",
        ],
        "cancelled",
    ),
    (
        "ipn-authorizes-during-query",
        &[
            "send pos ORDER-1001-r1",
            "timeout",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "ipn 9000",
            "decide capture",
            "send confirm ORDER-1001-r1-c",
            "stale answer 9000",
            "answer 0",
            "done paid",
        ],
        "paid",
    ),
];

fn client() -> Client {
    simulation::client().unwrap()
}

fn scenario(name: &str) -> &'static simulation::Scenario {
    simulation::find(name).unwrap_or_else(|| panic!("no scenario {name}"))
}

/// The pos bytes never change, whatever happens.
fn assert_one_pos_request(run: &simulation::Run) {
    let first = run.driver.pos_request();
    for sent in run.sent.iter().filter(|r| r.endpoint() == Endpoint::Pos) {
        assert_eq!(sent.body(), first.body(), "pos bytes changed");
        assert_eq!(sent.request_id(), REQUEST_ID);
    }
}

#[test]
fn every_scenario_has_expectations() {
    let mut listed: Vec<_> = SCENARIOS.iter().map(|s| s.name).collect();
    let mut expected: Vec<_> = EXPECTED.iter().map(|(name, ..)| *name).collect();
    listed.sort_unstable();
    expected.sort_unstable();
    assert_eq!(listed, expected);
}

#[test]
fn scenarios_follow_the_expected_steps() {
    for (name, steps, outcome) in EXPECTED {
        let run = simulation::run(scenario(name), RunOptions::default()).unwrap();
        assert_eq!(run.steps, *steps, "scenario {name}");
        assert_eq!(run.outcome.as_str(), *outcome, "scenario {name}");
        assert_one_pos_request(&run);
    }
}

#[test]
fn a_snapshot_round_trip_before_every_step_changes_nothing() {
    let options = RunOptions {
        restore_every_step: true,
        ..RunOptions::default()
    };
    for (name, steps, _) in EXPECTED {
        let plain = simulation::run(scenario(name), RunOptions::default()).unwrap();
        let restored = simulation::run(scenario(name), options).unwrap();
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
        let plain = simulation::run(scenario(name), RunOptions::default()).unwrap();
        let crashed = simulation::run(scenario(name), options).unwrap();
        assert_eq!(crashed.outcome, plain.outcome, "scenario {name}");
        assert!(
            crashed.steps.iter().any(|s| s == "crash"),
            "scenario {name}"
        );
        // A crash also loses the answers still on their way to the dead
        // process, the stale ones included.
        let no_crash = |steps: &[String]| -> Vec<String> {
            steps
                .iter()
                .filter(|s| *s != "crash" && !s.starts_with("stale "))
                .cloned()
                .collect()
        };
        assert_eq!(no_crash(&crashed.steps), no_crash(&plain.steps), "{name}");
        assert_one_pos_request(&crashed);
    }
}

#[test]
fn wrong_amount_ipn_is_flagged_and_duplicate_ipn_is_ignored() {
    let run = simulation::run(scenario("ipn-wrong-amount"), RunOptions::default()).unwrap();
    let anomalies: Vec<_> = run.driver.anomalies().map(|e| &e.event).collect();
    assert_eq!(
        anomalies,
        [&LogEvent::IpnMismatch {
            field: "amount".into()
        }]
    );

    let run = simulation::run(scenario("duplicate-ipn"), RunOptions::default()).unwrap();
    let ignored = run
        .driver
        .log()
        .iter()
        .filter(
            |e| matches!(&e.event, LogEvent::IpnIgnored { why, .. } if why == "repeat delivery"),
        )
        .count();
    assert_eq!(ignored, 1);
    assert_eq!(run.driver.anomalies().count(), 0);
}

#[test]
fn outcomes_carry_transid_and_explanations() {
    let paid = simulation::run(scenario("paid"), RunOptions::default()).unwrap();
    let Outcome::Paid { trans_id: Some(t) } = &paid.outcome else {
        panic!("{:?}", paid.outcome)
    };
    assert_eq!(t.as_str(), simulation::TRANS_ID.to_string());

    let expired = simulation::run(scenario("expired-code"), RunOptions::default()).unwrap();
    let info = expired.outcome.result().unwrap();
    assert_eq!(info.code, 4005);
    assert_eq!(info.next_step.as_str(), "refresh_payment_code");
    assert!(!info.message_vi.is_empty());

    let unknown = simulation::run(scenario("deadline-unknown"), RunOptions::default()).unwrap();
    assert!(!unknown.outcome.is_final());
    assert!(unknown.outcome.result().is_none());
    assert_eq!(unknown.driver.stage(), Stage::Done);
}

#[test]
fn the_deadline_is_kept() {
    let run = simulation::run(scenario("deadline-unknown"), RunOptions::default()).unwrap();
    let config = DriverConfig::default();
    let window_end = T0_MS + config.payment_window_ms;
    for entry in run.driver.log() {
        if matches!(entry.event, LogEvent::Send { .. }) {
            assert!(
                entry.at_ms < window_end,
                "a request started after the deadline"
            );
        }
    }
    let end = run.driver.log().last().unwrap().at_ms;
    assert!(end <= window_end + config.request_timeout_ms);
}

// ---- edge cases a host can cause -------------------------------------------

fn start(auto_capture: bool) -> (Client, Driver) {
    let client = client();
    let payment = simulation::payment(auto_capture).unwrap();
    let driver = Driver::start(&client, &payment, DriverConfig::default(), T0_MS).unwrap();
    (client, driver)
}

fn in_flight(driver: &Driver) -> momo_pos::driver::Outgoing {
    match driver.next_action() {
        Action::Send(request) => request.clone(),
        other => panic!("expected a send, got {other:?}"),
    }
}

fn answer(request_id: &str, code: i64) -> String {
    format!(
        r#"{{"partnerCode":"MOMO","orderId":"{ORDER_ID}","requestId":"{request_id}","amount":{AMOUNT},"transId":4088878653,"resultCode":{code},"message":"m","responseTime":1}}"#
    )
}

/// Answers the request in flight.
fn respond(driver: &mut Driver, client: &Client, at: u64, body: &str) {
    let id = in_flight(driver).id();
    respond_to(driver, client, at, id, body);
}

fn respond_to(driver: &mut Driver, client: &Client, at: u64, id: SendId, body: &str) {
    let event = Event::Response {
        id,
        status: 200,
        body: body.as_bytes(),
    };
    driver.handle(client, at, event).unwrap();
}

#[test]
fn first_action_is_the_signed_pos_request_with_a_deadline() {
    let (client, driver) = start(true);
    let request = in_flight(&driver);
    let signed = client
        .pos_request(&simulation::payment(true).unwrap())
        .unwrap();
    assert_eq!(request.body(), signed.body());
    assert_eq!(request.url(), signed.url());
    assert!(request.timeout().as_secs() >= 30);
    assert_eq!(request.deadline_ms(), T0_MS + 30_000);
    assert_eq!(request.headers()[0].1, "application/json; charset=UTF-8");
    assert_eq!(driver.stage(), Stage::Paying);
}

#[test]
fn start_refuses_bad_payments_and_policies() {
    let client = client();
    let mut config = DriverConfig::default();
    config.poll_delays_ms.clear();
    let payment = simulation::payment(true).unwrap();
    let err = Driver::start(&client, &payment, config, T0_MS).unwrap_err();
    assert_eq!(err.field(), Some("pollDelaysMs"));

    let code = momo_pos::EncryptedPaymentCode::from_base64(&"QUFB".repeat(86)).unwrap();
    let bad = momo_pos::PosPayment::new("bad order id!", "r1", 50_000, code);
    let err = Driver::start(&client, &bad, DriverConfig::default(), T0_MS).unwrap_err();
    assert_eq!(err.field(), Some("orderId"));
}

#[test]
fn decide_is_refused_unless_authorized() {
    let (client, mut driver) = start(false);
    let err = driver
        .decide(&client, T0_MS, ConfirmAction::Capture)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    respond(&mut driver, &client, T0_MS + 1, &answer(REQUEST_ID, 9000));
    assert!(matches!(
        driver.next_action(),
        Action::Decide {
            default: ConfirmAction::Cancel,
            ..
        }
    ));
    driver
        .decide(&client, T0_MS + 2, ConfirmAction::Capture)
        .unwrap();
    assert_eq!(in_flight(&driver).endpoint(), Endpoint::Confirm);
    assert!(driver
        .decide(&client, T0_MS + 3, ConfirmAction::Cancel)
        .is_err());
}

#[test]
fn another_merchants_client_is_refused() {
    let (_, mut driver) = start(true);
    let other = Client::new(
        Credentials::new(CredentialFields {
            partner_code: "OTHER",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        })
        .unwrap(),
        Environment::Test,
    );
    let err = driver.handle(&other, T0_MS, Event::Tick).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
}

#[test]
fn unusable_answers_count_as_lost_and_are_flagged() {
    let bodies = [
        "<html>502 Bad Gateway</html>".to_owned(),
        answer("ORDER-1001-r9", 0), // answers another request
        answer(REQUEST_ID, 0).replace("50000", "5000"), // 0 for another amount
        format!(
            "{}{}",
            answer(REQUEST_ID, 0).trim_end_matches('}'),
            r#","signature":"00"}"#
        ),
    ];
    for body in bodies {
        let (client, mut driver) = start(true);
        respond(&mut driver, &client, T0_MS + 100, &body);
        assert!(
            matches!(driver.next_action(), Action::Wait { until_ms } if until_ms == T0_MS + 2_100),
            "{body}"
        );
        assert_eq!(driver.anomalies().count(), 1, "{body}");
        driver.handle(&client, T0_MS + 2_100, Event::Tick).unwrap();
        assert_eq!(in_flight(&driver).endpoint(), Endpoint::Query, "{body}");
    }
}

#[test]
fn a_clock_past_the_request_deadline_counts_as_a_timeout() {
    let (client, mut driver) = start(true);
    driver.handle(&client, T0_MS + 30_000, Event::Tick).unwrap();
    assert!(matches!(driver.next_action(), Action::Wait { .. }));
    assert!(driver.log().iter().any(|e| e.event
        == LogEvent::Timeout {
            endpoint: Endpoint::Pos
        }));
}

#[test]
fn a_clock_going_back_is_journaled_and_harmless() {
    let (client, mut driver) = start(true);
    driver.handle(&client, T0_MS + 10_000, Event::Tick).unwrap();
    driver.handle(&client, T0_MS + 5_000, Event::Tick).unwrap();
    assert!(driver
        .log()
        .iter()
        .any(|e| matches!(&e.event, LogEvent::Ignored { what } if what.contains("went back"))));
    assert_eq!(in_flight(&driver).deadline_ms(), T0_MS + 30_000);
}

#[test]
fn events_for_a_request_no_longer_in_flight_are_stale_and_change_nothing() {
    let (client, mut driver) = start(true);
    let pos = in_flight(&driver).id();
    respond(&mut driver, &client, T0_MS + 1, &answer(REQUEST_ID, 1000));
    let waiting = driver.clone();
    respond_to(
        &mut driver,
        &client,
        T0_MS + 2,
        pos,
        &answer(REQUEST_ID, 1006),
    );
    driver
        .handle(&client, T0_MS + 3, Event::Timeout { id: pos })
        .unwrap();
    driver
        .handle(&client, T0_MS + 4, Event::NetworkError { id: pos })
        .unwrap();
    assert_eq!(driver.next_action(), waiting.next_action());
    assert_eq!(driver.outcome(), None);
    let stale: Vec<_> = driver.log()[waiting.log().len()..]
        .iter()
        .map(|e| &e.event)
        .collect();
    assert_eq!(stale.len(), 3);
    assert!(stale
        .iter()
        .all(|e| matches!(e, LogEvent::Stale { id, .. } if *id == pos)));

    // A late answer for the query while the next one is out: only the
    // current query's answer counts.
    driver.handle(&client, T0_MS + 2_001, Event::Tick).unwrap();
    let q1 = in_flight(&driver);
    driver.handle(&client, T0_MS + 40_000, Event::Tick).unwrap(); // q1 timed out
    driver.handle(&client, T0_MS + 42_000, Event::Tick).unwrap();
    let q2 = in_flight(&driver);
    assert_ne!(q1.id(), q2.id());
    respond_to(
        &mut driver,
        &client,
        T0_MS + 42_001,
        q1.id(),
        &answer(q1.request_id(), 0),
    );
    assert_eq!(driver.outcome(), None, "q1's late 0 is stale");
    respond_to(
        &mut driver,
        &client,
        T0_MS + 42_002,
        q2.id(),
        &answer(q2.request_id(), 0),
    );
    assert_eq!(driver.outcome().map(Outcome::as_str), Some("paid"));
}

#[test]
fn every_send_has_its_own_id_and_a_restore_gives_a_new_one() {
    let run = simulation::run(scenario("capture-lost"), RunOptions::default()).unwrap();
    let ids: std::collections::HashSet<_> = run.sent.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), run.sent.len());
    let (_, driver) = start(true);
    let before = in_flight(&driver).id();
    let restored = Driver::restore(&driver.snapshot().unwrap(), T0_MS + 1).unwrap();
    let after = in_flight(&restored);
    assert_ne!(after.id(), before);
    assert_eq!(after.body(), in_flight(&driver).body());
}

#[test]
fn a_confirm_answered_other_than_0_is_settled_only_by_a_query_or_an_ipn() {
    for (code, query, outcome) in [
        (99, 0, "paid"),
        (2019, 1003, "cancelled"),
        (1006, 9000, "confirming"),
        (7000, 0, "paid"),
    ] {
        let (client, mut driver) = start(false);
        respond(&mut driver, &client, T0_MS + 1, &answer(REQUEST_ID, 9000));
        driver
            .decide(&client, T0_MS + 2, ConfirmAction::Capture)
            .unwrap();
        let confirm = in_flight(&driver);
        respond(
            &mut driver,
            &client,
            T0_MS + 3,
            &answer(confirm.request_id(), code),
        );
        assert_eq!(driver.outcome(), None, "{code} alone settles nothing");
        driver.handle(&client, T0_MS + 2_003, Event::Tick).unwrap();
        let q = in_flight(&driver);
        assert_eq!(q.endpoint(), Endpoint::Query);
        respond(
            &mut driver,
            &client,
            T0_MS + 2_004,
            &answer(q.request_id(), query),
        );
        let got = driver.outcome().map_or("confirming", Outcome::as_str);
        assert_eq!(got, outcome, "confirm {code}, query {query}");
        if query == 9000 {
            let again = in_flight(&driver);
            assert_eq!(again.body(), confirm.body(), "the identical confirm again");
            assert_eq!(again.attempt(), 2);
        }
    }
}

#[test]
fn a_hold_that_outlasts_every_confirm_is_unknown_never_cancelled() {
    let run = simulation::run(
        scenario("capture-refused-still-held"),
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(
        run.outcome,
        Outcome::Unknown {
            reason: UnknownReason::StillAuthorized {
                confirm_result_code: Some(99)
            }
        }
    );
    let confirms = run
        .sent
        .iter()
        .filter(|r| r.endpoint() == Endpoint::Confirm)
        .count();
    assert_eq!(confirms, DriverConfig::default().max_confirm_sends as usize);
}

#[test]
fn an_ipn_settles_an_unknown_payment() {
    let run = simulation::run(scenario("deadline-unknown"), RunOptions::default()).unwrap();
    let client = client();
    let mut driver = run.driver;
    let late = T0_MS + 600_000;
    let ipn = client
        .verify_ipn(simulation::ipn_body(0, AMOUNT, late).as_bytes())
        .unwrap();
    driver.handle(&client, late, Event::Ipn(&ipn)).unwrap();
    assert_eq!(driver.outcome().map(Outcome::as_str), Some("paid"));
}

#[test]
fn a_contradicting_late_ipn_is_a_conflict_not_a_change() {
    let run = simulation::run(scenario("insufficient-funds"), RunOptions::default()).unwrap();
    let client = client();
    let mut driver = run.driver;
    let ipn = client
        .verify_ipn(simulation::ipn_body(0, AMOUNT, T0_MS + 1_000).as_bytes())
        .unwrap();
    driver
        .handle(&client, T0_MS + 1_000, Event::Ipn(&ipn))
        .unwrap();
    assert_eq!(driver.outcome().map(Outcome::as_str), Some("declined"));
    assert!(driver
        .anomalies()
        .any(|e| matches!(e.event, LogEvent::Conflict { .. })));
}

#[test]
fn no_resend_when_the_policy_forbids_it() {
    let mut config = DriverConfig::default();
    config.max_pos_resends = 0;
    let mut script = simulation::Script::from_json(
        r#"{"answers": {"pos": [{"lost": "networkError"}], "query": [{"resultCode": 42}, {"resultCode": 0}]}}"#,
    )
    .unwrap();
    script.config = Some(config);
    let run = simulation::play(&script, RunOptions::default()).unwrap();
    // With resends off, "no such order" is one more reason to poll.
    assert_eq!(
        run.steps,
        [
            "send pos ORDER-1001-r1",
            "network error",
            "wait 2000ms",
            "send query ORDER-1001-r1-q1",
            "answer 42",
            "wait 2000ms",
            "send query ORDER-1001-r1-q2",
            "answer 0",
            "done paid",
        ]
    );
}

#[test]
fn restore_refuses_what_is_not_a_snapshot() {
    let (_, driver) = start(true);
    let good = driver.snapshot().unwrap();
    assert!(Driver::restore(&good, T0_MS).is_ok());
    let cases = [
        ("".to_owned(), ErrorKind::InvalidJson),
        ("{}".to_owned(), ErrorKind::InvalidJson),
        (
            good.replacen("\"version\":2", "\"version\":3", 1),
            ErrorKind::InvalidState,
        ),
        (
            good.replacen("\"inFlight\":{\"id\":1", "\"inFlight\":{\"id\":7", 1),
            ErrorKind::InvalidState,
        ),
        (
            good.replacen('{', "{\"extra\":1,", 1),
            ErrorKind::InvalidJson,
        ),
        (good[..good.len() / 2].to_owned(), ErrorKind::InvalidJson),
        (" ".repeat(300 * 1024), ErrorKind::BodyTooLarge),
        (
            good.replacen("\"requestTimeoutMs\":30000", "\"requestTimeoutMs\":1", 1),
            ErrorKind::InvalidField,
        ),
    ];
    for (text, kind) in cases {
        let err = Driver::restore(&text, T0_MS).unwrap_err();
        assert_eq!(err.kind(), kind, "{}", &text[..text.len().min(60)]);
    }
}

#[test]
fn inspect_reads_a_snapshot_as_saved_and_restore_resumes_it() {
    let (_, driver) = start(true);
    let snapshot = driver.snapshot().unwrap();
    let later = T0_MS + 5_000;
    let seen = Driver::inspect(&snapshot).unwrap();
    assert_eq!(
        seen, driver,
        "inspect journals nothing and moves no deadline"
    );
    let resumed = Driver::restore(&snapshot, later).unwrap();
    assert_eq!(resumed.log().len(), driver.log().len() + 1);
    assert_eq!(in_flight(&resumed).deadline_ms(), later + 30_000);
    assert_eq!(in_flight(&seen).deadline_ms(), T0_MS + 30_000);
    let err = Driver::inspect(&snapshot.replacen("\"version\":2", "\"version\":3", 1));
    assert_eq!(err.unwrap_err().kind(), ErrorKind::InvalidState);
    assert_eq!(
        Driver::inspect("{}").unwrap_err().kind(),
        ErrorKind::InvalidJson
    );
}

#[test]
fn snapshots_hold_no_secret() {
    let run = simulation::run(scenario("authorized-capture"), RunOptions::default()).unwrap();
    let snapshot = run.driver.snapshot().unwrap();
    assert!(!snapshot.contains("K951B6PE1waDMi640xX08PD3vg6EkVlz"));
    assert!(!snapshot.contains("F8BBA842ECF85"));
}
