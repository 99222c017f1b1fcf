//! Payment codes: normalization into a caller buffer, MoMo's public key and
//! RSA encryption. None of this needs the merchant's secret.

use std::ffi::c_char;

use super::buffer::momo_buffer;
use super::guard::{call, call_void, Failure};
use super::input::{free_handle, handle, new_handle, text, Out};
use super::result::momo_result;
use momo::{MomoPublicKey, PaymentCode};

/// Capacity that always fits a normalized payment code and its NUL
/// ("MM" + 18 digits + NUL).
// Read by C programs through the header, not by Rust.
#[allow(dead_code)]
pub const MOMO_PAYMENT_CODE_BUFFER_LEN: usize = 21;

/// MoMo's RSA public key, parsed once. Immutable: may be shared by any
/// number of threads. Free it with momo_public_key_free().
#[derive(Debug)]
pub struct momo_public_key {
    inner: MomoPublicKey,
}

/// Parses MoMo's public key: the portal's base64 DER ("MIIBIjANBgkq..."),
/// PEM "BEGIN PUBLIC KEY" or PEM "BEGIN RSA PUBLIC KEY"; 2048 to 4096 bits.
#[no_mangle]
pub unsafe extern "C" fn momo_public_key_parse(
    key_text: *const c_char,
    key_text_len: usize,
    out: *mut *mut momo_public_key,
) -> momo_result {
    call(|| {
        // SAFETY: documented pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let key_text = unsafe { text(key_text, key_text_len, "key_text") }?;
        let inner = MomoPublicKey::parse(key_text)?;
        new_handle(out, momo_public_key { inner });
        Ok(())
    })
}

/// The key's modulus length in bits.
#[no_mangle]
pub unsafe extern "C" fn momo_public_key_bits(
    key: *const momo_public_key,
    out_bits: *mut usize,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle and out-pointer contracts.
        let out = unsafe { Out::new(out_bits, "out_bits") }?;
        let key = unsafe { handle(key, "key") }?;
        out.write(key.inner.bits());
        Ok(())
    })
}

/// Releases a key. NULL is a no-op. No other thread may still use it.
#[no_mangle]
pub unsafe extern "C" fn momo_public_key_free(key: *mut momo_public_key) {
    // SAFETY: NULL or a key from momo_public_key_parse, not used afterwards.
    call_void(|| unsafe { free_handle(key) });
}

/// Normalizes a scanned payment code (scanner noise such as CR/LF, spaces
/// and AIM prefixes like "]Q1" removed) into `out`, NUL-terminated.
///
/// `*out_len` receives the code's length without the NUL, on success and
/// on MOMO_RESULT_BUFFER_TOO_SMALL (then `out_cap` must be at least
/// `*out_len + 1`; MOMO_PAYMENT_CODE_BUFFER_LEN always suffices). A code
/// that is not a MoMo payment code gives MOMO_RESULT_INVALID_PAYMENT_CODE
/// with the reason in momo_last_error_message().
#[no_mangle]
pub unsafe extern "C" fn momo_payment_code_normalize(
    scanned: *const c_char,
    scanned_len: usize,
    out: *mut c_char,
    out_cap: usize,
    out_len: *mut usize,
) -> momo_result {
    call(|| {
        // SAFETY: documented contracts; `out` is checked for NULL here and
        // written only within `out_cap` bytes below.
        let out_len = unsafe { Out::new(out_len, "out_len") }?;
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        let scanned = unsafe { text(scanned, scanned_len, "scanned") }?;
        let code = PaymentCode::parse(scanned)?;
        let code = code.as_str().as_bytes();
        if out_cap <= code.len() {
            out_len.write(code.len());
            return Err(Failure::boundary(
                momo_result::MOMO_RESULT_BUFFER_TOO_SMALL,
                "out_cap",
                format!("is {out_cap}; {} bytes are needed", code.len() + 1),
            ));
        }
        // SAFETY: `out` is non-NULL and the caller guarantees `out_cap`
        // writable bytes; code.len() + 1 <= out_cap. Distinct allocations
        // (ours and the caller's) cannot overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(code.as_ptr(), out.cast::<u8>(), code.len());
            out.add(code.len()).write(0);
        }
        out_len.write(code.len());
        Ok(())
    })
}

/// Normalizes a scanned payment code and RSA-encrypts it (PKCS#1 v1.5)
/// under `key`: `*out` receives the base64 text that goes in the pos
/// request's paymentCode. Random padding: two calls give different text.
#[no_mangle]
pub unsafe extern "C" fn momo_public_key_encrypt(
    key: *const momo_public_key,
    scanned: *const c_char,
    scanned_len: usize,
    out: *mut *mut momo_buffer,
) -> momo_result {
    call(|| {
        // SAFETY: documented handle, pointer + length and out-pointer contracts.
        let out = unsafe { Out::new(out, "out") }?;
        let key = unsafe { handle(key, "key") }?;
        let scanned = unsafe { text(scanned, scanned_len, "scanned") }?;
        let code = PaymentCode::parse(scanned)?;
        let encrypted = key.inner.encrypt(&code)?;
        new_handle(out, momo_buffer::from_text(encrypted.as_str()));
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn buffer_len_fits_the_longest_code() {
        assert_eq!(
            super::MOMO_PAYMENT_CODE_BUFFER_LEN,
            2 + momo::CODE_DIGITS + 1
        );
    }
}
