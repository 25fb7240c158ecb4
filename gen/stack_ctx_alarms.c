/* gen/stack_ctx_alarms.c: the stack's CloudWatch alarms (spec `alarms:`),
 * as the `alarms` list of the stack's context (gen/stack_ctx.h); laid out
 * by templates/stack/alarms.tf.
 *
 * With `alarms: {topic: KEY}` every alarm publishes to that standard topic:
 *   <function>-errors       a task's or a channel's function failed (Lambda
 *                           Errors, Sum > 0 over 5 minutes)
 *   <function>-throttles    a task's function was throttled (Throttles)
 *   <function>-missed-run   an enabled rate() task had no invocation in two
 *                           consecutive periods of its rate (Invocations,
 *                           missing data breaching); rates of 60 s to 12 h
 *   <queue>                 a message waits in a task's or a channel's
 *                           dead-letter queue (ApproximateNumberOfMessagesVisible
 *                           > 0); the alarm is named after the queue
 * The same for the functions cloudcron runs itself: a reconciler's and a
 * dispatcher's errors and missed runs, and the dead-letter queues of
 * schedule groups and of the dispatchers' requests queues.
 *
 * Each alarm: {id (the resource's name), name, description, namespace,
 * metric, statistic, period, periods, threshold, comparison, missing,
 * dimension_name, and dimension (a string) or dimension_ref (an HCL
 * expression)}. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "hcl.h"
#include "stack_ctx.h"

long gen_rate_seconds(const char *expr) {
  long n;
  char unit[16];
  if (sscanf(expr, "rate(%ld %15[a-z])", &n, unit) != 2 || n <= 0) return 0;
  if (!strncmp(unit, "minute", 6)) return n * 60;
  if (!strncmp(unit, "hour", 4)) return n * 3600;
  if (!strncmp(unit, "day", 3)) return n * 86400;
  return 0;
}

/* Whether a missed-run alarm fits PERIOD: CloudWatch evaluates two periods
 * of 60 s to 12 h. */
static bool S_missed_run_period(long period) { return period >= 60 && period <= 43200; }

typedef struct S_alarm {
  const char *ident_prefix, *key, *suffix; /* resource name: <prefix><key>_<suffix> */
  const char *name, *description;
  const char *ns, *metric, *statistic;
  const char *dim_name, *dim, *dim_ref; /* the dimension: a string or an HCL expression */
  long period;
  int periods;
  const char *comparison;
  int threshold;
  const char *missing;
} S_alarm;

typedef struct S_a {
  json_t *list;
  int rc;
  cc_buf id, name, desc;
} S_a;

static void S_set(S_a *a, json_t *o, const char *k, json_t *v) {
  if ((!v || json_object_set_new(o, k, v)) && !a->rc) a->rc = CC_ENOMEM;
}

static void S_add(S_a *a, const S_alarm *x) {
  json_t *o = json_object();
  cc_buf_truncate(&a->id, 0);
  if (gen_hcl_ident(&a->id, x->ident_prefix, x->key) || cc_buf_printf(&a->id, "_%s", x->suffix)) a->rc = CC_ENOMEM;
  S_set(a, o, "id", json_string(cc_buf_str(&a->id)));
  S_set(a, o, "name", json_string(x->name));
  S_set(a, o, "description", json_string(x->description));
  S_set(a, o, "namespace", json_string(x->ns));
  S_set(a, o, "metric", json_string(x->metric));
  S_set(a, o, "statistic", json_string(x->statistic));
  S_set(a, o, "period", json_integer(x->period));
  S_set(a, o, "periods", json_integer(x->periods));
  S_set(a, o, "threshold", json_integer(x->threshold));
  S_set(a, o, "comparison", json_string(x->comparison));
  S_set(a, o, "missing", json_string(x->missing));
  S_set(a, o, "dimension_name", json_string(x->dim_name));
  S_set(a, o, "dimension", x->dim ? json_string(x->dim) : json_null());
  S_set(a, o, "dimension_ref", x->dim_ref ? json_string(x->dim_ref) : json_null());
  if ((!o || json_array_append_new(a->list, o)) && !a->rc) a->rc = CC_ENOMEM;
}

