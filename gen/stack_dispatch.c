/* stack_dispatch.c: the root stack's part for `dispatchers`: one
 * workflow-dispatcher module each, and their outputs (stack.h). */
#include <stdio.h>

#include "hcl.h"
#include "stack.h"

static void S_str(cc_buf *b, const char *key, const char *value) {
  cc_buf_emitf(b, "%s = ", key);
  gen_hcl_str(b, value);
  cc_buf_emitc(b, '\n');
}

static void S_list(cc_buf *b, const char *key, const gen_strs *list) {
  cc_buf_emitf(b, "%s = [", key);
  for (size_t i = 0; i < list->n; i++) {
    if (i) cc_buf_emit(b, ", ");
    gen_hcl_str(b, list->items[i]);
  }
  cc_buf_emit(b, "]\n");
}

static void S_ident(cc_buf *b, const gen_dispatcher *d) { gen_hcl_ident(b, "dispatch_", d->key); }

void gen_stack_dispatchers(cc_buf *b, const gen_spec *s) {
  for (size_t i = 0; i < s->ndispatchers; i++) {
    const gen_dispatcher *d = &s->dispatchers[i];
    cc_buf_emit(b, "module \"");
    S_ident(b, d);
    cc_buf_emit(b, "\" {\nsource = \"../../modules/workflow-dispatcher\"\n\n");
    S_str(b, "function_name", d->function_name);
    S_str(b, "role_name", d->role_name);
    S_str(b, "scheduler_role_name", d->scheduler_role_name);
    S_str(b, "schedule_name", d->function_name);
    cc_buf_emit(b, "schedule_group_name = aws_scheduler_schedule_group.this.name\n");
    S_str(b, "schedule_expression", d->schedule);
    cc_buf_emitf(b, "enabled = %s\n", d->enabled ? "true" : "false");
    cc_buf_emit(b, "image_uri = local.image_uris[");
    gen_hcl_str(b, d->image);
    cc_buf_emit(b, "]\n");
    S_str(b, "architecture", d->image_ref ? d->image_ref->architecture : "x86_64");
    cc_buf_emitf(b, "timeout = %d\nmemory_size = %d\n", d->timeout, d->memory);
    cc_buf_emit(b, "log_retention_days = var.log_retention_days\n");
    S_list(b, "subnet_ids", &d->subnets);
    S_list(b, "security_group_ids", &d->security_groups);
    S_str(b, "db_secret_arn", d->database_secret);
    S_str(b, "db_sslmode", d->sslmode);
    cc_buf_emitf(b, "batch_size = %d\n", d->batch);
    if (d->queue_arn) {
      S_str(b, "queue_arn", d->queue_arn);
    } else {
      S_str(b, "queue_name", d->queue_name);
      S_str(b, "dead_letter_queue_name", d->dlq_name);
      cc_buf_emitf(b, "fifo = %s\n", d->fifo ? "true" : "false");
    }
    cc_buf_emit(b, "}\n\n");
  }
}

void gen_stack_dispatcher_outputs(cc_buf *b, const gen_spec *s) {
  static const char *const what[][3] = {
      {"dispatcher_function_arns", "ARN of every dispatcher's Lambda function, by key.", "function_arn"},
      {"dispatcher_queue_urls", "URL of every dispatcher's requests queue, by key: the workers read them.",
       "queue_url"},
  };
  if (!s->ndispatchers) return;
  for (size_t w = 0; w < 2; w++) {
    cc_buf_emitf(b, "\noutput \"%s\" {\ndescription = \"%s\"\nvalue = {\n", what[w][0], what[w][1]);
    for (size_t i = 0; i < s->ndispatchers; i++) {
      gen_hcl_key(b, s->dispatchers[i].key);
      cc_buf_emit(b, " = module.");
      S_ident(b, &s->dispatchers[i]);
      cc_buf_emitf(b, ".%s\n", what[w][2]);
    }
    cc_buf_emit(b, "}\n}\n");
  }
}
