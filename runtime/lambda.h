/* lambda.h: the Lambda Runtime API loop (rt_ internal API).
 *
 * The loop owns HTTP, JSON and logging; a handler is a plain function. */
#ifndef RT_LAMBDA_H
#define RT_LAMBDA_H
#include <jansson.h>

#include "event.h"

typedef struct rt_invocation {
  const char *request_id;   /* borrowed for the call */
  const char *function_arn; /* borrowed; "" when absent */
  const char *trace_id;     /* borrowed; "" when absent */
  long long deadline_ms;    /* epoch ms; 0 when absent */
} rt_invocation;

/* Handles one event. On success returns CC_OK and sets *response to a new
 * reference (or NULL for a JSON null response). On failure returns a
 * negative code and sets *error_message (static or borrowed text) and
 * *error_type; the loop then posts to .../error. */
typedef int (*rt_handler_fn)(json_t **response, const char **error_message,
                             const char **error_type, const rt_event *ev,
                             const rt_invocation *inv, void *user);

/* Runs until the Runtime API ends the conversation: GET .../next without a
 * timeout, the handler, then POST .../response or .../error. Reads
 * AWS_LAMBDA_RUNTIME_API. Returns CC_EINVAL when the variable is missing
 * (after posting nothing), CC_ENET or CC_EREMOTE when next fails. */
int rt_lambda_run(rt_handler_fn handler, void *user);

/* Posts to .../init/error and returns; for handlers whose setup failed. */
int rt_lambda_init_error(const char *message, const char *type);
#endif
