/* cc/arena.h: one arena per parsed document, freed in one call.
 *
 * Allocations live until cc_arena_free. Built with CC_DEBUG_ARENA, every
 * allocation is its own malloc so ASan and valgrind see each block. */
#ifndef CC_ARENA_H
#define CC_ARENA_H

#include <stddef.h>

typedef struct cc_arena cc_arena;

/* Returns a new arena, or NULL on ENOMEM. */
cc_arena *cc_arena_new(void);
/* Returns zeroed memory aligned for any type, owned by the arena; NULL on ENOMEM. */
void *cc_arena_alloc(cc_arena *a, size_t size);
/* Copies LEN bytes of S and a NUL into the arena; NULL on ENOMEM. */
char *cc_arena_strndup(cc_arena *a, const char *s, size_t len);
char *cc_arena_strdup(cc_arena *a, const char *s);
/* Bytes handed out so far (for the benchmarks). */
size_t cc_arena_used(const cc_arena *a);
/* Frees every allocation of A. cc_arena_free(NULL) is a no-op. */
void cc_arena_free(cc_arena *a);

#endif
