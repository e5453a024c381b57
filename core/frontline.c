/*
 * frontline.c - the line of contact derived from control polygons.
 *
 * Rules, cited below as (F1)..(F4):
 *   (F1) two sides: the line follows side A's boundary where side B's
 *        ground lies within snap_m of it, so gaps and overlaps up to snap_m
 *        between the two layers do not break or double the line;
 *   (F2) never the outer edge of the data: parts within 1.5 snap_m of the
 *        outline of A and B together (closed over gaps by snap_m) are cut;
 *   (F3) one side only: its boundary minus the parts within snap_m of the
 *        edge (the mask, or else the bounding box of the data, which is
 *        where clipped public layers end);
 *   (F4) length is geodesic, in km.
 * Work happens in one azimuthal equidistant frame centred on the data; snap
 * is a tolerance, so the frame's small stretch does not matter here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_prep.h"

#define SNAP_QUADSEGS 8

static fl_status contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, double snap_m, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, a, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  fl__frame f;
  fl__frame_for_bounds(&f, &ctx->geod, minx, miny, maxx, maxy);
  GEOSGeometry *A = fl__frame_project(ctx, &f, a);
  GEOSGeometry *B = b ? fl__frame_project(ctx, &f, b) : NULL;
  GEOSGeometry *E = edge ? fl__frame_project(ctx, &f, edge) : NULL;
  GEOSGeometry *bA = A ? GEOSBoundary_r(h, A) : NULL;
  GEOSGeometry *line = NULL, *zone = NULL;
  if (bA && B) {
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
    GEOSGeometry *eb = E ? GEOSBoundary_r(h, E) : NULL;
    zone = eb ? GEOSBuffer_r(h, eb, snap_m, SNAP_QUADSEGS) : NULL; /* (F3) */
    GEOSGeom_destroy_r(h, eb);
  }
  GEOSGeometry *cut = line && zone ? GEOSDifference_r(h, line, zone) : NULL;
  GEOSGeometry *merged = cut ? GEOSLineMerge_r(h, cut) : NULL;
  GEOSGeometry *result = merged ? fl__frame_unproject(ctx, &f, merged) : NULL;
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

/* The GEOS work above is stoppable: ctx is the thread's current one for
 * GEOS's interrupt callback (interrupt.c). */
fl_status fl__contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                           const GEOSGeometry *edge, double snap_m, GEOSGeometry **out) {
  fl_ctx *old = fl__interrupt_enter(ctx);
  fl_status st = contact_line(ctx, a, b, edge, snap_m, out);
  fl__interrupt_leave(old);
  return st;
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
    return fl__fail(ctx, FL_E_ARG, "control layer holds %zu sides (%s, %s, %s%s); name the two "
                    "facing each other with @{side_a} and @{side_b}", cg->n_sides, cg->side[0],
                    cg->side[1], cg->side[2], cg->n_sides > 3 ? ", ..." : "");
  }
  if (ia < 0) return fl__fail(ctx, FL_E_GEOM, "control layer has no polygons with a side");
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
  if (opts->snap_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "@{snap_m} is %g m, more than the largest distance, "
                    "1,000,000 m (1,000 km)", opts->snap_m);
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
  if (snap_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "snap distance %g m exceeds the largest distance, "
                    "1,000,000 m (1,000 km)", snap_m);
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
