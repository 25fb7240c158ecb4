/* wordchars.c: Python's re classes \w and \d on str, for the filters that
 * split words (wordcount, wordwrap's hyphens, urlize), str.isprintable(),
 * for repr(), and the classes of str's is...() methods, from tables
 * generated out of Python's unicodedata (gen_wordchars.py). */
#include <stddef.h>

#include "casemap.h"
#include "filters_int.h"

typedef struct {
  unsigned lo, hi;
} S_range;

#include "wordchars_data.h"

static int S_in(const S_range *r, size_t n, unsigned cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < r[mid].lo) hi = mid;
    else if (cp > r[mid].hi) lo = mid + 1;
    else return 1;
  }
  return 0;
}

int tpl_f_word(const char *s, size_t k) {
  unsigned cp = tpl_utf8_get(s, k);
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  return S_in(S_word_ranges, sizeof S_word_ranges / sizeof *S_word_ranges, cp);
}

int tpl_f_digit(const char *s, size_t k) {
  unsigned cp = tpl_utf8_get(s, k);
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return S_in(S_digit_ranges, sizeof S_digit_ranges / sizeof *S_digit_ranges, cp);
}

int tpl_f_printable(const char *s, size_t k) {
  unsigned cp = tpl_utf8_get(s, k);
  if (cp < 0x80) return cp >= 0x20 && cp != 0x7F;
  return !S_in(S_unprintable_ranges, sizeof S_unprintable_ranges / sizeof *S_unprintable_ranges, cp);
}

#define S_IN(t, cp) S_in(t, sizeof t / sizeof *t, cp)

unsigned tpl_f_class(const char *s, size_t k) {
  unsigned cp = tpl_utf8_get(s, k), c = 0;
  if (cp < 0x80) {
    int lo = cp >= 'a' && cp <= 'z', up = cp >= 'A' && cp <= 'Z', dg = cp >= '0' && cp <= '9';
    if (lo || up) c |= TPL_C_ALPHA;
    if (dg) c |= TPL_C_DECIMAL | TPL_C_DIGIT | TPL_C_NUMERIC;
    if (cp == ' ' || (cp >= '\t' && cp <= '\r') || (cp >= 0x1C && cp <= 0x1F)) c |= TPL_C_SPACE;
    if (lo) c |= TPL_C_LOWER;
    if (up) c |= TPL_C_UPPER;
    if (cp >= 0x20 && cp != 0x7F) c |= TPL_C_PRINTABLE;
    return c;
  }
  if (S_IN(S_alpha_ranges, cp)) c |= TPL_C_ALPHA;
  if (S_IN(S_digit_ranges, cp)) c |= TPL_C_DECIMAL; /* \d is isdecimal() */
  if (S_IN(S_digitchar_ranges, cp)) c |= TPL_C_DIGIT;
  if (S_IN(S_numeric_ranges, cp)) c |= TPL_C_NUMERIC;
  if (S_IN(S_space_ranges, cp)) c |= TPL_C_SPACE;
  if (S_IN(S_lower_ranges, cp)) c |= TPL_C_LOWER;
  if (S_IN(S_upper_ranges, cp)) c |= TPL_C_UPPER;
  if (S_IN(S_title_ranges, cp)) c |= TPL_C_TITLE;
  if (!S_IN(S_unprintable_ranges, cp)) c |= TPL_C_PRINTABLE;
  return c;
}
