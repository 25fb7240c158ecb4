/* aws.c: endpoints, form encoding and signing of AWS requests. */
#include "aws.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

static int S_unreserved(unsigned char c) {
  return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

static int S_encode(cc_buf *b, const char *s, int keep_slash) {
  int rc = CC_OK;
  for (const unsigned char *c = (const unsigned char *)s; *c && rc == CC_OK; c++) {
    if (S_unreserved(*c) || (keep_slash && *c == '/'))
      rc = cc_buf_putc(b, (char)*c);
    else
      rc = cc_buf_printf(b, "%%%02X", *c);
  }
  return rc;
}

int rt_form_add(cc_buf *b, const char *key, const char *value) {
  int rc = cc_buf_printf(b, "%s%s=", b->len ? "&" : "", key);
  return rc == CC_OK ? S_encode(b, value, 0) : rc;
}

int rt_aws_endpoint(cc_buf *url, char *host, size_t hcap, const char *env_id,
                    const char *host_prefix, const char *region) {
  char var[64];
  const char *e;
  size_t start = url->len;
  int rc;
  snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", env_id);
  e = getenv(var);
  if (!e || !*e) e = getenv("AWS_ENDPOINT_URL");
  if (e && *e)
    rc = cc_buf_puts(url, e);
  else
    rc = cc_buf_printf(url, "https://%s.%s.amazonaws.com", host_prefix, region);
  if (rc != CC_OK) return rc;
  while (url->len > start && url->ptr[url->len - 1] == '/') cc_buf_truncate(url, url->len - 1);
  const char *h = url->len > start ? strstr(url->ptr + start, "://") : NULL;
  if (!h) return CC_EINVAL;
  h += 3;
  size_t n = strcspn(h, "/?#");
  if (n == 0 || n >= hcap) return CC_EINVAL;
  memcpy(host, h, n);
  host[n] = '\0';
  return CC_OK;
}

int rt_aws_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                 const rt_aws_build_in *in) {
  cc_buf url = CC_BUF_INIT, head = CC_BUF_INIT, path = CC_BUF_INIT;
  char host[256], clen[32], sha[65];
  rt_sigv4_result sig = {0};
  rt_kv hs[8];
  size_t nh = 0;
  int rc;
  memset(out, 0, sizeof *out);
  if (!in->method || !in->path || in->path[0] != '/' || !in->service ||
      (in->body_len && !in->body))
    return CC_EINVAL;
  rc = rt_aws_endpoint(&url, host, sizeof host, in->env_id, in->host_prefix, cfg->region);
  if (rc != CC_OK) goto out;
  /* an endpoint's own path (http://proxy/aws) prefixes the request's, in
   * the URL and in what is signed, as the AWS SDKs do */
  const char *base = strstr(url.ptr, "://") + 3;
  base += strcspn(base, "/?#");
  if (*base == '?' || *base == '#') {
    rc = CC_EINVAL;
    goto out;
  }
  rc = cc_buf_printf(&path, "%s%s", base, in->path);
  cc_buf_truncate(&url, (size_t)(base - url.ptr));
  if (rc == CC_OK) rc = S_encode(&url, path.ptr, 1);
  if (rc == CC_OK && in->query && *in->query) rc = cc_buf_printf(&url, "?%s", in->query);
  if (rc != CC_OK) goto out;
  snprintf(clen, sizeof clen, "%zu", in->body_len);
  if (in->content_type) hs[nh++] = (rt_kv){"Content-Type", in->content_type};
  if (in->body_len || strcmp(in->method, "GET") != 0) hs[nh++] = (rt_kv){"Content-Length", clen};
  hs[nh++] = (rt_kv){"Host", host};
  if (in->content_sha256) {
    if ((rc = rt_sha256_hex(sha, in->body ? in->body : "", in->body_len)) != CC_OK) goto out;
    hs[nh++] = (rt_kv){"X-Amz-Content-Sha256", sha};
  }
  hs[nh++] = (rt_kv){"X-Amz-Date", amz_date};
  if (cfg->token) hs[nh++] = (rt_kv){"X-Amz-Security-Token", cfg->token};
  if (in->target) hs[nh++] = (rt_kv){"X-Amz-Target", in->target};
  rt_sigv4_input si = {.method = in->method, .path = path.ptr, .query = in->query,
                       .headers = hs, .n_headers = nh, .body = in->body ? in->body : "",
                       .body_len = in->body_len, .access_key = cfg->access_key,
                       .secret_key = cfg->secret_key, .region = cfg->region,
                       .service = in->service, .amz_date = amz_date,
                       .normalize_path = in->normalize_path};
  rc = rt_sigv4_sign(&sig, &si);
  if (rc != CC_OK) goto out;
  rc = cc_buf_printf(&head, "%s ", in->method);
  if (rc == CC_OK) rc = S_encode(&head, path.ptr, 1);
  if (rc == CC_OK && in->query && *in->query) rc = cc_buf_printf(&head, "?%s", in->query);
  if (rc == CC_OK) rc = cc_buf_puts(&head, " HTTP/1.1\r\n");
  for (size_t i = 0; i < nh && rc == CC_OK; i++)
    rc = cc_buf_printf(&head, "%s: %s\r\n", hs[i].name, hs[i].value);
  if (rc == CC_OK) rc = cc_buf_printf(&head, "Authorization: %s\r\n\r\n", sig.authorization);
  if (rc != CC_OK) goto out;
  out->body_len = in->body_len;
  out->url = cc_buf_detach(&url);
  out->head = cc_buf_detach(&head);
  out->body = malloc(in->body_len + 1);
  if (out->body) {
    if (in->body_len) memcpy(out->body, in->body, in->body_len);
    out->body[in->body_len] = '\0';
  }
  if (!out->url || !out->head || !out->body) {
    rt_http_req_free(out);
    rc = CC_ENOMEM;
  }
out:
  rt_sigv4_result_free(&sig);
  cc_buf_free(&url);
  cc_buf_free(&head);
  cc_buf_free(&path);
  return rc;
}

