/*
 * pos_terminal: a POS terminal in C on top of momo-pos and libcurl.
 *
 *   pos_terminal [--state FILE] [--decide capture|cancel] BASE_URL ORDER_ID AMOUNT < scanned-code
 *
 * BASE_URL is "test", "production" or a gateway URL such as
 * http://127.0.0.1:8080. The scanned code is read from standard input as the
 * scanner typed it (CR/LF, "]Q1" prefixes and all). Configuration comes from
 * the environment, as for the momo-pos CLI:
 *   MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY   credentials
 *   MOMO_PUBLIC_KEY_FILE                                MoMo's RSA key
 *   MOMO_AUTO_CAPTURE=0     authorize only (result 9000), then --decide
 *   MOMO_DRIVER_CONFIG      the driver's policy as JSON, e.g. {"pollDelaysMs":[500]}
 *
 * The payment is run by the library's transaction driver (momo_driver_*):
 * this program only performs what it asks for (send, wait, decide) and
 * reports back. With --state FILE the driver's snapshot is written to FILE
 * before every request goes out (the write-ahead rule); when FILE exists
 * the payment is resumed from it instead of starting anew, and a request
 * that was in flight goes out again byte for byte.
 *
 * Exit status: 0 paid, 1 not paid (final: tell the shopper), 2 usage or
 * configuration error, 3 ask the shopper to refresh the payment code,
 * 4 outcome unknown (keep the order open and reconcile it).
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "momo_pos.h"

enum { PAID = 0, NOT_PAID = 1, USAGE = 2, REFRESH = 3, UNKNOWN = 4 };

/* Answers longer than this are not MoMo's (the library refuses > 64 KiB). */
#define MAX_ANSWER (1 << 20)
/* Snapshots are a few KB; the library refuses more than 256 KiB. */
#define MAX_SNAPSHOT (256 * 1024)

struct answer {
  char *data;
  size_t len;
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

/* Epoch milliseconds: the driver's clock, and readable in its journal. */
static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static void sleep_until(uint64_t until_ms) {
  uint64_t now = now_ms();
  if (until_ms <= now) return;
  uint64_t ms = until_ms - now;
  struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static int fail(const char *what) {
  fprintf(stderr, "%s: %s (%s)\n", what, momo_last_error_message(),
          momo_result_name(momo_last_error_code()));
  return USAGE;
}

/* Writes the snapshot durably (temporary file, fsync, rename): a crash
 * leaves either the old state or the new one, never half of it. */
static int persist(const momo_driver *driver, const char *path) {
  if (!path) return 0;
  momo_buffer *snapshot = NULL;
  if (momo_driver_snapshot(driver, &snapshot) != MOMO_RESULT_OK) return fail("snapshot");
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "wb");
  int ok = f && fwrite(momo_buffer_data(snapshot), 1, momo_buffer_len(snapshot), f) ==
                    momo_buffer_len(snapshot);
  ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
  if (f) ok = fclose(f) == 0 && ok;
  momo_buffer_free(snapshot);
  if (!ok || rename(tmp, path) != 0) {
    perror(path);
    return USAGE;
  }
  return 0;
}

/* Performs the MOMO_ACTION_SEND and reports what came of it, with its id. */
static int send_request(momo_driver *driver, const momo_client *client) {
  momo_send send;
  if (momo_driver_send(driver, &send) != MOMO_RESULT_OK) return fail("send");
  printf("send %s requestId=%s%s\n", send.url.data, send.request_id.data,
         send.attempt > 1 ? " (same bytes again)" : "");
  char header[128];
  snprintf(header, sizeof header, "Content-Type: %s", send.content_type.data);
  CURL *curl = curl_easy_init();
  if (!curl) return fail("curl");
  struct curl_slist *headers = curl_slist_append(NULL, header);
  struct answer a = {NULL, 0};
  curl_easy_setopt(curl, CURLOPT_URL, send.url.data);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, send.body.data);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)send.body.len);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)send.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  /* send's views die with the next call that changes the driver; its id
   * tells the driver which request this news is about. */
  momo_result fed;
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    printf("  no answer in time\n");
    fed = momo_driver_on_timeout(driver, client, now_ms(), send.id);
  } else if (rc != CURLE_OK) {
    printf("  network error: %s\n", curl_easy_strerror(rc));
    fed = momo_driver_on_network_error(driver, client, now_ms(), send.id);
  } else {
    printf("  HTTP %ld\n", status);
    fed = momo_driver_on_response(driver, client, now_ms(), send.id, (uint16_t)status,
                                  (const uint8_t *)(a.data ? a.data : ""), a.len);
  }
  free(a.data);
  return fed == MOMO_RESULT_OK ? 0 : fail("driver");
}

