/*
 * buffer_side.c - one side of a line's buffer, in a frame (buffer.c (U7)).
 *
 * The two-sided buffer is cut into faces by the line itself, extended
 * straight past every end of its pieces (so that each piece crosses the
 * buffer), and by a perpendicular at each of the line's own ends. A face is
 * kept when an inner point of it lies on the wanted side of its nearest line
 * segment (left: a positive cross product with the segment's direction) and
 * not beyond one of the line's own ends (one-sided buffers end flat). The
 * nearest point of the line to a point of a face is reached without crossing
 * the line, so the side there is the face's side: no face is split between
 * sides, no ground next to the line is lost, and left and right never
 * overlap, however the line winds.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "fl_crs.h"
#include "fl_geodesy.h"

typedef struct side_job {
  GEOSContextHandle_t h;
  double *xy;       /* every vertex of every piece, [2 n] */
  size_t *start;    /* first vertex of each piece, [n_parts + 1] */
  size_t n, cap, n_parts, cap_parts;
  int failed;
} side_job;

static int push_piece(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  side_job *j = user;
  unsigned int m = 0;
  GEOSCoordSeq_getSize_r(j->h, s, &m);
  if (m < 2) return 0;
  if (j->n + m > j->cap) {
    size_t cap = 2 * (j->n + m);
    double *g = realloc(j->xy, 2 * cap * sizeof *g);
    if (!g) return j->failed = 1;
    j->xy = g;
    j->cap = cap;
  }
  if (j->n_parts + 2 > j->cap_parts) {
    size_t cap = 2 * (j->n_parts + 2);
    size_t *g = realloc(j->start, cap * sizeof *g);
    if (!g) return j->failed = 1;
    j->start = g;
    j->cap_parts = cap;
  }
  j->start[j->n_parts++] = j->n;
  for (unsigned int i = 0; i < m; i++, j->n++)
    GEOSCoordSeq_getXY_r(j->h, s, i, &j->xy[2 * j->n], &j->xy[2 * j->n + 1]);
  j->start[j->n_parts] = j->n;
  return 0;
}

static GEOSGeometry *segment(GEOSContextHandle_t h, double x0, double y0, double x1, double y1) {
  double c[4] = {x0, y0, x1, y1};
  GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(h, c, 2, 0, 0);
  return s ? GEOSGeom_createLineString_r(h, s) : NULL;
}

/* Whether (x, y) is one of the line's own ends (frame metres). */
static int is_end(const double *ends, size_t n_ends, double x, double y) {
  for (size_t i = 0; i < n_ends; i++)
    if (fabs(ends[2 * i] - x) < 1e-3 && fabs(ends[2 * i + 1] - y) < 1e-3) return 1;
  return 0;
}

/* The cutting lines: each piece extended by ext at both ends, and a
 * perpendicular of half-length ext at each own end. NULL on failure. */
static GEOSGeometry *cutters(const side_job *j, const double *ends, size_t n_ends, double ext) {
  GEOSContextHandle_t h = j->h;
  size_t cap = 3 * j->n_parts + j->n, k = 0;
  GEOSGeometry **g = calloc(cap ? cap : 1, sizeof *g);
  if (!g) return NULL;
  for (size_t p = 0; p < j->n_parts; p++) {
    size_t a = j->start[p], b = j->start[p + 1] - 1;
    for (size_t i = a; i < b; i++)
      g[k++] = segment(h, j->xy[2 * i], j->xy[2 * i + 1], j->xy[2 * i + 2], j->xy[2 * i + 3]);
    for (int e = 0; e < 2; e++) {
      size_t v = e ? b : a, w = e ? b - 1 : a + 1; /* the end and its neighbour */
      double ux = j->xy[2 * v] - j->xy[2 * w], uy = j->xy[2 * v + 1] - j->xy[2 * w + 1];
      double len = hypot(ux, uy);
      if (len == 0) continue;
      ux /= len;
      uy /= len;
      double x = j->xy[2 * v], y = j->xy[2 * v + 1];
      g[k++] = segment(h, x, y, x + ux * ext, y + uy * ext);
      if (is_end(ends, n_ends, x, y))
        g[k++] = segment(h, x - uy * ext, y + ux * ext, x + uy * ext, y - ux * ext);
    }
  }
  for (size_t i = 0; i < k; i++)
    if (!g[i]) {
      for (size_t m = 0; m < k; m++) GEOSGeom_destroy_r(h, g[m]);
      free(g);
      return NULL;
    }
  GEOSGeometry *c = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, g, (unsigned int)k);
  free(g);
  return c;
}

