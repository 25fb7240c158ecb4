/* cloudcron-dispatch: the database-driven dispatcher's bootstrap. Each
 * invocation (an EventBridge schedule, every minute by default) fires the
 * workflows due in PostgreSQL exactly once: dispatch_run.h says how.
 *
 * Environment: CLOUDCRON_DB_SECRET (the ARN or name of a Secrets Manager
 * secret in RDS's shape: host, port, dbname, username, password; read at
 * each new connection, so a rotated password is picked up), CLOUDCRON_QUEUE_URL
 * (the requests queue; FIFO when it ends in .fifo), CLOUDCRON_DISPATCH_BATCH
 * (workflows per transaction, 1 to 1000, default 100), CLOUDCRON_DB_SSLMODE
 * (overrides the secret's sslmode; default require), CLOUDCRON_DB_SSLROOTCERT
 * (a CA bundle for verify-ca and verify-full), CLOUDCRON_DEADLINE_MARGIN_MS
 * (default 3000: no batch starts this close to the deadline); the function's
 * AWS credentials and AWS_ENDPOINT_URL[_SQS|_SECRETS_MANAGER] as every
 * handler. The password is never logged, never in an error, never in the
 * environment.
 *
 * Response: {"dispatched": N, "resent": N, "failed": N}. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "args.h"
#include "calls.h"
#include "cc/err.h"
#include "dispatch_db.h"
#include "dispatch_run.h"
#include "dl.h"
#include "http.h"
#include "lambda.h"
#include "log.h"

typedef struct S_state {
  rt_aws_client aws;
  rt_transport curl;
  int have_curl;
  rt_dispatch_cfg cfg;
  const char *secret_id;
  PGconn *db;
  rt_zone_cache *zones;
  cc_buf emsg; /* the last failure's text (cc_buf_init in main) */
} S_state;

/* Reads the secret and connects; the secret's text is wiped at once. */
static int S_connect(S_state *s) {
  cc_buf why = CC_BUF_INIT;
  char *value = NULL;
  rt_db_conf conf;
  int rc = rt_get_secret_value(&s->aws, s->secret_id, &value, &why);
  if (rc == CC_OK) {
    rc = rt_db_conf_from_secret(&conf, value, strlen(value), getenv("CLOUDCRON_DB_SSLMODE"),
                                getenv("CLOUDCRON_DB_SSLROOTCERT"), &why);
    memset(value, 0, strlen(value));
    free(value);
  }
  if (rc != CC_OK) {
    cc_buf_seterr(&s->emsg, "CLOUDCRON_DB_SECRET %s: %s", s->secret_id, cc_buf_str(&why));
  } else {
    rc = rt_db_connect(&s->db, &conf, &s->emsg);
    rt_db_conf_free(&conf);
  }
  cc_buf_free(&why);
  return rc;
}

/* Drops the connection when it broke or a failed statement left it inside
 * a transaction. */
static void S_drop_if_broken(S_state *s) {
  if (s->db && (PQstatus(s->db) != CONNECTION_OK || PQtransactionStatus(s->db) != PQTRANS_IDLE)) {
    PQfinish(s->db);
    s->db = NULL;
  }
}

/* One dispatch; the connection is kept for the next invocation, and made
 * again (secret read again) when it broke. A connection the server closed
 * while idle (a restart, a failover, an idle timeout) shows only at the
 * first statement: then the run starts once more on a new connection. */
