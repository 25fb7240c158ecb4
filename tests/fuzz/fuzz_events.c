/* Fuzz target: event parsing, notification checks and the batch response
 * must not crash or leak on any input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt_event ev;
  const char *why;
  if (rt_event_parse(&ev, &why, (const char *)data, size) != CC_OK) return 0;
  if (ev.n_records > 0) {
    unsigned char *failed = calloc(ev.n_records, 1);
    if (failed) {
      for (size_t i = 0; i < ev.n_records; i++)
        failed[i] = ev.records[i].error != NULL || (size > 0 && (data[i % size] & 1));
      json_decref(rt_batch_response(&ev, failed));
      free(failed);
    }
  }
  rt_event_free(&ev);
  return 0;
}
