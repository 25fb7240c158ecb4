/* gen/stack_alarms.c: the stack's CloudWatch alarms (spec `alarms:`).
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
 * The layout is gen_hclfmt's job; values are quoted by gen/hcl. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hcl.h"
#include "stack.h"

/* The period of rate(N unit) in seconds, or 0 for anything else. */
static long S_rate_seconds(const char *expr) {
  long n;
  char unit[16];
  if (sscanf(expr, "rate(%ld %15[a-z])", &n, unit) != 2 || n <= 0) return 0;
  if (!strncmp(unit, "minute", 6)) return n * 60;
  if (!strncmp(unit, "hour", 4)) return n * 3600;
  if (!strncmp(unit, "day", 3)) return n * 86400;
  return 0;
}

typedef struct S_alarm {
  const char *ident_prefix, *key, *suffix; /* resource name: <prefix><key>_<suffix> */
  const char *name;                        /* alarm name */
  const char *description;
  const char *ns, *metric, *statistic;
  const char *dim_name, *dim_value_raw; /* dimension; value as an HCL expression */
  long period;
  int periods;
  const char *comparison;
  int threshold;
  const char *missing;
} S_alarm;

static void S_emit(cc_buf *b, const gen_spec *s, const S_alarm *a) {
  cc_buf id = CC_BUF_INIT, name = CC_BUF_INIT;
  gen_hcl_ident(&id, a->ident_prefix, a->key);
  cc_buf_emitf(b, "resource \"aws_cloudwatch_metric_alarm\" \"%s_%s\" {\nalarm_name = ", cc_buf_str(&id), a->suffix);
  gen_hcl_str(b, a->name);
  cc_buf_emit(b, "\nalarm_description = ");
  gen_hcl_str(b, a->description);
  cc_buf_emitf(b, "\nnamespace = \"%s\"\nmetric_name = \"%s\"\nstatistic = \"%s\"\n", a->ns, a->metric, a->statistic);
  cc_buf_emitf(b, "period = %ld\nevaluation_periods = %d\ndatapoints_to_alarm = %d\nthreshold = %d\n", a->period,
                a->periods, a->periods, a->threshold);
  cc_buf_emitf(b, "comparison_operator = \"%s\"\ntreat_missing_data = \"%s\"\n", a->comparison, a->missing);
  cc_buf_emitf(b, "\ndimensions = {\n%s = %s\n}\n\nalarm_actions = [local.topic_arns[", a->dim_name, a->dim_value_raw);
  gen_hcl_str(b, s->alarm_topic);
  cc_buf_emit(b, "]]\n}\n\n");
  cc_buf_free(&id);
  cc_buf_free(&name);
}

static const char *S_fmt(cc_buf *scratch, const char *fmt, const char *a, const char *b2) {
  cc_buf_truncate(scratch, 0);
  cc_buf_emitf(scratch, fmt, a, b2);
  return cc_buf_str(scratch);
}

/* A message waits in dead-letter queue QUEUE (the alarm is named after it);
 * DESC_FMT has one %s, the owner's KEY. */
