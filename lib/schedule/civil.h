/* lib/schedule/civil.h: proleptic Gregorian calendar arithmetic on days
 * since 1970-01-01, independent of the C library's time zone state. */
#ifndef CC_CIVIL_H
#define CC_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of Y-M-D (M 1-12, D 1-31). */
int64_t cc_days_from_civil(int64_t y, int m, int d);
/* The inverse: Y-M-D of day Z. */
void cc_civil_from_days(int64_t z, int64_t *y, int *m, int *d);
/* Day of the week of day Z: 0 = Sunday ... 6 = Saturday. */
int cc_weekday(int64_t z);
/* Floor division, for negative seconds. */
int64_t cc_floor_div(int64_t a, int64_t b);

#endif
