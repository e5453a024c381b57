/*
 * tool_bands.c - the `bands` tool: which ground lies 0-5, 5-10, 10-20,
 * 20-40 km from the front (DESIGN.md question 1).
 *
 * Reads the front lines (and optionally control polygons and a mask), calls
 * fl_bands() and writes one dissolved, non-overlapping polygon per band to
 * the layer `bands`. held_by keeps only the ground a side holds, so it needs
 * the control layer.
 * Not here: the band geometry (core/bands.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("front", "Front lines",
                "Line layer of the front (the line of contact), e.g. front.geojson or "
                "file.gpkg:front. Accepts lines; points and polygons are buffered too.",
                FL_GEOM_ANY, 0),
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls. Needed only with held_by. "
                "Accepts polygons.",
                FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_LAYER("mask", "Mask",
                "Polygon layer the bands are clipped to (a country boundary, say). Accepts "
                "polygons.",
                FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_DISTANCES,
    FLP_P_SIDE,
    FLP_P_STRING("held_by", "Only ground held by",
                 "Keep only the parts of the bands on ground this side holds: a value of the "
                 "side field of the control layer, e.g. 'UA'. Needs control.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_SOURCE_FIELD("front"),
    FLP_P_DATE_FIELD("front"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT("the band polygons (layer 'bands')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status run(flp_run *r) {
  fl_layer *front, *control, *mask, *out = NULL;
  fl_options o;
  fl_status st;

  if (flp_arg_text(r, "held_by") && !flp_arg_text(r, "control"))
    return flp_fail(r, FL_E_ARG,
                    "@{held_by} needs the control layer: pass @{control} (the polygons of the "
                    "ground each side holds)");
  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "front", &front))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  fl_layer *aoi;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "mask", &mask))) return st;
  if (control && (st = flp_require_field(r, "side_field", control))) return st;

  flp_options(r, &o);
  o.aoi = aoi;

  if ((st = flp_stage(r, "computing bands", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_bands(r->ctx, front, control, mask, &o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "bands");
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "bands"))) return st;

  int ib = fl_layer_field_index(out, "band"), ii = fl_layer_field_index(out, "inner_m"),
      io = fl_layer_field_index(out, "outer_m"), is = fl_layer_field_index(out, "side"),
      ia = fl_layer_field_index(out, "area_km2");
  double total = flp_sum_field(out, "area_km2");
  flp_say(r, "%zu band polygon%s written to %s (layer bands).", out->n_features,
          out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  for (size_t k = 0; k < out->n_features && k < 50; k++) {
    const fl_feature *f = &out->features[k];
    const char *side = flp_value_str(out, f, is);
    flp_say(r, "  band %.0f: %.0f-%.0f m, side %s, %.3f km2", flp_value_num(out, f, ib),
            flp_value_num(out, f, ii), flp_value_num(out, f, io), side ? side : "-",
            flp_value_num(out, f, ia));
  }
  if (isfinite(total)) flp_say(r, "Total area: %.3f km2.", total);

  static const char *const fields[] = {"band", "inner_m", "outer_m", "side",
                                       "area_km2", "source", "date", NULL};
  flp_json_int(r, "features", (long long)out->n_features);
  flp_json_num(r, "total_area_km2", total);
  flp_json_rows(r, "bands", out, fields, 200);
  return FL_OK;
}

const flp_tool flp_tool_bands = {
    {.id = "bands",
     .title = "Distance bands from the front",
     .group = "Front",
     .help = "Which ground lies 0-5, 5-10, 10-20, 20-40 km from the front? Buffers the front "
             "lines on the WGS84 ellipsoid and writes one dissolved, non-overlapping polygon "
             "per band (fields band, inner_m, outer_m, side, area_km2), on both sides of the "
             "line or one side only, optionally only on ground a side holds and clipped to a "
             "mask.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
