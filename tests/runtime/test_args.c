/* The bootstraps' shared command line (runtime/args.h): --event and
 * --timeout read, --help answered 0 with the whole help on stdout, usage
 * errors answered 2, and the Runtime API or --event required. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "args.h"

typedef struct S_seen {
  int calls, full;
  FILE *f;
} S_seen;

static void S_usage(void *user, FILE *f, int full) {
  S_seen *s = user;
  s->calls++;
  s->full = full;
  s->f = f;
}

static int S_parse(rt_args *a, S_seen *s, int argc, char **argv) {
  *s = (S_seen){0, -1, NULL};
  return rt_args_parse(a, argc, argv, "prog", S_usage, s);
}

static void test_event_and_timeout(void **state) {
  (void)state;
  rt_args a;
  S_seen s;
  char *v1[] = {"prog", "--event", "ev.json", "--timeout", "900"};
  assert_int_equal(S_parse(&a, &s, 5, v1), -1);
  assert_string_equal(a.event, "ev.json");
  assert_int_equal(a.timeout_s, 900);
  assert_int_equal(s.calls, 0);
  char *v2[] = {"prog", "--event", "-"};
  assert_int_equal(S_parse(&a, &s, 3, v2), -1);
  assert_string_equal(a.event, "-");
  assert_int_equal(a.timeout_s, 60);
}

static void test_help(void **state) {
  (void)state;
  rt_args a;
  S_seen s;
  char *v[] = {"prog", "--event", "-", "-h"};
  assert_int_equal(S_parse(&a, &s, 4, v), 0);
  assert_int_equal(s.calls, 1);
  assert_int_equal(s.full, 1);
  assert_ptr_equal(s.f, stdout);
}

static void test_usage_errors(void **state) {
  (void)state;
  rt_args a;
  S_seen s;
  char *bad[][3] = {{"prog", "--timeout", "0"},   {"prog", "--timeout", "901"},
                    {"prog", "--timeout", "5s"},  {"prog", "--timeout", "99999999999999999999"},
                    {"prog", "--bogus", "x"},     {"prog", "--event", NULL}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int argc = bad[i][2] ? 3 : 2; /* --event without its FILE */
    assert_int_equal(S_parse(&a, &s, argc, bad[i]), 2);
  }
  char *v[] = {"prog", "--bogus"};
  assert_int_equal(S_parse(&a, &s, 2, v), 2);
  assert_int_equal(s.calls, 1);
  assert_int_equal(s.full, 0);
  assert_ptr_equal(s.f, stderr);
}

static void test_runtime_api_or_event(void **state) {
  (void)state;
  rt_args a;
  S_seen s;
  char *v[] = {"prog"};
  unsetenv("AWS_LAMBDA_RUNTIME_API");
  assert_int_equal(S_parse(&a, &s, 1, v), 2);
  setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001", 1);
  assert_int_equal(S_parse(&a, &s, 1, v), -1);
  assert_null(a.event);
  unsetenv("AWS_LAMBDA_RUNTIME_API");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_event_and_timeout),
      cmocka_unit_test(test_help),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_runtime_api_or_event),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
