#include "cc/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Chunks are chained; a request larger than a chunk gets its own. With
 * CC_DEBUG_ARENA every request gets its own chunk. */
typedef struct S_chunk {
  struct S_chunk *next;
  size_t used, cap;
  alignas(max_align_t) unsigned char data[];
} S_chunk;

struct cc_arena {
  S_chunk *head;
  size_t total;
};

#define S_CHUNK_SIZE ((size_t)64 << 10)

cc_arena *cc_arena_new(void) { return calloc(1, sizeof(cc_arena)); }

static S_chunk *S_chunk_new(size_t cap) {
  S_chunk *c = malloc(sizeof(S_chunk) + cap);
  if (!c) return NULL;
  c->next = NULL;
  c->used = 0;
  c->cap = cap;
  return c;
}

/* Links a chunk of its own for one block: every block with CC_DEBUG_ARENA,
 * big ones otherwise. It goes behind the head so the head keeps its room. */
static void *S_alloc_alone(cc_arena *a, size_t size) {
  S_chunk *c = S_chunk_new(size ? size : 1);
  if (!c) return NULL;
  c->used = c->cap;
  if (a->head) {
    c->next = a->head->next;
    a->head->next = c;
  } else {
    a->head = c;
  }
  memset(c->data, 0, c->cap);
  a->total += size;
  return c->data;
}

void *cc_arena_alloc(cc_arena *a, size_t size) {
  const size_t al = alignof(max_align_t);
  size_t rounded = (size + al - 1) & ~(al - 1);
  if (rounded < size) return NULL;
#ifdef CC_DEBUG_ARENA
  return S_alloc_alone(a, size);
#else
  if (rounded > S_CHUNK_SIZE / 4) return S_alloc_alone(a, rounded);
  S_chunk *c = a->head;
  if (!c || c->cap - c->used < rounded) {
    if (!(c = S_chunk_new(S_CHUNK_SIZE))) return NULL;
    c->next = a->head;
    a->head = c;
  }
  void *p = c->data + c->used;
  c->used += rounded;
  memset(p, 0, rounded);
  a->total += size;
  return p;
#endif
}

char *cc_arena_strndup(cc_arena *a, const char *s, size_t len) {
  char *p = cc_arena_alloc(a, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

char *cc_arena_strdup(cc_arena *a, const char *s) { return cc_arena_strndup(a, s, strlen(s)); }

size_t cc_arena_used(const cc_arena *a) { return a->total; }

void cc_arena_free(cc_arena *a) {
  if (!a) return;
  S_chunk *c = a->head;
  while (c) {
    S_chunk *n = c->next;
    free(c);
    c = n;
  }
  free(a);
}
