/*
 * buffer.c - buffers and bands in metres on the ellipsoid.
 *
 * Rules, cited below as (U1)..(U3):
 *   (U1) every boundary point of a buffer is dist_m from the input, to
 *        within max(1 m, 0.1 %), anywhere in an area 1,500 km across;
 *   (U2) the buffer is computed in azimuthal equidistant frames whose
 *        working area stays within TILE_RADIUS_M of their centre, where the
 *        frame stretch k - 1 is below 0.03 %: one frame for a small area,
 *        else a grid of lon/lat tiles, each buffered in its own frame from
 *        the input within reach of it and clipped back to the tile, the
 *        pieces then dissolved (pieces meet exactly on the tile edges);
 *   (U3) arcs use QUAD_SEGS segments per quarter circle, so a chord strays
 *        at most 1 - cos(pi / (4 * QUAD_SEGS)) = 0.03 % inside the circle;
 *   (U5) lines are simplified in the frame (Douglas-Peucker) by
 *        SIMPLIFY_REL of the distance before buffering: every point of the
 *        simplified line is within that of the line and back, so the
 *        buffer's edge moves by at most 0.02 %; with (U2) and (U3) that stays
 *        inside 0.1 %. A 100,000-vertex front buffered by 40 km keeps a few
 *        thousand vertices, and GEOS's noding no longer dominates;
 *   (U6) edges are short: after (U5) the line is densified in the frame to
 *        OUT_SEG_M, so every output edge between vertices (arcs are shorter
 *        already) is at most that long, and read as a straight line in
 *        lon/lat or as a geodesic it stays within max(1 m, 0.1 %) of the
 *        buffer distance (a 2 km chord read straight in lon/lat strays from
 *        its geodesic by 0.10 m at 48 N, 0.25 m at 70 N, 1.0 m at 85 N);
 *   (U7) one side of a line: the faces of the two-sided buffer, cut by the
 *        line, on that side, flat at the line's own ends (buffer_side.c): no
 *        zero-width slivers, no gaps along the line, left and right never
 *        overlap; a band of one side is the two-sided band clipped to the
 *        side at FL__SIDE_REACH(outer);
 *   (U8) across 180: the input is unwrapped around the longitudes it holds
 *        (fl__centre_lon), buffered in frames there, and the result cut at
 *        +-180 into parts moved back into -180..180 (fl__cut_at_antimeridian);
 *   (U9) tiles overlap by TILE_OVERLAP_DEG, so the pieces dissolve into one
 *        polygon (pieces meeting edge to edge may stay apart by a rounding);
 *   (U10) near the poles lon/lat edges bend away from the geodesics and the
 *        frames' tiles grow wide: a buffer or band is refused, with the limit
 *        named, when the input comes closer to a pole than POLE_REACH(dist)
 *        (measured at the vertices of the input densified to DENSIFY_M, so
 *        at most DENSIFY_M / 2 short; the 30 km in POLE_REACH covers it).
 *        Measured: within that reach the edge's worst error is 0.75-0.97 of
 *        max(1 m, 0.1 %) for 50-1,000 km; closer it passes 1 or GEOS fails;
 *   (U4) no non-finite coordinate reaches GEOS's buffer: GEOS 3.11.1's
 *        GEOSClipByRect can return NaN where a line runs along the tile's
 *        edge (such a tile is cut again with GEOSIntersection), and its
 *        buffer dereferences NULL on a line with no finite vertex (fuzz
 *        finding tests/fuzz/regressions/gpkg_3857_world_line_buffer_clip_nan.bin).
 *   (U12) a buffer whose work estimate (check_work: the vertices a tile
 *        buffers after (U5, U6) times the tiles within reach of each) passes the
 *        context's limit buffer_work (limits.c; default FL_MAX_BUFFER_WORK) is
 *        refused before any work, naming the distance and the estimate: a
 *        1,000-vertex winding line buffered by 1,000 km ran into the 15 s
 *        limit of the SQL face after 4.6 s of CPU (refused now), a straight
 *        2,000-vertex line by 1,000 km takes 3 s (accepted), the bands of a
 *        100,000-vertex front to 40 km ~1-2 s (estimate ~150,000);
 *   (U11) every GEOS call of a buffer is short, so that a cancel or a
 *        deadline stops it within about a second: a line or ring of more
 *        than 64 vertices is buffered in chunks (at most 64 vertices and 4
 *        buffer distances of path each) whose buffers are dissolved
 *        pairwise, checking the stop conditions between calls
 *        (buffer_chunks.c); with round joins and caps the result is the
 *        same buffer. A 1,500-vertex zig-zag (5 km legs) buffered by 30 km
 *        took over 120 s and 4.5 GB in one call; chunked, 0.6 s;
 *   (U13) an area that is not valid (a ring crossing itself or another) is
 *        made valid in the frame before (U5, U6), GEOS's way that keeps all
 *        its linework (each lobe an area, a collapsed part a line), so no
 *        part of the input is lost: GEOS's densifier would clean it with a
 *        zero buffer, which drops lobes. The parts of a densified collection
 *        are flattened into the collection's own type (fuzz finding
 *        tests/fuzz/regressions/gpkg_densify_selfcrossing_multipolygon_crash.bin:
 *        a multipolygon inside a multipolygon crashed the next GEOS call).
 * Not here: frames (crs.c), bands of a whole front layer (bands.c), the
 * frame densifier (buffer_densify.c), chunks (buffer_chunks.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_internal.h"
#include "fl_crs.h"
#include "fl_geodesy.h"
#include "fl_prep.h"

#define QUAD_SEGS 32
#define TILE_RADIUS_M 300000.0
#define DENSIFY_M 5000.0
#define SIMPLIFY_REL 2e-4
#define M_PER_DEG_LAT 110574.0
#define OUT_SEG_M 2000.0
#define TILE_OVERLAP_DEG 1e-7
#define POLE_REACH(d) (1.6 * (d) + 30000.0)

/* Degrees of latitude and longitude that surely cover dist_m around lat. */
static void reach_degrees(double dist_m, double max_abs_lat, double *dlon, double *dlat) {
  *dlat = dist_m / M_PER_DEG_LAT * 1.02 + 1e-6;
  double c = cos(fmin(89.0, max_abs_lat + *dlat) * M_PI / 180.0);
  *dlon = dist_m / (111320.0 * c) * 1.02 + 1e-6;
}

