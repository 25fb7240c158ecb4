/* dispatch_run.c: resend, claim and advance, send, mark sent. */
#include "dispatch_run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "cc/schedule.h"
#include "cc/tz.h"
#include "dispatch_db.h"
#include "http.h"
#include "log.h"
#include "sqs.h"

#define S_LEASE_SLACK_MS 1000        /* clocks of Lambda and the database */
#define S_NO_DEADLINE_LEASE_MS 900000 /* a run without deadline: 15 minutes */
#define S_ENTRY_ROUNDS 5             /* sends of an entry SQS listed as Failed */

/* The message every send of an execution carries (e is the row). */
#define S_MSG                                                                                  \
  "json_build_object('workflow_id', e.workflow_id, 'execution_id', e.id, 'scheduled_for', "   \
  "CASE WHEN e.scheduled_for = date_trunc('second', e.scheduled_for) "                          \
  "THEN to_char(e.scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "         \
  "ELSE to_char(e.scheduled_for AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') END, " \
  "'payload', e.payload)::text"

static const char S_RESEND[] =
    "UPDATE cloudcron_executions e SET lease_until = to_timestamp($1::float8 / 1000), "
    "attempts = e.attempts + 1 WHERE e.id IN (SELECT id FROM cloudcron_executions "
    "WHERE sent_at IS NULL AND (lease_until IS NULL OR lease_until < now()) "
    "ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
    "RETURNING e.id::text, e.workflow_id, " S_MSG;

static const char S_CLAIM[] =
    "SELECT id, schedule, timezone, next_run_at IS NULL, "
    "floor(extract(epoch FROM now()))::bigint FROM cloudcron_workflows "
    "WHERE enabled AND schedule_error IS NULL "
    "AND COALESCE(next_run_at, '-infinity'::timestamptz) <= LEAST(now(), to_timestamp($2::float8)) "
    "ORDER BY COALESCE(next_run_at, '-infinity'::timestamptz) LIMIT $1 FOR UPDATE SKIP LOCKED";

static const char S_RECORD[] =
    "INSERT INTO cloudcron_executions AS e (workflow_id, scheduled_for, payload, lease_until, "
    "attempts) SELECT id, next_run_at, payload, to_timestamp($2::float8 / 1000), 1 "
    "FROM cloudcron_workflows WHERE id = ANY($1::text[]) "
    "ON CONFLICT ON CONSTRAINT cloudcron_executions_once DO NOTHING "
    "RETURNING e.id::text, e.workflow_id, " S_MSG;

static const char S_ADVANCE[] =
    "UPDATE cloudcron_workflows w SET next_run_at = CASE WHEN u.n IS NULL "
    "THEN 'infinity'::timestamptz ELSE to_timestamp(u.n) END "
    "FROM unnest($1::text[], $2::bigint[]) AS u(id, n) WHERE w.id = u.id";

static const char S_BROKEN[] =
    "UPDATE cloudcron_workflows w SET schedule_error = u.e "
    "FROM unnest($1::text[], $2::text[]) AS u(id, e) WHERE w.id = u.id";

static const char S_SENT[] =
    "UPDATE cloudcron_executions SET sent_at = now(), lease_until = NULL, last_error = NULL "
    "WHERE id = ANY($1::uuid[])";

static const char S_UNSENT[] =
    "UPDATE cloudcron_executions e SET lease_until = NULL, last_error = u.e "
    "FROM unnest($1::uuid[], $2::text[]) AS u(id, e) WHERE e.id = u.id";

/* ---- a small string-keyed table (open addressing) ---------------------- */

typedef struct S_map {
  char **keys;
  void **vals;
  size_t cap, n;
  void (*free_val)(void *);
} S_map;

static int S_map_init(S_map *m, size_t cap, void (*free_val)(void *)) {
  m->keys = calloc(cap, sizeof *m->keys);
  m->vals = calloc(cap, sizeof *m->vals);
  m->cap = cap;
  m->n = 0;
  m->free_val = free_val;
  return m->keys && m->vals ? CC_OK : CC_ENOMEM;
}

