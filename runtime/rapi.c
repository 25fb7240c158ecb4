/* rapi.c: HTTP/1.1 on a plain socket, for the Lambda Runtime API (see
 * rapi.h). */
#define _DEFAULT_SOURCE /* getaddrinfo, MSG_NOSIGNAL */
#include "rapi.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "cc/err.h"

#define S_MAX_IN ((size_t)16 << 20) /* raw bytes of one response */
#define S_MAX_LINE 4096             /* a chunk-size line */

/* a[n] equals the NUL-terminated b, ignoring ASCII case */
static int S_ieq(const char *a, size_t n, const char *b) {
  return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static void S_copy(char *dst, size_t cap, const char *v, size_t n) {
  if (n >= cap) n = cap - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

/* Decimal digits only, at most 18 of them; -1 otherwise. */
static long long S_decimal(const char *v, size_t n) {
  long long x = 0;
  if (n == 0 || n > 18) return -1;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9') return -1;
    x = x * 10 + (v[i] - '0');
  }
  return x;
}

long rt_rapi_parse_head(rt_rapi_head *out, const char *buf, size_t len) {
  memset(out, 0, sizeof *out);
  out->content_length = -1;
  size_t end = 0, scan = len < RT_RAPI_MAX_HEAD ? len : RT_RAPI_MAX_HEAD;
  for (size_t i = 0; i < scan && !end; i++) {
    if (buf[i] != '\n') continue;
    if (i + 1 < scan && buf[i + 1] == '\n') end = i + 2;
    else if (i + 2 < scan && buf[i + 1] == '\r' && buf[i + 2] == '\n') end = i + 3;
  }
  if (!end) return len >= RT_RAPI_MAX_HEAD ? -1 : 0;

  const char *p = buf, *e = buf + end;
  const char *nl = memchr(p, '\n', (size_t)(e - p));
  size_t n = (size_t)(nl - p);
  if (n && p[n - 1] == '\r') n--;
  if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[7] < '0' || p[7] > '9' || p[8] != ' ' ||
      (n > 12 && p[12] != ' '))
    return -1;
  long long status = S_decimal(p + 9, 3);
  if (status < 100) return -1;
  out->status = (int)status;
  out->minor = p[7] - '0';
  out->close = out->minor == 0; /* HTTP/1.0 closes unless told otherwise */

  for (p = nl + 1; p < e; p = nl + 1) {
    nl = memchr(p, '\n', (size_t)(e - p));
    n = (size_t)(nl - p);
    if (n && p[n - 1] == '\r') n--;
    if (n == 0) break;
    const char *colon = memchr(p, ':', n);
    if (!colon || colon == p) return -1;
    size_t nlen = (size_t)(colon - p);
    for (size_t i = 0; i < nlen; i++)
      if (p[i] == ' ' || p[i] == '\t' || (unsigned char)p[i] < 0x21) return -1;
    const char *v = colon + 1;
    size_t vl = n - nlen - 1;
    while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) vl--;
    if (S_ieq(p, nlen, "Content-Length")) {
      long long cl = S_decimal(v, vl);
      if (cl < 0 || (out->content_length >= 0 && out->content_length != cl)) return -1;
      out->content_length = cl;
    } else if (S_ieq(p, nlen, "Transfer-Encoding")) {
      if (!S_ieq(v, vl, "chunked")) return -1; /* no other coding is spoken here */
      out->chunked = 1;
    } else if (S_ieq(p, nlen, "Connection")) {
      if (S_ieq(v, vl, "close")) out->close = 1;
      else if (S_ieq(v, vl, "keep-alive")) out->close = 0;
    } else if (S_ieq(p, nlen, "Lambda-Runtime-Aws-Request-Id")) {
      S_copy(out->request_id, sizeof out->request_id, v, vl);
    } else if (S_ieq(p, nlen, "Lambda-Runtime-Invoked-Function-Arn")) {
      S_copy(out->function_arn, sizeof out->function_arn, v, vl);
    } else if (S_ieq(p, nlen, "Lambda-Runtime-Trace-Id")) {
      S_copy(out->trace_id, sizeof out->trace_id, v, vl);
    } else if (S_ieq(p, nlen, "Lambda-Runtime-Deadline-Ms")) {
      long long d = S_decimal(v, vl);
      out->deadline_ms = d > 0 ? d : 0;
    }
  }
  if (out->chunked) out->content_length = -1; /* chunked framing wins (RFC 9112 6.3) */
  return (long)end;
}

