/* gen/stack.h: what `cloudcron generate` writes for a spec.
 *
 *   modules/NAME/...          the generic modules (gen/modules.h)
 *   stacks/PROJECT/...        the spec's root stack, wiring them:
 *     main.tf       provider (default_tags), schedule group, topics, the
 *                   template bucket and objects, one module per image to
 *                   build or republish, per task, per notification channel
 *     variables.tf  region, tags, log retention, image tool
 *     outputs.tf    topic ARNs, function ARNs, queue URLs, image URIs
 *     versions.tf   Terraform and provider constraints
 *     README.md     what the stack holds and how to apply it
 *     templates/KEY/FILE  each channel's `file:` template, copied (it is
 *                   uploaded to the stack's private bucket)
 * The root stack is written by C, not by a template: every value is quoted
 * by gen/hcl and every .tf file goes through gen/hclfmt. */
#ifndef GEN_STACK_H
#define GEN_STACK_H

#include "cc/buf.h"
#include "cc/diag.h"
#include "spec.h"
#include "tree.h"

/* Adds every file for SPEC to TREE. OUT_DIR is the output folder (it need
 * not exist): build contexts are referenced relative to the stack folder
 * inside it. Returns CC_OK; CC_EINVAL with errors in DIAGS; CC_ENOMEM. */
int gen_stack_build(gen_tree *tree, const gen_spec *spec, const char *out_dir, cc_diags *diags);

/* Appends the stack's README.md (without the do-not-edit line): what the
 * stack holds, generated from SPEC, and how to apply it. */
int gen_stack_readme(cc_buf *out, const gen_spec *spec);

/* The `dispatchers` part of the stack (stack_dispatch.c): a
 * workflow-dispatcher module per dispatcher into main.tf's text, and their
 * outputs (nothing when there are none) after outputs.tf's. */
void gen_stack_dispatchers(cc_buf *b, const gen_spec *s);
void gen_stack_dispatcher_outputs(cc_buf *b, const gen_spec *s);
/* Appends the stack's CloudWatch alarms (gen/stack_alarms.c) when the spec
 * has `alarms:`; nothing otherwise. */
void gen_stack_alarms(cc_buf *b, const gen_spec *spec);

/* The relative path from folder FROM to path TO (both relative to the
 * current directory or absolute; neither need exist), appended to OUT. */
int gen_relpath(cc_buf *out, const char *from, const char *to);

#endif
