/* gen/modules.h: the generic modules, from the embedded templates/modules.
 *
 * For each templates/modules/NAME/:
 *   - every file but interface.yaml is a template rendered by the template
 *     engine (autoescape off, strict) with the context
 *       { "module": NAME, "header": the do-not-edit line, "version": ... }
 *     and written to modules/NAME/ with the do-not-edit line first; .tf and
 *     .hcl files are then put in terraform fmt form (gen/hclfmt);
 *   - interface.yaml gives variables.tf, outputs.tf and README.md.
 * A module with interface.yaml may not also carry variables.tf or
 * outputs.tf. Template and interface errors are FILE:LINE:COL errors
 * naming the file under templates/. */
#ifndef GEN_MODULES_H
#define GEN_MODULES_H

#include <stdbool.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "tree.h"

/* Adds every module's files to TREE. Returns CC_OK, CC_EINVAL (errors in
 * DIAGS) or CC_ENOMEM. */
int gen_modules_build(gen_tree *tree, cc_diags *diags);

/* Whether templates/modules/NAME is part of this build. */
bool gen_module_exists(const char *name);

/* Adds a generated file to TREE at PATH: the do-not-edit line naming
 * SOURCE (with the comment marker PATH's type takes), then BODY (LEN
 * bytes), formatted with gen_hclfmt when PATH is a .tf or .hcl file. */
int gen_emit(gen_tree *tree, const char *path, const char *source, const char *body, size_t len);

/* The do-not-edit line for a file at PATH generated from SOURCE, with its
 * newline; appended to OUT. */
int gen_header(cc_buf *out, const char *path, const char *source);

#endif
