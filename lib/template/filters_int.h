/* filters_int.h (internal): helpers the filter, test and method files
 * share (filters.c defines them), and the filter functions the table in
 * filters.c names. */
#ifndef TPL_FILTERS_INT_H
#define TPL_FILTERS_INT_H

#include "filters.h"

/* str(IN) as a borrowed C string; "" for undefined (an error in strict
 * mode). *TMP holds what must be released with tpl_val_drop. A string
 * is its own str() (inline); anything else is converted by
 * tpl_f_instr_conv. */
int tpl_f_instr_conv(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const char **s, size_t *len, tpl_val *tmp);
static inline int tpl_f_instr(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const char **s, size_t *len,
                              tpl_val *tmp) {
  if (in->j && json_is_string(in->j)) {
    /* Borrowed: IN outlives the caller's use. */
    *tmp = *in;
    tmp->own = 0;
    *s = json_string_value(in->j);
    *len = json_string_length(in->j);
    return 0;
  }
  return tpl_f_instr_conv(rs, n, in, s, len, tmp);
}
/* *OUT = a new string value of S (LEN bytes), Markup when SAFE. */
int tpl_f_strout(tpl_val *out, const char *s, size_t len, int safe);
/* *OUT = B's bytes as a string (B is freed). */
int tpl_f_bufout(tpl_val *out, cc_buf *b, int safe);
/* The result of a filter flagged TPL_F_DIRECT: when RS->direct is set
 * (the result will be printed as it is, so SAFE does not matter), S is
 * appended there, RS->direct cleared and *OUT left as tpl_direct_done();
 * else as tpl_f_strout (tpl_f_putbuf: tpl_f_bufout). */
int tpl_f_put(tpl_rs *rs, tpl_val *out, const char *s, size_t len, int safe);
/* tpl_f_put of a result that is the string IN itself (S, LEN: IN's own
 * bytes): a reference to IN (Markup when SAFE), no copy, unless it is
 * printed straight. */
int tpl_f_put_same(tpl_rs *rs, tpl_val *out, const tpl_val *in, const char *s, size_t len, int safe);
int tpl_f_putbuf(tpl_rs *rs, tpl_val *out, cc_buf *b, int safe);
/* A number result as tpl_f_put gives a string one: printed straight when
 * RS->direct is set (as tpl_emit prints it), else a new value in *OUT.
 * A float that is not finite is CC_ERR (reported as arithmetic's is). */
int tpl_f_put_int(tpl_rs *rs, tpl_val *out, long long v);
int tpl_f_put_real(tpl_rs *rs, tpl_val *out, double v);
/* The render's scratch buffer (RS->scratch, emptied), or a new one when it
 * is in use; tpl_f_unscratch gives it back (or frees B). */
cc_buf tpl_f_scratch_take(tpl_rs *rs);
static inline cc_buf tpl_f_scratch(tpl_rs *rs) {
  if (rs->scratch.max && rs->scratch.ptr) { /* the common case, inline */
    cc_buf b = rs->scratch, none = {NULL, 0, 0, 0, 0};
    /* Taken whole: the taker may grow (move) or free it, so RS keeps no
     * pointer to it (the fuzzer found a double free when RS kept one). */
    rs->scratch = none;
    b.len = 0;
    b.failed = 0;
    b.ptr[0] = '\0';
    return b;
  }
  return tpl_f_scratch_take(rs);
}
/* B (emptied) kept as the thread's spare scratch buffer when it has none
 * and B is small, else freed; tpl_f_release_spare frees the spare. */
void tpl_f_keep_spare(cc_buf *b);
void tpl_f_release_spare(void);
static inline void tpl_f_unscratch(tpl_rs *rs, cc_buf *b) {
  cc_buf none = {NULL, 0, 0, 0, 0};
  if (!rs->scratch.max && b->cap <= 4096) rs->scratch = *b;
  else tpl_f_keep_spare(b);
  *b = none;
}
/* tpl_f_put of a result made of whole code points of valid UTF-8 strings
 * (a copy, a slice, a join, escaping, padding): no UTF-8 check of S. */
