/* Prints a Scheduler request the runtime would send, built and signed,
 * without sending it: the C side of tests/runtime/sched_request.py.
 *   rt_sched_request DATE create|update GROUP NAME DEF_JSON TOKEN|-
 *   rt_sched_request DATE get GROUP NAME
 *   rt_sched_request DATE delete GROUP NAME TOKEN|-
 *   rt_sched_request DATE list GROUP PREFIX|- NEXT|- MAX
 *   rt_sched_request DATE token GROUP NAME DEF_JSON   (the derived ClientToken)
 * Output: the URL, a newline, then the head and body as sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "scheduler.h"

static const char *S_opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

int main(int argc, char **argv) {
  rt_aws_cfg cfg;
  rt_http_req req;
  const char *missing, *op = argc > 2 ? argv[2] : "";
  json_t *def = NULL;
  int rc;
  if (argc < 5) return 2;
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) {
    fprintf(stderr, "missing %s\n", missing);
    return 1;
  }
  if ((!strcmp(op, "create") || !strcmp(op, "update") || !strcmp(op, "token")) && argc >= 6)
    def = json_loads(argv[5], 0, NULL);
  if (!strcmp(op, "token") && argc == 6) {
    char t[65];
    rc = def ? rt_sched_client_token(t, argv[3], argv[4], def) : CC_EINVAL;
    if (rc == CC_OK) printf("%s\n", t);
    json_decref(def);
    return rc == CC_OK ? 0 : 1;
  } else if (!strcmp(op, "create") && argc == 7) {
    rc = rt_sched_create_build(&req, &cfg, argv[1], argv[3], argv[4], def, S_opt(argv[6]));
  } else if (!strcmp(op, "update") && argc == 7) {
    rc = rt_sched_update_build(&req, &cfg, argv[1], argv[3], argv[4], def, S_opt(argv[6]));
  } else if (!strcmp(op, "get") && argc == 5) {
    rc = rt_sched_get_build(&req, &cfg, argv[1], argv[3], argv[4]);
  } else if (!strcmp(op, "delete") && argc == 6) {
    rc = rt_sched_delete_build(&req, &cfg, argv[1], argv[3], argv[4], S_opt(argv[5]));
  } else if (!strcmp(op, "list") && argc == 7) {
    rc = rt_sched_list_build(&req, &cfg, argv[1], argv[3], S_opt(argv[4]), S_opt(argv[5]),
                             atoi(argv[6]));
  } else {
    json_decref(def);
    return 2;
  }
  json_decref(def);
  if (rc != CC_OK) {
    fprintf(stderr, "%s\n", cc_strerror(rc));
    return 1;
  }
  printf("%s\n%s", req.url, req.head);
  fwrite(req.body, 1, req.body_len, stdout);
  rt_http_req_free(&req);
  return 0;
}
