#include "formats.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool S_span_of(const char *s, const char *set, size_t min, size_t max) {
  size_t n = strspn(s, set);
  return s[n] == '\0' && n >= min && n <= max;
}

#define S_LOWER "abcdefghijklmnopqrstuvwxyz"
#define S_DIGIT "0123456789"
#define S_UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

bool gen_is_project_name(const char *s) {
  return s[0] >= 'a' && s[0] <= 'z' && S_span_of(s + 1, S_LOWER S_DIGIT "-", 1, 30);
}

bool gen_is_key_name(const char *s) {
  return s[0] >= 'a' && s[0] <= 'z' && S_span_of(s + 1, S_LOWER S_DIGIT "-", 0, 200) && s[strlen(s) - 1] != '-';
}

bool gen_is_region(const char *s) {
  /* two letters, optional -gov/-iso..., a direction word, a number */
  size_t n = strspn(s, S_LOWER);
  if (n != 2 || s[2] != '-') return false;
  const char *p = s + 3;
  int parts = 0;
  for (;;) {
    size_t w = strspn(p, S_LOWER);
    if (w == 0) break;
    parts++;
    p += w;
    if (*p != '-') return false;
    p++;
  }
  return parts >= 1 && parts <= 2 && S_span_of(p, S_DIGIT, 1, 2);
}

static bool S_is_atext(int c) {
  return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static bool S_is_addr(const char *s, size_t len) {
  const char *at = memchr(s, '@', len);
  if (!at || at == s || len > 254) return false;
  size_t local = (size_t)(at - s);
  if (local > 64) return false;
  for (size_t i = 0; i < local; i++) {
    if (s[i] == '.') {
      if (i == 0 || i == local - 1 || s[i - 1] == '.') return false;
    } else if (!S_is_atext((unsigned char)s[i])) {
      return false;
    }
  }
  const char *d = at + 1, *end = s + len;
  int labels = 0;
  while (d < end) {
    const char *dot = memchr(d, '.', (size_t)(end - d));
    const char *le = dot ? dot : end;
    size_t ll = (size_t)(le - d);
    if (ll == 0 || ll > 63 || d[0] == '-' || le[-1] == '-') return false;
    for (const char *q = d; q < le; q++)
      if (!isalnum((unsigned char)*q) && *q != '-') return false;
    labels++;
    if (!dot) break;
    d = dot + 1;
    if (d == end) return false;
  }
  return labels >= 2;
}

bool gen_is_email(const char *s) { return S_is_addr(s, strlen(s)); }

bool gen_is_email_named(const char *s) {
  if (gen_is_email(s)) return true;
  const char *lt = strrchr(s, '<');
  size_t n = strlen(s);
  if (!lt || n < 3 || s[n - 1] != '>' || lt == s) return false;
  for (const char *p = s; p < lt; p++)
    if (*p == '<' || *p == '>' || *p == '\n' || *p == '\r') return false;
  return S_is_addr(lt + 1, (size_t)(s + n - 1 - (lt + 1)));
}

bool gen_is_e164(const char *s) { return s[0] == '+' && s[1] >= '1' && s[1] <= '9' && S_span_of(s + 2, S_DIGIT, 1, 14); }

bool gen_is_env_name(const char *s) {
  return (isalpha((unsigned char)s[0]) || s[0] == '_') && S_span_of(s + 1, S_LOWER S_UPPER S_DIGIT "_", 0, 255);
}

bool gen_is_ecr_repository(const char *s) {
  size_t n = strlen(s);
  if (n < 2 || n > 256) return false;
  /* components of [a-z0-9]+ joined by single . _ - (or __), separated by / */
  const char *p = s;
  for (;;) {
    size_t w = strspn(p, S_LOWER S_DIGIT);
    if (w == 0) return false;
    p += w;
    if (*p == '\0') return true;
    if (*p == '/') {
      p++;
      continue;
    }
    if (*p == '.' || *p == '-') p++;
    else if (*p == '_') p += p[1] == '_' ? 2 : 1;
    else return false;
  }
}

bool gen_is_image_tag(const char *s) {
  return (isalnum((unsigned char)s[0]) || s[0] == '_') && S_span_of(s + 1, S_LOWER S_UPPER S_DIGIT "_.-", 0, 127);
}

bool gen_is_image_uri(const char *s) {
  const char *slash = strchr(s, '/');
  if (!slash || slash == s) return false;
  const char *at = strchr(slash, '@');
  char repo[512];
  size_t rlen;
  if (at) {
    if (strncmp(at, "@sha256:", 8) || !S_span_of(at + 8, S_DIGIT "abcdef", 64, 64)) return false;
    rlen = (size_t)(at - slash - 1);
  } else {
    const char *colon = strrchr(slash, ':');
    if (!colon || !gen_is_image_tag(colon + 1)) return false;
    rlen = (size_t)(colon - slash - 1);
  }
  if (rlen == 0 || rlen >= sizeof repo) return false;
  memcpy(repo, slash + 1, rlen);
  repo[rlen] = '\0';
  for (const char *p = s; p < slash; p++)
    if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != ':') return false;
  return gen_is_ecr_repository(repo);
}

