/* casemap.h (internal): Unicode case mapping as Python's str methods do
 * it (full mappings such as ß -> SS, and str.lower()'s final sigma), from
 * tables generated out of Python's unicodedata (gen_casemap.py). */
#ifndef TPL_CASEMAP_H
#define TPL_CASEMAP_H

#include <stddef.h>
#include <stdint.h>

#include "cc/buf.h"

enum { TPL_UPPER, TPL_LOWER, TPL_TITLE, TPL_FOLD };

/* Appends S (LEN bytes of UTF-8) mapped as str.upper() (TPL_UPPER) or
 * str.lower() (TPL_LOWER) would map it; with TPL_TITLE, the first code
 * point title-cased and the rest lowered, as str.capitalize(); with
 * TPL_FOLD, as str.casefold() (ß -> ss, no final sigma). Bytes that
 * are not UTF-8 are copied as they are. */
int tpl_case_map(cc_buf *b, const char *s, size_t len, int mode);

/* Length in bytes of the UTF-8 sequence that starts S (1 for a bad byte). */
size_t tpl_utf8_seq(const char *s, size_t len);
/* The code point of the sequence of N bytes at S (N from tpl_utf8_seq). */
uint32_t tpl_utf8_get(const char *s, size_t n);

/* Appends the code point CP as UTF-8. */
int tpl_utf8_put(cc_buf *b, unsigned cp);

#endif
