/* reconcile_plan.c: the diff of desired and current schedules. */
#include "reconcile_plan.h"

#include <stdlib.h>
#include <string.h>

#include "cc/err.h"
#include "scheduler.h"

static int S_by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int rc_plan_make(rc_plan *out, const rc_config *cfg, const json_t *current) {
  size_t ncur = json_object_size(current), k = 0;
  const char **dels = ncur ? malloc(ncur * sizeof *dels) : NULL;
  memset(out, 0, sizeof *out);
  out->a = calloc(cfg->n + ncur + 1, sizeof *out->a);
  if (!out->a || (ncur && !dels)) {
    free(dels);
    free(out->a);
    out->a = NULL;
    return CC_ENOMEM;
  }
  for (size_t i = 0; i < cfg->n; i++) {
    const rc_entry *e = &cfg->e[i];
    rc_action *a = &out->a[out->n++];
    const json_t *got = json_object_get(current, e->name);
    a->name = e->name;
    a->def = e->def;
    if (e->error) {
      a->kind = RC_FAILED;
      a->why = e->error;
    } else if (json_is_string(got)) {
      a->kind = RC_FAILED;
      a->why = json_string_value(got);
    } else if (e->expired) {
      a->kind = RC_UNCHANGED;
      a->got = got;
      a->why = "expired";
    } else if (!got) {
      a->kind = RC_CREATE;
    } else {
      const char *what = NULL;
      a->got = got;
      a->kind = rt_sched_same(e->def, got, &what) ? RC_UNCHANGED : RC_UPDATE;
      a->why = what;
    }
  }
  /* deletes: managed schedules no entry names (the config is sorted by id,
   * so by name: a binary search) */
  const char *name;
  json_t *v;
  json_object_foreach((json_t *)current, name, v) {
    size_t lo = 0, hi = cfg->n;
    int found = 0;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      int c = strcmp(cfg->e[mid].name, name);
      if (c == 0) {
        found = 1;
        break;
      }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (!found) dels[k++] = name;
  }
  if (k) qsort(dels, k, sizeof *dels, S_by_name);
  for (size_t i = 0; i < k; i++) {
    rc_action *a = &out->a[out->n++];
    a->kind = RC_DELETE;
    a->name = dels[i];
    a->got = json_object_get(current, dels[i]);
  }
  free(dels);
  return CC_OK;
}

void rc_plan_free(rc_plan *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n; i++) free(p->a[i].error);
  free(p->a);
  memset(p, 0, sizeof *p);
}

void rc_plan_counts(const rc_plan *p, size_t counts[RC_KINDS]) {
  memset(counts, 0, sizeof(size_t) * RC_KINDS);
  for (size_t i = 0; i < p->n; i++)
    counts[p->a[i].rc != CC_OK ? RC_FAILED : p->a[i].kind]++;
}

json_t *rc_plan_result(const rc_plan *p) {
  size_t c[RC_KINDS];
  rc_plan_counts(p, c);
  return json_pack("{s:I,s:I,s:I,s:I,s:I}", "created", (json_int_t)c[RC_CREATE], "updated",
                   (json_int_t)c[RC_UPDATE], "deleted", (json_int_t)c[RC_DELETE], "unchanged",
                   (json_int_t)c[RC_UNCHANGED], "failed", (json_int_t)c[RC_FAILED]);
}
