/* cloudcron next: not built yet (its own issue); it says so rather than pretend. */
#include <stdio.h>

#include "cli.h"

int gen_cmd_next(int argc, char **argv) {
  if (argc > 1 && gen_is_help(argv[1])) {
    fputs("usage: cloudcron next EXPR [--tz ZONE] [--after RFC3339] [-n N]\n       cloudcron next SPEC [TASK]\n\n"
          "prints the next fire times of a schedule expression, or of a spec's tasks.\n"
          "Not available in this build yet.\n",
          stdout);
    return GEN_EXIT_OK;
  }
  (void)argv;
  fputs("cloudcron next: not available in this build yet\n", stderr);
  return GEN_EXIT_USAGE;
}
