/* reconcile_pool.c: a fixed set of threads taking jobs by index. */
#include "reconcile_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "http.h"

typedef struct S_pool {
  pthread_mutex_t mu;
  size_t next, n;
  rc_job_fn fn;
  void *user;
} S_pool;

typedef struct S_worker {
  S_pool *pool;
  rt_aws_client client;
  rt_transport curl; /* the worker's libcurl handle */
  rt_transport t;    /* curl's transport, with the worker's own jitter */
  unsigned long long seed; /* the worker's own jitter, no shared state */
  pthread_t th;
} S_worker;

static unsigned long S_rand(void *user) {
  S_worker *w = user;
  w->seed ^= w->seed << 13;
  w->seed ^= w->seed >> 7;
  w->seed ^= w->seed << 17;
  return (unsigned long)(w->seed >> 11);
}

static int S_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                  const rt_http_req *req, long connect_timeout_ms, long total_timeout_ms) {
  S_worker *w = user;
  return w->curl.send(w->curl.user, status, body, why, whycap, req, connect_timeout_ms,
                      total_timeout_ms);
}

static int S_wrote(void *user) {
  S_worker *w = user;
  return w->curl.wrote(w->curl.user);
}

static int S_retryable(void *user) {
  S_worker *w = user;
  return w->curl.retryable(w->curl.user);
}

static void *S_run(void *arg) {
  S_worker *w = arg;
  for (;;) {
    pthread_mutex_lock(&w->pool->mu);
    size_t i = w->pool->next < w->pool->n ? w->pool->next++ : w->pool->n;
    pthread_mutex_unlock(&w->pool->mu);
    if (i >= w->pool->n) return NULL;
    w->pool->fn(w->pool->user, i, &w->client);
  }
}

int rc_pool_run(size_t n, int workers, const rt_aws_client *proto, rc_job_fn fn, void *user) {
  S_pool pool = {.next = 0, .n = n, .fn = fn, .user = user};
  if (n == 0) return CC_OK;
  if (workers < 1) workers = 1;
  if (workers > 64) workers = 64;
  if ((size_t)workers > n) workers = (int)n;
  S_worker *ws = calloc((size_t)workers, sizeof *ws);
  if (!ws) return CC_ENOMEM;
  pthread_mutex_init(&pool.mu, NULL);
  int started = 0, rc = CC_OK;
  for (int k = 0; k < workers; k++) {
    S_worker *w = &ws[k];
    w->pool = &pool;
    w->client = *proto;
    w->seed = 0x9E3779B97F4A7C15ULL * (unsigned long long)(k + 1) + (unsigned long long)rt_now_ms();
    if (rt_curl_transport_init(&w->curl) != CC_OK) break;
    w->t = (rt_transport){
        .send = S_send, .user = w, .random = S_rand, .wrote = S_wrote, .retryable = S_retryable};
    w->client.transport = &w->t;
    if (pthread_create(&w->th, NULL, S_run, w) != 0) {
      rt_curl_transport_free(&w->curl);
      break;
    }
    started++;
  }
  if (!started) rc = CC_ERR;
  for (int k = 0; k < started; k++) {
    pthread_join(ws[k].th, NULL);
    rt_curl_transport_free(&ws[k].curl);
  }
  pthread_mutex_destroy(&pool.mu);
  free(ws);
  return rc;
}
