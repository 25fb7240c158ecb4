/* lexer.c: template source to tokens, with Jinja2's whitespace control. */
#include "lexer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

typedef struct {
  const char *name, *src;
  size_t len;
  size_t off; /* position tracker: offset whose line/col are known */
  int line, col;
  tpl_toks *out;
  cc_diags *diags;
  int failed;
} S_lx;

/* Positions are asked for in increasing order, so tracking is linear. */
static void S_at(S_lx *lx, size_t off, int *line, int *col) {
  if (off < lx->off) { lx->off = 0; lx->line = 1; lx->col = 1; }
  while (lx->off < off) {
    unsigned char c = (unsigned char)lx->src[lx->off++];
    if (c == '\n') { lx->line++; lx->col = 1; }
    else if ((c & 0xC0) != 0x80) lx->col++;
  }
  *line = lx->line;
  *col = lx->col;
}

static int S_push(S_lx *lx, tpl_tok_kind k, size_t off, size_t len) {
  tpl_toks *t = lx->out;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    tpl_tok *v = realloc(t->v, cap * sizeof *v);
    if (!v) return CC_ENOMEM;
    t->v = v;
    t->cap = cap;
  }
  tpl_tok *tk = &t->v[t->n++];
  tk->kind = k;
  tk->s = lx->src + off;
  tk->len = len;
  S_at(lx, off, &tk->line, &tk->col);
  return CC_OK;
}

static void S_err(S_lx *lx, size_t off, const char *msg) {
  int line, col;
  S_at(lx, off, &line, &col);
  cc_diags_error(lx->diags, lx->name, line, col, "%s", msg);
  lx->failed = 1;
}

