/*
 * check_holding.c - the prepared holding kernel (fl_holding.h) on its own:
 * two claims of a control layer (source "a" and "b"), points and polygons
 * whose holders follow from the geometry by hand, and four threads applying
 * one kernel at once (each must get the answers of one thread).
 */
#include <math.h>
#include <pthread.h>
#include "fl_test.h"

static fl_ctx *ctx;

static void add(fl_layer *l, const char *wkt, const char *side, const char *source) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(f);
  fl_feature_set_text(l, f, fl_layer_field_index(l, "side"), side);
  fl_feature_set_text(l, f, fl_layer_field_index(l, "source"), source);
}

/* Claim "a": UA west of lon 1, RU east of it (0..2 x 0..1).
 * Claim "b": UA everywhere on 0..2 x 0..1. */
static fl_layer *control(void) {
  fl_layer *l = fl_layer_new("control", 4326, "POLYGON");
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_layer_add_field(l, "source", FL_FIELD_TEXT);
  add(l, "POLYGON((0 0,1 0,1 1,0 1,0 0))", "UA", "a");
  add(l, "POLYGON((1 0,2 0,2 1,1 1,1 0))", "RU", "a");
  add(l, "POLYGON((0 0,2 0,2 1,0 1,0 0))", "UA", "b");
  return l;
}

static fl_holding_kernel *prepare(void) {
  fl_options o;
  fl_options_init(&o);
  fl_layer *l = control();
  fl_holding_kernel *k = NULL;
  ck_assert_int_eq(fl_holding_prepare(ctx, l, &o, &k), FL_OK);
  fl_layer_destroy(ctx, l); /* the kernel keeps what it needs */
  return k;
}

static int side_of(const fl_holding_kernel *k, const char *name) {
  for (size_t s = 0; s < fl_holding_n_sides(k); s++)
    if (!strcmp(fl_holding_side(k, s), name)) return (int)s;
  return -2;
}

START_TEST(claims_and_sides) {
  fl_holding_kernel *k = prepare();
  ck_assert_uint_eq(fl_holding_n_claims(k), 2);
  ck_assert_str_eq(fl_holding_claim_source(k, 0), "a");
  ck_assert_str_eq(fl_holding_claim_source(k, 1), "b");
  ck_assert_uint_eq(fl_holding_n_sides(k), 2); /* RU, UA: claim a's sorted */
  ck_assert_str_eq(fl_holding_side(k, 0), "RU");
  ck_assert_str_eq(fl_holding_side(k, 1), "UA");
  fl_holding_free(ctx, k);
}
END_TEST

START_TEST(points) {
  fl_holding_kernel *k = prepare();
  /* west, east, on the seam, outside */
  const double xy[] = {0.5, 0.5, 1.5, 0.5, 1.0, 0.5, 3.0, 0.5};
  double share[4 * 2 * 3];
  fl_holding_row rows[8];
  for (int i = 0; i < 8; i++) rows[i].share = share + 3 * i;
  ck_assert_int_eq(fl_holding_points(ctx, k, xy, 4, rows), FL_OK);
  int ua = side_of(k, "UA"), ru = side_of(k, "RU");
  ck_assert_int_eq(rows[0].side, ua); /* a: west is UA's */
  ck_assert_int_eq(rows[0].status, FL_HOLD_HELD);
  ck_assert_int_eq(rows[2].side, ru); /* a: east is RU's */
  ck_assert_int_eq(rows[3].side, ua); /* b: all UA's */
  ck_assert_int_eq(rows[4].status, FL_HOLD_CONTESTED); /* a: the seam touches both */
  ck_assert_int_eq(rows[5].status, FL_HOLD_HELD);      /* b: inside UA only */
  ck_assert_int_eq(rows[6].side, -1);
  ck_assert_int_eq(rows[6].status, FL_HOLD_UNKNOWN);
  ck_assert(rows[0].is_point);
  const double bad[] = {NAN, 0.5};
  ck_assert_int_eq(fl_holding_points(ctx, k, bad, 1, rows), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "point 0");
  fl_holding_free(ctx, k);
}
END_TEST

START_TEST(polygon_shares) {
  fl_holding_kernel *k = prepare();
  /* 0.6..1.4 x 0.4..0.6: half on each side of lon 1 (the geodesic areas of
   * the two halves differ by far less than 1e-3 this close to the equator) */
  GEOSGeometry *p = fl_test_wkt(ctx, "POLYGON((0.6 0.4,1.4 0.4,1.4 0.6,0.6 0.6,0.6 0.4))");
  double share[2 * 3];
  fl_holding_row rows[2] = {{.share = share}, {.share = share + 3}};
  ck_assert_int_eq(fl_holding_settlement(ctx, k, p, rows), FL_OK);
  int ua = side_of(k, "UA"), ru = side_of(k, "RU");
  FL_ASSERT_NEAR(rows[0].share[ua], 0.5, 1e-3, "");
  FL_ASSERT_NEAR(rows[0].share[ru], 0.5, 1e-3, "");
  ck_assert_int_eq(rows[0].status, FL_HOLD_CONTESTED); /* 0.5 < split share 0.75 */
  ck_assert(!rows[0].is_point);
  FL_ASSERT_NEAR(rows[1].share[ua], 1.0, 1e-12, "");
  ck_assert_int_eq(rows[1].status, FL_HOLD_HELD);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), p);
  fl_holding_free(ctx, k);
}
END_TEST

