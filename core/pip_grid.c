/*
 * pip_grid.c - the point-in-area grid (fl_pip_grid.h).
 *
 * Why: T1 tests a million points against two polygons of 100,000 vertices;
 * GEOS's prepared intersects wants a GEOS point per test and walks its
 * interval index each time. Nearly every point lies far from an edge.
 *
 * How (each step keeps the answer GEOS's):
 *   (G1) a grid of about 4 cells per edge (at most 2^20) over the area's
 *        envelope; a point outside the envelope is outside the area;
 *   (G2) every edge marks the cells its pieces' boxes touch (a piece at most
 *        a cell long), each box widened by a margin far above the rounding of
 *        the cell index (1e-6 of a cell, plus 1e-15 of the coordinates): a
 *        point's computed cell and its true place are never on two sides of
 *        an unmarked cell's edge;
 *   (G3) no edge meets an unmarked cell (nor its margin), so the whole
 *        closed cell is inside or outside; two unmarked cells side by side in
 *        a row form one rectangle no edge meets, so one GEOS test of a cell's
 *        centre decides a whole run of them;
 *   (G4) a point in a marked cell is left to the caller (-1).
 * Not here: the holding rules (holding.c, holding_kernel.c).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_pip_grid.h"

#define CELLS_PER_EDGE 4
#define MAX_CELLS ((size_t)1 << 20)
#define MIN_CELLS 64

enum { OUT = 0, IN = 1, EDGE = 2 };

struct fl__pip_grid {
  double x0, y0, x1, y1;  /* the envelope */
  double cw, ch;          /* cell width and height */
  size_t nx, ny;
  unsigned char *cell;    /* [j * nx + i]: OUT, IN or EDGE */
};

static size_t clamp_index(double v, size_t n) {
  if (!(v > 0)) return 0;
  return v >= (double)n ? n - 1 : (size_t)v;
}

/* (G2) the cells of the box [ax, bx] x [ay, by] widened by the margin. */
static void mark_box(fl__pip_grid *g, double ax, double ay, double bx, double by, double mx,
                     double my) {
  size_t i0 = clamp_index((fmin(ax, bx) - mx - g->x0) / g->cw, g->nx);
  size_t i1 = clamp_index((fmax(ax, bx) + mx - g->x0) / g->cw, g->nx);
  size_t j0 = clamp_index((fmin(ay, by) - my - g->y0) / g->ch, g->ny);
  size_t j1 = clamp_index((fmax(ay, by) + my - g->y0) / g->ch, g->ny);
  for (size_t j = j0; j <= j1; j++)
    for (size_t i = i0; i <= i1; i++) g->cell[j * g->nx + i] = EDGE;
}

/* (G2) an edge in pieces at most about a cell long. */
static void mark_edge(fl__pip_grid *g, double ax, double ay, double bx, double by, double mx,
                      double my) {
  double cells = fmax(fabs(bx - ax) / g->cw, fabs(by - ay) / g->ch);
  size_t k = cells < 1 ? 1 : (size_t)ceil(cells);
  double px = ax, py = ay;
  for (size_t p = 1; p <= k; p++) {
    double t = (double)p / (double)k;
    double qx = p == k ? bx : ax + t * (bx - ax), qy = p == k ? by : ay + t * (by - ay);
    mark_box(g, px, py, qx, qy, mx, my);
    px = qx, py = qy;
  }
}

/* One ring: its edges marked on g, or (g NULL) counted into *n_edges. */
static fl_status ring_edges(fl_ctx *ctx, const GEOSGeometry *ring, fl__pip_grid *g,
                            size_t *n_edges) {
  GEOSContextHandle_t h = ctx->geos;
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) return fl__fail_geos(ctx, "reading a ring");
  if (!g) {
    *n_edges += n;
    return FL_OK;
  }
  double mx = 1e-6 * g->cw + 1e-15 * (fabs(g->x0) + fabs(g->x1));
  double my = 1e-6 * g->ch + 1e-15 * (fabs(g->y0) + fabs(g->y1));
  double px = 0, py = 0;
  for (unsigned int v = 0; v < n; v++) {
    double x, y;
    if (!GEOSCoordSeq_getXY_r(h, cs, v, &x, &y)) return fl__fail_geos(ctx, "reading a ring");
    if (v > 0) mark_edge(g, px, py, x, y, mx, my);
    else mark_box(g, x, y, x, y, mx, my);
    px = x, py = y;
  }
  return FL_OK;
}

