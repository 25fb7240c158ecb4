/* filters_web.c: Jinja2's filters that write other languages: tojson
 * (htmlsafe_json_dumps), pprint (pprint.pformat), xmlattr, urlencode and
 * urlize. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

#define UNUSED (void)a, (void)args

/* ---- tojson, as htmlsafe_json_dumps with sort_keys ---- */

static int S_cmp_keys(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The keys of the object J sorted (a new array the caller frees). */
static const char **S_sorted_keys(const json_t *j) {
  size_t cnt = json_object_size(j), i = 0;
  const char **keys = malloc((cnt ? cnt : 1) * sizeof *keys), *k;
  json_t *x;
  if (!keys) return NULL;
  json_object_foreach((json_t *)j, k, x) keys[i++] = k;
  qsort(keys, cnt, sizeof *keys, S_cmp_keys);
  return keys;
}

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

/* The type S_json found no JSON for (CC_EINVAL). */
static _Thread_local const char *S_json_bad;

static int S_json(cc_buf *b, const json_t *j, long long indent, int level) {
  int rc = CC_OK;
  if (json_is_array(j)) {
    int k = tpl_tuple_kind(j);
    if (k >= TPL_ITEMS && k <= TPL_RANGE && k != TPL_MARKUP) { /* dict views, a range */
      S_json_bad = tpl_type_name(j);
      return CC_EINVAL;
    }
  }
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
  case JSON_STRING:
    if (tpl_is_undef_item(j)) { /* not JSON serializable */
      S_json_bad = "Undefined";
      return CC_EINVAL;
    }
    return S_json_str(b, json_string_value(j), json_string_length(j));
  case JSON_ARRAY:
  case JSON_OBJECT: {
    int arr = json_is_array(j);
    size_t cnt = arr ? json_array_size(j) : json_object_size(j);
    const char **keys = NULL;
    if (cnt == 0) return cc_buf_puts(b, arr ? "[]" : "{}");
    if (!arr && !(keys = S_sorted_keys(j))) return CC_ENOMEM;
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

TPL_FILTER(tpl_f_tojson) {
  (void)args;
  long long indent = -1;
  int rc;
  if (a[0] && a[0]->j && !json_is_null(a[0]->j) && (rc = tpl_f_int(rs, n, a[0], -1, &indent))) return rc;
  if (!in->j) {
    if (rs->strict) return tpl_fail_undef(rs, n, in);
    return tpl_fail(rs, n, CC_EINVAL, "Object of type Undefined is not JSON serializable");
  }
  if (indent > 64) return tpl_fail(rs, n, CC_ELIMIT, "tojson: indent above 64");
  cc_buf b = CC_BUF_INIT;
  if ((rc = S_json(&b, in->j, indent, 0))) {
    cc_buf_free(&b);
    return rc == CC_EINVAL ? tpl_fail(rs, n, rc, "Object of type %s is not JSON serializable", S_json_bad) : rc;
  }
  return tpl_f_putbuf(rs, out, &b, 1);
}

/* ---- pprint: pprint.pformat (width 80, dicts sorted) ---- */

/* repr with dicts sorted by key, as pformat's _safe_repr writes it. */
static int S_srepr(cc_buf *b, const json_t *j) {
  if (json_is_object(j)) {
    const char **keys = S_sorted_keys(j);
    int rc = keys ? cc_buf_putc(b, '{') : CC_ENOMEM;
    for (size_t i = 0; i < json_object_size(j) && rc == CC_OK; i++) {
      json_t *k = json_string(keys[i]);
      if (i) rc = cc_buf_puts(b, ", ");
      if (rc == CC_OK) rc = k ? tpl_repr(b, k) : CC_ENOMEM;
      json_decref(k);
      if (rc == CC_OK) rc = cc_buf_puts(b, ": ");
      if (rc == CC_OK) rc = S_srepr(b, json_object_get(j, keys[i]));
    }
    free(keys);
    return rc ? rc : cc_buf_putc(b, '}');
  }
  if (json_is_array(j) && tpl_tuple_kind(j) < TPL_ITEMS) {
    int tup = tpl_tuple_kind(j) != TPL_LIST, rc = cc_buf_putc(b, tup ? '(' : '[');
    for (size_t i = 0; i < json_array_size(j) && rc == CC_OK; i++) {
      if (i) rc = cc_buf_puts(b, ", ");
      if (rc == CC_OK) rc = S_srepr(b, json_array_get(j, i));
    }
    if (rc == CC_OK && tup && json_array_size(j) == 1) rc = cc_buf_putc(b, ',');
    return rc ? rc : cc_buf_putc(b, tup ? ')' : ']');
  }
  return tpl_repr(b, j);
}

/* \s in a str: the byte length of the whitespace code point at S, or 0. */
static size_t S_space(const char *s, size_t l) {
  size_t k = tpl_utf8_seq(s, l);
  unsigned char c = (unsigned char)s[0];
  if (k == 1) return (tpl_f_isws(s[0]) || (c >= 0x1c && c <= 0x1f)) ? 1 : 0;
  static const char *const ws[] = {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
                                   "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
  for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
    if (strlen(ws[i]) == k && !memcmp(s, ws[i], k)) return k;
  return k == 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] <= 0x8A ? 3 : 0;
}

/* Code points of repr(S[0, L)). */
static size_t S_repr_len(const char *s, size_t l, int *rc) {
  json_t *j = tpl_str_new(s, l);
  cc_buf r = CC_BUF_INIT;
  if (!j || tpl_repr(&r, j)) *rc = CC_ENOMEM;
  size_t n = tpl_utf8_len(r.ptr ? r.ptr : "", r.len);
  json_decref(j);
  cc_buf_free(&r);
  return n;
}

static int S_put_repr(cc_buf *b, const char *s, size_t l) {
  json_t *j = tpl_str_new(s, l);
  int rc = j ? tpl_repr(b, j) : CC_ENOMEM;
  json_decref(j);
  return rc;
}

/* pprint's _pprint_str: a long string as the reprs of its lines, and of
 * runs of words of a too long line, one per line (in parentheses at the
 * top level). */
static int S_pstr(cc_buf *b, const char *s, size_t l, size_t indent, size_t allowance, int level) {
  int rc = CC_OK;
  if (level == 1) indent++, allowance++;
  long long maxw = 80 - (long long)indent, maxw1 = maxw;
  /* chunks as [start, end) byte spans */
  size_t cap = 16, nc = 0, (*ch)[2] = malloc(cap * sizeof *ch);
  if (!ch) return CC_ENOMEM;
  size_t pos = 0, lastl = 0, laste = 0;
#define CHUNK(a_, e_)                                                   \
  do {                                                                  \
    if (nc == cap) {                                                    \
      size_t(*n_)[2] = realloc(ch, 2 * cap * sizeof *ch);               \
      if (!n_) {                                                        \
        rc = CC_ENOMEM;                                                 \
        goto out;                                                       \
      }                                                                 \
      ch = n_;                                                          \
      cap *= 2;                                                         \
    }                                                                   \
    ch[nc][0] = (a_);                                                   \
    ch[nc++][1] = (e_);                                                 \
  } while (0)
  while (pos < l) {
    /* splitlines(True): the line with its end */
    size_t ls, le, p2 = pos;
    tpl_f_line(s, l, &p2, &ls, &le);
    size_t end = p2;
    pos = p2;
    lastl = ls;
    laste = end;
    int last = pos >= l;
    if (last) maxw1 -= (long long)allowance;
    if ((long long)S_repr_len(s + ls, end - ls, &rc) <= maxw1) {
      CHUNK(ls, end);
      continue;
    }
    /* \S*\s* parts, packed while their repr fits */
    long long maxw2 = maxw;
    size_t cur = ls, i = ls;
    while (i < end && rc == CC_OK) {
      size_t j = i, k;
      while (j < end && !S_space(s + j, end - j)) j += tpl_utf8_seq(s + j, end - j);
      while (j < end && (k = S_space(s + j, end - j))) j += k;
      if (j >= end && last) maxw2 -= (long long)allowance;
      if ((long long)S_repr_len(s + cur, j - cur, &rc) > maxw2) {
        if (i > cur) CHUNK(cur, i);
        cur = i;
      }
      i = j;
    }
    if (end > cur) CHUNK(cur, end);
  }
  if (rc) goto out;
  if (nc == 1) {
    rc = S_put_repr(b, s + lastl, laste - lastl); /* pprint writes the last line's repr */
    goto out;
  }
  if (level == 1) rc = cc_buf_putc(b, '(');
  for (size_t i = 0; i < nc && rc == CC_OK; i++) {
    if (i) {
      rc = cc_buf_putc(b, '\n');
      for (size_t k = 0; k < indent && rc == CC_OK; k++) rc = cc_buf_putc(b, ' ');
    }
    if (rc == CC_OK) rc = S_put_repr(b, s + ch[i][0], ch[i][1] - ch[i][0]);
  }
  if (rc == CC_OK && level == 1) rc = cc_buf_putc(b, ')');
#undef CHUNK
out:
  free(ch);
  return rc;
}

static int S_pformat(cc_buf *b, const json_t *j, size_t indent, size_t allowance, int level) {
  cc_buf r = CC_BUF_INIT;
  int rc = S_srepr(&r, j);
  size_t width = tpl_utf8_len(r.ptr ? r.ptr : "", r.len);
  size_t maxw = 80 > indent + allowance ? 80 - indent - allowance : 0;
  int container = (json_is_array(j) && json_array_size(j) && tpl_tuple_kind(j) < TPL_ITEMS) ||
                  (json_is_object(j) && json_object_size(j));
  if (rc == CC_OK && width > maxw && json_is_string(j) && json_string_length(j)) {
    cc_buf_free(&r);
    return S_pstr(b, json_string_value(j), json_string_length(j), indent, allowance, level + 1);
  }
  if (rc || width <= maxw || !container) {
    if (rc == CC_OK) rc = cc_buf_add(b, r.ptr ? r.ptr : "", r.len);
    cc_buf_free(&r);
    return rc;
  }
  cc_buf_free(&r);
  if (json_is_object(j)) {
    const char **keys = S_sorted_keys(j);
    size_t cnt = json_object_size(j);
    if (!keys) return CC_ENOMEM;
    rc = cc_buf_putc(b, '{');
    for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
      json_t *k = json_string(keys[i]);
      size_t before = b->len;
      rc = k ? tpl_repr(b, k) : CC_ENOMEM;
      json_decref(k);
      size_t kl = tpl_utf8_len(b->ptr + before, b->len - before);
      if (rc == CC_OK) rc = cc_buf_puts(b, ": ");
      if (rc == CC_OK)
        rc = S_pformat(b, json_object_get(j, keys[i]), indent + 1 + kl + 2, i + 1 == cnt ? allowance + 1 : 1, level + 1);
      if (rc == CC_OK && i + 1 < cnt) {
        rc = cc_buf_puts(b, ",\n");
        for (size_t s = 0; s < indent + 1 && rc == CC_OK; s++) rc = cc_buf_putc(b, ' ');
      }
    }
    free(keys);
    return rc ? rc : cc_buf_putc(b, '}');
  }
  int tup = tpl_tuple_kind(j) != TPL_LIST;
  size_t cnt = json_array_size(j);
  rc = cc_buf_putc(b, tup ? '(' : '[');
  size_t endw = tup && cnt == 1 ? 2 : 1;
  for (size_t i = 0; i < cnt && rc == CC_OK; i++) {
    if (i) {
      rc = cc_buf_puts(b, ",\n");
      for (size_t s = 0; s < indent + 1 && rc == CC_OK; s++) rc = cc_buf_putc(b, ' ');
    }
    if (rc == CC_OK) rc = S_pformat(b, json_array_get(j, i), indent + 1, i + 1 == cnt ? allowance + endw : 1, level + 1);
  }
  if (rc == CC_OK && tup && cnt == 1) rc = cc_buf_putc(b, ',');
  return rc ? rc : cc_buf_putc(b, tup ? ')' : ']');
}

TPL_FILTER(tpl_f_pprint) {
  UNUSED;
  cc_buf b = CC_BUF_INIT;
  int rc;
  if (!in->j) {
    if (rs->strict) return tpl_fail_undef(rs, n, in);
    rc = cc_buf_puts(&b, "Undefined");
  } else if (in->safe && json_is_string(in->j)) { /* pformat of Markup is its repr */
    rc = cc_buf_puts(&b, "Markup(");
    if (rc == CC_OK) rc = tpl_repr(&b, in->j);
    if (rc == CC_OK) rc = cc_buf_putc(&b, ')');
  } else {
    rc = S_pformat(&b, in->j, 0, 0, 0);
  }
  if (rc) {
    cc_buf_free(&b);
    return CC_ENOMEM;
  }
  return tpl_f_putbuf(rs, out, &b, 0);
}

/* ---- xmlattr ---- */

TPL_FILTER(tpl_f_xmlattr) {
  (void)args;
  const char *k;
  json_t *x;
  int rc = CC_OK;
  if (!in->j) return tpl_fail_undef(rs, n, in);
  if (!json_is_object(in->j)) return tpl_fail(rs, n, CC_EINVAL, "'%s' object has no attribute 'items'", tpl_type_name(in->j));
  cc_buf b = CC_BUF_INIT, t = CC_BUF_INIT;
  json_object_foreach(in->j, k, x) {
    if (json_is_null(x)) continue;
    for (const char *p = k; *p; p++)
      if (strchr(" \t\n\r\f\v/>=", *p) || (*p >= 0x1c && *p <= 0x1f)) {
        cc_buf_free(&b);
        return tpl_fail(rs, n, CC_EINVAL, "Invalid character in attribute name: '%s'", k);
      }
    if (b.len) rc |= cc_buf_putc(&b, ' ');
    rc |= tpl_escape(&b, k, strlen(k));
    rc |= cc_buf_puts(&b, "=\"");
    cc_buf_truncate(&t, 0);
    rc |= tpl_str(&t, x);
    rc |= tpl_escape(&b, t.ptr ? t.ptr : "", t.len);
    rc |= cc_buf_putc(&b, '"');
    if (rc) break;
  }
  cc_buf_free(&t);
  cc_buf r = CC_BUF_INIT;
  if (rc == CC_OK && b.len && tpl_f_truthy(a[0], 1)) rc = cc_buf_putc(&r, ' ');
  if (rc == CC_OK) rc = cc_buf_add(&r, b.ptr ? b.ptr : "", b.len);
  cc_buf_free(&b);
  if (rc) {
    cc_buf_free(&r);
    return CC_ENOMEM;
  }
  return tpl_f_putbuf(rs, out, &r, rs->autoescape);
}

/* ---- urlencode ---- */

/* urllib.parse.quote of str(J): unreserved bytes kept, "/" too unless
 * FOR_QS, which writes a space as "+". */
static int S_quote(cc_buf *b, const json_t *j, int for_qs) {
  cc_buf t = CC_BUF_INIT;
  int rc = j ? tpl_str(&t, j) : CC_OK;
  for (size_t i = 0; i < t.len && rc == CC_OK; i++) {
    unsigned char c = (unsigned char)t.ptr[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("_.-~", c) ||
        (c == '/' && !for_qs))
      rc = cc_buf_putc(b, (char)c);
    else if (c == ' ' && for_qs) rc = cc_buf_putc(b, '+');
    else rc = cc_buf_printf(b, "%%%02X", c);
  }
  cc_buf_free(&t);
  return rc;
}

TPL_FILTER(tpl_f_urlencode) {
  UNUSED;
  cc_buf b = CC_BUF_INIT;
  int rc = CC_OK;
  const json_t *j = in->j;
  if (!j && rs->strict) return tpl_fail_undef(rs, n, in);
  if (j && json_is_object(j)) {
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)j, k, x) {
      json_t *ks = json_string(k);
      if (b.len) rc |= cc_buf_putc(&b, '&');
      rc |= ks ? S_quote(&b, ks, 1) : CC_ENOMEM;
      json_decref(ks);
      rc |= cc_buf_putc(&b, '=');
      rc |= S_quote(&b, x, 1);
      if (rc) break;
    }
  } else if (j && json_is_array(j)) {
    for (size_t i = 0; i < json_array_size(j) && rc == CC_OK; i++) {
      json_t *p = json_array_get(j, i);
      if (!json_is_array(p) || json_array_size(p) != 2) {
        cc_buf_free(&b);
        return tpl_fail(rs, n, CC_EINVAL, "urlencode(): a list must hold (key, value) pairs");
      }
      if (i) rc |= cc_buf_putc(&b, '&');
      rc |= S_quote(&b, json_array_get(p, 0), 1);
      rc |= cc_buf_putc(&b, '=');
      rc |= S_quote(&b, json_array_get(p, 1), 1);
    }
  } else if (j) {
    rc = S_quote(&b, j, 0);
  }
  if (rc) {
    cc_buf_free(&b);
    return CC_ENOMEM;
  }
  return tpl_f_putbuf(rs, out, &b, 0);
}

