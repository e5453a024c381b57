/*
 * tool_change.c - the `change` tool: what changed between the dates of each
 * source of a control layer (DESIGN.md question 7).
 *
 * Reads control polygons with several dates per source (and optionally
 * settlements and sectors), calls fl_change_run() and writes its layers to
 * one file: `area_change` and `advance` (polygons), `change_summary` and
 * `held_series` (tables without geometry) and, with settlements,
 * `settlement_changes` (a table).
 * report and map add the HTML report and the map picture (tool_report.c).
 * Not here: the overlays and the measures (core/change*.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

/* ABI 1.2: the layers of the output file, each its own output in QGIS. */
static const char *const layer_names[] = {"area_change",  "change_summary",     "held_series",
                                          "advance",      "settlement_changes", NULL};

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
    FLP_P_LAYER("sectors", "Sectors",
                "Polygon layer of named sectors (e.g. the directions 'Toretsk', "
                "'Pokrovsk'): every change is split by sector, and change_summary gets a "
                "row per sector besides the whole area. Accepts polygons.",
                FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("sector_field", "Sector name field",
                "Field of the sectors layer with the name of each sector.", "sectors", "name",
                FL_PARAM_OPTIONAL),
    FLP_P_STRING("from", "From date",
                 "Compare each source's ground on this date (its last date on or before it; "
                 "ISO 8601, e.g. 2024-11-01) with its ground on the to date, as one period. "
                 "Empty: every consecutive pair of dates of each source.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_STRING("to", "To date",
                 "The end of the period (each source's last date on or before it; ISO 8601). "
                 "Empty: each source's last date when from is given.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT_FILE("File to write the changes (layers 'area_change', 'change_summary', "
                      "'held_series', 'advance' and, with settlements, 'settlement_changes'; "
                      ".gpkg or .sqlite): .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl "
                      "or .gml (by extension).", layer_names),
    FLP_P_REPORT,
    FLP_P_MAP,
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static void say(flp_run *r, const fl_change_result *res) {
  const fl_layer *ac = res->area_change;
  flp_say(r, "%zu changed polygon%s (layer area_change), %zu summary row%s (change_summary), "
          "%zu held row%s (held_series) and %zu advance polygon%s (advance) written to %s.",
          ac->n_features, ac->n_features == 1 ? "" : "s", res->change_summary->n_features,
          res->change_summary->n_features == 1 ? "" : "s", res->held_series->n_features,
          res->held_series->n_features == 1 ? "" : "s", res->advance->n_features,
          res->advance->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  if (res->settlement_changes)
    flp_say(r, "%zu settlement change%s (layer settlement_changes).",
            res->settlement_changes->n_features,
            res->settlement_changes->n_features == 1 ? "" : "s");
  double total = flp_sum_field(ac, "area_km2");
  if (isfinite(total)) flp_say(r, "Ground that changed side: %.3f km².", total);
  static const char *const fields[] = {"source", "date_from", "date_to", "days", "side_from",
                                       "side_to", "sector", "area_km2", NULL};
  static const char *const sfields[] = {"source",   "date_from",  "date_to", "side",
                                        "sector",   "gained_km2", "lost_km2", "net_km2",
                                        "km2_per_day", "mean_depth_km", "max_depth_km", NULL};
  flp_json_int(r, "features", (long long)ac->n_features);
  flp_json_num(r, "changed_km2", total);
  flp_json_rows(r, "changes", ac, fields, 200);
  flp_json_rows(r, "summary", res->change_summary, sfields, 200);
  if (res->settlement_changes)
    flp_json_int(r, "settlement_changes", (long long)res->settlement_changes->n_features);
}

static fl_status run(flp_run *r) {
  fl_layer *control, *aoi, *settlements, *sectors;
  fl_options o;
  fl_status st;

  if ((st = flp_report_check(r))) return st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_load(r, "sectors", &sectors))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;
  if (sectors && (st = flp_require_field(r, "sector_field", sectors))) return st;

  flp_options(r, &o);
  o.aoi = aoi;
  fl_change_input in = {control, settlements, sectors, flp_arg_text(r, "sector_field"),
                        flp_arg_text(r, "from"), flp_arg_text(r, "to")};
  fl_change_result res = {0};
  if ((st = flp_stage(r, "comparing the dates", 0.1, 0.95))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_change_run(r->ctx, &in, &o, &res);
  if (st) return flp_fail_ctx(r, st, "change");
  fl_layer *out[5] = {res.area_change, res.change_summary, res.held_series, res.advance,
                      res.settlement_changes};
  size_t n = res.settlement_changes ? 5 : 4;
  for (size_t i = 0; i < n && !st; i++) {
    st = flp_own(r, out[i]); /* taken, even on failure */
    out[i] = NULL;
  }
  if (st) {
    for (size_t i = 0; i < n; i++) fl_layer_destroy(r->ctx, out[i]);
    return st;
  }
  fl_layer *w[5] = {res.area_change, res.change_summary, res.held_series, res.advance,
                    res.settlement_changes};
  if ((st = flp_write(r, w, n, "change"))) return st;
  say(r, &res);
  return flp_report_write(r, (const fl_layer *const *)w, n, NULL, NULL, NULL);
}

const flp_tool flp_tool_change = {
    {.id = "change",
     .title = "What changed",
     .group = "Front",
     .help = "What changed between the dates of each source? Compares each date of a "
             "source's control polygons with its next date (or the from and to dates) and "
             "writes the ground that changed side (area_change: source, date_from, "
             "date_to, days, side_from, side_to, sector, area_km2), the km² gained and lost "
             "per period, side and sector (change_summary), the km², front length and "
             "settlements each side held on each date (held_series), how deep the front "
             "moved into each polygon (advance: depth_m) and, with settlements, the "
             "settlements whose holder changed (settlement_changes).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
