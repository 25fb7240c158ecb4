/* eval.c: evaluates expressions and prints them (operators are in
 * eval_ops.c, statements run in eval_stmt.c, calls in eval_call.c).
 *
 * Semantics are Jinja2 3.1's with the default Undefined (or StrictUndefined
 * in strict mode); values are JSON with Python's rules for arithmetic,
 * comparison and printing. */
#include "eval.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "casemap.h"
#include "filters.h"

/* Expressions nest far deeper than blocks in real templates (a ~ b ~ c ...
 * is a left-deep tree), so they get a larger share of the depth budget. */
#define S_EXPR_DEPTH_FACTOR TPL_EXPR_DEPTH_FACTOR



int tpl_fail(tpl_rs *rs, const tpl_node *n, int code, const char *fmt, ...) {
  if (!rs->failed && code != CC_ENOMEM) {
    va_list ap;
    va_start(ap, fmt);
    cc_diags_vadd(rs->diags, CC_DIAG_ERROR, rs->name, n ? n->line : 0, n ? n->col : 0, fmt, ap);
    va_end(ap);
  }
  rs->failed = 1;
  return code;
}

int tpl_fail_undef(tpl_rs *rs, const tpl_node *n, const tpl_val *v) {
  if (v->owner) return tpl_fail(rs, n, CC_EINVAL, "'%s object' has no attribute '%s'", v->owner, v->hint ? v->hint : "?");
  if (v->hint == tpl_undef_item_hint) return tpl_fail(rs, n, CC_EINVAL, "%s", v->hint);
  if (v->hint) return tpl_fail(rs, n, CC_EINVAL, "'%s' is undefined", v->hint);
  return tpl_fail(rs, n, CC_EINVAL, "undefined value");
}

/* Jinja2 makes the missing else of `a if c` a default Undefined even
 * under StrictUndefined, so it prints empty in strict mode too. */
static const char S_cond_hint[] = "the inline if-expression evaluated to false and no else section was defined.";

int tpl_to_buf(tpl_rs *rs, const tpl_node *n, const tpl_val *v, cc_buf *b) {
  if (!v->j) return (rs->strict && v->hint != S_cond_hint) ? tpl_fail_undef(rs, n, v) : CC_OK;
  /* A macro or namespace prints as Jinja2 prints it (<Macro 'm'>). */
  int rc = json_is_object(v->j) && rs->nobjs ? tpl_obj_str(rs, v->j, b) : 1;
  if (rc == 1) rc = tpl_str(b, v->j);
  return rc ? CC_ENOMEM : CC_OK;
}

int tpl_to_str(tpl_rs *rs, const tpl_node *n, const tpl_val *v, tpl_val *out) {
  if (v->j && json_is_string(v->j)) {
    *out = tpl_dup(v);
    return CC_OK;
  }
  cc_buf b = CC_BUF_INIT;
  int rc = tpl_to_buf(rs, n, v, &b);
  if (rc == CC_OK) {
    *out = tpl_own(tpl_json_strn(b.ptr ? b.ptr : "", b.len));
    out->safe = v->safe;
    if (!out->j) rc = CC_ENOMEM;
  }
  cc_buf_free(&b);
  return rc;
}



/* ---- output ---- */

/* tpl_escape, eight bytes tested at a time by a table (names, numbers and
 * most text have nothing to escape). */
