/* fuzz_template: compiles and renders arbitrary templates.
 *
 * Input: the first line is a JSON object of variables (when it parses);
 * the rest is the template. Renders twice, once strict and autoescaped,
 * with small limits so runaway loops end quickly. An embedder's filter `q`
 * is registered, as the generator registers its own. The template may be
 * followed by more templates for include, import, from and extends, each
 * after a line "--- file NAME"; the loader finds them (and the main one
 * as "fuzz.txt", so a template can include itself). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* q(x[, ...]): str(x) in quotes; an error for anything but a string. */
static int S_q(void *ud, const json_t *in, const json_t *const *args, size_t nargs, json_t **out, int *safe, char *err,
               size_t errlen) {
  (void)ud;
  (void)args;
  if (!in || !json_is_string(in)) {
    snprintf(err, errlen, "q() needs a string (%zu arguments)", nargs);
    return CC_EINVAL;
  }
  *out = json_sprintf("\"%s\"", json_string_value(in));
  *safe = nargs > 0;
  return *out ? CC_OK : CC_ENOMEM;
}

/* The input's templates: NAME and text, pointing into the input. */
typedef struct S_file {
  const char *name, *text;
  size_t nlen, len;
} S_file;
typedef struct S_files {
  S_file v[8];
  int n;
} S_files;

static int S_load(void *data, const char *name, char **src, size_t *len) {
  const S_files *f = data;
  for (int i = 0; i < f->n; i++)
    if (strlen(name) == f->v[i].nlen && !memcmp(name, f->v[i].name, f->v[i].nlen)) {
      if (!(*src = malloc(f->v[i].len + 1))) return CC_ENOMEM;
      memcpy(*src, f->v[i].text, f->v[i].len);
      (*src)[f->v[i].len] = 0;
      *len = f->v[i].len;
      return CC_OK;
    }
  return CC_ENOTFOUND;
}

/* Splits S at the "\n--- file NAME\n" lines: *SIZE becomes the main
 * template's length. */
static void S_split(S_files *f, const char *s, size_t *size) {
  static const char mark[] = "\n--- file ";
  size_t n = *size, i = 0, start = 0;
  const char *name = "fuzz.txt";
  size_t nlen = 8;
  f->n = 0;
  for (;;) {
    const char *m = NULL;
    for (size_t k = i; k + sizeof mark - 1 <= n; k++)
      if (!memcmp(s + k, mark, sizeof mark - 1)) {
        m = s + k;
        break;
      }
    size_t end = m ? (size_t)(m - s) : n;
    if (f->n < 8) f->v[f->n++] = (S_file){name, s + start, nlen, end - start};
    if (f->n == 1) *size = end;
    if (!m) break;
    const char *nm = m + sizeof mark - 1, *eol = memchr(nm, '\n', n - (size_t)(nm - s));
    if (!eol) break;
    name = nm;
    nlen = (size_t)(eol - nm);
    start = i = (size_t)(eol + 1 - s);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  const char *nl = memchr(s, '\n', size);
  json_t *ctx = NULL;
  if (nl) {
    ctx = json_loadb(s, (size_t)(nl - s), 0, NULL);
    if (ctx && !json_is_object(ctx)) {
      json_decref(ctx);
      ctx = NULL;
    }
    if (ctx) {
      size -= (size_t)(nl + 1 - s);
      s = nl + 1;
    }
  }
  S_files files;
  S_split(&files, s, &size);
  for (int pass = 0; pass < 2; pass++) {
    cc_tpl_opts o;
    cc_tpl_opts_default(&o);
    o.strict = pass;
    o.autoescape = pass ? CC_TPL_AUTOESCAPE_ON : CC_TPL_AUTOESCAPE_OFF;
    o.max_output = 1 << 16;
    o.max_iterations = 10000;
    o.max_depth = 32;
    static const cc_tpl_filter extra[] = {{"q", S_q, NULL}};
    o.filters = extra;
    o.nfilters = 1;
    o.load = S_load;
    o.load_data = &files;
    cc_diags d;
    cc_diags_init(&d);
    cc_tpl *t = NULL;
    if (cc_tpl_compile(&t, "fuzz.txt", s, size, &o, &d) == 0) {
      cc_buf out = CC_BUF_INIT;
      cc_tpl_render(t, ctx, &out, &d);
      cc_buf_free(&out);
    }
    cc_tpl_free(t);
    cc_diags_free(&d);
  }
  json_decref(ctx);
  return 0;
}
