/* source.c: template sources (inline, file://, https://, s3://) and the
 * bounded GET they share. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#include "aws.h"
#include "cc/err.h"
#include "cc/file.h"
#include "s3.h"

static void S_name_of(rt_url *u, const char *path, size_t len) {
  const char *slash = NULL;
  for (size_t i = 0; i < len; i++)
    if (path[i] == '/') slash = path + i;
  u->name = slash ? slash + 1 : path;
  u->name_len = len - (size_t)(u->name - path);
}

int rt_url_parse(rt_url *out, cc_buf *err, const char *url) {
  memset(out, 0, sizeof *out);
  for (const unsigned char *c = (const unsigned char *)url; *c; c++) {
    if (*c < ' ' || *c == 0x7f) {
      cc_buf_seterr(err, "the URL holds a control character");
      return CC_EINVAL;
    }
  }
  if (strncmp(url, "file://", 7) == 0) {
    out->kind = RT_URL_FILE;
    out->path = url + 7;
    if (!*out->path) {
      cc_buf_seterr(err, "file:// needs a path");
      return CC_EINVAL;
    }
    S_name_of(out, out->path, strlen(out->path));
    return CC_OK;
  }
  if (strncmp(url, "https://", 8) == 0) {
    const char *h = url + 8;
    size_t hn = strcspn(h, "/?#");
    if (hn == 0) {
      cc_buf_seterr(err, "https:// needs a host");
      return CC_EINVAL;
    }
    if (strchr(url, ' ')) {
      cc_buf_seterr(err, "%s", "an https:// URL cannot hold a space; write it %20");
      return CC_EINVAL;
    }
    out->kind = RT_URL_HTTPS;
    out->path = h + hn;
    S_name_of(out, out->path, strcspn(out->path, "?#"));
    return CC_OK;
  }
  if (strncmp(url, "s3://", 5) == 0) {
    const char *b = url + 5;
    size_t bn = strcspn(b, "/");
    if (bn == 0 || b[bn] != '/' || !b[bn + 1]) {
      cc_buf_seterr(err, "s3:// needs a bucket and a key: s3://BUCKET/KEY");
      return CC_EINVAL;
    }
    out->kind = RT_URL_S3;
    out->bucket = b;
    out->bucket_len = bn;
    out->key = b + bn + 1;
    S_name_of(out, out->key, strlen(out->key));
    return CC_OK;
  }
  if (strncmp(url, "http://", 7) == 0) {
    cc_buf_seterr(err, "http:// is refused: anyone on the path could change the template; use https://");
    return CC_EINVAL;
  }
  cc_buf_seterr(err, "the scheme must be file://, https:// or s3://");
  return CC_EINVAL;
}

void rt_fetch_opts_default(rt_fetch_opts *o) {
  o->max_bytes = RT_SOURCE_MAX_BYTES;
  o->timeout_ms = RT_SOURCE_TIMEOUT_MS;
  o->connect_timeout_ms = 3000;
  o->max_redirects = 3;
  o->https_only = 1;
  o->attempts = 3;
}

/* GETs req (its limits set from o here) through the HTTP client, with o's
 * attempts within o's total time, appending the answer's body to body.
 * CC_OK with *status when an answer came (any status); else the client's
 * code with err saying why. */
static int S_get(cc_buf *body, long *status, cc_buf *err, rt_http_req *req,
                 const rt_fetch_opts *o) {
  rt_retry policy;
  rt_http_resp resp;
  rt_retry_default(&policy);
  policy.max_attempts = o->attempts > 0 ? o->attempts : 1;
  policy.base_ms = 100;
  policy.connect_timeout_ms = o->connect_timeout_ms;
  policy.total_timeout_ms = o->timeout_ms;
  policy.deadline_ms = rt_now_ms() + o->timeout_ms;
  req->max_bytes = o->max_bytes;
  req->max_redirects = o->max_redirects;
  req->https_only = o->https_only;
  int rc = rt_http_send(&resp, req, &policy);
  *status = resp.status;
  if (rc == CC_EREMOTE) rc = CC_OK; /* an answer: the caller reads its status */
  if (rc == CC_OK)
    rc = cc_buf_add(body, resp.body.ptr ? resp.body.ptr : "", resp.body.len);
  else if (rc == CC_ETIMEOUT)
    cc_buf_seterr(err, "no answer within %ld ms", o->timeout_ms);
  else
    cc_buf_seterr(err, "%s", resp.detail[0] ? resp.detail : cc_strerror(rc));
  cc_buf_free(&resp.body);
  return rc;
}

/* A positive integer from the environment, or dflt when unset. */
static int S_env_num(long long *out, cc_buf *err, const char *var,
                     long long dflt, long long max) {
  const char *v = getenv(var);
  char *end;
  *out = dflt;
  if (!v || !*v) return CC_OK;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (errno || *end || n <= 0 || n > max) {
    cc_buf_seterr(err, "%s must be a whole number from 1 to %lld, not \"%s\"", var, max, v);
    return CC_EINVAL;
  }
  *out = n;
  return CC_OK;
}

