/* Schedule insight: the runs daylight saving skips or repeats, schedules
 * that never fire, and days of the month that some months lack. The
 * generator turns these into warnings and errors (gen/lint.c). */
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/grow.h"
#include "cc/schedule.h"
#include "civil.h"
#include "sched_internal.h"

#define S_STEP ((int64_t)6 * 3600)

static int S_bit(const uint64_t *bits, int i) { return (int)((bits[i / 64] >> (i % 64)) & 1); }

int cc_tz_changes(const cc_tz *tz, int64_t from, int64_t to, cc_tz_change **out, size_t *n) {
  cc_tz_change *items = NULL;
  size_t count = 0, cap = 0;
  int32_t prev = cc_tz_offset(tz, from);
  for (int64_t t = from; t < to;) {
    int64_t next = t + S_STEP < to ? t + S_STEP : to;
    int32_t off = cc_tz_offset(tz, next);
    if (off != prev) {
      /* The change is in (t, next]: bisect to its first second. */
      int64_t lo = t, hi = next; /* offset(lo) == prev, offset(hi) != prev */
      while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cc_tz_offset(tz, mid) == prev) lo = mid;
        else hi = mid;
      }
      if (cc_grow(&items, &cap, count + 1, sizeof *items)) {
        free(items);
        return CC_ENOMEM;
      }
      items[count++] = (cc_tz_change){hi, prev, cc_tz_offset(tz, hi)};
      prev = items[count - 1].after;
      t = hi; /* look on from the change: there may be another before NEXT */
      continue;
    }
    t = next;
  }
  *out = items;
  *n = count;
  return CC_OK;
}

/* Whether cron S fires at wall time WALL (local seconds, whole minutes). */
static int S_fires_at(const cc_sched *s, int64_t wall) {
  int64_t day = cc_floor_div(wall, 86400), secs = wall - day * 86400;
  int h = (int)(secs / 3600), mi = (int)(secs % 3600 / 60);
  if (!S_bit(s->hours, h) || !S_bit(s->minutes, mi)) return 0;
  int64_t y;
  int m, d;
  cc_civil_from_days(day, &y, &m, &d);
  return cc_sched_date_matches(s, y, m, d, day);
}

/* The first wall minute in [LO, HI) that S fires at, into *WALL. */
static int S_first_in(const cc_sched *s, int64_t lo, int64_t hi, int64_t *wall) {
  for (int64_t w = cc_floor_div(lo + 59, 60) * 60; w < hi; w += 60) {
    if (S_fires_at(s, w)) {
      *wall = w;
      return 1;
    }
  }
  return 0;
}

/* A day-of-month field whose earliest day is 29-31 (no L): the chosen
 * months without that day see no run at all. */
static void S_short_months(const cc_sched *s, cc_sched_insight *out) {
  int day = 0;
  if (s->dom_weekday) day = s->dom_weekday;
  else if (!s->dom_any && !s->dom_last && !s->dom_last_weekday && s->dom[0])
    day = __builtin_ctzll(s->dom[0]) + 1;
  if (day < 29) return;
  unsigned months = 0;
  for (int m = 1; m <= 12; m++)
    if (S_bit(s->months, m - 1) && cc_sched_days_in_month(2001, m) < day) months |= 1u << (m - 1);
  if (!months) return;
  out->short_day = day;
  out->short_months = months;
}

int cc_sched_lint(const cc_sched *s, const cc_tz *tz, const cc_tz_change *changes, size_t n, int64_t now,
                  cc_sched_insight *out) {
  memset(out, 0, sizeof *out);
  if (s->kind == CC_SCHED_RATE) return CC_OK;
  int64_t next;
  if (s->kind == CC_SCHED_AT) {
    int64_t wall = cc_days_from_civil(s->at[0], s->at[1], s->at[2]) * 86400 + s->at[3] * 3600 + s->at[4] * 60 + s->at[5];
    /* Passed when even its earliest reading (the largest offset) is past. */
    int32_t off = cc_tz_offset(tz, wall - 86400), o2 = cc_tz_offset(tz, wall), o3 = cc_tz_offset(tz, wall + 86400);
    if (o2 > off) off = o2;
    if (o3 > off) off = o3;
    if (wall - off <= now) out->at_passed = 1;
    else if (cc_sched_next(s, tz, now, &next)) out->never = 1;
    return CC_OK;
  }
  if (cc_sched_next(s, tz, now, &next)) {
    out->never = 1;
    return CC_OK;
  }
  int hourly = (s->hours[0] & 0xFFFFFFu) == 0xFFFFFFu;
  for (size_t i = 0; i < n && !(out->skipped && (out->repeated || hourly)); i++) {
    const cc_tz_change *c = &changes[i];
    int64_t wall;
    if (c->after > c->before && !out->skipped) {
      /* Wall times in [at + before, at + after) do not exist. */
      if (S_first_in(s, c->at + c->before, c->at + c->after, &wall)) {
        out->skipped = 1;
        out->skipped_wall = wall;
        out->skipped_change = *c;
      }
    } else if (c->after < c->before && !out->repeated && !hourly) {
      /* Wall times in [at + after, at + before) happen twice. */
      if (S_first_in(s, c->at + c->after, c->at + c->before, &wall)) {
        out->repeated = 1;
        out->repeated_wall = wall;
        out->repeated_change = *c;
      }
    }
  }
  S_short_months(s, out);
  return CC_OK;
}
