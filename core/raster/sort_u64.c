/*
 * sort_u64.c - an in-place sort of 64-bit keys that can be stopped
 * (fl__sort_u64()), for sorts of tens of millions of keys (high-ground's
 * DEM cells) that qsort would run for seconds, deaf to a stop.
 *
 * Quicksort with the median of three as pivot, the smaller side first and
 * the larger kept on an explicit stack (at most 64 entries), insertion sort
 * below 16 keys. The stop check is asked each time about 1,000,000 keys
 * have been partitioned (a few milliseconds). Ascending, as qsort with
 * "x < y" would give.
 */
#include "fl_raster.h"

#define SMALL 16
#define POLL_KEYS ((size_t)1 << 20)

static void insertion(uint64_t *a, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint64_t v = a[i];
    size_t j = i;
    for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}

static inline void swap(uint64_t *a, size_t i, size_t j) {
  uint64_t t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/* Hoare partition of a[0..n) (n > SMALL) around the median of three;
 * returns k: a[0..k) <= pivot <= a[k..n). */
static size_t partition(uint64_t *a, size_t n) {
  size_t m = n / 2;
  if (a[m] < a[0]) swap(a, m, 0);
  if (a[n - 1] < a[0]) swap(a, n - 1, 0);
  if (a[n - 1] < a[m]) swap(a, n - 1, m);
  uint64_t p = a[m];
  size_t i = 0, j = n - 1;
  for (;;) {
    while (a[i] < p) i++;
    while (a[j] > p) j--;
    if (i >= j) return j + 1;
    swap(a, i, j);
    i++;
    j--;
  }
}

fl_status fl__sort_u64(fl_ctx *ctx, uint64_t *a, size_t n, const char *what) {
  struct { uint64_t *a; size_t n; } stack[64];
  int top = 0;
  size_t since = 0;
  for (;;) {
    while (n > SMALL) {
      if ((since += n) >= POLL_KEYS) {
        since = 0;
        fl_status st = fl__stop_check(ctx, what);
        if (st) return st;
      }
      size_t k = partition(a, n);
      uint64_t *b = a + k;
      size_t nb = n - k;
      if (k < nb) { /* the smaller side now, the larger later */
        stack[top].a = b, stack[top].n = nb, top++;
        n = k;
      } else {
        stack[top].a = a, stack[top].n = k, top++;
        a = b;
        n = nb;
      }
    }
    insertion(a, n);
    if (top == 0) return FL_OK;
    top--;
    a = stack[top].a;
    n = stack[top].n;
  }
}
