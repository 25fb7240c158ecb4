/* reconcile_pool.h: bounded concurrency for the reconciler's calls (rc_
 * API of cloudcron-reconcile). */
#ifndef RC_POOL_H
#define RC_POOL_H
#include <stddef.h>

#include "calls.h"

/* One job: job i with a client of the worker's own. Its result is the
 * job's business (kept in user); the pool only runs it. */
typedef void (*rc_job_fn)(void *user, size_t i, rt_aws_client *c);

/* Runs fn for i in [0, n) on at most workers threads (1-64), each with a
 * copy of proto and a libcurl transport of its own (so connections are
 * reused within a worker and never shared). Returns CC_OK once every job
 * ran, or CC_ENOMEM / CC_ERR when no worker could be started (then no job
 * ran). */
int rc_pool_run(size_t n, int workers, const rt_aws_client *proto, rc_job_fn fn, void *user);
#endif
