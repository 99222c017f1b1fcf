#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]
//! Field rules of the pos, query and confirm requests (each refusal names
//! its field), and the shape of a fully populated pos request.

use std::time::Duration;

use base64::Engine as _;
use momo_pos::{
    AmountLimits, Client, Confirm, ConfirmAction, CredentialFields, Credentials,
    EncryptedPaymentCode, Endpoint, Environment, ErrorKind, Item, Lang, PosPayment, Result,
    SignedRequest, StatusQuery, UserInfo, CONTENT_TYPE, MAX_ITEMS, MAX_REQUEST_ID_LEN, MIN_TIMEOUT,
};
use serde_json::{json, Value};

const VECTORS: &str = include_str!("../../../tests/vectors/signatures.json");

fn client_in(environment: Environment) -> Client {
    Client::new(
        Credentials::new(CredentialFields {
            partner_code: "MOMO",
            access_key: "F8BBA842ECF85",
            secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
        })
        .unwrap(),
        environment,
    )
}

fn client() -> Client {
    client_in(Environment::Test)
}

/// An opaque, well-formed RSA-2048 ciphertext (content is irrelevant here).
fn code() -> EncryptedPaymentCode {
    EncryptedPaymentCode::from_base64(
        &base64::engine::general_purpose::STANDARD.encode([0x5au8; 256]),
    )
    .unwrap()
}

fn pos(order_id: &str, request_id: &str, amount: u64) -> PosPayment {
    PosPayment::new(order_id, request_id, amount, code())
}

fn base() -> PosPayment {
    pos("ORDER-1001", "ORDER-1001-r1", 50_000)
}

fn body(request: &SignedRequest) -> Value {
    serde_json::from_slice(request.body()).unwrap()
}

/// The request is refused as an invalid field, and the error names `field`.
#[track_caller]
fn refused(result: Result<SignedRequest>, field: &str) {
    match result {
        Ok(r) => panic!("expected {field} to be refused, got {}", r.body_str()),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidField, "{e}");
            assert_eq!(e.field(), Some(field), "{e}");
            assert!(e.to_string().starts_with(field), "{e}");
        }
    }
}

#[track_caller]
fn accepted(result: Result<SignedRequest>) -> SignedRequest {
    result.unwrap_or_else(|e| panic!("expected acceptance, got {e}"))
}

// ---------------------------------------------------------------------------
// amount
// ---------------------------------------------------------------------------

#[test]
fn amount_default_bounds() {
    let c = client();
    refused(c.pos_request(&pos("o1", "r1", 999)), "amount");
    refused(c.pos_request(&pos("o1", "r1", 0)), "amount");
    accepted(c.pos_request(&pos("o1", "r1", 1_000)));
    accepted(c.pos_request(&pos("o1", "r1", 5_000_000)));
    refused(c.pos_request(&pos("o1", "r1", 5_000_001)), "amount");
    refused(c.pos_request(&pos("o1", "r1", u64::MAX)), "amount");
    assert_eq!(c.amount_limits(), AmountLimits::QUICK_PAY);
    assert_eq!(c.amount_limits().min(), 1_000);
    assert_eq!(c.amount_limits().max(), 5_000_000);
    // The accepted amount is a JSON number in the body.
    let r = accepted(c.pos_request(&pos("o1", "r1", 5_000_000)));
    assert_eq!(body(&r)["amount"], json!(5_000_000));
    assert!(r.body_str().contains("\"amount\":5000000"));
}

#[test]
fn amount_custom_bounds() {
    let limits = AmountLimits::new(500, 50_000_000).unwrap();
    let c = client().with_amount_limits(limits);
    assert_eq!(c.amount_limits(), limits);
    refused(c.pos_request(&pos("o1", "r1", 499)), "amount");
    accepted(c.pos_request(&pos("o1", "r1", 500)));
    accepted(c.pos_request(&pos("o1", "r1", 999)));
    accepted(c.pos_request(&pos("o1", "r1", 50_000_000)));
    refused(c.pos_request(&pos("o1", "r1", 50_000_001)), "amount");
    // Confirm uses the same limits.
    accepted(c.confirm_request(&Confirm::new("o1", "r1", 999, ConfirmAction::Capture)));
    refused(
        c.confirm_request(&Confirm::new("o1", "r1", 499, ConfirmAction::Capture)),
        "amount",
    );

    let one = AmountLimits::new(1, 1).unwrap();
    let c1 = client().with_amount_limits(one);
    accepted(c1.pos_request(&pos("o1", "r1", 1)));
    refused(c1.pos_request(&pos("o1", "r1", 2)), "amount");

    for (min, max) in [(0, 10), (10, 9), (0, 0)] {
        let err = AmountLimits::new(min, max).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidField);
        assert_eq!(err.field(), Some("amount"));
    }
}

