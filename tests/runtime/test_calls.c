/* The AWS calls through an injected transport, as curl's test suite checks
 * a client: the exact bytes of every request (request line, headers with
 * the SigV4 Authorization, body) for a fixed date and credentials, answered
 * with canned responses; retries with an injected random source, sleep and
 * clock, so every backoff is exact; and the error bodies of each protocol.
 * The pinned signatures were computed independently with botocore's
 * SigV4Auth over the same requests (tests/runtime/aws_request.py checks the
 * same builder against botocore on every run). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calls.h"
#include "cc/err.h"

#define MAXN 8

typedef struct answer {
  int rc;          /* CC_OK: an answer came; CC_ENET / CC_ETIMEOUT: none */
  long status;
  const char *body;
  const char *errtype; /* an answer's x-amzn-ErrorType header, as a transport reads it */
} answer;

typedef struct rec {
  answer answers[MAXN];
  int n_answers, sent;
  char *urls[MAXN], *heads[MAXN], *bodies[MAXN];
  long connects[MAXN], totals[MAXN];
  long sleeps[MAXN];
  int n_sleeps;
  unsigned long rands[MAXN];
  int n_rands;
  long long now, step; /* the clock, and how far each attempt moves it */
} rec;

static int S_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                  const rt_http_req *req, long connect_ms, long total_ms) {
  rec *r = user;
  assert_true(r->sent < r->n_answers);
  int i = r->sent++;
  r->urls[i] = strdup(req->url);
  r->heads[i] = strdup(req->head);
  r->bodies[i] = strndup(req->body, req->body_len);
  r->connects[i] = connect_ms;
  r->totals[i] = total_ms;
  r->now += r->step;
  const answer *a = &r->answers[i];
  if (a->rc != CC_OK) {
    snprintf(why, whycap, "%s", a->rc == CC_ETIMEOUT ? "Operation timed out" : "Connection refused");
    return a->rc;
  }
  *status = a->status;
  if (a->errtype) snprintf(why, whycap, "%s", a->errtype);
  return cc_buf_puts(body, a->body);
}

static void S_sleep(void *user, long ms) {
  rec *r = user;
  assert_true(r->n_sleeps < MAXN);
  r->sleeps[r->n_sleeps++] = ms;
  r->now += ms;
}

static unsigned long S_random(void *user) {
  rec *r = user;
  assert_true(r->n_rands > 0);
  unsigned long v = r->rands[0];
  memmove(r->rands, r->rands + 1, sizeof r->rands - sizeof r->rands[0]);
  r->n_rands--;
  return v;
}

static long long S_now(void *user) { return ((rec *)user)->now; }

static void rec_free(rec *r) {
  for (int i = 0; i < r->sent; i++) {
    free(r->urls[i]);
    free(r->heads[i]);
    free(r->bodies[i]);
  }
}

