/* gen/readme.h: a module's README.md.
 *
 * The prose (the interface's description), a usage block, then between
 * <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> the tables Requirements
 * and Providers (from versions.tf), Resources (every resource, data source
 * and module block of main.tf, aws_ types linked to the registry's
 * documentation), Inputs and Outputs (from the interface). The prose and
 * the usage block are built as a libcmark tree; this libcmark has no table
 * extension, so each cell is a cmark paragraph rendered to CommonMark (its
 * own escaping) with pipes escaped as GFM tables need. */
#ifndef GEN_README_H
#define GEN_README_H

#include "cc/buf.h"
#include "iface.h"

/* Appends the README of module NAME (without the do-not-edit line).
 * VERSIONS_TF and MAIN_TF are the module's rendered files (MAIN_TF may be
 * NULL). Returns CC_OK or CC_ENOMEM. */
int gen_readme_module(cc_buf *out, const char *name, const gen_iface *iface, const char *versions_tf,
                      const char *main_tf);

/* Cell helpers: append to CELL the CommonMark for TEXT as plain text, as
 * an inline code span, or as a link; pipes and newlines are made safe for
 * a GFM table cell. */
int gen_readme_text(cc_buf *cell, const char *text);
int gen_readme_code(cc_buf *cell, const char *text);
int gen_readme_link(cc_buf *cell, const char *text, const char *url);

#endif
