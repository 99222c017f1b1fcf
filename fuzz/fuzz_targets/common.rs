//! Shared by the fuzz targets: MoMo's public sandbox credentials (the ones
//! in tests/vectors/*.json, so seeds from the vectors verify) and helpers.
#![allow(dead_code)]

use momo_pos::{Client, CredentialFields, Credentials, Environment};

pub const PARTNER_CODE: &str = "MOMO";
pub const ACCESS_KEY: &str = "F8BBA842ECF85";
pub const SECRET_KEY: &str = "K951B6PE1waDMi640xX08PD3vg6EkVlz";

/// The sandbox client every target verifies with.
pub fn client() -> Client {
    match Credentials::new(CredentialFields { partner_code: PARTNER_CODE, access_key: ACCESS_KEY, secret_key: SECRET_KEY }) {
        Ok(credentials) => Client::new(credentials, Environment::Test),
        Err(e) => panic!("sandbox credentials refused: {e}"),
    }
}

/// HMAC-SHA256 hex of `accessKey=…&k1=v1&…` with the sandbox secret, as
/// MoMo signs (values decoded, in the order given).
pub fn sign(fields: &[(&str, String)]) -> String {
    let mut raw = format!("accessKey={ACCESS_KEY}");
    for (key, value) in fields {
        raw.push('&');
        raw.push_str(key);
        raw.push('=');
        raw.push_str(value);
    }
    momo_pos::hmac_sha256_hex(SECRET_KEY.as_bytes(), raw.as_bytes())
}

/// The JSON reader's work on `body` (counted in this `cfg(fuzzing)` build)
/// is within the linear bound the crate's tests assert: no input makes it
/// superlinear, however the fuzzer shapes it.
pub fn check_work(body: &[u8]) {
    let (steps, within) = momo_pos::fuzz_work(body);
    assert!(
        within,
        "the JSON reader did {steps} steps of work on {} bytes, above its linear bound",
        body.len()
    );
}
