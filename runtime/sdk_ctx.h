/* sdk_ctx.h: the task context behind cloudcron.h (rt_ internal API, for
 * sdk*.c and the SDK's unit tests). */
#ifndef RT_SDK_CTX_H
#define RT_SDK_CTX_H
#include "calls.h"
#include "cloudcron.h"

/* Publishing stops this long before the Lambda deadline, so the answer to
 * the Runtime API still gets out. */
#define RT_SDK_MARGIN_MS 250

/* What outlives one invocation: the AWS client (read from the environment
 * at the first call that needs it) and its transport. */
typedef struct rt_sdk_state {
  rt_aws_client client;
  int client_ok;
  const rt_transport *transport; /* borrowed; NULL: libcurl per call */
  const char *fixed_date;        /* tests: X-Amz-Date; NULL: the clock */
  char task_name[128];
} rt_sdk_state;

struct cloudcron_ctx {
  rt_sdk_state *state;
  const char *request_id, *function_arn, *trace_id; /* borrowed */
  long long deadline_ms;
  const json_t *event; /* borrowed */
  json_t *result;      /* owned; NULL: {"published": N} */
  int published;
  char error[1024];
  const char *error_type; /* static; set with error: one of RT_ETYPE_* */
  char message_id[128];
};

/* The error types a failed invocation reports (Lambda's errorType, the
 * ERROR log line's error_type), as the Python package names them: what
 * failed last, with the message in error. */
#define RT_ETYPE_TASK "cloudcron.TaskError"         /* cloudcron_fail, or a bare code */
#define RT_ETYPE_TOPIC "cloudcron.UnknownTopic"     /* no CLOUDCRON_TOPIC_<KEY> */
#define RT_ETYPE_MESSAGE "cloudcron.InvalidMessage" /* the contract refused the message */
#define RT_ETYPE_CONFIG "cloudcron.ConfigError"     /* no credentials or region, ... */
#define RT_ETYPE_PUBLISH "cloudcron.PublishError"   /* SNS refused it or was not reached */
#define RT_ETYPE_SECRET "cloudcron.SecretError"     /* a secret or parameter not read */

/* The task name from CLOUDCRON_TASK_NAME, AWS_LAMBDA_FUNCTION_NAME or
 * argv0's base name, into st (with everything else zero). */
void rt_sdk_state_init(rt_sdk_state *st, const char *argv0);

/* A context for one invocation; the strings and event are borrowed. */
void rt_sdk_ctx_init(cloudcron_ctx *ctx, rt_sdk_state *st, const char *request_id,
                     const char *function_arn, const char *trace_id, long long deadline_ms,
                     const json_t *event);
/* The invocation's AWS client (read from the environment at the first
 * call), its retries bounded by the deadline; NULL with ctx->error set
 * ("WHAT: ...") when the environment lacks credentials. */
rt_aws_client *rt_sdk_client(cloudcron_ctx *ctx, const char *what);

/* Drops the result, if the context still holds one. */
void rt_sdk_ctx_done(cloudcron_ctx *ctx);
#endif
