/*
 * holding.c - who holds a settlement, the rules alone (S1, S2, S4 of
 * docs/tools/settlement-status.md): the share of a settlement on a side's
 * ground, and the holder and status from the shares of every side. The
 * settlement-status tool and the SQL functions FL_Share / FL_ControlStatus
 * call these; the rules are written nowhere else.
 * Shares of very large settlements are measured tile by tile (H1, below).
 * Not here: grouping by source and date, the front distance and rule S3
 * (settlement_status.c), SQL argument handling (plugin/sql/fn_share_status.c).
 */
#include <math.h>

#include "fl_internal.h"

fl_status fl_holding_check_split(fl_ctx *ctx, double split_share) {
  if (split_share >= FL_SPLIT_SHARE_MIN && split_share <= FL_SPLIT_SHARE_MAX) return FL_OK;
  return fl__fail(ctx, FL_E_ARG, "@{split_share} must be at least %g and at most %g, got %g",
                  FL_SPLIT_SHARE_MIN, FL_SPLIT_SHARE_MAX, split_share);
}

/* (H1) a settlement polygon of at least this many vertices is measured tile
 * by tile, without GEOS's prepared tests: those and GEOS's overlay of two
 * 100,000-vertex polygons check for interrupts too rarely (5-7 s before a
 * stop is seen); tiles of ~TILE_VERTICES of the settlement's vertices each
 * take a fraction of a second, and the stop is checked between them. Real settlement polygons have far fewer vertices
 * (OSM towns of the Toretsk area: at most 1,033), so their shares are those
 * of one overlay. */
#define TILE_MIN_VERTICES 4096
#define TILE_VERTICES 512

/* Geodesic km² of settlement ∩ ground, one overlay (the long step: GEOS's
 * interrupt checks see ctx). */
static fl_status part_area(fl_ctx *ctx, const GEOSGeometry *settlement, const GEOSGeometry *ground,
                           double *out) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *part = NULL;
  FL__GEOS_CALL(ctx, part, GEOSIntersection_r(h, settlement, ground));
  if (!part) return fl__fail_geos(ctx, "intersecting a settlement with control ground");
  fl_status st = fl__stop_check(ctx, "intersecting a settlement with control ground");
  if (!st) st = fl_area_km2(ctx, part, out);
  GEOSGeom_destroy_r(h, part);
  return st;
}

/* The pieces of settlement and ground within one rectangle r (GEOS's
 * rectangle clipping: linear, no noding): their intersection's km² added to
 * *area, and *covered cleared unless the ground's piece covers the
 * settlement's. */
static fl_status tile_add(fl_ctx *ctx, const GEOSGeometry *settlement, const GEOSGeometry *ground,
                          const double *r, double *area, int *covered) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *s = NULL, *g = NULL;
  FL__GEOS_CALL(ctx, s, GEOSClipByRect_r(h, settlement, r[0], r[1], r[2], r[3]));
  int some = s && GEOSisEmpty_r(h, s) != 1;
  if (some) FL__GEOS_CALL(ctx, g, GEOSClipByRect_r(h, ground, r[0], r[1], r[2], r[3]));
  fl_status st = !s || (some && !g) ? fl__fail_geos(ctx, "clipping a settlement and its ground")
                                    : FL_OK;
  int both = !st && some && GEOSisEmpty_r(h, g) != 1;
  if (!st && some && !both) *covered = 0;
  if (both && *covered) {
    char c = GEOSCovers_r(h, g, s);
    if (c == 2) st = fl__fail_geos(ctx, "testing containment");
    else if (!c) *covered = 0;
  }
  double a = 0;
  if (!st && both) st = part_area(ctx, s, g, &a);
  *area += a;
  if (s) GEOSGeom_destroy_r(h, s);
  if (g) GEOSGeom_destroy_r(h, g);
  return st;
}

/* (H1) the share over k x k tiles of the settlement's envelope (neighbouring
 * tiles share their edge coordinates exactly): 1 when the ground covers the
 * settlement in every tile (S1, S2: all inside), else the summed areas. */
static fl_status tiled_share(fl_ctx *ctx, const GEOSGeometry *settlement,
                             const GEOSGeometry *ground, int nv, double area_km2, double *share) {
  GEOSContextHandle_t h = ctx->geos;
  double x0, y0, x1, y1, a = 0;
  if (!GEOSGeom_getXMin_r(h, settlement, &x0) || !GEOSGeom_getYMin_r(h, settlement, &y0) ||
      !GEOSGeom_getXMax_r(h, settlement, &x1) || !GEOSGeom_getYMax_r(h, settlement, &y1))
    return fl__fail_geos(ctx, "computing a settlement's extent");
  int k = (int)ceil(sqrt((double)nv / TILE_VERTICES)), covered = 1;
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      double r[4] = {i ? x0 + (x1 - x0) * i / k : x0, j ? y0 + (y1 - y0) * j / k : y0,
                     i + 1 < k ? x0 + (x1 - x0) * (i + 1) / k : x1,
                     j + 1 < k ? y0 + (y1 - y0) * (j + 1) / k : y1};
      fl_status st = tile_add(ctx, settlement, ground, r, &a, &covered);
      if (!st) st = fl__stop_check(ctx, "intersecting a settlement with control ground");
      if (st) return st;
    }
  *share = covered ? 1.0 : fmin(1.0, a / area_km2);
  return FL_OK;
}

fl_status fl_holding_share(fl_ctx *ctx, const GEOSPreparedGeometry *ground_prep,
                           const GEOSGeometry *ground, const GEOSGeometry *settlement,
                           double area_km2, double *share) {
  GEOSContextHandle_t h = ctx->geos;
  *share = 0.0;
  if (!ground_prep) return FL_OK;
  int nv = area_km2 > 0 ? GEOSGetNumCoordinates_r(h, settlement) : 0;
  if (nv >= TILE_MIN_VERTICES) return tiled_share(ctx, settlement, ground, nv, area_km2, share);
  char hit = GEOSPreparedIntersects_r(h, ground_prep, settlement);
  if (hit == 2) return fl__fail_geos(ctx, "testing containment");
  if (!hit) return FL_OK;
  if (!(area_km2 > 0) || GEOSPreparedContains_r(h, ground_prep, settlement) == 1) {
    *share = 1.0; /* S1: a point (or no area) on the ground; S2: all inside */
    return FL_OK;
  }
  double a = 0;
  fl_status st = part_area(ctx, settlement, ground, &a);
  if (st) return st;
  *share = fmin(1.0, a / area_km2);
  return FL_OK;
}

fl_holding fl_holding_decide(const double *share, size_t n_sides, double contested,
                             int is_point, double split_share, int *holder) {
  int best = -1, n_in = 0;
  for (size_t a = 0; a < n_sides; a++) {
    if (!(share[a] > 0)) continue;
    n_in++;
    if (best < 0 || share[a] > share[best]) best = (int)a;
  }
  *holder = best;
  fl_holding status = FL_HOLD_UNKNOWN;                                   /* S1, S2 */
  if (best >= 0 && is_point) status = n_in > 1 ? FL_HOLD_CONTESTED : FL_HOLD_HELD; /* S1 */
  else if (best >= 0) status = share[best] < split_share ? FL_HOLD_CONTESTED : FL_HOLD_HELD; /* S2 */
  if (contested > 0 && (is_point || contested > 1.0 - split_share)) status = FL_HOLD_CONTESTED; /* S4 */
  return status;
}
