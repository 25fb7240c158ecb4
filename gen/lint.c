/* Schedule warnings and errors for a spec's tasks (see lint.h). */
#include "lint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "cc/grow.h"
#include "cc/schedule.h"
#include "cc/suggest.h"
#include "cc/tz.h"

static const char *const S_kinds[] = {"dst-skipped", "dst-repeated", "at-passed", "short-months"};
enum { S_DST_SKIPPED = 1, S_DST_REPEATED = 2, S_AT_PASSED = 4, S_SHORT_MONTHS = 8 };
#define S_NKINDS (sizeof S_kinds / sizeof S_kinds[0])

/* A zone and its offset changes over the horizon, loaded once per spec. */
typedef struct S_zone {
  const char *name;
  cc_tz *tz; /* NULL: not a zone (gen/check.c reports it) */
  cc_tz_change *changes;
  size_t n;
} S_zone;

typedef struct S_linter {
  const gen_spec *spec;
  cc_diags *d;
  int64_t now;
  S_zone *zones;
  size_t nzones, cap;
  int oom, errors;
} S_linter;

static int64_t S_days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void S_civil(int64_t wall, int *y, int *m, int *d, int *h, int *mi) {
  int64_t z = (wall >= 0 ? wall : wall - 86399) / 86400, secs = wall - z * 86400;
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
  *h = (int)(secs / 3600);
  *mi = (int)(secs % 3600 / 60);
}

int gen_lint_now(int64_t *now) {
  const char *s = getenv("CLOUDCRON_NOW");
  if (!s || !*s) {
    *now = (int64_t)time(NULL);
    return CC_OK;
  }
  int y, mo, d, h, mi, sec, n = 0;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 20 || s[n] || mo < 1 ||
      mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59)
    return CC_EINVAL;
  *now = S_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  return CC_OK;
}

static S_zone *S_zone_get(S_linter *l, const char *name) {
  for (size_t i = 0; i < l->nzones; i++)
    if (!strcmp(l->zones[i].name, name)) return &l->zones[i];
  if (cc_grow(&l->zones, &l->cap, l->nzones + 1, sizeof *l->zones)) {
    l->oom = 1;
    return NULL;
  }
  S_zone *z = &l->zones[l->nzones++];
  memset(z, 0, sizeof *z);
  z->name = name;
  if (cc_tz_load(&z->tz, name) == CC_ENOMEM) l->oom = 1;
  if (z->tz && cc_tz_changes(z->tz, l->now, l->now + CC_SCHED_LINT_HORIZON, &z->changes, &z->n)) l->oom = 1;
  return z;
}

/* The column of cron field IDX (0-5) of EXPR, 0-based from its start. */
static int S_field_col(const char *expr, int idx) {
  const char *p = strchr(expr, '(');
  if (!p) return 0;
  p++;
  for (int f = 0;; f++) {
    while (*p == ' ') p++;
    if (f == idx || !*p) return (int)(p - expr);
    while (*p && *p != ' ') p++;
  }
}

static gen_span S_at(const gen_task *t, int col) {
  gen_span s = t->schedule_span;
  s.col += col;
  return s;
}

/* Reads the task's ignore_warnings into a mask; unknown kinds are errors. */
static unsigned S_ignored(S_linter *l, const gen_task *t) {
  unsigned mask = 0;
  for (size_t i = 0; i < t->ignore_warnings.n; i++) {
    const char *k = t->ignore_warnings.items[i];
    size_t j = 0;
    while (j < S_NKINDS && strcmp(S_kinds[j], k)) j++;
    if (j < S_NKINDS) {
      mask |= 1u << j;
      continue;
    }
    gen_span at = t->ignore_warnings.spans ? t->ignore_warnings.spans[i] : t->span;
    const char *s = cc_suggest(k, S_kinds, S_NKINDS);
    l->errors++;
    if (s)
      cc_diags_error(l->d, at.file, at.line, at.col, "unknown warning `%s` in `ignore_warnings`; did you mean `%s`?", k, s);
    else
      cc_diags_error(l->d, at.file, at.line, at.col,
                     "unknown warning `%s` in `ignore_warnings`; the warnings are dst-skipped, dst-repeated, at-passed and short-months",
                     k);
  }
  return mask;
}

static void S_month_list(cc_buf *b, unsigned months, int day) {
  static const char *const names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  int first = 1;
  for (int m = 0; m < 12; m++) {
    if (!(months & (1u << m))) continue;
    cc_buf_emitf(b, "%s%s%s", first ? "" : ", ", names[m], m == 1 && day == 29 ? " (in years that are not leap years)" : "");
    first = 0;
  }
}