static void S_dlq_alarm(cc_buf *b, const gen_spec *s, cc_buf *desc, cc_buf *dim, const char *prefix, const char *key,
                        const char *queue, const char *desc_fmt) {
  cc_buf_truncate(dim, 0);
  gen_hcl_str(dim, queue);
  S_alarm q = {prefix, key, "dead_letter", queue, NULL, "AWS/SQS", "ApproximateNumberOfMessagesVisible",
               "Maximum", "QueueName", cc_buf_str(dim), 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
  q.description = S_fmt(desc, desc_fmt, key, NULL);
  S_emit(b, s, &q);
}

/* Errors of function FN (WHAT KEY) and, for an enabled rate() SCHEDULE of
 * 60 s to 12 h, a missed run. */
static void S_function_alarms(cc_buf *b, const gen_spec *s, cc_buf *name, cc_buf *desc, cc_buf *dim,
                              const char *prefix, const char *key, const char *what, const char *fn,
                              const char *schedule) {
  cc_buf_truncate(dim, 0);
  gen_hcl_str(dim, fn);
  S_alarm a = {prefix, key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
               cc_buf_str(dim), 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
  a.name = S_fmt(name, "%s-errors", fn, NULL);
  cc_buf_truncate(desc, 0);
  cc_buf_emitf(desc, "%s %s: a run failed (Lambda Errors in 5 minutes).", what, key);
  a.description = cc_buf_str(desc);
  S_emit(b, s, &a);
  long period = schedule ? S_rate_seconds(schedule) : 0;
  if (period < 60 || period > 43200) return;
  a.suffix = "missed_run";
  a.metric = "Invocations";
  a.period = period;
  a.periods = 2;
  a.comparison = "LessThanThreshold";
  a.threshold = 1;
  a.missing = "breaching";
  a.name = S_fmt(name, "%s-missed-run", fn, NULL);
  cc_buf_truncate(desc, 0);
  cc_buf_emitf(desc, "%s %s: no run in two periods of its schedule, %s.", what, key, schedule);
  a.description = cc_buf_str(desc);
  S_emit(b, s, &a);
}

void gen_stack_alarms(cc_buf *b, const gen_spec *s) {
  if (!s->alarm_topic) return;
  cc_buf name = CC_BUF_INIT, desc = CC_BUF_INIT, dim = CC_BUF_INIT, id = CC_BUF_INIT;
  cc_buf_emit(b, "# CloudWatch alarms (the spec's `alarms`), each publishing to its topic.\n\n");
  for (size_t i = 0; i < s->ntasks; i++) {
    const gen_task *t = &s->tasks[i];
    cc_buf_truncate(&id, 0);
    gen_hcl_ident(&id, "task_", t->key);
    cc_buf_truncate(&dim, 0);
    cc_buf_emitf(&dim, "module.%s.function_name", cc_buf_str(&id));
    S_alarm a = {"task_", t->key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
                 cc_buf_str(&dim), 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
    a.name = S_fmt(&name, "%s-errors", t->function_name, NULL);
    a.description = S_fmt(&desc, "Task %s: a run failed in the function (Lambda Errors in 5 minutes).", t->key, NULL);
    S_emit(b, s, &a);
    a.suffix = "throttles";
    a.metric = "Throttles";
    a.name = S_fmt(&name, "%s-throttles", t->function_name, NULL);
    a.description = S_fmt(&desc, "Task %s: Lambda throttled a run (Throttles in 5 minutes).", t->key, NULL);
    S_emit(b, s, &a);
    long period = t->schedule ? S_rate_seconds(t->schedule) : 0; /* a group's target has none */
    if (t->enabled && period >= 60 && period <= 43200) {
      a.suffix = "missed_run";
      a.metric = "Invocations";
      a.period = period;
      a.periods = 2;
      a.comparison = "LessThanThreshold";
      a.threshold = 1;
      a.missing = "breaching";
      a.name = S_fmt(&name, "%s-missed-run", t->function_name, NULL);
      a.description = S_fmt(&desc, "Task %s: no run in two periods of its schedule, %s.", t->key, t->schedule);
      S_emit(b, s, &a);
    }
    if (t->dead_letter) {
      S_dlq_alarm(b, s, &desc, &dim, "task_", t->key, t->dlq_name,
                  "Task %s: a failed run or an undelivered event waits in its dead-letter queue.");
    }
  }
  for (size_t i = 0; i < s->nnotifications; i++) {
    const gen_notification *n = &s->notifications[i];
    cc_buf_truncate(&dim, 0);
    gen_hcl_str(&dim, n->function_name);
    S_alarm a = {"notify_", n->key, "errors", NULL, NULL, "AWS/Lambda", "Errors", "Sum", "FunctionName",
                 cc_buf_str(&dim), 300, 1, "GreaterThanThreshold", 0, "notBreaching"};
    a.name = S_fmt(&name, "%s-errors", n->function_name, NULL);
    a.description = S_fmt(&desc, "Channel %s: its handler failed (Lambda Errors in 5 minutes).", n->key, NULL);
    S_emit(b, s, &a);
    S_dlq_alarm(b, s, &desc, &dim, "notify_", n->key, n->dlq_name,
                "Channel %s: a message it could not deliver waits in its dead-letter queue.");
  }
  for (size_t i = 0; i < s->nschedule_groups; i++) {
    const gen_schedule_group *g = &s->schedule_groups[i];
    if (!g->dead_letter) continue;
    S_dlq_alarm(b, s, &desc, &dim, "group_", g->key, g->dlq_name,
                "Schedule group %s: an event a schedule could not deliver waits in its dead-letter queue.");
  }
  for (size_t i = 0; i < s->nreconcilers; i++) {
    const gen_reconciler *x = &s->reconcilers[i];
    S_function_alarms(b, s, &name, &desc, &dim, "reconciler_", x->key, "Reconciler", x->function_name,
                      x->enabled ? x->schedule : NULL);
  }
  for (size_t i = 0; i < s->ndispatchers; i++) {
    const gen_dispatcher *d = &s->dispatchers[i];
    S_function_alarms(b, s, &name, &desc, &dim, "dispatcher_", d->key, "Dispatcher", d->function_name,
                      d->enabled ? d->schedule : NULL);
    if (d->queue_arn) continue; /* an existing queue's dead letters are its owner's */
    cc_buf_truncate(&id, 0);
    cc_buf_emitf(&id, "%s%s", d->dlq_name, d->fifo ? ".fifo" : "");
    S_dlq_alarm(b, s, &desc, &dim, "dispatcher_", d->key, cc_buf_str(&id),
                "Dispatcher %s: a request its worker could not take waits in the requests' dead-letter queue.");
  }
  cc_buf_free(&name);
  cc_buf_free(&desc);
  cc_buf_free(&dim);
  cc_buf_free(&id);
}
