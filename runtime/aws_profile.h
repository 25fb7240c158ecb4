/* aws_profile.h: AWS credentials and region outside Lambda, found the way
 * the AWS SDKs find them (rt_ internal API).
 *
 * In Lambda the environment always has AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION. A local run
 * (`--event`) may instead rely on AWS_DEFAULT_REGION and on the shared
 * files with a profile (AWS_PROFILE, else "default"):
 *   ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE): [NAME] sections;
 *   ~/.aws/config (AWS_CONFIG_FILE): [profile NAME] sections, [default].
 * Supported in a profile: aws_access_key_id, aws_secret_access_key,
 * aws_session_token, region, credential_process (run with /bin/sh -c; its
 * JSON {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"}).
 * Not supported, and named in the error when a profile relies on them:
 * IAM Identity Center (sso_session, sso_start_url), role_arn with
 * source_profile or credential_source, web_identity_token_file; the
 * container and instance metadata endpoints are not queried. For SSO,
 * `credential_process = aws configure export-credentials --profile NAME`
 * works (AWS CLI v2). */
#ifndef RT_AWS_PROFILE_H
#define RT_AWS_PROFILE_H
#include <stddef.h>

#include "aws.h"

/* The value of key in the section named section of an INI text as the AWS
 * shared files write it: "[section]" headers (inner spaces kept, outer
 * trimmed), "key = value" lines (both trimmed), comment lines starting
 * with '#' or ';', indented lines (a nested setting's) skipped; the first
 * matching section and key win. key NULL asks whether the section exists.
 * Returns 1 with the value in out (cap bytes), 0 when absent, -1 when the
 * value does not fit. */
int rt_ini_get(const char *text, size_t len, const char *section, const char *key, char *out,
               size_t cap);

/* Fills cfg: the region from AWS_REGION, AWS_DEFAULT_REGION, else the
 * profile's region in the config file; the credentials from
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN),
 * else the profile in the credentials file, then in the config file (keys,
 * else credential_process). Strings from the environment are borrowed;
 * those from files or a process live in static storage until the next
 * call. CC_OK, or CC_EINVAL with err saying what is missing
 * or unsupported, never a secret's value. */
int rt_aws_cfg_resolve(rt_aws_cfg *cfg, cc_buf *err);
#endif