/* A client on r: fixed credentials, date and region; no endpoint variables. */
static void client(rt_aws_client *c, rt_transport *t, rec *r, const char *token) {
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_ENDPOINT_URL_SNS");
  unsetenv("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  unsetenv("AWS_ENDPOINT_URL_SSM");
  unsetenv("AWS_ENDPOINT_URL_SESV2");
  memset(c, 0, sizeof *c);
  *t = (rt_transport){.send = S_send, .user = r, .sleep_ms = S_sleep, .random = S_random,
                      .now_ms = S_now};
  c->cfg = (rt_aws_cfg){"AKIDEXAMPLE", "secret/key+1", token, "eu-south-1"};
  rt_retry_default(&c->retry);
  c->transport = t;
  c->fixed_date = "20261122T120000Z";
}

#define TOPIC "arn:aws:sns:eu-south-1:123456789012:alerts.fifo"
#define MSG "{\"subject\":\"Disk\",\"vars\":{\"host\":\"db-1 \xc3\xa9\"}}"
static const rt_msg_attr ATTRS[] = {{"severity", "String", "critical"},
                                    {"pct", "Number", "93.4"}};
static const rt_sns_publish_in PUBLISH = {.topic_arn = TOPIC, .message = MSG,
                                          .subject = "Disk 90%", .group_id = "nightly-report",
                                          .dedup_id = "db-1-2026-11-22", .attrs = ATTRS,
                                          .n_attrs = 2};
static const char PUBLISH_HEAD[] =
    "POST / HTTP/1.1\r\n"
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
    "Content-Length: 558\r\n"
    "Host: sns.eu-south-1.amazonaws.com\r\n"
    "X-Amz-Date: 20261122T120000Z\r\n"
    "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/sns/aws4_request, "
    "SignedHeaders=content-length;content-type;host;x-amz-date, "
    "Signature=0fdf026c59e9716be89937c7ffb043f3a1d5a58490cb5677dbed109f49f18aec\r\n\r\n";
static const char PUBLISH_BODY[] =
    "Action=Publish&Version=2010-03-31"
    "&TopicArn=arn%3Aaws%3Asns%3Aeu-south-1%3A123456789012%3Aalerts.fifo"
    "&Message=%7B%22subject%22%3A%22Disk%22%2C%22vars%22%3A%7B%22host%22%3A%22db-1%20%C3%A9%22%7D%7D"
    "&Subject=Disk%2090%25"
    "&MessageAttributes.entry.1.Name=severity&MessageAttributes.entry.1.Value.DataType=String"
    "&MessageAttributes.entry.1.Value.StringValue=critical"
    "&MessageAttributes.entry.2.Name=pct&MessageAttributes.entry.2.Value.DataType=Number"
    "&MessageAttributes.entry.2.Value.StringValue=93.4"
    "&MessageDeduplicationId=db-1-2026-11-22&MessageGroupId=nightly-report";
static const char PUBLISH_OK[] =
    "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
    "<MessageId>f1e2d3c4-0000-4000-8000-000000000001</MessageId>"
    "<SequenceNumber>10000000000000000001</SequenceNumber></PublishResult>"
    "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>";

static void test_publish_bytes(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200, PUBLISH_OK}}, .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, id, sizeof id, &err), CC_OK);
  assert_int_equal(r.sent, 1);
  assert_string_equal(r.urls[0], "https://sns.eu-south-1.amazonaws.com/");
  assert_string_equal(r.heads[0], PUBLISH_HEAD);
  assert_string_equal(r.bodies[0], PUBLISH_BODY);
  assert_int_equal(strlen(PUBLISH_BODY), 558);
  assert_string_equal(id, "f1e2d3c4-0000-4000-8000-000000000001");
  assert_int_equal(r.n_sleeps, 0);
  assert_int_equal(r.connects[0], 2000);
  assert_int_equal(r.totals[0], 10000);
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_secret_bytes(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200,
                        "{\"ARN\":\"arn:aws:secretsmanager:eu-south-1:123456789012:secret:twilio-AbCdEf\","
                        "\"Name\":\"twilio\",\"SecretString\":\"{\\\"auth_token\\\":\\\"t0k\\\"}\","
                        "\"VersionId\":\"v1\",\"VersionStages\":[\"AWSCURRENT\"]}"}},
           .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, "T0K");
  assert_int_equal(rt_get_secret_value(&c, "arn:aws:secretsmanager:eu-south-1:123456789012:secret:twilio-AbCdEf",
                                       &value, &err),
                   CC_OK);
  assert_string_equal(value, "{\"auth_token\":\"t0k\"}");
  assert_string_equal(r.urls[0], "https://secretsmanager.eu-south-1.amazonaws.com/");
  assert_string_equal(
      r.heads[0],
      "POST / HTTP/1.1\r\n"
      "Content-Type: application/x-amz-json-1.1\r\n"
      "Content-Length: 82\r\n"
      "Host: secretsmanager.eu-south-1.amazonaws.com\r\n"
      "X-Amz-Date: 20261122T120000Z\r\n"
      "X-Amz-Security-Token: T0K\r\n"
      "X-Amz-Target: secretsmanager.GetSecretValue\r\n"
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/secretsmanager/aws4_request, "
      "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
      "Signature=b6ad17d70ffda9eaa5370d8717509900ec61ab79c5e985ed503e945044316601\r\n\r\n");
  assert_string_equal(r.bodies[0],
                      "{\"SecretId\":\"arn:aws:secretsmanager:eu-south-1:123456789012:secret:twilio-AbCdEf\"}");
  free(value);
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_parameter_bytes(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200,
                        "{\"Parameter\":{\"ARN\":\"arn:aws:ssm:eu-south-1:123456789012:parameter/cloudcron/twilio/token\","
                        "\"DataType\":\"text\",\"Name\":\"/cloudcron/twilio/token\",\"Type\":\"SecureString\","
                        "\"Value\":\"s3cr3t \\u00e9\",\"Version\":3}}"}},
           .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_get_parameter(&c, "/cloudcron/twilio/token", &value, &err), CC_OK);
  assert_string_equal(value, "s3cr3t \xc3\xa9");
  assert_string_equal(r.urls[0], "https://ssm.eu-south-1.amazonaws.com/");
  assert_string_equal(
      r.heads[0],
      "POST / HTTP/1.1\r\n"
      "Content-Type: application/x-amz-json-1.1\r\n"
      "Content-Length: 56\r\n"
      "Host: ssm.eu-south-1.amazonaws.com\r\n"
      "X-Amz-Date: 20261122T120000Z\r\n"
      "X-Amz-Target: AmazonSSM.GetParameter\r\n"
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/ssm/aws4_request, "
      "SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, "
      "Signature=fb5e64a7726619f564acc023fb3dcac11f4f2f65c002009f5c22839da24d0aca\r\n\r\n");
  assert_string_equal(r.bodies[0], "{\"Name\":\"/cloudcron/twilio/token\",\"WithDecryption\":true}");
  free(value);
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_endpoint_override(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200, "{\"Parameter\":{\"Value\":\"v\"}}"},
                       {CC_OK, 200, "{\"SecretString\":\"s\"}"},
                       {CC_OK, 200, PUBLISH_OK}},
           .n_answers = 3};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/", 1);
  setenv("AWS_ENDPOINT_URL_SSM", "http://localhost:4566", 1);
  assert_int_equal(rt_get_parameter(&c, "p", &value, &err), CC_OK);
  free(value);
  assert_int_equal(rt_get_secret_value(&c, "s", &value, &err), CC_OK);
  free(value);
  setenv("AWS_ENDPOINT_URL_SNS", "https://sns.internal:8443", 1);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_OK);
  assert_string_equal(r.urls[0], "http://localhost:4566/");
  assert_non_null(strstr(r.heads[0], "\r\nHost: localhost:4566\r\n"));
  assert_string_equal(r.urls[1], "http://127.0.0.1:5000/");
  assert_non_null(strstr(r.heads[1], "\r\nHost: 127.0.0.1:5000\r\n"));
  assert_string_equal(r.urls[2], "https://sns.internal:8443/");
  assert_non_null(strstr(r.heads[2], "\r\nHost: sns.internal:8443\r\n"));
  unsetenv("AWS_ENDPOINT_URL");
  unsetenv("AWS_ENDPOINT_URL_SSM");
  unsetenv("AWS_ENDPOINT_URL_SNS");
  rec_free(&r);
  cc_buf_free(&err);
}

