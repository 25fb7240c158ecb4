/* value.h (internal): the evaluator's values.
 *
 * A value is a jansson value plus two flags Jinja2 needs beyond JSON:
 * undefined (with the name that was missing, for strict-mode messages) and
 * safe (MarkupSafe's Markup: not escaped again). A tpl_val owns one
 * reference to J (NULL when undefined); tpl_val_drop releases it. */
#ifndef TPL_VALUE_H
#define TPL_VALUE_H

#include <jansson.h>

#include "cc/buf.h"

typedef struct tpl_val {
  json_t *j;        /* owned reference; NULL when undefined */
  const char *hint;  /* undefined: the missing name (borrowed from the AST) */
  const char *owner; /* undefined attribute: the owner's type ("dict"), static */
  unsigned char safe;
} tpl_val;

static inline tpl_val tpl_undef(const char *hint) {
  tpl_val v = {NULL, hint, NULL, 0};
  return v;
}
/* Takes ownership of J (a new reference; NULL means out of memory). */
static inline tpl_val tpl_own(json_t *j) {
  tpl_val v = {j, NULL, NULL, 0};
  return v;
}
static inline tpl_val tpl_borrow(json_t *j) {
  tpl_val v = {json_incref(j), NULL, NULL, 0};
  return v;
}
static inline void tpl_val_drop(tpl_val *v) {
  json_decref(v->j);
  v->j = NULL;
}

/* Python's truth value. */
int tpl_truthy(const tpl_val *v);
/* Whether J is a number for arithmetic (bools count, as in Python). */
int tpl_is_num(const json_t *j);
/* J as a double / long long (bools as 0/1). */
double tpl_num(const json_t *j);

/* Appends Python's repr of the double D ("2.0", "1e+16", "inf"). */
int tpl_fmt_float(cc_buf *b, double d);
/* Appends str(J) as Python prints it (strings raw, containers as repr). */
int tpl_str(cc_buf *b, const json_t *j);
/* Appends repr(J) (strings quoted as Python quotes them). */
int tpl_repr(cc_buf *b, const json_t *j);
/* Appends S (LEN bytes) HTML-escaped as MarkupSafe escapes. */
int tpl_escape(cc_buf *b, const char *s, size_t len);
/* Python's type name of J ("str", "int", "dict", ...). */
const char *tpl_type_name(const json_t *j);
/* Python equality (1 == 1.0 == True; containers deep). */
int tpl_equal(const json_t *a, const json_t *b);
/* Code points in the UTF-8 string S. */
size_t tpl_utf8_len(const char *s, size_t len);

#endif
