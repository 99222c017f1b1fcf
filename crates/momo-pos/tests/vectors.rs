#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Checks the SDK against the independent oracle's vectors in
//! `tests/vectors/signatures.json` (written by `tests/oracle/make_vectors.py`
//! with Python's stdlib `hmac`). Every expected signature comes from that
//! file, never from this crate.

use momo_pos::{
    hmac_sha256_hex, Client, Confirm, ConfirmAction, CredentialFields, Credentials,
    EncryptedPaymentCode, Environment, ErrorKind, PosPayment, Refund, SignedRequest, StatusQuery,
    TransId, MAX_BODY_BYTES,
};
use serde_json::Value;

const VECTORS: &str = include_str!("../../../tests/vectors/signatures.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).expect("signatures.json is JSON")
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

fn client_with(partner: &str, access: &str, secret: &str) -> Client {
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: partner,
            access_key: access,
            secret_key: secret,
        })
        .unwrap(),
        Environment::Test,
    )
}

fn client() -> Client {
    let v = vectors();
    let c = &v["credentials"];
    client_with(s(c, "partnerCode"), s(c, "accessKey"), s(c, "secretKey"))
}

fn unhex(hex: &str) -> Vec<u8> {
    assert_eq!(hex.len() % 2, 0, "{hex}");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

fn cases<'a>(v: &'a Value, section: &str) -> &'a Vec<Value> {
    let list = v[section].as_array().unwrap();
    assert!(!list.is_empty(), "no {section} vectors");
    list
}

/// The request's raw signature and signature are the oracle's, and the body
/// carries exactly the oracle's field values plus that same signature (what
/// is signed is what is sent). `unsigned_extra` are the keys the body may
/// carry beyond the signed ones.
fn assert_matches_oracle(
    name: &str,
    request: &SignedRequest,
    case: &Value,
    unsigned_extra: &[&str],
) {
    assert_eq!(
        request.raw_signature(),
        s(case, "rawSignature"),
        "{name}: raw signature"
    );
    assert_eq!(
        request.signature(),
        s(case, "signature"),
        "{name}: signature"
    );

    let body: Value = serde_json::from_slice(request.body()).unwrap();
    let body = body.as_object().unwrap();
    let fields = case["fields"].as_object().unwrap();
    for (key, expected) in fields {
        assert_eq!(body.get(key), Some(expected), "{name}: body field {key}");
    }
    assert_eq!(
        body.get("signature").and_then(Value::as_str),
        Some(s(case, "signature")),
        "{name}: body signature"
    );
    for key in body.keys() {
        assert!(
            fields.contains_key(key)
                || key == "signature"
                || unsigned_extra.contains(&key.as_str()),
            "{name}: unexpected body key {key}"
        );
    }
    // The body text is what was signed: the accessKey is signed, never sent.
    assert!(!request.body_str().contains("accessKey"), "{name}");
    assert!(!request
        .body_str()
        .contains(s(&vectors()["credentials"], "secretKey")));
}

// ---------------------------------------------------------------------------
// HMAC
// ---------------------------------------------------------------------------

#[test]
fn every_hmac_vector() {
    let v = vectors();
    let list = cases(&v, "hmac");
    let mut rfc = 0;
    for case in list {
        let name = s(case, "name");
        let (key, data) = if case.get("keyHex").is_some() {
            rfc += 1;
            (unhex(s(case, "keyHex")), unhex(s(case, "dataHex")))
        } else {
            (
                s(case, "key").as_bytes().to_vec(),
                s(case, "message").as_bytes().to_vec(),
            )
        };
        assert_eq!(hmac_sha256_hex(&key, &data), s(case, "hex"), "{name}");
    }
    assert_eq!(rfc, 4, "RFC 4231 cases 1-4");
}

// ---------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------

#[test]
fn every_pos_vector() {
    let v = vectors();
    let client = client();
    let mut built = 0;
    for case in cases(&v, "pos") {
        let name = s(case, "name");
        let f = &case["fields"];
        assert_eq!(s(f, "partnerCode"), client.credentials().partner_code());
        let payment = PosPayment::new(
            s(f, "orderId"),
            s(f, "requestId"),
            f["amount"].as_u64().unwrap(),
            EncryptedPaymentCode::from_base64(s(f, "paymentCode")).unwrap(),
        )
        .with_order_info(s(f, "orderInfo"))
        .with_extra_data(s(f, "extraData"));
        let result = client.pos_request(&payment);

        if s(f, "orderInfo").contains("&partnerCode=") {
            // The SDK refuses signed text that could be read as another
            // field (`x&partnerCode=EVIL&y`); the oracle still documents
            // what its signature would be.
            let err = result.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidField, "{name}");
            assert_eq!(err.field(), Some("orderInfo"), "{name}");
            continue;
        }
        let request = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_oracle(name, &request, case, &["autoCapture", "lang"]);
        assert_eq!(request.order_id(), s(f, "orderId"));
        assert_eq!(request.request_id(), s(f, "requestId"));
        built += 1;
    }
    assert_eq!(built, 5);
}