/* ---- urlize: jinja2.utils.urlize ---- */

static int S_w(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80; }
static int S_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int S_starts(const char *s, size_t l, const char *p) { return strlen(p) <= l && !memcmp(s, p, strlen(p)); }
static int S_istarts(const char *s, size_t l, const char *p) { return strlen(p) <= l && !strncasecmp(s, p, strlen(p)); }

/* (?::\d{1,5})?(?:[/?#]\S*)?$ from S[I]. */
static int S_port_path(const char *s, size_t l, size_t i) {
  if (i < l && s[i] == ':') {
    size_t d = ++i;
    while (i < l && s[i] >= '0' && s[i] <= '9' && i - d < 5) i++;
    if (i == d) return 0;
  }
  return i == l || s[i] == '/' || s[i] == '?' || s[i] == '#';
}

/* _http_re.match(S) */
static int S_http(const char *s, size_t l) {
  size_t p = 0;
  int scheme = 0;
  if (S_istarts(s, l, "https://")) p = 8, scheme = 1;
  else if (S_istarts(s, l, "http://")) p = 7, scheme = 1;
  else if (S_istarts(s, l, "www.")) p = 4;
  size_t h = p;
  while (h < l && (S_w((unsigned char)s[h]) || s[h] == '%' || s[h] == '-' || s[h] == '.')) h++;
  /* host = s[p, h): labels, the last being the TLD */
  size_t dot = h;
  while (dot > p && s[dot - 1] != '.') dot--;
  int labels_ok = 1;
  for (size_t i = p, start = p; i < dot; i++)
    if (s[i] == '.') {
      if (i == start) labels_ok = 0;
      start = i + 1;
    }
  size_t tl = h - dot;
  if (p) {
    int tld = 0;
    if (tl >= 2 && tl <= 63) {
      tld = 1;
      for (size_t i = dot; i < h; i++) tld &= S_alpha((unsigned char)s[i]);
    }
    if (!tld && tl >= 6 && tl <= 63 && S_istarts(s + dot, tl, "xn--")) {
      tld = 1;
      for (size_t i = dot + 4; i < h; i++) tld &= S_w((unsigned char)s[i]) || s[i] == '%';
    }
    if (tld && labels_ok && S_port_path(s, l, h)) return 1;
  }
  if (!scheme && p == 0) {
    static const char *const tlds[] = {"com", "net", "int", "edu", "gov", "org", "info", "mil"};
    int ok = dot > 0 && labels_ok;
    for (size_t i = 0, start = 0; ok && i < dot; i++)
      if (s[i] == '.') {
        ok = i - start >= 2 && i - start <= 63;
        for (size_t k = start; k < i && ok; k++) ok = S_w((unsigned char)s[k]) || s[k] == '%' || s[k] == '-';
        start = i + 1;
      }
    int t = 0;
    for (size_t i = 0; i < sizeof tlds / sizeof *tlds && ok; i++)
      t |= strlen(tlds[i]) == tl && !strncasecmp(s + dot, tlds[i], tl);
    if (ok && t && S_port_path(s, l, h)) return 1;
  }
  if (scheme) {
    /* IPv4 */
    size_t i = p;
    int ok = 1;
    for (int part = 0; part < 4 && ok; part++) {
      if (part) ok = i < l && s[i++] == '.';
      size_t d = i;
      while (ok && i < l && s[i] >= '0' && s[i] <= '9' && i - d < 3) i++;
      ok = ok && i > d;
    }
    if (ok && S_port_path(s, l, i)) return 1;
    /* IPv6, loosely: [hex and colons] */
    if (p < l && s[p] == '[') {
      size_t e = p + 1;
      int colons = 0;
      while (e < l && (strchr("0123456789abcdefABCDEF:", s[e]))) colons += s[e++] == ':';
      if (e < l && s[e] == ']' && colons >= 2 && S_port_path(s, l, e + 1)) return 1;
    }
  }
  return 0;
}

