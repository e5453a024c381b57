/*
 * dist_index.c - nearest-geometry queries on the ellipsoid, many at a time.
 *
 * The indexed geometries are cut into segments (points become zero-length
 * segments), projected once into one azimuthal equidistant frame centred on
 * their extent (crs.c), and packed into a static R-tree (sort-tile-recursive,
 * built once, read-only afterwards, so threads may share it).
 *
 * A query walks the tree best-first. Each segment is first measured in the
 * frame with a metric correction: the frame is exact along its radii and
 * stretched across them by k(rho), so the across-radius part of a frame
 * vector is divided by k at the vector's midpoint. That estimate is within
 * ~1e-5 of the geodesic distance, which is enough to rank candidates; the
 * few best are then measured exactly (fl__geod_point_segment). A node is
 * skipped when its frame distance divided by the largest stretch inside it
 * already exceeds the best estimate: no true distance can be shorter.
 *
 * Polygons are areas: a query point inside one is at distance 0 (crossing
 * count along a ray, using the same tree). Lines and polygons as queries:
 * 0 when they cross or contain an indexed part, else the shorter of their
 * vertices' nearest distances and the indexed vertices near them measured
 * back to the query's own segments.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_geodesy.h"

#define LEAF_SIZE 8
#define NODE_SIZE 8
#define RANK_REL 2e-5 /* estimates closer than this (relative) are measured exactly */
#define RANK_ABS_M 0.05
#define MAX_EXACT 6

typedef struct seg {
  double x0, y0, x1, y1;         /* frame metres */
  double lon0, lat0, lon1, lat1; /* degrees */
  uint32_t item;
  uint32_t is_area;              /* ring of a polygon item */
} seg;

typedef struct node {
  double minx, miny, maxx, maxy;
  uint32_t first, count;          /* children (inner) or segments (leaf) */
  uint32_t leaf;
  uint32_t pad;
} node;

struct fl_dist_index {
  fl__frame frame;
  seg *segs;
  size_t n_segs;
  node *nodes;
  size_t n_nodes;
  size_t root;
  size_t n_items;
  unsigned char *item_is_area;
  int has_areas;                /* some item is a polygon */
};

/* ---- building -------------------------------------------------------------- */

typedef struct build_job {
  fl_ctx *ctx;
  fl_dist_index *idx;
  size_t cap;
  uint32_t item;
  int failed;
  int bad;            /* a coordinate is not a finite lon/lat */
  double bad_x, bad_y;
} build_job;

static int lonlat_ok(double lon, double lat) {
  return isfinite(lon) && isfinite(lat) && fabs(lon) <= 180.0 && fabs(lat) <= 90.0;
}

static int push_seg(build_job *job, double lon0, double lat0, double lon1, double lat1,
                    int is_area) {
  fl_dist_index *idx = job->idx;
  if (!lonlat_ok(lon0, lat0) || !lonlat_ok(lon1, lat1)) {
    job->bad = 1;
    job->bad_x = lonlat_ok(lon0, lat0) ? lon1 : lon0;
    job->bad_y = lonlat_ok(lon0, lat0) ? lat1 : lat0;
    return job->failed = 1;
  }
  if (idx->n_segs == job->cap) {
    size_t cap = job->cap ? job->cap * 2 : 1024;
    seg *s = realloc(idx->segs, cap * sizeof *s);
    if (!s) return job->failed = 1;
    idx->segs = s;
    job->cap = cap;
  }
  seg *s = &idx->segs[idx->n_segs++];
  s->lon0 = lon0; s->lat0 = lat0; s->lon1 = lon1; s->lat1 = lat1;
  s->item = job->item;
  s->is_area = (uint32_t)is_area;
  fl__frame_fwd(&idx->frame, lon0, lat0, &s->x0, &s->y0);
  if (lon1 == lon0 && lat1 == lat0) {
    s->x1 = s->x0;
    s->y1 = s->y0;
  } else {
    fl__frame_fwd(&idx->frame, lon1, lat1, &s->x1, &s->y1);
  }
  return 0;
}

static int add_seq(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  build_job *job = user;
  GEOSContextHandle_t h = job->ctx->geos;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  double px = 0, py = 0;
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
    if (n == 1 && push_seg(job, x, y, x, y, 0)) return 1;
    if (i > 0 && push_seg(job, px, py, x, y, is_ring && ring_index >= 0)) return 1;
    px = x;
    py = y;
  }
  return 0;
}

