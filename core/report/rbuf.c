/*
 * rbuf.c - the growing text buffer of the report writers (fl_report.h),
 * printing numbers in the "C" locale.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_io_internal.h"
#include "fl_report.h"

static int reserve(fl__rbuf *b, size_t more) {
  if (b->oom) return 0;
  if (b->n + more + 1 <= b->cap) return 1;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->n + more + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return 0;
  }
  b->p = p;
  b->cap = cap;
  return 1;
}

void fl__rb_printf(fl__rbuf *b, const char *fmt, ...) {
  locale_t c = fl__c_locale(), old = c ? uselocale(c) : (locale_t)0;
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  int k = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (k >= 0 && reserve(b, (size_t)k)) {
    if ((size_t)k < sizeof small) {
      memcpy(b->p + b->n, small, (size_t)k + 1);
    } else {
      va_start(ap, fmt);
      vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
      va_end(ap);
    }
    b->n += (size_t)k;
  } else if (k < 0) {
    b->oom = 1;
  }
  if (c) uselocale(old);
}

void fl__rb_text(fl__rbuf *b, const char *s) {
  for (; s && *s; s++) {
    const char *rep = NULL;
    switch (*s) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: break;
    }
    if (rep) {
      fl__rb_printf(b, "%s", rep);
    } else if (reserve(b, 1)) {
      b->p[b->n++] = *s;
      b->p[b->n] = '\0';
    }
  }
}

void fl__rb_free(fl__rbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}
