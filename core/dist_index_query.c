/*
 * dist_index_query.c - lines and polygons as queries on the distance index
 * (dist_index.c): 0 when they cross or contain an indexed part, else the
 * shorter of their vertices' nearest distances (dist_index_walk.c) and the
 * indexed vertices near them measured back to the query's own edges; and
 * fl_distance_m, a one-off index.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include "fl_dist_index.h"

/* What a stopped query was doing (fl__stop_check). */
#define MEASURING "measuring a distance"

/* ---- lines and polygons as queries ------------------------------------------- */

typedef struct query_job {
  fl_ctx *ctx;
  const fl_dist_index *idx;
  accept_fn accept;
  void *user;
  fl_nearest best;
  int have;
  fl_status st;
} query_job;

static int query_vertices(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  query_job *job = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(job->ctx->geos, cs, &n);
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(job->ctx->geos, cs, i, &x, &y);
    fl_nearest r;
    fl_status st = (i & 63) == 63 ? fl__stop_check(job->ctx, MEASURING) : FL_OK;
    if (!st) st = fl_dist_index_nearest_xy(job->ctx, job->idx, x, y, job->accept, job->user, &r);
    if (st) { job->st = st; return 1; }
    if (!job->have || r.dist_m < job->best.dist_m) { job->best = r; job->have = 1; }
    if (r.dist_m == 0.0) return 1;
  }
  return 0;
}

/* Indexed segments whose frame box lies within reach of a box: their vertices
 * are measured back to the query geometry's segments. Only vertices and
 * query segments that a lower bound cannot rule out are measured on the
 * ellipsoid: the plain frame distance divided by the largest stretch in
 * reach, less a margin for the frame image of a geodesic segment not being
 * straight (centimetres over kilometres; 1 m + 0.1 % of the segment is far
 * more). Without that, a route near a 100,000-vertex front measured every
 * front vertex in reach against every route segment. */
typedef struct qseg {
  double x0, y0, x1, y1;         /* frame metres */
  double lon0, lat0, lon1, lat1; /* degrees */
  double margin;                 /* metres taken off the lower bound */
} qseg;

typedef struct back_job {
  query_job *q;
  double minx, miny, maxx, maxy; /* frame box of the query, grown by reach */
  qseg *segs;                    /* the query's segments */
  size_t n_segs, cap;
  double inv_k;                  /* 1 / largest stretch within reach */
  int failed;
  double est_rel;                /* the frame estimate's relative error within reach */
} back_job;

static int collect_qseg(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  back_job *bj = user;
  GEOSContextHandle_t h = bj->q->ctx->geos;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  double plon = 0, plat = 0, px = 0, py = 0;
  for (unsigned int i = 0; i < n; i++) {
    double lon, lat, x, y;
    GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
    fl__frame_fwd(&bj->q->idx->frame, lon, lat, &x, &y);
    if (i > 0) {
      if (bj->n_segs == bj->cap) {
        size_t cap = bj->cap ? 2 * bj->cap : 64;
        qseg *g = realloc(bj->segs, cap * sizeof *g);
        if (!g) { bj->failed = 1; return 1; }
        bj->segs = g;
        bj->cap = cap;
      }
      qseg *s = &bj->segs[bj->n_segs++];
      s->x0 = px; s->y0 = py; s->x1 = x; s->y1 = y;
      s->lon0 = plon; s->lat0 = plat; s->lon1 = lon; s->lat1 = lat;
      s->margin = fl__index_qseg_margin(&bj->q->idx->frame, plon, plat, lon, lat, px, py, x, y);
    }
    plon = lon; plat = lat; px = x; py = y;
  }
  return 0;
}

/* Plain frame distance from P to a query segment. */
static double qseg_frame_dist(const qseg *s, double px, double py) {
  double vx = s->x1 - s->x0, vy = s->y1 - s->y0;
  double len2 = vx * vx + vy * vy;
  double t = len2 > 0 ? ((px - s->x0) * vx + (py - s->y0) * vy) / len2 : 0.0;
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  double dx = px - (s->x0 + t * vx), dy = py - (s->y0 + t * vy);
  return sqrt(dx * dx + dy * dy);
}

