/* Unit tests of the spec's syntax layer (gen/doc) and value formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cc/arena.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "doc.h"
#include "formats.h"
#include "lint.h"
#include "spec.h"

typedef struct {
  cc_arena *arena;
  cc_diags diags;
} fixture;

static int setup(void **state) {
  static fixture f;
  f.arena = cc_arena_new();
  cc_diags_init(&f.diags);
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  cc_arena_free(f->arena);
  cc_diags_free(&f->diags);
  return 0;
}

static gen_node *load(fixture *f, const char *text, gen_doc_format fmt, int want_rc) {
  gen_node *root = NULL;
  int rc = gen_doc_load(&root, f->arena, "t.yaml", text, strlen(text), fmt, &f->diags);
  if (rc != want_rc) cc_diags_print(&f->diags, stderr);
  assert_int_equal(rc, want_rc);
  return root;
}

static void scalars_resolve_with_the_yaml_1_2_core_schema(void **state) {
  gen_node *r = load(*state, "a: yes\nb: true\nc: 0x1F\nd: 1e3\ne: ~\nf: '1'\ng: -.inf\nh: 0o17\ni: 1_000\nj: !!str 5\n",
                     GEN_DOC_YAML, CC_OK);
  assert_int_equal(gen_node_get(r, "a")->type, GEN_SCALAR_STR); /* not YAML 1.1's boolean */
  assert_true(gen_node_get(r, "b")->b);
  assert_int_equal(gen_node_get(r, "c")->i, 31);
  assert_int_equal(gen_node_get(r, "d")->type, GEN_SCALAR_FLOAT);
  assert_true(gen_node_get(r, "d")->d == 1000.0);
  assert_int_equal(gen_node_get(r, "e")->type, GEN_SCALAR_NULL);
  assert_int_equal(gen_node_get(r, "f")->type, GEN_SCALAR_STR);
  assert_true(isinf(gen_node_get(r, "g")->d) && gen_node_get(r, "g")->d < 0);
  assert_int_equal(gen_node_get(r, "h")->i, 15);
  assert_int_equal(gen_node_get(r, "i")->type, GEN_SCALAR_STR);
  assert_int_equal(gen_node_get(r, "j")->type, GEN_SCALAR_STR);
}

static void nodes_keep_line_and_column(void **state) {
  gen_node *r = load(*state, "top:\n  key: \"v\xc3\xa9\"\n  list: [a,  b]\n", GEN_DOC_YAML, CC_OK);
  const gen_node *top = gen_node_get(r, "top");
  assert_int_equal(top->span.line, 2);
  assert_int_equal(top->span.col, 3);
  const gen_node *list = gen_node_get(top, "list");
  assert_int_equal(list->nitems, 2);
  assert_int_equal(list->items[1]->span.line, 3);
  assert_int_equal(list->items[1]->span.col, 14);
  assert_string_equal(gen_node_get(top, "key")->str, "v\xc3\xa9");
}

static void anchors_aliases_and_merges(void **state) {
  gen_node *r = load(*state,
                     "base: &b { x: 1, y: 2 }\n"
                     "more: &m { z: 3 }\n"
                     "one: { <<: *b, y: 20 }\n"
                     "two: { <<: [*b, *m], x: 10 }\n"
                     "same: *b\n",
                     GEN_DOC_YAML, CC_OK);
  const gen_node *one = gen_node_get(r, "one"), *two = gen_node_get(r, "two");
  assert_int_equal(one->npairs, 2);
  assert_int_equal(gen_node_get(one, "y")->i, 20); /* explicit keys win */
  assert_int_equal(gen_node_get(one, "x")->i, 1);
  assert_int_equal(two->npairs, 3);
  assert_int_equal(gen_node_get(two, "x")->i, 10);
  assert_int_equal(gen_node_get(two, "z")->i, 3);
  assert_ptr_equal(gen_node_get(r, "same"), gen_node_get(r, "base"));
}

static void duplicate_keys_are_errors_and_the_first_counts(void **state) {
  fixture *f = *state;
  gen_node *r = load(f, "a: 1\nb: 2\na: 3\n", GEN_DOC_YAML, CC_EINVAL);
  assert_non_null(r);
  assert_int_equal(r->npairs, 2);
  assert_int_equal(gen_node_get(r, "a")->i, 1);
  assert_int_equal(f->diags.nerrors, 1);
  assert_int_equal(f->diags.items[0].line, 3);
  assert_non_null(strstr(f->diags.items[0].msg, "duplicate key `a`"));
}

