/* format_spec.c: Python's str.format and its format-spec mini-language
 * (format(value, spec)) for str, int, float, bool and None. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"
#include "format.h"

typedef struct {
  const char *fill; /* one code point */
  size_t fl;
  char align; /* 0 < > = ^ */
  char sign;  /* 0 + - space */
  int alt, zero, prec_set;
  char group; /* 0 , _ */
  long long width, prec;
  char type; /* 0 or the type letter */
} S_fs;

static int S_parse_spec(const char *s, size_t l, S_fs *f, char *err, size_t el) {
  size_t i = 0;
  memset(f, 0, sizeof *f);
  f->fill = " ";
  f->fl = 1;
  f->width = -1;
  size_t k = l ? tpl_utf8_seq(s, l) : 0;
  int fill_given = 0;
  if (k && k < l && strchr("<>=^", s[k])) {
    fill_given = 1;
    f->fill = s;
    f->fl = k;
    f->align = s[k];
    i = k + 1;
  } else if (l && strchr("<>=^", s[0])) {
    f->align = s[0];
    i = 1;
  }
  if (i < l && strchr("+- ", s[i])) f->sign = s[i++];
  if (i < l && s[i] == 'z') i++;
  if (i < l && s[i] == '#') f->alt = 1, i++;
  if (i < l && s[i] == '0') {
    f->zero = 1;
    i++;
  }
  if (i < l && s[i] >= '0' && s[i] <= '9') {
    f->width = 0;
    while (i < l && s[i] >= '0' && s[i] <= '9' && f->width < 100000000) f->width = f->width * 10 + (s[i++] - '0');
  }
  if (i < l && (s[i] == ',' || s[i] == '_')) f->group = s[i++];
  if (i < l && s[i] == '.') {
    i++;
    if (i >= l || s[i] < '0' || s[i] > '9') {
      snprintf(err, el, "Format specifier missing precision");
      return CC_EINVAL;
    }
    f->prec_set = 1;
    while (i < l && s[i] >= '0' && s[i] <= '9' && f->prec < 100000000) f->prec = f->prec * 10 + (s[i++] - '0');
  }
  if (i < l) f->type = s[i++];
  if (i < l) {
    snprintf(err, el, "Invalid format specifier '%.*s'", (int)l, s);
    return CC_EINVAL;
  }
  /* 0: zeros fill (unless a fill was given), after the sign by default. */
  if (f->zero && !fill_given) {
    f->fill = "0";
    f->fl = 1;
  }
  if (f->zero && !f->align) f->align = '=';
  return CC_OK;
}

/* Appends SIGN PREFIX BODY padded to the spec's width and alignment
 * (DEFALIGN when none was given). */
static int S_fill(cc_buf *b, const S_fs *f, long long n) {
  if (n <= 0) return CC_OK;
  if (f->fl == 1) return tpl_buf_fill(b, f->fill[0], (size_t)n);
  int rc = CC_OK;
  for (long long i = 0; i < n && rc == CC_OK; i++) rc = tpl_buf_add(b, f->fill, f->fl);
  return rc;
}

static int S_emit(cc_buf *b, const S_fs *f, const char *sign, const char *body, size_t bl, char defalign) {
  size_t sl = strlen(sign);
  long long len = f->width > 0 ? (long long)(sl + tpl_utf8_len(body, bl)) : 0, pad = f->width > len ? f->width - len : 0;
  char al = f->align ? f->align : defalign;
  long long left = al == '>' ? pad : al == '^' ? pad / 2 : 0, right = al == '<' ? pad : al == '^' ? pad - pad / 2 : 0;
  int rc = CC_OK;
  if (al == '=') {
    rc |= tpl_buf_add(b, sign, sl);
    if (rc == CC_OK) rc = S_fill(b, f, pad);
    rc |= tpl_buf_add(b, body, bl);
    return rc;
  }
  rc = S_fill(b, f, left);
  rc |= tpl_buf_add(b, sign, sl);
  rc |= tpl_buf_add(b, body, bl);
  if (rc == CC_OK) rc = S_fill(b, f, right);
  return rc;
}