/* Lower bound of the true distance between two frame boxes. */
static double box_gap_bound(const back_job *bj, double aminx, double aminy, double amaxx,
                            double amaxy, double bminx, double bminy, double bmaxx, double bmaxy,
                            double margin) {
  double dx = fmax(0.0, fmax(bminx - amaxx, aminx - bmaxx));
  double dy = fmax(0.0, fmax(bminy - amaxy, aminy - bmaxy));
  return sqrt(dx * dx + dy * dy) * bj->inv_k - margin;
}

/* One query segment's walk: the job, the segment and its frame box. */
typedef struct back_walk {
  back_job *bj;
  const qseg *qs;
  double minx, miny, maxx, maxy;
} back_walk;

static int back_skip(const node *nd, void *user) {
  const back_walk *w = user;
  return box_gap_bound(w->bj, nd->minx, nd->miny, nd->maxx, nd->maxy, w->minx, w->miny, w->maxx,
                       w->maxy, w->qs->margin) >= w->bj->q->best.dist_m;
}

/* The ends of a leaf's segments, measured back to the query segment. */
static int back_leaf(const node *nd, void *user) {
  const back_walk *w = user;
  const qseg *qs = w->qs;
  query_job *q = w->bj->q;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &q->idx->segs[nd->first + k];
    if (q->accept && !q->accept(s->item, q->user)) continue;
    for (int end = 0; end < 2; end++) {
      double x = end ? s->x1 : s->x0, y = end ? s->y1 : s->y0;
      if (qseg_frame_dist(qs, x, y) * w->bj->inv_k - qs->margin >= q->best.dist_m) continue;
      double est = fl__index_segment_estimate(qs->x0, qs->y0, qs->x1, qs->y1, x, y);
      if (est * (1 - w->bj->est_rel) - FL__EST_ABS_M - qs->margin >= q->best.dist_m) continue;
      double lon = end ? s->lon1 : s->lon0, lat = end ? s->lat1 : s->lat0, nl, nt;
      double d = fl__geod_point_segment(&q->ctx->geod, lon, lat, qs->lon0, qs->lat0, qs->lon1,
                                        qs->lat1, &nl, &nt);
      if (d < q->best.dist_m) {
        q->best.dist_m = d;
        q->best.item = s->item;
        q->best.near_lon = lon;
        q->best.near_lat = lat;
        q->best.from_lon = nl;
        q->best.from_lat = nt;
      }
    }
  }
  return 0;
}

/* The indexed vertices near one query segment, measured back to it. */
static fl_status back_segment(back_job *bj, const qseg *qs) {
  back_walk w = {bj, qs, fmin(qs->x0, qs->x1), fmin(qs->y0, qs->y1), fmax(qs->x0, qs->x1),
                 fmax(qs->y0, qs->y1)};
  if (fl__index_dfs(bj->q->idx, back_skip, back_leaf, &w) < 0)
    return fl__fail(bj->q->ctx, FL_E_NOMEM, "out of memory");
  return FL_OK;
}

static fl_status back_measure(back_job *bj) {
  for (size_t i = 0; i < bj->n_segs; i++) {
    fl_status st = (i & 63) == 63 ? fl__stop_check(bj->q->ctx, MEASURING) : FL_OK;
    if (!st) st = back_segment(bj, &bj->segs[i]);
    if (st) return st;
  }
  return FL_OK;
}

typedef struct cross_job {
  query_job *q;
  int crossed;
  fl_status st;
  uint32_t item;
  double lon, lat;
} cross_job;

static int seg_cross(double ax, double ay, double bx, double by, double cx, double cy, double dx,
                     double dy) {
  double d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  double d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  double d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  double d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  return ((d1 <= 0 && d2 >= 0) || (d1 >= 0 && d2 <= 0)) &&
         ((d3 <= 0 && d4 >= 0) || (d3 >= 0 && d4 <= 0));
}

/* A crossing search: the frame segment AB, its box and what it found. */
typedef struct cross_walk {
  const query_job *q;
  double ax, ay, bx, by, minx, miny, maxx, maxy;
  const seg *hit;
} cross_walk;

static int cross_skip(const node *nd, void *user) {
  const cross_walk *w = user;
  return nd->maxx < w->minx || nd->minx > w->maxx || nd->maxy < w->miny || nd->miny > w->maxy;
}

