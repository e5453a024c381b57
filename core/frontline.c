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
 * Edges are densified along their geodesics before projecting, edges along
 * a parallel in lon/lat, so a straight clip line of the data and the edge
 * stay within centimetres of each other.
 * Work happens in one azimuthal equidistant frame centred on the data; snap
 * is a tolerance, so the frame's small stretch does not matter here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_geodesy.h"
#include "fl_prep.h"

#define SNAP_QUADSEGS 8
#define EDGE_M 1.0        /* (F3) (F5): boundary this close to the edge runs along it */
#define EDGE_STEP_M 100.0 /* densify edges to 100 m before projecting */
#define MANY_PIECES 10 /* a front in more pieces than this is reported (warning) */

/* The zone within d of the boundary of E (projected). */
static GEOSGeometry *edge_zone(GEOSContextHandle_t h, const GEOSGeometry *E, double d) {
  GEOSGeometry *eb = GEOSBoundary_r(h, E);
  GEOSGeometry *z = eb ? GEOSBuffer_r(h, eb, d, SNAP_QUADSEGS) : NULL;
  if (eb) GEOSGeom_destroy_r(h, eb);
  return z;
}

/* A geometry densified and projected; NULL: NULL. Edges are geodesics
 * (a long edge of a coarse layer, ISW's 18 km ones, bends up to several
 * metres away from the straight lon/lat line), except edges along a
 * parallel: a clip line of the data is straight in lon/lat, so the ground's
 * edges along it are densified like the edge they run along. */
static GEOSGeometry *project_dense(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *g) {
  if (!g) return NULL;
  GEOSGeometry *dense = fl__densify_drawn_parallels(ctx, g, EDGE_STEP_M);
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

/* The GEOS work below is stoppable: ctx is the thread's current one for
 * GEOS's interrupt callback (interrupt.c). */
static fl_status contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, int open_edge, double snap_m,
                              GEOSGeometry **out);

fl_status fl__contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                           const GEOSGeometry *edge, double snap_m, GEOSGeometry **out) {
  return fl__contact_line_ex(ctx, a, b, edge, 0, snap_m, out);
}

fl_status fl__contact_line_ex(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, int open_edge, double snap_m,
                              GEOSGeometry **out) {
  fl_ctx *old = fl__interrupt_enter(ctx);
  fl_status st = contact_line(ctx, a, b, edge, open_edge, snap_m, out);
  fl__interrupt_leave(old);
  return st;
}

/* Side A and side B (b may be NULL) densified and projected into f; when
 * the data spans more than 180 degrees of longitude (split at +-180: the
 * seams are no boundary), made seamless instead. */
static void project_sides(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *a,
                          const GEOSGeometry *b, int across_180, GEOSGeometry **A,
                          GEOSGeometry **B) {
  if (across_180) {
    *A = seamless(ctx, f, a);
    *B = b ? seamless(ctx, f, b) : NULL;
  } else {
    *A = project_dense(ctx, f, a);
    *B = project_dense(ctx, f, b);
  }
}

/* (F1) The part of A's boundary bA within snap_m of B's ground. */
static GEOSGeometry *near_other(GEOSContextHandle_t h, const GEOSGeometry *bA,
                                const GEOSGeometry *B, double snap_m) {
  GEOSGeometry *nearB = GEOSBuffer_r(h, B, snap_m, SNAP_QUADSEGS);
  GEOSGeometry *line = nearB ? GEOSIntersection_r(h, bA, nearB) : NULL;
  GEOSGeom_destroy_r(h, nearB);
  return line;
}

/* (F2) The zone within 1.5 snap_m of the outline of A and B together,
 * closed over gaps by snap_m; with an edge E, also the zone within snap_m
 * of E's boundary. */
static GEOSGeometry *outer_zone(GEOSContextHandle_t h, const GEOSGeometry *A,
                                const GEOSGeometry *B, const GEOSGeometry *E, double snap_m) {
  GEOSGeometry *both = GEOSUnion_r(h, A, B);
  GEOSGeometry *grown = both ? GEOSBuffer_r(h, both, snap_m, SNAP_QUADSEGS) : NULL;
  GEOSGeometry *closed = grown ? GEOSBuffer_r(h, grown, -snap_m, SNAP_QUADSEGS) : NULL;
  GEOSGeometry *outline = closed ? GEOSBoundary_r(h, closed) : NULL;
  GEOSGeometry *zone = outline ? GEOSBuffer_r(h, outline, 1.5 * snap_m, SNAP_QUADSEGS) : NULL;
  GEOSGeom_destroy_r(h, both);
  GEOSGeom_destroy_r(h, grown);
  GEOSGeom_destroy_r(h, closed);
  GEOSGeom_destroy_r(h, outline);
  if (zone && E) {
    GEOSGeometry *ez = edge_zone(h, E, snap_m);
    GEOSGeometry *u = ez ? GEOSUnion_r(h, zone, ez) : NULL;
    GEOSGeom_destroy_r(h, ez);
    GEOSGeom_destroy_r(h, zone);
    zone = u;
  }
  return zone;
}

