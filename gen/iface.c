#include "iface.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "doc.h"
#include "hcl.h"
#include "render.h"

typedef struct S_reader {
  const char *file;
  cc_diags *diags;
  cc_arena *arena;
  const gen_iface *shared; /* what `use:` entries name; may be NULL */
  int errors;
  int nomem;
} S_reader;

static void S_err(S_reader *r, const gen_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void S_err(S_reader *r, const gen_node *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_diags_vadd(r->diags, CC_DIAG_ERROR, r->file, at->span.line, at->span.col, fmt, ap);
  va_end(ap);
  r->errors++;
}

static void S_keys(S_reader *r, const gen_node *map, const char *const *allowed, size_t n, const char *what) {
  for (size_t i = 0; i < map->npairs; i++) {
    const gen_node *k = map->pairs[i].key;
    size_t j = 0;
    while (j < n && strcmp(k->str, allowed[j])) j++;
    if (j == n) {
      cc_buf b = CC_BUF_INIT;
      for (j = 0; j < n; j++) cc_buf_emitf(&b, "%s`%s`", j ? ", " : "", allowed[j]);
      S_err(r, k, "unknown key `%s` in %s (allowed: %s)", k->str, what,
            cc_buf_failed(&b) ? "(out of memory)" : cc_buf_str(&b));
      cc_buf_free(&b);
    }
  }
}

/* A string value; NULL (with an error) when it is something else. */
static const char *S_str(S_reader *r, const gen_node *n, const char *what, bool nonempty) {
  if (n->kind != GEN_NODE_SCALAR || n->type != GEN_SCALAR_STR) {
    S_err(r, n, "%s must be a string, not %s", what, gen_node_type_name(n));
    return NULL;
  }
  if (nonempty && !n->len) {
    S_err(r, n, "%s must not be empty", what);
    return NULL;
  }
  return n->str;
}

static const char *S_required(S_reader *r, const gen_node *map, const char *key, const char *what) {
  const gen_node *v = gen_node_get(map, key);
  if (!v) {
    S_err(r, map, "%s needs `%s`", what, key);
    return NULL;
  }
  return S_str(r, v, key, true);
}

static bool S_bool(S_reader *r, const gen_node *n, const char *what, bool *out) {
  if (n->kind != GEN_NODE_SCALAR || n->type != GEN_SCALAR_BOOL) {
    S_err(r, n, "%s must be true or false, not %s", what, gen_node_type_name(n));
    return false;
  }
  *out = n->b;
  return true;
}

/* A YAML value as HCL: objects over several lines when MULTILINE. */
static int S_hcl(cc_buf *b, const gen_node *n, bool multiline) {
  int rc = CC_OK;
  if (n->kind == GEN_NODE_SCALAR) {
    switch (n->type) {
    case GEN_SCALAR_STR: return gen_hcl_str(b, n->str);
    case GEN_SCALAR_NULL: return cc_buf_puts(b, "null");
    case GEN_SCALAR_BOOL: return cc_buf_puts(b, n->b ? "true" : "false");
    case GEN_SCALAR_INT: return cc_buf_printf(b, "%lld", (long long)n->i);
    case GEN_SCALAR_FLOAT: return cc_buf_printf(b, "%.17g", n->d);
    }
  }
  if (n->kind == GEN_NODE_SEQ) {
    rc = cc_buf_putc(b, '[');
    for (size_t i = 0; i < n->nitems && !rc; i++) {
      if (i) rc = cc_buf_puts(b, ", ");
      if (!rc) rc = S_hcl(b, n->items[i], false);
    }
    return rc ? rc : cc_buf_putc(b, ']');
  }
  if (!n->npairs) return cc_buf_puts(b, "{}");
  rc = cc_buf_puts(b, multiline ? "{\n" : "{ ");
  for (size_t i = 0; i < n->npairs && !rc; i++) {
    if (i && !multiline) rc = cc_buf_puts(b, ", ");
    if (!rc) rc = gen_hcl_key(b, n->pairs[i].key->str);
    if (!rc) rc = cc_buf_puts(b, " = ");
    if (!rc) rc = S_hcl(b, n->pairs[i].value, multiline);
    if (!rc && multiline) rc = cc_buf_putc(b, '\n');
  }
  return rc ? rc : cc_buf_puts(b, multiline ? "}" : " }");
}

static char *S_keep(S_reader *r, cc_buf *b) {
  /* a failed append (it sticks in b) is out of memory as the copy's is */
  char *s = cc_buf_failed(b) ? NULL : cc_arena_strndup(r->arena, b->ptr ? b->ptr : "", b->len);
  cc_buf_free(b);
  if (!s) r->nomem = 1;
  return s;
}

/* Collapses a multi-line HCL text onto one line (for a README cell). */
static char *S_one_line(S_reader *r, const char *s) {
  cc_buf b = CC_BUF_INIT;
  bool space = false;
  for (const char *p = s; *p; p++) {
    if (*p == '\n' || *p == ' ' || *p == '\t') {
      space = b.len > 0;
      continue;
    }
    if (space) cc_buf_emitc(&b, ' ');
    space = false;
    cc_buf_emitc(&b, *p);
  }
  return S_keep(r, &b);
}

static bool S_name(S_reader *r, const gen_node *map, const char *what, const char **out) {
  const char *s = S_required(r, map, "name", what);
  if (!s) return false;
  if (!gen_hcl_is_ident(s)) {
    S_err(r, gen_node_get(map, "name"), "`%s` is not a Terraform name (letters, digits, underscores, dashes)", s);
    return false;
  }
  *out = s;
  return true;
}

static const char *const S_top_keys[] = {"description", "usage", "variables", "outputs"};
static const char *const S_var_keys[] = {"name",     "description", "type",     "default",
                                         "default_hcl", "nullable", "sensitive", "validation"};
static const char *const S_check_keys[] = {"condition", "error_message"};
static const char *const S_out_keys[] = {"name", "description", "value", "sensitive"};

static void S_read_var(S_reader *r, gen_iface_var *v, const gen_node *n) {
  v->nullable = -1;
  if (n->kind != GEN_NODE_MAP) {
    S_err(r, n, "a variable must be a mapping, not %s", gen_node_type_name(n));
    return;
  }
  S_keys(r, n, S_var_keys, sizeof S_var_keys / sizeof *S_var_keys, "a variable");
  if (!S_name(r, n, "a variable", &v->name)) return;
  v->description = S_required(r, n, "description", "a variable");
  v->type = S_required(r, n, "type", "a variable");
  const gen_node *d = gen_node_get(n, "default"), *dh = gen_node_get(n, "default_hcl");
  if (d && dh) {
    S_err(r, dh, "variable `%s` has both `default` and `default_hcl`; keep one", v->name);
  } else if (d) {
    cc_buf b = CC_BUF_INIT, one = CC_BUF_INIT;
    if (S_hcl(&b, d, true) || S_hcl(&one, d, false)) r->nomem = 1;
    v->default_hcl = S_keep(r, &b);
    v->default_inline = S_keep(r, &one);
  } else if (dh) {
    const char *s = S_str(r, dh, "default_hcl", true);
    if (s) {
      size_t len = strlen(s);
      while (len && (s[len - 1] == '\n' || s[len - 1] == ' ')) len--;
      v->default_hcl = cc_arena_strndup(r->arena, s, len);
      v->default_inline = v->default_hcl ? S_one_line(r, v->default_hcl) : NULL;
    }
  }
  const gen_node *x;
  bool b;
  if ((x = gen_node_get(n, "nullable")) && S_bool(r, x, "nullable", &b)) v->nullable = b;
  if ((x = gen_node_get(n, "sensitive"))) S_bool(r, x, "sensitive", &v->sensitive);
  if ((x = gen_node_get(n, "validation"))) {
    if (x->kind != GEN_NODE_SEQ) {
      S_err(r, x, "validation must be a list of {condition, error_message}, not %s", gen_node_type_name(x));
      return;
    }
    v->checks = cc_arena_alloc(r->arena, (x->nitems + 1) * sizeof *v->checks);
    if (!v->checks) {
      r->nomem = 1;
      return;
    }
    for (size_t i = 0; i < x->nitems; i++) {
      const gen_node *c = x->items[i];
      if (c->kind != GEN_NODE_MAP) {
        S_err(r, c, "a validation must be a mapping, not %s", gen_node_type_name(c));
        continue;
      }
      S_keys(r, c, S_check_keys, 2, "a validation");
      gen_iface_check *k = &v->checks[v->nchecks++];
      k->condition = S_required(r, c, "condition", "a validation");
      k->error_message = S_required(r, c, "error_message", "a validation");
    }
  }
}

static void S_read_out(S_reader *r, gen_iface_out *o, const gen_node *n) {
  if (n->kind != GEN_NODE_MAP) {
    S_err(r, n, "an output must be a mapping, not %s", gen_node_type_name(n));
    return;
  }
  S_keys(r, n, S_out_keys, sizeof S_out_keys / sizeof *S_out_keys, "an output");
  if (!S_name(r, n, "an output", &o->name)) return;
  o->description = S_required(r, n, "description", "an output");
  o->value = S_required(r, n, "value", "an output");
  const gen_node *x = gen_node_get(n, "sensitive");
  if (x) S_bool(r, x, "sensitive", &o->sensitive);
}

/* An entry's name node: its `name`, or the `use` naming a shared one. */
static const gen_node *S_name_node(const gen_node *item) {
  if (item->kind != GEN_NODE_MAP) return NULL;
  const gen_node *n = gen_node_get(item, "name");
  return n ? n : gen_node_get(item, "use");
}

/* `- use: NAME` (alone in its mapping): the entry NAME of the shared
 * interface. Returns the index found there, -1 when the entry is not a
 * `use` (read it in full), -2 after an error. */
static long S_use(S_reader *r, const gen_node *item, bool var) {
  const gen_node *u = item->kind == GEN_NODE_MAP ? gen_node_get(item, "use") : NULL;
  if (!u) return -1;
  const char *what = var ? "variable" : "output";
  if (item->npairs != 1) {
    S_err(r, item, "`use` names a shared %s and stands alone in its entry", what);
    return -2;
  }
  if (u->kind != GEN_NODE_SCALAR) {
    S_err(r, u, "`use` must be the name of a shared %s, not %s", what, gen_node_type_name(u));
    return -2;
  }
  size_t n = !r->shared ? 0 : var ? r->shared->nvars : r->shared->nouts;
  for (size_t i = 0; i < n; i++)
    if (!strcmp(var ? r->shared->vars[i].name : r->shared->outs[i].name, u->str)) return (long)i;
  S_err(r, u, "no shared %s `%s` (the shared ones are in templates/" GEN_IFACE_SHARED ")", what, u->str);
  return -2;
}

static void S_dups(S_reader *r, const gen_node *seq, const char *what) {
  for (size_t i = 0; i < seq->nitems; i++) {
    const gen_node *a = S_name_node(seq->items[i]);
    if (!a || a->kind != GEN_NODE_SCALAR) continue;
    for (size_t j = 0; j < i; j++) {
      const gen_node *b = S_name_node(seq->items[j]);
      if (b && b->kind == GEN_NODE_SCALAR && !strcmp(a->str, b->str)) {
        S_err(r, a, "%s `%s` is declared twice (first at line %d)", what, a->str, b->span.line);
        break;
      }
    }
  }
}

static const gen_node *S_list(S_reader *r, const gen_node *root, const char *key) {
  const gen_node *n = gen_node_get(root, key);
  if (n && n->kind != GEN_NODE_SEQ) {
    S_err(r, n, "`%s` must be a list, not %s", key, gen_node_type_name(n));
    return NULL;
  }
  return n;
}

int gen_iface_load(gen_iface **out, const char *file, const char *text, size_t len, const gen_iface *shared,
                   cc_diags *diags) {
  *out = NULL;
  gen_iface *f = calloc(1, sizeof *f);
  if (!f || !(f->arena = cc_arena_new())) {
    free(f);
    return CC_ENOMEM;
  }
  S_reader r = {.file = file, .diags = diags, .arena = f->arena, .shared = shared};
  gen_node *root = NULL;
  int rc = gen_doc_load(&root, f->arena, file, text, len, GEN_DOC_YAML, diags);
  if (rc == CC_OK && (!root || root->kind != GEN_NODE_MAP)) {
    cc_diags_error(diags, file, root ? root->span.line : 1, root ? root->span.col : 1,
                   "a module interface must be a mapping with description, usage, variables and outputs");
    rc = CC_EINVAL;
  }
  if (rc) {
    gen_iface_free(f);
    return rc;
  }
  S_keys(&r, root, S_top_keys, sizeof S_top_keys / sizeof *S_top_keys, "a module interface");
  const gen_node *x;
  f->description = "";
  if ((x = gen_node_get(root, "description"))) f->description = S_str(&r, x, "description", false);
  if ((x = gen_node_get(root, "usage"))) f->usage = S_str(&r, x, "usage", false);
  const gen_node *vars = S_list(&r, root, "variables"), *outs = S_list(&r, root, "outputs");
  if (vars) {
    f->vars = cc_arena_alloc(f->arena, (vars->nitems + 1) * sizeof *f->vars);
    if (!f->vars) r.nomem = 1;
    for (size_t i = 0; f->vars && i < vars->nitems; i++) {
      memset(&f->vars[i], 0, sizeof f->vars[i]);
      long k = S_use(&r, vars->items[i], true);
      if (k >= 0) f->vars[i] = shared->vars[k];
      else if (k == -1) S_read_var(&r, &f->vars[i], vars->items[i]);
    }
    if (f->vars) f->nvars = vars->nitems;
    S_dups(&r, vars, "variable");
  }
  if (outs) {
    f->outs = cc_arena_alloc(f->arena, (outs->nitems + 1) * sizeof *f->outs);
    if (!f->outs) r.nomem = 1;
    for (size_t i = 0; f->outs && i < outs->nitems; i++) {
      memset(&f->outs[i], 0, sizeof f->outs[i]);
      long k = S_use(&r, outs->items[i], false);
      if (k >= 0) f->outs[i] = shared->outs[k];
      else if (k == -1) S_read_out(&r, &f->outs[i], outs->items[i]);
    }
    if (f->outs) f->nouts = outs->nitems;
    S_dups(&r, outs, "output");
  }
  if (r.nomem || r.errors) {
    gen_iface_free(f);
    return r.nomem ? CC_ENOMEM : CC_EINVAL;
  }
  *out = f;
  return CC_OK;
}

void gen_iface_free(gen_iface *iface) {
  if (!iface) return;
  cc_arena_free(iface->arena);
  free(iface);
}

/* The context of templates/shared/variables.tf or outputs.tf: the
 * interface's variables or outputs under KEY. */
static json_t *S_context(const gen_iface *f, bool vars) {
  json_t *list = json_array(), *ctx = json_object();
  int bad = !list || !ctx || json_object_set(ctx, vars ? "variables" : "outputs", list);
  for (size_t i = 0; vars && i < f->nvars && !bad; i++) {
    const gen_iface_var *v = &f->vars[i];
    json_t *checks = json_array();
    for (size_t j = 0; j < v->nchecks && checks && !bad; j++)
      bad = json_array_append_new(checks, json_pack("{s:s, s:s}", "condition", v->checks[j].condition,
                                                    "error_message", v->checks[j].error_message));
    bad = bad || json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s?, s:o, s:b, s:o}", "name", v->name,
                                                       "description", v->description, "type", v->type, "default",
                                                       v->default_hcl, "nullable",
                                                       v->nullable < 0 ? json_null() : json_boolean(v->nullable),
                                                       "sensitive", v->sensitive, "validations", checks));
  }
  for (size_t i = 0; !vars && i < f->nouts && !bad; i++) {
    const gen_iface_out *o = &f->outs[i];
    bad = json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "name", o->name, "description",
                                                o->description, "value", o->value, "sensitive", o->sensitive));
  }
  json_decref(list);
  if (bad) {
    json_decref(ctx);
    return NULL;
  }
  return ctx;
}

static int S_render(const gen_iface *f, bool vars, cc_buf *out, cc_diags *diags) {
  json_t *ctx = S_context(f, vars);
  if (!ctx) return CC_ENOMEM;
  int rc = gen_render(vars ? "shared/variables.tf" : "shared/outputs.tf", ctx, out, diags);
  json_decref(ctx);
  return rc;
}

int gen_iface_variables_tf(const gen_iface *f, cc_buf *b, cc_diags *diags) { return S_render(f, true, b, diags); }

int gen_iface_outputs_tf(const gen_iface *f, cc_buf *b, cc_diags *diags) { return S_render(f, false, b, diags); }
