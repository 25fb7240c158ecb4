/* bench_render: renders one precompiled template in a loop for about
 * SECONDS and prints renders per second; checks first that the output is
 * byte-identical to Jinja2's (EXPECTED), so the speed is of the same work.
 * usage: bench_render TEMPLATE VARS.json EXPECTED SECONDS */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "cc/file.h"
#include "cc/template.h"

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fputs("usage: bench_render TEMPLATE VARS.json EXPECTED SECONDS\n", stderr);
    return 2;
  }
  char *src = NULL, *exp = NULL;
  size_t slen, elen;
  int status = 1;
  json_t *ctx = json_load_file(argv[2], 0, NULL);
  cc_tpl *t = NULL;
  cc_diags d;
  cc_buf out = CC_BUF_INIT;
  cc_diags_init(&d);
  if (!ctx || cc_file_read(&src, &slen, argv[1], 1 << 24) || cc_file_read(&exp, &elen, argv[3], 1 << 24)) {
    fputs("bench_render: cannot read the inputs\n", stderr);
    goto out;
  }
  /* As cloudcron render: the name decides autoescape, the template's
   * folder is the loader's root (include, import, extends). */
  cc_tpl_opts opts;
  cc_tpl_opts_default(&opts);
  char root[4096];
  const char *slash = strrchr(argv[1], '/');
  snprintf(root, sizeof root, "%.*s", slash ? (int)(slash - argv[1]) : 1, slash ? argv[1] : ".");
  opts.root = root;
  if (cc_tpl_compile(&t, argv[1], src, slen, &opts, &d) || cc_tpl_render(t, ctx, &out, &d)) {
    cc_diags_print(&d, stderr);
    goto out;
  }
  if (out.len != elen || memcmp(out.ptr, exp, elen) != 0) {
    fprintf(stderr, "bench_render: %s: output differs from Jinja2's\n", argv[1]);
    goto out;
  }
  double secs = atof(argv[4]), start = S_now(), el;
  long n = 0;
  /* The clock is read every 16 renders, as peer.py does. */
  do {
    for (int k = 0; k < 16; k++) {
      cc_buf_truncate(&out, 0);
      if (cc_tpl_render(t, ctx, &out, &d)) goto out;
    }
    n += 16;
    el = S_now() - start;
  } while (el < secs);
  printf("%.1f\n", (double)n / el);
  status = 0;
out:
  cc_buf_free(&out);
  cc_diags_free(&d);
  cc_tpl_free(t);
  json_decref(ctx);
  free(src);
  free(exp);
  return status;
}