/* The URL as errors show it: without its query, which may hold a
 * presigned URL's credentials. */
static void S_shown(char *out, size_t cap, const char *url) {
  size_t n = strcspn(url, "?#");
  snprintf(out, cap, "%.*s%s", (int)(n < 400 ? n : 400), url, url[n] ? "?..." : "");
}

static int S_from_s3(cc_buf *body, cc_buf *err, const rt_url *u,
                     const rt_fetch_opts *o) {
  rt_aws_cfg cfg;
  rt_http_req req;
  const char *missing;
  char date[17];
  long status = 0;
  int rc = rt_aws_cfg_from_env(&cfg, &missing);
  if (rc != CC_OK) {
    cc_buf_seterr(err, "%s is not set (s3:// needs credentials and a region)", missing);
    return rc;
  }
  char *bucket = strndup(u->bucket, u->bucket_len);
  if (!bucket) return CC_ENOMEM;
  rt_aws_date_now(date);
  rc = rt_s3_get_req(&req, &cfg, date, bucket, u->key);
  free(bucket);
  if (rc != CC_OK) {
    cc_buf_seterr(err, "cannot build the S3 request (%s; check AWS_ENDPOINT_URL_S3)",
          cc_strerror(rc));
    return rc;
  }
  rt_fetch_opts so = *o;
  so.https_only = 0; /* a custom endpoint (AWS_ENDPOINT_URL_S3) may be http */
  so.max_redirects = 0;
  rc = S_get(body, &status, err, &req, &so);
  rt_http_req_free(&req);
  if (rc != CC_OK) return rc;
  if (status != 200) {
    char code[128], msg[256];
    rt_s3_error(code, sizeof code, msg, sizeof msg, body->ptr, body->len);
    cc_buf_seterr(err, "S3 GetObject answered HTTP %ld%s%s%s%s", status, code[0] ? ": " : "",
          code, msg[0] ? ": " : "", msg);
    return CC_EREMOTE;
  }
  return CC_OK;
}

static int S_fetch_url(cc_buf *body, cc_buf *err, const char *url,
                       const rt_url *u, const rt_fetch_opts *o) {
  if (u->kind == RT_URL_FILE) {
    char *text = NULL;
    size_t len = 0;
    int rc = cc_file_read(&text, &len, u->path, o->max_bytes);
    if (rc == CC_ETOOBIG)
      cc_buf_seterr(err, "larger than the limit of %zu bytes", o->max_bytes);
    else if (rc == CC_EIO)
      cc_buf_seterr(err, "%s", strerror(errno));
    else if (rc != CC_OK)
      cc_buf_seterr(err, "%s", cc_strerror(rc));
    if (rc == CC_OK) rc = cc_buf_add(body, text, len);
    free(text);
    return rc;
  }
  if (u->kind == RT_URL_S3) return S_from_s3(body, err, u, o);
  long status = 0;
  rt_http_req req;
  int rc = rt_http_get_req(&req, url);
  if (rc == CC_OK) rc = S_get(body, &status, err, &req, o);
  rt_http_req_free(&req);
  if (rc == CC_OK && status != 200) {
    cc_buf_seterr(err, "HTTP %ld", status);
    rc = CC_EREMOTE;
  }
  return rc;
}

int rt_source_load(rt_source *out, cc_buf *err) {
  int rc = rt_source_load_var(out, "CLOUDCRON_TEMPLATE", err);
  if (rc == CC_ENOTFOUND)
    cc_buf_seterr(err, "no template: set CLOUDCRON_TEMPLATE (the template itself) or "
                       "CLOUDCRON_TEMPLATE_URL (file://, https:// or s3://)");
  return rc == CC_ENOTFOUND ? CC_EINVAL : rc;
}

