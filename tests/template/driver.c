/* driver.c: renders every case of a JSON-lines stream through the engine
 * in one process (so the valgrind pass stays fast).
 *
 * Input, one object a line: {"tpl": "...", "vars": {...}, "name": "x.txt",
 * "strict": bool, "markdown": bool
 * (CC_TPL_AUTOESCAPE_MARKDOWN), "files": {"NAME": "source", ...}}; the files are what
 * the case's loader finds (include, import, extends). Output, one object a
 * line: {"ok": true, "out": "..."} or {"ok": false, "phase": "compile" or
 * "render", "err": "NAME:LINE:COL: message"}. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/template.h"

/* The loader: the case's "files". */
static int S_load(void *data, const char *name, char **src, size_t *len) {
  json_t *f = json_object_get((json_t *)data, name);
  if (!json_is_string(f)) return CC_ENOTFOUND;
  *len = json_string_length(f);
  if (!(*src = malloc(*len + 1))) return CC_ENOMEM;
  memcpy(*src, json_string_value(f), *len + 1);
  return CC_OK;
}

int main(void) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int status = 0;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    json_error_t jerr;
    json_t *c = json_loadb(line, (size_t)n, 0, &jerr), *res = NULL;
    if (!c) {
      fprintf(stderr, "driver: bad case line: %s\n", jerr.text);
      status = 2;
      break;
    }
    const char *tpl = json_string_value(json_object_get(c, "tpl"));
    const char *name = json_string_value(json_object_get(c, "name"));
    cc_tpl_opts opts;
    cc_tpl_opts_default(&opts);
    opts.strict = json_is_true(json_object_get(c, "strict"));
    json_t *files = json_object_get(c, "files");
    if (!json_is_object(files)) files = NULL;
    opts.load = S_load;
    opts.load_data = files; /* NULL: nothing to find */
    if (json_is_true(json_object_get(c, "markdown"))) opts.autoescape = CC_TPL_AUTOESCAPE_MARKDOWN;
    cc_diags d;
    cc_diags_init(&d);
    cc_buf out = CC_BUF_INIT;
    cc_tpl *t = NULL;
    int rc = cc_tpl_compile(&t, name ? name : "case.txt", tpl ? tpl : "", tpl ? json_string_length(json_object_get(c, "tpl")) : 0,
                            &opts, &d);
    const char *phase = "compile";
    if (rc == CC_OK) {
      phase = "render";
      rc = cc_tpl_render(t, json_object_get(c, "vars"), &out, &d);
    }
    if (rc == CC_OK) {
      res = json_pack("{sbss#}", "ok", 1, "out", out.ptr ? out.ptr : "", (int)out.len);
    } else {
      char msg[512] = "error without a diagnostic";
      if (d.n) snprintf(msg, sizeof msg, "%s:%d:%d: %s", d.items[0].file, d.items[0].line, d.items[0].col, d.items[0].msg);
      res = json_pack("{sbssss}", "ok", 0, "phase", phase, "err", msg);
    }
    char *s = res ? json_dumps(res, JSON_COMPACT) : NULL;
    if (!s) {
      status = 2;
    } else {
      puts(s);
      free(s);
    }
    json_decref(res);
    cc_tpl_free(t);
    cc_buf_free(&out);
    cc_diags_free(&d);
    json_decref(c);
  }
  free(line);
  return status;
}
