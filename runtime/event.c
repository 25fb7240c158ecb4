/* event.c: classify an invocation event and unwrap SQS/SNS notifications. */
#include "event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/suggest.h"

#define RT_DEDUP_MAX 128

static int S_str_is(const json_t *obj, const char *key, const char *want) {
  const char *s = json_string_value(json_object_get(obj, key));
  return s && strcmp(s, want) == 0;
}

/* The schema's keys, in the order they are checked. */
static const char *const S_keys[] = {"subject", "vars", "to", "dedup_id"};

static const char *S_unknown_key(const char *key, char *buf, size_t cap) {
  const char *near = cc_suggest(key, S_keys, sizeof S_keys / sizeof *S_keys);
  if (near)
    snprintf(buf, cap, "unknown key \"%s\" (did you mean \"%s\"?)", key, near);
  else
    snprintf(buf, cap, "unknown key \"%s\" (the keys are subject, vars, to, dedup_id)", key);
  return buf;
}

const char *rt_notification_why(const json_t *msg, char *buf, size_t cap) {
  const char *key;
  json_t *v, *t;
  size_t i;
  if (!json_is_object(msg)) return "the message is not a JSON object";
  json_object_foreach((json_t *)msg, key, v) {
    size_t k = 0;
    while (k < sizeof S_keys / sizeof *S_keys && strcmp(key, S_keys[k]) != 0) k++;
    if (k == sizeof S_keys / sizeof *S_keys) return S_unknown_key(key, buf, cap);
  }
  v = json_object_get(msg, "subject");
  if (!v) return "the message has no \"subject\"";
  if (!json_is_string(v) || json_string_length(v) == 0)
    return "\"subject\" must be a non-empty string";
  if (strpbrk(json_string_value(v), "\r\n")) return "\"subject\" must be one line";
  v = json_object_get(msg, "vars");
  if (v && !json_is_object(v)) return "\"vars\" must be an object";
  v = json_object_get(msg, "to");
  if (v) {
    if (!json_is_array(v) || json_array_size(v) == 0)
      return "\"to\" must be a non-empty array of strings";
    json_array_foreach(v, i, t) {
      if (!json_is_string(t) || json_string_length(t) == 0) {
        snprintf(buf, cap, "\"to[%zu]\" must be a non-empty string", i);
        return buf;
      }
    }
  }
  v = json_object_get(msg, "dedup_id");
  if (v) {
    size_t n = json_string_length(v);
    if (!json_is_string(v) || n == 0 || n > RT_DEDUP_MAX)
      return "\"dedup_id\" must be a string of 1 to 128 characters";
    for (const char *c = json_string_value(v); *c; c++)
      if (*c < '!' || *c > '~')
        return "\"dedup_id\" may hold only printable ASCII without spaces";
  }
  return NULL;
}

int rt_is_alarm(const json_t *msg) {
  return json_is_object(msg) && json_is_string(json_object_get(msg, "AlarmName")) &&
         json_is_string(json_object_get(msg, "NewStateValue")) && !json_object_get(msg, "subject");
}

/* The notification a CloudWatch alarm's message (taken) stands for: the
 * SNS Subject (sns_subject, may be NULL), else the subject CloudWatch
 * writes ("ALARM: \"NAME\" in REGION"), and the alarm's fields as vars.
 * NULL when out of memory. */
static json_t *S_alarm_notification(json_t *alarm, const char *sns_subject) {
  json_t *n = json_object(), *subject;
  if (sns_subject && *sns_subject) {
    subject = json_string(sns_subject);
  } else {
    const char *region = json_string_value(json_object_get(alarm, "Region"));
    subject = json_sprintf("%s: \"%s\"%s%s", json_string_value(json_object_get(alarm, "NewStateValue")),
                           json_string_value(json_object_get(alarm, "AlarmName")),
                           region ? " in " : "", region ? region : "");
  }
  if (!n || json_object_set_new(n, "subject", subject) != 0 ||
      json_object_set_new(n, "vars", alarm) != 0) {
    json_decref(n);
    return NULL;
  }
  return n;
}

const char *rt_notification_check(const json_t *msg) {
  static _Thread_local char buf[RT_WHY_MAX];
  return rt_notification_why(msg, buf, sizeof buf);
}

/* The notification inside one SQS body: raw delivery puts it there as is;
 * otherwise the SNS envelope carries it as the string "Message". A
 * CloudWatch alarm's message (rt_is_alarm), either way, becomes a
 * notification (S_alarm_notification). */
