/* eval_stmt.c: runs statements: output, if, for (with loop filters,
 * else, recursive loops), set (also block set, set ns.attr), with,
 * macro and call blocks, filter blocks, include, import, from, extends
 * and block, print, autoescape; and a template run as a unit (its blocks
 * and the parents it extends). */
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "eval.h"
#include "tpl_int.h"

/* V as an array to unpack into WANT targets: a list itself, a string's
 * characters, a dict's keys. *TMP: a reference the caller releases. */
static int S_unpack_seq(tpl_rs *rs, const tpl_node *n, const tpl_val *v, int want, json_t **arr, json_t **tmp) {
  *arr = *tmp = NULL;
  if (!v->j) {
    if (rs->strict) return tpl_fail_undef(rs, n, v);
    return tpl_fail(rs, n, CC_EINVAL, "not enough values to unpack (expected %d, got 0)", want);
  }
  if (json_is_array(v->j)) {
    /* A reference of our own: binding a target may release V (set a, b = a). */
    *arr = *tmp = json_incref(v->j);
    return CC_OK;
  }
  if (json_is_string(v->j)) {
    const char *s = json_string_value(v->j);
    size_t l = json_string_length(v->j);
    if (!(*tmp = json_array())) return CC_ENOMEM;
    for (size_t i = 0; i < l;) {
      size_t j = i + 1;
      while (j < l && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
      if (json_array_append_new(*tmp, tpl_json_strn(s + i, j - i))) return CC_ENOMEM;
      i = j;
    }
  } else if (json_is_object(v->j)) {
    const char *k;
    json_t *x;
    if (!(*tmp = json_array())) return CC_ENOMEM;
    json_object_foreach(v->j, k, x) if (json_array_append_new(*tmp, json_string(k))) return CC_ENOMEM;
  } else {
    return tpl_fail(rs, n, CC_EINVAL, "cannot unpack non-iterable %s object", tpl_type_name(v->j));
  }
  *arr = *tmp;
  return CC_OK;
}

/* Binds V to the targets of WANT names (N's names from *NI on), or, with
 * a shape, to the target *SH describes (advanced past it). */
static int S_unpack(tpl_rs *rs, const tpl_node *n, const int **sh, int want, int *ni, const tpl_val *v) {
  if (sh) want = *(*sh)++;
  if (want < 0) return tpl_bind(rs, n->names[(*ni)++], tpl_dup(v));
  json_t *arr, *tmp;
  int rc = S_unpack_seq(rs, n, v, want, &arr, &tmp);
  if (rc == CC_OK) {
    size_t got = json_array_size(arr);
    if (got != (size_t)want) {
      rc = tpl_fail(rs, n, CC_EINVAL, got < (size_t)want ? "not enough values to unpack (expected %d, got %zu)" : "too many values to unpack (expected %d, got %zu)", want, got);
    } else {
      for (int i = 0; i < want && rc == CC_OK; i++) {
        tpl_val x = tpl_borrow(json_array_get(arr, (size_t)i));
        tpl_val_fix_safe(&x);
        if (sh) {
          rc = S_unpack(rs, n, sh, 0, ni, &x);
          tpl_val_drop(&x);
        } else {
          rc = tpl_bind(rs, n->names[(*ni)++], x);
        }
      }
    }
  }
  json_decref(tmp);
  return rc;
}

static int S_assign(tpl_rs *rs, const tpl_node *n, const tpl_val *v) {
  if (!n->shape && n->nnames == 1) return tpl_bind(rs, n->names[0], tpl_dup(v));
  const int *sh = n->shape;
  int ni = 0;
  return S_unpack(rs, n, sh ? &sh : NULL, n->nnames, &ni, v);
}

int tpl_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out) {
  *out = NULL;
  if (!v->j) {
    if (rs->strict) return tpl_fail_undef(rs, n, v);
    return (*out = json_array()) ? CC_OK : CC_ENOMEM;
  }
  if (json_is_array(v->j)) {
    *out = json_incref(v->j);
    return CC_OK;
  }
  json_t *a = json_array();
  if (!a) return CC_ENOMEM;
  if (json_is_object(v->j)) {
    const char *k;
    json_t *x;
    json_object_foreach(v->j, k, x) if (json_array_append_new(a, json_string(k))) goto nomem;
  } else if (json_is_string(v->j)) {
    const char *s = json_string_value(v->j);
    size_t l = json_string_length(v->j);
    for (size_t i = 0; i < l;) {
      size_t j = i + 1;
      while (j < l && ((unsigned char)s[j] & 0xC0) == 0x80) j++;
      if (json_array_append_new(a, tpl_json_strn(s + i, j - i))) goto nomem;
      i = j;
    }
  } else {
    json_decref(a);
    return tpl_fail(rs, n, CC_EINVAL, "'%s' object is not iterable", tpl_type_name(v->j));
  }
  *out = a;
  return CC_OK;
nomem:
  json_decref(a);
  return CC_ENOMEM;
}

