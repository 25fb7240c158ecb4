/* eval_call.c: calls: macros and call blocks' `caller` (Jinja2's Macro
 * with defaults, varargs, kwargs and caller), the globals range, dict,
 * namespace, cycler and joiner, super(), a recursive loop's loop(...),
 * loop.cycle() and loop.changed(), a cycler's next() and reset(), and
 * macros of imported modules (m.name(...)). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "eval.h"
#include "tpl_int.h"

static int S_is_int(const json_t *j) { return json_is_integer(j) || json_is_boolean(j); }
static long long S_int(const json_t *j) {
  return json_is_boolean(j) ? (json_is_true(j) ? 1 : 0) : (long long)json_integer_value(j);
}

int tpl_capture(tpl_rs *rs, const tpl_node *body, tpl_val *out) {
  /* The buffers of the first levels of nesting are kept for the render
   * (a macro called per row allocates no buffer). */
  int lvl = rs->ncaps++;
  cc_buf own = CC_BUF_INIT, *buf = lvl < TPL_CAPS ? &rs->caps[lvl] : &own, *saved = rs->out;
  if (lvl < TPL_CAPS && !buf->max) {
    cc_buf fresh = CC_BUF_INIT;
    *buf = fresh;
  }
  cc_buf_truncate(buf, 0);
  rs->out = buf;
  int rc = tpl_exec(rs, body);
  rs->out = saved;
  rs->ncaps--;
  *out = tpl_undef(NULL);
  if (rc == CC_OK) {
    *out = tpl_own(tpl_json_strn(buf->ptr ? buf->ptr : "", buf->len));
    out->safe = (unsigned char)rs->autoescape;
    if (!out->j) rc = CC_ENOMEM;
  }
  cc_buf_free(&own);
  return rc;
}

/* What a macro call saves and restores. */
typedef struct S_saved {
  tpl_env *env;
  size_t frame, base;
  int at_top, level;
  int autoescape, md_escape; /* as an {% autoescape %} block may have set them */
  const struct cc_tpl *tpl;
  const tpl_chain *chain;
} S_saved;

static void S_save(tpl_rs *rs, S_saved *s) {
  s->env = rs->env;
  s->frame = rs->frame;
  s->base = rs->nvars;
  s->at_top = rs->at_top;
  s->tpl = rs->tpl;
  s->autoescape = rs->autoescape;
  s->md_escape = rs->md_escape;
  s->chain = rs->chain;
  s->level = rs->level;
}

static inline __attribute__((always_inline)) void S_restore(tpl_rs *rs, const S_saved *s) {
  tpl_pop_to(rs, s->base);
  rs->env = s->env;
  rs->frame = s->frame;
  rs->at_top = s->at_top;
  tpl_use(rs, s->tpl);
  rs->autoescape = s->autoescape;
  rs->md_escape = s->md_escape;
  rs->chain = s->chain;
  rs->level = s->level;
}

/* Enters a new scope for a call of the macro OBJ: its outer scope is the
 * one the macro was defined in (while that is alive or kept by an object),
 * and its template OBJ's. NULL when out of memory. */
static inline __attribute__((always_inline)) tpl_env *S_call_scope(tpl_rs *rs, const tpl_obj *obj) {
  tpl_env *oe = obj->env, *me = rs->free_envs;
  tpl_env *outer = oe && (!oe->dead || oe->obj) ? oe : NULL;
  if (me) {
    /* tpl_env_new's work on the env a finished call left. */
    rs->free_envs = me->outer;
    rs->nenvs++;
    memset(me, 0, sizeof *me);
    me->lo = me->hi = rs->nvars;
    me->outer = outer;
    me->ctx = oe ? oe->ctx : 1;
  } else if (!(me = tpl_env_new(rs, rs->nvars, outer, oe ? oe->ctx : 1))) {
    return NULL;
  }
  rs->env = me;
  rs->frame = rs->nvars;
  rs->at_top = 0;
  tpl_use(rs, obj->tpl);
  return me;
}

