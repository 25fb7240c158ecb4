/* methods.c: the str, dict and list methods Jinja2's sandbox lets
 * templates call (s.split(), '{}'.format(x), d.get(k), d.items(), ...),
 * with Python's semantics. */
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"
#include "format.h"

/* ---- argument helpers ---- */

static int S_nargs(tpl_rs *rs, const tpl_node *n, const char *m, int lo, int hi) {
  for (int i = 0; i < n->n; i++)
    if (n->kw && n->kw[i] && strcmp(m, "format") && strcmp(m, "split") && strcmp(m, "rsplit") && strcmp(m, "splitlines"))
      return tpl_fail(rs, n, CC_EINVAL, "%s() takes no keyword arguments", m);
  if (n->n < lo || n->n > hi) {
    if (lo == hi) return tpl_fail(rs, n, CC_EINVAL, "%s() takes exactly %d argument%s (%d given)", m, lo, lo == 1 ? "" : "s", n->n);
    return tpl_fail(rs, n, CC_EINVAL, "%s() takes %s %d argument%s (%d given)", m, n->n < lo ? "at least" : "at most",
                    n->n < lo ? lo : hi, (n->n < lo ? lo : hi) == 1 ? "" : "s", n->n);
  }
  return CC_OK;
}

int tpl_m_strarg(tpl_rs *rs, const tpl_node *n, const tpl_val *v, const char *what, const char **s, size_t *l) {
  if (!v->j) return tpl_fail_undef(rs, n, v);
  if (!json_is_string(v->j))
    return tpl_fail(rs, n, CC_EINVAL, "%s%smust be str, not %s", what ? what : "", what ? " " : "", tpl_type_name(v->j));
  *s = json_string_value(v->j);
  *l = json_string_length(v->j);
  return CC_OK;
}

static int S_intarg(tpl_rs *rs, const tpl_node *n, const tpl_val *v, long long *out) {
  if (!v->j) return tpl_fail_undef(rs, n, v);
  if (!json_is_integer(v->j) && !json_is_boolean(v->j))
    return tpl_fail(rs, n, CC_EINVAL, "'%s' object cannot be interpreted as an integer", tpl_type_name(v->j));
  *out = json_is_boolean(v->j) ? json_is_true(v->j) : (long long)json_integer_value(v->j);
  return CC_OK;
}

static int S_list_out(tpl_val *out, json_t *a) {
  *out = tpl_own(a);
  return a ? CC_OK : CC_ENOMEM;
}

static int S_append_str(json_t *a, const char *s, size_t l) { return json_array_append_new(a, tpl_json_strn(s, l)) ? CC_ENOMEM : CC_OK; }

static int S_pyws(const char *s, size_t l, size_t *k) {
  *k = tpl_utf8_seq(s, l);
  unsigned char c = (unsigned char)s[0];
  if (*k == 1) return tpl_f_isws(s[0]) || (c >= 0x1c && c <= 0x1f);
  if (*k == 2) return c == 0xC2 && ((unsigned char)s[1] == 0x85 || (unsigned char)s[1] == 0xA0);
  if (*k == 3 && c == 0xE2 && (unsigned char)s[1] == 0x80)
    return (unsigned char)s[2] <= 0x8A || (unsigned char)s[2] == 0xA8 || (unsigned char)s[2] == 0xA9 || (unsigned char)s[2] == 0xAF;
  if (*k == 3) return (c == 0xE1 && (unsigned char)s[1] == 0x9A && (unsigned char)s[2] == 0x80) ||
                      (c == 0xE2 && (unsigned char)s[1] == 0x81 && (unsigned char)s[2] == 0x9F) ||
                      (c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80);
  return 0;
}

/* ---- str.split / rsplit ---- */

