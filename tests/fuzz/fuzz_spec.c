/* libFuzzer target: the spec loader and checker (YAML and JSON).
 * The first byte picks the format; the rest is the spec. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cc/diag.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *path = (data[0] & 1) ? "fuzz/spec.json" : "fuzz/spec.yaml";
  cc_diags d;
  cc_diags_init(&d);
  gen_spec *spec = NULL;
  gen_spec_parse(&spec, path, (const char *)data + 1, size - 1, &d);
  /* Printing exercises the excerpt and caret code on every position. */
  FILE *null = fopen("/dev/null", "w");
  if (null) {
    cc_diags_sort(&d);
    cc_diags_print(&d, null);
    fclose(null);
  }
  gen_spec_free(spec);
  cc_diags_free(&d);
  return 0;
}
