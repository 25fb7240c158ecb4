/* ddb.c: DynamoDB requests and calls. */
#include "ddb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "clock.h"

int rt_ddb_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date, const char *op,
                 const json_t *body) {
  static const char *const ops[] = {"GetItem", "PutItem", "UpdateItem"};
  char target[64];
  int known = 0;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) known |= strcmp(op, ops[i]) == 0;
  if (!known || !json_is_object(body)) return CC_EINVAL;
  snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
  char *json = json_dumps(body, JSON_COMPACT);
  if (!json) return CC_ENOMEM;
  rt_aws_build_in b = {.method = "POST", .path = "/", .service = "dynamodb", .env_id = "DYNAMODB",
                       .host_prefix = "dynamodb", .content_type = "application/x-amz-json-1.0",
                       .target = target, .body = json, .body_len = strlen(json),
                       .normalize_path = 1};
  int rc = rt_aws_build(out, cfg, amz_date, &b);
  free(json);
  return rc;
}

int rt_ddb_call(rt_aws_client *c, const char *op, const json_t *body, json_t **answer,
                char *code, size_t codecap, cc_buf *err) {
  rt_http_req req;
  rt_http_resp resp;
  char date[17];
  *answer = NULL;
  if (codecap) code[0] = '\0';
  if (c->fixed_date)
    snprintf(date, sizeof date, "%s", c->fixed_date);
  else
    rt_aws_date_now(date);
  int rc = rt_ddb_build(&req, &c->cfg, date, op, body);
  if (rc != CC_OK) {
    cc_buf_seterr(err, "dynamodb %s: %s", op, cc_strerror(rc));
    return rc;
  }
  rc = rt_http_send_via(&resp, &req, &c->retry, c->transport);
  const char *s = resp.attempts == 1 ? "" : "s";
  if (rc == CC_OK) {
    *answer = resp.body.len ? json_loadb(resp.body.ptr, resp.body.len, 0, NULL) : NULL;
  } else if (rc == CC_EREMOTE) {
    if (codecap) snprintf(code, codecap, "%s", resp.code);
    cc_buf_seterr(err, "dynamodb %s: HTTP %ld %s%s%s (%d attempt%s)", op, resp.status,
             resp.code[0] ? resp.code : "(no error code)", resp.detail[0] ? ": " : "", resp.detail,
             resp.attempts, s);
  } else {
    cc_buf_seterr(err, "dynamodb %s: %s after %d attempt%s: %s", op,
             rc == CC_ETIMEOUT ? "timed out" : "no answer", resp.attempts, s,
             resp.detail[0] ? resp.detail : cc_strerror(rc));
  }
  cc_buf_free(&resp.body);
  rt_http_req_free(&req);
  return rc;
}
