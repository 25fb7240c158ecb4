/* A test bootstrap on the real Runtime API loop: SQS batches get a partial
 * batch response naming the malformed records; other events answer
 * {"kind": ...}. Driven by tests/runtime/runtime_api.py. */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cc/err.h"
#include "lambda.h"

static int S_handle(json_t **response, const char **emsg, const char **etype,
                    const rt_event *ev, const rt_invocation *inv, void *user) {
  (void)user;
  (void)inv;
  (void)emsg;
  (void)etype;
  if (ev->kind != RT_EVENT_SQS) {
    *response = json_pack("{s:s}", "kind",
                          ev->kind == RT_EVENT_SCHEDULED ? "scheduled" : "scheduler");
    return *response ? CC_OK : CC_ENOMEM;
  }
  unsigned char *failed = calloc(ev->n_records ? ev->n_records : 1, 1);
  if (!failed) return CC_ENOMEM;
  for (size_t i = 0; i < ev->n_records; i++) failed[i] = ev->records[i].error != NULL;
  *response = rt_batch_response(ev, failed);
  free(failed);
  return *response ? CC_OK : CC_ENOMEM;
}

int main(void) {
  int rc = rt_lambda_run(S_handle, NULL);
  /* the harness ends the conversation with a 500 on next */
  return rc == CC_EREMOTE ? 0 : 1;
}
