/* gen/tpl_filters.c: the generator's template filters (gen/tpl_filters.h). */
#include "tpl_filters.h"

#include <stdbool.h>
#include <stdio.h>

#include "cc/err.h"
#include "hcl.h"
#include "readme.h"

enum { S_HCL, S_HCL_ESCAPE, S_HCL_KEY, S_MD_TEXT, S_MD_CODE };

static const char *const S_names[] = {"hcl", "hcl_escape", "hcl_key", "md_text", "md_code"};

/* The string filters: UD is one of the S_ values above. */
static int S_string(void *ud, const json_t *in, const json_t *const *args, size_t nargs, json_t **out, int *safe,
                    char *err, size_t errlen) {
  int which = (int)(size_t)ud;
  (void)args;
  (void)safe;
  if (nargs) {
    snprintf(err, errlen, "%s takes no arguments", S_names[which]);
    return CC_EINVAL;
  }
  if (!json_is_string(in)) {
    snprintf(err, errlen, "%s needs a string", S_names[which]);
    return CC_EINVAL;
  }
  const char *s = json_string_value(in);
  cc_buf b = CC_BUF_INIT;
  int rc = CC_OK;
  switch (which) {
  case S_HCL: rc = gen_hcl_str(&b, s); break;
  case S_HCL_ESCAPE:
    rc = gen_hcl_str(&b, s);
    if (!rc) {
      /* the quoted string without its quotes */
      cc_buf_truncate(&b, b.len - 1);
      rc = cc_buf_puts(&b, "");
    }
    break;
  case S_HCL_KEY: rc = gen_hcl_key(&b, s); break;
  case S_MD_TEXT: rc = gen_readme_text(&b, s); break;
  default: rc = gen_readme_code(&b, s); break;
  }
  const char *r = cc_buf_str(&b);
  if (!rc && which == S_HCL_ESCAPE) r++;
  if (!rc) *out = json_string(r);
  if (!rc && !*out) rc = CC_ENOMEM;
  cc_buf_free(&b);
  if (rc) snprintf(err, errlen, "%s: out of memory", S_names[which]);
  return rc;
}

static int S_value(void *ud, const json_t *in, const json_t *const *args, size_t nargs, json_t **out, int *safe,
                   char *err, size_t errlen) {
  (void)ud;
  (void)safe;
  if (nargs > 1 || (nargs == 1 && !json_is_boolean(args[0]))) {
    snprintf(err, errlen, "hcl_value takes one optional argument, true or false (multi-line objects)");
    return CC_EINVAL;
  }
  if (!in) {
    snprintf(err, errlen, "hcl_value needs a value");
    return CC_EINVAL;
  }
  cc_buf b = CC_BUF_INIT;
  int rc = gen_hcl_value(&b, in, nargs == 1 && json_is_true(args[0]));
  if (!rc) *out = json_string(cc_buf_str(&b));
  if (!rc && !*out) rc = CC_ENOMEM;
  cc_buf_free(&b);
  if (rc == CC_EINVAL) snprintf(err, errlen, "hcl_value: not a JSON value");
  else if (rc) snprintf(err, errlen, "hcl_value: out of memory");
  return rc;
}

const cc_tpl_filter gen_tpl_filters[] = {
    {"hcl", S_string, (void *)(size_t)S_HCL},         {"hcl_escape", S_string, (void *)(size_t)S_HCL_ESCAPE},
    {"hcl_key", S_string, (void *)(size_t)S_HCL_KEY}, {"md_text", S_string, (void *)(size_t)S_MD_TEXT},
    {"md_code", S_string, (void *)(size_t)S_MD_CODE}, {"hcl_value", S_value, NULL},
};
const size_t gen_tpl_nfilters = sizeof gen_tpl_filters / sizeof *gen_tpl_filters;