#[test]
fn pos_vector_vietnamese_is_signed_as_nfc_utf8_without_normalization() {
    let v = vectors();
    let case = cases(&v, "pos")
        .iter()
        .find(|c| s(c, "name") == "vietnamese_nfc_orderInfo")
        .unwrap();
    let info = s(&case["fields"], "orderInfo");
    assert_eq!(
        info,
        "Thanh to\u{e1}n \u{111}\u{1a1}n h\u{e0}ng C\u{e0} ph\u{ea} s\u{1eef}a \u{111}\u{e1}"
    );
    assert!(s(case, "rawSignature").contains(info));
}

#[test]
fn every_query_vector() {
    let v = vectors();
    let client = client();
    for case in cases(&v, "query") {
        let name = s(case, "name");
        let f = &case["fields"];
        let request = client
            .query_request(&StatusQuery::new(s(f, "orderId"), s(f, "requestId")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_oracle(name, &request, case, &["lang"]);
        assert_eq!(
            request.url(),
            "https://test-payment.momo.vn/v2/gateway/api/query"
        );
    }
}

#[test]
fn every_confirm_vector() {
    let v = vectors();
    let client = client();
    for case in cases(&v, "confirm") {
        let name = s(case, "name");
        let f = &case["fields"];
        let action = match s(f, "requestType") {
            "capture" => ConfirmAction::Capture,
            "cancel" => ConfirmAction::Cancel,
            other => panic!("{name}: requestType {other}"),
        };
        assert_eq!(
            s(f, "requestType").parse::<ConfirmAction>().unwrap(),
            action
        );
        let confirm = Confirm::new(
            s(f, "orderId"),
            s(f, "requestId"),
            f["amount"].as_u64().unwrap(),
            action,
        )
        .with_description(s(f, "description"));
        let request = client
            .confirm_request(&confirm)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_oracle(name, &request, case, &["lang"]);
        assert_eq!(
            request.url(),
            "https://test-payment.momo.vn/v2/gateway/api/confirm"
        );
    }
}

#[test]
fn every_refund_vector() {
    let v = vectors();
    let client = client();
    let mut seen_big = false;
    for case in cases(&v, "refund") {
        let name = s(case, "name");
        let f = &case["fields"];
        let trans_id = f["transId"].as_u64().unwrap();
        seen_big |= trans_id > 1 << 53;
        // From the digits as a host stores them: exact, whatever their size.
        let refund = Refund::new(
            s(f, "orderId"),
            s(f, "requestId"),
            f["amount"].as_u64().unwrap(),
            trans_id.to_string().parse::<TransId>().unwrap(),
        )
        .with_description(s(f, "description"));
        let request = client
            .refund_request(&refund)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_matches_oracle(name, &request, case, &["lang"]);
        // transId travels as a JSON number with exactly the signed digits.
        assert!(
            request
                .body_str()
                .contains(&format!("\"transId\":{trans_id},")),
            "{name}: {}",
            request.body_str()
        );
        assert_eq!(
            request.url(),
            "https://test-payment.momo.vn/v2/gateway/api/refund"
        );
    }
    assert!(seen_big, "a vector above 2^53");
}

#[test]
fn the_same_request_signed_twice_is_byte_identical() {
    let v = vectors();
    let client = client();
    let f = &cases(&v, "pos")[0]["fields"];
    let payment = PosPayment::new(
        s(f, "orderId"),
        s(f, "requestId"),
        f["amount"].as_u64().unwrap(),
        EncryptedPaymentCode::from_base64(s(f, "paymentCode")).unwrap(),
    )
    .with_order_info(s(f, "orderInfo"));
    assert_eq!(
        client.pos_request(&payment).unwrap(),
        client.pos_request(&payment).unwrap()
    );
}

// ---------------------------------------------------------------------------
// IPN
// ---------------------------------------------------------------------------

fn ipn_case<'a>(v: &'a Value, name: &str) -> &'a Value {
    cases(v, "ipn")
        .iter()
        .find(|c| s(c, "name") == name)
        .unwrap_or_else(|| panic!("no ipn vector {name}"))
}

