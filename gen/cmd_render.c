/* cloudcron render: renders a template with JSON variables, as a channel
 * would, so a user can see the bytes before deploying. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/file.h"
#include "cc/template.h"
#include "cli.h"
#include "json_arena.h"

static const char S_help[] =
    "usage: cloudcron render TEMPLATE --vars FILE.json [--autoescape on|off] [--strict]\n"
    "\n"
    "Renders a Jinja2 template (Jinja2 3.1 semantics) with the variables of a\n"
    "JSON object and prints the result. `-` reads the template or the\n"
    "variables from standard input (not both). include, import, from and\n"
    "extends find templates in TEMPLATE's folder (not with `-`).\n"
    "\n"
    "  --vars FILE.json     the variables: a JSON object\n"
    "  --autoescape on|off  HTML-escape printed values (default: on for\n"
    "                       .html, .htm and .xml templates)\n"
    "  --strict             any use of an undefined variable is an error\n"
    "\n"
    "Exit status: 0 success, 1 a template or variables error, 2 usage.\n";

#define S_MAX_INPUT ((size_t)64 << 20)

static int S_read(const char *path, char **text, size_t *len) {
  if (strcmp(path, "-") != 0) return cc_file_read(text, len, path, S_MAX_INPUT);
  cc_buf b = CC_BUF_INIT;
  char chunk[65536];
  size_t n;
  int rc = CC_OK;
  cc_buf_init(&b, S_MAX_INPUT);
  while (rc == CC_OK && (n = fread(chunk, 1, sizeof chunk, stdin)) > 0) rc = cc_buf_add(&b, chunk, n);
  if (rc == CC_OK && ferror(stdin)) rc = CC_EIO;
  *len = b.len;
  if (rc == CC_OK && !(*text = cc_buf_detach(&b))) rc = CC_ENOMEM;
  cc_buf_free(&b);
  return rc;
}

int gen_cmd_render(int argc, char **argv) {
  const char *tpath = NULL, *vpath = NULL;
  cc_tpl_opts opts;
  cc_tpl_opts_default(&opts);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (gen_is_help(a)) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    }
    if (!strcmp(a, "--vars")) {
      if (++i >= argc) return gen_usage_error("render", "--vars needs a file");
      vpath = argv[i];
    } else if (!strcmp(a, "--autoescape")) {
      if (++i >= argc) return gen_usage_error("render", "--autoescape needs on or off");
      if (!strcmp(argv[i], "on")) opts.autoescape = CC_TPL_AUTOESCAPE_ON;
      else if (!strcmp(argv[i], "off")) opts.autoescape = CC_TPL_AUTOESCAPE_OFF;
      else return gen_usage_error("render", "--autoescape takes on or off, not `%s`", argv[i]);
    } else if (!strcmp(a, "--strict")) {
      opts.strict = 1;
    } else if (a[0] == '-' && a[1]) {
      return gen_usage_error("render", "unknown option `%s`", a);
    } else if (!tpath) {
      tpath = a;
    } else {
      return gen_usage_error("render", "unexpected argument `%s`", a);
    }
  }
  if (!tpath) return gen_usage_error("render", "a TEMPLATE is required");
  if (!vpath) return gen_usage_error("render", "--vars FILE.json is required");
  if (!strcmp(tpath, "-") && !strcmp(vpath, "-"))
    return gen_usage_error("render", "only one of TEMPLATE and --vars can be `-`");

  int status = GEN_EXIT_FAIL, rc;
  char *src = NULL, *vars = NULL;
  size_t slen = 0, vlen = 0;
  json_t *ctx = NULL;
  cc_tpl *t = NULL;
  cc_buf out = CC_BUF_INIT;
  cc_diags diags;
  cc_diags_init(&diags);
  const char *tname = strcmp(tpath, "-") ? tpath : "<stdin>";

  if ((rc = S_read(tpath, &src, &slen))) {
    fprintf(stderr, "cloudcron render: %s: %s\n", tname, cc_file_strerror(rc));
    goto out;
  }
  if ((rc = S_read(vpath, &vars, &vlen))) {
    fprintf(stderr, "cloudcron render: %s: %s\n", strcmp(vpath, "-") ? vpath : "<stdin>", cc_file_strerror(rc));
    goto out;
  }
  json_error_t jerr;
  /* The variables live until the command ends: one block for all of their
   * values (jansson takes about 7 bytes for each byte of JSON text). */
  (void)gen_json_arena_begin(vlen * 8 + 4096);
  ctx = json_loadb(vars, vlen, 0, &jerr);
  gen_json_arena_stop();
  if (!ctx || !json_is_object(ctx)) {
    const char *vname = strcmp(vpath, "-") ? vpath : "<stdin>";
    if (!ctx) fprintf(stderr, "%s:%d:%d: error: %s\n", vname, jerr.line, jerr.column, jerr.text);
    else fprintf(stderr, "%s: error: the variables must be a JSON object\n", vname);
    goto out;
  }
  cc_diags_source(&diags, tname, src, slen);
  /* The loader's root: the template's folder. */
  char *folder = NULL;
  if (strcmp(tpath, "-")) {
    const char *slash = strrchr(tpath, '/');
    folder = slash ? strndup(tpath, (size_t)(slash - tpath) + (slash == tpath)) : strdup(".");
    if (!folder) {
      fprintf(stderr, "cloudcron render: out of memory\n");
      goto out;
    }
    opts.root = folder;
  }
  if (cc_tpl_compile(&t, tname, src, slen, &opts, &diags) == CC_OK &&
      cc_tpl_render(t, ctx, &out, &diags) == CC_OK) {
    fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
    status = fflush(stdout) ? GEN_EXIT_FAIL : GEN_EXIT_OK;
  } else {
    cc_diags_print(&diags, stderr);
  }
  free(folder);
out:
  cc_tpl_free(t);
  json_decref(ctx);
  gen_json_arena_end();
  cc_buf_free(&out);
  cc_diags_free(&diags);
  free(src);
  free(vars);
  return status;
}
