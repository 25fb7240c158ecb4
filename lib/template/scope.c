/* scope.c: variables and scopes as Jinja2 3.1 scopes them, and the
 * render's registry of special objects (macros, namespaces, ...).
 *
 * Variables live on one stack (tpl_rs.vars). A for loop, a with block or
 * an include starts a frame (rs->frame): what a statement binds goes
 * there and is dropped when the frame ends, so `set` inside a loop does
 * not leak. Lookups walk the innermost env (frame and below, down to the
 * env's start), then the envs it closes over: a macro sees its own
 * arguments and its template's top-level names as they are when it is
 * called, a call block's body the scope of the call, then the render
 * context (unless an include or import is without context). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "eval.h"
#include "filters_int.h"

static int S_scan(const tpl_rs *rs, size_t lo, size_t hi, const char *name, tpl_var **var) {
  for (size_t i = hi; i-- > lo;)
    if (rs->vars[i].name == name) {
      *var = &rs->vars[i];
      return 1;
    }
  return 0;
}

int tpl_find_var(tpl_rs *rs, const char *name, tpl_var **var, json_t **j) {
  *j = NULL;
  if ((*var = tpl_find_local(rs, name))) return 1;
  return tpl_find_var_outer(rs, name, var, j);
}

int tpl_find_var_outer(tpl_rs *rs, const char *name, tpl_var **var, json_t **j) {
  tpl_env *e = rs->env;
  *var = NULL;
  *j = NULL;
  if (e) {
    /* An included template doesn't see the includer's `loop`. */
    int hide = e->noloop && name == tpl_name_loop;
    for (tpl_env *o = e->outer; o; o = o->outer) {
      if (o->obj) {
        if ((*j = json_object_get(o->obj, name))) return 1;
      } else if (!o->dead && !hide && S_scan(rs, o->lo, o->hi < rs->nvars ? o->hi : rs->nvars, name, var)) {
        return 1;
      }
      hide |= o->noloop && name == tpl_name_loop;
    }
    if (!e->ctx) return 0;
  }
  if (!rs->ctx) return 0;
  /* The context does not change during a render: a name looked up again
   * (`{% if x %}{{ x }}`) is answered from a small cache. */
  size_t h = ((uintptr_t)name >> 3) & 7;
  if (rs->ctx_name[h] != name) {
    rs->ctx_name[h] = name;
    rs->ctx_val[h] = json_object_get(rs->ctx, name);
  }
  return (*j = rs->ctx_val[h]) != NULL;
}

int tpl_bind_ref(tpl_rs *rs, const char *name, tpl_val v) {
  for (size_t i = rs->frame; i < rs->nvars; i++)
    if (rs->vars[i].name == name) {
      tpl_val_drop(&rs->vars[i].v);
      rs->vars[i].v = v;
      rs->vars[i].loop = NULL;
      return CC_OK;
    }
  if (rs->nvars == rs->capvars) {
    /* The first vars live in RS itself; more move to the heap. */
    size_t cap = rs->capvars ? rs->capvars * 2 : 16;
    tpl_var *nv;
    if (!rs->vars) {
      nv = rs->inl;
      cap = sizeof rs->inl / sizeof *rs->inl;
    } else if (rs->vars == rs->inl) {
      if ((nv = malloc(cap * sizeof *nv))) memcpy(nv, rs->inl, sizeof rs->inl);
    } else {
      nv = realloc(rs->vars, cap * sizeof *nv);
    }
    if (!nv) {
      tpl_val_drop(&v);
      return CC_ENOMEM;
    }
    rs->vars = nv;
    rs->capvars = cap;
  }
  rs->vars[rs->nvars].name = name;
  rs->vars[rs->nvars].loop = NULL;
  rs->vars[rs->nvars++].v = v;
  /* A template's top level grows: macros see it as it is when called. */
  if (rs->env && rs->at_top) rs->env->hi = rs->nvars;
  return CC_OK;
}

int tpl_bind(tpl_rs *rs, const char *name, tpl_val v) {
  if (!v.own && v.j) {
    json_incref(v.j);
    v.own = 1;
  }
  return tpl_bind_ref(rs, name, v);
}

/* The render's arena, made when first needed (most renders need none). */
static void *S_alloc(tpl_rs *rs, size_t size) {
  /* First from the pool the caller gave (no allocation, nothing to free). */
  const size_t al = _Alignof(max_align_t);
  size_t rounded = (size + al - 1) & ~(al - 1);
  if (rs->pool && rounded <= TPL_POOL - rs->pool_used) {
    void *p = rs->pool + rs->pool_used;
    rs->pool_used += rounded;
    memset(p, 0, rounded);
    return p;
  }
  if (!rs->arena && !(rs->arena = cc_arena_new())) return NULL;
  return cc_arena_alloc(rs->arena, size);
}

