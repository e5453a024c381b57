/*
 * disagreement.c - fl_disagreement(): the ground on which two sources of a
 * control layer, on paired dates, name different holders.
 *
 * Rules (docs/tools/compare-claims.md):
 *   (D1) each snapshot (source, date) is core's control group (control.c,
 *        other_side.c) read with its source's options (R1, R2 in
 *        compare_sources.c): side map, one-sided sources and each source's
 *        own area of interest; snapshots are paired by (P1).
 *   (D2) on a pair, the ground that snapshot a gives side p and snapshot b
 *        gives side q, p != q, is one row; contested ground is the side
 *        "contested", a value like any other.
 *   (D3) ground that either snapshot does not map (outside its polygons, or
 *        outside its area of interest for a one-sided source) gives no row:
 *        a source says nothing there.
 *   (D4) areas are geodesic km² on WGS84 (fl_area_km2); pieces under 1e-6 km²
 *        (1 m²) are slivers of the overlay and give no row.
 *   (D5) source_a sorts before source_b.
 * Not here: grouping (groups.c), sources and pairing (compare_sources.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_sources.h"

#define SLIVER_KM2 1e-6

typedef struct dis_job {
  fl_ctx *ctx;
  const fl_layer *control;
  fl__sources src;
  fl__groups gr;
  fl__control_group *cg; /* [gr.n] */
  int *built;            /* [gr.n] */
  fl_layer *out;
  int f_src_a, f_side_a, f_date_a, f_src_b, f_side_b, f_date_b, f_days, f_km2;
} dis_job;

/* Side k of cg, contested last (k == n_sides). */
static const GEOSGeometry *side_area(const fl__control_group *cg, size_t k, const char **name) {
  if (k < cg->n_sides) {
    *name = cg->side[k];
    return cg->area[k];
  }
  *name = FL__CONTESTED;
  return cg->contested;
}

