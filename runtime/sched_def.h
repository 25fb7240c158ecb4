/* sched_def.h: a Scheduler schedule's definition from its parts, checked
 * with cloudcron's own evaluator (lib/schedule) before any call (rt_
 * internal API; the definition's shape is scheduler.h's). */
#ifndef RT_SCHED_DEF_H
#define RT_SCHED_DEF_H
#include <stddef.h>

#include <jansson.h>

#include "cc/buf.h"
#include "cc/tz.h"

/* Zones loaded once for many definitions (one thread at a time). */
typedef struct rt_tz_cache {
  struct {
    char name[64];
    cc_tz *tz;
  } e[16];
  int n;
} rt_tz_cache;
/* The zone name, loaded or from the cache (borrowed; lives as long as
 * the cache). CC_ENOTFOUND for an unknown zone. cache may be NULL: then
 * *out is the caller's to cc_tz_free. */
int rt_tz_cache_get(rt_tz_cache *cache, const char *name, cc_tz **out);
void rt_tz_cache_free(rt_tz_cache *cache);

typedef struct rt_sched_parts {
  const char *expression;  /* at(...), cron(...), rate(...) */
  const char *timezone;    /* NULL or "": UTC */
  const char *description; /* NULL or "": none */
  const json_t *input;     /* the target's input (serialized, keys sorted); NULL: none */
  int window_minutes;      /* 0: OFF; 1-1440 */
  int retry_attempts;      /* 0: default; -1: none; 1-185 */
  int max_event_age_s;     /* 0: default; 60-86400 */
  int disabled;
  const char *target_arn, *role_arn; /* required */
  const char *dead_letter_arn;       /* NULL or "": none */
} rt_sched_parts;

/* Checks p and builds its definition into *out (a new reference). An
 * at() gets ActionAfterCompletion DELETE. now is the epoch second an at()
 * must be after. Returns CC_OK; CC_EINVAL with *field naming the part
 * ("expression", "timezone", "window", "retry", "age", "target", "role",
 * "input", "description") and err why; CC_ENOTFOUND with
 * *field "expression" for an at() whose time has passed or whose wall time
 * never happens in its zone (a daylight-saving gap; err says which);
 * CC_ENOMEM. */
int rt_sched_def_make(json_t **out, const char **field, cc_buf *err,
                      const rt_sched_parts *p, long long now, rt_tz_cache *cache);
#endif
