/* template.c: the public API (cc/template.h) over lexer, parser and
 * evaluator. */
#include "cc/template.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc/err.h"
#include "eval.h"
#include "lexer.h"
#include "parser.h"

struct cc_tpl {
  char *name; /* owned */
  char *src;  /* owned copy: tokens and text nodes point into it */
  size_t len;
  tpl_ast ast;
  cc_tpl_opts opts;
  int autoescape; /* resolved */
  int md_escape;  /* CC_TPL_AUTOESCAPE_MARKDOWN */
};

void cc_tpl_opts_default(cc_tpl_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->autoescape = CC_TPL_AUTOESCAPE_BY_NAME;
}

/* Whether S ends with SUF in any case (select_autoescape lowercases). */
static int S_ends_with(const char *s, const char *suf) {
  size_t l = strlen(s), k = strlen(suf);
  return l >= k && strcasecmp(s + l - k, suf) == 0;
}

int cc_tpl_compile(cc_tpl **out, const char *name, const char *src, size_t len,
                   const cc_tpl_opts *opts, cc_diags *diags) {
  tpl_toks toks = {0};
  int rc;
  cc_tpl *t = calloc(1, sizeof *t);
  *out = NULL;
  if (!name) name = "<template>";
  if (!t || !(t->name = strdup(name)) || !(t->src = malloc(len + 1))) {
    rc = CC_ENOMEM;
    goto out;
  }
  if (len) memcpy(t->src, src, len);
  t->src[len] = 0;
  t->len = len;
  if (opts) t->opts = *opts;
  else cc_tpl_opts_default(&t->opts);
  if (!t->opts.max_output) t->opts.max_output = (size_t)16 << 20;
  if (!t->opts.max_iterations) t->opts.max_iterations = 1000000;
  if (t->opts.max_depth <= 0) t->opts.max_depth = 64;
  if (t->opts.autoescape == CC_TPL_AUTOESCAPE_BY_NAME)
    t->autoescape = S_ends_with(name, ".html") || S_ends_with(name, ".htm") || S_ends_with(name, ".xml");
  else if (t->opts.autoescape == CC_TPL_AUTOESCAPE_MARKDOWN)
    t->md_escape = 1;
  else
    t->autoescape = t->opts.autoescape != 0;
  if ((rc = tpl_lex(&toks, name, t->src, len, diags))) goto out;
  rc = tpl_parse(&t->ast, name, &toks, diags);
out:
  free(toks.v);
  if (rc) {
    if (rc == CC_ENOMEM && diags) cc_diags_error(diags, name, 0, 0, "out of memory compiling the template");
    cc_tpl_free(t);
    return rc;
  }
  *out = t;
  return CC_OK;
}

int cc_tpl_render(const cc_tpl *t, const json_t *ctx, cc_buf *out, cc_diags *diags) {
  tpl_rs rs;
  memset(&rs, 0, sizeof rs);
  rs.name = t->name;
  rs.autoescape = t->autoescape;
  rs.md_escape = t->md_escape;
  rs.strict = t->opts.strict;
  rs.max_out = t->opts.max_output;
  rs.max_iter = t->opts.max_iterations;
  rs.max_depth = t->opts.max_depth;
  rs.out = out;
  rs.diags = diags;
  rs.ctx = ctx && json_is_object(ctx) ? ctx : NULL;
  size_t start = out->len;
  /* Limits count this render's bytes only. */
  rs.max_out = start + rs.max_out < start ? (size_t)-1 : start + rs.max_out;
  int rc = tpl_eval_root(&rs, t->ast.root);
  if (rc == CC_ENOMEM && diags) cc_diags_error(diags, t->name, 0, 0, "out of memory rendering the template");
  return rc;
}

void cc_tpl_free(cc_tpl *t) {
  if (!t) return;
  tpl_ast_free(&t->ast);
  free(t->name);
  free(t->src);
  free(t);
}
