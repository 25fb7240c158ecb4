/* cloudcron-email: the e-mail channel's bootstrap. For each SQS record it
 * renders the subject (CLOUDCRON_SUBJECT, a template; default the
 * message's subject) and the body (the channel's template: HTML when its
 * name ends in .html, .htm or .xml, autoescaped, else text) and sends one
 * e-mail with SES v2 SendEmail to every recipient; the settings, the batch
 * loop and its failures are the channel's (channel.h).
 *
 * Environment, besides the channel's: CLOUDCRON_SENDER (FromEmailAddress),
 * CLOUDCRON_RECIPIENTS (comma separated, 1 to 50), CLOUDCRON_REPLY_TO
 * (comma separated), CLOUDCRON_CONFIGURATION_SET, CLOUDCRON_SUBJECT; the
 * function's credentials and region (AWS_*), AWS_ENDPOINT_URL_SESV2 or
 * AWS_ENDPOINT_URL for another endpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "channel.h"

enum { S_MAX_RECIPIENTS = 50 }; /* SES: at most 50 per message */

typedef struct S_email {
  const char *sender;     /* borrowed from the environment */
  const char *configuration_set;
  rt_list to, reply_to;
  cc_tpl *subject;        /* NULL: the message's subject as it is */
} S_email;

/* The shape the module's validation allows: LOCAL@DOMAIN.TLD, no spaces,
 * commas or second '@'. */
static int S_is_address(const char *s) {
  const char *at = strchr(s, '@');
  if (!at || at == s || strchr(at + 1, '@') || strpbrk(s, " \t\r\n,")) return 0;
  const char *dot = strrchr(at + 1, '.');
  return dot && dot > at + 1 && dot[1];
}

static int S_setup(rt_channel *ch, cc_buf *err) {
  S_email *e = ch->user;
  const char *subject = getenv("CLOUDCRON_SUBJECT");
  int rc;
  e->sender = getenv("CLOUDCRON_SENDER");
  e->configuration_set = getenv("CLOUDCRON_CONFIGURATION_SET");
  if (e->configuration_set && !*e->configuration_set) e->configuration_set = NULL;
  if (!e->sender || !S_is_address(e->sender)) {
    cc_buf_printf(err, "CLOUDCRON_SENDER must be an e-mail address, not \"%s\"",
                  e->sender ? e->sender : "");
    return CC_EINVAL;
  }
  rc = rt_list_from_env(&e->to, "CLOUDCRON_RECIPIENTS", S_is_address, "an e-mail address", err);
  if (rc == CC_OK && (e->to.n == 0 || e->to.n > S_MAX_RECIPIENTS)) {
    cc_buf_printf(err, "CLOUDCRON_RECIPIENTS must list 1 to %d e-mail addresses, not %zu",
                  S_MAX_RECIPIENTS, e->to.n);
    rc = CC_EINVAL;
  }
  if (rc == CC_OK)
    rc = rt_list_from_env(&e->reply_to, "CLOUDCRON_REPLY_TO", S_is_address, "an e-mail address",
                          err);
  /* the subject is a header: plain text even beside an HTML body */
  if (rc == CC_OK && subject && *subject)
    rc = rt_channel_compile(&e->subject, ch, "CLOUDCRON_SUBJECT", subject, strlen(subject),
                            CC_TPL_AUTOESCAPE_OFF, err);
  return rc;
}

static void S_cleanup(rt_channel *ch) {
  S_email *e = ch->user;
  rt_list_free(&e->to);
  rt_list_free(&e->reply_to);
  cc_tpl_free(e->subject);
}

/* Logs a record's failure with what failed; returns rc. */
static int S_failed(const rt_invocation *inv, const rt_record *r, const char *what, int rc) {
  rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, what, NULL);
  return rc;
}

static int S_deliver(rt_channel *ch, const rt_invocation *inv, const rt_record *r) {
  S_email *e = ch->user;
  cc_buf subject = CC_BUF_INIT, body = CC_BUF_INIT;
  char id[256], err[1024];
  int rc = CC_OK;
  if (e->subject)
    rc = rt_channel_render(&subject, ch, e->subject, r->message);
  else
    rc = cc_buf_puts(&subject, json_string_value(json_object_get(r->message, "subject")));
  if (rc != CC_OK) {
    if (rc != CC_ENOMEM) rc = S_failed(inv, r, cc_buf_str(&subject), rc);
    goto out;
  }
  /* a line break would start a new header: the subject is one line */
  for (char *c = subject.ptr; c && *c; c++)
    if (*c == '\r' || *c == '\n') *c = ' ';
  rc = rt_channel_render(&body, ch, ch->tpl, r->message);
  if (rc != CC_OK) {
    if (rc != CC_ENOMEM) rc = S_failed(inv, r, cc_buf_str(&body), rc);
    goto out;
  }
  rt_ses_email_in in = {.from = e->sender, .to = e->to.items, .n_to = e->to.n,
                        .reply_to = e->reply_to.items, .n_reply_to = e->reply_to.n,
                        .configuration_set = e->configuration_set,
                        .subject = cc_buf_str(&subject), .body = cc_buf_str(&body),
                        .html = ch->html};
  /* retries stop where the batch loop stops starting records */
  ch->aws.retry.deadline_ms = inv->deadline_ms > 0 ? inv->deadline_ms - ch->margin_ms : 0;
  rc = rt_ses_send_email(&ch->aws, &in, id, sizeof id, err, sizeof err);
  if (rc == CC_OK) {
    rt_channel_log(RT_LOG_INFO, inv->request_id, r->message_id, "sent",
                   json_pack("{s:s,s:i}", "ses_message_id", id, "recipients", (int)e->to.n));
  } else if (rc != CC_ENOMEM) {
    rc = S_failed(inv, r, err, rc);
  }
out:
  cc_buf_free(&subject);
  cc_buf_free(&body);
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
    "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION\n"
    "                                the function's credentials and region\n"
    "  AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL   another SES endpoint";

int main(int argc, char **argv) {
  static const rt_channel_ops ops = {.name = "cloudcron-email", .help = S_help,
                                     .user_size = sizeof(S_email),
                                     .aws = 1, .setup = S_setup, .deliver = S_deliver,
                                     .cleanup = S_cleanup};
  return rt_channel_main(&ops, argc, argv);
}
