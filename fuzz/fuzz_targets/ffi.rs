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
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::{c_char, c_void, CStr};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

/// MOMO_MAX_INPUT_LEN in the header.
const MAX_INPUT_LEN: usize = 1 << 20;
/// MOMO_RESULT_PANIC.
const PANIC: u32 = 5;

#[repr(C)]
struct MomoStr {
    data: *const c_char,
    len: usize,
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
}

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
        }
    }
});