static int seq_has_nonfinite(const GEOSCoordSequence *s, int is_ring, int ring_index,
                             void *user) {
  (void)is_ring;
  (void)ring_index;
  GEOSContextHandle_t h = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, s, &n);
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    if (!GEOSCoordSeq_getXY_r(h, s, i, &x, &y) || !isfinite(x) || !isfinite(y)) return 1;
  }
  return 0;
}

/* (U4) Every vertex of every line and ring is finite (points carry no edges). */
static int all_finite(GEOSContextHandle_t h, const GEOSGeometry *g) {
  return !fl__each_seq(h, g, seq_has_nonfinite, h);
}

/* (U7) The plan's own line ends in frame f: malloc'ed [2 n], NULL when none. */
static double *ends_in_frame(const fl__frame *f, const fl__buffer_plan *plan) {
  if (!plan->n_ends) return NULL;
  double *e = malloc(2 * plan->n_ends * sizeof *e);
  for (size_t i = 0; e && i < plan->n_ends; i++)
    fl__frame_fwd(f, plan->ends[2 * i], plan->ends[2 * i + 1], &e[2 * i], &e[2 * i + 1]);
  return e;
}

/* The buffer of xy (taken: frame f's coordinates) back in lon/lat. */
static GEOSGeometry *buffer_xy(fl_ctx *ctx, const fl__frame *f, GEOSGeometry *xy,
                               const fl__buffer_plan *plan) {
  double dist_m = plan->dist_m;
  fl_side side = plan->side;
  GEOSContextHandle_t h = ctx->geos;
  if (!xy) return NULL;
  if (!all_finite(h, xy)) { /* (U4) */
    GEOSGeom_destroy_r(h, xy);
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "a vertex is not a finite number");
    return NULL;
  }
  if (dist_m > 0 && GEOSGeom_getDimensions_r(h, xy) == 2 && GEOSisValid_r(h, xy) == 0) {
    GEOSGeometry *valid = GEOSMakeValid_r(h, xy); /* (U13) */
    GEOSGeom_destroy_r(h, xy);
    if (!valid) return NULL;
    xy = valid;
  }
  if (GEOSGeom_getDimensions_r(h, xy) == 1 && dist_m > 0) { /* (U5) */
    GEOSGeometry *simple = GEOSSimplify_r(h, xy, SIMPLIFY_REL * dist_m);
    if (!simple) { GEOSGeom_destroy_r(h, xy); return NULL; }
    GEOSGeom_destroy_r(h, xy);
    xy = simple;
  }
  if (dist_m > 0) { /* (U6) */
    GEOSGeometry *dense = fl__densify_frame_parts(h, xy, OUT_SEG_M);
    if (!dense) { GEOSGeom_destroy_r(h, xy); return NULL; }
    GEOSGeom_destroy_r(h, xy);
    xy = dense;
  }
  GEOSBufferParams *p = GEOSBufferParams_create_r(h);
  if (!p) { GEOSGeom_destroy_r(h, xy); return NULL; }
  GEOSBufferParams_setQuadrantSegments_r(h, p, QUAD_SEGS); /* (U3) */
  GEOSBufferParams_setJoinStyle_r(h, p, GEOSBUF_JOIN_ROUND);
  int one = side != FL_SIDE_BOTH && GEOSGeom_getDimensions_r(h, xy) == 1;
  GEOSBufferParams_setEndCapStyle_r(h, p, GEOSBUF_CAP_ROUND);
  GEOSGeometry *b = fl__buffer_chunked(ctx, xy, p, dist_m); /* (U11) */
  GEOSBufferParams_destroy_r(h, p);
  if (b && one && dist_m > 0) { /* (U7) */
    double *ends = ends_in_frame(f, plan);
    GEOSGeometry *s = plan->n_ends && !ends
                          ? NULL
                          : fl__buffer_side(ctx, b, xy, dist_m, side, ends, plan->n_ends);
    free(ends);
    GEOSGeom_destroy_r(h, b);
    b = s;
  }
  GEOSGeom_destroy_r(h, xy);
  if (!b) return NULL;
  GEOSGeometry *ll = fl__frame_unproject_unwrapped(ctx, f, b); /* (U8) */
  GEOSGeom_destroy_r(h, b);
  return ll;
}

