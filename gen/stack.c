/* gen/stack.c: the root stack (gen/stack.h): the templates of
 * templates/stack/ rendered with the context of gen/stack_ctx.c, and the
 * channels' file templates copied beside them. */
#include "stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "cc/template.h"
#include "embed.h"
#include "modules.h"
#include "paths.h"
#include "stack_ctx.h"
#include "tpl_filters.h"

#define S_DIR "stack/"
#define S_PARTS "stack/parts/"

static const gen_embedded *S_find(const char *path) {
  for (size_t i = 0; i < gen_embedded_count; i++)
    if (!strcmp(gen_embedded_files[i].path, path)) return &gen_embedded_files[i];
  return NULL;
}

/* The loader of include tags: NAME under templates/stack/. */
static int S_load(void *data, const char *name, char **src, size_t *len) {
  (void)data;
  char path[512];
  if (snprintf(path, sizeof path, S_DIR "%s", name) >= (int)sizeof path) return CC_ENOTFOUND;
  const gen_embedded *e = S_find(path);
  if (!e) return CC_ENOTFOUND;
  *src = malloc(e->len + 1);
  if (!*src) return CC_ENOMEM;
  memcpy(*src, e->data, e->len);
  (*src)[e->len] = '\0';
  *len = e->len;
  return CC_OK;
}

/* Renders templates/stack/FILE with CTX and adds it to TREE under DIR. */
static int S_render(gen_tree *tree, const gen_spec *spec, const char *dir, const gen_embedded *e, const json_t *ctx,
                    cc_diags *diags) {
  char source[600], path[1024];
  snprintf(source, sizeof source, "templates/%s", e->path);
  const char *file = e->path + strlen(S_DIR);
  if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path) return CC_ETOOBIG;
  cc_tpl_opts o;
  cc_tpl_opts_default(&o);
  o.autoescape = CC_TPL_AUTOESCAPE_OFF;
  o.strict = 1;
  o.load = S_load;
  o.filters = gen_tpl_filters;
  o.nfilters = gen_tpl_nfilters;
  cc_tpl *t = NULL;
  int rc = cc_tpl_compile(&t, source, e->data, e->len, &o, diags);
  if (!rc && cc_tpl_check_refs(t, 1, diags)) rc = CC_EINVAL;
  cc_buf body = CC_BUF_INIT;
  if (!rc) rc = cc_tpl_render(t, ctx, &body, diags);
  if (!rc) rc = gen_emit(tree, path, spec->path, cc_buf_str(&body), body.len);
  cc_buf_free(&body);
  cc_tpl_free(t);
  return rc;
}

/* Adds templates/stack/FILE's rendering (every file directly in the
 * folder; parts/ holds what they include). */
static int S_render_all(gen_tree *tree, const gen_spec *spec, const char *dir, const json_t *ctx, cc_diags *diags) {
  int rc = CC_OK;
  for (size_t i = 0; i < gen_embedded_count && !rc; i++) {
    const char *p = gen_embedded_files[i].path;
    if (strncmp(p, S_DIR, strlen(S_DIR)) || strchr(p + strlen(S_DIR), '/')) continue;
    rc = S_render(tree, spec, dir, &gen_embedded_files[i], ctx, diags);
  }
  return rc;
}

/* One copied template at DIR/templates/FOLDER/FILE, with the do-not-edit
 * line as a template comment (which renders as nothing) first: HOW says
 * where it comes from. */
static int S_copy(gen_tree *tree, const gen_spec *s, const char *dir, const char *folder, const char *file,
                  const char *how, const char *text) {
  cc_buf b = CC_BUF_INIT, path = CC_BUF_INIT;
  int rc = cc_buf_printf(&b, "{# %s from %s (%s); do not edit #}", GEN_DO_NOT_EDIT, s->path, how);
  if (!rc) rc = cc_buf_puts(&b, text);
  if (!rc) rc = cc_buf_printf(&path, "%s/templates/%s/%s", dir, folder, file);
  if (!rc) rc = gen_tree_add(tree, cc_buf_str(&path), cc_buf_str(&b), b.len);
  cc_buf_free(&b);
  cc_buf_free(&path);
  return rc;
}

