/* eval_ops.c: the operators of expressions with Python's rules:
 * arithmetic (64-bit integers that refuse to overflow, floats that must
 * stay finite), string concatenation and repetition (Markup-aware),
 * ordering, comparison chains' single steps and `in`. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "eval.h"
#include "filters_int.h"
#include "format.h"

static int S_type_error(tpl_rs *rs, const tpl_node *n, const char *op, const tpl_val *a, const tpl_val *b) {
  if (!a->j) return tpl_fail_undef(rs, n, a);
  if (b && !b->j) return tpl_fail_undef(rs, n, b);
  if (b)
    return tpl_fail(rs, n, CC_EINVAL, "unsupported operand type(s) for %s: '%s' and '%s'", op,
                    tpl_type_name(a->j), tpl_type_name(b->j));
  return tpl_fail(rs, n, CC_EINVAL, "bad operand type for %s: '%s'", op, tpl_type_name(a->j));
}

static int S_is_int(const json_t *j) { return json_is_integer(j) || json_is_boolean(j); }
static long long S_int(const json_t *j) {
  return json_is_boolean(j) ? (json_is_true(j) ? 1 : 0) : (long long)json_integer_value(j);
}

static int S_overflow(tpl_rs *rs, const tpl_node *n) {
  return tpl_fail(rs, n, CC_EINVAL, "integer result out of the 64-bit range");
}

/* An arithmetic result: into NUM when given, else a new value in OUT. */
static int S_mkint(tpl_val *out, tpl_pnum *num, long long v) {
  if (num) {
    num->real = 0;
    num->i = v;
    return CC_OK;
  }
  *out = tpl_own(tpl_int_new(v));
  return out->j ? CC_OK : CC_ENOMEM;
}
/* JSON (and so jansson) has no inf or nan: such a result is a render
 * error here, where Python would print inf. */
static int S_mkreal(tpl_val *out, tpl_pnum *num, double d) {
  if (!isfinite(d)) return CC_ERR; /* S_eval_inner reports it */
  if (num) {
    num->real = 1;
    num->d = d;
    return CC_OK;
  }
  *out = tpl_own(tpl_real_new(d));
  return out->j ? CC_OK : CC_ENOMEM;
}

/* Python's repetition: S * K. */
/* K copies of the string S (L bytes, escaped first when ESC) appended to
 * the output D: what printing S * K would append. */
static int S_repeat_out(tpl_rs *rs, cc_buf *d, const char *s, size_t l, long long k, int esc) {
  cc_buf e = {NULL, 0, 0, 0, 0};
  int rc = CC_OK;
  if (esc && k > 0) {
    e = tpl_f_scratch(rs);
    if ((rc = tpl_escape(&e, s, l)) == CC_OK) {
      s = e.ptr ? e.ptr : "";
      l = e.len;
    }
  }
  if (rc == CC_OK && l == 1) rc = tpl_buf_fill(d, s[0], (size_t)k);
  else
    for (long long i = 0; i < k && rc == CC_OK; i++) rc = tpl_buf_add(d, s, l);
  if (e.max) tpl_f_unscratch(rs, &e);
  return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
}

static int S_repeat(tpl_rs *rs, const tpl_node *n, const json_t *s, long long k, int safe, tpl_val *out) {
  if (k < 0) k = 0;
  /* An empty operand repeats to empty at once, whatever K (the fuzzer
   * found "" * 10**18 looping). */
  if ((json_is_string(s) ? json_string_length(s) : json_array_size(s)) == 0) k = 0;
  if (json_is_string(s)) {
    size_t l = json_string_length(s);
    if (l && (unsigned long long)k > rs->max_out / l)
      return tpl_fail(rs, n, CC_ELIMIT, "repeated string exceeds the output limit");
    /* The copies filled in by doubling, short results on the stack
     * (`"-" * 40` under a heading). L * K fits: it is at most max_out. */
    size_t total = l * (size_t)k;
    if (total == (size_t)-1) return CC_ENOMEM;
    if (rs->direct) { /* printed as it is: the copies go straight out */
      cc_buf *d = rs->direct;
      rs->direct = NULL;
      *out = tpl_direct_done();
      return S_repeat_out(rs, d, json_string_value(s), l, total ? k : 0, rs->autoescape && !safe);
    }
    char small[256], *p = total < sizeof small ? small : malloc(total + 1);
    if (!p) return CC_ENOMEM;
    if (total) {
      memcpy(p, json_string_value(s), l);
      for (size_t done = l; done < total;) {
        size_t c = done <= total - done ? done : total - done;
        memcpy(p + done, p, c);
        done += c;
      }
    }
    /* Copies of a valid string are valid: no UTF-8 check again. */
    *out = tpl_own(tpl_str_new(p, total));
    if (p != small) free(p);
    return out->j ? CC_OK : CC_ENOMEM;
  }
  size_t l = json_array_size(s);
  if (l && (unsigned long long)k > rs->max_iter / l)
    return tpl_fail(rs, n, CC_ELIMIT, "repeated list exceeds the iteration limit");
  json_t *a = tpl_arr_new();
  if (!a) return CC_ENOMEM;
  for (long long i = 0; i < k; i++)
    if (json_array_extend(a, (json_t *)s)) {
      json_decref(a);
      return CC_ENOMEM;
    }
  *out = tpl_own(a);
  return CC_OK;
}

