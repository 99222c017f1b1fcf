// momo_pos.hpp: a header-only C++17 wrapper over the momo-pos C ABI
// (momo_pos.h). Each handle is owned by exactly one object (move-only,
// released in the destructor); every failure throws momo::Error with the
// momo_result code, the detailed message and the field to blame. Text goes
// in as std::string_view; text read from a handle comes back as a
// std::string_view that lives as long as that handle, except a Driver's
// (and a RefundDriver's) Send and Outcome, which are std::string copies
// (the driver's own views die with the next event fed to it).
#ifndef MOMO_POS_HPP
#define MOMO_POS_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "momo_pos.h"

namespace momo {

// A failed call: code() is the momo_result, name() its stable snake_case
// name, field() the field to blame ("" when none), what() the details.
class Error : public std::runtime_error {
 public:
  Error(momo_result code, const char *message, const char *field)
      : std::runtime_error(message), code_(code), field_(field) {}
  momo_result code() const noexcept { return code_; }
  const std::string &field() const noexcept { return field_; }
  const char *name() const noexcept { return momo_result_name(code_); }

 private:
  momo_result code_;
  std::string field_;
};

namespace detail {

inline void check(momo_result rc) {
  if (rc != MOMO_RESULT_OK) throw Error(rc, momo_last_error_message(), momo_last_error_field());
}

// string_view::data() may be NULL for an empty view; the C ABI refuses NULL.
inline const char *data(std::string_view text) noexcept { return text.data() ? text.data() : ""; }

// A received body as the C ABI takes it.
inline const uint8_t *bytes(std::string_view body) noexcept {
  return reinterpret_cast<const uint8_t *>(data(body));
}

inline std::string_view view(momo_str s) noexcept { return {s.data, s.len}; }

template <typename T, void (*Free)(T *)>
struct Deleter {
  void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, void (*Free)(T *)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// Reads an optional field: std::nullopt for MOMO_RESULT_ABSENT.
template <typename H, typename V>
std::optional<V> optional(momo_result (*get)(const H *, V *), const H *handle) {
  V value{};
  momo_result rc = get(handle, &value);
  if (rc == MOMO_RESULT_ABSENT) return std::nullopt;
  check(rc);
  return value;
}

template <typename H, typename V>
V required(momo_result (*get)(const H *, V *), const H *handle) {
  V value{};
  check(get(handle, &value));
  return value;
}

}  // namespace detail

enum class Lang : momo_lang { Default = MOMO_LANG_DEFAULT, Vi = MOMO_LANG_VI, En = MOMO_LANG_EN };
enum class ConfirmAction : momo_confirm_action {
  Capture = MOMO_CONFIRM_CAPTURE,
  Cancel = MOMO_CONFIRM_CANCEL
};
enum class Authenticity : momo_authenticity {
  Unsigned = MOMO_AUTHENTICITY_UNSIGNED,
  Verified = MOMO_AUTHENTICITY_VERIFIED
};

// The library's version (compare with MOMO_POS_VERSION).
inline std::string_view version() noexcept { return momo_version(); }

// The normalized form of a scanned payment code ("]Q1MM5619...\r\n" ->
// "MM5619..."); throws momo::Error with the reason otherwise.
inline std::string normalize_payment_code(std::string_view scanned) {
  char out[MOMO_PAYMENT_CODE_BUFFER_LEN];
  size_t len = 0;
  detail::check(momo_payment_code_normalize(detail::data(scanned), scanned.size(), out,
                                            sizeof out, &len));
  return std::string(out, len);
}

// What a resultCode means; the strings are static.
struct ResultCodeInfo {
  int64_t code;
  std::string_view message_en;
  std::string_view message_vi;
  bool is_final;
  bool is_known;
  bool is_success;
  std::string_view category;
  std::string_view next_step;
};

inline ResultCodeInfo explain(int64_t code) {
  momo_result_code_info info{};
  detail::check(momo_result_code_explain(code, &info));
  return {info.code,     info.message_en, info.message_vi, info.is_final,
          info.is_known, info.is_success, info.category,   info.next_step};
}

// Every code of the catalogue, sorted.
inline std::vector<ResultCodeInfo> catalogue() {
  size_t len = 0;
  detail::check(momo_result_code_catalogue_len(&len));
  std::vector<ResultCodeInfo> all;
  all.reserve(len);
  for (size_t i = 0; i < len; i++) {
    momo_result_code_info info{};
    detail::check(momo_result_code_catalogue_get(i, &info));
    all.push_back({info.code, info.message_en, info.message_vi, info.is_final, info.is_known,
                   info.is_success, info.category, info.next_step});
  }
  return all;
}

namespace detail {
inline std::string take(momo_buffer *buffer) {
  Owned<momo_buffer, momo_buffer_free> owned(buffer);
  return std::string(momo_buffer_data(buffer), momo_buffer_len(buffer));
}
}  // namespace detail

// extraData from a JSON object's text ("" for {}), and back.
inline std::string extra_data_encode(std::string_view json_object) {
  momo_buffer *buffer = nullptr;
  detail::check(momo_extra_data_encode(detail::data(json_object), json_object.size(), &buffer));
  return detail::take(buffer);
}
inline std::string extra_data_decode(std::string_view extra_data) {
  momo_buffer *buffer = nullptr;
  detail::check(momo_extra_data_decode(detail::data(extra_data), extra_data.size(), &buffer));
  return detail::take(buffer);
}

// MoMo's RSA public key. Immutable: share it between threads.
class PublicKey {
 public:
  static PublicKey parse(std::string_view text) {
    momo_public_key *key = nullptr;
    detail::check(momo_public_key_parse(detail::data(text), text.size(), &key));
    return PublicKey(key);
  }
  std::size_t bits() const { return detail::required(momo_public_key_bits, get()); }
  // The base64 ciphertext of a scanned code (normalized first).
  std::string encrypt(std::string_view scanned) const {
    momo_buffer *buffer = nullptr;
    detail::check(momo_public_key_encrypt(get(), detail::data(scanned), scanned.size(), &buffer));
    return detail::take(buffer);
  }
  const momo_public_key *get() const noexcept { return key_.get(); }

