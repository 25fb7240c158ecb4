#include "cc/suggest.h"

#include <stdlib.h>
#include <string.h>

size_t cc_edit_distance(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  if (n > 64 || m > 64) return n > m ? n : m; /* names only; no quadratic blowup */
  size_t d[65][65];
  for (size_t i = 0; i <= n; i++) d[i][0] = i;
  for (size_t j = 0; j <= m; j++) d[0][j] = j;
  for (size_t i = 1; i <= n; i++) {
    for (size_t j = 1; j <= m; j++) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  }
  return d[n][m];
}

const char *cc_suggest(const char *word, const char *const *cands, size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t dist = cc_edit_distance(word, cands[i]);
    size_t la = strlen(word), lb = strlen(cands[i]);
    size_t allowed = (la > lb ? la : lb) / 3;
    if (allowed < 1) allowed = 1;
    if (dist <= allowed && dist < best_d) {
      best = cands[i];
      best_d = dist;
    }
  }
  return best;
}
