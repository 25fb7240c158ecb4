/* cc/tz.h: IANA time zones, read from the system's tz database (TZif files
 * under /usr/share/zoneinfo, or $CC_ZONEINFO), never through the process's
 * TZ variable or localtime(). */
#ifndef CC_TZ_H
#define CC_TZ_H

#include <stdint.h>

typedef struct cc_tz cc_tz;

/* Loads zone NAME ("Europe/Rome", "UTC") into *OUT. Returns CC_OK;
 * CC_ENOTFOUND when NAME is not a zone of the database (also for names with
 * "..", absolute paths, the "posix/" and "right/" trees, and files that are
 * not TZif); CC_ENOMEM. The caller frees *OUT with cc_tz_free. */
int cc_tz_load(cc_tz **out, const char *name);

/* The zone's offset from UTC at instant U (seconds since the epoch), in
 * seconds east of UTC. TZ is only read: a loaded zone may be shared by
 * threads. */
int32_t cc_tz_offset(const cc_tz *tz, int64_t u);

/* The zone's name (borrowed from TZ). */
const char *cc_tz_name(const cc_tz *tz);

/* Frees TZ. cc_tz_free(NULL) is a no-op. */
void cc_tz_free(cc_tz *tz);

#endif
