#include "doc.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cc/err.h"
#include "cc/grow.h"

#define S_TAG_PREFIX "tag:yaml.org,2002:"

/* Returned by S_event to end the parse early without an error code. */
#define S_STOP 1

typedef struct S_frame {
  gen_node *node;
  void **items; /* gen_node* for sequences; key, value alternating for maps */
  size_t n, cap;
} S_frame;

typedef struct S_anchor {
  char *name;
  gen_node *node;
} S_anchor;

typedef struct S_loader {
  cc_arena *arena;
  cc_diags *diags;
  const char *file;
  S_frame *stack;
  size_t depth, cap;
  S_anchor *anchors;
  size_t nanchors, capanchors;
  gen_node *root;
  int ndocs;
  int failed;
} S_loader;

static gen_span S_span(const S_loader *l, yaml_mark_t m) {
  gen_span s = {l->file, (int)m.line + 1, (int)m.column + 1};
  return s;
}

static int S_push_item(S_frame *f, void *item) {
  if (cc_grow(&f->items, &f->cap, f->n + 1, sizeof *f->items)) return CC_ENOMEM;
  f->items[f->n++] = item;
  return CC_OK;
}

/* ---- scalar resolution (YAML 1.2 core schema) ---- */

static bool S_all(const char *s, const char *set) {
  if (!*s) return false;
  for (; *s; s++)
    if (!strchr(set, *s)) return false;
  return true;
}

static bool S_is_float_text(const char *s) {
  const char *p = s;
  if (*p == '+' || *p == '-') p++;
  bool digits = false;
  while (*p >= '0' && *p <= '9') p++, digits = true;
  if (*p == '.') {
    p++;
    while (*p >= '0' && *p <= '9') p++, digits = true;
  }
  if (!digits) return false;
  if (*p == 'e' || *p == 'E') {
    p++;
    if (*p == '+' || *p == '-') p++;
    if (!(*p >= '0' && *p <= '9')) return false;
    while (*p >= '0' && *p <= '9') p++;
  }
  return *p == '\0';
}

static void S_resolve_plain(gen_node *n) {
  const char *s = n->str;
  n->type = GEN_SCALAR_STR;
  if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL")) {
    n->type = GEN_SCALAR_NULL;
  } else if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
    n->type = GEN_SCALAR_BOOL;
    n->b = true;
  } else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
    n->type = GEN_SCALAR_BOOL;
    n->b = false;
  } else {
    const char *d = (*s == '-' || *s == '+') ? s + 1 : s;
    int base = 0;
    const char *digits = NULL;
    if (S_all(d, "0123456789")) base = 10, digits = s;
    else if (s[0] == '0' && s[1] == 'o' && S_all(s + 2, "01234567")) base = 8, digits = s + 2;
    else if (s[0] == '0' && s[1] == 'x' && S_all(s + 2, "0123456789abcdefABCDEF")) base = 16, digits = s + 2;
    if (base) {
      errno = 0;
      long long v = strtoll(digits, NULL, base);
      if (errno == 0) {
        n->type = GEN_SCALAR_INT;
        n->i = v;
        n->d = (double)v;
        return;
      }
      n->type = GEN_SCALAR_FLOAT; /* too big for 64 bits: still a number */
      n->d = strtod(s, NULL);
      return;
    }
    if (S_is_float_text(s)) {
      n->type = GEN_SCALAR_FLOAT;
      n->d = strtod(s, NULL);
    } else if (!strcmp(d, ".inf") || !strcmp(d, ".Inf") || !strcmp(d, ".INF")) {
      n->type = GEN_SCALAR_FLOAT;
      n->d = *s == '-' ? -INFINITY : INFINITY;
    } else if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
      n->type = GEN_SCALAR_FLOAT;
      n->d = NAN;
    }
  }
}

