/* cc/schedule.h: EventBridge Scheduler schedule expressions.
 *
 *   cron(minutes hours day-of-month month day-of-week year)
 *   rate(N minute|minutes|hour|hours|day|days)
 *   at(yyyy-mm-ddThh:mm:ss)
 *
 * with EventBridge's rules: six cron fields; day-of-week 1-7 = SUN-SAT;
 * names JAN-DEC and SUN-SAT in any case; `, - * /` everywhere, `?` in
 * day-of-month or day-of-week (exactly one of them is `?`), `L` and `W` in
 * day-of-month, `L`, `nL` and `n#k` in day-of-week (one `#` at most);
 * ranges may wrap (FRI-MON, NOV-FEB); years 1970-2199. A parsed expression
 * is immutable. */
#ifndef CC_SCHEDULE_H
#define CC_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "cc/tz.h"

typedef enum { CC_SCHED_CRON, CC_SCHED_RATE, CC_SCHED_AT } cc_sched_kind;

typedef struct cc_sched cc_sched;

/* Where and why a parse failed. COL is 1-based within the expression. */
typedef struct cc_sched_err {
  int col;
  char msg[160];
} cc_sched_err;

/* Parses EXPR (a C string) into *OUT. Returns CC_OK; CC_EINVAL with ERR
 * filled (its message names the field and reads well after "error: ");
 * or CC_ENOMEM. The caller frees *OUT with cc_sched_free. */
int cc_sched_parse(cc_sched **out, const char *expr, cc_sched_err *err);

/* The first fire time of S strictly after instant AFTER (seconds since
 * the epoch), in zone TZ, into *NEXT. Wall times that do not exist in TZ
 * (spring forward) are skipped; wall times that happen twice (fall back)
 * fire once, at their first occurrence. rate(N unit) counts from AFTER:
 * AFTER + N units. An at() whose wall time does not exist never fires.
 * Returns CC_OK, or CC_ENOTFOUND when there is no such time (an at() in the
 * past, or nothing before the end of 2199). */
int cc_sched_next(const cc_sched *s, const cc_tz *tz, int64_t after, int64_t *next);

/* The expression's kind. */
cc_sched_kind cc_sched_kind_of(const cc_sched *s);

/* Frees S. cc_sched_free(NULL) is a no-op. */
void cc_sched_free(cc_sched *s);

/* ---- schedule insight (lib/schedule/lint.c) ---- */

/* How far ahead the lint looks for daylight-saving changes: two years. */
#define CC_SCHED_LINT_HORIZON ((int64_t)731 * 86400)

/* A change of a zone's offset from UTC at instant AT. */
typedef struct cc_tz_change {
  int64_t at;
  int32_t before, after; /* offsets, seconds east of UTC */
} cc_tz_change;

/* The changes of TZ's offset at instants in (FROM, TO], ascending, into a
 * malloc'ed *OUT (the caller frees it) of *N entries. Zones change their
 * offset at most once in six hours, which the scan relies on. Returns CC_OK
 * or CC_ENOMEM. */
int cc_tz_changes(const cc_tz *tz, int64_t from, int64_t to, cc_tz_change **out, size_t *n);

/* What the lint found in a schedule. Wall times are local seconds (the wall
 * clock read as if it were UTC), so cc's calendar functions print them. */
typedef struct cc_sched_insight {
  int never;     /* cron or at(): no fire time after NOW (an at() whose time has
                    passed reports at_passed instead) */
  int at_passed; /* at(): its wall time is at or before NOW */
  int skipped;   /* a wall time it fires at does not exist (spring forward) */
  int64_t skipped_wall;
  cc_tz_change skipped_change;
  int repeated;  /* a wall time it fires at happens twice (fall back); only
                    for schedules that do not fire every hour */
  int64_t repeated_wall;
  cc_tz_change repeated_change;
  int short_day;          /* the earliest day-of-month, when it is 29-31 (no L) and
                             some chosen month lacks it; 0 = none */
  unsigned short_months;  /* bit m-1: the chosen months without a run (FEB: in common years) */
} cc_sched_insight;

/* Lints S in zone TZ as of instant NOW, with CHANGES (N entries) the zone's
 * offset changes in (NOW, NOW + CC_SCHED_LINT_HORIZON] from cc_tz_changes:
 * the first run daylight saving skips, the first that falls in a repeated
 * hour, whether it can fire at all, and months that a day-of-month of
 * 29-31 (without L) leaves without a run. rate()
 * schedules have nothing to report. Fills *OUT; returns CC_OK. */
int cc_sched_lint(const cc_sched *s, const cc_tz *tz, const cc_tz_change *changes, size_t n, int64_t now,
                  cc_sched_insight *out);

#endif
