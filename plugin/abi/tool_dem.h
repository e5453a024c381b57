/*
 * tool_dem.h - what the elevation tools (line-of-sight, viewshed) share:
 * the DEM parameter (a raster, ABI 1.1), the refraction and height
 * parameters, and opening the DEM with the error named by parameter.
 * Not here: the DEM itself (core/raster/dem.c).
 */
#ifndef FLP_TOOL_DEM_H
#define FLP_TOOL_DEM_H

#include "plugin_internal.h"

#define FLP_P_DEM_HELP                                                                   \
  "Elevation raster in metres, any file GDAL reads (GeoTIFF, a .vrt of SRTM or "          \
  "Copernicus GLO-30 tiles), in its own CRS: lon/lat included. Band 1 is used; "          \
  "its nodata cells have no height."
#define FLP_P_DEM_F(hlp, flg)                                                            \
  {.name = "dem", .title = "DEM", .help = hlp,                                           \
   .type = FL_PARAM_RASTER, .flags = flg, .unit = "", .default_text = NULL,              \
   .min_value = -INFINITY, .max_value = INFINITY, .enum_values = NULL, .parent = NULL,   \
   .geometry = 0, .reserved = 0}
#define FLP_P_DEM FLP_P_DEM_F(FLP_P_DEM_HELP, 0)
#define FLP_P_OBSERVER_HEIGHT                                                            \
  FLP_P_NUMBER("observer_height_m", "Observer height",                                   \
               "Height of the observer's eye above the ground, in metres.", "m", "2", 0.0, \
               100000.0, FL_PARAM_OPTIONAL)
#define FLP_P_TARGET_HEIGHT                                                              \
  FLP_P_NUMBER("target_height_m", "Target height",                                       \
               "Height above the ground of what is to be seen, in metres (0: the ground " \
               "itself; 3: a vehicle).",                                                 \
               "m", "0", 0.0, 100000.0, FL_PARAM_OPTIONAL)
#define FLP_P_MAX_RANGE                                                                  \
  FLP_P_NUMBER("max_range_m", "Maximum range",                                           \
               "Largest geodesic distance from an observer that is looked at, in metres; " \
               "0: no limit.",                                                           \
               "m", "0", 0.0, 10000000.0, FL_PARAM_OPTIONAL)
#define FLP_P_REFRACTION                                                                 \
  FLP_P_NUMBER("refraction", "Refraction coefficient",                                   \
               "Coefficient of atmospheric refraction k: light bends with the earth, "   \
               "whose radius seems R / (1 - k). 0.13 is the usual daytime value; 0: none.", \
               "", "0.13", -1.0, 1.0, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED)
#define FLP_P_OBSERVER_HEIGHT_FIELD                                                      \
  FLP_P_FIELD("observer_height_field", "Observer height field",                          \
              "Field of the observers layer with each observer's height above the "      \
              "ground in metres (NULL: observer_height_m).",                             \
              "observers", NULL, FL_PARAM_OPTIONAL)

/* Candidate observers on a side's ground and in a band from the front
 * (fl_points_select()): high-ground and viewshed. */
#define FLP_P_SELECT_CONTROL                                                             \
  FLP_P_LAYER("control", "Control areas",                                                \
              "Polygon layer of the ground each side controls. Needed with held_by. "    \
              "Accepts polygons.",                                                       \
              FL_GEOM_POLYGON, FL_PARAM_OPTIONAL)
#define FLP_P_SELECT_HELD_BY(what)                                                       \
  FLP_P_STRING("held_by", "Only on ground held by",                                      \
               "Keep only the " what " on ground this side holds: a side of the control "\
               "layer after the side map, e.g. 'UA'. Needs control; one claim (pick it "  \
               "with source and date).",                                                 \
               NULL, FL_PARAM_OPTIONAL)
#define FLP_P_SELECT_FRONT                                                               \
  FLP_P_LAYER("front", "Front lines",                                                    \
              "Line layer of the front, for min_distance_m and max_distance_m. Accepts " \
              "lines.",                                                                  \
              FL_GEOM_LINE, FL_PARAM_OPTIONAL)
#define FLP_P_SELECT_MIN_DIST(what)                                                      \
  FLP_P_NUMBER("min_distance_m", "Minimum distance from the front",                      \
               "Keep only the " what " at least this far from the front (geodesic, "     \
               "metres). Needs front.",                                                  \
               "m", "0", 0.0, 1000000.0, FL_PARAM_OPTIONAL)
#define FLP_P_SELECT_MAX_DIST(what)                                                      \
  FLP_P_NUMBER("max_distance_m", "Maximum distance from the front",                      \
               "Keep only the " what " at most this far from the front (geodesic, "      \
               "metres); 0: no limit. Needs front.",                                     \
               "m", "0", 0.0, 1000000.0, FL_PARAM_OPTIONAL)
#define FLP_P_SELECT(what)                                                               \
  FLP_P_SELECT_CONTROL, FLP_P_SELECT_HELD_BY(what), FLP_P_SIDE_FIELD("control"),         \
      FLP_P_SIDE_MAP, FLP_P_OTHER_SIDE, FLP_P_AOI, FLP_P_SOURCE_FILTER,                  \
      FLP_P_DATE_FILTER, FLP_P_SELECT_FRONT, FLP_P_SELECT_MIN_DIST(what),                \
      FLP_P_SELECT_MAX_DIST(what)

/* Open the DEM of parameter "dem"; *out owned by caller (fl_dem_destroy()). */
fl_status flp_dem_open(flp_run *r, fl_dem **out);

/* The viewshed options of the observer parameters (observer_height_m,
 * target_height_m, max_range_m, refraction, observer_height_field), over
 * fl_viewshed_opts_init()'s defaults. */
void flp_viewshed_opts(flp_run *r, fl_viewshed_opts *o);

/* The points of layer pts kept by the FLP_P_SELECT parameters; *out is pts
 * itself when none is given, else a new layer owned by the run. what names
 * the points in the summary ("peaks", "observers"). */
fl_status flp_select_points(flp_run *r, fl_layer *pts, const char *what, fl_layer **out);

#endif