static GEOSGeometry *buffer_in_frame(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *lonlat,
                                     const fl__buffer_plan *plan) {
  return buffer_xy(ctx, f, fl__frame_project(ctx, f, lonlat), plan);
}

static GEOSGeometry *rect(GEOSContextHandle_t h, double x0, double y0, double x1, double y1) {
  return GEOSGeom_createRectangle_r(h, x0, y0, x1, y1);
}

typedef struct ends_job {
  GEOSContextHandle_t h;
  fl__buffer_plan *plan;
  size_t cap;
  int failed;
} ends_job;

static int add_ends(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)ring_index;
  ends_job *j = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(j->h, s, &n);
  if (is_ring || n < 2) return 0;
  if (j->plan->n_ends + 2 > j->cap) {
    size_t cap = 2 * (j->plan->n_ends + 2);
    double *g = realloc(j->plan->ends, 2 * cap * sizeof *g);
    if (!g) return j->failed = 1;
    j->plan->ends = g;
    j->cap = cap;
  }
  for (unsigned int k = 0; k < 2; k++) {
    double *e = &j->plan->ends[2 * j->plan->n_ends++];
    GEOSCoordSeq_getXY_r(j->h, s, k ? n - 1 : 0, &e[0], &e[1]);
  }
  return 0;
}

