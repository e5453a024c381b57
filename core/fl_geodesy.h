/*
 * fl_geodesy.h - internal: geodesic helpers on WGS84 (see geodesy.c).
 */
#ifndef FL_GEODESY_H
#define FL_GEODESY_H

#include "fl_internal.h"

/* Geodesic distance in metres between two lon/lat points. */
double fl__geod_dist(const struct geod_geodesic *g, double lon1, double lat1, double lon2,
                     double lat2);

/* Shortest geodesic distance from P to the geodesic segment AB (metres),
 * and the closest point on AB, found on the ellipsoid to 1 mm along AB (an
 * edge under 1 km: to ~1e-5 of the distance, from the sphere's foot). */
double fl__geod_point_segment(const struct geod_geodesic *g, double plon, double plat,
                              double alon, double alat, double blon, double blat,
                              double *near_lon, double *near_lat);

/* A copy of a lon/lat geometry whose edges longer than max_seg_m are split
 * along the geodesic. Owned by caller; NULL on failure (ctx says why: out
 * of memory, or a stop: it asks fl__stop_check every 1,024 vertices). */
GEOSGeometry *fl__densify_geodesic(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m);

/* As fl__densify_geodesic, except that an edge along a parallel (both ends
 * at the same latitude: the clip line of a published layer, the edge of a
 * lon/lat box) is split straight in lon/lat, as it is drawn. Owned by
 * caller; NULL on failure (ctx says why). */
GEOSGeometry *fl__densify_drawn_parallels(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m);
/* fl__densify_geodesic, the same numbers, with a long line string or multi
 * line string's edges solved on every core (densify_lines.c). Call it from
 * the calling thread of a run, not from a worker. */
GEOSGeometry *fl__densify_lines_parallel(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m);

/* Visit every coordinate sequence (line, ring) of a geometry; the callback
 * returns nonzero to stop. is_ring tells rings from lines; poly counts
 * polygons seen so far (for grouping rings). */
typedef int (*fl__seq_fn)(const GEOSCoordSequence *seq, int is_ring, int ring_index, void *user);
int fl__each_seq(GEOSContextHandle_t h, const GEOSGeometry *g, fl__seq_fn fn, void *user);

/* fl_buffer() in three steps, so that a caller can spread the parts (the
 * tiles of (U2) in buffer.c) of several buffers over threads: init plans
 * (single-threaded), fl__buffer_part(k) for k < n_parts (any thread, each
 * with its own ctx; the plan is only read), finish unions the pieces (taken;
 * NULL pieces are skipped). Free the plan with fl__buffer_plan_free(). */
typedef struct fl__buffer_plan {
  GEOSGeometry *dense;           /* the input densified along geodesics, lon/lat */
  double dist_m;
  fl_side side;
  int tiled, nx, ny;
  double ex0, ey0, ex1, ey1, cx, cy, tile_lon, tile_lat;
  size_t n_parts;
  double *ends;                  /* one side: the lines' own ends, lon/lat [2 n_ends] */
  size_t n_ends;
  double *xy;                    /* untiled, after fl__buffer_plan_coords: dense's
                                    coordinates in the plan's frame [2 n_xy], or NULL */
  size_t n_xy;
} fl__buffer_plan;
fl_status fl__buffer_plan_init(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m,
                               fl_side side, fl__buffer_plan *plan);
/* g (frame coordinates) with no edge longer than max_seg, densified part by
 * part; new, caller frees; NULL on failure (buffer_densify.c). */
GEOSGeometry *fl__densify_frame_parts(GEOSContextHandle_t h, const GEOSGeometry *g,
                                      double max_seg);
/* The input densified as every plan densifies it (new, caller frees; NULL on
 * failure, ctx says why), and a plan made from it (dense borrowed, copied):
 * several distances around one input densify it once. */
GEOSGeometry *fl__buffer_densify(fl_ctx *ctx, const GEOSGeometry *lonlat);
/* fl__buffer_densify with fl__densify_lines_parallel (the calling thread only). */
GEOSGeometry *fl__buffer_densify_parallel(fl_ctx *ctx, const GEOSGeometry *lonlat);
fl_status fl__buffer_plan_init_dense(fl_ctx *ctx, const GEOSGeometry *lonlat,
                                     const GEOSGeometry *dense, double dist_m, fl_side side,
                                     fl__buffer_plan *plan);
fl_status fl__buffer_part(fl_ctx *ctx, const fl__buffer_plan *plan, size_t k,
                          GEOSGeometry **piece);
fl_status fl__buffer_finish(fl_ctx *ctx, const fl__buffer_plan *plan, GEOSGeometry **pieces,
                            size_t n, GEOSGeometry **out);
