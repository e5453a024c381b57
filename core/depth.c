/*
 * depth.c - fl_depth_m(): the largest geodesic distance from one geometry
 * (the old front, say) to any point of another (the ground gained).
 *
 * Rules:
 *   (P1) the distance to `from` is 1-Lipschitz on the ellipsoid, so the
 *        largest value over the points of `geom` is found by branch and bound
 *        over lon/lat cells: a cell of half-diagonal r (metres, an upper
 *        bound of the distance from its centre to any of its points) whose
 *        centre lies at d from `from` holds no point beyond d + r, and when
 *        it meets `geom` it holds one at d - r at least (d itself when `geom`
 *        holds the centre). Vertices of `geom` are exact lower bounds too.
 *   (P2) a cell is dropped when it misses `geom` or when d + r cannot beat the
 *        best lower bound by more than the tolerance max(1 m, 0.1 %); cells
 *        are split in four, best upper bound first, until none is left. The
 *        answer is the best lower bound: within the tolerance of the truth.
 *   (P3) a search that would need more than MAX_CELLS cells fails (FL_E_GEOM)
 *        rather than give a figure it cannot vouch for.
 *   (P4) a search still open after PROOF_AT cells tries once to end in one
 *        step: when the polygon lies within best + tolerance of `from`
 *        (depth_proof.c) the best lower bound is the answer as in (P2). It
 *        ends the slow searches on slivers along the front, whose cells must
 *        shrink to the tolerance all along them.
 * Not here: the nearest-distance queries (dist_index*.c).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_geodesy.h"

#define MAX_CELLS 2000000
#define PROOF_AT 64

typedef struct cell {
  double x0, y0, x1, y1;
  double d, r; /* distance of the centre, half-diagonal (metres) */
} cell;

typedef struct heap {
  cell *a;
  size_t n, cap;
} heap;

static int heap_push(heap *h, cell c) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? 2 * h->cap : 256;
    cell *a = realloc(h->a, cap * sizeof *a);
    if (!a) return -1;
    h->a = a;
    h->cap = cap;
  }
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (h->a[p].d + h->a[p].r >= c.d + c.r) break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i] = c;
  return 0;
}

static cell heap_pop(heap *h) {
  cell top = h->a[0], last = h->a[--h->n];
  size_t i = 0;
  for (;;) {
    size_t k = 2 * i + 1;
    if (k >= h->n) break;
    if (k + 1 < h->n && h->a[k + 1].d + h->a[k + 1].r > h->a[k].d + h->a[k].r) k++;
    if (last.d + last.r >= h->a[k].d + h->a[k].r) break;
    h->a[i] = h->a[k];
    i = k;
  }
  if (h->n) h->a[i] = last;
  return top;
}

typedef struct depth_job {
  fl_ctx *ctx;
  const fl_dist_index *idx;
  const GEOSPreparedGeometry *prep;
  double best;
  int failed;
} depth_job;

static double dist_at(depth_job *job, double x, double y) {
  fl_nearest r;
  if (fl_dist_index_nearest_xy(job->ctx, job->idx, x, y, NULL, NULL, &r) != FL_OK) {
    job->failed = 1;
    return 0;
  }
  return r.dist_m;
}

static double tol(double best) { return fmax(1.0, 0.001 * best); }

/* (P1) half-diagonal: an upper bound of the distance from the centre to
 * any point of the cell. The straight line in lon/lat from the centre to a
 * point is a path on the ellipsoid no longer than
 * sqrt((M dlat)^2 + (N cos(lat) dlon)^2) with M (meridian radius, growing
 * with |lat|) and N cos(lat) (parallel radius, shrinking with |lat|) taken
 * at their largest over the cell; the geodesic is no longer than any path.
 * Closed form: no geodesic is solved. */
