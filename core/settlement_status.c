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
#include "fl_prep.h"
#include "frontline/fl_holding.h"

typedef struct job {
  const fl_options *opts;
  const fl__prepped *st;      /* settlements */
  const fl_holding_kernel *k; /* the claims (control groups) */
  fl_dist_index **front;      /* per claim; NULL when it has no front line */
  size_t n_groups;
  size_t n_all_sides;
  fl_holding_row *hold;       /* [settlement * n_groups + group] */
  double *dist;               /* same index; NAN when no front */
  double *share_store;
} job;

static const char *status_text[] = {"held", "contested", "unknown"};

static fl_status one_settlement(fl_ctx *wctx, size_t i, void *shared, void *scratch) {
  (void)scratch;
  job *j = shared;
  const GEOSGeometry *geom = j->st->lonlat[i];
  if (!geom) return FL_OK;
  fl_holding_row *hr = &j->hold[i * j->n_groups];
  fl_status st = fl_holding_settlement(wctx, j->k, geom, hr); /* S1, S2, S4 */
  if (st) return st;
  for (size_t g = 0; g < j->n_groups; g++) {
    double *dist = &j->dist[i * j->n_groups + g];
    *dist = NAN;
    if (!j->front[g]) continue; /* NULL as well with skip_front_distance */
    fl_nearest nr;
    st = fl_dist_index_nearest(wctx, j->front[g], geom, NULL, NULL, &nr);
    if (st) return st;
    *dist = nr.dist_m;
    double on_contested = hr[g].share[j->n_all_sides];
    if (fl__holding_claim(j->k, g)->grey && on_contested > 0 &&
        (hr[g].is_point || on_contested > 1.0 - j->opts->split_share))
      *dist = 0; /* (S4) in a grey zone: on the front (G2) */
    if (j->opts->contested_dist_m > 0 && nr.dist_m < j->opts->contested_dist_m && hr[g].side >= 0)
      hr[g].status = FL_HOLD_CONTESTED;                                       /* S3 */
  }
  return FL_OK;
}

typedef struct front_pick {
  const fl__groups *fgr;
  int group;
} front_pick;

static int keep_front(size_t i, void *user) {
  front_pick *fp = user;
  return fp->fgr->of_feature[i] == fp->group;
}

/* Every claim's front index (none with skip_front_distance). */
static fl_status build_fronts(fl_ctx *ctx, const fl_holding_kernel *k, const fl__prepped *front,
                              const fl__groups *fgr, const fl_options *opts, fl_dist_index **out) {
  const fl__groups *gr = fl__holding_groups(k);
  for (size_t c = 0; c < gr->n && !opts->skip_front_distance; c++) {
    GEOSGeometry *line = NULL;
    fl_status st = FL_OK;
    int fg = front ? fl__groups_match(fgr, &gr->g[c]) : -1;
    if (fg >= 0) {
      front_pick fp = {fgr, fg};
      line = fl__union_where(ctx, front->lonlat, front->n, keep_front, &fp);
      if (!line) return ctx->status;
    } else {
      const char *sa, *sb;
      st = fl__group_front(ctx, fl__holding_claim(k, c), NULL, opts, &sa, &sb, &line);
      if (st) return st;
    }
    if (GEOSisEmpty_r(ctx->geos, line) != 1) {
      const GEOSGeometry *items[1] = {line};
      st = fl_dist_index_create(ctx, items, 1, &out[c]);
    }
    GEOSGeom_destroy_r(ctx->geos, line);
    if (st) return st;
  }
  return FL_OK;
}

static int band_of(const double *dist, size_t n, double d) {
  for (size_t k = 0; k < n; k++)
    if (d < dist[k]) return (int)k;
  return -1;
}

/* Text for one claim: "RU held". */
static void claim_text(const job *j, const fl_holding_row *r, char *buf, size_t len) {
  snprintf(buf, len, "%s %s", r->side >= 0 ? fl_holding_side(j->k, (size_t)r->side) : "none",
           status_text[r->status]);
}

/* Nonzero when group o is compared with group g: g itself, or another
 * source's snapshot whose date is within the tolerance and the closest of
 * that source's dates to g's. */
static int paired(const fl__groups *gr, size_t g, size_t o, int tol) {
  if (o == g) return 1;
  const fl__group *a = &gr->g[g], *b = &gr->g[o];
  if (!strcmp(a->source, b->source) || !fl__dates_within(a->date, b->date, tol)) return 0;
  long dg = 0, dbest = 0, dk = 0;
  if (!fl__date_days(a->date, &dg) || !fl__date_days(b->date, &dbest)) return 1; /* same text */
  for (size_t k = 0; k < gr->n; k++)
    if (k != o && !strcmp(gr->g[k].source, b->source) && fl__date_days(gr->g[k].date, &dk) &&
        labs(dk - dg) < labs(dbest - dg))
      return 0;
  return 1;
}