static int add_points(build_job *job, const GEOSGeometry *g) {
  GEOSContextHandle_t h = job->ctx->geos;
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT) {
    if (GEOSisEmpty_r(h, g) == 1) return 0;
    double x, y;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    return push_seg(job, x, y, x, y, 0);
  }
  if (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (add_points(job, GEOSGetGeometryN_r(h, g, i))) return 1;
  }
  return 0;
}

static int has_area(GEOSContextHandle_t h, const GEOSGeometry *g) {
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return 1;
  if (type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (has_area(h, GEOSGetGeometryN_r(h, g, i))) return 1;
  }
  return 0;
}

static void seg_bounds(const seg *s, double *minx, double *miny, double *maxx, double *maxy) {
  *minx = fmin(s->x0, s->x1);
  *maxx = fmax(s->x0, s->x1);
  *miny = fmin(s->y0, s->y1);
  *maxy = fmax(s->y0, s->y1);
}

static int cmp_seg_x(const void *a, const void *b) {
  const seg *s = a, *t = b;
  double u = s->x0 + s->x1, v = t->x0 + t->x1;
  return (u > v) - (u < v);
}

static int cmp_seg_y(const void *a, const void *b) {
  const seg *s = a, *t = b;
  double u = s->y0 + s->y1, v = t->y0 + t->y1;
  return (u > v) - (u < v);
}

static int cmp_node_x(const void *a, const void *b) {
  const node *s = a, *t = b;
  double u = s->minx + s->maxx, v = t->minx + t->maxx;
  return (u > v) - (u < v);
}

static int cmp_node_y(const void *a, const void *b) {
  const node *s = a, *t = b;
  double u = s->miny + s->maxy, v = t->miny + t->maxy;
  return (u > v) - (u < v);
}

/* Sort-tile-recursive order: slabs by x, then y within each slab. */
static void str_sort(void *base, size_t n, size_t size, size_t per_group,
                     int (*by_x)(const void *, const void *),
                     int (*by_y)(const void *, const void *)) {
  if (n <= per_group) return;
  qsort(base, n, size, by_x);
  size_t groups = (n + per_group - 1) / per_group;
  size_t slabs = (size_t)ceil(sqrt((double)groups));
  size_t per_slab = slabs * per_group;
  for (size_t i = 0; i < n; i += per_slab) {
    size_t m = n - i < per_slab ? n - i : per_slab;
    qsort((char *)base + i * size, m, size, by_y);
  }
}

static fl_status build_tree(fl_ctx *ctx, fl_dist_index *idx) {
  str_sort(idx->segs, idx->n_segs, sizeof(seg), LEAF_SIZE, cmp_seg_x, cmp_seg_y);
  size_t n_leaves = (idx->n_segs + LEAF_SIZE - 1) / LEAF_SIZE;
  size_t cap = n_leaves * 2 + 8;
  idx->nodes = malloc(cap * sizeof(node));
  if (!idx->nodes) return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  for (size_t i = 0; i < n_leaves; i++) {
    node *nd = &idx->nodes[i];
    nd->first = (uint32_t)(i * LEAF_SIZE);
    nd->count = (uint32_t)(idx->n_segs - i * LEAF_SIZE < LEAF_SIZE ? idx->n_segs - i * LEAF_SIZE
                                                                   : LEAF_SIZE);
    nd->leaf = 1;
    nd->minx = nd->miny = DBL_MAX;
    nd->maxx = nd->maxy = -DBL_MAX;
    for (uint32_t k = 0; k < nd->count; k++) {
      double a, b, c, d;
      seg_bounds(&idx->segs[nd->first + k], &a, &b, &c, &d);
      nd->minx = fmin(nd->minx, a); nd->miny = fmin(nd->miny, b);
      nd->maxx = fmax(nd->maxx, c); nd->maxy = fmax(nd->maxy, d);
    }
  }
  size_t level_start = 0, level_n = n_leaves, total = n_leaves;
  while (level_n > 1) {
    str_sort(idx->nodes + level_start, level_n, sizeof(node), NODE_SIZE, cmp_node_x, cmp_node_y);
    size_t parents = (level_n + NODE_SIZE - 1) / NODE_SIZE;
    for (size_t i = 0; i < parents; i++) {
      node *nd = &idx->nodes[total + i];
      nd->first = (uint32_t)(level_start + i * NODE_SIZE);
      nd->count = (uint32_t)(level_n - i * NODE_SIZE < NODE_SIZE ? level_n - i * NODE_SIZE
                                                                 : NODE_SIZE);
      nd->leaf = 0;
      nd->minx = nd->miny = DBL_MAX;
      nd->maxx = nd->maxy = -DBL_MAX;
      for (uint32_t k = 0; k < nd->count; k++) {
        const node *c = &idx->nodes[nd->first + k];
        nd->minx = fmin(nd->minx, c->minx); nd->miny = fmin(nd->miny, c->miny);
        nd->maxx = fmax(nd->maxx, c->maxx); nd->maxy = fmax(nd->maxy, c->maxy);
      }
    }
    level_start = total;
    total += parents;
    level_n = parents;
  }
  idx->n_nodes = total;
  idx->root = total - 1;
  return FL_OK;
}

