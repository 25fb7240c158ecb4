/* filters_str.c: Jinja2's string filters (case, escaping, trim, replace,
 * truncate, center, indent, wordwrap, wordcount, striptags). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

#define UNUSED (void)a, (void)args

/* ---- case mapping (casemap.c: Unicode as Python maps it) ---- */

/* A separator of Jinja2's title filter: [-\s({\[<] (\s as Python's re
 * matches it in a str). */
static int S_title_sep(const char *s, size_t n) {
  unsigned char c = (unsigned char)s[0];
  if (n == 1)
    return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || c == ' ' || (c >= 0x09 && c <= 0x0D) ||
           (c >= 0x1C && c <= 0x1F);
  static const char *const ws[] = {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
                                   "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80"};
  for (size_t i = 0; i < sizeof ws / sizeof *ws; i++)
    if (strlen(ws[i]) == n && memcmp(s, ws[i], n) == 0) return 1;
  /* U+2000..U+200A */
  return n == 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] <= 0x8A;
}

/* title: each word's first character upper, the rest lower, words being
 * what Jinja2's split on [-\s({\[<]+ leaves. */
static int S_title(cc_buf *b, const char *s, size_t l) {
  int rc = CC_OK;
  size_t a = 0;
  while (a < l && (unsigned char)s[a] < 0x80) a++;
  if (a == l) { /* ASCII: one pass, a byte at a time */
    size_t at = b->len;
    if ((rc = tpl_buf_add(b, s, l))) return rc;
    /* S_title_sep of one ASCII byte: - ( { [ < space \t-\r \x1c-\x1f */
    static const unsigned char sep[128] = {[9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [0x1c] = 1, [0x1d] = 1,
                                           [0x1e] = 1, [0x1f] = 1, [' '] = 1, ['-'] = 1, ['('] = 1, ['{'] = 1,
                                           ['['] = 1, ['<'] = 1};
    int inword = 0;
    for (char *p = b->ptr + at, *e = b->ptr + b->len; p < e; p++) {
      if (sep[(unsigned char)*p]) inword = 0;
      else if (!inword) {
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p ^ 0x20);
        inword = 1;
      } else if (*p >= 'A' && *p <= 'Z') {
        *p = (char)(*p ^ 0x20);
      }
    }
    return CC_OK;
  }
  for (size_t i = 0; i < l && rc == CC_OK;) {
    size_t n = tpl_utf8_seq(s + i, l - i);
    if (S_title_sep(s + i, n)) {
      rc = tpl_buf_add(b, s + i, n);
      i += n;
      continue;
    }
    size_t j = i + n;
    while (j < l) {
      size_t m = tpl_utf8_seq(s + j, l - j);
      if (S_title_sep(s + j, m)) break;
      j += m;
    }
    rc = tpl_case_map(b, s + i, n, TPL_UPPER);
    if (rc == CC_OK) rc = tpl_case_map(b, s + i + n, j - i - n, TPL_LOWER);
    i = j;
  }
  return rc;
}

static int S_case(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *out, int mode) {
  const char *s;
  size_t l;
  tpl_val t;
  int rc = tpl_f_instr(rs, n, in, &s, &l, &t);
  if (rc) return rc;
  cc_buf b = tpl_f_scratch(rs);
  if (mode == 3) rc = S_title(&b, s, l);
  else rc = tpl_case_map(&b, s, l, mode == 0 ? TPL_UPPER : mode == 1 ? TPL_LOWER : TPL_TITLE);
  if (rc == CC_OK && rs->direct) {
    rc = tpl_f_put(rs, out, b.ptr ? b.ptr : "", b.len, mode != 3 && t.safe);
  } else if (rc == CC_OK && b.len == l && (!l || !memcmp(b.ptr, s, l))) {
    rc = tpl_f_put_same(rs, out, in, s, l, mode != 3 && t.safe); /* already in that case */
  } else if (rc == CC_OK) {
    /* Valid UTF-8 mapped code point by code point stays valid. */
    *out = tpl_own(tpl_str_new(b.ptr ? b.ptr : "", b.len));
    /* upper, lower and capitalize are Markup's methods; do_title joins the
     * plain pieces of a re.split, so its result is never Markup. */
    out->safe = mode != 3 && t.safe;
    rc = out->j ? CC_OK : CC_ENOMEM;
  } else {
    rc = CC_ENOMEM;
  }
  tpl_f_unscratch(rs, &b);
  tpl_val_drop(&t);
  return rc;
}