static int S_split(tpl_rs *rs, const tpl_node *n, const char *s, size_t l, tpl_val *args, int right, tpl_val *out) {
  const char *sep = NULL;
  size_t sl = 0;
  long long maxsplit = -1;
  int rc;
  for (int i = 0; i < n->n; i++) {
    const char *kw = n->kw ? n->kw[i] : NULL;
    int which = kw ? (!strcmp(kw, "sep") ? 0 : !strcmp(kw, "maxsplit") ? 1 : -1) : i;
    if (which < 0 || which > 1) return tpl_fail(rs, n, CC_EINVAL, "split() got an unexpected argument");
    if (which == 0) {
      if (args[i].j && json_is_null(args[i].j)) continue;
      if ((rc = tpl_m_strarg(rs, n, &args[i], "sep", &sep, &sl))) return rc;
      if (!sl) return tpl_fail(rs, n, CC_EINVAL, "empty separator");
    } else if ((rc = S_intarg(rs, n, &args[i], &maxsplit))) {
      return rc;
    }
  }
  json_t *a = tpl_arr_new();
  if (!a) return CC_ENOMEM;
  rc = CC_OK;
  if (sep) {
    if (!right) {
      size_t start = 0;
      long long done = 0;
      for (size_t i = 0; i + sl <= l && rc == CC_OK && (maxsplit < 0 || done < maxsplit);) {
        if (!memcmp(s + i, sep, sl)) {
          rc = S_append_str(a, s + start, i - start);
          i += sl;
          start = i;
          done++;
        } else {
          i++;
        }
      }
      if (rc == CC_OK) rc = S_append_str(a, s + start, l - start);
    } else {
      /* From the right, then reversed. */
      size_t end = l;
      long long done = 0;
      json_t *r = tpl_arr_new();
      if (!r) rc = CC_ENOMEM;
      for (size_t i = l; i >= sl && rc == CC_OK && (maxsplit < 0 || done < maxsplit);) {
        if (!memcmp(s + i - sl, sep, sl)) {
          rc = S_append_str(r, s + i, end - i);
          i -= sl;
          end = i;
          done++;
        } else {
          i--;
        }
      }
      if (rc == CC_OK) rc = S_append_str(r, s, end);
      for (size_t i = json_array_size(r); rc == CC_OK && i-- > 0;)
        if (json_array_append(a, json_array_get(r, i))) rc = CC_ENOMEM;
      json_decref(r);
    }
  } else {
    /* Runs of whitespace; none at the ends. */
    size_t k;
    if (!right) {
      long long done = 0;
      size_t i = 0;
      while (i < l && rc == CC_OK) {
        while (i < l && S_pyws(s + i, l - i, &k)) i += k;
        if (i >= l) break;
        if (maxsplit >= 0 && done >= maxsplit) {
          /* The rest, trailing whitespace included, as in Python. */
          rc = S_append_str(a, s + i, l - i);
          break;
        }
        size_t j = i;
        while (j < l && !S_pyws(s + j, l - j, &k)) j += k;
        rc = S_append_str(a, s + i, j - i);
        done++;
        i = j;
      }
    } else {
      /* Whitespace split from the right: code point boundaries first. */
      size_t *cp = malloc((l + 1) * sizeof *cp), nc = 0;
      if (!cp) rc = CC_ENOMEM;
      for (size_t i = 0; rc == CC_OK && i < l; i += tpl_utf8_seq(s + i, l - i)) cp[nc++] = i;
      json_t *r = tpl_arr_new();
      if (!r) rc = CC_ENOMEM;
      long long done = 0;
      size_t e = nc; /* code point index */
      while (rc == CC_OK && e > 0) {
        while (e > 0 && S_pyws(s + cp[e - 1], l - cp[e - 1], &k)) e--;
        if (e == 0) break;
        size_t endb = e < nc ? cp[e] : l;
        if (maxsplit >= 0 && done >= maxsplit) {
          rc = S_append_str(r, s, endb);
          break;
        }
        size_t b = e;
        while (b > 0 && !S_pyws(s + cp[b - 1], l - cp[b - 1], &k)) b--;
        rc = S_append_str(r, s + cp[b], endb - cp[b]);
        done++;
        e = b;
      }
      for (size_t i = json_array_size(r); rc == CC_OK && i-- > 0;)
        if (json_array_append(a, json_array_get(r, i))) rc = CC_ENOMEM;
      json_decref(r);
      free(cp);
    }
  }
  if (rc) {
    json_decref(a);
    return rc;
  }
  return S_list_out(out, a);
}