static int S_dispatch(S_state *s, json_t **result, const char *rid, long long deadline_ms) {
  rt_dispatch_counts c;
  int rc = CC_OK;
  *result = NULL;
  memset(&c, 0, sizeof c);
  /* this invocation's deadline for every AWS call, the secret's too */
  s->aws.retry.deadline_ms = deadline_ms ? deadline_ms - s->cfg.margin_ms / 2 : 0;
  if (deadline_ms && rt_now_ms() + s->cfg.margin_ms >= deadline_ms) {
    /* too late to take any work: not even a connection is worth making */
    c.stopped = 1;
    goto done;
  }
  for (int attempt = 0; attempt < 2; attempt++) {
    int fresh = !s->db;
    if (!s->db && (rc = S_connect(s)) != CC_OK) return rc;
    rc = rt_dispatch_run(&c, s->db, &s->aws, &s->cfg, s->zones, deadline_ms, rid, &s->emsg);
    int lost = rc != CC_OK && PQstatus(s->db) != CONNECTION_OK;
    int nothing_done = !c.dispatched && !c.resent && !c.failed && !c.initialized;
    if (rc != CC_OK) S_drop_if_broken(s);
    if (!(lost && nothing_done && !fresh)) break;
    rt_log(RT_LOG_WARN, rid, NULL, "the database connection was closed; connecting again");
  }
done:;
  json_t *f = json_pack("{s:i,s:i,s:i,s:i,s:b}", "dispatched", (int)c.dispatched, "resent",
                        (int)c.resent, "failed", (int)c.failed, "initialized",
                        (int)c.initialized, "stopped_by_deadline", c.stopped);
  rt_log(rc == CC_OK ? RT_LOG_INFO : RT_LOG_ERROR, rid, f, "dispatch done");
  json_decref(f);
  if (rc != CC_OK) return rc;
  *result = json_pack("{s:i,s:i,s:i}", "dispatched", (int)c.dispatched, "resent",
                      (int)c.resent, "failed", (int)c.failed);
  return *result ? CC_OK : CC_ENOMEM;
}

static int S_handle(json_t **response, const char **emsg, const char **etype,
                    const rt_event *ev, const rt_invocation *inv, void *user) {
  S_state *s = user;
  (void)ev; /* the schedule's event carries nothing the run needs */
  int rc = S_dispatch(s, response, inv->request_id, inv->deadline_ms);
  if (rc != CC_OK) {
    *emsg = s->emsg.len ? cc_buf_str(&s->emsg) : cc_strerror(rc);
    *etype = "cloudcron.DispatchError";
  }
  return rc;
}

/* Reads the settings; a failure names the variable in s->emsg. */
static int S_setup(S_state *s) {
  const char *b = getenv("CLOUDCRON_DISPATCH_BATCH");
  const char *m = getenv("CLOUDCRON_DEADLINE_MARGIN_MS");
  char *end;
  s->secret_id = getenv("CLOUDCRON_DB_SECRET");
  s->cfg.queue_url = getenv("CLOUDCRON_QUEUE_URL");
  s->cfg.batch = 100;
  s->cfg.margin_ms = 3000;
  if (!s->secret_id || !*s->secret_id) {
    cc_buf_seterr(&s->emsg, "CLOUDCRON_DB_SECRET must name the Secrets Manager secret "
                                      "holding the database's connection (as RDS writes it)");
    return CC_EINVAL;
  }
  if (!s->cfg.queue_url || strncmp(s->cfg.queue_url, "http", 4) != 0) {
    cc_buf_seterr(&s->emsg, "CLOUDCRON_QUEUE_URL must be the requests queue's URL");
    return CC_EINVAL;
  }
  size_t ql = strlen(s->cfg.queue_url);
  s->cfg.fifo = ql > 5 && strcmp(s->cfg.queue_url + ql - 5, ".fifo") == 0;
  if (b && *b) {
    errno = 0;
    long v = strtol(b, &end, 10);
    if (errno || *end || v < 1 || v > 1000) {
      cc_buf_seterr(&s->emsg, "CLOUDCRON_DISPATCH_BATCH must be 1 to 1000, not \"%s\"",
               b);
      return CC_EINVAL;
    }
    s->cfg.batch = (int)v;
  }
  if (m && *m) {
    errno = 0;
    long long v = strtoll(m, &end, 10);
    if (errno || *end || v < 0 || v > 900000) {
      cc_buf_seterr(&s->emsg,
               "CLOUDCRON_DEADLINE_MARGIN_MS must be 0 to 900000, not \"%s\"", m);
      return CC_EINVAL;
    }
    s->cfg.margin_ms = v;
  }
  int rc = rt_aws_client_from_env(&s->aws, &s->emsg);
  if (rc != CC_OK) return rc;
  s->have_curl = rt_curl_transport_init(&s->curl) == CC_OK;
  s->aws.transport = s->have_curl ? &s->curl : NULL;
  if (!(s->zones = rt_zone_cache_new())) {
    cc_buf_seterr(&s->emsg, "%s", cc_strerror(CC_ENOMEM));
    return CC_ENOMEM;
  }
  return CC_OK;
}

