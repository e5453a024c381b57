/*
 * check_control_data.c - control data as analysts get it (issue 10): side
 * maps, holes and islands, one-sided sources, rows keyed by feature, dates
 * that differ by source. Small layers whose answers follow by hand; geodesic
 * figures from pyproj (tests/oracles/analysis_oracle.py and the comments).
 *
 * Fixture strip: lat 48.0-48.5; the meridian arc 48.0-48.5 is 55597.59 m.
 */
#include "control_fixture.h"

/* DeepStateMap's classes: two values are one side, the seam between them
 * (37.75 E) is no front; the line is the 37.5 meridian minus 1.5 x snap at
 * each end (F2), as with one polygon per side. */
START_TEST(test_side_map_several_values_per_side) {
  fl_layer *ctl = fl_layer_new("raw", 4326, "POLYGON");
  fl_layer_add_field(ctl, "status", FL_FIELD_TEXT);
  add_text(ctl, BOX(37.0, 37.5), "status", "liberated");
  add_text(ctl, BOX(37.5, 37.75), "status", "occupied");
  add_text(ctl, BOX(37.75, 38.0), "status", "occupied_before_2022");
  fl_options o;
  fl_options_init(&o);
  o.side_field = "status";
  o.side_map = " occupied , occupied_before_2022 = RU ; Liberated=UA";
  fl_layer *out = NULL;
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 1);
  ck_assert_str_eq(txt(out, &out->features[0], "side_a"), "RU");
  ck_assert_str_eq(txt(out, &out->features[0], "side_b"), "UA");
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 55597.59 - 1500.0, 30.0, "m");
  double x1;
  GEOSGeom_getXMax_r(h, out->features[0].geom, &x1);
  ck_assert_msg(x1 < 37.5001, "a front along the seam at 37.75 E (x max %f)", x1);
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* (M4): values the map does not name are listed with their counts. */
START_TEST(test_side_map_unnamed_values_listed) {
  fl_layer *ctl = fl_layer_new("raw", 4326, "POLYGON");
  fl_layer_add_field(ctl, "status", FL_FIELD_TEXT);
  add_text(ctl, BOX(37.0, 37.5), "status", "liberated");
  add_text(ctl, BOX(37.5, 37.75), "status", "occupied");
  add_text(ctl, BOX(37.75, 37.8), "status", "unknown status");
  add_text(ctl, BOX(37.8, 37.9), "status", "unknown status");
  fl_options o;
  fl_options_init(&o);
  o.side_field = "status";
  o.side_map = "occupied=RU";
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_frontline(ctx, ctl, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "'liberated' (1 feature)");
  FL_ASSERT_MSG_HAS(ctx, "'unknown status' (2 features)");
  FL_ASSERT_MSG_HAS(ctx, "side_map");
  o.side_map = "occupied=RU;occupied=UA";
  ck_assert_int_eq(fl_frontline(ctx, ctl, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "maps 'occupied' to both 'RU' and 'UA'");
  o.side_map = "occupied";
  ck_assert_int_eq(fl_frontline(ctx, ctl, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "has no '=SIDE'");
  ck_assert_ptr_null(out);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* A numeric side field maps like text; "contested" makes grey ground on
 * which a settlement is contested. */
START_TEST(test_side_map_numeric_and_contested) {
  fl_layer *ctl = fl_layer_new("codes", 4326, "POLYGON");
  int code = fl_layer_add_field(ctl, "code", FL_FIELD_INTEGER);
  fl_feature_set_int(ctl, add(ctl, BOX(37.0, 37.5)), code, 1);
  fl_feature_set_int(ctl, add(ctl, BOX(37.5, 37.6)), code, 3);
  fl_feature_set_int(ctl, add(ctl, BOX(37.6, 38.0)), code, 2);
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.55 48.25)", "name", "grey");
  add_text(st, "POINT(37.8 48.25)", "name", "east");
  fl_options o;
  fl_options_init(&o);
  o.side_field = "code";
  o.side_map = "1=UA;2=RU;3=contested";
  o.skip_front_distance = 1;
  fl_layer *out = NULL;
  ck_assert_msg(fl_settlement_status(ctx, st, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 2);
  ck_assert_str_eq(txt(out, &out->features[0], "status"), "contested");
  ck_assert_str_eq(txt(out, &out->features[1], "side"), "RU");
  ck_assert_str_eq(txt(out, &out->features[1], "status"), "held");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST


/* Regression (issue 10, item 1: a phantom front around a hole): RU holds
 * 37.5-38.0 E with a 743 m2 hole (pyproj) at 37.8 E, 48.25 N, as the
 * DeepStateMap layer of 2025-03-08 does, and a strip 37.0-37.01 (so the
 * one-sided data's bounding box reaches 37.0). A place 70 m east of the hole is
 * 22353.44 m from the real front, the 37.5 meridian (pyproj, minimised over
 * the meridian); with holes kept (min_area_km2 0) it is next to the hole. */
START_TEST(test_small_hole_is_no_front) {
  fl_layer *ctl = fl_layer_new("occupied", 4326, "POLYGON");
  fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  add_text(ctl, "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0),"
                "(37.8 48.25, 37.8003 48.25, 37.8003 48.2503, 37.8 48.2503, 37.8 48.25))",
           "side", "RU");
  add_text(ctl, BOX(37.0, 37.01), "side", "RU");
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.801 48.25)", "name", "near the hole");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_msg(fl_settlement_status(ctx, st, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  FL_ASSERT_NEAR(real(out, &out->features[0], "dist_to_front_m"), 22353.44, FL_TOL_M(22353.44), "m");
  ck_assert_msg(has_warning("closed 1 hole below min_area_km2 (0.01 km2): 0.000743 km2 in all"),
                "no warning for the closed hole (%zu warnings)", fl_ctx_warning_count(ctx));
  ck_assert(has_warning("at 37.80015 E, 48.25015 N"));
  fl_layer_destroy(ctx, out);
  fl_ctx_clear_warnings(ctx);
  o.min_area_km2 = 0; /* the old behaviour: a front around the hole */
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_double_lt(real(out, &out->features[0], "dist_to_front_m"), 100.0);
  ck_assert_uint_eq(fl_ctx_warning_count(ctx), 0);
  fl_layer_destroy(ctx, out);
  o.min_area_km2 = -1;
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "min_area_km2 must be");
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* (H2): a 743 m2 RU island inside UA ground is dropped: no front around
 * it; the front is the 37.5 meridian alone (minus 2 x 750 m, F2). */
START_TEST(test_small_island_dropped) {
  fl_layer *ctl = fl_layer_new("control", 4326, "POLYGON");
  fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  add_text(ctl, BOX(37.0, 37.5), "side", "UA");
  add_text(ctl, "MULTIPOLYGON(((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0)),"
                "((37.2 48.25, 37.2003 48.25, 37.2003 48.2503, 37.2 48.2503, 37.2 48.25)))",
           "side", "RU");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 55597.59 - 1500.0, 30.0, "m");
  ck_assert(has_warning("RU ground: dropped 1 island below"));
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

static fl_layer *aoi_layer(const char *wkt) {
  fl_layer *l = fl_layer_new("aoi", 4326, "POLYGON");
  add(l, wkt);
  return l;
}

/* One-sided source (O1) (O2) (F5): RU holds 37.5-38.0 with the 743 m2 hole;
 * the area of interest is 37.0-38.0. UA holds the rest of it; the front is
 * the whole 37.5 meridian, 55597.59 m (pyproj), up to the edge (within 1 m
 * at each end) and never along it; no front around the hole; a place west
 * is UA's, one east of the area of interest nobody's. */
START_TEST(test_one_sided_source_with_aoi) {
  fl_layer *ctl = fl_layer_new("occupied", 4326, "POLYGON");
  fl_layer_add_field(ctl, "status", FL_FIELD_TEXT);
  add_text(ctl, "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0),"
                "(37.8 48.25, 37.8003 48.25, 37.8003 48.2503, 37.8 48.2503, 37.8 48.25))",
           "status", "occupied");
  fl_layer *aoi = aoi_layer(BOX(37.0, 38.0));
  fl_options o;
  fl_options_init(&o);
  o.side_field = "status";
  o.side_map = "occupied=RU";
  o.other_side = "UA";
  o.aoi = aoi;
  fl_layer *out = NULL;
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 1);
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 55597.59 - 1.0, 1.5, "m");
  ck_assert_str_eq(txt(out, &out->features[0], "side_a"), "RU");
  ck_assert_str_eq(txt(out, &out->features[0], "side_b"), "UA");
  double x0, x1;
  GEOSGeom_getXMin_r(h, out->features[0].geom, &x0);
  GEOSGeom_getXMax_r(h, out->features[0].geom, &x1);
  ck_assert_msg(x0 > 37.4999 && x1 < 37.5001, "front off the meridian: %f..%f", x0, x1);
  ck_assert(!has_warning("no aoi given"));
  fl_layer_destroy(ctx, out);

  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.2 48.25)", "name", "west");
  add_text(st, "POINT(38.5 48.25)", "name", "outside");
  add_text(st, "POINT(37.801 48.25)", "name", "near the hole");
  ck_assert_msg(fl_settlement_status(ctx, st, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_str_eq(txt(out, &out->features[0], "side"), "UA");
  ck_assert_str_eq(txt(out, &out->features[0], "status"), "held");
  ck_assert_ptr_null(txt(out, &out->features[1], "side"));
  ck_assert_str_eq(txt(out, &out->features[1], "status"), "unknown");
  ck_assert_str_eq(txt(out, &out->features[2], "side"), "RU");
  FL_ASSERT_NEAR(real(out, &out->features[2], "dist_to_front_m"), 22353.44, FL_TOL_M(22353.44), "m");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, st);
  o.other_side = NULL; /* an area of interest needs the other side */
  ck_assert_int_eq(fl_frontline(ctx, ctl, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "aoi is given without other_side");
  fl_layer_destroy(ctx, aoi);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* Regression (issue 10, item 2): without an area of interest, only
 * boundary along a straight clip line of the data (its bounding box,
 * within 1 m) is dropped, with a warning. RU holds 37.5-38.0 E less the
 * triangle west of the line (37.5, 48.0)-(37.75, 48.5): that line is the
 * whole front, 58615.61 m (pyproj, along the lon/lat straight line), less
 * the 1 m zone along the box where it meets it: 1/sin(71.5 deg) = 1.05 m at
 * the top, and 3.15 m at the corner (37.5, 48.0), where it leaves the
 * meridian side at 18.5 deg. */
START_TEST(test_one_sided_source_without_aoi) {
  fl_layer *ctl = fl_layer_new("occupied", 4326, "POLYGON");
  fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  add_text(ctl, "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.75 48.5, 37.5 48.0))", "side", "RU");
  fl_options o;
  fl_options_init(&o);
  o.other_side = "UA";
  fl_layer *out = NULL;
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 58615.61 - 4.2, 0.5, "m");
  ck_assert(has_warning("no aoi given"));
  fl_layer_destroy(ctx, out);
  fl_ctx_clear_warnings(ctx);
  o.other_side = NULL; /* one side, no other: the same line (F3), no warning */
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 58615.61 - 4.2, 0.5, "m");
  ck_assert(!has_warning("no aoi given"));
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

static fl_layer *two_sides(void) {
  fl_layer *ctl = fl_layer_new("control", 4326, "POLYGON");
  fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  add_text(ctl, BOX(37.0, 37.5), "side", "UA");
  add_text(ctl, BOX(37.5, 38.0), "side", "RU");
  return ctl;
}

static char *report_of(const fl_layer *st, const fl_layer *ctl, const fl_options *o) {
  fl_analyze_input in = {.settlements = st, .control = ctl};
  fl_analyze_result res;
  ck_assert_msg(fl_analyze(ctx, &in, o, 0, &res) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  char *r = strdup(res.report);
  fl_analyze_result_free(ctx, &res);
  return r;
}

/* The report line of the row whose text starts with `name`, n-th match. */
static const char *line_of(const char *report, const char *name, int nth) {
  static char line[512];
  const char *p = report;
  size_t len = strlen(name);
  while ((p = strstr(p, name))) {
    if ((p == report || p[-1] == '\n') && nth-- == 0) {
      size_t n = strcspn(p, "\n");
      snprintf(line, sizeof line, "%.*s", (int)n, p);
      return line;
    }
    p += len;
  }
  ck_abort_msg("no line %s in:\n%s", name, report);
  return NULL;
}

/* Regression (issue 10, item 5): three places named Shevchenko print their
 * own holder and distance: 7.4 km RU, 22.3 km UA, 29.7 km RU (pyproj:
 * 7426.41, 22279.17, 29705.50 m to the 37.5 meridian). */
START_TEST(test_report_rows_are_features_not_names) {
  fl_layer *ctl = two_sides();
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.6 48.25)", "name", "Shevchenko");
  add_text(st, "POINT(37.2 48.25)", "name", "Shevchenko");
  add_text(st, "POINT(37.9 48.25)", "name", "Shevchenko");
  fl_options o;
  fl_options_init(&o);
  char *r = report_of(st, ctl, &o);
  ck_assert_msg(strstr(line_of(r, "Shevchenko", 0), "RU held, 7.4 km"), "%s", r);
  ck_assert_msg(strstr(line_of(r, "Shevchenko", 1), "UA held, 22.3 km"), "%s", r);
  ck_assert_msg(strstr(line_of(r, "Shevchenko", 2), "RU held, 29.7 km"), "%s", r);
  free(r);
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* Regression (issue 10, item 5): a numeric name field prints each row's own
 * values (a shared formatting buffer printed the first row's); without a
 * name field, rows show the feature id, with a warning. */
START_TEST(test_report_numeric_and_missing_names) {
  fl_layer *ctl = two_sides();
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  int code = fl_layer_add_field(st, "code", FL_FIELD_INTEGER);
  fl_feature_set_int(st, add(st, "POINT(37.6 48.25)"), code, 101);
  fl_feature_set_int(st, add(st, "POINT(37.2 48.25)"), code, 202);
  fl_options o;
  fl_options_init(&o);
  o.name_field = "code";
  char *r = report_of(st, ctl, &o);
  ck_assert_msg(strstr(line_of(r, "101", 0), "RU held, 7.4 km"), "%s", r);
  ck_assert_msg(strstr(line_of(r, "202", 0), "UA held, 22.3 km"), "%s", r);
  free(r);
  o.name_field = "name"; /* absent */
  r = report_of(st, ctl, &o);
  ck_assert_msg(strstr(line_of(r, "#1", 0), "RU held, 7.4 km"), "%s", r);
  ck_assert_msg(strstr(line_of(r, "#2", 0), "UA held, 22.3 km"), "%s", r);
  ck_assert(has_warning("settlements layer has no field 'name' (name_field)"));
  free(r);
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* Regression (issue 10, item 4): ISW of 2024-11-03 and DeepStateMap of
 * 2024-11-07 are paired with a 4-day tolerance: one section, each column
 * with its source and date, and sources_agree set; with no tolerance, two
 * sections, none of them empty. */
START_TEST(test_dates_paired_within_tolerance) {
  fl_layer *ctl = fl_layer_new("control", 4326, "POLYGON");
  fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  fl_layer_add_field(ctl, "source", FL_FIELD_TEXT);
  fl_layer_add_field(ctl, "date", FL_FIELD_TEXT);
  const char *claims[][3] = {{"ISW", "2024/11/03", "37.5"}, {"DeepStateMap", "2024-11-07", "37.4"}};
  for (int c = 0; c < 2; c++) {
    char ua[256], ru[256];
    snprintf(ua, sizeof ua, "POLYGON((37.0 48.0, %s 48.0, %s 48.5, 37.0 48.5, 37.0 48.0))",
             claims[c][2], claims[c][2]);
    snprintf(ru, sizeof ru, "POLYGON((%s 48.0, 38.0 48.0, 38.0 48.5, %s 48.5, %s 48.0))",
             claims[c][2], claims[c][2], claims[c][2]);
    fl_feature *f = add_text(ctl, ua, "side", "UA");
    fl_feature_set_text(ctl, f, 1, claims[c][0]);
    fl_feature_set_text(ctl, f, 2, claims[c][1]);
    f = add_text(ctl, ru, "side", "RU");
    fl_feature_set_text(ctl, f, 1, claims[c][0]);
    fl_feature_set_text(ctl, f, 2, claims[c][1]);
  }
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.45 48.25)", "name", "Between");
  add_text(st, "POINT(37.9 48.25)", "name", "East");
  fl_options o;
  fl_options_init(&o);
  o.date_tolerance_days = 4;
  char *r = report_of(st, ctl, &o);
  ck_assert_msg(strstr(r, "2024-11-07 DeepStateMap") && strstr(r, "2024/11/03 ISW"), "%s", r);
  ck_assert_msg(strstr(line_of(r, "Between", 0), "NO"), "%s", r);   /* UA by ISW, RU by DSM */
  ck_assert_msg(strstr(line_of(r, "East", 0), "yes"), "%s", r);
  ck_assert_msg(!strstr(r, "AS OF 2024/11/03"), "a second section:\n%s", r);
  free(r);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_int_eq((int)real(out, &out->features[0], "sources_agree"), 0);
  ck_assert_msg(strstr(txt(out, &out->features[0], "claims"), "ISW 2024/11/03: UA held"), "%s",
                txt(out, &out->features[0], "claims"));
  ck_assert_int_eq((int)real(out, &out->features[0], "settlement_fid"), 1);
  fl_layer_destroy(ctx, out);
  o.date_tolerance_days = 0;
  r = report_of(st, ctl, &o);
  ck_assert_msg(strstr(r, "AS OF 2024/11/03") && strstr(r, "AS OF 2024-11-07"), "%s", r);
  ck_assert_uint_eq(strlen(line_of(r, "East", 1)) > 0, 1); /* the second section has rows */
  free(r);
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* Regression (issue 10, item 7): with held_by RU, routes on RU ground were
 * counted at distance 0. on_side UA measures only UA's routes, or their
 * parts on UA ground: a road 37.2-37.8 E along 48.25 N keeps its part west
 * of the front, 22279.21 m (pyproj), 5 km of it within 5 km of RU ground
 * (a parallel meets the meridian square-on); a road wholly on RU ground has
 * no row. */
START_TEST(test_route_exposure_on_side) {
  fl_layer *ctl = two_sides();
  fl_layer *routes = fl_layer_new("routes", 4326, "LINESTRING");
  fl_layer_add_field(routes, "name", FL_FIELD_TEXT);
  add_text(routes, "LINESTRING(37.2 48.25, 37.8 48.25)", "name", "crossing");
  add_text(routes, "LINESTRING(37.7 48.1, 37.9 48.4)", "name", "RU road");
  fl_options o;
  fl_options_init(&o);
  o.held_by = "RU";
  fl_layer *out = NULL;
  ck_assert_msg(fl_route_exposure(ctx, routes, NULL, ctl, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 2); /* held_by alone: both, the RU road at 0 */
  ck_assert_double_eq(real(out, &out->features[1], "min_dist_to_ground_m"), 0.0);
  fl_layer_destroy(ctx, out);
  o.on_side = "UA";
  ck_assert_msg(fl_route_exposure(ctx, routes, NULL, ctl, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 1);
  ck_assert_str_eq(txt(out, &out->features[0], "name"), "crossing");
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 22279.21, FL_TOL_M(22279.21), "m");
  FL_ASSERT_NEAR(real(out, &out->features[0], "km_0_5000") * 1000, 5000.0, 5.0, "m");
  fl_layer_destroy(ctx, out);
  o.on_side = "XX";
  ck_assert_int_eq(fl_route_exposure(ctx, routes, NULL, ctl, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "no ground of side 'XX'");
  o.held_by = NULL;
  o.on_side = "UA";
  fl_layer *front = fl_layer_new("front", 4326, "LINESTRING");
  add(front, "LINESTRING(37.5 48.0, 37.5 48.5)");
  ck_assert_int_eq(fl_route_exposure(ctx, routes, front, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "on_side 'UA' needs a control layer");
  fl_layer_destroy(ctx, front);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* Grey zones (G1)-(G3), regression for issue 10, item 3: UA holds
 * 37.0-37.4 E, a grey zone 37.4-37.6 (mapped to contested), RU 37.6-38.0.
 * frontline writes both edges, marked, each the meridian arc less 2 x 750 m
 * (F2); a place in the zone is contested at 0 m; places on either side
 * measure to their own edge: 14852.80 m from 37.4 and 22279.17 m from 37.6
 * (pyproj, minimised over the meridian). */
START_TEST(test_grey_zone_edges) {
  fl_layer *ctl = fl_layer_new("raw", 4326, "POLYGON");
  fl_layer_add_field(ctl, "status", FL_FIELD_TEXT);
  add_text(ctl, BOX(37.0, 37.4), "status", "liberated");
  add_text(ctl, BOX(37.4, 37.6), "status", "unknown status");
  add_text(ctl, BOX(37.6, 37.8), "status", "occupied");
  add_text(ctl, BOX(37.8, 38.0), "status", "CADR and CALR");
  fl_options o;
  fl_options_init(&o);
  o.side_field = "status";
  o.side_map = "occupied,CADR and CALR=RU;liberated=UA;unknown status=contested";
  fl_layer *out = NULL;
  ck_assert_msg(fl_frontline(ctx, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 2);
  for (size_t k = 0; k < 2; k++) {
    const char *edge = txt(out, &out->features[k], "edge");
    double want_x = strcmp(edge, "RU") == 0 ? 37.6 : 37.4, x0, x1;
    ck_assert_msg(!strcmp(edge, "RU") || !strcmp(edge, "UA"), "edge %s", edge);
    FL_ASSERT_NEAR(real(out, &out->features[k], "length_km") * 1000, 55597.59 - 1500.0, 30.0, "m");
    GEOSGeom_getXMin_r(h, out->features[k].geom, &x0);
    GEOSGeom_getXMax_r(h, out->features[k].geom, &x1);
    ck_assert_msg(fabs(x0 - want_x) < 1e-4 && fabs(x1 - want_x) < 1e-4, "edge %s at %f..%f", edge, x0, x1);
  }
  ck_assert_str_ne(txt(out, &out->features[0], "edge"), txt(out, &out->features[1], "edge"));
  fl_layer_destroy(ctx, out);
  fl_layer *st = fl_layer_new("places", 4326, "POINT");
  fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  add_text(st, "POINT(37.5 48.25)", "name", "grey");
  add_text(st, "POINT(37.2 48.25)", "name", "west");
  add_text(st, "POINT(37.9 48.25)", "name", "east");
  ck_assert_msg(fl_settlement_status(ctx, st, ctl, NULL, &o, &out) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  ck_assert_str_eq(txt(out, &out->features[0], "status"), "contested");
  ck_assert_double_eq(real(out, &out->features[0], "dist_to_front_m"), 0.0);
  ck_assert_str_eq(txt(out, &out->features[1], "side"), "UA");
  FL_ASSERT_NEAR(real(out, &out->features[1], "dist_to_front_m"), 14852.80, FL_TOL_M(14852.80), "m");
  ck_assert_str_eq(txt(out, &out->features[2], "side"), "RU");
  FL_ASSERT_NEAR(real(out, &out->features[2], "dist_to_front_m"), 22279.17, FL_TOL_M(22279.17), "m");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, st);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

int main(void) {
  Suite *s = suite_create("control_data");
  TCase *tc = tcase_create("control_data");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_side_map_several_values_per_side);
  tcase_add_test(tc, test_side_map_unnamed_values_listed);
  tcase_add_test(tc, test_side_map_numeric_and_contested);
  tcase_add_test(tc, test_small_hole_is_no_front);
  tcase_add_test(tc, test_small_island_dropped);
  tcase_add_test(tc, test_one_sided_source_with_aoi);
  tcase_add_test(tc, test_one_sided_source_without_aoi);
  tcase_add_test(tc, test_report_rows_are_features_not_names);
  tcase_add_test(tc, test_report_numeric_and_missing_names);
  tcase_add_test(tc, test_dates_paired_within_tolerance);
  tcase_add_test(tc, test_route_exposure_on_side);
  tcase_add_test(tc, test_grey_zone_edges);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
