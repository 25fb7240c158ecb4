/* calls.c: SNS Publish, GetSecretValue, GetParameter, SES SendEmail and a
 * Twilio SMS over a transport. */
#include "calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws_profile.h"
#include "cc/err.h"
#include "clock.h"

int rt_aws_client_from_env(rt_aws_client *c, cc_buf *err) {
  cc_buf why = CC_BUF_INIT;
  memset(c, 0, sizeof *c);
  rt_retry_default(&c->retry);
  int rc = rt_aws_cfg_resolve(&c->cfg, &why);
  if (rc != CC_OK) cc_buf_seterr(err, "AWS configuration: %s", cc_buf_str(&why));
  cc_buf_free(&why);
  return rc == CC_OK ? CC_OK : CC_EINVAL;
}

/* Sends req; on failure describes it as "WHAT: ..." in err. */
static int S_send(rt_aws_client *c, rt_http_resp *resp, const rt_http_req *req,
                  const char *what, cc_buf *err) {
  int rc = rt_http_send_via(resp, req, &c->retry, c->transport);
  const char *s = resp->attempts == 1 ? "" : "s";
  c->maybe_sent = resp->maybe_sent;
  switch (rc) {
  case CC_OK:
    break;
  case CC_EREMOTE:
    cc_buf_seterr(err, "%s: HTTP %ld %s%s%s (%d attempt%s)", what, resp->status,
             resp->code[0] ? resp->code : "(no error code)", resp->detail[0] ? ": " : "",
             resp->detail, resp->attempts, s);
    break;
  case CC_ETIMEOUT:
  case CC_ENET:
    cc_buf_seterr(err, "%s: %s after %d attempt%s: %s", what,
             rc == CC_ETIMEOUT ? "timed out" : "no answer", resp->attempts, s,
             resp->detail[0] ? resp->detail : cc_strerror(rc));
    break;
  default:
    cc_buf_seterr(err, "%s: %s", what, cc_strerror(rc));
  }
  return rc;
}

static const char *S_date(const rt_aws_client *c, char buf[17]) {
  if (c->fixed_date) return c->fixed_date;
  rt_aws_date_now(buf);
  return buf;
}

/* Sends req, whose builder returned build_rc (with why, its reason; freed
 * here), and
 * copies the answer's id into id (idcap bytes; may be NULL) with read_id:
 * an answer without one is CC_EREMOTE. Frees req. */
static int S_call_id(rt_aws_client *c, int build_rc, cc_buf *why, rt_http_req *req,
                     const char *what, void (*read_id)(char *, size_t, const char *, size_t),
                     char *id, size_t idcap, cc_buf *err) {
  rt_http_resp resp;
  c->maybe_sent = 0;
  if (id && idcap) id[0] = '\0';
  if (build_rc != CC_OK) {
    cc_buf_seterr(err, "%s: %s", what, why->len ? cc_buf_str(why) : cc_strerror(build_rc));
    cc_buf_free(why);
    return build_rc;
  }
  cc_buf_free(why);
  int rc = S_send(c, &resp, req, what, err);
  if (rc == CC_OK && id && idcap) {
    read_id(id, idcap, resp.body.ptr, resp.body.len);
    if (!id[0]) {
      cc_buf_seterr(err, "%s: HTTP %ld answer without a MessageId", what, resp.status);
      rc = CC_EREMOTE;
    }
  }
  cc_buf_free(&resp.body);
  rt_http_req_free(req);
  return rc;
}

/* The MessageId of an SNS Publish answer: XML, or JSON should SNS ever
 * answer in the JSON protocol. */
static void S_sns_message_id(char *out, size_t cap, const char *body, size_t len) {
  rt_xml_text(out, cap, body, len, "MessageId");
  if (out[0] || !body) return;
  json_t *j = json_loadb(body, len, 0, NULL);
  json_t *r = json_object_get(j, "PublishResponse");
  const char *id = json_string_value(
      json_object_get(json_object_get(r ? r : j, "PublishResult"), "MessageId"));
  if (!id) id = json_string_value(json_object_get(j, "MessageId"));
  if (id) snprintf(out, cap, "%s", id);
  json_decref(j);
}

int rt_sns_publish(rt_aws_client *c, const rt_sns_publish_in *in, char *message_id,
                   size_t idcap, cc_buf *err) {
  rt_http_req req;
  char date[17];
  cc_buf why = CC_BUF_INIT;
  int rc = rt_sns_publish_build(&req, &c->cfg, S_date(c, date), in, &why);
  return S_call_id(c, rc, &why, &req, "sns Publish", S_sns_message_id, message_id, idcap, err);
}

