#include "cc/diag.h"

#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/err.h"

void cc_diags_init(cc_diags *d) { memset(d, 0, sizeof *d); }

void cc_diags_free(cc_diags *d) {
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->items[i].file);
    free(d->items[i].msg);
  }
  free(d->items);
  for (size_t i = 0; i < d->nsources; i++) {
    free(d->sources[i].file);
    free(d->sources[i].text);
  }
  free(d->sources);
  memset(d, 0, sizeof *d);
}

static char *S_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  if (p) memcpy(p, s, n + 1);
  return p;
}

int cc_diags_source(cc_diags *d, const char *file, const char *text, size_t len) {
  char *copy = malloc(len + 1);
  if (!copy) return CC_ENOMEM;
  memcpy(copy, text, len);
  copy[len] = '\0';
  for (size_t i = 0; i < d->nsources; i++) {
    if (strcmp(d->sources[i].file, file) == 0) {
      free(d->sources[i].text);
      d->sources[i].text = copy;
      d->sources[i].len = len;
      return CC_OK;
    }
  }
  cc_diag_source *s = realloc(d->sources, (d->nsources + 1) * sizeof *s);
  char *name = S_strdup(file);
  if (!s || !name) {
    if (s) d->sources = s;
    free(copy);
    free(name);
    return CC_ENOMEM;
  }
  d->sources = s;
  s[d->nsources].file = name;
  s[d->nsources].text = copy;
  s[d->nsources].len = len;
  d->nsources++;
  return CC_OK;
}

void cc_diags_vadd(cc_diags *d, cc_diag_level level, const char *file, int line, int col,
                   const char *fmt, va_list ap) {
  if (level == CC_DIAG_ERROR) d->nerrors++;
  size_t max = d->max ? d->max : 1000;
  if (d->n >= max) {
    if (level == CC_DIAG_WARNING) d->warnings_dropped++;
    return;
  }
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 16;
    cc_diag *items = realloc(d->items, cap * sizeof *items);
    if (!items) return;
    d->items = items;
    d->cap = cap;
  }
  cc_buf msg = CC_BUF_INIT;
  if (cc_buf_vprintf(&msg, fmt, ap)) {
    cc_buf_free(&msg);
    return;
  }
  cc_diag *g = &d->items[d->n];
  g->level = level;
  g->file = S_strdup(file ? file : "<input>");
  g->line = line;
  g->col = col;
  g->msg = cc_buf_detach(&msg);
  if (!g->file || !g->msg) {
    free(g->file);
    free(g->msg);
    return;
  }
  d->n++;
}

void cc_diags_add(cc_diags *d, cc_diag_level level, const char *file, int line, int col,
                  const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_diags_vadd(d, level, file, line, col, fmt, ap);
  va_end(ap);
}

static size_t S_file_rank(const cc_diags *d, const char *file, const char **seen, size_t *nseen) {
  (void)d;
  for (size_t i = 0; i < *nseen; i++)
    if (strcmp(seen[i], file) == 0) return i;
  seen[*nseen] = file;
  return (*nseen)++;
}

void cc_diags_sort(cc_diags *d) {
  if (d->n < 2) return;
  const char **seen = malloc(d->n * sizeof *seen);
  size_t *rank = malloc(d->n * sizeof *rank);
  cc_diag *tmp = malloc(d->n * sizeof *tmp);
  if (!seen || !rank || !tmp) goto out;
  size_t nseen = 0;
  for (size_t i = 0; i < d->n; i++) rank[i] = S_file_rank(d, d->items[i].file, seen, &nseen);
  /* Insertion sort on (rank, line, col) keeps equal keys in order; lists are short. */
  size_t *order = malloc(d->n * sizeof *order);
  if (!order) goto out;
  for (size_t i = 0; i < d->n; i++) {
    size_t j = i;
    while (j > 0) {
      const cc_diag *p = &d->items[order[j - 1]], *q = &d->items[i];
      size_t rp = rank[order[j - 1]], rq = rank[i];
      int after = rp > rq || (rp == rq && (p->line > q->line || (p->line == q->line && p->col > q->col)));
      if (!after) break;
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  for (size_t i = 0; i < d->n; i++) tmp[i] = d->items[order[i]];
  memcpy(d->items, tmp, d->n * sizeof *tmp);
  free(order);
out:
  free(seen);
  free(rank);
  free(tmp);
}

static const cc_diag_source *S_find_source(const cc_diags *d, const char *file) {
  for (size_t i = 0; i < d->nsources; i++)
    if (strcmp(d->sources[i].file, file) == 0) return &d->sources[i];
  return NULL;
}

/* Where the previous excerpt's line started: diagnostics come sorted, so
 * the next line is found from there rather than from the file's start. */
typedef struct S_cursor {
  const cc_diag_source *src;
  const char *p;
  int line;
} S_cursor;

/* Prints line LINE of SRC and a caret under code point COL. */
static void S_print_excerpt(FILE *out, const cc_diag_source *src, int line, int col, S_cursor *cur) {
  const char *p = src->text, *end = src->text + src->len;
  int l = 1;
  if (cur->src == src && cur->line <= line) {
    p = cur->p;
    l = cur->line;
  }
  for (; l < line && p < end; l++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) return;
    p = nl + 1;
  }
  cur->src = src;
  cur->p = p;
  cur->line = line;
  if (p > end) return;
  const char *eol = memchr(p, '\n', (size_t)(end - p));
  if (!eol) eol = end;
  if (eol > p && eol[-1] == '\r') eol--;
  fprintf(out, "%5d | %.*s\n", line, (int)(eol - p), p);
  fprintf(out, "      | ");
  int c = 1;
  for (const char *q = p; q < eol && c < col; q++) {
    if (((unsigned char)*q & 0xC0) == 0x80) continue; /* continuation byte */
    fputc(*q == '\t' ? '\t' : ' ', out);
    c++;
  }
  fputs("^\n", out);
}

void cc_diags_print(const cc_diags *d, FILE *out) {
  static const char *const names[] = {"error", "warning", "note"};
  S_cursor cur = {NULL, NULL, 0};
  for (size_t i = 0; i < d->n; i++) {
    const cc_diag *g = &d->items[i];
    if (g->line > 0)
      fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col, names[g->level], g->msg);
    else
      fprintf(out, "%s: %s: %s\n", g->file, names[g->level], g->msg);
    const cc_diag_source *src = g->line > 0 ? S_find_source(d, g->file) : NULL;
    if (src) S_print_excerpt(out, src, g->line, g->col, &cur);
  }
  size_t dropped = d->nerrors;
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].level == CC_DIAG_ERROR) dropped--;
  if (dropped) fprintf(out, "(%zu more errors not shown)\n", dropped);
  if (d->warnings_dropped) fprintf(out, "(%zu more warnings not shown)\n", d->warnings_dropped);
}
