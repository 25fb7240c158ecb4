/* cloudcron-print: the print channel's bootstrap. For each SQS record it
 * renders the channel's template with the message (SPEC.md: the channel's
 * vars overlaid by the message's vars, plus subject and message) and logs
 * the text as one JSON log line (log.h); malformed records are logged and reported in
 * batchItemFailures (from a FIFO queue, with every later record, which is
 * left unprocessed for SQS to redeliver in order). The template is loaded and compiled once, at init.
 *
 * Environment: CLOUDCRON_TEMPLATE or CLOUDCRON_TEMPLATE_URL (source.h),
 * CLOUDCRON_TEMPLATE_NAME (picks autoescape: .html .htm .xml), CLOUDCRON_VARS
 * (a JSON object), CLOUDCRON_STRICT=1 (undefined variables are errors),
 * CLOUDCRON_DEADLINE_MARGIN_MS (default 500: records not started this long
 * before the invocation's deadline are left to SQS to redeliver). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/template.h"
#include "lambda.h"
#include "log.h"
#include "source.h"

typedef struct S_app {
  cc_tpl *tpl;
  json_t *vars;        /* the channel's vars: an object */
  long long margin_ms; /* stop this long before the deadline */
} S_app;

/* One log line (log.h: timestamp, level, request_id, message) with the
 * record's message_id and, for a rendered record, its text. */
static void S_log(rt_log_level level, const char *request_id, const char *message_id,
                  const char *message, const char *text) {
  json_t *f = json_object();
  if (f && message_id) json_object_set_new(f, "message_id", json_string(message_id));
  if (f && text) {
    json_t *t = json_string(text);
    json_object_set_new(f, "text", t ? t : json_string("(not UTF-8)"));
  }
  rt_log(level, request_id, f, message);
  json_decref(f);
}

/* Every diagnostic as FILE:LINE:COL: error: MESSAGE, one per line. */
static void S_diag_text(cc_buf *out, const cc_diags *d) {
  for (size_t i = 0; i < d->n; i++) {
    const cc_diag *g = &d->items[i];
    if (i) cc_buf_putc(out, '\n');
    if (g->line > 0)
      cc_buf_printf(out, "%s:%d:%d: error: %s", g->file, g->line, g->col, g->msg);
    else
      cc_buf_printf(out, "%s: error: %s", g->file, g->msg);
  }
  if (!d->n) cc_buf_puts(out, "error");
}

static long long S_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The rendering context: channel vars, the message's vars over them, then
 * subject and the whole message. Returns a new reference or NULL. */
static json_t *S_context(const json_t *channel_vars, json_t *msg) {
  json_t *ctx = json_copy((json_t *)channel_vars);
  json_t *mvars = json_object_get(msg, "vars");
  if (!ctx) return NULL;
  if ((mvars && json_object_update(ctx, mvars) != 0) ||
      json_object_set(ctx, "subject", json_object_get(msg, "subject")) != 0 ||
      json_object_set(ctx, "message", msg) != 0) {
    json_decref(ctx);
    return NULL;
  }
  return ctx;
}

/* Renders one record into out; on failure sets *why (owned by out). */
static int S_render(cc_buf *out, const S_app *app, json_t *msg) {
  cc_diags d;
  json_t *ctx = S_context(app->vars, msg);
  int rc;
  cc_diags_init(&d);
  if (!ctx) return CC_ENOMEM;
  rc = cc_tpl_render(app->tpl, ctx, out, &d);
  json_decref(ctx);
  if (rc != CC_OK) {
    cc_buf_truncate(out, 0);
    S_diag_text(out, &d);
  }
  cc_diags_free(&d);
  return rc;
}

