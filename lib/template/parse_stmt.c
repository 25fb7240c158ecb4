/* parse_stmt.c: the statements of a template (after Jinja2 3.1's
 * parser.py: if, for, set, macro, call, filter, with, block, extends,
 * include, import, from, print, autoescape), the errors Jinja2 raises
 * when it compiles a template (an unknown tag, a bad assignment target, a
 * block defined twice, ...), and the interning of variable names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "parse_int.h"

#define S_new tpl_p_new
#define S_str tpl_p_str
#define S_add tpl_p_add

/* Far beyond real templates: the names of a target list or a signature. */
#define S_MAX_NAMES 64

static int S_nomem(S_p *p) {
  p->nomem = p->failed = 1;
  return -1;
}

static int S_end_block(S_p *p) {
  if (S_peek(p)->kind != TK_BEND) {
    S_err(p, S_peek(p), "expected token 'end of statement block', got %s",
          S_tokdesc(p, S_peek(p)));
    return -1;
  }
  S_next(p);
  return 0;
}

/* The tags that end the innermost open block, for "unknown tag" errors. */
typedef struct S_open {
  const char *const *ends;
  const char *name;
  const tpl_tok *opener;
  const struct S_open *up;
} S_open;

static tpl_node *S_body(S_p *p, const char *const *ends, const tpl_tok *opener, const char *opname);

/* Appends a name to an arena list of at most S_MAX_NAMES. */
static int S_push_name(S_p *p, const char ***v, int *k, const tpl_tok *t) {
  if (!*v && !(*v = cc_arena_alloc(p->ast->arena, S_MAX_NAMES * sizeof **v))) return S_nomem(p);
  if (*k == S_MAX_NAMES) {
    S_err(p, t, "%s", "too many names");
    return -1;
  }
  if (!((*v)[(*k)++] = S_str(p, t))) return -1;
  return 0;
}

/* Jinja2's error for a target that is not a name: "can't assign to 'const'". */
static void S_bad_target(S_p *p, const tpl_tok *t) {
  const char *what = "name";
  if (t->kind == TK_STR || t->kind == TK_INT || t->kind == TK_FLOAT) what = "const";
  else if (S_is(t, TK_OP, "[")) what = "list";
  else if (S_is(t, TK_OP, "{")) what = "dict";
  if (t->kind == TK_NAME || !strcmp(what, "name"))
    S_err(p, t, "expected a name to assign to, got %s", S_tokdesc(p, t));
  else
    S_err(p, t, "can't assign to '%s'", what);
}

/* One target name (macro names, parameters, import targets). */
static const tpl_tok *S_name(S_p *p) {
  const tpl_tok *t = S_peek(p);
  if (t->kind != TK_NAME) {
    S_bad_target(p, t);
    return NULL;
  }
  return S_next(p);
}

/* A target's shape under construction (see tpl_node.shape). */
#define S_MAX_SHAPE 256
typedef struct {
  int *sh;
  int ns;
  const char **v;
  int k;
} S_tgt;

static int S_shape_push(S_p *p, S_tgt *g, int x, const tpl_tok *t) {
  if (g->ns == S_MAX_SHAPE) {
    S_err(p, t, "%s", "too many names");
    return -1;
  }
  g->sh[g->ns++] = x;
  return 0;
}

static int S_target(S_p *p, S_tgt *g);

/* '(' [target (',' target)* [',']] ')': one target in parentheses is that
 * target; a comma (or nothing) makes a tuple, as in Jinja2's parse_tuple. */
static int S_target_paren(S_p *p, S_tgt *g) {
  int at = g->ns, count = 0, tuple = 0;
  if (S_shape_push(p, g, 0, S_next(p))) return -1;
  while (!S_op(p, ")")) {
    if (count) {
      if (!S_op(p, ",")) {
        S_err(p, S_peek(p), "expected token ')', got %s", S_tokdesc(p, S_peek(p)));
        return -1;
      }
      S_next(p);
      tuple = 1;
      if (S_op(p, ")")) break;
    }
    if (S_target(p, g)) return -1;
    count++;
  }
  S_next(p);
  if (tuple || !count) {
    g->sh[at] = count;
  } else {
    memmove(&g->sh[at], &g->sh[at + 1], (size_t)(g->ns - at - 1) * sizeof *g->sh);
    g->ns--;
  }
  return 0;
}

