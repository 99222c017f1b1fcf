/* Version, result codes and their texts, last error, buffers, result-code
 * explanations. */
#include "test.h"

static void version_matches_header(void) {
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", MOMO_POS_VERSION_MAJOR,
           MOMO_POS_VERSION_MINOR, MOMO_POS_VERSION_PATCH);
  CHECK(strcmp(MOMO_POS_VERSION, expected) == 0);
  CHECK(strcmp(momo_version(), MOMO_POS_VERSION) == 0);
}

static void result_codes_have_stable_numbers_and_names(void) {
  /* The numbers are ABI: this table is the documented one. */
  static const struct { momo_result code; unsigned number; const char *name; } table[] = {
      {MOMO_RESULT_OK, 0, "ok"},
      {MOMO_RESULT_NULL_POINTER, 1, "null_pointer"},
      {MOMO_RESULT_INVALID_UTF8, 2, "invalid_utf8"},
      {MOMO_RESULT_EMBEDDED_NUL, 3, "embedded_nul"},
      {MOMO_RESULT_BUFFER_TOO_SMALL, 4, "buffer_too_small"},
      {MOMO_RESULT_PANIC, 5, "panic"},
      {MOMO_RESULT_INVALID_ARGUMENT, 6, "invalid_argument"},
      {MOMO_RESULT_INPUT_TOO_LONG, 7, "input_too_long"},
      {MOMO_RESULT_ABSENT, 8, "absent"},
      {MOMO_RESULT_INVALID_PAYMENT_CODE, 100, "invalid_payment_code"},
      {MOMO_RESULT_INVALID_PUBLIC_KEY, 101, "invalid_public_key"},
      {MOMO_RESULT_INVALID_CREDENTIALS, 102, "invalid_credentials"},
      {MOMO_RESULT_INVALID_FIELD, 103, "invalid_field"},
      {MOMO_RESULT_MISSING_FIELD, 104, "missing_field"},
      {MOMO_RESULT_DUPLICATE_KEY, 105, "duplicate_key"},
      {MOMO_RESULT_INVALID_JSON, 106, "invalid_json"},
      {MOMO_RESULT_BODY_TOO_LARGE, 107, "body_too_large"},
      {MOMO_RESULT_MALFORMED_SIGNATURE, 108, "malformed_signature"},
      {MOMO_RESULT_SIGNATURE_MISMATCH, 109, "signature_mismatch"},
      {MOMO_RESULT_FIELD_MISMATCH, 110, "field_mismatch"},
      {MOMO_RESULT_RANDOMNESS, 111, "randomness"},
      {MOMO_RESULT_ENCRYPTION, 112, "encryption"},
      {MOMO_RESULT_INVALID_STATE, 113, "invalid_state"},
      {MOMO_RESULT_JSON_LIMIT, 114, "json_limit"},
  };
  for (size_t i = 0; i < COUNT(table); i++) {
    CHECK((unsigned)table[i].code == table[i].number);
    CHECK(strcmp(momo_result_name(table[i].code), table[i].name) == 0);
    const char *message = momo_result_message(table[i].code);
    CHECK(message != NULL && strlen(message) > 3);
  }
  CHECK(strcmp(momo_result_name(9999), "unknown") == 0);
  CHECK(strcmp(momo_result_message(9999), "unknown momo_result") == 0);
  CHECK(strcmp(momo_result_message(MOMO_RESULT_OK), "success") == 0);
}