 private:
  explicit PublicKey(momo_public_key *key) : key_(key) {}
  detail::Owned<momo_public_key, momo_public_key_free> key_;
};

// A signed request: POST body() to url() with Content-Type content_type().
class Request {
 public:
  std::string_view url() const { return text(momo_request_url); }
  std::string_view body() const { return text(momo_request_body); }
  std::string_view content_type() const { return text(momo_request_content_type); }
  std::string_view signature() const { return text(momo_request_signature); }
  std::string_view raw_signature() const { return text(momo_request_raw_signature); }
  std::string_view order_id() const { return text(momo_request_order_id); }
  std::string_view request_id() const { return text(momo_request_request_id); }
  uint64_t timeout_ms() const { return detail::required(momo_request_timeout_ms, get()); }
  const momo_request *get() const noexcept { return request_.get(); }

 private:
  friend class Client;
  explicit Request(momo_request *request) : request_(request) {}
  std::string_view text(momo_result (*get_text)(const momo_request *, momo_str *)) const {
    return detail::view(detail::required(get_text, get()));
  }
  detail::Owned<momo_request, momo_request_free> request_;
};

// A pos payment being built; setters chain. Rules are checked when signed.
class PosPayment {
 public:
  PosPayment(std::string_view order_id, std::string_view request_id, uint64_t amount,
             std::string_view encrypted_code) {
    momo_pos_payment *payment = nullptr;
    detail::check(momo_pos_payment_new(detail::data(order_id), order_id.size(),
                                       detail::data(request_id), request_id.size(), amount,
                                       detail::data(encrypted_code), encrypted_code.size(),
                                       &payment));
    payment_.reset(payment);
  }
  PosPayment &order_info(std::string_view v) { return set(momo_pos_payment_set_order_info, v); }
  PosPayment &extra_data(std::string_view v) { return set(momo_pos_payment_set_extra_data, v); }
  PosPayment &ipn_url(std::string_view v) { return set(momo_pos_payment_set_ipn_url, v); }
  PosPayment &store_id(std::string_view v) { return set(momo_pos_payment_set_store_id, v); }
  PosPayment &store_name(std::string_view v) { return set(momo_pos_payment_set_store_name, v); }
  PosPayment &sub_partner_code(std::string_view v) {
    return set(momo_pos_payment_set_sub_partner_code, v);
  }
  PosPayment &items_json(std::string_view v) { return set(momo_pos_payment_set_items_json, v); }
  PosPayment &auto_capture(bool v) {
    detail::check(momo_pos_payment_set_auto_capture(payment_.get(), v));
    return *this;
  }
  PosPayment &order_group_id(uint64_t v) {
    detail::check(momo_pos_payment_set_order_group_id(payment_.get(), v));
    return *this;
  }
  PosPayment &request_time(uint64_t epoch_millis) {
    detail::check(momo_pos_payment_set_request_time(payment_.get(), epoch_millis));
    return *this;
  }
  PosPayment &lang(Lang v) {
    detail::check(momo_pos_payment_set_lang(payment_.get(), static_cast<momo_lang>(v)));
    return *this;
  }
  PosPayment &add_item(std::string_view id, std::string_view name, uint64_t price,
                       uint32_t quantity) {
    detail::check(momo_pos_payment_add_item(payment_.get(), detail::data(id), id.size(),
                                            detail::data(name), name.size(), price, quantity));
    return *this;
  }
  PosPayment &user_info(std::optional<std::string_view> name,
                        std::optional<std::string_view> phone_number,
                        std::optional<std::string_view> email) {
    auto ptr = [](const std::optional<std::string_view> &v) {
      return v ? detail::data(*v) : nullptr;
    };
    auto len = [](const std::optional<std::string_view> &v) { return v ? v->size() : 0; };
    detail::check(momo_pos_payment_set_user_info(payment_.get(), ptr(name), len(name),
                                                 ptr(phone_number), len(phone_number),
                                                 ptr(email), len(email)));
    return *this;
  }
  const momo_pos_payment *get() const noexcept { return payment_.get(); }

