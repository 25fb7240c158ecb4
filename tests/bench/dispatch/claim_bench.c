/* claim_bench: one dispatch run (dispatch_run.h, the production code) with
 * SQS replaced by an in-process transport that accepts every entry at once,
 * so the run measures claim + record + advance + mark in PostgreSQL alone.
 * Usage: claim_bench SECRET_JSON_FILE [BATCH]; prints the counts as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "calls.h"
#include "cc/buf.h"
#include "cc/err.h"
#include "dispatch_db.h"
#include "dispatch_run.h"
#include "http.h"

/* Answers a SendMessageBatch with every Id Successful. */
static int S_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                  const rt_http_req *req, long connect_timeout_ms, long total_timeout_ms) {
  (void)user, (void)why, (void)whycap, (void)connect_timeout_ms, (void)total_timeout_ms;
  json_t *in = json_loadb(req->body, req->body_len, 0, NULL);
  json_t *ok = json_array();
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(in, "Entries"), i, e)
      json_array_append_new(ok, json_pack("{s:O,s:s}", "Id", json_object_get(e, "Id"),
                                           "MessageId", "m"));
  json_t *out = json_pack("{s:o}", "Successful", ok);
  char *text = json_dumps(out, JSON_COMPACT);
  int rc = text ? cc_buf_puts(body, text) : CC_ENOMEM;
  free(text);
  json_decref(out);
  json_decref(in);
  *status = 200;
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: claim_bench SECRET_JSON_FILE [BATCH]\n", stderr);
    return 2;
  }
  cc_buf err = CC_BUF_INIT;
  json_t *j = json_load_file(argv[1], 0, NULL);
  char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  rt_db_conf conf;
  PGconn *db = NULL;
  if (!text || rt_db_conf_from_secret(&conf, text, strlen(text), "disable", NULL, &err) != CC_OK) {
    fprintf(stderr, "claim_bench: %s\n", text ? cc_buf_str(&err) : "cannot read the secret file");
    return 1;
  }
  free(text);
  int rc = rt_db_connect(&db, &conf, &err);
  rt_db_conf_free(&conf);
  if (rc != CC_OK) {
    fprintf(stderr, "claim_bench: %s\n", cc_buf_str(&err));
    return 1;
  }
  rt_transport t = {.send = S_send};
  rt_aws_client aws = {.cfg = {"AKID", "secret", NULL, "us-east-1"}, .transport = &t};
  rt_retry_default(&aws.retry);
  rt_dispatch_cfg cfg = {.queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                         .batch = argc > 2 ? atoi(argv[2]) : 100, .margin_ms = 3000};
  rt_zone_cache *zones = rt_zone_cache_new();
  rt_dispatch_counts c;
  rc = rt_dispatch_run(&c, db, &aws, &cfg, zones, rt_now_ms() + 600000, "bench", &err);
  if (rc == CC_OK)
    printf("{\"dispatched\":%ld,\"resent\":%ld,\"failed\":%ld}\n", c.dispatched, c.resent, c.failed);
  else
    fprintf(stderr, "claim_bench: %s\n", cc_buf_str(&err));
  rt_zone_cache_free(zones);
  PQfinish(db);
  cc_buf_free(&err);
  return rc == CC_OK ? 0 : 1;
}
