/* reconcile_config.c: the reconciler's config file, read and checked. */
#include "reconcile_config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "scheduler.h"

int rc_window_parse(int *minutes, const json_t *v) {
  *minutes = 0;
  if (json_is_integer(v)) {
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > 1440) return CC_EINVAL;
    *minutes = (int)n;
    return CC_OK;
  }
  const char *s = json_string_value(v);
  if (!s) return CC_EINVAL;
  if (strcasecmp(s, "off") == 0) return CC_OK;
  char *end;
  if (!isdigit((unsigned char)*s)) return CC_EINVAL;
  long n = strtol(s, &end, 10);
  if (*end == 'h' || *end == 'H') {
    n *= 60;
    end++;
  } else if (*end == 'm' || *end == 'M') {
    end++;
  }
  if (*end || n < 1 || n > 1440) return CC_EINVAL;
  *minutes = (int)n;
  return CC_OK;
}

static void S_fail(rc_entry *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Marks e failed: "entry \"ID\": field \"F\": why". */
static void S_fail(rc_entry *e, const char *field, const char *fmt, ...) {
  cc_buf b = CC_BUF_INIT;
  va_list ap;
  int rc = cc_buf_printf(&b, "entry \"%s\": ", e->id);
  if (rc == CC_OK && field) rc = cc_buf_printf(&b, "field \"%s\": ", field);
  va_start(ap, fmt);
  if (rc == CC_OK) rc = cc_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  free(e->error);
  e->error = rc == CC_OK ? cc_buf_detach(&b) : NULL;
  cc_buf_free(&b);
  if (!e->error) e->error = strdup("out of memory");
  json_decref(e->def);
  e->def = NULL;
}

/* The part of a definition each field of an entry sets, for messages. */
static const char *S_field(const char *part, const char *expr_key) {
  if (!part) return NULL;
  if (strcmp(part, "expression") == 0) return expr_key;
  if (strcmp(part, "window") == 0) return "flexible_window";
  return part;
}

static int S_entry(rc_entry *e, json_t *v, const rc_settings *st, long long now,
                   rt_tz_cache *cache) {
  const char *part = NULL;
  if (!rt_sched_name_ok(e->name)) {
    S_fail(e, "id", "the schedule name \"%s\" is not valid (1 to 64 of 0-9 A-Z a-z . _ -)",
           e->name);
    return CC_OK;
  }
  if (!json_is_object(v)) {
    S_fail(e, NULL, "must be an object, not %s",
           json_is_array(v) ? "an array" : json_is_string(v) ? "a string" : "a scalar");
    return CC_OK;
  }
  json_t *sched = json_object_get(v, "schedule"), *cron = json_object_get(v, "cron");
  const char *expr_key = sched ? "schedule" : "cron";
  if (sched && cron && !json_equal(sched, cron)) {
    S_fail(e, "cron", "differs from \"schedule\"; give one of them");
    return CC_OK;
  }
  if (!sched) sched = cron;
  if (!sched) {
    S_fail(e, "schedule", "missing (a cron(), rate() or at() expression)");
    return CC_OK;
  }
  if (!json_is_string(sched)) {
    S_fail(e, expr_key, "must be a string");
    return CC_OK;
  }
  static const char *const strs[] = {"timezone", "description"};
  for (int i = 0; i < 2; i++) {
    json_t *x = json_object_get(v, strs[i]);
    if (x && !json_is_string(x)) {
      S_fail(e, strs[i], "must be a string");
      return CC_OK;
    }
  }
  json_t *en = json_object_get(v, "enabled");
  if (en && !json_is_boolean(en)) {
    S_fail(e, "enabled", "must be true or false");
    return CC_OK;
  }
  json_t *id = json_object_get(v, "id");
  if (id && !(json_is_string(id) && strcmp(json_string_value(id), e->id) == 0)) {
    S_fail(e, "id", "differs from the entry's key \"%s\"", e->id);
    return CC_OK;
  }
  int window = 0;
  json_t *w = json_object_get(v, "flexible_window");
  if (w && rc_window_parse(&window, w) != CC_OK) {
    S_fail(e, "flexible_window", "must be \"OFF\", \"15m\", \"2h\" or 1 to 1440 minutes");
    return CC_OK;
  }
  json_t *input = json_deep_copy(v);
  if (!input || json_object_set_new(input, "id", json_string(e->id)) != 0) {
    json_decref(input);
    return CC_ENOMEM;
  }
  const char *tz = json_string_value(json_object_get(v, "timezone"));
  rt_sched_parts p = {.expression = json_string_value(sched),
                      .timezone = tz && *tz ? tz : st->timezone,
                      .description = json_string_value(json_object_get(v, "description")),
                      .input = input, .window_minutes = window,
                      .disabled = en && json_is_false(en), .target_arn = st->target_arn,
                      .role_arn = st->role_arn, .retry_attempts = st->retry_attempts,
                      .max_event_age_s = st->max_event_age_s};
  cc_buf why = CC_BUF_INIT;
  int rc = rt_sched_def_make(&e->def, &part, &why, &p, now, cache);
  json_decref(input);
  if (rc == CC_ENOTFOUND) {
    e->expired = 1; /* an at() that has passed: not created again */
  } else if (rc != CC_OK && rc != CC_ENOMEM) {
    S_fail(e, S_field(part, expr_key), "%s", cc_buf_str(&why));
  }
  cc_buf_free(&why);
  return rc == CC_ENOMEM ? rc : CC_OK;
}

static int S_by_id(const void *a, const void *b) {
  return strcmp(((const rc_entry *)a)->id, ((const rc_entry *)b)->id);
}

int rc_config_read(rc_config *out, cc_buf *err, const char *source,
                   const char *text, size_t len, const rc_settings *st, long long now,
                   rt_tz_cache *cache) {
  json_error_t je;
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    cc_buf_seterr(err, "%s:%d:%d: error: %s", source, je.line, je.column, je.text);
    return CC_EINVAL;
  }
  json_t *coll = json_object_get(root, st->collection);
  if (!json_is_object(root) || !json_is_object(coll)) {
    if (json_is_object(root))
      cc_buf_seterr(err, "%s: error: %s (\"%s\"; CLOUDCRON_RECONCILE_COLLECTION names another key)",
                    source,
                    coll ? "the collection is not an object of entries by id"
                         : "no collection of entries",
                    st->collection);
    else
      cc_buf_seterr(err, "%s: error: the config must be a JSON object", source);
    json_decref(root);
    return CC_EINVAL;
  }
  size_t n = json_object_size(coll);
  out->e = n ? calloc(n, sizeof *out->e) : NULL;
  if (n && !out->e) {
    json_decref(root);
    return CC_ENOMEM;
  }
  const char *id;
  json_t *v;
  json_object_foreach(coll, id, v) {
    rc_entry *e = &out->e[out->n++];
    e->id = strdup(id);
    e->name = malloc(strlen(st->prefix) + strlen(id) + 1);
    if (!e->id || !e->name) {
      rc = CC_ENOMEM;
      break;
    }
    strcpy(e->name, st->prefix);
    strcat(e->name, id);
    if ((rc = S_entry(e, v, st, now, cache)) != CC_OK) break;
  }
  json_decref(root);
  if (rc != CC_OK) {
    rc_config_free(out);
    cc_buf_seterr(err, "%s: error: %s", source, cc_strerror(rc));
    return rc;
  }
  if (out->n) qsort(out->e, out->n, sizeof *out->e, S_by_id);
  return CC_OK;
}

void rc_config_free(rc_config *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n; i++) {
    free(c->e[i].id);
    free(c->e[i].name);
    json_decref(c->e[i].def);
    free(c->e[i].error);
  }
  free(c->e);
  memset(c, 0, sizeof *c);
}