int tpl_for_run(tpl_rs *rs, const tpl_node *n, const tpl_val *it, int depth) {
  json_t *items = NULL, *kept = NULL;
  tpl_loop loop = {0, 0, NULL, n, depth, NULL, 0};
  size_t base = rs->nvars, oldframe = rs->frame;
  int oldtop = rs->at_top;
  int rc = tpl_items(rs, n->a, it, &items);
  if (rc) goto out;
  rs->frame = base;
  rs->at_top = 0;
  if (n->c) {
    /* The loop filter runs before the loop, so loop.length counts only
     * the kept items. */
    if (!(kept = json_array())) {
      rc = CC_ENOMEM;
      goto out;
    }
    for (size_t i = 0; i < json_array_size(items); i++) {
      tpl_val c;
      if (++rs->iters > rs->max_iter) {
        rc = tpl_fail(rs, n, CC_ELIMIT, "loop iterations exceed the limit of %zu", rs->max_iter);
        goto out;
      }
      tpl_val item = tpl_ref(json_array_get(items, i));
      tpl_val_fix_safe(&item);
      rc = S_assign(rs, n, &item);
      if (rc || (rc = tpl_eval(rs, n->c, &c))) goto out;
      if (!c.j && rs->strict) {
        rc = tpl_fail_undef(rs, n->c, &c);
        goto out;
      }
      if (tpl_truthy(&c) && json_array_append(kept, json_array_get(items, i))) rc = CC_ENOMEM;
      tpl_val_drop(&c);
      tpl_pop_to(rs, base);
      if (rc) goto out;
    }
    json_decref(items);
    items = kept;
    kept = NULL;
  }
  size_t len = json_array_size(items);
  loop.len = len;
  loop.items = items;
  for (size_t i = 0; i < len; i++) {
    if (++rs->iters > rs->max_iter) {
      rc = tpl_fail(rs, n, CC_ELIMIT, "loop iterations exceed the limit of %zu", rs->max_iter);
      goto out;
    }
    tpl_pop_to(rs, base);
    /* `loop` is bound lazily: its object is built only when the template
     * uses it whole (a fresh one per iteration, as a template may keep
     * one); loop.index and loop.cycle() read LOOP directly. */
    loop.i = i;
    if (rs->nvars < rs->capvars) { /* the frame is empty: no binding to replace */
      tpl_var *l = &rs->vars[rs->nvars++];
      l->name = tpl_name_loop;
      l->v.j = NULL;
      l->v.hint = l->v.owner = NULL;
      l->v.safe = l->v.own = 0;
      rc = CC_OK;
    } else {
      rc = tpl_bind(rs, tpl_name_loop, tpl_undef(NULL));
    }
    if (rc == CC_OK) {
      rs->vars[rs->nvars - 1].loop = &loop;
      tpl_val item = tpl_ref(json_array_get(items, i));
      tpl_val_fix_safe(&item);
      if (n->nnames == 1 && !n->shape && n->names[0] != tpl_name_loop && rs->nvars < rs->capvars) {
        /* The frame holds only `loop`: the target goes on top. */
        tpl_var *t = &rs->vars[rs->nvars++];
        t->name = n->names[0];
        t->loop = NULL;
        t->v = item;
      } else {
        rc = S_assign(rs, n, &item);
      }
    }
    if (rc || (rc = tpl_exec(rs, n->b))) goto out;
  }
  tpl_pop_to(rs, base);
  if (len == 0 && n->n == 1) rc = tpl_exec(rs, n->kids[0]);
out:
  tpl_pop_to(rs, base);
  rs->frame = oldframe;
  rs->at_top = oldtop;
  json_decref(items);
  json_decref(kept);
  json_decref(loop.changed);
  return rc;
}


/* A new scope for a block of statements (with, include, import, block). */
typedef struct S_frame {
  tpl_env *env;
  size_t base, frame;
  int at_top;
} S_frame;

