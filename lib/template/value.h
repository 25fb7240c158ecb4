/* value.h (internal): the evaluator's values.
 *
 * A value is a jansson value plus two flags Jinja2 needs beyond JSON:
 * undefined (with the name that was missing, for strict-mode messages) and
 * safe (MarkupSafe's Markup: not escaped again).
 *
 * Ownership: with OWN set a tpl_val holds one reference to J, which
 * tpl_val_drop releases. Without it J is borrowed from something that
 * outlives the statement being rendered (the context, an AST literal, a
 * variable's value or a part of one), so no reference counting is needed;
 * whatever keeps a value beyond the statement (a variable binding, a
 * container) takes its own reference with tpl_val_take. Variables are only
 * rebound between statements, never while an expression is evaluated. */
#ifndef TPL_VALUE_H
#define TPL_VALUE_H

#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "cc/buf.h"

typedef struct tpl_val {
  json_t *j;         /* NULL when undefined */
  const char *hint;  /* undefined: the missing name (borrowed from the AST) */
  const char *owner; /* undefined attribute: the owner's type ("dict"), static */
  unsigned char safe;
  unsigned char own; /* holds a reference to J */
} tpl_val;

static inline tpl_val tpl_undef(const char *hint) {
  tpl_val v = {NULL, hint, NULL, 0, 0};
  return v;
}
/* What a filter that printed its result straight into the output leaves
 * as its value (tpl_f_put); only the printing code that asked sees it. */
extern const char tpl_direct_mark[];
static inline tpl_val tpl_direct_done(void) { return tpl_undef(tpl_direct_mark); }
static inline int tpl_is_direct_done(const tpl_val *v) { return !v->j && v->hint == tpl_direct_mark; }
/* Takes ownership of J (a new reference; NULL means out of memory). */
static inline tpl_val tpl_own(json_t *j) {
  tpl_val v = {j, NULL, NULL, 0, 1};
  return v;
}
/* A new reference to J. */
static inline tpl_val tpl_borrow(json_t *j) {
  tpl_val v = {json_incref(j), NULL, NULL, 0, 1};
  return v;
}
/* J borrowed without a reference: J must outlive the statement. */
static inline tpl_val tpl_ref(json_t *j) {
  tpl_val v = {j, NULL, NULL, 0, 0};
  return v;
}
/* A copy of V that may live as long as V (a reference more when V owns). */
static inline tpl_val tpl_dup(const tpl_val *v) {
  tpl_val c = *v;
  if (c.own && c.j) json_incref(c.j);
  return c;
}
/* V's value as a new reference (V is left undefined). */
static inline json_t *tpl_val_take(tpl_val *v) {
  json_t *j = v->j;
  if (!v->own) json_incref(j);
  v->j = NULL;
  v->own = 0;
  return j;
}
/* Numbers recycled: a reference dropped to a real or an integer nothing
 * else holds goes into its thread's pool (up to TPL_NUMPOOL of each kind,
 * freed by tpl_tuples_release), and tpl_real_new / tpl_int_new take one
 * from there before they allocate. So the temporaries of arithmetic and
 * of numeric filters cost no malloc and free once a render runs. Off under
 * AddressSanitizer, which should see every use after a free. */
#define TPL_NUMPOOL 16
typedef struct tpl_numpool {
  json_t *v[TPL_NUMPOOL];
  int n;
} tpl_numpool;
extern _Thread_local tpl_numpool tpl_pool_real, tpl_pool_int, tpl_pool_str, tpl_pool_arr;
/* Lists too (of up to TPL_POOL_ARRMAX items: emptied when they enter the
 * pool, their item tables kept): tpl_arr_new is json_array() from the
 * pool (the lists and tuples filters, methods and tuples make). */
#define TPL_POOL_ARRMAX 64
json_t *tpl_arr_new(void);
/* Strings are recycled too (up to TPL_POOL_STRMAX bytes, so the pool
 * stays small): json_stringn_nocheck(S, LEN) from the pool costs the copy
 * of the bytes but not the value's own allocation (tpl_json_strn and the
 * filters' results use it). */
