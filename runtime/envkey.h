/* envkey.h: names a task uses instead of ARNs (rt_ internal API).
 *
 * The spec gives each topic, schedule group, ... a key; the stack passes
 * its ARN or name to the function as PREFIX<KEY> (KEY upper-cased, '-' as
 * '_'): CLOUDCRON_TOPIC_ALERTS, CLOUDCRON_SCHEDULE_GROUP_REMINDERS. */
#ifndef RT_ENVKEY_H
#define RT_ENVKEY_H
#include <stddef.h>

#include "cc/buf.h"

/* *val gets the value of PREFIX<KEY> (borrowed from the environment).
 * CC_EINVAL for an empty or overlong key; CC_ENOTFOUND when the variable
 * is unset or empty. Either way err names the key with noun
 * ("topic", "schedule group") and lists every key set under PREFIX. */
int rt_env_by_key(const char **val, cc_buf *err, const char *prefix,
                  const char *noun, const char *key);
#endif
