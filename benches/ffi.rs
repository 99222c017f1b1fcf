#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    unsafe_code
)]

//! What the C ABI costs: the same work through the Rust API and through the
//! `extern "C"` functions of `include/momo_pos.h` (called here exactly as a
//! C program calls them).
//!
//! The two are timed in alternating rounds (A B B A ...), so that load from
//! other processes hits both alike, and compared on the median and on the
//! fastest round. Run with `cargo bench --bench ffi` (or
//! `bash scripts/bench-c.sh`, which also times the C program
//! tests/c/bench.c); under `cargo test` it only runs each path once.

use std::ffi::c_char;
use std::hint::black_box;
use std::ptr;

use std::time::Instant;

// The C functions below come from this package's library.
use momo_pos as _;

use momo::{
    Client, CredentialFields, Credentials, Environment, MomoPublicKey, PaymentCode, PosPayment,
};
use serde_json::Value;

const SCANNED: &str = "]Q1MM561918531775222861\r\n";
const KEY_2048: &str = include_str!("../tests/keys/test_rsa2048_public_spki.b64");
const PARTNER: &str = "MOMO";
const ACCESS: &str = "F8BBA842ECF85";
const SECRET: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";
const ORDER_INFO: &str = "Cà phê sữa đá x2";

#[repr(C)]
struct MomoStr {
    data: *const c_char,
    len: usize,
}
enum Handle {}
type H = *mut Handle;

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
        out: *mut H,
    ) -> u32;
    fn momo_client_free(c: H);
    fn momo_public_key_parse(t: *const c_char, l: usize, out: *mut H) -> u32;
    fn momo_public_key_free(k: H);
    fn momo_public_key_encrypt(k: H, s: *const c_char, l: usize, out: *mut H) -> u32;
    fn momo_buffer_data(b: H) -> *const c_char;
    fn momo_buffer_len(b: H) -> usize;
    fn momo_buffer_free(b: H);
    fn momo_pos_payment_new(
        o: *const c_char,
        ol: usize,
        r: *const c_char,
        rl: usize,
        amount: u64,
        c: *const c_char,
        cl: usize,
        out: *mut H,
    ) -> u32;
    fn momo_pos_payment_set_order_info(p: H, v: *const c_char, l: usize) -> u32;
    fn momo_pos_payment_free(p: H);
    fn momo_client_pos_request(c: H, p: H, out: *mut H) -> u32;
    fn momo_request_body(r: H, out: *mut MomoStr) -> u32;
    fn momo_request_free(r: H);
    fn momo_client_verify_ipn(c: H, b: *const u8, l: usize, out: *mut H) -> u32;
    fn momo_notification_free(n: H);
}

fn c(text: &str) -> (*const c_char, usize) {
    (text.as_ptr().cast(), text.len())
}

fn ipn_body(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/signatures.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = vectors["ipn"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["name"] == name)
        .unwrap();
    case["body"].as_str().unwrap().as_bytes().to_vec()
}

struct CHandles {
    client: H,
    key: H,
}

impl CHandles {
    fn new() -> Self {
        let mut client = ptr::null_mut();
        let mut key = ptr::null_mut();
        let ((p, pl), (a, al), (s, sl), (e, el)) = (c(PARTNER), c(ACCESS), c(SECRET), c("test"));
        let (k, kl) = c(KEY_2048);
        // SAFETY: valid pointer + length pairs and out-pointers.
        unsafe {
            assert_eq!(momo_client_new(p, pl, a, al, s, sl, e, el, &mut client), 0);
            assert_eq!(momo_public_key_parse(k, kl, &mut key), 0);
        }
        Self { client, key }
    }

