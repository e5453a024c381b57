/*
 * dist_index.c - nearest-geometry queries on the ellipsoid, many at a time:
 * building the index.
 *
 * The indexed geometries are cut into segments (points become zero-length
 * segments), projected once into one azimuthal equidistant frame centred on
 * their extent (crs.c), and packed into a static R-tree (rtree.c: sort-tile-
 * recursive, built once, read-only afterwards, so threads may share it). A long edge is
 * cut into geodesic pieces short enough that each piece's frame image (a
 * curve) lies within FL__PIECE_SAG_M of its chord, so the chords bound it.
 * Queries: dist_index_walk.c (points), dist_index_query.c (lines, polygons).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_dist_index.h"
#include "fl_prep.h"

/* ---- building -------------------------------------------------------------- */

/* The segments of a block of items, built by one thread. */
typedef struct seg_block {
  seg *segs;
  size_t n, cap;
} seg_block;

typedef struct build_job {
  fl_ctx *ctx;
  const fl__frame *frame;
  seg_block *blk;
  uint32_t item;
  int failed;
  int stopped;        /* the ctx asked to stop (a cancel, an interrupt, a deadline) */
  int bad;            /* a coordinate is not a finite lon/lat */
  double bad_x, bad_y;
} build_job;

static int lonlat_ok(double lon, double lat) {
  return isfinite(lon) && isfinite(lat) && fabs(lon) <= 180.0 && fabs(lat) <= 90.0;
}

static int push_one(build_job *job, double lon0, double lat0, double lon1, double lat1,
                    double x0, double y0, double x1, double y1, int is_area) {
  seg_block *b = job->blk;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 1024;
    seg *s = realloc(b->segs, cap * sizeof *s);
    if (!s) return job->failed = 1;
    b->segs = s;
    b->cap = cap;
  }
  seg *s = &b->segs[b->n++];
  s->lon0 = lon0; s->lat0 = lat0; s->lon1 = lon1; s->lat1 = lat1;
  s->x0 = x0; s->y0 = y0; s->x1 = x1; s->y1 = y1;
  s->item = job->item;
  s->is_area = (uint32_t)is_area;
  return 0;
}

static int bad_coordinate(build_job *job, double lon, double lat) {
  job->bad = 1;
  job->bad_x = lon;
  job->bad_y = lat;
  return job->failed = 1;
}

/* The edge from (lon0, lat0), already at (x0, y0) in the frame, to (lon1,
 * lat1), whose frame position is left in *x1, *y1 for the next edge (each
 * vertex is projected once); cut into geodesic pieces when its frame image
 * strays from its chord (dist_index_pieces.c). Both ends the same: a point. */
static int push_edge(build_job *job, double lon0, double lat0, double x0, double y0, double lon1,
                     double lat1, int is_area, double *x1, double *y1) {
  if (!lonlat_ok(lon1, lat1)) return bad_coordinate(job, lon1, lat1);
  const fl__frame *f = job->frame;
  if (lon1 == lon0 && lat1 == lat0) {
    *x1 = x0;
    *y1 = y0;
    return push_one(job, lon0, lat0, lon1, lat1, x0, y0, x0, y0, 0);
  }
  fl__frame_fwd(f, lon1, lat1, x1, y1);
  size_t n = fl__index_piece_count(fmax(hypot(x0, y0), hypot(*x1, *y1)),
                                   hypot(*x1 - x0, *y1 - y0));
  if (n == 1) return push_one(job, lon0, lat0, lon1, lat1, x0, y0, *x1, *y1, is_area);
  struct geod_geodesicline l;
  geod_inverseline(&l, f->geod, lat0, lon0, lat1, lon1,
                   GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
  double plon = lon0, plat = lat0, px = x0, py = y0;
  for (size_t k = 1; k <= n; k++) {
    double lon = lon1, lat = lat1, x = *x1, y = *y1;
    if (k < n) {
      geod_position(&l, l.s13 * (double)k / (double)n, &lat, &lon, NULL);
      fl__frame_fwd(f, lon, lat, &x, &y);
    }
    if (push_one(job, plon, plat, lon, lat, px, py, x, y, is_area)) return 1;
    plon = lon; plat = lat; px = x; py = y;
  }
  return 0;
}

/* A point: a segment of zero length. */
static int push_point(build_job *job, double lon, double lat) {
  if (!lonlat_ok(lon, lat)) return bad_coordinate(job, lon, lat);
  double x, y;
  fl__frame_fwd(job->frame, lon, lat, &x, &y);
  return push_one(job, lon, lat, lon, lat, x, y, x, y, 0);
}

static int add_points(build_job *job, const GEOSGeometry *g) {
  GEOSContextHandle_t h = job->ctx->geos;
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT) {
    if (GEOSisEmpty_r(h, g) == 1) return 0;
    double x, y;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    return push_point(job, x, y);
  }
  if (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (add_points(job, GEOSGetGeometryN_r(h, g, i))) return 1;
  }
  return 0;
}

