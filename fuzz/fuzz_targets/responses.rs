//! The pos, query, confirm and refund answer parsers, from raw bytes.
//!
//! Invariants:
//! - No parser panics, whatever the bytes (first byte picks the parser).
//! - A parsed answer's fields come from the body: each one equals the
//!   value an independent JSON reader (serde_json) finds under its key,
//!   and `resultCode` is present.
//! - A body with a signature is either refused or `Verified`; `Unsigned`
//!   only when the body has no signature (absent or null).
//! - Parsing the same bytes twice gives the same answer.
//! - A refund answer reads exactly as a pos answer does (the same fields,
//!   the same signed set), so the two parsers share the first byte's slot.
//! - The JSON reader's work on the body is within its linear bound.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use momo_pos::{Answer, Authenticity};
use std::collections::BTreeMap;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

fn check_answer(answer: &Answer, authenticity: Authenticity, body: &[u8]) -> Map<String, Value> {
    // Values are read one by one: an ignored field may hold a number
    // serde_json cannot represent (`1e999`), which momo-pos rightly skips.
    let raw: BTreeMap<String, Box<RawValue>> = match serde_json::from_slice(body) {
        Ok(object) => object,
        Err(e) => panic!("parsed, yet serde_json refuses the body: {e}"),
    };
    let object: Map<String, Value> = raw
        .into_iter()
        .filter_map(|(key, value)| Some((key, serde_json::from_str(value.get()).ok()?)))
        .collect();
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    // serde_json's u64/i64 readers agree with momo-pos's exact digits for
    // the values that fit; larger ones must have been refused.
    let int = |key: &str| object.get(key).and_then(Value::as_u64);
    assert_eq!(answer.partner_code, text("partnerCode"));
    assert_eq!(answer.order_id, text("orderId"));
    assert_eq!(answer.request_id, text("requestId"));
    assert_eq!(answer.amount, int("amount"));
    assert_eq!(answer.response_time, int("responseTime"));
    // `-0` is a JSON integer (momo-pos reads 0); serde_json makes it a float.
    let negative_zero = |v: &Value| v.as_f64().filter(|f| *f == 0.0).map(|_| 0);
    assert_eq!(
        Some(answer.result_code),
        object
            .get("resultCode")
            .and_then(|v| v.as_i64().or_else(|| negative_zero(v)))
    );
    assert_eq!(answer.message, text("message").unwrap_or_default());
    match (&answer.trans_id, object.get("transId")) {
        (None, None) => {}
        // Digits beyond u64 are kept exactly by momo-pos; serde_json
        // (without arbitrary_precision) reads them as a float.
        (Some(id), Some(Value::Number(n))) => match n.as_u64() {
            Some(n) => assert_eq!(id.as_str(), n.to_string()),
            None => {
                assert!(id.as_u64().is_none() && id.as_str().bytes().all(|b| b.is_ascii_digit()))
            }
        },
        (id, raw) => panic!("transId {id:?} from {raw:?}"),
    }
    let signed = !matches!(object.get("signature"), None | Some(Value::Null));
    assert_eq!(authenticity == Authenticity::Verified, signed);
    object
}

fuzz_target!(|data: &[u8]| {
    let client = common::client();
    let Some((which, body)) = data.split_first() else {
        return;
    };
    common::check_work(body);
    match which % 3 {
        0 => {
            let parsed = client.parse_pos_response(body);
            assert_eq!(parsed, client.parse_pos_response(body));
            let refund = client.parse_refund_response(body);
            match (&parsed, &refund) {
                (Ok(pos), Ok(refund)) => {
                    assert_eq!(pos.body.answer, refund.body.answer);
                    assert_eq!(pos.authenticity, refund.authenticity);
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                _ => panic!("pos {parsed:?} but refund {refund:?}"),
            }
            if let Ok(r) = parsed {
                check_answer(&r.body.answer, r.authenticity, body);
            }
        }
        1 => {
            let parsed = client.parse_query_response(body);
            assert_eq!(parsed, client.parse_query_response(body));
            if let Ok(r) = parsed {
                let object = check_answer(&r.body.answer, r.authenticity, body);
                let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
                assert_eq!(r.body.extra_data, text("extraData"));
                assert_eq!(r.body.pay_type, text("payType"));
            }
        }
        _ => {
            let parsed = client.parse_confirm_response(body);
            assert_eq!(parsed, client.parse_confirm_response(body));
            if let Ok(r) = parsed {
                let object = check_answer(&r.body.answer, r.authenticity, body);
                let request_type = object.get("requestType").and_then(Value::as_str);
                assert_eq!(r.body.request_type.as_deref(), request_type);
            }
        }
    }
});
