/* The reconciler's in-memory work on N entries (default 10,000), timed
 * alone: reading and checking the config (rc_config_read: JSON, every
 * expression and zone through cloudcron's evaluator, the definitions) and
 * the diff against a group that already matches (rc_plan_make against N
 * GetSchedule-shaped answers). Prints the medians of REPS runs in ms.
 *   bench_diff [N] [REPS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cc/err.h"
#include "reconcile_config.h"
#include "reconcile_plan.h"

static double S_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int S_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000, reps = argc > 2 ? atoi(argv[2]) : 7;
  static const char *const zones[] = {"UTC", "Europe/Rome", "America/New_York", "Asia/Tokyo"};
  json_t *q = json_object();
  for (int i = 0; i < n; i++) {
    char id[32], expr[64];
    snprintf(id, sizeof id, "q%05d", i);
    if (i % 3 == 0)
      snprintf(expr, sizeof expr, "cron(%d %d * * ? *)", i % 60, i % 24);
    else if (i % 3 == 1)
      snprintf(expr, sizeof expr, "rate(%d minutes)", 2 + i % 50);
    else
      snprintf(expr, sizeof expr, "cron(%d %d ? * MON-FRI *)", i % 60, i % 24);
    json_object_set_new(q, id, json_pack("{s:s,s:s,s:s,s:s,s:i}", "schedule", expr, "timezone",
                                         zones[i % 4], "type", "export", "query",
                                         "SELECT count(*) FROM notifications WHERE day = current_date",
                                         "threshold", i));
  }
  json_t *root = json_pack("{s:o}", "queries", q);
  char *text = json_dumps(root, JSON_COMPACT);
  json_decref(root);
  rc_settings st = {.collection = "queries", .prefix = "pn-", .timezone = "UTC",
                    .target_arn = "arn:aws:lambda:us-east-1:123456789012:function:worker",
                    .role_arn = "arn:aws:iam::123456789012:role/sched"};
  double *tr = calloc((size_t)reps, sizeof *tr), *td = calloc((size_t)reps, sizeof *td);
  cc_buf err = CC_BUF_INIT;
  for (int r = 0; r < reps; r++) {
    rc_config cfg;
    rt_tz_cache cache = {0};
    double t0 = S_ms();
    if (rc_config_read(&cfg, &err, "bench", text, strlen(text), &st, 1796000000,
                       &cache) != CC_OK) {
      fprintf(stderr, "%s\n", cc_buf_str(&err));
      return 1;
    }
    tr[r] = S_ms() - t0;
    /* the group as GetSchedule answers: each definition, its input
     * re-serialized in another key order, plus the answer's own fields */
    json_t *cur = json_object();
    for (size_t i = 0; i < cfg.n; i++) {
      json_t *g = json_deep_copy(cfg.e[i].def);
      json_t *t = json_object_get(g, "Target");
      json_t *in = json_loads(json_string_value(json_object_get(t, "Input")), 0, NULL);
      char *s = json_dumps(in, JSON_COMPACT);
      json_object_set_new(t, "Input", json_string(s));
      free(s);
      json_decref(in);
      json_object_set_new(g, "Name", json_string(cfg.e[i].name));
      json_object_set_new(g, "Arn", json_string("arn:aws:scheduler:us-east-1:123456789012:schedule/g/x"));
      json_object_set_new(cur, cfg.e[i].name, g);
    }
    rc_plan p;
    size_t c[RC_KINDS];
    t0 = S_ms();
    rc_plan_make(&p, &cfg, cur);
    td[r] = S_ms() - t0;
    rc_plan_counts(&p, c);
    if (c[RC_UNCHANGED] != (size_t)n) {
      fprintf(stderr, "diff: %zu unchanged of %d\n", c[RC_UNCHANGED], n);
      return 1;
    }
    rc_plan_free(&p);
    json_decref(cur);
    rc_config_free(&cfg);
    rt_tz_cache_free(&cache);
  }
  qsort(tr, (size_t)reps, sizeof *tr, S_cmp);
  qsort(td, (size_t)reps, sizeof *td, S_cmp);
  printf("entries %d: read+check %.1f ms, diff %.1f ms (medians of %d)\n", n, tr[reps / 2],
         td[reps / 2], reps);
  free(tr);
  free(td);
  free(text);
  cc_buf_free(&err);
  return 0;
}
