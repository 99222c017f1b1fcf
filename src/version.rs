//! The library's version, to compare with the header's MOMO_POS_VERSION.

use std::ffi::{c_char, CStr};

const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(version) => version,
        Err(_) => c"unknown",
    };

// No panic guard: it returns a constant and cannot panic.
/// The version of the linked library, e.g. "0.1.0". Static, never NULL.
/// Compare with MOMO_POS_VERSION to detect a header/library mismatch.
#[no_mangle]
pub extern "C" fn momo_version() -> *const c_char {
    VERSION.as_ptr()
}
