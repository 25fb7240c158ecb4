/* channel.c: the settings, template, batch loop and logs every channel
 * handler shares. */
#include "channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "cc/diag.h"
#include "cc/err.h"
#include "cc/file.h"
#include "dl.h"
#include "args.h"
#include "http.h"
#include "source.h"

void rt_channel_log(rt_log_level level, const char *request_id, const char *message_id,
                    const char *message, json_t *fields) {
  json_t *f = fields ? fields : json_object();
  if (f && message_id) json_object_set_new(f, "message_id", json_string(message_id));
  rt_log(level, request_id, f, message);
  json_decref(f);
}

/* Every diagnostic as FILE:LINE:COL: error: MESSAGE, one per line: error
 * text, best effort (a failed append leaves what came before). */
static void S_diag_text(cc_buf *out, const cc_diags *d) {
  for (size_t i = 0; i < d->n; i++) {
    const cc_diag *g = &d->items[i];
    if (i) cc_buf_emitc(out, '\n');
    if (g->line > 0)
      cc_buf_emitf(out, "%s:%d:%d: error: %s", g->file, g->line, g->col, g->msg);
    else
      cc_buf_emitf(out, "%s: error: %s", g->file, g->msg);
  }
  if (!d->n) cc_buf_emit(out, "error");
}

int rt_channel_compile(cc_tpl **out, const rt_channel *ch, const char *name, const char *text,
                       size_t len, int autoescape, cc_buf *err) {
  cc_tpl_opts opts;
  cc_diags d;
  cc_tpl_opts_default(&opts);
  opts.autoescape = autoescape;
  opts.strict = ch->strict;
  if (ch->src.base) { /* include, import, extends: from the template's folder */
    opts.load = rt_source_load_part;
    opts.load_data = (void *)&ch->src;
  }
  cc_diags_init(&d);
  int rc = cc_tpl_compile(out, name, text, len, &opts, &d);
  /* A template it names that is missing or broken fails now, at init,
   * not on every message. */
  if (rc == CC_OK && cc_tpl_check_refs(*out, 0, &d)) {
    cc_tpl_free(*out);
    *out = NULL;
    rc = CC_EINVAL;
  }
  if (rc != CC_OK) S_diag_text(err, &d);
  cc_diags_free(&d);
  return rc;
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

int rt_channel_render(cc_buf *out, const rt_channel *ch, const cc_tpl *tpl, json_t *msg) {
  cc_diags d;
  json_t *ctx = S_context(ch->vars, msg);
  int rc;
  cc_buf_truncate(out, 0);
  if (!ctx) return CC_ENOMEM;
  cc_diags_init(&d);
  rc = cc_tpl_render(tpl, ctx, out, &d);
  json_decref(ctx);
  if (rc != CC_OK && rc != CC_ENOMEM) {
    cc_buf_truncate(out, 0);
    S_diag_text(out, &d);
  }
  cc_diags_free(&d);
  return rc;
}

/* Marks records from i on as left for SQS to redeliver, with a WARN line
 * (fmt has one %zu: how many). */
static void S_leave_rest(unsigned char *failed, size_t i, size_t n, const char *request_id,
                         const char *fmt) {
  char note[200];
  snprintf(note, sizeof note, fmt, n - i);
  rt_channel_log(RT_LOG_WARN, request_id, NULL, note, NULL);
  for (; i < n; i++) failed[i] = 1;
}

static int S_handle(json_t **response, const char **emsg, const char **etype,
                    const rt_event *ev, const rt_invocation *inv, void *user) {
  rt_channel *ch = user;
  if (ev->kind != RT_EVENT_SQS) {
    snprintf(ch->emsg, sizeof ch->emsg, "%s handles SQS events only", ch->ops->name);
    *emsg = ch->emsg;
    *etype = "Handler.UnsupportedEvent";
    return CC_EINVAL;
  }
  /* A record without an id cannot be named in batchItemFailures: fail the
   * whole invocation before delivering anything, so SQS redelivers it all. */
  for (size_t i = 0; i < ev->n_records; i++) {
    if (!ev->records[i].message_id) {
      *emsg = "a record has no messageId, so it cannot be reported alone; the whole batch fails";
      *etype = "Handler.InvalidBatch";
      return CC_EINVAL;
    }
  }
  unsigned char *failed = calloc(ev->n_records ? ev->n_records : 1, 1);
  size_t n_failed = 0;
  if (!failed) return CC_ENOMEM;
  for (size_t i = 0; i < ev->n_records; i++) {
    const rt_record *r = &ev->records[i];
    if (ev->fifo && n_failed > 0) {
      /* FIFO: the rest of the batch comes back after the failed record, in
       * order; handling it now would deliver it twice and out of order */
      S_leave_rest(failed, i, ev->n_records, inv->request_id,
                   "FIFO queue: %zu record(s) after the failed one left for SQS to redeliver");
      break;
    }
    if (inv->deadline_ms > 0 && rt_now_ms() + ch->margin_ms >= inv->deadline_ms) {
      S_leave_rest(failed, i, ev->n_records, inv->request_id,
                   "the invocation's deadline is near: %zu record(s) left for SQS to redeliver");
      break;
    }
    int rc;
    if (r->error) {
      rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, r->error, NULL);
      rc = CC_EINVAL;
    } else {
      rc = ch->ops->deliver(ch, inv, r);
    }
    if (rc == CC_ENOMEM) {
      free(failed);
      return rc;
    }
    if (rc != CC_OK) {
      failed[i] = 1;
      n_failed++;
    }
  }
  *response = rt_batch_response(ev, failed);
  free(failed);
  return *response ? CC_OK : CC_ENOMEM;
}

