/* calls.h: the AWS calls the runtime makes (rt_ internal API): each builds
 * and signs its request (aws.h), sends it through the client's transport
 * with retries (http.h) and reads the answer.
 *
 * On failure every call returns a CC_* code and sets err (cc_buf_seterr:
 * the caller's buffer, NULL when the text is not wanted) to one line
 * "SERVICE Operation: what happened", with the HTTP status, AWS error code
 * and message, or why no answer came, and the number of attempts. Secret
 * values never appear in it. */
#ifndef RT_CALLS_H
#define RT_CALLS_H
#include <stddef.h>

#include "aws.h"
#include "http.h"
#include "ses.h"
#include "twilio.h"

typedef struct rt_aws_client {
  rt_aws_cfg cfg;
  rt_retry retry;
  const rt_transport *transport; /* borrowed; NULL: a libcurl handle per call */
  const char *fixed_date;        /* X-Amz-Date for tests; NULL: the clock */
  int maybe_sent;                /* the last call's rt_http_resp.maybe_sent */
} rt_aws_client;

/* Credentials and region from the environment, else the shared config and
 * credentials files (aws_profile.h: AWS_DEFAULT_REGION, AWS_PROFILE,
 * credential_process), the default retry policy, no transport. CC_EINVAL
 * saying what is missing in err. */
int rt_aws_client_from_env(rt_aws_client *c, cc_buf *err);

/* SNS Publish; the MessageId of the answer into message_id (idcap bytes;
 * may be NULL). CC_EINVAL for a request that cannot be built. */
int rt_sns_publish(rt_aws_client *c, const rt_sns_publish_in *in, char *message_id,
                   size_t idcap, cc_buf *err);

/* Secrets Manager GetSecretValue: *value gets the SecretString (malloc'd;
 * the caller wipes and frees it). A secret with only SecretBinary is
 * CC_EINVAL. */
int rt_get_secret_value(rt_aws_client *c, const char *secret_id, char **value, cc_buf *err);

/* SSM GetParameter with decryption: *value gets Parameter.Value (malloc'd;
 * the caller wipes and frees it). */
int rt_get_parameter(rt_aws_client *c, const char *name, char **value, cc_buf *err);

/* SES v2 SendEmail (ses.h); SES's MessageId into message_id (idcap bytes).
 * CC_EINVAL for a request that cannot be built; CC_EREMOTE for a refusal
 * (MessageRejected, ...) or an answer without a MessageId. */
int rt_ses_send_email(rt_aws_client *c, const rt_ses_email_in *in, char *message_id,
                      size_t idcap, cc_buf *err);

/* One SMS through Twilio (twilio.h) with the client's retry policy and
 * transport (429 and 5xx retried; the AWS credentials are not used). On
 * success ans->sid is the message's sid. CC_EREMOTE for a refusal, with
 * err reading "twilio Messages: HTTP 400, Twilio error 21211: MESSAGE
 * (MORE_INFO) (1 attempt)"; the credentials never appear in err. */
int rt_twilio_send(rt_aws_client *c, const rt_twilio_sms_in *in, rt_twilio_answer *ans,
                   cc_buf *err);
#endif
