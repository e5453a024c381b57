/*
 * check_geodesy.c - geodesic measures, the distance index and buffers
 * against PROJ's geodesics (tests/oracles/geodesy_oracle.py, pyproj, and
 * geod_inverse/geod_direct called here directly as the reference).
 */
#include <geodesic.h>
#include <stdlib.h>
#include <string.h>
#include "fl_test.h"
#include "fl_geodesy.h" /* internal: the estimate query */

static fl_ctx *ctx;
static GEOSContextHandle_t h;

static void setup(void) {
  ctx = fl_ctx_create();
  h = fl_ctx_geos(ctx);
}

static void teardown(void) { fl_ctx_destroy(ctx); }

START_TEST(test_length_m_toretsk_kostiantynivka) {
  GEOSGeometry *g = fl_test_wkt(ctx, "LINESTRING(37.8478 48.3948, 37.7056 48.5277)");
  double m = 0;
  ck_assert_int_eq(fl_length_m(ctx, g, &m), FL_OK);
  /* pyproj Geod(WGS84).inv = 18138.446 m (geodesy_oracle.py); tol 1 mm */
  FL_ASSERT_NEAR(m, 18138.44607619361, 0.001, "m");
  GEOSGeom_destroy_r(h, g);
}
END_TEST

START_TEST(test_area_km2_one_degree_cell) {
  GEOSGeometry *g = fl_test_wkt(ctx, "POLYGON((36 48, 37 48, 37 49, 36 49, 36 48))");
  double a = 0;
  ck_assert_int_eq(fl_area_km2(ctx, g, &a), FL_OK);
  /* pyproj polygon_area_perimeter = 8217.5899 km2; tol 0.001 km2 */
  FL_ASSERT_NEAR(a, 8217.589924770447, 0.001, "km2");
  /* a hole of the same cell leaves nothing */
  GEOSGeometry *holed = fl_test_wkt(ctx, "POLYGON((35 47, 38 47, 38 50, 35 50, 35 47),"
                                         "(36 48, 37 48, 37 49, 36 49, 36 48))");
  GEOSGeometry *outer = fl_test_wkt(ctx, "POLYGON((35 47, 38 47, 38 50, 35 50, 35 47))");
  double ah = 0, ao = 0;
  fl_area_km2(ctx, holed, &ah);
  fl_area_km2(ctx, outer, &ao);
  FL_ASSERT_NEAR(ao - ah, 8217.589924770447, 0.001, "km2");
  GEOSGeom_destroy_r(h, g);
  GEOSGeom_destroy_r(h, holed);
  GEOSGeom_destroy_r(h, outer);
}
END_TEST

/* Points over an area 1,800 km across, to a 1,200 km front (3 vertices, long
 * geodesic edges). Expected: geodesy_oracle.py (pyproj, densified edges). */
START_TEST(test_distance_m_1500km_area) {
  static const struct { double lon, lat, want_m; } cases[] = {
      {37.8478, 48.3948, 113002.90255215694}, {30.0, 44.0, 372584.2529417283},
      {44.0, 53.0, 546275.3330540552},        {33.5, 51.5, 349907.1224165318},
      {40.5, 45.0, 522516.8778618496},        {36.0, 48.1, 35046.27075009721},
      {27.5, 49.0, 490697.0522575663},        {45.5, 47.0, 647671.3989431582},
  };
  GEOSGeometry *front = fl_test_wkt(ctx, "LINESTRING(37.9 49.9, 35.5 48.2, 33.0 46.6)");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char wkt[64];
    snprintf(wkt, sizeof wkt, "POINT(%.4f %.4f)", cases[i].lon, cases[i].lat);
    GEOSGeometry *p = fl_test_wkt(ctx, wkt);
    double d = -1;
    ck_assert_int_eq(fl_distance_m(ctx, p, front, &d, NULL, NULL), FL_OK);
    /* far tighter than DESIGN's max(1 m, 0.1 %): 1e-5 relative */
    FL_ASSERT_NEAR(d, cases[i].want_m, fmax(0.5, 1e-5 * cases[i].want_m), "m");
    GEOSGeom_destroy_r(h, p);
  }
  GEOSGeom_destroy_r(h, front);
}
END_TEST

