/* eval.h (internal): the render state shared by the evaluator (eval.c:
 * expressions and output; eval_ops.c: operators), the statements (eval_stmt.c), calls
 * (eval_call.c), scopes and special objects (scope.c) and the filters.
 * A render owns everything in its tpl_rs: the variable stack, the arena
 * holding its envs and objects, the object registry's references, the
 * templates it loaded itself; the compiled templates stay read-only. */
#ifndef TPL_EVAL_H
#define TPL_EVAL_H

#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/template.h"
#include "cc/diag.h"
#include "parser.h"
#include "tpl_int.h"
#include "value.h"

/* Expressions nest far deeper than blocks in real templates, so the depth
 * budget is max_depth times this; a macro call costs TPL_CALL_DEPTH. */
#define TPL_EXPR_DEPTH_FACTOR 16
#define TPL_CALL_DEPTH 16
/* Capture buffers a render keeps (tpl_capture's first levels). */
#define TPL_CAPS 4
/* Bytes of envs and objects a render keeps beside its state before it
 * makes an arena (most renders need less), and the slots of the object
 * registry's first table. */
#define TPL_POOL 2048
#define TPL_OBJS_INL 16

/* A for loop's position, behind its lazy `loop` variable. */
typedef struct tpl_loop {
  size_t i, len;
  json_t *items;        /* the items (borrowed from the loop): previtem, nextitem */
  const tpl_node *node; /* the N_FOR: loop(...) of a recursive loop */
  int depth;            /* 1 for the outermost call */
  json_t *changed;      /* loop.changed()'s last arguments (owned by the loop):
                         * the value itself when there was one, else an array */
  int nchanged;         /* how many */
} tpl_loop;

/* A scope that names are looked up in: a range of the variable stack
 * [LO, HI) (the innermost env runs to the top of the stack), or once its
 * template has finished (an imported module) the object OBJ; then OUTER.
 * Envs live in the render's arena; DEAD ones (a finished macro call) are
 * skipped. */
typedef struct tpl_env tpl_env;
struct tpl_env {
  size_t lo, hi;
  tpl_env *outer;
  json_t *obj;  /* borrowed from the object registry */
  int ctx;      /* the render context is visible */
  int dead;
  int noloop;   /* an included template's: the includer's `loop` is hidden */
};

/* Special values: macros, call blocks' `caller`, namespaces, cyclers,
 * joiners and imported modules are JSON objects known to the render's
 * object registry (which holds a reference to each until the render
 * ends), so they travel as ordinary values. */
enum { TPL_OBJ_MACRO = 1, TPL_OBJ_CALLER, TPL_OBJ_NAMESPACE, TPL_OBJ_CYCLER, TPL_OBJ_JOINER, TPL_OBJ_MODULE,
       TPL_OBJ_SCOPE /* a finished module's top-level names (never a value) */ };
typedef struct tpl_obj {
  json_t *j;
  int kind;
  const tpl_node *node;     /* MACRO: the N_MACRO; CALLER: the N_CALLBLOCK */
  const struct cc_tpl *tpl; /* the template NODE belongs to */
  tpl_env *env;             /* MACRO, CALLER: the scope the body sees */
  json_t *items;            /* CYCLER: the items (owned) */
  size_t pos;               /* CYCLER: the position; JOINER: called before */
} tpl_obj;

/* A block's chain of definitions, the most derived template's first. */
typedef struct tpl_chain {
  const char *name;
  struct { const tpl_node *node; const struct cc_tpl *tpl; } v[16];
  int n;
} tpl_chain;

/* One template run (the root, an include, an import) with its blocks
 * and the parent that `extends` named. */
typedef struct tpl_unit {
  tpl_chain *blocks;
  int nblocks;
  tpl_env *env;                 /* its top-level scope */
  const struct cc_tpl *parent;  /* set by extends */
  const tpl_node *ext_at;       /* the extends tag */
  cc_buf *saved_out;            /* the output while extends discards */
  cc_buf discard;
} tpl_unit;

typedef struct tpl_var {
  const char *name;     /* interned by the parser: compared by address */
  tpl_val v;            /* owned */
  const tpl_loop *loop; /* the `loop` of a for: V is built only when used whole */
} tpl_var;