/* 429, 500, no answer, then 200: four attempts of the same bytes, with
 * full-jitter sleeps random % (min(cap, base * 2^n) + 1). */
static void test_retry_sequence(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 429, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\",\"message\":\"Rate exceeded\"}"},
                       {CC_OK, 500, "<ErrorResponse><Error><Code>InternalError</Code></Error></ErrorResponse>"},
                       {CC_ENET, 0, NULL},
                       {CC_OK, 200, PUBLISH_OK}},
           .n_answers = 4,
           .rands = {1000003, 77, 123456},
           .n_rands = 3};
  rt_aws_client c;
  rt_transport t;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, id, sizeof id, &err), CC_OK);
  assert_int_equal(r.sent, 4);
  for (int i = 0; i < 4; i++) {
    assert_string_equal(r.heads[i], PUBLISH_HEAD);
    assert_string_equal(r.bodies[i], PUBLISH_BODY);
  }
  assert_int_equal(r.n_sleeps, 3);
  assert_int_equal(r.sleeps[0], 1000003 % 51);  /* ceiling 50 */
  assert_int_equal(r.sleeps[1], 77 % 101);      /* ceiling 100 */
  assert_int_equal(r.sleeps[2], 123456 % 201);  /* ceiling 200 */
  assert_string_equal(id, "f1e2d3c4-0000-4000-8000-000000000001");
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_backoff_cap(void **state) {
  (void)state;
  const char *busy = "{\"__type\":\"ThrottlingException\",\"message\":\"slow down\"}";
  rec r = {.answers = {{CC_OK, 400, busy}, {CC_OK, 400, busy}, {CC_OK, 400, busy}, {CC_OK, 400, busy}},
           .n_answers = 4, .rands = {1499, 1499, 1499}, .n_rands = 3};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  c.retry.base_ms = 1000;
  c.retry.cap_ms = 1500;
  assert_int_equal(rt_get_parameter(&c, "p", &value, &err), CC_EREMOTE);
  assert_null(value);
  assert_int_equal(r.sent, 4);
  assert_int_equal(r.sleeps[0], 1499 % 1001);
  assert_int_equal(r.sleeps[1], 1499); /* capped at 1500: 1499 % 1501 */
  assert_int_equal(r.sleeps[2], 1499);
  assert_string_equal(cc_buf_str(&err), "ssm GetParameter: HTTP 400 ThrottlingException: slow down (4 attempts)");
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_no_retry_4xx(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 400,
                        "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
                        "<Type>Sender</Type><Code>InvalidParameter</Code>"
                        "<Message>Invalid parameter: Message too long &amp; &lt;odd&gt;</Message>"
                        "</Error><RequestId>x</RequestId></ErrorResponse>"},
                       {CC_OK, 200, PUBLISH_OK}},
           .n_answers = 2};
  rt_aws_client c;
  rt_transport t;
  char id[128] = "x";
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, id, sizeof id, &err), CC_EREMOTE);
  assert_int_equal(r.sent, 1);
  assert_int_equal(r.n_sleeps, 0);
  assert_string_equal(id, "");
  assert_string_equal(cc_buf_str(&err), "sns Publish: HTTP 400 InvalidParameter: Invalid parameter: Message too "
                           "long & <odd> (1 attempt)");
  rec_free(&r);
  /* 403 and 404 alike */
  rec r2 = {.answers = {{CC_OK, 404, "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find the specified secret.\"}"}},
            .n_answers = 1};
  char *value = NULL;
  client(&c, &t, &r2, NULL);
  assert_int_equal(rt_get_secret_value(&c, "nope", &value, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "secretsmanager GetSecretValue: HTTP 404 ResourceNotFoundException: "
                           "Secrets Manager can't find the specified secret. (1 attempt)");
  assert_int_equal(r2.sent, 1);
  rec_free(&r2);
  cc_buf_free(&err);
}

