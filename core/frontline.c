/*
 * frontline.c - the line of contact derived from control polygons.
 *
 * Rules, cited below as (F1)..(F4):
 *   (F1) two sides: the line follows side A's boundary where side B's
 *        ground lies within snap_m of it, so gaps and overlaps up to snap_m
 *        between the two layers do not break or double the line;
 *   (F2) never the outer edge of the data: parts within 1.5 snap_m of the
 *        outline of A and B together (closed over gaps by snap_m) are cut;
 *   (F3) one side only: its boundary minus the parts running along the edge
 *        within 1 m (the mask, or else the bounding box of the data, which
 *        is where clipped public layers end);
 *   (F4) length is geodesic, in km;
 *   (F5) one-sided source with an other side (other_side.c): side A's
 *        boundary where the other side's ground lies within snap_m, minus
 *        the parts running along the area of interest's edge within 1 m:
 *        the front runs up to the edge and never along it (no F2).
 * Edges are densified in lon/lat before projecting, so a straight clip line
 * of the data and the edge stay within centimetres of each other.
 * Work happens in one azimuthal equidistant frame centred on the data; snap
 * is a tolerance, so the frame's small stretch does not matter here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_prep.h"

#define SNAP_QUADSEGS 8
#define EDGE_M 1.0        /* (F3) (F5): boundary this close to the edge runs along it */
#define EDGE_STEP_DEG 0.001 /* densify edges to ~100 m before projecting */
#define MANY_PIECES 10 /* a front in more pieces than this is reported (warning) */

/* The zone within d of the boundary of E (projected). */
static GEOSGeometry *edge_zone(GEOSContextHandle_t h, const GEOSGeometry *E, double d) {
  GEOSGeometry *eb = GEOSBoundary_r(h, E);
  GEOSGeometry *z = eb ? GEOSBuffer_r(h, eb, d, SNAP_QUADSEGS) : NULL;
  if (eb) GEOSGeom_destroy_r(h, eb);
  return z;
}

/* A geometry densified in lon/lat and projected; NULL: NULL. A clip line
 * of the data is straight in lon/lat, so the ground's long straight edges
 * are densified like the edge they run along. */
static GEOSGeometry *project_dense(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *g) {
  if (!g) return NULL;
  GEOSGeometry *dense = GEOSDensify_r(ctx->geos, g, EDGE_STEP_DEG);
  GEOSGeometry *xy = dense ? fl__frame_project(ctx, f, dense) : NULL;
  if (dense) GEOSGeom_destroy_r(ctx->geos, dense);
  return xy;
}

/* Polygons split at +-180, unwrapped around the frame's centre so that the
 * parts meet exactly again, dissolved and projected; NULL on failure. */
static GEOSGeometry *seamless(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *g) {
  GEOSGeometry *u = fl__unwrap_geom(ctx, g, f->lon0);
  GEOSGeometry *d = u ? GEOSUnaryUnion_r(ctx->geos, u) : NULL;
  GEOSGeometry *xy = d ? fl__frame_project(ctx, f, d) : NULL;
  if (u) GEOSGeom_destroy_r(ctx->geos, u);
  if (d) GEOSGeom_destroy_r(ctx->geos, d);
  return xy;
}

fl_status fl__contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                           const GEOSGeometry *edge, double snap_m, GEOSGeometry **out) {
  return fl__contact_line_ex(ctx, a, b, edge, 0, snap_m, out);
}

