/* cloudcron-print: the print channel's bootstrap. For each SQS record it
 * renders the channel's template with the message and logs the text as
 * one JSON log line; the settings, the batch loop and its failures are the
 * channel's (channel.h).
 *
 * Environment: CLOUDCRON_TEMPLATE or CLOUDCRON_TEMPLATE_URL (source.h),
 * CLOUDCRON_TEMPLATE_NAME (picks autoescape: .html .htm .xml), CLOUDCRON_VARS
 * (a JSON object), CLOUDCRON_STRICT=1 (undefined variables are errors),
 * CLOUDCRON_DEADLINE_MARGIN_MS (default 500: records not started this long
 * before the invocation's deadline are left to SQS to redeliver). */
#include <jansson.h>

#include "cc/err.h"
#include "channel.h"

static int S_deliver(rt_channel *ch, const rt_invocation *inv, const rt_record *r) {
  cc_buf text = CC_BUF_INIT;
  int rc = rt_channel_render(&text, ch, ch->tpl, r->message);
  if (rc == CC_OK) {
    json_t *t = json_string(cc_buf_str(&text));
    rt_channel_log(RT_LOG_INFO, inv->request_id, r->message_id, "rendered",
                   json_pack("{s:o}", "text", t ? t : json_string("(not UTF-8)")));
  } else if (rc != CC_ENOMEM) {
    rt_channel_log(RT_LOG_ERROR, inv->request_id, r->message_id, cc_buf_str(&text), NULL);
  }
  cc_buf_free(&text);
  return rc;
}

static const char S_help[] =
    "cloudcron-print: the print channel. Renders the channel's template for each\n"
    "SQS record and logs the text as one JSON line; it reads no variables of its own.";

int main(int argc, char **argv) {
  static const rt_channel_ops ops = {.name = "cloudcron-print", .help = S_help,
                                     .deliver = S_deliver};
  return rt_channel_main(&ops, argc, argv);
}
