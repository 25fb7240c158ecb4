/* format.h (internal): Python's printf-style FORMAT % ARGS. */
#ifndef TPL_FORMAT_H
#define TPL_FORMAT_H

#include "eval.h"

/* FMT (a string value) % ARGS into *OUT, a new string (Markup when FMT
 * is, with the arguments escaped). TUPLE: ARGS is a tuple literal whose
 * items are the arguments; otherwise ARGS is the one argument, or the
 * mapping of %(key)s. Errors are placed at N. */
int tpl_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const tpl_val *args, int tuple, tpl_val *out);

#endif
