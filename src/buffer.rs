//! Text going out to C: [`momo_str`] views borrowed from a handle, and
//! [`momo_buffer`]s owned by the caller until momo_buffer_free().
//!
//! Rust strings are not NUL-terminated, and C callers (libcurl's URL,
//! printf) want them to be: handles keep NUL-terminated copies, made on the
//! first access ([`CText`]) so that calls nobody reads from pay nothing.

use std::ffi::c_char;
use std::sync::OnceLock;

use super::guard::{call_void, value};
use super::input::free_handle;

/// A view of text owned by a handle: `data` is never NULL and is
/// NUL-terminated; `len` excludes the terminator. Valid until the handle it
/// came from is freed (a momo_driver's: until the next event, tick or
/// decision fed to it, even a failed one). Text received from MoMo may in principle contain a
/// NUL (a JSON "\u0000"): `len` is the exact length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct momo_str {
    /// NUL-terminated UTF-8.
    pub data: *const c_char,
    /// Length in bytes, without the terminator.
    pub len: usize,
}

/// Bytes with a NUL after them.
fn nul_terminated(text: &[u8]) -> Box<[u8]> {
    let mut bytes = Vec::with_capacity(text.len() + 1);
    bytes.extend_from_slice(text);
    bytes.push(0);
    bytes.into_boxed_slice()
}

/// A lazily made NUL-terminated copy of one field. `OnceLock` keeps the
/// handle `Sync` where the handle is shared.
#[derive(Debug, Default)]
pub(crate) struct CText(OnceLock<Box<[u8]>>);

impl CText {
    /// The view of `text`, copied on the first call. `text` must be the
    /// same on every call (it is a field of the immutable owner).
    pub(crate) fn view(&self, text: &str) -> momo_str {
        as_view(self.0.get_or_init(|| nul_terminated(text.as_bytes())))
    }

    /// The view of a text made on the first call only.
    pub(crate) fn view_with(&self, make: impl FnOnce() -> String) -> momo_str {
        as_view(self.0.get_or_init(|| nul_terminated(make().as_bytes())))
    }
}

fn as_view(bytes: &[u8]) -> momo_str {
    momo_str {
        data: bytes.as_ptr().cast::<c_char>(),
        len: bytes.len().saturating_sub(1),
    }
}

/// A view of static text with its terminator (a `c"..."` literal).
pub(crate) fn static_view(text: &'static std::ffi::CStr) -> momo_str {
    momo_str {
        data: text.as_ptr(),
        len: text.count_bytes(),
    }
}

/// Bytes owned by the caller: read them with momo_buffer_data() and
/// momo_buffer_len(), release them with momo_buffer_free().
#[derive(Debug)]
pub struct momo_buffer {
    /// The content followed by a NUL.
    bytes: Box<[u8]>,
}

impl momo_buffer {
    pub(crate) fn from_text(text: &str) -> Self {
        Self {
            bytes: nul_terminated(text.as_bytes()),
        }
    }
}

/// The buffer's bytes, followed by a NUL so text can be used as a C string.
/// NULL only when `buffer` is NULL.
#[no_mangle]
pub unsafe extern "C" fn momo_buffer_data(buffer: *const momo_buffer) -> *const c_char {
    value(std::ptr::null(), || {
        // SAFETY: NULL or a live momo_buffer (documented contract).
        match unsafe { buffer.as_ref() } {
            Some(buffer) => buffer.bytes.as_ptr().cast::<c_char>(),
            None => std::ptr::null(),
        }
    })
}

/// The buffer's length in bytes, without the NUL; 0 when `buffer` is NULL.
#[no_mangle]
pub unsafe extern "C" fn momo_buffer_len(buffer: *const momo_buffer) -> usize {
    value(0, || {
        // SAFETY: NULL or a live momo_buffer (documented contract).
        unsafe { buffer.as_ref() }.map_or(0, |b| b.bytes.len().saturating_sub(1))
    })
}

/// Releases a buffer. NULL is a no-op.
#[no_mangle]
pub unsafe extern "C" fn momo_buffer_free(buffer: *mut momo_buffer) {
    // SAFETY: NULL or a buffer from this library, not used afterwards.
    call_void(|| unsafe { free_handle(buffer) });
}