static int cross_leaf(const node *nd, void *user) {
  cross_walk *w = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &w->q->idx->segs[nd->first + k];
    if (w->q->accept && !w->q->accept(s->item, w->q->user)) continue;
    if (seg_cross(w->ax, w->ay, w->bx, w->by, s->x0, s->y0, s->x1, s->y1)) {
      w->hit = s;
      return 1;
    }
  }
  return 0;
}

/* An accepted indexed segment that the frame segment AB crosses, or NULL
 * (*oom set when the walk ran out of memory). */
static const seg *crossing_seg(const query_job *q, double ax, double ay, double bx, double by,
                               int *oom) {
  cross_walk w = {q, ax, ay, bx, by, fmin(ax, bx), fmin(ay, by), fmax(ax, bx), fmax(ay, by), NULL};
  if (fl__index_dfs(q->idx, cross_skip, cross_leaf, &w) < 0) *oom = 1;
  return w.hit;
}

static int cross_seq(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  cross_job *cj = user;
  GEOSContextHandle_t h = cj->q->ctx->geos;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  double ax = 0, ay = 0, alon = 0, alat = 0;
  for (unsigned int i = 0; i < n; i++) {
    double lon, lat, bx, by;
    if ((i & 255) == 255 && (cj->st = fl__stop_check(cj->q->ctx, MEASURING))) return 1;
    GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
    fl__frame_fwd(&cj->q->idx->frame, lon, lat, &bx, &by);
    int oom = 0;
    const seg *s = i > 0 ? crossing_seg(cj->q, ax, ay, bx, by, &oom) : NULL;
    if (oom) {
      cj->st = fl__fail(cj->q->ctx, FL_E_NOMEM, "out of memory");
      return 1;
    }
    if (s) {
      cj->crossed = 1;
      cj->item = s->item;
      cj->lon = alon;
      cj->lat = alat;
      return 1;
    }
    ax = bx; ay = by; alon = lon; alat = lat;
  }
  return 0;
}

/* An indexed vertex inside a query polygon: the tree's leaves within the
 * query's frame box, their first ends tested against the prepared query.
 * The first such segment in the index's order is the answer (as a scan of
 * every segment gave): a leaf after the best found so far is not tested. */
typedef struct inside_walk {
  query_job *q;
  GEOSContextHandle_t h;
  const GEOSPreparedGeometry *pq;
  double minx, miny, maxx, maxy;
  size_t seen, best;             /* best: index of the segment found, or SIZE_MAX */
  int failed;
} inside_walk;

static int inside_skip(const node *nd, void *user) {
  const inside_walk *w = user;
  return nd->maxx < w->minx || nd->minx > w->maxx || nd->maxy < w->miny || nd->miny > w->maxy;
}

static int inside_leaf(const node *nd, void *user) {
  inside_walk *w = user;
  query_job *q = w->q;
  if (nd->first >= w->best) return 0;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &q->idx->segs[nd->first + k];
    if ((++w->seen & 1023) == 0 && fl__should_stop(q->ctx)) return w->failed = 1;
    if (s->x0 < w->minx || s->x0 > w->maxx || s->y0 < w->miny || s->y0 > w->maxy) continue;
    if (q->accept && !q->accept(s->item, q->user)) continue;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(w->h, s->x0, s->y0);
    int in = pt ? GEOSPreparedContains_r(w->h, w->pq, pt) : 0;
    GEOSGeom_destroy_r(w->h, pt);
    if (in == 1) {
      fl_nearest r = {0.0, s->item, s->lon0, s->lat0, s->lon0, s->lat0};
      q->best = r;
      w->best = nd->first + k;
      return 0;
    }
  }
  return 0;
}

/* Whether an accepted indexed vertex lies inside the query (with a polygon
 * part); when it does, q->best is that vertex at distance 0. */
