/* The task SDK: topic keys, messages, publishing through a context (on an
 * injected transport: the exact form fields of each Publish), secrets,
 * deadlines, errors and the JSON log lines. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc/err.h"
#include "cloudcron.h"
#include "sdk_ctx.h"
#include "sigv4.h"

/* A transport that records each request and answers from a list. */
typedef struct rec {
  long status[4];
  const char *answer[4];
  int n, sent;
  char *bodies[4];
} rec;

static int S_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                  const rt_http_req *req, long connect_ms, long total_ms) {
  rec *r = user;
  (void)why, (void)whycap, (void)connect_ms, (void)total_ms;
  assert_true(r->sent < r->n);
  r->bodies[r->sent] = strndup(req->body, req->body_len);
  *status = r->status[r->sent];
  return cc_buf_puts(body, r->answer[r->sent++]);
}

static void rec_free(rec *r) {
  for (int i = 0; i < r->sent; i++) free(r->bodies[i]);
}

static const char OK[] =
    "<PublishResponse><PublishResult><MessageId>mid-1</MessageId></PublishResult></PublishResponse>";
#define FIFO_ARN "arn:aws:sns:us-east-1:123456789012:alerts.fifo"

static void setup_env(void) {
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "SK", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  unsetenv("AWS_SESSION_TOKEN");
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_ENDPOINT_URL_SNS");
  setenv("CLOUDCRON_TOPIC_ALERTS", FIFO_ARN, 1);
  setenv("CLOUDCRON_TOPIC_REPORTS", "arn:aws:sns:us-east-1:123456789012:reports", 1);
  unsetenv("CLOUDCRON_TOPIC_DAILY_REPORT");
  setenv("CLOUDCRON_TASK_NAME", "nightly-report", 1);
}

/* A context on r, as cloudcron_main makes one per invocation. */
static void ctx_on(cloudcron_ctx *ctx, rt_sdk_state *st, rt_transport *t, rec *r,
                   long long deadline_ms) {
  rt_sdk_state_init(st, "/var/runtime/bootstrap");
  *t = (rt_transport){.send = S_send, .user = r};
  st->transport = t;
  st->fixed_date = "20261122T120000Z";
  rt_sdk_ctx_init(ctx, st, "req-1", "arn:aws:lambda:us-east-1:123456789012:function:f",
                  "Root=1-a", deadline_ms, NULL);
}

static void test_topic_keys(void **state) {
  (void)state;
  const char *arn;
  char err[512];
  setenv("CLOUDCRON_TOPIC_ALERTS", "arn:aws:sns:us-east-1:1:alerts", 1);
  setenv("CLOUDCRON_TOPIC_DAILY_REPORT", "arn:aws:sns:us-east-1:1:dr.fifo", 1);
  assert_int_equal(cloudcron_topic_arn(&arn, err, sizeof err, "alerts"), CC_OK);
  assert_string_equal(arn, "arn:aws:sns:us-east-1:1:alerts");
  assert_int_equal(cloudcron_topic_arn(&arn, err, sizeof err, "daily-report"), CC_OK);
  assert_string_equal(arn, "arn:aws:sns:us-east-1:1:dr.fifo");
  assert_int_equal(cloudcron_topic_arn(&arn, err, sizeof err, "alert"), CC_ENOTFOUND);
  assert_null(arn);
  assert_non_null(strstr(err, "unknown topic key \"alert\" (CLOUDCRON_TOPIC_ALERT is not set)"));
  assert_non_null(strstr(err, "alerts"));
  assert_non_null(strstr(err, "daily-report"));
  assert_int_equal(cloudcron_topic_arn(&arn, err, sizeof err, ""), CC_EINVAL);
}

static void test_message(void **state) {
  (void)state;
  char *m;
  json_t *vars = json_pack("{s:s,s:f}", "host", "db-1", "pct", 93.5);
  assert_int_equal(cloudcron_message(&m, "Disk", vars, "db-1-2026-11-22"), CC_OK);
  assert_string_equal(m, "{\"dedup_id\":\"db-1-2026-11-22\",\"subject\":\"Disk\","
                         "\"vars\":{\"host\":\"db-1\",\"pct\":93.5}}");
  free(m);
  assert_int_equal(json_object_size(vars), 2); /* borrowed, untouched */
  assert_int_equal(cloudcron_message(&m, "", NULL, NULL), CC_EINVAL);
  assert_null(m);
  assert_int_equal(cloudcron_message(&m, "s", NULL, "has space"), CC_EINVAL);
  json_t *arr = json_array();
  assert_int_equal(cloudcron_message(&m, "s", arr, NULL), CC_EINVAL);
  json_decref(arr);
  json_decref(vars);
}

