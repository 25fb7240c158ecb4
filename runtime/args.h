/* args.h: the command line every bootstrap shares (rt_ internal): the
 * channel handlers (channel.c), cloudcron-dispatch and the task SDK's
 * cloudcron_main (sdk_main.c).
 *
 *   PROG                                   as a Lambda bootstrap
 *   PROG --event FILE|- [--timeout SECONDS] one local run (1 to 900 s,
 *                                          default 60)
 *   PROG --help | -h */
#ifndef RT_ARGS_H
#define RT_ARGS_H
#include <stdio.h>

typedef struct rt_args {
  const char *event; /* --event FILE or "-"; NULL: the Runtime API; borrowed from argv */
  long timeout_s;    /* --timeout, 60 when not given */
} rt_args;

/* Prints the usage lines (full == 0, to stderr after a usage error) or
 * the whole help (full == 1, to stdout for --help) to f. */
typedef void (*rt_usage_fn)(void *user, FILE *f, int full);

/* Reads argv into *out. Returns -1 to go on; else the exit status the
 * program returns at once: 0 after --help (printed with usage), 2 for a
 * usage error (an unknown argument, a bad --timeout, neither --event nor
 * AWS_LAMBDA_RUNTIME_API), said on stderr with prog first. */
int rt_args_parse(rt_args *out, int argc, char **argv, const char *prog, rt_usage_fn usage,
                  void *user);
#endif