int fl__index_has_area(GEOSContextHandle_t h, const GEOSGeometry *g) {
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return 1;
  if (type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (fl__index_has_area(h, GEOSGetGeometryN_r(h, g, i))) return 1;
  }
  return 0;
}

static void seg_box(const void *items, size_t i, double *box) {
  const seg *s = (const seg *)items + i;
  box[0] = fmin(s->x0, s->x1);
  box[1] = fmin(s->y0, s->y1);
  box[2] = fmax(s->x0, s->x1);
  box[3] = fmax(s->y0, s->y1);
}

static fl_status build_tree(fl_ctx *ctx, fl_dist_index *idx) {
  if (!idx->n_segs) return fl__fail(ctx, FL_E_GEOM, "nothing to measure to: no segment to index");
  if (fl__rtree_pack(&idx->tree, idx->segs, idx->n_segs, sizeof(seg), seg_box, LEAF_SIZE,
                     NODE_SIZE))
    return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  return FL_OK;
}

/* ---- segments of every item, on every core ------------------------------------ */

/* The items' vertices are cut into runs (up to RUN_EDGES edges of one
 * sequence, or an item's points), and consecutive runs into up to MAX_BLOCKS
 * blocks of about equal numbers of vertices. Each block's segments are built
 * by one thread (projecting every vertex into the frame is most of the cost
 * of an index, one front of 100,000 vertices or 20,000 routes alike), then
 * the blocks are joined in order: the segments, and so the tree, are those
 * one thread makes. */
#define RUN_EDGES 4096
#define MAX_BLOCKS 63  /* fl__parallel_for hands out one block at a time below 64 */
#define MIN_BLOCK_VERTICES 4096

typedef struct run {
  const GEOSGeometry *points;   /* an item's points (add_points), or NULL */
  const GEOSCoordSequence *cs;  /* else vertices first..last of a sequence */
  unsigned first, last;         /* first == last: a sequence of one vertex */
  uint32_t item;
  int is_area;
} run;

typedef struct build_all {
  const fl_dist_index *idx;
  run *runs;
  size_t n_runs, cap_runs;
  size_t *block_start;          /* n_blocks + 1 run indices */
  seg_block *blocks;
  size_t n_blocks;
  uint32_t item;                /* while collecting */
  GEOSContextHandle_t h;
} build_all;

static int add_run(build_all *a, run r) {
  if (a->n_runs == a->cap_runs) {
    size_t cap = a->cap_runs ? 2 * a->cap_runs : 256;
    run *g = realloc(a->runs, cap * sizeof *g);
    if (!g) return 1;
    a->runs = g;
    a->cap_runs = cap;
  }
  r.item = a->item;
  a->runs[a->n_runs++] = r;
  return 0;
}

static int collect_seq(const GEOSCoordSequence *cs, int is_ring, int ring_index, void *user) {
  build_all *a = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(a->h, cs, &n);
  int area = is_ring && ring_index >= 0;
  if (n == 1) return add_run(a, (run){NULL, cs, 0, 0, 0, 0});
  for (unsigned e = 0; e + 1 < n; e += RUN_EDGES)
    if (add_run(a, (run){NULL, cs, e, e + RUN_EDGES < n - 1 ? e + RUN_EDGES : n - 1, 0, area}))
      return 1;
  return 0;
}

/* The runs of every item, in item order; 1 when out of memory. */
static int collect_runs(build_all *a, const GEOSGeometry *const *geoms, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const GEOSGeometry *g = geoms[i];
    if (!g || GEOSisEmpty_r(a->h, g) == 1) continue;
    a->item = (uint32_t)i;
    if (fl__each_seq(a->h, g, collect_seq, a)) return 1;
    int type = GEOSGeomTypeId_r(a->h, g);
    if ((type == GEOS_POINT || type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) &&
        add_run(a, (run){g, NULL, 0, 0, 0, 0}))
      return 1;
  }
  return 0;
}

static size_t run_vertices(const run *r) {
  return r->points ? 1 : (size_t)(r->last - r->first) + 1;
}

/* Consecutive runs into blocks of about equal numbers of vertices. */
static int make_blocks(build_all *a) {
  size_t total = 0;
  for (size_t r = 0; r < a->n_runs; r++) total += run_vertices(&a->runs[r]);
  size_t target = total / MAX_BLOCKS + 1;
  if (target < MIN_BLOCK_VERTICES) target = MIN_BLOCK_VERTICES;
  a->block_start = malloc((MAX_BLOCKS + 2) * sizeof *a->block_start);
  if (!a->block_start) return 1;
  size_t acc = 0;
  a->block_start[a->n_blocks = 0] = 0;
  for (size_t r = 0; r < a->n_runs; r++) {
    acc += run_vertices(&a->runs[r]);
    if ((acc >= target && a->n_blocks < MAX_BLOCKS) || r + 1 == a->n_runs) {
      a->block_start[++a->n_blocks] = r + 1;
      acc = 0;
    }
  }
  a->blocks = calloc(a->n_blocks ? a->n_blocks : 1, sizeof *a->blocks);
  return a->blocks == NULL;
}