/* ---- strip ---- */

/* Whether the code point at S (K bytes) is in CHARS (NULL: whitespace). */
static int S_in_chars(const char *s, size_t k, const char *chars, size_t cl) {
  if (!chars) {
    size_t kk;
    return S_pyws(s, k, &kk);
  }
  for (size_t i = 0; i < cl;) {
    size_t m = tpl_utf8_seq(chars + i, cl - i);
    if (m == k && !memcmp(chars + i, s, k)) return 1;
    i += m;
  }
  return 0;
}

static int S_strip(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, const char *s, size_t l, tpl_val *args, int left,
                   int right, tpl_val *out) {
  const char *chars = NULL;
  size_t cl = 0;
  int rc;
  if (n->n == 1 && !(args[0].j && json_is_null(args[0].j)) && (rc = tpl_m_strarg(rs, n, &args[0], "strip arg", &chars, &cl))) return rc;
  size_t i = 0, j = l;
  while (left && i < j) {
    size_t k = tpl_utf8_seq(s + i, j - i);
    if (!S_in_chars(s + i, k, chars, cl)) break;
    i += k;
  }
  while (right && j > i) {
    size_t b = j - 1;
    while (b > i && ((unsigned char)s[b] & 0xC0) == 0x80) b--;
    if (!S_in_chars(s + b, j - b, chars, cl)) break;
    j = b;
  }
  return tpl_f_strout(out, s + i, j - i, obj->safe);
}

/* ---- find / count / startswith ---- */

/* Byte offset of code point index IDX (clamped, negative from the end). */
static size_t S_cp_off(const char *s, size_t l, long long idx, size_t ncp) {
  if (idx < 0) idx += (long long)ncp;
  if (idx < 0) idx = 0;
  if ((size_t)idx >= ncp) return l;
  size_t i = 0;
  for (long long c = 0; c < idx; c++) i += tpl_utf8_seq(s + i, l - i);
  return i;
}

static int S_range(tpl_rs *rs, const tpl_node *n, const char *s, size_t l, tpl_val *args, int first, size_t *b, size_t *e) {
  size_t ncp = tpl_utf8_len(s, l);
  long long v = 0;
  int rc;
  *b = 0;
  *e = l;
  if (n->n > first && !(args[first].j && json_is_null(args[first].j))) {
    if ((rc = S_intarg(rs, n, &args[first], &v))) return rc;
    *b = S_cp_off(s, l, v, ncp);
  }
  if (n->n > first + 1 && !(args[first + 1].j && json_is_null(args[first + 1].j))) {
    if ((rc = S_intarg(rs, n, &args[first + 1], &v))) return rc;
    *e = S_cp_off(s, l, v, ncp);
  }
  return CC_OK;
}

static int S_startsends(tpl_rs *rs, const tpl_node *n, const char *s, size_t l, tpl_val *args, int ends, tpl_val *out) {
  size_t b, e;
  int rc = S_range(rs, n, s, l, args, 1, &b, &e), r = 0;
  if (rc) return rc;
  const json_t *p = args[0].j;
  if (!p) return tpl_fail_undef(rs, n, &args[0]);
  size_t cnt = json_is_array(p) ? json_array_size(p) : 1;
  for (size_t i = 0; i < cnt && !r; i++) {
    const json_t *x = json_is_array(p) ? json_array_get(p, i) : p;
    if (!json_is_string(x))
      return tpl_fail(rs, n, CC_EINVAL, "%s first arg must be str or a tuple of str, not %s", ends ? "endswith" : "startswith", tpl_type_name(x));
    size_t pl = json_string_length(x);
    if (b <= e && pl <= e - b) r = !memcmp(ends ? s + e - pl : s + b, json_string_value(x), pl);
  }
  *out = tpl_own(json_boolean(r));
  return CC_OK;
}

