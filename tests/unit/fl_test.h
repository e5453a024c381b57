/*
 * fl_test.h - assert helpers for the Check unit tests: numbers with units
 * and tolerances, error messages by substring, WKT fixtures.
 */
#ifndef FL_TEST_H
#define FL_TEST_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frontline/frontline.h"

/* |got - want| <= tol, printing all three with the unit. */
#define FL_ASSERT_NEAR(got, want, tol, unit)                                             \
  do {                                                                                   \
    double g_ = (got), w_ = (want), t_ = (tol);                                          \
    ck_assert_msg(fabs(g_ - w_) <= t_, "expected %.6f %s, got %.6f %s (diff %.6f, tol %.6f)", \
                  w_, unit, g_, unit, g_ - w_, t_);                                      \
  } while (0)

/* The DESIGN.md accuracy target: max(1 m, 0.1 %). */
#define FL_TOL_M(d) fmax(1.0, 0.001 * (d))

#define FL_ASSERT_MSG_HAS(ctx, needle)                                                   \
  ck_assert_msg(strstr(fl_ctx_errmsg(ctx), (needle)) != NULL,                           \
                "error message '%s' lacks '%s'", fl_ctx_errmsg(ctx), (needle))

static inline GEOSGeometry *fl_test_wkt(fl_ctx *ctx, const char *wkt) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSWKTReader *r = GEOSWKTReader_create_r(h);
  GEOSGeometry *g = GEOSWKTReader_read_r(h, r, wkt);
  GEOSWKTReader_destroy_r(h, r);
  ck_assert_msg(g != NULL, "bad WKT fixture %s", wkt);
  GEOSSetSRID_r(h, g, 4326);
  return g;
}

/* The fixture most suites share: one context (ctx) and its GEOS handle (h)
 * per test. Define FL_TEST_CTX_FIXTURE before including this header, then
 * tcase_add_checked_fixture(tc, setup, teardown). */
#ifdef FL_TEST_CTX_FIXTURE
static fl_ctx *ctx;
static GEOSContextHandle_t h;

static void setup(void) {
  ctx = fl_ctx_create();
  ck_assert_ptr_nonnull(ctx);
  h = fl_ctx_geos(ctx);
}

static void teardown(void) { fl_ctx_destroy(ctx); }
#endif

static inline int fl_test_run(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
