/*
 * analyze.c - every analysis on one set of layers; the short report that
 * sums them up is written by analyze_report.c.
 *
 * Order: line of contact (always derived from control, so it can be
 * compared with a given front), bands, settlement status, then route
 * exposure and nearest route when routes are given. The front used for
 * measuring is the front layer when given, else the derived line.
 */
#include <stdlib.h>
#include <string.h>
#include "fl_prep.h"

typedef struct phase {
  fl_progress_fn outer;
  void *outer_user;
  double p0, p1;
} phase;

static int phase_progress(double f, void *user) {
  phase *p = user;
  return p->outer ? p->outer(p->p0 + (p->p1 - p->p0) * f, p->outer_user) : 0;
}


void fl_analyze_result_free(fl_ctx *ctx, fl_analyze_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->n_layers; i++) fl_layer_destroy(ctx, res->layers[i]);
  free(res->layers);
  free(res->report);
  memset(res, 0, sizeof *res);
}

fl_status fl_analyze(fl_ctx *ctx, const fl_analyze_input *in, const fl_options *opts,
                     int markdown, fl_analyze_result *out) {
  memset(out, 0, sizeof *out);
  if (!in || !in->settlements || !in->control)
    return fl__fail(ctx, FL_E_ARG, "analyze needs at least a settlements and a control layer");
  fl_layer *frontline = NULL, *bands = NULL, *status = NULL, *exposure = NULL, *nearest = NULL;
  phase ph = {ctx->progress, ctx->progress_user, 0, 0};
  fl_progress_fn saved = ctx->progress;
  void *saved_user = ctx->progress_user;
  ctx->progress = phase_progress;
  ctx->progress_user = &ph;
  const double bounds[] = {0.0, 0.1, 0.35, 0.6, 0.85, 1.0};
  int have_routes = in->routes != NULL;

  ph.p0 = bounds[0]; ph.p1 = bounds[1]; ctx->last_progress = -1;
  fl_status st = fl_frontline(ctx, in->control, in->mask, opts, &frontline);
  const fl_layer *front = in->front ? in->front : frontline;
  if (!st) {
    ph.p0 = bounds[1]; ph.p1 = bounds[2]; ctx->last_progress = -1;
    st = fl_bands(ctx, front, opts->held_by ? in->control : NULL, in->mask, opts, &bands);
  }
  if (!st) {
    ph.p0 = bounds[2]; ph.p1 = bounds[3]; ctx->last_progress = -1;
    st = fl_settlement_status(ctx, in->settlements, in->control, front, opts, &status);
  }
  if (!st && have_routes) {
    ph.p0 = bounds[3]; ph.p1 = bounds[4]; ctx->last_progress = -1;
    fl_options eo = *opts;
    eo.held_by = NULL; /* exposure to the front line here; held_by applies to bands */
    st = fl_route_exposure(ctx, in->routes, front, eo.on_side ? in->control : NULL, &eo, &exposure);
  }
  if (!st && have_routes) {
    ph.p0 = bounds[4]; ph.p1 = bounds[5]; ctx->last_progress = -1;
    st = fl_nearest_route(ctx, in->settlements, in->routes, opts, &nearest);
  }
  ctx->progress = saved;
  ctx->progress_user = saved_user;
  char *report = NULL;
  if (!st) {
    fl__analyze_layers l = {frontline, bands, status, exposure, nearest};
    st = fl__analyze_report(ctx, in, opts, markdown != 0, &l, &report);
  }
  fl_layer *all[5] = {frontline, bands, status, exposure, nearest};
  if (!st) {
    out->layers = calloc(5, sizeof *out->layers);
    if (!out->layers) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (st) {
    for (int i = 0; i < 5; i++) fl_layer_destroy(ctx, all[i]);
    free(report);
    memset(out, 0, sizeof *out);
    return st;
  }
  for (int i = 0; i < 5; i++)
    if (all[i]) out->layers[out->n_layers++] = all[i];
  out->report = report;
  return FL_OK;
}