/* A finished call's scope ME (made when the render had ENVS0 envs and
 * OBJS0 objects) is dead; only envs and objects made during the call could
 * refer to it, so with none it is reused by the next call. */
static void S_call_done(tpl_rs *rs, tpl_env *me, size_t envs0, size_t objs0) {
  me->dead = 1;
  if (rs->nenvs == envs0 + 1 && rs->nobjs == objs0) {
    me->outer = rs->free_envs;
    rs->free_envs = me;
  }
}

static inline __attribute__((always_inline)) int S_enter(tpl_rs *rs, const tpl_node *n) {
  if (rs->depth + TPL_CALL_DEPTH >= rs->max_depth * TPL_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, n, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  /* Calls count as iterations: a macro calling itself twice per level
   * would otherwise run for ever within the depth limit. */
  if (++rs->iters > rs->max_iter)
    return tpl_fail(rs, n, CC_ELIMIT, "loop iterations and calls exceed the limit of %zu", rs->max_iter);
  rs->depth += TPL_CALL_DEPTH;
  return CC_OK;
}

/* tpl_call_macro; with EMITTED given, a body whose result would be printed
 * as it is (Markup, or a plain string where nothing is escaped) is run
 * straight into the output instead of a capture, and *EMITTED set. */
static int S_call_macro(tpl_rs *rs, const tpl_node *n, tpl_obj *obj, tpl_val *args, tpl_obj *caller, tpl_val *out,
                        int *emitted);

int tpl_call_macro(tpl_rs *rs, const tpl_node *n, tpl_obj *obj, tpl_val *args, tpl_obj *caller, tpl_val *out) {
  return S_call_macro(rs, n, obj, args, caller, out, NULL);
}

/* S_call_macro for {{ m(...) }} of a macro M without varargs, kwargs or
 * caller, called with no more positional arguments than it has parameters
 * and no keywords, whose body prints straight into the output (*EMITTED
 * set). Returns 1 (nothing done) for any other call. */
static int S_call_plain(tpl_rs *rs, const tpl_node *n, tpl_obj *obj, tpl_val *args, int *emitted) {
  const tpl_node *m = obj->node;
  int np = m->nnames, rc = CC_OK;
  if ((m->flags & (TPL_F_VARARGS | TPL_F_KWARGS | TPL_F_CALLER)) || n->n > np || np > 64) return 1;
  for (int i = 0; n->kw && i < n->n; i++)
    if (n->kw[i]) return 1;
  int plain = !rs->autoescape && !rs->md_escape;
  const struct cc_tpl *t = obj->tpl;
  /* As S_call_macro decides: the body's result would be printed as it is
   * (Markup under the caller's autoescape, or nothing is escaped). */
  if (!(rs->autoescape || plain) || t->md_escape) return 1;
  if ((rc = S_enter(rs, n))) return rc;
  S_saved sv;
  S_save(rs, &sv);
  size_t envs0 = rs->nenvs, objs0 = rs->nobjs;
  tpl_env *me = S_call_scope(rs, obj);
  if (!me) {
    rc = CC_ENOMEM;
    goto out;
  }
  for (int i = 0; i < np; i++) {
    tpl_val v;
    if (i < n->n) {
      /* The argument's reference moves to the parameter (the caller's
       * tpl_drop_args then leaves it); a borrowed one gets its own. */
      v = args[i];
      if (v.own) args[i].own = 0;
    } else if (m->kids && m->kids[i]) {
      if (m->kids[i]->kind == E_LIT) v = tpl_ref(m->kids[i]->lit); /* tpl_eval's first case */
      else if ((rc = tpl_eval(rs, m->kids[i], &v))) break;
    } else {
      v = tpl_undef(m->names[i]);
    }
    if (!v.own && v.j) {
      json_incref(v.j);
      v.own = 1;
    }
    if (rs->nvars < rs->capvars) {
      /* The call's frame is new and the parameters' names are distinct
       * (the parser checks): nothing to replace, the value goes on top. */
      tpl_var *x = &rs->vars[rs->nvars++];
      x->name = m->names[i];
      x->loop = NULL;
      x->v = v;
    } else if ((rc = tpl_bind_ref(rs, m->names[i], v))) {
      break;
    }
  }
  if (rc == CC_OK) {
    *emitted = 1;
    rc = tpl_exec(rs, m->b);
  }
  S_call_done(rs, me, envs0, objs0);
out:
  S_restore(rs, &sv);
  rs->depth -= TPL_CALL_DEPTH;
  return rc;
}

static int S_call_macro(tpl_rs *rs, const tpl_node *n, tpl_obj *obj, tpl_val *args, tpl_obj *caller, tpl_val *out,
                        int *emitted) {
  const tpl_node *m = obj->node;
  const char *mname = obj->kind == TPL_OBJ_MACRO ? m->s : "caller";
  int np = m->nnames, npos = 0, rc, caller_arg = 0;
  json_t *varargs = NULL, *kwargs = NULL;
  int given[64]; /* the argument that fills each parameter, +1 (np <= 64, the parser's limit) */
  *out = tpl_undef(NULL);
  /* Positional arguments only, no more than the parameters, and nothing
   * special (varargs, kwargs, caller): argument I fills parameter I. */
  int simple = !caller && !(m->flags & (TPL_F_VARARGS | TPL_F_KWARGS | TPL_F_CALLER)) && n->n <= np;
  for (int i = 0; simple && n->kw && i < n->n; i++)
    if (n->kw[i]) simple = 0;
  if (!simple) memset(given, 0, (size_t)(np < 64 ? np : 64) * sizeof *given);
  for (int i = 0; !simple && i < n->n; i++) {
    if (!n->kw || !n->kw[i]) {
      if (i < np) given[i] = i + 1;
      npos++;
      continue;
    }
    int k = 0;
    while (k < np && strcmp(m->names[k], n->kw[i])) k++;
    if (k == np && !caller && (m->flags & TPL_F_CALLER) && !strcmp(n->kw[i], "caller")) {
      /* caller=... given by hand: it is the caller. */
      caller_arg = i + 1;
    } else if (k < np) {
      if (given[k]) return tpl_fail(rs, n, CC_EINVAL, "macro '%s' got multiple values for argument '%s'", mname, n->kw[i]);
      given[k] = i + 1;
    } else if (!(m->flags & TPL_F_KWARGS)) {
      return tpl_fail(rs, n, CC_EINVAL, "macro '%s' takes no keyword argument '%s'", mname, n->kw[i]);
    } else {
      if (!kwargs && !(kwargs = json_object())) return CC_ENOMEM;
      if (!args[i].j && rs->strict) {
        json_decref(kwargs);
        return tpl_fail_undef(rs, n, &args[i]);
      }
      tpl_val x = tpl_dup(&args[i]); /* Markup stays Markup in the dict */
      if (json_object_set_new(kwargs, n->kw[i], tpl_val_store(&x))) {
        json_decref(kwargs);
        return CC_ENOMEM;
      }
    }
  }
  /* A call block's caller for a macro that doesn't use one: a keyword
   * argument like any other (Jinja2 passes it so). */
  if (caller && !(m->flags & TPL_F_CALLER)) {
    if (!(m->flags & TPL_F_KWARGS)) {
      json_decref(kwargs);
      return tpl_fail(rs, n, CC_EINVAL,
                      "macro '%s' was invoked with two values for the special caller argument. This is most likely a bug.",
                      mname);
    }
    if ((!kwargs && !(kwargs = json_object())) || json_object_set(kwargs, "caller", caller->j)) {
      json_decref(kwargs);
      return CC_ENOMEM;
    }
  }
  if (npos > np) {
    if (!(m->flags & TPL_F_VARARGS)) {
      json_decref(kwargs);
      return tpl_fail(rs, n, CC_EINVAL, "macro '%s' takes not more than %d argument(s)", mname, np);
    }
    if (!(varargs = json_array())) rc = CC_ENOMEM;
    for (int i = np; i < n->n && varargs; i++) {
      tpl_val x = tpl_dup(&args[i]);
      if ((!n->kw || !n->kw[i]) &&
          ((!args[i].j && rs->strict) || json_array_append_new(varargs, tpl_val_store(&x)))) {
        json_decref(varargs);
        json_decref(kwargs);
        return args[i].j || !rs->strict ? CC_ENOMEM : tpl_fail_undef(rs, n, &args[i]);
      }
      tpl_val_drop(&x);
    }
    if (!varargs) {
      json_decref(kwargs);
      return CC_ENOMEM;
    }
  }
  if ((rc = S_enter(rs, n))) {
    json_decref(varargs);
    json_decref(kwargs);
    return rc;
  }
  S_saved sv;
  S_save(rs, &sv);
  int plain = !rs->autoescape && !rs->md_escape; /* the caller prints strings as they are */
  /* The result is Markup when the caller autoescapes at the call (Jinja2's
   * Macro takes the caller's eval context), whatever the body's template
   * does. */
  int caller_ae = rs->autoescape;
  size_t envs0 = rs->nenvs, objs0 = rs->nobjs;
  tpl_env *me = S_call_scope(rs, obj);
  if (!me) {
    rc = CC_ENOMEM;
    goto out;
  }
  for (int i = 0; i < np && rc == CC_OK; i++) {
    tpl_val v;
    int g1 = simple ? (i < n->n ? i + 1 : 0) : given[i];
    if (g1) {
      /* The argument's reference moves to the parameter (the caller's
       * tpl_drop_args then leaves it); a borrowed one gets its own. */
      tpl_val *g = &args[g1 - 1];
      v = *g;
      if (v.own) g->own = 0;
      else if (v.j) {
        json_incref(v.j);
        v.own = 1;
      }
    } else if (m->kids && m->kids[i]) {
      if ((rc = tpl_eval(rs, m->kids[i], &v))) break;
    } else
      v = tpl_undef(m->names[i]);
    if (rs->nvars < rs->capvars) {
      /* The call's frame is new and the parameters' names are distinct
       * (the parser checks): nothing to replace, the value goes on top. */
      tpl_var *x = &rs->vars[rs->nvars++];
      x->name = m->names[i];
      x->loop = NULL;
      if (!v.own && v.j) {
        json_incref(v.j);
        v.own = 1;
      }
      x->v = v;
    } else {
      rc = tpl_bind(rs, m->names[i], v);
    }
  }
  if (rc == CC_OK && (m->flags & TPL_F_VARARGS)) {
    /* varargs is a tuple, as in Python. */
    if (!varargs && !(varargs = json_array())) rc = CC_ENOMEM;
    else if ((rc = tpl_tuple_mark(varargs, TPL_TUPLE)) == CC_OK) rc = tpl_bind(rs, tpl_name_varargs, tpl_own(varargs));
    else json_decref(varargs);
    varargs = NULL;
  }
  if (rc == CC_OK && (m->flags & TPL_F_KWARGS)) {
    if (!kwargs && !(kwargs = json_object())) rc = CC_ENOMEM;
    else rc = tpl_bind(rs, tpl_name_kwargs, tpl_own(kwargs));
    kwargs = NULL;
  }
  if (rc == CC_OK && (m->flags & TPL_F_CALLER))
    rc = tpl_bind(rs, tpl_name_caller,
                  caller ? tpl_ref(caller->j) : caller_arg ? tpl_dup(&args[caller_arg - 1]) : tpl_undef("No caller defined"));
  if (rc == CC_OK && emitted && (caller_ae || plain)) {
    *emitted = 1;
    rc = tpl_exec(rs, m->b);
  } else if (rc == CC_OK && (rc = tpl_capture(rs, m->b, out)) == CC_OK) {
    out->safe = (unsigned char)caller_ae;
  }
  S_call_done(rs, me, envs0, objs0);
out:
  S_restore(rs, &sv);
  rs->depth -= TPL_CALL_DEPTH;
  json_decref(varargs);
  json_decref(kwargs);
  return rc;
}

static int S_range(tpl_rs *rs, const tpl_node *n, tpl_val *args, tpl_val *out) {
  long long a[3] = {0, 0, 1};
  if (n->n < 1 || n->n > 3) return tpl_fail(rs, n, CC_EINVAL, "range expected 1 to 3 arguments, got %d", n->n);
  for (int i = 0; i < n->n; i++) {
    if (n->kw[i]) return tpl_fail(rs, n, CC_EINVAL, "range() takes no keyword arguments");
    if (!args[i].j || !S_is_int(args[i].j))
      return tpl_fail(rs, n, CC_EINVAL, "'%s' object cannot be interpreted as an integer", tpl_type_name(args[i].j));
  }
  if (n->n == 1) a[1] = S_int(args[0].j);
  else {
    a[0] = S_int(args[0].j);
    a[1] = S_int(args[1].j);
    if (n->n == 3) a[2] = S_int(args[2].j);
  }
  if (a[2] == 0) return tpl_fail(rs, n, CC_EINVAL, "range() arg 3 must not be zero");
  json_t *arr = json_array();
  if (!arr) return CC_ENOMEM;
  size_t count = 0;
  for (long long v = a[0]; a[2] > 0 ? v < a[1] : v > a[1]; v += a[2]) {
    if (++count > rs->max_iter) {
      json_decref(arr);
      return tpl_fail(rs, n, CC_ELIMIT, "range exceeds the iteration limit of %zu", rs->max_iter);
    }
    if (json_array_append_new(arr, json_integer(v))) {
      json_decref(arr);
      return CC_ENOMEM;
    }
    if ((a[2] > 0 && v > LLONG_MAX - a[2]) || (a[2] < 0 && v < LLONG_MIN - a[2])) break;
  }
  if (tpl_range_mark(arr, a)) {
    json_decref(arr);
    return CC_ENOMEM;
  }
  *out = tpl_own(arr);
  return CC_OK;
}

/* dict(...) and namespace(...): Python's dict(mapping, **kwargs). */
static int S_dict(tpl_rs *rs, const tpl_node *n, tpl_val *args, json_t **out) {
  json_t *o = json_object();
  int npos = 0;
  if (!o) return CC_ENOMEM;
  for (int i = 0; i < n->n; i++) {
    const char *kw = n->kw ? n->kw[i] : NULL;
    int rc = CC_OK;
    if (!args[i].j && (rs->strict || !kw)) rc = tpl_fail_undef(rs, n->kids[i], &args[i]);
    else if (kw) {
      tpl_val x = tpl_dup(&args[i]); /* Markup stays Markup */
      rc = json_object_set_new(o, kw, tpl_val_store(&x)) ? CC_ENOMEM : CC_OK;
    }
    else if (++npos > 1) rc = tpl_fail(rs, n, CC_EINVAL, "dict expected at most 1 argument, got %d", npos);
    else if (json_is_object(args[i].j)) rc = json_object_update(o, args[i].j) ? CC_ENOMEM : CC_OK;
    else if (json_is_array(args[i].j)) {
      size_t k;
      json_t *pair;
      json_array_foreach(args[i].j, k, pair) {
        if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_string(json_array_get(pair, 0))) {
          rc = tpl_fail(rs, n, CC_EINVAL, "dictionary update sequence element #%zu is not a (string key, value) pair", k);
          break;
        }
        if (json_object_set(o, json_string_value(json_array_get(pair, 0)), json_array_get(pair, 1))) {
          rc = CC_ENOMEM;
          break;
        }
      }
    } else {
      rc = tpl_fail(rs, n, CC_EINVAL, "'%s' object is not iterable", tpl_type_name(args[i].j));
    }
    if (rc) {
      json_decref(o);
      return rc;
    }
  }
  *out = o;
  return CC_OK;
}

