/* sigv4.h: AWS Signature Version 4, header mode (rt_ internal API).
 *
 * The caller gives the request as it will be sent, with the Host and
 * X-Amz-Date headers (and X-Amz-Security-Token when the token is to be
 * signed) already among the headers; every header given is signed. */
#ifndef RT_SIGV4_H
#define RT_SIGV4_H
#include <stddef.h>

typedef struct rt_kv {
  const char *name;
  const char *value;
} rt_kv;

typedef struct rt_sigv4_input {
  const char *method;
  const char *path;  /* raw path, not yet percent-encoded */
  const char *query; /* after '?', NULL or "" when none */
  const rt_kv *headers;
  size_t n_headers;
  const void *body;
  size_t body_len;
  const char *access_key;
  const char *secret_key;
  const char *region;
  const char *service;
  const char *amz_date;   /* YYYYMMDDTHHMMSSZ */
  int normalize_path;     /* remove dot segments and empty segments (not S3) */
} rt_sigv4_input;

/* Every string is malloc'd and owned by the result; free with
 * rt_sigv4_result_free. */
typedef struct rt_sigv4_result {
  char *canonical_request;
  char *string_to_sign;
  char *authorization; /* the Authorization header's value */
  char signature[65];
} rt_sigv4_result;

/* Returns CC_OK, CC_ENOMEM, CC_EINVAL for a missing field, or CC_ERR when
 * libcrypto cannot be loaded (rt_dl_error says why). On error the result
 * holds nothing to free. */
int rt_sigv4_sign(rt_sigv4_result *out, const rt_sigv4_input *in);
void rt_sigv4_result_free(rt_sigv4_result *r);
/* Lower-case hex SHA-256 of data into hex[65]; CC_OK, or CC_ERR (hex "")
 * when libcrypto cannot be loaded. */
int rt_sha256_hex(char hex[65], const void *data, size_t len);
#endif
