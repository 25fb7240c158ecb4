/* Parsing of cron(), rate() and at() expressions with EventBridge's rules. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc/err.h"
#include "sched_internal.h"

typedef struct S_field_def {
  const char *name;
  int min, max;
  const char *const *names; /* names[i] is value min+i, or NULL */
} S_field_def;

static const char *const S_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const S_days[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

static const S_field_def S_fields[6] = {
    {"minutes", 0, 59, NULL},     {"hours", 0, 23, NULL},     {"day-of-month", 1, 31, NULL},
    {"month", 1, 12, S_months},   {"day-of-week", 1, 7, S_days}, {"year", 1970, 2199, NULL},
};

typedef struct S_parser {
  const char *expr;
  cc_sched_err *err;
} S_parser;

static int S_fail(S_parser *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int S_fail(S_parser *p, const char *at, const char *fmt, ...) {
  if (p->err) {
    p->err->col = (int)(at - p->expr) + 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
  }
  return CC_EINVAL;
}

static void S_set(uint64_t *bits, int i) { bits[i / 64] |= (uint64_t)1 << (i % 64); }

/* Reads a number or a name of field F at *S; advances *S. */
static int S_value(S_parser *p, const S_field_def *f, const char **s, int *out) {
  const char *start = *s;
  if (isdigit((unsigned char)**s)) {
    long v = 0;
    while (isdigit((unsigned char)**s)) {
      v = v * 10 + (**s - '0');
      if (v > 100000) v = 100000;
      (*s)++;
    }
    if (v < f->min || v > f->max)
      return S_fail(p, start, "invalid %s field: %ld is out of range %d-%d", f->name, v, f->min, f->max);
    *out = (int)v;
    return CC_OK;
  }
  if (f->names && isalpha((unsigned char)**s)) {
    size_t n = 0;
    while (isalpha((unsigned char)start[n])) n++;
    for (int i = 0; i <= f->max - f->min; i++) {
      if (n == 3 && !strncasecmp(start, f->names[i], 3)) {
        *s += 3;
        *out = f->min + i;
        return CC_OK;
      }
    }
    return S_fail(p, start, "invalid %s field: `%.*s` is not a %s name", f->name, (int)n, start,
                  f->names == S_months ? "month (JAN-DEC)" : "day (SUN-SAT)");
  }
  return S_fail(p, start, "invalid %s field: expected a number%s at `%.1s`", f->name,
                f->names ? " or a name" : "", **s ? *s : " ");
}

/* Parses one comma-separated part of a generic field into BITS (indexes are
 * value - min). */
static int S_part(S_parser *p, const S_field_def *f, const char *s, const char *end, uint64_t *bits) {
  int lo = f->min, hi = f->max, step = 1, rc;
  const char *q = s;
  if (*q == '*') {
    q++;
  } else {
    if ((rc = S_value(p, f, &q, &lo))) return rc;
    hi = lo;
    if (*q == '-') {
      q++;
      if ((rc = S_value(p, f, &q, &hi))) return rc;
      if (hi < lo && !strcmp(f->name, "year"))
        return S_fail(p, s, "invalid year field: the range %d-%d runs backwards", lo, hi);
    } else if (*q == '/') {
      hi = f->max; /* "5/15": from 5 on, every 15 */
    }
  }
  if (*q == '/') {
    const char *at = ++q;
    long v = 0;
    if (!isdigit((unsigned char)*q)) return S_fail(p, at, "invalid %s field: `/` needs a step number", f->name);
    while (isdigit((unsigned char)*q)) {
      v = v * 10 + (*q++ - '0');
      if (v > 100000) v = 100000;
    }
    if (v < 1 || v > f->max - f->min + 1)
      return S_fail(p, at, "invalid %s field: step %ld is out of range 1-%d", f->name, v, f->max - f->min + 1);
    step = (int)v;
  }
  if (q != end) return S_fail(p, q, "invalid %s field: unexpected `%.*s`", f->name, (int)(end - q), q);
  int span = f->max - f->min + 1;
  int count = hi >= lo ? hi - lo : hi - lo + span; /* wrap-around: FRI-MON */
  for (int k = 0; k <= count; k += step) S_set(bits, (lo - f->min + k) % span);
  return CC_OK;
}

static int S_generic(S_parser *p, int idx, const char *s, const char *end, uint64_t *bits) {
  const S_field_def *f = &S_fields[idx];
  for (const char *part = s; part <= end;) {
    const char *comma = memchr(part, ',', (size_t)(end - part));
    const char *pend = comma ? comma : end;
    if (pend == part) return S_fail(p, part, "invalid %s field: empty list entry", f->name);
    int rc = S_part(p, f, part, pend, bits);
    if (rc) return rc;
    if (!comma) break;
    part = comma + 1;
  }
  return CC_OK;
}

/* Day-of-month: generic, or `?`, `L`, `LW`, `nW`. */
static int S_dom(S_parser *p, cc_sched *c, const char *s, const char *end) {
  size_t n = (size_t)(end - s);
  if (n == 1 && *s == '?') {
    c->dom_any = 1;
    return CC_OK;
  }
  if (n == 1 && *s == 'L') {
    c->dom_last = 1;
    return CC_OK;
  }
  if (n == 2 && !strncmp(s, "LW", 2)) {
    c->dom_last_weekday = 1;
    return CC_OK;
  }
  if (n >= 2 && end[-1] == 'W') {
    const char *q = s;
    int day;
    int rc = S_value(p, &S_fields[2], &q, &day);
    if (rc) return rc;
    if (q != end - 1) return S_fail(p, q, "invalid day-of-month field: `W` follows a single day, like 15W");
    c->dom_weekday = day;
    return CC_OK;
  }
  for (const char *q = s; q < end; q++)
    if (*q == 'L' || *q == 'W' || *q == '#' || *q == '?')
      return S_fail(p, q, "invalid day-of-month field: `%c` must stand alone (L, LW, ?) or follow one day (15W)", *q);
  return S_generic(p, 2, s, end, c->dom);
}

/* Day-of-week: generic, or `?`, `L`, `nL`, `n#k`. */
static int S_dow(S_parser *p, cc_sched *c, const char *s, const char *end) {
  size_t n = (size_t)(end - s);
  const S_field_def *f = &S_fields[4];
  if (n == 1 && *s == '?') {
    c->dow_any = 1;
    return CC_OK;
  }
  if (n == 1 && *s == 'L') {
    S_set(c->dow, 6); /* L alone is the week's last day, Saturday */
    return CC_OK;
  }
  const char *hash = memchr(s, '#', n);
  if (hash) {
    if (memchr(hash + 1, '#', (size_t)(end - hash - 1)) || memchr(s, ',', n))
      return S_fail(p, hash, "invalid day-of-week field: only one `#` expression is allowed");
    const char *q = s;
    int day, rc = S_value(p, f, &q, &day);
    if (rc) return rc;
    if (q != hash) return S_fail(p, q, "invalid day-of-week field: `#` follows a single day, like 3#2");
    q = hash + 1;
    if (!(q + 1 == end && *q >= '1' && *q <= '5'))
      return S_fail(p, q, "invalid day-of-week field: the week number after `#` must be 1-5");
    c->dow_nth_day = day;
    c->dow_nth = *q - '0';
    return CC_OK;
  }
  if (n >= 2 && end[-1] == 'L') {
    const char *q = s;
    int day, rc = S_value(p, f, &q, &day);
    if (rc) return rc;
    if (q != end - 1) return S_fail(p, q, "invalid day-of-week field: `L` follows a single day, like 6L");
    c->dow_last = day;
    return CC_OK;
  }
  return S_generic(p, 4, s, end, c->dow); /* names like WED are not the W of day-of-month */
}

static int S_parse_cron(S_parser *p, cc_sched *c, const char *body, const char *end) {
  const char *starts[7], *ends[7];
  int n = 0;
  const char *q = body;
  while (q < end) {
    while (q < end && *q == ' ') q++;
    if (q == end) break;
    if (n == 6) return S_fail(p, q, "cron() takes six fields (minutes hours day-of-month month day-of-week year); this is a seventh");
    starts[n] = q;
    while (q < end && *q != ' ') q++;
    ends[n++] = q;
  }
  if (n < 6)
    return S_fail(p, end, "cron() takes six fields (minutes hours day-of-month month day-of-week year); found %d", n);
  int rc;
  if ((rc = S_generic(p, 0, starts[0], ends[0], c->minutes))) return rc;
  if ((rc = S_generic(p, 1, starts[1], ends[1], c->hours))) return rc;
  if ((rc = S_dom(p, c, starts[2], ends[2]))) return rc;
  if ((rc = S_generic(p, 3, starts[3], ends[3], c->months))) return rc;
  if ((rc = S_dow(p, c, starts[4], ends[4]))) return rc;
  if ((rc = S_generic(p, 5, starts[5], ends[5], c->years))) return rc;
  if (c->dom_any == c->dow_any)
    return S_fail(p, starts[c->dom_any ? 2 : 4],
                  c->dom_any ? "cron day-of-month and day-of-week cannot both be `?`; set one of them"
                             : "cron day-of-month and day-of-week cannot both be set; one must be `?`");
  return CC_OK;
}

static int S_parse_rate(S_parser *p, cc_sched *c, const char *body, const char *end) {
  const char *q = body;
  if (!isdigit((unsigned char)*q)) return S_fail(p, q, "rate() takes a positive whole number and a unit, like rate(5 minutes)");
  long v = 0;
  while (q < end && isdigit((unsigned char)*q)) {
    v = v * 10 + (*q++ - '0');
    if (v > 1000000000L) return S_fail(p, body, "rate() value %.*s is too large", (int)(q - body), body);
  }
  if (v < 1) return S_fail(p, body, "rate() value must be positive, not %ld", v);
  if (q == end || *q != ' ') return S_fail(p, q, "rate() takes a value, one space and a unit, like rate(5 minutes)");
  const char *unit = ++q;
  size_t n = (size_t)(end - unit);
  static const struct { const char *one, *many; long secs; } units[] = {
      {"minute", "minutes", 60}, {"hour", "hours", 3600}, {"day", "days", 86400}};
  for (size_t i = 0; i < 3; i++) {
    bool one = n == strlen(units[i].one) && !strncmp(unit, units[i].one, n);
    bool many = n == strlen(units[i].many) && !strncmp(unit, units[i].many, n);
    if (!one && !many) continue;
    if (v == 1 && many) return S_fail(p, unit, "rate() with a value of 1 takes the singular unit `%s`", units[i].one);
    if (v != 1 && one) return S_fail(p, unit, "rate() with a value of %ld takes the plural unit `%s`", v, units[i].many);
    c->rate_seconds = v * units[i].secs;
    return CC_OK;
  }
  return S_fail(p, unit, "rate() unit must be minute(s), hour(s) or day(s), not `%.*s`", (int)n, unit);
}

static int S_digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i])) return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int cc_sched_days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

