/* cloudcron.h: the task SDK (work in progress: topic resolution and the
 * notification message; publishing and the task context are not built yet).
 *
 * Return codes are the CC_* codes of cc/err.h: 0 success, negative failure. */
#ifndef CLOUDCRON_H
#define CLOUDCRON_H
#include <stddef.h>

#include <jansson.h>

/* Resolves a topic key to its ARN, read from CLOUDCRON_TOPIC_<KEY> (KEY
 * upper-cased, '-' as '_'). *arn is borrowed from the environment. An
 * unknown key returns CC_ENOTFOUND and writes into err (errcap bytes) a
 * message naming the key and every known key. */
int cloudcron_topic_arn(const char **arn, char *err, size_t errcap, const char *key);

/* Builds the message of schemas/notification.schema.json; vars and
 * dedup_id may be NULL; vars is borrowed. *out is malloc'd, the caller
 * frees it. CC_EINVAL (with nothing allocated) when the result would not
 * match the schema. */
int cloudcron_message(char **out, const char *subject, const json_t *vars,
                      const char *dedup_id);
#endif
