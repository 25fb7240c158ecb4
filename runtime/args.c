/* args.c: the bootstraps' shared command line. */
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int rt_args_parse(rt_args *out, int argc, char **argv, const char *prog, rt_usage_fn usage,
                  void *user) {
  out->event = NULL;
  out->timeout_s = 60;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(user, stdout, 1);
      return 0;
    } else if (strcmp(argv[i], "--event") == 0 && i + 1 < argc) {
      out->event = argv[++i];
    } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
      char *end;
      errno = 0;
      out->timeout_s = strtol(argv[++i], &end, 10);
      if (errno || *end || out->timeout_s < 1 || out->timeout_s > 900) {
        fprintf(stderr, "%s: --timeout takes 1 to 900 seconds\n", prog);
        return 2;
      }
    } else {
      fprintf(stderr, "%s: unknown argument \"%s\"\n", prog, argv[i]);
      usage(user, stderr, 0);
      return 2;
    }
  }
  if (!out->event && !getenv("AWS_LAMBDA_RUNTIME_API")) {
    fprintf(stderr, "%s: AWS_LAMBDA_RUNTIME_API is not set: run as a Lambda bootstrap, under a "
                    "local Runtime API, or with --event FILE (--help)\n", prog);
    return 2;
  }
  return -1;
}