// ---------------------------------------------------------------------------
// orderId / requestId
// ---------------------------------------------------------------------------

#[test]
fn order_id_pattern() {
    let c = client();
    for bad in [
        "-a",
        "a-",
        "",
        "_a",
        "a.",
        ".",
        "a b",
        "a/b",
        "\u{111}\u{1a1}n",
        "a&b",
        "a\n",
    ] {
        refused(c.pos_request(&pos(bad, "r1", 50_000)), "orderId");
        refused(c.query_request(&StatusQuery::new(bad, "r1")), "orderId");
        refused(
            c.confirm_request(&Confirm::new(bad, "r1", 50_000, ConfirmAction::Cancel)),
            "orderId",
        );
    }
    for ok in [
        "a",
        "9",
        "a--b",
        "a-_.b",
        "ORDER.2026-11-23_001",
        "a-b_c.d",
        "ABCxyz019",
    ] {
        let r = accepted(c.pos_request(&pos(ok, "r1", 50_000)));
        assert_eq!(body(&r)["orderId"], json!(ok));
        assert_eq!(r.order_id(), ok);
        accepted(c.query_request(&StatusQuery::new(ok, "r1")));
        accepted(c.confirm_request(&Confirm::new(ok, "r1", 50_000, ConfirmAction::Cancel)));
    }
}

#[test]
fn request_id_length() {
    let c = client();
    let fifty = "r".repeat(MAX_REQUEST_ID_LEN);
    let fifty_one = "r".repeat(MAX_REQUEST_ID_LEN + 1);
    assert_eq!(fifty.len(), 50);
    let r = accepted(c.pos_request(&pos("o1", &fifty, 50_000)));
    assert_eq!(r.request_id(), fifty);
    refused(c.pos_request(&pos("o1", &fifty_one, 50_000)), "requestId");
    refused(c.pos_request(&pos("o1", "", 50_000)), "requestId");
    accepted(c.query_request(&StatusQuery::new("o1", &fifty)));
    refused(
        c.query_request(&StatusQuery::new("o1", &fifty_one)),
        "requestId",
    );
    refused(c.query_request(&StatusQuery::new("o1", "")), "requestId");
    accepted(c.confirm_request(&Confirm::new("o1", &fifty, 50_000, ConfirmAction::Capture)));
    refused(
        c.confirm_request(&Confirm::new(
            "o1",
            &fifty_one,
            50_000,
            ConfirmAction::Capture,
        )),
        "requestId",
    );
    // Control characters are refused in a requestId.
    refused(c.pos_request(&pos("o1", "r\n1", 50_000)), "requestId");
    refused(
        c.query_request(&StatusQuery::new("o1", "r\t1")),
        "requestId",
    );
}

// ---------------------------------------------------------------------------
// extraData
// ---------------------------------------------------------------------------

#[test]
fn extra_data_rules() {
    let c = client();
    let std = base64::engine::general_purpose::STANDARD;
    for bad in [
        "not base64!".to_owned(),
        "{\"username\":\"momo\"}".to_owned(),
        "eyJ1c2VybmFtZSI6ICJtb21vIn0".to_owned(), // padding missing
        std.encode("[1,2]"),
        std.encode("\"momo\""),
        std.encode("42"),
        std.encode("null"),
        std.encode("not json"),
        " eyJ1c2VybmFtZSI6ICJtb21vIn0=".to_owned(),
    ] {
        refused(
            c.pos_request(&base().with_extra_data(bad.as_str())),
            "extraData",
        );
    }
    for ok in ["", "eyJ1c2VybmFtZSI6ICJtb21vIn0=", "e30="] {
        let r = accepted(c.pos_request(&base().with_extra_data(ok)));
        assert_eq!(body(&r)["extraData"], json!(ok));
        assert!(r.raw_signature().contains(&format!("&extraData={ok}&")));
    }
    // The documented example decodes to {"username": "momo"}.
    let map = momo_pos::extra_data::decode("eyJ1c2VybmFtZSI6ICJtb21vIn0=").unwrap();
    assert_eq!(map.get("username"), Some(&json!("momo")));
    let encoded = momo_pos::extra_data::encode(&json!({"till": 3})).unwrap();
    accepted(c.pos_request(&base().with_extra_data(encoded)));
}

