/* filters_seq.c: Jinja2's filters over sequences and mappings (first,
 * last, list, length, reverse, sort, unique, min, max, sum, join, batch,
 * slice, dictsort, items, attr). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "filters_int.h"

#define UNUSED (void)a, (void)args

/* The input's items (shared with the input when it is a list: read
 * only); strict mode refuses an undefined input. */
static int S_items(tpl_rs *rs, const tpl_node *n, const tpl_val *in, json_t **items) {
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  return tpl_items(rs, n, in, items);
}

static int S_first_last(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *out, int last) {
  json_t *items;
  int rc = S_items(rs, n, in, &items);
  if (rc) return rc;
  size_t cnt = json_array_size(items);
  if (cnt == 0) *out = tpl_undef(last ? "No last item, sequence was empty." : "No first item, sequence was empty.");
  else *out = tpl_borrow(json_array_get(items, last ? cnt - 1 : 0));
  tpl_val_fix_safe(out);
  /* do_last takes reversed(), which indexes: a Markup's item is Markup;
   * do_first iterates, which yields plain characters. */
  if (cnt && last && in->safe && json_is_string(in->j)) out->safe = 1;
  json_decref(items);
  return CC_OK;
}

TPL_FILTER(tpl_f_first) {
  UNUSED;
  return S_first_last(rs, n, in, out, 0);
}
TPL_FILTER(tpl_f_last) {
  UNUSED;
  return S_first_last(rs, n, in, out, 1);
}

TPL_FILTER(tpl_f_list) {
  UNUSED;
  json_t *items;
  int rc = !in->j && rs->strict ? tpl_fail_undef(rs, n, in) : tpl_f_items(rs, n, in, &items); /* a new list */
  if (rc == CC_OK) *out = tpl_own(items);
  return rc;
}

TPL_FILTER(tpl_f_length) {
  UNUSED;
  size_t len = 0;
  if (!in->j) {
    if (rs->strict) return tpl_fail_undef(rs, n, in);
  } else if (json_is_string(in->j)) {
    len = tpl_utf8_len(json_string_value(in->j), json_string_length(in->j));
  } else if (json_is_array(in->j)) {
    len = json_array_size(in->j);
  } else if (json_is_object(in->j)) {
    len = json_object_size(in->j);
  } else {
    return tpl_fail(rs, n, CC_EINVAL, "object of type '%s' has no len()", tpl_type_name(in->j));
  }
  if (rs->direct) {
    /* Printed as it is (a number is never escaped): its digits. */
    cc_buf *d = rs->direct;
    rs->direct = NULL;
    *out = tpl_direct_done();
    int rc = tpl_fmt_int(d, (long long)len);
    return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
  }
  *out = tpl_own(tpl_int_new((json_int_t)len));
  return out->j ? CC_OK : CC_ENOMEM;
}

TPL_FILTER(tpl_f_reverse) {
  UNUSED;
  json_t *items;
  int rc = S_items(rs, n, in, &items);
  if (rc) return rc;
  size_t cnt = json_array_size(items);
  if (in->j && json_is_string(in->j)) {
    cc_buf b = CC_BUF_INIT;
    for (size_t i = cnt; i-- > 0 && rc == CC_OK;) rc = tpl_str(&b, json_array_get(items, i));
    json_decref(items);
    if (rc) {
      cc_buf_free(&b);
      return CC_ENOMEM;
    }
    return tpl_f_putbuf(rs, out, &b, in->safe); /* a Markup's [::-1] is Markup */
  }
  json_t *r = tpl_arr_new();
  for (size_t i = cnt; r && i-- > 0;)
    if (json_array_append(r, json_array_get(items, i))) {
      json_decref(r);
      r = NULL;
    }
  json_decref(items);
  *out = tpl_own(r);
  return r ? CC_OK : CC_ENOMEM;
}

TPL_FILTER(tpl_f_sort) {
  (void)args;
  char buf[32];
  const char *attr;
  json_t *items, *r = NULL;
  int rc = tpl_f_attr(rs, n, a[2], buf, sizeof buf, &attr);
  if (rc || (rc = S_items(rs, n, in, &items))) return rc;
  rc = tpl_f_sorted(rs, n, items, attr, !tpl_f_truthy(a[1], 0), tpl_f_truthy(a[0], 0), &r);
  json_decref(items);
  if (rc == CC_OK) *out = tpl_own(r);
  return rc;
}

