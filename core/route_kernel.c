/*
 * route_kernel.c - the prepared route-exposure kernel (fl_routes.h): how
 * much of one route lies within reach of the front, band by band. The
 * route-exposure tool (route_exposure.c) and FL_RouteExposure call it.
 *
 * Rules, cited below as (R1)..(R4):
 *   (R1) a point of a route is in band k when its geodesic distance to the
 *        front (or, with held_by, to that side's ground) lies in
 *        [inner_k, outer_k); the km of a band is the geodesic length of the
 *        route's parts in it;
 *   (R2) the distance d along a route changes no faster than the distance
 *        walked (1-Lipschitz), so an edge AB of length L can cross the
 *        threshold b only if |d(A) - b| + |d(B) - b| <= L; edges that
 *        cannot are assigned whole, the others are halved (on the geodesic)
 *        until they can't or are shorter than RESOLUTION_M, whose length is
 *        then split between the two ends' bands;
 *   (R3) min_dist_to_front_m is the shortest distance of any point of the
 *        route (0 where it crosses the front): exact at the vertices, and
 *        no point inside an edge is closer by more than max(0.5 m,
 *        CLOSEST_REL of it), a tenth of the accuracy DESIGN.md asks;
 *   (R4) exposed = within the outermost band; exposed_share = exposed km /
 *        length km; the exposed parts are the result geometry;
 * The tool adds (R5) on_side (route_on_side.c) and (R7)-(R8) in_view
 * (route_in_view.c): it clips a route and hands the parts to this kernel.
 *
 * Speed, without changing the answers (E1)..(E2):
 *   (E1) a vertex is first given the index's frame estimate (within
 *        FL__EST_REL of its distance, fl_geodesy.h), not its exact distance;
 *        the estimate's error widens (R2)'s test, and a vertex whose
 *        estimate lies within that error of a band edge is measured
 *        exactly; points inside halved edges are always exact;
 *   (E2) the estimate stops at a cap beyond which a vertex only needs to be
 *        "beyond": the outermost distance plus the sequence's longest edge
 *        (so no edge with such an end can cross a band edge), or the best
 *        closest approach so far if larger; (R3) then measures exactly
 *        only the vertices whose lower bound is below the best distance.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_dist_index.h"
#include "fl_geodesy.h"
#include "fl_prep.h"
#include "frontline/fl_routes.h"

#define RESOLUTION_M 2.0
#define MAX_DEPTH 40
#define CLOSEST_REL 1e-4 /* (R3) */

/* A route vertex measured by estimate only (E1): its position and a lower
 * bound of its distance, for the exact closest approach (R3). */
typedef struct pending {
  double lon, lat, lb;
} pending;

/* An edge (or part of one) that may pass closer than its ends (R3). */
typedef struct near_edge {
  double alon, alat, blon, blat, lb;
} near_edge;

typedef struct walker {
  fl_ctx *ctx;
  const fl_dist_index *idx;
  const double *dist;
  size_t n_dist;
  fl_exposure_row *r;
  fl__piece_buf parts;   /* the exposed parts (R4), with want_parts */
  int want_parts;
  double cap;            /* per sequence: estimates beyond this need no value (E2) */
  double upper;          /* an upper bound of the route's closest approach */
  near_edge *edges;      /* edges whose closest-approach bound is below upper */
  size_t n_edges, cap_edges;
  pending *pend;         /* vertices known by estimate only */
  size_t n_pend, cap_pend;
  double *len;           /* per sequence: edge lengths */
  size_t cap_len;
  fl_status st;
} walker;

static int band_of(const walker *w, double d) {
  for (size_t k = 0; k < w->n_dist; k++)
    if (d < w->dist[k]) return (int)k;
  return (int)w->n_dist;
}

