/* aws.h: AWS query-protocol requests, built and signed (rt_ internal API).
 *
 * Building is separate from sending so tests compare the exact bytes. */
#ifndef RT_AWS_H
#define RT_AWS_H
#include <stddef.h>

typedef struct rt_aws_cfg {
  const char *access_key; /* AWS_ACCESS_KEY_ID */
  const char *secret_key; /* AWS_SECRET_ACCESS_KEY */
  const char *token;      /* AWS_SESSION_TOKEN, NULL when absent */
  const char *region;     /* AWS_REGION */
} rt_aws_cfg;

/* Reads the standard variables (borrowed from the environment). Returns
 * CC_EINVAL, with *missing naming the first variable absent, or CC_OK. */
int rt_aws_cfg_from_env(rt_aws_cfg *out, const char **missing);

/* A request ready to send; every string is owned (rt_http_req_free). */
typedef struct rt_http_req {
  char *url;
  char *head; /* "POST / HTTP/1.1\r\nHost: ...\r\n...\r\n\r\n" */
  char *body;
  size_t body_len;
} rt_http_req;

/* SNS Publish. group_id, dedup_id and subject may be NULL. The endpoint is
 * AWS_ENDPOINT_URL_SNS, else AWS_ENDPOINT_URL, else
 * https://sns.REGION.amazonaws.com. amz_date is YYYYMMDDTHHMMSSZ. */
int rt_sns_publish_req(rt_http_req *out, const rt_aws_cfg *cfg,
                       const char *amz_date, const char *topic_arn,
                       const char *message, const char *subject,
                       const char *group_id, const char *dedup_id);
void rt_http_req_free(rt_http_req *r);
#endif
