/* gen/scalar_pos.c: maps a position in a scalar's value back to the spec
 * (see scalar_pos.h). The reader follows YAML 1.2's scalar rules closely
 * enough for positions: it walks the source, and each time the source
 * yields a character of the value it steps through VALUE too, so the value
 * decides where lines and columns are. */
#include "scalar_pos.h"

#include <stdbool.h>
#include <string.h>

typedef struct S_scan {
  const char *p, *end; /* the source, from the scalar on */
  int line, col;       /* the source position of p */
  const char *v;       /* the next character of the value */
  int vline, vcol;     /* its position in the value */
  int tline, tcol;     /* the position asked for */
  bool done;
  gen_span out;
} S_scan;

static bool S_blank(char c) { return c == ' ' || c == '\t'; }

/* The length of the line break at P, 0 when there is none. Breaks are
 * libyaml's, whose positions AT comes from: CR LF, LF, CR, NEL, LS, PS. */
static size_t S_break_len(const char *p, const char *end) {
  size_t n = (size_t)(end - p);
  if (n == 0) return 0;
  if (p[0] == '\n') return 1;
  if (p[0] == '\r') return n > 1 && p[1] == '\n' ? 2 : 1;
  if (n > 1 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0x85) return 2;
  if (n > 2 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
      ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9))
    return 3;
  return 0;
}

static bool S_at_break(const S_scan *s) { return S_break_len(s->p, s->end) > 0; }

/* One code point (or one line break) on in the source. */
static void S_adv(S_scan *s) {
  if (s->p >= s->end) return;
  size_t b = S_break_len(s->p, s->end);
  if (b) {
    s->p += b;
    s->line++;
    s->col = 1;
    return;
  }
  s->p++;
  while (s->p < s->end && ((unsigned char)*s->p & 0xC0) == 0x80) s->p++;
  s->col++;
}

/* The source at LINE:COL yields the value's next character. */
static void S_emit(S_scan *s, int line, int col) {
  if (s->done) return;
  if (*s->v == '\0' || s->vline > s->tline || (s->vline == s->tline && s->vcol >= s->tcol)) {
    s->done = true;
    s->out.line = line;
    s->out.col = col;
    return;
  }
  if (*s->v == '\n') {
    s->v++;
    s->vline++;
    s->vcol = 1;
    return;
  }
  s->v++;
  while (((unsigned char)*s->v & 0xC0) == 0x80) s->v++;
  s->vcol++;
}

/* The value has no more characters the source accounts for: a position
 * not found yet is past its end, and maps to LINE:COL. */
static void S_finish(S_scan *s, int line, int col) {
  if (s->done) return;
  s->done = true;
  s->out.line = line;
  s->out.col = col;
}

/* Skips blanks; true when they end the line (they are trailing). */
static bool S_skip_blanks(S_scan *s) {
  while (s->p < s->end && S_blank(*s->p)) S_adv(s);
  return s->p >= s->end || S_at_break(s);
}

/* Flow scalars fold a line break: one break is a space, N empty lines
 * after it are N newlines; the next line's leading blanks are dropped. */
static void S_fold(S_scan *s) {
  int bl = s->line, bc = s->col;
  S_adv(s);
  int empty = 0;
  while (S_skip_blanks(s) && s->p < s->end) {
    empty++;
    S_adv(s);
  }
  if (empty == 0) S_emit(s, bl, bc);
  for (int i = 0; i < empty; i++) S_emit(s, bl + 1 + i, 1);
}

/* QUOTE is '"', '\'' or 0 (plain). */
static void S_flow(S_scan *s, char quote) {
  if (quote) S_adv(s);
  while (!s->done && s->p < s->end) {
    char c = *s->p;
    if (quote == '\'' && c == '\'') {
      if (s->p + 1 < s->end && s->p[1] == '\'') {
        S_emit(s, s->line, s->col);
        S_adv(s);
        S_adv(s);
        continue;
      }
      break;
    }
    if (quote == '"' && c == '"') break;
    if (quote == '"' && c == '\\') {
      int l = s->line, k = s->col;
      S_adv(s);
      if (S_at_break(s)) { /* an escaped line break joins the lines */
        S_adv(s);
        S_skip_blanks(s);
        continue;
      }
      char e = s->p < s->end ? *s->p : 0;
      int digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
      S_adv(s);
      for (int i = 0; i < digits; i++) S_adv(s);
      S_emit(s, l, k);
      continue;
    }
    if (S_blank(c)) {
      const char *p0 = s->p;
      int l = s->line, k = s->col;
      if (S_skip_blanks(s) && s->p < s->end) continue; /* trailing: dropped */
      /* not trailing: each blank is in the value */
      s->p = p0;
      s->line = l;
      s->col = k;
      while (s->p < s->end && S_blank(*s->p)) {
        S_emit(s, s->line, s->col);
        S_adv(s);
      }
      continue;
    }
    if (S_at_break(s)) {
      S_fold(s);
      continue;
    }
    S_emit(s, s->line, s->col);
    S_adv(s);
  }
  S_finish(s, s->line, s->col); /* past the end: where the scalar ends */
}

