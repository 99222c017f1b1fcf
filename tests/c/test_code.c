/* Payment-code normalization, public keys, encryption. */
#include "test.h"

static void normalizes_scanner_noise(void) {
  static const struct { const char *scanned; const char *code; } cases[] = {
      {"]Q1MM561918531775222861\r\n", "MM561918531775222861"},
      {"\t561918531775222861\n", "561918531775222861"},
      {"  mm 5619 1853 1775 2228 61 ", "mm561918531775222861"},
      {"]C0MM561918531775222861", "MM561918531775222861"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char out[MOMO_PAYMENT_CODE_BUFFER_LEN];
    size_t len = 0;
    CHECK_RC(momo_payment_code_normalize(CS(cases[i].scanned), out, sizeof out, &len),
             MOMO_RESULT_OK);
    CHECK(len == strlen(cases[i].code) && strcmp(out, cases[i].code) == 0);
  }
}

static void normalize_reports_the_size_needed(void) {
  char out[32];
  size_t len = 0;
  /* Exactly enough: 20 characters and the NUL. */
  CHECK_RC(momo_payment_code_normalize(S("MM561918531775222861"), out, 21, &len), MOMO_RESULT_OK);
  CHECK(len == 20 && out[20] == '\0');
  /* One byte short: nothing written but the length needed. */
  memset(out, 'x', sizeof out);
  len = 0;
  CHECK_RC(momo_payment_code_normalize(S("MM561918531775222861"), out, 20, &len),
           MOMO_RESULT_BUFFER_TOO_SMALL);
  CHECK(len == 20);
  CHECK(out[0] == 'x' && out[19] == 'x' && out[20] == 'x');
  CHECK_FIELD("out_cap");
  CHECK_RC(momo_payment_code_normalize(S("561918531775222861"), out, 0, &len),
           MOMO_RESULT_BUFFER_TOO_SMALL);
  CHECK(len == 18 && out[0] == 'x');
}

static void normalize_refuses_bad_input(void) {
  char out[MOMO_PAYMENT_CODE_BUFFER_LEN];
  size_t len = 12345;
  CHECK_RC(momo_payment_code_normalize(S("MM5619185317X"), out, sizeof out, &len),
           MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK(len == 12345); /* not written on failure */
  CHECK_RC(momo_payment_code_normalize(S(""), out, sizeof out, &len),
           MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK(strstr(momo_last_error_message(), "empty") != NULL);
  CHECK_RC(momo_payment_code_normalize(S("MM56191853177522286"), out, sizeof out, &len),
           MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK(strstr(momo_last_error_message(), "17") != NULL);
  CHECK_RC(momo_payment_code_normalize(NULL, 20, out, sizeof out, &len), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_payment_code_normalize(S("MM561918531775222861"), NULL, 21, &len),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_payment_code_normalize(S("MM561918531775222861"), out, sizeof out, NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out_len");
  CHECK_RC(momo_payment_code_normalize(S(BAD_UTF8), out, sizeof out, &len),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_payment_code_normalize(S(WITH_NUL), out, sizeof out, &len),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_payment_code_normalize("MM561918531775222861", SIZE_MAX, out, sizeof out, &len),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_payment_code_normalize("MM", MOMO_MAX_INPUT_LEN + 1, out, sizeof out, &len),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(len == 12345);
}

static void parses_the_three_key_forms(void) {
  static const struct { const char *path; size_t bits; } keys[] = {
      {"tests/keys/test_rsa2048_public_spki.b64", 2048},
      {"tests/keys/test_rsa2048_public_spki.pem", 2048},
      {"tests/keys/test_rsa2048_public_pkcs1.pem", 2048},
      {"tests/keys/test_rsa4096_public_spki.b64", 4096},
      {"tests/keys/test_rsa4096_public_pkcs1.pem", 4096},
  };
  for (size_t i = 0; i < COUNT(keys); i++) {
    char *text = read_text_file(keys[i].path);
    momo_public_key *key = NULL;
    CHECK_RC(momo_public_key_parse(CS(text), &key), MOMO_RESULT_OK);
    size_t bits = 0;
    CHECK_RC(momo_public_key_bits(key, &bits), MOMO_RESULT_OK);
    CHECK(bits == keys[i].bits);
    momo_public_key_free(key);
    free(text);
  }
}

static void refuses_garbage_keys(void) {
  static const char *bad[] = {
      "tests/keys/test_rsa1024_public_spki.b64", /* too small */
      "tests/keys/test_ec_p256_public_spki.pem", /* not RSA */
      "tests/keys/test_rsa2048_private.pem",     /* a private key */
  };
  for (size_t i = 0; i < COUNT(bad); i++) {
    char *text = read_text_file(bad[i]);
    momo_public_key *key = SENTINEL;
    CHECK_RC(momo_public_key_parse(CS(text), &key), MOMO_RESULT_INVALID_PUBLIC_KEY);
    CHECK(key == SENTINEL);
    free(text);
  }
  momo_public_key *key = SENTINEL;
  CHECK_RC(momo_public_key_parse(S("hello, world"), &key), MOMO_RESULT_INVALID_PUBLIC_KEY);
  CHECK_RC(momo_public_key_parse(S("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"), &key),
           MOMO_RESULT_INVALID_PUBLIC_KEY);
  CHECK_RC(momo_public_key_parse(S(""), &key), MOMO_RESULT_INVALID_PUBLIC_KEY);
  CHECK_RC(momo_public_key_parse(NULL, 10, &key), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_public_key_parse(S("MIIB"), NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_public_key_parse(S(BAD_UTF8), &key), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_public_key_parse(S("MII\0B"), &key), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_public_key_parse("MIIB", SIZE_MAX, &key), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(key == SENTINEL);
  size_t bits = 7;
  CHECK_RC(momo_public_key_bits(NULL, &bits), MOMO_RESULT_NULL_POINTER);
  CHECK(bits == 7);
  momo_public_key_free(NULL);
}

/* Writes text to $MOMO_C_TEST_OUT/name so that test-c.sh can decrypt it
 * with openssl and the private test key: an independent check of RSA. */
static void emit(const char *name, const char *text) {
  const char *dir = getenv("MOMO_C_TEST_OUT");
  if (!dir) return;
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (!f) return;
  fputs(text, f);
  fclose(f);
}

static void encrypts_for_each_key_size(void) {
  static const struct { const char *path; size_t b64_len; const char *out; } keys[] = {
      {"tests/keys/test_rsa2048_public_spki.b64", 344, "ct_rsa2048.b64"},
      {"tests/keys/test_rsa4096_public_spki.pem", 684, "ct_rsa4096.b64"},
  };
  for (size_t i = 0; i < COUNT(keys); i++) {
    char *text = read_text_file(keys[i].path);
    momo_public_key *key = NULL;
    CHECK_RC(momo_public_key_parse(CS(text), &key), MOMO_RESULT_OK);
    momo_buffer *a = NULL, *b = NULL;
    CHECK_RC(momo_public_key_encrypt(key, S("]Q1MM561918531775222861\r\n"), &a), MOMO_RESULT_OK);
    CHECK_RC(momo_public_key_encrypt(key, S("MM561918531775222861"), &b), MOMO_RESULT_OK);
    CHECK(momo_buffer_len(a) == keys[i].b64_len);
    CHECK(strlen(momo_buffer_data(a)) == momo_buffer_len(a));
    CHECK(momo_buffer_data(a)[keys[i].b64_len - 1] == '=');
    /* Random padding: the same code never encrypts the same way twice. */
    CHECK(strcmp(momo_buffer_data(a), momo_buffer_data(b)) != 0);
    emit(keys[i].out, momo_buffer_data(a));
    momo_buffer_free(a);
    momo_buffer_free(b);
    momo_public_key_free(key);
    free(text);
  }
}

static void encrypt_refuses_bad_input(void) {
  char *text = read_text_file("tests/keys/test_rsa2048_public_spki.b64");
  momo_public_key *key = NULL;
  CHECK_RC(momo_public_key_parse(CS(text), &key), MOMO_RESULT_OK);
  momo_buffer *out = SENTINEL;
  CHECK_RC(momo_public_key_encrypt(key, S("MM12"), &out), MOMO_RESULT_INVALID_PAYMENT_CODE);
  CHECK_FIELD("paymentCode");
  CHECK_RC(momo_public_key_encrypt(NULL, S("MM561918531775222861"), &out),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("key");
  CHECK_RC(momo_public_key_encrypt(key, NULL, 20, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_public_key_encrypt(key, S("MM561918531775222861"), NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_public_key_encrypt(key, S(BAD_UTF8), &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_public_key_encrypt(key, S(WITH_NUL), &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_public_key_encrypt(key, "MM", SIZE_MAX, &out), MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(out == SENTINEL);
  momo_public_key_free(key);
  free(text);
}

void suite_code(void) {
  RUN(normalizes_scanner_noise);
  RUN(normalize_reports_the_size_needed);
  RUN(normalize_refuses_bad_input);
  RUN(parses_the_three_key_forms);
  RUN(refuses_garbage_keys);
  RUN(encrypts_for_each_key_size);
  RUN(encrypt_refuses_bad_input);
}