static int S_isdig(char c, int hex) {
  return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* Inserts the grouping character G every N digits of the integer part
 * of DIGITS (the part before '.', 'e' or the end; HEX: a-f are digits),
 * as CPython's InsertThousandsGrouping does: with zeros filling (MINW,
 * the width less the sign and prefix, when the fill is '0' and the
 * alignment '='; else 0) the zeros are grouped too, right to left. */
static int S_group(cc_buf *out, const char *d, size_t dl, char g, int n, int hex, long long minw) {
  size_t ip = 0;
  while (ip < dl && S_isdig(d[ip], hex)) ip++;
  if (ip == 0) ip = dl;
  minw -= (long long)(dl - ip);
  cc_buf r = CC_BUF_INIT; /* the grouped integer part, reversed */
  long long remaining = (long long)ip;
  const char *p = d + ip;
  int rc = CC_OK;
  for (int first = 1;; first = 0) {
    long long want = remaining > minw ? remaining : minw;
    long long l = want < 1 ? 1 : want > n ? n : want;
    long long zeros = l > remaining ? l - remaining : 0, chars = remaining < l ? remaining : l;
    if (!first) rc |= cc_buf_putc(&r, g);
    for (long long i = 0; i < chars; i++) rc |= cc_buf_putc(&r, *--p);
    if (zeros) rc |= tpl_buf_fill(&r, '0', (size_t)zeros);
    if (rc) break;
    remaining -= chars;
    minw -= l;
    if (remaining <= 0 && minw <= 0) break;
    minw -= 1;
  }
  for (size_t i = r.len; i > 0 && rc == CC_OK; i--) rc = cc_buf_putc(out, r.ptr[i - 1]);
  cc_buf_free(&r);
  return rc ? rc : cc_buf_add(out, d + ip, dl - ip);
}

/* Whether grouping pads with grouped zeros (S_group's MINW applies). */
static int S_zero_group(const S_fs *f) {
  return f->group && f->align == '=' && f->fl == 1 && f->fill[0] == '0' && f->width > 0;
}

/* S_group into OUT (room for DL + DL / N + 1 bytes) without zero fill:
 * the length. */
static size_t S_group_to(char *out, const char *d, size_t dl, char g, int n, int hex) {
  size_t ip = 0, k = 0;
  while (ip < dl && S_isdig(d[ip], hex)) ip++;
  if (ip == 0) ip = dl;
  for (size_t i = 0; i < ip; i++) {
    if (g && i && (ip - i) % (size_t)n == 0) out[k++] = g;
    out[k++] = d[i];
  }
  memcpy(out + k, d + ip, dl - ip);
  return k + dl - ip;
}

static int S_fmt_int(cc_buf *b, const S_fs *f, long long v, char *err, size_t el) {
  char t = f->type ? f->type : 'd';
  if (f->prec_set) {
    snprintf(err, el, "Precision not allowed in integer format specifier");
    return CC_EINVAL;
  }
  if (t == 'c') {
    if (v < 0 || v > 0x10FFFF) {
      snprintf(err, el, "%%c arg not in range(0x110000)");
      return CC_EINVAL;
    }
    cc_buf c = CC_BUF_INIT;
    int rc = tpl_utf8_put(&c, (unsigned)v);
    if (rc == CC_OK) rc = S_emit(b, f, "", c.ptr, c.len, '<');
    cc_buf_free(&c);
    return rc;
  }
  int base = t == 'b' ? 2 : t == 'o' ? 8 : (t == 'x' || t == 'X') ? 16 : 10;
  const char *dig = t == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  char tmp[80], *e = tmp + sizeof tmp, *p = e;
  do {
    *--p = dig[m % (unsigned)base];
    m /= (unsigned)base;
  } while (m);
  char sign[8] = "";
  size_t sl = 0;
  if (v < 0) sign[sl++] = '-';
  else if (f->sign == '+' || f->sign == ' ') sign[sl++] = f->sign;
  if (f->alt && base != 10) {
    sign[sl++] = '0';
    sign[sl++] = t == 'X' ? 'X' : t;
  }
  sign[sl] = 0;
  if (S_zero_group(f)) {
    cc_buf d = CC_BUF_INIT;
    int rc = S_group(&d, p, (size_t)(e - p), f->group, base == 10 ? 3 : 4, base == 16, f->width - (long long)sl);
    if (rc == CC_OK) rc = S_emit(b, f, sign, d.ptr, d.len, '>');
    cc_buf_free(&d);
    return rc;
  }
  char d[160]; /* 64 binary digits and 15 separators at most */
  size_t dl = S_group_to(d, p, (size_t)(e - p), f->group, base == 10 ? 3 : 4, base == 16);
  return S_emit(b, f, sign, d, dl, '>');
}

