/* filters.c: Jinja2 3.1's built-in filters, tests and the few Python
 * methods templates call (dict.items(), str.upper(), loop.cycle()). */
#include "filters.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"

/* ---- argument binding ---- */

/* Binds N's arguments to the parameter NAMES (NP of them) in SLOT order;
 * a missing one is left NULL. */
static int S_bind(tpl_rs *rs, const tpl_node *n, tpl_val *args, const char *const *names, int np,
                  const tpl_val **slot) {
  for (int i = 0; i < np; i++) slot[i] = NULL;
  for (int i = 0; i < n->n; i++) {
    int k = -1;
    if (n->kw[i]) {
      for (int j = 0; j < np; j++)
        if (!strcmp(names[j], n->kw[i])) k = j;
      if (k < 0) return tpl_fail(rs, n, CC_EINVAL, "%s() got an unexpected keyword argument '%s'", n->s, n->kw[i]);
    } else {
      k = i;
      if (k >= np) return tpl_fail(rs, n, CC_EINVAL, "%s() takes at most %d arguments (%d given)", n->s, np, n->n);
    }
    if (slot[k]) return tpl_fail(rs, n, CC_EINVAL, "%s() got multiple values for argument '%s'", n->s, names[k]);
    slot[k] = &args[i];
  }
  return CC_OK;
}

/* The input as a borrowed C string: str(IN), "" for undefined (an error
 * in strict mode). *TMP holds what must be released. */
static int S_in_str(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const char **s, size_t *len, tpl_val *tmp) {
  *tmp = tpl_undef(NULL);
  int rc = tpl_to_str(rs, n, in, tmp);
  if (rc) return rc;
  *s = json_string_value(tmp->j);
  *len = json_string_length(tmp->j);
  return CC_OK;
}

static int S_str_out(tpl_val *out, const char *s, size_t len, int safe) {
  *out = tpl_own(json_stringn(s, len));
  out->safe = (unsigned char)safe;
  return out->j ? CC_OK : CC_ENOMEM;
}

static int S_buf_out(tpl_val *out, cc_buf *b, int safe) {
  int rc = S_str_out(out, b->ptr ? b->ptr : "", b->len, safe);
  cc_buf_free(b);
  return rc;
}

static int S_truthy_arg(const tpl_val *v, int dflt) { return v ? tpl_truthy(v) : dflt; }

static int S_int_arg(tpl_rs *rs, const tpl_node *n, const tpl_val *v, long long dflt, long long *out) {
  if (!v) {
    *out = dflt;
    return CC_OK;
  }
  if (!v->j || !(json_is_integer(v->j) || json_is_boolean(v->j)))
    return tpl_fail(rs, n, CC_EINVAL, "%s(): expected an integer argument, got '%s'", n->s, tpl_type_name(v->j));
  *out = json_is_boolean(v->j) ? json_is_true(v->j) : (long long)json_integer_value(v->j);
  return CC_OK;
}

/* Items of an iterable as a new array of our own (filters sort and change
 * them), from the same rules a for loop follows. */
static int S_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out) {
  int rc = tpl_items(rs, n, v, out);
  if (rc || *out != v->j) return rc;
  json_t *copy = json_copy(*out);
  json_decref(*out);
  *out = copy;
  return copy ? CC_OK : CC_ENOMEM;
}

/* ---- case mapping (casemap.c: Unicode as Python maps it) ---- */

/* A separator of Jinja2's title filter: [-\s({\[<] (\s as Python's re
 * matches it in a str). */
static int S_title_sep(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  if (n == 1)
    return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || c == ' ' || (c >= 0x09 && c <= 0x0D) ||
           (c >= 0x1C && c <= 0x1F);
  static const char *const ws[] = {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
                                   "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
  for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
    if (strlen(ws[i]) == n && memcmp(s, ws[i], n) == 0) return 1;
  /* U+2000..U+200A */
  return n == 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] <= 0x8A;
}

/* title: each word's first character upper, the rest lower, words being
 * what Jinja2's split on [-\s({\[<]+ leaves. */
static int S_title(cc_buf *b, const char *s, size_t l) {
  int rc = CC_OK;
  for (size_t i = 0; i < l && rc == CC_OK;) {
    size_t n = tpl_utf8_seq(s + i, l - i);
    if (S_title_sep(s + i, n)) {
      rc = tpl_buf_add(b, s + i, n);
      i += n;
      continue;
    }
    size_t j = i + n;
    while (j < l) {
      size_t m = tpl_utf8_seq(s + j, l - j);
      if (S_title_sep(s + j, m)) break;
      j += m;
    }
    rc = tpl_case_map(b, s + i, n, TPL_UPPER);
    if (rc == CC_OK) rc = tpl_case_map(b, s + i + n, j - i - n, TPL_LOWER);
    i = j;
  }
  return rc;
}

static int S_f_case(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *out, int mode) {
  const char *s;
  size_t l;
  tpl_val t;
  int rc = S_in_str(rs, n, in, &s, &l, &t);
  if (rc) return rc;
  cc_buf b = CC_BUF_INIT;
  if (mode == 3) rc = S_title(&b, s, l);
  else rc = tpl_case_map(&b, s, l, mode == 0 ? TPL_UPPER : mode == 1 ? TPL_LOWER : TPL_TITLE);
  if (rc == CC_OK) {
    /* Valid UTF-8 mapped code point by code point stays valid. */
    *out = tpl_own(json_stringn_nocheck(b.ptr ? b.ptr : "", b.len));
    out->safe = t.safe;
    rc = out->j ? CC_OK : CC_ENOMEM;
  } else {
    rc = CC_ENOMEM;
  }
  cc_buf_free(&b);
  tpl_val_drop(&t);
  return rc;
}

static int S_isws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

/* ---- tojson, as htmlsafe_json_dumps with sort_keys ---- */

