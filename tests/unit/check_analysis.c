/*
 * check_analysis.c - the analyses on small layers whose answers can be
 * reasoned out by hand, with the geodesic figures from
 * tests/oracles/analysis_oracle.py (pyproj, WGS84).
 *
 * Fixture: UA holds lon 37.0-37.5, RU holds 37.5-38.0, both lat 48.0-48.5;
 * the line of contact is the meridian 37.5 E.
 */
#include "fl_test.h"

static fl_ctx *ctx;
static GEOSContextHandle_t h;

static void setup(void) {
  ctx = fl_ctx_create();
  h = fl_ctx_geos(ctx);
  fl_ctx_set_threads(ctx, 2);
}

static void teardown(void) { fl_ctx_destroy(ctx); }

static fl_feature *add(fl_layer *l, const char *wkt) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(f);
  return f;
}

static fl_layer *control_layer(const char *ua_wkt, const char *ru_wkt) {
  fl_layer *l = fl_layer_new("control", 4326, "POLYGON");
  int side = fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_feature_set_text(l, add(l, ua_wkt), side, "UA");
  fl_feature_set_text(l, add(l, ru_wkt), side, "RU");
  return l;
}

static fl_layer *standard_control(void) {
  return control_layer("POLYGON((37.0 48.0, 37.5 48.0, 37.5 48.5, 37.0 48.5, 37.0 48.0))",
                       "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0))");
}

static const fl_feature *find(const fl_layer *l, const char *field, const char *value) {
  int i = fl_layer_field_index(l, field);
  ck_assert_int_ge(i, 0);
  for (size_t k = 0; k < l->n_features; k++)
    if (!l->features[k].values[i].is_null && !strcmp(fl_value_text(l, &l->features[k], i), value))
      return &l->features[k];
  ck_abort_msg("no feature with %s = %s", field, value);
  return NULL;
}

static double real(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  ck_assert_msg(!f->values[i].is_null, "field %s is NULL", field);
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

static const char *txt(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return f->values[i].is_null ? NULL : fl_value_text(l, f, i);
}

/* (F1) (F2): a 55.6 km shared edge, with a 74 m gap (0.001 deg at 48 N)
 * between the layers; the line is the edge minus 1.5 x snap at each end. */
START_TEST(test_frontline_two_sides_with_gap) {
  fl_layer *ctl = control_layer("POLYGON((37.0 48.0, 37.5 48.0, 37.5 48.5, 37.0 48.5, 37.0 48.0))",
                                "POLYGON((37.501 48.0, 38.0 48.0, 38.0 48.5, 37.501 48.5, 37.501 48.0))");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_frontline(ctx, ctl, NULL, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 1);
  /* meridian arc 48.0-48.5 = 55597.59 m (pyproj) minus 2 x 750 m trimmed */
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 55597.59 - 1500.0, 30.0, "m");
  ck_assert_str_eq(txt(out, &out->features[0], "side_a"), "RU");
  ck_assert_str_eq(txt(out, &out->features[0], "side_b"), "UA");
  double x0, x1;
  GEOSGeom_getXMin_r(h, out->features[0].geom, &x0);
  GEOSGeom_getXMax_r(h, out->features[0].geom, &x1);
  ck_assert_msg(x0 > 37.4999 && x1 < 37.5011, "line off the contact: %f..%f", x0, x1);
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
}
END_TEST

/* (F3): one side only; its edges along the mask (within 1 m) are not front,
 * and the front runs up to the mask's edge. */