static void last_error_describes_the_last_failure(void) {
  char out[MOMO_PAYMENT_CODE_BUFFER_LEN];
  size_t len = 0;
  CHECK_RC(momo_payment_code_normalize(S("MM5619185317X"), out, sizeof out, &len),
           MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK(momo_last_error_code() == MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK_FIELD("paymentCode");
  CHECK(strstr(momo_last_error_message(), "paymentCode") != NULL);
  /* A success leaves the last error alone (errno-like). */
  CHECK_RC(momo_payment_code_normalize(S("MM561918531775222861"), out, sizeof out, &len),
           MOMO_RESULT_OK);
  CHECK(momo_last_error_code() == MOMO_RESULT_INVALID_PAYMENT_CODE);
  /* Boundary errors name the C parameter. */
  CHECK_RC(momo_payment_code_normalize(NULL, 3, out, sizeof out, &len), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("scanned");
  CHECK(strcmp(momo_last_error_message(), "scanned: is NULL") == 0);
}

static void buffer_functions_accept_null(void) {
  CHECK(momo_buffer_data(NULL) == NULL);
  CHECK(momo_buffer_len(NULL) == 0);
  momo_buffer_free(NULL);
}

static void explains_result_codes(void) {
  /* Finality from PROTOCOL.md's table. */
  static const struct { int64_t code; int is_final; } protocol[] = {
      {0, 1},     {9000, 0}, {1000, 0}, {7000, 0}, {7002, 0}, {10, 0},   {11, 0},
      {12, 0},    {13, 0},   {20, 0},   {21, 0},   {22, 0},   {40, 0},   {41, 0},
      {42, 0},    {43, 0},   {44, 0},   {45, 0},   {47, 0},   {98, 1},   {99, 1},
      {1001, 1},  {1002, 1}, {1003, 1}, {1004, 1}, {1005, 1}, {1006, 1}, {1007, 1},
      {1017, 1},  {1026, 1}, {1080, 1}, {1081, 1}, {1088, 1}, {2019, 1}, {4001, 1},
      {4002, 1},  {4005, 1}, {4100, 1},
  };
  for (size_t i = 0; i < COUNT(protocol); i++) {
    momo_result_code_info info;
    CHECK_RC(momo_result_code_explain(protocol[i].code, &info), MOMO_RESULT_OK);
    CHECK(info.code == protocol[i].code);
    CHECK(info.is_final == protocol[i].is_final);
    CHECK(info.is_known);
    CHECK(info.message_en && info.message_vi && info.category && info.next_step);
  }
  momo_result_code_info info;
  CHECK_RC(momo_result_code_explain(0, &info), MOMO_RESULT_OK);
  CHECK(info.is_success && strcmp(info.category, "paid") == 0);
  CHECK(strcmp(info.next_step, "done") == 0);
  CHECK(strcmp(info.message_vi, "Th\xc3\xa0nh c\xc3\xb4ng.") == 0);
  CHECK(strcmp(info.message_en, "Successful.") == 0);
  CHECK_RC(momo_result_code_explain(9000, &info), MOMO_RESULT_OK);
  CHECK(strcmp(info.category, "authorized") == 0 && !info.is_success);
  CHECK(strcmp(info.next_step, "capture_or_cancel") == 0);
  CHECK_RC(momo_result_code_explain(1000, &info), MOMO_RESULT_OK);
  CHECK(strcmp(info.category, "pending") == 0 && strcmp(info.next_step, "query") == 0);
  CHECK_RC(momo_result_code_explain(4005, &info), MOMO_RESULT_OK);
  CHECK(strcmp(info.next_step, "refresh_payment_code") == 0);
  CHECK(strcmp(info.category, "declined") == 0);
  CHECK_RC(momo_result_code_explain(1001, &info), MOMO_RESULT_OK);
  CHECK(strcmp(info.next_step, "done") == 0);
  /* Unknown: not an error, not final, query. */
  CHECK_RC(momo_result_code_explain(123456, &info), MOMO_RESULT_OK);
  CHECK(!info.is_known && !info.is_final && info.code == 123456);
  CHECK(strcmp(info.category, "unknown") == 0 && strcmp(info.next_step, "query") == 0);
  CHECK_RC(momo_result_code_explain(-1, &info), MOMO_RESULT_OK);
  CHECK(!info.is_known);
  /* The same text comes back at the same address: it is static. */
  momo_result_code_info again;
  CHECK_RC(momo_result_code_explain(0, &again), MOMO_RESULT_OK);
  momo_result_code_explain(0, &info);
  CHECK(again.message_en == info.message_en);
  CHECK_RC(momo_result_code_explain(0, NULL), MOMO_RESULT_NULL_POINTER);
}

void suite_misc(void) {
  RUN(version_matches_header);
  RUN(result_codes_have_stable_numbers_and_names);
  RUN(last_error_describes_the_last_failure);
  RUN(buffer_functions_accept_null);
  RUN(explains_result_codes);
}

static void extra_data_round_trips(void) {
  momo_buffer *out = NULL;
  /* Expected text computed with `printf '{"username":"momo"}' | base64`. */
  CHECK_RC(momo_extra_data_encode(S("{\"username\": \"momo\"}"), &out), MOMO_RESULT_OK);
  CHECK(strcmp(momo_buffer_data(out), "eyJ1c2VybmFtZSI6Im1vbW8ifQ==") == 0);
  momo_buffer_free(out);
  CHECK_RC(momo_extra_data_encode(S("{}"), &out), MOMO_RESULT_OK);
  CHECK(momo_buffer_len(out) == 0 && strcmp(momo_buffer_data(out), "") == 0);
  momo_buffer_free(out);
  /* The oracle's extraData (Python's json.dumps, with a space). */
  CHECK_RC(momo_extra_data_decode(S("eyJ1c2VybmFtZSI6ICJtb21vIn0="), &out), MOMO_RESULT_OK);
  CHECK(strcmp(momo_buffer_data(out), "{\"username\":\"momo\"}") == 0);
  momo_buffer_free(out);
  CHECK_RC(momo_extra_data_decode(S(""), &out), MOMO_RESULT_OK);
  CHECK(strcmp(momo_buffer_data(out), "{}") == 0);
  momo_buffer_free(out);

  out = SENTINEL;
  CHECK_RC(momo_extra_data_encode(S("[1,2]"), &out), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("extraData");
  CHECK_RC(momo_extra_data_encode(S("{oops"), &out), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_extra_data_encode(NULL, 2, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_extra_data_encode(S("{}"), NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_extra_data_encode(S(BAD_UTF8), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_extra_data_encode(S("{\"a\":\"\0\"}"), &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_extra_data_encode("{}", SIZE_MAX, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_extra_data_decode(S("not base64!"), &out), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("extraData");
  CHECK_RC(momo_extra_data_decode(S("WzEsMl0="), &out), MOMO_RESULT_INVALID_FIELD); /* [1,2] */
  CHECK_RC(momo_extra_data_decode(NULL, 2, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_extra_data_decode(S("e30="), NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_extra_data_decode(S(BAD_UTF8), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_extra_data_decode(S("e30\0"), &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_extra_data_decode("e30=", SIZE_MAX, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(out == SENTINEL);
}

/* Lengths, limits and momo_buffer at this target's width: size_t is 32 bits
 * on i686 Windows. MOMO_C_TEST_SIZE_T_BITS (set by test-c-cross.sh) says
 * which width the build must have. */
static void widths_hold_on_this_target(void) {
  const char *bits = getenv("MOMO_C_TEST_SIZE_T_BITS");
  printf("size_t is %u bits, pointers %u bits\n", (unsigned)(sizeof(size_t) * 8),
         (unsigned)(sizeof(void *) * 8));
  if (bits != NULL) CHECK((size_t)atoi(bits) == sizeof(size_t) * 8);
  CHECK(sizeof(size_t) >= 4);
  CHECK(MOMO_MAX_INPUT_LEN + 1 > MOMO_MAX_INPUT_LEN); /* no wrap in size_t */

  momo_buffer *out = SENTINEL;
  size_t big = (size_t)MOMO_MAX_INPUT_LEN + 1;
  char *text = malloc(big);
  CHECK(text != NULL);
  if (text == NULL) return;
  memset(text, ' ', big);
  text[0] = '{';
  text[1] = '}';
  /* One byte over the limit is refused unread, at any width. */
  CHECK_RC(momo_extra_data_encode(text, big, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_extra_data_encode(text, (size_t)UINT32_MAX, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_extra_data_encode(text, SIZE_MAX / 2 + 1, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(out == SENTINEL);
  /* Exactly the limit is read. */
  momo_result rc = momo_extra_data_encode(text, (size_t)MOMO_MAX_INPUT_LEN, &out);
  CHECK(rc != MOMO_RESULT_INPUT_TOO_LONG);
  if (rc == MOMO_RESULT_OK) momo_buffer_free(out);

  /* A buffer of a few KiB has its exact length, both ways. */
  size_t value_len = 3000;
  size_t json_len = value_len + 8; /* {"k":"..."} */
  snprintf(text, 7, "{\"k\":\"");
  memset(text + 6, 'a', value_len);
  memcpy(text + 6 + value_len, "\"}", 3);
  CHECK(strlen(text) == json_len);
  out = NULL;
  CHECK_RC(momo_extra_data_encode(text, json_len, &out), MOMO_RESULT_OK);
  size_t encoded_len = momo_buffer_len(out);
  CHECK(encoded_len == 4 * ((json_len + 2) / 3));
  CHECK(momo_buffer_data(out) != NULL && strlen(momo_buffer_data(out)) == encoded_len);
  momo_buffer *back = NULL;
  CHECK_RC(momo_extra_data_decode(momo_buffer_data(out), encoded_len, &back), MOMO_RESULT_OK);
  CHECK(momo_buffer_len(back) == json_len);
  CHECK(momo_buffer_data(back) != NULL && memcmp(momo_buffer_data(back), text, json_len) == 0);
  momo_buffer_free(back);
  momo_buffer_free(out);
  free(text);
}

static void catalogue_lists_the_protocol_codes(void) {
  size_t len = 0;
  CHECK_RC(momo_result_code_catalogue_len(&len), MOMO_RESULT_OK);
  CHECK(len == 38); /* PROTOCOL.md's table */
  int64_t previous = -1;
  for (size_t i = 0; i < len; i++) {
    momo_result_code_info info;
    CHECK_RC(momo_result_code_catalogue_get(i, &info), MOMO_RESULT_OK);
    CHECK(info.code > previous && info.is_known);
    previous = info.code;
  }
  momo_result_code_info info;
  info.code = 4242;
  CHECK_RC(momo_result_code_catalogue_get(len, &info), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("index");
  CHECK(info.code == 4242);
  CHECK_RC(momo_result_code_catalogue_get(0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_result_code_catalogue_len(NULL), MOMO_RESULT_NULL_POINTER);
}

void suite_misc_more(void) {
  RUN(extra_data_round_trips);
  RUN(catalogue_lists_the_protocol_codes);
  RUN(widths_hold_on_this_target);
}