static void S_push(tpl_rs *rs, S_frame *f, tpl_env *env, int at_top) {
  f->env = rs->env;
  f->base = rs->nvars;
  f->frame = rs->frame;
  f->at_top = rs->at_top;
  if (env) rs->env = env;
  rs->frame = rs->nvars;
  rs->at_top = at_top;
}

static void S_pop(tpl_rs *rs, const S_frame *f) {
  tpl_pop_to(rs, f->base);
  rs->env = f->env;
  rs->frame = f->frame;
  rs->at_top = f->at_top;
}

static int S_nomem_env(tpl_env *e) { return e ? CC_OK : CC_ENOMEM; }

/* Whether the value J holds the object O (a namespace must not hold
 * itself: printing it would not end). */
static int S_holds(const json_t *j, const json_t *o, int depth) {
  if (j == o) return 1;
  if (depth > 64) return 1;
  if (json_is_array(j)) {
    size_t i;
    json_t *x;
    json_array_foreach(j, i, x) if (S_holds(x, o, depth + 1)) return 1;
  } else if (json_is_object(j)) {
    const char *k;
    json_t *x;
    json_object_foreach((json_t *)j, k, x) if (S_holds(x, o, depth + 1)) return 1;
  }
  return 0;
}

static int S_setattr(tpl_rs *rs, const tpl_node *n) {
  tpl_var *var;
  json_t *j;
  tpl_val v;
  int rc;
  if (n->b) return tpl_fail(rs, n, CC_EINVAL, "a block set cannot assign a namespace attribute");
  tpl_find_var(rs, n->s, &var, &j);
  tpl_obj *o = tpl_obj_of(rs, var ? var->v.j : j);
  if (!o || o->kind != TPL_OBJ_NAMESPACE)
    return tpl_fail(rs, n, CC_EINVAL, "cannot assign attribute on non-namespace object");
  if ((rc = tpl_eval(rs, n->a, &v))) return rc;
  if (!v.j && rs->strict) rc = tpl_fail_undef(rs, n->a, &v);
  else if (v.j && S_holds(v.j, o->j, 0)) rc = tpl_fail(rs, n, CC_EINVAL, "a namespace cannot hold itself");
  else if (json_object_set_new(o->j, n->ops[0], tpl_val_store(&v))) rc = CC_ENOMEM;
  tpl_val_drop(&v);
  return rc;
}

static int S_macro_def(tpl_rs *rs, const tpl_node *n, int kind, tpl_obj **out) {
  /* The name is the AST's string (a reference more, no copy). */
  json_t *j = json_object();
  if (!j || !n->lit || json_object_set(j, "name", n->lit)) {
    json_decref(j);
    return CC_ENOMEM;
  }
  tpl_obj *o = tpl_obj_new(rs, j, kind);
  if (!o) return CC_ENOMEM;
  o->node = n;
  o->tpl = rs->tpl;
  o->env = kind == TPL_OBJ_MACRO && rs->at_top ? rs->env : tpl_env_snapshot(rs);
  if (!o->env) return CC_ENOMEM;
  *out = o;
  return kind == TPL_OBJ_MACRO ? tpl_bind(rs, n->s, tpl_ref(j)) : CC_OK;
}

static int S_callblock_args(tpl_rs *rs, const tpl_node *n, const tpl_node *call) {
  tpl_obj *caller, *m;
  tpl_val f, args[32], res;
  int rc;
  if (call->n > 32) return tpl_fail(rs, call, CC_EINVAL, "too many arguments");
  if ((rc = S_macro_def(rs, n, TPL_OBJ_CALLER, &caller))) return rc;
  if ((rc = tpl_eval(rs, call->a, &f))) return rc;
  if (!(m = tpl_obj_of(rs, f.j)) || (m->kind != TPL_OBJ_MACRO && m->kind != TPL_OBJ_CALLER)) {
    rc = f.j ? tpl_fail(rs, call, CC_EINVAL, "'%s' object is not callable", tpl_type_name(f.j)) : tpl_fail_undef(rs, call, &f);
    tpl_val_drop(&f);
    return rc;
  }
  if ((rc = tpl_eval_args(rs, call, args)) == CC_OK) {
    rc = tpl_call_macro(rs, call, m, args, caller, &res);
    tpl_drop_args(args, call->n);
    if (rc == CC_OK) rc = tpl_emit(rs, n, &res);
    tpl_val_drop(&res);
  }
  caller->env->dead = 1;
  tpl_val_drop(&f);
  return rc;
}

