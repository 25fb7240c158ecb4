/* Runs every case of the AWS SigV4 test suite (header signing): the
 * canonical request, string to sign, signature and Authorization header
 * must match the suite's files byte for byte. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "cc/file.h"
#include "sigv4.h"

/* AWS C Auth's SigV4 test suite (Apache-2.0: its LICENSE and NOTICE beside
 * it), copied from shared/testdata so a clone needs nothing beside it. */
#define SUITE_DEFAULT "tests/runtime/data/aws-sigv4-suite"

static char *S_read(const char *dir, const char *name) {
  char path[1024];
  FILE *f;
  cc_buf b = CC_BUF_INIT;
  char chunk[4096];
  size_t n;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (!f) return NULL;
  assert_int_equal(cc_buf_puts(&b, ""), CC_OK);
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) assert_int_equal(cc_buf_add(&b, chunk, n), CC_OK);
  fclose(f);
  return cc_buf_detach(&b);
}

/* Signs one case; returns the number of mismatches (printed). */
static int S_case(const char *dir, const char *name) {
  char cdir[1024];
  int bad = 0;
  snprintf(cdir, sizeof cdir, "%s/%s", dir, name);
  char *req = S_read(cdir, "request.txt");
  char *ctx_text = S_read(cdir, "context.json");
  char *want_cr = S_read(cdir, "header-canonical-request.txt");
  char *want_sts = S_read(cdir, "header-string-to-sign.txt");
  char *want_sig = S_read(cdir, "header-signature.txt");
  char *want_signed = S_read(cdir, "header-signed-request.txt");
  assert_non_null(req);
  assert_non_null(ctx_text);
  assert_non_null(want_cr);
  json_t *ctx = json_loads(ctx_text, 0, NULL);
  assert_non_null(ctx);

  /* request line: METHOD SP TARGET SP HTTP/1.1 (TARGET may hold spaces) */
  char *eol = strchr(req, '\n');
  assert_non_null(eol);
  *eol = '\0';
  char *sp = strchr(req, ' ');
  char *proto = strstr(req, " HTTP/");
  assert_true(sp && proto && proto > sp);
  *sp = '\0';
  *proto = '\0';
  char *target = sp + 1;
  char *query = strchr(target, '?');
  if (query) *query++ = '\0';

  rt_kv hs[32];
  cc_buf vals[32];
  size_t n = 0;
  char *line = eol + 1, *body = NULL;
  while (*line) {
    char *next = strchr(line, '\n');
    if (next) *next = '\0';
    if (*line == '\0') {
      body = next ? next + 1 : NULL;
      break;
    }
    if ((*line == ' ' || *line == '\t') && n > 0) {
      assert_int_equal(cc_buf_printf(&vals[n - 1], "\n%s", line), CC_OK);
    } else {
      char *colon = strchr(line, ':');
      assert_non_null(colon);
      *colon = '\0';
      assert_true(n < 30);
      hs[n].name = line;
      cc_buf_init(&vals[n], CC_BUF_DEFAULT_MAX);
      assert_int_equal(cc_buf_puts(&vals[n], colon + 1), CC_OK);
      n++;
    }
    if (!next) break;
    line = next + 1;
  }
  char amz_date[17];
  const char *ts = json_string_value(json_object_get(ctx, "timestamp"));
  assert_non_null(ts);
  snprintf(amz_date, sizeof amz_date, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", ts, ts + 5,
           ts + 8, ts + 11, ts + 14, ts + 17);
  json_t *creds = json_object_get(ctx, "credentials");
  const char *token = json_string_value(json_object_get(creds, "token"));
  size_t n_req = n;
  for (size_t i = 0; i < n; i++) hs[i].value = cc_buf_str(&vals[i]);
  hs[n].name = "X-Amz-Date";
  hs[n++].value = amz_date;
  if (token && !json_is_true(json_object_get(ctx, "omit_session_token"))) {
    hs[n].name = "X-Amz-Security-Token";
    hs[n++].value = token;
  }
  char body_hash[65];
  if (json_is_true(json_object_get(ctx, "sign_body"))) {
    rt_sha256_hex(body_hash, body, body ? strlen(body) : 0);
    hs[n].name = "X-Amz-Content-Sha256";
    hs[n++].value = body_hash;
  }
  rt_sigv4_input in = {
      .method = req,
      .path = target,
      .query = query,
      .headers = hs,
      .n_headers = n,
      .body = body,
      .body_len = body ? strlen(body) : 0,
      .access_key = json_string_value(json_object_get(creds, "access_key_id")),
      .secret_key = json_string_value(json_object_get(creds, "secret_access_key")),
      .region = json_string_value(json_object_get(ctx, "region")),
      .service = json_string_value(json_object_get(ctx, "service")),
      .amz_date = amz_date,
      .normalize_path = json_is_true(json_object_get(ctx, "normalize")),
  };
  rt_sigv4_result r;
  assert_int_equal(rt_sigv4_sign(&r, &in), CC_OK);
  if (strcmp(r.canonical_request, want_cr) != 0) {
    printf("%s: canonical request\n--- got\n%s\n--- want\n%s\n", name,
           r.canonical_request, want_cr);
    bad++;
  }
  if (strcmp(r.string_to_sign, want_sts) != 0) {
    printf("%s: string to sign differs\n", name);
    bad++;
  }
  if (strcmp(r.signature, want_sig) != 0) {
    printf("%s: signature %s, want %s\n", name, r.signature, want_sig);
    bad++;
  }
  char auth_line[1024];
  snprintf(auth_line, sizeof auth_line, "\nAuthorization:%s", r.authorization);
  if (!strstr(want_signed, auth_line)) {
    printf("%s: Authorization header not in the signed request\n", name);
    bad++;
  }
  rt_sigv4_result_free(&r);
  for (size_t i = 0; i < n_req; i++) cc_buf_free(&vals[i]);
  json_decref(ctx);
  free(req);
  free(ctx_text);
  free(want_cr);
  free(want_sts);
  free(want_sig);
  free(want_signed);
  return bad;
}

