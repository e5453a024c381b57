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

typedef struct group_state {
  fl__control_group cg;
  fl_dist_index *front;       /* NULL when the group has no front line */
} group_state;

typedef struct row {
  int side;                   /* index into all_sides, -1 = none */
  int status;                 /* 0 held, 1 contested, 2 unknown */
  double dist_m;              /* NAN when no front */
  double *share;              /* n_all_sides + 1 (last: contested ground) */
} row;

typedef struct job {
  const fl_options *opts;
  const fl__prepped *st;      /* settlements */
  group_state *groups;
  size_t n_groups;
  char **all_sides;           /* borrowed from the groups */
  size_t n_all_sides;
  row *rows;                  /* [settlement * n_groups + group] */
  double *share_store;
} job;

static const char *status_text[] = {"held", "contested", "unknown"};

/* Per-thread prepared ground of every group. */
typedef struct scratch {
  const GEOSPreparedGeometry **prep; /* [group * (n_all_sides + 1) + side]; last: contested */
  size_t n;
} scratch;

static void *scratch_new(fl_ctx *wctx, void *shared) {
  job *j = shared;
  scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->n = j->n_groups * (j->n_all_sides + 1);
  s->prep = calloc(s->n ? s->n : 1, sizeof *s->prep);
  if (!s->prep) { free(s); return NULL; }
  for (size_t g = 0; g < j->n_groups; g++) {
    const fl__control_group *cg = &j->groups[g].cg;
    for (size_t a = 0; a < j->n_all_sides; a++) {
      int k = fl__control_side(cg, j->all_sides[a]);
      if (k >= 0 && cg->area[k] && GEOSisEmpty_r(wctx->geos, cg->area[k]) != 1)
        s->prep[g * (j->n_all_sides + 1) + a] = GEOSPrepare_r(wctx->geos, cg->area[k]);
    }
    if (cg->contested)
      s->prep[g * (j->n_all_sides + 1) + j->n_all_sides] = GEOSPrepare_r(wctx->geos, cg->contested);
  }
  return s;
}

static void scratch_free(fl_ctx *wctx, void *p) {
  scratch *s = p;
  if (!s) return;
  for (size_t i = 0; i < s->n; i++)
    if (s->prep[i]) GEOSPreparedGeom_destroy_r(wctx->geos, s->prep[i]);
  free(s->prep);
  free(s);
}