START_TEST(test_distance_m_inside_and_crossing_is_zero) {
  GEOSGeometry *poly = fl_test_wkt(ctx, "POLYGON((38 48, 39 48, 39 49, 38 49, 38 48))");
  GEOSGeometry *pt = fl_test_wkt(ctx, "POINT(38.5 48.5)");
  GEOSGeometry *line = fl_test_wkt(ctx, "LINESTRING(37.5 48.5, 38.5 48.6)");
  GEOSGeometry *inner = fl_test_wkt(ctx, "LINESTRING(38.2 48.2, 38.3 48.3)");
  double d = -1;
  ck_assert_int_eq(fl_distance_m(ctx, pt, poly, &d, NULL, NULL), FL_OK);
  ck_assert(d == 0.0);
  ck_assert_int_eq(fl_distance_m(ctx, line, poly, &d, NULL, NULL), FL_OK);
  ck_assert(d == 0.0);
  ck_assert_int_eq(fl_distance_m(ctx, poly, inner, &d, NULL, NULL), FL_OK); /* contained */
  ck_assert(d == 0.0);
  GEOSGeom_destroy_r(h, poly);
  GEOSGeom_destroy_r(h, pt);
  GEOSGeom_destroy_r(h, line);
  GEOSGeom_destroy_r(h, inner);
}
END_TEST

/* Two parallel meridian segments 0.1 deg of longitude apart at 48 N: the
 * distance is the geodesic between (37.0, 48.0) and (37.1, 48.0) ... the
 * closest points lie on the same parallel near its middle; reference by
 * geod_inverse at the segments' shared latitude range. */
START_TEST(test_distance_m_line_to_line) {
  GEOSGeometry *a = fl_test_wkt(ctx, "LINESTRING(37.0 47.99, 37.0 48.01)");
  GEOSGeometry *b = fl_test_wkt(ctx, "LINESTRING(37.2 48.0, 37.3 48.0)");
  struct geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  double s12, az1, az2;
  /* the closest pair is b's end (37.2, 48.0) and a's meridian at ~48.0 */
  geod_inverse(&g, 48.0, 37.0, 48.0, 37.2, &s12, &az1, &az2);
  double d = -1;
  ck_assert_int_eq(fl_distance_m(ctx, a, b, &d, NULL, NULL), FL_OK);
  /* the point of a's meridian nearest to (37.2, 48) is a hair north of 48.0:
     it is closer than s12 by far less than 1 m */
  ck_assert_msg(d <= s12 + 1e-6 && d > s12 - 1.0, "d %.4f vs %.4f", d, s12);
  GEOSGeom_destroy_r(h, a);
  GEOSGeom_destroy_r(h, b);
}
END_TEST

static int only_odd(size_t item, void *user) {
  (void)user;
  return item % 2 == 1;
}

START_TEST(test_dist_index_nearest_accept_filter) {
  GEOSGeometry *lines[3] = {fl_test_wkt(ctx, "LINESTRING(37.0 48.0, 37.0 48.5)"),
                            fl_test_wkt(ctx, "LINESTRING(37.5 48.0, 37.5 48.5)"),
                            fl_test_wkt(ctx, "LINESTRING(38.5 48.0, 38.5 48.5)")};
  fl_dist_index *idx = NULL;
  ck_assert_int_eq(fl_dist_index_create(ctx, (const GEOSGeometry *const *)lines, 3, &idx), FL_OK);
  fl_nearest nr;
  ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, 37.1, 48.25, NULL, NULL, &nr), FL_OK);
  ck_assert_uint_eq(nr.item, 0);
  ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, 37.1, 48.25, only_odd, NULL, &nr), FL_OK);
  ck_assert_uint_eq(nr.item, 1);
  struct geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  double s12, az1, az2;
  geod_inverse(&g, 48.25, 37.1, 48.25, 37.5, &s12, &az1, &az2);
  /* the nearest point of a meridian from (37.1, 48.25) is at about the same
     latitude: geod_inverse along the parallel is an upper bound within 1 m */
  ck_assert_msg(nr.dist_m <= s12 + 1e-6 && nr.dist_m > s12 - 1.0, "%.3f vs %.3f", nr.dist_m, s12);
  ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, 237.1, 48.25, NULL, NULL, &nr), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "outside lon -180..180");
  fl_dist_index_destroy(ctx, idx);
  for (int i = 0; i < 3; i++) GEOSGeom_destroy_r(h, lines[i]);
}
END_TEST

