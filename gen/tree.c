#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc/buf.h"
#include "cc/err.h"
#include "cc/file.h"
#include "cc/grow.h"

void gen_tree_init(gen_tree *t) { memset(t, 0, sizeof *t); }

void gen_tree_free(gen_tree *t) {
  if (!t) return;
  for (size_t i = 0; i < t->n; i++) {
    free(t->files[i].path);
    free(t->files[i].data);
  }
  free(t->files);
  memset(t, 0, sizeof *t);
}

static int S_path_ok(const char *p) {
  if (!*p || *p == '/') return 0;
  for (const char *s = p; *s;) {
    size_t n = strcspn(s, "/");
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return 0;
    s += n;
    if (*s == '/') s++;
  }
  return 1;
}

int gen_tree_add(gen_tree *t, const char *path, const char *data, size_t len) {
  if (!S_path_ok(path)) return CC_EINVAL;
  char *d = malloc(len + 1);
  if (!d) return CC_ENOMEM;
  memcpy(d, data, len);
  d[len] = '\0';
  for (size_t i = 0; i < t->n; i++) {
    if (!strcmp(t->files[i].path, path)) {
      free(t->files[i].data);
      t->files[i].data = d;
      t->files[i].len = len;
      return CC_OK;
    }
  }
  char *p = strdup(path);
  if (!p || cc_grow(&t->files, &t->cap, t->n + 1, sizeof *t->files)) {
    free(p);
    free(d);
    return CC_ENOMEM;
  }
  t->files[t->n].path = p;
  t->files[t->n].data = d;
  t->files[t->n].len = len;
  t->n++;
  return CC_OK;
}

static const gen_file *S_find(const gen_tree *t, const char *path) {
  for (size_t i = 0; i < t->n; i++)
    if (!strcmp(t->files[i].path, path)) return &t->files[i];
  return NULL;
}

/* Whether the file at PATH was written by cloudcron (its first line says so). */
static int S_is_generated(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  char line[256];
  int yes = fgets(line, sizeof line, f) && strstr(line, GEN_DO_NOT_EDIT) != NULL;
  fclose(f);
  return yes;
}

typedef int (*S_visit_fn)(const char *full, const char *rel, void *ctx);

/* Calls FN for every regular file below DIR, skipping dot files and
 * folders (.terraform, lock files) that tools put beside generated code. */
static int S_walk(const char *dir, const char *rel, S_visit_fn fn, void *ctx) {
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -1;
  int rc = 0;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (e->d_name[0] == '.' || !strncmp(e->d_name, "terraform.tfstate", 17)) continue;
    cc_buf full = CC_BUF_INIT, sub = CC_BUF_INIT;
    cc_buf_emitf(&full, "%s/%s", dir, e->d_name);
    cc_buf_emitf(&sub, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
    struct stat st;
    if (cc_buf_failed(&full) || cc_buf_failed(&sub)) {
      rc = -1;
      errno = ENOMEM;
    } else if (lstat(cc_buf_str(&full), &st) == 0) {
      if (S_ISDIR(st.st_mode)) rc = S_walk(cc_buf_str(&full), cc_buf_str(&sub), fn, ctx);
      else if (S_ISREG(st.st_mode)) rc = fn(cc_buf_str(&full), cc_buf_str(&sub), ctx);
    }
    cc_buf_free(&full);
    cc_buf_free(&sub);
  }
  closedir(d);
  return rc;
}

typedef struct S_stale_ctx {
  const gen_tree *tree;
  FILE *report; /* check: print; write: NULL, remove */
  int count;
  cc_buf removed; /* write: the removed paths, each NUL-terminated */
} S_stale_ctx;

/* Whether REL lies in a folder the generator owns: one the tree writes a
 * file in, or a folder below one (stacks/P/templates/KEY/ after
 * notification KEY is gone). The output folder itself owns nothing below
 * it, as other stacks may share it: stacks/OTHER/ is never in scope. */
static int S_in_scope(const gen_tree *t, const char *rel) {
  const char *slash = strrchr(rel, '/');
  size_t n = slash ? (size_t)(slash - rel) : 0;
  for (size_t i = 0; i < t->n; i++) {
    const char *p = t->files[i].path, *ps = strrchr(p, '/');
    size_t m = ps ? (size_t)(ps - p) : 0;
    if (m == n && !strncmp(p, rel, n)) return 1;            /* the same folder */
    if (m > 0 && m < n && !strncmp(p, rel, m) && rel[m] == '/') return 1; /* below it */
  }
  return 0;
}

