/* cloudcron generate SPEC -o DIR [--check] */
#include <stdio.h>
#include <string.h>

#include "cc/diag.h"
#include "cc/err.h"
#include "cli.h"
#include "lint.h"
#include "spec.h"
#include "stack.h"
#include "tree.h"

static const char S_help[] =
    "usage: cloudcron generate SPEC -o DIR [--check] [--werror]\n"
    "\n"
    "Checks SPEC and writes its Terraform under DIR: DIR/modules/<module>/ and\n"
    "DIR/stacks/<project>/. Everything is built in memory first: when there is\n"
    "any error nothing is written and DIR is left as it was. Files an earlier\n"
    "run generated that are no longer produced are removed; other files are\n"
    "left alone.\n"
    "\n"
    "  -o, --output DIR  where to write (required)\n"
    "  --check           write nothing; list the files that differ from DIR and\n"
    "                    exit 1 when any does\n"
    "  --werror          treat warnings (see cloudcron validate --help) as errors\n"
    "\n"
    "Exit status: 0 success (or up to date), 1 errors (or differences), 2 usage.\n";

int gen_cmd_generate(int argc, char **argv) {
  const char *spec_path = NULL, *out = NULL;
  int check = 0, werror = 0;
  for (int i = 1; i < argc; i++) {
    if (gen_is_help(argv[i])) {
      fputs(S_help, stdout);
      return GEN_EXIT_OK;
    } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (++i == argc) return gen_usage_error("generate", "%s needs a directory", argv[i - 1]);
      out = argv[i];
    } else if (!strcmp(argv[i], "--check")) {
      check = 1;
    } else if (!strcmp(argv[i], "--werror")) {
      werror = 1;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return gen_usage_error("generate", "unknown option '%s'", argv[i]);
    } else if (spec_path) {
      return gen_usage_error("generate", "one SPEC at a time");
    } else {
      spec_path = argv[i];
    }
  }
  if (!spec_path) return gen_usage_error("generate", "missing SPEC");
  if (!out) return gen_usage_error("generate", "missing -o DIR");

  cc_diags d;
  cc_diags_init(&d);
  gen_spec *spec = NULL;
  gen_tree tree;
  gen_tree_init(&tree);
  int status = GEN_EXIT_OK;
  int rc = gen_spec_load(&spec, spec_path, &d);
  if (!rc) rc = gen_stack_build(&tree, spec, out, &d);
  if (werror && gen_lint_werror(&d) && !rc) rc = CC_EINVAL;
  if (!rc && !check) rc = gen_tree_write(&tree, out, &d);
  cc_diags_sort(&d);
  cc_diags_print(&d, stderr);
  if (rc) {
    fprintf(stderr, "%s: %zu error%s; nothing written\n", spec_path, d.nerrors, d.nerrors == 1 ? "" : "s");
    status = GEN_EXIT_FAIL;
  } else if (check) {
    int n = gen_tree_check(&tree, out, stdout);
    if (n < 0) {
      fprintf(stderr, "cloudcron generate: cannot read %s\n", out);
      status = GEN_EXIT_FAIL;
    } else if (n > 0) {
      fprintf(stderr, "%s: %d file%s differ from what %s generates; run cloudcron generate to update them\n", out, n,
              n == 1 ? "" : "s", spec_path);
      status = GEN_EXIT_FAIL;
    }
  }
  gen_tree_free(&tree);
  gen_spec_free(spec);
  cc_diags_free(&d);
  return status;
}
