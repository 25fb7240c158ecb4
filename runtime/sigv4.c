/* sigv4.c: canonical request, string to sign and signature (SigV4). */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "sigv4.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "dl.h"

typedef struct S_hdr {
  char *name; /* lower case */
  cc_buf value;
} S_hdr;

typedef struct S_param {
  char *key;
  char *value;
} S_param;

static void S_hex(char *out, const unsigned char *d, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  out[2 * n] = '\0';
}

int rt_sha256_hex(char hex[65], const void *data, size_t len) {
  unsigned char md[32];
  int rc = rt_sha256(md, data, len);
  if (rc != CC_OK) {
    hex[0] = '\0';
    return rc;
  }
  S_hex(hex, md, sizeof md);
  return CC_OK;
}

static int S_unreserved(unsigned char c) {
  return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

/* Percent-encodes everything but unreserved bytes (and '/' when keep_slash). */
static int S_encode(cc_buf *b, const char *s, size_t n, int keep_slash) {
  int rc = CC_OK;
  for (size_t i = 0; i < n && rc == CC_OK; i++) {
    unsigned char c = (unsigned char)s[i];
    if (S_unreserved(c) || (keep_slash && c == '/'))
      rc = cc_buf_putc(b, (char)c);
    else
      rc = cc_buf_printf(b, "%%%02X", c);
  }
  return rc;
}

static int S_hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = tolower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* Decodes %XX escapes (a malformed escape stays literal), then re-encodes,
 * so already-encoded and raw query text give the same canonical form. */
static char *S_requery(const char *s, size_t n) {
  cc_buf raw = CC_BUF_INIT, enc = CC_BUF_INIT;
  char *out = NULL;
  int rc = cc_buf_puts(&raw, "");
  for (size_t i = 0; i < n && rc == CC_OK; i++) {
    int hi, lo;
    if (s[i] == '%' && i + 2 < n &&
        (hi = S_hexval((unsigned char)s[i + 1])) >= 0 &&
        (lo = S_hexval((unsigned char)s[i + 2])) >= 0) {
      rc = cc_buf_putc(&raw, (char)(hi * 16 + lo));
      i += 2;
    } else {
      rc = cc_buf_putc(&raw, s[i]);
    }
  }
  if (rc == CC_OK) rc = cc_buf_puts(&enc, "");
  if (rc == CC_OK) rc = S_encode(&enc, raw.ptr, raw.len, 0);
  if (rc == CC_OK) out = cc_buf_detach(&enc);
  cc_buf_free(&raw);
  cc_buf_free(&enc);
  return out;
}

static int S_param_cmp(const void *a, const void *b) {
  const S_param *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : strcmp(x->value, y->value);
}

static int S_canonical_query(cc_buf *b, const char *q) {
  S_param *ps = NULL;
  size_t n = 0, cap = 0;
  int rc = CC_OK;
  const char *p = q ? q : "";
  while (*p && rc == CC_OK) {
    size_t len = strcspn(p, "&");
    if (len > 0) {
      const char *eq = memchr(p, '=', len);
      size_t klen = eq ? (size_t)(eq - p) : len;
      if (n == cap) {
        size_t ncap = cap ? cap * 2 : 8;
        S_param *np = realloc(ps, ncap * sizeof *np);
        if (!np) { rc = CC_ENOMEM; break; }
        ps = np;
        cap = ncap;
      }
      ps[n].key = S_requery(p, klen);
      ps[n].value = eq ? S_requery(eq + 1, len - klen - 1) : S_requery("", 0);
      n++;
      if (!ps[n - 1].key || !ps[n - 1].value) rc = CC_ENOMEM;
    }
    p += len;
    if (*p == '&') p++;
  }
  if (rc == CC_OK && n > 1) qsort(ps, n, sizeof *ps, S_param_cmp);
  for (size_t i = 0; i < n && rc == CC_OK; i++)
    rc = cc_buf_printf(b, "%s%s=%s", i ? "&" : "", ps[i].key, ps[i].value);
  for (size_t i = 0; i < n; i++) {
    free(ps[i].key);
    free(ps[i].value);
  }
  free(ps);
  return rc;
}

/* RFC 3986 dot-segment removal plus collapsing empty segments; a trailing
 * slash survives. */
static int S_canonical_path(cc_buf *b, const char *path, int normalize) {
  if (!path || !*path) return cc_buf_putc(b, '/');
  if (!normalize) return S_encode(b, path, strlen(path), 1);
  size_t plen = strlen(path);
  const char **segs = calloc(plen + 1, sizeof *segs);
  size_t *lens = calloc(plen + 1, sizeof *lens);
  size_t n = 0;
  int rc = CC_OK;
  if (!segs || !lens) { rc = CC_ENOMEM; goto out; }
  const char *p = path;
  int trailing = 0;
  while (*p) {
    while (*p == '/') p++;
    size_t len = strcspn(p, "/");
    trailing = (len == 0) || (len == 1 && p[0] == '.') ||
               (len == 2 && p[0] == '.' && p[1] == '.');
    if (len == 0) break;
    if (len == 1 && p[0] == '.') {
      /* nothing */
    } else if (len == 2 && p[0] == '.' && p[1] == '.') {
      if (n) n--;
    } else {
      segs[n] = p;
      lens[n] = len;
      n++;
      trailing = p[len] == '/';
    }
    p += len;
  }
  rc = cc_buf_putc(b, '/');
  for (size_t i = 0; i < n && rc == CC_OK; i++) {
    rc = S_encode(b, segs[i], lens[i], 0);
    if (rc == CC_OK && (i + 1 < n || trailing)) rc = cc_buf_putc(b, '/');
  }
out:
  free(segs);
  free(lens);
  return rc;
}

static int S_hdr_cmp(const void *a, const void *b) {
  return strcmp(((const S_hdr *)a)->name, ((const S_hdr *)b)->name);
}

/* Trims and collapses whitespace runs (folded lines too) to one space. */
static int S_put_value(cc_buf *b, const char *v) {
  int rc = cc_buf_puts(b, "");
  while (*v && isspace((unsigned char)*v)) v++;
  int space = 0;
  for (; *v && rc == CC_OK; v++) {
    if (isspace((unsigned char)*v)) {
      space = 1;
      continue;
    }
    if (space) rc = cc_buf_putc(b, ' ');
    space = 0;
    if (rc == CC_OK) rc = cc_buf_putc(b, *v);
  }
  return rc;
}

static int S_hmac(unsigned char out[32], const void *key, size_t klen, const char *msg) {
  return rt_hmac_sha256(out, key, klen, msg, strlen(msg));
}

int rt_sigv4_sign(rt_sigv4_result *out, const rt_sigv4_input *in) {
  S_hdr *hs = NULL;
  size_t n = 0;
  cc_buf cr = CC_BUF_INIT, signed_names = CC_BUF_INIT, sts = CC_BUF_INIT,
         auth = CC_BUF_INIT, key = CC_BUF_INIT;
  char payload[65], crhash[65];
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  if (!in->method || !in->access_key || !in->secret_key || !in->region ||
      !in->service || !in->amz_date || strlen(in->amz_date) != 16)
    return CC_EINVAL;

  hs = calloc(in->n_headers + 1, sizeof *hs);
  if (!hs) return CC_ENOMEM;
  for (size_t i = 0; i < in->n_headers; i++) {
    char *lname = strdup(in->headers[i].name);
    if (!lname) { rc = CC_ENOMEM; goto out; }
    for (char *c = lname; *c; c++) *c = (char)tolower((unsigned char)*c);
    size_t j = 0;
    while (j < n && strcmp(hs[j].name, lname) != 0) j++;
    if (j < n) {
      free(lname);
      rc = cc_buf_putc(&hs[j].value, ',');
    } else {
      hs[n].name = lname;
      cc_buf_init(&hs[n].value, CC_BUF_DEFAULT_MAX);
      n++;
    }
    if (rc == CC_OK) rc = S_put_value(&hs[j].value, in->headers[i].value);
    if (rc != CC_OK) goto out;
  }
  qsort(hs, n, sizeof *hs, S_hdr_cmp);

  rc = cc_buf_printf(&cr, "%s\n", in->method);
  if (rc == CC_OK) rc = S_canonical_path(&cr, in->path, in->normalize_path);
  if (rc == CC_OK) rc = cc_buf_putc(&cr, '\n');
  if (rc == CC_OK) rc = S_canonical_query(&cr, in->query);
  if (rc == CC_OK) rc = cc_buf_putc(&cr, '\n');
  for (size_t i = 0; i < n && rc == CC_OK; i++) {
    rc = cc_buf_printf(&cr, "%s:%s\n", hs[i].name, cc_buf_str(&hs[i].value));
    if (rc == CC_OK)
      rc = cc_buf_printf(&signed_names, "%s%s", i ? ";" : "", hs[i].name);
  }
  if (rc == CC_OK) rc = rt_sha256_hex(payload, in->body, in->body_len);
  if (rc == CC_OK)
    rc = cc_buf_printf(&cr, "\n%s\n%s", cc_buf_str(&signed_names), payload);
  if (rc == CC_OK) rc = rt_sha256_hex(crhash, cr.ptr, cr.len);
  if (rc != CC_OK) goto out;

  rc = cc_buf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s",
                     in->amz_date, in->amz_date, in->region, in->service,
                     crhash);
  if (rc == CC_OK) rc = cc_buf_printf(&key, "AWS4%s", in->secret_key);
  if (rc != CC_OK) goto out;

  unsigned char k[32], k2[32];
  char date[9];
  memcpy(date, in->amz_date, 8);
  date[8] = '\0';
  rc = S_hmac(k, key.ptr, key.len, date);
  if (rc == CC_OK) rc = S_hmac(k2, k, 32, in->region);
  if (rc == CC_OK) rc = S_hmac(k, k2, 32, in->service);
  if (rc == CC_OK) rc = S_hmac(k2, k, 32, "aws4_request");
  if (rc == CC_OK) rc = S_hmac(k, k2, 32, sts.ptr);
  if (rc == CC_OK) S_hex(out->signature, k, 32);
  explicit_bzero(k2, sizeof k2);
  explicit_bzero(k, sizeof k);
  if (rc != CC_OK) goto out;

  rc = cc_buf_printf(&auth,
                     "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, "
                     "SignedHeaders=%s, Signature=%s",
                     in->access_key, date, in->region, in->service,
                     cc_buf_str(&signed_names), out->signature);
  if (rc != CC_OK) goto out;
  out->canonical_request = cc_buf_detach(&cr);
  out->string_to_sign = cc_buf_detach(&sts);
  out->authorization = cc_buf_detach(&auth);
  if (!out->canonical_request || !out->string_to_sign || !out->authorization) {
    rt_sigv4_result_free(out);
    rc = CC_ENOMEM;
  }
out:
  for (size_t i = 0; i < n; i++) {
    free(hs[i].name);
    cc_buf_free(&hs[i].value);
  }
  free(hs);
  if (key.ptr) explicit_bzero(key.ptr, key.len);
  cc_buf_free(&key);
  cc_buf_free(&cr);
  cc_buf_free(&signed_names);
  cc_buf_free(&sts);
  cc_buf_free(&auth);
  if (rc != CC_OK) memset(out->signature, 0, sizeof out->signature);
  return rc;
}

void rt_sigv4_result_free(rt_sigv4_result *r) {
  if (!r) return;
  free(r->canonical_request);
  free(r->string_to_sign);
  free(r->authorization);
  memset(r, 0, sizeof *r);
}