/* (U7) The ends of the plan's lines that no other line shares (where two
 * pieces of a front meet, the front goes on). Nonzero when out of memory. */
static int collect_ends(fl_ctx *ctx, fl__buffer_plan *plan) {
  ends_job j = {ctx->geos, plan, 0, 0};
  fl__each_seq(ctx->geos, plan->dense, add_ends, &j);
  if (j.failed) return 1;
  size_t m = 0;
  for (size_t i = 0; i < plan->n_ends; i++) {
    int shared = 0;
    for (size_t k = 0; k < plan->n_ends && !shared; k++)
      shared = k != i && plan->ends[2 * k] == plan->ends[2 * i] &&
               plan->ends[2 * k + 1] == plan->ends[2 * i + 1];
    if (shared) continue;
    plan->ends[2 * m] = plan->ends[2 * i];
    plan->ends[2 * m + 1] = plan->ends[2 * i + 1];
    m++;
  }
  plan->n_ends = m;
  return 0;
}

/* (U10) A buffer of dist_m whose input spans latitudes miny..maxy keeps off the poles. */
static fl_status check_poles(fl_ctx *ctx, double miny, double maxy, double dist_m) {
  double north = fl__geod_dist(&ctx->geod, 0.0, maxy, 0.0, 90.0);
  double south = fl__geod_dist(&ctx->geod, 0.0, miny, 0.0, -90.0);
  double near = fmin(north, south), reach = POLE_REACH(dist_m);
  if (near >= reach) return FL_OK;
  return fl__fail(ctx, FL_E_GEOM, "the geometry comes within %.0f km of the %s Pole, closer than "
                  "a %.0f m buffer can be drawn (1.6 times the distance plus 30 km, %.0f km): "
                  "buffers and bands around or near the poles are not supported",
                  near / 1000.0, north <= south ? "North" : "South", dist_m, reach / 1000.0);
}

/* (U12) Vertices a tile buffers at most: a line is simplified by
 * SIMPLIFY_REL of the distance and densified to OUT_SEG_M there (U5, U6), so
 * its simplified vertices (in degrees, by the tolerance over a degree of
 * latitude: never fewer than the frame keeps) plus its length over OUT_SEG_M;
 * other geometries keep their vertices (densified to DENSIFY_M). */
static fl_status tile_vertices(fl_ctx *ctx, const fl__buffer_plan *plan, double dist_m,
                               double *n) {
  GEOSContextHandle_t h = ctx->geos;
  *n = (double)GEOSGetNumCoordinates_r(h, plan->dense);
  if (GEOSGeom_getDimensions_r(h, plan->dense) != 1) return FL_OK;
  GEOSGeometry *simple = GEOSSimplify_r(h, plan->dense, SIMPLIFY_REL * dist_m / M_PER_DEG_LAT);
  if (!simple) return FL_OK; /* the estimate stays the dense count */
  double len = 0;
  fl_status st = fl_length_m(ctx, plan->dense, &len);
  if (!st) *n = fmin(*n, (double)GEOSGetNumCoordinates_r(h, simple) + len / OUT_SEG_M);
  GEOSGeom_destroy_r(h, simple);
  return st;
}

/* (U12) The work a plan needs, estimated: the vertices a tile buffers
 * counted once per tile whose reach (dlon, dlat degrees) holds them, about
 * (2 dlon / tile_lon + 1) (2 dlat / tile_lat + 1) tiles, at most all of them. */
