/* filters.h (internal): Jinja2's built-in filters and tests. */
#ifndef TPL_FILTERS_H
#define TPL_FILTERS_H

#include "eval.h"

/* Applies filter N->s to IN (borrowed) with the evaluated ARGS (borrowed;
 * N->kw names the keyword ones) into *OUT (a new value). */
int tpl_filter(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out);
/* Runs test N->s on IN with ARGS; *RES is its truth. */
int tpl_test(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res);
/* Calls method N->a->s of OBJ (e.g. dict.items()). */
int tpl_method(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, tpl_val *args, tpl_val *out);

#endif