static int S_escape(cc_buf *b, const char *str, size_t len) {
  static const unsigned char special[256] = {['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
  static const char rep[6][6] = {"", "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
  static const unsigned char replen[] = {0, 5, 4, 4, 5, 5};
  const unsigned char *s = (const unsigned char *)str;
  size_t start = 0, i = 0;
  for (;;) {
    while (i + 8 <= len && !(special[s[i]] | special[s[i + 1]] | special[s[i + 2]] | special[s[i + 3]] |
                             special[s[i + 4]] | special[s[i + 5]] | special[s[i + 6]] | special[s[i + 7]]))
      i += 8;
    while (i < len && !special[s[i]]) i++;
    if (i == len) break;
    unsigned char k = special[s[i]];
    int rc;
    if ((rc = tpl_out_add(b, str + start, i - start)) || (rc = tpl_out_add(b, rep[k], replen[k]))) return rc;
    start = ++i;
  }
  return tpl_out_add(b, str + start, len - start);
}

/* After appending to the output from BEFORE with result RC: the output
 * limit (a partial append is taken back). */
static int S_emitted_slow(tpl_rs *rs, const tpl_node *n, size_t before, int rc);
static inline int S_emitted(tpl_rs *rs, const tpl_node *n, size_t before, int rc) {
  if (rc == CC_OK && rs->out->len <= rs->max_out) return CC_OK;
  return S_emitted_slow(rs, n, before, rc);
}
static __attribute__((noinline)) int S_emitted_slow(tpl_rs *rs, const tpl_node *n, size_t before, int rc) {
  if (rc == CC_OK && rs->out->len > rs->max_out) rc = CC_ELIMIT;
  if (rc == CC_ELIMIT || (rc == CC_ETOOBIG || (rc == CC_ENOMEM && rs->out->len >= rs->max_out))) {
    cc_buf_truncate(rs->out, before);
    return tpl_fail(rs, n, CC_ELIMIT, "output exceeds the limit of %zu bytes", rs->max_out);
  }
  return rc;
}

/* Appends the number NUM, else the value V, as Python prints it, escaped
 * for CommonMark. */
static int S_emit_md(tpl_rs *rs, const tpl_node *n, const tpl_val *v, const tpl_pnum *x) {
  cc_buf t = CC_BUF_INIT;
  size_t before = rs->out->len;
  int rc;
  if (x)
    rc = x->real ? tpl_fmt_float(&t, x->d) : tpl_fmt_int(&t, x->i);
  else if (json_is_string(v->j))
    rc = tpl_buf_add(&t, json_string_value(v->j), json_string_length(v->j));
  else
    rc = tpl_str(&t, v->j);
  if (rc == CC_OK) rc = tpl_md_escape(rs->out, t.ptr ? t.ptr : "", t.len);
  if (rc) rc = rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM;
  cc_buf_free(&t);
  return S_emitted(rs, n, before, rc);
}

int tpl_emit(tpl_rs *rs, const tpl_node *n, const tpl_val *v) {
  int rc;
  size_t before = rs->out->len;
  int obj = v->j && json_is_object(v->j) && rs->nobjs; /* maybe a macro or namespace */
  if (rs->md_escape && !obj && !v->safe && v->j && !json_is_null(v->j)) return S_emit_md(rs, n, v, NULL);
  if ((rs->autoescape && !v->safe && v->j && !tpl_is_num(v->j) && !json_is_null(v->j)) || obj) {
    if (json_is_string(v->j)) {
      rc = S_escape(rs->out, json_string_value(v->j), json_string_length(v->j));
    } else {
      cc_buf t = CC_BUF_INIT;
      if ((rc = obj ? tpl_obj_str(rs, v->j, &t) : 1) == 1) rc = tpl_str(&t, v->j);
      if (rc == CC_OK && (!rs->autoescape || v->safe)) rc = cc_buf_add(rs->out, t.ptr ? t.ptr : "", t.len);
      else if (rc == CC_OK) rc = tpl_escape(rs->out, t.ptr ? t.ptr : "", t.len);
      cc_buf_free(&t);
    }
    if (rc) rc = rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM;
  } else {
    rc = tpl_to_buf(rs, n, v, rs->out);
  }
  return S_emitted(rs, n, before, rc);
}

/* Prints the number NUM. */
static int S_emit_num(tpl_rs *rs, const tpl_node *n, const tpl_pnum *num) {
  if (rs->md_escape) return S_emit_md(rs, n, NULL, num);
  size_t before = rs->out->len;
  int rc = num->real ? tpl_fmt_float(rs->out, num->d) : tpl_fmt_int(rs->out, num->i);
  return S_emitted(rs, n, before, rc);
}

static int S_is_int(const json_t *j) { return json_is_integer(j) || json_is_boolean(j); }
static long long S_int(const json_t *j) {
  return json_is_boolean(j) ? (json_is_true(j) ? 1 : 0) : (long long)json_integer_value(j);
}

/* ---- lookups ---- */

static int S_utf8_index(const char *s, size_t len, long long idx, size_t *off, size_t *clen) {
  size_t cps = tpl_utf8_len(s, len);
  if (idx < 0) idx += (long long)cps;
  if (idx < 0 || (size_t)idx >= cps) return 0;
  size_t i = 0;
  long long k = 0;
  for (; i < len; i++) {
    if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
    if (k++ == idx) break;
  }
  size_t j = i + 1;
  while (j < len && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
  *off = i;
  *clen = j - i;
  return 1;
}

/* A macro's (or caller's) attributes besides its name, as Jinja2's Macro
 * has them: arguments (a tuple of the parameters' names), catch_kwargs,
 * catch_varargs, caller. Returns 1 when K is none of them. */
static int S_macro_attr(const tpl_obj *m, const char *k, tpl_val *out) {
  const tpl_node *n = m->node;
  int flag = !strcmp(k, "catch_kwargs") ? TPL_F_KWARGS : !strcmp(k, "catch_varargs") ? TPL_F_VARARGS
           : !strcmp(k, "caller") ? TPL_F_CALLER : 0;
  if (flag) {
    *out = tpl_own(json_boolean(n->flags & flag));
    return CC_OK;
  }
  if (strcmp(k, "arguments")) return 1;
  json_t *a = json_array();
  for (int i = 0; a && i < n->nnames; i++)
    if (json_array_append_new(a, json_string(n->names[i]))) {
      json_decref(a);
      a = NULL;
    }
  if (!a || tpl_tuple_mark(a, TPL_TUPLE)) {
    json_decref(a);
    return CC_ENOMEM;
  }
  *out = tpl_own(a);
  return CC_OK;
}

static int S_getitem(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, const tpl_val *key, const char *attr, tpl_val *out) {
  const json_t *o = obj->j;
  if (!o) return tpl_fail_undef(rs, n, obj);
  if (json_is_object(o)) {
    const char *k = attr ? attr : (key->j && json_is_string(key->j) ? json_string_value(key->j) : NULL);
    json_t *v = k ? json_object_get(o, k) : NULL;
    if (v) {
      /* A part of a borrowed value lives as long as the value. */
      *out = obj->own ? tpl_borrow(v) : tpl_ref(v);
      tpl_val_fix_safe(out);
      return CC_OK;
    }
    const tpl_obj *m = k ? tpl_obj_of(rs, o) : NULL;
    if (m && (m->kind == TPL_OBJ_MACRO || m->kind == TPL_OBJ_CALLER)) {
      int rc = S_macro_attr(m, k, out);
      if (rc != 1) return rc;
    }
  } else if (attr && json_is_array(o) && tpl_tuple_kind(o) == TPL_GROUP && (!strcmp(attr, "grouper") || !strcmp(attr, "list"))) {
    json_t *v = json_array_get(o, attr[0] == 'l');
    *out = obj->own ? tpl_borrow(v) : tpl_ref(v);
    return CC_OK;
  } else if (!attr && key->j && S_is_int(key->j) && (json_is_array(o) || json_is_string(o))) {
    long long i = S_int(key->j);
    if (json_is_array(o)) {
      long long len = (long long)json_array_size(o);
      if (i < 0) i += len;
      if (i >= 0 && i < len) {
        json_t *v = json_array_get(o, (size_t)i);
        *out = obj->own ? tpl_borrow(v) : tpl_ref(v);
        tpl_val_fix_safe(out);
        return CC_OK;
      }
    } else {
      size_t off, cl;
      if (S_utf8_index(json_string_value(o), json_string_length(o), i, &off, &cl)) {
        *out = tpl_own(tpl_json_strn(json_string_value(o) + off, cl));
        return out->j ? CC_OK : CC_ENOMEM;
      }
    }
  }
  *out = tpl_undef(attr ? attr : (key->j && json_is_string(key->j) ? json_string_value(key->j) : "?"));
  out->owner = tpl_type_name(o);
  /* The hint must outlive KEY when KEY was computed: keep it static. */
  if (!attr && !(n->b && n->b->kind == E_LIT)) out->hint = "(computed key)";
  return CC_OK;
}

/* ---- the lazy loop variable ---- */

/* Builds VAR's loop object (what `loop` is when used whole). */
int tpl_loop_obj(tpl_var *var) {
  size_t i = var->loop->i, len = var->loop->len;
  json_t *loop = json_object();
  int rc = loop ? 0 : -1;
  if (loop) {
    rc |= json_object_set_new(loop, "index", json_integer((json_int_t)i + 1));
    rc |= json_object_set_new(loop, "index0", json_integer((json_int_t)i));
    rc |= json_object_set_new(loop, "revindex", json_integer((json_int_t)(len - i)));
    rc |= json_object_set_new(loop, "revindex0", json_integer((json_int_t)(len - i - 1)));
    rc |= json_object_set_new(loop, "first", json_boolean(i == 0));
    rc |= json_object_set_new(loop, "last", json_boolean(i + 1 == len));
    rc |= json_object_set_new(loop, "length", json_integer((json_int_t)len));
    rc |= json_object_set_new(loop, "depth", json_integer(var->loop->depth));
    rc |= json_object_set_new(loop, "depth0", json_integer(var->loop->depth - 1));
    if (i > 0) rc |= json_object_set(loop, "previtem", json_array_get(var->loop->items, i - 1));
    if (i + 1 < len) rc |= json_object_set(loop, "nextitem", json_array_get(var->loop->items, i + 1));
  }
  if (rc) {
    json_decref(loop);
    return CC_ENOMEM;
  }
  var->v = tpl_own(loop);
  return CC_OK;
}

/* The lazy loop N (an E_ATTR) reads, or NULL. Only a for loop's `loop`
 * is lazy, so other owners (`row.name`) are not looked up here. */
static const tpl_loop *S_loop_of(tpl_rs *rs, const tpl_node *n) {
  tpl_var *var;
  json_t *j;
  if (n->a->kind != E_NAME || n->a->s != tpl_name_loop || !tpl_find_var(rs, n->a->s, &var, &j)) return NULL;
  return var && var->loop ? var->loop : NULL;
}

/* The attributes of the lazy loop, told apart by length and a letter. */
enum { S_L_NONE, S_L_INDEX, S_L_INDEX0, S_L_REVINDEX, S_L_REVINDEX0, S_L_LENGTH, S_L_DEPTH, S_L_DEPTH0,
       S_L_FIRST, S_L_LAST, S_L_PREVITEM, S_L_NEXTITEM };
static int S_loop_key(const char *a, size_t len) {
  int k = S_L_NONE;
  switch (len) {
  case 4: k = S_L_LAST; break;
  case 5: k = a[0] == 'i' ? S_L_INDEX : a[0] == 'd' ? S_L_DEPTH : S_L_FIRST; break;
  case 6: k = a[0] == 'i' ? S_L_INDEX0 : a[0] == 'l' ? S_L_LENGTH : S_L_DEPTH0; break;
  case 8: k = a[0] == 'r' ? S_L_REVINDEX : a[0] == 'p' ? S_L_PREVITEM : S_L_NEXTITEM; break;
  case 9: k = S_L_REVINDEX0; break;
  default: return S_L_NONE;
  }
  static const char *const names[] = {"", "index", "index0", "revindex", "revindex0", "length", "depth", "depth0",
                                      "first", "last", "previtem", "nextitem"};
  return memcmp(a, names[k], len) ? S_L_NONE : k;
}

/* The integer attribute ATTR (LEN bytes) of L into *V; 0 when it is not one. */
static int S_loop_int(const tpl_loop *l, const char *a, size_t len, long long *v) {
  size_t i = l->i, n = l->len;
  switch (S_loop_key(a, len)) {
  case S_L_INDEX: *v = (long long)i + 1; return 1;
  case S_L_INDEX0: *v = (long long)i; return 1;
  case S_L_REVINDEX: *v = (long long)(n - i); return 1;
  case S_L_REVINDEX0: *v = (long long)(n - i - 1); return 1;
  case S_L_LENGTH: *v = (long long)n; return 1;
  case S_L_DEPTH: *v = l->depth; return 1;
  case S_L_DEPTH0: *v = l->depth - 1; return 1;
  default: return 0;
  }
}

int tpl_loop_truth(tpl_rs *rs, const tpl_node *e, int *t) {
  const tpl_loop *l = S_loop_of(rs, e);
  long long v;
  if (!l) return 1;
  switch (S_loop_key(e->s, e->slen)) {
  case S_L_FIRST: *t = l->i == 0; return CC_OK;
  case S_L_LAST: *t = l->i + 1 == l->len; return CC_OK;
  default: break;
  }
  if (!S_loop_int(l, e->s, e->slen, &v)) return 1;
  *t = v != 0;
  return CC_OK;
}

/* loop.ATTR (N an E_ATTR) straight from the loop's position; returns 1
 * when N is something else (the general path handles it). */
static int S_loop_attr(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  const tpl_loop *l = S_loop_of(rs, n);
  long long v;
  if (!l) return 1;
  if (S_loop_int(l, n->s, n->slen, &v)) {
    *out = tpl_own(json_integer(v));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  int k = S_loop_key(n->s, n->slen);
  if (k == S_L_FIRST || k == S_L_LAST) {
    *out = tpl_ref(json_boolean(k == S_L_FIRST ? l->i == 0 : l->i + 1 == l->len));
    return CC_OK;
  }
  if (k == S_L_PREVITEM || k == S_L_NEXTITEM) {
    int prev = k == S_L_PREVITEM;
    if (prev ? l->i == 0 : l->i + 1 >= l->len) {
      *out = tpl_undef(prev ? "there is no previous item" : "there is no next item");
      return CC_OK;
    }
    *out = tpl_ref(json_array_get(l->items, prev ? l->i - 1 : l->i + 1));
    return CC_OK;
  }
  return 1;
}

/* ---- slices ---- */

/* One slice bound of N (NULL: none) into *V, *SET. */
static int S_slice_bound(tpl_rs *rs, const tpl_node *n, long long *v, int *set) {
  tpl_val b;
  int rc;
  *set = 0;
  if (!n) return CC_OK;
  if ((rc = tpl_eval(rs, n, &b))) return rc;
  if (b.j && json_is_null(b.j)) {
    rc = CC_OK;
  } else if (b.j && S_is_int(b.j)) {
    *v = S_int(b.j);
    *set = 1;
  } else if (!b.j) {
    rc = tpl_fail_undef(rs, n, &b);
  } else {
    rc = tpl_fail(rs, n, CC_EINVAL, "slice indices must be integers or None or have an __index__ method");
  }
  tpl_val_drop(&b);
  return rc;
}

/* Python's obj[start:stop:step] on a list or a string (code points). */
static int S_slice(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  tpl_val o;
  long long v[3] = {0, 0, 1};
  int set[3], rc;
  if ((rc = tpl_eval(rs, n->a, &o))) return rc;
  if ((rc = S_slice_bound(rs, n->b, &v[0], &set[0])) || (rc = S_slice_bound(rs, n->c, &v[1], &set[1])) ||
      (rc = S_slice_bound(rs, n->n ? n->kids[0] : NULL, &v[2], &set[2])))
    goto out;
  if (!o.j) {
    rc = tpl_fail_undef(rs, n, &o);
    goto out;
  }
  if (json_is_object(o.j)) {
    rc = tpl_fail(rs, n, CC_EINVAL, "unhashable type: 'slice'");
    goto out;
  }
  if (!json_is_array(o.j) && !json_is_string(o.j)) {
    rc = tpl_fail(rs, n, CC_EINVAL, "'%s' object is not subscriptable", tpl_type_name(o.j));
    goto out;
  }
  long long step = set[2] ? v[2] : 1;
  if (step == 0) {
    rc = tpl_fail(rs, n, CC_EINVAL, "slice step cannot be zero");
    goto out;
  }
  if (step < -LLONG_MAX) step = -LLONG_MAX;
  const char *str = json_is_string(o.j) ? json_string_value(o.j) : NULL;
  size_t slen = str ? json_string_length(o.j) : 0;
  long long len = str ? (long long)tpl_utf8_len(str, slen) : (long long)json_array_size(o.j);
  /* PySlice_AdjustIndices */
  long long start, stop;
  for (int k = 0; k < 2; k++) {
    long long x = v[k];
    if (!set[k]) x = step < 0 ? (k == 0 ? len - 1 : -1) : (k == 0 ? 0 : len);
    else if (x < 0) {
      x += len;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= len) {
      x = step < 0 ? len - 1 : len;
    }
    if (k == 0) start = x;
    else stop = x;
  }
  long long count = 0;
  if (step < 0 ? stop < start : start < stop)
    count = step < 0 ? (start - stop - 1) / -step + 1 : (stop - start - 1) / step + 1;
  if (!str) {
    json_t *r = json_array();
    if (!r) {
      rc = CC_ENOMEM;
      goto out;
    }
    /* start + i * step stays within the bounds for i < count (no overflow). */
    for (long long i = 0; i < count; i++)
      if (json_array_append(r, json_array_get(o.j, (size_t)(start + i * step)))) {
        json_decref(r);
        rc = CC_ENOMEM;
        goto out;
      }
    *out = tpl_own(r);
    if (tpl_tuple_kind(o.j) == TPL_TUPLE) rc = tpl_tuple_mark(r, TPL_TUPLE);
    goto out;
  }
  /* Byte offsets of the code points, then the picked ones. */
  size_t *off = malloc(((size_t)len + 1) * sizeof *off);
  cc_buf b = CC_BUF_INIT;
  if (!off) {
    rc = CC_ENOMEM;
    goto out;
  }
  for (size_t i = 0, k = 0; i < slen; i++)
    if (((unsigned char)str[i] & 0xC0) != 0x80) off[k++] = i;
  off[len] = slen;
  for (long long i = 0; i < count && rc == CC_OK; i++) {
    long long at = start + i * step;
    if (cc_buf_add(&b, str + off[at], off[at + 1] - off[at])) rc = CC_ENOMEM;
  }
  if (rc == CC_OK) {
    *out = tpl_own(tpl_json_strn(b.ptr ? b.ptr : "", b.len));
    out->safe = o.safe;
    if (!out->j) rc = CC_ENOMEM;
  }
  free(off);
  cc_buf_free(&b);
out:
  tpl_val_drop(&o);
  return rc;
}

/* ---- expressions ---- */

static int S_eval_list(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  json_t *a = json_array();
  int rc = CC_OK;
  if (!a) return CC_ENOMEM;
  for (int i = 0; i < n->n && rc == CC_OK; i++) {
    tpl_val v;
    if ((rc = tpl_eval(rs, n->kids[i], &v))) break;
    /* Strict mode fails as soon as an undefined value is kept (Jinja2's
     * StrictUndefined fails at its first use). */
    if (!v.j && rs->strict) {
      rc = tpl_fail_undef(rs, n->kids[i], &v);
      break;
    }
    if (json_array_append_new(a, tpl_val_store(&v))) rc = CC_ENOMEM;
  }
  if (rc) {
    json_decref(a);
    return rc;
  }
  *out = tpl_own(a);
  return CC_OK;
}

static int S_eval_dict(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  json_t *o = json_object();
  int rc = CC_OK;
  if (!o) return CC_ENOMEM;
  for (int i = 0; i + 1 < n->n && rc == CC_OK; i += 2) {
    tpl_val k, v;
    if ((rc = tpl_eval(rs, n->kids[i], &k))) break;
    if (!k.j || !json_is_string(k.j)) {
      tpl_val_drop(&k);
      rc = tpl_fail(rs, n->kids[i], CC_EINVAL, "only string keys are supported in dict literals");
      break;
    }
    if ((rc = tpl_eval(rs, n->kids[i + 1], &v))) {
      tpl_val_drop(&k);
      break;
    }
    if (!v.j && rs->strict) rc = tpl_fail_undef(rs, n->kids[i + 1], &v);
    else if (json_object_set_new(o, json_string_value(k.j), tpl_val_store(&v))) rc = CC_ENOMEM;
    tpl_val_drop(&k);
  }
  if (rc) {
    json_decref(o);
    return rc;
  }
  *out = tpl_own(o);
  return CC_OK;
}

/* tpl_eval with its first cases inline: a literal, a variable of the
 * innermost scope (its value borrowed). */
static inline int S_eval_leaf(tpl_rs *rs, const tpl_node *e, tpl_val *out) {
  if (e->kind == E_LIT) {
    *out = tpl_ref(e->lit);
    return CC_OK;
  }
  const tpl_var *var;
  if (e->kind == E_NAME && (var = tpl_find_local(rs, e->s)) && (!var->loop || var->v.j)) {
    *out = var->v;
    out->own = 0;
    return CC_OK;
  }
  return tpl_eval(rs, e, out);
}

int tpl_eval_args(tpl_rs *rs, const tpl_node *n, tpl_val *args) {
  for (int i = 0; i < n->n; i++) {
    int rc = S_eval_leaf(rs, n->kids[i], &args[i]);
    if (rc) {
      for (int k = 0; k < i; k++) tpl_val_drop(&args[k]);
      return rc;
    }
  }
  return CC_OK;
}


/* Calls the macro M that N's callee evaluated to (a macro kept in a list,
 * a dict, a namespace: d["f"](x), ns.f(x)). */
static int S_apply_macro(tpl_rs *rs, const tpl_node *n, tpl_obj *m, tpl_val *out) {
  tpl_val args[32];
  int rc = tpl_eval_args(rs, n, args);
  if (rc) return rc;
  rc = tpl_call_macro(rs, n, m, args, NULL, out);
  tpl_drop_args(args, n->n);
  return rc;
}

static tpl_obj *S_macro_of(tpl_rs *rs, const json_t *j) {
  tpl_obj *m = tpl_obj_of(rs, j);
  return m && (m->kind == TPL_OBJ_MACRO || m->kind == TPL_OBJ_CALLER) ? m : NULL;
}

/* S_eval_inner's filters, tests and calls (apart, so that their argument
 * array is not on the stack of every expression). */
static __attribute__((noinline)) int S_eval_apply(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  tpl_val a = tpl_undef(NULL), args[32];
  int rc, r;
  if (n->n > 32) return tpl_fail(rs, n, CC_EINVAL, "too many arguments");
  /* Macros, globals, loop(...), cycler and joiner methods. */
  if (n->kind == E_CALL && (rc = tpl_call(rs, n, out)) != 1) return rc;
  if (n->kind == E_CALL && n->a->kind != E_ATTR) {
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    tpl_obj *m = S_macro_of(rs, a.j), *o = m ? NULL : tpl_obj_of(rs, a.j);
    if (m) rc = S_apply_macro(rs, n, m, out);
    else if (!o || (rc = tpl_obj_method(rs, n, o, NULL, out)) == 1)
      rc = !a.j ? tpl_fail_undef(rs, n, &a) : tpl_fail(rs, n, CC_EINVAL, "'%s' object is not callable", tpl_type_name(a.j));
    tpl_val_drop(&a);
    return rc;
  }
  if ((rc = tpl_eval(rs, n->kind == E_CALL ? n->a->a : n->a, &a))) return rc;
  tpl_obj *m = n->kind == E_CALL && a.j && json_is_object(a.j) ? S_macro_of(rs, json_object_get(a.j, n->a->s)) : NULL, *o;
  /* A cycler's methods, a joiner in a dict (cycler(..).next(), ns.c.next(), ns.j()). */
  if (n->kind == E_CALL && !m &&
      (((o = tpl_obj_of(rs, a.j)) && (rc = tpl_obj_method(rs, n, o, n->a->s, out)) != 1) ||
       (a.j && json_is_object(a.j) && (o = tpl_obj_of(rs, json_object_get(a.j, n->a->s))) &&
        (rc = tpl_obj_method(rs, n, o, NULL, out)) != 1))) {
    tpl_val_drop(&a);
    return rc;
  }
  if (m) {
    rc = S_apply_macro(rs, n, m, out);
    tpl_val_drop(&a);
    return rc;
  }
  if ((rc = tpl_eval_args(rs, n, args)) == CC_OK) {
    if (n->kind == E_FILTER) rc = tpl_filter(rs, n, &a, args, out);
    else if (n->kind == E_CALL) rc = tpl_method(rs, n, &a, args, out);
    else if ((rc = tpl_test(rs, n, &a, args, &r)) == CC_OK) *out = tpl_own(json_boolean(n->neg ? !r : r));
    tpl_drop_args(args, n->n);
  }
  tpl_val_drop(&a);
  if (rc == CC_ERR) rc = tpl_fail(rs, n, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  if (rc == CC_OK && !out->j && !out->hint && !out->owner) rc = CC_ENOMEM;
  return rc;
}

static int S_eval_inner(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  tpl_val a = tpl_undef(NULL), b = tpl_undef(NULL);
  int rc = CC_OK, r;
  switch (n->kind) {
  case E_LIT:
    *out = tpl_ref(n->lit);
    return CC_OK;
  case E_LIST:
    if (n->lit) { /* a list of literals, made by the parser */
      *out = tpl_ref(n->lit);
      return CC_OK;
    }
    return S_eval_list(rs, n, out);
  case E_TUPLE:
    if ((rc = S_eval_list(rs, n, out))) return rc;
    return tpl_tuple_mark(out->j, TPL_TUPLE);
  case E_DICT:
    return S_eval_dict(rs, n, out);
  case E_NAME: {
    tpl_var *var;
    json_t *j;
    tpl_find_var(rs, n->s, &var, &j);
    if (var) {
      if (var->loop && !var->v.j && (rc = tpl_loop_obj(var))) return rc;
      *out = var->v;
      out->own = 0;
      return CC_OK;
    }
    *out = j ? tpl_ref(j) : tpl_undef(n->s);
    tpl_val_fix_safe(out); /* a Markup value of an imported template's scope */
    return CC_OK;
  }
  case E_SLOT:
    *out = rs->slot ? tpl_dup(rs->slot) : tpl_undef(NULL);
    return CC_OK;
  case E_DYN:
    return tpl_eval_dyn(rs, n, out);
  case E_ARG:
    *out = tpl_ref(n->lit);
    tpl_val_fix_safe(out);
    return CC_OK;
  case E_SLICE:
    return S_slice(rs, n, out);
  case E_ATTR:
    if ((r = S_loop_attr(rs, n, out)) != 1) return r;
    /* fall through */
  case E_ITEM:
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    if (n->kind == E_ITEM && (rc = tpl_eval(rs, n->b, &b))) break;
    rc = S_getitem(rs, n, &a, &b, n->kind == E_ATTR ? n->s : NULL, out);
    break;
  case E_NEG:
  case E_POS:
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    rc = tpl_unary(rs, n, &a, out);
    break;
  case E_NOT:
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    if (!a.j && rs->strict) rc = tpl_fail_undef(rs, n, &a);
    else *out = tpl_own(json_boolean(!tpl_truthy(&a)));
    break;
  case E_AND:
  case E_OR:
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    if (!a.j && rs->strict) {
      rc = tpl_fail_undef(rs, n, &a);
      break;
    }
    if (tpl_truthy(&a) == (n->kind == E_OR)) {
      *out = a;
      return CC_OK;
    }
    tpl_val_drop(&a);
    return tpl_eval(rs, n->b, out);
  case E_COND:
    if ((rc = tpl_truth(rs, n->a, &r))) return rc;
    if (r) return tpl_eval(rs, n->b, out);
    if (n->c) return tpl_eval(rs, n->c, out);
    *out = tpl_undef(S_cond_hint);
    return CC_OK;
  case E_BIN:
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    if ((rc = tpl_eval(rs, n->b, &b))) break;
    rc = tpl_binop_num(rs, n, &a, &b, out, NULL);
    break;
  case E_CMP: {
    if ((rc = tpl_eval(rs, n->a, &a))) return rc;
    int res = 1;
    for (int i = 0; i < n->n && res; i++) {
      if ((rc = tpl_eval(rs, n->kids[i], &b))) break;
      if ((rc = tpl_cmp(rs, n, n->ops[i], &a, &b, &res))) break;
      tpl_val_drop(&a);
      a = b;
      b = tpl_undef(NULL);
    }
    if (rc == CC_OK) *out = tpl_own(json_boolean(res));
    break;
  }
  case E_FILTER:
  case E_TEST:
  case E_CALL:
    return S_eval_apply(rs, n, out);
  default:
    rc = tpl_fail(rs, n, CC_EINVAL, "not an expression");
    break;
  }
  tpl_val_drop(&a);
  tpl_val_drop(&b);
  if (rc == CC_ERR) rc = tpl_fail(rs, n, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  if (rc == CC_OK && !out->j && !out->hint && !out->owner && n->kind != E_COND) rc = CC_ENOMEM;
  return rc;
}

int tpl_eval(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  /* Leaves first: a literal, a variable (its value borrowed), a name of
   * the context; they nest nothing, so no depth is counted. */
  if (n->kind == E_LIT) {
    *out = tpl_ref(n->lit);
    return CC_OK;
  }
  if (n->kind == E_NAME) {
    tpl_var *var = tpl_find_local(rs, n->s);
    json_t *j = NULL;
    if (!var) tpl_find_var_outer(rs, n->s, &var, &j);
    if (!var) {
      *out = j ? tpl_ref(j) : tpl_undef(n->s);
      tpl_val_fix_safe(out); /* a Markup value of an imported template's scope */
      return CC_OK;
    }
    if (!var->loop || var->v.j) {
      *out = var->v;
      out->own = 0;
      return CC_OK;
    }
  }
  if (n->kind == E_ATTR && n->a->kind == E_NAME) {
    /* name.key of a dict that has the key: the value, borrowed. */
    tpl_var *var = tpl_find_local(rs, n->a->s);
    json_t *j = NULL, *v;
    if (!var) tpl_find_var_outer(rs, n->a->s, &var, &j);
    if (var && !var->loop) j = var->v.j;
    else if (var) j = NULL;
    if (j && json_is_object(j) && (v = tpl_obj_getn(j, n->s, n->slen))) {
      *out = tpl_ref(v);
      tpl_val_fix_safe(out);
      return CC_OK;
    }
  }
  *out = tpl_undef(NULL);
  if (rs->depth >= rs->max_depth * S_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, n, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  rs->depth++;
  int rc = S_eval_inner(rs, n, out);
  rs->depth--;
  if (rc) {
    tpl_val_drop(out);
    rs->failed = 1;
  }
  return rc;
}

/* {{ X|f(...) }} of a filter flagged TPL_F_DIRECT (not for CommonMark):
 * the filter appends its string result to the output itself, escaped as
 * tpl_emit would (tpl_f_put), instead of making a string value. Returns 1
 * when E is printed some other way. */
static int S_out_filter(tpl_rs *rs, const tpl_node *e) {
  if (rs->md_escape || e->n > 32) return 1;
  if (rs->depth >= rs->max_depth * S_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  tpl_val in, args[32], v = tpl_undef(NULL);
  size_t before = rs->out->len;
  int rc, used = 0;
  rs->depth++;
  if ((rc = S_eval_leaf(rs, e->a, &in)) == CC_OK) {
    if ((rc = tpl_eval_args(rs, e, args)) == CC_OK) {
      rs->direct = rs->out;
      rc = tpl_filter(rs, e, &in, args, &v);
      used = !rs->direct;
      rs->direct = NULL;
      tpl_drop_args(args, e->n);
    }
    tpl_val_drop(&in);
  }
  rs->depth--;
  /* As S_eval_apply and tpl_emit finish. */
  if (rc == CC_ERR) rc = tpl_fail(rs, e, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  if (rc == CC_OK && !v.j && !v.hint && !v.owner) rc = CC_ENOMEM;
  if (rc) {
    tpl_val_drop(&v);
    rs->failed = 1;
    return used ? S_emitted(rs, e, before, rc) : rc;
  }
  if (tpl_is_direct_done(&v)) return S_emitted(rs, e, before, CC_OK);
  rc = tpl_emit(rs, e, &v);
  tpl_val_drop(&v);
  return rc;
}

/* {{ S|upper }} (lower, capitalize) of a string printed as it is: mapped
 * straight into the output. Returns 1 when E is something else. */
static int S_out_case(tpl_rs *rs, const tpl_node *e) {
  const tpl_fdef *def = e->def;
  unsigned fl = def ? def->flags : 0;
  int mode = fl & TPL_F_UPPER ? TPL_UPPER : fl & TPL_F_LOWER ? TPL_LOWER : fl & TPL_F_CAPITAL ? TPL_TITLE : -1;
  if (mode < 0 && (fl & TPL_F_DIRECT)) return S_out_filter(rs, e);
  if (mode < 0 || e->n) return 1;
  if (rs->depth >= rs->max_depth * S_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  tpl_val in, v;
  int rc;
  rs->depth++;
  rc = tpl_eval(rs, e->a, &in);
  if (rc == CC_OK && in.j && json_is_string(in.j) && ((!rs->autoescape && !rs->md_escape) || in.safe)) {
    size_t before = rs->out->len;
    rc = tpl_case_map(rs->out, json_string_value(in.j), json_string_length(in.j), mode);
    rc = S_emitted(rs, e, before, rc);
    tpl_val_drop(&in);
    rs->depth--;
    return rc;
  }
  /* Anything else: the filter, then the usual printing. */
  if (rc == CC_OK) rc = tpl_filter(rs, e, &in, NULL, &v);
  tpl_val_drop(&in);
  rs->depth--;
  if (rc) {
    rs->failed = 1;
    return rc;
  }
  rc = tpl_emit(rs, e, &v);
  tpl_val_drop(&v);
  return rc;
}

/* {{ E }} for the common numeric E without building a value: loop.index
 * and friends, and arithmetic on numbers. Returns 1 when E is something
 * else (nothing was evaluated). */
static int S_out_direct(tpl_rs *rs, const tpl_node *e) {
  tpl_pnum num = {-1, 0, 0};
  if (e->kind == E_ATTR) {
    const tpl_loop *l = S_loop_of(rs, e);
    if (!l || !S_loop_int(l, e->s, e->slen, &num.i)) return 1;
    num.real = 0;
    return S_emit_num(rs, e, &num);
  }
  if (e->kind == E_FILTER) return S_out_case(rs, e);
  if (e->kind == E_CALL) {
    /* S_eval's depth accounting for E, which is evaluated here. */
    if (rs->depth >= rs->max_depth * S_EXPR_DEPTH_FACTOR)
      return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
    tpl_val v = tpl_undef(NULL);
    int emitted = 0, rc;
    size_t before = rs->out->len;
    rs->depth++;
    rc = tpl_call_out(rs, e, &v, &emitted);
    rs->depth--;
    if (rc == 1) return 1;
    if (rc) {
      tpl_val_drop(&v);
      rs->failed = 1;
      return rc;
    }
    if (emitted) return S_emitted(rs, e, before, CC_OK);
    rc = tpl_emit(rs, e, &v);
    tpl_val_drop(&v);
    return rc;
  }
  if (e->kind != E_BIN || e->s[0] == '~') return 1;
  /* S_eval's depth accounting for E, which is evaluated here. */
  if (rs->depth >= rs->max_depth * S_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  tpl_val a, b, v = tpl_undef(NULL);
  int rc, used = 0;
  size_t before = rs->out->len;
  rs->depth++;
  if ((rc = tpl_eval(rs, e->a, &a)) == CC_OK) {
    if ((rc = tpl_eval(rs, e->b, &b)) == CC_OK) {
      if (tpl_is_num(a.j) && tpl_is_num(b.j)) {
        rc = tpl_binop_num(rs, e, &a, &b, NULL, &num);
      } else {
        /* A string result (repetition, concatenation, %) may go straight out. */
        rs->direct = rs->md_escape ? NULL : rs->out;
        rc = tpl_binop_num(rs, e, &a, &b, &v, NULL);
        used = !rs->direct && !rs->md_escape;
        rs->direct = NULL;
      }
      tpl_val_drop(&b);
    }
    tpl_val_drop(&a);
  }
  rs->depth--;
  if (rc == CC_ERR) rc = tpl_fail(rs, e, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  if (rc == CC_OK && num.real < 0 && !v.j && !v.hint && !v.owner) rc = CC_ENOMEM;
  if (rc) {
    tpl_val_drop(&v);
    rs->failed = 1;
    return used ? S_emitted(rs, e, before, rc) : rc;
  }
  if (tpl_is_direct_done(&v)) return S_emitted(rs, e, before, CC_OK);
  if (num.real >= 0) return S_emit_num(rs, e, &num);
  rc = tpl_emit(rs, e, &v);
  tpl_val_drop(&v);
  return rc;
}


/* Prints J, the value of a variable or of an attribute of one (SAFE:
 * Markup), when it is a string or a number: straight into the output,
 * as tpl_emit would print it. Returns 1 for anything else. Inline: a
 * string is the common case, and costs a copy (or an escape). */
static inline __attribute__((always_inline)) int S_out_leaf(tpl_rs *rs, const tpl_node *e, const json_t *j, int safe) {
  size_t before = rs->out->len;
  int rc;
  if (json_is_string(j))
    rc = rs->autoescape && !safe ? S_escape(rs->out, json_string_value(j), json_string_length(j))
                                 : tpl_buf_add(rs->out, json_string_value(j), json_string_length(j));
  else if (json_is_integer(j))
    rc = tpl_fmt_int(rs->out, (long long)json_integer_value(j));
  else if (json_is_real(j))
    rc = tpl_fmt_float(rs->out, json_real_value(j));
  else
    return 1;
  if (rc) rc = rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM;
  return S_emitted(rs, e, before, rc);
}

int tpl_out(tpl_rs *rs, const tpl_node *e) {
  tpl_val v;
  int rc;
  if (e->kind == E_NAME && !rs->md_escape) {
    /* {{ name }} of a string or number variable, or of the context
     * (never Markup there): printed (escaped) from its value. */
    tpl_var *var = tpl_find_local(rs, e->s);
    json_t *cj = NULL;
    if (!var) tpl_find_var_outer(rs, e->s, &var, &cj);
    const json_t *j = var ? var->v.j : cj;
    if (j && (rc = S_out_leaf(rs, e, j, var ? var->v.safe : tpl_json_markup(j))) != 1) return rc;
  } else if (e->kind == E_ATTR && e->a->kind == E_NAME && !rs->md_escape) {
    /* {{ name.key }} of a dict that has the key (tpl_eval's fast path)
     * whose value is a string or a number. */
    tpl_var *var = tpl_find_local(rs, e->a->s);
    json_t *j = NULL, *x;
    if (!var) tpl_find_var_outer(rs, e->a->s, &var, &j);
    if (var) j = var->loop ? NULL : var->v.j;
    if (j && json_is_object(j) && (x = tpl_obj_getn(j, e->s, e->slen))) {
      v = tpl_ref(x);
      tpl_val_fix_safe(&v);
      if ((rc = S_out_leaf(rs, e, x, v.safe)) != 1) return rc;
      return tpl_emit(rs, e, &v);
    }
  } else if (e->kind == E_COND) {
    return tpl_out_cond(rs, e);
  } else if (e->kind == E_BIN && e->s[0] == '~') {
    if ((rc = tpl_out_concat(rs, e)) != 1) return rc;
  } else if (e->kind == E_LIT && !rs->md_escape) {
    if ((rc = S_out_leaf(rs, e, e->lit, 0)) != 1) return rc;
  }
  rc = S_out_direct(rs, e);
  if (rc != 1) return rc;
  if ((rc = tpl_eval(rs, e, &v))) return rc;
  rc = tpl_emit(rs, e, &v);
  tpl_val_drop(&v);
  return rc;
}
