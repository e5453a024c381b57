/*
 * dist_index_walk.c - point queries on the distance index (dist_index.c).
 *
 * A query walks the tree best-first. Each piece is first measured in the
 * frame with a metric correction: the frame is exact along its radii and
 * stretched across them by k(rho), so the across-radius part of a frame
 * vector is divided by k at the vector's midpoint. That estimate is within
 * ~1e-5 of the geodesic distance (plus FL__PIECE_SAG_M for the piece's
 * chord), which is enough to rank candidates; the few best are then measured
 * exactly (fl__geod_point_segment). A node is skipped when its frame
 * distance divided by the largest stretch inside it, less FL__PIECE_SAG_M,
 * already exceeds the best estimate: no true distance can be shorter.
 *
 * Polygons are areas: a query point inside one is at distance 0 (crossing
 * count along a ray, using the same tree).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_dist_index.h"

#define RANK_REL 2e-5 /* estimates closer than this (relative) are measured exactly */
#define RANK_ABS_M 0.05
#define MAX_EXACT 6

/* ---- measuring in the frame ------------------------------------------------ */

/* Frame vector P->Q measured with the stretch at its midpoint removed. */
static double corrected(double px, double py, double qx, double qy) {
  double dx = qx - px, dy = qy - py;
  double mx = 0.5 * (px + qx), my = 0.5 * (py + qy);
  double rho = sqrt(mx * mx + my * my);
  if (rho < 1.0) return sqrt(dx * dx + dy * dy);
  double ux = mx / rho, uy = my / rho;
  double r = dx * ux + dy * uy;
  double t = (dx * uy - dy * ux) / fl__frame_stretch(rho);
  return sqrt(r * r + t * t);
}

/* Estimated distance from P to the frame segment (x0,y0)-(x1,y1). */
double fl__index_segment_estimate(double x0, double y0, double x1, double y1, double px,
                                  double py) {
  double vx = x1 - x0, vy = y1 - y0;
  double len2 = vx * vx + vy * vy;
  double t = len2 > 0 ? ((px - x0) * vx + (py - y0) * vy) / len2 : 0.0;
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  return corrected(px, py, x0 + t * vx, y0 + t * vy);
}

static double seg_estimate(const seg *s, double px, double py) {
  return fl__index_segment_estimate(s->x0, s->y0, s->x1, s->y1, px, py);
}

/* Lower bound of the true distance from P to anything in the node. The
 * stretch is only worked out when the plain frame distance exceeds limit
 * (below it the node is visited either way); FL__PIECE_SAG_M covers the
 * pieces' curves straying from their chords. */
static double box_lower_bound(const node *nd, double px, double py, double limit) {
  double dx = px < nd->minx ? nd->minx - px : (px > nd->maxx ? px - nd->maxx : 0.0);
  double dy = py < nd->miny ? nd->miny - py : (py > nd->maxy ? py - nd->maxy : 0.0);
  double d2 = dx * dx + dy * dy;
  if (d2 == 0.0) return 0.0;
  double d = sqrt(d2);
  double rho = sqrt(px * px + py * py) + d;
  if (d > limit) {
    double fx = fmax(fabs(nd->minx), fabs(nd->maxx)), fy = fmax(fabs(nd->miny), fabs(nd->maxy));
    rho = fmax(sqrt(fx * fx + fy * fy), sqrt(px * px + py * py));
  }
  return fmax(0.0, d / fl__frame_stretch_wgs84(rho) - FL__PIECE_SAG_M);
}

/* Estimates within this of the best one may belong to a nearer piece: each
 * estimate errs by up to RANK_REL / 2 (sphere, rounding) plus the ellipsoid's
 * difference at the vector's midpoint, within rho_p + est of the centre. */
static double rank_limit(double best_est, double rho_p) {
  double rel = RANK_REL + 2.0 * fl__frame_ellipsoid_rel(rho_p + best_est);
  return best_est * (1.0 + rel) + RANK_ABS_M;
}

/* ---- best-first search ------------------------------------------------------- */

typedef struct candidate {
  double est;
  const seg *s;
} candidate;

/* A nearest search: the query (frame and lon/lat) and the best candidates,
 * ranked by estimate. */
typedef struct near_walk {
  const fl_dist_index *idx;
  double px, py, rho_p;
  accept_fn accept;
  void *user;
  candidate best[MAX_EXACT];
  size_t n_best;
} near_walk;

static double near_limit(void *user) {
  const near_walk *w = user;
  return w->n_best ? rank_limit(w->best[0].est, w->rho_p) : DBL_MAX;
}

