/*
 * pos_terminal: a POS terminal in C on top of momo-pos and libcurl.
 *
 *   pos_terminal BASE_URL ORDER_ID AMOUNT < scanned-code
 *
 * BASE_URL is "test", "production" or a gateway URL such as
 * http://127.0.0.1:8080. The scanned code is read from standard input as the
 * scanner typed it (CR/LF, "]Q1" prefixes and all). Configuration comes from
 * the environment, as for the momo-pos CLI:
 *   MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY   credentials
 *   MOMO_PUBLIC_KEY_FILE                                MoMo's RSA key
 *   MOMO_AUTO_CAPTURE=0     authorize only, then capture (result 9000)
 *   MOMO_POLL_MS (2000), MOMO_POLL_MAX (30)             status polling
 *
 * Exit status: 0 paid, 1 not paid (final: tell the shopper), 2 usage or
 * configuration error, 3 ask the shopper to refresh the payment code,
 * 4 outcome still unknown (keep the order open and query it later).
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "momo_pos.h"

enum { PAID = 0, NOT_PAID = 1, USAGE = 2, REFRESH = 3, UNKNOWN = 4, KEEP_POLLING = -1 };

/* Answers longer than this are not MoMo's (the library refuses > 64 KiB). */
#define MAX_ANSWER (1 << 20)

struct answer {
  char *data;
  size_t len;
};

struct terminal {
  const momo_client *client;
  const char *order_id;
  uint64_t amount;
  int captures;
};

static size_t collect(char *chunk, size_t size, size_t count, void *user) {
  struct answer *a = user;
  size_t n = size * count;
  if (a->len + n > MAX_ANSWER) return 0; /* aborts the transfer */
  char *grown = realloc(a->data, a->len + n + 1);
  if (!grown) return 0;
  memcpy(grown + a->len, chunk, n);
  a->data = grown;
  a->len += n;
  a->data[a->len] = '\0';
  return n;
}

/* POSTs a signed request. 0 with the answer body, -1 when no answer came
 * (timeout, network): then the outcome is unknown, never "failed". */
static int post(const momo_request *request, struct answer *out) {
  momo_str url, body, content_type;
  uint64_t timeout_ms = 0;
  if (momo_request_url(request, &url) || momo_request_body(request, &body) ||
      momo_request_content_type(request, &content_type) ||
      momo_request_timeout_ms(request, &timeout_ms))
    return -1;
  char header[128];
  snprintf(header, sizeof header, "Content-Type: %s", content_type.data);
  CURL *curl = curl_easy_init();
  if (!curl) return -1;
  struct curl_slist *headers = curl_slist_append(NULL, header);
  out->data = NULL;
  out->len = 0;
  curl_easy_setopt(curl, CURLOPT_URL, url.data);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    fprintf(stderr, "no answer from %s: %s\n", url.data, curl_easy_strerror(rc));
    free(out->data);
    out->data = NULL;
    return -1;
  }
  if (!out->data) out->data = calloc(1, 1);
  printf("  %s -> HTTP %ld\n", url.data, status);
  return 0;
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static long env_long(const char *name, long fallback) {
  const char *v = getenv(name);
  return v && *v ? strtol(v, NULL, 10) : fallback;
}

static int fail(const char *what) {
  fprintf(stderr, "%s: %s (%s)\n", what, momo_last_error_message(),
          momo_result_name(momo_last_error_code()));
  return USAGE;
}

/* Sends `request` and parses the answer with `parse`; the result code, or
 * -1 when the answer is missing, unreadable or about another request. */
static int exchange(const struct terminal *t, const momo_request *request,
                    momo_result (*parse)(const momo_client *, const uint8_t *, size_t,
                                         momo_response **),
                    int64_t *code) {
  struct answer a;
  if (post(request, &a) != 0) return -1;
  momo_response *response = NULL;
  int ok = parse(t->client, (const uint8_t *)a.data, a.len, &response) == MOMO_RESULT_OK &&
           momo_response_check_request(response, request) == MOMO_RESULT_OK &&
           momo_response_result_code(response, code) == MOMO_RESULT_OK;
  if (!ok) fprintf(stderr, "  unusable answer: %s\n", momo_last_error_message());
  momo_authenticity authenticity = MOMO_AUTHENTICITY_UNSIGNED;
  if (ok) momo_response_authenticity(response, &authenticity);
  if (ok) printf("  resultCode %lld (%s)\n", (long long)*code,
                 authenticity == MOMO_AUTHENTICITY_VERIFIED ? "signature verified" : "unsigned");
  momo_response_free(response);
  free(a.data);
  return ok ? 0 : -1;
}

static int capture(struct terminal *t);

/* What a result code means for this payment: an exit status, or
 * KEEP_POLLING while the outcome is not known. */
static int settle(struct terminal *t, int64_t code) {
  momo_result_code_info info;
  momo_result_code_explain(code, &info);
  printf("  %s / %s\n", info.message_en, info.message_vi);
  if (info.is_success) {
    printf("PAID: order %s, %llu VND\n", t->order_id, (unsigned long long)t->amount);
    return PAID;
  }
  if (strcmp(info.next_step, "capture_or_cancel") == 0) return capture(t);
  if (strcmp(info.next_step, "query") == 0) return KEEP_POLLING;
  if (strcmp(info.next_step, "refresh_payment_code") == 0) {
    printf("REFRESH: ask the shopper to refresh the payment code and scan again\n");
    return REFRESH;
  }
  printf("NOT PAID (%s, next step: %s)\n", info.category, info.next_step);
  return NOT_PAID;
}

