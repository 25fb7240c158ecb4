/* gen/spec.h: the typed model of a cloudcron spec (docs/spec.md, version 1).
 *
 * gen_spec_load reads a YAML or JSON file, checks it completely and, when
 * it is valid, returns the model. Everything in a gen_spec (strings, arrays,
 * spans) lives in the spec's arena and is freed by gen_spec_free; jansson
 * values (input, vars, filter) are owned by the spec: borrow them, and
 * json_incref what you keep longer. Optional strings are NULL when absent;
 * defaults are already applied. Maps keep the order of the file. */
#ifndef GEN_SPEC_H
#define GEN_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cc/diag.h"

typedef struct gen_span {
  const char *file; /* the spec's path as given */
  int line, col;    /* 1-based; col counts code points */
} gen_span;

typedef struct gen_kv {
  const char *key, *value;
  gen_span key_span, span;
} gen_kv;

typedef struct gen_kvs {
  gen_kv *items;
  size_t n;
} gen_kvs;

typedef struct gen_strs {
  const char **items;
  gen_span *spans;
  size_t n;
} gen_strs;

typedef enum { GEN_IMAGE_BUILD, GEN_IMAGE_REPUBLISH, GEN_IMAGE_URI } gen_image_kind;

typedef struct gen_image {
  const char *key; /* first: gen/check.c reads keys of any entry this way */
  gen_span span;
  gen_image_kind kind;
  struct {
    const char *context;    /* as written, relative to the spec's folder */
    const char *dockerfile; /* default "Dockerfile" */
    const char *repository;
    const char *tag;        /* NULL: content hash of the context */
    const char *platform;   /* "linux/amd64" (default) or "linux/arm64" */
    gen_kvs build_args;
  } build;
  struct {
    const char *source; /* registry/repository, no tag */
    const char *tag;
    const char *repository; /* derived: "<project>-<key>" */
  } republish;
  const char *uri; /* GEN_IMAGE_URI: used as is */
  const char *architecture; /* derived: "x86_64" or "arm64" */
} gen_image;

typedef struct gen_topic {
  const char *key; /* first, as in gen_image */
  gen_span span;
  bool fifo;
  const char *arn;  /* existing topic; NULL when cloudcron creates it */
  const char *name; /* derived AWS name: "<project>-<key>[.fifo]", or the ARN's last part */
} gen_topic;

typedef struct gen_task {
  const char *key;
  gen_span span;
  const char *image;
  gen_span image_span;
  const gen_image *image_ref;
  const char *schedule; /* cron(...) | rate(...) | at(...); NULL only for a
                           schedule group's target (no schedule of its own) */
  gen_span schedule_span; /* where the expression's text starts (inside quotes) */
  const char *timezone; /* default "UTC" */
  gen_span timezone_span;
  gen_strs publishes;   /* topic keys */
  const gen_topic **publishes_ref;
  gen_kvs env;
  int timeout;          /* seconds, default 60 */
  int memory;           /* MB, default 256 */
  json_t *input;        /* NULL when absent */
  bool has_retry;
  int retry_attempts;   /* default 185 */
  int retry_max_age;    /* seconds, default 86400 */
  int flexible_window;  /* minutes; 0 = off (default) */
  bool dead_letter;     /* default false */
  bool enabled;         /* default true */
  gen_strs ignore_warnings; /* warning kinds silenced for this task (gen/lint.h) */
  int max_concurrency;  /* reserved concurrency (1 stops runs overlapping); 0 = unreserved (default) */
  /* what platform teams set (docs/spec.md): all absent by default */
  gen_strs subnets;         /* subnet-... ids; given with security_groups or not at all */
  gen_strs security_groups; /* sg-... ids */
  const char *tracing;      /* "Active" | "PassThrough"; NULL: off */
  const char *log_format;   /* "JSON" | "Text"; NULL: Lambda's default (Text) */
  const char *log_level;    /* application log level (JSON only): TRACE DEBUG INFO WARN ERROR FATAL */
  const char *system_log_level; /* system log level (JSON only): DEBUG INFO WARN */
  int ephemeral_storage;    /* MB of /tmp, 512..10240; 0 = Lambda's default (512) */
  gen_strs command;         /* image CMD override; n == 0: the image's */
  gen_strs entry_point;     /* image ENTRYPOINT override; n == 0: the image's */
  /* derived AWS names */
  const char *function_name; /* "<project>-<key>" */
  const char *schedule_name; /* "<project>-<key>" */
  const char *role_name;     /* "<project>-<key>-exec" */
  const char *scheduler_role_name; /* "<project>-<key>-sched" */
  const char *dlq_name;      /* "<project>-<key>-dlq" */
} gen_task;

