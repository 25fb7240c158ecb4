/* Fuzz target: the reconciler's config reader (rc_config_read) and its
 * diff. Any input must give either one whole-config error or entries that
 * are each failed (with a message naming the entry), expired, or a
 * definition that equals itself; the plan of the entries against an empty
 * group and against their own definitions must count every entry once. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/handlers/reconcile_config.h"
#include "../../runtime/handlers/reconcile_plan.h"
#include "../../runtime/scheduler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rt_tz_cache cache; /* zones stay loaded across inputs */
  cc_buf err = CC_BUF_INIT;
  rc_config cfg;
  rc_settings st = {.collection = (size & 1) ? "queries" : "schedules", .prefix = "pn-",
                    .timezone = "Europe/Rome",
                    .target_arn = "arn:aws:lambda:us-east-1:123456789012:function:w",
                    .role_arn = "arn:aws:iam::123456789012:role/r"};
  int rc = rc_config_read(&cfg, &err, "fuzz", (const char *)data, size, &st,
                          1796000000, &cache);
  if (rc != CC_OK) {
    if (rc != CC_EINVAL && rc != CC_ENOMEM) abort();
    if (strncmp(cc_buf_str(&err), "fuzz", 4) != 0) abort();
    cc_buf_free(&err);
    return 0;
  }
  json_t *cur = json_object();
  for (size_t i = 0; i < cfg.n; i++) {
    const rc_entry *e = &cfg.e[i];
    if (i && strcmp(cfg.e[i - 1].id, e->id) >= 0) abort(); /* sorted, unique */
    if (e->error) {
      if (e->def || strncmp(e->error, "entry \"", 7) != 0) abort();
    } else if (e->expired) {
      if (e->def) abort();
    } else {
      if (!e->def || !rt_sched_same(e->def, e->def, NULL)) abort();
      json_object_set(cur, e->name, e->def);
    }
  }
  rc_plan p;
  size_t c[RC_KINDS];
  json_t *empty = json_object();
  if (rc_plan_make(&p, &cfg, empty) == CC_OK) {
    rc_plan_counts(&p, c);
    if (c[RC_CREATE] + c[RC_FAILED] + c[RC_UNCHANGED] != cfg.n || c[RC_DELETE]) abort();
    rc_plan_free(&p);
  }
  if (rc_plan_make(&p, &cfg, cur) == CC_OK) {
    rc_plan_counts(&p, c);
    if (c[RC_CREATE] || c[RC_UPDATE] || c[RC_DELETE]) abort();
    rc_plan_free(&p);
  }
  json_decref(empty);
  json_decref(cur);
  rc_config_free(&cfg);
  cc_buf_free(&err);
  return 0;
}
