/* gen/formats.h: syntax checks of the values a spec carries. Each returns
 * true when S is well-formed. */
#ifndef GEN_FORMATS_H
#define GEN_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

bool gen_is_project_name(const char *s);  /* ^[a-z][a-z0-9-]{1,30}$ */
bool gen_is_key_name(const char *s);      /* task/topic/... keys: ^[a-z][a-z0-9-]*$ (become AWS names) */
bool gen_is_region(const char *s);        /* us-west-2, eu-central-1, us-gov-west-1, ... */
bool gen_is_email(const char *s);         /* addr-spec, or "Display Name <addr-spec>" when NAMED */
bool gen_is_email_named(const char *s);
bool gen_is_e164(const char *s);          /* +15551234567: ^\+[1-9][0-9]{1,14}$ */
bool gen_is_env_name(const char *s);      /* ^[A-Za-z_][A-Za-z0-9_]*$ */
bool gen_is_ecr_repository(const char *s);/* ECR repository name rules */
bool gen_is_image_tag(const char *s);     /* ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ */
bool gen_is_image_uri(const char *s);     /* registry/repo(:tag|@sha256:<64 hex>) */
/* The parts of an image reference S: the registry host (the first
 * *HOST_LEN bytes) and the repository (*REPO_LEN bytes at *REPO, between
 * the first `/` and the `@` of a digest or the last `:`). False when S has
 * no `/`, or neither a tag nor a digest. Nothing is checked beyond that. */
bool gen_image_uri_split(const char *s, size_t *host_len, const char **repo, size_t *repo_len);
/* Whether HOST (LEN bytes) is a private Amazon ECR registry,
 * ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]; its region is copied
 * into REGION (CAP bytes). */
bool gen_ecr_registry_region(const char *host, size_t len, char *region, size_t cap);
bool gen_is_secret_arn(const char *s);    /* arn:aws...:secretsmanager:<region>:<12 digits>:secret:<name> */
bool gen_is_ssm_name(const char *s);      /* /path/name or arn:aws...:ssm:...:parameter/... */
bool gen_is_sns_topic_arn(const char *s); /* arn:aws...:sns:<region>:<12 digits>:<name> */
bool gen_is_kms_key_arn(const char *s);   /* arn:aws...:kms:<region>:<12 digits>:key/<id> (not an alias) */
bool gen_is_iam_policy_arn(const char *s); /* arn:aws...:iam::<12 digits>|aws:policy/[path/]name */
bool gen_is_iam_path(const char *s);       /* an IAM path: "/" or "/a/b/", printable ASCII, at most 512 */
bool gen_is_https_url(const char *s);
bool gen_is_s3_uri(const char *s);        /* s3://bucket/key */
/* Whether an environment or vars key looks like it holds a secret, by whole
 * words of the name (split at _ - . and camelCase): a word secret(s),
 * password(s), passwd, passphrase, token, auth, apikey, privatekey,
 * credential(s), or one ending in secret/password/passwd/token (PGPASSWORD),
 * or the words api key / private key in a row. Not substrings: AUTHOR,
 * oauth_provider, MAX_TOKENS and secretary are not secrets. */
bool gen_is_secretish_name(const char *s);
/* Whether a value looks like a reference rather than a secret (ARN or SSM name). */
bool gen_is_reference(const char *s);

/* Parses "<n>s|m|h" into seconds. Returns false when malformed. */
bool gen_parse_duration(const char *s, long *seconds);

#endif
