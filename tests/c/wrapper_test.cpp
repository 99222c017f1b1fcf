// The C++17 wrapper (bindings/cpp/momo_pos.hpp): RAII, exceptions carrying
// code + message + field, string_view in and out; the drivers' Send and
// Outcome are owning copies. Refunds: Refund, Client::refund_request,
// parse_refund_response, Response::refunds, RefundDriver.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <type_traits>

#include "momo_pos.hpp"
extern "C" {
#include "vectors.h"
}

static int passed = 0, failed = 0;
#define EXPECT(cond)                                                   \
  do {                                                                 \
    if (cond) {                                                        \
      passed++;                                                        \
    } else {                                                           \
      failed++;                                                        \
      std::fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                  \
  } while (0)

// Runs `f`, expecting a momo::Error of `code` naming `field`.
template <typename F>
static void expect_error(F f, momo_result code, const char *field) {
  try {
    f();
    failed++;
    std::fprintf(stderr, "expected %s, nothing was thrown\n", momo_result_name(code));
  } catch (const momo::Error &e) {
    EXPECT(e.code() == code);
    EXPECT(e.field() == field);
    EXPECT(std::strlen(e.what()) > 0);
    EXPECT(std::string(e.name()) == momo_result_name(code));
  }
}

static std::string read(const char *path) {
  std::ifstream in(std::string(REPO_DIR) + "/" + path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int main() {
  static_assert(!std::is_copy_constructible_v<momo::Client>, "unique ownership");
  static_assert(std::is_nothrow_move_constructible_v<momo::Client>, "movable");
  static_assert(!std::is_copy_constructible_v<momo::Request>, "unique ownership");

  EXPECT(momo::version() == MOMO_POS_VERSION);
  auto client = momo::Client::create(V_PARTNER_CODE, V_ACCESS_KEY, V_SECRET_KEY);
  EXPECT(client.base_url() == "https://test-payment.momo.vn");

  // Normalize, encrypt, sign: the basic path.
  EXPECT(momo::normalize_payment_code("]Q1MM561918531775222861\r\n") == "MM561918531775222861");
  expect_error([] { momo::normalize_payment_code("MM12"); }, MOMO_RESULT_INVALID_PAYMENT_CODE,
               "paymentCode");
  auto key = momo::PublicKey::parse(read("tests/keys/test_rsa2048_public_spki.b64"));
  EXPECT(key.bits() == 2048);
  std::string code = key.encrypt("]Q1MM561918531775222861\r\n");
  EXPECT(code.size() == 344);
  expect_error([] { momo::PublicKey::parse("garbage"); }, MOMO_RESULT_INVALID_PUBLIC_KEY, "");

  const pos_vector &v = POS_VECTORS[0];
  momo::PosPayment payment(v.order_id, v.request_id, v.amount, v.payment_code);
  payment.order_info(v.order_info).extra_data(v.extra_data).auto_capture(false).lang(momo::Lang::En)
      .add_item("CF01", "Coffee", 25000, 2).user_info(std::nullopt, std::nullopt, "a@example.vn")
      .ipn_url("https://pos.example.vn/ipn").store_id("S1").store_name("Store").request_time(
          1763886412345ULL);
  momo::Request request = client.pos_request(payment);
  EXPECT(request.signature() == v.signature);
  EXPECT(request.raw_signature() == v.raw_signature);
  EXPECT(request.url() == "https://test-payment.momo.vn/v2/gateway/api/pos");
  EXPECT(request.content_type() == "application/json; charset=UTF-8");
  EXPECT(request.body().find("\"autoCapture\":false") != std::string_view::npos);
  EXPECT(request.timeout_ms() >= 30000);
  EXPECT(request.order_id() == v.order_id && request.request_id() == v.request_id);

  // A rule failure names its field.
  momo::PosPayment cheap("ORDER-1", "r1", 999, code);
  expect_error([&] { client.pos_request(cheap); }, MOMO_RESULT_INVALID_FIELD, "amount");
  expect_error([&] { cheap.lang(static_cast<momo::Lang>(9)); }, MOMO_RESULT_INVALID_ARGUMENT,
               "lang");

  const query_vector &q = QUERY_VECTORS[0];
  EXPECT(client.query_request(q.order_id, q.request_id).signature() == q.signature);
  const confirm_vector &c = CONFIRM_VECTORS[0];
  auto confirm = client.confirm_request(c.order_id, c.request_id, c.amount,
                                        momo::ConfirmAction::Capture, c.description);
  EXPECT(confirm.signature() == c.signature);
  EXPECT(client.with_lang(momo::Lang::En).query_request("O1", "q1").body().find("\"en\"") !=
         std::string_view::npos);
  expect_error([&] { client.with_amount_limits(10, 9); }, MOMO_RESULT_INVALID_FIELD, "amount");

  // IPN: verified, accessors, tampered.
  std::string_view body;
  for (const auto &ipn : IPN_VECTORS)
    if (std::strcmp(ipn.name, "valid_basic") == 0) body = std::string_view(ipn.body, ipn.body_len);
  auto n = client.verify_ipn(body);
  EXPECT(n.is_paid() && n.result_code() == 0 && n.amount() == 50000);
  EXPECT(n.trans_id() == "4088878653");
  EXPECT(n.dedupe_key() == "MOMO|MM1540456472575|MM1540456472575|4088878653");
  EXPECT(!n.partner_user_id().has_value());
  n.check_order("MM1540456472575", 50000);
  expect_error([&] { n.check_order("MM1540456472575", 1); }, MOMO_RESULT_FIELD_MISMATCH, "amount");
  std::string tampered(body);
  tampered.replace(tampered.find("50000"), 5, "50001");
  expect_error([&] { client.verify_ipn(tampered); }, MOMO_RESULT_SIGNATURE_MISMATCH, "signature");

  // Answers.
  for (const auto &r : RESPONSE_VECTORS) {
    if (std::strcmp(r.name, "pos_signed_valid") == 0) {
      auto answer = client.parse_pos_response(std::string_view(r.body, r.body_len));
      EXPECT(answer.authenticity() == momo::Authenticity::Verified);
      EXPECT(answer.result().is_success);
      EXPECT(answer.amount() == 50000u);
      EXPECT(!answer.pay_type().has_value());
      answer.check_request(request);
    }
    if (std::strcmp(r.name, "query_unsigned_absent") == 0) {
      auto answer = client.parse_query_response(std::string_view(r.body, r.body_len));
      EXPECT(answer.authenticity() == momo::Authenticity::Unsigned);
    }
    if (std::strcmp(r.name, "confirm_signed_cancel") == 0) {
      auto answer = client.parse_confirm_response(std::string_view(r.body, r.body_len));
      EXPECT(answer.request_type() == std::string_view("cancel"));
    }
  }
  auto info = momo::explain(9000);
  EXPECT(info.next_step == "capture_or_cancel" && !info.is_final);
  EXPECT(momo::explain(424242).category == "unknown");

  EXPECT(momo::catalogue().size() == 38);
  EXPECT(momo::extra_data_decode(momo::extra_data_encode("{\"till\":\"7\"}")) == "{\"till\":\"7\"}");
  expect_error([] { momo::extra_data_encode("[]"); }, MOMO_RESULT_INVALID_FIELD, "extraData");

  // The transaction driver: authorized, captured; snapshot/restore; an IPN.
  {
    static_assert(!std::is_copy_constructible_v<momo::Driver>, "unique ownership");
    auto fake_answer = [](const momo::Send &sent, int code) {
      auto field = [&](const char *key) {
        std::string needle = std::string("\"") + key + "\":\"";
        auto at = sent.body.find(needle);
        if (at == std::string::npos) return std::string();
        at += needle.size();
        return sent.body.substr(at, sent.body.find('"', at) - at);
      };
      std::string type = field("requestType");
      return "{\"partnerCode\":\"MOMO\",\"orderId\":\"" + field("orderId") +
             "\",\"requestId\":\"" + field("requestId") +
             "\",\"amount\":50000,\"transId\":4088878653,\"resultCode\":" +
             std::to_string(code) + ",\"message\":\"fake\",\"responseTime\":1" +
             (type.empty() ? "" : ",\"requestType\":\"" + type + "\"") + "}";
    };
    const uint64_t t0 = 1700000000000ULL;
    momo::PosPayment p(v.order_id, v.request_id, v.amount, v.payment_code);
    p.order_info(v.order_info).auto_capture(false);
    auto driver = momo::Driver::start(client, p, t0, "{\"decisionWindowMs\":60000}");
    EXPECT(driver.next_action() == momo::ActionKind::Send);
    static_assert(std::is_same_v<decltype(momo::Send::body), std::string>, "an owning copy");
    static_assert(std::is_same_v<decltype(momo::Outcome::description), std::string>, "a copy");
    momo::Send sent = driver.send();
    EXPECT(sent.id != 0);
    EXPECT(sent.endpoint == momo::Endpoint::Pos && sent.request_id == v.request_id);
    EXPECT(sent.attempt == 1 && sent.timeout_ms == 30000 && sent.deadline_ms == t0 + 30000);
    EXPECT(sent.url == "https://test-payment.momo.vn/v2/gateway/api/pos");
    EXPECT(sent.content_type == "application/json; charset=UTF-8");
    EXPECT(sent.body.find(v.signature) != std::string::npos);
    EXPECT(driver.send().id == sent.id);
    const std::string first_body = sent.body;
    expect_error([&] { driver.wait_until_ms(); }, MOMO_RESULT_INVALID_STATE, "driver");
    expect_error([&] { driver.decide(client, t0, momo::ConfirmAction::Capture); },
                 MOMO_RESULT_INVALID_STATE, "");
    EXPECT(!driver.last_result_code().has_value());
    // Power loss: the restored driver asks for the same bytes under a new
    // id. The Send read before is a copy: it outlives the old driver.
    const momo::Send before = sent;
    driver = momo::Driver::restore(driver.snapshot(), t0 + 100);
    sent = driver.send();
    EXPECT(sent.body == first_body && sent.deadline_ms == t0 + 30100);
    EXPECT(sent.id != before.id);
    EXPECT(before.body == first_body && before.request_id == v.request_id);
    // The answer to the id from before the restart is stale.
    driver.on_response(client, t0 + 200, before.id, 200, fake_answer(before, 0));
    EXPECT(driver.next_action() == momo::ActionKind::Send && driver.send().id == sent.id);
    EXPECT(driver.log_json().find("\"kind\":\"stale\"") != std::string::npos);
    driver.on_response(client, t0 + 300, sent.id, 200, fake_answer(sent, 9000));
    // The Send's strings stay valid after the next event (the views it
    // was copied from are gone: ASan and valgrind would see them).
    EXPECT(sent.body == first_body && sent.request_id == v.request_id);
    EXPECT(sent.url.find("/pos") != std::string::npos);
    EXPECT(driver.next_action() == momo::ActionKind::Decide);
    EXPECT(driver.decide_until_ms() == t0 + 300 + 60000);
    EXPECT(driver.decide_default() == momo::ConfirmAction::Cancel);
    EXPECT(driver.stage() == momo::Stage::Authorized && driver.stage_name() == "authorized");
    driver.decide(client, t0 + 1000, momo::ConfirmAction::Capture);
    sent = driver.send();
    EXPECT(sent.endpoint == momo::Endpoint::Confirm);
    EXPECT(sent.request_id == std::string(v.request_id) + "-c");
    driver.on_timeout(client, t0 + 31000, sent.id);
    EXPECT(driver.next_action() == momo::ActionKind::Wait);
    EXPECT(driver.wait_until_ms() == t0 + 33000);
    driver.tick(client, t0 + 33000);
    sent = driver.send();
    EXPECT(sent.endpoint == momo::Endpoint::Query);
    driver.on_network_error(client, t0 + 33050, sent.id);
    EXPECT(driver.next_action() == momo::ActionKind::Wait);
    // The IPN settles it while the driver waits.
    auto paid = client.verify_ipn(DRIVER_IPN_PAID);
    driver.on_ipn(client, t0 + 34000, paid);
    EXPECT(driver.next_action() == momo::ActionKind::Done);
    momo::Outcome outcome = driver.outcome();
    EXPECT(driver.order_id() == v.order_id && driver.request_id() == v.request_id);
    EXPECT(driver.amount() == v.amount && driver.last_result_code() == 0);
    EXPECT(driver.log_json().find("\"kind\":\"settled\"") != std::string::npos);
    expect_error([&] { driver.send(); }, MOMO_RESULT_INVALID_STATE, "driver");
    // A stale answer after the end changes nothing, and the outcome is a
    // copy that outlives the driver.
    driver.on_response(client, t0 + 35000, sent.id, 200, fake_answer(sent, 1006));
    EXPECT(driver.outcome().kind == momo::OutcomeKind::Paid);
    { momo::Driver gone = std::move(driver); }
    EXPECT(outcome.kind == momo::OutcomeKind::Paid && outcome.name == "paid");
    EXPECT(outcome.result_code == 0 && outcome.trans_id == "4088878653");
    EXPECT(outcome.description.find("paid") != std::string::npos);
    expect_error([] { momo::Driver::restore("{}", 1); }, MOMO_RESULT_INVALID_JSON, "");
    expect_error([&] { momo::Driver::start(client, p, t0, "{\"nope\":1}"); },
                 MOMO_RESULT_INVALID_JSON, "");
  }

  // Refunds: the request against the oracle, answers, refundTrans, bounds.
  {
    static_assert(!std::is_copy_constructible_v<momo::Refund>, "unique ownership");
    const refund_vector &rv = REFUND_VECTORS[0];
    momo::Refund refund(rv.order_id, rv.request_id, rv.amount, rv.trans_id);
    refund.description(rv.description).lang(momo::Lang::En).sub_partner_code("SUB1");
    momo::Request signed_refund = client.refund_request(refund);
    EXPECT(signed_refund.signature() == rv.signature);
    EXPECT(signed_refund.raw_signature() == rv.raw_signature);
    EXPECT(signed_refund.url() == "https://test-payment.momo.vn/v2/gateway/api/refund");
    EXPECT(signed_refund.body().find("\"subPartnerCode\":\"SUB1\"") != std::string_view::npos);
    for (const auto &big : REFUND_VECTORS) {
      momo::Refund r(big.order_id, big.request_id, big.amount, big.trans_id);
      EXPECT(client.refund_request(r.description(big.description)).signature() == big.signature);
    }
    momo::Refund cheap_refund("ORDER-9-R1", "ORDER-9-R1", MOMO_REFUND_MIN_AMOUNT - 1, "4088878653");
    expect_error([&] { client.refund_request(cheap_refund); }, MOMO_RESULT_INVALID_FIELD, "amount");
    EXPECT(client.with_refund_limits(1, MOMO_REFUND_MAX_AMOUNT).refund_request(cheap_refund)
               .order_id() == "ORDER-9-R1");
    momo::Refund too_big("ORDER-9-R1", "ORDER-9-R1", 1000, "9223372036854775808");
    expect_error([&] { client.refund_request(too_big); }, MOMO_RESULT_INVALID_FIELD, "transId");
    expect_error([] { momo::Refund("O", "R", 1000, "12a"); }, MOMO_RESULT_INVALID_FIELD, "transId");
    momo::Refund same("ORDER-9", "ORDER-9-R1", 1000, "4088878653");
    same.payment_order_id("ORDER-9");
    expect_error([&] { client.refund_request(same); }, MOMO_RESULT_INVALID_FIELD, "orderId");

    auto refund_body = [](const char *name) {
      for (const auto &r : REFUND_RESPONSE_VECTORS)
        if (std::strcmp(r.name, name) == 0) return std::string_view(r.body, r.body_len);
      return std::string_view();
    };
    auto answer = client.parse_refund_response(refund_body("refund_signed_valid"));
    EXPECT(answer.authenticity() == momo::Authenticity::Verified);
    EXPECT(answer.trans_id() == std::string_view("9007199254740995"));
    EXPECT(answer.amount() == 20000u);
    answer.check_request(signed_refund);
    expect_error([&] { answer.refunds(); }, MOMO_RESULT_ABSENT, "refundTrans");
    expect_error([&] { client.parse_refund_response(refund_body("refund_signed_amount_tampered")); },
                 MOMO_RESULT_SIGNATURE_MISMATCH, "signature");
    for (const auto &r : RESPONSE_VECTORS) {
      if (std::strcmp(r.name, "query_signed_with_lists") != 0) continue;
      auto query = client.parse_query_response(std::string_view(r.body, r.body_len));
      std::vector<momo::RefundTrans> refunds = query.refunds();
      EXPECT(refunds.size() == 2);
      EXPECT(refunds[0].order_id == "MM1540456472575-r1" && refunds[0].amount == 10000);
      EXPECT(refunds[0].trans_id == "9007199254740993" && refunds[0].result_code == 0);
      EXPECT(refunds[0].created_time == 1763886500000ULL);
      EXPECT(refunds[1].result_code == 1080);
      auto found = query.refund("MM1540456472575-r2");
      EXPECT(found.has_value() && found->trans_id == "4088878999");
      EXPECT(!query.refund("MM1540456472575-r3").has_value());
    }
    expect_error([&] { answer.refund("x"); }, MOMO_RESULT_ABSENT, "refundTrans");
  }

  // The refund driver: a lost refund, a status query that does not list
  // it, the identical bytes again, refunded; snapshot/restore in flight.
  {
    static_assert(!std::is_copy_constructible_v<momo::RefundDriver>, "unique ownership");
    static_assert(std::is_same_v<decltype(momo::RefundOutcome::trans_id), std::string>, "a copy");
    const refund_vector &rv = REFUND_VECTORS[0];
    const uint64_t t0 = 1700000000000ULL;
    auto field = [](const momo::Send &sent, const char *key) {
      std::string needle = std::string("\"") + key + "\":\"";
      auto at = sent.body.find(needle);
      if (at == std::string::npos) return std::string();
      at += needle.size();
      return sent.body.substr(at, sent.body.find('"', at) - at);
    };
    auto refund_answer = [&](const momo::Send &sent, int code) {
      return "{\"partnerCode\":\"MOMO\",\"orderId\":\"" + field(sent, "orderId") +
             "\",\"requestId\":\"" + field(sent, "requestId") +
             "\",\"amount\":50000,\"transId\":4088879001,\"resultCode\":" +
             std::to_string(code) + ",\"message\":\"fake\",\"responseTime\":1}";
    };
    auto query_answer = [&](const momo::Send &sent, const std::string &refund_trans) {
      return "{\"partnerCode\":\"MOMO\",\"orderId\":\"" + field(sent, "orderId") +
             "\",\"requestId\":\"" + field(sent, "requestId") +
             "\",\"amount\":50000,\"transId\":4088878653,\"resultCode\":0,"
             "\"message\":\"fake\",\"responseTime\":1,\"refundTrans\":" +
             refund_trans + "}";
    };
    momo::Refund refund(rv.order_id, rv.request_id, rv.amount, rv.trans_id);
    refund.description(rv.description);
    const momo::PaidPayment paid{"MM1540456472575", "4088878653", 50000};
    auto driver = momo::RefundDriver::start(client, refund, paid, t0);
    EXPECT(driver.next_action() == momo::ActionKind::Send);
    momo::Send sent = driver.send();
    EXPECT(sent.endpoint == momo::Endpoint::Refund && sent.attempt == 1);
    EXPECT(sent.body.find(rv.signature) != std::string::npos);
    EXPECT(sent.request_id == rv.request_id && sent.deadline_ms == t0 + 30000);
    const std::string first_body = sent.body;
    EXPECT(driver.order_id() == rv.order_id && driver.request_id() == rv.request_id);
    EXPECT(driver.payment_order_id() == "MM1540456472575");
    EXPECT(driver.payment_trans_id() == "4088878653" && driver.amount() == 50000);
    EXPECT(!driver.last_result_code().has_value());
    expect_error([&] { driver.wait_until_ms(); }, MOMO_RESULT_INVALID_STATE, "driver");
    expect_error([&] { driver.outcome(); }, MOMO_RESULT_INVALID_STATE, "driver");
    // Power loss in flight: the same bytes under a new id.
    const momo::Send before = sent;
    driver = momo::RefundDriver::restore(driver.snapshot(), t0 + 100);
    sent = driver.send();
    EXPECT(sent.body == first_body && sent.id != before.id && sent.deadline_ms == t0 + 30100);
    driver.on_network_error(client, t0 + 200, sent.id);
    EXPECT(driver.next_action() == momo::ActionKind::Wait);
    EXPECT(driver.wait_until_ms() == t0 + 2200);
    driver.tick(client, t0 + 2200);
    sent = driver.send();
    EXPECT(sent.endpoint == momo::Endpoint::Query);
    EXPECT(sent.request_id == std::string(rv.request_id) + "-q1");
    driver.on_response(client, t0 + 2300, sent.id, 200, query_answer(sent, "[]"));
    sent = driver.send();
    EXPECT(sent.endpoint == momo::Endpoint::Refund && sent.attempt == 2);
    EXPECT(sent.body == first_body && sent.request_id == rv.request_id);
    driver.on_response(client, t0 + 2400, sent.id, 200, refund_answer(sent, 0));
    EXPECT(driver.next_action() == momo::ActionKind::Done);
    momo::RefundOutcome outcome = driver.outcome();
    EXPECT(driver.log_json().find("\"kind\":\"refundSettled\"") != std::string::npos);
    { momo::RefundDriver gone = std::move(driver); }
    EXPECT(outcome.kind == momo::RefundOutcomeKind::Refunded && outcome.name == "refunded");
    EXPECT(outcome.result_code == 0 && outcome.trans_id == "4088879001");
    EXPECT(outcome.description.find("refunded") != std::string::npos);

    // Refused; timeouts; the guard.
    auto refused = momo::RefundDriver::start(client, refund, paid, t0, "{\"maxRefundSends\":1}");
    sent = refused.send();
    refused.on_timeout(client, t0 + 30000, sent.id);
    refused.tick(client, t0 + 32000);
    sent = refused.send();
    refused.on_response(client, t0 + 32100, sent.id, 200,
                        query_answer(sent, "[{\"orderId\":\"" + std::string(rv.order_id) +
                                               "\",\"amount\":50000,\"resultCode\":1081,"
                                               "\"transId\":4088879001}]"));
    momo::RefundOutcome no = refused.outcome();
    EXPECT(no.kind == momo::RefundOutcomeKind::Refused && no.result_code == 1081);
    EXPECT(no.trans_id.empty() && refused.last_result_code() == 1081);
    const momo::PaidPayment mostly{"MM1540456472575", "4088878653", 50000, 10000};
    expect_error([&] { momo::RefundDriver::start(client, refund, mostly, t0); },
                 MOMO_RESULT_INVALID_FIELD, "amount");
    const momo::PaidPayment itself{rv.order_id, "4088878653", 50000};
    expect_error([&] { momo::RefundDriver::start(client, refund, itself, t0); },
                 MOMO_RESULT_INVALID_FIELD, "orderId");
    expect_error([&] { momo::RefundDriver::start(client, refund, paid, t0, "{\"nope\":1}"); },
                 MOMO_RESULT_INVALID_JSON, "");
    expect_error([] { momo::RefundDriver::restore("garbage", 1); }, MOMO_RESULT_INVALID_JSON, "");
    expect_error([] { momo::RefundDriver::restore(DRIVER_SNAPSHOT_V1, 1); },
                 MOMO_RESULT_INVALID_STATE, "");
  }

  // Moving hands the handle over; the moved-from object frees nothing.
  momo::Client moved = std::move(client);
  EXPECT(moved.base_url() == "https://test-payment.momo.vn");

  std::printf("C++ wrapper: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
