//! `POST /v2/gateway/api/pos`: charge the payment code the cashier scanned.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{seal, Endpoint, SignedBody, SignedRequest};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::extra_data;
use crate::lang::Lang;
use crate::payment_code::EncryptedPaymentCode;
use crate::rules::{
    check_http_url, check_order_id, check_request_id, check_required_text, check_text,
    check_unambiguous, MAX_ITEMS,
};
use crate::signature::RawSignature;

const SIGNED_KEYS: [&str; 8] = [
    "accessKey",
    "amount",
    "extraData",
    "orderId",
    "orderInfo",
    "partnerCode",
    "paymentCode",
    "requestId",
];

/// Epoch milliseconds of 2001-09-09: anything smaller is a timestamp in seconds.
const MIN_EPOCH_MILLIS: u64 = 1_000_000_000_000;

/// One product line shown in the MoMo app. `id`, `name`, `price`,
/// `quantity` and `total_price` are required.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Item {
    /// The merchant's SKU; required non-empty text, unique within the
    /// payment (MoMo answers 45, duplicated itemId, otherwise).
    pub id: String,
    /// Shown in the MoMo app; required non-empty text.
    pub name: String,
    /// Optional free text (at most 1,024 bytes, no control characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Optional product classification, free text like `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Link to a product image (`http(s)://`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Optional manufacturer's name, free text like `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// Price of one unit, in VND; `total_price` must equal it times
    /// `quantity`.
    pub price: u64,
    /// Currency; only `VND` exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Quantity, greater than 0.
    pub quantity: u32,
    /// Optional unit the quantity counts (`cup`, `kg`), free text like
    /// `description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// `totalPrice` in VND: signing fails unless it equals `price ×
    /// quantity` exactly; [`Item::new`] computes it.
    pub total_price: u64,
    /// `taxAmount`: the line's total tax in VND, sent as given (not checked
    /// against the prices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_amount: Option<u64>,
}

impl Item {
    /// An item with its total computed (saturating: an overflow fails validation).
    pub fn new(id: impl Into<String>, name: impl Into<String>, price: u64, quantity: u32) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            price,
            quantity,
            total_price: price.saturating_mul(u64::from(quantity)),
            ..Self::default()
        }
    }

    fn check(&self, index: usize) -> Result<()> {
        let field = |name: &str| format!("items[{index}].{name}");
        check_required_text(&field("id"), &self.id)?;
        check_required_text(&field("name"), &self.name)?;
        for (name, value) in [
            ("description", &self.description),
            ("category", &self.category),
            ("manufacturer", &self.manufacturer),
            ("unit", &self.unit),
        ] {
            if let Some(value) = value {
                check_text(&field(name), value)?;
            }
        }
        if let Some(url) = &self.image_url {
            check_http_url(&field("imageUrl"), url)?;
        }
        if let Some(currency) = &self.currency {
            if currency != "VND" {
                return Err(Error::invalid(field("currency"), "must be \"VND\""));
            }
        }
        if self.quantity == 0 {
            return Err(Error::invalid(field("quantity"), "must be greater than 0"));
        }
        match self.price.checked_mul(u64::from(self.quantity)) {
            Some(total) if total == self.total_price => Ok(()),
            Some(total) => Err(Error::invalid(
                field("totalPrice"),
                format!("is {} but price × quantity = {total}", self.total_price),
            )),
            None => Err(Error::invalid(
                field("totalPrice"),
                "price × quantity overflows",
            )),
        }
    }
}