static void test_give_up(void **state) {
  (void)state;
  rec r = {.answers = {{CC_ENET, 0, NULL}, {CC_ENET, 0, NULL}, {CC_ENET, 0, NULL}, {CC_ENET, 0, NULL}},
           .n_answers = 4, .rands = {0, 0, 0}, .n_rands = 3};
  rt_aws_client c;
  rt_transport t;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_ENET);
  assert_int_equal(r.sent, 4);
  assert_string_equal(cc_buf_str(&err), "sns Publish: no answer after 4 attempts: Connection refused");
  rec_free(&r);
  rec r2 = {.answers = {{CC_ETIMEOUT, 0, NULL}, {CC_OK, 503, "<Error><Code>ServiceUnavailable</Code></Error>"}},
            .n_answers = 2, .rands = {5}, .n_rands = 1};
  client(&c, &t, &r2, NULL);
  c.retry.max_attempts = 2;
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "sns Publish: HTTP 503 ServiceUnavailable (2 attempts)");
  rec_free(&r2);
  rec r3 = {.answers = {{CC_OK, 503, ""}, {CC_ETIMEOUT, 0, NULL}}, .n_answers = 2, .rands = {5}, .n_rands = 1};
  client(&c, &t, &r3, NULL);
  c.retry.max_attempts = 2;
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_ETIMEOUT);
  assert_string_equal(cc_buf_str(&err), "sns Publish: timed out after 2 attempts: Operation timed out");
  rec_free(&r3);
  cc_buf_free(&err);
}

/* No attempt or sleep starts past the deadline; an attempt's timeouts are
 * cut to the time left. */
static void test_deadline(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 500, "<Error><Code>InternalError</Code></Error>"},
                       {CC_OK, 500, "<Error><Code>InternalError</Code></Error>"},
                       {CC_OK, 200, PUBLISH_OK}},
           .n_answers = 3, .rands = {46, 80}, .n_rands = 2, .now = 100000, .step = 0};
  rt_aws_client c;
  rt_transport t;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  c.retry.deadline_ms = 100000 + 1100;
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_OK);
  assert_int_equal(r.sent, 3);
  assert_int_equal(r.totals[0], 1100);
  assert_int_equal(r.connects[0], 1100);
  assert_int_equal(r.sleeps[0], 46);
  assert_int_equal(r.totals[1], 1100 - 46);
  assert_int_equal(r.sleeps[1], 80);
  assert_int_equal(r.totals[2], 1100 - 46 - 80);
  rec_free(&r);

  rec r2 = {.answers = {{CC_OK, 500, "<Error><Code>InternalError</Code></Error>"}},
            .n_answers = 1, .rands = {50}, .n_rands = 1, .now = 0, .step = 960};
  client(&c, &t, &r2, NULL);
  c.retry.deadline_ms = 1000;
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_EREMOTE);
  assert_int_equal(r2.sent, 1); /* at 960 a 50 ms sleep would end past 1000 */
  assert_int_equal(r2.n_sleeps, 0);
  assert_string_equal(cc_buf_str(&err), "sns Publish: HTTP 500 InternalError (1 attempt)");
  rec_free(&r2);

  rec r3 = {.n_answers = 0, .now = 5000};
  client(&c, &t, &r3, NULL);
  c.retry.deadline_ms = 5000;
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_ETIMEOUT);
  assert_int_equal(r3.sent, 0);
  assert_string_equal(cc_buf_str(&err), "sns Publish: timed out after 0 attempts: deadline passed before the "
                           "first attempt");
  cc_buf_free(&err);
}

static void test_bad_answers(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200, "{\"ARN\":\"a\",\"Name\":\"n\",\"SecretBinary\":\"c2VjcmV0\"}"},
                       {CC_OK, 200, "not json, and s3cr3t"},
                       {CC_OK, 200, "<PublishResponse></PublishResponse>"},
                       {CC_OK, 200, "{\"Parameter\":{\"Name\":\"p\"}}"}},
           .n_answers = 4};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_get_secret_value(&c, "n", &value, &err), CC_EINVAL);
  assert_null(value);
  assert_string_equal(cc_buf_str(&err), "secretsmanager GetSecretValue: the secret has no SecretString");
  assert_int_equal(rt_get_secret_value(&c, "n", &value, &err), CC_EREMOTE);
  assert_null(strstr(cc_buf_str(&err), "s3cr3t")); /* the body is never quoted */
  assert_int_equal(strncmp(cc_buf_str(&err), "secretsmanager GetSecretValue: the answer is not JSON", 52), 0);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_OK);
  char id[64];
  /* an empty answer (the fuzzer's first find: no buffer at all) */
  rec r2 = {.answers = {{CC_OK, 200, "<PublishResponse></PublishResponse>"}, {CC_OK, 200, ""}},
            .n_answers = 2};
  client(&c, &t, &r2, NULL);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, id, sizeof id, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "sns Publish: HTTP 200 answer without a MessageId");
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, id, sizeof id, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "sns Publish: HTTP 200 answer without a MessageId");
  rec_free(&r2);
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_get_parameter(&c, "p", &value, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ssm GetParameter: the answer has no Parameter.Value");
  rec_free(&r);
  cc_buf_free(&err);
}

