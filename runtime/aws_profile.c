/* aws_profile.c: credentials and region from the environment, the shared
 * config and credentials files, or a credential_process. */
#include "aws_profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cc/err.h"
#include "cc/file.h"

#define S_FILE_MAX (1 << 20)
#define S_PROC_MAX (64 << 10)

static int S_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* [b, e) trimmed of spaces, tabs and CRs on both sides. */
static void S_trim(const char **b, const char **e) {
  while (*b < *e && S_space(**b)) (*b)++;
  while (*e > *b && S_space((*e)[-1])) (*e)--;
}

static int S_is(const char *b, const char *e, const char *s) {
  size_t n = strlen(s);
  return (size_t)(e - b) == n && memcmp(b, s, n) == 0;
}

int rt_ini_get(const char *text, size_t len, const char *section, const char *key, char *out,
               size_t cap) {
  const char *p = text, *end = text + len;
  int in = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end, *b = p, *e = le;
    p = nl ? nl + 1 : end;
    if (b < e && S_space(*b) && *b != '\r') continue; /* a nested setting's line */
    S_trim(&b, &e);
    if (b == e || *b == '#' || *b == ';') continue;
    if (*b == '[') {
      const char *close = memchr(b, ']', (size_t)(e - b));
      if (!close) {
        in = 0;
        continue;
      }
      const char *nb = b + 1, *ne = close;
      S_trim(&nb, &ne);
      in = S_is(nb, ne, section);
      if (in && !key) return 1;
      continue;
    }
    if (!in || !key) continue;
    const char *eq = memchr(b, '=', (size_t)(e - b));
    if (!eq) continue;
    const char *kb = b, *ke = eq, *vb = eq + 1, *ve = e;
    S_trim(&kb, &ke);
    S_trim(&vb, &ve);
    if (!S_is(kb, ke, key)) continue;
    if ((size_t)(ve - vb) >= cap) return -1;
    memcpy(out, vb, (size_t)(ve - vb));
    out[ve - vb] = '\0';
    return 1;
  }
  return 0;
}

/* The values read from files live here (one resolution per process). */
static struct {
  char access_key[256], secret_key[256], token[4096], region[64];
} S_store;

typedef struct S_files {
  const char *profile;
  char cred_path[1024], conf_path[1024];
  char *cred, *conf; /* NULL when the file is absent */
  size_t cred_len, conf_len;
  char conf_section[300];
} S_files;

static void S_path(char *out, size_t cap, const char *var, const char *rel) {
  const char *v = getenv(var), *home = getenv("HOME");
  if (v && *v)
    snprintf(out, cap, "%s", v);
  else
    snprintf(out, cap, "%s/%s", home && *home ? home : "", rel);
}

/* The profile's key: the credentials file first, then the config file.
 * 1 found, 0 absent, -1 too long (err set). */
static int S_get(S_files *f, const char *key, char *out, size_t cap, int cred_too, cc_buf *err) {
  int r = 0;
  const char *where = "";
  if (cred_too && f->cred) {
    r = rt_ini_get(f->cred, f->cred_len, f->profile, key, out, cap);
    where = f->cred_path;
  }
  if (r == 0 && f->conf) {
    r = rt_ini_get(f->conf, f->conf_len, f->conf_section, key, out, cap);
    if (r == 0 && strcmp(f->profile, "default") == 0)
      r = rt_ini_get(f->conf, f->conf_len, "default", key, out, cap);
    where = f->conf_path;
  }
  if (r < 0)
    cc_buf_seterr(err, "AWS profile \"%s\": %s in %s is too long", f->profile, key, where);
  return r;
}

