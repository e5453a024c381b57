/*
 * fl_geom.h - geometry blobs, coordinate systems and geodesic measures.
 *
 * Geometries are GEOS geometries made on the context's handle
 * (fl_ctx_geos(ctx)); free them with GEOSGeom_destroy_r(fl_ctx_geos(ctx), g).
 * "lon/lat" below means EPSG:4326 with x = longitude, y = latitude, degrees.
 * Edges between vertices are taken as geodesics on WGS84 when measured.
 */
#ifndef FRONTLINE_FL_GEOM_H
#define FRONTLINE_FL_GEOM_H

#include "fl_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Blobs -------------------------------------------------------------- */

typedef enum fl_blob_kind {
  FL_BLOB_UNKNOWN = 0,
  FL_BLOB_SPATIALITE = 1, /* SpatiaLite BLOB-Geometry (incl. compressed, TinyPoint) */
  FL_BLOB_GPKG = 2,       /* GeoPackage GPB                                       */
  FL_BLOB_WKB = 3         /* plain ISO/extended WKB (no SRID: srid 0)             */
} fl_blob_kind;

/**
 * Decode a geometry blob (SpatiaLite, GeoPackage or WKB; the kind is detected).
 * Every length is checked: garbage gives FL_E_GEOM, never a crash.
 *
 * @param bytes  borrowed, n bytes.
 * @param out    [out] owned by caller (GEOSGeom_destroy_r); written only on success.
 *               An empty GPKG geometry decodes to an empty GEOS geometry.
 * @param srid   [out, may be NULL] SRID stored in the blob (0 for WKB).
 * @param kind   [out, may be NULL] detected kind.
 * @return FL_OK, FL_E_GEOM (not a geometry blob; message says why), FL_E_NOMEM.
 * @since 0.1
 */
FL_API fl_status fl_geom_from_blob(fl_ctx *ctx, const unsigned char *bytes, size_t n,
                                   GEOSGeometry **out, int *srid, fl_blob_kind *kind);

/**
 * Encode a geometry as a blob of the given kind (XY or XYZ; M is dropped).
 *
 * @param g     borrowed.
 * @param out   [out] owned by caller, free with fl_free(); written only on success.
 * @return FL_OK, FL_E_GEOM (SpatiaLite cannot hold an empty geometry), FL_E_ARG, FL_E_NOMEM.
 * @since 0.1
 */
FL_API fl_status fl_geom_to_blob(fl_ctx *ctx, const GEOSGeometry *g, int srid,
                                 fl_blob_kind kind, unsigned char **out, size_t *n);

/* ---- Coordinate systems ------------------------------------------------- */

/**
 * Reproject a geometry from EPSG:srid to lon/lat (EPSG:4326, lon first).
 * srid 4326 gives a copy. Coordinates are checked: |lon| <= 180, |lat| <= 90.
 *
 * @param g    borrowed. @param out [out] owned by caller.
 * @return FL_OK, FL_E_SRID (srid 0 or unknown to PROJ), FL_E_GEOM (out of range),
 *         FL_E_PROJ.
 * @since 0.1
 */
FL_API fl_status fl_geom_to_lonlat(fl_ctx *ctx, const GEOSGeometry *g, int srid,
                                   GEOSGeometry **out);

/** The inverse of fl_geom_to_lonlat(): lon/lat to EPSG:srid. Same contract. @since 0.1 */
FL_API fl_status fl_geom_from_lonlat(fl_ctx *ctx, const GEOSGeometry *lonlat, int srid,
                                     GEOSGeometry **out);

/** FL_OK when PROJ knows EPSG:srid, FL_E_SRID otherwise. @since 0.1 */
FL_API fl_status fl_srid_check(fl_ctx *ctx, int srid);

/* ---- Geodesic measures (lon/lat input) ---------------------------------- */

/**
 * Geodesic length of the lines (or polygon rings) of a lon/lat geometry, metres.
 * Points give 0. Stoppable: every 1,024 vertices it checks the context's
 * cancel flag, time limit and interrupt poll (fl_ctx_set_progress,
 * fl_ctx_set_time_limit, fl_ctx_set_interrupt_poll) and fails with their
 * status (FL_E_CANCEL, or FL_E_ARG for the time limit), *out_m 0; callers
 * must pass that status on. @since 0.1
 */
FL_API fl_status fl_length_m(fl_ctx *ctx, const GEOSGeometry *lonlat, double *out_m);

/**
 * Geodesic area of the polygons of a lon/lat geometry, km² (holes subtracted).
 * Points and lines give 0. Stoppable as fl_length_m() (*out_km2 0 then).
 * @since 0.1
 */
FL_API fl_status fl_area_km2(fl_ctx *ctx, const GEOSGeometry *lonlat, double *out_km2);

/**
 * Shortest geodesic distance between two lon/lat geometries, metres; 0 when
 * they touch or one contains the other. Within max(1 m, 0.1 %) of the WGS84
 * truth for geometries up to 1,500 km apart.
 *
 * @param a, b      borrowed, non-empty.
 * @param near_a, near_b  [out, may be NULL] owned by caller: the closest
 *                  points (lon/lat POINTs) on a and on b.
 * @since 0.1
 */
FL_API fl_status fl_distance_m(fl_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b,
                               double *out_m, GEOSGeometry **near_a, GEOSGeometry **near_b);

/**
 * Depth of a lon/lat geometry from another: the largest geodesic distance,
 * metres, from `from` to any point of `geom` (points inside a polygon of
 * `from` are at 0). E.g. how far ground gained reaches beyond the old front.
 * Within max(1 m, 0.1 %) of the WGS84 truth (branch and bound over cells,
 * core/depth.c).
 *
 * @param geom, from  borrowed, non-empty, lon/lat.
 * @param out_m [out] written only on FL_OK.
 * @return FL_OK, FL_E_GEOM (an empty input, or a search that did not settle).
 * @since 0.2
 */