static void test_refused_before_sending(void **state) {
  (void)state;
  rec r = {.n_answers = 0};
  rt_aws_client c;
  rt_transport t;
  char *value = NULL;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  rt_sns_publish_in in = PUBLISH;
  rt_msg_attr bad[] = {{"n", "Number", "1e"}};
  in.attrs = bad;
  in.n_attrs = 1;
  assert_int_equal(rt_sns_publish(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "sns Publish: a Number message attribute's value is not a number");
  assert_int_equal(rt_get_parameter(&c, "", &value, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ssm GetParameter: a non-empty UTF-8 name is required");
  assert_int_equal(rt_get_secret_value(&c, "\xff", &value, &err), CC_EINVAL);
  setenv("AWS_ENDPOINT_URL_SNS", "no-scheme:80", 1);
  assert_int_equal(rt_sns_publish(&c, &PUBLISH, NULL, 0, &err), CC_EINVAL);
  unsetenv("AWS_ENDPOINT_URL_SNS");
  assert_int_equal(r.sent, 0);
  cc_buf_free(&err);
}

static void test_error_bodies(void **state) {
  (void)state;
  static const struct {
    const char *body, *code, *message;
  } cases[] = {
      {"{\"__type\":\"com.amazonaws.secretsmanager#ResourceNotFoundException\",\"Message\":\"m1\"}",
       "ResourceNotFoundException", "m1"},
      {"{\"__type\":\"ParameterNotFound\",\"message\":\"m2\"}", "ParameterNotFound", "m2"},
      {"{\"__type\":\"InvalidSignatureException:http://internal.amazon.com/coral/\"}",
       "InvalidSignatureException", ""},
      {"{\"code\":\"TooManyRequestsException\",\"message\":\"m3\"}", "TooManyRequestsException", "m3"},
      {"<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code>"
       "<Message>User: x is not authorized</Message></Error></ErrorResponse>",
       "AuthorizationError", "User: x is not authorized"},
      {"<Error><Code>NoSuchKey</Code><Message>&quot;k&quot; &apos;x&apos; &amp;amp</Message></Error>",
       "NoSuchKey", "\"k\" 'x' &amp"},
      {"", "", ""},
      {"<html>502 Bad Gateway</html>", "", ""},
      {"<Code>unterminated", "unterminated", ""},
      {"[1,2]", "", ""},
  };
  char code[128], msg[256];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rt_aws_error_code(code, sizeof code, cases[i].body, strlen(cases[i].body));
    rt_aws_error_message(msg, sizeof msg, cases[i].body, strlen(cases[i].body));
    assert_string_equal(code, cases[i].code);
    assert_string_equal(msg, cases[i].message);
  }
  rt_xml_text(msg, sizeof msg, NULL, 0, "Code");
  assert_string_equal(msg, "");
  char small[8];
  rt_aws_error_code(small, sizeof small, "<Code>AVeryLongCode</Code>", 25);
  assert_string_equal(small, "AVeryLo");
}

/* SES v2 SendEmail: the e-mail handler's call. */
static const char *const SES_TO[] = {"alice@example.com", "bob@example.com"};
static const char *const SES_REPLY[] = {"ops@example.com"};
static const rt_ses_email_in EMAIL = {.from = "cron@example.com", .to = SES_TO, .n_to = 2,
                                      .reply_to = SES_REPLY, .n_reply_to = 1,
                                      .configuration_set = "cron-tracking",
                                      .subject = "[prod] Disk 90% \xc3\xa9",
                                      .html = "<p>Disk &amp; \"quotes\"</p>\n"};
#define SES_OK "{\"MessageId\":\"0100018c-ses-0001\"}"

static void test_ses_bytes(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200, SES_OK}}, .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_ses_send_email(&c, &EMAIL, id, sizeof id, &err), CC_OK);
  assert_int_equal(r.sent, 1);
  assert_string_equal(r.urls[0], "https://email.eu-south-1.amazonaws.com/v2/email/outbound-emails");
  assert_string_equal(
      r.heads[0],
      "POST /v2/email/outbound-emails HTTP/1.1\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: 344\r\n"
      "Host: email.eu-south-1.amazonaws.com\r\n"
      "X-Amz-Date: 20261122T120000Z\r\n"
      "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261122/eu-south-1/ses/aws4_request, "
      "SignedHeaders=content-length;content-type;host;x-amz-date, "
      "Signature=027acabd7fba29396e849b432f1f2b7b0c56a49f845dbe98dc99de26a26885ea\r\n\r\n");
  assert_string_equal(
      r.bodies[0],
      "{\"FromEmailAddress\":\"cron@example.com\","
      "\"Destination\":{\"ToAddresses\":[\"alice@example.com\",\"bob@example.com\"]},"
      "\"ReplyToAddresses\":[\"ops@example.com\"],"
      "\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"[prod] Disk 90% \xc3\xa9\",\"Charset\":\"UTF-8\"},"
      "\"Body\":{\"Html\":{\"Data\":\"<p>Disk &amp; \\\"quotes\\\"</p>\\n\",\"Charset\":\"UTF-8\"}}}},"
      "\"ConfigurationSetName\":\"cron-tracking\"}");
  assert_string_equal(id, "0100018c-ses-0001");
  rec_free(&r);
  cc_buf_free(&err);
}

