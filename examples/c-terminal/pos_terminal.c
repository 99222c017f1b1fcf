/*
 * pos_terminal: a POS terminal in C on top of momo-pos and libcurl.
 *
 *   pos_terminal [--state FILE] [--decide capture|cancel] BASE_URL ORDER_ID AMOUNT < scanned-code
 *   pos_terminal [--state FILE] [--refund-id ID] [--request-id ID] \
 *       BASE_URL refund ORDER_ID TRANS_ID PAID ALREADY AMOUNT REASON
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
 *
 * The refund mode gives back AMOUNT VND of the payment ORDER_ID that MoMo
 * numbered TRANS_ID (its "PAID: ..., transId" line), of which PAID VND were
 * paid and ALREADY VND were refunded before (count refunds of unknown
 * outcome too), with REASON shown to the shopper. It is run by the library's
 * refund driver (momo_refund_driver_*), with the same loop, write-ahead
 * --state FILE and resume: a lost or unclear answer is settled by a status
 * query of the payment (its refundTrans), an unlisted refund by the same
 * bytes again. The driver refuses, before anything is signed, a refund
 * above PAID - ALREADY. --refund-id is the refund's own MoMo orderId
 * (default ORDER_ID-R<epoch ms>), --request-id its requestId (default:
 * the refund id + "-1"; after a 1080 "retry later", retry with the same
 * refund id and a new request id). MOMO_REFUND_CONFIG is the refund
 * driver's policy as JSON, e.g. {"pollDelaysMs":[500]}.
 *
 * Refund exit status: 0 refunded, 1 refused by MoMo (nothing given back),
 * 2 usage or configuration error, 4 unknown (count it as refunded and
 * reconcile), 5 refused before sending (more than PAID - ALREADY).
 */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "momo_pos.h"

enum { PAID = 0, NOT_PAID = 1, USAGE = 2, REFRESH = 3, UNKNOWN = 4, GUARDED = 5 };
enum { REFUNDED = 0, REFUSED = 1 };

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

/* Writes a snapshot durably (temporary file, fsync, rename): a crash
 * leaves either the old state or the new one, never half of it. Frees it. */
static int write_state(momo_buffer *snapshot, const char *path) {
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

static int persist(const momo_driver *driver, const char *path) {
  if (!path) return 0;
  momo_buffer *snapshot = NULL;
  if (momo_driver_snapshot(driver, &snapshot) != MOMO_RESULT_OK) return fail("snapshot");
  return write_state(snapshot, path);
}

static int persist_refund(const momo_refund_driver *driver, const char *path) {
  if (!path) return 0;
  momo_buffer *snapshot = NULL;
  if (momo_refund_driver_snapshot(driver, &snapshot) != MOMO_RESULT_OK) return fail("snapshot");
  return write_state(snapshot, path);
}

/* What became of one POST: curl's code, the HTTP status and the body. */
struct posted {
  CURLcode rc;
  long status;
  struct answer a;
};

/* POSTs a send as the driver handed it out (its views must stay valid
 * meanwhile: nothing touches the driver until this returns). */
static int post(const momo_send *send, struct posted *out) {
  printf("send %s requestId=%s%s\n", send->url.data, send->request_id.data,
         send->attempt > 1 ? " (same bytes again)" : "");
  char header[128];
  snprintf(header, sizeof header, "Content-Type: %s", send->content_type.data);
  CURL *curl = curl_easy_init();
  if (!curl) return fail("curl");
  struct curl_slist *headers = curl_slist_append(NULL, header);
  out->a.data = NULL;
  out->a.len = 0;
  curl_easy_setopt(curl, CURLOPT_URL, send->url.data);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, send->body.data);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)send->body.len);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)send->timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->a);
  out->rc = curl_easy_perform(curl);
  out->status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (out->rc == CURLE_OPERATION_TIMEDOUT) printf("  no answer in time\n");
  else if (out->rc != CURLE_OK) printf("  network error: %s\n", curl_easy_strerror(out->rc));
  else printf("  HTTP %ld\n", out->status);
  return 0;
}

