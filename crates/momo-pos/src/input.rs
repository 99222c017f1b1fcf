//! The requests as JSON objects in MoMo's field names.
//!
//! Hosts that hold a request as data rather than as Rust calls (the CLI's
//! stdin, the npm package's JS objects, the C ABI's item lists) read it
//! through these types, so a field is spelled, typed and checked the same
//! way in every face of the SDK. They only carry the values: every protocol
//! rule is checked when the [`Client`](crate::Client) signs the request.
//!
//! ```
//! use momo_pos::input::{self, StatusQueryInput};
//!
//! let query: StatusQueryInput =
//!     input::from_json(r#"{"orderId": "ORDER-1001", "requestId": "ORDER-1001-q1"}"#, "query")?;
//! assert_eq!(query.into_query().order_id(), "ORDER-1001");
//!
//! let err = input::from_json::<StatusQueryInput>(r#"{"orderId": "ORDER-1001"}"#, "query")
//!     .unwrap_err();
//! assert_eq!(err.field(), Some("requestId"));
//! # Ok::<(), momo_pos::Error>(())
//! ```

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::ipn::TransId;
use crate::lang::Lang;
use crate::payment_code::{EncryptedPaymentCode, PaymentCode};
use crate::public_key::MomoPublicKey;
use crate::request::{Confirm, ConfirmAction, Item, PosPayment, Refund, StatusQuery, UserInfo};

/// A pos payment (`POST /v2/gateway/api/pos`) as MoMo names its fields.
///
/// Exactly one of `paymentCode` (as scanned; encrypted by
/// [`PosPaymentInput::into_payment`] with MoMo's key) and
/// `encryptedPaymentCode` (base64, encrypted elsewhere) is given.
/// `orderGroupId` is a JSON integer or a string of digits: JS numbers lose
/// digits beyond 2^53, so a web page sends it as text or a BigInt.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PosPaymentInput {
    /// `orderId`.
    pub order_id: String,
    /// `requestId`: MoMo's idempotency key for this payment.
    pub request_id: String,
    /// `amount`, VND.
    pub amount: u64,
    /// `paymentCode` as scanned, not yet encrypted.
    #[serde(default)]
    pub payment_code: Option<String>,
    /// `encryptedPaymentCode`: base64 of the RSA ciphertext.
    #[serde(default)]
    pub encrypted_payment_code: Option<String>,
    /// `orderInfo`; absent is `""`.
    #[serde(default)]
    pub order_info: Option<String>,
    /// `extraData`; absent is `""`.
    #[serde(default)]
    pub extra_data: Option<String>,
    /// `storeId`.
    #[serde(default)]
    pub store_id: Option<String>,
    /// `storeName`.
    #[serde(default)]
    pub store_name: Option<String>,
    /// `subPartnerCode`.
    #[serde(default)]
    pub sub_partner_code: Option<String>,
    /// `orderGroupId`, read with its exact digits.
    #[serde(default, deserialize_with = "exact_digits")]
    pub order_group_id: Option<u64>,
    /// `autoCapture`; absent is `true`.
    #[serde(default)]
    pub auto_capture: Option<bool>,
    /// `ipnUrl`.
    #[serde(default)]
    pub ipn_url: Option<String>,
    /// `items`.
    #[serde(default)]
    pub items: Vec<Item>,
    /// `userInfo`.
    #[serde(default)]
    pub user_info: Option<UserInfo>,
    /// `requestTime`, epoch milliseconds.
    #[serde(default)]
    pub request_time: Option<u64>,
    /// `lang`; absent is the client's.
    #[serde(default)]
    pub lang: Option<Lang>,
}

