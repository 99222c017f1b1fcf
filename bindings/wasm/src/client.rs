//! The signing side (feature `signing`, the `momo-pos` entry only):
//! the merchant's secret, signed requests (refunds too), IPN and answer
//! verification.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::error::{js, JsResult};
use super::names::JsResultInfo;
use super::output::Headers;
use super::{input, objects, output, packed};
use momo_pos::input::{ConfirmInput, PosPaymentInput, RefundInput, StatusQueryInput};
use momo_pos::{
    extra_data, AmountLimits, Client, CredentialFields, Credentials, Environment, Error, Lang,
    Notification, PosPayment, QueryAnswer, Refund, RefundTrans, Response, SignedRequest,
};

#[wasm_bindgen(typescript_custom_section)]
const TS_CLIENT: &str = r#"
/** Where requests go: MoMo's test or production gateway, or a base URL of your own. */
export type Environment = "test" | "production" | (string & {});
export interface ClientOptions {
  partnerCode: string;
  accessKey: string;
  /** The HMAC secret: keep it on a server or a trusted terminal, never in a web page. */
  secretKey: string;
  /** Defaults to "test". */
  environment?: Environment;
  /** Language of MoMo's messages when a request sets none; defaults to "vi". */
  lang?: Lang;
  /** Defaults to Quick Pay's 1,000 to 5,000,000 VND. */
  amountLimits?: { min: number; max: number };
  /** Bounds of a refund's amount; defaults to MoMo's 1,000 to 50,000,000 VND. */
  refundLimits?: { min: number; max: number };
}
/** One product line shown in the MoMo app. */
export interface Item {
  id: string;
  name: string;
  description?: string;
  category?: string;
  imageUrl?: string;
  manufacturer?: string;
  price: number;
  currency?: "VND";
  quantity: number;
  unit?: string;
  /** Must equal price × quantity. */
  totalPrice: number;
  taxAmount?: number;
}
export interface UserInfo {
  name?: string;
  phoneNumber?: string;
  email?: string;
}
export interface PosPaymentInput {
  orderId: string;
  /** MoMo's idempotency key: reuse it only to resend the same bytes. */
  requestId: string;
  /** VND. */
  amount: number;
  /** The scanned code encrypted with MomoPublicKey.encryptPaymentCode (here or in the browser). */
  encryptedPaymentCode: string;
  orderInfo?: string;
  /** "" or base64 of a JSON object (encodeExtraData). */
  extraData?: string;
  storeId?: string;
  storeName?: string;
  subPartnerCode?: string;
  /** A number up to 2^53 - 1; beyond that a string of digits or a BigInt. */
  orderGroupId?: number | string | bigint;
  /** false: authorize only (9000), then confirmRequest. Defaults to true. */
  autoCapture?: boolean;
  ipnUrl?: string;
  items?: Item[];
  userInfo?: UserInfo;
  /** Epoch milliseconds. */
  requestTime?: number;
  lang?: Lang;
}
export interface StatusQueryInput {
  orderId: string;
  requestId: string;
  lang?: Lang;
}
export interface ConfirmInput {
  orderId: string;
  requestId: string;
  amount: number;
  requestType: "capture" | "cancel";
  description?: string;
  lang?: Lang;
}
/** A refund of all or part of a paid payment (refundRequest, RefundDriver.start). */
export interface RefundInput {
  /** The refund's own, new orderId (not the payment's). */
  orderId: string;
  /** MoMo's idempotency key for this refund: every resend reuses it. */
  requestId: string;
  /** VND to give back (refundLimits: 1,000 to 50,000,000 by default). */
  amount: number;
  /**
   * MoMo's transId of the payment: a string of digits or a BigInt; a number
   * only up to 2^53 - 1 (beyond that it may already have lost digits).
   */
  transId: string | bigint | number;
  /** The reason, shown to the shopper; signed, "" when left out. */
  description?: string;
  lang?: Lang;
  /** For a master merchant refunding for a sub-merchant. */
  subPartnerCode?: string;
}
/** A request ready to send: POST `body` to `url` with `headers`, timeout at least `timeoutMs`. */
export interface SignedRequest {
  url: string;
  path: string;
  headers: { "Content-Type": string };
  /** The exact JSON to send. Keep it: after a lost answer, resend these bytes, never a rebuilt request. */
  body: string;
  timeoutMs: number;
  /** The signed text (holds the accessKey, never the secret). */
  rawSignature: string;
  signature: string;
  partnerCode: string;
  orderId: string;
  requestId: string;
}
/** An HTTP body exactly as received. */
export type RawBody = string | Uint8Array | ArrayBuffer;
/** A verified payment notification. */
export interface Notification {
  partnerCode: string;
  orderId: string;
  requestId: string;
  amount: number;
  orderInfo: string;
  orderType: string;
  /** Exact digits: may exceed 2^53. */
  transId: string;
  resultCode: number;
  message: string;
  payType: string;
  responseTime: number;
  extraData: string;
  partnerUserId: string | null;
  /** resultCode 0. */
  isPaid: boolean;
  /** partnerCode|orderId|requestId|transId: store it, ignore a delivery already seen. */
  dedupeKey: string;
  result: ResultCodeInfo;
}
/** "unsigned": the answer carried no signature, so nothing in it proves its origin. */
export type Authenticity = "verified" | "unsigned";
export interface Answer {
  partnerCode: string | null;
  orderId: string | null;
  requestId: string | null;
  amount: number | null;
  /** Exact digits: may exceed 2^53. */
  transId: string | null;
  responseTime: number | null;
  resultCode: number;
  message: string;
}
export interface QueryAnswer extends Answer {
  extraData: string | null;
  payType: string | null;
  paymentOption: string | null;
  /** Raw JSON as MoMo sent it. */
  refundTrans: string | null;
  /**
   * refundTrans read: the payment's refunds in MoMo's order ([] when MoMo
   * sent none); null when refundTrans is not a list of refunds (then only
   * the raw text above tells what MoMo sent).
   */
  refunds: RefundTrans[] | null;
  /** Raw JSON as MoMo sent it. */
  promotionInfo: string | null;
}
/** One refund of a payment, as its status query's refundTrans lists it. */
export interface RefundTrans {
  /** The refund's own orderId (the refund request's). */
  orderId: string;
  /** VND refunded, or being refunded. */
  amount: number;
  /** 0 refunded; 7000 or 7002 still in progress. */
  resultCode: number;
  /** MoMo's transId of the refund (not the payment's); exact digits, may exceed 2^53. */
  transId: string;
  /** Epoch milliseconds of MoMo's clock, when given. */
  createdTime: number | null;
}
export interface ConfirmAnswer extends Answer {
  requestType: string | null;
}
/** The answer to a refund: orderId and requestId are the refund's, transId the refund's own. */
export interface RefundAnswer extends Answer {}
/** A parsed answer, whether its signature was verified, and what its result code means. */
export interface MomoResponse<T extends Answer> {
  body: T;
  authenticity: Authenticity;
  result: ResultCodeInfo;
}
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
"#;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClientOptions {
    partner_code: String,
    access_key: String,
    secret_key: String,
    environment: Option<String>,
    lang: Option<Lang>,
    amount_limits: Option<Limits>,
    refund_limits: Option<Limits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Limits {
    min: u64,
    max: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestOut<'a> {
    url: &'a str,
    path: &'a str,
    headers: Headers,
    body: &'a str,
    timeout_ms: u64,
    raw_signature: &'a str,
    signature: &'a str,
    partner_code: &'a str,
    order_id: &'a str,
    request_id: &'a str,
}

