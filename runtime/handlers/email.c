/* cloudcron-email: the e-mail channel's bootstrap. For each SQS record it
 * renders the subject (CLOUDCRON_SUBJECT, a template; default the
 * message's subject; a line break fails the record) and the body's parts
 * (S_kind: Markdown as text and as HTML through libcmark; HTML, autoescaped,
 * with a text part from CLOUDCRON_TEXT_TEMPLATE or derived from it; else
 * text) and sends one e-mail with SES v2 SendEmail to every recipient; the
 * settings, the batch loop and its failures are the channel's (channel.h).
 *
 * Environment, besides the channel's: CLOUDCRON_SENDER (FromEmailAddress:
 * ADDR or Name <ADDR>), CLOUDCRON_TEXT_TEMPLATE(_URL, _NAME),
 * CLOUDCRON_RECIPIENTS (comma separated, 1 to 50), CLOUDCRON_REPLY_TO
 * (comma separated), CLOUDCRON_CONFIGURATION_SET, CLOUDCRON_SUBJECT; the
 * function's credentials and region (AWS_*), AWS_ENDPOINT_URL_SESV2 or
 * AWS_ENDPOINT_URL for another endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cc/err.h"
#include "channel.h"
#include "mail.h"

enum { S_MAX_RECIPIENTS = 50 }; /* SES: at most 50 per message */

/* What the channel's template is, by its name. */
typedef enum S_kind {
  S_TEXT,     /* anything else: a text part only */
  S_HTML,     /* .html .htm .xml: an HTML part and a text part */
  S_MARKDOWN  /* .md .markdown: the text part is the Markdown, the HTML part cmark's */
} S_kind;

typedef struct S_email {
  cc_buf sender;          /* FromEmailAddress as SES takes it (rt_mail_mailbox) */
  const char *configuration_set; /* borrowed from the environment */
  rt_list to, reply_to;
  cc_tpl *subject;        /* NULL: the message's subject as it is */
  S_kind kind;
  cc_tpl *md;             /* S_MARKDOWN: the template, values escaped for CommonMark */
  cc_tpl *text;           /* S_HTML: the companion text template; NULL: text from the HTML */
} S_email;

static int S_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* CLOUDCRON_TEXT_TEMPLATE(_URL): the text part of an HTML channel. */
static int S_text_template(rt_channel *ch, S_email *e, cc_buf *err) {
  rt_source src;
  cc_buf why = CC_BUF_INIT; /* not err: "not set" is no error here */
  int rc = rt_source_load_var(&src, "CLOUDCRON_TEXT_TEMPLATE", &why);
  if (rc == CC_ENOTFOUND) {
    cc_buf_free(&why);
    return CC_OK;
  }
  if (rc == CC_OK && e->kind != S_HTML) {
    cc_buf_seterr(err, "CLOUDCRON_TEXT_TEMPLATE is the text part of an HTML template (.html, .htm, "
                       ".xml); %s is sent as text already", ch->src.name);
    rc = CC_EINVAL;
  } else if (rc == CC_OK) {
    rc = rt_channel_compile(&e->text, ch, src.name, src.text, src.len, CC_TPL_AUTOESCAPE_OFF, err);
  } else {
    cc_buf_seterr(err, "%s", cc_buf_str(&why));
  }
  cc_buf_free(&why);
  rt_source_free(&src);
  return rc;
}

