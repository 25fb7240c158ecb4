#include "check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/err.h"
#include "cc/file.h"
#include "cc/grow.h"
#include "cc/schedule.h"
#include "cc/suggest.h"
#include "cc/template.h"
#include "formats.h"
#include "scalar_pos.h"

#define S_MAX_TEMPLATE_FILE ((size_t)1 << 20)

/* Zone names already looked up: specs repeat a few zones many times. */
typedef struct S_zone {
  const char *name;
  int rc;
} S_zone;

typedef struct S_checker {
  gen_spec *spec;
  cc_diags *d;
  const char *text;
  size_t len;
  int oom;
  S_zone *zones;
  size_t nzones, capzones;
} S_checker;

typedef struct S_name {
  const char *kind, *name, *owner;
  gen_span span;
} S_name;

static void S_err(S_checker *c, gen_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void S_err(S_checker *c, gen_span at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cc_diags_vadd(c->d, CC_DIAG_ERROR, at.file, at.line, at.col, fmt, ap);
  va_end(ap);
}

static const char *S_fmt(S_checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *S_fmt(S_checker *c, const char *fmt, ...) {
  cc_buf b = CC_BUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  int rc = cc_buf_vprintf(&b, fmt, ap);
  va_end(ap);
  const char *s = rc ? NULL : cc_arena_strndup(c->spec->arena, cc_buf_str(&b), b.len);
  cc_buf_free(&b);
  if (!s) c->oom = 1;
  return s ? s : "";
}

/* ---- references ---- */

static void S_unknown(S_checker *c, gen_span at, const char *kind, const char *name, const char *const *keys,
                      size_t n, const char *section) {
  const char *s = cc_suggest(name, keys, n);
  if (s) {
    S_err(c, at, "unknown %s `%s`; did you mean `%s`?", kind, name, s);
  } else if (n == 0) {
    S_err(c, at, "unknown %s `%s`: the spec defines no `%s`", kind, name, section);
  } else {
    cc_buf list = CC_BUF_INIT;
    for (size_t i = 0; i < n; i++) cc_buf_emitf(&list, "%s`%s`", i ? ", " : "", keys[i]);
    S_err(c, at, "unknown %s `%s`; the %s defined are %s", kind, name, section,
          cc_buf_failed(&list) ? "(out of memory)" : cc_buf_str(&list));
    cc_buf_free(&list);
  }
}

/* Reports KEY as unknown among the KEY fields (the first member) of the N
 * structs of STRIDE bytes at ITEMS. */
static void S_unknown_key(S_checker *c, gen_span at, const char *kind, const char *section, const char *key,
                          const void *items, size_t n, size_t stride) {
  const char **keys = calloc(n + 1, sizeof *keys);
  if (!keys) {
    c->oom = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) keys[i] = *(const char *const *)((const char *)items + i * stride);
  S_unknown(c, at, kind, key, keys, n, section);
  free(keys);
}

static const gen_image *S_image(S_checker *c, const char *key, gen_span at) {
  const gen_image *img = gen_spec_image(c->spec, key);
  if (!img) S_unknown_key(c, at, "image", "images", key, c->spec->images, c->spec->nimages, sizeof(gen_image));
  return img;
}

/* The cloudcron runtime image of OWNER (a channel, reconciler or
 * dispatcher): the modules that run it take it only pinned by digest, so a
 * `uri` with a tag is refused here rather than by `terraform plan`. */
static const gen_image *S_runtime_image(S_checker *c, const char *key, gen_span at, const char *owner) {
  const gen_image *img = S_image(c, key, at);
  if (img && img->kind == GEN_IMAGE_URI && img->uri && !strstr(img->uri, "@sha256:"))
    S_err(c, at,
          "%s runs the cloudcron runtime image `%s`, which must be pinned by digest (`REPO@sha256:<64 hex>`), "
          "not by a tag (`%s`): a tag can move under a running stack; give its digest, or `republish` it",
          owner, key, img->uri);
  return img;
}

static const gen_topic *S_topic(S_checker *c, const char *key, gen_span at) {
  const gen_topic *t = gen_spec_topic(c->spec, key);
  if (!t) S_unknown_key(c, at, "topic", "topics", key, c->spec->topics, c->spec->ntopics, sizeof(gen_topic));
  return t;
}

/* A value's span: the key's when we only know the entry. */
static gen_span S_value_span(const gen_span *spans, size_t i, gen_span fallback) {
  return spans ? spans[i] : fallback;
}

/* ---- names ---- */

static void S_limit(S_checker *c, const char *kind, const char *name, size_t max, const char *owner, gen_span at) {
  size_t n = strlen(name);
  if (n <= max) return;
  S_err(c, at, "the %s `%s` derived from %s is %zu characters, over AWS's limit of %zu; shorten the key (or `project`) by %zu",
        kind, name, owner, n, max, n - max);
}

static int S_cmp_names(const void *a, const void *b) {
  const S_name *x = a, *y = b;
  int k = strcmp(x->kind, y->kind);
  if (k) return k;
  k = strcmp(x->name, y->name);
  if (k) return k;
  return x < y ? -1 : x > y;
}

static void S_unique_names(S_checker *c, S_name *names, size_t n) {
  qsort(names, n, sizeof *names, S_cmp_names);
  for (size_t i = 1; i < n; i++) {
    if (strcmp(names[i].kind, names[i - 1].kind) || strcmp(names[i].name, names[i - 1].name)) continue;
    S_err(c, names[i].span, "%s and %s would both be named `%s` (%s); rename one", names[i - 1].owner, names[i].owner,
          names[i].name, names[i].kind);
  }
}

/* ---- secrets ---- */

static void S_secret_values(S_checker *c, const gen_kvs *kvs, const char *where) {
  for (size_t i = 0; i < kvs->n; i++) {
    const gen_kv *kv = &kvs->items[i];
    bool access_key = strlen(kv->value) == 20 && (!strncmp(kv->value, "AKIA", 4) || !strncmp(kv->value, "ASIA", 4));
    if ((gen_is_secretish_name(kv->key) && *kv->value && !gen_is_reference(kv->value)) || access_key)
      S_err(c, kv->span, "`%s` in %s looks like a secret; secrets are never values in the spec: store it in Secrets Manager or SSM and pass its ARN or parameter name",
            kv->key, where);
  }
}

/* ---- files ---- */

static const char *S_path(S_checker *c, const char *rel) {
  if (rel[0] == '/' || !strcmp(c->spec->dir, ".")) return rel;
  return S_fmt(c, "%s/%s", c->spec->dir, rel);
}

static void S_check_build_context(S_checker *c, const gen_image *img) {
  const char *dir = S_path(c, img->build.context);
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    S_err(c, img->span, "the build context `%s` of image `%s` is not a directory (paths are relative to the spec's folder)",
          img->build.context, img->key);
    return;
  }
  const char *df = S_fmt(c, "%s/%s", dir, img->build.dockerfile);
  if (stat(df, &st) != 0 || !S_ISREG(st.st_mode))
    S_err(c, img->span, "image `%s` has no `%s` in its build context `%s`", img->key, img->build.dockerfile,
          img->build.context);
}

/* ---- templates ---- */

/* Maps a position inside an inline template (TEXT, the scalar's value)
 * that starts at AT in the spec. */
static gen_span S_map_inline(const S_checker *c, gen_span at, const char *text, int line, int col) {
  return gen_scalar_pos(c->text, c->len, at, text, line, col);
}

static const char *S_basename(const char *s) {
  const char *slash = strrchr(s, '/');
  return slash ? slash + 1 : s;
}

/* What S_compile's each-ref callback needs. */
typedef struct S_parts {
  S_checker *c;
  gen_notification *n;
  const char *folder;
  size_t cap;
} S_parts;

/* Reads a reached template into N's parts (and the diagnostics' sources,
 * for carets). */
static int S_part(void *data, const char *name) {
  S_parts *p = data;
  gen_notification *n = p->n;
  const char *path = S_fmt(p->c, "%s/%s", p->folder, name);
  /* Stored as a plain relative path (no "." or empty parts): the generated
   * tree and the S3 keys use it, and the handler's loader reads "a/./b"
   * and "a//b" as "a/b" too. A ".." part never loads. */
  cc_buf norm = CC_BUF_INIT;
  for (const char *q = name; *q;) {
    size_t l = strcspn(q, "/");
    if (l && !(l == 1 && q[0] == '.')) {
      if (norm.len) cc_buf_emitc(&norm, '/');
      cc_buf_emitn(&norm, q, l);
    }
    q += l + (q[l] == '/');
  }
  if (cc_buf_failed(&norm)) { /* the appends above stick their failure */
    cc_buf_free(&norm);
    return CC_ENOMEM;
  }
  for (size_t k = 0; k < n->ntemplate_parts; k++)
    if (!strcmp(n->template_parts[k], cc_buf_str(&norm))) {
      cc_buf_free(&norm);
      return 0;
    }
  name = S_fmt(p->c, "%s", cc_buf_str(&norm));
  cc_buf_free(&norm);
  char *text = NULL;
  size_t len = 0;
  int rc = cc_file_read(&text, &len, path, S_MAX_TEMPLATE_FILE);
  if (rc) {
    /* It compiled (the engine reads up to 16 MiB), so it is too big to ship. */
    S_err(p->c, n->template_span, "template file `%s` (reached from `%s`) %s", path, n->template_value,
          rc == CC_ETOOBIG ? "is larger than 1 MiB" : "cannot be read");
    return 0;
  }
  if (strlen(text) != len) {
    S_err(p->c, n->template_span, "template file `%s` (reached from `%s`) contains a NUL byte", path, n->template_value);
    free(text);
    return 0;
  }
  if (n->ntemplate_parts == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 8;
    const char **v = cc_arena_alloc(p->c->spec->arena, cap * sizeof *v);
    const char **w = cc_arena_alloc(p->c->spec->arena, cap * sizeof *w);
    if (!v || !w) {
      free(text);
      p->c->oom = 1;
      return 1;
    }
    if (n->ntemplate_parts) {
      memcpy(v, n->template_parts, n->ntemplate_parts * sizeof *v);
      memcpy(w, n->template_part_texts, n->ntemplate_parts * sizeof *w);
    }
    n->template_parts = v;
    n->template_part_texts = w;
    p->cap = cap;
  }
  n->template_parts[n->ntemplate_parts] = cc_arena_strdup(p->c->spec->arena, name);
  n->template_part_texts[n->ntemplate_parts] = cc_arena_strndup(p->c->spec->arena, text, len);
  if (!n->template_parts[n->ntemplate_parts] || !n->template_part_texts[n->ntemplate_parts] ||
      cc_diags_source(p->c->d, path, text, len))
    p->c->oom = 1;
  else
    n->ntemplate_parts++;
  free(text);
  return 0;
}

/* Compiles TEXT; errors are moved into the checker's diagnostics, at
 * positions in the spec (inline) or in the template file (FILE_PATH),
 * whose folder is the loader's root: the templates it reaches by
 * include, import, from and extends are checked too (a missing one, one
 * named by an expression, their own syntax errors) and, with N, listed
 * in N's parts. */
static void S_compile(S_checker *c, const char *name, const char *text, gen_span at, const char *file_path,
                      int strict, gen_notification *n) {
  cc_diags tmp;
  cc_diags_init(&tmp);
  cc_tpl *t = NULL;
  cc_tpl_opts opts;
  cc_tpl_opts_default(&opts);
  opts.strict = strict;
  const char *folder = NULL;
  if (file_path) {
    const char *slash = strrchr(file_path, '/');
    folder = slash ? S_fmt(c, "%.*s", (int)(slash - file_path) + (slash == file_path), file_path) : ".";
    opts.root = folder;
  }
  int rc = cc_tpl_compile(&t, name, text, strlen(text), &opts, &tmp);
  if (rc == CC_ENOMEM) c->oom = 1;
  if (t) {
    cc_tpl_check_refs(t, 1, &tmp);
    if (n) {
      S_parts p = {c, n, folder, 0};
      cc_tpl_each_ref(t, S_part, &p);
    }
  }
  for (size_t i = 0; i < tmp.n; i++) {
    const cc_diag *g = &tmp.items[i];
    gen_span s;
    if (file_path) {
      /* The template's own name is its path; others are relative to it. */
      s.file = file_path;
      if (strcmp(g->file, name)) {
        char *dep = NULL;
        size_t dlen = 0;
        s.file = S_fmt(c, "%s/%s", folder, g->file);
        if (cc_file_read(&dep, &dlen, s.file, S_MAX_TEMPLATE_FILE) == CC_OK && cc_diags_source(c->d, s.file, dep, dlen))
          c->oom = 1;
        free(dep);
      }
      s.line = g->line;
      s.col = g->col;
    } else {
      s = S_map_inline(c, at, text, g->line, g->col);
    }
    S_err(c, s, "template: %s", g->msg);
  }
  cc_tpl_free(t);
  cc_diags_free(&tmp);
}

static bool S_ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

/* A file text template is uploaded alone: any template it reaches is an
 * error at the text_template's position. */
static int S_text_part(void *data, const char *name) {
  S_parts *p = data;
  S_err(p->c, p->n->text_span,
        "text template file `%s` reaches `%s`: a text template may not include, import or extend other templates",
        p->n->text_value, name);
  return 0;
}

/* `text_template`: only beside an HTML template (.html, .htm, .xml, the
 * names that turn on autoescaping); read and compiled as the template is,
 * not autoescaped (its name gets no HTML extension). */
static void S_check_text_template(S_checker *c, gen_notification *n) {
  const char *t = n->template_name;
  if (!t || !(S_ends_with(t, ".html") || S_ends_with(t, ".htm") || S_ends_with(t, ".xml"))) {
    S_err(c, n->text_span, "`text_template` is the text part of an HTML template, but the template `%s` is not "
          "HTML (.html, .htm or .xml)", t ? t : n->template_value);
    return;
  }
  if (n->text_kind == GEN_TEMPLATE_FILE && *n->text_value) {
    const char *path = S_path(c, n->text_value);
    char *text = NULL;
    size_t len = 0;
    int rc = cc_file_read(&text, &len, path, S_MAX_TEMPLATE_FILE);
    if (rc == CC_ETOOBIG) {
      S_err(c, n->text_span, "text template file `%s` is larger than 1 MiB", n->text_value);
    } else if (rc) {
      S_err(c, n->text_span, "cannot read text template file `%s`: %s", n->text_value, strerror(errno));
    } else if (strlen(text) != len) {
      S_err(c, n->text_span, "text template file `%s` contains a NUL byte", n->text_value);
    } else {
      n->text_text = cc_arena_strndup(c->spec->arena, text, len);
      if (!n->text_text) c->oom = 1;
      else if (cc_diags_source(c->d, path, text, len)) c->oom = 1;
    }
    free(text);
    n->text_name = S_basename(n->text_value);
    if (n->text_text) {
      S_compile(c, path, n->text_text, n->text_span, path, 0, NULL);
      cc_diags tmp;
      cc_diags_init(&tmp);
      cc_tpl *tp = NULL;
      cc_tpl_opts opts;
      cc_tpl_opts_default(&opts);
      const char *slash = strrchr(path, '/');
      opts.root = slash ? S_fmt(c, "%.*s", (int)(slash - path) + (slash == path), path) : ".";
      if (cc_tpl_compile(&tp, path, n->text_text, strlen(n->text_text), &opts, &tmp) == CC_ENOMEM) c->oom = 1;
      if (tp) {
        S_parts p = {c, n, NULL, 0};
        cc_tpl_each_ref(tp, S_text_part, &p);
      }
      cc_tpl_free(tp);
      cc_diags_free(&tmp);
    }
  } else if (n->text_kind == GEN_TEMPLATE_INLINE && n->text_text) {
    n->text_name = S_fmt(c, "%s.text.txt", n->key);
    S_compile(c, n->text_name, n->text_text, n->text_span, NULL, 0, NULL);
  } else if (n->text_kind != GEN_TEMPLATE_INLINE) {
    const char *v = n->text_value, *sep = strstr(v, "://");
    const char *start = sep ? sep + 3 : v;
    size_t len = strcspn(start, "?#");
    n->text_name = S_basename(S_fmt(c, "%.*s", (int)len, start));
  }
}

static void S_check_templates(S_checker *c, gen_notification *n) {
  if (n->template_kind == GEN_TEMPLATE_FILE && n->template_value && *n->template_value) {
    const char *path = S_path(c, n->template_value);
    char *text = NULL;
    size_t len = 0;
    int rc = cc_file_read(&text, &len, path, S_MAX_TEMPLATE_FILE);
    if (rc == CC_ETOOBIG) {
      S_err(c, n->template_span, "template file `%s` is larger than 1 MiB", n->template_value);
    } else if (rc) {
      S_err(c, n->template_span, "cannot read template file `%s`: %s", n->template_value, strerror(errno));
    } else if (strlen(text) != len) {
      S_err(c, n->template_span, "template file `%s` contains a NUL byte", n->template_value);
    } else {
      n->template_text = cc_arena_strndup(c->spec->arena, text, len);
      if (!n->template_text) c->oom = 1;
      else if (cc_diags_source(c->d, path, text, len)) c->oom = 1;
    }
    free(text);
    n->template_name = S_basename(n->template_value);
    if (n->template_text) S_compile(c, path, n->template_text, n->template_span, path, 0, n);
  } else if (n->template_kind == GEN_TEMPLATE_INLINE && n->template_text) {
    n->template_name = S_fmt(c, "%s.txt", n->key);
    S_compile(c, n->template_name, n->template_text, n->template_span, NULL, 0, NULL);
  } else if (n->template_value) {
    /* The object's name, without the scheme, query or fragment. */
    const char *v = n->template_value, *sep = strstr(v, "://");
    const char *start = sep ? sep + 3 : v;
    size_t len = strcspn(start, "?#");
    n->template_name = S_basename(S_fmt(c, "%.*s", (int)len, start));
  }
  if (n->subject) S_compile(c, S_fmt(c, "%s.subject", n->key), n->subject, n->subject_span, NULL, 0, NULL);
  if (n->text_value) S_check_text_template(c, n);
}

/* ---- schedules ---- */

/* Returns cc_tz_load's verdict on NAME, remembered per name. */
static int S_zone_lookup(S_checker *c, const char *name) {
  for (size_t i = 0; i < c->nzones; i++)
    if (!strcmp(c->zones[i].name, name)) return c->zones[i].rc;
  cc_tz *tz = NULL;
  int rc = cc_tz_load(&tz, name);
  cc_tz_free(tz);
  if (cc_grow(&c->zones, &c->capzones, c->nzones + 1, sizeof *c->zones)) return rc;
  c->zones[c->nzones].name = name;
  c->zones[c->nzones].rc = rc;
  c->nzones++;
  return rc;
}

static void S_check_schedule(S_checker *c, const gen_task *t) {
  if (!t->schedule || !*t->schedule) return;
  cc_sched *s = NULL;
  cc_sched_err err;
  memset(&err, 0, sizeof err);
  int rc = cc_sched_parse(&s, t->schedule, &err);
  if (rc == CC_EINVAL) {
    gen_span at = t->schedule_span;
    at.col += err.col > 0 ? err.col - 1 : 0;
    S_err(c, at, "%s", err.msg);
  } else if (rc) {
    c->oom = 1;
  }
  cc_sched_free(s);
  rc = S_zone_lookup(c, t->timezone);
  if (rc == CC_ENOTFOUND) {
    S_err(c, t->timezone_span, "`%s` (the `timezone` of task `%s`) is not an IANA time zone name (like Europe/Rome or UTC)",
          t->timezone, t->key);
  } else if (rc) {
    c->oom = 1;
  }
}

/* ---- schedule groups and reconcilers ---- */

static const gen_task *S_task_ref(S_checker *c, const char *key, gen_span at) {
  const gen_task *t = gen_spec_task(c->spec, key);
  if (!t) S_unknown_key(c, at, "task", "tasks", key, c->spec->tasks, c->spec->ntasks, sizeof(gen_task));
  return t;
}

/* Whether task T is some schedule group's target. */
static bool S_is_target(const gen_spec *s, const gen_task *t) {
  for (size_t i = 0; i < s->nschedule_groups; i++)
    if (s->schedule_groups[i].target && !strcmp(s->schedule_groups[i].target, t->key)) return true;
  return false;
}

/* Resolves and names the groups and reconcilers, adding their AWS names
 * to NAMES (*NN of them so far); then requires a schedule of every task
 * that is no group's target. */
static void S_check_groups(S_checker *c, S_name *names, size_t *nn) {
  gen_spec *spec = c->spec;
  const char *p = spec->project ? spec->project : "";
  for (size_t i = 0; i < spec->nschedule_groups; i++) {
    gen_schedule_group *g = &spec->schedule_groups[i];
    const char *owner = S_fmt(c, "schedule group `%s`", g->key);
    if (g->target) g->target_ref = S_task_ref(c, g->target, g->target_span);
    g->creators_ref = cc_arena_alloc(spec->arena, (g->creators.n + 1) * sizeof *g->creators_ref);
    if (!g->creators_ref) c->oom = 1;
    for (size_t j = 0; j < g->creators.n && g->creators_ref; j++) {
      gen_span at = S_value_span(g->creators.spans, j, g->span);
      g->creators_ref[j] = S_task_ref(c, g->creators.items[j], at);
      if (g->target && !strcmp(g->creators.items[j], g->target))
        S_err(c, at, "task `%s` is the target of schedule group `%s`: it cannot also create its schedules "
                     "(its role would be passed to the schedules it invokes)", g->target, g->key);
    }
    g->group_name = S_fmt(c, "%s-%s", p, g->key);
    g->scheduler_role_name = S_fmt(c, "%s-%s-schedules", p, g->key);
    g->policy_name = S_fmt(c, "%s-%s-creators", p, g->key);
    g->dlq_name = S_fmt(c, "%s-%s-dlq", p, g->key);
    S_limit(c, "schedule group name", g->group_name, 64, owner, g->span);
    S_limit(c, "IAM role name", g->scheduler_role_name, 64, owner, g->span);
    names[(*nn)++] = (S_name){"schedule group", g->group_name, owner, g->span};
    names[(*nn)++] = (S_name){"IAM role", g->scheduler_role_name, owner, g->span};
    names[(*nn)++] = (S_name){"IAM policy", g->policy_name, owner, g->span};
    if (g->dead_letter) names[(*nn)++] = (S_name){"SQS queue", g->dlq_name, owner, g->span};
  }
  for (size_t i = 0; i < spec->ntasks; i++) {
    gen_task *t = &spec->tasks[i];
    if (t->schedule) continue;
    if (t->schedule_span.line) continue; /* present but not a string: reported when read */
    if (!S_is_target(spec, t))
      S_err(c, t->span, "task `%s` is missing the required key `schedule`", t->key);
    else if (t->dead_letter)
      S_err(c, t->span, "task `%s` has no `schedule` of its own, so no dead-letter queue of its own: set "
                        "`dead_letter` on its schedule group", t->key);
  }
  for (size_t i = 0; i < spec->nreconcilers; i++) {
    gen_reconciler *x = &spec->reconcilers[i];
    const char *owner = S_fmt(c, "reconciler `%s`", x->key);
    if (x->group) {
      x->group_ref = NULL;
      for (size_t j = 0; j < spec->nschedule_groups; j++)
        if (!strcmp(spec->schedule_groups[j].key, x->group)) x->group_ref = &spec->schedule_groups[j];
      if (!x->group_ref)
        S_unknown_key(c, x->group_span, "schedule group", "schedule_groups", x->group, spec->schedule_groups,
                      spec->nschedule_groups, sizeof(gen_schedule_group));
    }
    if (x->image) x->image_ref = S_runtime_image(c, x->image, x->image_span, S_fmt(c, "reconciler `%s`", x->key));
    if (!x->prefix) x->prefix = S_fmt(c, "%s-", x->key);
    for (size_t j = 0; j < i; j++) {
      const gen_reconciler *y = &spec->reconcilers[j];
      size_t a = strlen(x->prefix), b = strlen(y->prefix);
      if (x->group && y->group && !strcmp(x->group, y->group) && !strncmp(x->prefix, y->prefix, a < b ? a : b))
        S_err(c, x->span, "reconcilers `%s` and `%s` would both manage the schedules of group `%s` named `%s...`: "
                          "give them prefixes where neither starts the other", y->key, x->key, x->group,
              a < b ? x->prefix : y->prefix);
    }
    if (x->schedule && *x->schedule) {
      cc_sched *sc = NULL;
      cc_sched_err err;
      memset(&err, 0, sizeof err);
      int rc = cc_sched_parse(&sc, x->schedule, &err);
      if (rc == CC_EINVAL) {
        gen_span at = x->schedule_span;
        at.col += err.col > 0 ? err.col - 1 : 0;
        S_err(c, at, "%s", err.msg);
      } else if (rc) {
        c->oom = 1;
      } else if (cc_sched_kind_of(sc) == CC_SCHED_AT) {
        S_err(c, x->schedule_span, "a reconciler runs again and again: its `schedule` is a cron() or rate(), not at()");
      }
      cc_sched_free(sc);
    }
    int zrc = S_zone_lookup(c, x->timezone);
    if (zrc == CC_ENOTFOUND)
      S_err(c, x->timezone_span, "`%s` (the `timezone` of reconciler `%s`) is not an IANA time zone name (like Europe/Rome or UTC)",
            x->timezone, x->key);
    else if (zrc)
      c->oom = 1;
    x->function_name = S_fmt(c, "%s-%s", p, x->key);
    x->role_name = S_fmt(c, "%s-%s-exec", p, x->key);
    x->scheduler_role_name = S_fmt(c, "%s-%s-sched", p, x->key);
    S_limit(c, "Lambda function name", x->function_name, 64, owner, x->span);
    S_limit(c, "IAM role name", x->scheduler_role_name, 64, owner, x->span);
    names[(*nn)++] = (S_name){"Lambda function", x->function_name, owner, x->span};
    names[(*nn)++] = (S_name){"IAM role", x->role_name, owner, x->span};
    names[(*nn)++] = (S_name){"IAM role", x->scheduler_role_name, owner, x->span};
  }
}

/* A dispatcher's schedule: cron() or rate(), evaluated in UTC. */
static void S_check_dispatcher_schedule(S_checker *c, const gen_dispatcher *d) {
  cc_sched *s = NULL;
  cc_sched_err err;
  memset(&err, 0, sizeof err);
  int rc = cc_sched_parse(&s, d->schedule, &err);
  if (rc == CC_EINVAL) {
    gen_span at = d->schedule_span;
    at.col += err.col > 0 ? err.col - 1 : 0;
    S_err(c, at, "%s", err.msg);
  } else if (rc) {
    c->oom = 1;
  } else if (cc_sched_kind_of(s) == CC_SCHED_AT) {
    S_err(c, d->schedule_span, "a dispatcher runs again and again: its `schedule` is cron(...) or rate(...), not at()");
  }
  cc_sched_free(s);
}

/* Derived names, the image and the schedule of every dispatcher. */
static void S_check_dispatchers(S_checker *c, S_name *names, size_t *nn, const char *p) {
  for (size_t i = 0; i < c->spec->ndispatchers; i++) {
    gen_dispatcher *d = &c->spec->dispatchers[i];
    const char *owner = S_fmt(c, "dispatcher `%s`", d->key);
    if (d->image) d->image_ref = S_runtime_image(c, d->image, d->image_span, owner);
    d->function_name = S_fmt(c, "%s-%s", p, d->key);
    d->role_name = S_fmt(c, "%s-%s-exec", p, d->key);
    d->scheduler_role_name = S_fmt(c, "%s-%s-sched", p, d->key);
    d->queue_name = S_fmt(c, "%s-%s-requests", p, d->key);
    d->dlq_name = S_fmt(c, "%s-%s-requests-dlq", p, d->key);
    S_limit(c, "Lambda function name", d->function_name, 64, owner, d->span);
    S_limit(c, "IAM role name", d->scheduler_role_name, 64, owner, d->span);
    names[(*nn)++] = (S_name){"Lambda function", d->function_name, owner, d->span};
    names[(*nn)++] = (S_name){"IAM role", d->role_name, owner, d->span};
    names[(*nn)++] = (S_name){"IAM role", d->scheduler_role_name, owner, d->span};
    if (!d->queue_arn) {
      /* a FIFO name ends in .fifo, which counts against SQS's 80 */
      S_limit(c, "SQS queue name", S_fmt(c, "%s%s", d->dlq_name, d->fifo ? ".fifo" : ""), 80, owner, d->span);
      names[(*nn)++] = (S_name){"SQS queue", d->queue_name, owner, d->span};
      names[(*nn)++] = (S_name){"SQS queue", d->dlq_name, owner, d->span};
    }
    S_check_dispatcher_schedule(c, d);
  }
}

int gen_check(gen_spec *spec, const char *text, size_t len, cc_diags *diags) {
  S_checker c = {spec, diags, text, len, 0, NULL, 0, 0};
  size_t before = diags->nerrors;
  const char *p = spec->project ? spec->project : "";
  size_t cap = 4 * spec->ntasks + 4 * spec->nnotifications + 5 * spec->ndispatchers + spec->ntopics + spec->nimages + 1 +
               4 * spec->nschedule_groups + 3 * spec->nreconcilers;
  S_name *names = malloc(cap * sizeof *names);
  if (!names) return CC_ENOMEM;
  size_t nn = 0;
#define S_NAME(k, nm, own, sp) (names[nn++] = (S_name){(k), (nm), (own), (sp)})

  for (size_t i = 0; i < spec->nimages; i++) {
    gen_image *img = &spec->images[i];
    if (img->kind == GEN_IMAGE_BUILD && img->build.context) S_check_build_context(&c, img);
    if (img->kind == GEN_IMAGE_BUILD && img->build.repository)
      S_NAME("ECR repository", img->build.repository, S_fmt(&c, "image `%s`", img->key), img->span);
    if (img->kind == GEN_IMAGE_REPUBLISH) {
      img->republish.repository = S_fmt(&c, "%s-%s", p, img->key);
      S_NAME("ECR repository", img->republish.repository, S_fmt(&c, "image `%s`", img->key), img->span);
    }
    if (img->kind == GEN_IMAGE_BUILD) S_secret_values(&c, &img->build.build_args, S_fmt(&c, "the build_args of image `%s`", img->key));
  }
  for (size_t i = 0; i < spec->ntopics; i++) {
    gen_topic *t = &spec->topics[i];
    if (!t->arn) {
      t->name = S_fmt(&c, "%s-%s%s", p, t->key, t->fifo ? ".fifo" : "");
      S_limit(&c, "SNS topic name", t->name, 256, S_fmt(&c, "topic `%s`", t->key), t->span);
      S_NAME("SNS topic", t->name, S_fmt(&c, "topic `%s`", t->key), t->span);
    }
  }
  for (size_t i = 0; i < spec->ntasks; i++) {
    gen_task *t = &spec->tasks[i];
    const char *owner = S_fmt(&c, "task `%s`", t->key);
    if (t->image) t->image_ref = S_image(&c, t->image, t->image_span);
    t->publishes_ref = cc_arena_alloc(spec->arena, (t->publishes.n + 1) * sizeof *t->publishes_ref);
    if (!t->publishes_ref) c.oom = 1;
    for (size_t j = 0; j < t->publishes.n && t->publishes_ref; j++)
      t->publishes_ref[j] = S_topic(&c, t->publishes.items[j], S_value_span(t->publishes.spans, j, t->span));
    t->function_name = S_fmt(&c, "%s-%s", p, t->key);
    t->schedule_name = t->function_name;
    t->role_name = S_fmt(&c, "%s-%s-exec", p, t->key);
    t->scheduler_role_name = S_fmt(&c, "%s-%s-sched", p, t->key);
    t->dlq_name = S_fmt(&c, "%s-%s-dlq", p, t->key);
    S_limit(&c, "Lambda function name", t->function_name, 64, owner, t->span);
    S_limit(&c, "IAM role name", t->scheduler_role_name, 64, owner, t->span);
    if (strlen(t->scheduler_role_name) <= 64) S_limit(&c, "IAM role name", t->role_name, 64, owner, t->span);
    S_NAME("Lambda function", t->function_name, owner, t->span);
    S_NAME("IAM role", t->role_name, owner, t->span);
    S_NAME("IAM role", t->scheduler_role_name, owner, t->span);
    if (t->dead_letter) S_NAME("SQS queue", t->dlq_name, owner, t->span);
    S_check_schedule(&c, t);
    S_secret_values(&c, &t->env, S_fmt(&c, "the env of task `%s`", t->key));
  }
  for (size_t i = 0; i < spec->nnotifications; i++) {
    gen_notification *n = &spec->notifications[i];
    const char *owner = S_fmt(&c, "notification `%s`", n->key);
    if (n->topic) n->topic_ref = S_topic(&c, n->topic, n->topic_span);
    if (n->image) n->image_ref = S_runtime_image(&c, n->image, n->image_span, owner);
    bool fifo = n->topic_ref ? n->topic_ref->fifo : true;
    n->function_name = S_fmt(&c, "%s-%s", p, n->key);
    n->role_name = S_fmt(&c, "%s-%s-exec", p, n->key);
    n->queue_name = S_fmt(&c, "%s-%s%s", p, n->key, fifo ? ".fifo" : "");
    n->dlq_name = S_fmt(&c, "%s-%s-dlq%s", p, n->key, fifo ? ".fifo" : "");
    S_limit(&c, "Lambda function name", n->function_name, 64, owner, n->span);
    S_limit(&c, "IAM role name", n->role_name, 64, owner, n->span);
    S_limit(&c, "SQS queue name", n->dlq_name, 80, owner, n->span);
    S_NAME("Lambda function", n->function_name, owner, n->span);
    S_NAME("IAM role", n->role_name, owner, n->span);
    S_NAME("SQS queue", n->queue_name, owner, n->span);
    S_NAME("SQS queue", n->dlq_name, owner, n->span);
    S_check_templates(&c, n);
  }
  S_check_groups(&c, names, &nn);
  S_check_dispatchers(&c, names, &nn, p);
  S_unique_names(&c, names, nn);
  free(names);
  free(c.zones);
  if (c.oom) return CC_ENOMEM;
  return diags->nerrors > before ? CC_EINVAL : CC_OK;
}
