/*
 * groups.c - control and front layers hold several claims: one per source
 * and date. This file finds the distinct (source, date) pairs, applies the
 * --source/--date filters and matches groups of two layers.
 */
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

static int cmp_group(const void *a, const void *b) {
  const fl__group *x = a, *y = b;
  int c = strcmp(x->date, y->date);
  return c ? c : strcmp(x->source, y->source);
}

void fl__groups_free(fl__groups *g) {
  for (size_t i = 0; i < g->n; i++) {
    free(g->g[i].source);
    free(g->g[i].date);
  }
  free(g->g);
  free(g->of_feature);
  memset(g, 0, sizeof *g);
}

static const char *key_text(const fl_layer *layer, const fl_feature *f, int field) {
  if (field < 0 || f->values[field].is_null) return "";
  return fl_value_text(layer, f, field);
}

/* Whether a feature of keys (src, date) passes the --source and --date
 * filters (date: a prefix), each applied when the layer has its field. */
static int passes_filters(const fl_options *opts, const fl__groups *g, const char *src,
                          const char *date) {
  if (opts->source_filter && g->source_field >= 0 && strcmp(src, opts->source_filter)) return 0;
  if (opts->date_filter && g->date_field >= 0 &&
      strncmp(date, opts->date_filter, strlen(opts->date_filter)))
    return 0;
  return 1;
}

/* The index of group (src, date) in *g, added when new (*cap: the room of
 * g->g); on failure g is freed. */
static fl_status group_index(fl_ctx *ctx, fl__groups *g, size_t *cap, const char *src,
                             const char *date, size_t *k) {
  *k = 0;
  while (*k < g->n && (strcmp(g->g[*k].source, src) || strcmp(g->g[*k].date, date))) (*k)++;
  if (*k < g->n) return FL_OK;
  if (g->n == *cap) {
    *cap = *cap ? *cap * 2 : 4;
    fl__group *grown = realloc(g->g, *cap * sizeof *grown);
    if (!grown) { fl__groups_free(g); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
    g->g = grown;
  }
  g->g[*k].source = fl__strdup(src);
  g->g[*k].date = fl__strdup(date);
  g->n++;
  if (!g->g[*k].source || !g->g[*k].date) {
    fl__groups_free(g);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

/* The groups sorted by date, then source, and the features renumbered; on
 * failure g is freed. */
static fl_status sort_groups(fl_ctx *ctx, const fl_layer *layer, fl__groups *g) {
  size_t n = g->n;
  fl__group *sorted = malloc(n * sizeof *sorted);
  int *newpos = malloc(n * sizeof *newpos);
  if (!sorted || !newpos) {
    free(sorted);
    free(newpos);
    fl__groups_free(g);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  memcpy(sorted, g->g, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp_group);
  for (size_t k = 0; k < n; k++)
    for (size_t j = 0; j < n; j++)
      if (sorted[j].source == g->g[k].source) newpos[k] = (int)j;
  for (size_t i = 0; i < layer->n_features; i++)
    if (g->of_feature[i] >= 0) g->of_feature[i] = newpos[g->of_feature[i]];
  free(g->g);
  g->g = sorted;
  free(newpos);
  return FL_OK;
}

fl_status fl__groups_build(fl_ctx *ctx, const fl_layer *layer, const fl_options *opts,
                           fl__groups *out) {
  memset(out, 0, sizeof *out);
  out->source_field = opts->source_field ? fl_layer_field_index(layer, opts->source_field) : -1;
  out->date_field = opts->date_field ? fl_layer_field_index(layer, opts->date_field) : -1;
  out->of_feature = malloc((layer->n_features ? layer->n_features : 1) * sizeof(int));
  if (!out->of_feature) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  size_t cap = 0;
  for (size_t i = 0; i < layer->n_features; i++) {
    const fl_feature *f = &layer->features[i];
    char src[256], date[256];
    snprintf(src, sizeof src, "%s", key_text(layer, f, out->source_field));
    snprintf(date, sizeof date, "%s", key_text(layer, f, out->date_field));
    out->of_feature[i] = -1;
    if (!passes_filters(opts, out, src, date)) continue;
    size_t k;
    fl_status st = group_index(ctx, out, &cap, src, date, &k);
    if (st) return st;
    out->of_feature[i] = (int)k;
  }
  if (out->n == 0) {
    int which_source = opts->source_filter && out->source_field >= 0;
    fl__fail(ctx, FL_E_ARG, "layer '%s' has no feature with %s '%s'; check the filter value",
             layer->name, which_source ? "source" : "date",
             which_source ? opts->source_filter : (opts->date_filter ? opts->date_filter : ""));
    fl__groups_free(out);
    return FL_E_ARG;
  }
  return sort_groups(ctx, layer, out);
}

int fl__groups_match(const fl__groups *other, const fl__group *g) {
  if (other->n == 1 && !other->g[0].source[0] && !other->g[0].date[0]) return 0; /* no keys */
  int exact = -1, date_only = -1;
  for (size_t k = 0; k < other->n; k++) {
    const fl__group *o = &other->g[k];
    int src_ok = !o->source[0] || !g->source[0] || strcmp(o->source, g->source) == 0;
    int date_ok = !o->date[0] || !g->date[0] || strcmp(o->date, g->date) == 0;
    if (src_ok && date_ok && exact < 0) exact = (int)k;
    if (date_ok && date_only < 0 && o->date[0] && g->date[0]) date_only = (int)k;
  }
  if (exact >= 0) return exact;
  return other->n == 1 ? 0 : -1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static long civil_days(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (long)doe - 719468;
}

int fl__date_days(const char *date, long *days) {
  int y, m, d, n = 0;
  char sep1, sep2;
  if (!date || sscanf(date, "%4d%c%2d%c%2d%n", &y, &sep1, &m, &sep2, &d, &n) != 5 || n != 10)
    return 0;
  if ((sep1 != '-' && sep1 != '/') || sep2 != sep1 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
  *days = civil_days(y, (unsigned)m, (unsigned)d);
  return 1;
}

int fl__dates_within(const char *a, const char *b, int tolerance_days) {
  if (strcmp(a, b) == 0) return 1;
  long da, db;
  if (tolerance_days <= 0 || !fl__date_days(a, &da) || !fl__date_days(b, &db)) return 0;
  return labs(da - db) <= tolerance_days;
}

fl_status fl__check_date_tolerance(fl_ctx *ctx, const fl_options *opts) {
  if (opts->date_tolerance_days >= 0) return FL_OK;
  return fl__fail(ctx, FL_E_ARG, "@{date_tolerance_days} must be days >= 0, got %d",
                  opts->date_tolerance_days);
}
