/* libFuzzer target: the schedule-expression parser and the zone loader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/schedule.h"
#include "cc/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *expr = malloc(size + 1);
  if (!expr) return 0;
  memcpy(expr, data, size);
  expr[size] = '\0';
  cc_sched *s = NULL;
  cc_sched_err err;
  if (cc_sched_parse(&s, expr, &err) == 0) (void)cc_sched_kind_of(s);
  cc_sched_free(s);
  cc_tz *tz = NULL;
  cc_tz_load(&tz, expr);
  cc_tz_free(tz);
  free(expr);
  return 0;
}