typedef enum { GEN_CHANNEL_EMAIL, GEN_CHANNEL_SMS, GEN_CHANNEL_PRINT } gen_channel;
typedef enum { GEN_TEMPLATE_INLINE, GEN_TEMPLATE_FILE, GEN_TEMPLATE_URL, GEN_TEMPLATE_S3 } gen_template_kind;

typedef struct gen_notification {
  const char *key;
  gen_span span;
  gen_channel channel;
  const char *topic;
  gen_span topic_span;
  const gen_topic *topic_ref;
  const char *image;
  gen_span image_span;
  const gen_image *image_ref;
  gen_template_kind template_kind;
  const char *template_value; /* inline text, file path (as written), https URL or s3:// URI */
  const char *template_text;  /* inline text or the file's content; NULL for url/s3 */
  const char *template_name;  /* for autoescape: the file's, URL's or object's name; "<key>.txt" inline */
  gen_span template_span;     /* where the template source value starts in the spec */
  /* file templates: the templates it reaches (include, import, from,
   * extends), named relative to its folder, and their contents (arena) */
  const char **template_parts;
  const char **template_part_texts;
  size_t ntemplate_parts;
  /* email only: `text_template`, the text part of an HTML template, read
   * as the template is (text_value NULL when absent; no parts: a file text
   * template may not reach other templates) */
  gen_template_kind text_kind;
  const char *text_value;
  const char *text_text;
  const char *text_name;
  gen_span text_span;
  const char *subject;        /* email only; NULL when absent */
  gen_span subject_span;      /* where the subject's text starts (inside quotes) */
  json_t *vars;               /* JSON object; empty object when absent */
  json_t *filter;             /* SNS filter policy object; NULL when absent */
  gen_span filter_span;
  /* email */
  const char *sender;
  gen_strs recipients;        /* email addresses or E.164 numbers */
  gen_strs reply_to;
  const char *configuration_set;
  /* sms */
  const char *from;
  bool allow_override;        /* default false */
  const char *twilio_secret;  /* Secrets Manager ARN or SSM parameter name */
  /* email, sms: deliveries recorded in the stack's idempotency table (the
   * channel's `idempotency`, else the spec's) */
  bool idempotency;
  bool idempotency_set;       /* the channel says it itself */
  /* derived AWS names */
  const char *function_name;  /* "<project>-<key>" */
  const char *role_name;      /* "<project>-<key>-exec" */
  const char *queue_name;     /* "<project>-<key>[.fifo]" (FIFO when the topic is) */
  const char *dlq_name;       /* "<project>-<key>-dlq[.fifo]" */
} gen_notification;

/* schedule_groups: a group for schedules created at run time. */
typedef struct gen_schedule_group {
  const char *key; /* first, as in gen_image */
  gen_span span;
  const char *target;   /* task key: what the group's schedules invoke */
  gen_span target_span;
  const gen_task *target_ref;
  gen_strs creators;    /* task keys that may create schedules in it */
  const gen_task **creators_ref;
  bool dead_letter;     /* default false: an SQS queue for undeliverable events */
  bool has_retry;       /* retry given: the default of the group's schedules */
  int retry_attempts;   /* 0..185 */
  int retry_max_age;    /* seconds, 60..86400 */
  /* derived AWS names */
  const char *group_name;          /* "<project>-<key>" */
  const char *scheduler_role_name; /* "<project>-<key>-schedules" */
  const char *policy_name;         /* "<project>-<key>-creators" */
  const char *dlq_name;            /* "<project>-<key>-dlq" */
} gen_schedule_group;

/* reconcilers: cloudcron-reconcile keeping a group in step with a file. */
typedef struct gen_reconciler {
  const char *key;
  gen_span span;
  const char *group;    /* schedule_groups key */
  gen_span group_span;
  const gen_schedule_group *group_ref;
  const char *image;    /* images key: the cloudcron runtime image */
  gen_span image_span;
  const gen_image *image_ref;
  const char *config;   /* https:// or s3:// URL */
  const char *prefix;   /* default "<key>-" */
  const char *collection; /* default "schedules" */
  const char *timezone; /* default "UTC" */
  gen_span timezone_span;
  const char *schedule; /* default "rate(5 minutes)" */
  gen_span schedule_span;
  bool allow_empty, dry_run, enabled; /* false, false, true */
  /* derived AWS names */
  const char *function_name;       /* "<project>-<key>" */
  const char *role_name;           /* "<project>-<key>-exec" */
  const char *scheduler_role_name; /* "<project>-<key>-sched" */
} gen_reconciler;

