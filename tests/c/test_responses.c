/* Answers to pos, query and confirm: every oracle vector, accessors. */
#include "test.h"

typedef momo_result (*parse_fn)(const momo_client *, const uint8_t *, size_t, momo_response **);

static parse_fn parser(const char *kind) {
  if (strcmp(kind, "pos") == 0) return momo_client_parse_pos_response;
  if (strcmp(kind, "query") == 0) return momo_client_parse_query_response;
  return momo_client_parse_confirm_response;
}

static momo_response *parse_named(momo_client *client, const char *name) {
  for (size_t i = 0; i < COUNT(RESPONSE_VECTORS); i++) {
    const struct body_vector *v = &RESPONSE_VECTORS[i];
    if (strcmp(v->name, name) != 0) continue;
    momo_response *r = NULL;
    CHECK_RC(parser(v->kind)(client, (const uint8_t *)v->body, v->body_len, &r), MOMO_RESULT_OK);
    return r;
  }
  fprintf(stderr, "no response vector %s\n", name);
  exit(2);
}

static void every_vector_gets_its_verdict(void) {
  momo_client *client = test_client();
  for (size_t i = 0; i < COUNT(RESPONSE_VECTORS); i++) {
    const struct body_vector *v = &RESPONSE_VECTORS[i];
    momo_response *r = SENTINEL;
    momo_result rc = parser(v->kind)(client, (const uint8_t *)v->body, v->body_len, &r);
    int ok_expected = strcmp(v->expect, "verified") == 0 || strcmp(v->expect, "unsigned") == 0;
    check_verdict(v->name, rc, ok_expected ? "ok" : v->expect);
    if (strcmp(momo_result_name(rc), ok_expected ? "ok" : v->expect) != 0) continue;
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

static void accessors_read_the_fields(void) {
  momo_client *client = test_client();
  momo_response *r = parse_named(client, "pos_signed_valid");
  int64_t code = -1;
  uint64_t number = 0;
  momo_str s;
  CHECK_RC(momo_response_result_code(r, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  CHECK_RC(momo_response_amount(r, &number), MOMO_RESULT_OK);
  CHECK(number == 50000);
  CHECK_RC(momo_response_response_time(r, &number), MOMO_RESULT_OK);
  CHECK(number == 1763886412345ULL);
  CHECK_RC(momo_response_partner_code(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MOMO");
  CHECK_RC(momo_response_order_id(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MM1540456472575");
  CHECK_RC(momo_response_request_id(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MM1540456472575");
  CHECK_RC(momo_response_trans_id(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "4088878653");
  CHECK_RC(momo_response_message(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "Successful.");
  /* Query- and confirm-only fields are absent from a pos answer. */
  CHECK_RC(momo_response_pay_type(r, &s), MOMO_RESULT_ABSENT);
  CHECK_FIELD("payType");
  CHECK_RC(momo_response_request_type(r, &s), MOMO_RESULT_ABSENT);

  /* It answers the pos request of the same order and requestId. */
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = NULL;
  momo_request *request = NULL;
  CHECK_RC(momo_pos_payment_new(CS(v->order_id), CS(v->request_id), v->amount,
                                CS(v->payment_code), &payment),
           MOMO_RESULT_OK);
  CHECK_RC(momo_client_pos_request(client, payment, &request), MOMO_RESULT_OK);
  CHECK_RC(momo_response_check_request(r, request), MOMO_RESULT_OK);
  momo_request_free(request);
  CHECK_RC(momo_client_query_request(client, S("ANOTHER-ORDER"), CS(v->request_id), 0, &request),
           MOMO_RESULT_OK);
  CHECK_RC(momo_response_check_request(r, request), MOMO_RESULT_FIELD_MISMATCH);
  CHECK_FIELD("orderId");
  CHECK_RC(momo_response_check_request(NULL, request), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_check_request(r, NULL), MOMO_RESULT_NULL_POINTER);
  momo_request_free(request);
  momo_pos_payment_free(payment);
  momo_response_free(r);

  r = parse_named(client, "query_signed_with_lists");
  CHECK_RC(momo_response_refund_trans(r, &s), MOMO_RESULT_OK);
  CHECK(s.len > 0 && s.data[0] == '[');
  CHECK_RC(momo_response_promotion_info(r, &s), MOMO_RESULT_OK);
  CHECK(s.len > 0 && s.data[0] == '[');
  CHECK_RC(momo_response_pay_type(r, &s), MOMO_RESULT_OK);
  CHECK_RC(momo_response_extra_data(r, &s), MOMO_RESULT_OK);
  CHECK_RC(momo_response_payment_option(r, &s), MOMO_RESULT_OK);
  momo_response_free(r);

  r = parse_named(client, "confirm_signed_cancel");
  CHECK_RC(momo_response_request_type(r, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "cancel");
  CHECK_RC(momo_response_extra_data(r, &s), MOMO_RESULT_ABSENT);
  momo_response_free(r);

  /* An error answer: only resultCode and message. */
  r = parse_named(client, "pos_error_only_resultCode_message");
  CHECK_RC(momo_response_result_code(r, &code), MOMO_RESULT_OK);
  CHECK(code != 0);
  number = 77;
  CHECK_RC(momo_response_amount(r, &number), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_response_time(r, &number), MOMO_RESULT_ABSENT);
  CHECK(number == 77);
  CHECK_RC(momo_response_order_id(r, &s), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_request_id(r, &s), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_partner_code(r, &s), MOMO_RESULT_ABSENT);
  CHECK_RC(momo_response_trans_id(r, &s), MOMO_RESULT_ABSENT);
  momo_response_free(r);
  momo_client_free(client);
}

static void parse_refuses_bad_arguments(void) {
  momo_client *client = test_client();
  static const char body[] = "{\"resultCode\":0,\"message\":\"ok\"}";
  parse_fn parsers[] = {momo_client_parse_pos_response, momo_client_parse_query_response,
                        momo_client_parse_confirm_response};
  for (size_t i = 0; i < COUNT(parsers); i++) {
    momo_response *r = SENTINEL;
    CHECK_RC(parsers[i](NULL, (const uint8_t *)body, sizeof body - 1, &r), MOMO_RESULT_NULL_POINTER);
    CHECK_RC(parsers[i](client, NULL, 3, &r), MOMO_RESULT_NULL_POINTER);
    CHECK_RC(parsers[i](client, (const uint8_t *)body, sizeof body - 1, NULL),
             MOMO_RESULT_NULL_POINTER);
    CHECK_RC(parsers[i](client, (const uint8_t *)body, SIZE_MAX, &r), MOMO_RESULT_INPUT_TOO_LONG);
    CHECK_RC(parsers[i](client, (const uint8_t *)"[1]", 3, &r), MOMO_RESULT_INVALID_JSON);
    CHECK(r == SENTINEL);
    CHECK_RC(parsers[i](client, (const uint8_t *)body, sizeof body - 1, &r), MOMO_RESULT_OK);
    momo_response_free(r);
  }
  momo_response *r = parse_named(client, "pos_signed_valid");
  typedef momo_result (*text_accessor)(const momo_response *, momo_str *);
  static const text_accessor texts[] = {
      momo_response_message,        momo_response_partner_code,  momo_response_order_id,
      momo_response_request_id,     momo_response_trans_id,      momo_response_extra_data,
      momo_response_pay_type,       momo_response_payment_option, momo_response_refund_trans,
      momo_response_promotion_info, momo_response_request_type,
  };
  for (size_t i = 0; i < COUNT(texts); i++) {
    momo_str s;
    CHECK_RC(texts[i](NULL, &s), MOMO_RESULT_NULL_POINTER);
    CHECK_FIELD("response");
    CHECK_RC(texts[i](r, NULL), MOMO_RESULT_NULL_POINTER);
  }
  int64_t code;
  uint64_t number;
  momo_authenticity authenticity;
  CHECK_RC(momo_response_result_code(NULL, &code), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_result_code(r, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_amount(NULL, &number), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_amount(r, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_response_time(NULL, &number), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_response_time(r, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_authenticity(NULL, &authenticity), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_response_authenticity(r, NULL), MOMO_RESULT_NULL_POINTER);
  momo_response_free(r);
  momo_response_free(NULL);
  momo_client_free(client);
}

void suite_responses(void) {
  RUN(every_vector_gets_its_verdict);
  RUN(accessors_read_the_fields);
  RUN(parse_refuses_bad_arguments);
}
