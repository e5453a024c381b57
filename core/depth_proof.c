/*
 * depth_proof.c - fl__depth_covered(): a one-step proof that no point of a
 * polygon lies farther than a given distance from the indexed geometries,
 * for the depth search (depth.c) on polygons its cells settle slowly: thin
 * slivers along the front, whose cells must shrink to the tolerance all
 * along them.
 *
 * Rules:
 *   (DP1) the proof works in the index's frame (azimuthal equidistant: exact
 *         along its radii, stretched across them, never shrunk), where a
 *         straight frame segment is no shorter than the geodesic between its
 *         ends: a frame distance bounds the true distance from above.
 *   (DP2) the indexed pieces near the polygon (their frame boxes within the
 *         distance of the polygon's frame box) are taken as their chords,
 *         which lie within FL__PIECE_SAG_M of the pieces; the polygon,
 *         densified to DENSIFY_DEG in lon/lat, by its projected vertices.
 *   (DP3) the polygon is proven within dist_m when the planar buffer of those
 *         chords by dist_m less MARGIN_M covers it. GEOS draws the buffer's
 *         round parts as chords inside the true arcs, so its buffer lies
 *         within the true one; MARGIN_M covers the sag of the pieces and of
 *         the polygon's densified edges.
 *   (DP4) any doubt (a GEOS failure, nothing indexed near, more than
 *         MAX_CHORDS chords near: a polygon far from a long stretch of
 *         front, which the search settles fast anyway) answers "not
 *         proven", never "proven": the caller then goes on searching.
 * Not here: the search (depth.c), the index (dist_index*.c).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_dist_index.h"

#define DENSIFY_DEG 0.0005 /* ~50 m: a lon/lat edge that short strays < 1 mm from its frame chord */
#define MARGIN_M 0.05
#define MAX_CHORDS 256 /* beyond, the buffer costs more than the search it would spare */

typedef struct near_job {
  GEOSContextHandle_t h;
  const fl_dist_index *idx;
  double minx, miny, maxx, maxy; /* the polygon's frame box, grown by the distance */
  GEOSGeometry **lines;
  size_t n, cap;
  int failed;
} near_job;

static int box_misses(const near_job *j, double minx, double miny, double maxx, double maxy) {
  return maxx < j->minx || minx > j->maxx || maxy < j->miny || miny > j->maxy;
}

static int skip_node(const node *nd, void *user) {
  return box_misses(user, nd->minx, nd->miny, nd->maxx, nd->maxy);
}

static int add_chord(near_job *j, const seg *s) {
  if (j->n == j->cap) {
    size_t cap = j->cap ? 2 * j->cap : 64;
    GEOSGeometry **a = realloc(j->lines, cap * sizeof *a);
    if (!a) return -1;
    j->lines = a;
    j->cap = cap;
  }
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(j->h, 2, 2);
  if (!cs) return -1;
  GEOSCoordSeq_setXY_r(j->h, cs, 0, s->x0, s->y0);
  GEOSCoordSeq_setXY_r(j->h, cs, 1, s->x1, s->y1);
  GEOSGeometry *l = GEOSGeom_createLineString_r(j->h, cs);
  if (!l) return -1;
  j->lines[j->n++] = l;
  return 0;
}

static int visit_leaf(const node *nd, void *user) {
  near_job *j = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &j->idx->segs[nd->first + k];
    if (box_misses(j, fmin(s->x0, s->x1), fmin(s->y0, s->y1), fmax(s->x0, s->x1),
                   fmax(s->y0, s->y1)))
      continue;
    if (j->n == MAX_CHORDS || add_chord(j, s)) {
      j->failed = 1;
      return 1;
    }
  }
  return 0;
}

/* (DP2) the chords near the frame box; NULL when none or on failure. */
static GEOSGeometry *near_chords(GEOSContextHandle_t h, const fl_dist_index *idx,
                                 const GEOSGeometry *poly_xy, double grow) {
  near_job j = {h, idx, 0, 0, 0, 0, NULL, 0, 0, 0};
  if (!GEOSGeom_getXMin_r(h, poly_xy, &j.minx) || !GEOSGeom_getYMin_r(h, poly_xy, &j.miny) ||
      !GEOSGeom_getXMax_r(h, poly_xy, &j.maxx) || !GEOSGeom_getYMax_r(h, poly_xy, &j.maxy))
    return NULL;
  j.minx -= grow, j.miny -= grow, j.maxx += grow, j.maxy += grow;
  fl__index_dfs(idx, skip_node, visit_leaf, &j);
  GEOSGeometry *out = NULL;
  if (!j.failed && j.n > 0) {
    out = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, j.lines, (unsigned)j.n);
    if (out) j.n = 0; /* the collection owns them */
  }
  for (size_t i = 0; i < j.n; i++) GEOSGeom_destroy_r(h, j.lines[i]);
  free(j.lines);
  return out;
}

int fl__depth_covered(fl_ctx *ctx, const fl_dist_index *idx, const GEOSGeometry *poly,
                      double dist_m) {
  GEOSContextHandle_t h = ctx->geos;
  double d = dist_m - MARGIN_M;
  if (!(d > 0)) return 0;
  GEOSGeometry *dense = GEOSDensify_r(h, poly, DENSIFY_DEG);
  GEOSGeometry *xy = dense ? fl__frame_project(ctx, &idx->frame, dense) : NULL;
  GEOSGeometry *chords = xy ? near_chords(h, idx, xy, dist_m + 1.0) : NULL;
  GEOSGeometry *merged = chords ? GEOSLineMerge_r(h, chords) : NULL; /* one buffer per run */
  GEOSGeometry *buf = merged ? GEOSBuffer_r(h, merged, d, 4) : NULL;
  GEOSGeom_destroy_r(h, merged);
  char covered = buf ? GEOSCovers_r(h, buf, xy) : 0; /* (DP4) 2 (failure) is not a proof */
  GEOSGeom_destroy_r(h, buf);
  GEOSGeom_destroy_r(h, chords);
  GEOSGeom_destroy_r(h, xy);
  GEOSGeom_destroy_r(h, dense);
  return covered == 1;
}
