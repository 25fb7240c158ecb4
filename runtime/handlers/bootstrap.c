/* cloudcron-bootstrap: the image's /var/runtime/bootstrap. Lambda's
 * entrypoint passes the function's command (its "handler") as _HANDLER;
 * this execs the handler executable of that name from the handler
 * directory, so one image serves every channel. _HANDLER is "print" or
 * "cloudcron-print"; the directory is CLOUDCRON_HANDLER_DIR, else
 * /opt/cloudcron/bin. Without _HANDLER, the first argument names it: an
 * image whose entry point is this bootstrap (runtime/image.sh, on scratch)
 * gets the function's command as its arguments. A function can skip this
 * step by setting its image's entry point to the handler executable
 * itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CLOUDCRON_HANDLER_DIR
#define CLOUDCRON_HANDLER_DIR "/opt/cloudcron/bin"
#endif

int main(int argc, char **argv) {
  const char *h = getenv("_HANDLER");
  const char *dir = getenv("CLOUDCRON_HANDLER_DIR");
  char path[4096];
  int shift = 0;
  if (!dir || !*dir) dir = CLOUDCRON_HANDLER_DIR;
  if ((!h || !*h) && argc > 1) {
    h = argv[1];
    shift = 1; /* the handler does not see its own name as an argument */
  }
  if (!h || !*h) {
    fputs("cloudcron-bootstrap: _HANDLER is not set and no handler is named; set the "
          "function's command to a handler such as \"print\"\n", stderr);
    return 127;
  }
  if (strncmp(h, "cloudcron-", 10) == 0) h += 10;
  /* a name, never a path: only lower-case letters, digits and '-' */
  for (const char *c = h; *c; c++) {
    if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
      fprintf(stderr, "cloudcron-bootstrap: _HANDLER \"%s\" is not a handler name "
                      "(lower-case letters, digits and '-')\n", h);
      return 127;
    }
  }
  if (snprintf(path, sizeof path, "%s/cloudcron-%s", dir, h) >= (int)sizeof path) {
    fputs("cloudcron-bootstrap: CLOUDCRON_HANDLER_DIR is too long\n", stderr);
    return 127;
  }
  argv[shift] = path;
  execv(path, argv + shift);
  fprintf(stderr, "cloudcron-bootstrap: cannot run the handler %s: ", path);
  perror(NULL);
  return 127;
}