fl_status fl__contact_line_ex(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, int open_edge, double snap_m,
                              GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, a, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  fl__frame f; /* centred on A's longitudes, so that a front across 180 stays whole */
  fl__frame_init(&f, &ctx->geod, fl__centre_lon(ctx, &a, 1, minx, maxx), 0.5 * (miny + maxy));
  GEOSGeometry *A, *B;
  if (maxx - minx > 180.0) { /* split at +-180: the seams are no boundary */
    A = seamless(ctx, &f, a);
    B = b ? seamless(ctx, &f, b) : NULL;
  } else {
    A = project_dense(ctx, &f, a);
    B = project_dense(ctx, &f, b);
  }
  GEOSGeometry *E = project_dense(ctx, &f, edge);
  GEOSGeometry *bA = A ? GEOSBoundary_r(h, A) : NULL;
  GEOSGeometry *line = NULL, *zone = NULL;
  if (bA && B && E && open_edge) { /* (F5) */
    GEOSGeometry *nearB = GEOSBuffer_r(h, B, snap_m, SNAP_QUADSEGS);
    line = nearB ? GEOSIntersection_r(h, bA, nearB) : NULL;
    zone = edge_zone(h, E, EDGE_M);
    GEOSGeom_destroy_r(h, nearB);
  } else if (bA && B) {
    GEOSGeometry *nearB = GEOSBuffer_r(h, B, snap_m, SNAP_QUADSEGS);
    line = nearB ? GEOSIntersection_r(h, bA, nearB) : NULL; /* (F1) */
    GEOSGeometry *both = GEOSUnion_r(h, A, B);
    GEOSGeometry *grown = both ? GEOSBuffer_r(h, both, snap_m, SNAP_QUADSEGS) : NULL;
    GEOSGeometry *closed = grown ? GEOSBuffer_r(h, grown, -snap_m, SNAP_QUADSEGS) : NULL;
    GEOSGeometry *outline = closed ? GEOSBoundary_r(h, closed) : NULL;
    zone = outline ? GEOSBuffer_r(h, outline, 1.5 * snap_m, SNAP_QUADSEGS) : NULL; /* (F2) */
    GEOSGeom_destroy_r(h, nearB);
    GEOSGeom_destroy_r(h, both);
    GEOSGeom_destroy_r(h, grown);
    GEOSGeom_destroy_r(h, closed);
    GEOSGeom_destroy_r(h, outline);
    if (zone && E) {
      GEOSGeometry *eb = GEOSBoundary_r(h, E);
      GEOSGeometry *ez = eb ? GEOSBuffer_r(h, eb, snap_m, SNAP_QUADSEGS) : NULL;
      GEOSGeometry *u = ez ? GEOSUnion_r(h, zone, ez) : NULL;
      GEOSGeom_destroy_r(h, eb);
      GEOSGeom_destroy_r(h, ez);
      GEOSGeom_destroy_r(h, zone);
      zone = u;
    }
  } else if (bA) {
    line = GEOSGeom_clone_r(h, bA);
    zone = E ? edge_zone(h, E, EDGE_M) : NULL; /* (F3) */
  }
  GEOSGeometry *cut = line && zone ? GEOSDifference_r(h, line, zone) : NULL;
  GEOSGeometry *merged = cut ? GEOSLineMerge_r(h, cut) : NULL;
  GEOSGeometry *result = merged ? fl__frame_unproject_cut(ctx, &f, merged) : NULL;
  GEOSGeom_destroy_r(h, A);
  if (B) GEOSGeom_destroy_r(h, B);
  if (E) GEOSGeom_destroy_r(h, E);
  if (bA) GEOSGeom_destroy_r(h, bA);
  if (line) GEOSGeom_destroy_r(h, line);
  if (zone) GEOSGeom_destroy_r(h, zone);
  if (cut) GEOSGeom_destroy_r(h, cut);
  if (merged) GEOSGeom_destroy_r(h, merged);
  if (!result) return fl__fail_geos(ctx, "tracing the line of contact");
  GEOSSetSRID_r(h, result, 4326);
  *out = result;
  return FL_OK;
}