/* Runs the profile's credential_process and keeps what it prints. */
static int S_process(const S_files *f, const char *cmd, cc_buf *err) {
  FILE *pipe;
  char *buf = malloc(S_PROC_MAX + 1);
  size_t n = 0, got;
  json_error_t je;
  json_t *j = NULL;
  int rc = CC_EINVAL;
  if (!buf) return CC_ENOMEM;
  fflush(stdout);
  pipe = popen(cmd, "r");
  if (!pipe) {
    cc_buf_seterr(err, "AWS profile \"%s\": credential_process could not be started",
             f->profile);
    free(buf);
    return CC_EINVAL;
  }
  while (n < S_PROC_MAX && (got = fread(buf + n, 1, S_PROC_MAX - n, pipe)) > 0) n += got;
  buf[n] = '\0';
  int status = pclose(pipe);
  if (status != 0) {
    cc_buf_seterr(err, "AWS profile \"%s\": credential_process failed (status %d)", f->profile,
             status);
    goto out;
  }
  j = json_loads(buf, 0, &je);
  const char *ak = json_string_value(json_object_get(j, "AccessKeyId"));
  const char *sk = json_string_value(json_object_get(j, "SecretAccessKey"));
  const char *tk = json_string_value(json_object_get(j, "SessionToken"));
  if (!j || json_integer_value(json_object_get(j, "Version")) != 1 || !ak || !*ak || !sk || !*sk) {
    cc_buf_seterr(err, "AWS profile \"%s\": credential_process printed no JSON object with "
                          "\"Version\": 1, \"AccessKeyId\" and \"SecretAccessKey\"", f->profile);
    goto out;
  }
  if (strlen(ak) >= sizeof S_store.access_key || strlen(sk) >= sizeof S_store.secret_key ||
      (tk && strlen(tk) >= sizeof S_store.token)) {
    cc_buf_seterr(err, "AWS profile \"%s\": credential_process printed a value too long",
             f->profile);
    goto out;
  }
  snprintf(S_store.access_key, sizeof S_store.access_key, "%s", ak);
  snprintf(S_store.secret_key, sizeof S_store.secret_key, "%s", sk);
  snprintf(S_store.token, sizeof S_store.token, "%s", tk ? tk : "");
  rc = CC_OK;
out:
  json_decref(j);
  memset(buf, 0, n);
  free(buf);
  return rc;
}

/* What a profile without keys or credential_process relies on, if we know
 * it; NULL otherwise. */
static const char *S_unsupported(S_files *f) {
  static const char *const keys[][2] = {
      {"sso_session", "IAM Identity Center (sso_session)"},
      {"sso_start_url", "IAM Identity Center (sso_start_url)"},
      {"role_arn", "an assumed role (role_arn)"},
      {"web_identity_token_file", "web identity (web_identity_token_file)"},
      {"credential_source", "credential_source"}};
  char v[8];
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (S_get(f, keys[i][0], v, sizeof v, 1, NULL) != 0) return keys[i][1];
  return NULL;
}

/* The profile's credentials: its keys, else its credential_process. */
static int S_creds(rt_aws_cfg *cfg, S_files *f, cc_buf *err) {
  int r;
  int ra = S_get(f, "aws_access_key_id", S_store.access_key, sizeof S_store.access_key, 1, err);
  int rs = S_get(f, "aws_secret_access_key", S_store.secret_key, sizeof S_store.secret_key, 1, err);
  if (ra < 0 || rs < 0) return CC_EINVAL;
  if (ra == 1 && rs == 1 && S_store.access_key[0] && S_store.secret_key[0]) {
    r = S_get(f, "aws_session_token", S_store.token, sizeof S_store.token, 1, err);
    if (r < 0) return CC_EINVAL;
    if (r == 0) S_store.token[0] = '\0';
  } else {
    char cmd[4096];
    r = S_get(f, "credential_process", cmd, sizeof cmd, 1, err);
    if (r < 0) return CC_EINVAL;
    if (r == 0 || !cmd[0]) {
      const char *what = S_unsupported(f);
      if (what)
        cc_buf_seterr(err, "AWS profile \"%s\" uses %s, which the cloudcron SDK does not "
                              "support; use static keys or credential_process (for SSO: "
                              "credential_process = aws configure export-credentials --profile %s)",
                 f->profile, what, f->profile);
      else
        cc_buf_seterr(err, "AWS profile \"%s\" has no aws_access_key_id and "
                              "aws_secret_access_key, and no credential_process", f->profile);
      return CC_EINVAL;
    }
    int rc = S_process(f, cmd, err);
    if (rc != CC_OK) return rc;
  }
  cfg->access_key = S_store.access_key;
  cfg->secret_key = S_store.secret_key;
  cfg->token = S_store.token[0] ? S_store.token : NULL;
  return CC_OK;
}

