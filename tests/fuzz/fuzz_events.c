/* Fuzz target: what the runtime reads from outside must not crash or leak
 * on any input: event parsing, notification checks and the batch
 * response; and remote answers (error bodies in JSON and XML, and the SNS,
 * Secrets Manager, SSM, SES SendEmail and Twilio answers read by each call,
 * fed through an injected transport with the first byte choosing the
 * status), and the Twilio credentials read from a secret. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cc/err.h"
/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/calls.h"
#include "../../runtime/event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *S_data;
static size_t S_size;

static int S_send(void *user, long *status, cc_buf *body, char *why, size_t whycap,
                  const rt_http_req *req, long connect_ms, long total_ms) {
  (void)user, (void)why, (void)whycap, (void)req, (void)connect_ms, (void)total_ms;
  static const long statuses[] = {200, 200, 400, 403, 404, 429, 500, 503};
  *status = S_size ? statuses[S_data[0] % 8] : 200;
  return S_size > 1 ? cc_buf_add(body, S_data + 1, S_size - 1) : CC_OK;
}

static void S_answers(const uint8_t *data, size_t size) {
  char code[128], msg[256], id[128];
  cc_buf err = CC_BUF_INIT;
  char *value = NULL;
  rt_aws_error_code(code, sizeof code, (const char *)data, size);
  rt_aws_error_message(msg, sizeof msg, (const char *)data, size);
  S_data = data;
  S_size = size;
  rt_transport t = {.send = S_send};
  rt_aws_client c = {.cfg = {"AK", "SK", NULL, "us-east-1"}, .transport = &t,
                     .fixed_date = "20261122T120000Z"};
  rt_retry_default(&c.retry);
  c.retry.max_attempts = 1;
  rt_sns_publish_in in = {.topic_arn = "arn:aws:sns:us-east-1:1:t", .message = "{}"};
  rt_sns_publish(&c, &in, id, sizeof id, &err);
  if (rt_get_secret_value(&c, "s", &value, &err) == CC_OK) free(value);
  if (rt_get_parameter(&c, "p", &value, &err) == CC_OK) free(value);
  static const char *const to[] = {"a@example.com"};
  rt_ses_email_in mail = {.from = "f@example.com", .to = to, .n_to = 1, .subject = "s", .text = "b"};
  rt_ses_send_email(&c, &mail, id, sizeof id, &err);
  rt_twilio_creds creds = {"AC01", "t0k"};
  rt_twilio_sms_in sms = {.creds = &creds, .to = "+15551234567", .from = "+15005550006", .body = "b"};
  rt_twilio_answer ans;
  rt_twilio_send(&c, &sms, &ans, &err);
  if (rt_twilio_creds_parse(&creds, (const char *)data, size, NULL) == CC_OK)
    rt_twilio_creds_free(&creds);
  cc_buf_free(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rt_event ev;
  S_answers(data, size);
  if (rt_event_parse(&ev, NULL, (const char *)data, size) != CC_OK) return 0;
  if (ev.n_records > 0) {
    unsigned char *failed = calloc(ev.n_records, 1);
    if (failed) {
      for (size_t i = 0; i < ev.n_records; i++)
        failed[i] = ev.records[i].error != NULL || (size > 0 && (data[i % size] & 1));
      json_decref(rt_batch_response(&ev, failed));
      free(failed);
    }
  }
  rt_event_free(&ev);
  return 0;
}