static fl_status add_row(dis_job *j, size_t a, size_t b, const char *sa, const char *sb,
                         GEOSGeometry *piece) {
  fl_ctx *ctx = j->ctx;
  double km2 = 0;
  fl_status st = fl_area_km2(ctx, piece, &km2);
  if (st || km2 < SLIVER_KM2) { /* (D4) */
    GEOSGeom_destroy_r(ctx->geos, piece);
    return st;
  }
  GEOSGeometry *geom = NULL;
  if ((st = fl__to_layer_crs(ctx, piece, j->control->srid, &geom))) return st;
  fl_feature *f = fl_layer_append(ctx, j->out, (int64_t)j->out->n_features + 1, geom);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  const fl__group *ga = &j->gr.g[a], *gb = &j->gr.g[b];
  int ok;
  long days = fl__days_between(ga->date, gb->date, &ok);
  st = fl_feature_set_text(j->out, f, j->f_src_a, ga->source);
  if (!st) st = fl_feature_set_text(j->out, f, j->f_side_a, sa);
  if (!st) st = fl__set_date(j->out, f, j->f_date_a, ga->date);
  if (!st) st = fl_feature_set_text(j->out, f, j->f_src_b, gb->source);
  if (!st) st = fl_feature_set_text(j->out, f, j->f_side_b, sb);
  if (!st) st = fl__set_date(j->out, f, j->f_date_b, gb->date);
  if (!st && ok) st = fl_feature_set_int(j->out, f, j->f_days, days);
  if (!st) st = fl_feature_set_real(j->out, f, j->f_km2, km2);
  return st ? fl__fail(ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

/* (D2) (D3) every side of a against every other side of b. */
static fl_status compare(dis_job *j, size_t a, size_t b) {
  fl_ctx *ctx = j->ctx;
  const fl__control_group *ca = &j->cg[a], *cb = &j->cg[b];
  for (size_t p = 0; p <= ca->n_sides; p++) {
    const char *sa, *sb;
    const GEOSGeometry *ga = side_area(ca, p, &sa);
    if (!ga || GEOSisEmpty_r(ctx->geos, ga) == 1) continue;
    for (size_t q = 0; q <= cb->n_sides; q++) {
      const GEOSGeometry *gb = side_area(cb, q, &sb);
      if (!gb || !strcmp(sa, sb) || GEOSisEmpty_r(ctx->geos, gb) == 1) continue;
      GEOSGeometry *x;
      FL__GEOS_CALL(ctx, x, GEOSIntersection_r(ctx->geos, ga, gb));
      if (!x) return fl__fail_geos(ctx, "disagreement: intersection");
      GEOSGeometry *poly = fl__polygonal_part(ctx->geos, x);
      GEOSGeom_destroy_r(ctx->geos, x);
      if (!poly) return fl__fail_geos(ctx, "disagreement: polygons of an intersection");
      GEOSSetSRID_r(ctx->geos, poly, 4326);
      fl_status st = add_row(j, a, b, sa, sb, poly);
      if (st) return st;
    }
  }
  return FL_OK;
}

static fl_status make_layer(dis_job *j) {
  fl_layer *l = fl_layer_new("disagreement", j->control->srid, "MULTIPOLYGON");
  if (!l) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  j->out = l;
  j->f_src_a = fl_layer_add_field(l, "source_a", FL_FIELD_TEXT);
  j->f_side_a = fl_layer_add_field(l, "side_a", FL_FIELD_TEXT);
  fl_field_type dt = fl__date_type(&j->gr);
  j->f_date_a = fl_layer_add_field(l, "date_a", dt);
  j->f_src_b = fl_layer_add_field(l, "source_b", FL_FIELD_TEXT);
  j->f_side_b = fl_layer_add_field(l, "side_b", FL_FIELD_TEXT);
  j->f_date_b = fl_layer_add_field(l, "date_b", dt);
  j->f_days = fl_layer_add_field(l, "days_apart", FL_FIELD_INTEGER);
  j->f_km2 = fl_layer_add_field(l, "area_km2", FL_FIELD_REAL);
  return j->f_km2 < 0 ? fl__fail(j->ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

/* (D1) the snapshot g, read with its source's options. */
static fl_status build_group(dis_job *j, const fl__prepped *cp, size_t g) {
  int s = fl__sources_find(&j->src, j->gr.g[g].source);
  const fl_options *o = s >= 0 ? &j->src.s[s].o : NULL;
  if (!o) return fl__fail(j->ctx, FL_E_ARG, "disagreement: source '%s' vanished",
                          j->gr.g[g].source);
  fl_status st = fl__control_group_build(j->ctx, cp, &j->gr, (int)g, o, &j->cg[g]);
  if (!st) j->built[g] = 1;
  return st;
}

static fl_status run(dis_job *j, const fl__prepped *cp, const fl_options *opts) {
  fl_status st = fl__sources_build(j->ctx, j->control, opts, &j->src);
  if (!st) st = fl__groups_build(j->ctx, j->control, opts, &j->gr);
  if (st) return st;
  if (j->src.n < 2)
    fl__warn(j->ctx, "disagreement: control layer '%s' holds one source only, so there is "
             "nothing to compare; give a layer with several values of @{source_field}",
             j->control->name ? j->control->name : "?");
  j->cg = calloc(j->gr.n ? j->gr.n : 1, sizeof *j->cg);
  j->built = calloc(j->gr.n ? j->gr.n : 1, sizeof *j->built);
  if (!j->cg || !j->built) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  if ((st = make_layer(j))) return st;
  int tol = opts->date_tolerance_days;
  size_t n_pairs = 0;
  for (size_t a = 0; a < j->gr.n; a++) {
    for (size_t b = 0; b < j->gr.n; b++) {
      if (strcmp(j->gr.g[a].source, j->gr.g[b].source) >= 0) continue; /* (D5) */
      if (!fl__snapshots_paired(&j->gr, a, b, tol)) continue;
      n_pairs++;
      if (!j->built[a] && (st = build_group(j, cp, a))) return st;
      if (!j->built[b] && (st = build_group(j, cp, b))) return st;
      if ((st = compare(j, a, b))) return st;
    }
    if ((st = fl__progress(j->ctx, (double)(a + 1) / (double)j->gr.n))) return st;
  }
  if (j->src.n >= 2 && !n_pairs)
    fl__warn(j->ctx, "disagreement: no snapshots of two sources of control layer '%s' lie "
             "within %d day%s of each other, so nothing was compared; raise "
             "@{date_tolerance_days}", j->control->name ? j->control->name : "?", tol,
             tol == 1 ? "" : "s");
  return FL_OK;
}

fl_status fl_disagreement(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                          fl_layer **out) {
  *out = NULL;
  fl_status tol_st = fl__check_date_tolerance(ctx, opts);
  if (tol_st) return tol_st;
  fl__prepped cp;
  memset(&cp, 0, sizeof cp);
  dis_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.control = control;
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &cp);
  if (!st) st = run(&j, &cp, opts);
  for (size_t g = 0; j.built && g < j.gr.n; g++)
    if (j.built[g]) fl__control_group_free(ctx, &j.cg[g]);
  free(j.cg);
  free(j.built);
  if (j.gr.of_feature) fl__groups_free(&j.gr);
  fl__sources_free(&j.src);
  fl__prep_free(ctx, &cp);
  if (st) {
    fl_layer_destroy(ctx, j.out);
    return st;
  }
  *out = j.out;
  return FL_OK;
}