impl PosPaymentInput {
    /// The payment, with `paymentCode` normalized and encrypted under `key`.
    ///
    /// Fails naming `paymentCode` when both codes are given, when a plain
    /// code comes without a key, or when neither comes with a key; neither
    /// without a key is a missing `encryptedPaymentCode`.
    pub fn into_payment(self, key: Option<&MomoPublicKey>) -> Result<PosPayment> {
        let code = match (self.payment_code, self.encrypted_payment_code, key) {
            (Some(plain), None, Some(key)) => key.encrypt(&PaymentCode::parse(&plain)?)?,
            (Some(_), None, None) => {
                return Err(Error::invalid(
                    "paymentCode",
                    "needs MoMo's public key to be encrypted: give the key, or \
                     encryptedPaymentCode instead",
                ))
            }
            // Named as the caller named it, not as the body's paymentCode.
            (None, Some(encrypted), _) => {
                EncryptedPaymentCode::from_base64(&encrypted).map_err(|e| match e {
                    Error::InvalidField { reason, .. } => {
                        Error::invalid("encryptedPaymentCode", reason)
                    }
                    other => other,
                })?
            }
            (Some(_), Some(_), _) => {
                return Err(Error::invalid(
                    "paymentCode",
                    "give paymentCode or encryptedPaymentCode, not both",
                ))
            }
            // Without a key only the encrypted form can be taken: name it.
            (None, None, Some(_)) => return Err(Error::missing("paymentCode")),
            (None, None, None) => return Err(Error::missing("encryptedPaymentCode")),
        };
        let mut payment = PosPayment::new(self.order_id, self.request_id, self.amount, code)
            .with_order_info(self.order_info.unwrap_or_default())
            .with_extra_data(self.extra_data.unwrap_or_default())
            .with_items(self.items)
            .with_auto_capture(self.auto_capture.unwrap_or(true));
        payment
            .set_store_id(self.store_id)
            .set_store_name(self.store_name)
            .set_sub_partner_code(self.sub_partner_code)
            .set_order_group_id(self.order_group_id)
            .set_ipn_url(self.ipn_url)
            .set_user_info(self.user_info)
            .set_request_time(self.request_time)
            .set_lang(self.lang);
        Ok(payment)
    }
}

/// A status query (`POST /v2/gateway/api/query`) as MoMo names its fields.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct StatusQueryInput {
    /// `orderId`: the order queried.
    pub order_id: String,
    /// `requestId`: a fresh one per query.
    pub request_id: String,
    /// `lang`; absent is the client's.
    #[serde(default)]
    pub lang: Option<Lang>,
}

impl StatusQueryInput {
    /// The query.
    pub fn into_query(self) -> StatusQuery {
        let mut query = StatusQuery::new(self.order_id, self.request_id);
        query.set_lang(self.lang);
        query
    }
}

/// A capture or cancel (`POST /v2/gateway/api/confirm`) as MoMo names its
/// fields: `requestType` is `"capture"` or `"cancel"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ConfirmInput {
    /// `orderId`: the authorized order.
    pub order_id: String,
    /// `requestId` of this call.
    pub request_id: String,
    /// `amount`, VND: the amount authorized.
    pub amount: u64,
    /// `requestType`.
    pub request_type: ConfirmAction,
    /// `description`; absent is `""`.
    #[serde(default)]
    pub description: Option<String>,
    /// `lang`; absent is the client's.
    #[serde(default)]
    pub lang: Option<Lang>,
}

impl ConfirmInput {
    /// The confirm call.
    pub fn into_confirm(self) -> Confirm {
        let mut confirm = Confirm::new(
            self.order_id,
            self.request_id,
            self.amount,
            self.request_type,
        )
        .with_description(self.description.unwrap_or_default());
        confirm.set_lang(self.lang);
        confirm
    }
}

/// A refund (`POST /v2/gateway/api/refund`) as MoMo names its fields.
/// `transId` is a JSON integer or a string of digits (what a JS caller
/// must use beyond 2^53 - 1); its digits are kept exactly.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RefundInput {
    /// `orderId`: the refund's own, new orderId.
    pub order_id: String,
    /// `requestId`: the refund's idempotency key.
    pub request_id: String,
    /// `amount`, VND to give back.
    pub amount: u64,
    /// `transId`: MoMo's transId of the payment refunded.
    #[serde(deserialize_with = "trans_id")]
    pub trans_id: TransId,
    /// `description`: the reason; absent is `""`.
    #[serde(default)]
    pub description: Option<String>,
    /// `lang`; absent is the client's.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// `subPartnerCode`, for a master merchant.
    #[serde(default)]
    pub sub_partner_code: Option<String>,
}