fl_status fl__group_front(fl_ctx *ctx, const fl__control_group *cg, const GEOSGeometry *mask,
                          const fl_options *opts, const char **side_a, const char **side_b,
                          GEOSGeometry **out) {
  *out = NULL;
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
  } else if (cg->n_sides == 0) {
    return fl__fail(ctx, FL_E_GEOM, "control layer holds no polygon with a side: every polygon "
                    "is contested or has no geometry");
  } else {
    return fl__fail(ctx, FL_E_ARG, "control layer holds %zu sides (%s, %s, %s%s); map its "
                    "values to two sides (and contested) with @{side_map}", cg->n_sides,
                    cg->side[0], cg->side[1], cg->side[2], cg->n_sides > 3 ? ", ..." : "");
  }
  if (ia < 0) return fl__fail(ctx, FL_E_GEOM, "control layer has no polygons with a side");
  if (cg->edge && ib >= 0 && !opts->side_a && opts->other_side &&
      strcmp(cg->side[ia], opts->other_side) == 0) { /* trace the mapped side's boundary */
    int t = ia; ia = ib; ib = t;
  }
  fl_status st_edge = FL_OK;
  if (cg->edge && ib >= 0) /* (F5) */
    st_edge = fl__contact_line_ex(ctx, cg->area[ia], cg->area[ib], cg->edge, 1, opts->snap_m, out);
  if (cg->edge && ib >= 0) {
    if (st_edge) return st_edge;
    *side_a = cg->side[ia];
    *side_b = cg->side[ib];
    return FL_OK;
  }
  GEOSGeometry *edge = NULL;
  if (mask) {
    edge = GEOSGeom_clone_r(ctx->geos, mask);
  } else {
    double minx, miny, maxx, maxy;
    fl_status st = fl__bounds(ctx, cg->area[ia], &minx, &miny, &maxx, &maxy);
    if (st) return st;
    if (ib >= 0) {
      double a, b, c, d;
      if (fl__bounds(ctx, cg->area[ib], &a, &b, &c, &d) == FL_OK) {
        minx = fmin(minx, a); miny = fmin(miny, b); maxx = fmax(maxx, c); maxy = fmax(maxy, d);
      }
    }
    edge = GEOSGeom_createRectangle_r(ctx->geos, minx, miny, maxx, maxy);
  }
  if (!edge) return fl__fail_geos(ctx, "building the data extent");
  fl_status st = fl__contact_line(ctx, cg->area[ia], ib >= 0 ? cg->area[ib] : NULL,
                                  ib >= 0 && !mask ? NULL : edge, opts->snap_m, out);
  GEOSGeom_destroy_r(ctx->geos, edge);
  if (st) return st;
  *side_a = cg->side[ia];
  *side_b = ib >= 0 ? cg->side[ib] : "";
  return FL_OK;
}