static int S_parse_at(S_parser *p, cc_sched *c, const char *body, const char *end) {
  /* yyyy-mm-ddThh:mm:ss */
  static const char shape[] = "dddd-dd-ddTdd:dd:dd";
  if ((size_t)(end - body) != sizeof shape - 1)
    return S_fail(p, body, "at() takes a time as yyyy-mm-ddThh:mm:ss, like at(2026-12-01T09:00:00)");
  for (size_t i = 0; i < sizeof shape - 1; i++) {
    bool digit = isdigit((unsigned char)body[i]);
    if (shape[i] == 'd' ? !digit : body[i] != shape[i])
      return S_fail(p, body + i, "at() takes a time as yyyy-mm-ddThh:mm:ss, like at(2026-12-01T09:00:00)");
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  S_digits(body, 4, &y);
  S_digits(body + 5, 2, &mo);
  S_digits(body + 8, 2, &d);
  S_digits(body + 11, 2, &h);
  S_digits(body + 14, 2, &mi);
  S_digits(body + 17, 2, &s);
  if (y < 1970 || y > 2199) return S_fail(p, body, "at() year %d is out of range 1970-2199", y);
  if (mo < 1 || mo > 12) return S_fail(p, body + 5, "at() month %02d is out of range 01-12", mo);
  if (d < 1 || d > cc_sched_days_in_month(y, mo))
    return S_fail(p, body + 8, "at() day %02d does not exist in %04d-%02d", d, y, mo);
  if (h > 23) return S_fail(p, body + 11, "at() hour %02d is out of range 00-23", h);
  if (mi > 59) return S_fail(p, body + 14, "at() minute %02d is out of range 00-59", mi);
  if (s > 59) return S_fail(p, body + 17, "at() second %02d is out of range 00-59", s);
  c->at[0] = y, c->at[1] = mo, c->at[2] = d, c->at[3] = h, c->at[4] = mi, c->at[5] = s;
  return CC_OK;
}

int cc_sched_parse(cc_sched **out, const char *expr, cc_sched_err *err) {
  *out = NULL;
  if (err) memset(err, 0, sizeof *err);
  S_parser p = {expr, err};
  static const struct { const char *prefix; cc_sched_kind kind; } kinds[] = {
      {"cron(", CC_SCHED_CRON}, {"rate(", CC_SCHED_RATE}, {"at(", CC_SCHED_AT}};
  size_t len = strlen(expr);
  for (size_t i = 0; i < 3; i++) {
    size_t n = strlen(kinds[i].prefix);
    if (strncmp(expr, kinds[i].prefix, n)) continue;
    if (len == n || expr[len - 1] != ')')
      return S_fail(&p, expr + len, "the expression must end with `)`");
    cc_sched *c = calloc(1, sizeof *c);
    if (!c) return CC_ENOMEM;
    c->kind = kinds[i].kind;
    const char *body = expr + n, *end = expr + len - 1;
    int rc = c->kind == CC_SCHED_CRON ? S_parse_cron(&p, c, body, end)
             : c->kind == CC_SCHED_RATE ? S_parse_rate(&p, c, body, end)
                                         : S_parse_at(&p, c, body, end);
    if (rc) {
      free(c);
      return rc;
    }
    *out = c;
    return CC_OK;
  }
  return S_fail(&p, expr, "a schedule is cron(...), rate(...) or at(...)");
}

cc_sched_kind cc_sched_kind_of(const cc_sched *s) { return s->kind; }

void cc_sched_free(cc_sched *s) { free(s); }
