/* cloudcron next: when a schedule fires. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cc/diag.h"
#include "cc/err.h"
#include "cc/schedule.h"
#include "cc/suggest.h"
#include "cc/tz.h"
#include "cli.h"
#include "spec.h"

static const char S_help[] =
    "usage: cloudcron next EXPR [--tz ZONE] [--after TIME] [-n N]\n"
    "       cloudcron next SPEC [TASK] [--after TIME] [-n N]\n"
    "\n"
    "Prints the next N (default 5) fire times of a schedule expression\n"
    "(cron(...), rate(...) or at(...)) in ZONE (default UTC), or of each task\n"
    "of a spec in its own zone, one RFC 3339 time per line with the zone's\n"
    "offset, with EventBridge Scheduler's rules: a wall time that does not\n"
    "exist (spring forward) is skipped; one that happens twice (fall back)\n"
    "fires once, at its first occurrence. rate() counts from TIME.\n"
    "\n"
    "  --tz ZONE     an IANA zone, like Europe/Rome (EXPR only)\n"
    "  --after TIME  start after this RFC 3339 time (default: now)\n"
    "  -n N          how many times to print (1-10000)\n"
    "\n"
    "Exit status: 0 success, 1 an invalid expression, zone or spec, 2 usage.\n";

/* Parses YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM) into seconds since the epoch. */
static int S_parse_rfc3339(const char *s, int64_t *out) {
  int y, mo, d, h, mi, se, n = 0;
  if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19) return 0;
  const char *p = s + 19;
  if (*p == '.')
    for (p++; *p >= '0' && *p <= '9'; p++) {
    }
  int off = 0;
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    int oh, om, k = 0;
    if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5 || oh > 23 || om > 59) return 0;
    off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    p += 6;
  } else {
    return 0;
  }
  if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return 0;
  /* Days from civil, as lib/schedule does (not the C library's zone state). */
  int64_t yy = y - (mo <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
  *out = days * 86400 + h * 3600 + mi * 60 + se - off;
  return 1;
}

static void S_print_time(int64_t u, const cc_tz *tz, const char *indent) {
  int32_t off = cc_tz_offset(tz, u);
  time_t local = (time_t)(u + off);
  struct tm tm;
  gmtime_r(&local, &tm);
  int a = off < 0 ? -off : off;
  printf("%s%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d\n", indent, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
         tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
}

/* Prints up to N fire times of S after AFTER. */
static void S_list(const cc_sched *s, const cc_tz *tz, int64_t after, long n, const char *indent) {
  for (long i = 0; i < n; i++) {
    int64_t next;
    if (cc_sched_next(s, tz, after, &next)) {
      if (i == 0) printf("%s(no fire time after this)\n", indent);
      return;
    }
    S_print_time(next, tz, indent);
    after = next;
  }
}

static int S_is_expression(const char *s) {
  return !strncmp(s, "cron(", 5) || !strncmp(s, "rate(", 5) || !strncmp(s, "at(", 3);
}

/* Whether S, which names no file, looks like a file name (a folder part or
 * a spec's extension) rather than an attempt at a schedule. */
static int S_looks_like_file(const char *s) {
  size_t n = strlen(s);
  static const char *const ext[] = {".yaml", ".yml", ".json"};
  if (strchr(s, '/')) return 1;
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t e = strlen(ext[i]);
    if (n > e && !strcmp(s + n - e, ext[i])) return 1;
  }
  return 0;
}

static int S_expression(const char *expr, const char *zone, int64_t after, long n) {
  cc_diags d;
  cc_diags_init(&d);
  cc_sched *s = NULL;
  cc_tz *tz = NULL;
  cc_sched_err err;
  int status = GEN_EXIT_OK;
  int rc = cc_sched_parse(&s, expr, &err);
  if (rc == CC_EINVAL) {
    cc_diags_source(&d, "<expression>", expr, strlen(expr));
    cc_diags_error(&d, "<expression>", 1, err.col, "%s", err.msg);
  } else if (rc) {
    cc_diags_error(&d, "cloudcron next", 0, 0, "%s", cc_strerror(rc));
  }
  rc = cc_tz_load(&tz, zone);
  if (rc) cc_diags_error(&d, "cloudcron next", 0, 0, "`%s` is not an IANA time zone name (like Europe/Rome or UTC)", zone);
  if (d.nerrors) {
    cc_diags_print(&d, stderr);
    status = GEN_EXIT_FAIL;
  } else {
    S_list(s, tz, after, n, "");
  }
  cc_sched_free(s);
  cc_tz_free(tz);
  cc_diags_free(&d);
  return status;
}