// ---------------------------------------------------------------------------
// items
// ---------------------------------------------------------------------------

fn items(n: usize) -> Vec<Item> {
    (0..n)
        .map(|i| Item::new(format!("SKU-{i}"), format!("Item {i}"), 1_000, 1))
        .collect()
}

#[test]
fn items_count() {
    let c = client();
    let r = accepted(c.pos_request(&base().with_items(items(MAX_ITEMS))));
    assert_eq!(body(&r)["items"].as_array().unwrap().len(), 50);
    refused(
        c.pos_request(&base().with_items(items(MAX_ITEMS + 1))),
        "items",
    );
    // No items: the key is not sent.
    let r = accepted(c.pos_request(&base().with_items(Vec::new())));
    assert!(body(&r).get("items").is_none());
}

#[test]
fn item_rules_name_the_item_and_field() {
    let c = client();
    let with = |index: usize, f: &dyn Fn(&mut Item)| {
        let mut list = items(3);
        f(&mut list[index]);
        base().with_items(list)
    };
    refused(
        c.pos_request(&with(0, &|i| i.quantity = 0)),
        "items[0].quantity",
    );
    refused(
        c.pos_request(&with(1, &|i| i.total_price = 999)),
        "items[1].totalPrice",
    );
    refused(
        c.pos_request(&with(2, &|i| {
            i.price = 2_000;
            i.quantity = 3;
            i.total_price = 2_000 * 2;
        })),
        "items[2].totalPrice",
    );
    refused(
        c.pos_request(&with(1, &|i| {
            i.price = u64::MAX;
            i.quantity = 2;
            i.total_price = u64::MAX;
        })),
        "items[1].totalPrice",
    );
    refused(
        c.pos_request(&with(0, &|i| i.currency = Some("USD".into()))),
        "items[0].currency",
    );
    refused(
        c.pos_request(&with(2, &|i| i.currency = Some("vnd".into()))),
        "items[2].currency",
    );
    accepted(c.pos_request(&with(0, &|i| i.currency = Some("VND".into()))));
    refused(
        c.pos_request(&with(1, &|i| i.name.clear())),
        "items[1].name",
    );
    refused(c.pos_request(&with(2, &|i| i.id.clear())), "items[2].id");
    refused(
        c.pos_request(&with(0, &|i| i.name = "Tr\u{e0}\ns\u{1eef}a".into())),
        "items[0].name",
    );
    refused(
        c.pos_request(&with(1, &|i| i.image_url = Some("ftp://x/y.png".into()))),
        "items[1].imageUrl",
    );
    refused(
        c.pos_request(&with(1, &|i| i.unit = Some("c\u{7}up".into()))),
        "items[1].unit",
    );
    // Duplicate ids: the second occurrence is named.
    refused(
        c.pos_request(&with(2, &|i| i.id = "SKU-0".into())),
        "items[2].id",
    );
    // Item::new computes the total.
    let item = Item::new("A", "Tr\u{e0} s\u{1eef}a", 25_000, 3);
    assert_eq!(item.total_price, 75_000);
    let r = accepted(c.pos_request(&base().with_items(vec![item])));
    let sent = &body(&r)["items"][0];
    assert_eq!(sent["totalPrice"], json!(75_000));
    assert_eq!(sent["quantity"], json!(3));
    assert_eq!(sent["name"], json!("Tr\u{e0} s\u{1eef}a"));
}

// ---------------------------------------------------------------------------
// ipnUrl, userInfo, requestTime
// ---------------------------------------------------------------------------