/* NAME | '(' ... ')'. */
static int S_target(S_p *p, S_tgt *g) {
  const tpl_tok *t = S_peek(p);
  if (t->kind == TK_NAME) return S_shape_push(p, g, -1, t) ? -1 : S_push_name(p, &g->v, &g->k, S_next(p));
  if (!S_is(t, TK_OP, "(")) {
    S_bad_target(p, t);
    return -1;
  }
  if (p->depth >= S_MAX_NESTING) {
    S_err(p, t, "%s", "template nesting is too deep");
    return -1;
  }
  p->depth++;
  int rc = S_target_paren(p, g);
  p->depth--;
  return rc;
}

/* Targets of for/set: target (',' target)*, each a name or a parenthesized
 * (nested) tuple. N's names get every name in order; N's shape the nesting
 * when it is more than one name or a flat tuple of names. */
static int S_targets(S_p *p, tpl_node *n) {
  S_tgt g = {0};
  if (!(g.sh = cc_arena_alloc(p->ast->arena, S_MAX_SHAPE * sizeof *g.sh))) return S_nomem(p);
  g.sh[g.ns++] = 0; /* the top tuple's count, when there is one */
  int top = 0;
  do {
    if (top) S_next(p); /* , */
    if (S_target(p, &g)) return -1;
    top++;
  } while (S_op(p, ","));
  const int *sh = g.sh;
  int ns = g.ns;
  if (top == 1) {
    sh++;
    ns--;
  } else {
    g.sh[0] = top;
  }
  int flat = sh[0] == -1 || (sh[0] >= 2 && ns == sh[0] + 1);
  for (int i = 1; flat && i < ns; i++)
    if (sh[i] != -1) flat = 0;
  n->names = g.v;
  n->nnames = g.k;
  n->shape = flat ? NULL : sh;
  return 0;
}

/* A signature '(' [NAME ['=' EXPR]] (',' ...)* ')' into N's names and
 * kids (the defaults, NULL where there is none). */
static int S_signature(S_p *p, tpl_node *n) {
  const char **v = NULL;
  tpl_node **defs = cc_arena_alloc(p->ast->arena, S_MAX_NAMES * sizeof *defs);
  int k = 0, seen_default = 0;
  if (!defs) return S_nomem(p);
  if (!S_op(p, "(")) {
    S_err(p, S_peek(p), "expected token '(', got %s", S_tokdesc(p, S_peek(p)));
    return -1;
  }
  S_next(p);
  while (!S_op(p, ")")) {
    if (k) {
      if (!S_op(p, ",")) {
        S_err(p, S_peek(p), "expected token ',', got %s", S_tokdesc(p, S_peek(p)));
        return -1;
      }
      S_next(p);
    }
    const tpl_tok *t = S_name(p);
    if (!t) return -1;
    for (int i = 0; i < k; i++)
      if (strlen(v[i]) == t->len && !memcmp(v[i], t->s, t->len)) {
        S_err(p, t, "duplicate argument '%s' in the signature", v[i]);
        return -1;
      }
    if (S_push_name(p, &v, &k, t)) return -1;
    defs[k - 1] = NULL;
    if (S_op(p, "=")) {
      S_next(p);
      if (!(defs[k - 1] = tpl_p_expr(p))) return -1;
      seen_default = 1;
    } else if (seen_default) {
      S_err(p, t, "%s", "non-default argument follows default argument");
      return -1;
    }
  }
  S_next(p);
  n->names = v;
  n->nnames = k;
  n->kids = defs;
  n->n = k;
  return 0;
}

/* `with context` / `without context` after include/import/from. */
static int S_context(S_p *p, int *with) {
  const tpl_tok *t = S_peek(p);
  if ((S_is(t, TK_NAME, "with") || S_is(t, TK_NAME, "without")) && S_is(t + 1, TK_NAME, "context")) {
    *with = t->len == 4;
    S_next(p);
    S_next(p);
    return 1;
  }
  return 0;
}

