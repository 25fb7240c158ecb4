/* reconcile_config.h: the reconciler's desired state (rc_ API of
 * cloudcron-reconcile; schemas/reconcile.schema.json).
 *
 *   {"schedules": {"<id>": {"schedule": "cron(0 2 * * ? *)",
 *                           "timezone": "Europe/Rome", "description": "...",
 *                           "enabled": true, "flexible_window": "15m",
 *                           ...any other keys}}}
 *
 * The collection's key is configurable (the seed's files use "queries");
 * "cron" is accepted for "schedule". Each entry becomes schedule
 * <prefix><id>, its target input the entry itself plus "id". An entry's
 * problems are its own: the entry is marked failed with one message
 * naming its id and field, and the others are read on. */
#ifndef RC_CONFIG_H
#define RC_CONFIG_H
#include <stddef.h>

#include <jansson.h>

#include "sched_def.h"

/* What the environment fixes for every entry (all borrowed). */
typedef struct rc_settings {
  const char *collection; /* "schedules" */
  const char *prefix;     /* schedule names are prefix + id */
  const char *timezone;   /* an entry's zone when it names none */
  const char *target_arn, *role_arn;
  int retry_attempts, max_event_age_s; /* rt_sched_parts' meaning; 0, 0: Scheduler's default */
} rc_settings;

typedef struct rc_entry {
  char *id;    /* owned */
  char *name;  /* owned: prefix + id */
  json_t *def; /* owned: the definition (scheduler.h); NULL when failed or expired */
  int expired; /* an at() whose time has passed: never created again */
  char *error; /* owned: "entry \"ID\": field \"F\": why"; NULL when valid */
} rc_entry;

typedef struct rc_config {
  rc_entry *e; /* sorted by id */
  size_t n;
} rc_config;

/* Reads the config text (len bytes) named source (in messages). Returns
 * CC_OK with every entry in out (some perhaps failed); CC_EINVAL when the
 * whole text is unusable (not JSON, duplicate keys, not an object, the
 * collection missing or not an object), err then reading
 * "SOURCE:LINE:COL: error: ..." or "SOURCE: error: ..."; CC_ENOMEM. now is
 * the epoch second at() entries must be after; cache may be NULL. Free
 * with rc_config_free. */
int rc_config_read(rc_config *out, cc_buf *err, const char *source,
                   const char *text, size_t len, const rc_settings *st, long long now,
                   rt_tz_cache *cache);
void rc_config_free(rc_config *c);

/* "15m", "2h", "OFF" (any case), or a number of minutes as a string or
 * an integer, into *minutes (0 for OFF). CC_EINVAL otherwise. */
int rc_window_parse(int *minutes, const json_t *v);
#endif