/* A text body, no Reply-To or configuration set; throttling and a 5xx are
 * retried with backoff, then the MessageId is read. */
static void test_ses_text_retried(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 429, "{\"message\":\"Maximum sending rate exceeded.\"}"},
                       {CC_OK, 503, ""},
                       {CC_OK, 200, SES_OK}},
           .n_answers = 3, .rands = {30, 77}, .n_rands = 2};
  rt_ses_email_in in = {.from = "cron@example.com", .to = SES_TO, .n_to = 1,
                        .subject = "s", .text = "line 1\nline 2"};
  rt_aws_client c;
  rt_transport t;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_ses_send_email(&c, &in, id, sizeof id, &err), CC_OK);
  assert_int_equal(r.sent, 3);
  assert_int_equal(r.n_sleeps, 2);
  assert_int_equal(r.sleeps[0], 30 % 51);
  assert_int_equal(r.sleeps[1], 77 % 101);
  for (int i = 0; i < 3; i++)
    assert_string_equal(
        r.bodies[i],
        "{\"FromEmailAddress\":\"cron@example.com\","
        "\"Destination\":{\"ToAddresses\":[\"alice@example.com\"]},"
        "\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"s\",\"Charset\":\"UTF-8\"},"
        "\"Body\":{\"Text\":{\"Data\":\"line 1\\nline 2\",\"Charset\":\"UTF-8\"}}}}}");
  assert_string_equal(id, "0100018c-ses-0001");
  rec_free(&r);
  cc_buf_free(&err);
}

/* A refusal is not retried and says what SES said; an answer without a
 * MessageId is an error too. */
static void test_ses_rejected(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 400,
                        "{\"message\":\"Email address is not verified. The following identities "
                        "failed the check in region EU-SOUTH-1: cron@example.com\"}"}},
           .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char id[128] = "x";
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_ses_send_email(&c, &EMAIL, id, sizeof id, &err), CC_EREMOTE);
  assert_int_equal(r.sent, 1);
  assert_int_equal(r.n_sleeps, 0);
  assert_string_equal(id, "");
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: HTTP 400 (no error code): Email address is not "
                           "verified. The following identities failed the check in region "
                           "EU-SOUTH-1: cron@example.com (1 attempt)");
  rec_free(&r);
  /* SES names the error in a header; a throttling one there is retried */
  rec r1 = {.answers = {{CC_OK, 400, "{\"message\":\"Maximum sending rate exceeded.\"}",
                         "TooManyRequestsException"},
                        {CC_OK, 400, "{\"message\":\"Email address is not verified.\"}",
                         "MessageRejected"}},
            .n_answers = 2, .rands = {0}, .n_rands = 1};
  client(&c, &t, &r1, NULL);
  assert_int_equal(rt_ses_send_email(&c, &EMAIL, id, sizeof id, &err), CC_EREMOTE);
  assert_int_equal(r1.sent, 2);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: HTTP 400 MessageRejected: Email address is not "
                           "verified. (2 attempts)");
  rec_free(&r1);
  rec r2 = {.answers = {{CC_OK, 400, "{\"__type\":\"MessageRejected\",\"message\":\"Email address "
                                     "not verified cron@example.com\"}"},
                        {CC_OK, 200, "{}"}},
            .n_answers = 2};
  client(&c, &t, &r2, NULL);
  assert_int_equal(rt_ses_send_email(&c, &EMAIL, id, sizeof id, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: HTTP 400 MessageRejected: Email address not verified "
                           "cron@example.com (1 attempt)");
  assert_int_equal(rt_ses_send_email(&c, &EMAIL, id, sizeof id, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: HTTP 200 answer without a MessageId");
  assert_int_equal(r2.sent, 2);
  rec_free(&r2);
  cc_buf_free(&err);
}

/* Requests that cannot be built are refused before anything is sent. */
static void test_ses_refused(void **state) {
  (void)state;
  rec r = {.n_answers = 0};
  rt_aws_client c;
  rt_transport t;
  cc_buf err = CC_BUF_INIT;
  rt_ses_email_in in = EMAIL;
  client(&c, &t, &r, NULL);
  in.subject = "bad \xff byte";
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: the sender, a recipient, the subject or the body is "
                           "not UTF-8");
  in = EMAIL;
  in.n_to = 0;
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: a sender, at least one recipient, a subject and a "
                           "body are required");
  /* a line break in the subject or an address never reaches SES */
  static const char *const crlf_to[] = {"alice@example.com", "bob@example.com\r\nBcc: x@evil.example"};
  in = EMAIL;
  in.subject = "Disk full\r\nBcc: x@evil.example";
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: the subject holds a line break (CR or LF)");
  in.subject = "only\nLF";
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  in = EMAIL;
  in.from = "Cron\r\n <cron@example.com>";
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "ses SendEmail: an address holds a line break (CR or LF)");
  in = EMAIL;
  in.to = crlf_to;
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  in = EMAIL;
  in.reply_to = crlf_to + 1;
  assert_int_equal(rt_ses_send_email(&c, &in, NULL, 0, &err), CC_EINVAL);
  assert_int_equal(r.sent, 0);
  cc_buf_free(&err);
}

