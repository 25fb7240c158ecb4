/* ddb.h: DynamoDB GetItem, PutItem and UpdateItem (rt_ internal API), for
 * the channels' idempotency records: built and signed (aws.h: JSON 1.0,
 * X-Amz-Target DynamoDB_20120810.OP, signing name "dynamodb") on
 * AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else
 * https://dynamodb.REGION.amazonaws.com; sent with the client's retries
 * (throttling and 5xx retried; every operation here is safe to repeat). */
#ifndef RT_DDB_H
#define RT_DDB_H
#include <stddef.h>

#include <jansson.h>

#include "calls.h"

/* Builds operation op ("GetItem", "PutItem", "UpdateItem") with the JSON
 * request body (borrowed). CC_EINVAL for an unknown operation or a body
 * that is not an object; CC_ENOMEM. */
int rt_ddb_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date, const char *op,
                 const json_t *body);

/* Sends op with body (borrowed). CC_OK with *answer the parsed answer (a
 * new reference; NULL when the answer is empty or not JSON). CC_EREMOTE
 * with the error's code in code (codecap bytes; e.g.
 * "ConditionalCheckFailedException"); CC_ENET, CC_ETIMEOUT; err gets one
 * line "dynamodb OP: ..." on every failure. */
int rt_ddb_call(rt_aws_client *c, const char *op, const json_t *body, json_t **answer,
                char *code, size_t codecap, cc_buf *err);
#endif