/* Reference distance from a point to a polyline: geod_direct steps of 25 m
 * along each geodesic edge, geod_inverse to each (PROJ only). */
static double brute_dist(const struct geod_geodesic *g, double lon, double lat, const double *xy,
                         int n) {
  double best = INFINITY;
  for (int i = 0; i + 1 < n; i++) {
    double s12, az1, az2;
    geod_inverse(g, xy[2 * i + 1], xy[2 * i], xy[2 * i + 3], xy[2 * i + 2], &s12, &az1, &az2);
    for (double s = 0; s <= s12 + 25; s += 25) {
      double plat, plon, a2, d, b1, b2;
      geod_direct(g, xy[2 * i + 1], xy[2 * i], az1, fmin(s, s12), &plat, &plon, &a2);
      geod_inverse(g, lat, lon, plat, plon, &d, &b1, &b2);
      if (d < best) best = d;
    }
  }
  return best;
}

/* (U1): every vertex of a 20 km buffer of the 1,200 km front lies 20 km from
 * it within max(1 m, 0.1 %). The buffer spans several tiles. */
/* The frame estimate that route-exposure uses away from its thresholds
 * (fl__dist_index_estimate_xy) keeps its stated bound against the exact
 * query over an area 1,500 km across: a meandering 1,200-vertex front from
 * (28 E, 43 N) to (45 E, 54 N), 3,000 points from a fixed linear
 * congruential sequence over lon 28-46, lat 42-55. With a limit, a point
 * reported beyond it is truly farther than the limit less the bound. */
START_TEST(test_dist_index_estimate_bound_1500km) {
  enum { NV = 1200, NP = 3000 };
  unsigned long long r = 20241008ULL;
#define NEXT_UNIT() ((r = r * 6364136223846793005ULL + 1442695040888963407ULL), \
                     (double)(r >> 11) / 9007199254740992.0)
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, NV, 2);
  for (int i = 0; i < NV; i++) {
    double t = (double)i / (NV - 1);
    double lon = 28.0 + 17.0 * t + 0.4 * sin(40.0 * t) + 0.05 * (NEXT_UNIT() - 0.5);
    double lat = 43.0 + 11.0 * t + 0.6 * sin(23.0 * t) + 0.05 * (NEXT_UNIT() - 0.5);
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, lon, lat);
  }
  GEOSGeometry *front = GEOSGeom_createLineString_r(h, cs);
  const GEOSGeometry *items[1] = {front};
  fl_dist_index *idx = NULL;
  ck_assert_int_eq(fl_dist_index_create(ctx, items, 1, &idx), FL_OK);
  double worst_rel = 0;
  int n_beyond = 0;
  for (int i = 0; i < NP; i++) {
    double lon = 28.0 + 18.0 * NEXT_UNIT(), lat = 42.0 + 13.0 * NEXT_UNIT();
    fl_nearest nr;
    ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, lon, lat, NULL, NULL, &nr), FL_OK);
    double est = 0;
    int beyond = 1;
    ck_assert_int_eq(fl__dist_index_estimate_xy(ctx, idx, lon, lat, 1e12, &est, &beyond), FL_OK);
    ck_assert_int_eq(beyond, 0);
    double err = fabs(est - nr.dist_m), bound = FL__EST_REL * nr.dist_m + FL__EST_ABS_M;
    ck_assert_msg(err <= bound, "point %d (%.5f, %.5f): estimate %.3f m, exact %.3f m, bound %.3f",
                  i, lon, lat, est, nr.dist_m, bound);
    if (nr.dist_m > 1000 && err / nr.dist_m > worst_rel) worst_rel = err / nr.dist_m;
    double limit = 20000.0;
    ck_assert_int_eq(fl__dist_index_estimate_xy(ctx, idx, lon, lat, limit, &est, &beyond), FL_OK);
    if (beyond) {
      n_beyond++;
      ck_assert_double_eq(est, limit);
      ck_assert_msg(nr.dist_m > limit - FL__EST_REL * limit - FL__EST_ABS_M,
                    "point %d reported beyond %.0f m is %.3f m away", i, limit, nr.dist_m);
    } else {
      ck_assert_msg(fabs(est - nr.dist_m) <= bound, "point %d within the limit: %.3f vs %.3f", i,
                    est, nr.dist_m);
    }
  }
