/* cc/file.h: whole-file reads and all-or-nothing tree writes. */
#ifndef CC_FILE_H
#define CC_FILE_H

#include <stddef.h>

/* Reads PATH ("-" is stdin) into *OUT (malloc'd, NUL-terminated; the caller
 * frees) and its length into *LEN. Files larger than MAX fail with
 * CC_ETOOBIG. Returns CC_OK, CC_EIO (errno set), CC_ENOMEM or CC_ETOOBIG. */
int cc_file_read(char **out, size_t *len, const char *path, size_t max);

/* Why a cc_file_* call failed with RC, for messages: errno's text for
 * CC_EIO ("No such file or directory"; call it before anything else can
 * change errno), else cc_strerror(RC). Static storage. */
const char *cc_file_strerror(int rc);

/* Writes DATA to PATH through a temporary file in the same directory and a
 * rename, so readers never see half a file. Returns CC_OK or CC_EIO. */
int cc_file_write_atomic(const char *path, const void *data, size_t len);

/* Creates DIR and its parents (mode 0777 & ~umask). Returns CC_OK or CC_EIO. */
int cc_mkdirs(const char *dir);

#endif