static int S_setup(rt_channel *ch, cc_buf *err) {
  S_email *e = ch->user;
  const char *subject = getenv("CLOUDCRON_SUBJECT");
  const char *sender = getenv("CLOUDCRON_SENDER");
  cc_buf why = CC_BUF_INIT;
  int rc;
  cc_buf_init(&e->sender, 1024);
  e->configuration_set = getenv("CLOUDCRON_CONFIGURATION_SET");
  if (e->configuration_set && !*e->configuration_set) e->configuration_set = NULL;
  rc = rt_mail_mailbox(&e->sender, sender ? sender : "", &why);
  if (rc != CC_OK) {
    if (rc == CC_EINVAL)
      cc_buf_seterr(err, "CLOUDCRON_SENDER must be an e-mail address or Name <address>, not "
                         "\"%s\": %s", sender ? sender : "", cc_buf_str(&why));
    cc_buf_free(&why);
    return rc;
  }
  rc = rt_list_from_env(&e->to, "CLOUDCRON_RECIPIENTS", rt_mail_is_address, "an e-mail address",
                        err);
  if (rc == CC_OK && (e->to.n == 0 || e->to.n > S_MAX_RECIPIENTS)) {
    cc_buf_seterr(err, "CLOUDCRON_RECIPIENTS must list 1 to %d e-mail addresses, not %zu",
                  S_MAX_RECIPIENTS, e->to.n);
    rc = CC_EINVAL;
  }
  if (rc == CC_OK)
    rc = rt_list_from_env(&e->reply_to, "CLOUDCRON_REPLY_TO", rt_mail_is_address,
                          "an e-mail address", err);
  /* the subject is a header: plain text even beside an HTML body */
  if (rc == CC_OK && subject && *subject)
    rc = rt_channel_compile(&e->subject, ch, "CLOUDCRON_SUBJECT", subject, strlen(subject),
                            CC_TPL_AUTOESCAPE_OFF, err);
  e->kind = ch->html ? S_HTML
            : S_ends_with(ch->src.name, ".md") || S_ends_with(ch->src.name, ".markdown") ? S_MARKDOWN
                                                                                          : S_TEXT;
  if (rc == CC_OK && e->kind == S_MARKDOWN)
    rc = rt_channel_compile(&e->md, ch, ch->src.name, ch->src.text, ch->src.len,
                            CC_TPL_AUTOESCAPE_MARKDOWN, err);
  if (rc == CC_OK) rc = S_text_template(ch, e, err);
  return rc;
}

static void S_cleanup(rt_channel *ch) {
  S_email *e = ch->user;
  cc_buf_free(&e->sender);
  rt_list_free(&e->to);
  rt_list_free(&e->reply_to);
  cc_tpl_free(e->subject);
  cc_tpl_free(e->md);
  cc_tpl_free(e->text);
}

/* Logs a record's failure with what failed; returns rc. */
static int S_failed(const rt_invocation *inv, const rt_record *r, const char *what, int rc) {
  rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, what, NULL);
  return rc;
}

/* Renders tpl into out; a render error is logged for the record. */
static int S_render(cc_buf *out, rt_channel *ch, const cc_tpl *tpl, const rt_invocation *inv,
                    const rt_record *r) {
  int rc = rt_channel_render(out, ch, tpl, r->message);
  if (rc != CC_OK && rc != CC_ENOMEM) S_failed(inv, r, cc_buf_str(out), rc);
  return rc;
}

/* The two parts of the body: text and, but for S_TEXT, HTML. */
static int S_body(cc_buf *text, cc_buf *html, rt_channel *ch, const rt_invocation *inv,
                  const rt_record *r) {
  S_email *e = ch->user;
  cc_buf md = CC_BUF_INIT;
  int rc;
  switch (e->kind) {
  case S_HTML:
    rc = S_render(html, ch, ch->tpl, inv, r);
    if (rc == CC_OK && e->text) rc = S_render(text, ch, e->text, inv, r);
    else if (rc == CC_OK) rc = rt_mail_html_text(text, cc_buf_str(html), html->len);
    break;
  case S_MARKDOWN:
    rc = S_render(text, ch, ch->tpl, inv, r);
    if (rc == CC_OK) rc = S_render(&md, ch, e->md, inv, r);
    if (rc == CC_OK) rc = rt_mail_markdown_html(html, cc_buf_str(&md), md.len);
    break;
  default:
    rc = S_render(text, ch, ch->tpl, inv, r);
  }
  cc_buf_free(&md);
  return rc;
}

/* The e-mail of a record (rt_channel_send_fn). */
typedef struct S_one {
  const rt_invocation *inv;
  const rt_record *r;
  const rt_ses_email_in *in;
} S_one;

static int S_send_one(rt_channel *ch, void *arg, char *result, size_t rcap) {
  S_email *e = ch->user;
  S_one *o = arg;
  cc_buf err = CC_BUF_INIT;
  int rc = rt_ses_send_email(&ch->aws, o->in, result, rcap, &err);
  if (rc == CC_OK) {
    rt_channel_log(RT_LOG_INFO, o->inv->request_id, o->r->message_id, "sent",
                   json_pack("{s:s,s:i,s:s}", "ses_message_id", result, "recipients", (int)e->to.n,
                             "parts", o->in->html ? "text+html" : "text"));
  } else if (rc != CC_ENOMEM) {
    rc = S_failed(o->inv, o->r, cc_buf_str(&err), rc);
  }
  cc_buf_free(&err);
  return rc;
}

