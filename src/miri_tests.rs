//! The C ABI driven through its raw pointers, as a C program would: handle
//! lifetimes, out-pointers, borrowed `momo_str` views, buffers, NULL and
//! over-long inputs. Plain unit tests, written to run under Miri
//! (`cargo +nightly miri test -p momo-pos-ffi --lib`), which checks every pointer
//! use for undefined behaviour. No RSA here: a key operation takes minutes
//! under Miri, and the key functions' pointer handling is the same
//! `input`/`Out` code exercised below.

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut, NonNull};

use super::buffer::{momo_buffer, momo_buffer_data, momo_buffer_free, momo_buffer_len, momo_str};
use super::client::{momo_client, momo_client_free, momo_client_new};
use super::code::momo_payment_code_normalize;
use super::driver::action::{
    momo_driver_next_action, momo_driver_send, momo_send, MOMO_ACTION_DONE, MOMO_ACTION_SEND,
    MOMO_ACTION_WAIT, MOMO_ENDPOINT_POS, MOMO_ENDPOINT_QUERY, MOMO_ENDPOINT_REFUND,
};
use super::driver::event::momo_driver_on_response;
use super::driver::refund::{
    momo_refund_driver, momo_refund_driver_free, momo_refund_driver_next_action,
    momo_refund_driver_on_network_error, momo_refund_driver_on_response,
    momo_refund_driver_outcome, momo_refund_driver_restore, momo_refund_driver_send,
    momo_refund_driver_snapshot, momo_refund_driver_start, momo_refund_driver_tick,
    momo_refund_driver_wait_until_ms, momo_refund_outcome, MOMO_REFUND_OUTCOME_REFUNDED,
};
use super::driver::{
    momo_driver, momo_driver_free, momo_driver_restore, momo_driver_snapshot, momo_driver_start,
};
use super::extra_data::{momo_extra_data_decode, momo_extra_data_encode};
use super::guard::{momo_last_error_code, momo_last_error_message};
use super::input::MOMO_MAX_INPUT_LEN;
use super::ipn::{
    momo_client_verify_ipn, momo_notification, momo_notification_amount,
    momo_notification_dedupe_key, momo_notification_free, momo_notification_order_id,
};
use super::pos::{momo_pos_payment, momo_pos_payment_free, momo_pos_payment_new};
use super::refund::{momo_refund, momo_refund_free, momo_refund_new, momo_refund_set_description};
use super::response::{
    momo_client_parse_pos_response, momo_client_parse_query_response, momo_refund_trans,
    momo_response, momo_response_free, momo_response_message, momo_response_refund_count,
    momo_response_refund_find, momo_response_refund_get, momo_response_trans_id,
};
use super::result::momo_result::*;
use momo_pos_testkit::{self as simulation, AMOUNT, ORDER_ID, REQUEST_ID, T0_MS};

fn s(text: &str) -> (*const c_char, usize) {
    (text.as_ptr().cast(), text.len())
}

/// The text of a view, checking the NUL the header promises at `len`.
fn view_text(view: momo_str) -> String {
    assert!(!view.data.is_null());
    // SAFETY: the library promises `len` bytes and a NUL after them, alive
    // as long as the handle the view came from.
    let bytes = unsafe { std::slice::from_raw_parts(view.data.cast::<u8>(), view.len + 1) };
    assert_eq!(bytes.last(), Some(&0));
    String::from_utf8(bytes[..view.len].to_vec()).unwrap()
}

fn buffer_text(buffer: *const momo_buffer) -> String {
    // SAFETY: a live buffer from this library.
    view_text(unsafe {
        momo_str {
            data: momo_buffer_data(buffer),
            len: momo_buffer_len(buffer),
        }
    })
}

fn last_message() -> String {
    // SAFETY: never NULL; valid until the next failing call on this thread.
    unsafe { CStr::from_ptr(momo_last_error_message()) }
        .to_str()
        .unwrap()
        .to_owned()
}

/// The sandbox client of the simulation, made through the C ABI.
fn client() -> *mut momo_client {
    let (p, pl) = s("MOMO");
    let (a, al) = s("F8BBA842ECF85");
    let (k, kl) = s("K951B6PE1waDMi640xX08PD3vg6EkVlz");
    let (e, el) = s("test");
    let mut client = null_mut();
    // SAFETY: valid pointer + length pairs and out-pointer.
    let code = unsafe { momo_client_new(p, pl, a, al, k, kl, e, el, &mut client) };
    assert_eq!(code, MOMO_RESULT_OK);
    assert!(!client.is_null());
    client
}

