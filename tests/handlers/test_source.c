/* Template sources: URL parsing (kinds, names, every refusal), inline and
 * file:// loading with names and limits, the templates a file template
 * reaches loaded from its folder, and S3 error bodies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc/err.h"
#include "cc/template.h"
#include "s3.h"
#include "source.h"

static void S_name_is(const rt_url *u, const char *want) {
  assert_int_equal(u->name_len, strlen(want));
  assert_memory_equal(u->name, want, u->name_len);
}

static void test_url_kinds(void **state) {
  (void)state;
  rt_url u;
  cc_buf why = CC_BUF_INIT;
  assert_int_equal(rt_url_parse(&u, &why, "file:///var/task/t/alert.html"), CC_OK);
  assert_int_equal(u.kind, RT_URL_FILE);
  assert_string_equal(u.path, "/var/task/t/alert.html");
  S_name_is(&u, "alert.html");
  assert_int_equal(rt_url_parse(&u, &why, "file://relative.txt"), CC_OK);
  assert_string_equal(u.path, "relative.txt");
  S_name_is(&u, "relative.txt");
  assert_int_equal(rt_url_parse(&u, &why, "https://h.example:8443/a/b.xml?sig=1#frag"), CC_OK);
  assert_int_equal(u.kind, RT_URL_HTTPS);
  S_name_is(&u, "b.xml");
  assert_int_equal(rt_url_parse(&u, &why, "https://h.example"), CC_OK);
  S_name_is(&u, "");
  assert_int_equal(rt_url_parse(&u, &why, "s3://my-bucket/dir/with space/t.htm"), CC_OK);
  assert_int_equal(u.kind, RT_URL_S3);
  assert_int_equal(u.bucket_len, 9);
  assert_memory_equal(u.bucket, "my-bucket", 9);
  assert_string_equal(u.key, "dir/with space/t.htm");
  S_name_is(&u, "t.htm");
  cc_buf_free(&why);
}

static void test_url_refused(void **state) {
  (void)state;
  static const struct { const char *url, *why; } cases[] = {
      {"http://h/t.txt", "http:// is refused"},
      {"ftp://h/t.txt", "the scheme must be"},
      {"t.txt", "the scheme must be"},
      {"", "the scheme must be"},
      {"file://", "file:// needs a path"},
      {"https:///t.txt", "https:// needs a host"},
      {"https://h/a b.txt", "cannot hold a space"},
      {"s3://", "s3:// needs a bucket and a key"},
      {"s3://bucket", "s3:// needs a bucket and a key"},
      {"s3://bucket/", "s3:// needs a bucket and a key"},
      {"s3:///key", "s3:// needs a bucket and a key"},
      {"s3://b/k\n", "control character"},
      {"file:///t\x7f", "control character"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rt_url u;
    cc_buf why = CC_BUF_INIT;
    assert_int_equal(rt_url_parse(&u, &why, cases[i].url), CC_EINVAL);
    assert_true(why.len > 0);
    if (!strstr(cc_buf_str(&why), cases[i].why)) fail_msg("%s: %s", cases[i].url, cc_buf_str(&why));
    cc_buf_free(&why);
  }
}

static void S_clear_env(void) {
  unsetenv("CLOUDCRON_TEMPLATE");
  unsetenv("CLOUDCRON_TEMPLATE_URL");
  unsetenv("CLOUDCRON_TEMPLATE_NAME");
  unsetenv("CLOUDCRON_TEMPLATE_MAX_BYTES");
  unsetenv("CLOUDCRON_TEMPLATE_TIMEOUT_MS");
}

static void test_load_inline(void **state) {
  (void)state;
  rt_source s;
  cc_buf err = CC_BUF_INIT;
  S_clear_env();
  setenv("CLOUDCRON_TEMPLATE", "{{ subject }}", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_OK);
  assert_string_equal(s.text, "{{ subject }}");
  assert_int_equal(s.len, 13);
  assert_string_equal(s.name, "CLOUDCRON_TEMPLATE");
  rt_source_free(&s);
  setenv("CLOUDCRON_TEMPLATE_NAME", "mail.html", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_OK);
  assert_string_equal(s.name, "mail.html");
  rt_source_free(&s);
  setenv("CLOUDCRON_TEMPLATE_MAX_BYTES", "12", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_ETOOBIG);
  assert_non_null(strstr(cc_buf_str(&err), "larger than the limit of 12 bytes"));
  assert_null(s.text);
  setenv("CLOUDCRON_TEMPLATE_MAX_BYTES", "0", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_EINVAL);
  assert_non_null(strstr(cc_buf_str(&err), "CLOUDCRON_TEMPLATE_MAX_BYTES must be"));
  S_clear_env();
  assert_int_equal(rt_source_load(&s, &err), CC_EINVAL);
  assert_non_null(strstr(cc_buf_str(&err), "no template"));
  cc_buf_free(&err);
}

static void test_load_file(void **state) {
  (void)state;
  char dir[] = "/tmp/test_source_XXXXXX", path[128], url[160];
  cc_buf err = CC_BUF_INIT;
  rt_source s;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/alert.html", dir);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fwrite("<p>{{ x }}</p>\0tail", 1, 19, f); /* a NUL byte is kept, not a cut */
  fclose(f);
  S_clear_env();
  snprintf(url, sizeof url, "file://%s", path);
  setenv("CLOUDCRON_TEMPLATE_URL", url, 1);
  assert_int_equal(rt_source_load(&s, &err), CC_OK);
  assert_int_equal(s.len, 19);
  assert_memory_equal(s.text, "<p>{{ x }}</p>\0tail", 19);
  assert_string_equal(s.name, "alert.html");
  rt_source_free(&s);
  setenv("CLOUDCRON_TEMPLATE_MAX_BYTES", "18", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_ETOOBIG);
  assert_non_null(strstr(cc_buf_str(&err), "larger than the limit of 18 bytes"));
  unlink(path);
  unsetenv("CLOUDCRON_TEMPLATE_MAX_BYTES");
  assert_int_not_equal(rt_source_load(&s, &err), CC_OK);
  assert_non_null(strstr(cc_buf_str(&err), "No such file or directory"));
  /* a presigned URL's query never reaches a message */
  setenv("CLOUDCRON_TEMPLATE_URL", "https://h/t.txt?X-Amz-Signature=secret b", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_EINVAL);
  assert_null(strstr(cc_buf_str(&err), "secret"));
  assert_non_null(strstr(cc_buf_str(&err), "https://h/t.txt?..."));
  S_clear_env();
  rmdir(dir);
  cc_buf_free(&err);
}