/* Applies an explicit tag; returns false (and reports) when unsupported. */
static bool S_apply_tag(S_loader *l, gen_node *n, const char *tag) {
  if (!tag || !strcmp(tag, "!")) return true;
  const char *t = strncmp(tag, S_TAG_PREFIX, strlen(S_TAG_PREFIX)) == 0 ? tag + strlen(S_TAG_PREFIX) : NULL;
  if (t && n->kind == GEN_NODE_MAP && !strcmp(t, "map")) return true;
  if (t && n->kind == GEN_NODE_SEQ && !strcmp(t, "seq")) return true;
  if (t && n->kind == GEN_NODE_SCALAR) {
    if (!strcmp(t, "str")) {
      n->type = GEN_SCALAR_STR;
      return true;
    }
    gen_node probe = *n;
    S_resolve_plain(&probe);
    static const struct { const char *name; gen_scalar_type type; } tags[] = {
        {"null", GEN_SCALAR_NULL}, {"bool", GEN_SCALAR_BOOL}, {"int", GEN_SCALAR_INT}, {"float", GEN_SCALAR_FLOAT}};
    for (size_t i = 0; i < 4; i++) {
      if (strcmp(t, tags[i].name)) continue;
      if (probe.type == tags[i].type || (tags[i].type == GEN_SCALAR_FLOAT && probe.type == GEN_SCALAR_INT)) {
        *n = probe;
        n->type = tags[i].type;
        return true;
      }
      cc_diags_error(l->diags, l->file, n->span.line, n->span.col, "`%s` is not a valid !!%s", n->str, t);
      return false;
    }
  }
  cc_diags_error(l->diags, l->file, n->span.line, n->span.col, "unsupported YAML tag `%s`", tag);
  return false;
}

/* ---- anchors ---- */

static int S_anchor_set(S_loader *l, const char *name, gen_node *node) {
  for (size_t i = 0; i < l->nanchors; i++) {
    if (!strcmp(l->anchors[i].name, name)) {
      l->anchors[i].node = node; /* YAML: a later anchor of the same name wins from here on */
      return CC_OK;
    }
  }
  if (cc_grow(&l->anchors, &l->capanchors, l->nanchors + 1, sizeof *l->anchors)) return CC_ENOMEM;
  char *copy = strdup(name);
  if (!copy) return CC_ENOMEM;
  l->anchors[l->nanchors].name = copy;
  l->anchors[l->nanchors].node = node;
  l->nanchors++;
  return CC_OK;
}

static gen_node *S_anchor_get(const S_loader *l, const char *name) {
  for (size_t i = l->nanchors; i-- > 0;)
    if (!strcmp(l->anchors[i].name, name)) return l->anchors[i].node;
  return NULL;
}

/* ---- maps ---- */

static int S_cmp_keys(const void *a, const void *b) {
  const gen_pair *x = *(const gen_pair *const *)a, *y = *(const gen_pair *const *)b;
  int c = strcmp(x->key->str, y->key->str);
  if (c) return c;
  return x < y ? -1 : x > y;
}

static bool S_is_merge_key(const gen_node *k) {
  return k->style == GEN_STYLE_PLAIN && k->type == GEN_SCALAR_STR && !strcmp(k->str, "<<");
}

static bool S_has_key(const gen_pair *pairs, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(pairs[i].key->str, key)) return true;
  return false;
}

/* Builds the pairs of a finished map: explicit keys (duplicates are
 * errors), then the entries of `<<` merges that are not already there. */