static fl_status vertex_inside(query_job *q, const GEOSGeometry *query, int *inside) {
  GEOSContextHandle_t h = q->ctx->geos;
  *inside = 0;
  GEOSGeometry *qxy = fl__frame_project(q->ctx, &q->idx->frame, query);
  if (!qxy) return FL_OK; /* as before: no frame image, no containment step */
  const GEOSPreparedGeometry *pq = GEOSPrepare_r(h, qxy);
  inside_walk w = {q, h, pq, 0, 0, 0, 0, 0, SIZE_MAX, 0};
  int rc = 0;
  if (pq && !fl__bounds(q->ctx, qxy, &w.minx, &w.miny, &w.maxx, &w.maxy))
    rc = fl__index_dfs(q->idx, inside_skip, inside_leaf, &w);
  if (pq) GEOSPreparedGeom_destroy_r(h, pq);
  GEOSGeom_destroy_r(h, qxy);
  if (rc < 0) return fl__fail(q->ctx, FL_E_NOMEM, "out of memory");
  if (w.failed) return fl__stop_check(q->ctx, MEASURING);
  *inside = w.best != SIZE_MAX;
  return FL_OK;
}

/* A job's bounds within a frame box: 1 / the largest stretch there (WGS84's,
 * with 1e-4 for rounding) and the frame estimate's relative error there. */
static void set_bounds(back_job *bj, double minx, double miny, double maxx, double maxy) {
  double fx = fmax(fabs(minx), fabs(maxx)), fy = fmax(fabs(miny), fabs(maxy));
  double rho = sqrt(fx * fx + fy * fy);
  bj->inv_k = 1.0 / (fl__frame_stretch_wgs84(rho) * (1.0 + 1e-4));
  bj->est_rel = FL__EST_REL + 2.0 * fl__frame_ellipsoid_rel(rho);
}

fl_status fl__dist_index_edge_nearer(fl_ctx *ctx, const fl_dist_index *idx, double alon,
                                     double alat, double blon, double blat, double goal_m,
                                     fl_nearest *out) {
  query_job q;
  memset(&q, 0, sizeof q);
  q.ctx = ctx;
  q.idx = idx;
  q.best.dist_m = goal_m;
  q.have = 1;
  double ax, ay, bx, by;
  fl__frame_fwd(&idx->frame, alon, alat, &ax, &ay);
  fl__frame_fwd(&idx->frame, blon, blat, &bx, &by);
  int oom = 0;
  const seg *c = crossing_seg(&q, ax, ay, bx, by, &oom);
  if (oom) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (c) {
    fl_nearest r = {0.0, c->item, alon, alat, alon, alat};
    *out = r;
    return FL_OK;
  }
  qseg qs = {ax, ay, bx, by, alon, alat, blon, blat,
             fl__index_qseg_margin(&idx->frame, alon, alat, blon, blat, ax, ay, bx, by)};
  double reach = goal_m * 1.01 + 1.0;
  back_job bj = {&q, 0, 0, 0, 0, NULL, 0, 0, 1.0, 0, FL__EST_REL};
  set_bounds(&bj, fmin(ax, bx) - reach, fmin(ay, by) - reach, fmax(ax, bx) + reach,
             fmax(ay, by) + reach);
  fl_status st = back_segment(&bj, &qs);
  if (st) return st;
  *out = q.best;
  return FL_OK;
}

fl_status fl_dist_index_nearest(fl_ctx *ctx, const fl_dist_index *idx, const GEOSGeometry *query,
                                accept_fn accept, void *user, fl_nearest *out) {
  return fl__dist_index_nearest_seeded(ctx, idx, query, accept, user, NULL, out);
}