/* The host loop: do what the driver asks until it is done. */
static int drive(momo_driver *driver, const momo_client *client, const char *state,
                 momo_confirm_action decision) {
  for (;;) {
    momo_action_kind kind = 0;
    if (momo_driver_next_action(driver, &kind) != MOMO_RESULT_OK) return fail("next action");
    uint64_t until = 0;
    int64_t code = 0;
    int status = 0;
    switch (kind) {
      case MOMO_ACTION_SEND:
        status = persist(driver, state); /* write-ahead: persist, then send */
        if (status == 0) status = send_request(driver, client);
        break;
      case MOMO_ACTION_WAIT:
        if (momo_driver_wait_until_ms(driver, &until) != MOMO_RESULT_OK) return fail("wait");
        if (momo_driver_last_result_code(driver, &code) == MOMO_RESULT_OK) {
          momo_result_code_info info;
          momo_result_code_explain(code, &info);
          printf("  waiting: %s\n", info.message_en);
        }
        sleep_until(until);
        if (momo_driver_tick(driver, client, now_ms()) != MOMO_RESULT_OK) return fail("tick");
        break;
      case MOMO_ACTION_DECIDE:
        printf("authorized: %s\n", decision == MOMO_CONFIRM_CAPTURE ? "capture" : "cancel");
        if (momo_driver_decide(driver, client, now_ms(), decision) != MOMO_RESULT_OK)
          return fail("decide");
        break;
      case MOMO_ACTION_DONE:
        return persist(driver, state);
      default:
        return fail("unknown action");
    }
    if (status != 0) return status;
  }
}

/* Prints the outcome and the journal; the exit status. */
static int report(const momo_driver *driver) {
  momo_buffer *journal = NULL;
  if (momo_driver_log_json(driver, &journal) == MOMO_RESULT_OK)
    printf("journal: %s\n", momo_buffer_data(journal));
  momo_buffer_free(journal);
  momo_outcome outcome;
  momo_str order_id;
  if (momo_driver_outcome(driver, &outcome) != MOMO_RESULT_OK ||
      momo_driver_order_id(driver, &order_id) != MOMO_RESULT_OK)
    return fail("outcome");
  momo_result_code_info info;
  momo_result_code_explain(outcome.has_result_code ? outcome.result_code : 0, &info);
  /* One line a script can read: "outcome: declined (1001: ...)". */
  printf("outcome: %s\n", outcome.description.data);
  switch (outcome.kind) {
    case MOMO_OUTCOME_PAID:
      printf("PAID: order %s, transId %s\n", order_id.data, outcome.trans_id.data);
      return PAID;
    case MOMO_OUTCOME_UNKNOWN:
      printf("UNKNOWN: %s; keep order %s open and reconcile it\n", outcome.description.data,
             order_id.data);
      return UNKNOWN;
    default:
      printf("  %s / %s\n", info.message_en, info.message_vi);
      if (strcmp(info.next_step, "refresh_payment_code") == 0) {
        printf("REFRESH: ask the shopper to refresh the payment code and scan again\n");
        return REFRESH;
      }
      printf("NOT PAID: %s (next step: %s)\n", outcome.description.data, info.next_step);
      return NOT_PAID;
  }
}