static int S_add_ref(S_p *p, tpl_node *n) {
  tpl_ast *a = p->ast;
  if ((a->nrefs & (a->nrefs - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
    tpl_node **v = cc_arena_alloc(a->arena, (size_t)(a->nrefs ? 2 * a->nrefs : 1) * sizeof *v);
    if (!v) return S_nomem(p);
    if (a->nrefs) memcpy(v, a->refs, (size_t)a->nrefs * sizeof *v);
    a->refs = v;
  }
  a->refs[a->nrefs++] = n;
  return 0;
}

static int S_add_block(S_p *p, tpl_node *n, const tpl_tok *at) {
  tpl_ast *a = p->ast;
  for (int i = 0; i < a->nblocks; i++)
    if (!strcmp(a->blocks[i]->s, n->s)) {
      S_err(p, at, "block '%s' defined twice", n->s);
      return -1;
    }
  if ((a->nblocks & (a->nblocks - 1)) == 0) {
    tpl_node **v = cc_arena_alloc(a->arena, (size_t)(a->nblocks ? 2 * a->nblocks : 1) * sizeof *v);
    if (!v) return S_nomem(p);
    if (a->nblocks) memcpy(v, a->blocks, (size_t)a->nblocks * sizeof *v);
    a->blocks = v;
  }
  a->blocks[a->nblocks++] = n;
  return 0;
}

/* The body up to END (a single closing tag), consumed with its '%}'. */
static tpl_node *S_body_to(S_p *p, const char *end, const tpl_tok *open, const char *opname) {
  const char *ends[] = {end, NULL};
  tpl_node *b = S_body(p, ends, open, opname);
  if (!b) return NULL;
  S_next(p);
  return b;
}

/* `filter NAME[(args)] [| ...]` of a filter block or a block set, over
 * an E_SLOT that stands for the captured body. */
static tpl_node *S_filter_chain(S_p *p, const tpl_tok *at, int leading_bar) {
  tpl_node *slot = S_new(p, E_SLOT, at);
  if (!slot) return NULL;
  if (leading_bar) return tpl_p_filters(p, slot);
  const tpl_tok *f = S_next(p);
  if (f->kind != TK_NAME) {
    S_err(p, f, "expected token 'name' (a filter), got %s", S_tokdesc(p, f));
    return NULL;
  }
  tpl_node *x = S_new(p, E_FILTER, f);
  if (!x || !(x->s = S_str(p, f))) return NULL;
  x->a = slot;
  tpl_node *w = x; /* x, or an E_DYN around it */
  if (S_op(p, "(") && tpl_p_args(p, x, &w)) return NULL;
  return tpl_p_filters(p, w);
}

static tpl_node *S_stmt_if(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_IF, t), *cur = n;
  static const char *const ends[] = {"elif", "else", "endif", NULL};
  if (!n || !(n->a = tpl_p_expr(p)) || S_end_block(p)) return NULL;
  for (;;) {
    if (!(cur->b = S_body(p, ends, open, "if"))) return NULL;
    const tpl_tok *e = S_next(p);
    if (S_is(e, TK_NAME, "elif")) {
      tpl_node *x = S_new(p, N_IF, e);
      if (!x || !(x->a = tpl_p_expr(p)) || S_end_block(p)) return NULL;
      cur->c = x;
      cur = x;
    } else if (S_is(e, TK_NAME, "else")) {
      if (S_end_block(p) || !(cur->c = S_body_to(p, "endif", open, "if"))) return NULL;
      return S_end_block(p) ? NULL : n;
    } else {
      return S_end_block(p) ? NULL : n;
    }
  }
}

static tpl_node *S_stmt_for(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_FOR, t);
  static const char *const ends[] = {"endfor", "else", NULL};
  if (!n || S_targets(p, n)) return NULL;
  if (!S_kw(p, "in")) {
    S_err(p, S_peek(p), "expected token 'in', got %s", S_tokdesc(p, S_peek(p)));
    return NULL;
  }
  for (int i = 0; i < n->nnames; i++)
    if (!strcmp(n->names[i], "loop")) {
      S_err(p, t, "%s", "Can't assign to special loop variable in for-loop target");
      return NULL;
    }
  S_next(p);
  if (!(n->a = tpl_p_or(p))) return NULL;
  if (S_kw(p, "if")) {
    S_next(p);
    if (!(n->c = tpl_p_expr(p))) return NULL;
  }
  if (S_kw(p, "recursive")) {
    S_next(p);
    n->flags |= TPL_F_RECURSIVE;
  }
  if (S_end_block(p) || !(n->b = S_body(p, ends, open, "for"))) return NULL;
  if (S_is(S_next(p), TK_NAME, "else")) {
    if (S_end_block(p) || !(n->kids = cc_arena_alloc(p->ast->arena, sizeof *n->kids))) return NULL;
    if (!(n->kids[0] = S_body_to(p, "endfor", open, "for"))) return NULL;
    n->n = 1;
  }
  return S_end_block(p) ? NULL : n;
}