TPL_FILTER(tpl_f_unique) {
  (void)args;
  char buf[32];
  const char *attr;
  json_t *items;
  int rc = tpl_f_attr(rs, n, a[1], buf, sizeof buf, &attr), nomem = 0;
  if (rc || (rc = S_items(rs, n, in, &items))) return rc;
  int lower = !tpl_f_truthy(a[0], 0);
  size_t cnt = json_array_size(items), nseen = 0;
  /* The keys kept so far (a reference each): on the stack when few. */
  typedef struct {
    json_t *k;
    const char *s; /* K's bytes when it is a string */
    size_t l;
  } S_seen;
  S_seen few[16], *seen = cnt <= 16 ? few : malloc(cnt * sizeof *seen);
  json_t *r = tpl_arr_new();
  rc = (r && seen) ? CC_OK : CC_ENOMEM;
  for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
    json_t *it = json_array_get(items, i), *k = tpl_f_key(it, attr, lower, &nomem);
    if (!k && !nomem && !rs->strict) k = tpl_undef_item(); /* Undefined, one of a kind */
    if (!k) {
      rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "unique(): an item has no attribute '%s'", attr ? attr : "");
      break;
    }
    if ((json_is_array(k) && tpl_tuple_kind(k) == TPL_LIST) || json_is_object(k)) {
      rc = tpl_fail(rs, n, CC_EINVAL, "unhashable type: '%s'", tpl_type_name(k));
      json_decref(k);
      break;
    }
    int dup = 0;
    const char *ks = json_is_string(k) && !tpl_is_undef_item(k) ? json_string_value(k) : NULL;
    size_t kl = ks ? json_string_length(k) : 0;
    for (size_t s = 0; s < nseen && !dup; s++)
      dup = ks && seen[s].s ? seen[s].l == kl && !memcmp(seen[s].s, ks, kl) : tpl_equal(seen[s].k, k);
    if (dup) {
      json_decref(k);
      continue;
    }
    seen[nseen].k = k;
    seen[nseen].s = ks;
    seen[nseen++].l = kl;
    if (json_array_append(r, it)) rc = CC_ENOMEM;
  }
  json_decref(items);
  for (size_t s = 0; s < nseen; s++) json_decref(seen[s].k);
  if (seen != few) free(seen);
  if (rc) {
    json_decref(r);
    return rc;
  }
  *out = tpl_own(r);
  return CC_OK;
}

/* min/max: the first smallest (largest) item by the key, ties keeping
 * the first, as Python's min and max do. */
static int S_minmax(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a, tpl_val *out, int max) {
  char buf[32];
  const char *attr;
  json_t *items, *best = NULL, *bestk = NULL;
  int rc = tpl_f_attr(rs, n, a[1], buf, sizeof buf, &attr), nomem = 0;
  if (rc || (rc = S_items(rs, n, in, &items))) return rc;
  int lower = !tpl_f_truthy(a[0], 0), bestown = 0;
  tpl_f_keyer ky;
  tpl_f_keyer_init(&ky, attr);
  for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
    int own = 0;
    json_t *it = json_array_get(items, i), *k = tpl_f_key_get(&ky, it, lower, &own, &nomem);
    int c = 0;
    if (!k && !nomem && !rs->strict && (k = tpl_undef_item())) own = 1; /* fails when compared */
    if (!k) {
      rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "%s(): an item has no attribute '%s'", n->s, attr ? attr : "");
      break;
    }
    if (bestk && tpl_compare(k, bestk, &c)) {
      rc = tpl_fail(rs, n, CC_EINVAL, "'%s' not supported between instances of '%s' and '%s'", max ? ">" : "<",
                    tpl_type_name(k), tpl_type_name(bestk));
      if (own) json_decref(k);
      break;
    }
    if (!bestk || (max ? c > 0 : c < 0)) {
      if (bestown) json_decref(bestk);
      bestk = k;
      bestown = own;
      best = it;
    } else if (own) {
      json_decref(k);
    }
  }
  if (rc == CC_OK) *out = best ? tpl_borrow(best) : tpl_undef("No aggregated item, sequence was empty.");
  if (rc == CC_OK) tpl_val_fix_safe(out);
  if (bestown) json_decref(bestk);
  json_decref(items);
  return rc;
}

