/* gen/hcl.h: HCL literals for generated Terraform.
 *
 * Every function appends to a cc_buf and returns CC_OK or CC_ENOMEM /
 * CC_ETOOBIG. Values are written in the form terraform fmt keeps; the
 * layout (indentation, alignment) is left to gen/hclfmt. */
#ifndef GEN_HCL_H
#define GEN_HCL_H

#include <jansson.h>
#include <stdbool.h>

#include "cc/buf.h"

/* S as a quoted HCL string: escapes, and ${ / %{ doubled so they stay
 * literal text. */
int gen_hcl_str(cc_buf *b, const char *s);

/* An object key: bare when S is an identifier, quoted otherwise. */
int gen_hcl_key(cc_buf *b, const char *s);

/* PREFIX then KEY with every character that cannot be in an identifier
 * (dashes, dots) turned into an underscore: a resource or module name. */
int gen_hcl_ident(cc_buf *b, const char *prefix, const char *key);

/* Whether S is an HCL identifier. */
bool gen_hcl_is_ident(const char *s);

/* A JSON value as an HCL expression: strings quoted, numbers as written,
 * null, lists in brackets, objects in braces. With MULTILINE, non-empty
 * objects are written one attribute a line (as in a variable's default);
 * otherwise everything is on one line (`{ a = 1, b = "x" }`). */
int gen_hcl_value(cc_buf *b, const json_t *v, bool multiline);

#endif