#define WGS84_A 6378137.0
#define WGS84_E2 0.00669437999014
static double half_diag(const cell *c) {
  double rad = M_PI / 180.0;
  int south_nearer = fabs(c->y0) < fabs(c->y1);
  double lo = south_nearer ? c->y0 : c->y1, hi = south_nearer ? c->y1 : c->y0;
  if (c->y0 <= 0 && c->y1 >= 0) lo = 0;
  double s_hi = sin(hi * rad), s_lo = sin(lo * rad);
  double w_hi = 1 - WGS84_E2 * s_hi * s_hi, w_lo = 1 - WGS84_E2 * s_lo * s_lo;
  double m_max = WGS84_A * (1 - WGS84_E2) / (w_hi * sqrt(w_hi));
  double k_max = WGS84_A / sqrt(w_lo) * cos(lo * rad);
  double dy = 0.5 * (c->y1 - c->y0) * rad * m_max, dx = 0.5 * (c->x1 - c->x0) * rad * k_max;
  return sqrt(dx * dx + dy * dy) * (1 + 1e-9) + 1e-6;
}

/* Measure a cell and queue it when it meets geom and may beat the best. */
static int consider(depth_job *job, heap *h, double x0, double y0, double x1, double y1) {
  GEOSContextHandle_t gh = job->ctx->geos;
  cell c = {x0, y0, x1, y1, 0, 0};
  GEOSGeometry *box = GEOSGeom_createRectangle_r(gh, x0, y0, x1, y1);
  if (!box) return -1;
  char meets = GEOSPreparedIntersects_r(gh, job->prep, box);
  GEOSGeom_destroy_r(gh, box);
  if (meets == 2) return -1;
  if (!meets) return 0;
  double cx = 0.5 * (x0 + x1), cy = 0.5 * (y0 + y1);
  c.d = dist_at(job, cx, cy);
  c.r = half_diag(&c);
  if (c.d - c.r > job->best) job->best = c.d - c.r;
  if (c.d > job->best) { /* the centre is a lower bound only when geom holds it */
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(gh, cx, cy);
    if (!pt) return -1;
    char holds = GEOSPreparedIntersects_r(gh, job->prep, pt);
    GEOSGeom_destroy_r(gh, pt);
    if (holds == 2) return -1;
    if (holds) job->best = c.d;
  }
  if (c.d + c.r <= job->best + tol(job->best)) return 0;
  return heap_push(h, c);
}

static int add_vertices(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  depth_job *job = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(job->ctx->geos, s, &n);
  for (unsigned int i = 0; i < n && !job->failed; i++) {
    double x, y;
    if ((i & 63) == 63 && fl__stop_check(job->ctx, "measuring a depth")) return job->failed = 1;
    GEOSCoordSeq_getXY_r(job->ctx->geos, s, i, &x, &y);
    job->best = fmax(job->best, dist_at(job, x, y));
  }
  return job->failed;
}

/* (P4) whether geom is proven within best + tolerance of the front. */
static int settled(depth_job *job, const GEOSGeometry *geom) {
  return fl__depth_covered(job->ctx, job->idx, geom, job->best + tol(job->best));
}

