/* A task that makes one SDK schedule call, for tests/runtime/moto_schedules.py:
 *   rt_sched_task --event FILE
 * with FILE {"op": "create"|"update"|"delete"|"get"|"list"|"page",
 *            "key", "name", "prefix", "token", "max",
 *            "schedule": {"expression", "timezone", "payload", "description",
 *                         "window", "retry", "age", "dlq", "disabled"}}.
 * Prints {"rc": CODE, "error": cloudcron_last_error, "out": ANSWER}. */
#include <string.h>

#include <cloudcron.h>

static const char *S_s(const json_t *o, const char *k) {
  return json_string_value(json_object_get(o, k));
}

static int S_i(const json_t *o, const char *k) {
  return (int)json_integer_value(json_object_get(o, k));
}

static int S_task(cloudcron_ctx *ctx, const json_t *ev) {
  const char *op = S_s(ev, "op"), *key = S_s(ev, "key"), *name = S_s(ev, "name");
  const json_t *js = json_object_get(ev, "schedule");
  cloudcron_schedule s = {.expression = S_s(js, "expression"), .timezone = S_s(js, "timezone"),
                          .payload = json_object_get(js, "payload"),
                          .description = S_s(js, "description"),
                          .flexible_window_minutes = S_i(js, "window"),
                          .retry_attempts = S_i(js, "retry"),
                          .max_event_age_seconds = S_i(js, "age"),
                          .dead_letter_arn = S_s(js, "dlq"), .disabled = S_i(js, "disabled")};
  json_t *out = NULL;
  int rc;
  if (!op) return cloudcron_fail(ctx, CC_EINVAL, "no op");
  if (!strcmp(op, "create")) rc = cloudcron_schedule_create(ctx, key, name, &s);
  else if (!strcmp(op, "update")) rc = cloudcron_schedule_update(ctx, key, name, &s);
  else if (!strcmp(op, "delete")) rc = cloudcron_schedule_delete(ctx, key, name);
  else if (!strcmp(op, "get")) rc = cloudcron_schedule_get(ctx, key, name, &out);
  else if (!strcmp(op, "list")) rc = cloudcron_schedule_list(ctx, key, S_s(ev, "prefix"), &out);
  else if (!strcmp(op, "page"))
    rc = cloudcron_schedule_list_page(ctx, key, S_s(ev, "prefix"), S_s(ev, "token"),
                                      S_i(ev, "max"), &out);
  else return cloudcron_fail(ctx, CC_EINVAL, "unknown op");
  cloudcron_set_result(ctx, json_pack("{s:i,s:s,s:o?}", "rc", rc, "error",
                                      cloudcron_last_error(ctx), "out", out));
  return CC_OK;
}

int main(int argc, char **argv) { return cloudcron_main(argc, argv, S_task); }
