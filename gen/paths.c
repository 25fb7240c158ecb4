/* gen/paths.c: lexical path helpers (gen/paths.h). */
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc/err.h"

/* PATH made absolute (against the current directory) and normalised
 * lexically: no ".", "..", or repeated slashes. */
static int S_abs(cc_buf *out, const char *path) {
  cc_buf raw = CC_BUF_INIT;
  int rc = CC_OK;
  if (path[0] != '/') {
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) return CC_EIO;
    rc = cc_buf_printf(&raw, "%s/", cwd);
  }
  if (!rc) rc = cc_buf_puts(&raw, path);
  const char *p = cc_buf_str(&raw);
  size_t *starts = rc ? NULL : calloc(raw.len + 1, sizeof *starts), depth = 0;
  if (!starts) {
    cc_buf_free(&raw);
    return rc ? rc : CC_ENOMEM;
  }
  cc_buf_truncate(out, 0);
  while (*p && !rc) {
    while (*p == '/') p++;
    const char *e = strchr(p, '/');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      if (depth) cc_buf_truncate(out, starts[--depth]);
    } else {
      starts[depth++] = out->len;
      rc = cc_buf_printf(out, "/%.*s", (int)n, p);
    }
    p += n;
  }
  if (!out->len && !rc) rc = cc_buf_putc(out, '/');
  free(starts);
  cc_buf_free(&raw);
  return rc;
}

int gen_relpath(cc_buf *out, const char *from, const char *to) {
  cc_buf a = CC_BUF_INIT, b = CC_BUF_INIT;
  int rc = S_abs(&a, from);
  if (!rc) rc = S_abs(&b, to);
  if (rc) {
    cc_buf_free(&a);
    cc_buf_free(&b);
    return rc;
  }
  const char *x = cc_buf_str(&a), *y = cc_buf_str(&b);
  if (!strcmp(x, "/")) x = "";
  /* longest common prefix ending at a component boundary */
  size_t common = 0;
  for (size_t i = 0;; i++) {
    if ((x[i] == '/' || !x[i]) && (y[i] == '/' || !y[i])) common = i;
    if (!x[i] || !y[i] || x[i] != y[i]) break;
  }
  const char *rest = x + common;
  size_t ups = 0;
  for (const char *p = rest; *p; p++)
    if (*p == '/') ups++;
  for (size_t i = 0; i < ups && !rc; i++) rc = cc_buf_puts(out, i ? "/.." : "..");
  const char *down = y + common;
  if (*down == '/') down++;
  if (*down && !rc) rc = cc_buf_printf(out, "%s%s", ups ? "/" : "", down);
  if (!ups && !*down && !rc) rc = cc_buf_putc(out, '.');
  cc_buf_free(&a);
  cc_buf_free(&b);
  return rc;
}

const char *gen_path_base(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}