START_TEST(test_frontline_one_side_with_mask) {
  fl_layer *ctl = fl_layer_new("occupied", 4326, "POLYGON");
  int side = fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  fl_feature_set_text(ctl, add(ctl, "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0))"),
                      side, "RU");
  fl_layer *mask = fl_layer_new("mask", 4326, "POLYGON");
  add(mask, "POLYGON((37.0 48.0, 38.0 48.0, 38.0 48.5, 37.0 48.5, 37.0 48.0))");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_frontline(ctx, ctl, mask, &o, &out), FL_OK);
  /* the whole 37.5 meridian (pyproj), less at most a metre at each end */
  FL_ASSERT_NEAR(real(out, &out->features[0], "length_km") * 1000, 55597.59 - 1.0, 1.5, "m");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, mask);
}
END_TEST

/* (S1) (S2) and distances to the derived front. */
START_TEST(test_settlement_status_points_and_polygons) {
  fl_layer *ctl = standard_control();
  fl_layer *st = fl_layer_new("settlements", 4326, "GEOMETRY");
  int name = fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  fl_feature_set_text(st, add(st, "POINT(37.2 48.25)"), name, "P1");
  fl_feature_set_text(st, add(st, "POINT(37.8 48.25)"), name, "P2");
  fl_feature_set_text(st, add(st, "POINT(38.5 48.25)"), name, "P3");
  fl_feature_set_text(st, add(st, "POLYGON((37.45 48.2, 37.55 48.2, 37.55 48.3, 37.45 48.3, 37.45 48.2))"),
                      name, "S4");
  fl_feature_set_text(st, add(st, "POLYGON((37.40 48.2, 37.52 48.2, 37.52 48.3, 37.40 48.3, 37.40 48.2))"),
                      name, "S5");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 5);
  const fl_feature *p1 = find(out, "name", "P1"), *p2 = find(out, "name", "P2");
  const fl_feature *p3 = find(out, "name", "P3"), *s4 = find(out, "name", "S4");
  const fl_feature *s5 = find(out, "name", "S5");
  ck_assert_str_eq(txt(out, p1, "side"), "UA");
  ck_assert_str_eq(txt(out, p1, "status"), "held");
  ck_assert_str_eq(txt(out, p2, "side"), "RU");
  ck_assert_ptr_null(txt(out, p3, "side"));
  ck_assert_str_eq(txt(out, p3, "status"), "unknown");
  ck_assert_str_eq(txt(out, s4, "status"), "contested");                 /* (S2) half and half */
  FL_ASSERT_NEAR(real(out, s4, "share_UA"), 0.5, 0.001, "");
  ck_assert_str_eq(txt(out, s5, "side"), "UA");
  ck_assert_str_eq(txt(out, s5, "status"), "held");                      /* 0.833 >= 0.75 */
  FL_ASSERT_NEAR(real(out, s5, "share_UA"), 0.8333333955537314, 0.0005, ""); /* pyproj */
  /* pyproj: 22279.17 m from (37.2, 48.25) to the meridian 37.5 */
  FL_ASSERT_NEAR(real(out, p1, "dist_to_front_m"), 22279.17181788167, 0.5, "m");
  FL_ASSERT_NEAR(real(out, p2, "dist_to_front_m"), 22279.17181788167, 0.5, "m");
  ck_assert_int_eq((int)real(out, p1, "band"), 3);                      /* 20-40 km */
  ck_assert_str_eq(txt(out, p1, "band_label"), "20-40 km");
  ck_assert(real(out, s4, "dist_to_front_m") == 0.0);                   /* the front crosses it */
  fl_layer_destroy(ctx, out);
  /* (S3): contested within 25 km of the front; (S2) split threshold 0.9 */
  o.contested_dist_m = 25000.0;
  o.split_share = 0.9;
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_str_eq(txt(out, find(out, "name", "P1"), "status"), "contested");
  ck_assert_str_eq(txt(out, find(out, "name", "S5"), "status"), "contested");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, st);
}
END_TEST

