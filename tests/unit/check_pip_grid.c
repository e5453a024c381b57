/*
 * check_pip_grid.c - the point-in-area grid (core/pip_grid.c), the holding
 * kernel's point path and the prepared ground (fl_ground_share, the SQL
 * face's) against GEOS's prepared intersects, the
 * oracle: every answer must be identical, on points on edges and vertices,
 * in a hole, on the envelope, a hair either side of an edge, and scattered.
 * Shapes: a 10 x 10 square with a 4 x 4 hole; a triangle with a diagonal
 * edge and a saw of 400 teeth (many edges, so the grid's cells are small).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_pip_grid.h"
#include "fl_test.h"

static fl_ctx *ctx;

#define SQUARE "POLYGON((0 0,10 0,10 10,0 10,0 0),(3 3,7 3,7 7,3 7,3 3))"
#define TEETH 400

/* The triangle (20 0, 30 10, 20 10) and the saw over x 0..40, y 20..21. */
static char *multi_wkt(void) {
  size_t cap = 64 * (TEETH + 8), len = 0;
  char *w = malloc(cap);
  ck_assert_ptr_nonnull(w);
  len += (size_t)snprintf(w + len, cap - len,
                          "MULTIPOLYGON(((20 0,30 10,20 10,20 0)),((0 20,40 20");
  for (int t = TEETH; t >= 0; t--)
    len += (size_t)snprintf(w + len, cap - len, ",%.17g %s", 40.0 * t / TEETH,
                            t % 2 ? "21" : "20.5");
  snprintf(w + len, cap - len, ",0 20)))");
  return w;
}

typedef struct pts {
  double *xy;
  size_t n, cap;
} pts;

static void put(pts *p, double x, double y) {
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 1024;
    p->xy = realloc(p->xy, 2 * p->cap * sizeof *p->xy);
    ck_assert_ptr_nonnull(p->xy);
  }
  p->xy[2 * p->n] = x;
  p->xy[2 * p->n + 1] = y;
  p->n++;
}

/* Lattice (edges, vertices, the diagonal, the hole, the envelope), hairs
 * beside edges, and scattered points. */
static pts test_points(void) {
  pts p = {NULL, 0, 0};
  for (double x = -1; x <= 41; x += 0.25)
    for (double y = -1; y <= 23; y += 0.25) put(&p, x, y);
  for (int t = 0; t <= TEETH; t++) put(&p, 40.0 * t / TEETH, t % 2 ? 21 : 20.5); /* saw tips */
  static const double edge[] = {0, 3, 7, 10};
  for (size_t e = 0; e < 4; e++)
    for (int s = -1; s <= 1; s += 2) {
      double x = edge[e], hair = nextafter(x, x + s);
      put(&p, hair, 5), put(&p, 5, hair), put(&p, x + s * 1e-12, 5), put(&p, 5, x + s * 1e-9);
    }
  for (double t = 0; t <= 10; t += 0.125) put(&p, nextafter(20 + t, 99), t); /* right of the diagonal */
  unsigned long r = 12345;
  for (int i = 0; i < 20000; i++) {
    r = r * 6364136223846793005ul + 1442695040888963407ul;
    double u = (double)(r >> 11) / 9007199254740992.0;
    r = r * 6364136223846793005ul + 1442695040888963407ul;
    double v = (double)(r >> 11) / 9007199254740992.0;
    put(&p, -1 + 42 * u, -1 + 24 * v);
  }
  return p;
}

static char oracle(const GEOSPreparedGeometry *prep, double x, double y) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
  char hit = GEOSPreparedIntersects_r(h, prep, pt);
  GEOSGeom_destroy_r(h, pt);
  ck_assert_int_ne(hit, 2);
  return hit;
}

static void grid_matches(const char *wkt) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *area = fl_test_wkt(ctx, wkt);
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, area);
  fl__pip_grid *g = NULL;
  ck_assert_int_eq(fl__pip_grid_build(ctx, area, prep, &g), FL_OK);
  ck_assert_ptr_nonnull(g);
  pts p = test_points();
  size_t told = 0;
  for (size_t i = 0; i < p.n; i++) {
    double x = p.xy[2 * i], y = p.xy[2 * i + 1];
    int loc = fl__pip_grid_locate(g, x, y);
    if (loc < 0) continue;
    told++;
    ck_assert_msg(loc == oracle(prep, x, y), "(%.17g %.17g): grid %d, GEOS %d", x, y, loc,
                  oracle(prep, x, y));
  }
  ck_assert_msg(told > p.n * 3 / 4, "the grid told only %zu of %zu points", told, p.n);
  ck_assert_int_eq(fl__pip_grid_locate(g, 5, 5), 0); /* in the hole, or beside the triangle */
  free(p.xy);
  fl__pip_grid_free(g);
  GEOSPreparedGeom_destroy_r(h, prep);
  GEOSGeom_destroy_r(h, area);
}

START_TEST(square_with_hole) { grid_matches(SQUARE); }
END_TEST

