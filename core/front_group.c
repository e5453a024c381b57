/*
 * front_group.c - the front of one control group (source, date): which
 * sides face each other, and the line traced between them (frontline.c).
 *
 * Grey zones, rules (G1)..(G3): ground the side map sends to "contested"
 * is neither side's (polygons with the contested status keep rule S4 of
 * settlement status only).
 *   (G1) each side's edge of the zone is front: side A's edge is A's
 *        boundary facing B or the zone, side B's edge B's boundary facing A
 *        or the zone (where A and B touch, the two edges coincide);
 *   (G2) distances and bands are measured from both edges together;
 *   (G3) frontline writes the two edges as two lines, each marked with its
 *        side (field `edge`);
 *   (G4) on request (centre_line), also the zone's centre line, equidistant
 *        from the two edges, marked "centre" (centre_line.c).
 */
#include <math.h>
#include "fl_crs.h"
#include "fl_prep.h"

static fl_status pick_sides(fl_ctx *ctx, const fl__control_group *cg, const fl_options *opts,
                            int *ia_out, int *ib_out) {
  int ia = -1, ib = -1;
  if (opts->side_a || opts->side_b) {
    ia = fl__control_side(cg, opts->side_a);
    ib = fl__control_side(cg, opts->side_b);
    if ((opts->side_a && ia < 0) || (opts->side_b && ib < 0))
      return fl__fail(ctx, FL_E_ARG, "control layer has no ground of side '%s'; the sides found "
                      "are %s%s%s", opts->side_a && ia < 0 ? opts->side_a : opts->side_b,
                      cg->n_sides ? cg->side[0] : "none", cg->n_sides > 1 ? ", " : "",
                      cg->n_sides > 1 ? cg->side[1] : "");
    if (ia < 0) { ia = ib; ib = -1; }
  } else if (cg->n_sides == 1) {
    ia = 0;
  } else if (cg->n_sides == 2) {
    ia = 0;
    ib = 1;
  } else if (cg->n_sides > 2) {
    return fl__fail(ctx, FL_E_ARG, "control layer holds %zu sides (%s, %s, %s%s); map its "
                    "values to two sides (and contested) with @{side_map}", cg->n_sides,
                    cg->side[0], cg->side[1], cg->side[2], cg->n_sides > 3 ? ", ..." : "");
  }
  if (ia < 0)
    return fl__fail(ctx, FL_E_GEOM, "control layer holds no polygon with a side: every polygon "
                    "is contested or has no geometry");
  if (cg->edge && ib >= 0 && !opts->side_a && opts->other_side &&
      strcmp(cg->side[ia], opts->other_side) == 0) { /* trace the mapped side's boundary */
    int t = ia; ia = ib; ib = t;
  }
  *ia_out = ia;
  *ib_out = ib;
  return FL_OK;
}

/* a's boundary facing b (b NULL: one side only), per F1-F3 and F5. */
static fl_status trace(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *a,
                       const GEOSGeometry *b, const GEOSGeometry *mask, const fl_options *opts,
                       GEOSGeometry **out) {
  if (cg->edge && b) /* (F5) */
    return fl__contact_line_ex(ctx, a, b, cg->edge, 1, opts->snap_m, out);
  GEOSGeometry *edge = NULL;
  if (mask) {
    edge = GEOSGeom_clone_r(ctx->geos, mask);
  } else {
    double minx, miny, maxx, maxy;
    fl_status st = fl__bounds(ctx, a, &minx, &miny, &maxx, &maxy);
    if (st) return st;
    double x0, y0, x1, y1;
    if (b && fl__bounds(ctx, b, &x0, &y0, &x1, &y1) == FL_OK) {
      minx = fmin(minx, x0); miny = fmin(miny, y0); maxx = fmax(maxx, x1); maxy = fmax(maxy, y1);
    }
    edge = GEOSGeom_createRectangle_r(ctx->geos, minx, miny, maxx, maxy);
  }
  if (!edge) return fl__fail_geos(ctx, "building the data extent");
  fl_status st = fl__contact_line(ctx, a, b, b && !mask ? NULL : edge, opts->snap_m, out);
  GEOSGeom_destroy_r(ctx->geos, edge);
  return st;
}

static GEOSGeometry *union2(fl_ctx *ctx, const GEOSGeometry *x, const GEOSGeometry *y) {
  if (!x) return GEOSGeom_clone_r(ctx->geos, y);
  GEOSGeometry *u = GEOSUnion_r(ctx->geos, x, y);
  if (u) GEOSSetSRID_r(ctx->geos, u, 4326);
  return u;
}

fl_status fl__group_edges(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *mask,
                          const fl_options *opts, const char **side_a, const char **side_b,
                          GEOSGeometry **edge_a, GEOSGeometry **edge_b) {
  *edge_a = *edge_b = NULL;
  int ia = -1, ib = -1;
  fl_status st = pick_sides(ctx, cg, opts, &ia, &ib);
  if (st) return st;
  *side_a = cg->side[ia];
  *side_b = ib >= 0 ? cg->side[ib] : "";
  const GEOSGeometry *A = cg->area[ia], *B = ib >= 0 ? cg->area[ib] : NULL;
  const GEOSGeometry *C = cg->grey ? cg->contested : NULL;
  if (!C) return trace(ctx, cg, A, B, mask, opts, edge_a);
  GEOSGeometry *facing_a = union2(ctx, B, C); /* (G1) */
  GEOSGeometry *facing_b = B ? union2(ctx, A, C) : NULL;
  if (!facing_a || (B && !facing_b)) st = fl__fail_geos(ctx, "joining a side and a grey zone");
  if (!st) st = trace(ctx, cg, A, facing_a, mask, opts, edge_a);
  if (!st && B) st = trace(ctx, cg, B, facing_b, mask, opts, edge_b);
  if (facing_a) GEOSGeom_destroy_r(ctx->geos, facing_a);
  if (facing_b) GEOSGeom_destroy_r(ctx->geos, facing_b);
  if (st) {
    if (*edge_a) GEOSGeom_destroy_r(ctx->geos, *edge_a);
    *edge_a = NULL;
  }
  return st;
}

fl_status fl__group_front(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *mask,
                          const fl_options *opts, const char **side_a, const char **side_b,
                          GEOSGeometry **out) {
  *out = NULL;
  GEOSGeometry *ea = NULL, *eb = NULL;
  fl_status st = fl__group_edges(ctx, cg, mask, opts, side_a, side_b, &ea, &eb);
  if (st || !eb) { *out = ea; return st; }
  GEOSGeometry *u = GEOSUnion_r(ctx->geos, ea, eb); /* (G2) */
  GEOSGeom_destroy_r(ctx->geos, ea);
  GEOSGeom_destroy_r(ctx->geos, eb);
  if (!u) return fl__fail_geos(ctx, "joining the edges of a grey zone");
  GEOSSetSRID_r(ctx->geos, u, 4326);
  *out = u;
  return FL_OK;
}