/* {% call m(...) %}: with `*`/`**` arguments, the call expanded. */
static int S_callblock(tpl_rs *rs, const tpl_node *n) {
  if (n->a->kind != E_DYN) return S_callblock_args(rs, n, n->a);
  tpl_dyn d;
  int rc = tpl_dyn_begin(rs, n->a, &d);
  if (rc) return rc;
  rc = S_callblock_args(rs, n, &d.x);
  tpl_dyn_end(&d);
  return rc;
}

/* Captures BODY and applies the filter chain F (over an E_SLOT) to it. */
static int S_filtered(tpl_rs *rs, const tpl_node *body, const tpl_node *f, tpl_val *out) {
  tpl_val b;
  S_frame fr;
  /* The body is a scope of its own: what it sets stays there. */
  S_push(rs, &fr, NULL, 0);
  int rc = tpl_capture(rs, body, &b);
  S_pop(rs, &fr);
  if (rc || !f) {
    *out = b;
    return rc;
  }
  const tpl_val *saved = rs->slot;
  rs->slot = &b;
  rc = tpl_eval(rs, f, out);
  rs->slot = saved;
  tpl_val_drop(&b);
  return rc;
}

static int S_with(tpl_rs *rs, const tpl_node *n) {
  tpl_val v[64];
  S_frame f;
  int rc = CC_OK, k = 0;
  /* The values are computed in the outer scope, then bound. */
  for (; k < n->n && rc == CC_OK; k++)
    if ((rc = tpl_eval(rs, n->kids[k], &v[k]))) break;
  if (rc) {
    while (k-- > 0) tpl_val_drop(&v[k]);
    return rc;
  }
  S_push(rs, &f, NULL, 0);
  for (int i = 0; i < n->n; i++) {
    if (rc == CC_OK) rc = tpl_bind(rs, n->names[i], v[i]);
    else tpl_val_drop(&v[i]);
  }
  if (rc == CC_OK) rc = tpl_exec(rs, n->b);
  S_pop(rs, &f);
  return rc;
}

/* The template named by the value of N->a (a name, or a list of names:
 * the first that exists). *T is NULL when none exists (no error yet). */
static int S_find(tpl_rs *rs, const tpl_node *n, const struct cc_tpl **t, tpl_val *name) {
  int rc = tpl_eval(rs, n->a, name);
  *t = NULL;
  if (rc) return rc;
  if (name->j && json_is_string(name->j)) {
    rc = tpl_load(rs, n->a, json_string_value(name->j), t);
    return rc == CC_ENOTFOUND ? CC_OK : rc;
  }
  if (name->j && json_is_array(name->j)) {
    size_t i;
    json_t *x;
    json_array_foreach(name->j, i, x) {
      if (!json_is_string(x)) continue;
      rc = tpl_load(rs, n->a, json_string_value(x), t);
      if (rc != CC_ENOTFOUND) return rc;
    }
    return CC_OK;
  }
  if (!name->j) return tpl_fail_undef(rs, n->a, name);
  return tpl_fail(rs, n->a, CC_EINVAL, "a template name must be a string, not %s", tpl_type_name(name->j));
}

static int S_not_found(tpl_rs *rs, const tpl_node *n, const tpl_val *name) {
  if (json_is_string(name->j)) return tpl_fail(rs, n->a, CC_EINVAL, "template '%s' not found", json_string_value(name->j));
  return tpl_fail(rs, n->a, CC_EINVAL, "none of the templates given were found");
}

static int S_include(tpl_rs *rs, const tpl_node *n) {
  const struct cc_tpl *t;
  tpl_val name;
  S_frame f;
  if (++rs->iters > rs->max_iter)
    return tpl_fail(rs, n, CC_ELIMIT, "loop iterations and calls exceed the limit of %zu", rs->max_iter);
  int rc = S_find(rs, n, &t, &name);
  if (rc == CC_OK && !t && !(n->flags & TPL_F_IGNORE_MISSING)) rc = S_not_found(rs, n, &name);
  tpl_val_drop(&name);
  if (rc || !t) return rc;
  int with = (n->flags & TPL_F_CONTEXT) != 0;
  tpl_env *outer = with ? tpl_env_snapshot(rs) : NULL, *e;
  if ((with && !outer) || (rc = S_nomem_env(e = tpl_env_new(rs, rs->nvars, outer, with ? rs->env->ctx : 0)))) return CC_ENOMEM;
  e->noloop = 1;
  S_push(rs, &f, e, 1);
  rc = tpl_run(rs, t);
  S_pop(rs, &f);
  e->dead = 1;
  if (outer) outer->dead = 1;
  return rc;
}