/* Performs the MOMO_ACTION_SEND and reports what came of it, with its id. */
static int send_request(momo_driver *driver, const momo_client *client) {
  momo_send send;
  if (momo_driver_send(driver, &send) != MOMO_RESULT_OK) return fail("send");
  struct posted p;
  int status = post(&send, &p);
  if (status != 0) return status;
  /* send's views die with the next call that changes the driver; its id
   * tells the driver which request this news is about. */
  momo_result fed;
  if (p.rc == CURLE_OPERATION_TIMEDOUT)
    fed = momo_driver_on_timeout(driver, client, now_ms(), send.id);
  else if (p.rc != CURLE_OK)
    fed = momo_driver_on_network_error(driver, client, now_ms(), send.id);
  else
    fed = momo_driver_on_response(driver, client, now_ms(), send.id, (uint16_t)p.status,
                                  (const uint8_t *)(p.a.data ? p.a.data : ""), p.a.len);
  free(p.a.data);
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

/* Performs the refund driver's MOMO_ACTION_SEND and reports its fate, with its id. */
static int send_refund_request(momo_refund_driver *driver, const momo_client *client) {
  momo_send send;
  if (momo_refund_driver_send(driver, &send) != MOMO_RESULT_OK) return fail("send");
  struct posted p;
  int status = post(&send, &p);
  if (status != 0) return status;
  momo_result fed;
  if (p.rc == CURLE_OPERATION_TIMEDOUT)
    fed = momo_refund_driver_on_timeout(driver, client, now_ms(), send.id);
  else if (p.rc != CURLE_OK)
    fed = momo_refund_driver_on_network_error(driver, client, now_ms(), send.id);
  else
    fed = momo_refund_driver_on_response(driver, client, now_ms(), send.id, (uint16_t)p.status,
                                         (const uint8_t *)(p.a.data ? p.a.data : ""), p.a.len);
  free(p.a.data);
  return fed == MOMO_RESULT_OK ? 0 : fail("refund driver");
}

/* The refund's host loop: the same as a payment's, without a decision. */
static int drive_refund(momo_refund_driver *driver, const momo_client *client, const char *state) {
  for (;;) {
    momo_action_kind kind = 0;
    if (momo_refund_driver_next_action(driver, &kind) != MOMO_RESULT_OK) return fail("next action");
    uint64_t until = 0;
    int64_t code = 0;
    int status = 0;
    switch (kind) {
      case MOMO_ACTION_SEND:
        status = persist_refund(driver, state); /* write-ahead: persist, then send */
        if (status == 0) status = send_refund_request(driver, client);
        break;
      case MOMO_ACTION_WAIT:
        if (momo_refund_driver_wait_until_ms(driver, &until) != MOMO_RESULT_OK) return fail("wait");
        if (momo_refund_driver_last_result_code(driver, &code) == MOMO_RESULT_OK) {
          momo_result_code_info info;
          momo_result_code_explain(code, &info);
          printf("  waiting: %s\n", info.message_en);
        } else {
          printf("  waiting: then a status query of the payment\n");
        }
        sleep_until(until);
        if (momo_refund_driver_tick(driver, client, now_ms()) != MOMO_RESULT_OK) return fail("tick");
        break;
      case MOMO_ACTION_DONE:
        return persist_refund(driver, state);
      default:
        return fail("unknown action");
    }
    if (status != 0) return status;
  }
}

/* Prints the refund's outcome and journal; the exit status. */
static int report_refund(const momo_refund_driver *driver) {
  momo_buffer *journal = NULL;
  if (momo_refund_driver_log_json(driver, &journal) == MOMO_RESULT_OK)
    printf("journal: %s\n", momo_buffer_data(journal));
  momo_buffer_free(journal);
  momo_refund_outcome outcome;
  momo_str refund_id, payment_id;
  uint64_t amount = 0;
  if (momo_refund_driver_outcome(driver, &outcome) != MOMO_RESULT_OK ||
      momo_refund_driver_order_id(driver, &refund_id) != MOMO_RESULT_OK ||
      momo_refund_driver_payment_order_id(driver, &payment_id) != MOMO_RESULT_OK ||
      momo_refund_driver_amount(driver, &amount) != MOMO_RESULT_OK)
    return fail("outcome");
  /* One line a script can read: "outcome: refused (1088: ...)". */
  printf("outcome: %s\n", outcome.description.data);
  switch (outcome.kind) {
    case MOMO_REFUND_OUTCOME_REFUNDED:
      printf("REFUNDED: %llu VND of order %s (refund %s), transId %s\n",
             (unsigned long long)amount, payment_id.data, refund_id.data, outcome.trans_id.data);
      return REFUNDED;
    case MOMO_REFUND_OUTCOME_REFUSED: {
      momo_result_code_info info;
      momo_result_code_explain(outcome.result_code, &info);
      printf("  %s / %s\n", info.message_en, info.message_vi);
      printf("REFUSED: nothing was given back (%lld%s)\n", (long long)outcome.result_code,
             outcome.result_code == 1080 ? ": retry later, same --refund-id, a new --request-id"
             : outcome.result_code == 1088 ? ": this payment cannot be refunded through MoMo" : "");
      return REFUSED;
    }
    default:
      printf("UNKNOWN: refund %s may have gone back: count it as refunded and reconcile "
             "(a status query of %s lists its refunds)\n", refund_id.data, payment_id.data);
      return UNKNOWN;
  }
}

/* The refund mode: argv holds ORDER_ID TRANS_ID PAID ALREADY AMOUNT REASON. */
static int refund_main(const momo_client *client, const char *state, const char *refund_id,
                       const char *request_id, char **argv) {
  const char *order_id = argv[0], *trans_id = argv[1], *reason = argv[5];
  uint64_t paid = strtoull(argv[2], NULL, 10), already = strtoull(argv[3], NULL, 10),
           amount = strtoull(argv[4], NULL, 10);
  char default_id[96], default_request[128];
  if (!refund_id) {
    snprintf(default_id, sizeof default_id, "%s-R%llu", order_id, (unsigned long long)now_ms());
    refund_id = default_id;
  }
  if (!request_id) {
    snprintf(default_request, sizeof default_request, "%s-1", refund_id);
    request_id = default_request;
  }
  momo_refund_driver *driver = NULL;
  int status = 0;
  static char text[MAX_SNAPSHOT + 1];
  FILE *f = state ? fopen(state, "rb") : NULL;
  if (f) {
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);
    if (momo_refund_driver_restore(text, len, now_ms(), &driver) != MOMO_RESULT_OK) return fail(state);
    momo_str resumed;
    momo_refund_driver_order_id(driver, &resumed);
    if (strcmp(resumed.data, refund_id) != 0 && refund_id != default_id) {
      fprintf(stderr, "%s holds refund %s, not %s\n", state, resumed.data, refund_id);
      momo_refund_driver_free(driver);
      return USAGE;
    }
    printf("resumed refund %s from %s\n", resumed.data, state);
  } else {
    momo_refund *refund = NULL;
    if (momo_refund_new(refund_id, strlen(refund_id), request_id, strlen(request_id), amount,
                        trans_id, strlen(trans_id), &refund) != MOMO_RESULT_OK)
      return fail("refund");
    momo_result rc = momo_refund_set_description(refund, reason, strlen(reason));
    const char *config = getenv("MOMO_REFUND_CONFIG");
    if (rc == MOMO_RESULT_OK)
      rc = momo_refund_driver_start(client, refund, order_id, strlen(order_id), trans_id,
                                    strlen(trans_id), paid, already, config,
                                    config ? strlen(config) : 0, now_ms(), &driver);
    momo_refund_free(refund);
    if (rc != MOMO_RESULT_OK) {
      if (strcmp(momo_last_error_field(), "amount") == 0 && already <= paid && amount > paid - already) {
        /* The guard: nothing was signed or sent. */
        printf("outcome: refused before sending (%s)\n", momo_last_error_message());
        printf("NOT SENT: %llu VND asked, %llu of the %llu VND paid left to refund\n",
               (unsigned long long)amount, (unsigned long long)(paid - already),
               (unsigned long long)paid);
        return GUARDED;
      }
      return fail("refund");
    }
    printf("refund %s: %llu VND of order %s (transId %s), %llu of %llu refunded before\n",
           refund_id, (unsigned long long)amount, order_id, trans_id,
           (unsigned long long)already, (unsigned long long)paid);
  }
  status = drive_refund(driver, client, state);
  if (status == 0) status = report_refund(driver);
  momo_refund_driver_free(driver);
  return status;
}

