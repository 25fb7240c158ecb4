/* filters_num.c: Jinja2's number filters (abs, round, int, float,
 * filesizeformat), default, and format (printf-style, format.c). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "filters_int.h"
#include "format.h"

#define UNUSED (void)a, (void)args

TPL_FILTER(tpl_f_default) {
  (void)args;
  int use = !in->j || (tpl_f_truthy(a[1], 0) && !tpl_truthy(in));
  if (!use) {
    *out = tpl_dup(in);
    return CC_OK;
  }
  if (!a[0]) return tpl_f_strout(out, "", 0, 0);
  *out = tpl_dup(a[0]);
  return CC_OK;
}

/* value|format(*args) is soft_str(value) % args; format(**kwargs) is
 * soft_str(value) % kwargs; both at once is an error. */
TPL_FILTER(tpl_f_format) {
  (void)a;
  int pos = 0, kw = 0, rc = CC_OK;
  for (int i = 0; i < n->n; i++) {
    if (n->kw && n->kw[i]) kw++;
    else pos++;
  }
  if (pos && kw) return tpl_fail(rs, n, CC_EINVAL, "can't handle positional and keyword arguments at the same time");
  /* "%.Nf"|format(number), the common case: tpl_fixed's digits as they are. */
  const json_t *x = n->n == 1 && !kw ? args[0].j : NULL;
  if (x && (json_is_real(x) || json_is_integer(x)) && in->j && json_is_string(in->j) && json_string_length(in->j) == 4) {
    const char *f = json_string_value(in->j);
    char tmp[48];
    int k;
    if (f[0] == '%' && f[1] == '.' && f[2] >= '0' && f[2] <= '9' && f[3] == 'f' &&
        (k = tpl_fixed(tmp, json_is_real(x) ? json_real_value(x) : (double)json_integer_value(x), f[2] - '0')) > 0)
      return tpl_f_put_valid(rs, out, tmp, (size_t)k, in->safe);
  }
  tpl_val fmt;
  if (in->j && json_is_string(in->j)) { /* its own str(): borrowed for the call */
    fmt = *in;
    fmt.own = 0;
    rc = CC_OK;
  } else if ((rc = tpl_to_str(rs, n, in, &fmt))) {
    return rc;
  }
  /* Positional arguments: given as they are, no tuple built (an
   * undefined one, NULL, prints as Undefined does, unless strict). */
  if (!kw) {
    const json_t *few[16], **argv = n->n <= 16 ? few : malloc((size_t)n->n * sizeof *argv);
    unsigned char fsafe[16], *safe = n->n <= 16 ? fsafe : malloc((size_t)n->n);
    if (!argv || !safe) rc = CC_ENOMEM;
    for (int i = 0; i < n->n && rc == CC_OK; i++) {
      safe[i] = args[i].safe;
      if (!(argv[i] = args[i].j) && rs->strict) rc = tpl_fail_undef(rs, n, &args[i]);
    }
    if (rc == CC_OK) rc = tpl_format_argv(rs, n, &fmt, argv, safe, (size_t)n->n, out);
    if (argv != few) free(argv);
    if (safe != fsafe) free(safe);
    tpl_val_drop(&fmt);
    return rc;
  }
  json_t *arg = kw ? json_object() : tpl_arr_new();
  if (!arg) rc = CC_ENOMEM;
  for (int i = 0; i < n->n && rc == CC_OK; i++) {
    json_t *v = args[i].j;
    if (!v) {
      if (rs->strict) {
        rc = tpl_fail_undef(rs, n, &args[i]);
        break;
      }
      v = json_string(""); /* str(Undefined) */
    } else {
      json_incref(v);
    }
    if (kw ? json_object_set_new(arg, n->kw[i], v) : json_array_append_new(arg, v)) rc = CC_ENOMEM;
  }
  if (rc == CC_OK) {
    tpl_val av = tpl_ref(arg);
    rc = tpl_format(rs, n, &fmt, &av, !kw, out);
  }
  json_decref(arg);
  tpl_val_drop(&fmt);
  return rc;
}

