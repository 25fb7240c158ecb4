#include "hcl.h"

#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

int gen_hcl_str(cc_buf *b, const char *s) {
  int rc = cc_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p && !rc; p++) {
    switch (*p) {
    case '"': rc = cc_buf_puts(b, "\\\""); break;
    case '\\': rc = cc_buf_puts(b, "\\\\"); break;
    case '\n': rc = cc_buf_puts(b, "\\n"); break;
    case '\r': rc = cc_buf_puts(b, "\\r"); break;
    case '\t': rc = cc_buf_puts(b, "\\t"); break;
    case '$':
    case '%':
      rc = cc_buf_putc(b, (char)*p);
      if (!rc && p[1] == '{') rc = cc_buf_putc(b, (char)*p);
      break;
    default:
      if (*p < 0x20 || *p == 0x7f) rc = cc_buf_printf(b, "\\u%04x", *p);
      else rc = cc_buf_putc(b, (char)*p);
    }
  }
  return rc ? rc : cc_buf_putc(b, '"');
}

bool gen_hcl_is_ident(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9') || *s == '-') return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return false;
  return true;
}

int gen_hcl_key(cc_buf *b, const char *s) { return gen_hcl_is_ident(s) ? cc_buf_puts(b, s) : gen_hcl_str(b, s); }

int gen_hcl_ident(cc_buf *b, const char *prefix, const char *key) {
  int rc = cc_buf_puts(b, prefix);
  for (const char *p = key; *p && !rc; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    rc = cc_buf_putc(b, ok ? c : '_');
  }
  return rc;
}

static int S_value(cc_buf *b, const json_t *v, bool multiline, int depth) {
  int rc = CC_OK;
  switch (json_typeof(v)) {
  case JSON_STRING: return gen_hcl_str(b, json_string_value(v));
  case JSON_INTEGER: return cc_buf_printf(b, "%lld", (long long)json_integer_value(v));
  case JSON_REAL: {
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (!s) return CC_ENOMEM;
    rc = cc_buf_puts(b, s);
    free(s);
    return rc;
  }
  case JSON_TRUE: return cc_buf_puts(b, "true");
  case JSON_FALSE: return cc_buf_puts(b, "false");
  case JSON_NULL: return cc_buf_puts(b, "null");
  case JSON_ARRAY: {
    rc = cc_buf_putc(b, '[');
    for (size_t i = 0; i < json_array_size(v) && !rc; i++) {
      if (i) rc = cc_buf_puts(b, ", ");
      if (!rc) rc = S_value(b, json_array_get(v, i), false, depth + 1);
    }
    return rc ? rc : cc_buf_putc(b, ']');
  }
  case JSON_OBJECT: {
    if (!json_object_size(v)) return cc_buf_puts(b, "{}");
    const char *k;
    const json_t *x;
    bool first = true;
    rc = cc_buf_puts(b, multiline ? "{\n" : "{ ");
    json_object_foreach((json_t *)v, k, x) {
      if (!first && !multiline && !rc) rc = cc_buf_puts(b, ", ");
      first = false;
      if (!rc) rc = gen_hcl_key(b, k);
      if (!rc) rc = cc_buf_puts(b, " = ");
      if (!rc) rc = S_value(b, x, multiline, depth + 1);
      if (multiline && !rc) rc = cc_buf_putc(b, '\n');
    }
    return rc ? rc : cc_buf_puts(b, multiline ? "}" : " }");
  }
  }
  return CC_EINVAL;
}

int gen_hcl_value(cc_buf *b, const json_t *v, bool multiline) { return S_value(b, v, multiline, 0); }
