/*
 * fl_routes.h - the prepared route kernels: route exposure (how much of a
 * route lies in each distance band of a front or of a side's ground) and
 * nearest route (the route nearest a settlement), each built once from the
 * indexed side and applied to one feature at a time from any thread.
 *
 * Like a GEOS prepared geometry: the rules live in these kernels and nowhere
 * else (R1-R4 of docs/tools/route-exposure.md, N1-N2 and N3's line of
 * docs/tools/nearest-route.md). The route-exposure and nearest-route tools
 * and the SQL functions FL_RouteExposure and FL_NearestRoute call them.
 */
#ifndef FRONTLINE_FL_ROUTES_H
#define FRONTLINE_FL_ROUTES_H

#include "fl_geom.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- route exposure ------------------------------------------------------ */

/** A prepared route-exposure kernel (opaque). @since 0.3 */
typedef struct fl_exposure_kernel fl_exposure_kernel;

/** What fl_exposure_route() measures besides the bands (flags, or'ed). @since 0.3 */
enum {
  FL_EXPOSURE_MIN = 1,  /**< the route's exact closest approach (R3) in min_m */
  FL_EXPOSURE_PARTS = 2 /**< the exposed parts (R4) as a geometry in exposed */
};

/** What the kernel says of one route. @since 0.3 */
typedef struct fl_exposure_row {
  double length_m;        /* [out] geodesic length of the route */
  double min_m;           /* [out] with FL_EXPOSURE_MIN: shortest distance of any point of the
                             route to the ground (0 where it crosses), INFINITY when no distance
                             is finite; NAN without the flag */
  double *band_m;         /* [in] the caller's array of fl_exposure_n_dist() + 1 doubles;
                             [out] metres of the route in each band [dist[k-1], dist[k]) (from 0
                             for k = 0), the last beyond the outermost distance */
  GEOSGeometry *exposed;  /* [out] with FL_EXPOSURE_PARTS: the parts within the outermost
                             distance, a lon/lat MULTILINESTRING owned by the caller
                             (GEOSGeom_destroy_r), NULL when there are none */
} fl_exposure_row;

/**
 * Prepare the kernel: the ground to measure to (a front line, or a side's
 * held ground; lon/lat, not empty) indexed once, and the band edges.
 *
 * @param ground  borrowed for the call only: the kernel keeps its own index.
 * @param dist_m  n_dist >= 1 band edges in metres, each > 0 and at most
 *                1,000,000, strictly increasing; copied.
 * @param out     [out] owned by caller, free with fl_exposure_free().
 * @return FL_OK, FL_E_ARG (a band edge, naming it), FL_E_GEOM, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_exposure_prepare(fl_ctx *ctx, const GEOSGeometry *ground,
                                     const double *dist_m, size_t n_dist,
                                     fl_exposure_kernel **out);

/**
 * fl_exposure_prepare() on a distance index the caller already holds (e.g.
 * a cached one): ground is borrowed and must outlive the kernel.
 * @since 0.3
 */
FL_API fl_status fl_exposure_prepare_index(fl_ctx *ctx, const fl_dist_index *ground,
                                           const double *dist_m, size_t n_dist,
                                           fl_exposure_kernel **out);

/** Number of band edges the kernel was prepared with. @since 0.3 */
FL_API size_t fl_exposure_n_dist(const fl_exposure_kernel *k);

/**
 * Measure one route (rules R1-R4). Thread-safe: any number of threads may
 * call it at once on one kernel, each with its own ctx.
 *
 * @param route  borrowed lon/lat line or multiline, not empty.
 * @param flags  FL_EXPOSURE_MIN and/or FL_EXPOSURE_PARTS, or 0 (bands and
 *               length only).
 * @param row    band_m set by the caller; filled on FL_OK (on a failure
 *               row->exposed is NULL).
 * @return FL_OK, FL_E_GEOM (empty or not a line), FL_E_NOMEM, FL_E_CANCEL.
 * @since 0.3
 */
FL_API fl_status fl_exposure_route(fl_ctx *ctx, const fl_exposure_kernel *k,
                                   const GEOSGeometry *route, unsigned flags,
                                   fl_exposure_row *row);

/** Free the kernel (and the index it built); NULL is a no-op. No call may
 *  be running on it. @since 0.3 */
FL_API void fl_exposure_free(fl_ctx *ctx, fl_exposure_kernel *k);

/* ---- nearest route -------------------------------------------------------- */

/** A prepared nearest-route kernel (opaque). @since 0.3 */
typedef struct fl_nearest_kernel fl_nearest_kernel;

/**
 * Prepare the kernel: the routes (lon/lat lines; NULL or empty entries are
 * never nearest) indexed once.
 *
 * @param routes    n borrowed geometries, for the call only.
 * @param accepted  NULL (every route), or n flags: nonzero where route i may
 *                  be the answer (N2: the caller's class filter); copied.
 * @param out       [out] owned by caller, free with fl_nearest_free().
 * @return FL_OK, FL_E_ARG (no route accepted), FL_E_GEOM (no route, or a
 *         coordinate not lon/lat), FL_E_NOMEM, FL_E_CANCEL.
 * @since 0.3
 */
FL_API fl_status fl_nearest_prepare(fl_ctx *ctx, const GEOSGeometry *const *routes, size_t n,
                                    const unsigned char *accepted, fl_nearest_kernel **out);

/**
 * The accepted route nearest a settlement (N1): out->item is the route's
 * index in the prepare call, out->dist_m the geodesic metres (0 when a route
 * touches or enters it), from_* the settlement's closest point and near_*
 * the route's. Thread-safe like fl_exposure_route().
 *
 * @param settlement  borrowed lon/lat point or polygon, not empty.
 * @return FL_OK, FL_E_GEOM (empty, or no finite distance), FL_E_NOMEM,
 *         FL_E_CANCEL.
 * @since 0.3
 */
FL_API fl_status fl_nearest_settlement(fl_ctx *ctx, const fl_nearest_kernel *k,
                                       const GEOSGeometry *settlement, fl_nearest *out);

/**
 * The connecting line of a result (N3): the geodesic from its from_* point
 * to its near_* point, lon/lat, a vertex at least every 1,000 m so that it
 * stays a geodesic in any CRS. @param out [out] owned by caller.
 * @return FL_OK, FL_E_NOMEM, FL_E_GEOS.
 * @since 0.3
 */
FL_API fl_status fl_nearest_line(fl_ctx *ctx, const fl_nearest *r, GEOSGeometry **out);

/** Free the kernel; NULL is a no-op. No call may be running on it. @since 0.3 */
FL_API void fl_nearest_free(fl_ctx *ctx, fl_nearest_kernel *k);

#ifdef __cplusplus
}
#endif
#endif