/* 1 when (px, py) is on the wanted side of its nearest segment and not
 * beyond one of the line's own ends. */
static int keep_point(const side_job *j, const double *ends, size_t n_ends, fl_side side,
                      double px, double py) {
  double best = DBL_MAX, cross = 0;
  int beyond = 0;
  for (size_t p = 0; p < j->n_parts; p++) {
    size_t a = j->start[p], b = j->start[p + 1] - 1;
    for (size_t i = a; i < b; i++) {
      double x0 = j->xy[2 * i], y0 = j->xy[2 * i + 1];
      double vx = j->xy[2 * i + 2] - x0, vy = j->xy[2 * i + 3] - y0;
      double l2 = vx * vx + vy * vy;
      double t = l2 > 0 ? ((px - x0) * vx + (py - y0) * vy) / l2 : 0.0;
      double tc = t < 0 ? 0 : (t > 1 ? 1 : t);
      double d = hypot(px - x0 - tc * vx, py - y0 - tc * vy);
      if (d < best) {
        best = d;
        cross = vx * (py - y0) - vy * (px - x0);
        beyond = (t < 0 && i == a && is_end(ends, n_ends, x0, y0)) ||
                 (t > 1 && i + 1 == b && is_end(ends, n_ends, x0 + vx, y0 + vy));
      }
    }
  }
  if (beyond) return 0;
  return side == FL_SIDE_LEFT ? cross > 0 : cross < 0;
}

/* The faces of both cut by the cutting lines that keep_point keeps, as one
 * polygonal geometry; NULL on failure. */
static GEOSGeometry *kept_faces(const side_job *j, const GEOSGeometry *both,
                                const GEOSGeometry *cut, const double *ends, size_t n_ends,
                                fl_side side) {
  GEOSContextHandle_t h = j->h;
  GEOSGeometry *bnd = GEOSBoundary_r(h, both);
  GEOSGeometry *lines = bnd ? GEOSUnion_r(h, bnd, cut) : NULL;
  GEOSGeom_destroy_r(h, bnd);
  if (!lines) return NULL;
  const GEOSGeometry *in[1] = {lines};
  GEOSGeometry *faces = GEOSPolygonize_r(h, in, 1);
  GEOSGeom_destroy_r(h, lines);
  if (!faces) return NULL;
  const GEOSPreparedGeometry *pb = GEOSPrepare_r(h, both);
  int n = GEOSGetNumGeometries_r(h, faces), m = 0;
  GEOSGeometry **keep = calloc(n > 0 ? (size_t)n : 1, sizeof *keep);
  for (int i = 0; keep && pb && i < n; i++) {
    const GEOSGeometry *f = GEOSGetGeometryN_r(h, faces, i);
    GEOSGeometry *pt = GEOSPointOnSurface_r(h, f);
    double px, py;
    int ok = pt && GEOSGeomGetX_r(h, pt, &px) && GEOSGeomGetY_r(h, pt, &py) &&
             GEOSPreparedContains_r(h, pb, pt) == 1 && keep_point(j, ends, n_ends, side, px, py);
    GEOSGeom_destroy_r(h, pt);
    if (ok) keep[m++] = GEOSGeom_clone_r(h, f);
  }
  if (pb) GEOSPreparedGeom_destroy_r(h, pb);
  GEOSGeom_destroy_r(h, faces);
  if (!keep) return NULL;
  GEOSGeometry *c = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, keep, (unsigned int)m);
  free(keep);
  GEOSGeometry *u = c ? GEOSUnaryUnion_r(h, c) : NULL;
  GEOSGeom_destroy_r(h, c);
  return u;
}

GEOSGeometry *fl__buffer_side(fl_ctx *ctx, const GEOSGeometry *both, const GEOSGeometry *line,
                              double dist_m, fl_side side, const double *ends, size_t n_ends) {
  side_job j = {ctx->geos, NULL, NULL, 0, 0, 0, 0, 0};
  fl__each_seq(ctx->geos, line, push_piece, &j);
  GEOSGeometry *r = NULL;
  if (!j.failed && j.n_parts) {
    GEOSGeometry *cut = cutters(&j, ends, n_ends, 1.5 * dist_m + 10.0);
    r = cut ? kept_faces(&j, both, cut, ends, n_ends, side) : NULL;
    if (cut) GEOSGeom_destroy_r(ctx->geos, cut);
  } else if (!j.failed) {
    r = GEOSGeom_createEmptyPolygon_r(ctx->geos);
  }
  free(j.xy);
  free(j.start);
  return r;
}
