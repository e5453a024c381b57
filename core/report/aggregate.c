/*
 * aggregate.c - small aggregation helpers of the report: rows summed by a text
 * key, the distinct values of a field, fields by name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fl_internal.h"
#include "report_internal.h"

fl__agg *fl__agg_get(fl__aggs *gs, const char *key, size_t row) {
  for (size_t i = 0; i < gs->n; i++)
    if (!strcmp(gs->g[i].key, key)) return &gs->g[i];
  if (gs->n == gs->cap) {
    size_t cap = gs->cap ? 2 * gs->cap : 32;
    fl__agg *g = realloc(gs->g, cap * sizeof *g);
    if (!g) {
      gs->oom = 1;
      return NULL;
    }
    gs->g = g;
    gs->cap = cap;
  }
  fl__agg *g = &gs->g[gs->n];
  memset(g, 0, sizeof *g);
  g->key = strdup(key);
  if (!g->key) {
    gs->oom = 1;
    return NULL;
  }
  g->first = row;
  g->min = NAN;
  gs->n++;
  return g;
}

void fl__agg_add(fl__agg *g, const double *values, size_t n, double min_value) {
  g->count++;
  for (size_t i = 0; i < n && i < FL__AGG_SUMS; i++)
    if (isfinite(values[i])) g->sum[i] += values[i];
  if (isfinite(min_value) && (!isfinite(g->min) || min_value < g->min)) g->min = min_value;
}

void fl__aggs_free(fl__aggs *gs) {
  for (size_t i = 0; i < gs->n; i++) free(gs->g[i].key);
  free(gs->g);
  memset(gs, 0, sizeof *gs);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **fl__distinct(const fl_layer *l, const char *field, size_t *n) {
  *n = 0;
  int k = l ? fl_layer_field_index(l, field) : -1;
  if (k < 0 || !fl__field_holds_text(l, k) || !l->n_features) return NULL;
  const char **v = malloc(l->n_features * sizeof *v);
  if (!v) return NULL;
  size_t m = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_value *x = &l->features[i].values[k];
    if (!x->is_null && x->s && *x->s) v[m++] = x->s;
  }
  qsort(v, m, sizeof *v, cmp_str);
  size_t u = 0;
  for (size_t i = 0; i < m; i++)
    if (!u || strcmp(v[u - 1], v[i])) v[u++] = v[i];
  if (!u) {
    free(v);
    return NULL;
  }
  *n = u;
  return v;
}

size_t fl__index_of(const char *const *v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (s && !strcmp(v[i], s)) return i;
  return n;
}

const char *fl__field_text(const fl_layer *l, const fl_feature *f, const char *name) {
  int k = fl_layer_field_index(l, name);
  if (k < 0 || f->values[k].is_null || !fl__field_holds_text(l, k)) return NULL;
  return f->values[k].s;
}

double fl__field_num(const fl_layer *l, const fl_feature *f, const char *name) {
  int k = fl_layer_field_index(l, name);
  if (k < 0 || f->values[k].is_null) return NAN;
  if (l->fields[k].type == FL_FIELD_INTEGER) return (double)f->values[k].i;
  if (l->fields[k].type == FL_FIELD_REAL) return f->values[k].d;
  return NAN;
}
