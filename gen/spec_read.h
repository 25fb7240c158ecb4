/* gen/spec_read.h: from a document tree to the typed model (gen/spec.h).
 *
 * Checks every key (unknown keys get a "did you mean"), every type, range
 * and format that one value decides on its own, and applies defaults.
 * Cross-references, derived names, schedules, zones and templates are
 * gen/check.c's job. */
#ifndef GEN_SPEC_READ_H
#define GEN_SPEC_READ_H

#include "cc/diag.h"
#include "doc.h"
#include "spec.h"

/* Fills SPEC (whose arena, path and dir are set) from ROOT. Returns CC_OK
 * or CC_EINVAL with the errors in DIAGS; CC_ENOMEM. SPEC is usable (and
 * must be freed) either way. */
int gen_spec_read(gen_spec *spec, const gen_node *root, cc_diags *diags);

#endif
