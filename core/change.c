/*
 * change.c - fl_change(): what changed hands between the dates of each
 * source of a control layer, and the ground each side held on each date.
 *
 * Rules:
 *   (C1) the claims are core's control groups (groups.c, control.c, with the
 *        side map, one-sided sources, holes and islands of the options): one
 *        per (source, date); nothing here reads the side field itself.
 *   (C2) a source's dates are compared in order, each with the next one. The
 *        ground that moved from side a to side b is a's ground on the first
 *        date intersected with b's on the second; contested ground counts as
 *        the side "contested". Ground mapped on one date only (outside the
 *        other date's map) moved nowhere: it gives no row.
 *   (C3) areas are geodesic km² on WGS84 (fl_area_km2); pieces under
 *        1e-6 km² (1 m²) are slivers of the overlay and give no row.
 *   (C4) held_series: per (source, date) and side, the km² held.
 * Not here: grouping and dissolving (groups.c, control.c), the geodesy.
 */
#include <stdlib.h>
#include <string.h>

#include "fl_prep.h"

#define SLIVER_KM2 1e-6

typedef struct change_job {
  fl_ctx *ctx;
  const fl_layer *control;
  fl__groups gr;
  fl__control_group *cg; /* [gr.n] */
  int *built;            /* [gr.n] */
  fl_layer *changes, *held;
  int c_source, c_from, c_to, c_days, c_side_from, c_side_to, c_km2;
  int h_source, h_date, h_side, h_km2;
} change_job;

/* Side k of cg, contested last (k == n_sides). */
static const GEOSGeometry *side_area(const fl__control_group *cg, size_t k, const char **name) {
  if (k < cg->n_sides) {
    *name = cg->side[k];
    return cg->area[k];
  }
  *name = FL__CONTESTED;
  return cg->contested;
}

static fl_status add_change(change_job *j, size_t g0, size_t g1, const char *sa,
                            const char *sb, GEOSGeometry *piece) {
  fl_ctx *ctx = j->ctx;
  double km2 = 0;
  fl_area_km2(ctx, piece, &km2);
  if (km2 < SLIVER_KM2) {
    GEOSGeom_destroy_r(ctx->geos, piece);
    return FL_OK;
  }
  GEOSGeometry *out = NULL;
  fl_status st = fl__to_layer_crs(ctx, piece, j->control->srid, &out);
  if (st) return st;
  fl_feature *f = fl_layer_append(ctx, j->changes, (int64_t)j->changes->n_features + 1, out);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  const fl__group *a = &j->gr.g[g0], *b = &j->gr.g[g1];
  long d0 = 0, d1 = 0;
  st = fl_feature_set_text(j->changes, f, j->c_source, a->source);
  if (!st) st = fl_feature_set_text(j->changes, f, j->c_from, a->date);
  if (!st) st = fl_feature_set_text(j->changes, f, j->c_to, b->date);
  if (!st && fl__date_days(a->date, &d0) && fl__date_days(b->date, &d1))
    st = fl_feature_set_int(j->changes, f, j->c_days, d1 - d0);
  if (!st) st = fl_feature_set_text(j->changes, f, j->c_side_from, sa);
  if (!st) st = fl_feature_set_text(j->changes, f, j->c_side_to, sb);
  if (!st) st = fl_feature_set_real(j->changes, f, j->c_km2, km2);
  return st ? fl__fail(ctx, st, "out of memory") : FL_OK;
}

/* (C2) every side of g0 against every other side of g1. */
static fl_status compare(change_job *j, size_t g0, size_t g1) {
  fl_ctx *ctx = j->ctx;
  const fl__control_group *a = &j->cg[g0], *b = &j->cg[g1];
  for (size_t p = 0; p <= a->n_sides; p++) {
    const char *sa, *sb;
    const GEOSGeometry *ga = side_area(a, p, &sa);
    if (!ga || GEOSisEmpty_r(ctx->geos, ga) == 1) continue;
    for (size_t q = 0; q <= b->n_sides; q++) {
      const GEOSGeometry *gb = side_area(b, q, &sb);
      if (!gb || !strcmp(sa, sb) || GEOSisEmpty_r(ctx->geos, gb) == 1) continue;
      GEOSGeometry *x = GEOSIntersection_r(ctx->geos, ga, gb);
      if (!x) return fl__fail_geos(ctx, "change: intersection");
      GEOSGeometry *poly = fl__polygonal_part(ctx->geos, x);
      GEOSGeom_destroy_r(ctx->geos, x);
      if (!poly) return fl__fail_geos(ctx, "change: polygons of an intersection");
      GEOSSetSRID_r(ctx->geos, poly, 4326);
      fl_status st = add_change(j, g0, g1, sa, sb, poly);
      if (st) return st;
    }
  }
  return FL_OK;
}

