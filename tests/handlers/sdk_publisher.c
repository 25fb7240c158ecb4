/* A task for the cross-SDK test (cross_sdk.py): publishes what its event
 * says through the C SDK, linked as a task outside this repository would
 * (cloudcron::cloudcron): {"topic", "subject", "vars", "to": [...],
 * "dedup_id", "attrs": {"name": "String value"}}. Its result is
 * {"message_id"}; a refused message fails the run with the SDK's text. */
#include <cloudcron.h>

static int S_publish(cloudcron_ctx *ctx, const json_t *event) {
  const char *to[8] = {0};
  cloudcron_attr attrs[10];
  size_t n_to = 0, n_attrs = 0, i;
  const char *k;
  json_t *v;
  json_array_foreach(json_object_get(event, "to"), i, v) {
    if (n_to < 7) to[n_to++] = json_string_value(v);
  }
  json_object_foreach((json_t *)json_object_get(event, "attrs"), k, v) {
    if (n_attrs < 10) attrs[n_attrs++] = (cloudcron_attr){k, "String", json_string_value(v)};
  }
  cloudcron_publish_opts opts = {.to = n_to ? to : NULL, .attrs = attrs, .n_attrs = n_attrs};
  int rc = cloudcron_publish_ex(ctx, json_string_value(json_object_get(event, "topic")),
                                json_string_value(json_object_get(event, "subject")),
                                json_object_get(event, "vars"),
                                json_string_value(json_object_get(event, "dedup_id")), &opts);
  if (rc == CC_OK)
    cloudcron_set_result(ctx, json_pack("{s:s}", "message_id", cloudcron_last_message_id(ctx)));
  return rc;
}

int main(int argc, char **argv) { return cloudcron_main(argc, argv, S_publish); }
