/* The C path timed from C: encrypt + sign a pos request, and verify an IPN,
 * N times each, through the release library. Compare with
 * `cargo bench --bench ffi` (the same work through the Rust API).
 * Run with: bash scripts/bench-c.sh   (not part of the tests) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "momo_pos.h"
#include "vectors.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(const char *what, int n, double seconds) {
  printf("%-28s %8d ops  %9.2f us/op  %10.0f ops/s\n", what, n, seconds / n * 1e6, n / seconds);
}

int main(int argc, char **argv) {
  const char *key_path = argc > 1 ? argv[1] : "tests/keys/test_rsa2048_public_spki.b64";
  char key_text[16384] = {0};
  FILE *f = fopen(key_path, "rb");
  size_t key_len = f ? fread(key_text, 1, sizeof key_text - 1, f) : 0;
  if (f) fclose(f);
  momo_client *client = NULL;
  momo_public_key *key = NULL;
  if (momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &client) ||
      momo_public_key_parse(key_text, key_len, &key)) {
    fprintf(stderr, "setup: %s\n", momo_last_error_message());
    return 1;
  }
  static const char info[] = "C\xc3\xa0 ph\xc3\xaa s\xe1\xbb\xaf" "a \xc4\x91\xc3\xa1 x2";
  size_t total = 0;
  int n = 20000;
  double start = now();
  for (int i = 0; i < n; i++) {
    momo_buffer *code = NULL;
    momo_pos_payment *payment = NULL;
    momo_request *request = NULL;
    momo_str body;
    if (momo_public_key_encrypt(key, S("]Q1MM561918531775222861\r\n"), &code) ||
        momo_pos_payment_new(S("ORDER-1001"), S("ORDER-1001-r1"), 50000, momo_buffer_data(code),
                             momo_buffer_len(code), &payment) ||
        momo_pos_payment_set_order_info(payment, S(info)) ||
        momo_client_pos_request(client, payment, &request) || momo_request_body(request, &body)) {
      fprintf(stderr, "sign: %s\n", momo_last_error_message());
      return 1;
    }
    total += body.len;
    momo_request_free(request);
    momo_pos_payment_free(payment);
    momo_buffer_free(code);
  }
  report("encrypt_and_sign_rsa2048", n, now() - start);

  for (size_t v = 0; v < COUNT(IPN_VECTORS); v++) {
    const struct body_vector *ipn = &IPN_VECTORS[v];
    if (strcmp(ipn->name, "valid_basic") && strcmp(ipn->name, "valid_vietnamese_raw_utf8")) continue;
    n = 500000;
    start = now();
    for (int i = 0; i < n; i++) {
      momo_notification *notification = NULL;
      if (momo_client_verify_ipn(client, (const uint8_t *)ipn->body, ipn->body_len,
                                 &notification)) {
        fprintf(stderr, "verify: %s\n", momo_last_error_message());
        return 1;
      }
      momo_notification_free(notification);
    }
    char what[64];
    snprintf(what, sizeof what, "verify_ipn_%s", ipn->name);
    report(what, n, now() - start);
  }
  momo_public_key_free(key);
  momo_client_free(client);
  return total > 0 ? 0 : 1;
}
