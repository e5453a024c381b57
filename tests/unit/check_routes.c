/*
 * check_routes.c - the prepared route kernels (fl_routes.h) on their own,
 * against pyproj: tests/unit/routes_fixture.h, written by
 * tests/oracles/routes_oracle.py (a route going east from 3.7 km off a
 * meridian front; three routes around a point).
 */
#include <pthread.h>
#include "fl_test.h"
#include "routes_fixture.h"

#define FRONT_WKT "LINESTRING (37 47.5, 37 48.5)"
#define ROUTE_WKT "LINESTRING (37.05 48, 37.5 48)"

static const double dist2[] = {5000, 20000};

static fl_exposure_kernel *exposure_kernel(fl_ctx *ctx) {
  GEOSGeometry *front = fl_test_wkt(ctx, FRONT_WKT);
  fl_exposure_kernel *k = NULL;
  ck_assert_int_eq(fl_exposure_prepare(ctx, front, dist2, 2, &k), FL_OK);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), front); /* the kernel keeps its own index */
  ck_assert_uint_eq(fl_exposure_n_dist(k), 2);
  return k;
}

/* R1-R4 on one route: its length, its closest approach, its km in each band
 * and its exposed part, as pyproj measures them. */
START_TEST(test_exposure_bands_and_closest) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  fl_exposure_kernel *k = exposure_kernel(ctx);
  GEOSGeometry *route = fl_test_wkt(ctx, ROUTE_WKT);
  double band[3], plain[3];
  fl_exposure_row row = {0, 0, band, NULL};
  ck_assert_int_eq(fl_exposure_route(ctx, k, route, FL_EXPOSURE_MIN | FL_EXPOSURE_PARTS, &row),
                   FL_OK);
  FL_ASSERT_NEAR(row.length_m, RO_ROUTE_LENGTH_M, 0.01, "m");
  FL_ASSERT_NEAR(row.min_m, RO_ROUTE_MIN_M, 0.01, "m");
  FL_ASSERT_NEAR(band[0], RO_BAND0_M, 1.0, "m"); /* edges halved down to 2 m */
  FL_ASSERT_NEAR(band[1], RO_BAND1_M, 1.0, "m");
  FL_ASSERT_NEAR(band[2], RO_BAND2_M, 1.0, "m");
  FL_ASSERT_NEAR(band[0] + band[1] + band[2], row.length_m, 1e-6, "m");
  ck_assert_ptr_nonnull(row.exposed);
  ck_assert_int_eq(GEOSGeomTypeId_r(h, row.exposed), GEOS_MULTILINESTRING);
  double x0, x1, y1;
  const GEOSGeometry *part = GEOSGetGeometryN_r(h, row.exposed, 0);
  GEOSGeometry *start = GEOSGeomGetStartPoint_r(h, part);
  GEOSGeomGetX_r(h, start, &x0);
  GEOSGeom_destroy_r(h, start);
  GEOSGeometry *end = GEOSGeomGetEndPoint_r(h, part);
  GEOSGeomGetX_r(h, end, &x1);
  GEOSGeomGetY_r(h, end, &y1);
  FL_ASSERT_NEAR(x0, 37.05, 1e-12, "deg");
  ck_assert(x1 > 37.05 && x1 < 37.5); /* the exposed part ends 20 km from the front */
  GEOSGeom_destroy_r(h, end);
  GEOSGeom_destroy_r(h, row.exposed);
  /* no flags: the same bands to the bit, no closest approach, no parts */
  fl_exposure_row bare = {0, 0, plain, NULL};
  ck_assert_int_eq(fl_exposure_route(ctx, k, route, 0, &bare), FL_OK);
  ck_assert(isnan(bare.min_m));
  ck_assert_ptr_null(bare.exposed);
  for (int b = 0; b < 3; b++) ck_assert(plain[b] == band[b]);
  ck_assert(bare.length_m == row.length_m);
  GEOSGeom_destroy_r(h, route);
  fl_exposure_free(ctx, k);
  fl_ctx_destroy(ctx);
}
END_TEST

/* A route crossing the front is 0 m from it; the single-band building
 * block (fl_route_band_m) measures what the kernel's band does. */
