/*
 * tool_change.c - the `change` tool: what changed between the dates of each
 * source of a control layer (DESIGN.md question 7).
 *
 * Reads control polygons with several dates per source, calls fl_change()
 * and writes two layers to one file: `area_change` (polygons that changed
 * side, with area_km2) and `held_series` (km² held per source, date and side;
 * no geometry); with settlements, fl_change_settlements() adds
 * `settlement_changes`; report and map add the HTML report and the map
 * picture (tool_report.c).
 * Not here: the overlay and the measures (core/change.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls, with a side field and "
                "several dates per source. Accepts polygons.",
                FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("settlements", "Settlements",
                "Point or polygon layer of the settlements, with a name field: adds the "
                "layer settlement_changes. Accepts points or polygons.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_NAME_FIELD("settlements", "settlement"),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT("the changes (layers 'area_change', 'held_series' and, with settlements, 'settlement_changes'; .gpkg or .sqlite)"),
    FLP_P_REPORT,
    FLP_P_MAP,
    FLP_P_OVERWRITE,
};

static fl_status run(flp_run *r) {
  fl_layer *control, *aoi, *settlements, *out[3] = {NULL, NULL, NULL};
  fl_options o;
  fl_status st;

  if ((st = flp_report_check(r))) return st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;

  flp_options(r, &o);
  o.aoi = aoi;

  if ((st = flp_stage(r, "comparing the dates", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_change(r->ctx, control, &o, &out[0], &out[1]);
  if (st) return flp_fail_ctx(r, st, "change");
  if ((st = flp_own(r, out[0]))) {
    fl_layer_destroy(r->ctx, out[1]);
    return st;
  }
  if ((st = flp_own(r, out[1]))) return st;
  if (settlements) {
    if ((st = flp_stage(r, "following the settlements", 0.9, 0.95))) return st;
    fl_ctx_clear_error(r->ctx);
    st = fl_change_settlements(r->ctx, settlements, control, &o, &out[2]);
    if (st) return flp_fail_ctx(r, st, "change");
    if ((st = flp_own(r, out[2]))) return st;
  }
  if ((st = flp_write(r, out, settlements ? 3 : 2, "change"))) return st;

  flp_say(r, "%zu changed polygon%s (layer area_change) and %zu held row%s (layer "
          "held_series) written to %s.", out[0]->n_features,
          out[0]->n_features == 1 ? "" : "s", out[1]->n_features,
          out[1]->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  if (out[2])
    flp_say(r, "%zu settlement change%s (layer settlement_changes).", out[2]->n_features,
            out[2]->n_features == 1 ? "" : "s");
  double total = flp_sum_field(out[0], "area_km2");
  if (isfinite(total)) flp_say(r, "Ground that changed side: %.3f km².", total);
  static const char *const fields[] = {"source", "date_from", "date_to", "days", "side_from",
                                       "side_to", "area_km2", NULL};
  flp_json_int(r, "features", (long long)out[0]->n_features);
  flp_json_num(r, "changed_km2", total);
  flp_json_rows(r, "changes", out[0], fields, 200);
  if (out[2]) flp_json_int(r, "settlement_changes", (long long)out[2]->n_features);
  return flp_report_write(r, (const fl_layer *const *)out, settlements ? 3 : 2, NULL, NULL, NULL);
}

const flp_tool flp_tool_change = {
    {.id = "change",
     .title = "What changed",
     .group = "Front",
     .help = "What changed between the dates of each source? Compares each date of a "
             "source's control polygons with its next date and writes the ground that "
             "changed side (area_change: source, date_from, date_to, days, side_from, "
             "side_to, area_km2), the km² each side held on each date (held_series) and, "
             "with settlements, the settlements whose holder changed (settlement_changes).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