static int S_fmt_float(cc_buf *b, const S_fs *f, double v, char *err, size_t el) {
  char t = f->type;
  long long prec = f->prec_set ? f->prec : 6;
  if (prec > 1000) prec = 1000;
  cc_buf d = CC_BUF_INIT;
  int rc = CC_OK, pct = t == '%';
  double a = fabs(v);
  if (pct) a *= 100;
  (void)err;
  (void)el;
  char sign[2] = "";
  if (signbit(v) && !(isnan(v))) sign[0] = '-';
  else if (f->sign == '+' || f->sign == ' ') sign[0] = f->sign;
  /* f, F and % to 9 decimals: tpl_fixed's digits (printf's), grouped
   * and padded on the stack. */
  char num[48], body[80];
  int k;
  if ((t == 'f' || t == 'F' || pct) && !f->alt && prec <= 9 && !S_zero_group(f) && (k = tpl_fixed(num, a, (int)prec)) > 0) {
    size_t bl = S_group_to(body, num, (size_t)k, f->group, 3, 0);
    if (pct) body[bl++] = '%';
    return S_emit(b, f, sign, body, bl, '>');
  }
  if (!isfinite(a)) {
    rc = cc_buf_puts(&d, isnan(a) ? "nan" : "inf");
  } else if (t == 0 && !f->prec_set) {
    rc = tpl_fmt_float(&d, a);
  } else if (t == 0) {
    /* Like 'g', but scientific from exponent p - 1 on, and fixed
     * notation keeps a digit after the point. */
    long long p = prec ? prec : 1;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*e", (int)(p - 1), a);
    int x = atoi(strchr(tmp, 'e') + 1);
    if (x >= -4 && x < p - 1) {
      int nn = snprintf(NULL, 0, "%.*f", (int)(p - 1 - x), a);
      char *fx = malloc((size_t)nn + 1);
      if (!fx) return CC_ENOMEM;
      snprintf(fx, (size_t)nn + 1, "%.*f", (int)(p - 1 - x), a);
      size_t fl = strlen(fx);
      if (strchr(fx, '.') && !f->alt)
        while (fl > 1 && fx[fl - 1] == '0') fl--;
      if (fx[fl - 1] == '.') fl++; /* keep one digit: the 0 */
      rc = cc_buf_add(&d, fx, fl);
      free(fx);
    } else {
      char *e = strchr(tmp, 'e');
      size_t ml = (size_t)(e - tmp);
      if (memchr(tmp, '.', ml) && !f->alt) {
        while (ml > 1 && tmp[ml - 1] == '0') ml--;
        if (tmp[ml - 1] == '.') ml--;
      }
      rc = cc_buf_add(&d, tmp, ml);
      if (rc == CC_OK) rc = cc_buf_puts(&d, e);
    }
  } else {
    char fmt[48], conv = t == 'n' ? 'g' : pct ? 'f' : t;
    snprintf(fmt, sizeof fmt, "%%%s.%lld%c", f->alt ? "#" : "", prec, conv);
    int nn = snprintf(NULL, 0, fmt, a);
    char *tmp = malloc((size_t)nn + 1);
    if (!tmp) return CC_ENOMEM;
    snprintf(tmp, (size_t)nn + 1, fmt, a);
    rc = cc_buf_add(&d, tmp, (size_t)nn);
    free(tmp);
  }
  if (rc == CC_OK && pct) rc = cc_buf_putc(&d, '%');
  cc_buf g = CC_BUF_INIT;
  if (rc == CC_OK) rc = f->group ? S_group(&g, d.ptr, d.len, f->group, 3, 0, S_zero_group(f) ? f->width - (long long)strlen(sign) : 0) : cc_buf_add(&g, d.ptr, d.len);
  if (rc == CC_OK) rc = S_emit(b, f, sign, g.ptr ? g.ptr : "", g.len, '>');
  cc_buf_free(&d);
  cc_buf_free(&g);
  return rc;
}

