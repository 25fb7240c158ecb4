/* dtoa.c: the shortest decimal that reads back to a double, as Python's
 * repr prints it: Burger and Dybvig's free-format algorithm ("Printing
 * Floating-Point Numbers Quickly and Accurately", 1996) on exact big
 * integers, so no printf/strtod loop is needed. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "value.h"

/* Unsigned big integers of 32-bit limbs, little end first. The largest
 * value the algorithm builds is below 2^1200 (a double's 2^1077 range
 * scaled by at most 10^324 against s, or 10^308 against r). */
#define S_LIMBS 48

typedef struct {
  uint32_t v[S_LIMBS];
  int n; /* limbs in use; 0 for zero */
} S_big;

static void S_set(S_big *a, uint64_t x) {
  memset(a, 0, sizeof *a);
  a->v[0] = (uint32_t)x;
  a->v[1] = (uint32_t)(x >> 32);
  a->n = a->v[1] ? 2 : a->v[0] ? 1 : 0;
}

static void S_trim(S_big *a) {
  while (a->n && !a->v[a->n - 1]) a->n--;
}

static void S_shl(S_big *a, int bits) {
  int w = bits / 32, s = bits % 32;
  if (!a->n) return;
  for (int i = a->n - 1 + w + 1; i >= 0; i--) {
    uint64_t hi = i - w >= 0 && i - w < a->n ? a->v[i - w] : 0;
    uint64_t lo = s && i - w - 1 >= 0 && i - w - 1 < a->n ? a->v[i - w - 1] : 0;
    if (i < S_LIMBS) a->v[i] = (uint32_t)((hi << s) | (s ? lo >> (32 - s) : 0));
  }
  a->n = a->n + w + 1 < S_LIMBS ? a->n + w + 1 : S_LIMBS;
  S_trim(a);
}

static void S_mul(S_big *a, uint32_t m) {
  uint64_t carry = 0;
  for (int i = 0; i < a->n; i++) {
    uint64_t x = (uint64_t)a->v[i] * m + carry;
    a->v[i] = (uint32_t)x;
    carry = x >> 32;
  }
  if (carry && a->n < S_LIMBS) a->v[a->n++] = (uint32_t)carry;
}

