/* value.c: Python's printing, truth and equality for JSON values. */
#include "value.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

const char tpl_direct_mark[] = "(printed)";

/* ---- tuples ---- */

typedef struct {
  json_t **keys; /* open addressing; each holds a reference */
  unsigned char *kinds;
  long long (*rng)[3]; /* a TPL_RANGE's start, stop, step */
  size_t *slots;       /* the N slots in use (emptied at the end) */
  size_t cap, n;
  int depth;
  int markups; /* a TPL_MARKUP string was registered this render */
} S_tuples;

static _Thread_local S_tuples S_tup;

/* What a thread keeps between renders (this table, the pools, the spare
 * scratch buffer) is freed when the thread exits: a key whose destructor
 * calls tpl_tuples_release, set by the thread's first render. */
static pthread_key_t S_exit_key;
static pthread_once_t S_exit_once = PTHREAD_ONCE_INIT;
static int S_exit_ok;
static _Thread_local int S_exit_set;
static void S_thread_exit(void *p) {
  (void)p;
  tpl_tuples_release();
}
static void S_exit_init(void) { S_exit_ok = pthread_key_create(&S_exit_key, S_thread_exit) == 0; }

void tpl_tuples_begin(void) {
  if (!S_exit_set) {
    S_exit_set = 1;
    pthread_once(&S_exit_once, S_exit_init);
    if (S_exit_ok) pthread_setspecific(S_exit_key, &S_exit_set);
  }
  S_tup.depth++;
}

void tpl_tuples_end(void) {
  if (--S_tup.depth > 0) return;
  for (size_t i = 0; i < S_tup.n; i++) {
    json_t *k = S_tup.keys[S_tup.slots[i]];
    S_tup.keys[S_tup.slots[i]] = NULL;
    tpl_decref(k); /* the last reference: to the pools */
  }
  S_tup.n = 0;
  S_tup.markups = 0;
  json_decref(tpl_undef_j); /* the render's reference (tpl_undef_item) */
  tpl_undef_j = NULL;
  tpl_markup_kept = 0;
  /* A small table stays for the thread's next render (no three callocs
   * and frees per render); tpl_tuples_release frees it. */
  if (S_tup.cap <= 256) return;
  tpl_tuples_release();
}

_Thread_local json_t *tpl_undef_j;
const char tpl_undef_item_hint[] = "an undefined value kept in a list, a dict or a namespace";

json_t *tpl_undef_item(void) {
  if (!tpl_undef_j) {
    /* The render holds one reference until it ends (tpl_tuples_end), so
     * its address stays its own; not in the registry, whose rebuild drops
     * what only it holds (the fuzzer found the use after free). */
    if (S_tup.depth <= 0 || !(tpl_undef_j = json_string(""))) return NULL;
  }
  return json_incref(tpl_undef_j);
}

_Thread_local tpl_numpool tpl_pool_real, tpl_pool_int, tpl_pool_str, tpl_pool_arr;
_Thread_local int tpl_markup_kept;

json_t *tpl_arr_new(void) {
#ifndef __SANITIZE_ADDRESS__
  if (tpl_pool_arr.n) return tpl_pool_arr.v[--tpl_pool_arr.n];
#endif
  return json_array();
}

json_t *tpl_str_new(const char *s, size_t len) {
#ifndef __SANITIZE_ADDRESS__
  if (tpl_pool_str.n) {
    json_t *j = tpl_pool_str.v[tpl_pool_str.n - 1];
    if (json_string_setn_nocheck(j, s, len)) return NULL; /* out of memory */
    tpl_pool_str.n--;
    return j;
  }
#endif
  return json_stringn_nocheck(s, len);
}

void tpl_tuples_release(void) {
  if (S_tup.depth > 0) return;
  while (tpl_pool_real.n) json_decref(tpl_pool_real.v[--tpl_pool_real.n]);
  while (tpl_pool_int.n) json_decref(tpl_pool_int.v[--tpl_pool_int.n]);
  while (tpl_pool_str.n) json_decref(tpl_pool_str.v[--tpl_pool_str.n]);
  while (tpl_pool_arr.n) json_decref(tpl_pool_arr.v[--tpl_pool_arr.n]);
  tpl_f_release_spare();
  free(S_tup.keys);
  free(S_tup.kinds);
  free(S_tup.rng);
  free(S_tup.slots);
  memset(&S_tup, 0, sizeof S_tup);
  tpl_markup_kept = 0;
}