static int S_isspace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
static int S_isname0(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int S_isdigit(char c) { return c >= '0' && c <= '9'; }

/* Finds the next tag opener at or after I; returns its offset or len. */
static size_t S_next_tag(const char *s, size_t len, size_t i) {
  for (; i + 1 < len; i++)
    if (s[i] == '{' && (s[i + 1] == '{' || s[i + 1] == '%' || s[i + 1] == '#')) return i;
  return len;
}

/* Emits text [a,b) trimmed per the flags. */
static int S_text(S_lx *lx, size_t a, size_t b, int lstrip, int rstrip) {
  if (lstrip) while (a < b && S_isspace(lx->src[a])) a++;
  if (rstrip) while (b > a && S_isspace(lx->src[b - 1])) b--;
  if (b > a) return S_push(lx, TK_TEXT, a, b - a);
  return CC_OK;
}

/* Brackets open at once in one tag; the parser refuses deeper nesting. */
#define S_MAX_BRACKETS 512

/* Lexes the expression tokens of a tag from I up to its closer (CLOSE is
 * '}' or '%'). Sets *END past the closer and *STRIP when it was -X}. As in
 * Jinja2, the closer only counts while no bracket is open, so `}}` inside
 * `{{ {'a': {'b': 1}} }}` closes two dicts; a block may also end `+%}`
 * (lstrip_blocks is off: a no-op). */
static int S_expr(S_lx *lx, size_t i, char close, size_t *end, int *strip) {
  const char *s = lx->src;
  size_t n = lx->len, depth = 0;
  char open[S_MAX_BRACKETS];
  int rc;
  while (i < n) {
    char c = s[i];
    if (S_isspace(c)) { i++; continue; }
    if (!depth && c == '-' && i + 2 < n && s[i + 1] == close && s[i + 2] == '}') {
      *strip = 1;
      *end = i + 3;
      return CC_OK;
    }
    if (!depth && close == '%' && c == '+' && i + 2 < n && s[i + 1] == '%' && s[i + 2] == '}') {
      *strip = 0;
      *end = i + 3;
      return CC_OK;
    }
    if (!depth && c == close && i + 1 < n && s[i + 1] == '}') {
      *strip = 0;
      *end = i + 2;
      return CC_OK;
    }
    if (S_isname0(c)) {
      size_t j = i;
      while (j < n && (S_isname0(s[j]) || S_isdigit(s[j]))) j++;
      if ((rc = S_push(lx, TK_NAME, i, j - i))) return rc;
      i = j;
    } else if (S_isdigit(c)) {
      size_t j = i;
      int fl = 0;
      while (j < n && (S_isdigit(s[j]) || s[j] == '_')) j++;
      if (j + 1 < n && s[j] == '.' && S_isdigit(s[j + 1])) {
        fl = 1;
        j++;
        while (j < n && (S_isdigit(s[j]) || s[j] == '_')) j++;
      }
      if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        size_t k = j + 1;
        if (k < n && (s[k] == '+' || s[k] == '-')) k++;
        if (k < n && S_isdigit(s[k])) {
          fl = 1;
          j = k;
          while (j < n && S_isdigit(s[j])) j++;
        }
      }
      if ((rc = S_push(lx, fl ? TK_FLOAT : TK_INT, i, j - i))) return rc;
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      while (j < n && s[j] != c) j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
      if (j >= n) {
        S_err(lx, i, "unterminated string literal");
        return CC_EINVAL;
      }
      if ((rc = S_push(lx, TK_STR, i, j + 1 - i))) return rc;
      i = j + 1;
    } else {
      static const char *two[] = {"==", "!=", "<=", ">=", "//", "**"};
      size_t l = 0;
      for (size_t k = 0; k < sizeof two / sizeof *two; k++)
        if (i + 1 < n && s[i] == two[k][0] && s[i + 1] == two[k][1]) l = 2;
      if (!l) {
        if (!strchr("+-*/%~<>=()[]{}.,:|", c) || c == 0) {
          S_err(lx, i, "unexpected character in expression");
          return CC_EINVAL;
        }
        l = 1;
      }
      if (l == 1 && (c == '(' || c == '[' || c == '{')) {
        if (depth == S_MAX_BRACKETS) {
          S_err(lx, i, "brackets nested too deeply");
          return CC_EINVAL;
        }
        open[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
      } else if (l == 1 && (c == ')' || c == ']' || c == '}')) {
        if (!depth || open[depth - 1] != c) {
          char msg[48];
          if (!depth) snprintf(msg, sizeof msg, "unexpected '%c'", c);
          else snprintf(msg, sizeof msg, "unexpected '%c', expected '%c'", c, open[depth - 1]);
          S_err(lx, i, msg);
          return CC_EINVAL;
        }
        depth--;
      }
      if ((rc = S_push(lx, TK_OP, i, l))) return rc;
      i += l;
    }
  }
  S_err(lx, n, close == '}' ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'");
  return CC_EINVAL;
}

/* Matches {%[-+]? WORD -?%} at I; sets *END, *LS and *RS. As in Jinja2's
 * lexer, `+%}` ends an endraw tag but not a raw one (PLUS_END). */
static int S_is_tag_word(const char *s, size_t n, size_t i, const char *word, int plus_end, size_t *end, int *ls,
                         int *rs) {
  if (i + 2 > n || s[i] != '{' || s[i + 1] != '%') return 0;
  i += 2;
  *ls = 0;
  if (i < n && s[i] == '-') { *ls = 1; i++; }
  else if (i < n && s[i] == '+') i++;
  while (i < n && S_isspace(s[i])) i++;
  size_t wl = strlen(word);
  if (i + wl > n || memcmp(s + i, word, wl) != 0) return 0;
  i += wl;
  if (i < n && (S_isname0(s[i]) || S_isdigit(s[i]))) return 0;
  while (i < n && S_isspace(s[i])) i++;
  *rs = 0;
  if (i < n && s[i] == '-') { *rs = 1; i++; }
  else if (plus_end && i < n && s[i] == '+') i++;
  if (i + 1 < n && s[i] == '%' && s[i + 1] == '}') {
    *end = i + 2;
    return 1;
  }
  return 0;
}

int tpl_lex(tpl_toks *out, const char *name, const char *src, size_t len, cc_diags *diags) {
  S_lx lx = {name, src, len, 0, 1, 1, out, diags, 0};
  int rc = CC_OK, lstrip = 0;
  size_t i = 0;
  out->v = NULL;
  out->n = out->cap = 0;
  /* Jinja2 drops a single trailing newline (keep_trailing_newline=False). */
  if (len && src[len - 1] == '\n') len--, lx.len = len;
  while (i < len) {
    size_t t = S_next_tag(src, len, i);
    int rstrip = t + 2 < len && src[t + 2] == '-';
    /* `{%+`, `{{+`, `{#+`: lstrip_blocks is off, so the marker is a no-op. */
    int plus = t + 2 < len && src[t + 2] == '+';
    if ((rc = S_text(&lx, i, t, lstrip, rstrip))) goto out;
    lstrip = 0;
    if (t >= len) break;
    char k = src[t + 1];
    size_t body = t + 2 + (size_t)(rstrip || plus), end;
    int ls, rs;
    if (k == '#') {
      size_t j = body;
      while (j + 1 < len && !(src[j] == '#' && src[j + 1] == '}')) j++;
      if (j + 1 >= len) {
        S_err(&lx, t, "missing end of comment tag");
        rc = CC_EINVAL;
        goto out;
      }
      lstrip = j > body && src[j - 1] == '-';
      i = j + 2;
      continue;
    }
    if (k == '%' && S_is_tag_word(src, len, t, "raw", 0, &end, &ls, &rs)) {
      size_t j = end, e2 = 0;
      int ls2 = 0, rs2 = 0;
      for (; j < len; j++)
        if (S_is_tag_word(src, len, j, "endraw", 1, &e2, &ls2, &rs2)) break;
      if (j >= len) {
        S_err(&lx, t, "missing end of raw directive");
        rc = CC_EINVAL;
        goto out;
      }
      if ((rc = S_text(&lx, end, j, rs, ls2))) goto out;
      lstrip = rs2;
      i = e2;
      continue;
    }
    if ((rc = S_push(&lx, k == '{' ? TK_VBEGIN : TK_BBEGIN, t, 2))) goto out;
    if ((rc = S_expr(&lx, body, k == '{' ? '}' : '%', &end, &lstrip))) goto out;
    if ((rc = S_push(&lx, k == '{' ? TK_VEND : TK_BEND, end - 2, 2))) goto out;
    i = end;
  }
  rc = S_push(&lx, TK_EOF, len, 0);
out:
  if (lx.failed && rc == CC_OK) rc = CC_EINVAL;
  return rc;
}
