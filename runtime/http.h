/* http.h: sending AWS requests with timeouts and retries (rt_ internal).
 *
 * Retries, with capped exponential backoff and full jitter, network
 * errors, timeouts, 429, 5xx and throttling error codes; never other 4xx. */
#ifndef RT_HTTP_H
#define RT_HTTP_H
#include <stddef.h>

#include "aws.h"
#include "cc/buf.h"

typedef struct rt_retry {
  int max_attempts;        /* at least 1 */
  long base_ms, cap_ms;    /* backoff: random in [0, min(cap, base*2^n)] */
  long connect_timeout_ms; /* per attempt */
  long total_timeout_ms;   /* per attempt */
} rt_retry;

/* Defaults: 4 attempts, 50 ms base, 2 s cap, 2 s connect, 10 s total. */
void rt_retry_default(rt_retry *r);

typedef struct rt_http_resp {
  long status;     /* 0 when no answer came */
  cc_buf body;     /* owned; cc_buf_free when done */
  char code[128];  /* AWS error code, "" when none */
  int attempts;
} rt_http_resp;

/* Sends req. Returns CC_OK only for a 2xx answer; CC_EREMOTE for an error
 * answer (status and code set), CC_ENET or CC_ETIMEOUT when the last
 * attempt got no answer. The response is filled in every case. */
int rt_http_send(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy);

/* The error code of an AWS error body: JSON "__type" (after any '#') or
 * "code"/"Code", or the first XML <Code>. "" when none. */
void rt_aws_error_code(char *out, size_t cap, const char *body, size_t len);
#endif