static int S_find_count(tpl_rs *rs, const tpl_node *n, const char *s, size_t l, tpl_val *args, int count, int rfind, tpl_val *out) {
  const char *sub = "";
  size_t sl = 0, b, e;
  int rc;
  if ((rc = tpl_m_strarg(rs, n, &args[0], NULL, &sub, &sl)) || (rc = S_range(rs, n, s, l, args, 1, &b, &e))) return rc;
  long long res = count ? 0 : -1;
  if (b <= e) {
    if (count) {
      if (!sl) res = (long long)tpl_utf8_len(s + b, e - b) + 1;
      else
        for (size_t i = b; i + sl <= e;) {
          if (!memcmp(s + i, sub, sl)) {
            res++;
            i += sl;
          } else {
            i++;
          }
        }
    } else if (rfind) {
      for (size_t i = e - b >= sl ? e - sl + 1 : 0; i-- > b;)
        if (i + sl <= e && !memcmp(s + i, sub, sl)) {
          res = (long long)tpl_utf8_len(s, i);
          break;
        }
    } else {
      for (size_t i = b; i + sl <= e; i++)
        if (!memcmp(s + i, sub, sl)) {
          res = (long long)tpl_utf8_len(s, i);
          break;
        }
    }
  }
  *out = tpl_own(tpl_int_new(res));
  return out->j ? CC_OK : CC_ENOMEM;
}

/* ---- padding ---- */

static int S_pad(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, const char *s, size_t l, tpl_val *args, int mode,
                 tpl_val *out) {
  long long w = 0;
  const char *fill = " ";
  size_t fl = 1;
  int rc;
  if ((rc = S_intarg(rs, n, &args[0], &w))) return rc;
  if (n->n > 1) {
    if ((rc = tpl_m_strarg(rs, n, &args[1], "fill character", &fill, &fl))) return rc;
    if (tpl_utf8_len(fill, fl) != 1) return tpl_fail(rs, n, CC_EINVAL, "The fill character must be exactly one character long");
  }
  if (w > (long long)rs->max_out) return tpl_fail(rs, n, CC_ELIMIT, "width exceeds the output limit");
  long long len = (long long)tpl_utf8_len(s, l), marg = w - len, left = 0;
  if (marg < 0) marg = 0;
  if (mode == 'c') left = marg / 2 + (marg & w & 1);
  else if (mode == 'r') left = marg;
  cc_buf b = CC_BUF_INIT;
  rc = CC_OK;
  if (mode == 'z') {
    /* zfill: zeros after the sign */
    size_t sg = l && (s[0] == '+' || s[0] == '-');
    rc |= cc_buf_add(&b, s, sg);
    for (long long i = 0; i < marg && rc == CC_OK; i++) rc = cc_buf_putc(&b, '0');
    rc |= cc_buf_add(&b, s + sg, l - sg);
  } else {
    for (long long i = 0; i < left && rc == CC_OK; i++) rc = cc_buf_add(&b, fill, fl);
    rc |= cc_buf_add(&b, s, l);
    for (long long i = left; i < marg && rc == CC_OK; i++) rc = cc_buf_add(&b, fill, fl);
  }
  if (rc) {
    cc_buf_free(&b);
    return CC_ENOMEM;
  }
  return tpl_f_bufout(out, &b, obj->safe);
}

/* ---- case ---- */

/* Python's str.title: a cased character after an uncased one is title
 * case, the others lower. Cased: its case maps change it. */
static int S_pytitle(const char *s, size_t l, cc_buf *b) {
  int prev_cased = 0, rc = CC_OK;
  for (size_t i = 0; i < l && rc == CC_OK;) {
    size_t k = tpl_utf8_seq(s + i, l - i);
    cc_buf u = CC_BUF_INIT, lo = CC_BUF_INIT;
    if (tpl_case_map(&u, s + i, k, TPL_UPPER) || tpl_case_map(&lo, s + i, k, TPL_LOWER)) rc = CC_ENOMEM;
    int cased = rc == CC_OK && (u.len != k || memcmp(u.ptr, s + i, k) || lo.len != k || memcmp(lo.ptr, s + i, k));
    if (rc == CC_OK) rc = prev_cased ? cc_buf_add(b, lo.ptr, lo.len) : tpl_case_map(b, s + i, k, TPL_TITLE);
    cc_buf_free(&u);
    cc_buf_free(&lo);
    prev_cased = cased;
    i += k;
  }
  return rc;
}