#[test]
fn a_notification_outlives_nothing_it_borrows() {
    let client = client();
    let body = simulation::ipn_body(0, AMOUNT, T0_MS);
    let mut notification: *mut momo_notification = null_mut();
    // SAFETY: live client, body buffer of body.len() bytes, out-pointer.
    let code =
        unsafe { momo_client_verify_ipn(client, body.as_ptr(), body.len(), &mut notification) };
    assert_eq!(code, MOMO_RESULT_OK);
    drop(body); // the notification owns its values
                // SAFETY: client no longer needed by the notification.
    unsafe { momo_client_free(client) };

    let mut order_id = momo_str {
        data: null(),
        len: 0,
    };
    let mut again = order_id;
    let mut key = order_id;
    let mut amount = 0u64;
    // SAFETY: live notification; out-pointers to locals.
    unsafe {
        assert_eq!(
            momo_notification_order_id(notification, &mut order_id),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_notification_dedupe_key(notification, &mut key),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_notification_order_id(notification, &mut again),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_notification_amount(notification, &mut amount),
            MOMO_RESULT_OK
        );
    }
    // The first view stays valid after later reads (made once, kept).
    assert_eq!(order_id.data, again.data);
    assert_eq!(view_text(order_id), ORDER_ID);
    assert!(view_text(key).starts_with("MOMO|ORDER-1001|"));
    assert_eq!(amount, AMOUNT);
    // SAFETY: freed once; NULL is a no-op.
    unsafe {
        momo_notification_free(notification);
        momo_notification_free(null_mut());
    }
}

#[test]
fn bad_pointers_and_lengths_are_refused_before_use() {
    let client = client();
    // A pointer to nothing: only the length check stands between it and a read.
    let dangling = NonNull::<u8>::dangling().as_ptr();
    let mut out: *mut momo_notification = null_mut();
    // SAFETY: every call below is refused before reading `dangling` or
    // dereferencing a NULL; out-pointers are locals or NULL.
    unsafe {
        let too_long = momo_client_verify_ipn(client, dangling, MOMO_MAX_INPUT_LEN + 1, &mut out);
        assert_eq!(too_long, MOMO_RESULT_INPUT_TOO_LONG);
        let size_max = momo_client_verify_ipn(client, dangling, usize::MAX, &mut out);
        assert_eq!(size_max, MOMO_RESULT_INPUT_TOO_LONG);
        assert!(out.is_null(), "no output on failure");
        assert_eq!(
            momo_client_verify_ipn(client, null(), 10, &mut out),
            MOMO_RESULT_NULL_POINTER
        );
        assert_eq!(momo_last_error_code(), MOMO_RESULT_NULL_POINTER);
        assert!(last_message().contains("body"));
        let body = b"{}";
        assert_eq!(
            momo_client_verify_ipn(null(), body.as_ptr(), 2, &mut out),
            MOMO_RESULT_NULL_POINTER
        );
        assert_eq!(
            momo_client_verify_ipn(client, body.as_ptr(), 2, null_mut()),
            MOMO_RESULT_NULL_POINTER
        );
        // Invalid text never reaches the core.
        let (p, pl) = s("MOMO");
        let bad = [0xffu8, 0x00];
        let mut other = null_mut();
        let code = momo_client_new(bad.as_ptr().cast(), 1, p, pl, p, pl, p, pl, &mut other);
        assert_eq!(code, MOMO_RESULT_INVALID_UTF8);
        let nul = b"MO\0MO";
        let code = momo_client_new(nul.as_ptr().cast(), 5, p, pl, p, pl, p, pl, &mut other);
        assert_eq!(code, MOMO_RESULT_EMBEDDED_NUL);
        assert!(other.is_null());
        momo_client_free(client);
    }
}