impl<'a> From<&'a SignedRequest> for RequestOut<'a> {
    fn from(request: &'a SignedRequest) -> Self {
        let [(_, content_type)] = request.headers();
        Self {
            url: request.url(),
            path: request.path(),
            headers: Headers { content_type },
            body: request.body_str(),
            timeout_ms: u64::try_from(request.timeout().as_millis()).unwrap_or(u64::MAX),
            raw_signature: request.raw_signature(),
            signature: request.signature(),
            partner_code: request.partner_code(),
            order_id: request.order_id(),
            request_id: request.request_id(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationOut<'a> {
    #[serde(flatten)]
    notification: &'a Notification,
    is_paid: bool,
    dedupe_key: String,
    result: JsResultInfo,
}

#[derive(Serialize)]
struct ResponseOut<'a, T> {
    body: &'a T,
    authenticity: momo_pos::Authenticity,
    result: JsResultInfo,
}

/// A query answer with its `refundTrans` read (`null` when unreadable: the
/// raw text stays, and the rest of the answer is still usable).
#[derive(Serialize)]
struct QueryOut<'a> {
    #[serde(flatten)]
    answer: &'a QueryAnswer,
    refunds: Option<Vec<RefundTrans>>,
}

/// An answer as JS data: `body` (as given), authenticity, result explained.
fn response_out<T: AsRef<momo_pos::Answer>, B: Serialize>(
    response: &Response<T>,
    body: &B,
) -> JsResult<JsValue> {
    output::to_js(&ResponseOut {
        body,
        authenticity: response.authenticity,
        result: JsResultInfo(response.result()),
    })
}

