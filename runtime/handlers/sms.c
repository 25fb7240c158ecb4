/* cloudcron-sms: the SMS channel's bootstrap. For each SQS record it
 * renders the channel's template to the message's body and sends it with
 * Twilio's Messages API, one request per recipient; the settings, the batch
 * loop and its failures are the channel's (channel.h).
 *
 * Environment, besides the channel's: CLOUDCRON_FROM (E.164),
 * CLOUDCRON_RECIPIENTS (comma separated E.164), CLOUDCRON_ALLOW_OVERRIDE
 * (true: a message's "to" replaces the recipients), CLOUDCRON_TWILIO_SECRET
 * (a Secrets Manager ARN, else an SSM parameter name or ARN, holding
 * {"account_sid", "auth_token"}; read once, at init), CLOUDCRON_TWILIO_URL
 * (another https:// base than https://api.twilio.com, for tests); the
 * function's AWS credentials to read the secret. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "channel.h"

typedef struct S_sms {
  rt_twilio_creds creds;
  const char *from;       /* borrowed from the environment */
  const char *base_url;
  int allow_override;
  rt_list to;
} S_sms;

/* The record's recipients: the message's "to" where the channel allows it,
 * else the channel's. NULL, with *why set, when there are none or one is
 * not E.164; *n gets how many. The array is owned by the caller. */
static const char **S_recipients(const S_sms *s, json_t *msg, size_t *n, const char **why) {
  json_t *to = s->allow_override ? json_object_get(msg, "to") : NULL;
  size_t k = to ? json_array_size(to) : s->to.n;
  const char **out = calloc(k ? k : 1, sizeof *out);
  *n = 0;
  *why = NULL;
  if (!out) return NULL;
  for (size_t i = 0; i < k; i++) {
    out[i] = to ? json_string_value(json_array_get(to, i)) : s->to.items[i];
    if (!rt_is_e164(out[i])) {
      *why = "the message's \"to\" holds a number that is not E.164 (+15551234567); nothing sent";
      free(out);
      return NULL;
    }
  }
  if (k == 0) {
    *why = "the message has no \"to\" and the channel no recipients; nothing sent";
    free(out);
    return NULL;
  }
  *n = k;
  return out;
}

/* One SMS of a record (rt_channel_send_fn). */
typedef struct S_one {
  const rt_invocation *inv;
  const rt_record *r;
  const char *to, *body;
} S_one;

static int S_send_one(rt_channel *ch, void *arg, char *result, size_t rcap) {
  S_sms *s = ch->user;
  S_one *o = arg;
  rt_twilio_sms_in in = {.base_url = s->base_url, .creds = &s->creds, .to = o->to,
                         .from = s->from, .body = o->body};
  rt_twilio_answer ans;
  cc_buf err = CC_BUF_INIT;
  int rc = rt_twilio_send(&ch->aws, &in, &ans, &err);
  if (rc == CC_OK) {
    snprintf(result, rcap, "%s", ans.sid);
    rt_channel_log(RT_LOG_INFO, o->inv->request_id, o->r->message_id, "sent",
                   json_pack("{s:s,s:s}", "twilio_sid", ans.sid, "to", o->to));
  } else if (rc != CC_ENOMEM) {
    json_t *f = json_pack("{s:s}", "to", o->to);
    if (f && ans.code) json_object_set_new(f, "twilio_code", json_integer(ans.code));
    rt_channel_log(RT_LOG_ERROR, o->inv->request_id, o->r->message_id, cc_buf_str(&err), f);
  }
  cc_buf_free(&err);
  return rc;
}

static int S_deliver(rt_channel *ch, const rt_invocation *inv, const rt_record *r) {
  const S_sms *s = ch->user;
  cc_buf text = CC_BUF_INIT;
  const char *why;
  size_t n = 0, n_failed = 0;
  const char **to = NULL;
  int rc = rt_channel_render(&text, ch, ch->tpl, r->message);
  if (rc != CC_OK) {
    if (rc != CC_ENOMEM) rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id,
                                        cc_buf_str(&text), NULL);
    goto out;
  }
  if (!(to = S_recipients(s, r->message, &n, &why))) {
    rc = why ? CC_EINVAL : CC_ENOMEM;
    if (why) rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, why, NULL);
    goto out;
  }
  /* retries stop where the batch loop stops starting records */
  ch->aws.retry.deadline_ms = inv->deadline_ms > 0 ? inv->deadline_ms - ch->margin_ms : 0;
  /* every recipient is tried, each once (idem.h) when there is a table;
   * the record fails if one send did */
  for (size_t i = 0; i < n; i++) {
    S_one one = {inv, r, to[i], cc_buf_str(&text)};
    int skipped;
    int src = rt_channel_deliver_once(ch, inv, r, to[i], S_send_one, &one, &skipped);
    if (src == CC_ENOMEM) {
      rc = src;
      goto out;
    }
    if (src != CC_OK) n_failed++;
  }
  rc = n_failed ? CC_EREMOTE : CC_OK;
out:
  free(to);
  cc_buf_free(&text);
  return rc;
}