static int S_finish_map(S_loader *l, S_frame *f) {
  gen_node *m = f->node;
  size_t npairs = f->n / 2, nmerge = 0;
  for (size_t i = 0; i < npairs; i++) {
    gen_node *k = f->items[2 * i], *v = f->items[2 * i + 1];
    if (S_is_merge_key(k)) {
      if (v->kind == GEN_NODE_MAP) nmerge += v->npairs;
      else if (v->kind == GEN_NODE_SEQ)
        for (size_t j = 0; j < v->nitems; j++) nmerge += v->items[j]->kind == GEN_NODE_MAP ? v->items[j]->npairs : 0;
    }
  }
  gen_pair *pairs = cc_arena_alloc(l->arena, (npairs + nmerge + 1) * sizeof *pairs);
  if (!pairs) return CC_ENOMEM;
  size_t n = 0;
  for (size_t i = 0; i < npairs; i++) {
    gen_node *k = f->items[2 * i];
    if (S_is_merge_key(k)) continue;
    pairs[n].key = k;
    pairs[n].value = f->items[2 * i + 1];
    n++;
  }
  if (n > 1) {
    const gen_pair **order = malloc(n * sizeof *order);
    if (!order) return CC_ENOMEM;
    for (size_t i = 0; i < n; i++) order[i] = &pairs[i];
    qsort(order, n, sizeof *order, S_cmp_keys);
    size_t first = 0;
    for (size_t i = 1; i < n; i++) {
      if (strcmp(order[first]->key->str, order[i]->key->str)) {
        first = i;
        continue;
      }
      const gen_node *dup = order[i]->key;
      cc_diags_error(l->diags, l->file, dup->span.line, dup->span.col,
                     "duplicate key `%s` (first defined at line %d, column %d)", dup->str,
                     order[first]->key->span.line, order[first]->key->span.col);
      ((gen_pair *)order[i])->key = NULL; /* dropped below: the first one counts */
      l->failed = 1;
    }
    free(order);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
      if (pairs[i].key) pairs[kept++] = pairs[i];
    n = kept;
  }
  for (size_t i = 0; i < npairs; i++) {
    gen_node *k = f->items[2 * i], *v = f->items[2 * i + 1];
    if (!S_is_merge_key(k)) continue;
    gen_node *single[1] = {v};
    gen_node **srcs = v->kind == GEN_NODE_SEQ ? v->items : single;
    size_t nsrcs = v->kind == GEN_NODE_SEQ ? v->nitems : 1;
    for (size_t s = 0; s < nsrcs; s++) {
      if (srcs[s]->kind == GEN_NODE_SCALAR && srcs[s]->type == GEN_SCALAR_NULL) continue; /* reported already */
      if (srcs[s]->kind != GEN_NODE_MAP) {
        cc_diags_error(l->diags, l->file, srcs[s]->span.line, srcs[s]->span.col,
                       "a `<<` merge takes a mapping or a list of mappings");
        l->failed = 1;
        continue;
      }
      for (size_t j = 0; j < srcs[s]->npairs; j++)
        if (!S_has_key(pairs, n, srcs[s]->pairs[j].key->str)) pairs[n++] = srcs[s]->pairs[j];
    }
  }
  m->pairs = pairs;
  m->npairs = n;
  return CC_OK;
}

static int S_finish_seq(S_loader *l, S_frame *f) {
  gen_node *s = f->node;
  s->items = cc_arena_alloc(l->arena, (f->n + 1) * sizeof *s->items);
  if (!s->items) return CC_ENOMEM;
  if (f->n) memcpy(s->items, f->items, f->n * sizeof *s->items);
  s->nitems = f->n;
  return CC_OK;
}

/* Attaches a finished node to its parent, or makes it the root. */
static int S_attach(S_loader *l, gen_node *n) {
  if (l->depth == 0) {
    l->root = n;
    return CC_OK;
  }
  S_frame *parent = &l->stack[l->depth - 1];
  if (parent->node->kind == GEN_NODE_MAP && parent->n % 2 == 0 && n->kind != GEN_NODE_SCALAR) {
    cc_diags_error(l->diags, l->file, n->span.line, n->span.col, "mapping keys must be plain strings");
    l->failed = 1;
  }
  return S_push_item(parent, n);
}

static int S_open(S_loader *l, gen_node *n) {
  if (cc_grow(&l->stack, &l->cap, l->depth + 1, sizeof *l->stack)) return CC_ENOMEM;
  S_frame *f = &l->stack[l->depth++];
  memset(f, 0, sizeof *f);
  f->node = n;
  return CC_OK;
}