/* A Number attribute: what SNS accepts, a decimal with optional sign,
 * fraction and exponent. */
static int S_is_number(const char *s) {
  char *end;
  if (!*s || isspace((unsigned char)*s)) return 0;
  if (strspn(s, "+-0123456789.eE") != strlen(s)) return 0;
  (void)strtod(s, &end);
  return *end == '\0';
}

static int S_attr_type_ok(const char *t) {
  static const char *const base[] = {"String", "Number"};
  if (strcmp(t, "String.Array") == 0) return 1;
  for (int i = 0; i < 2; i++) {
    size_t n = strlen(base[i]);
    if (strncmp(t, base[i], n) == 0 && (t[n] == '\0' || (t[n] == '.' && t[n + 1])))
      return 1;
  }
  return 0;
}

int rt_sns_publish_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                         const rt_sns_publish_in *in, cc_buf *err) {
  cc_buf body = CC_BUF_INIT;
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  if (!in->topic_arn || !*in->topic_arn || !in->message) {
    cc_buf_seterr(err, "a topic ARN and a message are required");
    return CC_EINVAL;
  }
  if (in->n_attrs > 10) {
    cc_buf_seterr(err, "SNS allows at most 10 message attributes");
    return CC_EINVAL;
  }
  for (size_t i = 0; i < in->n_attrs; i++) {
    const rt_msg_attr *a = &in->attrs[i];
    if (!a->name || !*a->name || !a->value) {
      cc_buf_seterr(err, "a message attribute needs a name and a value");
      return CC_EINVAL;
    }
    if (!a->type || !S_attr_type_ok(a->type)) {
      cc_buf_seterr(err, "a message attribute's type is String, Number or String.Array");
      return CC_EINVAL;
    }
    if (strncmp(a->type, "Number", 6) == 0 && !S_is_number(a->value)) {
      cc_buf_seterr(err, "a Number message attribute's value is not a number");
      return CC_EINVAL;
    }
  }
  /* botocore's order: the operation, then the input shape's members */
  rc = rt_form_add(&body, "Action", "Publish");
  if (rc == CC_OK) rc = rt_form_add(&body, "Version", "2010-03-31");
  if (rc == CC_OK) rc = rt_form_add(&body, "TopicArn", in->topic_arn);
  if (rc == CC_OK) rc = rt_form_add(&body, "Message", in->message);
  if (rc == CC_OK && in->subject) rc = rt_form_add(&body, "Subject", in->subject);
  for (size_t i = 0; i < in->n_attrs && rc == CC_OK; i++) {
    char k[64];
    snprintf(k, sizeof k, "MessageAttributes.entry.%zu.Name", i + 1);
    rc = rt_form_add(&body, k, in->attrs[i].name);
    snprintf(k, sizeof k, "MessageAttributes.entry.%zu.Value.DataType", i + 1);
    if (rc == CC_OK) rc = rt_form_add(&body, k, in->attrs[i].type);
    snprintf(k, sizeof k, "MessageAttributes.entry.%zu.Value.StringValue", i + 1);
    if (rc == CC_OK) rc = rt_form_add(&body, k, in->attrs[i].value);
  }
  if (rc == CC_OK && in->dedup_id)
    rc = rt_form_add(&body, "MessageDeduplicationId", in->dedup_id);
  if (rc == CC_OK && in->group_id) rc = rt_form_add(&body, "MessageGroupId", in->group_id);
  if (rc == CC_OK) {
    rt_aws_build_in b = {.method = "POST", .path = "/", .service = "sns", .env_id = "SNS",
                         .host_prefix = "sns",
                         .content_type = "application/x-www-form-urlencoded; charset=utf-8",
                         .body = body.ptr, .body_len = body.len, .normalize_path = 1};
    rc = rt_aws_build(out, cfg, amz_date, &b);
  }
  cc_buf_free(&body);
  return rc;
}

