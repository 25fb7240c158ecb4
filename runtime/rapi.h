/* rapi.h: HTTP/1.1 on a plain socket, for the Lambda Runtime API (rt_
 * internal).
 *
 * The Runtime API is plain HTTP on a local address; speaking it directly
 * keeps libcurl (and its dependencies) out of a handler's cold start (see
 * dl.h). One connection is kept alive across requests and opened again
 * when the server closed it. Responses may be delimited by Content-Length,
 * by chunked transfer encoding, or by the end of the connection. Requests
 * have no timeout: `next` blocks until an event comes, by design. */
#ifndef RT_RAPI_H
#define RT_RAPI_H
#include <stddef.h>

#include "cc/buf.h"

#define RT_RAPI_MAX_HEAD ((size_t)64 << 10) /* a response head's cap */

/* What the loop needs from a response head. */
typedef struct rt_rapi_head {
  int status;                 /* 100..999 */
  int minor;                  /* HTTP/1.<minor> */
  long long content_length;   /* -1 when absent */
  int chunked;                /* Transfer-Encoding: chunked */
  int close;                  /* Connection: close, or HTTP/1.0 without keep-alive */
  char request_id[128];       /* Lambda-Runtime-Aws-Request-Id; "" when absent */
  char function_arn[256];     /* Lambda-Runtime-Invoked-Function-Arn */
  char trace_id[512];         /* Lambda-Runtime-Trace-Id */
  long long deadline_ms;      /* Lambda-Runtime-Deadline-Ms; 0 when absent */
} rt_rapi_head;

/* Parses a response head (status line and header lines up to the empty
 * line; lines end in CRLF or LF) at the start of buf[len]. Returns the
 * head's length in bytes with *out filled in; 0 when buf holds no
 * complete head yet (and fewer than RT_RAPI_MAX_HEAD bytes); -1 when it is
 * not a valid HTTP/1.x response head (or longer than the cap). Header
 * values too long for their field are cut to fit. */
long rt_rapi_parse_head(rt_rapi_head *out, const char *buf, size_t len);

/* Decodes a chunked body at the start of buf[len], appending the data to
 * out. Returns the bytes consumed through the last chunk and the trailer
 * when complete; 0 when incomplete (out unchanged); -1 when malformed or
 * when out's ceiling is reached (out unchanged). */
long rt_rapi_dechunk(cc_buf *out, const char *buf, size_t len);

typedef struct rt_rapi {
  int fd;           /* -1 when not connected */
  char host[256];
  char port[8];
  cc_buf in;        /* bytes received and not yet consumed */
} rt_rapi;

/* Prepares a client for "host:port" (AWS_LAMBDA_RUNTIME_API; an IPv6 host
 * in brackets); connects on the first request. CC_EINVAL for a bad
 * address. Free with rt_rapi_close. */
int rt_rapi_open(rt_rapi *c, const char *hostport);
void rt_rapi_close(rt_rapi *c);

/* Sends one request (body == NULL: a GET; else a POST of body[blen] as
 * application/json, with the extra header line `extra` when not NULL) and
 * reads the whole response: its head into *head and its body into body
 * (cleared first; its ceiling caps the body). Returns CC_OK for any
 * complete response, CC_ENET when the server cannot be reached or the
 * connection breaks (one new connection is tried when a kept-alive one
 * turns out closed before any answer), CC_EREMOTE for a malformed
 * response, CC_ETOOBIG for a body past the ceiling, CC_ENOMEM. */
int rt_rapi_request(rt_rapi *c, rt_rapi_head *head, cc_buf *body, const char *path,
                    const char *extra, const char *payload, size_t blen);
#endif
