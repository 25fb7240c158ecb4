/* scheduler.h: EventBridge Scheduler calls (rt_ internal API).
 *
 * Scheduler is a REST-JSON service (signing name "scheduler", endpoint
 * AWS_ENDPOINT_URL_SCHEDULER, else AWS_ENDPOINT_URL, else
 * https://scheduler.REGION.amazonaws.com):
 *   CreateSchedule  POST   /schedules/NAME            JSON body
 *   UpdateSchedule  PUT    /schedules/NAME            JSON body
 *   GetSchedule     GET    /schedules/NAME?groupName=G
 *   DeleteSchedule  DELETE /schedules/NAME?clientToken=T&groupName=G
 *   ListSchedules   GET    /schedules?MaxResults=&NamePrefix=&NextToken=&ScheduleGroup=
 *
 * A schedule's definition ("def") is a JSON object in the API's own shape,
 * the request body without GroupName and ClientToken: ScheduleExpression,
 * ScheduleExpressionTimezone, Description, State, FlexibleTimeWindow,
 * ActionAfterCompletion and Target {Arn, RoleArn, Input, RetryPolicy,
 * DeadLetterConfig}. Every def argument is borrowed.
 *
 * Errors: as calls.h (one line in err), with the service's error codes
 * mapped to distinct CC_* codes: ConflictException CC_ECONFLICT,
 * ThrottlingException (after the retries) CC_ETHROTTLED,
 * ServiceQuotaExceededException CC_EQUOTA, ResourceNotFoundException
 * CC_ENOTFOUND, ValidationException CC_EINVAL, anything else CC_EREMOTE;
 * CC_ENET and CC_ETIMEOUT when no answer came. */
#ifndef RT_SCHEDULER_H
#define RT_SCHEDULER_H
#include <stddef.h>

#include <jansson.h>

#include "calls.h"

/* A valid schedule name: 1 to 64 of [0-9A-Za-z._-]. Also group names. */
int rt_sched_name_ok(const char *name);

/* The ClientToken of a create: the SHA-256 (hex, 64 characters) of the
 * group, the name and the def's canonical JSON, so a retried create sends
 * the same token and a different request a different one. */
int rt_sched_client_token(char out[65], const char *group, const char *name, const json_t *def);

/* The signed requests, for the exact-bytes tests. max_results 0: none.
 * token (ClientToken, NextToken), prefix may be NULL. */
int rt_sched_create_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const json_t *def,
                          const char *token);
int rt_sched_update_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const json_t *def,
                          const char *token);
int rt_sched_get_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                       const char *group, const char *name);
int rt_sched_delete_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                          const char *group, const char *name, const char *token);
int rt_sched_list_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                        const char *group, const char *prefix, const char *next_token,
                        int max_results);

/* CreateSchedule with the derived ClientToken. Idempotent: when the name
 * exists already (ConflictException) and GetSchedule shows the very same
 * definition, the create counts as done (CC_OK), since that is what a
 * retried create whose first answer was lost finds; a different schedule
 * of that name is CC_ECONFLICT. */
int rt_sched_create(rt_aws_client *c, const char *group, const char *name, const json_t *def,
                    cc_buf *err);
/* UpdateSchedule: the whole definition is replaced by def. */
int rt_sched_update(rt_aws_client *c, const char *group, const char *name, const json_t *def,
                    cc_buf *err);
/* DeleteSchedule. */
int rt_sched_delete(rt_aws_client *c, const char *group, const char *name, cc_buf *err);
/* GetSchedule: *out gets the answer (a new reference). */
int rt_sched_get(rt_aws_client *c, const char *group, const char *name, json_t **out,
                 cc_buf *err);
/* One ListSchedules page of group (prefix, next_token may be NULL;
 * max_results 1-100, 0: the service's default): *out gets the answer
 * {"Schedules": [...], "NextToken": ...} (a new reference). */
int rt_sched_list_page(rt_aws_client *c, const char *group, const char *prefix,
                       const char *next_token, int max_results, json_t **out, cc_buf *err);
/* Every page: *out gets an array of the summaries (a new reference) whose
 * names start with prefix, in the service's order. At most max_pages
 * pages (CC_ELIMIT beyond). */
int rt_sched_list_all(rt_aws_client *c, const char *group, const char *prefix, int max_pages,
                      json_t **out, cc_buf *err);

/* Whether the schedule got (a GetSchedule answer) matches def: the
 * expression, zone (absent: UTC), description (absent: ""), state (absent:
 * ENABLED), flexible window, action after completion (absent: NONE) and
 * the target's ARN, role, input (compared as JSON), retry policy and
 * dead-letter queue; a retry policy or queue that def leaves out is not
 * compared. *what (when given) names the first difference: "expression",
 * "timezone", "description", "state", "window", "action", "target",
 * "role", "input", "retry", "dead-letter". */
int rt_sched_same(const json_t *def, const json_t *got, const char **what);
#endif
