/*
 * route_in_view.c - route exposure on the ground in view (fl_options.in_view):
 * "which km of the route are within range and in view of the heights".
 * Rules, cited as (R7)..(R8):
 *   (R7) the ground in view is the union of the in_view polygons (any CRS,
 *        read in lon/lat; a viewshed's cells, fl_viewshed_polygons()); a
 *        route's parts inside it are measured as (R1)-(R4) measure a whole
 *        route, giving in_view_km, view_km_<inner>_<outer> and
 *        view_exposed_km; the route's own row (length_km, km_..., exposed_km,
 *        min_dist_to_front_m) is unchanged;
 *   (R8) the geometry of a row is then the parts both in view and within the
 *        outermost band; a route with no part in view has a row with 0 km in
 *        view and no geometry.
 * The polygons come from anywhere: core does not read rasters (core/raster/
 * makes the viewshed; mod_frontline stays free of GDAL).
 */
#include "fl_prep.h"

static int keep_all(size_t i, void *user) {
  (void)i;
  (void)user;
  return 1;
}

fl_status fl__in_view_ground(fl_ctx *ctx, const fl_layer *in_view, GEOSGeometry **out) {
  *out = NULL;
  if (!in_view) return FL_OK;
  fl__prepped vp;
  fl_status st = fl__prep_layer(ctx, in_view, "in_view", FL__WANT_POLYGON, &vp);
  if (st) return st;
  GEOSGeometry *g = fl__union_where(ctx, vp.lonlat, vp.n, keep_all, NULL); /* (R7) */
  fl__prep_free(ctx, &vp);
  if (!g) return ctx->status ? ctx->status : fl__fail_geos(ctx, "joining the ground in view");
  GEOSSetSRID_r(ctx->geos, g, 4326);
  *out = g;
  return FL_OK;
}
