/* dl.h: libcurl and libcrypto, opened on first use (rt_ internal).
 *
 * A handler's cold start is the time from exec to its first request for
 * work. Linking libcurl maps it and its ~30 dependencies at exec (16 ms on
 * the benchmark machine, eight times an empty program's exec), and
 * libcrypto's constructors add ~2.5 ms, before any code of ours runs. So
 * the runtime does not link either: the Runtime API loop speaks HTTP on a
 * plain socket (rapi.h), and these functions dlopen libcurl.so.4 and
 * libcrypto.so.3 the first time an HTTPS request or a signature needs them
 * (a handler that never calls AWS never loads them). Loading is
 * thread-safe and happens once per process.
 *
 * When a library cannot be loaded (an image without it), the functions
 * fail and rt_dl_error() says why: rt_curl() returns NULL, rt_sha256 and
 * rt_hmac_sha256 return CC_ERR. */
#ifndef RT_DL_H
#define RT_DL_H
#include <stddef.h>

#include <curl/curl.h>

/* The libcurl functions the runtime uses, with libcurl's signatures. */
typedef struct rt_curl_api {
  CURL *(*easy_init)(void);
  void (*easy_cleanup)(CURL *h);
  void (*easy_reset)(CURL *h);
  CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
  CURLcode (*easy_perform)(CURL *h);
  CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
  const char *(*easy_strerror)(CURLcode code);
  struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
  void (*slist_free_all)(struct curl_slist *list);
} rt_curl_api;

/* libcurl, opened and curl_global_init'ed on the first call; NULL when it
 * cannot be (see rt_dl_error). The table lives until exit. */
const rt_curl_api *rt_curl(void);

/* curl_global_cleanup when libcurl was loaded; nothing otherwise. Call
 * once, at exit, with no handle left. */
void rt_curl_cleanup(void);

/* SHA-256 of data (len bytes; data may be NULL when len is 0) and
 * HMAC-SHA256 of msg under key, through libcrypto. CC_OK, or CC_ERR when
 * libcrypto cannot be loaded. */
int rt_sha256(unsigned char out[32], const void *data, size_t len);
int rt_hmac_sha256(unsigned char out[32], const void *key, size_t klen, const void *msg,
                   size_t len);

/* Why the last load failed ("" when none did). */
const char *rt_dl_error(void);
#endif