/// A `PosPaymentInput` object as the core's payment (for posRequest and
/// PaymentDriver.start).
pub(super) fn pos_payment(payment: &JsValue) -> momo_pos::Result<PosPayment> {
    // No key here: the page encrypted the code with the browser entry.
    let input = objects::object::<PosPaymentInput>(payment, "payment")?;
    if input.payment_code.is_some() {
        // The core's advice (give the key) has no JS spelling: say what does.
        return Err(Error::invalid(
            "paymentCode",
            "is not taken here: encrypt the scanned code with \
             MomoPublicKey.encryptPaymentCode and pass encryptedPaymentCode",
        ));
    }
    input.into_payment(None)
}

/// A verified notification as JS data (verifyIpn, PaymentDriver.handleIpn):
/// built by the package's literal when its entry registered one (`packed`),
/// else through JSON (the module used bare, as in `tests/wasm.rs`; the npm
/// tests check that both give the same object).
pub(super) fn notification_out(notification: &Notification) -> JsResult<JsValue> {
    if let Some(object) = packed::notification(notification) {
        return object;
    }
    output::to_js(&NotificationOut {
        notification,
        is_paid: notification.is_paid(),
        dedupe_key: notification.dedupe_key().to_string(),
        result: JsResultInfo(notification.result()),
    })
}

/// A `RefundInput` object as the core's refund (for refundRequest and
/// RefundDriver.start): `transId` exact, as digits, a BigInt or a safe number.
pub(super) fn refund(refund: &JsValue) -> momo_pos::Result<Refund> {
    objects::object::<RefundInput>(refund, "refund").map(RefundInput::into_refund)
}

fn signed_out(request: momo_pos::Result<SignedRequest>) -> JsResult<JsValue> {
    let request = js(request)?;
    if let Some(object) = packed::request(&request) {
        return object;
    }
    output::to_js_object(&RequestOut::from(&request))
}

/// Signs requests and verifies what MoMo sends, with the merchant's secret.
/// Build one at start-up and share it. Node and trusted terminals only.
#[wasm_bindgen(js_name = MomoClient)]
pub struct JsClient {
    /// Shared with every `PaymentDriver` started or restored with this
    /// client: a driver keeps it even after `client.free()`.
    pub(super) client: Rc<Client>,
}

