/* filters_fuse.c: filter chains run as one filter.
 *
 * `X|map(attribute=A)|unique|join(D)` (unique optional) is compiled
 * (tpl_fuse, from tpl_resolve) into the join node alone: its input becomes
 * X and its def an S_fused that remembers the map and unique nodes. At
 * render time the common case (a list of dicts, the attribute present,
 * plain printing) takes the attribute values, drops duplicates and prints
 * them in one pass over X without building the two intermediate lists;
 * anything else runs the original filters one after the other on their
 * own nodes, so results and errors are those of the unfused chain. A
 * truncate(...) over such a join (whose own arguments are literals) is
 * fused too: the joined bytes are truncated where they were built. Only
 * chains whose inner filters' arguments are literals are fused (nothing
 * that was evaluated between them is skipped or reordered). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

typedef struct {
  tpl_fdef def;           /* fn: S_fused_run; name and flags: join's */
  const tpl_fdef *join;   /* the join node's own def */
  const tpl_node *map;    /* map(attribute=...) */
  const tpl_node *unique; /* unique(...), or NULL */
  /* The fast path's settings, from the literal arguments (tpl_fuse): */
  int fast;               /* map(attribute=NAME[, default=V]), unique() or unique(case_sensitive=B) */
  const char *attr;       /* NAME (no dots) */
  size_t kl;
  const json_t *dflt;     /* V, NULL when none */
  int lower;              /* unique compares lowered strings */
} S_fused;

static int S_builtin(const tpl_node *n, tpl_filter_fn fn) {
  const tpl_fdef *d = n && n->kind == E_FILTER ? n->def : NULL;
  return d && d->fn == fn && !d->ext;
}

static int S_literal_args(const tpl_node *n) {
  for (int i = 0; i < n->n; i++)
    if (n->kids[i]->kind != E_LIT) return 0;
  return 1;
}

/* The literal arguments of N as values (borrowed from the AST). */
static void S_lit_args(const tpl_node *n, tpl_val *args) {
  for (int i = 0; i < n->n && i < TPL_MAX_PARAMS; i++) args[i] = tpl_ref(n->kids[i]->lit);
}

/* The unfused chain: map, unique, then join, each on its own node. */
static int S_chain(tpl_rs *rs, const S_fused *f, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out) {
  const tpl_node *st[2] = {f->map, f->unique};
  tpl_val cur = tpl_dup(in), sa[TPL_MAX_PARAMS], nx;
  cc_buf *direct = rs->direct;
  int rc = CC_OK;
  rs->direct = NULL; /* only the last filter may print straight */
  for (int i = 0; i < 2 && st[i] && rc == CC_OK; i++) {
    S_lit_args(st[i], sa);
    rc = tpl_filter_call(rs, st[i]->def, st[i], &cur, sa, &nx);
    tpl_val_drop(&cur);
    if (rc == CC_OK && !nx.j && !nx.hint && !nx.owner) rc = CC_ENOMEM; /* as tpl_eval */
    cur = nx;
  }
  rs->direct = direct;
  if (rc == CC_OK) rc = tpl_filter_call(rs, f->join, n, &cur, args, out);
  tpl_val_drop(&cur);
  return rc;
}

typedef struct {
  json_t *v;       /* the map value kept (borrowed) */
  const char *vs;  /* V's bytes when it is a string, else NULL */
  size_t vl;
  const char *ks;  /* a string's key: its bytes (VS) or NULL: LOW's at OFF */
  size_t off, kl;
} S_seen;

/* Whether A and B (L bytes each) are equal: the first eight bytes
 * compared inline (most keys that differ differ there). */
