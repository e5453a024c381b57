/*
 * nearest_kernel.c - the prepared nearest-route kernel (fl_routes.h).
 *
 * Rules: (N1) the distance is the shortest geodesic distance between the
 * settlement (point, or polygon: 0 when a route enters it) and any accepted
 * route; (N2) only the routes the caller accepts (the tool's class filter)
 * may be the answer; (N3) the connecting line is the geodesic from the
 * settlement's closest point to the route's, a vertex every 1,000 m at most.
 * The nearest-route tool (nearest_route.c) and FL_NearestRoute call it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_geodesy.h"
#include "fl_prep.h"
#include "frontline/fl_routes.h"

#define LINE_STEP_M 1000.0 /* (N3) */

struct fl_nearest_kernel {
  fl_dist_index *idx;
  unsigned char *accepted; /* per route; NULL: every route */
};

static int accept_route(size_t item, void *user) {
  const unsigned char *ok = user;
  return ok[item];
}

/* A copy of the accepted flags, NULL when every route is accepted; *n_ok
 * the routes accepted among those with a geometry. */
static fl_status copy_accepted(fl_ctx *ctx, const GEOSGeometry *const *routes, size_t n,
                               const unsigned char *accepted, unsigned char **out) {
  *out = NULL;
  size_t n_ok = 0, n_all = 0;
  for (size_t i = 0; i < n; i++) {
    int usable = routes[i] && GEOSisEmpty_r(ctx->geos, routes[i]) != 1;
    n_all += usable;
    n_ok += usable && (!accepted || accepted[i]);
  }
  if (n_all == 0) return fl__fail(ctx, FL_E_GEOM, "no route to measure to: every route is empty");
  if (n_ok == 0) return fl__fail(ctx, FL_E_ARG, "no route is accepted: nothing to measure to");
  if (!accepted || n_ok == n_all) return FL_OK;
  if (!(*out = malloc(n))) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  memcpy(*out, accepted, n);
  return FL_OK;
}

fl_status fl_nearest_prepare(fl_ctx *ctx, const GEOSGeometry *const *routes, size_t n,
                             const unsigned char *accepted, fl_nearest_kernel **out) {
  *out = NULL;
  fl_nearest_kernel *k = calloc(1, sizeof *k);
  if (!k) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl_status st = copy_accepted(ctx, routes, n, accepted, &k->accepted);
  if (!st) st = fl_dist_index_create(ctx, routes, n, &k->idx);
  if (st) {
    fl_nearest_free(ctx, k);
    return st;
  }
  *out = k;
  return FL_OK;
}

fl_status fl_nearest_settlement(fl_ctx *ctx, const fl_nearest_kernel *k,
                                const GEOSGeometry *settlement, fl_nearest *out) {
  if (!settlement || GEOSisEmpty_r(ctx->geos, settlement) == 1)
    return fl__fail(ctx, FL_E_GEOM, "the settlement is empty");
  fl_status st = fl_dist_index_nearest(ctx, k->idx, settlement, k->accepted ? accept_route : NULL,
                                       k->accepted, out); /* (N1), (N2) */
  if (st) return st;
  if (!isfinite(out->dist_m))
    return fl__fail(ctx, FL_E_GEOM, "no finite distance from the settlement to a route");
  return FL_OK;
}

fl_status fl_nearest_line(fl_ctx *ctx, const fl_nearest *r, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  double xy[4] = {r->from_lon, r->from_lat, r->near_lon, r->near_lat};
  GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, xy, 2, 0, 0);
  GEOSGeometry *line = cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
  if (!line) return fl__fail(ctx, FL_E_GEOS, "cannot make the connecting line");
  *out = fl__densify_geodesic(ctx, line, LINE_STEP_M); /* (N3) */
  GEOSGeom_destroy_r(h, line);
  if (!*out) return ctx->status ? ctx->status : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}

void fl_nearest_free(fl_ctx *ctx, fl_nearest_kernel *k) {
  if (!k) return;
  fl_dist_index_destroy(ctx, k->idx);
  free(k->accepted);
  free(k);
}
