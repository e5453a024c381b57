/*
 * tool_route_exposure.c - the `route-exposure` tool: which supply routes run
 * within range of the front, for how many km, how close (DESIGN.md
 * question 4).
 *
 * Reads the routes and the front (or, with held_by, the control polygons, to
 * measure reach from a side's ground), calls fl_route_exposure() and writes
 * one row per route to `route_exposure`, with the exposed parts as geometry.
 * With dem and observers, the viewshed of the observers (core/raster/) gives
 * the ground in view, and the rows also measure the parts in view (R7).
 * Not here: the measuring (core/route_exposure.c, core/route_in_view.c).
 */
#include <stdio.h>

#include "tool_dem.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("routes", "Routes",
                "Line layer of the roads and railways to measure. Accepts lines.",
                FL_GEOM_LINE, 0),
    FLP_P_LAYER("front", "Front lines",
                "Line layer of the front. May be left out when held_by is given. Accepts "
                "lines.",
                FL_GEOM_LINE, FL_PARAM_OPTIONAL),
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls. Needed with held_by or on_side. "
                "Accepts polygons.",
                FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_DISTANCES,
    FLP_P_STRING("held_by", "Reach from ground held by",
                 "Measure each route's distance to the ground this side holds (a side after "
                 "the side map, e.g. 'RU') instead of to the front line; routes on that "
                 "ground are at 0. To measure only your own routes, add on_side. Needs "
                 "control.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_NAME_FIELD("routes", "route"),
    FLP_P_CLASS_FIELD("routes"),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_ON_SIDE,
    FLP_P_SOURCE_FIELD("front"),
    FLP_P_DATE_FIELD("front"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_DEM_F("Elevation raster (any file GDAL reads, its own CRS, lon/lat included). With "
                "observers: also measure the km of each route in view of at least one "
                "observer (in_view_km, view_km_<inner>_<outer>, view_exposed_km), and write "
                "the parts both in view and in range as geometry.",
                FL_PARAM_OPTIONAL),
    FLP_P_LAYER("observers", "Observers",
                "Point layer of the observers (positions on high ground) whose view of the "
                "routes is measured. Needs dem. Accepts points.",
                FL_GEOM_POINT, FL_PARAM_OPTIONAL),
    FLP_P_OBSERVER_HEIGHT,
    FLP_P_TARGET_HEIGHT,
    FLP_P_MAX_RANGE,
    FLP_P_REFRACTION,
    FLP_P_OBSERVER_HEIGHT_FIELD,
    FLP_P_OUTPUT("the exposed routes (layer 'route_exposure')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

/* With dem: the ground in view of the observers near the routes, as
 * polygons (owned by r): the routes' parts in view are those with the whole
 * viewshed's polygons (fl_viewshed_polygons_near(), W5). */
static fl_status in_view(flp_run *r, const fl_layer *routes, fl_layer **out) {
  *out = NULL;
  const char *dem_path = flp_arg_text(r, "dem");
  if (!dem_path) {
    static const char *const needs_dem[] = {"observers", "observer_height_field", NULL};
    for (size_t i = 0; needs_dem[i]; i++)
      if (flp_arg_text(r, needs_dem[i]))
        return flp_fail(r, FL_E_ARG, "@{%s} needs @{dem}: the routes in view are found on a "
                        "DEM", needs_dem[i]);
    return FL_OK;
  }
  if (!flp_arg_text(r, "observers"))
    return flp_fail(r, FL_E_ARG, "@{dem} needs @{observers}: the points from which the routes "
                    "are seen");
  fl_layer *obs;
  fl_dem *dem = NULL;
  fl_viewshed *vs = NULL;
  fl_viewshed_opts o;
  fl_status st;
  if ((st = flp_load(r, "observers", &obs)) || (st = flp_dem_open(r, &dem))) return st;
  flp_viewshed_opts(r, &o);
  if ((st = flp_stage(r, "computing viewshed", 0.1, 0.5))) goto done;
  fl_ctx_clear_error(r->ctx);
  if ((st = fl_viewshed_compute(r->ctx, dem, obs, &o, &vs)) ||
      (st = fl_viewshed_polygons_near(r->ctx, dem, vs, routes, out))) {
    st = flp_fail_ctx(r, st, "route-exposure");
    goto done;
  }
  if ((st = flp_own(r, *out))) *out = NULL;
  else {
    fl_dem_info info;
    fl_dem_get_info(dem, &info);
    size_t cells = (size_t)info.width * (size_t)info.height - info.n_nodata;
    flp_say(r, "Ground in view of %zu observer%s: %zu of %zu cells of the DEM (%.1f %%).",
            vs->n_observers, vs->n_observers == 1 ? "" : "s", vs->cells_seen, cells,
            cells ? 100.0 * (double)vs->cells_seen / (double)cells : 0.0);
  }
done:
  fl_viewshed_free(vs);
  fl_dem_destroy(dem);
  return st;
}

/* What to measure from: the front, or with held_by a side's ground (which
 * needs the control layer). */
static fl_status check_args(flp_run *r, const char *held_by) {
  if (held_by && !flp_arg_text(r, "control"))
    return flp_fail(r, FL_E_ARG,
                    "@{held_by} needs the control layer: pass @{control} (the polygons of the "
                    "ground each side holds)");
  if (!held_by && !flp_arg_text(r, "front"))
    return flp_fail(r, FL_E_ARG,
                    "missing required parameter @{front}: route-exposure "
                    "measures from the front, or from a side's ground with @{held_by} and "
                    "@{control}");
  return FL_OK;
}

/* The summary of the result layer out, for the terminal and for --json. */
static void summarise(flp_run *r, const fl_layer *out, const char *held_by, int view) {
  double total = flp_sum_field(out, "length_km"), exposed = flp_sum_field(out, "exposed_km");
  int id = fl_layer_field_index(out, held_by ? "min_dist_to_ground_m" : "min_dist_to_front_m"),
      ie = fl_layer_field_index(out, "exposed_km");
  size_t n_exposed = 0;
  double closest = INFINITY;
  for (size_t k = 0; k < out->n_features; k++) {
    double d = flp_value_num(out, &out->features[k], id);
    double e = flp_value_num(out, &out->features[k], ie);
    if (isfinite(d) && d < closest) closest = d;
    if (isfinite(e) && e > 0) n_exposed++;
  }
  flp_say(r, "%zu route row%s written to %s (layer route_exposure).", out->n_features,
          out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  if (isfinite(total)) flp_say(r, "Route length: %.3f km.", total);
  if (isfinite(exposed))
    flp_say(r, "Within the outermost band: %.3f km on %zu route%s.", exposed, n_exposed,
            n_exposed == 1 ? "" : "s");
  if (isfinite(closest))
    flp_say(r, "Closest approach to the %s: %.0f m.", held_by ? "held ground" : "front", closest);
  if (view) {
    double seen = flp_sum_field(out, "in_view_km"), both = flp_sum_field(out, "view_exposed_km");
    flp_say(r, "In view: %.3f km; in view and within the outermost band: %.3f km.", seen, both);
    flp_json_num(r, "in_view_km", seen);
    flp_json_num(r, "view_exposed_km", both);
  }

  static const char *const fields[] = {"name",          "class",      "length_km",
                                       "min_dist_to_front_m", "min_dist_to_ground_m",
                                       "exposed_km",    "exposed_share", "in_view_km",
                                       "view_exposed_km", NULL};
  flp_json_int(r, "features", (long long)out->n_features);
  flp_json_num(r, "total_length_km", total);
  flp_json_num(r, "exposed_km", exposed);
  flp_json_int(r, "routes_exposed", (long long)n_exposed);
  flp_json_num(r, "min_dist_to_front_m", closest);
  flp_json_rows(r, "routes", out, fields, 200);
}

static fl_status run(flp_run *r) {
  fl_layer *routes, *front, *control, *view, *out = NULL;
  fl_options o;
  fl_status st;
  const char *held_by = flp_arg_text(r, "held_by");

  if ((st = check_args(r, held_by))) return st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "routes", &routes))) return st;
  if ((st = flp_load(r, "front", &front))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  fl_layer *aoi;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if (held_by && (st = flp_require_field(r, "side_field", control))) return st;

  if ((st = in_view(r, routes, &view))) return st;
  flp_options(r, &o);
  o.aoi = aoi;
  o.in_view = view;

  if ((st = flp_stage(r, "measuring routes", view ? 0.5 : 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_route_exposure(r->ctx, routes, front, control, &o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "route-exposure");
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "route-exposure"))) return st;
  summarise(r, out, held_by, view != NULL);
  return FL_OK;
}

const flp_tool flp_tool_route_exposure = {
    {.id = "route-exposure",
     .title = "Route exposure",
     .group = "Routes",
     .help = "Which supply routes run within range of the front, for how many km, how "
             "close? Per route: length_km, min_dist_to_front_m, km within each band "
             "(km_0_5000, ...), exposed_km and exposed_share, with the parts within the "
             "outermost band as geometry. With a DEM and observers, also the km in view of "
             "them (in_view_km, view_km_..., view_exposed_km), the geometry then being the "
             "parts in view and in range.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
