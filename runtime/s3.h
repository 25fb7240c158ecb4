/* s3.h: S3 GetObject requests, built and signed (rt_ internal API).
 *
 * Building is separate from sending so tests compare the exact bytes. */
#ifndef RT_S3_H
#define RT_S3_H
#include <stddef.h>

#include "aws.h"

/* A signed GetObject for BUCKET/KEY (KEY raw, not yet percent-encoded).
 * The endpoint is AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, both path
 * style (ENDPOINT/BUCKET/KEY); else AWS's own, virtual-host style
 * (https://BUCKET.s3.REGION.amazonaws.com/KEY) when the bucket is a DNS
 * label without dots, path style otherwise. The request signs Host,
 * X-Amz-Content-SHA256 (of the empty body), X-Amz-Date and, with a session
 * token, X-Amz-Security-Token. amz_date is YYYYMMDDTHHMMSSZ. Returns CC_OK
 * (free with rt_http_req_free), CC_EINVAL for an empty bucket or key or a
 * bad endpoint, CC_ENOMEM. */
int rt_s3_get_req(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                  const char *bucket, const char *key);

/* The <Code> and <Message> of an S3 XML error body, each "" when absent;
 * XML entities in the message are decoded. */
void rt_s3_error(char *code, size_t code_cap, char *msg, size_t msg_cap,
                 const char *body, size_t len);
#endif
