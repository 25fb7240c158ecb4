/* Unit tests of the schedule-expression parser (lib/schedule/parse.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cc/err.h"
#include "cc/schedule.h"
#include "cc/tz.h"
#include "sched_internal.h"

static cc_sched *parse_ok(const char *expr) {
  cc_sched *s = NULL;
  cc_sched_err err;
  int rc = cc_sched_parse(&s, expr, &err);
  if (rc) fail_msg("%s: %s (col %d)", expr, err.msg, err.col);
  return s;
}

static void valid_expressions_parse(void **state) {
  (void)state;
  static const char *const ok[] = {
      "cron(0 2 * * ? *)",           "cron(*/5 8-17 ? * MON-FRI *)", "cron(0 9 ? NOV-FEB FRI-MON *)",
      "cron(0 18 ? * 6L *)",         "cron(0 8 15W * ? *)",          "cron(0 0 LW * ? *)",
      "cron(0 0 L * ? *)",           "cron(0 10 ? * 3#2 *)",         "cron(0 10 ? * L *)",
      "cron(15,45 0/6 1-5 JAN,jul ? 2026-2030)", "cron(0 0 29 2 ? 2100)", "cron(0 9 ? * WED-SAT *)", "rate(1 minute)",
      "rate(5 minutes)",             "rate(1 hour)",                 "rate(2 days)",
      "at(2028-02-29T09:00:00)",     "at(2199-12-31T23:59:59)",      "at(1970-01-01T00:00:00)",
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) cc_sched_free(parse_ok(ok[i]));
}

static void fields_are_read_as_eventbridge_does(void **state) {
  (void)state;
  cc_sched *s = parse_ok("cron(*/15 22-2 ? NOV-FEB FRI-MON 2026)");
  assert_int_equal(s->minutes[0], (1ULL << 0) | (1ULL << 15) | (1ULL << 30) | (1ULL << 45));
  /* 22-2 wraps: 22, 23, 0, 1, 2 */
  assert_int_equal(s->hours[0], (1ULL << 22) | (1ULL << 23) | 1ULL | (1ULL << 1) | (1ULL << 2));
  /* NOV-FEB: 11, 12, 1, 2 (bit = month - 1) */
  assert_int_equal(s->months[0], (1ULL << 10) | (1ULL << 11) | 1ULL | (1ULL << 1));
  /* FRI-MON: FRI(6) SAT(7) SUN(1) MON(2); bit = day - 1 */
  assert_int_equal(s->dow[0], (1ULL << 5) | (1ULL << 6) | 1ULL | (1ULL << 1));
  assert_true(s->dom_any);
  assert_int_equal(s->years[(2026 - 1970) / 64], 1ULL << ((2026 - 1970) % 64));
  cc_sched_free(s);
  s = parse_ok("cron(0 10 ? * 3#5 *)");
  assert_int_equal(s->dow_nth_day, 3);
  assert_int_equal(s->dow_nth, 5);
  cc_sched_free(s);
  s = parse_ok("cron(0 8 1W * ? *)");
  assert_int_equal(s->dom_weekday, 1);
  cc_sched_free(s);
  s = parse_ok("rate(3 hours)");
  assert_int_equal(s->rate_seconds, 3 * 3600);
  assert_int_equal(cc_sched_kind_of(s), CC_SCHED_RATE);
  cc_sched_free(s);
}

static void leap_years(void **state) {
  (void)state;
  assert_int_equal(cc_sched_days_in_month(2024, 2), 29);
  assert_int_equal(cc_sched_days_in_month(2100, 2), 28); /* divisible by 100, not 400 */
  assert_int_equal(cc_sched_days_in_month(2000, 2), 29);
  assert_int_equal(cc_sched_days_in_month(2026, 4), 30);
}