/* A global function NAME (the name is bound nowhere); 1 when there is none. */
static int S_global(tpl_rs *rs, const tpl_node *n, const char *name, tpl_val *out) {
  tpl_val args[32];
  json_t *o = NULL;
  tpl_obj *obj;
  int rc;
  if (name == tpl_name_super) {
    if (!rs->chain) return 1;
    if (n->n) return tpl_fail(rs, n, CC_EINVAL, "super() takes no arguments");
    if (rs->level + 1 >= rs->chain->n)
      return tpl_fail(rs, n, CC_EINVAL, "there is no parent block called '%s'.", rs->chain->name);
    cc_buf buf = CC_BUF_INIT, *saved = rs->out;
    rs->out = &buf;
    rc = tpl_run_block(rs, n, rs->chain, rs->level + 1, rs->blk_outer);
    rs->out = saved;
    if (rc == CC_OK) {
      *out = tpl_own(tpl_json_strn(buf.ptr ? buf.ptr : "", buf.len));
      out->safe = (unsigned char)rs->autoescape;
      if (!out->j) rc = CC_ENOMEM;
    }
    cc_buf_free(&buf);
    return rc;
  }
  int which = !strcmp(name, "range") ? 1 : !strcmp(name, "dict") ? 2 : !strcmp(name, "namespace") ? 3
            : !strcmp(name, "cycler") ? 4 : !strcmp(name, "joiner") ? 5 : 0;
  if (!which) return 1;
  if ((rc = tpl_eval_args(rs, n, args))) return rc;
  switch (which) {
  case 1:
    rc = S_range(rs, n, args, out);
    break;
  case 2:
  case 3:
    if ((rc = S_dict(rs, n, args, &o))) break;
    if (which == 3 && !tpl_obj_new(rs, json_incref(o), TPL_OBJ_NAMESPACE)) {
      json_decref(o);
      rc = CC_ENOMEM;
      break;
    }
    *out = tpl_own(o);
    break;
  case 4:
    if (!n->n) {
      rc = tpl_fail(rs, n, CC_EINVAL, "at least one item has to be provided");
      break;
    }
    if (!(o = json_object())) {
      rc = CC_ENOMEM;
      break;
    }
    if (!(obj = tpl_obj_new(rs, json_incref(o), TPL_OBJ_CYCLER)) || !(obj->items = json_array())) {
      json_decref(o);
      rc = CC_ENOMEM;
      break;
    }
    for (int i = 0; i < n->n && rc == CC_OK; i++) {
      if (!args[i].j) rc = tpl_fail_undef(rs, n->kids[i], &args[i]);
      else if (json_array_append(obj->items, args[i].j)) rc = CC_ENOMEM;
    }
    if (rc == CC_OK && json_object_set(o, "current", json_array_get(obj->items, 0))) rc = CC_ENOMEM;
    if (rc) json_decref(o);
    else *out = tpl_own(o);
    break;
  default: {
    const char *sep = ", ";
    size_t seplen = 2;
    if (n->n > 1 || (n->n == 1 && n->kw && n->kw[0] && strcmp(n->kw[0], "sep"))) {
      rc = tpl_fail(rs, n, CC_EINVAL, "joiner() takes at most one argument, sep");
      break;
    }
    if (n->n == 1) {
      if (!args[0].j || !json_is_string(args[0].j)) {
        rc = tpl_fail(rs, n, CC_EINVAL, "joiner()'s sep must be a string");
        break;
      }
      sep = json_string_value(args[0].j);
      seplen = json_string_length(args[0].j);
    }
    if (!(o = json_object()) || json_object_set_new(o, "sep", tpl_json_strn(sep, seplen)) ||
        !tpl_obj_new(rs, json_incref(o), TPL_OBJ_JOINER)) {
      json_decref(o);
      rc = CC_ENOMEM;
      break;
    }
    *out = tpl_own(o);
  }
  }
  tpl_drop_args(args, n->n);
  return rc;
}

