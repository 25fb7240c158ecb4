/* gen/stack_ctx: the root stack's context, built once from the checked
 * spec. Names derived for FIFO and standard topics and queues, each image
 * kind, relative build contexts, alarm periods, and the generator's
 * filters as the stack's templates use them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/template.h"
#include "paths.h"
#include "spec.h"
#include "stack_ctx.h"
#include "tpl_filters.h"

static const char S_spec[] =
    "version: 1\n"
    "project: demo\n"
    "images:\n"
    "  built: { build: { context: ./src, repository: demo-built, build_args: { V: \"1\" } } }\n"
    "  copied: { republish: { source: 123456789012.dkr.ecr.us-east-1.amazonaws.com/rt, tag: v1 } }\n"
    "  pinned: { uri: \"123456789012.dkr.ecr.us-east-1.amazonaws.com/rt@sha256:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }\n"
    "topics:\n"
    "  events: {}\n"
    "  news: { fifo: false }\n"
    "  old: { arn: \"arn:aws:sns:us-east-1:123456789012:old.fifo\" }\n"
    "alarms: { topic: news }\n"
    "tasks:\n"
    "  job-a:\n"
    "    image: built\n"
    "    schedule: rate(5 minutes)\n"
    "    publishes: [events]\n"
    "    retry: { attempts: 5, max_age: 24h }\n"
    "    dead_letter: true\n"
    "  nightly:\n"
    "    image: pinned\n"
    "    schedule: cron(30 4 * * ? *)\n"
    "    timezone: Europe/Rome\n"
    "  sender: { image: pinned }\n"
    "schedule_groups:\n"
    "  re-mind: { target: sender, creators: [job-a], dead_letter: true, retry: { attempts: 1, max_age: 1h } }\n"
    "notifications:\n"
    "  fifo-log: { channel: print, topic: events, image: copied, template: { inline: x } }\n"
    "  std-log: { channel: print, topic: news, image: copied, template: { inline: x } }\n"
    "dispatchers:\n"
    "  wf:\n"
    "    image: copied\n"
    "    database_secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:db\n"
    "    subnets: [subnet-1]\n"
    "    security_groups: [sg-1]\n"
    "    queue: { fifo: true }\n"
    "  plain:\n"
    "    image: copied\n"
    "    database_secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:db\n"
    "    subnets: [subnet-1]\n"
    "    security_groups: [sg-1]\n";

typedef struct S_fix {
  char dir[64];
  gen_spec *spec;
  json_t *ctx;
} S_fix;

static void S_write(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The spec in a scratch folder with its build context, and its context
 * for the output folder DIR/out. */
static int S_setup(void **state) {
  S_fix *x = calloc(1, sizeof *x);
  assert_non_null(x);
  strcpy(x->dir, "/tmp/cc_stack_ctx_XXXXXX");
  assert_non_null(mkdtemp(x->dir));
  char path[128];
  snprintf(path, sizeof path, "%s/src", x->dir);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/src/Dockerfile", x->dir);
  S_write(path, "FROM scratch\n");
  snprintf(path, sizeof path, "%s/spec.yaml", x->dir);
  cc_diags d;
  cc_diags_init(&d);
  assert_int_equal(gen_spec_parse(&x->spec, path, S_spec, strlen(S_spec), &d), CC_OK);
  cc_diags_free(&d);
  snprintf(path, sizeof path, "%s/out", x->dir);
  assert_int_equal(gen_stack_context(&x->ctx, x->spec, path), CC_OK);
  assert_non_null(x->ctx);
  *state = x;
  return 0;
}

