//! MoMo's result codes explained: message in Vietnamese and English,
//! finality, category and the host's next step.

use std::collections::BTreeMap;
use std::ffi::{c_char, CString};
use std::sync::Mutex;

use super::guard::{call, Failure};
use super::input::Out;
use super::result::momo_result;
use momo::explain;
use momo::result_code::{catalogue, ResultCodeInfo};

/// What a MoMo resultCode means. Every string is static: never freed, never
/// NULL, valid for the life of the program.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_result_code_info {
    /// The resultCode looked up.
    pub code: i64,
    /// MoMo's message in English.
    pub message_en: *const c_char,
    /// MoMo's message in Vietnamese.
    pub message_vi: *const c_char,
    /// True when the transaction will not change any more.
    pub is_final: bool,
    /// False for a code missing from the table (then: not final, query).
    pub is_known: bool,
    /// True for 0 only: paid.
    pub is_success: bool,
    /// "paid", "authorized", "pending", "declined", "rejected" or "unknown".
    pub category: *const c_char,
    /// "done", "capture_or_cancel", "query", "refresh_payment_code",
    /// "fix_request" or "contact_momo".
    pub next_step: *const c_char,
}

/// NUL-terminated copies of the catalogue's static texts, made once each
/// (the table is finite, so this never grows past it) and kept for the
/// life of the program so the pointers handed out stay valid.
static INTERNED: Mutex<BTreeMap<(usize, usize), CString>> = Mutex::new(BTreeMap::new());

fn c_static(text: &'static str) -> *const c_char {
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    interned
        .entry((text.as_ptr() as usize, text.len()))
        .or_insert_with(|| CString::new(text).unwrap_or_default())
        .as_ptr()
}

/// Explains a resultCode. A code missing from the table is not an error:
/// it comes back with is_known false, not final, next step "query".
#[no_mangle]
pub unsafe extern "C" fn momo_result_code_explain(
    code: i64,
    out: *mut momo_result_code_info,
) -> momo_result {
    call(|| {
        // SAFETY: documented out-pointer contract.
        let out = unsafe { Out::new(out, "out") }?;
        out.write(c_info(&explain(code)));
        Ok(())
    })
}

fn c_info(info: &ResultCodeInfo) -> momo_result_code_info {
    momo_result_code_info {
        code: info.code,
        message_en: c_static(info.message_en),
        message_vi: c_static(info.message_vi),
        is_final: info.is_final,
        is_known: info.is_known(),
        is_success: info.is_success(),
        category: c_static(info.category.as_str()),
        next_step: c_static(info.next_step.as_str()),
    }
}

/// How many codes the catalogue has (for momo_result_code_catalogue_get).
#[no_mangle]
pub unsafe extern "C" fn momo_result_code_catalogue_len(out_len: *mut usize) -> momo_result {
    call(|| {
        // SAFETY: documented out-pointer contract.
        let out = unsafe { Out::new(out_len, "out_len") }?;
        out.write(catalogue().len());
        Ok(())
    })
}

/// The catalogue's entry `index` (sorted by code, 0-based):
/// MOMO_RESULT_INVALID_ARGUMENT past the end.
#[no_mangle]
pub unsafe extern "C" fn momo_result_code_catalogue_get(
    index: usize,
    out: *mut momo_result_code_info,
) -> momo_result {
    call(|| {
        // SAFETY: documented out-pointer contract.
        let out = unsafe { Out::new(out, "out") }?;
        let info = catalogue().get(index).ok_or_else(|| {
            Failure::boundary(
                momo_result::MOMO_RESULT_INVALID_ARGUMENT,
                "index",
                format!(
                    "{index} is past the catalogue's {} codes",
                    catalogue().len()
                ),
            )
        })?;
        out.write(c_info(info));
        Ok(())
    })
}
