/* parser.h (internal): tokens to an abstract syntax tree.
 *
 * Every node lives in the template's arena; literal jansson values are
 * owned by the node list in tpl_ast (released by tpl_ast_free). */
#ifndef TPL_PARSER_H
#define TPL_PARSER_H

#include <jansson.h>

#include "cc/arena.h"
#include "cc/diag.h"
#include "lexer.h"

typedef enum {
  /* statements */
  N_BODY, N_TEXT, N_OUT, N_IF, N_FOR, N_SET,
  N_MACRO,      /* s name, names params, kids defaults (NULL: none; n == nnames), b body,
                   lit the name as a string */
  N_CALLBLOCK,  /* a the call (E_CALL), names/kids the caller's params, b body,
                   lit null (the caller's name) */
  N_FILTERBLOCK, /* a the filter chain over an E_SLOT, b body */
  N_WITH,       /* names = kids values, b body */
  N_SETBLOCK,   /* names targets, a the filter chain over an E_SLOT or NULL, b body */
  N_SETATTR,    /* s namespace name, ops[0] attribute, a value (b: a block set, an error when run) */
  N_INCLUDE,    /* a template name (flags: IGNORE_MISSING, CONTEXT) */
  N_IMPORT,     /* a template name, s target (flags: CONTEXT) */
  N_FROMIMPORT, /* a template name, ops imported names, names their bindings */
  N_EXTENDS,    /* a template name */
  N_BLOCK,      /* s name, b body (flags: SCOPED, REQUIRED) */
  N_PRINT,      /* kids expressions */
  N_AUTOESCAPE, /* a the setting, b body */
  /* expressions */
  E_LIT, E_LIST, E_DICT, E_NAME, E_ATTR, E_ITEM, E_BIN, E_NEG, E_POS, E_NOT,
  E_AND, E_OR, E_COND, E_CMP, E_FILTER, E_TEST, E_TUPLE, E_CALL,
  E_DYN,   /* a the E_CALL/E_FILTER/E_TEST without its `*` (b) and `**` (c)
              arguments, which the evaluation expands (eval_dyn.c) */
  E_ARG,   /* lit: one expanded argument (borrowed), made by eval_dyn.c */
  E_SLICE, /* a[b:c:kids[0]]: B, C may be NULL; N is 1 with a step */
  E_SLOT   /* the captured body of a filter block or a block set */
} tpl_node_kind;

typedef struct tpl_node tpl_node;
struct tpl_node {
  tpl_node_kind kind;
  int line, col;
  const char *s;   /* NAME/ATTR/FILTER/TEST name, BIN/CMP operator, TEXT bytes */
  size_t slen;     /* TEXT length; E_LIT: a string's length + 1, else 0;
                      E_ATTR: the attribute's length */
  json_t *lit;     /* E_LIT value, E_LIST of literals: the list (owned by the AST) */
  tpl_node *a, *b, *c;  /* operands: IF cond/body/else, FOR iter/body/else, ... */
  tpl_node **kids; /* BODY statements, LIST items, FILTER/TEST args, CMP rest */
  const char **kw; /* FILTER/TEST: keyword of each arg, NULL when positional */
  const char **ops; /* CMP: operator per rest operand */
  const char **names; /* FOR/SET targets */
  const int *shape;   /* FOR/SET/SETBLOCK: a nested target (`(a, b), c`, `(a,)`)
                         in prefix order, -1 a name (the next of names), K >= 0
                         a tuple of the K targets that follow; NULL: one name
                         or a flat tuple of names (the common case) */
  int n, nnames, neg; /* counts; E_TEST: "is not" */
  int flags;          /* TPL_F_*: statement options */
  const void *def;    /* E_FILTER: its tpl_fdef, E_TEST: its tpl_tdef (set by
                         tpl_resolve); NULL: unknown, an error when run */
};

/* Statement flags (tpl_node.flags). */
enum {
  TPL_F_RECURSIVE = 1,      /* for ... recursive */
  TPL_F_CALLER = 2,         /* macro/call body uses `caller` */
  TPL_F_VARARGS = 4,        /* ... uses `varargs` */
  TPL_F_KWARGS = 8,         /* ... uses `kwargs` */
  TPL_F_IGNORE_MISSING = 16, /* include ... ignore missing */
  TPL_F_CONTEXT = 32,       /* include/import with context */
  TPL_F_SCOPED = 64,        /* block ... scoped */
  TPL_F_REQUIRED = 128      /* block ... required */
};

typedef struct tpl_ast {
  cc_arena *arena;
  tpl_node *root;
  json_t *lits; /* array holding every literal */
  tpl_node **blocks; /* every N_BLOCK (names unique), in the arena */
  int nblocks;
  tpl_node **refs;   /* every N_INCLUDE/IMPORT/FROMIMPORT/EXTENDS, in order */
  int nrefs;
} tpl_ast;

/* Variable names (E_NAME, for and set targets) are interned: equal names
 * share one address, so the evaluator compares them by address. `loop`
 * and `range` are these two. */
extern const char tpl_name_loop[], tpl_name_range[], tpl_name_caller[], tpl_name_varargs[],
    tpl_name_kwargs[], tpl_name_super[];

/* A table of interned names. Templates that run together (a root and
 * the templates it includes, imports, extends) share one, so a name means
 * one address in all of them. PARENT (may be NULL) is consulted first and
 * never changed: a render interns the templates it loads itself into a
 * table of its own whose parent is the root's. The strings belong to the
 * ASTs that first used them, which outlive the table's users. */
typedef struct tpl_names {
  const char **v;
  size_t cap, n;
  const struct tpl_names *parent;
} tpl_names;
void tpl_names_free(tpl_names *t);

/* Parses TOKS, interning names into NAMES (NULL: a table of its own).
 * Returns CC_OK, CC_EINVAL (errors in DIAGS) or CC_ENOMEM. */
int tpl_parse(tpl_ast *out, const char *name, const tpl_toks *toks, cc_diags *diags, tpl_names *names);
void tpl_ast_free(tpl_ast *ast);

#endif
