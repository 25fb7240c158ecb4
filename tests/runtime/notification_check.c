/* The C side of the message contract's tests (tests/runtime/schema_diff.py,
 * tests/contract/notification_cases.json). Reads one JSON document per
 * line on stdin and prints one line per document:
 *   (no argument)  "ok" or "error: WHY": rt_notification_check's verdict
 *                  on the document as a channel would read it;
 *   --build        the body cloudcron_message_ex builds from the document's
 *                  "subject", "vars", "to" and "dedup_id" (the task SDK's
 *                  publish), or "error: WHY". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cloudcron.h"
#include "event.h"

static void S_build(const json_t *args) {
  const char *to[16] = {0}, *why = NULL;
  char *body = NULL;
  json_t *t = json_object_get(args, "to"), *v;
  size_t i;
  json_array_foreach(t, i, v) {
    if (i < 15) to[i] = json_string_value(v);
  }
  int rc = cloudcron_message_ex(&body, &why, json_string_value(json_object_get(args, "subject")),
                                json_object_get(args, "vars"), t ? to : NULL,
                                json_string_value(json_object_get(args, "dedup_id")));
  if (rc == CC_OK)
    printf("%s\n", body);
  else
    printf("error: %s\n", why ? why : cc_strerror(rc));
  free(body);
}

int main(int argc, char **argv) {
  static char line[1 << 20];
  int build = argc > 1 && strcmp(argv[1], "--build") == 0;
  while (fgets(line, sizeof line, stdin)) {
    json_t *j = json_loads(line, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!j) {
      printf("error: not JSON\n");
    } else if (build) {
      S_build(j);
    } else {
      const char *err = rt_notification_check(j);
      if (err)
        printf("error: %s\n", err);
      else
        printf("ok\n");
    }
    json_decref(j);
  }
  return 0;
}
