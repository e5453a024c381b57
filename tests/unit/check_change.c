/*
 * check_change.c - fl_change() on hand-made control layers whose answers
 * follow by hand; areas from pyproj (Geod WGS84 polygon_area_perimeter):
 *   box 37.0-37.5 E x 48.0-48.5 N   2064.436894 km²
 *   box 37.0-37.4 E                 1651.552037 km²
 *   box 37.4-37.5 E                  412.889060 km²
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
  FL_ASSERT_NEAR(real(ch, f, "area_km2"), 412.889060, 1e-3, "km2");
  /* held_series: s1 2 dates x 2 sides, s2 one side */
  ck_assert_uint_eq(held->n_features, 5);
  int seen = 0;
  for (size_t k = 0; k < held->n_features; k++) {
    const fl_feature *h = &held->features[k];
    if (!strcmp(txt(held, h, "source"), "s1") && !strcmp(txt(held, h, "date"), "2024-08-01") &&
        !strcmp(txt(held, h, "side"), "ua")) {
      FL_ASSERT_NEAR(real(held, h, "area_km2"), 1651.552037, 1e-3, "km2");
      seen++;
    }
    if (!strcmp(txt(held, h, "source"), "s2")) {
      FL_ASSERT_NEAR(real(held, h, "area_km2"), 2064.436894, 1e-3, "km2");
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

int main(void) {
  Suite *s = suite_create("change");
  TCase *tc = tcase_create("change");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_change_one_strip);
  tcase_add_test(tc, test_change_one_sided_no_rows);
  tcase_add_test(tc, test_change_bad_field);
  tcase_add_test(tc, test_change_settlements);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