#undef NEXT_UNIT
  /* the sample has points on both sides of the limit */
  ck_assert_int_gt(n_beyond, 100);
  ck_assert_int_lt(n_beyond, NP - 100);
  fprintf(stderr, "estimate: worst relative error beyond 1 km %.2e\n", worst_rel);
  fl_dist_index_destroy(ctx, idx);
  GEOSGeom_destroy_r(h, front);
}
END_TEST

START_TEST(test_buffer_boundary_1200km_front) {
  static const double xy[] = {37.9, 49.9, 35.5, 48.2, 33.0, 46.6};
  GEOSGeometry *front = fl_test_wkt(ctx, "LINESTRING(37.9 49.9, 35.5 48.2, 33.0 46.6)");
  GEOSGeometry *buf = NULL;
  ck_assert_int_eq(fl_buffer(ctx, front, 20000.0, FL_SIDE_BOTH, &buf), FL_OK);
  ck_assert_int_eq(GEOSGeomTypeId_r(h, buf), GEOS_POLYGON);
  const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, buf);
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  ck_assert_uint_gt(n, 100);
  struct geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  int checked = 0;
  for (unsigned int i = 0; i < n; i += n / 60 + 1) {
    double x, y;
    GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
    double d = brute_dist(&g, x, y, xy, 3);
    /* tile seams add vertices off the arcs only along tile edges: those lie
       on chords, at most 0.03 % inside (U3); all within the target */
    FL_ASSERT_NEAR(d, 20000.0, FL_TOL_M(20000.0), "m");
    checked++;
  }
  ck_assert_int_gt(checked, 30);
  GEOSGeom_destroy_r(h, buf);
  GEOSGeom_destroy_r(h, front);
}
END_TEST

START_TEST(test_band_area_of_point_ring) {
  /* A 5-10 km band around a point is an annulus; its geodesic area is
   * pi (10^2 - 5^2) km2 to first order; the 0.03 % chord shortfall (U3) and
   * the ellipsoid keep it within 0.2 %. Reference: 235.619 km2. */
  GEOSGeometry *p = fl_test_wkt(ctx, "POINT(37.8478 48.3948)");
  GEOSGeometry *band = NULL;
  ck_assert_int_eq(fl_band(ctx, p, 5000.0, 10000.0, FL_SIDE_BOTH, &band), FL_OK);
  double a = 0;
  fl_area_km2(ctx, band, &a);
  FL_ASSERT_NEAR(a, M_PI * (100.0 - 25.0), 0.002 * M_PI * 75.0, "km2");
  GEOSGeom_destroy_r(h, band);
  band = NULL;
  ck_assert_int_eq(fl_band(ctx, p, 10000.0, 5000.0, FL_SIDE_BOTH, &band), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "inner < outer");
  GEOSGeom_destroy_r(h, p);
}
END_TEST