typedef struct tpl_rs {
  const char *name;
  int autoescape, strict;
  int md_escape; /* printed values escaped for CommonMark (autoescape is 0) */
  size_t max_out, max_iter, iters;
  int max_depth, depth;
  cc_buf *out;
  cc_diags *diags;
  const json_t *ctx;
  tpl_var *vars; /* scope stack; a for loop's frame starts at frame */
  size_t nvars, capvars, frame;
  int failed;
  const struct cc_tpl *tpl; /* the template whose nodes run (NAME, AUTOESCAPE follow it) */
  tpl_env *env;             /* the innermost scope */
  struct cc_arena *arena;   /* envs and objects of this render (once
                             * POOL is full) */
  unsigned char *pool;      /* the first ones: the caller's TPL_POOL bytes
                             * (max_align_t aligned), or NULL */
  size_t pool_used;
  tpl_env *free_envs;       /* envs to reuse (a finished macro call's that
                             * nothing can reach), linked by OUTER */
  size_t nenvs;             /* envs made so far */
  tpl_obj **objs;           /* the registry: open addressing by J */
  size_t nobjs, capobjs;
  tpl_unit *unit;
  const tpl_chain *chain;   /* the block running (super()), its level and */
  int level;
  tpl_env *blk_outer;       /* the scope it sees */
  const tpl_val *slot;      /* E_SLOT's value */
  int at_top;               /* running a template's top level: binds grow its env */
  cc_buf caps[TPL_CAPS];    /* tpl_capture's buffers (max 0: not made yet) */
  cc_buf scratch;           /* tpl_format's buffer (max 0: none, or in use) */
  const char *ctx_name[8];  /* the last context lookups (by the interned */
  json_t *ctx_val[8];       /* name's address; NULL: not in the context) */
  cc_buf *direct;           /* set while a TPL_F_DIRECT filter whose string
                             * result is printed as it is runs: the output
                             * (tpl_f_put appends there, and clears it) */
  int ncaps;                /* captures running */
  struct cc_tpl **loaded;   /* templates compiled during this render */
  size_t nloaded;
  tpl_names names;          /* their names (the parent: the root's) */
  const cc_tpl_filter *xfilters; /* the embedder's filters (map('name')) */
  size_t nxfilters;
  /* Storage that is not cleared when a render starts (TPL_RS_CLEAR): it
   * is written before it is read. */
  tpl_var inl[8]; /* the first vars (no allocation for most renders) */
  tpl_obj *objs_inl[TPL_OBJS_INL]; /* the registry's first table (no
                             * allocation for a few objects; cleared when
                             * first used) */
} tpl_rs;

/* The bytes of a tpl_rs a render clears before it starts. */
#define TPL_RS_CLEAR offsetof(tpl_rs, inl)

/* tpl_buf_add for the short pieces of the output (text between tags,
 * escapes, names): up to 16 bytes copied by overlapping word moves when
 * there is room, else tpl_buf_add. */
static inline int tpl_out_add(cc_buf *b, const char *s, size_t len) {
  if (len <= 16 && b->ptr && len + 1 < b->cap - b->len && len <= b->max - b->len) {
    char *d = b->ptr + b->len;
    if (len >= 8) {
      memcpy(d, s, 8);
      memcpy(d + len - 8, s + len - 8, 8);
    } else if (len >= 4) {
      memcpy(d, s, 4);
      memcpy(d + len - 4, s + len - 4, 4);
    } else {
      for (size_t i = 0; i < len; i++) d[i] = s[i];
    }
    b->len += len;
    d[len] = '\0';
    return 0;
  }
  return tpl_buf_add(b, s, len);
}

