/*
 * check_stream.c - the stream driver (fl_stream.h) on its own: rows reach
 * the sink in input order over many small chunks and batches, a worker's
 * failure reaches the caller with its message and aborts the sink, and the
 * GeoPackage sink writes what a reader reads back, refusing an existing file
 * without overwrite (and leaving it whole).
 */
#include <unistd.h>
#include "fl_test.h"
#include "fl_internal.h" /* fl__fail: the kernel fails as core code does */

static fl_ctx *ctx;

/* ---- a source of n features in memory: fid i + 1, field v = i ------------ */
typedef struct mem_src {
  fl_layer *schema;
  size_t n, next;
} mem_src;

static fl_status mem_next(fl_ctx *c, void *self, size_t max, fl_chunk *out) {
  mem_src *m = self;
  fl_status st = fl_chunk_init(c, out, m->schema, max, 1);
  for (size_t k = 0; !st && k < max && m->next < m->n; k++, m->next++) {
    fl_feature *f = fl_layer_append(c, out->rows, (int64_t)m->next + 1, NULL);
    ck_assert_ptr_nonnull(f);
    fl_feature_set_int(out->rows, f, 0, (int64_t)m->next);
    out->xy[2 * k] = 37.0 + 1e-4 * (double)m->next;
    out->xy[2 * k + 1] = 48.0;
  }
  return st;
}

static void mem_close(fl_ctx *c, void *self) { (void)c, (void)self; }
static const fl_source_ops mem_ops = {mem_next, mem_close};

static fl_source mem_source(mem_src *m, size_t n) {
  m->schema = fl_layer_new("pts", 4326, "POINT");
  fl_layer_add_field(m->schema, "v", FL_FIELD_INTEGER);
  m->n = n;
  m->next = 0;
  fl_source s = {&mem_ops, m, m->schema, n, 1};
  return s;
}

/* ---- a kernel: v -> 2v, failing at v == fail_at --------------------------- */
static int64_t fail_at = -1;

static fl_status twice(fl_ctx *w, void *self, const fl_chunk *in, fl_chunk *out) {
  (void)self;
  fl_status st = fl_chunk_init(w, out, in->rows, in->rows->n_features, 1);
  for (size_t i = 0; !st && i < in->rows->n_features; i++) {
    int64_t v = in->rows->features[i].values[0].i;
    if (v == fail_at) return fl__fail(w, FL_E_GEOM, "bad feature %lld", (long long)v);
    fl_feature *f = fl_layer_append(w, out->rows, in->rows->features[i].fid, NULL);
    fl_feature_set_int(out->rows, f, 0, 2 * v);
    out->xy[2 * i] = in->xy[2 * i];
    out->xy[2 * i + 1] = in->xy[2 * i + 1];
  }
  return st;
}

/* ---- a sink that keeps what it gets ------------------------------------- */
typedef struct keep {
  int64_t v[5000];
  size_t n;
  int begun, committed, aborted;
} keep;

static fl_status keep_begin(fl_ctx *c, void *self, const fl_layer *schema) {
  (void)c, (void)schema;
  ((keep *)self)->begun = 1;
  return FL_OK;
}
static fl_status keep_write(fl_ctx *c, void *self, const fl_chunk *rows) {
  keep *k = self;
  (void)c;
  for (size_t i = 0; i < rows->rows->n_features; i++) k->v[k->n++] = rows->rows->features[i].values[0].i;
  return FL_OK;
}
static fl_status keep_commit(fl_ctx *c, void *self) {
  (void)c;
  ((keep *)self)->committed = 1;
  return FL_OK;
}
static void keep_abort(fl_ctx *c, void *self) {
  (void)c;
  ((keep *)self)->aborted = 1;
}
static const fl_sink_ops keep_ops = {keep_begin, keep_write, keep_commit, keep_abort};

START_TEST(order_over_batches) {
  mem_src m;
  fl_source src = mem_source(&m, 1000);
  fl_stream_kernel k = {NULL, twice, NULL};
  static keep kp;
  memset(&kp, 0, sizeof kp);
  fl_sink sink = {&keep_ops, &kp};
  size_t rows = 0;
  fail_at = -1;
  fl_ctx_set_threads(ctx, 2);
  ck_assert_int_eq(fl_stream_run(ctx, &src, &k, m.schema, &sink, 7, &rows), FL_OK);
  ck_assert_uint_eq(rows, 1000);
  ck_assert(kp.begun && kp.committed && !kp.aborted);
  for (size_t i = 0; i < 1000; i++) ck_assert_int_eq(kp.v[i], 2 * (int64_t)i);
  fl_layer_destroy(ctx, m.schema);
}
END_TEST

START_TEST(worker_failure_reaches_caller) {
  mem_src m;
  fl_source src = mem_source(&m, 1000);
  fl_stream_kernel k = {NULL, twice, NULL};
  static keep kp;
  memset(&kp, 0, sizeof kp);
  fl_sink sink = {&keep_ops, &kp};
  fail_at = 500;
  fl_ctx_set_threads(ctx, 2);
  ck_assert_int_eq(fl_stream_run(ctx, &src, &k, m.schema, &sink, 7, NULL), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "bad feature 500");
  ck_assert(kp.aborted && !kp.committed);
  ck_assert_uint_lt(kp.n, 500); /* nothing after the failure */
  fail_at = -1;
  fl_layer_destroy(ctx, m.schema);
}
END_TEST

START_TEST(gpkg_sink_round_trip) {
  char path[512];
  snprintf(path, sizeof path, "%s/stream_%d.gpkg", FL_TEST_TMP, (int)getpid());
  unlink(path);
  for (int pass = 0; pass < 3; pass++) {
    mem_src m;
    fl_source src = mem_source(&m, 300 + (size_t)pass);
    fl_stream_kernel k = {NULL, twice, NULL};
    fl_sink sink;
    ck_assert_int_eq(fl_sink_open(ctx, path, pass == 2, &sink), FL_OK);
    fl_status st = fl_stream_run(ctx, &src, &k, m.schema, &sink, 64, NULL);
    ck_assert_int_eq(st, pass == 1 ? FL_E_EXISTS : FL_OK); /* the second: no overwrite */
    fl_layer_destroy(ctx, m.schema);
    fl_layer *back = NULL;
    char source[600];
    snprintf(source, sizeof source, "%s:pts", path);
    ck_assert_int_eq(fl_layer_read(ctx, source, &back), FL_OK);
    size_t want = pass == 2 ? 302 : 300; /* the first file stays whole after the refusal */
    ck_assert_uint_eq(back->n_features, want);
    for (size_t i = 0; i < want; i++) {
      double x, y;
      GEOSGeomGetX_r(fl_ctx_geos(ctx), back->features[i].geom, &x);
      GEOSGeomGetY_r(fl_ctx_geos(ctx), back->features[i].geom, &y);
      ck_assert(x == 37.0 + 1e-4 * (double)i && y == 48.0);
      ck_assert_int_eq(back->features[i].values[0].i, 2 * (int64_t)i);
      ck_assert_int_eq(back->features[i].fid, (int64_t)i + 1);
    }
    fl_layer_destroy(ctx, back);
  }
  unlink(path);
}
END_TEST

static void setup(void) { ctx = fl_ctx_create(); }
static void teardown(void) { fl_ctx_destroy(ctx); }

int main(void) {
  Suite *s = suite_create("stream");
  TCase *tc = tcase_create("driver");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, order_over_batches);
  tcase_add_test(tc, worker_failure_reaches_caller);
  tcase_add_test(tc, gpkg_sink_round_trip);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