long rt_rapi_dechunk(cc_buf *out, const char *buf, size_t len) {
  size_t start = out ? out->len : 0, i = 0;
  for (;;) {
    const char *nl = memchr(buf + i, '\n', len - i);
    if (!nl) {
      if (len - i > S_MAX_LINE) goto bad;
      goto incomplete;
    }
    const char *line = buf + i;
    size_t n = (size_t)(nl - line), digits = 0;
    unsigned long long size = 0;
    if (n > S_MAX_LINE) goto bad;
    while (digits < n) {
      int c = line[digits], d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      size = size * 16 + (unsigned)d;
      if (size > 0x7fffffffULL) goto bad;
      digits++;
    }
    if (digits == 0) goto bad;
    /* then nothing, spaces, a chunk extension (;...) or the CR */
    if (digits < n && line[digits] != ';' && line[digits] != ' ' && line[digits] != '\t' &&
        !(line[digits] == '\r' && digits + 1 == n))
      goto bad;
    i += n + 1;
    if (size == 0) { /* the trailer: header lines up to an empty one */
      for (;;) {
        nl = memchr(buf + i, '\n', len - i);
        if (!nl) {
          if (len - i > S_MAX_LINE) goto bad;
          goto incomplete;
        }
        size_t tn = (size_t)(nl - (buf + i));
        int empty = tn == 0 || (tn == 1 && buf[i] == '\r');
        i += tn + 1;
        if (empty) return (long)i;
      }
    }
    if (len - i < size + 1) goto incomplete;
    if (out && cc_buf_add(out, buf + i, (size_t)size) != CC_OK) goto bad;
    i += (size_t)size;
    if (buf[i] == '\n') {
      i++;
    } else if (buf[i] == '\r') {
      if (i + 1 >= len) goto incomplete;
      if (buf[i + 1] != '\n') goto bad;
      i += 2;
    } else {
      goto bad;
    }
  }
incomplete:
  if (out) cc_buf_truncate(out, start);
  return 0;
bad:
  if (out) cc_buf_truncate(out, start);
  return -1;
}

int rt_rapi_open(rt_rapi *c, const char *hp) {
  memset(c, 0, sizeof *c);
  c->fd = -1;
  cc_buf_init(&c->in, S_MAX_IN);
  if (!hp || !*hp) return CC_EINVAL;
  const char *colon, *host = hp;
  size_t hl;
  if (*hp == '[') {
    const char *rb = strchr(hp, ']');
    if (!rb || rb[1] != ':') return CC_EINVAL;
    host = hp + 1;
    hl = (size_t)(rb - host);
    colon = rb + 1;
  } else {
    colon = strrchr(hp, ':');
    if (!colon) return CC_EINVAL;
    hl = (size_t)(colon - hp);
  }
  size_t pl = strlen(colon + 1);
  long long port = S_decimal(colon + 1, pl);
  if (hl == 0 || hl >= sizeof c->host || port <= 0 || port > 65535) return CC_EINVAL;
  memcpy(c->host, host, hl);
  c->host[hl] = '\0';
  snprintf(c->port, sizeof c->port, "%lld", port);
  return CC_OK;
}

static void S_drop(rt_rapi *c) {
  if (c->fd >= 0) close(c->fd);
  c->fd = -1;
  cc_buf_truncate(&c->in, 0);
}

void rt_rapi_close(rt_rapi *c) {
  S_drop(c);
  cc_buf_free(&c->in);
}

static int S_connect(rt_rapi *c) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  /* a numeric address (what Lambda gives) needs no resolver */
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  if (getaddrinfo(c->host, c->port, &hints, &res) != 0) {
    hints.ai_flags = AI_NUMERICSERV;
    if (getaddrinfo(c->host, c->port, &hints, &res) != 0) return CC_ENET;
  }
  for (struct addrinfo *a = res; a; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int r;
    do r = connect(fd, a->ai_addr, a->ai_addrlen);
    while (r != 0 && errno == EINTR);
    if (r == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      c->fd = fd;
      break;
    }
    close(fd);
  }
  freeaddrinfo(res);
  return c->fd >= 0 ? CC_OK : CC_ENET;
}

