/* cloudcron render: not built yet; its own issue fills it in. */
#include <stdio.h>

#include "cli.h"

int gen_cmd_render(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("cloudcron render: not available in this build yet\n", stderr);
  return GEN_EXIT_USAGE;
}
