#include "hclfmt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

typedef enum { S_BLANK, S_CODE, S_VERBATIM } S_kind;

typedef struct S_line {
  S_kind kind;
  cc_buf text;      /* CODE: normalised, no indentation; VERBATIM: as read */
  int net;          /* net bracket change (up to a heredoc opener) */
  bool opens_first; /* CODE: first token is a closing bracket */
  long eq;          /* offset of the assignment's `=` in text, -1: none */
  long comment;     /* offset of a trailing comment, -1: none */
  int indent;
  bool drop;
} S_line;

typedef struct S_scan {
  const char *p, *end;
  cc_buf *out;
  int net;
  bool heredoc;     /* a heredoc opener was seen on this line */
  char marker[128]; /* its marker */
  long first_eq;    /* offset in out of the first `=` token, -1 */
  long comment;     /* offset in out where a comment starts, -1 */
  int tokens;       /* tokens seen (for "not the first token") */
  int eq_net;       /* net brackets from the first `=` on */
  bool eq_done;     /* stopped counting eq_net (heredoc) */
  int rc;
} S_scan;

static void S_put(S_scan *s, const char *p, size_t n) {
  if (!s->rc) s->rc = cc_buf_add(s->out, p, n);
}

static void S_bracket(S_scan *s, int d) {
  if (!s->heredoc) s->net += d;
  if (s->first_eq >= 0 && !s->eq_done) s->eq_net += d;
}

static void S_expr(S_scan *s, bool in_interp);

/* A quoted string, from its opening quote; copied as is. */
static void S_string(S_scan *s) {
  const char *start = s->p++;
  while (s->p < s->end && *s->p != '"' && *s->p != '\n') {
    if (*s->p == '\\' && s->p + 1 < s->end) {
      s->p += 2;
    } else if ((*s->p == '$' || *s->p == '%') && s->p + 1 < s->end && s->p[1] == s->p[0]) {
      s->p += 2; /* $${ and %%{ are literal */
    } else if ((*s->p == '$' || *s->p == '%') && s->p + 1 < s->end && s->p[1] == '{') {
      s->p += 2;
      S_put(s, start, (size_t)(s->p - start));
      int depth_net = s->net;
      S_expr(s, true);
      s->net = depth_net; /* interpolations are balanced */
      start = s->p;
    } else {
      s->p++;
    }
  }
  if (s->p < s->end && *s->p == '"') s->p++;
  S_put(s, start, (size_t)(s->p - start));
}

/* Code up to the end of the line (or, inside an interpolation, up to its
 * closing brace, which is copied). Whitespace runs become one space. */
