/* cloudcron-reconcile: keeps the schedules named <prefix><id> in one
 * EventBridge Scheduler group in step with a config file (the seed's
 * "schedule manager"). Each invocation: fetch the config, check every
 * entry with cloudcron's evaluator, list the group (paginated), read each
 * managed schedule, diff, apply with bounded concurrency, and answer
 * {"created", "updated", "deleted", "unchanged", "failed"}, logging one
 * line per change. Nothing outside the prefix and group is ever touched.
 *
 * Environment (the contract; runtime/handlers/README.md):
 *   CLOUDCRON_RECONCILE_CONFIG_URL   https://, s3://, or file:// (local runs)
 *   CLOUDCRON_SCHEDULE_GROUP         the group
 *   CLOUDCRON_SCHEDULE_PREFIX        names managed: <prefix><id> (not empty)
 *   CLOUDCRON_SCHEDULER_ROLE_ARN     the role Scheduler assumes
 *   CLOUDCRON_SCHEDULE_TARGET_ARN    the function the schedules invoke
 *   CLOUDCRON_SCHEDULE_TIMEZONE      default zone (UTC)
 *   CLOUDCRON_RECONCILE_COLLECTION   the key holding the entries (schedules)
 *   CLOUDCRON_SCHEDULE_RETRY         the schedules' retry policy, "ATTEMPTS,SECONDS"
 *   CLOUDCRON_RECONCILE_ALLOW_EMPTY  true: an empty config deletes them all
 *   CLOUDCRON_RECONCILE_DRY_RUN      true: log the plan, change nothing
 *   CLOUDCRON_RECONCILE_CONCURRENCY  calls in flight (8; 1-64)
 *   CLOUDCRON_RECONCILE_MAX_BYTES    the config's size limit (8 MiB)
 *   CLOUDCRON_RECONCILE_TIMEOUT_MS   the fetch's time limit (10000)
 *
 * `cloudcron-reconcile --check FILE [--collection KEY]` checks a config
 * file locally: one line per invalid entry, exit 1 when there is one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc/err.h"
#include "cc/file.h"
#include "cloudcron.h"
#include "log.h"
#include "reconcile_config.h"
#include "reconcile_plan.h"
#include "reconcile_pool.h"
#include "scheduler.h"
#include "sdk_ctx.h"
#include "source.h"

typedef struct S_env {
  const char *url, *group, *prefix, *role, *target, *zone, *collection;
  int allow_empty, dry_run, workers;
  int retry_attempts, max_event_age_s; /* CLOUDCRON_SCHEDULE_RETRY */
  long long max_bytes, timeout_ms;
} S_env;

static const char *S_get(const char *var) {
  const char *v = getenv(var);
  return v && *v ? v : NULL;
}

static int S_bool(int *out, cloudcron_ctx *ctx, const char *var) {
  const char *v = S_get(var);
  *out = 0;
  if (!v || strcmp(v, "false") == 0 || strcmp(v, "0") == 0) return CC_OK;
  if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
    *out = 1;
    return CC_OK;
  }
  return cloudcron_fail(ctx, CC_EINVAL, "%s is \"%s\": use true or false", var, v);
}

static int S_num(long long *out, cloudcron_ctx *ctx, const char *var, long long dflt,
                 long long lo, long long hi) {
  const char *v = S_get(var);
  char *end;
  *out = dflt;
  if (!v) return CC_OK;
  *out = strtoll(v, &end, 10);
  if (*end || *out < lo || *out > hi)
    return cloudcron_fail(ctx, CC_EINVAL, "%s is \"%s\": use %lld to %lld", var, v, lo, hi);
  return CC_OK;
}

