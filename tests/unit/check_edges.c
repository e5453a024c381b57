/*
 * check_edges.c - the exact closest point on a long geodesic edge
 * (fl__geod_point_segment), the far-candidate ranking of the distance index,
 * fl__centre_lon and fl__cut_at_antimeridian. Expected values: geometry reasoned by hand (the equator
 * is a geodesic; a geodesic leaving an edge at a right angle meets it at its
 * foot) and points put on an edge with geod_direct.
 */
#include <geodesic.h>
#include "fl_test.h"
#include "fl_dist_index.h" /* fl__index_piece_count; fl_crs.h: fl__centre_lon, frames */

static struct geod_geodesic g;

static void setup(void) { geod_init(&g, 6378137.0, 1 / 298.257223563); }

static void teardown(void) {}

/* The point at fraction frac of the geodesic AB, moved off_m at a right
 * angle (left when positive). */
static void point_off(double alon, double alat, double blon, double blat, double frac,
                      double off_m, double *lon, double *lat) {
  double s12, az1, az2, flon, flat, faz;
  geod_inverse(&g, alat, alon, blat, blon, &s12, &az1, &az2);
  geod_direct(&g, alat, alon, az1, frac * s12, &flat, &flon, &faz);
  if (off_m == 0.0) {
    *lon = flon;
    *lat = flat;
    return;
  }
  geod_direct(&g, flat, flon, faz - 90.0, off_m, lat, lon, &az2);
}

START_TEST(test_point_on_long_edge_is_zero) {
  const double km[] = {10, 50, 150, 500, 1500};
  const double start[][3] = {{30, 48, 70}, {20, 78, 100}, {150, -35, 60}};
  for (size_t i = 0; i < sizeof km / sizeof km[0]; i++)
    for (size_t j = 0; j < 3; j++) {
      double blat, blon, az2;
      geod_direct(&g, start[j][1], start[j][0], start[j][2], km[i] * 1000, &blat, &blon, &az2);
      for (double f = 0.13; f < 1.0; f += 0.29) {
        double lon, lat;
        point_off(start[j][0], start[j][1], blon, blat, f, 0.0, &lon, &lat);
        double d = fl__geod_point_segment(&g, lon, lat, start[j][0], start[j][1], blon, blat,
                                          NULL, NULL);
        FL_ASSERT_NEAR(d, 0.0, 0.002, "m");
      }
    }
}
END_TEST

START_TEST(test_perpendicular_distances) {
  const double km[] = {10, 150, 1500};
  const double off[] = {500.0, -20000.0, 100000.0};
  for (size_t i = 0; i < 3; i++)
    for (size_t k = 0; k < 3; k++) {
      double blat, blon, az2, lon, lat, nlon, nlat;
      geod_direct(&g, 70.0, 25.0, 80.0, km[i] * 1000, &blat, &blon, &az2);
      point_off(25.0, 70.0, blon, blat, 0.37, off[k], &lon, &lat);
      double d = fl__geod_point_segment(&g, lon, lat, 25.0, 70.0, blon, blat, &nlon, &nlat);
      FL_ASSERT_NEAR(d, fabs(off[k]), 0.002, "m");
      double flon, flat; /* the closest point is the foot */
      point_off(25.0, 70.0, blon, blat, 0.37, 0.0, &flon, &flat);
      double s12, a1, a2;
      geod_inverse(&g, nlat, nlon, flat, flon, &s12, &a1, &a2);
      FL_ASSERT_NEAR(s12, 0.0, 0.002, "m");
    }
}
END_TEST

/* The equator is a geodesic: a point 1 degree north of a 2,000 km stretch of
 * it is one meridian degree away, 110,574.389 m (WGS84 meridian arc 0-1 N). */
START_TEST(test_equator_meridian_degree) {
  double d = fl__geod_point_segment(&g, 7.3, 1.0, 0.0, 0.0, 18.0, 0.0, NULL, NULL);
  FL_ASSERT_NEAR(d, 110574.389, 0.01, "m");
  /* beyond the end: the distance to the end vertex */
  double s12, a1, a2;
  geod_inverse(&g, 1.0, 20.0, 0.0, 18.0, &s12, &a1, &a2);
  d = fl__geod_point_segment(&g, 20.0, 1.0, 0.0, 0.0, 18.0, 0.0, NULL, NULL);
  FL_ASSERT_NEAR(d, s12, 0.001, "m");
}
END_TEST