void fl__buffer_plan_free(fl_ctx *ctx, fl__buffer_plan *plan);
/* An untiled plan's one frame projection, spread over threads: coords copies
 * dense's lon/lat into plan->xy (single-threaded; nothing for a tiled plan),
 * project turns [first, first + n) of them into frame x/y (any thread,
 * disjoint ranges); fl__buffer_part then uses them instead of projecting
 * (buffer_coords.c). */
fl_status fl__buffer_plan_coords(fl_ctx *ctx, fl__buffer_plan *plan);
void fl__buffer_plan_project(const struct geod_geodesic *geod, fl__buffer_plan *plan,
                             size_t first, size_t n);
/* The plan's input with plan->xy's (projected) coordinates: new, caller frees. */
GEOSGeometry *fl__buffer_plan_projected(fl_ctx *ctx, const fl__buffer_plan *plan);

/* GEOSBufferWithParams_r of a frame geometry (p: round joins and caps), a
 * long line or ring cut into chunks buffered one by one and dissolved,
 * stopping between chunks when ctx should stop (buffer_chunks.c, buffer.c
 * (U11)). Owned by caller; NULL on failure (ctx->geos_msg says why). */
GEOSGeometry *fl__buffer_chunked(fl_ctx *ctx, const GEOSGeometry *xy, const GEOSBufferParams *p,
                                 double dist_m);

/* One side of a line (buffer.c (U7)): the faces of the two-sided buffer on
 * that side (fl__buffer_side); a band, the two-sided band clipped to the side
 * at FL__SIDE_REACH(outer).
 * fl__one_sided: whether side applies (a side other than both, on lines);
 * fl__clip_to_side: the polygonal part of g (taken) within region (SRID
 * 4326; NULL on GEOS failure). */
#define FL__SIDE_REACH(d) (1.1 * (d) + 1.0)
/* The faces of a two-sided frame buffer (both) of a frame line on one side
 * of it (buffer_side.c); ends: the line's own ends in the frame [2 n_ends],
 * where the side ends flat. Owned by caller; NULL on GEOS failure. */
GEOSGeometry *fl__buffer_side(fl_ctx *ctx, const GEOSGeometry *both, const GEOSGeometry *line,
                              double dist_m, fl_side side, const double *ends, size_t n_ends);
int fl__one_sided(fl_ctx *ctx, const GEOSGeometry *lonlat, fl_side side);
GEOSGeometry *fl__clip_to_side(fl_ctx *ctx, GEOSGeometry *g, const GEOSGeometry *region);

/* fl_dist_index_nearest() for a caller that has measured the query's
 * vertices already: seed (borrowed, NULL: measure them) is their nearest, and
 * only crossings and closer points inside the query's segments are searched
 * (dist_index.c). With a seed, out->dist_m is exact; the other fields are
 * the seed's when no closer point is found. */
fl_status fl__dist_index_nearest_seeded(fl_ctx *ctx, const fl_dist_index *idx,
                                        const GEOSGeometry *query,
                                        int (*accept)(size_t item, void *user), void *user,
                                        const fl_nearest *seed, fl_nearest *out);

/* A frame estimate of the distance from a lon/lat point to the nearest
 * indexed geometry, without the exact measures of fl_dist_index_nearest_xy()
 * (dist_index.c), for callers that need exact values only near thresholds.
 * When the nearest lies within limit metres, *est is within
 * FL__EST_REL * d + FL__EST_ABS_M of the true distance d and *beyond is 0;
 * otherwise *est = limit, *beyond = 1, and d > limit less that error. A
 * point inside an indexed polygon: 0, exact. */
#define FL__EST_REL 1e-4
#define FL__EST_ABS_M 0.5
fl_status fl__dist_index_estimate_xy(fl_ctx *ctx, const fl_dist_index *idx, double lon,
                                     double lat, double limit, double *est, int *beyond);

/* Whether a point of the geodesic edge AB (lon/lat) lies nearer to the
 * indexed geometries than goal_m metres (dist_index.c): if so, out holds the
 * nearest such found (dist_m 0 where AB crosses an indexed part), else
 * out->dist_m = goal_m. The edge's ends are not measured: the caller has. */
fl_status fl__dist_index_edge_nearer(fl_ctx *ctx, const fl_dist_index *idx, double alon,
                                     double alat, double blon, double blat, double goal_m,
                                     fl_nearest *out);

/* fl_depth_m() from an index of `from` built once (depth.c), for callers
 * that measure many geometries from one front. */
fl_status fl__depth_m_indexed(fl_ctx *ctx, const GEOSGeometry *geom, const fl_dist_index *idx,
                              double *out_m);

/* 1 when every point of the polygon poly (lon/lat) is proven to lie within
 * dist_m of the geometries of idx (depth_proof.c); 0 when not proven (or on
 * any failure: the caller searches on). */
int fl__depth_covered(fl_ctx *ctx, const fl_dist_index *idx, const GEOSGeometry *poly,
                      double dist_m);

#endif
