/*
 * check_high_ground.c - peaks and prominence (core/raster/high_ground.c,
 * (H1)-(H4)) and candidate observers on a side's ground and in a band from
 * the front (core/point_select.c, (P1)-(P3)), on a DEM whose answer is known
 * by geometry: two cones of slope 0.1 on a 100 m plain (UTM 37N, 20 m
 * cells), A 300 m high, B 250 m high 2,000 m east of A. Their flanks meet
 * between them where 300 - 0.1 x = 250 - 0.1 (2000 - x): x = 1,250 m, at
 * 175 m, B's key col: B's prominence is 75 m (within one cell of slope,
 * 2 m); A, the highest, stands 200 m above the plain, the DEM's lowest cell.
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include "fl_raster.h"
#include "fl_test.h"

static fl_ctx *ctx;
static void setup(void) {
  ctx = fl_ctx_create();
  GDALAllRegister();
}
static void teardown(void) { fl_ctx_destroy(ctx); }

#define RX 411000.0
#define RY 5370000.0
static const double gt[6] = {RX - 100.5 * 20, 20, 0, RY + 100.5 * 20, 0, -20};

static double cones(double x, double y) {
  double a = 300 - 0.1 * hypot(x - RX, y - RY), b = 250 - 0.1 * hypot(x - RX - 2000, y - RY);
  return fmax(100.0, fmax(a, b));
}

static char path[512];
static fl_dem *open_cones(void) {
  snprintf(path, sizeof path, "%s/hg_%ld_cones.tif", FL_TEST_TMP, (long)getpid());
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 301, 201, 1, GDT_Float32, NULL);
  ck_assert_ptr_nonnull(ds);
  GDALSetGeoTransform(ds, (double *)gt);
  OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
  OSRImportFromEPSG(s, 32637);
  char *wkt = NULL;
  OSRExportToWkt(s, &wkt);
  GDALSetProjection(ds, wkt);
  CPLFree(wkt);
  OSRDestroySpatialReference(s);
  float row[301];
  for (int r = 0; r < 201; r++) {
    for (int c = 0; c < 301; c++) row[c] = (float)cones(gt[0] + (c + 0.5) * 20, gt[3] - (r + 0.5) * 20);
    ck_assert_int_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, r, 301, 1, row, 301, 1,
                                  GDT_Float32, 0, 0), CE_None);
  }
  GDALClose(ds);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  return dem;
}

static double real(const fl_layer *l, size_t k, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  ck_assert(!l->features[k].values[i].is_null);
  return l->features[k].values[i].d;
}

/* The peak's position back in UTM metres. */
static void utm_of(const fl_layer *l, size_t k, double *x, double *y) {
  GEOSGeometry *p = NULL;
  ck_assert_int_eq(fl_geom_from_lonlat(ctx, l->features[k].geom, 32637, &p), FL_OK);
  GEOSGeomGetX_r(fl_ctx_geos(ctx), p, x);
  GEOSGeomGetY_r(fl_ctx_geos(ctx), p, y);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), p);
}

/* (H1)-(H4) */
START_TEST(test_dem_peaks_two_cones) {
  fl_dem *dem = open_cones();
  fl_layer *pk = NULL;
  ck_assert_int_eq(fl_dem_peaks(ctx, dem, 50.0, &pk), FL_OK);
  ck_assert_int_eq((int)pk->n_features, 2);
  double x, y;
  utm_of(pk, 0, &x, &y); /* A first: the most prominent */
  FL_ASSERT_NEAR(x, RX, 0.01, "m (A easting)");
  FL_ASSERT_NEAR(y, RY, 0.01, "m (A northing)");
  FL_ASSERT_NEAR(real(pk, 0, "height_m"), 300.0, 0.01, "m");
  FL_ASSERT_NEAR(real(pk, 0, "prominence_m"), 200.0, 0.01, "m (above the plain)");
  utm_of(pk, 1, &x, &y);
  FL_ASSERT_NEAR(x, RX + 2000, 0.01, "m (B easting)");
  FL_ASSERT_NEAR(real(pk, 1, "height_m"), 250.0, 0.01, "m");
  FL_ASSERT_NEAR(real(pk, 1, "col_m"), 175.0, 2.0, "m (key col, one cell of slope)");
  FL_ASSERT_NEAR(real(pk, 1, "prominence_m"), 75.0, 2.0, "m");
  fl_layer_destroy(ctx, pk);
  /* threshold above B's prominence: A alone */
  ck_assert_int_eq(fl_dem_peaks(ctx, dem, 100.0, &pk), FL_OK);
  ck_assert_int_eq((int)pk->n_features, 1);
  FL_ASSERT_NEAR(real(pk, 0, "height_m"), 300.0, 0.01, "m");
  fl_layer_destroy(ctx, pk);
  ck_assert_int_eq(fl_dem_peaks(ctx, dem, -1.0, &pk), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "min_prominence_m must be a number >= 0");
  ck_assert_ptr_null(pk);
  fl_dem_destroy(dem);
  unlink(path);
}
END_TEST

