/*
 * text.c - a growing text built with printf formats (fl__text_printf), for
 * the reports the tools return as one string (analyze_report.c,
 * analyze_change.c).
 *
 * A failed allocation or format sets failed, and every later call does
 * nothing: the caller then frees s and reports out of memory. After a
 * successful call s is a NUL-terminated string of n bytes; before the
 * first, s is NULL.
 * Not here: JSON and GeoJSON text (io/json_text.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "fl_prep.h"

void fl__text_printf(fl__text *t, const char *fmt, ...) {
  if (t->failed) return;
  va_list ap;
  va_start(ap, fmt);
  int need = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (need < 0) {
    t->failed = 1;
    return;
  }
  if (t->n + (size_t)need + 1 > t->cap) {
    size_t cap = 2 * t->cap + (size_t)need + 256;
    char *g = realloc(t->s, cap);
    if (!g) {
      t->failed = 1;
      return;
    }
    t->s = g;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
  va_end(ap);
  t->n += (size_t)need;
}
