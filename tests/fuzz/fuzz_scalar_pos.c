/* libFuzzer target: the scalar re-reader that places errors of inline
 * templates in the spec (gen_scalar_pos). Input: a YAML document; every
 * string scalar the loader reads is mapped at each position of its value
 * (and one past its end). Every answer must lie inside the text, at or
 * after the scalar's start. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cc/arena.h"
#include "cc/diag.h"
#include "doc.h"
#include "scalar_pos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines as libyaml counts them: CR LF, LF, CR, NEL, LS and PS end one. */
static int S_lines(const char *text, size_t len) {
  int n = 1;
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))) n++;
    else if (i + 1 < len && s[i] == 0xC2 && s[i + 1] == 0x85) n++;
    else if (i + 2 < len && s[i] == 0xE2 && s[i + 1] == 0x80 && (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) n++;
  }
  return n;
}

/* Aliases share nodes, so a walk can meet one node very many times (an
 * alias bomb): BUDGET bounds the visits. */
static void S_walk(const gen_node *n, const char *text, size_t len, int lines, int depth, long *budget) {
  if (!n || depth > 64 || --*budget < 0) return;
  if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_STR) {
    int line = 1, col = 1;
    for (const char *v = n->str;; v++) {
      gen_span s = gen_scalar_pos(text, len, n->span, n->str, line, col);
      if (s.line < n->span.line || s.line > lines || s.col < 1) abort();
      if (s.line == n->span.line && s.col < n->span.col) abort();
      if (*v == '\0') break;
      if (*v == '\n') {
        line++;
        col = 1;
      } else if (((unsigned char)*v & 0xC0) != 0x80) {
        col++;
      }
    }
  }
  for (size_t i = 0; i < n->npairs; i++) {
    S_walk(n->pairs[i].key, text, len, lines, depth + 1, budget);
    S_walk(n->pairs[i].value, text, len, lines, depth + 1, budget);
  }
  for (size_t i = 0; i < n->nitems; i++) S_walk(n->items[i], text, len, lines, depth + 1, budget);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0; /* each scalar is re-read once per position */
  cc_arena *arena = cc_arena_new();
  if (!arena) return 0;
  cc_diags d;
  cc_diags_init(&d);
  gen_node *root = NULL;
  const char *text = (const char *)data;
  long budget = 4096;
  if (gen_doc_load(&root, arena, "fuzz.yaml", text, size, GEN_DOC_YAML, &d) == 0 && root)
    S_walk(root, text, size, S_lines(text, size), 0, &budget);
  cc_diags_free(&d);
  cc_arena_free(arena);
  return 0;
}
