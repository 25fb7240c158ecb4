/* template.c: the public API (cc/template.h) over lexer, parser and
 * evaluator, and the loader: the templates a template names (include,
 * import, from, extends) compiled with it when the names are literals, or
 * when a render reaches them. */
#include "cc/template.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc/err.h"
#include "cc/file.h"
#include "eval.h"
#include "filters.h"
#include "lexer.h"
#include "parser.h"
#include "tpl_int.h"

/* Templates one root reaches, at most (a loop of includes is fine: each
 * name is loaded once). */
#define S_MAX_TEMPLATES 256
/* Largest template file read from a folder. */
#define S_MAX_FILE ((size_t)16 << 20)

void cc_tpl_opts_default(cc_tpl_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->autoescape = CC_TPL_AUTOESCAPE_BY_NAME;
}

/* Whether S ends with SUF in any case (select_autoescape lowercases). */
static int S_ends_with(const char *s, const char *suf) {
  size_t l = strlen(s), k = strlen(suf);
  return l >= k && strcasecmp(s + l - k, suf) == 0;
}

/* Compiles one template (no loading). */
static int S_compile1(cc_tpl **out, const char *name, const char *src, size_t len, const cc_tpl_opts *opts,
                      cc_diags *diags, tpl_names *names) {
  tpl_toks toks = {0};
  int rc;
  cc_tpl *t = calloc(1, sizeof *t);
  *out = NULL;
  if (!name) name = "<template>";
  if (!t || !(t->name = strdup(name)) || !(t->src = malloc(len + 1))) {
    rc = CC_ENOMEM;
    goto out;
  }
  /* Jinja2 normalizes every line break (\r\n, \r, \n) to newline_sequence,
   * "\n" by default, before lexing: in text and in string literals alike. */
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (src[i] == '\r' && i + 1 < len && src[i + 1] == '\n') continue;
    t->src[n++] = src[i] == '\r' ? '\n' : src[i];
  }
  len = n;
  t->src[len] = 0;
  t->len = len;
  if (opts) t->opts = *opts;
  else cc_tpl_opts_default(&t->opts);
  if (!t->opts.max_output) t->opts.max_output = (size_t)16 << 20;
  if (!t->opts.max_iterations) t->opts.max_iterations = 1000000;
  if (t->opts.max_depth <= 0) t->opts.max_depth = 64;
  if (t->opts.autoescape == CC_TPL_AUTOESCAPE_BY_NAME)
    t->autoescape = S_ends_with(name, ".html") || S_ends_with(name, ".htm") || S_ends_with(name, ".xml");
  else if (t->opts.autoescape == CC_TPL_AUTOESCAPE_MARKDOWN)
    t->md_escape = 1;
  else
    t->autoescape = t->opts.autoescape != 0;
  if ((rc = tpl_lex(&toks, name, t->src, len, diags))) goto out;
  if ((rc = tpl_parse(&t->ast, name, &toks, diags, names))) goto out;
  rc = tpl_resolve(&t->ast, name, t->opts.filters, t->opts.nfilters, diags);
out:
  free(toks.v);
  if (rc) {
    if (rc == CC_ENOMEM && diags) cc_diags_error(diags, name, 0, 0, "out of memory compiling the template");
    cc_tpl_free(t);
    return rc;
  }
  *out = t;
  return CC_OK;
}

/* Reads NAME from the folder ROOT as FileSystemLoader would. */
static int S_read_folder(const char *root, const char *name, char **src, size_t *len) {
  cc_buf path = CC_BUF_INIT;
  int rc = cc_buf_puts(&path, root);
  const char *p = name;
  while (rc == CC_OK && *p) {
    const char *e = strchr(p, '/');
    size_t l = e ? (size_t)(e - p) : strlen(p);
    if (l == 2 && p[0] == '.' && p[1] == '.') {
      cc_buf_free(&path);
      return CC_ENOTFOUND;
    }
    if (l && !(l == 1 && p[0] == '.')) {
      rc = cc_buf_putc(&path, '/');
      if (rc == CC_OK) rc = cc_buf_add(&path, p, l);
    }
    p += l + (e ? 1 : 0);
  }
  if (rc == CC_OK) {
    rc = cc_file_read(src, len, path.ptr, S_MAX_FILE);
    if (rc == CC_EIO) rc = CC_ENOTFOUND;
  }
  cc_buf_free(&path);
  return rc;
}

