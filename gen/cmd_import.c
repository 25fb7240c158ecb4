/* cloudcron import crontab FILE --image URI [--project NAME] [--timezone ZONE] */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/err.h"
#include "cc/file.h"
#include "cc/tz.h"
#include "cli.h"
#include "crontab.h"
#include "formats.h"
#include "spec.h"

#define S_MAX_CRONTAB ((size_t)16 << 20)
#define S_GENERATED "<generated spec>"

static const char S_help[] =
    "usage: cloudcron import crontab FILE --image URI [--project NAME] [--timezone ZONE]\n"
    "\n"
    "Reads a Vixie/cronie user crontab (\"-\" is standard input) and writes a\n"
    "spec to standard output with one task per line, firing when cron would\n"
    "fire it: the schedule as an EventBridge cron() expression, the command in\n"
    "the task's input ({\"command\": \"...\"}), NAME=value lines as the env of\n"
    "the tasks after them (but SHELL= and PATH=, which the task's image\n"
    "decides: a comment lists them), CRON_TZ= lines as their zone, and a\n"
    "comment naming the source line. A line restricting both day-of-month and day-of-week\n"
    "becomes two tasks (with a warning). @reboot, a leading `-`, a `%` in a\n"
    "command and malformed lines are errors at FILE:LINE:COL, and then\n"
    "nothing is written. Warnings the spec's schedules get (see cloudcron\n"
    "validate --help) are reported at the crontab's lines.\n"
    "\n"
    "  --image URI      the image every task runs, in a private ECR repository\n"
    "                   (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:... or :TAG)\n"
    "  --project NAME   the spec's project (default: crontab)\n"
    "  --timezone ZONE  the zone of lines before any CRON_TZ= (default: UTC;\n"
    "                   cron used the machine's zone)\n"
    "\n"
    "Exit status: 0 success, 1 errors (nothing written), 2 usage error.\n";

/* S as a double-quoted YAML (= JSON) string, or -1 when S is not UTF-8. */
static int S_quote(cc_buf *b, const char *s) {
  json_t *j = json_string(s);
  char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
  json_decref(j);
  if (!q) return -1;
  cc_buf_emit(b, q);
  free(q);
  return 0;
}

