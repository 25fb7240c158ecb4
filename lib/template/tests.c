/* tests.c: Jinja2 3.1's built-in tests (`x is divisibleby 3`), one sorted
 * table found by tpl_test_find when a template is compiled. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

#define TPL_TEST(name) \
  static int name(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a, tpl_val *args, int *res)
#define UNUSED (void)rs, (void)n, (void)in, (void)a, (void)args

/* The argument A[0], required. */
static int S_arg(tpl_rs *rs, const tpl_node *n, const tpl_val **a) {
  if (!a[0]) return tpl_fail(rs, n, CC_EINVAL, "test %s() missing 1 required positional argument", n->s);
  return CC_OK;
}

TPL_TEST(S_defined) {
  UNUSED;
  *res = in->j != NULL;
  return CC_OK;
}
TPL_TEST(S_undefined) {
  UNUSED;
  *res = in->j == NULL;
  return CC_OK;
}
TPL_TEST(S_none) {
  UNUSED;
  *res = in->j && json_is_null(in->j);
  return CC_OK;
}
TPL_TEST(S_boolean) {
  UNUSED;
  *res = in->j && json_is_boolean(in->j);
  return CC_OK;
}
TPL_TEST(S_true) {
  UNUSED;
  *res = in->j && json_is_true(in->j);
  return CC_OK;
}
TPL_TEST(S_false) {
  UNUSED;
  *res = in->j && json_is_false(in->j);
  return CC_OK;
}
TPL_TEST(S_integer) {
  UNUSED;
  *res = in->j && json_is_integer(in->j);
  return CC_OK;
}
TPL_TEST(S_float) {
  UNUSED;
  *res = in->j && json_is_real(in->j);
  return CC_OK;
}
TPL_TEST(S_number) {
  UNUSED;
  *res = in->j && tpl_is_num(in->j);
  return CC_OK;
}
TPL_TEST(S_string) {
  UNUSED;
  *res = in->j && json_is_string(in->j);
  return CC_OK;
}
TPL_TEST(S_mapping) {
  UNUSED;
  *res = in->j && json_is_object(in->j);
  return CC_OK;
}
TPL_TEST(S_escaped) {
  UNUSED;
  *res = in->safe;
  return CC_OK;
}
/* Undefined is callable (it has __call__); JSON values are not. */
TPL_TEST(S_callable) {
  UNUSED;
  *res = in->j == NULL;
  return CC_OK;
}
/* len() and [] work: str, list, tuple, dict; the default Undefined too
 * (StrictUndefined's len() raises, which the test reads as false). */
TPL_TEST(S_sequence) {
  UNUSED;
  const json_t *j = in->j;
  /* dict views have a len() but no [] */
  int view = json_is_array(j) && tpl_tuple_kind(j) >= TPL_ITEMS && tpl_tuple_kind(j) <= TPL_VALUES;
  *res = j ? ((json_is_array(j) && !view) || json_is_object(j) || json_is_string(j)) : !rs->strict;
  return CC_OK;
}
TPL_TEST(S_iterable) {
  UNUSED;
  const json_t *j = in->j;
  if (!j && rs->strict) return tpl_fail_undef(rs, n, in);
  *res = j ? (json_is_array(j) || json_is_object(j) || json_is_string(j)) : 1;
  return CC_OK;
}

/* value % num with Python's operator (errors included), compared with
 * WANT (0 or 1). */
static int S_mod_is(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val *num, long long want, int *res) {
  tpl_node op = *n;
  tpl_val r;
  op.s = "%";
  op.b = NULL;
  /* A string formats ("%.2f" % 3, a str, equal to no number) or fails. */
  int rc = tpl_binop(rs, &op, in, num, &r);
  if (rc) return rc;
  *res = tpl_is_num(r.j) && tpl_num(r.j) == (double)want;
  tpl_val_drop(&r);
  return CC_OK;
}

TPL_TEST(S_divisibleby) {
  UNUSED;
  int rc = S_arg(rs, n, a);
  if (rc) return rc;
  return S_mod_is(rs, n, in, a[0], 0, res);
}

static int S_parity(tpl_rs *rs, const tpl_node *n, const tpl_val *in, long long want, int *res) {
  tpl_val two = tpl_own(tpl_int_new(2));
  if (!two.j) return CC_ENOMEM;
  int rc = S_mod_is(rs, n, in, &two, want, res);
  tpl_val_drop(&two);
  return rc;
}