/* ---- number parsing as Python's int() and float() ---- */

static int S_digit(char c, int base) {
  int d = c >= '0' && c <= '9' ? c - '0' : (c | 32) >= 'a' && (c | 32) <= 'z' ? (c | 32) - 'a' + 10 : 99;
  return d < base ? d : -1;
}

/* int(S, BASE): 1 parsed, 0 not a number, -1 out of the 64-bit range. */
static int S_parse_int(const char *s, int base, long long *v) {
  while (tpl_f_isws(*s)) s++;
  int neg = 0;
  if (*s == '+' || *s == '-') neg = *s++ == '-';
  if (s[0] == '0' && s[1]) {
    char p = (char)(s[1] | 32);
    int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (pb && (base == pb || base == 0)) {
      base = pb;
      s += 2;
      if (*s == '_') s++;
    }
  }
  if (base == 0) base = 10;
  unsigned long long acc = 0;
  int prev_us = 1, any = 0, over = 0;
  for (; *s && !tpl_f_isws(*s); s++) {
    if (*s == '_') {
      if (prev_us) return 0;
      prev_us = 1;
      continue;
    }
    int d = S_digit(*s, base);
    if (d < 0) return 0;
    if (acc > (ULLONG_MAX - (unsigned)d) / (unsigned)base) over = 1;
    else acc = acc * (unsigned)base + (unsigned)d;
    prev_us = 0;
    any = 1;
  }
  if (prev_us || !any) return 0;
  while (tpl_f_isws(*s)) s++;
  if (*s) return 0;
  if (over || acc > (unsigned long long)LLONG_MAX + (unsigned long long)neg) return -1;
  *v = neg ? (long long)(0ULL - acc) : (long long)acc;
  return 1;
}

static int S_parse_float(const char *s, double *v) {
  while (tpl_f_isws(*s)) s++;
  char tmp[256];
  size_t o = 0;
  const char *p = s;
  for (; *p && !tpl_f_isws(*p); p++) {
    if (*p == '_') continue;
    if (o + 1 >= sizeof tmp) return 0;
    tmp[o++] = *p;
  }
  while (tpl_f_isws(*p)) p++;
  if (*p || !o) return 0;
  tmp[o] = 0;
  for (size_t i = 0; i < o; i++)
    if (tmp[i] == 'x' || tmp[i] == 'X' || tmp[i] == 'p' || tmp[i] == 'P') return 0;
  char *end;
  *v = strtod(tmp, &end);
  if (*end) return 0;
  return 1;
}

TPL_FILTER(tpl_f_int_) {
  (void)args;
  long long base = 10, v = 0;
  int rc, ok = 0;
  if ((rc = tpl_f_int(rs, n, a[1], 10, &base))) return rc;
  const json_t *j = in->j;
  /* int(Undefined) raises UndefinedError (Undefined.__int__), which
   * do_int does not catch, strict or not. */
  if (!j) return tpl_fail_undef(rs, n, in);
  if (j && json_is_string(j)) {
    /* A bad base is a ValueError, which falls back to int(float(value)). */
    int r = base != 0 && (base < 2 || base > 36) ? 0 : S_parse_int(json_string_value(j), (int)base, &v);
    if (r < 0) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
    ok = r;
    double d;
    if (!ok && S_parse_float(json_string_value(j), &d)) {
      if (isinf(d)) return tpl_fail(rs, n, CC_EINVAL, "cannot convert float infinity to integer");
      if (!isnan(d)) {
        if (fabs(d) >= 9.2e18) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
        v = (long long)d;
        ok = 1;
      }
    }
  } else if (j && (json_is_integer(j) || json_is_boolean(j))) {
    v = json_is_boolean(j) ? json_is_true(j) : (long long)json_integer_value(j);
    ok = 1;
  } else if (j && json_is_real(j)) {
    double d = json_real_value(j);
    if (isinf(d)) return tpl_fail(rs, n, CC_EINVAL, "cannot convert float infinity to integer");
    if (!isnan(d)) {
      if (fabs(d) >= 9.2e18) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
      v = (long long)d;
      ok = 1;
    }
  }
  if (!ok) {
    if (a[0]) {
      *out = tpl_dup(a[0]);
      return CC_OK;
    }
    v = 0;
  }
  return tpl_f_put_int(rs, out, v);
}