#[test]
fn ipn_url_shapes() {
    let c = client();
    for ok in [
        "https://shop.vn/momo/ipn",
        "http://127.0.0.1:8080/ipn?till=3",
        "https://user@shop.vn:8443/ipn",
    ] {
        let r = accepted(c.pos_request(&base().with_ipn_url(ok)));
        assert_eq!(body(&r)["ipnUrl"], json!(ok));
    }
    for bad in [
        "",
        "shop.vn/ipn",
        "//shop.vn/ipn",
        "ftp://shop.vn/ipn",
        "https://",
        "https:///ipn",
        "https://shop .vn/ipn",
        "https://shop.vn/ipn\n",
        "javascript:alert(1)",
    ] {
        refused(c.pos_request(&base().with_ipn_url(bad)), "ipnUrl");
    }
    let long = format!("https://shop.vn/{}", "a".repeat(5000));
    refused(c.pos_request(&base().with_ipn_url(long)), "ipnUrl");
}

fn user(phone: Option<&str>, email: Option<&str>) -> UserInfo {
    let mut info = UserInfo::default();
    info.name = Some("Nguy\u{1ec5}n V\u{103}n A".into());
    info.phone_number = phone.map(Into::into);
    info.email = email.map(Into::into);
    info
}

#[test]
fn user_info_rules() {
    let c = client();
    for phone in ["0901234567", "+84901234567", "12345678", "123456789012345"] {
        accepted(c.pos_request(&base().with_user_info(user(Some(phone), None))));
    }
    for phone in [
        "",
        "1234567",
        "1234567890123456",
        "090-123-4567",
        "090 123 4567",
        "+",
        "++84901234567",
        "０９０１２３４５６７",
    ] {
        refused(
            c.pos_request(&base().with_user_info(user(Some(phone), None))),
            "userInfo.phoneNumber",
        );
    }
    for email in ["a@b.vn", "lan.nguyen+pos@shop.com.vn"] {
        accepted(c.pos_request(&base().with_user_info(user(None, Some(email)))));
    }
    for email in ["", "a", "a@b", "@b.vn", "a b@c.vn", "a@b@c.vn", "a@b.vn\n"] {
        refused(
            c.pos_request(&base().with_user_info(user(None, Some(email)))),
            "userInfo.email",
        );
    }
    let mut nameless = user(None, None);
    nameless.name = Some(String::new());
    refused(
        c.pos_request(&base().with_user_info(nameless)),
        "userInfo.name",
    );
    // An empty UserInfo is fine and sent as {}.
    let r = accepted(c.pos_request(&base().with_user_info(UserInfo::default())));
    assert_eq!(body(&r)["userInfo"], json!({}));
}

#[test]
fn request_time_must_be_milliseconds() {
    let c = client();
    refused(
        c.pos_request(&base().with_request_time(1_763_886_412)),
        "requestTime",
    );
    refused(c.pos_request(&base().with_request_time(0)), "requestTime");
    refused(
        c.pos_request(&base().with_request_time(999_999_999_999)),
        "requestTime",
    );
    let r = accepted(c.pos_request(&base().with_request_time(1_763_886_412_345)));
    assert_eq!(body(&r)["requestTime"], json!(1_763_886_412_345_u64));
    accepted(c.pos_request(&base().with_request_time(1_000_000_000_000)));
}

// ---------------------------------------------------------------------------
// Signed text: ambiguity and control characters
// ---------------------------------------------------------------------------

#[test]
fn signed_text_that_could_forge_another_field_is_refused() {
    let c = client();
    for info in [
        "x&partnerCode=EVIL&y",
        "x&amount=1",
        "&paymentCode=AAAA",
        "a&requestId=r2",
        "a&accessKey=K",
    ] {
        refused(c.pos_request(&base().with_order_info(info)), "orderInfo");
    }
    refused(
        c.pos_request(&pos("o1", "r1&orderInfo=x", 50_000)),
        "requestId",
    );
    refused(
        c.query_request(&StatusQuery::new("o1", "q&partnerCode=EVIL")),
        "requestId",
    );
    refused(
        c.confirm_request(&Confirm::new(
            "o1",
            "c&requestType=cancel",
            50_000,
            ConfirmAction::Capture,
        )),
        "requestId",
    );
    refused(
        c.confirm_request(
            &Confirm::new("o1", "c1", 50_000, ConfirmAction::Capture)
                .with_description("ok&requestType=cancel"),
        ),
        "description",
    );
    // '&' and '=' on their own are fine: only "&<signed key>=" is ambiguous.
    for info in [
        "C\u{e0} ph\u{ea} & b\u{e1}nh m\u{ec}",
        "a=b",
        "x&partner=1",
        "&",
        "AMOUNT&amount",
    ] {
        let r = accepted(c.pos_request(&base().with_order_info(info)));
        assert_eq!(body(&r)["orderInfo"], json!(info));
        assert!(r
            .raw_signature()
            .contains(&format!("&orderInfo={info}&partnerCode=")));
    }
}