static int S_env_read(S_env *e, cloudcron_ctx *ctx) {
  static const char *const req[] = {"CLOUDCRON_RECONCILE_CONFIG_URL", "CLOUDCRON_SCHEDULE_GROUP",
                                    "CLOUDCRON_SCHEDULE_PREFIX", "CLOUDCRON_SCHEDULER_ROLE_ARN",
                                    "CLOUDCRON_SCHEDULE_TARGET_ARN"};
  const char **dst[] = {&e->url, &e->group, &e->prefix, &e->role, &e->target};
  long long w;
  memset(e, 0, sizeof *e);
  for (int i = 0; i < 5; i++)
    if (!(*dst[i] = S_get(req[i])))
      return cloudcron_fail(ctx, CC_EINVAL, "%s is not set", req[i]);
  if (!rt_sched_name_ok(e->group))
    return cloudcron_fail(ctx, CC_EINVAL, "CLOUDCRON_SCHEDULE_GROUP \"%s\" is not a group name",
                          e->group);
  if (strlen(e->prefix) >= 64 || !rt_sched_name_ok(e->prefix))
    return cloudcron_fail(ctx, CC_EINVAL,
                          "CLOUDCRON_SCHEDULE_PREFIX \"%s\" is not the start of a schedule name "
                          "(0-9 A-Z a-z . _ -, shorter than 64)", e->prefix);
  e->zone = S_get("CLOUDCRON_SCHEDULE_TIMEZONE");
  if (!e->zone) e->zone = "UTC";
  e->collection = S_get("CLOUDCRON_RECONCILE_COLLECTION");
  if (!e->collection) e->collection = "schedules";
  if (S_bool(&e->allow_empty, ctx, "CLOUDCRON_RECONCILE_ALLOW_EMPTY") != CC_OK ||
      S_bool(&e->dry_run, ctx, "CLOUDCRON_RECONCILE_DRY_RUN") != CC_OK ||
      S_num(&w, ctx, "CLOUDCRON_RECONCILE_CONCURRENCY", 8, 1, 64) != CC_OK ||
      S_num(&e->max_bytes, ctx, "CLOUDCRON_RECONCILE_MAX_BYTES", 8 << 20, 1, 256 << 20) != CC_OK ||
      S_num(&e->timeout_ms, ctx, "CLOUDCRON_RECONCILE_TIMEOUT_MS", 10000, 100, 900000) != CC_OK)
    return CC_EINVAL;
  e->workers = (int)w;
  const char *r = S_get("CLOUDCRON_SCHEDULE_RETRY");
  if (r) {
    int a, s, n = 0;
    if (sscanf(r, "%d,%d%n", &a, &s, &n) != 2 || r[n] || a < 0 || a > 185 || s < 60 || s > 86400)
      return cloudcron_fail(ctx, CC_EINVAL,
                            "CLOUDCRON_SCHEDULE_RETRY is \"%s\": use ATTEMPTS,SECONDS (0-185, 60-86400)", r);
    e->retry_attempts = a == 0 ? -1 : a;
    e->max_event_age_s = s;
  }
  return CC_OK;
}

/* ---- reading the managed schedules ---- */

typedef struct S_read {
  json_t *summaries; /* borrowed */
  const char *group;
  json_t **got;      /* one per summary: an answer, a string (error), or NULL (gone) */
} S_read;

static void S_get_one(void *user, size_t i, rt_aws_client *c) {
  S_read *r = user;
  cc_buf err = CC_BUF_INIT;
  const char *name = json_string_value(json_object_get(json_array_get(r->summaries, i), "Name"));
  int rc = rt_sched_get(c, r->group, name, &r->got[i], &err);
  if (rc == CC_ENOTFOUND) r->got[i] = NULL; /* deleted since the list */
  else if (rc != CC_OK) r->got[i] = json_string(cc_buf_str(&err));
  cc_buf_free(&err);
}

/* ---- applying ---- */

typedef struct S_apply {
  rc_plan *plan;
  const char *group;
} S_apply;

static void S_apply_one(void *user, size_t i, rt_aws_client *c) {
  S_apply *ap = user;
  rc_action *a = &ap->plan->a[i];
  cc_buf err = CC_BUF_INIT;
  int rc = CC_OK;
  switch (a->kind) {
  case RC_CREATE: rc = rt_sched_create(c, ap->group, a->name, a->def, &err); break;
  case RC_UPDATE: rc = rt_sched_update(c, ap->group, a->name, a->def, &err); break;
  case RC_DELETE:
    rc = rt_sched_delete(c, ap->group, a->name, &err);
    if (rc == CC_ENOTFOUND) rc = CC_OK; /* gone already: the goal is met */
    break;
  default: return;
  }
  a->rc = rc;
  if (rc != CC_OK) a->error = strdup(cc_buf_str(&err));
  cc_buf_free(&err);
}