/* Sources that disagree: one row per settlement and source, sources_agree. */
/* The holding rules S1, S2, S4 alone, on shares written by hand. */
START_TEST(test_holding_rules) {
  int who = 9;
  const double clear[] = {0.8, 0.2}, split[] = {0.6, 0.4}, none[] = {0, 0}, one[] = {1, 0},
               both[] = {1, 1};
  ck_assert_int_eq(fl_holding_decide(clear, 2, 0, 0, 0.75, &who), FL_HOLD_HELD);
  ck_assert_int_eq(who, 0);
  ck_assert_int_eq(fl_holding_decide(split, 2, 0, 0, 0.75, &who), FL_HOLD_CONTESTED); /* S2 */
  ck_assert_int_eq(fl_holding_decide(split, 2, 0, 0, 0.6, &who), FL_HOLD_HELD);
  ck_assert_int_eq(fl_holding_decide(none, 2, 0, 0, 0.75, &who), FL_HOLD_UNKNOWN);
  ck_assert_int_eq(who, -1);
  ck_assert_int_eq(fl_holding_decide(one, 2, 0, 1, 0.75, &who), FL_HOLD_HELD);        /* S1 */
  ck_assert_int_eq(fl_holding_decide(both, 2, 0, 1, 0.75, &who), FL_HOLD_CONTESTED);
  ck_assert_int_eq(fl_holding_decide(clear, 2, 0.3, 0, 0.75, &who), FL_HOLD_CONTESTED); /* S4 */
  ck_assert_int_eq(fl_holding_decide(clear, 2, 0.2, 0, 0.75, &who), FL_HOLD_HELD);
  ck_assert_int_eq(fl_holding_decide(none, 2, 1, 1, 0.75, &who), FL_HOLD_CONTESTED);

  ck_assert_int_eq(fl_holding_check_split(ctx, FL_SPLIT_SHARE_MIN), FL_OK);
  ck_assert_int_eq(fl_holding_check_split(ctx, 1.0), FL_OK);
  ck_assert_int_eq(fl_holding_check_split(ctx, 0.49), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "split_share must be at least 0.5 and at most 1, got 0.49");
  ck_assert_int_eq(fl_holding_check_split(ctx, NAN), FL_E_ARG);
  /* A 1 x 1 degree square at the equator, half of it (by symmetry about
   * lon 0.5) on the ground; a point on the ground's boundary counts. */
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *sq = fl_test_wkt(ctx, "POLYGON((0 0,1 0,1 1,0 1,0 0))");
  GEOSGeometry *gr = fl_test_wkt(ctx, "POLYGON((-1 -1,0.5 -1,0.5 2,-1 2,-1 -1))");
  GEOSGeometry *pt = fl_test_wkt(ctx, "POINT(0.5 0.5)");
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, gr);
  double area = 0, share = 0;
  ck_assert_int_eq(fl_area_km2(ctx, sq, &area), FL_OK);
  ck_assert_int_eq(fl_holding_share(ctx, prep, gr, sq, area, &share), FL_OK);
  FL_ASSERT_NEAR(share, 0.5, 1e-4, "");
  ck_assert_int_eq(fl_holding_share(ctx, prep, gr, pt, 0, &share), FL_OK);
  FL_ASSERT_NEAR(share, 1.0, 0, "");
  ck_assert_int_eq(fl_holding_share(ctx, NULL, NULL, pt, 0, &share), FL_OK);
  FL_ASSERT_NEAR(share, 0.0, 0, "");
  GEOSPreparedGeom_destroy_r(h, prep);
  GEOSGeom_destroy_r(h, sq);
  GEOSGeom_destroy_r(h, gr);
  GEOSGeom_destroy_r(h, pt);
}
END_TEST

