/* log.h: structured log lines for CloudWatch (rt_ internal API).
 *
 * One JSON object per line on stderr, which Lambda sends to CloudWatch:
 * {"timestamp":"...Z","level":"INFO","request_id":"...","message":"...",
 *  ...fields}, so metric filters such as { $.level = "ERROR" } match. */
#ifndef RT_LOG_H
#define RT_LOG_H
#include <stdarg.h>

#include <jansson.h>

typedef enum rt_log_level {
  RT_LOG_DEBUG,
  RT_LOG_INFO,
  RT_LOG_WARN,
  RT_LOG_ERROR
} rt_log_level;

/* The lowest level written: CLOUDCRON_LOG_LEVEL, else AWS_LAMBDA_LOG_LEVEL
 * (DEBUG, INFO, WARN or ERROR, any case; TRACE counts as DEBUG, FATAL as
 * ERROR), else INFO. Read on every call. */
rt_log_level rt_log_threshold(void);

/* "DEBUG", "INFO", "WARN", "ERROR". */
const char *rt_log_level_name(rt_log_level level);

/* Writes one line when level reaches the threshold. request_id may be
 * NULL (written as ""); fields (borrowed, may be NULL) is an object whose
 * members follow the four fixed keys, which it cannot replace. */
void rt_log(rt_log_level level, const char *request_id, const json_t *fields,
            const char *message);
void rt_logv(rt_log_level level, const char *request_id, const json_t *fields,
             const char *fmt, va_list ap);
/* json_dumps(j, flags) with reals written in the fewest digits (15 to 17)
 * that read back to the same values: 16.8, not 16.800000000000001. The
 * result is malloc'd; NULL on failure. */
char *rt_json_dumps(const json_t *j, size_t flags);
#endif
