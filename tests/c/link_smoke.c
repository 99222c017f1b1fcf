/* Linked against the installed library (static archive alone, shared
 * library through pkg-config, or CMake's find_package): signs one query and
 * compares it with the oracle's signature. */
#include <stdio.h>
#include <string.h>

#include "momo_pos.h"
#include "vectors.h"

int main(void) {
  if (strcmp(momo_version(), MOMO_POS_VERSION) != 0) {
    fprintf(stderr, "library %s, header %s\n", momo_version(), MOMO_POS_VERSION);
    return 1;
  }
  const struct query_vector *v = &QUERY_VECTORS[0];
  momo_client *client = NULL;
  momo_request *request = NULL;
  momo_str signature = {0};
  int ok = momo_client_new(V_PARTNER_CODE, strlen(V_PARTNER_CODE), V_ACCESS_KEY,
                           strlen(V_ACCESS_KEY), V_SECRET_KEY, strlen(V_SECRET_KEY), "test", 4,
                           &client) == MOMO_RESULT_OK &&
           momo_client_query_request(client, v->order_id, strlen(v->order_id), v->request_id,
                                     strlen(v->request_id), MOMO_LANG_DEFAULT,
                                     &request) == MOMO_RESULT_OK &&
           momo_request_signature(request, &signature) == MOMO_RESULT_OK &&
           strcmp(signature.data, v->signature) == 0;
  momo_request_free(request);
  momo_client_free(client);
  printf("link smoke test (momo_pos %s): %s\n", momo_version(), ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