static int S_send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads more bytes: >0 read, 0 end of connection, -1 error, -2 too big. */
static int S_fill(rt_rapi *c) {
  char tmp[65536];
  ssize_t n;
  do n = recv(c->fd, tmp, sizeof tmp, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  if (n > 0 && cc_buf_add(&c->in, tmp, (size_t)n) != CC_OK) return -2;
  return n > 0 ? 1 : 0;
}

static int S_fill_rc(int r) { return r == -2 ? CC_ETOOBIG : CC_ENET; }

int rt_rapi_request(rt_rapi *c, rt_rapi_head *head, cc_buf *body, const char *path,
                    const char *extra, const char *payload, size_t blen) {
  cc_buf req = CC_BUF_INIT;
  int rc = cc_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: %s:%s\r\n", payload ? "POST" : "GET", path,
                         c->host, c->port);
  if (rc == CC_OK && payload)
    rc = cc_buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
  if (rc == CC_OK && extra) rc = cc_buf_printf(&req, "%s\r\n", extra);
  if (rc == CC_OK) rc = cc_buf_puts(&req, "\r\n");
  if (rc == CC_OK && payload) rc = cc_buf_add(&req, payload, blen);
  cc_buf_truncate(body, 0);
  for (int attempt = 0; rc == CC_OK && attempt < 2; attempt++) {
    int fresh = c->fd < 0;
    if (fresh && (rc = S_connect(c)) != CC_OK) break;
    cc_buf_truncate(&c->in, 0);
    long hl = 0;
    int r = S_send_all(c->fd, req.ptr, req.len);
    while (r == 0 && (hl = rt_rapi_parse_head(head, c->in.ptr ? c->in.ptr : "", c->in.len)) == 0) {
      r = S_fill(c);
      r = r > 0 ? 0 : r == 0 ? -3 : r; /* -3: the end of the connection */
    }
    if (r != 0) {
      int before_answer = c->in.len == 0;
      S_drop(c);
      if (!fresh && before_answer && r != -2) continue; /* a kept-alive connection had closed */
      rc = r == -2 ? CC_ETOOBIG : CC_ENET;
      break;
    }
    if (hl < 0 || head->status < 200) { /* 1xx are never asked for */
      S_drop(c);
      rc = CC_EREMOTE;
      break;
    }
    size_t off = (size_t)hl;
    if (head->chunked) {
      long used;
      while ((used = rt_rapi_dechunk(NULL, c->in.ptr + off, c->in.len - off)) == 0) {
        if ((r = S_fill(c)) <= 0) break;
      }
      if (used == 0) rc = r == 0 ? CC_ENET : S_fill_rc(r);
      else if (used < 0 || rt_rapi_dechunk(body, c->in.ptr + off, c->in.len - off) <= 0)
        rc = body->len >= body->max ? CC_ETOOBIG : CC_EREMOTE;
    } else if (head->content_length >= 0) {
      size_t want = (size_t)head->content_length;
      if (want > body->max) {
        rc = CC_ETOOBIG;
      } else {
        while (c->in.len - off < want && (r = S_fill(c)) > 0) {
        }
        if (c->in.len - off < want) rc = r == 0 ? CC_ENET : S_fill_rc(r);
        else rc = cc_buf_add(body, c->in.ptr + off, want);
      }
    } else if (head->status != 204 && head->status != 304) {
      while ((r = S_fill(c)) > 0) { /* the body runs to the end of the connection */
      }
      head->close = 1;
      if (r < 0) rc = S_fill_rc(r);
      else if (c->in.len - off > body->max) rc = CC_ETOOBIG;
      else rc = cc_buf_add(body, c->in.ptr + off, c->in.len - off);
    }
    if (rc != CC_OK || head->close) S_drop(c);
    cc_buf_truncate(&c->in, 0);
    break;
  }
  cc_buf_free(&req);
  if (rc != CC_OK) cc_buf_truncate(body, 0);
  return rc;
}