fl_status fl_dist_index_create(fl_ctx *ctx, const GEOSGeometry *const *geoms, size_t n,
                               fl_dist_index **out) {
  *out = NULL;
  fl_dist_index *idx = calloc(1, sizeof *idx);
  unsigned char *area = calloc(n ? n : 1, 1);
  if (!idx || !area) {
    free(idx);
    free(area);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  }
  idx->item_is_area = area;
  idx->n_items = n;
  double minx = DBL_MAX, miny = DBL_MAX, maxx = -DBL_MAX, maxy = -DBL_MAX;
  for (size_t i = 0; i < n; i++) {
    if (!geoms[i] || GEOSisEmpty_r(ctx->geos, geoms[i]) == 1) continue;
    double a, b, c, d;
    if (fl__bounds(ctx, geoms[i], &a, &b, &c, &d)) continue;
    minx = fmin(minx, a); miny = fmin(miny, b); maxx = fmax(maxx, c); maxy = fmax(maxy, d);
  }
  if (minx > maxx) {
    fl_dist_index_destroy(ctx, idx);
    return fl__fail(ctx, FL_E_GEOM, "nothing to measure to: every geometry is empty");
  }
  fl__frame_for_bounds(&idx->frame, &ctx->geod, minx, miny, maxx, maxy);
  build_job job = {ctx, idx, 0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < n && !job.failed; i++) {
    if (!geoms[i] || GEOSisEmpty_r(ctx->geos, geoms[i]) == 1) continue;
    job.item = (uint32_t)i;
    area[i] = (unsigned char)has_area(ctx->geos, geoms[i]);
    idx->has_areas |= area[i];
    fl__each_seq(ctx->geos, geoms[i], add_seq, &job);
    if (!job.failed) add_points(&job, geoms[i]);
  }
  if (job.bad) {
    fl_dist_index_destroy(ctx, idx);
    return fl__fail(ctx, FL_E_GEOM,
                    "geometry %u: coordinate (%.9g, %.9g) is not a finite lon/lat "
                    "(-180..180, -90..90); nothing can be measured to it",
                    job.item + 1, job.bad_x, job.bad_y);
  }
  if (job.failed) {
    fl_dist_index_destroy(ctx, idx);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  }
  fl_status st = build_tree(ctx, idx);
  if (st) {
    fl_dist_index_destroy(ctx, idx);
    return st;
  }
  *out = idx;
  return FL_OK;
}

void fl_dist_index_destroy(fl_ctx *ctx, fl_dist_index *idx) {
  (void)ctx;
  if (!idx) return;
  free(idx->segs);
  free(idx->nodes);
  free(idx->item_is_area);
  free(idx);
}

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
static double segment_estimate(double x0, double y0, double x1, double y1, double px, double py) {
  double vx = x1 - x0, vy = y1 - y0;
  double len2 = vx * vx + vy * vy;
  double t = len2 > 0 ? ((px - x0) * vx + (py - y0) * vy) / len2 : 0.0;
  if (t < 0) t = 0;
  if (t > 1) t = 1;
  return corrected(px, py, x0 + t * vx, y0 + t * vy);
}

static double seg_estimate(const seg *s, double px, double py) {
  return segment_estimate(s->x0, s->y0, s->x1, s->y1, px, py);
}

/* Lower bound of the true distance from P to anything in the node. The
 * stretch is only worked out when the plain frame distance exceeds limit
 * (below it the node is visited either way). */
