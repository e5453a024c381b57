/*
 * ground.c - one piece of ground prepared for shares (fl_holding.h,
 * fl_ground_*): GEOS's prepared geometry and the point-in-area grid
 * (pip_grid.c), for faces that meet control polygons one at a time (the SQL
 * functions FL_Share and FL_ControlStatus keep one per cached polygon).
 * The rule is fl_holding_share()'s (holding.c); a point the grid can tell
 * gets the answer GEOS's prepared intersects would give.
 */
#include <math.h>
#include <stdlib.h>
#include "fl_pip_grid.h"
#include "frontline/fl_holding.h"

struct fl_ground {
  const GEOSGeometry *lonlat;        /* borrowed */
  const GEOSPreparedGeometry *prep;  /* NULL: empty ground */
  fl__pip_grid *grid;                /* NULL: none (GEOS for every point) */
};

fl_status fl_ground_prepare(fl_ctx *ctx, const GEOSGeometry *lonlat, fl_ground **out) {
  *out = NULL;
  fl_ground *g = calloc(1, sizeof *g);
  if (!g) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  g->lonlat = lonlat;
  fl_status st = FL_OK;
  if (GEOSisEmpty_r(ctx->geos, lonlat) != 1) {
    g->prep = GEOSPrepare_r(ctx->geos, lonlat);
    st = g->prep ? fl__pip_grid_build(ctx, lonlat, g->prep, &g->grid)
                 : fl__fail_geos(ctx, "preparing the ground");
  }
  if (st) {
    fl_ground_free(ctx, g);
    return st;
  }
  *out = g;
  return FL_OK;
}

fl_status fl_ground_share(fl_ctx *ctx, const fl_ground *g, const GEOSGeometry *settlement,
                          double area_km2, double *share) {
  double x, y;
  *share = 0.0;
  if (!g->prep) return FL_OK;
  if (g->grid && !(area_km2 > 0) && GEOSGeomTypeId_r(ctx->geos, settlement) == GEOS_POINT &&
      GEOSGeomGetX_r(ctx->geos, settlement, &x) && GEOSGeomGetY_r(ctx->geos, settlement, &y) &&
      isfinite(x) && isfinite(y)) {
    int loc = fl__pip_grid_locate(g->grid, x, y);
    if (loc >= 0) {
      *share = loc ? 1.0 : 0.0; /* S1: a point on the ground */
      return FL_OK;
    }
  }
  return fl_holding_share(ctx, g->prep, g->lonlat, settlement, area_km2, share);
}

void fl_ground_free(fl_ctx *ctx, fl_ground *g) {
  if (!g) return;
  if (g->prep) GEOSPreparedGeom_destroy_r(ctx->geos, g->prep);
  fl__pip_grid_free(g->grid);
  free(g);
}