static int S_from_files(rt_aws_cfg *cfg, S_files *f, int need_creds, int need_region, cc_buf *err) {
  int r;
  int found = (f->cred && rt_ini_get(f->cred, f->cred_len, f->profile, NULL, NULL, 0)) ||
              (f->conf && (rt_ini_get(f->conf, f->conf_len, f->conf_section, NULL, NULL, 0) ||
                           (strcmp(f->profile, "default") == 0 &&
                            rt_ini_get(f->conf, f->conf_len, "default", NULL, NULL, 0))));
  if (!found && (need_creds || strcmp(f->profile, "default") != 0)) {
    if (strcmp(f->profile, "default") == 0)
      cc_buf_seterr(err, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                            "or a profile in %s or %s (AWS_PROFILE)", f->cred_path, f->conf_path);
    else
      cc_buf_seterr(err, "AWS profile \"%s\" (AWS_PROFILE) is in neither %s nor %s", f->profile,
               f->cred_path, f->conf_path);
    return CC_EINVAL;
  }
  if (need_creds) {
    int rc = S_creds(cfg, f, err);
    if (rc != CC_OK) return rc;
  }
  if (need_region) {
    r = S_get(f, "region", S_store.region, sizeof S_store.region, 0, err);
    if (r < 0) return CC_EINVAL;
    if (r == 0) {
      cc_buf_seterr(err, "no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or region in "
                            "profile \"%s\" of %s", f->profile, f->conf_path);
      return CC_EINVAL;
    }
    cfg->region = S_store.region;
  }
  return CC_OK;
}

int rt_aws_cfg_resolve(rt_aws_cfg *cfg, cc_buf *err) {
  const char *ak = getenv("AWS_ACCESS_KEY_ID"), *sk = getenv("AWS_SECRET_ACCESS_KEY");
  const char *region = getenv("AWS_REGION");
  memset(cfg, 0, sizeof *cfg);
  if (!region || !*region) region = getenv("AWS_DEFAULT_REGION");
  int need_creds = !(ak && *ak && sk && *sk), need_region = !(region && *region);
  if (!need_creds) {
    cfg->access_key = ak;
    cfg->secret_key = sk;
    cfg->token = getenv("AWS_SESSION_TOKEN");
    if (cfg->token && !*cfg->token) cfg->token = NULL;
  }
  if (!need_region) cfg->region = region;
  if (!need_creds && !need_region) return CC_OK;
  S_files f;
  memset(&f, 0, sizeof f);
  f.profile = getenv("AWS_PROFILE");
  if (!f.profile || !*f.profile) f.profile = "default";
  S_path(f.cred_path, sizeof f.cred_path, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
  S_path(f.conf_path, sizeof f.conf_path, "AWS_CONFIG_FILE", ".aws/config");
  snprintf(f.conf_section, sizeof f.conf_section, "profile %s", f.profile);
  if (cc_file_read(&f.cred, &f.cred_len, f.cred_path, S_FILE_MAX) != CC_OK) f.cred = NULL;
  if (cc_file_read(&f.conf, &f.conf_len, f.conf_path, S_FILE_MAX) != CC_OK) f.conf = NULL;
  int rc = S_from_files(cfg, &f, need_creds, need_region, err);
  if (f.cred) memset(f.cred, 0, f.cred_len);
  free(f.cred);
  free(f.conf);
  return rc;
}