typedef struct worker {
  const fl_holding_kernel *k;
  double xy[2 * 200];
  fl_holding_row rows[2 * 200];
  double share[2 * 200 * 3];
  fl_status st;
} worker;

static void *run_worker(void *p) {
  worker *w = p;
  fl_ctx *wctx = fl_ctx_create();
  for (int i = 0; i < 400; i++) w->rows[i].share = w->share + 3 * i;
  w->st = wctx ? fl_holding_points(wctx, w->k, w->xy, 200, w->rows) : FL_E_NOMEM;
  fl_ctx_destroy(wctx);
  return NULL;
}

START_TEST(threads_agree) {
  fl_holding_kernel *k = prepare();
  static worker w[4];
  pthread_t t[4];
  for (int n = 0; n < 4; n++) {
    w[n].k = k;
    for (int i = 0; i < 200; i++) { /* a line across both sides, the seam at i = 100 */
      w[n].xy[2 * i] = 0.01 * i;
      w[n].xy[2 * i + 1] = 0.5;
    }
    pthread_create(&t[n], NULL, run_worker, &w[n]);
  }
  for (int n = 0; n < 4; n++) pthread_join(t[n], NULL);
  int ua = side_of(k, "UA"), ru = side_of(k, "RU");
  for (int n = 0; n < 4; n++) {
    ck_assert_int_eq(w[n].st, FL_OK);
    for (int i = 0; i < 200; i++) {
      int want = i < 100 ? ua : ru;
      ck_assert_int_eq(w[n].rows[2 * i + 1].side, ua);
      if (i == 100) ck_assert_int_eq(w[n].rows[2 * i].status, FL_HOLD_CONTESTED);
      else ck_assert_int_eq(w[n].rows[2 * i].side, want);
    }
  }
  fl_holding_free(ctx, k);
}
END_TEST

START_TEST(bad_split_share) {
  fl_options o;
  fl_options_init(&o);
  o.split_share = 0.2;
  fl_layer *l = control();
  fl_holding_kernel *k = NULL;
  ck_assert_int_eq(fl_holding_prepare(ctx, l, &o, &k), FL_E_ARG);
  ck_assert_ptr_null(k);
  FL_ASSERT_MSG_HAS(ctx, "split_share");
  fl_layer_destroy(ctx, l);
}
END_TEST

/* A polygon of n vertices on the ellipse of radii (rx, ry) degrees round
 * (cx, cy), symmetric about the meridian cx (vertex 0 on it). */
static GEOSGeometry *ellipse(double cx, double cy, double rx, double ry, int n) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n + 1, 2);
  for (int i = 0; i <= n; i++) {
    double t = 2 * M_PI * (i % n) / n;
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, cx + rx * sin(t), cy + ry * cos(t));
  }
  return GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs), NULL, 0);
}

/* A settlement of 6,000 vertices (measured tile by tile, H1 in holding.c):
 * inside the ground exactly 1, outside 0, and split in two halves by the
 * ground's meridian edge (a geodesic) 0.5 by symmetry. */
START_TEST(large_polygon_tiled) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *ground = fl_test_wkt(ctx, "POLYGON((0 0,1 0,1 1,0 1,0 0))");
  double cases[][3] = {{0.5, 0.5, 1.0}, {1.0, 0.5, 0.5}, {1.5, 0.5, 0.0}};
  for (size_t c = 0; c < 3; c++) {
    GEOSGeometry *s = ellipse(cases[c][0], cases[c][1], 0.2, 0.3, 6000);
    ck_assert_int_ge(GEOSGetNumCoordinates_r(h, s), 4096);
    double share = -1;
    ck_assert_int_eq(fl_share(ctx, s, ground, &share), FL_OK);
    if (cases[c][2] == 0.5) ck_assert_double_eq_tol(share, 0.5, 1e-9);
    else ck_assert(share == cases[c][2]);
    GEOSGeom_destroy_r(h, s);
  }
  GEOSGeom_destroy_r(h, ground);
}
END_TEST

static void setup(void) { ctx = fl_ctx_create(); }
static void teardown(void) { fl_ctx_destroy(ctx); }

int main(void) {
  Suite *s = suite_create("holding");
  TCase *tc = tcase_create("kernel");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, claims_and_sides);
  tcase_add_test(tc, points);
  tcase_add_test(tc, polygon_shares);
  tcase_add_test(tc, threads_agree);
  tcase_add_test(tc, bad_split_share);
  tcase_add_test(tc, large_polygon_tiled);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
