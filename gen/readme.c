#include "readme.h"

#include <cmark.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

/* Renders the inline node N (taking ownership) inside a paragraph and
 * appends it to CELL, made safe for a table cell. */
static int S_cell(cc_buf *cell, cmark_node *n) {
  cmark_node *doc = cmark_node_new(CMARK_NODE_DOCUMENT), *para = cmark_node_new(CMARK_NODE_PARAGRAPH);
  if (!doc || !para || !n) {
    cmark_node_free(doc);
    cmark_node_free(para);
    cmark_node_free(n);
    return CC_ENOMEM;
  }
  cmark_node_append_child(para, n);
  cmark_node_append_child(doc, para);
  char *md = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
  cmark_node_free(doc);
  if (!md) return CC_ENOMEM;
  size_t len = strlen(md);
  while (len && md[len - 1] == '\n') len--;
  int rc = CC_OK;
  for (size_t i = 0; i < len && !rc; i++) {
    if (md[i] == '|') rc = cc_buf_puts(cell, "\\|");
    else if (md[i] == '\n') rc = cc_buf_putc(cell, ' ');
    else rc = cc_buf_putc(cell, md[i]);
  }
  free(md);
  return rc;
}

/* TEXT with newlines folded into spaces (a table cell is one line). */
static char *S_fold(const char *text) {
  char *s = strdup(text);
  if (!s) return NULL;
  size_t len = strlen(s);
  while (len && (s[len - 1] == '\n' || s[len - 1] == ' ')) s[--len] = '\0';
  for (char *p = s; *p; p++)
    if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
  return s;
}

static cmark_node *S_literal(cmark_node_type type, const char *text) {
  cmark_node *n = cmark_node_new(type);
  char *s = S_fold(text);
  if (!n || !s || !cmark_node_set_literal(n, s)) {
    cmark_node_free(n);
    n = NULL;
  }
  free(s);
  return n;
}

int gen_readme_text(cc_buf *cell, const char *text) { return S_cell(cell, S_literal(CMARK_NODE_TEXT, text)); }
int gen_readme_code(cc_buf *cell, const char *text) { return S_cell(cell, S_literal(CMARK_NODE_CODE, text)); }

int gen_readme_link(cc_buf *cell, const char *text, const char *url) {
  cmark_node *l = cmark_node_new(CMARK_NODE_LINK), *t = S_literal(CMARK_NODE_TEXT, text);
  if (!l || !t || !cmark_node_set_url(l, url)) {
    cmark_node_free(l);
    cmark_node_free(t);
    return CC_ENOMEM;
  }
  cmark_node_append_child(l, t);
  return S_cell(cell, l);
}

typedef enum { S_TEXT, S_CODE, S_LINK } S_how;

typedef struct S_table {
  cc_buf *out;
  size_t ncols;
  int rc;
} S_table;

static void S_header(S_table *t, const char *const *cols, size_t n) {
  t->ncols = n;
  cc_buf line = CC_BUF_INIT, rule = CC_BUF_INIT;
  for (size_t i = 0; i < n; i++) {
    cc_buf_emit(&line, "| ");
    gen_readme_text(&line, cols[i]);
    cc_buf_emit(&line, " ");
    cc_buf_emit(&rule, "|------");
  }
  cc_buf_emit(&line, "|\n");
  cc_buf_emit(&rule, "|\n");
  if (!t->rc) t->rc = cc_buf_failed(&line) ? cc_buf_failed(&line) : cc_buf_failed(&rule);
  if (!t->rc) t->rc = cc_buf_add(t->out, line.ptr, line.len);
  if (!t->rc) t->rc = cc_buf_add(t->out, rule.ptr, rule.len);
  cc_buf_free(&line);
  cc_buf_free(&rule);
}

/* Adds a row from already rendered cells. */
static void S_row(S_table *t, cc_buf *cells) {
  for (size_t i = 0; i < t->ncols; i++) {
    if (!t->rc) t->rc = cc_buf_failed(&cells[i]); /* a cell's appends were unchecked */
    if (!t->rc) t->rc = cc_buf_printf(t->out, "| %s ", cc_buf_str(&cells[i]));
    cc_buf_free(&cells[i]);
  }
  if (!t->rc) t->rc = cc_buf_puts(t->out, "|\n");
}

/* The quoted string after `KEY =` on LINE, or NULL. */
static char *S_attr(const char *line, const char *key) {
  const char *p = line;
  while (*p == ' ') p++;
  size_t k = strlen(key);
  if (strncmp(p, key, k)) return NULL;
  p += k;
  while (*p == ' ') p++;
  if (*p++ != '=') return NULL;
  while (*p == ' ') p++;
  if (*p++ != '"') return NULL;
  const char *e = strchr(p, '"');
  return e ? strndup(p, (size_t)(e - p)) : NULL;
}

