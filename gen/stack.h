/* gen/stack.h: what `cloudcron generate` writes for a spec.
 *
 *   modules/NAME/...          the generic modules (gen/modules.h)
 *   stacks/PROJECT/...        the spec's root stack, wiring them, rendered
 *                             from the templates of templates/stack/:
 *     main.tf       provider (default_tags), schedule group, topics, the
 *                   template bucket and objects, one module per image to
 *                   build or republish, per task, per notification channel,
 *                   schedule group, reconciler and dispatcher, the alarms
 *                   (main.tf includes the parts in templates/stack/parts/)
 *     variables.tf  region, tags, aws_endpoint_url, log retention, image tools
 *     outputs.tf    topic ARNs, function ARNs, queue URLs, image URIs
 *     versions.tf   Terraform and provider constraints
 *     README.md     what the stack holds and how to apply it
 *     templates/KEY/FILE  each channel's `file:` template, copied (it is
 *                   uploaded to the stack's private bucket)
 * Every file directly in templates/stack/ becomes the file of that name.
 * They are templates of the project's engine (cc/template.h; autoescape
 * off, strict) rendered with the context of gen/stack_ctx.h, where every
 * derived name is computed, and the generator's filters (gen/tpl_filters.h:
 * HCL quoting, keys, JSON to HCL, Markdown cells); .tf files then go
 * through gen/hclfmt. No Terraform is written from C strings. */
#ifndef GEN_STACK_H
#define GEN_STACK_H

#include "cc/diag.h"
#include "spec.h"
#include "tree.h"

/* Adds every file for SPEC to TREE: the modules (gen_modules_build), then
 * the stack. OUT_DIR is the output folder (it need not exist): build
 * contexts are referenced relative to the stack folder inside it. Returns
 * CC_OK; CC_EINVAL with errors in DIAGS (a module the spec needs is not in
 * this build, a template error); CC_EIO (the output folder's path cannot be
 * resolved, reported in DIAGS); CC_ENOMEM. */
int gen_stack_build(gen_tree *tree, const gen_spec *spec, const char *out_dir, cc_diags *diags);

#endif
