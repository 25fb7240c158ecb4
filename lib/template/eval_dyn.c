/* eval_dyn.c: a call, filter or test with `*args` or `**kwargs`
 * (`"{}-{}".format(*parts)`, `m(**opts)`, `x|f(*a)`), as Jinja2 passes
 * them to Python: the positional arguments, then the items of `*args`;
 * the keyword arguments, then the pairs of `**kwargs`, whose keys must not
 * repeat a keyword given. The call is evaluated as a copy of its node whose
 * arguments are the expanded values (E_ARG nodes), so every kind of call
 * takes them as it takes written ones. */
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "eval.h"

int tpl_dyn_begin(tpl_rs *rs, const tpl_node *n, tpl_dyn *d) {
  const tpl_node *call = n->a;
  int rc;
  d->sv = d->kv = tpl_undef(NULL);
  d->star = NULL;
  if (n->b) {
    if ((rc = tpl_eval(rs, n->b, &d->sv))) return rc;
    if (d->sv.j && (json_is_number(d->sv.j) || json_is_boolean(d->sv.j) || json_is_null(d->sv.j)))
      rc = tpl_fail(rs, n->b, CC_EINVAL, "argument after * must be an iterable, not %s", tpl_type_name(d->sv.j));
    else
      rc = tpl_items(rs, n->b, &d->sv, &d->star);
    if (rc) goto fail;
  }
  if (n->c) {
    if ((rc = tpl_eval(rs, n->c, &d->kv))) goto fail;
    if (!d->kv.j || !json_is_object(d->kv.j) || tpl_obj_of(rs, d->kv.j)) {
      rc = d->kv.j ? tpl_fail(rs, n->c, CC_EINVAL, "argument after ** must be a mapping, not %s", tpl_type_name(d->kv.j))
                   : tpl_fail_undef(rs, n->c, &d->kv);
      goto fail;
    }
  }
  size_t npos = 0, nstar = d->star ? json_array_size(d->star) : 0, nkw = d->kv.j ? json_object_size(d->kv.j) : 0;
  while (npos < (size_t)call->n && !(call->kw && call->kw[npos])) npos++;
  size_t total = (size_t)call->n + nstar + nkw, k = 0;
  if (total > TPL_DYN_MAX) {
    rc = tpl_fail(rs, n, CC_EINVAL, "too many arguments");
    goto fail;
  }
  for (size_t i = 0; i < npos; i++, k++) d->kids[k] = call->kids[i], d->kw[k] = NULL;
  for (size_t i = 0; i < nstar; i++, k++) {
    d->args[k] = (tpl_node){.kind = E_ARG, .line = n->line, .col = n->col, .lit = json_array_get(d->star, i)};
    d->kids[k] = &d->args[k];
    d->kw[k] = NULL;
  }
  for (size_t i = npos; i < (size_t)call->n; i++, k++) d->kids[k] = call->kids[i], d->kw[k] = call->kw[i];
  const char *key;
  json_t *v;
  json_object_foreach(d->kv.j, key, v) {
    for (size_t i = npos; i < (size_t)call->n; i++)
      if (!strcmp(call->kw[i], key)) {
        rc = tpl_fail(rs, n, CC_EINVAL, "got multiple values for keyword argument '%s'", key);
        goto fail;
      }
    d->args[k] = (tpl_node){.kind = E_ARG, .line = n->line, .col = n->col, .lit = v};
    d->kids[k] = &d->args[k];
    d->kw[k++] = key;
  }
  d->x = *call;
  d->x.kids = d->kids;
  d->x.kw = d->kw;
  d->x.n = (int)total;
  return CC_OK;
fail:
  tpl_dyn_end(d);
  return rc;
}

void tpl_dyn_end(tpl_dyn *d) {
  json_decref(d->star);
  d->star = NULL;
  tpl_val_drop(&d->sv);
  tpl_val_drop(&d->kv);
}

int tpl_eval_dyn(tpl_rs *rs, const tpl_node *n, tpl_val *out) {
  tpl_dyn d;
  int rc = tpl_dyn_begin(rs, n, &d);
  if (rc) return rc;
  rc = tpl_eval(rs, &d.x, out);
  tpl_dyn_end(&d);
  return rc;
}
