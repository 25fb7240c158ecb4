/* gen/crontab.h: a Vixie/cronie user crontab, read into schedules that
 * EventBridge Scheduler fires at the same times (`cloudcron import crontab`).
 *
 * Lines are five fields and a command; `@hourly`, `@daily`, `@midnight`,
 * `@weekly`, `@monthly`, `@yearly`, `@annually`; `CRON_TZ=ZONE` sets the
 * zone of the lines after it; `SHELL=` and `PATH=` lines are skipped (and
 * listed); other `NAME=value` lines set the environment of the lines after
 * them; blank lines and lines starting with `#` are
 * skipped. Fields take numbers, names (JAN-DEC, SUN-SAT), `*`, ranges,
 * lists and steps; day-of-week 0-7, with 0 and 7 Sunday. As in cron, when
 * day-of-month and day-of-week are both restricted (neither starts with
 * `*`) a day matches when either does: such a line becomes two schedules.
 *
 * Errors (FILE:LINE:COL): @reboot, a leading `-` (no syslog), an unescaped
 * `%` in a command (cron's standard input), malformed fields, names and
 * values the spec would reject (reserved or secret-looking variables, an
 * unknown zone), and day rules EventBridge cannot express. */
#ifndef GEN_CRONTAB_H
#define GEN_CRONTAB_H

#include <stddef.h>

#include "cc/diag.h"

typedef struct gen_crontab_env {
  const char *name, *value;
} gen_crontab_env;

typedef struct gen_crontab_entry {
  int line;                   /* 1-based */
  const char *text;           /* the source line, without its line end */
  const char *expr;           /* cron(...), day-of-month form when split */
  const char *expr_dow;       /* the day-of-week schedule of a split line; NULL */
  const char *command;        /* `\%` unescaped to `%` */
  const char *zone;           /* CRON_TZ in effect; NULL: the default */
  const gen_crontab_env *env; /* the variables in effect, by first definition */
  size_t nenv;
} gen_crontab_entry;

/* A SHELL= or PATH= line: not copied into any env, as the task's image
 * decides the shell and the PATH its command runs with. */
typedef struct gen_crontab_skipped {
  int line;         /* 1-based */
  const char *text; /* the source line, without its line end */
} gen_crontab_skipped;

typedef struct gen_crontab {
  gen_crontab_entry *entries;
  size_t n;
  gen_crontab_skipped *skipped; /* in line order */
  size_t nskipped;
  struct cc_arena *arena; /* owns everything above */
} gen_crontab;

/* Reads TEXT (LEN bytes) of crontab FILE into *OUT, adding errors and
 * warnings (a split line) to D. Returns CC_OK; CC_EINVAL when it added an
 * error (the entries are then incomplete); CC_ENOMEM. Free *OUT with
 * gen_crontab_free in every case. */
int gen_crontab_parse(gen_crontab *out, const char *file, const char *text, size_t len, cc_diags *d);

void gen_crontab_free(gen_crontab *c);

#endif
