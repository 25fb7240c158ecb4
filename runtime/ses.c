/* ses.c: the SES v2 SendEmail request and its answer. */
#include "ses.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"

/* A JSON array of n strings; NULL when one is not UTF-8 (or no memory). */
static json_t *S_strings(const char *const *s, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < n; i++) {
    if (json_array_append_new(a, json_string(s[i])) != 0) {
      json_decref(a);
      return NULL;
    }
  }
  return a;
}

/* Sets o[key] = v (taken) while *ok holds; a NULL v (text that is not
 * UTF-8, no memory) clears *ok. */
static void S_put(json_t *o, const char *key, json_t *v, int *ok) {
  if (*ok && o && v) {
    if (json_object_set_new(o, key, v) != 0) *ok = 0; /* v freed */
    return;
  }
  *ok = 0;
  json_decref(v);
}

/* {"Data": text, "Charset": "UTF-8"}; NULL when text is not UTF-8. */
static json_t *S_content(const char *text) {
  json_t *c = json_object();
  int ok = 1;
  S_put(c, "Data", json_string(text), &ok);
  S_put(c, "Charset", json_string("UTF-8"), &ok);
  if (!ok) json_decref(c);
  return ok ? c : NULL;
}

int rt_ses_send_email_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                            const rt_ses_email_in *in, cc_buf *err) {
  memset(out, 0, sizeof *out);
  if (!in->from || !*in->from || !in->n_to || !in->to || !in->subject ||
      (!in->text && !in->html) || (in->n_reply_to && !in->reply_to)) {
    cc_buf_seterr(err, "a sender, at least one recipient, a subject and a body are required");
    return CC_EINVAL;
  }
  /* the last line of defence against header injection: SES writes these
   * into headers, where a line break would start one of the caller's own */
  if (strpbrk(in->subject, "\r\n")) {
    cc_buf_seterr(err, "the subject holds a line break (CR or LF)");
    return CC_EINVAL;
  }
  int broken = strpbrk(in->from, "\r\n") != NULL;
  for (size_t i = 0; i < in->n_to; i++) broken |= !in->to[i] || strpbrk(in->to[i], "\r\n");
  for (size_t i = 0; i < in->n_reply_to; i++)
    broken |= !in->reply_to[i] || strpbrk(in->reply_to[i], "\r\n");
  if (broken) {
    cc_buf_seterr(err, "an address holds a line break (CR or LF)");
    return CC_EINVAL;
  }
  /* the members in the order of botocore's SendEmailRequest shape */
  json_t *body = json_object(), *dest = json_object(), *content = json_object();
  json_t *simple = json_object(), *text = json_object();
  int ok = 1;
  S_put(dest, "ToAddresses", S_strings(in->to, in->n_to), &ok);
  S_put(simple, "Subject", S_content(in->subject), &ok);
  if (in->text) S_put(text, "Text", S_content(in->text), &ok);
  if (in->html) S_put(text, "Html", S_content(in->html), &ok);
  S_put(simple, "Body", text, &ok);
  S_put(content, "Simple", simple, &ok);
  S_put(body, "FromEmailAddress", json_string(in->from), &ok);
  S_put(body, "Destination", dest, &ok);
  if (in->n_reply_to) S_put(body, "ReplyToAddresses", S_strings(in->reply_to, in->n_reply_to), &ok);
  S_put(body, "Content", content, &ok);
  if (in->configuration_set)
    S_put(body, "ConfigurationSetName", json_string(in->configuration_set), &ok);
  char *json = ok ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (!json) {
    /* json_string refuses text that is not UTF-8 */
    cc_buf_seterr(err, "the sender, a recipient, the subject or the body is not UTF-8");
    return CC_EINVAL;
  }
  rt_aws_build_in b = {.method = "POST", .path = "/v2/email/outbound-emails", .service = "ses",
                       .env_id = "SESV2", .host_prefix = "email",
                       .content_type = "application/json", .body = json,
                       .body_len = strlen(json), .normalize_path = 1};
  int rc = rt_aws_build(out, cfg, amz_date, &b);
  free(json);
  return rc;
}

void rt_ses_message_id(char *out, size_t cap, const char *body, size_t len) {
  out[0] = '\0';
  if (!body || !len) return;
  json_t *j = json_loadb(body, len, 0, NULL);
  const char *id = json_string_value(json_object_get(j, "MessageId"));
  if (id && cap) snprintf(out, cap, "%s", id);
  json_decref(j);
}
