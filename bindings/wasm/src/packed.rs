//! The two hottest results (a verified IPN, a signed request) built by an
//! object literal in JS from one packed string.
//!
//! Measured in Node 20 on a verified IPN: `JSON.parse` of the result text
//! (with the UTF-8 decode before it) took about 3 µs, a third of the whole
//! `verifyIpn`; one decode and a literal of `slice`s take about 0.6 µs.
//! Every text field is appended to one string; JS gets that string once and
//! the UTF-16 end of each field, and slices.
//!
//! The literals are in the npm package's `js/packed.cjs`, which its entries
//! register (so the module needs no JS file of its own, which bundlers and
//! Workers would have to find). Without them (the module used bare, as in
//! `tests/wasm.rs`) the results are built from their serde forms, as
//! before. The literals must name the fields the serde forms do, in the
//! same order: `api.test.mjs` compares the two, field by field and in
//! order, and `types-drift.test.mjs` checks both against the declarations.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::error::JsResult;
use super::input::MAX_SAFE_INTEGER;
use super::names::{category, next_step};
use super::output;
use momo_pos::{Notification, SignedRequest};

#[wasm_bindgen]
extern "C" {
    /// The package's `objectBuilders` (bindings/npm/js/packed.cjs).
    pub type ObjectBuilders;

    #[wasm_bindgen(method, js_name = notificationObject)]
    #[allow(clippy::too_many_arguments)]
    fn notification_object(
        this: &ObjectBuilders,
        text: &str,
        ends: &[u32],
        amount: f64,
        result_code: f64,
        response_time: f64,
        has_partner_user_id: bool,
        is_paid: bool,
        is_final: bool,
    ) -> JsValue;

    #[wasm_bindgen(method, js_name = requestObject)]
    fn request_object(this: &ObjectBuilders, text: &str, ends: &[u32], timeout_ms: f64) -> JsValue;
}

thread_local! {
    static BUILDERS: RefCell<Option<ObjectBuilders>> = const { RefCell::new(None) };
}

/// Registers the package's object builders (its entries do, on load);
/// `null` goes back to building results through JSON, which the npm tests
/// compare with.
#[wasm_bindgen(js_name = "__setObjectBuilders", skip_typescript)]
pub fn set_object_builders(builders: Option<ObjectBuilders>) {
    BUILDERS.with(|slot| *slot.borrow_mut() = builders);
}

/// `make` with the registered builders; `None` when there are none.
fn with_builders(
    make: impl FnOnce(&ObjectBuilders) -> JsResult<JsValue>,
) -> Option<JsResult<JsValue>> {
    // The builders only build literals: they never call back into the
    // module, so the borrow cannot be met by another.
    BUILDERS.with(|slot| slot.borrow().as_ref().map(make))
}

/// Text fields appended to one string, with the UTF-16 end of each.
struct Packer<const N: usize> {
    text: String,
    ends: [u32; N],
    count: usize,
    end: u32,
}

impl<const N: usize> Packer<N> {
    fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            ends: [0; N],
            count: 0,
            end: 0,
        }
    }

    fn push(&mut self, field: &str) {
        self.text.push_str(field);
        let units = utf16_len(field);
        // Fields come from bodies of at most 64 KiB: far below u32::MAX.
        self.end = self
            .end
            .saturating_add(u32::try_from(units).unwrap_or(u32::MAX));
        if let Some(slot) = self.ends.get_mut(self.count) {
            *slot = self.end;
        }
        self.count += 1;
    }
}

/// The length of `text` in UTF-16 units, which `String.prototype.slice`
/// counts: one per UTF-8 sequence, two for the four-byte ones. A byte-wise
/// count that the compiler vectorizes; `chars()` was 6% of a signed request.
fn utf16_len(text: &str) -> usize {
    text.bytes()
        .map(|b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
        .sum()
}

/// A number JS holds exactly, or the error the JSON path gave for one it
/// cannot (`JSON.parse` would round it without a word).
fn exact(value: u64) -> JsResult<f64> {
    if value > MAX_SAFE_INTEGER {
        return Err(output::unreturnable(output::beyond_safe_integer(value)));
    }
    // Exact: at most 2^53 - 1.
    #[allow(clippy::cast_precision_loss)]
    Ok(value as f64)
}

fn exact_signed(value: i64) -> JsResult<f64> {
    let magnitude = exact(value.unsigned_abs())?;
    Ok(if value < 0 { -magnitude } else { magnitude })
}

/// A verified IPN as JS sees it (`Notification` in the types); `None`
/// without registered builders.
pub(crate) fn notification(n: &Notification) -> Option<JsResult<JsValue>> {
    with_builders(|builders| {
        let info = n.result();
        let dedupe_key = n.dedupe_key().to_string();
        let mut p = Packer::<15>::with_capacity(256 + n.order_info.len() + n.extra_data.len());
        for field in [
            n.partner_code.as_str(),
            &n.order_id,
            &n.request_id,
            &n.order_info,
            &n.order_type,
            n.trans_id.as_str(),
            &n.message,
            &n.pay_type,
            &n.extra_data,
            n.partner_user_id.as_deref().unwrap_or(""),
            &dedupe_key,
            info.message_en,
            info.message_vi,
            category(info.category),
            next_step(info.next_step),
        ] {
            p.push(field);
        }
        Ok(builders.notification_object(
            &p.text,
            &p.ends,
            exact(n.amount)?,
            exact_signed(n.result_code)?,
            exact(n.response_time)?,
            n.partner_user_id.is_some(),
            n.is_paid(),
            info.is_final,
        ))
    })
}

/// A signed request as JS sees it (`SignedRequest` in the types); `None`
/// without registered builders.
pub(crate) fn request(r: &SignedRequest) -> Option<JsResult<JsValue>> {
    with_builders(|builders| {
        let [(_, content_type)] = r.headers();
        let mut p = Packer::<10>::with_capacity(128 + 2 * r.body_str().len());
        for field in [
            r.url(),
            r.path(),
            content_type,
            r.body_str(),
            r.raw_signature(),
            r.signature(),
            r.partner_code(),
            r.order_id(),
            r.request_id(),
        ] {
            p.push(field);
        }
        let timeout_ms = u64::try_from(r.timeout().as_millis()).unwrap_or(u64::MAX);
        Ok(builders.request_object(&p.text, &p.ends, exact(timeout_ms)?))
    })
}
