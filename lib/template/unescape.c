/* unescape.c: html.unescape (what Markup.striptags and Markup.unescape
 * use): numeric references with the HTML5 replacements, and the HTML5
 * named references, the longest known prefix when the name is not one. */
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

typedef struct {
  const char *name, *utf8;
} S_entity;
typedef struct {
  unsigned cp;
  const char *utf8;
} S_charref;

#include "entities_data.h"

#define S_N(a) (sizeof a / sizeof *a)

/* The entity named by exactly S (LEN bytes), or NULL. */
static const char *S_named(const char *s, size_t len) {
  size_t lo = 0, hi = S_N(S_entities);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *m = S_entities[mid].name;
    size_t ml = strlen(m);
    int c = memcmp(s, m, len < ml ? len : ml);
    if (c == 0) c = (len > ml) - (len < ml);
    if (c == 0) return S_entities[mid].utf8;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static int S_numeric(cc_buf *b, unsigned long long num, int over) {
  for (size_t i = 0; i < S_N(S_invalid_charrefs); i++)
    if (!over && S_invalid_charrefs[i].cp == num) return cc_buf_puts(b, S_invalid_charrefs[i].utf8);
  if (over || (num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) return cc_buf_puts(b, "\xef\xbf\xbd");
  for (size_t i = 0; i < S_N(S_invalid_codepoints); i++)
    if (S_invalid_codepoints[i] == num) return CC_OK;
  return tpl_utf8_put(b, (unsigned)num);
}

static int S_hex(char c) {
  return (c >= '0' && c <= '9') ? c - '0' : ((c | 32) >= 'a' && (c | 32) <= 'f') ? (c | 32) - 'a' + 10 : -1;
}

int tpl_html_unescape(cc_buf *b, const char *s, size_t l) {
  int rc = CC_OK;
  for (size_t i = 0; i < l && rc == CC_OK;) {
    if (s[i] != '&') {
      const char *amp = memchr(s + i, '&', l - i);
      size_t k = amp ? (size_t)(amp - (s + i)) : l - i;
      rc = cc_buf_add(b, s + i, k);
      i += k;
      continue;
    }
    size_t j = i + 1;
    if (j < l && s[j] == '#') {
      int hex = j + 1 < l && (s[j + 1] == 'x' || s[j + 1] == 'X');
      size_t k = j + 1 + hex, d0 = k;
      unsigned long long num = 0;
      int over = 0;
      while (k < l && (hex ? S_hex(s[k]) >= 0 : (s[k] >= '0' && s[k] <= '9'))) {
        num = num * (hex ? 16 : 10) + (unsigned)(hex ? S_hex(s[k]) : s[k] - '0');
        if (num > 0x10FFFF) over = 1, num = 0x110000;
        k++;
      }
      if (k > d0) {
        if (k < l && s[k] == ';') k++;
        rc = S_numeric(b, num, over);
        i = k;
        continue;
      }
      rc = cc_buf_putc(b, '&'); /* "&#" without digits stays */
      i++;
      continue;
    }
    /* [^\t\n\f <&#;]{1,32};? */
    size_t k = j, cps = 0;
    while (k < l && cps < 32 && !strchr("\t\n\f <&#;", s[k])) {
      k += tpl_utf8_seq(s + k, l - k);
      cps++;
    }
    if (k == j) {
      rc = cc_buf_putc(b, '&');
      i++;
      continue;
    }
    if (k < l && s[k] == ';') k++;
    const char *v = S_named(s + j, k - j);
    if (v) {
      rc = cc_buf_puts(b, v);
      i = k;
      continue;
    }
    /* The longest prefix that is a name (of at least 2 bytes). */
    size_t x = k - j;
    for (x = k - j - 1; x > 1; x--)
      if ((v = S_named(s + j, x))) break;
    if (x > 1 && v) {
      rc = cc_buf_puts(b, v);
      if (rc == CC_OK) rc = cc_buf_add(b, s + j + x, k - j - x);
    } else {
      rc = cc_buf_putc(b, '&');
      if (rc == CC_OK) rc = cc_buf_add(b, s + j, k - j);
    }
    i = k;
  }
  return rc;
}
