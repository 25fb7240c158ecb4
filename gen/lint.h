/* gen/lint.h: schedule insight for a spec's tasks, as warnings and errors.
 *
 * Warnings (each kind silenced per task by listing it in the task's
 * `ignore_warnings`):
 *   dst-skipped   a run falls in a wall time daylight saving skips, within
 *                 the next two years
 *   dst-repeated  a run falls in a repeated hour (it fires once), for
 *                 schedules that do not fire every hour
 *   at-passed     an at() whose time has passed
 *   short-months  a day-of-month of 29-31 (without L) that some chosen
 *                 months lack, so they see no run
 * A disabled task (`enabled: false`) gets none of them.
 * Errors: a cron() or at() that can never fire.
 *
 * "Now" is the clock, or $CLOUDCRON_NOW (YYYY-MM-DDTHH:MM:SSZ) for tests and
 * reproducible output. */
#ifndef GEN_LINT_H
#define GEN_LINT_H

#include <stddef.h>
#include <stdint.h>

#include "cc/diag.h"
#include "spec.h"

/* Lints every task of SPEC whose schedule and zone are valid, adding
 * warnings and errors to D (also errors for unknown `ignore_warnings`
 * entries and a malformed $CLOUDCRON_NOW). Returns CC_OK, CC_EINVAL when it
 * added an error, or CC_ENOMEM. */
int gen_lint(const gen_spec *spec, cc_diags *d);

/* Turns every warning in D into an error (--werror); returns how many. */
size_t gen_lint_werror(cc_diags *d);

/* The current time for the lint: $CLOUDCRON_NOW when set, else the clock.
 * Returns CC_OK, or CC_EINVAL when $CLOUDCRON_NOW is malformed. */
int gen_lint_now(int64_t *now);

#endif
