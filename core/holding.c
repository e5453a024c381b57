/*
 * holding.c - who holds a settlement, the rules alone (S1, S2, S4 of
 * docs/tools/settlement-status.md): the share of a settlement on a side's
 * ground, and the holder and status from the shares of every side. The
 * settlement-status tool and the SQL functions FL_Share / FL_ControlStatus
 * call these; the rules are written nowhere else.
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

fl_status fl_holding_share(fl_ctx *ctx, const GEOSPreparedGeometry *ground_prep,
                           const GEOSGeometry *ground, const GEOSGeometry *settlement,
                           double area_km2, double *share) {
  GEOSContextHandle_t h = ctx->geos;
  *share = 0.0;
  if (!ground_prep) return FL_OK;
  char hit = GEOSPreparedIntersects_r(h, ground_prep, settlement);
  if (hit == 2) return fl__fail_geos(ctx, "testing containment");
  if (!hit) return FL_OK;
  if (!(area_km2 > 0) || GEOSPreparedContains_r(h, ground_prep, settlement) == 1) {
    *share = 1.0; /* S1: a point (or no area) on the ground; S2: all inside */
    return FL_OK;
  }
  GEOSGeometry *part = NULL; /* the long step: GEOS's interrupt checks see ctx */
  FL__GEOS_CALL(ctx, part, GEOSIntersection_r(h, settlement, ground));
  if (!part) return fl__fail_geos(ctx, "intersecting a settlement with control ground");
  fl_status stop = fl__stop_check(ctx, "intersecting a settlement with control ground");
  if (stop) { /* asked during an overlay that checked for interrupts too rarely */
    GEOSGeom_destroy_r(h, part);
    return stop;
  }
  double a = 0;
  fl_status st = fl_area_km2(ctx, part, &a);
  GEOSGeom_destroy_r(h, part);
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
