/* log.c: one JSON object per log line. */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"

static const char *const S_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

const char *rt_log_level_name(rt_log_level level) {
  return level >= RT_LOG_DEBUG && level <= RT_LOG_ERROR ? S_names[level] : "INFO";
}

static int S_parse(const char *s, rt_log_level *out) {
  if (!s || !*s) return 0;
  for (int i = 0; i < 4; i++)
    if (strcasecmp(s, S_names[i]) == 0) return *out = (rt_log_level)i, 1;
  if (strcasecmp(s, "TRACE") == 0) return *out = RT_LOG_DEBUG, 1;
  if (strcasecmp(s, "WARNING") == 0) return *out = RT_LOG_WARN, 1;
  if (strcasecmp(s, "FATAL") == 0) return *out = RT_LOG_ERROR, 1;
  return 0;
}

rt_log_level rt_log_threshold(void) {
  rt_log_level l = RT_LOG_INFO;
  if (!S_parse(getenv("CLOUDCRON_LOG_LEVEL"), &l)) S_parse(getenv("AWS_LAMBDA_LOG_LEVEL"), &l);
  return l;
}

void rt_log(rt_log_level level, const char *request_id, const json_t *fields,
            const char *message) {
  if (level < rt_log_threshold()) return;
  char stamp[25];
  rt_utc_stamp(stamp);
  json_t *j = json_object();
  json_object_set_new(j, "timestamp", json_string(stamp));
  json_object_set_new(j, "level", json_string(rt_log_level_name(level)));
  json_object_set_new(j, "request_id", json_string(request_id ? request_id : ""));
  /* invalid UTF-8 in a message must not lose the line */
  json_t *m = json_string(message ? message : "");
  if (!m) {
    char *copy = strdup(message);
    for (char *c = copy; c && *c; c++)
      if ((unsigned char)*c >= 0x80) *c = '?';
    m = json_string(copy ? copy : "(message lost: out of memory)");
    free(copy);
  }
  json_object_set_new(j, "message", m);
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)fields, k, v) {
    if (!json_object_get(j, k)) json_object_set(j, k, v);
  }
  char *s = rt_json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
  if (s) {
    size_t len = strlen(s);
    s[len] = '\n'; /* one write for the whole line */
    fwrite(s, 1, len + 1, stderr);
    fflush(stderr);
  }
  free(s);
  json_decref(j);
}

void rt_logv(rt_log_level level, const char *request_id, const json_t *fields,
             const char *fmt, va_list ap) {
  if (level < rt_log_threshold()) return;
  char buf[4096];
  vsnprintf(buf, sizeof buf, fmt, ap);
  rt_log(level, request_id, fields, buf);
}

char *rt_json_dumps(const json_t *j, size_t flags) {
  for (int prec = 15; prec < 17; prec++) {
    char *s = json_dumps(j, flags | JSON_REAL_PRECISION(prec) | JSON_ENCODE_ANY);
    json_t *back = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
    int same = back && json_equal(back, (json_t *)j);
    json_decref(back);
    if (same) return s;
    free(s);
  }
  return json_dumps(j, flags | JSON_REAL_PRECISION(17) | JSON_ENCODE_ANY);
}