START_TEST(triangle_and_saw) {
  char *w = multi_wkt();
  grid_matches(w);
  free(w);
}
END_TEST

START_TEST(no_grid_for_lines_and_flat_areas) {
  fl__pip_grid *g = (fl__pip_grid *)1;
  GEOSGeometry *line = fl_test_wkt(ctx, "LINESTRING(0 0,1 1)");
  ck_assert_int_eq(fl__pip_grid_build(ctx, line, NULL, &g), FL_OK);
  ck_assert_ptr_null(g);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), line);
}
END_TEST

/* fl_ground_share (the SQL face's prepared ground) against GEOS. */
START_TEST(ground_share_matches_geos) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSGeometry *area = fl_test_wkt(ctx, SQUARE);
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, area);
  fl_ground *g = NULL;
  ck_assert_int_eq(fl_ground_prepare(ctx, area, &g), FL_OK);
  pts p = test_points();
  for (size_t i = 0; i < p.n; i++) {
    double x = p.xy[2 * i], y = p.xy[2 * i + 1], share = -1;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    ck_assert_int_eq(fl_ground_share(ctx, g, pt, 0, &share), FL_OK);
    GEOSGeom_destroy_r(h, pt);
    ck_assert_msg(share == oracle(prep, x, y), "(%.17g %.17g): %g", x, y, share);
  }
  free(p.xy);
  fl_ground_free(ctx, g);
  GEOSPreparedGeom_destroy_r(h, prep);
  GEOSGeom_destroy_r(h, area);
}
END_TEST

static void add(fl_layer *l, const char *wkt, const char *side) {
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, fl_test_wkt(ctx, wkt));
  ck_assert_ptr_nonnull(f);
  fl_feature_set_text(l, f, 0, side);
}

/* The kernel's points (fl_holding_points and fl_holding_settlement on a GEOS
 * point) against GEOS on each side's ground. */
START_TEST(kernel_points_match_geos) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  char *w = multi_wkt();
  fl_layer *l = fl_layer_new("control", 4326, "MULTIPOLYGON");
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  add(l, SQUARE, "A");
  add(l, w, "B");
  fl_options o;
  fl_options_init(&o);
  fl_holding_kernel *k = NULL;
  ck_assert_int_eq(fl_holding_prepare(ctx, l, &o, &k), FL_OK);
  ck_assert_int_eq(fl_holding_n_sides(k), 2);
  ck_assert_str_eq(fl_holding_side(k, 0), "A");
  GEOSGeometry *ga = fl_test_wkt(ctx, SQUARE), *gb = fl_test_wkt(ctx, w);
  const GEOSPreparedGeometry *pa = GEOSPrepare_r(h, ga), *pb = GEOSPrepare_r(h, gb);
  pts p = test_points();
  double *share = calloc(p.n * 3, sizeof *share), one[3];
  fl_holding_row *rows = calloc(p.n, sizeof *rows), row = {0, 0, 0, one};
  for (size_t i = 0; i < p.n; i++) rows[i].share = share + 3 * i;
  ck_assert_int_eq(fl_holding_points(ctx, k, p.xy, p.n, rows), FL_OK);
  for (size_t i = 0; i < p.n; i++) {
    double x = p.xy[2 * i], y = p.xy[2 * i + 1];
    char a = oracle(pa, x, y), b = oracle(pb, x, y);
    ck_assert_msg(rows[i].share[0] == a && rows[i].share[1] == b,
                  "(%.17g %.17g): kernel %g %g, GEOS %d %d", x, y, rows[i].share[0],
                  rows[i].share[1], a, b);
    ck_assert_int_eq(rows[i].side, a ? 0 : b ? 1 : -1);
    ck_assert_int_eq(rows[i].status, a || b ? FL_HOLD_HELD : FL_HOLD_UNKNOWN);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    ck_assert_int_eq(fl_holding_settlement(ctx, k, pt, &row), FL_OK);
    GEOSGeom_destroy_r(h, pt);
    ck_assert(one[0] == a && one[1] == b && row.side == rows[i].side);
  }
  free(share);
  free(rows);
  free(p.xy);
  GEOSPreparedGeom_destroy_r(h, pa);
  GEOSPreparedGeom_destroy_r(h, pb);
  GEOSGeom_destroy_r(h, ga);
  GEOSGeom_destroy_r(h, gb);
  fl_holding_free(ctx, k);
  fl_layer_destroy(ctx, l);
  free(w);
}
END_TEST

static void setup(void) { ctx = fl_ctx_create(); }
static void teardown(void) { fl_ctx_destroy(ctx); }

int main(void) {
  Suite *s = suite_create("pip_grid");
  TCase *tc = tcase_create("grid");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, square_with_hole);
  tcase_add_test(tc, triangle_and_saw);
  tcase_add_test(tc, no_grid_for_lines_and_flat_areas);
  tcase_add_test(tc, kernel_points_match_geos);
  tcase_add_test(tc, ground_share_matches_geos);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
