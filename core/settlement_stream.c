/*
 * settlement_stream.c - settlement-status as a stream (fl_stream.h): the
 * holding kernel and the claims' fronts built once, the settlements read a
 * chunk at a time, one row per settlement and claim written in input order,
 * with the whole-layer run's checks, rules and rows (settlement_rows.c).
 *
 * What fl__prep_layer() does to the whole layer is done per feature here, in
 * input order on the calling thread (the check hook): a feature without
 * geometry is a warning and skipped; a coordinate that is not a finite
 * lon/lat fails with prep's message. Anything this path does not handle
 * alike (a polygon or line, which the whole-layer run repairs or refuses; no
 * settlement with a geometry; a failure before the first chunk) sets *whole:
 * the sink is aborted, the warnings withdrawn, and the caller runs
 * fl_settlement_status(), whose answer or error stands.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_settlement.h"

typedef struct sstream {
  const fl_options *opts;
  const fl_holding_kernel *k;
  fl_dist_index **front;
  const double *bands;
  size_t n_bands;
  const fl_layer *in;      /* the source's schema (name and source for messages) */
  fl_layer *out;           /* the output schema */
  fl__srow_cols cols;
  int any_front;           /* some claim has a front index */
  size_t used;             /* settlements with a geometry */
  int whole;
  fl_sink *inner;          /* the caller's sink, behind the guard */
} sstream;

static fl_status check_chunk(fl_ctx *ctx, void *self, fl_chunk *c) {
  sstream *s = self;
  GEOSContextHandle_t h = ctx->geos;
  const char *src = s->in->source && s->in->source[0] ? s->in->source : s->in->name;
  for (size_t i = 0; i < c->rows->n_features; i++) {
    const fl_feature *f = &c->rows->features[i];
    double x = c->xy ? c->xy[2 * i] : NAN, y = c->xy ? c->xy[2 * i + 1] : NAN;
    if (!f->geom && isnan(x)) {
      fl__warn(ctx, "settlements layer '%s', feature %lld: no geometry; skipped", s->in->name,
               (long long)f->fid);
      continue;
    }
    if (!f->geom && !fl__lonlat_ok(x, y))
      return fl__prep_domain_fail(ctx, "settlements", s->in, src, f->fid, x, y);
    double bx, by;
    if (f->geom && fl__lonlat_bad(h, f->geom, &bx, &by))
      return fl__prep_domain_fail(ctx, "settlements", s->in, src, f->fid, bx, by);
    int t = f->geom ? GEOSGeomTypeId_r(h, f->geom) : GEOS_POINT;
    if (t != GEOS_POINT && t != GEOS_MULTIPOINT) { /* repaired or refused by the whole run */
      s->whole = 1;
      return fl__fail(ctx, FL_E_GEOM, "settlements: a geometry other than a point");
    }
    s->used++;
  }
  return FL_OK;
}

/* Holders of a chunk's settlements: hr[i * n_claims + g], shares in share. */
typedef struct chunk_work {
  fl_holding_row *hr;
  double *share, *dist;
  fl__claims_memo memo;
} chunk_work;

static int xy_point(const fl_chunk *in, size_t i) {
  return !in->rows->features[i].geom && in->xy && !isnan(in->xy[2 * i]);
}

/* The kernel on every point given as coordinates, in runs (no GEOS point). */
static fl_status hold_points(fl_ctx *wctx, const sstream *s, const fl_chunk *in, chunk_work *w) {
  size_t n = fl_holding_n_claims(s->k), n_in = in->rows->n_features;
  for (size_t i = 0; i < n_in;) {
    if (!xy_point(in, i)) { i++; continue; }
    size_t e = i;
    while (e < n_in && xy_point(in, e)) e++;
    fl_status st = fl_holding_points(wctx, s->k, in->xy + 2 * i, e - i, w->hr + i * n);
    if (st) return st;
    i = e;
  }
  return FL_OK;
}

