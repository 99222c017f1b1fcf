//! The C ABI: a thin layer over the Rust API for C and C++ programs.
//!
//! Conventions follow rustls-ffi: every operation returns a [`momo_result`]
//! and catches panics ([`guard`]); inputs are pointer + length, checked in
//! [`input`]; handles are boxed Rust values released by their `_free`
//! function; outputs are written only on success. No protocol rule lives
//! here: each function converts its arguments, calls the core and converts
//! the answer.
//!
//! The header `include/momo_pos.h` is generated from these modules by
//! cbindgen (build.rs); `bindings/cpp/momo_pos.hpp` wraps it for C++.

// The C ABI is the one place where the crate needs `unsafe`: raw pointers
// cross the boundary. Each use carries a SAFETY comment.
#![allow(unsafe_code)]
// The C names (momo_client, momo_str...) are the API.
#![allow(non_camel_case_types)]

mod buffer;
mod client;
mod code;
mod driver;
mod extra_data;
mod guard;
mod input;
mod ipn;
mod pos;
mod refund;
mod request;
mod response;
mod result;
mod result_code;
mod version;

// Raw-pointer tests for Miri (issue 7).
#[cfg(test)]
mod miri_tests;

#[cfg(test)]
mod tests {
    /// The header promises that these handles may be shared by threads.
    #[test]
    fn shared_handles_are_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::client::momo_client>();
        assert_send_sync::<super::code::momo_public_key>();
        assert_send_sync::<super::request::momo_request>();
        assert_send_sync::<super::ipn::momo_notification>();
        assert_send_sync::<super::response::momo_response>();
        assert_send_sync::<super::buffer::momo_buffer>();
    }

    /// A driver may be handed to another thread (a lock makes it shareable).
    #[test]
    fn driver_is_send() {
        fn assert_send<T: Send>() {}
        assert_send::<super::driver::momo_driver>();
        assert_send::<super::driver::refund::momo_refund_driver>();
        assert_send::<super::refund::momo_refund>();
    }
}
