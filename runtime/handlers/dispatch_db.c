/* dispatch_db.c: connection settings from the secret, connecting, arrays,
 * statements. */
#include "dispatch_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"

static const char *const S_sslmodes[] = {"disable", "allow", "prefer", "require",
                                         "verify-ca", "verify-full", NULL};

/* Copies the string (or integer, for port) at key into out; CC_ENOTFOUND
 * when absent, CC_EINVAL when of another type or too long. */
static int S_get(char *out, size_t cap, json_t *j, const char *key) {
  json_t *v = json_object_get(j, key);
  if (!v || json_is_null(v)) return CC_ENOTFOUND;
  if (json_is_integer(v)) {
    snprintf(out, cap, "%lld", (long long)json_integer_value(v));
    return CC_OK;
  }
  if (!json_is_string(v) || json_string_length(v) >= cap || !json_string_length(v))
    return CC_EINVAL;
  memcpy(out, json_string_value(v), json_string_length(v) + 1);
  return CC_OK;
}

int rt_db_conf_from_secret(rt_db_conf *out, const char *json, size_t len,
                           const char *sslmode_env, const char *sslrootcert_env, cc_buf *err) {
  json_error_t je;
  int rc = CC_EINVAL;
  memset(out, 0, sizeof *out);
  json_t *j = json_loadb(json, len, 0, &je);
  if (!json_is_object(j)) {
    /* je.text may quote the input: never show it */
    cc_buf_seterr(err, "the database secret is not a JSON object (as RDS writes it: host, "
                          "port, dbname, username, password)");
    goto out;
  }
  struct {
    char *out;
    size_t cap;
    const char *key;
    const char *def;
  } f[] = {{out->host, sizeof out->host, "host", NULL},
           {out->user, sizeof out->user, "username", NULL},
           {out->port, sizeof out->port, "port", "5432"},
           {out->dbname, sizeof out->dbname, "dbname", "postgres"},
           {out->sslmode, sizeof out->sslmode, "sslmode", "require"}};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
    int g = S_get(f[i].out, f[i].cap, j, f[i].key);
    if (g == CC_ENOTFOUND && f[i].def) {
      snprintf(f[i].out, f[i].cap, "%s", f[i].def);
    } else if (g != CC_OK) {
      cc_buf_seterr(err, "the database secret's \"%s\" is %s", f[i].key,
               g == CC_ENOTFOUND ? "missing" : "not a non-empty string of a sensible length");
      goto out;
    }
  }
  if (sslmode_env && *sslmode_env) {
    if (strlen(sslmode_env) >= sizeof out->sslmode) sslmode_env = "?";
    snprintf(out->sslmode, sizeof out->sslmode, "%s", sslmode_env);
  }
  int known = 0;
  for (int i = 0; S_sslmodes[i]; i++) known |= strcmp(out->sslmode, S_sslmodes[i]) == 0;
  if (!known) {
    cc_buf_seterr(err, "sslmode \"%s\" is not one of disable, allow, prefer, require, "
                          "verify-ca, verify-full", out->sslmode);
    goto out;
  }
  if (sslrootcert_env && *sslrootcert_env)
    snprintf(out->sslrootcert, sizeof out->sslrootcert, "%s", sslrootcert_env);
  json_t *pw = json_object_get(j, "password");
  if (!json_is_string(pw)) {
    cc_buf_seterr(err, "the database secret's \"password\" is missing or not a string");
    goto out;
  }
  if (!(out->password = strdup(json_string_value(pw)))) {
    rc = CC_ENOMEM;
    cc_buf_seterr(err, "%s", cc_strerror(rc));
    goto out;
  }
  /* jansson keeps its own copy: overwrite it before the object goes */
  memset((char *)json_string_value(pw), 0, json_string_length(pw));
  rc = CC_OK;
out:
  json_decref(j);
  if (rc != CC_OK) rt_db_conf_free(out);
  return rc;
}

void rt_db_conf_free(rt_db_conf *c) {
  if (c->password) {
    memset(c->password, 0, strlen(c->password));
    free(c->password);
  }
  c->password = NULL;
}

int rt_db_connect(PGconn **out, const rt_db_conf *c, cc_buf *err) {
  const char *keys[] = {"host", "port", "dbname", "user", "password", "sslmode",
                        "connect_timeout", "application_name", "sslrootcert", NULL};
  const char *vals[] = {c->host, c->port, c->dbname, c->user, c->password ? c->password : "",
                        c->sslmode, "10", "cloudcron-dispatch",
                        c->sslrootcert[0] ? c->sslrootcert : NULL, NULL};
  PGconn *db = PQconnectdbParams(keys, vals, 0);
  *out = NULL;
  if (!db) {
    cc_buf_seterr(err, "postgresql %s:%s/%s: %s", c->host, c->port, c->dbname,
             cc_strerror(CC_ENOMEM));
    return CC_ENOMEM;
  }
  if (PQstatus(db) != CONNECTION_OK) {
    const char *m = PQerrorMessage(db);
    size_t n = strcspn(m, "\n");
    cc_buf_seterr(err, "postgresql %s:%s/%s as %s: %.*s", c->host, c->port, c->dbname,
             c->user, (int)n, m);
    PQfinish(db);
    return CC_ENET;
  }
  *out = db;
  return CC_OK;
}

int rt_db_array(cc_buf *b, const char *const *items, size_t n) {
  int rc = cc_buf_putc(b, '{');
  for (size_t i = 0; i < n && rc == CC_OK; i++) {
    if (i) rc = cc_buf_putc(b, ',');
    if (rc != CC_OK) break;
    if (!items[i]) {
      rc = cc_buf_puts(b, "NULL");
      continue;
    }
    rc = cc_buf_putc(b, '"');
    for (const char *c = items[i]; *c && rc == CC_OK; c++) {
      if (*c == '"' || *c == '\\') rc = cc_buf_putc(b, '\\');
      if (rc == CC_OK) rc = cc_buf_putc(b, *c);
    }
    if (rc == CC_OK) rc = cc_buf_putc(b, '"');
  }
  if (rc == CC_OK) rc = cc_buf_putc(b, '}');
  return rc;
}

int rt_db_exec(PGresult **res, PGconn *db, const char *what, const char *sql, int n,
               const char *const *params, cc_buf *err) {
  PGresult *r = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  int rc = CC_OK;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(db);
    size_t k = strcspn(m, "\n");
    cc_buf_seterr(err, "postgresql %s: %.*s", what, (int)k, m);
    rc = CC_EREMOTE;
  }
  if (res)
    *res = r;
  else
    PQclear(r);
  return rc;
}