TPL_TEST(S_even) {
  UNUSED;
  return S_parity(rs, n, in, 0, res);
}

TPL_TEST(S_odd) {
  UNUSED;
  return S_parity(rs, n, in, 1, res);
}

/* eq ne lt le gt ge, as the operators compute them. */
static int S_rel(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a, const char *op, int *res) {
  int rc = S_arg(rs, n, a);
  if (rc) return rc;
  const tpl_val *x = in, *y = a[0];
  if (op[0] == '=' || op[0] == '!') {
    if (rs->strict && (!x->j || !y->j)) return tpl_fail_undef(rs, n, x->j ? y : x);
    int eq = (!x->j || !y->j) ? (!x->j && !y->j) : tpl_equal(x->j, y->j);
    *res = op[0] == '=' ? eq : !eq;
    return CC_OK;
  }
  if (!x->j || !y->j) return tpl_fail_undef(rs, n, x->j ? y : x);
  int c;
  if (tpl_compare(x->j, y->j, &c))
    return tpl_fail(rs, n, CC_EINVAL, "'%s' not supported between instances of '%s' and '%s'", op, tpl_type_name(x->j),
                    tpl_type_name(y->j));
  *res = op[0] == '<' ? (op[1] ? c <= 0 : c < 0) : (op[1] ? c >= 0 : c > 0);
  return CC_OK;
}
TPL_TEST(S_eq) {
  (void)args;
  return S_rel(rs, n, in, a, "==", res);
}
TPL_TEST(S_ne) {
  (void)args;
  return S_rel(rs, n, in, a, "!=", res);
}
TPL_TEST(S_lt) {
  (void)args;
  return S_rel(rs, n, in, a, "<", res);
}
TPL_TEST(S_le) {
  (void)args;
  return S_rel(rs, n, in, a, "<=", res);
}
TPL_TEST(S_gt) {
  (void)args;
  return S_rel(rs, n, in, a, ">", res);
}
TPL_TEST(S_ge) {
  (void)args;
  return S_rel(rs, n, in, a, ">=", res);
}

/* `value is other`: the same value. None, True, False and CPython's small
 * integers are singletons; otherwise only the very same value is. */
TPL_TEST(S_sameas) {
  UNUSED;
  int rc = S_arg(rs, n, a);
  if (rc) return rc;
  const json_t *x = in->j, *y = a[0]->j;
  if (!x || !y) *res = 0;
  else if (x == y) *res = 1;
  else if (json_is_null(x) || json_is_boolean(x)) *res = json_typeof(x) == json_typeof(y);
  else if (json_is_integer(x) && json_is_integer(y))
    *res = json_integer_value(x) == json_integer_value(y) && json_integer_value(x) >= -5 && json_integer_value(x) <= 256;
  else *res = 0;
  return CC_OK;
}

TPL_TEST(S_in) {
  UNUSED;
  int rc = S_arg(rs, n, a);
  if (rc) return rc;
  tpl_node op = *n;
  op.kind = E_CMP;
  return tpl_contains(rs, &op, in, a[0], res);
}

/* str(value).islower() / isupper(): some cased character, all of one case. */
static int S_case(tpl_rs *rs, const tpl_node *n, const tpl_val *in, int upper, int *res) {
  const char *s;
  size_t l;
  tpl_val t;
  int rc = tpl_f_instr(rs, n, in, &s, &l, &t);
  if (rc) return rc;
  cc_buf lo = CC_BUF_INIT, up = CC_BUF_INIT;
  if (tpl_case_map(&lo, s, l, TPL_LOWER) || tpl_case_map(&up, s, l, TPL_UPPER)) rc = CC_ENOMEM;
  if (rc == CC_OK) {
    int has_cased = lo.len != up.len || memcmp(lo.ptr ? lo.ptr : "", up.ptr ? up.ptr : "", lo.len) != 0;
    const cc_buf *same = upper ? &up : &lo;
    *res = has_cased && same->len == l && memcmp(same->ptr ? same->ptr : "", s, l) == 0;
  }
  cc_buf_free(&lo);
  cc_buf_free(&up);
  tpl_val_drop(&t);
  return rc;
}
TPL_TEST(S_lower) {
  UNUSED;
  return S_case(rs, n, in, 0, res);
}
TPL_TEST(S_upper) {
  UNUSED;
  return S_case(rs, n, in, 1, res);
}