static const char *S_expr(const json_t *def) {
  const char *s = json_string_value(json_object_get(def, "ScheduleExpression"));
  return s ? s : "?";
}

/* One line per change (and per failed entry), as the seed logs them. */
static void S_log_action(const cloudcron_ctx *ctx, const rc_action *a, int dry) {
  static const char *const verb[] = {"CREATE", "UPDATE", "DELETE", "UNCHANGED", "FAILED"};
  rc_kind k = a->rc != CC_OK ? RC_FAILED : a->kind;
  json_t *f = json_pack("{s:s,s:s}", "action", verb[k], "schedule", a->name);
  if (dry && f) json_object_set_new(f, "dry_run", json_true());
  const char *d = dry ? " (dry run)" : "";
  if (k == RC_FAILED) {
    const char *why = a->error ? a->error : a->why ? a->why : "failed";
    if (a->kind != RC_FAILED) json_object_set_new(f, "wanted", json_string(verb[a->kind]));
    cloudcron_log_fields(ctx, CLOUDCRON_ERROR, f, "FAILED: %s: %s", a->name, why);
  } else if (k == RC_CREATE) {
    cloudcron_log_fields(ctx, CLOUDCRON_INFO, f, "CREATE: %s (cron: %s)%s", a->name,
                         S_expr(a->def), d);
  } else if (k == RC_UPDATE) {
    if (a->why && strcmp(a->why, "expression") == 0)
      cloudcron_log_fields(ctx, CLOUDCRON_INFO, f, "UPDATE: %s (cron: %s \u2192 %s)%s", a->name,
                           S_expr(a->got), S_expr(a->def), d);
    else
      cloudcron_log_fields(ctx, CLOUDCRON_INFO, f, "UPDATE: %s (%s changed)%s", a->name,
                           a->why ? a->why : "definition", d);
  } else if (k == RC_DELETE) {
    cloudcron_log_fields(ctx, CLOUDCRON_INFO, f, "DELETE: %s (removed from config)%s", a->name, d);
  } else if (a->why && strcmp(a->why, "expired") == 0) {
    cloudcron_log_fields(ctx, CLOUDCRON_DEBUG, f, "UNCHANGED: %s (at() has passed: not created "
                                                  "again)", a->name);
  }
  json_decref(f);
}