START_TEST(test_settlement_status_sources_disagree) {
  fl_layer *ctl = fl_layer_new("control", 4326, "POLYGON");
  int side = fl_layer_add_field(ctl, "side", FL_FIELD_TEXT);
  int src = fl_layer_add_field(ctl, "source", FL_FIELD_TEXT);
  const char *ua = "POLYGON((37.0 48.0, 37.5 48.0, 37.5 48.5, 37.0 48.5, 37.0 48.0))";
  const char *ru = "POLYGON((37.5 48.0, 38.0 48.0, 38.0 48.5, 37.5 48.5, 37.5 48.0))";
  const char *ua2 = "POLYGON((37.0 48.0, 37.3 48.0, 37.3 48.5, 37.0 48.5, 37.0 48.0))";
  const char *ru2 = "POLYGON((37.3 48.0, 38.0 48.0, 38.0 48.5, 37.3 48.5, 37.3 48.0))";
  fl_feature *f;
  f = add(ctl, ua); fl_feature_set_text(ctl, f, side, "UA"); fl_feature_set_text(ctl, f, src, "a");
  f = add(ctl, ru); fl_feature_set_text(ctl, f, side, "RU"); fl_feature_set_text(ctl, f, src, "a");
  f = add(ctl, ua2); fl_feature_set_text(ctl, f, side, "UA"); fl_feature_set_text(ctl, f, src, "b");
  f = add(ctl, ru2); fl_feature_set_text(ctl, f, side, "RU"); fl_feature_set_text(ctl, f, src, "b");
  fl_layer *st = fl_layer_new("settlements", 4326, "POINT");
  int name = fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  fl_feature_set_text(st, add(st, "POINT(37.4 48.25)"), name, "between");
  fl_feature_set_text(st, add(st, "POINT(37.1 48.25)"), name, "west");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 4);
  for (size_t i = 0; i < out->n_features; i++) {
    const fl_feature *r = &out->features[i];
    int between = !strcmp(txt(out, r, "name"), "between");
    const char *s = txt(out, r, "source");
    if (between) ck_assert_str_eq(txt(out, r, "side"), !strcmp(s, "a") ? "UA" : "RU");
    ck_assert_int_eq((int)real(out, r, "sources_agree"), between ? 0 : 1);
  }
  ck_assert_str_eq(txt(out, find(out, "name", "between"), "claims"), "a: UA held; b: RU held");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, st);
}
END_TEST

/* (R1) (R2): a route running east, square to the front, from the front on. */
START_TEST(test_route_exposure_bands_km) {
  fl_layer *front = fl_layer_new("front", 4326, "LINESTRING");
  add(front, "LINESTRING(37.5 47.5, 37.5 49.0)");
  fl_layer *routes = fl_layer_new("routes", 4326, "LINESTRING");
  int name = fl_layer_add_field(routes, "name", FL_FIELD_TEXT);
  fl_feature_set_text(routes, add(routes, "LINESTRING(37.5 48.25, 38.2 48.25)"), name, "east");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_route_exposure(ctx, routes, front, NULL, &o, &out), FL_OK);
  const fl_feature *r = &out->features[0];
  /* analysis_oracle.py: crossings found by bisection with pyproj; tol 2 m */
  FL_ASSERT_NEAR(real(out, r, "length_km"), 51.98468649842254, 0.000001, "km");
  FL_ASSERT_NEAR(real(out, r, "km_0_5000"), 5.000052, 0.002, "km");
  FL_ASSERT_NEAR(real(out, r, "km_5000_10000"), 5.000052, 0.002, "km");
  FL_ASSERT_NEAR(real(out, r, "km_10000_20000"), 10.000104, 0.002, "km");
  FL_ASSERT_NEAR(real(out, r, "km_20000_40000"), 20.000208, 0.002, "km");
  FL_ASSERT_NEAR(real(out, r, "exposed_km"), 40.000416, 0.004, "km");
  FL_ASSERT_NEAR(real(out, r, "exposed_share"), 40.000416 / 51.98468649842254, 0.0001, "");
  ck_assert(real(out, r, "min_dist_to_front_m") < 1e-6);
  /* the exposed part is the first 40 km: ends near 40 km east of 37.5 */
  double xmax;
  GEOSGeom_getXMax_r(h, r->geom, &xmax);
  ck_assert_msg(xmax > 37.5 + 0.5 && xmax < 38.2, "exposed part ends at %f", xmax);
  /* the single-geometry building block agrees */
  fl_dist_index *idx = NULL;
  const GEOSGeometry *items[1] = {front->features[0].geom};
  ck_assert_int_eq(fl_dist_index_create(ctx, items, 1, &idx), FL_OK);
  double m = 0;
  ck_assert_int_eq(fl_route_band_m(ctx, idx, routes->features[0].geom, 5000, 20000, &m), FL_OK);
  FL_ASSERT_NEAR(m, 15000.156, 3.0, "m");
  fl_dist_index_destroy(ctx, idx);
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
}
END_TEST

