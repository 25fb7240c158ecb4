/* gen/cli.h: the cloudcron subcommands.
 *
 * Each takes the arguments after its name (argv[0] is the subcommand) and
 * returns the process exit status: 0 success, 1 the input (spec, template,
 * expression) or a check failed, 2 a usage error. */
#ifndef GEN_CLI_H
#define GEN_CLI_H

enum { GEN_EXIT_OK = 0, GEN_EXIT_FAIL = 1, GEN_EXIT_USAGE = 2 };

int gen_cmd_validate(int argc, char **argv);
int gen_cmd_generate(int argc, char **argv);
int gen_cmd_next(int argc, char **argv);
int gen_cmd_render(int argc, char **argv);
int gen_cmd_import(int argc, char **argv);

/* Prints "cloudcron CMD: MESSAGE" and a hint to stderr; returns GEN_EXIT_USAGE. */
int gen_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Whether ARG is -h or --help. */
int gen_is_help(const char *arg);

#endif
