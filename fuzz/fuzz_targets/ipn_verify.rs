//! IPN verification from raw bytes.
//!
//! Invariants:
//! - `verify_ipn` never panics, whatever the bytes.
//! - A body that verifies verifies again after a byte-identical round trip
//!   (copied through a `String`, as a web framework hands it over), with the
//!   same notification.
//! - A body that verifies, with any single byte changed, either fails or
//!   carries exactly the same signed values (the byte was outside them, or
//!   it re-spelt an escape such as `\u00e9` as `\u00E9`): no forged value
//!   passes.
//! - The JSON reader's work on the bytes is within its linear bound
//!   (counted, in `cfg(fuzzing)` builds, by `momo_pos::fuzz_work`).
//! - Structured mode (first byte 0x01): a body built from fuzz-chosen field
//!   values and signed with the sandbox secret reaches the verifying path
//!   and verifies (unless its orderId breaks MoMo's pattern, checked after
//!   the signature); any change to one byte of a signed integer's digits
//!   stops it verifying. Values past the reader's caps (MAX_STRING_BYTES,
//!   MAX_ESCAPES) are refused with json_limit instead.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use momo_pos::{Client, ErrorKind, Notification};

/// Values of the twelve signed fields (orderType and partnerCode fixed
/// would hide nothing: they are fuzzed too, partnerCode only in case).
#[derive(Arbitrary, Debug)]
struct Ipn {
    order_id: String,
    request_id: String,
    amount: u64,
    order_info: String,
    order_type: String,
    trans_id: u64,
    result_code: i64,
    message: String,
    pay_type: String,
    response_time: u64,
    extra_data: String,
    partner_user_id: Option<String>,
    /// Which signed value to damage, where in it, and with what.
    mutate_field: u8,
    mutate_at: u16,
    mutate_to: u8,
}

/// The fields that the signature covers, compared one by one
/// (partnerUserId is not signed).
fn signed_values(n: &Notification) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        (&n.partner_code, &n.order_id, &n.request_id, n.amount),
        (&n.order_info, &n.order_type, &n.trans_id, n.result_code),
        (&n.message, &n.pay_type, n.response_time, &n.extra_data),
    )
}

/// Checks the round-trip and single-byte invariants on a verified body.
fn check_verified(client: &Client, body: &[u8], notification: &Notification) {
    let copy = String::from_utf8(body.to_vec()).map(String::into_bytes);
    let copy = copy.unwrap_or_else(|_| panic!("verified body is not UTF-8"));
    assert_eq!(
        client.verify_ipn(&copy).as_ref(),
        Ok(notification),
        "a verified body failed after a byte-identical copy"
    );
    // Up to 64 positions spread over the body, each flipped in its low bit
    // (keeps digits digits and letters letters, so the JSON mostly stays
    // valid and the signature check is reached).
    let step = (body.len() / 64).max(1);
    let mut damaged = body.to_vec();
    for at in (0..body.len()).step_by(step) {
        let original = damaged[at];
        damaged[at] ^= 0x01;
        if let Ok(other) = client.verify_ipn(&damaged) {
            assert_eq!(
                signed_values(&other),
                signed_values(notification),
                "byte {at} changed a signed value and still verified"
            );
        }
        damaged[at] = original;
    }
}