static size_t S_ptr_hash(const void *p) {
  unsigned long long x = (unsigned long long)(uintptr_t)p;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (size_t)x;
}

static int S_mark(json_t *a, int kind, const long long *rng) {
  if (S_tup.depth <= 0) return CC_OK; /* outside a render: a list */
  if (2 * (S_tup.n + 1) > S_tup.cap) {
    /* Rebuilt without the tuples only the registry still holds (they are
     * gone for the template), so a loop making tuples stays bounded. */
    size_t live = 0;
    for (size_t i = 0; i < S_tup.cap; i++)
      if (S_tup.keys[i] && S_tup.keys[i]->refcount > 1) live++;
    size_t cap = 64;
    while (cap < 4 * (live + 1)) cap *= 2;
    json_t **k = calloc(cap, sizeof *k);
    unsigned char *t = calloc(cap, 1);
    long long(*r)[3] = calloc(cap, sizeof *r);
    size_t *sl = malloc(cap * sizeof *sl), ns = 0;
    if (!k || !t || !r || !sl) {
      free(k);
      free(t);
      free(r);
      free(sl);
      return CC_ENOMEM;
    }
    for (size_t i = 0; i < S_tup.cap; i++)
      if (S_tup.keys[i] && S_tup.keys[i]->refcount <= 1) {
        json_decref(S_tup.keys[i]);
      } else if (S_tup.keys[i]) {
        size_t h = S_ptr_hash(S_tup.keys[i]) & (cap - 1);
        while (k[h]) h = (h + 1) & (cap - 1);
        k[h] = S_tup.keys[i];
        t[h] = S_tup.kinds[i];
        memcpy(r[h], S_tup.rng[i], sizeof r[h]);
        sl[ns++] = h;
      }
    free(S_tup.keys);
    free(S_tup.kinds);
    free(S_tup.rng);
    free(S_tup.slots);
    S_tup.keys = k;
    S_tup.kinds = t;
    S_tup.rng = r;
    S_tup.slots = sl;
    S_tup.cap = cap;
    S_tup.n = ns;
  }
  size_t h = S_ptr_hash(a) & (S_tup.cap - 1);
  for (; S_tup.keys[h]; h = (h + 1) & (S_tup.cap - 1))
    if (S_tup.keys[h] == a) break;
  if (!S_tup.keys[h]) {
    S_tup.keys[h] = json_incref(a);
    S_tup.slots[S_tup.n++] = h;
  }
  S_tup.kinds[h] = (unsigned char)kind;
  if (kind == TPL_MARKUP) S_tup.markups = tpl_markup_kept = 1;
  if (rng) memcpy(S_tup.rng[h], rng, sizeof S_tup.rng[h]);
  return CC_OK;
}

int tpl_tuple_mark(json_t *a, int kind) { return S_mark(a, kind, NULL); }

int tpl_range_mark(json_t *a, const long long args[3]) { return S_mark(a, TPL_RANGE, args); }

int tpl_range_args(const json_t *j, long long args[3]) {
  if (!S_tup.n || !j || !json_is_array(j)) return 0;
  for (size_t h = S_ptr_hash(j) & (S_tup.cap - 1); S_tup.keys[h]; h = (h + 1) & (S_tup.cap - 1))
    if (S_tup.keys[h] == j) {
      if (S_tup.kinds[h] != TPL_RANGE) return 0;
      memcpy(args, S_tup.rng[h], sizeof S_tup.rng[h]);
      return 1;
    }
  return 0;
}

int tpl_tuple_kind(const json_t *j) {
  /* A string is only looked up once the render has kept one as Markup. */
  if (!S_tup.n || !j || !(json_is_array(j) || (json_is_string(j) && S_tup.markups))) return TPL_LIST;
  for (size_t h = S_ptr_hash(j) & (S_tup.cap - 1); S_tup.keys[h]; h = (h + 1) & (S_tup.cap - 1))
    if (S_tup.keys[h] == j) return S_tup.kinds[h];
  return TPL_LIST;
}

json_t *tpl_tuple_new(json_t *const *v, size_t n, int kind) {
  json_t *a = tpl_arr_new();
  for (size_t i = 0; a && i < n; i++)
    if (json_array_append(a, v[i])) {
      json_decref(a);
      return NULL;
    }
  if (a && tpl_tuple_mark(a, kind)) {
    json_decref(a);
    return NULL;
  }
  return a;
}