#[test]
fn normalize_writes_only_within_the_stated_capacity() {
    let (scanned, len) = s("]Q1MM561918531775222861\r\n");
    // Capacity 21 is exactly enough (20 characters and the NUL); 20 is not.
    let mut buffer = [0x55 as c_char; 24];
    let mut out_len = 0usize;
    // SAFETY: `buffer` has 24 bytes; the stated capacities never exceed it.
    unsafe {
        let code = momo_payment_code_normalize(scanned, len, buffer.as_mut_ptr(), 20, &mut out_len);
        assert_eq!(code, MOMO_RESULT_BUFFER_TOO_SMALL);
        assert_eq!(out_len, 20);
        assert!(buffer.iter().all(|b| *b == 0x55), "written on failure");
        let code = momo_payment_code_normalize(scanned, len, buffer.as_mut_ptr(), 21, &mut out_len);
        assert_eq!(code, MOMO_RESULT_OK);
        assert_eq!(
            CStr::from_ptr(buffer.as_ptr()).to_str().unwrap(),
            "MM561918531775222861"
        );
        assert_eq!(buffer[21], 0x55, "byte past the capacity touched");
        let code = momo_payment_code_normalize(scanned, len, null_mut(), 21, &mut out_len);
        assert_eq!(code, MOMO_RESULT_NULL_POINTER);
    }
}

#[test]
fn buffers_and_answers_are_released_once() {
    let json = r#"{"till":3}"#;
    let mut encoded: *mut momo_buffer = null_mut();
    let mut decoded: *mut momo_buffer = null_mut();
    // SAFETY: valid inputs and out-pointers; each buffer freed once.
    unsafe {
        assert_eq!(
            momo_extra_data_encode(json.as_ptr().cast(), json.len(), &mut encoded),
            MOMO_RESULT_OK
        );
        let text = buffer_text(encoded);
        assert_eq!(text, "eyJ0aWxsIjozfQ==");
        assert_eq!(
            momo_extra_data_decode(
                momo_buffer_data(encoded),
                momo_buffer_len(encoded),
                &mut decoded
            ),
            MOMO_RESULT_OK
        );
        momo_buffer_free(encoded);
        assert_eq!(buffer_text(decoded), json);
        momo_buffer_free(decoded);
        momo_buffer_free(null_mut());
        assert!(momo_buffer_data(null()).is_null());
        assert_eq!(momo_buffer_len(null()), 0);
    }

    let client = client();
    let body = format!(
        r#"{{"partnerCode":"MOMO","orderId":"{ORDER_ID}","requestId":"{REQUEST_ID}","amount":{AMOUNT},"transId":4088878653,"resultCode":0,"message":"Thành công","responseTime":1}}"#
    );
    let mut response: *mut momo_response = null_mut();
    let mut message = momo_str {
        data: null(),
        len: 0,
    };
    let mut trans_id = message;
    // SAFETY: live client and body; views read before the free.
    unsafe {
        let code = momo_client_parse_pos_response(client, body.as_ptr(), body.len(), &mut response);
        assert_eq!(code, MOMO_RESULT_OK);
        assert_eq!(
            momo_response_message(response, &mut message),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_response_trans_id(response, &mut trans_id),
            MOMO_RESULT_OK
        );
        assert_eq!(view_text(message), "Thành công");
        assert_eq!(view_text(trans_id), "4088878653");
        momo_response_free(response);
        momo_client_free(client);
    }
}

/// An empty momo_send, to be filled by momo_driver_send().
fn no_send() -> momo_send {
    let empty = momo_str {
        data: null(),
        len: 0,
    };
    momo_send {
        id: 0,
        endpoint: 0,
        url: empty,
        body: empty,
        content_type: empty,
        request_id: empty,
        timeout_ms: 0,
        deadline_ms: 0,
        attempt: 0,
    }
}

