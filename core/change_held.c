/*
 * change_held.c - the fronts of the dates of `change`, and the held_series
 * table: per source, date and side, the ground held, the front's length and
 * the settlements held.
 *
 * Rules:
 *   (C4) held_series: per (source, date) in the span and side (contested
 *        last), area_km2 (geodesic), front_km and, with settlements,
 *        settlements: how many the side holds on that date (the holder of
 *        settlement-status, CS1).
 *   (C10) the front of a date is frontline's (fl__group_edges, F1-F5, G1):
 *        front_km is the length of side A's line (with a grey zone, A's edge
 *        of it), geodesic; depths (CA1) are measured from both edges. A date
 *        whose front cannot be traced (one side only, no other_side) has
 *        none: NULL front_km and depths, with a warning.
 * Not here: tracing (front_group.c, frontline.c), containment
 * (settlement_status.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"

static fl_status length_km(fl_ctx *ctx, fl__change_job *j, const GEOSGeometry *line, size_t g) {
  size_t nc = j->sec.n + 1;
  double m = 0;
  fl_status st = fl_length_m(ctx, line, &m);
  if (st) return st;
  j->front_km[g * nc] = m / 1000.0;
  for (size_t k = 0; k < j->sec.n; k++) {
    GEOSGeometry *x = GEOSIntersection_r(ctx->geos, line, j->sec.g[k]);
    if (!x) return fl__fail_geos(ctx, "change: the front in a sector");
    st = fl_length_m(ctx, x, &m);
    GEOSGeom_destroy_r(ctx->geos, x);
    if (st) return st;
    j->front_km[g * nc + k + 1] = m / 1000.0;
  }
  return FL_OK;
}

/* (C10) the front of group g, on any thread (ctx its own context; the job's
 * groups and sectors are only read, front[g] and front_km[g] only written
 * here). */
static fl_status one_front(fl_ctx *ctx, size_t g, void *shared, void *scratch) {
  (void)scratch;
  fl__change_job *j = shared;
  if (!j->built[g]) return FL_OK;
  const char *sa = NULL, *sb = NULL;
  GEOSGeometry *ea = NULL, *eb = NULL;
  fl_status st = fl__group_edges(ctx, &j->cg[g], NULL, j->opts, &sa, &sb, &ea, &eb);
  if (st == FL_E_NOMEM || st == FL_E_CANCEL) return st;
  if (st || !ea || GEOSisEmpty_r(ctx->geos, ea) == 1) {
    fl__warn(ctx, "change: no front on %s%s%s (%s); its front_km and the depths from it are "
             "left empty", j->gr.g[g].date, j->gr.g[g].source[0] ? " of " : "",
             j->gr.g[g].source, st ? fl_ctx_errmsg(ctx) : "no line between the sides");
    fl_ctx_clear_error(ctx);
    if (ea) GEOSGeom_destroy_r(ctx->geos, ea);
    if (eb) GEOSGeom_destroy_r(ctx->geos, eb);
    return FL_OK;
  }
  st = length_km(ctx, j, ea, g);
  if (!st && eb) {
    GEOSGeometry *u = GEOSUnion_r(ctx->geos, ea, eb); /* (G2) */
    if (!u) st = fl__fail_geos(ctx, "change: joining the edges of a grey zone");
    GEOSGeom_destroy_r(ctx->geos, ea);
    ea = u;
  }
  if (eb) GEOSGeom_destroy_r(ctx->geos, eb);
  if (st) {
    if (ea) GEOSGeom_destroy_r(ctx->geos, ea);
    return st;
  }
  GEOSSetSRID_r(ctx->geos, ea, 4326);
  j->front[g] = ea;
  return FL_OK;
}

fl_status fl__change_fronts(fl__change_job *j) {
  return fl__parallel_for(j->ctx, j->gr.n, one_front, j, NULL, NULL, 0.4, 0.6);
}

/* (C4) settlements of group g held by side (status rows of that source and
 * date). */
static long count_held(const fl__change_job *j, const fl_layer *status, size_t g,
                       const char *side) {
  int is = fl_layer_field_index(status, "source"), id = fl_layer_field_index(status, "date");
  long n = 0;
  for (size_t i = 0; i < status->n_features; i++) {
    const fl_feature *f = &status->features[i];
    const char *src = is < 0 || f->values[is].is_null ? "" : f->values[is].s;
    const char *date = id < 0 || f->values[id].is_null ? "" : f->values[id].s;
    if (strcmp(src ? src : "", j->gr.g[g].source) || strcmp(date ? date : "", j->gr.g[g].date))
      continue;
    char *h = fl__change_holder(status, f);
    n += h && !strcmp(h, side);
    free(h);
  }
  return n;
}

static fl_layer *held_layer(int srid) {
  fl_layer *l = fl_layer_new("held_series", srid, "NONE");
  if (!l) return NULL;
  fl_layer_add_field(l, "source", FL_FIELD_TEXT);
  fl_layer_add_field(l, "date", FL_FIELD_TEXT);
  fl_layer_add_field(l, "side", FL_FIELD_TEXT);
  fl_layer_add_field(l, "area_km2", FL_FIELD_REAL);
  fl_layer_add_field(l, "front_km", FL_FIELD_REAL);
  if (fl_layer_add_field(l, "settlements", FL_FIELD_INTEGER) < 0) {
    fl_layer_destroy(NULL, l);
    return NULL;
  }
  return l;
}

static fl_status held_row(fl__change_job *j, const fl_layer *status, size_t g, const char *side,
                          const GEOSGeometry *area) {
  fl_layer *l = j->out.held_series;
  double km2 = 0, front = j->front_km[g * (j->sec.n + 1)];
  fl_status ast = fl_area_km2(j->ctx, area, &km2);
  if (ast) return ast;
  fl_feature *f = fl_layer_append(j->ctx, l, (int64_t)l->n_features + 1, NULL);
  fl_status st = f ? FL_OK : FL_E_NOMEM;
  if (!st) st = fl_feature_set_text(l, f, 0, j->gr.g[g].source);
  if (!st) st = fl_feature_set_text(l, f, 1, j->gr.g[g].date);
  if (!st) st = fl_feature_set_text(l, f, 2, side);
  if (!st) st = fl_feature_set_real(l, f, 3, km2);
  if (!st && front >= 0) st = fl_feature_set_real(l, f, 4, front);
  if (!st && status) st = fl_feature_set_int(l, f, 5, count_held(j, status, g, side));
  return st ? fl__fail(j->ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

fl_status fl__change_held(fl__change_job *j, const fl_layer *status) {
  j->out.held_series = held_layer(j->in->control->srid);
  if (!j->out.held_series) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t g = 0; g < j->gr.n; g++) {
    if (!j->built[g]) continue;
    const fl__control_group *cg = &j->cg[g];
    for (size_t k = 0; k <= cg->n_sides; k++) {
      const GEOSGeometry *area = k < cg->n_sides ? cg->area[k] : cg->contested;
      if (!area) continue;
      fl_status st = held_row(j, status, g, k < cg->n_sides ? cg->side[k] : FL__CONTESTED, area);
      if (st) return st;
    }
  }
  return FL_OK;
}
