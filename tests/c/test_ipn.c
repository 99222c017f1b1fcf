/* Notifications (IPN): every oracle vector, accessors, tampering. */
#include "test.h"

static const struct body_vector *ipn(const char *name) {
  for (size_t i = 0; i < COUNT(IPN_VECTORS); i++)
    if (strcmp(IPN_VECTORS[i].name, name) == 0) return &IPN_VECTORS[i];
  fprintf(stderr, "no ipn vector %s\n", name);
  exit(2);
}

/* The digits after "key": in a JSON body, read without the library. */
static void json_digits(const char *body, const char *key, char *out, size_t cap) {
  char needle[64];
  snprintf(needle, sizeof needle, "\"%s\"", key);
  const char *p = strstr(body, needle);
  size_t n = 0;
  if (p) {
    p += strlen(needle);
    while (*p == ' ' || *p == ':' || *p == '\n') p++;
    while (*p >= '0' && *p <= '9' && n + 1 < cap) out[n++] = *p++;
  }
  out[n] = '\0';
}

static void every_vector_gets_its_verdict(void) {
  momo_client *client = test_client();
  for (size_t i = 0; i < COUNT(IPN_VECTORS); i++) {
    const struct body_vector *v = &IPN_VECTORS[i];
    momo_notification *n = SENTINEL;
    momo_result rc =
        momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, &n);
    check_verdict(v->name, rc, strcmp(v->expect, "valid") == 0 ? "ok" : v->expect);
    if (rc == MOMO_RESULT_OK) {
      char digits[64];
      json_digits(v->body, "transId", digits, sizeof digits);
      momo_str s;
      CHECK_RC(momo_notification_trans_id(n, &s), MOMO_RESULT_OK);
      CHECK_STR(s, digits);
      momo_notification_free(n);
    } else {
      CHECK(n == SENTINEL);
    }
  }
  momo_client_free(client);
}