#[test]
fn a_driver_survives_snapshot_and_restore_through_c() {
    use base64::Engine as _;
    let client = client();
    let code = base64::engine::general_purpose::STANDARD.encode([0x5a_u8; 256]);
    let (o, ol) = s(ORDER_ID);
    let (r, rl) = s(REQUEST_ID);
    let (c, cl) = s(&code);
    let mut payment: *mut momo_pos_payment = null_mut();
    let mut driver: *mut momo_driver = null_mut();
    let mut restored: *mut momo_driver = null_mut();
    let mut snapshot: *mut momo_buffer = null_mut();
    let mut kind = 0;
    let mut sent = no_send();
    // SAFETY: handles used while alive, each freed once; views read only
    // before the next change of their driver.
    unsafe {
        assert_eq!(
            momo_pos_payment_new(o, ol, r, rl, AMOUNT, c, cl, &mut payment),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_driver_start(client, payment, null(), 0, T0_MS, &mut driver),
            MOMO_RESULT_OK
        );
        momo_pos_payment_free(payment); // the driver signed it already
        assert_eq!(momo_driver_next_action(driver, &mut kind), MOMO_RESULT_OK);
        assert_eq!(kind, MOMO_ACTION_SEND);
        assert_eq!(momo_driver_send(driver, &mut sent), MOMO_RESULT_OK);
        assert_eq!(sent.endpoint, MOMO_ENDPOINT_POS);
        assert_eq!(sent.attempt, 1);
        assert_eq!(view_text(sent.request_id), REQUEST_ID);
        assert!(view_text(sent.url).ends_with("/v2/gateway/api/pos"));
        assert!(view_text(sent.content_type).starts_with("application/json"));
        let first = view_text(sent.body);
        let first_id = sent.id;
        // Asked again, the same send: the same id and the very same views.
        let mut again = no_send();
        assert_eq!(momo_driver_send(driver, &mut again), MOMO_RESULT_OK);
        assert_eq!(again.id, first_id);
        assert_eq!(again.body.data, sent.body.data);

        assert_eq!(momo_driver_snapshot(driver, &mut snapshot), MOMO_RESULT_OK);
        momo_driver_free(driver);
        let (p, l) = (momo_buffer_data(snapshot), momo_buffer_len(snapshot));
        assert_eq!(
            momo_driver_restore(p, l, T0_MS + 5, &mut restored),
            MOMO_RESULT_OK
        );
        momo_buffer_free(snapshot);
        assert_eq!(momo_driver_send(restored, &mut sent), MOMO_RESULT_OK);
        assert_eq!(view_text(sent.body), first, "the resend is byte-identical");
        assert_ne!(sent.id, first_id, "a restored send has a new id");
        let restored_id = sent.id;

        let answer = format!(
            r#"{{"orderId":"{ORDER_ID}","requestId":"{REQUEST_ID}","resultCode":0,"message":"ok"}}"#
        );
        // The answer to the send from before the restart is stale: nothing
        // changes (but the views are gone: read them again).
        let fed = momo_driver_on_response(
            restored,
            client,
            T0_MS + 7,
            first_id,
            200,
            answer.as_ptr(),
            answer.len(),
        );
        assert_eq!(fed, MOMO_RESULT_OK);
        assert_eq!(momo_driver_next_action(restored, &mut kind), MOMO_RESULT_OK);
        assert_eq!(kind, MOMO_ACTION_SEND);
        assert_eq!(momo_driver_send(restored, &mut sent), MOMO_RESULT_OK);
        assert_eq!(sent.id, restored_id);
        assert_eq!(view_text(sent.body), first);

        let fed = momo_driver_on_response(
            restored,
            client,
            T0_MS + 9,
            restored_id,
            200,
            answer.as_ptr(),
            answer.len(),
        );
        assert_eq!(fed, MOMO_RESULT_OK);
        assert_eq!(momo_driver_next_action(restored, &mut kind), MOMO_RESULT_OK);
        assert_eq!(kind, MOMO_ACTION_DONE);
        // No send now: refused, and the struct is left alone.
        let mut untouched = no_send();
        untouched.id = 77;
        assert_eq!(
            momo_driver_send(restored, &mut untouched),
            MOMO_RESULT_INVALID_STATE
        );
        assert_eq!(untouched.id, 77);
        assert!(untouched.body.data.is_null());
        assert_eq!(
            momo_driver_send(restored, null_mut()),
            MOMO_RESULT_NULL_POINTER
        );
        momo_driver_free(restored);
        momo_driver_free(null_mut());
        momo_client_free(client);
    }
}

