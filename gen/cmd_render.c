/* cloudcron render: not built yet (its own issue); it says so rather than pretend. */
#include <stdio.h>

#include "cli.h"

int gen_cmd_render(int argc, char **argv) {
  if (argc > 1 && gen_is_help(argv[1])) {
    fputs("usage: cloudcron render TEMPLATE --vars FILE.json [--autoescape on|off] [--strict]\n\n"
          "renders a notification template with variables, as a channel would.\n"
          "Not available in this build yet.\n",
          stdout);
    return GEN_EXIT_OK;
  }
  (void)argv;
  fputs("cloudcron render: not available in this build yet\n", stderr);
  return GEN_EXIT_USAGE;
}