TPL_FILTER(tpl_f_float) {
  (void)args;
  double d = 0;
  int ok = 0;
  const json_t *j = in->j;
  /* float(Undefined) raises UndefinedError (Undefined.__float__). */
  if (!j) return tpl_fail_undef(rs, n, in);
  if (j && json_is_string(j)) ok = S_parse_float(json_string_value(j), &d);
  else if (j && tpl_is_num(j)) {
    d = tpl_num(j);
    ok = 1;
  }
  if (ok && !isfinite(d)) return tpl_fail(rs, n, CC_EINVAL, "a float that is not finite (inf, nan) is not supported");
  if (!ok && a[0]) {
    *out = tpl_dup(a[0]);
    return CC_OK;
  }
  return tpl_f_put_real(rs, out, ok ? d : 0.0);
}

TPL_FILTER(tpl_f_abs) {
  UNUSED;
  if (!in->j || !tpl_is_num(in->j)) {
    if (!in->j) return tpl_fail_undef(rs, n, in);
    return tpl_fail(rs, n, CC_EINVAL, "bad operand type for abs(): '%s'", tpl_type_name(in->j));
  }
  if (json_is_real(in->j)) *out = tpl_own(tpl_real_new(fabs(json_real_value(in->j))));
  else {
    long long v = json_is_boolean(in->j) ? json_is_true(in->j) : (long long)json_integer_value(in->j);
    if (v == LLONG_MIN) return tpl_fail(rs, n, CC_EINVAL, "integer result out of the 64-bit range");
    *out = tpl_own(tpl_int_new(v < 0 ? -v : v));
  }
  return out->j ? CC_OK : CC_ENOMEM;
}

/* Python's round(x, prec) for a float: correctly rounded half-even on
 * the exact binary value, which printf's %.*f computes. */
static double S_round_half_even(double x, long long prec) {
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  char tmp[512];
  uint64_t m;
  if (prec > 300) return x;
  /* Whole units: the exact binary value rounded half to even, as
   * nearbyint does in the default rounding mode (the sign of a zero
   * kept, as round(-0.4) gives -0.0). */
  if (prec == 0) return nearbyint(x);
  /* Without printf: the digits "%.*f" would print as one integer M (below
   * 2^40), read back as strtod reads them: M / 10^PREC, both exact, so
   * the one division rounds correctly (Clinger's fast path); the sign
   * kept (-0.0 as "-0.0" reads back). */
  if (prec >= 0 && prec <= 9 && tpl_fixed_int(x, (int)prec, &m) == 0) {
    double r = (double)m / p10[prec];
    return signbit(x) ? -r : r;
  }
  if (prec >= 0) {
    snprintf(tmp, sizeof tmp, "%.*f", (int)prec, x);
    return strtod(tmp, NULL);
  }
  double p = pow(10.0, (double)-prec);
  double y = x / p, r = nearbyint(y);
  return r * p;
}

