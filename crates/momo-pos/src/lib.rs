//! A transport-free SDK for MoMo's **Quick Pay - POS Scanner** API: the
//! cashier scans the shopper's payment code, the POS charges it. This crate
//! never opens a socket and never reads the clock: it says what to send, the
//! host sends it and hands back what came.
//!
//! ```
//! use momo_pos::{
//!     Client, CredentialFields, Credentials, Environment, MomoPublicKey, NextStep, PaymentCode,
//!     PosPayment,
//! };
//!
//! # const MOMO_PUBLIC_KEY: &str = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAhto6+woc6G73oSY6IPoaCN9btQMkfUdKO+Rgi9hX2W3E8BhdzYfwjJXH/9YZLmW6R5doTxm/s+NQ1XVlJCny2vPc4J4zy5B/u0KUgXC2rbEx+pL0Ms+gnvEyzHbVoQ3u3DWVPoGzvy2i58ixi9sU+epTgHVWtLCfowldYyUvW9++JuIqgj7eOmS7gP2TqaHuxi3A7bseubDbUA494Erki1teEIQ5/iXlZBtyBnAzBnmocqA1iyu8YgYxpXzy/u8mEeleYeelGlL2u/vyiFRWPYkZBozeCyGYpaLwXqChjFGqm1SFQ3zs9KYTQO7G5MNB8r26d/WjvWeCMD0oxn1zbQIDAQAB";
//! // Once, at start-up: MoMo's RSA public key and the merchant's credentials,
//! // as MoMo's business portal shows them.
//! let key = MomoPublicKey::parse(MOMO_PUBLIC_KEY)?;
//! let client = Client::new(
//!     Credentials::new(CredentialFields {
//!         partner_code: "MOMO",
//!         access_key: "F8BBA842ECF85",
//!         secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz", // a server or trusted till only
//!     })?,
//!     Environment::Test,
//! );
//!
//! // At the till: the code as the scanner typed it, checked and encrypted.
//! let code = PaymentCode::parse("]Q1MM561918531775222861\r\n")?;
//! let payment = PosPayment::new("ORDER-1001", "ORDER-1001-r1", 50_000, key.encrypt(&code)?)
//!     .with_order_info("Cà phê sữa đá x2");
//! let request = client.pos_request(&payment)?;
//! assert_eq!(request.url(), "https://test-payment.momo.vn/v2/gateway/api/pos");
//!
//! // The host POSTs request.body() with request.headers(), waits at least
//! // request.timeout(), and hands the answer's raw bytes back.
//! let body = r#"{"partnerCode":"MOMO","orderId":"ORDER-1001","requestId":"ORDER-1001-r1",
//!     "amount":50000,"transId":4088878653,"resultCode":0,"message":"Thành công.",
//!     "responseTime":1721720663942}"#;
//! let response = client.parse_pos_response(body.as_bytes())?;
//! response.answer().check_request(&request)?; // the answer is about this request
//! assert_eq!(response.result().next_step, NextStep::Done);
//! # Ok::<(), momo_pos::Error>(())
//! ```
//!
//! What it covers:
//!
//! - the scanned payment code, normalized and checked ([`PaymentCode`]), and
//!   RSA-encrypted under MoMo's public key ([`MomoPublicKey`]): the only
//!   part a web page needs, and it holds no secret;
//! - the signed JSON bodies of the pos payment, status query and confirm
//!   calls, every field rule checked first ([`Client`]); from JSON in
//!   MoMo's field names through [`input`];
//! - MoMo's payment notifications verified from the raw body
//!   ([`Client::verify_ipn`]) and its answers parsed, their signature
//!   verified when present ([`Client::parse_pos_response`]);
//! - every result code explained in Vietnamese and English, with the next
//!   step for the host ([`result_code::explain`]);
//! - a payment driven to a safe, known end ([`driver::Driver`]): which call
//!   to make after a timeout, a pending code or an authorization, never a
//!   second charge, never an outcome MoMo's ledger could contradict;
//! - a refund of a paid payment, in full or in parts ([`Client::refund_request`],
//!   driven to a known end by [`refund::RefundDriver`]): within what was
//!   paid, never sent twice under different requestIds.
//!
//! The same core ships as a C library (`libmomo_pos`, header
//! `momo_pos.h`) and as the `momo-pos` npm package (WebAssembly), from the
//! repository's other crates; this one has no C symbols, no wasm-bindgen and
//! no `unsafe`.
//! On `wasm32-unknown-unknown` it takes its randomness from the host: enable
//! `getrandom`'s `wasm_js` feature in the final binary's manifest.

#![forbid(unsafe_code)]

mod client;
mod credentials;
pub mod driver;
mod environment;
mod error;
pub mod extra_data;
pub mod input;
mod ipn;
mod json;
mod lang;
mod payment_code;
mod public_key;
mod random;
pub mod refund;
mod request;
mod response;
pub mod result_code;
mod rules;
mod signature;
mod str_names;
mod verify;

pub use client::Client;
pub use credentials::{CredentialFields, Credentials};
pub use environment::{CustomBaseUrl, Environment, PRODUCTION_BASE_URL, TEST_BASE_URL};
pub use error::{Error, ErrorKind, KeyProblem, PaymentCodeProblem, Result};
pub use ipn::{DedupeKey, Notification, TransId};
#[cfg(fuzzing)]
#[doc(hidden)]
pub use json::fuzz_work;
pub use json::{
    JsonLimit, MAX_BODY_BYTES, MAX_DEPTH, MAX_ESCAPES, MAX_KEYS, MAX_KEY_BYTES, MAX_STRING_BYTES,
    MAX_VALUES,
};
pub use lang::Lang;
pub use payment_code::{EncryptedPaymentCode, PaymentCode, CODE_DIGITS};
pub use public_key::MomoPublicKey;
pub use random::{RandomSource, RandomnessUnavailable, SystemRandom};
pub use request::{
    Confirm, ConfirmAction, Endpoint, Item, PosPayment, Refund, SignedRequest, StatusQuery,
    UserInfo, CONTENT_TYPE, MIN_TIMEOUT,
};
pub use response::{
    check_answer_ids, Answer, Authenticity, ConfirmAnswer, PosAnswer, QueryAnswer, RefundAnswer,
    RefundTrans, Response,
};
pub use result_code::{explain, Category, NextStep, ResultCodeInfo};
pub use rules::{AmountLimits, MAX_ITEMS, MAX_REQUEST_ID_LEN};
pub use signature::{hmac_sha256_hex, SIGNATURE_HEX_LEN};

// The README's example is compiled with the doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

#[cfg(test)]
mod tests {
    /// The bindings share one client and one key across threads.
    #[test]
    fn shared_types_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::MomoPublicKey>();
        assert_send_sync::<crate::SignedRequest>();
        assert_send_sync::<crate::Error>();
    }
}
