/* clock.c: now, sleep and the two UTC formats the runtime writes. */
#include "clock.h"

#include <stdio.h>
#include <time.h>

long long rt_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rt_sleep_ms(long ms) {
  if (ms <= 0) return;
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

void rt_aws_date_now(char out[17]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void rt_utc_stamp(char out[25]) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 25, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 25 - n, ".%03ldZ", (ts.tv_nsec / 1000000) % 1000);
}
