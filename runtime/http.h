/* http.h: the runtime's one HTTP client (rt_ internal): AWS requests and
 * template fetches, with timeouts, limits and retries.
 *
 * Retries, with capped exponential backoff and full jitter, network
 * errors, timeouts, 429, 5xx and throttling error codes; never other 4xx,
 * never an answer over its size cap (CC_ETOOBIG), never a transfer that
 * cannot go better next time (a certificate that does not verify, too many
 * redirects, a scheme not allowed). Every byte goes through a transport
 * (rt_transport): libcurl in production (http.c is the one runtime file
 * that performs libcurl transfers), a recorder with canned answers in the
 * unit tests, which also replace the sleep, the random source and the
 * clock (clock.h). */
#ifndef RT_HTTP_H
#define RT_HTTP_H
#include <stddef.h>

#include "aws.h"
#include "cc/buf.h"
#include "clock.h"

/* The default cap on an answer's body (rt_http_req.max_bytes 0). */
#define RT_HTTP_MAX_BYTES ((size_t)64 << 20)

typedef struct rt_retry {
  int max_attempts;        /* at least 1 */
  long base_ms, cap_ms;    /* backoff: random in [0, min(cap, base*2^n)] */
  long connect_timeout_ms; /* per attempt */
  long total_timeout_ms;   /* per attempt */
  long long deadline_ms;   /* epoch ms, 0 when none: no attempt or sleep
                              starts past it, and an attempt's total
                              timeout is cut to the time left */
} rt_retry;

/* Defaults: 4 attempts, 50 ms base, 2 s cap, 2 s connect, 10 s total, no
 * deadline. */
void rt_retry_default(rt_retry *r);

typedef struct rt_http_resp {
  long status;        /* 0 when no answer came */
  cc_buf body;        /* owned; cc_buf_free when done */
  char code[128];     /* AWS error code, "" when none */
  int attempts;
  int maybe_sent;     /* attempts that got no answer after their request may
                         have reached the service: for a call that is not
                         idempotent (an SMS, an e-mail), each may have taken
                         effect unseen */
  char detail[256];   /* the error's message (remote), or why the transfer
                         failed (network, size cap); "" when none */
} rt_http_resp;

/* One attempt of a request, as a transport performs it. */
typedef struct rt_transport {
  /* Sends req once, within req's limits (its redirects and schemes).
   * Appends the answer's body to body (cleared by the caller; its ceiling,
   * body->max, is the size cap) and sets *status. Returns CC_OK when an
   * answer came (any status), with the error type its x-amzn-ErrorType
   * header names in why[whycap] ("" when none: the code is then read from
   * the body); CC_ETOOBIG when the body is over the cap; CC_ENET or
   * CC_ETIMEOUT when no answer came (with a reason in why); CC_ERR for a
   * local failure that retrying cannot mend (libcurl missing; reason in
   * why). The timeouts apply to this attempt. */
  int (*send)(void *user, long *status, cc_buf *body, char *why, size_t whycap,
              const rt_http_req *req, long connect_timeout_ms, long total_timeout_ms);
  void *user;
  /* Optional hooks; NULL uses rt_sleep_ms, a xorshift generator, rt_now_ms. */
  void (*sleep_ms)(void *user, long ms);
  unsigned long (*random)(void *user);
  long long (*now_ms)(void *user);
  /* Optional: after an attempt without an answer, whether any of its
   * request was written (0: it failed before, e.g. connecting). NULL:
   * assume it was. */
  int (*wrote)(void *user);
  /* Optional: after an attempt without an answer, whether another attempt
   * could do better (0: a certificate that does not verify, too many
   * redirects, a redirect to a scheme not allowed, a malformed URL). NULL:
   * assume it could. */
  int (*retryable)(void *user);
} rt_transport;

/* The libcurl transport. Keeps one handle (and so its connections) across
 * requests; free with rt_curl_transport_free. https:// is verified against
 * AWS_CA_BUNDLE when set, else the system's CAs. CC_ENOMEM on failure.
 * libcurl is loaded by its first request (dl.h). */
int rt_curl_transport_init(rt_transport *t);
void rt_curl_transport_free(rt_transport *t);

/* Sends req through t (NULL: a libcurl handle for this call only).
 * Returns CC_OK only for a 2xx answer; CC_EREMOTE for an error answer
 * (status, code and detail set, the body kept); CC_ETOOBIG for an answer
 * over req->max_bytes (not retried); CC_ENET or CC_ETIMEOUT when the last
 * attempt got no answer (or the deadline came first); CC_ERR or CC_ENOMEM
 * for a local failure. The response is filled in every case (detail says
 * why it failed); free its body. */
int rt_http_send_via(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy,
                     const rt_transport *t);
/* rt_http_send_via with a libcurl handle for this call only. */
int rt_http_send(rt_http_resp *out, const rt_http_req *req, const rt_retry *policy);

/* The error code of an AWS error body: JSON "__type" (after any '#') or
 * "code"/"Code", or the first XML <Code>. "" when none. */
void rt_aws_error_code(char *out, size_t cap, const char *body, size_t len);
/* The error message of an AWS error body: JSON "message"/"Message", or the
 * first XML <Message>. "" when none. */
void rt_aws_error_message(char *out, size_t cap, const char *body, size_t len);

/* The text of the first XML element <tag> of body into out (cap bytes,
 * cut to fit), the five predefined entities decoded; "" when none. */
void rt_xml_text(char *out, size_t cap, const char *body, size_t len, const char *tag);
#endif
