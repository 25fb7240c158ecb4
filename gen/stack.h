/* gen/stack.h: what `cloudcron generate` writes for a spec.
 *
 *   modules/NAME/...          the generic modules, from templates/modules
 *   stacks/PROJECT/...        the spec's root stack, wiring them
 *
 * This first slice writes the scheduled-lambda module and a stack with the
 * spec's topics and tasks; notification channels and image modules are not
 * generated yet (a warning names what was left out). */
#ifndef GEN_STACK_H
#define GEN_STACK_H

#include "cc/diag.h"
#include "spec.h"
#include "tree.h"

/* Adds every file for SPEC to TREE. Returns CC_OK; CC_EINVAL with errors in
 * DIAGS (a part of the spec this version cannot generate); CC_ENOMEM. */
int gen_stack_build(gen_tree *tree, const gen_spec *spec, cc_diags *diags);

#endif
