/* cloudcron validate SPEC...: check specs and report every error. */
#include <stdio.h>
#include <string.h>

#include "cc/diag.h"
#include "cc/err.h"
#include "cli.h"
#include "spec.h"

static const char S_help[] =
    "usage: cloudcron validate SPEC...\n"
    "\n"
    "Checks each spec (YAML, or JSON when the name ends in .json) and reports\n"
    "every error as FILE:LINE:COL: error: MESSAGE with the source line.\n"
    "Exit status: 0 all valid, 1 a spec has errors, 2 usage error.\n";

int gen_cmd_validate(int argc, char **argv) {
  int nspecs = 0;
  for (int i = 1; i < argc; i++) {
    if (gen_is_help(argv[i])) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    }
    if (argv[i][0] == '-' && argv[i][1] != '\0') return gen_usage_error("validate", "unknown option '%s'", argv[i]);
    nspecs++;
  }
  if (nspecs == 0) return gen_usage_error("validate", "missing SPEC");
  int status = GEN_EXIT_OK;
  for (int i = 1; i < argc; i++) {
    cc_diags d;
    cc_diags_init(&d);
    gen_spec *spec = NULL;
    int rc = gen_spec_load(&spec, argv[i], &d);
    cc_diags_sort(&d);
    cc_diags_print(&d, stderr);
    if (rc) {
      fprintf(stderr, "%s: %zu error%s\n", argv[i], d.nerrors, d.nerrors == 1 ? "" : "s");
      status = GEN_EXIT_FAIL;
    }
    gen_spec_free(spec);
    cc_diags_free(&d);
  }
  return status;
}
