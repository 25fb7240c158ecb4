/* gen/spec_reader.h: the spec reader's state and its checks of one value,
 * shared by the files that read the sections of a spec (gen/spec_read.c,
 * gen/spec_task.c). Internal to gen_spec_read (gen/spec_read.h).
 *
 * Every check reports what is wrong at the value's position
 * (FILE:LINE:COL) in the reader's diagnostics and returns false (or NULL);
 * strings it hands out are the document's, owned by the spec's arena. An
 * allocation failure sets r->oom. */
#ifndef GEN_SPEC_READER_H
#define GEN_SPEC_READER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cc/diag.h"
#include "doc.h"
#include "spec.h"

/* JSON values (input, vars, filter) may not expand past this many nodes
 * through aliases, nor nest deeper than this. */
#define GEN_RD_JSON_BUDGET 1000000
#define GEN_RD_JSON_DEPTH 64

typedef struct gen_reader {
  gen_spec *spec;
  struct cc_arena *a;
  cc_diags *d;
  int oom;
  long json_budget;
} gen_reader;

#define GEN_RD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An error at AT's position. */
void gen_rd_err(gen_reader *r, const gen_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* N bytes (at least 1) from the spec's arena; NULL and r->oom set when out of memory. */
void *gen_rd_alloc(gen_reader *r, size_t n);

/* Reports keys of MAP that are not in ALLOWED. OTHERS, when given, are keys
 * valid elsewhere (e.g. for another channel): those get NOTE instead. */
void gen_rd_keys(gen_reader *r, const gen_node *map, const char *const *allowed, size_t n, const char *what,
                 const char *const *others, size_t nothers, const char *note);

/* MAP's value at KEY; NULL, reported at WHERE, when it is missing. */
const gen_node *gen_rd_require(gen_reader *r, const gen_node *map, const gen_node *where, const char *key,
                               const char *what);

bool gen_rd_is_map(gen_reader *r, const gen_node *n, const char *what);
bool gen_rd_string(gen_reader *r, const gen_node *n, const char *what, const char **out);
bool gen_rd_nonempty(gen_reader *r, const gen_node *n, const char *what, const char **out);
/* An integer in MIN..MAX (UNIT, when given, names it in the message). */
bool gen_rd_int(gen_reader *r, const gen_node *n, const char *what, long min, long max, const char *unit, int *out);
bool gen_rd_bool(gen_reader *r, const gen_node *n, const char *what, bool *out);

/* A mapping of string to string (tags, env, build_args). CHECK_KEY, when
 * given, validates each key and returns its error message or NULL. */
void gen_rd_string_map(gen_reader *r, const gen_node *n, const char *what, gen_kvs *out,
                       const char *(*check_key)(const char *key));

/* A list of distinct non-empty strings; a single string is not accepted. */
void gen_rd_string_list(gen_reader *r, const gen_node *n, const char *what, gen_strs *out);

/* N as a new JSON value (the caller owns the reference); NULL on error. */
json_t *gen_rd_json(gen_reader *r, const gen_node *n, int depth);

/* Top-level string entries of a vars or input mapping whose key names a
 * secret and whose value is not a reference. */
void gen_rd_secret_entries(gen_reader *r, const gen_node *map, const char *where);

/* A `retry` mapping N ({attempts 0..185, max_age 60s..24h}), of a task or
 * a schedule group: sets *HAS, and *ATTEMPTS and *MAX_AGE (seconds) for
 * the keys given; errors at the values. */
void gen_rd_retry(gen_reader *r, const gen_node *n, bool *has, int *attempts, int *max_age);

/* One entry of `tasks`: K its key, V its value; defaults applied. */
void gen_rd_task(gen_reader *r, gen_task *t, const gen_node *k, const gen_node *v);

#endif