bool gen_image_uri_split(const char *s, size_t *host_len, const char **repo, size_t *repo_len) {
  const char *slash = strchr(s, '/');
  if (!slash || slash == s) return false;
  const char *at = strchr(slash, '@'), *colon = strrchr(slash, ':');
  const char *end = at ? at : colon;
  if (!end) return false;
  *host_len = (size_t)(slash - s);
  *repo = slash + 1;
  *repo_len = (size_t)(end - slash - 1);
  return true;
}

bool gen_ecr_registry_region(const char *host, size_t len, char *region, size_t cap) {
  static const char *const mids[] = {".dkr.ecr.", ".dkr.ecr-fips."};
  if (len < 12 || strspn(host, S_DIGIT) < 12 || host[12] != '.') return false;
  const char *p = NULL, *end = host + len;
  for (size_t i = 0; i < sizeof mids / sizeof mids[0] && !p; i++) {
    size_t m = strlen(mids[i]);
    if (len > 12 + m && !strncmp(host + 12, mids[i], m)) p = host + 12 + m;
  }
  if (!p) return false;
  const char *dot = memchr(p, '.', (size_t)(end - p));
  if (!dot) return false;
  size_t rest = (size_t)(end - dot), rl = (size_t)(dot - p);
  if (!((rest == 14 && !strncmp(dot, ".amazonaws.com", 14)) || (rest == 17 && !strncmp(dot, ".amazonaws.com.cn", 17))))
    return false;
  if (rl == 0 || rl >= cap) return false;
  memcpy(region, p, rl);
  region[rl] = '\0';
  return gen_is_region(region);
}

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:REST */
static const char *S_arn_rest(const char *s, const char *service, bool need_region) {
  if (strncmp(s, "arn:aws", 7)) return NULL;
  const char *p = s + 7;
  p += strspn(p, S_LOWER "-");
  if (*p++ != ':') return NULL;
  size_t sl = strlen(service);
  if (strncmp(p, service, sl) || p[sl] != ':') return NULL;
  p += sl + 1;
  size_t rl = strspn(p, S_LOWER S_DIGIT "-");
  if ((need_region && rl == 0) || p[rl] != ':') return NULL;
  p += rl + 1;
  if (strspn(p, S_DIGIT) != 12 || p[12] != ':') return NULL;
  return p + 13;
}

bool gen_is_secret_arn(const char *s) {
  const char *rest = S_arn_rest(s, "secretsmanager", true);
  /* '!' too: RDS names the secrets it manages rds!db-... and rds!cluster-... */
  return rest && !strncmp(rest, "secret:", 7) &&
         S_span_of(rest + 7, S_LOWER S_UPPER S_DIGIT "/_+=.@!-", 1, 512);
}

bool gen_is_ssm_name(const char *s) {
  const char *rest = S_arn_rest(s, "ssm", true);
  if (rest) return !strncmp(rest, "parameter/", 10) && S_span_of(rest + 10, S_LOWER S_UPPER S_DIGIT "/_.-", 1, 2048);
  return s[0] == '/' && S_span_of(s + 1, S_LOWER S_UPPER S_DIGIT "/_.-", 1, 2047);
}

bool gen_is_sns_topic_arn(const char *s) {
  const char *rest = S_arn_rest(s, "sns", true);
  if (!rest) return false;
  size_t n = strlen(rest);
  if (n > 5 && !strcmp(rest + n - 5, ".fifo")) n -= 5;
  return n >= 1 && n <= 256 && strspn(rest, S_LOWER S_UPPER S_DIGIT "_-") == n;
}

bool gen_is_kms_key_arn(const char *s) {
  const char *rest = S_arn_rest(s, "kms", true);
  return rest && !strncmp(rest, "key/", 4) && S_span_of(rest + 4, S_LOWER S_UPPER S_DIGIT "-", 1, 128);
}

