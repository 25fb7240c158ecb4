/* fuzz_template: compiles and renders arbitrary templates.
 *
 * Input: the first line is a JSON object of variables (when it parses);
 * the rest is the template. Renders twice, once strict and autoescaped,
 * with small limits so runaway loops end quickly. An embedder's filter `q`
 * is registered, as the generator registers its own. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
