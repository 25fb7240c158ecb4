/* Prints the SNS Publish request the runtime would send for argv
 * (TOPIC MESSAGE SUBJECT|- GROUP|- DEDUP|- AMZ_DATE): the C side of
 * tests/runtime/sns_request.py, which checks it byte for byte and against
 * botocore's signer. */
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "cc/err.h"

static const char *S_opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

int main(int argc, char **argv) {
  rt_aws_cfg cfg;
  rt_http_req req;
  const char *missing;
  if (argc != 7) return 2;
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) {
    fprintf(stderr, "missing %s\n", missing);
    return 1;
  }
  int rc = rt_sns_publish_req(&req, &cfg, argv[6], argv[1], argv[2], S_opt(argv[3]),
                              S_opt(argv[4]), S_opt(argv[5]));
  if (rc != CC_OK) {
    fprintf(stderr, "%s\n", cc_strerror(rc));
    return 1;
  }
  printf("%s\n%s%s", req.url, req.head, req.body);
  rt_http_req_free(&req);
  return 0;
}
