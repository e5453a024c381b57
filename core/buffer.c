/*
 * buffer.c - buffers and bands in metres on the ellipsoid.
 *
 * Rules, cited below as (U1)..(U3):
 *   (U1) every boundary point of a buffer is dist_m from the input, to
 *        within max(1 m, 0.1 %), anywhere in an area 1,500 km across;
 *   (U2) the buffer is computed in azimuthal equidistant frames whose
 *        working area stays within TILE_RADIUS_M of their centre, where the
 *        frame stretch k - 1 is below 0.03 %: one frame for a small area,
 *        else a grid of lon/lat tiles, each buffered in its own frame from
 *        the input within reach of it and clipped back to the tile, the
 *        pieces then dissolved (pieces meet exactly on the tile edges);
 *   (U3) arcs use QUAD_SEGS segments per quarter circle, so a chord strays
 *        at most 1 - cos(pi / (4 * QUAD_SEGS)) = 0.03 % inside the circle;
 *   (U5) lines are simplified in the frame (Douglas-Peucker) by
 *        SIMPLIFY_REL of the distance before buffering: every point of the
 *        simplified line is within that of the line and back, so the
 *        buffer's edge moves by at most 0.02 %; with (U2) and (U3) that stays
 *        inside 0.1 %. A 100,000-vertex front buffered by 40 km keeps a few
 *        thousand vertices, and GEOS's noding no longer dominates;
 *   (U4) no non-finite coordinate reaches GEOS's buffer: GEOS 3.11.1's
 *        GEOSClipByRect can return NaN where a line runs along the tile's
 *        edge (such a tile is cut again with GEOSIntersection), and its
 *        buffer dereferences NULL on a line with no finite vertex (fuzz
 *        finding tests/fuzz/regressions/gpkg_3857_world_line_buffer_clip_nan.bin).
 * Not here: frames (crs.c), bands of a whole front layer (bands.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_internal.h"
#include "fl_crs.h"
#include "fl_geodesy.h"

#define QUAD_SEGS 32
#define TILE_RADIUS_M 300000.0
#define DENSIFY_M 5000.0
#define SIMPLIFY_REL 2e-4
#define M_PER_DEG_LAT 110574.0

/* Degrees of latitude and longitude that surely cover dist_m around lat. */
static void reach_degrees(double dist_m, double max_abs_lat, double *dlon, double *dlat) {
  *dlat = dist_m / M_PER_DEG_LAT * 1.02 + 1e-6;
  double c = cos(fmin(89.0, max_abs_lat + *dlat) * M_PI / 180.0);
  *dlon = dist_m / (111320.0 * c) * 1.02 + 1e-6;
}

static int seq_has_nonfinite(const GEOSCoordSequence *s, int is_ring, int ring_index,
                             void *user) {
  (void)is_ring;
  (void)ring_index;
  GEOSContextHandle_t h = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, s, &n);
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    if (!GEOSCoordSeq_getXY_r(h, s, i, &x, &y) || !isfinite(x) || !isfinite(y)) return 1;
  }
  return 0;
}

/* (U4) Every vertex of every line and ring is finite (points carry no edges). */
static int all_finite(GEOSContextHandle_t h, const GEOSGeometry *g) {
  return !fl__each_seq(h, g, seq_has_nonfinite, h);
}

static GEOSGeometry *buffer_in_frame(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *lonlat,
                                     double dist_m, fl_side side) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *xy = fl__frame_project(ctx, f, lonlat);
  if (!xy) return NULL;
  if (!all_finite(h, xy)) { /* (U4) */
    GEOSGeom_destroy_r(h, xy);
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "a vertex is not a finite number");
    return NULL;
  }
  if (GEOSGeom_getDimensions_r(h, xy) == 1 && dist_m > 0) { /* (U5) */
    GEOSGeometry *simple = GEOSSimplify_r(h, xy, SIMPLIFY_REL * dist_m);
    if (!simple) { GEOSGeom_destroy_r(h, xy); return NULL; }
    GEOSGeom_destroy_r(h, xy);
    xy = simple;
  }
  GEOSBufferParams *p = GEOSBufferParams_create_r(h);
  if (!p) { GEOSGeom_destroy_r(h, xy); return NULL; }
  GEOSBufferParams_setQuadrantSegments_r(h, p, QUAD_SEGS); /* (U3) */
  GEOSBufferParams_setJoinStyle_r(h, p, GEOSBUF_JOIN_ROUND);
  int dim = GEOSGeom_getDimensions_r(h, xy);
  double d = dist_m;
  if (side != FL_SIDE_BOTH && dim == 1) {
    GEOSBufferParams_setSingleSided_r(h, p, 1);
    GEOSBufferParams_setEndCapStyle_r(h, p, GEOSBUF_CAP_FLAT);
    if (side == FL_SIDE_RIGHT) d = -dist_m; /* GEOS: positive = left */
  } else {
    GEOSBufferParams_setEndCapStyle_r(h, p, GEOSBUF_CAP_ROUND);
  }
  GEOSGeometry *b;
  FL__GEOS_CALL(ctx, b, GEOSBufferWithParams_r(h, xy, p, d)); /* stoppable (interrupt.c) */
  GEOSBufferParams_destroy_r(h, p);
  GEOSGeom_destroy_r(h, xy);
  if (!b) return NULL;
  GEOSGeometry *ll = fl__frame_unproject(ctx, f, b);
  GEOSGeom_destroy_r(h, b);
  return ll;
}