#[wasm_bindgen(js_class = MomoClient)]
impl JsClient {
    /// Checks the credentials and options; throws `invalidCredentials` or
    /// `invalidField` naming the option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> JsResult<JsClient> {
        js(Self::build(&options))
    }

    fn build(options: &JsValue) -> momo_pos::Result<Self> {
        let options: ClientOptions = objects::object(options, "options")?;
        let credentials = Credentials::new(CredentialFields {
            partner_code: &options.partner_code,
            access_key: &options.access_key,
            secret_key: &options.secret_key,
        })?;
        let environment = match options.environment.as_deref() {
            None => Environment::Test,
            Some(name) => name.parse().map_err(|e: Error| match e {
                Error::InvalidField { reason, .. } => Error::invalid("environment", reason),
                other => other,
            })?,
        };
        let mut client = Client::new(credentials, environment);
        if let Some(lang) = options.lang {
            client = client.with_lang(lang);
        }
        if let Some(Limits { min, max }) = options.amount_limits {
            client = client.with_amount_limits(AmountLimits::new(min, max)?);
        }
        if let Some(Limits { min, max }) = options.refund_limits {
            client = client.with_refund_limits(AmountLimits::new(min, max)?);
        }
        Ok(Self {
            client: Rc::new(client),
        })
    }

    /// The merchant's partnerCode.
    #[wasm_bindgen(getter, js_name = partnerCode)]
    pub fn partner_code(&self) -> String {
        self.client.credentials().partner_code().to_owned()
    }

    /// The largest body `verifyIpn` and the `parse*Response` calls read
    /// (64 KiB); `verifyIpnRequest` stops reading there.
    #[wasm_bindgen(getter, js_name = maxBodyBytes)]
    pub fn max_body_bytes(&self) -> u32 {
        u32::try_from(momo_pos::MAX_BODY_BYTES).unwrap_or(u32::MAX)
    }

    /// The gateway's base URL.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.client.environment().base_url().to_owned()
    }

    /// Checks and signs a pos payment.
    #[wasm_bindgen(js_name = posRequest, unchecked_return_type = "SignedRequest")]
    pub fn pos_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PosPaymentInput")] payment: JsValue,
    ) -> JsResult<JsValue> {
        signed_out(pos_payment(&payment).and_then(|p| self.client.pos_request(&p)))
    }

    /// Checks and signs a status query.
    #[wasm_bindgen(js_name = queryRequest, unchecked_return_type = "SignedRequest")]
    pub fn query_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StatusQueryInput")] query: JsValue,
    ) -> JsResult<JsValue> {
        signed_out(
            objects::object(&query, "query")
                .and_then(|q: StatusQueryInput| self.client.query_request(&q.into_query())),
        )
    }

    /// Checks and signs a capture or cancel of an authorized payment.
    #[wasm_bindgen(js_name = confirmRequest, unchecked_return_type = "SignedRequest")]
    pub fn confirm_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmInput")] confirm: JsValue,
    ) -> JsResult<JsValue> {
        signed_out(
            objects::object(&confirm, "confirm")
                .and_then(|c: ConfirmInput| self.client.confirm_request(&c.into_confirm())),
        )
    }

    /// Checks and signs a refund of a paid payment (its `transId`). Every
    /// resend of a refund must be these same bytes: `RefundDriver` keeps to
    /// that.
    #[wasm_bindgen(js_name = refundRequest, unchecked_return_type = "SignedRequest")]
    pub fn refund_request(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RefundInput")] input: JsValue,
    ) -> JsResult<JsValue> {
        signed_out(refund(&input).and_then(|r| self.client.refund_request(&r)))
    }

    /// Verifies a payment notification from the raw body as received, and
    /// that it is for this partnerCode. Then compare orderId and amount with
    /// your records, skip a `dedupeKey` already seen, and answer HTTP 204.
    #[wasm_bindgen(js_name = verifyIpn, unchecked_return_type = "Notification")]
    pub fn verify_ipn(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
    ) -> JsResult<JsValue> {
        let notification = js(input::body(&body).and_then(|b| self.client.verify_ipn(&b)))?;
        notification_out(&notification)
    }

    /// Reads an answer body with one of the core's parsers.
    fn answer<T: AsRef<momo_pos::Answer> + Serialize>(
        &self,
        body: &JsValue,
        parse: fn(&Client, &[u8]) -> momo_pos::Result<momo_pos::Response<T>>,
    ) -> JsResult<JsValue> {
        let body = js(input::body(body))?;
        let response = js(parse(&self.client, &body))?;
        response_out(&response, &response.body)
    }

    /// Parses the answer to a pos request, verifying its signature if it has one.
    #[wasm_bindgen(js_name = parsePosResponse, unchecked_return_type = "MomoResponse<Answer>")]
    pub fn parse_pos_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
    ) -> JsResult<JsValue> {
        self.answer(&body, Client::parse_pos_response)
    }

    /// Parses the answer to a status query, verifying its signature if it
    /// has one; `body.refunds` is its `refundTrans` read.
    #[wasm_bindgen(
        js_name = parseQueryResponse,
        unchecked_return_type = "MomoResponse<QueryAnswer>"
    )]
    pub fn parse_query_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
    ) -> JsResult<JsValue> {
        let body = js(input::body(&body))?;
        let response = js(self.client.parse_query_response(&body))?;
        let query = QueryOut {
            answer: &response.body,
            refunds: response.body.refunds().ok(),
        };
        response_out(&response, &query)
    }

    /// Parses the answer to a confirm call, verifying its signature if it has one.
    #[wasm_bindgen(
        js_name = parseConfirmResponse,
        unchecked_return_type = "MomoResponse<ConfirmAnswer>"
    )]
    pub fn parse_confirm_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
    ) -> JsResult<JsValue> {
        self.answer(&body, Client::parse_confirm_response)
    }

    /// Parses the answer to a refund, verifying its signature if it has one.
    #[wasm_bindgen(
        js_name = parseRefundResponse,
        unchecked_return_type = "MomoResponse<RefundAnswer>"
    )]
    pub fn parse_refund_response(
        &self,
        #[wasm_bindgen(unchecked_param_type = "RawBody")] body: JsValue,
    ) -> JsResult<JsValue> {
        self.answer(&body, Client::parse_refund_response)
    }
}