static fl_status write_rows(fl_ctx *ctx, const job *j, const fl_layer *settlements,
                            const fl__groups *gr, const double *dist, size_t n_dist,
                            fl_layer *res) {
  static const char *fixed[] = {"settlement_fid", "source", "date", "side", "status",
                                "dist_to_front_m", "band", "band_label", "sources_agree",
                                "claims"};
  size_t n_fixed = sizeof fixed / sizeof fixed[0];
  /* the output columns, share_<side> and share_contested included */
  char **reserved = calloc(n_fixed + j->n_all_sides + 2, sizeof *reserved);
  int *map = malloc((settlements->n_fields ? settlements->n_fields : 1) * sizeof *map);
  int oom = !reserved || !map;
  for (size_t k = 0; !oom && k < n_fixed; k++) oom = !(reserved[k] = fl__strdup(fixed[k]));
  for (size_t a = 0; !oom && a <= j->n_all_sides; a++) {
    const char *side = a < j->n_all_sides ? fl_holding_side(j->k, a) : "contested";
    size_t len = strlen(side) + 7;
    oom = !(reserved[n_fixed + a] = malloc(len));
    if (!oom) snprintf(reserved[n_fixed + a], len, "share_%s", side);
  }
  fl_status st = oom ? fl__fail(ctx, FL_E_NOMEM, "out of memory")
                     : fl__copy_fields(ctx, "settlement-status", res, settlements,
                                       (const char *const *)reserved, map);
  for (size_t k = 0; reserved && reserved[k]; k++) free(reserved[k]);
  free(reserved);
  if (st) { free(map); return st; }
  int f_fid = fl_layer_add_field(res, "settlement_fid", FL_FIELD_INTEGER);
  int f_source = gr->source_field >= 0 ? fl_layer_add_field(res, "source", FL_FIELD_TEXT) : -1;
  int f_date = gr->date_field >= 0 ? fl_layer_add_field(res, "date", FL_FIELD_TEXT) : -1;
  int f_side = fl_layer_add_field(res, "side", FL_FIELD_TEXT);
  int *f_share = malloc((j->n_all_sides + 1) * sizeof *f_share);
  if (!f_share) { free(map); return fl__fail(ctx, FL_E_NOMEM, "out of memory"); }
  int any_contested = 0;
  for (size_t g = 0; g < j->n_groups; g++) any_contested |= fl__holding_claim(j->k, g)->contested != NULL;
  for (size_t a = 0; a <= j->n_all_sides; a++) {
    char name[128];
    if (a == j->n_all_sides && !any_contested) { f_share[a] = -1; continue; }
    snprintf(name, sizeof name, "share_%s", a < j->n_all_sides ? fl_holding_side(j->k, a) : "contested");
    f_share[a] = fl_layer_add_field(res, name, FL_FIELD_REAL);
    if (f_share[a] < 0 && !st)
      st = fl__fail(ctx, FL_E_FIELD, "settlement-status: the output column '%s' cannot be made "
                    "(a side name longer than 120 bytes?)", name);
  }
  int f_status = fl_layer_add_field(res, "status", FL_FIELD_TEXT);
  int f_dist = fl_layer_add_field(res, "dist_to_front_m", FL_FIELD_REAL);
  int f_band = fl_layer_add_field(res, "band", FL_FIELD_INTEGER);
  int f_label = fl_layer_add_field(res, "band_label", FL_FIELD_TEXT);
  int f_agree = fl_layer_add_field(res, "sources_agree", FL_FIELD_INTEGER);
  int f_claims = fl_layer_add_field(res, "claims", FL_FIELD_TEXT);
  if (f_fid < 0 || f_side < 0 || f_status < 0 || f_claims < 0) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");

  for (size_t i = 0; !st && i < settlements->n_features; i++) {
    if (!j->st->lonlat[i]) continue;
    const fl_feature *sf = &settlements->features[i];
    for (size_t g = 0; !st && g < j->n_groups; g++) {
      const fl_holding_row *r = &j->hold[i * j->n_groups + g];
      double dist_m = j->dist[i * j->n_groups + g];
      GEOSGeometry *geom = GEOSGeom_clone_r(ctx->geos, sf->geom);
      fl_feature *f = geom ? fl_layer_append(ctx, res, (int64_t)res->n_features + 1, geom) : NULL;
      if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
      st = fl__copy_values(res, f, settlements, sf, map);
      fl_feature_set_int(res, f, f_fid, sf->fid);
      if (f_source >= 0) fl_feature_set_text(res, f, f_source, gr->g[g].source);
      if (f_date >= 0) fl_feature_set_text(res, f, f_date, gr->g[g].date);
      if (r->side >= 0) fl_feature_set_text(res, f, f_side, fl_holding_side(j->k, (size_t)r->side));
      for (size_t a = 0; a <= j->n_all_sides; a++)
        if (f_share[a] >= 0) fl_feature_set_real(res, f, f_share[a], r->share[a]);
      fl_feature_set_text(res, f, f_status, status_text[r->status]);
      if (!isnan(dist_m) && !isfinite(dist_m))
        fl__warn(ctx, "settlement-status: settlement feature %lld has no finite distance to the "
                 "front; its dist_to_front_m is left NULL", (long long)sf->fid);
      if (isfinite(dist_m)) {
        fl_feature_set_real(res, f, f_dist, dist_m);
        int b = band_of(dist, n_dist, dist_m);
        if (b >= 0) {
          char label[64];
          snprintf(label, sizeof label, "%g-%g km", b ? dist[b - 1] / 1000 : 0.0, dist[b] / 1000);
          fl_feature_set_int(res, f, f_band, b);
          fl_feature_set_text(res, f, f_label, label);
        }
      }
      /* claims and agreement among the sources of the same date */
      char claims[1024] = "";
      size_t len = 0, n_same = 0;
      int agree = 1;
      for (size_t o = 0; o < j->n_groups; o++) {
        if (!paired(gr, g, o, j->opts->date_tolerance_days)) continue;
        const fl_holding_row *ro = &j->hold[i * j->n_groups + o];
        char c[160];
        claim_text(j, ro, c, sizeof c);
        int other_date = strcmp(gr->g[o].date, gr->g[g].date) != 0;
        if (len < sizeof claims)
          len += (size_t)snprintf(claims + len, sizeof claims - len, "%s%s%s%s: %s",
                                  n_same ? "; " : "",
                                  gr->g[o].source[0] ? gr->g[o].source : "control",
                                  other_date ? " " : "", other_date ? gr->g[o].date : "", c);
        if (ro->side != r->side || ro->status != r->status) agree = 0;
        n_same++;
      }
      if (n_same > 1) fl_feature_set_int(res, f, f_agree, agree);
      fl_feature_set_text(res, f, f_claims, claims);
    }
  }
  free(map);
  free(f_share);
  return st;
}