static void test_suite(void **state) {
  (void)state;
  const char *dir = getenv("RT_SIGV4_SUITE");
  if (!dir) dir = SUITE_DEFAULT;
  DIR *d = opendir(dir);
  assert_non_null(d); /* the suite must be there: no silent pass */
  struct dirent *e;
  int cases = 0, bad = 0;
  while ((e = readdir(d)) != NULL) {
    char probe[1024];
    snprintf(probe, sizeof probe, "%s/%s/request.txt", dir, e->d_name);
    FILE *f = fopen(probe, "rb");
    if (!f) continue;
    fclose(f);
    cases++;
    bad += S_case(dir, e->d_name) ? 1 : 0;
  }
  closedir(d);
  printf("sigv4 suite: %d cases, %d failed\n", cases, bad);
  assert_true(cases >= 30);
  assert_int_equal(bad, 0);
}

/* A body is hashed into the canonical request; changing one byte changes
 * the signature. */
static void test_body_changes_signature(void **state) {
  (void)state;
  rt_kv hs[] = {{"Host", "sns.us-east-1.amazonaws.com"},
                {"X-Amz-Date", "20261122T120000Z"}};
  rt_sigv4_input in = {.method = "POST", .path = "/", .headers = hs,
                       .n_headers = 2, .body = "Action=Publish", .body_len = 14,
                       .access_key = "AK", .secret_key = "SK",
                       .region = "us-east-1", .service = "sns",
                       .amz_date = "20261122T120000Z", .normalize_path = 1};
  rt_sigv4_result a, b;
  assert_int_equal(rt_sigv4_sign(&a, &in), CC_OK);
  in.body = "Action=Publisx";
  assert_int_equal(rt_sigv4_sign(&b, &in), CC_OK);
  assert_string_not_equal(a.signature, b.signature);
  in.amz_date = "2026";
  rt_sigv4_result c;
  assert_int_equal(rt_sigv4_sign(&c, &in), CC_EINVAL);
  rt_sigv4_result_free(&a);
  rt_sigv4_result_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_suite),
      cmocka_unit_test(test_body_changes_signature),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