FL_API fl_status fl_depth_m(fl_ctx *ctx, const GEOSGeometry *geom, const GEOSGeometry *from,
                            double *out_m);

typedef enum fl_side {
  FL_SIDE_BOTH = 0,  /* both sides of the line                       */
  FL_SIDE_LEFT = 1,  /* left of the line's direction                 */
  FL_SIDE_RIGHT = 2  /* right of the line's direction                */
} fl_side;

/**
 * Largest distance in metres that any tool or function accepts (1,000 km):
 * buffer distances, band distances, snap and contested distances. Beyond it
 * a buffer cannot finish in reasonable time and memory; the refusal names it.
 * @since 0.2
 */
#define FL_MAX_DIST_M 1000000.0

/**
 * Largest vertex count of a geometry that fl_buffer() and fl_band() accept,
 * counted before the simplification they do: bigger geometries take minutes
 * in GEOS. Simplify them first.
 * @since 0.2
 */
#define FL_MAX_BUFFER_VERTICES 250000

/**
 * Largest work a buffer or band may need, estimated before it starts:
 * the vertices one tile buffers (a line simplified by 0.02 % of the
 * distance and densified to 2 km; other geometries densified to 5 km), each
 * counted once per tile of the buffer's frame grid within the distance of
 * it (a buffer wider than ~300 km around its input is drawn in tiles, each
 * from the input within reach). About 10 s of CPU here; the bands of a
 * 100,000-vertex, 1,200 km front at 40 km need about 150,000, a point
 * buffered by 1,000 km about 760, a 2,000-vertex zig-zag (5 km legs) by
 * 1,000 km 2,900,000 (refused). A call
 * beyond it is refused at once, naming the distance and the estimate.
 * This is the default of the context's limit buffer_work
 * (fl_ctx_set_limit(ctx, "buffer_work", n) raises or lowers it).
 * @since 0.3
 */
#define FL_MAX_BUFFER_WORK 1000000.0

/**
 * Buffer a lon/lat geometry by dist_m metres on the ellipsoid (a local
 * metric projection per part of the area; result in lon/lat). Side applies
 * to lines only: the two-sided buffer clipped to that side of the line (flat
 * at its ends). dist_m must be finite, >= 0 and <= FL_MAX_DIST_M (0 gives a
 * copy for polygons and an empty polygon for points and lines); the geometry
 * has at most FL_MAX_BUFFER_VERTICES vertices, and the work estimate stays
 * within the context's limit buffer_work (default FL_MAX_BUFFER_WORK). Output edges are at most ~2 km
 * long; a result across 180 degrees is cut at +-180 into parts within
 * -180..180 (docs/accuracy.md).
 *
 * @param out [out] owned by caller.
 * @since 0.1
 */
FL_API fl_status fl_buffer(fl_ctx *ctx, const GEOSGeometry *lonlat, double dist_m,
                           fl_side side, GEOSGeometry **out);

/**
 * The band of ground between inner_m and outer_m metres from a lon/lat
 * geometry: buffer(outer) minus buffer(inner), both two-sided, then clipped
 * to the side as fl_buffer() does. inner_m 0 gives the buffer.
 * @since 0.1
 */
FL_API fl_status fl_band(fl_ctx *ctx, const GEOSGeometry *lonlat, double inner_m,
                         double outer_m, fl_side side, GEOSGeometry **out);

/* ---- Distance index: many queries against one set of geometries --------- */

typedef struct fl_dist_index fl_dist_index;

/**
 * Index lon/lat geometries (lines, polygons, points) for repeated nearest
 * queries. Polygons count as areas: a point inside one is at distance 0.
 * The geometries are copied; the index is read-only after creation and may
 * be queried from several threads at once (each with its own ctx).
 *
 * @param geoms  borrowed array of n borrowed geometries (NULL entries skipped).
 * @param out    [out] owned by caller, free with fl_dist_index_destroy().
 * @since 0.1
 */
FL_API fl_status fl_dist_index_create(fl_ctx *ctx, const GEOSGeometry *const *geoms,
                                      size_t n, fl_dist_index **out);

/** Free an index; NULL is a no-op. @since 0.1 */
FL_API void fl_dist_index_destroy(fl_ctx *ctx, fl_dist_index *idx);

/** Result of a nearest query. */
typedef struct fl_nearest {
  double dist_m;    /* geodesic distance, metres                   */
  size_t item;      /* index into the geoms given at creation      */
  double near_lon;  /* closest point on the indexed item, degrees  */
  double near_lat;
  double from_lon;  /* closest point on the query geometry         */
  double from_lat;
} fl_nearest;

/**
 * Nearest indexed geometry to a lon/lat geometry (point, line or polygon).
 *
 * @param query  borrowed. @param accept  optional filter: an item is considered
 *               only when accept(item, user) returns nonzero (NULL: all).
 * @param out    [out] written only on FL_OK.
 * @return FL_OK, FL_E_GEOM (empty query, or no item accepted).
 * @since 0.1
 */
FL_API fl_status fl_dist_index_nearest(fl_ctx *ctx, const fl_dist_index *idx,
                                       const GEOSGeometry *query,
                                       int (*accept)(size_t item, void *user), void *user,
                                       fl_nearest *out);

/** Same as fl_dist_index_nearest() for one lon/lat point. @since 0.1 */
FL_API fl_status fl_dist_index_nearest_xy(fl_ctx *ctx, const fl_dist_index *idx,
                                          double lon, double lat,
                                          int (*accept)(size_t item, void *user), void *user,
                                          fl_nearest *out);

#ifdef __cplusplus
}
#endif
#endif
