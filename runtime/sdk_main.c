/* sdk_main.c: the task context, its logging, and cloudcron_main (the
 * Runtime API loop, or one local run). */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "args.h"
#include "cc/err.h"
#include "cloudcron.h"
#include "dl.h"
#include "http.h"
#include "lambda.h"
#include "log.h"
#include "sdk_ctx.h"

void rt_sdk_state_init(rt_sdk_state *st, const char *argv0) {
  const char *name = getenv("CLOUDCRON_TASK_NAME");
  memset(st, 0, sizeof *st);
  if (!name || !*name) name = getenv("AWS_LAMBDA_FUNCTION_NAME");
  if ((!name || !*name) && argv0) {
    const char *slash = strrchr(argv0, '/');
    name = slash ? slash + 1 : argv0;
  }
  snprintf(st->task_name, sizeof st->task_name, "%s", name && *name ? name : "cloudcron-task");
}

void rt_sdk_ctx_init(cloudcron_ctx *ctx, rt_sdk_state *st, const char *request_id,
                     const char *function_arn, const char *trace_id, long long deadline_ms,
                     const json_t *event) {
  memset(ctx, 0, sizeof *ctx);
  ctx->state = st;
  ctx->request_id = request_id ? request_id : "";
  ctx->function_arn = function_arn ? function_arn : "";
  ctx->trace_id = trace_id ? trace_id : "";
  ctx->deadline_ms = deadline_ms;
  ctx->event = event;
}

void rt_sdk_ctx_done(cloudcron_ctx *ctx) {
  json_decref(ctx->result);
  ctx->result = NULL;
}

const char *cloudcron_request_id(const cloudcron_ctx *ctx) { return ctx->request_id; }
const char *cloudcron_function_arn(const cloudcron_ctx *ctx) { return ctx->function_arn; }
const char *cloudcron_trace_id(const cloudcron_ctx *ctx) { return ctx->trace_id; }
const char *cloudcron_task_name(const cloudcron_ctx *ctx) { return ctx->state->task_name; }
const json_t *cloudcron_event(const cloudcron_ctx *ctx) { return ctx->event; }
long long cloudcron_deadline_ms(const cloudcron_ctx *ctx) { return ctx->deadline_ms; }
const char *cloudcron_last_error(const cloudcron_ctx *ctx) { return ctx->error; }

long long cloudcron_remaining_ms(const cloudcron_ctx *ctx) {
  return ctx->deadline_ms ? ctx->deadline_ms - rt_now_ms() : LLONG_MAX;
}

int cloudcron_fail(cloudcron_ctx *ctx, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
  va_end(ap);
  ctx->error_type = RT_ETYPE_TASK;
  return code;
}

void cloudcron_set_result(cloudcron_ctx *ctx, json_t *result) {
  json_decref(ctx->result);
  ctx->result = result;
}

void cloudcron_log(const cloudcron_ctx *ctx, cloudcron_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rt_logv((rt_log_level)level, ctx ? ctx->request_id : NULL, NULL, fmt, ap);
  va_end(ap);
}

void cloudcron_log_fields(const cloudcron_ctx *ctx, cloudcron_level level,
                          const json_t *fields, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  rt_logv((rt_log_level)level, ctx ? ctx->request_id : NULL, fields, fmt, ap);
  va_end(ap);
}

typedef struct S_main {
  cloudcron_task task;
  const char *prog;
  rt_sdk_state state;
  char error[1024]; /* the failed invocation's message, until it is posted */
  const char *etype; /* and its error type (RT_ETYPE_*) */
} S_main;

/* Runs the task once; on failure fills m->error. */
static int S_run(S_main *m, json_t **result, const char *request_id, const char *arn,
                 const char *trace, long long deadline_ms, const json_t *event) {
  cloudcron_ctx ctx;
  rt_sdk_ctx_init(&ctx, &m->state, request_id, arn, trace, deadline_ms, event);
  int rc = m->task(&ctx, event);
  *result = NULL;
  if (rc == CC_OK) {
    *result = ctx.result ? ctx.result : json_pack("{s:i}", "published", ctx.published);
    ctx.result = NULL;
    if (!*result) rc = CC_ENOMEM;
  }
  if (rc != CC_OK) {
    /* the type of what set the message, when the message is the SDK's */
    m->etype = ctx.error[0] && ctx.error_type ? ctx.error_type : RT_ETYPE_TASK;
    if (ctx.error[0])
      snprintf(m->error, sizeof m->error, "%s", ctx.error);
    else if (rc < 0 && rc >= CC_EQUOTA)
      snprintf(m->error, sizeof m->error, "the task failed: %s", cc_strerror(rc));
    else
      snprintf(m->error, sizeof m->error, "the task failed with code %d", rc);
  }
  rt_sdk_ctx_done(&ctx);
  return rc;
}

