/* Pos, query and confirm requests against the oracle's signatures. */
#include "test.h"

static momo_pos_payment *payment_of(const struct pos_vector *v) {
  momo_pos_payment *payment = NULL;
  CHECK_RC(momo_pos_payment_new(CS(v->order_id), CS(v->request_id), v->amount,
                                CS(v->payment_code), &payment),
           MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_order_info(payment, CS(v->order_info)), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_extra_data(payment, CS(v->extra_data)), MOMO_RESULT_OK);
  return payment;
}

/* The request carries the oracle's signature and raw signature, and goes
 * to the test gateway's `endpoint`. */
static void check_signed(const momo_request *request, const char *signature,
                         const char *raw_signature, const char *endpoint) {
  char url[128];
  snprintf(url, sizeof url, "https://test-payment.momo.vn/v2/gateway/api/%s", endpoint);
  momo_str s;
  CHECK_RC(momo_request_signature(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, signature);
  CHECK_RC(momo_request_raw_signature(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, raw_signature);
  CHECK_RC(momo_request_url(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, url);
}

static void pos_requests_match_the_oracle(void) {
  momo_client *client = test_client();
  int signed_count = 0;
  for (size_t i = 0; i < COUNT(POS_VECTORS); i++) {
    const struct pos_vector *v = &POS_VECTORS[i];
    momo_pos_payment *payment = payment_of(v);
    momo_request *request = SENTINEL;
    if (strstr(v->order_info, "&partnerCode=")) {
      /* Refused: the signed text would be ambiguous. */
      CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_INVALID_FIELD);
      CHECK_FIELD("orderInfo");
      CHECK(request == SENTINEL);
      momo_pos_payment_free(payment);
      continue;
    }
    CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_OK);
    check_signed(request, v->signature, v->raw_signature, "pos");
    momo_str s;
    CHECK_RC(momo_request_content_type(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, "application/json; charset=UTF-8");
    CHECK_RC(momo_request_order_id(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->order_id);
    CHECK_RC(momo_request_request_id(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->request_id);
    uint64_t ms = 0;
    CHECK_RC(momo_request_timeout_ms(request, &ms), MOMO_RESULT_OK);
    CHECK(ms >= 30000);
    CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
    char fragment[128];
    snprintf(fragment, sizeof fragment, "\"signature\":\"%s\"", v->signature);
    CHECK(contains(s, fragment));
    CHECK(contains(s, v->payment_code));
    CHECK(strlen(s.data) == s.len);
    momo_request_free(request);
    momo_pos_payment_free(payment);
    signed_count++;
  }
  CHECK(signed_count == 5);
  momo_client_free(client);
}

static void optional_fields_are_sent_but_not_signed(void) {
  momo_client *client = test_client();
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = payment_of(v);
  CHECK_RC(momo_pos_payment_set_ipn_url(payment, S("https://pos.example.vn/momo/ipn")),
           MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_store_id(payment, S("STORE-7")), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_store_name(payment, S("C\xc3\xa0 ph\xc3\xaa 7")), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_sub_partner_code(payment, S("SUB1")), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_auto_capture(payment, false), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_order_group_id(payment, 987654321), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_request_time(payment, 1763886412345ULL), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_lang(payment, MOMO_LANG_EN), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_add_item(payment, S("CF01"), S("C\xc3\xa0 ph\xc3\xaa"), 20000, 2),
           MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_add_item(payment, S("CK02"), S("Cake"), 10000, 1), MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_user_info(payment, S("Nguyen Van A"), S("+84901234567"),
                                          S("a@example.vn")),
           MOMO_RESULT_OK);
  momo_request *request = NULL;
  CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_OK);
  momo_str s;
  CHECK_RC(momo_request_signature(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, v->signature);
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"ipnUrl\":\"https://pos.example.vn/momo/ipn\""));
  CHECK(contains(s, "\"storeId\":\"STORE-7\""));
  CHECK(contains(s, "\"storeName\":\"C\xc3\xa0 ph\xc3\xaa 7\""));
  CHECK(contains(s, "\"subPartnerCode\":\"SUB1\""));
  CHECK(contains(s, "\"autoCapture\":false"));
  CHECK(contains(s, "\"orderGroupId\":987654321"));
  CHECK(contains(s, "\"requestTime\":1763886412345"));
  CHECK(contains(s, "\"lang\":\"en\""));
  CHECK(contains(s, "\"id\":\"CF01\""));
  CHECK(contains(s, "\"totalPrice\":40000"));
  CHECK(contains(s, "\"id\":\"CK02\""));
  CHECK(contains(s, "\"phoneNumber\":\"+84901234567\""));
  momo_request_free(request);

  /* Items as JSON, for the optional item fields; replaces the list. */
  CHECK_RC(momo_pos_payment_set_items_json(
               payment, S("[{\"id\":\"X1\",\"name\":\"Tea\",\"price\":1500,\"quantity\":2,"
                          "\"totalPrice\":3000,\"imageUrl\":\"https://img.example.vn/t.png\"}]")),
           MOMO_RESULT_OK);
  /* userInfo parts are optional. */
  CHECK_RC(momo_pos_payment_set_user_info(payment, NULL, 0, NULL, 0, S("b@example.vn")),
           MOMO_RESULT_OK);
  CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_OK);
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"imageUrl\":\"https://img.example.vn/t.png\""));
  CHECK(!contains(s, "CF01"));
  CHECK(contains(s, "\"userInfo\":{\"email\":\"b@example.vn\"}"));
  momo_request_free(request);
  momo_pos_payment_free(payment);
  momo_client_free(client);
}

