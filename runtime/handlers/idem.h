/* idem.h: idempotency records for channel deliveries (rt_idem_ internal
 * API), the pattern of AWS Lambda Powertools' idempotency utility, in a
 * DynamoDB table (CLOUDCRON_IDEMPOTENCY_TABLE: partition key "id", a
 * string; TTL on the number "expires_at").
 *
 * One item per delivery, id "CHANNEL#KEY#RECIPIENT" (KEY: the message's
 * dedup_id, else the SQS messageId): claimed before sending (a conditional
 * PutItem: INPROGRESS until the invocation's deadline), marked COMPLETED
 * after, or FAILED when the send failed so a redelivery may claim it
 * again. A claim is refused while another holds it (INPROGRESS and not
 * past its deadline) and once it is COMPLETED; a claim past its deadline
 * (the holder was cut off) is taken over. Needs exactly dynamodb:GetItem,
 * PutItem and UpdateItem on the table.
 *
 * What no table can make exactly-once: a send that got no answer after its
 * request left (a timeout, a broken connection) may have been delivered;
 * such deliveries are "ambiguous", logged (rt_idem_ambiguous) and counted,
 * and tried again. */
#ifndef RT_IDEM_H
#define RT_IDEM_H
#include <stddef.h>

#include "calls.h"
#include "cc/buf.h"

typedef enum rt_idem_state {
  RT_IDEM_CLAIMED, /* ours: send, then rt_idem_finish */
  RT_IDEM_DONE,    /* delivered before: skip it */
  RT_IDEM_BUSY     /* another invocation holds it: leave the record for later */
} rt_idem_state;

typedef struct rt_idem {
  const char *table;       /* borrowed from the environment; NULL: off */
  char channel[128];       /* AWS_LAMBDA_FUNCTION_NAME, else the handler's name */
  long long ttl_s;         /* CLOUDCRON_IDEMPOTENCY_TTL_S, default 14 days */
  unsigned long ambiguous; /* ambiguous deliveries since the process started */
} rt_idem;

/* Reads CLOUDCRON_IDEMPOTENCY_TABLE and CLOUDCRON_IDEMPOTENCY_TTL_S;
 * CC_EINVAL with err naming the variable. */
int rt_idem_init(rt_idem *d, const char *handler_name, cc_buf *err);

/* Claims the delivery of (key, recipient) until until_ms (epoch ms) for
 * request_id; *state says what to do. Errors (the table cannot be
 * reached, ...): a code with err, and nothing may be sent. */
int rt_idem_claim(rt_idem *d, rt_aws_client *c, const char *key, const char *recipient,
                  const char *request_id, long long until_ms, rt_idem_state *state, cc_buf *err);

/* Marks a claimed delivery COMPLETED (done, with result, e.g. the
 * provider's id; may be NULL) or FAILED. A failure is returned with err:
 * the item stays INPROGRESS until its deadline, then can be taken over. */
int rt_idem_finish(rt_idem *d, rt_aws_client *c, const char *key, const char *recipient, int done,
                   const char *result, cc_buf *err);

/* Logs one ambiguous delivery at WARN (why; maybe_sent attempts may have
 * reached the provider) with an embedded CloudWatch metric
 * cloudcron/AmbiguousDeliveries by channel, and counts it. */
void rt_idem_ambiguous(rt_idem *d, const char *request_id, const char *message_id,
                       const char *recipient, int maybe_sent, const char *why);
#endif
