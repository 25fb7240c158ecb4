/* resolve.c: binds every filter and test name of a parsed template to its
 * table entry, once, after parsing.
 *
 * Jinja2 3.1 checks the names when it compiles (TemplateAssertionError),
 * except in a "soft" frame: the condition and branches of {% if %} and of
 * a conditional expression, where the check waits until the filter runs.
 * A construct that opens an inner frame (a for loop's body, else and
 * filter; and every statement kind this walk does not know: macro, call,
 * filter blocks, with, block set) makes its contents hard again, while a
 * for loop's iterable stays in the enclosing frame. */
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "filters.h"

typedef struct {
  const char *name;
  const cc_tpl_filter *extra;
  size_t nx;
  cc_arena *arena;
  cc_diags *diags;
  int failed, nomem;
} S_r;

static int S_is_expr(tpl_node_kind k) { return k >= E_LIT && k <= E_SLICE; }

static void S_name(S_r *r, tpl_node *n, int soft) {
  if (n->kind == E_FILTER) {
    for (size_t i = 0; i < r->nx; i++)
      if (!strcmp(r->extra[i].name, n->s)) {
        tpl_fdef *d = cc_arena_alloc(r->arena, sizeof *d);
        if (!d) {
          r->nomem = 1;
          return;
        }
        memset(d, 0, sizeof *d);
        d->name = r->extra[i].name;
        d->ext = &r->extra[i];
        n->def = d;
        return;
      }
    n->def = tpl_filter_find(n->s);
  } else {
    n->def = tpl_test_find(n->s);
  }
  if (!n->def && !soft && !r->failed) {
    cc_diags_error(r->diags, r->name, n->line, n->col, "No %s named '%s'.", n->kind == E_FILTER ? "filter" : "test", n->s);
    r->failed = 1;
  }
}

typedef struct {
  tpl_node *n;
  int soft;
} S_item;

int tpl_resolve(tpl_ast *ast, const char *name, const cc_tpl_filter *extra, size_t nx, cc_diags *diags) {
  S_r r = {name, extra, nx, ast->arena, diags, 0, 0};
  S_item *st = NULL;
  size_t sn = 0, cap = 0, nf = 0, fcap = 0;
  tpl_node **fl = NULL; /* the filters, to fuse once all are resolved */
  /* Iterative: trees may be deep. Pushed in reverse so the first error in
   * source order is the one reported, as Jinja2 stops at its first. */
#define PUSH(x, s)                                          \
  do {                                                      \
    if (x) {                                                \
      if (sn == cap) {                                      \
        size_t nc = cap ? 2 * cap : 64;                     \
        S_item *ns = realloc(st, nc * sizeof *ns);          \
        if (!ns) {                                          \
          r.nomem = 1;                                      \
          goto out;                                         \
        }                                                   \
        st = ns;                                            \
        cap = nc;                                           \
      }                                                     \
      st[sn].n = (x);                                       \
      st[sn++].soft = (s);                                  \
    }                                                       \
  } while (0)
  PUSH(ast->root, 0);
  while (sn && !r.nomem) {
    S_item it = st[--sn];
    tpl_node *n = it.n;
    int soft = it.soft, kid_soft = soft;
    if (n->kind == E_FILTER || n->kind == E_TEST) S_name(&r, n, soft);
    if (n->kind == E_FILTER) {
      if (nf == fcap) {
        size_t nc = fcap ? 2 * fcap : 16;
        tpl_node **nl = realloc(fl, nc * sizeof *nl);
        if (!nl) {
          r.nomem = 1;
          goto out;
        }
        fl = nl;
        fcap = nc;
      }
      fl[nf++] = n;
    }
    if (n->kind == N_IF || n->kind == E_COND) {
      kid_soft = 1;
    } else if (n->kind == N_FOR) {
      /* kids[0] is the else body; c the loop filter; b the body. */
      if (n->kids)
        for (int i = n->n; i-- > 0;) PUSH(n->kids[i], 0);
      PUSH(n->b, 0);
      PUSH(n->c, 0);
      PUSH(n->a, soft);
      continue;
    } else if (!S_is_expr(n->kind) && n->kind != N_BODY && n->kind != N_TEXT && n->kind != N_OUT &&
               n->kind != N_SET) {
      kid_soft = 0;
    }
    if (n->kids)
      for (int i = n->n; i-- > 0;) PUSH(n->kids[i], kid_soft);
    PUSH(n->c, kid_soft);
    PUSH(n->b, kid_soft);
    PUSH(n->a, kid_soft);
  }
#undef PUSH
  /* Innermost first (a parent was listed before its operands): a chain
   * fused into a node can be fused again into its parent. */
  for (size_t i = nf; i-- > 0 && !r.nomem && !r.failed;)
    if (tpl_fuse(fl[i], r.arena)) r.nomem = 1;
out:
  free(st);
  free(fl);
  if (r.nomem) return CC_ENOMEM;
  return r.failed ? CC_EINVAL : CC_OK;
}