TPL_FILTER(tpl_f_upper) {
  UNUSED;
  return S_case(rs, n, in, out, 0);
}
TPL_FILTER(tpl_f_lower) {
  UNUSED;
  return S_case(rs, n, in, out, 1);
}
TPL_FILTER(tpl_f_capitalize) {
  UNUSED;
  return S_case(rs, n, in, out, 2);
}
TPL_FILTER(tpl_f_title) {
  UNUSED;
  return S_case(rs, n, in, out, 3);
}

/* ---- escaping ---- */

static int S_escape(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *out, int force) {
  if (in->safe && !force) {
    *out = tpl_borrow(in->j);
    out->safe = 1;
    return CC_OK;
  }
  const char *s;
  size_t l;
  tpl_val t;
  int rc;
  /* escape(None) is 'None'; an undefined value escapes to ''. */
  if ((rc = tpl_f_instr(rs, n, in, &s, &l, &t))) return rc;
  cc_buf b = tpl_f_scratch(rs);
  rc = tpl_escape(&b, s, l);
  tpl_val_drop(&t);
  if (rc) {
    tpl_f_unscratch(rs, &b);
    return CC_ENOMEM;
  }
  return tpl_f_putscratch(rs, out, &b, 1);
}

TPL_FILTER(tpl_f_escape) {
  UNUSED;
  return S_escape(rs, n, in, out, 0);
}
TPL_FILTER(tpl_f_forceescape) {
  UNUSED;
  return S_escape(rs, n, in, out, 1);
}

TPL_FILTER(tpl_f_safe) {
  UNUSED;
  int rc = tpl_to_str(rs, n, in, out);
  if (rc) return rc;
  out->safe = 1;
  return CC_OK;
}

TPL_FILTER(tpl_f_string) {
  UNUSED;
  return tpl_to_str(rs, n, in, out);
}

/* ---- trim, replace, truncate ---- */

TPL_FILTER(tpl_f_trim) {
  (void)args;
  const char *s, *chars = NULL;
  size_t l;
  tpl_val t;
  int rc;
  if (a[0] && a[0]->j && !json_is_null(a[0]->j)) {
    if (!json_is_string(a[0]->j)) return tpl_fail(rs, n, CC_EINVAL, "strip arg must be None or str");
    chars = json_string_value(a[0]->j);
  }
  if ((rc = tpl_f_instr(rs, n, in, &s, &l, &t))) return rc;
  size_t i = 0, j = l;
  if (chars) {
    /* ASCII chars only: multibyte sets would need code point matching. */
    while (i < j && s[i] && strchr(chars, s[i])) i++;
    while (j > i && s[j - 1] && strchr(chars, s[j - 1])) j--;
  } else {
    while (i < j && tpl_f_isws(s[i])) i++;
    while (j > i && tpl_f_isws(s[j - 1])) j--;
  }
  rc = tpl_f_put_same(rs, out, in, s + i, j - i, t.safe); /* nothing to strip: IN itself */
  tpl_val_drop(&t);
  return rc;
}

