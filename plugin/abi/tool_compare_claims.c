/*
 * tool_compare_claims.c - the `compare-claims` tool: where the sources of a
 * control layer disagree, on which settlements, and how claims hold up
 * against a reference source (DESIGN.md question 8).
 *
 * Reads control polygons with several sources (and dates), calls
 * fl_disagreement(), with settlements fl_settlement_agreement() and with a
 * claims layer fl_claims_check(), and writes each result as its own layer of
 * one file: `disagreement`, `settlement_agreement`, `claims`.
 * Not here: the overlays, holders and verdicts (core/disagreement.c,
 * core/settlement_agreement.c, core/claims_check.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

/* ABI 1.2: the layers of the output file, each its own output in QGIS. */
static const char *const layer_names[] = {"disagreement", "settlement_agreement", "claims",
                                          NULL};

static const fl_param_desc params[] = {
    FLP_P_LAYER("control", "Control areas",
                "Polygon layer of the ground each side controls, with a side field and "
                "several sources (and dates). Accepts polygons.",
                FL_GEOM_POLYGON, 0),
    FLP_P_LAYER("settlements", "Settlements",
                "Point or polygon layer of the settlements: adds the layer "
                "settlement_agreement (each source's holder and the combined one per "
                "settlement and date), and lets claims name a settlement. Accepts points "
                "or polygons.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_NAME_FIELD("settlements", "settlement"),
    FLP_P_LAYER("claims", "Claims",
                "Layer of claims, one per feature: a settlement name or a geometry, the "
                "claimed side, the claim's date and who claims it; adds the layer claims, "
                "each checked against the reference source. Accepts points or polygons, "
                "or no geometry.",
                FL_GEOM_POINT | FL_GEOM_POLYGON, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("claim_settlement_field", "Claimed settlement field",
                "Field of the claims layer with the name of the claimed settlement (used "
                "when a claim has no geometry).",
                "claims", "settlement", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("claim_side_field", "Claimed side field",
                "Field of the claims layer with the side the claim says holds the place "
                "(after the side map, e.g. 'RU').",
                "claims", "side", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("claim_date_field", "Claim date field",
                "Field of the claims layer with the claim's date (ISO 8601).", "claims",
                "date", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("claimant_field", "Claimant field",
                "Field of the claims layer naming who makes the claim. Ignored when the "
                "layer has no such field.",
                "claims", "claimant", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_STRING("reference", "Reference source",
                 "The source of the control layer the claims are checked against, e.g. "
                 "'DeepStateMap'. Needed with claims unless the layer holds one source.",
                 NULL, FL_PARAM_OPTIONAL),
    FLP_P_STRING("rule", "Combining rule",
                 "How the sources' holders of a settlement are combined: 'majority' (a "
                 "tie is 'disputed'), 'majority:SOURCE' (a tie goes to SOURCE's holder) "
                 "or 'priority:SOURCE,SOURCE,...' (the first listed source that names a "
                 "holder). 'unknown' never votes.",
                 "majority", FL_PARAM_OPTIONAL),
    FLP_P_SIDE_FIELD("control"),
    FLP_P_SIDE_MAP,
    FLP_P_MIN_AREA,
    FLP_P_OTHER_SIDE,
    FLP_P_AOI,
    FLP_P_DATE_TOLERANCE,
    FLP_P_SOURCE_FIELD("control"),
    FLP_P_DATE_FIELD("control"),
    FLP_P_SOURCE_FILTER,
    FLP_P_DATE_FILTER,
    FLP_P_OUTPUT_FILE("File to write the comparison to: .gpkg or .sqlite, each result its own "
                      "layer: 'disagreement', with settlements 'settlement_agreement', with "
                      "claims 'claims' (a .geojson holds one layer and is refused).",
                      layer_names),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static fl_status keep(flp_run *r, fl_status st, fl_layer *l, fl_layer **out, size_t *n) {
  if (st) return flp_fail_ctx(r, st, "compare-claims");
  if ((st = flp_own(r, l))) return st;
  out[(*n)++] = l;
  return FL_OK;
}

static void summarise(flp_run *r, fl_layer *const *out, size_t n) {
  const fl_layer *dis = out[0];
  flp_say(r, "%zu disagreement polygon%s (layer disagreement) written to %s.", dis->n_features,
          dis->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  double total = flp_sum_field(dis, "area_km2");
  if (isfinite(total)) flp_say(r, "Ground on which paired sources disagree: %.3f km².", total);
  flp_json_int(r, "features", (long long)dis->n_features);
  flp_json_num(r, "disagreement_km2", total);
  static const char *const fields[] = {"source_a", "side_a", "date_a", "source_b", "side_b",
                                       "date_b", "area_km2", NULL};
  flp_json_rows(r, "disagreement", dis, fields, 200);
  for (size_t k = 1; k < n; k++) {
    flp_say(r, "%zu row%s (layer %s).", out[k]->n_features, out[k]->n_features == 1 ? "" : "s",
            out[k]->name);
    flp_json_int(r, out[k]->name, (long long)out[k]->n_features);
  }
}

static fl_status run(flp_run *r) {
  fl_layer *control, *aoi, *settlements, *claims, *res, *out[3];
  size_t n = 0;
  fl_options o;
  fl_status st;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "control", &control))) return st;
  if ((st = flp_load(r, "aoi", &aoi))) return st;
  if ((st = flp_load(r, "settlements", &settlements))) return st;
  if ((st = flp_load(r, "claims", &claims))) return st;
  if ((st = flp_require_field(r, "side_field", control))) return st;
  flp_options(r, &o);
  o.aoi = aoi;

  if ((st = flp_stage(r, "comparing the sources", 0.1, 0.6))) return st;
  fl_ctx_clear_error(r->ctx);
  res = NULL;
  st = fl_disagreement(r->ctx, control, &o, &res);
  if ((st = keep(r, st, res, out, &n))) return st;
  if (settlements) {
    if ((st = flp_stage(r, "comparing the settlements", 0.6, 0.8))) return st;
    fl_ctx_clear_error(r->ctx);
    res = NULL;
    st = fl_settlement_agreement(r->ctx, settlements, control, &o, flp_arg_text(r, "rule"), &res);
    if ((st = keep(r, st, res, out, &n))) return st;
  }
  if (claims) {
    if ((st = flp_stage(r, "checking the claims", 0.8, 0.9))) return st;
    fl_claims_fields cf = {flp_arg_text(r, "claim_settlement_field"),
                           flp_arg_text(r, "claim_side_field"),
                           flp_arg_text(r, "claim_date_field"), flp_arg_text(r, "claimant_field")};
    fl_ctx_clear_error(r->ctx);
    res = NULL;
    st = fl_claims_check(r->ctx, claims, &cf, settlements, control, &o,
                         flp_arg_text(r, "reference"), &res);
    if ((st = keep(r, st, res, out, &n))) return st;
  } else if (flp_arg_text(r, "reference")) {
    return flp_fail(r, FL_E_ARG, "@{reference} is given without @{claims}; it names the source "
                    "the claims are checked against");
  }
  if ((st = flp_write(r, out, n, NULL))) return st;
  summarise(r, out, n);
  return FL_OK;
}

const flp_tool flp_tool_compare_claims = {
    {.id = "compare-claims",
     .title = "Compare claims",
     .group = "Front",
     .help = "Where do the sources disagree, and how do claims hold up? Pairs the dates "
             "of the sources of a control layer (within the date tolerance) and writes "
             "the ground on which they name different sides (disagreement: source_a, "
             "side_a, date_a, source_b, side_b, date_b, area_km2); with settlements, "
             "each source's holder of each settlement and a combined holder by a rule "
             "(settlement_agreement); with a claims layer, each claim checked against "
             "a reference source: confirmed, not_confirmed or contradicted (claims).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