bool gen_is_iam_policy_arn(const char *s) {
  if (strncmp(s, "arn:aws", 7)) return false;
  const char *p = s + 7 + strspn(s + 7, S_LOWER "-"), *rest;
  if (strncmp(p, ":iam::", 6)) return false; /* IAM is global: no region */
  p += 6;
  if (!strncmp(p, "aws:", 4)) rest = p + 4; /* AWS managed policies */
  else if (strspn(p, S_DIGIT) == 12 && p[12] == ':') rest = p + 13;
  else return false;
  if (strncmp(rest, "policy/", 7)) return false;
  /* policy/[PATH/]NAME: a path of printable ASCII, a name of IAM's characters */
  const char *name = strrchr(rest, '/') + 1;
  for (const char *q = rest + 7; q < name; q++)
    if (*q < 0x21 || *q > 0x7e || (*q == '/' && q[-1] == '/')) return false;
  return name - (rest + 7) <= 512 && S_span_of(name, S_LOWER S_UPPER S_DIGIT "+=,.@_-", 1, 128);
}

bool gen_is_iam_path(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 512 || s[0] != '/' || s[n - 1] != '/' || strstr(s, "//")) return false;
  for (const char *p = s; *p; p++)
    if (*p < 0x21 || *p > 0x7e) return false;
  return true;
}

bool gen_is_https_url(const char *s) {
  if (strncmp(s, "https://", 8)) return false;
  const char *host = s + 8;
  size_t h = strcspn(host, "/?#");
  if (h == 0) return false;
  for (const char *p = s; *p; p++)
    if ((unsigned char)*p <= ' ') return false;
  return true;
}

bool gen_is_s3_uri(const char *s) {
  if (strncmp(s, "s3://", 5)) return false;
  const char *b = s + 5, *slash = strchr(b, '/');
  if (!slash || slash[1] == '\0') return false;
  size_t bl = (size_t)(slash - b);
  if (bl < 3 || bl > 63) return false;
  for (const char *p = b; p < slash; p++)
    if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' && *p != '.') return false;
  return isalnum((unsigned char)b[0]) && isalnum((unsigned char)slash[-1]);
}

/* The words of a name, lower-cased: split at `_`, `-`, `.` and where the
 * case changes (camelCase, and the last capital of an acronym that starts a
 * word: APIKey is API Key). At most MAX words of at most 63 letters. */
#define S_MAX_WORDS 32
static size_t S_name_words(const char *s, char words[S_MAX_WORDS][64]) {
  size_t n = 0, len = 0;
  for (const char *p = s;; p++) {
    unsigned char c = (unsigned char)*p;
    bool sep = c == '\0' || c == '_' || c == '-' || c == '.';
    bool boundary = !sep && len > 0 && isupper(c) &&
                    (islower((unsigned char)p[-1]) || isdigit((unsigned char)p[-1]) ||
                     (isupper((unsigned char)p[-1]) && islower((unsigned char)p[1])));
    if ((sep || boundary) && len > 0) {
      words[n][len < 63 ? len : 63] = '\0';
      if (++n == S_MAX_WORDS) return n;
      len = 0;
    }
    if (c == '\0') return n;
    if (!sep) {
      if (len < 63) words[n][len] = (char)tolower(c);
      len++;
    }
  }
}

static bool S_ends_with(const char *s, const char *tail) {
  size_t n = strlen(s), t = strlen(tail);
  return n >= t && !strcmp(s + n - t, tail);
}

bool gen_is_secretish_name(const char *s) {
  /* whole words: AUTHOR, oauth_provider, MAX_TOKENS and secretary are not
   * secrets; AUTH, auth_token, client_secret, PGPASSWORD and ApiKey are */
  static const char *const alone[] = {"secret", "secrets", "password", "passwords", "passwd", "passphrase", "token", "auth",
                                      "apikey", "privatekey", "credential", "credentials"};
  static const char *const tails[] = {"secret", "password", "passwd", "token"};
  static const char *const pairs[][2] = {{"api", "key"}, {"private", "key"}};
  char words[S_MAX_WORDS][64];
  size_t n = S_name_words(s, words);
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < sizeof alone / sizeof alone[0]; j++)
      if (!strcmp(words[i], alone[j])) return true;
    for (size_t j = 0; j < sizeof tails / sizeof tails[0]; j++)
      if (S_ends_with(words[i], tails[j])) return true;
    if (i + 1 < n)
      for (size_t j = 0; j < sizeof pairs / sizeof pairs[0]; j++)
        if (!strcmp(words[i], pairs[j][0]) && !strcmp(words[i + 1], pairs[j][1])) return true;
  }
  return false;
}

bool gen_is_reference(const char *s) { return !strncmp(s, "arn:", 4) || (s[0] == '/' && gen_is_ssm_name(s)); }

bool gen_parse_duration(const char *s, long *seconds) {
  size_t n = strspn(s, S_DIGIT);
  if (n == 0 || n > 7 || s[n + 1] != '\0') return false;
  long v = strtol(s, NULL, 10);
  switch (s[n]) {
  case 's': *seconds = v; return true;
  case 'm': *seconds = v * 60; return true;
  case 'h': *seconds = v * 3600; return true;
  default: return false;
  }
}
