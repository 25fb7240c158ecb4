/* libFuzzer target: the schedule parser, the zone loader and the evaluator.
 * Input: 1 byte picking a zone, 8 bytes of start instant, the expression. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/schedule.h"
#include "cc/tz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const S_zones[] = {"UTC", "Europe/Rome", "America/New_York", "Australia/Lord_Howe",
                                      "Africa/Cairo", "Pacific/Chatham", "America/Sao_Paulo", "Asia/Tehran"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 9) return 0;
  const char *zone = S_zones[data[0] % (sizeof S_zones / sizeof S_zones[0])];
  int64_t start = 0;
  memcpy(&start, data + 1, 8);
  start %= (int64_t)8000000000; /* about 1716 to 2223 */
  char *expr = malloc(size - 9 + 1);
  if (!expr) return 0;
  memcpy(expr, data + 9, size - 9);
  expr[size - 9] = '\0';
  cc_sched *s = NULL;
  cc_tz *tz = NULL;
  cc_sched_err err;
  if (cc_sched_parse(&s, expr, &err) == 0 && cc_tz_load(&tz, zone) == 0) {
    int64_t t = start;
    for (int i = 0; i < 3 && cc_sched_next(s, tz, t, &t) == 0; i++) {
    }
  }
  cc_sched_free(s);
  cc_tz_free(tz);
  cc_tz *other = NULL;
  cc_tz_load(&other, expr); /* the expression as a zone name, too */
  cc_tz_free(other);
  free(expr);
  return 0;
}
