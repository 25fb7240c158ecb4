#include "json_arena.h"

#include <jansson.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

#include "cc/err.h"

#ifndef CC_DEBUG_ARENA
static unsigned char *S_block;
static size_t S_used, S_cap;
static int S_carving;

static void *S_malloc(size_t size) {
  const size_t al = alignof(max_align_t);
  size_t rounded = (size + al - 1) & ~(al - 1);
  if (S_carving && rounded >= size && rounded <= S_cap - S_used) {
    void *p = S_block + S_used;
    S_used += rounded;
    return p;
  }
  return malloc(size);
}

static void S_free(void *p) {
  uintptr_t c = (uintptr_t)p, b = (uintptr_t)S_block;
  if (S_block && c >= b && c - b < S_cap) return; /* freed with the block */
  free(p);
}

int gen_json_arena_begin(size_t cap) {
  if (S_block) return CC_OK;
  if (!cap || !(S_block = malloc(cap))) return CC_ENOMEM;
  S_used = 0;
  S_cap = cap;
  S_carving = 1;
  json_set_alloc_funcs(S_malloc, S_free);
  return CC_OK;
}

void gen_json_arena_stop(void) { S_carving = 0; }

void gen_json_arena_end(void) {
  if (!S_block) return;
  json_set_alloc_funcs(malloc, free);
  free(S_block);
  S_block = NULL;
  S_used = S_cap = 0;
  S_carving = 0;
}
#else
/* Off: every value its own malloc, for the sanitizers to watch. */
int gen_json_arena_begin(size_t cap) {
  (void)cap;
  return CC_OK;
}
void gen_json_arena_stop(void) {}
void gen_json_arena_end(void) {}
#endif