int main(int argc, char **argv) {
  const char *state = NULL, *refund_id = NULL, *request_id = NULL;
  momo_confirm_action decision = MOMO_CONFIRM_CAPTURE;
  int arg = 1;
  for (; arg + 1 < argc && strncmp(argv[arg], "--", 2) == 0; arg += 2) {
    if (strcmp(argv[arg], "--state") == 0) {
      state = argv[arg + 1];
    } else if (strcmp(argv[arg], "--refund-id") == 0) {
      refund_id = argv[arg + 1];
    } else if (strcmp(argv[arg], "--request-id") == 0) {
      request_id = argv[arg + 1];
    } else if (strcmp(argv[arg], "--decide") == 0 && strcmp(argv[arg + 1], "cancel") == 0) {
      decision = MOMO_CONFIRM_CANCEL;
    } else if (strcmp(argv[arg], "--decide") != 0 || strcmp(argv[arg + 1], "capture") != 0) {
      break;
    }
  }
  int refunding = argc - arg == 8 && strcmp(argv[arg + 1], "refund") == 0;
  if (argc - arg != 3 && !refunding) {
    fprintf(stderr, "usage: %s [--state FILE] [--decide capture|cancel] BASE_URL ORDER_ID AMOUNT"
                    " < scanned-code\n"
                    "       %s [--state FILE] [--refund-id ID] [--request-id ID] BASE_URL refund"
                    " ORDER_ID TRANS_ID PAID ALREADY AMOUNT REASON\n", argv[0], argv[0]);
    return USAGE;
  }
  const char *base_url = argv[arg], *order_id = argv[arg + 1];
  uint64_t amount = strtoull(argv[arg + 2], NULL, 10);
  const char *partner = getenv("MOMO_PARTNER_CODE"), *access = getenv("MOMO_ACCESS_KEY"),
             *secret = getenv("MOMO_SECRET_KEY"), *key_file = getenv("MOMO_PUBLIC_KEY_FILE");
  /* A refund encrypts nothing: MoMo's public key is for payment codes. */
  if (!partner || !access || !secret || (!key_file && !refunding)) {
    fprintf(stderr, "set MOMO_PARTNER_CODE, MOMO_ACCESS_KEY, MOMO_SECRET_KEY and "
                    "MOMO_PUBLIC_KEY_FILE\n");
    return USAGE;
  }
  char key_text[16384] = {0};
  FILE *f = key_file && !refunding ? fopen(key_file, "rb") : NULL;
  size_t key_len = f ? fread(key_text, 1, sizeof key_text - 1, f) : 0;
  if (f) fclose(f);

  momo_client *client = NULL;
  momo_public_key *key = NULL;
  if (momo_client_new(partner, strlen(partner), access, strlen(access), secret, strlen(secret),
                      base_url, strlen(base_url), &client) != MOMO_RESULT_OK)
    return fail("client");
  if (!refunding && momo_public_key_parse(key_text, key_len, &key) != MOMO_RESULT_OK) {
    momo_client_free(client);
    return fail(key_file);
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (refunding) {
    int status = refund_main(client, state, refund_id, request_id, argv + arg + 2);
    curl_global_cleanup();
    momo_public_key_free(key);
    momo_client_free(client);
    return status;
  }
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