static int S_spec(const char *path, const char *task, int64_t after, long n) {
  cc_diags d;
  cc_diags_init(&d);
  gen_spec *spec = NULL;
  int status = GEN_EXIT_OK;
  if (gen_spec_load(&spec, path, &d)) {
    cc_diags_sort(&d);
    cc_diags_print(&d, stderr);
    cc_diags_free(&d);
    return GEN_EXIT_FAIL;
  }
  if (task && !gen_spec_task(spec, task)) {
    const char **keys = calloc(spec->ntasks + 1, sizeof *keys);
    for (size_t i = 0; keys && i < spec->ntasks; i++) keys[i] = spec->tasks[i].key;
    const char *near = keys ? cc_suggest(task, keys, spec->ntasks) : NULL;
    fprintf(stderr, "cloudcron next: %s has no task `%s`%s%s%s\n", path, task, near ? "; did you mean `" : "",
            near ? near : "", near ? "`?" : "");
    free(keys);
    status = GEN_EXIT_FAIL;
  }
  for (size_t i = 0; !status && i < spec->ntasks; i++) {
    const gen_task *t = &spec->tasks[i];
    if (task && strcmp(task, t->key)) continue;
    if (!t->schedule) { /* a schedule group's target: its schedules are made at run time */
      printf("%s: no schedule of its own (a schedule group's target)\n", t->key);
      continue;
    }
    cc_sched *s = NULL;
    cc_tz *tz = NULL;
    cc_sched_err err;
    if (cc_sched_parse(&s, t->schedule, &err) || cc_tz_load(&tz, t->timezone)) {
      status = GEN_EXIT_FAIL; /* validated above, so only out of memory */
    } else {
      printf("%s: %s in %s%s\n", t->key, t->schedule, t->timezone, t->enabled ? "" : " (disabled)");
      S_list(s, tz, after, n, "  ");
    }
    cc_sched_free(s);
    cc_tz_free(tz);
  }
  gen_spec_free(spec);
  cc_diags_free(&d);
  return status;
}

int gen_cmd_next(int argc, char **argv) {
  const char *target = NULL, *task = NULL, *zone = NULL;
  int64_t after = (int64_t)time(NULL);
  long n = 5;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (gen_is_help(a)) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    } else if (!strcmp(a, "--tz") || !strcmp(a, "--after") || !strcmp(a, "-n")) {
      if (++i == argc) return gen_usage_error("next", "%s needs a value", a);
      if (!strcmp(a, "--tz")) {
        zone = argv[i];
      } else if (!strcmp(a, "--after")) {
        if (!S_parse_rfc3339(argv[i], &after))
          return gen_usage_error("next", "--after takes an RFC 3339 time like 2025-03-10T02:30:00Z, not '%s'", argv[i]);
      } else {
        char *end;
        n = strtol(argv[i], &end, 10);
        if (*end || n < 1 || n > 10000) return gen_usage_error("next", "-n takes a number from 1 to 10000");
      }
    } else if (a[0] == '-' && a[1]) {
      return gen_usage_error("next", "unknown option '%s'", a);
    } else if (!target) {
      target = a;
    } else if (!task && !S_is_expression(target)) {
      task = a;
    } else {
      return gen_usage_error("next", "unexpected argument '%s'", a);
    }
  }
  if (!target) return gen_usage_error("next", "missing EXPR or SPEC");
  if (S_is_expression(target)) return S_expression(target, zone ? zone : "UTC", after, n);
  if (zone) return gen_usage_error("next", "--tz applies to an expression; a spec's tasks have their own zones");
  struct stat st;
  if (stat(target, &st) != 0 && errno == ENOENT && !S_looks_like_file(target)) {
    fprintf(stderr,
            "cloudcron next: `%s` is neither a spec file nor a schedule expression: a schedule is cron(...), "
            "rate(...) or at(...), like 'cron(0 0 * * ? *)' (EventBridge's six fields for crontab's `0 0 * * *`), "
            "'rate(1 hour)' or 'at(2030-01-01T09:00:00)'\n",
            target);
    return GEN_EXIT_FAIL;
  }
  return S_spec(target, task, after, n);
}