START_TEST(test_buffer_left_right_split) {
  /* Left and right single-sided buffers of a west-to-east line: the left one
   * lies north (larger latitudes), their areas add up to the flat-capped
   * two-sided strip: 2 x 10 km x length. */
  GEOSGeometry *line = fl_test_wkt(ctx, "LINESTRING(37.0 48.0, 38.0 48.0)");
  GEOSGeometry *left = NULL, *right = NULL;
  ck_assert_int_eq(fl_buffer(ctx, line, 10000.0, FL_SIDE_LEFT, &left), FL_OK);
  ck_assert_int_eq(fl_buffer(ctx, line, 10000.0, FL_SIDE_RIGHT, &right), FL_OK);
  double ymin_left, ymax_right;
  GEOSGeom_getYMin_r(h, left, &ymin_left);
  GEOSGeom_getYMax_r(h, right, &ymax_right);
  ck_assert(ymin_left > 47.99 && ymax_right < 48.01);
  double al = 0, ar = 0, len = 0;
  fl_area_km2(ctx, left, &al);
  fl_area_km2(ctx, right, &ar);
  fl_length_m(ctx, line, &len);
  /* strip area = length x 10 km per side, to 0.5 % (the parallel is not a geodesic) */
  FL_ASSERT_NEAR(al + ar, 2 * 10.0 * len / 1000.0, 0.005 * 20.0 * len / 1000.0, "km2");
  GEOSGeom_destroy_r(h, left);
  GEOSGeom_destroy_r(h, right);
  GEOSGeom_destroy_r(h, line);
}
END_TEST

static int flag_nonfinite(double *x, double *y, void *user) {
  if (!isfinite(*x) || !isfinite(*y)) *(int *)user = 1;
  return 1;
}

START_TEST(test_buffer_multipoint_with_empty_point) {
  /* Fuzz finding tests/fuzz/regressions/spatialite_multipoint_empty_point_densify_crash.bin:
   * a SpatiaLite MULTIPOINT Z whose first point is NaN, read as an empty
   * point; GEOS 3.11.1's densifier (U6) dereferenced NULL on it. Now the
   * empty part is kept as it is and the buffer is the other point's disc:
   * pi x 500 m squared, to the 0.5 % of a 16-segment quadrant. */
  GEOSGeometry *parts[2] = {GEOSGeom_createEmptyPoint_r(h),
                            GEOSGeom_createPointFromXY_r(h, 37.9, 48.4)};
  GEOSGeometry *mp = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, parts, 2);
  ck_assert_ptr_nonnull(mp);
  GEOSSetSRID_r(h, mp, 4326);
  GEOSGeometry *buf = NULL;
  ck_assert_int_eq(fl_buffer(ctx, mp, 500.0, FL_SIDE_BOTH, &buf), FL_OK);
  double km2 = 0;
  ck_assert_int_eq(fl_area_km2(ctx, buf, &km2), FL_OK);
  FL_ASSERT_NEAR(km2, M_PI * 0.25, 0.005 * M_PI * 0.25, "km2");
  GEOSGeom_destroy_r(h, buf);
  GEOSGeom_destroy_r(h, mp);
}
END_TEST

START_TEST(test_buffer_selfcrossing_polygon) {
  /* Fuzz finding tests/fuzz/regressions/gpkg_densify_selfcrossing_multipolygon_crash.bin:
   * a polygon whose ring crosses itself, 11 degrees wide. Its frame copy is
   * densified part by part (U6); GEOS's densifier cleans a polygon with a
   * zero buffer and gave a multipolygon, which went into a multipolygon
   * unchecked, and the next GEOS call crashed (SIGSEGV) on the broken
   * ring. Now the parts are flattened: a valid buffer that holds every
   * vertex of the input. */
  GEOSGeometry *g = GEOSGeomFromWKT_r(
      h, "POLYGON ((37.853 48.416, 37.853 48.378647, 37.855 48.379, 47.864 48.388, "
         "36.2500000000782308 48.4, 37.868 52.0004661283344021, 37.874 49.994125, "
         "37.853 48.416))");
  ck_assert_ptr_nonnull(g);
  GEOSSetSRID_r(h, g, 4326);
  GEOSGeometry *buf = NULL;
  ck_assert_int_eq(fl_buffer(ctx, g, 500.0, FL_SIDE_BOTH, &buf), FL_OK);
  ck_assert_int_eq(GEOSisValid_r(h, buf), 1);
  const GEOSCoordSequence *ring = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g));
  for (unsigned int i = 0; i < 7; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(h, ring, i, &x, &y);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    ck_assert_msg(GEOSIntersects_r(h, buf, pt) == 1, "vertex %u (%g %g) outside", i, x, y);
    GEOSGeom_destroy_r(h, pt);
  }
  GEOSGeom_destroy_r(h, buf);
  GEOSGeom_destroy_r(h, g);
}
END_TEST

