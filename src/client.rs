//! `momo_client`: the merchant's credentials and gateway, shared by every
//! signing and verifying call.

use std::ffi::c_char;

use super::buffer::{momo_str, CText};
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, new_handle, text, Out};
use super::result::momo_result;
use momo::{AmountLimits, Client, CredentialFields, Credentials, Environment, Lang};

/// A language argument: one of the MOMO_LANG_* values.
pub type momo_lang = u32;
/// The client's language (for a request) or Vietnamese (elsewhere).
pub const MOMO_LANG_DEFAULT: momo_lang = 0;
/// Vietnamese ("vi"), MoMo's default.
pub const MOMO_LANG_VI: momo_lang = 1;
/// English ("en").
pub const MOMO_LANG_EN: momo_lang = 2;

/// `None` for MOMO_LANG_DEFAULT.
pub(crate) fn lang_arg(lang: momo_lang, param: &'static str) -> Result<Option<Lang>, Failure> {
    match lang {
        MOMO_LANG_DEFAULT => Ok(None),
        MOMO_LANG_VI => Ok(Some(Lang::Vi)),
        MOMO_LANG_EN => Ok(Some(Lang::En)),
        other => Err(Failure::boundary(
            momo_result::MOMO_RESULT_INVALID_ARGUMENT,
            param,
            format!("{other} is not a MOMO_LANG_* value"),
        )),
    }
}

/// A merchant's client: credentials, gateway, amount limits, language.
/// Immutable once made: one client may be used by any number of threads at
/// once. Free it with momo_client_free().
#[derive(Debug)]
pub struct momo_client {
    pub(crate) inner: Client,
    base_url: CText,
}

impl momo_client {
    pub(crate) fn new(inner: Client) -> Self {
        Self {
            inner,
            base_url: CText::default(),
        }
    }
}

/// Makes a client from MoMo's credentials and a gateway.
///
/// `environment` is "test" (https://test-payment.momo.vn), "production"
/// (https://payment.momo.vn) or a base URL of your own such as
/// "http://127.0.0.1:8080". Amount limits default to Quick Pay's 1,000 to
/// 5,000,000 VND and the language to Vietnamese. The secret key is kept only
/// as a keyed HMAC state, never shown.
#[no_mangle]
pub unsafe extern "C" fn momo_client_new(
    partner_code: *const c_char,
    partner_code_len: usize,
    access_key: *const c_char,
    access_key_len: usize,
    secret_key: *const c_char,
    secret_key_len: usize,
    environment: *const c_char,
    environment_len: usize,
    out: *mut *mut momo_client,
) -> momo_result {
    call(|| {
        // SAFETY (all inputs): pointer + length pairs and an out-pointer as
        // documented in the header; each is checked before use.
        let out = unsafe { Out::new(out, "out") }?;
        let partner_code = unsafe { text(partner_code, partner_code_len, "partner_code") }?;
        let access_key = unsafe { text(access_key, access_key_len, "access_key") }?;
        let secret_key = unsafe { text(secret_key, secret_key_len, "secret_key") }?;
        let environment = unsafe { text(environment, environment_len, "environment") }?;
        let credentials = Credentials::new(CredentialFields {
            partner_code,
            access_key,
            secret_key,
        })?;
        let environment: Environment = environment.parse()?;
        new_handle(out, momo_client::new(Client::new(credentials, environment)));
        Ok(())
    })
}

/// A copy of `client` enforcing other amount bounds, in VND (a contract
/// with other caps). `client` is unchanged.
#[no_mangle]
pub unsafe extern "C" fn momo_client_with_amount_limits(
    client: *const momo_client,
    min_amount: u64,
    max_amount: u64,
    out: *mut *mut momo_client,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let limits = AmountLimits::new(min_amount, max_amount)?;
        let inner = client.inner.clone().with_amount_limits(limits);
        new_handle(out, momo_client::new(inner));
        Ok(())
    })
}

/// A copy of `client` whose requests ask MoMo for messages in `lang`
/// (MOMO_LANG_VI or MOMO_LANG_EN; MOMO_LANG_DEFAULT means Vietnamese).
#[no_mangle]
pub unsafe extern "C" fn momo_client_with_lang(
    client: *const momo_client,
    lang: momo_lang,
    out: *mut *mut momo_client,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        let lang = lang_arg(lang, "lang")?.unwrap_or_default();
        new_handle(out, momo_client::new(client.inner.clone().with_lang(lang)));
        Ok(())
    })
}

/// The base URL requests go to, e.g. "https://test-payment.momo.vn".
#[no_mangle]
pub unsafe extern "C" fn momo_client_base_url(
    client: *const momo_client,
    out: *mut momo_str,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let client = unsafe { handle(client, "client") }?;
        out.write(client.base_url.view(client.inner.environment().base_url()));
        Ok(())
    })
}

/// Releases a client. NULL is a no-op. No other thread may still use it.
#[no_mangle]
pub unsafe extern "C" fn momo_client_free(client: *mut momo_client) {
    // SAFETY: NULL or a client from momo_client_new*, not used afterwards.
    call_void(|| unsafe { free_handle(client) });
}
