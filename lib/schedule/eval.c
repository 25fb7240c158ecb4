/* Next fire times, with EventBridge Scheduler's rules for local wall times:
 * a wall time that does not exist (spring forward) is skipped; one that
 * happens twice (fall back) fires once, at its first occurrence. */
#include <string.h>

#include "cc/err.h"
#include "cc/schedule.h"
#include "civil.h"
#include "sched_internal.h"

static int S_bit(const uint64_t *bits, int i) { return (int)((bits[i / 64] >> (i % 64)) & 1); }

/* The first instant whose wall time in TZ is L (local seconds), or 0 when L
 * falls in a gap. Offsets around L come from a day either side, which
 * covers every zone's transitions (none are closer than that). */
static int S_first_instant(const cc_tz *tz, int64_t local, int64_t *out) {
  int32_t offs[3] = {cc_tz_offset(tz, local - 86400), cc_tz_offset(tz, local), cc_tz_offset(tz, local + 86400)};
  int found = 0;
  int64_t best = INT64_MAX;
  for (int i = 0; i < 3; i++) {
    int64_t u = local - offs[i];
    if (cc_tz_offset(tz, u) != offs[i]) continue;
    if (u < best) best = u;
    found = 1;
  }
  *out = best;
  return found;
}

/* The weekday (Monday-Friday) nearest to day N of the month, not leaving
 * the month; 0 when the month has no day N. */
static int S_nearest_weekday(int64_t first, int days, int n) {
  if (n > days) return 0;
  int wd = cc_weekday(first + n - 1);
  if (wd == 6) return n > 1 ? n - 1 : n + 2;    /* Saturday: Friday, or Monday after a 1st */
  if (wd == 0) return n < days ? n + 1 : n - 2; /* Sunday: Monday, or Friday before the last */
  return n;
}

static int S_day_matches(const cc_sched *s, int64_t y, int m, int d, int64_t day) {
  int days = cc_sched_days_in_month((int)y, m);
  int64_t first = day - (d - 1);
  int wd = cc_weekday(day); /* 0 = Sunday; cron's 1-7 is wd + 1 */
  if (s->dom_any) {
    if (s->dow_nth) return wd + 1 == s->dow_nth_day && (d - 1) / 7 + 1 == s->dow_nth;
    if (s->dow_last) return wd + 1 == s->dow_last && d + 7 > days;
    return S_bit(s->dow, wd);
  }
  if (s->dom_last) return d == days;
  if (s->dom_last_weekday) {
    int last = days, lwd = cc_weekday(first + days - 1);
    if (lwd == 6) last -= 1;
    if (lwd == 0) last -= 2;
    return d == last;
  }
  if (s->dom_weekday) return d == S_nearest_weekday(first, days, s->dom_weekday);
  return S_bit(s->dom, d - 1);
}

static int S_next_cron(const cc_sched *s, const cc_tz *tz, int64_t after, int64_t *next) {
  /* Start a day early: the wall date of AFTER may repeat the previous one's
   * last hour (zones that fall back at midnight). */
  int64_t day = cc_floor_div(after + cc_tz_offset(tz, after), 86400) - 1;
  for (;;) {
    int64_t y;
    int m, d;
    cc_civil_from_days(day, &y, &m, &d);
    if (y > 2199) return CC_ENOTFOUND;
    if (y < 1970 || !S_bit(s->years, (int)(y - 1970))) {
      day = cc_days_from_civil(y + 1, 1, 1);
      continue;
    }
    if (!S_bit(s->months, m - 1)) {
      day = m == 12 ? cc_days_from_civil(y + 1, 1, 1) : cc_days_from_civil(y, m + 1, 1);
      continue;
    }
    if (!s->dom_any && !s->dom_weekday && !s->dom_last_weekday) {
      /* A plain day-of-month set (or L) names its days: jump to the next
       * one instead of testing each day (monthly schedules). */
      int days = cc_sched_days_in_month((int)y, m), nd = days;
      if (!s->dom_last) {
        uint64_t rest = s->dom[0] >> (d - 1);
        nd = rest ? d + __builtin_ctzll(rest) : days + 1;
      }
      if (nd > days) {
        day = m == 12 ? cc_days_from_civil(y + 1, 1, 1) : cc_days_from_civil(y, m + 1, 1);
        continue;
      }
      day += nd - d;
      d = nd;
    }
    if (S_day_matches(s, y, m, d, day)) {
      /* Far from any change of offset (the same two days either side), a
       * wall time is one instant: subtract. Near a change, look closely. */
      int64_t dl = day * 86400;
      int32_t o1 = cc_tz_offset(tz, dl - 2 * 86400), o2 = cc_tz_offset(tz, dl + 3 * 86400);
      int plain = o1 == o2 && cc_tz_offset(tz, dl - o1) == o1;
      for (uint64_t hb = s->hours[0]; hb; hb &= hb - 1) {
        int h = __builtin_ctzll(hb);
        for (uint64_t mb = s->minutes[0]; mb; mb &= mb - 1) {
          int64_t local = dl + h * 3600 + __builtin_ctzll(mb) * 60, u;
          if (plain) u = local - o1;
          else if (!S_first_instant(tz, local, &u)) continue;
          if (u > after) {
            *next = u;
            return CC_OK;
          }
        }
      }
    }
    day++;
  }
}

int cc_sched_date_matches(const cc_sched *s, int64_t y, int m, int d, int64_t day) {
  if (y < 1970 || y > 2199 || !S_bit(s->years, (int)(y - 1970)) || !S_bit(s->months, m - 1)) return 0;
  return S_day_matches(s, y, m, d, day);
}

int cc_sched_next(const cc_sched *s, const cc_tz *tz, int64_t after, int64_t *next) {
  switch (s->kind) {
  case CC_SCHED_RATE:
    *next = after + s->rate_seconds;
    return CC_OK;
  case CC_SCHED_AT: {
    int64_t local = cc_days_from_civil(s->at[0], s->at[1], s->at[2]) * 86400 + s->at[3] * 3600 + s->at[4] * 60 + s->at[5];
    int64_t u;
    if (!S_first_instant(tz, local, &u) || u <= after) return CC_ENOTFOUND;
    *next = u;
    return CC_OK;
  }
  default:
    return S_next_cron(s, tz, after, next);
  }
}