static int S_handle(json_t **response, const char **emsg, const char **etype,
                    const rt_event *ev, const rt_invocation *inv, void *user) {
  S_main *m = user;
  if (inv->deadline_ms && rt_now_ms() >= inv->deadline_ms - RT_SDK_MARGIN_MS) {
    /* Lambda is about to stop this invocation: starting the task would
     * only cut it off half-way */
    *emsg = "the invocation's deadline passed before the task started";
    *etype = "Runtime.DeadlineExceeded";
    return CC_ETIMEOUT;
  }
  int rc = S_run(m, response, inv->request_id, inv->function_arn, inv->trace_id,
                 inv->deadline_ms, ev->root);
  if (rc != CC_OK) {
    *emsg = m->error;
    *etype = m->etype;
    return rc < 0 ? rc : CC_ERR;
  }
  return CC_OK;
}

static void S_usage(void *user, FILE *f, int full) {
  const char *prog = user;
  (void)full; /* the usage is the whole help */
  fprintf(f,
          "usage: %s                     (as a Lambda bootstrap: AWS_LAMBDA_RUNTIME_API)\n"
          "       %s --event FILE|- [--timeout SECONDS]   (one local run)\n",
          prog, prog);
}

/* One local run on the JSON in path: the result on stdout. */
static int S_local(S_main *m, const char *path, long timeout_s) {
  json_error_t je;
  int is_stdin = strcmp(path, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: --event %s: %s\n", m->prog, path, strerror(errno));
    return 1;
  }
  json_t *ev = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
  if (!is_stdin) fclose(f);
  if (!ev) {
    fprintf(stderr, "%s:%d:%d: error: %s\n", is_stdin ? "<stdin>" : path, je.line, je.column,
            je.text);
    return 1;
  }
  json_t *result = NULL;
  int rc = S_run(m, &result, "local", "", "", rt_now_ms() + timeout_s * 1000, ev);
  if (rc == CC_OK) {
    char *s = rt_json_dumps(result, JSON_COMPACT);
    if (s) printf("%s\n", s);
    free(s);
  } else {
    /* the line Lambda's loop writes for a failed invocation (lambda.c) */
    json_t *fields = json_pack("{s:s}", "error_type", m->etype);
    rt_log(RT_LOG_ERROR, "local", fields, m->error);
    json_decref(fields);
  }
  json_decref(result);
  json_decref(ev);
  return rc == CC_OK ? 0 : 1;
}

int cloudcron_main(int argc, char **argv, cloudcron_task task) {
  static S_main m; /* outlives every invocation; one task per process */
  const char *prog = argc > 0 ? argv[0] : "task";
  rt_args args;
  int status = rt_args_parse(&args, argc, argv, prog, S_usage, (void *)prog);
  if (status >= 0) return status;
  memset(&m, 0, sizeof m);
  m.task = task;
  m.prog = prog;
  rt_sdk_state_init(&m.state, prog);
  rt_transport curl;
  int have = rt_curl_transport_init(&curl) == CC_OK;
  m.state.transport = have ? &curl : NULL; /* one connection to SNS, reused */
  if (args.event) {
    status = S_local(&m, args.event, args.timeout_s);
  } else {
    int rc = rt_lambda_run(S_handle, &m);
    status = rc == CC_EREMOTE ? 0 : 1;
    if (rc != CC_EREMOTE)
      rt_log(RT_LOG_ERROR, NULL, NULL, rc == CC_ENET ? "the Runtime API cannot be reached"
                                                     : cc_strerror(rc));
  }
  if (have) rt_curl_transport_free(&curl);
  rt_curl_cleanup();
  return status;
}
