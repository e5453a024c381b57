/*
 * check_change.c - fl_change() on hand-made control layers whose answers
 * follow by hand; areas from pyproj (Geod WGS84 polygon_area_perimeter) of
 * the boxes segmentized in lon/lat to 0.005 deg (rule C5: edges straight in
 * lon/lat; as 4-vertex geodesic polygons they are 2064.436894, 1651.552037
 * and 412.889060 km²):
 *   box 37.0-37.5 E x 48.0-48.5 N   2064.445651 km²
 *   box 37.0-37.4 E                 1651.556521 km²
 *   box 37.4-37.5 E                  412.889130 km²
 *   box 37.4-37.45 E, 37.45-37.5 E   206.444565 km² each
 * Lengths and depths from pyproj Geod.inv:
 *   meridian 37.5 E, 48.0-48.5 N                 55.597591 km; the front
 *   (frontline's rule F2: parts within 1.5 snap_m = 750 m of the data's edge
 *   are not front) is 1.5 km shorter: 54.097591 km
 *   depths from that front, whose south end is 750 m north of 48.0 N
 *   (Geod.fwd: 37.5 E, 48.006745 N); the farthest points are the south-west
 *   corners, nearest to that end:
 *   (37.4 E, 48.0 N) to (37.5 E, 48.006745 N)      7499.644 m
 *   (37.45 E, 48.0 N) to it                        3805.659 m
 */
#include "fl_test.h"

static fl_ctx *ctx;

static void setup(void) { ctx = fl_ctx_create(); }
static void teardown(void) { fl_ctx_destroy(ctx); }

#define BOX(x0, x1) "POLYGON((" #x0 " 48.0, " #x1 " 48.0, " #x1 " 48.5, " #x0 " 48.5, " #x0 " 48.0))"

static void add(fl_layer *l, const char *wkt, const char *side, const char *source,
                const char *date) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(f);
  fl_feature_set_text(l, f, fl_layer_field_index(l, "side"), side);
  fl_feature_set_text(l, f, fl_layer_field_index(l, "source"), source);
  fl_feature_set_text(l, f, fl_layer_field_index(l, "date"), date);
}

static fl_layer *control_layer(void) {
  fl_layer *l = fl_layer_new("control", 4326, "POLYGON");
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_layer_add_field(l, "source", FL_FIELD_TEXT);
  fl_layer_add_field(l, "date", FL_FIELD_TEXT);
  return l;
}

static const char *txt(const fl_layer *l, const fl_feature *f, const char *field) {
  return fl_value_text(l, f, fl_layer_field_index(l, field));
}