/// A refund driven through C: the refund, lost; a status query that does
/// not list it; a snapshot and restore with the identical refund in
/// flight; refunded. Views are read only before the next change.
#[test]
fn a_refund_driver_survives_snapshot_and_restore_through_c() {
    let client = client();
    let (o, ol) = s("ORDER-1-R1");
    let (d, dl) = s("Khách trả hàng");
    let (t, tl) = s("4088878653");
    let (p, pl) = s("ORDER-1");
    let mut refund: *mut momo_refund = null_mut();
    let mut driver: *mut momo_refund_driver = null_mut();
    let mut restored: *mut momo_refund_driver = null_mut();
    let mut snapshot: *mut momo_buffer = null_mut();
    let mut kind = 0;
    let mut sent = no_send();
    let query_answer = |sent: &momo_send, refund_trans: &str| {
        let request_id = view_text(sent.request_id);
        format!(
            r#"{{"partnerCode":"MOMO","orderId":"ORDER-1","requestId":"{request_id}","resultCode":0,"message":"ok","refundTrans":{refund_trans}}}"#
        )
    };
    // SAFETY: handles used while alive, each freed once; views read only
    // before the next change of their driver.
    unsafe {
        assert_eq!(
            momo_refund_new(o, ol, o, ol, 20_000, t, tl, &mut refund),
            MOMO_RESULT_OK
        );
        assert_eq!(momo_refund_set_description(refund, d, dl), MOMO_RESULT_OK);
        let started = momo_refund_driver_start(
            client,
            refund,
            p,
            pl,
            t,
            tl,
            50_000,
            10_000,
            null(),
            0,
            T0_MS,
            &mut driver,
        );
        assert_eq!(started, MOMO_RESULT_OK);
        momo_refund_free(refund); // the driver signed it already
        assert_eq!(momo_refund_driver_send(driver, &mut sent), MOMO_RESULT_OK);
        assert_eq!(sent.endpoint, MOMO_ENDPOINT_REFUND);
        let first = view_text(sent.body);
        assert!(first.contains(r#""transId":4088878653"#));
        let fed = momo_refund_driver_on_network_error(driver, client, T0_MS + 5, sent.id);
        assert_eq!(fed, MOMO_RESULT_OK);
        let mut until = 0;
        assert_eq!(
            momo_refund_driver_wait_until_ms(driver, &mut until),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_refund_driver_tick(driver, client, until),
            MOMO_RESULT_OK
        );
        assert_eq!(momo_refund_driver_send(driver, &mut sent), MOMO_RESULT_OK);
        assert_eq!(sent.endpoint, MOMO_ENDPOINT_QUERY);
        let answer = query_answer(&sent, "[]");
        let fed = momo_refund_driver_on_response(
            driver,
            client,
            until + 5,
            sent.id,
            200,
            answer.as_ptr(),
            answer.len(),
        );
        assert_eq!(fed, MOMO_RESULT_OK);
        assert_eq!(momo_refund_driver_send(driver, &mut sent), MOMO_RESULT_OK);
        assert_eq!(sent.attempt, 2);
        let resent_id = sent.id;

        assert_eq!(
            momo_refund_driver_snapshot(driver, &mut snapshot),
            MOMO_RESULT_OK
        );
        momo_refund_driver_free(driver);
        let (text, len) = (momo_buffer_data(snapshot), momo_buffer_len(snapshot));
        assert_eq!(
            momo_refund_driver_restore(text, len, until + 10, &mut restored),
            MOMO_RESULT_OK
        );
        momo_buffer_free(snapshot);
        assert_eq!(momo_refund_driver_send(restored, &mut sent), MOMO_RESULT_OK);
        assert_eq!(view_text(sent.body), first, "the resend is byte-identical");
        assert_ne!(sent.id, resent_id, "a restored send has a new id");
        let answer = r#"{"partnerCode":"MOMO","orderId":"ORDER-1-R1","requestId":"ORDER-1-R1","amount":20000,"transId":4088879001,"resultCode":0,"message":"ok"}"#;
        let fed = momo_refund_driver_on_response(
            restored,
            client,
            until + 20,
            sent.id,
            200,
            answer.as_ptr(),
            answer.len(),
        );
        assert_eq!(fed, MOMO_RESULT_OK);
        assert_eq!(
            momo_refund_driver_next_action(restored, &mut kind),
            MOMO_RESULT_OK
        );
        assert_eq!(kind, MOMO_ACTION_DONE);
        let empty = momo_str {
            data: null(),
            len: 0,
        };
        let mut outcome = momo_refund_outcome {
            kind: 0,
            name: empty,
            has_result_code: false,
            result_code: -1,
            trans_id: empty,
            description: empty,
        };
        assert_eq!(
            momo_refund_driver_outcome(restored, &mut outcome),
            MOMO_RESULT_OK
        );
        assert_eq!(outcome.kind, MOMO_REFUND_OUTCOME_REFUNDED);
        assert_eq!(view_text(outcome.name), "refunded");
        assert_eq!(view_text(outcome.trans_id), "4088879001");
        assert!(view_text(outcome.description).contains("4088879001"));
        // Waiting is not the action now: refused, `until` left alone.
        let mut left = 77;
        assert_eq!(
            momo_refund_driver_wait_until_ms(restored, &mut left),
            MOMO_RESULT_INVALID_STATE
        );
        assert_eq!(left, 77);
        assert_ne!(kind, MOMO_ACTION_WAIT);
        momo_refund_driver_free(restored);
        momo_refund_driver_free(null_mut());
        momo_client_free(client);
    }
}

/// refundTrans read as typed entries: views borrowed from the response,
/// made once, valid until it is freed.
#[test]
fn refund_entries_borrow_from_their_response() {
    let client = client();
    let body = r#"{"resultCode":0,"message":"ok","refundTrans":[{"orderId":"R1","amount":1000,"resultCode":0,"transId":9007199254740993,"createdTime":5},{"orderId":"R2","amount":2000,"resultCode":7000,"transId":12}]}"#;
    let mut response: *mut momo_response = null_mut();
    let empty = momo_str {
        data: null(),
        len: 0,
    };
    let blank = momo_refund_trans {
        order_id: empty,
        amount: 0,
        result_code: 0,
        trans_id: empty,
        has_created_time: false,
        created_time: 0,
    };
    let (mut first, mut found) = (blank, blank);
    let mut count = 0;
    // SAFETY: `body` outlives the call; the response is freed once, after
    // the last read of its views.
    unsafe {
        let parsed =
            momo_client_parse_query_response(client, body.as_ptr(), body.len(), &mut response);
        assert_eq!(parsed, MOMO_RESULT_OK);
        assert_eq!(
            momo_response_refund_count(response, &mut count),
            MOMO_RESULT_OK
        );
        assert_eq!(count, 2);
        assert_eq!(
            momo_response_refund_get(response, 0, &mut first),
            MOMO_RESULT_OK
        );
        let (r2, r2l) = s("R2");
        assert_eq!(
            momo_response_refund_find(response, r2, r2l, &mut found),
            MOMO_RESULT_OK
        );
        assert_eq!(
            momo_response_refund_get(response, 2, &mut found),
            MOMO_RESULT_INVALID_ARGUMENT
        );
        assert_eq!(view_text(first.order_id), "R1");
        assert_eq!(view_text(first.trans_id), "9007199254740993");
        assert!(first.has_created_time && first.created_time == 5);
        assert_eq!(view_text(found.order_id), "R2");
        assert_eq!((found.result_code, found.has_created_time), (7000, false));
        momo_response_free(response);
        momo_client_free(client);
    }
}

/// The C ABI's two limits: an input above MOMO_MAX_INPUT_LEN is refused
/// unread at the boundary; a body within it but above the core's
/// MAX_BODY_BYTES reaches the core and is refused there before parsing.
#[test]
// Parsing 64 KiB takes Miri over ten minutes; the pointer handling here is
// the same `input::bytes` path the other tests run under Miri.
#[cfg_attr(miri, ignore)]
fn body_limits_hold_through_the_c_abi() {
    let client = client();
    let mut body = simulation::ipn_body(0, AMOUNT, T0_MS).into_bytes();
    body.resize(momo::MAX_BODY_BYTES, b' ');
    let mut notification: *mut momo_notification = null_mut();
    let mut response: *mut momo_response = null_mut();
    // SAFETY: `body` has body.len() bytes; out-pointers are locals; each
    // handle made is freed once.
    unsafe {
        let at_limit = momo_client_verify_ipn(client, body.as_ptr(), body.len(), &mut notification);
        assert_eq!(at_limit, MOMO_RESULT_OK);
        momo_notification_free(notification);
        notification = null_mut();
        body.push(b' ');
        let over = momo_client_verify_ipn(client, body.as_ptr(), body.len(), &mut notification);
        assert_eq!(over, MOMO_RESULT_BODY_TOO_LARGE);
        assert!(notification.is_null());
        let over = momo_client_parse_pos_response(client, body.as_ptr(), body.len(), &mut response);
        assert_eq!(over, MOMO_RESULT_BODY_TOO_LARGE);
        assert!(response.is_null());
        momo_client_free(client);
    }
}