int tpl_format_value(cc_buf *b, const json_t *v, const char *spec, size_t sl, char *err, size_t el) {
  S_fs f;
  int rc;
  if (!sl) return v ? tpl_str(b, v) : CC_OK;
  if ((rc = S_parse_spec(spec, sl, &f, err, el))) return rc;
  if (!v || json_is_string(v)) {
    if (f.type && f.type != 's') {
      snprintf(err, el, "Unknown format code '%c' for object of type 'str'", f.type);
      return CC_EINVAL;
    }
    if (f.sign || f.align == '=' || f.group || f.alt) {
      snprintf(err, el, "%s not allowed in string format specifier", f.sign ? "Sign" : f.align == '=' ? "'=' alignment" : f.group ? "Cannot specify ','" : "Alternate form (#)");
      return CC_EINVAL;
    }
    const char *s = v ? json_string_value(v) : "";
    size_t l = v ? json_string_length(v) : 0;
    if (f.prec_set) {
      size_t k = 0;
      for (long long c = 0; c < f.prec && k < l; c++) k += tpl_utf8_seq(s + k, l - k);
      l = k;
    }
    return S_emit(b, &f, "", s, l, '<');
  }
  if (json_is_integer(v) || json_is_boolean(v)) {
    long long x = json_is_integer(v) ? (long long)json_integer_value(v) : json_is_true(v);
    if (!f.type || strchr("bcdoxXn", f.type)) return S_fmt_int(b, &f, x, err, el);
    if (strchr("eEfFgG%", f.type)) return S_fmt_float(b, &f, (double)x, err, el);
    snprintf(err, el, "Unknown format code '%c' for object of type '%s'", f.type, tpl_type_name(v));
    return CC_EINVAL;
  }
  if (json_is_real(v)) {
    if (!f.type || strchr("eEfFgGn%", f.type)) return S_fmt_float(b, &f, json_real_value(v), err, el);
    snprintf(err, el, "Unknown format code '%c' for object of type 'float'", f.type);
    return CC_EINVAL;
  }
  snprintf(err, el, "unsupported format string passed to %s.__format__", tpl_type_name(v));
  return CC_EINVAL;
}

/* The value of a field name: [arg_name]([index])* with ARGS/N. */
/* Whether V, a field's value, is one of the call's arguments given as
 * Markup (one kept as Markup in a list or dict, tpl_repr knows itself). */
static int S_is_markup(const tpl_node *n, const tpl_val *args, const json_t *v) {
  for (int i = 0; i < n->n; i++)
    if (args[i].j == v && args[i].safe) return tpl_tuple_kind(v) != TPL_MARKUP;
  return 0;
}

