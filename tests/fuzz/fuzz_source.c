/* Fuzz target: template URLs (rt_url_parse), the S3 GetObject request
 * built from a parsed s3:// URL (key encoding, endpoint), and S3 XML error
 * bodies (rt_s3_error) must not crash, leak, or point outside their input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/s3.h"
#include "../../runtime/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char code[128], msg[256];
  rt_s3_error(code, sizeof code, msg, sizeof msg, (const char *)data, size);
  if (strlen(code) >= sizeof code || strlen(msg) >= sizeof msg) abort();

  char *url = malloc(size + 1);
  if (!url) return 0;
  memcpy(url, data, size);
  url[size] = '\0';
  size_t n = strlen(url);
  rt_url u;
  cc_buf why = CC_BUF_INIT;
  if (rt_url_parse(&u, &why, url) == CC_OK) {
    if (u.name < url || u.name + u.name_len > url + n) abort();
    if (u.kind == RT_URL_S3) {
      if (u.bucket < url || u.bucket + u.bucket_len > url + n || !u.bucket_len || !*u.key) abort();
      char *bucket = strndup(u.bucket, u.bucket_len);
      rt_aws_cfg cfg = {"AKIDEXAMPLE", "secret", (size & 1) ? "token" : NULL, "us-east-1"};
      rt_http_req req;
      if (bucket && rt_s3_get_req(&req, &cfg, "20261122T120000Z", bucket, u.key) == CC_OK) {
        if (strncmp(req.head, "GET /", 5) != 0) abort();
        rt_http_req_free(&req);
      }
      free(bucket);
    }
  } else if (!why.len) {
    abort();
  }
  free(url);
  cc_buf_free(&why);
  return 0;
}
