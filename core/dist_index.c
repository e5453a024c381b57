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

/* An edge (or a point, when both ends coincide), cut into geodesic pieces
 * when its frame image strays from its chord (dist_index_pieces.c). */
static int push_seg(build_job *job, double lon0, double lat0, double lon1, double lat1,
                    int is_area) {
  if (!lonlat_ok(lon0, lat0) || !lonlat_ok(lon1, lat1)) {
    job->bad = 1;
    job->bad_x = lonlat_ok(lon0, lat0) ? lon1 : lon0;
    job->bad_y = lonlat_ok(lon0, lat0) ? lat1 : lat0;
    return job->failed = 1;
  }
  const fl__frame *f = job->frame;
  double x0, y0, x1, y1;
  fl__frame_fwd(f, lon0, lat0, &x0, &y0);
  if (lon1 == lon0 && lat1 == lat0) return push_one(job, lon0, lat0, lon1, lat1, x0, y0, x0, y0, 0);
  fl__frame_fwd(f, lon1, lat1, &x1, &y1);
  size_t n = fl__index_piece_count(fmax(hypot(x0, y0), hypot(x1, y1)), hypot(x1 - x0, y1 - y0));
  if (n == 1) return push_one(job, lon0, lat0, lon1, lat1, x0, y0, x1, y1, is_area);
  struct geod_geodesicline l;
  geod_inverseline(&l, f->geod, lat0, lon0, lat1, lon1,
                   GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
  double plon = lon0, plat = lat0, px = x0, py = y0;
  for (size_t k = 1; k <= n; k++) {
    double lon = lon1, lat = lat1, x = x1, y = y1;
    if (k < n) {
      geod_position(&l, l.s13 * (double)k / (double)n, &lat, &lon, NULL);
      fl__frame_fwd(f, lon, lat, &x, &y);
    }
    if (push_one(job, plon, plat, lon, lat, px, py, x, y, is_area)) return 1;
    plon = lon; plat = lat; px = x; py = y;
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
    if ((i & 4095) == 4095 && fl__should_stop(job->ctx)) return job->stopped = job->failed = 1;
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

/* Items are cut into blocks of consecutive items, each block's segments
 * built by one thread (projecting every vertex into the frame is most of the
 * cost of an index of many routes), then joined in item order: the segments,
 * and so the tree, are those one thread makes. */
#define MAX_BLOCKS 63  /* fl__parallel_for hands out one block at a time below 64 */
#define MIN_PER_BLOCK 256

typedef struct build_all {
  const fl_dist_index *idx;
  const GEOSGeometry *const *geoms;
  size_t n, per_block;
  seg_block *blocks;
} build_all;

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
  size_t end = (b + 1) * a->per_block < a->n ? (b + 1) * a->per_block : a->n;
  for (size_t i = b * a->per_block; i < end && !job.failed; i++) {
    const GEOSGeometry *g = a->geoms[i];
    if (!g || GEOSisEmpty_r(wctx->geos, g) == 1) continue;
    job.item = (uint32_t)i;
    fl__each_seq(wctx->geos, g, add_seq, &job);
    if (!job.failed) add_points(&job, g);
  }
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
  size_t per_block = (n + MAX_BLOCKS - 1) / MAX_BLOCKS;
  if (per_block < MIN_PER_BLOCK) per_block = MIN_PER_BLOCK;
  size_t n_blocks = n ? (n + per_block - 1) / per_block : 1;
  build_all a = {idx, geoms, n, per_block, calloc(n_blocks, sizeof(seg_block))};
  if (!a.blocks) return fl__fail(ctx, FL_E_NOMEM, "out of memory building a distance index");
  double at = ctx->last_progress; /* the caller's progress: this step does not move it */
  fl_status st = fl__parallel_for(ctx, n_blocks, build_block, &a, NULL, NULL, at, at);
  if (!st) st = join_blocks(ctx, idx, a.blocks, n_blocks);
  for (size_t b = 0; b < n_blocks; b++) free(a.blocks[b].segs);
  free(a.blocks);
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
