/* gen/doc.h: a YAML or JSON document as a tree of positioned nodes.
 *
 * The loader is the spec's syntax layer: it knows nothing of cloudcron's
 * keys. Scalars are resolved with YAML 1.2's core schema (true/false only
 * are booleans; yes/no/on/off are strings), as editors using
 * yaml-language-server see them. Anchors, aliases and `<<` merge keys work;
 * an alias shares the node it names. Every node lives in the caller's arena. */
#ifndef GEN_DOC_H
#define GEN_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc/arena.h"
#include "cc/diag.h"
#include "spec.h"

typedef enum { GEN_NODE_SCALAR, GEN_NODE_MAP, GEN_NODE_SEQ } gen_node_kind;
typedef enum { GEN_SCALAR_STR, GEN_SCALAR_NULL, GEN_SCALAR_BOOL, GEN_SCALAR_INT, GEN_SCALAR_FLOAT } gen_scalar_type;
typedef enum { GEN_STYLE_PLAIN, GEN_STYLE_QUOTED, GEN_STYLE_BLOCK } gen_scalar_style;

typedef struct gen_node gen_node;
typedef struct gen_pair {
  gen_node *key, *value;
} gen_pair;

struct gen_node {
  gen_node_kind kind;
  gen_span span;           /* where the node starts */
  /* scalars */
  gen_scalar_type type;
  gen_scalar_style style;
  const char *str;         /* the scalar's text, NUL-terminated */
  size_t len;
  int64_t i;               /* GEN_SCALAR_INT */
  double d;                /* GEN_SCALAR_FLOAT and GEN_SCALAR_INT */
  bool b;                  /* GEN_SCALAR_BOOL */
  /* maps (keys are scalars; merged `<<` entries follow the explicit ones) */
  gen_pair *pairs;
  size_t npairs;
  /* sequences */
  gen_node **items;
  size_t nitems;
};

typedef enum { GEN_DOC_YAML, GEN_DOC_JSON } gen_doc_format;

/* Parses TEXT (LEN bytes) named FILE into *ROOT, allocated in ARENA.
 * JSON is first checked by jansson (strict grammar, duplicate keys), then
 * read for positions. Returns CC_OK; or CC_EINVAL with the errors in DIAGS
 * (syntax, duplicate keys, unknown anchors, unsupported tags); or CC_ENOMEM.
 * After errors that leave a complete tree (all but syntax errors) *ROOT is
 * still set, so the caller can go on checking; otherwise it is NULL. */
int gen_doc_load(gen_node **root, cc_arena *arena, const char *file, const char *text, size_t len,
                 gen_doc_format format, cc_diags *diags);

/* The value of KEY in MAP (borrowed), or NULL. */
const gen_node *gen_node_get(const gen_node *map, const char *key);

/* A short name of the node's type for messages: "a string", "a number",
 * "a mapping", ... */
const char *gen_node_type_name(const gen_node *n);

#endif