TPL_FILTER(tpl_f_replace) {
  (void)args;
  int rc;
  if (!a[0] || !a[1]) return tpl_fail(rs, n, CC_EINVAL, "replace() missing required arguments 'old' and 'new'");
  long long count = -1;
  if (a[2] && a[2]->j && json_is_null(a[2]->j)) a[2] = NULL;
  if ((rc = tpl_f_int(rs, n, a[2], -1, &count))) return rc;
  tpl_val ts, to, tn;
  const char *s, *o, *nw;
  size_t sl, ol, nl;
  if ((rc = tpl_f_instr(rs, n, in, &s, &sl, &ts))) return rc;
  if ((rc = tpl_f_instr(rs, n, a[0], &o, &ol, &to))) {
    tpl_val_drop(&ts);
    return rc;
  }
  if ((rc = tpl_f_instr(rs, n, a[1], &nw, &nl, &tn))) {
    tpl_val_drop(&ts);
    tpl_val_drop(&to);
    return rc;
  }
  /* Without autoescape do_replace works on str(s): a plain result. */
  int markup = rs->autoescape && (ts.safe || to.safe || tn.safe);
  cc_buf src = CC_BUF_INIT, b = tpl_f_scratch(rs), nb = CC_BUF_INIT;
  /* Markup.replace escapes what is not Markup; markupsafe 3 escapes NEW
   * but not OLD. */
  const char *S = s, *O = o, *N = nw;
  size_t SL = sl, OL = ol, NL = nl, i = 0;
  if (markup && !ts.safe) {
    rc |= tpl_escape(&src, s, sl);
    S = src.ptr ? src.ptr : "";
    SL = src.len;
  }
  if (markup && !tn.safe) {
    rc |= tpl_escape(&nb, nw, nl);
    N = nb.ptr ? nb.ptr : "";
    NL = nb.len;
  }
  long long done = 0;
  while (rc == CC_OK && OL == 0 && i <= SL) {
    /* An empty OLD: NEW before each code point and at the end. */
    if (count >= 0 && done >= count) {
      rc = tpl_buf_add(&b, S + i, SL - i);
      break;
    }
    rc = tpl_buf_add(&b, N, NL);
    if (i < SL) {
      size_t j = i + 1;
      while (j < SL && ((unsigned char)S[j] & 0xC0) == 0x80) j++;
      rc |= tpl_buf_add(&b, S + i, j - i);
      i = j;
    } else {
      i++;
    }
    done++;
    if (b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "replace result exceeds the output limit");
  }
  while (rc == CC_OK && OL && i <= SL) {
    /* The next occurrence of OLD from I (memchr for its first byte). */
    const char *hit = NULL;
    if (count < 0 || done < count)
      for (const char *p = S + i; SL - (size_t)(p - S) >= OL && (p = memchr(p, O[0], SL - (size_t)(p - S) - OL + 1)); p++)
        if (!memcmp(p, O, OL)) {
          hit = p;
          break;
        }
    if (!hit) {
      rc = tpl_buf_add(&b, S + i, SL - i);
      break;
    }
    rc = tpl_buf_add(&b, S + i, (size_t)(hit - (S + i)));
    if (rc == CC_OK) rc = tpl_buf_add(&b, N, NL);
    i = (size_t)(hit - S) + OL;
    done++;
    if (b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "replace result exceeds the output limit");
  }
  if (rc == CC_OK && b.len > rs->max_out) rc = tpl_fail(rs, n, CC_ELIMIT, "replace result exceeds the output limit");
  if (rc == CC_OK && !done && S == s) rc = tpl_f_put_same(rs, out, in, s, sl, markup); /* nothing replaced */
  else if (rc == CC_OK) rc = tpl_f_put_valid(rs, out, b.ptr ? b.ptr : "", b.len, markup);
  else if (rc != CC_ELIMIT) rc = CC_ENOMEM;
  tpl_f_unscratch(rs, &b);
  if (src.ptr) cc_buf_free(&src);
  if (nb.ptr) cc_buf_free(&nb);
  tpl_val_drop(&ts);
  tpl_val_drop(&to);
  tpl_val_drop(&tn);
  return rc;
}

/* Appends P (L bytes) to the output D, escaped when ESC. */
static int S_put_piece(cc_buf *d, const char *p, size_t l, int esc) {
  return esc ? tpl_escape(d, p, l) : tpl_buf_add(d, p, l);
}

