/* gen/spec_task.c: reading one entry of `tasks` (gen/spec_reader.h). */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "spec_reader.h"

static const char *const S_task_keys[] = {"image",  "schedule", "timezone", "publishes",       "env",         "timeout",
                                          "memory", "input",    "retry",    "flexible_window", "dead_letter", "enabled",
                                          "ignore_warnings", "max_concurrency"};
static const char *const S_retry_keys[] = {"attempts", "max_age"};

static const char *S_check_env_key(const char *key) {
  if (!gen_is_env_name(key)) return "is not a valid environment variable name";
  if (!strncmp(key, "AWS_", 4) || !strcmp(key, "_HANDLER") || !strncmp(key, "LAMBDA_", 7))
    return "is reserved by AWS Lambda";
  if (!strncmp(key, "CLOUDCRON_", 10)) return "is reserved: cloudcron sets CLOUDCRON_* variables itself";
  return NULL;
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
  if ((n = gen_node_get(v, "retry")) && gen_rd_is_map(r, n, "`retry`")) {
    t->has_retry = true;
    gen_rd_keys(r, n, S_retry_keys, GEN_RD_COUNT(S_retry_keys), "`retry`", NULL, 0, NULL);
    const gen_node *x;
    if ((x = gen_node_get(n, "attempts"))) gen_rd_int(r, x, "`retry.attempts`", 0, 185, NULL, &t->retry_attempts);
    if ((x = gen_node_get(n, "max_age"))) {
      const char *s;
      long secs;
      if (gen_rd_string(r, x, "`retry.max_age`", &s)) {
        if (!gen_parse_duration(s, &secs))
          gen_rd_err(r, x, "`retry.max_age` must be a duration like 90s, 15m or 2h, not `%s`", s);
        else if (secs < 60 || secs > 86400)
          gen_rd_err(r, x, "`retry.max_age` must be between 60s and 24h, not %s", s);
        else
          t->retry_max_age = (int)secs;
      }
    }
  }
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
}
