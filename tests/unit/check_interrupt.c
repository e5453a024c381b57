/*
 * check_interrupt.c - cancel reaches inside GEOS (core/interrupt.c), and the
 * process-wide interrupt of GEOS 3.11 does not leak into another thread's
 * run (issue 17).
 *
 * Expected values come from the same buffer computed alone before the
 * threads start: GEOS is deterministic, so the concurrent result must be
 * the same area (relative 1e-12), never an error.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_geodesy.h"
#include "fl_test.h"

#define N_VERTICES 1500
#define DIST_M 30000.0
#define B_RUNS 4

/* A wavy front near Toretsk: 1,500 vertices, ~100 m apart. */
static GEOSGeometry *zigzag(fl_ctx *ctx) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, N_VERTICES, 2);
  for (unsigned i = 0; i < N_VERTICES; i++)
    GEOSCoordSeq_setXY_r(h, cs, i, 37.0 + 0.001 * i, 48.3 + 0.05 * sin(0.05 * i));
  GEOSGeometry *g = GEOSGeom_createLineString_r(h, cs);
  GEOSSetSRID_r(h, g, 4326);
  return g;
}

static int buffer_area(fl_ctx *ctx, double *km2) {
  GEOSGeometry *line = zigzag(ctx), *b = NULL;
  int st = fl_buffer(ctx, line, DIST_M, FL_SIDE_BOTH, &b);
  if (!st) st = fl_area_km2(ctx, b, km2);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), b);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), line);
  return st;
}

START_TEST(test_cancel_flag_stops_a_buffer_inside_geos) {
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  volatile int cancel = 1;
  fl_ctx_set_progress(ctx, NULL, NULL, &cancel);
  double km2 = 0;
  int st = buffer_area(ctx, &km2);
  ck_assert_int_eq(st, FL_E_CANCEL);
  FL_ASSERT_MSG_HAS(ctx, "cancelled by the user");
  cancel = 0; /* the same ctx works again afterwards */
  ck_assert_int_eq(buffer_area(ctx, &km2), FL_OK);
  ck_assert(km2 > 0);
  fl_ctx_destroy(ctx);
}
END_TEST

START_TEST(test_time_limit_stops_a_buffer_with_a_sentence) {
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  fl_ctx_set_time_limit(ctx, 1e-9); /* already over when GEOS first asks */
  double km2 = 0;
  ck_assert_int_eq(buffer_area(ctx, &km2), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "the longest one call may run");
  fl_ctx_set_time_limit(ctx, 0);
  ck_assert_int_eq(buffer_area(ctx, &km2), FL_OK);
  fl_ctx_destroy(ctx);
}
END_TEST

static int polls, stop_at;
static int stop_at_poll(void *user) {
  (void)user;
  return ++polls >= stop_at;
}

/* A host's poll (the SQL face's sqlite3_interrupt()) stops a buffer inside
 * its GEOS work or between its chunks (buffer_chunks.c), as FL_E_CANCEL. */
START_TEST(test_poll_stops_a_buffer) {
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  polls = 0;
  stop_at = 1 + _i; /* at once, or after some chunks (polls are 10 ms apart) */
  fl_ctx_set_interrupt_poll(ctx, stop_at_poll, NULL);
  double km2 = 0;
  int st = buffer_area(ctx, &km2);
  if (polls < stop_at) { /* the buffer was done before the poll said stop */
    ck_assert_int_eq(st, FL_OK);
  } else {
    ck_assert_int_eq(st, FL_E_CANCEL);
    FL_ASSERT_MSG_HAS(ctx, "interrupted");
  }
  fl_ctx_set_interrupt_poll(ctx, NULL, NULL); /* removed: the ctx works again */
  ck_assert_int_eq(buffer_area(ctx, &km2), FL_OK);
  ck_assert(km2 > 0);
  fl_ctx_destroy(ctx);
}
END_TEST

typedef struct shared {
  atomic_int b_done;
  atomic_int a_calls, a_cancelled, a_other;
  double reference_km2;
  double b_km2[B_RUNS];
  int b_status[B_RUNS];
} shared;