static tpl_node *S_stmt_set(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  const tpl_tok *name = S_peek(p);
  /* {% set ns.attr = value %} */
  if (name->kind == TK_NAME && S_is(name + 1, TK_OP, ".")) {
    tpl_node *n = S_new(p, N_SETATTR, t);
    if (!n || !(n->s = S_str(p, S_next(p)))) return NULL;
    S_next(p);
    const tpl_tok *attr = S_name(p);
    if (!attr || !(n->ops = cc_arena_alloc(p->ast->arena, sizeof *n->ops)) || !(n->ops[0] = S_str(p, attr))) return NULL;
    if (!S_op(p, "=")) {
      /* A block set on a namespace attribute: Jinja2 3.1 compiles it and
       * fails when it runs; N->b set marks it. */
      if (S_op(p, "|") && !(n->a = S_filter_chain(p, t, 1))) return NULL;
      if (S_end_block(p) || !(n->b = S_body_to(p, "endset", open, "set"))) return NULL;
      return S_end_block(p) ? NULL : n;
    }
    S_next(p);
    if (!(n->a = tpl_p_expr(p))) return NULL;
    return S_end_block(p) ? NULL : n;
  }
  tpl_node *n = S_new(p, N_SET, t);
  if (!n || S_targets(p, n)) return NULL;
  if (!S_op(p, "=")) {
    /* A block set: {% set x [| filter] %}...{% endset %} */
    n->kind = N_SETBLOCK;
    if (S_op(p, "|") && !(n->a = S_filter_chain(p, t, 1))) return NULL;
    if (S_end_block(p) || !(n->b = S_body_to(p, "endset", open, "set"))) return NULL;
    return S_end_block(p) ? NULL : n;
  }
  S_next(p);
  if (!(n->a = tpl_p_expr(p))) return NULL;
  if (S_op(p, ",")) {
    S_list l = {0};
    tpl_node *tu = S_new(p, E_TUPLE, t);
    if (!tu || S_add(p, &l, n->a, NULL)) return NULL;
    while (S_op(p, ",")) {
      S_next(p);
      if (S_add(p, &l, tpl_p_expr(p), NULL)) return NULL;
    }
    tu->kids = l.v;
    tu->n = l.n;
    n->a = tu;
  }
  return S_end_block(p) ? NULL : n;
}

/* N->lit: the string S (a macro's name), or none for a call block's
 * caller (Jinja2's caller is anonymous), made once with the AST so that
 * every render's macro value shares it. 1 without memory. */
static int S_name_lit(S_p *p, tpl_node *n, const char *s) {
  json_t *v = s ? json_string(s) : json_null();
  if (!v || json_array_append_new(p->ast->lits, v)) {
    p->nomem = p->failed = 1;
    return 1;
  }
  n->lit = v;
  return 0;
}

static tpl_node *S_stmt_macro(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_MACRO, t);
  const tpl_tok *name = S_name(p);
  if (!n || !name || !(n->s = S_str(p, name)) || S_name_lit(p, n, n->s) || S_signature(p, n)) return NULL;
  if (S_end_block(p) || !(n->b = S_body_to(p, "endmacro", open, "macro"))) return NULL;
  return S_end_block(p) ? NULL : n;
}

static tpl_node *S_stmt_call(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_CALLBLOCK, t);
  if (!n || S_name_lit(p, n, NULL)) return NULL;
  if (S_op(p, "(") && S_signature(p, n)) return NULL;
  const tpl_tok *at = S_peek(p);
  if (!(n->a = tpl_p_expr(p))) return NULL;
  if (n->a->kind != E_CALL && !(n->a->kind == E_DYN && n->a->a->kind == E_CALL)) {
    S_err(p, at, "%s", "expected call");
    return NULL;
  }
  if (S_end_block(p) || !(n->b = S_body_to(p, "endcall", open, "call"))) return NULL;
  return S_end_block(p) ? NULL : n;
}