/* (C4) the km² of each side of group g. */
static fl_status add_held(change_job *j, size_t g) {
  const fl__control_group *cg = &j->cg[g];
  for (size_t k = 0; k <= cg->n_sides; k++) {
    const char *name;
    const GEOSGeometry *area = side_area(cg, k, &name);
    if (!area) continue;
    double km2 = 0;
    fl_area_km2(j->ctx, area, &km2);
    fl_feature *f = fl_layer_append(j->ctx, j->held, (int64_t)j->held->n_features + 1, NULL);
    fl_status st = f ? FL_OK : FL_E_NOMEM;
    if (!st) st = fl_feature_set_text(j->held, f, j->h_source, j->gr.g[g].source);
    if (!st) st = fl_feature_set_text(j->held, f, j->h_date, j->gr.g[g].date);
    if (!st) st = fl_feature_set_text(j->held, f, j->h_side, name);
    if (!st) st = fl_feature_set_real(j->held, f, j->h_km2, km2);
    if (st) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

static fl_status make_layers(change_job *j) {
  j->changes = fl_layer_new("area_change", j->control->srid, "MULTIPOLYGON");
  j->held = fl_layer_new("held_series", j->control->srid, "GEOMETRY"); /* no geometries */
  if (!j->changes || !j->held) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  j->c_source = fl_layer_add_field(j->changes, "source", FL_FIELD_TEXT);
  j->c_from = fl_layer_add_field(j->changes, "date_from", FL_FIELD_TEXT);
  j->c_to = fl_layer_add_field(j->changes, "date_to", FL_FIELD_TEXT);
  j->c_days = fl_layer_add_field(j->changes, "days", FL_FIELD_INTEGER);
  j->c_side_from = fl_layer_add_field(j->changes, "side_from", FL_FIELD_TEXT);
  j->c_side_to = fl_layer_add_field(j->changes, "side_to", FL_FIELD_TEXT);
  j->c_km2 = fl_layer_add_field(j->changes, "area_km2", FL_FIELD_REAL);
  j->h_source = fl_layer_add_field(j->held, "source", FL_FIELD_TEXT);
  j->h_date = fl_layer_add_field(j->held, "date", FL_FIELD_TEXT);
  j->h_side = fl_layer_add_field(j->held, "side", FL_FIELD_TEXT);
  j->h_km2 = fl_layer_add_field(j->held, "area_km2", FL_FIELD_REAL);
  if (j->c_km2 < 0 || j->h_km2 < 0) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}

/* The next date of g's source after g, or gr.n (groups are sorted by date). */
static size_t next_of_source(const fl__groups *gr, size_t g) {
  for (size_t k = g + 1; k < gr->n; k++)
    if (!strcmp(gr->g[k].source, gr->g[g].source) && strcmp(gr->g[k].date, gr->g[g].date))
      return k;
  return gr->n;
}

static fl_status run(change_job *j, const fl__prepped *cp, const fl_options *opts) {
  fl_status st = fl__groups_build(j->ctx, j->control, opts, &j->gr);
  if (st) return st;
  j->cg = calloc(j->gr.n ? j->gr.n : 1, sizeof *j->cg);
  j->built = calloc(j->gr.n ? j->gr.n : 1, sizeof *j->built);
  if (!j->cg || !j->built) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t g = 0; g < j->gr.n; g++) {
    if ((st = fl__control_group_build(j->ctx, cp, &j->gr, (int)g, opts, &j->cg[g]))) return st;
    j->built[g] = 1;
    if ((st = fl__progress(j->ctx, 0.5 * (double)(g + 1) / (double)j->gr.n))) return st;
  }
  if ((st = make_layers(j))) return st;
  for (size_t g = 0; g < j->gr.n; g++) {
    if ((st = add_held(j, g))) return st;
    size_t n = next_of_source(&j->gr, g);
    if (n < j->gr.n && (st = compare(j, g, n))) return st;
    if ((st = fl__progress(j->ctx, 0.5 + 0.5 * (double)(g + 1) / (double)j->gr.n))) return st;
  }
  return FL_OK;
}

fl_status fl_change(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                    fl_layer **area_change, fl_layer **held_series) {
  *area_change = NULL;
  *held_series = NULL;
  fl__prepped cp;
  memset(&cp, 0, sizeof cp);
  change_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.control = control;
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &cp);
  if (!st) st = run(&j, &cp, opts);
  for (size_t g = 0; j.built && g < j.gr.n; g++)
    if (j.built[g]) fl__control_group_free(ctx, &j.cg[g]);
  free(j.cg);
  free(j.built);
  fl__groups_free(&j.gr);
  fl__prep_free(ctx, &cp);
  if (st) {
    fl_layer_destroy(ctx, j.changes);
    fl_layer_destroy(ctx, j.held);
    return st;
  }
  *area_change = j.changes;
  *held_series = j.held;
  return FL_OK;
}