static void *cancelled_runs(void *arg) {
  shared *s = arg;
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  volatile int cancel = 1;
  fl_ctx_set_progress(ctx, NULL, NULL, &cancel);
  do {
    double km2;
    int st = buffer_area(ctx, &km2);
    atomic_fetch_add(&s->a_calls, 1);
    atomic_fetch_add(st == FL_E_CANCEL ? &s->a_cancelled : &s->a_other, 1);
  } while (!atomic_load(&s->b_done));
  fl_ctx_destroy(ctx);
  return NULL;
}

static void *plain_runs(void *arg) {
  shared *s = arg;
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  for (int k = 0; k < B_RUNS; k++) s->b_status[k] = buffer_area(ctx, &s->b_km2[k]);
  atomic_store(&s->b_done, 1);
  fl_ctx_destroy(ctx);
  return NULL;
}

/* A wavy line or ring of n vertices around Toretsk, in lon/lat. */
static GEOSGeometry *long_geom(fl_ctx *ctx, unsigned n, int ring, double dlat) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, n + (ring ? 1 : 0), 2);
  for (unsigned i = 0; i < n; i++) {
    double t = 2 * M_PI * i / n;
    double x = ring ? 37.5 + cos(t) : 36.0 + 3.0 * i / n;
    double y = ring ? 48.4 + 0.6 * sin(t) : 48.0 + dlat + 0.3 * sin(0.37 * i);
    GEOSCoordSeq_setXY_r(h, cs, i, x, y);
  }
  if (ring) GEOSCoordSeq_setXY_r(h, cs, n, 38.5, 48.4);
  GEOSGeometry *g = ring ? GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, cs), NULL, 0)
                         : GEOSGeom_createLineString_r(h, cs);
  GEOSSetSRID_r(h, g, 4326);
  return g;
}

static int always_stop(void *user) {
  (void)user;
  return 1;
}

/* The loops outside GEOS (fl__stop_check) see the host's poll: a distance
 * and a depth of 300,000-vertex geometries (each well
 * over 10 ms, when the first poll comes) stop with FL_E_CANCEL, and without
 * the poll the same ctx measures (smaller ones) again. Loop index: which
 * measure. */
START_TEST(test_poll_stops_measures) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  for (int pass = 0; pass < 2; pass++) { /* 0: stopped; 1: no poll, small inputs */
    unsigned n = pass == 0 ? 300000 : 1000;
    GEOSGeometry *ring = long_geom(ctx, n, 1, 0), *a = long_geom(ctx, n, 0, 0);
    GEOSGeometry *b = long_geom(ctx, n, 0, 1.0); /* 0.4 degrees clear of a */
    ck_assert(ring && a && b);
    fl_ctx_set_interrupt_poll(ctx, pass == 0 ? always_stop : NULL, NULL);
    double v = 0;
    int st = FL_OK;
    if (_i == 0) st = fl_distance_m(ctx, a, b, &v, NULL, NULL);
    else st = fl_depth_m(ctx, ring, a, &v);
    if (pass == 0) {
      ck_assert_int_eq(st, FL_E_CANCEL);
      FL_ASSERT_MSG_HAS(ctx, "interrupted");
    } else {
      ck_assert_int_eq(st, FL_OK);
      ck_assert(v > 0 && isfinite(v));
    }
    GEOSGeom_destroy_r(h, ring);
    GEOSGeom_destroy_r(h, a);
    GEOSGeom_destroy_r(h, b);
  }
  fl_ctx_destroy(ctx);
}
END_TEST

/* The geodesic measures poll too (every 1,024 vertices): the area and the
 * length of a 3,000,000-vertex ring (over a second of CPU, far over the
 * first poll's 10 ms) stop with FL_E_CANCEL and give 0, not a partial sum;
 * without the poll the same ctx measures a small ring. Loop index: 0 area,
 * 1 length. */
