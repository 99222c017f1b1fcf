//! The C entry points, called as a C program would, with arbitrary
//! pointer + length inputs: the real buffer, a prefix of it, NULL with any
//! length, and lengths above MOMO_MAX_INPUT_LEN (up to SIZE_MAX), which the
//! header promises are refused before any byte is read. A length is never
//! otherwise larger than the memory behind the pointer: that would break
//! the API's contract, not test it. Out-pointers are valid or NULL.
//!
//! Invariants:
//! - Every call returns a defined `momo_result` (0..=8 or 100..=113), never
//!   MOMO_RESULT_PANIC, and on failure momo_last_error_code() is that
//!   result and momo_last_error_message() a non-NULL UTF-8 C string.
//! - Outputs are written only on success: an out-pointer preset to NULL is
//!   still NULL after a failure, non-NULL after success.
//! - Text handed out (buffers, momo_str views) is NUL-terminated at its
//!   stated length and valid UTF-8.
//! - The C ABI agrees with the core: verify_ipn, the answer parsers,
//!   payment-code normalization and extraData decoding succeed through C
//!   exactly when the Rust API accepts the same bytes.
//! - A driver run through C (momo_driver_send, the id-taking events, ticks,
//!   decisions, snapshot and restore) is the core's driver fed the same
//!   events: after every step the same action, the same request (id and
//!   bytes), deadlines and outcome, and the same snapshot text. Exactly one
//!   of the readers of the current action succeeds; the others are
//!   MOMO_RESULT_INVALID_STATE. News about an id that is not the request in
//!   flight changes nothing but the journal.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use momo_pos_c as _; // links the C functions declared below
use libfuzzer_sys::fuzz_target;

/// MOMO_MAX_INPUT_LEN in the header.
const MAX_INPUT_LEN: usize = 1 << 20;
/// MOMO_RESULT_PANIC.
const PANIC: u32 = 5;

#[repr(C)]
#[derive(Clone, Copy)]
struct MomoStr {
    data: *const c_char,
    len: usize,
}

const NO_STR: MomoStr = MomoStr {
    data: null(),
    len: 0,
};

/// struct momo_send.
#[repr(C)]
#[derive(Clone, Copy)]
struct MomoSend {
    id: u64,
    endpoint: u32,
    url: MomoStr,
    body: MomoStr,
    content_type: MomoStr,
    request_id: MomoStr,
    timeout_ms: u64,
    deadline_ms: u64,
    attempt: u32,
}

/// struct momo_outcome.
#[repr(C)]
#[derive(Clone, Copy)]
struct MomoOutcome {
    kind: u32,
    name: MomoStr,
    has_result_code: bool,
    result_code: i64,
    trans_id: MomoStr,
    description: MomoStr,
}