 private:
  PosPayment &set(momo_result (*setter)(momo_pos_payment *, const char *, size_t),
                  std::string_view value) {
    detail::check(setter(payment_.get(), detail::data(value), value.size()));
    return *this;
  }
  detail::Owned<momo_pos_payment, momo_pos_payment_free> payment_;
};

// A refund of a paid payment being built; setters chain. Rules are checked
// when signed (Client::refund_request) or by RefundDriver::start.
// trans_id: MoMo's transId of the payment, as digits.
class Refund {
 public:
  Refund(std::string_view order_id, std::string_view request_id, uint64_t amount,
         std::string_view trans_id) {
    momo_refund *refund = nullptr;
    detail::check(momo_refund_new(detail::data(order_id), order_id.size(),
                                  detail::data(request_id), request_id.size(), amount,
                                  detail::data(trans_id), trans_id.size(), &refund));
    refund_.reset(refund);
  }
  Refund &description(std::string_view v) { return set(momo_refund_set_description, v); }
  Refund &sub_partner_code(std::string_view v) {
    return set(momo_refund_set_sub_partner_code, v);
  }
  // The payment's own orderId (not sent): signing refuses a refund orderId
  // equal to it.
  Refund &payment_order_id(std::string_view v) {
    return set(momo_refund_set_payment_order_id, v);
  }
  // Lang::Default: the client's language.
  Refund &lang(Lang v) {
    detail::check(momo_refund_set_lang(refund_.get(), static_cast<momo_lang>(v)));
    return *this;
  }
  const momo_refund *get() const noexcept { return refund_.get(); }

