/* gen/tpl_filters.h: the generator's own template filters, registered
 * through cc_tpl_opts.filters for the root stack's templates
 * (templates/stack/, rendered by gen/stack.c):
 *
 *   s | hcl              S as a quoted HCL string (gen_hcl_str)
 *   s | hcl_escape       the same without the quotes, to splice into a
 *                        string that also holds ${...} references
 *   s | hcl_key          an object key: bare when an identifier, quoted
 *                        otherwise (gen_hcl_key)
 *   v | hcl_value        any JSON value as an HCL expression on one line
 *                        (gen_hcl_value); hcl_value(true): objects one
 *                        attribute a line
 *   s | md_text          S as plain CommonMark text, safe in a table cell
 *   s | md_code          S as a CommonMark code span, safe in a table cell
 *
 * Each takes a string (hcl_value any value); anything else is a render
 * error naming the filter. */
#ifndef GEN_TPL_FILTERS_H
#define GEN_TPL_FILTERS_H

#include <stddef.h>

#include "cc/template.h"

extern const cc_tpl_filter gen_tpl_filters[];
extern const size_t gen_tpl_nfilters;

#endif