#[test]
fn control_characters_are_refused() {
    let c = client();
    for bad in [
        "a\nb",
        "a\rb",
        "a\tb",
        "a\u{0}b",
        "a\u{7f}b",
        "a\u{85}b",
        "\u{1b}[31m",
    ] {
        refused(c.pos_request(&base().with_order_info(bad)), "orderInfo");
        refused(c.pos_request(&base().with_store_name(bad)), "storeName");
        refused(c.pos_request(&base().with_store_id(bad)), "storeId");
        refused(
            c.pos_request(&base().with_sub_partner_code(bad)),
            "subPartnerCode",
        );
        refused(
            c.confirm_request(
                &Confirm::new("o1", "c1", 50_000, ConfirmAction::Cancel).with_description(bad),
            ),
            "description",
        );
    }
    // Optional identifiers, when given, must not be empty.
    refused(c.pos_request(&base().with_store_id("")), "storeId");
    refused(c.pos_request(&base().with_store_name("")), "storeName");
    refused(
        c.pos_request(&base().with_sub_partner_code("")),
        "subPartnerCode",
    );
    // Free text is bounded.
    refused(
        c.pos_request(&base().with_order_info("x".repeat(5000))),
        "orderInfo",
    );
}

#[test]
fn json_special_characters_are_escaped_in_the_body() {
    let c = client();
    let info = "Order \"VIP\" A/B \\ </script> \u{1F600} C\u{e0} ph\u{ea}";
    let r = accepted(c.pos_request(&base().with_order_info(info)));
    assert_eq!(body(&r)["orderInfo"], json!(info));
    // The signed value is the text itself, not its JSON escaping.
    assert!(r.raw_signature().contains(&format!("&orderInfo={info}&")));
}

// ---------------------------------------------------------------------------
// A full pos request
// ---------------------------------------------------------------------------

/// The oracle's `ascii_basic` pos vector with every optional field set: the
/// optional fields are sent but not signed, so the signature is the oracle's.
fn full_payment() -> (PosPayment, Value) {
    let v: Value = serde_json::from_str(VECTORS).unwrap();
    let case = v["pos"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "ascii_basic")
        .unwrap()
        .clone();
    let f = &case["fields"];
    let mut coffee = Item::new(
        "SKU-CF-01",
        "C\u{e0} ph\u{ea} s\u{1eef}a \u{111}\u{e1}",
        25_000,
        2,
    );
    coffee.currency = Some("VND".into());
    coffee.unit = Some("ly".into());
    coffee.image_url = Some("https://shop.vn/img/cf.png".into());
    coffee.tax_amount = Some(2_000);
    let payment = PosPayment::new(
        f["orderId"].as_str().unwrap(),
        f["requestId"].as_str().unwrap(),
        f["amount"].as_u64().unwrap(),
        EncryptedPaymentCode::from_base64(f["paymentCode"].as_str().unwrap()).unwrap(),
    )
    .with_order_info(f["orderInfo"].as_str().unwrap())
    .with_extra_data(f["extraData"].as_str().unwrap())
    .with_store_id("STORE-01")
    .with_store_name("C\u{1eed}a h\u{e0}ng Q1")
    .with_sub_partner_code("SUB-01")
    .with_order_group_id(9_007_199_254_740_993)
    .with_auto_capture(false)
    .with_ipn_url("https://shop.vn/momo/ipn")
    .with_items(vec![coffee])
    .with_user_info(user(Some("0901234567"), Some("a@b.vn")))
    .with_request_time(1_763_886_412_345)
    .with_lang(Lang::En);
    (payment, case)
}