int rt_sns_publish_req(rt_http_req *out, const rt_aws_cfg *cfg,
                       const char *amz_date, const char *topic_arn,
                       const char *message, const char *subject,
                       const char *group_id, const char *dedup_id) {
  rt_sns_publish_in in = {.topic_arn = topic_arn, .message = message, .subject = subject,
                          .group_id = group_id, .dedup_id = dedup_id};
  return rt_sns_publish_build(out, cfg, amz_date, &in, NULL);
}

/* A JSON 1.1 call: POST / with the target and a JSON body. */
static int S_json11(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                    const char *service, const char *env_id, const char *target,
                    json_t *body) {
  char *text = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  int rc;
  json_decref(body);
  memset(out, 0, sizeof *out);
  if (!text) return CC_EINVAL; /* NULL input or invalid UTF-8 */
  rt_aws_build_in b = {.method = "POST", .path = "/", .service = service, .env_id = env_id,
                       .host_prefix = service, .content_type = "application/x-amz-json-1.1",
                       .target = target, .body = text, .body_len = strlen(text),
                       .normalize_path = 1};
  rc = rt_aws_build(out, cfg, amz_date, &b);
  free(text);
  return rc;
}

int rt_secret_value_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *secret_id) {
  json_t *b = secret_id && *secret_id ? json_pack("{s:s}", "SecretId", secret_id) : NULL;
  return S_json11(out, cfg, amz_date, "secretsmanager", "SECRETS_MANAGER",
                  "secretsmanager.GetSecretValue", b);
}

int rt_ssm_parameter_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                           const char *name) {
  json_t *b = name && *name ? json_pack("{s:s,s:b}", "Name", name, "WithDecryption", 1) : NULL;
  return S_json11(out, cfg, amz_date, "ssm", "SSM", "AmazonSSM.GetParameter", b);
}

void rt_http_req_free(rt_http_req *r) {
  if (!r) return;
  free(r->url);
  free(r->head);
  free(r->body);
  memset(r, 0, sizeof *r);
}

int rt_http_get_req(rt_http_req *out, const char *url) {
  memset(out, 0, sizeof *out);
  out->url = strdup(url);
  out->head = strdup("GET / HTTP/1.1\r\n\r\n");
  if (!out->url || !out->head) {
    rt_http_req_free(out);
    return CC_ENOMEM;
  }
  return CC_OK;
}
