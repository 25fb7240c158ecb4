/* rt_ini_get: the AWS shared files' INI form (runtime/aws_profile.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "aws_profile.h"

static int get(const char *text, const char *section, const char *key, char *out, size_t cap) {
  return rt_ini_get(text, strlen(text), section, key, out, cap);
}

static void test_ini(void **state) {
  (void)state;
  char v[64];
  const char *t = "# top comment\n"
                  "region = wrong\n"
                  "[default]\r\n"
                  "region=us-east-1\r\n"
                  "[ profile dev ]  \n"
                  "; a comment = no\n"
                  "aws_access_key_id =  AKID with spaces  \n"
                  "s3 =\n"
                  "  region = nested\n"
                  "region = eu-west-3\n"
                  "region = second\n"
                  "empty =\n"
                  "[profile dev]\n"
                  "other = later-section\n"
                  "[broken\n"
                  "region = after-broken\n";
  assert_int_equal(get(t, "default", "region", v, sizeof v), 1);
  assert_string_equal(v, "us-east-1");
  assert_int_equal(get(t, "profile dev", "aws_access_key_id", v, sizeof v), 1);
  assert_string_equal(v, "AKID with spaces");
  assert_int_equal(get(t, "profile dev", "region", v, sizeof v), 1);
  assert_string_equal(v, "eu-west-3"); /* not the nested s3 one; the first wins */
  assert_int_equal(get(t, "profile dev", "empty", v, sizeof v), 1);
  assert_string_equal(v, "");
  assert_int_equal(get(t, "profile dev", "other", v, sizeof v), 1);
  assert_string_equal(v, "later-section");
  assert_int_equal(get(t, "profile dev", "a comment", v, sizeof v), 0);
  assert_int_equal(get(t, "profile dev", NULL, NULL, 0), 1);
  assert_int_equal(get(t, "dev", NULL, NULL, 0), 0);
  assert_int_equal(get(t, "broken", "region", v, sizeof v), 0);
  assert_int_equal(get(t, "default", "missing", v, sizeof v), 0);
  assert_int_equal(get(t, "profile dev", "aws_access_key_id", v, 5), -1);
  assert_int_equal(get("", "default", NULL, NULL, 0), 0);
  assert_int_equal(get("[default]", "default", "k", v, sizeof v), 0);
  assert_int_equal(get("[default]\nk=v", "default", "k", v, sizeof v), 1); /* no final newline */
  assert_string_equal(v, "v");
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_ini)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