START_TEST(test_exposure_crossing) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  fl_exposure_kernel *k = exposure_kernel(ctx);
  GEOSGeometry *route = fl_test_wkt(ctx, "LINESTRING (36.9 48.1, 37.1 48.2, 37.3 48.0)");
  double band[3];
  fl_exposure_row row = {0, 0, band, NULL};
  ck_assert_int_eq(fl_exposure_route(ctx, k, route, FL_EXPOSURE_MIN, &row), FL_OK);
  FL_ASSERT_NEAR(row.min_m, 0.0, 0.0, "m");
  ck_assert(band[0] > 0 && band[1] > 0);
  GEOSGeometry *front = fl_test_wkt(ctx, FRONT_WKT);
  fl_dist_index *idx = NULL;
  ck_assert_int_eq(fl_dist_index_create(ctx, (const GEOSGeometry *const *)&front, 1, &idx), FL_OK);
  double m = 0;
  ck_assert_int_eq(fl_route_band_m(ctx, idx, route, 5000, 20000, &m), FL_OK);
  ck_assert(m == band[1]);
  fl_dist_index_destroy(ctx, idx);
  GEOSGeom_destroy_r(h, front);
  GEOSGeom_destroy_r(h, route);
  fl_exposure_free(ctx, k);
  fl_ctx_destroy(ctx);
}
END_TEST

/* Bad input: one sentence naming what, no kernel, no row. */
START_TEST(test_exposure_refuses) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *front = fl_test_wkt(ctx, FRONT_WKT);
  fl_exposure_kernel *k = NULL;
  const double down[] = {20000, 5000}, zero[] = {0};
  ck_assert_int_eq(fl_exposure_prepare(ctx, front, down, 2, &k), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "must increase");
  ck_assert_int_eq(fl_exposure_prepare(ctx, front, zero, 1, &k), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "band distance 1 is 0");
  ck_assert_ptr_null(k);
  GEOSGeometry *empty = fl_test_wkt(ctx, "LINESTRING EMPTY");
  ck_assert_int_eq(fl_exposure_prepare(ctx, empty, dist2, 2, &k), FL_E_GEOM);
  ck_assert_int_eq(fl_exposure_prepare(ctx, front, dist2, 2, &k), FL_OK);
  double band[3];
  fl_exposure_row row = {0, 0, band, NULL};
  ck_assert_int_eq(fl_exposure_route(ctx, k, empty, 0, &row), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "empty");
  GEOSGeometry *poly = fl_test_wkt(ctx, "POLYGON ((37.1 48, 37.2 48, 37.2 48.1, 37.1 48))");
  ck_assert_int_eq(fl_exposure_route(ctx, k, poly, 0, &row), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "polygon");
  fl_exposure_free(ctx, k);
  GEOSGeom_destroy_r(h, poly);
  GEOSGeom_destroy_r(h, empty);
  GEOSGeom_destroy_r(h, front);
  fl_ctx_destroy(ctx);
}
END_TEST

/* Two threads on one kernel, each with its own ctx: every answer the same
 * to the bit as one thread's. */
typedef struct thread_job {
  const fl_exposure_kernel *k;
  double band[3], min_m;
  int failed;
} thread_job;

static void *measure_many(void *arg) {
  thread_job *j = arg;
  fl_ctx *ctx = fl_ctx_create();
  GEOSGeometry *route = fl_test_wkt(ctx, ROUTE_WKT);
  for (int i = 0; i < 40 && !j->failed; i++) {
    fl_exposure_row row = {0, 0, j->band, NULL};
    j->failed = fl_exposure_route(ctx, j->k, route, FL_EXPOSURE_MIN, &row) != FL_OK;
    j->min_m = row.min_m;
  }
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), route);
  fl_ctx_destroy(ctx);
  return NULL;
}

START_TEST(test_exposure_threads) {
  fl_ctx *ctx = fl_ctx_create();
  fl_exposure_kernel *k = exposure_kernel(ctx);
  thread_job one = {k, {0}, 0, 0}, two[2] = {{k, {0}, 0, 0}, {k, {0}, 0, 0}};
  measure_many(&one);
  pthread_t t[2];
  for (int i = 0; i < 2; i++) ck_assert_int_eq(pthread_create(&t[i], NULL, measure_many, &two[i]), 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 2; i++) {
    ck_assert(!two[i].failed);
    ck_assert(two[i].min_m == one.min_m);
    for (int b = 0; b < 3; b++) ck_assert(two[i].band[b] == one.band[b]);
  }
  fl_exposure_free(ctx, k);
  fl_ctx_destroy(ctx);
}
END_TEST