 private:
  Refund &set(momo_result (*setter)(momo_refund *, const char *, size_t),
              std::string_view value) {
    detail::check(setter(refund_.get(), detail::data(value), value.size()));
    return *this;
  }
  detail::Owned<momo_refund, momo_refund_free> refund_;
};

// One refund of a payment as a status query's refundTrans lists it; the
// views live as long as the Response.
struct RefundTrans {
  std::string_view order_id;  // the refund's own orderId
  uint64_t amount;
  int64_t result_code;         // 0 refunded, 7000/7002 in progress
  std::string_view trans_id;   // the refund's transId, exact digits
  std::optional<uint64_t> created_time;
};

// A verified payment notification (IPN).
class Notification {
 public:
  int64_t result_code() const { return detail::required(momo_notification_result_code, get()); }
  bool is_paid() const { return detail::required(momo_notification_is_paid, get()); }
  uint64_t amount() const { return detail::required(momo_notification_amount, get()); }
  uint64_t response_time() const {
    return detail::required(momo_notification_response_time, get());
  }
  std::string_view partner_code() const { return text(momo_notification_partner_code); }
  std::string_view order_id() const { return text(momo_notification_order_id); }
  std::string_view request_id() const { return text(momo_notification_request_id); }
  std::string_view order_info() const { return text(momo_notification_order_info); }
  std::string_view order_type() const { return text(momo_notification_order_type); }
  std::string_view trans_id() const { return text(momo_notification_trans_id); }
  std::string_view message() const { return text(momo_notification_message); }
  std::string_view pay_type() const { return text(momo_notification_pay_type); }
  std::string_view extra_data() const { return text(momo_notification_extra_data); }
  std::string_view dedupe_key() const { return text(momo_notification_dedupe_key); }
  std::optional<std::string_view> partner_user_id() const {
    auto s = detail::optional(momo_notification_partner_user_id, get());
    if (!s) return std::nullopt;
    return detail::view(*s);
  }
  // Throws momo::Error (field_mismatch, field "orderId" or "amount").
  void check_order(std::string_view order_id, uint64_t amount) const {
    detail::check(momo_notification_check_order(get(), detail::data(order_id), order_id.size(),
                                                amount));
  }
  const momo_notification *get() const noexcept { return notification_.get(); }

 private:
  friend class Client;
  explicit Notification(momo_notification *n) : notification_(n) {}
  std::string_view text(momo_result (*get_text)(const momo_notification *, momo_str *)) const {
    return detail::view(detail::required(get_text, get()));
  }
  detail::Owned<momo_notification, momo_notification_free> notification_;
};

// MoMo's answer to a pos, query, confirm or refund call.
class Response {
 public:
  Authenticity authenticity() const {
    return static_cast<Authenticity>(detail::required(momo_response_authenticity, get()));
  }
  int64_t result_code() const { return detail::required(momo_response_result_code, get()); }
  ResultCodeInfo result() const { return explain(result_code()); }
  std::optional<uint64_t> amount() const { return detail::optional(momo_response_amount, get()); }
  std::optional<uint64_t> response_time() const {
    return detail::optional(momo_response_response_time, get());
  }
  std::string_view message() const { return *text(momo_response_message); }
  std::optional<std::string_view> partner_code() const { return text(momo_response_partner_code); }
  std::optional<std::string_view> order_id() const { return text(momo_response_order_id); }
  std::optional<std::string_view> request_id() const { return text(momo_response_request_id); }
  std::optional<std::string_view> trans_id() const { return text(momo_response_trans_id); }
  std::optional<std::string_view> extra_data() const { return text(momo_response_extra_data); }
  std::optional<std::string_view> pay_type() const { return text(momo_response_pay_type); }
  std::optional<std::string_view> payment_option() const {
    return text(momo_response_payment_option);
  }
  std::optional<std::string_view> refund_trans() const { return text(momo_response_refund_trans); }
  std::optional<std::string_view> promotion_info() const {
    return text(momo_response_promotion_info);
  }
  std::optional<std::string_view> request_type() const { return text(momo_response_request_type); }
  // refundTrans of a query answer as typed entries (empty when none);
  // throws momo::Error (absent) for another answer, or naming the bad
  // entry ("refundTrans[1].amount") when MoMo malformed the list.
  std::vector<RefundTrans> refunds() const {
    std::size_t count = detail::required(momo_response_refund_count, get());
    std::vector<RefundTrans> all;
    all.reserve(count);
    for (std::size_t i = 0; i < count; i++) {
      momo_refund_trans t{};
      detail::check(momo_response_refund_get(get(), i, &t));
      all.push_back(refund_of(t));
    }
    return all;
  }
  // The entry of the refund whose own orderId is `order_id`, if listed.
  std::optional<RefundTrans> refund(std::string_view order_id) const {
    momo_refund_trans t{};
    momo_result rc =
        momo_response_refund_find(get(), detail::data(order_id), order_id.size(), &t);
    if (rc == MOMO_RESULT_ABSENT) {
      // Not listed, or not a query answer (which throws).
      detail::required(momo_response_refund_count, get());
      return std::nullopt;
    }
    detail::check(rc);
    return refund_of(t);
  }
  // Throws momo::Error (field_mismatch) when the answer is about another request.
  void check_request(const Request &request) const {
    detail::check(momo_response_check_request(get(), request.get()));
  }
  const momo_response *get() const noexcept { return response_.get(); }

