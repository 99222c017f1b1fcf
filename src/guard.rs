//! Every entry point runs inside [`call`]: panics are caught, and a failure
//! is recorded as the calling thread's last error before its code returns.
//!
//! The last error lives in a thread-local, like `errno`, so a failure's
//! details need no allocation by the caller and no extra out-parameter:
//! momo_last_error_message() and momo_last_error_field() read it. Success
//! leaves it alone (clearing it would cost every fast call).

use std::cell::RefCell;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::result::momo_result;
use momo::Error;

/// Why a call failed: a core error, or a problem at the C boundary.
#[derive(Debug)]
pub(crate) enum Failure {
    Core(Error),
    Boundary {
        code: momo_result,
        field: &'static str,
        reason: String,
    },
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self::Core(error)
    }
}

impl Failure {
    pub(crate) fn boundary(
        code: momo_result,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        Self::Boundary {
            code,
            field,
            reason: reason.into(),
        }
    }

    pub(crate) fn null(field: &'static str) -> Self {
        Self::boundary(momo_result::MOMO_RESULT_NULL_POINTER, field, "is NULL")
    }

    pub(crate) fn code(&self) -> momo_result {
        match self {
            Self::Core(error) => momo_result::from_kind(error.kind()),
            Self::Boundary { code, .. } => *code,
        }
    }

    fn record(self) -> momo_result {
        let code = self.code();
        let (message, field) = match self {
            Self::Core(error) => (error.to_string(), error.field().unwrap_or("").to_owned()),
            Self::Boundary { field, reason, .. } => (
                if field.is_empty() {
                    reason
                } else {
                    format!("{field}: {reason}")
                },
                field.to_owned(),
            ),
        };
        LAST_ERROR.with(|last| {
            *last.borrow_mut() = LastError {
                code,
                message: c_string(message),
                field: c_string(field),
            };
        });
        code
    }
}

/// A C string of `text`, with any NUL (a JSON `\u0000` echoed in a
/// message) replaced so the text is never cut short silently.
fn c_string(text: String) -> CString {
    let text = if text.contains('\0') {
        text.replace('\0', "\u{fffd}")
    } else {
        text
    };
    CString::new(text).unwrap_or_default()
}

struct LastError {
    code: momo_result,
    message: CString,
    field: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        code: momo_result::MOMO_RESULT_OK,
        message: CString::default(),
        field: CString::default(),
    });
}

/// Runs one entry point: `f`'s error, or a panic, becomes the returned code
/// and the thread's last error.
pub(crate) fn call(f: impl FnOnce() -> Result<(), Failure>) -> momo_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => momo_result::MOMO_RESULT_OK,
        Ok(Err(failure)) => failure.record(),
        Err(_) => Failure::boundary(
            momo_result::MOMO_RESULT_PANIC,
            "",
            "internal error: momo-pos panicked (please report it)",
        )
        .record(),
    }
}

/// For entry points that return no code (the `_free` functions, getters):
/// a panic is swallowed and recorded rather than unwinding into C.
pub(crate) fn call_void(f: impl FnOnce()) {
    let _ = call(|| {
        f();
        Ok(())
    });
}

/// For the getters that return a value rather than a code: a panic gives
/// `fallback` instead of unwinding into C.
pub(crate) fn value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// The momo_result of the last failed call on this thread
/// (MOMO_RESULT_OK if none failed yet).
#[no_mangle]
pub extern "C" fn momo_last_error_code() -> momo_result {
    value(momo_result::MOMO_RESULT_PANIC, || {
        LAST_ERROR
            .try_with(|last| last.borrow().code)
            .unwrap_or(momo_result::MOMO_RESULT_OK)
    })
}

/// The detailed message of the last failed call on this thread, e.g.
/// "amount: 999 is below the minimum of 1000", or "" if none failed yet.
/// Never NULL. Owned by the library: valid until the next failing momo_
/// call on this thread; copy it to keep it.
#[no_mangle]
pub extern "C" fn momo_last_error_message() -> *const c_char {
    value(c"".as_ptr(), || {
        LAST_ERROR
            .try_with(|last| last.borrow().message.as_ptr())
            .unwrap_or(c"".as_ptr())
    })
}

/// The field the last failure on this thread concerns, in MoMo's camelCase
/// name ("orderId", "items[2].totalPrice", "signature") or the C parameter
/// name for boundary errors ("out", "order_id"); "" when no single field is
/// to blame. Never NULL; same lifetime as momo_last_error_message().
#[no_mangle]
pub extern "C" fn momo_last_error_field() -> *const c_char {
    value(c"".as_ptr(), || {
        LAST_ERROR
            .try_with(|last| last.borrow().field.as_ptr())
            .unwrap_or(c"".as_ptr())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_message() -> String {
        // SAFETY: momo_last_error_message never returns NULL and the text
        // lives until the next failing call on this thread.
        unsafe { CStr::from_ptr(momo_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_a_code() {
        let code = call(|| panic!("boom"));
        assert_eq!(code, momo_result::MOMO_RESULT_PANIC);
        assert_eq!(momo_last_error_code(), momo_result::MOMO_RESULT_PANIC);
        assert!(last_message().contains("panicked"));
        call_void(|| panic!("boom in free"));
        assert_eq!(value(7, || panic!("boom in a getter")), 7);
    }

    #[test]
    fn core_errors_keep_message_and_field() {
        let code = call(|| {
            Err(Error::MissingField {
                field: "orderId".into(),
            }
            .into())
        });
        assert_eq!(code, momo_result::MOMO_RESULT_MISSING_FIELD);
        assert_eq!(last_message(), "orderId: required field is missing");
        // SAFETY: never NULL, valid until the next failing call.
        let field = unsafe { CStr::from_ptr(momo_last_error_field()) };
        assert_eq!(field.to_str().unwrap(), "orderId");
    }

    #[test]
    fn nul_in_a_message_is_replaced() {
        let code = call(|| {
            Err(Error::InvalidField {
                field: "message".into(),
                reason: "has \0 inside".into(),
            }
            .into())
        });
        assert_eq!(code, momo_result::MOMO_RESULT_INVALID_FIELD);
        assert_eq!(last_message(), "message: has \u{fffd} inside");
    }
}