static void S_unwrap(rt_record *r, const char *body) {
  json_error_t jerr;
  json_t *outer = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);
  json_t *msg = NULL;
  const char *sns_subject = NULL;
  if (!outer) {
    r->error = "the record's body is not JSON";
    return;
  }
  if (S_str_is(outer, "Type", "Notification") &&
      json_is_string(json_object_get(outer, "Message"))) {
    const char *inner = json_string_value(json_object_get(outer, "Message"));
    msg = json_loads(inner, JSON_REJECT_DUPLICATES, &jerr);
    if (!msg) {
      json_decref(outer);
      r->error = "the SNS message is not JSON";
      return;
    }
    sns_subject = json_string_value(json_object_get(outer, "Subject"));
  } else {
    msg = json_incref(outer);
  }
  if (rt_is_alarm(msg)) {
    r->alarm = 1;
    msg = S_alarm_notification(msg, sns_subject);
    if (!msg) r->error = "out of memory reading a CloudWatch alarm";
  }
  json_decref(outer);
  if (!msg) return;
  r->error = rt_notification_why(msg, r->why, sizeof r->why);
  if (r->error)
    json_decref(msg);
  else
    r->message = msg;
}

static int S_parse_sqs(rt_event *ev, cc_buf *err, json_t *records) {
  size_t i, n = json_array_size(records);
  json_t *rec;
  ev->kind = RT_EVENT_SQS;
  ev->records = calloc(n ? n : 1, sizeof *ev->records);
  if (!ev->records) return CC_ENOMEM;
  ev->n_records = n;
  json_array_foreach(records, i, rec) {
    rt_record *r = &ev->records[i];
    const char *arn = json_string_value(json_object_get(rec, "eventSourceARN"));
    size_t alen = arn ? strlen(arn) : 0;
    if (alen >= 5 && strcmp(arn + alen - 5, ".fifo") == 0) ev->fifo = 1;
    r->message_id = json_string_value(json_object_get(rec, "messageId"));
    if (!r->message_id) {
      r->error = "the record has no messageId";
      continue;
    }
    const char *body = json_string_value(json_object_get(rec, "body"));
    if (!body) {
      r->error = "the record has no body";
      continue;
    }
    S_unwrap(r, body);
  }
  (void)err;
  return CC_OK;
}

int rt_event_parse(rt_event *out, cc_buf *err, const char *json,
                   size_t len) {
  json_error_t jerr;
  json_t *records;
  memset(out, 0, sizeof *out);
  out->root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!out->root || !json_is_object(out->root)) {
    cc_buf_seterr(err, "the event is not a JSON object");
    rt_event_free(out);
    return CC_EINVAL;
  }
  records = json_object_get(out->root, "Records");
  if (json_is_array(records) && json_array_size(records) > 0 &&
      S_str_is(json_array_get(records, 0), "eventSource", "aws:sqs")) {
    int rc = S_parse_sqs(out, err, records);
    if (rc != CC_OK) rt_event_free(out);
    return rc;
  }
  if (records) {
    cc_buf_seterr(err, "the event has Records that are not from SQS");
    rt_event_free(out);
    return CC_EINVAL;
  }
  if (S_str_is(out->root, "source", "aws.events") &&
      S_str_is(out->root, "detail-type", "Scheduled Event"))
    out->kind = RT_EVENT_SCHEDULED;
  else
    out->kind = RT_EVENT_SCHEDULER;
  return CC_OK;
}

void rt_event_free(rt_event *ev) {
  if (!ev) return;
  for (size_t i = 0; i < ev->n_records; i++) json_decref(ev->records[i].message);
  free(ev->records);
  json_decref(ev->root);
  memset(ev, 0, sizeof *ev);
}

json_t *rt_batch_response(const rt_event *ev, const unsigned char *failed) {
  json_t *resp = json_object(), *list = json_array();
  int failing = 0;
  if (!resp || !list) goto fail;
  for (size_t i = 0; i < ev->n_records; i++) {
    failing = failed[i] || (ev->fifo && failing);
    if (!failing) continue;
    /* A record without an id cannot be named; Lambda then retries the
     * whole batch only if we fail the invocation, which the caller does. */
    if (!ev->records[i].message_id) continue;
    json_t *item = json_pack("{s:s}", "itemIdentifier", ev->records[i].message_id);
    if (!item || json_array_append_new(list, item) != 0) goto fail;
  }
  if (json_object_set_new(resp, "batchItemFailures", list) != 0) {
    list = NULL;
    goto fail;
  }
  return resp;
fail:
  json_decref(list);
  json_decref(resp);
  return NULL;
}
