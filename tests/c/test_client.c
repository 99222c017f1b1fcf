/* Clients: credentials, environments, amount limits, language. */
#include "test.h"

static void environments_give_base_urls(void) {
  static const struct { const char *environment; const char *base_url; } cases[] = {
      {"test", "https://test-payment.momo.vn"},
      {"production", "https://payment.momo.vn"},
      {"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    momo_client *client = NULL;
    CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY),
                             CS(cases[i].environment), &client),
             MOMO_RESULT_OK);
    momo_str url;
    CHECK_RC(momo_client_base_url(client, &url), MOMO_RESULT_OK);
    CHECK_STR(url, cases[i].base_url);
    momo_client_free(client);
  }
}

static void refuses_bad_credentials_and_environments(void) {
  momo_client *client = SENTINEL;
  CHECK_RC(momo_client_new(S(""), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &client),
           MOMO_RESULT_INVALID_CREDENTIALS);
  CHECK_FIELD("partnerCode");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY "\n"), S("test"),
                           &client),
           MOMO_RESULT_INVALID_CREDENTIALS);
  CHECK_FIELD("secretKey");
  CHECK(strstr(momo_last_error_message(), V_SECRET_KEY) == NULL); /* never echoed */
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("prod"),
                           &client),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("baseUrl");
  CHECK_RC(momo_client_new(NULL, 4, S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &client),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("partner_code");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), NULL, 4, S(V_SECRET_KEY), S("test"), &client),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("access_key");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), NULL, 4, S("test"), &client),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("secret_key");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY), NULL, 4, &client),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("environment");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), NULL),
           MOMO_RESULT_NULL_POINTER);
  CHECK_FIELD("out");
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(BAD_UTF8), S(V_SECRET_KEY), S("test"), &client),
           MOMO_RESULT_INVALID_UTF8);
  CHECK_RC(momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S("K951\0B6PE"), S("test"),
                           &client),
           MOMO_RESULT_EMBEDDED_NUL);
  CHECK_RC(momo_client_new("MOMO", SIZE_MAX, S(V_ACCESS_KEY), S(V_SECRET_KEY), S("test"), &client),
           MOMO_RESULT_INPUT_TOO_LONG);
  CHECK(client == SENTINEL);
  momo_client_free(NULL);
}

static void amount_limits_apply_to_requests(void) {
  momo_client *client = test_client();
  momo_client *small = NULL;
  CHECK_RC(momo_client_with_amount_limits(client, 1, 10, &small), MOMO_RESULT_OK);
  momo_request *request = SENTINEL;
  CHECK_RC(momo_client_confirm_request(small, S("ORDER-1"), S("ORDER-1-c"), 5,
                                       MOMO_CONFIRM_CAPTURE, NULL, 0, MOMO_LANG_DEFAULT, &request),
           MOMO_RESULT_OK);
  momo_request_free(request);
  request = SENTINEL;
  /* The original client keeps Quick Pay's 1,000 VND minimum. */
  CHECK_RC(momo_client_confirm_request(client, S("ORDER-1"), S("ORDER-1-c"), 5,
                                       MOMO_CONFIRM_CAPTURE, NULL, 0, MOMO_LANG_DEFAULT, &request),
           MOMO_RESULT_INVALID_FIELD);
  CHECK_FIELD("amount");
  CHECK(request == SENTINEL);
  momo_client *bad = SENTINEL;
  CHECK_RC(momo_client_with_amount_limits(client, 10, 9, &bad), MOMO_RESULT_INVALID_FIELD);
  CHECK_RC(momo_client_with_amount_limits(client, 0, 9, &bad), MOMO_RESULT_INVALID_FIELD);
  CHECK_RC(momo_client_with_amount_limits(NULL, 1, 10, &bad), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_with_amount_limits(client, 1, 10, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(bad == SENTINEL);
  momo_client_free(small);
  momo_client_free(client);
}

static void lang_applies_to_requests(void) {
  momo_client *client = test_client();
  momo_client *english = NULL;
  CHECK_RC(momo_client_with_lang(client, MOMO_LANG_EN, &english), MOMO_RESULT_OK);
  momo_request *request = NULL;
  momo_str body;
  CHECK_RC(momo_client_query_request(english, S("ORDER-1"), S("q1"), MOMO_LANG_DEFAULT, &request),
           MOMO_RESULT_OK);
  CHECK_RC(momo_request_body(request, &body), MOMO_RESULT_OK);
  CHECK(contains(body, "\"lang\":\"en\""));
  momo_request_free(request);
  /* A request's own lang wins over the client's. */
  CHECK_RC(momo_client_query_request(english, S("ORDER-1"), S("q2"), MOMO_LANG_VI, &request),
           MOMO_RESULT_OK);
  CHECK_RC(momo_request_body(request, &body), MOMO_RESULT_OK);
  CHECK(contains(body, "\"lang\":\"vi\""));
  momo_request_free(request);
  momo_client *bad = SENTINEL;
  CHECK_RC(momo_client_with_lang(client, 7, &bad), MOMO_RESULT_INVALID_ARGUMENT);
  CHECK_FIELD("lang");
  CHECK_RC(momo_client_with_lang(NULL, MOMO_LANG_EN, &bad), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_with_lang(client, MOMO_LANG_EN, NULL), MOMO_RESULT_NULL_POINTER);
  CHECK(bad == SENTINEL);
  momo_str url;
  CHECK_RC(momo_client_base_url(NULL, &url), MOMO_RESULT_NULL_POINTER);
  CHECK_RC(momo_client_base_url(client, NULL), MOMO_RESULT_NULL_POINTER);
  momo_client_free(english);
  momo_client_free(client);
}

void suite_client(void) {
  RUN(environments_give_base_urls);
  RUN(refuses_bad_credentials_and_environments);
  RUN(amount_limits_apply_to_requests);
  RUN(lang_applies_to_requests);
}
