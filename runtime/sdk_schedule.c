/* sdk_schedule.c: the task SDK's schedules (cloudcron.h), over the
 * Scheduler calls (scheduler.h) and the checked definitions (sched_def.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cc/err.h"
#include "cloudcron.h"
#include "envkey.h"
#include "log.h"
#include "sched_def.h"
#include "scheduler.h"
#include "sdk_ctx.h"

/* The group's name for key into *group; with want_target, also its role,
 * target and dead-letter queue. On failure ctx->error says why. */
static int S_group(cloudcron_ctx *ctx, const char *what, const char *key, const char **group,
                   const char **role, const char **target, const char **dlq) {
  cc_buf err = CC_BUF_INIT;
  int rc = rt_env_by_key(group, &err, "CLOUDCRON_SCHEDULE_GROUP_", "schedule group",
                         key ? key : "");
  if (rc == CC_OK && role)
    rc = rt_env_by_key(role, &err, "CLOUDCRON_SCHEDULE_ROLE_", "schedule role", key);
  if (rc == CC_OK && target)
    rc = rt_env_by_key(target, &err, "CLOUDCRON_SCHEDULE_TARGET_", "schedule target",
                       key);
  if (rc == CC_OK && dlq &&
      rt_env_by_key(dlq, &err, "CLOUDCRON_SCHEDULE_DLQ_", "dead-letter queue", key) !=
          CC_OK)
    *dlq = NULL; /* optional */
  if (rc != CC_OK) snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  cc_buf_free(&err);
  return rc;
}

static int S_name(cloudcron_ctx *ctx, const char *what, const char *name) {
  if (rt_sched_name_ok(name)) return CC_OK;
  snprintf(ctx->error, sizeof ctx->error,
           "%s: invalid schedule name (1 to 64 of the characters 0-9 A-Z a-z . _ -)", what);
  return CC_EINVAL;
}

/* The group's retry policy, CLOUDCRON_SCHEDULE_RETRY_<KEY> = "ATTEMPTS,SECONDS"
 * (the spec's `retry` of the group), into p; left as is when unset. */
static void S_group_retry(rt_sched_parts *p, const char *key) {
  const char *v;
  int a, s, n = 0;
  /* unset is fine: nothing to say (no error text wanted) */
  if (rt_env_by_key(&v, NULL, "CLOUDCRON_SCHEDULE_RETRY_", "retry", key) != CC_OK) return;
  if (sscanf(v, "%d,%d%n", &a, &s, &n) != 2 || v[n]) return; /* set by the stack: not ours to refuse */
  p->retry_attempts = a == 0 ? -1 : a;
  p->max_event_age_s = s;
}

/* Create or update. */
static int S_put(cloudcron_ctx *ctx, int create, const char *key, const char *name,
                 const cloudcron_schedule *s) {
  const char *group, *role, *target, *dlq, *field;
  char what[200];
  cc_buf err = CC_BUF_INIT;
  json_t *def = NULL;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "%s schedule \"%s\" in \"%s\"", create ? "create" : "update",
           name ? name : "", key ? key : "");
  int rc = S_name(ctx, what, name);
  if (rc == CC_OK) rc = S_group(ctx, what, key, &group, &role, &target, &dlq);
  if (rc != CC_OK) return rc;
  if (!s) return cloudcron_fail(ctx, CC_EINVAL, "%s: no schedule given", what);
  rt_sched_parts p = {.expression = s->expression, .timezone = s->timezone,
                      .description = s->description, .input = s->payload,
                      .window_minutes = s->flexible_window_minutes,
                      .retry_attempts = s->retry_attempts,
                      .max_event_age_s = s->max_event_age_seconds, .disabled = s->disabled,
                      .target_arn = target, .role_arn = role,
                      .dead_letter_arn = s->dead_letter_arn ? s->dead_letter_arn : dlq};
  if (!s->retry_attempts && !s->max_event_age_seconds) S_group_retry(&p, key);
  rc = rt_sched_def_make(&def, &field, &err, &p, (long long)time(NULL), NULL);
  if (rc == CC_ENOTFOUND) rc = CC_EINVAL; /* an at() in the past */
  if (rc != CC_OK) {
    snprintf(ctx->error, sizeof ctx->error, "%s: %s: %s", what, field ? field : "schedule",
             rc == CC_ENOMEM ? cc_strerror(rc) : cc_buf_str(&err));
    cc_buf_free(&err);
    return rc;
  }
  rt_aws_client *c = rt_sdk_client(ctx, what);
  if (!c) {
    json_decref(def);
    return CC_EINVAL;
  }
  rc = create ? rt_sched_create(c, group, name, def, &err)
              : rt_sched_update(c, group, name, def, &err);
  if (rc != CC_OK) {
    snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  } else {
    json_t *f = json_pack("{s:s,s:s,s:s}", "schedule", name, "group", group, "expression",
                          s->expression);
    rt_log(RT_LOG_INFO, ctx->request_id, f, create ? "schedule created" : "schedule updated");
    json_decref(f);
  }
  json_decref(def);
  cc_buf_free(&err);
  return rc;
}

