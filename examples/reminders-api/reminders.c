/* reminders: an API task that creates, lists and cancels reminders as
 * EventBridge Scheduler schedules in the group of key "reminders"; each
 * schedule invokes the group's worker with the reminder as its event.
 *
 *   {"action": "remind", "user": "u-42", "at": "2026-12-01T09:00:00",
 *    "timezone": "Europe/Rome", "text": "Call the dentist"}
 *   {"action": "weekly", "user": "u-42", "cron": "cron(0 9 ? * MON *)",
 *    "timezone": "Europe/Rome", "text": "Water the plants"}
 *   {"action": "list", "user": "u-42"}
 *   {"action": "cancel", "name": "u-42-1a2b3c4d"}
 *
 * A one-time reminder is an at() schedule, which Scheduler deletes after it
 * has run; its name is the user and a hash of the request, so a client
 * retrying the same request gets the same schedule, never a second one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cloudcron.h>

/* "<user>-<8 hex digits of FNV-1a over the request>": the same request,
 * the same name (at most 64 characters). */
static void S_name(char *out, size_t cap, const char *user, const json_t *event) {
  char *text = json_dumps(event, JSON_COMPACT | JSON_SORT_KEYS);
  unsigned long h = 2166136261UL;
  for (const char *c = text ? text : ""; *c; c++) h = ((h ^ (unsigned char)*c) * 16777619UL) & 0xffffffffUL;
  snprintf(out, cap, "%.48s-%08lx", user, h);
  free(text);
}

static const char *S_str(const json_t *event, const char *key) {
  return json_string_value(json_object_get(event, key));
}

static int S_put(cloudcron_ctx *ctx, const json_t *event, int once) {
  const char *user = S_str(event, "user"), *text = S_str(event, "text");
  const char *when = S_str(event, once ? "at" : "cron");
  char expr[96], name[64];
  if (!user || !text || !when)
    return cloudcron_fail(ctx, CC_EINVAL, "user, text and %s are required", once ? "at" : "cron");
  if (once)
    snprintf(expr, sizeof expr, "at(%.40s)", when);
  else
    snprintf(expr, sizeof expr, "%.90s", when);
  S_name(name, sizeof name, user, event);
  json_t *payload = json_pack("{s:s,s:s}", "user", user, "text", text);
  cloudcron_schedule s = {.expression = expr,
                          .timezone = S_str(event, "timezone"),
                          .payload = payload,
                          .description = once ? "one-time reminder" : "recurring reminder",
                          .flexible_window_minutes = once ? 0 : 5,
                          .retry_attempts = 3,
                          .max_event_age_seconds = 3600};
  int rc = cloudcron_schedule_create(ctx, "reminders", name, &s);
  json_decref(payload);
  if (rc != CC_OK) return rc; /* cloudcron_last_error says why */
  cloudcron_set_result(ctx, json_pack("{s:s,s:s}", "name", name, "expression", expr));
  return CC_OK;
}

static int S_list(cloudcron_ctx *ctx, const json_t *event) {
  const char *user = S_str(event, "user");
  char prefix[64];
  json_t *all = NULL;
  if (!user) return cloudcron_fail(ctx, CC_EINVAL, "user is required");
  snprintf(prefix, sizeof prefix, "%.48s-", user);
  int rc = cloudcron_schedule_list(ctx, "reminders", prefix, &all);
  if (rc != CC_OK) return rc;
  json_t *names = json_array();
  size_t i;
  json_t *s;
  json_array_foreach(all, i, s) json_array_append(names, json_object_get(s, "Name"));
  json_decref(all);
  cloudcron_set_result(ctx, json_pack("{s:o}", "reminders", names));
  return CC_OK;
}

static int reminders(cloudcron_ctx *ctx, const json_t *event) {
  const char *action = S_str(event, "action");
  if (!action) return cloudcron_fail(ctx, CC_EINVAL, "no action");
  if (strcmp(action, "remind") == 0) return S_put(ctx, event, 1);
  if (strcmp(action, "weekly") == 0) return S_put(ctx, event, 0);
  if (strcmp(action, "list") == 0) return S_list(ctx, event);
  if (strcmp(action, "cancel") == 0) {
    const char *name = S_str(event, "name");
    int rc = cloudcron_schedule_delete(ctx, "reminders", name ? name : "");
    if (rc == CC_OK) cloudcron_set_result(ctx, json_pack("{s:s}", "cancelled", name));
    return rc;
  }
  return cloudcron_fail(ctx, CC_EINVAL, "unknown action \"%s\"", action);
}

int main(int argc, char **argv) { return cloudcron_main(argc, argv, reminders); }
