/* event.h: the events a handler is invoked with (rt_ internal API).
 *
 * SQS batches whose bodies are cloudcron notifications (or CloudWatch
 * alarm notifications), either raw (SNS raw message delivery) or inside
 * the SNS JSON envelope; EventBridge
 * scheduled events; EventBridge Scheduler inputs (any JSON object). A
 * malformed record is marked with an error, never fails the batch. */
#ifndef RT_EVENT_H
#define RT_EVENT_H
#include <stddef.h>

#include <jansson.h>

#include "cc/buf.h"

/* Room for a message naming a key ("unknown key ... (did you mean ...?)");
 * longer keys are cut. */
#define RT_WHY_MAX 192

typedef enum rt_event_kind {
  RT_EVENT_SQS,       /* Records[] from aws:sqs */
  RT_EVENT_SCHEDULED, /* EventBridge "Scheduled Event" */
  RT_EVENT_SCHEDULER  /* EventBridge Scheduler input: the object itself */
} rt_event_kind;

typedef struct rt_record {
  const char *message_id; /* borrowed from the event; NULL when absent */
  json_t *message;        /* the notification object (owned); NULL on error */
  const char *error;      /* static text, or why, when the record is malformed */
  char why[RT_WHY_MAX];   /* the schema check's message when it names a key */
  int alarm;              /* message stands for a CloudWatch alarm notification */
} rt_record;

typedef struct rt_event {
  rt_event_kind kind;
  json_t *root;        /* the whole event (owned) */
  rt_record *records;  /* SQS only: one per record, in order */
  size_t n_records;
  int fifo;            /* SQS from a FIFO queue */
} rt_event;

/* Parses len bytes of JSON. Returns CC_OK, CC_EINVAL when the event is not
 * JSON or not one of the kinds above (err says which), CC_ENOMEM.
 * On success free with rt_event_free. */
int rt_event_parse(rt_event *out, cc_buf *err, const char *json,
                   size_t len);
void rt_event_free(rt_event *ev);

/* Whether msg is the message a CloudWatch alarm publishes to SNS: an
 * object with the strings AlarmName and NewStateValue and no "subject".
 * Such a record's message is the notification {"subject": the SNS
 * Subject (else "STATE: \"NAME\" in REGION", as CloudWatch writes it),
 * "vars": the alarm's fields as they are (AlarmName, AlarmDescription,
 * AWSAccountId, NewStateValue, NewStateReason, StateChangeTime, Region,
 * AlarmArn, OldStateValue, Trigger, ...)}. */
int rt_is_alarm(const json_t *msg);

/* Checks one notification against schemas/notification.schema.json.
 * Returns NULL when valid, else a message naming the offending key or
 * field (docs/message-contract.md lists them; tests/contract/ holds the
 * cases): static text, or buf (cap bytes) when it quotes a key.
 * Checked in this order: unknown keys (in the message's order, with the
 * nearest allowed key suggested), then subject, vars, to, dedup_id. */
const char *rt_notification_why(const json_t *msg, char *buf, size_t cap);
/* The same into a per-thread buffer, valid until the next call. */
const char *rt_notification_check(const json_t *msg);

/* The SQS partial-batch response for the records whose failed[i] is set:
 * {"batchItemFailures":[{"itemIdentifier":ID},...]}. For FIFO queues the
 * first failure and every later record are listed, since Lambda must not
 * process a group out of order. Returns a new reference, NULL on ENOMEM. */
json_t *rt_batch_response(const rt_event *ev, const unsigned char *failed);
#endif
