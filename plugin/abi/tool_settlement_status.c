/*
 * tool_settlement_status.c - the `settlement-status` tool: who holds each
 * settlement, how much of it, is it contested, and do the sources agree
 * (DESIGN.md question 3).
 *
 * Reads settlements (points or polygons) and control polygons, optionally
 * the front (else derived from control), calls fl_settlement_status() and
 * writes one row per settlement and control group to `settlement_status`.
 * Not here: the containment rules S1-S4 (core/settlement_status.c).
 */
#include <stdio.h>
#include <string.h>

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
                "Line layer of the front, for dist_to_front_m and band. Empty: traced from "
                "the control polygons. Accepts lines.",
                FL_GEOM_LINE, FL_PARAM_OPTIONAL),
    FLP_P_SPLIT_SHARE,
    FLP_P_CONTESTED_DIST,
    FLP_P_BOOL("front_distance", "Measure the distance to the front",
               "Measure dist_to_front_m and band (and rule S3). false: containment only, no "
               "front traced or measured; much faster on large layers (a million buildings).",
               "true", FL_PARAM_OPTIONAL),
    FLP_P_DISTANCES,
    FLP_P_SNAP,
    FLP_P_NAME_FIELD("settlements", "settlement"),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_DATE_TOLERANCE,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_STATUS_FIELD("control"),
    FLP_P_CONTESTED_VALUE,
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT("the settlement rows (layer 'settlement_status')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

/* Count rows by the text of one field; lines like "held 12, contested 3". */
static void count_by(flp_run *r, const fl_layer *l, const char *field, const char *json_key,
                     const char *label) {
  int fi = fl_layer_field_index(l, field);
  const char *keys[32];
  size_t counts[32], n = 0, other = 0;
  if (fi < 0) return;
  for (size_t k = 0; k < l->n_features; k++) {
    const char *v = flp_value_str(l, &l->features[k], fi);
    if (!v) v = "none"; /* NULL: no holder */
    size_t j = 0;
    while (j < n && strcmp(keys[j], v) != 0) j++;
    if (j == n) {
      if (n == 32) {
        other++;
        continue;
      }
      keys[n] = v;
      counts[n++] = 0;
    }
    counts[j]++;
  }
  flp_buf text = {0}, json = {0};
  flp_buf_printf(&json, "{");
  for (size_t j = 0; j < n; j++) {
    flp_buf_printf(&text, "%s%s %zu", j ? ", " : "", keys[j], counts[j]);
    flp_buf_printf(&json, "%s", j ? "," : "");
    flp_buf_json_string(&json, keys[j]);
    flp_buf_printf(&json, ":%zu", counts[j]);
  }
  if (other) flp_buf_printf(&text, ", other %zu", other);
  flp_buf_printf(&json, "}");
  if (!text.oom && text.p) flp_say(r, "%s: %s.", label, text.p);
  if (!json.oom) flp_json_raw(r, json_key, json.p);
  flp_buf_free(&text);
  flp_buf_free(&json);
}

static fl_status run(flp_run *r) {
  fl_layer *settlements, *control, *front, *out = NULL;
  fl_options o;
  fl_status st;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  fl_layer *aoi;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "front", &front))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;

  flp_options(r, &o);
  o.aoi = aoi;

  if ((st = flp_stage(r, "testing containment", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_settlement_status(r->ctx, settlements, control, front, &o, &out);
  if (st) {
    fl_layer_destroy(r->ctx, out);
    return flp_fail_ctx(r, st, "settlement-status");
  }
  if ((st = flp_own(r, out))) return st;
  if ((st = flp_write(r, &out, 1, "settlement-status"))) return st;

  flp_say(r, "%zu settlement row%s written to %s (layer settlement_status).", out->n_features,
          out->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  flp_json_int(r, "features", (long long)out->n_features);
  count_by(r, out, "status", "by_status", "By status");
  count_by(r, out, "side", "by_side", "By holder");
  return FL_OK;
}

const flp_tool flp_tool_settlement_status = {
    {.id = "settlement-status",
     .title = "Settlement status",
     .group = "Settlements",
     .help = "Who holds each settlement, how much of it, is it contested, and do the sources "
             "agree? For a point, the side whose polygon contains it; for a polygon, the side "
             "holding the largest share of its area. Writes per settlement: side, "
             "share_<side> (0..1), status (held, contested, unknown), dist_to_front_m, band, "
             "and, with several sources, sources_agree and claims.",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
