/* Prints the request the runtime would send, built and signed, without
 * sending it: the C side of tests/runtime/aws_request.py, which checks it
 * byte for byte and against botocore's serializer and signer.
 *   rt_aws_request DATE publish TOPIC MESSAGE SUBJECT|- GROUP|- DEDUP|- [NAME TYPE VALUE]...
 *   rt_aws_request DATE secret ID
 *   rt_aws_request DATE parameter NAME
 *   rt_aws_request DATE ddb OPERATION JSON
 * Output: the URL, a newline, then the head and body as sent. */
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "ddb.h"
#include "cc/err.h"

static const char *S_opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

int main(int argc, char **argv) {
  rt_aws_cfg cfg;
  rt_http_req req;
  const char *missing;
  cc_buf why = CC_BUF_INIT;
  int rc;
  if (argc < 4) return 2;
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) {
    fprintf(stderr, "missing %s\n", missing);
    return 1;
  }
  if (strcmp(argv[2], "publish") == 0 && argc >= 8 && (argc - 8) % 3 == 0) {
    rt_msg_attr attrs[16];
    size_t n = 0;
    for (int i = 8; i + 2 < argc && n < 16; i += 3)
      attrs[n++] = (rt_msg_attr){argv[i], argv[i + 1], argv[i + 2]};
    rt_sns_publish_in in = {.topic_arn = argv[3], .message = argv[4],
                            .subject = S_opt(argv[5]), .group_id = S_opt(argv[6]),
                            .dedup_id = S_opt(argv[7]), .attrs = attrs, .n_attrs = n};
    rc = rt_sns_publish_build(&req, &cfg, argv[1], &in, &why);
  } else if (strcmp(argv[2], "secret") == 0 && argc == 4) {
    rc = rt_secret_value_build(&req, &cfg, argv[1], argv[3]);
  } else if (strcmp(argv[2], "parameter") == 0 && argc == 4) {
    rc = rt_ssm_parameter_build(&req, &cfg, argv[1], argv[3]);
  } else if (strcmp(argv[2], "ddb") == 0 && argc == 5) {
    json_t *body = json_loads(argv[4], 0, NULL);
    rc = body ? rt_ddb_build(&req, &cfg, argv[1], argv[3], body) : CC_EINVAL;
    json_decref(body);
  } else {
    return 2;
  }
  if (rc != CC_OK) {
    fprintf(stderr, "%s\n", why.len ? cc_buf_str(&why) : cc_strerror(rc));
    cc_buf_free(&why);
    return 1;
  }
  printf("%s\n%s", req.url, req.head);
  fwrite(req.body, 1, req.body_len, stdout);
  rt_http_req_free(&req);
  cc_buf_free(&why);
  return 0;
}