impl RefundInput {
    /// The refund.
    pub fn into_refund(self) -> Refund {
        let mut refund = Refund::new(self.order_id, self.request_id, self.amount, self.trans_id)
            .with_description(self.description.unwrap_or_default());
        refund
            .set_lang(self.lang)
            .set_sub_partner_code(self.sub_partner_code);
        refund
    }
}

/// Reads `T` (one of this module's inputs, or `Vec<Item>`) from JSON text.
///
/// Errors name the field in MoMo's spelling (`items[1].price`): a missing
/// field is [`Error::MissingField`], an unknown or mistyped one
/// [`Error::InvalidField`], text that is not JSON [`Error::InvalidJson`].
/// `what` names the whole value in errors about it (`"payment"`).
pub fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut reader).map_err(|e| serde_error(&e, what))?;
    reader.end().map_err(|e| Error::InvalidJson {
        reason: format!("{what}: {e}"),
    })?;
    Ok(value)
}

/// [`from_json`] for a value already parsed (the npm package reads JS
/// objects this way).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| serde_error(&e, what))
}

fn serde_error(error: &serde_path_to_error::Error<serde_json::Error>, what: &str) -> Error {
    let inner = error.inner();
    if inner.is_syntax() || inner.is_eof() || inner.is_io() {
        return Error::InvalidJson {
            reason: format!("{what}: {inner}"),
        };
    }
    // An array read whole (`Vec<Item>`) has paths like `[0].price`.
    let path = error.path().to_string();
    let path = if path.starts_with('[') {
        format!("{what}{path}")
    } else {
        path
    };
    let at = |name: &str| match path.as_str() {
        "." | "" => name.to_owned(),
        parent => format!("{parent}.{name}"),
    };
    // serde_json appends " at line L column C": the field name says more.
    let message = inner.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    let named = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = named("missing field `") {
        return Error::missing(at(&name));
    }
    if message.starts_with("unknown field `") {
        // Here the path already ends with the unknown name. serde lists the
        // known ones after it ("expected one of `orderId`, ..."): kept, so
        // a typo shows its fix.
        let known = message
            .split_once("`, ")
            .map(|(_, known)| format!(" ({known})"))
            .unwrap_or_default();
        return Error::invalid(path, format!("is not a field of {what}{known}"));
    }
    let field = if path == "." { what.to_owned() } else { path };
    // Errors from this crate's own parsers (lang, requestType) already
    // start with the field name.
    let reason = plain_types(
        message
            .strip_prefix(&format!("{field}: "))
            .unwrap_or(message),
    );
    Error::invalid(field, reason)
}

