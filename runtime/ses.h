/* ses.h: the SES v2 SendEmail request (rt_ internal API), built and signed
 * (aws.h); calls.h sends it (rt_ses_send_email).
 *
 * POST /v2/email/outbound-emails (REST-JSON, signing name "ses") on
 * AWS_ENDPOINT_URL_SESV2, else AWS_ENDPOINT_URL, else
 * https://email.REGION.amazonaws.com. One simple message: a text part, an
 * HTML part or both (Body.Text and Body.Html, which SES sends as
 * multipart/alternative), subject and body in UTF-8. */
#ifndef RT_SES_H
#define RT_SES_H
#include <stddef.h>

#include "aws.h"

typedef struct rt_ses_email_in {
  const char *from;               /* FromEmailAddress */
  const char *const *to;          /* Destination.ToAddresses, n_to >= 1 */
  size_t n_to;
  const char *const *reply_to;    /* ReplyToAddresses, none when n_reply_to is 0 */
  size_t n_reply_to;
  const char *configuration_set;  /* ConfigurationSetName, NULL: none */
  const char *subject;            /* Content.Simple.Subject.Data */
  const char *text;               /* Content.Simple.Body.Text.Data, NULL: none */
  const char *html;               /* Content.Simple.Body.Html.Data, NULL: none */
} rt_ses_email_in;

/* Builds the request. CC_EINVAL, with the reason in err, for a
 * missing sender, recipient, subject or body (neither text nor html), a
 * CR or LF in the subject, the sender, a recipient or a Reply-To address
 * (each would start a header of its own), or text that is not UTF-8;
 * CC_ENOMEM. Nothing to free on error. */
int rt_ses_send_email_build(rt_http_req *out, const rt_aws_cfg *cfg, const char *amz_date,
                            const rt_ses_email_in *in, cc_buf *err);

/* The MessageId of a SendEmail answer into out (cap bytes); "" when the
 * answer is not JSON or has none. */
void rt_ses_message_id(char *out, size_t cap, const char *body, size_t len);
#endif