#[test]
fn full_pos_request() {
    let (payment, case) = full_payment();
    assert!(!payment.is_auto_capture());
    assert_eq!(payment.amount(), 50_000);
    let r = accepted(client().pos_request(&payment));

    assert_eq!(r.endpoint(), Endpoint::Pos);
    assert_eq!(r.path(), "/v2/gateway/api/pos");
    assert_eq!(r.url(), "https://test-payment.momo.vn/v2/gateway/api/pos");
    assert_eq!(
        r.headers(),
        [("Content-Type", "application/json; charset=UTF-8")]
    );
    assert_eq!(CONTENT_TYPE, "application/json; charset=UTF-8");
    assert!(r.timeout() >= Duration::from_secs(30));
    assert!(MIN_TIMEOUT >= Duration::from_secs(30));

    // Unsigned fields do not change the signature: it is still the oracle's.
    assert_eq!(r.raw_signature(), case["rawSignature"].as_str().unwrap());
    assert_eq!(r.signature(), case["signature"].as_str().unwrap());

    // orderGroupId keeps its exact digits (> 2^53) in the body text.
    assert!(
        r.body_str().contains("\"orderGroupId\":9007199254740993"),
        "{}",
        r.body_str()
    );
    let b = body(&r);
    for (key, value) in case["fields"].as_object().unwrap() {
        assert_eq!(&b[key], value, "{key}");
    }
    assert_eq!(b["signature"], case["signature"]);
    assert_eq!(b["storeId"], json!("STORE-01"));
    assert_eq!(b["storeName"], json!("C\u{1eed}a h\u{e0}ng Q1"));
    assert_eq!(b["subPartnerCode"], json!("SUB-01"));
    assert_eq!(b["orderGroupId"].as_u64(), Some(9_007_199_254_740_993));
    assert_eq!(b["autoCapture"], json!(false));
    assert_eq!(b["ipnUrl"], json!("https://shop.vn/momo/ipn"));
    assert_eq!(b["requestTime"], json!(1_763_886_412_345_u64));
    assert_eq!(b["lang"], json!("en"));
    assert_eq!(
        b["userInfo"],
        json!({"name": "Nguy\u{1ec5}n V\u{103}n A", "phoneNumber": "0901234567", "email": "a@b.vn"})
    );
    assert_eq!(
        b["items"],
        json!([{
            "id": "SKU-CF-01",
            "name": "C\u{e0} ph\u{ea} s\u{1eef}a \u{111}\u{e1}",
            "imageUrl": "https://shop.vn/img/cf.png",
            "price": 25_000,
            "currency": "VND",
            "quantity": 2,
            "unit": "ly",
            "totalPrice": 50_000,
            "taxAmount": 2_000
        }])
    );
    // Exactly the documented keys: no accessKey, no secretKey.
    let mut keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "amount",
            "autoCapture",
            "extraData",
            "ipnUrl",
            "items",
            "lang",
            "orderGroupId",
            "orderId",
            "orderInfo",
            "partnerCode",
            "paymentCode",
            "requestId",
            "requestTime",
            "signature",
            "storeId",
            "storeName",
            "subPartnerCode",
            "userInfo"
        ]
    );
}

#[test]
fn environments_and_base_urls() {
    let (payment, _) = full_payment();
    let production = accepted(client_in(Environment::Production).pos_request(&payment));
    assert_eq!(
        production.url(),
        "https://payment.momo.vn/v2/gateway/api/pos"
    );
    let custom = accepted(
        client_in(Environment::custom("http://127.0.0.1:8080/").unwrap()).pos_request(&payment),
    );
    assert_eq!(custom.url(), "http://127.0.0.1:8080/v2/gateway/api/pos");
    let proxied = client_in("https://proxy.shop.vn/momo".parse().unwrap());
    assert_eq!(
        accepted(proxied.query_request(&StatusQuery::new("o1", "q1"))).url(),
        "https://proxy.shop.vn/momo/v2/gateway/api/query"
    );
    assert_eq!(
        accepted(proxied.confirm_request(&Confirm::new(
            "o1",
            "c1",
            50_000,
            ConfirmAction::Capture
        )))
        .url(),
        "https://proxy.shop.vn/momo/v2/gateway/api/confirm"
    );
    // The environment changes where, never what: the bytes are identical.
    let test = accepted(client().pos_request(&payment));
    assert_eq!(production.body(), test.body());
    assert_eq!(custom.signature(), test.signature());
    for bad in [
        "ftp://x",
        "http://",
        "https://x/?q=1",
        "https://x/#f",
        "localhost:8080",
    ] {
        let err = Environment::custom(bad).unwrap_err();
        assert_eq!(err.field(), Some("baseUrl"), "{bad}");
    }
}

