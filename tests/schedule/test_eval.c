/* Unit tests of the evaluator's documented cases (lib/schedule/eval.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "cc/err.h"
#include "cc/schedule.h"
#include "cc/tz.h"
#include "civil.h"

static int64_t at(int y, int m, int d, int h, int mi) { return cc_days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60; }

/* The next fire of EXPR in ZONE after AFTER (UTC), or -1 for none. */
static int64_t next(const char *expr, const char *zone, int64_t after) {
  cc_sched *s = NULL;
  cc_tz *tz = NULL;
  cc_sched_err err;
  if (cc_sched_parse(&s, expr, &err)) fail_msg("%s: %s", expr, err.msg);
  assert_int_equal(cc_tz_load(&tz, zone), CC_OK);
  int64_t n = -1;
  int rc = cc_sched_next(s, tz, after, &n);
  assert_true(rc == CC_OK || rc == CC_ENOTFOUND);
  cc_sched_free(s);
  cc_tz_free(tz);
  return rc ? -1 : n;
}

static void leap_days(void **state) {
  (void)state;
  assert_int_equal(next("cron(0 0 29 2 ? *)", "UTC", at(2025, 1, 1, 0, 0)), at(2028, 2, 29, 0, 0));
  /* 2100 is not a leap year: from 2096 on, the next Feb 29 is in 2104. */
  assert_int_equal(next("cron(0 0 29 2 ? *)", "UTC", at(2096, 3, 1, 0, 0)), at(2104, 2, 29, 0, 0));
}

static void last_days(void **state) {
  (void)state;
  assert_int_equal(next("cron(0 0 L * ? *)", "UTC", at(2024, 2, 1, 0, 0)), at(2024, 2, 29, 0, 0));
  assert_int_equal(next("cron(0 0 L * ? *)", "UTC", at(2025, 2, 1, 0, 0)), at(2025, 2, 28, 0, 0));
  /* LW: 2025-05-31 is a Saturday, so the last weekday is Friday the 30th. */
  assert_int_equal(next("cron(0 0 LW * ? *)", "UTC", at(2025, 5, 1, 0, 0)), at(2025, 5, 30, 0, 0));
  /* 6L: the last Friday; 2025-01-31 is one. */
  assert_int_equal(next("cron(0 0 ? * 6L *)", "UTC", at(2025, 1, 1, 0, 0)), at(2025, 1, 31, 0, 0));
}

static void nearest_weekdays(void **state) {
  (void)state;
  /* 2025-03-15 is a Saturday: 15W fires Friday the 14th. */
  assert_int_equal(next("cron(0 9 15W * ? *)", "UTC", at(2025, 3, 1, 0, 0)), at(2025, 3, 14, 9, 0));
  /* 2025-06-15 is a Sunday: Monday the 16th. */
  assert_int_equal(next("cron(0 9 15W * ? *)", "UTC", at(2025, 6, 1, 0, 0)), at(2025, 6, 16, 9, 0));
  /* 2025-11-01 is a Saturday: 1W does not leave the month, so Monday the 3rd. */
  assert_int_equal(next("cron(0 9 1W * ? *)", "UTC", at(2025, 10, 15, 0, 0)), at(2025, 11, 3, 9, 0));
}

static void nth_weekdays(void **state) {
  (void)state;
  /* 3#5, the fifth Tuesday: none in January to March 2025; April 29th. */
  assert_int_equal(next("cron(0 12 ? * 3#5 *)", "UTC", at(2025, 1, 1, 0, 0)), at(2025, 4, 29, 12, 0));
  assert_int_equal(next("cron(0 12 ? * TUE#1 *)", "UTC", at(2025, 4, 29, 12, 0)), at(2025, 5, 6, 12, 0));
}

static void bounds_and_kinds(void **state) {
  (void)state;
  assert_int_equal(next("cron(0 0 1 1 ? 2199)", "UTC", at(2199, 6, 1, 0, 0)), -1);
  assert_int_equal(next("cron(0 0 1 1 ? 2199)", "UTC", at(2198, 6, 1, 0, 0)), at(2199, 1, 1, 0, 0));
  assert_int_equal(next("at(2026-12-01T09:00:00)", "America/New_York", at(2026, 1, 1, 0, 0)), at(2026, 12, 1, 14, 0));
  assert_int_equal(next("at(2026-12-01T09:00:00)", "UTC", at(2027, 1, 1, 0, 0)), -1);
  assert_int_equal(next("rate(5 minutes)", "UTC", at(2026, 1, 1, 0, 0)), at(2026, 1, 1, 0, 5));
}

static void daylight_saving(void **state) {
  (void)state;
  /* New York springs forward at 02:00 on 2025-03-09: 02:30 is skipped. */
  assert_int_equal(next("cron(30 2 * * ? *)", "America/New_York", at(2025, 3, 8, 12, 0)), at(2025, 3, 10, 6, 30));
  /* and falls back on 2025-11-02: 01:30 happens twice, fires at the first (EDT). */
  int64_t first = next("cron(30 1 * * ? *)", "America/New_York", at(2025, 11, 2, 0, 0));
  assert_int_equal(first, at(2025, 11, 2, 5, 30));
  assert_int_equal(next("cron(30 1 * * ? *)", "America/New_York", first), at(2025, 11, 3, 6, 30));
  /* Lord Howe moves 30 minutes on 2025-10-05 at 02:00. */
  assert_int_equal(next("cron(15 2 * * ? *)", "Australia/Lord_Howe", at(2025, 10, 4, 0, 0)), at(2025, 10, 5, 15, 15));
  /* Cairo springs forward at midnight on Friday 2025-04-25: 00:30 does not
   * exist that day, so the next is 00:30 EEST on the 26th. */
  assert_int_equal(next("cron(30 0 * * ? *)", "Africa/Cairo", at(2025, 4, 24, 12, 0)), at(2025, 4, 25, 21, 30));
  /* an at() in the gap never fires */
  assert_int_equal(next("at(2025-03-09T02:30:00)", "America/New_York", at(2025, 1, 1, 0, 0)), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(leap_days),        cmocka_unit_test(last_days),         cmocka_unit_test(nearest_weekdays),
      cmocka_unit_test(nth_weekdays),     cmocka_unit_test(bounds_and_kinds), cmocka_unit_test(daylight_saving),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