static int S_lib_read(const tpl_lib *lib, const char *name, char **src, size_t *len) {
  *src = NULL;
  *len = 0;
  if (!*name) return CC_ENOTFOUND;
  if (lib->load) return lib->load(lib->load_data, name, src, len);
  return S_read_folder(lib->root, name, src, len);
}

/* Loads and compiles NAME with LIB's options into *OUT (its LIB set). */
static int S_lib_compile(tpl_lib *lib, const char *name, cc_tpl **out, cc_diags *diags, tpl_names *names) {
  char *src = NULL;
  size_t len = 0;
  *out = NULL;
  int rc = S_lib_read(lib, name, &src, &len);
  if (rc == CC_OK) {
    rc = S_compile1(out, name, src, len, &lib->opts, diags, names);
    if (rc == CC_OK) (*out)->lib = lib;
  } else if (rc != CC_ENOTFOUND && rc != CC_ENOMEM) {
    rc = CC_ENOTFOUND;
  }
  free(src);
  return rc;
}

static tpl_lib_ent *S_lib_find(const tpl_lib *lib, const char *name) {
  for (size_t i = 0; i < lib->n; i++)
    if (!strcmp(lib->v[i].name, name)) return &lib->v[i];
  return NULL;
}

/* Adds NAME (named at AT in FILE; OPTIONAL: by an include that ignores a
 * missing template or lists others) to LIB, compiling it. */
static int S_lib_add(tpl_lib *lib, const char *name, const char *file, const tpl_node *at, int optional) {
  tpl_lib_ent *had = S_lib_find(lib, name);
  if (had && !optional && !had->required) {
    /* The first tag that needs it is where a missing one is reported. */
    char *f = strdup(file);
    if (!f) return CC_ENOMEM;
    free(had->at_file);
    had->at_file = f;
    had->line = at->line;
    had->col = at->col;
    had->required = 1;
  }
  if (had || lib->n >= S_MAX_TEMPLATES) return CC_OK;
  if (lib->n == lib->cap) {
    size_t cap = lib->cap ? 2 * lib->cap : 8;
    tpl_lib_ent *v = realloc(lib->v, cap * sizeof *v);
    if (!v) return CC_ENOMEM;
    lib->v = v;
    lib->cap = cap;
  }
  tpl_lib_ent *e = &lib->v[lib->n];
  memset(e, 0, sizeof *e);
  cc_diags_init(&e->errs);
  if (!(e->name = strdup(name)) || !(e->at_file = strdup(file))) {
    free(e->name);
    free(e->at_file);
    return CC_ENOMEM;
  }
  e->line = at->line;
  e->col = at->col;
  e->required = !optional;
  lib->n++;
  int rc = S_lib_compile(lib, name, &e->t, &e->errs, &lib->names);
  if (rc == CC_ENOTFOUND) e->missing = 1;
  return rc == CC_ENOMEM ? CC_ENOMEM : CC_OK;
}

/* The literal names of the template expression E into LIB; 1 when E is
 * not made of literals. */
static int S_literals(tpl_lib *lib, const char *file, const tpl_node *e, int *rc, int optional) {
  if (e->kind == E_LIT) {
    if (!json_is_string(e->lit)) return 1;
    int r = S_lib_add(lib, json_string_value(e->lit), file, e, optional);
    if (r) *rc = r;
    return 0;
  }
  if (e->kind == E_LIST || e->kind == E_TUPLE) {
    int bad = 0;
    for (int i = 0; i < e->n; i++) bad |= S_literals(lib, file, e->kids[i], rc, 1);
    return bad;
  }
  if (e->kind == E_COND)
    return S_literals(lib, file, e->b, rc, optional) | (e->c ? S_literals(lib, file, e->c, rc, optional) : 0);
  return 1;
}

