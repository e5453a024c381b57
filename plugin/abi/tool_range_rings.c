/*
 * tool_range_rings.c - the `range-rings` tool: what lies within range of
 * given positions (DESIGN.md question 9).
 *
 * Reads point positions (and optionally a weapons table), calls
 * fl_range_rings() and writes the layer `range_rings` (and `range_radials`
 * when radials are asked for). Where the ranges come from is core's rule
 * (RR1 in core/range_rings.c).
 * Not here: the ring geometry (core/range_rings.c).
 */
#include <stdio.h>

#include "plugin_internal.h"

static const fl_param_desc params[] = {
    FLP_P_LAYER("positions", "Positions",
                "Point layer of the positions the rings are drawn around (firing positions, "
                "observation posts). Accepts points.",
                FL_GEOM_POINT, 0),
    {.name = "distances", .title = "Ring distances",
     .help = "Outer range of each ring, in metres on the WGS84 ellipsoid, comma-separated "
             "and strictly increasing: \"5000,10000\" gives the rings 0-5 km and 5-10 km. "
             "Used when neither max_field nor weapons is given.",
     .type = FL_PARAM_DISTANCES, .flags = FL_PARAM_OPTIONAL, .unit = "m",
     .default_text = FLP_DEFAULT_DISTANCES, .min_value = 0.0, .max_value = 1e7,
     .enum_values = NULL, .parent = NULL, .geometry = 0, .reserved = 0},
    FLP_P_FIELD("min_field", "Minimum range field",
                "Field of the positions with each one's minimum range in metres (NULL: 0). "
                "Used with max_field.",
                "positions", NULL, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("max_field", "Maximum range field",
                "Field of the positions with each one's maximum range in metres. Turns on "
                "per-position ranges.",
                "positions", NULL, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("interval_field", "Interval field",
                "Field of the positions with the spacing of rings between the minimum and "
                "maximum range, in metres (NULL or 0: one ring).",
                "positions", NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_LAYER("weapons", "Weapons table",
                "Table of weapons (fields name, min_m, max_m): each position gets one ring per "
                "row whose name equals its weapon field. Accepts any geometry, or none.",
                FL_GEOM_ANY, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("weapon_field", "Weapon field",
                "Field of the positions naming the weapon to look up in the weapons table.",
                "positions", "weapon", FL_PARAM_OPTIONAL),
    FLP_P_FIELD("weapons_name_field", "Weapon name field",
                "Field of the weapons table with the weapon's name.", "weapons", "name",
                FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("weapons_min_field", "Weapon minimum range field",
                "Field of the weapons table with the minimum range in metres (NULL: 0).",
                "weapons", "min_m", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("weapons_max_field", "Weapon maximum range field",
                "Field of the weapons table with the maximum range in metres.", "weapons",
                "max_m", FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_NUMBER("bearing_start", "Sector start bearing",
                 "Start of the sector, degrees clockwise from north. Equal to the end bearing "
                 "(the default): full rings.",
                 "deg", "0", -360.0, 360.0, FL_PARAM_OPTIONAL),
    FLP_P_NUMBER("bearing_end", "Sector end bearing",
                 "End of the sector, degrees clockwise from north; the sector runs clockwise "
                 "from start to end.",
                 "deg", "0", -360.0, 360.0, FL_PARAM_OPTIONAL),
    FLP_P_FIELD("bearing_start_field", "Sector start field",
                "Field of the positions with each one's sector start bearing (NULL: "
                "bearing_start).",
                "positions", NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_FIELD("bearing_end_field", "Sector end field",
                "Field of the positions with each one's sector end bearing (NULL: "
                "bearing_end).",
                "positions", NULL, FL_PARAM_OPTIONAL | FL_PARAM_ADVANCED),
    FLP_P_NUMBER("radials", "Radials",
                 "Number of radial lines from each position out to its largest range "
                 "(written to the layer range_radials); 0: none.",
                 "", "0", 0.0, 360.0, FL_PARAM_OPTIONAL),
    FLP_P_NAME_FIELD("positions", "position"),
    FLP_P_OUTPUT("the rings (layer 'range_rings') and radials (layer 'range_radials')"),
    FLP_P_OVERWRITE,
    FLP_P_OUTPUT_FORMAT,
    FLP_P_OPEN_OPTIONS,
};

static void fill_opts(flp_run *r, fl_range_rings_opts *o) {
  const flp_arg *a;
  const char *s;
  fl_range_rings_opts_init(o);
  if ((a = flp_arg_get(r, "distances")) && a->present) {
    o->dist_m = a->dist;
    o->n_dist = a->n_dist;
  }
  o->min_field = flp_arg_text(r, "min_field");
  o->max_field = flp_arg_text(r, "max_field");
  o->interval_field = flp_arg_text(r, "interval_field");
  o->bearing_start_field = flp_arg_text(r, "bearing_start_field");
  o->bearing_end_field = flp_arg_text(r, "bearing_end_field");
  o->bearing_start = flp_arg_num(r, "bearing_start", 0.0);
  o->bearing_end = flp_arg_num(r, "bearing_end", 0.0);
  o->n_radials = (int)flp_arg_num(r, "radials", 0.0);
  if ((s = flp_arg_text(r, "weapon_field"))) o->weapon_field = s;
  if ((s = flp_arg_text(r, "weapons_name_field"))) o->weapons_name_field = s;
  if ((s = flp_arg_text(r, "weapons_min_field"))) o->weapons_min_field = s;
  if ((s = flp_arg_text(r, "weapons_max_field"))) o->weapons_max_field = s;
  if ((s = flp_arg_text(r, "name_field"))) o->name_field = s;
}

static fl_status run(flp_run *r) {
  fl_layer *pos, *weapons, *out[2] = {NULL, NULL};
  fl_range_rings_opts o;
  fl_status st;

  if ((st = flp_stage(r, "reading inputs", 0.0, 0.1))) return st;
  if ((st = flp_load(r, "positions", &pos))) return st;
  if ((st = flp_load(r, "weapons", &weapons))) return st;
  fill_opts(r, &o);
  o.weapons = weapons;
  if ((st = flp_stage(r, "drawing rings", 0.1, 0.9))) return st;
  fl_ctx_clear_error(r->ctx);
  st = fl_range_rings(r->ctx, pos, &o, &out[0], &out[1]);
  if (st) return flp_fail_ctx(r, st, "range rings");
  if ((st = flp_own(r, out[0])) || (st = flp_own(r, out[1]))) return st;
  if ((st = flp_write(r, out, out[1] ? 2 : 1, out[1] ? NULL : "range_rings"))) return st;

  flp_say(r, "%zu ring%s around %zu position%s written to %s (layer range_rings).",
          out[0]->n_features, out[0]->n_features == 1 ? "" : "s", pos->n_features,
          pos->n_features == 1 ? "" : "s", flp_arg_text(r, "output"));
  if (out[1]) flp_say(r, "%zu radials (layer range_radials).", out[1]->n_features);
  static const char *const fields[] = {"position_fid", "name",    "ring",     "weapon",
                                       "inner_m",      "outer_m", "area_km2", NULL};
  flp_json_int(r, "features", (long long)out[0]->n_features);
  flp_json_int(r, "radials", out[1] ? (long long)out[1]->n_features : 0);
  flp_json_rows(r, "rings", out[0], fields, 200);
  return FL_OK;
}

const flp_tool flp_tool_range_rings = {
    {.id = "range-rings",
     .title = "Range rings",
     .group = "Elevation and range",
     .help = "What lies within range of these positions? Draws geodesic range rings and fans "
             "around points on the WGS84 ellipsoid: constant ranges, per-position minimum and "
             "maximum ranges (with an interval and a bearing sector), or the ranges of a "
             "weapons table joined by a field; optionally radials. Writes one polygon per ring "
             "(fields position_fid, name, ring, weapon, inner_m, outer_m, bearing_start, "
             "bearing_end, area_km2).",
     .params = params,
     .n_params = (int32_t)(sizeof params / sizeof params[0]),
     .reserved = 0},
    run,
};
