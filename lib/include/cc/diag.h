/* cc/diag.h: diagnostics with source positions, printed like a compiler.
 *
 *   spec.yaml:12:5: error: unknown key `timout`; did you mean `timeout`?
 *      12 |     timout: 60
 *         |     ^
 *
 * A cc_diags collects every diagnostic of a run (lemon keeps going and
 * reports all). Lines and columns are 1-based; columns count Unicode code
 * points, as libyaml does; line 0 means "no position". */
#ifndef CC_DIAG_H
#define CC_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { CC_DIAG_ERROR, CC_DIAG_WARNING, CC_DIAG_NOTE } cc_diag_level;

typedef struct cc_diag {
  cc_diag_level level;
  char *file; /* owned */
  int line, col;
  char *msg;  /* owned */
} cc_diag;

typedef struct cc_diag_source {
  char *file; /* owned */
  char *text; /* owned copy */
  size_t len;
} cc_diag_source;

typedef struct cc_diags {
  cc_diag *items;
  size_t n, cap;
  cc_diag_source *sources;
  size_t nsources;
  size_t nerrors;
  size_t max; /* stop recording after this many (0 = 1000) */
  size_t warnings_dropped; /* warnings past MAX, counted for the summary */
} cc_diags;

void cc_diags_init(cc_diags *d);
/* Frees everything D owns. cc_diags_free(NULL) is a no-op. */
void cc_diags_free(cc_diags *d);

/* Registers FILE's text (copied) so printed diagnostics show the source
 * line. Returns CC_OK or CC_ENOMEM. Registering a file twice replaces it. */
int cc_diags_source(cc_diags *d, const char *file, const char *text, size_t len);

/* Records a diagnostic; the message is printf-formatted. Allocation failure
 * is counted but not recorded (nerrors still grows for an error). */
void cc_diags_add(cc_diags *d, cc_diag_level level, const char *file, int line,
                  int col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void cc_diags_vadd(cc_diags *d, cc_diag_level level, const char *file, int line,
                   int col, const char *fmt, va_list ap);
#define cc_diags_error(d, file, line, col, ...) \
  cc_diags_add((d), CC_DIAG_ERROR, (file), (line), (col), __VA_ARGS__)

/* Sorts stably by file (first-seen order), line, then column. */
void cc_diags_sort(cc_diags *d);

/* Prints every diagnostic to OUT, each with its source line and a caret
 * when the source was registered. */
void cc_diags_print(const cc_diags *d, FILE *out);

#endif
