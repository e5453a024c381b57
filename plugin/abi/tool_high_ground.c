/*
 * tool_high_ground.c - the `high-ground` tool: where are the heights from
 * which a side can watch (and strike) the other's ground (DESIGN.md
 * question 10)?
 *
 * Reads the DEM, finds its peaks with their prominence (fl_dem_peaks()),
 * keeps those on a side's ground and in a band from the front
 * (fl_points_select()) and writes them as points, most prominent first: the
 * candidate observers of `viewshed` and `route-exposure --dem`.
 * Not here: the peaks (core/raster/high_ground.c), the selection
 * (core/point_select.c).
 */
#include <stdio.h>

#include "tool_dem.h"

static const fl_param_desc params[] = {
    FLP_P_DEM,
    FLP_P_NUMBER("min_prominence_m", "Minimum prominence",
                 "Keep only peaks that rise at least this much above their key col (the "
                 "highest saddle on the way to higher ground), in metres.",
                 "m", "20", 0.0, 100000.0, FL_PARAM_OPTIONAL),
    FLP_P_SELECT("peaks"),
    FLP_P_OUTPUT("the peaks (layer 'high_ground'): height_m, prominence_m, col_m"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status run(flp_run *r) {
  fl_dem *dem = NULL;
  fl_layer *peaks = NULL, *kept;
  fl_status st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.2))) return st;
  if ((st = flp_dem_open(r, &dem))) return st;
  if ((st = flp_stage(r, "finding peaks", 0.2, 0.8))) goto done;
  fl_ctx_clear_error(r->ctx);
  if ((st = fl_dem_peaks(r->ctx, dem, flp_arg_num(r, "min_prominence_m", 20.0), &peaks))) {
    st = flp_fail_ctx(r, st, "high-ground");
    goto done;
  }
  if ((st = flp_own(r, peaks))) { peaks = NULL; goto done; }
  flp_say(r, "%zu peak%s of prominence >= %g m on the DEM.", peaks->n_features,
          peaks->n_features == 1 ? "" : "s", flp_arg_num(r, "min_prominence_m", 20.0));
  if ((st = flp_stage(r, "keeping peaks", 0.8, 0.9))) goto done;
  if ((st = flp_select_points(r, peaks, "peaks", &kept))) goto done;
  fl_layer *outs[1] = {kept};
  if ((st = flp_write(r, outs, 1, "high-ground"))) goto done;
  flp_say(r, "%zu peak%s written to %s (layer high_ground).", kept->n_features,
          kept->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  static const char *const fields[] = {"height_m", "prominence_m", "col_m", "dist_to_front_m",
                                       NULL};
  flp_json_int(r, "features", (long long)kept->n_features);
  flp_json_rows(r, "peaks", kept, fields, 200);
done:
  fl_dem_destroy(dem);
  return st;
}

const flp_tool flp_tool_high_ground = {
    {.id = "high-ground",
     .title = "High ground",
     .group = "Elevation and range",
     .help = "Where are the heights? Finds the peaks of a DEM with their topographic "
             "prominence (height above the key col), optionally only on ground a side holds "
             "and within a band from the front: candidate observers for viewshed and "
             "route-exposure. Points with height_m, prominence_m, col_m (and "
             "dist_to_front_m).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