static int S_is_html(const char *name) {
  static const char *const ext[] = {".html", ".htm", ".xml"};
  size_t n = strlen(name);
  for (int i = 0; i < 3; i++) {
    size_t e = strlen(ext[i]);
    if (n >= e && strcasecmp(name + n - e, ext[i]) == 0) return 1;
  }
  return 0;
}

/* The settings every channel shares, and its template. */
static int S_init(rt_channel *ch, cc_buf *err) {
  const char *vars = getenv("CLOUDCRON_VARS");
  const char *strict = getenv("CLOUDCRON_STRICT");
  const char *margin = getenv("CLOUDCRON_DEADLINE_MARGIN_MS");
  int rc;
  ch->margin_ms = 500;
  if (margin && *margin) {
    char *end;
    errno = 0;
    ch->margin_ms = strtoll(margin, &end, 10);
    if (errno || *end || ch->margin_ms < 0 || ch->margin_ms > 900000) {
      cc_buf_seterr(err, "CLOUDCRON_DEADLINE_MARGIN_MS must be milliseconds from 0 to 900000, "
                         "not \"%s\"", margin);
      return CC_EINVAL;
    }
  }
  if (vars && *vars) {
    json_error_t jerr;
    ch->vars = json_loads(vars, JSON_REJECT_DUPLICATES, &jerr);
    if (!ch->vars || !json_is_object(ch->vars)) {
      if (ch->vars)
        cc_buf_seterr(err, "CLOUDCRON_VARS must be a JSON object");
      else
        cc_buf_seterr(err, "CLOUDCRON_VARS:%d:%d: error: %s", jerr.line, jerr.column, jerr.text);
      return CC_EINVAL;
    }
  } else if (!(ch->vars = json_object())) {
    return CC_ENOMEM;
  }
  if (strict && *strict && strcmp(strict, "0") != 0 && strcmp(strict, "1") != 0) {
    cc_buf_seterr(err, "CLOUDCRON_STRICT must be 1 or 0, not \"%s\"", strict);
    return CC_EINVAL;
  }
  ch->strict = strict && strcmp(strict, "1") == 0;
  rc = rt_source_load(&ch->src, err);
  if (rc != CC_OK) return rc;
  ch->html = S_is_html(ch->src.name);
  /* The source stays: templates named by expressions load when a render
   * reaches them. */
  return rt_channel_compile(&ch->tpl, ch, ch->src.name, ch->src.text, ch->src.len, CC_TPL_AUTOESCAPE_BY_NAME,
                            err);
}