static void S_usage(void *user, FILE *f, int full) {
  const char *prog = user;
  (void)full; /* the usage is the whole help */
  fprintf(f,
          "usage: %s                     (as a Lambda bootstrap: AWS_LAMBDA_RUNTIME_API)\n"
          "       %s --event FILE|- [--timeout SECONDS]   (one dispatch, here)\n"
          "\n"
          "Fires the workflows due in PostgreSQL (schemas/dispatcher.sql) once each and\n"
          "sends one SQS message per execution; prints {\"dispatched\",\"resent\",\"failed\"}.\n"
          "\n"
          "Its variables:\n"
          "  CLOUDCRON_DB_SECRET          Secrets Manager ARN of the database secret, in the\n"
          "                               shape RDS writes: host, port, dbname, username,\n"
          "                               password (required; the password is never logged)\n"
          "  CLOUDCRON_QUEUE_URL          the SQS queue the executions go to (required)\n"
          "  CLOUDCRON_DISPATCH_BATCH     workflows claimed per transaction (default 100)\n"
          "  CLOUDCRON_DB_SSLMODE         libpq's sslmode (default require)\n"
          "  CLOUDCRON_DB_SSLROOTCERT     a CA file for verify-ca / verify-full\n"
          "  CLOUDCRON_DEADLINE_MARGIN_MS stop taking work this close to the deadline\n"
          "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or\n"
          "  AWS_DEFAULT_REGION, AWS_PROFILE)  credentials and region\n"
          "  AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL\n"
          "runtime/handlers/README.md#cloudcron-dispatch says more.\n",
          prog, prog);
}

/* One local run: the event is read (and must be JSON) but not used. */
static int S_local(S_state *s, const char *path, long timeout_s) {
  json_error_t je;
  json_t *ev = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_DECODE_ANY, &je)
                                      : json_load_file(path, JSON_DECODE_ANY, &je);
  if (!ev) {
    fprintf(stderr, "%s:%d:%d: error: %s\n", strcmp(path, "-") == 0 ? "<stdin>" : path, je.line,
            je.column, je.text);
    return 1;
  }
  json_decref(ev);
  json_t *result = NULL;
  int rc = S_dispatch(s, &result, "local", rt_now_ms() + timeout_s * 1000);
  if (rc == CC_OK) {
    char *t = json_dumps(result, JSON_COMPACT);
    if (t) printf("%s\n", t);
    free(t);
  } else {
    rt_log(RT_LOG_ERROR, "local", NULL, s->emsg.len ? cc_buf_str(&s->emsg) : cc_strerror(rc));
  }
  json_decref(result);
  return rc == CC_OK ? 0 : 1;
}

int main(int argc, char **argv) {
  static S_state s;
  const char *prog = argc > 0 ? argv[0] : "cloudcron-dispatch";
  rt_args args;
  int status = rt_args_parse(&args, argc, argv, prog, S_usage, (void *)prog);
  if (status >= 0) return status;
  const char *event = args.event;
  status = 1;
  cc_buf_init(&s.emsg, 0);
  int rc = S_setup(&s);
  if (rc != CC_OK) {
    rt_log(RT_LOG_ERROR, event ? "local" : NULL, NULL, cc_buf_str(&s.emsg));
    if (!event) rt_lambda_init_error(cc_buf_str(&s.emsg), "Runtime.InitError");
  } else if (event) {
    status = S_local(&s, event, args.timeout_s);
  } else {
    rc = rt_lambda_run(S_handle, &s);
    status = rc == CC_EREMOTE ? 0 : 1;
    if (rc != CC_EREMOTE)
      rt_log(RT_LOG_ERROR, NULL, NULL,
             rc == CC_ENET ? "the Runtime API cannot be reached" : cc_strerror(rc));
  }
  if (s.db) PQfinish(s.db);
  rt_zone_cache_free(s.zones);
  cc_buf_free(&s.emsg);
  if (s.have_curl) rt_curl_transport_free(&s.curl);
  rt_curl_cleanup();
  return status;
}