fl_status fl__dist_index_nearest_seeded(fl_ctx *ctx, const fl_dist_index *idx,
                                        const GEOSGeometry *query, accept_fn accept, void *user,
                                        const fl_nearest *seed, fl_nearest *out) {
  GEOSContextHandle_t h = ctx->geos;
  if (!query || GEOSisEmpty_r(h, query) == 1)
    return fl__fail(ctx, FL_E_GEOM, "the query geometry is empty");
  int type = GEOSGeomTypeId_r(h, query);
  if (type == GEOS_POINT) {
    double x, y;
    GEOSGeomGetX_r(h, query, &x);
    GEOSGeomGetY_r(h, query, &y);
    return fl_dist_index_nearest_xy(ctx, idx, x, y, accept, user, out);
  }
  query_job q;
  memset(&q, 0, sizeof q);
  q.ctx = ctx;
  q.idx = idx;
  q.accept = accept;
  q.user = user;
  /* 1. vertices of the query (points of a multipoint included), unless the
   * caller measured them already (seed: their nearest) */
  if (seed) {
    q.best = *seed;
    q.have = 1;
  } else {
    fl__each_seq(h, query, query_vertices, &q);
  }
  if (q.st) return q.st;
  if (!seed && (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION)) {
    int n = GEOSGetNumGeometries_r(h, query);
    for (int i = 0; i < n; i++) {
      const GEOSGeometry *part = GEOSGetGeometryN_r(h, query, i);
      if (GEOSGeomTypeId_r(h, part) != GEOS_POINT) continue;
      fl_nearest r;
      fl_status st = fl_dist_index_nearest(ctx, idx, part, accept, user, &r);
      if (st) return st;
      if (!q.have || r.dist_m < q.best.dist_m) { q.best = r; q.have = 1; }
    }
  }
  if (!q.have) return fl__fail(ctx, FL_E_GEOM, "no geometry to measure to");
  if (q.best.dist_m == 0.0) { *out = q.best; return FL_OK; }
  /* 2. crossing edges */
  cross_job cj = {&q, 0, FL_OK, 0, 0, 0};
  fl__each_seq(h, query, cross_seq, &cj);
  if (cj.st) return cj.st;
  if (cj.crossed) {
    fl_nearest r = {0.0, cj.item, cj.lon, cj.lat, cj.lon, cj.lat};
    *out = r;
    return FL_OK;
  }
  /* 3. an indexed part inside a query polygon */
  if (fl__index_has_area(h, query)) {
    int inside = 0;
    fl_status st = vertex_inside(&q, query, &inside);
    if (st) return st;
    if (inside) { *out = q.best; return FL_OK; }
  }
  /* 4. indexed vertices near the query, measured back to its segments; the
   * box is that of the query's frame edges (its lon/lat extent would not do
   * for a query across 180), grown by reach and each edge's margin */
  back_job bj = {&q, DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX, NULL, 0, 0, 1.0, 0, FL__EST_REL};
  fl__each_seq(h, query, collect_qseg, &bj);
  if (bj.failed) {
    free(bj.segs);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (bj.n_segs) {
    double reach = q.best.dist_m * 1.01 + 1.0;
    for (size_t i = 0; i < bj.n_segs; i++) {
      const qseg *s = &bj.segs[i];
      double r = reach + s->margin;
      bj.minx = fmin(bj.minx, fmin(s->x0, s->x1) - r);
      bj.maxx = fmax(bj.maxx, fmax(s->x0, s->x1) + r);
      bj.miny = fmin(bj.miny, fmin(s->y0, s->y1) - r);
      bj.maxy = fmax(bj.maxy, fmax(s->y0, s->y1) + r);
    }
    set_bounds(&bj, bj.minx, bj.miny, bj.maxx, bj.maxy);
    fl_status st = fl__stop_check(ctx, MEASURING);
    if (!st) st = back_measure(&bj);
    if (st) {
      free(bj.segs);
      return st;
    }
  }
  free(bj.segs);
  if (!(q.best.dist_m < DBL_MAX))
    return fl__fail(ctx, FL_E_GEOM, "no finite distance from the query to the indexed geometries");
  *out = q.best;
  return FL_OK;
}

/* ---- one-off distance --------------------------------------------------------- */

fl_status fl_distance_m(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b, double *out_m,
                        GEOSGeometry **near_a, GEOSGeometry **near_b) {
  if (near_a) *near_a = NULL;
  if (near_b) *near_b = NULL;
  if (!a || !b || GEOSisEmpty_r(ctx->geos, a) == 1 || GEOSisEmpty_r(ctx->geos, b) == 1)
    return fl__fail(ctx, FL_E_GEOM, "cannot measure a distance to an empty geometry");
  fl_dist_index *idx = NULL;
  const GEOSGeometry *items[1] = {b};
  fl_status st = fl_dist_index_create(ctx, items, 1, &idx);
  if (st) return st;
  fl_nearest r;
  st = fl_dist_index_nearest(ctx, idx, a, NULL, NULL, &r);
  fl_dist_index_destroy(ctx, idx);
  if (st) return st;
  *out_m = r.dist_m;
  if (near_a) *near_a = GEOSGeom_createPointFromXY_r(ctx->geos, r.from_lon, r.from_lat);
  if (near_b) *near_b = GEOSGeom_createPointFromXY_r(ctx->geos, r.near_lon, r.near_lat);
  return FL_OK;
}