static int S_case(const tpl_val *obj, const char *s, size_t l, int mode, tpl_val *out) {
  cc_buf b = CC_BUF_INIT;
  int rc;
  if (mode == 't') rc = S_pytitle(s, l, &b);
  else if (mode == 'c') {
    size_t k = l ? tpl_utf8_seq(s, l) : 0;
    rc = tpl_case_map(&b, s, k, TPL_TITLE);
    if (rc == CC_OK) rc = tpl_case_map(&b, s + k, l - k, TPL_LOWER);
  } else {
    rc = tpl_case_map(&b, s, l, mode == 'u' ? TPL_UPPER : mode == 'f' ? TPL_FOLD : TPL_LOWER);
  }
  if (rc) {
    cc_buf_free(&b);
    return CC_ENOMEM;
  }
  return tpl_f_bufout(out, &b, obj->safe);
}

/* ---- the str methods ---- */

static int S_str_method(tpl_rs *rs, const tpl_node *n, const char *m, const tpl_val *obj, tpl_val *args, tpl_val *out, int *found) {
  const char *s = json_string_value(obj->j);
  size_t l = json_string_length(obj->j);
  int rc;
  *found = 1;
  if (TPL_NAME_IS(m, "format")) return tpl_str_format(rs, n, obj, args, out);
  if (TPL_NAME_IS(m, "split") || TPL_NAME_IS(m, "rsplit")) {
    if ((rc = S_nargs(rs, n, m, 0, 2))) return rc;
    return S_split(rs, n, s, l, args, m[0] == 'r', out);
  }
  if (TPL_NAME_IS(m, "strip") || TPL_NAME_IS(m, "lstrip") || TPL_NAME_IS(m, "rstrip")) {
    if ((rc = S_nargs(rs, n, m, 0, 1))) return rc;
    return S_strip(rs, n, obj, s, l, args, m[0] != 'r', m[0] != 'l', out);
  }
  if (TPL_NAME_IS(m, "startswith") || TPL_NAME_IS(m, "endswith")) {
    if ((rc = S_nargs(rs, n, m, 1, 3))) return rc;
    return S_startsends(rs, n, s, l, args, m[0] == 'e', out);
  }
  if (TPL_NAME_IS(m, "upper") || TPL_NAME_IS(m, "lower") || TPL_NAME_IS(m, "title") || TPL_NAME_IS(m, "capitalize") ||
      TPL_NAME_IS(m, "casefold")) {
    if ((rc = S_nargs(rs, n, m, 0, 0))) return rc;
    return S_case(obj, s, l, m[0] == 'u' ? 'u' : m[0] == 'l' ? 'l' : m[0] == 't' ? 't' : m[1] == 'a' && m[4] == 'f' ? 'f' : 'c',
                  out);
  }
  if (TPL_NAME_IS(m, "replace")) {
    if ((rc = S_nargs(rs, n, m, 2, 3))) return rc;
    const char *o = "", *nw = "";
    size_t ol = 0, nl = 0;
    long long count = -1;
    if ((rc = tpl_m_strarg(rs, n, &args[0], "replace() argument 1", &o, &ol)) ||
        (rc = tpl_m_strarg(rs, n, &args[1], "replace() argument 2", &nw, &nl)) || (n->n > 2 && (rc = S_intarg(rs, n, &args[2], &count))))
      return rc;
    cc_buf b = CC_BUF_INIT;
    long long done = 0;
    rc = CC_OK;
    for (size_t i = 0; i <= l && rc == CC_OK;) {
      int can = count < 0 || done < count;
      if (can && !ol) {
        rc = cc_buf_add(&b, nw, nl);
        done++;
        if (i == l) break;
        size_t k = tpl_utf8_seq(s + i, l - i);
        rc |= cc_buf_add(&b, s + i, k);
        i += k;
      } else if (can && i + ol <= l && !memcmp(s + i, o, ol)) {
        rc = cc_buf_add(&b, nw, nl);
        done++;
        i += ol;
      } else if (i < l) {
        rc = cc_buf_putc(&b, s[i++]);
      } else {
        break;
      }
      if (b.len > rs->max_out) rc = CC_ETOOBIG;
    }
    if (rc) {
      cc_buf_free(&b);
      return rc == CC_ETOOBIG ? tpl_fail(rs, n, CC_ELIMIT, "replace result exceeds the output limit") : CC_ENOMEM;
    }
    return tpl_f_bufout(out, &b, obj->safe);
  }
  if (TPL_NAME_IS(m, "join")) {
    if ((rc = S_nargs(rs, n, m, 1, 1))) return rc;
    json_t *items;
    if (!args[0].j) return tpl_fail_undef(rs, n, &args[0]);
    if ((rc = tpl_items(rs, n, &args[0], &items))) return rc;
    cc_buf b = CC_BUF_INIT;
    for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
      json_t *x = json_array_get(items, i);
      if (!json_is_string(x)) {
        rc = tpl_fail(rs, n, CC_EINVAL, "sequence item %zu: expected str instance, %s found", i, tpl_type_name(x));
        break;
      }
      if (i) rc = cc_buf_add(&b, s, l);
      if (rc == CC_OK) rc = cc_buf_add(&b, json_string_value(x), json_string_length(x));
      if (b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "join result exceeds the output limit");
    }
    json_decref(items);
    if (rc) {
      cc_buf_free(&b);
      return rc;
    }
    return tpl_f_bufout(out, &b, 0);
  }
  if (TPL_NAME_IS(m, "zfill")) {
    if ((rc = S_nargs(rs, n, m, 1, 1))) return rc;
    return S_pad(rs, n, obj, s, l, args, 'z', out);
  }
  if (TPL_NAME_IS(m, "center") || TPL_NAME_IS(m, "ljust") || TPL_NAME_IS(m, "rjust")) {
    if ((rc = S_nargs(rs, n, m, 1, 2))) return rc;
    return S_pad(rs, n, obj, s, l, args, m[0] == 'c' ? 'c' : m[0] == 'l' ? 'l' : 'r', out);
  }
  if (TPL_NAME_IS(m, "find") || TPL_NAME_IS(m, "rfind") || TPL_NAME_IS(m, "count")) {
    if ((rc = S_nargs(rs, n, m, 1, 3))) return rc;
    return S_find_count(rs, n, s, l, args, m[0] == 'c', m[0] == 'r', out);
  }
  if (TPL_NAME_IS(m, "index") || TPL_NAME_IS(m, "rindex")) { /* find, but a miss is an error */
    if ((rc = S_nargs(rs, n, m, 1, 3)) || (rc = S_find_count(rs, n, s, l, args, 0, m[0] == 'r', out))) return rc;
    if (json_integer_value(out->j) < 0) {
      tpl_val_drop(out);
      return tpl_fail(rs, n, CC_EINVAL, "substring not found");
    }
    return CC_OK;
  }
  if (TPL_NAME_IS(m, "splitlines")) {
    if ((rc = S_nargs(rs, n, m, 0, 1))) return rc;
    int keep = n->n ? tpl_truthy(&args[0]) : 0;
    json_t *a = tpl_arr_new();
    size_t pos = 0, ls, le;
    rc = a ? CC_OK : CC_ENOMEM;
    while (rc == CC_OK && tpl_f_line(s, l, &pos, &ls, &le)) rc = S_append_str(a, s + ls, (keep ? pos : le) - ls);
    if (rc) {
      json_decref(a);
      return rc;
    }
    return S_list_out(out, a);
  }
  return tpl_str_method_more(rs, n, m, obj, args, out, found);
}

