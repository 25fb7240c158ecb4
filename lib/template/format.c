/* format.c: Python's printf-style string formatting, FORMAT % ARGS
 * (PyUnicode_Format): %(key), the flags - + space # 0, width and precision
 * (or *), and the conversions s r d i u o x X e E f F g G c %. */
#include "format.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

typedef struct {
  int left, plus, space, alt, zero;
  long long width, prec; /* -1: not given */
} S_spec;

/* Appends S (LEN bytes) padded to the spec's width in code points,
 * S escaped when ESC (the padding counts S's own code points). */
static int S_pad(cc_buf *b, const S_spec *sp, const char *s, size_t len, int esc) {
  long long cps = 0;
  if (sp->width > 0 && (size_t)sp->width > len / 4) { /* else no fill: a code point has at most 4 bytes */
    /* Code points: the bytes but the continuation ones (10xxxxxx),
     * counted eight at a time. */
    size_t i = 0, cont = 0;
    for (uint64_t x; i + 8 <= len; i += 8) {
      memcpy(&x, s + i, 8);
      /* one bit per continuation byte, summed by one multiplication (as tpl_utf8_len) */
      cont += (size_t)(((((x & ~(x << 1)) & 0x8080808080808080ULL) >> 7) * 0x0101010101010101ULL) >> 56);
    }
    for (; i < len; i++) cont += ((unsigned char)s[i] & 0xC0) == 0x80;
    cps = (long long)(len - cont);
  } else {
    cps = (long long)len; /* at least the width: no fill */
  }
  size_t fill = sp->width > cps ? (size_t)(sp->width - cps) : 0;
  int rc = CC_OK;
  if (fill && !sp->left) rc = tpl_buf_fill(b, ' ', fill);
  if (rc == CC_OK) rc = esc ? tpl_escape(b, s, len) : tpl_buf_add(b, s, len);
  if (fill && sp->left && rc == CC_OK) rc = tpl_buf_fill(b, ' ', fill);
  return rc;
}

/* An integer conversion (d i u o x X) of V. */
static int S_int_conv(cc_buf *b, const S_spec *sp, char conv, long long v) {
  char digits[80];
  unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  int base = conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
  const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
  int nd = 0, rc = CC_OK;
  do {
    digits[nd++] = dig[m % (unsigned)base];
    m /= (unsigned)base;
  } while (m);
  const char *prefix = "";
  if (sp->alt && base == 16) prefix = conv == 'X' ? "0X" : "0x";
  else if (sp->alt && base == 8) prefix = "0o";
  char sign[2] = {0, 0};
  if (v < 0) sign[0] = '-';
  else if (sp->plus) sign[0] = '+';
  else if (sp->space) sign[0] = ' ';
  /* Precision: at least that many digits; the 0 flag fills the width. */
  long long zeros = sp->prec > nd ? sp->prec - nd : 0;
  long long len = (sign[0] != 0) + (prefix[0] ? 2 : 0) + zeros + nd;
  if (sp->zero && !sp->left && sp->width > len) {
    zeros += sp->width - len;
    len = sp->width;
  }
  long long fill = sp->width > len ? sp->width - len : 0;
  char tmp[96];
  size_t k = 0;
  if (sign[0]) tmp[k++] = sign[0];
  for (const char *p = prefix; *p; p++) tmp[k++] = *p;
  if (!sp->left && fill) rc = tpl_buf_fill(b, ' ', (size_t)fill);
  if (rc == CC_OK) rc = tpl_buf_add(b, tmp, k);
  if (rc == CC_OK && zeros) rc = tpl_buf_fill(b, '0', (size_t)zeros);
  for (k = 0; nd;) tmp[k++] = digits[--nd];
  if (rc == CC_OK) rc = tpl_buf_add(b, tmp, k);
  if (rc == CC_OK && sp->left && fill) rc = tpl_buf_fill(b, ' ', (size_t)fill);
  return rc;
}

/* A float conversion (e E f F g G) of D, through C's printf (whose digits
 * and flags agree with Python's for finite values). */