static int S_teardown(void **state) {
  S_fix *x = *state;
  char path[128];
  json_decref(x->ctx);
  gen_spec_free(x->spec);
  snprintf(path, sizeof path, "%s/src/Dockerfile", x->dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/src", x->dir);
  rmdir(path);
  rmdir(x->dir);
  free(x);
  return 0;
}

/* The entry of LIST (a context key) whose "key" is KEY. */
static const json_t *S_entry(const json_t *ctx, const char *list, const char *key) {
  const json_t *a = json_object_get(ctx, list), *e;
  size_t i;
  assert_true(json_is_array(a));
  json_array_foreach(a, i, e) if (!strcmp(json_string_value(json_object_get(e, "key")), key)) return e;
  fail_msg("no %s entry %s", list, key);
  return NULL;
}

static const char *S_s(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  assert_non_null(v);
  return json_is_null(v) ? NULL : json_string_value(v);
}

static long long S_i(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  assert_true(json_is_integer(v));
  return json_integer_value(v);
}

static int S_b(const json_t *o, const char *k) {
  const json_t *v = json_object_get(o, k);
  assert_true(json_is_boolean(v));
  return json_is_true(v);
}

/* A FIFO topic's name ends in .fifo; a standard one's does not; an
 * existing one keeps its ARN and the ARN's name. */
static void test_topic_names(void **state) {
  S_fix *x = *state;
  const json_t *t = S_entry(x->ctx, "topics", "events");
  assert_string_equal(S_s(t, "name"), "demo-events.fifo");
  assert_true(S_b(t, "fifo"));
  assert_null(S_s(t, "arn"));
  assert_string_equal(S_s(t, "id"), "events");
  t = S_entry(x->ctx, "topics", "news");
  assert_string_equal(S_s(t, "name"), "demo-news");
  assert_false(S_b(t, "fifo"));
  t = S_entry(x->ctx, "topics", "old");
  assert_string_equal(S_s(t, "arn"), "arn:aws:sns:us-east-1:123456789012:old.fifo");
  assert_string_equal(S_s(t, "name"), "old.fifo");
  assert_true(S_b(t, "fifo"));
}

/* A channel on a FIFO topic: the modules get the queue names without
 * .fifo (they add it), the AWS names (alarms, README) end in it; on a
 * standard topic both are the same, without it. */
static void test_channel_queue_names(void **state) {
  S_fix *x = *state;
  const json_t *n = S_entry(x->ctx, "notifications", "fifo-log");
  assert_string_equal(S_s(n, "queue_name"), "demo-fifo-log");
  assert_string_equal(S_s(n, "queue_aws_name"), "demo-fifo-log.fifo");
  assert_string_equal(S_s(n, "dead_letter_queue_name"), "demo-fifo-log-dlq");
  assert_string_equal(S_s(n, "dead_letter_queue_aws_name"), "demo-fifo-log-dlq.fifo");
  assert_string_equal(S_s(n, "module"), "notify_fifo_log");
  assert_string_equal(S_s(n, "channel_module"), "print-notification");
  n = S_entry(x->ctx, "notifications", "std-log");
  assert_string_equal(S_s(n, "queue_name"), "demo-std-log");
  assert_string_equal(S_s(n, "queue_aws_name"), "demo-std-log");
  assert_string_equal(S_s(n, "dead_letter_queue_aws_name"), "demo-std-log-dlq");
}

/* A created FIFO requests queue: names without .fifo for the module, with
 * it for AWS; a standard one without. */
static void test_dispatcher_queue_names(void **state) {
  S_fix *x = *state;
  const json_t *d = S_entry(x->ctx, "dispatchers", "wf");
  assert_true(S_b(d, "fifo"));
  assert_string_equal(S_s(d, "queue_name"), "demo-wf-requests");
  assert_string_equal(S_s(d, "queue_aws_name"), "demo-wf-requests.fifo");
  assert_string_equal(S_s(d, "dead_letter_queue_aws_name"), "demo-wf-requests-dlq.fifo");
  d = S_entry(x->ctx, "dispatchers", "plain");
  assert_false(S_b(d, "fifo"));
  assert_string_equal(S_s(d, "queue_aws_name"), "demo-plain-requests");
  assert_string_equal(S_s(d, "dead_letter_queue_name"), "demo-plain-requests-dlq");
}

/* Every image kind: built (context relative to the stack folder), copied
 * (the platform its architecture names), pinned (its URI only). */
static void test_image_kinds(void **state) {
  S_fix *x = *state;
  const json_t *m = S_entry(x->ctx, "images", "built");
  assert_string_equal(S_s(m, "kind"), "build");
  assert_string_equal(S_s(m, "module"), "image_built");
  assert_string_equal(S_s(m, "repository"), "demo-built");
  /* from OUT/stacks/demo to the spec's ./src */
  assert_string_equal(S_s(m, "source_dir"), "../../../src");
  assert_string_equal(S_s(m, "dockerfile"), "Dockerfile");
  assert_string_equal(S_s(m, "platform"), "linux/amd64");
  assert_null(S_s(m, "tag"));
  assert_int_equal(json_array_size(json_object_get(m, "build_args")), 1);
  m = S_entry(x->ctx, "images", "copied");
  assert_string_equal(S_s(m, "kind"), "republish");
  assert_string_equal(S_s(m, "source"), "123456789012.dkr.ecr.us-east-1.amazonaws.com/rt");
  assert_string_equal(S_s(m, "tag"), "v1");
  assert_string_equal(S_s(m, "platform"), "linux/amd64");
  assert_string_equal(S_s(m, "repository"), "demo-copied");
  m = S_entry(x->ctx, "images", "pinned");
  assert_string_equal(S_s(m, "kind"), "uri");
  assert_non_null(strstr(S_s(m, "uri"), "@sha256:"));
  assert_null(json_object_get(m, "repository"));
  assert_true(S_b(x->ctx, "any_build"));
  assert_true(S_b(x->ctx, "any_republish"));
  assert_true(S_b(x->ctx, "readme_images"));
}

/* Task values derived once: Lambda's async retry limits, the README's
 * plain-English schedule, identifiers. */
static void test_task_derived(void **state) {
  S_fix *x = *state;
  const json_t *t = S_entry(x->ctx, "tasks", "job-a");
  assert_string_equal(S_s(t, "module"), "task_job_a");
  assert_int_equal(S_i(t, "retry_attempts"), 5);
  assert_int_equal(S_i(t, "function_retry_attempts"), 2);
  assert_int_equal(S_i(t, "retry_max_age_seconds"), 86400);
  assert_int_equal(S_i(t, "function_max_event_age_seconds"), 21600);
  assert_string_equal(S_s(t, "when"), "every 5 minutes");
  assert_string_equal(S_s(t, "dead_letter_queue_name"), "demo-job-a-dlq");
  t = S_entry(x->ctx, "tasks", "nightly");
  assert_string_equal(S_s(t, "when"), "every day at 04:30 (Europe/Rome)");
  assert_int_equal(json_array_size(json_object_get(t, "environment")), 0);
}

/* A schedule group's creators get its name, role, target, retry and
 * queue in their environment (after their own env), under the names the
 * task SDK reads; the group's resources get their identifiers. */
static void test_schedule_group(void **state) {
  S_fix *x = *state;
  const json_t *env = json_object_get(S_entry(x->ctx, "tasks", "job-a"), "environment");
  static const char *const want[][3] = {
      {"CLOUDCRON_SCHEDULE_RETRY_RE_MIND", "1,3600", NULL},
      {"CLOUDCRON_SCHEDULE_GROUP_RE_MIND", NULL, "module.group_re_mind.group_name"},
      {"CLOUDCRON_SCHEDULE_ROLE_RE_MIND", NULL, "module.group_re_mind.scheduler_role_arn"},
      {"CLOUDCRON_SCHEDULE_TARGET_RE_MIND", NULL, "module.group_re_mind.target_function_arn"},
      {"CLOUDCRON_SCHEDULE_DLQ_RE_MIND", NULL, "aws_sqs_queue.group_dlq_re_mind.arn"},
  };
  assert_int_equal(json_array_size(env), 5);
  for (size_t i = 0; i < 5; i++) {
    const json_t *e = json_array_get(env, i);
    assert_string_equal(S_s(e, "key"), want[i][0]);
    if (want[i][1]) assert_string_equal(S_s(e, "value"), want[i][1]);
    else assert_null(S_s(e, "value"));
    if (want[i][2]) assert_string_equal(S_s(e, "ref"), want[i][2]);
    else assert_null(S_s(e, "ref"));
  }
  assert_int_equal(json_array_size(json_object_get(S_entry(x->ctx, "tasks", "sender"), "environment")), 0);
  const json_t *g = S_entry(x->ctx, "schedule_groups", "re-mind");
  assert_string_equal(S_s(g, "module"), "group_re_mind");
  assert_string_equal(S_s(g, "target_module"), "task_sender");
  assert_string_equal(S_s(g, "dead_letter_id"), "group_dlq_re_mind");
  const json_t *c = json_array_get(json_object_get(g, "creators"), 0);
  assert_string_equal(S_s(c, "id"), "group_re_mind_job_a");
  assert_string_equal(S_s(c, "module"), "task_job_a");
  assert_string_equal(S_s(c, "role_name"), "demo-job-a-exec");
  assert_null(S_s(S_entry(x->ctx, "tasks", "sender"), "when"));
}

/* Alarms: a rate() task gets a missed-run alarm over its period, a cron()
 * one none; a FIFO requests queue's dead-letter alarm names the .fifo
 * queue. */
static void test_alarms(void **state) {
  S_fix *x = *state;
  const json_t *a = json_object_get(x->ctx, "alarms"), *e;
  size_t i;
  int missed = 0, fifo_dlq = 0;
  json_array_foreach(a, i, e) {
    const char *id = S_s(e, "id");
    if (!strcmp(id, "task_job_a_missed_run")) {
      missed++;
      assert_int_equal(S_i(e, "period"), 300);
      assert_int_equal(S_i(e, "periods"), 2);
      assert_string_equal(S_s(e, "dimension_ref"), "module.task_job_a.function_name");
      assert_null(S_s(e, "dimension"));
    }
    assert_string_not_equal(id, "task_nightly_missed_run");
    if (!strcmp(id, "dispatcher_wf_dead_letter")) {
      fifo_dlq++;
      assert_string_equal(S_s(e, "dimension"), "demo-wf-requests-dlq.fifo");
      assert_string_equal(S_s(e, "name"), "demo-wf-requests-dlq.fifo");
    }
  }
  assert_int_equal(missed, 1);
  assert_int_equal(fifo_dlq, 1);
  assert_int_equal(gen_rate_seconds("rate(2 hours)"), 7200);
  assert_int_equal(gen_rate_seconds("rate(1 day)"), 86400);
  assert_int_equal(gen_rate_seconds("cron(0 * * * ? *)"), 0);
}

/* The filters as the templates use them: HCL quoting keeps ${ literal,
 * keys are bare only when identifiers, JSON becomes HCL; a wrong input is
 * a render error at its position. */
static void test_filters(void **state) {
  (void)state;
  static const char src[] = "{{ s | hcl }} {{ s | hcl_escape }} {{ k | hcl_key }} {{ 'a.b' | hcl_key }} "
                            "{{ v | hcl_value }} {{ 'a|b' | md_code }}";
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.autoescape = CC_TPL_AUTOESCAPE_OFF;
  o.strict = 1;
  o.filters = gen_tpl_filters;
  o.nfilters = gen_tpl_nfilters;
  cc_diags d;
  cc_diags_init(&d);
  cc_tpl *t = NULL;
  assert_int_equal(cc_tpl_compile(&t, "t", src, strlen(src), &o, &d), CC_OK);
  json_t *ctx = json_pack("{s:s, s:s, s:{s:i, s:[b]}}", "s", "a\"${x}", "k", "ok-key", "v", "n", 1, "l", 1);
  cc_buf out = CC_BUF_INIT;
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_OK);
  assert_string_equal(cc_buf_str(&out), "\"a\\\"$${x}\" a\\\"$${x} ok-key \"a.b\" { n = 1, l = [true] } `a\\|b`");
  cc_buf_free(&out);
  cc_tpl_free(t);
  static const char bad[] = "{{ 1 | hcl }}";
  assert_int_equal(cc_tpl_compile(&t, "bad.tf", bad, strlen(bad), &o, &d), CC_OK);
  assert_int_equal(cc_tpl_render(t, ctx, &out, &d), CC_EINVAL);
  assert_int_equal(d.nerrors, 1);
  cc_buf_free(&out);
  cc_tpl_free(t);
  json_decref(ctx);
  cc_diags_free(&d);
}

/* Relative paths between folders that need not exist. */
static void test_relpath(void **state) {
  (void)state;
  static const char *const cases[][3] = {
      {"/a/b/c", "/a/d", "../../d"}, {"/a", "/a", "."}, {"/a/./b/../c", "/a/c/x", "x"}, {"/", "/x/y", "x/y"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cc_buf b = CC_BUF_INIT;
    assert_int_equal(gen_relpath(&b, cases[i][0], cases[i][1]), CC_OK);
    assert_string_equal(cc_buf_str(&b), cases[i][2]);
    cc_buf_free(&b);
  }
  assert_string_equal(gen_path_base("a/b/c.html"), "c.html");
  assert_string_equal(gen_path_base("c.html"), "c.html");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_topic_names, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_channel_queue_names, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_dispatcher_queue_names, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_image_kinds, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_task_derived, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_schedule_group, S_setup, S_teardown),
      cmocka_unit_test_setup_teardown(test_alarms, S_setup, S_teardown),
      cmocka_unit_test(test_filters),
      cmocka_unit_test(test_relpath),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