#[test]
fn defaults_auto_capture_and_lang() {
    let r = accepted(client().pos_request(&base()));
    let b = body(&r);
    assert_eq!(b["autoCapture"], json!(true));
    assert_eq!(b["lang"], json!("vi"));
    assert_eq!(b["orderInfo"], json!(""));
    assert_eq!(b["extraData"], json!(""));
    for absent in [
        "storeId",
        "storeName",
        "subPartnerCode",
        "orderGroupId",
        "ipnUrl",
        "items",
        "userInfo",
        "requestTime",
    ] {
        assert!(b.get(absent).is_none(), "{absent}");
    }
    let english = client().with_lang(Lang::En);
    assert_eq!(english.lang(), Lang::En);
    assert_eq!(
        body(&accepted(english.pos_request(&base())))["lang"],
        json!("en")
    );
    assert_eq!(
        body(&accepted(english.pos_request(&base().with_lang(Lang::Vi))))["lang"],
        json!("vi")
    );
    assert_eq!(
        body(&accepted(
            english.query_request(&StatusQuery::new("o1", "q1"))
        ))["lang"],
        json!("en")
    );
    assert_eq!(
        body(&accepted(client().confirm_request(
            &Confirm::new("o1", "c1", 50_000, ConfirmAction::Cancel).with_lang(Lang::En)
        )))["lang"],
        json!("en")
    );
}

// ---------------------------------------------------------------------------
// Query and confirm
// ---------------------------------------------------------------------------

#[test]
fn query_request_shape() {
    let q = StatusQuery::new("ORDER-1001", "ORDER-1001-q1");
    assert_eq!(q.order_id(), "ORDER-1001");
    assert_eq!(q.request_id(), "ORDER-1001-q1");
    let r = accepted(client().query_request(&q));
    assert_eq!(r.endpoint(), Endpoint::Query);
    assert_eq!(r.path(), "/v2/gateway/api/query");
    assert_eq!(r.headers(), [("Content-Type", CONTENT_TYPE)]);
    assert!(r.timeout() >= Duration::from_secs(30));
    let b = body(&r);
    let mut keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["lang", "orderId", "partnerCode", "requestId", "signature"]
    );
    assert_eq!(
        r.raw_signature(),
        "accessKey=F8BBA842ECF85&orderId=ORDER-1001&partnerCode=MOMO&requestId=ORDER-1001-q1"
    );
    assert_eq!(b["signature"], json!(r.signature()));
}

#[test]
fn confirm_request_shape_and_rules() {
    let c = client();
    let confirm = Confirm::new("ORDER-1001", "ORDER-1001-c1", 50_000, ConfirmAction::Cancel)
        .with_description("Kh\u{e1}ch \u{111}\u{1ed5}i \u{fd}");
    assert_eq!(confirm.action(), ConfirmAction::Cancel);
    assert_eq!(confirm.order_id(), "ORDER-1001");
    assert_eq!(confirm.request_id(), "ORDER-1001-c1");
    let r = accepted(c.confirm_request(&confirm));
    assert_eq!(r.endpoint(), Endpoint::Confirm);
    let b = body(&r);
    assert_eq!(b["requestType"], json!("cancel"));
    assert_eq!(b["amount"], json!(50_000));
    let mut keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "amount",
            "description",
            "lang",
            "orderId",
            "partnerCode",
            "requestId",
            "requestType",
            "signature"
        ]
    );
    assert!(r.raw_signature().ends_with("&requestType=cancel"));

    refused(
        c.confirm_request(&Confirm::new("o1", "c1", 999, ConfirmAction::Capture)),
        "amount",
    );
    refused(
        c.confirm_request(&Confirm::new("o1", "c1", 5_000_001, ConfirmAction::Capture)),
        "amount",
    );
    refused(
        c.confirm_request(
            &Confirm::new("o1", "c1", 50_000, ConfirmAction::Capture)
                .with_description("x".repeat(5000)),
        ),
        "description",
    );
    assert_eq!(ConfirmAction::Capture.as_str(), "capture");
    assert_eq!(ConfirmAction::Cancel.to_string(), "cancel");
    for bad in ["CAPTURE", "Cancel", "", "refund"] {
        let err = bad.parse::<ConfirmAction>().unwrap_err();
        assert_eq!(err.field(), Some("requestType"), "{bad}");
    }
}

