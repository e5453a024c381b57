/*
 * centre_line.c - the centre line of a grey zone: the line through the
 * zone equidistant from the two sides' edges of it (frontline, G4).
 *
 * Rule (G4): both edges are densified every CENTRE_STEP_M metres in one
 * azimuthal equidistant frame centred on the zone; of the Voronoi diagram
 * of all those points, the edges that separate a point of side A's edge
 * from a point of side B's edge (their midpoint is as far from A's points
 * as from B's) are kept, clipped to the zone and merged. Each vertex is
 * then equidistant from the two edges within about CENTRE_STEP_M / 2 where
 * the zone is narrower than the step, and within centimetres where it is
 * several steps wide.
 */
#include <math.h>
#include "fl_crs.h"
#include "fl_prep.h"

#define CENTRE_STEP_M 25.0       /* sample spacing along each edge */
#define CENTRE_STEP_DEG 0.001    /* densify in lon/lat first (~100 m), as frontline.c */
#define CENTRE_REL_TOL 1e-6      /* |dA - dB| allowed, relative ... */
#define CENTRE_ABS_TOL_M 1e-3    /* ... plus absolute, for rounding in the diagram */

/* g densified in lon/lat, projected, densified again in metres; NULL on failure. */
static GEOSGeometry *project_sampled(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *g,
                                     double step_m) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *dense = GEOSDensify_r(h, g, CENTRE_STEP_DEG);
  GEOSGeometry *xy = dense ? fl__frame_project(ctx, f, dense) : NULL;
  GEOSGeometry *out = xy && step_m > 0 ? GEOSDensify_r(h, xy, step_m) : NULL;
  if (dense) GEOSGeom_destroy_r(h, dense);
  if (step_m > 0 && xy) GEOSGeom_destroy_r(h, xy);
  return step_m > 0 ? out : xy;
}

/* Distance from (x,y) to the nearest point held in tree; -1 on failure. */
static double nearest_m(GEOSContextHandle_t h, GEOSSTRtree *tree, const GEOSGeometry *m) {
  const GEOSGeometry *p = GEOSSTRtree_nearest_r(h, tree, m);
  double d = -1;
  if (!p || !GEOSDistance_r(h, p, m, &d)) return -1;
  return d;
}

/* Nonzero when the segment (x0,y0)-(x1,y1) of the diagram separates a point
 * of A from a point of B; -1 on GEOS failure. */
static int separates(GEOSContextHandle_t h, GEOSSTRtree *ta, GEOSSTRtree *tb, double x0,
                     double y0, double x1, double y1) {
  GEOSGeometry *m = GEOSGeom_createPointFromXY_r(h, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
  double da = m ? nearest_m(h, ta, m) : -1, db = m ? nearest_m(h, tb, m) : -1;
  if (m) GEOSGeom_destroy_r(h, m);
  if (da < 0 || db < 0) return -1;
  return fabs(da - db) <= CENTRE_REL_TOL * fmax(da, db) + CENTRE_ABS_TOL_M;
}

/* A tree of the points of P (borrowed: P outlives it); NULL on failure. */
static GEOSSTRtree *point_tree(GEOSContextHandle_t h, const GEOSGeometry *P) {
  GEOSSTRtree *t = GEOSSTRtree_create_r(h, 10);
  int n = t ? GEOSGetNumGeometries_r(h, P) : 0;
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *p = GEOSGetGeometryN_r(h, P, i);
    GEOSSTRtree_insert_r(h, t, p, (void *)p);
  }
  return t;
}

/* Append the kept segments of one diagram edge to segs (grown as needed). */
static int keep_segments(GEOSContextHandle_t h, const GEOSGeometry *line,
                         GEOSSTRtree *pa, GEOSSTRtree *pb,
                         GEOSGeometry ***segs, size_t *n, size_t *cap) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, line);
  unsigned int np = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &np)) return -1;
  for (unsigned int i = 0; i + 1 < np; i++) {
    double x0, y0, x1, y1;
    if (!GEOSCoordSeq_getXY_r(h, cs, i, &x0, &y0) || !GEOSCoordSeq_getXY_r(h, cs, i + 1, &x1, &y1))
      return -1;
    int k = separates(h, pa, pb, x0, y0, x1, y1);
    if (k < 0) return -1;
    if (!k) continue;
    if (*n == *cap) {
      size_t nc = *cap ? 2 * *cap : 256;
      GEOSGeometry **g = realloc(*segs, nc * sizeof *g);
      if (!g) return -1;
      *segs = g;
      *cap = nc;
    }
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, 2, 2);
    if (!s) return -1;
    GEOSCoordSeq_setXY_r(h, s, 0, x0, y0);
    GEOSCoordSeq_setXY_r(h, s, 1, x1, y1);
    GEOSGeometry *seg = GEOSGeom_createLineString_r(h, s);
    if (!seg) return -1;
    (*segs)[(*n)++] = seg;
  }
  return 0;
}

