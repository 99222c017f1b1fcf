#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! The `momo-pos` binary: contract of stdin/stdout/exit codes.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use momo_pos::MAX_BODY_BYTES;
use serde_json::Value;

const SECRET: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../../tests/vectors/signatures.json")).unwrap()
}

fn ipn_body(name: &str) -> String {
    vectors()["ipn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no vector {name}"))["body"]
        .as_str()
        .unwrap()
        .to_owned()
}

const KEY_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/keys/test_rsa2048_public_spki.b64"
);

fn merchant_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("MOMO_PARTNER_CODE", "MOMO"),
        ("MOMO_ACCESS_KEY", "F8BBA842ECF85"),
        ("MOMO_SECRET_KEY", SECRET),
        ("MOMO_PUBLIC_KEY_FILE", KEY_FILE),
    ]
}

/// Runs the binary with only the given MOMO_* variables set.
fn run_env(args: &[&str], stdin: &str, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_momo-pos"));
    cmd.args(args);
    for name in [
        "MOMO_PARTNER_CODE",
        "MOMO_ACCESS_KEY",
        "MOMO_SECRET_KEY",
        "MOMO_PUBLIC_KEY",
        "MOMO_PUBLIC_KEY_FILE",
        "MOMO_ENV",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // The CLI stops reading past its size limit; a closed pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn run(args: &[&str], stdin: &str, with_env: bool) -> Output {
    let vars = if with_env { merchant_env() } else { Vec::new() };
    run_env(args, stdin, &vars)
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn pos_request_matches_the_oracle_signature_of_its_own_body() {
    // The CLI encrypts, so the signature cannot be a fixed vector; check it
    // against the oracle's rule instead: HMAC over the body's own values.
    let out = run(
        &["pos-request"],
        r#"{"orderId":"ORDER-1","requestId":"ORDER-1-r1","amount":50000,
            "paymentCode":"]Q1MM561918531775222861\r\n","orderInfo":"Cà phê sữa đá",
            "orderGroupId":9007199254740993,"autoCapture":false,"lang":"en"}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["url"], "https://test-payment.momo.vn/v2/gateway/api/pos");
    assert_eq!(
        v["headers"]["Content-Type"],
        "application/json; charset=UTF-8"
    );
    let body = &v["body"];
    let raw = format!(
        "accessKey=F8BBA842ECF85&amount=50000&extraData=&orderId=ORDER-1&orderInfo=Cà phê sữa đá&partnerCode=MOMO&paymentCode={}&requestId=ORDER-1-r1",
        body["paymentCode"].as_str().unwrap()
    );
    assert_eq!(v["rawSignature"], raw.as_str());
    assert_eq!(
        body["signature"],
        momo_pos::hmac_sha256_hex(SECRET.as_bytes(), raw.as_bytes()).as_str()
    );
    assert_eq!(body["autoCapture"], false);
    // The exact digits survive into the printed body text.
    assert!(String::from_utf8_lossy(&out.stdout).contains(r#""orderGroupId":9007199254740993"#));
}

#[test]
fn custom_environment_and_encrypted_code() {
    let ciphertext = vectors()["pos"][0]["fields"]["paymentCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let input = format!(
        r#"{{"orderId":"A1","requestId":"r1","amount":1000,"encryptedPaymentCode":"{ciphertext}"}}"#
    );
    let mut vars = merchant_env();
    vars.retain(|(name, _)| *name != "MOMO_PUBLIC_KEY_FILE");
    vars.push(("MOMO_ENV", "http://127.0.0.1:8080/"));
    let cmd_out = run_env(&["pos-request"], &input, &vars);
    assert_eq!(cmd_out.status.code(), Some(0), "{}", stderr(&cmd_out));
    let v = stdout_json(&cmd_out);
    assert_eq!(v["url"], "http://127.0.0.1:8080/v2/gateway/api/pos");
    assert_eq!(v["body"]["paymentCode"], ciphertext.as_str());
}

#[test]
fn rejected_input_exits_1_and_names_the_field() {
    for (input, field) in [
        (
            r#"{"orderId":"-a","requestId":"r","amount":50000,"paymentCode":"MM561918531775222861"}"#,
            "orderId",
        ),
        (
            r#"{"orderId":"a","requestId":"r","amount":999,"paymentCode":"MM561918531775222861"}"#,
            "amount",
        ),
        (
            r#"{"orderId":"a","requestId":"r","amount":1000,"paymentCode":"MM5619"}"#,
            "paymentCode",
        ),
        (
            r#"{"orderId":"a","requestId":"r","amount":1000}"#,
            "paymentCode",
        ),
        (
            r#"{"orderID":"a","requestId":"r","amount":1000,"paymentCode":"MM561918531775222861"}"#,
            "orderID",
        ),
        (
            r#"{"orderId":"a","requestId":"r","amount":"1000","paymentCode":"MM561918531775222861"}"#,
            "amount: invalid type",
        ),
        (
            r#"{"orderId":"a","amount":1000,"paymentCode":"MM561918531775222861"}"#,
            "requestId: required field is missing",
        ),
        (
            r#"{"orderId":"a","requestId":"r","amount":1000,"paymentCode":"MM561918531775222861","items":[{"id":"1","name":"A","price":1,"quantity":1,"totalPrice":1,"imageURL":"x"}]}"#,
            "items[0].imageURL",
        ),
    ] {
        let out = run(&["pos-request"], input, true);
        assert_eq!(out.status.code(), Some(1), "{input}: {}", stderr(&out));
        assert!(stderr(&out).contains(field), "{input}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert_eq!(
            stderr(&out).trim_end().lines().count(),
            1,
            "one line: {}",
            stderr(&out)
        );
    }
}

#[test]
fn missing_secrets_are_a_usage_error_and_never_echoed() {
    let out = run(
        &["query-request"],
        r#"{"orderId":"a","requestId":"r"}"#,
        false,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("MOMO_PARTNER_CODE"),
        "{}",
        stderr(&out)
    );
    let out = run(
        &["query-request"],
        r#"{"orderId":"a","requestId":"r"}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(SECRET));
    let v = stdout_json(&out);
    assert_eq!(
        v["rawSignature"],
        "accessKey=F8BBA842ECF85&orderId=a&partnerCode=MOMO&requestId=r"
    );
}

#[test]
fn confirm_request_shape() {
    let out = run(
        &["confirm-request"],
        r#"{"orderId":"a","requestId":"r2","amount":50000,"requestType":"cancel","description":"khách đổi ý"}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(
        v["url"],
        "https://test-payment.momo.vn/v2/gateway/api/confirm"
    );
    assert_eq!(v["body"]["requestType"], "cancel");
    let out = run(
        &["confirm-request"],
        r#"{"orderId":"a","requestId":"r2","amount":50000,"requestType":"refund"}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn verify_ipn_contract() {
    let out = run(&["verify-ipn"], &ipn_body("valid_transId_above_2_53"), true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["transId"], "9007199254740993");
    assert_eq!(v["partnerCode"], "MOMO");
    assert!(v["dedupeKey"]
        .as_str()
        .unwrap()
        .ends_with("|9007199254740993"));

    for (name, word) in [
        ("mismatch_amount_tampered", "signature"),
        ("malformed_sig_uppercase", "signature"),
        ("invalid_amount_exponent", "amount"),
        ("duplicate_amount_signed_last", "amount"),
        ("missing_transId", "transId"),
    ] {
        let out = run(&["verify-ipn"], &ipn_body(name), true);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        assert!(stderr(&out).contains(word), "{name}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim_end().lines().count(), 1);
    }
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    let out = run(&["verify-ipn"], &huge, true);
    assert_eq!(out.status.code(), Some(1));

    // The limit itself: a valid IPN padded with JSON whitespace to exactly
    // MAX_BODY_BYTES verifies; one byte more is refused unread.
    let body = ipn_body("valid_basic");
    let at_limit = format!("{body}{}", " ".repeat(MAX_BODY_BYTES - body.len()));
    let out = run(&["verify-ipn"], &at_limit, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["verify-ipn"], &format!("{at_limit} "), true);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("larger than 65536"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_response_reports_unsigned() {
    let out = run(
        &["verify-response", "query"],
        r#"{"partnerCode":"MOMO","orderId":"a","resultCode":1000,"message":"pending","signature":null}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["authenticity"], "unsigned");
    assert_eq!(v["result"]["nextStep"], "query");
    assert!(stderr(&out).contains("unsigned"));
    let out = run(&["verify-response", "frobnicate"], "{}", true);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refund"), "{}", stderr(&out));
}

#[test]
fn normalize_and_explain() {
    let out = run(
        &["normalize-code", "]C0MM561918531775222861\r\n"],
        "",
        false,
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "MM561918531775222861"
    );
    let out = run(&["normalize-code", "MM5619185317752228X1"], "", false);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("position 19"), "{}", stderr(&out));

    let out = run(&["explain", "9000", "--lang", "en"], "", false);
    let v = stdout_json(&out);
    assert_eq!(v["nextStep"], "capture_or_cancel");
    assert_eq!(v["final"], false);
    let out = run(&["explain", "424242"], "", false);
    let v = stdout_json(&out);
    assert_eq!(
        (v["known"].as_bool(), v["nextStep"].as_str()),
        (Some(false), Some("query"))
    );
    let out = run(&["explain", "x"], "", false);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["explain", "0", "--lang", "fr"], "", false);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["frobnicate"][..],
        &["verify-response"],
        &["normalize-code"],
    ] {
        let out = run(args, "", false);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let out = run(&["help"], "", false);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("MOMO_SECRET_KEY"));
    let out = run(&[], "", false);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pos-request"));
}

#[test]
fn every_subcommand_has_help_naming_its_input() {
    for (command, mentions) in [
        ("pos-request", "encryptedPaymentCode"),
        ("query-request", "requestId"),
        ("confirm-request", "requestType"),
        ("refund-request", "transId"),
        ("verify-ipn", "dedupeKey"),
        ("verify-response", "authenticity"),
        ("normalize-code", "scanner"),
        ("explain", "--lang"),
        ("simulate", "--script"),
        ("simulate", "refundTrans"),
    ] {
        let out = run(&[command, "--help"], "", false);
        assert_eq!(out.status.code(), Some(0), "{command}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(mentions), "{command} --help: {text}");
    }
}

#[test]
fn version_and_bad_flags() {
    let out = run(&["--version"], "", false);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("momo-pos {}", env!("CARGO_PKG_VERSION"))
    );
    for (args, named) in [
        (&["pos-request", "--amount", "5"][..], "--amount"),
        (&["explain", "0", "--lang", "fr"], "fr"),
        (&["simulate", "--script"], "--script"),
        (&["frobnicate"], "frobnicate"),
    ] {
        let out = run(args, "", false);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(named), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn order_group_id_keeps_every_digit() {
    for given in ["18446744073709551615", "\"18446744073709551615\""] {
        let input = format!(
            r#"{{"orderId":"a","requestId":"r","amount":1000,"paymentCode":"MM561918531775222861","orderGroupId":{given}}}"#
        );
        let out = run(&["pos-request"], &input, true);
        assert_eq!(out.status.code(), Some(0), "{given}: {}", stderr(&out));
        let v = stdout_json(&out);
        assert!(
            v["body"]
                .to_string()
                .contains("\"orderGroupId\":18446744073709551615"),
            "{v}"
        );
    }
}

#[test]
fn simulate_lists_and_plays_scenarios() {
    let list = run(&["simulate", "--list"], "", false);
    assert!(list.status.success());
    let listed = String::from_utf8(list.stdout).unwrap();
    for name in [
        "paid",
        "authorized-capture",
        "timeout-then-paid",
        "deadline-unknown",
    ] {
        assert!(listed.lines().any(|l| l.starts_with(name)), "{name}");
    }

    let out = run(&["simulate", "timeout-then-paid"], "", false);
    assert!(out.status.success(), "{}", stderr(&out));
    let trace = String::from_utf8(out.stdout).unwrap();
    let sends: Vec<_> = trace.lines().filter(|l| l.contains("-> send")).collect();
    assert_eq!(sends.len(), 2, "{trace}");
    assert!(sends[0].contains("pos requestId=ORDER-1001-r1"));
    assert!(sends[1].contains("query requestId=ORDER-1001-r1-q1"));
    assert!(trace.contains("no answer (timeout)"));
    assert!(trace
        .trim_end()
        .lines()
        .any(|l| l.starts_with("outcome: paid")));

    let json = stdout_json(&run(&["simulate", "deadline-unknown", "--json"], "", false));
    assert_eq!(json["outcome"]["outcome"], "unknown");
    assert_eq!(json["outcome"]["reason"]["kind"], "deadlinePassed");
    assert_eq!(
        json["steps"].as_array().unwrap().last().unwrap(),
        "done unknown"
    );

    let bad = run(&["simulate", "no-such-scenario"], "", false);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--list"));
}

/// The driver v2 scenarios, by name and from a script file, give the
/// outcomes the protocol calls for, and the file gives the same run.
#[test]
fn simulate_named_scenarios_and_their_script_files_agree() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../momo-pos-testkit/src/scenarios"
    );
    for (name, outcome) in [
        ("capture-refused-then-paid", "paid"),
        ("capture-refused-still-held", "unknown"),
        ("cancel-refused", "cancelled"),
        ("ipn-authorizes-during-query", "paid"),
    ] {
        let named = stdout_json(&run(&["simulate", name, "--json"], "", false));
        assert_eq!(named["outcome"]["outcome"], outcome, "{name}");
        let file = format!("{dir}/{name}.json");
        let scripted = stdout_json(&run(&["simulate", "--script", &file, "--json"], "", false));
        assert_eq!(scripted["outcome"], named["outcome"], "{name}");
        assert_eq!(scripted["steps"], named["steps"], "{name}");
        assert_eq!(scripted["log"], named["log"], "{name}");
    }
    let held = stdout_json(&run(
        &["simulate", "capture-refused-still-held", "--json"],
        "",
        false,
    ));
    assert_eq!(held["outcome"]["reason"]["kind"], "stillAuthorized");
    let during = stdout_json(&run(
        &["simulate", "ipn-authorizes-during-query", "--json"],
        "",
        false,
    ));
    let steps: Vec<&str> = during["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(steps.contains(&"stale answer 9000"), "{steps:?}");
    assert_eq!(
        steps
            .iter()
            .filter(|s| s.starts_with("send confirm"))
            .count(),
        1
    );
}

/// The README's incident example replays as the README says.
#[test]
fn simulate_replays_the_readme_incident() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/incident.json");
    let json = stdout_json(&run(&["simulate", "--script", file, "--json"], "", false));
    assert_eq!(json["outcome"]["outcome"], "paid");
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let example = std::fs::read_to_string(file).unwrap();
    assert!(
        readme.contains(example.trim()),
        "README shows examples/incident.json as it is"
    );
}

#[test]
fn simulate_refuses_bad_scripts_naming_the_problem() {
    let dir = std::env::temp_dir().join(format!("momo-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (text, says) in [
        (
            r#"{"answers": {"pos": [{"resultCode": 0, "lost": "timeout"}]}}"#,
            "answers.pos[0]",
        ),
        (r#"{"answerz": {}}"#, "answerz"),
        (r#"{"format": 2}"#, "format 2"),
        (r#"{"crashes": [{}]}"#, "crashes[0]"),
        (r#"{"config": {"requestTimeoutMs": 5}}"#, "requestTimeoutMs"),
        ("[1, 2", "simulation script"),
    ] {
        let file = dir.join("bad.json");
        std::fs::write(&file, text).unwrap();
        let out = run(&["simulate", "--script", file.to_str().unwrap()], "", false);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(stderr(&out).contains(says), "{text}: {}", stderr(&out));
    }
    let missing = run(&["simulate", "--script", "/no/such/file.json"], "", false);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- refunds ----------------------------------------------------------------

/// The oracle's refund vectors (independent Python hmac), as the CLI's
/// stdin: transId as the JSON number and as a string of digits.
fn refund_inputs(vector: &Value) -> [String; 2] {
    let f = &vector["fields"];
    let trans_id = f["transId"].as_u64().unwrap();
    let input = |trans_id: String| {
        format!(
            r#"{{"orderId":{},"requestId":{},"amount":{},"transId":{trans_id},"description":{},"lang":"en"}}"#,
            f["orderId"], f["requestId"], f["amount"], f["description"]
        )
    };
    [
        input(trans_id.to_string()),
        input(format!("\"{trans_id}\"")),
    ]
}

#[test]
fn refund_request_matches_the_oracle_vectors() {
    let vectors = vectors()["refund"].as_array().unwrap().clone();
    assert!(vectors.len() >= 4);
    let mut above_2_53 = false;
    for vector in &vectors {
        let name = vector["name"].as_str().unwrap();
        let trans_id = vector["fields"]["transId"].as_u64().unwrap();
        above_2_53 |= trans_id > 1 << 53;
        for input in refund_inputs(vector) {
            let out = run(&["refund-request"], &input, true);
            assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
            let v = stdout_json(&out);
            assert_eq!(
                v["url"], "https://test-payment.momo.vn/v2/gateway/api/refund",
                "{name}"
            );
            assert_eq!(
                v["headers"]["Content-Type"],
                "application/json; charset=UTF-8"
            );
            assert_eq!(v["rawSignature"], vector["rawSignature"], "{name}");
            assert_eq!(v["body"]["signature"], vector["signature"], "{name}");
            assert_eq!(v["body"]["partnerCode"], "MOMO");
            assert_eq!(v["body"]["lang"], "en");
            // Every digit of the transId reaches the body text, as a number.
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains(&format!(r#""transId":{trans_id},"#)),
                "{name}: {text}"
            );
        }
    }
    assert!(above_2_53, "a vector with a transId above 2^53");
}

#[test]
fn refund_request_sub_partner_code_and_defaults() {
    let out = run(
        &["refund-request"],
        r#"{"orderId":"R1","requestId":"R1-r1","amount":20000,"transId":4088878653,"subPartnerCode":"SHOP-7"}"#,
        true,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["body"]["subPartnerCode"], "SHOP-7");
    assert_eq!(v["body"]["description"], "");
    assert_eq!(v["body"]["lang"], "vi");
    // subPartnerCode is sent, not signed; an empty description is signed.
    let raw = "accessKey=F8BBA842ECF85&amount=20000&description=&orderId=R1&partnerCode=MOMO&requestId=R1-r1&transId=4088878653";
    assert_eq!(v["rawSignature"], raw);
    assert_eq!(
        v["body"]["signature"],
        momo_pos::hmac_sha256_hex(SECRET.as_bytes(), raw.as_bytes()).as_str()
    );
}

#[test]
fn refund_request_rejects_bad_input_naming_the_field() {
    let ok = r#""orderId":"R1","requestId":"R1-r1","amount":20000"#;
    for (input, field) in [
        (format!(r#"{{{ok},"transId":"12x"}}"#), "transId"),
        (format!(r#"{{{ok},"transId":-1}}"#), "transId"),
        (format!(r#"{{{ok},"transId":1.5}}"#), "transId"),
        (
            format!(r#"{{{ok},"transId":9223372036854775808}}"#),
            "transId",
        ),
        (format!(r#"{{{ok}}}"#), "transId: required field is missing"),
        (format!(r#"{{{ok},"transID":1}}"#), "transID"),
        (
            r#"{"orderId":"R1","requestId":"R1-r1","amount":999,"transId":1}"#.to_owned(),
            "amount",
        ),
        (
            r#"{"orderId":"R1","requestId":"R1-r1","amount":"20000","transId":1}"#.to_owned(),
            "amount: invalid type",
        ),
        (
            r#"{"orderId":"-R1","requestId":"R1-r1","amount":20000,"transId":1}"#.to_owned(),
            "orderId",
        ),
        (
            r#"{"orderId":"R1","amount":20000,"transId":1}"#.to_owned(),
            "requestId: required field is missing",
        ),
        (
            format!(r#"{{{ok},"transId":1,"description":"a\u0007b"}}"#),
            "description",
        ),
        (format!(r#"{{{ok},"transId":1,"lang":"fr"}}"#), "lang"),
        (
            format!(r#"{{{ok},"transId":1,"subPartnerCode":""}}"#),
            "subPartnerCode",
        ),
    ] {
        let out = run(&["refund-request"], &input, true);
        assert_eq!(out.status.code(), Some(1), "{input}: {}", stderr(&out));
        assert!(stderr(&out).contains(field), "{input}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{input}");
        assert_eq!(stderr(&out).trim_end().lines().count(), 1, "{input}");
    }
    // No credentials: a usage error, as for every signing command.
    let out = run(
        &["refund-request"],
        r#"{"orderId":"R1","requestId":"R1-r1","amount":20000,"transId":1}"#,
        false,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("MOMO_PARTNER_CODE"));
}

#[test]
fn verify_response_refund() {
    let unsigned = r#"{"partnerCode":"MOMO","orderId":"R1","requestId":"R1-r1","amount":20000,"transId":9007199254740993,"resultCode":0,"message":"Successful.","responseTime":1700000000000}"#;
    let out = run(&["verify-response", "refund"], unsigned, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["authenticity"], "unsigned");
    assert_eq!(v["body"]["transId"], "9007199254740993");
    assert_eq!(v["body"]["amount"], 20000);
    assert_eq!(v["result"]["code"], 0);
    assert!(stderr(&out).contains("unsigned"));

    // Signed over the same fields as a pos answer.
    let raw = "accessKey=F8BBA842ECF85&amount=20000&message=Refund rejected.&orderId=R1&partnerCode=MOMO&requestId=R1-r1&responseTime=1700000000000&resultCode=1081&transId=0";
    let signature = momo_pos::hmac_sha256_hex(SECRET.as_bytes(), raw.as_bytes());
    let signed = format!(
        r#"{{"partnerCode":"MOMO","orderId":"R1","requestId":"R1-r1","amount":20000,"transId":0,"resultCode":1081,"message":"Refund rejected.","responseTime":1700000000000,"signature":"{signature}"}}"#
    );
    let out = run(&["verify-response", "refund"], &signed, true);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(v["authenticity"], "verified");
    assert_eq!(v["result"]["code"], 1081);
    assert_eq!(v["result"]["nextStep"], "query");
    assert!(!stderr(&out).contains("unsigned"));

    for (body, word) in [
        (
            signed.replace("\"amount\":20000", "\"amount\":20001"),
            "signature",
        ),
        (unsigned.replace(r#""resultCode":0,"#, ""), "resultCode"),
        ("[]".to_owned(), "object"),
    ] {
        let out = run(&["verify-response", "refund"], &body, true);
        assert_eq!(out.status.code(), Some(1), "{body}");
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(word), "{body}: {}", stderr(&out));
    }
}

/// Every refund scenario, by name, with the outcome the protocol calls for;
/// its script file gives the same run.
#[test]
fn simulate_plays_refund_scenarios() {
    let list = run(&["simulate", "--list"], "", false);
    let listed = String::from_utf8(list.stdout).unwrap();
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../momo-pos-testkit/src/scenarios"
    );
    for (name, outcome) in [
        ("refund-full", "refunded"),
        ("refund-partial", "refunded"),
        ("refund-refused-1081", "refused"),
        ("refund-not-refundable-1088", "refused"),
        ("refund-retry-later-1080", "refused"),
        ("refund-lost-then-listed", "refunded"),
        ("refund-pending-7000-then-listed", "refunded"),
        ("refund-lost-not-listed-resent", "refunded"),
        ("refund-dropped-unknown", "unknown"),
    ] {
        assert!(listed.lines().any(|l| l.starts_with(name)), "{name}");
        let named = stdout_json(&run(&["simulate", name, "--json"], "", false));
        assert_eq!(named["scenario"], name);
        assert_eq!(named["outcome"]["outcome"], outcome, "{name}");
        assert_eq!(
            named["steps"].as_array().unwrap()[0],
            "send refund ORDER-1001-R1-r1"
        );
        assert_eq!(
            named["steps"].as_array().unwrap().last().unwrap(),
            &Value::from(format!("done {outcome}")),
            "{name}"
        );
        let file = format!("{dir}/{name}.json");
        let scripted = stdout_json(&run(&["simulate", "--script", &file, "--json"], "", false));
        assert_eq!(scripted["outcome"], named["outcome"], "{name}");
        assert_eq!(scripted["steps"], named["steps"], "{name}");
        assert_eq!(scripted["log"], named["log"], "{name}");
    }
    let refused = stdout_json(&run(
        &["simulate", "refund-refused-1081", "--json"],
        "",
        false,
    ));
    assert_eq!(refused["outcome"]["resultCode"], 1081);
    let refunded = stdout_json(&run(&["simulate", "refund-full", "--json"], "", false));
    assert_eq!(refunded["outcome"]["transId"], "4088878700");
    let unknown = stdout_json(&run(
        &["simulate", "refund-dropped-unknown", "--json"],
        "",
        false,
    ));
    assert_eq!(unknown["outcome"]["lastResultCode"], Value::Null);

    // The text journal: sends, the evidence of the payment's refundTrans,
    // the outcome and MoMo's next step.
    let out = run(&["simulate", "refund-lost-not-listed-resent"], "", false);
    assert!(out.status.success(), "{}", stderr(&out));
    let trace = String::from_utf8(out.stdout).unwrap();
    let sends: Vec<_> = trace.lines().filter(|l| l.contains("-> send")).collect();
    assert_eq!(sends.len(), 3, "{trace}");
    assert!(
        sends[0].contains("refund requestId=ORDER-1001-R1-r1"),
        "{trace}"
    );
    assert!(
        sends[1].contains("query requestId=ORDER-1001-R1-r1-q1"),
        "{trace}"
    );
    assert!(
        sends[2].contains("refund requestId=ORDER-1001-R1-r1"),
        "{trace}"
    );
    assert!(
        trace.contains("evidence: MoMo lists no refund ORDER-1001-R1"),
        "{trace}"
    );
    assert!(trace
        .lines()
        .any(|l| l.starts_with("outcome: refunded (transId 4088878700)")));
    assert!(trace.trim_end().ends_with("next step: done"), "{trace}");
    let out = run(&["simulate", "refund-dropped-unknown"], "", false);
    let trace = String::from_utf8(out.stdout).unwrap();
    assert!(trace.contains("outcome: unknown"), "{trace}");
}

#[test]
fn simulate_replays_a_refund_script_and_refuses_bad_ones() {
    let dir = std::env::temp_dir().join(format!("momo-refund-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("incident.json");
    std::fs::write(
        &file,
        r#"{
  "format": 1,
  "summary": "Till 3: a 20,000 VND refund; the answer was lost; the status query listed it with 7000, then 0",
  "refund": { "amount": 20000, "refunded": 10000, "config": { "pollDelaysMs": [1000] } },
  "answers": {
    "refund": [{ "lost": "timeout" }],
    "query": [
      { "resultCode": 0, "refundTrans": [{ "resultCode": 0, "orderId": "ORDER-1001-R0", "amount": 10000 }, { "resultCode": 7000 }] },
      { "resultCode": 0, "refundTrans": [{ "resultCode": 0, "orderId": "ORDER-1001-R0", "amount": 10000 }, { "resultCode": 0 }] }
    ]
  }
}"#,
    )
    .unwrap();
    let out = run(&["simulate", "--script", file.to_str().unwrap()], "", false);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let trace = String::from_utf8(out.stdout).unwrap();
    assert!(trace.contains("scenario "), "{trace}");
    assert!(trace.contains("Till 3: a 20,000 VND refund"), "{trace}");
    assert!(trace.contains("wait 1.000 s"), "{trace}");
    assert!(trace.contains("outcome: refunded"), "{trace}");
    let json = stdout_json(&run(
        &["simulate", "--script", file.to_str().unwrap(), "--json"],
        "",
        false,
    ));
    assert_eq!(
        json["steps"],
        serde_json::json!([
            "send refund ORDER-1001-R1-r1",
            "timeout",
            "wait 1000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            "wait 1000ms",
            "send query ORDER-1001-R1-r1-q2",
            "answer 0",
            "done refunded"
        ])
    );

    for (text, says) in [
        (
            r#"{"refund": {}, "decision": {"action": "capture"}}"#,
            "decision",
        ),
        (
            r#"{"refund": {}, "answers": {"pos": [{"resultCode": 0}]}}"#,
            "answers.pos",
        ),
        (
            r#"{"answers": {"refund": [{"resultCode": 0}]}}"#,
            "answers.refund",
        ),
        (
            r#"{"refund": {}, "answers": {"refund": [{"resultCode": 0, "refundTrans": []}]}}"#,
            "refundTrans",
        ),
        (r#"{"refund": {"amount": 60000}}"#, "amount"),
        (r#"{"refund": {"refunded": 50000}}"#, "amount"),
        (
            r#"{"refund": {"config": {"maxRefundSends": 11}}}"#,
            "maxRefundSends",
        ),
        (r#"{"refund": {"amout": 1}}"#, "amout"),
    ] {
        std::fs::write(&file, text).unwrap();
        let out = run(&["simulate", "--script", file.to_str().unwrap()], "", false);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(stderr(&out).contains(says), "{text}: {}", stderr(&out));
        assert_eq!(stderr(&out).trim_end().lines().count(), 1, "{text}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The CLI README's refund script replays as the README says.
#[test]
fn simulate_replays_the_cli_readme_refund_example() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("```json\n").expect("a JSON example") + "```json\n".len();
    let example = &readme[start..];
    let example = &example[..example.find("```").unwrap()];
    let dir = std::env::temp_dir().join(format!("momo-readme-refund-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("refund.json");
    std::fs::write(&file, example).unwrap();
    let json = stdout_json(&run(
        &["simulate", "--script", file.to_str().unwrap(), "--json"],
        "",
        false,
    ));
    assert_eq!(json["outcome"]["outcome"], "refunded", "{json}");
    assert_eq!(
        json["steps"],
        serde_json::json!([
            "send refund ORDER-1001-R1-r1",
            "timeout",
            "wait 1000ms",
            "send query ORDER-1001-R1-r1-q1",
            "answer 0",
            "wait 1000ms",
            "send query ORDER-1001-R1-r1-q2",
            "answer 0",
            "done refunded"
        ])
    );
    // Every scenario the README's table names is one `simulate` plays, with
    // the outcome the table gives.
    for row in readme.lines().filter(|l| l.starts_with("| `refund-")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let name = cells[1].trim_matches('`');
        let named = stdout_json(&run(&["simulate", name, "--json"], "", false));
        assert_eq!(named["outcome"]["outcome"], cells[3], "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