static fl_status check_work(fl_ctx *ctx, const fl__buffer_plan *plan, double dist_m,
                            double dlon, double dlat) {
  double n = (double)GEOSGetNumCoordinates_r(ctx->geos, plan->dense), per = 1.0;
  if (plan->tiled)
    per = fmin((double)plan->n_parts,
               (2.0 * dlon / plan->tile_lon + 1.0) * (2.0 * dlat / plan->tile_lat + 1.0));
  double limit = fl__limit(ctx, FL__LIMIT_BUFFER_WORK);
  if (n * per <= limit) return FL_OK;
  fl_status st = tile_vertices(ctx, plan, dist_m, &n);
  if (st) return st;
  double work = n * per;
  if (work <= limit) return FL_OK;
  return fl__limit_exceeded(ctx, FL__LIMIT_BUFFER_WORK, "use a smaller distance or simplify the "
                            "geometry", "a buffer of %g m around this geometry would need about "
                            "%.2g units of work (%.0f vertices to buffer, each in about %.0f of "
                            "%zu tiles)", dist_m, work, n, per, plan->n_parts);
}

GEOSGeometry *fl__buffer_densify(fl_ctx *ctx, const GEOSGeometry *lonlat) {
  return fl__densify_geodesic(ctx, lonlat, DENSIFY_M);
}

GEOSGeometry *fl__buffer_densify_parallel(fl_ctx *ctx, const GEOSGeometry *lonlat) {
  return fl__densify_lines_parallel(ctx, lonlat, DENSIFY_M);
}

fl_status fl__buffer_plan_init(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m,
                               fl_side side, fl__buffer_plan *plan) {
  return fl__buffer_plan_init_dense(ctx, lonlat, NULL, dist_m, side, plan);
}

fl_status fl__buffer_plan_init_dense(fl_ctx *ctx, const GEOSGeometry *lonlat,
                                     const GEOSGeometry *dense, double dist_m, fl_side side,
                                     fl__buffer_plan *plan) {
  GEOSContextHandle_t h = ctx->geos;
  memset(plan, 0, sizeof *plan);
  if (!isfinite(dist_m) || dist_m < 0)
    return fl__fail(ctx, FL_E_ARG, "buffer distance must be a finite number >= 0 metres, got %g",
                    dist_m);
  if (dist_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "buffer distance %g m exceeds the largest distance, "
                    "1,000,000 m (1,000 km)", dist_m);
  if (!lonlat || GEOSisEmpty_r(h, lonlat) == 1)
    return fl__fail(ctx, FL_E_GEOM, "cannot buffer an empty geometry");
  int n_vertices = GEOSGetNumCoordinates_r(h, lonlat);
  if (n_vertices > FL_MAX_BUFFER_VERTICES)
    return fl__fail(ctx, FL_E_GEOM, "the geometry to buffer has %d vertices, more than the "
                    "largest vertex count, 250,000; simplify it first", n_vertices);
  double minx, miny, maxx, maxy;
  fl_status st = fl__bounds(ctx, lonlat, &minx, &miny, &maxx, &maxy);
  if (st) return st;
  if (dense) {
    plan->dense = GEOSGeom_clone_r(h, dense);
    if (!plan->dense) return fl__fail_geos(ctx, "copying the densified input");
  } else {
    plan->dense = fl__buffer_densify(ctx, lonlat);
    if (!plan->dense) return ctx->status;
  }
  double dx0, dy0, dx1, dy1;
  st = fl__bounds(ctx, plan->dense, &dx0, &dy0, &dx1, &dy1);
  if (!st) st = check_poles(ctx, dy0, dy1, dist_m);
  if (st) {
    fl__buffer_plan_free(ctx, plan);
    return st;
  }
  miny = fmin(miny, dy0); /* a long edge bulges poleward of its ends: the extent holds it */
  maxy = fmax(maxy, dy1);
  if (maxx - minx > 180.0) { /* (U8) */
    GEOSGeometry *u = fl__unwrap_geom(ctx, plan->dense,
                                      fl__centre_lon(ctx, &lonlat, 1, minx, maxx));
    GEOSGeom_destroy_r(h, plan->dense);
    plan->dense = u;
    if (!u) return fl__fail_geos(ctx, "unwrapping longitudes across 180");
    st = fl__bounds(ctx, u, &minx, &miny, &maxx, &maxy);
    if (st) {
      fl__buffer_plan_free(ctx, plan);
      return st;
    }
  }
  plan->dist_m = dist_m;
  plan->side = side;
  if (side != FL_SIDE_BOTH && GEOSGeom_getDimensions_r(h, plan->dense) == 1 &&
      collect_ends(ctx, plan)) {
    fl__buffer_plan_free(ctx, plan);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory while buffering");
  }

  double dlon, dlat;
  reach_degrees(dist_m, fmax(fabs(miny), fabs(maxy)), &dlon, &dlat);
  double ex0 = minx - dlon, ey0 = fmax(-89.9, miny - dlat);
  double ex1 = maxx + dlon, ey1 = fmin(89.9, maxy + dlat);
  double cx = 0.5 * (ex0 + ex1), cy = 0.5 * (ey0 + ey1);
  double rho = fmax(fl__geod_dist(&ctx->geod, cx, cy, ex0, ey0),
                    fl__geod_dist(&ctx->geod, cx, cy, ex1, ey1));
  rho = fmax(rho, fmax(fl__geod_dist(&ctx->geod, cx, cy, ex0, ey1),
                       fl__geod_dist(&ctx->geod, cx, cy, ex1, ey0)));
  plan->ex0 = ex0; plan->ey0 = ey0; plan->ex1 = ex1; plan->ey1 = ey1;
  plan->cx = cx; plan->cy = cy;
  if (rho <= TILE_RADIUS_M) { /* (U2) one frame is enough */
    plan->nx = plan->ny = 1;
    plan->tiled = 0;
  } else { /* (U2) tiles */
    double tile_lat = 2.0 * (TILE_RADIUS_M - dist_m > 60000 ? TILE_RADIUS_M - dist_m : 60000) /
                      M_PER_DEG_LAT / 1.5;
    double tile_lon = tile_lat / cos(fmin(85.0, fmax(fabs(ey0), fabs(ey1))) * M_PI / 180.0);
    int nx = (int)ceil((ex1 - ex0) / tile_lon), ny = (int)ceil((ey1 - ey0) / tile_lat);
    if (nx < 1) nx = 1;
    if (ny < 1) ny = 1;
    plan->nx = nx;
    plan->ny = ny;
    plan->tile_lon = (ex1 - ex0) / nx;
    plan->tile_lat = (ey1 - ey0) / ny;
    plan->tiled = 1;
  }
  plan->n_parts = (size_t)plan->nx * (size_t)plan->ny;
  st = check_work(ctx, plan, dist_m, dlon, dlat);
  if (st) fl__buffer_plan_free(ctx, plan);
  return st;
}