/* N1-N3: the nearest accepted route of a point, of a polygon a route
 * enters, and the connecting geodesic. */
START_TEST(test_nearest_kernel) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *routes[3] = {fl_test_wkt(ctx, "LINESTRING (37.2 48, 37.2 48.3)"),
                             fl_test_wkt(ctx, "LINESTRING (36.8 47.9, 36.9 48.2)"),
                             fl_test_wkt(ctx, "LINESTRING (37.01 48, 37.01 48.1)")};
  const unsigned char accepted[3] = {1, 1, 0}, none[3] = {0, 0, 0};
  fl_nearest_kernel *all = NULL, *some = NULL, *k = NULL;
  ck_assert_int_eq(fl_nearest_prepare(ctx, (const GEOSGeometry *const *)routes, 3, NULL, &all),
                   FL_OK);
  ck_assert_int_eq(fl_nearest_prepare(ctx, (const GEOSGeometry *const *)routes, 3, accepted,
                                      &some), FL_OK);
  ck_assert_int_eq(fl_nearest_prepare(ctx, (const GEOSGeometry *const *)routes, 3, none, &k),
                   FL_E_ARG);
  ck_assert_ptr_null(k);
  for (int i = 0; i < 3; i++) GEOSGeom_destroy_r(h, routes[i]); /* the kernels keep their own */
  GEOSGeometry *p = fl_test_wkt(ctx, "POINT (37 48.05)");
  fl_nearest r;
  ck_assert_int_eq(fl_nearest_settlement(ctx, all, p, &r), FL_OK);
  ck_assert_uint_eq(r.item, 2);
  FL_ASSERT_NEAR(r.dist_m, RO_NEAR2_M, 0.01, "m");
  ck_assert_int_eq(fl_nearest_settlement(ctx, some, p, &r), FL_OK); /* (N2) */
  ck_assert_uint_eq(r.item, 1);
  FL_ASSERT_NEAR(r.dist_m, RO_NEAR1_M, 0.01, "m");
  FL_ASSERT_NEAR(r.from_lon, 37.0, 0.0, "deg");
  GEOSGeometry *line = NULL;
  ck_assert_int_eq(fl_nearest_line(ctx, &r, &line), FL_OK); /* (N3) */
  ck_assert_int_ge(GEOSGeomGetNumPoints_r(h, line), 12);    /* 10.9 km, a vertex per km */
  GEOSGeometry *a = GEOSGeomGetStartPoint_r(h, line), *b = GEOSGeomGetEndPoint_r(h, line);
  double ax, bx, by;
  GEOSGeomGetX_r(h, a, &ax);
  GEOSGeomGetX_r(h, b, &bx);
  GEOSGeomGetY_r(h, b, &by);
  ck_assert(ax == r.from_lon && bx == r.near_lon && by == r.near_lat);
  GEOSGeometry *poly = fl_test_wkt(ctx, "POLYGON ((37.15 48.1, 37.25 48.1, 37.25 48.2, "
                                        "37.15 48.2, 37.15 48.1))");
  ck_assert_int_eq(fl_nearest_settlement(ctx, some, poly, &r), FL_OK);
  ck_assert_uint_eq(r.item, 0);
  FL_ASSERT_NEAR(r.dist_m, 0.0, 0.0, "m");
  GEOSGeometry *empty = fl_test_wkt(ctx, "POINT EMPTY");
  ck_assert_int_eq(fl_nearest_settlement(ctx, some, empty, &r), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "empty");
  GEOSGeom_destroy_r(h, empty);
  GEOSGeom_destroy_r(h, poly);
  GEOSGeom_destroy_r(h, a);
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, line);
  GEOSGeom_destroy_r(h, p);
  fl_nearest_free(ctx, all);
  fl_nearest_free(ctx, some);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("routes");
  TCase *tc = tcase_create("routes");
  tcase_add_test(tc, test_exposure_bands_and_closest);
  tcase_add_test(tc, test_exposure_crossing);
  tcase_add_test(tc, test_exposure_refuses);
  tcase_add_test(tc, test_exposure_threads);
  tcase_add_test(tc, test_nearest_kernel);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