/* Adds what T names to LIB (T's own lib is LIB). */
static int S_lib_scan(tpl_lib *lib, const cc_tpl *t) {
  int rc = CC_OK;
  for (int i = 0; i < t->ast.nrefs && rc == CC_OK; i++) {
    const tpl_node *r = t->ast.refs[i];
    if (S_literals(lib, t->name, r->a, &rc, (r->flags & TPL_F_IGNORE_MISSING) != 0) && !lib->nonliteral) {
      lib->nonliteral = 1;
      lib->nl_line = r->a->line;
      lib->nl_col = r->a->col;
      if (!(lib->nl_file = strdup(t->name))) rc = CC_ENOMEM;
    }
  }
  return rc;
}

static void S_lib_free(tpl_lib *lib) {
  if (!lib) return;
  for (size_t i = 0; i < lib->n; i++) {
    cc_tpl_free(lib->v[i].t);
    cc_diags_free(&lib->v[i].errs);
    free(lib->v[i].name);
    free(lib->v[i].at_file);
  }
  free(lib->v);
  tpl_names_free(&lib->names);
  free(lib->root);
  free(lib->nl_file);
  free(lib);
}

int cc_tpl_compile(cc_tpl **out, const char *name, const char *src, size_t len, const cc_tpl_opts *opts,
                   cc_diags *diags) {
  cc_tpl *t;
  tpl_lib *lib = NULL;
  int rc;
  *out = NULL;
  if (opts && (opts->load || opts->root)) {
    if (!(lib = calloc(1, sizeof *lib)) || (opts->root && !(lib->root = strdup(opts->root)))) {
      free(lib);
      if (diags) cc_diags_error(diags, name ? name : "<template>", 0, 0, "out of memory compiling the template");
      return CC_ENOMEM;
    }
    lib->load = opts->load;
    lib->load_data = opts->load_data;
    lib->opts = *opts;
    lib->opts.root = NULL; /* borrowed: LIB->root is the copy */
  }
  if ((rc = S_compile1(&t, name, src, len, opts, diags, lib ? &lib->names : NULL))) {
    S_lib_free(lib);
    return rc;
  }
  if (!lib) {
    if (t->ast.nrefs) {
      const tpl_node *r = t->ast.refs[0];
      cc_diags_error(diags, t->name, r->line, r->col,
                     "`%s` needs a folder to load templates from, and this template has none (an inline template: "
                     "use a file template)",
                     r->kind == N_INCLUDE ? "include" : r->kind == N_IMPORT ? "import" : r->kind == N_FROMIMPORT ? "from" : "extends");
      cc_tpl_free(t);
      return CC_EINVAL;
    }
    *out = t;
    return CC_OK;
  }
  t->lib = lib;
  t->owns_lib = 1;
  rc = S_lib_scan(lib, t);
  for (size_t i = 0; i < lib->n && rc == CC_OK; i++)
    if (lib->v[i].t) rc = S_lib_scan(lib, lib->v[i].t);
  if (rc) {
    if (diags) cc_diags_error(diags, t->name, 0, 0, "out of memory compiling the template");
    cc_tpl_free(t);
    return rc;
  }
  *out = t;
  return CC_OK;
}

int cc_tpl_check_refs(const cc_tpl *t, int nonliteral_is_error, cc_diags *diags) {
  int n = 0;
  if (!t->lib) return 0;
  if (nonliteral_is_error && t->lib->nonliteral) {
    cc_diags_error(diags, t->lib->nl_file, t->lib->nl_line, t->lib->nl_col,
                   "a template name must be a literal string here, so that the templates it names can be found and shipped");
    n++;
  }
  for (size_t i = 0; i < t->lib->n; i++) {
    const tpl_lib_ent *e = &t->lib->v[i];
    if (e->missing && e->required) {
      cc_diags_error(diags, e->at_file, e->line, e->col, "template '%s' not found", e->name);
      n++;
    }
    for (size_t k = 0; k < e->errs.n; k++, n++)
      cc_diags_add(diags, e->errs.items[k].level, e->errs.items[k].file, e->errs.items[k].line, e->errs.items[k].col, "%s",
                   e->errs.items[k].msg);
  }
  return n;
}