/* (N1) (N2): nearest of three meridian routes, with a class filter. */
START_TEST(test_nearest_route_with_class_filter) {
  fl_layer *routes = fl_layer_new("routes", 4326, "LINESTRING");
  int name = fl_layer_add_field(routes, "name", FL_FIELD_TEXT);
  int cls = fl_layer_add_field(routes, "class", FL_FIELD_TEXT);
  fl_feature *f = add(routes, "LINESTRING(37.0 47.0, 37.0 49.5)");
  fl_feature_set_text(routes, f, name, "road 37.0");
  fl_feature_set_text(routes, f, cls, "road");
  f = add(routes, "LINESTRING(37.3 47.0, 37.3 49.5)");
  fl_feature_set_text(routes, f, name, "rail 37.3");
  fl_feature_set_text(routes, f, cls, "rail");
  fl_layer *st = fl_layer_new("settlements", 4326, "POINT");
  int sn = fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  fl_feature_set_text(st, add(st, "POINT(37.2 48.25)"), sn, "P1");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_nearest_route(ctx, st, routes, &o, &out), FL_OK);
  ck_assert_str_eq(txt(out, &out->features[0], "route_name"), "rail 37.3");
  FL_ASSERT_NEAR(real(out, &out->features[0], "dist_m"), 7426.40739472734, 0.5, "m"); /* pyproj */
  fl_layer_destroy(ctx, out);
  const char *road[] = {"road"};
  o.classes = road;
  o.n_classes = 1;
  ck_assert_int_eq(fl_nearest_route(ctx, st, routes, &o, &out), FL_OK);
  ck_assert_str_eq(txt(out, &out->features[0], "route_class"), "road");
  FL_ASSERT_NEAR(real(out, &out->features[0], "dist_m"), 14852.802197909165, 0.5, "m");
  /* the connecting line runs from the settlement to the route */
  double x0, x1;
  GEOSGeom_getXMin_r(h, out->features[0].geom, &x0);
  GEOSGeom_getXMax_r(h, out->features[0].geom, &x1);
  FL_ASSERT_NEAR(x0, 37.0, 1e-6, "deg");
  FL_ASSERT_NEAR(x1, 37.2, 1e-6, "deg");
  fl_layer_destroy(ctx, out);
  const char *ferry[] = {"ferry"};
  o.classes = ferry;
  ck_assert_int_eq(fl_nearest_route(ctx, st, routes, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "no route of the classes");
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, st);
}
END_TEST