int tpl_f_put_valid(tpl_rs *rs, tpl_val *out, const char *s, size_t len, int safe);
/* tpl_f_put_valid of a buffer from tpl_f_scratch (given back, not freed). */
int tpl_f_putscratch(tpl_rs *rs, tpl_val *out, cc_buf *b, int safe);
/* Binds N's arguments ARGS to the parameters NAMES (NP of them) in SLOT
 * order (SLOT has TPL_MAX_PARAMS entries, all set); a missing one is left
 * NULL. Errors as Python's TypeError would
 * word them. */
int tpl_f_bind(tpl_rs *rs, const tpl_node *n, tpl_val *args, const char *const *names, int np, const tpl_val **slot);
/* Whether the NUL-terminated name M is the literal LIT: its first byte
 * compared inline, so a chain of names costs a call only on a likely
 * match. */
#define TPL_NAME_IS(m, lit) ((m)[0] == (lit)[0] && !strcmp((m), (lit)))
/* Whether str.lower() leaves S (L bytes) as it is (ASCII without capitals). */
int tpl_f_lowers_to_self(const char *s, size_t l);
/* V's truth, DFLT when V is NULL (not given). */
static inline int tpl_f_truthy(const tpl_val *v, int dflt) { return v ? tpl_truthy(v) : dflt; }
/* V as an integer (bools count), DFLT when not given; an error otherwise
 * (tpl_f_int_conv; the common cases inline). */
int tpl_f_int_conv(tpl_rs *rs, const tpl_node *n, const tpl_val *v, long long dflt, long long *out);
static inline int tpl_f_int(tpl_rs *rs, const tpl_node *n, const tpl_val *v, long long dflt, long long *out) {
  if (!v) {
    *out = dflt;
    return 0;
  }
  if (v->j && json_is_integer(v->j)) {
    *out = (long long)json_integer_value(v->j);
    return 0;
  }
  return tpl_f_int_conv(rs, n, v, dflt, out);
}
/* V as an attribute path (a string, or an integer index) in BUF; NULL
 * when V is not given or none. */
int tpl_f_attr(tpl_rs *rs, const tpl_node *n, const tpl_val *v, char *buf, size_t cap, const char **out);
/* The items of an iterable as a new array of our own (for changing). */
int tpl_f_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out);
/* ITEM's ATTR (a dotted path of names and indexes, as make_attrgetter
 * splits it; NULL: ITEM itself), lowercased when LOWER: a new reference,
 * or NULL when missing (*NOMEM set when out of memory). */
json_t *tpl_f_key(json_t *item, const char *attr, int lower, int *nomem);
/* ATTR (as tpl_f_key takes it) read once for many items: tpl_f_key_get
 * is tpl_f_key, but the key is borrowed from ITEM when *OWN comes back 0
 * (else it holds a reference). */
typedef struct {
  const char *attr;
  size_t kl;
  int simple; /* no '.': one name or index */
} tpl_f_keyer;
void tpl_f_keyer_init(tpl_f_keyer *k, const char *attr);
json_t *tpl_f_key_get(const tpl_f_keyer *k, json_t *item, int lower, int *own, int *nomem);
/* ITEMS sorted by tpl_f_key(ATTR, LOWER), stable, REVERSE as Python's
 * sorted(reverse=True): a new array in *OUT. */
int tpl_f_sorted(tpl_rs *rs, const tpl_node *n, json_t *items, const char *attr, int lower, int reverse,
                 json_t **out);
/* The next line of S (LEN bytes) from *POS as str.splitlines() splits
 * (\n \r \r\n \v \f \x1c-\x1e U+0085 U+2028 U+2029): its bytes
 * [*START, *END); returns 0 when there is none. */
int tpl_f_line(const char *s, size_t len, size_t *pos, size_t *start, size_t *end);
/* Whether the code point of the UTF-8 sequence S (K bytes, as
 * tpl_utf8_seq measures it) is matched by \w / \d (wordchars.c). */