/* _email_re.match(S): ^\S+@\w[\w.-]*\.\w+$ */
static int S_email(const char *s, size_t l) {
  for (size_t at = 1; at < l; at++) {
    if (s[at] != '@') continue;
    size_t r = at + 1;
    if (r >= l || !S_w((unsigned char)s[r])) continue;
    size_t lastdot = 0;
    int ok = 1;
    for (size_t i = r; i < l && ok; i++) {
      if (s[i] == '.') lastdot = i;
      else ok = S_w((unsigned char)s[i]) || s[i] == '-';
    }
    if (!ok || lastdot <= r || lastdot + 1 >= l) continue;
    for (size_t i = lastdot + 1; i < l && ok; i++) ok = S_w((unsigned char)s[i]);
    if (ok) return 1;
  }
  return 0;
}

static size_t S_count(const char *s, size_t l, const char *p) {
  size_t c = 0, pl = strlen(p);
  for (size_t i = 0; i + pl <= l;)
    if (!memcmp(s + i, p, pl)) {
      c++;
      i += pl;
    } else {
      i++;
    }
  return c;
}

typedef struct {
  long long trim;       /* -1: none */
  const char *rel, *target;
  const json_t *schemes; /* array of strings, or NULL */
} S_uopts;

static int S_link(cc_buf *b, const char *href_pre, const char *m, size_t ml, const S_uopts *o, int attrs, int trim) {
  int rc = cc_buf_puts(b, "<a href=\"");
  rc |= cc_buf_puts(b, href_pre);
  rc |= cc_buf_add(b, m, ml);
  rc |= cc_buf_putc(b, '"');
  if (attrs && o->rel) {
    rc |= cc_buf_puts(b, " rel=\"");
    rc |= tpl_escape(b, o->rel, strlen(o->rel));
    rc |= cc_buf_putc(b, '"');
  }
  if (attrs && o->target) {
    rc |= cc_buf_puts(b, " target=\"");
    rc |= tpl_escape(b, o->target, strlen(o->target));
    rc |= cc_buf_putc(b, '"');
  }
  rc |= cc_buf_putc(b, '>');
  if (trim && o->trim >= 0 && (long long)tpl_utf8_len(m, ml) > o->trim) {
    size_t k = 0;
    for (long long c = 0; c < o->trim && k < ml; c++) k += tpl_utf8_seq(m + k, ml - k);
    rc |= cc_buf_add(b, m, k);
    rc |= cc_buf_puts(b, "...");
  } else {
    rc |= cc_buf_add(b, m, ml);
  }
  rc |= cc_buf_puts(b, "</a>");
  return rc;
}