int tpl_f_truncate_in(tpl_rs *rs, const tpl_node *n, const tpl_val **a, const tpl_val *in, const char *raw,
                      size_t rawlen, tpl_val *out) {
  long long length = 0, leeway = 0;
  int rc;
  if (a[3] && a[3]->j && json_is_null(a[3]->j)) a[3] = NULL;
  if ((rc = tpl_f_int(rs, n, a[0], 255, &length)) || (rc = tpl_f_int(rs, n, a[3], 5, &leeway))) return rc;
  const char *s = raw, *end = "...";
  size_t l = rawlen, el = 3;
  tpl_val t = tpl_undef(NULL), te = tpl_undef(NULL);
  if (a[2] && (rc = tpl_f_instr(rs, n, a[2], &end, &el, &te))) return rc;
  size_t endcp = a[2] ? tpl_utf8_len(end, el) : 3;
  if (length < (long long)endcp) {
    tpl_val_drop(&te);
    return tpl_fail(rs, n, CC_EINVAL, "expected length >= %zu, got %lld", endcp, length);
  }
  if (leeway < 0) {
    tpl_val_drop(&te);
    return tpl_fail(rs, n, CC_EINVAL, "expected leeway >= 0, got %lld", leeway);
  }
  if (in && in->j && (json_is_number(in->j) || json_is_boolean(in->j) || json_is_null(in->j))) {
    /* do_truncate takes len(s) first. */
    tpl_val_drop(&te);
    return tpl_fail(rs, n, CC_EINVAL, "object of type '%s' has no len()", tpl_type_name(in->j));
  }
  if (in && in->j && (json_is_array(in->j) || json_is_object(in->j))) {
    /* A list or dict short enough comes back as it is; a longer one
     * fails, as slicing it and adding a str does in do_truncate. */
    size_t cnt = json_is_array(in->j) ? json_array_size(in->j) : json_object_size(in->j);
    tpl_val_drop(&te);
    if ((long long)cnt <= length + leeway) {
      *out = tpl_dup(in);
      return CC_OK;
    }
    return tpl_fail(rs, n, CC_EINVAL, "truncate: a '%s' longer than %lld cannot be cut", tpl_type_name(in->j), length);
  }
  if (in && (rc = tpl_f_instr(rs, n, in, &s, &l, &t))) {
    tpl_val_drop(&te);
    return rc;
  }
  size_t cps = tpl_utf8_len(s, l);
  if ((long long)cps <= length + leeway) {
    rc = tpl_f_put_same(rs, out, in, s, l, t.safe);
  } else {
    /* Byte offset of code point LENGTH - len(end). */
    long long keep = length - (long long)endcp;
    size_t off = 0;
    for (long long k = 0; k < keep && off < l; k++) {
      off++;
      while (off < l && ((unsigned char)s[off] & 0xC0) == 0x80) off++;
    }
    size_t cut = off;
    if (!tpl_f_truthy(a[1], 0)) {
      /* rsplit(" ", 1)[0]: drop from the last space on, if any. */
      for (size_t k = off; k-- > 0;)
        if (s[k] == ' ') {
          cut = k;
          break;
        }
    }
    /* A Markup's slice is Markup; the sum is Markup when either side is,
     * the other side escaped (Markup's __add__ and __radd__). */
    int safe = t.safe || te.safe;
    if (rs->direct) {
      /* Printed as it is: both sides straight into the output, each
       * escaped when the sum would be (safe) or its printing would
       * (autoescape) and it is not Markup itself. */
      cc_buf *d = rs->direct;
      rs->direct = NULL;
      *out = tpl_direct_done();
      rc = S_put_piece(d, s, cut, !t.safe && (safe || rs->autoescape));
      if (rc == CC_OK) rc = S_put_piece(d, end, el, !te.safe && (safe || rs->autoescape));
      if (rc) rc = rc == CC_ETOOBIG ? CC_ELIMIT : CC_ENOMEM;
    } else {
      cc_buf b = tpl_f_scratch(rs);
      rc = safe && !t.safe ? tpl_escape(&b, s, cut) : tpl_buf_add(&b, s, cut);
      if (rc == CC_OK) rc = safe && !te.safe ? tpl_escape(&b, end, el) : tpl_buf_add(&b, end, el);
      if (rc) {
        tpl_f_unscratch(rs, &b);
        rc = CC_ENOMEM;
      } else {
        rc = tpl_f_putscratch(rs, out, &b, safe);
      }
    }
  }
  tpl_val_drop(&t);
  tpl_val_drop(&te);
  return rc;
}

TPL_FILTER(tpl_f_truncate) {
  (void)args;
  return tpl_f_truncate_in(rs, n, a, in, NULL, 0, out);
}

/* ---- layout ---- */

static int S_spaces(cc_buf *b, long long k) { return k > 0 ? tpl_buf_fill(b, ' ', (size_t)k) : CC_OK; }

/* str.center: the extra space goes left when the margin and width are odd. */
TPL_FILTER(tpl_f_center) {
  (void)args;
  long long width;
  const char *s;
  size_t l;
  tpl_val t;
  int rc;
  if ((rc = tpl_f_int(rs, n, a[0], 80, &width))) return rc;
  if (width > (long long)rs->max_out) return tpl_fail(rs, n, CC_ELIMIT, "center width exceeds the output limit");
  if ((rc = tpl_f_instr(rs, n, in, &s, &l, &t))) return rc;
  long long len = (long long)tpl_utf8_len(s, l), marg = width - len;
  int safe = t.safe; /* Markup.center is Markup */
  if (marg <= 0) {
    rc = tpl_f_put_same(rs, out, in, s, l, safe); /* nothing to add: IN itself */
    tpl_val_drop(&t);
    return rc;
  }
  cc_buf b = tpl_f_scratch(rs);
  long long left = marg / 2 + (marg & width & 1);
  rc = S_spaces(&b, left);
  if (rc == CC_OK) rc = tpl_buf_add(&b, s, l);
  if (rc == CC_OK) rc = S_spaces(&b, marg - left);
  if (rc == CC_OK) rc = tpl_f_put_valid(rs, out, b.ptr ? b.ptr : "", b.len, safe);
  else rc = CC_ENOMEM;
  tpl_f_unscratch(rs, &b);
  tpl_val_drop(&t);
  return rc;
}

