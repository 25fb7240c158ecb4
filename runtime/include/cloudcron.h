/* cloudcron.h: the task SDK.
 *
 * A task is a plain C function, run once per Lambda invocation:
 *
 *   static int my_task(cloudcron_ctx *ctx, const json_t *event) {
 *     json_t *vars = json_pack("{s:s}", "host", "db-1");
 *     int rc = cloudcron_publish(ctx, "alerts", "Disk usage above 90%", vars,
 *                                "db-1-2026-11-22");
 *     json_decref(vars);
 *     return rc;
 *   }
 *   int main(int argc, char **argv) { return cloudcron_main(argc, argv, my_task); }
 *
 * cloudcron_main owns the Lambda Runtime API loop, HTTP, JSON and logging.
 * docs/HOWTO-write-a-task.md walks through writing, building (this header
 * and libcloudcron, installed with `cmake --install BUILD --component sdk`:
 * `pkg-config cloudcron` or find_package(cloudcron)), testing and deploying
 * one; examples/task-c/ is a complete task; docs/message-contract.md states
 * what a publish sends, for any language.
 *
 * Return codes are the CC_* codes below: 0 (CC_OK) success, negative
 * failure. A failing SDK call also leaves a one-line message in the context
 * (cloudcron_last_error) naming what failed and why.
 *
 * Ownership, once for the whole API: strings and JSON values the SDK returns
 * from a context are borrowed and live until the task function returns;
 * every json_t argument is borrowed (the SDK takes its own references)
 * except cloudcron_set_result's, which is stolen; strings returned through
 * a char ** are malloc'd and the caller's (secrets: cloudcron_secret_free).
 * The SDK is not thread-safe: call it from the task's thread. */
#ifndef CLOUDCRON_H
#define CLOUDCRON_H
#include <stddef.h>

#include <jansson.h>

/* The return codes, the same as lib/include/cc/err.h's (the same include
 * guard, so either header may come first; tests/runtime/sdk_install.py checks
 * that the two agree). Written out here so the installed header needs no
 * other header of this project. */
#ifndef CC_ERR_H
#define CC_ERR_H
enum {
  CC_OK = 0,
  CC_ERR = -1,       /* generic failure */
  CC_ENOMEM = -2,    /* allocation failed */
  CC_ETOOBIG = -3,   /* a hard size ceiling was reached */
  CC_EINVAL = -4,    /* invalid input */
  CC_EIO = -5,       /* reading or writing a file failed (errno is kept) */
  CC_ENOTFOUND = -6, /* a named thing does not exist */
  CC_ELIMIT = -7,    /* a configured limit was exceeded */
  CC_ETIMEOUT = -8,  /* a deadline passed */
  CC_ENET = -9,      /* a network transfer failed */
  CC_EREMOTE = -10,  /* a remote service answered with an error */
  CC_ECONFLICT = -11, /* the thing exists already, or changed under us */
  CC_ETHROTTLED = -12, /* a service kept refusing for throttling, retries included */
  CC_EQUOTA = -13    /* a service quota was reached */
};
/* A static, human-readable description of code; never NULL. */
const char *cc_strerror(int code);
#endif

typedef struct cloudcron_ctx cloudcron_ctx;

/* A task. event is the invocation's input (borrowed): the Scheduler
 * schedule's `input` object, or an EventBridge "Scheduled Event". Return 0
 * when the run succeeded; anything else fails the invocation (Lambda then
 * applies the schedule's retry policy) with cloudcron_last_error's text, or
 * the code's description, as the error message. */
typedef int (*cloudcron_task)(cloudcron_ctx *ctx, const json_t *event);