static void test_publish_fifo(void **state) {
  (void)state;
  setup_env();
  rec r = {.status = {200, 200}, .answer = {OK, OK}, .n = 2};
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  char hex[65], want[1024];
  ctx_on(&ctx, &st, &t, &r, 0);
  assert_string_equal(cloudcron_task_name(&ctx), "nightly-report");
  json_t *vars = json_pack("{s:s,s:f}", "host", "db-1", "pct", 93.4);
  /* no dedup id: the message's SHA-256 */
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "Disk", vars, NULL), CC_OK);
  const char *msg = "{\"subject\":\"Disk\",\"vars\":{\"host\":\"db-1\",\"pct\":93.4}}";
  rt_sha256_hex(hex, msg, strlen(msg));
  snprintf(want, sizeof want,
           "Action=Publish&Version=2010-03-31&TopicArn=arn%%3Aaws%%3Asns%%3Aus-east-1%%3A123456789012"
           "%%3Aalerts.fifo&Message=%%7B%%22subject%%22%%3A%%22Disk%%22%%2C%%22vars%%22%%3A%%7B%%22host"
           "%%22%%3A%%22db-1%%22%%2C%%22pct%%22%%3A93.4%%7D%%7D&MessageDeduplicationId=%s"
           "&MessageGroupId=nightly-report",
           hex);
  assert_string_equal(r.bodies[0], want);
  assert_string_equal(cloudcron_last_message_id(&ctx), "mid-1");
  /* with a dedup id, recipients, a group and attributes */
  const char *to[] = {"+15551234567", NULL};
  cloudcron_attr attrs[] = {{"severity", "String", "critical"}};
  cloudcron_publish_opts o = {.to = to, .group_id = "db-1", .attrs = attrs, .n_attrs = 1};
  assert_int_equal(cloudcron_publish_ex(&ctx, "alerts", "Disk", NULL, "d-1", &o), CC_OK);
  assert_string_equal(
      r.bodies[1],
      "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012"
      "%3Aalerts.fifo&Message=%7B%22dedup_id%22%3A%22d-1%22%2C%22subject%22%3A%22Disk%22%2C%22to"
      "%22%3A%5B%22%2B15551234567%22%5D%7D&MessageAttributes.entry.1.Name=severity"
      "&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue"
      "=critical&MessageDeduplicationId=d-1&MessageGroupId=db-1");
  assert_int_equal(ctx.published, 2);
  assert_string_equal(cloudcron_last_error(&ctx), "");
  /* a failure keeps the last success's id */
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "", NULL, NULL), CC_EINVAL);
  assert_string_equal(cloudcron_last_message_id(&ctx), "mid-1");
  json_decref(vars);
  rt_sdk_ctx_done(&ctx);
  rec_free(&r);
}

static void test_publish_standard(void **state) {
  (void)state;
  setup_env();
  rec r = {.status = {200}, .answer = {OK}, .n = 1};
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  ctx_on(&ctx, &st, &t, &r, 0);
  assert_int_equal(cloudcron_publish(&ctx, "reports", "Daily", NULL, "x"), CC_OK);
  /* a standard topic takes neither group nor de-duplication id */
  assert_null(strstr(r.bodies[0], "MessageGroupId"));
  assert_null(strstr(r.bodies[0], "MessageDeduplicationId"));
  assert_string_equal(r.bodies[0],
                      "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A"
                      "123456789012%3Areports&Message=%7B%22dedup_id%22%3A%22x%22%2C%22subject%22"
                      "%3A%22Daily%22%7D");
  rec_free(&r);
}