static fl_layer *one(const char *name, const char *type, const char *wkt, const char *side) {
  fl_layer *l = fl_layer_new(name, 32637, type);
  int f = side ? fl_layer_add_field(l, "side", FL_FIELD_TEXT) : -1;
  fl_feature *ft = fl_layer_append(ctx, l, 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(ft);
  if (side) fl_feature_set_text(l, ft, f, side);
  return l;
}

/* (P1)-(P3) on the two peaks: UA holds the ground west of RX + 1,000 m, RU
 * the rest; the front runs north-south at RX + 1,500 m: A is 1,500 m from
 * it, B 500 m (UTM metres; geodesic = UTM / 0.99970 at this easting). */
START_TEST(test_points_select_side_and_band) {
  fl_dem *dem = open_cones();
  fl_layer *pk = NULL, *out = NULL;
  ck_assert_int_eq(fl_dem_peaks(ctx, dem, 50.0, &pk), FL_OK);
  fl_layer *ctl = one("control", "POLYGON",
                      "POLYGON((405000 5360000, 412000 5360000, 412000 5380000, 405000 5380000, "
                      "405000 5360000))", "UA");
  fl_feature *f = fl_layer_append(ctx, ctl, 2, fl_test_wkt(ctx,
      "POLYGON((412000 5360000, 420000 5360000, 420000 5380000, 412000 5380000, "
      "412000 5360000))"));
  fl_feature_set_text(ctl, f, 0, "RU");
  fl_layer *front = one("front", "LINESTRING", "LINESTRING(412500 5360000, 412500 5380000)", NULL);
  fl_options o;
  fl_options_init(&o);
  o.held_by = "UA";
  ck_assert_int_eq(fl_points_select(ctx, pk, ctl, NULL, &o, 0, 0, &out), FL_OK);
  ck_assert_int_eq((int)out->n_features, 1);
  FL_ASSERT_NEAR(real(out, 0, "height_m"), 300.0, 0.01, "m (A, on UA ground)");
  ck_assert_int_eq(fl_layer_field_index(out, "dist_to_front_m"), -1);
  fl_layer_destroy(ctx, out);
  o.held_by = NULL;
  double scale = 0.9996 * (1 + 89000.0 * 89000.0 / (2 * 6381000.0 * 6381000.0));
  ck_assert_int_eq(fl_points_select(ctx, pk, NULL, front, &o, 1000, 2000, &out), FL_OK);
  ck_assert_int_eq((int)out->n_features, 1);
  FL_ASSERT_NEAR(real(out, 0, "dist_to_front_m"), 1500.0 / scale, 1.5, "m (A to the front)");
  fl_layer_destroy(ctx, out);
  ck_assert_int_eq(fl_points_select(ctx, pk, NULL, front, &o, 0, 1000, &out), FL_OK);
  ck_assert_int_eq((int)out->n_features, 1);
  FL_ASSERT_NEAR(real(out, 0, "height_m"), 250.0, 0.01, "m (B, 500 m from the front)");
  FL_ASSERT_NEAR(real(out, 0, "dist_to_front_m"), 500.0 / scale, 0.5, "m");
  fl_layer_destroy(ctx, out);
  o.held_by = "RU"; /* B is on RU ground but 500 m from the front: outside [1000, 2000] */
  ck_assert_int_eq(fl_points_select(ctx, pk, ctl, front, &o, 1000, 2000, &out), FL_OK);
  ck_assert_int_eq((int)out->n_features, 0);
  fl_layer_destroy(ctx, out);
  /* errors name the parameters */
  o.held_by = "XX";
  ck_assert_int_eq(fl_points_select(ctx, pk, ctl, NULL, &o, 0, 0, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "has no ground held by 'XX'; check held_by");
  o.held_by = NULL;
  ck_assert_int_eq(fl_points_select(ctx, pk, NULL, NULL, &o, 100, 0, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "needs the front (front)");
  ck_assert_int_eq(fl_points_select(ctx, pk, NULL, front, &o, 2000, 1000, &out), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "max_distance_m (1000 m) is below min_distance_m (2000 m)");
  ck_assert_ptr_null(out);
  fl_layer_destroy(ctx, pk);
  fl_layer_destroy(ctx, ctl);
  fl_layer_destroy(ctx, front);
  fl_dem_destroy(dem);
  unlink(path);
}
END_TEST

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int always(void *user) {
  (void)user;
  return 1;
}

/* fl__sort_u64 (core/raster/sort_u64.c) sorts as qsort does: random keys,
 * sorted, reversed, few distinct values, 0 to 3 keys; and a host's stop
 * ends a sort of 3,000,000 keys with FL_E_CANCEL. Loop index: the case. */
START_TEST(test_stoppable_sort_as_qsort) {
  static const size_t sizes[] = {0, 1, 2, 3, 17, 1000, 100000};
  fl_ctx *ctx = fl_ctx_create();
  for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
    size_t n = sizes[s];
    uint64_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
      a[i] = _i == 0 ? x : _i == 1 ? i : _i == 2 ? n - i : x % 5;
    }
    memcpy(b, a, n * sizeof *a);
    qsort(b, n, sizeof *b, cmp_u64);
    ck_assert_int_eq(fl__sort_u64(ctx, a, n, "sorting"), FL_OK);
    ck_assert(n == 0 || memcmp(a, b, n * sizeof *a) == 0);
    free(a), free(b);
  }
  size_t n = 3000000;
  uint64_t *a = malloc(n * sizeof *a);
  for (size_t i = 0; i < n; i++) a[i] = (i * 2654435761u) % n;
  fl_ctx_set_interrupt_poll(ctx, always, NULL);
  usleep(20000); /* past the poll's first 10 ms */
  ck_assert_int_eq(fl__sort_u64(ctx, a, n, "sorting"), FL_E_CANCEL);
  FL_ASSERT_MSG_HAS(ctx, "interrupted");
  free(a);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("high_ground");
  TCase *tc = tcase_create("high_ground");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_dem_peaks_two_cones);
  tcase_add_test(tc, test_points_select_side_and_band);
  tcase_add_loop_test(tc, test_stoppable_sort_as_qsort, 0, 4);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
