/* cc/suggest.h: "did you mean" suggestions. */
#ifndef CC_SUGGEST_H
#define CC_SUGGEST_H

#include <stddef.h>

/* Returns the candidate closest to WORD by edit distance (Damerau, optimal
 * string alignment), or NULL when none is close enough to be a likely typo
 * (distance more than a third of the longer word, at least 1 allowed).
 * The result is one of CANDS (borrowed). */
const char *cc_suggest(const char *word, const char *const *cands, size_t n);

/* Edit distance between A and B (bytes). */
size_t cc_edit_distance(const char *a, const char *b);

#endif
