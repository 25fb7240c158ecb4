/* Sends one SNS Publish to AWS_ENDPOINT_URL with a short retry policy and
 * prints "rc=NAME status=N code=C attempts=N": the C side of
 * tests/runtime/faults.py. */
#include <stdio.h>
#include <string.h>


#include "dl.h"
#include "aws.h"
#include "cc/err.h"
#include "http.h"

int main(void) {
  rt_aws_cfg cfg;
  rt_http_req req;
  rt_http_resp resp;
  rt_retry policy = {.max_attempts = 3, .base_ms = 10, .cap_ms = 50,
                     .connect_timeout_ms = 1000, .total_timeout_ms = 700};
  const char *missing;
  if (rt_aws_cfg_from_env(&cfg, &missing) != CC_OK) return 2;
  if (rt_sns_publish_req(&req, &cfg, "20261122T120000Z", "arn:aws:sns:us-east-1:1:t",
                         "{\"subject\":\"s\"}", NULL, NULL, NULL) != CC_OK)
    return 2;
  int rc = rt_http_send(&resp, &req, &policy);
  printf("rc=%s status=%ld code=%s attempts=%d\n",
         rc == CC_OK ? "ok" : rc == CC_EREMOTE ? "remote" : rc == CC_ENET ? "net"
                              : rc == CC_ETIMEOUT ? "timeout" : "other",
         resp.status, resp.code, resp.attempts);
  cc_buf_free(&resp.body);
  rt_http_req_free(&req);
  rt_curl_cleanup();
  return rc == CC_OK ? 0 : 1;
}