/* loop(...) of a recursive loop L: the loop's body over the argument,
 * one level deeper, as a string. */
static int S_loop_call(tpl_rs *rs, const tpl_node *n, const tpl_loop *l, tpl_val *out) {
  tpl_val args[32];
  int rc;
  if (!(l->node->flags & TPL_F_RECURSIVE))
    return tpl_fail(rs, n, CC_EINVAL, "Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.");
  if (n->n != 1 || (n->kw && n->kw[0])) return tpl_fail(rs, n, CC_EINVAL, "loop() takes exactly one argument");
  if ((rc = tpl_eval_args(rs, n, args))) return rc;
  if ((rc = S_enter(rs, n)) == CC_OK) {
    cc_buf buf = CC_BUF_INIT, *saved = rs->out;
    rs->out = &buf;
    rc = tpl_for_run(rs, l->node, &args[0], l->depth + 1);
    rs->out = saved;
    rs->depth -= TPL_CALL_DEPTH;
    if (rc == CC_OK) {
      *out = tpl_own(tpl_json_strn(buf.ptr ? buf.ptr : "", buf.len));
      out->safe = (unsigned char)rs->autoescape;
      if (!out->j) rc = CC_ENOMEM;
    }
    cc_buf_free(&buf);
  }
  tpl_drop_args(args, n->n);
  return rc;
}