const char *rt_channel_message_key(const rt_record *r) {
  const char *dedup = json_string_value(json_object_get(r->message, "dedup_id"));
  return dedup ? dedup : r->message_id;
}

int rt_channel_deliver_once(rt_channel *ch, const rt_invocation *inv, const rt_record *r,
                            const char *recipient, rt_channel_send_fn send, void *arg,
                            int *skipped) {
  const char *key = rt_channel_message_key(r);
  char result[256] = "";
  cc_buf err = CC_BUF_INIT;
  rt_idem_state st = RT_IDEM_CLAIMED;
  int rc;
  *skipped = 0;
  if (ch->idem.table) {
    long long until = inv->deadline_ms > 0 ? inv->deadline_ms : rt_now_ms() + 900000;
    rc = rt_idem_claim(&ch->idem, &ch->aws, key, recipient, inv->request_id, until, &st, &err);
    /* nothing sent: a redelivery tries again */
    if (rc != CC_OK)
      rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, cc_buf_str(&err),
                     json_pack("{s:s}", "to", recipient));
    cc_buf_free(&err); /* a claim that found the record set it too */
    if (rc != CC_OK) return rc;
    if (st == RT_IDEM_DONE) {
      *skipped = 1;
      rt_channel_log(RT_LOG_INFO, inv->request_id, r->message_id, "already delivered; skipped",
                     json_pack("{s:s,s:b}", "to", recipient, "skipped", 1));
      return CC_OK;
    }
    if (st == RT_IDEM_BUSY) {
      rt_channel_log(RT_LOG_WARN, inv->request_id, r->message_id,
                     "another invocation is delivering it; left for a redelivery",
                     json_pack("{s:s}", "to", recipient));
      return CC_EREMOTE;
    }
  }
  ch->aws.maybe_sent = 0;
  rc = send(ch, arg, result, sizeof result);
  int maybe = ch->aws.maybe_sent;
  if (maybe)
    rt_idem_ambiguous(&ch->idem, inv->request_id, r->message_id, recipient, maybe,
                      rc == CC_OK ? "ambiguous delivery: an attempt got no answer after its "
                                    "request left, then a retry was sent; it may have arrived twice"
                                  : "ambiguous delivery: no answer after the request left; it may "
                                    "have arrived, and a redelivery sends it again");
  if (ch->idem.table && rc != CC_ENOMEM) {
    int frc = rt_idem_finish(&ch->idem, &ch->aws, key, recipient, rc == CC_OK, result, &err);
    if (frc != CC_OK && rc == CC_OK)
      rt_idem_ambiguous(&ch->idem, inv->request_id, r->message_id, recipient, 0,
                        "sent, but its idempotency record could not be marked done: once the "
                        "claim's deadline passes, a redelivery may send it again");
    if (frc != CC_OK)
      rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, cc_buf_str(&err),
                     json_pack("{s:s}", "to", recipient));
  }
  cc_buf_free(&err);
  return rc;
}

/* CLOUDCRON_RETRY_BASE_MS and CLOUDCRON_RETRY_CAP_MS: the backoff of the
 * AWS and provider calls (http.h; defaults 50 and 2000). */
static int S_retry_env(rt_retry *r, cc_buf *err) {
  static const char *const var[] = {"CLOUDCRON_RETRY_BASE_MS", "CLOUDCRON_RETRY_CAP_MS"};
  long *field[] = {&r->base_ms, &r->cap_ms};
  for (int i = 0; i < 2; i++) {
    const char *v = getenv(var[i]);
    char *end;
    if (!v || !*v) continue;
    errno = 0;
    long ms = strtol(v, &end, 10);
    if (errno || *end || ms < 1 || ms > 60000) {
      cc_buf_seterr(err, "%s must be milliseconds from 1 to 60000, not \"%s\"", var[i], v);
      return CC_EINVAL;
    }
    *field[i] = ms;
  }
  return CC_OK;
}