static double real(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_int_ge(i, 0);
  ck_assert(!f->values[i].is_null);
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

/* The front moves west from 37.5 to 37.4 E: 37.4-37.5 goes from ua to ru;
 * nothing goes the other way. A second source with one date gives no row. */
START_TEST(test_change_one_strip) {
  fl_layer *l = control_layer();
  add(l, BOX(37.0, 37.5), "ua", "s1", "2024-07-01");
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  add(l, BOX(37.0, 37.4), "ua", "s1", "2024-08-01");
  add(l, BOX(37.4, 38.0), "ru", "s1", "2024-08-01");
  add(l, BOX(37.0, 37.5), "ua", "s2", "2024-07-03");
  fl_options o;
  fl_options_init(&o);
  fl_layer *ch = NULL, *held = NULL;
  ck_assert_int_eq(fl_change(ctx, l, &o, &ch, &held), FL_OK);
  ck_assert_uint_eq(ch->n_features, 1);
  const fl_feature *f = &ch->features[0];
  ck_assert_str_eq(txt(ch, f, "source"), "s1");
  ck_assert_str_eq(txt(ch, f, "date_from"), "2024-07-01");
  ck_assert_str_eq(txt(ch, f, "date_to"), "2024-08-01");
  FL_ASSERT_NEAR(real(ch, f, "days"), 31, 0, "days");
  ck_assert_str_eq(txt(ch, f, "side_from"), "ua");
  ck_assert_str_eq(txt(ch, f, "side_to"), "ru");
  FL_ASSERT_NEAR(real(ch, f, "area_km2"), 412.889130, 1e-3, "km2");
  /* held_series: s1 2 dates x 2 sides, s2 one side */
  ck_assert_uint_eq(held->n_features, 5);
  int seen = 0;
  for (size_t k = 0; k < held->n_features; k++) {
    const fl_feature *h = &held->features[k];
    if (!strcmp(txt(held, h, "source"), "s1") && !strcmp(txt(held, h, "date"), "2024-08-01") &&
        !strcmp(txt(held, h, "side"), "ua")) {
      FL_ASSERT_NEAR(real(held, h, "area_km2"), 1651.556521, 1e-3, "km2");
      seen++;
    }
    if (!strcmp(txt(held, h, "source"), "s2")) {
      FL_ASSERT_NEAR(real(held, h, "area_km2"), 2064.445651, 1e-3, "km2");
      seen++;
    }
  }
  ck_assert_int_eq(seen, 2);
  fl_layer_destroy(ctx, ch);
  fl_layer_destroy(ctx, held);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* Ground mapped on one date only moves nowhere: a one-sided source without
 * other_side gives held rows and no change. */
START_TEST(test_change_one_sided_no_rows) {
  fl_layer *l = control_layer();
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  add(l, BOX(37.4, 38.0), "ru", "s1", "2024-08-01");
  fl_options o;
  fl_options_init(&o);
  fl_layer *ch = NULL, *held = NULL;
  ck_assert_int_eq(fl_change(ctx, l, &o, &ch, &held), FL_OK);
  ck_assert_uint_eq(ch->n_features, 0);
  ck_assert_uint_eq(held->n_features, 2);
  fl_layer_destroy(ctx, ch);
  fl_layer_destroy(ctx, held);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* A missing side field is one sentence naming the parameter; no layers. */
START_TEST(test_change_bad_field) {
  fl_layer *l = control_layer();
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  fl_options o;
  fl_options_init(&o);
  o.side_field = "holder";
  fl_layer *ch = (fl_layer *)1, *held = (fl_layer *)1;
  ck_assert_int_ne(fl_change(ctx, l, &o, &ch, &held), FL_OK);
  ck_assert_ptr_null(ch);
  ck_assert_ptr_null(held);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* Settlements in the strip that changed hands, and on either side of it:
 * one row, for the one in the strip, ua -> ru, between the two dates. */
START_TEST(test_change_settlements) {
  fl_layer *l = control_layer();
  add(l, BOX(37.0, 37.5), "ua", "s1", "2024-07-01");
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  add(l, BOX(37.0, 37.4), "ua", "s1", "2024-08-01");
  add(l, BOX(37.4, 38.0), "ru", "s1", "2024-08-01");
  add(l, BOX(37.0, 37.5), "ua", "s2", "2024-07-03");
  fl_layer *s = fl_layer_new("settlements", 4326, "POINT");
  int fn = fl_layer_add_field(s, "name", FL_FIELD_TEXT);
  const char *pts[3] = {"POINT(37.2 48.25)", "POINT(37.45 48.25)", "POINT(37.8 48.25)"};
  const char *names[3] = {"West", "Strip", "East"};
  for (int k = 0; k < 3; k++) {
    fl_feature *f = fl_layer_append(ctx, s, 10 + k, fl_test_wkt(ctx, pts[k]));
    fl_feature_set_text(s, f, fn, names[k]);
  }
  fl_options o;
  fl_options_init(&o);
  fl_layer *out = NULL;
  ck_assert_int_eq(fl_change_settlements(ctx, s, l, &o, &out), FL_OK);
  ck_assert_uint_eq(out->n_features, 1);
  const fl_feature *f = &out->features[0];
  FL_ASSERT_NEAR(real(out, f, "settlement_fid"), 11, 0, "fid");
  ck_assert_str_eq(txt(out, f, "name"), "Strip");
  ck_assert_str_eq(txt(out, f, "source"), "s1");
  ck_assert_str_eq(txt(out, f, "from_side"), "ua");
  ck_assert_str_eq(txt(out, f, "to_side"), "ru");
  ck_assert_str_eq(txt(out, f, "last_date_old"), "2024-07-01");
  ck_assert_str_eq(txt(out, f, "first_date_new"), "2024-08-01");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, s);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* A field of a row as a real, or NAN when NULL. */
static double real_or_nan(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_int_ge(i, 0);
  if (f->values[i].is_null) return NAN;
  return l->fields[i].type == FL_FIELD_REAL ? f->values[i].d : (double)f->values[i].i;
}

/* The row of a layer whose text fields match (NULL value: the field is NULL). */
static const fl_feature *find(const fl_layer *l, const char *f1, const char *v1, const char *f2,
                              const char *v2) {
  int i1 = fl_layer_field_index(l, f1), i2 = fl_layer_field_index(l, f2);
  for (size_t k = 0; k < l->n_features; k++) {
    const fl_feature *f = &l->features[k];
    int m1 = v1 ? !f->values[i1].is_null && !strcmp(f->values[i1].s, v1) : f->values[i1].is_null;
    int m2 = v2 ? !f->values[i2].is_null && !strcmp(f->values[i2].s, v2) : f->values[i2].is_null;
    if (m1 && m2) return f;
  }
  ck_abort_msg("no row %s=%s, %s=%s in %s", f1, v1 ? v1 : "NULL", f2, v2 ? v2 : "NULL", l->name);
  return NULL;
}

static fl_layer *sectors_layer(void) {
  fl_layer *s = fl_layer_new("sectors", 4326, "POLYGON");
  int fn = fl_layer_add_field(s, "name", FL_FIELD_TEXT);
  fl_feature *f = fl_layer_append(ctx, s, 1, fl_test_wkt(ctx, BOX(37.4, 37.45)));
  fl_feature_set_text(s, f, fn, "west");
  f = fl_layer_append(ctx, s, 2, fl_test_wkt(ctx, BOX(37.45, 37.6)));
  fl_feature_set_text(s, f, fn, "east");
  return s;
}

/* (C6)-(C9), (CA1): the strip 37.4-37.5 goes from ua to ru, cut by two
 * sectors; the summary, the front and the depths by hand (see the top). */
START_TEST(test_change_run_sectors) {
  fl_layer *l = control_layer();
  add(l, BOX(37.0, 37.5), "ua", "s1", "2024-07-01");
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  add(l, BOX(37.0, 37.4), "ua", "s1", "2024-08-01");
  add(l, BOX(37.4, 38.0), "ru", "s1", "2024-08-01");
  fl_layer *sec = sectors_layer();
  fl_options o;
  fl_options_init(&o);
  fl_change_input in = {l, NULL, sec, NULL, NULL, NULL};
  fl_change_result r;
  ck_assert_int_eq(fl_change_run(ctx, &in, &o, &r), FL_OK);
  ck_assert_ptr_null(r.settlement_changes);
  ck_assert_str_eq(r.change_summary->geom_type, "NONE");
  ck_assert_uint_eq(r.area_change->n_features, 2); /* west and east; nothing outside */
  const fl_feature *f = find(r.area_change, "sector", "west", "side_to", "ru");
  FL_ASSERT_NEAR(real(r.area_change, f, "area_km2"), 206.444565, 1e-3, "km2");
  /* (C8) 2 sides x (whole area + 2 sectors) */
  ck_assert_uint_eq(r.change_summary->n_features, 6);
  const fl_layer *cs = r.change_summary;
  f = find(cs, "side", "ru", "sector", NULL);
  FL_ASSERT_NEAR(real(cs, f, "gained_km2"), 412.889130, 1e-3, "km2");
  FL_ASSERT_NEAR(real(cs, f, "lost_km2"), 0, 1e-9, "km2");
  FL_ASSERT_NEAR(real(cs, f, "km2_per_day"), 412.889130 / 31, 1e-4, "km2/day");
  FL_ASSERT_NEAR(real(cs, f, "front_km"), 54.097591, 0.055, "km");
  FL_ASSERT_NEAR(real(cs, f, "mean_depth_km"), 412.889130 / 54.097591, 0.008, "km");
  FL_ASSERT_NEAR(real(cs, f, "max_depth_km"), 7.499644, 0.0075, "km"); /* (P2) 0.1 % */
  f = find(cs, "side", "ua", "sector", NULL);
  FL_ASSERT_NEAR(real(cs, f, "net_km2"), -412.889130, 1e-3, "km2");
  ck_assert(isnan(real_or_nan(cs, f, "max_depth_km"))); /* ua gained nothing */
  f = find(cs, "side", "ru", "sector", "west");
  FL_ASSERT_NEAR(real(cs, f, "gained_km2"), 206.444565, 1e-3, "km2");
  FL_ASSERT_NEAR(real(cs, f, "front_km"), 0, 1e-9, "km"); /* the front is in east */
  ck_assert(isnan(real_or_nan(cs, f, "mean_depth_km")));
  f = find(cs, "side", "ru", "sector", "east");
  FL_ASSERT_NEAR(real(cs, f, "front_km"), 54.097591, 0.055, "km");
  FL_ASSERT_NEAR(real(cs, f, "max_depth_km"), 3.805659, 0.0039, "km");
  /* (CA1) one advance polygon per sector part */
  ck_assert_uint_eq(r.advance->n_features, 2);
  f = find(r.advance, "sector", "west", "side_to", "ru");
  FL_ASSERT_NEAR(real(r.advance, f, "depth_m"), 7499.644, 7.5, "m");
  /* (C4) held_series: front_km on every row */
  ck_assert_uint_eq(r.held_series->n_features, 4);
  FL_ASSERT_NEAR(real(r.held_series, &r.held_series->features[0], "front_km"), 54.097591, 0.055,
                 "km");
  fl_change_result_free(ctx, &r);
  fl_layer_destroy(ctx, sec);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* (C2) from/to: one period from the last date on or before `from` to the
 * last on or before `to`; the middle date is skipped, held keeps it. */
START_TEST(test_change_run_from_to) {
  fl_layer *l = control_layer();
  add(l, BOX(37.0, 37.5), "ua", "s1", "2024-07-01");
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  add(l, BOX(37.0, 37.45), "ua", "s1", "2024-08-01");
  add(l, BOX(37.45, 38.0), "ru", "s1", "2024-08-01");
  add(l, BOX(37.0, 37.4), "ua", "s1", "2024-09-01");
  add(l, BOX(37.4, 38.0), "ru", "s1", "2024-09-01");
  fl_options o;
  fl_options_init(&o);
  fl_change_input in = {l, NULL, NULL, NULL, "2024-07-15", "2024-09-30"};
  fl_change_result r;
  ck_assert_int_eq(fl_change_run(ctx, &in, &o, &r), FL_OK);
  ck_assert_uint_eq(r.area_change->n_features, 1); /* 2024-07-01 .. 2024-09-01 */
  const fl_feature *f = &r.area_change->features[0];
  ck_assert_str_eq(txt(r.area_change, f, "date_from"), "2024-07-01");
  ck_assert_str_eq(txt(r.area_change, f, "date_to"), "2024-09-01");
  FL_ASSERT_NEAR(real(r.area_change, f, "days"), 62, 0, "days");
  FL_ASSERT_NEAR(real(r.area_change, f, "area_km2"), 412.889130, 1e-3, "km2");
  ck_assert_uint_eq(r.held_series->n_features, 6); /* three dates x two sides */
  fl_change_result_free(ctx, &r);
  /* without from/to: two periods of 206.444565 km² each */
  in.date_from = in.date_to = NULL;
  ck_assert_int_eq(fl_change_run(ctx, &in, &o, &r), FL_OK);
  ck_assert_uint_eq(r.area_change->n_features, 2);
  FL_ASSERT_NEAR(real(r.area_change, &r.area_change->features[1], "area_km2"), 206.444565, 1e-3,
                 "km2");
  fl_change_result_free(ctx, &r);
  fl_layer_destroy(ctx, l);
}
END_TEST

/* Dates that are no dates, or in the wrong order: FL_E_ARG, one sentence,
 * nothing returned. */
START_TEST(test_change_run_bad_dates) {
  fl_layer *l = control_layer();
  add(l, BOX(37.5, 38.0), "ru", "s1", "2024-07-01");
  fl_options o;
  fl_options_init(&o);
  fl_change_input in = {l, NULL, NULL, NULL, "2024-09-01", "2024-07-01"};
  fl_change_result r;
  ck_assert_int_eq(fl_change_run(ctx, &in, &o, &r), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "is not before");
  ck_assert_ptr_null(r.area_change);
  in.date_from = "July";
  in.date_to = NULL;
  ck_assert_int_eq(fl_change_run(ctx, &in, &o, &r), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "'July' is not a date");
  fl_layer_destroy(ctx, l);
}
END_TEST

int main(void) {
  Suite *s = suite_create("change");
  TCase *tc = tcase_create("change");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_change_one_strip);
  tcase_add_test(tc, test_change_one_sided_no_rows);
  tcase_add_test(tc, test_change_bad_field);
  tcase_add_test(tc, test_change_settlements);
  tcase_add_test(tc, test_change_run_sectors);
  tcase_add_test(tc, test_change_run_from_to);
  tcase_add_test(tc, test_change_run_bad_dates);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
