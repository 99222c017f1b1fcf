/* The transaction driver through the C ABI, played against a small fake
 * MoMo written here: its answers are JSON built from the request's own
 * orderId/requestId, its IPNs are signed by tests/c/gen_vectors.py (Python's
 * hmac). Each scenario asserts the exact actions, endpoints, requestIds and
 * times the driver's documented policy gives (2 s first poll, 30 s request
 * timeout, 120 s decision window), and the outcome. */
#include "test.h"

#define T0 1700000000000ULL
#define ORDER "MM1540456472575"
#define BASE_URL "https://test-payment.momo.vn/v2/gateway/api/"

/* The pos vector's payment: its signature is the oracle's. */
static const struct pos_vector *pos_vector(void) { return &POS_VECTORS[0]; }

static momo_pos_payment *vector_payment(void) {
  const struct pos_vector *v = pos_vector();
  momo_pos_payment *payment = NULL;
  CHECK_RC(momo_pos_payment_new(CS(v->order_id), CS(v->request_id), v->amount,
                                CS(v->payment_code), &payment),
           MOMO_RESULT_OK);
  CHECK_RC(momo_pos_payment_set_order_info(payment, CS(v->order_info)), MOMO_RESULT_OK);
  return payment;
}

static momo_driver *start(const momo_client *client, bool auto_capture, const char *config) {
  momo_pos_payment *payment = vector_payment();
  CHECK_RC(momo_pos_payment_set_auto_capture(payment, auto_capture), MOMO_RESULT_OK);
  momo_driver *driver = NULL;
  CHECK_RC(momo_driver_start(client, payment, config, config ? strlen(config) : 0, T0, &driver),
           MOMO_RESULT_OK);
  momo_pos_payment_free(payment);
  if (!driver) exit(2);
  return driver;
}

static void finish(momo_driver *driver, momo_client *client) {
  momo_driver_free(driver);
  momo_client_free(client);
}

static momo_action_kind action(const momo_driver *driver) {
  momo_action_kind kind = 0;
  CHECK_RC(momo_driver_next_action(driver, &kind), MOMO_RESULT_OK);
  return kind;
}

/* What the fake MoMo keeps of a request it received, and the id the
 * driver handed it out with. */