TPL_FILTER(tpl_f_round) {
  (void)args;
  long long prec = 0;
  const char *method = "common";
  int rc;
  if ((rc = tpl_f_int(rs, n, a[0], 0, &prec))) return rc;
  if (a[1]) {
    if (!a[1]->j || !json_is_string(a[1]->j)) return tpl_fail(rs, n, CC_EINVAL, "method must be common, ceil or floor");
    method = json_string_value(a[1]->j);
  }
  /* 0 common, 1 ceil, 2 floor */
  int how = method[0] == 'c' && !strcmp(method, "common") ? 0 : !strcmp(method, "ceil") ? 1 : !strcmp(method, "floor") ? 2 : -1;
  if (how < 0) return tpl_fail(rs, n, CC_EINVAL, "method must be common, ceil or floor");
  if (!in->j || !tpl_is_num(in->j)) {
    if (!in->j) return tpl_fail_undef(rs, n, in);
    return tpl_fail(rs, n, CC_EINVAL, "type %s doesn't define __round__ method", tpl_type_name(in->j));
  }
  double x = tpl_num(in->j);
  if (how == 0) {
    if (!json_is_real(in->j)) {
      long long v = json_is_boolean(in->j) ? json_is_true(in->j) : (long long)json_integer_value(in->j);
      if (prec < 0) {
        long long p = 1;
        for (long long k = 0; k < -prec && p <= LLONG_MAX / 10; k++) p *= 10;
        if (-prec > 18) v = 0;
        else {
          long long q = v / p, r = v % p;
          if (r < 0) {
            r += p;
            q--;
          }
          if (2 * r > p || (2 * r == p && (q & 1))) q++;
          v = q * p;
        }
      }
      return tpl_f_put_int(rs, out, v);
    }
    return tpl_f_put_real(rs, out, S_round_half_even(x, prec));
  }
  double p = pow(10.0, (double)prec);
  double v = (how == 1 ? ceil(x * p) : floor(x * p)) / p;
  if (!isfinite(v)) return tpl_fail(rs, n, CC_EINVAL, "a float result that is not finite (inf, nan) is not supported");
  return tpl_f_put_real(rs, out, v);
}

/* "13 Bytes", "1.2 kB", "4.0 MiB": float(value) with decimal or binary
 * prefixes, one decimal. */
TPL_FILTER(tpl_f_filesizeformat) {
  (void)args;
  static const char *const dec[] = {"kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  double v = 0;
  const json_t *j = in->j;
  if (!j) return rs->strict ? tpl_fail_undef(rs, n, in) : tpl_fail(rs, n, CC_EINVAL, "float() argument must be a string or a real number, not 'Undefined'");
  if (json_is_string(j)) {
    if (!S_parse_float(json_string_value(j), &v))
      return tpl_fail(rs, n, CC_EINVAL, "could not convert string to float: '%s'", json_string_value(j));
  } else if (tpl_is_num(j)) {
    v = tpl_num(j);
  } else {
    return tpl_fail(rs, n, CC_EINVAL, "float() argument must be a string or a real number, not '%s'", tpl_type_name(j));
  }
  if (!isfinite(v)) return tpl_fail(rs, n, CC_EINVAL, "a float that is not finite (inf, nan) is not supported");
  int binary = tpl_f_truthy(a[0], 0);
  double base = binary ? 1024 : 1000;
  char tmp[64];
  if (v == 1) snprintf(tmp, sizeof tmp, "1 Byte");
  else if (v < base) snprintf(tmp, sizeof tmp, "%lld Bytes", (long long)v);
  else {
    double unit = base;
    int i;
    for (i = 0; i < 8; i++) {
      unit *= base;
      if (v < unit) break;
    }
    if (i == 8) i = 7;
    double x = base * v / unit;
    int k = tpl_fixed(tmp, x, 1);
    if (k < 0) snprintf(tmp, sizeof tmp, "%.1f %s", x, binary ? bin[i] : dec[i]);
    else {
      const char *u = binary ? bin[i] : dec[i];
      tmp[k++] = ' ';
      memcpy(tmp + k, u, strlen(u) + 1);
    }
  }
  return tpl_f_put_valid(rs, out, tmp, strlen(tmp), 0);
}