/* The options settlement-status checks before it reads a feature. */
static fl_status check_options(fl_ctx *ctx, const fl_options *opts, const double **dist,
                               size_t *n_dist) {
  fl_status st = fl__check_date_tolerance(ctx, opts);
  if (st) return st;
  if ((st = fl_holding_check_split(ctx, opts->split_share))) return st;
  if (!isfinite(opts->contested_dist_m) || opts->contested_dist_m < 0)
    return fl__fail(ctx, FL_E_ARG, "contested_dist_m must be metres >= 0, got %g",
                    opts->contested_dist_m);
  if (opts->contested_dist_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "@{contested_dist_m} is %g m, more than the largest distance, "
                    "1,000,000 m (1,000 km)", opts->contested_dist_m);
  return fl__distances(ctx, opts, dist, n_dist);
}

/* The kernel, the fronts and the rows of every settlement and claim. */
static fl_status compute(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *control,
                         const fl_layer *front, const fl_options *opts, job *j,
                         fl__prepped *sp) {
  fl__prepped fp;
  memset(&fp, 0, sizeof fp);
  fl__groups fgr;
  memset(&fgr, 0, sizeof fgr);
  fl_holding_kernel *k = NULL;
  fl_status st = fl__prep_layer(ctx, settlements, "settlements", FL__WANT_POINT | FL__WANT_POLYGON,
                                sp);
  if (!st) st = fl_holding_prepare(ctx, control, opts, &k);
  j->k = k;
  if (opts->skip_front_distance) front = NULL;
  if (!st && front) st = fl__prep_layer(ctx, front, "front", FL__WANT_LINE, &fp);
  if (!st && front) st = fl__groups_build(ctx, front, opts, &fgr);
  if (!st) {
    j->opts = opts;
    j->st = sp;
    j->n_groups = fl_holding_n_claims(k);
    j->n_all_sides = fl_holding_n_sides(k);
    size_t n_rows = settlements->n_features * j->n_groups;
    j->front = calloc(j->n_groups ? j->n_groups : 1, sizeof *j->front);
    j->hold = calloc(n_rows ? n_rows : 1, sizeof *j->hold);
    j->dist = calloc(n_rows ? n_rows : 1, sizeof *j->dist);
    j->share_store = calloc((n_rows ? n_rows : 1) * (j->n_all_sides + 1), sizeof(double));
    if (!j->front || !j->hold || !j->dist || !j->share_store)
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    for (size_t r = 0; !st && r < n_rows; r++)
      j->hold[r].share = j->share_store + r * (j->n_all_sides + 1);
  }
  if (!st) st = build_fronts(ctx, k, front ? &fp : NULL, &fgr, opts, j->front);
  if (fgr.of_feature) fl__groups_free(&fgr);
  fl__prep_free(ctx, &fp);
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
  fl_status st = check_options(ctx, opts, &dist, &n_dist);
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
  if (!st) st = write_rows(ctx, &j, settlements, fl__holding_groups(j.k), dist, n_dist, res);
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