/* Runs task under the Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) for every
 * invocation until the Runtime API ends the conversation. Returns the
 * process exit status: 0 when the Runtime API ended it, 1 when it could not
 * be reached, 2 for a usage error. An invocation whose deadline has passed,
 * or is less than 250 ms away, fails with Runtime.DeadlineExceeded without
 * calling task.
 *
 * A failed invocation's errorType (and its ERROR log line's error_type) is
 * "cloudcron.TaskError" for cloudcron_fail or a bare code, else the type
 * of the SDK call that set the message ("cloudcron.UnknownTopic",
 * "cloudcron.InvalidMessage", "cloudcron.ConfigError",
 * "cloudcron.PublishError", "cloudcron.SecretError").
 *
 * Outside Lambda, `PROGRAM --event FILE [--timeout SECONDS]` runs the task
 * once on the JSON in FILE ("-" for stdin) with the given time limit
 * (default 60), prints its result on stdout and returns 0, or 1 when the
 * task failed (the same ERROR line, request id "local"). Credentials and
 * region may then also come from AWS_DEFAULT_REGION and the shared AWS
 * files (AWS_PROFILE; docs/HOWTO-write-a-task.md says what is supported).
 * `--help` prints the usage. */
int cloudcron_main(int argc, char **argv, cloudcron_task task);

/* ---- the invocation ---- */

const char *cloudcron_request_id(const cloudcron_ctx *ctx);
/* The invoked function's ARN; "" when unknown. */
const char *cloudcron_function_arn(const cloudcron_ctx *ctx);
/* The X-Ray trace header (also in _X_AMZN_TRACE_ID); "" when none. */
const char *cloudcron_trace_id(const cloudcron_ctx *ctx);
/* The task's name: CLOUDCRON_TASK_NAME, else AWS_LAMBDA_FUNCTION_NAME, else
 * the program's name. The FIFO message group unless one is given. */
const char *cloudcron_task_name(const cloudcron_ctx *ctx);
/* The invocation's input, as given to the task. */
const json_t *cloudcron_event(const cloudcron_ctx *ctx);
/* When Lambda stops the invocation, in epoch milliseconds; 0 when unknown. */
long long cloudcron_deadline_ms(const cloudcron_ctx *ctx);
/* Milliseconds left before the deadline (negative once it passed);
 * LLONG_MAX when there is none. A task that loops checks it and stops
 * early; SDK calls never start an attempt past the deadline. */
long long cloudcron_remaining_ms(const cloudcron_ctx *ctx);

/* Sets the invocation's result (stolen; replaces any earlier one). Without
 * one, a successful run answers {"published": N}. */
void cloudcron_set_result(cloudcron_ctx *ctx, json_t *result);

/* The message of the last failed SDK call in this invocation; "" when none
 * failed. */
const char *cloudcron_last_error(const cloudcron_ctx *ctx);
/* Sets the error message the invocation fails with, and returns code:
 *   return cloudcron_fail(ctx, CC_EIO, "%d paths could not be read", n); */