/* CC_OK when IN is a string; else Python's error for `IN += "\n"`
 * (IADD) or `IN.splitlines()`. */
static int S_need_str(tpl_rs *rs, const tpl_node *n, const tpl_val *in, int iadd) {
  if (in->j && json_is_string(in->j)) return CC_OK;
  if (!in->j) return tpl_fail_undef(rs, n, in);
  const char *ty = tpl_type_name(in->j);
  if (iadd && !json_is_array(in->j))
    return tpl_fail(rs, n, CC_EINVAL, "unsupported operand type(s) for +=: '%s' and 'str'", ty);
  return tpl_fail(rs, n, CC_EINVAL, "'%s' object has no attribute 'splitlines'", ty);
}

/* Whether S (L bytes, not empty) ends with a line break of splitlines()
 * other than a lone "\r" (which a "\n" after it would join). */
static int S_ends_break(const char *s, size_t l) {
  unsigned char c = (unsigned char)s[l - 1];
  if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1c && c <= 0x1e)) return 1;
  if (l >= 2 && (unsigned char)s[l - 2] == 0xC2 && c == 0x85) return 1;
  return l >= 3 && (unsigned char)s[l - 3] == 0xE2 && (unsigned char)s[l - 2] == 0x80 && (c == 0xA8 || c == 0xA9);
}

TPL_FILTER(tpl_f_indent) {
  (void)args;
  const char *s, *ind = NULL;
  size_t l, il = 0;
  tpl_val t;
  long long w = 4;
  int rc;
  char sp[64];
  if (a[0] && a[0]->j && json_is_string(a[0]->j)) {
    ind = json_string_value(a[0]->j);
    il = json_string_length(a[0]->j);
  } else if ((rc = tpl_f_int(rs, n, a[0], 4, &w))) {
    return rc;
  }
  if (w > 10000) return tpl_fail(rs, n, CC_ELIMIT, "indent width above 10000");
  cc_buf ib = CC_BUF_INIT;
  if (!ind && w <= (long long)sizeof sp) {
    il = w > 0 ? (size_t)w : 0;
    memset(sp, ' ', il);
    ind = sp;
  } else if (!ind) {
    if (S_spaces(&ib, w)) return CC_ENOMEM;
    ind = ib.ptr ? ib.ptr : "";
    il = ib.len;
  }
  /* do_indent's `s += "\n"` takes only a string (Markup included). */
  if ((rc = S_need_str(rs, n, in, 1)) || (rc = tpl_f_instr(rs, n, in, &s, &l, &t))) {
    cc_buf_free(&ib);
    return rc;
  }
  int first = tpl_f_truthy(a[1], 0), blank = tpl_f_truthy(a[2], 0);
  /* (s + "\n").splitlines(), rejoined with "\n": the lines of S, and an
   * empty one more when S is empty or ends with a break the "\n" does
   * not join. */
  cc_buf b = tpl_f_scratch(rs);
  size_t pos = 0, ls, le, k = 0;
  int extra = !l || S_ends_break(s, l);
  if (first) rc = tpl_buf_add(&b, ind, il);
  for (;;) {
    if (rc != CC_OK) break;
    if (!tpl_f_line(s, l, &pos, &ls, &le)) {
      if (!extra) break;
      extra = 0;
      ls = le = l;
    }
    if (k) rc = tpl_buf_add(&b, "\n", 1);
    if (rc == CC_OK && k && (blank || le > ls)) rc = tpl_buf_add(&b, ind, il);
    if (rc == CC_OK) rc = tpl_buf_add(&b, s + ls, le - ls);
    if (b.len > rs->max_out) rc = CC_ETOOBIG;
    k++;
  }
  int safe = t.safe;
  cc_buf_free(&ib);
  if (rc) {
    tpl_f_unscratch(rs, &b);
    tpl_val_drop(&t);
    return rc == CC_ETOOBIG ? tpl_fail(rs, n, CC_ELIMIT, "indent result exceeds the output limit") : CC_ENOMEM;
  }
  rc = tpl_f_putscratch(rs, out, &b, safe);
  tpl_val_drop(&t);
  return rc;
}