static void test_publish_errors(void **state) {
  (void)state;
  setup_env();
  rec r = {.status = {403},
           .answer = {"<ErrorResponse><Error><Code>AuthorizationError</Code><Message>not "
                      "authorized to perform SNS:Publish</Message></Error></ErrorResponse>"},
           .n = 1};
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  ctx_on(&ctx, &st, &t, &r, 0);
  assert_int_equal(cloudcron_publish(&ctx, "alert", "s", NULL, NULL), CC_ENOTFOUND);
  assert_string_equal(cloudcron_last_error(&ctx),
                      "publish to \"alert\": unknown topic key \"alert\" (CLOUDCRON_TOPIC_ALERT is "
                      "not set); known keys: alerts, reports");
  /* set but empty: said so, and not listed as known */
  setenv("CLOUDCRON_TOPIC_PAGER", "", 1);
  assert_int_equal(cloudcron_publish(&ctx, "pager", "s", NULL, NULL), CC_ENOTFOUND);
  assert_string_equal(cloudcron_last_error(&ctx),
                      "publish to \"pager\": topic key \"pager\": CLOUDCRON_TOPIC_PAGER is set but "
                      "empty; known keys: alerts, reports");
  unsetenv("CLOUDCRON_TOPIC_PAGER");
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "two\nlines", NULL, NULL), CC_EINVAL);
  assert_string_equal(cloudcron_last_error(&ctx), "publish to \"alerts\": the message does not "
                                                  "match the schema: \"subject\" must be one line");
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "", NULL, NULL), CC_EINVAL);
  assert_string_equal(cloudcron_last_error(&ctx), "publish to \"alerts\": the message does not "
                                                  "match the schema: \"subject\" must be a "
                                                  "non-empty string");
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "s", NULL, "two words"), CC_EINVAL);
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "s", NULL, NULL), CC_EREMOTE);
  assert_string_equal(cloudcron_last_error(&ctx),
                      "publish to \"alerts\": sns Publish: HTTP 403 AuthorizationError: not "
                      "authorized to perform SNS:Publish (1 attempt)");
  assert_int_equal(ctx.published, 0);
  assert_string_equal(cloudcron_last_message_id(&ctx), "");
  assert_int_equal(r.sent, 1);
  rec_free(&r);
  /* no region: nothing sent, the variable named */
  unsetenv("AWS_REGION");
  unsetenv("AWS_DEFAULT_REGION");
  setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  rec r2 = {.n = 0};
  ctx_on(&ctx, &st, &t, &r2, 0);
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "s", NULL, NULL), CC_EINVAL);
  assert_string_equal(cloudcron_last_error(&ctx),
                      "publish to \"alerts\": AWS configuration: no AWS region: set AWS_REGION or "
                      "AWS_DEFAULT_REGION, or region in profile \"default\" of /nonexistent/config");
  assert_int_equal(r2.sent, 0);
  unsetenv("AWS_CONFIG_FILE");
  setup_env();
}

static void test_deadline(void **state) {
  (void)state;
  setup_env();
  rec r = {.n = 0};
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  ctx_on(&ctx, &st, &t, &r, 0);
  assert_true(cloudcron_remaining_ms(&ctx) == LLONG_MAX);
  ctx_on(&ctx, &st, &t, &r, rt_now_ms() + 5000);
  assert_true(cloudcron_remaining_ms(&ctx) > 4000 && cloudcron_remaining_ms(&ctx) <= 5000);
  /* inside the margin kept for the answer: nothing is sent */
  ctx_on(&ctx, &st, &t, &r, rt_now_ms() + RT_SDK_MARGIN_MS - 50);
  assert_int_equal(cloudcron_publish(&ctx, "alerts", "s", NULL, NULL), CC_ETIMEOUT);
  assert_non_null(strstr(cloudcron_last_error(&ctx), "deadline passed before the first attempt"));
  assert_int_equal(r.sent, 0);
  assert_int_equal(cloudcron_fail(&ctx, CC_EIO, "%d paths", 2), CC_EIO);
  assert_string_equal(cloudcron_last_error(&ctx), "2 paths");
  assert_string_equal(cloudcron_request_id(&ctx), "req-1");
  assert_string_equal(cloudcron_function_arn(&ctx), "arn:aws:lambda:us-east-1:123456789012:function:f");
  assert_string_equal(cloudcron_trace_id(&ctx), "Root=1-a");
}