 private:
  friend class Client;
  explicit Response(momo_response *r) : response_(r) {}
  static RefundTrans refund_of(const momo_refund_trans &t) {
    return {detail::view(t.order_id), t.amount, t.result_code, detail::view(t.trans_id),
            t.has_created_time ? std::optional<uint64_t>(t.created_time) : std::nullopt};
  }
  std::optional<std::string_view> text(
      momo_result (*get_text)(const momo_response *, momo_str *)) const {
    auto s = detail::optional(get_text, get());
    if (!s) return std::nullopt;
    return detail::view(*s);
  }
  detail::Owned<momo_response, momo_response_free> response_;
};

// The merchant's client. Immutable: share one between threads.
class Client {
 public:
  // environment: "test", "production" or a base URL.
  static Client create(std::string_view partner_code, std::string_view access_key,
                       std::string_view secret_key, std::string_view environment = "test") {
    momo_client *client = nullptr;
    detail::check(momo_client_new(detail::data(partner_code), partner_code.size(),
                                  detail::data(access_key), access_key.size(),
                                  detail::data(secret_key), secret_key.size(),
                                  detail::data(environment), environment.size(), &client));
    return Client(client);
  }
  Client with_amount_limits(uint64_t min_amount, uint64_t max_amount) const {
    momo_client *client = nullptr;
    detail::check(momo_client_with_amount_limits(get(), min_amount, max_amount, &client));
    return Client(client);
  }
  // Other refund bounds (by default MOMO_REFUND_MIN_AMOUNT..MOMO_REFUND_MAX_AMOUNT).
  Client with_refund_limits(uint64_t min_amount, uint64_t max_amount) const {
    momo_client *client = nullptr;
    detail::check(momo_client_with_refund_limits(get(), min_amount, max_amount, &client));
    return Client(client);
  }
  Client with_lang(Lang lang) const {
    momo_client *client = nullptr;
    detail::check(momo_client_with_lang(get(), static_cast<momo_lang>(lang), &client));
    return Client(client);
  }
  std::string_view base_url() const {
    return detail::view(detail::required(momo_client_base_url, get()));
  }
  Request pos_request(const PosPayment &payment) const {
    momo_request *request = nullptr;
    detail::check(momo_client_pos_request(get(), payment.get(), &request));
    return Request(request);
  }
  Request query_request(std::string_view order_id, std::string_view request_id,
                        Lang lang = Lang::Default) const {
    momo_request *request = nullptr;
    detail::check(momo_client_query_request(get(), detail::data(order_id), order_id.size(),
                                            detail::data(request_id), request_id.size(),
                                            static_cast<momo_lang>(lang), &request));
    return Request(request);
  }
  Request confirm_request(std::string_view order_id, std::string_view request_id, uint64_t amount,
                          ConfirmAction action, std::string_view description = {},
                          Lang lang = Lang::Default) const {
    momo_request *request = nullptr;
    detail::check(momo_client_confirm_request(
        get(), detail::data(order_id), order_id.size(), detail::data(request_id),
        request_id.size(), amount, static_cast<momo_confirm_action>(action),
        detail::data(description), description.size(), static_cast<momo_lang>(lang), &request));
    return Request(request);
  }
  // Sign once and keep it: a resend must be these bytes (RefundDriver does it).
  Request refund_request(const Refund &refund) const {
    momo_request *request = nullptr;
    detail::check(momo_client_refund_request(get(), refund.get(), &request));
    return Request(request);
  }
  Notification verify_ipn(std::string_view body) const {
    momo_notification *n = nullptr;
    detail::check(momo_client_verify_ipn(get(), detail::bytes(body), body.size(), &n));
    return Notification(n);
  }
  Response parse_pos_response(std::string_view body) const {
    return parse(momo_client_parse_pos_response, body);
  }
  Response parse_query_response(std::string_view body) const {
    return parse(momo_client_parse_query_response, body);
  }
  Response parse_confirm_response(std::string_view body) const {
    return parse(momo_client_parse_confirm_response, body);
  }
  // trans_id() of the answer is the refund's own transId.
  Response parse_refund_response(std::string_view body) const {
    return parse(momo_client_parse_refund_response, body);
  }
  const momo_client *get() const noexcept { return client_.get(); }