static int S_deliver(rt_channel *ch, const rt_invocation *inv, const rt_record *r) {
  S_email *e = ch->user;
  cc_buf subject = CC_BUF_INIT, text = CC_BUF_INIT, html = CC_BUF_INIT;
  int rc = CC_OK;
  if (e->subject)
    rc = S_render(&subject, ch, e->subject, inv, r);
  else
    rc = cc_buf_puts(&subject, json_string_value(json_object_get(r->message, "subject")));
  if (rc != CC_OK) goto out;
  /* a line break would start a header of its own: refused, never mended */
  if (strpbrk(cc_buf_str(&subject), "\r\n")) {
    rc = S_failed(inv, r, "the subject holds a line break (CR or LF), which would start another "
                          "header; nothing sent", CC_EINVAL);
    goto out;
  }
  if ((rc = S_body(&text, &html, ch, inv, r)) != CC_OK) goto out;
  rt_ses_email_in in = {.from = cc_buf_str(&e->sender), .to = e->to.items, .n_to = e->to.n,
                        .reply_to = e->reply_to.items, .n_reply_to = e->reply_to.n,
                        .configuration_set = e->configuration_set,
                        .subject = cc_buf_str(&subject), .text = cc_buf_str(&text),
                        .html = e->kind == S_TEXT ? NULL : cc_buf_str(&html)};
  /* retries stop where the batch loop stops starting records */
  ch->aws.retry.deadline_ms = inv->deadline_ms > 0 ? inv->deadline_ms - ch->margin_ms : 0;
  /* one e-mail to every recipient: one delivery, recipient "all" */
  S_one one = {inv, r, &in};
  int skipped;
  rc = rt_channel_deliver_once(ch, inv, r, "all", S_send_one, &one, &skipped);
out:
  cc_buf_free(&subject);
  cc_buf_free(&text);
  cc_buf_free(&html);
  return rc;
}

static const char S_help[] =
    "cloudcron-email: the e-mail channel. Renders the subject and the body for each\n"
    "SQS record and sends one e-mail to every recipient with SES v2 SendEmail.\n\n"
    "Its variables:\n"
    "  CLOUDCRON_SENDER              FromEmailAddress: ADDR or Name <ADDR> (required)\n"
    "  CLOUDCRON_RECIPIENTS          ToAddresses, comma separated, 1 to 50 (required)\n"
    "  CLOUDCRON_REPLY_TO            ReplyToAddresses, comma separated\n"
    "  CLOUDCRON_CONFIGURATION_SET   ConfigurationSetName\n"
    "  CLOUDCRON_SUBJECT             the subject template (default: the message's subject)\n"
    "  CLOUDCRON_TEXT_TEMPLATE(_URL, _NAME)  the text part of an .html template\n"
    "                                (default: text derived from the HTML)\n"
    "  (a .md template: the text part is the Markdown as rendered, the HTML part\n"
    "   that Markdown through CommonMark, raw HTML dropped; no GFM tables)\n"
    "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION\n"
    "                                the function's credentials and region\n"
    "  AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL   another SES endpoint\n"
    "  CLOUDCRON_IDEMPOTENCY_TABLE   a DynamoDB table recording each delivery (sent once)\n"
    "  CLOUDCRON_IDEMPOTENCY_TTL_S   how long a record is kept (default 1209600)\n"
    "  CLOUDCRON_SEND_TIMEOUT_MS     each attempt's time limit (default 10000)\n"
    "  CLOUDCRON_RETRY_BASE_MS, CLOUDCRON_RETRY_CAP_MS   the backoff (default 50, 2000)";

int main(int argc, char **argv) {
  static const rt_channel_ops ops = {.name = "cloudcron-email", .help = S_help,
                                     .user_size = sizeof(S_email),
                                     .aws = 1, .setup = S_setup, .deliver = S_deliver,
                                     .cleanup = S_cleanup};
  return rt_channel_main(&ops, argc, argv);
}
