/*
 * change_advance.c - the advance layer of `change`: how far the front moved
 * into each polygon that changed side.
 *
 * Rules:
 *   (CA1) one row per polygon of each changed part (area_change split into
 *         its polygons): source, dates, sides, sector, area_km2 and depth_m,
 *         the largest geodesic distance from the earlier date's front
 *         (change_held.c) to the polygon (fl_depth_m, P1-P3: within max(1 m,
 *         0.1 %)); NULL when that date has no front.
 *   (CA2) the largest depth per side gained and sector feeds change_summary
 *         (C9).
 *   (CA3) when the search cannot settle within its bound (depth.c, P3), the
 *         polygon's depth is NULL with a warning, and so is the largest depth
 *         of its side and sector: never a figure it cannot vouch for.
 * Not here: the front (change_held.c), the search (depth.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"
#include "fl_geodesy.h"

fl_layer *fl__advance_layer(void) {
  fl_layer *l = fl_layer_new("advance", 0, "POLYGON");
  if (!l) return NULL;
  static const char *const text[] = {"source", "date_from", "date_to", "side_from", "side_to",
                                     "sector"};
  for (int i = 0; i < 6; i++) fl_layer_add_field(l, text[i], FL_FIELD_TEXT);
  fl_layer_add_field(l, "days", FL_FIELD_INTEGER);
  fl_layer_add_field(l, "area_km2", FL_FIELD_REAL);
  if (fl_layer_add_field(l, "depth_m", FL_FIELD_REAL) < 0) {
    fl_layer_destroy(NULL, l);
    return NULL;
  }
  return l;
}

/* The index of g's front, built once per group; *idx NULL: no front. */
static fl_status front_index(fl__change_job *j, size_t g, const fl_dist_index **idx) {
  *idx = NULL;
  if (!j->front[g]) return FL_OK;
  if (!j->idx || j->idx_g != g) {
    fl_dist_index_destroy(j->ctx, j->idx);
    j->idx = NULL;
    const GEOSGeometry *fr = j->front[g];
    fl_status st = fl_dist_index_create(j->ctx, &fr, 1, &j->idx);
    if (st) return st;
    j->idx_g = g;
  }
  *idx = j->idx;
  return FL_OK;
}

static fl_status set_text(fl_layer *l, fl_feature *f, const char *name, const char *v) {
  return fl_feature_set_text(l, f, fl_layer_field_index(l, name), v);
}

/* (CA1) queue one polygon; takes poly. */
static fl_status queue(fl__change_job *j, GEOSGeometry *poly, const char *sa, const char *sb,
                       int k) {
  fl_ctx *ctx = j->ctx;
  double km2 = 0;
  fl_status st = fl_area_km2(ctx, poly, &km2);
  if (st || km2 < FL__SLIVER_KM2) {
    GEOSGeom_destroy_r(ctx->geos, poly);
    return st;
  }
  if (j->n_pend == j->cap_pend) {
    size_t cap = j->cap_pend ? 2 * j->cap_pend : 64;
    fl__adv_item *p = realloc(j->pend, cap * sizeof *p);
    if (!p) {
      GEOSGeom_destroy_r(ctx->geos, poly);
      return fl__fail(ctx, FL_E_NOMEM, "out of memory");
    }
    j->pend = p;
    j->cap_pend = cap;
  }
  fl__adv_item it = {poly, sa, sb, k, km2, -1};
  j->pend[j->n_pend++] = it;
  return FL_OK;
}

fl_status fl__advance_rows(fl__change_job *j, const char *sa, const char *sb,
                           const GEOSGeometry *part, int k) {
  fl_ctx *ctx = j->ctx;
  int n = GEOSGetNumGeometries_r(ctx->geos, part);
  for (int i = 0; i < n; i++) {
    GEOSGeometry *poly = GEOSGeom_clone_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, part, i));
    if (!poly) return fl__fail_geos(ctx, "advance: copying a polygon");
    GEOSSetSRID_r(ctx->geos, poly, 4326);
    fl_status st = queue(j, poly, sa, sb, k);
    if (st) return st;
  }
  return FL_OK;
}