static void exposed_edge(walker *w, double alon, double alat, double blon, double blat, int on) {
  fl__piece_buf *p = &w->parts;
  if (!w->want_parts) return;
  if (!on) {
    if (p->open && fl__piece_push(p, NAN, NAN)) w->st = FL_E_NOMEM;
    p->open = 0;
    return;
  }
  if (!p->open && fl__piece_push(p, alon, alat)) w->st = FL_E_NOMEM;
  if (fl__piece_push(p, blon, blat)) w->st = FL_E_NOMEM;
  p->open = 1;
}

/* The exact distance of a point. */
static double dist_at(walker *w, double lon, double lat) {
  fl_nearest nr;
  fl_status st = fl_dist_index_nearest_xy(w->ctx, w->idx, lon, lat, NULL, NULL, &nr);
  if (st) { w->st = st; return 0; }
  if (nr.dist_m < w->r->min_m) w->r->min_m = nr.dist_m;
  if (nr.dist_m < w->upper) w->upper = nr.dist_m;
  return nr.dist_m;
}

static void add_pending(walker *w, double lon, double lat, double lb) {
  if (w->n_pend == w->cap_pend) {
    size_t cap = w->cap_pend ? 2 * w->cap_pend : 128;
    pending *g = realloc(w->pend, cap * sizeof *g);
    if (!g) { w->st = FL_E_NOMEM; return; }
    w->pend = g;
    w->cap_pend = cap;
  }
  pending *p = &w->pend[w->n_pend++];
  p->lon = lon;
  p->lat = lat;
  p->lb = lb;
}

/* Keep an edge whose closest approach, at least lb, might beat the best. */
static void note_edge(walker *w, double alon, double alat, double blon, double blat, double lb) {
  if (lb >= w->upper - 0.5) return;
  if (w->n_edges == w->cap_edges) {
    size_t cap = w->cap_edges ? 2 * w->cap_edges : 16;
    near_edge *g = realloc(w->edges, cap * sizeof *g);
    if (!g) { w->st = FL_E_NOMEM; return; }
    w->edges = g;
    w->cap_edges = cap;
  }
  near_edge e = {alon, alat, blon, blat, lb};
  w->edges[w->n_edges++] = e;
}

/* A vertex's distance d as a value v with |v - d| <= *err (E1, E2). */
static double vertex_value(walker *w, double lon, double lat, double *err) {
  double limit = fmax(w->cap, w->upper * (1 + 2 * FL__EST_REL) + 2 * FL__EST_ABS_M);
  double est;
  int beyond;
  *err = 0;
  fl_status st = fl__dist_index_estimate_xy(w->ctx, w->idx, lon, lat, limit, &est, &beyond);
  if (st) { w->st = st; return 0; }
  if (beyond && !isfinite(limit)) { *err = 0; return dist_at(w, lon, lat); }
  double e = FL__EST_REL * est + FL__EST_ABS_M;
  if (!beyond)
    for (size_t k = 0; k < w->n_dist; k++)
      if (fabs(est - w->dist[k]) <= e) { *err = 0; return dist_at(w, lon, lat); } /* (E1) */
  if (!beyond && est + e < w->upper) w->upper = est + e;
  add_pending(w, lon, lat, est - e);
  *err = e;
  return est; /* beyond: the limit, a lower bound up to e (E2) */
}

/* (R2), with the ends' errors: conservative, it may halve an edge needlessly. */
static int may_cross(const walker *w, double da, double ea, double db, double eb, double len) {
  for (size_t k = 0; k < w->n_dist; k++)
    if (fabs(da - w->dist[k]) + fabs(db - w->dist[k]) <= len + ea + eb + 0.01) return 1;
  return 0;
}