/* The line (from A's boundary bA) and the zone to cut from it, by rule:
 * (F5) with an open edge, (F1)-(F2) with two sides, (F3) with one. */
static void line_and_zone(GEOSContextHandle_t h, const GEOSGeometry *A, const GEOSGeometry *bA,
                          const GEOSGeometry *B, const GEOSGeometry *E, int open_edge,
                          double snap_m, GEOSGeometry **line, GEOSGeometry **zone) {
  *line = *zone = NULL;
  if (bA && B && E && open_edge) { /* (F5) */
    *line = near_other(h, bA, B, snap_m);
    *zone = edge_zone(h, E, EDGE_M);
  } else if (bA && B) {
    *line = near_other(h, bA, B, snap_m);
    *zone = outer_zone(h, A, B, E, snap_m);
  } else if (bA) {
    *line = GEOSGeom_clone_r(h, bA);
    *zone = E ? edge_zone(h, E, EDGE_M) : NULL; /* (F3) */
  }
}

/* line minus zone, merged and unprojected from f; NULL on failure. */
static GEOSGeometry *cut_and_unproject(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *line,
                                       const GEOSGeometry *zone) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *cut = line && zone ? GEOSDifference_r(h, line, zone) : NULL;
  GEOSGeometry *merged = cut ? GEOSLineMerge_r(h, cut) : NULL;
  GEOSGeometry *result = merged ? fl__frame_unproject_cut(ctx, f, merged) : NULL;
  if (cut) GEOSGeom_destroy_r(h, cut);
  if (merged) GEOSGeom_destroy_r(h, merged);
  return result;
}

static fl_status contact_line(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                              const GEOSGeometry *edge, int open_edge, double snap_m,
                              GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, a, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  fl__frame f; /* centred on A's longitudes, so that a front across 180 stays whole */
  fl__frame_init(&f, &ctx->geod, fl__centre_lon(ctx, &a, 1, minx, maxx), 0.5 * (miny + maxy));
  GEOSGeometry *A, *B, *line, *zone;
  project_sides(ctx, &f, a, b, maxx - minx > 180.0, &A, &B);
  GEOSGeometry *E = project_dense(ctx, &f, edge);
  GEOSGeometry *bA = A ? GEOSBoundary_r(h, A) : NULL;
  line_and_zone(h, A, bA, B, E, open_edge, snap_m, &line, &zone);
  GEOSGeometry *result = cut_and_unproject(ctx, &f, line, zone);
  GEOSGeom_destroy_r(h, A);
  if (B) GEOSGeom_destroy_r(h, B);
  if (E) GEOSGeom_destroy_r(h, E);
  if (bA) GEOSGeom_destroy_r(h, bA);
  if (line) GEOSGeom_destroy_r(h, line);
  if (zone) GEOSGeom_destroy_r(h, zone);
  if (!result) return fl__fail_geos(ctx, "tracing the line of contact");
  GEOSSetSRID_r(h, result, 4326);
  *out = result;
  return FL_OK;
}

/* Where one group's lines go: the result layer (fields 0..5: source, date,
 * side_a, side_b, length_km, edge) and the keys. */
typedef struct out_line {
  fl_layer *res;
  const fl_layer *control;
  const fl__group *g;
  int has_source, has_date;
  const char *sa, *sb;
} out_line;

/* Append one line (lon/lat, taken), warning when it comes in many pieces;
 * edge: the side whose edge of a grey zone it is, or NULL. */
static fl_status write_line(fl_ctx *ctx, const out_line *o, GEOSGeometry *line, const char *edge) {
  double len_m = 0;
  fl_status st = fl_length_m(ctx, line, &len_m); /* (F4) */
  if (st) {
    GEOSGeom_destroy_r(ctx->geos, line);
    return st;
  }
  int pieces = GEOSGetNumGeometries_r(ctx->geos, line);
  if (pieces > MANY_PIECES)
    fl__warn(ctx, "the line of contact of control layer '%s'%s%s%s%s%s%s comes out in %d pieces "
             "(%.1f km); gaps between the sides wider than @{snap_m} break it",
             o->control->name ? o->control->name : "?", o->g->source[0] ? ", source " : "",
             o->g->source, o->g->date[0] ? ", date " : "", o->g->date, edge ? ", edge of " : "",
             edge ? edge : "", pieces, len_m / 1000.0);
  GEOSGeometry *outg = NULL;
  st = fl__to_layer_crs(ctx, line, o->control->srid, &outg);
  if (st) return st;
  fl_feature *f = fl_layer_append(ctx, o->res, (int64_t)o->res->n_features + 1, outg);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (o->has_source) fl_feature_set_text(o->res, f, 0, o->g->source);
  if (o->has_date) fl_feature_set_text(o->res, f, 1, o->g->date);
  fl_feature_set_text(o->res, f, 2, o->sa);
  if (o->sb[0]) fl_feature_set_text(o->res, f, 3, o->sb);
  fl_feature_set_real(o->res, f, 4, len_m / 1000.0);
  if (edge) fl_feature_set_text(o->res, f, 5, edge);
  return FL_OK;
}

