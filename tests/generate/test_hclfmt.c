/* gen/hclfmt: each case's input must come out exactly as terraform fmt
 * writes it (the expected texts were checked against terraform fmt 1.11;
 * run_fmt_terraform.py checks the same rules against terraform itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cc/buf.h"
#include "hclfmt.h"

static void S_expect(const char *in, const char *want) {
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(gen_hclfmt(in, strlen(in), &out), 0);
  assert_string_equal(cc_buf_str(&out), want);
  /* formatting is idempotent */
  cc_buf again = CC_BUF_INIT;
  assert_int_equal(gen_hclfmt(out.ptr ? out.ptr : "", out.len, &again), 0);
  assert_string_equal(cc_buf_str(&again), want);
  cc_buf_free(&out);
  cc_buf_free(&again);
}

static void test_indent_by_depth(void **state) {
  (void)state;
  S_expect("resource \"a\" \"b\" {\nname = \"x\"\n    tags = {\n a = \"1\"\n}\n}\n",
           "resource \"a\" \"b\" {\n  name = \"x\"\n  tags = {\n    a = \"1\"\n  }\n}\n");
}

static void test_align_consecutive(void **state) {
  (void)state;
  S_expect("x {\n  a = 1\n  long_name = 2\n\n  b = 3\n  cc = 4\n}\n",
           "x {\n  a         = 1\n  long_name = 2\n\n  b  = 3\n  cc = 4\n}\n");
}

static void test_block_breaks_alignment(void **state) {
  (void)state;
  S_expect("x {\n  a = 1\n  tags = {\n    k = \"v\"\n  }\n  longer = 2\n}\n",
           "x {\n  a = 1\n  tags = {\n    k = \"v\"\n  }\n  longer = 2\n}\n");
}

static void test_single_line_object_aligns(void **state) {
  (void)state;
  S_expect("x {\n  a = { b = 1 }\n  abc = [1, 2]\n}\n", "x {\n  a   = { b = 1 }\n  abc = [1, 2]\n}\n");
}

static void test_spaces_and_trailing(void **state) {
  (void)state;
  S_expect("x   {   \n  a=1   \n  b    =    \"two  spaces\"\t\n}", "x {\n  a = 1\n  b = \"two  spaces\"\n}\n");
}

static void test_operators_not_assignments(void **state) {
  (void)state;
  S_expect("x {\n  condition = var.a >= 1 && var.b == \"=\"\n  m = { for k, v in var.x : k => v }\n}\n",
           "x {\n  condition = var.a >= 1 && var.b == \"=\"\n  m         = { for k, v in var.x : k => v }\n}\n");
}

static void test_blank_lines(void **state) {
  (void)state;
  S_expect("\n\nx {\n\n  a = 1\n\n\n\n  b = 2\n\n}\n\n\ny {}\n\n",
           "x {\n  a = 1\n\n  b = 2\n}\n\ny {}\n");
}

static void test_heredoc_verbatim(void **state) {
  (void)state;
  S_expect("x {\n  a = 1\n  command = <<-EOT\n      echo   {  hi\n   EOT\n  bb = 2\n}\n",
           "x {\n  a       = 1\n  command = <<-EOT\n      echo   {  hi\n   EOT\n  bb      = 2\n}\n");
}

static void test_interpolation_and_comments(void **state) {
  (void)state;
  S_expect("x {\n  # a comment\n  name = \"${var.a}-${lookup(var.m, \"k}\", \"d\")}\"\n  b = 2 # two\n  ccc = 3 # three\n}\n",
           "x {\n  # a comment\n  name = \"${var.a}-${lookup(var.m, \"k}\", \"d\")}\"\n  b    = 2 # two\n  ccc  = 3 # three\n}\n");
}

static void test_brackets_over_lines(void **state) {
  (void)state;
  S_expect("x {\nlist = [\n\"a\",\n\"b\",\n]\nf = merge(var.a, {\nk = 1\n})\n}\n",
           "x {\n  list = [\n    \"a\",\n    \"b\",\n  ]\n  f = merge(var.a, {\n    k = 1\n  })\n}\n");
}

static void test_empty(void **state) {
  (void)state;
  S_expect("", "");
  S_expect("\n\n", "");
}

/* Found by fuzz_iface: a NUL byte in a line cut the rest of the line off,
 * so a second pass gave a different text. Bytes are kept as they are. */
static void test_nul_byte_kept(void **state) {
  (void)state;
  static const char in[] = "output \"x\" \0\ndescription = \"d\" # c\0c\n";
  static const char want[] = "output \"x\" \0\ndescription = \"d\" # c\0c\n";
  cc_buf out = CC_BUF_INIT, again = CC_BUF_INIT;
  assert_int_equal(gen_hclfmt(in, sizeof in - 1, &out), 0);
  assert_int_equal(out.len, sizeof want - 1);
  assert_memory_equal(out.ptr, want, sizeof want - 1);
  assert_int_equal(gen_hclfmt(out.ptr, out.len, &again), 0);
  assert_int_equal(again.len, out.len);
  assert_memory_equal(again.ptr, out.ptr, out.len);
  cc_buf_free(&out);
  cc_buf_free(&again);
}

/* Found by fuzz_iface: a blank line the formatter drops (before a closer)
 * used to break the alignment group it sat in, so the second pass aligned
 * what the first had not. */
static void test_dropped_blank_line_does_not_split_alignment(void **state) {
  (void)state;
  S_expect("    maxReceiveCount     = var.max_receive_count\n \n})tags = var.tags",
           "maxReceiveCount = var.max_receive_count\n})tags          = var.tags\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_indent_by_depth),       cmocka_unit_test(test_align_consecutive),
      cmocka_unit_test(test_block_breaks_alignment), cmocka_unit_test(test_single_line_object_aligns),
      cmocka_unit_test(test_spaces_and_trailing),   cmocka_unit_test(test_operators_not_assignments),
      cmocka_unit_test(test_blank_lines),           cmocka_unit_test(test_heredoc_verbatim),
      cmocka_unit_test(test_interpolation_and_comments), cmocka_unit_test(test_brackets_over_lines),
      cmocka_unit_test(test_empty),                 cmocka_unit_test(test_nul_byte_kept),
      cmocka_unit_test(test_dropped_blank_line_does_not_split_alignment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