/* Sends a JSON 1.1 request and copies the string at key (or key.sub) of
 * the answer into *value. */
static int S_json_value(rt_aws_client *c, int build_rc, rt_http_req *req, const char *what,
                        const char *name, const char *key, const char *sub, char **value,
                        cc_buf *err) {
  rt_http_resp resp;
  *value = NULL;
  if (build_rc != CC_OK) {
    cc_buf_seterr(err, "%s: %s", what,
             build_rc == CC_EINVAL ? "a non-empty UTF-8 name is required"
                                   : cc_strerror(build_rc));
    return build_rc;
  }
  int rc = S_send(c, &resp, req, what, err);
  if (rc == CC_OK) {
    json_error_t je;
    json_t *j = json_loadb(cc_buf_str(&resp.body), resp.body.len, 0, &je);
    json_t *v = json_object_get(j, key);
    if (sub) v = json_object_get(v, sub);
    if (!j) {
      cc_buf_seterr(err, "%s: the answer is not JSON (%s)", what, je.text);
      rc = CC_EREMOTE;
    } else if (!json_is_string(v)) {
      cc_buf_seterr(err, "%s: %s has no %s%s%s", what, name, key, sub ? "." : "",
               sub ? sub : "");
      rc = CC_EINVAL;
    } else if (!(*value = strdup(json_string_value(v)))) {
      rc = CC_ENOMEM;
      cc_buf_seterr(err, "%s: %s", what, cc_strerror(rc));
    }
    json_decref(j);
    /* the body held the secret: wipe it before it goes back to the heap */
    if (resp.body.ptr) memset(resp.body.ptr, 0, resp.body.len);
  }
  cc_buf_free(&resp.body);
  rt_http_req_free(req);
  return rc;
}

int rt_get_secret_value(rt_aws_client *c, const char *secret_id, char **value, cc_buf *err) {
  rt_http_req req;
  char date[17];
  int rc = rt_secret_value_build(&req, &c->cfg, S_date(c, date), secret_id);
  return S_json_value(c, rc, &req, "secretsmanager GetSecretValue", "the secret",
                      "SecretString", NULL, value, err);
}

int rt_get_parameter(rt_aws_client *c, const char *name, char **value, cc_buf *err) {
  rt_http_req req;
  char date[17];
  int rc = rt_ssm_parameter_build(&req, &c->cfg, S_date(c, date), name);
  return S_json_value(c, rc, &req, "ssm GetParameter", "the answer", "Parameter", "Value",
                      value, err);
}

int rt_ses_send_email(rt_aws_client *c, const rt_ses_email_in *in, char *message_id,
                      size_t idcap, cc_buf *err) {
  cc_buf why = CC_BUF_INIT;
  char date[17];
  rt_http_req req;
  int rc = rt_ses_send_email_build(&req, &c->cfg, S_date(c, date), in, &why);
  return S_call_id(c, rc, &why, &req, "ses SendEmail", rt_ses_message_id, message_id, idcap, err);
}

int rt_twilio_send(rt_aws_client *c, const rt_twilio_sms_in *in, rt_twilio_answer *ans,
                   cc_buf *err) {
  rt_http_req req;
  rt_http_resp resp;
  cc_buf why = CC_BUF_INIT;
  c->maybe_sent = 0;
  memset(ans, 0, sizeof *ans);
  int rc = rt_twilio_sms_build(&req, in, &why);
  if (rc != CC_OK)
    cc_buf_seterr(err, "twilio Messages: %s", why.len ? cc_buf_str(&why) : cc_strerror(rc));
  cc_buf_free(&why);
  if (rc != CC_OK) return rc;
  rc = S_send(c, &resp, &req, "twilio Messages", err);
  if (rc == CC_OK || rc == CC_EREMOTE) rt_twilio_answer_parse(ans, resp.body.ptr, resp.body.len);
  if (rc == CC_EREMOTE && (ans->code || ans->message[0])) {
    cc_buf_seterr(err, "twilio Messages: HTTP %ld, Twilio error %ld: %s%s%s%s (%d attempt%s)",
             resp.status, ans->code, ans->message[0] ? ans->message : "(no message)",
             ans->more_info[0] ? " (" : "", ans->more_info, ans->more_info[0] ? ")" : "",
             resp.attempts, resp.attempts == 1 ? "" : "s");
  } else if (rc == CC_OK && !ans->sid[0]) {
    cc_buf_seterr(err, "twilio Messages: HTTP %ld answer without a sid", resp.status);
    rc = CC_EREMOTE;
  }
  cc_buf_free(&resp.body);
  rt_twilio_req_free(&req);
  return rc;
}