/* The union of the mask's polygons in lon/lat into *out; on failure ctx's
 * status. */
static fl_status mask_union(fl_ctx *ctx, const fl_layer *mask, GEOSGeometry **out) {
  fl__prepped msk;
  memset(&msk, 0, sizeof msk);
  fl_status st = fl__prep_layer(ctx, mask, "mask", FL__WANT_POLYGON, &msk);
  if (st) return st;
  *out = fl__union_where(ctx, msk.lonlat, msk.n, NULL, NULL);
  fl__prep_free(ctx, &msk);
  return *out ? FL_OK : ctx->status;
}

/* The empty result layer, with its fields 0..5 (out_line), into *res; on a
 * failure to add the fields, *res is still set for the caller to destroy. */
static fl_status new_result(fl_ctx *ctx, const fl_layer *control, fl_layer **res) {
  *res = fl_layer_new("frontline", control->srid, "MULTILINESTRING");
  if (!*res) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (fl_layer_add_field(*res, "source", FL_FIELD_TEXT) < 0 ||
      fl_layer_add_field(*res, "date", FL_FIELD_TEXT) < 0 ||
      fl_layer_add_field(*res, "side_a", FL_FIELD_TEXT) < 0 ||
      fl_layer_add_field(*res, "side_b", FL_FIELD_TEXT) < 0 ||
      fl_layer_add_field(*res, "length_km", FL_FIELD_REAL) < 0 ||
      fl_layer_add_field(*res, "edge", FL_FIELD_TEXT) < 0)
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}

/* (G3): one group's lines (ea and eb taken): with a grey zone each side's
 * edge of it, marked, and with centre_line (G4) the line between them. */
static fl_status write_group(fl_ctx *ctx, const out_line *ol, const fl__control_group *cg,
                             const fl_options *opts, GEOSGeometry *ea, GEOSGeometry *eb) {
  GEOSContextHandle_t h = ctx->geos;
  fl_status st = FL_OK;
  GEOSGeometry *mid = NULL; /* (G4) */
  if (opts->centre_line && eb && cg->grey)
    st = fl__centre_line(ctx, ea, eb, cg->contested, &mid);
  if (!st) st = write_line(ctx, ol, ea, eb ? ol->sa : NULL);
  else GEOSGeom_destroy_r(h, ea);
  if (!st && eb) st = write_line(ctx, ol, eb, ol->sb);
  else if (eb) GEOSGeom_destroy_r(h, eb);
  if (!st && mid && GEOSisEmpty_r(h, mid) != 1) st = write_line(ctx, ol, mid, "centre");
  else if (mid) GEOSGeom_destroy_r(h, mid);
  return st;
}

/* Group k of gr: its control group, its edges and its lines into res. */
static fl_status trace_group(fl_ctx *ctx, const fl__prepped *ctl, const fl__groups *gr, size_t k,
                             const GEOSGeometry *mask_ll, const fl_options *opts,
                             const fl_layer *control, fl_layer *res) {
  fl__control_group cg;
  fl_status st = fl__control_group_build(ctx, ctl, gr, (int)k, opts, &cg);
  if (st) return st;
  const char *sa = "", *sb = "";
  GEOSGeometry *ea = NULL, *eb = NULL;
  st = fl__group_edges(ctx, &cg, mask_ll, opts, &sa, &sb, &ea, &eb);
  if (!st) {
    out_line ol = {res, control, &gr->g[k], gr->source_field >= 0, gr->date_field >= 0, sa, sb};
    st = write_group(ctx, &ol, &cg, opts, ea, eb);
  }
  fl__control_group_free(ctx, &cg);
  return st;
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
  fl__prepped ctl;
  fl_status st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &ctl);
  if (st) return st;
  GEOSGeometry *mask_ll = NULL;
  if (mask) {
    st = mask_union(ctx, mask, &mask_ll);
    if (st) { fl__prep_free(ctx, &ctl); return st; }
  }
  fl__groups gr;
  st = fl__groups_build(ctx, control, opts, &gr);
  fl_layer *res = NULL;
  if (!st) st = new_result(ctx, control, &res);
  for (size_t k = 0; !st && k < gr.n; k++) {
    st = trace_group(ctx, &ctl, &gr, k, mask_ll, opts, control, res);
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