typedef struct S_provider {
  char name[64];
  char *source, *version;
} S_provider;

static void S_versions(const char *versions_tf, char **required, S_provider *prov, size_t *nprov, size_t max) {
  *required = NULL;
  *nprov = 0;
  bool in_providers = false;
  int depth = 0;
  S_provider *cur = NULL;
  const char *p = versions_tf;
  while (p && *p) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char *line = strndup(p, len);
    if (!line) break;
    char *v;
    if (!*required && (v = S_attr(line, "required_version"))) *required = v;
    const char *s = line;
    while (*s == ' ') s++;
    if (!strncmp(s, "required_providers", 18)) {
      in_providers = true;
      depth = 0;
    } else if (in_providers) {
      size_t nlen = strcspn(s, " =");
      if (depth == 0 && strstr(s, "= {") && *nprov < max && nlen < sizeof prov[0].name) {
        cur = &prov[(*nprov)++];
        memset(cur, 0, sizeof *cur);
        memcpy(cur->name, s, nlen);
        depth = 1;
      } else if (depth == 1 && cur) {
        if ((v = S_attr(line, "source"))) {
          free(cur->source);
          cur->source = v;
        } else if ((v = S_attr(line, "version"))) {
          free(cur->version);
          cur->version = v;
        } else if (*s == '}') {
          depth = 0;
          cur = NULL;
        }
      } else if (depth == 0 && *s == '}') {
        in_providers = false;
      }
    }
    free(line);
    p = e ? e + 1 : NULL;
  }
}

static int S_prose(cc_buf *out, const char *name, const gen_iface *f) {
  /* The heading, the description as written, and the usage block, built
   * as one cmark document. */
  cmark_node *doc = cmark_parse_document(f->description, strlen(f->description), CMARK_OPT_DEFAULT);
  if (!doc) return CC_ENOMEM;
  cmark_node *h = cmark_node_new(CMARK_NODE_HEADING), *ht = cmark_node_new(CMARK_NODE_TEXT);
  cc_buf title = CC_BUF_INIT;
  cc_buf_emitf(&title, "%s", name);
  if (!h || !ht || cc_buf_failed(&title) || !cmark_node_set_literal(ht, cc_buf_str(&title))) {
    cc_buf_free(&title);
    cmark_node_free(doc);
    cmark_node_free(h);
    cmark_node_free(ht);
    return CC_ENOMEM;
  }
  cc_buf_free(&title);
  cmark_node_set_heading_level(h, 1);
  cmark_node_append_child(h, ht);
  cmark_node_prepend_child(doc, h);
  if (f->usage) {
    cmark_node *uh = cmark_node_new(CMARK_NODE_HEADING), *ut = cmark_node_new(CMARK_NODE_TEXT),
               *code = cmark_node_new(CMARK_NODE_CODE_BLOCK);
    if (!uh || !ut || !code) {
      cmark_node_free(uh);
      cmark_node_free(ut);
      cmark_node_free(code);
      cmark_node_free(doc);
      return CC_ENOMEM;
    }
    cmark_node_set_heading_level(uh, 2);
    cmark_node_set_literal(ut, "Usage");
    cmark_node_append_child(uh, ut);
    cmark_node_set_literal(code, f->usage);
    cmark_node_set_fence_info(code, "hcl");
    cmark_node_append_child(doc, uh);
    cmark_node_append_child(doc, code);
  }
  char *md = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
  cmark_node_free(doc);
  if (!md) return CC_ENOMEM;
  int rc = cc_buf_puts(out, md);
  free(md);
  return rc;
}