/* A far candidate: a 1,500 km edge 30 km from P, a short piece 30.1 km from
 * it, and a third part 3,000 km away that moves the frame's centre far from
 * both; the long edge must win, at 30 km to the millimetre. */
START_TEST(test_far_candidate_never_wins) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  double blat, blon, az2, plon, plat, flon, flat, qlon, qlat;
  geod_direct(&g, 60.0, 20.0, 90.0, 1500e3, &blat, &blon, &az2);
  point_off(20.0, 60.0, blon, blat, 0.8, 30000.0, &plon, &plat);
  point_off(20.0, 60.0, blon, blat, 0.8, 60100.0, &flon, &flat);
  point_off(20.0, 60.0, blon, blat, 0.8, 60200.0, &qlon, &qlat);
  char wkt[512];
  snprintf(wkt, sizeof wkt,
           "MULTILINESTRING((20 60, %.12f %.12f), (%.12f %.12f, %.12f %.12f), (-10 30, -9 30))",
           blon, blat, flon, flat, qlon, qlat);
  GEOSGeometry *front = fl_test_wkt(ctx, wkt);
  GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, plon, plat);
  double d;
  ck_assert_int_eq(fl_distance_m(ctx, p, front, &d, NULL, NULL), FL_OK);
  FL_ASSERT_NEAR(d, 30000.0, 0.002, "m");
  GEOSGeom_destroy_r(h, p);
  GEOSGeom_destroy_r(h, front);
  fl_ctx_destroy(ctx);
}
END_TEST

/* The frame's estimate of a distance (the sphere's stretch removed) against
 * geod_inverse: within 1e-5 (sphere, rounding) plus fl__frame_ellipsoid_rel
 * at the vector's far end, for vectors of 100 m-300 km at 100-4,000 km from
 * centres at 60 S-80 N in eight directions (the ellipsoid's part grows as
 * rho^2: 0.0015 (rho/R)^2 measured). */
START_TEST(test_frame_estimate_bound) {
  const double centre[][2] = {{37, 48}, {0, 0}, {150, -60}, {10, 80}};
  const double rho[] = {100e3, 750e3, 1500e3, 2500e3, 4000e3};
  const double len[] = {100.0, 30e3, 300e3};
  double worst = 0.0;
  for (size_t c = 0; c < 4; c++) {
    fl__frame f;
    fl__frame_init(&f, &g, centre[c][0], centre[c][1]);
    for (size_t r = 0; r < 5; r++)
      for (int a = 0; a < 8; a++)
        for (size_t l = 0; l < 3; l++)
          for (int b = 0; b < 8; b++) {
            double plat, plon, qlat, qlon, az2, s12, a1, a2, px, py, qx, qy;
            geod_direct(&g, centre[c][1], centre[c][0], 45.0 * a + 10.0, rho[r], &plat, &plon, &az2);
            geod_direct(&g, plat, plon, 45.0 * b + 20.0, len[l], &qlat, &qlon, &az2);
            geod_inverse(&g, plat, plon, qlat, qlon, &s12, &a1, &a2);
            fl__frame_fwd(&f, plon, plat, &px, &py);
            fl__frame_fwd(&f, qlon, qlat, &qx, &qy);
            double est = fl__index_segment_estimate(qx, qy, qx, qy, px, py);
            double bound = (1e-5 + fl__frame_ellipsoid_rel(rho[r] + len[l])) * s12 + 0.01;
            worst = fmax(worst, fabs(est - s12) / bound);
            ck_assert_msg(fabs(est - s12) <= bound, "estimate %.4f m, geodesic %.4f m at %.0f km from "
                          "(%g, %g)", est, s12, rho[r] / 1e3, centre[c][0], centre[c][1]);
          }
  }
  ck_assert_msg(worst > 0.3, "the bound is tight enough to mean something: worst %.3f", worst);
}
END_TEST

