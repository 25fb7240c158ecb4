/* gen/iface: module interfaces read from YAML, `use:` entries taken from
 * the shared interface, and mistakes reported at FILE:LINE:COL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "iface.h"

static const char S_shared[] = "variables:\n"
                               "- name: tags\n"
                               "  description: Tags.\n"
                               "  type: map(string)\n"
                               "  default: {}\n"
                               "outputs:\n"
                               "- name: arn\n"
                               "  description: The ARN.\n"
                               "  value: aws_x.this.arn\n";

static gen_iface *S_load(const char *text, const gen_iface *shared, cc_diags *d, int want) {
  gen_iface *f = NULL;
  assert_int_equal(gen_iface_load(&f, "m/interface.yaml", text, strlen(text), shared, d), want);
  return f;
}

static char *S_tf(const gen_iface *f) {
  cc_buf b = CC_BUF_INIT;
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(gen_iface_variables_tf(f, &b, &d), CC_OK);
  assert_int_equal(gen_iface_outputs_tf(f, &b, &d), CC_OK);
  assert_int_equal(d.n, 0);
  cc_diags_free(&d);
  return cc_buf_detach(&b);
}

/* A `use` entry writes exactly what the same entry written out would. */
static void test_use_equals_inline(void **state) {
  (void)state;
  cc_diags d;
  cc_diags_init(&d);
  gen_iface *shared = S_load(S_shared, NULL, &d, CC_OK);
  gen_iface *used = S_load("variables:\n- name: x\n  description: X.\n  type: number\n- use: tags\n"
                           "outputs:\n- use: arn\n",
                           shared, &d, CC_OK);
  gen_iface *inl = S_load("variables:\n- name: x\n  description: X.\n  type: number\n"
                          "- name: tags\n  description: Tags.\n  type: map(string)\n  default: {}\n"
                          "outputs:\n- name: arn\n  description: The ARN.\n  value: aws_x.this.arn\n",
                          NULL, &d, CC_OK);
  assert_int_equal(d.n, 0);
  char *a = S_tf(used), *b = S_tf(inl);
  assert_string_equal(a, b);
  assert_non_null(strstr(a, "variable \"tags\""));
  free(a);
  free(b);
  /* the shared interface may go only after those using it */
  gen_iface_free(used);
  gen_iface_free(inl);
  gen_iface_free(shared);
  cc_diags_free(&d);
}

static void S_expect_error(const char *text, int shared, int line, int col, const char *msg) {
  cc_diags d;
  cc_diags_init(&d);
  gen_iface *sh = shared ? S_load(S_shared, NULL, &d, CC_OK) : NULL;
  assert_null(S_load(text, sh, &d, CC_EINVAL));
  assert_true(d.n >= 1);
  assert_string_equal(d.items[0].file, "m/interface.yaml");
  assert_int_equal(d.items[0].line, line);
  assert_int_equal(d.items[0].col, col);
  assert_non_null(strstr(d.items[0].msg, msg));
  gen_iface_free(sh);
  cc_diags_free(&d);
}

static void test_use_mistakes(void **state) {
  (void)state;
  S_expect_error("variables:\n- use: nope\n", 1, 2, 8, "no shared variable `nope`");
  S_expect_error("outputs:\n- use: tags\n", 1, 2, 8, "no shared output `tags`");
  S_expect_error("variables:\n- use: tags\n", 0, 2, 8, "no shared variable `tags`");
  S_expect_error("variables:\n- use: tags\n  type: string\n", 1, 2, 3, "stands alone");
  S_expect_error("variables:\n- use: [tags]\n", 1, 2, 8, "must be the name of a shared variable");
  S_expect_error("variables:\n- use: tags\n- name: tags\n  description: T.\n  type: string\n", 1, 3, 9,
                 "variable `tags` is declared twice (first at line 2)");
}

static void test_interface_mistakes(void **state) {
  (void)state;
  S_expect_error("variables:\n- name: x\n  descripton: X.\n  type: number\n", 0, 3, 3, "descripton");
  S_expect_error("variables:\n- name: x\n  type: number\n", 0, 2, 3, "description");
  S_expect_error("variables: {}\n", 0, 1, 12, "must be a list");
  S_expect_error("- 1\n", 0, 1, 1, "must be a mapping");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_use_equals_inline),
      cmocka_unit_test(test_use_mistakes),
      cmocka_unit_test(test_interface_mistakes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
