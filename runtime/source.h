/* source.h: where a handler's template comes from (rt_ internal API).
 *
 * Inline in CLOUDCRON_TEMPLATE, or at CLOUDCRON_TEMPLATE_URL: file://PATH,
 * https://... (size, time and redirect limits) or s3://BUCKET/KEY (S3
 * GetObject, signed), fetched through the runtime's HTTP client (http.h). A handler loads it once, at init, never per message. */
#ifndef RT_SOURCE_H
#define RT_SOURCE_H
#include <stddef.h>

#include "cc/buf.h"

enum {
  RT_SOURCE_MAX_BYTES = 1 << 20, /* default ceiling on a template's size */
  RT_SOURCE_TIMEOUT_MS = 10000   /* default total time for a fetch, retries included */
};

typedef enum rt_url_kind { RT_URL_FILE, RT_URL_HTTPS, RT_URL_S3 } rt_url_kind;

/* A parsed template URL; the pointers are borrowed from the parsed text. */
typedef struct rt_url {
  rt_url_kind kind;
  const char *path;   /* file: everything after "file://" */
  const char *bucket; /* s3: the bucket, bucket_len bytes */
  size_t bucket_len;
  const char *key;    /* s3: everything after "s3://BUCKET/" */
  const char *name;   /* the last path segment, name_len bytes (no query) */
  size_t name_len;
} rt_url;

/* Parses URL. Returns CC_OK, or CC_EINVAL with err saying why
 * (an unknown scheme, no host, an empty bucket or key, a control byte,
 * a space in an https:// URL; s3:// keys and file paths may hold spaces). */
int rt_url_parse(rt_url *out, cc_buf *err, const char *url);

typedef struct rt_fetch_opts {
  size_t max_bytes;        /* the body's ceiling */
  long timeout_ms;         /* for all attempts together */
  long connect_timeout_ms; /* per attempt */
  int max_redirects;       /* 0: a redirect is an error */
  int https_only;          /* refuse http:// (and redirects to it) */
  int attempts;            /* tries on network errors, 429 and 5xx; >= 1 */
} rt_fetch_opts;

/* Fills the defaults: RT_SOURCE_MAX_BYTES, RT_SOURCE_TIMEOUT_MS, 3 s to
 * connect, 3 redirects, https only, 3 attempts. */
void rt_fetch_opts_default(rt_fetch_opts *o);

/* Fetches any document at URL (file://, https://, s3://) into body,
 * within o's limits (body's own ceiling is left as it is): https:// as an
 * unsigned GET and s3:// as a signed GetObject, both through the runtime's
 * HTTP client (http.h), o's size cap answered CC_ETOOBIG and never
 * retried. Returns CC_OK, or a negative code with err naming the URL
 * (without its query, which may hold a presigned URL's credentials) and
 * the problem; an answer other than 200 is CC_EREMOTE. */
int rt_source_fetch(cc_buf *body, cc_buf *err, const char *url,
                    const rt_fetch_opts *o);

/* A loaded template: its text and the name that picks autoescape. */
typedef struct rt_source {
  char *text; /* owned, NUL-terminated */
  size_t len;
  char *name; /* owned: CLOUDCRON_TEMPLATE_NAME, else the URL's last part,
                 else "CLOUDCRON_TEMPLATE" for an inline template */
  char *base; /* owned: the URL up to its last part (its folder), where the
                 templates it includes, imports or extends are; NULL inline */
  rt_fetch_opts opts; /* the limits it was fetched with */
} rt_source;

/* Loads the template the environment names. Limits: the defaults, or
 * CLOUDCRON_TEMPLATE_MAX_BYTES and CLOUDCRON_TEMPLATE_TIMEOUT_MS. Returns
 * CC_OK (free with rt_source_free), or a negative code with err naming
 * the variable or URL and the problem. */
int rt_source_load(rt_source *out, cc_buf *err);

/* The same for another template the environment may name: VAR itself,
 * VAR_URL and VAR_NAME (CLOUDCRON_TEXT_TEMPLATE, ...), with the same
 * limits. CC_ENOTFOUND when neither VAR nor VAR_URL is set. */
int rt_source_load_var(rt_source *out, const char *var, cc_buf *err);
void rt_source_free(rt_source *s);

/* A template loader (cc_tpl_load_fn) over DATA, a loaded rt_source, which
 * must outlive the templates compiled with it: NAME (as an include,
 * import, from or extends tag names it) is fetched from the source's
 * folder (file://, https:// or s3://, with the source's limits). Returns
 * CC_OK, CC_ENOTFOUND for an inline source or a name with a ".." part,
 * or the fetch's error code. */
int rt_source_load_part(void *data, const char *name, char **src, size_t *len);
#endif
