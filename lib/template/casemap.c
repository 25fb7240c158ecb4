/* casemap.c: Python's case mapping of UTF-8 strings (see casemap.h). */
#include "casemap.h"

#include <stdint.h>

#include "cc/err.h"
#include "value.h"

typedef struct {
  uint32_t lo, hi;
  int32_t d[2][3]; /* offsets (upper, lower, title) at even and odd distances from LO */
} S_run;

typedef struct {
  uint32_t cp;
  const char *m[3]; /* upper, lower, title as UTF-8 */
} S_special;

typedef struct {
  uint32_t lo, hi;
} S_span;

typedef struct {
  uint32_t cp;
  const char *m; /* str.casefold() of CP as UTF-8, where it is not lower() */
} S_fold;

#include "casemap_data.h"

size_t tpl_utf8_seq(const char *s, size_t len) {
  unsigned char c = (unsigned char)s[0];
  size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
  if (n > len) return 1;
  for (size_t i = 1; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) return 1;
  return n;
}

uint32_t tpl_utf8_get(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  switch (n) {
  case 2: return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
  case 3: return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
  case 4: return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 | (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
  default: return u[0];
  }
}

int tpl_utf8_put(cc_buf *b, unsigned cp) {
  char t[4];
  size_t n;
  if (cp < 0x80) {
    t[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    t[0] = (char)(0xC0 | cp >> 6);
    t[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    t[0] = (char)(0xE0 | cp >> 12);
    t[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    t[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    t[0] = (char)(0xF0 | cp >> 18);
    t[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    t[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    t[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  return tpl_buf_add(b, t, n);
}

static int S_in_spans(const S_span *v, size_t n, uint32_t cp) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < v[mid].lo) hi = mid;
    else if (cp > v[mid].hi) lo = mid + 1;
    else return 1;
  }
  return 0;
}

static int S_cased(uint32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return S_in_spans(S_cased_spans, sizeof S_cased_spans / sizeof *S_cased_spans, cp);
}

static int S_ignorable(uint32_t cp) {
  if (cp < 0x80) return cp == '\'' || cp == '.' || cp == ':' || cp == '^' || cp == '`';
  return S_in_spans(S_ignorable_spans, sizeof S_ignorable_spans / sizeof *S_ignorable_spans, cp);
}

/* Appends CP mapped in MODE (TPL_UPPER, TPL_LOWER, TPL_TITLE). */
static int S_map_cp(cc_buf *b, uint32_t cp, int mode) {
  if (cp < 0x80) {
    if (mode == TPL_LOWER ? (cp >= 'A' && cp <= 'Z') : (cp >= 'a' && cp <= 'z')) cp ^= 0x20;
    return tpl_utf8_put(b, cp);
  }
  size_t lo = 0, hi = sizeof S_runs / sizeof *S_runs;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < S_runs[mid].lo) hi = mid;
    else if (cp > S_runs[mid].hi) lo = mid + 1;
    else return tpl_utf8_put(b, (uint32_t)((int32_t)cp + S_runs[mid].d[(cp - S_runs[mid].lo) & 1][mode]));
  }
  lo = 0;
  hi = sizeof S_specials / sizeof *S_specials;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < S_specials[mid].cp) hi = mid;
    else if (cp > S_specials[mid].cp) lo = mid + 1;
    else return cc_buf_puts(b, S_specials[mid].m[mode]);
  }
  return tpl_utf8_put(b, cp);
}

/* Appends str.casefold() of CP: its lower() but for the S_folds (no final
 * sigma: casefold maps one code point at a time). */
static int S_fold_cp(cc_buf *b, uint32_t cp) {
  size_t lo = 0, hi = sizeof S_folds / sizeof *S_folds;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cp < S_folds[mid].cp) hi = mid;
    else if (cp > S_folds[mid].cp) lo = mid + 1;
    else return cc_buf_puts(b, S_folds[mid].m);
  }
  return S_map_cp(b, cp, TPL_LOWER);
}

/* Python's final sigma: U+03A3 at [I, I+N) of S lowers to U+03C2 when a
 * cased letter precedes it and none follows (case-ignorables skipped). */
static int S_final_sigma(const char *s, size_t len, size_t i, size_t n) {
  size_t j = i, k;
  uint32_t c = 0;
  int found = 0;
  while (j > 0) {
    k = j - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
    size_t m = tpl_utf8_seq(s + k, len - k);
    if (k + m != j) { /* a stray continuation byte: a character of its own */
      k = j - 1;
      m = 1;
    }
    c = tpl_utf8_get(s + k, m);
    j = k;
    if (!S_ignorable(c)) {
      found = 1;
      break;
    }
  }
  if (!found || !S_cased(c)) return 0;
  for (j = i + n; j < len;) {
    size_t m = tpl_utf8_seq(s + j, len - j);
    c = tpl_utf8_get(s + j, m);
    j += m;
    if (!S_ignorable(c)) return !S_cased(c);
  }
  return 1;
}

int tpl_case_map(cc_buf *b, const char *s, size_t len, int mode) {
  int rc = CC_OK;
  for (size_t i = 0; i < len && rc == CC_OK;) {
    unsigned char c = (unsigned char)s[i];
    /* capitalize: the first code point title-cased, the rest lowered */
    int m = mode == TPL_TITLE && i > 0 ? TPL_LOWER : mode;
    int lower = mode == TPL_LOWER || mode == TPL_FOLD;
    if (c < 0x80) {
      /* An ASCII stretch: copied, then mapped in place. */
      size_t j = i, at = b->len;
      while (j < len && (unsigned char)s[j] < 0x80) j++;
      if ((rc = tpl_buf_add(b, s + i, j - i))) break;
      if (mode != TPL_TITLE) {
        /* One case for the whole stretch: flip bit 5 of the letters. */
        unsigned char lo = lower ? 'A' : 'a';
        for (unsigned char *p = (unsigned char *)b->ptr + at, *e = (unsigned char *)b->ptr + b->len; p < e; p++)
          *p = (unsigned char)(*p ^ ((unsigned char)(*p - lo) < 26 ? 0x20 : 0));
        i = j;
        continue;
      }
      for (size_t k = at; k < b->len; k++) {
        int mk = k == at && i == 0 ? mode : mode == TPL_TITLE ? TPL_LOWER : mode;
        char ch = b->ptr[k];
        if (mk == TPL_LOWER || lower ? (ch >= 'A' && ch <= 'Z') : (ch >= 'a' && ch <= 'z')) b->ptr[k] = (char)(ch ^ 0x20);
      }
      i = j;
      continue;
    }
    size_t n = tpl_utf8_seq(s + i, len - i);
    if (n == 1) {
      rc = tpl_buf_add(b, s + i, 1); /* not UTF-8: as it is */
    } else {
      uint32_t cp = tpl_utf8_get(s + i, n);
      if (cp == 0x3A3 && m == TPL_LOWER && S_final_sigma(s, len, i, n)) rc = tpl_utf8_put(b, 0x3C2);
      else if (m == TPL_FOLD) rc = S_fold_cp(b, cp);
      else rc = S_map_cp(b, cp, m);
    }
    i += n;
  }
  return rc;
}