/* One word (no whitespace) of the escaped text. */
static int S_urlize_word(cc_buf *b, const char *w, size_t l, const S_uopts *o) {
  size_t hs = 0, ts = l;
  for (;;) {
    if (hs < l && (w[hs] == '(' || w[hs] == '<')) hs++;
    else if (S_starts(w + hs, l - hs, "&lt;")) hs += 4;
    else break;
  }
  for (;;) {
    if (ts > hs && strchr(")>.,\n", w[ts - 1])) ts--;
    else if (ts >= hs + 4 && !memcmp(w + ts - 4, "&gt;", 4)) ts -= 4;
    else break;
  }
  /* middle = w[hs, me), tail = w[me, l): balance brackets from the tail */
  size_t me = ts;
  static const char *const pairs[][2] = {{"(", ")"}, {"<", ">"}, {"&lt;", "&gt;"}};
  for (int p = 0; p < 3; p++) {
    size_t sc = S_count(w + hs, me - hs, pairs[p][0]);
    if (sc <= S_count(w + hs, me - hs, pairs[p][1])) continue;
    size_t tc = S_count(w + me, l - me, pairs[p][1]), el = strlen(pairs[p][1]);
    for (size_t k = 0; k < sc && k < tc; k++) {
      const char *f = NULL;
      for (size_t i = me; i + el <= l; i++)
        if (!memcmp(w + i, pairs[p][1], el)) {
          f = w + i;
          break;
        }
      if (!f) break;
      me = (size_t)(f - w) + el;
    }
  }
  const char *m = w + hs;
  size_t ml = me - hs;
  int rc = cc_buf_add(b, w, hs);
  if (S_http(m, ml)) {
    int has = S_starts(m, ml, "https://") || S_starts(m, ml, "http://");
    /* Without a scheme the link gets https://; the text stays the word. */
    rc |= S_link(b, has ? "" : "https://", m, ml, o, 1, 1);
  } else if (S_starts(m, ml, "mailto:") && S_email(m + 7, ml - 7)) {
    rc |= cc_buf_puts(b, "<a href=\"");
    rc |= cc_buf_add(b, m, ml);
    rc |= cc_buf_puts(b, "\">");
    rc |= cc_buf_add(b, m + 7, ml - 7);
    rc |= cc_buf_puts(b, "</a>");
  } else if (memchr(m, '@', ml) && !S_starts(m, ml, "www.") && !S_starts(m, ml, "@") && !memchr(m, ':', ml) &&
             S_email(m, ml)) {
    rc |= S_link(b, "mailto:", m, ml, o, 0, 0);
  } else {
    int done = 0;
    for (size_t i = 0; o->schemes && i < json_array_size(o->schemes) && !done; i++) {
      const char *sc = json_string_value(json_array_get(o->schemes, i));
      if (sc && S_starts(m, ml, sc) && ml != strlen(sc)) {
        rc |= S_link(b, "", m, ml, o, 1, 0);
        done = 1;
      }
    }
    if (!done) rc |= cc_buf_add(b, m, ml);
  }
  rc |= cc_buf_add(b, w + me, l - me);
  return rc;
}