static void test_secrets(void **state) {
  (void)state;
  setup_env();
  rec r = {.status = {200, 400},
           .answer = {"{\"SecretString\":\"tok\"}", "{\"__type\":\"ParameterNotFound\",\"message\":\"m\"}"},
           .n = 2};
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  char *v = NULL;
  ctx_on(&ctx, &st, &t, &r, 0);
  assert_int_equal(cloudcron_secret(&ctx, "twilio", &v), CC_OK);
  assert_string_equal(v, "tok");
  assert_string_equal(r.bodies[0], "{\"SecretId\":\"twilio\"}");
  cloudcron_secret_free(v);
  assert_int_equal(cloudcron_parameter(&ctx, "/p", &v), CC_EREMOTE);
  assert_null(v);
  assert_string_equal(cloudcron_last_error(&ctx),
                      "parameter \"/p\": ssm GetParameter: HTTP 400 ParameterNotFound: m (1 attempt)");
  cloudcron_secret_free(NULL);
  rec_free(&r);
}

/* Runs fn with stderr in a temporary file; returns what was written. */
static char *S_capture(void (*fn)(void)) {
  FILE *tmp = tmpfile();
  int saved = dup(2);
  fflush(stderr);
  dup2(fileno(tmp), 2);
  fn();
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  long n = ftell(tmp);
  char *s = calloc(1, (size_t)n + 1);
  rewind(tmp);
  assert_int_equal(fread(s, 1, (size_t)n, tmp), (size_t)n);
  fclose(tmp);
  return s;
}

static void S_logs(void) {
  rt_sdk_state st;
  rt_transport t;
  cloudcron_ctx ctx;
  rec r = {.n = 0};
  ctx_on(&ctx, &st, &t, &r, 0);
  json_t *f = json_pack("{s:s,s:f,s:s}", "path", "/tmp", "pct", 16.8, "level", "hijack");
  cloudcron_log_fields(&ctx, CLOUDCRON_ERROR, f, "%s is %d%% full", "/tmp", 17);
  cloudcron_log(&ctx, CLOUDCRON_DEBUG, "dropped at INFO");
  cloudcron_log(NULL, CLOUDCRON_WARN, "bad \xff byte");
  json_decref(f);
}

static void test_logs(void **state) {
  (void)state;
  unsetenv("CLOUDCRON_LOG_LEVEL");
  unsetenv("AWS_LAMBDA_LOG_LEVEL");
  char *out = S_capture(S_logs);
  char *nl = strchr(out, '\n');
  assert_non_null(nl);
  *nl = '\0';
  json_t *j = json_loads(out, 0, NULL);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "level")), "ERROR");
  assert_string_equal(json_string_value(json_object_get(j, "request_id")), "req-1");
  assert_string_equal(json_string_value(json_object_get(j, "message")), "/tmp is 17% full");
  assert_string_equal(json_string_value(json_object_get(j, "path")), "/tmp");
  assert_true(json_real_value(json_object_get(j, "pct")) == 16.8);
  assert_non_null(strstr(out, "\"pct\":16.8")); /* shortest digits, not 16.800000000000001 */
  assert_int_equal(strncmp(out, "{\"timestamp\":\"", 14), 0);
  assert_int_equal(strlen(json_string_value(json_object_get(j, "timestamp"))), 24);
  json_decref(j);
  j = json_loads(nl + 1, JSON_DISABLE_EOF_CHECK, NULL);
  assert_string_equal(json_string_value(json_object_get(j, "level")), "WARN");
  assert_string_equal(json_string_value(json_object_get(j, "request_id")), "");
  assert_string_equal(json_string_value(json_object_get(j, "message")), "bad ? byte");
  json_decref(j);
  assert_null(strstr(nl + 1, "dropped"));
  free(out);
  setenv("CLOUDCRON_LOG_LEVEL", "error", 1);
  out = S_capture(S_logs);
  assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line: ERROR only */
  free(out);
  setenv("CLOUDCRON_LOG_LEVEL", "debug", 1);
  out = S_capture(S_logs);
  assert_non_null(strstr(out, "dropped at INFO"));
  free(out);
  unsetenv("CLOUDCRON_LOG_LEVEL");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topic_keys),
      cmocka_unit_test(test_message),
      cmocka_unit_test(test_publish_fifo),
      cmocka_unit_test(test_publish_standard),
      cmocka_unit_test(test_publish_errors),
      cmocka_unit_test(test_deadline),
      cmocka_unit_test(test_secrets),
      cmocka_unit_test(test_logs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