/* Runs the template of N as a module; *OUT is its exports (an import's
 * module value), or for a `from` import its top-level names (the names
 * not starting with '_' are the exports: no second object is made). */
static int S_module(tpl_rs *rs, const tpl_node *n, tpl_obj **out) {
  int want_ex = n->kind == N_IMPORT;
  const struct cc_tpl *t;
  tpl_val name;
  S_frame f;
  if (++rs->iters > rs->max_iter)
    return tpl_fail(rs, n, CC_ELIMIT, "loop iterations and calls exceed the limit of %zu", rs->max_iter);
  int rc = S_find(rs, n, &t, &name);
  if (rc == CC_OK && !t) rc = S_not_found(rs, n, &name);
  tpl_val_drop(&name);
  if (rc) return rc;
  int with = (n->flags & TPL_F_CONTEXT) != 0;
  tpl_env *outer = with ? tpl_env_snapshot(rs) : NULL, *e;
  if ((with && !outer) || !(e = tpl_env_new(rs, rs->nvars, outer, with ? rs->env->ctx : 0))) return CC_ENOMEM;
  cc_buf discard = CC_BUF_INIT, *saved = rs->out;
  S_push(rs, &f, e, 1);
  rs->out = &discard;
  rc = tpl_run(rs, t);
  rs->out = saved;
  cc_buf_free(&discard);
  /* Its top-level names: all of them stay the scope of its macros; those
   * not starting with '_' are the module's exports. */
  json_t *glob = rc ? NULL : json_object(), *ex = rc || !want_ex ? NULL : json_object();
  if (!rc && (!glob || (want_ex && !ex))) rc = CC_ENOMEM;
  for (size_t i = e->lo; i < rs->nvars && rc == CC_OK; i++) {
    const tpl_var *v = &rs->vars[i];
    if (!v->v.j) continue;
    /* A Markup value stays Markup (stored as tpl_val_store stores it). */
    tpl_val x = tpl_dup(&v->v);
    json_t *k = tpl_val_store(&x);
    if (!k || json_object_set(glob, v->name, k) || (ex && v->name[0] != '_' && json_object_set(ex, v->name, k)))
      rc = CC_ENOMEM;
    json_decref(k);
  }
  S_pop(rs, &f);
  if (outer) outer->dead = 1;
  if (rc) {
    json_decref(glob);
    json_decref(ex);
    return rc;
  }
  tpl_obj *scope = tpl_obj_new(rs, glob, TPL_OBJ_SCOPE);
  if (!scope) {
    json_decref(ex);
    return CC_ENOMEM;
  }
  if (!want_ex) *out = scope;
  else if (!(*out = tpl_obj_new(rs, ex, TPL_OBJ_MODULE))) return CC_ENOMEM;
  e->obj = glob;
  e->dead = 1;
  return CC_OK;
}

static int S_import(tpl_rs *rs, const tpl_node *n) {
  tpl_obj *m = NULL;
  int rc = S_module(rs, n, &m);
  if (rc) return rc;
  if (n->kind == N_IMPORT) return tpl_bind(rs, n->s, tpl_ref(m->j));
  for (int i = 0; i < n->nnames && rc == CC_OK; i++) {
    /* M is the module's top-level names: a '_' name is not exported. */
    json_t *v = n->ops[i][0] == '_' ? NULL : json_object_get(m->j, n->ops[i]);
    /* Jinja2 binds an Undefined that says what is missing. */
    tpl_val x = v ? tpl_ref(v) : tpl_undef(n->names[i]);
    tpl_val_fix_safe(&x); /* a Markup value kept by the module */
    rc = tpl_bind(rs, n->names[i], x);
  }
  return rc;
}

static int S_extends(tpl_rs *rs, const tpl_node *n) {
  const struct cc_tpl *t;
  tpl_val name;
  tpl_unit *u = rs->unit;
  if (u->parent || u->saved_out) return tpl_fail(rs, n, CC_EINVAL, "extended multiple times");
  int rc = S_find(rs, n, &t, &name);
  if (rc == CC_OK && !t) rc = S_not_found(rs, n, &name);
  tpl_val_drop(&name);
  if (rc) return rc;
  u->parent = t;
  u->ext_at = n;
  u->saved_out = rs->out;
  rs->out = &u->discard;
  return CC_OK;
}

