#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! MoMo's answers to the pos, query and confirm calls, checked against the
//! independent oracle's `tests/vectors/responses.json` (Python stdlib hmac).
//! Unsigned answers must come back `Unsigned`, never `Verified`.

use momo_pos::{
    explain, Answer, Authenticity, Category, Client, CredentialFields, Credentials, Environment,
    Error, ErrorKind, NextStep, MAX_BODY_BYTES,
};
use serde_json::Value;

const VECTORS: &str = include_str!("../../../tests/vectors/responses.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

fn client_with_secret(secret: &str) -> Client {
    let v = vectors();
    let c = &v["credentials"];
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: s(c, "partnerCode"),
            access_key: s(c, "accessKey"),
            secret_key: secret,
        })
        .unwrap(),
        Environment::Test,
    )
}

fn client() -> Client {
    client_with_secret(s(&vectors()["credentials"], "secretKey"))
}

/// What a parse gave: the authenticity and the common answer fields, plus
/// the kind-specific fields as JSON for comparison.
struct Parsed {
    authenticity: Authenticity,
    answer: Answer,
    extra: Value,
}

fn parse(client: &Client, kind: &str, body: &[u8]) -> Result<Parsed, Error> {
    Ok(match kind {
        "pos" => {
            let r = client.parse_pos_response(body)?;
            Parsed {
                authenticity: r.authenticity,
                answer: r.body.answer,
                extra: Value::Null,
            }
        }
        "query" => {
            let r = client.parse_query_response(body)?;
            let q = r.body;
            Parsed {
                authenticity: r.authenticity,
                extra: serde_json::json!({
                    "extraData": q.extra_data,
                    "payType": q.pay_type,
                    "paymentOption": q.payment_option,
                    "refundTrans": q.refund_trans,
                    "promotionInfo": q.promotion_info,
                }),
                answer: q.answer,
            }
        }
        "confirm" => {
            let r = client.parse_confirm_response(body)?;
            Parsed {
                authenticity: r.authenticity,
                extra: serde_json::json!({ "requestType": r.body.request_type }),
                answer: r.body.answer,
            }
        }
        "refund" => {
            let r = client.parse_refund_response(body)?;
            Parsed {
                authenticity: r.authenticity,
                answer: r.body.answer,
                extra: Value::Null,
            }
        }
        other => panic!("unknown kind {other}"),
    })
}

/// The typed fields equal an independent parse of the body (serde_json keeps
/// integers up to u64 exactly).
fn assert_fields(name: &str, kind: &str, body: &str, p: &Parsed) {
    let j: Value = serde_json::from_str(body).unwrap();
    let a = &p.answer;
    let opt_str = |k: &str| j.get(k).and_then(Value::as_str);
    assert_eq!(a.partner_code.as_deref(), opt_str("partnerCode"), "{name}");
    assert_eq!(a.order_id.as_deref(), opt_str("orderId"), "{name}");
    assert_eq!(a.request_id.as_deref(), opt_str("requestId"), "{name}");
    assert_eq!(a.amount, j.get("amount").and_then(Value::as_u64), "{name}");
    assert_eq!(
        a.trans_id.as_ref().map(|t| t.as_str().to_owned()),
        j.get("transId").map(Value::to_string),
        "{name}"
    );
    assert_eq!(
        a.response_time,
        j.get("responseTime").and_then(Value::as_u64),
        "{name}"
    );
    assert_eq!(Some(a.result_code), j["resultCode"].as_i64(), "{name}");
    assert_eq!(a.message, opt_str("message").unwrap_or_default(), "{name}");
    // answer.result() is the catalogue's row for the code.
    assert_eq!(a.result(), explain(a.result_code), "{name}");
    assert_eq!(a.result().code, a.result_code, "{name}");
    match kind {
        "query" => {
            for k in ["extraData", "payType", "paymentOption"] {
                assert_eq!(p.extra[k].as_str(), opt_str(k), "{name}: {k}");
            }
        }
        "confirm" => assert_eq!(
            p.extra["requestType"].as_str(),
            opt_str("requestType"),
            "{name}"
        ),
        _ => {}
    }
}