/* The templates a file template includes come from its folder; with a
 * loader over the source, the engine compiles them with it. */
static void test_load_parts(void **state) {
  (void)state;
  char dir[] = "/tmp/test_source_XXXXXX", path[160], url[200];
  cc_buf err = CC_BUF_INIT;
  rt_source s;
  char *text;
  size_t len;
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/parts", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  const char *files[][2] = {{"main.txt", "{% extends 'parts/base.txt' %}{% block b %}{% include './parts/row.txt' %}{% endblock %}"},
                            {"parts/base.txt", "<{% block b %}{% endblock %}>"},
                            {"parts/row.txt", "row {{ x }}"}};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(files[i][1], f);
    fclose(f);
  }
  S_clear_env();
  snprintf(url, sizeof url, "file://%s/main.txt", dir);
  setenv("CLOUDCRON_TEMPLATE_URL", url, 1);
  assert_int_equal(rt_source_load(&s, &err), CC_OK);
  assert_int_equal(rt_source_load_part(&s, "parts//./row.txt", &text, &len), CC_OK);
  assert_string_equal(text, "row {{ x }}");
  assert_int_equal(len, 11);
  free(text);
  assert_int_equal(rt_source_load_part(&s, "../main.txt", &text, &len), CC_ENOTFOUND);
  assert_int_not_equal(rt_source_load_part(&s, "parts/nope.txt", &text, &len), CC_OK);
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.load = rt_source_load_part;
  o.load_data = &s;
  cc_tpl *t = NULL;
  cc_diags d;
  cc_diags_init(&d);
  cc_buf out = CC_BUF_INIT;
  json_t *ctx = json_pack("{si}", "x", 7);
  assert_int_equal(cc_tpl_compile(&t, s.name, s.text, s.len, &o, &d), CC_OK);
  assert_int_equal(cc_tpl_check_refs(t, 1, &d), 0);
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_OK);
  assert_string_equal(out.ptr, "<row 7>");
  cc_tpl_free(t);
  cc_buf_free(&out);
  cc_diags_free(&d);
  json_decref(ctx);
  rt_source_free(&s);
  /* An inline template has no folder. */
  S_clear_env();
  setenv("CLOUDCRON_TEMPLATE", "x", 1);
  assert_int_equal(rt_source_load(&s, &err), CC_OK);
  assert_null(s.base);
  assert_int_equal(rt_source_load_part(&s, "parts/row.txt", &text, &len), CC_ENOTFOUND);
  rt_source_free(&s);
  S_clear_env();
  for (int i = 2; i >= 0; i--) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/parts", dir);
  rmdir(path);
  rmdir(dir);
  cc_buf_free(&err);
}

static void test_s3_error(void **state) {
  (void)state;
  char code[16], msg[16];
  const char *body = "<Error><Code>AccessDenied</Code><Message>Access &amp; more text</Message></Error>";
  rt_s3_error(code, sizeof code, msg, sizeof msg, body, strlen(body));
  assert_string_equal(code, "AccessDenied");
  assert_string_equal(msg, "Access & more t"); /* cut to fit */
  rt_s3_error(code, sizeof code, msg, sizeof msg, "<Code>unterminated", 18);
  assert_string_equal(code, "unterminated");
  assert_string_equal(msg, "");
  rt_s3_error(code, sizeof code, msg, sizeof msg, NULL, 0);
  assert_string_equal(code, "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_url_kinds),   cmocka_unit_test(test_url_refused),
      cmocka_unit_test(test_load_inline), cmocka_unit_test(test_load_file),
      cmocka_unit_test(test_load_parts),  cmocka_unit_test(test_s3_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