static int S_cmp_keys(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int S_json_str(cc_buf *b, const char *s, size_t l) {
  int rc = cc_buf_putc(b, '"');
  for (size_t i = 0; i < l && rc == CC_OK;) {
    unsigned char c = (unsigned char)s[i];
    unsigned cp = c;
    size_t k = 1;
    if (c >= 0x80) {
      k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      cp = c & (0xFF >> (k + 1));
      for (size_t j = 1; j < k && i + j < l; j++) cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3F);
    }
    i += k;
    switch (cp) {
    case '"': rc = cc_buf_puts(b, "\\\""); break;
    case '\\': rc = cc_buf_puts(b, "\\\\"); break;
    case '\n': rc = cc_buf_puts(b, "\\n"); break;
    case '\r': rc = cc_buf_puts(b, "\\r"); break;
    case '\t': rc = cc_buf_puts(b, "\\t"); break;
    case '\b': rc = cc_buf_puts(b, "\\b"); break;
    case '\f': rc = cc_buf_puts(b, "\\f"); break;
    case '<': case '>': case '&': case '\'':
      rc = cc_buf_printf(b, "\\u%04x", cp);
      break;
    default:
      if (cp < 0x20 || cp >= 0x7f) {
        if (cp >= 0x10000) {
          unsigned v = cp - 0x10000;
          rc = cc_buf_printf(b, "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF));
        } else {
          rc = cc_buf_printf(b, "\\u%04x", cp);
        }
      } else {
        rc = cc_buf_putc(b, (char)cp);
      }
    }
  }
  return rc ? rc : cc_buf_putc(b, '"');
}

static int S_json(cc_buf *b, const json_t *j, long long indent, int level) {
  int rc = CC_OK;
  switch (json_typeof(j)) {
  case JSON_NULL: return cc_buf_puts(b, "null");
  case JSON_TRUE: return cc_buf_puts(b, "true");
  case JSON_FALSE: return cc_buf_puts(b, "false");
  case JSON_INTEGER: return cc_buf_printf(b, "%lld", (long long)json_integer_value(j));
  case JSON_REAL: {
    double d = json_real_value(j);
    if (isnan(d)) return cc_buf_puts(b, "NaN");
    if (isinf(d)) return cc_buf_puts(b, d < 0 ? "-Infinity" : "Infinity");
    return tpl_fmt_float(b, d);
  }
  case JSON_STRING: return S_json_str(b, json_string_value(j), json_string_length(j));
  case JSON_ARRAY:
  case JSON_OBJECT: {
    int arr = json_is_array(j);
    size_t cnt = arr ? json_array_size(j) : json_object_size(j);
    const char **keys = NULL;
    if (cnt == 0) return cc_buf_puts(b, arr ? "[]" : "{}");
    if (!arr) {
      const char *k;
      json_t *x;
      size_t i = 0;
      if (!(keys = malloc(cnt * sizeof *keys))) return CC_ENOMEM;
      json_object_foreach((json_t *)j, k, x) keys[i++] = k;
      qsort(keys, cnt, sizeof *keys, S_cmp_keys);
    }
    rc = cc_buf_putc(b, arr ? '[' : '{');
    for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
      if (i) rc = cc_buf_puts(b, indent >= 0 ? "," : ", ");
      if (indent >= 0) {
        rc |= cc_buf_putc(b, '\n');
        for (long long s = 0; s < indent * (level + 1) && rc == CC_OK; s++) rc = cc_buf_putc(b, ' ');
      }
      if (!arr) {
        rc |= S_json_str(b, keys[i], strlen(keys[i]));
        rc |= cc_buf_puts(b, ": ");
      }
      if (rc == CC_OK) rc = S_json(b, arr ? json_array_get(j, i) : json_object_get(j, keys[i]), indent, level + 1);
    }
    if (rc == CC_OK && indent >= 0) {
      rc = cc_buf_putc(b, '\n');
      for (long long s = 0; s < indent * level && rc == CC_OK; s++) rc = cc_buf_putc(b, ' ');
    }
    free(keys);
    return rc ? CC_ENOMEM : cc_buf_putc(b, arr ? ']' : '}');
  }
  }
  return rc;
}

/* ---- sorting ---- */

typedef struct {
  json_t *key; /* owned: the comparison key */
  json_t *item; /* borrowed */
  size_t pos;
} S_sortent;

static _Thread_local int S_sort_failed; /* set by S_sort_cmp (qsort has no context) */
static int S_sort_cmp(const void *pa, const void *pb) {
  const S_sortent *a = pa, *b = pb;
  int c = 0;
  if (tpl_compare(a->key, b->key, &c)) S_sort_failed = 1;
  if (c == 0) return (a->pos > b->pos) - (a->pos < b->pos);
  return c;
}

/* A sort key: the item (or its ATTR), lowercased when not CASE. */
static json_t *S_key(json_t *item, const char *attr, int lower) {
  json_t *k = item;
  if (attr) {
    /* Dotted paths and integer parts, as make_attrgetter splits them. */
    char part[256];
    const char *p = attr;
    while (k && *p) {
      size_t l = strcspn(p, ".");
      if (l >= sizeof part) return NULL;
      memcpy(part, p, l);
      part[l] = 0;
      if (json_is_object(k)) k = json_object_get(k, part);
      else if (json_is_array(k) && l && strspn(part, "0123456789") == l) k = json_array_get(k, (size_t)atol(part));
      else k = NULL;
      p += l + (p[l] == '.');
    }
    if (!k) return NULL;
  }
  if (lower && json_is_string(k)) {
    cc_buf b = CC_BUF_INIT;
    json_t *c = NULL;
    if (tpl_case_map(&b, json_string_value(k), json_string_length(k), TPL_LOWER) == CC_OK)
      c = json_stringn(b.ptr ? b.ptr : "", b.len);
    cc_buf_free(&b);
    return c;
  }
  return json_incref(k);
}