static int S_handle(json_t **response, const char **emsg, const char **etype,
                    const rt_event *ev, const rt_invocation *inv, void *user) {
  const S_app *app = user;
  if (ev->kind != RT_EVENT_SQS) {
    *emsg = "cloudcron-print handles SQS events only";
    *etype = "Handler.UnsupportedEvent";
    return CC_EINVAL;
  }
  /* A record without an id cannot be named in batchItemFailures: fail the
   * whole invocation before printing anything, so SQS redelivers it all. */
  for (size_t i = 0; i < ev->n_records; i++) {
    if (!ev->records[i].message_id) {
      *emsg = "a record has no messageId, so it cannot be reported alone; the whole batch fails";
      *etype = "Handler.InvalidBatch";
      return CC_EINVAL;
    }
  }
  unsigned char *failed = calloc(ev->n_records ? ev->n_records : 1, 1);
  cc_buf text = CC_BUF_INIT;
  size_t n_failed = 0;
  if (!failed) return CC_ENOMEM;
  for (size_t i = 0; i < ev->n_records; i++) {
    const rt_record *r = &ev->records[i];
    if (ev->fifo && n_failed > 0) {
      /* FIFO: the rest of the batch comes back after the failed record, in
       * order; handling it now would print it twice and out of order */
      char note[160];
      snprintf(note, sizeof note,
               "FIFO queue: %zu record(s) after the failed one left for SQS to redeliver",
               ev->n_records - i);
      S_log(RT_LOG_WARN, inv->request_id, NULL, note, NULL);
      for (; i < ev->n_records; i++) failed[i] = 1;
      break;
    }
    if (inv->deadline_ms > 0 && S_now_ms() + app->margin_ms >= inv->deadline_ms) {
      char note[160];
      snprintf(note, sizeof note,
               "the invocation's deadline is near: %zu record(s) left for SQS to redeliver",
               ev->n_records - i);
      S_log(RT_LOG_WARN, inv->request_id, NULL, note, NULL);
      for (; i < ev->n_records; i++) failed[i] = 1;
      break;
    }
    if (r->error) {
      S_log(RT_LOG_ERROR, inv->request_id, r->message_id, r->error, NULL);
      failed[i] = 1;
      n_failed++;
      continue;
    }
    cc_buf_truncate(&text, 0);
    int rc = S_render(&text, app, r->message);
    if (rc == CC_ENOMEM) {
      free(failed);
      cc_buf_free(&text);
      return rc;
    }
    if (rc != CC_OK) {
      S_log(RT_LOG_ERROR, inv->request_id, r->message_id, cc_buf_str(&text), NULL);
      failed[i] = 1;
      n_failed++;
      continue;
    }
    S_log(RT_LOG_INFO, inv->request_id, r->message_id, "rendered", cc_buf_str(&text));
  }
  cc_buf_free(&text);
  *response = rt_batch_response(ev, failed);
  free(failed);
  return *response ? CC_OK : CC_ENOMEM;
}

/* Reports an init failure to Lambda (and the log) and exits non-zero. */
static int S_init_failed(const char *msg, const char *type) {
  S_log(RT_LOG_ERROR, NULL, NULL, msg, NULL);
  rt_lambda_init_error(msg, type);
  return 1;
}

static int S_init(S_app *app, cc_buf *err) {
  rt_source src;
  cc_tpl_opts opts;
  cc_diags d;
  char why[1024];
  const char *vars = getenv("CLOUDCRON_VARS");
  const char *strict = getenv("CLOUDCRON_STRICT");
  const char *margin = getenv("CLOUDCRON_DEADLINE_MARGIN_MS");
  int rc;
  app->margin_ms = 500;
  if (margin && *margin) {
    char *end;
    errno = 0;
    app->margin_ms = strtoll(margin, &end, 10);
    if (errno || *end || app->margin_ms < 0 || app->margin_ms > 900000) {
      cc_buf_printf(err, "CLOUDCRON_DEADLINE_MARGIN_MS must be milliseconds from 0 to 900000, "
                         "not \"%s\"", margin);
      return CC_EINVAL;
    }
  }
  if (vars && *vars) {
    json_error_t jerr;
    app->vars = json_loads(vars, JSON_REJECT_DUPLICATES, &jerr);
    if (!app->vars || !json_is_object(app->vars)) {
      if (app->vars)
        cc_buf_puts(err, "CLOUDCRON_VARS must be a JSON object");
      else
        cc_buf_printf(err, "CLOUDCRON_VARS:%d:%d: error: %s", jerr.line, jerr.column, jerr.text);
      return CC_EINVAL;
    }
  } else if (!(app->vars = json_object())) {
    return CC_ENOMEM;
  }
  if (strict && *strict && strcmp(strict, "0") != 0 && strcmp(strict, "1") != 0) {
    cc_buf_printf(err, "CLOUDCRON_STRICT must be 1 or 0, not \"%s\"", strict);
    return CC_EINVAL;
  }
  rc = rt_source_load(&src, why, sizeof why);
  if (rc != CC_OK) {
    cc_buf_puts(err, why);
    return rc;
  }
  cc_tpl_opts_default(&opts);
  opts.autoescape = CC_TPL_AUTOESCAPE_BY_NAME;
  opts.strict = strict && strcmp(strict, "1") == 0;
  cc_diags_init(&d);
  rc = cc_tpl_compile(&app->tpl, src.name, src.text, src.len, &opts, &d);
  if (rc != CC_OK) S_diag_text(err, &d);
  cc_diags_free(&d);
  rt_source_free(&src);
  return rc;
}

int main(void) {
  S_app app = {0};
  cc_buf err = CC_BUF_INIT;
  int status = 0;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = S_init(&app, &err);
  if (rc != CC_OK) {
    status = S_init_failed(err.len ? cc_buf_str(&err) : cc_strerror(rc),
                           "Runtime.InitError");
  } else {
    rc = rt_lambda_run(S_handle, &app);
    /* the loop returns only when the Runtime API stops answering */
    status = rc == CC_EREMOTE ? 0 : 1;
  }
  cc_tpl_free(app.tpl);
  json_decref(app.vars);
  cc_buf_free(&err);
  curl_global_cleanup();
  return status;
}
