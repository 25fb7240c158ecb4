/* dispatch_run.h: one dispatch over the database and the queue (rt_
 * internal API; schemas/dispatcher.sql has the tables).
 *
 * A run, until nothing is left or the deadline nears:
 *   1. resend: executions committed but not sent whose lease has passed
 *      (an earlier run crashed or its send failed) are leased to this run
 *      (lease_until = its deadline, attempts + 1) and sent;
 *   2. claim, in transactions of cfg->batch workflows: the due rows
 *      (enabled, no schedule_error, next_run_at NULL or no later than the
 *      run's start, so a run never fires a workflow twice) FOR UPDATE SKIP
 *      LOCKED, so concurrent runs take disjoint rows; each due
 *      row gets one execution for its next_run_at (unique per workflow and
 *      time) and next_run_at becomes its schedule's first fire time after
 *      the transaction's now() in its zone (lib/schedule: missed runs are
 *      not back-filled); a NULL next_run_at is computed without firing; a
 *      row whose schedule or zone does not evaluate gets schedule_error and
 *      fails alone; then COMMIT;
 *   3. send the committed executions with SendMessageBatch (FIFO: group id
 *      the workflow id, dedup id the execution id), failed entries and
 *      throttling retried, and mark them sent; what still fails is left
 *      unsent (last_error, lease cleared) for the next run.
 * A crash at any point loses nothing: an execution is either not
 * committed (its workflow is still due) or committed and sent by step 1 of
 * a later run once its lease (the crashed invocation's deadline) passes. */
#ifndef RT_DISPATCH_RUN_H
#define RT_DISPATCH_RUN_H
#include <libpq-fe.h>

#include "calls.h"

typedef struct rt_dispatch_cfg {
  const char *queue_url; /* borrowed */
  int fifo;              /* the queue is FIFO (its URL ends in .fifo) */
  int batch;             /* workflows per claim transaction, 1 to 1000 */
  long long margin_ms;   /* no batch starts this close to the deadline */
} rt_dispatch_cfg;

typedef struct rt_dispatch_counts {
  long dispatched;  /* executions recorded by this run and sent */
  long resent;      /* executions of earlier runs sent by this one */
  long failed;      /* rows whose schedule failed + executions left unsent */
  long initialized; /* NULL next_run_at computed without firing */
  int stopped;      /* the deadline stopped the run with work maybe left */
} rt_dispatch_counts;

typedef struct rt_zone_cache rt_zone_cache;
/* Loaded time zones, kept across runs; NULL on ENOMEM. */
rt_zone_cache *rt_zone_cache_new(void);
void rt_zone_cache_free(rt_zone_cache *z);

/* Runs one dispatch. deadline_ms is the invocation's (epoch ms; 0: none,
 * then leases last 15 minutes). request_id tags the log lines. Returns
 * CC_OK with *out filled, or the code of a database failure (err says
 * which statement and the server's message; what was committed stays and
 * *out holds the counts so far). aws's retry deadline is set here. */
int rt_dispatch_run(rt_dispatch_counts *out, PGconn *db, rt_aws_client *aws,
                    const rt_dispatch_cfg *cfg, rt_zone_cache *zones, long long deadline_ms,
                    const char *request_id, cc_buf *err);
#endif
