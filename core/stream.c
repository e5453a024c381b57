/*
 * stream.c - the stream driver (fl_stream.h): chunks from a source, a
 * kernel on every core, rows to a sink in input order.
 *
 * Rules, cited below:
 *   (D1) batches of chunks (one per thread) in a three-stage pipeline:
 *        one thread reads batch k+1 (running the kernel's check on each
 *        chunk, in input order), the kernel runs on batch k on every core
 *        (fl__parallel_for, from a thread of its own), and the calling
 *        thread writes batch k-1's rows in input order, all at once; peak
 *        memory is the kernel's plus three batches of chunks. With one
 *        thread, the stages run one after the other;
 *   (D2) the first failure (a worker's with its message) stops the stream and
 *        aborts the sink: nothing partial is left behind;
 *   (D3) progress runs over the source's n_hint when it has one;
 *   (D4) a written batch is freed by the reader as it fills the batch again.
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
  size_t stale;            /* (D4) chunks written but not yet freed */
} batch;

/* (D4) A written batch's chunks are freed by the next stage that fills it
 * (the reader, on its own thread), not between steps, where nothing else
 * runs: freeing a million rows' values cost 7 % of T1 there. */
static void free_stale(fl_ctx *ctx, batch *b) {
  for (size_t i = 0; i < b->stale; i++) {
    fl_chunk_clear(ctx, &b->in[i]);
    fl_chunk_clear(ctx, &b->out[i]);
  }
  b->stale = 0;
}

static void retire_batch(batch *b) {
  if (b->n > b->stale) b->stale = b->n;
  b->n = b->rows = 0;
}

static fl_status apply_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  batch *b = shared;
  return b->k->apply(wctx, b->k->self, &b->in[i], &b->out[i]);
}

/* Read up to cap chunks into b (D1), each checked; *end set at the source's end. */
static fl_status read_batch(fl_ctx *ctx, fl_source *src, size_t rows, batch *b, size_t cap,
                            int *end) {
  free_stale(ctx, b); /* (D4) */
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
  retire_batch(b);
  free_stale(ctx, b);
}

/* (D1) one stage of the pipeline on a thread of its own, with a context of
 * its own (made once per run); its failure and warnings are copied to the
 * caller's context at the join, in input order. */
typedef struct stage {
  pthread_t thread;
  int started;
  fl_ctx *ctx;
  void *(*fn)(void *);
  /* what the stage works on */
  fl_source *src;
  size_t rows, cap;
  int *end;
  batch *b;
  fl_status st;
} stage;

static void *read_main(void *p) {
  stage *g = p;
  g->st = read_batch(g->ctx, g->src, g->rows, g->b, g->cap, g->end);
  return NULL;
}

static void *apply_main(void *p) {
  stage *g = p;
  g->st = g->b->n ? fl__parallel_for(g->ctx, g->b->n, apply_one, g->b, NULL, NULL, 0, 1) : FL_OK;
  return NULL;
}

static fl_status stage_init(fl_ctx *ctx, stage *g, void *(*fn)(void *)) {
  memset(g, 0, sizeof *g);
  g->fn = fn;
  g->ctx = fl_ctx_create();
  if (!g->ctx) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  fl__ctx_inherit(g->ctx, ctx);
  g->ctx->n_threads = ctx->n_threads;
  g->ctx->deadline_s = ctx->deadline_s;
  g->ctx->deadline_len_s = ctx->deadline_len_s;
  return FL_OK;
}

/* Run the stage on b: on its own thread when the run has two cores or more. */
static void stage_start(fl_ctx *ctx, stage *g, batch *b) {
  g->b = b;
  g->st = FL_OK;
  if (fl__threads_for(ctx, SIZE_MAX) >= 2 && pthread_create(&g->thread, NULL, g->fn, g) == 0)
    g->started = 1;
  else
    g->fn(g); /* one core: no overlap */
}

static fl_status stage_join(fl_ctx *ctx, stage *g) {
  if (g->started) pthread_join(g->thread, NULL);
  g->started = 0;
  if (!g->ctx) return FL_OK;
  for (size_t i = 0; i < g->ctx->n_warnings; i++) fl__warn(ctx, "%s", g->ctx->warnings[i]);
  fl_ctx_clear_warnings(g->ctx);
  fl_status st = g->st;
  if (st) fl__fail(ctx, st, "%s", g->ctx->errmsg);
  fl_ctx_clear_error(g->ctx);
  g->st = FL_OK;
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

/* One step of the pipeline (D1): read batch R, apply the kernel to batch C,
 * write batch W, at once; the first failure in input order wins. */
static fl_status step(fl_ctx *ctx, stage *rd, stage *ap, fl_sink *sink, batch *r, batch *c,
                      const batch *w, int end, size_t *written) {
  if (!end) stage_start(ctx, rd, r);
  else free_stale(ctx, r); /* (D4) no reader any more */
  stage_start(ctx, ap, c);
  fl_status ws = write_batch(ctx, sink, w, written);
  fl_status as = stage_join(ctx, ap);
  fl_status rs = stage_join(ctx, rd);
  return ws ? ws : as ? as : rs;
}

fl_status fl_stream_run(fl_ctx *ctx, fl_source *src, const fl_stream_kernel *k,
                        const fl_layer *out_schema, fl_sink *sink, size_t chunk_rows,
                        size_t *rows_out) {
  if (rows_out) *rows_out = 0;
  size_t cap = (size_t)fl__threads_for(ctx, SIZE_MAX); /* one chunk a thread per batch */
  batch b[3];
  stage rd, ap;
  memset(&rd, 0, sizeof rd);
  memset(&ap, 0, sizeof ap);
  fl_status st = FL_OK;
  for (int i = 0; i < 3; i++) {
    b[i] = (batch){k, calloc(cap, sizeof(fl_chunk)), calloc(cap, sizeof(fl_chunk)), 0, 0, 0};
    if (!b[i].in || !b[i].out) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = stage_init(ctx, &rd, read_main);
  if (!st) st = stage_init(ctx, &ap, apply_main);
  rd.src = src;
  rd.rows = chunk_rows ? chunk_rows : DEFAULT_CHUNK;
  rd.cap = cap;
  int end = 0, ri = 0, ci = 1, wi = 2;
  rd.end = &end;
  if (!st) st = sink->ops->begin(ctx, sink->self, out_schema);
  size_t done = 0, written = 0;
  while (!st && !(end && !b[ri].n && !b[ci].n && !b[wi].n)) {
    st = step(ctx, &rd, &ap, sink, &b[ri], &b[ci], &b[wi], end, &written);
    done += b[wi].rows;
    retire_batch(&b[wi]); /* (D4) freed by the next read into it */
    int free_i = wi;
    wi = ci, ci = ri, ri = free_i;
    double total = src->n_hint ? (double)src->n_hint : 0; /* (D3) */
    if (!st && total > 0) st = fl__progress(ctx, 0.95 * fmin(1.0, done / total));
  }
  for (int i = 0; i < 3; i++) clear_batch(ctx, &b[i]);
  fl_ctx_destroy(rd.ctx);
  fl_ctx_destroy(ap.ctx);
  if (st) sink->ops->abort(ctx, sink->self); /* (D2) */
  else st = sink->ops->commit(ctx, sink->self);
  for (int i = 0; i < 3; i++) {
    free(b[i].in);
    free(b[i].out);
  }
  if (!st && rows_out) *rows_out = written;
  return st;
}
