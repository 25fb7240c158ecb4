/* cloudcron generate */
#include <stdio.h>

#include "cli.h"

int gen_cmd_generate(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("cloudcron generate: not available in this build yet\n", stderr);
  return GEN_EXIT_USAGE;
}