TPL_FILTER(tpl_f_min) {
  (void)args;
  return S_minmax(rs, n, in, a, out, 0);
}
TPL_FILTER(tpl_f_max) {
  (void)args;
  return S_minmax(rs, n, in, a, out, 1);
}

/* sum(iterable, attribute=None, start=0): a left fold of + from START. */
TPL_FILTER(tpl_f_sum) {
  (void)args;
  char buf[32];
  const char *path;
  json_t *items = NULL;
  int rc = tpl_f_attr(rs, n, a[0], buf, sizeof buf, &path), nomem = 0;
  if (rc) return rc;
  if (a[1] && a[1]->j && json_is_string(a[1]->j))
    return tpl_fail(rs, n, CC_EINVAL, "sum() can't sum strings [use ''.join(seq) instead]");
  if ((rc = tpl_items(rs, n, in, &items))) return rc;
  /* Numbers from an int start (or none): added in C, in order, as the
   * general loop below adds them (ints in 64 bits, then floats once one
   * is met); anything else (an overflow, a non-finite sum, an item that is
   * not a number) goes the general way from the start. */
  if (json_array_size(items) && (!a[1] || (a[1]->j && (json_is_integer(a[1]->j) || json_is_boolean(a[1]->j))))) {
    long long iacc = a[1] ? (json_is_integer(a[1]->j) ? (long long)json_integer_value(a[1]->j) : json_is_true(a[1]->j)) : 0;
    double facc = 0;
    int isf = 0, ok = 1, own = 0;
    tpl_f_keyer ky;
    tpl_f_keyer_init(&ky, path);
    for (size_t i = 0; i < json_array_size(items) && ok; i++) {
      json_t *k = tpl_f_key_get(&ky, json_array_get(items, i), 0, &own, &nomem);
      if (!k) ok = 0;
      else if (json_is_integer(k) || json_is_boolean(k)) {
        long long v = json_is_integer(k) ? (long long)json_integer_value(k) : json_is_true(k);
        if (isf) facc += (double)v;
        else if (__builtin_add_overflow(iacc, v, &iacc)) ok = 0;
      } else if (json_is_real(k)) {
        if (!isf) facc = (double)iacc;
        isf = 1;
        facc += json_real_value(k);
      } else {
        ok = 0;
      }
      if (own) json_decref(k);
      if (isf && !isfinite(facc)) ok = 0;
    }
    nomem = 0;
    if (ok) {
      json_decref(items);
      return isf ? tpl_f_put_real(rs, out, facc) : tpl_f_put_int(rs, out, iacc);
    }
  }
  tpl_node plus = *n;
  plus.s = "+";
  plus.b = NULL;
  tpl_val acc = a[1] ? tpl_dup(a[1]) : tpl_own(tpl_int_new(0));
  if (!acc.j) rc = a[1] ? tpl_fail_undef(rs, n, a[1]) : CC_ENOMEM;
  for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
    json_t *k = tpl_f_key(json_array_get(items, i), path, 0, &nomem);
    if (!k && !nomem && !rs->strict) k = tpl_undef_item(); /* fails when added */
    if (!k) {
      rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "sum(): an item has no attribute '%s'", path);
      break;
    }
    tpl_val iv = tpl_own(k), r;
    rc = tpl_binop(rs, &plus, &acc, &iv, &r);
    tpl_val_drop(&iv);
    tpl_val_drop(&acc);
    acc = r;
  }
  json_decref(items);
  if (rc) {
    tpl_val_drop(&acc);
    return rc;
  }
  *out = acc;
  out->safe = 0;
  return CC_OK;
}

/* join, as do_join: under autoescape the result is Markup when the
 * delimiter or an item is, with the other parts escaped. */