/* The bisector of points PA and PB (projected): the diagram's edges between
 * them, as one multilinestring; NULL on failure. */
static GEOSGeometry *bisector(GEOSContextHandle_t h, const GEOSGeometry *PA,
                             const GEOSGeometry *PB) {
  GEOSGeometry *sites = GEOSUnion_r(h, PA, PB);
  GEOSGeometry *vor = sites ? GEOSVoronoiDiagram_r(h, sites, NULL, 0.0, 1) : NULL;
  GEOSSTRtree *pa = point_tree(h, PA), *pb = point_tree(h, PB);
  GEOSGeometry **segs = NULL, *out = NULL;
  size_t n = 0, cap = 0;
  int bad = !vor || !pa || !pb;
  int ng = bad ? 0 : GEOSGetNumGeometries_r(h, vor);
  for (int i = 0; !bad && i < ng; i++)
    bad = keep_segments(h, GEOSGetGeometryN_r(h, vor, i), pa, pb, &segs, &n, &cap) != 0;
  if (!bad) out = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, segs, (unsigned)n);
  if (!out) for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, segs[i]);
  free(segs);
  if (pa) GEOSSTRtree_destroy_r(h, pa);
  if (pb) GEOSSTRtree_destroy_r(h, pb);
  if (vor) GEOSGeom_destroy_r(h, vor);
  if (sites) GEOSGeom_destroy_r(h, sites);
  return out;
}

static fl_status centre_line(fl_ctx *ctx, const GEOSGeometry *edge_a, const GEOSGeometry *edge_b,
                             const GEOSGeometry *zone, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, zone, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  const GEOSGeometry *all[3] = {zone, edge_a, edge_b};
  fl__frame f;
  fl__frame_init(&f, &ctx->geod, fl__centre_lon(ctx, all, 3, minx, maxx), 0.5 * (miny + maxy));
  GEOSGeometry *A = project_sampled(ctx, &f, edge_a, CENTRE_STEP_M);
  GEOSGeometry *B = project_sampled(ctx, &f, edge_b, CENTRE_STEP_M);
  GEOSGeometry *C = project_sampled(ctx, &f, zone, 0);
  GEOSGeometry *PA = A ? GEOSGeom_extractUniquePoints_r(h, A) : NULL;
  GEOSGeometry *PB = B ? GEOSGeom_extractUniquePoints_r(h, B) : NULL;
  GEOSGeometry *bis = PA && PB ? bisector(h, PA, PB) : NULL;
  GEOSGeometry *cut = bis && C ? GEOSIntersection_r(h, bis, C) : NULL;
  GEOSGeometry *merged = cut ? GEOSLineMerge_r(h, cut) : NULL;
  GEOSGeometry *res = merged ? fl__frame_unproject_cut(ctx, &f, merged) : NULL;
  GEOSGeometry *tmp[] = {A, B, C, PA, PB, bis, cut, merged};
  for (size_t i = 0; i < sizeof tmp / sizeof tmp[0]; i++)
    if (tmp[i]) GEOSGeom_destroy_r(h, tmp[i]);
  if (!res) return fl__fail_geos(ctx, "tracing the centre line of a grey zone");
  GEOSSetSRID_r(h, res, 4326);
  *out = res;
  return FL_OK;
}

fl_status fl__centre_line(fl_ctx *ctx, const GEOSGeometry *edge_a, const GEOSGeometry *edge_b,
                          const GEOSGeometry *zone, GEOSGeometry **out) {
  *out = NULL;
  if (!edge_a || !edge_b || !zone || GEOSisEmpty_r(ctx->geos, edge_a) == 1 ||
      GEOSisEmpty_r(ctx->geos, edge_b) == 1 || GEOSisEmpty_r(ctx->geos, zone) == 1)
    return FL_OK; /* no zone between two edges: no centre line */
  fl_ctx *old = fl__interrupt_enter(ctx);
  fl_status st = centre_line(ctx, edge_a, edge_b, zone, out);
  fl__interrupt_leave(old);
  return st;
}