fl_status fl__buffer_part(fl_ctx *ctx, const fl__buffer_plan *plan, size_t k,
                          GEOSGeometry **piece) {
  GEOSContextHandle_t h = ctx->geos;
  *piece = NULL;
  if (!plan->tiled) {
    fl__frame f;
    fl__frame_init(&f, &ctx->geod, plan->cx, plan->cy);
    if (plan->xy) /* projected already (fl__buffer_plan_project): the same numbers */
      *piece = buffer_xy(ctx, &f, fl__buffer_plan_projected(ctx, plan), plan);
    else
      *piece = buffer_in_frame(ctx, &f, plan->dense, plan);
    return *piece ? FL_OK : fl__fail_geos(ctx, "buffering");
  }
  int i = (int)(k % (size_t)plan->nx), j = (int)(k / (size_t)plan->nx);
  double x0 = plan->ex0 + i * plan->tile_lon, y0 = plan->ey0 + j * plan->tile_lat;
  double x1 = i == plan->nx - 1 ? plan->ex1 : plan->ex0 + (i + 1) * plan->tile_lon;
  double y1 = j == plan->ny - 1 ? plan->ey1 : plan->ey0 + (j + 1) * plan->tile_lat;
  double rl, rt;
  reach_degrees(plan->dist_m, fmax(fabs(y0), fabs(y1)), &rl, &rt);
  GEOSGeometry *near = GEOSClipByRect_r(h, plan->dense, x0 - rl, y0 - rt, x1 + rl, y1 + rt);
  if (near && !all_finite(h, near)) { /* (U4) */
    GEOSGeom_destroy_r(h, near);
    GEOSGeometry *box = rect(h, x0 - rl, y0 - rt, x1 + rl, y1 + rt);
    near = box ? GEOSIntersection_r(h, plan->dense, box) : NULL;
    GEOSGeom_destroy_r(h, box);
  }
  if (!near) return fl__fail_geos(ctx, "buffering");
  if (GEOSisEmpty_r(h, near) == 1) { GEOSGeom_destroy_r(h, near); return FL_OK; }
  fl__frame f;
  fl__frame_init(&f, &ctx->geod, 0.5 * (x0 + x1), 0.5 * (y0 + y1));
  GEOSGeometry *b = buffer_in_frame(ctx, &f, near, plan);
  GEOSGeom_destroy_r(h, near);
  if (!b) return fl__fail_geos(ctx, "buffering");
  GEOSGeometry *tile = rect(h, x0 - TILE_OVERLAP_DEG, y0 - TILE_OVERLAP_DEG,
                            x1 + TILE_OVERLAP_DEG, y1 + TILE_OVERLAP_DEG); /* (U9) */
  GEOSGeometry *p = NULL;
  if (tile) FL__GEOS_CALL(ctx, p, GEOSIntersection_r(h, b, tile));
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, tile);
  if (!p) return fl__fail_geos(ctx, "buffering");
  if (GEOSisEmpty_r(h, p) == 1) GEOSGeom_destroy_r(h, p);
  else *piece = p;
  return FL_OK;
}

