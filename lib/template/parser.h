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
  /* expressions */
  E_LIT, E_LIST, E_DICT, E_NAME, E_ATTR, E_ITEM, E_BIN, E_NEG, E_POS, E_NOT,
  E_AND, E_OR, E_COND, E_CMP, E_FILTER, E_TEST, E_TUPLE, E_CALL,
  E_SLICE /* a[b:c:kids[0]]: B, C may be NULL; N is 1 with a step */
} tpl_node_kind;

typedef struct tpl_node tpl_node;
struct tpl_node {
  tpl_node_kind kind;
  int line, col;
  const char *s;   /* NAME/ATTR/FILTER/TEST name, BIN/CMP operator, TEXT bytes */
  size_t slen;     /* TEXT length */
  json_t *lit;     /* E_LIT value (owned by the AST) */
  tpl_node *a, *b, *c;  /* operands: IF cond/body/else, FOR iter/body/else, ... */
  tpl_node **kids; /* BODY statements, LIST items, FILTER/TEST args, CMP rest */
  const char **kw; /* FILTER/TEST: keyword of each arg, NULL when positional */
  const char **ops; /* CMP: operator per rest operand */
  const char **names; /* FOR/SET targets */
  int n, nnames, neg; /* counts; E_TEST: "is not" */
  const void *def;    /* E_FILTER: its tpl_fdef, E_TEST: its tpl_tdef (set by
                         tpl_resolve); NULL: unknown, an error when run */
};

typedef struct tpl_ast {
  cc_arena *arena;
  tpl_node *root;
  json_t *lits; /* array holding every literal */
} tpl_ast;

/* Variable names (E_NAME, for and set targets) are interned: equal names
 * share one address, so the evaluator compares them by address. `loop`
 * and `range` are these two. */
extern const char tpl_name_loop[], tpl_name_range[];

/* Parses TOKS. Returns CC_OK, CC_EINVAL (errors in DIAGS) or CC_ENOMEM. */
int tpl_parse(tpl_ast *out, const char *name, const tpl_toks *toks, cc_diags *diags);
void tpl_ast_free(tpl_ast *ast);

#endif
