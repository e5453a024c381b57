/*
 * other_side.c - one-sided sources. DeepStateMap publishes only the occupied
 * ground; the rest of the area it covers is the other side's. With
 * fl_options.other_side, rules (O1)..(O3):
 *   (O1) the area of interest (fl_options.aoi, dissolved) is the ground the
 *        sources cover; every side's ground is clipped to it;
 *   (O2) the named other side holds what lies inside it and outside every
 *        side's and the contested ground;
 *   (O3) without an area of interest, the bounding box of the group's ground
 *        stands for it, with a warning: only boundary running along a
 *        straight clip line of the data is then taken as its edge.
 * The edge kept in the group (fl__control_group.edge) lets frontline.c trace
 * the front up to the edge and never along it.
 */
#include "fl_crs.h"
#include "fl_prep.h"

/* The dissolved area of interest (lon/lat), or NULL on failure. */
static GEOSGeometry *aoi_ground(fl_ctx *ctx, const fl_layer *aoi) {
  fl__prepped p;
  if (fl__prep_layer(ctx, aoi, "aoi", FL__WANT_POLYGON, &p)) return NULL;
  GEOSGeometry *u = fl__union_where(ctx, p.lonlat, p.n, NULL, NULL);
  fl__prep_free(ctx, &p);
  if (u && GEOSisEmpty_r(ctx->geos, u) == 1) {
    GEOSGeom_destroy_r(ctx->geos, u);
    fl__fail(ctx, FL_E_GEOM, "@{aoi} layer '%s' has no polygon", aoi->name ? aoi->name : "?");
    return NULL;
  }
  return u;
}

/* Union of every side's and the contested ground; NULL on failure. */
static GEOSGeometry *all_ground(fl_ctx *ctx, const fl__control_group *cg) {
  GEOSGeometry *parts[64];
  size_t n = 0;
  for (size_t s = 0; s < cg->n_sides && n < 63; s++) parts[n++] = cg->area[s];
  if (cg->contested) parts[n++] = cg->contested;
  return fl__union_where(ctx, parts, n, NULL, NULL);
}

/* The bounding box of the group's ground (O3). */
static GEOSGeometry *data_box(fl_ctx *ctx, const fl__control_group *cg) {
  GEOSGeometry *all = all_ground(ctx, cg);
  if (!all) return NULL;
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, all, &minx, &miny, &maxx, &maxy);
  GEOSGeom_destroy_r(ctx->geos, all);
  if (st) return NULL;
  GEOSGeometry *box = GEOSGeom_createRectangle_r(ctx->geos, minx, miny, maxx, maxy);
  if (!box) fl__fail_geos(ctx, "building the data extent");
  else GEOSSetSRID_r(ctx->geos, box, 4326);
  return box;
}

static fl_status clip_all(fl_ctx *ctx, fl__control_group *cg, const GEOSGeometry *aoi) {
  GEOSContextHandle_t h = ctx->geos;
  for (size_t s = 0; s <= cg->n_sides; s++) {
    GEOSGeometry **g = s < cg->n_sides ? &cg->area[s] : &cg->contested;
    if (!*g) continue;
    GEOSGeometry *in = GEOSIntersection_r(h, *g, aoi);
    GEOSGeometry *poly = in ? fl__polygonal_part(h, in) : NULL;
    if (in) GEOSGeom_destroy_r(h, in);
    if (!poly) return fl__fail_geos(ctx, "clipping control ground to the area of interest");
    GEOSSetSRID_r(h, poly, 4326);
    GEOSGeom_destroy_r(h, *g);
    *g = poly;
  }
  return FL_OK;
}

/* Put ground under side `name`: a new side (kept sorted) or added to it. */
static fl_status give(fl_ctx *ctx, fl__control_group *cg, const char *name, GEOSGeometry *ground) {
  GEOSContextHandle_t h = ctx->geos;
  int k = fl__control_side(cg, name);
  if (k >= 0) {
    GEOSGeometry *u = GEOSUnion_r(h, cg->area[k], ground);
    GEOSGeom_destroy_r(h, ground);
    if (!u) return fl__fail_geos(ctx, "adding the other side's ground");
    GEOSSetSRID_r(h, u, 4326);
    GEOSGeom_destroy_r(h, cg->area[k]);
    cg->area[k] = u;
    return FL_OK;
  }
  char **side = realloc(cg->side, (cg->n_sides + 1) * sizeof *side);
  if (side) cg->side = side;
  GEOSGeometry **area = side ? realloc(cg->area, (cg->n_sides + 1) * sizeof *area) : NULL;
  if (area) cg->area = area;
  char *copy = area ? fl__strdup(name) : NULL;
  if (!copy) { GEOSGeom_destroy_r(h, ground); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
  size_t at = 0;
  while (at < cg->n_sides && strcmp(cg->side[at], name) < 0) at++;
  memmove(cg->side + at + 1, cg->side + at, (cg->n_sides - at) * sizeof *cg->side);
  memmove(cg->area + at + 1, cg->area + at, (cg->n_sides - at) * sizeof *cg->area);
  cg->side[at] = copy;
  cg->area[at] = ground;
  cg->n_sides++;
  return FL_OK;
}

fl_status fl__other_side_apply(fl_ctx *ctx, const fl_options *opts, const char *layer_name,
                               const char *group, fl__control_group *cg) {
  if (!opts->other_side || !opts->other_side[0]) {
    if (opts->aoi)
      return fl__fail(ctx, FL_E_ARG, "@{aoi} is given without @{other_side}; name the side that "
                      "holds the rest of the area of interest");
    return FL_OK;
  }
  if (strcmp(opts->other_side, FL__CONTESTED) == 0)
    return fl__fail(ctx, FL_E_ARG, "@{other_side} must name a side, not '%s'", FL__CONTESTED);
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *aoi = opts->aoi ? aoi_ground(ctx, opts->aoi) : data_box(ctx, cg); /* (O1) (O3) */
  if (!aoi) return ctx->status;
  if (!opts->aoi)
    fl__warn(ctx, "no @{aoi} given: the ground of control layer '%s' is taken to end at its "
             "bounding box, and %s to hold the rest of that box", layer_name ? layer_name : "?",
             opts->other_side);
  fl_status st = opts->aoi ? clip_all(ctx, cg, aoi) : FL_OK;
  GEOSGeometry *taken = st ? NULL : all_ground(ctx, cg);
  GEOSGeometry *rest = taken ? GEOSDifference_r(h, aoi, taken) : NULL; /* (O2) */
  GEOSGeometry *poly = rest ? fl__polygonal_part(h, rest) : NULL;
  if (taken) GEOSGeom_destroy_r(h, taken);
  if (rest) GEOSGeom_destroy_r(h, rest);
  if (!st && !poly) st = fl__fail_geos(ctx, "taking the other side's ground");
  if (!st) {
    char where[512];
    snprintf(where, sizeof where, "control layer '%s'%s, %s ground (the rest of the area of "
             "interest)", layer_name ? layer_name : "?", group, opts->other_side);
    GEOSSetSRID_r(h, poly, 4326);
    st = fl__drop_small_parts(ctx, &poly, opts->min_area_km2, where);
  }
  if (!st) {
    st = give(ctx, cg, opts->other_side, poly);
  } else if (poly) {
    GEOSGeom_destroy_r(h, poly);
  }
  if (st) { GEOSGeom_destroy_r(h, aoi); return st; }
  cg->edge = aoi;
  return FL_OK;
}
