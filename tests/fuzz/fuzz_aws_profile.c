/* Fuzz target: the AWS shared files' INI reader (runtime/aws_profile.h)
 * must not crash or read out of bounds on any text: the first byte picks
 * the section and key asked for and the room for the value. */
#include <stddef.h>
#include <stdint.h>

/* runtime internals: the fuzz build adds no private include paths */
#include "../../runtime/aws_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const sections[] = {"default", "profile dev", "dev", ""};
  static const char *const keys[] = {"region", "aws_access_key_id", "credential_process", NULL};
  char out[64];
  if (size == 0) return 0;
  uint8_t pick = data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  (void)rt_ini_get(text, len, sections[pick & 3], keys[(pick >> 2) & 3], out,
                   (size_t)1 + ((pick >> 4) % sizeof out));
  return 0;
}