static int S_concat_str(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, int markup, tpl_val *out) {
  /* Two strings, nothing to escape: one copy into the new value (a
   * stack buffer for short ones), no intermediate buffer. */
  if (!markup && a->j && b->j && json_is_string(a->j) && json_is_string(b->j)) {
    size_t la = json_string_length(a->j), lb = json_string_length(b->j);
    if (la + lb > rs->max_out) return tpl_fail(rs, n, CC_ELIMIT, "string exceeds the output limit");
    if (rs->direct) { /* printed as it is: both straight out, escaped as printing would */
      cc_buf *d = rs->direct;
      int rc, esc = rs->autoescape;
      rs->direct = NULL;
      *out = tpl_direct_done();
      rc = esc ? tpl_escape(d, json_string_value(a->j), la) : tpl_buf_add(d, json_string_value(a->j), la);
      if (rc == CC_OK) rc = esc ? tpl_escape(d, json_string_value(b->j), lb) : tpl_buf_add(d, json_string_value(b->j), lb);
      return rc ? (rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM) : CC_OK;
    }
    char small[256], *p = la + lb < sizeof small ? small : malloc(la + lb + 1);
    if (!p) return CC_ENOMEM;
    memcpy(p, json_string_value(a->j), la);
    memcpy(p + la, json_string_value(b->j), lb);
    *out = tpl_own(tpl_str_new(p, la + lb)); /* two valid strings: valid */
    if (p != small) free(p);
    return out->j ? CC_OK : CC_ENOMEM;
  }
  /* Otherwise str() of each into the render's scratch buffer. */
  cc_buf t = tpl_f_scratch(rs);
  int rc = CC_OK;
  const tpl_val *ops[2] = {a, b};
  for (int i = 0; i < 2 && rc == CC_OK; i++) {
    if (markup && !ops[i]->safe && ops[i]->j) {
      cc_buf s = CC_BUF_INIT;
      rc = tpl_str(&s, ops[i]->j);
      if (rc == CC_OK) rc = tpl_escape(&t, s.ptr ? s.ptr : "", s.len);
      cc_buf_free(&s);
    } else {
      rc = tpl_to_buf(rs, n, ops[i], &t);
    }
    if (t.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "string exceeds the output limit");
  }
  if (rc == CC_OK) {
    *out = tpl_own(tpl_str_new(t.ptr ? t.ptr : "", t.len)); /* str()s, escaped or not: valid */
    out->safe = (unsigned char)markup;
    if (!out->j) rc = CC_ENOMEM;
  }
  tpl_f_unscratch(rs, &t);
  return rc;
}

/* Python's float // (float_floor_div): from fmod, so 1000 // 0.1 is
 * 9999.0 (0.1 is a little more than a tenth), not floor(1000 / 0.1). */
static double S_float_floordiv(double vx, double wx) {
  double mod = fmod(vx, wx), div = (vx - mod) / wx;
  if (mod != 0.0 && ((wx < 0) != (mod < 0))) div -= 1.0;
  if (div == 0.0) return copysign(0.0, vx / wx);
  double fl = floor(div);
  return div - fl > 0.5 ? fl + 1.0 : fl;
}