static void walk(walker *w, double alon, double alat, double da, double ea, double blon,
                 double blat, double db, double eb, double len, int depth) {
  if (w->st) return;
  if (!may_cross(w, da, ea, db, eb, len)) {
    int b = band_of(w, da);
    w->r->band_m[b] += len;
    exposed_edge(w, alon, alat, blon, blat, b < (int)w->n_dist);
    note_edge(w, alon, alat, blon, blat, 0.5 * (da - ea + db - eb - len));
    return;
  }
  if (len <= RESOLUTION_M || depth >= MAX_DEPTH) {
    int ba = band_of(w, da), bb = band_of(w, db);
    w->r->band_m[ba] += 0.5 * len;
    w->r->band_m[bb] += 0.5 * len;
    exposed_edge(w, alon, alat, blon, blat, ba < (int)w->n_dist || bb < (int)w->n_dist);
    note_edge(w, alon, alat, blon, blat, 0.5 * (da - ea + db - eb - len));
    return;
  }
  double s12, az1, az2, mlat, mlon;
  geod_inverse(&w->ctx->geod, alat, alon, blat, blon, &s12, &az1, &az2);
  geod_direct(&w->ctx->geod, alat, alon, az1, 0.5 * s12, &mlat, &mlon, &az2);
  double dm = dist_at(w, mlon, mlat);
  walk(w, alon, alat, da, ea, mlon, mlat, dm, 0.0, 0.5 * len, depth + 1);
  walk(w, mlon, mlat, dm, 0.0, blon, blat, db, eb, 0.5 * len, depth + 1);
}

static int walk_seq(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  walker *w = user;
  GEOSContextHandle_t h = w->ctx->geos;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  if (n > w->cap_len) {
    double *g = realloc(w->len, n * sizeof *g);
    if (!g) { w->st = FL_E_NOMEM; return 1; }
    w->len = g;
    w->cap_len = n;
  }
  double plon = 0, plat = 0, longest = 0;
  for (unsigned int i = 0; i < n; i++) {
    double lon, lat;
    GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
    if (i > 0) {
      w->len[i] = fl__geod_dist(&w->ctx->geod, plon, plat, lon, lat);
      if (w->len[i] > longest) longest = w->len[i];
    }
    plon = lon; plat = lat;
  }
  /* (E2) */
  w->cap = (w->dist[w->n_dist - 1] + longest) * (1 + 4 * FL__EST_REL) + 4 * FL__EST_ABS_M + 1.0;
  double pd = 0, pe = 0;
  w->parts.open = 0;
  if (w->parts.n && fl__piece_push(&w->parts, NAN, NAN)) w->st = FL_E_NOMEM;
  for (unsigned int i = 0; i < n && !w->st; i++) {
    double lon, lat, e;
    if ((i & 63) == 63 && (w->st = fl__stop_check(w->ctx, "measuring a route"))) break;
    GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
    double d = vertex_value(w, lon, lat, &e);
    if (i > 0) {
      w->r->length_m += w->len[i];
      walk(w, plon, plat, pd, pe, lon, lat, d, e, w->len[i], 0);
    }
    plon = lon; plat = lat; pd = d; pe = e;
  }
  return w->st != FL_OK;
}

static void walker_init(walker *w, fl_ctx *ctx, const fl_dist_index *idx, const double *dist,
                        size_t n_dist, fl_exposure_row *r) {
  memset(w, 0, sizeof *w);
  w->ctx = ctx;
  w->idx = idx;
  w->dist = dist;
  w->n_dist = n_dist;
  w->r = r;
  w->upper = INFINITY;
  r->min_m = INFINITY;
}

static void walker_free(walker *w) {
  free(w->parts.xy);
  free(w->edges);
  free(w->pend);
  free(w->len);
}

static int cmp_pending(const void *a, const void *b) {
  double x = ((const pending *)a)->lb, y = ((const pending *)b)->lb;
  return x < y ? -1 : x > y;
}

static int cmp_edge(const void *a, const void *b) {
  double x = ((const near_edge *)a)->lb, y = ((const near_edge *)b)->lb;
  return x < y ? -1 : x > y;
}

/* (R3): the exact closest approach, after the walk. The vertices known by
 * estimate only are measured in order of their lower bounds until the bound
 * passes the best distance; then each edge that might pass closer than that
 * is searched (crossings included), again in order of its bound. */