/* Edges of the common case stay one piece; a long edge far out is cut. */
START_TEST(test_piece_count) {
  ck_assert_uint_eq(fl__index_piece_count(100e3, 1000.0), 1);
  ck_assert_uint_eq(fl__index_piece_count(600e3, 500.0), 1);
  ck_assert_uint_gt(fl__index_piece_count(750e3, 1500e3), 100);
  ck_assert_uint_eq(fl__index_piece_count(0.0, 0.0), 1);
}
END_TEST

/* fl__centre_lon: the middle of the extent in the common case; across 180
 * the middle of the longitudes held (opposite the widest gap). */
START_TEST(test_centre_lon) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *a = fl_test_wkt(ctx, "LINESTRING(30 48, 40 50)");
  const GEOSGeometry *ga[1] = {a};
  FL_ASSERT_NEAR(fl__centre_lon(ctx, ga, 1, 30, 40), 35.0, 1e-12, "deg");
  GEOSGeometry *b = fl_test_wkt(ctx, "MULTILINESTRING((170.5 60, 180 61), (-180 61, -170.5 62))");
  const GEOSGeometry *gb[1] = {b};
  double c = fl__centre_lon(ctx, gb, 1, -180, 180);
  FL_ASSERT_NEAR(fabs(c), 180.0, 1.0, "deg"); /* degree bins */
  GEOSGeometry *p = fl_test_wkt(ctx, "MULTIPOINT((175 0), (-160 0))");
  const GEOSGeometry *gp[1] = {p};
  FL_ASSERT_NEAR(fl__centre_lon(ctx, gp, 1, -160, 175), -172.5, 1.0, "deg");
  GEOSGeom_destroy_r(h, a);
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, p);
  fl_ctx_destroy(ctx);
}
END_TEST

/* fl__cut_at_antimeridian: a line unwrapped past 180 comes back as two
 * parts meeting at +-180, every lon within -180..180; a line that does not
 * run past is copied. */
START_TEST(test_cut_at_antimeridian) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *a = fl_test_wkt(ctx, "LINESTRING(170 10, 190 20)");
  GEOSGeometry *c = fl__cut_at_antimeridian(ctx, a);
  ck_assert_ptr_nonnull(c);
  ck_assert_int_eq(GEOSGetNumGeometries_r(h, c), 2);
  double minx, maxx, len;
  GEOSGeom_getXMin_r(h, c, &minx);
  GEOSGeom_getXMax_r(h, c, &maxx);
  FL_ASSERT_NEAR(minx, -180.0, 1e-9, "deg");
  FL_ASSERT_NEAR(maxx, 180.0, 1e-9, "deg");
  GEOSLength_r(h, c, &len); /* planar length is kept: sqrt(20^2 + 10^2) */
  FL_ASSERT_NEAR(len, sqrt(500.0), 1e-9, "deg");
  GEOSGeometry *b = fl_test_wkt(ctx, "LINESTRING(10 10, 20 20)");
  GEOSGeometry *d = fl__cut_at_antimeridian(ctx, b);
  ck_assert_int_eq(GEOSEquals_r(h, b, d), 1);
  GEOSGeom_destroy_r(h, a);
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, c);
  GEOSGeom_destroy_r(h, d);
  fl_ctx_destroy(ctx);
}
END_TEST

typedef struct walk_count {
  const fl_dist_index *idx;
  double minx, miny, maxx, maxy; /* a frame box; minx > maxx: no pruning */
  size_t n;
} walk_count;

static int box_skip(const node *nd, void *user) {
  const walk_count *w = user;
  return nd->maxx < w->minx || nd->minx > w->maxx || nd->maxy < w->miny || nd->miny > w->maxy;
}

static int count_leaf(const node *nd, void *user) {
  walk_count *w = user;
  for (uint32_t k = 0; k < nd->count; k++) {
    const seg *s = &w->idx->segs[nd->first + k];
    if (w->minx > w->maxx || (fmax(s->x0, s->x1) >= w->minx && fmin(s->x0, s->x1) <= w->maxx &&
                              fmax(s->y0, s->y1) >= w->miny && fmin(s->y0, s->y1) <= w->maxy))
      w->n++;
  }
  return 0;
}