// The C ABI as declared in include/momo_pos.h; handles are opaque.
// `momo_result` is a C enum of u32 values: read as u32 so an undefined
// value is a failed assertion, not undefined behaviour.
extern "C" {
    fn momo_client_new(
        p: *const c_char,
        pl: usize,
        a: *const c_char,
        al: usize,
        s: *const c_char,
        sl: usize,
        e: *const c_char,
        el: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_client_free(client: *mut c_void);
    fn momo_client_verify_ipn(
        c: *const c_void,
        b: *const u8,
        l: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_notification_order_id(n: *const c_void, out: *mut MomoStr) -> u32;
    fn momo_notification_dedupe_key(n: *const c_void, out: *mut MomoStr) -> u32;
    fn momo_notification_free(n: *mut c_void);
    fn momo_client_parse_pos_response(
        c: *const c_void,
        b: *const u8,
        l: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_client_parse_query_response(
        c: *const c_void,
        b: *const u8,
        l: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_client_parse_confirm_response(
        c: *const c_void,
        b: *const u8,
        l: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_response_result_code(r: *const c_void, out: *mut i64) -> u32;
    fn momo_response_message(r: *const c_void, out: *mut MomoStr) -> u32;
    fn momo_response_free(r: *mut c_void);
    fn momo_public_key_parse(t: *const c_char, l: usize, out: *mut *mut c_void) -> u32;
    fn momo_public_key_bits(k: *const c_void, out: *mut usize) -> u32;
    fn momo_public_key_free(k: *mut c_void);
    fn momo_payment_code_normalize(
        s: *const c_char,
        sl: usize,
        out: *mut c_char,
        cap: usize,
        out_len: *mut usize,
    ) -> u32;
    fn momo_public_key_encrypt(
        k: *const c_void,
        s: *const c_char,
        l: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_extra_data_encode(j: *const c_char, l: usize, out: *mut *mut c_void) -> u32;
    fn momo_extra_data_decode(t: *const c_char, l: usize, out: *mut *mut c_void) -> u32;
    fn momo_buffer_data(b: *const c_void) -> *const c_char;
    fn momo_buffer_len(b: *const c_void) -> usize;
    fn momo_buffer_free(b: *mut c_void);
    fn momo_driver_restore(s: *const c_char, l: usize, now: u64, out: *mut *mut c_void) -> u32;
    fn momo_driver_free(d: *mut c_void);
    fn momo_pos_payment_new(
        o: *const c_char,
        ol: usize,
        r: *const c_char,
        rl: usize,
        amount: u64,
        c: *const c_char,
        cl: usize,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_pos_payment_set_order_info(p: *mut c_void, v: *const c_char, l: usize) -> u32;
    fn momo_pos_payment_set_ipn_url(p: *mut c_void, v: *const c_char, l: usize) -> u32;
    fn momo_pos_payment_set_auto_capture(p: *mut c_void, auto_capture: bool) -> u32;
    fn momo_pos_payment_free(p: *mut c_void);
    fn momo_driver_start(
        c: *const c_void,
        p: *const c_void,
        j: *const c_char,
        jl: usize,
        now: u64,
        out: *mut *mut c_void,
    ) -> u32;
    fn momo_driver_snapshot(d: *const c_void, out: *mut *mut c_void) -> u32;
    fn momo_driver_next_action(d: *const c_void, out: *mut u32) -> u32;
    fn momo_driver_send(d: *const c_void, out: *mut MomoSend) -> u32;
    fn momo_driver_wait_until_ms(d: *const c_void, out: *mut u64) -> u32;
    fn momo_driver_decide_until_ms(d: *const c_void, out: *mut u64) -> u32;
    fn momo_driver_decide_default(d: *const c_void, out: *mut u32) -> u32;
    fn momo_driver_outcome(d: *const c_void, out: *mut MomoOutcome) -> u32;
    fn momo_driver_on_response(
        d: *mut c_void,
        c: *const c_void,
        now: u64,
        id: u64,
        status: u16,
        b: *const u8,
        l: usize,
    ) -> u32;
    fn momo_driver_on_timeout(d: *mut c_void, c: *const c_void, now: u64, id: u64) -> u32;
    fn momo_driver_on_network_error(d: *mut c_void, c: *const c_void, now: u64, id: u64) -> u32;
    fn momo_driver_tick(d: *mut c_void, c: *const c_void, now: u64) -> u32;
    fn momo_driver_decide(d: *mut c_void, c: *const c_void, now: u64, action: u32) -> u32;
    fn momo_last_error_code() -> u32;
    fn momo_last_error_message() -> *const c_char;
    fn momo_result_name(code: u32) -> *const c_char;
}

/// How a pointer + length input is passed.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Len {
    Exact,
    Prefix(u16),
    /// NULL with any length: refused before the length matters.
    Null(usize),
    /// Above MOMO_MAX_INPUT_LEN: refused before reading.
    TooLong(u32),
    SizeMax,
}

#[derive(Arbitrary, Debug)]
struct Input {
    how: Len,
    bytes: Vec<u8>,
}

impl Input {
    fn args(&self) -> (*const u8, usize) {
        let ptr = self.bytes.as_ptr();
        match self.how {
            Len::Exact => (ptr, self.bytes.len()),
            Len::Prefix(n) => (ptr, usize::from(n).min(self.bytes.len())),
            Len::Null(len) => (null(), len),
            Len::TooLong(extra) => (ptr, MAX_INPUT_LEN + 1 + extra as usize),
            Len::SizeMax => (ptr, usize::MAX),
        }
    }

    /// The bytes the library may read, when it may read any.
    fn readable(&self) -> Option<&[u8]> {
        match self.how {
            Len::Exact => Some(&self.bytes),
            Len::Prefix(n) => self.bytes.get(..usize::from(n).min(self.bytes.len())),
            _ => None,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Call {
    ClientNew([Input; 4], bool),
    VerifyIpn(Input, bool, bool),
    ParseAnswer(u8, Input, bool, bool),
    KeyParse(Input, bool),
    Normalize(Input, u8, bool, bool),
    Encrypt(Input, bool, bool),
    ExtraDataEncode(Input, bool),
    ExtraDataDecode(Input, bool),
    DriverRestore(Input, u64, bool),
    ResultName(u32),
    Driver(bool, Vec<Beat>),
}

/// Which request a piece of news is about.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Which {
    /// The request in flight (or, with none, the last one handed out).
    Current,
    /// The request handed out before the current one.
    Previous,
    /// Any number, most likely never handed out.
    Number(u64),
}

/// One step of a driver run through C, mirrored on the core's driver.
#[derive(Arbitrary, Debug)]
enum Beat {
    /// An answer echoing the request's ids, with one of CODES.
    Answer {
        which: Which,
        code: u8,
        status: u16,
    },
    /// Any bytes as an answer.
    Garbage {
        which: Which,
        status: u16,
        body: Vec<u8>,
    },
    Timeout(Which),
    NetworkError(Which),
    /// Milliseconds later (up to about 4 minutes: past every window).
    Tick(u16, u8),
    /// A capture/cancel decision: MOMO_CONFIRM_* or any other number.
    Decide(u32),
    /// Snapshot, free, restore (a restart).
    Restore,
}

const CODES: [i64; 16] = [
    0, 9000, 1000, 7000, 10, 11, 20, 40, 42, 43, 99, 1001, 1006, 4005, 8000, 12345,
];
/// MOMO_RESULT_INVALID_ARGUMENT and MOMO_RESULT_INVALID_STATE.
const INVALID_ARGUMENT: u32 = 6;
const INVALID_STATE: u32 = 113;

/// Checks a result and the error state that goes with it; true on success.
fn checked(result: u32) -> bool {
    assert!(
        result <= 8 || (100..=113).contains(&result),
        "undefined momo_result {result}"
    );
    assert_ne!(result, PANIC, "the library panicked");
    if result == 0 {
        return true;
    }
    // SAFETY: no arguments; the message is a thread-local C string.
    unsafe {
        assert_eq!(momo_last_error_code(), result);
        let message = momo_last_error_message();
        assert!(!message.is_null());
        assert!(CStr::from_ptr(message).to_str().is_ok());
    }
    false
}

/// A handed-out text view: NUL at `len`, UTF-8 before it.
unsafe fn check_view(view: &MomoStr) {
    assert!(!view.data.is_null());
    let bytes = unsafe { std::slice::from_raw_parts(view.data.cast::<u8>(), view.len + 1) };
    assert_eq!(bytes[view.len], 0, "not NUL-terminated at its length");
    assert!(std::str::from_utf8(&bytes[..view.len]).is_ok());
}

unsafe fn check_buffer(buffer: *mut c_void) {
    let view = MomoStr {
        data: unsafe { momo_buffer_data(buffer) },
        len: unsafe { momo_buffer_len(buffer) },
    };
    unsafe { check_view(&view) };
    unsafe { momo_buffer_free(buffer) };
}

/// The sandbox client and the 2048-bit test key, made through the C ABI.
fn fixtures() -> (usize, usize) {
    static FIXTURES: OnceLock<(usize, usize)> = OnceLock::new();
    *FIXTURES.get_or_init(|| {
        let arg = |s: &str| (s.as_ptr().cast::<c_char>(), s.len());
        let (p, pl) = arg(common::PARTNER_CODE);
        let (a, al) = arg(common::ACCESS_KEY);
        let (s, sl) = arg(common::SECRET_KEY);
        let (e, el) = arg("test");
        let key_text = include_str!("../../tests/keys/test_rsa2048_public_spki.b64");
        let mut client = null_mut();
        let mut key = null_mut();
        // SAFETY: valid pointer + length pairs and out-pointers.
        unsafe {
            assert_eq!(momo_client_new(p, pl, a, al, s, sl, e, el, &mut client), 0);
            assert_eq!(
                momo_public_key_parse(key_text.as_ptr().cast(), key_text.len(), &mut key),
                0
            );
        }
        (client as usize, key as usize)
    })
}

/// Out-pointer argument: the real one, or NULL.
fn out<T>(slot: &mut *mut T, null_out: bool) -> *mut *mut T {
    if null_out {
        null_mut()
    } else {
        slot
    }
}

/// A view's text (checked: NUL-terminated, UTF-8).
unsafe fn text(view: &MomoStr) -> String {
    unsafe { check_view(view) };
    let bytes = unsafe { std::slice::from_raw_parts(view.data.cast::<u8>(), view.len) };
    String::from_utf8_lossy(bytes).into_owned()
}

/// What a driver asks for, as both sides report it.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Send {
        id: u64,
        endpoint: u32,
        url: String,
        body: String,
        request_id: String,
        timeout_ms: u64,
        deadline_ms: u64,
        attempt: u32,
    },
    Wait(u64),
    Decide(u64, u32),
    Done {
        kind: u32,
        result_code: Option<i64>,
        trans_id: String,
        description: String,
    },
}

/// The C driver's current action, read through every reader: the one of
/// that action succeeds (its texts checked), the others refuse with
/// MOMO_RESULT_INVALID_STATE and write nothing.
unsafe fn seen_c(d: *const c_void) -> Seen {
    let mut kind = 0u32;
    assert!(checked(unsafe { momo_driver_next_action(d, &mut kind) }));
    assert!((1..=4).contains(&kind), "action {kind}");
    let mut send = MomoSend {
        id: 7,
        endpoint: 7,
        url: NO_STR,
        body: NO_STR,
        content_type: NO_STR,
        request_id: NO_STR,
        timeout_ms: 7,
        deadline_ms: 7,
        attempt: 7,
    };
    let mut until = 7u64;
    let mut decide_by = 7u64;
    let mut default = 7u32;
    let mut outcome = MomoOutcome {
        kind: 7,
        name: NO_STR,
        has_result_code: false,
        result_code: 7,
        trans_id: NO_STR,
        description: NO_STR,
    };
    let results = unsafe {
        [
            momo_driver_send(d, &mut send),
            momo_driver_wait_until_ms(d, &mut until),
            momo_driver_decide_until_ms(d, &mut decide_by),
            momo_driver_decide_default(d, &mut default),
            momo_driver_outcome(d, &mut outcome),
        ]
    };
    let expected_ok: [bool; 5] = [kind == 1, kind == 2, kind == 3, kind == 3, kind == 4];
    for (result, ok) in results.iter().zip(expected_ok) {
        assert_eq!(
            checked(*result),
            ok,
            "reader result {result} for action {kind}"
        );
        if !ok {
            assert_eq!(*result, INVALID_STATE);
        }
    }
    match kind {
        1 => unsafe {
            assert!(send.id != 0 && (1..=3).contains(&send.endpoint));
            assert_eq!(text(&send.content_type), "application/json; charset=UTF-8");
            assert!(until == 7 && decide_by == 7 && default == 7 && outcome.kind == 7);
            Seen::Send {
                id: send.id,
                endpoint: send.endpoint,
                url: text(&send.url),
                body: text(&send.body),
                request_id: text(&send.request_id),
                timeout_ms: send.timeout_ms,
                deadline_ms: send.deadline_ms,
                attempt: send.attempt,
            }
        },
        2 => {
            assert!(send.id == 7 && send.body.data.is_null());
            Seen::Wait(until)
        }
        3 => Seen::Decide(decide_by, default),
        _ => unsafe {
            assert!(send.id == 7 && send.body.data.is_null());
            let name = text(&outcome.name);
            assert_eq!(
                name,
                ["paid", "declined", "cancelled", "unknown"][(outcome.kind as usize - 1) % 4]
            );
            Seen::Done {
                kind: outcome.kind,
                result_code: outcome.has_result_code.then_some(outcome.result_code),
                trans_id: text(&outcome.trans_id),
                description: text(&outcome.description),
            }
        },
    }
}

/// The core driver's current action, as the C ABI documents it.
fn seen_rust(d: &momo_pos::driver::Driver) -> Seen {
    use momo_pos::driver::{Action, Outcome, UnknownReason};
    use momo_pos::{ConfirmAction, Endpoint};
    match d.next_action() {
        Action::Send(r) => Seen::Send {
            id: r.id().get(),
            endpoint: match r.endpoint() {
                Endpoint::Pos => 1,
                Endpoint::Query => 2,
                Endpoint::Confirm => 3,
                other => panic!("an endpoint the C ABI does not know: {other:?}"),
            },
            url: r.url().to_owned(),
            body: r.body_str().to_owned(),
            request_id: r.request_id().to_owned(),
            timeout_ms: u64::try_from(r.timeout().as_millis()).unwrap_or(u64::MAX),
            deadline_ms: r.deadline_ms(),
            attempt: r.attempt(),
        },
        Action::Wait { until_ms } => Seen::Wait(until_ms),
        Action::Decide { until_ms, default } => Seen::Decide(
            until_ms,
            match default {
                ConfirmAction::Capture => 0,
                ConfirmAction::Cancel => 1,
            },
        ),
        Action::Done(outcome) => {
            let (kind, result_code, trans_id) = match outcome {
                Outcome::Paid { trans_id } => (1, Some(0), trans_id.clone()),
                Outcome::Declined { result_code } => (2, Some(*result_code), None),
                Outcome::Cancelled {
                    result_code,
                    trans_id,
                } => (3, Some(*result_code), trans_id.clone()),
                Outcome::Unknown { reason } => (
                    4,
                    match reason {
                        UnknownReason::ConfirmRefused { result_code } => Some(*result_code),
                        UnknownReason::StillAuthorized {
                            confirm_result_code,
                        } => *confirm_result_code,
                        _ => None,
                    },
                    None,
                ),
                other => panic!("an outcome the C ABI does not know: {other:?}"),
            };
            Seen::Done {
                kind,
                result_code,
                trans_id: trans_id.map(|t| t.as_str().to_owned()).unwrap_or_default(),
                description: outcome.to_string(),
            }
        }
        other => panic!("an action the C ABI does not know: {other:?}"),
    }
}

/// The snapshot of a C driver, as text.
unsafe fn snapshot_c(d: *const c_void) -> String {
    let mut buffer = null_mut();
    assert!(checked(unsafe { momo_driver_snapshot(d, &mut buffer) }));
    let view = MomoStr {
        data: unsafe { momo_buffer_data(buffer) },
        len: unsafe { momo_buffer_len(buffer) },
    };
    let snapshot = unsafe { text(&view) };
    unsafe { momo_buffer_free(buffer) };
    snapshot
}

/// A payment run through C next to the same payment on the core's driver.
unsafe fn drive(client: *const c_void, auto_capture: bool, beats: &[Beat]) {
    use base64::Engine as _;
    use momo_pos::driver::{Driver, DriverConfig, Event, SendId};
    use momo_pos::{ConfirmAction, EncryptedPaymentCode, PosPayment};
    const ORDER_ID: &str = "ORDER-1001";
    const REQUEST_ID: &str = "ORDER-1001-r1";
    const AMOUNT: u64 = 50_000;
    const T0_MS: u64 = 1_700_000_000_000;
    const ORDER_INFO: &str = "Cà phê sữa đá x2";
    const IPN_URL: &str = "https://pos.example.vn/momo/ipn";

    // The same payment on both sides; a stand-in ciphertext (no RSA).
    let code = base64::engine::general_purpose::STANDARD.encode([0x5a_u8; 256]);
    let payment = PosPayment::new(
        ORDER_ID,
        REQUEST_ID,
        AMOUNT,
        EncryptedPaymentCode::from_base64(&code).unwrap(),
    )
    .with_order_info(ORDER_INFO)
    .with_ipn_url(IPN_URL)
    .with_auto_capture(auto_capture);
    let rust_client = common::client();
    let mut rust = Driver::start(&rust_client, &payment, DriverConfig::default(), T0_MS).unwrap();
    let arg = |s: &str| (s.as_ptr().cast::<c_char>(), s.len());
    let (o, ol) = arg(ORDER_ID);
    let (r, rl) = arg(REQUEST_ID);
    let (c, cl) = arg(&code);
    let (info, il) = arg(ORDER_INFO);
    let (ipn, ipnl) = arg(IPN_URL);
    let mut p = null_mut();
    let mut d = null_mut();
    unsafe {
        assert!(checked(momo_pos_payment_new(
            o, ol, r, rl, AMOUNT, c, cl, &mut p
        )));
        assert!(checked(momo_pos_payment_set_order_info(p, info, il)));
        assert!(checked(momo_pos_payment_set_ipn_url(p, ipn, ipnl)));
        assert!(checked(momo_pos_payment_set_auto_capture(p, auto_capture)));
        assert!(checked(momo_driver_start(
            client,
            p,
            null(),
            0,
            T0_MS,
            &mut d
        )));
        momo_pos_payment_free(p);
    }
    let mut now = T0_MS;
    let mut previous = 0u64;
    let mut last = 0u64;
    for beat in beats.iter().take(48) {
        let before = unsafe { seen_c(d) };
        assert_eq!(
            before,
            seen_rust(&rust),
            "C and Rust disagree before {beat:?}"
        );
        let current = match &before {
            Seen::Send { id, .. } => Some(*id),
            _ => None,
        };
        if let Some(id) = current {
            if id != last {
                previous = last;
                last = id;
            }
        }
        let request_id = match &before {
            Seen::Send { request_id, .. } => request_id.clone(),
            _ => REQUEST_ID.to_owned(),
        };
        let id_of = |which: Which| match which {
            Which::Current => last,
            Which::Previous => previous,
            Which::Number(n) => n,
        };
        now += 50;
        // The news a beat brings about a request: (id, what) or none.
        let mut news = None;
        let (c_result, rust_result) = match beat {
            Beat::Answer {
                which,
                code,
                status,
            } => {
                let body = format!(
                    r#"{{"partnerCode":"MOMO","orderId":"{ORDER_ID}","requestId":"{request_id}","amount":{AMOUNT},"transId":4088878653,"resultCode":{},"message":"m","responseTime":1}}"#,
                    CODES[usize::from(*code) % CODES.len()]
                );
                let id = id_of(*which);
                news = Some(id);
                let c_result = unsafe {
                    momo_driver_on_response(d, client, now, id, *status, body.as_ptr(), body.len())
                };
                let event = Event::Response {
                    id: SendId::from(id),
                    status: *status,
                    body: body.as_bytes(),
                };
                (c_result, rust.handle(&rust_client, now, event).is_ok())
            }
            Beat::Garbage {
                which,
                status,
                body,
            } => {
                let id = id_of(*which);
                news = Some(id);
                let c_result = unsafe {
                    momo_driver_on_response(d, client, now, id, *status, body.as_ptr(), body.len())
                };
                let event = Event::Response {
                    id: SendId::from(id),
                    status: *status,
                    body,
                };
                (c_result, rust.handle(&rust_client, now, event).is_ok())
            }
            Beat::Timeout(which) => {
                let id = id_of(*which);
                news = Some(id);
                let c_result = unsafe { momo_driver_on_timeout(d, client, now, id) };
                let event = Event::Timeout {
                    id: SendId::from(id),
                };
                (c_result, rust.handle(&rust_client, now, event).is_ok())
            }
            Beat::NetworkError(which) => {
                let id = id_of(*which);
                news = Some(id);
                let c_result = unsafe { momo_driver_on_network_error(d, client, now, id) };
                let event = Event::NetworkError {
                    id: SendId::from(id),
                };
                (c_result, rust.handle(&rust_client, now, event).is_ok())
            }
            Beat::Tick(ms, times) => {
                now += u64::from(*ms) * u64::from(*times % 5);
                let c_result = unsafe { momo_driver_tick(d, client, now) };
                (
                    c_result,
                    rust.handle(&rust_client, now, Event::Tick).is_ok(),
                )
            }
            Beat::Decide(action) => {
                let c_result = unsafe { momo_driver_decide(d, client, now, *action) };
                let rust_ok = match action {
                    0 => rust
                        .decide(&rust_client, now, ConfirmAction::Capture)
                        .is_ok(),
                    1 => rust
                        .decide(&rust_client, now, ConfirmAction::Cancel)
                        .is_ok(),
                    _ => {
                        assert_eq!(c_result, INVALID_ARGUMENT);
                        false
                    }
                };
                if *action <= 1 && !rust_ok {
                    assert_eq!(c_result, INVALID_STATE, "a refused decision");
                }
                (c_result, rust_ok)
            }
            Beat::Restore => {
                let snapshot = unsafe { snapshot_c(d) };
                assert_eq!(
                    snapshot,
                    rust.snapshot().unwrap(),
                    "C and Rust snapshots differ"
                );
                let (s, l) = arg(&snapshot);
                let mut restored = null_mut();
                unsafe {
                    assert!(checked(momo_driver_restore(s, l, now, &mut restored)));
                    momo_driver_free(d);
                }
                d = restored;
                rust = Driver::restore(&snapshot, now).unwrap();
                (0, true)
            }
        };
        assert_eq!(
            checked(c_result),
            rust_result,
            "C {c_result} and Rust disagree on {beat:?}"
        );
        let after = unsafe { seen_c(d) };
        assert_eq!(
            after,
            seen_rust(&rust),
            "C and Rust disagree after {beat:?}"
        );
        if let Some(id) = news {
            if current != Some(id) {
                assert_eq!(
                    after, before,
                    "news about request {id}, not in flight, changed it"
                );
            }
        }
    }
    unsafe {
        assert_eq!(snapshot_c(d), rust.snapshot().unwrap());
        momo_driver_free(d);
    }
}

fuzz_target!(|call: Call| {
    let (client, key) = fixtures();
    let (client, key) = (client as *const c_void, key as *const c_void);
    let rust_client = common::client();
    let mut handle: *mut c_void = null_mut();
    // SAFETY (every call below): each pointer + length pair is a live
    // buffer of at least that length, NULL, or a length the ABI refuses
    // before reading; out-pointers are live locals or NULL; handles are
    // the fixtures, NULL, or what the call just returned.
    unsafe {
        match call {
            Call::ClientNew(inputs, null_out) => {
                let a: Vec<_> = inputs.iter().map(Input::args).collect();
                let ok = checked(momo_client_new(
                    a[0].0.cast(),
                    a[0].1,
                    a[1].0.cast(),
                    a[1].1,
                    a[2].0.cast(),
                    a[2].1,
                    a[3].0.cast(),
                    a[3].1,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                momo_client_free(handle);
            }
            Call::VerifyIpn(body, null_client, null_out) => {
                let (ptr, len) = body.args();
                let c = if null_client { null() } else { client };
                let ok = checked(momo_client_verify_ipn(
                    c,
                    ptr,
                    len,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                if !null_client && !null_out {
                    if let Some(bytes) = body.readable() {
                        assert_eq!(
                            ok,
                            rust_client.verify_ipn(bytes).is_ok(),
                            "C and Rust disagree"
                        );
                    }
                }
                if ok {
                    let mut view = MomoStr {
                        data: null(),
                        len: 0,
                    };
                    assert!(checked(momo_notification_order_id(handle, &mut view)));
                    check_view(&view);
                    assert!(checked(momo_notification_dedupe_key(handle, &mut view)));
                    check_view(&view);
                }
                momo_notification_free(handle);
            }
            Call::ParseAnswer(which, body, null_client, null_out) => {
                let (ptr, len) = body.args();
                let c = if null_client { null() } else { client };
                let o = out(&mut handle, null_out);
                let (result, rust_ok) = match which % 3 {
                    0 => (
                        momo_client_parse_pos_response(c, ptr, len, o),
                        body.readable()
                            .map(|b| rust_client.parse_pos_response(b).is_ok()),
                    ),
                    1 => (
                        momo_client_parse_query_response(c, ptr, len, o),
                        body.readable()
                            .map(|b| rust_client.parse_query_response(b).is_ok()),
                    ),
                    _ => (
                        momo_client_parse_confirm_response(c, ptr, len, o),
                        body.readable()
                            .map(|b| rust_client.parse_confirm_response(b).is_ok()),
                    ),
                };
                let ok = checked(result);
                assert_eq!(ok, !handle.is_null());
                if !null_client && !null_out {
                    if let Some(rust_ok) = rust_ok {
                        assert_eq!(ok, rust_ok, "C and Rust disagree");
                    }
                }
                if ok {
                    let mut code = 0i64;
                    assert!(checked(momo_response_result_code(handle, &mut code)));
                    let mut view = MomoStr {
                        data: null(),
                        len: 0,
                    };
                    assert!(checked(momo_response_message(handle, &mut view)));
                    check_view(&view);
                }
                momo_response_free(handle);
            }
            Call::KeyParse(text, null_out) => {
                let (ptr, len) = text.args();
                let ok = checked(momo_public_key_parse(
                    ptr.cast(),
                    len,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                if ok {
                    let mut bits = 0usize;
                    assert!(checked(momo_public_key_bits(handle, &mut bits)));
                    assert!((2048..=4096).contains(&bits));
                }
                momo_public_key_free(handle);
            }
            Call::Normalize(scanned, cap, null_out, null_len) => {
                let (ptr, len) = scanned.args();
                // The capacity stated is never more than the real buffer.
                let mut buffer = [0x55u8; 32];
                let cap = usize::from(cap) % (buffer.len() + 1);
                let mut out_len = usize::MAX;
                let out_ptr = if null_out {
                    null_mut()
                } else {
                    buffer.as_mut_ptr().cast()
                };
                let len_ptr = if null_len { null_mut() } else { &mut out_len };
                let result = momo_payment_code_normalize(ptr.cast(), len, out_ptr, cap, len_ptr);
                let ok = checked(result);
                let rust = scanned.readable().map(|b| {
                    std::str::from_utf8(b)
                        .ok()
                        .and_then(|t| momo_pos::PaymentCode::parse(t).ok())
                });
                if ok {
                    assert!(out_len < cap && buffer[out_len] == 0);
                    let code = rust
                        .flatten()
                        .unwrap_or_else(|| panic!("C accepted what Rust refuses"));
                    assert_eq!(&buffer[..out_len], code.as_str().as_bytes());
                } else if result == 4 {
                    // MOMO_RESULT_BUFFER_TOO_SMALL: the needed length was written.
                    assert!(out_len >= cap && out_len <= 20);
                } else if !null_out && !null_len {
                    if let Some(Some(code)) = rust {
                        panic!("C refused {:?} ({result})", code.as_str());
                    }
                }
                if !ok {
                    assert!(buffer.iter().all(|b| *b == 0x55), "out written on failure");
                }
            }
            Call::Encrypt(scanned, null_key, null_out) => {
                let (ptr, len) = scanned.args();
                let k = if null_key { null() } else { key };
                let ok = checked(momo_public_key_encrypt(
                    k,
                    ptr.cast(),
                    len,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                if ok {
                    assert_eq!(
                        momo_buffer_len(handle),
                        344,
                        "RSA-2048 ciphertext in base64"
                    );
                    check_buffer(handle);
                }
            }
            Call::ExtraDataEncode(json, null_out) => {
                let (ptr, len) = json.args();
                let ok = checked(momo_extra_data_encode(
                    ptr.cast(),
                    len,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                if ok {
                    check_buffer(handle);
                }
            }
            Call::ExtraDataDecode(text, null_out) => {
                let (ptr, len) = text.args();
                let ok = checked(momo_extra_data_decode(
                    ptr.cast(),
                    len,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                if !null_out {
                    if let Some(bytes) = text.readable() {
                        let rust = std::str::from_utf8(bytes)
                            .ok()
                            .filter(|t| !t.contains('\0'))
                            .map(|t| momo_pos::extra_data::decode(t).is_ok());
                        assert_eq!(ok, rust == Some(true), "C and Rust disagree");
                    }
                }
                if ok {
                    check_buffer(handle);
                }
            }
            Call::DriverRestore(snapshot, now, null_out) => {
                let (ptr, len) = snapshot.args();
                let ok = checked(momo_driver_restore(
                    ptr.cast(),
                    len,
                    now,
                    out(&mut handle, null_out),
                ));
                assert_eq!(ok, !handle.is_null());
                momo_driver_free(handle);
            }
            Call::ResultName(code) => {
                let name = momo_result_name(code);
                assert!(!name.is_null());
                assert!(CStr::from_ptr(name).to_str().is_ok());
            }
            Call::Driver(auto_capture, beats) => drive(client, auto_capture, &beats),
        }
    }
});
