/* http.c: libcurl transfers with timeouts, retries and error parsing. */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cc/err.h"

#define RT_MAX_RESPONSE ((size_t)64 << 20)

void rt_retry_default(rt_retry *r) {
  r->max_attempts = 4;
  r->base_ms = 50;
  r->cap_ms = 2000;
  r->connect_timeout_ms = 2000;
  r->total_timeout_ms = 10000;
}

static void S_copy(char *out, size_t cap, const char *s, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(out, s, n);
  out[n] = '\0';
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
  const char *end = body + len;
  for (const char *p = body; p + 6 <= end; p++) {
    if (memcmp(p, "<Code>", 6) != 0) continue;
    const char *v = p + 6, *q = v;
    while (q < end && *q != '<') q++;
    S_copy(out, cap, v, (size_t)(q - v));
    return;
  }
}

static size_t S_on_body(char *p, size_t size, size_t n, void *ud) {
  return cc_buf_add(ud, p, size * n) == CC_OK ? size * n : 0;
}

static int S_retryable(const rt_http_resp *r) {
  if (r->status == 429 || r->status >= 500) return 1;
  return strstr(r->code, "Throttl") != NULL || strcmp(r->code, "RequestLimitExceeded") == 0;
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

static void S_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

/* One attempt. Returns CC_OK when an answer came (any status). */
static int S_once(CURL *curl, rt_http_resp *out, const rt_http_req *req,
                  struct curl_slist *hs, const rt_retry *p) {
  cc_buf_truncate(&out->body, 0);
  out->status = 0;
  out->code[0] = '\0';
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, req->url);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, p->connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, p->total_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, S_on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);
  CURLcode cc = curl_easy_perform(curl);
  if (cc == CURLE_OPERATION_TIMEDOUT) return CC_ETIMEOUT;
  if (cc != CURLE_OK) return CC_ENET;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  if (out->status >= 300)
    rt_aws_error_code(out->code, sizeof out->code, out->body.ptr, out->body.len);
  return CC_OK;
}

int rt_http_send(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy) {
  struct curl_slist *hs = NULL;
  CURL *curl = NULL;
  int rc = CC_OK;
  memset(out, 0, sizeof *out);
  cc_buf_init(&out->body, RT_MAX_RESPONSE);
  /* the signed headers, minus the request line; curl writes its own
   * Content-Length, so ours (which was signed) must match the body */
  const char *line = strstr(req->head, "\r\n");
  while (line && line[2] != '\r' && line[2] != '\0') {
    const char *start = line + 2;
    line = strstr(start, "\r\n");
    if (!line) break;
    char h[4096];
    S_copy(h, sizeof h, start, (size_t)(line - start));
    struct curl_slist *n = curl_slist_append(hs, h);
    if (!n) { rc = CC_ENOMEM; goto out; }
    hs = n;
  }
  if (!(hs = curl_slist_append(hs, "Expect:"))) { rc = CC_ENOMEM; goto out; }
  curl = curl_easy_init();
  if (!curl) { rc = CC_ENOMEM; goto out; }
  for (int a = 0; a < policy->max_attempts; a++) {
    if (a > 0) {
      long ceiling = policy->base_ms << (a - 1 < 20 ? a - 1 : 20);
      if (ceiling > policy->cap_ms) ceiling = policy->cap_ms;
      S_sleep_ms(ceiling > 0 ? (long)(S_rand() % (unsigned long)(ceiling + 1)) : 0);
    }
    out->attempts = a + 1;
    rc = S_once(curl, out, req, hs, policy);
    if (rc == CC_OK) {
      if (out->status >= 200 && out->status < 300) break;
      rc = CC_EREMOTE;
      if (!S_retryable(out)) break;
    }
  }
out:
  if (curl) curl_easy_cleanup(curl);
  curl_slist_free_all(hs);
  return rc;
}
