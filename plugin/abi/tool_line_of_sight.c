/*
 * tool_line_of_sight.c - the `line-of-sight` tool: can each observer see
 * each target over the DEM, and if not, what is in the way (DESIGN.md
 * question 10).
 *
 * Reads the DEM and two point layers, calls fl_lines_of_sight() and writes
 * the layer `line_of_sight` (one profile line with Z per pair).
 * Not here: the sight line (core/raster/los.c).
 */
#include <stdio.h>

#include "tool_dem.h"

static const fl_param_desc params[] = {
    FLP_P_DEM,
    FLP_P_LAYER("observers", "Observers",
                "Point layer of the observers (observation posts, positions on high ground). "
                "Accepts points.",
                FL_GEOM_POINT, 0),
    FLP_P_LAYER("targets", "Targets",
                "Point layer of what is to be seen. Every observer is paired with every "
                "target. Accepts points.",
                FL_GEOM_POINT, 0),
    FLP_P_OBSERVER_HEIGHT,
    FLP_P_TARGET_HEIGHT,
    FLP_P_OBSERVER_HEIGHT_FIELD,
    FLP_P_FIELD("target_height_field", "Target height field",
                "Field of the targets layer with each target's height above the ground in "
                "metres (NULL: target_height_m).",
                "targets", NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_MAX_RANGE,
    FLP_P_REFRACTION,
    FLP_P_OUTPUT("the sight lines (layer 'line_of_sight')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status run(flp_run *r) {
  fl_layer *obs, *tgt, *out = NULL;
  fl_dem *dem = NULL;
  fl_status st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "observers", &obs)) || (st = flp_load(r, "targets", &tgt))) return st;
  if ((st = flp_dem_open(r, &dem))) return st;
  if ((st = flp_stage(r, "tracing sight lines", 0.1, 0.9))) goto done;
  fl_ctx_clear_error(r->ctx);
  st = fl_lines_of_sight(r->ctx, dem, obs, tgt, flp_arg_num(r, "observer_height_m", 2.0),
                         flp_arg_num(r, "target_height_m", 0.0),
                         flp_arg_text(r, "observer_height_field"),
                         flp_arg_text(r, "target_height_field"),
                         flp_arg_num(r, "max_range_m", 0.0),
                         flp_arg_num(r, "refraction", FL_REFRACTION_DEFAULT), &out);
  if (st) {
    st = flp_fail_ctx(r, st, "line of sight");
    goto done;
  }
  if ((st = flp_own(r, out)) || (st = flp_write(r, &out, 1, "line_of_sight"))) goto done;
  int iv = fl_layer_field_index(out, "visible");
  size_t seen = 0;
  for (size_t k = 0; k < out->n_features; k++)
    seen += flp_value_num(out, &out->features[k], iv) == 1.0;
  flp_say(r, "%zu sight line%s written to %s (layer line_of_sight): %zu visible, %zu hidden.",
          out->n_features, out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"), seen,
          out->n_features - seen);
  static const char *const fields[] = {"observer_fid", "target_fid", "visible",
                                       "dist_m",       "angle_deg",  "block_dist_m",
                                       "block_z",      NULL};
  flp_json_int(r, "features", (long long)out->n_features);
  flp_json_int(r, "visible", (long long)seen);
  flp_json_rows(r, "lines", out, fields, 200);
done:
  fl_dem_destroy(dem);
  return st;
}

const flp_tool flp_tool_line_of_sight = {
    {.id = "line-of-sight",
     .title = "Line of sight",
     .group = "Elevation and range",
     .help = "Can each observer see each target? Traces the sight line over the DEM along the "
             "WGS84 geodesic, with the earth's curvature (radius of curvature along the "
             "azimuth) and refraction, and writes one line per pair with the ground profile "
             "as Z: visible, dist_m, angle_deg, obs_z, tgt_z, and the first obstruction "
             "(block_lon, block_lat, block_z, block_dist_m).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