static fl_status search(depth_job *job, const GEOSGeometry *geom) {
  GEOSContextHandle_t gh = job->ctx->geos;
  double x0, y0, x1, y1;
  if (!GEOSGeom_getXMin_r(gh, geom, &x0) || !GEOSGeom_getYMin_r(gh, geom, &y0) ||
      !GEOSGeom_getXMax_r(gh, geom, &x1) || !GEOSGeom_getYMax_r(gh, geom, &y1))
    return fl__fail_geos(job->ctx, "depth: bounds");
  x0 -= 1e-9, y0 -= 1e-9, x1 += 1e-9, y1 += 1e-9;
  /* start from cells about square on the ground, at most 32 a side */
  double w = fl__geod_dist(&job->ctx->geod, x0, 0.5 * (y0 + y1), x1, 0.5 * (y0 + y1));
  double hgt = fl__geod_dist(&job->ctx->geod, 0.5 * (x0 + x1), y0, 0.5 * (x0 + x1), y1);
  int nx = 1, ny = 1;
  if (w > hgt) nx = (int)fmin(32.0, ceil(w / fmax(hgt, 1e-3)));
  else ny = (int)fmin(32.0, ceil(hgt / fmax(w, 1e-3)));
  heap h = {0};
  fl_status st = FL_OK;
  for (int i = 0; i < nx && st == FL_OK; i++)
    for (int j = 0; j < ny && st == FL_OK; j++)
      if (consider(job, &h, x0 + (x1 - x0) * i / nx, y0 + (y1 - y0) * j / ny,
                   x0 + (x1 - x0) * (i + 1) / nx, y0 + (y1 - y0) * (j + 1) / ny))
        st = fl__fail_geos(job->ctx, "depth: cell");
  size_t seen = 0;
  while (st == FL_OK && h.n > 0 && !job->failed) {
    cell c = heap_pop(&h);
    if (c.d + c.r <= job->best + tol(job->best)) break; /* (P2) nothing left beats it */
    if (seen == PROOF_AT && settled(job, geom)) break;
    if ((seen & 15) == 15 && (st = fl__stop_check(job->ctx, "measuring a depth"))) break;
    if (++seen > MAX_CELLS) {
      st = fl__fail(job->ctx, FL_E_GEOM, "depth: the search did not settle within %d cells",
                    MAX_CELLS);
      break;
    }
    double mx = 0.5 * (c.x0 + c.x1), my = 0.5 * (c.y0 + c.y1);
    if (consider(job, &h, c.x0, c.y0, mx, my) || consider(job, &h, mx, c.y0, c.x1, my) ||
        consider(job, &h, c.x0, my, mx, c.y1) || consider(job, &h, mx, my, c.x1, c.y1))
      st = fl__fail_geos(job->ctx, "depth: cell");
  }
  free(h.a);
  if (st == FL_OK && job->failed) st = fl_ctx_status(job->ctx);
  return st;
}

fl_status fl__depth_m_indexed(fl_ctx *ctx, const GEOSGeometry *geom, const fl_dist_index *idx,
                              double *out_m) {
  if (!geom || GEOSisEmpty_r(ctx->geos, geom) == 1)
    return fl__fail(ctx, FL_E_GEOM, "depth: both geometries must be non-empty");
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx->geos, geom);
  if (!prep) return fl__fail_geos(ctx, "depth: prepare");
  depth_job job = {ctx, idx, prep, 0.0, 0};
  fl__each_seq(ctx->geos, geom, add_vertices, &job);
  fl_status st = job.failed ? fl_ctx_status(ctx) : search(&job, geom);
  GEOSPreparedGeom_destroy_r(ctx->geos, prep);
  if (st == FL_OK) *out_m = job.best;
  return st;
}

fl_status fl_depth_m(fl_ctx *ctx, const GEOSGeometry *geom, const GEOSGeometry *from,
                     double *out_m) {
  if (!geom || !from || GEOSisEmpty_r(ctx->geos, geom) == 1 ||
      GEOSisEmpty_r(ctx->geos, from) == 1)
    return fl__fail(ctx, FL_E_GEOM, "depth: both geometries must be non-empty");
  fl_dist_index *idx = NULL;
  fl_status st = fl_dist_index_create(ctx, &from, 1, &idx);
  if (st != FL_OK) return st;
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx->geos, geom);
  if (!prep) {
    fl_dist_index_destroy(ctx, idx);
    return fl__fail_geos(ctx, "depth: prepare");
  }
  depth_job job = {ctx, idx, prep, 0.0, 0};
  fl__each_seq(ctx->geos, geom, add_vertices, &job);
  st = job.failed ? fl_ctx_status(ctx) : search(&job, geom);
  GEOSPreparedGeom_destroy_r(ctx->geos, prep);
  fl_dist_index_destroy(ctx, idx);
  if (st == FL_OK) *out_m = job.best;
  return st;
}