/* Both parts: Body.Text then Body.Html (botocore's member order), and a
 * display name in the sender as SES takes it. */
static void test_ses_two_parts(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 200, SES_OK}}, .n_answers = 1};
  rt_aws_client c;
  rt_transport t;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  rt_ses_email_in in = {.from = "\"Cron, Ops\" <cron@example.com>", .to = SES_TO, .n_to = 1,
                        .subject = "s", .text = "# Hi", .html = "<h1>Hi</h1>\n"};
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_ses_send_email(&c, &in, id, sizeof id, &err), CC_OK);
  assert_string_equal(
      r.bodies[0],
      "{\"FromEmailAddress\":\"\\\"Cron, Ops\\\" <cron@example.com>\","
      "\"Destination\":{\"ToAddresses\":[\"alice@example.com\"]},"
      "\"Content\":{\"Simple\":{\"Subject\":{\"Data\":\"s\",\"Charset\":\"UTF-8\"},"
      "\"Body\":{\"Text\":{\"Data\":\"# Hi\",\"Charset\":\"UTF-8\"},"
      "\"Html\":{\"Data\":\"<h1>Hi</h1>\\n\",\"Charset\":\"UTF-8\"}}}}}");
  rec_free(&r);
  cc_buf_free(&err);
}

/* Twilio: one SMS, basic auth, form body; 429 retried, 400 not. */
static const rt_twilio_creds TWILIO = {.account_sid = "AC0123456789abcdef0123456789abcdef",
                                       .auth_token = "s3cr3t+t0k/en"};
#define TWILIO_PATH "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"
#define TWILIO_OK "{\"sid\":\"SM0123\",\"status\":\"queued\",\"body\":\"x\"}"

static void test_twilio_bytes(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 429, "{\"code\":20429,\"message\":\"Too Many Requests\",\"status\":429}"},
                       {CC_OK, 201, TWILIO_OK}},
           .n_answers = 2, .rands = {40}, .n_rands = 1};
  rt_twilio_sms_in in = {.creds = &TWILIO, .to = "+15551234567", .from = "+15005550006",
                         .body = "[PROD] Disk 93% on db-1 \xc3\xa9 & co"};
  rt_twilio_answer ans;
  rt_aws_client c;
  rt_transport t;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_OK);
  assert_int_equal(r.sent, 2);
  assert_int_equal(r.n_sleeps, 1);
  assert_int_equal(r.sleeps[0], 40 % 51);
  for (int i = 0; i < 2; i++) {
    assert_string_equal(r.urls[i], "https://api.twilio.com" TWILIO_PATH);
    assert_string_equal(r.heads[i],
                        "POST " TWILIO_PATH " HTTP/1.1\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: 100\r\n"
                        "Host: api.twilio.com\r\n"
                        "Authorization: Basic "
                        "QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzM2NyM3QrdDBrL2Vu\r\n\r\n");
    assert_string_equal(r.bodies[i], "To=%2B15551234567&From=%2B15005550006"
                                     "&Body=%5BPROD%5D%20Disk%2093%25%20on%20db-1%20%C3%A9%20%26%20co");
  }
  assert_string_equal(ans.sid, "SM0123");
  rec_free(&r);
  /* another base URL, with a path and a trailing slash */
  rec r2 = {.answers = {{CC_OK, 201, TWILIO_OK}}, .n_answers = 1};
  in.base_url = "https://127.0.0.1:8443/twilio/";
  client(&c, &t, &r2, NULL);
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_OK);
  assert_string_equal(r2.urls[0], "https://127.0.0.1:8443/twilio" TWILIO_PATH);
  assert_true(strncmp(r2.heads[0], "POST /twilio" TWILIO_PATH " HTTP/1.1\r\n", 12) == 0);
  assert_non_null(strstr(r2.heads[0], "\r\nHost: 127.0.0.1:8443\r\n"));
  rec_free(&r2);
  cc_buf_free(&err);
}

