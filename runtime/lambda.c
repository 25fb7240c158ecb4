/* lambda.c: GET next, run the handler, POST the response (over rapi.h's
 * socket client: no libcurl at start). */
#include "lambda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "log.h"
#include "rapi.h"

#define RT_API_PREFIX "/2018-06-01/runtime"
#define RT_MAX_EVENT ((size_t)6 << 20) /* Lambda's synchronous payload cap */

typedef struct S_conn {
  rt_rapi api;
  rt_rapi_head head;
  cc_buf body;
} S_conn;

/* One request; body==NULL means GET. Returns CC_OK with *status set. */
static int S_request(S_conn *c, long *status, const char *path,
                     const char *body, const char *error_type) {
  char full[512], extra[256];
  snprintf(full, sizeof full, RT_API_PREFIX "%s", path);
  if (error_type) snprintf(extra, sizeof extra, "Lambda-Runtime-Function-Error-Type: %s", error_type);
  int rc = rt_rapi_request(&c->api, &c->head, &c->body, full, error_type ? extra : NULL, body,
                           body ? strlen(body) : 0);
  if (rc == CC_OK) *status = c->head.status;
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
  const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
  int rc = rt_rapi_open(&c->api, api);
  return rc;
}

static void S_close(S_conn *c) {
  rt_rapi_close(&c->api);
  cc_buf_free(&c->body);
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
    rc = S_request(&c, &status, "/invocation/next", NULL, NULL);
    if (rc != CC_OK) break;
    /* the head is overwritten by the response's POST: keep the ids */
    char request_id[sizeof c.head.request_id], function_arn[sizeof c.head.function_arn],
        trace_id[sizeof c.head.trace_id];
    memcpy(request_id, c.head.request_id, sizeof request_id);
    memcpy(function_arn, c.head.function_arn, sizeof function_arn);
    memcpy(trace_id, c.head.trace_id, sizeof trace_id);
    if (status != 200 || !request_id[0]) {
      rc = CC_EREMOTE;
      break;
    }
    if (trace_id[0])
      setenv("_X_AMZN_TRACE_ID", trace_id, 1);
    else
      unsetenv("_X_AMZN_TRACE_ID");
    rt_invocation inv = {request_id, function_arn, trace_id, c.head.deadline_ms};
    rt_event ev;
    const char *emsg = NULL, *etype = NULL;
    cc_buf why = CC_BUF_INIT;
    json_t *resp = NULL;
    int hrc = rt_event_parse(&ev, &why, cc_buf_str(&c.body), c.body.len);
    if (hrc != CC_OK) {
      emsg = why.len ? cc_buf_str(&why) : cc_strerror(hrc);
      etype = "Runtime.InvalidEvent";
    } else {
      hrc = handler(&resp, &emsg, &etype, &ev, &inv, user);
      rt_event_free(&ev);
    }
    if (hrc != CC_OK) {
      json_t *f = json_pack("{s:s}", "error_type", etype ? etype : "Handler.Error");
      rt_log(RT_LOG_ERROR, request_id, f, emsg ? emsg : cc_strerror(hrc));
      json_decref(f);
      snprintf(path, sizeof path, "/invocation/%s/error", request_id);
      rc = S_post_error(&c, path, emsg ? emsg : cc_strerror(hrc),
                        etype ? etype : "Handler.Error");
    } else {
      char *text = json_dumps(resp ? resp : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
      json_decref(resp);
      snprintf(path, sizeof path, "/invocation/%s/response", request_id);
      rc = text ? S_request(&c, &status, path, text, NULL) : CC_ENOMEM;
      free(text);
    }
    cc_buf_free(&why);
    if (rc != CC_OK) break;
  }
out:
  S_close(&c);
  return rc;
}
