/*
 * tool_viewshed.c - the `viewshed` tool: what can be seen from these
 * observers (DESIGN.md question 10).
 *
 * Reads the DEM and the observer points (optionally only those on a side's
 * ground and in a band from the front), calls fl_viewshed_compute() and
 * writes either the raster (output ending in .tif: the count of observers
 * that see each cell, on the DEM's grid) or the seen ground as polygons with
 * geodesic km² (a vector output: layer `viewshed`).
 * Not here: the computation (core/raster/viewshed.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tool_dem.h"

static const fl_param_desc params[] = {
    FLP_P_DEM,
    FLP_P_LAYER("observers", "Observers",
                "Point layer of the observers (observation posts, positions on high ground). "
                "With several, each cell counts the observers that see it. Accepts points.",
                FL_GEOM_POINT, 0),
    FLP_P_OBSERVER_HEIGHT,
    FLP_P_TARGET_HEIGHT,
    FLP_P_MAX_RANGE,
    FLP_P_REFRACTION,
    FLP_P_OBSERVER_HEIGHT_FIELD,
    FLP_P_SELECT("observers"),
    FLP_P_BOOL("which_observers", "Which observers",
               "Also record which observers see each cell: a .tif gets one band per observer "
               "after the count (band k + 1: 1 where the k-th observer sees the cell); a "
               "vector output gets one polygon per set of observers, their feature ids in "
               "observer_ids. Any number of observers, as long as one bit per cell within "
               "each observer's range (the whole DEM without a maximum range) takes at most "
               "2048 MB in all.",
               "false", FL_PARAM_OPTIONAL),
    {.name = "output", .title = "Output file",
     .help = "File to write: a .tif gets the visibility raster on the DEM's grid (the number "
             "of observers that see each cell, 0 where none does); a .gpkg, .sqlite or "
             ".geojson gets the seen ground as polygons with area_km2 (layer 'viewshed').",
     .type = FL_PARAM_OUTPUT, .flags = FL_PARAM_RASTER_OUT, .unit = "", .default_text = NULL,
     .min_value = -INFINITY, .max_value = INFINITY, .enum_values = NULL, .parent = NULL,
     .geometry = 0, .reserved = 0},
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static int is_tif(const char *p) {
  size_t n = strlen(p);
  return (n > 4 && strcasecmp(p + n - 4, ".tif") == 0) ||
         (n > 5 && strcasecmp(p + n - 5, ".tiff") == 0);
}

static void summarise(flp_run *r, const fl_dem *dem, const fl_viewshed *vs) {
  fl_dem_info info;
  fl_dem_get_info(dem, &info);
  /* a cell without height is never seen (V5) */
  size_t seen = vs->cells_seen, valid = (size_t)vs->width * vs->height - info.n_nodata;
  flp_say(r, "Viewshed of %zu observer%s written to %s: %zu of %zu cells seen (%.1f %%).",
          vs->n_observers, vs->n_observers == 1 ? "" : "s", flp_arg_text(r, "output"), seen,
          valid, valid ? 100.0 * seen / valid : 0.0);
  flp_json_int(r, "observers", (long long)vs->n_observers);
  flp_json_int(r, "cells_seen", (long long)seen);
  flp_json_int(r, "cells", (long long)valid);
}

static fl_status run(flp_run *r) {
  fl_layer *obs, *poly = NULL;
  fl_dem *dem = NULL;
  fl_viewshed *vs = NULL;
  fl_viewshed_opts o;
  fl_status st;
  const char *path = flp_arg_text(r, "output");
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.05))) return st;
  if ((st = flp_load(r, "observers", &obs))) return st;
  if ((st = flp_select_points(r, obs, "observers", &obs))) return st;
  if (obs->n_features == 0)
    return flp_fail(r, FL_E_ARG, "no observer of @{observers} is left on the ground and in the "
                    "band asked for (@{held_by}, @{min_distance_m}, @{max_distance_m})");
  if ((st = flp_dem_open(r, &dem))) return st;
  flp_viewshed_opts(r, &o);
  o.which = flp_arg_bool(r, "which_observers");
  if ((st = flp_stage(r, "computing viewshed", 0.05, 0.85))) goto done;
  fl_ctx_clear_error(r->ctx);
  if ((st = fl_viewshed_compute(r->ctx, dem, obs, &o, &vs))) {
    st = flp_fail_ctx(r, st, "viewshed");
    goto done;
  }
  if (is_tif(path)) {
    if ((st = flp_stage(r, "writing output", 0.85, 1.0))) goto done;
    fl_ctx_clear_error(r->ctx);
    if ((st = fl_viewshed_write_tif(r->ctx, dem, vs, path, flp_arg_bool(r, "overwrite")))) {
      st = flp_fail_ctx(r, st, NULL);
      goto done;
    }
  } else {
    if ((st = flp_stage(r, "making polygons", 0.85, 0.9))) goto done;
    fl_ctx_clear_error(r->ctx);
    if ((st = fl_viewshed_polygons(r->ctx, dem, vs, &poly))) {
      st = flp_fail_ctx(r, st, "viewshed");
      goto done;
    }
    if ((st = flp_own(r, poly)) || (st = flp_write(r, &poly, 1, "viewshed"))) goto done;
    flp_json_num(r, "area_km2", flp_sum_field(poly, "area_km2"));
    flp_say(r, "Seen ground: %.3f km2 (layer viewshed).", flp_sum_field(poly, "area_km2"));
  }
  summarise(r, dem, vs);
done:
  fl_viewshed_free(vs);
  fl_dem_destroy(dem);
  return st;
}

const flp_tool flp_tool_viewshed = {
    {.id = "viewshed",
     .title = "Viewshed",
     .group = "Elevation and range",
     .help = "What can be seen from these observers? Computes the viewshed over a DEM in its "
             "own CRS, lon/lat included, with the earth's curvature on the WGS84 ellipsoid "
             "and refraction; with several observers, how many see each cell. Writes a "
             "GeoTIFF on the DEM's grid (output .tif) or the seen ground as polygons with "
             "geodesic area_km2.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
