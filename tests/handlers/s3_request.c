/* Prints the S3 GetObject request the runtime would send for argv
 * (BUCKET KEY AMZ_DATE), or with argv "error", the code and message of the
 * S3 error body on stdin: the C side of tests/handlers/s3_request.py. */
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "cc/err.h"
#include "s3.h"

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "error") == 0) {
    char body[65536], code[128], msg[256];
    size_t n = fread(body, 1, sizeof body, stdin);
    rt_s3_error(code, sizeof code, msg, sizeof msg, body, n);
    printf("%s\n%s\n", code, msg);
    return 0;
  }
  rt_aws_cfg cfg;
  rt_http_req req;
  const char *missing;
  if (argc != 4) return 2;
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) {
    fprintf(stderr, "missing %s\n", missing);
    return 1;
  }
  int rc = rt_s3_get_req(&req, &cfg, argv[3], argv[1], argv[2]);
  if (rc != CC_OK) {
    fprintf(stderr, "%s\n", cc_strerror(rc));
    return 1;
  }
  printf("%s\n%s", req.url, req.head);
  rt_http_req_free(&req);
  return 0;
}