static fl_status closest_approach(walker *w) {
  if (w->n_pend) qsort(w->pend, w->n_pend, sizeof *w->pend, cmp_pending);
  for (size_t i = 0; i < w->n_pend && !w->st; i++) {
    if ((i & 63) == 63 && (w->st = fl__stop_check(w->ctx, "measuring a route"))) break;
    if (w->pend[i].lb >= fmin(w->upper, w->r->min_m)) break;
    dist_at(w, w->pend[i].lon, w->pend[i].lat);
  }
  if (w->st) return w->st;
  if (w->n_edges) qsort(w->edges, w->n_edges, sizeof *w->edges, cmp_edge);
  for (size_t i = 0; i < w->n_edges; i++) {
    const near_edge *e = &w->edges[i];
    if ((i & 63) == 63 && fl__stop_check(w->ctx, "measuring a route")) return w->ctx->status;
    double goal = w->r->min_m - fmax(0.5, CLOSEST_REL * w->r->min_m); /* (R3) */
    if (e->lb >= goal) break;
    /* only points closer than the goal are searched for (within 0.5 m of
     * the front: any closer point, a crossing included) */
    if (goal <= 0) goal = w->r->min_m;
    fl_nearest nr;
    fl_status st = fl__dist_index_edge_nearer(w->ctx, w->idx, e->alon, e->alat, e->blon, e->blat,
                                              goal, &nr);
    if (st) return st;
    if (nr.dist_m < goal) w->r->min_m = nr.dist_m;
  }
  return FL_OK;
}


/* ---- the kernel ------------------------------------------------------------ */

struct fl_exposure_kernel {
  fl_dist_index *own;          /* built by fl_exposure_prepare(), or NULL */
  const fl_dist_index *idx;    /* own, or the caller's */
  double *dist;
  size_t n_dist;
};

static fl_status check_dist(fl_ctx *ctx, const double *dist, size_t n) {
  if (!dist || n == 0) return fl__fail(ctx, FL_E_ARG, "route exposure needs at least one band distance");
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(dist[i]) || dist[i] <= 0 || dist[i] > FL_MAX_DIST_M)
      return fl__fail(ctx, FL_E_ARG, "band distance %zu is %g; every distance must be a number "
                      "of metres > 0 and at most 1,000,000", i + 1, dist[i]);
    if (i > 0 && dist[i] <= dist[i - 1])
      return fl__fail(ctx, FL_E_ARG, "band distances must increase: %g m follows %g m", dist[i],
                      dist[i - 1]);
  }
  return FL_OK;
}

fl_status fl_exposure_prepare_index(fl_ctx *ctx, const fl_dist_index *ground,
                                    const double *dist_m, size_t n_dist,
                                    fl_exposure_kernel **out) {
  *out = NULL;
  if (!ground) return fl__fail(ctx, FL_E_ARG, "route exposure needs an indexed ground");
  fl_status st = check_dist(ctx, dist_m, n_dist);
  if (st) return st;
  fl_exposure_kernel *k = calloc(1, sizeof *k);
  double *d = malloc(n_dist * sizeof *d);
  if (!k || !d) {
    free(k);
    free(d);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory preparing route exposure");
  }
  memcpy(d, dist_m, n_dist * sizeof *d);
  k->idx = ground;
  k->dist = d;
  k->n_dist = n_dist;
  *out = k;
  return FL_OK;
}

fl_status fl_exposure_prepare(fl_ctx *ctx, const GEOSGeometry *ground, const double *dist_m,
                              size_t n_dist, fl_exposure_kernel **out) {
  *out = NULL;
  fl_status st = check_dist(ctx, dist_m, n_dist);
  if (st) return st;
  if (!ground || GEOSisEmpty_r(ctx->geos, ground) == 1)
    return fl__fail(ctx, FL_E_GEOM, "route exposure needs a ground to measure to: it is empty");
  fl_dist_index *idx = NULL;
  const GEOSGeometry *items[1] = {ground};
  st = fl_dist_index_create(ctx, items, 1, &idx);
  if (!st) st = fl_exposure_prepare_index(ctx, idx, dist_m, n_dist, out);
  if (st) {
    fl_dist_index_destroy(ctx, idx);
    return st;
  }
  (*out)->own = idx;
  return FL_OK;
}

