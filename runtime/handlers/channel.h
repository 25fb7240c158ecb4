/* channel.h: what every notification handler shares (rt_ internal API).
 *
 * A channel handler is a Lambda bootstrap fed by its SQS queue. This module
 * owns everything but the delivery: the settings every channel reads from
 * the environment (the template, CLOUDCRON_VARS, CLOUDCRON_STRICT,
 * CLOUDCRON_DEADLINE_MARGIN_MS), the template compiled once at init, the
 * rendering context (docs/spec.md: the channel's vars overlaid by the message's
 * vars, plus subject and message), the SQS batch loop with its partial
 * batch failures (FIFO: the first failure and every later record), the
 * deadline, init errors posted to the Runtime API, and the log lines. A
 * handler supplies a setup step and a deliver step (rt_channel_ops). */
#ifndef RT_CHANNEL_H
#define RT_CHANNEL_H
#include <stddef.h>

#include <jansson.h>

#include "calls.h"
#include "cc/buf.h"
#include "cc/template.h"
#include "lambda.h"
#include "idem.h"
#include "log.h"
#include "source.h"

typedef struct rt_channel rt_channel;

typedef struct rt_channel_ops {
  const char *name; /* "cloudcron-print": in messages */
  /* --help: what the handler does and its own variables (one
   * "  NAME  meaning" a line), printed after the usage and before the
   * variables every channel reads */
  const char *help;
  size_t user_size; /* ch->user: this many zeroed bytes, freed after cleanup */
  int aws;          /* set up ch->aws: the function's credentials (calls.h) */
  /* After the shared settings, the template and ch->aws: the handler's own
   * settings, into ch->user; a failure writes one line naming the variable
   * into err. May be NULL. */
  int (*setup)(rt_channel *ch, cc_buf *err);
  /* Delivers one well-formed record (r->message is a valid notification).
   * Logs the record's outcome itself (rt_channel_log) and returns CC_OK
   * when delivered, CC_ENOMEM to fail the whole invocation, any other code
   * to list the record in batchItemFailures. */
  int (*deliver)(rt_channel *ch, const rt_invocation *inv, const rt_record *r);
  /* Frees what setup put in ch->user (not ch->user itself). May be NULL. */
  void (*cleanup)(rt_channel *ch);
} rt_channel_ops;

struct rt_channel {
  const rt_channel_ops *ops;
  cc_tpl *tpl;         /* the channel's template (owned) */
  rt_source src;       /* where it came from: its loader's data (owned) */
  int html;            /* the template's name ends in .html, .htm or .xml */
  int strict;          /* CLOUDCRON_STRICT=1 */
  json_t *vars;        /* the channel's vars: an object (owned) */
  long long margin_ms; /* records are not started this close to the deadline */
  rt_aws_client aws;   /* with ops->aws: credentials, region, retries */
  rt_transport curl;   /* its transport: one libcurl handle, connections reused */
  rt_idem idem;        /* with ops->aws: the idempotency records (idem.h) */
  void *user;          /* the handler's own state (ops->user_size bytes) */
  char emsg[160];      /* an invocation error's message */
};

/* Runs a channel handler: reads the command line, the settings, loads and
 * compiles the template, runs ops->setup, then either the Runtime API loop
 * until it ends or, with --event FILE|-, one local invocation on that
 * event (its response JSON on stdout, logs on stderr). An init failure is
 * logged (and, under a Runtime API, posted to .../init/error) and gives 1.
 * Returns the process's exit status: 0, 1 (init failed, the invocation
 * failed, the event is not JSON), 2 (usage). */
int rt_channel_main(const rt_channel_ops *ops, int argc, char **argv);

/* Compiles a template as the channel's are (strict from the channel;
 * autoescape on, off or by name: CC_TPL_AUTOESCAPE_*). On failure err gets
 * every diagnostic as NAME:LINE:COL: error: MESSAGE, one a line. */
int rt_channel_compile(cc_tpl **out, const rt_channel *ch, const char *name, const char *text,
                       size_t len, int autoescape, cc_buf *err);

/* Renders tpl with msg's context into out (emptied first). On a render
 * error returns its code with out holding NAME:LINE:COL: error: MESSAGE
 * instead; CC_ENOMEM leaves out undefined. */
int rt_channel_render(cc_buf *out, const rt_channel *ch, const cc_tpl *tpl, json_t *msg);

/* One log line (log.h) with the record's message_id (may be NULL) and the
 * members of fields, which it takes (a new reference or NULL). */
void rt_channel_log(rt_log_level level, const char *request_id, const char *message_id,
                    const char *message, json_t *fields);

/* The key of a record's deliveries: the message's dedup_id, else its SQS
 * messageId (borrowed). */
const char *rt_channel_message_key(const rt_record *r);

/* One send of a delivery: writes the provider's id into result (rcap
 * bytes) on success; logs its own outcome (rt_channel_log). Returns CC_OK
 * when sent, CC_ENOMEM, any other code when not. */
typedef int (*rt_channel_send_fn)(rt_channel *ch, void *arg, char *result, size_t rcap);

/* Delivers record r to recipient (a name: a number, "all") once: with an
 * idempotency table, claims (key, recipient) first, skips it when it was
 * delivered before (*skipped set, an INFO line), leaves it when another
 * invocation holds it (a WARN line, CC_EAGAIN-like CC_EREMOTE), then calls
 * send and marks the delivery done or failed. Without a table it just
 * calls send. Either way a send that may have reached the provider unseen
 * (ch->aws.maybe_sent) is logged and counted as ambiguous. Returns CC_OK
 * when delivered (now or before), CC_ENOMEM, another code when not. */
int rt_channel_deliver_once(rt_channel *ch, const rt_invocation *inv, const rt_record *r,
                            const char *recipient, rt_channel_send_fn send, void *arg,
                            int *skipped);

/* A comma-separated list from the environment, each item trimmed of
 * spaces; an empty or unset variable is an empty list. */
typedef struct rt_list {
  char *text;          /* owned: the items, NUL-separated */
  const char **items;  /* owned array; the strings point into text */
  size_t n;
} rt_list;

/* Reads variable var into out. Each item must satisfy ok (NULL: any
 * non-empty item); otherwise CC_EINVAL with err naming the variable, the
 * item and what is expected (what). Free with rt_list_free. */
int rt_list_from_env(rt_list *out, const char *var, int (*ok)(const char *item),
                     const char *what, cc_buf *err);
void rt_list_free(rt_list *l);
#endif