static GEOSGeometry *rect(GEOSContextHandle_t h, double x0, double y0, double x1, double y1) {
  return GEOSGeom_createRectangle_r(h, x0, y0, x1, y1);
}

fl_status fl__buffer_plan_init(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m,
                               fl_side side, fl__buffer_plan *plan) {
  GEOSContextHandle_t h = ctx->geos;
  memset(plan, 0, sizeof *plan);
  if (!isfinite(dist_m) || dist_m < 0)
    return fl__fail(ctx, FL_E_ARG, "buffer distance must be a finite number >= 0 metres, got %g",
                    dist_m);
  if (dist_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "buffer distance %g m exceeds the largest distance, "
                    "1,000,000 m (1,000 km)", dist_m);
  if (!lonlat || GEOSisEmpty_r(h, lonlat) == 1)
    return fl__fail(ctx, FL_E_GEOM, "cannot buffer an empty geometry");
  int n_vertices = GEOSGetNumCoordinates_r(h, lonlat);
  if (n_vertices > FL_MAX_BUFFER_VERTICES)
    return fl__fail(ctx, FL_E_GEOM, "the geometry to buffer has %d vertices, more than the "
                    "largest vertex count, 250,000; simplify it first", n_vertices);
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, lonlat, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  plan->dense = fl__densify_geodesic(ctx, lonlat, DENSIFY_M);
  if (!plan->dense) return ctx->status;
  plan->dist_m = dist_m;
  plan->side = side;

  double dlon, dlat;
  reach_degrees(dist_m, fmax(fabs(miny), fabs(maxy)), &dlon, &dlat);
  double ex0 = minx - dlon, ey0 = fmax(-89.9, miny - dlat);
  double ex1 = maxx + dlon, ey1 = fmin(89.9, maxy + dlat);
  double cx = 0.5 * (ex0 + ex1), cy = 0.5 * (ey0 + ey1);
  double rho = fmax(fl__geod_dist(&ctx->geod, cx, cy, ex0, ey0),
                    fl__geod_dist(&ctx->geod, cx, cy, ex1, ey1));
  rho = fmax(rho, fmax(fl__geod_dist(&ctx->geod, cx, cy, ex0, ey1),
                       fl__geod_dist(&ctx->geod, cx, cy, ex1, ey0)));
  plan->ex0 = ex0; plan->ey0 = ey0; plan->ex1 = ex1; plan->ey1 = ey1;
  plan->cx = cx; plan->cy = cy;
  if (rho <= TILE_RADIUS_M) { /* (U2) one frame is enough */
    plan->nx = plan->ny = 1;
    plan->tiled = 0;
  } else { /* (U2) tiles */
    double tile_lat = 2.0 * (TILE_RADIUS_M - dist_m > 60000 ? TILE_RADIUS_M - dist_m : 60000) /
                      M_PER_DEG_LAT / 1.5;
    double tile_lon = tile_lat / cos(fmin(85.0, fmax(fabs(ey0), fabs(ey1))) * M_PI / 180.0);
    int nx = (int)ceil((ex1 - ex0) / tile_lon), ny = (int)ceil((ey1 - ey0) / tile_lat);
    if (nx < 1) nx = 1;
    if (ny < 1) ny = 1;
    plan->nx = nx;
    plan->ny = ny;
    plan->tile_lon = (ex1 - ex0) / nx;
    plan->tile_lat = (ey1 - ey0) / ny;
    plan->tiled = 1;
  }
  plan->n_parts = (size_t)plan->nx * (size_t)plan->ny;
  return FL_OK;
}

