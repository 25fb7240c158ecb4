#include "cc/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc/buf.h"
#include "cc/err.h"

int cc_file_read(char **out, size_t *len, const char *path, size_t max) {
  *out = NULL;
  *len = 0;
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) return CC_EIO;
  cc_buf b;
  cc_buf_init(&b, max);
  char chunk[65536];
  int rc = CC_OK;
  for (;;) {
    size_t n = fread(chunk, 1, sizeof chunk, f);
    if (n && (rc = cc_buf_add(&b, chunk, n))) break;
    if (n < sizeof chunk) {
      if (ferror(f)) rc = CC_EIO;
      break;
    }
  }
  int saved = errno;
  if (f != stdin) fclose(f);
  if (rc) {
    cc_buf_free(&b);
    errno = saved;
    return rc;
  }
  *len = b.len;
  *out = cc_buf_detach(&b);
  return *out ? CC_OK : CC_ENOMEM;
}

const char *cc_file_strerror(int rc) { return rc == CC_EIO && errno ? strerror(errno) : cc_strerror(rc); }

int cc_file_write_atomic(const char *path, const void *data, size_t len) {
  cc_buf tmp = CC_BUF_INIT;
  if (cc_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid())) return CC_ENOMEM;
  FILE *f = fopen(tmp.ptr, "wb");
  if (!f) {
    cc_buf_free(&tmp);
    return CC_EIO;
  }
  int ok = fwrite(data, 1, len, f) == len;
  ok = (fflush(f) == 0) && ok;
  ok = (fclose(f) == 0) && ok;
  if (!ok || rename(tmp.ptr, path) != 0) {
    int saved = errno;
    unlink(tmp.ptr);
    cc_buf_free(&tmp);
    errno = saved;
    return CC_EIO;
  }
  cc_buf_free(&tmp);
  return CC_OK;
}

int cc_mkdirs(const char *dir) {
  size_t n = strlen(dir);
  char *p = malloc(n + 1);
  if (!p) return CC_ENOMEM;
  memcpy(p, dir, n + 1);
  for (char *s = p + 1; ; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        free(p);
        return CC_EIO;
      }
      *s = c;
      if (!c) break;
    }
  }
  free(p);
  return CC_OK;
}