/* Each wired channel's file templates, copied under templates/KEY/ (the
 * text part's under templates/KEY.text/). */
static int S_template_files(gen_tree *tree, const gen_spec *s, const char *dir) {
  int rc = CC_OK;
  cc_buf how = CC_BUF_INIT, folder = CC_BUF_INIT;
  for (size_t i = 0; i < s->nnotifications && !rc; i++) {
    const gen_notification *n = &s->notifications[i];
    if (!gen_module_exists(gen_channel_module(n->channel))) continue;
    if (n->text_value && n->text_kind == GEN_TEMPLATE_FILE && n->text_text) {
      cc_buf_truncate(&how, 0);
      cc_buf_truncate(&folder, 0);
      rc = cc_buf_printf(&how, "`%s` of notification %s", n->text_value, n->key);
      if (!rc) rc = cc_buf_printf(&folder, "%s.text", n->key);
      if (!rc)
        rc = S_copy(tree, s, dir, cc_buf_str(&folder), gen_path_base(n->text_value), cc_buf_str(&how), n->text_text);
    }
    if (rc || n->template_kind != GEN_TEMPLATE_FILE || !n->template_text) continue;
    cc_buf_truncate(&how, 0);
    rc = cc_buf_printf(&how, "`%s` of notification %s", n->template_value, n->key);
    if (!rc)
      rc = S_copy(tree, s, dir, n->key, gen_path_base(n->template_value), cc_buf_str(&how), n->template_text);
    cc_buf_truncate(&how, 0);
    if (!rc) rc = cc_buf_printf(&how, "reached from `%s` of notification %s", n->template_value, n->key);
    for (size_t k = 0; k < n->ntemplate_parts && !rc; k++)
      rc = S_copy(tree, s, dir, n->key, n->template_parts[k], cc_buf_str(&how), n->template_part_texts[k]);
  }
  cc_buf_free(&how);
  cc_buf_free(&folder);
  return rc;
}

/* What the spec needs that this build may lack: a channel's module (a
 * warning: the channel is left out) or an image's (an error). */
static int S_check_modules(const gen_spec *spec, cc_diags *diags) {
  size_t before = diags->nerrors;
  for (size_t i = 0; i < spec->nnotifications; i++) {
    const gen_notification *n = &spec->notifications[i];
    const char *m = gen_channel_module(n->channel);
    if (!gen_module_exists(m))
      cc_diags_add(diags, CC_DIAG_WARNING, spec->path, n->span.line, n->span.col,
                   "notification `%s` is not generated: this build has no %s module", n->key, m);
  }
  for (size_t i = 0; i < spec->nimages; i++) {
    const gen_image *img = &spec->images[i];
    if (img->kind == GEN_IMAGE_URI) continue;
    const char *m = img->kind == GEN_IMAGE_BUILD ? "lambda-image-build" : "lambda-container";
    if (!gen_module_exists(m))
      cc_diags_error(diags, spec->path, img->span.line, img->span.col,
                     "image `%s` needs the %s module, which this build does not have; give it a `uri:` for now",
                     img->key, m);
  }
  return diags->nerrors > before ? CC_EINVAL : CC_OK;
}

int gen_stack_build(gen_tree *tree, const gen_spec *spec, const char *out_dir, cc_diags *diags) {
  int rc = gen_modules_build(tree, diags);
  if (!rc) rc = S_check_modules(spec, diags);
  if (rc) return rc;
  json_t *ctx = NULL;
  rc = gen_stack_context(&ctx, spec, out_dir);
  if (rc == CC_EIO) cc_diags_error(diags, out_dir, 0, 0, "cannot resolve the output folder's path");
  if (rc) return rc;
  cc_buf dir = CC_BUF_INIT;
  rc = cc_buf_printf(&dir, "stacks/%s", spec->project);
  if (!rc) rc = S_render_all(tree, spec, cc_buf_str(&dir), ctx, diags);
  if (!rc) rc = S_template_files(tree, spec, cc_buf_str(&dir));
  json_decref(ctx);
  cc_buf_free(&dir);
  return rc;
}