/* The handler's state and AWS client, then its own setup. */
static int S_setup(rt_channel *ch, int *set_up, cc_buf *err) {
  const rt_channel_ops *ops = ch->ops;
  const char *timeout = getenv("CLOUDCRON_SEND_TIMEOUT_MS");
  int rc = CC_OK;
  if (ops->aws && (rc = rt_aws_client_from_env(&ch->aws, err)) != CC_OK) return rc;
  if (ops->aws && timeout && *timeout) {
    char *end;
    errno = 0;
    long ms = strtol(timeout, &end, 10);
    if (errno || *end || ms < 100 || ms > 900000) {
      cc_buf_seterr(err, "CLOUDCRON_SEND_TIMEOUT_MS must be milliseconds from 100 to 900000, not "
                         "\"%s\"", timeout);
      return CC_EINVAL;
    }
    ch->aws.retry.total_timeout_ms = ms;
    if (ch->aws.retry.connect_timeout_ms > ms) ch->aws.retry.connect_timeout_ms = ms;
  }
  if (ops->aws && (rc = S_retry_env(&ch->aws.retry, err)) != CC_OK) return rc;
  if (ops->aws && (rc = rt_idem_init(&ch->idem, ops->name, err)) != CC_OK) return rc;
  if (ops->aws && (rc = rt_curl_transport_init(&ch->curl)) != CC_OK) return rc;
  if (ops->aws) ch->aws.transport = &ch->curl;
  if (ops->user_size && !(ch->user = calloc(1, ops->user_size))) return CC_ENOMEM;
  *set_up = 1;
  return ops->setup ? ops->setup(ch, err) : CC_OK;
}

/* The variables every channel reads, for --help. */
static const char S_common_help[] =
    "  CLOUDCRON_TEMPLATE            the template itself (Jinja2 syntax)\n"
    "  CLOUDCRON_TEMPLATE_URL        or where it is: file://PATH, https://..., s3://BUCKET/KEY\n"
    "  CLOUDCRON_TEMPLATE_NAME       its name in diagnostics; picks autoescape (.html .htm .xml)\n"
    "  CLOUDCRON_TEMPLATE_MAX_BYTES  the template's size limit (default 1 MiB)\n"
    "  CLOUDCRON_TEMPLATE_TIMEOUT_MS the fetch's time limit (default 10000)\n"
    "  CLOUDCRON_VARS                the channel's variables, a JSON object\n"
    "  CLOUDCRON_STRICT              1: an undefined variable fails the record\n"
    "  CLOUDCRON_DEADLINE_MARGIN_MS  records not started this close to the deadline (default 500)\n"
    "  CLOUDCRON_LOG_LEVEL           DEBUG, INFO, WARN or ERROR (default INFO)\n"
    "  AWS_CA_BUNDLE                 a CA bundle for https://\n";

static void S_usage(const rt_channel_ops *ops, FILE *f) {
  fprintf(f,
          "usage: %s                     (as a Lambda bootstrap: AWS_LAMBDA_RUNTIME_API)\n"
          "       %s --event FILE|- [--timeout SECONDS]   (one local invocation)\n",
          ops->name, ops->name);
}

static void S_help(const rt_channel_ops *ops) {
  S_usage(ops, stdout);
  fputs("\nWith --event, the handler runs once on the event in FILE (- for stdin), an\n"
        "SQS batch as Lambda delivers it: the response JSON (batchItemFailures) on\n"
        "stdout, the log lines on stderr; exit status 0 when the handler returned\n"
        "(even with failed records), 1 when the init or the invocation failed.\n\n",
        stdout);
  if (ops->help) printf("%s\n", ops->help);
  printf("Every channel reads:\n%s", S_common_help);
}

/* The usage lines, or the whole help, for rt_args_parse. */
static void S_usage_of(void *user, FILE *f, int full) {
  if (full)
    S_help(user);
  else
    S_usage(user, f);
}

/* One local invocation on the event in path ("-": stdin), as the Runtime
 * API loop would run it; the response on stdout. */
