/* filters.c: the filter table (one sorted array, searched once per name
 * when a template is compiled), argument binding and the helpers the
 * filter files share. The filters themselves live in filters_*.c. */
#include "filters.h"

#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

/* ---- the table ---- */

#define P(...) (const char *const[]){__VA_ARGS__}, (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define P0 NULL, 0

/* Sorted by name (strcmp order): tpl_filter_find searches it. `random`
 * is left out: a template that rolls dice has no reproducible output. */
static const tpl_fdef S_filters[] = {
    {"abs", tpl_f_abs, P0, 0, NULL},
    {"attr", tpl_f_attr_, P("name"), 0, NULL},
    {"batch", tpl_f_batch, P("linecount", "fill_with"), 0, NULL},
    {"capitalize", tpl_f_capitalize, P0, TPL_F_CAPITAL, NULL},
    {"center", tpl_f_center, P("width"), TPL_F_DIRECT, NULL},
    {"count", tpl_f_length, P0, TPL_F_DIRECT, NULL},
    {"d", tpl_f_default, P("default_value", "boolean"), 0, NULL},
    {"default", tpl_f_default, P("default_value", "boolean"), 0, NULL},
    {"dictsort", tpl_f_dictsort, P("case_sensitive", "by", "reverse"), 0, NULL},
    {"e", tpl_f_escape, P0, TPL_F_DIRECT, NULL},
    {"escape", tpl_f_escape, P0, TPL_F_DIRECT, NULL},
    {"filesizeformat", tpl_f_filesizeformat, P("binary"), TPL_F_DIRECT, NULL},
    {"first", tpl_f_first, P0, 0, NULL},
    {"float", tpl_f_float, P("default"), TPL_F_DIRECT, NULL},
    {"forceescape", tpl_f_forceescape, P0, TPL_F_DIRECT, NULL},
    {"format", tpl_f_format, P0, TPL_F_RAW | TPL_F_DIRECT, NULL},
    {"groupby", tpl_f_groupby, P("attribute", "default", "case_sensitive"), 0, NULL},
    {"indent", tpl_f_indent, P("width", "first", "blank"), TPL_F_DIRECT, NULL},
    {"int", tpl_f_int_, P("default", "base"), TPL_F_DIRECT, NULL},
    {"items", tpl_f_items_, P0, 0, NULL},
    {"join", tpl_f_join, P("d", "attribute"), TPL_F_DIRECT, NULL},
    {"last", tpl_f_last, P0, 0, NULL},
    {"length", tpl_f_length, P0, TPL_F_DIRECT, NULL},
    {"list", tpl_f_list, P0, 0, NULL},
    {"lower", tpl_f_lower, P0, TPL_F_LOWER, NULL},
    {"map", tpl_f_map, P0, TPL_F_RAW, NULL},
    {"max", tpl_f_max, P("case_sensitive", "attribute"), 0, NULL},
    {"min", tpl_f_min, P("case_sensitive", "attribute"), 0, NULL},
    {"pprint", tpl_f_pprint, P0, TPL_F_DIRECT, NULL},
    {"reject", tpl_f_reject, P0, TPL_F_RAW, NULL},
    {"rejectattr", tpl_f_rejectattr, P0, TPL_F_RAW, NULL},
    {"replace", tpl_f_replace, P("old", "new", "count"), TPL_F_DIRECT, NULL},
    {"reverse", tpl_f_reverse, P0, TPL_F_DIRECT, NULL},
    {"round", tpl_f_round, P("precision", "method"), TPL_F_DIRECT, NULL},
    {"safe", tpl_f_safe, P0, 0, NULL},
    {"select", tpl_f_select, P0, TPL_F_RAW, NULL},
    {"selectattr", tpl_f_selectattr, P0, TPL_F_RAW, NULL},
    {"slice", tpl_f_slice, P("slices", "fill_with"), 0, NULL},
    {"sort", tpl_f_sort, P("reverse", "case_sensitive", "attribute"), 0, NULL},
    {"string", tpl_f_string, P0, 0, NULL},
    {"striptags", tpl_f_striptags, P0, TPL_F_DIRECT, NULL},
    {"sum", tpl_f_sum, P("attribute", "start"), TPL_F_DIRECT, NULL},
    {"title", tpl_f_title, P0, TPL_F_DIRECT, NULL},
    {"tojson", tpl_f_tojson, P("indent"), TPL_F_DIRECT, NULL},
    {"trim", tpl_f_trim, P("chars"), TPL_F_DIRECT, NULL},
    {"truncate", tpl_f_truncate, P("length", "killwords", "end", "leeway"), TPL_F_DIRECT, NULL},
    {"unique", tpl_f_unique, P("case_sensitive", "attribute"), 0, NULL},
    {"upper", tpl_f_upper, P0, TPL_F_UPPER, NULL},
    {"urlencode", tpl_f_urlencode, P0, TPL_F_DIRECT, NULL},
    {"urlize", tpl_f_urlize, P("trim_url_limit", "nofollow", "target", "rel", "extra_schemes"), TPL_F_DIRECT, NULL},
    {"wordcount", tpl_f_wordcount, P0, 0, NULL},
    {"wordwrap", tpl_f_wordwrap, P("width", "break_long_words", "wrapstring", "break_on_hyphens"), TPL_F_DIRECT, NULL},
    {"xmlattr", tpl_f_xmlattr, P("autospace"), TPL_F_DIRECT, NULL},
};

