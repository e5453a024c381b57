/*
 * tool_frontline.c - the `frontline` tool: where exactly is the line of
 * contact, given each side's controlled areas (DESIGN.md question 2).
 *
 * Reads the control polygons (and optionally a mask), calls fl_frontline()
 * and writes the contact lines, one per group (source, date), to the layer
 * `frontline` with their length in km.
 * Not here: the contact-line geometry (core/frontline.c).
 */
#include <stdio.h>
#include <string.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls, with a side field. Accepts "
                "polygons.",
                FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("mask", "Mask",
                "Polygon layer of the area of interest; with only one side in the data, its "
                "boundary minus the mask's edges is the front. Accepts polygons.",
                FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_SNAP,
    FLP_P_SIDE_A,
    FLP_P_SIDE_B,
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_BOOL("centre_line", "Centre line of the grey zone",
               "With a grey zone (values mapped to 'contested'), also write the line through "
               "it equidistant from the two sides' edges, marked with edge 'centre'.",
               "false", FL_PARAM_OPTIONAL),
    FLP_P_OUTPUT("the contact lines (layer 'frontline')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status run(flp_run *r) {
  fl_layer *control, *mask, *out = NULL;
  fl_options o;
  fl_status st;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  fl_layer *aoi;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "mask", &mask))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;

  flp_options(r, &o);
  o.aoi = aoi;
  o.centre_line = flp_arg_bool(r, "centre_line");

  if ((st = flp_stage(r, "tracing the line of contact", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_frontline(r->ctx, control, mask, &o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "line of contact"); /* not "frontline: error: frontline: ..." */
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "frontline"))) return st;

  double total = flp_sum_field(out, "length_km");
  int ia = fl_layer_field_index(out, "side_a"), ib = fl_layer_field_index(out, "side_b"),
      is = fl_layer_field_index(out, "source"), id = fl_layer_field_index(out, "date"),
      il = fl_layer_field_index(out, "length_km"), ie = fl_layer_field_index(out, "edge");
  flp_say(r, "%zu contact line%s written to %s (layer frontline).", out->n_features,
          out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  for (size_t k = 0; k < out->n_features && k < 50; k++) {
    const fl_feature *f = &out->features[k];
    const char *a = flp_value_str(out, f, ia), *b = flp_value_str(out, f, ib);
    const char *src = flp_value_str(out, f, is), *date = flp_value_str(out, f, id);
    const char *edge = flp_value_str(out, f, ie);
    flp_say(r, "  %s %s%s%s%s%s%s%s%s: %.3f km", a ? a : "?", b ? "/ " : "(one side)", b ? b : "",
            src ? ", " : "", src ? src : "", date ? ", " : "", date ? date : "",
            edge ? (strcmp(edge, "centre") ? ", grey zone edge of " : ", grey zone ") : "",
            edge ? edge : "", flp_value_num(out, f, il));
  }
  if (isfinite(total)) flp_say(r, "Total length: %.3f km.", total);

  static const char *const fields[] = {"source", "date", "side_a", "side_b", "length_km", "edge",
                                       NULL};
  flp_json_int(r, "features", (long long)out->n_features);
  flp_json_num(r, "total_length_km", total);
  flp_json_rows(r, "lines", out, fields, 200);
  return FL_OK;
}

const flp_tool flp_tool_frontline = {
    {.id = "frontline",
     .title = "Line of contact",
     .group = "Front",
     .help = "Where exactly is the line of contact? From each side's control polygons, "
             "traces the shared boundary of the two sides (within a snap tolerance in "
             "metres, not the outer edges of the data) and writes it as lines with "
             "length_km, one per source and date.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