/* Every ring of every polygon of area: counted (g NULL) or marked. */
static fl_status all_edges(fl_ctx *ctx, const GEOSGeometry *area, fl__pip_grid *g,
                           size_t *n_edges) {
  GEOSContextHandle_t h = ctx->geos;
  int np = GEOSGetNumGeometries_r(h, area);
  for (int p = 0; p < np; p++) {
    const GEOSGeometry *poly = GEOSGetGeometryN_r(h, area, p);
    int ni = poly ? GEOSGetNumInteriorRings_r(h, poly) : -1;
    if (ni < 0) return fl__fail_geos(ctx, "reading a polygon");
    fl_status st = ring_edges(ctx, GEOSGetExteriorRing_r(h, poly), g, n_edges);
    for (int r = 0; !st && r < ni; r++)
      st = ring_edges(ctx, GEOSGetInteriorRingN_r(h, poly, r), g, n_edges);
    if (st) return st;
  }
  return FL_OK;
}

/* (G3) one exact test per run of unmarked cells in each row. */
static fl_status classify(fl_ctx *ctx, fl__pip_grid *g, const GEOSPreparedGeometry *prep) {
  GEOSContextHandle_t h = ctx->geos;
  for (size_t j = 0; j < g->ny; j++) {
    unsigned char *row = g->cell + j * g->nx;
    for (size_t i = 0; i < g->nx;) {
      if (row[i] == EDGE) { i++; continue; }
      double x = g->x0 + ((double)i + 0.5) * g->cw, y = g->y0 + ((double)j + 0.5) * g->ch;
      GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
      char hit = pt ? GEOSPreparedIntersects_r(h, prep, pt) : 2;
      if (pt) GEOSGeom_destroy_r(h, pt);
      if (hit == 2) return fl__fail_geos(ctx, "testing a grid cell");
      for (; i < g->nx && row[i] != EDGE; i++) row[i] = hit ? IN : OUT;
    }
  }
  return FL_OK;
}

/* (G1) the envelope and the cells; 0 when the area has no width or height. */
static int size_grid(fl_ctx *ctx, const GEOSGeometry *area, size_t n_edges, fl__pip_grid *g) {
  GEOSContextHandle_t h = ctx->geos;
  if (!GEOSGeom_getXMin_r(h, area, &g->x0) || !GEOSGeom_getYMin_r(h, area, &g->y0) ||
      !GEOSGeom_getXMax_r(h, area, &g->x1) || !GEOSGeom_getYMax_r(h, area, &g->y1))
    return 0;
  double w = g->x1 - g->x0, ht = g->y1 - g->y0;
  if (!(w > 0) || !(ht > 0) || !isfinite(w) || !isfinite(ht)) return 0;
  double cells = (double)n_edges * CELLS_PER_EDGE;
  cells = fmin(fmax(cells, MIN_CELLS), (double)MAX_CELLS);
  double nx = fmin(fmax(round(sqrt(cells * w / ht)), 1), cells);
  g->nx = (size_t)nx;
  g->ny = (size_t)fmax(1, floor(cells / nx));
  g->cw = w / (double)g->nx;
  g->ch = ht / (double)g->ny;
  return g->cw > 0 && g->ch > 0;
}

fl_status fl__pip_grid_build(fl_ctx *ctx, const GEOSGeometry *area,
                             const GEOSPreparedGeometry *prep, fl__pip_grid **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  int t = GEOSGeomTypeId_r(h, area);
  if ((t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) || GEOSisEmpty_r(h, area) != 0) return FL_OK;
  size_t n_edges = 0;
  fl_status st = all_edges(ctx, area, NULL, &n_edges);
  if (st) return st;
  fl__pip_grid *g = calloc(1, sizeof *g);
  if (!g) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!size_grid(ctx, area, n_edges, g)) {
    free(g);
    return FL_OK;
  }
  g->cell = calloc(g->nx * g->ny, 1);
  if (!g->cell) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) st = all_edges(ctx, area, g, &n_edges);
  if (!st) st = classify(ctx, g, prep);
  if (st) {
    fl__pip_grid_free(g);
    return st;
  }
  *out = g;
  return FL_OK;
}

int fl__pip_grid_locate(const fl__pip_grid *g, double x, double y) {
  if (x < g->x0 || x > g->x1 || y < g->y0 || y > g->y1) return 0; /* (G1) */
  size_t i = clamp_index((x - g->x0) / g->cw, g->nx);
  size_t j = clamp_index((y - g->y0) / g->ch, g->ny);
  unsigned char c = g->cell[j * g->nx + i];
  return c == EDGE ? -1 : c; /* (G4), (G3) */
}

void fl__pip_grid_free(fl__pip_grid *g) {
  if (!g) return;
  free(g->cell);
  free(g);
}
