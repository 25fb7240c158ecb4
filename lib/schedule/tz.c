#include "cc/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cc/err.h"

struct cc_tz {
  char *name;
};

static const char *S_zoneinfo_dir(void) {
  const char *dir = getenv("CC_ZONEINFO");
  return dir && *dir ? dir : "/usr/share/zoneinfo";
}

/* Zone names are paths of letters, digits and _ + - inside the database;
 * the trees that restate it under other rules are not zones of their own. */
static int S_name_ok(const char *name) {
  if (!*name || name[0] == '/' || strlen(name) > 255) return 0;
  if (!strncmp(name, "posix/", 6) || !strncmp(name, "right/", 6)) return 0;
  const char *p = name;
  for (;;) {
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-");
    if (n == 0 || (n <= 2 && p[0] == '.')) return 0;
    p += n;
    if (*p == '\0') return 1;
    if (*p != '/') return 0;
    p++;
  }
}

int cc_tz_load(cc_tz **out, const char *name) {
  *out = NULL;
  if (!S_name_ok(name)) return CC_ENOTFOUND;
  size_t need = strlen(S_zoneinfo_dir()) + strlen(name) + 2;
  char *path = malloc(need);
  if (!path) return CC_ENOMEM;
  snprintf(path, need, "%s/%s", S_zoneinfo_dir(), name);
  struct stat st;
  FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
  free(path);
  if (!f) return CC_ENOTFOUND;
  char magic[4];
  int ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
  fclose(f);
  if (!ok) return CC_ENOTFOUND;
  cc_tz *tz = calloc(1, sizeof *tz);
  if (!tz || !(tz->name = strdup(name))) {
    free(tz);
    return CC_ENOMEM;
  }
  *out = tz;
  return CC_OK;
}

const char *cc_tz_name(const cc_tz *tz) { return tz->name; }

void cc_tz_free(cc_tz *tz) {
  if (!tz) return;
  free(tz->name);
  free(tz);
}