/* The number of leading spaces of the line at P. */
static int S_lead(const char *p, const char *end) {
  int n = 0;
  while (p + n < end && p[n] == ' ') n++;
  return n;
}

static bool S_line_empty(const char *p, const char *end) {
  while (p < end && S_blank(*p)) p++;
  return p >= end || *p == '\n' || *p == '\r';
}

static const char *S_next_line(const char *p, const char *end) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  return nl ? nl + 1 : end;
}

/* The content indentation of a block scalar whose first line after the
 * header is at P: the first non-empty line's leading spaces; with an
 * indentation indicator, the spaces that line has beyond the value's first
 * non-empty line (the indicator counts from the parent's indentation, which
 * a scalar alone does not show). */
static int S_block_indent(const char *p, const char *end, const char *value, bool explicit) {
  while (p < end && S_line_empty(p, end)) p = S_next_line(p, end);
  if (p >= end) return 0;
  int lead = S_lead(p, end);
  if (!explicit) return lead;
  while (*value == '\n') value++;
  int vlead = 0;
  while (value[vlead] == ' ') vlead++;
  return lead > vlead ? lead - vlead : 0;
}

static void S_block(S_scan *s) {
  bool folded = *s->p == '>', explicit = false;
  S_adv(s);
  while (s->p < s->end && (*s->p == '+' || *s->p == '-' || (*s->p >= '1' && *s->p <= '9'))) {
    if (*s->p != '+' && *s->p != '-') explicit = true;
    S_adv(s);
  }
  while (s->p < s->end && !S_at_break(s)) S_adv(s); /* blanks and a comment */
  S_adv(s);
  int indent = S_block_indent(s->p, s->end, s->v, explicit);
  bool seen = false, prev_normal = false;
  int pending = 0, bl = 0, bc = 0; /* line breaks not yet in the value, the first one's place */
  while (!s->done && s->p < s->end) {
    if (S_line_empty(s->p, s->end) && S_lead(s->p, s->end) <= indent) {
      int l = s->line;
      while (s->p < s->end && !S_at_break(s)) S_adv(s);
      if (!seen) S_emit(s, l, 1); /* leading empty lines are newlines */
      else pending++;
      S_adv(s);
      continue;
    }
    if (S_lead(s->p, s->end) < indent) break; /* less indented: the next node */
    for (int i = 0; i < indent && s->p < s->end && *s->p == ' '; i++) S_adv(s);
    bool normal = s->p < s->end && !S_blank(*s->p);
    if (seen) {
      /* the breaks between the last content line and this one */
      if (folded && prev_normal && normal && pending == 1) {
        S_emit(s, bl, bc);
      } else {
        int from = folded && prev_normal && normal ? 1 : 0;
        for (int i = from; i < pending; i++) S_emit(s, i == 0 ? bl : bl + i, i == 0 ? bc : 1);
      }
    }
    seen = true;
    prev_normal = normal;
    while (s->p < s->end && !S_at_break(s)) {
      S_emit(s, s->line, s->col);
      S_adv(s);
    }
    bl = s->line;
    bc = s->col;
    pending = 1;
    S_adv(s);
  }
  /* past the end: where the last content line ends */
  S_finish(s, bl ? bl : s->line, bl ? bc : s->col);
}

gen_span gen_scalar_pos(const char *text, size_t len, gen_span at, const char *value, int vline, int vcol) {
  S_scan s = {.end = text + len, .line = 1, .col = 1, .v = value, .vline = 1, .vcol = 1, .tline = vline, .tcol = vcol};
  s.p = text;
  while (s.p < s.end && s.line < at.line) S_adv(&s);
  while (s.p < s.end && s.line == at.line && s.col < at.col && !S_at_break(&s)) S_adv(&s);
  if (s.line != at.line || s.col != at.col) return at;
  /* an anchor or a tag before the scalar */
  while (s.p < s.end && (*s.p == '&' || *s.p == '!')) {
    while (s.p < s.end && !S_blank(*s.p) && !S_at_break(&s)) S_adv(&s);
    while (s.p < s.end && (S_blank(*s.p) || S_at_break(&s))) S_adv(&s);
  }
  if (s.p >= s.end) return at;
  if (*s.p == '|' || *s.p == '>') S_block(&s);
  else S_flow(&s, *s.p == '"' || *s.p == '\'' ? *s.p : 0);
  if (!s.done) return at;
  s.out.file = at.file;
  return s.out;
}
