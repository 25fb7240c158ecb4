/* gen/hclfmt.h: rewrites HCL text the way `terraform fmt` writes it.
 *
 * Rules (those of hclwrite's formatter, which terraform fmt uses):
 *   - indentation: 2 spaces per level; a line whose brackets ({ [ ( and
 *     interpolations) open more than they close starts a level, one that
 *     closes more ends the levels it closes;
 *   - `=` aligned across consecutive lines that assign a whole value on one
 *     line (a blank line, a comment line, a block or a multi-line value ends
 *     the group), one space after it; trailing comments aligned likewise;
 *   - runs of spaces and tabs between tokens become one space; no trailing
 *     spaces; heredoc bodies are kept byte for byte.
 * It also tidies blank lines, which terraform fmt keeps as they are: runs
 * of blank lines become one, and none is left at the start or end of the
 * file, after a line that opens a level or before one that closes it. The
 * result always ends with one newline (empty input gives empty output).
 *
 * It does not parse HCL: text that is not HCL is rewritten by the same
 * rules without an error. */
#ifndef GEN_HCLFMT_H
#define GEN_HCLFMT_H

#include <stddef.h>

#include "cc/buf.h"

/* Appends the formatted form of IN (LEN bytes) to OUT. Returns CC_OK or
 * CC_ENOMEM / CC_ETOOBIG. */
int gen_hclfmt(const char *in, size_t len, cc_buf *out);

#endif
