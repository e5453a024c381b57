/*
 * tool_analyze.c - the `analyze` tool: every analysis on one set of layers
 * in one run, with a short report (DESIGN.md question 6).
 *
 * Reads settlements and control (front, routes and mask optional), calls
 * fl_analyze() and writes all its result layers (frontline, bands,
 * settlement_status, route_exposure, nearest_route) into ONE GeoPackage.
 * The summary is the report, plain text or Markdown (format=md); report and
 * map add the HTML report and the map picture (tool_report.c).
 * Not here: the analyses and the report text (core/analyze.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("settlements", "Settlements",
                "Point or polygon layer of the settlements, with a name field. Accepts "
                "points or polygons.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls, with a side field. Accepts "
                "polygons.",
                FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("front", "Front lines",
                "Line layer of the front. Empty: traced from the control polygons. Accepts "
                "lines.",
                FL_GEOM_LINE, FL_PARAM_OPTIONAL),
    FLP_P_LAYER("routes", "Routes",
                "Line layer of roads and railways, for route exposure and nearest route. "
                "Empty: those two analyses are skipped. Accepts lines.",
                FL_GEOM_LINE, FL_PARAM_OPTIONAL),
    FLP_P_LAYER("mask", "Mask",
                "Polygon layer the bands are clipped to. Accepts polygons.", FL_GEOM_POLYGON,
                FL_PARAM_OPTIONAL),
    FLP_P_DISTANCES,
    FLP_P_SIDE,
    FLP_P_STRING("held_by", "Only ground held by",
                 "Keep only band ground this side holds and measure route reach from its "
                 "ground (a value of the side field, e.g. 'UA'). Empty: off.",
                 NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_SNAP,
    FLP_P_SIDE_A,
    FLP_P_SIDE_B,
    FLP_P_SPLIT_SHARE,
    FLP_P_CONTESTED_DIST,
    FLP_P_STRING("classes", "Route classes",
                 "Comma-separated route classes for nearest route, e.g. 'road,rail'. Empty: "
                 "every route.",
                 NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_NAME_FIELD("settlements", "settlement (and of each route)"),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_ON_SIDE,
    FLP_P_DATE_TOLERANCE,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_STATUS_FIELD("control"),
    FLP_P_CLASS_FIELD("routes"),
    FLP_P_CONTESTED_VALUE,
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_ENUM("format", "Report format",
               "Form of the report: plain text, or Markdown (md).", flp_format_values, "text",
               FL_PARAM_OPTIONAL),
    {.name = "output", .title = "Output GeoPackage",
     .help = "GeoPackage (.gpkg) to write every result layer into: frontline, bands, "
             "settlement_status, route_exposure, nearest_route.",
     .type = FL_PARAM_OUTPUT, .flags = 0, .unit = "", .default_text = NULL,
     .min_value = -INFINITY, .max_value = INFINITY, .enum_values = NULL, .parent = NULL,
     .geometry = 0, .reserved = 0},
    FLP_P_REPORT,
    FLP_P_MAP,
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

/* The checks made before any layer is read. */
static fl_status check_args(flp_run *r, const char *out_path) {
  size_t len = strlen(out_path);
  fl_status st;
  /* All layers go into one file, and only a GeoPackage holds several. */
  if (len < 5 || strcasecmp(out_path + len - 5, ".gpkg") != 0)
    return flp_fail(r, FL_E_ARG,
                    "@{output} must be a GeoPackage (.gpkg) for analyze, which writes several "
                    "layers; got '%s'",
                    out_path);
  if ((st = flp_report_check(r))) return st;
  if (flp_arg_text(r, "held_by") && !flp_arg_text(r, "control"))
    return flp_fail(r, FL_E_ARG, "@{held_by} needs the control layer: pass @{control}");
  return FL_OK;
}

/* The input layers (owned by the run) into in and *aoi, and the fields
 * they must have. */
static fl_status load_inputs(flp_run *r, fl_analyze_input *in, fl_layer **aoi) {
  fl_layer *settlements, *control, *front, *routes, *mask;
  fl_status st;
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  if ((st = flp_load(r, "aoi", aoi))) return st;
  if ((st = flp_load(r, "front", &front))) return st;
  if ((st = flp_load(r, "routes", &routes))) return st;
  if ((st = flp_load(r, "mask", &mask))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;
  if (routes && flp_arg_text(r, "classes") &&
      (st = flp_require_field(r, "class_field", routes)))
    return st;
  in->settlements = settlements;
  in->control = control;
  in->front = front;
  in->routes = routes;
  in->mask = mask;
  return FL_OK;
}

/* The summary: each layer's feature count and the report for --json, the
 * report and a last line for the terminal. */
static void summarise(flp_run *r, const fl_analyze_result *res, int markdown,
                      const char *out_path) {
  flp_buf counts = {0};
  flp_buf_printf(&counts, "{");
  for (size_t i = 0; i < res->n_layers; i++) {
    const fl_layer *l = res->layers[i];
    flp_buf_printf(&counts, "%s", i ? "," : "");
    flp_buf_json_string(&counts, l->name ? l->name : "");
    flp_buf_printf(&counts, ":%zu", l->n_features);
  }
  flp_buf_printf(&counts, "}");
  if (!counts.oom) flp_json_raw(r, "layers", counts.p);
  flp_buf_free(&counts);
  flp_json_str(r, "format", markdown ? "md" : "text");
  flp_json_str(r, "report", res->report ? res->report : "");
  if (res->report) {
    size_t n = strlen(res->report);
    flp_say(r, "%.*s", (int)(n && res->report[n - 1] == '\n' ? n - 1 : n), res->report);
  }
  flp_say(r, "%s%zu layer%s written to %s.", markdown ? "\n" : "", res->n_layers,
          res->n_layers == 1 ? "" : "s", out_path);
}

static fl_status run(flp_run *r) {
  fl_analyze_input in = {0};
  fl_analyze_result res = {0};
  fl_options o;
  fl_status st;
  fl_layer *aoi;
  const char *out_path = flp_arg_text(r, "output");

  if ((st = check_args(r, out_path))) return st;
  if ((st = load_inputs(r, &in, &aoi))) return st;
  flp_options(r, &o);
  o.aoi = aoi;

  const flp_arg *fmt = flp_arg_get(r, "format");
  int markdown = fmt && fmt->present && fmt->enum_index == 1;
  if ((st = flp_stage(r, "running the analyses", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_analyze(r->ctx, &in, &o, markdown, &res);
  if (st) return flp_fail_ctx(r, st, "analyze");

  /* The layers stay res's: fl_analyze_result_free() below frees them. */
  st = flp_write(r, res.layers, res.n_layers, NULL);
  if (st == FL_OK) {
    summarise(r, &res, markdown, out_path);
    st = flp_report_write(r, (const fl_layer *const *)res.layers, res.n_layers, res.report,
                          in.control, &o);
  }
  fl_analyze_result_free(r->ctx, &res);
  return st;
}

const flp_tool flp_tool_analyze = {
    {.id = "analyze",
     .title = "Analyze all",
     .group = "Report",
     .help = "All of the analyses in one run, with a short report that leads with the "
             "answer: the line of contact, distance bands, who holds each settlement and how "
             "far it is from the front, route exposure and each settlement's nearest route. "
             "Every result layer goes into one GeoPackage.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