json_t *tpl_val_store(tpl_val *v) {
  if (!v->j) return tpl_undef_item();
  if (v->safe && v->j && json_is_string(v->j) && S_tup.depth > 0) {
    json_t *c = tpl_str_new(json_string_value(v->j), json_string_length(v->j));
    tpl_val_drop(v);
    if (c && tpl_tuple_mark(c, TPL_MARKUP)) {
      json_decref(c);
      c = NULL;
    }
    return c;
  }
  return tpl_val_take(v);
}

int tpl_truthy(const tpl_val *v) {
  const json_t *j = v->j;
  if (!j) return 0;
  switch (json_typeof(j)) {
  case JSON_NULL: return 0;
  case JSON_FALSE: return 0;
  case JSON_TRUE: return 1;
  case JSON_INTEGER: return json_integer_value(j) != 0;
  case JSON_REAL: return json_real_value(j) != 0.0;
  case JSON_STRING: return json_string_length(j) != 0;
  case JSON_ARRAY: return json_array_size(j) != 0;
  case JSON_OBJECT: return json_object_size(j) != 0;
  }
  return 0;
}

/* Appends the integer V in decimal. */
int tpl_fmt_int(cc_buf *b, long long v) {
  char tmp[24], *e = tmp + sizeof tmp, *p = e;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  return tpl_buf_add(b, p, (size_t)(e - p));
}

/* Fast path of tpl_fmt_float for the common case: |D| in [1e-4, 1e15)
 * with at most 15 significant digits, where repr prints fixed notation.
 * With K the fractional digits that make 15 significant ones, M = D * 10**K
 * rounded is the only 15-digit decimal that can read back to D (doubles
 * carry more than 15 digits, and the product is off by less than 0.25);
 * when M / 10**K == D (an exact integer over an exact power of ten, so the
 * division rounds as strtod would) it does, and M without its trailing
 * zeros is the shortest such decimal: a shorter one would be M too. Returns
 * 0 when D is not such a number (the slow path decides), 1 when done, or
 * an append's error code. */