static int S_local(rt_channel *ch, const char *path, long timeout_s) {
  char *text = NULL;
  size_t len = 0;
  rt_event ev;
  const char *emsg = NULL, *etype = NULL;
  cc_buf why = CC_BUF_INIT;
  const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
  json_t *resp = NULL;
  int status = 1;
  /* Lambda's synchronous payload limit */
  int rc = cc_file_read(&text, &len, path, (size_t)6 << 20);
  if (rc != CC_OK) {
    fprintf(stderr, "%s: cannot read the event %s: %s\n", ch->ops->name, shown, cc_strerror(rc));
    goto out;
  }
  rt_invocation inv = {"local", "", "", rt_now_ms() + timeout_s * 1000};
  rc = rt_event_parse(&ev, &why, text, len);
  if (rc != CC_OK) {
    fprintf(stderr, "%s: %s: %s\n", ch->ops->name, shown, why.len ? cc_buf_str(&why) : cc_strerror(rc));
    goto out;
  }
  rc = S_handle(&resp, &emsg, &etype, &ev, &inv, ch);
  rt_event_free(&ev);
  if (rc != CC_OK) {
    json_t *f = json_pack("{s:s}", "error_type", etype ? etype : "Handler.Error");
    rt_log(RT_LOG_ERROR, inv.request_id, f, emsg ? emsg : cc_strerror(rc));
    json_decref(f);
    goto out;
  }
  char *s = rt_json_dumps(resp ? resp : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
  if (s) {
    printf("%s\n", s);
    status = fflush(stdout) == 0 ? 0 : 1;
  }
  free(s);
out:
  json_decref(resp);
  free(text);
  cc_buf_free(&why);
  return status;
}

int rt_channel_main(const rt_channel_ops *ops, int argc, char **argv) {
  rt_channel ch = {.ops = ops};
  cc_buf err = CC_BUF_INIT;
  rt_args args;
  int status = rt_args_parse(&args, argc, argv, ops->name, S_usage_of, (void *)ops), set_up = 0;
  if (status >= 0) return status;
  int rc = S_init(&ch, &err);
  if (rc == CC_OK) rc = S_setup(&ch, &set_up, &err);
  if (rc != CC_OK) {
    const char *msg = err.len ? cc_buf_str(&err) : cc_strerror(rc);
    rt_channel_log(RT_LOG_ERROR, NULL, NULL, msg, NULL);
    if (!args.event) rt_lambda_init_error(msg, "Runtime.InitError");
    status = 1;
  } else if (args.event) {
    status = S_local(&ch, args.event, args.timeout_s);
  } else {
    rc = rt_lambda_run(S_handle, &ch);
    /* the loop returns only when the Runtime API stops answering */
    status = rc == CC_EREMOTE ? 0 : 1;
  }
  if (set_up && ops->cleanup) ops->cleanup(&ch);
  free(ch.user);
  rt_curl_transport_free(&ch.curl);
  cc_tpl_free(ch.tpl);
  rt_source_free(&ch.src);
  json_decref(ch.vars);
  cc_buf_free(&err);
  rt_curl_cleanup();
  return status;
}

int rt_list_from_env(rt_list *out, const char *var, int (*ok)(const char *item),
                     const char *what, cc_buf *err) {
  const char *v = getenv(var);
  size_t len = v ? strlen(v) : 0, cap = 1;
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < len; i++) cap += v[i] == ',';
  out->text = malloc(len + 1);
  out->items = malloc(cap * sizeof *out->items);
  if (!out->text || !out->items) {
    rt_list_free(out);
    return CC_ENOMEM;
  }
  memcpy(out->text, v ? v : "", len + 1);
  if (len == 0) return CC_OK;
  for (char *p = out->text;;) {
    char *comma = strchr(p, ',');
    char *end = comma ? comma : p + strlen(p);
    while (*p == ' ') p++;
    while (end > p && end[-1] == ' ') end--;
    *end = '\0';
    if (!*p || (ok && !ok(p))) {
      cc_buf_seterr(err, "%s: \"%s\" is not %s", var, p, what);
      rt_list_free(out);
      return CC_EINVAL;
    }
    out->items[out->n++] = p;
    if (!comma) break;
    p = comma + 1;
  }
  return CC_OK;
}

void rt_list_free(rt_list *l) {
  if (l) {
    free(l->text);
    free(l->items);
    *l = (rt_list){0};
  }
}