START_TEST(test_buffer_world_line_clip_nan) {
  /* Fuzz finding tests/fuzz/regressions/gpkg_3857_world_line_buffer_clip_nan.bin:
   * a GPB line in EPSG:3857 whose huge vertices go to the poles and the
   * antimeridian. Its lon/lat form (below, the exact WKB from
   * fl_geom_to_lonlat) made GEOS 3.11.1's GEOSClipByRect return NaN
   * vertices for one tile, and GEOS's buffer then crashed (SIGSEGV) on a
   * line without a finite vertex. Then: a buffer, every vertex finite (U4).
   * Now the line reaches the poles, so it is refused naming the limit (U10). */
  static const char *hex =
      "01020000000A00000086330E414E32363FAD47964A968B3C3FEE24000000000000CA2DECAB78248E3D"
      "B1FDCF81DA31363F82D9562855603C3F000CDB260000000000000000008056C000000000008066C000"
      "00000000805640000000000000000000000000008056C000000000008066C073B1800200000000A068"
      "6D5A00000000792D010000000000A437967AF10F363F2BD2BACDF77C3C3FD0CC8FEB2C0C363F3D74EB"
      "FA757B3C3F";
  GEOSWKBReader *r = GEOSWKBReader_create_r(h);
  GEOSGeometry *line = GEOSWKBReader_readHEX_r(h, r, (const unsigned char *)hex, strlen(hex));
  GEOSWKBReader_destroy_r(h, r);
  ck_assert_ptr_nonnull(line);
  GEOSSetSRID_r(h, line, 4326);
  GEOSGeometry *buf = NULL;
  if (fl_buffer(ctx, line, 500.0, FL_SIDE_BOTH, &buf) != FL_OK) {
    ck_assert_ptr_null(buf);
    ck_assert_msg(strstr(fl_ctx_errmsg(ctx), "Pole") != NULL, "%s", fl_ctx_errmsg(ctx));
    GEOSGeom_destroy_r(h, line);
    return;
  }
  ck_assert_int_eq(GEOSisEmpty_r(h, buf), 0);
  int bad = 0;
  GEOSGeometry *copy = GEOSGeom_transformXY_r(h, buf, flag_nonfinite, &bad);
  ck_assert_msg(copy && !bad, "the buffer has a non-finite vertex");
  GEOSGeom_destroy_r(h, copy);
  GEOSGeom_destroy_r(h, buf);
  GEOSGeom_destroy_r(h, line);
}
END_TEST

START_TEST(test_to_lonlat_from_utm) {
  /* NOTES.md 2.1: (37.8 E, 48.3 N) -> EPSG:32637 E 411006.345 N 5350340.723 */
  GEOSGeometry *p = fl_test_wkt(ctx, "POINT(411006.345 5350340.723)");
  GEOSGeometry *ll = NULL;
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, p, 32637, &ll), FL_OK);
  double x, y;
  GEOSGeomGetX_r(h, ll, &x);
  GEOSGeomGetY_r(h, ll, &y);
  FL_ASSERT_NEAR(x, 37.8, 1e-7, "deg");
  FL_ASSERT_NEAR(y, 48.3, 1e-7, "deg");
  GEOSGeom_destroy_r(h, ll);
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, p, 0, &ll), FL_E_SRID);
  FL_ASSERT_MSG_HAS(ctx, "no SRID");
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, p, 999999, &ll), FL_E_SRID);
  GEOSGeometry *bad = fl_test_wkt(ctx, "POINT(237.8 48.3)");
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, bad, 4326, &ll), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "(237.8, 48.3)");
  GEOSGeom_destroy_r(h, bad);
  GEOSGeom_destroy_r(h, p);
}
END_TEST

/* fl__densify_lines_parallel: the very geometry of fl__densify_geodesic
 * (WKB byte for byte) on two threads, for a long line and a multi line
 * string whose edges are short, long (points put on them) and zero, with an
 * empty part; a short line takes the serial path. */
