/* buf.c: growable byte buffers with a ceiling and a sticky failure. */
#include "cc/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

void cc_buf_init(cc_buf *b, size_t max) {
  b->ptr = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : CC_BUF_DEFAULT_MAX;
  b->failed = 0;
}

/* Room for extra more bytes; a failure is recorded and sticks. */
static int S_grow(cc_buf *b, size_t extra) {
  if (b->failed) return b->failed;
  if (extra > b->max - b->len) return b->failed = CC_ETOOBIG;
  size_t need = b->len + extra + 1;
  if (need <= b->cap) return CC_OK;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->ptr, cap);
  if (!p) return b->failed = CC_ENOMEM;
  b->ptr = p;
  b->cap = cap;
  return CC_OK;
}

int cc_buf_failed(const cc_buf *b) { return b->failed; }

int cc_buf_add(cc_buf *b, const void *data, size_t len) {
  int rc = S_grow(b, len);
  if (rc) return rc;
  if (len) memcpy(b->ptr + b->len, data, len);
  b->len += len;
  b->ptr[b->len] = '\0';
  return CC_OK;
}

int cc_buf_puts(cc_buf *b, const char *s) { return cc_buf_add(b, s, strlen(s)); }

int cc_buf_putc(cc_buf *b, char c) { return cc_buf_add(b, &c, 1); }

int cc_buf_vprintf(cc_buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = b->failed ? 0 : vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return b->failed = CC_EINVAL;
  int rc = S_grow(b, (size_t)n);
  if (rc) return rc;
  vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
  return CC_OK;
}

int cc_buf_printf(cc_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = cc_buf_vprintf(b, fmt, ap);
  va_end(ap);
  return rc;
}

void cc_buf_seterr(cc_buf *b, const char *fmt, ...) {
  va_list ap;
  if (!b) return;
  cc_buf_truncate(b, 0);
  va_start(ap, fmt);
  if (cc_buf_vprintf(b, fmt, ap) != CC_OK) cc_buf_truncate(b, 0); /* best effort */
  va_end(ap);
}

void cc_buf_emit(cc_buf *b, const char *s) {
  if (cc_buf_puts(b, s) != CC_OK) return; /* sticks in b */
}

void cc_buf_emitn(cc_buf *b, const void *data, size_t len) {
  if (cc_buf_add(b, data, len) != CC_OK) return; /* sticks in b */
}

void cc_buf_emitc(cc_buf *b, char c) {
  if (cc_buf_putc(b, c) != CC_OK) return; /* sticks in b */
}

void cc_buf_emitf(cc_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (cc_buf_vprintf(b, fmt, ap) != CC_OK) {
    /* sticks in b */
  }
  va_end(ap);
}

char *cc_buf_detach(cc_buf *b) {
  char *p = b->ptr;
  if (!p) p = calloc(1, 1);
  b->ptr = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
  return p;
}

const char *cc_buf_str(const cc_buf *b) { return b->ptr ? b->ptr : ""; }

void cc_buf_truncate(cc_buf *b, size_t len) {
  if (len == 0) b->failed = 0;
  if (b->ptr && len < b->len) {
    b->len = len;
    b->ptr[len] = '\0';
  }
}

void cc_buf_free(cc_buf *b) {
  if (!b) return;
  free(b->ptr);
  b->ptr = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}