static double near_bound(const node *nd, double limit, void *user) {
  const near_walk *w = user;
  return box_lower_bound(nd, w->px, w->py, limit);
}

/* Insert sorted, keep at most MAX_EXACT. */
static void near_insert(near_walk *w, double est, const seg *s) {
  size_t pos = w->n_best < MAX_EXACT ? w->n_best : MAX_EXACT - 1;
  if (w->n_best == MAX_EXACT && est >= w->best[pos].est) return;
  while (pos > 0 && w->best[pos - 1].est > est) {
    w->best[pos] = w->best[pos - 1];
    pos--;
  }
  w->best[pos].est = est;
  w->best[pos].s = s;
  if (w->n_best < MAX_EXACT) w->n_best++;
}

static int near_leaf(const node *nd, void *user) {
  near_walk *w = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &w->idx->segs[nd->first + k];
    if (w->accept && !w->accept(s->item, w->user)) continue;
    double est = seg_estimate(s, w->px, w->py);
    if (est > near_limit(w)) continue;
    near_insert(w, est, s);
  }
  return 0;
}

static const fl__rtree_order near_order = {near_limit, near_bound, near_leaf};

/* Nearest accepted segment to lon/lat point (px, py in the frame: projected
 * once by the caller); FL_E_GEOM when none accepted. */
static fl_status nearest_point(fl_ctx *ctx, const fl_dist_index *idx, double lon, double lat,
                               double px, double py, accept_fn accept, void *user,
                               fl_nearest *out) {
  near_walk w = {idx, px, py, sqrt(px * px + py * py), accept, user, {{0, NULL}}, 0};
  if (fl__rtree_best_first(&idx->tree, &near_order, &w) < 0)
    return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!w.n_best) return fl__fail(ctx, FL_E_GEOM, "no geometry to measure to");
  double lim = near_limit(&w);
  fl_nearest r = {DBL_MAX, 0, 0, 0, lon, lat};
  for (size_t i = 0; i < w.n_best && w.best[i].est <= lim; i++) {
    const seg *s = w.best[i].s;
    double nlon, nlat;
    double d = fl__geod_point_segment(&ctx->geod, lon, lat, s->lon0, s->lat0, s->lon1, s->lat1,
                                      &nlon, &nlat);
    if (d < r.dist_m) {
      r.dist_m = d;
      r.item = s->item;
      r.near_lon = nlon;
      r.near_lat = nlat;
    }
  }
  if (!(r.dist_m < DBL_MAX)) /* no candidate measured to a finite distance: never a sentinel */
    return fl__fail(ctx, FL_E_GEOM, "no finite distance from (%.9g, %.9g) to the indexed "
                    "geometries", lon, lat);
  *out = r;
  return FL_OK;
}

/* ---- areas: is the point inside a polygon item? ------------------------------ */

typedef struct parity {
  uint32_t item;
  uint32_t count;
} parity;

/* A ray from (px,py) towards +x: the crossings it counts per polygon item. */
typedef struct ray_walk {
  double px, py;
  parity local[16];
  parity *par;                 /* local, or malloc'd when grown */
  size_t n_par, cap_par;
  int oom;
  const seg *idx_segs;         /* the index's segments */
} ray_walk;

static int ray_skip(const node *nd, void *user) {
  const ray_walk *w = user;
  return nd->maxx < w->px || nd->miny > w->py || nd->maxy < w->py;
}

/* The parity entry of item, added when new; NULL when out of memory. */
static parity *ray_item(ray_walk *w, uint32_t item) {
  for (size_t i = 0; i < w->n_par; i++)
    if (w->par[i].item == item) return &w->par[i];
  if (w->n_par == w->cap_par) {
    size_t cap = w->cap_par * 2;
    parity *grown = malloc(cap * sizeof *grown);
    if (!grown) return NULL;
    memcpy(grown, w->par, w->n_par * sizeof *grown);
    if (w->par != w->local) free(w->par);
    w->par = grown;
    w->cap_par = cap;
  }
  w->par[w->n_par] = (parity){item, 0};
  return &w->par[w->n_par++];
}

static int ray_leaf(const node *nd, void *user) {
  ray_walk *w = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &w->idx_segs[nd->first + k];
    if (!s->is_area) continue;
    /* half-open rule: count edges with one end strictly above py */
    if ((s->y0 > w->py) == (s->y1 > w->py)) continue;
    double x = s->x0 + (w->py - s->y0) * (s->x1 - s->x0) / (s->y1 - s->y0);
    if (x < w->px) continue;
    parity *p = ray_item(w, s->item);
    if (!p) {
      w->oom = 1;
      return 1;
    }
    p->count++;
  }
  return 0;
}