TPL_FILTER(tpl_f_join) {
  (void)args;
  json_t *items;
  char abuf[32];
  const char *attr = NULL;
  int rc = tpl_f_attr(rs, n, a[1], abuf, sizeof abuf, &attr), nomem = 0;
  if (rc || (rc = tpl_items(rs, n, in, &items))) return rc;
  tpl_val d = a[0] ? *a[0] : tpl_undef(NULL);
  cc_buf b = CC_BUF_INIT, ds = CC_BUF_INIT;
  size_t cnt = json_array_size(items);
  if (!attr && !rs->autoescape && (!d.j || json_is_string(d.j)) && (d.j || !a[0] || !rs->strict)) {
    /* The common case (no attribute, no autoescape, a string delimiter or
     * none): the items printed straight from the array. */
    const char *dp = d.j ? json_string_value(d.j) : "";
    size_t dl = d.j ? json_string_length(d.j) : 0;
    b = tpl_f_scratch(rs);
    for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
      if (i) rc = tpl_buf_add(&b, dp, dl);
      if (rc == CC_OK) rc = tpl_str(&b, json_array_get(items, i));
      if (rc == CC_OK && b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "join result exceeds the output limit");
    }
    if (rc == CC_OK) rc = tpl_f_put_valid(rs, out, b.ptr ? b.ptr : "", b.len, 0);
    tpl_f_unscratch(rs, &b);
    json_decref(items);
    return rc;
  }
  json_t **parts = calloc(cnt ? cnt : 1, sizeof *parts);
  if (!parts) rc = CC_ENOMEM;
  /* The parts: the items or their attribute (NULL: missing). */
  for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
    json_t *it = json_array_get(items, i);
    parts[i] = attr ? tpl_f_key(it, attr, 0, &nomem) : json_incref(it);
    if (nomem) rc = CC_ENOMEM;
    else if (!parts[i] && rs->strict) rc = tpl_fail(rs, n, CC_EINVAL, "join(): an item has no attribute '%s'", attr);
  }
  int markup = 0;
  if (rc == CC_OK && rs->autoescape) {
    markup = d.safe;
    for (size_t i = 0; i < cnt && !markup; i++) markup = parts[i] && tpl_tuple_kind(parts[i]) == TPL_MARKUP;
  }
  if (rc == CC_OK && a[0]) {
    if (markup && !d.safe) {
      cc_buf t = CC_BUF_INIT;
      rc = tpl_to_buf(rs, n, &d, &t);
      if (rc == CC_OK && tpl_escape(&ds, t.ptr ? t.ptr : "", t.len)) rc = CC_ENOMEM;
      cc_buf_free(&t);
    } else {
      rc = tpl_to_buf(rs, n, &d, &ds);
    }
  }
  for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
    if (i) rc = cc_buf_add(&b, ds.ptr ? ds.ptr : "", ds.len);
    if (rc == CC_OK && parts[i]) {
      if (markup && tpl_tuple_kind(parts[i]) != TPL_MARKUP) {
        cc_buf t = CC_BUF_INIT;
        rc = tpl_str(&t, parts[i]);
        if (rc == CC_OK) rc = tpl_escape(&b, t.ptr ? t.ptr : "", t.len);
        cc_buf_free(&t);
      } else {
        rc = tpl_str(&b, parts[i]);
      }
    }
    if (rc == CC_OK && b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "join result exceeds the output limit");
  }
  if (rc == CC_OK) rc = tpl_f_putbuf(rs, out, &b, markup);
  for (size_t i = 0; parts && i < cnt; i++) json_decref(parts[i]);
  free(parts);
  cc_buf_free(&b);
  cc_buf_free(&ds);
  json_decref(items);
  return rc;
}

