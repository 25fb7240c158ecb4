/* cc/template.h: a Jinja2-compatible template engine (Jinja2 3.1 default
 * Environment semantics: no trim_blocks, no lstrip_blocks, one trailing
 * newline dropped).
 *
 * A template is compiled once and rendered many times; a compiled template
 * is immutable, so several renders may share it. The rendering context is a
 * jansson object (borrowed: the engine takes no reference it keeps).
 * Positions in diagnostics are relative to the template text: line 1,
 * column 1 is its first character; the file name is the template's NAME. */
#ifndef CC_TEMPLATE_H
#define CC_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>

#include "cc/buf.h"
#include "cc/diag.h"

typedef struct cc_tpl cc_tpl;

/* MARKDOWN: every printed value that is not marked safe (|safe, Markup) is
 * escaped for CommonMark instead of HTML: a backslash before each ASCII
 * punctuation character, so the value reads as literal text once the
 * Markdown is rendered (Jinja2 with finalize doing the same). */
enum {
  CC_TPL_AUTOESCAPE_BY_NAME = -1,
  CC_TPL_AUTOESCAPE_OFF = 0,
  CC_TPL_AUTOESCAPE_ON = 1,
  CC_TPL_AUTOESCAPE_MARKDOWN = 2
};

typedef struct cc_tpl_opts {
  int autoescape;        /* CC_TPL_AUTOESCAPE_*; BY_NAME: on for .html .htm .xml (any case) */
  int strict;            /* nonzero: any use of an undefined value is an error */
  size_t max_output;     /* bytes; 0 = 16 MiB */
  size_t max_iterations; /* loop iterations per render, all loops; 0 = 1,000,000 */
  int max_depth;         /* nesting of blocks and expressions; 0 = 64 */
} cc_tpl_opts;

/* Fills OPTS with the defaults (autoescape by name, not strict). */
void cc_tpl_opts_default(cc_tpl_opts *opts);

/* Compiles SRC (LEN bytes, UTF-8) into *OUT. NAME names the template in
 * diagnostics and picks autoescape; OPTS may be NULL for the defaults.
 * Returns CC_OK; or CC_EINVAL with every syntax error added to DIAGS
 * (NAME:LINE:COL); or CC_ENOMEM. The caller frees *OUT with cc_tpl_free. */
int cc_tpl_compile(cc_tpl **out, const char *name, const char *src, size_t len,
                   const cc_tpl_opts *opts, cc_diags *diags);

/* Renders T with CTX (a JSON object, borrowed; NULL is an empty context),
 * appending to OUT. Returns CC_OK; or CC_EINVAL (a render error: undefined
 * in strict mode, a bad operand, an unknown filter) or CC_ELIMIT (a limit
 * of the options was exceeded), with one error added to DIAGS carrying the
 * position of the expression that failed; or CC_ENOMEM. On an error OUT
 * may hold a partial result, which the caller discards. */
int cc_tpl_render(const cc_tpl *t, const json_t *ctx, cc_buf *out, cc_diags *diags);

/* Frees T. cc_tpl_free(NULL) is a no-op. */
void cc_tpl_free(cc_tpl *t);

#endif
