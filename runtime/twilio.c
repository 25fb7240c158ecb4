/* twilio.c: Twilio credentials, the Messages request and its answer. */
#include "twilio.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"

/* Standard base64 (RFC 4648, padded) of in[n] into out (4 bytes per 3, NUL
 * ended): the Basic credentials. */
static void S_base64(char *out, const unsigned char *in, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                 (i + 2 < n ? in[i + 2] : 0);
    out[o++] = a[v >> 18 & 63];
    out[o++] = a[v >> 12 & 63];
    out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
    out[o++] = i + 2 < n ? a[v & 63] : '=';
  }
  out[o] = '\0';
}

static void S_wipe_free(char *s) {
  if (!s) return;
  memset(s, 0, strlen(s));
  free(s);
}

void rt_twilio_creds_free(rt_twilio_creds *c) {
  if (!c) return;
  S_wipe_free(c->account_sid);
  S_wipe_free(c->auth_token);
  memset(c, 0, sizeof *c);
}

static int S_alnum(const char *s) {
  for (; *s; s++)
    if (!isalnum((unsigned char)*s)) return 0;
  return 1;
}

int rt_twilio_creds_parse(rt_twilio_creds *out, const char *json, size_t len, cc_buf *err) {
  memset(out, 0, sizeof *out);
  json_t *j = json ? json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL) : NULL;
  const char *sid = json_string_value(json_object_get(j, "account_sid"));
  const char *token = json_string_value(json_object_get(j, "auth_token"));
  int rc = CC_OK;
  if (!json_is_object(j)) {
    cc_buf_seterr(err, "the secret is not a JSON object {\"account_sid\": ..., \"auth_token\": ...}");
    rc = CC_EINVAL;
  } else if (!sid || !*sid || !token || !*token) {
    cc_buf_seterr(err, "the secret needs non-empty strings \"account_sid\" and \"auth_token\"");
    rc = CC_EINVAL;
  } else if (!S_alnum(sid)) {
    cc_buf_seterr(err, "the secret's \"account_sid\" is not letters and digits (AC...)");
    rc = CC_EINVAL;
  } else if (!(out->account_sid = strdup(sid)) || !(out->auth_token = strdup(token))) {
    rt_twilio_creds_free(out);
    rc = CC_ENOMEM;
  }
  /* the object held the token: jansson frees it without wiping; wipe the
   * copies it keeps in the strings we can reach */
  if (token) memset((char *)token, 0, strlen(token));
  json_decref(j);
  return rc;
}

int rt_is_e164(const char *s) {
  size_t n;
  if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9') return 0;
  n = strspn(s + 1, "0123456789");
  return s[1 + n] == '\0' && n >= 2 && n <= 15;
}

int rt_twilio_sms_build(rt_http_req *out, const rt_twilio_sms_in *in, cc_buf *err) {
  cc_buf url = CC_BUF_INIT, head = CC_BUF_INIT, body = CC_BUF_INIT;
  const char *base = in->base_url ? in->base_url : RT_TWILIO_URL;
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  if (!in->creds || !in->creds->account_sid || !in->creds->auth_token || !in->to || !in->from ||
      !in->body) {
    cc_buf_seterr(err, "credentials, To, From and Body are required");
    return CC_EINVAL;
  }
  if (strncmp(base, "https://", 8) != 0 || !base[8] || strchr("/?#", base[8]) ||
      strpbrk(base, " ?#\r\n")) {
    cc_buf_seterr(err, "the Twilio base URL must be https://HOST[:PORT][/PATH]");
    return CC_EINVAL;
  }
  const char *host = base + 8;
  size_t hn = strcspn(host, "/");
  size_t bn = strlen(base);
  while (bn > 8 + hn && base[bn - 1] == '/') bn--; /* no trailing slash */
  /* AccountSid:AuthToken in base64: 4 bytes per 3, and the NUL */
  size_t cn = strlen(in->creds->account_sid) + 1 + strlen(in->creds->auth_token);
  unsigned char *cred = malloc(cn + 1), *b64 = malloc(4 * ((cn + 2) / 3) + 1);
  if (!cred || !b64) {
    rc = CC_ENOMEM;
    goto out;
  }
  snprintf((char *)cred, cn + 1, "%s:%s", in->creds->account_sid, in->creds->auth_token);
  S_base64((char *)b64, cred, cn);
  rc = rt_form_add(&body, "To", in->to);
  if (rc == CC_OK) rc = rt_form_add(&body, "From", in->from);
  if (rc == CC_OK) rc = rt_form_add(&body, "Body", in->body);
  if (rc == CC_OK)
    rc = cc_buf_printf(&url, "%.*s/2010-04-01/Accounts/%s/Messages.json", (int)bn, base,
                       in->creds->account_sid);
  if (rc == CC_OK)
    rc = cc_buf_printf(&head,
                       "POST %s HTTP/1.1\r\n"
                       "Content-Type: application/x-www-form-urlencoded\r\n"
                       "Content-Length: %zu\r\n"
                       "Host: %.*s\r\n"
                       "Authorization: Basic %s\r\n\r\n",
                       url.ptr + 8 + hn, body.len, (int)hn, host, (char *)b64);
  if (rc == CC_OK) out->body_len = body.len;
  if (rc == CC_OK && (!(out->url = cc_buf_detach(&url)) || !(out->head = cc_buf_detach(&head)) ||
                      !(out->body = cc_buf_detach(&body)))) {
    rt_twilio_req_free(out);
    rc = CC_ENOMEM;
  }
out:
  if (cred) memset(cred, 0, cn);
  if (b64) memset(b64, 0, 4 * ((cn + 2) / 3));
  free(cred);
  free(b64);
  if (head.ptr) memset(head.ptr, 0, head.len);
  cc_buf_free(&url);
  cc_buf_free(&head);
  cc_buf_free(&body);
  return rc;
}

void rt_twilio_req_free(rt_http_req *r) {
  if (r && r->head) memset(r->head, 0, strlen(r->head));
  rt_http_req_free(r);
}

static void S_copy(char *out, size_t cap, const char *s) {
  snprintf(out, cap, "%s", s ? s : "");
}

void rt_twilio_answer_parse(rt_twilio_answer *out, const char *body, size_t len) {
  memset(out, 0, sizeof *out);
  if (!body || !len) return;
  json_t *j = json_loadb(body, len, 0, NULL);
  json_t *code = json_object_get(j, "code");
  S_copy(out->sid, sizeof out->sid, json_string_value(json_object_get(j, "sid")));
  S_copy(out->message, sizeof out->message, json_string_value(json_object_get(j, "message")));
  S_copy(out->more_info, sizeof out->more_info,
         json_string_value(json_object_get(j, "more_info")));
  if (json_is_integer(code) && json_integer_value(code) > 0 &&
      json_integer_value(code) < 100000000)
    out->code = (long)json_integer_value(code);
  json_decref(j);
}
