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

#include <stddef.h>
#include <stdint.h>

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


/* ---- DEM (through GDAL) ----------------------------------------------------- */

typedef struct fl_dem fl_dem;

/** What a DEM is: its grid and CRS. */
typedef struct fl_dem_info {
  int width, height;     /* cells                                                */
  double gt[6];          /* GDAL geotransform: x = gt0 + col gt1, y = gt3 + row gt5 */
  int srid;              /* EPSG code of the CRS, 0 when it has none            */
  int geographic;        /* nonzero: lon/lat degrees                            */
  double cell_m;         /* typical cell size in metres (geodesic, at the centre) */
  size_t n_nodata;       /* cells without a height                              */
} fl_dem_info;

/**
 * Read band 1 of a raster GDAL reads (GeoTIFF, a VRT of SRTM or Copernicus
 * tiles, ...) into memory as heights in metres. Its CRS may be anything PROJ
 * knows, lon/lat included; the nodata value (and NaN) mark cells without a
 * height. A rotated geotransform is refused.
 *
 * @param path  borrowed. @param out  [out] owned by caller, free with fl_dem_destroy().
 * @return FL_OK, FL_E_IO (unreadable), FL_E_SRID (no CRS), FL_E_ARG (rotated,
 *         empty, too large), FL_E_NOMEM.
 * @since 0.2
 */
FL_API fl_status fl_dem_open(fl_ctx *ctx, const char *path, fl_dem **out);

/** Free a DEM; NULL is a no-op. @since 0.2 */
FL_API void fl_dem_destroy(fl_dem *dem);

/** Grid and CRS of a DEM. @param out [out] always written. @since 0.2 */
FL_API void fl_dem_get_info(const fl_dem *dem, fl_dem_info *out);

/**
 * Height of the ground at a lon/lat point, metres, interpolated bilinearly
 * between the four nearest cell centres (the nearest cell at the edges).
 * @return FL_OK, FL_E_GEOM (outside the DEM, or a cell without height nearby;
 *         the message says which), FL_E_PROJ.
 * @since 0.2
 */
FL_API fl_status fl_dem_height(fl_ctx *ctx, const fl_dem *dem, double lon, double lat,
                               double *out_m);

/**
 * The peaks of a DEM with their topographic prominence: a peak's height minus
 * that of its key col (the highest saddle through which higher ground is
 * reached), cells joined to their 8 neighbours. The DEM is all that is
 * known: the highest peak of each connected area gets its height above the
 * DEM's lowest cell, and a peak near the edge may be less prominent than it
 * seems. Output "high_ground" (points in EPSG:4326 at cell centres, most
 * prominent first): height_m, prominence_m, col_m.
 *
 * @param min_prominence_m  peaks below this prominence are left out (>= 0).
 * @param out  [out] owned by caller, free with fl_layer_destroy().
 * @return FL_OK, FL_E_ARG, FL_E_NOMEM (memory: 16 bytes a cell), FL_E_CANCEL.
 * @since 0.2
 */
FL_API fl_status fl_dem_peaks(fl_ctx *ctx, const fl_dem *dem, double min_prominence_m,
                              fl_layer **out);

/* ---- Line of sight ------------------------------------------------------------ */

#define FL_REFRACTION_DEFAULT 0.13 /* coefficient of refraction k: R' = R / (1 - k) */

/** Result of one line of sight. */
typedef struct fl_los_result {
  int visible;             /* 1: the target is seen; 0: hidden                          */
  double dist_m;           /* geodesic distance observer -> target                     */
  double angle_deg;        /* vertical angle at the observer (negative: looking down)  */
  double obs_z, tgt_z;     /* ground heights at observer and target, metres           */
  double block_lon, block_lat, block_z; /* first obstruction (when not visible)        */
  double block_dist_m;     /* its distance from the observer                           */
  size_t n_profile;        /* samples in profile                                       */
  double *profile;         /* owned by caller (free()): lon, lat, ground z per sample  */
} fl_los_result;

