/*
 * fl_elevation.h - range rings from positions, and elevation: DEMs read
 * through GDAL, line of sight and viewsheds with earth curvature on WGS84.
 *
 * Range rings need no DEM. The DEM functions read any raster GDAL reads, in
 * its own CRS (lon/lat included); every distance is geodesic on WGS84 and the
 * drop of the earth below the line of sight uses the ellipsoid's radius of
 * curvature along the azimuth, reduced by refraction (R' = R / (1 - k)).
 */
#ifndef FRONTLINE_FL_ELEVATION_H
#define FRONTLINE_FL_ELEVATION_H

#include "fl_geom.h"
#include "fl_io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Range rings ---------------------------------------------------------- */

/** Where the rings of each position come from. Strings are borrowed for the call. */
typedef struct fl_range_rings_opts {
  /* Constant rings: outer distances in metres, strictly increasing, > 0; ring k
   * spans [dist_m[k-1], dist_m[k]] (ring 0 starts at 0). Used when neither
   * max_field nor weapons is given. */
  const double *dist_m;
  size_t n_dist;
  /* Per-feature ranges (fields of the positions): max_field set turns them on;
   * min_field (default 0) and interval_field (none: one ring min..max) optional. */
  const char *min_field;
  const char *max_field;
  const char *interval_field;
  /* Sector: bearings in degrees clockwise from north. Constant, or per feature
   * when the fields are set. start == end (mod 360) gives full rings. */
  double bearing_start;
  double bearing_end;
  const char *bearing_start_field;
  const char *bearing_end_field;
  /* Weapons table (any geometry or none): each row name, min_m, max_m; a
   * position gets one ring per row whose name equals its weapon_field value. */
  const fl_layer *weapons;
  const char *weapon_field;        /* field of the positions ("weapon")      */
  const char *weapons_name_field;  /* field of the weapons table ("name")    */
  const char *weapons_min_field;   /* ("min_m")                              */
  const char *weapons_max_field;   /* ("max_m")                              */
  /* Positions' name field copied to the output when present ("name"). */
  const char *name_field;
  /* Radials: this many lines from the position (sector: spread across it). */
  int n_radials;
} fl_range_rings_opts;

/** Fill opts with the defaults above (full circles, no rings yet). @since 0.2 */
FL_API void fl_range_rings_opts_init(fl_range_rings_opts *opts);

/**
 * Geodesic range rings and fans around point features. Each ring is a polygon
 * between inner_m and outer_m from its position (a disc, an annulus, or a
 * sector of one); every vertex lies at the geodesic range (geod_direct) and
 * arcs have a vertex every 1 degree of bearing at most, so the polygon read in
 * lon/lat stays within max(1 m, 0.1 %) of the range between vertices too.
 * Output "range_rings" (CRS of positions): position_fid, name, ring (0-based),
 * weapon, inner_m, outer_m, bearing_start, bearing_end, area_km2. Radials
 * (opts->n_radials > 0) go to "range_radials": position_fid, name, bearing,
 * length_m (lines densified along the geodesic every 1 km at most).
 *
 * @param positions  borrowed, points (multipoints: every point).
 * @param rings      [out] owned by caller, free with fl_layer_destroy().
 * @param radials    [out, may be NULL] owned by caller; NULL when n_radials is 0.
 * @return FL_OK, FL_E_ARG, FL_E_FIELD, FL_E_GEOM (not a point, or a ring that
 *         would reach a pole or cross the antimeridian), FL_E_SRID, FL_E_PROJ.
 * @since 0.2
 */
FL_API fl_status fl_range_rings(fl_ctx *ctx, const fl_layer *positions,
                                const fl_range_rings_opts *opts, fl_layer **rings,
                                fl_layer **radials);

#ifdef __cplusplus
}
#endif
#endif