/* The tree walker visits every segment of a 200,000-edge line (no child is
 * ever dropped, whatever the depth), and a pruned walk finds exactly the
 * segments a brute-force scan of the same box finds; a point inside a
 * 100,000-edge polygon is at distance 0, one outside is not. */
START_TEST(test_walk_visits_every_segment) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  enum { N = 200001, M = 100000 };
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, N, 2);
  for (unsigned i = 0; i < N; i++)
    GEOSCoordSeq_setXY_r(h, cs, i, 37.0 + i * 1e-5, 48.0 + (i % 2) * 1e-3);
  GEOSGeometry *line = GEOSGeom_createLineString_r(h, cs);
  fl_dist_index *idx = NULL;
  ck_assert_int_eq(fl_dist_index_create(ctx, (const GEOSGeometry *const *)&line, 1, &idx), FL_OK);
  walk_count all = {idx, 1, 1, 0, 0, 0};
  ck_assert_int_eq(fl__index_dfs(idx, NULL, count_leaf, &all), 0);
  ck_assert_uint_eq(all.n, idx->n_segs);
  ck_assert_uint_ge(idx->n_segs, N - 1);
  double bx0, by0, bx1, by1;
  fl__frame_fwd(&idx->frame, 37.5, 47.99, &bx0, &by0);
  fl__frame_fwd(&idx->frame, 37.6, 48.01, &bx1, &by1);
  walk_count box = {idx, fmin(bx0, bx1), fmin(by0, by1), fmax(bx0, bx1), fmax(by0, by1), 0};
  fl__index_dfs(idx, box_skip, count_leaf, &box);
  size_t brute = 0;
  for (size_t k = 0; k < idx->n_segs; k++) {
    const seg *sg = &idx->segs[k];
    if (fmax(sg->x0, sg->x1) >= box.minx && fmin(sg->x0, sg->x1) <= box.maxx &&
        fmax(sg->y0, sg->y1) >= box.miny && fmin(sg->y0, sg->y1) <= box.maxy)
      brute++;
  }
  ck_assert_uint_eq(box.n, brute);
  ck_assert_uint_gt(brute, 9000); /* about a tenth of the line: 0.1 degree of 2 */
  fl_dist_index_destroy(ctx, idx);
  GEOSGeom_destroy_r(h, line);

  GEOSCoordSequence *ring = GEOSCoordSeq_create_r(h, M + 1, 2);
  for (unsigned i = 0; i <= M; i++) {
    double t = 2 * M_PI * (i % M) / M;
    GEOSCoordSeq_setXY_r(h, ring, i, 37.0 + 0.1 * cos(t), 48.0 + 0.1 * sin(t));
  }
  GEOSGeometry *poly = GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, ring), NULL, 0);
  ck_assert_int_eq(fl_dist_index_create(ctx, (const GEOSGeometry *const *)&poly, 1, &idx), FL_OK);
  fl_nearest in, out;
  ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, 37.0, 48.0, NULL, NULL, &in), FL_OK);
  FL_ASSERT_NEAR(in.dist_m, 0.0, 0.0, "m");
  ck_assert_int_eq(fl_dist_index_nearest_xy(ctx, idx, 37.0, 48.2, NULL, NULL, &out), FL_OK);
  /* 0.1 degree of latitude north of the circle's top vertex (37, 48.1) */
  double s12, az1, az2;
  geod_inverse(&g, 48.1, 37.0, 48.2, 37.0, &s12, &az1, &az2);
  FL_ASSERT_NEAR(out.dist_m, s12, 0.01, "m");
  fl_dist_index_destroy(ctx, idx);
  GEOSGeom_destroy_r(h, poly);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("edges");
  TCase *tc = tcase_create("edges");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_point_on_long_edge_is_zero);
  tcase_add_test(tc, test_perpendicular_distances);
  tcase_add_test(tc, test_equator_meridian_degree);
  tcase_add_test(tc, test_far_candidate_never_wins);
  tcase_add_test(tc, test_piece_count);
  tcase_add_test(tc, test_frame_estimate_bound);
  tcase_add_test(tc, test_centre_lon);
  tcase_add_test(tc, test_cut_at_antimeridian);
  tcase_add_test(tc, test_walk_visits_every_segment);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