/* A URI scheme prefix: ^([\w.+-]{2,}:(/){0,2})$ */
static int S_scheme_ok(const char *s) {
  size_t i = 0;
  while (s[i] && (S_w((unsigned char)s[i]) || strchr(".+-", s[i]))) i++;
  if (i < 2 || s[i] != ':') return 0;
  i++;
  size_t sl = 0;
  while (s[i] == '/' && sl < 2) i++, sl++;
  return s[i] == 0;
}

static int S_cmp_words(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

TPL_FILTER(tpl_f_urlize) {
  (void)args;
  S_uopts o = {-1, NULL, NULL, NULL};
  int rc;
  if (a[0] && a[0]->j && !json_is_null(a[0]->j) && (rc = tpl_f_int(rs, n, a[0], -1, &o.trim))) return rc;
  if (a[2] && a[2]->j && !json_is_null(a[2]->j)) {
    if (!json_is_string(a[2]->j)) return tpl_fail(rs, n, CC_EINVAL, "urlize(): target must be a string");
    if (json_string_length(a[2]->j)) o.target = json_string_value(a[2]->j);
  }
  if (a[4] && a[4]->j && !json_is_null(a[4]->j)) {
    if (!json_is_array(a[4]->j)) return tpl_fail(rs, n, CC_EINVAL, "urlize(): extra_schemes must be a list");
    for (size_t i = 0; i < json_array_size(a[4]->j); i++) {
      const char *sc = json_string_value(json_array_get(a[4]->j, i));
      if (!sc || !S_scheme_ok(sc)) return tpl_fail(rs, n, CC_EINVAL, "'%s' is not a valid URI scheme prefix.", sc ? sc : "?");
    }
    o.schemes = a[4]->j;
  }
  /* rel: the sorted set of the given words, nofollow, and noopener. */
  char *words[66];
  int nw = 0;
  char relbuf[1024] = "";
  cc_buf relsrc = CC_BUF_INIT;
  rc = CC_OK;
  if (a[3] && a[3]->j && json_is_string(a[3]->j)) rc |= cc_buf_puts(&relsrc, json_string_value(a[3]->j));
  rc |= cc_buf_puts(&relsrc, tpl_f_truthy(a[1], 0) ? " nofollow noopener" : " noopener");
  if (rc) {
    cc_buf_free(&relsrc);
    return CC_ENOMEM;
  }
  for (char *tok = strtok(relsrc.ptr, " \t\n\r\f\v"); tok && nw < 64; tok = strtok(NULL, " \t\n\r\f\v")) {
    int dup = 0;
    for (int i = 0; i < nw; i++) dup |= !strcmp(words[i], tok);
    if (!dup) words[nw++] = tok;
  }
  qsort(words, (size_t)nw, sizeof *words, S_cmp_words);
  for (int i = 0; i < nw; i++) {
    if (i) strncat(relbuf, " ", sizeof relbuf - strlen(relbuf) - 1);
    strncat(relbuf, words[i], sizeof relbuf - strlen(relbuf) - 1);
  }
  o.rel = relbuf;
  cc_buf_free(&relsrc);
  /* The text escaped, then split at whitespace runs. */
  const char *s;
  size_t l;
  tpl_val t;
  if ((rc = tpl_f_instr(rs, n, in, &s, &l, &t))) return rc;
  cc_buf e = CC_BUF_INIT, b = CC_BUF_INIT;
  rc = t.safe ? cc_buf_add(&e, s, l) : tpl_escape(&e, s, l);
  tpl_val_drop(&t);
  for (size_t i = 0; i < e.len && rc == CC_OK;) {
    size_t j = i;
    if (tpl_f_isws(e.ptr[i]) || (e.ptr[i] >= 0x1c && e.ptr[i] <= 0x1f)) {
      while (j < e.len && (tpl_f_isws(e.ptr[j]) || (e.ptr[j] >= 0x1c && e.ptr[j] <= 0x1f))) j++;
      rc = cc_buf_add(&b, e.ptr + i, j - i);
    } else {
      while (j < e.len && !(tpl_f_isws(e.ptr[j]) || (e.ptr[j] >= 0x1c && e.ptr[j] <= 0x1f))) j++;
      rc = S_urlize_word(&b, e.ptr + i, j - i, &o);
    }
    i = j;
    if (b.len > rs->max_out) rc = CC_ETOOBIG;
  }
  cc_buf_free(&e);
  if (rc) {
    cc_buf_free(&b);
    return rc == CC_ETOOBIG ? tpl_fail(rs, n, CC_ELIMIT, "urlize result exceeds the output limit") : CC_ENOMEM;
  }
  return tpl_f_putbuf(rs, out, &b, rs->autoescape);
}