static void test_twilio_errors(void **state) {
  (void)state;
  rec r = {.answers = {{CC_OK, 400,
                        "{\"code\": 21211, \"message\": \"The 'To' number +15550000400 is not a valid "
                        "phone number.\", \"more_info\": \"https://www.twilio.com/docs/errors/21211\", "
                        "\"status\": 400}"},
                       {CC_OK, 201, "{\"status\":\"queued\"}"},
                       {CC_OK, 401, "<html>nope</html>"}},
           .n_answers = 3};
  rt_twilio_sms_in in = {.creds = &TWILIO, .to = "+15550000400", .from = "+15005550006",
                         .body = "b"};
  rt_twilio_answer ans;
  rt_aws_client c;
  rt_transport t;
  cc_buf err = CC_BUF_INIT;
  client(&c, &t, &r, NULL);
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_EREMOTE);
  assert_int_equal(r.sent, 1);
  assert_int_equal(ans.code, 21211);
  assert_string_equal(cc_buf_str(&err), "twilio Messages: HTTP 400, Twilio error 21211: The 'To' number "
                           "+15550000400 is not a valid phone number. "
                           "(https://www.twilio.com/docs/errors/21211) (1 attempt)");
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "twilio Messages: HTTP 201 answer without a sid");
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_EREMOTE);
  assert_string_equal(cc_buf_str(&err), "twilio Messages: HTTP 401 (no error code) (1 attempt)");
  assert_null(strstr(cc_buf_str(&err), "s3cr3t"));
  rec_free(&r);
  /* refused before sending: a plain-http base URL (the token would travel
   * in clear), a missing field */
  in.base_url = "http://api.twilio.com";
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_EINVAL);
  assert_string_equal(cc_buf_str(&err), "twilio Messages: the Twilio base URL must be https://HOST[:PORT][/PATH]");
  in.base_url = NULL;
  in.to = NULL;
  assert_int_equal(rt_twilio_send(&c, &in, &ans, &err), CC_EINVAL);
  assert_int_equal(r.sent, 3);
  cc_buf_free(&err);
}

static void test_twilio_creds(void **state) {
  (void)state;
  rt_twilio_creds cr;
  cc_buf why = CC_BUF_INIT;
  const char *ok = "{\"account_sid\":\"AC01\",\"auth_token\":\"t0k\",\"other\":1}";
  assert_int_equal(rt_twilio_creds_parse(&cr, ok, strlen(ok), &why), CC_OK);
  assert_string_equal(cr.account_sid, "AC01");
  assert_string_equal(cr.auth_token, "t0k");
  rt_twilio_creds_free(&cr);
  assert_null(cr.account_sid);
  static const struct { const char *json, *why; } bad[] = {
      {"t0k", "the secret is not a JSON object {\"account_sid\": ..., \"auth_token\": ...}"},
      {"[\"t0k\"]", "the secret is not a JSON object {\"account_sid\": ..., \"auth_token\": ...}"},
      {"{\"account_sid\":\"AC01\"}", "the secret needs non-empty strings \"account_sid\" and \"auth_token\""},
      {"{\"account_sid\":\"AC01\",\"auth_token\":\"\"}",
       "the secret needs non-empty strings \"account_sid\" and \"auth_token\""},
      {"{\"account_sid\":\"AC/../x\",\"auth_token\":\"t0k\"}",
       "the secret's \"account_sid\" is not letters and digits (AC...)"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(rt_twilio_creds_parse(&cr, bad[i].json, strlen(bad[i].json), &why), CC_EINVAL);
    assert_string_equal(cc_buf_str(&why), bad[i].why);
    assert_null(cr.account_sid);
  }
  assert_true(rt_is_e164("+15551234567"));
  assert_true(rt_is_e164("+441"));
  assert_false(rt_is_e164("+1"));
  assert_false(rt_is_e164("15551234567"));
  assert_false(rt_is_e164("+05551234567"));
  assert_false(rt_is_e164("+1555123456789012"));
  assert_false(rt_is_e164("+1555 1234"));
  assert_false(rt_is_e164(NULL));
  cc_buf_free(&why);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_publish_bytes),       cmocka_unit_test(test_secret_bytes),
      cmocka_unit_test(test_parameter_bytes),     cmocka_unit_test(test_endpoint_override),
      cmocka_unit_test(test_retry_sequence),      cmocka_unit_test(test_backoff_cap),
      cmocka_unit_test(test_no_retry_4xx),        cmocka_unit_test(test_give_up),
      cmocka_unit_test(test_deadline),            cmocka_unit_test(test_bad_answers),
      cmocka_unit_test(test_refused_before_sending), cmocka_unit_test(test_error_bodies),
      cmocka_unit_test(test_ses_bytes),           cmocka_unit_test(test_ses_text_retried),
      cmocka_unit_test(test_ses_rejected),        cmocka_unit_test(test_ses_refused),
      cmocka_unit_test(test_ses_two_parts),
      cmocka_unit_test(test_twilio_bytes),        cmocka_unit_test(test_twilio_errors),
      cmocka_unit_test(test_twilio_creds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