/* batch(n, fill_with) and slice(n, fill_with): a list of lists. */
static int S_chunked(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a, tpl_val *out, int slice) {
  long long k;
  json_t *items, *r = NULL;
  int rc;
  if (!a[0]) return tpl_fail(rs, n, CC_EINVAL, "%s() missing 1 required positional argument", n->s);
  if ((rc = tpl_f_int(rs, n, a[0], 0, &k))) return rc;
  if ((rc = S_items(rs, n, in, &items))) return rc;
  const json_t *fill = a[1] && a[1]->j && !json_is_null(a[1]->j) ? a[1]->j : NULL;
  size_t len = json_array_size(items);
  if (k <= 0 && (slice || len)) {
    json_decref(items);
    if (slice) return tpl_fail(rs, n, CC_EINVAL, "integer division or modulo by zero");
    return tpl_fail(rs, n, CC_EINVAL, "batch(): line count must be positive");
  }
  if (slice && (unsigned long long)k > rs->max_iter) {
    json_decref(items);
    return tpl_fail(rs, n, CC_ELIMIT, "slice count exceeds the iteration limit");
  }
  if (!(r = tpl_arr_new())) rc = CC_ENOMEM;
  if (slice) {
    size_t per = len / (size_t)k, extra = len % (size_t)k, off = 0;
    for (size_t s = 0; s < (size_t)k && rc == CC_OK; s++) {
      size_t start = off + s * per;
      if (s < extra) off++;
      size_t end = off + (s + 1) * per;
      json_t *part = tpl_arr_new();
      if (!part || json_array_append_new(r, part)) {
        rc = CC_ENOMEM;
        break;
      }
      for (size_t i = start; i < end && rc == CC_OK; i++)
        if (json_array_append(part, json_array_get(items, i))) rc = CC_ENOMEM;
      if (rc == CC_OK && fill && s >= extra && json_array_append(part, (json_t *)fill)) rc = CC_ENOMEM;
    }
  } else {
    json_t *part = NULL;
    for (size_t i = 0; i < len && rc == CC_OK; i++) {
      if (!part || json_array_size(part) == (size_t)k) {
        if (!(part = tpl_arr_new()) || json_array_append_new(r, part)) {
          rc = CC_ENOMEM;
          break;
        }
      }
      if (json_array_append(part, json_array_get(items, i))) rc = CC_ENOMEM;
    }
    while (rc == CC_OK && part && fill && json_array_size(part) < (size_t)k)
      if (json_array_append(part, (json_t *)fill)) rc = CC_ENOMEM;
  }
  json_decref(items);
  if (rc) {
    json_decref(r);
    return rc;
  }
  *out = tpl_own(r);
  return CC_OK;
}

TPL_FILTER(tpl_f_batch) {
  (void)args;
  return S_chunked(rs, n, in, a, out, 0);
}
TPL_FILTER(tpl_f_slice) {
  (void)args;
  return S_chunked(rs, n, in, a, out, 1);
}

/* The (key, value) tuples of the mapping J, in its order. */
static int S_pairs(const json_t *j, json_t **out) {
  json_t *pairs = tpl_arr_new(), *x;
  const char *k;
  if (!pairs) return CC_ENOMEM;
  json_object_foreach((json_t *)j, k, x) {
    json_t *key = json_string(k), *kv[2] = {key, x};
    json_t *t = key ? tpl_tuple_new(kv, 2, TPL_TUPLE) : NULL;
    json_decref(key);
    if (!t || json_array_append_new(pairs, t)) {
      json_decref(pairs);
      return CC_ENOMEM;
    }
  }
  *out = pairs;
  return CC_OK;
}

/* Python's order of the keys A and B (AL, BL bytes; UTF-8 bytes compare
 * as code points), ASCII lowercased first when LOWER. */
static int S_key_cmp(const char *a, size_t al, const char *b, size_t bl, int lower) {
  size_t m = al < bl ? al : bl;
  for (size_t i = 0; i < m; i++) {
    unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (lower) {
      x = x >= 'A' && x <= 'Z' ? (unsigned char)(x + 32) : x;
      y = y >= 'A' && y <= 'Z' ? (unsigned char)(y + 32) : y;
    }
    if (x != y) return x < y ? -1 : 1;
  }
  return al < bl ? -1 : al > bl;
}

/* dictsort by key of a mapping of up to S_DS_MAX keys (ASCII ones when
 * they are lowercased: str.lower() of the rest needs the case tables):
 * the keys sorted in place, stable as sorted() is (with reverse too), and
 * only then the pairs made. 1 when done (*OUT set, or *RC), 0 to take the
 * general path. */
