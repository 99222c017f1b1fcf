/* Refunds through the C ABI: requests against the oracle's signatures
 * (tests/vectors/signatures.json, section "refund"), refund answers (the
 * oracle's, tests/vectors/responses.json "refundResponses"), refundTrans read as typed
 * entries, bad input, and the refund driver played against a small fake
 * MoMo written here (answers built from the request's own orderId and
 * requestId). Times follow the refund driver's documented defaults: 30 s
 * request timeout, status queries 2, 3, 5, 10 s apart, a 5 minute window,
 * 3 sends of the refund at most. */
#include "test.h"

#define T0 1700000000000ULL
#define PAYMENT "MM1540456472575" /* the pos vector's payment */
#define PAYMENT_TRANS "4088878653"
#define REFUND_ORDER "MM1540456472575-R1" /* REFUND_VECTORS[0] */
#define REFUND_TRANS "4088879001"         /* MoMo's transId of the refund */
#define BASE_URL "https://test-payment.momo.vn/v2/gateway/api/"

static const struct refund_vector *refund_vector(void) { return &REFUND_VECTORS[0]; }

static momo_refund *refund_of(const struct refund_vector *v) {
  momo_refund *refund = NULL;
  CHECK_RC(momo_refund_new(CS(v->order_id), CS(v->request_id), v->amount, CS(v->trans_id),
                           &refund),
           MOMO_RESULT_OK);
  CHECK_RC(momo_refund_set_description(refund, CS(v->description)), MOMO_RESULT_OK);
  if (!refund) exit(2);
  return refund;
}

/* ---- requests ---------------------------------------------------------- */

static void refund_requests_match_the_oracle(void) {
  momo_client *client = test_client();
  for (size_t i = 0; i < COUNT(REFUND_VECTORS); i++) {
    const struct refund_vector *v = &REFUND_VECTORS[i];
    momo_refund *refund = refund_of(v);
    momo_request *request = NULL;
    CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
    momo_str s;
    CHECK_RC(momo_request_signature(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->signature);
    CHECK_RC(momo_request_raw_signature(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->raw_signature);
    CHECK_RC(momo_request_url(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, BASE_URL "refund");
    CHECK_RC(momo_request_order_id(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->order_id);
    CHECK_RC(momo_request_request_id(request, &s), MOMO_RESULT_OK);
    CHECK_STR(s, v->request_id);
    CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
    char fragment[128];
    /* transId goes as a JSON number, digits exact (beyond 2^53 too). */
    snprintf(fragment, sizeof fragment, "\"transId\":%s,", v->trans_id);
    CHECK(contains(s, fragment));
    snprintf(fragment, sizeof fragment, "\"amount\":%llu,", (unsigned long long)v->amount);
    CHECK(contains(s, fragment));
    snprintf(fragment, sizeof fragment, "\"signature\":\"%s\"", v->signature);
    CHECK(contains(s, fragment));
    CHECK(contains(s, "\"lang\":\"vi\""));
    CHECK(!contains(s, "subPartnerCode"));
    CHECK(strlen(s.data) == s.len);
    momo_request_free(request);
    momo_refund_free(refund);
  }
  CHECK(COUNT(REFUND_VECTORS) == 4);
  momo_client_free(client);
}

static void optional_refund_fields_are_sent_but_not_signed(void) {
  momo_client *client = test_client();
  const struct refund_vector *v = refund_vector();
  momo_refund *refund = refund_of(v);
  CHECK_RC(momo_refund_set_sub_partner_code(refund, S("SUB1")), MOMO_RESULT_OK);
  CHECK_RC(momo_refund_set_lang(refund, MOMO_LANG_EN), MOMO_RESULT_OK);
  CHECK_RC(momo_refund_set_payment_order_id(refund, S(PAYMENT)), MOMO_RESULT_OK);
  momo_request *request = NULL;
  CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
  momo_str s;
  CHECK_RC(momo_request_signature(request, &s), MOMO_RESULT_OK);
  CHECK_STR(s, v->signature);
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"subPartnerCode\":\"SUB1\""));
  CHECK(contains(s, "\"lang\":\"en\""));
  CHECK(!contains(s, "\"" PAYMENT "\"")); /* the payment's orderId is not sent */
  momo_request_free(request);
  /* MOMO_LANG_DEFAULT goes back to the client's language. */
  CHECK_RC(momo_refund_set_lang(refund, MOMO_LANG_DEFAULT), MOMO_RESULT_OK);
  momo_client *english = NULL;
  CHECK_RC(momo_client_with_lang(client, MOMO_LANG_EN, &english), MOMO_RESULT_OK);
  CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"lang\":\"vi\""));
  momo_request_free(request);
  CHECK_RC(momo_client_refund_request(english, refund, &request), MOMO_RESULT_OK);
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"lang\":\"en\""));
  momo_request_free(request);
  momo_client_free(english);
  momo_refund_free(refund);
  momo_client_free(client);
}

/* Signs `refund` and expects a rule failure `code` on `field`. */
static void expect_refund_rule(const momo_client *client, const momo_refund *refund,
                               momo_result code, const char *field) {
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_refund_request(client, refund, &request), code);
  CHECK_FIELD(field);
  CHECK(request == SENTINEL);
}

static momo_refund *plain_refund(uint64_t amount, const char *trans_id) {
  momo_refund *refund = NULL;
  CHECK_RC(momo_refund_new(S("ORDER-9-R1"), S("ORDER-9-R1"), amount, CS(trans_id), &refund),
           MOMO_RESULT_OK);
  if (!refund) exit(2);
  return refund;
}