#define TPL_POOL_STRMAX 1024
json_t *tpl_str_new(const char *s, size_t len);
/* json_real(D) (NULL when D is not finite or without memory). */
static inline json_t *tpl_real_new(double d) {
#ifndef __SANITIZE_ADDRESS__
  if (tpl_pool_real.n) {
    json_t *j = tpl_pool_real.v[tpl_pool_real.n - 1];
    if (json_real_set(j, d)) return NULL; /* not finite */
    tpl_pool_real.n--;
    return j;
  }
#endif
  return json_real(d);
}
/* json_integer(I) (NULL without memory). */
static inline json_t *tpl_int_new(json_int_t i) {
#ifndef __SANITIZE_ADDRESS__
  if (tpl_pool_int.n) {
    json_t *j = tpl_pool_int.v[--tpl_pool_int.n];
    json_integer_set(j, i);
    return j;
  }
#endif
  return json_integer(i);
}
/* json_decref(J), a last reference to a number kept in the pool. */
static inline void tpl_decref(json_t *j) {
#ifndef __SANITIZE_ADDRESS__
  if (j && j->refcount == 1) {
    tpl_numpool *p = j->type == JSON_REAL      ? &tpl_pool_real
                     : j->type == JSON_INTEGER ? &tpl_pool_int
                     : j->type == JSON_STRING && json_string_length(j) <= TPL_POOL_STRMAX ? &tpl_pool_str
                     : j->type == JSON_ARRAY && json_array_size(j) <= TPL_POOL_ARRMAX ? &tpl_pool_arr
                                               : NULL;
    if (p && p->n < TPL_NUMPOOL) {
      if (p == &tpl_pool_arr) json_array_clear(j);
      p->v[p->n++] = j;
      return;
    }
  }
#endif
  json_decref(j);
}

static inline void tpl_val_drop(tpl_val *v) {
  if (v->own) tpl_decref(v->j);
  v->j = NULL;
  v->own = 0;
}