static tpl_node *S_stmt_with(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_WITH, t);
  S_list l = {0};
  const char **v = NULL;
  int k = 0;
  if (!n) return NULL;
  while (S_peek(p)->kind != TK_BEND) {
    if (k) {
      if (!S_op(p, ",")) {
        S_err(p, S_peek(p), "expected token ',', got %s", S_tokdesc(p, S_peek(p)));
        return NULL;
      }
      S_next(p);
    }
    const tpl_tok *name = S_name(p);
    if (!name || S_push_name(p, &v, &k, name)) return NULL;
    if (!S_op(p, "=")) {
      S_err(p, S_peek(p), "expected token '=', got %s", S_tokdesc(p, S_peek(p)));
      return NULL;
    }
    S_next(p);
    if (S_add(p, &l, tpl_p_expr(p), NULL)) return NULL;
  }
  n->names = v;
  n->nnames = k;
  n->kids = l.v;
  n->n = l.n;
  if (S_end_block(p) || !(n->b = S_body_to(p, "endwith", open, "with"))) return NULL;
  return S_end_block(p) ? NULL : n;
}

static tpl_node *S_stmt_block(S_p *p, const tpl_tok *t, const tpl_tok *open) {
  tpl_node *n = S_new(p, N_BLOCK, t);
  const tpl_tok *name = S_peek(p);
  if (!n) return NULL;
  if (name->kind != TK_NAME) {
    S_err(p, name, "expected token 'name', got %s", S_tokdesc(p, name));
    return NULL;
  }
  if (!(n->s = S_str(p, S_next(p)))) return NULL;
  if (S_kw(p, "scoped")) {
    S_next(p);
    n->flags |= TPL_F_SCOPED;
  }
  if (S_kw(p, "required")) {
    S_next(p);
    n->flags |= TPL_F_REQUIRED;
  }
  if (S_op(p, "-")) {
    S_err(p, S_peek(p), "%s", "Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.");
    return NULL;
  }
  if (S_add_block(p, n, name) || S_end_block(p) || !(n->b = S_body_to(p, "endblock", open, "block"))) return NULL;
  if (n->flags & TPL_F_REQUIRED)
    for (int i = 0; i < n->b->n; i++) {
      const tpl_node *k = n->b->kids[i];
      int blank = k->kind == N_TEXT;
      for (size_t j = 0; blank && j < k->slen; j++)
        if (!strchr(" \t\r\n\f\v", k->s[j])) blank = 0;
      if (!blank) {
        S_err(p, t, "%s", "Required blocks can only contain comments or whitespace");
        return NULL;
      }
    }
  if (S_peek(p)->kind == TK_NAME && S_peek(p)->len == strlen(n->s) && !memcmp(S_peek(p)->s, n->s, strlen(n->s))) S_next(p);
  return S_end_block(p) ? NULL : n;
}

/* include / import / from / extends. */
static tpl_node *S_stmt_load(S_p *p, const tpl_tok *t, tpl_node_kind kind) {
  tpl_node *n = S_new(p, kind, t);
  int with = kind == N_INCLUDE;
  if (!n || !(n->a = tpl_p_expr(p))) return NULL;
  if (kind == N_INCLUDE) {
    if (S_kw(p, "ignore") && S_is(S_peek(p) + 1, TK_NAME, "missing")) {
      S_next(p);
      S_next(p);
      n->flags |= TPL_F_IGNORE_MISSING;
    }
    S_context(p, &with);
  } else if (kind == N_IMPORT) {
    if (!S_kw(p, "as")) {
      S_err(p, S_peek(p), "expected token 'as', got %s", S_tokdesc(p, S_peek(p)));
      return NULL;
    }
    S_next(p);
    const tpl_tok *name = S_name(p);
    if (!name || !(n->s = S_str(p, name))) return NULL;
    S_context(p, &with);
  } else if (kind == N_FROMIMPORT) {
    const char **from = NULL, **as = NULL;
    int k = 0, k2 = 0;
    if (!S_kw(p, "import")) {
      S_err(p, S_peek(p), "expected token 'import', got %s", S_tokdesc(p, S_peek(p)));
      return NULL;
    }
    S_next(p);
    /* As Jinja2's parse_from. */
    for (;;) {
      if (k) {
        if (!S_op(p, ",")) {
          S_err(p, S_peek(p), "expected token ',', got %s", S_tokdesc(p, S_peek(p)));
          return NULL;
        }
        S_next(p);
      }
      if (S_peek(p)->kind != TK_NAME) {
        S_err(p, S_peek(p), "expected token 'name', got %s", S_tokdesc(p, S_peek(p)));
        return NULL;
      }
      if (S_context(p, &with)) break;
      const tpl_tok *name = S_next(p);
      if (name->s[0] == '_') {
        S_err(p, name, "%s", "names starting with an underline can not be imported");
        return NULL;
      }
      if (S_push_name(p, &from, &k, name)) return NULL;
      if (S_kw(p, "as")) {
        S_next(p);
        if (!(name = S_name(p))) return NULL;
      }
      if (S_push_name(p, &as, &k2, name)) return NULL;
      if (S_context(p, &with) || !S_op(p, ",")) break;
    }
    n->ops = from;
    n->names = as;
    n->nnames = k;
  }
  if (with) n->flags |= TPL_F_CONTEXT;
  if (S_add_ref(p, n)) return NULL;
  return S_end_block(p) ? NULL : n;
}