/* 9000: the money is held; take it. */
static int capture(struct terminal *t) {
  if (t->captures++ > 0) return KEEP_POLLING; /* one capture per payment */
  char request_id[96];
  snprintf(request_id, sizeof request_id, "%s-c1", t->order_id);
  momo_request *request = NULL;
  if (momo_client_confirm_request(t->client, t->order_id, strlen(t->order_id), request_id,
                                  strlen(request_id), t->amount, MOMO_CONFIRM_CAPTURE, NULL, 0,
                                  MOMO_LANG_DEFAULT, &request) != MOMO_RESULT_OK)
    return fail("confirm request");
  printf("capture %s\n", request_id);
  int64_t code = 0;
  int known = exchange(t, request, momo_client_parse_confirm_response, &code) == 0;
  momo_request_free(request);
  /* A capture answered 9000 again would loop: only 0 or a final code settles. */
  return known && code != 9000 ? settle(t, code) : KEEP_POLLING;
}

/* The outcome is unknown: ask MoMo until it is final. Never a new pos
 * request with a new requestId: that is how shoppers pay twice. */
static int poll(struct terminal *t) {
  long every = env_long("MOMO_POLL_MS", 2000), max = env_long("MOMO_POLL_MAX", 30);
  for (long i = 1; i <= max; i++) {
    sleep_ms(every);
    char request_id[96];
    snprintf(request_id, sizeof request_id, "%s-q%ld", t->order_id, i);
    momo_request *request = NULL;
    if (momo_client_query_request(t->client, t->order_id, strlen(t->order_id), request_id,
                                  strlen(request_id), MOMO_LANG_DEFAULT, &request) != MOMO_RESULT_OK)
      return fail("query request");
    printf("query %s\n", request_id);
    int64_t code = 0;
    int known = exchange(t, request, momo_client_parse_query_response, &code) == 0;
    momo_request_free(request);
    if (!known) continue;
    int status = settle(t, code);
    if (status != KEEP_POLLING) return status;
  }
  printf("UNKNOWN: no final answer for order %s; keep it open and query later\n", t->order_id);
  return UNKNOWN;
}

static int run(struct terminal *t, const momo_public_key *key, const char *scanned) {
  char code[MOMO_PAYMENT_CODE_BUFFER_LEN];
  size_t code_len = 0;
  if (momo_payment_code_normalize(scanned, strlen(scanned), code, sizeof code, &code_len) !=
      MOMO_RESULT_OK) {
    /* A bad scan is refused here, with the reason, before MoMo sees it. */
    printf("BAD SCAN: %s\n", momo_last_error_message());
    return REFRESH;
  }
  printf("scanned %.4s...%s\n", code, code + code_len - 4);
  momo_buffer *encrypted = NULL;
  if (momo_public_key_encrypt(key, code, code_len, &encrypted) != MOMO_RESULT_OK)
    return fail("encrypt");
  char request_id[96];
  snprintf(request_id, sizeof request_id, "%s-r1", t->order_id);
  momo_pos_payment *payment = NULL;
  momo_result rc = momo_pos_payment_new(t->order_id, strlen(t->order_id), request_id,
                                        strlen(request_id), t->amount, momo_buffer_data(encrypted),
                                        momo_buffer_len(encrypted), &payment);
  momo_buffer_free(encrypted);
  if (rc != MOMO_RESULT_OK) return fail("payment");
  static const char info[] = "POS order";
  momo_pos_payment_set_order_info(payment, info, sizeof info - 1);
  momo_pos_payment_set_auto_capture(payment, env_long("MOMO_AUTO_CAPTURE", 1) != 0);
  momo_request *request = NULL;
  rc = momo_client_pos_request(t->client, payment, &request);
  momo_pos_payment_free(payment);
  if (rc != MOMO_RESULT_OK) return fail("pos request");

  printf("pay %s: %llu VND\n", t->order_id, (unsigned long long)t->amount);
  int64_t result = 0;
  /* A lost answer: resend these exact bytes once (same requestId), then poll. */
  int known = exchange(t, request, momo_client_parse_pos_response, &result) == 0 ||
              exchange(t, request, momo_client_parse_pos_response, &result) == 0;
  momo_request_free(request);
  int status = known ? settle(t, result) : KEEP_POLLING;
  return status == KEEP_POLLING ? poll(t) : status;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s BASE_URL ORDER_ID AMOUNT < scanned-code\n", argv[0]);
    return USAGE;
  }
  const char *partner = getenv("MOMO_PARTNER_CODE"), *access = getenv("MOMO_ACCESS_KEY"),
             *secret = getenv("MOMO_SECRET_KEY"), *key_file = getenv("MOMO_PUBLIC_KEY_FILE");
  if (!partner || !access || !secret || !key_file) {
    fprintf(stderr, "set MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY and "
                    "MOMO_PUBLIC_KEY_FILE\n");
    return USAGE;
  }
  char key_text[16384] = {0}, scanned[256] = {0};
  FILE *f = fopen(key_file, "rb");
  size_t key_len = f ? fread(key_text, 1, sizeof key_text - 1, f) : 0;
  if (f) fclose(f);
  if (!fgets(scanned, sizeof scanned, stdin)) {
    fprintf(stderr, "no scanned code on standard input\n");
    return USAGE;
  }

  momo_client *client = NULL;
  momo_public_key *key = NULL;
  if (momo_client_new(partner, strlen(partner), access, strlen(access), secret, strlen(secret),
                      argv[1], strlen(argv[1]), &client) != MOMO_RESULT_OK)
    return fail("client");
  if (momo_public_key_parse(key_text, key_len, &key) != MOMO_RESULT_OK) {
    momo_client_free(client);
    return fail(key_file);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct terminal t = {client, argv[2], strtoull(argv[3], NULL, 10), 0};
  int status = run(&t, key, scanned);
  curl_global_cleanup();
  momo_public_key_free(key);
  momo_client_free(client);
  return status;
}
