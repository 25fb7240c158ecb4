/* methods_more.c: more of str's methods, with Python's semantics: the
 * is...() predicates (isalpha, isdigit, islower, istitle, ...: Unicode
 * classes from wordchars.c), partition and rpartition, removeprefix and
 * removesuffix. methods.c asks here for a name it does not know. */
#include <stdio.h>
#include <string.h>

#include "casemap.h"
#include "cc/err.h"
#include "filters_int.h"

/* The predicates that hold when every character is in one of the classes
 * (and there is at least one character). */
static const struct {
  const char *name;
  unsigned any;
} S_all[] = {
    {"isalpha", TPL_C_ALPHA},
    {"isdecimal", TPL_C_DECIMAL},
    {"isdigit", TPL_C_DIGIT},
    {"isnumeric", TPL_C_NUMERIC},
    {"isalnum", TPL_C_ALPHA | TPL_C_DECIMAL | TPL_C_DIGIT | TPL_C_NUMERIC},
    {"isspace", TPL_C_SPACE},
};

static int S_noargs(tpl_rs *rs, const tpl_node *n, const char *m) {
  if (n->n) return tpl_fail(rs, n, CC_EINVAL, "str.%s() takes no arguments (%d given)", m, n->n);
  return CC_OK;
}

static int S_bool(tpl_val *out, int b) {
  *out = tpl_own(json_boolean(b));
  return CC_OK;
}

/* islower, isupper (no character of the other case or titlecase, and at
 * least one cased) and istitle (cased characters only after uncased ones
 * for upper and titlecase, after cased ones for lowercase). */
static int S_case(const char *s, size_t l, char m) {
  int cased = 0, prev_cased = 0;
  for (size_t i = 0; i < l;) {
    size_t k = tpl_utf8_seq(s + i, l - i);
    unsigned c = tpl_f_class(s + i, k);
    i += k;
    int up = (c & TPL_C_UPPER) != 0, lo = (c & TPL_C_LOWER) != 0, ti = (c & TPL_C_TITLE) != 0;
    if (m == 'l') {
      if (up || ti) return 0;
      cased |= lo;
    } else if (m == 'u') {
      if (lo || ti) return 0;
      cased |= up;
    } else if (up || ti) {
      if (prev_cased) return 0;
      prev_cased = cased = 1;
    } else if (lo) {
      if (!prev_cased) return 0;
      prev_cased = cased = 1;
    } else {
      prev_cased = 0;
    }
  }
  return cased;
}

/* (head, sep, tail) around the first (or last) SEP; without one, (S, '',
 * '') (or ('', '', S)). */
static int S_partition(tpl_rs *rs, const tpl_node *n, const char *m, const char *s, size_t l, const tpl_val *args, tpl_val *out) {
  const char *sep = "";
  size_t sl = 0;
  int rc, right = m[0] == 'r';
  if (n->n != 1) return tpl_fail(rs, n, CC_EINVAL, "str.%s() takes exactly one argument (%d given)", m, n->n);
  if ((rc = tpl_m_strarg(rs, n, &args[0], NULL, &sep, &sl))) return rc;
  if (!sl) return tpl_fail(rs, n, CC_EINVAL, "empty separator");
  size_t at = l, i;
  if (sl <= l) {
    if (right) {
      for (i = l - sl + 1; i-- > 0;)
        if (!memcmp(s + i, sep, sl)) {
          at = i;
          break;
        }
    } else {
      for (i = 0; i + sl <= l; i++)
        if (!memcmp(s + i, sep, sl)) {
          at = i;
          break;
        }
    }
  }
  json_t *v[3];
  if (at == l) { /* not found */
    v[right ? 2 : 0] = tpl_json_strn(s, l);
    v[1] = tpl_json_strn("", 0);
    v[right ? 0 : 2] = tpl_json_strn("", 0);
  } else {
    v[0] = tpl_json_strn(s, at);
    v[1] = tpl_json_strn(sep, sl);
    v[2] = tpl_json_strn(s + at + sl, l - at - sl);
  }
  json_t *t = v[0] && v[1] && v[2] ? tpl_tuple_new(v, 3, TPL_TUPLE) : NULL;
  for (int k = 0; k < 3; k++) json_decref(v[k]);
  *out = tpl_own(t);
  return t ? CC_OK : CC_ENOMEM;
}

int tpl_str_method_more(tpl_rs *rs, const tpl_node *n, const char *m, const tpl_val *obj, tpl_val *args, tpl_val *out,
                        int *found) {
  const char *s = json_string_value(obj->j);
  size_t l = json_string_length(obj->j);
  int rc;
  *found = 1;
  for (size_t i = 0; i < sizeof S_all / sizeof *S_all; i++) {
    if (strcmp(m, S_all[i].name)) continue;
    if ((rc = S_noargs(rs, n, m))) return rc;
    int ok = l > 0;
    for (size_t j = 0; j < l && ok;) {
      size_t k = tpl_utf8_seq(s + j, l - j);
      ok = (tpl_f_class(s + j, k) & S_all[i].any) != 0;
      j += k;
    }
    return S_bool(out, ok);
  }
  if (TPL_NAME_IS(m, "islower") || TPL_NAME_IS(m, "isupper") || TPL_NAME_IS(m, "istitle")) {
    if ((rc = S_noargs(rs, n, m))) return rc;
    return S_bool(out, S_case(s, l, m[2] == 'l' ? 'l' : m[2] == 'u' ? 'u' : 't'));
  }
  if (TPL_NAME_IS(m, "isascii") || TPL_NAME_IS(m, "isprintable")) {
    if ((rc = S_noargs(rs, n, m))) return rc;
    int ok = 1;
    for (size_t j = 0; j < l && ok;) {
      size_t k = tpl_utf8_seq(s + j, l - j);
      ok = m[2] == 'a' ? (unsigned char)s[j] < 0x80 : tpl_f_printable(s + j, k);
      j += k;
    }
    return S_bool(out, ok);
  }
  if (TPL_NAME_IS(m, "partition") || TPL_NAME_IS(m, "rpartition")) return S_partition(rs, n, m, s, l, args, out);
  if (TPL_NAME_IS(m, "removeprefix") || TPL_NAME_IS(m, "removesuffix")) {
    const char *a = "";
    size_t al = 0;
    if (n->n != 1) return tpl_fail(rs, n, CC_EINVAL, "str.%s() takes exactly one argument (%d given)", m, n->n);
    char what[32];
    snprintf(what, sizeof what, "%s() argument", m);
    if ((rc = tpl_m_strarg(rs, n, &args[0], what, &a, &al))) return rc;
    int pre = m[6] == 'p';
    if (al && al <= l && !memcmp(pre ? s : s + l - al, a, al)) {
      *out = tpl_own(tpl_json_strn(pre ? s + al : s, l - al));
      out->safe = obj->safe;
      return out->j ? CC_OK : CC_ENOMEM;
    }
    *out = tpl_dup(obj);
    return CC_OK;
  }
  *found = 0;
  return CC_OK;
}
