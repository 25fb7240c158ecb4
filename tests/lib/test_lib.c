/* Unit tests of lib/: buffers, arena, diagnostics, suggestions, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/file.h"
#include "cc/suggest.h"

static void buf_appends_and_stops_at_ceiling(void **state) {
  (void)state;
  cc_buf b;
  cc_buf_init(&b, 8);
  assert_int_equal(cc_buf_puts(&b, "abc"), CC_OK);
  assert_int_equal(cc_buf_printf(&b, "%d", 42), CC_OK);
  assert_string_equal(cc_buf_str(&b), "abc42");
  assert_int_equal(cc_buf_failed(&b), CC_OK);
  assert_int_equal(cc_buf_puts(&b, "toolong"), CC_ETOOBIG);
  assert_string_equal(cc_buf_str(&b), "abc42"); /* unchanged on failure */
  /* the failure sticks: a later append that would fit fails the same way,
   * and changes nothing, so a run of appends can be checked once */
  assert_int_equal(cc_buf_failed(&b), CC_ETOOBIG);
  assert_int_equal(cc_buf_puts(&b, "x"), CC_ETOOBIG);
  assert_int_equal(cc_buf_putc(&b, 'x'), CC_ETOOBIG);
  assert_int_equal(cc_buf_printf(&b, "%d", 1), CC_ETOOBIG);
  cc_buf_emit(&b, "y");
  cc_buf_emitc(&b, 'y');
  cc_buf_emitn(&b, "y", 1);
  cc_buf_emitf(&b, "%s", "y");
  assert_string_equal(cc_buf_str(&b), "abc42");
  assert_int_equal(cc_buf_failed(&b), CC_ETOOBIG);
  /* a shorter cut keeps the failure; starting over (cut to 0) clears it */
  cc_buf_truncate(&b, 3);
  assert_int_equal(cc_buf_puts(&b, "x"), CC_ETOOBIG);
  cc_buf_truncate(&b, 0);
  assert_int_equal(cc_buf_failed(&b), CC_OK);
  assert_int_equal(cc_buf_puts(&b, "abc42"), CC_OK);
  cc_buf_emit(&b, "xy");
  cc_buf_emitc(&b, 'z');
  assert_int_equal(cc_buf_failed(&b), CC_OK);
  assert_int_equal(b.len, 8);
  char *s = cc_buf_detach(&b);
  assert_string_equal(s, "abc42xyz");
  assert_null(b.ptr);
  free(s);
  /* an emitted run that fails is seen once, at its end */
  cc_buf_init(&b, 4);
  cc_buf_emit(&b, "ab");
  cc_buf_emitf(&b, "%s", "cde");
  cc_buf_emit(&b, "f");
  assert_int_equal(cc_buf_failed(&b), CC_ETOOBIG);
  assert_string_equal(cc_buf_str(&b), "ab");
  cc_buf_free(&b);
  assert_int_equal(cc_buf_failed(&b), CC_OK); /* freed: reusable */
  /* error text replaces the contents and clears a failure */
  cc_buf_init(&b, 16);
  assert_int_equal(cc_buf_puts(&b, "0123456789abcdefX"), CC_ETOOBIG);
  cc_buf_seterr(&b, "bad %s", "key");
  assert_string_equal(cc_buf_str(&b), "bad key");
  assert_int_equal(cc_buf_failed(&b), CC_OK);
  cc_buf_seterr(NULL, "nobody %s", "reads this");
  cc_buf_free(&b);
  cc_buf_free(NULL);
}

static void arena_allocates_zeroed_aligned_blocks(void **state) {
  (void)state;
  cc_arena *a = cc_arena_new();
  assert_non_null(a);
  for (int i = 0; i < 5000; i++) {
    long *p = cc_arena_alloc(a, sizeof(long) * 3);
    assert_non_null(p);
    assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
    assert_int_equal(p[0] | p[1] | p[2], 0);
    p[0] = i;
  }
  char *big = cc_arena_alloc(a, 200000);
  assert_non_null(big);
  big[199999] = 'x';
  assert_string_equal(cc_arena_strndup(a, "hello world", 5), "hello");
  assert_true(cc_arena_used(a) >= 5000 * 3 * sizeof(long));
  cc_arena_free(a);
  cc_arena_free(NULL);
}

static void diags_print_position_line_and_caret(void **state) {
  (void)state;
  cc_diags d;
  cc_diags_init(&d);
  const char *src = "a: 1\n\tb: \xc3\xa9x\n";
  assert_int_equal(cc_diags_source(&d, "s.yaml", src, strlen(src)), CC_OK);
  cc_diags_error(&d, "s.yaml", 2, 6, "bad %s", "value");
  cc_diags_error(&d, "s.yaml", 1, 1, "first");
  cc_diags_add(&d, CC_DIAG_NOTE, "other", 0, 0, "no position");
  cc_diags_sort(&d);
  assert_int_equal(d.nerrors, 2);
  char out[512] = {0};
  FILE *f = fmemopen(out, sizeof out - 1, "w");
  cc_diags_print(&d, f);
  fclose(f);
  assert_string_equal(out, "s.yaml:1:1: error: first\n"
                           "    1 | a: 1\n"
                           "      | ^\n"
                           "s.yaml:2:6: error: bad value\n"
                           "    2 | \tb: \xc3\xa9x\n"
                           "      | \t    ^\n"
                           "other: note: no position\n");
  cc_diags_free(&d);
}

static void suggest_finds_near_names_only(void **state) {
  (void)state;
  const char *keys[] = {"timeout", "memory", "schedule", "timezone"};
  assert_string_equal(cc_suggest("timout", keys, 4), "timeout");
  assert_string_equal(cc_suggest("shcedule", keys, 4), "schedule");
  assert_null(cc_suggest("banana", keys, 4));
  assert_int_equal(cc_edit_distance("abc", "acb"), 1);
}

static void file_write_is_atomic_and_reads_back(void **state) {
  (void)state;
  char dir[] = "/tmp/cc-test-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/a/b/c.txt", dir);
  char sub[256];
  snprintf(sub, sizeof sub, "%s/a/b", dir);
  assert_int_equal(cc_mkdirs(sub), CC_OK);
  assert_int_equal(cc_file_write_atomic(path, "hi\n", 3), CC_OK);
  char *text;
  size_t len;
  assert_int_equal(cc_file_read(&text, &len, path, 100), CC_OK);
  assert_int_equal(len, 3);
  assert_string_equal(text, "hi\n");
  free(text);
  assert_int_equal(cc_file_read(&text, &len, path, 2), CC_ETOOBIG);
  assert_null(text);
  snprintf(sub, sizeof sub, "rm -rf %s", dir);
  assert_int_equal(system(sub), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(buf_appends_and_stops_at_ceiling),
      cmocka_unit_test(arena_allocates_zeroed_aligned_blocks),
      cmocka_unit_test(diags_print_position_line_and_caret),
      cmocka_unit_test(suggest_finds_near_names_only),
      cmocka_unit_test(file_write_is_atomic_and_reads_back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