fn structured(client: &Client, ipn: &Ipn) {
    let amount = ipn.amount.to_string();
    let trans_id = ipn.trans_id.to_string();
    let result_code = ipn.result_code.to_string();
    let response_time = ipn.response_time.to_string();
    // (key, decoded value, JSON text of the value), a–z after accessKey.
    let signed: [(&str, String, String); 12] = [
        ("amount", amount.clone(), amount),
        ("extraData", ipn.extra_data.clone(), json(&ipn.extra_data)),
        ("message", ipn.message.clone(), json(&ipn.message)),
        ("orderId", ipn.order_id.clone(), json(&ipn.order_id)),
        ("orderInfo", ipn.order_info.clone(), json(&ipn.order_info)),
        ("orderType", ipn.order_type.clone(), json(&ipn.order_type)),
        (
            "partnerCode",
            common::PARTNER_CODE.into(),
            json(common::PARTNER_CODE),
        ),
        ("payType", ipn.pay_type.clone(), json(&ipn.pay_type)),
        ("requestId", ipn.request_id.clone(), json(&ipn.request_id)),
        ("responseTime", response_time.clone(), response_time),
        ("resultCode", result_code.clone(), result_code),
        ("transId", trans_id.clone(), trans_id),
    ];
    let pairs: Vec<(&str, String)> = signed.iter().map(|(k, v, _)| (*k, v.clone())).collect();
    let signature = common::sign(&pairs);

    // Build the body by hand so every value's byte span is known.
    let mut body = String::from("{");
    let mut spans = Vec::new();
    for (key, _, text) in &signed {
        body.push_str(&json(key));
        body.push(':');
        spans.push((*key, body.len(), body.len() + text.len()));
        body.push_str(text);
        body.push(',');
    }
    if let Some(user) = &ipn.partner_user_id {
        body.push_str(&format!("\"partnerUserId\":{},", json(user)));
    }
    body.push_str(&format!("\"signature\":\"{signature}\"}}"));
    if body.len() > momo_pos::MAX_BODY_BYTES {
        return;
    }

    let notification = match client.verify_ipn(body.as_bytes()) {
        Ok(n) => n,
        // The orderId pattern is checked after the signature: the body was
        // authentic, only its orderId is one MoMo would never send.
        Err(e) if e.kind() == ErrorKind::InvalidField => {
            assert!(format!("{e}").contains("orderId"), "{e} for {body:.400}");
            return;
        }
        // Fuzz-chosen values may be longer or hold more escapes than the
        // reader's caps allow, which MoMo's never do.
        Err(e) if e.kind() == ErrorKind::JsonLimit => return,
        Err(e) => panic!("an honestly signed body failed: {e}\n{body:.400}"),
    };
    assert_eq!(notification.order_id, ipn.order_id);
    assert_eq!(notification.amount, ipn.amount);
    assert_eq!(notification.trans_id.as_str(), ipn.trans_id.to_string());
    assert_eq!(notification.result_code, ipn.result_code);
    assert_eq!(notification.order_info, ipn.order_info);
    assert_eq!(notification.extra_data, ipn.extra_data);
    assert_eq!(notification.partner_user_id, ipn.partner_user_id);
    check_verified(client, body.as_bytes(), &notification);

    // One byte of one signed value, changed to another byte.
    let (key, start, end) = spans[usize::from(ipn.mutate_field) % spans.len()];
    let at = start + usize::from(ipn.mutate_at) % (end - start);
    let mut damaged = body.into_bytes();
    if damaged[at] == ipn.mutate_to {
        return;
    }
    damaged[at] = ipn.mutate_to;
    let integer = matches!(key, "amount" | "responseTime" | "resultCode" | "transId");
    match client.verify_ipn(&damaged) {
        Ok(other) => {
            assert!(!integer, "{key}: a changed digit still verified");
            assert_eq!(signed_values(&other), signed_values(&notification), "{key}");
        }
        Err(_) => {}
    }
}

fn json(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|e| panic!("{e}"))
}

fuzz_target!(|data: &[u8]| {
    common::check_work(data);
    let client = common::client();
    match data.split_first() {
        // A leading 0x01 selects structured mode (JSON never starts so).
        Some((1, rest)) => {
            if let Ok(ipn) = Ipn::arbitrary(&mut Unstructured::new(rest)) {
                structured(&client, &ipn);
            }
        }
        _ => {
            if let Ok(notification) = client.verify_ipn(data) {
                check_verified(&client, data, &notification);
            }
        }
    }
});