static int S_sorted(tpl_rs *rs, const tpl_node *n, json_t *items, const char *attr, int lower, int reverse, json_t **out) {
  size_t cnt = json_array_size(items);
  S_sortent *e = calloc(cnt ? cnt : 1, sizeof *e);
  int rc = CC_OK;
  if (!e) return CC_ENOMEM;
  for (size_t i = 0; i < cnt; i++) {
    e[i].item = json_array_get(items, i);
    e[i].pos = reverse ? cnt - i : i;
    if (!(e[i].key = S_key(e[i].item, attr, lower))) {
      rc = attr ? tpl_fail(rs, n, CC_EINVAL, "sort: an item has no attribute '%s'", attr) : CC_ENOMEM;
      goto out;
    }
  }
  S_sort_failed = 0;
  qsort(e, cnt, sizeof *e, S_sort_cmp);
  if (S_sort_failed) {
    rc = tpl_fail(rs, n, CC_EINVAL, "'<' not supported between the items being sorted");
    goto out;
  }
  json_t *a = json_array();
  if (!a) {
    rc = CC_ENOMEM;
    goto out;
  }
  for (size_t i = 0; i < cnt; i++) {
    size_t k = reverse ? cnt - 1 - i : i;
    if (json_array_append(a, e[k].item)) {
      json_decref(a);
      rc = CC_ENOMEM;
      goto out;
    }
  }
  *out = a;
out:
  for (size_t i = 0; i < cnt; i++) json_decref(e[i].key);
  free(e);
  return rc;
}

/* ---- number parsing as Python's int() and float() ---- */

static int S_parse_int(const char *s, long long *v) {
  while (S_isws(*s)) s++;
  char tmp[128];
  size_t o = 0;
  int prev_us = 1;
  const char *p = s;
  if (*p == '+' || *p == '-') tmp[o++] = *p++;
  if (!isdigit((unsigned char)*p)) return 0;
  for (; *p && !S_isws(*p); p++) {
    if (*p == '_') {
      if (prev_us) return 0;
      prev_us = 1;
      continue;
    }
    if (!isdigit((unsigned char)*p) || o + 1 >= sizeof tmp) return 0;
    tmp[o++] = *p;
    prev_us = 0;
  }
  if (prev_us) return 0;
  while (S_isws(*p)) p++;
  if (*p) return 0;
  tmp[o] = 0;
  errno = 0;
  *v = strtoll(tmp, NULL, 10);
  return errno ? -1 : 1;
}

static int S_parse_float(const char *s, double *v) {
  while (S_isws(*s)) s++;
  char tmp[256];
  size_t o = 0;
  const char *p = s;
  for (; *p && !S_isws(*p); p++) {
    if (*p == '_') continue;
    if (o + 1 >= sizeof tmp) return 0;
    tmp[o++] = *p;
  }
  while (S_isws(*p)) p++;
  if (*p || !o) return 0;
  tmp[o] = 0;
  for (size_t i = 0; i < o; i++)
    if (tmp[i] == 'x' || tmp[i] == 'X' || tmp[i] == 'p' || tmp[i] == 'P') return 0;
  char *end;
  *v = strtod(tmp, &end);
  if (*end) return 0;
  return 1;
}

/* ---- round as Python's round() ---- */

static double S_round_half_even(double x, long long prec) {
  char tmp[512];
  if (prec > 300) return x;
  if (prec >= 0) {
    snprintf(tmp, sizeof tmp, "%.*f", (int)prec, x);
    return strtod(tmp, NULL);
  }
  double p = pow(10.0, (double)-prec);
  double y = x / p, r = nearbyint(y);
  return r * p;
}

/* ---- the filter table ---- */

