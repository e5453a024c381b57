/*
 * check_limits.c - the named work limits of a context (core/limits.c,
 * K1-K4): defaults, setting and reading, refusals with one sentence, the
 * "NAME=N,..." text of --limit and FL_LIMITS, the buffer's estimate (U12)
 * against the context's buffer_work, and worker contexts taking their
 * parent's values.
 *
 * Expected values: the defaults as docs/cli.md "Limits" states them
 * (1,000,000, 1,000,000,000, 2,000,000); the rest is set by the test itself.
 */
#include <check.h>
#include <math.h>
#include <stdatomic.h>
#include <unistd.h>
#include "fl_prep.h"
#include "fl_test.h"

static double limit_of(fl_ctx *ctx, const char *name) {
  double v = -1;
  ck_assert_int_eq(fl_ctx_limit(ctx, name, &v), FL_OK);
  return v;
}

START_TEST(test_defaults_as_documented) {
  static const char *names[] = {"buffer_work", "viewshed_cells", "los_samples"};
  static const double values[] = {1e6, 1e9, 2e6};
  fl_ctx *ctx = fl_ctx_create();
  for (size_t i = 0; i < 3; i++) {
    ck_assert_str_eq(fl_limit_name(i), names[i]);
    ck_assert(fl_limit_default(i) == values[i]);
    ck_assert(fl_limit_bounds(i) != NULL && fl_limit_bounds(i)[0]);
    ck_assert(limit_of(ctx, names[i]) == values[i]);
  }
  ck_assert_ptr_null(fl_limit_name(3));
  ck_assert(FL_MAX_BUFFER_WORK == 1e6);
  fl_ctx_destroy(ctx);
}
END_TEST

START_TEST(test_set_and_refuse) {
  fl_ctx *ctx = fl_ctx_create();
  ck_assert_int_eq(fl_ctx_set_limit(ctx, "los_samples", 2.5e6), FL_OK);
  ck_assert(limit_of(ctx, "los_samples") == 2.5e6);
  ck_assert_int_eq(fl_ctx_set_limit(ctx, "bogus", 1), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "there is no limit named 'bogus'; the limits are buffer_work, "
                    "viewshed_cells and los_samples");
  double v = 0;
  ck_assert_int_eq(fl_ctx_limit(ctx, "Buffer_Work", &v), FL_E_ARG); /* names are exact */
  const double bad[] = {0, -1, NAN, INFINITY, 2e15};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_int_eq(fl_ctx_set_limit(ctx, "los_samples", bad[i]), FL_E_ARG);
    FL_ASSERT_MSG_HAS(ctx, "limit los_samples must be a number > 0 and at most 1e15");
    ck_assert(limit_of(ctx, "los_samples") == 2.5e6); /* (K3) kept */
  }
  fl_ctx_destroy(ctx);
}
END_TEST

