/*
 * check_real_data.c - validation on real public layers of the Toretsk area
 * (../shared/real_data, read in place, never copied into the project):
 * DeepStateMap's occupied area on nine dates and the GeoNames point of
 * Toretsk. Expected values: tests/oracles/real_data_oracle.py (pyproj
 * geodesics to every edge of the polygon, clip-box edges skipped).
 * Exits 77 (ctest: skipped) when the folder is absent.
 */
#include <unistd.h>
#include "fl_test.h"

static const struct {
  const char *date;
  int inside;
  double dist_m;
} cases[] = {
    {"20240708", 0, 4187.39}, {"20240908", 0, 1358.24}, {"20241008", 0, 225.81},
    {"20241107", 1, 19.74},   {"20250107", 1, 211.89},  {"20250308", 1, 311.29},
    {"20250708", 1, 854.60},  {"20260105", 1, 1980.07}, {"20260822", 1, 11697.94},
};

START_TEST(test_toretsk_against_deepstate) {
  fl_ctx *ctx = fl_ctx_create();
  char path[1024];
  snprintf(path, sizeof path, "%s/control/deepstate_occupied_%s.geojson", FL_REAL_DATA,
           cases[_i].date);
  fl_layer *control = NULL, *places = NULL, *out = NULL;
  ck_assert_msg(fl_layer_read(ctx, path, &control) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  snprintf(path, sizeof path, "%s/settlements/geonames_places_pop200_bbox.geojson", FL_REAL_DATA);
  ck_assert_msg(fl_layer_read(ctx, path, &places) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  /* keep Toretsk only */
  fl_layer *toretsk = fl_layer_new("toretsk", places->srid, "POINT");
  int name = fl_layer_field_index(places, "name");
  int tn = fl_layer_add_field(toretsk, "name", FL_FIELD_TEXT);
  for (size_t i = 0; i < places->n_features; i++)
    if (!strcmp(fl_value_text(places, &places->features[i], name), "Toretsk")) {
      fl_feature *f = fl_layer_append(ctx, toretsk, places->features[i].fid,
                                      GEOSGeom_clone_r(fl_ctx_geos(ctx), places->features[i].geom));
      fl_feature_set_text(toretsk, f, tn, "Toretsk");
    }
  ck_assert_uint_eq(toretsk->n_features, 1);
  fl_options o;
  fl_options_init(&o);
  o.side_field = "status"; /* DeepStateMap's layer holds one side: status 'occupied' */
  ck_assert_msg(fl_settlement_status(ctx, toretsk, control, NULL, &o, &out) == FL_OK, "%s",
                fl_ctx_errmsg(ctx));
  ck_assert_uint_eq(out->n_features, 1);
  const fl_feature *r = &out->features[0];
  int side = fl_layer_field_index(out, "side"), dist = fl_layer_field_index(out, "dist_to_front_m");
  if (cases[_i].inside)
    ck_assert_str_eq(fl_value_text(out, r, side), "occupied");
  else
    ck_assert_msg(r->values[side].is_null, "%s: Toretsk should be outside", cases[_i].date);
  FL_ASSERT_NEAR(r->values[dist].d, cases[_i].dist_m, FL_TOL_M(cases[_i].dist_m) + 0.01, "m");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, toretsk);
  fl_layer_destroy(ctx, places);
  fl_layer_destroy(ctx, control);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  char probe[1024];
  snprintf(probe, sizeof probe, "%s/control/deepstate_occupied_20260822.geojson", FL_REAL_DATA);
  if (access(probe, R_OK) != 0) {
    printf("skipped: real data not found at %s\n", FL_REAL_DATA);
    return 77;
  }
  Suite *s = suite_create("real_data");
  TCase *tc = tcase_create("deepstate");
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_toretsk_against_deepstate, 0, (int)(sizeof cases / sizeof cases[0]));
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