static void refund_rules_name_their_field(void) {
  momo_client *client = test_client();
  CHECK(MOMO_REFUND_MIN_AMOUNT == 1000);
  CHECK(MOMO_REFUND_MAX_AMOUNT == 50000000);
  momo_refund *refund = plain_refund(MOMO_REFUND_MIN_AMOUNT - 1, PAYMENT_TRANS);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "amount");
  CHECK(strstr(momo_last_error_message(), "999") != NULL);
  momo_refund_free(refund);
  refund = plain_refund(MOMO_REFUND_MAX_AMOUNT + 1, PAYMENT_TRANS);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "amount");
  /* Other bounds for a client with another contract: both go. */
  momo_client *wide = SENTINEL;
  CHECK_RC(momo_client_with_refund_limits(client, 1, 100000000, &wide), MOMO_RESULT_OK);
  momo_request *request = NULL;
  CHECK_RC(momo_client_refund_request(wide, refund, &request), MOMO_RESULT_OK);
  momo_request_free(request);
  momo_refund_free(refund);
  refund = plain_refund(999, PAYMENT_TRANS);
  CHECK_RC(momo_client_refund_request(wide, refund, &request), MOMO_RESULT_OK);
  momo_request_free(request);
  momo_refund_free(refund);
  /* The pos limits are not the refund limits. */
  refund = plain_refund(20000000, PAYMENT_TRANS);
  CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
  momo_request_free(request);
  momo_refund_free(refund);
  momo_client *out = SENTINEL;
  CHECK_RC(momo_client_with_refund_limits(client, 10, 9, &out), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  CHECK_RC(momo_client_with_refund_limits(client, 0, 9, &out), MOMO_RESULT_INVALID_FIELD);
  CHECK_RC(momo_client_with_refund_limits(NULL, 1, 9, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_client_with_refund_limits(client, 1, 9, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK(out == SENTINEL);
  momo_client_free(wide);

  /* transId: MoMo's is a Java long. 2^63 - 1 signs (the oracle's vector),
   * 2^63 and longer digit strings are refused when signing. */
  refund = plain_refund(1000, "9223372036854775808");
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "transId");
  momo_refund_free(refund);
  refund = plain_refund(1000, "12345678901234567890123456789012");
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "transId");
  momo_refund_free(refund);

  refund = plain_refund(1000, PAYMENT_TRANS);
  CHECK_RC(momo_refund_set_description(refund, S("two\nlines")), MOMO_RESULT_OK);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "description");
  CHECK_RC(momo_refund_set_description(refund, S("x&orderId=OTHER")), MOMO_RESULT_OK);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "description");
  CHECK_RC(momo_refund_set_description(refund, S("")), MOMO_RESULT_OK);
  /* The payment's own orderId may not be the refund's. */
  CHECK_RC(momo_refund_set_payment_order_id(refund, S("ORDER-9-R1")), MOMO_RESULT_OK);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "orderId");
  CHECK_RC(momo_refund_set_payment_order_id(refund, S("ORDER-9")), MOMO_RESULT_OK);
  CHECK_RC(momo_refund_set_sub_partner_code(refund, S("")), MOMO_RESULT_OK);
  momo_request *none = SENTINEL;
  CHECK(momo_client_refund_request(client, refund, &none) != MOMO_RESULT_OK);
  CHECK_FIELD("subPartnerCode");
  CHECK(none == SENTINEL);
  momo_refund_free(refund);

  refund = NULL;
  CHECK_RC(momo_refund_new(S("-bad"), S("r1"), 1000, S(PAYMENT_TRANS), &refund), MOMO_RESULT_OK);
  expect_refund_rule(client, refund, MOMO_RESULT_INVALID_FIELD, "orderId");
  momo_refund_free(refund);
  momo_client_free(client);
}