static void S_map_free(S_map *m) {
  for (size_t i = 0; m->keys && i < m->cap; i++) {
    if (!m->keys[i]) continue;
    free(m->keys[i]);
    if (m->vals[i]) m->free_val(m->vals[i]);
  }
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* The slot of key: its own, or the empty one it would take. */
static size_t S_map_slot(const S_map *m, const char *key) {
  uint64_t h = 1469598103934665603ull;
  for (const unsigned char *c = (const unsigned char *)key; *c; c++)
    h = (h ^ *c) * 1099511628211ull;
  size_t i = (size_t)(h % m->cap);
  while (m->keys[i] && strcmp(m->keys[i], key) != 0) i = (i + 1) % m->cap;
  return i;
}

/* Stores val under key when there is room (half full at most); returns 1
 * when the map now owns val, 0 when the caller keeps it. */
static int S_map_put(S_map *m, const char *key, void *val) {
  if (2 * (m->n + 1) > m->cap) return 0;
  size_t i = S_map_slot(m, key);
  char *k = strdup(key);
  if (!k) return 0;
  m->keys[i] = k;
  m->vals[i] = val;
  m->n++;
  return 1;
}

struct rt_zone_cache {
  S_map m;
};

static void S_tz_free(void *p) { cc_tz_free(p); }
static void S_sched_free(void *p) { cc_sched_free(p); }

rt_zone_cache *rt_zone_cache_new(void) {
  rt_zone_cache *z = calloc(1, sizeof *z);
  if (z && S_map_init(&z->m, 1024, S_tz_free) != CC_OK) {
    rt_zone_cache_free(z);
    return NULL;
  }
  return z;
}

void rt_zone_cache_free(rt_zone_cache *z) {
  if (!z) return;
  S_map_free(&z->m);
  free(z);
}

/* ---- one run ------------------------------------------------------------ */

typedef struct S_run {
  PGconn *db;
  rt_aws_client *aws;
  const rt_dispatch_cfg *cfg;
  rt_zone_cache *zones;
  long long deadline_ms;
  const char *rid;
  char lease[32];  /* lease_until in epoch ms, as a parameter */
  char cutoff[40]; /* the run's start on the database's clock (epoch s) */
  int queue_down;  /* a whole call failed after its retries: send no more */
  rt_dispatch_counts *counts;
  cc_buf *err;
} S_run;

static void S_log(S_run *r, rt_log_level level, const char *msg, json_t *fields) {
  rt_log(level, r->rid, fields, msg);
  json_decref(fields);
}

static int S_time_left(const S_run *r) {
  return !r->deadline_ms || rt_now_ms() + r->cfg->margin_ms < r->deadline_ms;
}

/* Marks the sent ids sent and records why the others were not. */
static int S_mark(S_run *r, const char **sent, size_t n_sent, const char **unsent,
                  const char **why, size_t n_unsent) {
  cc_buf a = CC_BUF_INIT, b = CC_BUF_INIT;
  int rc = CC_OK;
  if (n_sent) {
    rc = rt_db_array(&a, sent, n_sent);
    const char *p[] = {cc_buf_str(&a)};
    if (rc == CC_OK) rc = rt_db_exec(NULL, r->db, "marking executions sent", S_SENT, 1, p,
                                     r->err);
  }
  if (rc == CC_OK && n_unsent) {
    cc_buf_truncate(&a, 0);
    rc = rt_db_array(&a, unsent, n_unsent);
    if (rc == CC_OK) rc = rt_db_array(&b, why, n_unsent);
    const char *p[] = {cc_buf_str(&a), cc_buf_str(&b)};
    if (rc == CC_OK) rc = rt_db_exec(NULL, r->db, "recording failed sends", S_UNSENT, 2, p,
                                     r->err);
  }
  if (rc == CC_ENOMEM || rc == CC_ETOOBIG) cc_buf_seterr(r->err, "%s", cc_strerror(rc));
  cc_buf_free(&a);
  cc_buf_free(&b);
  return rc;
}

/* Sends entries rows[0..n-1] of res (up to 10) in one call; per row: ok,
 * or why not and whether retrying may help. */
static void S_send_call(S_run *r, PGresult *res, const int *rows, int n, int *ok, int *retry,
                        char (*whys)[256]) {
  rt_sqs_entry e[RT_SQS_BATCH_MAX];
  rt_sqs_result out[RT_SQS_BATCH_MAX];
  cc_buf err = CC_BUF_INIT;
  for (int k = 0; k < n; k++) {
    e[k].body = PQgetvalue(res, rows[k], 2);
    e[k].group_id = r->cfg->fifo ? PQgetvalue(res, rows[k], 1) : NULL;
    e[k].dedup_id = r->cfg->fifo ? PQgetvalue(res, rows[k], 0) : NULL;
  }
  int rc = rt_sqs_send_batch(r->aws, r->cfg->queue_url, e, (size_t)n, out, &err);
  if (rc != CC_OK) {
    /* the call failed after its own retries: the queue is down */
    r->queue_down = 1;
    S_log(r, RT_LOG_ERROR, cc_buf_str(&err), json_pack("{s:i}", "entries", n));
  }
  cc_buf_free(&err);
  for (int k = 0; k < n; k++) {
    int i = rows[k];
    ok[i] = out[k].ok;
    retry[i] = !out[k].ok && !out[k].sender_fault && rc == CC_OK;
    if (!ok[i])
      snprintf(whys[i], 256, "%.120s%s%.120s", out[k].code, out[k].message[0] ? ": " : "",
               out[k].message);
  }
}

/* Sends every row of res (id, workflow_id, message) in calls of 10; the
 * entries SQS lists as Failed, not by the sender's fault, are sent again
 * together, up to S_ENTRY_ROUNDS times, after a backoff. Then marks them
 * (sent, or unsent with why) and adds the sent to *n_ok. */
static int S_send_rows(S_run *r, PGresult *res, long *n_ok) {
  int n = PQntuples(res), rc = CC_OK;
  int *ok = calloc((size_t)n, sizeof *ok), *retry = calloc((size_t)n, sizeof *retry);
  int *todo = calloc((size_t)n, sizeof *todo);
  char(*whys)[256] = calloc((size_t)n, sizeof *whys);
  const char **sent = calloc((size_t)n, sizeof *sent), **unsent = calloc((size_t)n, sizeof *unsent);
  const char **why = calloc((size_t)n, sizeof *why);
  size_t ns = 0, nu = 0;
  *n_ok = 0;
  if (!ok || !retry || !todo || !whys || !sent || !unsent || !why) {
    rc = CC_ENOMEM;
    cc_buf_seterr(r->err, "%s", cc_strerror(rc));
    goto out;
  }
  int nt = n;
  for (int i = 0; i < n; i++) {
    todo[i] = i;
    snprintf(whys[i], 256, "not sent: the queue was failing");
  }
  for (int round = 0; nt > 0 && round < S_ENTRY_ROUNDS && !r->queue_down; round++) {
    if (round > 0) {
      long cap = 50L << round; /* 100, 200, 400, 800 ms */
      rt_sleep_ms((long)((unsigned long)rand() % (unsigned long)(cap + 1)));
      if (!S_time_left(r)) break;
    }
    for (int k = 0; k < nt && !r->queue_down; k += RT_SQS_BATCH_MAX)
      S_send_call(r, res, todo + k, nt - k < RT_SQS_BATCH_MAX ? nt - k : RT_SQS_BATCH_MAX, ok,
                  retry, whys);
    int left = 0;
    for (int k = 0; k < nt; k++)
      if (!ok[todo[k]] && retry[todo[k]]) todo[left++] = todo[k];
    nt = left;
  }
  for (int i = 0; i < n; i++) {
    const char *id = PQgetvalue(res, i, 0);
    if (ok[i]) {
      sent[ns++] = id;
      continue;
    }
    unsent[nu] = id;
    why[nu++] = whys[i];
    S_log(r, RT_LOG_ERROR, "execution not sent; the next run sends it",
          json_pack("{s:s,s:s,s:s}", "execution_id", id, "workflow_id", PQgetvalue(res, i, 1),
                    "error", whys[i]));
  }
  rc = S_mark(r, sent, ns, unsent, why, nu);
  *n_ok = (long)ns;
  r->counts->failed += (long)nu;
out:
  free(ok);
  free(retry);
  free(todo);
  free(whys);
  free(sent);
  free(unsent);
  free(why);
  return rc;
}

/* Step 1: what earlier runs committed and did not send. */
static int S_resend(S_run *r) {
  char lim[16];
  snprintf(lim, sizeof lim, "%d", r->cfg->batch);
  const char *p[] = {r->lease, lim};
  int rc = CC_OK;
  while (rc == CC_OK && !r->queue_down) {
    PGresult *res = NULL;
    if (!S_time_left(r)) {
      r->counts->stopped = 1;
      break;
    }
    rc = rt_db_exec(&res, r->db, "taking unsent executions", S_RESEND, 2, p, r->err);
    int rows = rc == CC_OK ? PQntuples(res) : 0;
    long sent = 0;
    if (rows > 0) rc = S_send_rows(r, res, &sent);
    r->counts->resent += sent;
    PQclear(res);
    if (rows < r->cfg->batch) break;
  }
  return rc;
}

/* Evaluates one claimed row: *next (or *none when the schedule has no fire
 * time left), or CC_EINVAL with why. */
static int S_next(S_run *r, S_map *scheds, const char *expr, const char *zone, int64_t now,
                  int64_t *next, int *none, char *why, size_t whycap) {
  size_t slot = S_map_slot(&r->zones->m, zone);
  cc_tz *tz = r->zones->m.keys[slot] ? r->zones->m.vals[slot] : NULL;
  cc_tz *own_tz = NULL;
  cc_sched *own_s = NULL;
  int rc = CC_OK;
  *none = 0;
  if (!r->zones->m.keys[slot]) {
    rc = cc_tz_load(&own_tz, zone);
    if (rc == CC_ENOMEM) return rc;
    /* a zone that does not exist is remembered too (as NULL) */
    if (S_map_put(&r->zones->m, zone, own_tz)) {
      tz = own_tz;
      own_tz = NULL;
    } else {
      tz = own_tz;
    }
  }
  if (!tz) {
    snprintf(why, whycap, "timezone \"%s\" is not an IANA time zone", zone);
    rc = CC_EINVAL;
    goto out;
  }
  size_t ss = S_map_slot(scheds, expr);
  cc_sched *s = scheds->keys[ss] ? scheds->vals[ss] : NULL;
  if (!scheds->keys[ss]) {
    cc_sched_err se;
    rc = cc_sched_parse(&own_s, expr, &se);
    if (rc == CC_ENOMEM) goto out;
    if (rc != CC_OK) snprintf(why, whycap, "schedule, column %d: %s", se.col, se.msg);
    if (S_map_put(scheds, expr, own_s)) own_s = NULL;
    s = rc == CC_OK ? (own_s ? own_s : scheds->vals[ss]) : NULL;
  } else if (!s) {
    cc_sched_err se;
    (void)cc_sched_parse(&own_s, expr, &se);
    snprintf(why, whycap, "schedule, column %d: %s", se.col, se.msg);
    cc_sched_free(own_s);
    own_s = NULL;
  }
  if (!s) {
    rc = CC_EINVAL;
    goto out;
  }
  rc = cc_sched_next(s, tz, now, next);
  if (rc == CC_ENOTFOUND) {
    *none = 1;
    rc = CC_OK;
  }
out:
  cc_sched_free(own_s);
  cc_tz_free(own_tz);
  return rc;
}

/* Runs one statement with two arrays; skipped when n is 0. */
static int S_exec_arrays(S_run *r, const char *what, const char *sql, const char **a,
                         const char **b, size_t n) {
  cc_buf x = CC_BUF_INIT, y = CC_BUF_INIT;
  int rc = CC_OK;
  if (n) {
    rc = rt_db_array(&x, a, n);
    if (rc == CC_OK) rc = rt_db_array(&y, b, n);
    const char *p[] = {cc_buf_str(&x), cc_buf_str(&y)};
    if (rc == CC_OK) rc = rt_db_exec(NULL, r->db, what, sql, 2, p, r->err);
    else cc_buf_seterr(r->err, "%s", cc_strerror(rc));
  }
  cc_buf_free(&x);
  cc_buf_free(&y);
  return rc;
}

/* Step 2 for one transaction; *recorded gets the executions to send (NULL
 * when none), *rows how many workflows were claimed. */
static int S_claim(S_run *r, PGresult **recorded, int *rows) {
  char lim[16];
  PGresult *due = NULL;
  S_map scheds = {0};
  const char **fire = NULL, **adv_id = NULL, **adv_n = NULL, **bad_id = NULL, **bad_why = NULL;
  char (*nums)[24] = NULL, (*whys)[256] = NULL;
  size_t nf = 0, na = 0, nb = 0;
  int rc;
  *recorded = NULL;
  *rows = 0;
  snprintf(lim, sizeof lim, "%d", r->cfg->batch);
  const char *p[] = {lim, r->cutoff};
  rc = rt_db_exec(NULL, r->db, "BEGIN", "BEGIN", 0, NULL, r->err);
  if (rc == CC_OK)
    rc = rt_db_exec(&due, r->db, "claiming due workflows", S_CLAIM, 2, p, r->err);
  if (rc != CC_OK) goto out;
  int n = *rows = PQntuples(due);
  if (n == 0) goto commit;
  fire = calloc((size_t)n, sizeof *fire);
  adv_id = calloc((size_t)n, sizeof *adv_id);
  adv_n = calloc((size_t)n, sizeof *adv_n);
  bad_id = calloc((size_t)n, sizeof *bad_id);
  bad_why = calloc((size_t)n, sizeof *bad_why);
  nums = calloc((size_t)n, sizeof *nums);
  whys = calloc((size_t)n, sizeof *whys);
  if (!fire || !adv_id || !adv_n || !bad_id || !bad_why || !nums || !whys ||
      S_map_init(&scheds, 2 * (size_t)n + 16, S_sched_free) != CC_OK) {
    rc = CC_ENOMEM;
    cc_buf_seterr(r->err, "%s", cc_strerror(rc));
    goto out;
  }
  for (int i = 0; i < n; i++) {
    const char *id = PQgetvalue(due, i, 0);
    int64_t next = 0, now = strtoll(PQgetvalue(due, i, 4), NULL, 10);
    int none = 0, is_new = PQgetvalue(due, i, 3)[0] == 't';
    int erc = S_next(r, &scheds, PQgetvalue(due, i, 1), PQgetvalue(due, i, 2), now, &next, &none,
                     whys[i], sizeof whys[i]);
    if (erc == CC_ENOMEM) {
      rc = erc;
      cc_buf_seterr(r->err, "%s", cc_strerror(rc));
      goto out;
    }
    if (erc != CC_OK) {
      bad_id[nb] = id;
      bad_why[nb++] = whys[i];
      r->counts->failed++;
      S_log(r, RT_LOG_ERROR, "workflow skipped until its schedule is fixed",
            json_pack("{s:s,s:s,s:s,s:s}", "workflow_id", id, "schedule", PQgetvalue(due, i, 1),
                      "timezone", PQgetvalue(due, i, 2), "error", whys[i]));
      continue;
    }
    if (is_new)
      r->counts->initialized++;
    else
      fire[nf++] = id;
    snprintf(nums[i], sizeof nums[i], "%lld", (long long)next);
    adv_id[na] = id;
    adv_n[na++] = none ? NULL : nums[i];
  }
  if (nf) {
    cc_buf a = CC_BUF_INIT;
    rc = rt_db_array(&a, fire, nf);
    const char *q[] = {cc_buf_str(&a), r->lease};
    if (rc == CC_OK)
      rc = rt_db_exec(recorded, r->db, "recording executions", S_RECORD, 2, q, r->err);
    else
      cc_buf_seterr(r->err, "%s", cc_strerror(rc));
    cc_buf_free(&a);
    if (rc != CC_OK) goto out;
    if ((size_t)PQntuples(*recorded) < nf)
      S_log(r, RT_LOG_WARN, "some due workflows already had an execution for that time",
            json_pack("{s:i}", "skipped", (int)(nf - (size_t)PQntuples(*recorded))));
  }
  rc = S_exec_arrays(r, "advancing next_run_at", S_ADVANCE, adv_id, adv_n, na);
  if (rc == CC_OK) rc = S_exec_arrays(r, "recording schedule errors", S_BROKEN, bad_id, bad_why, nb);
  if (rc != CC_OK) goto out;
commit:
  rc = rt_db_exec(NULL, r->db, "COMMIT", "COMMIT", 0, NULL, r->err);
out:
  if (rc != CC_OK) {
    PQclear(PQexec(r->db, "ROLLBACK"));
    PQclear(*recorded);
    *recorded = NULL;
  }
  PQclear(due);
  S_map_free(&scheds);
  free(fire);
  free(adv_id);
  free(adv_n);
  free(bad_id);
  free(bad_why);
  free(nums);
  free(whys);
  return rc;
}

int rt_dispatch_run(rt_dispatch_counts *out, PGconn *db, rt_aws_client *aws,
                    const rt_dispatch_cfg *cfg, rt_zone_cache *zones, long long deadline_ms,
                    const char *request_id, cc_buf *err) {
  S_run r = {.db = db, .aws = aws, .cfg = cfg, .zones = zones, .deadline_ms = deadline_ms,
             .rid = request_id, .counts = out, .err = err};
  int rc;
  memset(out, 0, sizeof *out);
  cc_buf_truncate(err, 0);
  long long lease = deadline_ms ? deadline_ms + S_LEASE_SLACK_MS
                                : rt_now_ms() + S_NO_DEADLINE_LEASE_MS;
  snprintf(r.lease, sizeof r.lease, "%lld", lease);
  /* SQS retries end where the run stops starting batches */
  aws->retry.deadline_ms = deadline_ms ? deadline_ms - cfg->margin_ms / 2 : 0;
  /* what falls due while this run works is the next run's: a run never
   * fires a workflow twice, however fast its schedule */
  PGresult *t = NULL;
  rc = rt_db_exec(&t, db, "reading the clock", "SELECT extract(epoch FROM clock_timestamp())",
                  0, NULL, err);
  if (rc == CC_OK) snprintf(r.cutoff, sizeof r.cutoff, "%s", PQgetvalue(t, 0, 0));
  PQclear(t);
  if (rc == CC_OK) rc = S_resend(&r);
  while (rc == CC_OK && !r.queue_down) {
    PGresult *recorded = NULL;
    int rows = 0;
    long sent = 0;
    if (!S_time_left(&r)) {
      out->stopped = 1;
      break;
    }
    rc = S_claim(&r, &recorded, &rows);
    if (rc == CC_OK && recorded) rc = S_send_rows(&r, recorded, &sent);
    out->dispatched += sent;
    PQclear(recorded);
    if (rows < cfg->batch) break;
  }
  if (r.queue_down && rc == CC_OK)
    S_log(&r, RT_LOG_ERROR, "the queue failed: no more workflows taken in this run; the "
                            "executions recorded are sent by the next", NULL);
  return rc;
}