    /// Encrypt, build, sign and read the body: the C terminal's hot path.
    fn encrypt_and_sign(&self) -> usize {
        let (s, sl) = c(SCANNED);
        let ((o, ol), (r, rl), (i, il)) = (c("ORDER-1001"), c("ORDER-1001-r1"), c(ORDER_INFO));
        // SAFETY: live handles from `new`, valid inputs and out-pointers;
        // every handle made here is freed here.
        unsafe {
            let mut code = ptr::null_mut();
            assert_eq!(momo_public_key_encrypt(self.key, s, sl, &mut code), 0);
            let mut payment = ptr::null_mut();
            let (cd, cl) = (momo_buffer_data(code), momo_buffer_len(code));
            assert_eq!(
                momo_pos_payment_new(o, ol, r, rl, 50_000, cd, cl, &mut payment),
                0
            );
            assert_eq!(momo_pos_payment_set_order_info(payment, i, il), 0);
            let mut request = ptr::null_mut();
            assert_eq!(
                momo_client_pos_request(self.client, payment, &mut request),
                0
            );
            let mut body = MomoStr {
                data: ptr::null(),
                len: 0,
            };
            assert_eq!(momo_request_body(request, &mut body), 0);
            let len = black_box(body.len);
            momo_request_free(request);
            momo_pos_payment_free(payment);
            momo_buffer_free(code);
            len
        }
    }

    fn verify_ipn(&self, body: &[u8]) {
        // SAFETY: live client, valid body, out-pointer; the result is freed.
        unsafe {
            let mut n = ptr::null_mut();
            assert_eq!(
                momo_client_verify_ipn(self.client, body.as_ptr(), body.len(), &mut n),
                0
            );
            momo_notification_free(black_box(n));
        }
    }
}

impl Drop for CHandles {
    fn drop(&mut self) {
        // SAFETY: handles from `new`, freed once.
        unsafe {
            momo_public_key_free(self.key);
            momo_client_free(self.client);
        }
    }
}

fn rust_client() -> Client {
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: PARTNER,
            access_key: ACCESS,
            secret_key: SECRET,
        })
        .unwrap(),
        Environment::Test,
    )
}

/// Nanoseconds per call of `f`, over `iters` calls.
fn time_per_op(iters: u32, f: &mut dyn FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..iters {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(iters)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Times `rust` and `c_abi` in alternating rounds and prints the overhead.
fn compare(name: &str, rounds: u32, iters: u32, rust: &mut dyn FnMut(), c_abi: &mut dyn FnMut()) {
    let (mut r, mut c) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            r.push(time_per_op(iters, rust));
            c.push(time_per_op(iters, c_abi));
        } else {
            c.push(time_per_op(iters, c_abi));
            r.push(time_per_op(iters, rust));
        }
    }
    let (rm, cm) = (median(r.clone()), median(c.clone()));
    let (rf, cf) = (min(&r), min(&c));
    println!(
        "{name:<36} rust {:>9.3} us  c_abi {:>9.3} us  overhead {:>+6.2} % (median)   \
         fastest: {:>9.3} / {:>9.3} us {:>+6.2} %",
        rm / 1e3,
        cm / 1e3,
        (cm / rm - 1.0) * 100.0,
        rf / 1e3,
        cf / 1e3,
        (cf / rf - 1.0) * 100.0,
    );
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --all-targets` does not:
    // then each path runs once, as a smoke test.
    let full = std::env::args().any(|a| a == "--bench");
    let (rounds, scale) = if full { (41, 1) } else { (1, 0) };
    let client = rust_client();
    let key = MomoPublicKey::parse(KEY_2048).unwrap();
    let handles = CHandles::new();

    compare(
        "encrypt_and_sign_rsa2048",
        rounds,
        1 + 200 * scale,
        &mut || {
            let code = PaymentCode::parse(black_box(SCANNED)).unwrap();
            let payment = PosPayment::new(
                "ORDER-1001",
                "ORDER-1001-r1",
                50_000,
                key.encrypt(&code).unwrap(),
            )
            .with_order_info(ORDER_INFO);
            let request = client.pos_request(&payment).unwrap();
            black_box(request.body().len());
        },
        &mut || {
            black_box(handles.encrypt_and_sign());
        },
    );
    for vector in ["valid_basic", "valid_vietnamese_raw_utf8"] {
        let body = ipn_body(vector);
        compare(
            &format!("verify_ipn_{vector}"),
            rounds,
            1 + 20_000 * scale,
            &mut || {
                black_box(client.verify_ipn(black_box(&body)).unwrap());
            },
            &mut || handles.verify_ipn(black_box(&body)),
        );
    }
}
