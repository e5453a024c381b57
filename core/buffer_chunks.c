/*
 * buffer_chunks.c - a frame buffer in pieces short enough to stop (buffer.c
 * (U11)).
 *
 * GEOS 3.11 checks its interrupt flag in some stages of a buffer but not in
 * the noding of the raw offset curve (BufferBuilder::computeNodedEdges) nor
 * in the removal of repeated points after it, and those stages grow with
 * the square of the offset segments that overlap: a line that winds back
 * on itself within the buffer distance (a zig-zag of 1,500 vertices 5 km
 * apart buffered by 30 km) kept one call busy for minutes, deaf to Ctrl-C.
 *
 * So a line is cut into chunks of consecutive vertices, each chunk sharing
 * its last vertex with the next, and each chunk is buffered alone; the
 * chunks' buffers are then dissolved pairwise. With round joins and caps
 * this is exact: the buffer of a union is the union of the buffers (a
 * Minkowski sum), and at a shared vertex both chunks' round caps cover the
 * round join they replace; the arcs are drawn with the same QUAD_SEGS, so
 * (U3) holds unchanged. A chunk ends after CHUNK_VERTICES vertices or once
 * its path is CHUNK_LEN_REL buffer distances long, whichever comes first:
 * the path length bounds how much of the chunk's offset curve can overlap
 * itself, whatever the line's shape. A polygon's buffer is the polygon
 * with the chunked buffer of its rings. Between two GEOS calls the ctx's
 * stop conditions (cancel flag, deadline, the host's poll) are checked, so
 * a run stops within one short call.
 * Not here: frames, tiles and one side (buffer.c, buffer_side.c).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_geodesy.h"

#define CHUNK_VERTICES 64
#define CHUNK_LEN_REL 4.0

typedef struct chunk_job {
  GEOSContextHandle_t h;
  double max_len_m;           /* path length of a chunk */
  GEOSGeometry **g;           /* the chunks, then their buffers */
  size_t n, cap;
  int failed;
} chunk_job;

static int push(chunk_job *j, GEOSGeometry *g) {
  if (!g) return j->failed = 1;
  if (j->n == j->cap) {
    size_t cap = j->cap ? 2 * j->cap : 16;
    GEOSGeometry **p = realloc(j->g, cap * sizeof *p);
    if (!p) {
      GEOSGeom_destroy_r(j->h, g);
      return j->failed = 1;
    }
    j->g = p;
    j->cap = cap;
  }
  j->g[j->n++] = g;
  return 0;
}

static GEOSGeometry *line_of(GEOSContextHandle_t h, const double *xy, size_t n) {
  GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned int)n, 0, 0);
  return s ? GEOSGeom_createLineString_r(h, s) : NULL;
}

/* Cut one line or ring into chunks sharing their end vertices. */
static int split_seq(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  chunk_job *j = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(j->h, s, &n);
  if (n == 0) return 0;
  double *xy = malloc(2 * (size_t)n * sizeof *xy);
  if (!xy || !GEOSCoordSeq_copyToBuffer_r(j->h, s, xy, 0, 0)) {
    free(xy);
    return j->failed = 1;
  }
  if (n == 1) push(j, GEOSGeom_createPointFromXY_r(j->h, xy[0], xy[1]));
  for (size_t a = 0; n > 1 && a + 1 < n && !j->failed;) {
    size_t b = a + 1;
    double len = hypot(xy[2 * b] - xy[2 * a], xy[2 * b + 1] - xy[2 * a + 1]);
    while (b + 1 < n && b - a + 1 < CHUNK_VERTICES) {
      double next = hypot(xy[2 * b + 2] - xy[2 * b], xy[2 * b + 3] - xy[2 * b + 1]);
      if (len + next > j->max_len_m) break;
      len += next;
      b++;
    }
    push(j, line_of(j->h, xy + 2 * a, b - a + 1));
    a = b;
  }
  free(xy);
  return j->failed;
}

static void destroy_all(GEOSContextHandle_t h, GEOSGeometry **g, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (g[k]) GEOSGeom_destroy_r(h, g[k]);
}

