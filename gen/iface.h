/* gen/iface.h: a module's interface, kept as data in
 * templates/modules/<module>/interface.yaml:
 *
 *   description: |   what the module does (Markdown, the README's prose)
 *   usage: |         an example module block (HCL)
 *   variables:
 *     - name, description, type (HCL type text)
 *       default (YAML value, written as HCL; `default: null` is null) or
 *       default_hcl (raw HCL), nullable, sensitive,
 *       validation: [{condition, error_message}]
 *   outputs:
 *     - name, description, value (HCL), sensitive
 *
 * An entry may instead be `- use: NAME` alone: the variable or output NAME
 * of the shared interface, templates/shared/interface.yaml, where the
 * definitions several modules have in common are kept once (it is read
 * like a module's, without `use`).
 *
 * From it the generator writes the module's variables.tf and outputs.tf
 * (through templates/shared/variables.tf and outputs.tf) and the Inputs and
 * Outputs tables of its README. Mistakes are errors at
 * FILE:LINE:COL. Everything lives in the interface's arena. */
#ifndef GEN_IFACE_H
#define GEN_IFACE_H

#include <stdbool.h>
#include <stddef.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/diag.h"

typedef struct gen_iface_check {
  const char *condition, *error_message;
} gen_iface_check;

typedef struct gen_iface_var {
  const char *name, *description, *type;
  const char *default_hcl;    /* NULL: required; as written in variables.tf */
  const char *default_inline; /* the same on one line, for the README */
  int nullable;               /* -1 unset, 0 false, 1 true */
  bool sensitive;
  gen_iface_check *checks;
  size_t nchecks;
} gen_iface_var;

typedef struct gen_iface_out {
  const char *name, *description, *value;
  bool sensitive;
} gen_iface_out;

typedef struct gen_iface {
  const char *description; /* "" when absent */
  const char *usage;       /* NULL when absent */
  gen_iface_var *vars;
  size_t nvars;
  gen_iface_out *outs;
  size_t nouts;
  cc_arena *arena;
} gen_iface;

#define GEN_IFACE_SHARED "shared/interface.yaml" /* under templates/ */

/* Reads the interface TEXT (LEN bytes) named FILE; `use` entries are taken
 * from SHARED (NULL: none may be used), whose strings they borrow, so
 * SHARED must outlive *OUT. Returns CC_OK and *OUT (freed with
 * gen_iface_free); or CC_EINVAL with every error in DIAGS and *OUT NULL;
 * or CC_ENOMEM. */
int gen_iface_load(gen_iface **out, const char *file, const char *text, size_t len, const gen_iface *shared,
                   cc_diags *diags);
void gen_iface_free(gen_iface *iface);

/* Appends variables.tf / outputs.tf (without the do-not-edit line; the
 * caller formats them with gen_hclfmt), rendered from the templates
 * templates/shared/variables.tf and outputs.tf (gen/render.h). Returns
 * CC_OK, CC_ENOMEM, or CC_EINVAL with a template error in DIAGS. */
int gen_iface_variables_tf(const gen_iface *iface, cc_buf *out, cc_diags *diags);
int gen_iface_outputs_tf(const gen_iface *iface, cc_buf *out, cc_diags *diags);

#endif