static double box_lower_bound(const node *nd, double px, double py, double limit) {
  double dx = px < nd->minx ? nd->minx - px : (px > nd->maxx ? px - nd->maxx : 0.0);
  double dy = py < nd->miny ? nd->miny - py : (py > nd->maxy ? py - nd->maxy : 0.0);
  double d2 = dx * dx + dy * dy;
  if (d2 == 0.0) return 0.0;
  double d = sqrt(d2);
  if (d <= limit) return d / fl__frame_stretch(sqrt(px * px + py * py) + d);
  double fx = fmax(fabs(nd->minx), fabs(nd->maxx)), fy = fmax(fabs(nd->miny), fabs(nd->maxy));
  double rho = fmax(sqrt(fx * fx + fy * fy), sqrt(px * px + py * py));
  return d / fl__frame_stretch(rho);
}

/* ---- best-first search ------------------------------------------------------- */

typedef struct heap_entry {
  double key;
  uint32_t node;
} heap_entry;

typedef struct heap {
  heap_entry *a;
  size_t n, cap;
  heap_entry local[128];
} heap;

static void heap_init(heap *h) {
  h->a = h->local;
  h->n = 0;
  h->cap = sizeof h->local / sizeof h->local[0];
}

static void heap_free(heap *h) {
  if (h->a != h->local) free(h->a);
}

static int heap_push(heap *h, double key, uint32_t nd) {
  if (h->n == h->cap) {
    size_t cap = h->cap * 2;
    heap_entry *a = malloc(cap * sizeof *a);
    if (!a) return -1;
    memcpy(a, h->a, h->n * sizeof *a);
    if (h->a != h->local) free(h->a);
    h->a = a;
    h->cap = cap;
  }
  size_t i = h->n++;
  while (i > 0) {
    size_t p = (i - 1) / 2;
    if (h->a[p].key <= key) break;
    h->a[i] = h->a[p];
    i = p;
  }
  h->a[i].key = key;
  h->a[i].node = nd;
  return 0;
}

static heap_entry heap_pop(heap *h) {
  heap_entry top = h->a[0], last = h->a[--h->n];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= h->n) break;
    if (c + 1 < h->n && h->a[c + 1].key < h->a[c].key) c++;
    if (h->a[c].key >= last.key) break;
    h->a[i] = h->a[c];
    i = c;
  }
  if (h->n) h->a[i] = last;
  return top;
}

typedef struct candidate {
  double est;
  const seg *s;
} candidate;

typedef int (*accept_fn)(size_t item, void *user);