/* Reads the credentials from Secrets Manager or SSM. */
static int S_read_creds(rt_channel *ch, S_sms *s, const char *secret, cc_buf *err) {
  cc_buf why = CC_BUF_INIT;
  char *value = NULL;
  int rc;
  if (strncmp(secret, "arn:", 4) == 0 && strstr(secret, ":secretsmanager:"))
    rc = rt_get_secret_value(&ch->aws, secret, &value, &why);
  else
    rc = rt_get_parameter(&ch->aws, secret, &value, &why);
  if (rc == CC_OK) rc = rt_twilio_creds_parse(&s->creds, value, strlen(value), &why);
  if (rc != CC_OK)
    cc_buf_seterr(err, "CLOUDCRON_TWILIO_SECRET %s: %s", secret,
                  why.len ? cc_buf_str(&why) : cc_strerror(rc));
  cc_buf_free(&why);
  if (!value) return rc;
  memset(value, 0, strlen(value));
  free(value);
  return rc;
}

static int S_setup(rt_channel *ch, cc_buf *err) {
  S_sms *s = ch->user;
  const char *over = getenv("CLOUDCRON_ALLOW_OVERRIDE");
  const char *secret = getenv("CLOUDCRON_TWILIO_SECRET");
  int rc;
  s->from = getenv("CLOUDCRON_FROM");
  s->base_url = getenv("CLOUDCRON_TWILIO_URL");
  if (!s->base_url || !*s->base_url) s->base_url = RT_TWILIO_URL;
  if (!s->from || !rt_is_e164(s->from)) {
    cc_buf_seterr(err, "CLOUDCRON_FROM must be an E.164 number such as +15005550006, not \"%s\"",
                  s->from ? s->from : "");
    return CC_EINVAL;
  }
  if (over && *over && strcmp(over, "true") != 0 && strcmp(over, "false") != 0) {
    cc_buf_seterr(err, "CLOUDCRON_ALLOW_OVERRIDE must be true or false, not \"%s\"", over);
    return CC_EINVAL;
  }
  s->allow_override = over && strcmp(over, "true") == 0;
  rc = rt_list_from_env(&s->to, "CLOUDCRON_RECIPIENTS", rt_is_e164,
                        "an E.164 number such as +15551234567", err);
  if (rc != CC_OK) return rc;
  if (s->to.n == 0 && !s->allow_override) {
    cc_buf_seterr(err, "CLOUDCRON_RECIPIENTS is empty and CLOUDCRON_ALLOW_OVERRIDE is not true: "
                     "no message would have a recipient");
    return CC_EINVAL;
  }
  if (strncmp(s->base_url, "https://", 8) != 0) {
    cc_buf_seterr(err, "CLOUDCRON_TWILIO_URL must be an https:// URL, not \"%s\"", s->base_url);
    return CC_EINVAL;
  }
  if (!secret || !*secret) {
    cc_buf_seterr(err, "CLOUDCRON_TWILIO_SECRET must name the secret holding the Twilio "
                     "credentials (a Secrets Manager ARN or an SSM parameter)");
    return CC_EINVAL;
  }
  return S_read_creds(ch, s, secret, err);
}

static void S_cleanup(rt_channel *ch) {
  S_sms *s = ch->user;
  rt_twilio_creds_free(&s->creds);
  rt_list_free(&s->to);
}

static const char S_help[] =
    "cloudcron-sms: the SMS channel. Renders the template for each SQS record and\n"
    "sends it with Twilio's Messages API, one request per recipient.\n\n"
    "Its variables:\n"
    "  CLOUDCRON_FROM                the Twilio number, E.164 (required)\n"
    "  CLOUDCRON_RECIPIENTS          E.164 numbers, comma separated\n"
    "  CLOUDCRON_ALLOW_OVERRIDE      true: a message's \"to\" replaces the recipients\n"
    "  CLOUDCRON_TWILIO_SECRET       Secrets Manager ARN or SSM parameter holding\n"
    "                                {\"account_sid\", \"auth_token\"} (required)\n"
    "  CLOUDCRON_TWILIO_URL          another https:// base than https://api.twilio.com\n"
    "  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION\n"
    "                                the function's credentials, to read the secret\n"
    "  AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL\n"
    "  CLOUDCRON_IDEMPOTENCY_TABLE   a DynamoDB table recording each delivery (sent once)\n"
    "  CLOUDCRON_IDEMPOTENCY_TTL_S   how long a record is kept (default 1209600)\n"
    "  CLOUDCRON_SEND_TIMEOUT_MS     each attempt's time limit (default 10000)\n"
    "  CLOUDCRON_RETRY_BASE_MS, CLOUDCRON_RETRY_CAP_MS   the backoff (default 50, 2000)";

int main(int argc, char **argv) {
  static const rt_channel_ops ops = {.name = "cloudcron-sms", .help = S_help,
                                     .user_size = sizeof(S_sms), .aws = 1,
                                     .setup = S_setup, .deliver = S_deliver, .cleanup = S_cleanup};
  return rt_channel_main(&ops, argc, argv);
}