int cloudcron_schedule_create(cloudcron_ctx *ctx, const char *group_key, const char *name,
                              const cloudcron_schedule *s) {
  return S_put(ctx, 1, group_key, name, s);
}

int cloudcron_schedule_update(cloudcron_ctx *ctx, const char *group_key, const char *name,
                              const cloudcron_schedule *s) {
  return S_put(ctx, 0, group_key, name, s);
}

int cloudcron_schedule_delete(cloudcron_ctx *ctx, const char *group_key, const char *name) {
  const char *group;
  char what[200];
  cc_buf err = CC_BUF_INIT;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "delete schedule \"%s\" in \"%s\"", name ? name : "",
           group_key ? group_key : "");
  int rc = S_name(ctx, what, name);
  if (rc == CC_OK) rc = S_group(ctx, what, group_key, &group, NULL, NULL, NULL);
  if (rc != CC_OK) return rc;
  rt_aws_client *c = rt_sdk_client(ctx, what);
  if (!c) return CC_EINVAL;
  rc = rt_sched_delete(c, group, name, &err);
  if (rc != CC_OK) snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  cc_buf_free(&err);
  return rc;
}

int cloudcron_schedule_get(cloudcron_ctx *ctx, const char *group_key, const char *name,
                           json_t **out) {
  const char *group;
  char what[200];
  cc_buf err = CC_BUF_INIT;
  *out = NULL;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "get schedule \"%s\" in \"%s\"", name ? name : "",
           group_key ? group_key : "");
  int rc = S_name(ctx, what, name);
  if (rc == CC_OK) rc = S_group(ctx, what, group_key, &group, NULL, NULL, NULL);
  if (rc != CC_OK) return rc;
  rt_aws_client *c = rt_sdk_client(ctx, what);
  if (!c) return CC_EINVAL;
  rc = rt_sched_get(c, group, name, out, &err);
  if (rc != CC_OK) snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  cc_buf_free(&err);
  return rc;
}

int cloudcron_schedule_list_page(cloudcron_ctx *ctx, const char *group_key, const char *prefix,
                                 const char *next_token, int max_results, json_t **page) {
  const char *group;
  char what[200];
  cc_buf err = CC_BUF_INIT;
  *page = NULL;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "list schedules in \"%s\"", group_key ? group_key : "");
  int rc = S_group(ctx, what, group_key, &group, NULL, NULL, NULL);
  if (rc != CC_OK) return rc;
  if (max_results < 0 || max_results > 100)
    return cloudcron_fail(ctx, CC_EINVAL, "%s: max_results is 1 to 100, or 0", what);
  rt_aws_client *c = rt_sdk_client(ctx, what);
  if (!c) return CC_EINVAL;
  rc = rt_sched_list_page(c, group, prefix, next_token, max_results, page, &err);
  if (rc != CC_OK) snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  cc_buf_free(&err);
  return rc;
}

int cloudcron_schedule_list(cloudcron_ctx *ctx, const char *group_key, const char *prefix,
                            json_t **out) {
  const char *group;
  char what[200];
  cc_buf err = CC_BUF_INIT;
  *out = NULL;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "list schedules in \"%s\"", group_key ? group_key : "");
  int rc = S_group(ctx, what, group_key, &group, NULL, NULL, NULL);
  if (rc != CC_OK) return rc;
  rt_aws_client *c = rt_sdk_client(ctx, what);
  if (!c) return CC_EINVAL;
  /* a million schedules is Scheduler's default quota: 10,000 pages of 100 */
  rc = rt_sched_list_all(c, group, prefix, 10000, out, &err);
  if (rc != CC_OK) snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
  cc_buf_free(&err);
  return rc;
}