static void S_expr(S_scan *s, bool in_interp) {
  int depth = 0;
  bool space = false;
  while (s->p < s->end && *s->p != '\n' && !s->rc) {
    char c = *s->p;
    if (c == ' ' || c == '\t' || c == '\r') {
      space = true;
      s->p++;
      continue;
    }
    if (space && s->out->len && s->out->ptr[s->out->len - 1] != ' ') S_put(s, " ", 1);
    space = false;
    if (!in_interp) s->tokens++;
    if (c == '#' || (c == '/' && s->p + 1 < s->end && s->p[1] == '/')) {
      if (!in_interp && s->comment < 0) s->comment = (long)s->out->len;
      const char *e = memchr(s->p, '\n', (size_t)(s->end - s->p));
      if (!e) e = s->end;
      while (e > s->p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
      S_put(s, s->p, (size_t)(e - s->p));
      s->p = e;
      while (s->p < s->end && *s->p != '\n') s->p++;
      return;
    }
    if (c == '/' && s->p + 1 < s->end && s->p[1] == '*') {
      const char *e = s->p + 2;
      while (e + 1 < s->end && !(e[0] == '*' && e[1] == '/') && e[0] != '\n') e++;
      if (e + 1 < s->end && e[0] == '*' && e[1] == '/') e += 2;
      else e = s->p + 2 > s->end ? s->end : s->p + 2;
      if (!in_interp && s->comment < 0) s->comment = (long)s->out->len;
      S_put(s, s->p, (size_t)(e - s->p));
      s->p = e;
      continue;
    }
    if (c == '"') {
      S_string(s);
      continue;
    }
    if (c == '<' && s->p + 2 < s->end && s->p[1] == '<' && !in_interp) {
      const char *q = s->p + 2;
      if (*q == '-') q++;
      const char *m = q;
      while (q < s->end && (q[0] == '_' || q[0] == '-' || (q[0] >= 'A' && q[0] <= 'Z') || (q[0] >= 'a' && q[0] <= 'z') ||
                            (q[0] >= '0' && q[0] <= '9')))
        q++;
      const char *r = q;
      while (r < s->end && (*r == ' ' || *r == '\t' || *r == '\r')) r++;
      if (q > m && (size_t)(q - m) < sizeof s->marker && (r == s->end || *r == '\n')) {
        memcpy(s->marker, m, (size_t)(q - m));
        s->marker[q - m] = '\0';
        S_put(s, s->p, (size_t)(q - s->p));
        s->heredoc = true;
        s->eq_done = true;
        s->p = r;
        return;
      }
    }
    if (c == '{' || c == '[' || c == '(') {
      depth++;
      S_bracket(s, 1);
    } else if (c == '}' || c == ']' || c == ')') {
      if (in_interp && depth == 0 && c == '}') {
        S_put(s, s->p, 1);
        s->p++;
        return;
      }
      depth--;
      S_bracket(s, -1);
    } else if (c == '=') {
      char prev = s->out->len ? s->out->ptr[s->out->len - 1] : 0;
      char next = s->p + 1 < s->end ? s->p[1] : 0;
      bool single = next != '=' && next != '>' && prev != '=' && prev != '!' && prev != '<' && prev != '>';
      if (single && !in_interp && s->first_eq < 0 && s->tokens > 1) {
        /* one space each side */
        if (s->out->len && s->out->ptr[s->out->len - 1] != ' ') S_put(s, " ", 1);
        s->first_eq = (long)s->out->len;
        S_put(s, "=", 1);
        s->p++;
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t')) s->p++;
        if (s->p < s->end && *s->p != '\n') S_put(s, " ", 1);
        continue;
      }
    }
    S_put(s, s->p, 1);
    s->p++;
  }
}

static bool S_is_closer(char c) { return c == '}' || c == ']' || c == ')'; }

int gen_hclfmt(const char *in, size_t len, cc_buf *out) {
  S_line *lines = NULL;
  size_t n = 0, cap = 0;
  int rc = CC_OK;
  const char *p = in, *end = in + len;
  char marker[128] = "";
  bool in_heredoc = false;
  while (p < end && !rc) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 64;
      S_line *nl2 = realloc(lines, nc * sizeof *lines);
      if (!nl2) {
        rc = CC_ENOMEM;
        break;
      }
      lines = nl2;
      cap = nc;
    }
    S_line *l = &lines[n++];
    memset(l, 0, sizeof *l);
    cc_buf_init(&l->text, CC_BUF_DEFAULT_MAX);
    l->eq = l->comment = -1;
    if (in_heredoc) {
      l->kind = S_VERBATIM;
      rc = cc_buf_add(&l->text, p, (size_t)(le - p));
      const char *a = p, *b = le;
      while (a < b && (*a == ' ' || *a == '\t')) a++;
      while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r')) b--;
      if ((size_t)(b - a) == strlen(marker) && !memcmp(a, marker, (size_t)(b - a))) in_heredoc = false;
    } else {
      S_scan s = {.p = p, .end = le, .out = &l->text, .first_eq = -1, .comment = -1};
      while (s.p < le && (*s.p == ' ' || *s.p == '\t' || *s.p == '\r')) s.p++;
      S_expr(&s, false);
      rc = s.rc;
      while (l->text.len && l->text.ptr[l->text.len - 1] == ' ') cc_buf_truncate(&l->text, l->text.len - 1);
      if (!l->text.len) {
        l->kind = S_BLANK;
      } else {
        l->kind = S_CODE;
        l->net = s.net;
        l->opens_first = S_is_closer(l->text.ptr[0]);
        if (s.first_eq >= 0 && s.eq_net == 0 && (s.comment < 0 || s.first_eq < s.comment)) l->eq = s.first_eq;
        if (s.comment > 0) l->comment = s.comment;
        if (s.heredoc) {
          in_heredoc = true;
          memcpy(marker, s.marker, sizeof marker);
        }
      }
    }
    p = nl ? nl + 1 : end;
  }

  /* Indentation (hclwrite's formatIndent). */
  int *indents = NULL;
  size_t ni = 0, ci = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    S_line *l = &lines[i];
    if (l->kind != S_CODE) continue;
    if (l->net > 0) {
      l->indent = 2 * (int)ni;
      if (ni == ci) {
        size_t nc = ci ? ci * 2 : 16;
        int *ni2 = realloc(indents, nc * sizeof *indents);
        if (!ni2) {
          rc = CC_ENOMEM;
          break;
        }
        indents = ni2;
        ci = nc;
      }
      indents[ni++] = l->net;
    } else if (l->net < 0) {
      int closed = -l->net;
      while (closed > 0 && ni > 0) {
        if (closed > indents[ni - 1]) {
          closed -= indents[ni - 1];
          ni--;
        } else if (closed < indents[ni - 1]) {
          indents[ni - 1] -= closed;
          closed = 0;
        } else {
          ni--;
          closed = 0;
        }
      }
      l->indent = 2 * (int)ni;
    } else {
      l->indent = 2 * (int)ni;
    }
  }
  free(indents);

  /* Blank lines: at most one, none at the ends, after an opener or before
   * a closer. */
  for (size_t i = 0; i < n; i++) {
    if (lines[i].kind != S_BLANK) continue;
    size_t prev = i, next = i + 1;
    while (prev > 0 && lines[prev - 1].kind == S_BLANK) prev--;
    while (next < n && lines[next].kind == S_BLANK) next++;
    bool drop = prev == 0 || next == n || prev != i;
    if (!drop && lines[prev - 1].kind == S_CODE && lines[prev - 1].net > 0) drop = true;
    if (!drop && lines[next].kind == S_CODE && lines[next].opens_first && lines[next].net < 0) drop = true;
    lines[i].drop = drop;
  }
  /* Dropped lines go before alignment, so the lines around them group as
   * they will on the next pass (formatting stays idempotent). */
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    if (lines[i].drop)
      cc_buf_free(&lines[i].text);
    else
      lines[kept++] = lines[i];
  }
  n = kept;

  /* Alignment of `=` and of trailing comments, then output. */
  size_t i = 0;
  while (i < n && !rc) {
    S_line *l = &lines[i];
    if (l->kind == S_BLANK) {
      rc = cc_buf_putc(out, '\n');
      i++;
      continue;
    }
    if (l->kind == S_VERBATIM) {
      rc = cc_buf_add(out, l->text.ptr ? l->text.ptr : "", l->text.len);
      if (!rc) rc = cc_buf_putc(out, '\n');
      i++;
      continue;
    }
    /* A group of consecutive CODE lines (verbatim heredoc lines inside it
     * belong to the line that opened them). */
    size_t j = i;
    while (j < n && (lines[j].kind == S_CODE || lines[j].kind == S_VERBATIM)) j++;
    /* assign chains */
    size_t *lead = calloc(j - i, sizeof *lead);
    size_t *cols = calloc(j - i, sizeof *cols);
    if (!lead || !cols) {
      free(lead);
      free(cols);
      rc = CC_ENOMEM;
      break;
    }
    for (size_t k = i; k < j; k++) {
      S_line *m = &lines[k];
      if (m->kind == S_CODE && m->eq >= 0) {
        size_t w = (size_t)m->eq;
        while (w > 0 && m->text.ptr[w - 1] == ' ') w--;
        lead[k - i] = (size_t)m->indent + w;
      }
    }
    size_t k = i;
    while (k < j) {
      if (lines[k].kind != S_CODE || lines[k].eq < 0) {
        k++;
        continue;
      }
      size_t e = k, w = 0;
      while (e < j && (lines[e].kind == S_VERBATIM || lines[e].eq >= 0)) {
        if (lines[e].kind == S_CODE && lead[e - i] > w) w = lead[e - i];
        e++;
      }
      for (size_t m = k; m < e; m++)
        if (lines[m].kind == S_CODE) cols[m - i] = w; /* pad lead to w */
      k = e;
    }
    /* render each line into a temp buffer, then align comments */
    cc_buf *rendered = calloc(j - i, sizeof *rendered);
    long *cpos = calloc(j - i, sizeof *cpos);
    if (!rendered || !cpos) {
      free(lead);
      free(cols);
      free(rendered);
      free(cpos);
      rc = CC_ENOMEM;
      break;
    }
    for (k = i; k < j && !rc; k++) {
      S_line *m = &lines[k];
      cc_buf *r = &rendered[k - i];
      cc_buf_init(r, CC_BUF_DEFAULT_MAX);
      cpos[k - i] = -1;
      if (m->kind == S_VERBATIM) {
        rc = cc_buf_add(r, m->text.ptr ? m->text.ptr : "", m->text.len);
        continue;
      }
      rc = cc_buf_printf(r, "%*s", m->indent, "");
      const char *t = m->text.ptr;
      if (m->eq >= 0) {
        size_t w = (size_t)m->eq;
        while (w > 0 && t[w - 1] == ' ') w--;
        if (!rc) rc = cc_buf_add(r, t, w);
        if (!rc) rc = cc_buf_printf(r, "%*s", (int)(cols[k - i] - lead[k - i] + 1), "");
        t += m->eq;
      }
      size_t off = (size_t)(t - m->text.ptr);
      if (m->comment >= 0 && (size_t)m->comment >= off) {
        size_t cw = (size_t)m->comment - off;
        while (cw > 0 && t[cw - 1] == ' ') cw--;
        if (!rc) rc = cc_buf_add(r, t, cw);
        cpos[k - i] = (long)r->len;
        t = m->text.ptr + m->comment;
      }
      if (!rc) rc = cc_buf_add(r, t, m->text.len - (size_t)(t - m->text.ptr)); /* NUL bytes too */
    }
    for (k = i; k < j && !rc;) {
      if (cpos[k - i] < 0) {
        k++;
        continue;
      }
      size_t e = k, w = 0;
      while (e < j && cpos[e - i] >= 0) {
        if ((size_t)cpos[e - i] > w) w = (size_t)cpos[e - i];
        e++;
      }
      for (size_t m = k; m < e && !rc; m++) {
        cc_buf *r = &rendered[m - i];
        cc_buf tmp = CC_BUF_INIT;
        rc = cc_buf_add(&tmp, r->ptr, (size_t)cpos[m - i]);
        if (!rc) rc = cc_buf_printf(&tmp, "%*s", (int)(w - (size_t)cpos[m - i] + 1), "");
        if (!rc) rc = cc_buf_add(&tmp, r->ptr + cpos[m - i], r->len - (size_t)cpos[m - i]);
        cc_buf_free(r);
        *r = tmp;
      }
      k = e;
    }
    for (k = i; k < j; k++) {
      if (!rc) rc = cc_buf_add(out, rendered[k - i].ptr ? rendered[k - i].ptr : "", rendered[k - i].len);
      if (!rc) rc = cc_buf_putc(out, '\n');
      cc_buf_free(&rendered[k - i]);
    }
    free(rendered);
    free(cpos);
    free(lead);
    free(cols);
    i = j;
  }
  for (size_t m = 0; m < n; m++) cc_buf_free(&lines[m].text);
  free(lines);
  return rc;
}
