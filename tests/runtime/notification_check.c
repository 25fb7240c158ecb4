/* Reads one JSON document per line on stdin and prints "ok" or "error:
 * WHY" per line: the C side of the notification schema's differential
 * test (tests/runtime/schema_diff.py). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "event.h"

int main(void) {
  char line[65536];
  while (fgets(line, sizeof line, stdin)) {
    json_t *j = json_loads(line, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    const char *err = j ? rt_notification_check(j) : "not JSON";
    if (err)
      printf("error: %s\n", err);
    else
      printf("ok\n");
    json_decref(j);
  }
  return 0;
}
