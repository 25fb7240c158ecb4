/* Event parsing and partial batch failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cc/err.h"
#include "event.h"

/* An SQS record whose body is `body` (a JSON string literal's contents). */
static json_t *S_rec(const char *id, const char *body, const char *arn) {
  return json_pack("{s:s,s:s,s:s,s:s,s:{}}", "messageId", id, "body", body,
                   "eventSource", "aws:sqs", "eventSourceARN", arn,
                   "attributes");
}

static char *S_batch(const char *arn, const char **ids, const char **bodies,
                     size_t n) {
  json_t *recs = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(recs, S_rec(ids[i], bodies[i], arn));
  json_t *ev = json_pack("{s:o}", "Records", recs);
  char *s = json_dumps(ev, 0);
  json_decref(ev);
  return s;
}

static char *S_failures(const rt_event *ev, const unsigned char *failed) {
  json_t *r = rt_batch_response(ev, failed);
  assert_non_null(r);
  char *s = json_dumps(r, JSON_COMPACT);
  json_decref(r);
  return s;
}

#define FIFO_ARN "arn:aws:sqs:us-east-1:123456789012:q.fifo"
#define STD_ARN "arn:aws:sqs:us-east-1:123456789012:q"

static const char *good_raw = "{\"subject\":\"s1\",\"vars\":{\"a\":1}}";
static const char *good_env =
    "{\"Type\":\"Notification\",\"MessageId\":\"x\",\"TopicArn\":\"t\","
    "\"Message\":\"{\\\"subject\\\":\\\"s2\\\",\\\"dedup_id\\\":\\\"d-1\\\"}\"}";

static void test_raw_and_envelope(void **state) {
  (void)state;
  const char *ids[] = {"m1", "m2"};
  const char *bodies[] = {good_raw, good_env};
  char *text = S_batch(STD_ARN, ids, bodies, 2);
  rt_event ev;
  cc_buf why = CC_BUF_INIT;
  assert_int_equal(rt_event_parse(&ev, &why, text, strlen(text)), CC_OK);
  assert_int_equal(ev.kind, RT_EVENT_SQS);
  assert_int_equal(ev.n_records, 2);
  assert_false(ev.fifo);
  assert_null(ev.records[0].error);
  assert_string_equal(
      json_string_value(json_object_get(ev.records[0].message, "subject")), "s1");
  assert_null(ev.records[1].error);
  assert_string_equal(
      json_string_value(json_object_get(ev.records[1].message, "dedup_id")), "d-1");
  rt_event_free(&ev);
  free(text);
  cc_buf_free(&why);
}

static void test_fifo_failures(void **state) {
  (void)state;
  const char *ids[] = {"m1", "m2", "m3", "m4"};
  const char *bodies[] = {good_raw, "not json", good_raw, good_env};
  char *text = S_batch(FIFO_ARN, ids, bodies, 4);
  rt_event ev;
  cc_buf why = CC_BUF_INIT;
  assert_int_equal(rt_event_parse(&ev, &why, text, strlen(text)), CC_OK);
  assert_true(ev.fifo);
  assert_non_null(ev.records[1].error);
  unsigned char failed[4] = {0, 1, 0, 0};
  char *s = S_failures(&ev, failed);
  assert_string_equal(s, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m2\"},"
                         "{\"itemIdentifier\":\"m3\"},{\"itemIdentifier\":\"m4\"}]}");
  free(s);
  unsigned char none[4] = {0};
  s = S_failures(&ev, none);
  assert_string_equal(s, "{\"batchItemFailures\":[]}");
  free(s);
  rt_event_free(&ev);
  free(text);

  /* the same batch from a standard queue: the bad record alone */
  text = S_batch(STD_ARN, ids, bodies, 4);
  assert_int_equal(rt_event_parse(&ev, &why, text, strlen(text)), CC_OK);
  s = S_failures(&ev, failed);
  assert_string_equal(s, "{\"batchItemFailures\":[{\"itemIdentifier\":\"m2\"}]}");
  free(s);
  rt_event_free(&ev);
  free(text);
  cc_buf_free(&why);
}

static void test_notification_check(void **state) {
  (void)state;
  static const struct {
    const char *json;
    int ok;
  } cases[] = {
      {"{\"subject\":\"x\"}", 1},
      {"{\"subject\":\"x\",\"vars\":{},\"to\":[\"+15551234567\"],\"dedup_id\":\"a\"}", 1},
      {"{}", 0},
      {"{\"subject\":\"\"}", 0},
      {"{\"subject\":1}", 0},
      {"{\"subject\":\"x\",\"vars\":[]}", 0},
      {"{\"subject\":\"x\",\"to\":[]}", 0},
      {"{\"subject\":\"x\",\"to\":[1]}", 0},
      {"{\"subject\":\"x\",\"dedup_id\":\"a b\"}", 0},
      {"{\"subject\":\"x\",\"varz\":{}}", 0},
      {"[]", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = json_loads(cases[i].json, JSON_DECODE_ANY, NULL);
    assert_non_null(j);
    const char *err = rt_notification_check(j);
    if (cases[i].ok)
      assert_null(err);
    else
      assert_non_null(err);
    json_decref(j);
  }
}

static void test_kinds(void **state) {
  (void)state;
  rt_event ev;
  cc_buf why = CC_BUF_INIT;
  const char *sched =
      "{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"Scheduled Event\","
      "\"source\":\"aws.events\",\"time\":\"2026-11-22T02:00:00Z\",\"detail\":{}}";
  assert_int_equal(rt_event_parse(&ev, &why, sched, strlen(sched)), CC_OK);
  assert_int_equal(ev.kind, RT_EVENT_SCHEDULED);
  rt_event_free(&ev);
  const char *input = "{\"report\":\"daily\"}";
  assert_int_equal(rt_event_parse(&ev, &why, input, strlen(input)), CC_OK);
  assert_int_equal(ev.kind, RT_EVENT_SCHEDULER);
  rt_event_free(&ev);
  assert_int_equal(rt_event_parse(&ev, &why, "[1]", 3), CC_EINVAL);
  assert_true(why.len > 0);
  assert_int_equal(rt_event_parse(&ev, &why, "{\"a\":", 5), CC_EINVAL);
  const char *sns = "{\"Records\":[{\"EventSource\":\"aws:sns\"}]}";
  assert_int_equal(rt_event_parse(&ev, &why, sns, strlen(sns)), CC_EINVAL);
  cc_buf_free(&why);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_raw_and_envelope),
      cmocka_unit_test(test_fifo_failures),
      cmocka_unit_test(test_notification_check),
      cmocka_unit_test(test_kinds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