/* The front rules on settlement i (its holders made), GEOS point made only
 * when some claim has a front. */
static fl_status front_rules(fl_ctx *wctx, const sstream *s, const fl_chunk *in, size_t i,
                             fl_holding_row *hr, double *dist) {
  GEOSContextHandle_t h = wctx->geos;
  const fl_feature *sf = &in->rows->features[i];
  if (sf->geom)
    return fl__settlement_one(wctx, s->k, s->front, s->opts, sf->geom, hr, dist);
  GEOSGeometry *pt = NULL;
  if (s->any_front && !(pt = GEOSGeom_createPointFromXY_r(h, in->xy[2 * i], in->xy[2 * i + 1])))
    return fl__fail_geos(wctx, "making a point");
  fl_status st = fl__settlement_front(wctx, s->k, s->front, s->opts, pt, hr, dist);
  if (pt) GEOSGeom_destroy_r(h, pt);
  return st;
}

/* One settlement's rows of every claim appended to out. */
static fl_status settlement_rows(fl_ctx *wctx, const sstream *s, const fl_chunk *in, size_t i,
                                 fl_chunk *out, chunk_work *w) {
  GEOSContextHandle_t h = wctx->geos;
  const fl_feature *sf = &in->rows->features[i];
  double x = in->xy ? in->xy[2 * i] : NAN, y = in->xy ? in->xy[2 * i + 1] : NAN;
  if (!sf->geom && isnan(x)) return FL_OK; /* skipped (warned in check_chunk) */
  size_t n = fl_holding_n_claims(s->k);
  fl_holding_row *hr = w->hr + i * n;
  fl_status st = front_rules(wctx, s, in, i, hr, w->dist);
  for (size_t g = 0; !st && g < n; g++) {
    GEOSGeometry *copy = sf->geom ? GEOSGeom_clone_r(h, sf->geom) : NULL;
    if (sf->geom && !copy) return fl__fail(wctx, FL_E_NOMEM, "out of memory");
    size_t r = out->rows->n_features;
    fl_feature *f = fl_layer_append(wctx, out->rows, (int64_t)r + 1, copy);
    if (!f) return fl__fail(wctx, FL_E_NOMEM, "out of memory");
    out->xy[2 * r] = sf->geom ? NAN : x;
    out->xy[2 * r + 1] = sf->geom ? NAN : y;
    st = fl__srow_fill(wctx, &s->cols, s->k, s->opts, s->bands, s->n_bands, out->rows, f,
                       in->rows, sf, hr, w->dist, g, &w->memo);
  }
  return st;
}

static fl_status apply_chunk(fl_ctx *wctx, void *self, const fl_chunk *in, fl_chunk *out) {
  sstream *s = self;
  size_t n = fl_holding_n_claims(s->k), ns = fl_holding_n_sides(s->k);
  size_t n_in = in->rows->n_features, n_hr = (n_in ? n_in : 1) * (n ? n : 1);
  chunk_work w;
  memset(&w, 0, sizeof w);
  fl_status st = fl_chunk_init(wctx, out, s->out, n_in * n, 1);
  if (!st) st = fl__claims_memo_init(wctx, &w.memo, n);
  w.hr = calloc(n_hr, sizeof *w.hr);
  w.share = calloc(n_hr * (ns + 1), sizeof *w.share);
  w.dist = calloc(n ? n : 1, sizeof *w.dist);
  if (!st && (!w.hr || !w.share || !w.dist)) st = fl__fail(wctx, FL_E_NOMEM, "out of memory");
  for (size_t r = 0; !st && r < n_in * n; r++) w.hr[r].share = w.share + r * (ns + 1);
  if (!st) st = hold_points(wctx, s, in, &w);
  for (size_t i = 0; !st && i < n_in; i++) st = settlement_rows(wctx, s, in, i, out, &w);
  fl__claims_memo_free(&w.memo);
  free(w.hr);
  free(w.share);
  free(w.dist);
  return st;
}