static int S_reconcile(cloudcron_ctx *ctx, const json_t *event) {
  S_env e;
  rc_config cfg = {0};
  rc_plan plan = {0};
  rt_tz_cache tzc = {0};
  json_t *summaries = NULL, *current = NULL, **got = NULL;
  cc_buf body = CC_BUF_INIT, err = CC_BUF_INIT;
  int rc = S_env_read(&e, ctx);
  if (rc != CC_OK) return rc;
  if (json_is_true(json_object_get(event, "dry_run"))) e.dry_run = 1;
  rt_aws_client *c0 = rt_sdk_client(ctx, "reconcile");
  if (!c0) return CC_EINVAL;
  rt_aws_client proto = *c0;
  proto.retry.max_attempts = 8; /* throttling is expected at this volume */
  proto.retry.cap_ms = 5000;

  /* 1. the desired state */
  size_t qn = strcspn(e.url, "?#");
  cloudcron_log(ctx, CLOUDCRON_INFO, "Fetching config from %.*s%s", (int)qn, e.url,
                e.url[qn] ? "?..." : "");
  rt_fetch_opts o;
  rt_fetch_opts_default(&o);
  o.max_bytes = (size_t)e.max_bytes;
  o.timeout_ms = (long)e.timeout_ms;
  cc_buf_init(&body, o.max_bytes + 1);
  rc = rt_source_fetch(&body, &err, e.url, &o);
  if (rc != CC_OK) {
    rc = cloudcron_fail(ctx, rc, "Failed to fetch config: %s; nothing was changed",
                        cc_buf_str(&err));
    goto out;
  }
  rc_settings st = {.collection = e.collection, .prefix = e.prefix, .timezone = e.zone,
                    .target_arn = e.target, .role_arn = e.role, .retry_attempts = e.retry_attempts,
                    .max_event_age_s = e.max_event_age_s};
  rc = rc_config_read(&cfg, &err, "config", body.ptr, body.len, &st,
                      (long long)time(NULL), &tzc);
  if (rc != CC_OK) {
    rc = cloudcron_fail(ctx, rc, "%s; nothing was changed", cc_buf_str(&err));
    goto out;
  }

  /* 2. the group as it is: managed schedules only */
  rc = rt_sched_list_all(&proto, e.group, e.prefix, 20000, &summaries, &err);
  if (rc != CC_OK) {
    rc = cloudcron_fail(ctx, rc, "Failed to list schedules: %s; nothing was changed",
                        cc_buf_str(&err));
    goto out;
  }
  size_t ns = json_array_size(summaries);
  cloudcron_log(ctx, CLOUDCRON_INFO, "Found %zu existing schedules", ns);
  if (cfg.n == 0 && ns > 0 && !e.allow_empty) {
    rc = cloudcron_fail(ctx, CC_EINVAL,
                        "the config has no entries under \"%s\" but the group holds %zu managed "
                        "schedules: nothing was deleted (set CLOUDCRON_RECONCILE_ALLOW_EMPTY=true "
                        "to delete them all)", e.collection, ns);
    goto out;
  }
  got = ns ? calloc(ns, sizeof *got) : NULL;
  current = json_object();
  if ((ns && !got) || !current) {
    rc = cloudcron_fail(ctx, CC_ENOMEM, "out of memory");
    goto out;
  }
  S_read rd = {.summaries = summaries, .group = e.group, .got = got};
  if ((rc = rc_pool_run(ns, e.workers, &proto, S_get_one, &rd)) != CC_OK) {
    rc = cloudcron_fail(ctx, rc, "cannot start the workers: %s", cc_strerror(rc));
    goto out;
  }
  for (size_t i = 0; i < ns; i++) {
    const char *name = json_string_value(json_object_get(json_array_get(summaries, i), "Name"));
    if (got[i]) json_object_set_new(current, name, got[i]);
    got[i] = NULL;
  }

  /* 3. the diff, 4. the changes */
  if ((rc = rc_plan_make(&plan, &cfg, current)) != CC_OK) {
    rc = cloudcron_fail(ctx, rc, "out of memory");
    goto out;
  }
  if (!e.dry_run) {
    S_apply ap = {.plan = &plan, .group = e.group};
    if ((rc = rc_pool_run(plan.n, e.workers, &proto, S_apply_one, &ap)) != CC_OK) {
      rc = cloudcron_fail(ctx, rc, "cannot start the workers: %s", cc_strerror(rc));
      goto out;
    }
  }
  for (size_t i = 0; i < plan.n; i++) S_log_action(ctx, &plan.a[i], e.dry_run);
  json_t *result = rc_plan_result(&plan);
  if (!result) {
    rc = cloudcron_fail(ctx, CC_ENOMEM, "out of memory");
    goto out;
  }
  if (e.dry_run) json_object_set_new(result, "dry_run", json_true());
  cloudcron_log_fields(ctx, CLOUDCRON_INFO, result, "Reconciliation complete%s",
                       e.dry_run ? " (dry run: nothing was changed)" : "");
  cloudcron_set_result(ctx, result);
  rc = CC_OK;
out:
  if (got)
    for (size_t i = 0; i < json_array_size(summaries); i++) json_decref(got[i]);
  free(got);
  rc_plan_free(&plan);
  json_decref(current);
  json_decref(summaries);
  rc_config_free(&cfg);
  rt_tz_cache_free(&tzc);
  cc_buf_free(&body);
  cc_buf_free(&err);
  return rc;
}