/* printf into SCRATCH; its text (or "" after a failure, which A records). */
static const char *S_fmt(S_a *a, cc_buf *scratch, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static const char *S_fmt(S_a *a, cc_buf *scratch, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_buf_truncate(scratch, 0);
  int rc = cc_buf_vprintf(scratch, fmt, ap);
  va_end(ap);
  if (rc && !a->rc) a->rc = rc;
  return cc_buf_str(scratch);
}

/* A message waits in dead-letter queue QUEUE (the alarm is named after
 * it); DESC_FMT has one %s, the owner's KEY. */
static void S_dlq_alarm(S_a *a, const char *prefix, const char *key, const char *queue, const char *desc_fmt) {
  S_alarm q = {prefix, key, "dead_letter", queue, NULL, "AWS/SQS", "ApproximateNumberOfMessagesVisible",
               "Maximum", "QueueName", queue, NULL, 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
  q.description = S_fmt(a, &a->desc, desc_fmt, key);
  S_add(a, &q);
}

/* The missed run of an enabled rate() SCHEDULE of 60 s to 12 h, from the
 * errors alarm X. */
static void S_missed_run(S_a *a, S_alarm x, const char *fn, const char *what, const char *key,
                         const char *schedule) {
  long period = schedule ? gen_rate_seconds(schedule) : 0; /* a group's target has none */
  if (!S_missed_run_period(period)) return;
  x.suffix = "missed_run";
  x.metric = "Invocations";
  x.period = period;
  x.periods = 2;
  x.comparison = "LessThanThreshold";
  x.threshold = 1;
  x.missing = "breaching";
  x.name = S_fmt(a, &a->name, "%s-missed-run", fn);
  x.description = S_fmt(a, &a->desc, "%s %s: no run in two periods of its schedule, %s.", what, key, schedule);
  S_add(a, &x);
}

/* Errors of function FN (WHAT KEY) and its missed runs. */
static void S_function_alarms(S_a *a, const char *prefix, const char *key, const char *what, const char *fn,
                              const char *schedule) {
  S_alarm x = {prefix, key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
               fn, NULL, 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
  x.name = S_fmt(a, &a->name, "%s-errors", fn);
  x.description = S_fmt(a, &a->desc, "%s %s: a run failed (Lambda Errors in 5 minutes).", what, key);
  S_add(a, &x);
  S_missed_run(a, x, fn, what, key, schedule);
}

int gen_stack_ctx_alarms(json_t *list, const gen_spec *s) {
  if (!s->alarm_topic) return CC_OK;
  S_a a = {.list = list, .id = CC_BUF_INIT, .name = CC_BUF_INIT, .desc = CC_BUF_INIT};
  cc_buf ref = CC_BUF_INIT, mod = CC_BUF_INIT;
  for (size_t i = 0; i < s->ntasks && !a.rc; i++) {
    const gen_task *t = &s->tasks[i];
    cc_buf_truncate(&mod, 0);
    if (gen_hcl_ident(&mod, "task_", t->key)) a.rc = CC_ENOMEM;
    const char *dim = S_fmt(&a, &ref, "module.%s.function_name", cc_buf_str(&mod));
    S_alarm x = {"task_", t->key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
                 NULL, dim, 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
    x.name = S_fmt(&a, &a.name, "%s-errors", t->function_name);
    x.description = S_fmt(&a, &a.desc, "Task %s: a run failed in the function (Lambda Errors in 5 minutes).", t->key);
    S_add(&a, &x);
    x.suffix = "throttles";
    x.metric = "Throttles";
    x.name = S_fmt(&a, &a.name, "%s-throttles", t->function_name);
    x.description = S_fmt(&a, &a.desc, "Task %s: Lambda throttled a run (Throttles in 5 minutes).", t->key);
    S_add(&a, &x);
    if (t->enabled) S_missed_run(&a, x, t->function_name, "Task", t->key, t->schedule);
    if (t->dead_letter)
      S_dlq_alarm(&a, "task_", t->key, t->dlq_name,
                  "Task %s: a failed run or an undelivered event waits in its dead-letter queue.");
  }
  for (size_t i = 0; i < s->nnotifications && !a.rc; i++) {
    const gen_notification *n = &s->notifications[i];
    S_alarm x = {"notify_", n->key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
                 n->function_name, NULL, 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
    x.name = S_fmt(&a, &a.name, "%s-errors", n->function_name);
    x.description = S_fmt(&a, &a.desc, "Channel %s: its handler failed (Lambda Errors in 5 minutes).", n->key);
    S_add(&a, &x);
    S_dlq_alarm(&a, "notify_", n->key, n->dlq_name,
                "Channel %s: a message it could not deliver waits in its dead-letter queue.");
  }
  for (size_t i = 0; i < s->nschedule_groups && !a.rc; i++) {
    const gen_schedule_group *g = &s->schedule_groups[i];
    if (!g->dead_letter) continue;
    S_dlq_alarm(&a, "group_", g->key, g->dlq_name,
                "Schedule group %s: an event a schedule could not deliver waits in its dead-letter queue.");
  }
  for (size_t i = 0; i < s->nreconcilers && !a.rc; i++) {
    const gen_reconciler *x = &s->reconcilers[i];
    S_function_alarms(&a, "reconciler_", x->key, "Reconciler", x->function_name, x->enabled ? x->schedule : NULL);
  }
  for (size_t i = 0; i < s->ndispatchers && !a.rc; i++) {
    const gen_dispatcher *d = &s->dispatchers[i];
    S_function_alarms(&a, "dispatcher_", d->key, "Dispatcher", d->function_name, d->enabled ? d->schedule : NULL);
    if (d->queue_arn) continue; /* an existing queue's dead letters are its owner's */
    const char *q = S_fmt(&a, &ref, "%s%s", d->dlq_name, d->fifo ? ".fifo" : "");
    S_dlq_alarm(&a, "dispatcher_", d->key, q,
                "Dispatcher %s: a request its worker could not take waits in the requests' dead-letter queue.");
  }
  cc_buf_free(&a.id);
  cc_buf_free(&a.name);
  cc_buf_free(&a.desc);
  cc_buf_free(&ref);
  cc_buf_free(&mod);
  return a.rc;
}
