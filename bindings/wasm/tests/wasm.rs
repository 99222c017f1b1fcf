//! The JS bindings, run inside a JS engine by wasm-bindgen-test: in Node
//! (`cargo test --target wasm32-unknown-unknown --test wasm`) and in
//! headless Chromium (the same with `WASM_BINDGEN_USE_BROWSER=1`).
//!
//! Expected signatures come from `tests/vectors/` (the Python oracle), never
//! from this crate. Tests of the signing client need `--features signing`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
#![cfg(target_arch = "wasm32")]

use js_sys::{JsString, Reflect};
use momo_pos_wasm::{
    explain_result_code, mask_payment_code, normalize_payment_code, result_code_catalogue,
    JsPublicKey,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const SCANNED: &str = "]Q1MM561918531775222861\r\n";
const KEY_2048: &str = include_str!("../../../tests/keys/test_rsa2048_public_spki.b64");

/// A property of a JS object, following `a.b` paths.
fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |v, key| {
        Reflect::get(&v, &JsValue::from_str(key)).unwrap()
    })
}

fn text(value: &JsValue, path: &str) -> String {
    get(value, path)
        .as_string()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

/// (code, field, message) of a thrown MomoError.
fn momo_error(error: JsValue) -> (String, Option<String>, String) {
    assert!(error.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(text(&error, "name"), "MomoError");
    (
        text(&error, "code"),
        get(&error, "field").as_string(),
        text(&error, "message"),
    )
}

/// `prefix` followed by a lone high surrogate: text wasm-bindgen would
/// otherwise turn into U+FFFD.
fn with_lone_surrogate(prefix: &str) -> JsValue {
    JsString::from(prefix)
        .concat(&JsString::from_char_code1(0xD800))
        .into()
}

#[wasm_bindgen_test]
fn normalizes_and_masks_scanner_output() {
    assert_eq!(
        normalize_payment_code(SCANNED.into()).unwrap(),
        "MM561918531775222861"
    );
    assert_eq!(
        mask_payment_code(SCANNED.into()).unwrap(),
        "****************2861"
    );
}

#[wasm_bindgen_test]
fn refuses_bad_codes_naming_the_reason() {
    let (code, field, message) =
        momo_error(normalize_payment_code("MM5619185317X".into()).unwrap_err());
    assert_eq!(code, "invalidPaymentCode");
    assert_eq!(field.as_deref(), Some("paymentCode"));
    assert!(message.contains("position 13"), "{message}");
    let (code, field, _) = momo_error(normalize_payment_code(JsValue::from(42)).unwrap_err());
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalidField", Some("paymentCode"))
    );
}

#[wasm_bindgen_test]
fn refuses_lone_surrogates_instead_of_replacing_them() {
    let (code, _, message) = momo_error(
        normalize_payment_code(with_lone_surrogate("MM561918531775222861")).unwrap_err(),
    );
    assert_eq!(code, "invalidField");
    assert!(message.contains("surrogate"), "{message}");
    // A real U+FFFD is ordinary text: refused as a code, not as broken text.
    let (code, _, _) =
        momo_error(normalize_payment_code("MM56191853177522286\u{FFFD}".into()).unwrap_err());
    assert_eq!(code, "invalidPaymentCode");
}

#[wasm_bindgen_test]
fn public_key_encrypts_with_fresh_padding() {
    let key = JsPublicKey::new(KEY_2048.into()).unwrap();
    assert_eq!(key.bits(), 2048);
    assert_eq!(key.ciphertext_length(), 256);
    let a = key.encrypt_payment_code(SCANNED.into()).unwrap();
    let b = key.encrypt_payment_code(SCANNED.into()).unwrap();
    assert_ne!(a, b, "PKCS#1 v1.5 padding is random");
    // 256 bytes of ciphertext are 344 base64 characters with padding.
    assert_eq!(a.len(), 344);
    assert!(a.ends_with('='));
    let (code, ..) = momo_error(key.encrypt_payment_code("MM123".into()).unwrap_err());
    assert_eq!(code, "invalidPaymentCode");
}

#[wasm_bindgen_test]
fn public_key_refuses_what_is_not_momo_key() {
    for text in [
        include_str!("../../../tests/keys/test_rsa2048_private.pem"),
        include_str!("../../../tests/keys/test_ec_p256_public_spki.pem"),
        include_str!("../../../tests/keys/test_rsa1024_public_spki.b64"),
        "not a key",
    ] {
        let (code, ..) = momo_error(JsPublicKey::new(text.into()).err().unwrap());
        assert_eq!(code, "invalidPublicKey");
    }
}

#[wasm_bindgen_test]
fn explains_result_codes() {
    let info = explain_result_code(JsValue::from(9000)).unwrap();
    assert_eq!(text(&info, "nextStep"), "captureOrCancel");
    assert_eq!(get(&info, "isFinal"), JsValue::FALSE);
    let paid = explain_result_code(JsValue::from(0)).unwrap();
    assert_eq!(text(&paid, "category"), "paid");
    let unknown = explain_result_code(JsValue::from(123_456)).unwrap();
    assert_eq!(text(&unknown, "category"), "unknown");
    assert_eq!(text(&unknown, "nextStep"), "query");
    let (code, field, _) = momo_error(explain_result_code(JsValue::from(1.5)).unwrap_err());
    assert_eq!(
        (code.as_str(), field.as_deref()),
        ("invalidField", Some("resultCode"))
    );
}

#[wasm_bindgen_test]
fn catalogue_has_every_protocol_row() {
    // PROTOCOL.md's result-code table has 38 rows.
    let all: js_sys::Array = result_code_catalogue().unwrap().unchecked_into();
    assert_eq!(all.length(), 38);
    assert!(all
        .iter()
        .all(|row| get(&row, "messageVi").as_string().is_some()));
}

#[cfg(feature = "signing")]
mod signing {
    use super::*;
    use js_sys::JSON;
    use momo_pos_wasm::{decode_extra_data, encode_extra_data, JsClient};
    use serde_json::Value;

    const SIGNATURES: &str = include_str!("../../../tests/vectors/signatures.json");
    const RESPONSES: &str = include_str!("../../../tests/vectors/responses.json");

    /// The JS name of a core name (`invalid_json` is `invalidJson` in JS): the
    /// oracle's vectors use the core's, shared with the C ABI.
    fn camel(snake: &str) -> String {
        let mut parts = snake.split('_');
        let mut out = parts.next().unwrap_or_default().to_owned();
        for part in parts {
            let mut chars = part.chars();
            out.extend(chars.next().map(|c| c.to_ascii_uppercase()));
            out.push_str(chars.as_str());
        }
        out
    }

    #[wasm_bindgen_test]
    fn describing_what_is_not_a_snapshot_names_the_problem() {
        use momo_pos_wasm::describe_driver_snapshot;
        for (text, want) in [
            ("not json", "invalidJson"),
            (r#"{"version":1}"#, "invalidJson"),
            ("", "invalidJson"),
        ] {
            let (code, ..) = momo_error(describe_driver_snapshot(text.into()).unwrap_err());
            assert_eq!(code, want, "{text}");
        }
        let (code, field, _) = momo_error(describe_driver_snapshot(JsValue::from(7)).unwrap_err());
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("snapshot"))
        );
    }

    fn json(text: &str) -> JsValue {
        JSON::parse(text).unwrap()
    }

    fn vectors(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn client() -> JsClient {
        let v = vectors(SIGNATURES);
        JsClient::new(json(&v["credentials"].to_string())).unwrap()
    }

    #[wasm_bindgen_test]
    fn pos_requests_match_the_oracle() {
        let client = client();
        let v = vectors(SIGNATURES);
        for case in v["pos"].as_array().unwrap() {
            let f = &case["fields"];
            let input = serde_json::json!({
                "orderId": f["orderId"], "requestId": f["requestId"], "amount": f["amount"],
                "encryptedPaymentCode": f["paymentCode"], "orderInfo": f["orderInfo"],
                "extraData": f["extraData"],
            });
            let name = case["name"].as_str().unwrap();
            let request = match client.pos_request(json(&input.to_string())) {
                Ok(request) => request,
                Err(e) => {
                    // The core refuses to sign text that would make the raw
                    // signature ambiguous; the oracle signs it anyway.
                    let (code, field, _) = momo_error(e);
                    assert_eq!(name, "orderInfo_with_ampersand_injection");
                    assert_eq!(
                        (code.as_str(), field.as_deref()),
                        ("invalidField", Some("orderInfo"))
                    );
                    continue;
                }
            };
            assert_eq!(text(&request, "signature"), case["signature"], "{name}");
            assert_eq!(
                text(&request, "rawSignature"),
                case["rawSignature"],
                "{name}"
            );
            let body: Value = serde_json::from_str(&text(&request, "body")).unwrap();
            assert_eq!(body["signature"], case["signature"], "{name}");
            assert_eq!(body["paymentCode"], f["paymentCode"], "{name}");
            assert_eq!(
                text(&request, "url"),
                "https://test-payment.momo.vn/v2/gateway/api/pos"
            );
            assert_eq!(
                text(&request, "headers.Content-Type"),
                "application/json; charset=UTF-8"
            );
            assert_eq!(get(&request, "timeoutMs").as_f64(), Some(30_000.0));
        }
    }

    #[wasm_bindgen_test]
    fn query_and_confirm_requests_match_the_oracle() {
        let client = client();
        let v = vectors(SIGNATURES);
        for case in v["query"].as_array().unwrap() {
            let f = &case["fields"];
            let input = serde_json::json!({"orderId": f["orderId"], "requestId": f["requestId"]});
            let request = client.query_request(json(&input.to_string())).unwrap();
            assert_eq!(text(&request, "signature"), case["signature"]);
        }
        for case in v["confirm"].as_array().unwrap() {
            let f = &case["fields"];
            let input = serde_json::json!({
                "orderId": f["orderId"], "requestId": f["requestId"], "amount": f["amount"],
                "requestType": f["requestType"], "description": f["description"],
            });
            let request = client.confirm_request(json(&input.to_string())).unwrap();
            assert_eq!(text(&request, "signature"), case["signature"]);
        }
    }

    #[wasm_bindgen_test]
    fn ipn_vectors_verify_or_fail_as_the_oracle_says() {
        let client = client();
        let v = vectors(SIGNATURES);
        let cases = v["ipn"].as_array().unwrap();
        assert!(cases.len() > 30);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let body = case["body"].as_str().unwrap();
            let expect = case["expect"].as_str().unwrap();
            match client.verify_ipn(body.into()) {
                Ok(n) => {
                    assert_eq!(expect, "valid", "{name}");
                    // serde_json keeps integer digits exactly: the oracle's own text.
                    let sent: Value = serde_json::from_str(body).unwrap();
                    assert_eq!(text(&n, "transId"), sent["transId"].to_string(), "{name}");
                    assert_eq!(
                        get(&n, "amount").as_f64(),
                        sent["amount"].as_f64(),
                        "{name}"
                    );
                    let key = text(&n, "dedupeKey");
                    assert!(
                        key.ends_with(&format!("|{}", sent["transId"])),
                        "{name}: {key}"
                    );
                }
                Err(e) => assert_eq!(momo_error(e).0, camel(expect), "{name}"),
            }
        }
    }

    #[wasm_bindgen_test]
    fn ipn_body_may_be_bytes() {
        let client = client();
        let v = vectors(SIGNATURES);
        let body = v["ipn"][2]["body"].as_str().unwrap(); // Vietnamese raw UTF-8
        let bytes = js_sys::Uint8Array::from(body.as_bytes());
        let from_bytes = client.verify_ipn(bytes.clone().into()).unwrap();
        let from_text = client.verify_ipn(body.into()).unwrap();
        assert_eq!(
            text(&from_bytes, "orderInfo"),
            text(&from_text, "orderInfo")
        );
        assert!(
            client.verify_ipn(bytes.buffer().into()).is_ok(),
            "ArrayBuffer"
        );
    }

    /// MAX_BODY_BYTES holds in the binding: a body at the limit is parsed,
    /// one byte more is body_too_large, as a string or as bytes, for the
    /// IPN and every answer parser.
    #[wasm_bindgen_test]
    fn bodies_above_the_limit_are_refused_before_parsing() {
        let client = client();
        let v = vectors(SIGNATURES);
        let body = v["ipn"][0]["body"].as_str().unwrap();
        // Trailing JSON whitespace: the same IPN, still valid.
        let at_limit = format!(
            "{body}{}",
            " ".repeat(momo_pos::MAX_BODY_BYTES - body.len())
        );
        assert!(client.verify_ipn(at_limit.as_str().into()).is_ok());
        let over = format!("{at_limit} ");
        let as_text = || JsValue::from(over.as_str());
        let as_bytes = || JsValue::from(js_sys::Uint8Array::from(over.as_bytes()));
        for value in [as_text(), as_bytes()] {
            let (code, ..) = momo_error(client.verify_ipn(value).unwrap_err());
            assert_eq!(code, "bodyTooLarge");
        }
        for result in [
            client.parse_pos_response(as_text()),
            client.parse_query_response(as_bytes()),
            client.parse_confirm_response(as_text()),
            client.parse_refund_response(as_bytes()),
        ] {
            assert_eq!(momo_error(result.unwrap_err()).0, "bodyTooLarge");
        }
    }

    /// Results cross as JSON, which JSON.parse would round past 2^53: such
    /// a number is refused, never handed over changed.
    #[wasm_bindgen_test]
    fn answers_with_integers_beyond_2_pow_53_are_refused_not_rounded() {
        let client = client();
        let answer = |amount: u64| {
            format!(
                r#"{{"partnerCode":"MOMO","orderId":"O-1","requestId":"O-1","amount":{amount},"transId":4088878653,"resultCode":0,"message":"ok","responseTime":1}}"#
            )
        };
        let fine = client
            .parse_pos_response(answer(9_007_199_254_740_991).as_str().into())
            .unwrap();
        assert_eq!(
            get(&fine, "body.amount").as_f64(),
            Some(9_007_199_254_740_991.0)
        );
        let (code, _, message) = momo_error(
            client
                .parse_pos_response(answer(9_007_199_254_740_993).as_str().into())
                .unwrap_err(),
        );
        assert_eq!(code, "invalidJson");
        assert!(message.contains("9007199254740993"), "{message}");
    }

    #[wasm_bindgen_test]
    fn ipn_refuses_a_parsed_object() {
        let client = client();
        let v = vectors(SIGNATURES);
        let parsed = json(v["ipn"][0]["body"].as_str().unwrap());
        let (code, field, message) = momo_error(client.verify_ipn(parsed).unwrap_err());
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("body"))
        );
        assert!(message.contains("raw body"), "{message}");
    }

    #[wasm_bindgen_test]
    fn ipn_refuses_lone_surrogates() {
        let client = client();
        let (code, _, message) = momo_error(
            client
                .verify_ipn(with_lone_surrogate("{\"a\":\""))
                .unwrap_err(),
        );
        assert_eq!(code, "invalidField");
        assert!(message.contains("surrogate"), "{message}");
    }

    #[wasm_bindgen_test]
    fn responses_verify_or_fail_as_the_oracle_says() {
        let client = client();
        let v = vectors(RESPONSES);
        let refunds = v["refundResponses"].as_array().unwrap();
        assert!(refunds.len() >= 15);
        for case in v["responses"].as_array().unwrap().iter().chain(refunds) {
            let name = case["name"].as_str().unwrap();
            let body: JsValue = case["body"].as_str().unwrap().into();
            let parsed = match case["kind"].as_str().unwrap() {
                "pos" => client.parse_pos_response(body),
                "query" => client.parse_query_response(body),
                "confirm" => client.parse_confirm_response(body),
                "refund" => client.parse_refund_response(body),
                other => panic!("{other}"),
            };
            let expect = case["expect"].as_str().unwrap();
            match parsed {
                Ok(r) => assert_eq!(text(&r, "authenticity"), expect, "{name}"),
                Err(e) => assert_eq!(momo_error(e).0, camel(expect), "{name}"),
            }
        }
    }

    fn payment(extra: &str) -> JsValue {
        let key = JsPublicKey::new(KEY_2048.into()).unwrap();
        let code = key.encrypt_payment_code(SCANNED.into()).unwrap();
        json(&format!(
            r#"{{"orderId":"ORDER-1","requestId":"ORDER-1-r1","amount":59000,"encryptedPaymentCode":"{code}"{extra}}}"#
        ))
    }

    #[wasm_bindgen_test]
    fn order_group_id_crosses_exactly_as_bigint_or_digits() {
        let client = client();
        let p = payment("");
        let big = js_sys::BigInt::new(&JsValue::from_str("18446744073709551615")).unwrap();
        Reflect::set(&p, &"orderGroupId".into(), &big).unwrap();
        let body = text(&client.pos_request(p).unwrap(), "body");
        assert!(
            body.contains(r#""orderGroupId":18446744073709551615"#),
            "{body}"
        );
        let body = text(
            &client
                .pos_request(payment(r#","orderGroupId":"9007199254740993""#))
                .unwrap(),
            "body",
        );
        assert!(
            body.contains(r#""orderGroupId":9007199254740993"#),
            "{body}"
        );
        // A JS number is taken while it is exact (the rule of the core's
        // input model, the same for the CLI), refused from 2^53 on.
        let body = text(
            &client.pos_request(payment(r#","orderGroupId":5"#)).unwrap(),
            "body",
        );
        assert!(body.contains(r#""orderGroupId":5"#), "{body}");
        let (code, field, _) = momo_error(
            client
                .pos_request(payment(r#","orderGroupId":9007199254740992"#))
                .unwrap_err(),
        );
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("orderGroupId"))
        );
    }

    #[wasm_bindgen_test]
    fn object_inputs_name_the_offending_field() {
        let client = client();
        let cases = [
            (r#","amount2":1"#, "invalidField", "amount2"),
            (
                r#","items":[{"id":"a","name":"b","price":9007199254740993,"quantity":1,"totalPrice":1}]"#,
                "invalidField",
                "items[0].price",
            ),
            (
                r#","items":[{"id":"a","name":"b","price":"1","quantity":1,"totalPrice":1}]"#,
                "invalidField",
                "items[0].price",
            ),
            (
                r#","items":[{"id":"a","name":"b","price":2,"quantity":2,"totalPrice":5}]"#,
                "invalidField",
                "items[0].totalPrice",
            ),
            (r#","lang":"fr""#, "invalidField", "lang"),
            (r#","ipnUrl":"ftp://x""#, "invalidField", "ipnUrl"),
        ];
        for (extra, want_code, want_field) in cases {
            let (code, field, message) =
                momo_error(client.pos_request(payment(extra)).unwrap_err());
            assert_eq!(
                (code.as_str(), field.as_deref()),
                (want_code, Some(want_field)),
                "{extra}: {message}"
            );
        }
        let (code, field, _) = momo_error(
            client
                .pos_request(json(r#"{"orderId":"O","requestId":"r","amount":1000}"#))
                .unwrap_err(),
        );
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("missingField", Some("encryptedPaymentCode"))
        );
        let p = payment("");
        Reflect::set(&p, &"orderInfo".into(), &with_lone_surrogate("Cà phê")).unwrap();
        let (code, field, message) = momo_error(client.pos_request(p).unwrap_err());
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("orderInfo")),
            "{message}"
        );
        // A plain code where the ciphertext belongs never reaches MoMo, and
        // the error names the field as the caller wrote it.
        let (code, field, _) = momo_error(client.pos_request(json(
            r#"{"orderId":"O","requestId":"r","amount":1000,"encryptedPaymentCode":"MM561918531775222861"}"#,
        )).unwrap_err());
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("encryptedPaymentCode"))
        );
    }

    #[wasm_bindgen_test]
    fn client_options_are_checked() {
        let bad = [
            (
                r#"{"partnerCode":"MOMO","accessKey":"A","secretKey":""}"#,
                "invalidCredentials",
                "secretKey",
            ),
            (
                r#"{"partnerCode":"MOMO","accessKey":"A","secretKey":"S","environment":"prod"}"#,
                "invalidField",
                "environment",
            ),
            (
                r#"{"partnerCode":"MOMO","accessKey":"A","secretKey":"S","amountLimits":{"min":0,"max":1}}"#,
                "invalidField",
                "amount",
            ),
            (
                r#"{"partnerCode":"MOMO","accessKey":"A"}"#,
                "missingField",
                "secretKey",
            ),
        ];
        for (options, want_code, want_field) in bad {
            let (code, field, message) = momo_error(JsClient::new(json(options)).err().unwrap());
            assert_eq!(
                (code.as_str(), field.as_deref()),
                (want_code, Some(want_field)),
                "{message}"
            );
        }
        let production = JsClient::new(json(
            r#"{"partnerCode":"MOMO","accessKey":"A","secretKey":"S","environment":"production"}"#,
        ))
        .unwrap();
        assert_eq!(production.base_url(), "https://payment.momo.vn");
    }

    #[wasm_bindgen_test]
    fn extra_data_round_trips() {
        // MoMo's documented example, {"username": "momo"}.
        let decoded = decode_extra_data("eyJ1c2VybmFtZSI6ICJtb21vIn0=".into()).unwrap();
        assert_eq!(text(&decoded, "username"), "momo");
        let encoded = encode_extra_data(json(r#"{"till":3,"cashier":"Lan"}"#)).unwrap();
        let back = decode_extra_data(encoded.into()).unwrap();
        assert_eq!(get(&back, "till").as_f64(), Some(3.0));
        assert_eq!(encode_extra_data(json("{}")).unwrap(), "");
    }

    // ---- PaymentDriver, played by the JS MoMo double of the npm tests ----

    #[wasm_bindgen::prelude::wasm_bindgen(module = "/../npm/test/fake-momo/fake-momo.js")]
    extern "C" {
        #[wasm_bindgen(catch)]
        fn play(
            driver: JsValue,
            client: JsValue,
            script: JsValue,
            options: JsValue,
        ) -> Result<JsValue, JsValue>;
    }

    /// orderId and requestId of the Python oracle's IPN vectors.
    const ORDER: &str = "MM1540456472575";
    /// The scripts' clock at the start (fake-momo.js T0).
    const T0: f64 = 1_700_000_000_000.0;

    fn vector_ipn(name: &str) -> String {
        let v = vectors(SIGNATURES);
        let case = v["ipn"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        case["body"].as_str().unwrap().to_owned()
    }

    /// Plays `script` (fake-momo.js syntax) from a fresh driver; the IPN
    /// delivered is the oracle's `valid_basic` (0, 50000 VND, signed by the
    /// Python oracle). Returns (steps, outcome, final driver, sent bodies).
    fn run(
        amount: u64,
        auto_capture: bool,
        config: &str,
        script: &str,
        restore_every_step: bool,
    ) -> (Vec<String>, Value, JsValue, Vec<String>) {
        use wasm_bindgen::closure::Closure;
        let client = client();
        let key = JsPublicKey::new(KEY_2048.into()).unwrap();
        let payment = serde_json::json!({
            "orderId": ORDER, "requestId": ORDER, "amount": amount, "autoCapture": auto_capture,
            "encryptedPaymentCode": key.encrypt_payment_code(SCANNED.into()).unwrap(),
        });
        let driver = momo_pos_wasm::JsDriver::start(
            &client,
            json(&payment.to_string()),
            JsValue::from(T0),
            json(config),
        )
        .unwrap();
        let body = vector_ipn("valid_basic");
        let ipn = Closure::<dyn Fn() -> String>::new(move || body.clone());
        let options = js_sys::Object::new();
        Reflect::set(&options, &"ipn".into(), ipn.as_ref()).unwrap();
        Reflect::set(
            &options,
            &"restoreEveryStep".into(),
            &restore_every_step.into(),
        )
        .unwrap();
        let result = play(driver.into(), client.into(), json(script), options.into())
            .unwrap_or_else(|e| panic!("{e:?}"));
        let strings = |path: &str, field: Option<&str>| -> Vec<String> {
            let list: js_sys::Array = get(&result, path).unchecked_into();
            list.iter()
                .map(|item| match field {
                    Some(f) => text(&item, f),
                    None => item.as_string().unwrap(),
                })
                .collect()
        };
        let outcome = JSON::stringify(&get(&result, "outcome")).unwrap();
        (
            strings("steps", None),
            serde_json::from_str(&String::from(outcome)).unwrap(),
            get(&result, "driver"),
            strings("sends", Some("body")),
        )
    }

    #[wasm_bindgen_test]
    fn driver_scenarios_end_as_the_protocol_says() {
        let paid = serde_json::json!({"outcome": "paid", "transId": "9007199254740993"});
        // (amount, autoCapture, config, script, steps, outcome)
        type Case = (
            u64,
            bool,
            &'static str,
            &'static str,
            &'static [&'static str],
            Value,
        );
        let cases: [Case; 6] = [
            (
                50_000,
                true,
                "{}",
                r#"[{"answer":0}]"#,
                &["send pos MM1540456472575", "answer 0", "done paid"],
                paid.clone(),
            ),
            (
                50_000,
                false,
                "{}",
                r#"[{"answer":9000},{"decide":"capture"},{"answer":0}]"#,
                &[
                    "send pos MM1540456472575",
                    "answer 9000",
                    "decide capture",
                    "send confirm MM1540456472575-c",
                    "answer 0",
                    "done paid",
                ],
                paid.clone(),
            ),
            (
                50_000,
                true,
                "{}",
                r#"["timeout",{"answer":0}]"#,
                &[
                    "send pos MM1540456472575",
                    "timeout",
                    "wait 2000",
                    "send query MM1540456472575-q1",
                    "answer 0",
                    "done paid",
                ],
                paid.clone(),
            ),
            (
                50_000,
                true,
                r#"{"paymentWindowMs":60000,"pollDelaysMs":[5000]}"#,
                r#"[{"answer":1000}]"#,
                &[
                    "send pos MM1540456472575",
                    "answer 1000",
                    "wait 5000",
                    "send query MM1540456472575-q1",
                    "timeout",
                    "wait 5000",
                    "send query MM1540456472575-q2",
                    "timeout",
                    "done unknown",
                ],
                serde_json::json!({"outcome": "unknown", "reason": {"kind": "deadlinePassed"}}),
            ),
            (
                // The oracle's IPN says 50000: for this 51000 payment it is
                // the wrong amount, flagged and ignored.
                51_000,
                true,
                "{}",
                r#"[{"answer":1000},{"ipn":0},{"answer":0}]"#,
                &[
                    "send pos MM1540456472575",
                    "answer 1000",
                    "ipn 0",
                    "wait 1700",
                    "send query MM1540456472575-q1",
                    "answer 0",
                    "done paid",
                ],
                paid.clone(),
            ),
            (
                // The IPN settles while the pos is out; its answer comes
                // after that, with the pos send's id: stale.
                50_000,
                true,
                "{}",
                r#"[{"ipn":0},{"late":0}]"#,
                &[
                    "send pos MM1540456472575",
                    "ipn 0",
                    "late answer 0 to MM1540456472575",
                    "done paid",
                ],
                serde_json::json!({"outcome": "paid", "transId": "4088878653"}),
            ),
        ];
        for (amount, auto_capture, config, script, steps, outcome) in cases {
            let (got, got_outcome, driver, sends) =
                run(amount, auto_capture, config, script, false);
            assert_eq!(got, steps, "{script}");
            assert_eq!(got_outcome, outcome, "{script}");
            let (again, again_outcome, _, again_sends) =
                run(amount, auto_capture, config, script, true);
            assert_eq!(again, steps, "{script}: restored before every step");
            assert_eq!(again_outcome, outcome);
            // Each run encrypts afresh, so compare the bytes within a run.
            assert_eq!(again_sends.len(), sends.len());
            let anomalies: js_sys::Array = get(&driver, "anomalies").unchecked_into();
            let want = usize::from(amount == 51_000);
            assert_eq!(anomalies.length() as usize, want, "{script}");
            if want == 1 {
                assert_eq!(text(&anomalies.get(0), "field"), "amount");
            }
            let log: js_sys::Array = get(&driver, "log").unchecked_into();
            let stale = log.iter().filter(|e| text(e, "kind") == "stale").count();
            assert_eq!(stale, usize::from(script.contains("late")), "{script}");
        }
    }

    fn start_driver(client: &JsClient, auto_capture: bool) -> momo_pos_wasm::JsDriver {
        let key = JsPublicKey::new(KEY_2048.into()).unwrap();
        let payment = format!(
            r#"{{"orderId":"{ORDER}","requestId":"{ORDER}","amount":50000,"autoCapture":{auto_capture},"encryptedPaymentCode":"{}"}}"#,
            key.encrypt_payment_code(SCANNED.into()).unwrap()
        );
        momo_pos_wasm::JsDriver::start(
            client,
            json(&payment),
            JsValue::from(T0),
            JsValue::UNDEFINED,
        )
        .unwrap()
    }

    /// MoMo's unsigned answer to the request of a send action.
    fn answer_to(action: &JsValue, result_code: i64) -> JsValue {
        let request: Value = serde_json::from_str(&text(action, "body")).unwrap();
        let answer = serde_json::json!({
            "partnerCode": request["partnerCode"], "orderId": request["orderId"],
            "requestId": request["requestId"], "amount": 50000, "transId": 4088878653_u64,
            "resultCode": result_code, "message": "m", "responseTime": 1,
        });
        answer.to_string().into()
    }

    fn send_id(action: &JsValue) -> JsValue {
        assert_eq!(text(action, "type"), "send");
        get(action, "id")
    }

    #[wasm_bindgen_test]
    fn an_ipn_settles_and_a_bad_one_changes_nothing() {
        use momo_pos_wasm::JsDriver;
        let client = client();
        let now = JsValue::from(T0);
        let mut driver = start_driver(&client, true);
        let before = driver.snapshot().unwrap();
        let tampered = vector_ipn("mismatch_amount_tampered");
        let (code, ..) = momo_error(driver.handle_ipn(tampered.into(), now.clone()).unwrap_err());
        assert_eq!(code, "signatureMismatch");
        let (code, field, _) = momo_error(
            driver
                .handle_ipn(json(&vector_ipn("valid_basic")), now.clone())
                .unwrap_err(),
        );
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("body"))
        );
        assert_eq!(driver.snapshot().unwrap(), before);
        let (code, ..) = momo_error(driver.decide("capture".into(), now.clone()).unwrap_err());
        assert_eq!(code, "invalidState");
        let n = driver
            .handle_ipn(vector_ipn("valid_basic").into(), now.clone())
            .unwrap();
        assert_eq!(text(&n, "transId"), "4088878653");
        assert_eq!(
            text(&driver.next_action().unwrap(), "outcome.outcome"),
            "paid"
        );
        let status =
            momo_pos_wasm::describe_driver_snapshot(driver.snapshot().unwrap().into()).unwrap();
        assert_eq!(text(&driver.status().unwrap(), "stage"), "done");
        assert_eq!(text(&status, "stage"), "done");
        assert_eq!(text(&status, "transId"), "4088878653");
        let (code, ..) = momo_error(
            JsDriver::restore(&client, "garbage".into(), now)
                .err()
                .unwrap(),
        );
        assert_eq!(code, "invalidJson");
    }

    /// An answer reported with the id of a send no longer in flight is
    /// journaled as stale and changes nothing else; the send in flight
    /// still takes its own.
    #[wasm_bindgen_test]
    fn a_stale_answer_changes_nothing() {
        let client = client();
        let mut driver = start_driver(&client, true);
        let pos = driver.next_action().unwrap();
        let pos_id = send_id(&pos);
        driver
            .handle_timeout(pos_id.clone(), JsValue::from(T0 + 30_000.0))
            .unwrap();
        driver.tick(JsValue::from(T0 + 32_000.0)).unwrap();
        let query = driver.next_action().unwrap();
        assert_eq!(text(&query, "endpoint"), "query");
        assert_ne!(send_id(&query), pos_id, "every hand-out has its own id");
        let status_before = JSON::stringify(&get(&driver.status().unwrap(), "nextAction")).unwrap();
        // The pos answer, at last: its send timed out, so it is stale.
        driver
            .handle_response(
                pos_id.clone(),
                JsValue::from(200),
                answer_to(&pos, 0),
                JsValue::from(T0 + 33_000.0),
            )
            .unwrap();
        let log: js_sys::Array = driver.log().unwrap().unchecked_into();
        let last = log.get(log.length() - 1);
        assert_eq!(text(&last, "kind"), "stale");
        assert_eq!(get(&last, "id"), pos_id);
        assert!(text(&last, "text").contains("no longer in flight"));
        assert_eq!(driver.stage(), "paying");
        assert!(get(&driver.status().unwrap(), "outcome").is_null());
        assert_eq!(
            JSON::stringify(&get(&driver.status().unwrap(), "nextAction")).unwrap(),
            status_before
        );
        // An id never handed out is stale too; a bad one is refused.
        driver
            .handle_network_error(JsValue::from(999), JsValue::UNDEFINED)
            .unwrap();
        let (code, field, _) = momo_error(
            driver
                .handle_timeout(JsValue::from(-1), JsValue::UNDEFINED)
                .unwrap_err(),
        );
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("sendId"))
        );
        driver
            .handle_response(
                send_id(&query),
                JsValue::from(200),
                answer_to(&query, 0),
                JsValue::UNDEFINED,
            )
            .unwrap();
        assert_eq!(
            text(&driver.next_action().unwrap(), "outcome.outcome"),
            "paid"
        );
    }

    /// The client is bound at start and at restore; the clock defaults to
    /// Date.now(); a restore with another merchant's client is refused.
    #[wasm_bindgen_test]
    fn the_client_is_bound_and_the_clock_optional() {
        use momo_pos_wasm::JsDriver;
        let client = client();
        let key = JsPublicKey::new(KEY_2048.into()).unwrap();
        let payment = format!(
            r#"{{"orderId":"{ORDER}","requestId":"{ORDER}","amount":50000,"encryptedPaymentCode":"{}"}}"#,
            key.encrypt_payment_code(SCANNED.into()).unwrap()
        );
        let before = js_sys::Date::now();
        let driver = JsDriver::start(
            &client,
            json(&payment),
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )
        .unwrap();
        let after = js_sys::Date::now();
        let log: js_sys::Array = driver.log().unwrap().unchecked_into();
        let at = get(&log.get(0), "atMs").as_f64().unwrap();
        assert!(before.floor() <= at && at <= after, "{before} {at} {after}");
        let snapshot = driver.snapshot().unwrap();
        let first = driver.next_action().unwrap();
        let restored =
            JsDriver::restore(&client, snapshot.clone().into(), JsValue::UNDEFINED).unwrap();
        let again = restored.next_action().unwrap();
        assert_eq!(text(&again, "body"), text(&first, "body"));
        assert_ne!(send_id(&again), send_id(&first), "a restore renews the id");
        let other = JsClient::new(json(
            r#"{"partnerCode":"OTHER","accessKey":"A","secretKey":"S"}"#,
        ))
        .unwrap();
        let (code, field, message) = momo_error(
            JsDriver::restore(&other, snapshot.into(), JsValue::UNDEFINED)
                .err()
                .unwrap(),
        );
        assert_eq!((code.as_str(), field), ("invalidState", None));
        assert!(message.contains("MOMO"), "{message}");
    }

    // ---- Refunds: the refund request and RefundDriver ----

    #[wasm_bindgen_test]
    fn refund_requests_match_the_oracle() {
        let client = client();
        let v = vectors(SIGNATURES);
        let cases = v["refund"].as_array().unwrap();
        assert!(cases.len() >= 4);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let f = &case["fields"];
            // serde_json keeps the oracle's digits exactly, beyond 2^53 too.
            let digits = f["transId"].to_string();
            let input = serde_json::json!({
                "orderId": f["orderId"], "requestId": f["requestId"], "amount": f["amount"],
                "description": f["description"],
            });
            let as_text = json(&input.to_string());
            Reflect::set(&as_text, &"transId".into(), &digits.as_str().into()).unwrap();
            let as_bigint = json(&input.to_string());
            let big = js_sys::BigInt::new(&JsValue::from_str(&digits)).unwrap();
            Reflect::set(&as_bigint, &"transId".into(), &big).unwrap();
            for input in [as_text, as_bigint] {
                let request = client.refund_request(input).unwrap();
                assert_eq!(text(&request, "signature"), case["signature"], "{name}");
                assert_eq!(
                    text(&request, "rawSignature"),
                    case["rawSignature"],
                    "{name}"
                );
                let body = text(&request, "body");
                assert!(body.contains(&format!(r#""transId":{digits},"#)), "{body}");
                assert_eq!(
                    text(&request, "url"),
                    "https://test-payment.momo.vn/v2/gateway/api/refund"
                );
            }
        }
        // A JS number past 2^53 - 1 may have lost digits already: refused.
        let (code, field, _) = momo_error(
            client
                .refund_request(json(
                    r#"{"orderId":"O-R1","requestId":"O-R1","amount":1000,"transId":9007199254740993}"#,
                ))
                .unwrap_err(),
        );
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("transId"))
        );
    }

    #[wasm_bindgen_test]
    fn query_answers_carry_their_refunds_typed() {
        let client = client();
        let v = vectors(RESPONSES);
        let case = v["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "query_signed_with_lists")
            .unwrap();
        let r = client
            .parse_query_response(case["body"].as_str().unwrap().into())
            .unwrap();
        assert_eq!(text(&r, "authenticity"), "verified");
        let refunds: js_sys::Array = get(&r, "body.refunds").unchecked_into();
        assert_eq!(refunds.length(), 2);
        assert_eq!(text(&refunds.get(0), "transId"), "9007199254740993");
        assert_eq!(text(&refunds.get(1), "orderId"), "MM1540456472575-r2");
        assert!(text(&r, "body.refundTrans").starts_with("[{"));
    }

    /// The refund of the oracle's payment (MM1540456472575, transId 4088878653).
    fn start_refund(
        client: &JsClient,
        amount: u64,
    ) -> Result<momo_pos_wasm::JsRefundDriver, JsValue> {
        let refund = format!(
            r#"{{"orderId":"{ORDER}-R1","requestId":"{ORDER}-R1","amount":{amount},"transId":"4088878653","description":"Hoàn tiền"}}"#
        );
        let paid = format!(r#"{{"orderId":"{ORDER}","transId":4088878653,"amount":50000}}"#);
        momo_pos_wasm::JsRefundDriver::start(
            client,
            json(&refund),
            json(&paid),
            JsValue::from(T0),
            JsValue::UNDEFINED,
        )
    }

    /// MoMo's answer to a refund, or to the payment's status query listing
    /// `listed` (the refund's code) in refundTrans.
    fn refund_answer(action: &JsValue, result_code: i64, listed: Option<i64>) -> JsValue {
        let request: Value = serde_json::from_str(&text(action, "body")).unwrap();
        let mut answer = serde_json::json!({
            "partnerCode": request["partnerCode"], "orderId": request["orderId"],
            "requestId": request["requestId"], "amount": 20000, "transId": 9_007_199_254_740_995_u64,
            "resultCode": result_code, "message": "m", "responseTime": 1,
        });
        if let Some(code) = listed {
            answer["refundTrans"] = serde_json::json!([{
                "orderId": format!("{ORDER}-R1"), "amount": 20000, "resultCode": code,
                "transId": 9_007_199_254_740_995_u64,
            }]);
        }
        answer.to_string().into()
    }

    #[wasm_bindgen_test]
    fn refund_driver_settles_by_answer_or_by_refund_trans() {
        use momo_pos_wasm::JsRefundDriver;
        let client = client();
        let refunded = r#"{"outcome":"refunded","transId":"9007199254740995"}"#;
        let outcome =
            |d: &JsRefundDriver| String::from(JSON::stringify(&d.outcome().unwrap()).unwrap());

        // Answered 0: refunded. Answered 1081: refused.
        for (code, want) in [
            (0, refunded),
            (1081, r#"{"outcome":"refused","resultCode":1081}"#),
        ] {
            let mut d = start_refund(&client, 20_000).unwrap();
            let send = d.next_action().unwrap();
            assert_eq!(text(&send, "endpoint"), "refund");
            d.handle_response(
                send_id(&send),
                JsValue::from(200),
                refund_answer(&send, code, None),
                JsValue::from(T0 + 300.0),
            )
            .unwrap();
            assert_eq!(outcome(&d), want);
            assert_eq!(text(&d.next_action().unwrap(), "type"), "done");
        }

        // The answer is lost: the payment's status query lists the refund.
        // Restored while the query is out: the same bytes under a new id.
        let mut d = start_refund(&client, 20_000).unwrap();
        let send = d.next_action().unwrap();
        d.handle_timeout(send_id(&send), JsValue::from(T0 + 30_000.0))
            .unwrap();
        let wait = d.next_action().unwrap();
        assert_eq!(text(&wait, "type"), "wait");
        assert_eq!(get(&wait, "untilMs").as_f64(), Some(T0 + 32_000.0));
        d.tick(JsValue::from(T0 + 32_000.0)).unwrap();
        let query = d.next_action().unwrap();
        assert_eq!(text(&query, "endpoint"), "query");
        assert_eq!(text(&query, "requestId"), format!("{ORDER}-R1-q1"));
        let mut d = JsRefundDriver::restore(
            &client,
            d.snapshot().unwrap().into(),
            JsValue::from(T0 + 32_100.0),
        )
        .unwrap();
        let again = d.next_action().unwrap();
        assert_eq!(text(&again, "body"), text(&query, "body"));
        assert_ne!(send_id(&again), send_id(&query));
        d.handle_response(
            send_id(&again),
            JsValue::from(200),
            refund_answer(&again, 0, Some(0)),
            JsValue::from(T0 + 32_400.0),
        )
        .unwrap();
        assert_eq!(outcome(&d), refunded);
        let log: js_sys::Array = d.log().unwrap().unchecked_into();
        let kinds: Vec<String> = log.iter().map(|e| text(&e, "kind")).collect();
        assert_eq!(kinds.first().map(String::as_str), Some("refundStarted"));
        assert!(kinds.iter().any(|k| k == "evidence"), "{kinds:?}");
        assert_eq!(kinds.last().map(String::as_str), Some("refundSettled"));

        // The guard, before anything is signed; another merchant's client.
        let (code, field, _) = momo_error(start_refund(&client, 50_001).err().unwrap());
        assert_eq!(
            (code.as_str(), field.as_deref()),
            ("invalidField", Some("amount"))
        );
        let other = JsClient::new(json(
            r#"{"partnerCode":"OTHER","accessKey":"A","secretKey":"S"}"#,
        ))
        .unwrap();
        let (code, ..) = momo_error(
            JsRefundDriver::restore(&other, d.snapshot().unwrap().into(), JsValue::UNDEFINED)
                .err()
                .unwrap(),
        );
        assert_eq!(code, "invalidState");
    }
}
