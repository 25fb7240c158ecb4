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

/* A filter the embedder adds (e.g. the generator's HCL quoting). FN gets
 * the filter's input IN (borrowed; NULL when undefined) and its positional
 * arguments ARGS (NARGS of them, borrowed; NULL for an undefined one) and
 * sets *OUT to a new reference; setting *SAFE marks a string result as
 * Markup (not escaped again under autoescape). On failure it returns a
 * cc/err.h code (CC_EINVAL, CC_ENOMEM) with a one-line message in ERR
 * (ERRLEN bytes), which becomes the render error. Keyword arguments are
 * a render error. UD is passed through untouched. */
typedef struct cc_tpl_filter {
  const char *name;
  int (*fn)(void *ud, const json_t *in, const json_t *const *args, size_t nargs, json_t **out, int *safe,
            char *err, size_t errlen);
  void *ud;
} cc_tpl_filter;


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

/* A loader callback: the source of the template NAME (as written in an
 * include, import, from or extends tag) into *SRC (malloc'd; the engine
 * frees it) and *LEN. Returns CC_OK; CC_ENOTFOUND when there is no such
 * template; another code on a failure (reported as not loadable). */
typedef int (*cc_tpl_load_fn)(void *data, const char *name, char **src, size_t *len);

typedef struct cc_tpl_opts {
  int autoescape;        /* CC_TPL_AUTOESCAPE_*; BY_NAME: on for .html .htm .xml (any case) */
  int strict;            /* nonzero: any use of an undefined value is an error */
  size_t max_output;     /* bytes; 0 = 16 MiB */
  size_t max_iterations; /* loop iterations, macro calls, includes, imports and
                            blocks per render, all together; 0 = 1,000,000 */
  int max_depth;         /* nesting of blocks and expressions; 0 = 64 */
  /* The loader of include/import/from/extends. With neither set the
   * template has none and such a tag is a compile error (templates given
   * inline have no folder). ROOT: a folder, NAME is read from ROOT/NAME
   * (a name with a ".." part is not found, as with Jinja2's
   * FileSystemLoader); borrowed, copied by cc_tpl_compile. LOAD: a
   * callback, used instead of ROOT when set; LOAD_DATA is borrowed and
   * must outlive the template (a name that is not a literal is loaded
   * when the render reaches it, on the rendering thread: renders that
   * share a template may call LOAD at the same time). */
  const char *root;
  cc_tpl_load_fn load;
  void *load_data;
  /* The embedder's filters, found before the built-ins of the same name.
   * Borrowed: the array and what it points to must outlive every template
   * compiled with these options. */
  const cc_tpl_filter *filters;
  size_t nfilters;
} cc_tpl_opts;

/* Fills OPTS with the defaults (autoescape by name, not strict, no extra
 * filters). */
void cc_tpl_opts_default(cc_tpl_opts *opts);

/* Compiles SRC (LEN bytes, UTF-8) into *OUT. With a loader, the templates
 * it names by literal strings (include 'x', import, from, extends) are
 * loaded and compiled too, recursively; one that is missing or has a
 * syntax error is an error only when a render reaches it, as in Jinja2
 * (cc_tpl_check_refs reports them at once). NAME names the template in
 * diagnostics and picks autoescape; OPTS may be NULL for the defaults.
 * Returns CC_OK; or CC_EINVAL with every syntax error added to DIAGS
 * (NAME:LINE:COL; an unknown filter or test outside a conditional branch
 * is one, at its name, as in Jinja2); or CC_ENOMEM. The caller frees *OUT with cc_tpl_free. */
int cc_tpl_compile(cc_tpl **out, const char *name, const char *src, size_t len,
                   const cc_tpl_opts *opts, cc_diags *diags);

/* Renders T with CTX (a JSON object, borrowed; NULL is an empty context),
 * appending to OUT. Returns CC_OK; or CC_EINVAL (a render error: undefined
 * in strict mode, a bad operand, an unknown filter) or CC_ELIMIT (a limit
 * of the options was exceeded), with one error added to DIAGS carrying the
 * position of the expression that failed; or CC_ENOMEM. On an error OUT
 * may hold a partial result, which the caller discards. */
int cc_tpl_render(const cc_tpl *t, const json_t *ctx, cc_buf *out, cc_diags *diags);

/* Adds to DIAGS an error for each problem of the templates T reaches:
 * a missing template (at the tag that names it; not for an include that
 * ignores missing templates or names a list of them), a template that does not
 * compile (its own errors), and, with NONLITERAL_IS_ERROR, a name that is
 * not a literal string (at the expression: such templates can't be found
 * statically). Returns the number of errors added. */
int cc_tpl_check_refs(const cc_tpl *t, int nonliteral_is_error, cc_diags *diags);
/* Calls FN(DATA, NAME) for every template T reaches by a literal name
 * (found and compiled), in the order they were first named; stops at and
 * returns FN's first nonzero result. */
int cc_tpl_each_ref(const cc_tpl *t, int (*fn)(void *data, const char *name), void *data);
/* Frees T. cc_tpl_free(NULL) is a no-op. */
void cc_tpl_free(cc_tpl *t);

#endif
