/* eval_truth.c: the truth of a condition ({% if %}, `a if c else b`, the
 * operands of not / and / or) without building the values Python would:
 * `not loop.last`, `a and b`, `x.n > 2`, `kind == "pct"` answer a truth
 * straight from their operands. Anything else is evaluated and its truth
 * taken (tpl_truthy); in strict mode everything is, so an undefined
 * value fails where it always did. */
#include <string.h>

#include "cc/err.h"
#include "eval.h"

/* An integer this small or smaller converts to a double exactly, so
 * comparing it as one is what Python does. */
#define S_EXACT (1LL << 53)

/* A OP B for OP one of == != < <= > >= when both are numbers that compare
 * as they are (no bools) or both strings and OP is == or !=, into *T;
 * 1 when they are anything else. */
static int S_quick(const char *op, const json_t *a, const json_t *b, int *t) {
  int c;
  if (!a || !b) return 1;
  if (json_is_string(a) && json_is_string(b)) {
    if (op[0] != '=' && op[0] != '!') return 1;
    size_t l = json_string_length(a);
    int eq = a == b || (l == json_string_length(b) && !memcmp(json_string_value(a), json_string_value(b), l));
    *t = op[0] == '=' ? eq : !eq;
    return CC_OK;
  }
  if (json_is_integer(a) && json_is_integer(b)) {
    json_int_t x = json_integer_value(a), y = json_integer_value(b);
    c = (x > y) - (x < y);
  } else if ((json_is_real(a) || json_is_integer(a)) && (json_is_real(b) || json_is_integer(b))) {
    if ((json_is_integer(a) && (json_integer_value(a) > S_EXACT || json_integer_value(a) < -S_EXACT)) ||
        (json_is_integer(b) && (json_integer_value(b) > S_EXACT || json_integer_value(b) < -S_EXACT)))
      return 1;
    double x = json_number_value(a), y = json_number_value(b);
    if (x != x || y != y) return 1;
    c = (x > y) - (x < y);
  } else {
    return 1;
  }
  switch (op[0]) {
  case '=': *t = c == 0; return CC_OK;
  case '!': *t = c != 0; return CC_OK;
  case '<': *t = op[1] == '=' ? c <= 0 : c < 0; return CC_OK;
  case '>': *t = op[1] == '=' ? c >= 0 : c > 0; return CC_OK;
  default: return 1;
  }
}

/* E evaluated, and its truth. */
static __attribute__((noinline)) int S_value_truth(tpl_rs *rs, const tpl_node *e, int *t) {
  tpl_val v;
  int rc = tpl_eval(rs, e, &v);
  if (rc) return rc;
  if (!v.j && rs->strict) return tpl_fail_undef(rs, e, &v);
  *t = tpl_truthy(&v);
  tpl_val_drop(&v);
  return CC_OK;
}

/* The truth of E (an E_CMP with one operator) when it is NAME == "literal"
 * (or !=) with NAME a string variable of the innermost scope; 1 when E is
 * something else. Inline: if chains and `and` are full of these. */
static inline int S_str_eq(const tpl_rs *rs, const tpl_node *e, int *t) {
  const tpl_node *k = e->kids[0];
  const char *op = e->ops[0];
  const tpl_var *var;
  if (e->a->kind != E_NAME || k->kind != E_LIT || !k->slen || (op[0] != '=' && op[0] != '!') ||
      !(var = tpl_find_local(rs, e->a->s)) || var->loop || !var->v.j || !json_is_string(var->v.j))
    return 1;
  const json_t *a = var->v.j;
  size_t l = k->slen - 1;
  int eq = a == k->lit || (json_string_length(a) == l && (!l || !memcmp(json_string_value(a), json_string_value(k->lit), l)));
  *t = op[0] == '=' ? eq : !eq;
  return CC_OK;
}

/* A comparison with one operator (E an E_CMP, E->n == 1). */
static __attribute__((noinline)) int S_cmp1(tpl_rs *rs, const tpl_node *e, int *t) {
  tpl_val a, b;
  int rc;
  const tpl_var *var;
  /* A variable of the innermost scope: its value, borrowed. */
  if (e->a->kind == E_NAME && (var = tpl_find_local(rs, e->a->s)) && (!var->loop || var->v.j)) {
    a = var->v;
    a.own = 0;
  } else if ((rc = tpl_eval(rs, e->a, &a))) {
    return rc;
  }
  const tpl_node *k = e->kids[0];
  const char *op = e->ops[0];
  if (k->kind == E_LIT) {
    b = tpl_ref(k->lit);
  } else if ((rc = tpl_eval(rs, k, &b))) {
    tpl_val_drop(&a);
    return rc;
  }
  if ((rc = S_quick(op, a.j, b.j, t)) == 1) {
    *t = 1;
    rc = tpl_cmp(rs, e, op, &a, &b, t);
  }
  tpl_val_drop(&b);
  tpl_val_drop(&a);
  if (rc) rs->failed = 1;
  return rc;
}

/* not A, A and B, A or B. */
static __attribute__((noinline)) int S_logic(tpl_rs *rs, const tpl_node *e, int *t) {
  /* tpl_eval's depth accounting for E, which is evaluated here. */
  if (rs->depth >= rs->max_depth * TPL_EXPR_DEPTH_FACTOR)
    return tpl_fail(rs, e, CC_ELIMIT, "nesting of blocks and expressions exceeds the limit (max_depth %d)", rs->max_depth);
  int rc;
  rs->depth++;
  /* A comparison operand straight to S_cmp1 (`a == 1 and b < 2`). */
  const tpl_node *x = e->a;
  if (rs->strict || x->kind != E_CMP || x->n != 1) rc = tpl_truth(rs, x, t);
  else if ((rc = S_str_eq(rs, x, t)) == 1) rc = S_cmp1(rs, x, t);
  if (rc == CC_OK) {
    if (e->kind == E_NOT) {
      *t = !*t;
    } else if (*t != (e->kind == E_OR)) {
      x = e->b;
      if (rs->strict || x->kind != E_CMP || x->n != 1) rc = tpl_truth(rs, x, t);
      else if ((rc = S_str_eq(rs, x, t)) == 1) rc = S_cmp1(rs, x, t);
    }
  }
  rs->depth--;
  return rc;
}

int tpl_truth(tpl_rs *rs, const tpl_node *e, int *t) {
  if (!rs->strict) {
    switch (e->kind) {
    case E_NAME: {
      const tpl_var *var = tpl_find_local(rs, e->s);
      if (var && (!var->loop || var->v.j)) {
        *t = tpl_truthy(&var->v);
        return CC_OK;
      }
      break;
    }
    case E_ATTR:
      if (e->a->kind == E_NAME && e->a->s == tpl_name_loop && tpl_loop_truth(rs, e, t) == CC_OK) return CC_OK;
      break;
    case E_CMP:
      if (e->n != 1) break;
      if (S_str_eq(rs, e, t) == CC_OK) return CC_OK;
      return S_cmp1(rs, e, t);
    case E_NOT:
    case E_AND:
    case E_OR:
      return S_logic(rs, e, t);
    default:
      break;
    }
  }
  return S_value_truth(rs, e, t);
}