static void S_lint_task(S_linter *l, const gen_task *t) {
  unsigned ignored = S_ignored(l, t);
  if (!t->enabled) ignored = ~0u; /* it never runs: only errors matter */
  if (!t->schedule || !t->timezone) return;
  cc_sched *s = NULL;
  if (cc_sched_parse(&s, t->schedule, NULL)) return; /* gen/check.c reports it */
  S_zone *z = S_zone_get(l, t->timezone);
  cc_sched_insight in;
  if (!z || !z->tz || cc_sched_lint(s, z->tz, z->changes, z->n, l->now, &in)) {
    cc_sched_free(s);
    return;
  }
  int cron = cc_sched_kind_of(s) == CC_SCHED_CRON;
  cc_sched_free(s);
  const char *zone = t->timezone;
  int y, m, d, h, mi, y2, m2, d2, h1, mi1, h2, mi2;
  if (in.never) {
    gen_span at = S_at(t, 0);
    l->errors++;
    if (cron)
      cc_diags_error(l->d, at.file, at.line, at.col,
                     "this schedule never fires: no time after now matches all of its fields in %s", zone);
    else
      cc_diags_error(l->d, at.file, at.line, at.col,
                     "this at() never fires: its wall time does not exist in %s (daylight saving skips it)", zone);
    return;
  }
  if (in.at_passed && !(ignored & S_AT_PASSED)) {
    gen_span at = S_at(t, 0);
    cc_diags_add(l->d, CC_DIAG_WARNING, at.file, at.line, at.col,
                 "the time of this at() has passed in %s: the task never runs [at-passed]", zone);
  }
  if (in.skipped && !(ignored & S_DST_SKIPPED)) {
    gen_span at = S_at(t, S_field_col(t->schedule, 1));
    const cc_tz_change *c = &in.skipped_change;
    S_civil(in.skipped_wall, &y, &m, &d, &h, &mi);
    S_civil(c->at + c->before, &y2, &m2, &d2, &h1, &mi1);
    S_civil(c->at + c->after, &y2, &m2, &d2, &h2, &mi2);
    cc_diags_add(l->d, CC_DIAG_WARNING, at.file, at.line, at.col,
                 "%02d:%02d does not exist on %04d-%02d-%02d in %s (clocks go forward from %02d:%02d to %02d:%02d): that run is skipped [dst-skipped]",
                 h, mi, y, m, d, zone, h1, mi1, h2, mi2);
  }
  if (in.repeated && !(ignored & S_DST_REPEATED)) {
    gen_span at = S_at(t, S_field_col(t->schedule, 1));
    const cc_tz_change *c = &in.repeated_change;
    S_civil(in.repeated_wall, &y, &m, &d, &h, &mi);
    S_civil(c->at + c->before, &y2, &m2, &d2, &h1, &mi1);
    S_civil(c->at + c->after, &y2, &m2, &d2, &h2, &mi2);
    cc_diags_add(l->d, CC_DIAG_WARNING, at.file, at.line, at.col,
                 "%02d:%02d happens twice on %04d-%02d-%02d in %s (clocks go back from %02d:%02d to %02d:%02d): the task runs once, at the first [dst-repeated]",
                 h, mi, y, m, d, zone, h1, mi1, h2, mi2);
  }
  if (in.short_day && !(ignored & S_SHORT_MONTHS)) {
    gen_span at = S_at(t, S_field_col(t->schedule, 2));
    cc_buf b = CC_BUF_INIT;
    S_month_list(&b, in.short_months, in.short_day);
    cc_diags_add(l->d, CC_DIAG_WARNING, at.file, at.line, at.col,
                 "day %d does not exist in %s: the task does not run in %s (`L` is the month's last day) [short-months]",
                 in.short_day, b.len ? cc_buf_str(&b) : "some months",
                 __builtin_popcount(in.short_months) == 1 ? "that month" : "those months");
    cc_buf_free(&b);
  }
}

int gen_lint(const gen_spec *spec, cc_diags *d) {
  S_linter l = {.spec = spec, .d = d};
  if (gen_lint_now(&l.now)) {
    cc_diags_error(d, "CLOUDCRON_NOW", 0, 0, "must be a UTC time like 2026-06-01T00:00:00Z, not `%s`", getenv("CLOUDCRON_NOW"));
    return CC_EINVAL;
  }
  for (size_t i = 0; i < spec->ntasks && !l.oom; i++) S_lint_task(&l, &spec->tasks[i]);
  for (size_t i = 0; i < l.nzones; i++) {
    cc_tz_free(l.zones[i].tz);
    free(l.zones[i].changes);
  }
  free(l.zones);
  if (l.oom) return CC_ENOMEM;
  return l.errors ? CC_EINVAL : CC_OK;
}

size_t gen_lint_werror(cc_diags *d) {
  size_t n = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->items[i].level != CC_DIAG_WARNING) continue;
    d->items[i].level = CC_DIAG_ERROR;
    d->nerrors++;
    n++;
  }
  d->nerrors += d->warnings_dropped; /* printed as "(N more errors not shown)" */
  n += d->warnings_dropped;
  d->warnings_dropped = 0;
  return n;
}