/* (B2) (B4): bands of a 10 km meridian segment: 2 d L + pi d^2 per disk. */
START_TEST(test_bands_areas_and_no_overlap) {
  fl_layer *front = fl_layer_new("front", 4326, "LINESTRING");
  add(front, "LINESTRING(37.5 48.0, 37.5 48.0899)"); /* ~10.0 km (111.2 km per degree) */
  double len = 0;
  fl_length_m(ctx, front->features[0].geom, &len);
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_bands(ctx, front, NULL, NULL, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 4);
  double prev_disk = 0;
  static const double d_km[] = {5, 10, 20, 40};
  for (int k = 0; k < 4; k++) {
    double disk = 2 * d_km[k] * len / 1000 + M_PI * d_km[k] * d_km[k];
    double area = real(out, &out->features[k], "area_km2");
    /* flat-earth stadium areas; curvature and chords keep it within 0.3 % */
    FL_ASSERT_NEAR(area, disk - prev_disk, 0.003 * disk, "km2");
    prev_disk = disk;
    for (int j = 0; j < k; j++) { /* (B2) no overlap */
      GEOSGeometry *x = GEOSIntersection_r(h, out->features[k].geom, out->features[j].geom);
      double a = 0;
      fl_area_km2(ctx, x, &a);
      ck_assert_msg(a < 1e-6, "bands %d and %d overlap by %g km2", j, k, a);
      GEOSGeom_destroy_r(h, x);
    }
  }
  fl_layer_destroy(ctx, out);
  /* (B1) */
  double bad[] = {5000, 5000};
  o.dist_m = bad;
  o.n_dist = 2;
  ck_assert_int_eq(fl_bands(ctx, front, NULL, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "must increase");
  double neg[] = {-5};
  o.dist_m = neg;
  o.n_dist = 1;
  ck_assert_int_eq(fl_bands(ctx, front, NULL, NULL, &o, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "> 0");
  fl_layer_destroy(ctx, front);
}
END_TEST

/* (B3) held_by: only the ground UA holds, i.e. the west half of each band. */
START_TEST(test_bands_held_by_side) {
  fl_layer *ctl = control_layer("POLYGON((36.0 47.0, 37.5 47.0, 37.5 49.5, 36.0 49.5, 36.0 47.0))",
                                "POLYGON((37.5 47.0, 39.0 47.0, 39.0 49.5, 37.5 49.5, 37.5 47.0))");
  fl_layer *front = fl_layer_new("front", 4326, "LINESTRING");
  add(front, "LINESTRING(37.5 47.8, 37.5 48.7)");
  fl_options o;
  fl_options_init(&o);
  fl_layer *both = NULL, *ua = NULL;
  ck_assert_int_eq(fl_bands(ctx, front, NULL, NULL, &o, &both), FL_OK);
  o.held_by = "UA";
  ck_assert_int_eq(fl_bands(ctx, front, ctl, NULL, &o, &ua), FL_OK);
  for (int k = 0; k < 4; k++) {
    double a = real(both, &both->features[k], "area_km2"), b = real(ua, &ua->features[k], "area_km2");
    FL_ASSERT_NEAR(b, a / 2, 0.002 * a, "km2"); /* symmetric about the meridian */
    ck_assert_str_eq(txt(ua, &ua->features[k], "side"), "UA");
  }
  fl_layer_destroy(ctx, both);
  fl_layer_destroy(ctx, ua);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, front);
}
END_TEST

START_TEST(test_errors_name_layer_feature_field) {
  fl_layer *ctl = standard_control();
  fl_layer *st = fl_layer_new("settlements", 4326, "POINT");
  add(st, "POINT(37.2 48.25)");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  o.side_field = "holder";
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_E_FIELD);
  FL_ASSERT_MSG_HAS(ctx, "no field 'holder'");
  FL_ASSERT_MSG_HAS(ctx, "side_field");
  fl_options_init(&o);
  /* NULL side */
  fl_feature_set_null(ctl, &ctl->features[1], 0);
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_E_FIELD);
  FL_ASSERT_MSG_HAS(ctx, "feature 2: field 'side' is NULL");
  /* empty layer, no SRID */
  fl_layer *empty = fl_layer_new("nothing", 4326, "POINT");
  ck_assert_int_eq(fl_settlement_status(ctx, empty, ctl, NULL, &o, &out), FL_E_LAYER);
  FL_ASSERT_MSG_HAS(ctx, "settlements layer 'nothing'");
  st->srid = 0;
  ck_assert_int_eq(fl_nearest_route(ctx, st, ctl, &o, &out), FL_E_SRID);
  FL_ASSERT_MSG_HAS(ctx, "has no SRID");
  /* wrong geometry class */
  st->srid = 4326;
  ck_assert_int_eq(fl_nearest_route(ctx, st, ctl, &o, &out), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "expected lines");
  ck_assert_ptr_null(out);
  fl_layer_destroy(ctx, empty);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, st);
}
END_TEST