/* A stop between two GEOS calls reads as GEOS's own interrupt. */
static int stopped(fl_ctx *ctx) {
  if (!fl__should_stop(ctx)) return 0;
  snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "InterruptedException: Interrupted!");
  return 1;
}

/* Dissolve g[0..n) (taken) pairwise, a level at a time. NULL on failure. */
static GEOSGeometry *union_tree(fl_ctx *ctx, GEOSGeometry **g, size_t n) {
  GEOSContextHandle_t h = ctx->geos;
  while (n > 1) {
    size_t m = 0;
    for (size_t k = 0; k < n; k += 2) {
      GEOSGeometry *u = g[k];
      if (k + 1 < n) {
        u = NULL;
        if (!stopped(ctx)) FL__GEOS_CALL(ctx, u, GEOSUnion_r(h, g[k], g[k + 1]));
        GEOSGeom_destroy_r(h, g[k]);
        GEOSGeom_destroy_r(h, g[k + 1]);
        g[k] = g[k + 1] = NULL;
        if (!u) {
          destroy_all(h, g, n); /* results in [0, m), NULLs, inputs from k + 2 */
          return NULL;
        }
      }
      g[k] = NULL;
      g[m++] = u;
    }
    n = m;
  }
  return n ? g[0] : NULL;
}

/* A hole of a buffer is real only where the ground lies dist_m or more from
 * the input: GEOS 3.11.1's buffer of some lines of many short, nearly
 * collinear edges (a front digitised with a 1 m random walk, simplified)
 * leaves thin false holes inside, up to 3 % short of the distance (on the
 * bench front, two of 240-300 m2 in the 20 km buffer and one of 4 m2 in the
 * 5 km buffer, each then a crumb of the next band; the whole line buffered
 * at once has none). In the frame, a real hole's inner points lie at least
 * the distance less the arcs' chord sag (0.03 %, (U3)) from the input, so a
 * hole whose inner point lies nearer than FALSE_HOLE_REL times the distance
 * is filled. Takes b; NULL on failure. */
#define FALSE_HOLE_REL 0.9995

static int is_false_hole(GEOSContextHandle_t h, const GEOSGeometry *ring, const GEOSGeometry *src,
                         double dist_m) {
  GEOSGeometry *shell = GEOSGeom_clone_r(h, ring);
  GEOSGeometry *poly = shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL;
  GEOSGeometry *pt = poly ? GEOSPointOnSurface_r(h, poly) : NULL;
  double d = dist_m;
  int ok = pt && GEOSDistance_r(h, pt, src, &d) == 1;
  if (pt) GEOSGeom_destroy_r(h, pt);
  if (poly) GEOSGeom_destroy_r(h, poly);
  else if (shell) GEOSGeom_destroy_r(h, shell);
  return ok && d < FALSE_HOLE_REL * dist_m;
}

/* poly without its false holes (a new polygon), or NULL when it has none or
 * on failure (*failed set). */
static GEOSGeometry *without_false_holes(GEOSContextHandle_t h, const GEOSGeometry *poly,
                                         const GEOSGeometry *src, double dist_m, int *failed) {
  int n = GEOSGetNumInteriorRings_r(h, poly), keep = 0;
  if (n <= 0) return NULL;
  GEOSGeometry **holes = malloc((size_t)n * sizeof *holes);
  GEOSGeometry *shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, poly));
  if (!holes || !shell) {
    free(holes);
    if (shell) GEOSGeom_destroy_r(h, shell);
    *failed = 1;
    return NULL;
  }
  for (int i = 0; i < n && !*failed; i++) {
    const GEOSGeometry *r = GEOSGetInteriorRingN_r(h, poly, i);
    if (is_false_hole(h, r, src, dist_m)) continue;
    if (!(holes[keep++] = GEOSGeom_clone_r(h, r))) *failed = 1;
  }
  GEOSGeometry *out = NULL;
  if (!*failed && keep < n) out = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned int)keep);
  if (!out) {
    for (int i = 0; i < keep; i++)
      if (holes[i]) GEOSGeom_destroy_r(h, holes[i]);
    GEOSGeom_destroy_r(h, shell);
    if (keep < n && !*failed) *failed = 1;
  }
  free(holes);
  return out;
}