static int S_float_conv(cc_buf *b, const S_spec *sp, char conv, double d) {
  char f[64];
  size_t k = 0;
  int fl;
  /* %f and %F of a finite value: tpl_fixed's digits, then the flags. */
  if ((conv == 'f' || conv == 'F') && !sp->alt && (fl = tpl_fixed(f + 1, d, sp->prec < 0 ? 6 : (int)sp->prec)) > 0) {
    char *s = f + 1;
    if (s[0] != '-' && (sp->plus || sp->space)) {
      *--s = sp->plus ? '+' : ' ';
      fl++;
    }
    long long fill = sp->width > fl ? sp->width - fl : 0;
    int rc = CC_OK, sign = s[0] == '-' || s[0] == '+' || s[0] == ' ';
    if (!fill) return tpl_buf_add(b, s, (size_t)fl);
    if (sp->left) {
      rc = tpl_buf_add(b, s, (size_t)fl);
      if (rc == CC_OK) rc = tpl_buf_fill(b, ' ', (size_t)fill);
    } else if (sp->zero) {
      if (sign) rc = tpl_buf_add(b, s, 1);
      if (rc == CC_OK) rc = tpl_buf_fill(b, '0', (size_t)fill);
      if (rc == CC_OK) rc = tpl_buf_add(b, s + sign, (size_t)fl - (size_t)sign);
    } else {
      rc = tpl_buf_fill(b, ' ', (size_t)fill);
      if (rc == CC_OK) rc = tpl_buf_add(b, s, (size_t)fl);
    }
    return rc;
  }
  f[k++] = '%';
  if (sp->left) f[k++] = '-';
  if (sp->plus) f[k++] = '+';
  if (sp->space) f[k++] = ' ';
  if (sp->alt) f[k++] = '#';
  if (sp->zero) f[k++] = '0';
  snprintf(f + k, sizeof f - k, "%lld.%lld%c", sp->width > 0 ? sp->width : 0LL, sp->prec < 0 ? 6LL : sp->prec, conv);
  int n = snprintf(NULL, 0, f, d);
  if (n < 0) return CC_ENOMEM;
  char *out = malloc((size_t)n + 1);
  if (!out) return CC_ENOMEM;
  snprintf(out, (size_t)n + 1, f, d);
  int rc = cc_buf_add(b, out, (size_t)n);
  free(out);
  return rc;
}

/* A format string parsed once: its conversions (no %(key), no *), each
 * with the literal text before it, and the literal text after the last. */
#define S_FC_TEXT 64
#define S_FC_ITEMS 12
typedef struct {
  unsigned char lit, litlen, conv; /* the literal before it: S[lit, lit + litlen) */
  S_spec sp;
} S_fitem;
typedef struct {
  const char *ptr; /* the string it was parsed from (checked by its bytes) */
  size_t len;
  char text[S_FC_TEXT];
  int n;        /* items; -1: the string can't be kept (parsed each time) */
  size_t tail;  /* the literal after the last one starts there */
  S_fitem it[S_FC_ITEMS];
} S_fcache;
static _Thread_local S_fcache S_fc[8];

/* Parses one conversion's flags, width, precision and letter from S[*I]
 * (just past the '%'), without a key or '*'. 0 when it has those, is
 * incomplete or has an unknown letter (S_format's own parse reports it). */
static int S_parse_simple(const char *s, size_t len, size_t *ip, S_spec *sp, char *conv) {
  size_t i = *ip;
  S_spec z = {0, 0, 0, 0, 0, -1, -1};
  *sp = z;
  if (i < len && s[i] == '(') return 0;
  for (; i < len; i++) {
    char c = s[i];
    if (c == '-') sp->left = 1;
    else if (c == '+') sp->plus = 1;
    else if (c == ' ') sp->space = 1;
    else if (c == '#') sp->alt = 1;
    else if (c == '0') sp->zero = 1;
    else break;
  }
  for (int part = 0; part < 2; part++) {
    long long *dst = part ? &sp->prec : &sp->width;
    if (part) {
      if (i >= len || s[i] != '.') break;
      i++;
      sp->prec = 0;
    }
    if (i < len && s[i] == '*') return 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
      if (*dst > 100000) continue;
      *dst = (*dst < 0 ? 0 : *dst) * 10 + (s[i] - '0');
    }
  }
  while (i < len && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
  if (i >= len || !strchr("sradiuoxXeEfFgGc%", s[i]) || !s[i]) return 0;
  *conv = s[i++];
  *ip = i;
  return 1;
}

