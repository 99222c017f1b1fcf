//! The JS names of the core's string unions: one casing, camelCase, for
//! every string the JS API takes or returns (`"captureOrCancel"`,
//! `"invalidPaymentCode"`, `"deadlinePassed"`, `"stale"`...).
//!
//! The core's `as_str` names are snake_case and shared by the C ABI and the
//! CLI; only the multi-word ones differ in JS, and they are mapped here, at
//! the boundary. Each mapping is an exhaustive `match`, so a new variant in
//! the core does not compile until it has its JS name. The npm tests
//! (`bindings/npm/test/casing.test.mjs`) check that every name is the
//! camelCase of the core's, that every string-literal type in the shipped
//! declarations is camelCase, and that what the package returns is in them.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use wasm_bindgen::JsValue;

use momo_pos::result_code::{Category, NextStep, ResultCodeInfo};
use momo_pos::ErrorKind;

/// `MomoError.code`: the core's [`ErrorKind`] in camelCase.
pub(crate) const fn error_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidPaymentCode => "invalidPaymentCode",
        ErrorKind::InvalidPublicKey => "invalidPublicKey",
        ErrorKind::InvalidCredentials => "invalidCredentials",
        ErrorKind::InvalidField => "invalidField",
        ErrorKind::MissingField => "missingField",
        ErrorKind::DuplicateKey => "duplicateKey",
        ErrorKind::InvalidJson => "invalidJson",
        ErrorKind::BodyTooLarge => "bodyTooLarge",
        ErrorKind::MalformedSignature => "malformedSignature",
        ErrorKind::SignatureMismatch => "signatureMismatch",
        ErrorKind::FieldMismatch => "fieldMismatch",
        ErrorKind::Randomness => "randomness",
        ErrorKind::Encryption => "encryption",
        ErrorKind::InvalidState => "invalidState",
        ErrorKind::JsonLimit => "jsonLimit",
        // Unreachable while the core is pinned to this version (=0.1.0).
        _ => "unknown",
    }
}

/// `ResultCodeInfo.nextStep`.
pub(crate) const fn next_step(step: NextStep) -> &'static str {
    match step {
        NextStep::Done => "done",
        NextStep::CaptureOrCancel => "captureOrCancel",
        NextStep::Query => "query",
        NextStep::RefreshPaymentCode => "refreshPaymentCode",
        NextStep::FixRequest => "fixRequest",
        NextStep::ContactMomo => "contactMomo",
        // Never "done" for a step this build does not know.
        _ => "query",
    }
}

/// `ResultCodeInfo.category` (single words: the core's names as they are).
pub(crate) const fn category(category: Category) -> &'static str {
    match category {
        Category::Paid => "paid",
        Category::Authorized => "authorized",
        Category::Pending => "pending",
        Category::Declined => "declined",
        Category::Rejected => "rejected",
        Category::Unknown => "unknown",
        _ => "unknown",
    }
}

/// A [`ResultCodeInfo`] as JS sees it (`ResultCodeInfo` in the types): the
/// core's fields, with the JS names of `category` and `nextStep`.
#[derive(Clone, Copy)]
pub(crate) struct JsResultInfo(pub(crate) ResultCodeInfo);

impl Serialize for JsResultInfo {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let info = &self.0;
        let mut out = s.serialize_struct("ResultCodeInfo", 6)?;
        out.serialize_field("code", &info.code)?;
        out.serialize_field("messageEn", info.message_en)?;
        out.serialize_field("messageVi", info.message_vi)?;
        out.serialize_field("isFinal", &info.is_final)?;
        out.serialize_field("category", category(info.category))?;
        out.serialize_field("nextStep", next_step(info.next_step))?;
        out.end()
    }
}

impl JsResultInfo {
    /// The same object built directly, without a serializer: the browser
    /// module (result codes are its only structured output) then carries
    /// none, which keeps it under 50 KB gzipped.
    pub(crate) fn to_object(self) -> JsValue {
        let info = self.0;
        let object = js_sys::Object::new();
        let set = |key: &str, value: JsValue| {
            // Defining a property of a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), &value);
        };
        // Result codes are small integers, exact in a JS number.
        #[allow(clippy::cast_precision_loss)]
        set("code", JsValue::from_f64(info.code as f64));
        set("messageEn", JsValue::from_str(info.message_en));
        set("messageVi", JsValue::from_str(info.message_vi));
        set("isFinal", JsValue::from_bool(info.is_final));
        set("category", JsValue::from_str(category(info.category)));
        set("nextStep", JsValue::from_str(next_step(info.next_step)));
        object.into()
    }
}

impl From<ResultCodeInfo> for JsResultInfo {
    fn from(info: ResultCodeInfo) -> Self {
        Self(info)
    }
}