/* A database-driven dispatcher (docs/spec.md `dispatchers`): cloudcron-dispatch
 * on a schedule in a VPC, firing the workflows due in PostgreSQL. */
typedef struct gen_dispatcher {
  const char *key; /* first, as in gen_image */
  gen_span span;
  const char *image; /* the cloudcron runtime image's key */
  gen_span image_span;
  const gen_image *image_ref;
  const char *database_secret; /* Secrets Manager ARN (RDS's shape) */
  gen_strs subnets;
  gen_strs security_groups;
  const char *schedule; /* cron(...) | rate(...), in UTC; default rate(1 minute) */
  gen_span schedule_span;
  const char *queue_arn; /* an existing requests queue; NULL: created */
  bool fifo;             /* a created queue is FIFO; default false */
  int batch;             /* workflows per transaction, default 100 */
  const char *sslmode;   /* default "require" */
  int timeout;           /* seconds, default 60 */
  int memory;            /* MB, default 256 */
  bool enabled;          /* default true */
  /* derived AWS names */
  const char *function_name;       /* "<project>-<key>" */
  const char *role_name;           /* "<project>-<key>-exec" */
  const char *scheduler_role_name; /* "<project>-<key>-sched" */
  const char *queue_name;          /* "<project>-<key>-requests" (no .fifo) */
  const char *dlq_name;            /* "<project>-<key>-requests-dlq" (no .fifo) */
} gen_dispatcher;

/* platform: settings for every resource cloudcron creates; NULL when absent. */
typedef struct gen_platform {
  const char *permissions_boundary; /* IAM policy ARN: the boundary of every role */
  const char *role_path;            /* "/.../": the path of every role */
  const char *kms_environment;      /* KMS key ARN: every function's environment */
  const char *kms_logs;             /* KMS key ARN: every log group */
  const char *kms_topics;           /* KMS key ARN: every topic the stack creates */
} gen_platform;

typedef struct gen_spec {
  const char *path;     /* as given */
  const char *dir;      /* the spec's folder, for relative paths */
  int version;
  const char *project;
  const char *region;   /* NULL: the provider's */
  gen_kvs tags;
  bool idempotency;     /* `idempotency`: the default of email and sms channels */
  gen_image *images;
  size_t nimages;
  gen_topic *topics;
  size_t ntopics;
  gen_task *tasks;
  size_t ntasks;
  gen_notification *notifications;
  size_t nnotifications;
  gen_schedule_group *schedule_groups;
  size_t nschedule_groups;
  gen_reconciler *reconcilers;
  size_t nreconcilers;
  gen_dispatcher *dispatchers;
  size_t ndispatchers;
  /* alarms: {topic: KEY}; NULL when absent. CloudWatch alarms of the stack
   * (gen/stack_alarms.c) publish to that standard topic. */
  const char *alarm_topic;
  gen_span alarm_topic_span;
  const gen_topic *alarm_topic_ref;
  gen_platform platform;
  struct cc_arena *arena;
} gen_spec;

/* Loads and checks the spec at PATH. Returns CC_OK and the model in *OUT;
 * or CC_EINVAL with every error found added to DIAGS (the file's text is
 * registered for excerpts) and *OUT NULL; or CC_EIO / CC_ENOMEM (also
 * reported in DIAGS). The caller frees *OUT with gen_spec_free. */
int gen_spec_load(gen_spec **out, const char *path, cc_diags *diags);

/* The same for a spec already in memory: TEXT (LEN bytes) read from PATH,
 * which names the spec in messages and locates the files it names. */
int gen_spec_parse(gen_spec **out, const char *path, const char *text, size_t len, cc_diags *diags);

/* Frees SPEC and all it owns. gen_spec_free(NULL) is a no-op. */
void gen_spec_free(gen_spec *spec);

/* Lookups by key; NULL when absent. */
const gen_image *gen_spec_image(const gen_spec *spec, const char *key);
const gen_topic *gen_spec_topic(const gen_spec *spec, const char *key);
const gen_task *gen_spec_task(const gen_spec *spec, const char *key);

#endif
