/*
 * report_internal.h - what the files of the HTML report share (html.c,
 * sections.c, tables.c, aggregate.c).
 */
#ifndef FL_REPORT_INTERNAL_H
#define FL_REPORT_INTERNAL_H

#include "fl_report.h"

/* The line under the title: sources, dates, claim shown (sections.c). */
void fl__report_subtitle(fl__rbuf *b, const fl__report_in *in);
/* The charts section (sections.c). */
void fl__report_charts(fl__rbuf *b, const fl__report_in *in);
/* The tables (tables.c). */
void fl__report_tables(fl__rbuf *b, const fl__report_in *in);

/* Rows summed by a text key (aggregate.c): key k, its first row, count and
 * sums of up to FL__AGG_SUMS values (NaN ignored; min kept apart). */
#define FL__AGG_SUMS 12
typedef struct fl__agg {
  char *key;                  /* owned */
  size_t first, count;
  double sum[FL__AGG_SUMS];
  double min;                 /* of the value given as min_value */
} fl__agg;
typedef struct fl__aggs {
  fl__agg *g;
  size_t n, cap;
  int oom;
} fl__aggs;
/* The group of key (made when new); NULL when out of memory. */
fl__agg *fl__agg_get(fl__aggs *gs, const char *key, size_t row);
void fl__agg_add(fl__agg *g, const double *values, size_t n, double min_value);
void fl__aggs_free(fl__aggs *gs);
/* Sorted distinct values of a text field (borrowed from l); *n of them.
 * Returns NULL (n = 0) when none or out of memory; free() the array. */
const char **fl__distinct(const fl_layer *l, const char *field, size_t *n);
/* Index of s in v[n], or n. */
size_t fl__index_of(const char *const *v, size_t n, const char *s);
/* Text or number of a field by name (NULL / NaN when absent or NULL). */
const char *fl__field_text(const fl_layer *l, const fl_feature *f, const char *name);
double fl__field_num(const fl_layer *l, const fl_feature *f, const char *name);

#endif