static int S_cmp_fdef(const void *k, const void *e) { return strcmp(k, ((const tpl_fdef *)e)->name); }

const tpl_fdef *tpl_filter_find(const char *name) {
  return bsearch(name, S_filters, sizeof S_filters / sizeof *S_filters, sizeof *S_filters, S_cmp_fdef);
}

const tpl_fdef *tpl_filter_lookup(const tpl_rs *rs, const char *name, tpl_fdef *scratch) {
  for (size_t i = 0; i < rs->nxfilters; i++)
    if (!strcmp(rs->xfilters[i].name, name)) {
      memset(scratch, 0, sizeof *scratch);
      scratch->name = rs->xfilters[i].name;
      scratch->ext = &rs->xfilters[i];
      return scratch;
    }
  return tpl_filter_find(name);
}

/* ---- argument binding ---- */

/* tpl_f_bind's body, inlined into tpl_filter_call (every filter call binds). */
static inline int S_bind(tpl_rs *rs, const tpl_node *n, tpl_val *args, const char *const *names, int np,
                         const tpl_val **slot) {
  /* All TPL_MAX_PARAMS slots cleared by constant stores (a loop to NP
   * would be a memset call). */
  for (int i = 0; i < TPL_MAX_PARAMS; i++) slot[i] = NULL;
  for (int i = 0; i < n->n; i++) {
    int k = -1;
    if (n->kw && n->kw[i]) {
      for (int j = 0; j < np; j++)
        if (TPL_NAME_IS(n->kw[i], names[j])) k = j;
      if (k < 0) return tpl_fail(rs, n, CC_EINVAL, "%s() got an unexpected keyword argument '%s'", n->s, n->kw[i]);
    } else {
      k = i;
      if (k >= np) return tpl_fail(rs, n, CC_EINVAL, "%s() takes at most %d arguments (%d given)", n->s, np + 1, n->n + 1);
    }
    if (slot[k]) return tpl_fail(rs, n, CC_EINVAL, "%s() got multiple values for argument '%s'", n->s, names[k]);
    slot[k] = &args[i];
  }
  return CC_OK;
}

int tpl_f_bind(tpl_rs *rs, const tpl_node *n, tpl_val *args, const char *const *names, int np, const tpl_val **slot) {
  return S_bind(rs, n, args, names, np, slot);
}