int tpl_method(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, tpl_val *args, tpl_val *out) {
  const char *m = n->a->s;
  const json_t *j = obj->j;
  int rc, found = 0;
  *out = tpl_undef(NULL);
  if (!j) return tpl_fail_undef(rs, n, obj);
  if (json_is_object(j)) {
    if (TPL_NAME_IS(m, "cycle") && json_object_get(j, "index0") && json_object_get(j, "revindex0")) {
      /* loop.cycle(...) of a loop object kept whole */
      if (n->n == 0) return tpl_fail(rs, n, CC_EINVAL, "no items for cycling given");
      long long i = json_integer_value(json_object_get(j, "index0"));
      *out = tpl_dup(&args[i % n->n]);
      return CC_OK;
    }
    if (TPL_NAME_IS(m, "items") || TPL_NAME_IS(m, "keys") || TPL_NAME_IS(m, "values")) {
      if ((rc = S_nargs(rs, n, m, 0, 0))) return rc;
      json_t *r = tpl_arr_new();
      const char *k;
      json_t *x;
      if (!r) return CC_ENOMEM;
      json_object_foreach((json_t *)j, k, x) {
        json_t *e;
        if (m[0] == 'i') {
          json_t *ks = json_string(k), *kv[2] = {ks, x};
          e = ks ? tpl_tuple_new(kv, 2, TPL_TUPLE) : NULL;
          json_decref(ks);
        } else {
          e = m[0] == 'k' ? json_string(k) : json_incref(x);
        }
        if (!e || json_array_append_new(r, e)) {
          json_decref(r);
          return CC_ENOMEM;
        }
      }
      *out = tpl_own(r);
      return tpl_tuple_mark(r, m[0] == 'i' ? TPL_ITEMS : m[0] == 'k' ? TPL_KEYS : TPL_VALUES);
    }
    if (TPL_NAME_IS(m, "get")) {
      if ((rc = S_nargs(rs, n, m, 1, 2))) return rc;
      json_t *v = args[0].j && json_is_string(args[0].j) ? json_object_get(j, json_string_value(args[0].j)) : NULL;
      if (!args[0].j) return tpl_fail_undef(rs, n, &args[0]);
      if (json_is_array(args[0].j) || json_is_object(args[0].j))
        return tpl_fail(rs, n, CC_EINVAL, "unhashable type: '%s'", tpl_type_name(args[0].j));
      if (v) *out = obj->own ? tpl_borrow(v) : tpl_ref(v);
      else if (n->n == 2) *out = tpl_dup(&args[1]);
      else *out = tpl_ref(json_null());
      tpl_val_fix_safe(out);
      return CC_OK;
    }
  } else if (json_is_string(j)) {
    rc = S_str_method(rs, n, m, obj, args, out, &found);
    if (found) return rc;
  } else if (json_is_array(j) && (TPL_NAME_IS(m, "index") || TPL_NAME_IS(m, "count"))) {
    if ((rc = S_nargs(rs, n, m, 1, m[0] == 'i' ? 3 : 1))) return rc;
    if (!args[0].j) return tpl_fail_undef(rs, n, &args[0]);
    long long cnt = 0, idx = -1, lo = 0, hi = (long long)json_array_size(j), len = hi, v = 0;
    if (n->n > 1) {
      if ((rc = S_intarg(rs, n, &args[1], &v))) return rc;
      lo = v < 0 ? (v + len < 0 ? 0 : v + len) : v;
    }
    if (n->n > 2) {
      if ((rc = S_intarg(rs, n, &args[2], &v))) return rc;
      hi = v < 0 ? (v + len < 0 ? 0 : v + len) : (v > len ? len : v);
    }
    for (long long i = lo; i < hi; i++)
      if (tpl_equal(json_array_get(j, (size_t)i), args[0].j)) {
        cnt++;
        if (idx < 0) idx = i;
      }
    if (m[0] == 'i' && idx < 0) return tpl_fail(rs, n, CC_EINVAL, "%s is not in %s", "value", tpl_type_name(j));
    *out = tpl_own(tpl_int_new(m[0] == 'i' ? idx : cnt));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  return tpl_fail(rs, n, CC_EINVAL, "'%s object' has no attribute '%s'", tpl_type_name(j), m);
}