static int S_fmt_float_fast(cc_buf *b, double d) {
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                               1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  double a = fabs(d);
  if (!(a >= 1e-4 && a < 1e15)) return 0;
  int k;
  if (a >= 1) {
    int intdig = 1; /* digits before the point */
    while (intdig < 15 && a >= p10[intdig]) intdig++;
    k = 15 - intdig;
  } else {
    k = 15 + (a < 1e-3 ? 3 : a < 1e-2 ? 2 : a < 1e-1 ? 1 : 0); /* zeros after the point */
  }
  double m = nearbyint(a * p10[k]);
  if (m / p10[k] != a) return 0;
  unsigned long long u = (unsigned long long)m;
  /* Trailing zeros off, in steps of 8, 4, 2 and 1 digits. */
  static const unsigned long long step[] = {100000000ULL, 10000ULL, 100ULL, 10ULL};
  for (int s = 0, w = 8; s < 4; s++, w /= 2)
    if (k >= w && u % step[s] == 0) {
      u /= step[s];
      k -= w;
    }
  /* U with the point K digits from the right. */
  char tmp[48], *e = tmp + sizeof tmp, *q = e;
  if (k == 0) *--q = '0';
  for (int fd = 0; fd < k; fd++) {
    *--q = (char)('0' + u % 10);
    u /= 10;
  }
  *--q = '.';
  do {
    *--q = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (d < 0) *--q = '-';
  int rc = tpl_buf_add(b, q, (size_t)(e - q));
  return rc ? rc : 1;
}

int tpl_fmt_float(cc_buf *b, double d) {
  if (isnan(d)) return cc_buf_puts(b, "nan");
  if (isinf(d)) return cc_buf_puts(b, d < 0 ? "-inf" : "inf");
  int f = S_fmt_float_fast(b, d);
  if (f) return f < 0 ? f : CC_OK;
  /* Shortest digits that read back to D, as Python's repr does. */
  char digits[32];
  int exp, neg = signbit(d) != 0;
  int nd = d == 0 ? (digits[0] = '0', exp = 0, 1) : tpl_shortest(d, digits, &exp);
  cc_buf o = CC_BUF_INIT;
  int rc = CC_OK;
  if (neg) rc |= cc_buf_putc(&o, '-');
  if (exp < -4 || exp >= 16) {
    rc |= cc_buf_putc(&o, digits[0]);
    if (nd > 1) {
      rc |= cc_buf_putc(&o, '.');
      rc |= cc_buf_add(&o, digits + 1, (size_t)nd - 1);
    }
    rc |= cc_buf_printf(&o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  } else if (exp < 0) {
    rc |= cc_buf_puts(&o, "0.");
    for (int i = 0; i < -exp - 1; i++) rc |= cc_buf_putc(&o, '0');
    rc |= cc_buf_add(&o, digits, (size_t)nd);
  } else {
    for (int i = 0; i <= exp; i++) rc |= cc_buf_putc(&o, i < nd ? digits[i] : '0');
    rc |= cc_buf_putc(&o, '.');
    if (nd > exp + 1) rc |= cc_buf_add(&o, digits + exp + 1, (size_t)(nd - exp - 1));
    else rc |= cc_buf_putc(&o, '0');
  }
  if (rc == CC_OK) rc = cc_buf_add(b, o.ptr, o.len);
  else rc = CC_ENOMEM;
  cc_buf_free(&o);
  return rc;
}

/* The code point of the UTF-8 sequence S (K bytes) as Python escapes it
 * in a repr: \\xhh, \\uhhhh or \\Uhhhhhhhh. */
static int S_escape_cp(cc_buf *b, const char *s, size_t k) {
  unsigned cp = tpl_utf8_get(s, k);
  if (cp < 0x100) return cc_buf_printf(b, "\\x%02x", cp);
  if (cp < 0x10000) return cc_buf_printf(b, "\\u%04x", cp);
  return cc_buf_printf(b, "\\U%08x", cp);
}

static int S_repr_str(cc_buf *b, const char *s, size_t len) {
  int has_sq = memchr(s, '\'', len) != NULL, has_dq = memchr(s, '"', len) != NULL;
  char q = (has_sq && !has_dq) ? '"' : '\'';
  int rc = cc_buf_putc(b, q);
  for (size_t i = 0; i < len && rc == CC_OK; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == (unsigned char)q || c == '\\') {
      rc = cc_buf_putc(b, '\\');
      if (rc == CC_OK) rc = cc_buf_putc(b, (char)c);
    } else if (c == '\n') rc = cc_buf_puts(b, "\\n");
    else if (c == '\r') rc = cc_buf_puts(b, "\\r");
    else if (c == '\t') rc = cc_buf_puts(b, "\\t");
    else if (c < 0x20 || c == 0x7f) rc = cc_buf_printf(b, "\\x%02x", c);
    else if (c < 0x80) rc = cc_buf_putc(b, (char)c);
    else { /* what str.isprintable() refuses is escaped, as repr() does */
      size_t k = tpl_utf8_seq(s + i, len - i);
      rc = tpl_f_printable(s + i, k) ? cc_buf_add(b, s + i, k) : S_escape_cp(b, s + i, k);
      i += k - 1;
    }
  }
  if (rc == CC_OK) rc = cc_buf_putc(b, q);
  return rc;
}

int tpl_repr(cc_buf *b, const json_t *j) {
  if (!json_is_string(j)) return tpl_str(b, j);
  if (tpl_is_undef_item(j)) return cc_buf_puts(b, "Undefined");
  /* A string kept as Markup in a list or dict: Markup('...'), as
   * MarkupSafe's repr prints it. */
  int markup = tpl_tuple_kind(j) == TPL_MARKUP, rc = markup ? cc_buf_puts(b, "Markup(") : CC_OK;
  if (rc == CC_OK) rc = S_repr_str(b, json_string_value(j), json_string_length(j));
  if (rc == CC_OK && markup) rc = cc_buf_putc(b, ')');
  return rc;
}

int tpl_ascii(cc_buf *b, const json_t *j) {
  cc_buf r = CC_BUF_INIT;
  int rc = tpl_repr(&r, j);
  for (size_t i = 0; i < r.len && rc == CC_OK; i++) {
    if ((unsigned char)r.ptr[i] < 0x80) {
      rc = cc_buf_putc(b, r.ptr[i]);
    } else {
      size_t k = tpl_utf8_seq(r.ptr + i, r.len - i);
      rc = S_escape_cp(b, r.ptr + i, k);
      i += k - 1;
    }
  }
  cc_buf_free(&r);
  return rc;
}

int tpl_str(cc_buf *b, const json_t *j) {
  int rc = CC_OK;
  switch (json_typeof(j)) {
  case JSON_NULL: return cc_buf_puts(b, "None");
  case JSON_TRUE: return cc_buf_puts(b, "True");
  case JSON_FALSE: return cc_buf_puts(b, "False");
  case JSON_INTEGER: return tpl_fmt_int(b, (long long)json_integer_value(j));
  case JSON_REAL: return tpl_fmt_float(b, json_real_value(j));
  case JSON_STRING: return tpl_buf_add(b, json_string_value(j), json_string_length(j));
  case JSON_ARRAY: {
    size_t i;
    json_t *x;
    int kind = tpl_tuple_kind(j), tup = kind == TPL_TUPLE || kind == TPL_GROUP;
    static const char *const views[] = {"dict_items(", "dict_keys(", "dict_values("};
    long long r[3];
    if (kind == TPL_RANGE && tpl_range_args(j, r)) {
      if (r[2] == 1) return cc_buf_printf(b, "range(%lld, %lld)", r[0], r[1]);
      return cc_buf_printf(b, "range(%lld, %lld, %lld)", r[0], r[1], r[2]);
    }
    if (kind >= TPL_ITEMS && kind <= TPL_VALUES && (rc = cc_buf_puts(b, views[kind - TPL_ITEMS]))) return rc;
    rc = cc_buf_putc(b, tup ? '(' : '[');
    json_array_foreach(j, i, x) {
      if (rc == CC_OK && i) rc = cc_buf_puts(b, ", ");
      if (rc == CC_OK) rc = tpl_repr(b, x);
    }
    if (rc == CC_OK && tup && json_array_size(j) == 1) rc = cc_buf_putc(b, ',');
    int view = kind >= TPL_ITEMS && kind <= TPL_VALUES;
    if (rc == CC_OK && view) rc = cc_buf_putc(b, ']');
    return rc ? rc : cc_buf_putc(b, tup || view ? ')' : ']');
  }
  case JSON_OBJECT: {
    const char *k;
    json_t *x;
    int first = 1;
    rc = cc_buf_putc(b, '{');
    json_object_foreach((json_t *)j, k, x) {
      if (rc == CC_OK && !first) rc = cc_buf_puts(b, ", ");
      first = 0;
      if (rc == CC_OK) rc = S_repr_str(b, k, strlen(k));
      if (rc == CC_OK) rc = cc_buf_puts(b, ": ");
      if (rc == CC_OK) rc = tpl_repr(b, x);
    }
    return rc ? rc : cc_buf_putc(b, '}');
  }
  }
  return rc;
}

int tpl_escape(cc_buf *b, const char *s, size_t len) {
  static const unsigned char special[256] = {['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5};
  static const char *const rep[] = {NULL, "&amp;", "&lt;", "&gt;", "&#34;", "&#39;"};
  static const unsigned char replen[] = {0, 5, 4, 4, 5, 5};
  const unsigned char *u = (const unsigned char *)s;
  size_t start = 0, i = 0;
  for (;;) {
    /* Eight bytes a step while none is special (most text). */
    while (i + 8 <= len && !(special[u[i]] | special[u[i + 1]] | special[u[i + 2]] | special[u[i + 3]] |
                             special[u[i + 4]] | special[u[i + 5]] | special[u[i + 6]] | special[u[i + 7]]))
      i += 8;
    while (i < len && !special[u[i]]) i++;
    if (i == len) break;
    unsigned char k = special[u[i]];
    int rc;
    if ((rc = tpl_buf_add(b, s + start, i - start)) || (rc = tpl_buf_add(b, rep[k], replen[k]))) return rc;
    start = ++i;
  }
  return tpl_buf_add(b, s + start, len - start);
}

int tpl_md_escape(cc_buf *b, const char *s, size_t len) {
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    /* CommonMark's ASCII punctuation, whatever the locale */
    if (!strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i]) || !s[i]) continue;
    int rc;
    if ((rc = tpl_buf_add(b, s + start, i - start)) || (rc = tpl_buf_add(b, "\\", 1))) return rc;
    start = i; /* the character itself follows the backslash */
  }
  return tpl_buf_add(b, s + start, len - start);
}

