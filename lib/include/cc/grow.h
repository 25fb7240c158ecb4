/* cc/grow.h: growing malloc'd arrays. */
#ifndef CC_GROW_H
#define CC_GROW_H

#include <stddef.h>

/* Makes room for at least NEED elements of SIZE bytes in *ITEMS (capacity
 * *CAP, doubled as it grows). Returns CC_OK, or CC_ENOMEM with *ITEMS and
 * *CAP unchanged. The caller owns *ITEMS and frees it. */
int cc_grow(void *items, size_t *cap, size_t need, size_t size);

#endif
