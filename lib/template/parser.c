/* parser.c: the expression parser (statements are parse_stmt.c's), a
 * recursive descent over tokens after Jinja2's parser.py; precedence: conditional < or < and < not < comparison < + - < ~ <
 * * / // % < ** < unary < postfix and filters. */
#include "parser.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"

#include "parse_int.h"

static tpl_node *S_new(S_p *p, tpl_node_kind k, const tpl_tok *at) {
  tpl_node *n = cc_arena_alloc(p->ast->arena, sizeof *n);
  if (!n) {
    p->nomem = p->failed = 1;
    return NULL;
  }
  memset(n, 0, sizeof *n);
  n->kind = k;
  n->line = at->line;
  n->col = at->col;
  return n;
}

static const char *S_str(S_p *p, const tpl_tok *t) {
  const char *s = cc_arena_strndup(p->ast->arena, t->s, t->len);
  if (!s) p->nomem = p->failed = 1;
  return s;
}


static int S_add(S_p *p, S_list *l, tpl_node *n, const char *kw) {
  if (!n) return -1;
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 4;
    tpl_node **v = cc_arena_alloc(p->ast->arena, (size_t)cap * sizeof *v);
    const char **k = cc_arena_alloc(p->ast->arena, (size_t)cap * sizeof *k);
    if (!v || !k) {
      p->nomem = p->failed = 1;
      return -1;
    }
    if (l->n) {
      memcpy(v, l->v, (size_t)l->n * sizeof *v);
      memcpy(k, l->kw, (size_t)l->n * sizeof *k);
    }
    l->v = v;
    l->kw = k;
    l->cap = cap;
  }
  l->v[l->n] = n;
  l->kw[l->n++] = kw;
  return 0;
}

static tpl_node *S_expr(S_p *p);
static tpl_node *S_or(S_p *p);
static tpl_node *S_unary(S_p *p, int with_filter);
static tpl_node *S_not(S_p *p);

static tpl_node *S_lit(S_p *p, const tpl_tok *at, json_t *v) {
  if (!v) {
    p->nomem = p->failed = 1;
    return NULL;
  }
  if (json_array_append_new(p->ast->lits, v)) {
    p->nomem = p->failed = 1;
    return NULL;
  }
  tpl_node *n = S_new(p, E_LIT, at);
  if (n) {
    n->lit = v;
    /* A string literal's length + 1 (0: not a string), for comparisons. */
    if (json_is_string(v)) n->slen = json_string_length(v) + 1;
  }
  return n;
}