/* A new payment from the scanned code. */
static int start(const momo_client *client, const momo_public_key *key, const char *order_id,
                 uint64_t amount, momo_driver **driver) {
  char scanned[256] = {0};
  if (!fgets(scanned, sizeof scanned, stdin)) {
    fprintf(stderr, "no scanned code on standard input\n");
    return USAGE;
  }
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
  snprintf(request_id, sizeof request_id, "%s-r1", order_id);
  momo_pos_payment *payment = NULL;
  momo_result rc = momo_pos_payment_new(order_id, strlen(order_id), request_id,
                                        strlen(request_id), amount, momo_buffer_data(encrypted),
                                        momo_buffer_len(encrypted), &payment);
  momo_buffer_free(encrypted);
  if (rc != MOMO_RESULT_OK) return fail("payment");
  static const char info[] = "POS order";
  momo_pos_payment_set_order_info(payment, info, sizeof info - 1);
  const char *auto_capture = getenv("MOMO_AUTO_CAPTURE");
  momo_pos_payment_set_auto_capture(payment, !(auto_capture && strcmp(auto_capture, "0") == 0));
  const char *config = getenv("MOMO_DRIVER_CONFIG");
  rc = momo_driver_start(client, payment, config, config ? strlen(config) : 0, now_ms(), driver);
  momo_pos_payment_free(payment);
  if (rc != MOMO_RESULT_OK) return fail("start");
  printf("pay %s: %llu VND\n", order_id, (unsigned long long)amount);
  return 0;
}

/* A payment resumed from its state file; it must be the order asked for. */
static int resume(const char *path, const char *order_id, momo_driver **driver) {
  static char text[MAX_SNAPSHOT + 1];
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t len = fread(text, 1, sizeof text, f);
  fclose(f);
  if (momo_driver_restore(text, len, now_ms(), driver) != MOMO_RESULT_OK) return fail(path);
  momo_str resumed;
  momo_driver_order_id(*driver, &resumed);
  if (strcmp(resumed.data, order_id) != 0) {
    fprintf(stderr, "%s holds order %s, not %s\n", path, resumed.data, order_id);
    return USAGE;
  }
  printf("resumed %s from %s\n", order_id, path);
  return 0;
}

int main(int argc, char **argv) {
  const char *state = NULL;
  momo_confirm_action decision = MOMO_CONFIRM_CAPTURE;
  int arg = 1;
  for (; arg + 1 < argc && strncmp(argv[arg], "--", 2) == 0; arg += 2) {
    if (strcmp(argv[arg], "--state") == 0) {
      state = argv[arg + 1];
    } else if (strcmp(argv[arg], "--decide") == 0 && strcmp(argv[arg + 1], "cancel") == 0) {
      decision = MOMO_CONFIRM_CANCEL;
    } else if (strcmp(argv[arg], "--decide") != 0 || strcmp(argv[arg + 1], "capture") != 0) {
      break;
    }
  }
  if (argc - arg != 3) {
    fprintf(stderr, "usage: %s [--state FILE] [--decide capture|cancel] BASE_URL ORDER_ID AMOUNT"
                    " < scanned-code\n", argv[0]);
    return USAGE;
  }
  const char *base_url = argv[arg], *order_id = argv[arg + 1];
  uint64_t amount = strtoull(argv[arg + 2], NULL, 10);
  const char *partner = getenv("MOMO_PARTNER_CODE"), *access = getenv("MOMO_ACCESS_KEY"),
             *secret = getenv("MOMO_SECRET_KEY"), *key_file = getenv("MOMO_PUBLIC_KEY_FILE");
  if (!partner || !access || !secret || !key_file) {
    fprintf(stderr, "set MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY and "
                    "MOMO_PUBLIC_KEY_FILE\n");
    return USAGE;
  }
  char key_text[16384] = {0};
  FILE *f = fopen(key_file, "rb");
  size_t key_len = f ? fread(key_text, 1, sizeof key_text - 1, f) : 0;
  if (f) fclose(f);

  momo_client *client = NULL;
  momo_public_key *key = NULL;
  if (momo_client_new(partner, strlen(partner), access, strlen(access), secret, strlen(secret),
                      base_url, strlen(base_url), &client) != MOMO_RESULT_OK)
    return fail("client");
  if (momo_public_key_parse(key_text, key_len, &key) != MOMO_RESULT_OK) {
    momo_client_free(client);
    return fail(key_file);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  momo_driver *driver = NULL;
  int status = state ? resume(state, order_id, &driver) : -1;
  if (status < 0) status = start(client, key, order_id, amount, &driver);
  if (status == 0) status = drive(driver, client, state, decision);
  if (status == 0) status = report(driver);
  momo_driver_free(driver);
  curl_global_cleanup();
  momo_public_key_free(key);
  momo_client_free(client);
  return status;
}