START_TEST(test_poll_stops_area_and_length) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  for (int pass = 0; pass < 2; pass++) { /* 0: stopped; 1: no poll, a small ring */
    GEOSGeometry *ring = long_geom(ctx, pass == 0 ? 3000000 : 1000, 1, 0);
    ck_assert(ring != NULL);
    fl_ctx_set_interrupt_poll(ctx, pass == 0 ? always_stop : NULL, NULL);
    double v = -1;
    int st = _i == 0 ? fl_area_km2(ctx, ring, &v) : fl_length_m(ctx, ring, &v);
    if (pass == 0) {
      ck_assert_int_eq(st, FL_E_CANCEL);
      FL_ASSERT_MSG_HAS(ctx, "interrupted");
      ck_assert(v == 0.0);
    } else {
      ck_assert_int_eq(st, FL_OK);
      ck_assert(v > 0 && isfinite(v));
    }
    GEOSGeom_destroy_r(h, ring);
  }
  fl_ctx_destroy(ctx);
}
END_TEST

/* Densification polls as the measures do: a 3,000,000-vertex ring gives
 * NULL with FL_E_CANCEL ("interrupted"), not "out of memory". */
START_TEST(test_poll_stops_densify) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSGeometry *ring = long_geom(ctx, 3000000, 1, 0);
  fl_ctx_set_interrupt_poll(ctx, always_stop, NULL);
  GEOSGeometry *d = fl__densify_geodesic(ctx, ring, 1000.0);
  ck_assert_ptr_null(d);
  ck_assert_int_eq(fl_ctx_status(ctx), FL_E_CANCEL);
  FL_ASSERT_MSG_HAS(ctx, "interrupted");
  fl_ctx_set_interrupt_poll(ctx, NULL, NULL);
  d = fl__densify_geodesic(ctx, ring, 1000.0);
  ck_assert(d != NULL);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), d);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), ring);
  fl_ctx_destroy(ctx);
}
END_TEST

/* Two runs on two threads, one cancelled (over and over), one not: the one
 * not cancelled finishes every time with the right answer. */
START_TEST(test_two_threads_one_cancelled) {
  static shared s;
  memset(&s, 0, sizeof s);
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 1);
  ck_assert_int_eq(buffer_area(ctx, &s.reference_km2), FL_OK);
  fl_ctx_destroy(ctx);
  pthread_t a, b;
  ck_assert_int_eq(pthread_create(&a, NULL, cancelled_runs, &s), 0);
  ck_assert_int_eq(pthread_create(&b, NULL, plain_runs, &s), 0);
  pthread_join(b, NULL);
  pthread_join(a, NULL);
  for (int k = 0; k < B_RUNS; k++) {
    ck_assert_msg(s.b_status[k] == FL_OK, "run %d of the thread not cancelled failed (%d)", k,
                  s.b_status[k]);
    ck_assert_msg(fabs(s.b_km2[k] - s.reference_km2) <= 1e-12 * s.reference_km2,
                  "run %d: %.12g km2, alone %.12g km2", k, s.b_km2[k], s.reference_km2);
  }
  ck_assert_int_gt(atomic_load(&s.a_calls), 0);
  ck_assert_msg(atomic_load(&s.a_other) == 0, "%d of %d cancelled runs did not stop",
                atomic_load(&s.a_other), atomic_load(&s.a_calls));
  printf("two threads: %d cancelled runs stopped while %d runs finished\n",
         atomic_load(&s.a_cancelled), B_RUNS);
}
END_TEST

int main(void) {
  Suite *s = suite_create("interrupt");
  TCase *tc = tcase_create("interrupt");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_cancel_flag_stops_a_buffer_inside_geos);
  tcase_add_test(tc, test_time_limit_stops_a_buffer_with_a_sentence);
  tcase_add_loop_test(tc, test_poll_stops_a_buffer, 0, 4);
  tcase_add_test(tc, test_two_threads_one_cancelled);
  tcase_add_loop_test(tc, test_poll_stops_measures, 0, 2);
  tcase_add_loop_test(tc, test_poll_stops_area_and_length, 0, 2);
  tcase_add_test(tc, test_poll_stops_densify);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
