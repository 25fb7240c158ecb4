/* tpl_int.h (internal): a compiled template, and the library of the
 * templates its loader reached (template.c). */
#ifndef TPL_TPL_INT_H
#define TPL_TPL_INT_H

#include "cc/diag.h"
#include "cc/template.h"
#include "parser.h"

/* One template a loader was asked for by a literal name while the root
 * template compiled: T, or MISSING, or the compile errors ERRS. AT_FILE,
 * LINE, COL: where it was first named. */
typedef struct tpl_lib_ent {
  char *name;
  cc_tpl *t;
  int missing;
  int required; /* named by a tag that fails without it */
  cc_diags errs;
  char *at_file;
  int line, col;
} tpl_lib_ent;

typedef struct tpl_lib {
  tpl_lib_ent *v;
  size_t n, cap;
  char *root;            /* the folder (owned), or NULL */
  cc_tpl_load_fn load;   /* or the callback */
  void *load_data;
  cc_tpl_opts opts;      /* for the templates it compiles */
  tpl_names names;       /* the names of all of them */
  int nonliteral;        /* a reached template names one by an expression */
  char *nl_file;         /* where the first such name is */
  int nl_line, nl_col;
} tpl_lib;

struct cc_tpl {
  char *name; /* owned */
  char *src;  /* owned copy: tokens and text nodes point into it */
  size_t len;
  tpl_ast ast;
  cc_tpl_opts opts;
  int autoescape; /* resolved */
  int md_escape;  /* CC_TPL_AUTOESCAPE_MARKDOWN */
  tpl_lib *lib;   /* the loader's templates, or NULL (no loader) */
  int owns_lib;   /* the root template frees LIB */
};

#endif