/* Nearest accepted segment to lon/lat point; FL_E_GEOM when none accepted. */
static fl_status nearest_point(fl_ctx *ctx, const fl_dist_index *idx, double lon, double lat,
                               accept_fn accept, void *user, fl_nearest *out) {
  double px, py;
  fl__frame_fwd(&idx->frame, lon, lat, &px, &py);
  candidate best[MAX_EXACT];
  size_t n_best = 0;
  heap h;
  heap_init(&h);
  if (heap_push(&h, 0.0, (uint32_t)idx->root)) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  while (h.n) {
    heap_entry e = heap_pop(&h);
    double limit = n_best ? best[0].est * (1 + RANK_REL) + RANK_ABS_M : DBL_MAX;
    if (e.key > limit) break;
    const node *nd = &idx->nodes[e.node];
    if (nd->leaf) {
      for (uint32_t k = 0; k < nd->count; k++) {
        const seg *s = &idx->segs[nd->first + k];
        if (accept && !accept(s->item, user)) continue;
        double est = seg_estimate(s, px, py);
        double lim = n_best ? best[0].est * (1 + RANK_REL) + RANK_ABS_M : DBL_MAX;
        if (est > lim) continue;
        /* insert sorted, keep at most MAX_EXACT */
        size_t pos = n_best < MAX_EXACT ? n_best : MAX_EXACT - 1;
        if (n_best == MAX_EXACT && est >= best[pos].est) continue;
        while (pos > 0 && best[pos - 1].est > est) {
          best[pos] = best[pos - 1];
          pos--;
        }
        best[pos].est = est;
        best[pos].s = s;
        if (n_best < MAX_EXACT) n_best++;
      }
    } else {
      for (uint32_t k = 0; k < nd->count; k++) {
        uint32_t c = nd->first + k;
        double lb = box_lower_bound(&idx->nodes[c], px, py, limit);
        if (lb <= limit && heap_push(&h, lb, c)) {
          heap_free(&h);
          return fl__fail(ctx, FL_E_NOMEM, "out of memory");
        }
      }
    }
  }
  heap_free(&h);
  if (!n_best) return fl__fail(ctx, FL_E_GEOM, "no geometry to measure to");
  double lim = best[0].est * (1 + RANK_REL) + RANK_ABS_M;
  fl_nearest r = {DBL_MAX, 0, 0, 0, lon, lat};
  for (size_t i = 0; i < n_best && best[i].est <= lim; i++) {
    const seg *s = best[i].s;
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

/* Crossing count of a ray from (px,py) towards +x over area segments.
 * Returns the item of an accepted polygon containing the point, or -1. */
static long inside_area(const fl_dist_index *idx, double px, double py, accept_fn accept,
                        void *user) {
  parity local[16];
  parity *par = local;
  size_t n_par = 0, cap_par = 16;
  uint32_t stack_local[256];
  uint32_t *stack = stack_local;
  size_t top = 0, cap_stack = 256;
  long found = -1;
  stack[top++] = (uint32_t)idx->root;
  while (top) {
    const node *nd = &idx->nodes[stack[--top]];
    if (nd->maxx < px || nd->miny > py || nd->maxy < py) continue;
    if (!nd->leaf) {
      if (top + nd->count > cap_stack) {
        size_t cap = (top + nd->count) * 2;
        uint32_t *grown = malloc(cap * sizeof *grown);
        if (!grown) break;
        memcpy(grown, stack, top * sizeof *stack);
        if (stack != stack_local) free(stack);
        stack = grown;
        cap_stack = cap;
      }
      for (uint32_t k = 0; k < nd->count; k++) stack[top++] = nd->first + k;
      continue;
    }
    for (uint32_t k = 0; k < nd->count; k++) {
      const seg *s = &idx->segs[nd->first + k];
      if (!s->is_area) continue;
      /* half-open rule: count edges with one end strictly above py */
      if ((s->y0 > py) == (s->y1 > py)) continue;
      double x = s->x0 + (py - s->y0) * (s->x1 - s->x0) / (s->y1 - s->y0);
      if (x < px) continue;
      size_t i = 0;
      while (i < n_par && par[i].item != s->item) i++;
      if (i == n_par) {
        if (n_par == cap_par) {
          size_t cap = cap_par * 2;
          parity *grown = malloc(cap * sizeof *grown);
          if (!grown) goto done;
          memcpy(grown, par, n_par * sizeof *par);
          if (par != local) free(par);
          par = grown;
          cap_par = cap;
        }
        par[n_par].item = s->item;
        par[n_par].count = 0;
        n_par++;
      }
      par[i].count++;
    }
  }
  for (size_t i = 0; i < n_par; i++)
    if ((par[i].count & 1u) && (!accept || accept(par[i].item, user))) {
      found = (long)par[i].item;
      break;
    }
done:
  if (par != local) free(par);
  if (stack != stack_local) free(stack);
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
  if (inside >= 0) {
    fl_nearest r = {0.0, (size_t)inside, lon, lat, lon, lat};
    *out = r;
    return FL_OK;
  }
  return nearest_point(ctx, idx, lon, lat, accept, user, out);
}

/* ---- estimates: the nearest distance without measuring it exactly ----------- */

/* Best-first search for the smallest frame estimate (seg_estimate) up to
 * limit; DBL_MAX when nothing is that near. -1 when out of memory. */
static double estimate_point(const fl_dist_index *idx, double px, double py, double limit) {
  double best = DBL_MAX;
  heap h;
  heap_init(&h);
  if (heap_push(&h, 0.0, (uint32_t)idx->root)) return -1.0;
  while (h.n) {
    heap_entry e = heap_pop(&h);
    double lim = fmin(limit, best);
    if (e.key > lim) break;
    const node *nd = &idx->nodes[e.node];
    if (nd->leaf) {
      for (uint32_t k = 0; k < nd->count; k++) {
        double est = seg_estimate(&idx->segs[nd->first + k], px, py);
        if (est < best) best = est;
      }
      continue;
    }
    for (uint32_t k = 0; k < nd->count; k++) {
      uint32_t c = nd->first + k;
      double lb = box_lower_bound(&idx->nodes[c], px, py, lim);
      if (lb <= lim && heap_push(&h, lb, c)) {
        heap_free(&h);
        return -1.0;
      }
    }
  }
  heap_free(&h);
  return best <= limit ? best : DBL_MAX;
}

fl_status fl__dist_index_estimate_xy(fl_ctx *ctx, const fl_dist_index *idx, double lon,
                                     double lat, double limit, double *est, int *beyond) {
  if (!isfinite(lon) || !isfinite(lat) || fabs(lon) > 180 || fabs(lat) > 90)
    return fl__fail(ctx, FL_E_GEOM, "point (%.9g, %.9g) is outside lon -180..180 / lat -90..90",
                    lon, lat);
  double px, py;
  fl__frame_fwd(&idx->frame, lon, lat, &px, &py);
  *beyond = 0;
  if (idx->has_areas && inside_area(idx, px, py, NULL, NULL) >= 0) {
    *est = 0.0;
    return FL_OK;
  }
  double e = estimate_point(idx, px, py, limit);
  if (e < 0) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (e == DBL_MAX) {
    *est = limit;
    *beyond = 1;
  } else {
    *est = e;
  }
  return FL_OK;
}

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
    fl_status st = fl_dist_index_nearest_xy(job->ctx, job->idx, x, y, job->accept, job->user, &r);
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
      s->margin = 1.0 + 1e-3 * hypot(x - px, y - py);
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

/* The indexed vertices near one query segment, measured back to it. */
static void back_segment(back_job *bj, const qseg *qs) {
  query_job *q = bj->q;
  const fl_dist_index *idx = q->idx;
  double sminx = fmin(qs->x0, qs->x1), smaxx = fmax(qs->x0, qs->x1);
  double sminy = fmin(qs->y0, qs->y1), smaxy = fmax(qs->y0, qs->y1);
  uint32_t stack[512];
  size_t top = 0;
  stack[top++] = (uint32_t)idx->root;
  while (top) {
    const node *nd = &idx->nodes[stack[--top]];
    if (box_gap_bound(bj, nd->minx, nd->miny, nd->maxx, nd->maxy, sminx, sminy, smaxx, smaxy,
                      qs->margin) >= q->best.dist_m)
      continue;
    if (!nd->leaf) {
      for (uint32_t k = 0; k < nd->count && top < 512; k++) stack[top++] = nd->first + k;
      continue;
    }
    for (uint32_t k = 0; k < nd->count; k++) {
      const seg *s = &idx->segs[nd->first + k];
      if (q->accept && !q->accept(s->item, q->user)) continue;
      for (int end = 0; end < 2; end++) {
        double x = end ? s->x1 : s->x0, y = end ? s->y1 : s->y0;
        if (qseg_frame_dist(qs, x, y) * bj->inv_k - qs->margin >= q->best.dist_m) continue;
        double est = segment_estimate(qs->x0, qs->y0, qs->x1, qs->y1, x, y);
        if (est * (1 - FL__EST_REL) - FL__EST_ABS_M - qs->margin >= q->best.dist_m) continue;
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
  }
}

static void back_measure(back_job *bj) {
  for (size_t i = 0; i < bj->n_segs; i++) back_segment(bj, &bj->segs[i]);
}

typedef struct cross_job {
  query_job *q;
  int crossed;
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

/* An accepted indexed segment that the frame segment AB crosses, or NULL. */
static const seg *crossing_seg(const query_job *q, double ax, double ay, double bx, double by) {
  const fl_dist_index *idx = q->idx;
  double minx = fmin(ax, bx), maxx = fmax(ax, bx), miny = fmin(ay, by), maxy = fmax(ay, by);
  uint32_t stack[512];
  size_t top = 0;
  stack[top++] = (uint32_t)idx->root;
  while (top) {
    const node *nd = &idx->nodes[stack[--top]];
    if (nd->maxx < minx || nd->minx > maxx || nd->maxy < miny || nd->miny > maxy) continue;
    if (!nd->leaf) {
      for (uint32_t k = 0; k < nd->count && top < 512; k++) stack[top++] = nd->first + k;
      continue;
    }
    for (uint32_t k = 0; k < nd->count; k++) {
      const seg *s = &idx->segs[nd->first + k];
      if (q->accept && !q->accept(s->item, q->user)) continue;
      if (seg_cross(ax, ay, bx, by, s->x0, s->y0, s->x1, s->y1)) return s;
    }
  }
  return NULL;
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
    GEOSCoordSeq_getXY_r(h, cs, i, &lon, &lat);
    fl__frame_fwd(&cj->q->idx->frame, lon, lat, &bx, &by);
    const seg *s = i > 0 ? crossing_seg(cj->q, ax, ay, bx, by) : NULL;
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

/* 1 / the largest stretch within a frame box (1 + 1e-4: the stretch is the
 * sphere's, series good to 2e-6; the ellipsoid differs by less). */
static double inverse_stretch_bound(double minx, double miny, double maxx, double maxy) {
  double fx = fmax(fabs(minx), fabs(maxx)), fy = fmax(fabs(miny), fabs(maxy));
  return 1.0 / (fl__frame_stretch(sqrt(fx * fx + fy * fy)) * (1.0 + 1e-4));
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
  const seg *c = crossing_seg(&q, ax, ay, bx, by);
  if (c) {
    fl_nearest r = {0.0, c->item, alon, alat, alon, alat};
    *out = r;
    return FL_OK;
  }
  qseg qs = {ax, ay, bx, by, alon, alat, blon, blat, 1.0 + 1e-3 * hypot(bx - ax, by - ay)};
  double reach = goal_m * 1.01 + 1.0;
  back_job bj = {&q, 0, 0, 0, 0, NULL, 0, 0, 1.0, 0};
  bj.inv_k = inverse_stretch_bound(fmin(ax, bx) - reach, fmin(ay, by) - reach,
                                   fmax(ax, bx) + reach, fmax(ay, by) + reach);
  back_segment(&bj, &qs);
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
  cross_job cj = {&q, 0, 0, 0, 0};
  fl__each_seq(h, query, cross_seq, &cj);
  if (cj.crossed) {
    fl_nearest r = {0.0, cj.item, cj.lon, cj.lat, cj.lon, cj.lat};
    *out = r;
    return FL_OK;
  }
  /* 3. an indexed part inside a query polygon */
  if (has_area(h, query)) {
    GEOSGeometry *qxy = fl__frame_project(ctx, &idx->frame, query);
    if (qxy) {
      const GEOSPreparedGeometry *pq = GEOSPrepare_r(h, qxy);
      double qminx, qminy, qmaxx, qmaxy;
      if (pq && !fl__bounds(ctx, qxy, &qminx, &qminy, &qmaxx, &qmaxy)) {
        for (size_t i = 0; i < idx->n_segs; i++) {
          const seg *s = &idx->segs[i];
          if (s->x0 < qminx || s->x0 > qmaxx || s->y0 < qminy || s->y0 > qmaxy) continue;
          if (accept && !accept(s->item, user)) continue;
          GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, s->x0, s->y0);
          int in = pt ? GEOSPreparedContains_r(h, pq, pt) : 0;
          GEOSGeom_destroy_r(h, pt);
          if (in == 1) {
            fl_nearest r = {0.0, s->item, s->lon0, s->lat0, s->lon0, s->lat0};
            GEOSPreparedGeom_destroy_r(h, pq);
            GEOSGeom_destroy_r(h, qxy);
            *out = r;
            return FL_OK;
          }
        }
      }
      if (pq) GEOSPreparedGeom_destroy_r(h, pq);
      GEOSGeom_destroy_r(h, qxy);
    }
  }
  /* 4. indexed vertices near the query, measured back to its segments */
  double minx, miny, maxx, maxy;
  if (fl__bounds(ctx, query, &minx, &miny, &maxx, &maxy) == FL_OK) {
    double corners[4][2] = {{minx, miny}, {minx, maxy}, {maxx, miny}, {maxx, maxy}};
    back_job bj = {&q, DBL_MAX, DBL_MAX, -DBL_MAX, -DBL_MAX, NULL, 0, 0, 1.0, 0};
    for (int i = 0; i < 4; i++) {
      double x, y;
      fl__frame_fwd(&idx->frame, corners[i][0], corners[i][1], &x, &y);
      bj.minx = fmin(bj.minx, x); bj.maxx = fmax(bj.maxx, x);
      bj.miny = fmin(bj.miny, y); bj.maxy = fmax(bj.maxy, y);
    }
    double reach = q.best.dist_m * 1.01 + 1.0;
    bj.minx -= reach; bj.miny -= reach; bj.maxx += reach; bj.maxy += reach;
    bj.inv_k = inverse_stretch_bound(bj.minx, bj.miny, bj.maxx, bj.maxy);
    fl__each_seq(h, query, collect_qseg, &bj);
    if (!bj.failed) back_measure(&bj);
    free(bj.segs);
    if (bj.failed) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
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