#[test]
fn every_response_vector() {
    every_vector_of("responses", 50);
}

#[test]
fn every_refund_response_vector() {
    every_vector_of("refundResponses", 15);
}

fn every_vector_of(section: &str, at_least: usize) {
    let v = vectors();
    let client = client();
    let list = v[section].as_array().unwrap();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for case in list {
        let (name, kind, body, expect) = (
            s(case, "name"),
            s(case, "kind"),
            s(case, "body"),
            s(case, "expect"),
        );
        *seen.entry(expect.to_owned()).or_default() += 1;
        let result = parse(&client, kind, body.as_bytes());
        match expect {
            "verified" | "unsigned" => {
                let p = result.unwrap_or_else(|e| panic!("{name}: expected {expect}, got {e}"));
                let want = if expect == "verified" {
                    Authenticity::Verified
                } else {
                    Authenticity::Unsigned
                };
                assert_eq!(p.authenticity, want, "{name}");
                assert_fields(name, kind, body, &p);
                if let Some(raw) = case.get("promotionInfo") {
                    assert_eq!(p.extra["promotionInfo"].as_str(), raw.as_str(), "{name}");
                    assert_eq!(
                        p.extra["refundTrans"].as_str(),
                        case["refundTrans"].as_str()
                    );
                }
            }
            _ => {
                let err = match result {
                    Ok(p) => panic!("{name}: expected {expect}, got Ok({:?})", p.authenticity),
                    Err(e) => e,
                };
                assert_eq!(err.kind().as_str(), expect, "{name}: {err}");
            }
        }
    }
    for kind in [
        "verified",
        "unsigned",
        "signature_mismatch",
        "malformed_signature",
        "missing_field",
        "invalid_field",
        "duplicate_key",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) >= 1,
            "{kind}: {seen:?}"
        );
    }
    assert!(list.len() >= at_least);
}

#[test]
fn unsigned_answers_are_never_verified_even_for_another_secret() {
    // An answer without a signature proves nothing, whatever the keys.
    let v = vectors();
    let other = client_with_secret("another-secret-key");
    for case in v["responses"].as_array().unwrap() {
        if s(case, "expect") != "unsigned" {
            continue;
        }
        let p = parse(&other, s(case, "kind"), s(case, "body").as_bytes()).unwrap();
        assert_eq!(
            p.authenticity,
            Authenticity::Unsigned,
            "{}",
            s(case, "name")
        );
    }
}

#[test]
fn signed_answers_with_another_secret_are_a_signature_mismatch() {
    let v = vectors();
    let other = client_with_secret("another-secret-key");
    let mut checked = 0;
    for case in v["responses"].as_array().unwrap() {
        if s(case, "expect") != "verified" {
            continue;
        }
        let err = parse(&other, s(case, "kind"), s(case, "body").as_bytes())
            .map(|p| p.authenticity)
            .unwrap_err();
        assert_eq!(
            err.kind(),
            ErrorKind::SignatureMismatch,
            "{}",
            s(case, "name")
        );
        assert_eq!(err.field(), Some("signature"));
        checked += 1;
    }
    assert!(checked >= 10);
}