static inline int S_same(const char *a, const char *b, size_t l) {
  if (l >= 8) {
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    return x == y && !memcmp(a + 8, b + 8, l - 8);
  }
  for (size_t i = 0; i < l; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* The fast path: 1 when the chain must run unfused instead. */
static int S_fast(tpl_rs *rs, const S_fused *f, const tpl_node *n, const tpl_val *in, tpl_val *args, cc_buf *b, int *rcp) {
  const tpl_node *u = f->unique;
  const tpl_val *ja[TPL_MAX_PARAMS];
  const char *attr = f->attr;
  const json_t *dflt = f->dflt;
  int lower = f->lower;
  if (!f->fast || !in->j || !json_is_array(in->j) || rs->autoescape) return 1;
  /* join(d, attribute): the plain case of tpl_f_join only */
  int rc = tpl_f_bind(rs, n, args, f->join->params, f->join->np, ja);
  if (rc) {
    *rcp = rc;
    return 0;
  }
  if (ja[1] && !(ja[1]->j && json_is_null(ja[1]->j))) return 1;
  tpl_val d = ja[0] ? *ja[0] : tpl_undef(NULL);
  if ((d.j && !json_is_string(d.j)) || (!d.j && ja[0] && rs->strict)) return 1;
  const char *dp = d.j ? json_string_value(d.j) : "";
  size_t dl = d.j ? json_string_length(d.j) : 0, kl = f->kl;

  size_t cnt = json_array_size(in->j), nseen = 0;
  S_seen few[16], *seen = cnt <= 16 ? few : malloc(cnt * sizeof *seen);
  cc_buf low = CC_BUF_INIT;
  int nomem = !seen, slow = 0;
  for (size_t i = 0; i < cnt && !nomem && !slow; i++) {
    json_t *it = json_array_get(in->j, i), *v = json_is_object(it) ? tpl_obj_getn(it, attr, kl) : NULL;
    if (!json_is_object(it)) {
      slow = 1; /* map's way for anything but a dict */
      break;
    }
    if (!v) v = (json_t *)dflt;
    if (!v || json_is_array(v) || json_is_object(v)) {
      slow = 1; /* a missing attribute, an unhashable or tuple key: map's or unique's way */
      break;
    }
    S_seen k = {v, NULL, 0, NULL, 0, 0};
    if (json_is_string(v)) {
      k.vs = json_string_value(v);
      k.vl = json_string_length(v);
    }
    if (!u) {
      seen[nseen++] = k;
      continue;
    }
    /* unique's key: a string's bytes, lowered unless case_sensitive */
    if (k.vs && (!lower || tpl_f_lowers_to_self(k.vs, k.vl))) {
      k.ks = k.vs;
      k.kl = k.vl;
    } else if (k.vs) {
      k.off = low.len;
      if (tpl_case_map(&low, k.vs, k.vl, TPL_LOWER)) {
        nomem = 1;
        break;
      }
      k.kl = low.len - k.off;
    }
    int dup = 0;
    const char *ks = k.vs ? (k.ks ? k.ks : low.ptr + k.off) : NULL;
    for (size_t s = 0; s < nseen && !dup; s++) {
      const S_seen *e = &seen[s];
      if (e->vs && ks) dup = e->kl == k.kl && S_same(e->ks ? e->ks : low.ptr + e->off, ks, k.kl);
      else if (!e->vs && !ks) dup = tpl_equal(e->v, v);
    }
    if (dup) {
      if (k.vs && !k.ks) cc_buf_truncate(&low, k.off); /* its lowered bytes are not kept */
      continue;
    }
    seen[nseen++] = k;
  }
  cc_buf_free(&low);
  if (nomem || slow) {
    if (seen != few) free(seen);
    if (nomem) *rcp = CC_ENOMEM;
    return !nomem;
  }
  /* join's plain path over the values kept. */
  for (size_t i = 0; i < nseen && rc == CC_OK; i++) {
    if (i) rc = tpl_buf_add(b, dp, dl);
    if (rc == CC_OK) rc = seen[i].vs ? tpl_buf_add(b, seen[i].vs, seen[i].vl) : tpl_str(b, seen[i].v);
    if (rc == CC_OK && b->len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "join result exceeds the output limit");
  }
  if (seen != few) free(seen);
  *rcp = rc;
  return 0;
}

static TPL_FILTER(S_fused_run) {
  (void)a;
  const S_fused *f = (const S_fused *)n->def;
  cc_buf b = tpl_f_scratch(rs);
  int rc;
  if (!S_fast(rs, f, n, in, args, &b, &rc)) {
    if (rc == CC_OK) rc = tpl_f_put(rs, out, b.ptr ? b.ptr : "", b.len, 0);
    tpl_f_unscratch(rs, &b);
    return rc;
  }
  tpl_f_unscratch(rs, &b);
  return S_chain(rs, f, n, in, args, out);
}

/* `X|map(...)|unique|join(...)|truncate(...)`, the fused join's arguments
 * literals: the joined bytes truncated and printed without a string
 * value between them. */
typedef struct {
  tpl_fdef def;            /* fn: S_trunc_run; name and flags: truncate's */
  const tpl_fdef *trunc;   /* the truncate node's own def */
  const tpl_node *join;    /* the fused join node */
} S_fused_trunc;

static TPL_FILTER(S_trunc_run) {
  (void)a;
  const S_fused_trunc *t = (const S_fused_trunc *)n->def;
  const tpl_node *jn = t->join;
  tpl_val ja[TPL_MAX_PARAMS], j;
  const tpl_val *ta[TPL_MAX_PARAMS];
  cc_buf b = tpl_f_scratch(rs);
  int rc;
  S_lit_args(jn, ja);
  if (!S_fast(rs, (const S_fused *)jn->def, jn, in, ja, &b, &rc)) {
    if (rc == CC_OK && (rc = tpl_f_bind(rs, n, args, t->trunc->params, t->trunc->np, ta)) == CC_OK)
      rc = tpl_f_truncate_in(rs, n, ta, NULL, b.ptr ? b.ptr : "", b.len, out);
    tpl_f_unscratch(rs, &b);
    return rc;
  }
  tpl_f_unscratch(rs, &b);
  /* The join's value, then truncate on it (only the last may print). */
  cc_buf *direct = rs->direct;
  rs->direct = NULL;
  rc = tpl_filter_call(rs, jn->def, jn, in, ja, &j);
  if (rc == CC_OK && !j.j && !j.hint && !j.owner) rc = CC_ENOMEM; /* as tpl_eval */
  rs->direct = direct;
  if (rc == CC_OK) rc = tpl_filter_call(rs, t->trunc, n, &j, args, out);
  tpl_val_drop(&j);
  return rc;
}

/* F's fast-path settings from its map and unique nodes' literals. */
static void S_config(S_fused *f) {
  const tpl_node *m = f->map, *u = f->unique;
  f->fast = 0;
  f->attr = NULL;
  f->dflt = NULL;
  f->lower = u != NULL;
  /* map's keywords: attribute= (a string without dots), default= */
  for (int i = 0; i < m->n; i++) {
    const json_t *l = m->kids[i]->lit;
    if (!m->kw[i]) return;
    if (!strcmp(m->kw[i], "attribute") && json_is_string(l) && !f->attr) f->attr = json_string_value(l);
    else if (!strcmp(m->kw[i], "default") && !f->dflt) f->dflt = l;
    else return;
  }
  if (!f->attr || strchr(f->attr, '.')) return;
  if (f->dflt && json_is_null(f->dflt)) f->dflt = NULL; /* as no default, in map */
  /* unique(): no arguments or case_sensitive= */
  if (u && u->n) {
    if (u->n > 1 || !u->kw || !u->kw[0] || strcmp(u->kw[0], "case_sensitive")) return;
    tpl_val cs = tpl_ref(u->kids[0]->lit);
    f->lower = !tpl_truthy(&cs);
  }
  f->kl = strlen(f->attr);
  f->fast = 1;
}

int tpl_fuse(tpl_node *n, cc_arena *arena) {
  if (S_builtin(n, tpl_f_truncate) && n->a && n->a->kind == E_FILTER && n->a->def &&
      ((const tpl_fdef *)n->a->def)->fn == S_fused_run && n->a->n <= TPL_MAX_PARAMS && S_literal_args(n->a)) {
    S_fused_trunc *t = cc_arena_alloc(arena, sizeof *t);
    if (!t) return CC_ENOMEM;
    t->trunc = n->def;
    t->def = *t->trunc;
    t->def.fn = S_trunc_run;
    t->def.flags |= TPL_F_RAW; /* binds truncate's arguments itself */
    t->join = n->a;
    n->def = &t->def;
    n->a = n->a->a;
    return CC_OK;
  }
  if (!S_builtin(n, tpl_f_join) || !n->a) return CC_OK;
  tpl_node *u = S_builtin(n->a, tpl_f_unique) ? n->a : NULL, *m = u ? u->a : n->a;
  if (!S_builtin(m, tpl_f_map) || !m->a || !m->n || !m->kw || !m->kw[0] || m->n > TPL_MAX_PARAMS) return CC_OK;
  if (!S_literal_args(m) || (u && (!S_literal_args(u) || u->n > TPL_MAX_PARAMS))) return CC_OK;
  S_fused *f = cc_arena_alloc(arena, sizeof *f);
  if (!f) return CC_ENOMEM;
  f->join = n->def;
  f->def = *f->join;
  f->def.fn = S_fused_run;
  f->def.flags |= TPL_F_RAW; /* binds join's arguments itself */
  f->map = m;
  f->unique = u;
  S_config(f);
  n->def = &f->def;
  n->a = m->a;
  return CC_OK;
}