TPL_FILTER(tpl_f_wordcount) {
  UNUSED;
  const char *s;
  size_t l;
  tpl_val t;
  int rc = tpl_f_instr(rs, n, in, &s, &l, &t);
  if (rc) return rc;
  long long words = 0;
  int inword = 0;
  for (size_t i = 0; i < l;) {
    size_t k = tpl_utf8_seq(s + i, l - i);
    int w = tpl_f_word(s + i, k);
    if (w && !inword) words++;
    inword = w;
    i += k;
  }
  tpl_val_drop(&t);
  *out = tpl_own(tpl_int_new(words));
  return out->j ? CC_OK : CC_ENOMEM;
}

/* ---- wordwrap: Python's textwrap.wrap on each line ---- */

typedef struct {
  const char *s;
  size_t len; /* bytes */
  size_t cps; /* code points */
  int ws;
} S_chunk;

static int S_ws(char c) {
  /* ' ', \t, \n, \v, \f, \r */
  return (unsigned char)c <= ' ' && ((1ULL << (unsigned char)c) & 0x100003E00ULL);
}
/* textwrap's letter, [^\d\W], at byte I (a code point's first byte). */
static int S_letter(const char *s, size_t i, size_t l) {
  if (i >= l) return 0;
  size_t k = tpl_utf8_seq(s + i, l - i);
  return tpl_f_word(s + i, k) && !tpl_f_digit(s + i, k);
}

