/* cc/buf.h: growable byte buffers with a hard ceiling (after curl's dynbuf).
 *
 * A cc_buf owns its memory. Its contents are always NUL-terminated once
 * anything was added, so ptr can be used as a C string. Appending past
 * `max` bytes fails with CC_ETOOBIG and leaves the buffer as it was.
 *
 * A failure sticks (as libgit2's git_str_oom): after an append failed,
 * every later append fails at once with the same code and changes
 * nothing, and cc_buf_failed says so. So a long run of appends may keep
 * going and be checked once, at its end, with cc_buf_failed (or with the
 * code of its last append). The appends are CC_WUR: a caller uses each
 * code, or writes the run through the cc_buf_emit* forms, which return
 * nothing and leave the check to cc_buf_failed. */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cc_buf {
  char *ptr;  /* NULL until the first append */
  size_t len; /* bytes in use, not counting the NUL */
  size_t cap; /* bytes allocated */
  size_t max; /* ceiling on len */
  int failed; /* 0, or the code of the first append that failed (sticky) */
} cc_buf;

/* Marks a function whose result must be used. */
#if defined(__GNUC__)
#define CC_WUR __attribute__((warn_unused_result))
#else
#define CC_WUR
#endif

#define CC_BUF_DEFAULT_MAX ((size_t)256 << 20)
#define CC_BUF_INIT {NULL, 0, 0, CC_BUF_DEFAULT_MAX, 0}

void cc_buf_init(cc_buf *b, size_t max);
/* Each append returns CC_OK, CC_ENOMEM or CC_ETOOBIG (the buffer's
 * failure, when an earlier append failed); cc_buf_vprintf also CC_EINVAL
 * for a format vsnprintf refuses. */
CC_WUR int cc_buf_add(cc_buf *b, const void *data, size_t len);
CC_WUR int cc_buf_puts(cc_buf *b, const char *s);
CC_WUR int cc_buf_putc(cc_buf *b, char c);
CC_WUR int cc_buf_printf(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
CC_WUR int cc_buf_vprintf(cc_buf *b, const char *fmt, va_list ap);
/* 0 when every append so far succeeded, else the first failure's code. */
int cc_buf_failed(const cc_buf *b);
/* The same appends for a run checked once at its end (cc_buf_failed):
 * they return nothing; a failure sticks in b. */
void cc_buf_emit(cc_buf *b, const char *s);
void cc_buf_emitn(cc_buf *b, const void *data, size_t len);
void cc_buf_emitc(cc_buf *b, char c);
void cc_buf_emitf(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Error text, the one way the runtime hands it back: a function that can
 * fail with a message takes `cc_buf *err`; the
 * caller owns the buffer (CC_BUF_INIT, cc_buf_free after) and may pass
 * NULL when it wants no text; on failure the callee sets it with this,
 * replacing what was there. Best effort: a message that cannot be
 * allocated leaves b empty (the return code still says what failed). */
void cc_buf_seterr(cc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents (never NULL: "" for an empty buffer, malloc'd) and
 * leaves the buffer empty, its failure cleared; the caller frees the
 * result. NULL on ENOMEM. Check cc_buf_failed first: the contents of a
 * failed buffer are only what came before the failure. */
char *cc_buf_detach(cc_buf *b);
/* The contents as a C string, "" when empty; borrowed. */
const char *cc_buf_str(const cc_buf *b);
/* Cuts the contents to len bytes (nothing when they are shorter). To 0,
 * the buffer starts over: its failure is cleared too. */
void cc_buf_truncate(cc_buf *b, size_t len);
/* Frees the memory and clears the failure; the buffer may be reused.
 * cc_buf_free(NULL) is a no-op. */
void cc_buf_free(cc_buf *b);

#endif
