/* A Vixie/cronie crontab into EventBridge cron() expressions (see crontab.h). */
#include "crontab.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/err.h"
#include "cc/grow.h"
#include "cc/tz.h"
#include "formats.h"

typedef struct S_field_def {
  const char *name;
  int min, max;
  const char *const *names; /* names[i] is value min+i */
} S_field_def;

static const char *const S_month_names[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                            "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
static const char *const S_day_names[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

static const S_field_def S_fields[5] = {
    {"minute", 0, 59, NULL},          {"hour", 0, 23, NULL}, {"day-of-month", 1, 31, NULL},
    {"month", 1, 12, S_month_names}, {"day-of-week", 0, 7, S_day_names},
};

static const struct {
  const char *name, *fields;
} S_specials[] = {
    {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"}, {"@weekly", "0 0 * * 0"},
    {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"},
};

typedef struct S_parser {
  const char *file;
  cc_diags *d;
  cc_arena *a;
  int line;
  const char *start; /* the line's first byte, for columns */
  int errors, oom;
  gen_crontab_env *env;
  size_t nenv, capenv;
  const char *zone;
  gen_crontab_entry *entries;
  size_t n, cap;
  gen_crontab_skipped *skipped;
  size_t nskipped, capskipped;
} S_parser;

/* The 1-based column (in code points) of byte P of the current line. */
static int S_col(const S_parser *p, const char *at) {
  int col = 1;
  for (const char *q = p->start; q < at; q++)
    if (((unsigned char)*q & 0xC0) != 0x80) col++;
  return col;
}

static int S_err(S_parser *p, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int S_err(S_parser *p, const char *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_diags_vadd(p->d, CC_DIAG_ERROR, p->file, p->line, S_col(p, at), fmt, ap);
  va_end(ap);
  p->errors++;
  return CC_EINVAL;
}

static const char *S_dup(S_parser *p, const char *s, size_t n) {
  const char *r = cc_arena_strndup(p->a, s, n);
  if (!r) p->oom = 1;
  return r;
}

static int S_blank(char c) { return c == ' ' || c == '\t'; }

/* ---- fields ---- */

/* A number or a three-letter name of field F at *S. */
static int S_value(S_parser *p, const S_field_def *f, const char **s, const char *end, int *out) {
  const char *q = *s;
  if (q < end && *q >= '0' && *q <= '9') {
    long v = 0;
    while (q < end && *q >= '0' && *q <= '9') {
      v = v * 10 + (*q++ - '0');
      if (v > 100000) v = 100000;
    }
    if (v < f->min || v > f->max) return S_err(p, *s, "%s %ld is out of range %d-%d", f->name, v, f->min, f->max);
    *out = (int)v;
    *s = q;
    return CC_OK;
  }
  size_t n = 0;
  while (q + n < end && ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z'))) n++;
  if (f->names && n == 3) {
    for (int i = 0; i <= f->max - f->min; i++) {
      if (!strncasecmp(q, f->names[i], 3)) {
        *out = f->min + i;
        *s = q + 3;
        return CC_OK;
      }
    }
  }
  if (n)
    return S_err(p, q, "`%.*s` is not a %s%s", (int)n, q, f->name,
                 f->names == S_month_names ? " (a number 1-12 or JAN-DEC)"
                 : f->names                ? " (a number 0-7 or SUN-SAT)"
                                           : " number");
  return S_err(p, q, "expected a %s number%s at `%.1s`", f->name, f->names ? " or name" : "", q < end ? q : " ");
}

/* One field (S to END) of F into BITS (bit i = value min+i). */
static int S_field(S_parser *p, const S_field_def *f, const char *s, const char *end, uint64_t *bits) {
  *bits = 0;
  for (const char *part = s; part <= end;) {
    const char *comma = memchr(part, ',', (size_t)(end - part));
    const char *pend = comma ? comma : end, *q = part;
    if (pend == part) return S_err(p, part, "empty entry in the %s list", f->name);
    int lo = f->min, hi = f->max, step = 1, rc;
    if (*q == '*') {
      q++;
    } else {
      if ((rc = S_value(p, f, &q, pend, &lo))) return rc;
      hi = lo;
      if (q < pend && *q == '-') {
        const char *at = ++q;
        if ((rc = S_value(p, f, &q, pend, &hi))) return rc;
        if (hi == 0 && f->max == 7) hi = 7; /* day-of-week FRI-SUN: Sunday as 7 */
        if (hi < lo) return S_err(p, at, "the %s range %d-%d runs backwards", f->name, lo, hi);
      } else if (q < pend && *q == '/') {
        hi = f->max; /* N/S: from N on, every S */
      }
    }
    if (q < pend && *q == '/') {
      const char *at = ++q;
      long v = 0;
      if (q == pend || *q < '0' || *q > '9') return S_err(p, at, "`/` needs a step number in the %s field", f->name);
      while (q < pend && *q >= '0' && *q <= '9') {
        v = v * 10 + (*q++ - '0');
        if (v > 100000) v = 100000;
      }
      if (v < 1 || v > f->max - f->min + 1)
        return S_err(p, at, "%s step %ld is out of range 1-%d", f->name, v, f->max - f->min + 1);
      step = (int)v;
    }
    if (q != pend) return S_err(p, q, "unexpected `%.*s` in the %s field", (int)(pend - q), q, f->name);
    for (int v = lo; v <= hi; v += step) *bits |= (uint64_t)1 << (v - f->min);
    if (!comma) break;
    part = comma + 1;
  }
  return CC_OK;
}

/* Writes BITS (values LO..HI, bit i = LO+i) as an EventBridge field whose
 * values are shifted by SHIFT: `*`, `A/S` for a progression to the end, or
 * a list of values and ranges. */
static void S_emit(cc_buf *b, uint64_t bits, int lo, int hi, int shift) {
  int span = hi - lo + 1;
  uint64_t all = span == 64 ? ~(uint64_t)0 : ((uint64_t)1 << span) - 1;
  if (bits == all) {
    cc_buf_emitc(b, '*');
    return;
  }
  int first = __builtin_ctzll(bits), count = __builtin_popcountll(bits);
  if (count >= 3) {
    uint64_t rest = bits & (bits - 1);
    int step = __builtin_ctzll(rest) - first, ok = step >= 2;
    for (int i = 0; i < span && ok; i++) {
      int want = i >= first && (i - first) % step == 0;
      ok = want == (int)((bits >> i) & 1);
    }
    if (ok) {
      if (first == 0) cc_buf_emitf(b, "*/%d", step);
      else cc_buf_emitf(b, "%d/%d", first + lo + shift, step);
      return;
    }
  }
  int sep = 0;
  for (int i = 0; i < span;) {
    if (!((bits >> i) & 1)) {
      i++;
      continue;
    }
    int j = i;
    while (j + 1 < span && ((bits >> (j + 1)) & 1)) j++;
    if (sep) cc_buf_emitc(b, ',');
    sep = 1;
    if (j - i >= 2) cc_buf_emitf(b, "%d-%d", i + lo + shift, j + lo + shift);
    else if (j > i) cc_buf_emitf(b, "%d,%d", i + lo + shift, j + lo + shift);
    else cc_buf_emitf(b, "%d", i + lo + shift);
    i = j + 1;
  }
}

/* ---- lines ---- */

static void S_add_entry(S_parser *p, const char *line, size_t len, const char *expr, const char *expr_dow,
                        const char *command) {
  if (cc_grow(&p->entries, &p->cap, p->n + 1, sizeof *p->entries)) {
    p->oom = 1;
    return;
  }
  gen_crontab_entry *e = &p->entries[p->n++];
  memset(e, 0, sizeof *e);
  e->line = p->line;
  e->text = S_dup(p, line, len);
  e->expr = expr;
  e->expr_dow = expr_dow;
  e->command = command;
  e->zone = p->zone;
  e->nenv = p->nenv;
  if (p->nenv) {
    gen_crontab_env *env = cc_arena_alloc(p->a, p->nenv * sizeof *env);
    if (!env) p->oom = 1;
    else memcpy(env, p->env, p->nenv * sizeof *env);
    e->env = env;
  }
}

/* The command from S to END: `\%` becomes `%`; a bare `%` is an error. */
static const char *S_command(S_parser *p, const char *s, const char *end) {
  if (s == end) return S_err(p, s, "the line has no command after its five schedule fields"), NULL;
  cc_buf b = CC_BUF_INIT;
  for (const char *q = s; q < end; q++) {
    if (*q == '\\' && q + 1 < end && q[1] == '%') {
      cc_buf_emitc(&b, '%');
      q++;
    } else if (*q == '%') {
      S_err(p, q, "`%%` in a command is cron's line break and standard input, which has no meaning here; write `\\%%` for a literal %%");
      cc_buf_free(&b);
      return NULL;
    } else {
      cc_buf_emitc(&b, *q);
    }
  }
  const char *r = cc_buf_failed(&b) ? NULL : S_dup(p, cc_buf_str(&b), b.len);
  if (cc_buf_failed(&b)) p->oom = 1; /* the appends above stick their failure */
  cc_buf_free(&b);
  return r;
}

/* Five fields from S (SPECIAL: the @name they came from, for messages),
 * then the command up to END. */
static void S_cron_line(S_parser *p, const char *line, size_t len, const char *s, const char *end, const char *fields,
                        const char *special_at) {
  const char *fs[5], *fe[5], *q = fields ? fields : s;
  const char *qend = fields ? fields + strlen(fields) : end;
  for (int i = 0; i < 5; i++) {
    while (q < qend && S_blank(*q)) q++;
    if (q == qend) {
      S_err(p, fields ? special_at : q, "a cron line has five schedule fields (minute hour day-of-month month day-of-week) and a command; this one has %d field%s",
            i, i == 1 ? "" : "s");
      return;
    }
    fs[i] = q;
    while (q < qend && !S_blank(*q)) q++;
    fe[i] = q;
  }
  const char *cmd = fields ? s : q;
  while (cmd < end && S_blank(*cmd)) cmd++;
  uint64_t bits[5];
  S_parser sub = *p; /* fields of an @name are reported at the name */
  for (int i = 0; i < 5; i++) {
    if (fields) {
      sub.start = fields;
      if (S_field(&sub, &S_fields[i], fs[i], fe[i], &bits[i])) return; /* cannot happen: fixed text */
    } else if (S_field(p, &S_fields[i], fs[i], fe[i], &bits[i])) {
      return;
    }
  }
  const char *command = S_command(p, cmd, end);
  if (!command) return;
  /* day-of-week: fold 7 into 0 (both Sunday). */
  uint64_t dow = (bits[4] & 0x7F) | (bits[4] >> 7 & 1);
  uint64_t dom = bits[2];
  int dom_full = dom == 0x7FFFFFFFu, dow_full = dow == 0x7F;
  int dom_star = *fs[2] == '*', dow_star = *fs[4] == '*';
  cc_buf head = CC_BUF_INIT, b = CC_BUF_INIT, b2 = CC_BUF_INIT;
  S_emit(&head, bits[0], 0, 59, 0);
  cc_buf_emitc(&head, ' ');
  S_emit(&head, bits[1], 0, 23, 0);
  cc_buf mon = CC_BUF_INIT;
  S_emit(&mon, bits[3], 1, 12, 0);
  const char *expr = NULL, *expr_dow = NULL;
  int split = 0, every_day = 0;
  if (dom_star || dow_star) {
    /* cron: the day must match both fields */
    if (!dom_full && !dow_full) {
      S_err(p, fields ? special_at : fs[2], "cron runs this line only on days matching both day-of-month and day-of-week (a field starting with `*` makes them combine with AND), which EventBridge cannot express");
      goto out;
    }
    every_day = dom_full && dow_full;
  } else {
    /* cron: a day matches when either field does */
    every_day = dom_full || dow_full;
    split = !every_day;
  }
  cc_buf_emitf(&b, "cron(%s ", cc_buf_str(&head));
  if (every_day) {
    cc_buf_emitf(&b, "* %s ? *)", cc_buf_str(&mon));
  } else if (split || !dow_full) {
    if (split) {
      S_emit(&b, dom, 1, 31, 0);
      cc_buf_emitf(&b, " %s ? *)", cc_buf_str(&mon));
      cc_buf_emitf(&b2, "cron(%s ? %s ", cc_buf_str(&head), cc_buf_str(&mon));
      S_emit(&b2, dow, 0, 6, 1);
      cc_buf_emit(&b2, " *)");
      expr_dow = cc_buf_failed(&b2) || cc_buf_failed(&head) || cc_buf_failed(&mon)
                     ? NULL
                     : S_dup(p, cc_buf_str(&b2), b2.len);
      if (!expr_dow) p->oom = 1;
    } else {
      cc_buf_emitf(&b, "? %s ", cc_buf_str(&mon));
      S_emit(&b, dow, 0, 6, 1);
      cc_buf_emit(&b, " *)");
    }
  } else {
    S_emit(&b, dom, 1, 31, 0);
    cc_buf_emitf(&b, " %s ? *)", cc_buf_str(&mon));
  }
  /* every append above was unchecked: a failure sticks in its buffer */
  if (cc_buf_failed(&b) || cc_buf_failed(&head) || cc_buf_failed(&mon)) p->oom = 1;
  else expr = S_dup(p, cc_buf_str(&b), b.len);
  if (split)
    cc_diags_add(p->d, CC_DIAG_WARNING, p->file, p->line, S_col(p, fs[2]),
                 "cron runs this line when either day-of-month or day-of-week matches: it becomes two tasks, and on a day matching both it runs twice");
  if (expr) S_add_entry(p, line, len, expr, expr_dow, command);
out:
  cc_buf_free(&head);
  cc_buf_free(&mon);
  cc_buf_free(&b);
  cc_buf_free(&b2);
}

static const char *S_check_env(const char *name, const char *value) {
  if (!strncmp(name, "AWS_", 4) || !strcmp(name, "_HANDLER") || !strncmp(name, "LAMBDA_", 7))
    return "is reserved by AWS Lambda";
  if (!strncmp(name, "CLOUDCRON_", 10)) return "is reserved: cloudcron sets CLOUDCRON_* variables itself";
  bool access_key = strlen(value) == 20 && (!strncmp(value, "AKIA", 4) || !strncmp(value, "ASIA", 4));
  if ((gen_is_secretish_name(name) && *value && !gen_is_reference(value)) || access_key)
    return "looks like a secret; secrets are never values in the spec: store it in Secrets Manager or SSM and pass its ARN or parameter name";
  return NULL;
}

/* NAME=value (S at the name, EQ at `=`, END the line's end). */
static void S_env_line(S_parser *p, const char *s, const char *name_end, const char *eq, const char *end) {
  const char *v = eq + 1;
  while (v < end && S_blank(*v)) v++;
  const char *ve = end;
  if (v < end && (*v == '"' || *v == '\'')) {
    const char *close = memchr(v + 1, *v, (size_t)(end - v - 1));
    if (!close) {
      S_err(p, v, "the value's opening %c has no closing one", *v);
      return;
    }
    for (const char *q = close + 1; q < end; q++)
      if (!S_blank(*q)) {
        S_err(p, q, "unexpected text after the quoted value");
        return;
      }
    ve = close;
    v++;
  } else {
    while (ve > v && S_blank(ve[-1])) ve--;
  }
  const char *name = S_dup(p, s, (size_t)(name_end - s)), *value = S_dup(p, v, (size_t)(ve - v));
  if (!name || !value) return;
  if (memchr(value, '\0', (size_t)(ve - v))) return; /* NUL bytes: reported for the whole file */
  if (!strcmp(name, "CRON_TZ")) {
    cc_tz *tz = NULL;
    int rc = cc_tz_load(&tz, value);
    cc_tz_free(tz);
    if (rc == CC_ENOMEM) p->oom = 1;
    else if (rc) S_err(p, v, "`%s` (CRON_TZ) is not an IANA time zone name (like Europe/Rome or UTC)", value);
    else p->zone = value;
    return;
  }
  if (!strcmp(name, "SHELL") || !strcmp(name, "PATH")) {
    const char *text = S_dup(p, p->start, (size_t)(end - p->start));
    if (!text) return;
    if (cc_grow(&p->skipped, &p->capskipped, p->nskipped + 1, sizeof *p->skipped)) {
      p->oom = 1;
      return;
    }
    p->skipped[p->nskipped++] = (gen_crontab_skipped){p->line, text};
    return;
  }
  const char *why = S_check_env(name, value);
  if (why) {
    S_err(p, s, "`%s` %s", name, why);
    return;
  }
  for (size_t i = 0; i < p->nenv; i++) {
    if (!strcmp(p->env[i].name, name)) {
      p->env[i].value = value;
      return;
    }
  }
  if (cc_grow(&p->env, &p->capenv, p->nenv + 1, sizeof *p->env)) {
    p->oom = 1;
    return;
  }
  p->env[p->nenv++] = (gen_crontab_env){name, value};
}

static void S_line(S_parser *p, const char *line, size_t len) {
  const char *end = line + len, *s = line;
  p->start = line;
  while (s < end && S_blank(*s)) s++;
  if (s == end || *s == '#') return;
  if (*s == '-') {
    S_err(p, s, "a leading `-` (do not log the run to syslog) has no meaning here; remove it");
    return;
  }
  if (*s == '@') {
    const char *w = s;
    while (w < end && !S_blank(*w)) w++;
    size_t n = (size_t)(w - s);
    if (n == 7 && !strncmp(s, "@reboot", 7)) {
      S_err(p, s, "@reboot runs at boot, which has no meaning for a scheduled task; give it a schedule");
      return;
    }
    for (size_t i = 0; i < sizeof S_specials / sizeof S_specials[0]; i++)
      if (n == strlen(S_specials[i].name) && !strncmp(s, S_specials[i].name, n)) {
        S_cron_line(p, line, len, w, end, S_specials[i].fields, s);
        return;
      }
    S_err(p, s, "unknown `%.*s`; the names are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually",
          (int)n, s);
    return;
  }
  if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') {
    const char *q = s;
    while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_'))
      q++;
    const char *name_end = q;
    while (q < end && S_blank(*q)) q++;
    if (q < end && *q == '=') {
      S_env_line(p, s, name_end, q, end);
      return;
    }
    S_err(p, s, "expected a cron line (five fields and a command), an @name line or NAME=value");
    return;
  }
  S_cron_line(p, line, len, s, end, NULL, NULL);
}

int gen_crontab_parse(gen_crontab *out, const char *file, const char *text, size_t len, cc_diags *d) {
  memset(out, 0, sizeof *out);
  S_parser p = {.file = file, .d = d};
  if (!(p.a = out->arena = cc_arena_new())) return CC_ENOMEM;
  for (const char *s = text, *end = text + len; s < end && !p.oom;) {
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *le = nl ? nl : end;
    p.line++;
    size_t n = (size_t)(le - s);
    if (n && s[n - 1] == '\r') n--;
    const char *nul = memchr(s, '\0', n);
    p.start = s;
    if (nul) S_err(&p, nul, "the line contains a NUL byte");
    else S_line(&p, s, n);
    s = nl ? nl + 1 : end;
  }
  free(p.env);
  out->entries = p.entries;
  out->n = p.n;
  out->skipped = p.skipped;
  out->nskipped = p.nskipped;
  if (p.oom) return CC_ENOMEM;
  return p.errors ? CC_EINVAL : CC_OK;
}

void gen_crontab_free(gen_crontab *c) {
  if (!c) return;
  free(c->entries);
  free(c->skipped);
  cc_arena_free(c->arena);
  memset(c, 0, sizeof *c);
}