static tpl_chain *S_chain(tpl_unit *u, const char *name) {
  for (int i = 0; i < u->nblocks; i++)
    if (!strcmp(u->blocks[i].name, name)) return &u->blocks[i];
  return NULL;
}

/* Adds T's blocks to the end of U's chains. */
static int S_add_blocks(tpl_rs *rs, tpl_unit *u, const struct cc_tpl *t) {
  for (int i = 0; i < t->ast.nblocks; i++) {
    const tpl_node *b = t->ast.blocks[i];
    tpl_chain *c = S_chain(u, b->s);
    if (!c) {
      tpl_chain *v = realloc(u->blocks, (size_t)(u->nblocks + 1) * sizeof *v);
      if (!v) return CC_ENOMEM;
      u->blocks = v;
      c = &u->blocks[u->nblocks++];
      c->name = b->s;
      c->n = 0;
    }
    if (c->n == (int)(sizeof c->v / sizeof *c->v)) return tpl_fail(rs, b, CC_ELIMIT, "templates extend each other too deeply");
    c->v[c->n].node = b;
    c->v[c->n++].tpl = t;
  }
  return CC_OK;
}

int tpl_run_block(tpl_rs *rs, const tpl_node *at, const tpl_chain *chain, int level, tpl_env *outer) {
  const tpl_node *b = chain->v[level].node;
  if (++rs->iters > rs->max_iter)
    return tpl_fail(rs, at, CC_ELIMIT, "loop iterations and calls exceed the limit of %zu", rs->max_iter);
  const struct cc_tpl *t = chain->v[level].tpl, *oldt = rs->tpl;
  const tpl_chain *oldc = rs->chain;
  tpl_env *oldo = rs->blk_outer, *e;
  int oldl = rs->level, rc, olda = rs->autoescape, oldm = rs->md_escape;
  S_frame f;
  if (b->flags & TPL_F_REQUIRED) return tpl_fail(rs, at, CC_EINVAL, "Required block '%s' not found.", b->s);
  if (!(e = tpl_env_new(rs, rs->nvars, outer, rs->unit->env->ctx))) return CC_ENOMEM;
  S_push(rs, &f, e, 0);
  tpl_use(rs, t);
  rs->chain = chain;
  rs->level = level;
  rs->blk_outer = outer;
  rc = tpl_exec(rs, b->b);
  S_pop(rs, &f);
  e->dead = 1;
  tpl_use(rs, oldt);
  rs->autoescape = olda; /* as an {% autoescape %} block may have set it */
  rs->md_escape = oldm;
  rs->chain = oldc;
  rs->level = oldl;
  rs->blk_outer = oldo;
  return rc;
}

static int S_block(tpl_rs *rs, const tpl_node *n) {
  tpl_unit *u = rs->unit;
  if (u->saved_out) return CC_OK; /* after extends: the parent places it */
  tpl_chain *c = S_chain(u, n->s), one;
  if (!c) { /* a block of another template's macro */
    one.name = n->s;
    one.n = 1;
    one.v[0].node = n;
    one.v[0].tpl = rs->tpl;
    c = &one;
  }
  /* The placing tag decides what the block sees: with `scoped`, the
   * scope around it (whichever template's definition runs). */
  if (!(n->flags & TPL_F_SCOPED)) return tpl_run_block(rs, n, c, 0, rs->unit->env);
  tpl_env *outer = tpl_env_snapshot(rs);
  if (!outer) return CC_ENOMEM;
  int rc = tpl_run_block(rs, n, c, 0, outer);
  outer->dead = 1;
  return rc;
}