/* An embedder's filter. */
static int S_ext(tpl_rs *rs, const tpl_node *n, const cc_tpl_filter *f, const tpl_val *in, tpl_val *args, tpl_val *out) {
  const json_t *av[32];
  char err[256] = "";
  json_t *res = NULL;
  int safe = 0;
  for (int i = 0; i < n->n && i < 32; i++) {
    if (n->kw && n->kw[i]) return tpl_fail(rs, n, CC_EINVAL, "%s() takes no keyword arguments", f->name);
    av[i] = args[i].j;
  }
  if (n->n > 32) return tpl_fail(rs, n, CC_EINVAL, "too many arguments");
  int rc = f->fn(f->ud, in->j, av, (size_t)n->n, &res, &safe, err, sizeof err);
  if (rc) {
    json_decref(res);
    if (rc == CC_ENOMEM) return rc;
    err[sizeof err - 1] = 0;
    return tpl_fail(rs, n, rc, "%s", *err ? err : "filter failed");
  }
  if (!res) return tpl_fail(rs, n, CC_EINVAL, "filter '%s' returned no value", f->name);
  *out = tpl_own(res);
  out->safe = (unsigned char)(safe != 0 && json_is_string(res));
  return CC_OK;
}

static inline int S_call(tpl_rs *rs, const tpl_fdef *def, const tpl_node *n, const tpl_val *in, tpl_val *args,
                         tpl_val *out) {
  const tpl_val *a[TPL_MAX_PARAMS];
  int rc;
  *out = tpl_undef(NULL);
  if (def->ext) rc = S_ext(rs, n, def->ext, in, args, out);
  else if (def->flags & TPL_F_RAW) rc = def->fn(rs, n, in, NULL, args, out);
  else if ((rc = S_bind(rs, n, args, def->params, def->np, a)) == CC_OK) rc = def->fn(rs, n, in, a, args, out);
  if (rc) tpl_val_drop(out);
  return rc;
}

int tpl_filter_call(tpl_rs *rs, const tpl_fdef *def, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out) {
  return S_call(rs, def, n, in, args, out);
}

int tpl_filter(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out) {
  *out = tpl_undef(NULL);
  if (!n->def) return tpl_fail(rs, n, CC_EINVAL, "No filter named '%s' found.", n->s); /* as Jinja2 at render time */
  return S_call(rs, n->def, n, in, args, out); /* tpl_filter_call, inline */
}

/* ---- helpers ---- */

int tpl_f_instr_conv(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const char **s, size_t *len, tpl_val *tmp) {
  *tmp = tpl_undef(NULL);
  int rc = tpl_to_str(rs, n, in, tmp);
  if (rc) return rc;
  *s = json_string_value(tmp->j);
  *len = json_string_length(tmp->j);
  return CC_OK;
}

int tpl_f_strout(tpl_val *out, const char *s, size_t len, int safe) {
  *out = tpl_own(tpl_json_strn(s, len));
  out->safe = (unsigned char)safe;
  return out->j ? CC_OK : CC_ENOMEM;
}

int tpl_f_bufout(tpl_val *out, cc_buf *b, int safe) {
  int rc = tpl_f_strout(out, b->ptr ? b->ptr : "", b->len, safe);
  cc_buf_free(b);
  return rc;
}

int tpl_f_put(tpl_rs *rs, tpl_val *out, const char *s, size_t len, int safe) {
  cc_buf *d = rs->direct;
  if (!d) return tpl_f_strout(out, s, len, safe);
  rs->direct = NULL;
  *out = tpl_direct_done();
  /* As tpl_emit prints a string. */
  int rc = rs->autoescape && !safe ? tpl_escape(d, s, len) : tpl_buf_add(d, s, len);
  return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
}

/* A scratch buffer the thread keeps between renders (taken by the first
 * tpl_f_scratch of a render that has none; given back by tpl_f_keep_spare
 * when the render ends; freed by tpl_f_release_spare), so a render costs
 * no malloc and free of its scratch buffer. */
static _Thread_local cc_buf S_spare;

int tpl_f_put_same(tpl_rs *rs, tpl_val *out, const tpl_val *in, const char *s, size_t len, int safe) {
  if (rs->direct || !in || !in->j || !json_is_string(in->j) || json_string_value(in->j) != s ||
      json_string_length(in->j) != len)
    return tpl_f_put(rs, out, s, len, safe);
  *out = tpl_dup(in);
  out->safe = (unsigned char)safe;
  return CC_OK;
}

