/*
 * route_on_side.c - route exposure on one side's ground (fl_options.on_side):
 * "which of our routes can they reach". Rules, cited as (R5)..(R6):
 *   (R5) only the parts of a route on the named side's ground of the claim
 *        (control group matched to the front's, after the side map, holes
 *        and islands, other side) are measured; a route wholly off it has
 *        no row for that claim;
 *   (R6) the ground is the control group's, matched by source and date to
 *        the group being measured (groups.c).
 * Each thread prepares the grounds once (GEOS prepared geometries are not
 * shared between threads).
 */
#include "fl_prep.h"

void fl__on_side_free(fl_ctx *ctx, GEOSGeometry **ground, size_t n) {
  for (size_t k = 0; ground && k < n; k++)
    if (ground[k]) GEOSGeom_destroy_r(ctx->geos, ground[k]);
  free(ground);
}

fl_status fl__on_side_grounds(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                              const fl__groups *gr, GEOSGeometry ***out) {
  *out = NULL;
  if (!opts->on_side) return FL_OK;
  if (!control)
    return fl__fail(ctx, FL_E_ARG, "@{on_side} '%s' needs a control layer (@{control})",
                    opts->on_side);
  fl__prepped cp;
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &cp);
  if (st) return st;
  fl__groups cgr;
  st = fl__groups_build(ctx, control, opts, &cgr);
  GEOSGeometry **ground = st ? NULL : calloc(gr->n ? gr->n : 1, sizeof *ground);
  if (!st && !ground) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; !st && k < gr->n; k++) {
    int c = fl__groups_match(&cgr, &gr->g[k]); /* (R6) */
    if (c < 0) {
      st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no claim of source '%s', date '%s' "
                    "for @{on_side}", control->name ? control->name : "?", gr->g[k].source,
                    gr->g[k].date);
      break;
    }
    fl__control_group cg;
    st = fl__control_group_build(ctx, &cp, &cgr, c, opts, &cg);
    if (st) break;
    int s = fl__control_side(&cg, opts->on_side);
    if (s < 0)
      st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no ground of side '%s'; check "
                    "@{on_side}", control->name ? control->name : "?", opts->on_side);
    else if (!(ground[k] = GEOSGeom_clone_r(ctx->geos, cg.area[s])))
      st = fl__fail_geos(ctx, "copying a side's ground");
    fl__control_group_free(ctx, &cg);
  }
  if (cgr.of_feature) fl__groups_free(&cgr);
  fl__prep_free(ctx, &cp);
  if (st) { fl__on_side_free(ctx, ground, gr->n); return st; }
  *out = ground;
  return FL_OK;
}

fl__on_side_prep *fl__on_side_prepare(fl_ctx *wctx, GEOSGeometry *const *ground, size_t n) {
  fl__on_side_prep *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->n = n;
  p->ground = ground;
  p->prep = calloc(n ? n : 1, sizeof *p->prep);
  if (!p->prep) { free(p); return NULL; }
  for (size_t k = 0; ground && k < n; k++)
    if (ground[k] && GEOSisEmpty_r(wctx->geos, ground[k]) != 1)
      p->prep[k] = GEOSPrepare_r(wctx->geos, ground[k]);
  return p;
}

void fl__on_side_unprepare(fl_ctx *wctx, fl__on_side_prep *p) {
  if (!p) return;
  for (size_t k = 0; k < p->n; k++)
    if (p->prep[k]) GEOSPreparedGeom_destroy_r(wctx->geos, p->prep[k]);
  free(p->prep);
  free(p);
}

fl_status fl__on_side_clip(fl_ctx *wctx, const fl__on_side_prep *p, size_t k,
                           const GEOSGeometry *route, GEOSGeometry **part, int *none) {
  GEOSContextHandle_t h = wctx->geos;
  *part = NULL;
  *none = 0;
  if (!p->prep[k]) { *none = 1; return FL_OK; }
  char c = GEOSPreparedContains_r(h, p->prep[k], route);
  if (c == 1) return FL_OK; /* whole route */
  char x = c == 2 ? 2 : GEOSPreparedIntersects_r(h, p->prep[k], route);
  if (x == 2) return fl__fail_geos(wctx, "testing a route against a side's ground");
  if (!x) { *none = 1; return FL_OK; }
  GEOSGeometry *in = GEOSIntersection_r(h, route, p->ground[k]);
  if (!in) return fl__fail_geos(wctx, "clipping a route to a side's ground");
  double len = 0;
  if (GEOSGeom_getDimensions_r(h, in) != 1 || GEOSLength_r(h, in, &len) != 1 || len <= 0) {
    GEOSGeom_destroy_r(h, in); /* touches the ground only: off it */
    *none = 1;
    return FL_OK;
  }
  GEOSSetSRID_r(h, in, 4326);
  *part = in;
  return FL_OK;
}