/* Removes the folders of REL under DIR that the removal left empty, up to
 * (not including) the first one that still holds anything. */
static void S_prune(const char *dir, const char *rel) {
  cc_buf path = CC_BUF_INIT;
  cc_buf_emitf(&path, "%s/%s", dir, rel);
  size_t base = strlen(dir);
  while (!cc_buf_failed(&path)) {
    char *slash = strrchr(path.ptr, '/');
    if (!slash || (size_t)(slash - path.ptr) <= base) break;
    *slash = '\0';
    if (rmdir(path.ptr) != 0) break;
  }
  cc_buf_free(&path);
}

static int S_stale(const char *full, const char *rel, void *vctx) {
  S_stale_ctx *ctx = vctx;
  if (S_find(ctx->tree, rel) || !S_in_scope(ctx->tree, rel) || !S_is_generated(full)) return 0;
  ctx->count++;
  if (ctx->report) fprintf(ctx->report, "stale: %s (generated earlier, no longer produced)\n", rel);
  else if (unlink(full) != 0) return -1;
  else if (cc_buf_add(&ctx->removed, rel, strlen(rel) + 1)) return -1;
  return 0;
}

int gen_tree_write(const gen_tree *t, const char *dir, cc_diags *diags) {
  for (size_t i = 0; i < t->n; i++) {
    const gen_file *f = &t->files[i];
    cc_buf path = CC_BUF_INIT;
    cc_buf_emitf(&path, "%s/%s", dir, f->path);
    if (cc_buf_failed(&path)) {
      cc_diags_error(diags, f->path, 0, 0, "cannot write: %s", cc_strerror(cc_buf_failed(&path)));
      cc_buf_free(&path);
      return CC_ENOMEM;
    }
    char *slash = strrchr(path.ptr, '/');
    *slash = '\0';
    int rc = cc_mkdirs(path.ptr);
    *slash = '/';
    if (!rc) rc = cc_file_write_atomic(path.ptr, f->data, f->len);
    if (rc) {
      cc_diags_error(diags, cc_buf_str(&path), 0, 0, "cannot write: %s", strerror(errno));
      cc_buf_free(&path);
      return CC_EIO;
    }
    cc_buf_free(&path);
  }
  S_stale_ctx ctx = {t, NULL, 0, CC_BUF_INIT};
  int rc = S_walk(dir, "", S_stale, &ctx);
  if (rc != 0) {
    cc_diags_error(diags, dir, 0, 0, "cannot remove stale generated files: %s", strerror(errno));
  } else {
    /* after the walk: its folders are no longer open */
    for (size_t off = 0; off < ctx.removed.len; off += strlen(ctx.removed.ptr + off) + 1)
      S_prune(dir, ctx.removed.ptr + off);
  }
  cc_buf_free(&ctx.removed);
  return rc ? CC_EIO : CC_OK;
}

int gen_tree_check(const gen_tree *t, const char *dir, FILE *report) {
  int count = 0;
  for (size_t i = 0; i < t->n; i++) {
    const gen_file *f = &t->files[i];
    cc_buf path = CC_BUF_INIT;
    cc_buf_emitf(&path, "%s/%s", dir, f->path);
    char *text = NULL;
    size_t len = 0;
    /* a path that could not be made (its failure sticks) is not found */
    int rc = cc_buf_failed(&path) ? cc_buf_failed(&path)
                                  : cc_file_read(&text, &len, cc_buf_str(&path), (size_t)64 << 20);
    if (rc) {
      fprintf(report, "missing: %s\n", f->path);
      count++;
    } else if (len != f->len || memcmp(text, f->data, len)) {
      fprintf(report, "differs: %s\n", f->path);
      count++;
    }
    free(text);
    cc_buf_free(&path);
  }
  S_stale_ctx ctx = {t, report, 0, CC_BUF_INIT};
  int rc = S_walk(dir, "", S_stale, &ctx);
  cc_buf_free(&ctx.removed);
  if (rc != 0) return -1;
  return count + ctx.count;
}
