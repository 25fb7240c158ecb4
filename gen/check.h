/* gen/check.h: the rules of docs/spec.md that look across a spec: references,
 * derived AWS names and their limits, schedules and time zones, templates
 * (parsed here, at generate time), files the spec names, and secrets. */
#ifndef GEN_CHECK_H
#define GEN_CHECK_H

#include "cc/diag.h"
#include "spec.h"

/* Checks SPEC, resolving references (the *_ref fields), deriving names and
 * loading file templates. TEXT is the spec's source (for positions inside
 * inline templates). Returns CC_OK, or CC_EINVAL with every error in DIAGS,
 * or CC_ENOMEM. */
int gen_check(gen_spec *spec, const char *text, size_t len, cc_diags *diags);

#endif
