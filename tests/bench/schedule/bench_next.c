/* The evaluator's loop alone, as croniter_peer.py times croniter's: N
 * successive fire times of EXPR in ZONE from 2025 (starting over when the
 * years run out); prints computations per second. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cc/schedule.h"
#include "cc/tz.h"

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  cc_sched *s = NULL;
  cc_tz *tz = NULL;
  cc_sched_err err;
  if (cc_sched_parse(&s, argv[1], &err) || cc_tz_load(&tz, argv[2])) return 1;
  long n = strtol(argv[3], NULL, 10);
  int64_t t = 1735689600; /* 2025-01-01T00:00:00Z */
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (long i = 0; i < n; i++)
    if (cc_sched_next(s, tz, t, &t)) t = 1735689600; /* past 2199: start over */
  clock_gettime(CLOCK_MONOTONIC, &b);
  double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%.0f\n", (double)n / secs);
  cc_sched_free(s);
  cc_tz_free(tz);
  return 0;
}