START_TEST(test_invalid_polygon_repaired_with_warning) {
  /* a bow-tie RU polygon: GEOSMakeValid keeps both lobes (NOTES.md 3.2) */
  fl_layer *ctl = control_layer("POLYGON((37.0 48.0, 37.5 48.0, 37.5 48.5, 37.0 48.5, 37.0 48.0))",
                                "POLYGON((37.6 48.0, 37.9 48.3, 37.9 48.0, 37.6 48.3, 37.6 48.0))");
  fl_layer *st = fl_layer_new("settlements", 4326, "POINT");
  int name = fl_layer_add_field(st, "name", FL_FIELD_TEXT);
  fl_feature_set_text(st, add(st, "POINT(37.65 48.15)"), name, "west lobe");
  fl_feature_set_text(st, add(st, "POINT(37.85 48.15)"), name, "east lobe");
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  fl_ctx_clear_warnings(ctx);
  ck_assert_int_eq(fl_settlement_status(ctx, st, ctl, NULL, &o, &out), FL_OK);
  ck_assert_uint_ge(fl_ctx_warning_count(ctx), 1);
  ck_assert_ptr_nonnull(strstr(fl_ctx_warning(ctx, 0), "feature 2: invalid polygon repaired"));
  ck_assert_str_eq(txt(out, find(out, "name", "west lobe"), "side"), "RU");
  ck_assert_str_eq(txt(out, find(out, "name", "east lobe"), "side"), "RU");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, st);
}
END_TEST

static int cancel_at_half(double f, void *user) {
  (void)user;
  return f >= 0.5;
}

START_TEST(test_cancel_stops_without_output) {
  fl_layer *front = fl_layer_new("front", 4326, "LINESTRING");
  add(front, "LINESTRING(37.5 47.5, 37.5 49.0)");
  fl_layer *routes = fl_layer_new("routes", 4326, "LINESTRING");
  for (int i = 0; i < 2000; i++) {
    char wkt[96];
    snprintf(wkt, sizeof wkt, "LINESTRING(37.6 %.4f, 37.9 %.4f)", 47.6 + i * 0.0007, 47.6 + i * 0.0007);
    add(routes, wkt);
  }
  fl_options o;
  fl_options_init(&o);
  fl_ctx_set_progress(ctx, cancel_at_half, NULL, NULL);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_route_exposure(ctx, routes, front, NULL, &o, &out), FL_E_CANCEL);
  ck_assert_ptr_null(out);
  FL_ASSERT_MSG_HAS(ctx, "cancelled");
  fl_ctx_set_progress(ctx, NULL, NULL, NULL);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
}
END_TEST

int main(void) {
  Suite *s = suite_create("analysis");
  TCase *tc = tcase_create("analysis");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_frontline_two_sides_with_gap);
  tcase_add_test(tc, test_frontline_one_side_with_mask);
  tcase_add_test(tc, test_settlement_status_points_and_polygons);
  tcase_add_test(tc, test_holding_rules);
  tcase_add_test(tc, test_settlement_status_sources_disagree);
  tcase_add_test(tc, test_route_exposure_bands_km);
  tcase_add_test(tc, test_nearest_route_with_class_filter);
  tcase_add_test(tc, test_bands_areas_and_no_overlap);
  tcase_add_test(tc, test_bands_held_by_side);
  tcase_add_test(tc, test_errors_name_layer_feature_field);
  tcase_add_test(tc, test_invalid_polygon_repaired_with_warning);
  tcase_add_test(tc, test_cancel_stops_without_output);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