/* loop.cycle(...) and loop.changed(...); 1 for another attribute. */
static int S_loop_method(tpl_rs *rs, const tpl_node *n, tpl_loop *l, tpl_val *out) {
  const char *m = n->a->s;
  tpl_val args[32];
  int rc;
  if (strcmp(m, "cycle") && strcmp(m, "changed")) return 1;
  if (m[1] == 'y' && n->n == 0) return tpl_fail(rs, n, CC_EINVAL, "no items for cycling given");
  if ((rc = tpl_eval_args(rs, n, args))) return rc;
  if (m[1] == 'y') {
    *out = tpl_dup(&args[l->i % (size_t)n->n]);
  } else {
    /* One argument (loop.changed(e.service)) is kept as it is, more as
     * an array; values of different counts never compare equal. */
    json_t *now = n->n == 1 ? json_incref(args[0].j ? args[0].j : json_null()) : json_array();
    for (int i = 0; n->n != 1 && i < n->n && now; i++)
      if (json_array_append(now, args[i].j ? args[i].j : json_null())) {
        json_decref(now);
        now = NULL;
      }
    if (!now) {
      rc = CC_ENOMEM;
    } else {
      int changed = !l->changed || l->nchanged != n->n || !tpl_equal(l->changed, now);
      json_decref(l->changed);
      l->changed = now;
      l->nchanged = n->n;
      *out = tpl_ref(json_boolean(changed));
    }
  }
  tpl_drop_args(args, n->n);
  return rc;
}