cc_buf tpl_f_scratch_take(tpl_rs *rs) {
  cc_buf b = CC_BUF_INIT, none = {NULL, 0, 0, 0, 0};
  if (rs->scratch.max) {
    b = rs->scratch;
    rs->scratch = none;
  } else if (S_spare.max) {
    b = S_spare;
    S_spare = none;
  }
  cc_buf_truncate(&b, 0);
  return b;
}

void tpl_f_keep_spare(cc_buf *b) {
  cc_buf none = {NULL, 0, 0, 0, 0};
  if (b->ptr && !S_spare.max && b->cap <= 4096 && !b->failed) S_spare = *b;
  else cc_buf_free(b);
  *b = none;
}

void tpl_f_release_spare(void) {
  cc_buf none = {NULL, 0, 0, 0, 0};
  if (S_spare.ptr) cc_buf_free(&S_spare);
  S_spare = none;
}

int tpl_f_put_int(tpl_rs *rs, tpl_val *out, long long v) {
  cc_buf *d = rs->direct;
  if (!d) {
    *out = tpl_own(tpl_int_new((json_int_t)v));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  rs->direct = NULL;
  *out = tpl_direct_done();
  int rc = tpl_fmt_int(d, v); /* digits are never escaped */
  return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
}

int tpl_f_put_real(tpl_rs *rs, tpl_val *out, double v) {
  cc_buf *d = rs->direct;
  if (!isfinite(v)) return CC_ERR; /* the evaluator reports it, as for arithmetic */
  if (!d) {
    *out = tpl_own(tpl_real_new(v));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  rs->direct = NULL;
  *out = tpl_direct_done();
  int rc = tpl_fmt_float(d, v); /* repr's digits, '.', 'e', '-', '+': never escaped */
  return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
}

int tpl_f_putbuf(tpl_rs *rs, tpl_val *out, cc_buf *b, int safe) {
  int rc = tpl_f_put(rs, out, b->ptr ? b->ptr : "", b->len, safe);
  cc_buf_free(b);
  return rc;
}

int tpl_f_put_valid(tpl_rs *rs, tpl_val *out, const char *s, size_t len, int safe) {
  if (rs->direct) return tpl_f_put(rs, out, s, len, safe);
  *out = tpl_own(tpl_str_new(s, len));
  out->safe = (unsigned char)safe;
  return out->j ? CC_OK : CC_ENOMEM;
}

int tpl_f_putscratch(tpl_rs *rs, tpl_val *out, cc_buf *b, int safe) {
  int rc = tpl_f_put_valid(rs, out, b->ptr ? b->ptr : "", b->len, safe);
  tpl_f_unscratch(rs, b);
  return rc;
}


int tpl_f_isws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

int tpl_f_int_conv(tpl_rs *rs, const tpl_node *n, const tpl_val *v, long long dflt, long long *out) {
  if (!v) {
    *out = dflt;
    return CC_OK;
  }
  if (!v->j || !(json_is_integer(v->j) || json_is_boolean(v->j)))
    return tpl_fail(rs, n, CC_EINVAL, "%s(): expected an integer argument, got '%s'", n->s, tpl_type_name(v->j));
  *out = json_is_boolean(v->j) ? json_is_true(v->j) : (long long)json_integer_value(v->j);
  return CC_OK;
}

int tpl_f_attr(tpl_rs *rs, const tpl_node *n, const tpl_val *v, char *buf, size_t cap, const char **out) {
  *out = NULL;
  if (!v || (v->j && json_is_null(v->j))) return CC_OK;
  if (v->j && json_is_string(v->j)) *out = json_string_value(v->j);
  else if (v->j && json_is_integer(v->j)) {
    snprintf(buf, cap, "%lld", (long long)json_integer_value(v->j));
    *out = buf;
  } else {
    return tpl_fail(rs, n, CC_EINVAL, "%s(): attribute must be a name or an index, not '%s'", n->s, tpl_type_name(v->j));
  }
  return CC_OK;
}

int tpl_f_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out) {
  int rc = tpl_items(rs, n, v, out);
  if (rc || *out != v->j) return rc;
  json_t *copy = tpl_arr_new();
  if (copy && json_array_extend(copy, *out)) {
    json_decref(copy);
    copy = NULL;
  }
  json_decref(*out);
  *out = copy;
  return copy ? CC_OK : CC_ENOMEM;
}

int tpl_f_lowers_to_self(const char *s, size_t l) {
  /* ASCII without capitals lowers to itself. */
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  /* Eight bytes at a time while all are ASCII and none is in A-Z; the
   * last eight overlap the ones before when L is not a multiple. */
#define S_UPPER_OR_HIGH(x) (((x) | (((x) + 0x3F3F3F3F3F3F3F3FULL) & ~((x) + 0x2525252525252525ULL))) & 0x8080808080808080ULL)
  if (l >= 8) {
    uint64_t x;
    for (; i + 8 <= l; i += 8) {
      memcpy(&x, p + i, 8);
      if (S_UPPER_OR_HIGH(x)) return 0;
    }
    memcpy(&x, p + l - 8, 8);
    return !S_UPPER_OR_HIGH(x);
  }
#undef S_UPPER_OR_HIGH
  while (i < l && p[i] < 0x80 && !(p[i] >= 'A' && p[i] <= 'Z')) i++;
  return i == l;
}

json_t *tpl_f_key(json_t *item, const char *attr, int lower, int *nomem) {
  json_t *k = item;
  if (attr && json_is_object(k) && !strchr(attr, '.')) {
    /* The common case, one name: no copy of the path. */
    if (!(k = tpl_obj_getn(k, attr, strlen(attr)))) return NULL;
  } else if (attr) {
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
      else if (json_is_string(k) && l && strspn(part, "0123456789") == l && !p[l]) {
        /* "abc"|groupby(0): a string's code point, as Python indexes it */
        const char *s = json_string_value(k);
        size_t sl = json_string_length(k), at = 0, idx = (size_t)atol(part);
        for (size_t c = 0; at < sl && c < idx; c++) at += tpl_utf8_seq(s + at, sl - at);
        if (at >= sl) return NULL;
        json_t *ch = tpl_json_strn(s + at, tpl_utf8_seq(s + at, sl - at));
        if (!ch && nomem) *nomem = 1;
        if (!ch || !lower) return ch;
        json_t *lc = tpl_f_key(ch, NULL, 1, nomem);
        json_decref(ch);
        return lc;
      }
      else if (json_is_array(k) && tpl_tuple_kind(k) == TPL_GROUP && (!strcmp(part, "grouper") || !strcmp(part, "list")))
        k = json_array_get(k, part[0] == 'l');
      else k = NULL;
      p += l + (p[l] == '.');
    }
    if (!k) return NULL;
  }
  if (lower && json_is_string(k)) {
    if (tpl_f_lowers_to_self(json_string_value(k), json_string_length(k))) return json_incref(k);
    cc_buf b = CC_BUF_INIT;
    json_t *c = NULL;
    if (tpl_case_map(&b, json_string_value(k), json_string_length(k), TPL_LOWER) == CC_OK)
      c = tpl_json_strn(b.ptr ? b.ptr : "", b.len);
    cc_buf_free(&b);
    if (!c && nomem) *nomem = 1;
    return c;
  }
  return json_incref(k);
}

