/* gen/spec_reader.c: the spec reader's checks of one value (gen/spec_reader.h). */
#include "spec_reader.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/suggest.h"
#include "formats.h"

void gen_rd_err(gen_reader *r, const gen_node *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_diags_vadd(r->d, CC_DIAG_ERROR, at->span.file, at->span.line, at->span.col, fmt, ap);
  va_end(ap);
}

void *gen_rd_alloc(gen_reader *r, size_t n) {
  void *p = cc_arena_alloc(r->a, n ? n : 1);
  if (!p) r->oom = 1;
  return p;
}

/* ---- keys ---- */

/* Reports keys of MAP that are not in ALLOWED. OTHERS, when given, are keys
 * valid elsewhere (e.g. for another channel): those get NOTE instead. */
void gen_rd_keys(gen_reader *r, const gen_node *map, const char *const *allowed, size_t n, const char *what,
                   const char *const *others, size_t nothers, const char *note) {
  for (size_t i = 0; i < map->npairs; i++) {
    const gen_node *k = map->pairs[i].key;
    bool ok = false;
    for (size_t j = 0; j < n && !ok; j++) ok = !strcmp(k->str, allowed[j]);
    if (ok) continue;
    bool other = false;
    for (size_t j = 0; j < nothers && !other; j++) other = !strcmp(k->str, others[j]);
    if (other) {
      gen_rd_err(r, k, "`%s` %s", k->str, note);
      continue;
    }
    const char *s = cc_suggest(k->str, allowed, n);
    if (s) {
      gen_rd_err(r, k, "unknown key `%s` in %s; did you mean `%s`?", k->str, what, s);
    } else {
      cc_buf list = CC_BUF_INIT;
      for (size_t j = 0; j < n; j++) cc_buf_emitf(&list, "%s%s", j ? ", " : "", allowed[j]);
      gen_rd_err(r, k, "unknown key `%s` in %s; expected one of: %s", k->str, what,
                 cc_buf_failed(&list) ? "(out of memory)" : cc_buf_str(&list));
      cc_buf_free(&list);
    }
  }
}

const gen_node *gen_rd_require(gen_reader *r, const gen_node *map, const gen_node *where, const char *key,
                                 const char *what) {
  const gen_node *v = gen_node_get(map, key);
  if (!v) gen_rd_err(r, where, "%s is missing the required key `%s`", what, key);
  return v;
}

bool gen_rd_is_map(gen_reader *r, const gen_node *n, const char *what) {
  if (n->kind == GEN_NODE_MAP) return true;
  gen_rd_err(r, n, "%s must be a mapping, not %s", what, gen_node_type_name(n));
  return false;
}

/* ---- scalars ---- */

bool gen_rd_string(gen_reader *r, const gen_node *n, const char *what, const char **out) {
  if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_STR) {
    *out = n->str; /* arena-owned already */
    return true;
  }
  if (n->kind == GEN_NODE_SCALAR && n->type != GEN_SCALAR_NULL)
    gen_rd_err(r, n, "%s must be a string, not %s; quote it: \"%s\"", what, gen_node_type_name(n), n->str);
  else
    gen_rd_err(r, n, "%s must be a string, not %s", what, gen_node_type_name(n));
  return false;
}

bool gen_rd_nonempty(gen_reader *r, const gen_node *n, const char *what, const char **out) {
  if (!gen_rd_string(r, n, what, out)) return false;
  if (**out) return true;
  gen_rd_err(r, n, "%s must not be empty", what);
  return false;
}

bool gen_rd_int(gen_reader *r, const gen_node *n, const char *what, long min, long max, const char *unit, int *out) {
  double v;
  if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_INT) {
    v = (double)n->i;
  } else if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_FLOAT && isfinite(n->d) && n->d == floor(n->d)) {
    v = n->d; /* 60.0 is an integer, as JSON Schema says */
  } else {
    gen_rd_err(r, n, "%s must be an integer, not %s", what, gen_node_type_name(n));
    return false;
  }
  if (v < (double)min || v > (double)max) {
    gen_rd_err(r, n, "%s must be between %ld and %ld%s%s, not %s", what, min, max, unit ? " " : "", unit ? unit : "", n->str);
    return false;
  }
  *out = (int)v;
  return true;
}

bool gen_rd_bool(gen_reader *r, const gen_node *n, const char *what, bool *out) {
  if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_BOOL) {
    *out = n->b;
    return true;
  }
  gen_rd_err(r, n, "%s must be true or false, not %s", what, gen_node_type_name(n));
  return false;
}

/* A mapping of string to string (tags, env, build_args). CHECK_KEY, when
 * given, validates each key and returns its error message or NULL. */
void gen_rd_string_map(gen_reader *r, const gen_node *n, const char *what, gen_kvs *out,
                         const char *(*check_key)(const char *key)) {
  out->items = NULL;
  out->n = 0;
  if (!gen_rd_is_map(r, n, what)) return;
  out->items = gen_rd_alloc(r, n->npairs * sizeof *out->items);
  if (!out->items) return;
  for (size_t i = 0; i < n->npairs; i++) {
    const gen_node *k = n->pairs[i].key, *v = n->pairs[i].value;
    const char *msg = check_key ? check_key(k->str) : NULL;
    if (msg) {
      gen_rd_err(r, k, "%s: `%s` %s", what, k->str, msg);
      continue;
    }
    char label[160];
    snprintf(label, sizeof label, "the value of `%s`", k->str);
    const char *val;
    if (!gen_rd_string(r, v, label, &val)) continue;
    gen_kv *kv = &out->items[out->n++];
    kv->key = k->str;
    kv->value = val;
    kv->key_span = k->span;
    kv->span = v->span;
  }
}