int cloudcron_fail(cloudcron_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- publishing ---- */

/* One SNS message attribute, for the channels' filter policies. type is
 * "String", "Number" or "String.Array". All strings borrowed. */
typedef struct cloudcron_attr {
  const char *name;
  const char *type;
  const char *value;
} cloudcron_attr;

typedef struct cloudcron_publish_opts {
  const char *const *to;       /* recipients ("to"), NULL-terminated; NULL: none */
  const char *group_id;        /* FIFO MessageGroupId; NULL: the task name */
  const cloudcron_attr *attrs; /* SNS message attributes, at most 10 */
  size_t n_attrs;
} cloudcron_publish_opts;

/* Publishes {"subject", "vars", "dedup_id"} (schemas/notification.schema.json)
 * to the SNS topic of topic_key, read from CLOUDCRON_TOPIC_<KEY>. vars and
 * dedup_id may be NULL. On a FIFO topic (ARN ending in .fifo) the
 * MessageGroupId is the task name and the MessageDeduplicationId is
 * dedup_id, or the SHA-256 of the message when dedup_id is NULL.
 * Returns CC_OK; CC_ENOTFOUND for an unknown key (the message names the
 * known keys); CC_EINVAL for a message the schema refuses or missing AWS
 * configuration; CC_EREMOTE when SNS refused it; CC_ENET or CC_ETIMEOUT
 * when SNS could not be reached in time (throttling, 5xx and network errors
 * are retried first). */
int cloudcron_publish(cloudcron_ctx *ctx, const char *topic_key, const char *subject,
                      const json_t *vars, const char *dedup_id);
/* cloudcron_publish with recipients, a message group and message
 * attributes; opts may be NULL. */
int cloudcron_publish_ex(cloudcron_ctx *ctx, const char *topic_key, const char *subject,
                         const json_t *vars, const char *dedup_id,
                         const cloudcron_publish_opts *opts);
/* The SNS MessageId of the last successful publish; "" before one. */
const char *cloudcron_last_message_id(const cloudcron_ctx *ctx);

/* Resolves a topic key to its ARN, read from CLOUDCRON_TOPIC_<KEY> (KEY
 * upper-cased, '-' as '_'). *arn is borrowed from the environment. An
 * unknown key returns CC_ENOTFOUND and writes into err (errcap bytes) a
 * message naming the key and every known key. */
int cloudcron_topic_arn(const char **arn, char *err, size_t errcap, const char *key);

/* Builds the message of schemas/notification.schema.json; vars and
 * dedup_id may be NULL; vars is borrowed. *out is malloc'd, the caller
 * frees it. CC_EINVAL (with nothing allocated) when the result would not
 * match the schema. */
int cloudcron_message(char **out, const char *subject, const json_t *vars,
                      const char *dedup_id);
/* The same with recipients (NULL-terminated, NULL: none); on CC_EINVAL,
 * *why (when given) names the offending field, as the channels do
 * ("\"subject\" must be one line"; valid until the next call from this
 * thread). */
int cloudcron_message_ex(char **out, const char **why, const char *subject,
                         const json_t *vars, const char *const *to, const char *dedup_id);

/* ---- secrets, by reference ---- */

/* Secrets Manager GetSecretValue: *value gets the SecretString of
 * secret_id (an ARN or a name). SSM GetParameter with decryption: *value
 * gets the parameter's value. Free with cloudcron_secret_free. Values are
 * never logged, and never part of an error message. */
int cloudcron_secret(cloudcron_ctx *ctx, const char *secret_id, char **value);
int cloudcron_parameter(cloudcron_ctx *ctx, const char *name, char **value);
/* Overwrites and frees a value; NULL is a no-op. */
void cloudcron_secret_free(char *value);

/* ---- schedules created at run time (EventBridge Scheduler) ----
 *
 * A spec's schedule group has a key; the stack gives a task that may
 * create schedules in it CLOUDCRON_SCHEDULE_GROUP_<KEY> (the group's name),
 * CLOUDCRON_SCHEDULE_ROLE_<KEY> (the scheduler role's ARN),
 * CLOUDCRON_SCHEDULE_TARGET_<KEY> (the worker function's ARN) and,
 * optionally, CLOUDCRON_SCHEDULE_DLQ_<KEY> (a dead-letter queue's ARN),
 * KEY upper-cased with '-' as '_'. Task code names the key, never an ARN.
 *
 * Every call checks the expression and zone with cloudcron's own
 * evaluator before any request, and returns CC_OK; CC_EINVAL for a bad
 * name (1-64 of [0-9A-Za-z._-]), expression, zone, an at() in the past or
 * a refused request (ValidationException); CC_ENOTFOUND for an unknown key
 * or schedule; CC_ECONFLICT when a different schedule of that name exists;
 * CC_ETHROTTLED when Scheduler kept throttling through the retries;
 * CC_EQUOTA when the account's quota is reached; CC_EREMOTE for another
 * refusal; CC_ENET or CC_ETIMEOUT when Scheduler could not be reached in
 * time. cloudcron_last_error then names the schedule and the reason. */

#define CLOUDCRON_NO_RETRY (-1)

typedef struct cloudcron_schedule {
  const char *expression;  /* "at(2026-12-01T09:00:00)", "cron(0 9 * * ? *)",
                              "rate(5 minutes)" */
  const char *timezone;    /* IANA zone of the expression; NULL: UTC */
  const json_t *payload;   /* the worker's event; NULL: none */
  const char *description; /* NULL: none */
  int flexible_window_minutes; /* 1-1440; 0: exact time (OFF) */
  int retry_attempts;      /* 1-185; CLOUDCRON_NO_RETRY: none; 0 (with
                              max_event_age_seconds 0): the group's policy,
                              CLOUDCRON_SCHEDULE_RETRY_<KEY> = "N,SECONDS"
                              (the spec's `retry`), else Scheduler's (185) */
  int max_event_age_seconds; /* 60-86400; 0: as above (86400) */
  const char *dead_letter_arn; /* NULL: CLOUDCRON_SCHEDULE_DLQ_<KEY>, if set */
  int disabled;            /* create it in state DISABLED */
} cloudcron_schedule;

/* Creates schedule name in the group of group_key. An at() schedule is
 * created with ActionAfterCompletion DELETE: Scheduler deletes it after
 * it runs. Idempotent: the request carries a ClientToken derived from it,
 * so a retried create cannot create twice, and a create that finds the
 * very same schedule already there succeeds. */
int cloudcron_schedule_create(cloudcron_ctx *ctx, const char *group_key, const char *name,
                              const cloudcron_schedule *s);
/* Replaces schedule name's whole definition with s. */
int cloudcron_schedule_update(cloudcron_ctx *ctx, const char *group_key, const char *name,
                              const cloudcron_schedule *s);
/* Deletes schedule name; CC_ENOTFOUND when there is none. */
int cloudcron_schedule_delete(cloudcron_ctx *ctx, const char *group_key, const char *name);
/* GetSchedule: *out gets the answer in the API's shape (Name,
 * ScheduleExpression, Target, State, ...): a new reference, the caller
 * json_decref's it. */
int cloudcron_schedule_get(cloudcron_ctx *ctx, const char *group_key, const char *name,
                           json_t **out);
/* One ListSchedules page of the group's schedules whose names start with
 * prefix (NULL: all): *page gets {"Schedules": [summary...], "NextToken"}
 * (a new reference); pass its NextToken as next_token (NULL for the first
 * page). max_results 1-100, 0: Scheduler's default. */
int cloudcron_schedule_list_page(cloudcron_ctx *ctx, const char *group_key, const char *prefix,
                                 const char *next_token, int max_results, json_t **page);
/* Every page: *out gets an array of the summaries (a new reference). */
int cloudcron_schedule_list(cloudcron_ctx *ctx, const char *group_key, const char *prefix,
                            json_t **out);

/* ---- logging ---- */

typedef enum cloudcron_level {
  CLOUDCRON_DEBUG,
  CLOUDCRON_INFO,
  CLOUDCRON_WARN,
  CLOUDCRON_ERROR
} cloudcron_level;

/* Writes one JSON object per line on stderr, which Lambda sends to
 * CloudWatch: {"timestamp","level","request_id","message"} and, with
 * cloudcron_log_fields, the members of fields (borrowed) after them, so a
 * metric filter such as { $.level = "ERROR" } or { $.pct > 90 } matches.
 * Lines below CLOUDCRON_LOG_LEVEL (else AWS_LAMBDA_LOG_LEVEL, else INFO)
 * are dropped. ctx may be NULL outside an invocation. */
void cloudcron_log(const cloudcron_ctx *ctx, cloudcron_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cloudcron_log_fields(const cloudcron_ctx *ctx, cloudcron_level level,
                          const json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#endif