/* A JSON array as Python's + and * see it: 0 a list, 1 a tuple (a
 * groupby group is one), 2 what neither takes (dict views, a range). */
static int S_seqtype(const json_t *a) {
  int k = tpl_tuple_kind(a);
  return k == TPL_LIST ? 0 : (k == TPL_TUPLE || k == TPL_GROUP) ? 1 : 2;
}

/* A op B into OUT; with NR (both operands numbers, OP not ~) a numeric
 * result goes into NR instead. */
int tpl_binop_num(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, tpl_val *out, tpl_pnum *nr) {
  const char *op = n->s;
  const json_t *x = a->j, *y = b->j;
  if (op[0] == '~') {
    /* markup_join under autoescape when either side is Markup. */
    int markup = rs->autoescape && (a->safe || b->safe);
    return S_concat_str(rs, n, a, b, markup, out);
  }
  /* str % args: printf-style formatting (a tuple literal spreads). */
  if (op[0] == '%' && x && json_is_string(x) && !nr) return tpl_format(rs, n, a, b, n->b && n->b->kind == E_TUPLE, out);
  if (!x || !y) return S_type_error(rs, n, op, a, b);
  int num = tpl_is_num(x) && tpl_is_num(y), ints = num && S_is_int(x) && S_is_int(y);
  long long r;
  switch (op[0]) {
  case '+':
    if (ints) {
      if (__builtin_add_overflow(S_int(x), S_int(y), &r)) return S_overflow(rs, n);
      return S_mkint(out, nr, r);
    }
    if (num) return S_mkreal(out, nr, tpl_num(x) + tpl_num(y));
    if (json_is_string(x) && json_is_string(y))
      return S_concat_str(rs, n, a, b, a->safe || b->safe, out);
    if (json_is_array(x) && json_is_array(y) && S_seqtype(x) == S_seqtype(y) && S_seqtype(x) < 2) {
      json_t *c = tpl_arr_new(); /* list + list: a shallow copy of X, then Y's items */
      if (!c || json_array_extend(c, (json_t *)x) || json_array_extend(c, (json_t *)y)) {
        json_decref(c);
        return CC_ENOMEM;
      }
      *out = tpl_own(c);
      /* tuple + tuple is a tuple */
      if (S_seqtype(x) == 1) return tpl_tuple_mark(c, TPL_TUPLE);
      return CC_OK;
    }
    break;
  case '-':
    if (ints) {
      if (__builtin_sub_overflow(S_int(x), S_int(y), &r)) return S_overflow(rs, n);
      return S_mkint(out, nr, r);
    }
    if (num) return S_mkreal(out, nr, tpl_num(x) - tpl_num(y));
    break;
  case '*':
    if (op[1] == '*') {
      if (ints && S_int(y) >= 0) {
        long long base = S_int(x), e = S_int(y), acc = 1;
        while (e > 0) {
          if (e & 1 && __builtin_mul_overflow(acc, base, &acc)) return S_overflow(rs, n);
          e >>= 1;
          if (e && __builtin_mul_overflow(base, base, &base)) return S_overflow(rs, n);
        }
        return S_mkint(out, nr, acc);
      }
      if (num) {
        double bx = tpl_num(x), ey = tpl_num(y);
        if (bx == 0.0 && ey < 0) return tpl_fail(rs, n, CC_EINVAL, "zero cannot be raised to a negative power");
        double v = pow(bx, ey);
        if (bx < 0 && ey != floor(ey)) return tpl_fail(rs, n, CC_EINVAL, "complex result of a negative base to a fractional power");
        if (isinf(v) && !isinf(bx)) return tpl_fail(rs, n, CC_EINVAL, "numerical result out of range");
        return S_mkreal(out, nr, v);
      }
      break;
    }
    if (ints) {
      if (__builtin_mul_overflow(S_int(x), S_int(y), &r)) return S_overflow(rs, n);
      return S_mkint(out, nr, r);
    }
    if (num) return S_mkreal(out, nr, tpl_num(x) * tpl_num(y));
    /* Markup * n is Markup. */
    if ((json_is_string(x) || (json_is_array(x) && S_seqtype(x) < 2)) && S_is_int(y)) {
      int rc = S_repeat(rs, n, x, S_int(y), a->safe, out);
      if (rc == CC_OK) out->safe = json_is_string(x) && a->safe;
      if (rc == CC_OK && json_is_array(x) && S_seqtype(x) == 1) rc = tpl_tuple_mark(out->j, TPL_TUPLE); /* tuple * n */
      return rc;
    }
    if ((json_is_string(y) || (json_is_array(y) && S_seqtype(y) < 2)) && S_is_int(x)) {
      int rc = S_repeat(rs, n, y, S_int(x), b->safe, out);
      if (rc == CC_OK) out->safe = json_is_string(y) && b->safe;
      if (rc == CC_OK && json_is_array(y) && S_seqtype(y) == 1) rc = tpl_tuple_mark(out->j, TPL_TUPLE);
      return rc;
    }
    break;
  case '/':
    if (!num) break;
    if (op[1] == '/') {
      if (tpl_num(y) == 0.0) return tpl_fail(rs, n, CC_EINVAL, "integer division or modulo by zero");
      if (ints) {
        long long p = S_int(x), q = S_int(y);
        if (p == LLONG_MIN && q == -1) return S_overflow(rs, n);
        long long d = p / q;
        if ((p % q != 0) && ((p < 0) != (q < 0))) d--;
        return S_mkint(out, nr, d);
      }
      return S_mkreal(out, nr, S_float_floordiv(tpl_num(x), tpl_num(y)));
    }
    if (tpl_num(y) == 0.0) return tpl_fail(rs, n, CC_EINVAL, "division by zero");
    return S_mkreal(out, nr, tpl_num(x) / tpl_num(y));
  case '%':
    if (!num) break;
    if (tpl_num(y) == 0.0) return tpl_fail(rs, n, CC_EINVAL, "integer division or modulo by zero");
    if (ints) {
      long long p = S_int(x), q = S_int(y);
      if (q == -1) return S_mkint(out, nr, 0);
      long long m = p % q;
      if (m != 0 && ((m < 0) != (q < 0))) m += q;
      return S_mkint(out, nr, m);
    }
    {
      double p = tpl_num(x), q = tpl_num(y), m = fmod(p, q);
      if (m != 0.0 && ((m < 0) != (q < 0))) m += q;
      else if (m == 0.0) m = copysign(0.0, q);
      return S_mkreal(out, nr, m);
    }
  default:
    break;
  }
  return S_type_error(rs, n, op, a, b);
}