/* A list of strings; a single string is not accepted (say what you mean). */
void gen_rd_string_list(gen_reader *r, const gen_node *n, const char *what, gen_strs *out) {
  out->items = NULL;
  out->spans = NULL;
  out->n = 0;
  if (n->kind != GEN_NODE_SEQ) {
    gen_rd_err(r, n, "%s must be a list, not %s", what, gen_node_type_name(n));
    return;
  }
  out->items = gen_rd_alloc(r, n->nitems * sizeof *out->items);
  out->spans = gen_rd_alloc(r, n->nitems * sizeof *out->spans);
  if (!out->items || !out->spans) return;
  for (size_t i = 0; i < n->nitems; i++) {
    char label[160];
    snprintf(label, sizeof label, "each entry of %s", what);
    const char *s;
    if (!gen_rd_nonempty(r, n->items[i], label, &s)) continue;
    for (size_t j = 0; j < out->n; j++) {
      if (!strcmp(out->items[j], s)) {
        gen_rd_err(r, n->items[i], "`%s` is listed twice in %s", s, what);
        s = NULL;
        break;
      }
    }
    if (!s) continue;
    out->items[out->n] = s;
    out->spans[out->n] = n->items[i]->span;
    out->n++;
  }
}

/* ---- JSON values ---- */

json_t *gen_rd_json(gen_reader *r, const gen_node *n, int depth) {
  if (--r->json_budget < 0) {
    if (r->json_budget == -1) gen_rd_err(r, n, "this value is too large once its aliases are expanded");
    return NULL;
  }
  if (depth > GEN_RD_JSON_DEPTH) {
    gen_rd_err(r, n, "this value nests deeper than %d levels", GEN_RD_JSON_DEPTH);
    r->json_budget = -2;
    return NULL;
  }
  if (n->kind == GEN_NODE_MAP) {
    json_t *o = json_object();
    if (!o) return NULL;
    for (size_t i = 0; i < n->npairs; i++) {
      json_t *v = gen_rd_json(r, n->pairs[i].value, depth + 1);
      if (!v || json_object_set_new(o, n->pairs[i].key->str, v)) {
        json_decref(o);
        return NULL;
      }
    }
    return o;
  }
  if (n->kind == GEN_NODE_SEQ) {
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t i = 0; i < n->nitems; i++) {
      json_t *v = gen_rd_json(r, n->items[i], depth + 1);
      if (!v || json_array_append_new(a, v)) {
        json_decref(a);
        return NULL;
      }
    }
    return a;
  }
  switch (n->type) {
  case GEN_SCALAR_NULL: return json_null();
  case GEN_SCALAR_BOOL: return json_boolean(n->b);
  case GEN_SCALAR_INT: return json_integer((json_int_t)n->i);
  case GEN_SCALAR_FLOAT:
    if (!isfinite(n->d)) {
      gen_rd_err(r, n, "`%s` cannot be represented in JSON", n->str);
      return NULL;
    }
    return json_real(n->d);
  default: return json_stringn(n->str, n->len);
  }
}

/* Top-level string entries of a vars or input mapping whose key names a
 * secret and whose value is not a reference. */
void gen_rd_secret_entries(gen_reader *r, const gen_node *map, const char *where) {
  if (map->kind != GEN_NODE_MAP) return;
  for (size_t i = 0; i < map->npairs; i++) {
    const gen_node *k = map->pairs[i].key, *v = map->pairs[i].value;
    if (v->kind == GEN_NODE_SCALAR && v->type == GEN_SCALAR_STR && *v->str && gen_is_secretish_name(k->str) &&
        !gen_is_reference(v->str))
      gen_rd_err(r, v, "`%s` in %s looks like a secret; secrets are never values in the spec: store it in Secrets Manager or SSM and pass its ARN or parameter name",
            k->str, where);
  }
}

void gen_rd_retry(gen_reader *r, const gen_node *n, bool *has, int *attempts, int *max_age) {
  static const char *const keys[] = {"attempts", "max_age"};
  if (!gen_rd_is_map(r, n, "`retry`")) return;
  *has = true;
  gen_rd_keys(r, n, keys, GEN_RD_COUNT(keys), "`retry`", NULL, 0, NULL);
  const gen_node *x;
  if ((x = gen_node_get(n, "attempts"))) gen_rd_int(r, x, "`retry.attempts`", 0, 185, NULL, attempts);
  const char *s;
  long secs;
  if ((x = gen_node_get(n, "max_age")) && gen_rd_string(r, x, "`retry.max_age`", &s)) {
    if (!gen_parse_duration(s, &secs))
      gen_rd_err(r, x, "`retry.max_age` must be a duration like 90s, 15m or 2h, not `%s`", s);
    else if (secs < 60 || secs > 86400)
      gen_rd_err(r, x, "`retry.max_age` must be between 60s and 24h, not %s", s);
    else
      *max_age = (int)secs;
  }
}