static GEOSGeometry *fill_false_holes(GEOSContextHandle_t h, GEOSGeometry *b, const GEOSGeometry *src,
                                      double dist_m) {
  if (!b) return NULL;
  int t = GEOSGeomTypeId_r(h, b);
  if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) return b;
  int n = t == GEOS_POLYGON ? 1 : GEOSGetNumGeometries_r(h, b), failed = 0, changed = 0;
  GEOSGeometry **parts = calloc((size_t)(n > 0 ? n : 1), sizeof *parts);
  if (!parts) failed = 1;
  for (int i = 0; i < n && !failed; i++) {
    const GEOSGeometry *poly = t == GEOS_POLYGON ? b : GEOSGetGeometryN_r(h, b, i);
    parts[i] = without_false_holes(h, poly, src, dist_m, &failed);
    if (parts[i]) changed = 1;
    else if (!failed && !(parts[i] = GEOSGeom_clone_r(h, poly))) failed = 1;
  }
  GEOSGeometry *out = NULL;
  if (!failed && changed)
    out = t == GEOS_POLYGON ? parts[0]
                            : GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned int)n);
  if (!out)
    for (int i = 0; i < n && parts; i++)
      if (parts[i]) GEOSGeom_destroy_r(h, parts[i]);
  free(parts);
  if (!failed && !changed) return b;
  GEOSGeom_destroy_r(h, b);
  return failed ? NULL : out;
}

static int is_chunkable(GEOSContextHandle_t h, const GEOSGeometry *xy) {
  int t = GEOSGeomTypeId_r(h, xy);
  return t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING || t == GEOS_POLYGON ||
         t == GEOS_MULTIPOLYGON;
}

GEOSGeometry *fl__buffer_chunked(fl_ctx *ctx, const GEOSGeometry *xy, const GEOSBufferParams *p,
                                 double dist_m) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry *b = NULL;
  int polygonal = GEOSGeom_getDimensions_r(h, xy) == 2;
  if (dist_m <= 0 || !is_chunkable(h, xy) || GEOSGetNumCoordinates_r(h, xy) <= CHUNK_VERTICES) {
    FL__GEOS_CALL(ctx, b, GEOSBufferWithParams_r(h, xy, p, dist_m));
    return dist_m > 0 ? fill_false_holes(h, b, xy, dist_m) : b;
  }
  chunk_job j = {h, CHUNK_LEN_REL * dist_m, NULL, 0, 0, 0};
  GEOSGeometry *rings = polygonal ? GEOSBoundary_r(h, xy) : NULL;
  if (polygonal && (!rings || push(&j, GEOSGeom_clone_r(h, xy)))) j.failed = 1;
  if (!j.failed) fl__each_seq(h, polygonal ? rings : xy, split_seq, &j);
  if (rings) GEOSGeom_destroy_r(h, rings);
  for (size_t k = polygonal ? 1 : 0; !j.failed && k < j.n; k++) {
    GEOSGeometry *c = NULL;
    if (stopped(ctx)) j.failed = 1;
    else FL__GEOS_CALL(ctx, c, GEOSBufferWithParams_r(h, j.g[k], p, dist_m));
    c = fill_false_holes(h, c, j.g[k], dist_m);
    GEOSGeom_destroy_r(h, j.g[k]);
    j.g[k] = c;
    if (!c) j.failed = 1;
  }
  if (!j.failed) b = union_tree(ctx, j.g, j.n);
  else destroy_all(h, j.g, j.n);
  free(j.g);
  if (!b && !fl__should_stop(ctx)) { /* a chunk or a union failed: the whole line, in one call */
    FL__GEOS_CALL(ctx, b, GEOSBufferWithParams_r(h, xy, p, dist_m));
    b = fill_false_holes(h, b, xy, dist_m);
  }
  return b;
}
