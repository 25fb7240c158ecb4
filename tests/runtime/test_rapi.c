/* The Runtime API client (runtime/rapi.h): response heads and chunked
 * bodies parsed byte for byte, and the socket client against a loopback
 * server thread answering with each kind of framing, closing kept-alive
 * connections, and breaking off. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc/err.h"
#include "rapi.h"

static long S_head(rt_rapi_head *h, const char *s) { return rt_rapi_parse_head(h, s, strlen(s)); }

static void test_head_next(void **state) {
  (void)state;
  rt_rapi_head h;
  const char *r = "HTTP/1.1 200 OK\r\n"
                  "lambda-runtime-aws-request-id:  8476a536-e9f4 \r\n"
                  "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
                  "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-2:1:function:f\r\n"
                  "Lambda-Runtime-Trace-Id: Root=1-5bef4de7\r\n"
                  "Content-Length: 2\r\n\r\n{}";
  assert_int_equal(S_head(&h, r), (long)strlen(r) - 2);
  assert_int_equal(h.status, 200);
  assert_int_equal(h.minor, 1);
  assert_int_equal(h.content_length, 2);
  assert_false(h.close);
  assert_false(h.chunked);
  assert_string_equal(h.request_id, "8476a536-e9f4");
  assert_true(h.deadline_ms == 1542409706888LL);
  assert_string_equal(h.function_arn, "arn:aws:lambda:us-east-2:1:function:f");
  assert_string_equal(h.trace_id, "Root=1-5bef4de7");
}

static void test_head_framing_rules(void **state) {
  (void)state;
  rt_rapi_head h;
  /* LF line ends; HTTP/1.0 closes unless keep-alive */
  assert_int_equal(S_head(&h, "HTTP/1.0 202 Accepted\n\n"), 23);
  assert_true(h.close);
  assert_true(S_head(&h, "HTTP/1.0 202 Accepted\nConnection: Keep-Alive\n\n") > 0);
  assert_false(h.close);
  assert_true(S_head(&h, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n") > 0);
  assert_true(h.close);
  /* chunked wins over a length; a repeated equal length is fine */
  assert_true(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n") > 0);
  assert_true(h.chunked);
  assert_int_equal(h.content_length, -1);
  assert_true(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n") > 0);
  assert_int_equal(h.content_length, 5);
  /* a status line without a reason */
  assert_true(S_head(&h, "HTTP/1.1 204\r\n\r\n") > 0);
  assert_int_equal(h.status, 204);
}

static void test_head_incomplete_and_bad(void **state) {
  (void)state;
  rt_rapi_head h;
  assert_int_equal(S_head(&h, ""), 0);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"), 0);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\n\r"), 0);
  assert_int_equal(S_head(&h, "HTTP/2 200 OK\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 20 OK\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 099 X\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200OK\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n"), -1);
  assert_int_equal(S_head(&h, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"), -1);
  /* a head past the cap is refused, not waited for */
  static char big[RT_RAPI_MAX_HEAD + 10];
  memset(big, 'a', sizeof big);
  memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
  assert_int_equal(rt_rapi_parse_head(&h, big, sizeof big), -1);
}

static long S_dechunk(cc_buf *out, const char *s) { return rt_rapi_dechunk(out, s, strlen(s)); }

static void test_dechunk(void **state) {
  (void)state;
  cc_buf out = CC_BUF_INIT;
  const char *ok = "4\r\nWiki\r\n5;name=value\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-T: 1\r\n\r\nNEXT";
  assert_int_equal(S_dechunk(NULL, ok), (long)strlen(ok) - 4);
  assert_int_equal(S_dechunk(&out, ok), (long)strlen(ok) - 4);
  assert_int_equal(out.len, 23);
  assert_memory_equal(out.ptr, "Wikipedia in\r\n\r\nchunks.", 23);
  cc_buf_free(&out);
  /* LF only, upper-case hex */
  assert_int_equal(S_dechunk(&out, "A\nabcdefghij\n0\n\n"), 16);
  assert_string_equal(cc_buf_str(&out), "abcdefghij");
  cc_buf_free(&out);
  /* incomplete at every point: nothing appended */
  const char *whole = "4\r\nWiki\r\n0\r\n\r\n";
  for (size_t n = 0; n < strlen(whole); n++) {
    assert_int_equal(rt_rapi_dechunk(&out, whole, n), 0);
    assert_int_equal(out.len, 0);
  }
  /* malformed */
  assert_int_equal(S_dechunk(&out, "x\r\n"), -1);
  assert_int_equal(S_dechunk(&out, "4\r\nWikiX\r\n0\r\n\r\n"), -1);
  assert_int_equal(S_dechunk(&out, "4z\r\nWiki\r\n0\r\n\r\n"), -1);
  assert_int_equal(S_dechunk(&out, "fffffffff\r\n"), -1);
  assert_int_equal(out.len, 0);
  cc_buf_free(&out);
  /* the ceiling: decoding refuses what validating passes */
  cc_buf small;
  cc_buf_init(&small, 3);
  assert_int_equal(S_dechunk(&small, whole), -1);
  assert_int_equal(small.len, 0);
  cc_buf_free(&small);
}

/* ---- the socket client against a loopback server ---- */

typedef struct S_server {
  int lfd, port;
  const char *const *answers; /* one per connection; NULL ends */
  int split;                  /* write each answer a byte at a time */
  int keep;                   /* answer this many requests on the first connection */
  char last[2048];            /* the last request received */
} S_server;

static void *S_serve(void *arg) {
  S_server *s = arg;
  for (const char *const *a = s->answers; *a; a++) {
    int fd = accept(s->lfd, NULL, NULL);
    if (fd < 0) break;
    int per = a == s->answers && s->keep ? s->keep : 1; /* keep applies to the first connection */
    for (int k = 0; k < per && *a; k++) {
      ssize_t n = recv(fd, s->last, sizeof s->last - 1, 0);
      if (n <= 0) break;
      s->last[n] = '\0';
      size_t len = strlen(*a);
      if (s->split) {
        for (size_t i = 0; i < len; i++) (void)!send(fd, *a + i, 1, MSG_NOSIGNAL);
      } else {
        (void)!send(fd, *a, len, MSG_NOSIGNAL);
      }
      if (k + 1 < per) a++;
    }
    close(fd);
  }
  return NULL;
}

static void S_start(S_server *s, pthread_t *t) {
  struct sockaddr_in sa = {0};
  socklen_t sl = sizeof sa;
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->lfd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(s->lfd >= 0);
  assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(listen(s->lfd, 4), 0);
  assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sa, &sl), 0);
  s->port = ntohs(sa.sin_port);
  assert_int_equal(pthread_create(t, NULL, S_serve, s), 0);
}

static void S_stop(S_server *s, pthread_t t) {
  shutdown(s->lfd, SHUT_RDWR);
  close(s->lfd);
  pthread_join(t, NULL);
}

static int S_ask(S_server *s, rt_rapi *c, rt_rapi_head *h, cc_buf *body, const char *payload) {
  return rt_rapi_request(c, h, body, "/2018-06-01/runtime/invocation/next", payload ? "X-Extra: 1" : NULL,
                         payload, payload ? strlen(payload) : 0);
  (void)s;
}

static void S_client(S_server *s, rt_rapi *c) {
  char hp[64];
  snprintf(hp, sizeof hp, "127.0.0.1:%d", s->port);
  assert_int_equal(rt_rapi_open(c, hp), CC_OK);
}

static void test_client_framings(void **state) {
  (void)state;
  static const char *const answers[] = {
      "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r1\r\nContent-Length: 5\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
      "HTTP/1.0 200 OK\r\n\r\nuntil the end",
      NULL};
  for (int split = 0; split < 2; split++) {
    S_server s = {.answers = answers, .split = split};
    pthread_t t;
    S_start(&s, &t);
    rt_rapi c;
    rt_rapi_head h;
    cc_buf body = CC_BUF_INIT;
    S_client(&s, &c);
    /* each answer closes its connection: the client opens a new one */
    assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_OK);
    assert_string_equal(h.request_id, "r1");
    assert_string_equal(cc_buf_str(&body), "hello");
    assert_non_null(strstr(s.last, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1:"));
    assert_int_equal(S_ask(&s, &c, &h, &body, "{\"a\":1}"), CC_OK);
    assert_string_equal(cc_buf_str(&body), "abcde");
    assert_non_null(strstr(s.last, "POST /2018-06-01/runtime/invocation/next HTTP/1.1\r\n"));
    assert_non_null(strstr(s.last, "Content-Length: 7\r\nX-Extra: 1\r\n\r\n{\"a\":1}"));
    assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_OK);
    assert_string_equal(cc_buf_str(&body), "until the end");
    /* nobody listens any more */
    S_stop(&s, t);
    assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_ENET);
    assert_int_equal(body.len, 0);
    rt_rapi_close(&c);
    cc_buf_free(&body);
  }
}