 private:
  explicit Client(momo_client *client) : client_(client) {}
  Response parse(momo_result (*parse_fn)(const momo_client *, const uint8_t *, size_t,
                                         momo_response **),
                 std::string_view body) const {
    momo_response *r = nullptr;
    detail::check(parse_fn(get(), detail::bytes(body), body.size(), &r));
    return Response(r);
  }
  detail::Owned<momo_client, momo_client_free> client_;
};

enum class ActionKind : momo_action_kind {
  Send = MOMO_ACTION_SEND,
  Wait = MOMO_ACTION_WAIT,
  Decide = MOMO_ACTION_DECIDE,
  Done = MOMO_ACTION_DONE
};
enum class Endpoint : momo_endpoint {
  Pos = MOMO_ENDPOINT_POS,
  Query = MOMO_ENDPOINT_QUERY,
  Confirm = MOMO_ENDPOINT_CONFIRM,
  Refund = MOMO_ENDPOINT_REFUND
};
enum class OutcomeKind : momo_outcome_kind {
  Paid = MOMO_OUTCOME_PAID,
  Declined = MOMO_OUTCOME_DECLINED,
  Cancelled = MOMO_OUTCOME_CANCELLED,
  Unknown = MOMO_OUTCOME_UNKNOWN
};
enum class Stage : momo_stage {
  Paying = MOMO_STAGE_PAYING,
  Authorized = MOMO_STAGE_AUTHORIZED,
  Confirming = MOMO_STAGE_CONFIRMING,
  Done = MOMO_STAGE_DONE
};

// The request a MOMO_ACTION_SEND asks for: a copy, which outlives the
// events fed to the driver afterwards. Pass `id` back with what became of
// it (Driver::on_response, on_timeout, on_network_error); news about
// another id is stale and changes nothing.
struct Send {
  uint64_t id;
  Endpoint endpoint;
  std::string url;
  std::string body;
  std::string content_type;
  std::string request_id;
  uint64_t timeout_ms;
  uint64_t deadline_ms;
  uint32_t attempt;
};

namespace detail {
inline Send send_of(const momo_send &s) {
  return {s.id,
          static_cast<Endpoint>(s.endpoint),
          std::string(view(s.url)),
          std::string(view(s.body)),
          std::string(view(s.content_type)),
          std::string(view(s.request_id)),
          s.timeout_ms,
          s.deadline_ms,
          s.attempt};
}
}  // namespace detail

// How a payment ended: a copy, which outlives the driver.
struct Outcome {
  OutcomeKind kind;
  std::string name;
  std::optional<int64_t> result_code;  // none: unknown past the deadline
  std::string trans_id;                // "" when MoMo stated none
  std::string description;
};

// One payment's transaction driver (see README, "Driving a payment to a
// safe end"). Changes with every event: one thread at a time.
class Driver {
 public:
  // config_json: partial DriverConfig JSON, empty for the defaults.
  static Driver start(const Client &client, const PosPayment &payment, uint64_t now_ms,
                      std::string_view config_json = {}) {
    momo_driver *driver = nullptr;
    detail::check(momo_driver_start(client.get(), payment.get(),
                                    config_json.empty() ? nullptr : config_json.data(),
                                    config_json.size(), now_ms, &driver));
    return Driver(driver);
  }
  static Driver restore(std::string_view snapshot, uint64_t now_ms) {
    momo_driver *driver = nullptr;
    detail::check(momo_driver_restore(detail::data(snapshot), snapshot.size(), now_ms, &driver));
    return Driver(driver);
  }

