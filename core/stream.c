/*
 * stream.c - the stream driver (fl_stream.h): chunks from a source, a
 * kernel on every core, rows to a sink in input order.
 *
 * Rules, cited below:
 *   (D1) batches of chunks (two per thread) in a pipeline: while the
 *        kernel runs on batch k (every core, fl__parallel_for, from a thread
 *        of its own), the calling thread reads batch k+1 (running the
 *        kernel's check on each chunk in input order) and then writes batch
 *        k-1's rows in input order; peak memory is the kernel's plus two
 *        batches of input and output chunks. With one thread, no overlap;
 *   (D2) the first failure (a worker's with its message) stops the stream and
 *        aborts the sink: nothing partial is left behind;
 *   (D3) progress runs over the source's n_hint when it has one.
 * Not here: the formats (io/stream_gpkg.c), what a kernel computes.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

#define DEFAULT_CHUNK 4096

void fl_chunk_clear(fl_ctx *ctx, fl_chunk *c) {
  if (!c) return;
  fl_layer_destroy(ctx, c->rows);
  free(c->xy);
  memset(c, 0, sizeof *c);
}

fl_status fl_chunk_init(fl_ctx *ctx, fl_chunk *c, const fl_layer *schema, size_t n, int with_xy) {
  memset(c, 0, sizeof *c);
  c->rows = fl_layer_new(schema->name, schema->srid, schema->geom_type);
  int ok = c->rows != NULL;
  for (size_t j = 0; ok && j < schema->n_fields; j++)
    ok = fl_layer_add_field(c->rows, schema->fields[j].name, schema->fields[j].type) >= 0;
  if (ok && with_xy) ok = (c->xy = malloc((n ? n : 1) * 2 * sizeof *c->xy)) != NULL;
  if (ok) return FL_OK;
  fl_chunk_clear(ctx, c);
  return fl__fail(ctx, FL_E_NOMEM, "out of memory");
}

typedef struct batch {
  const fl_stream_kernel *k;
  fl_chunk *in, *out;
  size_t n, rows;          /* chunks, input features */
} batch;

static fl_status apply_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  batch *b = shared;
  return b->k->apply(wctx, b->k->self, &b->in[i], &b->out[i]);
}

/* Read up to cap chunks into b (D1), each checked; *end set at the source's end. */
static fl_status read_batch(fl_ctx *ctx, fl_source *src, size_t rows, batch *b, size_t cap,
                            int *end) {
  b->n = b->rows = 0;
  while (b->n < cap && !*end) {
    fl_chunk *c = &b->in[b->n];
    memset(c, 0, sizeof *c);
    fl_status st = src->ops->next_chunk(ctx, src->self, rows, c);
    if (st) {
      fl_chunk_clear(ctx, c);
      return st;
    }
    if (!c->rows || c->rows->n_features == 0) {
      fl_chunk_clear(ctx, c);
      *end = 1;
      break;
    }
    b->n++;
    b->rows += c->rows->n_features;
    if (b->k->check && (st = b->k->check(ctx, b->k->self, c))) return st;
  }
  return FL_OK;
}

static void clear_batch(fl_ctx *ctx, batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    fl_chunk_clear(ctx, &b->in[i]);
    fl_chunk_clear(ctx, &b->out[i]);
  }
  b->n = b->rows = 0;
}

/* (D1) the kernel on a batch, on a thread of its own while the calling
 * thread reads and writes; its context's failure and warnings are copied
 * back at the join. */
typedef struct runner {
  pthread_t thread;
  int started;
  fl_ctx *ctx;
  batch *b;
  fl_status st;
} runner;

static void *runner_main(void *p) {
  runner *r = p;
  r->st = fl__parallel_for(r->ctx, r->b->n, apply_one, r->b, NULL, NULL, 0, 1);
  return NULL;
}

