/*
 * route_pieces.c - the parts of a route kept while it is walked (route
 * exposure's exposed parts, (R4), and the parts in view, (R8)): lon/lat
 * vertices in a growing buffer, NAN, NAN between pieces, and the pieces
 * as one MULTILINESTRING at the end.
 * Not here: the walk (route_kernel.c).
 */
#include <math.h>

#include "fl_prep.h"

int fl__piece_push(fl__piece_buf *p, double x, double y) {
  if (p->n + 2 > p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    double *g = realloc(p->xy, cap * sizeof *g);
    if (!g) return -1;
    p->xy = g;
    p->cap = cap;
  }
  p->xy[p->n++] = x;
  p->xy[p->n++] = y;
  return 0;
}

/* Exposed parts as a MULTILINESTRING (lon/lat); NULL when there are none. */
GEOSGeometry *fl__pieces_geometry(fl_ctx *ctx, const fl__piece_buf *p) {
  GEOSContextHandle_t h = ctx->geos;
  size_t n_lines = 0, cap = 4;
  GEOSGeometry **lines = malloc(cap * sizeof *lines);
  if (!lines) return NULL;
  size_t start = 0;
  for (size_t i = 0; i <= p->n; i += 2) {
    int end = i == p->n || isnan(p->xy[i]);
    if (!end) continue;
    size_t n_pts = (i - start) / 2;
    if (n_pts >= 2) {
      GEOSCoordSequence *cs = GEOSCoordSeq_copyFromBuffer_r(h, p->xy + start, (unsigned)n_pts, 0, 0);
      GEOSGeometry *l = cs ? GEOSGeom_createLineString_r(h, cs) : NULL;
      if (l) {
        if (n_lines == cap) {
          cap *= 2;
          GEOSGeometry **g = realloc(lines, cap * sizeof *g);
          if (!g) { GEOSGeom_destroy_r(h, l); break; }
          lines = g;
        }
        lines[n_lines++] = l;
      }
    }
    start = i + 2;
  }
  GEOSGeometry *m = NULL;
  if (n_lines) {
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, lines,
                                                     (unsigned)n_lines);
    m = coll ? GEOSLineMerge_r(h, coll) : NULL;
    if (coll) GEOSGeom_destroy_r(h, coll);
    if (m && GEOSGeomTypeId_r(h, m) == GEOS_LINESTRING) { /* keep one declared type */
      GEOSGeometry *one[1] = {m};
      m = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, one, 1);
    }
  }
  free(lines);
  return m;
}