struct sent {
  uint64_t id;
  char order_id[64];
  char request_id[64];
  char request_type[16];
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

/* The request of the current MOMO_ACTION_SEND. Its views live until the
 * next call that changes the driver. */
static momo_send current_send(const momo_driver *driver) {
  momo_send send;
  memset(&send, 0, sizeof send);
  CHECK(action(driver) == MOMO_ACTION_SEND);
  CHECK_RC(momo_driver_send(driver, &send), MOMO_RESULT_OK);
  return send;
}

/* A copy of the current request's body, to compare with a later one. */
static char *copy_body(const momo_driver *driver) {
  momo_send send = current_send(driver);
  char *copy = malloc(send.body.len + 1);
  if (!copy) exit(2);
  memcpy(copy, send.body.data ? send.body.data : "", send.body.len);
  copy[send.body.len] = '\0';
  return copy;
}

/* The current action is SEND of `endpoint` with `request_id`, `attempt`. */
static struct sent expect_send(const momo_driver *driver, momo_endpoint endpoint,
                               const char *request_id, uint32_t attempt) {
  static const char *const PATHS[] = {"", "pos", "query", "confirm"};
  struct sent sent;
  memset(&sent, 0, sizeof sent);
  momo_send send = current_send(driver);
  CHECK(send.id != 0);
  CHECK(send.endpoint == endpoint);
  CHECK_STR(send.request_id, request_id);
  CHECK(send.attempt == attempt);
  CHECK(send.timeout_ms == 30000);
  char url[128];
  snprintf(url, sizeof url, "%s%s", BASE_URL, PATHS[endpoint <= 3 ? endpoint : 0]);
  CHECK_STR(send.url, url);
  CHECK_STR(send.content_type, "application/json; charset=UTF-8");
  CHECK(send.body.data != NULL && send.body.data[send.body.len] == '\0');
  if (!send.body.data) return sent;
  sent.id = send.id;
  json_text(send.body.data, "orderId", sent.order_id, sizeof sent.order_id);
  json_text(send.body.data, "requestId", sent.request_id, sizeof sent.request_id);
  json_text(send.body.data, "requestType", sent.request_type, sizeof sent.request_type);
  CHECK(strcmp(sent.request_id, request_id) == 0);
  CHECK(strcmp(sent.order_id, ORDER) == 0);
  /* Asked again, it is the same send: same id, the very same views. */
  momo_send again = current_send(driver);
  CHECK(again.id == send.id && again.body.data == send.body.data);
  return sent;
}

/* The fake MoMo's answer to `sent`, reported with `sent`'s id as `id`
 * (another id makes it a stale answer): resultCode `code`. */
static void answer_as(momo_driver *driver, const momo_client *client, uint64_t now,
                      const struct sent *sent, uint64_t id, int code) {
  char body[512];
  char type[48] = "";
  if (sent->request_type[0])
    snprintf(type, sizeof type, ",\"requestType\":\"%s\"", sent->request_type);
  int n = snprintf(body, sizeof body,
                   "{\"partnerCode\":\"MOMO\",\"orderId\":\"%s\",\"requestId\":\"%s\","
                   "\"amount\":50000,\"transId\":4088878653,\"resultCode\":%d,"
                   "\"message\":\"fake\",\"responseTime\":1700000000000%s}",
                   sent->order_id, sent->request_id, code, type);
  CHECK_RC(momo_driver_on_response(driver, client, now, id, 200, (const uint8_t *)body,
                                   (size_t)n),
           MOMO_RESULT_OK);
}

/* The fake MoMo's answer to `sent`: resultCode `code`. */
static void answer(momo_driver *driver, const momo_client *client, uint64_t now,
                   const struct sent *sent, int code) {
  answer_as(driver, client, now, sent, sent->id, code);
}

static void expect_wait(const momo_driver *driver, uint64_t until) {
  CHECK(action(driver) == MOMO_ACTION_WAIT);
  uint64_t got = 0;
  CHECK_RC(momo_driver_wait_until_ms(driver, &got), MOMO_RESULT_OK);
  CHECK(got == until);
}

static void tick(momo_driver *driver, const momo_client *client, uint64_t now) {
  CHECK_RC(momo_driver_tick(driver, client, now), MOMO_RESULT_OK);
}

/* The current action is DONE with `kind` and `code` (-1: none). */
static void expect_done(const momo_driver *driver, momo_outcome_kind kind, const char *name,
                        int64_t code, const char *trans_id) {
  CHECK(action(driver) == MOMO_ACTION_DONE);
  momo_outcome outcome;
  CHECK_RC(momo_driver_outcome(driver, &outcome), MOMO_RESULT_OK);
  CHECK(outcome.kind == kind);
  CHECK_STR(outcome.name, name);
  CHECK(outcome.has_result_code == (code >= 0));
  if (code >= 0) CHECK(outcome.result_code == code);
  CHECK_STR(outcome.trans_id, trans_id);
  CHECK(contains(outcome.description, name));
  momo_stage stage = 0;
  momo_str s;
  CHECK_RC(momo_driver_stage(driver, &stage), MOMO_RESULT_OK);
  CHECK(stage == MOMO_STAGE_DONE);
  CHECK_RC(momo_driver_stage_name(driver, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "done");
}

static int log_has(const momo_driver *driver, const char *needle) {
  momo_buffer *log = NULL;
  CHECK_RC(momo_driver_log_json(driver, &log), MOMO_RESULT_OK);
  int found = log && momo_buffer_data(log)[0] == '[' && strstr(momo_buffer_data(log), needle);
  momo_buffer_free(log);
  return found;
}

static momo_notification *verified_ipn(const momo_client *client, const char *body) {
  momo_notification *n = NULL;
  CHECK_RC(momo_client_verify_ipn(client, (const uint8_t *)body, strlen(body), &n),
           MOMO_RESULT_OK);
  return n;
}

/* Waiting until `at`: the first status query goes out then, MoMo says 0. */
static void first_query_pays(momo_driver *d, const momo_client *client, uint64_t at) {
  expect_wait(d, at);
  tick(d, client, at);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  answer(d, client, at + 300, &query, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
}

static void paid_at_once(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  momo_send send = current_send(d);
  char signature[96];
  snprintf(signature, sizeof signature, "\"signature\":\"%s\"", pos_vector()->signature);
  CHECK(contains(send.body, signature)); /* the oracle's signature: signed once, as specified */
  CHECK(send.timeout_ms == 30000);
  CHECK(send.deadline_ms == T0 + 30000);
  momo_str s;
  uint64_t amount = 0;
  CHECK_RC(momo_driver_order_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, ORDER);
  CHECK_RC(momo_driver_request_id(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, ORDER);
  CHECK_RC(momo_driver_amount(d, &amount), MOMO_RESULT_OK);
  CHECK(amount == 50000);
  momo_stage stage = 0;
  CHECK_RC(momo_driver_stage(d, &stage), MOMO_RESULT_OK);
  CHECK(stage == MOMO_STAGE_PAYING);
  CHECK_RC(momo_driver_stage_name(d, &s), MOMO_RESULT_OK);
  CHECK_STR(s, "paying");
  answer(d, client, T0 + 300, &pos, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  int64_t code = -1;
  CHECK_RC(momo_driver_last_result_code(d, &code), MOMO_RESULT_OK);
  CHECK(code == 0);
  finish(d, client);
}

/* Reads leave the views alone: a momo_send read first is still readable
 * after the snapshot, the journal, the next action and the send are read
 * again (ASan and valgrind would see a freed view). */
static void send_views_survive_reads(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  momo_send send = current_send(d);
  momo_buffer *snapshot = NULL, *log = NULL;
  CHECK_RC(momo_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  CHECK_RC(momo_driver_log_json(d, &log), MOMO_RESULT_OK);
  momo_send again = current_send(d);
  momo_str order_id;
  CHECK_RC(momo_driver_order_id(d, &order_id), MOMO_RESULT_OK);
  CHECK(again.id == send.id);
  CHECK(contains(send.body, "\"requestId\":\"" ORDER "\""));
  CHECK(strlen(send.body.data) == send.body.len);
  CHECK_STR(send.url, BASE_URL "pos");
  CHECK_STR(send.request_id, ORDER);
  momo_buffer_free(log);
  momo_buffer_free(snapshot);
  finish(d, client);
}

static void authorized_then_captured(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, false, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 9000);
  CHECK(action(d) == MOMO_ACTION_DECIDE);
  uint64_t until = 0;
  momo_confirm_action fallback = 99;
  CHECK_RC(momo_driver_decide_until_ms(d, &until), MOMO_RESULT_OK);
  CHECK(until == T0 + 300 + 120000);
  CHECK_RC(momo_driver_decide_default(d, &fallback), MOMO_RESULT_OK);
  CHECK(fallback == MOMO_CONFIRM_CANCEL); /* nobody is charged unasked */
  momo_stage stage = 0;
  CHECK_RC(momo_driver_stage(d, &stage), MOMO_RESULT_OK);
  CHECK(stage == MOMO_STAGE_AUTHORIZED);
  CHECK_RC(momo_driver_decide(d, client, T0 + 4300, MOMO_CONFIRM_CAPTURE), MOMO_RESULT_OK);
  struct sent confirm = expect_send(d, MOMO_ENDPOINT_CONFIRM, ORDER "-c", 1);
  CHECK(strcmp(confirm.request_type, "capture") == 0);
  CHECK(confirm.id != pos.id);
  CHECK_RC(momo_driver_stage(d, &stage), MOMO_RESULT_OK);
  CHECK(stage == MOMO_STAGE_CONFIRMING);
  answer(d, client, T0 + 4600, &confirm, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  finish(d, client);
}

/* Authorized, then captured: MoMo answers the capture 99. Only a 0 settles
 * from the confirm's own answer; anything else is checked with a status
 * query, which says 0 here. */
static void refused_capture_is_queried(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, false, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 9000);
  CHECK(action(d) == MOMO_ACTION_DECIDE);
  CHECK_RC(momo_driver_decide(d, client, T0 + 4300, MOMO_CONFIRM_CAPTURE), MOMO_RESULT_OK);
  struct sent confirm = expect_send(d, MOMO_ENDPOINT_CONFIRM, ORDER "-c", 1);
  answer(d, client, T0 + 4600, &confirm, 99);
  int64_t code = 0;
  CHECK_RC(momo_driver_last_result_code(d, &code), MOMO_RESULT_OK);
  CHECK(code == 99);
  momo_stage stage = 0;
  CHECK_RC(momo_driver_stage(d, &stage), MOMO_RESULT_OK);
  CHECK(stage == MOMO_STAGE_CONFIRMING);
  expect_wait(d, T0 + 6600);
  tick(d, client, T0 + 6600);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  answer(d, client, T0 + 6900, &query, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  finish(d, client);
}

/* The capture is refused (99) each time and the queries keep saying 9000:
 * the identical confirm goes again, up to maxConfirmSends, then the payment
 * ends unknown with the money still held, naming the last refusal. */
static void still_authorized_after_every_capture_is_unknown(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, false, "{\"maxConfirmSends\":2}");
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 9000);
  CHECK_RC(momo_driver_decide(d, client, T0 + 1000, MOMO_CONFIRM_CAPTURE), MOMO_RESULT_OK);
  char *first = copy_body(d);
  struct sent confirm = expect_send(d, MOMO_ENDPOINT_CONFIRM, ORDER "-c", 1);
  answer(d, client, T0 + 1300, &confirm, 99);
  expect_wait(d, T0 + 3300);
  tick(d, client, T0 + 3300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  answer(d, client, T0 + 3600, &query, 9000);
  struct sent again = expect_send(d, MOMO_ENDPOINT_CONFIRM, ORDER "-c", 2);
  CHECK(again.id != confirm.id);
  CHECK_STR(current_send(d).body, first);
  answer(d, client, T0 + 3900, &again, 99);
  expect_wait(d, T0 + 5900);
  tick(d, client, T0 + 5900);
  query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q2", 1);
  answer(d, client, T0 + 6200, &query, 9000);
  expect_done(d, MOMO_OUTCOME_UNKNOWN, "unknown", 99, "");
  momo_outcome outcome;
  CHECK_RC(momo_driver_outcome(d, &outcome), MOMO_RESULT_OK);
  CHECK(contains(outcome.description, "still held"));
  free(first);
  finish(d, client);
}

static void pending_then_query_paid(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 1000);
  int64_t code = 0;
  CHECK_RC(momo_driver_last_result_code(d, &code), MOMO_RESULT_OK);
  CHECK(code == 1000);
  first_query_pays(d, client, T0 + 2300);
  finish(d, client);
}

static void timeout_then_query_paid(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  CHECK_RC(momo_driver_on_timeout(d, client, T0 + 30000, pos.id), MOMO_RESULT_OK);
  first_query_pays(d, client, T0 + 32000);
  finish(d, client);
}

/* Answers, timeouts and network errors about a request that is no longer
 * in flight are stale: journaled, and nothing else changes. */
static void stale_answers_change_nothing(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  CHECK_RC(momo_driver_on_timeout(d, client, T0 + 30000, pos.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 32000);
  /* The pos answer after its timeout: the driver still waits for the same
   * time, and a 0 there does not make it paid. */
  answer_as(d, client, T0 + 30500, &pos, pos.id, 0);
  expect_wait(d, T0 + 32000);
  CHECK(log_has(d, "\"kind\":\"stale\",\"id\":1,"));
  tick(d, client, T0 + 32000);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  CHECK(query.id != pos.id);
  /* Late news of the pos request while the query is out, and an id never
   * handed out: the action is still the same query. */
  CHECK_RC(momo_driver_on_timeout(d, client, T0 + 32100, pos.id), MOMO_RESULT_OK);
  CHECK_RC(momo_driver_on_network_error(d, client, T0 + 32200, pos.id), MOMO_RESULT_OK);
  answer_as(d, client, T0 + 32300, &query, query.id + 100, 1006);
  answer_as(d, client, T0 + 32400, &query, 0, 1006);
  struct sent same = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  CHECK(same.id == query.id);
  /* An IPN that settles nothing leaves the send current too, by its id:
   * a host recognises the request it already performed. */
  momo_notification *n = verified_ipn(client, DRIVER_IPN_WRONG_AMOUNT);
  CHECK_RC(momo_driver_on_ipn(d, client, T0 + 32500, n), MOMO_RESULT_OK);
  momo_notification_free(n);
  same = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  CHECK(same.id == query.id);
  int64_t code = 0;
  CHECK_RC(momo_driver_last_result_code(d, &code), MOMO_RESULT_ABSENT);
  answer(d, client, T0 + 32600, &query, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  /* After the end, too. */
  answer(d, client, T0 + 32700, &query, 1006);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  finish(d, client);
}

/* A lost request: the query says 42 (no such order), so the same pos bytes
 * go again, as attempt 2 and under a new id. */
static void network_error_resends_same_bytes(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent first_pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  char *first = copy_body(d);
  CHECK_RC(momo_driver_on_network_error(d, client, T0 + 50, first_pos.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 2050);
  tick(d, client, T0 + 2050);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  answer(d, client, T0 + 2350, &query, 42);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 2);
  CHECK(pos.id != first_pos.id && pos.id != query.id);
  CHECK_STR(current_send(d).body, first);
  answer(d, client, T0 + 2650, &pos, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  free(first);
  finish(d, client);
}

/* A 40 s window polled every 5 s: one query, lost, and the window closes. */
static void deadline_gives_unknown(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, "{\"paymentWindowMs\":40000,\"pollDelaysMs\":[5000]}");
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 1000);
  expect_wait(d, T0 + 5300);
  tick(d, client, T0 + 5300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  CHECK(current_send(d).deadline_ms == T0 + 35300);
  CHECK_RC(momo_driver_on_timeout(d, client, T0 + 35300, query.id), MOMO_RESULT_OK);
  expect_wait(d, T0 + 40000);
  tick(d, client, T0 + 40000);
  expect_done(d, MOMO_OUTCOME_UNKNOWN, "unknown", -1, "");
  finish(d, client);
}

/* A tick at the request's deadline counts its answer as lost; the answer
 * coming after that is stale. */
static void tick_at_the_deadline_loses_the_answer(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  tick(d, client, T0 + 29999);
  expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  tick(d, client, T0 + 30000);
  CHECK(log_has(d, "\"kind\":\"timeout\",\"endpoint\":\"pos\""));
  answer(d, client, T0 + 30100, &pos, 0);
  CHECK(log_has(d, "\"kind\":\"stale\""));
  first_query_pays(d, client, T0 + 32000);
  finish(d, client);
}

static void ipn_before_the_response(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  momo_notification *n = verified_ipn(client, DRIVER_IPN_PAID);
  CHECK_RC(momo_driver_on_ipn(d, client, T0 + 200, n), MOMO_RESULT_OK);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  /* The pos answer arriving after is stale: it changes nothing. */
  answer(d, client, T0 + 300, &pos, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  CHECK(log_has(d, "\"kind\":\"ipn\""));
  CHECK(log_has(d, "\"kind\":\"stale\",\"id\":1,"));
  momo_notification_free(n);
  finish(d, client);
}

static void wrong_amount_ipn_is_ignored(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 1000);
  expect_wait(d, T0 + 2300);
  momo_notification *n = verified_ipn(client, DRIVER_IPN_WRONG_AMOUNT);
  CHECK_RC(momo_driver_on_ipn(d, client, T0 + 600, n), MOMO_RESULT_OK);
  expect_wait(d, T0 + 2300);
  CHECK(log_has(d, "\"kind\":\"ipnMismatch\",\"field\":\"amount\""));
  first_query_pays(d, client, T0 + 2300);
  momo_notification_free(n);
  finish(d, client);
}

static momo_driver *snapshot_and_restore(momo_driver *d, uint64_t now) {
  momo_buffer *snapshot = NULL;
  CHECK_RC(momo_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  momo_driver_free(d);
  momo_driver *restored = NULL;
  CHECK_RC(momo_driver_restore(momo_buffer_data(snapshot), momo_buffer_len(snapshot), now,
                               &restored),
           MOMO_RESULT_OK);
  momo_buffer_free(snapshot);
  if (!restored) exit(2);
  return restored;
}

/* Power loss after persisting, before the answer: the restored driver asks
 * for the very same bytes, under a new id, with a fresh timeout; the answer
 * to the id from before the restart is stale. */
static void restore_resends_identical_pos(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  struct sent before = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  char *first = copy_body(d);
  d = snapshot_and_restore(d, T0 + 1000);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  CHECK(pos.id != before.id);
  momo_send send = current_send(d);
  CHECK_STR(send.body, first);
  CHECK(send.deadline_ms == T0 + 31000);
  CHECK(log_has(d, "\"kind\":\"restored\",\"resend\":\"pos\""));
  answer(d, client, T0 + 1100, &before, 0);
  struct sent same = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  CHECK(same.id == pos.id);
  answer(d, client, T0 + 1300, &pos, 1000);
  expect_wait(d, T0 + 3300);
  d = snapshot_and_restore(d, T0 + 1400);
  first_query_pays(d, client, T0 + 3300);
  free(first);
  finish(d, client);
}

/* A snapshot 0.1.0 wrote (format 1, no ids) restores: its pos request goes
 * again under an id, and the next snapshot is format 2. */
static void format_1_snapshot_restores(void) {
  momo_client *client = test_client();
  momo_driver *d = NULL;
  CHECK_RC(momo_driver_restore(S(DRIVER_SNAPSHOT_V1), T0 + 1000, &d), MOMO_RESULT_OK);
  if (!d) exit(2);
  momo_send send = current_send(d);
  CHECK(send.id != 0);
  CHECK(send.endpoint == MOMO_ENDPOINT_POS && send.attempt == 1);
  CHECK_STR(send.request_id, "ORDER-1001-r1");
  CHECK(send.deadline_ms == T0 + 31000);
  momo_buffer *snapshot = NULL;
  CHECK_RC(momo_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  CHECK(snapshot && strncmp(momo_buffer_data(snapshot), "{\"version\":2,", 13) == 0);
  momo_buffer_free(snapshot);
  struct sent pos = {send.id, "ORDER-1001", "ORDER-1001-r1", ""};
  answer(d, client, T0 + 1300, &pos, 0);
  expect_done(d, MOMO_OUTCOME_PAID, "paid", 0, "4088878653");
  finish(d, client);
}

static void null_pointers_are_refused(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  momo_pos_payment *payment = vector_payment();
  momo_driver *out = SENTINEL;
  CHECK_RC(momo_driver_start(NULL, payment, NULL, 0, T0, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_driver_start(client, NULL, NULL, 0, T0, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("payment");
  CHECK_RC(momo_driver_start(client, payment, NULL, 0, T0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_driver_restore(NULL, 10, T0, &out), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("snapshot");
  CHECK_RC(momo_driver_restore(S("{}"), T0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(out == SENTINEL);
  momo_pos_payment_free(payment);

  momo_action_kind kind = 0;
  momo_str s;
  uint64_t u64 = 0;
  uint32_t u32 = 0;
  momo_buffer *buffer = SENTINEL;
  CHECK_RC(momo_driver_next_action(NULL, &kind), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK_RC(momo_driver_next_action(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  momo_send send;
  memset(&send, 0x5e, sizeof send);
  CHECK_RC(momo_driver_send(NULL, &send), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK(send.id == 0x5e5e5e5e5e5e5e5eULL);
  CHECK_RC(momo_driver_send(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_driver_wait_until_ms(NULL, &u64), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_decide_until_ms(NULL, &u64), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_decide_default(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_outcome(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_snapshot(NULL, &buffer), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_snapshot(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_log_json(NULL, &buffer), MOMO_RESULT_NULL_POINTER);
  CHECK(buffer == SENTINEL);
  CHECK_RC(momo_driver_stage(NULL, &u32), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_stage_name(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_order_id(NULL, &s), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_request_id(d, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_amount(NULL, &u64), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_last_result_code(d, NULL), MOMO_RESULT_NULL_POINTER);

  const uint64_t id = 1; /* the pos request's, in flight */
  CHECK_RC(momo_driver_on_response(NULL, client, T0, id, 200, (const uint8_t *)"{}", 2),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK_RC(momo_driver_on_response(d, NULL, T0, id, 200, (const uint8_t *)"{}", 2),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_driver_on_response(d, client, T0, id, 200, NULL, 2), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("body");
  CHECK_RC(momo_driver_on_response(d, client, T0, id, 200, (const uint8_t *)"{}", SIZE_MAX),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK_RC(momo_driver_on_timeout(NULL, client, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("driver");
  CHECK_RC(momo_driver_on_timeout(d, NULL, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_driver_on_network_error(NULL, client, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_on_network_error(d, NULL, T0, id), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("client");
  CHECK_RC(momo_driver_on_ipn(d, client, T0, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("notification");
  CHECK_RC(momo_driver_tick(NULL, client, T0), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_driver_decide(d, NULL, T0, MOMO_CONFIRM_CAPTURE), MOMO_RESULT_NULL_POINTER);
  /* None of these changed the driver: still the first send. */
  expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  momo_driver_free(NULL);
  finish(d, client);
}

static void accessors_of_another_action_say_invalid_state(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, true, NULL);
  uint64_t u64 = 7;
  int64_t i64 = 7;
  momo_confirm_action confirm = 7;
  momo_outcome outcome;
  outcome.kind = 77;
  CHECK_RC(momo_driver_wait_until_ms(d, &u64), MOMO_RESULT_INVALID_STATE);
  CHECK_FIELD("driver");
  CHECK(strstr(momo_last_error_message(), "send") != NULL);
  CHECK_RC(momo_driver_decide_until_ms(d, &u64), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_driver_decide_default(d, &confirm), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_driver_outcome(d, &outcome), MOMO_RESULT_INVALID_STATE);
  CHECK(u64 == 7 && confirm == 7 && outcome.kind == 77);
  CHECK_RC(momo_driver_last_result_code(d, &i64), MOMO_RESULT_ABSENT);
  CHECK(i64 == 7);
  /* A decision while nothing is authorized. */
  CHECK_RC(momo_driver_decide(d, client, T0, MOMO_CONFIRM_CAPTURE), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_driver_decide(d, client, T0, 7), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("action");
  CHECK_RC(momo_driver_on_timeout(d, client, T0 + 30000, 1), MOMO_RESULT_OK);
  /* Another merchant's client may not drive this payment, not even with
   * news of a request that is no longer in flight. */
  momo_client *other = NULL;
  CHECK_RC(momo_client_new(S("OTHER"), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &other),
           MOMO_RESULT_OK);
  CHECK_RC(momo_driver_tick(d, other, T0 + 40000), MOMO_RESULT_INVALID_STATE);
  CHECK_RC(momo_driver_on_timeout(d, other, T0 + 40000, 1), MOMO_RESULT_INVALID_STATE);
  expect_wait(d, T0 + 32000);
  momo_client_free(other);
  finish(d, client);
}

/* momo_driver_send() of a driver that is not asking to send (waiting,
 * awaiting a decision, done) is MOMO_RESULT_INVALID_STATE naming the
 * current action, and writes nothing. */
static void send_of_another_action_says_invalid_state(void) {
  momo_client *client = test_client();
  momo_driver *d = start(client, false, NULL);
  momo_send untouched, send;
  memset(&untouched, 0x5e, sizeof untouched);
  struct sent pos = expect_send(d, MOMO_ENDPOINT_POS, ORDER, 1);
  answer(d, client, T0 + 300, &pos, 1000);
  expect_wait(d, T0 + 2300);
  memcpy(&send, &untouched, sizeof send);
  CHECK_RC(momo_driver_send(d, &send), MOMO_RESULT_INVALID_STATE);
  CHECK_FIELD("driver");
  CHECK(strstr(momo_last_error_message(), "wait") != NULL);
  CHECK(memcmp(&send, &untouched, sizeof send) == 0);
  tick(d, client, T0 + 2300);
  struct sent query = expect_send(d, MOMO_ENDPOINT_QUERY, ORDER "-q1", 1);
  answer(d, client, T0 + 2600, &query, 9000);
  CHECK(action(d) == MOMO_ACTION_DECIDE);
  CHECK_RC(momo_driver_send(d, &send), MOMO_RESULT_INVALID_STATE);
  CHECK(strstr(momo_last_error_message(), "decide") != NULL);
  CHECK(memcmp(&send, &untouched, sizeof send) == 0);
  CHECK_RC(momo_driver_decide(d, client, T0 + 3000, MOMO_CONFIRM_CANCEL), MOMO_RESULT_OK);
  struct sent cancel = expect_send(d, MOMO_ENDPOINT_CONFIRM, ORDER "-c", 1);
  CHECK(strcmp(cancel.request_type, "cancel") == 0);
  answer(d, client, T0 + 3300, &cancel, 0);
  expect_done(d, MOMO_OUTCOME_CANCELLED, "cancelled", 0, "4088878653");
  CHECK_RC(momo_driver_send(d, &send), MOMO_RESULT_INVALID_STATE);
  CHECK(strstr(momo_last_error_message(), "done") != NULL);
  CHECK(memcmp(&send, &untouched, sizeof send) == 0);
  finish(d, client);
}

static void bad_configs_and_snapshots_are_refused(void) {
  momo_client *client = test_client();
  momo_pos_payment *payment = vector_payment();
  momo_driver *out = SENTINEL;
  CHECK_RC(momo_driver_start(client, payment, S("{\"paymentWindow\":60000}"), T0, &out),
           MOMO_RESULT_INVALID_JSON);
  CHECK(strstr(momo_last_error_message(), "paymentWindow") != NULL);
  CHECK_RC(momo_driver_start(client, payment, S("{\"requestTimeoutMs\":1000}"), T0, &out),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("requestTimeoutMs");
  CHECK_RC(momo_driver_start(client, payment, S("not json"), T0, &out), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_driver_start(client, payment, S(BAD_UTF8), T0, &out), MOMO_RESULT_INVALID_UTF8);
  CHECK(out == SENTINEL);
  /* A payment breaking a rule names its field, as momo_client_pos_request. */
  momo_pos_payment *cheap = NULL;
  CHECK_RC(momo_pos_payment_new(S("ORDER-1"), S("r1"), 999, CS(pos_vector()->payment_code),
                                &cheap),
           MOMO_RESULT_OK);
  CHECK_RC(momo_driver_start(client, cheap, NULL, 0, T0, &out), MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  momo_pos_payment_free(cheap);
  momo_pos_payment_free(payment);

  CHECK_RC(momo_driver_restore(S("garbage"), T0, &out), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_driver_restore(S("{}"), T0, &out), MOMO_RESULT_INVALID_JSON);
  CHECK_RC(momo_driver_restore(S(BAD_UTF8), T0, &out), MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_driver_restore(S(WITH_NUL), T0, &out), MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_driver_restore("{}", SIZE_MAX, T0, &out), MOMO_RESULT_INPUT_TOO_LONG);
  size_t big = 300 * 1024; /* above the 256 KiB snapshot limit, below MOMO_MAX_INPUT_LEN */
  char *huge = malloc(big);
  memset(huge, ' ', big);
  CHECK_RC(momo_driver_restore(huge, big, T0, &out), MOMO_RESULT_BODY_TOO_LARGE);
  free(huge);
  CHECK(out == SENTINEL);

  /* A snapshot of another format version. */
  momo_driver *d = start(client, true, NULL);
  momo_buffer *snapshot = NULL;
  CHECK_RC(momo_driver_snapshot(d, &snapshot), MOMO_RESULT_OK);
  char *text = malloc(momo_buffer_len(snapshot) + 1);
  memcpy(text, momo_buffer_data(snapshot), momo_buffer_len(snapshot) + 1);
  char *version = strstr(text, "\"version\":2,");
  CHECK(version != NULL);
  if (version) version[10] = '9';
  CHECK_RC(momo_driver_restore(text, strlen(text), T0, &out), MOMO_RESULT_INVALID_STATE);
  CHECK(out == SENTINEL);
  /* Any byte cut off is refused, never half-restored. */
  CHECK_RC(momo_driver_restore(momo_buffer_data(snapshot), momo_buffer_len(snapshot) - 1, T0,
                               &out),
           MOMO_RESULT_INVALID_JSON);
  free(text);
  momo_buffer_free(snapshot);
  finish(d, client);
}

void suite_driver(void) {
  RUN(paid_at_once);
  RUN(send_views_survive_reads);
  RUN(authorized_then_captured);
  RUN(refused_capture_is_queried);
  RUN(still_authorized_after_every_capture_is_unknown);
  RUN(pending_then_query_paid);
  RUN(timeout_then_query_paid);
  RUN(stale_answers_change_nothing);
  RUN(network_error_resends_same_bytes);
  RUN(deadline_gives_unknown);
  RUN(tick_at_the_deadline_loses_the_answer);
  RUN(ipn_before_the_response);
  RUN(wrong_amount_ipn_is_ignored);
  RUN(restore_resends_identical_pos);
  RUN(format_1_snapshot_restores);
  RUN(null_pointers_are_refused);
  RUN(accessors_of_another_action_say_invalid_state);
  RUN(send_of_another_action_says_invalid_state);
  RUN(bad_configs_and_snapshots_are_refused);
}