static int S_filter_inner(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out) {
  const char *f = n->s;
  const tpl_val *a[6];
  int rc;
#define IS(x) (f[0] == (x)[0] && !strcmp(f, x)) /* first byte inline: most names differ there */
#define BIND(...)                                                             \
  do {                                                                        \
    static const char *const names_[] = {__VA_ARGS__};                        \
    rc = S_bind(rs, n, args, names_, (int)(sizeof names_ / sizeof *names_), a); \
    if (rc) return rc;                                                        \
  } while (0)
#define NOARGS()                                                                                \
  do {                                                                                          \
    if (n->n) return tpl_fail(rs, n, CC_EINVAL, "%s() takes no arguments (%d given)", f, n->n); \
  } while (0)

  if (IS("default") || IS("d")) {
    BIND("default_value", "boolean");
    int use = !in->j || (S_truthy_arg(a[1], 0) && !tpl_truthy(in));
    if (!use) {
      *out = tpl_dup(in);
      return CC_OK;
    }
    if (!a[0]) return S_str_out(out, "", 0, 0);
    *out = tpl_dup(a[0]);
    return CC_OK;
  }
  if (IS("escape") || IS("e") || IS("forceescape")) {
    NOARGS();
    if (in->safe && !IS("forceescape")) {
      *out = tpl_borrow(in->j);
      out->safe = 1;
      return CC_OK;
    }
    const char *s;
    size_t l;
    tpl_val t;
    if ((rc = S_in_str(rs, n, in, &s, &l, &t))) return rc;
    cc_buf b = CC_BUF_INIT;
    rc = tpl_escape(&b, s, l);
    tpl_val_drop(&t);
    if (rc) {
      cc_buf_free(&b);
      return CC_ENOMEM;
    }
    return S_buf_out(out, &b, 1);
  }
  if (IS("safe")) {
    NOARGS();
    if ((rc = tpl_to_str(rs, n, in, out))) return rc;
    out->safe = 1;
    return CC_OK;
  }
  if (IS("upper") || IS("lower") || IS("capitalize") || IS("title")) {
    NOARGS();
    return S_f_case(rs, n, in, out, IS("upper") ? 0 : IS("lower") ? 1 : IS("capitalize") ? 2 : 3);
  }
  if (IS("trim")) {
    BIND("chars");
    const char *s, *chars = NULL;
    size_t l;
    tpl_val t;
    if (a[0] && a[0]->j && !json_is_null(a[0]->j)) {
      if (!json_is_string(a[0]->j)) return tpl_fail(rs, n, CC_EINVAL, "strip arg must be None or str");
      chars = json_string_value(a[0]->j);
    }
    if ((rc = S_in_str(rs, n, in, &s, &l, &t))) return rc;
    size_t i = 0, j = l;
    if (chars) {
      /* ASCII chars only: multibyte sets would need code point matching. */
      while (i < j && s[i] && strchr(chars, s[i])) i++;
      while (j > i && s[j - 1] && strchr(chars, s[j - 1])) j--;
    } else {
      while (i < j && S_isws(s[i])) i++;
      while (j > i && S_isws(s[j - 1])) j--;
    }
    rc = S_str_out(out, s + i, j - i, t.safe);
    tpl_val_drop(&t);
    return rc;
  }
  if (IS("length") || IS("count")) {
    NOARGS();
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
    *out = tpl_own(json_integer((json_int_t)len));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (IS("join")) {
    BIND("d", "attribute");
    json_t *items;
    if ((rc = S_items(rs, n, in, &items))) return rc;
    tpl_val d = a[0] ? *a[0] : tpl_undef(NULL);
    cc_buf b = CC_BUF_INIT, ds = CC_BUF_INIT;
    if (a[0] && (rc = tpl_to_buf(rs, n, &d, &ds))) goto join_out;
    /* Item safety is lost in JSON, so only the delimiter's counts: a safe
     * delimiter under autoescape escapes the items. */
    int markup = rs->autoescape && d.safe;
    for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
      json_t *it = json_array_get(items, i);
      if (a[1]) {
        json_t *k = NULL;
        if (a[1]->j && json_is_string(a[1]->j)) k = S_key(it, json_string_value(a[1]->j), 0);
        else if (a[1]->j && json_is_integer(a[1]->j) && json_is_array(it)) k = json_incref(json_array_get(it, (size_t)json_integer_value(a[1]->j)));
        if (!k) {
          rc = rs->strict ? tpl_fail(rs, n, CC_EINVAL, "join: an item has no such attribute") : CC_OK;
          if (i && rc == CC_OK) rc = cc_buf_add(&b, ds.ptr ? ds.ptr : "", ds.len);
          continue;
        }
        json_decref(k); /* held by IT */
        it = k;
      }
      if (i) rc = cc_buf_add(&b, ds.ptr ? ds.ptr : "", ds.len);
      if (rc) break;
      if (markup) {
        cc_buf t = CC_BUF_INIT;
        rc = tpl_str(&t, it);
        if (rc == CC_OK) rc = tpl_escape(&b, t.ptr ? t.ptr : "", t.len);
        cc_buf_free(&t);
      } else {
        rc = tpl_str(&b, it);
      }
      if (b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "join result exceeds the output limit");
    }
    if (rc == CC_OK) rc = S_buf_out(out, &b, markup);
  join_out:
    cc_buf_free(&b);
    cc_buf_free(&ds);
    json_decref(items);
    return rc;
  }
  if (IS("replace")) {
    BIND("old", "new", "count");
    if (!a[0] || !a[1]) return tpl_fail(rs, n, CC_EINVAL, "replace() missing required arguments 'old' and 'new'");
    long long count = -1;
    if ((rc = S_int_arg(rs, n, a[2], -1, &count))) return rc;
    tpl_val ts, to, tn;
    const char *s, *o, *nw;
    size_t sl, ol, nl;
    if ((rc = S_in_str(rs, n, in, &s, &sl, &ts))) return rc;
    if ((rc = S_in_str(rs, n, a[0], &o, &ol, &to))) {
      tpl_val_drop(&ts);
      return rc;
    }
    if ((rc = S_in_str(rs, n, a[1], &nw, &nl, &tn))) {
      tpl_val_drop(&ts);
      tpl_val_drop(&to);
      return rc;
    }
    int markup = ts.safe || (rs->autoescape && (to.safe || tn.safe));
    cc_buf src = CC_BUF_INIT, b = CC_BUF_INIT, ob = CC_BUF_INIT, nb = CC_BUF_INIT;
    /* Markup.replace escapes what is not Markup. */
    if (markup && !ts.safe) rc |= tpl_escape(&src, s, sl);
    else rc |= cc_buf_add(&src, s, sl);
    /* markupsafe 3 escapes NEW but not OLD. */
    rc |= cc_buf_add(&ob, o, ol);
    if (markup && !tn.safe) rc |= tpl_escape(&nb, nw, nl);
    else rc |= cc_buf_add(&nb, nw, nl);
    const char *S = src.ptr ? src.ptr : "", *O = ob.ptr ? ob.ptr : "", *N = nb.ptr ? nb.ptr : "";
    size_t SL = src.len, OL = ob.len, NL = nb.len, i = 0;
    long long done = 0;
    while (rc == CC_OK && i <= SL) {
      if ((count < 0 || done < count) && OL == 0) {
        rc = cc_buf_add(&b, N, NL);
        if (i < SL) {
          size_t j = i + 1;
          while (j < SL && ((unsigned char)S[j] & 0xC0) == 0x80) j++;
          rc |= cc_buf_add(&b, S + i, j - i);
          i = j;
        } else {
          i++;
        }
        done++;
      } else if ((count < 0 || done < count) && OL && i + OL <= SL && memcmp(S + i, O, OL) == 0) {
        rc = cc_buf_add(&b, N, NL);
        i += OL;
        done++;
      } else if (i < SL) {
        rc = cc_buf_add(&b, S + i, 1);
        i++;
      } else {
        break;
      }
      if (b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "replace result exceeds the output limit");
    }
    if (rc == CC_OK) rc = S_buf_out(out, &b, markup);
    else if (rc != CC_ELIMIT) rc = CC_ENOMEM;
    cc_buf_free(&b);
    cc_buf_free(&src);
    cc_buf_free(&ob);
    cc_buf_free(&nb);
    tpl_val_drop(&ts);
    tpl_val_drop(&to);
    tpl_val_drop(&tn);
    return rc;
  }
  if (IS("truncate")) {
    BIND("length", "killwords", "end", "leeway");
    long long length = 0, leeway = 0;
    if ((rc = S_int_arg(rs, n, a[0], 255, &length)) || (rc = S_int_arg(rs, n, a[3], 5, &leeway))) return rc;
    const char *s, *end = "...";
    size_t l, el = 3;
    tpl_val t, te = tpl_undef(NULL);
    if (a[2]) {
      if ((rc = S_in_str(rs, n, a[2], &end, &el, &te))) return rc;
    }
    size_t endcp = tpl_utf8_len(end, el);
    if (length < (long long)endcp) {
      tpl_val_drop(&te);
      return tpl_fail(rs, n, CC_EINVAL, "expected length >= %zu, got %lld", endcp, length);
    }
    if (leeway < 0) {
      tpl_val_drop(&te);
      return tpl_fail(rs, n, CC_EINVAL, "expected leeway >= 0, got %lld", leeway);
    }
    if ((rc = S_in_str(rs, n, in, &s, &l, &t))) {
      tpl_val_drop(&te);
      return rc;
    }
    size_t cps = tpl_utf8_len(s, l);
    if ((long long)cps <= length + leeway) {
      rc = S_str_out(out, s, l, t.safe);
    } else {
      /* Byte offset of code point LENGTH - len(end). */
      long long keep = length - (long long)endcp;
      size_t off = 0;
      for (long long k = 0; k < keep && off < l; k++) {
        off++;
        while (off < l && ((unsigned char)s[off] & 0xC0) == 0x80) off++;
      }
      size_t cut = off;
      if (!S_truthy_arg(a[1], 0)) {
        /* rsplit(" ", 1)[0]: drop from the last space on, if any. */
        for (size_t k = off; k-- > 0;)
          if (s[k] == ' ') {
            cut = k;
            break;
          }
      }
      cc_buf b = CC_BUF_INIT;
      rc = cc_buf_add(&b, s, cut) | cc_buf_add(&b, end, el);
      rc = rc ? CC_ENOMEM : S_buf_out(out, &b, 0);
      cc_buf_free(&b);
    }
    tpl_val_drop(&t);
    tpl_val_drop(&te);
    return rc;
  }
  if (IS("round")) {
    BIND("precision", "method");
    long long prec = 0;
    const char *method = "common";
    if ((rc = S_int_arg(rs, n, a[0], 0, &prec))) return rc;
    if (a[1]) {
      if (!a[1]->j || !json_is_string(a[1]->j)) return tpl_fail(rs, n, CC_EINVAL, "method must be common, ceil or floor");
      method = json_string_value(a[1]->j);
    }
    if (strcmp(method, "common") && strcmp(method, "ceil") && strcmp(method, "floor"))
      return tpl_fail(rs, n, CC_EINVAL, "method must be common, ceil or floor");
    if (!in->j || !tpl_is_num(in->j)) {
      if (!in->j) return tpl_fail_undef(rs, n, in);
      return tpl_fail(rs, n, CC_EINVAL, "type %s doesn't define __round__ method", tpl_type_name(in->j));
    }
    double x = tpl_num(in->j);
    if (!strcmp(method, "common")) {
      if (!json_is_real(in->j)) {
        long long v = json_is_boolean(in->j) ? json_is_true(in->j) : (long long)json_integer_value(in->j);
        if (prec < 0) {
          long long p = 1;
          for (long long k = 0; k < -prec && p <= LLONG_MAX / 10; k++) p *= 10;
          if (-prec > 18) v = 0;
          else {
            long long q = v / p, r = v % p;
            if (r < 0) {
              r += p;
              q--;
            }
            if (2 * r > p || (2 * r == p && (q & 1))) q++;
            v = q * p;
          }
        }
        *out = tpl_own(json_integer(v));
        return out->j ? CC_OK : CC_ENOMEM;
      }
      if (isinf(x) || isnan(x)) return S_str_out(out, "", 0, 0) == CC_OK ? (tpl_val_drop(out), *out = tpl_own(json_real(x)), CC_OK) : CC_ENOMEM;
      *out = tpl_own(json_real(S_round_half_even(x, prec)));
      return out->j ? CC_OK : CC_ENOMEM;
    }
    double p = pow(10.0, (double)prec);
    double v = (!strcmp(method, "ceil") ? ceil(x * p) : floor(x * p)) / p;
    *out = tpl_own(json_real(v));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (IS("int")) {
    BIND("default", "base");
    long long base = 10;
    if ((rc = S_int_arg(rs, n, a[1], 10, &base))) return rc;
    long long v = 0;
    int ok = 0;
    const json_t *j = in->j;
    if (!j && rs->strict) return tpl_fail_undef(rs, n, in);
    if (j && json_is_string(j)) {
      if (base != 10) return tpl_fail(rs, n, CC_EINVAL, "int: only base 10 is supported");
      int r = S_parse_int(json_string_value(j), &v);
      if (r < 0) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
      ok = r;
      double d;
      if (!ok && S_parse_float(json_string_value(j), &d)) {
        if (isinf(d)) return tpl_fail(rs, n, CC_EINVAL, "cannot convert float infinity to integer");
        if (!isnan(d)) {
          if (fabs(d) >= 9.2e18) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
          v = (long long)d;
          ok = 1;
        }
      }
    } else if (j && (json_is_integer(j) || json_is_boolean(j))) {
      v = json_is_boolean(j) ? json_is_true(j) : (long long)json_integer_value(j);
      ok = 1;
    } else if (j && json_is_real(j)) {
      double d = json_real_value(j);
      if (isinf(d)) return tpl_fail(rs, n, CC_EINVAL, "cannot convert float infinity to integer");
      if (!isnan(d)) {
        if (fabs(d) >= 9.2e18) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
        v = (long long)d;
        ok = 1;
      }
    }
    if (!ok) {
      if (a[0]) {
        *out = tpl_dup(a[0]);
        return CC_OK;
      }
      v = 0;
    }
    *out = tpl_own(json_integer(v));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (IS("float")) {
    BIND("default");
    double d = 0;
    int ok = 0;
    const json_t *j = in->j;
    if (!j && rs->strict) return tpl_fail_undef(rs, n, in);
    if (j && json_is_string(j)) ok = S_parse_float(json_string_value(j), &d);
    else if (j && tpl_is_num(j)) {
      d = tpl_num(j);
      ok = 1;
    }
    if (ok && !isfinite(d)) return tpl_fail(rs, n, CC_EINVAL, "a float that is not finite (inf, nan) is not supported");
    if (!ok && a[0]) {
      *out = tpl_dup(a[0]);
      return CC_OK;
    }
    *out = tpl_own(json_real(ok ? d : 0.0));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (IS("string")) {
    NOARGS();
    return tpl_to_str(rs, n, in, out);
  }
  if (IS("abs")) {
    NOARGS();
    if (!in->j || !tpl_is_num(in->j)) {
      if (!in->j) return tpl_fail_undef(rs, n, in);
      return tpl_fail(rs, n, CC_EINVAL, "bad operand type for abs(): '%s'", tpl_type_name(in->j));
    }
    if (json_is_real(in->j)) *out = tpl_own(json_real(fabs(json_real_value(in->j))));
    else {
      long long v = json_is_boolean(in->j) ? json_is_true(in->j) : (long long)json_integer_value(in->j);
      if (v == LLONG_MIN) return tpl_fail(rs, n, CC_EINVAL, "integer result out of the 64-bit range");
      *out = tpl_own(json_integer(v < 0 ? -v : v));
    }
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (IS("first") || IS("last") || IS("list") || IS("unique") || IS("sort") || IS("map") || IS("reverse")) {
    json_t *items = NULL;
    if (IS("sort")) BIND("reverse", "case_sensitive", "attribute");
    else if (IS("unique")) BIND("case_sensitive", "attribute");
    else if (!IS("map")) NOARGS();
    if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
    if ((rc = S_items(rs, n, in, &items))) return rc;
    size_t cnt = json_array_size(items);
    if (IS("first") || IS("last")) {
      if (cnt == 0) *out = tpl_undef(IS("first") ? "No first item, sequence was empty." : "No last item, sequence was empty.");
      else *out = tpl_borrow(json_array_get(items, IS("first") ? 0 : cnt - 1));
      json_decref(items);
      return CC_OK;
    }
    if (IS("list")) {
      *out = tpl_own(items);
      return CC_OK;
    }
    if (IS("reverse")) {
      if (in->j && json_is_string(in->j)) {
        cc_buf b = CC_BUF_INIT;
        for (size_t i = cnt; i-- > 0 && rc == CC_OK;) rc = tpl_str(&b, json_array_get(items, i));
        json_decref(items);
        if (rc) {
          cc_buf_free(&b);
          return CC_ENOMEM;
        }
        return S_buf_out(out, &b, 0);
      }
      json_t *r = json_array();
      for (size_t i = cnt; r && i-- > 0;)
        if (json_array_append(r, json_array_get(items, i))) {
          json_decref(r);
          r = NULL;
        }
      json_decref(items);
      *out = tpl_own(r);
      return r ? CC_OK : CC_ENOMEM;
    }
    if (IS("sort")) {
      const char *attr = NULL;
      if (a[2] && a[2]->j && json_is_string(a[2]->j)) attr = json_string_value(a[2]->j);
      else if (a[2] && a[2]->j && !json_is_null(a[2]->j)) {
        json_decref(items);
        return tpl_fail(rs, n, CC_EINVAL, "sort: attribute must be a string");
      }
      json_t *r = NULL;
      rc = S_sorted(rs, n, items, attr, !S_truthy_arg(a[1], 0), S_truthy_arg(a[0], 0), &r);
      json_decref(items);
      if (rc == CC_OK) *out = tpl_own(r);
      return rc;
    }
    if (IS("unique")) {
      const char *attr = a[1] && a[1]->j && json_is_string(a[1]->j) ? json_string_value(a[1]->j) : NULL;
      int lower = !S_truthy_arg(a[0], 0);
      json_t *r = json_array(), *seen = json_array();
      rc = (r && seen) ? CC_OK : CC_ENOMEM;
      for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
        json_t *it = json_array_get(items, i), *k = S_key(it, attr, lower);
        if (!k) {
          rc = attr ? tpl_fail(rs, n, CC_EINVAL, "unique: an item has no attribute '%s'", attr) : CC_ENOMEM;
          break;
        }
        if (json_is_array(k) || json_is_object(k)) {
          json_decref(k);
          rc = tpl_fail(rs, n, CC_EINVAL, "unhashable type: '%s'", tpl_type_name(k));
          break;
        }
        int dup = 0;
        for (size_t s = 0; s < json_array_size(seen) && !dup; s++) dup = tpl_equal(json_array_get(seen, s), k);
        if (!dup && (json_array_append_new(seen, k) || json_array_append(r, it))) rc = CC_ENOMEM;
        else if (dup) json_decref(k);
      }
      json_decref(items);
      json_decref(seen);
      if (rc) {
        json_decref(r);
        return rc;
      }
      *out = tpl_own(r);
      return CC_OK;
    }
    /* map(attribute=..., default=...) or map('filter') for a few filters. */
    const char *attr = NULL;
    const tpl_val *dflt = NULL;
    for (int i = 0; i < n->n; i++) {
      if (n->kw[i] && !strcmp(n->kw[i], "attribute") && args[i].j && json_is_string(args[i].j)) attr = json_string_value(args[i].j);
      else if (n->kw[i] && !strcmp(n->kw[i], "default")) dflt = &args[i];
    }
    json_t *r = json_array();
    rc = r ? CC_OK : CC_ENOMEM;
    if (attr) {
      for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
        json_t *k = S_key(json_array_get(items, i), attr, 0);
        if (!k && dflt && dflt->j) k = json_incref(dflt->j);
        if (!k) rc = tpl_fail(rs, n, CC_EINVAL, "map: an item has no attribute '%s' (undefined values cannot be collected)", attr);
        else if (json_array_append_new(r, k)) rc = CC_ENOMEM;
      }
    } else if (n->n >= 1 && !n->kw[0] && args[0].j && json_is_string(args[0].j)) {
      tpl_node sub = *n;
      sub.s = json_string_value(args[0].j);
      sub.kids = n->kids + 1;
      sub.kw = n->kw + 1;
      sub.n = n->n - 1;
      if (!strcmp(sub.s, "map")) rc = tpl_fail(rs, n, CC_EINVAL, "map: nested map is not supported");
      for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
        tpl_val it = tpl_borrow(json_array_get(items, i)), o;
        rc = tpl_filter(rs, &sub, &it, args + 1, &o);
        tpl_val_drop(&it);
        if (rc) break;
        if (!o.j) rc = tpl_fail(rs, n, CC_EINVAL, "map: the filter returned an undefined value");
        else if (json_array_append_new(r, tpl_val_take(&o))) rc = CC_ENOMEM;
      }
    } else {
      rc = tpl_fail(rs, n, CC_EINVAL, "map() needs attribute= or a filter name");
    }
    json_decref(items);
    if (rc) {
      json_decref(r);
      return rc;
    }
    *out = tpl_own(r);
    return CC_OK;
  }
  if (IS("sum")) {
    /* sum(iterable, attribute=None, start=0): Python's sum, a left fold
     * of + from START. */
    BIND("attribute", "start");
    char attr[32];
    const char *path = NULL;
    if (a[0] && a[0]->j && !json_is_null(a[0]->j)) {
      if (json_is_string(a[0]->j)) path = json_string_value(a[0]->j);
      else if (json_is_integer(a[0]->j) && json_integer_value(a[0]->j) >= 0) {
        snprintf(attr, sizeof attr, "%lld", (long long)json_integer_value(a[0]->j));
        path = attr;
      } else {
        return tpl_fail(rs, n, CC_EINVAL, "sum: attribute must be a name or an index");
      }
    }
    if (a[1] && a[1]->j && json_is_string(a[1]->j))
      return tpl_fail(rs, n, CC_EINVAL, "sum() can't sum strings [use ''.join(seq) instead]");
    json_t *items = NULL;
    if ((rc = tpl_items(rs, n, in, &items))) return rc;
    tpl_node plus = *n;
    plus.s = "+";
    tpl_val acc = a[1] ? tpl_dup(a[1]) : tpl_own(json_integer(0));
    if (!acc.j) rc = a[1] ? tpl_fail_undef(rs, n, a[1]) : CC_ENOMEM;
    for (size_t i = 0; i < json_array_size(items) && rc == CC_OK; i++) {
      json_t *k = path ? S_key(json_array_get(items, i), path, 0) : json_incref(json_array_get(items, i));
      if (!k) {
        rc = tpl_fail(rs, n, CC_EINVAL, "sum: an item has no attribute '%s'", path);
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
  if (IS("dictsort")) {
    BIND("case_sensitive", "by", "reverse");
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
    json_t *pairs = json_array();
    const char *k;
    json_t *x;
    if (!pairs) return CC_ENOMEM;
    json_object_foreach(in->j, k, x) if (json_array_append_new(pairs, json_pack("[sO]", k, x))) {
      json_decref(pairs);
      return CC_ENOMEM;
    }
    json_t *r = NULL;
    rc = S_sorted(rs, n, pairs, by[0] == 'k' ? "0" : "1", !S_truthy_arg(a[0], 0), S_truthy_arg(a[2], 0), &r);
    json_decref(pairs);
    if (rc == CC_OK) *out = tpl_own(r);
    return rc;
  }
  if (IS("tojson")) {
    BIND("indent");
    long long indent = -1;
    if (a[0] && a[0]->j && !json_is_null(a[0]->j) && (rc = S_int_arg(rs, n, a[0], -1, &indent))) return rc;
    if (!in->j) {
      if (rs->strict) return tpl_fail_undef(rs, n, in);
      return tpl_fail(rs, n, CC_EINVAL, "Object of type Undefined is not JSON serializable");
    }
    if (indent > 64) return tpl_fail(rs, n, CC_ELIMIT, "tojson: indent above 64");
    cc_buf b = CC_BUF_INIT;
    if (S_json(&b, in->j, indent, 0)) {
      cc_buf_free(&b);
      return CC_ENOMEM;
    }
    return S_buf_out(out, &b, 1);
  }
  return tpl_fail(rs, n, CC_EINVAL, "No filter named '%s'.", f);
#undef IS
#undef BIND
#undef NOARGS
}

int tpl_filter(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out) {
  *out = tpl_undef(NULL);
  int rc = S_filter_inner(rs, n, in, args, out);
  if (rc) tpl_val_drop(out);
  return rc;
}

/* ---- tests ---- */

int tpl_test(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res) {
  const char *t = n->s;
  const json_t *j = in->j;
  *res = 0;
#define IS(x) (t[0] == (x)[0] && !strcmp(t, x))
  if (IS("defined")) *res = j != NULL;
  else if (IS("undefined")) *res = j == NULL;
  else {
    if (!j && rs->strict) return tpl_fail_undef(rs, n, in);
    if (IS("none")) *res = j && json_is_null(j);
    else if (IS("number")) *res = j && tpl_is_num(j);
    else if (IS("integer")) *res = j && json_is_integer(j);
    else if (IS("float")) *res = j && json_is_real(j);
    else if (IS("boolean")) *res = j && json_is_boolean(j);
    else if (IS("true")) *res = j && json_is_true(j);
    else if (IS("false")) *res = j && json_is_false(j);
    else if (IS("string")) *res = j && json_is_string(j);
    else if (IS("mapping")) *res = j && json_is_object(j);
    else if (IS("sequence") || IS("iterable")) *res = j && (json_is_array(j) || json_is_object(j) || json_is_string(j));
    else if (IS("escaped")) *res = in->safe;
    else if (IS("even") || IS("odd") || IS("divisibleby")) {
      if (!j) return tpl_fail_undef(rs, n, in);
      if (!tpl_is_num(j)) return tpl_fail(rs, n, CC_EINVAL, "unsupported operand type(s) for %%: '%s' and 'int'", tpl_type_name(j));
      double d = 2;
      if (!IS("divisibleby") && n->n) return tpl_fail(rs, n, CC_EINVAL, "test %s takes no arguments", t);
      if (IS("divisibleby")) {
        if (n->n != 1 || !args[0].j || !tpl_is_num(args[0].j)) return tpl_fail(rs, n, CC_EINVAL, "divisibleby needs one number");
        d = tpl_num(args[0].j);
        if (d == 0) return tpl_fail(rs, n, CC_EINVAL, "integer division or modulo by zero");
      }
      double m = fmod(tpl_num(j), d);
      if (IS("divisibleby") && json_is_integer(j) && json_is_integer(args[0].j)) {
        long long q = json_integer_value(args[0].j), v = json_integer_value(j);
        m = (q == -1) ? 0 : (double)(v % q);
      }
      *res = IS("odd") ? fabs(m) == 1.0 : m == 0.0;
    } else if (IS("eq") || IS("equalto") || IS("==") || IS("ne") || IS("!=") || IS("sameas")) {
      if (n->n != 1) return tpl_fail(rs, n, CC_EINVAL, "test %s needs one argument", t);
      int eq = (!j || !args[0].j) ? (!j && !args[0].j) : tpl_equal(j, args[0].j);
      if (IS("sameas")) eq = eq && j && args[0].j && json_typeof(j) == json_typeof(args[0].j) && (json_is_null(j) || json_is_boolean(j));
      *res = (IS("ne") || IS("!=")) ? !eq : eq;
    } else if (IS("lt") || IS("gt") || IS("le") || IS("ge") || IS("lessthan") || IS("greaterthan")) {
      int c;
      if (n->n != 1) return tpl_fail(rs, n, CC_EINVAL, "test %s needs one argument", t);
      if (!j || !args[0].j) return tpl_fail_undef(rs, n, j ? &args[0] : in);
      if (tpl_compare(j, args[0].j, &c)) return tpl_fail(rs, n, CC_EINVAL, "comparison not supported between '%s' and '%s'", tpl_type_name(j), tpl_type_name(args[0].j));
      *res = (IS("lt") || IS("lessthan")) ? c < 0 : (IS("gt") || IS("greaterthan")) ? c > 0 : IS("le") ? c <= 0 : c >= 0;
    } else if (IS("in")) {
      if (n->n != 1) return tpl_fail(rs, n, CC_EINVAL, "test in needs one argument");
      const json_t *h = args[0].j;
      if (!h) return tpl_fail_undef(rs, n, &args[0]);
      if (json_is_string(h)) {
        if (!j || !json_is_string(j)) return tpl_fail(rs, n, CC_EINVAL, "'in <string>' requires string as left operand");
        *res = strstr(json_string_value(h), json_string_value(j)) != NULL;
      } else if (json_is_array(h)) {
        for (size_t i = 0; j && i < json_array_size(h) && !*res; i++) *res = tpl_equal(json_array_get(h, i), j);
      } else if (json_is_object(h)) {
        *res = j && json_is_string(j) && json_object_get(h, json_string_value(j));
      } else {
        return tpl_fail(rs, n, CC_EINVAL, "argument of type '%s' is not iterable", tpl_type_name(h));
      }
    } else if (IS("lower") || IS("upper")) {
      cc_buf b = CC_BUF_INIT;
      int rc = tpl_to_buf(rs, n, in, &b);
      if (rc) {
        cc_buf_free(&b);
        return rc;
      }
      int up = 0, low = 0;
      for (size_t i = 0; i < b.len; i++) {
        up |= b.ptr[i] >= 'A' && b.ptr[i] <= 'Z';
        low |= b.ptr[i] >= 'a' && b.ptr[i] <= 'z';
      }
      *res = IS("lower") ? (low && !up) : (up && !low);
      cc_buf_free(&b);
    } else {
      return tpl_fail(rs, n, CC_EINVAL, "No test named '%s'.", t);
    }
  }
  return CC_OK;
#undef IS
}

/* ---- methods ---- */

int tpl_method(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, tpl_val *args, tpl_val *out) {
  const char *m = n->a->s;
  const json_t *j = obj->j;
  *out = tpl_undef(NULL);
  if (!j) return tpl_fail_undef(rs, n, obj);
  if (json_is_object(j)) {
    if (!strcmp(m, "cycle") && json_object_get(j, "index0") && json_object_get(j, "revindex0")) {
      if (n->n == 0) return tpl_fail(rs, n, CC_EINVAL, "no items for cycling given");
      long long i = json_integer_value(json_object_get(j, "index0"));
      *out = tpl_dup(&args[i % n->n]);
      return CC_OK;
    }
    if (!strcmp(m, "items") || !strcmp(m, "keys") || !strcmp(m, "values")) {
      if (n->n) return tpl_fail(rs, n, CC_EINVAL, "%s() takes no arguments", m);
      json_t *r = json_array();
      const char *k;
      json_t *x;
      if (!r) return CC_ENOMEM;
      json_object_foreach((json_t *)j, k, x) {
        json_t *e = m[0] == 'i' ? json_pack("[sO]", k, x) : m[0] == 'k' ? json_string(k) : json_incref(x);
        if (json_array_append_new(r, e)) {
          json_decref(r);
          return CC_ENOMEM;
        }
      }
      *out = tpl_own(r);
      return CC_OK;
    }
    if (!strcmp(m, "get")) {
      if (n->n < 1 || n->n > 2) return tpl_fail(rs, n, CC_EINVAL, "get expected 1 or 2 arguments");
      json_t *v = args[0].j && json_is_string(args[0].j) ? json_object_get(j, json_string_value(args[0].j)) : NULL;
      if (v) *out = tpl_borrow(v);
      else if (n->n == 2) {
        *out = tpl_dup(&args[1]);
      } else *out = tpl_own(json_null());
      return (out->j || n->n == 2) ? CC_OK : CC_ENOMEM;
    }
  }
  if (json_is_string(j)) {
    static const char *const same[] = {"upper", "lower", "title", "capitalize"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++)
      if (!strcmp(m, same[i])) {
        tpl_node sub = *n;
        sub.s = m;
        return tpl_filter(rs, &sub, obj, args, out);
      }
    if (!strcmp(m, "strip")) {
      tpl_node sub = *n;
      sub.s = "trim";
      return tpl_filter(rs, &sub, obj, args, out);
    }
    if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
      if (n->n != 1 || !args[0].j || !json_is_string(args[0].j)) return tpl_fail(rs, n, CC_EINVAL, "%s needs one string", m);
      size_t sl = json_string_length(j), pl = json_string_length(args[0].j);
      const char *s = json_string_value(j), *p = json_string_value(args[0].j);
      int r = pl <= sl && memcmp(m[0] == 's' ? s : s + sl - pl, p, pl) == 0;
      *out = tpl_own(json_boolean(r));
      return CC_OK;
    }
  }
  return tpl_fail(rs, n, CC_EINVAL, "'%s object' has no attribute '%s'", tpl_type_name(j), m);
}
