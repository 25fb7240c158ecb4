/* The SDK's topic keys and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc/err.h"
#include "cloudcron.h"

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topic_keys),
      cmocka_unit_test(test_message),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