/* (K2, K3) the text of --limit and FL_LIMITS, checked whole first. */
START_TEST(test_set_from_text) {
  fl_ctx *ctx = fl_ctx_create();
  ck_assert_int_eq(fl_ctx_set_limits(ctx, " buffer_work = 2e6 ,los_samples=500,"), FL_OK);
  ck_assert(limit_of(ctx, "buffer_work") == 2e6);
  ck_assert(limit_of(ctx, "los_samples") == 500);
  ck_assert(limit_of(ctx, "viewshed_cells") == 1e9);
  ck_assert_int_eq(fl_ctx_set_limits(ctx, NULL), FL_OK);
  ck_assert_int_eq(fl_ctx_set_limits(ctx, ""), FL_OK);
  static const struct { const char *text, *said; } bad[] = {
      {"buffer_work=3e6,foo=1", "there is no limit named 'foo'"},
      {"buffer_work=0x10", "got '0x10'"},
      {"buffer_work=", "got ''"},
      {"buffer_work=1e6x", "got '1e6x'"},
      {"buffer_work=-5", "got '-5'"},
      {"buffer_work=inf", "got 'inf'"},
      {"buffer_work=nan", "got 'nan'"},
      {"buffer_work=0", "got '0'"},
      {"buffer_work=1e16", "got '1e16'"},
      {"buffer_work=1e", "got '1e'"},
      {"buffer_work", "a limit is set as NAME=N"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(fl_ctx_set_limits(ctx, bad[i].text) == FL_E_ARG, "'%s' accepted", bad[i].text);
    FL_ASSERT_MSG_HAS(ctx, bad[i].said);
    ck_assert(limit_of(ctx, "buffer_work") == 2e6); /* nothing set */
  }
  fl_ctx_destroy(ctx);
}
END_TEST

/* (U12, K4) a buffer over the context's buffer_work is refused before any
 * work with the sentence; raised, the same buffer is drawn. */
START_TEST(test_buffer_obeys_the_context_limit) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *line = fl_test_wkt(ctx, "LINESTRING(37 48.3, 37.2 48.35, 37.4 48.3, 37.6 48.35)");
  GEOSGeometry *b = NULL;
  ck_assert_int_eq(fl_ctx_set_limit(ctx, "buffer_work", 3), FL_OK);
  ck_assert_int_eq(fl_buffer(ctx, line, 10000, FL_SIDE_BOTH, &b), FL_E_ARG);
  ck_assert_ptr_null(b);
  FL_ASSERT_MSG_HAS(ctx, "more than the limit buffer_work = 3; use a smaller distance or "
                    "simplify the geometry, or raise the limit (buffer_work=N in the CLI's "
                    "limit option or the environment variable FL_LIMITS, or SQL "
                    "FL_SetLimit('buffer_work', N))");
  ck_assert_int_eq(fl_ctx_set_limit(ctx, "buffer_work", 1e6), FL_OK);
  ck_assert_int_eq(fl_buffer(ctx, line, 10000, FL_SIDE_BOTH, &b), FL_OK);
  ck_assert(b != NULL && GEOSisEmpty_r(h, b) == 0);
  GEOSGeom_destroy_r(h, b);
  GEOSGeom_destroy_r(h, line);
  fl_ctx_destroy(ctx);
}
END_TEST

typedef struct seen {
  fl_ctx *main;
  atomic_int on_workers, wrong;
} seen;

static fl_status record_limit(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)i, (void)scratch;
  seen *s = shared;
  double v = 0;
  if (fl_ctx_limit(wctx, "viewshed_cells", &v) != FL_OK || v != 1234) atomic_fetch_add(&s->wrong, 1);
  if (wctx != s->main) atomic_fetch_add(&s->on_workers, 1);
  usleep(20000); /* long enough items that every thread takes some */
  return FL_OK;
}

/* (K1) worker threads' contexts take their parent's limits. */
START_TEST(test_workers_inherit) {
  fl_ctx *ctx = fl_ctx_create();
  fl_ctx_set_threads(ctx, 4);
  ck_assert_int_eq(fl_ctx_set_limit(ctx, "viewshed_cells", 1234), FL_OK);
  static seen s;
  s.main = ctx;
  atomic_init(&s.on_workers, 0);
  atomic_init(&s.wrong, 0);
  ck_assert_int_eq(fl__parallel_for(ctx, 40, record_limit, &s, NULL, NULL, 0, 1), FL_OK);
  ck_assert_int_gt(atomic_load(&s.on_workers), 0);
  ck_assert_int_eq(atomic_load(&s.wrong), 0);
  fl_ctx_destroy(ctx);
}
END_TEST

int main(void) {
  Suite *s = suite_create("limits");
  TCase *tc = tcase_create("limits");
  tcase_add_test(tc, test_defaults_as_documented);
  tcase_add_test(tc, test_set_and_refuse);
  tcase_add_test(tc, test_set_from_text);
  tcase_add_test(tc, test_buffer_obeys_the_context_limit);
  tcase_add_test(tc, test_workers_inherit);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
