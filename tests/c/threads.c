/* One client and one key shared by several threads: IPN verification,
 * encryption, result-code lookups and transaction drivers (one per
 * payment, each on its own thread) at once, each thread with its own last
 * error. */
#include <pthread.h>

#include "test.h"

enum { THREADS = 8, ROUNDS = 20 };

static momo_client *shared_client;
static momo_public_key *shared_key;

struct outcome {
  int verified;
  int refused;
  int wrong;
  int own_last_error;
  int paid;
};

/* One payment of the pos vector on its own driver with the shared client:
 * the pos request, a stale timeout (an id not in flight), the answer 0.
 * Returns 1 when it ended paid as it should. */
static int drive_one(uint64_t now) {
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = NULL;
  momo_driver *driver = NULL;
  momo_action_kind kind = 0;
  momo_send send;
  momo_outcome outcome;
  int ok = momo_pos_payment_new(CS(v->order_id), CS(v->request_id), v->amount,
                                CS(v->payment_code), &payment) == MOMO_RESULT_OK &&
           momo_driver_start(shared_client, payment, NULL, 0, now, &driver) == MOMO_RESULT_OK &&
           momo_driver_send(driver, &send) == MOMO_RESULT_OK &&
           momo_driver_on_timeout(driver, shared_client, now + 10, send.id + 1) == MOMO_RESULT_OK &&
           momo_driver_next_action(driver, &kind) == MOMO_RESULT_OK && kind == MOMO_ACTION_SEND;
  momo_pos_payment_free(payment);
  if (ok) {
    /* The stale timeout changed the driver: read the send again. */
    ok = momo_driver_send(driver, &send) == MOMO_RESULT_OK;
    char body[512];
    int n = snprintf(body, sizeof body,
                     "{\"partnerCode\":\"%s\",\"orderId\":\"%s\",\"requestId\":\"%s\","
                     "\"amount\":%llu,\"transId\":1,\"resultCode\":0,\"message\":\"ok\"}",
                     V_PARTNER_CODE, v->order_id, send.request_id.data,
                     (unsigned long long)v->amount);
    ok = ok && n > 0 && (size_t)n < sizeof body &&
         momo_driver_on_response(driver, shared_client, now + 20, send.id, 200,
                                 (const uint8_t *)body, (size_t)n) == MOMO_RESULT_OK &&
         momo_driver_outcome(driver, &outcome) == MOMO_RESULT_OK &&
         outcome.kind == MOMO_OUTCOME_PAID;
  }
  momo_driver_free(driver);
  return ok;
}

static void *worker(void *arg) {
  struct outcome *out = arg;
  for (int round = 0; round < ROUNDS; round++) {
    for (size_t i = 0; i < COUNT(IPN_VECTORS); i++) {
      const struct body_vector *v = &IPN_VECTORS[i];
      momo_notification *n = NULL;
      momo_result rc =
          momo_client_verify_ipn(shared_client, (const uint8_t *)v->body, v->body_len, &n);
      const char *expect = strcmp(v->expect, "valid") == 0 ? "ok" : v->expect;
      if (strcmp(momo_result_name(rc), expect) != 0) out->wrong++;
      if (rc == MOMO_RESULT_OK) {
        momo_str key;
        if (momo_notification_dedupe_key(n, &key) != MOMO_RESULT_OK || key.len == 0) out->wrong++;
        momo_notification_free(n);
        out->verified++;
      } else {
        /* The last error is this thread's own, whatever the others do. */
        if (momo_last_error_code() == rc) out->own_last_error++;
        out->refused++;
      }
    }
    momo_result_code_info info;
    if (momo_result_code_explain(9000, &info) != MOMO_RESULT_OK ||
        strcmp(info.next_step, "capture_or_cancel") != 0)
      out->wrong++;
    out->paid += drive_one(1700000000000ULL + (uint64_t)round * 1000u);
    if (round % 5 == 0) {
      momo_buffer *code = NULL;
      if (momo_public_key_encrypt(shared_key, S("MM561918531775222861"), &code) != MOMO_RESULT_OK ||
          momo_buffer_len(code) != 344)
        out->wrong++;
      momo_buffer_free(code);
    }
  }
  return NULL;
}

int checks_failed = 0;
int checks_passed = 0;
void check_fail(const char *file, int line, const char *what) {
  checks_failed++;
  fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
}

int main(void) {
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"),
                           &shared_client),
           MOMO_RESULT_OK);
  FILE *f = fopen(REPO_DIR "/tests/keys/test_rsa2048_public_spki.b64", "rb");
  char text[4096] = {0};
  size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
  if (f) fclose(f);
  CHECK_RC(momo_public_key_parse(text, len, &shared_key), MOMO_RESULT_OK);

  pthread_t threads[THREADS];
  struct outcome outcomes[THREADS];
  memset(outcomes, 0, sizeof outcomes);
  for (int t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, worker, &outcomes[t]) == 0);
  for (int t = 0; t < THREADS; t++) CHECK(pthread_join(threads[t], NULL) == 0);

  int valid = 0;
  for (size_t i = 0; i < COUNT(IPN_VECTORS); i++) valid += strcmp(IPN_VECTORS[i].expect, "valid") == 0;
  int passed = 0, failed = 0;
  for (int t = 0; t < THREADS; t++) {
    struct outcome *o = &outcomes[t];
    int ok = o->wrong == 0 && o->verified == valid * ROUNDS &&
             o->refused == (int)(COUNT(IPN_VECTORS) - valid) * ROUNDS &&
             o->own_last_error == o->refused && o->paid == ROUNDS;
    if (ok) {
      passed++;
    } else {
      failed++;
      fprintf(stderr, "thread %d: verified %d refused %d wrong %d own_last_error %d paid %d\n",
              t, o->verified, o->refused, o->wrong, o->own_last_error, o->paid);
    }
  }
  momo_public_key_free(shared_key);
  momo_client_free(shared_client);
  failed += checks_failed;
  printf("threads: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
