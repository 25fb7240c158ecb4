/* filters_sel.c: Jinja2's filters that run another filter or test per
 * item (map, select, reject, selectattr, rejectattr) and groupby. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "filters_int.h"

/* N with its first SKIP arguments dropped and named NAME: the call of the
 * filter or test an item goes through. */
static tpl_node S_sub(const tpl_node *n, const char *name, int skip) {
  tpl_node sub = *n;
  sub.s = name;
  sub.kids = n->kids ? n->kids + skip : NULL;
  sub.kw = n->kw ? n->kw + skip : NULL;
  sub.n = n->n - skip;
  return sub;
}

/* Jinja2's map and select family iterate only a true value (`if value:`),
 * so 0, false, none and "" give nothing, whatever the arguments. */
static int S_falsy_input(const tpl_val *in, tpl_val *out) {
  if (!in->j || tpl_truthy(in)) return 0;
  json_t *r = tpl_arr_new();
  *out = tpl_own(r);
  return r ? 1 : -1;
}

TPL_FILTER(tpl_f_map) {
  (void)a;
  json_t *items, *r;
  int rc, nomem = 0;
  if ((rc = S_falsy_input(in, out))) return rc > 0 ? CC_OK : CC_ENOMEM;
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  if ((rc = tpl_items(rs, n, in, &items))) return rc;
  if (!(r = tpl_arr_new())) {
    json_decref(items);
    return CC_ENOMEM;
  }
  size_t cnt = json_array_size(items);
  if (n->n >= 1 && n->kw[0]) {
    /* map(attribute=..., default=...) */
    char buf[32];
    const char *attr = NULL;
    const tpl_val *dflt = NULL, *at = NULL;
    for (int i = 0; i < n->n && rc == CC_OK; i++) {
      if (n->kw[i] && !strcmp(n->kw[i], "attribute")) at = &args[i];
      else if (n->kw[i] && !strcmp(n->kw[i], "default")) dflt = &args[i];
      else rc = tpl_fail(rs, n, CC_EINVAL, "Unexpected keyword argument '%s'", n->kw[i] ? n->kw[i] : "?");
    }
    if (rc == CC_OK && !at) rc = tpl_fail(rs, n, CC_EINVAL, "map requires a filter argument");
    if (rc == CC_OK) rc = tpl_f_attr(rs, n, at, buf, sizeof buf, &attr);
    for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
      if (tpl_is_undef_item(json_array_get(items, i))) { /* an attribute of Undefined */
        rc = tpl_fail(rs, n, CC_EINVAL, "%s", tpl_undef_item_hint);
        break;
      }
      json_t *k = tpl_f_key(json_array_get(items, i), attr, 0, &nomem);
      /* default=none is no default (make_attrgetter's `default is not None`) */
      if (!k && dflt && dflt->j && !json_is_null(dflt->j) && !nomem) k = json_incref(dflt->j);
      /* A missing attribute is Undefined (an error in strict mode). */
      if (!k && !nomem && !rs->strict) k = tpl_undef_item();
      if (!k) rc = nomem || !rs->strict ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "map(): an item has no attribute '%s'", attr ? attr : "");
      else if (json_array_append_new(r, k)) rc = CC_ENOMEM;
    }
  } else if (n->n >= 1 && args[0].j && json_is_string(args[0].j)) {
    tpl_fdef scratch;
    const char *fname = json_string_value(args[0].j);
    const tpl_fdef *def = tpl_filter_lookup(rs, fname, &scratch);
    tpl_node sub = S_sub(n, fname, 1);
    if (!def) rc = tpl_fail(rs, n, CC_EINVAL, "No filter named '%s'.", fname);
    for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
      tpl_val it = tpl_borrow(json_array_get(items, i)), o;
      tpl_val_fix_safe(&it);
      rc = tpl_filter_call(rs, def, &sub, &it, args + 1, &o);
      tpl_val_drop(&it);
      if (rc) break;
      if (!o.j && rs->strict) rc = tpl_fail_undef(rs, n, &o);
      else if (json_array_append_new(r, tpl_val_store(&o))) rc = CC_ENOMEM;
    }
  } else {
    rc = tpl_fail(rs, n, CC_EINVAL, "map requires a filter argument");
  }
  json_decref(items);
  if (rc) {
    json_decref(r);
    return rc;
  }
  *out = tpl_own(r);
  return CC_OK;
}