size_t fl_exposure_n_dist(const fl_exposure_kernel *k) {
  return k->n_dist;
}

void fl_exposure_free(fl_ctx *ctx, fl_exposure_kernel *k) {
  if (!k) return;
  fl_dist_index_destroy(ctx, k->own);
  free(k->dist);
  free(k);
}

/* The exposed parts as a geometry (R4); a buffer of pieces that gives none
 * is a failure, not "no exposed part". */
static fl_status parts_geometry(fl_ctx *ctx, const fl__piece_buf *p, GEOSGeometry **out) {
  *out = NULL;
  if (!p->n) return FL_OK;
  *out = fl__pieces_geometry(ctx, p);
  if (*out) return FL_OK;
  for (size_t i = 2; i < p->n; i += 2) /* a piece of two vertices or more */
    if (!isnan(p->xy[i]) && !isnan(p->xy[i - 2]))
      return fl__fail(ctx, FL_E_GEOS, "cannot build the exposed parts of a route");
  return FL_OK;
}

fl_status fl_exposure_route(fl_ctx *ctx, const fl_exposure_kernel *k, const GEOSGeometry *route,
                            unsigned flags, fl_exposure_row *row) {
  row->exposed = NULL;
  if (!route || GEOSisEmpty_r(ctx->geos, route) == 1)
    return fl__fail(ctx, FL_E_GEOM, "the route is empty");
  if (fl__index_has_area(ctx->geos, route))
    return fl__fail(ctx, FL_E_GEOM, "the route is a polygon; route exposure measures lines");
  row->length_m = 0;
  memset(row->band_m, 0, (k->n_dist + 1) * sizeof *row->band_m);
  walker w;
  walker_init(&w, ctx, k->idx, k->dist, k->n_dist, row);
  w.want_parts = (flags & FL_EXPOSURE_PARTS) != 0;
  fl__each_seq(ctx->geos, route, walk_seq, &w);
  fl_status st = w.st;
  if (!st && (flags & FL_EXPOSURE_MIN)) st = closest_approach(&w);
  if (!st && w.want_parts) st = parts_geometry(ctx, &w.parts, &row->exposed);
  walker_free(&w);
  if (!(flags & FL_EXPOSURE_MIN)) row->min_m = NAN;
  if (st == FL_E_NOMEM) return fl__fail(ctx, FL_E_NOMEM, "out of memory measuring a route");
  return st;
}

/* (R1) for one band [inner_m, outer_m): the kernel on a borrowed index. */
fl_status fl_route_band_m(fl_ctx *ctx, const fl_dist_index *front, const GEOSGeometry *route,
                          double inner_m, double outer_m, double *out_m) {
  if (!isfinite(inner_m) || !isfinite(outer_m) || inner_m < 0 || outer_m <= inner_m)
    return fl__fail(ctx, FL_E_ARG, "band distances must satisfy 0 <= inner < outer metres, got %g "
                    "and %g", inner_m, outer_m);
  double dist[2] = {inner_m, outer_m}, band_m[3] = {0, 0, 0};
  size_t n_dist = inner_m > 0 ? 2 : 1;
  fl_exposure_kernel *k = NULL;
  fl_status st = fl_exposure_prepare_index(ctx, front, n_dist == 2 ? dist : dist + 1, n_dist, &k);
  fl_exposure_row row = {0, 0, band_m, NULL};
  if (!st) st = fl_exposure_route(ctx, k, route, 0, &row);
  fl_exposure_free(ctx, k);
  if (st) return st;
  *out_m = band_m[n_dist - 1]; /* (R1) */
  return FL_OK;
}
