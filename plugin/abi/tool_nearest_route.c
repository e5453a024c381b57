/*
 * tool_nearest_route.c - the `nearest-route` tool: how far is each
 * settlement from its nearest road or railway, and which one (DESIGN.md
 * question 5).
 *
 * Reads settlements and routes, optionally keeps only some route classes,
 * calls fl_nearest_route() and writes one row per settlement, with the
 * connecting line as geometry, to `nearest_route`.
 * Not here: the distance index (core/dist_index.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("settlements", "Settlements",
                "Point or polygon layer of the settlements. Accepts points or polygons.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("routes", "Routes", "Line layer of the roads and railways. Accepts lines.",
                FL_GEOM_LINE, 0),
    FLP_P_STRING("classes", "Route classes",
                 "Comma-separated route classes to consider, e.g. 'road,rail' (values of "
                 "the class field). Empty: every route.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_NAME_FIELD("routes", "route (copied to route_name)"),
    FLP_P_CLASS_FIELD("routes"),
    FLP_P_OUTPUT("the connecting lines (layer 'nearest_route')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status run(flp_run *r) {
  fl_layer *settlements, *routes, *out = NULL;
  fl_options o;
  fl_status st;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_load(r, "routes", &routes))) return st;
  if (flp_arg_text(r, "classes") && (st = flp_require_field(r, "class_field", routes)))
    return st;

  flp_options(r, &o);
  if ((st = flp_stage(r, "finding nearest routes", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_nearest_route(r->ctx, settlements, routes, &o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "nearest-route");
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "nearest-route"))) return st;

  int id = fl_layer_field_index(out, "dist_m");
  double sum = 0.0, max = -INFINITY;
  size_t n = 0;
  for (size_t k = 0; k < out->n_features; k++) {
    double d = flp_value_num(out, &out->features[k], id);
    if (!isfinite(d)) continue;
    sum += d;
    n++;
    if (d > max) max = d;
  }
  double mean = n ? sum / (double)n : NAN;
  flp_say(r, "%zu settlement row%s written to %s (layer nearest_route).", out->n_features,
          out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  if (n) flp_say(r, "Distance to the nearest route: mean %.0f m, largest %.0f m.", mean, max);

  static const char *const fields[] = {"name", "route_id", "route_name", "route_class",
                                       "dist_m", NULL};
  flp_json_int(r, "features", (long long)out->n_features);
  flp_json_num(r, "mean_dist_m", mean);
  flp_json_num(r, "max_dist_m", n ? max : NAN);
  flp_json_rows(r, "settlements", out, fields, 200);
  return FL_OK;
}

const flp_tool flp_tool_nearest_route = {
    {.id = "nearest-route",
     .title = "Nearest route",
     .group = "Routes",
     .help = "How far is each settlement from its nearest road or railway, and which one? "
             "Writes per settlement route_id, route_name, route_class and dist_m (metres on "
             "the WGS84 ellipsoid), with the connecting line from the settlement to the "
             "route as geometry.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
