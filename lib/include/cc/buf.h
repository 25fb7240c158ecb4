/* cc/buf.h: growable byte buffers with a hard ceiling (after curl's dynbuf).
 *
 * A cc_buf owns its memory. Its contents are always NUL-terminated once
 * anything was added, so ptr can be used as a C string. Appending past
 * `max` bytes fails with CC_ETOOBIG and leaves the buffer as it was. */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cc_buf {
  char *ptr;  /* NULL until the first append */
  size_t len; /* bytes in use, not counting the NUL */
  size_t cap; /* bytes allocated */
  size_t max; /* ceiling on len */
} cc_buf;

#define CC_BUF_DEFAULT_MAX ((size_t)256 << 20)
#define CC_BUF_INIT {NULL, 0, 0, CC_BUF_DEFAULT_MAX}

void cc_buf_init(cc_buf *b, size_t max);
/* Each append returns CC_OK, CC_ENOMEM or CC_ETOOBIG. */
int cc_buf_add(cc_buf *b, const void *data, size_t len);
int cc_buf_puts(cc_buf *b, const char *s);
int cc_buf_putc(cc_buf *b, char c);
int cc_buf_printf(cc_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cc_buf_vprintf(cc_buf *b, const char *fmt, va_list ap);
/* Error text, the one way the runtime hands it back: a function that can
 * fail with a message takes `cc_buf *err`; the
 * caller owns the buffer (CC_BUF_INIT, cc_buf_free after) and may pass
 * NULL when it wants no text; on failure the callee sets it with this,
 * replacing what was there. Best effort: a message that cannot be
 * allocated leaves b empty (the return code still says what failed). */
void cc_buf_seterr(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents (never NULL: "" for an empty buffer, malloc'd) and
 * leaves the buffer empty; the caller frees the result. NULL on ENOMEM. */
char *cc_buf_detach(cc_buf *b);
/* The contents as a C string, "" when empty; borrowed. */
const char *cc_buf_str(const cc_buf *b);
void cc_buf_truncate(cc_buf *b, size_t len);
/* Frees the memory; the buffer may be reused. cc_buf_free(NULL) is a no-op. */
void cc_buf_free(cc_buf *b);

#endif
