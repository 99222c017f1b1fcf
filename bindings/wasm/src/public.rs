//! What needs no secret: payment codes, encryption under MoMo's public key,
//! result codes. This is all the browser binary contains.

use wasm_bindgen::prelude::*;

use super::error::{js, JsResult};
use super::input;
use super::names::JsResultInfo;
use momo_pos::{result_code, MomoPublicKey, PaymentCode};

#[wasm_bindgen(typescript_custom_section)]
const TS_PUBLIC: &str = r#"
/** Language of MoMo's messages. */
export type Lang = "vi" | "en";
/** Broad outcome of a result code. */
export type ResultCategory = "paid" | "authorized" | "pending" | "declined" | "rejected" | "unknown";
/**
 * What the host does after a result code: nothing more ("done"), capture or
 * cancel an authorization, query the status, ask the shopper for a fresh
 * code, fix the request, or contact MoMo.
 */
export type NextStep =
  | "done"
  | "captureOrCancel"
  | "query"
  | "refreshPaymentCode"
  | "fixRequest"
  | "contactMomo";
/** One row of the result-code catalogue. */
export interface ResultCodeInfo {
  code: number;
  messageEn: string;
  messageVi: string;
  /** True when the transaction will not change any more. */
  isFinal: boolean;
  category: ResultCategory;
  nextStep: NextStep;
}
"#;

/// The code as MoMo wants it, from what the scanner typed (CR/LF, spaces
/// and AIM prefixes such as `]Q1` removed); throws `invalidPaymentCode`
/// with the reason otherwise.
#[wasm_bindgen(js_name = normalizePaymentCode)]
pub fn normalize_payment_code(
    #[wasm_bindgen(unchecked_param_type = "string")] scanned: JsValue,
) -> JsResult<String> {
    let scanned = js(input::text(&scanned, "paymentCode"))?;
    js(PaymentCode::parse(&scanned)).map(|code| code.as_str().to_owned())
}

/// The normalized code with all but its last four digits masked, for
/// receipts and logs.
#[wasm_bindgen(js_name = maskPaymentCode)]
pub fn mask_payment_code(
    #[wasm_bindgen(unchecked_param_type = "string")] scanned: JsValue,
) -> JsResult<String> {
    let scanned = js(input::text(&scanned, "paymentCode"))?;
    js(PaymentCode::parse(&scanned)).map(|code| code.masked())
}

/// Meaning, finality and next step of a result code; an unknown code is
/// "unknown, not final, query", not an error.
#[wasm_bindgen(js_name = explainResultCode, unchecked_return_type = "ResultCodeInfo")]
pub fn explain_result_code(
    #[wasm_bindgen(unchecked_param_type = "number")] code: JsValue,
) -> JsResult<JsValue> {
    let code = js(input::integer(&code, "resultCode"))?;
    Ok(JsResultInfo(result_code::explain(code)).to_object())
}

/// Every documented result code, sorted by code.
#[wasm_bindgen(js_name = resultCodeCatalogue, unchecked_return_type = "ResultCodeInfo[]")]
pub fn result_code_catalogue() -> JsResult<JsValue> {
    let rows: js_sys::Array = result_code::catalogue()
        .iter()
        .map(|info| JsResultInfo(*info).to_object())
        .collect();
    Ok(rows.into())
}

/// MoMo's RSA public key, parsed once; encrypts scanned payment codes.
#[wasm_bindgen(js_name = MomoPublicKey)]
pub struct JsPublicKey {
    key: MomoPublicKey,
}

#[wasm_bindgen(js_class = MomoPublicKey)]
impl JsPublicKey {
    /// Parses the key as MoMo's portal shows it (base64 `MIIB…`), or PEM
    /// (`PUBLIC KEY` or `RSA PUBLIC KEY`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    ) -> JsResult<JsPublicKey> {
        let text = js(input::text(&text, "publicKey"))?;
        js(MomoPublicKey::parse(&text)).map(|key| Self { key })
    }

    /// Modulus length in bits (2048 to 4096).
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> u32 {
        u32::try_from(self.key.bits()).unwrap_or(u32::MAX)
    }

    /// Bytes in every ciphertext under this key.
    #[wasm_bindgen(getter, js_name = ciphertextLength)]
    pub fn ciphertext_length(&self) -> u32 {
        u32::try_from(self.key.ciphertext_len()).unwrap_or(u32::MAX)
    }

    /// Normalizes a scanned code and encrypts it (RSA PKCS#1 v1.5, fresh
    /// randomness each time): the base64 text for `encryptedPaymentCode`.
    #[wasm_bindgen(js_name = encryptPaymentCode)]
    pub fn encrypt_payment_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] scanned: JsValue,
    ) -> JsResult<String> {
        let scanned = js(input::text(&scanned, "paymentCode"))?;
        let code = js(PaymentCode::parse(&scanned))?;
        js(self.key.encrypt(&code)).map(|encrypted| encrypted.into_string())
    }
}