/**
 * Line of sight between two lon/lat points over a DEM: the ground is sampled
 * along the geodesic every half cell; each sample is lowered by the drop of
 * the earth, s^2 (1 - k) / (2 R_az), R_az the WGS84 radius of curvature along
 * the azimuth; the target is visible when no sample rises above the straight
 * sight line from observer (ground + obs_h) to target (ground + tgt_h).
 * Heights are above ground, metres, >= 0; k in [-1, 1].
 *
 * @param out  [out] written only on FL_OK; free out->profile with free().
 * @return FL_OK, FL_E_ARG, FL_E_GEOM (a point outside the DEM or over a cell
 *         without height), FL_E_NOMEM.
 * @since 0.2
 */
FL_API fl_status fl_line_of_sight(fl_ctx *ctx, const fl_dem *dem, double obs_lon, double obs_lat,
                                  double obs_h, double tgt_lon, double tgt_lat, double tgt_h,
                                  double refraction, fl_los_result *out);

/**
 * Lines of sight from every observer to every target (layers in any CRS);
 * obs_h_field / tgt_h_field (may be NULL) give per-feature heights above
 * ground that replace obs_h / tgt_h where not NULL. max_range_m > 0 skips
 * pairs farther apart. Output "line_of_sight" (lines with Z: the ground
 * profile, in the observers' CRS): observer_fid, target_fid, visible (0/1),
 * dist_m, angle_deg, obs_z, tgt_z, and the first obstruction block_lon,
 * block_lat (degrees), block_z, block_dist_m (NULL when visible).
 * @param observers, targets  borrowed, points.
 * @param out  [out] owned by caller, free with fl_layer_destroy().
 * @since 0.2
 */
FL_API fl_status fl_lines_of_sight(fl_ctx *ctx, const fl_dem *dem, const fl_layer *observers,
                                   const fl_layer *targets, double obs_h, double tgt_h,
                                   const char *obs_h_field, const char *tgt_h_field,
                                   double max_range_m, double refraction, fl_layer **out);

/* ---- Viewshed ------------------------------------------------------------------ */

/** Viewshed settings. */
typedef struct fl_viewshed_opts {
  double obs_h;            /* observer height above ground, m (2)          */
  double tgt_h;            /* target height above ground, m (0)            */
  double max_range_m;      /* geodesic range; 0: the whole DEM             */
  double refraction;       /* k (0.13)                                     */
  const char *obs_h_field; /* per-observer height field, may be NULL       */
  int which;               /* also record which observers see each cell
                              (fl_viewshed.which): one bit per cell of each
                              observer's window, at most
                              FL_VIEWSHED_WHICH_MAX_MB in all (0)          */
} fl_viewshed_opts;

/** Most memory, in MiB, that fl_viewshed_opts.which may take: one bit per
 * cell of each observer's window (the whole DEM, or the cells within
 * max_range_m): a twelfth of a 24 GiB machine, beside the DEM (4 bytes a
 * cell) and the counts (2 bytes a cell). 2048 MiB hold 171 observers over a whole 10,000 x
 * 10,000-cell DEM; within 3 km, 3,700 observers on cells of 2.7 x 3.1 m
 * (2,319 x 1,985 cells each: 562 KiB), and all the 65,534 a viewshed takes
 * on SRTM's 1 arc-second cells (305 x 205 cells: 8 KiB). */
#define FL_VIEWSHED_WHICH_MAX_MB 2048

/** (opts.which) The cells one observer sees, over its window of the DEM. */
typedef struct fl_viewshed_sight {
  int x0, y0, w, h;        /* columns x0 .. x0 + w - 1, rows y0 .. y0 + h - 1 */
  uint8_t *bits;           /* owned; w * h bits, row-major: cell (col, row) is
                              bit b = (row - y0) * w + (col - x0), that is
                              (bits[b / 8] >> (b % 8)) & 1                 */
} fl_viewshed_sight;

/** Fill opts with the defaults above. @since 0.2 */
FL_API void fl_viewshed_opts_init(fl_viewshed_opts *opts);

/** A viewshed on the DEM's grid: for each cell the number of observers that
 * see it and, when asked (opts.which), which. Observer k is the k-th point
 * of the observers layer (features in order, each part of a multipoint). */