int gen_readme_module(cc_buf *out, const char *name, const gen_iface *f, const char *versions_tf, const char *main_tf) {
  int rc = S_prose(out, name, f);
  if (rc) return rc;
  S_table t = {.out = out};
  cc_buf c[5];
  cc_buf_emit(out, "\n<!-- BEGIN_TF_DOCS -->\n## Requirements\n\n");
  static const char *const req_cols[] = {"Name", "Version"};
  S_header(&t, req_cols, 2);
  char *required = NULL;
  S_provider prov[8];
  size_t nprov = 0;
  S_versions(versions_tf, &required, prov, &nprov, 8);
  for (size_t i = 0; i < 2; i++) cc_buf_init(&c[i], CC_BUF_DEFAULT_MAX);
  gen_readme_text(&c[0], "terraform");
  gen_readme_code(&c[1], required ? required : "any");
  S_row(&t, c);
  for (size_t i = 0; i < nprov; i++) {
    cc_buf_init(&c[0], CC_BUF_DEFAULT_MAX);
    cc_buf_init(&c[1], CC_BUF_DEFAULT_MAX);
    gen_readme_text(&c[0], prov[i].name);
    gen_readme_code(&c[1], prov[i].version ? prov[i].version : "any");
    S_row(&t, c);
  }
  cc_buf_emit(out, "\n## Providers\n\n");
  static const char *const prov_cols[] = {"Name", "Source", "Version"};
  S_header(&t, prov_cols, 3);
  for (size_t i = 0; i < nprov; i++) {
    for (size_t j = 0; j < 3; j++) cc_buf_init(&c[j], CC_BUF_DEFAULT_MAX);
    gen_readme_text(&c[0], prov[i].name);
    gen_readme_code(&c[1], prov[i].source ? prov[i].source : prov[i].name);
    gen_readme_code(&c[2], prov[i].version ? prov[i].version : "any");
    S_row(&t, c);
    free(prov[i].source);
    free(prov[i].version);
  }
  free(required);

  cc_buf_emit(out, "\n## Resources\n\n");
  static const char *const res_cols[] = {"Name", "Type"};
  S_header(&t, res_cols, 2);
  const char *p = main_tf;
  while (p && *p) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    char kind[16] = "", type[128] = "", label[128] = "";
    char *line = strndup(p, len);
    int m = 0;
    /* a block header: KIND "TYPE" "LABEL" { (resource, data) or KIND "LABEL" { (module) */
    int nf = line ? sscanf(line, "%15[a-z] \"%127[^\"]\" \"%127[^\"]\" {", kind, type, label) : 0;
    if (nf == 3 && (!strcmp(kind, "resource") || !strcmp(kind, "data"))) {
      m = 1;
    } else if (nf >= 2 && !strcmp(kind, "module")) {
      memcpy(label, type, sizeof label);
      m = 2;
    }
    if (m) {
      cc_buf_init(&c[0], CC_BUF_DEFAULT_MAX);
      cc_buf_init(&c[1], CC_BUF_DEFAULT_MAX);
      cc_buf ref = CC_BUF_INIT, url = CC_BUF_INIT;
      if (m == 1) {
        bool data = !strcmp(kind, "data");
        cc_buf_emitf(&ref, "%s%s.%s", data ? "data." : "", type, label);
        if (!strncmp(type, "aws_", 4)) {
          cc_buf_emitf(&url, "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/%s/%s",
                        data ? "data-sources" : "resources", type + 4);
          gen_readme_link(&c[0], cc_buf_str(&ref), cc_buf_str(&url));
        } else {
          gen_readme_code(&c[0], cc_buf_str(&ref));
        }
        gen_readme_text(&c[1], data ? "data source" : "resource");
      } else {
        cc_buf_emitf(&ref, "module.%s", label);
        gen_readme_code(&c[0], cc_buf_str(&ref));
        gen_readme_text(&c[1], "module");
      }
      if (!t.rc) t.rc = cc_buf_failed(&ref) ? cc_buf_failed(&ref) : cc_buf_failed(&url);
      cc_buf_free(&ref);
      cc_buf_free(&url);
      S_row(&t, c);
    }
    free(line);
    p = e ? e + 1 : NULL;
  }

  cc_buf_emit(out, "\n## Inputs\n\n");
  static const char *const in_cols[] = {"Name", "Description", "Type", "Default", "Required"};
  S_header(&t, in_cols, 5);
  for (size_t i = 0; i < f->nvars; i++) {
    const gen_iface_var *v = &f->vars[i];
    for (size_t j = 0; j < 5; j++) cc_buf_init(&c[j], CC_BUF_DEFAULT_MAX);
    gen_readme_code(&c[0], v->name);
    gen_readme_text(&c[1], v->description);
    gen_readme_code(&c[2], v->type);
    if (v->default_inline) gen_readme_code(&c[3], v->default_inline);
    else gen_readme_text(&c[3], "n/a");
    gen_readme_text(&c[4], v->default_hcl ? "no" : "yes");
    S_row(&t, c);
  }
  cc_buf_emit(out, "\n## Outputs\n\n");
  static const char *const out_cols[] = {"Name", "Description"};
  S_header(&t, out_cols, 2);
  for (size_t i = 0; i < f->nouts; i++) {
    cc_buf_init(&c[0], CC_BUF_DEFAULT_MAX);
    cc_buf_init(&c[1], CC_BUF_DEFAULT_MAX);
    gen_readme_code(&c[0], f->outs[i].name);
    gen_readme_text(&c[1], f->outs[i].description);
    S_row(&t, c);
  }
  if (!t.rc) t.rc = cc_buf_puts(out, "<!-- END_TF_DOCS -->\n");
  return t.rc;
}
