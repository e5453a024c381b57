/*
 * settlement_status.c - who holds each settlement, by each claim.
 *
 * One row per settlement and control group (source, date). Rules, cited
 * below and documented in docs/tools/settlement-status.md:
 *   (S1) a point is held by the side whose ground contains it (boundary
 *        included); inside two sides' ground it is contested; inside none,
 *        unknown;
 *   (S2) a polygon is held by the side with the largest share of its
 *        geodesic area; contested when that share is below split_share;
 *        unknown when no side's ground touches it;
 *   (S3) contested when closer than contested_dist_m to the front (rule off
 *        when 0, and with skip_front_distance, which measures no distance);
 *   (S4) contested when on contested-status ground or a grey zone (a point
 *        inside it, a polygon with more than 1 - split_share of its area on
 *        it); in a grey zone (front_group.c) at distance 0 from the front.
 * Distances to the front are geodesic (dist_index.c); the front is the front
 * layer's line for the same source/date when given, else derived from the
 * control group (frontline.c). Sources agree when every source of the same
 * date (within date_tolerance_days: each other source's closest date) names
 * the same holder and status. Each row carries settlement_fid, the feature
 * id of its settlement: rows are keyed by feature, never by name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_settlement.h"

typedef struct job {
  const fl_options *opts;
  const fl__prepped *st;      /* settlements */
  const fl_holding_kernel *k; /* the claims (control groups) */
  fl_dist_index **front;      /* per claim; NULL when it has no front line */
  size_t n_groups;
  fl_holding_row *hold;       /* [settlement * n_groups + group] */
  double *dist;               /* same index; NAN when no front */
  double *share_store;
} job;

static fl_status one_settlement(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  job *j = shared;
  const GEOSGeometry *geom = j->st->lonlat[i];
  if (!geom) return FL_OK;
  return fl__settlement_one(wctx, j->k, j->front, j->opts, geom, &j->hold[i * j->n_groups],
                            &j->dist[i * j->n_groups]);
}

/* One row per settlement and claim, in settlement order. */
static fl_status write_rows(fl_ctx *ctx, const job *j, const fl_layer *settlements,
                            const double *dist, size_t n_dist, fl_layer *res) {
  fl__srow_cols c;
  fl__claims_memo memo;
  fl_status st = fl__claims_memo_init(ctx, &memo, j->n_groups);
  if (st) return st;
  st = fl__srow_schema(ctx, j->k, settlements, res, &c);
  for (size_t i = 0; !st && i < settlements->n_features; i++) {
    if (!j->st->lonlat[i]) continue;
    const fl_feature *sf = &settlements->features[i];
    for (size_t g = 0; !st && g < j->n_groups; g++) {
      GEOSGeometry *geom = GEOSGeom_clone_r(ctx->geos, sf->geom);
      fl_feature *f = geom ? fl_layer_append(ctx, res, (int64_t)res->n_features + 1, geom) : NULL;
      if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
      st = fl__srow_fill(ctx, &c, j->k, j->opts, dist, n_dist, res, f, settlements, sf,
                         &j->hold[i * j->n_groups], &j->dist[i * j->n_groups], g, &memo);
    }
  }
  fl__srow_cols_free(&c);
  fl__claims_memo_free(&memo);
  return st;
}

/* The kernel, the fronts and the rows of every settlement and claim. */
static fl_status compute(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *control,
                         const fl_layer *front, const fl_options *opts, job *j,
                         fl__prepped *sp) {
  fl_holding_kernel *k = NULL;
  fl_status st = fl__prep_layer(ctx, settlements, "settlements", FL__WANT_POINT | FL__WANT_POLYGON,
                                sp);
  if (!st) st = fl_holding_prepare(ctx, control, opts, &k);
  j->k = k;
  if (!st) {
    j->opts = opts;
    j->st = sp;
    j->n_groups = fl_holding_n_claims(k);
    size_t ns = fl_holding_n_sides(k), n_rows = settlements->n_features * j->n_groups;
    j->front = calloc(j->n_groups ? j->n_groups : 1, sizeof *j->front);
    j->hold = calloc(n_rows ? n_rows : 1, sizeof *j->hold);
    j->dist = calloc(n_rows ? n_rows : 1, sizeof *j->dist);
    j->share_store = calloc((n_rows ? n_rows : 1) * (ns + 1), sizeof(double));
    if (!j->front || !j->hold || !j->dist || !j->share_store)
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    for (size_t r = 0; !st && r < n_rows; r++) j->hold[r].share = j->share_store + r * (ns + 1);
  }
  if (!st) st = fl__settlement_fronts(ctx, k, front, opts, j->front);
  if (!st)
    st = fl__parallel_for(ctx, settlements->n_features, one_settlement, j, NULL, NULL, 0.05,
                          0.95);
  return st;
}

fl_status fl_settlement_status(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *control,
                               const fl_layer *front, const fl_options *opts, fl_layer **out) {
  *out = NULL;
  const double *dist;
  size_t n_dist;
  fl_status st = fl__settlement_check_options(ctx, opts, &dist, &n_dist);
  if (st) return st;
  fl__prepped sp;
  memset(&sp, 0, sizeof sp);
  job j;
  memset(&j, 0, sizeof j);
  fl_layer *res = NULL;
  st = compute(ctx, settlements, control, front, opts, &j, &sp);
  if (!st) {
    res = fl_layer_new("settlement_status", settlements->srid,
                       settlements->geom_type ? settlements->geom_type : "GEOMETRY");
    if (!res) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = write_rows(ctx, &j, settlements, dist, n_dist, res);
  for (size_t g = 0; j.front && g < j.n_groups; g++) fl_dist_index_destroy(ctx, j.front[g]);
  free(j.front);
  free(j.hold);
  free(j.dist);
  free(j.share_store);
  fl_holding_free(ctx, (fl_holding_kernel *)j.k);
  fl__prep_free(ctx, &sp);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return fl__progress(ctx, 1.0);
}

fl_status fl_share(fl_ctx *ctx, const GEOSGeometry *settlement, const GEOSGeometry *ground,
                   double *out_share) {
  if (!settlement || !ground || GEOSisEmpty_r(ctx->geos, settlement) == 1)
    return fl__fail(ctx, FL_E_GEOM, "cannot take the share of an empty settlement");
  if (GEOSisEmpty_r(ctx->geos, ground) == 1) {
    *out_share = 0.0;
    return FL_OK;
  }
  const GEOSPreparedGeometry *prep = GEOSPrepare_r(ctx->geos, ground);
  if (!prep) return fl__fail_geos(ctx, "preparing the ground");
  double area = 0, share = 0;
  fl_status st = FL_OK;
  if (GEOSGeom_getDimensions_r(ctx->geos, settlement) == 2) st = fl_area_km2(ctx, settlement, &area);
  if (!st) st = fl_holding_share(ctx, prep, ground, settlement, area, &share);
  GEOSPreparedGeom_destroy_r(ctx->geos, prep);
  if (!st) *out_share = share;
  return st;
}
