//! Arguments coming from C: pointer + length inputs, handle pointers and
//! out-pointers, each checked before use.

use std::ffi::c_char;

use super::guard::Failure;
use super::result::momo_result;

/// Longest input any function reads, in bytes (1 MiB). Far above every
/// protocol limit (bodies are refused past 64 KiB by the core); a longer
/// length is a caller bug such as `SIZE_MAX`, refused before any byte is
/// read.
pub const MOMO_MAX_INPUT_LEN: usize = 1 << 20;

/// Largest received body (IPN or answer) that is parsed, in bytes (64 KiB,
/// the core's `MAX_BODY_BYTES`); a longer one is MOMO_RESULT_BODY_TOO_LARGE,
/// refused before parsing.
// For the header (cbindgen): the core enforces the limit, C reads the number.
#[allow(dead_code)]
pub const MOMO_MAX_BODY_BYTES: usize = 64 * 1024;

/// Most keys in one object of a received body (the core's `MAX_KEYS`); one
/// more is MOMO_RESULT_JSON_LIMIT, and reading stops there.
#[allow(dead_code)]
pub const MOMO_MAX_KEYS: usize = 128;

/// Longest key in a received body, in bytes as written (the core's
/// `MAX_KEY_BYTES`); a longer one is MOMO_RESULT_JSON_LIMIT.
#[allow(dead_code)]
pub const MOMO_MAX_KEY_BYTES: usize = 64;

/// Most values in a received body, nested ones and array elements counted
/// (the core's `MAX_VALUES`); one more is MOMO_RESULT_JSON_LIMIT.
#[allow(dead_code)]
pub const MOMO_MAX_VALUES: usize = 512;

/// Longest string value in a received body, in bytes as written
/// between its quotes (the core's `MAX_STRING_BYTES`); a longer one is
/// MOMO_RESULT_JSON_LIMIT.
#[allow(dead_code)]
pub const MOMO_MAX_STRING_BYTES: usize = 4096;

/// Most escape sequences in a received body, a surrogate pair counted once
/// (the core's `MAX_ESCAPES`); one more is MOMO_RESULT_JSON_LIMIT.
#[allow(dead_code)]
pub const MOMO_MAX_ESCAPES: usize = 2048;

/// Deepest nesting of arrays and objects inside a field of a received body
/// (the core's `MAX_DEPTH`); one more level is MOMO_RESULT_JSON_LIMIT.
#[allow(dead_code)]
pub const MOMO_MAX_DEPTH: usize = 16;

/// Raw bytes (a received body): only the pointer and length are checked.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(
    ptr: *const u8,
    len: usize,
    param: &'static str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(Failure::null(param));
    }
    if len > MOMO_MAX_INPUT_LEN {
        return Err(Failure::boundary(
            momo_result::MOMO_RESULT_INPUT_TOO_LONG,
            param,
            format!("length {len} exceeds MOMO_MAX_INPUT_LEN ({MOMO_MAX_INPUT_LEN})"),
        ));
    }
    // SAFETY: non-NULL, len bounded (<= isize::MAX), and the caller
    // guarantees `len` readable bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Text: UTF-8 without NUL bytes (a NUL would be cut by any C consumer of
/// the output, so it is refused rather than signed).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(
    ptr: *const c_char,
    len: usize,
    param: &'static str,
) -> Result<&'a str, Failure> {
    // SAFETY: forwarded caller contract.
    let raw = unsafe { bytes(ptr.cast::<u8>(), len, param) }?;
    let text = std::str::from_utf8(raw).map_err(|e| {
        Failure::boundary(
            momo_result::MOMO_RESULT_INVALID_UTF8,
            param,
            format!("is not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    if let Some(at) = raw.iter().position(|b| *b == 0) {
        return Err(Failure::boundary(
            momo_result::MOMO_RESULT_EMBEDDED_NUL,
            param,
            format!("contains a NUL byte at {at}"),
        ));
    }
    Ok(text)
}

/// Optional text: NULL means absent.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn opt_text<'a>(
    ptr: *const c_char,
    len: usize,
    param: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded caller contract.
    unsafe { text(ptr, len, param) }.map(Some)
}

/// A shared handle.
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` made by this library, not
/// mutated during `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, param: &'static str) -> Result<&'a T, Failure> {
    // SAFETY: caller contract; NULL is turned into an error.
    unsafe { ptr.as_ref() }.ok_or_else(|| Failure::null(param))
}

/// An exclusively borrowed handle (setters).
///
/// # Safety
/// `ptr` is NULL or a live handle of type `T` made by this library, used by
/// no other thread during `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(
    ptr: *mut T,
    param: &'static str,
) -> Result<&'a mut T, Failure> {
    // SAFETY: caller contract; NULL is turned into an error.
    unsafe { ptr.as_mut() }.ok_or_else(|| Failure::null(param))
}

/// An out-pointer, checked before any work so that nothing is computed (or
/// leaked) for a call that cannot deliver its result.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    /// # Safety
    /// `ptr` is NULL or valid for a write of `T`.
    pub(crate) unsafe fn new(ptr: *mut T, param: &'static str) -> Result<Self, Failure> {
        if ptr.is_null() {
            Err(Failure::null(param))
        } else {
            Ok(Self(ptr))
        }
    }

    pub(crate) fn write(self, value: T) {
        // SAFETY: non-NULL and valid for writes (contract of `new`); `write`
        // does not drop the caller's uninitialized old value.
        unsafe { self.0.write(value) }
    }
}

/// Boxes a value as a new handle for an out-pointer.
pub(crate) fn new_handle<T>(out: Out<*mut T>, value: T) {
    out.write(Box::into_raw(Box::new(value)));
}

/// Releases a handle made by [`new_handle`]; NULL is a no-op.
///
/// # Safety
/// `ptr` is NULL or a handle of type `T` made by this library and not yet
/// freed; it is not used afterwards.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: made by Box::into_raw in new_handle, freed once (contract).
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// An accessor: reads one value of a shared handle into an out-pointer.
///
/// # Safety
/// `ptr` as in [`handle`]; `out` NULL or valid for a write of `V`.
pub(crate) unsafe fn read<T, V>(
    ptr: *const T,
    param: &'static str,
    out: *mut V,
    pick: impl FnOnce(&T) -> Result<V, Failure>,
) -> momo_result {
    super::guard::call(|| {
        // SAFETY: forwarded caller contract.
        let out = unsafe { Out::new(out, "out") }?;
        let value = pick(unsafe { handle(ptr, param) }?)?;
        out.write(value);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    /// The header's number is the core's (cbindgen cannot read a path).
    #[test]
    fn body_limit_is_the_cores() {
        assert_eq!(super::MOMO_MAX_BODY_BYTES, momo::MAX_BODY_BYTES);
        assert_eq!(super::MOMO_MAX_KEYS, momo::MAX_KEYS);
        assert_eq!(super::MOMO_MAX_VALUES, momo::MAX_VALUES);
        assert_eq!(super::MOMO_MAX_STRING_BYTES, momo::MAX_STRING_BYTES);
        assert_eq!(super::MOMO_MAX_DEPTH, momo::MAX_DEPTH);
        assert_eq!(super::MOMO_MAX_ESCAPES, momo::MAX_ESCAPES);
        assert_eq!(super::MOMO_MAX_KEY_BYTES, momo::MAX_KEY_BYTES);
    }
}