/// serde's messages name Rust types (`expected u64`); callers write JSON,
/// from JS, C or a shell: say it in JSON's words.
fn plain_types(reason: &str) -> String {
    const WORDS: [(&str, &str); 9] = [
        (
            "expected u64",
            "expected a whole number from 0 to 18446744073709551615",
        ),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u16", "expected a whole number from 0 to 65535"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected i64", "expected a whole number"),
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected an object"),
        ("expected struct Item", "expected an object"),
        ("expected struct UserInfo", "expected an object"),
    ];
    let mut reason = reason.to_owned();
    for (rust, json) in WORDS {
        if let Some(at) = reason.find(rust) {
            // Only a whole word: `u64` but not `u6` of `u64`.
            let end = at + rust.len();
            if !reason[end..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                reason.replace_range(at..end, json);
            }
        }
    }
    reason
}

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// `orderGroupId`: a JSON integer, or a string of 1 to 20 digits that fits
/// in 64 bits. A floating-point number is accepted only where it is exact
/// (a whole number up to 2^53 - 1), which is what a JS number can carry.
fn exact_digits<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    struct Digits;
    impl<'de> Visitor<'de> for Digits {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number or a string of digits")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> std::result::Result<Self::Value, E> {
            Ok(Some(n))
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> std::result::Result<Self::Value, E> {
            u64::try_from(n)
                .map(Some)
                .map_err(|_| E::custom("must not be negative"))
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Self::Value, E> {
            if n >= 0.0 && n.fract() == 0.0 && n <= MAX_SAFE_INTEGER as f64 {
                // Exact: a whole number within the 53-bit mantissa.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(Some(n as u64))
            } else {
                Err(E::custom(
                    "must be a whole number up to 2^53 - 1, or a string of digits \
                     (a JS number loses digits beyond 2^53)",
                ))
            }
        }
        fn visit_str<E: de::Error>(self, digits: &str) -> std::result::Result<Self::Value, E> {
            if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(E::custom("must be a string of digits"));
            }
            digits
                .parse()
                .map(Some)
                .map_err(|_| E::custom("does not fit in 64 bits"))
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(
            self,
            d: D2,
        ) -> std::result::Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_option(Digits)
}

/// A required transId: the rules of [`exact_digits`].
pub(crate) fn trans_id<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<TransId, D::Error> {
    exact_digits(d)?
        .map(TransId::from)
        .ok_or_else(|| de::Error::custom("must be a whole number or a string of digits"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(json: &str) -> Result<PosPaymentInput> {
        from_json(json, "payment")
    }

    const BASE: &str =
        r#""orderId":"O-1","requestId":"R-1","amount":50000,"encryptedPaymentCode":"AAAA""#;

    #[test]
    fn order_group_id_keeps_every_digit() {
        for (text, want) in [
            ("18446744073709551615", Some(u64::MAX)),
            ("\"18446744073709551615\"", Some(u64::MAX)),
            ("9007199254740993", Some(9_007_199_254_740_993)),
            ("\"9007199254740993\"", Some(9_007_199_254_740_993)),
            ("null", None),
        ] {
            let input = pos(&format!("{{{BASE},\"orderGroupId\":{text}}}")).unwrap();
            assert_eq!(input.order_group_id, want, "{text}");
        }
        for bad in [
            "-1",
            "1.5",
            "\"\"",
            "\"12a\"",
            "\"18446744073709551616\"",
            "true",
            "9007199254740993.0",
        ] {
            let err = pos(&format!("{{{BASE},\"orderGroupId\":{bad}}}")).unwrap_err();
            assert_eq!(err.field(), Some("orderGroupId"), "{bad}: {err}");
        }
        assert_eq!(pos(&format!("{{{BASE}}}")).unwrap().order_group_id, None);
    }

    #[test]
    fn errors_speak_json_not_rust() {
        let err =
            pos(r#"{"orderId":"O","requestId":"R","amount":"59000","encryptedPaymentCode":"x"}"#)
                .unwrap_err();
        assert_eq!(err.field(), Some("amount"));
        let text = err.to_string();
        assert!(text.contains("expected a whole number from 0 to"), "{text}");
        assert!(!text.contains("u64"), "{text}");
        let err = pos(r#"{"orderId":"O","requestId":"R","amount":1,"items":{}}"#).unwrap_err();
        assert!(err.to_string().contains("expected an array"), "{err}");
        let err = pos(r#"{"orderId":"O","requestId":"R","amount":1,"items":[7]}"#).unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
        assert!(!err.to_string().contains("struct"), "{err}");
    }

    #[test]
    fn a_bad_encrypted_code_is_named_as_given() {
        let err = pos(
            r#"{"orderId":"O","requestId":"R","amount":1000,"encryptedPaymentCode":"not base64!"}"#,
        )
        .unwrap()
        .into_payment(None)
        .unwrap_err();
        assert_eq!(err.field(), Some("encryptedPaymentCode"), "{err}");
    }

    #[test]
    fn errors_name_the_field() {
        let err = pos(r#"{"orderId":"O-1","amount":1}"#).unwrap_err();
        assert_eq!(err, Error::missing("requestId"));
        let err = pos(&format!("{{{BASE},\"storeID\":\"S\"}}")).unwrap_err();
        assert_eq!(err.field(), Some("storeID"));
        // The known fields are listed, so the typo shows its fix.
        let text = err.to_string();
        assert!(
            text.contains("is not a field of payment (expected one of `orderId`"),
            "{text}"
        );
        assert!(text.contains("`storeId`"), "{text}");
        let err = pos(&format!("{{{BASE},\"items\":[{{\"id\":\"1\",\"name\":\"A\",\"price\":\"x\",\"quantity\":1,\"totalPrice\":1}}]}}")).unwrap_err();
        assert_eq!(err.field(), Some("items[0].price"));
        assert!(!err.to_string().contains("line"), "{err}");
        let err = pos(&format!("{{{BASE},\"lang\":\"fr\"}}")).unwrap_err();
        assert_eq!(err.field(), Some("lang"));
        assert_eq!(pos("{").unwrap_err().kind(), crate::ErrorKind::InvalidJson);
        assert_eq!(
            pos(&format!("{{{BASE}}} x")).unwrap_err().kind(),
            crate::ErrorKind::InvalidJson
        );
    }

    #[test]
    fn an_item_list_names_its_fields() {
        let read = |json: &str| from_json::<Vec<Item>>(json, "items").unwrap_err();
        assert_eq!(
            read(r#"[{"id":"A","name":"a"}]"#),
            Error::missing("items[0].price")
        );
        let err =
            read(r#"[{"id":"A","name":"a","price":1,"quantity":1,"totalPrice":1,"imageURL":"x"}]"#);
        assert_eq!(err.field(), Some("items[0].imageURL"));
        assert_eq!(read(r#"{"id":1}"#).field(), Some("items"));
    }

    #[test]
    fn exactly_one_payment_code() {
        let plain = r#"{"orderId":"O-1","requestId":"R-1","amount":50000,"paymentCode":"MM561918531775222861"}"#;
        let err = pos(plain).unwrap().into_payment(None).unwrap_err();
        assert_eq!(err.field(), Some("paymentCode"));
        let both = format!("{{{BASE},\"paymentCode\":\"MM561918531775222861\"}}");
        let err = pos(&both).unwrap().into_payment(None).unwrap_err();
        assert_eq!(err.field(), Some("paymentCode"));
        let neither = r#"{"orderId":"O-1","requestId":"R-1","amount":50000}"#;
        assert_eq!(
            pos(neither).unwrap().into_payment(None).unwrap_err(),
            Error::missing("encryptedPaymentCode")
        );
        let key = MomoPublicKey::parse(include_str!(
            "../../../tests/keys/test_rsa2048_public_spki.b64"
        ))
        .unwrap();
        assert_eq!(
            pos(neither).unwrap().into_payment(Some(&key)).unwrap_err(),
            Error::missing("paymentCode")
        );
        let payment = pos(plain).unwrap().into_payment(Some(&key)).unwrap();
        assert_eq!(payment.order_id(), "O-1");
    }

    #[test]
    fn confirm_and_query_read_their_fields() {
        let c: ConfirmInput = from_json(
            r#"{"orderId":"O-1","requestId":"R-2","amount":5,"requestType":"cancel","lang":"en"}"#,
            "confirm",
        )
        .unwrap();
        let confirm = c.into_confirm();
        assert_eq!(confirm.action(), ConfirmAction::Cancel);
        let err = from_json::<ConfirmInput>(
            r#"{"orderId":"O-1","requestId":"R-2","amount":5,"requestType":"refund"}"#,
            "confirm",
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("requestType"));
        assert!(err.to_string().starts_with("requestType: must be"), "{err}");
    }
}
