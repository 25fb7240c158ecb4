/* gen/render.h: rendering the embedded templates (gen/embed.h) the
 * generator writes Terraform from: the stack's (templates/stack/) and a
 * module interface's variables.tf and outputs.tf (templates/shared/), and
 * the module templates (for gen/modules.c). */
#ifndef GEN_RENDER_H
#define GEN_RENDER_H

#include <jansson.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "embed.h"

/* The embedded file at PATH (relative to templates/); NULL when absent. */
const gen_embedded *gen_embedded_find(const char *path);

/* Renders the embedded template at PATH with CTX (borrowed), appending to
 * OUT: autoescape off, strict (an undefined value is an error), the
 * generator's filters (gen/tpl_filters.h); include and import names are
 * looked up in PATH's folder, then from templates/ ("shared/..."). Returns CC_OK; CC_EINVAL with errors at
 * templates/PATH:LINE:COL in DIAGS (a missing template, a syntax or render
 * error); CC_ELIMIT; CC_ENOMEM. */
int gen_render(const char *path, const json_t *ctx, cc_buf *out, cc_diags *diags);

#endif
