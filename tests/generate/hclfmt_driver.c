/* Formats stdin with gen_hclfmt to stdout, for run_fmt_terraform.py. */
#include <stdio.h>

#include "cc/buf.h"
#include "hclfmt.h"

int main(void) {
  cc_buf in = CC_BUF_INIT, out = CC_BUF_INIT;
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (cc_buf_add(&in, chunk, n)) return 1;
  int rc = gen_hclfmt(in.ptr ? in.ptr : "", in.len, &out);
  if (!rc) fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
  cc_buf_free(&in);
  cc_buf_free(&out);
  return rc ? 1 : 0;
}