/* The parsed form of S (LEN bytes), kept per thread, or NULL when S is
 * too long, has too many conversions or any S_parse_simple refuses. */
static const S_fcache *S_fc_get(const char *s, size_t len) {
  if (len > S_FC_TEXT) return NULL;
  S_fcache *c = &S_fc[((uintptr_t)s >> 4) & 7];
  if (c->ptr == s && c->len == len && !memcmp(c->text, s, len)) return c->n < 0 ? NULL : c;
  c->ptr = s;
  c->len = len;
  memcpy(c->text, s, len);
  c->n = 0;
  size_t i = 0;
  while (i < len) {
    const char *pct = memchr(s + i, '%', len - i);
    if (!pct) break;
    if (c->n == S_FC_ITEMS) {
      c->n = -1;
      return NULL;
    }
    S_fitem *it = &c->it[c->n];
    it->lit = (unsigned char)i;
    it->litlen = (unsigned char)(pct - (s + i));
    i = (size_t)(pct - s) + 1;
    char conv;
    if (!S_parse_simple(s, len, &i, &it->sp, &conv)) {
      c->n = -1;
      return NULL;
    }
    it->conv = (unsigned char)conv;
    c->n++;
  }
  c->tail = i;
  return c;
}

/* One conversion CONV of SP of the argument V (NULL: undefined) into BP.
 * MARKUP: the format is Markup (VSAFE: V is Markup itself); ESC: the
 * whole result is escaped as it is printed (a plain format under
 * autoescape, written straight out), so V's text is escaped here. */
