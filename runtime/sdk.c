/* sdk.c: the task SDK's topic keys, messages, publishing and secrets. */
#include "cloudcron.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "dl.h"
#include "envkey.h"
#include "event.h"
#include "log.h"
#include "sdk_ctx.h"
#include "sigv4.h"

/* The public API keeps its char buffer; inside, the text comes as every
 * runtime error does, in a cc_buf. */
int cloudcron_topic_arn(const char **arn, char *err, size_t errcap, const char *key) {
  cc_buf why = CC_BUF_INIT;
  int rc = rt_env_by_key(arn, &why, "CLOUDCRON_TOPIC_", "topic", key);
  if (rc != CC_OK && err && errcap) snprintf(err, errcap, "%s", cc_buf_str(&why));
  cc_buf_free(&why);
  return rc;
}

int cloudcron_message_ex(char **out, const char **why, const char *subject,
                         const json_t *vars, const char *const *to, const char *dedup_id) {
  json_t *m = json_object();
  const char *dummy;
  int rc = CC_OK;
  *out = NULL;
  if (!why) why = &dummy;
  *why = NULL;
  if (!m) return CC_ENOMEM;
  if (json_object_set_new(m, "subject", json_string(subject ? subject : "")) != 0 ||
      (vars && json_object_set(m, "vars", (json_t *)vars) != 0) ||
      (dedup_id && json_object_set_new(m, "dedup_id", json_string(dedup_id)) != 0)) {
    *why = "the subject, vars or dedup id is not valid UTF-8";
    rc = CC_EINVAL;
    goto out;
  }
  if (to) {
    json_t *a = json_array();
    for (size_t i = 0; a && to[i]; i++)
      if (json_array_append_new(a, json_string(to[i])) != 0) {
        json_decref(a);
        a = NULL;
      }
    if (!a || json_object_set_new(m, "to", a) != 0) {
      *why = "a recipient is not valid UTF-8";
      rc = CC_EINVAL;
      goto out;
    }
  }
  if ((*why = rt_notification_check(m)) != NULL) {
    rc = CC_EINVAL;
    goto out;
  }
  *out = rt_json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
  if (!*out) rc = CC_ENOMEM;
out:
  json_decref(m);
  return rc;
}

int cloudcron_message(char **out, const char *subject, const json_t *vars,
                      const char *dedup_id) {
  return cloudcron_message_ex(out, NULL, subject, vars, NULL, dedup_id);
}

/* The client, read from the environment the first time, with the
 * invocation's deadline. NULL (and ctx->error set) when it cannot be. */
static rt_aws_client *S_client(cloudcron_ctx *ctx, const char *what) {
  rt_sdk_state *st = ctx->state;
  if (!st->client_ok) {
    cc_buf err = CC_BUF_INIT;
    if (rt_aws_client_from_env(&st->client, &err) != CC_OK) {
      snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&err));
      ctx->error_type = RT_ETYPE_CONFIG;
      cc_buf_free(&err);
      return NULL;
    }
    st->client.transport = st->transport;
    st->client.fixed_date = st->fixed_date;
    st->client_ok = 1;
  }
  st->client.retry.deadline_ms = ctx->deadline_ms ? ctx->deadline_ms - RT_SDK_MARGIN_MS : 0;
  return &st->client;
}

