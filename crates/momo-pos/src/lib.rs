//! # momo-pos
//!
//! A transport-free SDK for MoMo's **Quick Pay - POS Scanner** API: the
//! cashier scans the shopper's payment code, the POS charges it.
//!
//! The library never opens a socket and never reads the clock. It
//!
//! - normalizes and checks the scanned payment code ([`PaymentCode`]) and
//!   RSA-encrypts it under MoMo's public key ([`MomoPublicKey`]): the only
//!   part a browser needs, and it holds no secret;
//! - builds the signed JSON bodies of the pos payment, status query and
//!   confirm calls, with every field rule checked first ([`Client`]);
//! - verifies MoMo's payment notifications from the raw body
//!   ([`Client::verify_ipn`]) and parses its answers, verifying a signature
//!   when one is present ([`Client::parse_pos_response`]);
//! - explains every result code in Vietnamese and English, with the next
//!   step for the host ([`result_code::explain`]);
//! - drives a payment to a safe, known end ([`driver::Driver`]): tells the
//!   host which call to make after a timeout, a pending code or an
//!   authorization, and never sends a second charge.
//!
//! ```
//! use momo_pos::{Client, CredentialFields, Credentials, Environment, MomoPublicKey, PaymentCode, PosPayment};
//!
//! # let public_key_text = include_str!("../../../tests/keys/test_rsa2048_public_spki.b64");
//! let key = MomoPublicKey::parse(public_key_text)?;        // once, at start-up
//! let client = Client::new(
//!     Credentials::new(CredentialFields { partner_code: "MOMO", access_key: "F8BBA842ECF85", secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz" })?,
//!     Environment::Test,
//! );
//!
//! let code = PaymentCode::parse("]Q1MM561918531775222861\r\n")?; // as scanned
//! let payment = PosPayment::new("ORDER-1001", "ORDER-1001-r1", 50_000, key.encrypt(&code)?)
//!     .with_order_info("Cà phê sữa đá x2");
//! let request = client.pos_request(&payment)?;
//! assert_eq!(request.url(), "https://test-payment.momo.vn/v2/gateway/api/pos");
//! // POST request.body() with request.headers(), timeout >= request.timeout().
//! # Ok::<(), momo_pos::Error>(())
//! ```

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
    Confirm, ConfirmAction, Endpoint, Item, PosPayment, SignedRequest, StatusQuery, UserInfo,
    CONTENT_TYPE, MIN_TIMEOUT,
};
pub use response::{Answer, Authenticity, ConfirmAnswer, PosAnswer, QueryAnswer, Response};
pub use result_code::{explain, Category, NextStep, ResultCodeInfo};
pub use rules::{AmountLimits, MAX_ITEMS, MAX_REQUEST_ID_LEN};
pub use signature::{hmac_sha256_hex, SIGNATURE_HEX_LEN};

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
