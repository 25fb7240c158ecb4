/* cloudcron validate SPEC...: check specs and report every error. */
#include <stdio.h>
#include <string.h>

#include "cc/diag.h"
#include "cc/err.h"
#include "cli.h"
#include "lint.h"
#include "spec.h"

static const char S_help[] =
    "usage: cloudcron validate [--werror] SPEC...\n"
    "\n"
    "Checks each spec (YAML, or JSON when the name ends in .json) and reports\n"
    "every error as FILE:LINE:COL: error: MESSAGE with the source line, and\n"
    "warnings (runs daylight saving skips or repeats, at() times passed, days\n"
    "29-31 some months lack) as FILE:LINE:COL: warning: MESSAGE [KIND]; a task\n"
    "silences a KIND by listing it in its `ignore_warnings`.\n"
    "\n"
    "  --werror  treat warnings as errors\n"
    "\n"
    "The lint looks two years ahead of now; $CLOUDCRON_NOW\n"
    "(YYYY-MM-DDTHH:MM:SSZ) sets now, for tests and reproducible output.\n"
    "Exit status: 0 all valid (warnings do not change it), 1 a spec has errors,\n"
    "2 usage error.\n";

int gen_cmd_validate(int argc, char **argv) {
  int nspecs = 0, werror = 0;
  for (int i = 1; i < argc; i++) {
    if (gen_is_help(argv[i])) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    }
    if (!strcmp(argv[i], "--werror")) {
      werror = 1;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1] != '\0') return gen_usage_error("validate", "unknown option '%s'", argv[i]);
    nspecs++;
  }
  if (nspecs == 0) return gen_usage_error("validate", "missing SPEC");
  int status = GEN_EXIT_OK;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--werror")) continue;
    cc_diags d;
    cc_diags_init(&d);
    gen_spec *spec = NULL;
    int rc = gen_spec_load(&spec, argv[i], &d);
    if (werror && gen_lint_werror(&d) && !rc) rc = CC_EINVAL;
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
