#include "spec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cc/arena.h"
#include "cc/err.h"
#include "cc/file.h"
#include "check.h"
#include "doc.h"
#include "lint.h"
#include "spec_read.h"

#define S_MAX_SPEC ((size_t)64 << 20)

static bool S_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

static void S_free_json(gen_spec *spec) {
  for (size_t i = 0; i < spec->ntasks; i++) json_decref(spec->tasks[i].input);
  for (size_t i = 0; i < spec->nnotifications; i++) {
    json_decref(spec->notifications[i].vars);
    json_decref(spec->notifications[i].filter);
  }
}

void gen_spec_free(gen_spec *spec) {
  if (!spec) return;
  S_free_json(spec);
  cc_arena_free(spec->arena); /* the spec itself lives in its arena */
}

int gen_spec_load(gen_spec **out, const char *path, cc_diags *diags) {
  *out = NULL;
  char *text = NULL;
  size_t len = 0;
  int rc = cc_file_read(&text, &len, path, S_MAX_SPEC);
  if (rc) {
    if (rc == CC_ETOOBIG) cc_diags_error(diags, path, 0, 0, "the spec is larger than 64 MiB");
    else cc_diags_error(diags, path, 0, 0, "cannot read the spec: %s", cc_file_strerror(rc));
    return rc;
  }
  rc = gen_spec_parse(out, path, text, len, diags);
  free(text);
  return rc;
}

int gen_spec_parse(gen_spec **out, const char *path, const char *text, size_t len, cc_diags *diags) {
  *out = NULL;
  int rc;
  if ((rc = cc_diags_source(diags, path, text, len))) goto out;
  cc_arena *arena = cc_arena_new();
  gen_spec *spec = arena ? cc_arena_alloc(arena, sizeof *spec) : NULL;
  if (!spec) {
    cc_arena_free(arena);
    rc = CC_ENOMEM;
    goto out;
  }
  spec->arena = arena;
  spec->path = cc_arena_strdup(arena, path);
  const char *slash = strrchr(path, '/');
  spec->dir = slash ? cc_arena_strndup(arena, path, slash == path ? 1 : (size_t)(slash - path)) : ".";
  if (!spec->path || !spec->dir) {
    rc = CC_ENOMEM;
    goto fail;
  }
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1, col = 1;
    for (const char *p = text; p < nul; p++) {
      if (*p == '\n') line++, col = 1;
      else if (((unsigned char)*p & 0xC0) != 0x80) col++;
    }
    cc_diags_error(diags, spec->path, line, col, "the spec contains a NUL byte");
    rc = CC_EINVAL;
    goto fail;
  }
  gen_node *root = NULL;
  gen_doc_format fmt = S_ends_with(path, ".json") ? GEN_DOC_JSON : GEN_DOC_YAML;
  int doc_rc = gen_doc_load(&root, arena, spec->path, text, len, fmt, diags);
  if (!root) {
    rc = doc_rc;
    goto fail;
  }
  int read_rc = gen_spec_read(spec, root, diags);
  if (read_rc == CC_ENOMEM) {
    rc = read_rc;
    goto fail;
  }
  if (!read_rc) read_rc = doc_rc;
  for (size_t i = 0; i < spec->nnotifications; i++) {
    if (!spec->notifications[i].vars && !(spec->notifications[i].vars = json_object())) {
      rc = CC_ENOMEM;
      goto fail;
    }
  }
  /* Check even after reading errors, so one run reports everything. */
  rc = gen_check(spec, text, len, diags);
  if (rc != CC_ENOMEM) {
    int lint_rc = gen_lint(spec, diags);
    if (!rc || lint_rc == CC_ENOMEM) rc = lint_rc;
  }
  if (!rc) rc = read_rc;
  if (rc) goto fail;
  *out = spec;
  goto out;
fail:
  gen_spec_free(spec);
out:
  if (rc == CC_ENOMEM) cc_diags_error(diags, path, 0, 0, "out of memory");
  return rc;
}

const gen_image *gen_spec_image(const gen_spec *spec, const char *key) {
  for (size_t i = 0; i < spec->nimages; i++)
    if (!strcmp(spec->images[i].key, key)) return &spec->images[i];
  return NULL;
}

const gen_topic *gen_spec_topic(const gen_spec *spec, const char *key) {
  for (size_t i = 0; i < spec->ntopics; i++)
    if (!strcmp(spec->topics[i].key, key)) return &spec->topics[i];
  return NULL;
}

const gen_task *gen_spec_task(const gen_spec *spec, const char *key) {
  for (size_t i = 0; i < spec->ntasks; i++)
    if (!strcmp(spec->tasks[i].key, key)) return &spec->tasks[i];
  return NULL;
}
