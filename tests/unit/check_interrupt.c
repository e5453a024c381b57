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
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