int cloudcron_publish_ex(cloudcron_ctx *ctx, const char *topic_key, const char *subject,
                         const json_t *vars, const char *dedup_id,
                         const cloudcron_publish_opts *opts) {
  const cloudcron_publish_opts none = {0};
  const char *arn, *why;
  char what[160], err[768], hash[65];
  cc_buf perr = CC_BUF_INIT;
  char *msg = NULL;
  rt_msg_attr attrs[10];
  int rc;
  if (!opts) opts = &none;
  ctx->error[0] = '\0';
  snprintf(what, sizeof what, "publish to \"%s\"", topic_key ? topic_key : "");
  rc = cloudcron_topic_arn(&arn, err, sizeof err, topic_key ? topic_key : "");
  if (rc != CC_OK) {
    snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, err);
    ctx->error_type = RT_ETYPE_TOPIC;
    return rc;
  }
  rc = cloudcron_message_ex(&msg, &why, subject, vars, opts->to, dedup_id);
  if (rc != CC_OK) {
    snprintf(ctx->error, sizeof ctx->error, "%s: the message does not match the schema: %s",
             what, why ? why : cc_strerror(rc));
    ctx->error_type = RT_ETYPE_MESSAGE;
    return rc;
  }
  if (opts->n_attrs > 10) {
    snprintf(ctx->error, sizeof ctx->error, "%s: SNS allows at most 10 message attributes",
             what);
    ctx->error_type = RT_ETYPE_MESSAGE;
    free(msg);
    return CC_EINVAL;
  }
  for (size_t i = 0; i < opts->n_attrs; i++)
    attrs[i] = (rt_msg_attr){opts->attrs[i].name, opts->attrs[i].type, opts->attrs[i].value};
  size_t alen = strlen(arn);
  int fifo = alen > 5 && strcmp(arn + alen - 5, ".fifo") == 0;
  rt_sns_publish_in in = {.topic_arn = arn, .message = msg, .attrs = attrs,
                          .n_attrs = opts->n_attrs};
  if (fifo) {
    in.group_id = opts->group_id ? opts->group_id : ctx->state->task_name;
    if (!dedup_id && rt_sha256_hex(hash, msg, strlen(msg)) != CC_OK) {
      snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, rt_dl_error());
      ctx->error_type = RT_ETYPE_CONFIG;
      free(msg);
      return CC_ERR;
    }
    in.dedup_id = dedup_id ? dedup_id : hash;
  }
  rt_aws_client *c = S_client(ctx, what);
  if (!c) {
    free(msg);
    return CC_EINVAL;
  }
  char id[sizeof ctx->message_id];
  rc = rt_sns_publish(c, &in, id, sizeof id, &perr);
  if (rc != CC_OK) {
    snprintf(ctx->error, sizeof ctx->error, "%s: %s", what, cc_buf_str(&perr));
    ctx->error_type = rc == CC_EINVAL ? RT_ETYPE_MESSAGE : RT_ETYPE_PUBLISH;
  } else {
    memcpy(ctx->message_id, id, sizeof id);
    ctx->published++;
    json_t *f = json_pack("{s:s,s:s}", "topic_key", topic_key, "message_id", ctx->message_id);
    if (f && in.dedup_id) json_object_set_new(f, "dedup_id", json_string(in.dedup_id));
    snprintf(what, sizeof what, "published to \"%s\"", topic_key);
    rt_log(RT_LOG_INFO, ctx->request_id, f, what);
    json_decref(f);
  }
  cc_buf_free(&perr);
  free(msg);
  return rc;
}

int cloudcron_publish(cloudcron_ctx *ctx, const char *topic_key, const char *subject,
                      const json_t *vars, const char *dedup_id) {
  return cloudcron_publish_ex(ctx, topic_key, subject, vars, dedup_id, NULL);
}

const char *cloudcron_last_message_id(const cloudcron_ctx *ctx) { return ctx->message_id; }

int cloudcron_secret(cloudcron_ctx *ctx, const char *secret_id, char **value) {
  cc_buf err = CC_BUF_INIT;
  *value = NULL;
  ctx->error[0] = '\0';
  rt_aws_client *c = S_client(ctx, "secret");
  if (!c) return CC_EINVAL;
  int rc = rt_get_secret_value(c, secret_id, value, &err);
  if (rc != CC_OK)
    snprintf(ctx->error, sizeof ctx->error, "secret \"%s\": %s", secret_id ? secret_id : "",
             cc_buf_str(&err));
  cc_buf_free(&err);
  if (rc != CC_OK) ctx->error_type = RT_ETYPE_SECRET;
  return rc;
}

int cloudcron_parameter(cloudcron_ctx *ctx, const char *name, char **value) {
  cc_buf err = CC_BUF_INIT;
  *value = NULL;
  ctx->error[0] = '\0';
  rt_aws_client *c = S_client(ctx, "parameter");
  if (!c) return CC_EINVAL;
  int rc = rt_get_parameter(c, name, value, &err);
  if (rc != CC_OK)
    snprintf(ctx->error, sizeof ctx->error, "parameter \"%s\": %s", name ? name : "",
             cc_buf_str(&err));
  cc_buf_free(&err);
  if (rc != CC_OK) ctx->error_type = RT_ETYPE_SECRET;
  return rc;
}

void cloudcron_secret_free(char *value) {
  if (!value) return;
  volatile char *p = value;
  while (*p) *p++ = '\0';
  free(value);
}

rt_aws_client *rt_sdk_client(cloudcron_ctx *ctx, const char *what) { return S_client(ctx, what); }
