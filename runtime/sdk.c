/* sdk.c: the task SDK's topic keys and messages. */
#include "cloudcron.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "event.h"

extern char **environ;

#define S_PREFIX "CLOUDCRON_TOPIC_"

int cloudcron_topic_arn(const char **arn, char *err, size_t errcap, const char *key) {
  char var[256];
  size_t n = strlen(key);
  cc_buf known = CC_BUF_INIT;
  *arn = NULL;
  if (n == 0 || n + sizeof S_PREFIX > sizeof var) {
    snprintf(err, errcap, "invalid topic key \"%s\"", key);
    return CC_EINVAL;
  }
  memcpy(var, S_PREFIX, sizeof S_PREFIX - 1);
  for (size_t i = 0; i <= n; i++)
    var[sizeof S_PREFIX - 1 + i] = key[i] == '-' ? '_' : (char)toupper((unsigned char)key[i]);
  const char *v = getenv(var);
  if (v && *v) {
    *arn = v;
    return CC_OK;
  }
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, S_PREFIX, sizeof S_PREFIX - 1) != 0) continue;
    const char *k = *e + sizeof S_PREFIX - 1;
    if (known.len) cc_buf_puts(&known, ", ");
    for (; *k && *k != '='; k++)
      cc_buf_putc(&known, *k == '_' ? '-' : (char)tolower((unsigned char)*k));
  }
  snprintf(err, errcap, "unknown topic key \"%s\" (%s is not set); known keys: %s", key,
           var, known.len ? cc_buf_str(&known) : "none");
  cc_buf_free(&known);
  return CC_ENOTFOUND;
}

int cloudcron_message(char **out, const char *subject, const json_t *vars,
                      const char *dedup_id) {
  json_t *m = json_object();
  int rc = CC_OK;
  *out = NULL;
  if (!m) return CC_ENOMEM;
  if (json_object_set_new(m, "subject", json_string(subject ? subject : "")) != 0 ||
      (vars && json_object_set(m, "vars", (json_t *)vars) != 0) ||
      (dedup_id && json_object_set_new(m, "dedup_id", json_string(dedup_id)) != 0)) {
    rc = CC_EINVAL; /* jansson refuses invalid UTF-8 */
    goto out;
  }
  if (rt_notification_check(m)) {
    rc = CC_EINVAL;
    goto out;
  }
  *out = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
  if (!*out) rc = CC_ENOMEM;
out:
  json_decref(m);
  return rc;
}