/* Records a render error at N (only the first is kept); returns CODE. */
int tpl_fail(tpl_rs *rs, const tpl_node *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The strict-mode / attribute error for the undefined V. */
int tpl_fail_undef(tpl_rs *rs, const tpl_node *n, const tpl_val *v);

/* str(V) appended to B; undefined prints "" (an error in strict mode). */
int tpl_to_buf(tpl_rs *rs, const tpl_node *n, const tpl_val *v, cc_buf *b);
/* str(V) as a new string value in *OUT. */
int tpl_to_str(tpl_rs *rs, const tpl_node *n, const tpl_val *v, tpl_val *out);

/* Operators (eval_ops.c). */

/* A number computed for printing only (no value is built); REAL < 0 while
 * unset. */
typedef struct tpl_pnum {
  int real;
  long long i;
  double d;
} tpl_pnum;

/* A N->s B (an operator of E_BIN: "+", "*", ...) into *OUT, as the
 * expression would compute it; errors are placed at N. */
int tpl_binop(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, tpl_val *out);
/* tpl_binop's worker: a numeric result goes into *NUM when NUM is given
 * (then OUT is unused), else into *OUT. A float result that is not finite
 * returns CC_ERR without a message (the caller words it). */
int tpl_binop_num(tpl_rs *rs, const tpl_node *n, const tpl_val *a, const tpl_val *b, tpl_val *out, tpl_pnum *num);
/* One step A OP B of a comparison chain (==, !=, <, <=, >, >=, in, not
 * in) into *RES. */
int tpl_cmp(tpl_rs *rs, const tpl_node *n, const char *op, const tpl_val *a, const tpl_val *b, int *res);
/* -A or +A for N, an E_NEG or E_POS, into *OUT. */
int tpl_unary(tpl_rs *rs, const tpl_node *n, const tpl_val *a, tpl_val *out);

/* NEEDLE in HAY as the `in` operator computes it, into *RES. */
int tpl_contains(tpl_rs *rs, const tpl_node *n, const tpl_val *needle, const tpl_val *hay, int *res);

/* Python ordering of X and Y into *C (<0, 0, >0); CC_EINVAL when unordered. */
int tpl_compare(const json_t *x, const json_t *y, int *c);

/* The items of an iterable (a dict's keys, a string's characters) as a new
 * reference in *OUT; an array value comes back shared, so a caller that
 * changes the items copies them first. Undefined is empty (an error in
 * strict mode); anything else is not iterable. */
int tpl_items(tpl_rs *rs, const tpl_node *n, const tpl_val *v, json_t **out);

/* The truth of the condition E into *T, as tpl_truthy of its value
 * (eval_truth.c); an undefined value fails in strict mode. */
int tpl_truth(tpl_rs *rs, const tpl_node *e, int *t);
/* The truth of loop.ATTR (E an E_ATTR) of a lazy loop read from its
 * position (first, last, index, ...) into *T; 1 when E is something else. */
int tpl_loop_truth(tpl_rs *rs, const tpl_node *e, int *t);

/* Evaluates the expression N into *OUT (eval.c). */
int tpl_eval(tpl_rs *rs, const tpl_node *n, tpl_val *out);
/* Prints V as {{ }} does (escaping under autoescape). */
int tpl_emit(tpl_rs *rs, const tpl_node *n, const tpl_val *v);
/* Prints the expression E; tries the fast paths first. */
int tpl_out(tpl_rs *rs, const tpl_node *e);
/* {{ E }} of a conditional expression (eval_out.c). */
int tpl_out_cond(tpl_rs *rs, const tpl_node *e);
/* {{ E }} of a concatenation (a ~ b), its operands printed one by one;
 * 1 when it is printed the usual way (CommonMark, strict mode). */
int tpl_out_concat(tpl_rs *rs, const tpl_node *e);

/* ---- eval_dyn.c: `*args` and `**kwargs` ---- */

/* The most arguments a call takes, expanded. */
#define TPL_DYN_MAX 32
/* An E_DYN's call with its `*`/`**` arguments expanded: X is a copy of the
 * call node whose arguments are the values (E_ARG nodes, borrowed from
 * STAR and KV, which the tpl_dyn holds until tpl_dyn_end). */
typedef struct tpl_dyn {
  tpl_node x;
  tpl_node args[TPL_DYN_MAX], *kids[TPL_DYN_MAX];
  const char *kw[TPL_DYN_MAX];
  json_t *star;
  tpl_val sv, kv;
} tpl_dyn;
/* Evaluates N's (an E_DYN) `*` and `**` expressions and fills D; on an
 * error D holds nothing. */
int tpl_dyn_begin(tpl_rs *rs, const tpl_node *n, tpl_dyn *d);
/* Releases what D holds. */
void tpl_dyn_end(tpl_dyn *d);
/* Calls O as N (an E_CALL) does: O itself (NAME NULL) when a joiner, its
 * method NAME when a cycler (next, reset); 1 when neither (eval_call.c). */
int tpl_obj_method(tpl_rs *rs, const tpl_node *n, tpl_obj *o, const char *name, tpl_val *out);
/* Evaluates N, an E_DYN: its call with `*`/`**` expanded. */
int tpl_eval_dyn(tpl_rs *rs, const tpl_node *n, tpl_val *out);
/* Evaluates N's arguments into ARGS (at most 32). */
int tpl_eval_args(tpl_rs *rs, const tpl_node *n, tpl_val *args);
static inline void tpl_drop_args(tpl_val *args, int n) {
  for (int i = 0; i < n; i++) tpl_val_drop(&args[i]);
}
/* The lazy loop object of VAR, built. */
int tpl_loop_obj(tpl_var *var);

/* ---- scope.c: variables, envs and the object registry ---- */

/* Finds NAME (interned) as a variable (*VAR) or a value of a module or
 * the render context (*J, borrowed). Returns 1 when found. */
int tpl_find_var(tpl_rs *rs, const char *name, tpl_var **var, json_t **j);
/* tpl_find_var's first step, inline for the evaluator: NAME in the
 * innermost env (frame and below, down to the env's start), or NULL. */
static inline tpl_var *tpl_find_local(const tpl_rs *rs, const char *name) {
  size_t lo = rs->env ? rs->env->lo : 0;
  for (size_t i = rs->nvars; i-- > lo;)
    if (rs->vars[i].name == name) return &rs->vars[i];
  return NULL;
}
/* The rest of tpl_find_var, when tpl_find_local found nothing. */
int tpl_find_var_outer(tpl_rs *rs, const char *name, tpl_var **var, json_t **j);
/* Binds NAME in the current frame to V as it is (V owns its reference
 * or borrows from something that outlives the binding). */
int tpl_bind_ref(tpl_rs *rs, const char *name, tpl_val v);
/* Binds NAME taking V (a reference is taken first when V borrows). */
int tpl_bind(tpl_rs *rs, const char *name, tpl_val v);
/* Drops the variables above N (inline: every loop iteration and call). */
static inline void tpl_pop_to(tpl_rs *rs, size_t n) {
  while (rs->nvars > n) tpl_val_drop(&rs->vars[--rs->nvars].v);
}
/* A new env in the render's arena (NULL without memory). */
tpl_env *tpl_env_new(tpl_rs *rs, size_t lo, tpl_env *outer, int ctx);
/* An env that sees what the current scope sees now (a closure). */
tpl_env *tpl_env_snapshot(tpl_rs *rs);
/* Registers J (a new reference, taken) as an object of KIND; NULL
 * without memory (J is released). */
tpl_obj *tpl_obj_new(tpl_rs *rs, json_t *j, int kind);
/* The registered object J is, or NULL. */
tpl_obj *tpl_obj_of(const tpl_rs *rs, const json_t *j);
/* Appends str(J) when J is a macro (<Macro 'name'>) or a namespace
 * (<Namespace {...}>), as Jinja2 prints them; 1 for anything else. */
int tpl_obj_str(const tpl_rs *rs, const json_t *j, cc_buf *b);
/* Releases the render's scopes and objects. */
void tpl_scope_free(tpl_rs *rs);

/* ---- eval_call.c: calls ---- */

/* The call N (an E_CALL) when it calls a macro, a global (range, dict,
 * namespace, cycler, joiner), super(), loop(...) or a loop, cycler or
 * joiner method; returns 1 when N is something else (a str/dict/list
 * method). */
int tpl_call(tpl_rs *rs, const tpl_node *n, tpl_val *out);
/* tpl_call for {{ N }}: a macro whose result would print as it is runs
 * straight into the output, and *EMITTED is set (*OUT is then undefined). */
int tpl_call_out(tpl_rs *rs, const tpl_node *n, tpl_val *out, int *emitted);
/* Calls the macro or caller OBJ with ARGS (N's kids evaluated; N->kw
 * their keywords) and CALLER (or NULL) into *OUT, a string. */
int tpl_call_macro(tpl_rs *rs, const tpl_node *n, tpl_obj *obj, tpl_val *args, tpl_obj *caller, tpl_val *out);
/* Runs BODY with its output captured into *OUT, a string (Markup under
 * autoescape). */
int tpl_capture(tpl_rs *rs, const tpl_node *body, tpl_val *out);

/* ---- eval_stmt.c: statements ---- */

int tpl_exec(tpl_rs *rs, const tpl_node *n);
/* Runs the for loop N over the value IT at DEPTH (loop(...) of a
 * recursive loop). */
int tpl_for_run(tpl_rs *rs, const tpl_node *n, const tpl_val *it, int depth);
/* Runs the template T as a unit in ENV (the scope already current). */
int tpl_run(tpl_rs *rs, const struct cc_tpl *t);
/* Runs level LEVEL of CHAIN (a block, or super()) in a scope whose outer
 * scope is OUTER. */
int tpl_run_block(tpl_rs *rs, const tpl_node *at, const tpl_chain *chain, int level, tpl_env *outer);
/* Renders the root template. */
int tpl_eval_root(tpl_rs *rs, const struct cc_tpl *t);

/* ---- template.c: the loader ---- */

/* The template NAME as the current template's loader finds it (compiled
 * when the template was, or now); CC_ENOTFOUND when there is none (no
 * error recorded), else errors at AT. */
int tpl_load(tpl_rs *rs, const tpl_node *at, const char *name, const struct cc_tpl **out);
/* Switches the render to template T's name and autoescape (inline:
 * every macro call switches twice). */
static inline void tpl_use(tpl_rs *rs, const struct cc_tpl *t) {
  rs->tpl = t;
  rs->name = t->name;
  rs->autoescape = t->autoescape;
  rs->md_escape = t->md_escape;
}

#endif