fl_status fl__buffer_part(fl_ctx *ctx, const fl__buffer_plan *plan, size_t k,
                          GEOSGeometry **piece) {
  GEOSContextHandle_t h = ctx->geos;
  *piece = NULL;
  if (!plan->tiled) {
    fl__frame f;
    fl__frame_init(&f, &ctx->geod, plan->cx, plan->cy);
    *piece = buffer_in_frame(ctx, &f, plan->dense, plan->dist_m, plan->side);
    return *piece ? FL_OK : fl__fail_geos(ctx, "buffering");
  }
  int i = (int)(k % (size_t)plan->nx), j = (int)(k / (size_t)plan->nx);
  double x0 = plan->ex0 + i * plan->tile_lon, y0 = plan->ey0 + j * plan->tile_lat;
  double x1 = i == plan->nx - 1 ? plan->ex1 : x0 + plan->tile_lon;
  double y1 = j == plan->ny - 1 ? plan->ey1 : y0 + plan->tile_lat;
  double rl, rt;
  reach_degrees(plan->dist_m, fmax(fabs(y0), fabs(y1)), &rl, &rt);
  GEOSGeometry *near = GEOSClipByRect_r(h, plan->dense, x0 - rl, y0 - rt, x1 + rl, y1 + rt);
  if (near && !all_finite(h, near)) { /* (U4) */
    GEOSGeom_destroy_r(h, near);
    GEOSGeometry *box = rect(h, x0 - rl, y0 - rt, x1 + rl, y1 + rt);
    near = box ? GEOSIntersection_r(h, plan->dense, box) : NULL;
    GEOSGeom_destroy_r(h, box);
  }
  if (!near) return fl__fail_geos(ctx, "buffering");
  if (GEOSisEmpty_r(h, near) == 1) { GEOSGeom_destroy_r(h, near); return FL_OK; }
  fl__frame f;
  fl__frame_init(&f, &ctx->geod, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
  GEOSGeometry *b = buffer_in_frame(ctx, &f, near, plan->dist_m, plan->side);
  GEOSGeom_destroy_r(h, near);
  if (!b) return fl__fail_geos(ctx, "buffering");
  GEOSGeometry *tile = rect(h, x0, y0, x1, y1);
  GEOSGeometry *p = NULL;
  if (tile) FL__GEOS_CALL(ctx, p, GEOSIntersection_r(h, b, tile));
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, tile);
  if (!p) return fl__fail_geos(ctx, "buffering");
  if (GEOSisEmpty_r(h, p) == 1) GEOSGeom_destroy_r(h, p);
  else *piece = p;
  return FL_OK;
}

fl_status fl__buffer_finish(fl_ctx *ctx, const fl__buffer_plan *plan, GEOSGeometry **pieces,
                            size_t n, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  size_t m = 0;
  for (size_t k = 0; k < n; k++)
    if (pieces[k]) pieces[m++] = pieces[k];
  GEOSGeometry *result = NULL;
  if (!plan->tiled && m == 1) {
    result = pieces[0];
  } else {
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, pieces,
                                                     (unsigned int)m);
    if (coll) { /* pieces taken by the collection */
      FL__GEOS_CALL(ctx, result, GEOSUnaryUnion_r(h, coll));
      GEOSGeom_destroy_r(h, coll);
    } else {
      for (size_t k = 0; k < m; k++) GEOSGeom_destroy_r(h, pieces[k]);
    }
  }
  for (size_t k = 0; k < n; k++) pieces[k] = NULL;
  if (!result) return fl__fail_geos(ctx, "buffering");
  GEOSSetSRID_r(h, result, 4326);
  *out = result;
  return FL_OK;
}

void fl__buffer_plan_free(fl_ctx *ctx, fl__buffer_plan *plan) {
  if (plan->dense) GEOSGeom_destroy_r(ctx->geos, plan->dense);
  plan->dense = NULL;
}

fl_status fl_buffer(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m, fl_side side,
                    GEOSGeometry **out) {
  *out = NULL;
  fl__buffer_plan plan;
  fl_status st = fl__buffer_plan_init(ctx, lonlat, dist_m, side, &plan);
  if (st) return st;
  GEOSGeometry **pieces = calloc(plan.n_parts, sizeof *pieces);
  if (!pieces) {
    fl__buffer_plan_free(ctx, &plan);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory while buffering");
  }
  for (size_t k = 0; !st && k < plan.n_parts; k++) st = fl__buffer_part(ctx, &plan, k, &pieces[k]);
  if (!st) st = fl__buffer_finish(ctx, &plan, pieces, plan.n_parts, out);
  for (size_t k = 0; k < plan.n_parts; k++)
    if (pieces[k]) GEOSGeom_destroy_r(ctx->geos, pieces[k]);
  free(pieces);
  fl__buffer_plan_free(ctx, &plan);
  return st;
}

fl_status fl_band(fl_ctx *ctx, const GEOSGeometry *lonlat, double inner_m, double outer_m,
                  fl_side side, GEOSGeometry **out) {
  *out = NULL;
  if (!isfinite(inner_m) || !isfinite(outer_m) || inner_m < 0 || outer_m <= inner_m)
    return fl__fail(ctx, FL_E_ARG,
                    "band distances must satisfy 0 <= inner < outer metres, got %g and %g",
                    inner_m, outer_m);
  GEOSGeometry *outer = NULL, *inner = NULL;
  fl_status st = fl_buffer(ctx, lonlat, outer_m, side, &outer);
  if (st) return st;
  if (inner_m == 0) {
    *out = outer;
    return FL_OK;
  }
  st = fl_buffer(ctx, lonlat, inner_m, side, &inner);
  if (st) {
    GEOSGeom_destroy_r(ctx->geos, outer);
    return st;
  }
  GEOSGeometry *band = GEOSDifference_r(ctx->geos, outer, inner);
  GEOSGeom_destroy_r(ctx->geos, outer);
  GEOSGeom_destroy_r(ctx->geos, inner);
  if (!band) return fl__fail_geos(ctx, "cutting a band");
  GEOSSetSRID_r(ctx->geos, band, 4326);
  *out = band;
  return FL_OK;
}