static void json_is_checked_by_jansson_then_positioned(void **state) {
  fixture *f = *state;
  gen_node *r = load(f, "{\n  \"a\": [1, 2.5, \"x\\/y\"],\n  \"b\": {\"c\": null}\n}", GEN_DOC_JSON, CC_OK);
  const gen_node *a = gen_node_get(r, "a");
  assert_int_equal(a->items[0]->type, GEN_SCALAR_INT);
  assert_int_equal(a->items[1]->type, GEN_SCALAR_FLOAT);
  assert_string_equal(a->items[2]->str, "x/y");
  assert_int_equal(gen_node_get(r, "b")->span.line, 3);
  assert_null(load(f, "{\"a\": 1, \"a\": 2}", GEN_DOC_JSON, CC_EINVAL));
  assert_null(load(f, "{\"a\": 1,}", GEN_DOC_JSON, CC_EINVAL));
  assert_null(load(f, "{\"a\": 01}", GEN_DOC_JSON, CC_EINVAL)); /* valid YAML, not JSON */
}

static void formats(void **state) {
  (void)state;
  assert_true(gen_is_email("alice@example.com"));
  assert_true(gen_is_email_named("Alice <alice@example.com>"));
  assert_false(gen_is_email("alice@example"));
  assert_false(gen_is_email("a..b@example.com"));
  assert_true(gen_is_e164("+15551234567"));
  assert_false(gen_is_e164("+05551234567"));
  assert_false(gen_is_e164("+1234567890123456"));
  assert_true(gen_is_region("us-gov-west-1"));
  assert_true(gen_is_region("eu-central-1"));
  assert_false(gen_is_region("useast1"));
  assert_true(gen_is_secret_arn("arn:aws:secretsmanager:us-west-2:123456789012:secret:twilio-AbCdEf"));
  assert_false(gen_is_secret_arn("arn:aws:secretsmanager:us-west-2:1234:secret:twilio"));
  assert_true(gen_is_ssm_name("/prod/twilio"));
  assert_true(gen_is_ssm_name("arn:aws:ssm:us-west-2:123456789012:parameter/prod/twilio"));
  assert_true(gen_is_ecr_repository("acme/report__x"));
  assert_false(gen_is_ecr_repository("Acme"));
  assert_true(gen_is_sns_topic_arn("arn:aws:sns:us-west-2:123456789012:legacy.fifo"));
  assert_true(gen_is_kms_key_arn("arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
  assert_true(gen_is_kms_key_arn("arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd"));
  assert_false(gen_is_kms_key_arn("arn:aws:kms:us-west-2:123456789012:alias/lambda"));
  assert_false(gen_is_kms_key_arn("arn:aws:kms::123456789012:key/1234"));
  assert_false(gen_is_kms_key_arn("arn:aws:kms:us-west-2:123456789012:key/"));
  assert_false(gen_is_kms_key_arn("1234abcd-12ab-34cd-56ef-1234567890ab"));
  assert_true(gen_is_iam_policy_arn("arn:aws:iam::123456789012:policy/boundary"));
  assert_true(gen_is_iam_policy_arn("arn:aws:iam::123456789012:policy/platform/team/boundary"));
  assert_true(gen_is_iam_policy_arn("arn:aws:iam::aws:policy/PowerUserAccess"));
  assert_false(gen_is_iam_policy_arn("arn:aws:iam::123456789012:role/boundary"));
  assert_false(gen_is_iam_policy_arn("arn:aws:iam::123456789012:policy/"));
  assert_false(gen_is_iam_policy_arn("arn:aws:iam:us-west-2:123456789012:policy/x"));
  assert_true(gen_is_iam_path("/"));
  assert_true(gen_is_iam_path("/cloudcron/jobs/"));
  assert_false(gen_is_iam_path("cloudcron"));
  assert_false(gen_is_iam_path("/cloudcron"));
  assert_false(gen_is_iam_path("/a//b/"));
  assert_false(gen_is_iam_path("/a b/"));
  long secs;
  assert_true(gen_parse_duration("15m", &secs) && secs == 900);
  assert_false(gen_parse_duration("1d", &secs));
  assert_false(gen_parse_duration("m", &secs));
  char region[32];
  assert_true(gen_ecr_registry_region("123456789012.dkr.ecr.eu-west-1.amazonaws.com", 44, region, sizeof region));
  assert_string_equal(region, "eu-west-1");
  static const char fips[] = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com";
  assert_true(gen_ecr_registry_region(fips, sizeof fips - 1, region, sizeof region));
  assert_string_equal(region, "us-gov-west-1");
  static const char cn[] = "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn";
  assert_true(gen_ecr_registry_region(cn, sizeof cn - 1, region, sizeof region));
  static const char *const not_ecr[] = {"ghcr.io", "public.ecr.aws", "12345678901.dkr.ecr.us-west-2.amazonaws.com",
                                        "123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.io",
                                        "123456789012.dkr.ecr.westus.amazonaws.com", "123456789012.dkr.ecr..amazonaws.com"};
  for (size_t i = 0; i < sizeof not_ecr / sizeof not_ecr[0]; i++)
    if (gen_ecr_registry_region(not_ecr[i], strlen(not_ecr[i]), region, sizeof region)) fail_msg("%s is not ECR", not_ecr[i]);
  /* the length bounds the host: the repository after it is not read */
  assert_true(gen_ecr_registry_region("123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1", 44, region, sizeof region));
  size_t hl, rl;
  const char *repo;
  assert_true(gen_image_uri_split("reg:5000/team/app:1.0", &hl, &repo, &rl));
  assert_int_equal(hl, 8);
  assert_int_equal(rl, 8);
  assert_memory_equal(repo, "team/app", 8);
  assert_true(gen_image_uri_split("r/a@sha256:00", &hl, &repo, &rl) && rl == 1);
  assert_false(gen_image_uri_split("r/app", &hl, &repo, &rl));
  assert_false(gen_image_uri_split("app:1", &hl, &repo, &rl));
  assert_true(gen_is_secretish_name("DB_PASSWORD"));
  assert_false(gen_is_secretish_name("THRESHOLD"));
  /* whole words, not substrings */
  static const char *const secret[] = {"auth", "AUTH", "auth_token", "api_key", "API-KEY", "apiKey", "ApiKey", "APIKey",
                                       "apikey", "client_secret", "clientSecret", "password", "passwd", "token",
                                       "private_key", "privateKey", "slack.token", "PGPASSWORD", "GITHUB_TOKEN",
                                       "AWS_SECRET_ACCESS_KEY", "db-credentials", "x_auth", "SECRETS"};
  static const char *const plain[] = {"author", "AUTHOR", "AUTHORITY_URL", "oauth_provider", "max_tokens", "MAX_TOKENS",
                                      "secretary", "Secretariat", "keyboard", "api_keyboard", "tokenizer", "authn_mode",
                                      "private", "KEY_ID", "", "_"};
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++) {
    if (!gen_is_secretish_name(secret[i])) fail_msg("%s should look like a secret", secret[i]);
  }
  for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
    if (gen_is_secretish_name(plain[i])) fail_msg("%s should not look like a secret", plain[i]);
  }
}

