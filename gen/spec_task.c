/* gen/spec_task.c: reading one entry of `tasks` (gen/spec_reader.h). */
#include <stdio.h>
#include <string.h>

#include "cc/buf.h"
#include "formats.h"
#include "spec_reader.h"

static const char *const S_task_keys[] = {"image",  "schedule", "timezone", "publishes",       "env",         "timeout",
                                          "memory", "input",    "retry",    "flexible_window", "dead_letter", "enabled",
                                          "ignore_warnings", "max_concurrency", "subnets", "security_groups",
                                          "tracing", "logging", "ephemeral_storage", "command", "entry_point"};
static const char *const S_logging_keys[] = {"format", "application_level", "system_level"};
static const char *const S_tracing_modes[] = {"Active", "PassThrough"};
static const char *const S_log_formats[] = {"JSON", "Text"};
static const char *const S_app_levels[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
static const char *const S_system_levels[] = {"DEBUG", "INFO", "WARN"};

static const char *S_check_env_key(const char *key) {
  if (!gen_is_env_name(key)) return "is not a valid environment variable name";
  if (!strncmp(key, "AWS_", 4) || !strcmp(key, "_HANDLER") || !strncmp(key, "LAMBDA_", 7))
    return "is reserved by AWS Lambda";
  if (!strncmp(key, "CLOUDCRON_", 10)) return "is reserved: cloudcron sets CLOUDCRON_* variables itself";
  return NULL;
}

/* N is one of the NALLOWED words (a string); reports it otherwise. */
static bool S_one_of(gen_reader *r, const gen_node *n, const char *what, const char *const *allowed, size_t nallowed,
                     const char **out) {
  const char *v;
  if (!gen_rd_nonempty(r, n, what, &v)) return false;
  for (size_t i = 0; i < nallowed; i++)
    if (!strcmp(v, allowed[i])) {
      *out = allowed[i];
      return true;
    }
  cc_buf list = CC_BUF_INIT;
  for (size_t i = 0; i < nallowed; i++) cc_buf_emitf(&list, "%s%s", i ? ", " : "", allowed[i]);
  gen_rd_err(r, n, "%s must be one of %s, not `%s`", what, cc_buf_failed(&list) ? "(out of memory)" : cc_buf_str(&list),
             v);
  cc_buf_free(&list);
  return false;
}

/* A non-empty list of strings in order, repeats allowed (an image's command line). */
static void S_argv(gen_reader *r, const gen_node *n, const char *what, gen_strs *out) {
  if (n->kind != GEN_NODE_SEQ) {
    gen_rd_err(r, n, "%s must be a list of strings, not %s", what, gen_node_type_name(n));
    return;
  }
  if (n->nitems == 0) {
    gen_rd_err(r, n, "%s must not be empty: leave it out to use the image's", what);
    return;
  }
  out->items = gen_rd_alloc(r, n->nitems * sizeof *out->items);
  out->spans = gen_rd_alloc(r, n->nitems * sizeof *out->spans);
  if (!out->items || !out->spans) return;
  char label[96];
  snprintf(label, sizeof label, "each entry of %s", what);
  for (size_t i = 0; i < n->nitems; i++) {
    const char *s;
    if (!gen_rd_string(r, n->items[i], label, &s)) continue;
    out->items[out->n] = s;
    out->spans[out->n++] = n->items[i]->span;
  }
}

/* `subnets` / `security_groups` of a task: ids starting with PREFIX. */
static void S_ids(gen_reader *r, const gen_node *n, const char *what, const char *prefix, const char *kind,
                  gen_strs *out) {
  gen_rd_string_list(r, n, what, out);
  if (n->kind == GEN_NODE_SEQ && n->nitems == 0) gen_rd_err(r, n, "%s must not be empty", what);
  for (size_t i = 0; i < out->n; i++)
    if (strncmp(out->items[i], prefix, strlen(prefix)) != 0) {
      gen_node at = {.span = out->spans[i]};
      gen_rd_err(r, &at, "`%s` is not a %s id (%s...)", out->items[i], kind, prefix);
    }
}

static void S_read_logging(gen_reader *r, gen_task *t, const gen_node *n) {
  if (!gen_rd_is_map(r, n, "`logging`")) return;
  gen_rd_keys(r, n, S_logging_keys, GEN_RD_COUNT(S_logging_keys), "`logging`", NULL, 0, NULL);
  const gen_node *x;
  if ((x = gen_node_get(n, "format")))
    S_one_of(r, x, "`logging.format`", S_log_formats, GEN_RD_COUNT(S_log_formats), &t->log_format);
  const char *fmt = t->log_format ? t->log_format : "Text";
  if (x && !t->log_format) return; /* a format Lambda does not know: reported already */
  const char *levels[] = {"application_level", "system_level"};
  for (size_t i = 0; i < 2; i++) {
    if (!(x = gen_node_get(n, levels[i]))) continue;
    char what[48];
    snprintf(what, sizeof what, "`logging.%s`", levels[i]);
    bool ok = i == 0 ? S_one_of(r, x, what, S_app_levels, GEN_RD_COUNT(S_app_levels), &t->log_level)
                     : S_one_of(r, x, what, S_system_levels, GEN_RD_COUNT(S_system_levels), &t->system_log_level);
    if (ok && strcmp(fmt, "JSON"))
      gen_rd_err(r, x, "%s needs `logging.format: JSON`: Lambda filters log levels of JSON logs only", what);
  }
}

/* The keys platform teams set (docs/spec.md, "What platform teams set"). */
static void S_read_platform_keys(gen_reader *r, gen_task *t, const gen_node *k, const gen_node *v) {
  const gen_node *n, *sn = gen_node_get(v, "subnets"), *sg = gen_node_get(v, "security_groups");
  if (sn) S_ids(r, sn, "`subnets`", "subnet-", "subnet", &t->subnets);
  if (sg) S_ids(r, sg, "`security_groups`", "sg-", "security group", &t->security_groups);
  if (sn && !sg)
    gen_rd_err(r, sn, "task `%s` has `subnets` but no `security_groups`: a function in a VPC needs both", k->str);
  if (sg && !sn)
    gen_rd_err(r, sg, "task `%s` has `security_groups` but no `subnets`: a function in a VPC needs both", k->str);
  if ((n = gen_node_get(v, "tracing")))
    S_one_of(r, n, "`tracing`", S_tracing_modes, GEN_RD_COUNT(S_tracing_modes), &t->tracing);
  if ((n = gen_node_get(v, "logging"))) S_read_logging(r, t, n);
  if ((n = gen_node_get(v, "ephemeral_storage")))
    gen_rd_int(r, n, "`ephemeral_storage`", 512, 10240, "MB", &t->ephemeral_storage);
  if ((n = gen_node_get(v, "command"))) S_argv(r, n, "`command`", &t->command);
  if ((n = gen_node_get(v, "entry_point"))) S_argv(r, n, "`entry_point`", &t->entry_point);
}

void gen_rd_task(gen_reader *r, gen_task *t, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "task `%s`", k->str);
  t->timezone = "UTC";
  t->timeout = 60;
  t->memory = 256;
  t->retry_attempts = 185;
  t->retry_max_age = 86400;
  t->enabled = true;
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_task_keys, GEN_RD_COUNT(S_task_keys), what, NULL, 0, NULL);
  const gen_node *n;
  if ((n = gen_rd_require(r, v, k, "image", what))) {
    gen_rd_nonempty(r, n, "`image`", &t->image);
    t->image_span = n->span;
  }
  if ((n = gen_node_get(v, "schedule"))) {
    gen_rd_nonempty(r, n, "`schedule`", &t->schedule);
    t->schedule_span = n->span;
    if (n->style == GEN_STYLE_QUOTED) t->schedule_span.col++;
  }
  t->timezone_span = k->span;
  if ((n = gen_node_get(v, "timezone"))) {
    gen_rd_nonempty(r, n, "`timezone`", &t->timezone);
    t->timezone_span = n->span;
  }
  if ((n = gen_node_get(v, "publishes"))) gen_rd_string_list(r, n, "`publishes`", &t->publishes);
  if ((n = gen_node_get(v, "env"))) gen_rd_string_map(r, n, "`env`", &t->env, S_check_env_key);
  if ((n = gen_node_get(v, "timeout"))) gen_rd_int(r, n, "`timeout`", 1, 900, "seconds", &t->timeout);
  if ((n = gen_node_get(v, "memory"))) gen_rd_int(r, n, "`memory`", 128, 10240, "MB", &t->memory);
  if ((n = gen_node_get(v, "max_concurrency")))
    gen_rd_int(r, n, "`max_concurrency`", 1, 1000, "concurrent runs", &t->max_concurrency);
  if ((n = gen_node_get(v, "input"))) {
    t->input = gen_rd_json(r, n, 0);
    gen_rd_secret_entries(r, n, "the input of a task");
  }
  if ((n = gen_node_get(v, "retry"))) gen_rd_retry(r, n, &t->has_retry, &t->retry_attempts, &t->retry_max_age);
  if ((n = gen_node_get(v, "flexible_window"))) {
    const char *s;
    long secs;
    if (gen_rd_string(r, n, "`flexible_window`", &s)) {
      if (!gen_parse_duration(s, &secs) || secs % 60)
        gen_rd_err(r, n, "`flexible_window` must be whole minutes like 15m or 2h, not `%s`", s);
      else if (secs < 60 || secs > 1440 * 60)
        gen_rd_err(r, n, "`flexible_window` must be between 1m and 1440m, not %s", s);
      else
        t->flexible_window = (int)(secs / 60);
    }
  }
  if ((n = gen_node_get(v, "dead_letter"))) gen_rd_bool(r, n, "`dead_letter`", &t->dead_letter);
  if ((n = gen_node_get(v, "enabled"))) gen_rd_bool(r, n, "`enabled`", &t->enabled);
  if ((n = gen_node_get(v, "ignore_warnings"))) gen_rd_string_list(r, n, "`ignore_warnings`", &t->ignore_warnings);
  S_read_platform_keys(r, t, k, v);
}
