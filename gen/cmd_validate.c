/* cloudcron validate */
#include <stdio.h>

#include "cli.h"

int gen_cmd_validate(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fputs("cloudcron validate: not available in this build yet\n", stderr);
  return GEN_EXIT_USAGE;
}