#[test]
fn every_ipn_vector() {
    let v = vectors();
    let client = client();
    let mut valid = 0;
    let mut refused = 0;
    for case in cases(&v, "ipn") {
        let name = s(case, "name");
        let body = s(case, "body");
        let expect = s(case, "expect");
        let result = client.verify_ipn(body.as_bytes());
        if expect == "valid" {
            let n = result.unwrap_or_else(|e| panic!("{name}: expected valid, got {e}"));
            // Typed fields equal an independent parse of the body
            // (serde_json keeps integers up to u64 exactly).
            let j: Value = serde_json::from_str(body).unwrap();
            assert_eq!(n.partner_code, s(&j, "partnerCode"), "{name}");
            assert_eq!(n.order_id, s(&j, "orderId"), "{name}");
            assert_eq!(n.request_id, s(&j, "requestId"), "{name}");
            assert_eq!(Some(n.amount), j["amount"].as_u64(), "{name}");
            assert_eq!(n.order_info, s(&j, "orderInfo"), "{name}");
            assert_eq!(n.order_type, s(&j, "orderType"), "{name}");
            assert_eq!(n.trans_id.as_str(), j["transId"].to_string(), "{name}");
            assert_eq!(Some(n.result_code), j["resultCode"].as_i64(), "{name}");
            assert_eq!(n.message, s(&j, "message"), "{name}");
            assert_eq!(n.pay_type, s(&j, "payType"), "{name}");
            assert_eq!(Some(n.response_time), j["responseTime"].as_u64(), "{name}");
            assert_eq!(n.extra_data, s(&j, "extraData"), "{name}");
            assert_eq!(
                n.partner_user_id.as_deref(),
                j.get("partnerUserId").and_then(Value::as_str),
                "{name}"
            );
            assert_eq!(n.is_paid(), n.result_code == 0, "{name}");
            assert_eq!(n.result().code, n.result_code, "{name}");
            valid += 1;
        } else {
            let err = match result {
                Ok(n) => panic!("{name}: expected {expect}, got Ok({n:?})"),
                Err(e) => e,
            };
            assert_eq!(err.kind().as_str(), expect, "{name}: {err}");
            refused += 1;
        }
    }
    assert!(
        valid >= 10 && refused >= 20,
        "{valid} valid, {refused} refused"
    );
}

#[test]
fn ipn_trans_id_above_2_53_keeps_exact_digits() {
    let v = vectors();
    let body = s(ipn_case(&v, "valid_transId_above_2_53"), "body");
    let n = client().verify_ipn(body.as_bytes()).unwrap();
    assert_eq!(n.trans_id.as_str(), "9007199254740993");
    assert_eq!(n.trans_id.to_string(), "9007199254740993");
    assert_eq!(n.trans_id.as_u64(), Some(9_007_199_254_740_993));
    // A float round trip would have given ...992.
    assert_ne!(
        n.trans_id.as_str(),
        format!("{}", 9_007_199_254_740_993_f64)
    );
}

#[test]
fn ipn_order_info_injection_does_not_change_partner_code() {
    let v = vectors();
    let body = s(ipn_case(&v, "valid_orderInfo_ampersand_injection"), "body");
    let n = client().verify_ipn(body.as_bytes()).unwrap();
    assert_eq!(n.partner_code, "MOMO");
    assert_eq!(n.order_info, "x&partnerCode=EVIL&y");
}

#[test]
fn ipn_vietnamese_is_decoded_the_same_from_utf8_and_u_escapes() {
    let v = vectors();
    let client = client();
    let raw = client
        .verify_ipn(s(ipn_case(&v, "valid_vietnamese_raw_utf8"), "body").as_bytes())
        .unwrap();
    let escaped_body = s(ipn_case(&v, "valid_vietnamese_json_u_escapes"), "body");
    assert!(escaped_body.is_ascii());
    let escaped = client.verify_ipn(escaped_body.as_bytes()).unwrap();
    let nfc = "Thanh to\u{e1}n \u{111}\u{1a1}n h\u{e0}ng C\u{e0} ph\u{ea} s\u{1eef}a \u{111}\u{e1}";
    assert_eq!(raw.order_info, nfc);
    assert_eq!(escaped.order_info, nfc);
    assert_eq!(raw.message, "Giao d\u{1ecb}ch th\u{e0}nh c\u{f4}ng.");
    assert_eq!(raw, escaped);

    let tricky = client
        .verify_ipn(
            s(
                ipn_case(&v, "valid_json_escapes_and_surrogate_pair"),
                "body",
            )
            .as_bytes(),
        )
        .unwrap();
    assert_eq!(
        tricky.order_info,
        "Order \"VIP\" A/B \\ tab\there \u{1F600}"
    );
}