#[test]
fn credentials_are_checked() {
    for (p, a, s, field) in [
        ("", "F8BBA842ECF85", "secret", "partnerCode"),
        ("MOMO", "", "secret", "accessKey"),
        ("MOMO", "F8BBA842ECF85", "", "secretKey"),
        ("MOMO", "F8BBA842ECF85", "secret\n", "secretKey"),
        ("MOMO ", "F8BBA842ECF85", "secret", "partnerCode"),
    ] {
        let err = Credentials::new(CredentialFields {
            partner_code: p,
            access_key: a,
            secret_key: s,
        })
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidCredentials);
        assert_eq!(err.field(), Some(field));
    }
    let creds = Credentials::new(CredentialFields {
        partner_code: "MOMO",
        access_key: "F8BBA842ECF85",
        secret_key: "K951B6PE1waDMi640xX08PD3vg6EkVlz",
    })
    .unwrap();
    assert!(!format!("{creds:?}").contains("K951B6PE1waDMi640xX08PD3vg6EkVlz"));
    let c = Client::new(creds, Environment::Test);
    assert!(!format!("{c:?}").contains("K951B6PE1waDMi640xX08PD3vg6EkVlz"));
    assert_eq!(c.credentials().partner_code(), "MOMO");
    assert_eq!(c.credentials().access_key(), "F8BBA842ECF85");
    assert_eq!(c.environment(), &Environment::Test);
}

fn refund(amount: u64) -> momo_pos::Refund {
    momo_pos::Refund::new(
        "ORDER-1-R1",
        "ORDER-1-R1",
        amount,
        "4088878653".parse().unwrap(),
    )
}

#[test]
fn refund_amount_bounds_are_momo_s_and_configurable() {
    let client = client();
    for (amount, ok) in [
        (999, false),
        (1_000, true),
        (50_000_000, true),
        (50_000_001, false),
    ] {
        let result = client.refund_request(&refund(amount));
        assert_eq!(result.is_ok(), ok, "{amount}");
        if let Err(e) = result {
            assert_eq!(e.field(), Some("amount"));
        }
    }
    let tight = client
        .clone()
        .with_refund_limits(AmountLimits::new(1_000, 10_000).unwrap());
    assert_eq!(
        tight.refund_request(&refund(10_001)).unwrap_err().field(),
        Some("amount")
    );
    // The pos bounds do not apply to refunds, nor the refund bounds to pos.
    assert!(client
        .with_amount_limits(AmountLimits::new(1_000, 2_000).unwrap())
        .refund_request(&refund(40_000_000))
        .is_ok());
}

#[test]
fn refund_rules_name_their_field() {
    let client = client();
    let cases: [(momo_pos::Refund, &str); 7] = [
        (refund(5_000).with_payment_order_id("ORDER-1-R1"), "orderId"),
        (
            momo_pos::Refund::new("bad id", "R", 5_000, "1".parse().unwrap()),
            "orderId",
        ),
        (
            momo_pos::Refund::new("O", "", 5_000, "1".parse().unwrap()),
            "requestId",
        ),
        (refund(5_000).with_description("line\nbreak"), "description"),
        (refund(5_000).with_description("x&transId=1"), "description"),
        (
            momo_pos::Refund::new("O", "R", 5_000, "9223372036854775808".parse().unwrap()),
            "transId",
        ),
        (refund(5_000).with_sub_partner_code(""), "subPartnerCode"),
    ];
    for (refund, field) in cases {
        let err = client.refund_request(&refund).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert!(client
        .refund_request(&refund(5_000).with_payment_order_id("ORDER-1"))
        .is_ok());
    for bad in ["", "12a", "-1", &"9".repeat(33)] {
        assert_eq!(
            bad.parse::<momo_pos::TransId>().unwrap_err().field(),
            Some("transId")
        );
    }
}

#[test]
fn refund_body_carries_optional_fields_and_the_client_lang() {
    let client = client().with_lang(Lang::En);
    let request = client
        .refund_request(&refund(5_000).with_sub_partner_code("SUB1"))
        .unwrap();
    assert_eq!(request.endpoint(), Endpoint::Refund);
    assert_eq!(request.order_id(), "ORDER-1-R1");
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body["subPartnerCode"], "SUB1");
    assert_eq!(body["lang"], "en");
    assert_eq!(body["transId"], json!(4_088_878_653_u64));
    assert_eq!(body["description"], "");
    assert!(request.raw_signature().contains("&description=&"));
    assert!(!request.raw_signature().contains("SUB1"));
}