fl_status fl_frontline(fl_ctx *ctx, const fl_layer *control, const fl_layer *mask,
                       const fl_options *opts, fl_layer **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  if (!isfinite(opts->snap_m) || opts->snap_m < 0)
    return fl__fail(ctx, FL_E_ARG, "snap_m must be a number of metres >= 0, got %g", opts->snap_m);
  fl__prepped ctl, msk;
  memset(&msk, 0, sizeof msk);
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &ctl);
  if (st) return st;
  GEOSGeometry *mask_ll = NULL;
  if (mask) {
    st = fl__prep_layer(ctx, mask, "mask", FL__WANT_POLYGON, &msk);
    if (st) { fl__prep_free(ctx, &ctl); return st; }
    mask_ll = fl__union_where(ctx, msk.lonlat, msk.n, NULL, NULL);
    fl__prep_free(ctx, &msk);
    if (!mask_ll) { fl__prep_free(ctx, &ctl); return ctx->status; }
  }
  fl__groups gr;
  st = fl__groups_build(ctx, control, opts, &gr);
  fl_layer *res = NULL;
  if (!st) {
    res = fl_layer_new("frontline", control->srid, "MULTILINESTRING");
    if (!res) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  int f_source = -1, f_date = -1, f_a = -1, f_b = -1, f_len = -1;
  if (!st) {
    f_source = fl_layer_add_field(res, "source", FL_FIELD_TEXT);
    f_date = fl_layer_add_field(res, "date", FL_FIELD_TEXT);
    f_a = fl_layer_add_field(res, "side_a", FL_FIELD_TEXT);
    f_b = fl_layer_add_field(res, "side_b", FL_FIELD_TEXT);
    f_len = fl_layer_add_field(res, "length_km", FL_FIELD_REAL);
  }
  for (size_t k = 0; !st && k < gr.n; k++) {
    fl__control_group cg;
    st = fl__control_group_build(ctx, &ctl, &gr, (int)k, opts, &cg);
    if (st) break;
    const char *sa = "", *sb = "";
    GEOSGeometry *line = NULL;
    st = fl__group_front(ctx, &cg, mask_ll, opts, &sa, &sb, &line);
    double len_m = 0;
    if (!st) fl_length_m(ctx, line, &len_m); /* (F4) */
    int pieces = !st ? GEOSGetNumGeometries_r(h, line) : 0;
    if (pieces > MANY_PIECES)
      fl__warn(ctx, "the line of contact of control layer '%s'%s%s%s%s comes out in %d pieces "
               "(%.1f km); gaps between the sides wider than @{snap_m}, or a grey zone, break it",
               control->name ? control->name : "?", gr.g[k].source[0] ? ", source " : "",
               gr.g[k].source, gr.g[k].date[0] ? ", date " : "", gr.g[k].date, pieces,
               len_m / 1000.0);
    GEOSGeometry *outg = NULL;
    if (!st) st = fl__to_layer_crs(ctx, line, control->srid, &outg);
    fl_feature *f = NULL;
    if (!st) {
      f = fl_layer_append(ctx, res, (int64_t)res->n_features + 1, outg);
      if (!f) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    }
    if (!st) {
      if (gr.source_field >= 0) fl_feature_set_text(res, f, f_source, gr.g[k].source);
      if (gr.date_field >= 0) fl_feature_set_text(res, f, f_date, gr.g[k].date);
      fl_feature_set_text(res, f, f_a, sa);
      if (sb[0]) fl_feature_set_text(res, f, f_b, sb);
      fl_feature_set_real(res, f, f_len, len_m / 1000.0);
    }
    fl__control_group_free(ctx, &cg);
    if (!st) st = fl__progress(ctx, (double)(k + 1) / (double)gr.n);
  }
  if (gr.of_feature) fl__groups_free(&gr);
  fl__prep_free(ctx, &ctl);
  if (mask_ll) GEOSGeom_destroy_r(h, mask_ll);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}

fl_status fl_contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                          const GEOSGeometry *edge, double snap_m, GEOSGeometry **out) {
  *out = NULL;
  if (!isfinite(snap_m) || snap_m < 0)
    return fl__fail(ctx, FL_E_ARG, "snap distance must be metres >= 0, got %g", snap_m);
  if (!a || GEOSisEmpty_r(ctx->geos, a) == 1 || (b && GEOSisEmpty_r(ctx->geos, b) == 1))
    return fl__fail(ctx, FL_E_GEOM, "cannot trace a line of contact from an empty area");
  if (GEOSGeom_getDimensions_r(ctx->geos, a) != 2 || (b && GEOSGeom_getDimensions_r(ctx->geos, b) != 2))
    return fl__fail(ctx, FL_E_GEOM, "a line of contact needs polygons on both sides");
  GEOSGeometry *box = NULL;
  if (!b && !edge) {
    double minx, miny, maxx, maxy;
    fl_status st = fl__bounds(ctx, a, &minx, &miny, &maxx, &maxy);
    if (st) return st;
    box = GEOSGeom_createRectangle_r(ctx->geos, minx, miny, maxx, maxy);
    if (!box) return fl__fail_geos(ctx, "building the data extent");
    edge = box;
  }
  fl_status st = fl__contact_line(ctx, a, b, edge, snap_m, out);
  if (box) GEOSGeom_destroy_r(ctx->geos, box);
  return st;
}
