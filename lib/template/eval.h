/* eval.h (internal): the render state shared by the evaluator and the
 * filters. */
#ifndef TPL_EVAL_H
#define TPL_EVAL_H

#include <jansson.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "parser.h"
#include "value.h"

/* A for loop's position, behind its lazy `loop` variable. */
typedef struct tpl_loop {
  size_t i, len;
} tpl_loop;

typedef struct tpl_var {
  const char *name;     /* interned by the parser: compared by address */
  tpl_val v;            /* owned */
  const tpl_loop *loop; /* the `loop` of a for: V is built only when used whole */
} tpl_var;

typedef struct tpl_rs {
  const char *name;
  int autoescape, strict;
  int md_escape; /* printed values escaped for CommonMark (autoescape is 0) */
  size_t max_out, max_iter, iters;
  int max_depth, depth;
  cc_buf *out;
  cc_diags *diags;
  const json_t *ctx;
  tpl_var *vars; /* scope stack; a for loop's frame starts at frame */
  size_t nvars, capvars, frame;
  tpl_var inl[8]; /* the first vars (no allocation for most renders) */
  int failed;
} tpl_rs;

/* Records a render error at N (only the first is kept); returns CODE. */
int tpl_fail(tpl_rs *rs, const tpl_node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The strict-mode / attribute error for the undefined V. */
int tpl_fail_undef(tpl_rs *rs, const tpl_node *n, const tpl_val *v);

/* str(V) appended to B; undefined prints "" (an error in strict mode). */
int tpl_to_buf(tpl_rs *rs, const tpl_node *n, const tpl_val *v, cc_buf *b);
/* str(V) as a new string value in *OUT. */
int tpl_to_str(tpl_rs *rs, const tpl_node *n, const tpl_val *v, tpl_val *out);

/* A N->s B (an operator of E_BIN: "+", "*", ...) into *OUT, as the
 * expression would compute it; errors are placed at N. */
int tpl_binop(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, tpl_val *out);

/* Python ordering of X and Y into *C (<0, 0, >0); CC_EINVAL when unordered. */
int tpl_compare(const json_t *x, const json_t *y, int *c);

/* The items of an iterable (a dict's keys, a string's characters) as a new
 * reference in *OUT; an array value comes back shared, so a caller that
 * changes the items copies them first. Undefined is empty (an error in
 * strict mode); anything else is not iterable. */
int tpl_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out);

/* Renders the tree. */
int tpl_eval_root(tpl_rs *rs, const tpl_node *root);

#endif
