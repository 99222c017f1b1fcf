#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Property tests: round trips and tamper detection over random inputs.
//!
//! The signatures here are recomputed by the test's own raw-signature
//! builder (written from PROTOCOL.md's key order, not from the crate's
//! builders); the fixed vectors in `vectors.rs` tie the HMAC to Python.

use momo_pos::{
    hmac_sha256_hex, Client, CredentialFields, Credentials, EncryptedPaymentCode, Environment,
    ErrorKind, PaymentCode, PosPayment,
};
use proptest::prelude::*;
use serde_json::{json, Value};

const ACCESS: &str = "F8BBA842ECF85";
const SECRET: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";

const IPN_KEYS: [&str; 12] = [
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
];

fn client() -> Client {
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: "MOMO",
            access_key: ACCESS,
            secret_key: SECRET,
        })
        .unwrap(),
        Environment::Test,
    )
}

/// `accessKey=…&k=v…` from a JSON object, numbers by their JSON text.
fn raw_signature(object: &Value, keys: &[&str]) -> String {
    let mut raw = format!("accessKey={ACCESS}");
    for key in keys {
        let value = match &object[*key] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        raw.push_str(&format!("&{key}={value}"));
    }
    raw
}

fn order_id() -> impl Strategy<Value = String> {
    "[0-9a-zA-Z]([-_.]{0,2}[0-9a-zA-Z]{1,4}){0,6}"
}

/// Text without control characters and without `&`, so no `&key=` forms.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}&]{0,40}"
}

fn ipn(
    order_id: String,
    order_info: String,
    amount: u64,
    trans_id: u64,
    result_code: i64,
) -> Value {
    let mut body = json!({
        "partnerCode": "MOMO",
        "orderId": order_id,
        "requestId": format!("{order_id}-r"),
        "amount": amount,
        "orderInfo": order_info,
        "orderType": "momo_wallet",
        "transId": trans_id,
        "resultCode": result_code,
        "message": "Thành công.",
        "payType": "pos",
        "responseTime": 1_763_886_412_345u64,
        "extraData": "",
    });
    let raw = raw_signature(&body, &IPN_KEYS);
    body["signature"] = Value::from(hmac_sha256_hex(SECRET.as_bytes(), raw.as_bytes()));
    body
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn normalization_is_idempotent(input in "\\PC{0,40}") {
        if let Ok(code) = PaymentCode::parse(&input) {
            prop_assert_eq!(PaymentCode::parse(code.as_str()), Ok(code));
        }
    }

    #[test]
    fn scanner_noise_never_changes_the_code(
        digits in "[0-9]{18}",
        prefix in prop::sample::select(vec!["", "MM", "mm"]),
        aim in prop::sample::select(vec!["", "]C0", "]Q1", "]E0", "]d2"]),
        lead in "[ \t\r\n]{0,3}",
        tail in "[ \t\r\n]{0,3}",
    ) {
        let code = format!("{prefix}{digits}");
        let scanned = format!("{lead}{aim}{code}{tail}");
        prop_assert_eq!(PaymentCode::parse(&scanned).map(|c| c.as_str().to_owned()), Ok(code));
    }

    #[test]
    fn pos_body_carries_its_own_signature(
        order_id in order_id(),
        request_id in "[0-9a-zA-Z-]{1,50}",
        amount in 1_000u64..=5_000_000,
        order_info in text(),
        ciphertext in prop::collection::vec(any::<u8>(), 256),
    ) {
        use base64::Engine as _;
        let code = EncryptedPaymentCode::from_base64(
            &base64::engine::general_purpose::STANDARD.encode(&ciphertext),
        ).unwrap();
        let payment = PosPayment::new(order_id, request_id, amount, code).with_order_info(order_info);
        let request = client().pos_request(&payment).unwrap();
        let body: Value = serde_json::from_slice(request.body()).unwrap();
        let raw = raw_signature(&body, &[
            "amount", "extraData", "orderId", "orderInfo", "partnerCode", "paymentCode", "requestId",
        ]);
        prop_assert_eq!(request.raw_signature(), raw.as_str());
        prop_assert_eq!(
            body["signature"].as_str().unwrap(),
            hmac_sha256_hex(SECRET.as_bytes(), raw.as_bytes())
        );
    }

    #[test]
    fn ipn_round_trip_keeps_exact_values(
        order_id in order_id(),
        order_info in text(),
        amount in 1_000u64..=5_000_000,
        trans_id in any::<u64>(),
        result_code in prop::sample::select(vec![0i64, 9000, 1006, 4005, 99]),
    ) {
        let body = ipn(order_id.clone(), order_info.clone(), amount, trans_id, result_code);
        let n = client().verify_ipn(body.to_string().as_bytes()).unwrap();
        prop_assert_eq!(&n.order_id, &order_id);
        prop_assert_eq!(&n.order_info, &order_info);
        prop_assert_eq!(n.amount, amount);
        prop_assert_eq!(n.trans_id.as_str(), trans_id.to_string());
        prop_assert_eq!(n.result_code, result_code);
    }

    #[test]
    fn any_change_to_a_signed_field_fails(
        order_id in order_id(),
        order_info in text(),
        amount in 1_000u64..=4_000_000,
        trans_id in any::<u32>(),
        field in prop::sample::select(IPN_KEYS.to_vec()),
        suffix in "[a-z0-9]{1,3}",
    ) {
        let mut body = ipn(order_id, order_info, amount, u64::from(trans_id), 0);
        body[field] = match &body[field] {
            Value::String(s) => Value::from(format!("{s}{suffix}")),
            Value::Number(n) => Value::from(n.as_i64().unwrap() + 1),
            other => panic!("unexpected {other}"),
        };
        let err = client().verify_ipn(body.to_string().as_bytes()).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::SignatureMismatch, "{}", err);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let client = client();
        let _ = client.verify_ipn(&bytes);
        let _ = client.parse_pos_response(&bytes);
        let _ = client.parse_query_response(&bytes);
        let _ = client.parse_confirm_response(&bytes);
        let _ = momo_pos::MomoPublicKey::from_der(&bytes);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = PaymentCode::parse(text);
            let _ = momo_pos::MomoPublicKey::parse(text);
            let _ = momo_pos::extra_data::decode(text);
        }
    }
}

#[test]
fn an_authentic_notification_with_an_impossible_order_id_is_refused() {
    // MoMo accepts only pattern-matching orderIds; `|` would also make the
    // text form of DedupeKey ambiguous.
    let body = ipn("a|b".into(), String::new(), 50_000, 1, 0);
    let err = client()
        .verify_ipn(body.to_string().as_bytes())
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.field()),
        (ErrorKind::InvalidField, Some("orderId"))
    );
}