static void S_mul_pow10(S_big *a, int k) {
  for (; k >= 9; k -= 9) S_mul(a, 1000000000u);
  static const uint32_t p[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  if (k) S_mul(a, p[k]);
}

static int S_cmp(const S_big *a, const S_big *b) {
  if (a->n != b->n) return a->n < b->n ? -1 : 1;
  for (int i = a->n; i-- > 0;)
    if (a->v[i] != b->v[i]) return a->v[i] < b->v[i] ? -1 : 1;
  return 0;
}

static void S_add(S_big *out, const S_big *a, const S_big *b) {
  uint64_t carry = 0;
  int n = a->n > b->n ? a->n : b->n;
  for (int i = 0; i < n; i++) {
    uint64_t x = (uint64_t)(i < a->n ? a->v[i] : 0) + (i < b->n ? b->v[i] : 0) + carry;
    out->v[i] = (uint32_t)x;
    carry = x >> 32;
  }
  out->n = n;
  if (carry && n < S_LIMBS) out->v[out->n++] = (uint32_t)carry;
}

/* a -= b (a >= b). */
static void S_sub(S_big *a, const S_big *b) {
  int64_t borrow = 0;
  for (int i = 0; i < a->n; i++) {
    int64_t x = (int64_t)a->v[i] - (i < b->n ? b->v[i] : 0) - borrow;
    borrow = x < 0;
    a->v[i] = (uint32_t)(x + (borrow ? ((int64_t)1 << 32) : 0));
  }
  S_trim(a);
}

/* r + m compared with s. */
static int S_cmp_sum(const S_big *r, const S_big *m, const S_big *s) {
  S_big t;
  S_add(&t, r, m);
  return S_cmp(&t, s);
}

int tpl_shortest(double d, char *digits, int *exp10) {
  int e2;
  double fr = frexp(fabs(d), &e2); /* d = fr * 2^e2, fr in [0.5, 1) */
  uint64_t f = (uint64_t)ldexp(fr, 53);
  int e = e2 - 53;
  if (e < -1074) { /* subnormal: the mantissa has fewer bits */
    f >>= (-1074 - e);
    e = -1074;
  }
  int even = (f & 1) == 0, boundary = f == ((uint64_t)1 << 52) && e > -1074;
  S_big r, s, mp, mm;
  if (e >= 0) {
    S_set(&r, f);
    S_shl(&r, e + 1 + boundary);
    S_set(&s, boundary ? 4 : 2);
    S_set(&mp, 1);
    S_shl(&mp, e + boundary);
    S_set(&mm, 1);
    S_shl(&mm, e);
  } else {
    S_set(&r, f);
    S_shl(&r, 1 + boundary);
    S_set(&s, 1);
    S_shl(&s, -e + 1 + boundary);
    S_set(&mp, boundary ? 2 : 1);
    S_set(&mm, 1);
  }
  /* k: the estimate of ceil(log10(d)), fixed up below. */
  int k = (int)ceil(log10(fabs(d)) - 1e-10);
  if (k >= 0) {
    S_mul_pow10(&s, k);
  } else {
    S_mul_pow10(&r, -k);
    S_mul_pow10(&mp, -k);
    S_mul_pow10(&mm, -k);
  }
  int c = S_cmp_sum(&r, &mp, &s);
  if (even ? c >= 0 : c > 0) {
    k++;
  } else {
    S_mul(&r, 10);
    S_mul(&mp, 10);
    S_mul(&mm, 10);
  }
  int nd = 0;
  for (;;) {
    int q = 0;
    while (S_cmp(&r, &s) >= 0) {
      S_sub(&r, &s);
      q++;
    }
    int lo = even ? S_cmp(&r, &mm) <= 0 : S_cmp(&r, &mm) < 0;
    int hc = S_cmp_sum(&r, &mp, &s), hi = even ? hc >= 0 : hc > 0;
    if (!lo && !hi && nd < 17) {
      digits[nd++] = (char)('0' + q);
      S_mul(&r, 10);
      S_mul(&mp, 10);
      S_mul(&mm, 10);
      continue;
    }
    if (lo && hi) {
      /* Both ends reachable: the nearer digit (2r against s). */
      S_big r2 = r;
      S_shl(&r2, 1);
      int t = S_cmp(&r2, &s);
      if (t > 0 || (t == 0 && (q & 1))) q++;
    } else if (hi) {
      q++;
    }
    digits[nd++] = (char)('0' + q);
    break;
  }
  *exp10 = k - 1;
  return nd;
}

/* %.*f without printf, rounded as printf rounds the exact binary value
 * (half to even): with y = |D| * 10^PREC below 2^40 the product is off
 * the exact value by at most 2^-13, so unless y's fraction is within 1e-3
 * of one half the rounded integer is plain; near a half the product's
 * exact error decides. Returns -1 (the caller uses printf) for PREC over
 * 9, non-finite D and |D| * 10^PREC of 2^40 or more. */
static inline int S_fixed_int(double d, int prec, uint64_t *m) {
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  if (prec < 0 || prec > 9 || !isfinite(d)) return -1;
  double y = fabs(d) * p10[prec];
  if (!(y < 0x1p40)) return -1;
  uint64_t iy = (uint64_t)y; /* y is in [0, 2^40): truncation is floor */
  double fl = (double)iy, fr = y - fl; /* both exact */
  int up = fr > 0.5;
  if (fabs(fr - 0.5) < 1e-3) {
    /* Near a tie the product's rounding matters: the exact |d| * 10^prec
     * is y + err (fma gives the product's error exactly), so the exact
     * fraction minus one half is (fr - 0.5) + err, whose sign the rounded
     * sum keeps; an exact tie rounds half to even, as printf does. */
    double err = fma(fabs(d), p10[prec], -y), s = (fr - 0.5) + err;
    up = s > 0 || (s == 0 && (iy & 1));
  }
  *m = iy + (uint64_t)up;
  return 0;
}

int tpl_fixed_int(double d, int prec, uint64_t *m) { return S_fixed_int(d, prec, m); }

int tpl_fixed(char *out, double d, int prec) {
  uint64_t m;
  if (S_fixed_int(d, prec, &m)) return -1;
  int neg = signbit(d) != 0;
  char dig[24];
  int nd = 0;
  /* Two digits a step (M < 2^41: at most 13 digits). */
  static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                              "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                              "8081828384858687888990919293949596979899";
  while (m >= 10) {
    unsigned r = (unsigned)(m % 100);
    m /= 100;
    dig[nd++] = pairs[2 * r + 1];
    dig[nd++] = pairs[2 * r];
  }
  if (m || !nd) dig[nd++] = (char)('0' + m);
  while (nd < prec + 1) dig[nd++] = '0';
  int k = 0;
  if (neg) out[k++] = '-';
  while (nd > prec) out[k++] = dig[--nd];
  if (prec) out[k++] = '.';
  while (nd) out[k++] = dig[--nd];
  out[k] = '\0';
  return k;
}
