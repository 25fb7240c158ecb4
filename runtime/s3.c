/* s3.c: S3 GetObject requests (SigV4, path or virtual-host style) and S3
 * XML error bodies. */
#include "s3.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "sigv4.h"

/* SHA-256 of the empty body: a GET sends none, and S3 wants it stated. */
#define S_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* URI-encodes as SigV4 and S3 do: unreserved bytes and '/' stay. */
static int S_encode(cc_buf *b, const char *s) {
  int rc = CC_OK;
  for (const unsigned char *c = (const unsigned char *)s; *c && rc == CC_OK; c++) {
    if (isalnum(*c) || *c == '-' || *c == '_' || *c == '.' || *c == '~' || *c == '/')
      rc = cc_buf_putc(b, (char)*c);
    else
      rc = cc_buf_printf(b, "%%%02X", *c);
  }
  return rc;
}

/* A bucket usable as a host name label under AWS's TLS wildcard: 3 to 63
 * lower-case letters, digits and hyphens, starting and ending with a letter
 * or digit (a dot would break the certificate match). */
static int S_dns_bucket(const char *b) {
  size_t n = strlen(b);
  if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-') return 0;
  for (size_t i = 0; i < n; i++)
    if (!(islower((unsigned char)b[i]) || isdigit((unsigned char)b[i]) || b[i] == '-'))
      return 0;
  return 1;
}

/* Fills url (scheme://host[/prefix], no trailing slash), host and the raw
 * path prefix the object's path goes under. */
static int S_endpoint(cc_buf *url, cc_buf *host, cc_buf *path, const char *bucket,
                      const char *region) {
  const char *e = getenv("AWS_ENDPOINT_URL_S3");
  int rc;
  if (!e || !*e) e = getenv("AWS_ENDPOINT_URL");
  if (e && *e) {
    const char *h = strstr(e, "://");
    if (!h || h == e) return CC_EINVAL;
    h += 3;
    size_t hn = strcspn(h, "/?#");
    if (hn == 0) return CC_EINVAL;
    const char *p = h + hn;
    size_t pn = strcspn(p, "?#");
    while (pn && p[pn - 1] == '/') pn--;
    rc = cc_buf_add(url, e, (size_t)(h - e) + hn);
    if (rc == CC_OK) rc = cc_buf_add(host, h, hn);
    if (rc == CC_OK) rc = cc_buf_add(path, p, pn);
    if (rc == CC_OK) rc = cc_buf_printf(path, "/%s", bucket);
    return rc;
  }
  if (S_dns_bucket(bucket)) {
    rc = cc_buf_printf(host, "%s.s3.%s.amazonaws.com", bucket, region);
    if (rc == CC_OK) rc = cc_buf_printf(url, "https://%s", host->ptr);
    if (rc == CC_OK) rc = cc_buf_puts(path, "");
    return rc;
  }
  rc = cc_buf_printf(host, "s3.%s.amazonaws.com", region);
  if (rc == CC_OK) rc = cc_buf_printf(url, "https://%s", host->ptr);
  if (rc == CC_OK) rc = cc_buf_printf(path, "/%s", bucket);
  return rc;
}

int rt_s3_get_req(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                  const char *bucket, const char *key) {
  cc_buf url = CC_BUF_INIT, host = CC_BUF_INIT, path = CC_BUF_INIT, head = CC_BUF_INIT,
         enc = CC_BUF_INIT;
  rt_sigv4_result sig = {0};
  int rc;
  memset(out, 0, sizeof *out);
  if (!bucket || !*bucket || !key || !*key) return CC_EINVAL;
  rc = S_endpoint(&url, &host, &path, bucket, cfg->region);
  if (rc == CC_OK) rc = cc_buf_printf(&path, "/%s", key);
  if (rc == CC_OK) rc = S_encode(&enc, path.ptr);
  if (rc == CC_OK) rc = cc_buf_puts(&url, enc.ptr);
  if (rc != CC_OK) goto out;
  rt_kv hs[4] = {{"Host", host.ptr},
                 {"X-Amz-Content-SHA256", S_EMPTY_SHA256},
                 {"X-Amz-Date", amz_date},
                 {"X-Amz-Security-Token", cfg->token}};
  size_t nh = cfg->token ? 4 : 3;
  rt_sigv4_input in = {.method = "GET", .path = path.ptr, .query = "",
                       .headers = hs, .n_headers = nh, .body = "", .body_len = 0,
                       .access_key = cfg->access_key, .secret_key = cfg->secret_key,
                       .region = cfg->region, .service = "s3", .amz_date = amz_date,
                       .normalize_path = 0};
  rc = rt_sigv4_sign(&sig, &in);
  if (rc != CC_OK) goto out;
  rc = cc_buf_printf(&head, "GET %s HTTP/1.1\r\n", enc.ptr);
  for (size_t i = 0; i < nh && rc == CC_OK; i++)
    rc = cc_buf_printf(&head, "%s: %s\r\n", hs[i].name, hs[i].value);
  if (rc == CC_OK) rc = cc_buf_printf(&head, "Authorization: %s\r\n\r\n", sig.authorization);
  if (rc != CC_OK) goto out;
  out->url = cc_buf_detach(&url);
  out->head = cc_buf_detach(&head);
  out->body = strdup("");
  out->body_len = 0;
  if (!out->url || !out->head || !out->body) {
    rt_http_req_free(out);
    rc = CC_ENOMEM;
  }
out:
  rt_sigv4_result_free(&sig);
  cc_buf_free(&url);
  cc_buf_free(&host);
  cc_buf_free(&path);
  cc_buf_free(&enc);
  cc_buf_free(&head);
  return rc;
}

/* Copies the text of the first <tag>...</tag> in body, entities decoded. */
static void S_element(char *out, size_t cap, const char *tag, const char *body, size_t len) {
  char open[32], close[32];
  size_t n = 0;
  out[0] = '\0';
  if (cap == 0) return;
  int on = snprintf(open, sizeof open, "<%s>", tag);
  int cn = snprintf(close, sizeof close, "</%s>", tag);
  const char *end = body + len;
  for (const char *p = body; p + on <= end; p++) {
    if (memcmp(p, open, (size_t)on) != 0) continue;
    static const struct { const char *ent; char c; } ents[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (const char *q = p + on; q < end && n + 1 < cap; q++) {
      if (end - q >= cn && memcmp(q, close, (size_t)cn) == 0) break;
      char c = *q;
      if (c == '&') {
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
          size_t el = strlen(ents[i].ent);
          if ((size_t)(end - q) >= el && memcmp(q, ents[i].ent, el) == 0) {
            c = ents[i].c;
            q += el - 1;
            break;
          }
        }
      }
      out[n++] = c;
    }
    out[n] = '\0';
    return;
  }
}

void rt_s3_error(char *code, size_t code_cap, char *msg, size_t msg_cap,
                 const char *body, size_t len) {
  S_element(code, code_cap, "Code", body ? body : "", body ? len : 0);
  S_element(msg, msg_cap, "Message", body ? body : "", body ? len : 0);
}
