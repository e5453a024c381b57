/*
 * change_summary.c - the change_summary table of `change`: per source,
 * period, side and sector, the km² gained and lost.
 *
 * Rules:
 *   (C8) sides of a period: every side of either date, and "contested" when
 *        either date has contested ground; each gets a row even when nothing
 *        moved (0 km²). gained_km2: ground that went to the side, lost_km2:
 *        ground that left it, net_km2 = gained - lost, km2_per_day = net /
 *        days (NULL when a date is not ISO). Sector NULL: the whole area,
 *        then one row per sector (with sectors).
 *   (C9) front_km: the length of the front of the earlier date (in the
 *        sector); mean_depth_km = gained_km2 / front_km (NULL without a
 *        front); max_depth_km: the largest depth of the polygons gained
 *        (change_advance.c; NULL when none).
 * Not here: the overlays (change.c), depths (change_advance.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"

static int has_side(const fl__change_sums *s, const char *side) {
  for (size_t i = 0; i < s->n_sides; i++)
    if (!strcmp(s->side[i], side)) return 1;
  return 0;
}

static void add_sides(fl__change_sums *s, const fl__control_group *cg) {
  for (size_t k = 0; k < cg->n_sides; k++)
    if (!has_side(s, cg->side[k])) s->side[s->n_sides++] = cg->side[k];
  if (cg->contested && !has_side(s, FL__CONTESTED)) s->side[s->n_sides++] = FL__CONTESTED;
}

fl_status fl__sums_init(fl__change_job *j, size_t g0, size_t g1, fl__change_sums *s) {
  memset(s, 0, sizeof *s);
  const fl__control_group *a = &j->cg[g0], *b = &j->cg[g1];
  size_t cap = a->n_sides + b->n_sides + 2;
  s->n_cols = j->sec.n + 1;
  s->side = calloc(cap, sizeof *s->side);
  s->gained = calloc(cap * s->n_cols, sizeof *s->gained);
  s->lost = calloc(cap * s->n_cols, sizeof *s->lost);
  s->max_depth_m = malloc(cap * s->n_cols * sizeof *s->max_depth_m);
  if (!s->side || !s->gained || !s->lost || !s->max_depth_m)
    return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t i = 0; i < cap * s->n_cols; i++) s->max_depth_m[i] = -1;
  add_sides(s, a);
  add_sides(s, b);
  return FL_OK;
}

void fl__sums_free(fl__change_sums *s) {
  free(s->side);
  free(s->gained);
  free(s->lost);
  free(s->max_depth_m);
  memset(s, 0, sizeof *s);
}

size_t fl__sums_side(const fl__change_sums *s, const char *side) {
  for (size_t i = 0; i < s->n_sides; i++)
    if (!strcmp(s->side[i], side)) return i;
  return 0; /* not reached: every side of both dates is listed */
}

fl_layer *fl__summary_layer(void) {
  fl_layer *l = fl_layer_new("change_summary", 0, "NONE");
  if (!l) return NULL;
  static const char *const text[] = {"source", "date_from", "date_to"};
  for (int i = 0; i < 3; i++) fl_layer_add_field(l, text[i], FL_FIELD_TEXT);
  fl_layer_add_field(l, "days", FL_FIELD_INTEGER);
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_layer_add_field(l, "sector", FL_FIELD_TEXT);
  static const char *const real[] = {"gained_km2", "lost_km2",      "net_km2",     "km2_per_day",
                                     "front_km",   "mean_depth_km", "max_depth_km"};
  int last = 0;
  for (int i = 0; i < 7; i++) last = fl_layer_add_field(l, real[i], FL_FIELD_REAL);
  if (last < 0) {
    fl_layer_destroy(NULL, l);
    return NULL;
  }
  return l;
}

static fl_status set_real(fl_layer *l, fl_feature *f, const char *name, double v, int ok) {
  if (!ok) return FL_OK; /* stays NULL */
  return fl_feature_set_real(l, f, fl_layer_field_index(l, name), v);
}

/* (C8), (C9) one row: side i, column c (0: whole area, k + 1: sector k). */
static fl_status row(fl__change_job *j, size_t g0, size_t g1, const fl__change_sums *s,
                     size_t i, size_t c) {
  fl_layer *l = j->out.change_summary;
  fl_feature *f = fl_layer_append(j->ctx, l, (int64_t)l->n_features + 1, NULL);
  if (!f) return FL_E_NOMEM;
  const fl__group *a = &j->gr.g[g0], *b = &j->gr.g[g1];
  long d0 = 0, d1 = 0;
  int dated = fl__date_days(a->date, &d0) && fl__date_days(b->date, &d1) && d1 > d0;
  double gained = s->gained[i * s->n_cols + c], lost = s->lost[i * s->n_cols + c];
  double front = j->front_km[g0 * s->n_cols + c], depth = s->max_depth_m[i * s->n_cols + c];
  fl_status st = fl_feature_set_text(l, f, fl_layer_field_index(l, "source"), a->source);
  if (!st) st = fl_feature_set_text(l, f, fl_layer_field_index(l, "date_from"), a->date);
  if (!st) st = fl_feature_set_text(l, f, fl_layer_field_index(l, "date_to"), b->date);
  if (!st && dated) st = fl_feature_set_int(l, f, fl_layer_field_index(l, "days"), d1 - d0);
  if (!st) st = fl_feature_set_text(l, f, fl_layer_field_index(l, "side"), s->side[i]);
  if (!st && c > 0)
    st = fl_feature_set_text(l, f, fl_layer_field_index(l, "sector"), j->sec.name[c - 1]);
  if (!st) st = set_real(l, f, "gained_km2", gained, 1);
  if (!st) st = set_real(l, f, "lost_km2", lost, 1);
  if (!st) st = set_real(l, f, "net_km2", gained - lost, 1);
  if (!st) st = set_real(l, f, "km2_per_day", (gained - lost) / (double)(d1 - d0), dated);
  if (!st) st = set_real(l, f, "front_km", front, front >= 0);
  if (!st) st = set_real(l, f, "mean_depth_km", gained / front, front > 0);
  if (!st) st = set_real(l, f, "max_depth_km", depth / 1000.0, depth >= 0);
  return st;
}

fl_status fl__summary_rows(fl__change_job *j, size_t g0, size_t g1, const fl__change_sums *s) {
  for (size_t c = 0; c < s->n_cols; c++)
    for (size_t i = 0; i < s->n_sides; i++)
      if (row(j, g0, g1, s, i, c)) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}