typedef struct {
  json_t *key;  /* the comparison key: owned when OWN, else borrowed */
  json_t *item; /* borrowed */
  size_t pos;
  const char *s; /* KIND 3: the key's bytes */
  size_t l;
  long long i;   /* KIND 1 */
  double d;      /* KIND 2 */
  unsigned char kind, own; /* kind: 1 an int or bool, 2 a float, 3 a string, 0 other */
} S_sortent;

/* E's key (E->key set) as its kind and value, read once for the sort. */
static void S_sort_kind(S_sortent *e) {
  json_t *k = e->key;
  switch (json_typeof(k)) {
  case JSON_INTEGER: e->kind = 1, e->i = (long long)json_integer_value(k); break;
  case JSON_TRUE: e->kind = 1, e->i = 1; break;
  case JSON_FALSE: e->kind = 1, e->i = 0; break;
  case JSON_REAL: e->kind = 2, e->d = json_real_value(k); break;
  case JSON_STRING:
    if (tpl_is_undef_item(k)) e->kind = 0; /* Undefined: tpl_compare refuses it */
    else e->kind = 3, e->s = json_string_value(k), e->l = json_string_length(k);
    break;
  default: e->kind = 0; break;
  }
}

static _Thread_local int S_sort_failed; /* set by S_sort_cmp (qsort has no context) */
static int S_sort_cmp(const void *pa, const void *pb) {
  const S_sortent *a = pa, *b = pb;
  int c = 0;
  /* Numbers and strings ordered here, as tpl_compare orders them. */
  if (a->kind == 3 && b->kind == 3) {
    int r = memcmp(a->s, b->s, a->l < b->l ? a->l : b->l);
    c = r ? (r > 0 ? 1 : -1) : (a->l > b->l) - (a->l < b->l);
  } else if (a->kind == 1 && b->kind == 1) {
    c = (a->i > b->i) - (a->i < b->i);
  } else if (a->kind && a->kind < 3 && b->kind && b->kind < 3) {
    double p = a->kind == 1 ? (double)a->i : a->d, q = b->kind == 1 ? (double)b->i : b->d;
    c = (p > q) - (p < q);
  } else if (a->key == b->key && tpl_is_undef_item(a->key)) {
    c = 0; /* sort's keys are lists in Jinja2, and [Undefined] == [Undefined] */
  } else if (tpl_compare(a->key, b->key, &c)) {
    S_sort_failed = 1;
  }
  if (c == 0) return (a->pos > b->pos) - (a->pos < b->pos);
  return c;
}

