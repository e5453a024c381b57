/*
 * point_select.c - candidate observers: the points of a layer that lie on a
 * side's ground and within a band from the front (fl_points_select()), for
 * `high-ground` and `viewshed`.
 *
 * Rules, cited as (P1)..(P3):
 *   (P1) with opts->held_by, a point is kept when it lies on that side's
 *        ground (boundary included) in the one claim (source, date) of the
 *        control layer left after opts->source_filter / date_filter, with
 *        the side map, holes and islands, and other side applied as
 *        everywhere (control.c); several claims are refused, never mixed;
 *   (P2) with a front, a point is kept when its geodesic distance to the
 *        nearest front line (all features left after the filters) lies in
 *        [min_m, max_m] (max_m 0: no upper limit); the distance is written
 *        as dist_to_front_m;
 *   (P3) the output keeps the kept features whole (fields, fid, geometry,
 *        CRS), in their order.
 * Not here: finding peaks (core/raster/high_ground.c).
 */
#include <math.h>

#include "fl_prep.h"

/* (P1): the side's ground in the control layer's single claim, lon/lat. */
static fl_status held_ground(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                             GEOSGeometry **out) {
  *out = NULL;
  fl__prepped cp;
  fl__groups gr;
  memset(&gr, 0, sizeof gr);
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &cp);
  if (st) return st;
  st = fl__groups_build(ctx, control, opts, &gr);
  if (!st && gr.n != 1)
    st = fl__fail(ctx, FL_E_ARG, "control layer '%s' holds %zu claims (source, date); pick one "
                  "with @{source} and @{date}", control->name ? control->name : "?", gr.n);
  if (!st) {
    fl__control_group cg;
    st = fl__control_group_build(ctx, &cp, &gr, 0, opts, &cg);
    if (!st) {
      int s = fl__control_side(&cg, opts->held_by);
      if (s < 0)
        st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no ground held by '%s'; check "
                      "@{held_by}", control->name ? control->name : "?", opts->held_by);
      else if (!(*out = GEOSGeom_clone_r(ctx->geos, cg.area[s])))
        st = fl__fail_geos(ctx, "copying a side's ground");
      fl__control_group_free(ctx, &cg);
    }
  }
  if (gr.of_feature) fl__groups_free(&gr);
  fl__prep_free(ctx, &cp);
  return st;
}

/* (P2): an index over the front's lines left after the filters. */
static fl_status front_index(fl_ctx *ctx, const fl_layer *front, const fl_options *opts,
                             fl__prepped *fp, fl_dist_index **out) {
  fl__groups gr;
  memset(&gr, 0, sizeof gr);
  fl_status st = fl__prep_layer(ctx, front, "front", FL__WANT_LINE, fp);
  if (!st) st = fl__groups_build(ctx, front, opts, &gr);
  const GEOSGeometry **items = st ? NULL : calloc(fp->n + 1, sizeof *items);
  size_t n = 0;
  if (!st && !items) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < fp->n; i++)
    if (fp->lonlat[i] && gr.of_feature[i] >= 0) items[n++] = fp->lonlat[i];
  if (!st && n == 0)
    st = fl__fail(ctx, FL_E_ARG, "front layer '%s' has no line left after @{source} and @{date}",
                  front->name ? front->name : "?");
  if (!st) st = fl_dist_index_create(ctx, items, n, out);
  free(items);
  if (gr.of_feature) fl__groups_free(&gr);
  return st;
}

typedef struct select_job {
  const fl__prepped *pts;
  const GEOSPreparedGeometry *ground;
  const fl_dist_index *idx;
  double min_m, max_m;
  unsigned char *keep;
  double *dist;
} select_job;

static fl_status one_point(fl_ctx *ctx, select_job *j, size_t i) {
  const GEOSGeometry *g = j->pts->lonlat[i];
  if (!g) return FL_OK;
  if (j->ground) { /* (P1) */
    char in = GEOSPreparedIntersects_r(ctx->geos, j->ground, g);
    if (in == 2) return fl__fail_geos(ctx, "testing a point against a side's ground");
    if (!in) return FL_OK;
  }
  if (j->idx) { /* (P2) */
    double best = INFINITY;
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int k = 0; k < n; k++) {
      double lon, lat;
      const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, k);
      if (GEOSGeomGetX_r(ctx->geos, p, &lon) != 1 || GEOSGeomGetY_r(ctx->geos, p, &lat) != 1)
        continue;
      fl_nearest nr;
      fl_status st = fl_dist_index_nearest_xy(ctx, j->idx, lon, lat, NULL, NULL, &nr);
      if (st) return st;
      if (nr.dist_m < best) best = nr.dist_m;
    }
    if (!(best >= j->min_m && (j->max_m <= 0 || best <= j->max_m))) return FL_OK;
    j->dist[i] = best;
  }
  j->keep[i] = 1;
  return FL_OK;
}