static void accessors_read_the_fields(void) {
  momo_client *client = test_client();
  const struct body_vector *v = ipn("valid_basic");
  momo_notification *n = NULL;
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_OK);
  int64_t code = -1;
  uint64_t number = 0;
  bool paid = false;
  momo_str s;
  CHECK_RC(momo_notification_result_code(n, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  CHECK_RC(momo_notification_is_paid(n, &paid), MOMO_RESULT_OK);
  CHECK(paid);
  CHECK_RC(momo_notification_amount(n, &number), MOMO_RESULT_OK);
  CHECK(number == 50000);
  CHECK_RC(momo_notification_response_time(n, &number), MOMO_RESULT_OK);
  CHECK(number == 1763886412345ULL);
  CHECK_RC(momo_notification_partner_code(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MOMO");
  CHECK_RC(momo_notification_order_id(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MM1540456472575");
  CHECK_RC(momo_notification_request_id(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MM1540456472575");
  CHECK_RC(momo_notification_order_info(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "Thanh toan don hang");
  CHECK_RC(momo_notification_order_type(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "momo_wallet");
  CHECK_RC(momo_notification_message(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "Successful.");
  CHECK_RC(momo_notification_pay_type(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "pos");
  CHECK_RC(momo_notification_extra_data(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "");
  s.data = SENTINEL;
  CHECK_RC(momo_notification_partner_user_id(n, &s), MOMO_RESULT_ABSENT);
  CHECK(s.data == SENTINEL);
  CHECK_RC(momo_notification_dedupe_key(n, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "MOMO|MM1540456472575|MM1540456472575|4088878653");
  CHECK_RC(momo_notification_check_order(n, S("MM1540456472575"), 50000), MOMO_RESULT_OK);
  CHECK_RC(momo_notification_check_order(n, S("MM1540456472576"), 50000),
           MOMO_RESULT_FIELD_MISMATCH);
  CHECK_FIELD("orderId");
  CHECK_RC(momo_notification_check_order(n, S("MM1540456472575"), 50001),
           MOMO_RESULT_FIELD_MISMATCH);
  CHECK_FIELD("amount");
  momo_notification_free(n);

  v = ipn("valid_extraData_and_partnerUserId");
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_OK);
  CHECK_RC(momo_notification_partner_user_id(n, &s), MOMO_RESULT_OK);
  CHECK(s.len > 0 && strstr(v->body, s.data) != NULL);
  CHECK_RC(momo_notification_extra_data(n, &s), MOMO_RESULT_OK);
  CHECK(s.len > 0 && strstr(v->body, s.data) != NULL);
  momo_notification_free(n);

  v = ipn("valid_resultCode_9000_authorized");
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_OK);
  CHECK_RC(momo_notification_result_code(n, &code), MOMO_RESULT_OK);
  CHECK(code == 9000);
  CHECK_RC(momo_notification_is_paid(n, &paid), MOMO_RESULT_OK);
  CHECK(!paid);
  momo_notification_free(n);
  momo_client_free(client);
}

static void tampering_is_detected(void) {
  momo_client *client = test_client();
  const struct body_vector *v = ipn("valid_basic");
  char *body = malloc(v->body_len + 1);
  memcpy(body, v->body, v->body_len + 1);
  momo_notification *n = SENTINEL;
  /* The amount, then one hex digit of the signature. */
  char *amount = strstr(body, "\"amount\":50000");
  CHECK(amount != NULL);
  if (amount) amount[13] = '1';
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)body, v->body_len, &n),
           MOMO_RESULT_SIGNATURE_MISMATCH);
  CHECK_FIELD("signature");
  if (amount) amount[13] = '0';
  char *sig = strstr(body, "\"signature\":\"");
  if (sig) sig[13] = sig[13] == 'a' ? 'b' : 'a';
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)body, v->body_len, &n),
           MOMO_RESULT_SIGNATURE_MISMATCH);
  CHECK(n == SENTINEL);
  free(body);

  /* Other credentials: the signature fails; another partnerCode with the
   * same keys: the signature holds but the notification is not ours. */
  momo_client *other = NULL;
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S("another-secret"), S("test"),
                           &other),
           MOMO_RESULT_OK);
  CHECK_RC(momo_client_verify_ipn(other, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_SIGNATURE_MISMATCH);
  momo_client_free(other);
  CHECK_RC(momo_client_new(S("OTHER"), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &other),
           MOMO_RESULT_OK);
  CHECK_RC(momo_client_verify_ipn(other, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_FIELD_MISMATCH);
  CHECK_FIELD("partnerCode");
  momo_client_free(other);
  CHECK(n == SENTINEL);
  momo_client_free(client);
}

static void verify_refuses_bad_arguments(void) {
  momo_client *client = test_client();
  const struct body_vector *v = ipn("valid_basic");
  momo_notification *n = SENTINEL;
  CHECK_RC(momo_client_verify_ipn(NULL, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_client_verify_ipn(client, NULL, 10, &n), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("body");
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, SIZE_MAX, &n),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)BAD_UTF8, 2, &n),
           MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)"", 0, &n), MOMO_RESULT_INVALID_JSON);
  /* Past 64 KiB: refused before parsing. */
  size_t big_len = 70000;
  uint8_t *big = malloc(big_len);
  memset(big, ' ', big_len);
  CHECK_RC(momo_client_verify_ipn(client, big, big_len, &n), MOMO_RESULT_BODY_TOO_LARGE);
  free(big);
  CHECK(n == SENTINEL);

  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)v->body, v->body_len, &n),
           MOMO_RESULT_OK);
  typedef momo_result (*text_accessor)(const momo_notification *, momo_str *);
  static const text_accessor texts[] = {
      momo_notification_partner_code, momo_notification_order_id,
      momo_notification_request_id,   momo_notification_order_info,
      momo_notification_order_type,   momo_notification_trans_id,
      momo_notification_message,      momo_notification_pay_type,
      momo_notification_extra_data,   momo_notification_partner_user_id,
      momo_notification_dedupe_key,
  };
  for (size_t i = 0; i < COUNT(texts); i++) {
    momo_str s;
    CHECK_RC(texts[i](NULL, &s), MOMO_RESULT_NULL_POINTER);
    CHECK_FIELD("notification");
    CHECK_RC(texts[i](n, NULL), MOMO_RESULT_NULL_POINTER);
  }
  int64_t code;
  uint64_t number;
  bool paid;
  CHECK_RC(momo_notification_result_code(NULL, &code), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_result_code(n, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_is_paid(NULL, &paid), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_is_paid(n, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_amount(NULL, &number), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_amount(n, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_response_time(NULL, &number), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_response_time(n, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_check_order(NULL, S("MM1540456472575"), 50000),
           MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_check_order(n, NULL, 3, 50000), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_notification_check_order(n, S(BAD_UTF8), 50000), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_notification_check_order(n, S("MM15\0"), 50000), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_notification_check_order(n, "MM", SIZE_MAX, 50000), MOMO_RESULT_INPUT_TOO_LONG);
  momo_notification_free(n);
  momo_notification_free(NULL);
  momo_client_free(client);
}

/* The worst-case corpus (tests/hostile/corpus.json): each body gets the
 * verdict listed for it, through the IPN verifier and the query answer
 * parser alike (the reader's verdicts come first in both). Under ASan and
 * valgrind too, like every test here. */
static void hostile_bodies_get_their_verdict(void) {
  momo_client *client = test_client();
  char *manifest = read_text_file("tests/hostile/corpus.json");
  size_t seen = 0;
  for (char *at = strstr(manifest, "\"file\": \""); at; at = strstr(at + 1, "\"file\": \"")) {
    char file[128], expect[64], path[256];
    const char *e = strstr(at, "\"expect\": \"");
    CHECK(e != NULL);
    if (!e || sscanf(at, "\"file\": \"%127[^\"]\"", file) != 1 ||
        sscanf(e, "\"expect\": \"%63[^\"]\"", expect) != 1)
      break;
    snprintf(path, sizeof path, "tests/hostile/%s", file);
    size_t len = 0;
    uint8_t *body = read_repo_file(path, &len);
    CHECK(len <= MOMO_MAX_BODY_BYTES);
    momo_notification *n = SENTINEL;
    momo_result rc = momo_client_verify_ipn(client, body, len, &n);
    check_verdict(file, rc, expect);
    if (rc == MOMO_RESULT_OK) momo_notification_free(n);
    momo_response *r = SENTINEL;
    rc = momo_client_parse_query_response(client, body, len, &r);
    if (strcmp(expect, "json_limit") == 0 || strcmp(expect, "duplicate_key") == 0) {
      check_verdict(file, rc, expect);
    } else {
      CHECK(rc != MOMO_RESULT_PANIC);
    }
    if (rc == MOMO_RESULT_OK) momo_response_free(r);
    free(body);
    seen++;
  }
  CHECK(seen >= 15);
  free(manifest);
  momo_client_free(client);
}

void suite_ipn(void) {
  RUN(every_vector_gets_its_verdict);
  RUN(accessors_read_the_fields);
  RUN(tampering_is_detected);
  RUN(verify_refuses_bad_arguments);
  RUN(hostile_bodies_get_their_verdict);
}