/* --check FILE [--collection KEY]: the config's problems, one a line. */
static int S_check(int argc, char **argv) {
  const char *path = argc > 2 ? argv[2] : NULL, *coll = S_get("CLOUDCRON_RECONCILE_COLLECTION");
  if (argc == 5 && strcmp(argv[3], "--collection") == 0) coll = argv[4];
  else if (argc != 3) {
    fprintf(stderr, "usage: %s --check FILE [--collection KEY]\n", argv[0]);
    return 2;
  }
  char *text = NULL;
  cc_buf err = CC_BUF_INIT;
  size_t len = 0;
  if (cc_file_read(&text, &len, path, (size_t)256 << 20) != CC_OK) {
    fprintf(stderr, "%s: error: cannot read the file\n", path);
    return 1;
  }
  const char *target = S_get("CLOUDCRON_SCHEDULE_TARGET_ARN"), *role = S_get("CLOUDCRON_SCHEDULER_ROLE_ARN");
  rc_settings st = {.collection = coll ? coll : "schedules",
                    .prefix = S_get("CLOUDCRON_SCHEDULE_PREFIX") ? S_get("CLOUDCRON_SCHEDULE_PREFIX") : "",
                    .timezone = S_get("CLOUDCRON_SCHEDULE_TIMEZONE") ? S_get("CLOUDCRON_SCHEDULE_TIMEZONE") : "UTC",
                    .target_arn = target ? target : "arn:aws:lambda:us-east-1:000000000000:function:check",
                    .role_arn = role ? role : "arn:aws:iam::000000000000:role/check"};
  rc_config cfg;
  rt_tz_cache tzc = {0};
  int rc = rc_config_read(&cfg, &err, path, text, len, &st, (long long)time(NULL), &tzc);
  free(text);
  int bad = 0;
  if (rc != CC_OK) {
    fprintf(stderr, "%s\n", cc_buf_str(&err));
    bad = 1;
  } else {
    for (size_t i = 0; i < cfg.n; i++)
      if (cfg.e[i].error) {
        fprintf(stderr, "%s: error: %s\n", path, cfg.e[i].error);
        bad++;
      } else if (cfg.e[i].expired) {
        printf("%s: note: entry \"%s\": its at() has passed; it is not created again\n", path,
               cfg.e[i].id);
      }
    printf("%zu entries, %d invalid\n", cfg.n, bad);
  }
  rc_config_free(&cfg);
  rt_tz_cache_free(&tzc);
  cc_buf_free(&err);
  return bad ? 1 : 0;
}

/* --help: how to run it, and the environment it reads. */
static int S_help(const char *prog) {
  printf("usage: %s                     (as a Lambda bootstrap: AWS_LAMBDA_RUNTIME_API)\n"
         "       %s --event FILE|- [--timeout SECONDS]   (one local run)\n"
         "       %s --check FILE [--collection KEY]      (check a config, change nothing)\n"
         "\n"
         "cloudcron-reconcile keeps the schedules named <prefix><id> of one EventBridge\n"
         "Scheduler group in step with a config file; nothing else is ever touched.\n"
         "The result {\"created\", \"updated\", \"deleted\", \"unchanged\", \"failed\"} is the\n"
         "invocation's response (on stdout with --event).\n"
         "\n"
         "Its variables:\n"
         "  CLOUDCRON_RECONCILE_CONFIG_URL  the config: https://..., s3://BUCKET/KEY or file://PATH (required)\n"
         "  CLOUDCRON_SCHEDULE_GROUP        the group (required)\n"
         "  CLOUDCRON_SCHEDULE_PREFIX       the managed schedules' name prefix (required, not empty)\n"
         "  CLOUDCRON_SCHEDULER_ROLE_ARN    the role the schedules assume (required)\n"
         "  CLOUDCRON_SCHEDULE_TARGET_ARN   the function they invoke (required)\n"
         "  CLOUDCRON_SCHEDULE_TIMEZONE     the zone of entries that name none (default UTC)\n"
         "  CLOUDCRON_RECONCILE_COLLECTION  the config's key holding the entries (default schedules)\n"
         "  CLOUDCRON_SCHEDULE_RETRY        the schedules' retry policy, ATTEMPTS,SECONDS\n"
         "  CLOUDCRON_RECONCILE_ALLOW_EMPTY true: a config without entries deletes every managed schedule\n"
         "  CLOUDCRON_RECONCILE_DRY_RUN     true: log the plan, change nothing\n"
         "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or\n"
         "  AWS_DEFAULT_REGION, AWS_PROFILE)  credentials and region\n"
         "  AWS_ENDPOINT_URL_SCHEDULER, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL   other endpoints\n"
         "runtime/handlers/README.md#cloudcron-reconcile says more.\n",
         prog, prog, prog);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
    return S_help(argv[0]);
  if (argc >= 2 && strcmp(argv[1], "--check") == 0) return S_check(argc, argv);
  return cloudcron_main(argc, argv, S_reconcile);
}
