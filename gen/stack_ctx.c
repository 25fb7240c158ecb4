/* gen/stack_ctx.c: the root stack's rendering context (gen/stack_ctx.h).
 *
 * Shape (every list in the spec's order; absent optional strings are null;
 * "id" and "module" fields are Terraform identifiers, "ref" fields HCL
 * expressions printed as they are):
 *   project, spec_path, region, tags [{key, value}], sandbox_services [..]
 *   any_build, any_republish, any_file_template (a wired channel has a
 *   `file:` template or text template), any_idempotency
 *   readme_images, readme_files         what the README's notes cover
 *                                       (readme_files: any channel's
 *                                       `template` is a file)
 *   topics [{key, id, name, fifo, arn}]
 *   images [{key, kind, module, architecture, uri | repository, source_dir,
 *            dockerfile, platform, tag, build_args, context | repository,
 *            source, tag, platform}]
 *   tasks [{key, module, function_name, schedule, when, environment
 *           [{key, value, ref}], ...}]
 *   notifications [{key, wired, module, channel, channel_module, queue_name
 *                   and dead_letter_queue_name (no .fifo: the module adds
 *                   it), queue_aws_name, dead_letter_queue_aws_name,
 *                   template {kind, value, name, object, file, parts
 *                   [{path, id}]}, text (the same, or null), ...}]
 *   schedule_groups, reconcilers, dispatchers, alarm_topic, alarms
 *   platform {permissions_boundary, role_path, kms_environment, kms_logs,
 *             kms_topics}   (null each when the spec's `platform` omits it)
 *   any_logging   whether a task has `logging` (left out in the sandbox)
 * and in each task: subnets, security_groups (lists, empty outside a VPC),
 *   tracing, log_format, log_level, system_log_level (null when unset),
 *   ephemeral_storage (0: unset), command, entry_point (null when unset),
 *   topic_kms_key (the topics' key when the task publishes to a topic the
 *   stack creates and platform.kms.topics is set, else null)
 * templates/stack/ reads these; tests/generate/test_stack_ctx.c checks them. */
#include "stack_ctx.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "hcl.h"
#include "modules.h"
#include "paths.h"

typedef struct S_b {
  const gen_spec *spec;
  const char *out_dir;
  int rc; /* sticky: the first failure */
  cc_buf scratch;
} S_b;

static void S_fail(S_b *b, int rc) {
  if (!b->rc) b->rc = rc;
}

/* Sets O[K] = V (stolen); a NULL V (a failed allocation) fails B. */
static void S_set(S_b *b, json_t *o, const char *k, json_t *v) {
  if (!v || json_object_set_new(o, k, v)) S_fail(b, CC_ENOMEM);
}

static void S_push(S_b *b, json_t *list, json_t *v) {
  if (!v || json_array_append_new(list, v)) S_fail(b, CC_ENOMEM);
}

static json_t *S_str(const char *s) { return s ? json_string(s) : json_null(); }

static void S_sets(S_b *b, json_t *o, const char *k, const char *s) { S_set(b, o, k, S_str(s)); }
static void S_seti(S_b *b, json_t *o, const char *k, long long v) { S_set(b, o, k, json_integer(v)); }
static void S_setb(S_b *b, json_t *o, const char *k, bool v) { S_set(b, o, k, json_boolean(v)); }

/* O[K] = a borrowed JSON value (null when absent). */
static void S_setj(S_b *b, json_t *o, const char *k, json_t *v) { S_set(b, o, k, v ? json_incref(v) : json_null()); }

/* O[K] = PREFIX then KEY as an identifier (gen_hcl_ident). */
static void S_setid(S_b *b, json_t *o, const char *k, const char *prefix, const char *key) {
  cc_buf_truncate(&b->scratch, 0);
  if (gen_hcl_ident(&b->scratch, prefix, key)) S_fail(b, CC_ENOMEM);
  else S_sets(b, o, k, cc_buf_str(&b->scratch));
}

