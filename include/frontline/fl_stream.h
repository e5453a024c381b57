/*
 * fl_stream.h - the stream driver: features pulled from a source in chunks,
 * a kernel run on every core, rows pushed to a sink in input order, so that
 * peak memory is what the kernel indexes plus a few chunks, whatever the
 * number of features.
 *
 * A chunk holds up to a few thousand features as a layer (fl_io.h) whose
 * features carry fids and values; a feature's geometry is its GEOS geometry
 * when set, else the point (xy[2i], xy[2i+1]) when xy is set and xy[2i] is
 * not NaN, else none. Points stay coordinate arrays: no GEOS object per point.
 * Sources and sinks are small tables of functions, so a new format is one
 * file: GeoPackage has both (fl_source_open, fl_sink_open).
 */
#ifndef FRONTLINE_FL_STREAM_H
#define FRONTLINE_FL_STREAM_H

#include "fl_analysis.h"
#include "fl_io.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Rows of a stream (see the top of the file). @since 0.3 */
typedef struct fl_chunk {
  fl_layer *rows;   /* owned by the chunk; NULL or no features: the stream ended */
  double *xy;       /* owned by the chunk; 2 * rows->n_features, or NULL */
} fl_chunk;

/** Free what a chunk holds and zero it; a zeroed chunk is a no-op. @since 0.3 */
FL_API void fl_chunk_clear(fl_ctx *ctx, fl_chunk *c);
/** Make c an empty chunk with schema's name, SRID, declared type and fields,
 *  and room for n points in xy when with_xy. @return FL_OK, FL_E_NOMEM. @since 0.3 */
FL_API fl_status fl_chunk_init(fl_ctx *ctx, fl_chunk *c, const fl_layer *schema, size_t n,
                               int with_xy);

/** Where features come from. @since 0.3 */
typedef struct fl_source_ops {
  /* Fill out (zeroed by the caller) with up to max features in stored order;
   * out->rows NULL or empty at the end. Called from one thread at a time
   * (not always the caller's), with that thread's ctx. */
  fl_status (*next_chunk)(fl_ctx *ctx, void *self, size_t max, fl_chunk *out);
  /* Release self. */
  void (*close)(fl_ctx *ctx, void *self);
} fl_source_ops;

typedef struct fl_source {
  const fl_source_ops *ops;
  void *self;
  const fl_layer *schema; /* name, source, SRID, declared type and fields; no
                             features. Owned by the source, valid until close */
  size_t n_hint;          /* number of features when known (progress), else 0 */
  int chunked;            /* 1: read a chunk at a time; 0: the layer was read whole */
} fl_source;

/** Flags of fl_source_open(). @since 0.3 */
#define FL_SOURCE_POINTS_XY 1u /* 2D points as xy, not GEOS geometries */

/**
 * Open a data source (fl_io.h's strings) for streaming. GeoPackage layers
 * are read a chunk at a time; every other format is read whole first and
 * then handed out in chunks.
 * @param out  [out] close with out->ops->close(ctx, out->self).
 * @return FL_OK or fl_layer_read()'s failures.
 * @since 0.3
 */
FL_API fl_status fl_source_open(fl_ctx *ctx, const char *source, unsigned flags, fl_source *out);

/** Where rows go. begin, then write_rows per chunk in input order, then
 *  commit or abort, each on the thread that called fl_stream_run(); commit
 *  and abort release self whatever they return. @since 0.3 */
typedef struct fl_sink_ops {
  fl_status (*begin)(fl_ctx *ctx, void *self, const fl_layer *schema);
  fl_status (*write_rows)(fl_ctx *ctx, void *self, const fl_chunk *rows);
  fl_status (*commit)(fl_ctx *ctx, void *self);
  void (*abort)(fl_ctx *ctx, void *self);
} fl_sink_ops;

typedef struct fl_sink {
  const fl_sink_ops *ops;
  void *self;
} fl_sink;

/**
 * A GeoPackage sink writing one layer to path, with fl_layers_write()'s
 * rules: built under a temporary name and moved into place on commit; an
 * existing file replaced only with overwrite. Rows are numbered 1, 2, ... in
 * input order (fids are not kept).
 * @return FL_OK, FL_E_ARG (not a .gpkg path), FL_E_EXISTS, FL_E_IO, FL_E_NOMEM.
 * @since 0.3
 */
FL_API fl_status fl_sink_open(fl_ctx *ctx, const char *path, int overwrite, fl_sink *out);

/** What the driver runs on each chunk. @since 0.3 */
typedef struct fl_stream_kernel {
  /* Optional: right after each chunk is read, on the reading thread, chunks
   * in input order, before apply (checks whose messages must come in order;
   * its ctx's warnings reach the caller's ctx in that order). */
  fl_status (*check)(fl_ctx *ctx, void *self, fl_chunk *in);
  /* On any thread, with that thread's ctx: fill out (zeroed) from in. */
  fl_status (*apply)(fl_ctx *wctx, void *self, const fl_chunk *in, fl_chunk *out);
  void *self;
} fl_stream_kernel;

/**
 * Run a stream: sink->begin(out_schema), then chunks of chunk_rows features
 * (0: 4096) from src through k on every core (fl_ctx_set_threads() caps them),
 * written in input order, then commit; on any failure abort, and the first
 * failure's message (a worker's too) is in ctx.
 * @param src, k, out_schema  borrowed for the call; src stays open.
 * @param sink  borrowed; ended (committed or aborted) by the call.
 * @param rows_out  [out, may be NULL] rows written.
 * @return FL_OK, the kernel's, source's or sink's failure, FL_E_CANCEL.
 * @since 0.3
 */
FL_API fl_status fl_stream_run(fl_ctx *ctx, fl_source *src, const fl_stream_kernel *k,
                               const fl_layer *out_schema, fl_sink *sink, size_t chunk_rows,
                               size_t *rows_out);

/**
 * fl_settlement_status() as a stream: the settlements from src (open it with
 * FL_SOURCE_POINTS_XY), one row per settlement and claim to sink, the same
 * rows in the same order. The claims, fronts and every rule are
 * fl_settlement_status()'s (the holding kernel, fl_holding.h).
 *
 * @param src    borrowed, stays open (a schema not in EPSG:4326 sets *whole).
 * @param control, front, opts  borrowed for the call, as in fl_settlement_status().
 * @param sink   borrowed; ended (committed or aborted) by the call.
 * @param rows   [out, may be NULL] rows written.
 * @param whole  [out] 1 when a settlement needs the whole-layer run (a
 *               polygon, a line, no settlement with a geometry, a layer not
 *               in EPSG:4326): nothing was written, the stream's warnings are
 *               withdrawn, and the caller runs fl_settlement_status(), which
 *               gives the answer or the error. 0 otherwise.
 * @return FL_OK or fl_settlement_status()'s failures, the sink's.
 * @since 0.3
 */
FL_API fl_status fl_settlement_status_stream(fl_ctx *ctx, fl_source *src, const fl_layer *control,
                                             const fl_layer *front, const fl_options *opts,
                                             fl_sink *sink, size_t *rows, int *whole);

#ifdef __cplusplus
}
#endif
#endif