/* `'upper' is filter`: a filter (or test) of that name exists. */
TPL_TEST(S_filter) {
  UNUSED;
  tpl_fdef scratch;
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  *res = in->j && json_is_string(in->j) && tpl_filter_lookup(rs, json_string_value(in->j), &scratch);
  return CC_OK;
}
TPL_TEST(S_test) {
  UNUSED;
  if (!in->j && rs->strict) return tpl_fail_undef(rs, n, in);
  *res = in->j && json_is_string(in->j) && tpl_test_find(json_string_value(in->j));
  return CC_OK;
}

#define P(...) (const char *const[]){__VA_ARGS__}, (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define P0 NULL, 0
#define P1 P("other")

/* Sorted by name (strcmp order). */
static const tpl_tdef S_tests[] = {
    {"!=", S_ne, P1, 0},
    {"<", S_lt, P1, 0},
    {"<=", S_le, P1, 0},
    {"==", S_eq, P1, 0},
    {">", S_gt, P1, 0},
    {">=", S_ge, P1, 0},
    {"boolean", S_boolean, P0, 0},
    {"callable", S_callable, P0, 0},
    {"defined", S_defined, P0, 0},
    {"divisibleby", S_divisibleby, P("num"), 0},
    {"eq", S_eq, P1, 0},
    {"equalto", S_eq, P1, 0},
    {"escaped", S_escaped, P0, 0},
    {"even", S_even, P0, 0},
    {"false", S_false, P0, 0},
    {"filter", S_filter, P0, 0},
    {"float", S_float, P0, 0},
    {"ge", S_ge, P1, 0},
    {"greaterthan", S_gt, P1, 0},
    {"gt", S_gt, P1, 0},
    {"in", S_in, P("seq"), 0},
    {"integer", S_integer, P0, 0},
    {"iterable", S_iterable, P0, 0},
    {"le", S_le, P1, 0},
    {"lessthan", S_lt, P1, 0},
    {"lower", S_lower, P0, 0},
    {"lt", S_lt, P1, 0},
    {"mapping", S_mapping, P0, 0},
    {"ne", S_ne, P1, 0},
    {"none", S_none, P0, 0},
    {"number", S_number, P0, 0},
    {"odd", S_odd, P0, 0},
    {"sameas", S_sameas, P1, 0},
    {"sequence", S_sequence, P0, 0},
    {"string", S_string, P0, 0},
    {"test", S_test, P0, 0},
    {"true", S_true, P0, 0},
    {"undefined", S_undefined, P0, 0},
    {"upper", S_upper, P0, 0},
};

static int S_cmp_tdef(const void *k, const void *e) { return strcmp(k, ((const tpl_tdef *)e)->name); }

const tpl_tdef *tpl_test_find(const char *name) {
  /* The last one found answers first (select("eq", ...) in a loop asks
   * by name on every call). */
  static _Thread_local const tpl_tdef *last;
  if (last && !strcmp(name, last->name)) return last;
  const tpl_tdef *d = bsearch(name, S_tests, sizeof S_tests / sizeof *S_tests, sizeof *S_tests, S_cmp_tdef);
  if (d) last = d;
  return d;
}

int tpl_test_call(tpl_rs *rs, const tpl_tdef *def, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res) {
  const tpl_val *a[TPL_MAX_PARAMS] = {NULL};
  *res = 0;
  for (int i = 0; i < n->n; i++) {
    int k = -1;
    if (n->kw && n->kw[i]) {
      for (int j = 0; j < def->np; j++)
        if (TPL_NAME_IS(n->kw[i], def->params[j])) k = j;
      if (k < 0) return tpl_fail(rs, n, CC_EINVAL, "%s() got an unexpected keyword argument '%s'", n->s, n->kw[i]);
    } else if ((k = i) >= def->np) {
      return tpl_fail(rs, n, CC_EINVAL, "%s() takes %d positional argument%s but %d were given", n->s, def->np + 1,
                      def->np ? "s" : "", n->n + 1);
    }
    if (a[k]) return tpl_fail(rs, n, CC_EINVAL, "%s() got multiple values for argument '%s'", n->s, def->params[k]);
    a[k] = &args[i];
  }
  return def->fn(rs, n, in, a, args, res);
}

int tpl_test(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res) {
  *res = 0;
  if (!n->def) return tpl_fail(rs, n, CC_EINVAL, "No test named '%s' found.", n->s); /* as Jinja2 at render time */
  return tpl_test_call(rs, n->def, n, in, args, res);
}
