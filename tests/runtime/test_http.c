/* The HTTP client's transfer options (runtime/http.h) through the real
 * libcurl transport against a loopback server thread: the size cap
 * (CC_ETOOBIG, with and without Content-Length, never retried; the exact
 * cap passes), redirects (followed up to the limit, refused past it, a 3xx
 * answer with none allowed), schemes (http:// refused when https only, no
 * request sent) and the unsigned GET's request line and headers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc/err.h"
#include "dl.h"
#include "http.h"

enum { S_CAP = 1000 };

typedef struct S_server {
  int fd, port;
  pthread_t th;
  pthread_mutex_t mu;
  int hits;          /* requests received */
  char last[2048];   /* the last request's head */
} S_server;

static void S_send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k <= 0) return;
    p += k;
    n -= (size_t)k;
  }
}

/* One answer per connection (Connection: close), chosen by the path. */
static void S_answer(S_server *s, int c) {
  char head[2048];
  size_t n = 0;
  while (n + 1 < sizeof head) {
    ssize_t k = recv(c, head + n, sizeof head - 1 - n, 0);
    if (k <= 0) break;
    n += (size_t)k;
    head[n] = '\0';
    if (strstr(head, "\r\n\r\n")) break;
  }
  head[n] = '\0';
  pthread_mutex_lock(&s->mu);
  s->hits++;
  snprintf(s->last, sizeof s->last, "%s", head);
  pthread_mutex_unlock(&s->mu);
  char path[256] = "";
  sscanf(head, "GET %255s", path);
  path[strcspn(path, "?")] = '\0';
  char out[4096];
  int len = 0;
  if (strncmp(path, "/r/", 3) == 0) { /* /r/N redirects N more times, then /ok */
    int left = atoi(path + 3);
    char to[64];
    if (left > 1)
      snprintf(to, sizeof to, "/r/%d", left - 1);
    else
      snprintf(to, sizeof to, "/ok");
    len = snprintf(out, sizeof out,
                   "HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
                   "Connection: close\r\n\r\n",
                   to);
    S_send_all(c, out, (size_t)len);
  } else if (strcmp(path, "/big") == 0 || strcmp(path, "/exact") == 0) {
    size_t body = strcmp(path, "/big") == 0 ? S_CAP + 1 : S_CAP;
    len = snprintf(out, sizeof out,
                   "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", body);
    S_send_all(c, out, (size_t)len);
    char *b = malloc(body);
    memset(b, 'x', body);
    S_send_all(c, b, body);
    free(b);
  } else if (strcmp(path, "/big-unsized") == 0) { /* no length: read to close */
    len = snprintf(out, sizeof out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    S_send_all(c, out, (size_t)len);
    char b[500];
    memset(b, 'y', sizeof b);
    for (int i = 0; i < 3; i++) S_send_all(c, b, sizeof b);
  } else if (strcmp(path, "/ok") == 0) {
    len = snprintf(out, sizeof out,
                   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    S_send_all(c, out, (size_t)len);
  } else {
    len = snprintf(out, sizeof out,
                   "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    S_send_all(c, out, (size_t)len);
  }
  shutdown(c, SHUT_WR);
  char drain[256];
  while (recv(c, drain, sizeof drain, 0) > 0) {
  }
  close(c);
}

static void *S_serve(void *arg) {
  S_server *s = arg;
  for (;;) {
    int c = accept(s->fd, NULL, NULL);
    if (c < 0) return NULL; /* closed by S_stop */
    S_answer(s, c);
  }
}

static int S_start(void **state) {
  S_server *s = calloc(1, sizeof *s);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0 ||
      getsockname(s->fd, (struct sockaddr *)&a, &al) != 0)
    return -1;
  s->port = ntohs(a.sin_port);
  pthread_mutex_init(&s->mu, NULL);
  if (pthread_create(&s->th, NULL, S_serve, s) != 0) return -1;
  *state = s;
  return 0;
}

static int S_stop(void **state) {
  S_server *s = *state;
  shutdown(s->fd, SHUT_RDWR);
  close(s->fd);
  pthread_join(s->th, NULL);
  pthread_mutex_destroy(&s->mu);
  free(s);
  return 0;
}

static int S_hits(S_server *s) {
  pthread_mutex_lock(&s->mu);
  int n = s->hits;
  s->hits = 0;
  pthread_mutex_unlock(&s->mu);
  return n;
}

/* An unsigned GET of path on the server, with the given limits, through
 * a fresh libcurl transport; 3 attempts, no waiting between them. */
static int S_get(rt_http_resp *out, S_server *s, const char *scheme, const char *path,
                 size_t max_bytes, int max_redirects, int https_only) {
  char url[256];
  rt_http_req req;
  rt_retry policy;
  rt_transport t;
  snprintf(url, sizeof url, "%s://127.0.0.1:%d%s", scheme, s->port, path);
  assert_int_equal(rt_http_get_req(&req, url), CC_OK);
  req.max_bytes = max_bytes;
  req.max_redirects = max_redirects;
  req.https_only = https_only;
  rt_retry_default(&policy);
  policy.max_attempts = 3;
  policy.base_ms = policy.cap_ms = 0;
  assert_int_equal(rt_curl_transport_init(&t), CC_OK);
  int rc = rt_http_send_via(out, &req, &policy, &t);
  rt_curl_transport_free(&t);
  rt_http_req_free(&req);
  return rc;
}

static void test_size_cap(void **state) {
  S_server *s = *state;
  rt_http_resp r;
  /* exactly the cap: the whole body */
  assert_int_equal(S_get(&r, s, "http", "/exact", S_CAP, 0, 0), CC_OK);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body.len, S_CAP);
  assert_int_equal(S_hits(s), 1);
  cc_buf_free(&r.body);
  /* one byte over, announced by Content-Length: CC_ETOOBIG, one attempt */
  assert_int_equal(S_get(&r, s, "http", "/big", S_CAP, 0, 0), CC_ETOOBIG);
  assert_int_equal(r.attempts, 1);
  assert_int_equal(r.body.len, 0);
  assert_non_null(strstr(r.detail, "larger than the limit of 1000 bytes"));
  assert_int_equal(S_hits(s), 1);
  cc_buf_free(&r.body);
  /* over the cap with no length: found while reading, the same answer */
  assert_int_equal(S_get(&r, s, "http", "/big-unsized", S_CAP, 0, 0), CC_ETOOBIG);
  assert_int_equal(r.attempts, 1);
  assert_int_equal(S_hits(s), 1);
  cc_buf_free(&r.body);
  /* the default cap (64 MiB) takes it */
  assert_int_equal(S_get(&r, s, "http", "/big-unsized", 0, 0, 0), CC_OK);
  assert_int_equal(r.body.len, 1500);
  assert_int_equal(S_hits(s), 1);
  cc_buf_free(&r.body);
}

static void test_redirects(void **state) {
  S_server *s = *state;
  rt_http_resp r;
  /* three redirects, three allowed */
  assert_int_equal(S_get(&r, s, "http", "/r/3", 0, 3, 0), CC_OK);
  assert_int_equal(r.status, 200);
  assert_string_equal(cc_buf_str(&r.body), "ok");
  assert_int_equal(S_hits(s), 4);
  cc_buf_free(&r.body);
  /* one too many: refused, and not tried again */
  assert_int_equal(S_get(&r, s, "http", "/r/3", 0, 2, 0), CC_ENET);
  assert_int_equal(r.attempts, 1);
  assert_string_equal(r.detail, "more than 2 redirects");
  assert_int_equal(S_hits(s), 3);
  cc_buf_free(&r.body);
  /* none allowed (the AWS calls): the 302 is the answer */
  assert_int_equal(S_get(&r, s, "http", "/r/1", 0, 0, 0), CC_EREMOTE);
  assert_int_equal(r.status, 302);
  assert_int_equal(r.attempts, 1);
  assert_int_equal(S_hits(s), 1);
  cc_buf_free(&r.body);
}

static void test_schemes(void **state) {
  S_server *s = *state;
  rt_http_resp r;
  /* https only: an http:// URL is refused before anything is sent */
  assert_int_equal(S_get(&r, s, "http", "/ok", 0, 3, 1), CC_ENET);
  assert_int_equal(r.attempts, 1);
  assert_int_equal(r.maybe_sent, 0);
  assert_non_null(strstr(r.detail, "a scheme other than https"));
  assert_int_equal(S_hits(s), 0);
  cc_buf_free(&r.body);
  /* a scheme libcurl would speak but the client never allows */
  assert_int_equal(S_get(&r, s, "ftp", "/ok", 0, 0, 0), CC_ENET);
  assert_int_equal(r.attempts, 1);
  assert_int_equal(S_hits(s), 0);
  cc_buf_free(&r.body);
}

static void test_unsigned_get(void **state) {
  S_server *s = *state;
  rt_http_resp r;
  assert_int_equal(S_get(&r, s, "http", "/ok?x=1", 0, 0, 0), CC_OK);
  cc_buf_free(&r.body);
  assert_int_equal(S_hits(s), 1);
  assert_true(strncmp(s->last, "GET /ok?x=1 HTTP/1.1\r\n", 22) == 0);
  assert_null(strstr(s->last, "Authorization"));
  assert_null(strstr(s->last, "X-Amz-"));
  assert_null(strstr(s->last, "Expect:"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_size_cap),
      cmocka_unit_test(test_redirects),
      cmocka_unit_test(test_schemes),
      cmocka_unit_test(test_unsigned_get),
  };
  int rc = cmocka_run_group_tests(tests, S_start, S_stop);
  rt_curl_cleanup();
  return rc;
}
