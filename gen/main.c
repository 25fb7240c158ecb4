/* cloudcron: cron for AWS as plain Terraform. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef CLOUDCRON_VERSION
#define CLOUDCRON_VERSION "0.0.0"
#endif

static const struct {
  const char *name;
  int (*run)(int, char **);
  const char *summary;
} S_commands[] = {
    {"validate", gen_cmd_validate, "check a spec and report every error"},
    {"generate", gen_cmd_generate, "write the Terraform modules and stack for a spec"},
    {"next", gen_cmd_next, "print the next fire times of a schedule or a spec's tasks"},
    {"render", gen_cmd_render, "render a notification template with variables"},
    {"import", gen_cmd_import, "convert a crontab into a spec (import crontab FILE --image URI)"},
};

static void S_usage(FILE *out) {
  fputs("usage: cloudcron <command> [options]\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof S_commands / sizeof S_commands[0]; i++)
    fprintf(out, "  %-10s %s\n", S_commands[i].name, S_commands[i].summary);
  fputs("\nRun 'cloudcron <command> --help' for a command's options.\n"
        "Exit status: 0 success, 1 the input or a check failed, 2 usage error.\n",
        out);
}

int gen_is_help(const char *arg) { return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0; }

int gen_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "cloudcron %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry 'cloudcron %s --help'.\n", cmd);
  va_end(ap);
  return GEN_EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    S_usage(stderr);
    return GEN_EXIT_USAGE;
  }
  if (gen_is_help(argv[1])) {
    S_usage(stdout);
    return GEN_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    printf("cloudcron %s\n", CLOUDCRON_VERSION);
    return GEN_EXIT_OK;
  }
  for (size_t i = 0; i < sizeof S_commands / sizeof S_commands[0]; i++)
    if (strcmp(argv[1], S_commands[i].name) == 0) return S_commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "cloudcron: unknown command '%s'\n", argv[1]);
  S_usage(stderr);
  return GEN_EXIT_USAGE;
}