int tpl_f_word(const char *s, size_t k);
int tpl_f_digit(const char *s, size_t k);
/* Whether that code point is printable as str.isprintable() says (repr()
 * escapes the others: \xhh, \uhhhh, \Uhhhhhhhh). */
int tpl_f_printable(const char *s, size_t k);
/* The classes of that code point, as str's is...() methods see one
 * character: TPL_C_* bits. */
enum { TPL_C_ALPHA = 1, TPL_C_DECIMAL = 2, TPL_C_DIGIT = 4, TPL_C_NUMERIC = 8, TPL_C_SPACE = 16,
       TPL_C_LOWER = 32, TPL_C_UPPER = 64, TPL_C_TITLE = 128, TPL_C_PRINTABLE = 256 };
unsigned tpl_f_class(const char *s, size_t k);
/* Appends html.unescape(S) (unescape.c). */
int tpl_html_unescape(cc_buf *b, const char *s, size_t len);
/* A Python whitespace byte (ASCII). */
int tpl_f_isws(char c);

#define TPL_FILTER(name) \
  int name(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a, tpl_val *args, tpl_val *out)

/* filters_str.c */
/* truncate (bound parameters A) of IN, or when IN is NULL of the plain
 * string RAW (RAWLEN bytes). */
int tpl_f_truncate_in(tpl_rs *rs, const tpl_node *n, const tpl_val **a, const tpl_val *in, const char *raw,
                      size_t rawlen, tpl_val *out);
TPL_FILTER(tpl_f_capitalize);
TPL_FILTER(tpl_f_center);
TPL_FILTER(tpl_f_escape);
TPL_FILTER(tpl_f_forceescape);
TPL_FILTER(tpl_f_indent);
TPL_FILTER(tpl_f_lower);
TPL_FILTER(tpl_f_replace);
TPL_FILTER(tpl_f_safe);
TPL_FILTER(tpl_f_string);
TPL_FILTER(tpl_f_striptags);
TPL_FILTER(tpl_f_title);
TPL_FILTER(tpl_f_trim);
TPL_FILTER(tpl_f_truncate);
TPL_FILTER(tpl_f_upper);
TPL_FILTER(tpl_f_wordcount);
TPL_FILTER(tpl_f_wordwrap);
/* filters_web.c */
TPL_FILTER(tpl_f_urlencode);
TPL_FILTER(tpl_f_urlize);
TPL_FILTER(tpl_f_xmlattr);
TPL_FILTER(tpl_f_tojson);
TPL_FILTER(tpl_f_pprint);
/* filters_num.c */
TPL_FILTER(tpl_f_abs);
TPL_FILTER(tpl_f_filesizeformat);
TPL_FILTER(tpl_f_float);
TPL_FILTER(tpl_f_int_);
TPL_FILTER(tpl_f_round);
TPL_FILTER(tpl_f_default);
TPL_FILTER(tpl_f_format);
/* filters_seq.c */
TPL_FILTER(tpl_f_attr_);
TPL_FILTER(tpl_f_batch);
TPL_FILTER(tpl_f_dictsort);
TPL_FILTER(tpl_f_first);
TPL_FILTER(tpl_f_items_);
TPL_FILTER(tpl_f_join);
TPL_FILTER(tpl_f_last);
TPL_FILTER(tpl_f_length);
TPL_FILTER(tpl_f_list);
TPL_FILTER(tpl_f_max);
TPL_FILTER(tpl_f_min);
TPL_FILTER(tpl_f_reverse);
TPL_FILTER(tpl_f_slice);
TPL_FILTER(tpl_f_sort);
TPL_FILTER(tpl_f_sum);
TPL_FILTER(tpl_f_unique);
/* filters_sel.c */
TPL_FILTER(tpl_f_groupby);
TPL_FILTER(tpl_f_map);
TPL_FILTER(tpl_f_reject);
TPL_FILTER(tpl_f_rejectattr);
TPL_FILTER(tpl_f_select);
TPL_FILTER(tpl_f_selectattr);

#endif
