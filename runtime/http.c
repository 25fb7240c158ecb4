/* http.c: the retry loop over a transport, the libcurl transport (the
 * runtime's one libcurl transfer site), and AWS error bodies. */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "dl.h"
#include <jansson.h>

#include "cc/err.h"

void rt_retry_default(rt_retry *r) {
  r->max_attempts = 4;
  r->base_ms = 50;
  r->cap_ms = 2000;
  r->connect_timeout_ms = 2000;
  r->total_timeout_ms = 10000;
  r->deadline_ms = 0;
}

static void S_copy(char *out, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(out, s, n);
  out[n] = '\0';
}

void rt_xml_text(char *out, size_t cap, const char *body, size_t len,
                       const char *tag) {
  char open[64];
  size_t ol = (size_t)snprintf(open, sizeof open, "<%s>", tag);
  out[0] = '\0';
  if (!body || !len) return; /* an empty answer has no buffer at all */
  const char *end = body + len;
  for (const char *p = body; p + ol <= end; p++) {
    if (memcmp(p, open, ol) != 0) continue;
    static const struct { const char *ent; char c; } ents[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t n = 0;
    for (const char *q = p + ol; q < end && *q != '<' && n + 1 < cap;) {
      char c = *q++;
      if (c == '&') {
        for (size_t i = 0; i < sizeof ents / sizeof ents[0]; i++) {
          size_t el = strlen(ents[i].ent);
          if ((size_t)(end - q + 1) >= el && memcmp(q - 1, ents[i].ent, el) == 0) {
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

void rt_aws_error_code(char *out, size_t cap, const char *body, size_t len) {
  out[0] = '\0';
  if (!body || !len) return;
  json_t *j = json_loadb(body, len, 0, NULL);
  if (j) {
    const char *c = json_string_value(json_object_get(j, "__type"));
    if (!c) c = json_string_value(json_object_get(j, "code"));
    if (!c) c = json_string_value(json_object_get(j, "Code"));
    if (c) {
      const char *hash = strrchr(c, '#');
      if (hash) c = hash + 1;
      S_copy(out, cap, c, strcspn(c, ":"));
    }
    json_decref(j);
    return;
  }
  rt_xml_text(out, cap, body, len, "Code");
}

void rt_aws_error_message(char *out, size_t cap, const char *body, size_t len) {
  out[0] = '\0';
  if (!body || !len) return;
  json_t *j = json_loadb(body, len, 0, NULL);
  if (j) {
    const char *m = json_string_value(json_object_get(j, "message"));
    if (!m) m = json_string_value(json_object_get(j, "Message"));
    if (m) S_copy(out, cap, m, strlen(m));
    json_decref(j);
    return;
  }
  rt_xml_text(out, cap, body, len, "Message");
}

static int S_retryable(const rt_http_resp *r) {
  if (r->status == 429 || r->status >= 500) return 1;
  return strstr(r->code, "Throttl") != NULL || strcmp(r->code, "RequestLimitExceeded") == 0 ||
         strcmp(r->code, "TooManyRequestsException") == 0;
}

/* Jitter only needs to spread clients apart, not to be unpredictable. */
static unsigned long S_rand(void) {
  static unsigned long long x;
  if (!x) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    x = (unsigned long long)ts.tv_nsec * 2654435761ULL + (unsigned long long)ts.tv_sec + 1;
  }
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return (unsigned long)(x >> 11);
}

/* ---- the libcurl transport ---- */

typedef struct S_curl {
  CURL *h;
  int wrote;   /* the last attempt wrote some of its request */
  int lasting; /* the last attempt failed as the next one would */
} S_curl;

static int S_curl_wrote(void *user) {
  return ((S_curl *)user)->wrote;
}

static int S_curl_retryable(void *user) {
  return !((S_curl *)user)->lasting;
}

typedef struct S_sink {
  cc_buf *body;
  int rc; /* the append that failed: CC_ETOOBIG, CC_ENOMEM */
} S_sink;

static size_t S_on_body(char *p, size_t size, size_t n, void *ud) {
  S_sink *s = ud;
  s->rc = cc_buf_add(s->body, p, size * n);
  return s->rc == CC_OK ? size * n : 0;
}

/* The error type a REST-JSON service (SES v2, Lambda, ...) names in the
 * x-amzn-ErrorType header rather than in its body: "Code:uri" -> "Code". */
typedef struct S_errtype {
  char *out;
  size_t cap;
} S_errtype;

static size_t S_on_header(char *p, size_t size, size_t n, void *ud) {
  static const char name[] = "x-amzn-errortype:";
  S_errtype *e = ud;
  size_t len = size * n, k = sizeof name - 1;
  if (len > k && strncasecmp(p, name, k) == 0) {
    const char *v = p + k, *end = p + len; /* not NUL-terminated */
    size_t m = 0;
    while (v < end && *v == ' ') v++;
    while (v + m < end && v[m] != ':' && v[m] != '\r' && v[m] != '\n') m++;
    S_copy(e->out, e->cap, v, m);
  }
  return len;
}

/* The request's headers (every line of head after the request line) plus
 * the two that stop curl adding its own; the method from the request line. */
static int S_headers(const rt_curl_api *cu, struct curl_slist **out, char *method, size_t mcap,
                     const char *head) {
  struct curl_slist *hs = NULL;
  const char *line = head ? strstr(head, "\r\n") : NULL;
  S_copy(method, mcap, head ? head : "GET", strcspn(head ? head : "GET", " "));
  while (line && line[2] != '\r' && line[2] != '\0') {
    const char *start = line + 2;
    line = strstr(start, "\r\n");
    if (!line) break;
    char h[4096];
    S_copy(h, sizeof h, start, (size_t)(line - start));
    struct curl_slist *n = cu->slist_append(hs, h);
    if (!n) goto nomem;
    hs = n;
  }
  static const char *const none[] = {"Expect:", "Accept:"};
  for (int i = 0; i < 2; i++) {
    struct curl_slist *n = cu->slist_append(hs, none[i]);
    if (!n) goto nomem;
    hs = n;
  }
  *out = hs;
  return CC_OK;
nomem:
  cu->slist_free_all(hs);
  return CC_ENOMEM;
}

static int S_curl_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                       const rt_http_req *req, long connect_timeout_ms,
                       long total_timeout_ms) {
  S_curl *c = user;
  const rt_curl_api *cu = rt_curl(); /* loaded by the first request */
  if (!cu) {
    S_copy(why, whycap, rt_dl_error(), strlen(rt_dl_error()));
    return CC_ERR;
  }
  if (!c->h && !(c->h = cu->easy_init())) return CC_ENOMEM;
  struct curl_slist *hs = NULL;
  char method[16], err[CURL_ERROR_SIZE] = "";
  int rc = S_headers(cu, &hs, method, sizeof method, req->head);
  if (rc != CC_OK) return rc;
  CURL *h = c->h;
  cu->easy_reset(h);
  cu->easy_setopt(h, CURLOPT_URL, req->url);
  cu->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  cu->easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  cu->easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  if (strcmp(method, "GET") == 0) {
    cu->easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    cu->easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    cu->easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
    if (strcmp(method, "POST") != 0) cu->easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  }
  /* a private CA (a proxy, a test server), as the AWS SDKs read it */
  const char *ca = getenv("AWS_CA_BUNDLE");
  if (ca && *ca) cu->easy_setopt(h, CURLOPT_CAINFO, ca);
  cu->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
  cu->easy_setopt(h, CURLOPT_TIMEOUT_MS, total_timeout_ms);
  /* the request's limits: size, redirects, schemes */
  const char *protos = req->https_only ? "https" : "http,https";
  cu->easy_setopt(h, CURLOPT_PROTOCOLS_STR, protos);
  cu->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, protos);
  cu->easy_setopt(h, CURLOPT_FOLLOWLOCATION, req->max_redirects > 0 ? 1L : 0L);
  cu->easy_setopt(h, CURLOPT_MAXREDIRS, (long)(req->max_redirects > 0 ? req->max_redirects : 0));
  cu->easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)(body->max - body->len));
  S_sink sink = {body, CC_OK};
  cu->easy_setopt(h, CURLOPT_WRITEFUNCTION, S_on_body);
  cu->easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  S_errtype et = {why, whycap};
  cu->easy_setopt(h, CURLOPT_HEADERFUNCTION, S_on_header);
  cu->easy_setopt(h, CURLOPT_HEADERDATA, &et);
  CURLcode cc = cu->easy_perform(h);
  long request_size = 0;
  cu->easy_getinfo(h, CURLINFO_REQUEST_SIZE, &request_size);
  c->wrote = request_size > 0;
  c->lasting = 0;
  if (cc == CURLE_OK) {
    cu->easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
  } else if (sink.rc == CC_ETOOBIG || cc == CURLE_FILESIZE_EXCEEDED) {
    snprintf(why, whycap, "larger than the limit of %zu bytes", body->max);
    rc = CC_ETOOBIG;
  } else if (sink.rc == CC_ENOMEM || cc == CURLE_OUT_OF_MEMORY) {
    S_copy(why, whycap, "out of memory", 13);
    rc = CC_ENOMEM;
  } else if (cc == CURLE_TOO_MANY_REDIRECTS) {
    snprintf(why, whycap, "more than %d redirects", req->max_redirects);
    c->lasting = 1;
    rc = CC_ENET;
  } else if (cc == CURLE_UNSUPPORTED_PROTOCOL) {
    snprintf(why, whycap, "%s to a scheme other than %s",
             req->max_redirects > 0 ? "redirected" : "sent", protos);
    c->lasting = 1;
    rc = CC_ENET;
  } else {
    const char *e = err[0] ? err : cu->easy_strerror(cc);
    S_copy(why, whycap, e, strlen(e));
    c->lasting = cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
                 cc == CURLE_URL_MALFORMAT;
    rc = cc == CURLE_OPERATION_TIMEDOUT ? CC_ETIMEOUT : CC_ENET;
  }
  cu->easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  cu->slist_free_all(hs);
  return rc;
}

/* The handle is made by the first request, so a transport that never
 * sends never loads libcurl (dl.h). */
int rt_curl_transport_init(rt_transport *t) {
  S_curl *c = calloc(1, sizeof *c);
  memset(t, 0, sizeof *t);
  if (!c) return CC_ENOMEM;
  t->send = S_curl_send;
  t->wrote = S_curl_wrote;
  t->retryable = S_curl_retryable;
  t->user = c;
  return CC_OK;
}

void rt_curl_transport_free(rt_transport *t) {
  if (!t || !t->user) return;
  S_curl *c = t->user;
  if (c->h) rt_curl()->easy_cleanup(c->h); /* a handle means libcurl is loaded */
  free(c);
  memset(t, 0, sizeof *t);
}

/* ---- the retry loop ---- */

int rt_http_send_via(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy,
                     const rt_transport *t) {
  rt_transport own;
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  cc_buf_init(&out->body, req->max_bytes ? req->max_bytes : RT_HTTP_MAX_BYTES);
  if (!t) {
    if ((rc = rt_curl_transport_init(&own)) != CC_OK) return rc;
    t = &own;
  }
  for (int a = 0; a < policy->max_attempts; a++) {
    long long now = 0;
    long wait = 0, total = policy->total_timeout_ms;
    if (a > 0) {
      long ceiling = policy->base_ms << (a - 1 < 20 ? a - 1 : 20);
      if (ceiling > policy->cap_ms) ceiling = policy->cap_ms;
      unsigned long r = t->random ? t->random(t->user) : S_rand();
      wait = ceiling > 0 ? (long)(r % (unsigned long)(ceiling + 1)) : 0;
    }
    if (policy->deadline_ms) {
      now = t->now_ms ? t->now_ms(t->user) : rt_now_ms();
      long long left = policy->deadline_ms - now - wait;
      if (left <= 0) {
        if (a == 0) {
          rc = CC_ETIMEOUT;
          snprintf(out->detail, sizeof out->detail, "deadline passed before the first attempt");
        }
        break; /* the last attempt's answer stands */
      }
      if (left < total) total = (long)left;
    }
    if (wait > 0) {
      if (t->sleep_ms)
        t->sleep_ms(t->user, wait);
      else
        rt_sleep_ms(wait);
    }
    cc_buf_truncate(&out->body, 0);
    out->status = 0;
    out->code[0] = out->detail[0] = '\0';
    out->attempts = a + 1;
    rc = t->send(t->user, &out->status, &out->body, out->detail, sizeof out->detail, req,
                 policy->connect_timeout_ms < total ? policy->connect_timeout_ms : total,
                 total);
    if (rc == CC_ENOMEM || rc == CC_ERR || rc == CC_ETOOBIG) break; /* lasting: no retry */
    if (rc != CC_OK) {
      if (!t->wrote || t->wrote(t->user)) out->maybe_sent++;
      if (t->retryable && !t->retryable(t->user)) break;
      continue;
    }
    if (out->status >= 200 && out->status < 300) break;
    rc = CC_EREMOTE;
    rt_aws_error_code(out->code, sizeof out->code, out->body.ptr, out->body.len);
    if (!out->code[0]) /* the error type the transport read from a header */
      S_copy(out->code, sizeof out->code, out->detail, strlen(out->detail));
    rt_aws_error_message(out->detail, sizeof out->detail, out->body.ptr, out->body.len);
    if (!S_retryable(out)) break;
  }
  if (rc == CC_ETOOBIG) cc_buf_truncate(&out->body, 0); /* a part is no answer */
  if (t == &own) rt_curl_transport_free(&own);
  return rc;
}

int rt_http_send(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy) {
  return rt_http_send_via(out, req, policy, NULL);
}