/* self.NAME(): the block NAME rendered again (its most derived
 * definition), as a string. */
static int S_self_block(tpl_rs *rs, const tpl_node *n, const char *name, tpl_val *out) {
  const tpl_chain *c = NULL;
  int rc;
  for (int i = 0; rs->unit && i < rs->unit->nblocks; i++)
    if (!strcmp(rs->unit->blocks[i].name, name)) c = &rs->unit->blocks[i];
  if (!c) return tpl_fail(rs, n, CC_EINVAL, "'TemplateReference' object has no attribute '%s'", name);
  if (n->n) return tpl_fail(rs, n, CC_EINVAL, "a block takes no arguments");
  cc_buf buf = CC_BUF_INIT, *saved = rs->out;
  rs->out = &buf;
  rc = tpl_run_block(rs, n, c, 0, rs->unit->env);
  rs->out = saved;
  if (rc == CC_OK) {
    *out = tpl_own(tpl_json_strn(buf.ptr ? buf.ptr : "", buf.len));
    out->safe = (unsigned char)rs->autoescape;
    if (!out->j) rc = CC_ENOMEM;
  }
  cc_buf_free(&buf);
  return rc;
}

int tpl_obj_method(tpl_rs *rs, const tpl_node *n, tpl_obj *o, const char *name, tpl_val *out) {
  if (o->kind == TPL_OBJ_JOINER && !name) {
    if (n->n) return tpl_fail(rs, n, CC_EINVAL, "joiner takes no arguments");
    *out = o->pos++ ? tpl_ref(json_object_get(o->j, "sep")) : tpl_own(json_string(""));
    return out->j ? CC_OK : CC_ENOMEM;
  }
  if (o->kind != TPL_OBJ_CYCLER || !name) return 1;
  size_t len = json_array_size(o->items);
  if (!strcmp(name, "next")) {
    *out = tpl_ref(json_array_get(o->items, o->pos));
    o->pos = (o->pos + 1) % len;
  } else if (!strcmp(name, "reset")) {
    o->pos = 0;
    *out = tpl_ref(json_null());
  } else {
    return 1;
  }
  return json_object_set(o->j, "current", json_array_get(o->items, o->pos)) ? CC_ENOMEM : CC_OK;
}

