/* sqs.h: SQS SendMessageBatch (rt_ internal API), in the AWS JSON 1.0
 * protocol the AWS SDKs speak to SQS (X-Amz-Target
 * AmazonSQS.SendMessageBatch), built separately from sending as the other
 * calls are (aws.h), and sent with the client's retries (calls.h): a whole
 * call that fails with a network error, 5xx or throttling is retried there;
 * entries SQS lists as Failed are reported per entry for the caller to
 * retry. */
#ifndef RT_SQS_H
#define RT_SQS_H
#include <stddef.h>

#include "calls.h"

#define RT_SQS_BATCH_MAX 10 /* SQS's limit of entries per SendMessageBatch */

/* One message; every string borrowed. */
typedef struct rt_sqs_entry {
  const char *body;
  const char *group_id; /* FIFO MessageGroupId, NULL: none */
  const char *dedup_id; /* FIFO MessageDeduplicationId, NULL: none */
} rt_sqs_entry;

/* What became of one entry. */
typedef struct rt_sqs_result {
  int ok;            /* SQS accepted it */
  int sender_fault;  /* a Failed entry that SQS says retrying cannot mend */
  char code[128];    /* the Failed entry's Code, or the call's error */
  char message[256]; /* its Message; "" when none */
} rt_sqs_result;

/* Builds SendMessageBatch for n entries (1 to RT_SQS_BATCH_MAX), whose Ids
 * are their indexes "0".."9". CC_EINVAL, with the reason in err
 * (err may be NULL), for a missing queue URL or body, or a count out of
 * range. */
int rt_sqs_send_batch_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                            const char *queue_url, const rt_sqs_entry *e, size_t n,
                            cc_buf *err);

/* Reads a SendMessageBatch answer into res[0..n-1] (zeroed first): each
 * Successful Id is ok, each Failed Id gets its code, message and fault.
 * Entries the answer does not mention stay not ok, with code
 * "MissingFromAnswer". CC_EREMOTE when the body is not such an answer. */
int rt_sqs_send_batch_parse(rt_sqs_result *res, size_t n, const char *body, size_t len);

/* Sends n entries in one call. CC_OK when an answer came (look at res for
 * each entry); otherwise the call's code, err says why (calls.h's
 * form) and every res gets the error's code. */
int rt_sqs_send_batch(rt_aws_client *c, const char *queue_url, const rt_sqs_entry *e, size_t n,
                      rt_sqs_result *res, cc_buf *err);
#endif
