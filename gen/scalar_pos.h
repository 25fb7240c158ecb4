/* gen/scalar_pos.h: where a position inside a YAML (or JSON) scalar's value
 * is in the source text.
 *
 * A template written inline in the spec reports errors at lines and
 * columns of its value; the value is the scalar after YAML has read it
 * (quotes, escapes, '' in single quotes, line folding, block indentation
 * and its indicator, chomping). This re-reads the scalar's source the way
 * YAML does, beside the value, to find the source position of a value
 * position. It only reads: nothing is allocated or owned. */
#ifndef GEN_SCALAR_POS_H
#define GEN_SCALAR_POS_H

#include <stddef.h>

#include "spec.h"

/* The source position of line VLINE, column VCOL (1-based, columns in code
 * points, lines split at '\n') of VALUE, the value of the scalar whose
 * node starts at AT in TEXT (LEN bytes: the whole spec). A position past
 * the value's end maps to where the scalar's source ends (the closing
 * quote); a position the source cannot account for maps to AT. */
gen_span gen_scalar_pos(const char *text, size_t len, gen_span at, const char *value, int vline, int vcol);

#endif
