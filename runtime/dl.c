/* dl.c: libcurl and libcrypto, opened on first use (see dl.h). */
#include "dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cc/err.h"

#define S_CURL_SONAME "libcurl.so.4"
#define S_CRYPTO_SONAME "libcrypto.so.3"

static char S_error[256];

static void S_fail(const char *what) {
  const char *why = dlerror();
  snprintf(S_error, sizeof S_error, "cannot load %s: %s", what, why ? why : "unknown error");
}

/* dlsym into a function pointer (ISO C forbids the direct cast). */
static int S_sym(void *lib, const char *name, void *fnptr, size_t size) {
  void *p = dlsym(lib, name);
  if (!p) return 0;
  memcpy(fnptr, &p, size);
  return 1;
}
#define S_SYM(lib, name, field) S_sym(lib, name, &(field), sizeof(field))

/* ---- libcurl ---- */

static rt_curl_api S_curl_api;
static int S_curl_ok;
static pthread_once_t S_curl_once = PTHREAD_ONCE_INIT;
static CURLcode (*S_global_init)(long flags);
static void (*S_global_cleanup)(void);

static void S_curl_load(void) {
  void *lib = dlopen(S_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    S_fail(S_CURL_SONAME);
    return;
  }
  rt_curl_api *a = &S_curl_api;
  int ok = S_SYM(lib, "curl_easy_init", a->easy_init) && S_SYM(lib, "curl_easy_cleanup", a->easy_cleanup) &&
           S_SYM(lib, "curl_easy_reset", a->easy_reset) && S_SYM(lib, "curl_easy_setopt", a->easy_setopt) &&
           S_SYM(lib, "curl_easy_perform", a->easy_perform) && S_SYM(lib, "curl_easy_getinfo", a->easy_getinfo) &&
           S_SYM(lib, "curl_easy_strerror", a->easy_strerror) &&
           S_SYM(lib, "curl_slist_append", a->slist_append) &&
           S_SYM(lib, "curl_slist_free_all", a->slist_free_all) &&
           S_SYM(lib, "curl_global_init", S_global_init) && S_SYM(lib, "curl_global_cleanup", S_global_cleanup);
  if (!ok) {
    S_fail(S_CURL_SONAME " (a symbol is missing)");
    return; /* the library stays open: dlclose gains nothing at this point */
  }
  if (S_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(S_error, sizeof S_error, "curl_global_init failed");
    return;
  }
  S_curl_ok = 1;
}

const rt_curl_api *rt_curl(void) {
  pthread_once(&S_curl_once, S_curl_load);
  return S_curl_ok ? &S_curl_api : NULL;
}

void rt_curl_cleanup(void) {
  if (S_curl_ok) S_global_cleanup();
}

/* ---- libcrypto ---- */

typedef struct evp_md_st S_md;
static const S_md *(*S_evp_sha256)(void);
static unsigned char *(*S_sha256)(const unsigned char *d, size_t n, unsigned char *md);
static unsigned char *(*S_hmac)(const S_md *md, const void *key, int klen, const unsigned char *d, size_t n,
                                unsigned char *out, unsigned int *outlen);
static int S_crypto_ok;
static pthread_once_t S_crypto_once = PTHREAD_ONCE_INIT;

static void S_crypto_load(void) {
  void *lib = dlopen(S_CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    S_fail(S_CRYPTO_SONAME);
    return;
  }
  if (!S_SYM(lib, "EVP_sha256", S_evp_sha256) || !S_SYM(lib, "SHA256", S_sha256) || !S_SYM(lib, "HMAC", S_hmac)) {
    S_fail(S_CRYPTO_SONAME " (a symbol is missing)");
    return;
  }
  S_crypto_ok = 1;
}

int rt_sha256(unsigned char out[32], const void *data, size_t len) {
  pthread_once(&S_crypto_once, S_crypto_load);
  if (!S_crypto_ok) return CC_ERR;
  static const unsigned char none[1];
  return S_sha256(data ? data : none, len, out) ? CC_OK : CC_ERR;
}

int rt_hmac_sha256(unsigned char out[32], const void *key, size_t klen, const void *msg, size_t len) {
  pthread_once(&S_crypto_once, S_crypto_load);
  if (!S_crypto_ok || klen > 0x7fffffff) return CC_ERR;
  unsigned int n = 32;
  static const unsigned char none[1];
  return S_hmac(S_evp_sha256(), key, (int)klen, msg ? msg : none, len, out, &n) && n == 32 ? CC_OK : CC_ERR;
}

const char *rt_dl_error(void) { return S_error; }