int tpl_call(tpl_rs *rs, const tpl_node *n, tpl_val *out) { return tpl_call_out(rs, n, out, NULL); }

int tpl_call_out(tpl_rs *rs, const tpl_node *n, tpl_val *out, int *emitted) {
  const tpl_node *f = n->a;
  tpl_var *var;
  json_t *j;
  tpl_obj *o;
  tpl_val args[32];
  int rc;
  if (f->kind == E_NAME) {
    if (!tpl_find_var(rs, f->s, &var, &j)) return S_global(rs, n, f->s, out);
    if (var && var->loop && f->s == tpl_name_loop) return S_loop_call(rs, n, var->loop, out);
    if (!(o = tpl_obj_of(rs, var ? var->v.j : j))) return 1;
    if (o->kind == TPL_OBJ_JOINER) return tpl_obj_method(rs, n, o, NULL, out);
    if (o->kind != TPL_OBJ_MACRO && o->kind != TPL_OBJ_CALLER) return 1;
  } else if (f->kind == E_ATTR && f->a->kind == E_NAME) {
    if (!tpl_find_var(rs, f->a->s, &var, &j)) return strcmp(f->a->s, "self") ? 1 : S_self_block(rs, n, f->s, out);
    if (var && var->loop) return S_loop_method(rs, n, (tpl_loop *)var->loop, out);
    json_t *base = var ? var->v.j : j;
    if (!(o = tpl_obj_of(rs, base))) {
      /* A macro kept in a dict (kwargs.caller()). */
      json_t *mj = json_is_object(base) ? json_object_get(base, f->s) : NULL;
      if (!mj || !(o = tpl_obj_of(rs, mj)) || (o->kind != TPL_OBJ_MACRO && o->kind != TPL_OBJ_CALLER)) return 1;
      goto call;
    }
    if (o->kind == TPL_OBJ_CYCLER) return tpl_obj_method(rs, n, o, f->s, out);
    if (o->kind != TPL_OBJ_MODULE) return 1;
    json_t *mj = json_object_get(o->j, f->s);
    if (!mj) {
      tpl_val u = tpl_undef(f->s);
      u.owner = "module";
      return tpl_fail_undef(rs, n, &u);
    }
    if (!(o = tpl_obj_of(rs, mj)) || (o->kind != TPL_OBJ_MACRO && o->kind != TPL_OBJ_CALLER))
      return tpl_fail(rs, n, CC_EINVAL, "'%s' object is not callable", tpl_type_name(mj));
  } else {
    return 1;
  }
call:
  if ((rc = tpl_eval_args(rs, n, args))) return rc;
  if (!emitted || (rc = S_call_plain(rs, n, o, args, emitted)) == 1)
    rc = S_call_macro(rs, n, o, args, NULL, out, emitted);
  tpl_drop_args(args, n->n);
  return rc;
}
