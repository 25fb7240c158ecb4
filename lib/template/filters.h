/* filters.h (internal): Jinja2's built-in filters and tests, found in one
 * sorted table each (filters.c, tests.c) and resolved when a template is
 * compiled (resolve.c): a node keeps the entry it calls, so rendering does
 * no name lookup. Adding a filter is one table entry plus its function. */
#ifndef TPL_FILTERS_H
#define TPL_FILTERS_H

#include "cc/template.h"
#include "eval.h"

/* Bound parameters: A[i] is the argument given for the table's parameter
 * i, or NULL (the function applies its default). ARGS/N are the raw
 * arguments (N->kids evaluated; N->kw names the keyword ones) for the
 * filters flagged TPL_F_RAW, which bind them themselves (A is NULL). */
typedef int (*tpl_filter_fn)(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a,
                             tpl_val *args, tpl_val *out);
typedef int (*tpl_test_fn)(tpl_rs *rs, const tpl_node *n, const tpl_val *in, const tpl_val **a,
                           tpl_val *args, int *res);

enum {
  TPL_F_RAW = 1,     /* takes any arguments: binds N's arguments itself */
  TPL_F_UPPER = 2,   /* str.upper (printed straight into the output) */
  TPL_F_LOWER = 4,   /* str.lower */
  TPL_F_CAPITAL = 8, /* str.capitalize */
  TPL_F_DIRECT = 16  /* may print its string result straight (tpl_f_put) */
};

#define TPL_MAX_PARAMS 8

typedef struct tpl_fdef {
  const char *name;
  tpl_filter_fn fn;          /* NULL for an embedder's filter */
  const char *const *params; /* parameter names, in order */
  int np;
  unsigned flags;            /* TPL_F_* */
  const cc_tpl_filter *ext;  /* the embedder's filter (fn NULL) */
} tpl_fdef;

typedef struct tpl_tdef {
  const char *name;
  tpl_test_fn fn;
  const char *const *params;
  int np;
  unsigned flags;
} tpl_tdef;

/* The built-in filter / test named NAME, or NULL (binary search). */
const tpl_fdef *tpl_filter_find(const char *name);
const tpl_tdef *tpl_test_find(const char *name);
/* A filter by name at render time (map('upper')): the embedder's first,
 * then the built-ins; NULL when there is none. */
const tpl_fdef *tpl_filter_lookup(const tpl_rs *rs, const char *name, tpl_fdef *scratch);

/* Applies filter N (an E_FILTER whose def resolve.c set; NULL: an unknown
 * name deferred to render time) to IN (borrowed) with the evaluated ARGS
 * (borrowed) into *OUT (a new value). */
int tpl_filter(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, tpl_val *out);
/* Runs DEF as the filter of N (whose arguments are ARGS). */
int tpl_filter_call(tpl_rs *rs, const tpl_fdef *def, const tpl_node *n, const tpl_val *in, tpl_val *args,
                    tpl_val *out);
/* Runs test N (an E_TEST) on IN with ARGS; *RES is its truth. */
int tpl_test(tpl_rs *rs, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res);
/* Runs DEF as the test of N. */
int tpl_test_call(tpl_rs *rs, const tpl_tdef *def, const tpl_node *n, const tpl_val *in, tpl_val *args, int *res);
/* Calls method N->a->s of OBJ (e.g. dict.items(), str.split()). */
int tpl_method(tpl_rs *rs, const tpl_node *n, const tpl_val *obj, tpl_val *args, tpl_val *out);
/* The str methods of methods_more.c (the is...() predicates, partition,
 * removeprefix, ...) for the string OBJ; *FOUND is 0 when M is none. */
/* V as a str argument of a method (*S, *L borrowed from it), or a render
 * error: "WHAT must be str, not int" (no WHAT: "must be str, ..."). */
int tpl_m_strarg(tpl_rs *rs, const tpl_node *n, const tpl_val *v, const char *what, const char **s, size_t *l);
int tpl_str_method_more(tpl_rs *rs, const tpl_node *n, const char *m, const tpl_val *obj, tpl_val *args, tpl_val *out,
                        int *found);

/* Resolves every filter and test name of AST (resolve.c): an unknown name
 * is an error at its position ("No filter named 'x'.") unless it sits in a
 * conditional branch, where Jinja2 defers it to render time. EXTRA (NX
 * entries, borrowed; they must outlive the AST) are the embedder's filters,
 * found before the built-ins. Returns CC_OK, CC_EINVAL (errors in DIAGS
 * under NAME) or CC_ENOMEM. */
int tpl_resolve(tpl_ast *ast, const char *name, const cc_tpl_filter *extra, size_t nx, cc_diags *diags);

/* Fuses the chain ending at the filter N (a resolved E_FILTER) into N
 * when it is one that filters_fuse.c runs as one filter (map(attribute=)
 * [|unique]|join); the fused def is allocated in ARENA. Returns CC_OK or
 * CC_ENOMEM. */
int tpl_fuse(tpl_node *n, cc_arena *arena);

#endif