static fl_status runner_start(fl_ctx *ctx, runner *r, batch *b) {
  memset(r, 0, sizeof *r);
  r->b = b;
  if (b->n == 0) return FL_OK;
  r->ctx = fl_ctx_create();
  if (!r->ctx) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  r->ctx->cancel = ctx->cancel;
  r->ctx->n_threads = ctx->n_threads;
  r->ctx->deadline_s = ctx->deadline_s;
  r->ctx->deadline_len_s = ctx->deadline_len_s;
  if (fl__threads_for(ctx, SIZE_MAX) < 2 || pthread_create(&r->thread, NULL, runner_main, r)) {
    runner_main(r); /* one core: no overlap */
    return FL_OK;
  }
  r->started = 1;
  return FL_OK;
}

static fl_status runner_join(fl_ctx *ctx, runner *r) {
  if (r->started) pthread_join(r->thread, NULL);
  r->started = 0;
  fl_status st = r->st;
  if (r->ctx) {
    for (size_t i = 0; i < r->ctx->n_warnings; i++) fl__warn(ctx, "%s", r->ctx->warnings[i]);
    if (st) fl__fail(ctx, st, "%s", r->ctx->errmsg);
    fl_ctx_destroy(r->ctx);
    r->ctx = NULL;
  }
  return st;
}

/* Rows of a batch to the sink, in input order. */
static fl_status write_batch(fl_ctx *ctx, fl_sink *sink, const batch *b, size_t *written) {
  fl_status st = FL_OK;
  for (size_t i = 0; !st && i < b->n; i++) {
    if (!b->out[i].rows) continue;
    st = sink->ops->write_rows(ctx, sink->self, &b->out[i]);
    *written += b->out[i].rows->n_features;
  }
  return st;
}

fl_status fl_stream_run(fl_ctx *ctx, fl_source *src, const fl_stream_kernel *k,
                        const fl_layer *out_schema, fl_sink *sink, size_t chunk_rows,
                        size_t *rows_out) {
  if (rows_out) *rows_out = 0;
  size_t rows = chunk_rows ? chunk_rows : DEFAULT_CHUNK;
  size_t cap = 2 * (size_t)fl__threads_for(ctx, SIZE_MAX);
  batch b[2] = {{k, calloc(cap, sizeof(fl_chunk)), calloc(cap, sizeof(fl_chunk)), 0, 0},
                {k, calloc(cap, sizeof(fl_chunk)), calloc(cap, sizeof(fl_chunk)), 0, 0}};
  runner r;
  memset(&r, 0, sizeof r);
  fl_status st = b[0].in && b[0].out && b[1].in && b[1].out
                     ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) st = sink->ops->begin(ctx, sink->self, out_schema);
  size_t done = 0, written = 0;
  int end = 0, cur = 0;
  if (!st) st = read_batch(ctx, src, rows, &b[cur], cap, &end);
  if (!st) st = runner_start(ctx, &r, &b[cur]);
  while (!st && b[cur].n) {
    fl_status rs = read_batch(ctx, src, rows, &b[!cur], cap, &end); /* while the kernel runs */
    fl_status js = runner_join(ctx, &r);
    st = js ? js : rs;
    done += b[cur].rows;
    if (!st) st = runner_start(ctx, &r, &b[!cur]);
    if (!st) st = write_batch(ctx, sink, &b[cur], &written); /* while the next one runs */
    clear_batch(ctx, &b[cur]);
    cur = !cur;
    double total = src->n_hint ? (double)src->n_hint : 0; /* (D3) */
    if (!st && total > 0) st = fl__progress(ctx, 0.95 * fmin(1.0, done / total));
  }
  fl_status js = runner_join(ctx, &r);
  if (!st) st = js;
  clear_batch(ctx, &b[0]);
  clear_batch(ctx, &b[1]);
  if (st) sink->ops->abort(ctx, sink->self); /* (D2) */
  else st = sink->ops->commit(ctx, sink->self);
  for (int i = 0; i < 2; i++) {
    free(b[i].in);
    free(b[i].out);
  }
  if (!st && rows_out) *rows_out = written;
  return st;
}
