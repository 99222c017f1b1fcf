/* Runs every suite of the C ABI tests; prints "N passed, N failed". */
#include "test.h"

int checks_failed = 0;
int checks_passed = 0;
static int tests_passed = 0;
static int tests_failed = 0;

void check_fail(const char *file, int line, const char *what) {
  checks_failed++;
  fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
}

void run_test(const char *name, test_fn fn) {
  int before = checks_failed;
  fn();
  if (checks_failed == before) {
    tests_passed++;
  } else {
    tests_failed++;
    fprintf(stderr, "test %s failed\n", name);
  }
}

momo_client *test_client(void) {
  momo_client *client = NULL;
  momo_result rc = momo_client_new(S(V_PARTNER_CODE), S(V_ACCESS_KEY), S(V_SECRET_KEY),
                                   S("test"), &client);
  if (rc != MOMO_RESULT_OK) {
    fprintf(stderr, "momo_client_new: %s\n", momo_last_error_message());
    exit(2);
  }
  return client;
}

uint8_t *read_repo_file(const char *path, size_t *len) {
  char full[1024];
  snprintf(full, sizeof full, "%s/%s", REPO_DIR, path);
  FILE *f = fopen(full, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", full);
    exit(2);
  }
  /* One byte more than any test file, for the NUL of read_text_file. */
  uint8_t *bytes = calloc(1, 65536 + 1);
  *len = fread(bytes, 1, 65536, f);
  fclose(f);
  return bytes;
}

char *read_text_file(const char *path) {
  size_t len;
  return (char *)read_repo_file(path, &len);
}

void check_verdict(const char *name, momo_result rc, const char *expect) {
  if (strcmp(momo_result_name(rc), expect) == 0) {
    checks_passed++;
    return;
  }
  char what[256];
  snprintf(what, sizeof what, "%s: got %s (%s), expected %s", name, momo_result_name(rc),
           momo_last_error_message(), expect);
  check_fail(__FILE__, __LINE__, what);
}

int contains(momo_str haystack, const char *needle) {
  /* The views are NUL-terminated, so strstr is safe on them. */
  return haystack.data != NULL && strstr(haystack.data, needle) != NULL;
}

int main(void) {
  suite_misc();
  suite_misc_more();
  suite_code();
  suite_client();
  suite_requests();
  suite_ipn();
  suite_responses();
  suite_driver();
  suite_refund();
  printf("C ABI checks: %d passed, %d failed\n", checks_passed, checks_failed);
  printf("%d passed, %d failed\n", tests_passed, tests_failed);
  return tests_failed == 0 && checks_failed == 0 ? 0 : 1;
}