int tpl_binop(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, tpl_val *out) {
  *out = tpl_undef(NULL);
  int rc = tpl_binop_num(rs, n, a, b, out, NULL);
  if (rc == CC_ERR) rc = tpl_fail(rs, n, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  if (rc) tpl_val_drop(out);
  return rc;
}

/* Python ordering of X and Y into *C (<0, 0, >0); CC_EINVAL when the
 * types don't order. */
static int S_order(const json_t *x, const json_t *y, int *c) {
  if (tpl_is_undef_item(x) || tpl_is_undef_item(y)) return CC_EINVAL; /* Undefined has no order */
  if (tpl_is_num(x) && tpl_is_num(y)) {
    if (S_is_int(x) && S_is_int(y)) {
      long long p = S_int(x), q = S_int(y);
      *c = (p > q) - (p < q);
    } else {
      double p = tpl_num(x), q = tpl_num(y);
      *c = (p > q) - (p < q);
    }
    return CC_OK;
  }
  if (json_is_string(x) && json_is_string(y)) {
    size_t lx = json_string_length(x), ly = json_string_length(y);
    int r = memcmp(json_string_value(x), json_string_value(y), lx < ly ? lx : ly);
    *c = r ? (r > 0 ? 1 : -1) : (lx > ly) - (lx < ly);
    return CC_OK;
  }
  if (json_is_array(x) && json_is_array(y)) {
    /* list with list, tuple with tuple; not list with tuple, nor views. */
    if (S_seqtype(x) != S_seqtype(y) || S_seqtype(x) == 2) return CC_EINVAL;
    size_t lx = json_array_size(x), ly = json_array_size(y);
    for (size_t i = 0; i < lx && i < ly; i++) {
      json_t *p = json_array_get(x, i), *q = json_array_get(y, i);
      if (tpl_equal(p, q)) continue;
      return S_order(p, q, c);
    }
    *c = (lx > ly) - (lx < ly);
    return CC_OK;
  }
  return CC_EINVAL;
}

int tpl_compare(const json_t *x, const json_t *y, int *c) { return S_order(x, y, c); }

static int S_contains(tpl_rs *rs, const tpl_node *n, const tpl_val *needle, const tpl_val *hay, int *res) {
  *res = 0;
  if (!hay->j) return rs->strict ? tpl_fail_undef(rs, n, hay) : CC_OK;
  if (!needle->j && rs->strict) return tpl_fail_undef(rs, n, needle);
  const json_t *h = hay->j, *x = needle->j;
  if (json_is_string(h)) {
    if (!x || !json_is_string(x))
      return tpl_fail(rs, n, CC_EINVAL, "'in <string>' requires string as left operand, not %s", tpl_type_name(x));
    size_t hl = json_string_length(h), nl = json_string_length(x);
    const char *hs = json_string_value(h), *ns = json_string_value(x);
    if (nl == 0) {
      *res = 1;
      return CC_OK;
    }
    for (size_t i = 0; i + nl <= hl; i++)
      if (memcmp(hs + i, ns, nl) == 0) {
        *res = 1;
        break;
      }
    return CC_OK;
  }
  if (json_is_array(h)) {
    if (!x && !(x = tpl_undef_j)) return CC_OK; /* Undefined equals a kept Undefined */
    for (size_t i = 0; i < json_array_size(h); i++)
      if (tpl_equal(json_array_get(h, i), x)) {
        *res = 1;
        break;
      }
    return CC_OK;
  }
  if (json_is_object(h)) {
    if (x && json_is_string(x)) *res = json_object_get(h, json_string_value(x)) != NULL;
    else if (x && (json_is_array(x) || json_is_object(x)))
      return tpl_fail(rs, n, CC_EINVAL, "unhashable type: '%s'", tpl_type_name(x));
    return CC_OK;
  }
  return tpl_fail(rs, n, CC_EINVAL, "argument of type '%s' is not iterable", tpl_type_name(h));
}

int tpl_contains(tpl_rs *rs, const tpl_node *n, const tpl_val *needle, const tpl_val *hay, int *res) {
  return S_contains(rs, n, needle, hay, res);
}

int tpl_cmp(tpl_rs *rs, const tpl_node *n, const char *op, const tpl_val *a, const tpl_val *b, int *res) {
  if (op[0] == 'i') return S_contains(rs, n, a, b, res); /* "in" */
  if (op[0] == 'n') { /* "notin" */
    int rc = S_contains(rs, n, a, b, res);
    *res = !*res;
    return rc;
  }
  if (op[0] == '=' || op[0] == '!') {
    if (rs->strict && (!a->j || !b->j)) return tpl_fail_undef(rs, n, a->j ? b : a);
    int eq = (!a->j || !b->j) ? (!a->j && !b->j) : tpl_equal(a->j, b->j);
    *res = op[0] == '=' ? eq : !eq;
    return CC_OK;
  }
  if (!a->j || !b->j) return tpl_fail_undef(rs, n, a->j ? b : a);
  int c;
  if (S_order(a->j, b->j, &c))
    return tpl_fail(rs, n, CC_EINVAL, "'%s' not supported between instances of '%s' and '%s'", op,
                    tpl_type_name(a->j), tpl_type_name(b->j));
  if (op[0] == '<') *res = op[1] ? c <= 0 : c < 0;
  else *res = op[1] ? c >= 0 : c > 0;
  return CC_OK;
}

int tpl_unary(tpl_rs *rs, const tpl_node *n, const tpl_val *a, tpl_val *out) {
  int rc = CC_OK;
  if (!a->j || !tpl_is_num(a->j)) {
    rc = S_type_error(rs, n, n->kind == E_NEG ? "unary -" : "unary +", a, NULL);
  } else if (n->kind == E_POS) {
    *out = S_is_int(a->j) ? tpl_own(tpl_int_new(S_int(a->j))) : tpl_own(tpl_real_new(tpl_num(a->j)));
    if (!out->j) rc = CC_ENOMEM;
  } else if (S_is_int(a->j)) {
    if (S_int(a->j) == LLONG_MIN) rc = S_overflow(rs, n);
    else rc = S_mkint(out, NULL, -S_int(a->j));
  } else {
    rc = S_mkreal(out, NULL, -tpl_num(a->j));
  }
  return rc;
}
