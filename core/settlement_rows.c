/*
 * settlement_rows.c - what settlement-status's whole-layer run
 * (settlement_status.c) and its stream (settlement_stream.c) share: the
 * options check, each claim's front, the front rules (S3; S4's distance in a
 * grey zone) on one settlement after the holding kernel's S1, S2, S4, and
 * the output columns and values of one row (claims and agreement among the
 * sources of one date). Rules as cited in settlement_status.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fl_settlement.h"

static const char *status_text[] = {"held", "contested", "unknown"};

/* The options settlement-status checks before it reads a feature. */
fl_status fl__settlement_check_options(fl_ctx *ctx, const fl_options *opts, const double **dist,
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

typedef struct front_pick {
  const fl__groups *fgr;
  int group;
} front_pick;

static int keep_front(size_t i, void *user) {
  front_pick *fp = user;
  return fp->fgr->of_feature[i] == fp->group;
}

fl_status fl__settlement_fronts(fl_ctx *ctx, const fl_holding_kernel *k, const fl_layer *front,
                                const fl_options *opts, fl_dist_index **out) {
  if (opts->skip_front_distance) return FL_OK; /* containment only: no front to trace */
  fl__prepped fp;
  memset(&fp, 0, sizeof fp);
  fl__groups fgr;
  memset(&fgr, 0, sizeof fgr);
  fl_status st = FL_OK;
  if (front) st = fl__prep_layer(ctx, front, "front", FL__WANT_LINE, &fp);
  if (!st && front) st = fl__groups_build(ctx, front, opts, &fgr);
  const fl__groups *gr = fl__holding_groups(k);
  for (size_t c = 0; !st && c < gr->n; c++) {
    GEOSGeometry *line = NULL;
    int fg = front ? fl__groups_match(&fgr, &gr->g[c]) : -1;
    if (fg >= 0) {
      front_pick pick = {&fgr, fg};
      line = fl__union_where(ctx, fp.lonlat, fp.n, keep_front, &pick);
      if (!line) st = ctx->status;
    } else {
      const char *sa, *sb;
      st = fl__group_front(ctx, fl__holding_claim(k, c), NULL, opts, &sa, &sb, &line);
    }
    if (!st && GEOSisEmpty_r(ctx->geos, line) != 1) {
      const GEOSGeometry *items[1] = {line};
      st = fl_dist_index_create(ctx, items, 1, &out[c]);
    }
    if (line) GEOSGeom_destroy_r(ctx->geos, line);
  }
  if (fgr.of_feature) fl__groups_free(&fgr);
  fl__prep_free(ctx, &fp);
  return st;
}

fl_status fl__settlement_one(fl_ctx *wctx, const fl_holding_kernel *k, fl_dist_index *const *front,
                             const fl_options *opts, const GEOSGeometry *geom,
                             fl_holding_row *hr, double *dist) {
  fl_status st = fl_holding_settlement(wctx, k, geom, hr); /* S1, S2, S4 */
  return st ? st : fl__settlement_front(wctx, k, front, opts, geom, hr, dist);
}

fl_status fl__settlement_front(fl_ctx *wctx, const fl_holding_kernel *k,
                               fl_dist_index *const *front, const fl_options *opts,
                               const GEOSGeometry *geom, fl_holding_row *hr, double *dist) {
  fl_status st = FL_OK;
  size_t n_sides = fl_holding_n_sides(k);
  for (size_t g = 0; g < fl_holding_n_claims(k); g++) {
    dist[g] = NAN;
    if (!front[g]) continue; /* NULL as well with skip_front_distance */
    fl_nearest nr;
    st = fl_dist_index_nearest(wctx, front[g], geom, NULL, NULL, &nr);
    if (st) return st;
    dist[g] = nr.dist_m;
    double on_contested = hr[g].share[n_sides];
    if (fl__holding_claim(k, g)->grey && on_contested > 0 &&
        (hr[g].is_point || on_contested > 1.0 - opts->split_share))
      dist[g] = 0; /* (S4) in a grey zone: on the front (G2) */
    if (opts->contested_dist_m > 0 && nr.dist_m < opts->contested_dist_m && hr[g].side >= 0)
      hr[g].status = FL_HOLD_CONTESTED;                                       /* S3 */
  }
  return FL_OK;
}

static int band_of(const double *dist, size_t n, double d) {
  for (size_t k = 0; k < n; k++)
    if (d < dist[k]) return (int)k;
  return -1;
}

/* Text for one claim: "RU held". */
static void claim_text(const fl_holding_kernel *k, const fl_holding_row *r, char *buf, size_t len) {
  snprintf(buf, len, "%s %s", r->side >= 0 ? fl_holding_side(k, (size_t)r->side) : "none",
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

/* The claims text of claim g (every paired claim's holder), *agree and the
 * number of claims in it, into m's slot sl (one of g's). */
static void claims_make(const fl_holding_kernel *k, const fl_options *opts,
                        const fl_holding_row *hr, size_t g, size_t sl, fl__claims_memo *m) {
  const fl__groups *gr = fl__holding_groups(k);
  const fl_holding_row *r = &hr[g];
  char *claims = m->text + sl * FL__CLAIMS_LEN;
  size_t len = 0, n_same = 0;
  int agree = 1;
  claims[0] = 0;
  for (size_t o = 0; o < gr->n; o++) {
    if (!paired(gr, g, o, opts->date_tolerance_days)) continue;
    const fl_holding_row *ro = &hr[o];
    char text[160];
    claim_text(k, ro, text, sizeof text);
    int other_date = strcmp(gr->g[o].date, gr->g[g].date) != 0;
    if (len < FL__CLAIMS_LEN)
      len += (size_t)snprintf(claims + len, FL__CLAIMS_LEN - len, "%s%s%s%s: %s",
                              n_same ? "; " : "",
                              gr->g[o].source[0] ? gr->g[o].source : "control",
                              other_date ? " " : "", other_date ? gr->g[o].date : "", text);
    if (ro->side != r->side || ro->status != r->status) agree = 0;
    n_same++;
  }
  m->agree[sl] = agree;
  m->n_same[sl] = n_same;
}

/* The claims text of claim g: made again only when the tuple of every
 * claim's holder and status is none of the last FL__CLAIMS_WAYS that m made
 * for g. */
static void claims_of(const fl_holding_kernel *k, const fl_options *opts,
                      const fl_holding_row *hr, size_t g, fl__claims_memo *m, const char **text,
                      int *agree, size_t *n_same) {
  size_t n = m->n_claims, sl = g * FL__CLAIMS_WAYS, found = 0;
  for (size_t w = 0; w < FL__CLAIMS_WAYS && !found; w++, sl++) {
    const int *key = m->key + sl * n;
    int same = m->made[sl];
    for (size_t o = 0; same && o < n; o++) same = key[o] == hr[o].side * 4 + (int)hr[o].status;
    found = (size_t)same;
  }
  if (found) {
    sl--;
  } else {
    sl = g * FL__CLAIMS_WAYS + m->next[g];
    m->next[g] = (m->next[g] + 1) % FL__CLAIMS_WAYS;
    claims_make(k, opts, hr, g, sl, m);
    int *key = m->key + sl * n;
    for (size_t o = 0; o < n; o++) key[o] = hr[o].side * 4 + (int)hr[o].status;
    m->made[sl] = 1;
  }
  *text = m->text + sl * FL__CLAIMS_LEN;
  *agree = m->agree[sl];
  *n_same = m->n_same[sl];
}

fl_status fl__claims_memo_init(fl_ctx *ctx, fl__claims_memo *m, size_t n_claims) {
  memset(m, 0, sizeof *m);
  size_t n = n_claims ? n_claims : 1, slots = n * FL__CLAIMS_WAYS;
  m->n_claims = n_claims;
  m->key = malloc(slots * n * sizeof *m->key);
  m->made = calloc(slots, sizeof *m->made);
  m->agree = malloc(slots * sizeof *m->agree);
  m->n_same = malloc(slots * sizeof *m->n_same);
  m->text = malloc(slots * FL__CLAIMS_LEN);
  m->next = calloc(n, sizeof *m->next);
  if (m->key && m->made && m->agree && m->n_same && m->text && m->next) return FL_OK;
  fl__claims_memo_free(m);
  return fl__fail(ctx, FL_E_NOMEM, "out of memory");
}

void fl__claims_memo_free(fl__claims_memo *m) {
  free(m->key);
  free(m->made);
  free(m->agree);
  free(m->n_same);
  free(m->text);
  free(m->next);
  memset(m, 0, sizeof *m);
}

fl_status fl__srow_schema(fl_ctx *ctx, const fl_holding_kernel *k, const fl_layer *settlements,
                          fl_layer *res, fl__srow_cols *c) {
  memset(c, 0, sizeof *c);
  const fl__groups *gr = fl__holding_groups(k);
  size_t n_sides = fl_holding_n_sides(k);
  static const char *fixed[] = {"settlement_fid", "source", "date", "side", "status",
                                "dist_to_front_m", "band", "band_label", "sources_agree",
                                "claims"};
  size_t n_fixed = sizeof fixed / sizeof fixed[0];
  /* the output columns, share_<side> and share_contested included */
  char **reserved = calloc(n_fixed + n_sides + 2, sizeof *reserved);
  int *map = malloc((settlements->n_fields ? settlements->n_fields : 1) * sizeof *map);
  int oom = !reserved || !map;
  for (size_t i = 0; !oom && i < n_fixed; i++) oom = !(reserved[i] = fl__strdup(fixed[i]));
  for (size_t a = 0; !oom && a <= n_sides; a++) {
    const char *side = a < n_sides ? fl_holding_side(k, a) : "contested";
    size_t len = strlen(side) + 7;
    oom = !(reserved[n_fixed + a] = malloc(len));
    if (!oom) snprintf(reserved[n_fixed + a], len, "share_%s", side);
  }
  fl_status st = oom ? fl__fail(ctx, FL_E_NOMEM, "out of memory")
                     : fl__copy_fields(ctx, "settlement-status", res, settlements,
                                       (const char *const *)reserved, map);
  for (size_t i = 0; reserved && reserved[i]; i++) free(reserved[i]);
  free(reserved);
  if (st) { free(map); return st; }
  c->map = map;
  c->f_fid = fl_layer_add_field(res, "settlement_fid", FL_FIELD_INTEGER);
  c->f_source = gr->source_field >= 0 ? fl_layer_add_field(res, "source", FL_FIELD_TEXT) : -1;
  c->f_date = gr->date_field >= 0 ? fl_layer_add_field(res, "date", FL_FIELD_TEXT) : -1;
  c->f_side = fl_layer_add_field(res, "side", FL_FIELD_TEXT);
  int *f_share = malloc((n_sides + 1) * sizeof *f_share);
  if (!f_share) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  c->f_share = f_share;
  int any_contested = 0;
  for (size_t g = 0; g < fl_holding_n_claims(k); g++)
    any_contested |= fl__holding_claim(k, g)->contested != NULL;
  for (size_t a = 0; a <= n_sides; a++) {
    char name[128];
    if (a == n_sides && !any_contested) { f_share[a] = -1; continue; }
    snprintf(name, sizeof name, "share_%s", a < n_sides ? fl_holding_side(k, a) : "contested");
    f_share[a] = fl_layer_add_field(res, name, FL_FIELD_REAL);
    if (f_share[a] < 0 && !st)
      st = fl__fail(ctx, FL_E_FIELD, "settlement-status: the output column '%s' cannot be made "
                    "(a side name longer than 120 bytes?)", name);
  }
  c->f_status = fl_layer_add_field(res, "status", FL_FIELD_TEXT);
  c->f_dist = fl_layer_add_field(res, "dist_to_front_m", FL_FIELD_REAL);
  c->f_band = fl_layer_add_field(res, "band", FL_FIELD_INTEGER);
  c->f_label = fl_layer_add_field(res, "band_label", FL_FIELD_TEXT);
  c->f_agree = fl_layer_add_field(res, "sources_agree", FL_FIELD_INTEGER);
  c->f_claims = fl_layer_add_field(res, "claims", FL_FIELD_TEXT);
  if (c->f_fid < 0 || c->f_side < 0 || c->f_status < 0 || c->f_claims < 0)
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  return st;
}

void fl__srow_cols_free(fl__srow_cols *c) {
  free(c->map);
  free(c->f_share);
  memset(c, 0, sizeof *c);
}

fl_status fl__srow_fill(fl_ctx *ctx, const fl__srow_cols *c, const fl_holding_kernel *k,
                        const fl_options *opts, const double *dist, size_t n_dist,
                        fl_layer *res, fl_feature *f, const fl_layer *settlements,
                        const fl_feature *sf, const fl_holding_row *hr, const double *dists,
                        size_t g, fl__claims_memo *memo) {
  const fl__groups *gr = fl__holding_groups(k);
  size_t n_sides = fl_holding_n_sides(k);
  const fl_holding_row *r = &hr[g];
  double dist_m = dists[g];
  fl_status st = fl__copy_values(res, f, settlements, sf, c->map);
  fl_feature_set_int(res, f, c->f_fid, sf->fid);
  if (c->f_source >= 0) fl_feature_set_text(res, f, c->f_source, gr->g[g].source);
  if (c->f_date >= 0) fl_feature_set_text(res, f, c->f_date, gr->g[g].date);
  if (r->side >= 0) fl_feature_set_text(res, f, c->f_side, fl_holding_side(k, (size_t)r->side));
  for (size_t a = 0; a <= n_sides; a++)
    if (c->f_share[a] >= 0) fl_feature_set_real(res, f, c->f_share[a], r->share[a]);
  fl_feature_set_text(res, f, c->f_status, status_text[r->status]);
  if (!isnan(dist_m) && !isfinite(dist_m))
    fl__warn(ctx, "settlement-status: settlement feature %lld has no finite distance to the "
             "front; its dist_to_front_m is left NULL", (long long)sf->fid);
  if (isfinite(dist_m)) {
    fl_feature_set_real(res, f, c->f_dist, dist_m);
    int b = band_of(dist, n_dist, dist_m);
    if (b >= 0) {
      char label[64];
      snprintf(label, sizeof label, "%g-%g km", b ? dist[b - 1] / 1000 : 0.0, dist[b] / 1000);
      fl_feature_set_int(res, f, c->f_band, b);
      fl_feature_set_text(res, f, c->f_label, label);
    }
  }
  /* claims and agreement among the sources of the same date */
  const char *claims;
  int agree;
  size_t n_same;
  claims_of(k, opts, hr, g, memo, &claims, &agree, &n_same);
  if (n_same > 1) fl_feature_set_int(res, f, c->f_agree, agree);
  fl_feature_set_text(res, f, c->f_claims, claims);
  return st;
}
