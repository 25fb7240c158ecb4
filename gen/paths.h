/* gen/paths.h: lexical path helpers of the generator (no file is touched).
 * Used by the stack's context (gen/stack_ctx.c) for build contexts
 * referenced relative to the stack and for copied template files. */
#ifndef GEN_PATHS_H
#define GEN_PATHS_H

#include "cc/buf.h"

/* The relative path from folder FROM to path TO (both relative to the
 * current directory or absolute; neither need exist), appended to OUT.
 * Returns CC_OK, CC_EIO (the current directory is unreadable) or
 * CC_ENOMEM / CC_ETOOBIG. */
int gen_relpath(cc_buf *out, const char *from, const char *to);

/* The last component of PATH (after its last slash; PATH itself when it
 * has none). Points into PATH. */
const char *gen_path_base(const char *path);

#endif
