/* parse_int.h (internal): the parser's state and helpers shared by the
 * expression parser (parser.c) and the statement parser (parse_stmt.c).
 * Nodes and strings live in the AST's arena. */
#ifndef TPL_PARSE_INT_H
#define TPL_PARSE_INT_H

#include <string.h>

#include "cc/diag.h"
#include "parser.h"

typedef struct {
  const char *name;
  const tpl_toks *toks;
  size_t i;
  tpl_ast *ast;
  cc_diags *diags;
  int failed, nomem;
  int depth; /* recursion guard: deep input must not exhaust the stack */
  const void *opens; /* parse_stmt.c: the open blocks, innermost first */
} S_p;

/* Far beyond real templates, far below a thread's stack. */
#define S_MAX_NESTING 500

static inline const tpl_tok *S_peek(S_p *p) { return &p->toks->v[p->i]; }
static inline const tpl_tok *S_next(S_p *p) {
  const tpl_tok *t = &p->toks->v[p->i];
  if (t->kind != TK_EOF) p->i++;
  return t;
}
static inline int S_is(const tpl_tok *t, tpl_tok_kind k, const char *s) {
  if (t->kind != k) return 0;
  return !s || (strlen(s) == t->len && memcmp(t->s, s, t->len) == 0);
}
static inline int S_op(S_p *p, const char *s) { return S_is(S_peek(p), TK_OP, s); }
static inline int S_kw(S_p *p, const char *s) { return S_is(S_peek(p), TK_NAME, s); }

static inline void S_err(S_p *p, const tpl_tok *t, const char *fmt, const char *arg) {
  if (p->failed) return; /* one error per template, as Jinja2 raises on the first */
  cc_diags_error(p->diags, p->name, t->line, t->col, fmt, arg);
  p->failed = 1;
}

/* The token as Jinja2's describe_token names it, quoted as its messages
 * quote it: a name or operator by its text ('b', ')'), a literal by its
 * kind ('string', 'integer', 'float'), a delimiter by its role ('end of
 * print statement'). In the arena; NULL (and P out of memory) if that
 * fails, which cc_diags prints as "(null)" and the caller reports. */
static inline const char *S_tokdesc(S_p *p, const tpl_tok *t) {
  switch (t->kind) {
  case TK_EOF: return "'end of template'";
  case TK_VEND: return "'end of print statement'";
  case TK_BEND: return "'end of statement block'";
  case TK_VBEGIN: return "'begin of print statement'";
  case TK_BBEGIN: return "'begin of statement block'";
  case TK_TEXT: return "'template data / text'";
  case TK_STR: return "'string'";
  case TK_INT: return "'integer'";
  case TK_FLOAT: return "'float'";
  case TK_NAME:
  case TK_OP: break;
  }
  char *s = cc_arena_alloc(p->ast->arena, t->len + 3);
  if (!s) {
    p->nomem = 1;
    return "token";
  }
  s[0] = '\'';
  memcpy(s + 1, t->s, t->len);
  s[t->len + 1] = '\'';
  s[t->len + 2] = 0;
  return s;
}

/* Growable kid list in the arena (copied on growth; arenas don't free). */
typedef struct {
  tpl_node **v;
  const char **kw;
  int n, cap;
} S_list;

/* Expression parsing (parser.c). */
tpl_node *tpl_p_expr(S_p *p);
tpl_node *tpl_p_or(S_p *p);
tpl_node *tpl_p_primary(S_p *p);
/* The filters and tests that follow N (`|f(x)`, `is t`). */
tpl_node *tpl_p_filters(S_p *p, tpl_node *n);
/* A call's arguments '(' ... ')' into N's kids and kw; *WRAP is N, or an
 * E_DYN around it when there are `*`/`**` arguments. */
int tpl_p_args(S_p *p, tpl_node *n, tpl_node **wrap);
tpl_node *tpl_p_new(S_p *p, tpl_node_kind k, const tpl_tok *at);
const char *tpl_p_str(S_p *p, const tpl_tok *t);
int tpl_p_add(S_p *p, S_list *l, tpl_node *n, const char *kw);

#endif