typedef struct depth_shared {
  fl__change_job *j;
  const fl_dist_index *idx;
  size_t g0, g1;
} depth_shared;

/* (CA1), (CA3) one queued polygon, on any thread (wctx its own context). */
static fl_status depth_one(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  depth_shared *d = shared;
  fl__adv_item *it = &d->j->pend[i];
  double m = 0;
  fl_status st = fl__depth_m_indexed(wctx, it->poly, d->idx, &m);
  if (st == FL_OK) {
    it->depth_m = m;
    return FL_OK;
  }
  if (st != FL_E_GEOM) return st;
  fl__warn(wctx, "change: the depth of a polygon of %.3f km² gained by %s between %s and %s is "
           "left empty (%s)", it->km2, it->sb, d->j->gr.g[d->g0].date, d->j->gr.g[d->g1].date,
           fl_ctx_errmsg(wctx));
  fl_ctx_clear_error(wctx);
  it->depth_m = -2;
  return FL_OK;
}

/* One advance row; takes it->poly. */
static fl_status write_row(fl__change_job *j, size_t g0, size_t g1, fl__adv_item *it) {
  fl_ctx *ctx = j->ctx;
  GEOSGeometry *out = NULL;
  fl_status st = fl__to_layer_crs(ctx, it->poly, j->in->control->srid, &out);
  it->poly = NULL;
  if (st) return st;
  fl_layer *l = j->out.advance;
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, out);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  long d0 = 0, d1 = 0;
  st = set_text(l, f, "source", j->gr.g[g0].source);
  if (!st) st = set_text(l, f, "date_from", j->gr.g[g0].date);
  if (!st) st = set_text(l, f, "date_to", j->gr.g[g1].date);
  if (!st && fl__date_days(j->gr.g[g0].date, &d0) && fl__date_days(j->gr.g[g1].date, &d1))
    st = fl_feature_set_int(l, f, fl_layer_field_index(l, "days"), d1 - d0);
  if (!st) st = set_text(l, f, "side_from", it->sa);
  if (!st) st = set_text(l, f, "side_to", it->sb);
  if (!st && it->k >= 0) st = set_text(l, f, "sector", j->sec.name[it->k]);
  if (!st) st = fl_feature_set_real(l, f, fl_layer_field_index(l, "area_km2"), it->km2);
  if (!st && it->depth_m >= 0)
    st = fl_feature_set_real(l, f, fl_layer_field_index(l, "depth_m"), it->depth_m);
  return st ? fl__fail(ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

/* (CA2) the largest depth of side sb in the whole area and sector k; -2
 * (CA3) stays. */
static void update_max(fl__change_sums *s, const fl__adv_item *it) {
  if (it->depth_m == -1) return;
  double *whole = &s->max_depth_m[fl__sums_side(s, it->sb) * s->n_cols];
  double *cells[2] = {whole, it->k >= 0 ? &whole[it->k + 1] : NULL};
  for (int c = 0; c < 2; c++)
    if (cells[c] && (it->depth_m == -2 || (*cells[c] != -2 && it->depth_m > *cells[c])))
      *cells[c] = it->depth_m;
}

fl_status fl__advance_flush(fl__change_job *j, size_t g0, size_t g1, fl__change_sums *s) {
  depth_shared d = {j, NULL, g0, g1};
  fl_status st = front_index(j, g0, &d.idx);
  if (!st && d.idx && j->n_pend)
    st = fl__parallel_for(j->ctx, j->n_pend, depth_one, &d, NULL, NULL, j->ctx->last_progress,
                          j->ctx->last_progress); /* progress: compare_all() */
  for (size_t i = 0; !st && i < j->n_pend; i++) {
    update_max(s, &j->pend[i]);
    st = write_row(j, g0, g1, &j->pend[i]);
  }
  fl__advance_free(j);
  return st;
}

void fl__advance_free(fl__change_job *j) {
  for (size_t i = 0; i < j->n_pend; i++)
    if (j->pend[i].poly) GEOSGeom_destroy_r(j->ctx->geos, j->pend[i].poly);
  free(j->pend);
  j->pend = NULL;
  j->n_pend = j->cap_pend = 0;
}