/// Checks that `response` (from a `parse*Response`) answers `request` (the
/// `SignedRequest` it was parsed for): the same partnerCode, orderId and
/// requestId wherever the answer states them. Throws `fieldMismatch`
/// naming the field (`orderId: is "B", expected "A"`) otherwise: an answer
/// meant for another request, mixed up by a proxy or a retry loop.
#[wasm_bindgen(js_name = checkRequest)]
pub fn check_request(
    #[wasm_bindgen(unchecked_param_type = "MomoResponse<Answer>")] response: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SignedRequest")] request: JsValue,
) -> JsResult<()> {
    js(check_request_ids(&response, &request))
}

fn check_request_ids(response: &JsValue, request: &JsValue) -> momo_pos::Result<()> {
    let body = property(response, "body")
        .filter(JsValue::is_object)
        .ok_or_else(|| Error::invalid("response", "must be what a parse*Response call returned"))?;
    let answered = |id: &str| match property(&body, id) {
        Some(value) if !value.is_null() && !value.is_undefined() => {
            input::text(&value, &format!("response.body.{id}")).map(Some)
        }
        _ => Ok(None),
    };
    let sent = |id: &str| {
        let value = property(request, id).unwrap_or(JsValue::UNDEFINED);
        input::text(&value, &format!("request.{id}")).map_err(|_| {
            Error::invalid(
                "request",
                "must be the SignedRequest the answer was parsed for",
            )
        })
    };
    let answered = [
        answered("partnerCode")?,
        answered("orderId")?,
        answered("requestId")?,
    ];
    let sent = [sent("partnerCode")?, sent("orderId")?, sent("requestId")?];
    momo_pos::check_answer_ids(
        answered.each_ref().map(Option::as_deref),
        sent.each_ref().map(String::as_str),
    )
}

/// `object[key]`, or `None` when `object` is not an object.
fn property(object: &JsValue, key: &str) -> Option<JsValue> {
    if !object.is_object() {
        return None;
    }
    js_sys::Reflect::get(object, &JsValue::from_str(key)).ok()
}

/// `extraData` for a request: `""` for an empty object, else base64 of its JSON.
#[wasm_bindgen(js_name = encodeExtraData)]
pub fn encode_extra_data(
    #[wasm_bindgen(unchecked_param_type = "{ [key: string]: JsonValue }")] value: JsValue,
) -> JsResult<String> {
    js(objects::json_value(&value, "extraData").and_then(|v| extra_data::encode(&v)))
}

/// The JSON object inside `extraData` (`""` gives `{}`).
#[wasm_bindgen(
    js_name = decodeExtraData,
    unchecked_return_type = "{ [key: string]: JsonValue }"
)]
pub fn decode_extra_data(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
) -> JsResult<JsValue> {
    let text = js(input::text(&text, "extraData"))?;
    output::to_js(&js(extra_data::decode(&text))?)
}