static int S_event(S_loader *l, yaml_event_t *e) {
  int rc = CC_OK;
  gen_node *n = NULL;
  const char *anchor = NULL, *tag = NULL;
  switch (e->type) {
  case YAML_DOCUMENT_START_EVENT:
    if (++l->ndocs > 1) {
      cc_diags_error(l->diags, l->file, (int)e->start_mark.line + 1, (int)e->start_mark.column + 1,
                     "a spec is a single YAML document; remove this second one");
      l->failed = 1;
      return S_STOP;
    }
    return CC_OK;
  case YAML_ALIAS_EVENT: {
    gen_node *target = S_anchor_get(l, (const char *)e->data.alias.anchor);
    if (!target) {
      cc_diags_error(l->diags, l->file, (int)e->start_mark.line + 1, (int)e->start_mark.column + 1,
                     "unknown anchor `*%s`", (const char *)e->data.alias.anchor);
      l->failed = 1;
      n = cc_arena_alloc(l->arena, sizeof *n);
      if (!n) return CC_ENOMEM;
      n->kind = GEN_NODE_SCALAR;
      n->type = GEN_SCALAR_NULL;
      n->str = "";
      n->span = S_span(l, e->start_mark);
      return S_attach(l, n);
    }
    if (l->depth && l->stack[l->depth - 1].node->kind == GEN_NODE_MAP && l->stack[l->depth - 1].n % 2 == 0 &&
        target->kind == GEN_NODE_SCALAR) {
      /* An aliased key keeps the alias's own position for messages. */
      gen_node *k = cc_arena_alloc(l->arena, sizeof *k);
      if (!k) return CC_ENOMEM;
      *k = *target;
      k->span = S_span(l, e->start_mark);
      return S_attach(l, k);
    }
    return S_attach(l, target);
  }
  case YAML_SCALAR_EVENT:
    n = cc_arena_alloc(l->arena, sizeof *n);
    if (!n) return CC_ENOMEM;
    n->kind = GEN_NODE_SCALAR;
    n->span = S_span(l, e->start_mark);
    n->str = cc_arena_strndup(l->arena, (const char *)e->data.scalar.value, e->data.scalar.length);
    if (!n->str) return CC_ENOMEM;
    n->len = e->data.scalar.length;
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
      n->style = GEN_STYLE_PLAIN;
      S_resolve_plain(n);
    } else {
      n->style = (e->data.scalar.style == YAML_LITERAL_SCALAR_STYLE || e->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
                     ? GEN_STYLE_BLOCK
                     : GEN_STYLE_QUOTED;
      n->type = GEN_SCALAR_STR;
    }
    if (strlen(n->str) != n->len) {
      cc_diags_error(l->diags, l->file, n->span.line, n->span.col, "a string may not contain a NUL character");
      l->failed = 1;
    }
    anchor = (const char *)e->data.scalar.anchor;
    tag = (const char *)e->data.scalar.tag;
    if (tag && !S_apply_tag(l, n, tag)) l->failed = 1;
    if (anchor && (rc = S_anchor_set(l, anchor, n))) return rc;
    return S_attach(l, n);
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT:
    n = cc_arena_alloc(l->arena, sizeof *n);
    if (!n) return CC_ENOMEM;
    n->kind = e->type == YAML_MAPPING_START_EVENT ? GEN_NODE_MAP : GEN_NODE_SEQ;
    n->span = S_span(l, e->start_mark);
    n->str = "";
    tag = (const char *)(e->type == YAML_MAPPING_START_EVENT ? e->data.mapping_start.tag : e->data.sequence_start.tag);
    if (tag && !S_apply_tag(l, n, tag)) l->failed = 1;
    return S_open(l, n);
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: {
    S_frame *f = &l->stack[l->depth - 1];
    rc = f->node->kind == GEN_NODE_MAP ? S_finish_map(l, f) : S_finish_seq(l, f);
    free(f->items);
    f->items = NULL;
    n = f->node;
    l->depth--;
    if (rc) return rc;
    /* The anchor of a collection is declared on its start event; it
     * becomes usable once the collection is complete (no cycles). */
    return S_attach(l, n);
  }
  default:
    return CC_OK;
  }
}

/* Collection anchors arrive on start events; remember them until the end. */
typedef struct S_pending {
  char *name;
  size_t depth;
} S_pending;

