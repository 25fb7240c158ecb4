/* aws.c: endpoints, form encoding and signing of AWS query requests. */
#include "aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "sigv4.h"

int rt_aws_cfg_from_env(rt_aws_cfg *out, const char **missing) {
  static const char *const names[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                      "AWS_REGION"};
  const char *v[3];
  for (int i = 0; i < 3; i++) {
    v[i] = getenv(names[i]);
    if (!v[i] || !*v[i]) {
      *missing = names[i];
      return CC_EINVAL;
    }
  }
  out->access_key = v[0];
  out->secret_key = v[1];
  out->region = v[2];
  out->token = getenv("AWS_SESSION_TOKEN");
  if (out->token && !*out->token) out->token = NULL;
  *missing = NULL;
  return CC_OK;
}

/* application/x-www-form-urlencoded value, as the AWS SDKs write it. */
static int S_form(cc_buf *b, const char *key, const char *value) {
  int rc = cc_buf_printf(b, "%s%s=", b->len ? "&" : "", key);
  for (const unsigned char *c = (const unsigned char *)value; *c && rc == CC_OK; c++) {
    if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~')
      rc = cc_buf_putc(b, (char)*c);
    else
      rc = cc_buf_printf(b, "%%%02X", *c);
  }
  return rc;
}

/* The endpoint for service (upper-case id for the variable, lower for the
 * host name); *host points into the returned string's copy in hostbuf. */
static int S_endpoint(cc_buf *url, char *host, size_t hcap, const char *id,
                      const char *prefix, const char *region) {
  char var[64];
  const char *e;
  int rc;
  snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", id);
  e = getenv(var);
  if (!e || !*e) e = getenv("AWS_ENDPOINT_URL");
  if (e && *e)
    rc = cc_buf_puts(url, e);
  else
    rc = cc_buf_printf(url, "https://%s.%s.amazonaws.com", prefix, region);
  if (rc != CC_OK) return rc;
  while (url->len && url->ptr[url->len - 1] == '/') cc_buf_truncate(url, url->len - 1);
  const char *h = strstr(url->ptr, "://");
  if (!h) return CC_EINVAL;
  h += 3;
  size_t n = strcspn(h, "/");
  if (n == 0 || n >= hcap) return CC_EINVAL;
  memcpy(host, h, n);
  host[n] = '\0';
  return cc_buf_putc(url, '/');
}

int rt_sns_publish_req(rt_http_req *out, const rt_aws_cfg *cfg,
                       const char *amz_date, const char *topic_arn,
                       const char *message, const char *subject,
                       const char *group_id, const char *dedup_id) {
  cc_buf url = CC_BUF_INIT, body = CC_BUF_INIT, head = CC_BUF_INIT;
  char host[256], clen[32];
  rt_sigv4_result sig = {0};
  int rc;
  memset(out, 0, sizeof *out);
  rc = S_endpoint(&url, host, sizeof host, "SNS", "sns", cfg->region);
  if (rc == CC_OK) rc = S_form(&body, "Action", "Publish");
  if (rc == CC_OK && group_id) rc = S_form(&body, "MessageGroupId", group_id);
  if (rc == CC_OK && dedup_id) rc = S_form(&body, "MessageDeduplicationId", dedup_id);
  if (rc == CC_OK) rc = S_form(&body, "Message", message);
  if (rc == CC_OK && subject) rc = S_form(&body, "Subject", subject);
  if (rc == CC_OK) rc = S_form(&body, "TopicArn", topic_arn);
  if (rc == CC_OK) rc = S_form(&body, "Version", "2010-03-31");
  if (rc != CC_OK) goto out;
  snprintf(clen, sizeof clen, "%zu", body.len);
  rt_kv hs[5] = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                 {"Content-Length", clen},
                 {"Host", host},
                 {"X-Amz-Date", amz_date},
                 {"X-Amz-Security-Token", cfg->token}};
  size_t nh = cfg->token ? 5 : 4;
  rt_sigv4_input in = {.method = "POST", .path = "/", .query = "",
                       .headers = hs, .n_headers = nh, .body = body.ptr,
                       .body_len = body.len, .access_key = cfg->access_key,
                       .secret_key = cfg->secret_key, .region = cfg->region,
                       .service = "sns", .amz_date = amz_date,
                       .normalize_path = 1};
  rc = rt_sigv4_sign(&sig, &in);
  if (rc != CC_OK) goto out;
  rc = cc_buf_puts(&head, "POST / HTTP/1.1\r\n");
  for (size_t i = 0; i < nh && rc == CC_OK; i++)
    rc = cc_buf_printf(&head, "%s: %s\r\n", hs[i].name, hs[i].value);
  if (rc == CC_OK) rc = cc_buf_printf(&head, "Authorization: %s\r\n\r\n", sig.authorization);
  if (rc != CC_OK) goto out;
  out->body_len = body.len;
  out->url = cc_buf_detach(&url);
  out->head = cc_buf_detach(&head);
  out->body = cc_buf_detach(&body);
  if (!out->url || !out->head || !out->body) {
    rt_http_req_free(out);
    rc = CC_ENOMEM;
  }
out:
  rt_sigv4_result_free(&sig);
  cc_buf_free(&url);
  cc_buf_free(&body);
  cc_buf_free(&head);
  return rc;
}

void rt_http_req_free(rt_http_req *r) {
  if (!r) return;
  free(r->url);
  free(r->head);
  free(r->body);
  memset(r, 0, sizeof *r);
}
