/* aws.h: AWS requests, built and signed (rt_ internal API).
 *
 * Building is separate from sending so tests compare the exact bytes. The
 * calls themselves (build, send, read the answer) are in calls.h (SNS,
 * Secrets Manager, SSM, SES, Twilio), ddb.h, sqs.h and scheduler.h; the
 * sending in http.h. */
#ifndef RT_AWS_H
#define RT_AWS_H
#include <stddef.h>

#include "cc/buf.h"

typedef struct rt_aws_cfg {
  const char *access_key; /* AWS_ACCESS_KEY_ID */
  const char *secret_key; /* AWS_SECRET_ACCESS_KEY */
  const char *token;      /* AWS_SESSION_TOKEN, NULL when absent */
  const char *region;     /* AWS_REGION */
} rt_aws_cfg;

/* Reads the standard variables (borrowed from the environment). Returns
 * CC_EINVAL, with *missing naming the first variable absent, or CC_OK. */
int rt_aws_cfg_from_env(rt_aws_cfg *out, const char **missing);

/* A request ready to send (http.h); every string is owned
 * (rt_http_req_free). The limits, zero in what the builders here make,
 * are the AWS calls' own: a 64 MiB answer, no redirect, http:// and
 * https:// (a local endpoint may be http). */
typedef struct rt_http_req {
  char *url;
  char *head; /* "POST / HTTP/1.1\r\nHost: ...\r\n...\r\n\r\n": the method
                 from the request line, every later line a header */
  char *body;
  size_t body_len;
  size_t max_bytes;  /* cap on the answer's body; 0: RT_HTTP_MAX_BYTES */
  int max_redirects; /* redirects followed; 0: none (a 3xx is the answer) */
  int https_only;    /* refuse http:// (and redirects to it) */
} rt_http_req;
void rt_http_req_free(rt_http_req *r);

/* An unsigned GET of url (a template, a config file): no header of ours.
 * CC_OK or CC_ENOMEM; the limits are zero (set them after). */
int rt_http_get_req(rt_http_req *out, const char *url);

/* Appends a service's base URL to url, without a trailing slash, and
 * copies its host[:port] into host. The URL is AWS_ENDPOINT_URL_<ENV_ID>
 * (the AWS SDKs' service id: SNS, SECRETS_MANAGER, SSM, S3, SESV2, DYNAMODB), else
 * AWS_ENDPOINT_URL, else https://HOST_PREFIX.REGION.amazonaws.com.
 * CC_EINVAL for a URL without "scheme://host". */
int rt_aws_endpoint(cc_buf *url, char *host, size_t hcap, const char *env_id,
                    const char *host_prefix, const char *region);

/* A request to sign: the endpoint comes from env_id/host_prefix as in
 * rt_aws_endpoint; a path in the endpoint URL (plain characters) prefixes
 * path, in the URL and in what is signed. Headers, in this order: Content-Type (when given),
 * Content-Length (unless a GET without body), Host, X-Amz-Content-Sha256
 * (when content_sha256), X-Amz-Date, X-Amz-Security-Token (with a session
 * token), X-Amz-Target (when given); all signed, then Authorization. */
typedef struct rt_aws_build_in {
  const char *method;       /* "GET", "POST" */
  const char *path;         /* raw, starting with '/'; percent-encoded in the URL */
  const char *query;        /* canonical "a=1&b=2" already encoded, or NULL */
  const char *service;      /* signing name: "sns", "secretsmanager", "ssm", "s3" */
  const char *env_id;
  const char *host_prefix;
  const char *content_type; /* NULL: no Content-Type */
  const char *target;       /* X-Amz-Target, NULL: none */
  const char *body;         /* may be NULL when body_len is 0 */
  size_t body_len;
  int content_sha256;       /* add X-Amz-Content-Sha256 (S3) */
  int normalize_path;       /* 1 for every service but S3 */
} rt_aws_build_in;

/* Builds and signs. amz_date is YYYYMMDDTHHMMSSZ. CC_OK, CC_EINVAL (bad
 * endpoint or field), CC_ENOMEM; nothing to free on error. */
int rt_aws_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                 const rt_aws_build_in *in);

/* Appends "&key=value" ("key=value" into an empty buffer), the value
 * form-encoded as the AWS SDKs write it (unreserved bytes kept). */
int rt_form_add(cc_buf *b, const char *key, const char *value);

/* One SNS message attribute: type is "String", "Number" or "String.Array"
 * (or a custom "Number.suffix" / "String.suffix"). */
typedef struct rt_msg_attr {
  const char *name;
  const char *type;
  const char *value;
} rt_msg_attr;

typedef struct rt_sns_publish_in {
  const char *topic_arn;
  const char *message;
  const char *subject;  /* NULL: none */
  const char *group_id; /* FIFO MessageGroupId, NULL: none */
  const char *dedup_id; /* FIFO MessageDeduplicationId, NULL: none */
  const rt_msg_attr *attrs; /* MessageAttributes.entry.N.*, in this order */
  size_t n_attrs;
} rt_sns_publish_in;

/* SNS Publish (query protocol, form body). CC_EINVAL, with the reason
 * in err (may be NULL), for a missing topic or message, more than 10
 * attributes, an attribute without name, an unknown type or a Number that
 * is not a number. */
int rt_sns_publish_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                         const rt_sns_publish_in *in, cc_buf *err);

/* SNS Publish without attributes (the first API; kept). */
int rt_sns_publish_req(rt_http_req *out, const rt_aws_cfg *cfg,
                       const char *amz_date, const char *topic_arn,
                       const char *message, const char *subject,
                       const char *group_id, const char *dedup_id);

/* Secrets Manager GetSecretValue (JSON 1.1): {"SecretId": secret_id}, an
 * ARN or a name. */
int rt_secret_value_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *secret_id);
/* SSM GetParameter (JSON 1.1): {"Name": name, "WithDecryption": true}. */
int rt_ssm_parameter_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                           const char *name);
#endif