static int S_parse_yaml(S_loader *l, const char *text, size_t len) {
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return CC_ENOMEM;
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  S_pending *pending = NULL;
  size_t npending = 0, cappending = 0;
  int rc = CC_OK;
  for (;;) {
    yaml_event_t e;
    if (!yaml_parser_parse(&parser, &e)) {
      const char *problem = parser.problem ? parser.problem : "invalid YAML";
      yaml_mark_t m = parser.problem_mark;
      yaml_mark_t cm = parser.context_mark;
      if (parser.context && (cm.line != m.line || cm.column != m.column))
        cc_diags_error(l->diags, l->file, (int)m.line + 1, (int)m.column + 1,
                       "YAML syntax error: %s %s that starts at line %d, column %d", problem, parser.context,
                       (int)cm.line + 1, (int)cm.column + 1);
      else if (parser.context)
        cc_diags_error(l->diags, l->file, (int)m.line + 1, (int)m.column + 1, "YAML syntax error: %s %s", problem,
                       parser.context);
      else
        cc_diags_error(l->diags, l->file, (int)m.line + 1, (int)m.column + 1, "YAML syntax error: %s", problem);
      rc = CC_EINVAL;
      break;
    }
    const char *anchor = NULL;
    if (e.type == YAML_MAPPING_START_EVENT) anchor = (const char *)e.data.mapping_start.anchor;
    if (e.type == YAML_SEQUENCE_START_EVENT) anchor = (const char *)e.data.sequence_start.anchor;
    int done = e.type == YAML_STREAM_END_EVENT;
    int is_end = e.type == YAML_MAPPING_END_EVENT || e.type == YAML_SEQUENCE_END_EVENT;
    gen_node *closing = is_end && l->depth ? l->stack[l->depth - 1].node : NULL;
    rc = S_event(l, &e);
    if (!rc && anchor) {
      rc = cc_grow(&pending, &cappending, npending + 1, sizeof *pending);
      if (!rc) {
        pending[npending].name = strdup(anchor);
        pending[npending].depth = l->depth;
        if (!pending[npending].name) rc = CC_ENOMEM;
        else npending++;
      }
    }
    if (!rc && closing && npending && pending[npending - 1].depth == l->depth + 1) {
      rc = S_anchor_set(l, pending[npending - 1].name, closing);
      free(pending[--npending].name);
    }
    yaml_event_delete(&e);
    if (rc == S_STOP) {
      rc = CC_OK;
      break;
    }
    if (rc || done) break;
  }
  for (size_t i = 0; i < npending; i++) free(pending[i].name);
  free(pending);
  yaml_parser_delete(&parser);
  return rc;
}

static int S_check_json(S_loader *l, const char *text, size_t len) {
  json_error_t err;
  json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
  if (j) {
    json_decref(j);
    return CC_OK;
  }
  int line = err.line > 0 ? err.line : 1, col = err.column > 0 ? err.column : 1;
  cc_diags_error(l->diags, l->file, line, col, "JSON syntax error: %s", err.text);
  return CC_EINVAL;
}

int gen_doc_load(gen_node **root, cc_arena *arena, const char *file, const char *text, size_t len,
                 gen_doc_format format, cc_diags *diags) {
  S_loader l;
  memset(&l, 0, sizeof l);
  l.arena = arena;
  l.diags = diags;
  l.file = file;
  *root = NULL;
  int rc = CC_OK;
  if (format == GEN_DOC_JSON && (rc = S_check_json(&l, text, len))) goto out;
  rc = S_parse_yaml(&l, text, len);
  if (!rc && !l.root) {
    cc_diags_error(diags, file, 1, 1, "the spec is empty");
    rc = CC_EINVAL;
  }
  if (!rc) {
    *root = l.root; /* usable even after duplicate keys or bad tags */
    if (l.failed) rc = CC_EINVAL;
  }
out:
  for (size_t i = 0; i < l.depth; i++) free(l.stack[i].items);
  free(l.stack);
  for (size_t i = 0; i < l.nanchors; i++) free(l.anchors[i].name);
  free(l.anchors);
  return rc;
}

const gen_node *gen_node_get(const gen_node *map, const char *key) {
  if (!map || map->kind != GEN_NODE_MAP) return NULL;
  for (size_t i = 0; i < map->npairs; i++)
    if (!strcmp(map->pairs[i].key->str, key)) return map->pairs[i].value;
  return NULL;
}

const char *gen_node_type_name(const gen_node *n) {
  if (n->kind == GEN_NODE_MAP) return "a mapping";
  if (n->kind == GEN_NODE_SEQ) return "a list";
  switch (n->type) {
  case GEN_SCALAR_NULL: return "null";
  case GEN_SCALAR_BOOL: return "a boolean";
  case GEN_SCALAR_INT: return "an integer";
  case GEN_SCALAR_FLOAT: return "a number";
  default: return "a string";
  }
}