  ActionKind next_action() const {
    return static_cast<ActionKind>(detail::required(momo_driver_next_action, get()));
  }
  // MOMO_ACTION_SEND only (else momo::Error MOMO_RESULT_INVALID_STATE).
  Send send() const { return detail::send_of(detail::required(momo_driver_send, get())); }
  uint64_t wait_until_ms() const { return detail::required(momo_driver_wait_until_ms, get()); }
  uint64_t decide_until_ms() const {
    return detail::required(momo_driver_decide_until_ms, get());
  }
  ConfirmAction decide_default() const {
    return static_cast<ConfirmAction>(detail::required(momo_driver_decide_default, get()));
  }
  Outcome outcome() const {
    momo_outcome o = detail::required(momo_driver_outcome, get());
    return {static_cast<OutcomeKind>(o.kind), std::string(detail::view(o.name)),
            o.has_result_code ? std::optional<int64_t>(o.result_code) : std::nullopt,
            std::string(detail::view(o.trans_id)), std::string(detail::view(o.description))};
  }

  // What became of the request Send::id `send_id`.
  void on_response(const Client &client, uint64_t now_ms, uint64_t send_id, uint16_t status,
                   std::string_view body) {
    detail::check(momo_driver_on_response(get(), client.get(), now_ms, send_id, status,
                                          detail::bytes(body), body.size()));
  }
  void on_timeout(const Client &client, uint64_t now_ms, uint64_t send_id) {
    detail::check(momo_driver_on_timeout(get(), client.get(), now_ms, send_id));
  }
  void on_network_error(const Client &client, uint64_t now_ms, uint64_t send_id) {
    detail::check(momo_driver_on_network_error(get(), client.get(), now_ms, send_id));
  }
  void on_ipn(const Client &client, uint64_t now_ms, const Notification &notification) {
    detail::check(momo_driver_on_ipn(get(), client.get(), now_ms, notification.get()));
  }
  void tick(const Client &client, uint64_t now_ms) {
    detail::check(momo_driver_tick(get(), client.get(), now_ms));
  }
  void decide(const Client &client, uint64_t now_ms, ConfirmAction action) {
    detail::check(momo_driver_decide(get(), client.get(), now_ms,
                                     static_cast<momo_confirm_action>(action)));
  }

  // Persist it before every send (the write-ahead rule).
  std::string snapshot() const { return buffer(momo_driver_snapshot); }
  std::string log_json() const { return buffer(momo_driver_log_json); }
  Stage stage() const { return static_cast<Stage>(detail::required(momo_driver_stage, get())); }
  std::string_view stage_name() const { return text(momo_driver_stage_name); }
  std::string_view order_id() const { return text(momo_driver_order_id); }
  std::string_view request_id() const { return text(momo_driver_request_id); }
  uint64_t amount() const { return detail::required(momo_driver_amount, get()); }
  std::optional<int64_t> last_result_code() const {
    return detail::optional(momo_driver_last_result_code, get());
  }
  const momo_driver *get() const noexcept { return driver_.get(); }
  momo_driver *get() noexcept { return driver_.get(); }

 private:
  explicit Driver(momo_driver *driver) : driver_(driver) {}
  std::string_view text(momo_result (*get_text)(const momo_driver *, momo_str *)) const {
    return detail::view(detail::required(get_text, get()));
  }
  std::string buffer(momo_result (*make)(const momo_driver *, momo_buffer **)) const {
    momo_buffer *b = nullptr;
    detail::check(make(get(), &b));
    return detail::take(b);
  }
  detail::Owned<momo_driver, momo_driver_free> driver_;
};

enum class RefundOutcomeKind : momo_refund_outcome_kind {
  Refunded = MOMO_REFUND_OUTCOME_REFUNDED,
  Refused = MOMO_REFUND_OUTCOME_REFUSED,
  Unknown = MOMO_REFUND_OUTCOME_UNKNOWN
};

// How a refund ended: a copy, which outlives the driver.
struct RefundOutcome {
  RefundOutcomeKind kind;
  std::string name;
  std::optional<int64_t> result_code;  // none: unknown, MoMo gave no code
  std::string trans_id;                // the refund's transId; "" when none
  std::string description;
};

// The payment being refunded, as the host's records have it: the guard
// that keeps refunds within what was paid.
struct PaidPayment {
  std::string order_id;
  std::string trans_id;  // MoMo's transId of the payment, digits
  uint64_t amount;
  uint64_t refunded = 0;  // refunded (or possibly refunded) before
};

// One refund's driver (see README, "C and C++"): the payment driver's host
// loop without a decision. Changes with every event: one thread at a time.
class RefundDriver {
 public:
  // config_json: partial RefundConfig JSON, empty for the defaults.
  static RefundDriver start(const Client &client, const Refund &refund,
                            const PaidPayment &payment, uint64_t now_ms,
                            std::string_view config_json = {}) {
    momo_refund_driver *driver = nullptr;
    detail::check(momo_refund_driver_start(
        client.get(), refund.get(), detail::data(payment.order_id), payment.order_id.size(),
        detail::data(payment.trans_id), payment.trans_id.size(), payment.amount,
        payment.refunded, config_json.empty() ? nullptr : config_json.data(),
        config_json.size(), now_ms, &driver));
    return RefundDriver(driver);
  }
  static RefundDriver restore(std::string_view snapshot, uint64_t now_ms) {
    momo_refund_driver *driver = nullptr;
    detail::check(
        momo_refund_driver_restore(detail::data(snapshot), snapshot.size(), now_ms, &driver));
    return RefundDriver(driver);
  }