static int S_field(tpl_rs *rs, const tpl_node *n, const tpl_val *args, const char *f, size_t fl, size_t *autoi, int *manual,
                   const json_t **v, int *undef) {
  size_t i = 0;
  while (i < fl && f[i] != '.' && f[i] != '[') i++;
  *undef = 0;
  if (i == 0 || (f[0] >= '0' && f[0] <= '9')) {
    size_t idx;
    if (i == 0) {
      if (*manual == 1) return tpl_fail(rs, n, CC_EINVAL, "cannot switch from manual field specification to automatic field numbering");
      *manual = 0;
      idx = (*autoi)++;
    } else {
      if (*manual == 0) return tpl_fail(rs, n, CC_EINVAL, "cannot switch from automatic field numbering to manual field specification");
      *manual = 1;
      idx = (size_t)atol(f);
    }
    int pos = 0, found = 0;
    for (int k = 0; k < n->n; k++)
      if (!(n->kw && n->kw[k]) && (size_t)pos++ == idx) {
        *v = args[k].j;
        *undef = !args[k].j;
        found = 1;
        break;
      }
    if (!found) return tpl_fail(rs, n, CC_EINVAL, "Replacement index %zu out of range for positional args tuple", idx);
  } else {
    int found = 0;
    for (int k = 0; k < n->n; k++)
      if (n->kw && n->kw[k] && strlen(n->kw[k]) == i && !memcmp(n->kw[k], f, i)) {
        *v = args[k].j;
        *undef = !args[k].j;
        found = 1;
      }
    if (!found) return tpl_fail(rs, n, CC_EINVAL, "KeyError: '%.*s'", (int)i, f);
  }
  while (i < fl) {
    if (f[i] == '.') return tpl_fail(rs, n, CC_EINVAL, "attribute lookup in a format field is not supported");
    size_t e = i + 1;
    while (e < fl && f[e] != ']') e++;
    if (e >= fl) return tpl_fail(rs, n, CC_EINVAL, "Missing ']' in format string");
    const char *key = f + i + 1;
    size_t kl = e - i - 1;
    const json_t *x = *v;
    int digits = kl && strspn(key, "0123456789") >= kl;
    if (x && json_is_array(x) && digits) *v = json_array_get(x, (size_t)atol(key));
    else if (x && json_is_object(x)) {
      char kb[256];
      snprintf(kb, sizeof kb, "%.*s", (int)kl, key);
      *v = json_object_get(x, kb);
    } else {
      *v = NULL;
    }
    if (!*v) return tpl_fail(rs, n, CC_EINVAL, "KeyError: '%.*s'", (int)kl, key);
    i = e + 1;
  }
  return CC_OK;
}

