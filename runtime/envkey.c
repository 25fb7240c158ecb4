/* envkey.c: PREFIX<KEY> environment variables, and the keys they know. */
#include "envkey.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"

extern char **environ;

int rt_env_by_key(const char **val, cc_buf *err, const char *prefix,
                  const char *noun, const char *key) {
  char var[256];
  size_t n = strlen(key), p = strlen(prefix);
  cc_buf known = CC_BUF_INIT;
  *val = NULL;
  if (n == 0 || n + p + 1 > sizeof var) {
    cc_buf_seterr(err, "invalid %s key \"%s\"", noun, key);
    return CC_EINVAL;
  }
  memcpy(var, prefix, p);
  for (size_t i = 0; i <= n; i++)
    var[p + i] = key[i] == '-' ? '_' : (char)toupper((unsigned char)key[i]);
  const char *v = getenv(var);
  if (v && *v) {
    *val = v;
    return CC_OK;
  }
  for (char **e = environ; *e; e++) {
    if (strncmp(*e, prefix, p) != 0) continue;
    const char *k = *e + p, *eq = strchr(k, '=');
    if (!eq || !eq[1]) continue; /* an empty variable names nothing */
    if (known.len) cc_buf_emit(&known, ", ");
    for (; k < eq; k++)
      cc_buf_emitc(&known, *k == '_' ? '-' : (char)tolower((unsigned char)*k));
  }
  if (cc_buf_failed(&known)) cc_buf_truncate(&known, 0); /* "none": best effort */
  if (v)
    cc_buf_seterr(err, "%s key \"%s\": %s is set but empty; known keys: %s", noun, key, var,
             known.len ? cc_buf_str(&known) : "none");
  else
    cc_buf_seterr(err, "unknown %s key \"%s\" (%s is not set); known keys: %s", noun, key, var,
             known.len ? cc_buf_str(&known) : "none");
  cc_buf_free(&known);
  return CC_ENOTFOUND;
}