/* S in a YAML comment: control characters (but tab) become `?`. */
static void S_comment(cc_buf *b, const char *s) {
  for (const char *p = s; *p; p++) cc_buf_emitc(b, ((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f ? '?' : *p);
}

/* Where a task's lines are in the generated spec. */
typedef struct S_map {
  int first, last; /* generated lines */
  int line;        /* crontab line */
} S_map;

/* The line the next byte of B goes on; counts from where it last looked. */
static int S_line_now(const cc_buf *b, size_t *seen, int *line) {
  const char *s = cc_buf_str(b);
  for (; *seen < b->len; (*seen)++) *line += s[*seen] == '\n';
  return *line;
}

static int S_task(cc_buf *b, const char *file, const gen_crontab_entry *e, const char *key, const char *expr,
                  const char *zone, cc_diags *d) {
  cc_buf_emitf(b, "  %s:\n    # ", key);
  S_comment(b, file);
  cc_buf_emitf(b, ":%d: ", e->line);
  S_comment(b, e->text);
  cc_buf_emitf(b, "\n    image: app\n    schedule: %s\n    timezone: %s\n", expr, e->zone ? e->zone : zone);
  if (e->nenv) {
    cc_buf_emit(b, "    env:\n");
    for (size_t i = 0; i < e->nenv; i++) {
      cc_buf_emit(b, "      ");
      if (S_quote(b, e->env[i].name) || cc_buf_puts(b, ": ") || S_quote(b, e->env[i].value)) {
        cc_diags_error(d, file, e->line, 1, "the value of `%s` is not valid UTF-8", e->env[i].name);
        return -1;
      }
      cc_buf_emitc(b, '\n');
    }
  }
  cc_buf_emit(b, "    input: {\"command\": ");
  if (S_quote(b, e->command)) {
    cc_diags_error(d, file, e->line, 1, "the command is not valid UTF-8");
    return -1;
  }
  cc_buf_emit(b, "}\n");
  return 0;
}

/* The task whose generated lines hold LINE, or NULL (MAP is in order). */
static const S_map *S_find(const S_map *map, size_t n, int line) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (map[mid].last < line) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && map[lo].first <= line && line <= map[lo].last ? &map[lo] : NULL;
}

/* Checks the generated spec. What it finds in a task (the schedule warnings,
 * a schedule that never fires) moves to the crontab's line; anything else
 * (--image, --project) is printed at the generated text and counted in
 * *NERRORS. */
static int S_validate(const cc_buf *b, const S_map *map, size_t nmap, const char *file, cc_diags *d,
                      size_t *nerrors) {
  cc_diags v, rest;
  cc_diags_init(&v);
  cc_diags_init(&rest);
  gen_spec *spec = NULL;
  int rc = gen_spec_parse(&spec, S_GENERATED, cc_buf_str(b), b->len, &v);
  gen_spec_free(spec);
  cc_diags_source(&rest, S_GENERATED, cc_buf_str(b), b->len);
  for (size_t i = 0; i < v.n; i++) {
    const cc_diag *g = &v.items[i];
    const S_map *m = g->line > 0 ? S_find(map, nmap, g->line) : NULL;
    if (m) cc_diags_add(d, g->level, file, m->line, 1, "%s", g->msg);
    else cc_diags_add(&rest, g->level, g->file, g->line, g->col, "%s", g->msg);
  }
  if (rest.nerrors) {
    cc_diags_sort(&rest);
    cc_diags_print(&rest, stderr);
    fprintf(stderr, "cloudcron import: the generated spec does not validate (check --image and --project)\n");
    *nerrors = rest.nerrors;
  } else if (rc && !v.nerrors) {
    *nerrors = 1; /* out of memory */
  }
  cc_diags_free(&v);
  cc_diags_free(&rest);
  return rc;
}

static int S_convert(const char *file, const char *image, const char *project, const char *zone) {
  cc_diags d;
  cc_diags_init(&d);
  char *text = NULL;
  size_t len = 0;
  gen_crontab c;
  memset(&c, 0, sizeof c);
  cc_buf b = CC_BUF_INIT;
  S_map *map = NULL;
  size_t extra = 0; /* errors in the generated spec, printed already */
  int status = GEN_EXIT_FAIL, rc = cc_file_read(&text, &len, file, S_MAX_CRONTAB);
  if (rc) {
    cc_diags_error(&d, file, 0, 0, "cannot read the crontab: %s", cc_file_strerror(rc));
    goto out;
  }
  if ((rc = cc_diags_source(&d, file, text, len))) goto out;
  rc = gen_crontab_parse(&c, file, text, len, &d);
  if (rc) goto out;
  map = calloc(2 * c.n + 1, sizeof *map);
  if (!map) {
    rc = CC_ENOMEM;
    goto out;
  }
  size_t nmap = 0, seen = 0;
  int line = 1;
  cc_buf_emit(&b, "# generated by cloudcron import crontab from ");
  S_comment(&b, file);
  for (size_t i = 0; i < c.nskipped; i++) {
    cc_buf_emit(&b, "\n# ");
    S_comment(&b, file);
    cc_buf_emitf(&b, ":%d: ", c.skipped[i].line);
    S_comment(&b, c.skipped[i].text);
    cc_buf_emit(&b, " -- not copied: the task's image decides the shell and the PATH its command runs with");
  }
  cc_buf_emit(&b, "\nversion: 1\nproject: ");
  S_quote(&b, project);
  cc_buf_emit(&b, "\nimages:\n  app:\n    uri: ");
  if (S_quote(&b, image)) {
    cc_diags_error(&d, "--image", 0, 0, "the URI is not valid UTF-8");
    rc = CC_EINVAL;
    goto out;
  }
  cc_buf_emit(&b, c.n ? "\ntasks:\n" : "\ntasks: {}\n");
  for (size_t i = 0; i < c.n && !rc; i++) {
    const gen_crontab_entry *e = &c.entries[i];
    char key[40];
    snprintf(key, sizeof key, "line-%d", e->line);
    map[nmap].first = S_line_now(&b, &seen, &line);
    rc = S_task(&b, file, e, key, e->expr, zone, &d);
    map[nmap].last = S_line_now(&b, &seen, &line) - 1;
    map[nmap++].line = e->line;
    if (!rc && e->expr_dow) {
      snprintf(key, sizeof key, "line-%d-dow", e->line);
      map[nmap].first = S_line_now(&b, &seen, &line);
      rc = S_task(&b, file, e, key, e->expr_dow, zone, &d);
      map[nmap].last = S_line_now(&b, &seen, &line) - 1;
      map[nmap++].line = e->line;
    }
  }
  if (rc) {
    rc = CC_EINVAL;
    goto out;
  }
  if ((rc = cc_buf_failed(&b))) { /* the spec's appends were unchecked: a failure sticks */
    cc_diags_error(&d, file, 0, 0, "cannot write the spec: %s", cc_strerror(rc));
    goto out;
  }
  if ((rc = S_validate(&b, map, nmap, file, &d, &extra))) goto out;
  fwrite(cc_buf_str(&b), 1, b.len, stdout);
  status = GEN_EXIT_OK;
out:
  cc_diags_sort(&d);
  cc_diags_print(&d, stderr);
  if (rc == CC_ENOMEM) fprintf(stderr, "cloudcron import: out of memory\n");
  size_t nerr = d.nerrors + extra;
  if (status != GEN_EXIT_OK) fprintf(stderr, "%s: %zu error%s; nothing written\n", file, nerr, nerr == 1 ? "" : "s");
  cc_diags_free(&d);
  cc_buf_free(&b);
  free(map);
  gen_crontab_free(&c);
  free(text);
  return status;
}

int gen_cmd_import(int argc, char **argv) {
  const char *kind = NULL, *file = NULL, *image = NULL, *project = "crontab", *zone = "UTC";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (gen_is_help(a)) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    }
    const char **opt = !strcmp(a, "--image")      ? &image
                       : !strcmp(a, "--project")  ? &project
                       : !strcmp(a, "--timezone") ? &zone
                                                  : NULL;
    if (opt) {
      if (++i == argc) return gen_usage_error("import", "%s needs a value", a);
      *opt = argv[i];
    } else if (a[0] == '-' && a[1]) {
      return gen_usage_error("import", "unknown option '%s'", a);
    } else if (!kind) {
      kind = a;
    } else if (!file) {
      file = a;
    } else {
      return gen_usage_error("import", "one FILE at a time");
    }
  }
  if (!kind) return gen_usage_error("import", "missing what to import (crontab)");
  if (strcmp(kind, "crontab")) return gen_usage_error("import", "cloudcron imports a crontab, not '%s'", kind);
  if (!file) return gen_usage_error("import", "missing FILE");
  if (!image) return gen_usage_error("import", "missing --image URI");
  if (!gen_is_project_name(project))
    return gen_usage_error("import", "--project must match ^[a-z][a-z0-9-]{1,30}$, not '%s'", project);
  cc_tz *tz = NULL;
  int rc = cc_tz_load(&tz, zone);
  cc_tz_free(tz);
  if (rc) return gen_usage_error("import", "--timezone '%s' is not an IANA time zone name (like Europe/Rome or UTC)", zone);
  return S_convert(file, image, project, zone);
}
