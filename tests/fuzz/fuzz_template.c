/* fuzz_template: compiles and renders arbitrary templates.
 *
 * Input: the first line is a JSON object of variables (when it parses);
 * the rest is the template. Renders twice, once strict and autoescaped,
 * with small limits so runaway loops end quickly. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