/* gen_spec_parse takes a length, not a C string: no byte past it is read
 * (ASan checks this in the sanitizer pass). */
static void parse_reads_only_len_bytes(void **state) {
  (void)state;
  static const char text[] = "version: 1\nproject: acme-cron\nnotifications: {}\ntasks: {}";
  size_t len = sizeof text - 1;
  char *exact = malloc(len);
  assert_non_null(exact);
  memcpy(exact, text, len);
  cc_diags d;
  cc_diags_init(&d);
  gen_spec *spec = NULL;
  assert_int_equal(gen_spec_parse(&spec, "mem.yaml", exact, len, &d), CC_OK);
  assert_string_equal(spec->project, "acme-cron");
  gen_spec_free(spec);
  cc_diags_free(&d);
  free(exact);
}

/* CLOUDCRON_NOW sets the lint's now; malformed values are errors. */
static void lint_now_from_the_environment(void **state) {
  (void)state;
  int64_t now = 0;
  setenv("CLOUDCRON_NOW", "2026-06-01T00:00:00Z", 1);
  assert_int_equal(gen_lint_now(&now), CC_OK);
  assert_int_equal(now, 1780272000);
  const char *bad[] = {"2026-06-01", "2026-06-01T00:00:00", "2026-13-01T00:00:00Z", "2026-06-01T00:00:00Z+", "now"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    setenv("CLOUDCRON_NOW", bad[i], 1);
    assert_int_equal(gen_lint_now(&now), CC_EINVAL);
  }
  const char *text = "version: 1\nproject: p1\nimages:\n  app: { uri: 123456789012.dkr.ecr.us-west-2.amazonaws.com/app:1.0 }\n"
                     "tasks:\n  t:\n    image: app\n    schedule: cron(0 0 * * ? *)\n";
  cc_diags d;
  cc_diags_init(&d);
  gen_spec *spec = NULL;
  assert_int_equal(gen_spec_parse(&spec, "spec.yaml", text, strlen(text), &d), CC_EINVAL);
  assert_int_equal(d.nerrors, 1);
  assert_string_equal(d.items[d.n - 1].file, "CLOUDCRON_NOW");
  cc_diags_free(&d);
  unsetenv("CLOUDCRON_NOW");
  cc_diags_init(&d);
  assert_int_equal(gen_spec_parse(&spec, "spec.yaml", text, strlen(text), &d), CC_OK); /* the clock */
  gen_spec_free(spec);
  cc_diags_free(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(scalars_resolve_with_the_yaml_1_2_core_schema, setup, teardown),
      cmocka_unit_test_setup_teardown(nodes_keep_line_and_column, setup, teardown),
      cmocka_unit_test_setup_teardown(anchors_aliases_and_merges, setup, teardown),
      cmocka_unit_test_setup_teardown(duplicate_keys_are_errors_and_the_first_counts, setup, teardown),
      cmocka_unit_test_setup_teardown(json_is_checked_by_jansson_then_positioned, setup, teardown),
      cmocka_unit_test(formats),
      cmocka_unit_test(parse_reads_only_len_bytes),
      cmocka_unit_test(lint_now_from_the_environment),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