static int S_convert(tpl_rs *rs, const tpl_node *n, cc_buf *bp, const S_spec *sp, char conv, const json_t *v,
                     int markup, int vsafe, int esc_all) {
  int rc = CC_OK;
  if (conv == 's' && v && json_is_string(v) && sp->prec < 0 && !(markup && !vsafe)) {
    /* A string as it is: padded straight from the value. */
    rc = S_pad(bp, sp, json_string_value(v), json_string_length(v), esc_all);
    return rc ? CC_ENOMEM : CC_OK;
  }
  if (conv == 's' || conv == 'r' || conv == 'a') {
    cc_buf t = CC_BUF_INIT;
    /* repr() of Markup (VSAFE for %r and %a) is Markup('...'); tpl_repr
     * writes that itself for a string kept as Markup */
    int mk = conv != 's' && vsafe && v && json_is_string(v) && tpl_tuple_kind(v) != TPL_MARKUP;
    if (mk) rc = cc_buf_puts(&t, "Markup(");
    if (rc == CC_OK)
      rc = !v ? (conv == 's' ? CC_OK : cc_buf_puts(&t, "Undefined"))
              : conv == 's' ? tpl_str(&t, v) : conv == 'r' ? tpl_repr(&t, v) : tpl_ascii(&t, v);
    if (rc == CC_OK && mk) rc = cc_buf_putc(&t, ')');
    size_t tl = t.len;
    if (rc == CC_OK && sp->prec >= 0) { /* at most PREC code points */
      size_t cp = 0, k = 0;
      for (; k < t.len; k++)
        if (((unsigned char)t.ptr[k] & 0xC0) != 0x80 && cp++ == (size_t)sp->prec) break;
      tl = k;
    }
    /* Markup % value escapes the value's text (an argument that is
     * itself Markup only when it is the single, safe argument). */
    int esc = markup && (conv != 's' || !vsafe);
    if (rc == CC_OK && esc) {
      cc_buf e = CC_BUF_INIT;
      rc = tpl_escape(&e, t.ptr ? t.ptr : "", tl);
      if (rc == CC_OK) rc = S_pad(bp, sp, e.ptr ? e.ptr : "", e.len, 0);
      cc_buf_free(&e);
    } else if (rc == CC_OK) {
      rc = S_pad(bp, sp, t.ptr ? t.ptr : "", tl, esc_all);
    }
    cc_buf_free(&t);
    return rc ? CC_ENOMEM : CC_OK;
  }
  if (conv == 'c') {
    char ch[5] = {0};
    if (json_is_string(v) && tpl_utf8_len(json_string_value(v), json_string_length(v)) == 1) {
      memcpy(ch, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v) || json_is_boolean(v)) {
      long long c = json_is_integer(v) ? (long long)json_integer_value(v) : json_is_true(v);
      if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000))
        return tpl_fail(rs, n, CC_EINVAL, "%%c arg not in range(0x110000)");
      cc_buf t = CC_BUF_INIT;
      if (tpl_utf8_put(&t, (unsigned)c)) rc = CC_ENOMEM;
      else memcpy(ch, t.ptr, t.len);
      cc_buf_free(&t);
    } else {
      return tpl_fail(rs, n, CC_EINVAL, "%%c requires int or char");
    }
    return rc == CC_OK ? S_pad(bp, sp, ch, strlen(ch), esc_all) : rc;
  }
  /* Numbers: digits, signs, '.', 'e', "inf", never escaped. */
  if (!v || !(json_is_number(v) || json_is_boolean(v)))
    return tpl_fail(rs, n, CC_EINVAL, "%%%c format: %s number is required, not %s", conv,
                    strchr("oxX", conv) ? "an integer" : "a real", tpl_type_name(v));
  if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'o' || conv == 'x' || conv == 'X') {
    if ((conv == 'o' || conv == 'x' || conv == 'X') && json_is_real(v))
      return tpl_fail(rs, n, CC_EINVAL, "%%%c format: an integer is required, not float", conv);
    long long iv;
    if (json_is_real(v)) {
      double d = json_real_value(v);
      if (!(fabs(d) < 9.2e18)) return tpl_fail(rs, n, CC_EINVAL, "integer out of the 64-bit range");
      iv = (long long)d;
    } else {
      iv = json_is_integer(v) ? (long long)json_integer_value(v) : json_is_true(v);
    }
    return S_int_conv(bp, sp, conv == 'i' || conv == 'u' ? 'd' : conv, iv);
  }
  double d = json_is_real(v) ? json_real_value(v) : json_is_integer(v) ? (double)json_integer_value(v) : json_is_true(v);
  return S_float_conv(bp, sp, conv, d);
}

/* Appends the literal text S (L bytes), escaped when ESC. */
static inline int S_lit(cc_buf *bp, const char *s, size_t l, int esc) {
  if (!l) return CC_OK;
  return esc ? tpl_escape(bp, s, l) : tpl_buf_add(bp, s, l);
}

/* FMT % ARGV: the ARGC positional arguments (a tuple's items when TUPLE,
 * else the one value), or DICT for %(key); SINGLE_SAFE: the one argument
 * is Markup (not escaped again). */
