/* sqs.c: SQS SendMessageBatch in the JSON 1.0 protocol. */
#include "sqs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "clock.h"

int rt_sqs_send_batch_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                            const char *queue_url, const rt_sqs_entry *e, size_t n,
                            cc_buf *err) {
  memset(out, 0, sizeof *out);
  if (!queue_url || !*queue_url) {
    cc_buf_seterr(err, "a queue URL is required");
    return CC_EINVAL;
  }
  if (n < 1 || n > RT_SQS_BATCH_MAX) {
    cc_buf_seterr(err, "SendMessageBatch takes 1 to 10 entries");
    return CC_EINVAL;
  }
  json_t *entries = json_array();
  json_t *body = json_pack("{s:s,s:o}", "QueueUrl", queue_url, "Entries", entries);
  if (!entries || !body) {
    json_decref(body);
    return CC_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    char id[8];
    snprintf(id, sizeof id, "%zu", i);
    json_t *m = e[i].body ? json_string(e[i].body) : NULL;
    json_t *x = m ? json_pack("{s:s,s:o}", "Id", id, "MessageBody", m) : NULL;
    if (!x) {
      cc_buf_seterr(err, "every entry needs a UTF-8 body");
      json_decref(body);
      return CC_EINVAL;
    }
    if (e[i].group_id) json_object_set_new(x, "MessageGroupId", json_string(e[i].group_id));
    if (e[i].dedup_id)
      json_object_set_new(x, "MessageDeduplicationId", json_string(e[i].dedup_id));
    json_array_append_new(entries, x);
  }
  /* botocore's member order: QueueUrl, Entries; each entry Id, MessageBody,
   * (attributes), MessageDeduplicationId, MessageGroupId */
  char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(body);
  if (!text) {
    cc_buf_seterr(err, "an entry is not valid UTF-8");
    return CC_EINVAL;
  }
  rt_aws_build_in b = {.method = "POST", .path = "/", .service = "sqs", .env_id = "SQS",
                       .host_prefix = "sqs", .content_type = "application/x-amz-json-1.0",
                       .target = "AmazonSQS.SendMessageBatch", .body = text,
                       .body_len = strlen(text), .normalize_path = 1};
  int rc = rt_aws_build(out, cfg, amz_date, &b);
  free(text);
  return rc;
}

/* Index of an entry Id "0".."9", or -1. */
static long S_index(const char *id, size_t n) {
  char *end;
  if (!id || !*id) return -1;
  long i = strtol(id, &end, 10);
  return *end || i < 0 || (size_t)i >= n ? -1 : i;
}

int rt_sqs_send_batch_parse(rt_sqs_result *res, size_t n, const char *body, size_t len) {
  memset(res, 0, n * sizeof *res);
  for (size_t i = 0; i < n; i++) snprintf(res[i].code, sizeof res[i].code, "MissingFromAnswer");
  json_t *j = body ? json_loadb(body, len, 0, NULL) : NULL;
  if (!json_is_object(j)) {
    json_decref(j);
    return CC_EREMOTE;
  }
  size_t k;
  json_t *x;
  json_array_foreach(json_object_get(j, "Successful"), k, x) {
    long i = S_index(json_string_value(json_object_get(x, "Id")), n);
    if (i < 0) continue;
    res[i].ok = 1;
    res[i].code[0] = '\0';
  }
  json_array_foreach(json_object_get(j, "Failed"), k, x) {
    long i = S_index(json_string_value(json_object_get(x, "Id")), n);
    const char *code = json_string_value(json_object_get(x, "Code"));
    const char *msg = json_string_value(json_object_get(x, "Message"));
    if (i < 0) continue;
    res[i].ok = 0;
    res[i].sender_fault = json_is_true(json_object_get(x, "SenderFault"));
    /* an empty Code (found by fuzz_dispatch) still names a failure */
    snprintf(res[i].code, sizeof res[i].code, "%s", code && *code ? code : "(no code)");
    snprintf(res[i].message, sizeof res[i].message, "%s", msg ? msg : "");
  }
  json_decref(j);
  return CC_OK;
}

int rt_sqs_send_batch(rt_aws_client *c, const char *queue_url, const rt_sqs_entry *e, size_t n,
                      rt_sqs_result *res, cc_buf *err) {
  rt_http_req req;
  rt_http_resp resp;
  char date[17];
  cc_buf why = CC_BUF_INIT;
  if (c->fixed_date)
    snprintf(date, sizeof date, "%s", c->fixed_date);
  else
    rt_aws_date_now(date);
  int rc = rt_sqs_send_batch_build(&req, &c->cfg, date, queue_url, e, n, &why);
  if (rc != CC_OK) {
    cc_buf_seterr(err, "sqs SendMessageBatch: %s", why.len ? cc_buf_str(&why) : cc_strerror(rc));
    cc_buf_free(&why);
    for (size_t i = 0; i < n; i++) {
      memset(&res[i], 0, sizeof res[i]);
      res[i].sender_fault = 1;
      snprintf(res[i].code, sizeof res[i].code, "InvalidRequest");
    }
    return rc;
  }
  rc = rt_http_send_via(&resp, &req, &c->retry, c->transport);
  const char *s = resp.attempts == 1 ? "" : "s";
  if (rc == CC_OK) {
    if (rt_sqs_send_batch_parse(res, n, resp.body.ptr, resp.body.len) != CC_OK) {
      cc_buf_seterr(err, "sqs SendMessageBatch: HTTP %ld answer is not a batch result",
               resp.status);
      rc = CC_EREMOTE;
    }
  } else if (rc == CC_EREMOTE) {
    cc_buf_seterr(err, "sqs SendMessageBatch: HTTP %ld %s%s%s (%d attempt%s)", resp.status,
             resp.code[0] ? resp.code : "(no error code)", resp.detail[0] ? ": " : "",
             resp.detail, resp.attempts, s);
  } else {
    cc_buf_seterr(err, "sqs SendMessageBatch: %s after %d attempt%s: %s",
             rc == CC_ETIMEOUT ? "timed out" : "no answer", resp.attempts, s,
             resp.detail[0] ? resp.detail : cc_strerror(rc));
  }
  if (rc != CC_OK) {
    for (size_t i = 0; i < n; i++) {
      memset(&res[i], 0, sizeof res[i]);
      snprintf(res[i].code, sizeof res[i].code, "%s",
               resp.code[0] ? resp.code : rc == CC_EREMOTE ? "(no error code)" : cc_strerror(rc));
      /* a 4xx other than throttling will not mend by itself */
      res[i].sender_fault = rc == CC_EREMOTE && resp.status >= 400 && resp.status < 500;
    }
  }
  cc_buf_free(&resp.body);
  rt_http_req_free(&req);
  return rc;
}
