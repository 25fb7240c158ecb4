/* libFuzzer target: the generator's module-interface reader
 * (templates/modules/<module>/interface.yaml) and its HCL formatter.
 * The first byte picks the path: odd bytes load the rest as an
 * interface and, when it loads, write its variables.tf and outputs.tf and
 * format them; even bytes format the rest as HCL directly. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cc/buf.h"
#include "cc/diag.h"
#include "hclfmt.h"
#include "iface.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void S_format(const char *text, size_t len) {
  cc_buf once, twice;
  cc_buf_init(&once, 1u << 22);
  cc_buf_init(&twice, 1u << 22);
  if (gen_hclfmt(text, len, &once) == 0 && gen_hclfmt(once.ptr ? once.ptr : "", once.len, &twice) == 0) {
    /* formatting what the formatter wrote changes nothing */
    if (once.len != twice.len || (once.len && memcmp(once.ptr, twice.ptr, once.len) != 0)) __builtin_trap();
  }
  cc_buf_free(&once);
  cc_buf_free(&twice);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  if (!(data[0] & 1)) {
    S_format(text, len);
    return 0;
  }
  cc_diags d;
  cc_diags_init(&d);
  gen_iface *iface = NULL;
  if (gen_iface_load(&iface, "fuzz/interface.yaml", text, len, NULL, &d) == 0) {
    cc_buf tf;
    cc_buf_init(&tf, 1u << 22);
    if (gen_iface_variables_tf(iface, &tf, &d) == 0 && gen_iface_outputs_tf(iface, &tf, &d) == 0)
      S_format(tf.ptr ? tf.ptr : "", tf.len);
    cc_buf_free(&tf);
  }
  FILE *null = fopen("/dev/null", "w");
  if (null) {
    cc_diags_sort(&d);
    cc_diags_print(&d, null);
    fclose(null);
  }
  gen_iface_free(iface);
  cc_diags_free(&d);
  return 0;
}