static const struct {
  const char *expr;
  int col;
  const char *msg;
} S_bad[] = {
    {"cron(0 2 * * *)", 15, "cron() takes six fields (minutes hours day-of-month month day-of-week year); found 5"},
    {"cron(0 2 * * ? * *)", 18, "cron() takes six fields (minutes hours day-of-month month day-of-week year); this is a seventh"},
    {"cron(61 2 * * ? *)", 6, "invalid minutes field: 61 is out of range 0-59"},
    {"cron(0 24 * * ? *)", 8, "invalid hours field: 24 is out of range 0-23"},
    {"cron(0 2 32 * ? *)", 10, "invalid day-of-month field: 32 is out of range 1-31"},
    {"cron(0 2 ? 13 * *)", 12, "invalid month field: 13 is out of range 1-12"},
    {"cron(0 2 ? * 8 *)", 14, "invalid day-of-week field: 8 is out of range 1-7"},
    {"cron(0 2 ? * * 1969)", 16, "invalid year field: 1969 is out of range 1970-2199"},
    {"cron(0 2 ? * * 2200)", 16, "invalid year field: 2200 is out of range 1970-2199"},
    {"cron(0 2 1 * MON *)", 14, "cron day-of-month and day-of-week cannot both be set; one must be `?`"},
    {"cron(0 2 ? * ? *)", 10, "cron day-of-month and day-of-week cannot both be `?`; set one of them"},
    {"cron(0 2 ? * 2#6 *)", 16, "invalid day-of-week field: the week number after `#` must be 1-5"},
    {"cron(0 2 ? * 2#1,3#2 *)", 15, "invalid day-of-week field: only one `#` expression is allowed"},
    {"cron(0 2 ? FOO * *)", 12, "invalid month field: `FOO` is not a month (JAN-DEC) name"},
    {"cron(0 2 ? * MOND *)", 14, "invalid day-of-week field: `MOND` is not a day (SUN-SAT) name"},
    {"cron(0 2 L-3 * ? *)", 10, "invalid day-of-month field: `L` must stand alone (L, LW, ?) or follow one day (15W)"},
    {"cron(0 2 1-5W * ? *)", 11, "invalid day-of-month field: `W` follows a single day, like 15W"},
    {"cron(0/0 2 * * ? *)", 8, "invalid minutes field: step 0 is out of range 1-60"},
    {"cron(0 2 ? * * 2030-2020)", 16, "invalid year field: the range 2030-2020 runs backwards"},
    {"cron(0,,5 2 * * ? *)", 8, "invalid minutes field: empty list entry"},
    {"cron(0 2 * * ? *", 17, "the expression must end with `)`"},
    {"rate(1 hours)", 8, "rate() with a value of 1 takes the singular unit `hour`"},
    {"rate(5 minute)", 8, "rate() with a value of 5 takes the plural unit `minutes`"},
    {"rate(0 minutes)", 6, "rate() value must be positive, not 0"},
    {"rate(5 weeks)", 8, "rate() unit must be minute(s), hour(s) or day(s), not `weeks`"},
    {"rate(-5 minutes)", 6, "rate() takes a positive whole number and a unit, like rate(5 minutes)"},
    {"rate(5  minutes)", 8, "rate() unit must be minute(s), hour(s) or day(s), not ` minutes`"},
    {"at(2026-02-29T09:00:00)", 12, "at() day 29 does not exist in 2026-02"},
    {"at(2100-02-29T09:00:00)", 12, "at() day 29 does not exist in 2100-02"},
    {"at(2026-12-01T24:00:00)", 15, "at() hour 24 is out of range 00-23"},
    {"at(2026-12-01 09:00:00)", 14, "at() takes a time as yyyy-mm-ddThh:mm:ss, like at(2026-12-01T09:00:00)"},
    {"at(2026-12-01T09:00)", 4, "at() takes a time as yyyy-mm-ddThh:mm:ss, like at(2026-12-01T09:00:00)"},
    {"every(5 minutes)", 1, "a schedule is cron(...), rate(...) or at(...)"},
    {"", 1, "a schedule is cron(...), rate(...) or at(...)"},
};

static void invalid_expressions_name_field_and_column(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof S_bad / sizeof S_bad[0]; i++) {
    cc_sched *s = NULL;
    cc_sched_err err;
    int rc = cc_sched_parse(&s, S_bad[i].expr, &err);
    if (rc != CC_EINVAL || err.col != S_bad[i].col || strcmp(err.msg, S_bad[i].msg))
      fail_msg("%s: rc %d, col %d, msg \"%s\"; expected col %d, \"%s\"", S_bad[i].expr, rc, err.col, err.msg,
               S_bad[i].col, S_bad[i].msg);
    assert_null(s);
  }
}

static void zones_come_from_the_tz_database(void **state) {
  (void)state;
  static const char *const good[] = {"UTC", "Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Africa/Cairo",
                                     "America/Argentina/Buenos_Aires", "Etc/GMT+5"};
  static const char *const bad[] = {"Europe/Roma", "utc/", "../../etc/passwd", "/etc/localtime", "posix/Europe/Rome",
                                    "right/UTC", "", "Europe", "zone.tab"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    cc_tz *tz = NULL;
    assert_int_equal(cc_tz_load(&tz, good[i]), CC_OK);
    assert_string_equal(cc_tz_name(tz), good[i]);
    cc_tz_free(tz);
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cc_tz *tz = NULL;
    if (cc_tz_load(&tz, bad[i]) != CC_ENOTFOUND) fail_msg("%s was accepted as a zone", bad[i]);
    assert_null(tz);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(valid_expressions_parse),
      cmocka_unit_test(fields_are_read_as_eventbridge_does),
      cmocka_unit_test(leap_years),
      cmocka_unit_test(invalid_expressions_name_field_and_column),
      cmocka_unit_test(zones_come_from_the_tz_database),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