#define S_DS_MAX 32
static int S_dictsort_keys(const json_t *obj, int lower, int reverse, json_t **out, int *rc) {
  size_t cnt = json_object_size(obj), i = 0;
  if (cnt > S_DS_MAX) return 0;
  const char *keys[S_DS_MAX];
  size_t kl[S_DS_MAX];
  json_t *vals[S_DS_MAX];
  size_t idx[S_DS_MAX];
  for (void *it = json_object_iter((json_t *)obj); it && i < cnt; it = json_object_iter_next((json_t *)obj, it), i++) {
    keys[i] = json_object_iter_key(it);
    kl[i] = json_object_iter_key_len(it);
    vals[i] = json_object_iter_value(it);
    if (lower)
      for (size_t c = 0; c < kl[i]; c++)
        if ((unsigned char)keys[i][c] >= 0x80) return 0;
    size_t j = i;
    for (; j > 0; j--) {
      int c = S_key_cmp(keys[idx[j - 1]], kl[idx[j - 1]], keys[i], kl[i], lower);
      if (reverse ? c >= 0 : c <= 0) break;
      idx[j] = idx[j - 1];
    }
    idx[j] = i;
  }
  json_t *pairs = tpl_arr_new();
  *rc = pairs ? CC_OK : CC_ENOMEM;
  for (size_t k = 0; k < i && *rc == CC_OK; k++) {
    json_t *key = tpl_str_new(keys[idx[k]], kl[idx[k]]), *kv[2] = {key, vals[idx[k]]};
    json_t *t = key ? tpl_tuple_new(kv, 2, TPL_TUPLE) : NULL;
    json_decref(key);
    if (!t || json_array_append_new(pairs, t)) *rc = CC_ENOMEM;
  }
  if (*rc) json_decref(pairs);
  else *out = pairs;
  return 1;
}

TPL_FILTER(tpl_f_dictsort) {
  (void)args;
  int rc;
  if (!in->j || !json_is_object(in->j)) {
    if (!in->j) return tpl_fail_undef(rs, n, in);
    return tpl_fail(rs, n, CC_EINVAL, "'%s' object has no attribute 'items'", tpl_type_name(in->j));
  }
  const char *by = "key";
  if (a[1]) {
    if (!a[1]->j || !json_is_string(a[1]->j)) return tpl_fail(rs, n, CC_EINVAL, "You can only sort by either 'key' or 'value'");
    by = json_string_value(a[1]->j);
  }
  if (strcmp(by, "key") && strcmp(by, "value")) return tpl_fail(rs, n, CC_EINVAL, "You can only sort by either 'key' or 'value'");
  json_t *pairs, *r = NULL;
  if (by[0] == 'k' && S_dictsort_keys(in->j, !tpl_f_truthy(a[0], 0), tpl_f_truthy(a[2], 0), &r, &rc)) {
    if (rc == CC_OK) *out = tpl_own(r);
    return rc;
  }
  if ((rc = S_pairs(in->j, &pairs))) return rc;
  rc = tpl_f_sorted(rs, n, pairs, by[0] == 'k' ? "0" : "1", !tpl_f_truthy(a[0], 0), tpl_f_truthy(a[2], 0), &r);
  json_decref(pairs);
  if (rc == CC_OK) *out = tpl_own(r);
  return rc;
}

/* items: the (key, value) tuples of a mapping; undefined is empty. */
TPL_FILTER(tpl_f_items_) {
  UNUSED;
  json_t *pairs;
  int rc;
  if (!in->j) { /* even StrictUndefined: do_items checks it without using it */
    *out = tpl_own(tpl_arr_new());
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (!json_is_object(in->j)) return tpl_fail(rs, n, CC_EINVAL, "Can only get item pairs from a mapping.");
  if ((rc = S_pairs(in->j, &pairs))) return rc;
  *out = tpl_own(pairs);
  return CC_OK;
}

/* attr(name): an attribute, never an item; JSON values have none but the
 * groups of groupby (.grouper, .list), so this is mostly undefined. */
TPL_FILTER(tpl_f_attr_) {
  (void)args;
  if (!a[0]) return tpl_fail(rs, n, CC_EINVAL, "attr() missing 1 required positional argument: 'name'");
  if (!in->j) return tpl_fail_undef(rs, n, in);
  if (!a[0]->j || !json_is_string(a[0]->j)) return tpl_fail(rs, n, CC_EINVAL, "attribute name must be string");
  const char *name = json_string_value(a[0]->j);
  if (json_is_array(in->j) && tpl_tuple_kind(in->j) == TPL_GROUP && (!strcmp(name, "grouper") || !strcmp(name, "list"))) {
    *out = tpl_borrow(json_array_get(in->j, name[0] == 'l'));
    return CC_OK;
  }
  *out = tpl_undef(NULL);
  out->hint = "(attribute)";
  out->owner = tpl_type_name(in->j);
  return CC_OK;
}