/// The shopper, notified by MoMo by app or e-mail when given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct UserInfo {
    /// Name as registered with the merchant; non-empty when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `phoneNumber`: 8 to 15 ASCII digits, optionally after a `+` (no
    /// spaces or dashes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// An address with one `@`, text before it, a dot after it and no
    /// whitespace; at most 1,024 bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl UserInfo {
    fn check(&self) -> Result<()> {
        if let Some(name) = &self.name {
            check_required_text("userInfo.name", name)?;
        }
        if let Some(phone) = &self.phone_number {
            let digits = phone.strip_prefix('+').unwrap_or(phone);
            if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::invalid(
                    "userInfo.phoneNumber",
                    "must be 8 to 15 digits, optionally after '+'",
                ));
            }
        }
        if let Some(email) = &self.email {
            let shape_ok = email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !domain.contains('@')
            });
            if !shape_ok || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(Error::invalid("userInfo.email", "is not an e-mail address"));
            }
            check_text("userInfo.email", email)?;
        }
        Ok(())
    }
}

/// A pos payment: charge `amount` VND to the shopper whose payment code was
/// scanned and encrypted.
///
/// Built with [`PosPayment::new`], the consuming `with_*` setters and the
/// `set_*` ones that take an `Option` (`None` clears), or read from JSON in
/// MoMo's field names with [`crate::input`]; every rule is checked when
/// [`Client::pos_request`] signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosPayment {
    order_id: String,
    request_id: String,
    amount: u64,
    payment_code: EncryptedPaymentCode,
    order_info: String,
    extra_data: String,
    store_id: Option<String>,
    store_name: Option<String>,
    sub_partner_code: Option<String>,
    order_group_id: Option<u64>,
    auto_capture: bool,
    ipn_url: Option<String>,
    items: Vec<Item>,
    user_info: Option<UserInfo>,
    request_time: Option<u64>,
    lang: Option<Lang>,
}

