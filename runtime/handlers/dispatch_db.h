/* dispatch_db.h: the dispatcher's database connection (rt_ internal API,
 * libpq; only cloudcron-dispatch links it).
 *
 * The connection settings come from a Secrets Manager secret in the shape
 * RDS writes ({"host", "port", "dbname", "username", "password", ...});
 * they go to libpq as keyword/value pairs, never as a connection string or
 * an environment variable, and the password is wiped from memory once the
 * connection is made. No message written here contains it. */
#ifndef RT_DISPATCH_DB_H
#define RT_DISPATCH_DB_H
#include <stddef.h>

#include <libpq-fe.h>

#include "cc/buf.h"

typedef struct rt_db_conf {
  char host[256];
  char port[16];
  char dbname[128];
  char user[128];
  char sslmode[16];     /* disable allow prefer require verify-ca verify-full */
  char sslrootcert[512]; /* "" when none */
  char *password;       /* owned; wiped by rt_db_conf_free */
} rt_db_conf;

/* Reads the secret's JSON (len bytes) into out: host and username and
 * password required, port 5432 and dbname "postgres" by default (RDS's
 * managed secrets have no dbname), sslmode from sslmode_env when set, else
 * the secret's "sslmode", else require. CC_EINVAL naming the key at fault
 * (never a value) in err. */
int rt_db_conf_from_secret(rt_db_conf *out, const char *json, size_t len,
                           const char *sslmode_env, const char *sslrootcert_env, cc_buf *err);
/* Wipes and frees the password. */
void rt_db_conf_free(rt_db_conf *c);

/* Connects (10 s connect timeout, application_name cloudcron-dispatch).
 * CC_ENET with libpq's reason in err on failure; *out NULL then. */
int rt_db_connect(PGconn **out, const rt_db_conf *c, cc_buf *err);

/* Appends a PostgreSQL array literal of n strings: {"a","b\"c"}; a NULL
 * item is written NULL. */
int rt_db_array(cc_buf *b, const char *const *items, size_t n);

/* Runs sql with text parameters; CC_OK when its status is ok (tuples or
 * command), else CC_EREMOTE with "WHAT: the server's message" in err. The
 * result (also on failure, may be NULL) goes to *res when res is given,
 * else is cleared. */
int rt_db_exec(PGresult **res, PGconn *db, const char *what, const char *sql, int n,
               const char *const *params, cc_buf *err);
#endif