/* O[K] = printf(FMT, ...). */
static void S_setf(S_b *b, json_t *o, const char *k, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void S_setf(S_b *b, json_t *o, const char *k, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_buf_truncate(&b->scratch, 0);
  int rc = cc_buf_vprintf(&b->scratch, fmt, ap);
  va_end(ap);
  if (rc) S_fail(b, rc);
  else S_sets(b, o, k, cc_buf_str(&b->scratch));
}

static json_t *S_strs(S_b *b, const gen_strs *l) {
  json_t *a = json_array();
  for (size_t i = 0; i < l->n; i++) S_push(b, a, json_string(l->items[i]));
  return a;
}

static json_t *S_kvs(S_b *b, const gen_kvs *l) {
  json_t *a = json_array();
  for (size_t i = 0; i < l->n; i++) {
    json_t *o = json_object();
    S_sets(b, o, "key", l->items[i].key);
    S_sets(b, o, "value", l->items[i].value);
    S_push(b, a, o);
  }
  return a;
}

static const char *const S_channel_modules[] = {"email-notification", "sms-notification", "print-notification"};
static const char *const S_channel_names[] = {"email", "sms", "print"};
static const char *const S_channel_labels[] = {"e-mail (SES)", "SMS (Twilio)", "print (CloudWatch Logs)"};
static const char *const S_image_kinds[] = {"build", "republish", "uri"};
static const char *const S_template_kinds[] = {"inline", "file", "url", "s3"};

const char *gen_channel_module(gen_channel channel) { return S_channel_modules[channel]; }

/* AWS services the stack and its modules call, by the provider's endpoint
 * names: every one goes to the sandbox's endpoint when it is set. */
static const char *const S_sandbox_services[] = {"cloudwatch", "cloudwatchlogs", "dynamodb",       "ec2", "ecr",
                                                 "events",     "iam",            "kms",            "lambda",
                                                 "scheduler",  "s3",             "secretsmanager", "sns", "sqs",
                                                 "ssm",        "sts"};

/* ---- names: every derived one, here once ---- */

/* A queue's AWS name from NAME (with or without a trailing .fifo): BASE
 * without it (what the modules take: they add .fifo themselves), AWS with
 * it when FIFO. */
static void S_queue_names(S_b *b, json_t *o, const char *base_key, const char *aws_key, const char *name, bool fifo) {
  size_t n = strlen(name);
  if (n > 5 && !strcmp(name + n - 5, ".fifo")) n -= 5;
  S_setf(b, o, base_key, "%.*s", (int)n, name);
  S_setf(b, o, aws_key, "%.*s%s", (int)n, name, fifo ? ".fifo" : "");
}

/* "cron(0 2 * * ? *)" -> "every day at 02:00 (TZ)"; other forms are
 * described field by field (the README's When column). */
static int S_when(cc_buf *b, const char *expr, const char *tz) {
  size_t n = strlen(expr);
  if (!strncmp(expr, "rate(", 5) && n > 6) return cc_buf_printf(b, "every %.*s", (int)(n - 6), expr + 5);
  if (!strncmp(expr, "at(", 3) && n > 4) {
    char when[64];
    snprintf(when, sizeof when, "%.*s", (int)(n - 4), expr + 3);
    char *t = strchr(when, 'T');
    if (t) *t = ' ';
    return cc_buf_printf(b, "once, at %s (%s); the schedule is deleted after it runs", when, tz);
  }
  if (!strncmp(expr, "cron(", 5) && n > 6) {
    char f[6][64];
    char body[256];
    snprintf(body, sizeof body, "%.*s", (int)(n - 6), expr + 5);
    if (sscanf(body, "%63s %63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4], f[5]) == 6) {
      int mi, h;
      char extra;
      bool any_day = (!strcmp(f[2], "*") || !strcmp(f[2], "?")) && (!strcmp(f[4], "*") || !strcmp(f[4], "?"));
      if (sscanf(f[0], "%d%c", &mi, &extra) == 1 && sscanf(f[1], "%d%c", &h, &extra) == 1 && any_day &&
          !strcmp(f[3], "*") && !strcmp(f[5], "*"))
        return cc_buf_printf(b, "every day at %02d:%02d (%s)", h, mi, tz);
      static const char *const names[] = {"minute", "hour", "day of month", "month", "day of week", "year"};
      int rc = CC_OK;
      for (int i = 0; i < 6 && !rc; i++)
        rc = cc_buf_printf(b, "%s%s %s", i ? ", " : "", names[i], !strcmp(f[i], "?") ? "any" : f[i]);
      return rc ? rc : cc_buf_printf(b, " (%s)", tz);
    }
  }
  return cc_buf_puts(b, expr);
}

/* "CLOUDCRON_SCHEDULE_<WHAT>_<KEY>": what the task SDK reads for a group
 * key (upper case, dashes as underscores). */
static void S_group_var(S_b *b, json_t *o, const char *what, const char *key) {
  cc_buf_truncate(&b->scratch, 0);
  int rc = cc_buf_printf(&b->scratch, "CLOUDCRON_SCHEDULE_%s_", what);
  for (const char *k = key; *k && !rc; k++)
    rc = cc_buf_putc(&b->scratch, *k == '-' ? '_' : (char)(*k >= 'a' && *k <= 'z' ? *k - 32 : *k));
  if (rc) S_fail(b, rc);
  else S_sets(b, o, "key", cc_buf_str(&b->scratch));
}

/* ---- the parts ---- */

static bool S_wired(const gen_notification *n) { return gen_module_exists(S_channel_modules[n->channel]); }

static json_t *S_topic(S_b *b, const gen_topic *t) {
  json_t *o = json_object();
  S_sets(b, o, "key", t->key);
  S_setid(b, o, "id", "", t->key);
  S_sets(b, o, "name", t->name);
  S_setb(b, o, "fifo", t->fifo);
  S_sets(b, o, "arn", t->arn);
  return o;
}

static json_t *S_image(S_b *b, const gen_image *img) {
  const gen_spec *s = b->spec;
  json_t *o = json_object();
  S_sets(b, o, "key", img->key);
  S_sets(b, o, "kind", S_image_kinds[img->kind]);
  S_setid(b, o, "module", "image_", img->key);
  S_sets(b, o, "architecture", img->architecture);
  switch (img->kind) {
  case GEN_IMAGE_URI: S_sets(b, o, "uri", img->uri); break;
  case GEN_IMAGE_BUILD: {
    S_sets(b, o, "repository", img->build.repository);
    /* The context stays where the spec has it, referenced relative to the
     * stack so the tree can move as a whole. */
    cc_buf from = CC_BUF_INIT, to = CC_BUF_INIT, rel = CC_BUF_INIT;
    int rc = cc_buf_printf(&from, "%s/stacks/%s", b->out_dir, s->project);
    if (!rc) rc = cc_buf_printf(&to, "%s/%s", s->dir, img->build.context);
    if (!rc) rc = gen_relpath(&rel, cc_buf_str(&from), cc_buf_str(&to));
    if (rc) S_fail(b, rc);
    else S_sets(b, o, "source_dir", cc_buf_str(&rel));
    cc_buf_free(&from);
    cc_buf_free(&to);
    cc_buf_free(&rel);
    S_sets(b, o, "context", img->build.context);
    S_sets(b, o, "dockerfile", img->build.dockerfile);
    S_sets(b, o, "platform", img->build.platform);
    S_sets(b, o, "tag", img->build.tag);
    S_set(b, o, "build_args", S_kvs(b, &img->build.build_args));
    break;
  }
  case GEN_IMAGE_REPUBLISH:
    S_sets(b, o, "repository", img->republish.repository);
    S_sets(b, o, "source", img->republish.source);
    S_sets(b, o, "tag", img->republish.tag);
    S_sets(b, o, "platform", strcmp(img->architecture, "arm64") ? "linux/amd64" : "linux/arm64");
    break;
  }
  return o;
}

/* A task's environment: its own `env`, then for each schedule group it
 * creates schedules in, the group's retry, name, role, target and queue. */
static json_t *S_environment(S_b *b, const gen_task *t) {
  const gen_spec *s = b->spec;
  json_t *env = json_array();
  for (size_t i = 0; i < t->env.n; i++) {
    json_t *e = json_object();
    S_sets(b, e, "key", t->env.items[i].key);
    S_sets(b, e, "value", t->env.items[i].value);
    S_sets(b, e, "ref", NULL);
    S_push(b, env, e);
  }
  static const char *const what[][2] = {
      {"GROUP", "group_name"}, {"ROLE", "scheduler_role_arn"}, {"TARGET", "target_function_arn"}};
  cc_buf id = CC_BUF_INIT;
  for (size_t i = 0; i < s->nschedule_groups; i++) {
    const gen_schedule_group *g = &s->schedule_groups[i];
    bool creator = false;
    for (size_t j = 0; j < g->creators.n; j++) creator |= !strcmp(g->creators.items[j], t->key);
    if (!creator) continue;
    if (g->has_retry) {
      json_t *e = json_object();
      S_group_var(b, e, "RETRY", g->key);
      S_setf(b, e, "value", "%d,%d", g->retry_attempts, g->retry_max_age);
      S_sets(b, e, "ref", NULL);
      S_push(b, env, e);
    }
    cc_buf_truncate(&id, 0);
    if (gen_hcl_ident(&id, "group_", g->key)) S_fail(b, CC_ENOMEM);
    for (size_t w = 0; w < 3; w++) {
      json_t *e = json_object();
      S_group_var(b, e, what[w][0], g->key);
      S_sets(b, e, "value", NULL);
      S_setf(b, e, "ref", "module.%s.%s", cc_buf_str(&id), what[w][1]);
      S_push(b, env, e);
    }
    if (g->dead_letter) {
      json_t *e = json_object();
      S_group_var(b, e, "DLQ", g->key);
      S_sets(b, e, "value", NULL);
      cc_buf_truncate(&id, 0);
      if (gen_hcl_ident(&id, "aws_sqs_queue.group_dlq_", g->key)) S_fail(b, CC_ENOMEM);
      S_setf(b, e, "ref", "%s.arn", cc_buf_str(&id));
      S_push(b, env, e);
    }
  }
  cc_buf_free(&id);
  return env;
}

static json_t *S_task(S_b *b, const gen_task *t) {
  json_t *o = json_object();
  S_sets(b, o, "key", t->key);
  S_setid(b, o, "module", "task_", t->key);
  S_sets(b, o, "function_name", t->function_name);
  S_sets(b, o, "image", t->image);
  S_sets(b, o, "architecture", t->image_ref->architecture);
  S_sets(b, o, "schedule", t->schedule);
  S_sets(b, o, "timezone", t->timezone);
  S_sets(b, o, "schedule_name", t->schedule_name);
  S_sets(b, o, "role_name", t->role_name);
  S_sets(b, o, "scheduler_role_name", t->scheduler_role_name);
  S_seti(b, o, "timeout", t->timeout);
  S_seti(b, o, "memory_size", t->memory);
  S_seti(b, o, "reserved_concurrency", t->max_concurrency);
  S_seti(b, o, "retry_attempts", t->retry_attempts);
  S_seti(b, o, "retry_max_age_seconds", t->retry_max_age);
  /* the same retry for a run that fails in the function, within Lambda's
   * limits for asynchronous invocations (2 retries, 6 hours) */
  S_seti(b, o, "function_retry_attempts", t->retry_attempts < 2 ? t->retry_attempts : 2);
  S_seti(b, o, "function_max_event_age_seconds", t->retry_max_age < 21600 ? t->retry_max_age : 21600);
  S_seti(b, o, "flexible_window_minutes", t->flexible_window);
  S_setb(b, o, "enabled", t->enabled);
  S_setb(b, o, "dead_letter", t->dead_letter);
  S_sets(b, o, "dead_letter_queue_name", t->dlq_name);
  S_setb(b, o, "has_input", t->input != NULL);
  S_setj(b, o, "input", t->input);
  S_set(b, o, "publishes", S_strs(b, &t->publishes));
  S_set(b, o, "environment", S_environment(b, t));
  /* what platform teams set */
  S_set(b, o, "subnets", S_strs(b, &t->subnets));
  S_set(b, o, "security_groups", S_strs(b, &t->security_groups));
  S_sets(b, o, "tracing", t->tracing);
  S_sets(b, o, "log_format", t->log_format);
  S_sets(b, o, "log_level", t->log_level);
  S_sets(b, o, "system_log_level", t->system_log_level);
  S_seti(b, o, "ephemeral_storage", t->ephemeral_storage);
  S_set(b, o, "command", t->command.n ? S_strs(b, &t->command) : json_null());
  S_set(b, o, "entry_point", t->entry_point.n ? S_strs(b, &t->entry_point) : json_null());
  bool created = false;
  for (size_t i = 0; i < t->publishes.n; i++) created |= t->publishes_ref && t->publishes_ref[i] && !t->publishes_ref[i]->arn;
  S_sets(b, o, "topic_kms_key", created ? b->spec->platform.kms_topics : NULL);
  cc_buf when = CC_BUF_INIT;
  if (t->schedule) {
    int rc = S_when(&when, t->schedule, t->timezone);
    if (rc) S_fail(b, rc);
  }
  S_sets(b, o, "when", t->schedule ? cc_buf_str(&when) : NULL);
  cc_buf_free(&when);
  return o;
}

/* A channel's template (or text template): KIND, the value as written,
 * and for a file the S3 object's resource, the file's name and (PARTS) the
 * templates it reaches. */
static json_t *S_template(S_b *b, const gen_notification *n, bool text) {
  json_t *o = json_object();
  gen_template_kind kind = text ? n->text_kind : n->template_kind;
  const char *value = text ? n->text_value : n->template_value;
  S_sets(b, o, "kind", S_template_kinds[kind]);
  S_sets(b, o, "value", value);
  S_sets(b, o, "name", text ? n->text_name : n->template_name);
  S_setid(b, o, "object", text ? "text_template_" : "template_", n->key);
  /* copied to templates/KEY/FILE (a text template to KEY.text/FILE: no clash
   * with the parts, a notification key has no dot) */
  S_sets(b, o, "file", gen_path_base(value));
  S_setf(b, o, "folder", "%s%s", n->key, text ? ".text" : "");
  json_t *parts = json_array();
  for (size_t k = 0; !text && kind == GEN_TEMPLATE_FILE && k < n->ntemplate_parts; k++) {
    json_t *p = json_object();
    S_sets(b, p, "path", n->template_parts[k]);
    cc_buf_truncate(&b->scratch, 0);
    if (gen_hcl_ident(&b->scratch, "tpl_part_", n->key) || cc_buf_printf(&b->scratch, "_%zu", k + 1))
      S_fail(b, CC_ENOMEM);
    else S_sets(b, p, "id", cc_buf_str(&b->scratch));
    S_push(b, parts, p);
  }
  S_set(b, o, "parts", parts);
  return o;
}

static json_t *S_notification(S_b *b, const gen_notification *n) {
  json_t *o = json_object();
  bool fifo = n->topic_ref ? n->topic_ref->fifo : true;
  S_sets(b, o, "key", n->key);
  S_setb(b, o, "wired", S_wired(n));
  S_setid(b, o, "module", "notify_", n->key);
  S_sets(b, o, "channel", S_channel_names[n->channel]);
  S_sets(b, o, "channel_module", S_channel_modules[n->channel]);
  S_sets(b, o, "channel_label", S_channel_labels[n->channel]);
  S_sets(b, o, "function_name", n->function_name);
  S_sets(b, o, "role_name", n->role_name);
  S_sets(b, o, "image", n->image);
  S_sets(b, o, "architecture", n->image_ref->architecture);
  S_sets(b, o, "topic", n->topic);
  S_queue_names(b, o, "queue_name", "queue_aws_name", n->queue_name, fifo);
  S_queue_names(b, o, "dead_letter_queue_name", "dead_letter_queue_aws_name", n->dlq_name, fifo);
  S_setj(b, o, "filter", n->filter);
  S_set(b, o, "template", S_template(b, n, false));
  S_set(b, o, "text", n->text_value ? S_template(b, n, true) : json_null());
  S_setj(b, o, "vars", json_object_size(n->vars) ? n->vars : NULL);
  S_sets(b, o, "subject", n->subject);
  S_sets(b, o, "sender", n->sender);
  S_set(b, o, "recipients", S_strs(b, &n->recipients));
  S_set(b, o, "reply_to", S_strs(b, &n->reply_to));
  S_sets(b, o, "configuration_set", n->configuration_set);
  S_sets(b, o, "from", n->from);
  S_setb(b, o, "allow_override", n->allow_override);
  S_sets(b, o, "twilio_secret", n->twilio_secret);
  S_setb(b, o, "idempotency", n->idempotency && n->channel != GEN_CHANNEL_PRINT);
  return o;
}

static json_t *S_group(S_b *b, const gen_schedule_group *g) {
  json_t *o = json_object();
  S_sets(b, o, "key", g->key);
  S_setid(b, o, "module", "group_", g->key);
  S_setid(b, o, "dead_letter_id", "group_dlq_", g->key);
  S_setb(b, o, "dead_letter", g->dead_letter);
  S_sets(b, o, "dead_letter_queue_name", g->dlq_name);
  S_sets(b, o, "group_name", g->group_name);
  S_setid(b, o, "target_module", "task_", g->target);
  S_sets(b, o, "scheduler_role_name", g->scheduler_role_name);
  S_sets(b, o, "policy_name", g->policy_name);
  json_t *creators = json_array();
  for (size_t j = 0; j < g->creators.n; j++) {
    const gen_task *t = g->creators_ref ? g->creators_ref[j] : NULL;
    if (!t) continue;
    json_t *c = json_object();
    S_sets(b, c, "key", t->key);
    S_sets(b, c, "role_name", t->role_name);
    S_setid(b, c, "module", "task_", t->key);
    cc_buf_truncate(&b->scratch, 0);
    if (gen_hcl_ident(&b->scratch, "group_", g->key) || gen_hcl_ident(&b->scratch, "_", t->key))
      S_fail(b, CC_ENOMEM);
    else S_sets(b, c, "id", cc_buf_str(&b->scratch));
    S_push(b, creators, c);
  }
  S_set(b, o, "creators", creators);
  return o;
}

static json_t *S_reconciler(S_b *b, const gen_reconciler *x) {
  json_t *o = json_object();
  S_sets(b, o, "key", x->key);
  S_setid(b, o, "module", "reconcile_", x->key);
  S_sets(b, o, "function_name", x->function_name);
  S_sets(b, o, "role_name", x->role_name);
  S_sets(b, o, "image", x->image);
  S_sets(b, o, "architecture", x->image_ref->architecture);
  S_sets(b, o, "schedule", x->schedule);
  S_sets(b, o, "scheduler_role_name", x->scheduler_role_name);
  S_setb(b, o, "enabled", x->enabled);
  S_sets(b, o, "config", x->config);
  S_sets(b, o, "collection", x->collection);
  S_sets(b, o, "timezone", x->timezone);
  S_setb(b, o, "allow_empty", x->allow_empty);
  S_setb(b, o, "dry_run", x->dry_run);
  S_setid(b, o, "group_module", "group_", x->group);
  S_sets(b, o, "prefix", x->prefix);
  json_t *retry = json_null();
  if (x->group_ref && x->group_ref->has_retry) {
    json_decref(retry);
    retry = json_object();
    S_seti(b, retry, "attempts", x->group_ref->retry_attempts);
    S_seti(b, retry, "max_age_seconds", x->group_ref->retry_max_age);
  }
  S_set(b, o, "retry", retry);
  return o;
}

static json_t *S_dispatcher(S_b *b, const gen_dispatcher *d) {
  json_t *o = json_object();
  S_sets(b, o, "key", d->key);
  S_setid(b, o, "module", "dispatch_", d->key);
  S_sets(b, o, "function_name", d->function_name);
  S_sets(b, o, "role_name", d->role_name);
  S_sets(b, o, "scheduler_role_name", d->scheduler_role_name);
  S_sets(b, o, "schedule", d->schedule);
  S_setb(b, o, "enabled", d->enabled);
  S_sets(b, o, "image", d->image);
  S_sets(b, o, "architecture", d->image_ref ? d->image_ref->architecture : "x86_64");
  S_seti(b, o, "timeout", d->timeout);
  S_seti(b, o, "memory_size", d->memory);
  S_set(b, o, "subnet_ids", S_strs(b, &d->subnets));
  S_set(b, o, "security_group_ids", S_strs(b, &d->security_groups));
  S_sets(b, o, "database_secret", d->database_secret);
  S_sets(b, o, "sslmode", d->sslmode);
  S_seti(b, o, "batch_size", d->batch);
  S_sets(b, o, "queue_arn", d->queue_arn);
  S_setb(b, o, "fifo", d->fifo);
  S_queue_names(b, o, "queue_name", "queue_aws_name", d->queue_name, d->fifo);
  S_queue_names(b, o, "dead_letter_queue_name", "dead_letter_queue_aws_name", d->dlq_name, d->fifo);
  return o;
}

/* ---- the whole ---- */

int gen_stack_context(json_t **out, const gen_spec *s, const char *out_dir) {
  S_b b = {.spec = s, .out_dir = out_dir, .scratch = CC_BUF_INIT};
  json_t *c = json_object();
  *out = NULL;
  S_sets(&b, c, "project", s->project);
  S_sets(&b, c, "spec_path", s->path);
  S_sets(&b, c, "region", s->region);
  S_set(&b, c, "tags", S_kvs(&b, &s->tags));
  json_t *services = json_array();
  for (size_t i = 0; i < sizeof S_sandbox_services / sizeof *S_sandbox_services; i++)
    S_push(&b, services, json_string(S_sandbox_services[i]));
  S_set(&b, c, "sandbox_services", services);

  bool build = false, republish = false, files = false, readme_files = false, idempotency = false;
  json_t *list = json_array();
  for (size_t i = 0; i < s->nimages; i++) {
    build |= s->images[i].kind == GEN_IMAGE_BUILD;
    republish |= s->images[i].kind == GEN_IMAGE_REPUBLISH;
    S_push(&b, list, S_image(&b, &s->images[i]));
  }
  S_set(&b, c, "images", list);
  list = json_array();
  for (size_t i = 0; i < s->ntopics; i++) S_push(&b, list, S_topic(&b, &s->topics[i]));
  S_set(&b, c, "topics", list);
  list = json_array();
  for (size_t i = 0; i < s->ntasks; i++) S_push(&b, list, S_task(&b, &s->tasks[i]));
  S_set(&b, c, "tasks", list);
  list = json_array();
  for (size_t i = 0; i < s->nnotifications; i++) {
    const gen_notification *n = &s->notifications[i];
    bool wired = S_wired(n);
    files |= wired && (n->template_kind == GEN_TEMPLATE_FILE || (n->text_value && n->text_kind == GEN_TEMPLATE_FILE));
    readme_files |= n->template_kind == GEN_TEMPLATE_FILE;
    idempotency |= wired && n->idempotency && n->channel != GEN_CHANNEL_PRINT;
    S_push(&b, list, S_notification(&b, n));
  }
  S_set(&b, c, "notifications", list);
  list = json_array();
  for (size_t i = 0; i < s->nschedule_groups; i++) S_push(&b, list, S_group(&b, &s->schedule_groups[i]));
  S_set(&b, c, "schedule_groups", list);
  list = json_array();
  for (size_t i = 0; i < s->nreconcilers; i++) S_push(&b, list, S_reconciler(&b, &s->reconcilers[i]));
  S_set(&b, c, "reconcilers", list);
  list = json_array();
  for (size_t i = 0; i < s->ndispatchers; i++) S_push(&b, list, S_dispatcher(&b, &s->dispatchers[i]));
  S_set(&b, c, "dispatchers", list);
  S_sets(&b, c, "alarm_topic", s->alarm_topic);
  list = json_array();
  if (!list) S_fail(&b, CC_ENOMEM);
  else {
    int rc = gen_stack_ctx_alarms(list, s);
    if (rc) S_fail(&b, rc);
  }
  S_set(&b, c, "alarms", list);
  json_t *platform = json_object();
  S_sets(&b, platform, "permissions_boundary", s->platform.permissions_boundary);
  S_sets(&b, platform, "role_path", s->platform.role_path);
  S_sets(&b, platform, "kms_environment", s->platform.kms_environment);
  S_sets(&b, platform, "kms_logs", s->platform.kms_logs);
  S_sets(&b, platform, "kms_topics", s->platform.kms_topics);
  S_set(&b, c, "platform", platform);
  bool logging = false;
  for (size_t i = 0; i < s->ntasks; i++) logging |= s->tasks[i].log_format != NULL;
  S_setb(&b, c, "any_logging", logging);

  S_setb(&b, c, "any_build", build);
  S_setb(&b, c, "any_republish", republish);
  S_setb(&b, c, "any_file_template", files);
  S_setb(&b, c, "any_idempotency", idempotency);
  S_setb(&b, c, "readme_images", build || republish);
  S_setb(&b, c, "readme_files", readme_files);
  if (!c) S_fail(&b, CC_ENOMEM);
  cc_buf_free(&b.scratch);
  if (b.rc) {
    json_decref(c);
    return b.rc;
  }
  *out = c;
  return CC_OK;
}