impl PosPayment {
    /// The required fields. `request_id` is MoMo's idempotency key: generate
    /// it once per payment and reuse it for any resend of the same bytes.
    pub fn new(
        order_id: impl Into<String>,
        request_id: impl Into<String>,
        amount: u64,
        payment_code: EncryptedPaymentCode,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            request_id: request_id.into(),
            amount,
            payment_code,
            order_info: String::new(),
            extra_data: String::new(),
            store_id: None,
            store_name: None,
            sub_partner_code: None,
            order_group_id: None,
            auto_capture: true,
            ipn_url: None,
            items: Vec::new(),
            user_info: None,
            request_time: None,
            lang: None,
        }
    }

    /// `orderInfo`: short description of the order, signed and shown to the
    /// shopper. Default `""`; at most 1,024 bytes, no control characters,
    /// and no `&key=` of a signed key (`&amount=`): the signed text would be
    /// ambiguous.
    #[must_use]
    pub fn with_order_info(mut self, order_info: impl Into<String>) -> Self {
        self.order_info = order_info.into();
        self
    }

    /// `extraData`: `""` or base64 of a JSON object (see [`crate::extra_data`]).
    #[must_use]
    pub fn with_extra_data(mut self, extra_data: impl Into<String>) -> Self {
        self.extra_data = extra_data.into();
        self
    }

    /// `storeId`: the merchant's id for the store; non-empty text (at most
    /// 1,024 bytes, no control characters), sent but not signed.
    #[must_use]
    pub fn with_store_id(mut self, store_id: impl Into<String>) -> Self {
        self.store_id = Some(store_id.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_store_id`] sets.
    pub fn set_store_id(&mut self, store_id: Option<String>) -> &mut Self {
        self.store_id = store_id;
        self
    }

    /// `storeName`: the store's name; non-empty text, sent but not signed.
    #[must_use]
    pub fn with_store_name(mut self, store_name: impl Into<String>) -> Self {
        self.store_name = Some(store_name.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_store_name`] sets.
    pub fn set_store_name(&mut self, store_name: Option<String>) -> &mut Self {
        self.store_name = store_name;
        self
    }

    /// `subPartnerCode`: MoMo's id of a sub-partner of the merchant;
    /// non-empty text, sent but not signed.
    #[must_use]
    pub fn with_sub_partner_code(mut self, code: impl Into<String>) -> Self {
        self.sub_partner_code = Some(code.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_sub_partner_code`] sets.
    pub fn set_sub_partner_code(&mut self, code: Option<String>) -> &mut Self {
        self.sub_partner_code = code;
        self
    }

    /// `orderGroupId`: a group number MoMo assigns (ask MoMo before using
    /// it; a wrong one gives result 2019); sent but not signed.
    #[must_use]
    pub fn with_order_group_id(mut self, id: u64) -> Self {
        self.order_group_id = Some(id);
        self
    }

    /// Sets or clears (`None`) what [`Self::with_order_group_id`] sets.
    pub fn set_order_group_id(&mut self, id: Option<u64>) -> &mut Self {
        self.order_group_id = id;
        self
    }

    /// `false` to authorize only (result 9000), then capture or cancel with
    /// a [`crate::Confirm`]. Defaults to `true`.
    #[must_use]
    pub fn with_auto_capture(mut self, auto_capture: bool) -> Self {
        self.auto_capture = auto_capture;
        self
    }

    /// `ipnUrl`: where MoMo POSTs the payment notification (IPN). An absolute
    /// `http://` or `https://` URL with a host, at most 2,048 bytes; not signed.
    #[must_use]
    pub fn with_ipn_url(mut self, url: impl Into<String>) -> Self {
        self.ipn_url = Some(url.into());
        self
    }

    /// Sets or clears (`None`) what [`Self::with_ipn_url`] sets.
    pub fn set_ipn_url(&mut self, url: Option<String>) -> &mut Self {
        self.ipn_url = url;
        self
    }

    /// Products shown in the MoMo app: at most 50, each id used once (see
    /// [`Item`] for the rules); not signed. Replaces any list set before.
    #[must_use]
    pub fn with_items(mut self, items: Vec<Item>) -> Self {
        self.items = items;
        self
    }

    /// `userInfo`: the shopper's contact details, for MoMo's notification
    /// or e-mail to the shopper; not signed.
    #[must_use]
    pub fn with_user_info(mut self, user_info: UserInfo) -> Self {
        self.user_info = Some(user_info);
        self
    }

    /// Sets or clears (`None`) what [`Self::with_user_info`] sets.
    pub fn set_user_info(&mut self, user_info: Option<UserInfo>) -> &mut Self {
        self.user_info = user_info;
        self
    }

    /// `requestTime`: when the request was made, in epoch milliseconds from
    /// the host's clock (a value in seconds is refused); not signed.
    #[must_use]
    pub fn with_request_time(mut self, epoch_millis: u64) -> Self {
        self.request_time = Some(epoch_millis);
        self
    }

    /// Sets or clears (`None`) what [`Self::with_request_time`] sets.
    pub fn set_request_time(&mut self, epoch_millis: Option<u64>) -> &mut Self {
        self.request_time = epoch_millis;
        self
    }

    /// Language of MoMo's message (defaults to the client's).
    #[must_use]
    pub fn with_lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }

    /// Sets or clears (`None`) what [`Self::with_lang`] sets.
    pub fn set_lang(&mut self, lang: Option<Lang>) -> &mut Self {
        self.lang = lang;
        self
    }

    /// The merchant's order reference (`orderId`), as given to
    /// [`PosPayment::new`]; checked only when signed.
    pub fn order_id(&self) -> &str {
        &self.order_id
    }

    /// `requestId`: MoMo's idempotency key, 1 to 50 characters; a resend of
    /// this payment must carry the same one.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// The sum to charge, in VND; signing checks it against
    /// [`Client::amount_limits`] (1,000 to 5,000,000 by default).
    pub fn amount(&self) -> u64 {
        self.amount
    }

    /// Whether MoMo captures at once (`true`) or only authorizes.
    pub fn is_auto_capture(&self) -> bool {
        self.auto_capture
    }

    fn check(&self, client: &Client) -> Result<()> {
        check_order_id(&self.order_id)?;
        check_request_id(&self.request_id)?;
        client.amount_limits().check(self.amount)?;
        check_text("orderInfo", &self.order_info)?;
        extra_data::check(&self.extra_data)?;
        for (field, value) in [
            ("requestId", &self.request_id),
            ("orderInfo", &self.order_info),
        ] {
            check_unambiguous(field, value, &SIGNED_KEYS)?;
        }
        for (field, value) in [
            ("storeId", &self.store_id),
            ("storeName", &self.store_name),
            ("subPartnerCode", &self.sub_partner_code),
        ] {
            if let Some(value) = value {
                check_required_text(field, value)?;
            }
        }
        if let Some(url) = &self.ipn_url {
            check_http_url("ipnUrl", url)?;
        }
        if self.items.len() > MAX_ITEMS {
            return Err(Error::invalid(
                "items",
                format!("{} items; at most {MAX_ITEMS}", self.items.len()),
            ));
        }
        let mut ids = HashSet::with_capacity(self.items.len());
        for (index, item) in self.items.iter().enumerate() {
            item.check(index)?;
            if !ids.insert(item.id.as_str()) {
                // MoMo answers 45 (duplicated itemId) otherwise.
                return Err(Error::invalid(
                    format!("items[{index}].id"),
                    "repeats the id of an earlier item",
                ));
            }
        }
        if let Some(user_info) = &self.user_info {
            user_info.check()?;
        }
        if let Some(time) = self.request_time {
            if time < MIN_EPOCH_MILLIS {
                return Err(Error::invalid(
                    "requestTime",
                    "must be epoch milliseconds (this looks like seconds)",
                ));
            }
        }
        Ok(())
    }

    pub(crate) fn sign(&self, client: &Client) -> Result<SignedRequest> {
        self.check(client)?;
        let body = PosBody {
            partner_code: client.credentials().partner_code(),
            sub_partner_code: self.sub_partner_code.as_deref(),
            store_id: self.store_id.as_deref(),
            store_name: self.store_name.as_deref(),
            order_id: &self.order_id,
            order_group_id: self.order_group_id,
            amount: self.amount,
            request_id: &self.request_id,
            payment_code: self.payment_code.as_str(),
            order_info: &self.order_info,
            auto_capture: self.auto_capture,
            ipn_url: self.ipn_url.as_deref(),
            extra_data: &self.extra_data,
            items: &self.items,
            user_info: self.user_info.as_ref(),
            request_time: self.request_time,
            lang: self.lang.unwrap_or(client.lang()),
            signature: String::new(),
        };
        seal(
            client,
            Endpoint::Pos,
            body,
            &self.order_id,
            &self.request_id,
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PosBody<'a> {
    partner_code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_partner_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    store_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    store_name: Option<&'a str>,
    order_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_group_id: Option<u64>,
    amount: u64,
    request_id: &'a str,
    payment_code: &'a str,
    order_info: &'a str,
    auto_capture: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipn_url: Option<&'a str>,
    extra_data: &'a str,
    #[serde(skip_serializing_if = "<[Item]>::is_empty")]
    items: &'a [Item],
    #[serde(skip_serializing_if = "Option::is_none")]
    user_info: Option<&'a UserInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_time: Option<u64>,
    lang: Lang,
    signature: String,
}

impl SignedBody for PosBody<'_> {
    fn raw_signature(&self, access_key: &str) -> RawSignature {
        RawSignature::with_capacity(160 + self.payment_code.len() + self.order_info.len())
            .field("accessKey", access_key)
            .field("amount", &self.amount.to_string())
            .field("extraData", self.extra_data)
            .field("orderId", self.order_id)
            .field("orderInfo", self.order_info)
            .field("partnerCode", self.partner_code)
            .field("paymentCode", self.payment_code)
            .field("requestId", self.request_id)
    }

    fn set_signature(&mut self, signature: String) {
        self.signature = signature;
    }
}