/* ---- the guard: nothing committed unless a settlement had a geometry ------ */

static fl_status guard_begin(fl_ctx *ctx, void *self, const fl_layer *schema) {
  sstream *s = self;
  return s->inner->ops->begin(ctx, s->inner->self, schema);
}

static fl_status guard_write(fl_ctx *ctx, void *self, const fl_chunk *rows) {
  sstream *s = self;
  return s->inner->ops->write_rows(ctx, s->inner->self, rows);
}

static fl_status guard_commit(fl_ctx *ctx, void *self) {
  sstream *s = self;
  if (s->used > 0) return s->inner->ops->commit(ctx, s->inner->self);
  s->inner->ops->abort(ctx, s->inner->self);
  s->whole = 1; /* the whole-layer run says "no feature has a geometry" */
  return fl__fail(ctx, FL_E_GEOM, "settlements: no feature has a geometry");
}

static void guard_abort(fl_ctx *ctx, void *self) {
  sstream *s = self;
  s->inner->ops->abort(ctx, s->inner->self);
}

static const fl_sink_ops guard_ops = {guard_begin, guard_write, guard_commit, guard_abort};

/* The kernel, the fronts and the output schema; *whole on any failure. */
static fl_status prepare(fl_ctx *ctx, sstream *s, const fl_layer *control, const fl_layer *front) {
  fl_holding_kernel *k = NULL;
  fl_status st = fl_holding_prepare(ctx, control, s->opts, &k);
  s->k = k;
  if (!st) {
    s->front = calloc(fl_holding_n_claims(k) ? fl_holding_n_claims(k) : 1, sizeof *s->front);
    if (!s->front) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = fl__settlement_fronts(ctx, k, front, s->opts, s->front);
  for (size_t g = 0; !st && g < fl_holding_n_claims(k); g++) s->any_front |= s->front[g] != NULL;
  if (!st) {
    s->out = fl_layer_new("settlement_status", s->in->srid,
                          s->in->geom_type ? s->in->geom_type : "GEOMETRY");
    st = s->out ? fl__srow_schema(ctx, k, s->in, s->out, &s->cols)
                : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (st) s->whole = 1;
  return st;
}

static void release(fl_ctx *ctx, sstream *s) {
  for (size_t g = 0; s->front && g < fl_holding_n_claims(s->k); g++)
    fl_dist_index_destroy(ctx, s->front[g]);
  free(s->front);
  fl_holding_free(ctx, (fl_holding_kernel *)s->k);
  fl__srow_cols_free(&s->cols);
  fl_layer_destroy(ctx, s->out);
}

fl_status fl_settlement_status_stream(fl_ctx *ctx, fl_source *src, const fl_layer *control,
                                      const fl_layer *front, const fl_options *opts,
                                      fl_sink *sink, size_t *rows, int *whole) {
  if (rows) *rows = 0;
  *whole = 0;
  size_t n_warn = fl_ctx_warning_count(ctx);
  sstream s;
  memset(&s, 0, sizeof s);
  s.opts = opts;
  s.in = src->schema;
  s.inner = sink;
  fl_status st = fl__settlement_check_options(ctx, opts, &s.bands, &s.n_bands);
  if (st) {
    sink->ops->abort(ctx, sink->self);
    return st;
  }
  if (src->schema->srid != 4326 || src->n_hint == 0) s.whole = 1; /* prep's checks and messages */
  if (!s.whole) st = prepare(ctx, &s, control, front);
  if (!s.whole) {
    fl_stream_kernel k = {check_chunk, apply_chunk, &s};
    fl_sink guard = {&guard_ops, &s};
    st = fl_stream_run(ctx, src, &k, s.out, &guard, 0, rows);
  } else {
    sink->ops->abort(ctx, sink->self);
  }
  release(ctx, &s);
  if (s.whole) {
    fl__warnings_truncate(ctx, n_warn);
    fl_ctx_clear_error(ctx);
    *whole = 1;
    return FL_OK;
  }
  return st;
}