static tpl_node *S_stmt(S_p *p, const tpl_tok *open, const S_open *in) {
  const tpl_tok *t = S_next(p);
#define IS(w) S_is(t, TK_NAME, w)
  if (IS("if")) return S_stmt_if(p, t, open);
  if (IS("for")) return S_stmt_for(p, t, open);
  if (IS("set")) return S_stmt_set(p, t, open);
  if (IS("macro")) return S_stmt_macro(p, t, open);
  if (IS("call")) return S_stmt_call(p, t, open);
  if (IS("with")) return S_stmt_with(p, t, open);
  if (IS("block")) return S_stmt_block(p, t, open);
  if (IS("include")) return S_stmt_load(p, t, N_INCLUDE);
  if (IS("import")) return S_stmt_load(p, t, N_IMPORT);
  if (IS("from")) return S_stmt_load(p, t, N_FROMIMPORT);
  if (IS("extends")) return S_stmt_load(p, t, N_EXTENDS);
  if (IS("filter") || IS("autoescape")) {
    tpl_node *n = S_new(p, IS("filter") ? N_FILTERBLOCK : N_AUTOESCAPE, t);
    if (!n) return NULL;
    if (n->kind == N_FILTERBLOCK ? !(n->a = S_filter_chain(p, t, 0)) : !(n->a = tpl_p_expr(p))) return NULL;
    if (S_end_block(p)) return NULL;
    if (!(n->b = S_body_to(p, n->kind == N_FILTERBLOCK ? "endfilter" : "endautoescape", open, IS("filter") ? "filter" : "autoescape")))
      return NULL;
    return S_end_block(p) ? NULL : n;
  }
  if (IS("print")) {
    tpl_node *n = S_new(p, N_PRINT, t);
    S_list l = {0};
    if (!n) return NULL;
    while (S_peek(p)->kind != TK_BEND) {
      if (l.n) {
        if (!S_op(p, ",")) {
          S_err(p, S_peek(p), "expected token ',', got %s", S_tokdesc(p, S_peek(p)));
          return NULL;
        }
        S_next(p);
      }
      if (S_add(p, &l, tpl_p_expr(p), NULL)) return NULL;
    }
    n->kids = l.v;
    n->n = l.n;
    return S_end_block(p) ? NULL : n;
  }
#undef IS
  if (t->kind != TK_NAME) {
    S_err(p, t, "%s", "tag name expected");
    return NULL;
  }
  /* Jinja2's fail_unknown_tag. */
  cc_buf m = CC_BUF_INIT;
  int rc = cc_buf_printf(&m, "Encountered unknown tag '%.*s'.", (int)t->len, t->s);
  if (in) {
    rc |= cc_buf_puts(&m, " Jinja was looking for the following tags: ");
    for (const char *const *e = in->ends; *e; e++) rc |= cc_buf_printf(&m, "%s'%s'", e == in->ends ? "" : " or ", *e);
    rc |= cc_buf_printf(&m, ". The innermost block that needs to be closed is '%s'.", in->name);
  }
  if (rc) S_nomem(p);
  else S_err(p, t, "%s", m.ptr);
  cc_buf_free(&m);
  return NULL;
}

/* Parses statements until a block tag whose first word is in ENDS (left
 * unconsumed, the {% already eaten) or EOF (an error when ENDS is set). */
