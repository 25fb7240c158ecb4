/* format.h (internal): Python's printf-style FORMAT % ARGS. */
#ifndef TPL_FORMAT_H
#define TPL_FORMAT_H

#include "eval.h"

/* FMT (a string value) % ARGS into *OUT, a new string (Markup when FMT
 * is, with the arguments escaped). TUPLE: ARGS is a tuple literal whose
 * items are the arguments; otherwise ARGS is the one argument, or the
 * mapping of %(key)s. Errors are placed at N. */
int tpl_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const tpl_val *args, int tuple, tpl_val *out);
/* FMT % (ARGV[0], ..., ARGV[ARGC - 1]), the tuple's items given as they
 * are (NULL: undefined, as tpl_format prints it): tpl_format without
 * building the tuple. ARGSAFE[i] (or NULL): ARGV[i] is Markup. */
int tpl_format_argv(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const json_t *const *argv,
                    const unsigned char *argsafe, size_t argc, tpl_val *out);

/* FMT.format(*ARGS, **KWARGS) (Python's str.format: {} {0} {name}
 * {0[key]}, !r !s, and format specs [[fill]align][sign][#][0][width]
 * [,|_][.precision][type]) with N's arguments ARGS (N->kw names the
 * keyword ones) into *OUT, a new string (Markup escaping the arguments when
 * FMT is Markup). Errors are placed at N. */
int tpl_str_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const tpl_val *args, tpl_val *out);
/* Appends format(V, SPEC) (SL bytes) to B; on a bad spec returns CC_EINVAL
 * with the reason in ERR (ERRLEN bytes). */
int tpl_format_value(cc_buf *b, const json_t *v, const char *spec, size_t sl, char *err, size_t errlen);

#endif
