/* gen/embed.h: the files of templates/, compiled into the binary so that
 * cloudcron needs nothing beside itself. */
#ifndef GEN_EMBED_H
#define GEN_EMBED_H

#include <stddef.h>

typedef struct gen_embedded {
  const char *path; /* relative to templates/, e.g. "modules/scheduled-lambda/main.tf" */
  const char *data;
  size_t len;
} gen_embedded;

extern const gen_embedded gen_embedded_files[];
extern const size_t gen_embedded_count;

#endif