static tpl_node *S_body(S_p *p, const char *const *ends, const tpl_tok *opener, const char *opname) {
  S_list l = {0};
  S_open me = {ends, opname, opener, p->opens};
  if (p->depth >= S_MAX_NESTING) {
    S_err(p, S_peek(p), "%s", "template nesting is too deep");
    return NULL;
  }
  p->depth += 4; /* a block costs more stack than an expression level */
  tpl_node *body = S_new(p, N_BODY, S_peek(p));
  if (!body) return NULL;
  if (ends) p->opens = &me;
  tpl_node *ret = NULL;
  for (;;) {
    const tpl_tok *t = S_next(p);
    if (t->kind == TK_EOF) {
      if (ends) {
        char msg[160];
        snprintf(msg, sizeof msg, "unexpected end of template: the '%s' block opened at line %d was never closed", opname,
                 opener ? opener->line : 0);
        S_err(p, t, "%s", msg);
        goto out;
      }
      break;
    }
    if (t->kind == TK_TEXT) {
      tpl_node *n = S_new(p, N_TEXT, t);
      if (!n) goto out;
      n->s = t->s;
      n->slen = t->len;
      if (S_add(p, &l, n, NULL)) goto out;
    } else if (t->kind == TK_VBEGIN) {
      tpl_node *n = S_new(p, N_OUT, S_peek(p));
      if (!n || !(n->a = tpl_p_expr(p))) goto out;
      if (S_peek(p)->kind != TK_VEND) {
        S_err(p, S_peek(p), "expected token 'end of print statement', got %s",
              S_tokdesc(p, S_peek(p)));
        goto out;
      }
      S_next(p);
      if (S_add(p, &l, n, NULL)) goto out;
    } else if (t->kind == TK_BBEGIN) {
      const tpl_tok *w = S_peek(p);
      int is_end = 0;
      for (const char *const *e = ends; e && *e; e++)
        if (S_is(w, TK_NAME, *e)) is_end = 1;
      if (is_end) break;
      if (S_add(p, &l, S_stmt(p, t, p->opens), NULL)) goto out;
    } else {
      S_err(p, t, "%s", "unexpected token");
      goto out;
    }
  }
  body->kids = l.v;
  body->n = l.n;
  p->depth -= 4;
  ret = body;
out:
  if (ends) p->opens = me.up;
  return ret;
}

const char tpl_name_loop[] = "loop", tpl_name_range[] = "range", tpl_name_caller[] = "caller",
           tpl_name_varargs[] = "varargs", tpl_name_kwargs[] = "kwargs", tpl_name_super[] = "super";

static size_t S_hash(const char *s) {
  size_t h = 14695981039346656037u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

typedef tpl_names S_names;

/* NAME's entry in T (open addressing over a power-of-two table), or NULL. */
static const char *S_find_name(const S_names *t, const char *name) {
  for (; t; t = t->parent) {
    if (!t->cap) continue;
    for (size_t h = S_hash(name) & (t->cap - 1); t->v[h]; h = (h + 1) & (t->cap - 1))
      if (!strcmp(t->v[h], name)) return t->v[h];
  }
  return NULL;
}

void tpl_names_free(tpl_names *t) {
  free(t->v);
  t->v = NULL;
  t->cap = t->n = 0;
}

static int S_intern(S_names *t, const char **name) {
  static const char *const known[] = {tpl_name_loop,   tpl_name_range,  tpl_name_caller,
                                      tpl_name_varargs, tpl_name_kwargs, tpl_name_super};
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(*name, known[i])) {
      *name = known[i];
      return 0;
    }
  const char *had = S_find_name(t, *name);
  if (had) {
    *name = had;
    return 0;
  }
  if (2 * (t->n + 1) > t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 64;
    const char **v = calloc(cap, sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < t->cap; i++)
      if (t->v[i]) {
        size_t h = S_hash(t->v[i]) & (cap - 1);
        while (v[h]) h = (h + 1) & (cap - 1);
        v[h] = t->v[i];
      }
    free(t->v);
    t->v = v;
    t->cap = cap;
  }
  size_t h = S_hash(*name) & (t->cap - 1);
  while (t->v[h]) h = (h + 1) & (t->cap - 1);
  t->v[h] = *name;
  t->n++;
  return 0;
}

/* Whether the names caller/varargs/kwargs occur under N: a macro's flags
 * (iteratively: expression trees may be deep). Returns -1 without memory. */
