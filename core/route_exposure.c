/*
 * route_exposure.c - how much of each supply route lies within reach of the
 * front, band by band.
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
 *   (R5) with on_side, only the parts of routes on that side's ground
 *        (route_on_side.c);
 *   (R7)-(R8) with in_view, the same measures on the parts in view
 *        (route_in_view.c).
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
#include "fl_geodesy.h"
#include "fl_prep.h"

#define RESOLUTION_M 2.0
#define MAX_DEPTH 40
#define CLOSEST_REL 1e-4 /* (R3) */


typedef struct row {
  int off_side;     /* (R5): no part on opts->on_side's ground, no row */
  double length_m, min_m;
  double *band_m;   /* n_dist + 1 (last: beyond) */
  fl__piece_buf exposed;
} row;

typedef struct job {
  const fl__prepped *routes;
  fl_dist_index **idx;   /* per group */
  size_t n_groups;
  const double *dist;
  size_t n_dist;
  row *rows;             /* [route * n_groups + group] */
  GEOSGeometry **on_ground; /* per group: opts->on_side's ground, or NULL (route_on_side.c) */
  GEOSGeometry *view[1];    /* (R7): the ground in view, or NULL */
  row *vrows;               /* (R7): the parts in view, as rows; NULL without in_view */
} job;

