/* A minimal C11 test harness for the momo-pos C ABI tests. */
#ifndef MOMO_C_TEST_H
#define MOMO_C_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "momo_pos.h"
#include "vectors.h"

extern int checks_failed;
extern int checks_passed;

void check_fail(const char *file, int line, const char *what);

#define CHECK(cond)                                     \
  do {                                                  \
    if (cond)                                           \
      checks_passed++;                                  \
    else                                                \
      check_fail(__FILE__, __LINE__, #cond);            \
  } while (0)

/* A call's result is `expected`; on a mismatch, say what came back and why. */
#define CHECK_RC(call, expected)                                              \
  do {                                                                        \
    momo_result rc_ = (call);                                                 \
    if (rc_ == (momo_result)(expected)) {                                     \
      checks_passed++;                                                        \
    } else {                                                                  \
      char what_[512];                                                        \
      snprintf(what_, sizeof what_, "%s returned %s (%s), expected %s", #call, \
               momo_result_name(rc_), momo_last_error_message(), #expected);  \
      check_fail(__FILE__, __LINE__, what_);                                  \
    }                                                                         \
  } while (0)

/* A momo_str equals a C string (and is NUL-terminated at len). */
#define CHECK_STR(str, cstr)                                                  \
  do {                                                                        \
    momo_str s_ = (str);                                                      \
    const char *c_ = (cstr);                                                  \
    if (s_.data != NULL && s_.len == strlen(c_) &&                            \
        memcmp(s_.data, c_, s_.len) == 0 && s_.data[s_.len] == '\0') {        \
      checks_passed++;                                                        \
    } else {                                                                  \
      char what_[1024];                                                       \
      snprintf(what_, sizeof what_, "%s is \"%.*s\", expected \"%s\"", #str,  \
               s_.data ? (int)s_.len : 0, s_.data ? s_.data : "", c_);        \
      check_fail(__FILE__, __LINE__, what_);                                  \
    }                                                                         \
  } while (0)

/* The last error on this thread names `field`. */
#define CHECK_FIELD(field) CHECK(strcmp(momo_last_error_field(), (field)) == 0)

/* A string literal as pointer + length. */
#define S(lit) (lit), (sizeof(lit) - 1)
/* A C string as pointer + length. */
#define CS(str) (str), strlen(str)

/* Bytes that are not UTF-8, and text with a NUL inside. */
#define BAD_UTF8 "\xff\xfe"
#define WITH_NUL "MM56\0" "1918531775222861"

/* A pointer value no call may write on failure. */
#define SENTINEL ((void *)(uintptr_t)0x5e)

momo_client *test_client(void);
char *read_text_file(const char *path);
/* A whole file of the repository (at most 64 KiB), malloc'ed; *len set. */
uint8_t *read_repo_file(const char *path, size_t *len);
int contains(momo_str haystack, const char *needle);
/* The call's result has the name `expect` ("ok", "signature_mismatch"...). */
void check_verdict(const char *name, momo_result rc, const char *expect);

typedef void (*test_fn)(void);
void run_test(const char *name, test_fn fn);
#define RUN(fn) run_test(#fn, fn)

/* Suites. */
void suite_misc(void);
void suite_misc_more(void);
void suite_code(void);
void suite_client(void);
void suite_requests(void);
void suite_ipn(void);
void suite_responses(void);
void suite_driver(void);
void suite_refund(void);

#endif