static int S_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const json_t *const *argv, size_t argc, int tuple,
                    const json_t *dict, int single_safe, const unsigned char *argsafe, tpl_val *out) {
  const char *s = json_string_value(fmt->j);
  size_t len = json_string_length(fmt->j);
  size_t next = 0;
  int markup = fmt->safe, rc = CC_OK, esc_all = 0;
  /* Printed as it is (the format filter under {{ }}): straight into the
   * output, and a plain format under autoescape escapes its literal text
   * and its arguments' text there (what escaping the whole result would
   * do; numbers need none). Else the render's scratch buffer, taken
   * while this runs (no allocation per call); a nested use would find
   * it taken and start its own. */
  cc_buf sb = {NULL, 0, 0, 0, 0}, *bp = rs->direct;
  size_t start = 0;
  if (bp) {
    rs->direct = NULL;
    start = bp->len;
    esc_all = rs->autoescape && !markup;
  } else {
    sb = tpl_f_scratch(rs);
    bp = &sb;
  }
  const S_fcache *fc = dict ? NULL : S_fc_get(s, len);
  for (int k = 0; fc && k < fc->n && rc == CC_OK; k++) {
    /* The parsed form: the same steps as below, without the parsing. */
    const S_fitem *it = &fc->it[k];
    if ((rc = S_lit(bp, s + it->lit, it->litlen, esc_all))) break;
    if (it->sp.width > (long long)rs->max_out || it->sp.prec > 100000) {
      rc = tpl_fail(rs, n, CC_ELIMIT, "format width exceeds the output limit");
      break;
    }
    if (it->conv == '%') {
      rc = tpl_buf_add(bp, "%", 1);
      continue;
    }
    if (next >= argc) {
      rc = tpl_fail(rs, n, CC_EINVAL, "not enough arguments for format string");
      break;
    }
    const json_t *v = argv[next++];
    int vsafe = (it->conv == 's' ? markup : it->conv == 'r' || it->conv == 'a') && v &&
                ((single_safe && !tuple) || (argsafe && argsafe[next - 1]) ||
                 (json_is_string(v) && tpl_tuple_kind(v) == TPL_MARKUP));
    rc = S_convert(rs, n, bp, &it->sp, (char)it->conv, v, markup, vsafe, esc_all);
    if (rc == CC_ETOOBIG) rc = tpl_fail(rs, n, CC_ELIMIT, "formatted string exceeds the output limit");
  }
  if (fc && rc == CC_OK) rc = S_lit(bp, s + fc->tail, len - fc->tail, esc_all);
  for (size_t i = 0; !fc && i < len && rc == CC_OK;) {
    const char *pct = memchr(s + i, '%', len - i);
    size_t lit = pct ? (size_t)(pct - (s + i)) : len - i;
    if ((rc = S_lit(bp, s + i, lit, esc_all))) break;
    i += lit;
    if (i >= len) break;
    i++; /* the '%' */
    S_spec sp = {0, 0, 0, 0, 0, -1, -1};
    const json_t *v = NULL;
    int keyed = 0;
    if (i < len && s[i] == '(') {
      size_t k = ++i;
      int depth = 1;
      while (i < len && depth) {
        if (s[i] == '(') depth++;
        else if (s[i] == ')') depth--;
        i++;
      }
      if (depth) {
        rc = tpl_fail(rs, n, CC_EINVAL, "incomplete format key");
        break;
      }
      if (!dict) {
        rc = tpl_fail(rs, n, CC_EINVAL, "format requires a mapping");
        break;
      }
      char key[256];
      size_t kl = i - 1 - k;
      if (kl >= sizeof key) kl = sizeof key - 1;
      memcpy(key, s + k, kl);
      key[kl] = 0;
      if (!(v = json_object_get(dict, key))) {
        rc = tpl_fail(rs, n, CC_EINVAL, "KeyError: '%s'", key);
        break;
      }
      keyed = 1;
    }
    for (; i < len; i++) {
      char c = s[i];
      if (c == '-') sp.left = 1;
      else if (c == '+') sp.plus = 1;
      else if (c == ' ') sp.space = 1;
      else if (c == '#') sp.alt = 1;
      else if (c == '0') sp.zero = 1;
      else break;
    }
    for (int part = 0; part < 2 && rc == CC_OK; part++) {
      long long *dst = part ? &sp.prec : &sp.width;
      if (part) {
        if (i >= len || s[i] != '.') break;
        i++;
        sp.prec = 0;
      }
      if (i < len && s[i] == '*') {
        i++;
        const json_t *w = tuple && next < argc ? argv[next] : NULL;
        if (!tuple || next >= argc) {
          rc = tpl_fail(rs, n, CC_EINVAL, "* wants int");
          break;
        }
        next++;
        if (!json_is_integer(w) && !json_is_boolean(w)) {
          rc = tpl_fail(rs, n, CC_EINVAL, "* wants int");
          break;
        }
        *dst = json_is_integer(w) ? (long long)json_integer_value(w) : json_is_true(w);
        if (!part && *dst < 0) {
          sp.left = 1;
          *dst = *dst < -LLONG_MAX ? LLONG_MAX : -*dst;
        }
        if (part && *dst < 0) *dst = 0;
      } else {
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
          if (*dst > 100000) continue;
          *dst = (*dst < 0 ? 0 : *dst) * 10 + (s[i] - '0');
        }
      }
    }
    if (rc) break;
    if (sp.width > (long long)rs->max_out || sp.prec > 100000) {
      rc = tpl_fail(rs, n, CC_ELIMIT, "format width exceeds the output limit");
      break;
    }
    while (i < len && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
    if (i >= len) {
      rc = tpl_fail(rs, n, CC_EINVAL, "incomplete format");
      break;
    }
    char conv = s[i++];
    if (conv == '%') {
      rc = tpl_buf_add(bp, "%", 1);
      continue;
    }
    int known = 0;
    switch (conv) {
    case 's': case 'r': case 'a': case 'd': case 'i': case 'u': case 'o': case 'x': case 'X':
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'c': known = 1; break;
    default: break;
    }
    if (!known) {
      rc = tpl_fail(rs, n, CC_EINVAL, "unsupported format character '%c' (0x%x) at index %zu", conv,
                    (unsigned char)conv, i - 1);
      break;
    }
    if (!keyed) {
      if (next >= argc) {
        rc = tpl_fail(rs, n, CC_EINVAL, "not enough arguments for format string");
        break;
      }
      v = argv[next];
      next++;
    }
    /* Markup % args escapes each argument's str() unless it is Markup
     * itself (the single safe one, a safe one of the format filter's, one
     * kept as Markup in a tuple or dict); repr() is always escaped. */
    int vsafe = 0;
    if ((conv == 's' ? markup : conv == 'r' || conv == 'a') && v)
      vsafe = (single_safe && !tuple) || (!keyed && argsafe && argsafe[next - 1]) ||
              (json_is_string(v) && tpl_tuple_kind(v) == TPL_MARKUP);
    rc = S_convert(rs, n, bp, &sp, conv, v, markup, vsafe, esc_all);
    if (rc == CC_ETOOBIG) rc = tpl_fail(rs, n, CC_ELIMIT, "formatted string exceeds the output limit");
  }
  /* Python takes one list argument for a mapping here ("abc" % [1] is
   * "abc"): only a tuple's or a scalar's items left over are an error. */
  int seq = !tuple && argc == 1 &&
            (!argv[0] || /* Undefined has a __getitem__ too */
             (json_is_array(argv[0]) && (tpl_tuple_kind(argv[0]) == TPL_LIST || tpl_tuple_kind(argv[0]) == TPL_RANGE)));
  if (rc == CC_OK && !dict && next < argc && !seq)
    rc = tpl_fail(rs, n, CC_EINVAL, "not all arguments converted during string formatting");
  if (rc == CC_OK && bp->len - start > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "formatted string exceeds the output limit");
  if (bp != &sb) { /* printed: what tpl_f_put leaves */
    if (rc == CC_OK) *out = tpl_direct_done();
    return rc;
  }
  if (rc == CC_OK) rc = tpl_f_put_valid(rs, out, sb.ptr ? sb.ptr : "", sb.len, markup);
  tpl_f_unscratch(rs, &sb);
  return rc;
}

int tpl_format(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const tpl_val *args, int tuple, tpl_val *out) {
  const json_t *a = args->j;
  /* An undefined argument prints as Undefined does (empty), unless strict. */
  if (!a && rs->strict) return tpl_fail_undef(rs, n, args);
  if (!tuple) return S_format(rs, n, fmt, &a, 1, 0, a && json_is_object(a) ? a : NULL, args->safe, NULL, out);
  size_t argc = json_array_size(a);
  const json_t *few[16] = {NULL}, **argv = argc <= 16 ? few : malloc(argc * sizeof *argv);
  if (!argv) return CC_ENOMEM;
  for (size_t i = 0; i < argc; i++) argv[i] = json_array_get(a, i);
  int rc = S_format(rs, n, fmt, argv, argc, 1, NULL, 0, NULL, out);
  if (argv != few) free(argv);
  return rc;
}

int tpl_format_argv(tpl_rs *rs, const tpl_node *n, const tpl_val *fmt, const json_t *const *argv,
                    const unsigned char *argsafe, size_t argc, tpl_val *out) {
  return S_format(rs, n, fmt, argv, argc, 1, NULL, 0, argsafe, out);
}
