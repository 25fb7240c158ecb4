/* One AWS call through the real client (libcurl, retries), for the moto
 * tests (tests/runtime/moto_calls.py):
 *   rt_aws_tool publish TOPIC MESSAGE SUBJECT|- GROUP|- DEDUP|- [NAME TYPE VALUE]...
 *   rt_aws_tool secret ID
 *   rt_aws_tool parameter NAME
 * Prints the MessageId or the value on stdout; on failure the error line on
 * stderr and exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


#include "dl.h"
#include "calls.h"
#include "cc/err.h"

static const char *S_opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

int main(int argc, char **argv) {
  rt_aws_client c;
  char id[128];
  cc_buf err = CC_BUF_INIT;
  char *value = NULL;
  int rc;
  if (argc < 3) return 2;
  if (rt_aws_client_from_env(&c, &err) != CC_OK) {
    fprintf(stderr, "%s\n", cc_buf_str(&err));
    cc_buf_free(&err);
    return 1;
  }
  c.retry.max_attempts = 2;
  if (strcmp(argv[1], "publish") == 0 && argc >= 7 && (argc - 7) % 3 == 0) {
    rt_msg_attr attrs[16];
    size_t n = 0;
    for (int i = 7; i + 2 < argc && n < 16; i += 3)
      attrs[n++] = (rt_msg_attr){argv[i], argv[i + 1], argv[i + 2]};
    rt_sns_publish_in in = {.topic_arn = argv[2], .message = argv[3],
                            .subject = S_opt(argv[4]), .group_id = S_opt(argv[5]),
                            .dedup_id = S_opt(argv[6]), .attrs = attrs, .n_attrs = n};
    rc = rt_sns_publish(&c, &in, id, sizeof id, &err);
    if (rc == CC_OK) printf("%s\n", id);
  } else if (strcmp(argv[1], "secret") == 0 && argc == 3) {
    rc = rt_get_secret_value(&c, argv[2], &value, &err);
  } else if (strcmp(argv[1], "parameter") == 0 && argc == 3) {
    rc = rt_get_parameter(&c, argv[2], &value, &err);
  } else {
    rt_curl_cleanup();
    return 2;
  }
  if (value) printf("%s\n", value);
  free(value);
  if (rc != CC_OK) fprintf(stderr, "%s\n", cc_buf_str(&err));
  rt_curl_cleanup();
  cc_buf_free(&err);
  return rc == CC_OK ? 0 : 1;
}
