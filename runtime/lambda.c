/* lambda.c: GET next, run the handler, POST the response (libcurl). */
#include "lambda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "log.h"

#define RT_API_PREFIX "/2018-06-01/runtime"
#define RT_MAX_EVENT ((size_t)6 << 20) /* Lambda's synchronous payload cap */

typedef struct S_conn {
  CURL *curl;
  const char *api;
  cc_buf body;
  char request_id[128];
  char function_arn[256];
  char trace_id[512];
  long long deadline_ms;
} S_conn;

static size_t S_on_body(char *p, size_t size, size_t n, void *ud) {
  S_conn *c = ud;
  return cc_buf_add(&c->body, p, size * n) == CC_OK ? size * n : 0;
}

/* Copies header `name` (case-insensitive) into dst when the line is it. */
static void S_header(char *dst, size_t cap, const char *line, size_t len,
                     const char *name) {
  size_t nl = strlen(name);
  if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return;
  const char *v = line + nl + 1;
  size_t vl = len - nl - 1;
  while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
  while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
  if (vl >= cap) vl = cap - 1;
  memcpy(dst, v, vl);
  dst[vl] = '\0';
}

static size_t S_on_header(char *p, size_t size, size_t n, void *ud) {
  S_conn *c = ud;
  size_t len = size * n;
  char deadline[32] = "";
  S_header(c->request_id, sizeof c->request_id, p, len, "Lambda-Runtime-Aws-Request-Id");
  S_header(c->function_arn, sizeof c->function_arn, p, len,
           "Lambda-Runtime-Invoked-Function-Arn");
  S_header(c->trace_id, sizeof c->trace_id, p, len, "Lambda-Runtime-Trace-Id");
  S_header(deadline, sizeof deadline, p, len, "Lambda-Runtime-Deadline-Ms");
  if (deadline[0]) c->deadline_ms = strtoll(deadline, NULL, 10);
  return len;
}

/* One request; body==NULL means GET. Returns CC_OK with *status set. */
static int S_request(S_conn *c, long *status, const char *path,
                     const char *body, const char *error_type) {
  char url[512];
  struct curl_slist *hs = NULL;
  int rc = CC_OK;
  snprintf(url, sizeof url, "http://%s" RT_API_PREFIX "%s", c->api, path);
  cc_buf_truncate(&c->body, 0);
  curl_easy_reset(c->curl);
  curl_easy_setopt(c->curl, CURLOPT_URL, url);
  curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, S_on_body);
  curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
  curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
  if (body) {
    hs = curl_slist_append(hs, "Content-Type: application/json");
    if (error_type) {
      char h[256];
      snprintf(h, sizeof h, "Lambda-Runtime-Function-Error-Type: %s", error_type);
      hs = curl_slist_append(hs, h);
    }
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, hs);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
  } else {
    /* next blocks until an event arrives: no timeout, by design */
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, S_on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
  }
  if (curl_easy_perform(c->curl) != CURLE_OK)
    rc = CC_ENET;
  else
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all(hs);
  return rc;
}

static int S_post_error(S_conn *c, const char *path, const char *msg,
                        const char *type) {
  long status = 0;
  json_t *j = json_pack("{s:s,s:s}", "errorMessage", msg ? msg : "error",
                        "errorType", type ? type : "Runtime.Error");
  char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
  int rc = text ? S_request(c, &status, path, text, type ? type : "Runtime.Error")
                : CC_ENOMEM;
  free(text);
  json_decref(j);
  return rc;
}

static int S_open(S_conn *c) {
  memset(c, 0, sizeof *c);
  cc_buf_init(&c->body, RT_MAX_EVENT);
  c->api = getenv("AWS_LAMBDA_RUNTIME_API");
  if (!c->api || !*c->api) return CC_EINVAL;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) return CC_ERR;
  c->curl = curl_easy_init();
  return c->curl ? CC_OK : CC_ENOMEM;
}

static void S_close(S_conn *c) {
  if (c->curl) curl_easy_cleanup(c->curl);
  cc_buf_free(&c->body);
  curl_global_cleanup();
}

int rt_lambda_init_error(const char *message, const char *type) {
  S_conn c;
  int rc = S_open(&c);
  if (rc == CC_OK) rc = S_post_error(&c, "/init/error", message, type);
  S_close(&c);
  return rc;
}

int rt_lambda_run(rt_handler_fn handler, void *user) {
  S_conn c;
  int rc = S_open(&c);
  if (rc != CC_OK) goto out;
  for (;;) {
    long status = 0;
    char path[256];
    c.request_id[0] = c.function_arn[0] = c.trace_id[0] = '\0';
    c.deadline_ms = 0;
    rc = S_request(&c, &status, "/invocation/next", NULL, NULL);
    if (rc != CC_OK) break;
    if (status != 200 || !c.request_id[0]) {
      rc = CC_EREMOTE;
      break;
    }
    if (c.trace_id[0])
      setenv("_X_AMZN_TRACE_ID", c.trace_id, 1);
    else
      unsetenv("_X_AMZN_TRACE_ID");
    rt_invocation inv = {c.request_id, c.function_arn, c.trace_id, c.deadline_ms};
    rt_event ev;
    const char *why = NULL, *emsg = NULL, *etype = NULL;
    json_t *resp = NULL;
    int hrc = rt_event_parse(&ev, &why, cc_buf_str(&c.body), c.body.len);
    if (hrc != CC_OK) {
      emsg = why ? why : cc_strerror(hrc);
      etype = "Runtime.InvalidEvent";
    } else {
      hrc = handler(&resp, &emsg, &etype, &ev, &inv, user);
      rt_event_free(&ev);
    }
    if (hrc != CC_OK) {
      json_t *f = json_pack("{s:s}", "error_type", etype ? etype : "Handler.Error");
      rt_log(RT_LOG_ERROR, c.request_id, f, emsg ? emsg : cc_strerror(hrc));
      json_decref(f);
      snprintf(path, sizeof path, "/invocation/%s/error", c.request_id);
      rc = S_post_error(&c, path, emsg ? emsg : cc_strerror(hrc),
                        etype ? etype : "Handler.Error");
    } else {
      char *text = json_dumps(resp ? resp : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
      json_decref(resp);
      snprintf(path, sizeof path, "/invocation/%s/response", c.request_id);
      rc = text ? S_request(&c, &status, path, text, NULL) : CC_ENOMEM;
      free(text);
    }
    if (rc != CC_OK) break;
  }
out:
  S_close(&c);
  return rc;
}