/* (P3): the kept features, with dist_to_front_m when measured. */
static fl_status build(fl_ctx *ctx, const fl_layer *points, const select_job *j,
                       fl_layer **out) {
  fl_layer *res = fl_layer_new(points->name ? points->name : "points", points->srid,
                               points->geom_type);
  int *map = malloc((points->n_fields + 1) * sizeof *map);
  static const char *const reserved[] = {"dist_to_front_m", NULL};
  fl_status st = res && map ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) st = fl__copy_fields(ctx, "observers", res, points, reserved, map);
  int fd = !st && j->idx ? fl_layer_add_field(res, "dist_to_front_m", FL_FIELD_REAL) : -1;
  for (size_t i = 0; !st && i < points->n_features; i++) {
    if (!j->keep[i]) continue;
    const fl_feature *sf = &points->features[i];
    GEOSGeometry *g = sf->geom ? GEOSGeom_clone_r(ctx->geos, sf->geom) : NULL;
    fl_feature *f = fl_layer_append(ctx, res, sf->fid, g);
    if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
    st = fl__copy_values(res, f, points, sf, map);
    if (fd >= 0) fl_feature_set_real(res, f, fd, j->dist[i]);
  }
  free(map);
  if (st) { fl_layer_destroy(ctx, res); return st; }
  *out = res;
  return FL_OK;
}

/* The arguments: all given, a band within 0 to 10,000 km and in order, a
 * control layer for held_by and a front for a band. */
static fl_status check_args(fl_ctx *ctx, const fl_layer *points, const fl_layer *control,
                            const fl_layer *front, const fl_options *opts, double min_m,
                            double max_m, fl_layer **out) {
  if (!points || !opts || !out) return fl__fail(ctx, FL_E_ARG, "fl_points_select: NULL argument");
  if (!(min_m >= 0 && min_m < 1e7) || !(max_m >= 0 && max_m < 1e7))
    return fl__fail(ctx, FL_E_ARG, "the band from the front must lie between 0 and 10,000 km, "
                    "got %g to %g m", min_m, max_m);
  if (max_m > 0 && max_m < min_m)
    return fl__fail(ctx, FL_E_ARG, "@{max_distance_m} (%g m) is below @{min_distance_m} (%g m)",
                    max_m, min_m);
  if (opts->held_by && !control)
    return fl__fail(ctx, FL_E_ARG, "@{held_by} '%s' needs a control layer (@{control})",
                    opts->held_by);
  if ((min_m > 0 || max_m > 0) && !front)
    return fl__fail(ctx, FL_E_ARG, "a band from the front (@{min_distance_m}, "
                    "@{max_distance_m}) needs the front (@{front})");
  return FL_OK;
}

fl_status fl_points_select(fl_ctx *ctx, const fl_layer *points, const fl_layer *control,
                           const fl_layer *front, const fl_options *opts, double min_m,
                           double max_m, fl_layer **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  fl_status st = check_args(ctx, points, control, front, opts, min_m, max_m, out);
  if (st) return st;
  fl__prepped pp, fp;
  memset(&pp, 0, sizeof pp);
  memset(&fp, 0, sizeof fp);
  GEOSGeometry *ground = NULL;
  const GEOSPreparedGeometry *prep = NULL;
  fl_dist_index *idx = NULL;
  select_job j = {.min_m = min_m, .max_m = max_m};
  st = fl__prep_layer(ctx, points, "observers", FL__WANT_POINT, &pp);
  if (!st && opts->held_by) st = held_ground(ctx, control, opts, &ground);
  if (!st && ground && !(prep = GEOSPrepare_r(ctx->geos, ground)))
    st = fl__fail_geos(ctx, "preparing a side's ground");
  if (!st && front) st = front_index(ctx, front, opts, &fp, &idx);
  if (!st) {
    j.pts = &pp;
    j.ground = prep;
    j.idx = idx;
    j.keep = calloc(pp.n + 1, 1);
    j.dist = calloc(pp.n + 1, sizeof *j.dist);
    if (!j.keep || !j.dist) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  for (size_t i = 0; !st && i < pp.n; i++) st = one_point(ctx, &j, i);
  if (!st) st = build(ctx, points, &j, out);
  free(j.keep);
  free(j.dist);
  fl_dist_index_destroy(ctx, idx);
  if (prep) GEOSPreparedGeom_destroy_r(ctx->geos, prep);
  if (ground) GEOSGeom_destroy_r(ctx->geos, ground);
  fl__prep_free(ctx, &fp);
  fl__prep_free(ctx, &pp);
  return st;
}
