/* The link test of a release archive (scripts/test-c-cross.sh): built with
 * nothing but the archive's include/ and lib/ (plus the oracle's vectors),
 * it checks the library's version, signs a pos request and verifies an IPN
 * (and refuses a tampered one) as the oracle says. */
#include <stdio.h>
#include <string.h>

#include "momo_pos.h"
#include "vectors.h"

static const struct body_vector *ipn(const char *expect) {
  for (size_t i = 0; i < COUNT(IPN_VECTORS); i++)
    if (strcmp(IPN_VECTORS[i].expect, expect) == 0) return &IPN_VECTORS[i];
  return NULL;
}

int main(void) {
  int failed = 0;
  if (strcmp(momo_version(), MOMO_POS_VERSION) != 0) {
    fprintf(stderr, "library %s, header %s\n", momo_version(), MOMO_POS_VERSION);
    return 1;
  }
  momo_client *client = NULL;
  if (momo_client_new(V_PARTNER_CODE, strlen(V_PARTNER_CODE), V_ACCESS_KEY, strlen(V_ACCESS_KEY),
                      V_SECRET_KEY, strlen(V_SECRET_KEY), "test", 4, &client) != MOMO_RESULT_OK) {
    fprintf(stderr, "momo_client_new: %s\n", momo_last_error_message());
    return 1;
  }

  /* A pos request: the oracle's signature. */
  const struct pos_vector *v = &POS_VECTORS[0];
  momo_pos_payment *payment = NULL;
  momo_request *request = NULL;
  momo_str signature = {0};
  int signed_ok =
      momo_pos_payment_new(v->order_id, strlen(v->order_id), v->request_id, strlen(v->request_id),
                           v->amount, v->payment_code, strlen(v->payment_code),
                           &payment) == MOMO_RESULT_OK &&
      momo_pos_payment_set_order_info(payment, v->order_info, strlen(v->order_info)) ==
          MOMO_RESULT_OK &&
      momo_pos_payment_set_extra_data(payment, v->extra_data, strlen(v->extra_data)) ==
          MOMO_RESULT_OK &&
      momo_client_pos_request(client, payment, &request) == MOMO_RESULT_OK &&
      momo_request_signature(request, &signature) == MOMO_RESULT_OK &&
      strcmp(signature.data, v->signature) == 0;
  printf("pos request %s: %s\n", v->name, signed_ok ? "signed as the oracle" : "WRONG");
  failed |= !signed_ok;
  momo_request_free(request);
  momo_pos_payment_free(payment);

  /* An IPN verifies; a tampered one does not. */
  const struct body_vector *good = ipn("valid");
  const struct body_vector *bad = ipn("signature_mismatch");
  momo_notification *n = NULL;
  bool paid = false;
  int verified = good != NULL &&
                 momo_client_verify_ipn(client, (const uint8_t *)good->body, good->body_len, &n) ==
                     MOMO_RESULT_OK &&
                 momo_notification_is_paid(n, &paid) == MOMO_RESULT_OK && paid;
  momo_notification_free(n);
  n = NULL;
  int refused = bad != NULL &&
                momo_client_verify_ipn(client, (const uint8_t *)bad->body, bad->body_len, &n) ==
                    MOMO_RESULT_SIGNATURE_MISMATCH &&
                n == NULL;
  printf("IPN %s: %s; IPN %s: %s\n", good ? good->name : "?", verified ? "verified" : "WRONG",
         bad ? bad->name : "?", refused ? "refused" : "WRONG");
  failed |= !verified || !refused;
  momo_client_free(client);
  printf("archive link test (momo_pos %s, size_t %u bits): %s\n", momo_version(),
         (unsigned)(sizeof(size_t) * 8), failed ? "FAILED" : "ok");
  return failed;
}