static int S_uses(const tpl_node *n) {
  const tpl_node **st = malloc(64 * sizeof *st);
  size_t sn = 0, cap = 64;
  int f = 0;
  if (!st) return -1;
  st[sn++] = n;
  while (sn) {
    const tpl_node *x = st[--sn];
    if (x->kind == E_NAME) {
      if (x->s == tpl_name_caller) f |= TPL_F_CALLER;
      else if (x->s == tpl_name_varargs) f |= TPL_F_VARARGS;
      else if (x->s == tpl_name_kwargs) f |= TPL_F_KWARGS;
    }
    if (sn + 3 + (size_t)(x->kids ? x->n : 0) > cap) {
      size_t nc = 2 * cap + (size_t)(x->kids ? x->n : 0);
      const tpl_node **ns = realloc(st, nc * sizeof *ns);
      if (!ns) {
        free(st);
        return -1;
      }
      st = ns;
      cap = nc;
    }
    if (x->a) st[sn++] = x->a;
    if (x->b) st[sn++] = x->b;
    if (x->c) st[sn++] = x->c;
    if (x->kids)
      for (int i = 0; i < x->n; i++)
        if (x->kids[i]) st[sn++] = x->kids[i];
  }
  free(st);
  return f;
}

/* Interns every variable name under ROOT (iteratively: trees may be deep),
 * and sets the macros' flags. */
static int S_intern_tree(S_names *t, tpl_node *root) {
  tpl_node **stack = NULL, **macros = NULL;
  size_t sn = 0, scap = 0, mn = 0, mcap = 0;
  int rc = 0;
#define PUSH(st, n_, cap_, x)                                           \
  do {                                                                  \
    if (x) {                                                            \
      if (n_ == cap_) {                                                 \
        size_t nc = cap_ ? 2 * cap_ : 64;                               \
        tpl_node **ns = realloc(st, nc * sizeof *ns);                   \
        if (!ns) {                                                      \
          rc = -1;                                                      \
          goto out;                                                     \
        }                                                               \
        st = ns;                                                        \
        cap_ = nc;                                                      \
      }                                                                 \
      st[n_++] = (x);                                                   \
    }                                                                   \
  } while (0)
  PUSH(stack, sn, scap, root);
  while (sn) {
    tpl_node *n = stack[--sn];
    if (n->s && (n->kind == E_NAME || n->kind == N_MACRO || n->kind == N_IMPORT || n->kind == N_SETATTR) &&
        S_intern(t, &n->s))
      rc = -1;
    for (int i = 0; i < n->nnames; i++)
        if (S_intern(t, &n->names[i])) rc = -1;
    if (rc) goto out;
    if (n->kind == N_MACRO || n->kind == N_CALLBLOCK) PUSH(macros, mn, mcap, n);
    PUSH(stack, sn, scap, n->a);
    PUSH(stack, sn, scap, n->b);
    PUSH(stack, sn, scap, n->c);
    if (n->kids)
      for (int i = 0; i < n->n; i++) PUSH(stack, sn, scap, n->kids[i]);
  }
  for (size_t i = 0; i < mn && rc == 0; i++) {
    int f = S_uses(macros[i]->b);
    if (f < 0) rc = -1;
    else macros[i]->flags |= f;
  }
#undef PUSH
out:
  free(stack);
  free(macros);
  return rc;
}

int tpl_parse(tpl_ast *out, const char *name, const tpl_toks *toks, cc_diags *diags, tpl_names *shared) {
  S_p p = {name, toks, 0, out, diags, 0, 0, 0, NULL};
  memset(out, 0, sizeof *out);
  out->arena = cc_arena_new();
  out->lits = json_array();
  if (!out->arena || !out->lits) return CC_ENOMEM;
  out->root = S_body(&p, NULL, NULL, NULL);
  if (p.nomem) return CC_ENOMEM;
  if (p.failed || !out->root) return CC_EINVAL;
  S_names own = {NULL, 0, 0, NULL};
  int rc = S_intern_tree(shared ? shared : &own, out->root) ? CC_ENOMEM : CC_OK;
  tpl_names_free(&own);
  return rc;
}

void tpl_ast_free(tpl_ast *ast) {
  if (!ast) return;
  cc_arena_free(ast->arena);
  json_decref(ast->lits);
  ast->arena = NULL;
  ast->lits = NULL;
}
