/* twilio.h: Twilio's Messages API (rt_ internal API): the credentials read
 * from a secret, the request, the answer. calls.h sends it (rt_twilio_send)
 * with the same retries as the AWS calls.
 *
 * One SMS is POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded To, From and Body, HTTP basic auth AccountSid:AuthToken;
 * Twilio answers 201 with the message's "sid", or an error object
 * {"code": 21211, "message": "...", "more_info": "...", "status": 400}. */
#ifndef RT_TWILIO_H
#define RT_TWILIO_H
#include <stddef.h>

#include "aws.h"

#define RT_TWILIO_URL "https://api.twilio.com"

/* Credentials; both strings owned, wiped and freed by rt_twilio_creds_free. */
typedef struct rt_twilio_creds {
  char *account_sid;
  char *auth_token;
} rt_twilio_creds;

/* Reads a secret's value: a JSON object with non-empty string members
 * "account_sid" (letters and digits only) and "auth_token". CC_EINVAL with
 * the reason in err, which never quotes the value; CC_ENOMEM. */
int rt_twilio_creds_parse(rt_twilio_creds *out, const char *json, size_t len, cc_buf *err);
void rt_twilio_creds_free(rt_twilio_creds *c);

typedef struct rt_twilio_sms_in {
  const char *base_url; /* RT_TWILIO_URL, or another https:// base (tests) */
  const rt_twilio_creds *creds;
  const char *to, *from, *body;
} rt_twilio_sms_in;

/* Builds the request. CC_EINVAL with the reason in err for a base
 * URL that is not https://HOST[:PORT][/PATH], a missing field or
 * credentials; CC_ENOMEM. The head holds the credentials: free it with
 * rt_twilio_req_free, which wipes it. */
int rt_twilio_sms_build(rt_http_req *out, const rt_twilio_sms_in *in, cc_buf *err);
void rt_twilio_req_free(rt_http_req *r);

/* What an answer says: the message's sid on success, Twilio's error code,
 * message and more_info on failure; each "" (code 0) when absent. */
typedef struct rt_twilio_answer {
  char sid[64];
  long code;
  char message[512];
  char more_info[256];
} rt_twilio_answer;
void rt_twilio_answer_parse(rt_twilio_answer *out, const char *body, size_t len);

/* An E.164 number: '+', a digit 1-9, then 1 to 14 digits. */
int rt_is_e164(const char *s);
#endif