/* Crossing count of a ray from (px,py) towards +x over area segments.
 * Returns the item of an accepted polygon containing the point, -1 when
 * none, -2 when out of memory. */
static long inside_area(const fl_dist_index *idx, double px, double py, accept_fn accept,
                        void *user) {
  ray_walk w = {.px = px, .py = py, .n_par = 0, .cap_par = 16, .oom = 0, .idx_segs = idx->segs};
  w.par = w.local;
  if (fl__index_dfs(idx, ray_skip, ray_leaf, &w) < 0) w.oom = 1;
  long found = w.oom ? -2 : -1;
  for (size_t i = 0; i < w.n_par && !w.oom; i++)
    if ((w.par[i].count & 1u) && (!accept || accept(w.par[i].item, user))) {
      found = (long)w.par[i].item;
      break;
    }
  if (w.par != w.local) free(w.par);
  return found;
}

fl_status fl_dist_index_nearest_xy(fl_ctx *ctx, const fl_dist_index *idx, double lon, double lat,
                                   accept_fn accept, void *user, fl_nearest *out) {
  if (!isfinite(lon) || !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90)
    return fl__fail(ctx, FL_E_GEOM, "point (%.9g, %.9g) is outside lon -180..180 / lat -90..90",
                    lon, lat);
  double px, py;
  fl__frame_fwd(&idx->frame, lon, lat, &px, &py);
  long inside = idx->has_areas ? inside_area(idx, px, py, accept, user) : -1;
  if (inside == -2) return fl__fail(ctx, FL_E_NOMEM, "out of memory testing containment");
  if (inside >= 0) {
    fl_nearest r = {0.0, (size_t)inside, lon, lat, lon, lat};
    *out = r;
    return FL_OK;
  }
  return nearest_point(ctx, idx, lon, lat, px, py, accept, user, out);
}

/* ---- estimates: the nearest distance without measuring it exactly ----------- */

/* The smallest frame estimate (seg_estimate) up to a limit. */
typedef struct est_walk {
  const fl_dist_index *idx;
  double px, py, limit, best;
} est_walk;

static double est_limit(void *user) {
  const est_walk *w = user;
  return fmin(w->limit, w->best);
}

static double est_bound(const node *nd, double limit, void *user) {
  const est_walk *w = user;
  return box_lower_bound(nd, w->px, w->py, limit);
}

static int est_leaf(const node *nd, void *user) {
  est_walk *w = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    double est = seg_estimate(&w->idx->segs[nd->first + k], w->px, w->py);
    if (est < w->best) w->best = est;
  }
  return 0;
}

static const fl__rtree_order est_order = {est_limit, est_bound, est_leaf};

/* Best-first search for the smallest frame estimate up to limit; DBL_MAX
 * when nothing is that near. -1 when out of memory. */
static double estimate_point(const fl_dist_index *idx, double px, double py, double limit) {
  est_walk w = {idx, px, py, limit, DBL_MAX};
  if (fl__rtree_best_first(&idx->tree, &est_order, &w) < 0) return -1.0;
  return w.best <= limit ? w.best : DBL_MAX;
}

fl_status fl__dist_index_estimate_xy(fl_ctx *ctx, const fl_dist_index *idx, double lon,
                                     double lat, double limit, double *est, int *beyond) {
  if (!isfinite(lon) || !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90)
    return fl__fail(ctx, FL_E_GEOM, "point (%.9g, %.9g) is outside lon -180..180 / lat -90..90",
                    lon, lat);
  double px, py;
  fl__frame_fwd(&idx->frame, lon, lat, &px, &py);
  *beyond = 0;
  long inside = idx->has_areas ? inside_area(idx, px, py, NULL, NULL) : -1;
  if (inside == -2) return fl__fail(ctx, FL_E_NOMEM, "out of memory testing containment");
  if (inside >= 0) {
    *est = 0.0;
    return FL_OK;
  }
  double e = estimate_point(idx, px, py, limit);
  if (e < 0) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  /* Far from the frame's centre (beyond ~1,300 km) the ellipsoid alone may
   * take the estimate past FL__EST_REL: measure exactly there. */
  if (e != DBL_MAX && fl__frame_ellipsoid_rel(sqrt(px * px + py * py) + e) > 0.9 * FL__EST_REL) {
    fl_nearest r;
    fl_status st = nearest_point(ctx, idx, lon, lat, px, py, NULL, NULL, &r);
    if (st != FL_OK) return st;
    e = r.dist_m <= limit ? r.dist_m : DBL_MAX;
  }
  if (e == DBL_MAX) {
    *est = limit;
    *beyond = 1;
  } else {
    *est = e;
  }
  return FL_OK;
}
