/* TZif (RFC 8536) files, version 2 and later, with the POSIX TZ string of
 * their footer for instants past the last transition. */
#include "cc/tz.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cc/err.h"
#include "cc/file.h"
#include "civil.h"

typedef struct S_rule_date {
  char kind; /* 'J' (1-365, no Feb 29), 'N' (0-365), 'M' (month.week.day) */
  int n, m, w, d;
  int32_t time; /* seconds after local midnight; may be negative or past 24h */
} S_rule_date;

struct cc_tz {
  char *name;
  int64_t *times;     /* transition instants, ascending */
  uint8_t *idx;       /* type of each transition */
  size_t ntimes;
  int32_t *utoff;     /* each type's offset, seconds east of UTC */
  size_t ntypes;
  int has_rule;       /* the footer gives a rule for later instants */
  int32_t std_utoff, dst_utoff;
  int has_dst;
  S_rule_date start, end;
};

static const char *S_zoneinfo_dir(void) {
  const char *dir = getenv("CC_ZONEINFO");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

/* Zone names are paths of letters, digits and _ + - inside the database;
 * the trees that restate it under other rules are not zones of their own. */
static int S_name_ok(const char *name) {
  if (!*name || name[0] == '/' || strlen(name) > 255) return 0;
  if (!strncmp(name, "posix/", 6) || !strncmp(name, "right/", 6)) return 0;
  const char *p = name;
  for (;;) {
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-");
    if (n == 0) return 0;
    p += n;
    if (*p == '\0') return 1;
    if (*p != '/') return 0;
    p++;
  }
}

static int64_t S_be(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = (v << 8) | p[i];
  if (n == 4) return (int32_t)(uint32_t)v;
  return (int64_t)v;
}

/* ---- POSIX TZ strings ---- */

static int S_posix_name(const char **s) {
  const char *p = *s;
  if (*p == '<') {
    const char *e = strchr(p, '>');
    if (!e) return 0;
    *s = e + 1;
    return 1;
  }
  size_t n = 0;
  while (isalpha((unsigned char)p[n])) n++;
  if (n < 3) return 0;
  *s = p + n;
  return 1;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to 167 (RFC 8536 extension). */
static int S_posix_time(const char **s, int32_t *out) {
  const char *p = *s;
  int sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  if (!isdigit((unsigned char)*p)) return 0;
  long parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; i++) {
    if (i && *p != ':') break;
    if (i) p++;
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) parts[i] = parts[i] * 10 + (*p++ - '0');
  }
  if (parts[0] > 167 || parts[1] > 59 || parts[2] > 59) return 0;
  *out = (int32_t)(sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]));
  *s = p;
  return 1;
}

static int S_posix_date(const char **s, S_rule_date *r) {
  const char *p = *s;
  char *end;
  r->time = 7200;
  if (*p == 'M') {
    r->kind = 'M';
    r->m = (int)strtol(p + 1, &end, 10);
    if (*end != '.') return 0;
    r->w = (int)strtol(end + 1, &end, 10);
    if (*end != '.') return 0;
    r->d = (int)strtol(end + 1, &end, 10);
    if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6) return 0;
  } else if (*p == 'J') {
    r->kind = 'J';
    r->n = (int)strtol(p + 1, &end, 10);
    if (r->n < 1 || r->n > 365) return 0;
  } else if (isdigit((unsigned char)*p)) {
    r->kind = 'N';
    r->n = (int)strtol(p, &end, 10);
    if (r->n > 365) return 0;
  } else {
    return 0;
  }
  p = end;
  if (*p == '/') {
    p++;
    if (!S_posix_time(&p, &r->time)) return 0;
  }
  *s = p;
  return 1;
}

static int S_parse_footer(cc_tz *tz, const char *s) {
  if (!*s) return 1; /* no rule: the last transition holds */
  int32_t off;
  if (!S_posix_name(&s) || !S_posix_time(&s, &off)) return 0;
  tz->std_utoff = -off;
  tz->dst_utoff = tz->std_utoff + 3600;
  tz->has_rule = 1;
  if (!*s) return 1;
  if (!S_posix_name(&s)) return 0;
  tz->has_dst = 1;
  if (*s && *s != ',') {
    if (!S_posix_time(&s, &off)) return 0;
    tz->dst_utoff = -off;
  }
  if (!*s) { /* POSIX default: the US rule */
    const char *us = ",M3.2.0,M11.1.0";
    s = us;
  }
  if (*s++ != ',' || !S_posix_date(&s, &tz->start) || *s++ != ',' || !S_posix_date(&s, &tz->end)) return 0;
  return *s == '\0';
}

/* Seconds, in local time, at which rule date R happens in year Y. */
static int64_t S_rule_local(const S_rule_date *r, int64_t y) {
  int64_t day;
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (r->kind == 'J') {
    day = cc_days_from_civil(y, 1, 1) + r->n - 1 + (leap && r->n >= 60);
  } else if (r->kind == 'N') {
    day = cc_days_from_civil(y, 1, 1) + r->n;
  } else {
    int64_t first = cc_days_from_civil(y, r->m, 1);
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int days = r->m == 2 && leap ? 29 : dim[r->m - 1];
    int dom = 1 + (r->d - cc_weekday(first) + 7) % 7 + (r->w - 1) * 7;
    while (dom > days) dom -= 7;
    day = first + dom - 1;
  }
  return day * 86400 + r->time;
}