/* Signs `payment` and expects a rule failure on `field`. */
static void expect_rule(momo_client *client, momo_pos_payment *payment, momo_result code,
                        const char *field) {
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_pos_request(client, payment, &request), code);
  CHECK_FIELD(field);
  CHECK(request == SENTINEL);
}

static void pos_rules_name_their_field(void) {
  momo_client *client = test_client();
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = NULL;

  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), S("r1"), 999, CS(v->payment_code), &payment),
           MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "amount");
  momo_pos_payment_free(payment);

  CHECK_RC(momo_pos_payment_new(S("-bad"), S("r1"), 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "orderId");
  momo_pos_payment_free(payment);

  payment = payment_of(v);
  CHECK_RC(momo_pos_payment_add_item(payment, S("A"), S("Tea"), 1000, 0), MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "items[0].quantity");
  CHECK_RC(momo_pos_payment_set_items_json(
               payment, S("[{\"id\":\"A\",\"name\":\"a\",\"price\":1,\"quantity\":1,\"totalPrice\":1},"
                          "{\"id\":\"A\",\"name\":\"b\",\"price\":1,\"quantity\":1,\"totalPrice\":1}]")),
           MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "items[1].id");
  CHECK_RC(momo_pos_payment_set_items_json(
               payment, S("[{\"id\":\"A\",\"name\":\"a\",\"price\":2,\"quantity\":3,\"totalPrice\":5}]")),
           MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "items[0].totalPrice");
  CHECK_RC(momo_pos_payment_set_items_json(payment, S("[]")), MOMO_RESULT_OK);
  /* Read by the core's input model: the error names the field. */
  CHECK_RC(momo_pos_payment_set_items_json(payment, S("{\"id\":1}")), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("items");
  CHECK_RC(momo_pos_payment_set_items_json(
               payment, S("[{\"id\":\"A\",\"name\":\"a\",\"price\":\"1\",\"quantity\":1,"
                          "\"totalPrice\":1}]")),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("items[0].price");
  CHECK_RC(momo_pos_payment_set_items_json(payment, S("[{\"id\":\"A\",\"name\":\"a\"}]")),
           MOMO_RESULT_MISSING_FIELD);
  CHECK_FIELD("items[0].price");
  CHECK_RC(momo_pos_payment_set_items_json(
               payment, S("[{\"id\":\"A\",\"name\":\"a\",\"price\":1,\"quantity\":1,"
                          "\"totalPrice\":1,\"imageURL\":\"x\"}]")),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("items[0].imageURL");
  CHECK_RC(momo_pos_payment_set_items_json(payment, S("[")), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_pos_payment_set_user_info(payment, NULL, 0, NULL, 0, S("not-an-email")),
           MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "userInfo.email");
  CHECK_RC(momo_pos_payment_set_user_info(payment, NULL, 0, S("12"), NULL, 0), MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "userInfo.phoneNumber");
  momo_pos_payment_free(payment);

  payment = payment_of(v);
  CHECK_RC(momo_pos_payment_set_request_time(payment, 1763886412ULL), MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "requestTime");
  momo_pos_payment_free(payment);

  payment = payment_of(v);
  CHECK_RC(momo_pos_payment_set_ipn_url(payment, S("ftp://x")), MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "ipnUrl");
  momo_pos_payment_free(payment);

  payment = payment_of(v);
  CHECK_RC(momo_pos_payment_set_extra_data(payment, S("not base64 json")), MOMO_RESULT_OK);
  expect_rule(client, payment, MOMO_RESULT_INVALID_FIELD, "extraData");
  momo_pos_payment_free(payment);
  momo_client_free(client);
}

static void pos_payment_refuses_bad_arguments(void) {
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = SENTINEL;
  /* The plain code where the encrypted one belongs. */
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), S("r1"), 50000, S("MM561918531775222861"), &payment),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("paymentCode");
  CHECK_RC(momo_pos_payment_new(NULL, 3, S("r1"), 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("order_id");
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), NULL, 2, 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("request_id");
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), S("r1"), 50000, NULL, 344, &payment),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("encrypted_code");
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), S("r1"), 50000, CS(v->payment_code), NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_new(S(BAD_UTF8), S("r1"), 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_pos_payment_new(S("ORD\0ER"), S("r1"), 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), "r1", SIZE_MAX, 50000, CS(v->payment_code), &payment),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(payment == SENTINEL);

  /* Every setter: NULL handle, NULL text, bad UTF-8, NUL, SIZE_MAX. */
  typedef momo_result (*text_setter)(momo_pos_payment *, const char *, size_t);
  static const text_setter setters[] = {
      momo_pos_payment_set_order_info, momo_pos_payment_set_extra_data,
      momo_pos_payment_set_ipn_url,    momo_pos_payment_set_store_id,
      momo_pos_payment_set_store_name, momo_pos_payment_set_sub_partner_code,
      momo_pos_payment_set_items_json,
  };
  payment = payment_of(v);
  for (size_t i = 0; i < COUNT(setters); i++) {
    CHECK_RC(setters[i](NULL, S("x")), MOMO_RESULT_NULL_POINTER);
    CHECK_FIELD("payment");
    CHECK_RC(setters[i](payment, NULL, 1), MOMO_RESULT_NULL_POINTER);
    CHECK_RC(setters[i](payment, S(BAD_UTF8)), MOMO_RESULT_INVALID_UTF8);
    CHECK_RC(setters[i](payment, S("a\0b")), MOMO_RESULT_EMBEDDED_NUL);
    CHECK_RC(setters[i](payment, "x", SIZE_MAX), MOMO_RESULT_INPUT_TOO_LONG);
  }
  CHECK_RC(momo_pos_payment_set_auto_capture(NULL, true), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_set_order_group_id(NULL, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_set_request_time(NULL, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_set_lang(NULL, MOMO_LANG_EN), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_set_lang(payment, 3), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_RC(momo_pos_payment_add_item(NULL, S("A"), S("a"), 1, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_add_item(payment, NULL, 1, S("a"), 1, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("id");
  CHECK_RC(momo_pos_payment_add_item(payment, S("A"), NULL, 1, 1, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("name");
  CHECK_RC(momo_pos_payment_add_item(payment, S("A"), S(BAD_UTF8), 1, 1), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_pos_payment_add_item(payment, S("A\0"), S("a"), 1, 1), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_pos_payment_set_user_info(NULL, S("a"), NULL, 0, NULL, 0), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_pos_payment_set_user_info(payment, S(BAD_UTF8), NULL, 0, NULL, 0),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_pos_payment_set_user_info(payment, NULL, 0, S("09\0"), NULL, 0),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_pos_payment_set_user_info(payment, NULL, 0, NULL, 0, "a", SIZE_MAX),
           MOMO_RESULT_INPUT_TOO_LONG);

  /* Failed setters changed nothing: the payment still signs as the oracle says. */
  momo_client *client = test_client();
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_pos_request(NULL, payment, &request), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_client_pos_request(client, NULL, &request), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("payment");
  CHECK_RC(momo_client_pos_request(client, payment, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(request == SENTINEL);
  CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_OK);
  momo_str s;
  CHECK_RC(momo_request_signature(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, v->signature);
  momo_request_free(request);
  momo_pos_payment_free(payment);
  momo_pos_payment_free(NULL);
  momo_client_free(client);
}

static void query_and_confirm_match_the_oracle(void) {
  momo_client *client = test_client();
  for (size_t i = 0; i < COUNT(QUERY_VECTORS); i++) {
    const struct query_vector *v = &QUERY_VECTORS[i];
    momo_request *request = NULL;
    CHECK_RC(momo_client_query_request(client, CS(v->order_id), CS(v->request_id),
                                       MOMO_LANG_DEFAULT, &request),
             MOMO_RESULT_OK);
    check_signed(request, v->signature, v->raw_signature, "query");
    momo_request_free(request);
  }
  for (size_t i = 0; i < COUNT(CONFIRM_VECTORS); i++) {
    const struct confirm_vector *v = &CONFIRM_VECTORS[i];
    momo_confirm_action action =
        strcmp(v->request_type, "capture") == 0 ? MOMO_CONFIRM_CAPTURE : MOMO_CONFIRM_CANCEL;
    /* An empty description may also be passed as NULL. */
    const char *description = v->description[0] ? v->description : NULL;
    momo_request *request = NULL;
    CHECK_RC(momo_client_confirm_request(client, CS(v->order_id), CS(v->request_id), v->amount,
                                         action, description,
                                         description ? strlen(description) : 0, MOMO_LANG_DEFAULT,
                                         &request),
             MOMO_RESULT_OK);
    check_signed(request, v->signature, v->raw_signature, "confirm");
    momo_request_free(request);
  }
  momo_client_free(client);
}

static void query_and_confirm_refuse_bad_arguments(void) {
  momo_client *client = test_client();
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_query_request(NULL, S("O1"), S("q1"), 0, &request), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_query_request(client, NULL, 2, S("q1"), 0, &request),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_query_request(client, S("O1"), NULL, 2, 0, &request),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_query_request(client, S("O1"), S("q1"), 0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_query_request(client, S(BAD_UTF8), S("q1"), 0, &request),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_client_query_request(client, S("O1"), S("q\0"), 0, &request),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_client_query_request(client, "O1", SIZE_MAX, S("q1"), 0, &request),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_client_query_request(client, S("O1"), S("q1"), 9, &request),
           MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_RC(momo_client_query_request(client, S("O 1"), S("q1"), 0, &request),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("orderId");
  CHECK_RC(momo_client_query_request(client, S("O1"),
                                     S("123456789012345678901234567890123456789012345678901"), 0,
                                     &request),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("requestId");

  CHECK_RC(momo_client_confirm_request(NULL, S("O1"), S("c1"), 50000, 0, NULL, 0, 0, &request),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_confirm_request(client, NULL, 2, S("c1"), 50000, 0, NULL, 0, 0, &request),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), NULL, 2, 50000, 0, NULL, 0, 0, &request),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0, NULL, 0, 0, NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 2, NULL, 0, 0, &request),
           MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("action");
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0, S(BAD_UTF8), 0,
                                       &request),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0, S("a\0b"), 0, &request),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0, "d", SIZE_MAX, 0,
                                       &request),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0, NULL, 0, 5, &request),
           MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_RC(momo_client_confirm_request(client, S("O1"), S("c1"), 50000, 0,
                                       S("x&requestType=cancel"), 0, &request),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("description");
  CHECK(request == SENTINEL);
  momo_client_free(client);
}

static void request_accessors_refuse_null(void) {
  momo_client *client = test_client();
  momo_request *request = NULL;
  CHECK_RC(momo_client_query_request(client, S("O1"), S("q1"), 0, &request), MOMO_RESULT_OK);
  typedef momo_result (*accessor)(const momo_request *, momo_str *);
  static const accessor accessors[] = {
      momo_request_url,       momo_request_body,     momo_request_content_type,
      momo_request_signature, momo_request_raw_signature, momo_request_order_id,
      momo_request_request_id,
  };
  for (size_t i = 0; i < COUNT(accessors); i++) {
    momo_str s = {SENTINEL, 99};
    CHECK_RC(accessors[i](NULL, &s), MOMO_RESULT_NULL_POINTER);
    CHECK_FIELD("request");
    CHECK_RC(accessors[i](request, NULL), MOMO_RESULT_NULL_POINTER);
    CHECK(s.data == SENTINEL && s.len == 99);
    /* The view is stable: the same pointer on every call. */
    momo_str a, b;
    CHECK_RC(accessors[i](request, &a), MOMO_RESULT_OK);
    CHECK_RC(accessors[i](request, &b), MOMO_RESULT_OK);
    CHECK(a.data == b.data && a.len == b.len && a.data[a.len] == '\0');
  }
  uint64_t ms = 7;
  CHECK_RC(momo_request_timeout_ms(NULL, &ms), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_request_timeout_ms(request, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(ms == 7);
  momo_request_free(request);
  momo_request_free(NULL);
  momo_client_free(client);
}

void suite_requests(void) {
  RUN(pos_requests_match_the_oracle);
  RUN(optional_fields_are_sent_but_not_signed);
  RUN(pos_rules_name_their_field);
  RUN(pos_payment_refuses_bad_arguments);
  RUN(query_and_confirm_match_the_oracle);
  RUN(query_and_confirm_refuse_bad_arguments);
  RUN(request_accessors_refuse_null);
}