json_t *tpl_obj_getn(const json_t *o, const char *key, size_t kl) {
  if (json_object_size(o) > 3) return json_object_getn(o, key, kl);
  for (void *it = json_object_iter((json_t *)o); it; it = json_object_iter_next((json_t *)o, it)) {
    if (json_object_iter_key_len(it) != kl) continue;
    const char *k = json_object_iter_key(it);
    /* The first byte tells most keys of one length apart, without memcmp. */
    if (kl && k[0] != key[0]) continue;
    size_t i = 1; /* short keys compared here (no memcmp call) */
    if (kl <= 16)
      while (i < kl && k[i] == key[i]) i++;
    if (kl <= 16 ? i == kl : !memcmp(k + 1, key + 1, kl - 1)) return json_object_iter_value(it);
  }
  return NULL;
}

int tpl_equal(const json_t *a, const json_t *b) {
  /* Undefined equals only Undefined. */
  if (tpl_is_undef_item(a) || tpl_is_undef_item(b)) return a == b;
  if (json_is_string(a) && json_is_string(b)) {
    size_t l = json_string_length(a);
    return l == json_string_length(b) && !memcmp(json_string_value(a), json_string_value(b), l);
  }
  if (tpl_is_num(a) && tpl_is_num(b)) {
    if (json_is_integer(a) && json_is_integer(b)) return json_integer_value(a) == json_integer_value(b);
    return tpl_num(a) == tpl_num(b);
  }
  if (json_typeof(a) != json_typeof(b)) return 0;
  if (json_is_array(a)) {
    /* A tuple never equals a list, nor a range anything but a range. */
    int ka = tpl_tuple_kind(a), kb = tpl_tuple_kind(b);
    if ((ka == TPL_LIST) != (kb == TPL_LIST) || (ka >= TPL_ITEMS) != (kb >= TPL_ITEMS) ||
        (ka == TPL_RANGE) != (kb == TPL_RANGE))
      return 0;
    if (json_array_size(a) != json_array_size(b)) return 0;
    for (size_t i = 0; i < json_array_size(a); i++)
      if (!tpl_equal(json_array_get(a, i), json_array_get(b, i))) return 0;
    return 1;
  }
  if (json_is_object(a)) {
    const char *k;
    json_t *x;
    if (json_object_size(a) != json_object_size(b)) return 0;
    json_object_foreach((json_t *)a, k, x) {
      json_t *y = json_object_get(b, k);
      if (!y || !tpl_equal(x, y)) return 0;
    }
    return 1;
  }
  return json_equal((json_t *)a, (json_t *)b);
}