int cc_tpl_each_ref(const cc_tpl *t, int (*fn)(void *data, const char *name), void *data) {
  if (!t->lib) return 0;
  for (size_t i = 0; i < t->lib->n; i++)
    if (t->lib->v[i].t) {
      int r = fn(data, t->lib->v[i].name);
      if (r) return r;
    }
  return 0;
}


int tpl_load(tpl_rs *rs, const tpl_node *at, const char *name, const cc_tpl **out) {
  tpl_lib *lib = rs->tpl->lib;
  *out = NULL;
  if (!lib) return tpl_fail(rs, at, CC_EINVAL, "no loader for this template: it can't load '%s'", name);
  tpl_lib_ent *e = S_lib_find(lib, name);
  if (e) {
    if (e->t) {
      *out = e->t;
      return CC_OK;
    }
    if (e->missing) return CC_ENOTFOUND;
    for (size_t k = 0; k < e->errs.n; k++)
      if (!rs->failed)
        cc_diags_add(rs->diags, e->errs.items[k].level, e->errs.items[k].file, e->errs.items[k].line,
                     e->errs.items[k].col, "%s", e->errs.items[k].msg);
    rs->failed = 1;
    return CC_EINVAL;
  }
  for (size_t i = 0; i < rs->nloaded; i++)
    if (!strcmp(rs->loaded[i]->name, name)) {
      *out = rs->loaded[i];
      return CC_OK;
    }
  if (rs->nloaded >= S_MAX_TEMPLATES) return tpl_fail(rs, at, CC_ELIMIT, "too many templates loaded");
  cc_tpl **v = realloc(rs->loaded, (rs->nloaded + 1) * sizeof *v);
  if (!v) return CC_ENOMEM;
  rs->loaded = v;
  cc_tpl *t = NULL;
  if (!rs->names.parent) rs->names.parent = &lib->names;
  int rc = S_lib_compile(lib, name, &t, rs->failed ? NULL : rs->diags, &rs->names);
  if (rc == CC_EINVAL) rs->failed = 1;
  if (rc) return rc;
  rs->loaded[rs->nloaded++] = t;
  *out = t;
  return CC_OK;
}
int cc_tpl_render(const cc_tpl *t, const json_t *ctx, cc_buf *out, cc_diags *diags) {
  tpl_rs rs;
  /* The render's first envs and objects (not cleared here: S_alloc
   * clears what it hands out). */
  _Alignas(max_align_t) unsigned char pool[TPL_POOL];
  memset(&rs, 0, TPL_RS_CLEAR);
  rs.pool = pool;
  tpl_use(&rs, t);
  rs.strict = t->opts.strict;
  rs.max_out = t->opts.max_output;
  rs.max_iter = t->opts.max_iterations;
  rs.max_depth = t->opts.max_depth;
  rs.out = out;
  rs.diags = diags;
  rs.ctx = ctx && json_is_object(ctx) ? ctx : NULL;
  size_t start = out->len;
  /* Limits count this render's bytes only. */
  rs.max_out = start + rs.max_out < start ? (size_t)-1 : start + rs.max_out;
  rs.xfilters = t->opts.filters;
  rs.nxfilters = t->opts.nfilters;
  tpl_tuples_begin();
  int rc = tpl_eval_root(&rs, t);
  tpl_tuples_end();
  for (size_t i = 0; i < rs.nloaded; i++) cc_tpl_free(rs.loaded[i]);
  free(rs.loaded);
  tpl_names_free(&rs.names);
  if (rc == CC_ENOMEM && diags) cc_diags_error(diags, t->name, 0, 0, "out of memory rendering the template");
  return rc;
}

void cc_tpl_free(cc_tpl *t) {
  if (!t) return;
  tpl_tuples_release(); /* value.c's table kept between renders */
  tpl_ast_free(&t->ast);
  if (t->owns_lib) S_lib_free(t->lib);
  free(t->name);
  free(t->src);
  free(t);
}