static unsigned char *wkb_of(GEOSGeometry *g, size_t *n) {
  GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
  unsigned char *b = GEOSWKBWriter_write_r(h, w, g, n);
  GEOSWKBWriter_destroy_r(h, w);
  return b;
}

static void check_same_dense(GEOSGeometry *g) {
  GEOSGeometry *a = fl__densify_geodesic(ctx, g, 5000.0);
  GEOSGeometry *b = fl__densify_lines_parallel(ctx, g, 5000.0);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  ck_assert_int_eq(GEOSGetSRID_r(h, a), GEOSGetSRID_r(h, b));
  size_t na = 0, nb = 0;
  unsigned char *wa = wkb_of(a, &na), *wb = wkb_of(b, &nb);
  ck_assert_uint_eq(na, nb);
  ck_assert(memcmp(wa, wb, na) == 0);
  ck_assert_int_gt(GEOSGetNumCoordinates_r(h, a), GEOSGetNumCoordinates_r(h, g));
  GEOSFree_r(h, wa);
  GEOSFree_r(h, wb);
  GEOSGeom_destroy_r(h, a);
  GEOSGeom_destroy_r(h, b);
}

static GEOSGeometry *zigzag(size_t n, double lon0, double lat0) {
  double *xy = malloc(2 * n * sizeof *xy);
  ck_assert_ptr_nonnull(xy);
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = lon0 + 0.001 * (double)i + (i % 997 == 0 ? 0.2 : 0.0); /* some 15 km edges */
    xy[2 * i + 1] = lat0 + (i % 2 ? 0.0005 : 0.0) + (i % 1999 == 5 ? 0.3 : 0.0);
    if (i % 4001 == 7) xy[2 * i] = xy[2 * i - 2], xy[2 * i + 1] = xy[2 * i - 1]; /* 0 m edge */
  }
  GEOSCoordSequence *s = GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned)n, 0, 0);
  free(xy);
  return GEOSGeom_createLineString_r(h, s);
}

START_TEST(test_densify_lines_parallel_same) {
  fl_ctx_set_threads(ctx, 2);
  GEOSGeometry *line = zigzag(20000, 36.0, 47.0);
  GEOSSetSRID_r(h, line, 4326);
  check_same_dense(line);
  GEOSGeometry *parts[3] = {zigzag(9000, 37.0, 48.0), GEOSGeom_createEmptyLineString_r(h),
                            zigzag(12345, 38.0, 49.5)};
  GEOSGeometry *multi = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts, 3);
  check_same_dense(multi);
  GEOSGeometry *small = fl_test_wkt(ctx, "LINESTRING(37 48, 37.5 48.2)");
  check_same_dense(small);
  GEOSGeom_destroy_r(h, line);
  GEOSGeom_destroy_r(h, multi);
  GEOSGeom_destroy_r(h, small);
}
END_TEST

int main(void) {
  Suite *s = suite_create("geodesy");
  TCase *tc = tcase_create("geodesy");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_length_m_toretsk_kostiantynivka);
  tcase_add_test(tc, test_area_km2_one_degree_cell);
  tcase_add_test(tc, test_distance_m_1500km_area);
  tcase_add_test(tc, test_distance_m_inside_and_crossing_is_zero);
  tcase_add_test(tc, test_distance_m_line_to_line);
  tcase_add_test(tc, test_dist_index_nearest_accept_filter);
  tcase_add_test(tc, test_dist_index_estimate_bound_1500km);
  tcase_add_test(tc, test_buffer_boundary_1200km_front);
  tcase_add_test(tc, test_band_area_of_point_ring);
  tcase_add_test(tc, test_buffer_left_right_split);
  tcase_add_test(tc, test_buffer_world_line_clip_nan);
  tcase_add_test(tc, test_buffer_multipoint_with_empty_point);
  tcase_add_test(tc, test_buffer_selfcrossing_polygon);
  tcase_add_test(tc, test_to_lonlat_from_utm);
  tcase_add_test(tc, test_densify_lines_parallel_same);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