/* Decodes a Python string literal's escapes into B. */
static int S_unquote(const tpl_tok *t, char **out, size_t *olen) {
  char *b = malloc(t->len + 1);
  size_t o = 0;
  if (!b) return CC_ENOMEM;
  for (size_t i = 1; i + 1 < t->len; i++) {
    char c = t->s[i];
    if (c == '\\' && i + 2 < t->len) {
      char e = t->s[++i];
      switch (e) {
      case 'n': b[o++] = '\n'; break;
      case 't': b[o++] = '\t'; break;
      case 'r': b[o++] = '\r'; break;
      case '\\': b[o++] = '\\'; break;
      case '\'': b[o++] = '\''; break;
      case '"': b[o++] = '"'; break;
      case 'a': b[o++] = '\a'; break;
      case 'b': b[o++] = '\b'; break;
      case 'f': b[o++] = '\f'; break;
      case 'v': b[o++] = '\v'; break;
      case '\n': break;
      case 'x': case 'u': case 'U': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        /* Python's unicode-escape: \ooo, \xhh, \uhhhh, \Uhhhhhhhh. */
        int oct = e >= '0' && e <= '7', want = oct ? 3 : e == 'x' ? 2 : e == 'u' ? 4 : 8, got = 0;
        unsigned long cp = oct ? (unsigned long)(e - '0') : 0;
        if (oct) got = 1;
        while (got < want && i + 2 < t->len) {
          char h = t->s[i + 1];
          int v = oct ? (h >= '0' && h <= '7' ? h - '0' : -1)
                      : (h >= '0' && h <= '9') ? h - '0' : ((h | 32) >= 'a' && (h | 32) <= 'f') ? (h | 32) - 'a' + 10 : -1;
          if (v < 0) break;
          cp = cp * (oct ? 8 : 16) + (unsigned long)v;
          got++;
          i++;
        }
        if (!oct && got < want) { /* malformed: kept as written */
          b[o++] = '\\';
          b[o++] = e;
          break;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) cp = 0xFFFD;
        if (cp < 0x80) b[o++] = (char)cp;
        else if (cp < 0x800) {
          b[o++] = (char)(0xC0 | (cp >> 6));
          b[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          b[o++] = (char)(0xE0 | (cp >> 12));
          b[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
          b[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
          b[o++] = (char)(0xF0 | (cp >> 18));
          b[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
          b[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
          b[o++] = (char)(0x80 | (cp & 0x3F));
        }
        break;
      }
      default: b[o++] = '\\'; b[o++] = e; break;
      }
    } else {
      b[o++] = c;
    }
  }
  b[o] = 0;
  *out = b;
  *olen = o;
  return CC_OK;
}

/* A list literal of literals (or of such lists): its value made once,
 * in N->lit (owned by the AST), which the evaluator hands out instead of
 * building the list each time (["critical", "high"] in a loop filter).
 * Values are never changed in place, so sharing it is safe. The kids stay
 * for what reads the tree (positions, the loader's scan). 1 without
 * memory. */
static int S_const_list(S_p *p, tpl_node *n) {
  for (int i = 0; i < n->n; i++)
    if (n->kids[i]->kind != E_LIT && !(n->kids[i]->kind == E_LIST && n->kids[i]->lit)) return 0;
  json_t *a = json_array();
  for (int i = 0; a && i < n->n; i++)
    if (json_array_append(a, n->kids[i]->lit)) {
      json_decref(a);
      a = NULL;
    }
  if (!a || json_array_append_new(p->ast->lits, a)) {
    p->nomem = p->failed = 1;
    return 1;
  }
  n->lit = a;
  return 0;
}

static tpl_node *S_primary(S_p *p) {
  const tpl_tok *t = S_next(p);
  if (t->kind == TK_NAME) {
    const char *w = NULL;
    size_t l = t->len;
#define W(x) (l == strlen(x) && memcmp(t->s, x, l) == 0)
    if (W("true") || W("True")) return S_lit(p, t, json_true());
    if (W("false") || W("False")) return S_lit(p, t, json_false());
    if (W("none") || W("None")) return S_lit(p, t, json_null());
#undef W
    tpl_node *n = S_new(p, E_NAME, t);
    if (n && !(w = S_str(p, t))) return NULL;
    if (n) n->s = w;
    return n;
  }
  if (t->kind == TK_STR) {
    /* Adjacent literals concatenate, as in Python. */
    cc_buf acc = CC_BUF_INIT;
    const tpl_tok *s = t;
    for (;;) {
      char *u = NULL;
      size_t ul = 0;
      if (S_unquote(s, &u, &ul) || cc_buf_add(&acc, u, ul)) {
        free(u);
        cc_buf_free(&acc);
        p->nomem = p->failed = 1;
        return NULL;
      }
      free(u);
      if (S_peek(p)->kind != TK_STR) break;
      s = S_next(p);
    }
    tpl_node *n = S_lit(p, t, json_stringn(acc.ptr ? acc.ptr : "", acc.len));
    cc_buf_free(&acc);
    return n;
  }
  if (t->kind == TK_INT || t->kind == TK_FLOAT) {
    char tmp[128];
    size_t o = 0;
    for (size_t i = 0; i < t->len && o + 1 < sizeof tmp; i++)
      if (t->s[i] != '_') tmp[o++] = t->s[i];
    tmp[o] = 0;
    if (t->kind == TK_FLOAT) return S_lit(p, t, json_real(strtod(tmp, NULL)));
    errno = 0;
    long long v = strtoll(tmp, NULL, 10);
    if (errno) {
      S_err(p, t, "integer literal %s is out of range", tmp);
      return NULL;
    }
    return S_lit(p, t, json_integer(v));
  }
  if (S_is(t, TK_OP, "(")) {
    if (S_op(p, ")")) {
      S_next(p);
      return S_new(p, E_TUPLE, t);
    }
    tpl_node *e = S_expr(p);
    if (!e) return NULL;
    if (S_op(p, ",")) {
      S_list l = {0};
      tpl_node *tu = S_new(p, E_TUPLE, t);
      if (!tu || S_add(p, &l, e, NULL)) return NULL;
      while (S_op(p, ",")) {
        S_next(p);
        if (S_op(p, ")")) break;
        if (S_add(p, &l, S_expr(p), NULL)) return NULL;
      }
      tu->kids = l.v;
      tu->n = l.n;
      e = tu;
    }
    if (!S_op(p, ")")) {
      S_err(p, S_peek(p), "expected token ')', got %s", S_tokdesc(p, S_peek(p)));
      return NULL;
    }
    S_next(p);
    return e;
  }
  if (S_is(t, TK_OP, "[")) {
    S_list l = {0};
    tpl_node *n = S_new(p, E_LIST, t);
    if (!n) return NULL;
    while (!S_op(p, "]")) {
      if (l.n) {
        if (!S_op(p, ",")) {
          S_err(p, S_peek(p), "expected ',' or ']' in list, got %s", S_tokdesc(p, S_peek(p)));
          return NULL;
        }
        S_next(p);
        if (S_op(p, "]")) break;
      }
      if (S_add(p, &l, S_expr(p), NULL)) return NULL;
    }
    S_next(p);
    n->kids = l.v;
    n->n = l.n;
    return S_const_list(p, n) ? NULL : n;
  }
  if (S_is(t, TK_OP, "{")) {
    S_list l = {0};
    tpl_node *n = S_new(p, E_DICT, t);
    if (!n) return NULL;
    while (!S_op(p, "}")) {
      if (l.n) {
        if (!S_op(p, ",")) {
          S_err(p, S_peek(p), "expected ',' or '}' in dict, got %s", S_tokdesc(p, S_peek(p)));
          return NULL;
        }
        S_next(p);
        if (S_op(p, "}")) break;
      }
      if (S_add(p, &l, S_expr(p), NULL)) return NULL;
      if (!S_op(p, ":")) {
        S_err(p, S_peek(p), "expected ':' in dict, got %s", S_tokdesc(p, S_peek(p)));
        return NULL;
      }
      S_next(p);
      if (S_add(p, &l, S_expr(p), NULL)) return NULL;
    }
    S_next(p);
    n->kids = l.v;
    n->n = l.n;
    return n;
  }
  S_err(p, t, "unexpected %s", S_tokdesc(p, t));
  return NULL;
}

/* Arguments of a call, a filter or a test: '(' [expr | name=expr | *expr |
 * **expr] ... ')', as Jinja2's parse_call_args takes them: at most one
 * `*expr`, after the positional arguments, and one `**expr`, last. With
 * either, N is wrapped in an E_DYN node (*WRAP: N when there is none), whose
 * evaluation expands them (eval_dyn.c). WRAP NULL: not allowed here. */
static int S_args_dyn(S_p *p, tpl_node *n, tpl_node **wrap) {
  S_list l = {0};
  tpl_node *star = NULL, *dstar = NULL;
  const tpl_tok *open = S_next(p); /* ( */
  while (!S_op(p, ")")) {
    if (l.n || star || dstar) {
      if (!S_op(p, ",")) {
        S_err(p, S_peek(p), "expected ',' or ')', got %s", S_tokdesc(p, S_peek(p)));
        return -1;
      }
      S_next(p);
      if (S_op(p, ")")) break;
    }
    const char *kw = NULL;
    int dyn = S_op(p, "*") ? 1 : S_op(p, "**") ? 2 : 0;
    if (dyn) {
      /* Jinja2: "invalid syntax for function call expression". */
      if (!wrap || dstar || (dyn == 1 && star)) {
        S_err(p, S_peek(p), "%s", wrap ? "invalid syntax for function call expression"
                                       : "'*' and '**' arguments are not supported here");
        return -1;
      }
      S_next(p);
      tpl_node *e = S_expr(p);
      if (!e) return -1;
      *(dyn == 1 ? &star : &dstar) = e;
      continue;
    }
    if (S_peek(p)->kind == TK_NAME && S_is(&p->toks->v[p->i + 1], TK_OP, "=")) {
      if (dstar) {
        S_err(p, S_peek(p), "%s", "invalid syntax for function call expression");
        return -1;
      }
      if (!(kw = S_str(p, S_next(p)))) return -1;
      S_next(p);
    } else if (star || dstar) {
      S_err(p, S_peek(p), "%s", "invalid syntax for function call expression");
      return -1;
    } else if (l.n && l.kw[l.n - 1]) {
      S_err(p, S_peek(p), "%s", "positional argument follows keyword argument");
      return -1;
    }
    if (S_add(p, &l, S_expr(p), kw)) return -1;
  }
  S_next(p);
  n->kids = l.v;
  n->kw = l.kw;
  n->n = l.n;
  if (wrap) *wrap = n;
  if (star || dstar) {
    tpl_node *d = S_new(p, E_DYN, open);
    if (!d) return -1;
    d->line = n->line;
    d->col = n->col;
    d->a = n;
    d->b = star;
    d->c = dstar;
    *wrap = d;
  }
  return 0;
}

static tpl_node *S_postfix(S_p *p, tpl_node *n) {
  while (n) {
    const tpl_tok *t = S_peek(p);
    if (S_is(t, TK_OP, ".")) {
      S_next(p);
      const tpl_tok *a = S_next(p);
      if (a->kind == TK_NAME) {
        tpl_node *x = S_new(p, E_ATTR, t);
        if (!x || !(x->s = S_str(p, a))) return NULL;
        x->slen = strlen(x->s);
        x->a = n;
        n = x;
      } else if (a->kind == TK_INT) {
        tpl_node *x = S_new(p, E_ITEM, t);
        p->i--;
        if (!x) return NULL;
        x->a = n;
        if (!(x->b = S_primary(p))) return NULL;
        n = x;
      } else {
        S_err(p, a, "%s", "expected name or number after '.'");
        return NULL;
      }
    } else if (S_is(t, TK_OP, "[")) {
      S_next(p);
      tpl_node *x = S_new(p, E_ITEM, t);
      if (!x) return NULL;
      x->a = n;
      int empty = S_op(p, "]"); /* x[]: Jinja2 takes it for x[()], an empty tuple */
      if (empty && !(x->b = S_new(p, E_TUPLE, t))) return NULL;
      if (!empty && !S_op(p, ":") && !(x->b = S_expr(p))) return NULL;
      if (!empty && S_op(p, ",")) { /* x[a, b]: a tuple for a key, as Jinja2's subscript takes it */
        S_list l = {0};
        tpl_node *tu = S_new(p, E_TUPLE, t);
        if (!tu || S_add(p, &l, x->b, NULL)) return NULL;
        while (S_op(p, ",")) { /* no trailing comma: "unexpected ']'" */
          S_next(p);
          if (S_add(p, &l, S_expr(p), NULL)) return NULL;
        }
        tu->kids = l.v;
        tu->n = l.n;
        x->b = tu;
      } else if (!empty && S_op(p, ":")) { /* a slice: [start]:[stop][:[step]] */
        x->kind = E_SLICE;
        S_next(p);
        if (!S_op(p, ":") && !S_op(p, "]") && !(x->c = S_expr(p))) return NULL;
        if (S_op(p, ":")) {
          S_next(p);
          if (!S_op(p, "]")) {
            if (!(x->kids = cc_arena_alloc(p->ast->arena, sizeof *x->kids))) {
              p->nomem = p->failed = 1;
              return NULL;
            }
            if (!(x->kids[0] = S_expr(p))) return NULL;
            x->n = 1;
          }
        }
      }
      if (!S_op(p, "]")) {
        S_err(p, S_peek(p), "expected token ']', got %s", S_tokdesc(p, S_peek(p)));
        return NULL;
      }
      S_next(p);
      n = x;
    } else if (S_is(t, TK_OP, "(")) {
      tpl_node *x = S_new(p, E_CALL, t);
      if (!x) return NULL;
      x->a = n;
      if (S_args_dyn(p, x, &n)) return NULL;
    } else {
      break;
    }
  }
  return n;
}

static tpl_node *S_filters(S_p *p, tpl_node *n) {
  while (n) {
    const tpl_tok *t = S_peek(p);
    if (S_is(t, TK_OP, "|")) {
      S_next(p);
      const tpl_tok *f = S_next(p);
      if (f->kind != TK_NAME) {
        S_err(p, f, "expected token 'name' (a filter after '|'), got %s", S_tokdesc(p, f));
        return NULL;
      }
      tpl_node *x = S_new(p, E_FILTER, f);
      if (!x || !(x->s = S_str(p, f))) return NULL;
      x->a = n;
      n = x;
      if (S_op(p, "(") && S_args_dyn(p, x, &n)) return NULL;
    } else if (S_is(t, TK_NAME, "is")) {
      S_next(p);
      tpl_node *x = S_new(p, E_TEST, t);
      if (!x) return NULL;
      if (S_kw(p, "not")) {
        S_next(p);
        x->neg = 1;
      }
      const tpl_tok *f = S_next(p);
      if (f->kind != TK_NAME) {
        S_err(p, f, "expected token 'name' (a test after 'is'), got %s", S_tokdesc(p, f));
        return NULL;
      }
      if (!(x->s = S_str(p, f))) return NULL;
      x->line = f->line; /* errors point at the test's name */
      x->col = f->col;
      x->a = n;
      n = x;
      if (S_op(p, "(")) {
        if (S_args_dyn(p, x, &n)) return NULL;
      } else {
        /* One bare argument, as in `is divisibleby 3`. */
        /* Jinja2 takes any following name but else/or/and as the argument,
         * so `x is odd if c else d` is a syntax error there, as here. */
        const tpl_tok *q = S_peek(p);
        if (S_is(q, TK_NAME, "is")) {
          S_err(p, q, "%s", "You cannot chain multiple tests with is");
          return NULL;
        }
        if (q->kind == TK_STR || q->kind == TK_INT || q->kind == TK_FLOAT || S_is(q, TK_OP, "[") ||
            S_is(q, TK_OP, "{") ||
            (q->kind == TK_NAME && !S_is(q, TK_NAME, "and") && !S_is(q, TK_NAME, "or") &&
             !S_is(q, TK_NAME, "else"))) {
          S_list l = {0};
          if (S_add(p, &l, S_postfix(p, S_primary(p)), NULL)) return NULL;
          x->kids = l.v;
          x->kw = l.kw;
          x->n = 1;
        }
      }
    } else {
      break;
    }
  }
  return n;
}

static tpl_node *S_unary_inner(S_p *p, int with_filter) {
  const tpl_tok *t = S_peek(p);
  tpl_node *n;
  if (S_is(t, TK_OP, "-") || S_is(t, TK_OP, "+")) {
    S_next(p);
    n = S_new(p, *t->s == '-' ? E_NEG : E_POS, t);
    if (!n || !(n->a = S_unary(p, 0))) return NULL;
  } else {
    n = S_postfix(p, S_primary(p));
  }
  return with_filter ? S_filters(p, n) : n;
}

static tpl_node *S_unary(S_p *p, int with_filter) {
  if (p->depth >= S_MAX_NESTING) {
    S_err(p, S_peek(p), "%s", "template nesting is too deep");
    return NULL;
  }
  p->depth++;
  tpl_node *n = S_unary_inner(p, with_filter);
  p->depth--;
  return n;
}


static tpl_node *S_bin(S_p *p, const tpl_tok *t, tpl_node *l, tpl_node *r) {
  if (!l || !r) return NULL;
  tpl_node *n = S_new(p, E_BIN, t);
  if (!n || !(n->s = S_str(p, t))) return NULL;
  n->a = l;
  n->b = r;
  return n;
}

static tpl_node *S_pow(S_p *p) {
  tpl_node *l = S_unary(p, 1);
  while (l && S_op(p, "**")) {
    const tpl_tok *t = S_next(p);
    l = S_bin(p, t, l, S_unary(p, 1));
  }
  return l;
}

static tpl_node *S_math2(S_p *p) {
  tpl_node *l = S_pow(p);
  while (l && (S_op(p, "*") || S_op(p, "/") || S_op(p, "//") || S_op(p, "%"))) {
    const tpl_tok *t = S_next(p);
    l = S_bin(p, t, l, S_pow(p));
  }
  return l;
}

static tpl_node *S_concat(S_p *p) {
  tpl_node *l = S_math2(p);
  while (l && S_op(p, "~")) {
    const tpl_tok *t = S_next(p);
    l = S_bin(p, t, l, S_math2(p));
  }
  return l;
}

static tpl_node *S_math1(S_p *p) {
  tpl_node *l = S_concat(p);
  while (l && (S_op(p, "+") || S_op(p, "-"))) {
    const tpl_tok *t = S_next(p);
    l = S_bin(p, t, l, S_concat(p));
  }
  return l;
}

static tpl_node *S_compare(S_p *p) {
  tpl_node *first = S_math1(p);
  S_list l = {0};
  const char **ops = NULL;
  int nops = 0, capops = 0;
  tpl_node *n = NULL;
  const tpl_tok *at = S_peek(p);
  if (!first) return NULL;
  for (;;) {
    const tpl_tok *t = S_peek(p);
    const char *op = NULL;
    if (S_op(p, "==") || S_op(p, "!=") || S_op(p, "<") || S_op(p, ">") || S_op(p, "<=") || S_op(p, ">=")) {
      if (!(op = S_str(p, t))) return NULL;
      S_next(p);
    } else if (S_kw(p, "in")) {
      op = "in";
      S_next(p);
    } else if (S_kw(p, "not") && S_is(&p->toks->v[p->i + 1], TK_NAME, "in")) {
      op = "notin";
      S_next(p);
      S_next(p);
    } else {
      break;
    }
    if (nops == capops) {
      int cap = capops ? capops * 2 : 4;
      const char **v = cc_arena_alloc(p->ast->arena, (size_t)cap * sizeof *v);
      if (!v) {
        p->nomem = p->failed = 1;
        return NULL;
      }
      if (nops) memcpy(v, ops, (size_t)nops * sizeof *v);
      ops = v;
      capops = cap;
    }
    ops[nops++] = op;
    if (S_add(p, &l, S_math1(p), NULL)) return NULL;
  }
  if (!nops) return first;
  if (!(n = S_new(p, E_CMP, at))) return NULL;
  n->a = first;
  n->kids = l.v;
  n->ops = ops;
  n->n = l.n;
  return n;
}

static tpl_node *S_not_inner(S_p *p) {
  if (S_kw(p, "not")) {
    const tpl_tok *t = S_next(p);
    tpl_node *n = S_new(p, E_NOT, t);
    if (!n || !(n->a = S_not(p))) return NULL;
    return n;
  }
  return S_compare(p);
}

static tpl_node *S_not(S_p *p) {
  if (p->depth >= S_MAX_NESTING) {
    S_err(p, S_peek(p), "%s", "template nesting is too deep");
    return NULL;
  }
  p->depth++;
  tpl_node *n = S_not_inner(p);
  p->depth--;
  return n;
}


static tpl_node *S_and(S_p *p) {
  tpl_node *l = S_not(p);
  while (l && S_kw(p, "and")) {
    const tpl_tok *t = S_next(p);
    tpl_node *n = S_new(p, E_AND, t);
    if (!n || !(n->b = S_not(p))) return NULL;
    n->a = l;
    l = n;
  }
  return l;
}

static tpl_node *S_or(S_p *p) {
  tpl_node *l = S_and(p);
  while (l && S_kw(p, "or")) {
    const tpl_tok *t = S_next(p);
    tpl_node *n = S_new(p, E_OR, t);
    if (!n || !(n->b = S_and(p))) return NULL;
    n->a = l;
    l = n;
  }
  return l;
}

static tpl_node *S_expr_inner(S_p *p) {
  tpl_node *e = S_or(p);
  while (e && S_kw(p, "if")) {
    const tpl_tok *t = S_next(p);
    tpl_node *n = S_new(p, E_COND, t);
    if (!n || !(n->a = S_or(p))) return NULL;
    n->b = e;
    if (S_kw(p, "else")) {
      S_next(p);
      if (!(n->c = S_expr(p))) return NULL;
    }
    e = n;
  }
  return e;
}

static tpl_node *S_expr(S_p *p) {
  if (p->depth >= S_MAX_NESTING) {
    S_err(p, S_peek(p), "%s", "template nesting is too deep");
    return NULL;
  }
  p->depth++;
  tpl_node *n = S_expr_inner(p);
  p->depth--;
  return n;
}


/* ---- the expression parser's entry points for parse_stmt.c ---- */

tpl_node *tpl_p_expr(S_p *p) { return S_expr(p); }
tpl_node *tpl_p_or(S_p *p) { return S_or(p); }
tpl_node *tpl_p_primary(S_p *p) { return S_primary(p); }
tpl_node *tpl_p_filters(S_p *p, tpl_node *n) { return S_filters(p, n); }
int tpl_p_args(S_p *p, tpl_node *n, tpl_node **wrap) { return S_args_dyn(p, n, wrap); }
tpl_node *tpl_p_new(S_p *p, tpl_node_kind k, const tpl_tok *at) { return S_new(p, k, at); }
const char *tpl_p_str(S_p *p, const tpl_tok *t) { return S_str(p, t); }
int tpl_p_add(S_p *p, S_list *l, tpl_node *n, const char *kw) { return S_add(p, l, n, kw); }
