/* gen/render.c: the embedded templates rendered with the generator's
 * filters (gen/render.h). */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/template.h"
#include "tpl_filters.h"

const gen_embedded *gen_embedded_find(const char *path) {
  for (size_t i = 0; i < gen_embedded_count; i++)
    if (!strcmp(gen_embedded_files[i].path, path)) return &gen_embedded_files[i];
  return NULL;
}

/* The loader of include and import tags: NAME in the folder DATA (with
 * its trailing slash), else NAME from templates/ (as "shared/..."). */
static int S_load(void *data, const char *name, char **src, size_t *len) {
  char path[512];
  if (snprintf(path, sizeof path, "%s%s", (const char *)data, name) >= (int)sizeof path) return CC_ENOTFOUND;
  const gen_embedded *e = gen_embedded_find(path);
  if (!e) e = gen_embedded_find(name);
  if (!e) return CC_ENOTFOUND;
  *src = malloc(e->len + 1);
  if (!*src) return CC_ENOMEM;
  memcpy(*src, e->data, e->len);
  (*src)[e->len] = '\0';
  *len = e->len;
  return CC_OK;
}

int gen_render(const char *path, const json_t *ctx, cc_buf *out, cc_diags *diags) {
  char source[600], folder[512];
  snprintf(source, sizeof source, "templates/%s", path);
  const char *slash = strrchr(path, '/');
  snprintf(folder, sizeof folder, "%.*s", slash ? (int)(slash - path + 1) : 0, path);
  const gen_embedded *e = gen_embedded_find(path);
  if (!e) {
    cc_diags_error(diags, source, 0, 0, "no such template in this build");
    return CC_EINVAL;
  }
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.autoescape = CC_TPL_AUTOESCAPE_OFF;
  o.strict = 1;
  o.load = S_load;
  o.load_data = folder;
  o.filters = gen_tpl_filters;
  o.nfilters = gen_tpl_nfilters;
  cc_tpl *t = NULL;
  int rc = cc_tpl_compile(&t, source, e->data, e->len, &o, diags);
  if (!rc && cc_tpl_check_refs(t, 1, diags)) rc = CC_EINVAL;
  if (!rc) rc = cc_tpl_render(t, ctx, out, diags);
  cc_tpl_free(t);
  return rc;
}