int tpl_str_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const tpl_val *args, tpl_val *out) {
  const char *s = json_string_value(fmt->j);
  size_t l = json_string_length(fmt->j), autoi = 0;
  int manual = -1, rc = CC_OK, markup = fmt->safe;
  cc_buf b = tpl_f_scratch(rs); /* the render's scratch buffer while this runs */
  for (size_t i = 0; i < l && rc == CC_OK;) {
    char c = s[i];
    if (c != '{' && c != '}') { /* a run of literal text */
      size_t j = i + 1;
      while (j < l && s[j] != '{' && s[j] != '}') j++;
      rc = tpl_buf_add(&b, s + i, j - i);
      i = j;
      continue;
    }
    if (c == '}') {
      if (i + 1 < l && s[i + 1] == '}') {
        rc = cc_buf_putc(&b, '}');
        i += 2;
        continue;
      }
      rc = tpl_fail(rs, n, CC_EINVAL, "Single '}' encountered in format string");
      break;
    }
    if (c != '{') {
      rc = cc_buf_putc(&b, c);
      i++;
      continue;
    }
    if (i + 1 < l && s[i + 1] == '{') {
      rc = cc_buf_putc(&b, '{');
      i += 2;
      continue;
    }
    size_t e = i + 1;
    int depth = 0, nest = 0, inspec = 0;
    while (e < l && (s[e] != '}' || depth || nest)) {
      if (s[e] == ':' && !depth) inspec = 1;
      if (s[e] == '[' && !inspec) depth++;
      else if (s[e] == ']' && depth) depth--;
      else if (s[e] == '{' && !depth) {
        if (!inspec || nest) break; /* one level of nesting, in the spec */
        nest = 1;
      } else if (s[e] == '}' && nest) {
        nest = 0;
      }
      e++;
    }
    if (e >= l || s[e] != '}') {
      rc = tpl_fail(rs, n, CC_EINVAL, e < l ? "unexpected '{' in field name" : "expected '}' before end of string");
      break;
    }
    const char *fld = s + i + 1;
    size_t fl = e - i - 1, nl = 0;
    while (nl < fl && fld[nl] != '!' && fld[nl] != ':') nl++;
    char conv = 0;
    size_t sp = nl;
    if (sp < fl && fld[sp] == '!') {
      if (sp + 1 >= fl || (fld[sp + 1] != 'r' && fld[sp + 1] != 's' && fld[sp + 1] != 'a') ||
          (sp + 2 < fl && fld[sp + 2] != ':')) {
        rc = tpl_fail(rs, n, CC_EINVAL, "Unknown conversion specifier");
        break;
      }
      conv = fld[sp + 1];
      sp += 2;
    }
    const char *spec = sp < fl ? fld + sp + 1 : "";
    size_t sl = sp < fl ? fl - sp - 1 : 0;
    const json_t *v = NULL;
    int undef = 0;
    if ((rc = S_field(rs, n, args, fld, nl, &autoi, &manual, &v, &undef))) break;
    /* A spec with {fields} in it: their str() spliced in first. */
    cc_buf xs = CC_BUF_INIT;
    if (memchr(spec, '{', sl)) {
      for (size_t k = 0; k < sl && rc == CC_OK;) {
        if (spec[k] != '{') {
          rc = cc_buf_putc(&xs, spec[k++]);
          continue;
        }
        const char *q = memchr(spec + k, '}', sl - k);
        const json_t *sv = NULL;
        int su = 0;
        if (!q) {
          rc = tpl_fail(rs, n, CC_EINVAL, "expected '}' before end of string");
          break;
        }
        if ((rc = S_field(rs, n, args, spec + k + 1, (size_t)(q - spec) - k - 1, &autoi, &manual, &sv, &su))) break;
        if (sv) rc = tpl_str(&xs, sv);
        k = (size_t)(q - spec) + 1;
      }
      spec = xs.ptr ? xs.ptr : "";
      sl = xs.len;
    }
    if (rc) {
      cc_buf_free(&xs);
      break;
    }
    if (undef && rs->strict) {
      rc = tpl_fail(rs, n, CC_EINVAL, "undefined value in format()");
      cc_buf_free(&xs);
      break;
    }
    if (undef && !conv && sl) { /* Undefined.__format__ takes no spec */
      rc = tpl_fail(rs, n, CC_EINVAL, "unsupported format string passed to Undefined.__format__");
      cc_buf_free(&xs);
      break;
    }
    cc_buf t = CC_BUF_INIT;
    json_t *conv_v = NULL;
    char err[128] = "";
    if (conv == 'r' || conv == 'a') {
      /* repr() of Markup (an argument given safe, or kept as Markup) is Markup('...') */
      int mk = v && json_is_string(v) && S_is_markup(n, args, v);
      if (mk) rc = cc_buf_puts(&t, "Markup(");
      if (rc == CC_OK) rc = !v ? cc_buf_puts(&t, "Undefined") : conv == 'r' ? tpl_repr(&t, v) : tpl_ascii(&t, v);
      if (rc == CC_OK && mk) rc = cc_buf_putc(&t, ')');
      conv_v = rc ? NULL : tpl_json_strn(t.ptr ? t.ptr : "", t.len);
      cc_buf_truncate(&t, 0);
      if (!conv_v) rc = CC_ENOMEM;
      v = conv_v;
    } else if (conv == 's' && v && !json_is_string(v)) {
      rc = tpl_str(&t, v);
      conv_v = rc ? NULL : tpl_json_strn(t.ptr ? t.ptr : "", t.len);
      cc_buf_truncate(&t, 0);
      if (!conv_v) rc = CC_ENOMEM;
      v = conv_v;
    }
    if (rc == CC_OK) {
      /* Plain text formats straight into B; Markup escapes the value's. */
      rc = tpl_format_value(markup ? &t : &b, v, spec, sl, err, sizeof err);
      if (rc == CC_EINVAL) rc = tpl_fail(rs, n, CC_EINVAL, "%s", err);
    }
    if (rc == CC_OK && markup) rc = tpl_escape(&b, t.ptr ? t.ptr : "", t.len);
    cc_buf_free(&t);
    cc_buf_free(&xs);
    json_decref(conv_v);
    if (rc == CC_OK && b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "formatted string exceeds the output limit");
    i = e + 1;
  }
  if (rc == CC_OK) { /* pieces of valid strings, whole code points: no UTF-8 check */
    *out = tpl_own(tpl_str_new(b.ptr ? b.ptr : "", b.len));
    out->safe = (unsigned char)markup;
    if (!out->j) rc = CC_ENOMEM;
  }
  tpl_f_unscratch(rs, &b);
  return rc;
}