/* select/reject(test, *args) and selectattr/rejectattr(attr, test, *args):
 * the items (whose attribute) passes the test (or is truthy), kept when
 * KEEP. */
static int S_select(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out, int keep, int byattr) {
  int fz = S_falsy_input(in, out);
  if (fz) return fz > 0 ? CC_OK : CC_ENOMEM;
  json_t *items, *r;
  char buf[32];
  const char *attr = NULL;
  int rc, nomem = 0, skip = 0;
  for (int i = 0; i < n->n; i++)
    if (n->kw[i] && i < 1 + byattr) return tpl_fail(rs, n, CC_EINVAL, "%s() got an unexpected keyword argument '%s'", n->s, n->kw[i]);
  if (byattr) {
    if (n->n < 1) return tpl_fail(rs, n, CC_EINVAL, "Missing parameter for attribute name");
    if ((rc = tpl_f_attr(rs, n, &args[0], buf, sizeof buf, &attr))) return rc;
    skip = 1;
  }
  const tpl_tdef *test = NULL;
  tpl_node sub = *n;
  if (n->n > skip) {
    if (!args[skip].j || !json_is_string(args[skip].j))
      return tpl_fail(rs, n, CC_EINVAL, "%s(): the test name must be a string", n->s);
    const char *tname = json_string_value(args[skip].j);
    if (!(test = tpl_test_find(tname))) return tpl_fail(rs, n, CC_EINVAL, "No test named '%s'.", tname);
    sub = S_sub(n, tname, skip + 1);
  }
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  if ((rc = tpl_items(rs, n, in, &items))) return rc;
  if (!(r = tpl_arr_new())) {
    json_decref(items);
    return CC_ENOMEM;
  }
  tpl_f_keyer ky;
  tpl_f_keyer_init(&ky, attr);
  for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
    json_t *it = json_array_get(items, i);
    tpl_val v;
    if (attr) {
      if (tpl_is_undef_item(it)) { /* an attribute of Undefined */
        rc = tpl_fail(rs, n, CC_EINVAL, "%s", tpl_undef_item_hint);
        break;
      }
      int own = 0;
      json_t *k = tpl_f_key_get(&ky, it, 0, &own, &nomem);
      if (nomem) {
        rc = CC_ENOMEM;
        break;
      }
      v = k ? (own ? tpl_own(k) : tpl_ref(k)) : tpl_undef(attr);
    } else {
      v = tpl_ref(it);
    }
    tpl_val_fix_safe(&v); /* an item or attribute kept undefined */
    int res = 0;
    if (test) rc = tpl_test_call(rs, test, &sub, &v, args + skip + 1, &res);
    else if (!v.j && rs->strict) rc = tpl_fail_undef(rs, n, &v);
    else res = tpl_truthy(&v);
    tpl_val_drop(&v);
    if (rc == CC_OK && !res == !keep && json_array_append(r, it)) rc = CC_ENOMEM;
  }
  json_decref(items);
  if (rc) {
    json_decref(r);
    return rc;
  }
  *out = tpl_own(r);
  return CC_OK;
}

TPL_FILTER(tpl_f_select) {
  (void)a;
  return S_select(rs, n, in, args, out, 1, 0);
}
TPL_FILTER(tpl_f_reject) {
  (void)a;
  return S_select(rs, n, in, args, out, 0, 0);
}
TPL_FILTER(tpl_f_selectattr) {
  (void)a;
  return S_select(rs, n, in, args, out, 1, 1);
}
TPL_FILTER(tpl_f_rejectattr) {
  (void)a;
  return S_select(rs, n, in, args, out, 0, 1);
}

/* An item of groupby: its key, the key compared (lowered unless
 * case_sensitive; both owned), the item (borrowed) and its position. */
typedef struct {
  json_t *key, *cmp, *item;
  size_t pos;
  const char *s; /* CMP's bytes when it is a string (else NULL) */
  size_t l;
} S_gent;