/* tpl_f_key of ITEM for ATTR that is one name (KL bytes) or an index
 * ("0", "1": dictsort's pairs), borrowed when it needs no lowering: *OWN
 * says whether the result holds a reference. */
static json_t *S_sort_key(json_t *item, const char *attr, size_t kl, int lower, int *own, int *nomem) {
  json_t *k = item;
  if (attr && json_is_object(item)) {
    k = tpl_obj_getn(item, attr, kl);
  } else if (attr && json_is_array(item) && kl == 1 && (attr[0] == '0' || attr[0] == '1')) {
    k = json_array_get(item, (size_t)(attr[0] - '0'));
  } else if (attr && (json_is_array(item) || json_is_string(item))) { /* other indexes, a group's names */
    *own = 1;
    return tpl_f_key(item, attr, lower, nomem);
  } else if (attr) {
    k = NULL;
  }
  if (!k) return NULL;
  if (!lower || !json_is_string(k) || tpl_f_lowers_to_self(json_string_value(k), json_string_length(k))) {
    *own = 0;
    return k;
  }
  *own = 1;
  return tpl_f_key(k, NULL, 1, nomem);
}

void tpl_f_keyer_init(tpl_f_keyer *k, const char *attr) {
  k->attr = attr;
  k->kl = attr ? strlen(attr) : 0;
  k->simple = !attr || !strchr(attr, '.');
}

json_t *tpl_f_key_get(const tpl_f_keyer *k, json_t *item, int lower, int *own, int *nomem) {
  if (k->simple) return S_sort_key(item, k->attr, k->kl, lower, own, nomem);
  *own = 1;
  return tpl_f_key(item, k->attr, lower, nomem);
}