int tpl_run(tpl_rs *rs, const struct cc_tpl *t) {
  tpl_unit u, *oldu = rs->unit;
  const struct cc_tpl *oldt = rs->tpl;
  const tpl_chain *oldc = rs->chain;
  int oldl = rs->level, rc, olda = rs->autoescape, oldm = rs->md_escape;
  memset(&u, 0, sizeof u);
  cc_buf fresh = CC_BUF_INIT;
  u.discard = fresh;
  u.env = rs->env;
  rs->unit = &u;
  rs->chain = NULL;
  tpl_use(rs, t);
  rc = S_add_blocks(rs, &u, t);
  if (rc == CC_OK) rc = tpl_exec(rs, t->ast.root);
  for (int hops = 0; rc == CC_OK && u.parent; hops++) {
    const struct cc_tpl *p = u.parent;
    /* A template that extends itself, directly or not, never ends. */
    if (hops == (int)(sizeof u.blocks->v / sizeof u.blocks->v[0])) {
      rs->out = u.saved_out;
      u.saved_out = NULL;
      rc = tpl_fail(rs, u.ext_at, CC_ELIMIT, "templates extend each other more than %d deep", hops);
      break;
    }
    u.parent = NULL;
    rs->out = u.saved_out;
    u.saved_out = NULL;
    tpl_use(rs, p);
    if ((rc = S_add_blocks(rs, &u, p)) == CC_OK) rc = tpl_exec(rs, p->ast.root);
  }
  if (u.saved_out) rs->out = u.saved_out;
  free(u.blocks);
  cc_buf_free(&u.discard);
  rs->unit = oldu;
  tpl_use(rs, oldt);
  rs->autoescape = olda; /* as an {% autoescape %} block may have set it */
  rs->md_escape = oldm;
  rs->chain = oldc;
  rs->level = oldl;
  return rc;
}

static int S_if(tpl_rs *rs, const tpl_node *n);

/* The statements of a body: text appended inline, the rest through
 * tpl_exec. */
static int S_body(tpl_rs *rs, const tpl_node *n) {
  int rc = CC_OK;
  if (!n->n) return CC_OK;
  /* tpl_exec's depth check for every kid (the depth is the same for each):
   * the first kid fails it as tpl_exec would. */
  if (rs->depth >= rs->max_depth * TPL_EXPR_DEPTH_FACTOR) return tpl_exec(rs, n->kids[0]);
  /* The unit's discard buffer (the unit is the same for every kid: a
   * nested run restores it). */
  const cc_buf *disc = rs->unit ? &rs->unit->discard : NULL;
  for (tpl_node *const *k = n->kids, *const *end = k + n->n; k < end; k++) {
    const tpl_node *c = *k;
    if (c->kind == N_OUT || c->kind == N_IF) {
      /* tpl_exec's work for {{ }} and if (the depth was checked above). */
      rs->depth++;
      rc = c->kind == N_OUT ? tpl_out(rs, c->a) : S_if(rs, c);
      rs->depth--;
      if (rc) return rc;
    } else if (c->kind != N_TEXT) {
      if ((rc = tpl_exec(rs, c))) return rc;
    } else if (tpl_out_add(rs->out, c->s, c->slen) || rs->out->len > rs->max_out) {
      return tpl_fail(rs, c, CC_ELIMIT, "output exceeds the limit of %zu bytes", rs->max_out);
    }
    /* After extends the output is dropped as it comes. */
    if (rs->out == disc) cc_buf_truncate(rs->out, 0);
  }
  return rc;
}

/* An if chain's variable compared with string literals (`kind == "pct"`,
 * then `elif kind == "bytes"`): looked up once for the chain (evaluating
 * a condition binds nothing, so its value stays). */
typedef struct S_swcache {
  const char *name; /* the variable's (interned) name, or NULL */
  const json_t *j;  /* its value, a string */
  size_t len;
} S_swcache;

/* The truth of E when it is NAME == "literal" (or !=) with NAME a string
 * variable of the innermost scope; 1 when E is something else. */
static int S_lit_truth(tpl_rs *rs, const tpl_node *e, S_swcache *sw, int *t) {
  if (e->kind != E_CMP || e->n != 1 || e->a->kind != E_NAME) return 1;
  const tpl_node *k = e->kids[0];
  const char *op = e->ops[0];
  if (k->kind != E_LIT || !k->slen || (op[0] != '=' && op[0] != '!')) return 1;
  if (sw->name != e->a->s) {
    const tpl_var *var = tpl_find_local(rs, e->a->s);
    if (!var || var->loop || !var->v.j || !json_is_string(var->v.j)) return 1;
    sw->name = e->a->s;
    sw->j = var->v.j;
    sw->len = json_string_length(sw->j);
  }
  size_t l = k->slen - 1;
  int eq = sw->len == l && (sw->j == k->lit || !l || !memcmp(json_string_value(sw->j), json_string_value(k->lit), l));
  *t = op[0] == '=' ? eq : !eq;
  return CC_OK;
}