size_t tpl_utf8_len(const char *s, size_t len) {
  size_t n = 0, i = 0;
  /* Eight bytes at a time: each byte but a continuation (10xxxxxx). */
  for (uint64_t x; i + 8 <= len; i += 8) {
    memcpy(&x, s + i, 8);
    /* The continuation bytes as 0/1 per byte, summed into the top byte by
     * one multiplication (no popcount call without -mpopcnt). */
    uint64_t c = (x & ~(x << 1) & 0x8080808080808080ULL) >> 7;
    n += 8 - (size_t)((c * 0x0101010101010101ULL) >> 56);
  }
  for (; i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
  return n;
}

const char *tpl_type_name(const json_t *j) {
  if (!j) return "Undefined";
  switch (json_typeof(j)) {
  case JSON_NULL: return "NoneType";
  case JSON_TRUE:
  case JSON_FALSE: return "bool";
  case JSON_INTEGER: return "int";
  case JSON_REAL: return "float";
  case JSON_STRING: return "str";
  case JSON_ARRAY: {
    static const char *const names[] = {"list", "tuple", "tuple", "dict_items", "dict_keys", "dict_values", "list",
                                        "range"};
    return names[tpl_tuple_kind(j)];
  }
  case JSON_OBJECT: return "dict";
  }
  return "object";
}

/* Whether S (LEN bytes) is valid UTF-8 as jansson's utf8_check_string
 * wants it. */
static int S_utf8_valid(const unsigned char *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (len - i >= 8) {
      uint64_t w;
      memcpy(&w, s + i, 8);
      w &= 0x8080808080808080ULL;
      if (!w) {
        i += 8;
        continue;
      }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      i += (size_t)__builtin_ctzll(w) >> 3; /* straight to the first byte above 0x7F */
#endif
    }
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    unsigned cp, min;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07, min = 0x10000;
    else return 0;
    if (len - i < n) return 0;
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    i += n;
  }
  return 1;
}

json_t *tpl_json_strn(const char *s, size_t len) {
  return S_utf8_valid((const unsigned char *)s, len) ? tpl_str_new(s, len) : NULL;
}