static void refund_bad_arguments_are_refused(void) {
  momo_client *client = test_client();
  momo_refund *out = SENTINEL;
  CHECK_RC(momo_refund_new(NULL, 1, S("r"), 1000, S("1"), &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("order_id");
  CHECK_RC(momo_refund_new(S("o"), NULL, 1, 1000, S("1"), &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("request_id");
  CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, NULL, 1, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("trans_id");
  CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, S("1"), NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_refund_new(S(BAD_UTF8), S("r"), 1000, S("1"), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("order_id");
  CHECK_RC(momo_refund_new(S("o"), S(BAD_UTF8), 1000, S("1"), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("request_id");
  CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, S(BAD_UTF8), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("trans_id");
  CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, S("40\0" "88"), &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_FIELD("trans_id");
  CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, "1", SIZE_MAX, &out), MOMO_RESULT_INPUT_TOO_LONG);
  /* transId: digits only, 1 to 32 of them. */
  static const char *const not_trans_ids[] = {"", "12a", "-1", "4088878653 ", "+5", "1.0",
                                              "123456789012345678901234567890123"};
  for (size_t i = 0; i < COUNT(not_trans_ids); i++) {
    CHECK_RC(momo_refund_new(S("o"), S("r"), 1000, CS(not_trans_ids[i]), &out),
             MOMO_RESULT_INVALID_FIELD);
    CHECK_FIELD("transId");
  }
  CHECK(out == SENTINEL);

  momo_refund *refund = plain_refund(1000, PAYMENT_TRANS);
  CHECK_RC(momo_refund_set_description(NULL, S("x")), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("refund");
  CHECK_RC(momo_refund_set_description(refund, NULL, 1), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("value");
  CHECK_RC(momo_refund_set_description(refund, S(BAD_UTF8)), MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("value");
  CHECK_RC(momo_refund_set_sub_partner_code(NULL, S("x")), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_set_sub_partner_code(refund, S(WITH_NUL)), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_refund_set_payment_order_id(NULL, S("x")), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_set_payment_order_id(refund, NULL, 0), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_set_lang(NULL, MOMO_LANG_EN), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_set_lang(refund, 9), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("lang");
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_refund_request(NULL, refund, &request), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_client_refund_request(client, NULL, &request), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("refund");
  CHECK_RC(momo_client_refund_request(client, refund, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK(request == SENTINEL);
  /* None of the refused setters changed it. */
  CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
  momo_str s;
  CHECK_RC(momo_request_body(request, &s), MOMO_RESULT_OK);
  CHECK(contains(s, "\"description\":\"\""));
  CHECK(!contains(s, "subPartnerCode"));
  momo_request_free(request);
  momo_refund_free(refund);
  momo_refund_free(NULL);
  momo_client_free(client);
}

/* ---- answers ----------------------------------------------------------- */

static momo_request *vector_request(const momo_client *client) {
  momo_refund *refund = refund_of(refund_vector());
  momo_request *request = NULL;
  CHECK_RC(momo_client_refund_request(client, refund, &request), MOMO_RESULT_OK);
  momo_refund_free(refund);
  return request;
}

/* A refund answer of the oracle (responses.json, refundResponses). */
static const struct body_vector *refund_answer_vector(const char *name) {
  for (size_t i = 0; i < COUNT(REFUND_RESPONSE_VECTORS); i++)
    if (strcmp(REFUND_RESPONSE_VECTORS[i].name, name) == 0) return &REFUND_RESPONSE_VECTORS[i];
  fprintf(stderr, "no refund response vector %s\n", name);
  exit(2);
}

static void every_refund_answer_gets_its_verdict(void) {
  momo_client *client = test_client();
  CHECK(COUNT(REFUND_RESPONSE_VECTORS) >= 10);
  for (size_t i = 0; i < COUNT(REFUND_RESPONSE_VECTORS); i++) {
    const struct body_vector *v = &REFUND_RESPONSE_VECTORS[i];
    CHECK(strcmp(v->kind, "refund") == 0);
    momo_response *r = SENTINEL;
    momo_result rc =
        momo_client_parse_refund_response(client, (const uint8_t *)v->body, v->body_len, &r);
    int ok_expected = strcmp(v->expect, "verified") == 0 || strcmp(v->expect, "unsigned") == 0;
    check_verdict(v->name, rc, ok_expected ? "ok" : v->expect);
    if (rc != MOMO_RESULT_OK) {
      CHECK(r == SENTINEL);
      continue;
    }
    momo_authenticity authenticity = 99;
    CHECK_RC(momo_response_authenticity(r, &authenticity), MOMO_RESULT_OK);
    CHECK(authenticity == (strcmp(v->expect, "verified") == 0 ? MOMO_AUTHENTICITY_VERIFIED
                                                                : MOMO_AUTHENTICITY_UNSIGNED));
    momo_response_free(r);
  }
  momo_client_free(client);
}

static void refund_answers_are_parsed_and_verified(void) {
  momo_client *client = test_client();
  const struct body_vector *valid = refund_answer_vector("refund_signed_valid");
  momo_response *r = NULL;
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)valid->body,
                                             valid->body_len, &r),
           MOMO_RESULT_OK);
  momo_authenticity authenticity = 99;
  CHECK_RC(momo_response_authenticity(r, &authenticity), MOMO_RESULT_OK);
  CHECK(authenticity == MOMO_AUTHENTICITY_VERIFIED);
  int64_t code = -1;
  uint64_t amount = 0;
  momo_str s;
  CHECK_RC(momo_response_result_code(r, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  CHECK_RC(momo_response_amount(r, &amount), MOMO_RESULT_OK);
  CHECK(amount == 20000);
  CHECK_RC(momo_response_trans_id(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "9007199254740995"); /* the refund's own transId, above 2^53 */
  CHECK_RC(momo_response_order_id(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, REFUND_ORDER);
  /* Query-only fields are absent from a refund answer. */
  size_t count = 77;
  momo_refund_trans entry;
  CHECK_RC(momo_response_refund_count(r, &count), MOMO_RESULT_ABSENT);
  CHECK_FIELD("refundTrans");
  CHECK(count == 77);
  CHECK_RC(momo_response_refund_get(r, 0, &entry), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_refund_trans(r, &s), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_request_type(r, &s), MOMO_RESULT_ABSENT);
  /* It answers the refund request, not a query of the payment. */
  momo_request *request = vector_request(client);
  CHECK_RC(momo_response_check_request(r, request), MOMO_RESULT_OK);
  momo_request_free(request);
  CHECK_RC(momo_client_query_request(client, S(PAYMENT), S(REFUND_ORDER), 0, &request),
           MOMO_RESULT_OK);
  CHECK_RC(momo_response_check_request(r, request), MOMO_RESULT_FIELD_MISMATCH);
  CHECK_FIELD("orderId");
  momo_request_free(request);
  momo_response_free(r);

  momo_response *bad = SENTINEL;
  const struct body_vector *tampered = refund_answer_vector("refund_signed_amount_tampered");
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)tampered->body,
                                             tampered->body_len, &bad),
           MOMO_RESULT_SIGNATURE_MISMATCH);
  CHECK_FIELD("signature");
  CHECK(bad == SENTINEL);
  static const char unsigned_refusal[] = "{\"resultCode\":1081,\"message\":\"refused\"}";
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)unsigned_refusal,
                                             sizeof unsigned_refusal - 1, &r),
           MOMO_RESULT_OK);
  CHECK_RC(momo_response_authenticity(r, &authenticity), MOMO_RESULT_OK);
  CHECK(authenticity == MOMO_AUTHENTICITY_UNSIGNED);
  CHECK_RC(momo_response_result_code(r, &code), MOMO_RESULT_OK);
  CHECK(code == 1081);
  CHECK_RC(momo_response_trans_id(r, &s), MOMO_RESULT_ABSENT);
  momo_response_free(r);

  static const char body[] = "{\"resultCode\":0,\"message\":\"ok\"}";
  CHECK_RC(momo_client_parse_refund_response(NULL, (const uint8_t *)body, sizeof body - 1, &bad),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_client_parse_refund_response(client, NULL, 3, &bad), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("body");
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)body, sizeof body - 1, NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)body, SIZE_MAX, &bad),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_client_parse_refund_response(client, (const uint8_t *)"[1]", 3, &bad),
           MOMO_RESULT_INVALID_JSON);
  CHECK(bad == SENTINEL);
  momo_client_free(client);
}

static momo_response *query_vector(const momo_client *client, const char *name) {
  for (size_t i = 0; i < COUNT(RESPONSE_VECTORS); i++) {
    const struct body_vector *v = &RESPONSE_VECTORS[i];
    if (strcmp(v->name, name) != 0) continue;
    momo_response *r = NULL;
    CHECK_RC(momo_client_parse_query_response(client, (const uint8_t *)v->body, v->body_len, &r),
             MOMO_RESULT_OK);
    return r;
  }
  fprintf(stderr, "no response vector %s\n", name);
  exit(2);
}

static void refund_trans_is_read_as_typed_entries(void) {
  momo_client *client = test_client();
  momo_response *r = query_vector(client, "query_signed_with_lists");
  size_t count = 0;
  CHECK_RC(momo_response_refund_count(r, &count), MOMO_RESULT_OK);
  CHECK(count == 2);
  momo_refund_trans first, second, found;
  CHECK_RC(momo_response_refund_get(r, 0, &first), MOMO_RESULT_OK);
  CHECK_STR(first.order_id, "MM1540456472575-r1");
  CHECK(first.amount == 10000 && first.result_code == 0);
  CHECK_STR(first.trans_id, "9007199254740993"); /* above 2^53: digits exact */
  CHECK(first.has_created_time && first.created_time == 1763886500000ULL);
  CHECK_RC(momo_response_refund_get(r, 1, &second), MOMO_RESULT_OK);
  CHECK_STR(second.order_id, "MM1540456472575-r2");
  CHECK(second.amount == 5000 && second.result_code == 1080);
  CHECK_STR(second.trans_id, "4088878999");
  momo_refund_trans untouched;
  memset(&untouched, 0x5e, sizeof untouched);
  memcpy(&found, &untouched, sizeof found);
  CHECK_RC(momo_response_refund_get(r, 2, &found), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("index");
  CHECK_RC(momo_response_refund_get(r, SIZE_MAX, &found), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK(memcmp(&found, &untouched, sizeof found) == 0);
  CHECK_RC(momo_response_refund_find(r, S("MM1540456472575-r2"), &found), MOMO_RESULT_OK);
  CHECK(found.result_code == 1080 && found.order_id.data == second.order_id.data);
  CHECK_RC(momo_response_refund_find(r, S("MM1540456472575-r3"), &found), MOMO_RESULT_ABSENT);
  CHECK_FIELD("refundTrans");
  CHECK_RC(momo_response_refund_find(r, S(BAD_UTF8), &found), MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("order_id");
  CHECK_RC(momo_response_refund_find(r, NULL, 0, &found), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("order_id");
  /* Read once: the views stay those of the first read. */
  CHECK_RC(momo_response_refund_get(r, 0, &found), MOMO_RESULT_OK);
  CHECK(found.order_id.data == first.order_id.data && found.trans_id.data == first.trans_id.data);
  /* The raw text is still there. */
  momo_str raw;
  CHECK_RC(momo_response_refund_trans(r, &raw), MOMO_RESULT_OK);
  CHECK(contains(raw, "\"transId\":9007199254740993"));
  CHECK_RC(momo_response_refund_count(NULL, &count), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("response");
  CHECK_RC(momo_response_refund_count(r, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_refund_get(NULL, 0, &found), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_refund_get(r, 0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_refund_find(NULL, S("x"), &found), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_refund_find(r, S("x"), NULL), MOMO_RESULT_NULL_POINTER);
  momo_response_free(r);

  /* No refundTrans, or null: none listed. */
  r = query_vector(client, "query_unsigned_absent");
  count = 9;
  CHECK_RC(momo_response_refund_count(r, &count), MOMO_RESULT_OK);
  CHECK(count == 0);
  CHECK_RC(momo_response_refund_get(r, 0, &found), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_RC(momo_response_refund_find(r, S(REFUND_ORDER), &found), MOMO_RESULT_ABSENT);
  momo_response_free(r);

  /* A list MoMo malformed: the entry is named, and the rest of the answer
   * (the raw text included) stays readable. */
  static const char malformed[] =
      "{\"partnerCode\":\"MOMO\",\"orderId\":\"" PAYMENT "\",\"requestId\":\"q1\","
      "\"amount\":50000,\"transId\":4088878653,\"resultCode\":0,\"message\":\"ok\","
      "\"responseTime\":1,\"refundTrans\":[{\"orderId\":\"R1\",\"amount\":1000,\"resultCode\":0,"
      "\"transId\":1},{\"orderId\":\"R2\",\"amount\":\"5000\",\"resultCode\":0,\"transId\":2}]}";
  CHECK_RC(momo_client_parse_query_response(client, (const uint8_t *)malformed,
                                            sizeof malformed - 1, &r),
           MOMO_RESULT_OK);
  count = 9;
  CHECK_RC(momo_response_refund_count(r, &count), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("refundTrans[1].amount");
  CHECK(count == 9);
  CHECK_RC(momo_response_refund_get(r, 0, &found), MOMO_RESULT_INVALID_FIELD);
  CHECK_RC(momo_response_refund_find(r, S("R1"), &found), MOMO_RESULT_INVALID_FIELD);
  CHECK_RC(momo_response_refund_trans(r, &raw), MOMO_RESULT_OK);
  int64_t code = -1;
  CHECK_RC(momo_response_result_code(r, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  momo_response_free(r);
  static const char missing[] =
      "{\"resultCode\":0,\"message\":\"ok\",\"refundTrans\":[{\"orderId\":\"R1\",\"amount\":1000,"
      "\"resultCode\":0}]}";
  CHECK_RC(momo_client_parse_query_response(client, (const uint8_t *)missing, sizeof missing - 1,
                                            &r),
           MOMO_RESULT_OK);
  CHECK_RC(momo_response_refund_count(r, &count), MOMO_RESULT_MISSING_FIELD);
  CHECK_FIELD("refundTrans[0].transId");
  momo_response_free(r);
  momo_client_free(client);
}

/* ---- the refund driver ------------------------------------------------- */

/* The first refund vector of the pos vector's payment (paid 50,000,
 * nothing refunded): its signature is the oracle's. */
static momo_refund_driver *start_refund(const momo_client *client, uint64_t refunded,
                                        const char *config) {
  momo_refund *refund = refund_of(refund_vector());
  momo_refund_driver *driver = NULL;
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 50000, refunded,
                                    config, config ? strlen(config) : 0, T0, &driver),
           MOMO_RESULT_OK);
  momo_refund_free(refund); /* only read by start */
  if (!driver) exit(2);
  return driver;
}

static void finish(momo_refund_driver *driver, momo_client *client) {
  momo_refund_driver_free(driver);
  momo_client_free(client);
}

static momo_action_kind action(const momo_refund_driver *driver) {
  momo_action_kind kind = 0;
  CHECK_RC(momo_refund_driver_next_action(driver, &kind), MOMO_RESULT_OK);
  return kind;
}

static momo_send current_send(const momo_refund_driver *driver) {
  momo_send send;
  memset(&send, 0, sizeof send);
  CHECK(action(driver) == MOMO_ACTION_SEND);
  CHECK_RC(momo_refund_driver_send(driver, &send), MOMO_RESULT_OK);
  return send;
}

/* A copy of the current request's body, to compare with a later one. */
static char *copy_body(const momo_refund_driver *driver) {
  momo_send send = current_send(driver);
  char *copy = malloc(send.body.len + 1);
  if (!copy) exit(2);
  memcpy(copy, send.body.data ? send.body.data : "", send.body.len);
  copy[send.body.len] = '\0';
  return copy;
}

/* What the fake MoMo keeps of a request it received. */
struct sent {
  uint64_t id;
  char order_id[64];
  char request_id[64];
};

/* The text value of "key" in a compact JSON body, read without the library. */
static void json_text(const char *body, const char *key, char *out, size_t cap) {
  char needle[64];
  snprintf(needle, sizeof needle, "\"%s\":\"", key);
  const char *p = strstr(body, needle);
  size_t n = 0;
  if (p)
    for (p += strlen(needle); *p && *p != '"' && n + 1 < cap; p++) out[n++] = *p;
  out[n] = '\0';
}

/* The current action is SEND of `endpoint` with `request_id`, `attempt`. */
static struct sent expect_send(const momo_refund_driver *driver, momo_endpoint endpoint,
                               const char *request_id, uint32_t attempt) {
  struct sent sent;
  memset(&sent, 0, sizeof sent);
  momo_send send = current_send(driver);
  CHECK(send.id != 0);
  CHECK(send.endpoint == endpoint);
  CHECK_STR(send.request_id, request_id);
  CHECK(send.attempt == attempt);
  CHECK(send.timeout_ms == 30000);
  CHECK_STR(send.url, endpoint == MOMO_ENDPOINT_REFUND ? BASE_URL "refund" : BASE_URL "query");
  CHECK_STR(send.content_type, "application/json; charset=UTF-8");
  CHECK(send.body.data != NULL && send.body.data[send.body.len] == '\0');
  if (!send.body.data) return sent;
  sent.id = send.id;
  json_text(send.body.data, "orderId", sent.order_id, sizeof sent.order_id);
  json_text(send.body.data, "requestId", sent.request_id, sizeof sent.request_id);
  CHECK(strcmp(sent.request_id, request_id) == 0);
  /* The refund is its own order; a query asks for the payment. */
  CHECK(strcmp(sent.order_id, endpoint == MOMO_ENDPOINT_REFUND ? REFUND_ORDER : PAYMENT) == 0);
  momo_send again = current_send(driver);
  CHECK(again.id == send.id && again.body.data == send.body.data);
  return sent;
}

static void respond(momo_refund_driver *d, const momo_client *client, uint64_t now, uint64_t id,
                    const char *body) {
  CHECK_RC(momo_refund_driver_on_response(d, client, now, id, 200, (const uint8_t *)body,
                                          strlen(body)),
           MOMO_RESULT_OK);
}

/* The fake MoMo's answer to the refund `sent`: resultCode `code`. */
static void answer_refund(momo_refund_driver *d, const momo_client *client, uint64_t now,
                          const struct sent *sent, int code) {
  char body[512];
  snprintf(body, sizeof body,
           "{\"partnerCode\":\"MOMO\",\"orderId\":\"%s\",\"requestId\":\"%s\",\"amount\":50000,"
           "\"transId\":" REFUND_TRANS ",\"resultCode\":%d,\"message\":\"fake\","
           "\"responseTime\":1700000000000}",
           sent->order_id, sent->request_id, code);
  respond(d, client, now, sent->id, body);
}

/* The fake MoMo's answer to the status query `sent`: the payment is paid
 * (0) and its refundTrans is `refund_trans` (a JSON array). */
static void answer_query(momo_refund_driver *d, const momo_client *client, uint64_t now,
                         const struct sent *sent, const char *refund_trans) {
  char body[1024];
  snprintf(body, sizeof body,
           "{\"partnerCode\":\"MOMO\",\"orderId\":\"%s\",\"requestId\":\"%s\",\"amount\":50000,"
           "\"transId\":" PAYMENT_TRANS ",\"resultCode\":0,\"message\":\"fake\","
           "\"responseTime\":1700000000000,\"payType\":\"pos\",\"refundTrans\":%s}",
           sent->order_id, sent->request_id, refund_trans);
  respond(d, client, now, sent->id, body);
}

static void expect_wait(const momo_refund_driver *driver, uint64_t until) {
  CHECK(action(driver) == MOMO_ACTION_WAIT);
  uint64_t got = 0;
  CHECK_RC(momo_refund_driver_wait_until_ms(driver, &got), MOMO_RESULT_OK);
  CHECK(got == until);
}

static void tick(momo_refund_driver *driver, const momo_client *client, uint64_t now) {
  CHECK_RC(momo_refund_driver_tick(driver, client, now), MOMO_RESULT_OK);
}

/* The current action is DONE with `kind` and `code` (-1: none). */
static void expect_done(const momo_refund_driver *driver, momo_refund_outcome_kind kind,
                        const char *name, int64_t code, const char *trans_id) {
  CHECK(action(driver) == MOMO_ACTION_DONE);
  momo_refund_outcome outcome;
  CHECK_RC(momo_refund_driver_outcome(driver, &outcome), MOMO_RESULT_OK);
  CHECK(outcome.kind == kind);
  CHECK_STR(outcome.name, name);
  CHECK(outcome.has_result_code == (code >= 0));
  if (code >= 0) CHECK(outcome.result_code == code);
  CHECK_STR(outcome.trans_id, trans_id);
  CHECK(contains(outcome.description, name));
}

static int log_has(const momo_refund_driver *driver, const char *needle) {
  momo_buffer *log = NULL;
  CHECK_RC(momo_refund_driver_log_json(driver, &log), MOMO_RESULT_OK);
  int found = log && momo_buffer_data(log)[0] == '[' && strstr(momo_buffer_data(log), needle);
  momo_buffer_free(log);
  return found;
}

#define LISTED(code) \
  "[{\"orderId\":\"" REFUND_ORDER "\",\"amount\":50000,\"resultCode\":" #code \
  ",\"transId\":" REFUND_TRANS ",\"createdTime\":1700000001000}]"

static void refunded_at_once(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  momo_send send = current_send(d);
  char signature[96];
  snprintf(signature, sizeof signature, "\"signature\":\"%s\"", refund_vector()->signature);
  CHECK(contains(send.body, signature)); /* the oracle's: signed once, as specified */
  CHECK(send.deadline_ms == T0 + 30000);
  momo_str s;
  uint64_t amount = 0;
  CHECK_RC(momo_refund_driver_order_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, REFUND_ORDER);
  CHECK_RC(momo_refund_driver_request_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, REFUND_ORDER);
  CHECK_RC(momo_refund_driver_payment_order_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, PAYMENT);
  CHECK_RC(momo_refund_driver_payment_trans_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, PAYMENT_TRANS);
  CHECK_RC(momo_refund_driver_amount(d, &amount), MOMO_RESULT_OK);
  CHECK(amount == 50000);
  int64_t code = 7;
  CHECK_RC(momo_refund_driver_last_result_code(d, &code), MOMO_RESULT_ABSENT);
  CHECK(code == 7);
  CHECK(log_has(d, "\"kind\":\"refundStarted\""));
  answer_refund(d, client, T0 + 300, &refund, 0);
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  CHECK_RC(momo_refund_driver_last_result_code(d, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  CHECK(log_has(d, "\"kind\":\"refundSettled\""));
  /* A late answer after the end changes nothing. */
  answer_refund(d, client, T0 + 400, &refund, 1081);
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  finish(d, client);
}

static void timeout_then_listed_is_refunded(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  CHECK_RC(momo_refund_driver_on_timeout(d, client, T0 + 30000, refund.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 32000);
  tick(d, client, T0 + 31000); /* early: harmless */
  expect_wait(d, T0 + 32000);
  tick(d, client, T0 + 32000);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  CHECK(query.id != refund.id);
  /* The refund's answer after its timeout is stale. */
  answer_refund(d, client, T0 + 32100, &refund, 0);
  CHECK(log_has(d, "\"kind\":\"stale\""));
  CHECK(current_send(d).id == query.id);
  answer_query(d, client, T0 + 32300, &query, LISTED(0));
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  CHECK(log_has(d, "\"kind\":\"evidence\""));
  finish(d, client);
}

static void refused_1081(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  answer_refund(d, client, T0 + 300, &refund, 1081);
  expect_done(d, MOMO_REFUND_OUTCOME_REFUSED, "refused", 1081, "");
  momo_refund_outcome outcome;
  CHECK_RC(momo_refund_driver_outcome(d, &outcome), MOMO_RESULT_OK);
  CHECK(contains(outcome.description, "1081"));
  momo_result_code_info info;
  CHECK_RC(momo_result_code_explain(outcome.result_code, &info), MOMO_RESULT_OK);
  CHECK(info.is_final);
  finish(d, client);
}

/* A lost refund that MoMo does not list: the very same bytes go again,
 * same requestId, as attempt 2 under a new id. */
static void not_listed_resends_identical_bytes(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent first = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  char *bytes = copy_body(d);
  CHECK_RC(momo_refund_driver_on_network_error(d, client, T0 + 50, first.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 2050);
  tick(d, client, T0 + 2050);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  /* Another refund of the payment is listed, not this one. */
  answer_query(d, client, T0 + 2350, &query,
               "[{\"orderId\":\"" PAYMENT "-R0\",\"amount\":1000,\"resultCode\":0,"
               "\"transId\":4088870000}]");
  struct sent again = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 2);
  CHECK(again.id != first.id && again.id != query.id);
  CHECK_STR(current_send(d).body, bytes);
  CHECK(log_has(d, "MoMo lists no refund " REFUND_ORDER));
  answer_refund(d, client, T0 + 2650, &again, 0);
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  free(bytes);
  finish(d, client);
}

/* Still in progress (7000), then no news: the window closes on an
 * unknown outcome that names the last code. */
static void pending_then_deadline_is_unknown(void) {
  momo_client *client = test_client();
  momo_refund_driver *d =
      start_refund(client, 0, "{\"refundWindowMs\":40000,\"pollDelaysMs\":[5000]}");
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  answer_refund(d, client, T0 + 300, &refund, 7000);
  int64_t code = 0;
  CHECK_RC(momo_refund_driver_last_result_code(d, &code), MOMO_RESULT_OK);
  CHECK(code == 7000);
  expect_wait(d, T0 + 5300);
  tick(d, client, T0 + 5300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  CHECK(current_send(d).deadline_ms == T0 + 35300);
  CHECK_RC(momo_refund_driver_on_timeout(d, client, T0 + 35300, query.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 40000);
  tick(d, client, T0 + 40000);
  expect_done(d, MOMO_REFUND_OUTCOME_UNKNOWN, "unknown", 7000, "");
  finish(d, client);
}

/* refundTrans lists the refund with a final failure: refused. */
static void listed_with_a_refusal_is_refused(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  respond(d, client, T0 + 300, refund.id, "<html>502 Bad Gateway</html>");
  CHECK(log_has(d, "\"kind\":\"badAnswer\""));
  expect_wait(d, T0 + 2300);
  tick(d, client, T0 + 2300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  answer_query(d, client, T0 + 2600, &query, LISTED(1080));
  expect_done(d, MOMO_REFUND_OUTCOME_REFUSED, "refused", 1080, "");
  finish(d, client);
}

static momo_refund_driver *snapshot_and_restore(momo_refund_driver *d, uint64_t now) {
  momo_buffer *snapshot = NULL;
  CHECK_RC(momo_refund_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  CHECK(snapshot && contains((momo_str){momo_buffer_data(snapshot), momo_buffer_len(snapshot)},
                             "\"kind\":\"refund\""));
  momo_refund_driver_free(d);
  momo_refund_driver *restored = NULL;
  CHECK_RC(momo_refund_driver_restore(momo_buffer_data(snapshot), momo_buffer_len(snapshot), now,
                                      &restored),
           MOMO_RESULT_OK);
  momo_buffer_free(snapshot);
  if (!restored) exit(2);
  return restored;
}

/* Power loss after persisting, before the answer: the restored driver asks
 * for the very same bytes under a new id, with a fresh timeout; the answer
 * to the id from before the restart is stale. Then again while waiting,
 * and while the status query is out. */
static void snapshot_restore_mid_flight(void) {
  momo_client *client = test_client();
  momo_refund_driver *d = start_refund(client, 0, NULL);
  struct sent before = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  char *bytes = copy_body(d);
  d = snapshot_and_restore(d, T0 + 1000);
  struct sent refund = expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  CHECK(refund.id != before.id);
  momo_send send = current_send(d);
  CHECK_STR(send.body, bytes);
  CHECK(send.deadline_ms == T0 + 31000);
  CHECK(log_has(d, "\"kind\":\"restored\",\"resend\":\"refund\""));
  answer_refund(d, client, T0 + 1100, &before, 0);
  CHECK(current_send(d).id == refund.id);
  answer_refund(d, client, T0 + 1300, &refund, 7000);
  expect_wait(d, T0 + 3300);
  d = snapshot_and_restore(d, T0 + 1400);
  expect_wait(d, T0 + 3300);
  tick(d, client, T0 + 3300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  d = snapshot_and_restore(d, T0 + 3400);
  struct sent query_again = expect_send(d, MOMO_ENDPOINT_QUERY, REFUND_ORDER "-q1", 1);
  CHECK(query_again.id != query.id);
  answer_query(d, client, T0 + 3600, &query_again, LISTED(0));
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  /* A finished refund restores finished: nothing to send. */
  d = snapshot_and_restore(d, T0 + 5000);
  expect_done(d, MOMO_REFUND_OUTCOME_REFUNDED, "refunded", 0, REFUND_TRANS);
  free(bytes);
  finish(d, client);
}

/* The guard: checked against the payment before anything is signed, and
 * nothing is written to `out`. */
static void the_guard_refuses_before_signing(void) {
  momo_client *client = test_client();
  momo_refund *refund = refund_of(refund_vector()); /* 50,000 of 4088878653 */
  momo_refund_driver *out = SENTINEL;
  /* 50,000 paid, 20,000 already refunded: 50,000 more is too much. */
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 50000, 20000,
                                    NULL, 0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  CHECK(strstr(momo_last_error_message(), "70000") != NULL);
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 49999, 0, NULL,
                                    0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 50000, 50001,
                                    NULL, 0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("refunded");
  /* The refund names another payment. */
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S("4088878654"), 50000, 0, NULL,
                                    0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("transId");
  /* The refund's orderId is the payment's. */
  CHECK_RC(momo_refund_driver_start(client, refund, S(REFUND_ORDER), S(PAYMENT_TRANS), 50000, 0,
                                    NULL, 0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("orderId");
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S("40888x8653"), 50000, 0, NULL,
                                    0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("payment_trans_id");
  CHECK(out == SENTINEL);
  /* Exactly what is left goes. */
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 70000, 20000,
                                    NULL, 0, T0, &out),
           MOMO_RESULT_OK);
  momo_refund_driver_free(out);
  momo_refund_free(refund);

  /* A rule of the refund itself names its field, as when signing. */
  refund = plain_refund(999, PAYMENT_TRANS);
  out = SENTINEL;
  CHECK_RC(momo_refund_driver_start(client, refund, S(PAYMENT), S(PAYMENT_TRANS), 50000, 0, NULL,
                                    0, T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  CHECK(out == SENTINEL);
  momo_refund_free(refund);
  momo_client_free(client);
}

/* momo_refund_driver_start for a payment of 50,000 with nothing refunded. */
static momo_result start_with(const momo_client *c, const momo_refund *r, const char *oid,
                              size_t oid_len, const char *tid, size_t tid_len, const char *cfg,
                              size_t cfg_len, momo_refund_driver **o) {
  return momo_refund_driver_start(c, r, oid, oid_len, tid, tid_len, 50000, 0, cfg, cfg_len, T0, o);
}

static void refund_driver_bad_arguments(void) {
  momo_client *client = test_client();
  momo_refund *refund = refund_of(refund_vector());
  momo_refund_driver *out = SENTINEL;
  CHECK_RC(start_with(NULL, refund, S(PAYMENT), S(PAYMENT_TRANS), NULL, 0, &out),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(start_with(client, NULL, S(PAYMENT), S(PAYMENT_TRANS), NULL, 0, &out),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("refund");
  CHECK_RC(start_with(client, refund, NULL, 3, S(PAYMENT_TRANS), NULL, 0, &out),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("payment_order_id");
  CHECK_RC(start_with(client, refund, S(PAYMENT), NULL, 3, NULL, 0, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("payment_trans_id");
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), NULL, 0, NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(start_with(client, refund, S(BAD_UTF8), S(PAYMENT_TRANS), NULL, 0, &out),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("payment_order_id");
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(BAD_UTF8), NULL, 0, &out),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("payment_trans_id");
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), S("{\"refundWindow\":1}"), &out),
           MOMO_RESULT_INVALID_JSON);
  CHECK(strstr(momo_last_error_message(), "refundWindow") != NULL);
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), S("{\"maxRefundSends\":0}"), &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("maxRefundSends");
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), S("{\"refundWindowMs\":1000}"),
                 &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("refundWindowMs");
  /* A payment driver's policy is not a refund's. */
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), S("{\"paymentWindowMs\":60000}"),
                 &out),
           MOMO_RESULT_INVALID_JSON);
  CHECK_RC(start_with(client, refund, S(PAYMENT), S(PAYMENT_TRANS), S(BAD_UTF8), &out),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_FIELD("config_json");
  CHECK(out == SENTINEL);
  momo_refund_free(refund);

  momo_refund_driver *d = start_refund(client, 0, NULL);
  momo_action_kind kind = 0;
  momo_str s;
  uint64_t u64 = 7;
  int64_t i64 = 7;
  momo_buffer *buffer = SENTINEL;
  momo_send send;
  memset(&send, 0x5e, sizeof send);
  momo_refund_outcome outcome;
  outcome.kind = 77;
  CHECK_RC(momo_refund_driver_next_action(NULL, &kind), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK_RC(momo_refund_driver_next_action(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_refund_driver_send(NULL, &send), MOMO_RESULT_NULL_POINTER);
  CHECK(send.id == 0x5e5e5e5e5e5e5e5eULL);
  CHECK_RC(momo_refund_driver_send(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_wait_until_ms(NULL, &u64), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_outcome(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_snapshot(NULL, &buffer), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_snapshot(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_log_json(NULL, &buffer), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_log_json(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(buffer == SENTINEL);
  CHECK_RC(momo_refund_driver_order_id(NULL, &s), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_request_id(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_payment_order_id(NULL, &s), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_payment_trans_id(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_amount(NULL, &u64), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_last_result_code(NULL, &i64), MOMO_RESULT_NULL_POINTER);
  /* Readers of another action than the current one (a send). */
  CHECK_RC(momo_refund_driver_wait_until_ms(d, &u64), MOMO_RESULT_INVALID_STATE);
  CHECK_FIELD("driver");
  CHECK(strstr(momo_last_error_message(), "momo_refund_driver_next_action") != NULL);
  CHECK_RC(momo_refund_driver_outcome(d, &outcome), MOMO_RESULT_INVALID_STATE);
  CHECK(u64 == 7 && outcome.kind == 77);

  const uint64_t id = 1; /* the refund's, in flight */
  CHECK_RC(momo_refund_driver_on_response(NULL, client, T0, id, 200, (const uint8_t *)"{}", 2),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK_RC(momo_refund_driver_on_response(d, NULL, T0, id, 200, (const uint8_t *)"{}", 2),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_refund_driver_on_response(d, client, T0, id, 200, NULL, 2),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("body");
  CHECK_RC(momo_refund_driver_on_response(d, client, T0, id, 200, (const uint8_t *)"{}", SIZE_MAX),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_refund_driver_on_timeout(NULL, client, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_on_timeout(d, NULL, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_refund_driver_on_network_error(NULL, client, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_on_network_error(d, NULL, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_tick(NULL, client, T0), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_refund_driver_tick(d, NULL, T0), MOMO_RESULT_NULL_POINTER);
  /* Another merchant's client may not drive this refund. */
  momo_client *other = NULL;
  CHECK_RC(momo_client_new(S("OTHER"), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &other),
           MOMO_RESULT_OK);
  CHECK_RC(momo_refund_driver_tick(d, other, T0 + 10), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_refund_driver_on_timeout(d, other, T0 + 10, id), MOMO_RESULT_INVALID_STATE);
  momo_client_free(other);
  /* None of these changed the driver: still the first send. */
  expect_send(d, MOMO_ENDPOINT_REFUND, REFUND_ORDER, 1);
  CHECK(!log_has(d, "\"kind\":\"timeout\""));
  momo_refund_driver_free(NULL);
  finish(d, client);
}

static void refund_snapshots_are_checked(void) {
  momo_client *client = test_client();
  momo_refund_driver *out = SENTINEL;
  CHECK_RC(momo_refund_driver_restore(NULL, 10, T0, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("snapshot");
  CHECK_RC(momo_refund_driver_restore(S("{}"), T0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_refund_driver_restore(S("garbage"), T0, &out), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_refund_driver_restore(S(BAD_UTF8), T0, &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_refund_driver_restore(S(WITH_NUL), T0, &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_refund_driver_restore("{}", SIZE_MAX, T0, &out), MOMO_RESULT_INPUT_TOO_LONG);
  size_t big = 300 * 1024; /* above the 256 KiB snapshot limit */
  char *huge = malloc(big);
  if (!huge) exit(2);
  memset(huge, ' ', big);
  CHECK_RC(momo_refund_driver_restore(huge, big, T0, &out), MOMO_RESULT_BODY_TOO_LARGE);
  free(huge);
  /* A payment's snapshot is not a refund's, and the other way round: each
   * reader says which it was given. */
  CHECK_RC(momo_refund_driver_restore(S(DRIVER_SNAPSHOT_V1), T0, &out), MOMO_RESULT_INVALID_STATE);
  CHECK(strstr(momo_last_error_message(), "payment snapshot") != NULL);
  CHECK(out == SENTINEL);
  momo_refund_driver *d = start_refund(client, 0, NULL);
  momo_buffer *snapshot = NULL;
  CHECK_RC(momo_refund_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  momo_driver *payment_driver = SENTINEL;
  CHECK_RC(momo_driver_restore(momo_buffer_data(snapshot), momo_buffer_len(snapshot), T0,
                               &payment_driver),
           MOMO_RESULT_INVALID_STATE);
  CHECK(strstr(momo_last_error_message(), "refund snapshot") != NULL);
  CHECK(payment_driver == SENTINEL);
  /* Another format version; a cut snapshot. */
  char *text = malloc(momo_buffer_len(snapshot) + 1);
  if (!text) exit(2);
  memcpy(text, momo_buffer_data(snapshot), momo_buffer_len(snapshot) + 1);
  char *version = strstr(text, "\"version\":1,");
  CHECK(version != NULL);
  if (version) version[10] = '9';
  CHECK_RC(momo_refund_driver_restore(text, strlen(text), T0, &out), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_refund_driver_restore(momo_buffer_data(snapshot), momo_buffer_len(snapshot) - 1,
                                      T0, &out),
           MOMO_RESULT_INVALID_JSON);
  CHECK(out == SENTINEL);
  free(text);
  momo_buffer_free(snapshot);
  finish(d, client);
}

void suite_refund(void) {
  RUN(refund_requests_match_the_oracle);
  RUN(optional_refund_fields_are_sent_but_not_signed);
  RUN(refund_rules_name_their_field);
  RUN(refund_bad_arguments_are_refused);
  RUN(every_refund_answer_gets_its_verdict);
  RUN(refund_answers_are_parsed_and_verified);
  RUN(refund_trans_is_read_as_typed_entries);
  RUN(refunded_at_once);
  RUN(timeout_then_listed_is_refunded);
  RUN(refused_1081);
  RUN(not_listed_resends_identical_bytes);
  RUN(pending_then_deadline_is_unknown);
  RUN(listed_with_a_refusal_is_refused);
  RUN(snapshot_restore_mid_flight);
  RUN(the_guard_refuses_before_signing);
  RUN(refund_driver_bad_arguments);
  RUN(refund_snapshots_are_checked);
}
