/* idem.c: claiming, finishing and counting channel deliveries. */
#include "idem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "ddb.h"
#include "http.h"
#include "log.h"

int rt_idem_init(rt_idem *d, const char *handler_name, cc_buf *err) {
  const char *table = getenv("CLOUDCRON_IDEMPOTENCY_TABLE");
  const char *ttl = getenv("CLOUDCRON_IDEMPOTENCY_TTL_S");
  const char *fn = getenv("AWS_LAMBDA_FUNCTION_NAME");
  memset(d, 0, sizeof *d);
  d->table = table && *table ? table : NULL;
  d->ttl_s = 14 * 86400; /* SQS keeps a message at most 14 days */
  snprintf(d->channel, sizeof d->channel, "%s", fn && *fn ? fn : handler_name);
  if (ttl && *ttl) {
    char *end;
    errno = 0;
    d->ttl_s = strtoll(ttl, &end, 10);
    if (errno || *end || d->ttl_s < 60 || d->ttl_s > 366LL * 86400) {
      cc_buf_seterr(err, "CLOUDCRON_IDEMPOTENCY_TTL_S must be seconds from 60 to 31622400, not "
                         "\"%s\"", ttl);
      return CC_EINVAL;
    }
  }
  return CC_OK;
}

/* {"S": s} and {"N": "n"}: new references. */
static json_t *S_s(const char *s) { return json_pack("{s:s}", "S", s); }
static json_t *S_n(long long n) {
  char b[32];
  snprintf(b, sizeof b, "%lld", n);
  return json_pack("{s:s}", "N", b);
}

static int S_id(char *out, size_t cap, const rt_idem *d, const char *key, const char *recipient) {
  return snprintf(out, cap, "%s#%s#%s", d->channel, key, recipient) < (int)cap ? CC_OK : CC_EINVAL;
}

int rt_idem_claim(rt_idem *d, rt_aws_client *c, const char *key, const char *recipient,
                  const char *request_id, long long until_ms, rt_idem_state *state, cc_buf *err) {
  char id[1024], code[128];
  long long now = rt_now_ms();
  json_t *answer = NULL;
  *state = RT_IDEM_BUSY;
  if (S_id(id, sizeof id, d, key, recipient) != CC_OK) {
    cc_buf_seterr(err, "idempotency: the key is too long");
    return CC_EINVAL;
  }
  /* free, or failed, or held past its deadline, or expired but not yet
   * deleted by the TTL sweep, or this invocation's own (a retried PutItem
   * whose first answer was lost) */
  json_t *put = json_pack(
      "{s:s, s:{s:o, s:o, s:o, s:o, s:o}, s:s, s:{s:s}, s:{s:o, s:o, s:o, s:o, s:o}}",
      "TableName", d->table,
      "Item", "id", S_s(id), "status", S_s("INPROGRESS"), "in_progress_until", S_n(until_ms),
      "expires_at", S_n(now / 1000 + d->ttl_s), "request_id", S_s(request_id ? request_id : ""),
      "ConditionExpression",
      "attribute_not_exists(id) OR #s = :failed OR (#s = :inprogress AND in_progress_until < :now_ms)"
      " OR expires_at < :now_s OR (#s = :inprogress AND request_id = :rid)",
      "ExpressionAttributeNames", "#s", "status",
      "ExpressionAttributeValues", ":failed", S_s("FAILED"), ":inprogress", S_s("INPROGRESS"),
      ":now_ms", S_n(now), ":now_s", S_n(now / 1000), ":rid", S_s(request_id ? request_id : ""));
  if (!put) return CC_ENOMEM;
  int rc = rt_ddb_call(c, "PutItem", put, &answer, code, sizeof code, err);
  json_decref(put);
  json_decref(answer);
  answer = NULL;
  if (rc == CC_OK) {
    *state = RT_IDEM_CLAIMED;
    return CC_OK;
  }
  if (rc != CC_EREMOTE || strcmp(code, "ConditionalCheckFailedException") != 0) return rc;
  /* held or done: which one */
  json_t *get = json_pack("{s:s, s:{s:o}, s:b}", "TableName", d->table, "Key", "id", S_s(id),
                          "ConsistentRead", 1);
  if (!get) return CC_ENOMEM;
  rc = rt_ddb_call(c, "GetItem", get, &answer, code, sizeof code, err);
  json_decref(get);
  if (rc == CC_OK) {
    const char *st = json_string_value(
        json_object_get(json_object_get(json_object_get(answer, "Item"), "status"), "S"));
    *state = st && strcmp(st, "COMPLETED") == 0 ? RT_IDEM_DONE : RT_IDEM_BUSY;
  }
  json_decref(answer);
  return rc;
}

int rt_idem_finish(rt_idem *d, rt_aws_client *c, const char *key, const char *recipient, int done,
                   const char *result, cc_buf *err) {
  char id[1024], code[128];
  json_t *answer = NULL;
  if (S_id(id, sizeof id, d, key, recipient) != CC_OK) {
    cc_buf_seterr(err, "idempotency: the key is too long");
    return CC_EINVAL;
  }
  json_t *upd = json_pack(
      "{s:s, s:{s:o}, s:s, s:{s:s, s:s}, s:{s:o, s:o}}", "TableName", d->table, "Key", "id",
      S_s(id), "UpdateExpression", "SET #s = :st, #r = :r", "ExpressionAttributeNames", "#s",
      "status", "#r", "result", "ExpressionAttributeValues", ":st",
      S_s(done ? "COMPLETED" : "FAILED"), ":r", S_s(result ? result : ""));
  if (!upd) return CC_ENOMEM;
  int rc = rt_ddb_call(c, "UpdateItem", upd, &answer, code, sizeof code, err);
  json_decref(upd);
  json_decref(answer);
  return rc;
}

void rt_idem_ambiguous(rt_idem *d, const char *request_id, const char *message_id,
                       const char *recipient, int maybe_sent, const char *why) {
  d->ambiguous++;
  /* CloudWatch embedded metric format: the line is also a metric */
  json_t *f = json_pack(
      "{s:{s:I, s:[{s:s, s:[[s]], s:[{s:s, s:s}]}]}, s:s, s:i, s:b, s:s, s:I, s:i}", "_aws",
      "Timestamp", (json_int_t)rt_now_ms(), "CloudWatchMetrics", "Namespace", "cloudcron",
      "Dimensions", "channel", "Metrics", "Name", "AmbiguousDeliveries", "Unit", "Count",
      "channel", d->channel, "AmbiguousDeliveries", 1, "ambiguous", 1, "to", recipient ? recipient : "",
      "ambiguous_total", (json_int_t)d->ambiguous, "maybe_sent", maybe_sent);
  if (f && message_id) json_object_set_new(f, "message_id", json_string(message_id));
  rt_log(RT_LOG_WARN, request_id, f, why);
  json_decref(f);
}