#[test]
fn a_signature_for_one_answer_kind_does_not_verify_another() {
    // The pos field set is a subset of the query one: a pos answer's valid
    // signature must not verify when the same body is read as a query or
    // confirm answer (those need fields it does not have, or sign others).
    let v = vectors();
    let client = client();
    let by_name = |n: &str| {
        v["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| s(c, "name") == n)
            .unwrap()
            .clone()
    };
    let pos = by_name("pos_signed_valid");
    assert!(client
        .parse_query_response(s(&pos, "body").as_bytes())
        .is_err());
    assert!(client
        .parse_confirm_response(s(&pos, "body").as_bytes())
        .is_err());
    assert_eq!(
        client
            .parse_pos_response(s(&pos, "body").as_bytes())
            .unwrap()
            .authenticity,
        Authenticity::Verified
    );
}

#[test]
fn exact_trans_id_and_vietnamese_message() {
    let v = vectors();
    let client = client();
    for case in v["responses"].as_array().unwrap() {
        let name = s(case, "name");
        if !name.ends_with("_signed_transId_above_2_53_vietnamese") {
            continue;
        }
        let p = parse(&client, s(case, "kind"), s(case, "body").as_bytes()).unwrap();
        assert_eq!(p.authenticity, Authenticity::Verified);
        let trans = p.answer.trans_id.unwrap();
        assert_eq!(trans.as_str(), "9007199254740993", "{name}");
        assert_eq!(trans.as_u64(), Some(9_007_199_254_740_993));
        assert_eq!(
            p.answer.message,
            "Giao d\u{1ecb}ch \u{111}\u{e3} \u{111}\u{1b0}\u{1ee3}c c\u{1ea5}p quy\u{1ec1}n th\u{e0}nh c\u{f4}ng."
        );
        assert_eq!(p.answer.result_code, 9000);
    }
}

#[test]
fn query_lists_are_kept_as_raw_json() {
    let v = vectors();
    let case = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| s(c, "name") == "query_signed_with_lists")
        .unwrap();
    let r = client()
        .parse_query_response(s(case, "body").as_bytes())
        .unwrap();
    assert_eq!(r.authenticity, Authenticity::Verified);
    let promo = r.body.promotion_info.unwrap();
    let refunds = r.body.refund_trans.unwrap();
    assert_eq!(promo, s(case, "promotionInfo"));
    assert_eq!(refunds, s(case, "refundTrans"));
    // The raw text keeps refund transIds above 2^53 exact.
    assert!(refunds.contains("\"transId\":9007199254740993"));
    let list: Value = serde_json::from_str(&promo).unwrap();
    assert_eq!(list[0]["voucherName"], "Gi\u{1ea3}m 5k");
    assert_eq!(r.body.payment_option.as_deref(), Some("momo"));
    // Absent or null lists are None.
    let plain = client()
        .parse_query_response(br#"{"resultCode":1000,"message":"x","promotionInfo":null}"#)
        .unwrap();
    assert_eq!(plain.body.promotion_info, None);
    assert_eq!(plain.body.refund_trans, None);
}

#[test]
fn error_answer_with_only_result_code_and_message() {
    let client = client();
    let body = br#"{"resultCode":20,"message":"Bad format request."}"#;
    let pos = client.parse_pos_response(body).unwrap();
    assert_eq!(pos.authenticity, Authenticity::Unsigned);
    let a = &pos.body.answer;
    assert_eq!(a.result_code, 20);
    assert_eq!(a.message, "Bad format request.");
    assert_eq!(a.partner_code, None);
    assert_eq!(a.trans_id, None);
    assert_eq!(a.amount, None);
    // PROTOCOL.md: 20 is "bad request format", not final.
    assert!(!a.result().is_final);
    assert!(a.result().is_known());
    assert!(!a.result().is_success());
    let q = client.parse_query_response(body).unwrap();
    assert_eq!(q.body.extra_data, None);
    assert_eq!(q.body.pay_type, None);
    let c = client.parse_confirm_response(body).unwrap();
    assert_eq!(c.body.request_type, None);
}

#[test]
fn result_codes_follow_the_protocol_table() {
    // (code, final) rows of PROTOCOL.md's table.
    let client = client();
    for (code, is_final) in [
        (0, true),
        (9000, false),
        (1000, false),
        (7000, false),
        (7002, false),
        (20, false),
        (44, false),
        (98, true),
        (1006, true),
        (4005, true),
    ] {
        let body = format!(r#"{{"resultCode":{code},"message":"m"}}"#);
        let r = client.parse_pos_response(body.as_bytes()).unwrap();
        let info = r.body.answer.result();
        assert_eq!(info.code, code);
        assert_eq!(info.is_final, is_final, "{code}");
        assert!(info.is_known(), "{code}");
        assert_eq!(info.is_success(), code == 0, "{code}");
        assert!(!info.message_en.is_empty() && !info.message_vi.is_empty());
    }
    let paid = explain(0);
    assert_eq!(paid.category, Category::Paid);
    assert_eq!(paid.next_step, NextStep::Done);
    assert_eq!(explain(9000).next_step, NextStep::CaptureOrCancel);
    // An unknown code: reported as unknown, not final, query (PROTOCOL.md).
    let r = client
        .parse_pos_response(br#"{"resultCode":123456,"message":"?"}"#)
        .unwrap();
    let unknown = r.body.answer.result();
    assert_eq!(unknown.code, 123_456);
    assert!(!unknown.is_known());
    assert!(!unknown.is_final);
    assert_eq!(unknown.category, Category::Unknown);
    assert_eq!(unknown.next_step, NextStep::Query);
    // Negative result codes are integers too.
    let r = client
        .parse_pos_response(br#"{"resultCode":-1,"message":"?"}"#)
        .unwrap();
    assert_eq!(r.body.answer.result_code, -1);
}

#[test]
fn malformed_bodies() {
    let client = client();
    for (body, kind) in [
        (&b""[..], ErrorKind::InvalidJson),
        (b"[]", ErrorKind::InvalidJson),
        (b"{\"resultCode\":0", ErrorKind::InvalidJson),
        (b"{\"resultCode\":0} x", ErrorKind::InvalidJson),
        (b"{}", ErrorKind::MissingField),
        (b"{\"resultCode\":null}", ErrorKind::InvalidField),
        (b"{\"resultCode\":1e3}", ErrorKind::InvalidField),
        (b"{\"resultCode\":0,\"amount\":-5}", ErrorKind::InvalidField),
        (
            b"{\"resultCode\":0,\"resultCode\":0}",
            ErrorKind::DuplicateKey,
        ),
        (
            b"{\"resultCode\":0,\"signature\":false}",
            ErrorKind::InvalidField,
        ),
    ] {
        let err = client
            .parse_pos_response(body)
            .map(|r| r.authenticity)
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{}: {err}", String::from_utf8_lossy(body));
    }
    let huge = format!(
        r#"{{"resultCode":0,"message":"{}"}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    for err in [
        client
            .parse_pos_response(huge.as_bytes())
            .map(|_| ())
            .unwrap_err(),
        client
            .parse_query_response(huge.as_bytes())
            .map(|_| ())
            .unwrap_err(),
        client
            .parse_confirm_response(huge.as_bytes())
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
        assert_eq!(
            err,
            Error::BodyTooLarge {
                size: huge.len(),
                limit: MAX_BODY_BYTES
            }
        );
    }
}

#[test]
fn an_answer_about_another_order_or_request_is_caught() {
    let client = client();
    let query = client
        .query_request(&momo_pos::StatusQuery::new("ORDER-1", "ORDER-1-q1"))
        .unwrap();
    let answer = |order: &str, request: &str| {
        let body = format!(
            r#"{{"partnerCode":"MOMO","orderId":"{order}","requestId":"{request}","resultCode":0,"message":"ok"}}"#
        );
        client.parse_query_response(body.as_bytes()).unwrap()
    };
    assert_eq!(
        answer("ORDER-1", "ORDER-1-q1")
            .answer()
            .check_request(&query),
        Ok(())
    );
    let wrong_order = answer("ORDER-2", "ORDER-1-q1");
    assert_eq!(
        wrong_order
            .answer()
            .check_request(&query)
            .unwrap_err()
            .field(),
        Some("orderId")
    );
    let wrong_request = answer("ORDER-1", "ORDER-1-q2");
    assert_eq!(
        wrong_request
            .answer()
            .check_request(&query)
            .unwrap_err()
            .field(),
        Some("requestId")
    );
    // An error answer that states neither is not a mismatch.
    let bare = client
        .parse_query_response(br#"{"resultCode":20,"message":"Bad format"}"#)
        .unwrap();
    assert_eq!(bare.answer().check_request(&query), Ok(()));
    assert_eq!(bare.result().next_step, momo_pos::NextStep::FixRequest);
}

/// The bridges' form of the check, from ids alone: the same verdicts.
#[test]
fn check_answer_ids_compares_what_the_answer_states() {
    let sent = ["MOMO", "ORDER-1", "ORDER-1-q1"];
    let ids = |p, o, r| [p, o, r];
    assert_eq!(
        momo_pos::check_answer_ids(ids(Some("MOMO"), Some("ORDER-1"), Some("ORDER-1-q1")), sent),
        Ok(())
    );
    assert_eq!(
        momo_pos::check_answer_ids(ids(None, None, None), sent),
        Ok(())
    );
    let error = momo_pos::check_answer_ids(ids(None, Some("ORDER-2"), None), sent).unwrap_err();
    assert_eq!(error, Error::mismatch("orderId", "ORDER-1", "ORDER-2"));
    // The first field that differs is the one named.
    let error = momo_pos::check_answer_ids(ids(Some("OTHER"), None, Some("x")), sent).unwrap_err();
    assert_eq!(error.field(), Some("partnerCode"));
    let error = momo_pos::check_answer_ids(ids(None, None, Some("ORDER-1-q2")), sent).unwrap_err();
    assert_eq!(error.field(), Some("requestId"));
}

#[test]
fn refund_trans_reads_as_typed_entries_with_exact_digits() {
    let v = vectors();
    let case = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| s(c, "name") == "query_signed_with_lists")
        .unwrap();
    let r = client()
        .parse_query_response(s(case, "body").as_bytes())
        .unwrap();
    let refunds = r.body.refunds().unwrap();
    assert_eq!(refunds.len(), 2);
    assert_eq!(refunds[0].trans_id.as_str(), "9007199254740993");
    assert_eq!(refunds[0].amount, 10_000);
    assert_eq!(refunds[1].result_code, 1080);
    let second = r.body.refund(&refunds[1].order_id).unwrap().unwrap();
    assert_eq!(second.created_time, Some(1_763_886_600_000));
    assert_eq!(r.body.refund("no-such-refund").unwrap(), None);
}

#[test]
fn a_malformed_refund_list_is_an_error_naming_the_entry_only_when_read() {
    let body = br#"{"partnerCode":"MOMO","orderId":"O1","requestId":"q1","resultCode":0,
        "message":"ok","refundTrans":[{"orderId":"R1","amount":"10","resultCode":0,"transId":1}]}"#;
    let r = client().parse_query_response(body).unwrap();
    let err = r.body.refunds().unwrap_err();
    assert_eq!(err.field(), Some("refundTrans[0].amount"), "{err}");
    let body = br#"{"resultCode":0,"refundTrans":null}"#;
    let r = client().parse_query_response(body).unwrap();
    assert!(r.body.refunds().unwrap().is_empty());
}

#[test]
fn refund_answers_parse_and_check_their_request() {
    let client = client();
    let request = client
        .refund_request(&momo_pos::Refund::new(
            "O1-R1",
            "O1-R1",
            10_000,
            "4088878653".parse().unwrap(),
        ))
        .unwrap();
    let body = br#"{"partnerCode":"MOMO","orderId":"O1-R1","requestId":"O1-R1","amount":10000,
        "transId":9007199254740995,"resultCode":0,"message":"Th\u00e0nh c\u00f4ng.","responseTime":1}"#;
    let r = client.parse_refund_response(body).unwrap();
    assert_eq!(r.authenticity, Authenticity::Unsigned);
    r.answer().check_request(&request).unwrap();
    assert_eq!(
        r.answer().trans_id.as_ref().unwrap().as_str(),
        "9007199254740995"
    );
    let other = br#"{"partnerCode":"MOMO","orderId":"O1-R2","requestId":"O1-R1","resultCode":0}"#;
    let err = client
        .parse_refund_response(other)
        .unwrap()
        .answer()
        .check_request(&request)
        .unwrap_err();
    assert_eq!(err.field(), Some("orderId"));
    // The message says what was expected and what came.
    assert_eq!(err.to_string(), r#"orderId: is "O1-R2", expected "O1-R1""#);
    let refused = br#"{"orderId":"O1-R1","requestId":"O1-R1","resultCode":1081,"message":"x"}"#;
    let info = client.parse_refund_response(refused).unwrap().result();
    assert!(info.is_final);
}