fl_status fl__buffer_finish(fl_ctx *ctx, const fl__buffer_plan *plan, GEOSGeometry **pieces,
                            size_t n, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  *out = NULL;
  size_t m = 0;
  for (size_t k = 0; k < n; k++)
    if (pieces[k]) pieces[m++] = pieces[k];
  GEOSGeometry *result = NULL;
  if (!plan->tiled && m == 1) {
    result = pieces[0];
  } else {
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, pieces,
                                                     (unsigned int)m);
    if (coll) { /* pieces taken by the collection */
      FL__GEOS_CALL(ctx, result, GEOSUnaryUnion_r(h, coll));
      GEOSGeom_destroy_r(h, coll);
    } else {
      for (size_t k = 0; k < m; k++) GEOSGeom_destroy_r(h, pieces[k]);
    }
  }
  for (size_t k = 0; k < n; k++) pieces[k] = NULL;
  if (result) { /* (U8) */
    GEOSGeometry *cut = fl__cut_at_antimeridian(ctx, result);
    GEOSGeom_destroy_r(h, result);
    result = cut;
  }
  if (!result) return fl__fail_geos(ctx, "buffering");
  GEOSSetSRID_r(h, result, 4326);
  *out = result;
  return FL_OK;
}

void fl__buffer_plan_free(fl_ctx *ctx, fl__buffer_plan *plan) {
  if (plan->dense) GEOSGeom_destroy_r(ctx->geos, plan->dense);
  plan->dense = NULL;
  free(plan->ends);
  plan->ends = NULL;
  plan->n_ends = 0;
  free(plan->xy);
  plan->xy = NULL;
  plan->n_xy = 0;
}

/* The buffer of (U1)..(U9); side other than both: that side of a line (U7). */
static fl_status buffer_plain(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m, fl_side side,
                              GEOSGeometry **out) {
  *out = NULL;
  fl__buffer_plan plan;
  fl_status st = fl__buffer_plan_init(ctx, lonlat, dist_m, side, &plan);
  if (st) return st;
  GEOSGeometry **pieces = calloc(plan.n_parts, sizeof *pieces);
  if (!pieces) {
    fl__buffer_plan_free(ctx, &plan);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory while buffering");
  }
  for (size_t k = 0; !st && k < plan.n_parts; k++) st = fl__buffer_part(ctx, &plan, k, &pieces[k]);
  if (!st) st = fl__buffer_finish(ctx, &plan, pieces, plan.n_parts, out);
  for (size_t k = 0; k < plan.n_parts; k++)
    if (pieces[k]) GEOSGeom_destroy_r(ctx->geos, pieces[k]);
  free(pieces);
  fl__buffer_plan_free(ctx, &plan);
  return st;
}