static void test_client_keepalive_and_breaks(void **state) {
  (void)state;
  /* two answers on one connection, then the server closes it: the third
   * request goes on a new connection; the fourth is cut off mid-body */
  static const char *const answers[] = {
      "HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok",
      "HTTP/1.1 202 Accepted\r\nContent-Length: 3\r\n\r\nok2",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
      "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
      "HTTP/1.1 200 OK\r\nContent-Length: 9999999\r\n\r\n",
      "garbage\r\n\r\n",
      NULL};
  S_server s = {.answers = answers, .keep = 2};
  pthread_t t;
  S_start(&s, &t);
  rt_rapi c;
  rt_rapi_head h;
  cc_buf body;
  cc_buf_init(&body, 1000);
  S_client(&s, &c);
  assert_int_equal(S_ask(&s, &c, &h, &body, "{}"), CC_OK);
  assert_string_equal(cc_buf_str(&body), "ok");
  assert_int_equal(S_ask(&s, &c, &h, &body, "{}"), CC_OK);
  assert_string_equal(cc_buf_str(&body), "ok2");
  assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_OK); /* reconnects */
  assert_string_equal(cc_buf_str(&body), "x");
  assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_ENET); /* cut off */
  assert_int_equal(body.len, 0);
  assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_ETOOBIG); /* past the ceiling */
  assert_int_equal(S_ask(&s, &c, &h, &body, NULL), CC_EREMOTE); /* not HTTP */
  S_stop(&s, t);
  rt_rapi_close(&c);
  cc_buf_free(&body);
}

static void test_open_addresses(void **state) {
  (void)state;
  rt_rapi c;
  assert_int_equal(rt_rapi_open(&c, "127.0.0.1:9001"), CC_OK);
  assert_string_equal(c.host, "127.0.0.1");
  assert_string_equal(c.port, "9001");
  rt_rapi_close(&c);
  assert_int_equal(rt_rapi_open(&c, "[::1]:9001"), CC_OK);
  assert_string_equal(c.host, "::1");
  rt_rapi_close(&c);
  const char *bad[] = {NULL, "", "127.0.0.1", ":9001", "h:0", "h:65536", "h:9x", "[::1]9001", "h:"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(rt_rapi_open(&c, bad[i]), CC_EINVAL);
    rt_rapi_close(&c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_head_next),          cmocka_unit_test(test_head_framing_rules),
      cmocka_unit_test(test_head_incomplete_and_bad), cmocka_unit_test(test_dechunk),
      cmocka_unit_test(test_client_framings),    cmocka_unit_test(test_client_keepalive_and_breaks),
      cmocka_unit_test(test_open_addresses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