int rt_source_load_var(rt_source *out, const char *var, cc_buf *err) {
  char url_var[64], name_var[64];
  snprintf(url_var, sizeof url_var, "%s_URL", var);
  snprintf(name_var, sizeof name_var, "%s_NAME", var);
  const char *inline_text = getenv(var);
  const char *url = getenv(url_var);
  const char *name = getenv(name_var);
  cc_buf body = CC_BUF_INIT;
  rt_fetch_opts o;
  long long max, timeout;
  char shown[512];
  cc_buf why = CC_BUF_INIT;
  rt_url u = {0};
  int rc;
  memset(out, 0, sizeof *out);
  rt_fetch_opts_default(&o);
  if (inline_text && !*inline_text) inline_text = NULL;
  if (url && !*url) url = NULL;
  if (inline_text && url) {
    cc_buf_seterr(err, "both %s and %s are set; set one", var, url_var);
    return CC_EINVAL;
  }
  if (!inline_text && !url) {
    cc_buf_seterr(err, "neither %s nor %s is set", var, url_var);
    return CC_ENOTFOUND;
  }
  rc = S_env_num(&max, err, "CLOUDCRON_TEMPLATE_MAX_BYTES", RT_SOURCE_MAX_BYTES,
                 (long long)64 << 20);
  if (rc == CC_OK)
    rc = S_env_num(&timeout, err, "CLOUDCRON_TEMPLATE_TIMEOUT_MS", RT_SOURCE_TIMEOUT_MS,
                   900000);
  if (rc != CC_OK) return rc;
  o.max_bytes = (size_t)max;
  o.timeout_ms = (long)timeout;
  cc_buf_init(&body, o.max_bytes + 1);
  if (inline_text) {
    if (strlen(inline_text) > o.max_bytes) {
      cc_buf_seterr(err, "%s is larger than the limit of %zu bytes", var, o.max_bytes);
      return CC_ETOOBIG;
    }
    rc = cc_buf_puts(&body, inline_text);
    if (!name || !*name) name = var;
  } else {
    S_shown(shown, sizeof shown, url);
    if (rt_url_parse(&u, &why, url) != CC_OK) {
      cc_buf_seterr(err, "%s %s: %s", url_var, shown, cc_buf_str(&why));
      cc_buf_free(&why);
      return CC_EINVAL;
    }
    rc = S_fetch_url(&body, &why, url, &u, &o);
    if (rc != CC_OK) {
      cc_buf_seterr(err, "%s %s: %s", url_var, shown, why.len ? cc_buf_str(&why) : cc_strerror(rc));
      cc_buf_free(&why);
      cc_buf_free(&body);
      return rc;
    }
  }
  if (rc == CC_OK) rc = cc_buf_puts(&body, ""); /* an empty template is text too */
  out->len = body.len;
  if (rc == CC_OK) out->text = cc_buf_detach(&body);
  if (rc == CC_OK && url && !(out->base = strndup(url, (size_t)(u.name - url)))) rc = CC_ENOMEM;
  out->opts = o;
  if (rc == CC_OK && name && *name)
    out->name = strdup(name);
  else if (rc == CC_OK)
    out->name = u.name_len ? strndup(u.name, u.name_len) : strdup("template");
  cc_buf_free(&body);
  if (rc != CC_OK || !out->text || !out->name) {
    rt_source_free(out);
    cc_buf_seterr(err, "out of memory loading the template");
    return CC_ENOMEM;
  }
  return CC_OK;
}

void rt_source_free(rt_source *s) {
  if (!s) return;
  free(s->text);
  free(s->name);
  free(s->base);
  memset(s, 0, sizeof *s);
}

int rt_source_load_part(void *data, const char *name, char **src, size_t *len) {
  const rt_source *s = data;
  cc_buf url = CC_BUF_INIT, body = CC_BUF_INIT;
  rt_url u;
  int rc;
  *src = NULL;
  *len = 0;
  if (!s->base) return CC_ENOTFOUND;
  rc = cc_buf_puts(&url, s->base);
  /* The name's parts, as Jinja2's FileSystemLoader splits them. */
  for (const char *p = name; rc == CC_OK && *p;) {
    size_t l = strcspn(p, "/");
    if (l == 2 && p[0] == '.' && p[1] == '.') {
      rc = CC_ENOTFOUND;
    } else if (l && !(l == 1 && p[0] == '.')) {
      if (url.len > strlen(s->base)) rc = cc_buf_putc(&url, '/');
      if (rc == CC_OK) rc = cc_buf_add(&url, p, l);
    }
    p += l + (p[l] == '/');
  }
  if (rc == CC_OK && url.len == strlen(s->base)) rc = CC_ENOTFOUND;
  if (rc == CC_OK && rt_url_parse(&u, NULL, cc_buf_str(&url)) != CC_OK) rc = CC_ENOTFOUND;
  if (rc == CC_OK) {
    cc_buf_init(&body, s->opts.max_bytes + 1);
    rc = S_fetch_url(&body, NULL, cc_buf_str(&url), &u, &s->opts); /* the code says it */
  }
  if (rc == CC_OK && cc_buf_puts(&body, "") == CC_OK) {
    *len = body.len;
    if (!(*src = cc_buf_detach(&body))) rc = CC_ENOMEM;
  }
  cc_buf_free(&url);
  cc_buf_free(&body);
  return rc;
}

int rt_source_fetch(cc_buf *body, cc_buf *err, const char *url,
                    const rt_fetch_opts *o) {
  rt_url u;
  char shown[512];
  cc_buf why = CC_BUF_INIT;
  S_shown(shown, sizeof shown, url ? url : "");
  if (!url || rt_url_parse(&u, &why, url) != CC_OK) {
    cc_buf_seterr(err, "%s: %s", shown, url ? cc_buf_str(&why) : "no URL");
    cc_buf_free(&why);
    return CC_EINVAL;
  }
  int rc = S_fetch_url(body, &why, url, &u, o);
  if (rc != CC_OK) cc_buf_seterr(err, "%s: %s", shown, why.len ? cc_buf_str(&why) : cc_strerror(rc));
  cc_buf_free(&why);
  return rc;
}
