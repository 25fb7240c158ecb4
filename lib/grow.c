#include "cc/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cc/err.h"

int cc_grow(void *items, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return CC_OK;
  size_t n = *cap ? *cap : 8;
  while (n < need) n *= 2;
  if (n > SIZE_MAX / size) return CC_ENOMEM;
  void **p = items;
  void *q = realloc(*p, n * size);
  if (!q) return CC_ENOMEM;
  *p = q;
  *cap = n;
  return CC_OK;
}
