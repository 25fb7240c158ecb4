/* libFuzzer target: the Runtime API client's response parsing (rapi.h):
 * response heads and chunked bodies. The first byte picks which. A
 * chunked body must give the same verdict when only validated (what the
 * client does while bytes arrive) as when decoded, and decoding appends
 * nothing when it fails. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../runtime/rapi.h"
#include "cc/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  if (!(data[0] & 1)) {
    rt_rapi_head h;
    long n = rt_rapi_parse_head(&h, text, len);
    if (n > 0 && ((size_t)n > len || h.status < 100 || h.status > 999 || strlen(h.request_id) >= sizeof h.request_id))
      __builtin_trap();
    return 0;
  }
  cc_buf out;
  cc_buf_init(&out, (size_t)(data[0] >> 1) << 8); /* small ceilings too */
  long checked = rt_rapi_dechunk(NULL, text, len);
  long used = rt_rapi_dechunk(&out, text, len);
  if (used > (long)len) __builtin_trap();
  if (used <= 0 && out.len != 0) __builtin_trap();
  /* validating has no ceiling: it may pass what decoding refuses */
  if (checked != used && !(checked >= 0 && used < 0 && out.max < len)) __builtin_trap();
  cc_buf_free(&out);
  return 0;
}