static int32_t S_rule_offset(const cc_tz *tz, int64_t u) {
  if (!tz->has_dst) return tz->std_utoff;
  int64_t y;
  int m, d;
  cc_civil_from_days(cc_floor_div(u + tz->std_utoff, 86400), &y, &m, &d);
  /* the rule's two instants of that year, computed each time (a few
   * additions): a loaded zone is never written, so threads may share it */
  int64_t start = S_rule_local(&tz->start, y) - tz->std_utoff;
  int64_t end = S_rule_local(&tz->end, y) - tz->dst_utoff;
  int dst = start < end ? (u >= start && u < end) : !(u >= end && u < start);
  return dst ? tz->dst_utoff : tz->std_utoff;
}

int32_t cc_tz_offset(const cc_tz *tz, int64_t u) {
  if (tz->ntimes == 0) return tz->has_rule ? S_rule_offset(tz, u) : (tz->ntypes ? tz->utoff[0] : 0);
  if (u < tz->times[0]) return tz->utoff[0];
  if (u >= tz->times[tz->ntimes - 1] && tz->has_rule) return S_rule_offset(tz, u);
  size_t lo = 0, hi = tz->ntimes; /* times[lo] <= u < times[hi] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (tz->times[mid] <= u) lo = mid;
    else hi = mid;
  }
  return tz->utoff[tz->idx[lo]];
}

/* Reads the 64-bit part of a TZif file (version 2+). */
static int S_parse(cc_tz *tz, const unsigned char *p, size_t len) {
  if (len < 44 || memcmp(p, "TZif", 4) || p[4] < '2') return CC_ENOTFOUND;
  /* skip the version 1 block */
  size_t c[6];
  for (int i = 0; i < 6; i++) c[i] = (size_t)S_be(p + 20 + 4 * i, 4);
  size_t v1 = 44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[0] + c[1];
  if (v1 + 44 > len) return CC_ENOTFOUND;
  p += v1;
  len -= v1;
  if (memcmp(p, "TZif", 4)) return CC_ENOTFOUND;
  for (int i = 0; i < 6; i++) c[i] = (size_t)S_be(p + 20 + 4 * i, 4);
  size_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], charcnt = c[5];
  size_t need = 44 + timecnt * 9 + typecnt * 6 + charcnt + leap * 12 + isstd + isut;
  if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || need > len) return CC_ENOTFOUND;
  const unsigned char *q = p + 44;
  tz->times = malloc((timecnt + 1) * sizeof *tz->times);
  tz->idx = malloc(timecnt + 1);
  tz->utoff = malloc(typecnt * sizeof *tz->utoff);
  if (!tz->times || !tz->idx || !tz->utoff) return CC_ENOMEM;
  for (size_t i = 0; i < timecnt; i++) tz->times[i] = S_be(q + 8 * i, 8);
  q += 8 * timecnt;
  for (size_t i = 0; i < timecnt; i++) {
    if (q[i] >= typecnt) return CC_ENOTFOUND;
    tz->idx[i] = q[i];
  }
  q += timecnt;
  for (size_t i = 0; i < typecnt; i++) tz->utoff[i] = (int32_t)S_be(q + 6 * i, 4);
  tz->ntimes = timecnt;
  tz->ntypes = typecnt;
  /* footer: "\n<POSIX TZ>\n" */
  const unsigned char *f = p + need, *end = p + len;
  if (f < end && *f == '\n') {
    const unsigned char *nl = memchr(f + 1, '\n', (size_t)(end - f - 1));
    if (nl) {
      char footer[128];
      size_t n = (size_t)(nl - f - 1);
      if (n >= sizeof footer) return CC_ENOTFOUND;
      memcpy(footer, f + 1, n);
      footer[n] = '\0';
      if (!S_parse_footer(tz, footer)) return CC_ENOTFOUND;
    }
  }
  return CC_OK;
}

int cc_tz_load(cc_tz **out, const char *name) {
  *out = NULL;
  if (!S_name_ok(name)) return CC_ENOTFOUND;
  size_t need = strlen(S_zoneinfo_dir()) + strlen(name) + 2;
  char *path = malloc(need);
  if (!path) return CC_ENOMEM;
  snprintf(path, need, "%s/%s", S_zoneinfo_dir(), name);
  struct stat st;
  char *data = NULL;
  size_t len = 0;
  int rc = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? cc_file_read(&data, &len, path, (size_t)1 << 20) : CC_EIO;
  free(path);
  if (rc) return rc == CC_ENOMEM ? rc : CC_ENOTFOUND;
  cc_tz *tz = calloc(1, sizeof *tz);
  if (!tz || !(tz->name = strdup(name))) {
    free(tz);
    free(data);
    return CC_ENOMEM;
  }
  rc = S_parse(tz, (const unsigned char *)data, len);
  free(data);
  if (rc) {
    cc_tz_free(tz);
    return rc;
  }
  *out = tz;
  return CC_OK;
}

const char *cc_tz_name(const cc_tz *tz) { return tz->name; }

void cc_tz_free(cc_tz *tz) {
  if (!tz) return;
  free(tz->name);
  free(tz->times);
  free(tz->idx);
  free(tz->utoff);
  free(tz);
}
