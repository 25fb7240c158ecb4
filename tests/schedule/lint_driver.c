/* Test driver for the schedule lint (lib/schedule/lint.c): reads lines
 * "EXPR<TAB>ZONE<TAB>NOW" (NOW in seconds since the epoch) from stdin and
 * prints one line for each:
 *
 *   never | at-passed | [skipped WALL] [repeated WALL] [short DAY MONTHS]
 *
 * with WALL as YYYY-MM-DDTHH:MM and MONTHS as a 12-bit mask; "ok" when
 * nothing was found, "error MESSAGE" when the line does not parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/schedule.h"
#include "cc/tz.h"
#include "civil.h"

static void S_wall(char *buf, size_t n, int64_t wall) {
  int64_t day = cc_floor_div(wall, 86400), secs = wall - day * 86400, y;
  int m, d;
  cc_civil_from_days(day, &y, &m, &d);
  snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d", (long long)y, m, d, (int)(secs / 3600), (int)(secs % 3600 / 60));
}

int main(void) {
  char line[1024];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    char *expr = strtok(line, "\t"), *zone = strtok(NULL, "\t"), *now_s = strtok(NULL, "\t");
    if (!expr || !zone || !now_s) {
      puts("error bad line");
      continue;
    }
    int64_t now = strtoll(now_s, NULL, 10);
    cc_sched *s = NULL;
    cc_tz *tz = NULL;
    cc_sched_err err;
    if (cc_sched_parse(&s, expr, &err)) {
      printf("error %s\n", err.msg);
      continue;
    }
    if (cc_tz_load(&tz, zone)) {
      puts("error zone");
      cc_sched_free(s);
      continue;
    }
    cc_tz_change *ch = NULL;
    size_t n = 0;
    cc_sched_insight l;
    if (cc_tz_changes(tz, now, now + CC_SCHED_LINT_HORIZON, &ch, &n) || cc_sched_lint(s, tz, ch, n, now, &l)) {
      puts("error lint");
    } else {
      char out[256] = "", w[32];
      if (l.never) strcat(out, " never");
      if (l.at_passed) strcat(out, " at-passed");
      if (l.skipped) {
        S_wall(w, sizeof w, l.skipped_wall);
        strcat(out, " skipped ");
        strcat(out, w);
      }
      if (l.repeated) {
        S_wall(w, sizeof w, l.repeated_wall);
        strcat(out, " repeated ");
        strcat(out, w);
      }
      if (l.short_day) snprintf(out + strlen(out), sizeof out - strlen(out), " short %d %u", l.short_day, l.short_months);
      puts(*out ? out + 1 : "ok");
    }
    fflush(stdout);
    free(ch);
    cc_tz_free(tz);
    cc_sched_free(s);
  }
  return 0;
}