static fl_status one_settlement(fl_ctx *wctx, size_t i, void *shared, void *scratch_p) {
  job *j = shared;
  scratch *s = scratch_p;
  const GEOSGeometry *geom = j->st->lonlat[i];
  if (!geom) return FL_OK;
  GEOSContextHandle_t h = wctx->geos;
  double area = 0;
  if (GEOSGeom_getDimensions_r(h, geom) == 2) {
    fl_status st = fl_area_km2(wctx, geom, &area);
    if (st) return st;
  }
  int is_point = !(area > 0); /* points, and polygons of no area (S1) */
  size_t ns = j->n_all_sides;
  for (size_t g = 0; g < j->n_groups; g++) {
    row *r = &j->rows[i * j->n_groups + g];
    const fl__control_group *cg = &j->groups[g].cg;
    for (size_t a = 0; a <= ns; a++) {
      const GEOSGeometry *ground = NULL;
      if (a < ns) {
        int k = fl__control_side(cg, j->all_sides[a]);
        ground = k >= 0 ? cg->area[k] : NULL;
      } else {
        ground = cg->contested;
      }
      fl_status st = fl_holding_share(wctx, s->prep[g * (ns + 1) + a], ground, geom, area,
                                      &r->share[a]);
      if (st) return st;
    }
    double on_contested = r->share[ns];
    int best = -1;
    r->status = (int)fl_holding_decide(r->share, ns, on_contested, is_point,
                                       j->opts->split_share, &best); /* S1, S2, S4 */
    r->side = best;
    r->dist_m = NAN;
    if (j->groups[g].front) { /* NULL as well with skip_front_distance */
      fl_nearest nr;
      fl_status st = fl_dist_index_nearest(wctx, j->groups[g].front, geom, NULL, NULL, &nr);
      if (st) return st;
      r->dist_m = nr.dist_m;
      if (cg->grey && on_contested > 0 &&
          (is_point || on_contested > 1.0 - j->opts->split_share))
        r->dist_m = 0; /* (S4) in a grey zone: on the front (G2) */
      if (j->opts->contested_dist_m > 0 && nr.dist_m < j->opts->contested_dist_m && best >= 0)
        r->status = 1;                                                        /* S3 */
    }
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

/* Build every group's ground and front index. */
static fl_status build_groups(fl_ctx *ctx, const fl__prepped *ctl, const fl__groups *gr,
                              const fl__prepped *front, const fl__groups *fgr,
                              const fl_options *opts, group_state *groups) {
  for (size_t k = 0; k < gr->n; k++) {
    fl_status st = fl__control_group_build(ctx, ctl, gr, (int)k, opts, &groups[k].cg);
    if (st) return st;
    if (opts->skip_front_distance) continue; /* containment only: no front to trace */
    GEOSGeometry *line = NULL;
    int fg = front ? fl__groups_match(fgr, &gr->g[k]) : -1;
    if (fg >= 0) {
      front_pick fp = {fgr, fg};
      line = fl__union_where(ctx, front->lonlat, front->n, keep_front, &fp);
      if (!line) return ctx->status;
    } else {
      const char *sa, *sb;
      st = fl__group_front(ctx, &groups[k].cg, NULL, opts, &sa, &sb, &line);
      if (st) return st;
    }
    if (GEOSisEmpty_r(ctx->geos, line) != 1) {
      const GEOSGeometry *items[1] = {line};
      st = fl_dist_index_create(ctx, items, 1, &groups[k].front);
    }
    GEOSGeom_destroy_r(ctx->geos, line);
    if (st) return st;
  }
  return FL_OK;
}

static char **collect_sides(group_state *groups, size_t n_groups, size_t *n_out) {
  size_t cap = 8, n = 0;
  char **all = malloc(cap * sizeof *all);
  if (!all) return NULL;
  for (size_t g = 0; g < n_groups; g++)
    for (size_t s = 0; s < groups[g].cg.n_sides; s++) {
      char *v = groups[g].cg.side[s];
      size_t k = 0;
      while (k < n && strcmp(all[k], v)) k++;
      if (k < n) continue;
      if (n == cap) {
        cap *= 2;
        char **grown = realloc(all, cap * sizeof *grown);
        if (!grown) { free(all); return NULL; }
        all = grown;
      }
      all[n++] = v;
    }
  *n_out = n;
  return all;
}

static int band_of(const double *dist, size_t n, double d) {
  for (size_t k = 0; k < n; k++)
    if (d < dist[k]) return (int)k;
  return -1;
}

/* Text for one claim: "RU held". */
static void claim_text(const job *j, const row *r, char *buf, size_t len) {
  snprintf(buf, len, "%s %s", r->side >= 0 ? j->all_sides[r->side] : "none",
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
    const char *side = a < j->n_all_sides ? j->all_sides[a] : "contested";
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
  for (size_t g = 0; g < j->n_groups; g++) any_contested |= j->groups[g].cg.contested != NULL;
  for (size_t a = 0; a <= j->n_all_sides; a++) {
    char name[128];
    if (a == j->n_all_sides && !any_contested) { f_share[a] = -1; continue; }
    snprintf(name, sizeof name, "share_%s", a < j->n_all_sides ? j->all_sides[a] : "contested");
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
      const row *r = &j->rows[i * j->n_groups + g];
      GEOSGeometry *geom = GEOSGeom_clone_r(ctx->geos, sf->geom);
      fl_feature *f = geom ? fl_layer_append(ctx, res, (int64_t)res->n_features + 1, geom) : NULL;
      if (!f) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
      st = fl__copy_values(res, f, settlements, sf, map);
      fl_feature_set_int(res, f, f_fid, sf->fid);
      if (f_source >= 0) fl_feature_set_text(res, f, f_source, gr->g[g].source);
      if (f_date >= 0) fl_feature_set_text(res, f, f_date, gr->g[g].date);
      if (r->side >= 0) fl_feature_set_text(res, f, f_side, j->all_sides[r->side]);
      for (size_t a = 0; a <= j->n_all_sides; a++)
        if (f_share[a] >= 0) fl_feature_set_real(res, f, f_share[a], r->share[a]);
      fl_feature_set_text(res, f, f_status, status_text[r->status]);
      if (!isnan(r->dist_m) && !isfinite(r->dist_m))
        fl__warn(ctx, "settlement-status: settlement feature %lld has no finite distance to the "
                 "front; its dist_to_front_m is left NULL", (long long)sf->fid);
      if (isfinite(r->dist_m)) {
        fl_feature_set_real(res, f, f_dist, r->dist_m);
        int b = band_of(dist, n_dist, r->dist_m);
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
        const row *ro = &j->rows[i * j->n_groups + o];
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

fl_status fl_settlement_status(fl_ctx *ctx, const fl_layer *settlements, const fl_layer *control,
                               const fl_layer *front, const fl_options *opts, fl_layer **out) {
  *out = NULL;
  fl_status tol_st = fl__check_date_tolerance(ctx, opts);
  if (tol_st) return tol_st;
  fl_status sst = fl_holding_check_split(ctx, opts->split_share);
  if (sst) return sst;
  if (!isfinite(opts->contested_dist_m) || opts->contested_dist_m < 0)
    return fl__fail(ctx, FL_E_ARG, "contested_dist_m must be metres >= 0, got %g",
                    opts->contested_dist_m);
  if (opts->contested_dist_m > FL_MAX_DIST_M)
    return fl__fail(ctx, FL_E_ARG, "@{contested_dist_m} is %g m, more than the largest distance, "
                    "1,000,000 m (1,000 km)", opts->contested_dist_m);
  const double *dist;
  size_t n_dist;
  fl_status st = fl__distances(ctx, opts, &dist, &n_dist);
  if (st) return st;
  fl__prepped sp, cp, fp;
  memset(&sp, 0, sizeof sp);
  memset(&cp, 0, sizeof cp);
  memset(&fp, 0, sizeof fp);
  fl__groups gr, fgr;
  memset(&gr, 0, sizeof gr);
  memset(&fgr, 0, sizeof fgr);
  job j;
  memset(&j, 0, sizeof j);
  fl_layer *res = NULL;
  st = fl__prep_layer(ctx, settlements, "settlements", FL__WANT_POINT | FL__WANT_POLYGON, &sp);
  if (!st) st = fl__prep_layer(ctx, control, "control", FL__WANT_POLYGON, &cp);
  if (opts->skip_front_distance) front = NULL;
  if (!st && front) st = fl__prep_layer(ctx, front, "front", FL__WANT_LINE, &fp);
  if (!st) st = fl__groups_build(ctx, control, opts, &gr);
  if (!st && front) {
    st = fl__groups_build(ctx, front, opts, &fgr);
  }
  if (!st) {
    j.opts = opts;
    j.st = &sp;
    j.n_groups = gr.n;
    j.groups = calloc(gr.n, sizeof *j.groups);
    if (!j.groups) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = build_groups(ctx, &cp, &gr, front ? &fp : NULL, &fgr, opts, j.groups);
  if (!st) {
    j.all_sides = collect_sides(j.groups, j.n_groups, &j.n_all_sides);
    size_t n_rows = settlements->n_features * j.n_groups;
    j.rows = calloc(n_rows ? n_rows : 1, sizeof *j.rows);
    j.share_store = calloc((n_rows ? n_rows : 1) * (j.n_all_sides + 1), sizeof(double));
    if (!j.all_sides || !j.rows || !j.share_store) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
    for (size_t a = 0; !st && a < j.n_all_sides; a++) /* across claims, as in control.c */
      for (size_t b = a + 1; !st && b < j.n_all_sides; b++)
        if (strcasecmp(j.all_sides[a], j.all_sides[b]) == 0)
          st = fl__fail(ctx, FL_E_FIELD, "control layer '%s': sides '%s' and '%s' differ only in "
                        "case, which output column names cannot tell apart; spell them the same",
                        control->name, j.all_sides[a], j.all_sides[b]);
    for (size_t r = 0; !st && r < n_rows; r++) j.rows[r].share = j.share_store + r * (j.n_all_sides + 1);
  }
  if (!st)
    st = fl__parallel_for(ctx, settlements->n_features, one_settlement, &j, scratch_new,
                          scratch_free, 0.05, 0.95);
  if (!st) {
    res = fl_layer_new("settlement_status", settlements->srid,
                       settlements->geom_type ? settlements->geom_type : "GEOMETRY");
    if (!res) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  if (!st) st = write_rows(ctx, &j, settlements, &gr, dist, n_dist, res);
  for (size_t g = 0; j.groups && g < j.n_groups; g++) {
    fl__control_group_free(ctx, &j.groups[g].cg);
    fl_dist_index_destroy(ctx, j.groups[g].front);
  }
  free(j.groups);
  free(j.all_sides);
  free(j.rows);
  free(j.share_store);
  if (gr.of_feature) fl__groups_free(&gr);
  if (fgr.of_feature) fl__groups_free(&fgr);
  fl__prep_free(ctx, &sp);
  fl__prep_free(ctx, &cp);
  fl__prep_free(ctx, &fp);
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
