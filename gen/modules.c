#include "modules.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/template.h"
#include "embed.h"
#include "hclfmt.h"
#include "iface.h"
#include "readme.h"
#include "render.h"

static bool S_ends(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

static bool S_is_hcl(const char *path) { return S_ends(path, ".tf") || S_ends(path, ".hcl"); }

int gen_header(cc_buf *out, const char *path, const char *source) {
  if (S_ends(path, ".md")) return cc_buf_printf(out, "<!-- %s from %s; do not edit -->\n\n", GEN_DO_NOT_EDIT, source);
  return cc_buf_printf(out, "# %s from %s; do not edit\n\n", GEN_DO_NOT_EDIT, source);
}

int gen_emit(gen_tree *tree, const char *path, const char *source, const char *body, size_t len) {
  cc_buf b = CC_BUF_INIT;
  int rc = gen_header(&b, path, source);
  if (!rc) rc = S_is_hcl(path) ? gen_hclfmt(body, len, &b) : cc_buf_add(&b, body, len);
  if (!rc) rc = gen_tree_add(tree, path, cc_buf_str(&b), b.len);
  cc_buf_free(&b);
  return rc;
}

/* Renders the embedded file E for module NAME into OUT (gen/render.h: a
 * module's tests import what they share from templates/shared/tests/). */
static int S_render(const gen_embedded *e, const char *name, cc_buf *out, cc_diags *diags) {
  char source[600];
  snprintf(source, sizeof source, "templates/%s", e->path);
  cc_buf header = CC_BUF_INIT;
  int rc = gen_header(&header, e->path, source);
  json_t *ctx = rc ? NULL
                   : json_pack("{s:s, s:s, s:s}", "module", name, "header", cc_buf_str(&header), "version",
                               CLOUDCRON_VERSION);
  cc_buf_free(&header);
  if (!ctx) return CC_ENOMEM;
  rc = gen_render(e->path, ctx, out, diags);
  json_decref(ctx);
  return rc;
}

/* The module of an embedded path "modules/NAME/...": NAME's length. */
static size_t S_module_len(const char *path) {
  const char *p = path + strlen("modules/");
  const char *slash = strchr(p, '/');
  return slash ? (size_t)(slash - p) : 0;
}

static int S_module(gen_tree *tree, const char *name, size_t first, size_t last, const gen_iface *shared,
                    cc_diags *diags) {
  char path[512], source[600];
  snprintf(path, sizeof path, "modules/%s/interface.yaml", name);
  const gen_embedded *ie = gen_embedded_find(path);
  gen_iface *iface = NULL;
  int rc = CC_OK;
  snprintf(source, sizeof source, "templates/%s", path);
  if (ie) rc = gen_iface_load(&iface, source, ie->data, ie->len, shared, diags);
  if (rc) return rc;
  char *main_tf = NULL, *versions_tf = NULL;
  int failed = 0;
  for (size_t i = first; i < last && !rc; i++) {
    const gen_embedded *e = &gen_embedded_files[i];
    if (S_ends(e->path, "/interface.yaml")) continue;
    const char *base = e->path + strlen("modules/") + strlen(name) + 1;
    if (iface && (!strcmp(base, "variables.tf") || !strcmp(base, "outputs.tf") || !strcmp(base, "README.md"))) {
      cc_diags_error(diags, e->path, 1, 1,
                     "templates/%s is generated from interface.yaml; remove it and keep the interface there", e->path);
      failed = 1;
      continue;
    }
    cc_buf body = CC_BUF_INIT;
    int r = S_render(e, name, &body, diags);
    if (r == CC_EINVAL || r == CC_ELIMIT) {
      failed = 1;
    } else if (r) {
      rc = r;
    } else {
      cc_buf fmt = CC_BUF_INIT;
      snprintf(source, sizeof source, "templates/%s", e->path);
      rc = gen_emit(tree, e->path, source, cc_buf_str(&body), body.len);
      if (S_is_hcl(e->path)) {
        rc = rc ? rc : gen_hclfmt(cc_buf_str(&body), body.len, &fmt);
        if (!strcmp(base, "main.tf")) main_tf = cc_buf_detach(&fmt);
        else if (!strcmp(base, "versions.tf")) versions_tf = cc_buf_detach(&fmt);
      }
      cc_buf_free(&fmt);
    }
    cc_buf_free(&body);
  }
  if (!rc && !failed && iface) {
    snprintf(source, sizeof source, "templates/modules/%s/interface.yaml", name);
    cc_buf b = CC_BUF_INIT;
    snprintf(path, sizeof path, "modules/%s/variables.tf", name);
    rc = gen_iface_variables_tf(iface, &b, diags);
    if (!rc) rc = gen_emit(tree, path, source, cc_buf_str(&b), b.len);
    cc_buf_truncate(&b, 0);
    snprintf(path, sizeof path, "modules/%s/outputs.tf", name);
    if (!rc) rc = gen_iface_outputs_tf(iface, &b, diags);
    if (!rc) rc = gen_emit(tree, path, source, cc_buf_str(&b), b.len);
    cc_buf_truncate(&b, 0);
    snprintf(path, sizeof path, "modules/%s/README.md", name);
    snprintf(source, sizeof source, "templates/modules/%s/interface.yaml", name);
    if (!rc) rc = gen_readme_module(&b, name, iface, versions_tf ? versions_tf : "", main_tf);
    if (!rc) rc = gen_emit(tree, path, source, cc_buf_str(&b), b.len);
    cc_buf_free(&b);
  }
  free(main_tf);
  free(versions_tf);
  gen_iface_free(iface);
  return rc ? rc : failed ? CC_EINVAL : CC_OK;
}

bool gen_module_exists(const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < gen_embedded_count; i++) {
    const char *p = gen_embedded_files[i].path;
    if (!strncmp(p, "modules/", 8) && !strncmp(p + 8, name, n) && p[8 + n] == '/') return true;
  }
  return false;
}

int gen_modules_build(gen_tree *tree, cc_diags *diags) {
  int rc = CC_OK, failed = 0;
  size_t i = 0;
  /* the definitions modules share (`use:` entries), read once */
  gen_iface *shared = NULL;
  const gen_embedded *se = gen_embedded_find(GEN_IFACE_SHARED);
  if (se) rc = gen_iface_load(&shared, "templates/" GEN_IFACE_SHARED, se->data, se->len, NULL, diags);
  if (rc) return rc;
  while (i < gen_embedded_count && rc != CC_ENOMEM) {
    const char *p = gen_embedded_files[i].path;
    size_t n = strncmp(p, "modules/", 8) ? 0 : S_module_len(p);
    if (!n) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < gen_embedded_count && !strncmp(gen_embedded_files[j].path, p, 8 + n + 1)) j++;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)n, p + 8);
    rc = S_module(tree, name, i, j, shared, diags);
    if (rc == CC_EINVAL) failed = 1;
    i = j;
  }
  gen_iface_free(shared);
  return rc == CC_ENOMEM ? rc : failed ? CC_EINVAL : CC_OK;
}
