/*
 * change_advance.c - the advance layer of `change`: how far the front moved
 * into each polygon that changed side.
 *
 * Rules:
 *   (CA1) one row per polygon of each changed part (area_change split into
 *         its polygons): source, dates, sides, sector, area_km2 and depth_m,
 *         the largest geodesic distance from the earlier date's front
 *         (change_held.c) to the polygon (fl_depth_m, P1-P3: within max(1 m,
 *         0.1 %)); NULL when that date has no front.
 *   (CA2) the largest depth per side gained and sector feeds change_summary
 *         (C9).
 *   (CA3) when the search cannot settle within its bound (depth.c, P3), the
 *         polygon's depth is NULL with a warning, and so is the largest depth
 *         of its side and sector: never a figure it cannot vouch for.
 * Not here: the front (change_held.c), the search (depth.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"
#include "fl_geodesy.h"

fl_layer *fl__advance_layer(void) {
  fl_layer *l = fl_layer_new("advance", 0, "POLYGON");
  if (!l) return NULL;
  static const char *const text[] = {"source", "date_from", "date_to", "side_from", "side_to",
                                     "sector"};
  for (int i = 0; i < 6; i++) fl_layer_add_field(l, text[i], FL_FIELD_TEXT);
  fl_layer_add_field(l, "days", FL_FIELD_INTEGER);
  fl_layer_add_field(l, "area_km2", FL_FIELD_REAL);
  if (fl_layer_add_field(l, "depth_m", FL_FIELD_REAL) < 0) {
    fl_layer_destroy(NULL, l);
    return NULL;
  }
  return l;
}

/* The index of g's front, built once per group; *idx NULL: no front. */
static fl_status front_index(fl__change_job *j, size_t g, const fl_dist_index **idx) {
  *idx = NULL;
  if (!j->front[g]) return FL_OK;
  if (!j->idx || j->idx_g != g) {
    fl_dist_index_destroy(j->ctx, j->idx);
    j->idx = NULL;
    const GEOSGeometry *fr = j->front[g];
    fl_status st = fl_dist_index_create(j->ctx, &fr, 1, &j->idx);
    if (st) return st;
    j->idx_g = g;
  }
  *idx = j->idx;
  return FL_OK;
}

static fl_status set_text(fl_layer *l, fl_feature *f, const char *name, const char *v) {
  return fl_feature_set_text(l, f, fl_layer_field_index(l, name), v);
}

/* (CA1) one polygon; takes poly. */
static fl_status one(fl__change_job *j, size_t g0, size_t g1, const char *sa, const char *sb,
                     GEOSGeometry *poly, int k, const fl_dist_index *idx, double *depth_out) {
  fl_ctx *ctx = j->ctx;
  double km2 = 0, depth = -1;
  fl_area_km2(ctx, poly, &km2);
  fl_status st = FL_OK;
  if (km2 < FL__SLIVER_KM2) {
    GEOSGeom_destroy_r(ctx->geos, poly);
    return FL_OK;
  }
  if (idx && (st = fl__depth_m_indexed(ctx, poly, idx, &depth))) {
    if (st != FL_E_GEOM) {
      GEOSGeom_destroy_r(ctx->geos, poly);
      return st;
    }
    /* (CA3) a search that cannot vouch for its figure leaves it empty */
    fl__warn(ctx, "change: the depth of a polygon of %.3f km² gained by %s between %s and %s "
             "is left empty (%s)", km2, sb, j->gr.g[g0].date, j->gr.g[g1].date,
             fl_ctx_errmsg(ctx));
    fl_ctx_clear_error(ctx);
    depth = -2;
    st = FL_OK;
  }
  GEOSGeometry *out = NULL;
  if ((st = fl__to_layer_crs(ctx, poly, j->in->control->srid, &out))) return st;
  fl_layer *l = j->out.advance;
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, out);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  long d0 = 0, d1 = 0;
  st = set_text(l, f, "source", j->gr.g[g0].source);
  if (!st) st = set_text(l, f, "date_from", j->gr.g[g0].date);
  if (!st) st = set_text(l, f, "date_to", j->gr.g[g1].date);
  if (!st && fl__date_days(j->gr.g[g0].date, &d0) && fl__date_days(j->gr.g[g1].date, &d1))
    st = fl_feature_set_int(l, f, fl_layer_field_index(l, "days"), d1 - d0);
  if (!st) st = set_text(l, f, "side_from", sa);
  if (!st) st = set_text(l, f, "side_to", sb);
  if (!st && k >= 0) st = set_text(l, f, "sector", j->sec.name[k]);
  if (!st) st = fl_feature_set_real(l, f, fl_layer_field_index(l, "area_km2"), km2);
  if (!st && depth >= 0)
    st = fl_feature_set_real(l, f, fl_layer_field_index(l, "depth_m"), depth);
  if (st) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  *depth_out = depth;
  return FL_OK;
}

fl_status fl__advance_rows(fl__change_job *j, size_t g0, size_t g1, const char *sa,
                           const char *sb, const GEOSGeometry *part, int k, fl__change_sums *s) {
  fl_ctx *ctx = j->ctx;
  const fl_dist_index *idx = NULL;
  fl_status st = front_index(j, g0, &idx);
  int n = GEOSGetNumGeometries_r(ctx->geos, part);
  size_t q = fl__sums_side(s, sb);
  for (int i = 0; !st && i < n; i++) {
    GEOSGeometry *poly = GEOSGeom_clone_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, part, i));
    if (!poly) return fl__fail_geos(ctx, "advance: copying a polygon");
    GEOSSetSRID_r(ctx->geos, poly, 4326);
    double depth = -1;
    st = one(j, g0, g1, sa, sb, poly, k, idx, &depth);
    if (st || depth == -1) continue;
    double *whole = &s->max_depth_m[q * s->n_cols]; /* (CA2); -2 stays: (CA3) */
    if (depth == -2 || (*whole != -2 && depth > *whole)) *whole = depth;
    if (k >= 0 && (depth == -2 || (whole[k + 1] != -2 && depth > whole[k + 1])))
      whole[k + 1] = depth;
  }
  return st;
}