typedef struct fl_viewshed {
  int width, height;       /* the DEM's                                     */
  uint16_t *count;         /* owned; row-major; observers that see the cell */
  uint8_t *nodata;         /* owned; nonzero where the DEM has no height    */
  size_t n_observers;
  fl_viewshed_sight *which; /* owned; NULL unless opts.which; n_observers
                              of them, observer k's at [k]                 */
  int64_t *observer_fid;   /* owned; n_observers feature ids, observer k's
                              at [k]                                       */
  size_t cells_seen;       /* cells with count > 0 (@since 0.3)             */
} fl_viewshed;

/**
 * Cumulative viewshed of point observers (any CRS) on a DEM in its own CRS,
 * lon/lat included: a cell is seen by an observer when the straight sight
 * line from the observer (ground + obs_h) to the cell's centre (ground +
 * tgt_h) clears the ground, heights lowered by the earth's drop along the
 * geodesic (as fl_line_of_sight()); the horizon is carried outward cell by
 * cell with the reference-plane method (Wang et al. 2000, as gdal_viewshed).
 * Observers are spread over the context's threads.
 *
 * @param out [out] owned by caller, free with fl_viewshed_free().
 * @return FL_OK, FL_E_ARG (also: opts.which needing more than
 *         FL_VIEWSHED_WHICH_MAX_MB), FL_E_GEOM (an observer outside the
 *         DEM or on a cell without height; names the feature), FL_E_CANCEL,
 *         FL_E_NOMEM.
 * @since 0.2
 */
FL_API fl_status fl_viewshed_compute(fl_ctx *ctx, const fl_dem *dem, const fl_layer *observers,
                                     const fl_viewshed_opts *opts, fl_viewshed **out);

/** Free a viewshed; NULL is a no-op. @since 0.2 */
FL_API void fl_viewshed_free(fl_viewshed *vs);

/** 1 when observer k sees cell (col, row) of a viewshed computed with
 * opts.which, 0 when it does not (or col, row, k are outside, or vs has no
 * which). @since 0.3 */
FL_API int fl_viewshed_sees(const fl_viewshed *vs, size_t k, int col, int row);

/**
 * Write a viewshed as a GeoTIFF on the DEM's grid and CRS (Byte, or UInt16
 * above 254 observers; nodata 255 / 65535 where the DEM has no height): band
 * 1 the count; with vs->which, band k + 2 is 1 where observer k sees the
 * cell, 0 elsewhere (description "observer FID").
 * Built under a temporary name and renamed into place.
 * @return FL_OK, FL_E_EXISTS (path exists and overwrite is 0), FL_E_IO.
 * @since 0.2
 */
FL_API fl_status fl_viewshed_write_tif(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                                       const char *path, int overwrite);

/**
 * The seen ground as polygons (one per count value, dissolved): fields
 * observers (how many see it) and area_km2 (geodesic). With vs->which, one
 * per set of observers instead, with observer_ids ("2,5": their feature ids
 * in the observers' order) between observers and area_km2. CRS: the DEM's EPSG
 * code, lon/lat when it has none.
 * @param out [out] owned by caller, free with fl_layer_destroy().
 * @since 0.2
 */
FL_API fl_status fl_viewshed_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                                      fl_layer **out);

/**
 * fl_viewshed_polygons() drawn only over the cells within 2 cells of the
 * lines (and polygon rings) of near (any CRS): the ground a line is clipped
 * with to find its parts in view, which are the same as with all the
 * polygons, at a fraction of the cost on a large DEM (route-exposure with a
 * DEM). area_km2 is the area of what is drawn, not of the whole viewshed.
 * @param near borrowed; lines or polygons.
 * @param out [out] owned by caller, free with fl_layer_destroy().
 * @return as fl_viewshed_polygons(), and the layer errors of near.
 * @since 0.3
 */
FL_API fl_status fl_viewshed_polygons_near(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                                           const fl_layer *near, fl_layer **out);

#ifdef __cplusplus
}
#endif
#endif