int tpl_f_sorted(tpl_rs *rs, const tpl_node *n, json_t *items, const char *attr, int lower, int reverse, json_t **out) {
  size_t cnt = json_array_size(items);
  /* A few items: on the stack, sorted by insertion (the same order: ties
   * are broken by position, so any correct sort agrees). */
  S_sortent few[16], *e = cnt <= 16 ? few : calloc(cnt, sizeof *e);
  int rc = CC_OK, nomem = 0;
  if (!e) return CC_ENOMEM;
  /* ATTR read once: one name (or no attribute) is looked up directly. */
  int multi = attr && strchr(attr, ',') != NULL, simple = !attr || (!multi && !strchr(attr, '.'));
  size_t kl = attr ? strlen(attr) : 0;
  /* The keys made so far are released at the end (only those: no
   * clearing of the whole table first). */
  size_t made = 0;
  for (size_t i = 0; i < cnt; i++, made = i) {
    e[i].key = NULL;
    e[i].own = 1;
    e[i].item = json_array_get(items, i);
    e[i].pos = reverse ? cnt - i : i;
    if (multi) {
      /* "a,b": the key is the list of the attributes (make_multi_attrgetter). */
      json_t *k = tpl_arr_new();
      char part[256];
      for (const char *p = attr; k && *p;) {
        size_t l = strcspn(p, ",");
        snprintf(part, sizeof part, "%.*s", (int)(l < 255 ? l : 255), p);
        json_t *x = tpl_f_key(e[i].item, part, lower, &nomem);
        if (!x && !nomem && !rs->strict) x = tpl_undef_item(); /* Undefined: fails when compared */
        if (!x || json_array_append_new(k, x)) {
          json_decref(k);
          k = NULL;
        }
        p += l + (p[l] == ',');
      }
      if (!k) {
        rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "%s(): an item has no attribute '%s'", n->s, attr);
        goto out;
      }
      e[i].key = k;
      e[i].kind = 0;
      continue;
    }
    int own = 1;
    e[i].key = simple ? S_sort_key(e[i].item, attr, kl, lower, &own, &nomem) : tpl_f_key(e[i].item, attr, lower, &nomem);
    /* A missing attribute is Undefined, which fails only when compared. */
    if (!e[i].key && !nomem && !rs->strict && (e[i].key = tpl_undef_item())) own = 1;
    if (!e[i].key) {
      rc = nomem ? CC_ENOMEM : tpl_fail(rs, n, CC_EINVAL, "%s(): an item has no attribute '%s'", n->s, attr ? attr : "");
      goto out;
    }
    e[i].own = (unsigned char)own;
    S_sort_kind(&e[i]);
  }
  S_sort_failed = 0;
  if (e != few) qsort(e, cnt, sizeof *e, S_sort_cmp);
  for (size_t i = 1; e == few && i < cnt; i++) {
    S_sortent x = e[i];
    size_t j = i;
    for (; j > 0 && S_sort_cmp(&e[j - 1], &x) > 0; j--) e[j] = e[j - 1];
    e[j] = x;
  }
  if (S_sort_failed) {
    rc = tpl_fail(rs, n, CC_EINVAL, "'<' not supported between the items being sorted");
    goto out;
  }
  json_t *a = tpl_arr_new();
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
  made = cnt;
out:
  for (size_t i = 0; i < made; i++)
    if (e[i].own) json_decref(e[i].key);
  if (e != few) free(e);
  return rc;
}

int tpl_f_line(const char *s, size_t len, size_t *pos, size_t *start, size_t *end) {
  size_t i = *pos;
  if (i >= len) return 0;
  *start = i;
  for (; i < len; i++) {
    /* Skip eight bytes at a time while none is below 0x1f or above 0x7f
     * (none of them can start a line break). */
    for (uint64_t x; i + 8 <= len; i += 8) {
      memcpy(&x, s + i, 8);
      if ((x | ((x - 0x1F1F1F1F1F1F1F1FULL) & ~x)) & 0x8080808080808080ULL) break;
    }
    if (i >= len) break;
    unsigned char c = (unsigned char)s[i];
    size_t brk = 0;
    /* Most bytes can't start a line break. */
    if ((c > 0x1e && c != 0xC2 && c != 0xE2) || (c < 0x0a && c != '\n')) continue;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) brk = 1;
    else if (c == '\r') brk = (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
    else if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85) brk = 2;
    else if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
             ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
      brk = 3;
    if (brk) {
      *end = i;
      *pos = i + brk;
      return 1;
    }
  }
  *end = len;
  *pos = len;
  return 1;
}
