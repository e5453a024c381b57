/*
 * stream.c - the stream driver (fl_stream.h): chunks from a source, a
 * kernel on every core, rows to a sink in input order.
 *
 * Rules, cited below:
 *   (D1) the calling thread reads a batch of chunks (two per thread), runs
 *        the kernel's check on each in input order, then every thread applies
 *        the kernel to one chunk at a time (fl__parallel_for), then the
 *        calling thread writes the batch's rows in input order; peak memory
 *        is the kernel's plus one batch of input and output chunks;
 *   (D2) the first failure (a worker's with its message) stops the stream and
 *        aborts the sink: nothing partial is left behind;
 *   (D3) progress runs over the source's n_hint when it has one.
 * Not here: the formats (io/stream_gpkg.c), what a kernel computes.
 */
#include <math.h>
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
} batch;

static fl_status apply_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  batch *b = shared;
  return b->k->apply(wctx, b->k->self, &b->in[i], &b->out[i]);
}

/* Read up to cap chunks (D1); *n the number read, *end set at the source's end. */
static fl_status read_batch(fl_ctx *ctx, fl_source *src, const fl_stream_kernel *k,
                            size_t rows, fl_chunk *in, size_t cap, size_t *n, int *end) {
  *n = 0;
  while (*n < cap) {
    fl_chunk *c = &in[*n];
    memset(c, 0, sizeof *c);
    fl_status st = src->ops->next_chunk(ctx, src->self, rows, c);
    if (st) {
      fl_chunk_clear(ctx, c);
      return st;
    }
    if (!c->rows || c->rows->n_features == 0) {
      fl_chunk_clear(ctx, c);
      *end = 1;
      return FL_OK;
    }
    (*n)++;
    if (k->check && (st = k->check(ctx, k->self, c))) return st;
  }
  return FL_OK;
}

fl_status fl_stream_run(fl_ctx *ctx, fl_source *src, const fl_stream_kernel *k,
                        const fl_layer *out_schema, fl_sink *sink, size_t chunk_rows,
                        size_t *rows_out) {
  if (rows_out) *rows_out = 0;
  size_t rows = chunk_rows ? chunk_rows : DEFAULT_CHUNK;
  size_t cap = 2 * (size_t)fl__threads_for(ctx, SIZE_MAX);
  fl_chunk *in = calloc(cap, sizeof *in), *out = calloc(cap, sizeof *out);
  fl_status st = in && out ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  if (!st) st = sink->ops->begin(ctx, sink->self, out_schema);
  size_t done = 0, written = 0, n = 0;
  int end = 0;
  while (!st && !end) {
    st = read_batch(ctx, src, k, rows, in, cap, &n, &end);
    size_t n_in = 0;
    for (size_t i = 0; i < n; i++) n_in += in[i].rows->n_features;
    double total = src->n_hint ? (double)src->n_hint : 0; /* (D3) */
    double p0 = total > 0 ? fmin(1.0, done / total) : 0, p1 = total > 0 ? fmin(1.0, (done + n_in) / total) : 0;
    batch b = {k, in, out};
    if (!st && n) st = fl__parallel_for(ctx, n, apply_one, &b, NULL, NULL, 0.95 * p0, 0.95 * p1);
    for (size_t i = 0; !st && i < n; i++) {
      if (!out[i].rows) continue;
      st = sink->ops->write_rows(ctx, sink->self, &out[i]);
      written += out[i].rows->n_features;
    }
    done += n_in;
    for (size_t i = 0; i < n; i++) {
      fl_chunk_clear(ctx, &in[i]);
      fl_chunk_clear(ctx, &out[i]);
    }
  }
  if (st) sink->ops->abort(ctx, sink->self); /* (D2) */
  else if (!st) st = sink->ops->commit(ctx, sink->self);
  free(in);
  free(out);
  if (!st && rows_out) *rows_out = written;
  return st;
}