tpl_env *tpl_env_new(tpl_rs *rs, size_t lo, tpl_env *outer, int ctx) {
  tpl_env *e = rs->free_envs;
  if (e) rs->free_envs = e->outer;
  else if (!(e = S_alloc(rs, sizeof *e))) return NULL;
  rs->nenvs++;
  memset(e, 0, sizeof *e);
  e->lo = e->hi = lo;
  e->outer = outer;
  e->ctx = ctx;
  return e;
}

tpl_env *tpl_env_snapshot(tpl_rs *rs) {
  tpl_env *e = tpl_env_new(rs, rs->env->lo, rs->env->outer, rs->env->ctx);
  if (e) e->hi = rs->nvars;
  return e;
}

static size_t S_hash(const void *p) {
  size_t h = (size_t)(uintptr_t)p;
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15u;
  return h ^ (h >> 29);
}

tpl_obj *tpl_obj_of(const tpl_rs *rs, const json_t *j) {
  if (!rs->nobjs || !j || !json_is_object(j)) return NULL;
  for (size_t h = S_hash(j) & (rs->capobjs - 1);; h = (h + 1) & (rs->capobjs - 1)) {
    if (!rs->objs[h]) return NULL;
    if (rs->objs[h]->j == j) return rs->objs[h];
  }
}

tpl_obj *tpl_obj_new(tpl_rs *rs, json_t *j, int kind) {
  tpl_obj *o = j ? S_alloc(rs, sizeof *o) : NULL;
  if (!o) {
    json_decref(j);
    return NULL;
  }
  if (2 * (rs->nobjs + 1) > rs->capobjs) {
    tpl_obj **v;
    size_t cap;
    if (!rs->capobjs) { /* the first table lives in RS */
      cap = TPL_OBJS_INL;
      v = rs->objs_inl;
      memset(v, 0, sizeof rs->objs_inl);
    } else {
      cap = 2 * rs->capobjs;
      v = calloc(cap, sizeof *v);
    }
    if (!v) {
      json_decref(j);
      return NULL;
    }
    for (size_t i = 0; i < rs->capobjs; i++)
      if (rs->objs[i]) {
        size_t h = S_hash(rs->objs[i]->j) & (cap - 1);
        while (v[h]) h = (h + 1) & (cap - 1);
        v[h] = rs->objs[i];
      }
    if (rs->objs != rs->objs_inl) free(rs->objs);
    rs->objs = v;
    rs->capobjs = cap;
  }
  memset(o, 0, sizeof *o);
  o->j = j;
  o->kind = kind;
  size_t h = S_hash(j) & (rs->capobjs - 1);
  while (rs->objs[h]) h = (h + 1) & (rs->capobjs - 1);
  rs->objs[h] = o;
  rs->nobjs++;
  return o;
}

void tpl_scope_free(tpl_rs *rs) {
  /* Objects may refer to each other (a namespace holding a macro): the
   * registry's references go first, then nothing is left. */
  for (size_t i = 0; i < rs->capobjs; i++)
    if (rs->objs[i]) {
      json_decref(rs->objs[i]->items);
      json_t *j = rs->objs[i]->j;
      /* Break cycles (a namespace that holds itself); a macro's or a
       * caller's object holds only its name; one only the registry holds
       * is on no cycle (json_decref frees it whole, no clear first). */
      int kind = rs->objs[i]->kind;
      if (json_is_object(j) && kind != TPL_OBJ_MACRO && kind != TPL_OBJ_CALLER && j->refcount > 1) json_object_clear(j);
      json_decref(j);
    }
  if (rs->objs != rs->objs_inl) free(rs->objs);
  rs->objs = NULL;
  /* Most renders made no buffer (nor arena): nothing to call. */
  for (int i = 0; i < TPL_CAPS; i++)
    if (rs->caps[i].ptr) cc_buf_free(&rs->caps[i]);
  if (rs->scratch.ptr) tpl_f_keep_spare(&rs->scratch);
  rs->nobjs = rs->capobjs = 0;
  if (rs->arena) cc_arena_free(rs->arena);
  rs->arena = NULL;
  rs->free_envs = NULL;
}

int tpl_obj_str(const tpl_rs *rs, const json_t *j, cc_buf *b) {
  const tpl_obj *o = tpl_obj_of(rs, j);
  if (!o || (o->kind != TPL_OBJ_MACRO && o->kind != TPL_OBJ_CALLER && o->kind != TPL_OBJ_NAMESPACE)) return 1;
  if (o->kind == TPL_OBJ_NAMESPACE) {
    int rc = cc_buf_puts(b, "<Namespace ");
    if (rc == CC_OK) rc = tpl_str(b, j);
    return rc ? rc : cc_buf_putc(b, '>');
  }
  /* A call block's caller has no name. */
  const char *name = json_string_value(json_object_get(j, "name"));
  return name ? cc_buf_printf(b, "<Macro '%s'>", name) : cc_buf_puts(b, "<Macro anonymous>");
}