  // ActionKind::Send, Wait or Done.
  ActionKind next_action() const {
    return static_cast<ActionKind>(detail::required(momo_refund_driver_next_action, get()));
  }
  // ActionKind::Send only (else momo::Error MOMO_RESULT_INVALID_STATE).
  Send send() const {
    return detail::send_of(detail::required(momo_refund_driver_send, get()));
  }
  uint64_t wait_until_ms() const {
    return detail::required(momo_refund_driver_wait_until_ms, get());
  }
  RefundOutcome outcome() const {
    momo_refund_outcome o = detail::required(momo_refund_driver_outcome, get());
    return {static_cast<RefundOutcomeKind>(o.kind), std::string(detail::view(o.name)),
            o.has_result_code ? std::optional<int64_t>(o.result_code) : std::nullopt,
            std::string(detail::view(o.trans_id)), std::string(detail::view(o.description))};
  }

  // What became of the request Send::id `send_id`.
  void on_response(const Client &client, uint64_t now_ms, uint64_t send_id, uint16_t status,
                   std::string_view body) {
    detail::check(momo_refund_driver_on_response(get(), client.get(), now_ms, send_id, status,
                                                 detail::bytes(body), body.size()));
  }
  void on_timeout(const Client &client, uint64_t now_ms, uint64_t send_id) {
    detail::check(momo_refund_driver_on_timeout(get(), client.get(), now_ms, send_id));
  }
  void on_network_error(const Client &client, uint64_t now_ms, uint64_t send_id) {
    detail::check(momo_refund_driver_on_network_error(get(), client.get(), now_ms, send_id));
  }
  void tick(const Client &client, uint64_t now_ms) {
    detail::check(momo_refund_driver_tick(get(), client.get(), now_ms));
  }

  // Persist it before every send (the write-ahead rule).
  std::string snapshot() const { return buffer(momo_refund_driver_snapshot); }
  std::string log_json() const { return buffer(momo_refund_driver_log_json); }
  std::string_view order_id() const { return text(momo_refund_driver_order_id); }
  std::string_view request_id() const { return text(momo_refund_driver_request_id); }
  std::string_view payment_order_id() const { return text(momo_refund_driver_payment_order_id); }
  std::string_view payment_trans_id() const { return text(momo_refund_driver_payment_trans_id); }
  uint64_t amount() const { return detail::required(momo_refund_driver_amount, get()); }
  std::optional<int64_t> last_result_code() const {
    return detail::optional(momo_refund_driver_last_result_code, get());
  }
  const momo_refund_driver *get() const noexcept { return driver_.get(); }
  momo_refund_driver *get() noexcept { return driver_.get(); }

 private:
  explicit RefundDriver(momo_refund_driver *driver) : driver_(driver) {}
  std::string_view text(momo_result (*get_text)(const momo_refund_driver *, momo_str *)) const {
    return detail::view(detail::required(get_text, get()));
  }
  std::string buffer(momo_result (*make)(const momo_refund_driver *, momo_buffer **)) const {
    momo_buffer *b = nullptr;
    detail::check(make(get(), &b));
    return detail::take(b);
  }
  detail::Owned<momo_refund_driver, momo_refund_driver_free> driver_;
};

}  // namespace momo

#endif  // MOMO_POS_HPP