/* cc_buf_add with the common case (room left) inline. */
static inline int tpl_buf_add(cc_buf *b, const char *s, size_t len) {
  if (b->ptr && len < b->cap - b->len && len <= b->max - b->len) {
    memcpy(b->ptr + b->len, s, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
  }
  return cc_buf_add(b, s, len);
}

/* N bytes C appended (a run of padding), with room checked once. */
static inline int tpl_buf_fill(cc_buf *b, char c, size_t n) {
  if (b->ptr && n < b->cap - b->len && n <= b->max - b->len) {
    memset(b->ptr + b->len, c, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
  }
  char chunk[64];
  memset(chunk, c, sizeof chunk);
  while (n) {
    size_t k = n < sizeof chunk ? n : sizeof chunk;
    int rc = cc_buf_add(b, chunk, k);
    if (rc) return rc;
    n -= k;
  }
  return 0;
}

/* Tuples. JSON has no tuple, so a tuple is a JSON array that the running
 * render registered as one (a registry per thread, between
 * tpl_tuples_begin and tpl_tuples_end, holding a reference to each so no
 * address is reused while it is known; tuples nothing else holds are
 * dropped when it grows). Tuples print as Python prints
 * them: ('a', 1), (1,). A group of groupby is a tuple (grouper, list)
 * whose items are also its attributes .grouper and .list. */
enum { TPL_LIST = 0, TPL_TUPLE = 1, TPL_GROUP = 2,
       /* dict.items() / keys() / values(): print as dict_items([...]) */
       TPL_ITEMS = 3, TPL_KEYS = 4, TPL_VALUES = 5,
       /* a string kept in a list or dict that is Markup */
       TPL_MARKUP = 6,
       /* range(): a list of its items that prints as range(start, stop[, step]) */
       TPL_RANGE = 7 };
/* Starts / ends a render's registry (nested calls share the outer one). */
void tpl_tuples_begin(void);
void tpl_tuples_end(void);
/* Frees the thread's registry table kept between renders (outside one). */
void tpl_tuples_release(void);
/* Registers the array A as a tuple of KIND. Returns CC_OK or CC_ENOMEM. */
int tpl_tuple_mark(json_t *a, int kind);
/* Registers the array A (the items) as range(ARGS[0], ARGS[1], ARGS[2]). */
int tpl_range_mark(json_t *a, const long long args[3]);
/* 1 and ARGS set when J is a registered range, else 0. */
int tpl_range_args(const json_t *j, long long args[3]);
/* The kind of J: TPL_LIST for anything not registered. */
int tpl_tuple_kind(const json_t *j);
/* A new tuple of the N values V (borrowed), or NULL. */
json_t *tpl_tuple_new(json_t *const *v, size_t n, int kind);

/* V as a new reference to store in a list or dict. A safe string (Markup)
 * is stored as a fresh copy registered as TPL_MARKUP (the original may be
 * shared with the context, which must stay plain), so it stays Markup when
 * read back; an undefined V as tpl_undef_item(). V is left undefined. NULL
 * when out of memory. */
json_t *tpl_val_store(tpl_val *v);
/* Sets V's safe flag when V is a string stored as Markup (an item read
 * from a list or dict). */
static inline void tpl_val_fix_safe(tpl_val *v);

/* Python's truth value. */
int tpl_truthy(const tpl_val *v);
/* Whether J is a number for arithmetic (bools count, as in Python). */
static inline int tpl_is_num(const json_t *j) { return j && (json_is_number(j) || json_is_boolean(j)); }
/* J as a double (bools as 0/1; anything else 0, as json_number_value):
 * inline, one call into jansson at most. */
static inline double tpl_num(const json_t *j) {
  switch (j ? json_typeof(j) : JSON_NULL) {
  case JSON_TRUE: return 1.0;
  case JSON_INTEGER: return (double)json_integer_value(j);
  case JSON_REAL: return json_real_value(j);
  default: return 0.0;
  }
}

/* Appends Python's repr of the double D ("2.0", "1e+16", "inf"). */
int tpl_fmt_float(cc_buf *b, double d);
/* The shortest decimal digits of the finite nonzero D (its sign aside)
 * that read back to D (dtoa.c): the digit count (at most 17) in DIGITS,
 * and the decimal exponent of the first digit in *EXP10 (d.ddd x 10^E). */
int tpl_shortest(double d, char *digits, int *exp10);
/* D with PREC (0 to 9) decimals as printf's "%.*f" prints it, into OUT
 * (at least 32 bytes, NUL-terminated): the length, or -1 when D is too
 * large, not finite or too near a rounding tie to decide without printf. */
int tpl_fixed(char *out, double d, int prec);
/* The digits of tpl_fixed as one integer: |D| x 10^PREC rounded as printf
 * rounds it (below 2^40), into *M; -1 where tpl_fixed gives -1. */
int tpl_fixed_int(double d, int prec, uint64_t *m);
/* Appends the integer V in decimal. */
int tpl_fmt_int(cc_buf *b, long long v);
/* Appends str(J) as Python prints it (strings raw, containers as repr). */
int tpl_str(cc_buf *b, const json_t *j);
/* Appends repr(J) (strings quoted as Python quotes them). */
int tpl_repr(cc_buf *b, const json_t *j);
/* Appends ascii(J): its repr with every non-ASCII code point escaped. */
int tpl_ascii(cc_buf *b, const json_t *j);
/* Appends S (LEN bytes) HTML-escaped as MarkupSafe escapes. */
int tpl_escape(cc_buf *b, const char *s, size_t len);
/* Appends S (LEN bytes) with a backslash before every ASCII punctuation
 * character: literal text in CommonMark. */
int tpl_md_escape(cc_buf *b, const char *s, size_t len);
/* json_object_getn(O, KEY, KL), but a small O is searched by its keys in
 * order (cheaper than hashing KEY). */
json_t *tpl_obj_getn(const json_t *o, const char *key, size_t kl);
/* Python's type name of J ("str", "int", "dict", ...). */
const char *tpl_type_name(const json_t *j);
/* Python equality (1 == 1.0 == True; containers deep). */
int tpl_equal(const json_t *a, const json_t *b);
/* A new JSON string of S (LEN bytes), or NULL when S is not valid UTF-8
 * (as jansson's json_stringn checks it: no overlong forms, surrogates or
 * code points past U+10FFFF) or without memory; ASCII is checked eight
 * bytes at a time. */
json_t *tpl_json_strn(const char *s, size_t len);
/* Code points in the UTF-8 string S. */
size_t tpl_utf8_len(const char *s, size_t len);

/* An undefined value kept in a list, a dict or a namespace (`[missing,
 * 1]`, `map(attribute=)` of a missing attribute), as Jinja2 keeps its
 * Undefined: the render's one empty string, known by its address (the
 * render holds a reference until it ends). It prints, counts, tests and
 * iterates as an empty string would, which is what Undefined does;
 * tpl_val_fix_safe turns it back into an undefined value when it is read
 * from its container. */
extern _Thread_local json_t *tpl_undef_j;
/* The hint of the undefined value it reads back as (not a name). */
extern const char tpl_undef_item_hint[];
/* A new reference to it (made by the render's first use), or NULL. */
json_t *tpl_undef_item(void);
static inline int tpl_is_undef_item(const json_t *j) { return j && j == tpl_undef_j; }

/* Set while the running render has kept a string as Markup (until then
 * no string read back can be one: tpl_val_fix_safe asks no further). */
extern _Thread_local int tpl_markup_kept;
/* Whether J is a string kept as Markup (in a list, a dict, a module). */
static inline int tpl_json_markup(const json_t *j) {
  return tpl_markup_kept && j && json_is_string(j) && tpl_tuple_kind(j) == TPL_MARKUP;
}
/* V read from a list, a dict or a namespace: Markup again when it was
 * stored as Markup, undefined when it was stored undefined. */
static inline void tpl_val_fix_safe(tpl_val *v) {
  if (!v->j || !json_is_string(v->j)) return;
  if (v->j == tpl_undef_j) {
    tpl_val_drop(v);
    *v = tpl_undef(tpl_undef_item_hint);
  } else if (tpl_markup_kept && tpl_tuple_kind(v->j) == TPL_MARKUP) {
    v->safe = 1;
  }
}

#endif
