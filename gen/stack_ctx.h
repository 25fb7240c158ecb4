/* gen/stack_ctx.h: the rendering context of the root stack's templates
 * (templates/stack/), built once from the checked spec model.
 *
 * Every name the stack derives is computed here and nowhere else: the
 * Terraform identifiers of modules and resources (task_KEY, notify_KEY,
 * image_KEY, group_KEY, ...), the SQS queue names with and without the
 * `.fifo` a FIFO queue's AWS name ends in (the modules add it themselves),
 * the build contexts relative to the stack folder, each image's kind
 * ("build", "republish", "uri") and the platform a republished image is
 * copied for, the retry limits Lambda allows, the task environment a
 * schedule group's creators read, every CloudWatch alarm with its period
 * (gen/stack_ctx_alarms.c) and the README's plain-English schedules. The
 * templates only lay these values out; the shape of the context is
 * documented in templates/stack/README (the folder's notes). */
#ifndef GEN_STACK_CTX_H
#define GEN_STACK_CTX_H

#include <jansson.h>

#include "spec.h"

/* Builds the context for SPEC into *OUT (a new JSON object the caller
 * decrefs). OUT_DIR is the output folder: build contexts are referenced
 * relative to OUT_DIR/stacks/PROJECT. Whether a channel is wired (its
 * module is in this build) is asked of gen/modules.h. Returns CC_OK;
 * CC_EIO when a relative path cannot be resolved (the current directory is
 * unreadable); CC_ENOMEM. *OUT is NULL on an error. */
int gen_stack_context(json_t **out, const gen_spec *spec, const char *out_dir);

/* The alarms part (gen/stack_ctx_alarms.c): appends to LIST one object per
 * CloudWatch alarm of SPEC (nothing without `alarms:`). Returns CC_OK or
 * CC_ENOMEM. */
int gen_stack_ctx_alarms(json_t *list, const gen_spec *spec);

/* The period of a rate(N unit) expression in seconds, 0 for any other. */
long gen_rate_seconds(const char *expr);

/* The name of the module of a notification channel ("email-notification",
 * "sms-notification", "print-notification"). */
const char *gen_channel_module(gen_channel channel);

#endif
