/*
 * tool_dem.c - opening the DEM parameter for the elevation tools, and
 * keeping candidate observers on a side's ground and in a band from the
 * front.
 * Not here: reading rasters (core/raster/dem.c), the selection itself
 * (core/point_select.c).
 */
#include <stdio.h>

#include "tool_dem.h"

fl_status flp_dem_open(flp_run *r, fl_dem **out) {
  const char *path = flp_arg_text(r, "dem");
  fl_status st = flp_stage(r, "reading dem", r->lo, r->hi);
  *out = NULL;
  if (st) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_dem_open(r->ctx, path, out);
  if (st) return flp_fail_ctx(r, st, NULL);
  fl_dem_info info;
  fl_dem_get_info(*out, &info);
  flp_say(r, "DEM %s: %d x %d cells of about %.1f m, %s%s%d, %zu without height.", path,
          info.width, info.height, info.cell_m, info.geographic ? "lon/lat" : "projected",
          info.srid ? ", EPSG:" : "", info.srid, info.n_nodata);
  return FL_OK;
}

fl_status flp_select_points(flp_run *r, fl_layer *pts, const char *what, fl_layer **out) {
  *out = pts;
  const char *held_by = flp_arg_text(r, "held_by"), *front_arg = flp_arg_text(r, "front");
  double min_m = flp_arg_num(r, "min_distance_m", 0.0), max_m = flp_arg_num(r, "max_distance_m", 0.0);
  if (!held_by && !front_arg && !(min_m > 0) && !(max_m > 0)) return FL_OK;
  if (held_by && !flp_arg_text(r, "control"))
    return flp_fail(r, FL_E_ARG, "@{held_by} needs the control layer: pass @{control} (the "
                    "polygons of the ground each side holds)");
  if ((min_m > 0 || max_m > 0) && !front_arg)
    return flp_fail(r, FL_E_ARG, "@{min_distance_m} and @{max_distance_m} need the front: "
                    "pass @{front}");
  fl_layer *control, *front, *aoi, *kept = NULL;
  fl_status st;
  if ((st = flp_load(r, "control", &control)) || (st = flp_load(r, "front", &front)) ||
      (st = flp_load(r, "aoi", &aoi)))
    return st;
  if (held_by && (st = flp_require_field(r, "side_field", control))) return st;
  fl_options o;
  flp_options(r, &o);
  o.aoi = aoi;
  fl_ctx_clear_error(r->ctx);
  if ((st = fl_points_select(r->ctx, pts, control, front, &o, min_m, max_m, &kept))) {
    fl_layer_destroy(r->ctx, kept);
    return flp_fail_ctx(r, st, NULL);
  }
  if ((st = flp_own(r, kept))) return st;
  flp_say(r, "%zu of %zu %s kept%s%s%s.", kept->n_features, pts->n_features, what,
          held_by ? " on ground held by " : "", held_by ? held_by : "",
          front_arg ? " in the band from the front" : "");
  *out = kept;
  return FL_OK;
}

void flp_viewshed_opts(flp_run *r, fl_viewshed_opts *o) {
  fl_viewshed_opts_init(o);
  o->obs_h = flp_arg_num(r, "observer_height_m", o->obs_h);
  o->tgt_h = flp_arg_num(r, "target_height_m", o->tgt_h);
  o->max_range_m = flp_arg_num(r, "max_range_m", 0.0);
  o->refraction = flp_arg_num(r, "refraction", o->refraction);
  o->obs_h_field = flp_arg_text(r, "observer_height_field");
}