#[test]
fn ipn_for_another_partner_code_is_a_field_mismatch() {
    let v = vectors();
    let c = &v["credentials"];
    let body = s(ipn_case(&v, "valid_basic"), "body");
    // Same accessKey and secretKey, another partnerCode: authentic, but not ours.
    let other = client_with("OTHERSHOP", s(c, "accessKey"), s(c, "secretKey"));
    let err = other.verify_ipn(body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FieldMismatch, "{err}");
    assert_eq!(err.field(), Some("partnerCode"));
}

#[test]
fn ipn_with_other_keys_is_a_signature_mismatch() {
    let v = vectors();
    let c = &v["credentials"];
    let body = s(ipn_case(&v, "valid_basic"), "body");
    let other_secret = client_with(s(c, "partnerCode"), s(c, "accessKey"), "another-secret-key");
    let err = other_secret.verify_ipn(body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{err}");
    assert_eq!(err.field(), Some("signature"));
    let other_access = client_with(s(c, "partnerCode"), "OTHERACCESS", s(c, "secretKey"));
    let err = other_access.verify_ipn(body.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{err}");
}

#[test]
fn ipn_body_size_limit() {
    let v = vectors();
    let client = client();
    let body = s(ipn_case(&v, "valid_basic"), "body");

    let huge = format!("{body}{}", " ".repeat(2 * 1024 * 1024));
    let err = client.verify_ipn(huge.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");

    // Exactly at the limit (trailing whitespace is valid JSON): accepted.
    let at_limit = format!("{body}{}", " ".repeat(MAX_BODY_BYTES - body.len()));
    assert_eq!(at_limit.len(), MAX_BODY_BYTES);
    client.verify_ipn(at_limit.as_bytes()).unwrap();
    // One byte more: refused before parsing.
    let over = format!("{at_limit} ");
    let err = client.verify_ipn(over.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BodyTooLarge, "{err}");
}

#[test]
fn ipn_that_is_not_utf8_is_invalid_json() {
    let v = vectors();
    let body = s(ipn_case(&v, "valid_basic"), "body");
    let mut bytes = body.as_bytes().to_vec();
    let at = body.find("Thanh").unwrap();
    bytes[at] = 0xff;
    let err = client().verify_ipn(&bytes).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidJson, "{err}");
}

#[test]
fn dedupe_key_and_check_order() {
    let v = vectors();
    let n = client()
        .verify_ipn(s(ipn_case(&v, "valid_basic"), "body").as_bytes())
        .unwrap();
    let key = n.dedupe_key();
    assert_eq!(
        key.to_string(),
        "MOMO|MM1540456472575|MM1540456472575|4088878653"
    );
    assert_eq!(key.trans_id.as_str(), "4088878653");
    // The same delivery twice gives the same key; another transaction does not.
    let again = client()
        .verify_ipn(s(ipn_case(&v, "valid_basic"), "body").as_bytes())
        .unwrap();
    assert_eq!(again.dedupe_key(), key);
    let big = client()
        .verify_ipn(s(ipn_case(&v, "valid_transId_above_2_53"), "body").as_bytes())
        .unwrap();
    assert_ne!(big.dedupe_key(), key);
    assert_eq!(
        big.dedupe_key().to_string(),
        "MOMO|MM1540456472575|MM1540456472575|9007199254740993"
    );

    n.check_order("MM1540456472575", 50_000).unwrap();
    let err = n.check_order("MM1540456472576", 50_000).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FieldMismatch);
    assert_eq!(err.field(), Some("orderId"));
    let err = n.check_order("MM1540456472575", 50_001).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::FieldMismatch);
    assert_eq!(err.field(), Some("amount"));
    let err = n.check_order("mm1540456472575", 5_000).unwrap_err();
    assert_eq!(err.field(), Some("orderId"));
}

#[test]
fn ipn_result_codes_are_explained() {
    let v = vectors();
    let client = client();
    let paid = client
        .verify_ipn(s(ipn_case(&v, "valid_basic"), "body").as_bytes())
        .unwrap();
    assert!(paid.is_paid());
    assert!(paid.result().is_final);
    assert!(paid.result().is_success());
    let authorized = client
        .verify_ipn(s(ipn_case(&v, "valid_resultCode_9000_authorized"), "body").as_bytes())
        .unwrap();
    assert!(!authorized.is_paid());
    assert_eq!(authorized.result_code, 9000);
    assert!(!authorized.result().is_final);
    assert_eq!(
        authorized.result().next_step,
        momo_pos::NextStep::CaptureOrCancel
    );
    let declined = client
        .verify_ipn(s(ipn_case(&v, "valid_resultCode_1006_user_declined"), "body").as_bytes())
        .unwrap();
    assert_eq!(declined.result_code, 1006);
    assert!(declined.result().is_final);
    assert!(!declined.is_paid());
}