int fl__one_sided(fl_ctx *ctx, const GEOSGeometry *lonlat, fl_side side) {
  return side != FL_SIDE_BOTH && lonlat && GEOSGeom_getDimensions_r(ctx->geos, lonlat) == 1;
}

GEOSGeometry *fl__clip_to_side(fl_ctx *ctx, GEOSGeometry *g, const GEOSGeometry *region) {
  GEOSContextHandle_t h = ctx->geos;
  if (!g) return NULL;
  GEOSGeometry *c = GEOSIntersection_r(h, g, region);
  GEOSGeom_destroy_r(h, g);
  GEOSGeometry *p = c ? fl__polygonal_part(h, c) : NULL;
  if (c) GEOSGeom_destroy_r(h, c);
  if (p) GEOSSetSRID_r(h, p, 4326);
  return p;
}

/* (U7) g (taken) clipped to the side region of the line at reach_m. */
static fl_status clip_side(fl_ctx *ctx, const GEOSGeometry *lonlat, fl_side side, double reach_m,
                           GEOSGeometry **g) {
  GEOSGeometry *region = NULL;
  fl_status st = buffer_plain(ctx, lonlat, reach_m, side, &region);
  if (st) {
    GEOSGeom_destroy_r(ctx->geos, *g);
    *g = NULL;
    return st;
  }
  *g = fl__clip_to_side(ctx, *g, region);
  GEOSGeom_destroy_r(ctx->geos, region);
  return *g ? FL_OK : fl__fail_geos(ctx, "clipping a buffer to one side");
}

fl_status fl_buffer(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m, fl_side side,
                    GEOSGeometry **out) {
  fl_status st = buffer_plain(ctx, lonlat, dist_m, side, out);
  if (st || !*out || !fl__one_sided(ctx, lonlat, side)) return st;
  GEOSGeometry *p = fl__polygonal_part(ctx->geos, *out); /* (U7): faces as a multipolygon */
  GEOSGeom_destroy_r(ctx->geos, *out);
  *out = p;
  if (!p) return fl__fail_geos(ctx, "buffering one side");
  GEOSSetSRID_r(ctx->geos, p, 4326);
  return FL_OK;
}

fl_status fl_band(fl_ctx *ctx, const GEOSGeometry *lonlat, double inner_m, double outer_m,
                  fl_side side, GEOSGeometry **out) {
  *out = NULL;
  if (!isfinite(inner_m) || !isfinite(outer_m) || inner_m < 0 || outer_m <= inner_m)
    return fl__fail(ctx, FL_E_ARG,
                    "band distances must satisfy 0 <= inner < outer metres, got %g and %g",
                    inner_m, outer_m);
  GEOSGeometry *band = NULL, *inner = NULL;
  fl_status st = buffer_plain(ctx, lonlat, outer_m, FL_SIDE_BOTH, &band);
  if (st) return st;
  if (inner_m > 0) {
    st = buffer_plain(ctx, lonlat, inner_m, FL_SIDE_BOTH, &inner);
    if (st) {
      GEOSGeom_destroy_r(ctx->geos, band);
      return st;
    }
    GEOSGeometry *d = GEOSDifference_r(ctx->geos, band, inner);
    GEOSGeom_destroy_r(ctx->geos, band);
    GEOSGeom_destroy_r(ctx->geos, inner);
    if (!d) return fl__fail_geos(ctx, "cutting a band");
    GEOSSetSRID_r(ctx->geos, d, 4326);
    band = d;
  }
  if (fl__one_sided(ctx, lonlat, side)) {
    st = clip_side(ctx, lonlat, side, FL__SIDE_REACH(outer_m), &band);
    if (st) return st;
  }
  *out = band;
  return FL_OK;
}
