/* json_arena.h: jansson's allocations for one short-lived command.
 *
 * Between gen_json_arena_begin and gen_json_arena_stop, every allocation
 * jansson makes (a loaded document's objects, keys and strings) is carved
 * from one block by a bump pointer, and freeing one of them costs nothing;
 * before and after, jansson uses malloc and free. gen_json_arena_end frees
 * the block in one call, after the last value carved from it is released
 * (json_decref), and gives jansson back malloc and free. What does not fit
 * in the block comes from malloc. Process-wide and not thread-safe: for a
 * command like `cloudcron render`, which loads one document, uses it and
 * exits. Built with CC_DEBUG_ARENA (ASan, fuzzers) the arena is off, so
 * every value is its own malloc for the sanitizers to watch. */
#ifndef GEN_JSON_ARENA_H
#define GEN_JSON_ARENA_H

#include <stddef.h>

/* Routes jansson's allocations to a new block of CAP bytes. Returns CC_OK,
 * or CC_ENOMEM (jansson keeps malloc; nothing else changes). */
int gen_json_arena_begin(size_t cap);
/* Later allocations come from malloc again; the block's values stay valid. */
void gen_json_arena_stop(void);
/* Frees the block and restores malloc and free. No-op without a block. */
void gen_json_arena_end(void);

#endif