static _Thread_local int S_group_failed; /* set by S_group_cmp (qsort has no context) */
static int S_group_cmp(const void *pa, const void *pb) {
  const S_gent *a = pa, *b = pb;
  int c = 0;
  if (a->s && b->s) {
    /* Two strings: their bytes (UTF-8 orders as code points), as S_order. */
    int r = memcmp(a->s, b->s, a->l < b->l ? a->l : b->l);
    c = r ? (r > 0 ? 1 : -1) : (a->l > b->l) - (a->l < b->l);
  } else if (tpl_compare(a->cmp, b->cmp, &c)) {
    S_group_failed = 1;
  }
  if (c == 0) return (a->pos > b->pos) - (a->pos < b->pos);
  return c;
}

/* groupby(attribute, default=None, case_sensitive=False): the items
 * sorted (stably) by the attribute, then one (grouper, list) group per run
 * of equal keys; the grouper has the case of the group's first item. */
TPL_FILTER(tpl_f_groupby) {
  (void)args;
  char buf[32];
  const char *attr;
  json_t *items = NULL, *r = NULL;
  S_gent *e = NULL;
  size_t cnt = 0;
  int rc, nomem = 0;
  if (!a[0]) return tpl_fail(rs, n, CC_EINVAL, "groupby() missing 1 required positional argument: 'attribute'");
  if ((rc = tpl_f_attr(rs, n, a[0], buf, sizeof buf, &attr))) return rc;
  const json_t *dflt = a[1] && a[1]->j && !json_is_null(a[1]->j) ? a[1]->j : NULL;
  int lower = !tpl_f_truthy(a[2], 0);
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  if ((rc = tpl_items(rs, n, in, &items))) return rc;
  size_t len = json_array_size(items);
  if (!(e = calloc(len ? len : 1, sizeof *e))) rc = CC_ENOMEM;
  for (; rc == CC_OK && cnt < len; cnt++) {
    S_gent *g = &e[cnt];
    g->item = json_array_get(items, cnt);
    g->pos = cnt;
    g->key = tpl_f_key(g->item, attr, 0, &nomem);
    if (!g->key && dflt && !nomem) g->key = json_incref((json_t *)dflt);
    if (!g->key && !nomem && !rs->strict) g->key = tpl_undef_item(); /* fails when compared */
    if (!g->key) {
      rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "groupby(): an item has no attribute '%s'", attr ? attr : "");
      break;
    }
    if (!(g->cmp = tpl_f_key(g->key, NULL, lower, &nomem))) rc = CC_ENOMEM;
    else if (json_is_string(g->cmp) && !tpl_is_undef_item(g->cmp)) {
      g->s = json_string_value(g->cmp);
      g->l = json_string_length(g->cmp);
    }
  }
  if (rc == CC_OK) {
    S_group_failed = 0;
    qsort(e, cnt, sizeof *e, S_group_cmp);
    if (S_group_failed) rc = tpl_fail(rs, n, CC_EINVAL, "'<' not supported between the items being sorted");
  }
  if (rc == CC_OK && !(r = tpl_arr_new())) rc = CC_ENOMEM;
  json_t *curkey = NULL, *curlist = NULL;
  for (size_t i = 0; rc == CC_OK && i < cnt; i++) {
    if (!curkey || !tpl_equal(curkey, e[i].cmp)) {
      curkey = e[i].cmp;
      curlist = tpl_arr_new();
      json_t *gv[2] = {e[i].key, curlist};
      json_t *g = curlist ? tpl_tuple_new(gv, 2, TPL_GROUP) : NULL;
      json_decref(curlist);
      if (!g || json_array_append_new(r, g)) {
        rc = CC_ENOMEM;
        break;
      }
    }
    if (json_array_append(curlist, e[i].item)) rc = CC_ENOMEM;
  }
  for (size_t i = 0; i < cnt && e; i++) {
    json_decref(e[i].key);
    json_decref(e[i].cmp);
  }
  free(e);
  json_decref(items);
  if (rc) {
    json_decref(r);
    return rc;
  }
  *out = tpl_own(r);
  return CC_OK;
}