/* An if / elif / else chain. */
static int S_if(tpl_rs *rs, const tpl_node *n) {
  int rc;
  S_swcache sw = {NULL, NULL, 0};
  for (const tpl_node *c = n; c; c = c->c) {
    if (c->kind != N_IF) return tpl_exec(rs, c);
    int t;
    if ((rc = S_lit_truth(rs, c->a, &sw, &t)) == CC_OK) {
      if (t) return tpl_exec(rs, c->b);
      continue;
    }
    if ((rc = tpl_truth(rs, c->a, &t))) return rc;
    if (t) return tpl_exec(rs, c->b);
  }
  return CC_OK;
}

/* The statements tpl_exec does not run itself. */
static __attribute__((noinline)) int S_exec_inner(tpl_rs *rs, const tpl_node *n) {
  int rc = CC_OK;
  tpl_val v;
  switch (n->kind) {
  case N_BODY:
    return S_body(rs, n);
  case N_TEXT:
    if (tpl_buf_add(rs->out, n->s, n->slen) || rs->out->len > rs->max_out)
      return tpl_fail(rs, n, CC_ELIMIT, "output exceeds the limit of %zu bytes", rs->max_out);
    return CC_OK;
  case N_OUT:
    return tpl_out(rs, n->a);
  case N_PRINT:
    for (int i = 0; i < n->n && rc == CC_OK; i++) rc = tpl_out(rs, n->kids[i]);
    return rc;
  case N_IF:
    return S_if(rs, n);
  case N_FOR:
    if ((rc = tpl_eval(rs, n->a, &v))) return rc;
    rc = tpl_for_run(rs, n, &v, 1);
    tpl_val_drop(&v);
    return rc;
  case N_SET:
    if ((rc = tpl_eval(rs, n->a, &v))) return rc;
    rc = S_assign(rs, n, &v);
    tpl_val_drop(&v);
    return rc;
  case N_SETBLOCK:
    if ((rc = S_filtered(rs, n->b, n->a, &v))) return rc;
    rc = S_assign(rs, n, &v);
    tpl_val_drop(&v);
    return rc;
  case N_FILTERBLOCK:
    if ((rc = S_filtered(rs, n->b, n->a, &v))) return rc;
    rc = tpl_emit(rs, n, &v);
    tpl_val_drop(&v);
    return rc;
  case N_SETATTR:
    return S_setattr(rs, n);
  case N_WITH:
    return S_with(rs, n);
  case N_MACRO: {
    tpl_obj *o;
    return S_macro_def(rs, n, TPL_OBJ_MACRO, &o);
  }
  case N_CALLBLOCK:
    return S_callblock(rs, n);
  case N_INCLUDE:
    return S_include(rs, n);
  case N_IMPORT:
  case N_FROMIMPORT:
    return S_import(rs, n);
  case N_EXTENDS:
    return S_extends(rs, n);
  case N_BLOCK:
    return S_block(rs, n);
  case N_AUTOESCAPE: {
    /* A scope of its own, as Jinja2's: what it sets or defines (set,
     * macro, import) is gone after it. */
    int old = rs->autoescape;
    S_frame f;
    if ((rc = tpl_eval(rs, n->a, &v))) return rc;
    rs->autoescape = tpl_truthy(&v);
    tpl_val_drop(&v);
    S_push(rs, &f, NULL, 0);
    rc = tpl_exec(rs, n->b);
    S_pop(rs, &f);
    rs->autoescape = old;
    return rc;
  }
  default:
    return tpl_fail(rs, n, CC_EINVAL, "not a statement");
  }
}

int tpl_exec(tpl_rs *rs, const tpl_node *n) {
  if (rs->depth >= rs->max_depth * TPL_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, n, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  rs->depth++;
  int rc;
  /* The common statements here, the rest in S_exec_inner (whose frame is
   * larger). */
  switch (n->kind) {
  case N_BODY: rc = S_body(rs, n); break;
  case N_OUT: rc = tpl_out(rs, n->a); break;
  case N_IF: rc = S_if(rs, n); break;
  default: rc = S_exec_inner(rs, n); break;
  }
  rs->depth--;
  return rc;
}

int tpl_eval_root(tpl_rs *rs, const struct cc_tpl *t) {
  tpl_env root;
  memset(&root, 0, sizeof root);
  root.ctx = 1;
  rs->env = &root;
  rs->at_top = 1;
  int rc = tpl_run(rs, t);
  tpl_pop_to(rs, 0);
  if (rs->vars != rs->inl) free(rs->vars);
  rs->vars = NULL;
  rs->capvars = 0;
  rs->env = NULL;
  tpl_scope_free(rs);
  return rc;
}