/* The start of the code point before byte I (not before FROM). */
static size_t S_prev(const char *s, size_t from, size_t i) {
  if (i <= from) return (size_t)-1;
  i--;
  while (i > from && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  return i;
}

/* Whether textwrap splits after the hyphen at byte J of the word that
 * starts at I: two letters before it, or letter-hyphen-letter, and a
 * letter after it, then a letter or a hyphen and a letter. */
static int S_hyphen_break(const char *s, size_t i, size_t j, size_t l) {
  size_t p1 = S_prev(s, i, j), p2 = p1 == (size_t)-1 ? p1 : S_prev(s, i, p1);
  if (p2 == (size_t)-1 || !S_letter(s, p1, l)) return 0;
  int before = S_letter(s, p2, l);
  if (!before && s[p2] == '-') {
    size_t p3 = S_prev(s, i, p2);
    before = p3 != (size_t)-1 && S_letter(s, p3, l);
  }
  if (!before) return 0;
  size_t n1 = j + 1;
  if (!S_letter(s, n1, l)) return 0;
  size_t n2 = n1 + tpl_utf8_seq(s + n1, l - n1);
  if (S_letter(s, n2, l)) return 1;
  return n2 < l && s[n2] == '-' && S_letter(s, n2 + 1, l);
}

/* Byte classes of textwrap's chunking: 1 whitespace, 2 a hyphen. */
static const unsigned char S_cls[256] = {['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, ['-'] = 2};

/* textwrap's chunks: whitespace runs, and words (split after a hyphen
 * between letters when BREAK_HYPHENS). */
static int S_chunks(const char *s, size_t l, int hy, S_chunk *few, size_t nfew, S_chunk **out, size_t *nout) {
  /* About one chunk per three bytes of prose: most texts need no realloc;
   * a short one's chunks fit in FEW (NFEW of them, the caller's). */
  size_t cap = l / 3 + 16, k = 0, ascii = 1, i = 0;
  if (cap > 4096) cap = 4096;
  if (cap <= nfew) cap = nfew;
  /* ASCII eight bytes at a time. */
  for (uint64_t x; i + 8 <= l && ascii; i += 8) {
    memcpy(&x, s + i, 8);
    ascii = !(x & 0x8080808080808080ULL);
  }
  for (; i < l && ascii; i++) ascii = (unsigned char)s[i] < 0x80;
  S_chunk *c = cap == nfew ? few : malloc(cap * sizeof *c);
  if (!c) return CC_ENOMEM;
  for (i = 0; i < l;) {
    size_t j = i;
    int ws = S_cls[(unsigned char)s[i]] == 1;
    if (ws) {
      while (j < l && S_cls[(unsigned char)s[j]] == 1) j++;
    } else {
      for (; j < l; j++) {
        unsigned cl = S_cls[(unsigned char)s[j]];
        if (!cl) continue;
        if (cl == 1) break;
        if (hy && S_hyphen_break(s, i, j, l)) {
          j++;
          break;
        }
      }
    }
    if (k == cap) {
      S_chunk *nc = c == few ? malloc(2 * cap * sizeof *c) : realloc(c, 2 * cap * sizeof *c);
      if (!nc) {
        if (c != few) free(c);
        return CC_ENOMEM;
      }
      if (c == few) memcpy(nc, few, cap * sizeof *c);
      c = nc;
      cap *= 2;
    }
    c[k].s = s + i;
    c[k].len = j - i;
    c[k].cps = ascii ? j - i : tpl_utf8_len(s + i, j - i);
    c[k].ws = ws;
    k++;
    i = j;
  }
  *out = c;
  *nout = k;
  return CC_OK;
}

/* Byte length of the first K code points of S. */
static size_t S_prefix(const char *s, size_t len, size_t k) {
  size_t i = 0;
  for (size_t n = 0; i < len && n < k; n++) i += tpl_utf8_seq(s + i, len - i);
  return i;
}

/* Appends textwrap.wrap(LINE, WIDTH) joined by WRAP (the caller joins
 * the paragraphs by WRAP too). Each line is built in B itself and taken
 * back if it ends up empty. */
static int S_wrap(cc_buf *b, const char *line, size_t l, size_t width, int longw, int hy, const char *wrap, size_t wl) {
  /* A line that fits is one line: itself without its closing whitespace
   * (none when it is all whitespace), whatever its chunks. */
  if (l <= width || tpl_utf8_len(line, l) <= width) {
    size_t e = l;
    while (e && S_cls[(unsigned char)line[e - 1]] == 1) e--;
    return tpl_buf_add(b, line, e);
  }
  S_chunk few[64], *c;
  size_t nc, top = 0, nlines = 0;
  int rc = S_chunks(line, l, hy, few, sizeof few / sizeof *few, &c, &nc);
  if (rc) return rc;
  while (top < nc && rc == CC_OK) {
    size_t curlen = 0, mark = b->len;
    /* Whitespace opening a line is dropped, but at the very start. */
    if (c[top].ws && nlines) top++;
    if (nlines && (rc = tpl_buf_add(b, wrap, wl))) break;
    size_t start = b->len, last_ws = 0, ncur = 0;
    int empty_last = 0; /* textwrap put an empty piece of a long word last */
    while (top < nc && curlen + c[top].cps <= width) {
      if ((rc = tpl_buf_add(b, c[top].s, c[top].len))) break;
      curlen += c[top].cps;
      last_ws = c[top].ws;
      ncur++;
      top++;
    }
    if (rc) break;
    if (top < nc && c[top].cps > width) {
      size_t left = width < 1 ? 1 : width - curlen;
      if (longw) {
        size_t end = left;
        if (hy && c[top].cps > left) {
          /* The last hyphen within LEFT code points, after a non-hyphen. */
          size_t lim = S_prefix(c[top].s, c[top].len, left), hyph = 0;
          for (size_t q = lim; q-- > 1;)
            if (c[top].s[q] == '-') {
              hyph = q;
              break;
            }
          int other = 0;
          for (size_t q = 0; q < hyph; q++) other |= c[top].s[q] != '-';
          if (hyph > 0 && other) end = tpl_utf8_len(c[top].s, hyph) + 1;
        }
        size_t eb = S_prefix(c[top].s, c[top].len, end);
        if ((rc = tpl_buf_add(b, c[top].s, eb))) break;
        empty_last = end == 0;
        if (eb) {
          last_ws = c[top].ws;
          ncur++;
        }
        c[top].s += eb;
        c[top].len -= eb;
        c[top].cps -= end < c[top].cps ? end : c[top].cps;
      } else if (ncur == 0) {
        if ((rc = tpl_buf_add(b, c[top].s, c[top].len))) break;
        last_ws = c[top].ws;
        ncur++;
        top++;
      }
    }
    /* Whitespace closing a line is dropped; CPython's textwrap drops the
     * empty piece instead when a full line met a long word (left == 0). */
    if (ncur && last_ws && !empty_last) {
      size_t k = b->len;
      while (k > start && S_ws(b->ptr[k - 1])) k--;
      cc_buf_truncate(b, k);
      ncur--;
    }
    if (ncur) nlines++;
    else cc_buf_truncate(b, mark);
  }
  if (c != few) free(c);
  return rc;
}

TPL_FILTER(tpl_f_wordwrap) {
  (void)args;
  long long width;
  const char *s, *wrap = "\n";
  size_t l, wl = 1;
  tpl_val t, tw = tpl_undef(NULL);
  int rc;
  if ((rc = tpl_f_int(rs, n, a[0], 79, &width))) return rc;
  if (width <= 0) return tpl_fail(rs, n, CC_EINVAL, "invalid width %lld (must be > 0)", width);
  if (a[2] && a[2]->j && !json_is_null(a[2]->j) && (rc = tpl_f_instr(rs, n, a[2], &wrap, &wl, &tw))) return rc;
  /* do_wordwrap calls s.splitlines(): a string's method. */
  if ((rc = S_need_str(rs, n, in, 0)) || (rc = tpl_f_instr(rs, n, in, &s, &l, &t))) {
    tpl_val_drop(&tw);
    return rc;
  }
  cc_buf b = tpl_f_scratch(rs);
  size_t pos = 0, ls, le, k = 0;
  while (rc == CC_OK && tpl_f_line(s, l, &pos, &ls, &le)) {
    if (k++) rc = tpl_buf_add(&b, wrap, wl);
    if (rc == CC_OK)
      rc = S_wrap(&b, s + ls, le - ls, (size_t)width, tpl_f_truthy(a[1], 1), tpl_f_truthy(a[3], 1), wrap, wl);
    if (b.len > rs->max_out) rc = CC_ETOOBIG;
  }
  if (rc) {
    tpl_f_unscratch(rs, &b);
    tpl_val_drop(&t);
    tpl_val_drop(&tw);
    return rc == CC_ETOOBIG ? tpl_fail(rs, n, CC_ELIMIT, "wordwrap result exceeds the output limit") : CC_ENOMEM;
  }
  rc = tpl_f_putscratch(rs, out, &b, 0);
  tpl_val_drop(&t);
  tpl_val_drop(&tw);
  return rc;
}

/* ---- striptags: Markup.striptags ---- */

/* Removes [START, END) markers pairs (comments, then tags) in place. */
static size_t S_strip(char *v, size_t len, const char *open, const char *close) {
  size_t ol = strlen(open), cl = strlen(close), from = 0;
  for (;;) {
    char *st = NULL;
    for (size_t i = from; i + ol <= len; i++)
      if (!memcmp(v + i, open, ol)) {
        st = v + i;
        break;
      }
    if (!st) return len;
    char *en = NULL;
    for (char *p = st; p + cl <= v + len; p++)
      if (!memcmp(p, close, cl)) {
        en = p;
        break;
      }
    if (!en) return len;
    size_t cut = (size_t)(en + cl - st);
    memmove(st, en + cl, (size_t)(v + len - (en + cl)));
    len -= cut;
    from = (size_t)(st - v);
  }
}

TPL_FILTER(tpl_f_striptags) {
  UNUSED;
  const char *s;
  size_t l;
  tpl_val t;
  int rc = tpl_f_instr(rs, n, in, &s, &l, &t);
  if (rc) return rc;
  char *v = malloc(l + 1);
  if (!v) {
    tpl_val_drop(&t);
    return CC_ENOMEM;
  }
  memcpy(v, s, l);
  tpl_val_drop(&t);
  l = S_strip(v, l, "<!--", "-->");
  l = S_strip(v, l, "<", ">");
  /* " ".join(value.split()), then unescape. */
  cc_buf sp = CC_BUF_INIT, b = CC_BUF_INIT;
  for (size_t i = 0; i < l && rc == CC_OK;) {
    size_t k = tpl_utf8_seq(v + i, l - i);
    if (S_title_sep(v + i, k) && !(k == 1 && strchr("-({[<", v[i]))) {
      i += k;
      continue;
    }
    size_t j = i;
    while (j < l) {
      size_t m = tpl_utf8_seq(v + j, l - j);
      if (S_title_sep(v + j, m) && !(m == 1 && strchr("-({[<", v[j]))) break;
      j += m;
    }
    if (sp.len) rc = cc_buf_putc(&sp, ' ');
    if (rc == CC_OK) rc = cc_buf_add(&sp, v + i, j - i);
    i = j;
  }
  free(v);
  if (rc == CC_OK) rc = tpl_html_unescape(&b, sp.ptr ? sp.ptr : "", sp.len);
  cc_buf_free(&sp);
  if (rc) {
    cc_buf_free(&b);
    return CC_ENOMEM;
  }
  return tpl_f_putbuf(rs, out, &b, 0);
}
