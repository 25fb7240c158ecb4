/* lexer.h (internal): splits template source into tokens.
 *
 * Text between tags becomes one TEXT token (whitespace control applied);
 * inside {{ }} and {% %} the lexer yields expression tokens. Token text
 * points into the source (borrowed); the source outlives the token array. */
#ifndef TPL_LEXER_H
#define TPL_LEXER_H

#include <stddef.h>

#include "cc/diag.h"

typedef enum {
  TK_TEXT, TK_VBEGIN, TK_VEND, TK_BBEGIN, TK_BEND,
  TK_NAME, TK_STR, TK_INT, TK_FLOAT, TK_OP, TK_EOF
} tpl_tok_kind;

typedef struct tpl_tok {
  tpl_tok_kind kind;
  const char *s; /* into the source; for TK_STR the raw quoted literal */
  size_t len;
  int line, col;
} tpl_tok;

typedef struct tpl_toks {
  tpl_tok *v;
  size_t n, cap;
} tpl_toks;

/* Tokenizes SRC. Returns CC_OK, CC_EINVAL (errors added to DIAGS under
 * NAME) or CC_ENOMEM. The caller frees OUT->v. */
int tpl_lex(tpl_toks *out, const char *name, const char *src, size_t len, cc_diags *diags);

#endif
