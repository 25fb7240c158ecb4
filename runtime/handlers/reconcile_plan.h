/* reconcile_plan.h: what the reconciler changes (rc_ API of
 * cloudcron-reconcile): the diff of the desired state (reconcile_config.h)
 * against the group's managed schedules, computed in memory. */
#ifndef RC_PLAN_H
#define RC_PLAN_H
#include <stddef.h>

#include <jansson.h>

#include "reconcile_config.h"

typedef enum rc_kind {
  RC_CREATE,
  RC_UPDATE,
  RC_DELETE,
  RC_UNCHANGED,
  RC_FAILED,
  RC_KINDS
} rc_kind;

typedef struct rc_action {
  rc_kind kind;
  const char *name;   /* borrowed (config or current) */
  const json_t *def;  /* create, update: the desired definition (borrowed) */
  const json_t *got;  /* update, unchanged: the schedule as it is (borrowed; may be NULL) */
  const char *why;    /* update: what differs; failed: the reason (borrowed);
                         unchanged: "expired" for an at() that has passed */
  int rc;             /* once applied (reconcile.c): the call's code */
  char *error;        /* once applied: owned, the failed call's message */
} rc_action;

typedef struct rc_plan {
  rc_action *a; /* owned: creates, updates, unchanged and failed in config
                   order, then deletes in name order */
  size_t n;
} rc_plan;

/* Diffs cfg against current, an object of the group's managed schedules
 * by name: each a GetSchedule answer, or a string saying why it could not
 * be read (such an entry fails; such a schedule is still deleted when no
 * entry names it). An invalid entry fails and its schedule stays as it
 * is; an at() that has passed is unchanged (never created again). Every
 * pointer in the plan borrows from cfg and current, which must outlive it.
 * CC_OK or CC_ENOMEM. */
int rc_plan_make(rc_plan *out, const rc_config *cfg, const json_t *current);
void rc_plan_free(rc_plan *p);

/* The counts by kind; once applied, a failed call counts as failed. */
void rc_plan_counts(const rc_plan *p, size_t counts[RC_KINDS]);
/* {"created", "updated", "deleted", "unchanged", "failed"} (a new reference). */
json_t *rc_plan_result(const rc_plan *p);
#endif