/* The segments of one run. */
static void do_run(build_job *job, const run *r) {
  job->item = r->item;
  if (r->points) {
    add_points(job, r->points);
    return;
  }
  GEOSContextHandle_t h = job->ctx->geos;
  double lon, lat, x, y;
  GEOSCoordSeq_getXY_r(h, r->cs, r->first, &lon, &lat);
  if (r->first == r->last) {
    push_point(job, lon, lat);
    return;
  }
  if (!lonlat_ok(lon, lat)) {
    bad_coordinate(job, lon, lat);
    return;
  }
  fl__frame_fwd(job->frame, lon, lat, &x, &y);
  for (unsigned i = r->first + 1; i <= r->last && !job->failed; i++) {
    double lon1, lat1, x1, y1;
    if ((i & 4095) == 4095 && fl__should_stop(job->ctx)) {
      job->stopped = job->failed = 1;
      return;
    }
    GEOSCoordSeq_getXY_r(h, r->cs, i, &lon1, &lat1);
    if (push_edge(job, lon, lat, x, y, lon1, lat1, r->is_area, &x1, &y1)) return;
    lon = lon1; lat = lat1; x = x1; y = y1;
  }
}

/* What stopped a job, as a status with its sentence. */
static fl_status job_status(fl_ctx *ctx, const build_job *job) {
  if (job->stopped) {
    fl_status st = fl__stop_check(ctx, "building a distance index");
    return st ? st : fl__fail(ctx, FL_E_CANCEL, "interrupted");
  }
  if (job->bad)
    return fl__fail(ctx, FL_E_GEOM, "geometry %u: coordinate (%.9g, %.9g) is not a finite lon/lat "
                    "(-180..180, -90..90); nothing can be measured to it",
                    job->item + 1, job->bad_x, job->bad_y);
  if (job->failed) return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  return FL_OK;
}

static fl_status build_block(fl_ctx *wctx, size_t b, void *shared, void *scratch) {
  (void)scratch;
  build_all *a = shared;
  build_job job = {wctx, &a->idx->frame, &a->blocks[b], 0, 0, 0, 0, 0, 0};
  for (size_t r = a->block_start[b]; r < a->block_start[b + 1] && !job.failed; r++)
    do_run(&job, &a->runs[r]);
  return job_status(wctx, &job);
}

/* The blocks' segments, in order, into idx->segs (the blocks are freed). */
static fl_status join_blocks(fl_ctx *ctx, fl_dist_index *idx, seg_block *blocks, size_t n_blocks) {
  size_t total = 0;
  for (size_t b = 0; b < n_blocks; b++) total += blocks[b].n;
  if (n_blocks == 1) { /* the one block is the array */
    idx->segs = blocks[0].segs;
    idx->n_segs = blocks[0].n;
    blocks[0].segs = NULL;
    return FL_OK;
  }
  idx->segs = malloc((total ? total : 1) * sizeof *idx->segs);
  if (!idx->segs) return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  for (size_t b = 0; b < n_blocks; b++) {
    memcpy(idx->segs + idx->n_segs, blocks[b].segs, blocks[b].n * sizeof *idx->segs);
    idx->n_segs += blocks[b].n;
    free(blocks[b].segs);
    blocks[b].segs = NULL;
  }
  return FL_OK;
}

static fl_status build_segments(fl_ctx *ctx, fl_dist_index *idx, const GEOSGeometry *const *geoms,
                                size_t n) {
  build_all a;
  memset(&a, 0, sizeof a);
  a.idx = idx;
  a.h = ctx->geos;
  fl_status st = FL_OK;
  if (collect_runs(&a, geoms, n) || make_blocks(&a))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  double at = ctx->last_progress; /* the caller's progress: this step does not move it */
  if (!st && a.n_blocks) st = fl__parallel_for(ctx, a.n_blocks, build_block, &a, NULL, NULL, at, at);
  if (!st && a.n_blocks) st = join_blocks(ctx, idx, a.blocks, a.n_blocks);
  for (size_t b = 0; a.blocks && b < a.n_blocks; b++) free(a.blocks[b].segs);
  free(a.blocks);
  free(a.block_start);
  free(a.runs);
  return st;
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
  fl__frame_init(&idx->frame, &ctx->geod, fl__centre_lon(ctx, geoms, n, minx, maxx),
                 0.5 * (miny + maxy));
  for (size_t i = 0; i < n; i++) {
    if (!geoms[i] || GEOSisEmpty_r(ctx->geos, geoms[i]) == 1) continue;
    area[i] = (unsigned char)fl__index_has_area(ctx->geos, geoms[i]);
    idx->has_areas |= area[i];
  }
  fl_status st = build_segments(ctx, idx, geoms, n);
  if (st) {
    fl_dist_index_destroy(ctx, idx);
    return st;
  }
  st = build_tree(ctx, idx);
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
  fl__rtree_free(&idx->tree);
  free(idx->item_is_area);
  free(idx);
}
