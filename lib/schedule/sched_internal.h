/* lib/schedule/sched_internal.h: the parsed form shared by the parser and
 * (later) the evaluator. */
#ifndef CC_SCHED_INTERNAL_H
#define CC_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cc/schedule.h"

struct cc_sched {
  cc_sched_kind kind;
  /* cron: bit i set = value (field minimum + i) allowed */
  uint64_t minutes[1], hours[1], dom[1], months[1], dow[1], years[4];
  bool dom_any, dow_any;    /* `?` */
  bool dom_last;            /* L: the month's last day */
  bool dom_last_weekday;    /* LW: the month's last weekday */
  int dom_weekday;          /* nW: the weekday nearest day n; 0 = none */
  int dow_last;             /* nL: the month's last day n of the week (1-7); 0 = none */
  int dow_nth_day, dow_nth; /* n#k: the k-th day n of the month; 0 = none */
  /* rate */
  long rate_seconds;
  /* at: year, month, day, hour, minute, second (wall time in the zone) */
  int at[6];
};

/* Days in MONTH (1-12) of YEAR, with Gregorian leap years. */
int cc_sched_days_in_month(int year, int month);

/* Whether S's year, month and day fields accept the civil day Y-M-D, whose
 * number (days since 1970-01-01) is DAY. */
int cc_sched_date_matches(const cc_sched *s, int64_t y, int m, int d, int64_t day);

#endif
