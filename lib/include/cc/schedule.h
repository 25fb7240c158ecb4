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

#endif
