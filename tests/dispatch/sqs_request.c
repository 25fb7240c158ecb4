/* sqs_request: prints the SendMessageBatch request the runtime builds, for
 * sqs_request.py to compare with botocore. Usage: sqs_request AMZ_DATE
 * QUEUE_URL [BODY GROUP DEDUP]... ("-" for no group or dedup id). Prints
 * the URL, a newline, then head and body as sent; exit 1 with the reason
 * on a refused request. */
#include <stdio.h>
#include <string.h>

#include "aws.h"
#include "cc/err.h"
#include "sqs.h"

static const char *S_opt(const char *s) { return strcmp(s, "-") == 0 ? NULL : s; }

int main(int argc, char **argv) {
  rt_aws_cfg cfg;
  rt_http_req req;
  rt_sqs_entry e[16];
  const char *missing;
  cc_buf why = CC_BUF_INIT;
  size_t n = 0;
  if (argc < 3 || (argc - 3) % 3 != 0 || (argc - 3) / 3 > 16) {
    fputs("usage: sqs_request AMZ_DATE QUEUE_URL [BODY GROUP DEDUP]...\n", stderr);
    return 2;
  }
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) {
    fprintf(stderr, "%s is not set\n", missing);
    return 2;
  }
  for (int i = 3; i + 2 < argc; i += 3)
    e[n++] = (rt_sqs_entry){argv[i], S_opt(argv[i + 1]), S_opt(argv[i + 2])};
  int rc = rt_sqs_send_batch_build(&req, &cfg, argv[1], S_opt(argv[2]), e, n, &why);
  if (rc != CC_OK) {
    fprintf(stderr, "refused: %s\n", why.len ? cc_buf_str(&why) : cc_strerror(rc));
    cc_buf_free(&why);
    return 1;
  }
  printf("%s\n%s", req.url, req.head);
  fwrite(req.body, 1, req.body_len, stdout);
  rt_http_req_free(&req);
  cc_buf_free(&why);
  return 0;
}
