/* sched_def.c: schedule definitions, checked before they are sent. */
#include "sched_def.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/schedule.h"
#include "log.h"

int rt_tz_cache_get(rt_tz_cache *cache, const char *name, cc_tz **out) {
  *out = NULL;
  if (!cache) return cc_tz_load(out, name);
  for (int i = 0; i < cache->n; i++)
    if (strcmp(cache->e[i].name, name) == 0) {
      *out = cache->e[i].tz;
      return CC_OK;
    }
  cc_tz *tz = NULL;
  int rc = cc_tz_load(&tz, name);
  if (rc != CC_OK) return rc;
  if (cache->n < (int)(sizeof cache->e / sizeof cache->e[0]) &&
      strlen(name) < sizeof cache->e[0].name) {
    snprintf(cache->e[cache->n].name, sizeof cache->e[0].name, "%s", name);
    cache->e[cache->n++].tz = tz;
  } else {
    /* full: the least recent slot gives way */
    cc_tz_free(cache->e[0].tz);
    memmove(&cache->e[0], &cache->e[1], sizeof cache->e[0] * (size_t)(cache->n - 1));
    snprintf(cache->e[cache->n - 1].name, sizeof cache->e[0].name, "%.63s", name);
    cache->e[cache->n - 1].tz = tz;
  }
  *out = tz;
  return CC_OK;
}

void rt_tz_cache_free(rt_tz_cache *cache) {
  if (!cache) return;
  for (int i = 0; i < cache->n; i++) cc_tz_free(cache->e[i].tz);
  cache->n = 0;
}

static int S_bad(const char **field, const char *f, cc_buf *err, int rc,
                 const char *fmt, const char *a) {
  *field = f;
  cc_buf_seterr(err, fmt, a);
  return rc;
}

int rt_sched_def_make(json_t **out, const char **field, cc_buf *err,
                      const rt_sched_parts *p, long long now, rt_tz_cache *cache) {
  cc_sched *s = NULL;
  cc_sched_err se;
  cc_tz *tz = NULL;
  const char *zone = p->timezone && *p->timezone ? p->timezone : "UTC";
  int rc;
  *out = NULL;
  *field = NULL;
  if (err) cc_buf_truncate(err, 0);
  if (!p->expression || !*p->expression)
    return S_bad(field, "expression", err, CC_EINVAL, "%sa schedule expression is required", "");
  rc = cc_sched_parse(&s, p->expression, &se);
  if (rc == CC_ENOMEM) return rc;
  if (rc != CC_OK) {
    *field = "expression";
    cc_buf_seterr(err, "\"%s\": column %d: %s", p->expression, se.col, se.msg);
    return CC_EINVAL;
  }
  rc = rt_tz_cache_get(cache, zone, &tz);
  if (rc != CC_OK) {
    cc_sched_free(s);
    if (rc == CC_ENOMEM) return rc;
    return S_bad(field, "timezone", err, CC_EINVAL, "unknown time zone \"%s\"", zone);
  }
  int at = cc_sched_kind_of(s) == CC_SCHED_AT;
  if (at) {
    int64_t next;
    rc = cc_sched_next(s, tz, (int64_t)now, &next);
    if (rc != CC_OK) {
      /* Never: not even from long before it (its wall time falls in a
       * daylight-saving gap); else its time is behind NOW. */
      int64_t first;
      int never = cc_sched_next(s, tz, -(int64_t)366 * 86400, &first) != CC_OK;
      *field = "expression";
      if (never)
        cc_buf_seterr(err, "%s never happens in %s: its wall time does not exist there (daylight saving skips it)",
                 p->expression, zone);
      else
        cc_buf_seterr(err, "%s in %s has passed", p->expression, zone);
      rc = CC_ENOTFOUND;
    }
  }
  cc_sched_free(s);
  if (!cache) cc_tz_free(tz);
  if (rc != CC_OK) return rc;
  if (p->window_minutes < 0 || p->window_minutes > 1440)
    return S_bad(field, "window", err, CC_EINVAL,
                 "%sthe flexible window is 1 to 1440 minutes, or 0 for none", "");
  if (p->retry_attempts < -1 || p->retry_attempts > 185)
    return S_bad(field, "retry", err, CC_EINVAL,
                 "%sretry attempts are 0 to 185", "");
  if (p->max_event_age_s != 0 && (p->max_event_age_s < 60 || p->max_event_age_s > 86400))
    return S_bad(field, "age", err, CC_EINVAL,
                 "%sthe maximum event age is 60 to 86400 seconds", "");
  if (!p->target_arn || strncmp(p->target_arn, "arn:", 4) != 0)
    return S_bad(field, "target", err, CC_EINVAL, "%sthe target is not an ARN", "");
  if (!p->role_arn || strncmp(p->role_arn, "arn:", 4) != 0)
    return S_bad(field, "role", err, CC_EINVAL, "%sthe role is not an ARN", "");
  if (p->description && strlen(p->description) > 512)
    return S_bad(field, "description", err, CC_EINVAL,
                 "%sthe description is longer than 512 characters", "");

  json_t *target = json_pack("{s:s,s:s}", "Arn", p->target_arn, "RoleArn", p->role_arn);
  json_t *def = json_pack("{s:s,s:s,s:s}", "ScheduleExpression", p->expression,
                          "ScheduleExpressionTimezone", zone, "State",
                          p->disabled ? "DISABLED" : "ENABLED");
  if (!target || !def) goto nomem;
  if (p->input) {
    char *text = rt_json_dumps(p->input, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!text) {
      json_decref(target);
      json_decref(def);
      return S_bad(field, "input", err, CC_EINVAL, "%sthe input cannot be serialized", "");
    }
    int bad = strlen(text) > 8192;
    json_object_set_new(target, "Input", json_string(text));
    free(text);
    if (bad) {
      json_decref(target);
      json_decref(def);
      return S_bad(field, "input", err, CC_EINVAL,
                   "%sthe input is larger than Scheduler's 8192 characters", "");
    }
  }
  if (p->retry_attempts || p->max_event_age_s) {
    json_t *rp = json_pack("{s:i,s:i}", "MaximumRetryAttempts",
                           p->retry_attempts == -1 ? 0 : p->retry_attempts ? p->retry_attempts : 185,
                           "MaximumEventAgeInSeconds",
                           p->max_event_age_s ? p->max_event_age_s : 86400);
    if (!rp || json_object_set_new(target, "RetryPolicy", rp) != 0) goto nomem;
  }
  if (p->dead_letter_arn && *p->dead_letter_arn &&
      json_object_set_new(target, "DeadLetterConfig",
                          json_pack("{s:s}", "Arn", p->dead_letter_arn)) != 0)
    goto nomem;
  json_object_set_new(def, "FlexibleTimeWindow",
                      p->window_minutes
                          ? json_pack("{s:s,s:i}", "Mode", "FLEXIBLE", "MaximumWindowInMinutes",
                                      p->window_minutes)
                          : json_pack("{s:s}", "Mode", "OFF"));
  if (p->description && *p->description)
    json_object_set_new(def, "Description", json_string(p->description));
  if (at) json_object_set_new(def, "ActionAfterCompletion", json_string("DELETE"));
  if (json_object_set_new(def, "Target", target) != 0) {
    json_decref(def);
    return CC_ENOMEM;
  }
  *out = def;
  return CC_OK;
nomem:
  json_decref(target);
  json_decref(def);
  return CC_ENOMEM;
}