/* One thread's prepared grounds: the side's (R5) and the view's (R7). */
typedef struct scratch {
  fl__on_side_prep *side, *view;
} scratch;

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
  row *r;
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
  fl__piece_buf *p = &w->r->exposed;
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
  w->r->exposed.open = 0;
  if (w->r->exposed.n && fl__piece_push(&w->r->exposed, NAN, NAN)) w->st = FL_E_NOMEM;
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
                        size_t n_dist, row *r) {
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

static void *scratch_new(fl_ctx *wctx, void *shared) {
  job *j = shared;
  scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  if (j->on_ground) s->side = fl__on_side_prepare(wctx, j->on_ground, j->n_groups);
  if (j->view[0]) s->view = fl__on_side_prepare(wctx, j->view, 1);
  return s;
}

static void scratch_free(fl_ctx *wctx, void *sp) {
  scratch *s = sp;
  if (!s) return;
  fl__on_side_unprepare(wctx, s->side);
  fl__on_side_unprepare(wctx, s->view);
  free(s);
}

/* (R1)-(R4) on g into row r. */
static fl_status measure(fl_ctx *wctx, const job *j, size_t k, const GEOSGeometry *g, row *r) {
  walker w;
  walker_init(&w, wctx, j->idx[k], j->dist, j->n_dist, r);
  fl__each_seq(wctx->geos, g, walk_seq, &w);
  fl_status st = w.st ? w.st : closest_approach(&w);
  walker_free(&w);
  if (st == FL_E_NOMEM) return fl__fail(wctx, FL_E_NOMEM, "out of memory");
  return st;
}

/* (R7): the parts of g in view, measured into vrows. */
static fl_status measure_in_view(fl_ctx *wctx, const job *j, const scratch *s, size_t i,
                                 size_t k, const GEOSGeometry *g) {
  row *vr = &j->vrows[i * j->n_groups + k];
  vr->min_m = INFINITY;
  GEOSGeometry *vis = NULL;
  int none = 0;
  fl_status st = fl__on_side_clip(wctx, s->view, 0, g, &vis, &none);
  if (st || none) return st;
  st = measure(wctx, j, k, vis ? vis : g, vr);
  if (vis) GEOSGeom_destroy_r(wctx->geos, vis);
  return st;
}

static fl_status one_route(fl_ctx *wctx, size_t i, void *shared, void *sp) {
  job *j = shared;
  const scratch *s = sp;
  const GEOSGeometry *whole = j->routes->lonlat[i];
  if (!whole) return FL_OK;
  if ((j->on_ground || j->view[0]) && !s) return fl__fail(wctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; k < j->n_groups; k++) {
    GEOSGeometry *part = NULL;
    int none = 0;
    if (j->on_ground) { /* (R5) */
      fl_status st = fl__on_side_clip(wctx, s->side, k, whole, &part, &none);
      if (st) return st;
      j->rows[i * j->n_groups + k].off_side = none;
      if (none) continue;
    }
    const GEOSGeometry *g = part ? part : whole;
    fl_status st = measure(wctx, j, k, g, &j->rows[i * j->n_groups + k]);
    if (!st && j->view[0]) st = measure_in_view(wctx, j, s, i, k, g);
    if (part) GEOSGeom_destroy_r(wctx->geos, part);
    if (st) return st;
  }
  return FL_OK;
}

fl_status fl_route_band_m(fl_ctx *ctx, const fl_dist_index *front, const GEOSGeometry *route,
                          double inner_m, double outer_m, double *out_m) {
  if (!isfinite(inner_m) || !isfinite(outer_m) || inner_m < 0 || outer_m <= inner_m)
    return fl__fail(ctx, FL_E_ARG, "band distances must satisfy 0 <= inner < outer metres, got %g "
                    "and %g", inner_m, outer_m);
  if (!route || GEOSisEmpty_r(ctx->geos, route) == 1)
    return fl__fail(ctx, FL_E_GEOM, "the route is empty");
  double dist[2] = {inner_m, outer_m};
  double band_m[3] = {0, 0, 0};
  row r;
  memset(&r, 0, sizeof r);
  r.band_m = band_m;
  size_t n_dist = inner_m > 0 ? 2 : 1;
  walker w;
  walker_init(&w, ctx, front, inner_m > 0 ? dist : dist + 1, n_dist, &r);
  fl__each_seq(ctx->geos, route, walk_seq, &w);
  walker_free(&w);
  free(r.exposed.xy);
  if (w.st == FL_E_NOMEM) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (w.st) return w.st;
  *out_m = inner_m > 0 ? band_m[1] : band_m[0]; /* (R1) */
  return FL_OK;
}

typedef struct ground_pick {
  const fl__groups *gr;
  int group;
  const fl__prepped *p;
} ground_pick;

static int keep_group(size_t i, void *user) {
  ground_pick *gp = user;
  return gp->gr->of_feature[i] == gp->group;
}

fl_status fl_route_exposure(fl_ctx *ctx, const fl_layer *routes, const fl_layer *front,
                            const fl_layer *control, const fl_options *opts, fl_layer **out) {
  *out = NULL;
  const double *dist;
  size_t n_dist;
  fl_status st = fl__distances(ctx, opts, &dist, &n_dist);
  if (st) return st;
  if (opts->held_by && !control)
    return fl__fail(ctx, FL_E_ARG, "@{held_by} '%s' needs a control layer (@{control})", opts->held_by);
  if (!opts->held_by && !front)
    return fl__fail(ctx, FL_E_ARG, "route exposure needs a front layer (@{front}), or a control "
                    "layer with @{held_by}");
  fl__prepped rp, gp;
  memset(&rp, 0, sizeof rp);
  memset(&gp, 0, sizeof gp);
  fl__groups gr;
  memset(&gr, 0, sizeof gr);
  job j;
  memset(&j, 0, sizeof j);
  fl_layer *res = NULL;
  const fl_layer *ground = opts->held_by ? control : front;
  st = fl__prep_layer(ctx, routes, "routes", FL__WANT_LINE, &rp);
  if (!st)
    st = fl__prep_layer(ctx, ground, opts->held_by ? "control" : "front",
                        opts->held_by ? FL__WANT_POLYGON : FL__WANT_LINE, &gp);
  if (!st) st = fl__groups_build(ctx, ground, opts, &gr);
  if (!st) {
    j.routes = &rp;
    j.n_groups = gr.n;
    j.dist = dist;
    j.n_dist = n_dist;
    j.idx = calloc(gr.n, sizeof *j.idx);
    j.rows = calloc(routes->n_features * gr.n + 1, sizeof *j.rows);
    if (!j.idx || !j.rows) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  for (size_t k = 0; !st && k < gr.n; k++) {
    GEOSGeometry *g = NULL;
    if (opts->held_by) {
      fl__control_group cg;
      st = fl__control_group_build(ctx, &gp, &gr, (int)k, opts, &cg);
      if (st) break;
      int s = fl__control_side(&cg, opts->held_by);
      if (s < 0)
        st = fl__fail(ctx, FL_E_ARG, "control layer '%s' has no ground held by '%s'%s%s; check "
                      "@{held_by}", control->name, opts->held_by, gr.g[k].source[0] ? " in " : "",
                      gr.g[k].source);
      else
        g = GEOSGeom_clone_r(ctx->geos, cg.area[s]);
      fl__control_group_free(ctx, &cg);
    } else {
      ground_pick pick = {&gr, (int)k, &gp};
      g = fl__union_where(ctx, gp.lonlat, gp.n, keep_group, &pick);
      if (!g) st = ctx->status;
    }
    if (!st) {
      const GEOSGeometry *items[1] = {g};
      st = fl_dist_index_create(ctx, items, 1, &j.idx[k]);
    }
    if (g) GEOSGeom_destroy_r(ctx->geos, g);
  }
  double *band_store = NULL;
  size_t n_rows = routes->n_features * gr.n;
  if (!st) st = fl__in_view_ground(ctx, opts->in_view, &j.view[0]);
  if (!st && j.view[0] && !(j.vrows = calloc(n_rows + 1, sizeof *j.vrows)))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) {
    band_store = calloc(2 * n_rows * (n_dist + 1) + 1, sizeof *band_store);
    if (!band_store) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    for (size_t r = 0; !st && r < n_rows; r++) {
      j.rows[r].band_m = band_store + r * (n_dist + 1);
      if (j.vrows) j.vrows[r].band_m = band_store + (n_rows + r) * (n_dist + 1);
    }
  }
  if (!st) st = fl__on_side_grounds(ctx, control, opts, &gr, &j.on_ground);
  if (!st && (j.on_ground || j.view[0]))
    st = fl__parallel_for(ctx, routes->n_features, one_route, &j, scratch_new, scratch_free, 0.05,
                          0.95);
  else if (!st)
    st = fl__parallel_for(ctx, routes->n_features, one_route, &j, NULL, NULL, 0.05, 0.95);

  /* result layer (R4) */
  if (!st) {
    res = fl_layer_new("route_exposure", routes->srid, "MULTILINESTRING");
    if (!res) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  int *map = NULL, *f_band = NULL, *f_vband = NULL;
  if (!st) {
    static const char *fixed[] = {"source", "date", "length_km", "min_dist_to_front_m",
                                  "min_dist_to_ground_m", "exposed_km", "exposed_share",
                                  "in_view_km", "view_exposed_km"};
    size_t n_fixed = sizeof fixed / sizeof fixed[0];
    /* the output columns, km_<inner>_<outer> (and view_km_...) of every band included */
    char **reserved = calloc(n_fixed + 2 * n_dist + 1, sizeof *reserved);
    map = malloc((routes->n_fields + 1) * sizeof *map);
    f_band = malloc((n_dist + 1) * sizeof *f_band);
    f_vband = malloc((n_dist + 1) * sizeof *f_vband);
    int oom = !reserved || !map || !f_band || !f_vband;
    for (size_t k = 0; !oom && k < n_fixed; k++) oom = !(reserved[k] = fl__strdup(fixed[k]));
    for (size_t b = 0; !oom && b < n_dist; b++) {
      char name[64];
      snprintf(name, sizeof name, "km_%.0f_%.0f", b ? dist[b - 1] : 0.0, dist[b]);
      oom = !(reserved[n_fixed + 2 * b] = fl__strdup(name));
      char vname[70];
      snprintf(vname, sizeof vname, "view_%s", name);
      if (!oom) oom = !(reserved[n_fixed + 2 * b + 1] = fl__strdup(vname));
    }
    if (oom) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    else st = fl__copy_fields(ctx, "route-exposure", res, routes, (const char *const *)reserved,
                              map);
    for (size_t k = 0; reserved && reserved[k]; k++) free(reserved[k]);
    free(reserved);
  }
  int f_source = -1, f_date = -1, f_len = -1, f_min = -1, f_exp = -1, f_share = -1, f_view = -1,
      f_vexp = -1;
  if (!st) {
    if (gr.source_field >= 0) f_source = fl_layer_add_field(res, "source", FL_FIELD_TEXT);
    if (gr.date_field >= 0) f_date = fl_layer_add_field(res, "date", FL_FIELD_TEXT);
    f_len = fl_layer_add_field(res, "length_km", FL_FIELD_REAL);
    f_min = fl_layer_add_field(res, opts->held_by ? "min_dist_to_ground_m" : "min_dist_to_front_m",
                               FL_FIELD_REAL);
    for (size_t b = 0; b < n_dist; b++) {
      char name[64];
      snprintf(name, sizeof name, "km_%.0f_%.0f", b ? dist[b - 1] : 0.0, dist[b]);
      f_band[b] = fl_layer_add_field(res, name, FL_FIELD_REAL);
    }
    f_exp = fl_layer_add_field(res, "exposed_km", FL_FIELD_REAL);
    f_share = fl_layer_add_field(res, "exposed_share", FL_FIELD_REAL);
    if (j.vrows) { /* (R7) */
      f_view = fl_layer_add_field(res, "in_view_km", FL_FIELD_REAL);
      for (size_t b = 0; b < n_dist; b++) {
        char name[64];
        snprintf(name, sizeof name, "view_km_%.0f_%.0f", b ? dist[b - 1] : 0.0, dist[b]);
        f_vband[b] = fl_layer_add_field(res, name, FL_FIELD_REAL);
      }
      f_vexp = fl_layer_add_field(res, "view_exposed_km", FL_FIELD_REAL);
    }
  }
  for (size_t i = 0; !st && i < routes->n_features; i++) {
    if (!rp.lonlat[i]) continue;
    for (size_t k = 0; !st && k < gr.n; k++) {
      row *r = &j.rows[i * gr.n + k];
      if (r->off_side) continue;
      row *vr = j.vrows ? &j.vrows[i * gr.n + k] : NULL;
      GEOSGeometry *ll = fl__pieces_geometry(ctx, vr ? &vr->exposed : &r->exposed), *geom = NULL;
      if (ll) st = fl__to_layer_crs(ctx, ll, routes->srid, &geom);
      if (st) break;
      fl_feature *f = fl_layer_append(ctx, res, routes->features[i].fid, geom);
      if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
      st = fl__copy_values(res, f, routes, &routes->features[i], map);
      if (f_source >= 0) fl_feature_set_text(res, f, f_source, gr.g[k].source);
      if (f_date >= 0) fl_feature_set_text(res, f, f_date, gr.g[k].date);
      double exposed = 0;
      for (size_t b = 0; b < n_dist; b++) {
        fl_feature_set_real(res, f, f_band[b], r->band_m[b] / 1000.0);
        exposed += r->band_m[b];
      }
      fl_feature_set_real(res, f, f_len, r->length_m / 1000.0);
      if (isfinite(r->min_m)) fl_feature_set_real(res, f, f_min, r->min_m);
      else
        fl__warn(ctx, "route-exposure: route feature %lld has no finite distance to the %s; "
                 "its %s is left NULL", (long long)routes->features[i].fid,
                 opts->held_by ? "held ground" : "front",
                 opts->held_by ? "min_dist_to_ground_m" : "min_dist_to_front_m");
      fl_feature_set_real(res, f, f_exp, exposed / 1000.0);
      fl_feature_set_real(res, f, f_share, r->length_m > 0 ? exposed / r->length_m : 0.0);
      if (vr) { /* (R7) */
        double vexp = 0;
        for (size_t b = 0; b < n_dist; b++) {
          fl_feature_set_real(res, f, f_vband[b], vr->band_m[b] / 1000.0);
          vexp += vr->band_m[b];
        }
        fl_feature_set_real(res, f, f_view, vr->length_m / 1000.0);
        fl_feature_set_real(res, f, f_vexp, vexp / 1000.0);
      }
    }
  }
  free(map);
  free(f_band);
  free(f_vband);
  for (size_t r = 0; j.rows && r < routes->n_features * gr.n; r++) free(j.rows[r].exposed.xy);
  for (size_t r = 0; j.vrows && r < routes->n_features * gr.n; r++) free(j.vrows[r].exposed.xy);
  free(j.vrows);
  if (j.view[0]) GEOSGeom_destroy_r(ctx->geos, j.view[0]);
  for (size_t k = 0; j.idx && k < gr.n; k++) fl_dist_index_destroy(ctx, j.idx[k]);
  free(j.idx);
  free(j.rows);
  fl__on_side_free(ctx, j.on_ground, gr.n);
  free(band_store);
  if (gr.of_feature) fl__groups_free(&gr);
  fl__prep_free(ctx, &rp);
  fl__prep_free(ctx, &gp);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return fl__progress(ctx, 1.0);
}
