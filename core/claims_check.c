/*
 * claims_check.c - fl_claims_check(): each claim of a claims layer ("side S
 * holds place P since date D, says C") checked against a reference source.
 *
 * Rules (docs/tools/compare-claims.md):
 *   (K1) a claim's place is its own geometry when it has one, else the one
 *        settlement whose name field equals its settlement field (case
 *        ignored). No such settlement, or several, is an error that names
 *        the claim and, for several, their feature ids: rows are features.
 *   (K2) the reference's holder of the place on each of its dates is
 *        settlement-status's answer (containment only), the reference read
 *        with its own options (R1, R2).
 *   (K3) the reference dates that count are those on or after the claim
 *        date less date_tolerance_days. confirmed: the first of them whose
 *        holder is the claimed side; lag_days = that date - the claim date.
 *   (K4) otherwise contradicted when the last reference date counts and its
 *        holder is a side other than the claimed one (not contested, not
 *        unknown); else not_confirmed as of the last reference date.
 *   (K5) a claimed side must be a side of the reference or "contested" (case
 *        ignored), and the reference must have dates: else an error.
 * Not here: containment (settlement_status.c), sources (compare_sources.c).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fl_sources.h"

typedef struct claim {
  int64_t settl_fid;   /* -1: the claim's own geometry */
  const char *name;    /* borrowed from the claims or settlements layer */
  long day;            /* the claim date, days since 1970 */
} claim;

typedef struct cl_job {
  fl_ctx *ctx;
  const fl_layer *claims, *settlements;
  const fl_claims_fields *fl;
  int tol;             /* date_tolerance_days */
  fl_field_type ref_dates; /* the reference's dates: FL_FIELD_DATE or TEXT (R3) */
  int f_place, f_side, f_date, f_claimant, f_sname;
  claim *c;            /* [claims->n_features] */
  fl_layer *places;    /* one feature per claim, fid = claim index */
  fl_layer *status;    /* settlement-status rows of the places */
  fl_layer *out;
} cl_job;

static const char *text_of(const fl_layer *l, const fl_feature *f, int field) {
  if (field < 0 || f->values[field].is_null) return NULL;
  const char *v = fl_value_text(l, f, field);
  return v[0] ? v : NULL;
}

/* (K1) the settlement named like claim k, copied geometry in *geom. */
static fl_status by_name(cl_job *j, size_t k, const char *want, GEOSGeometry **geom) {
  const fl_layer *s = j->settlements;
  const fl_feature *cf = &j->claims->features[k];
  long hit = -1;
  size_t n = 0;
  char ids[200] = "";
  for (size_t i = 0; s && j->f_sname >= 0 && i < s->n_features; i++) {
    const char *v = text_of(s, &s->features[i], j->f_sname);
    if (!v || strcasecmp(v, want)) continue;
    size_t at = strlen(ids);
    if (at < sizeof ids - 24)
      snprintf(ids + at, sizeof ids - at, "%s%lld", n ? ", " : "", (long long)s->features[i].fid);
    hit = (long)i;
    n++;
  }
  if (!s)
    return fl__fail(j->ctx, FL_E_ARG, "@{claims} layer '%s', feature %lld: the claim names "
                    "settlement '%s' but has no geometry; pass @{settlements} or give the "
                    "claim a geometry", j->claims->name, (long long)cf->fid, want);
  if (n != 1)
    return fl__fail(j->ctx, FL_E_ARG, "@{claims} layer '%s', feature %lld: %s settlement of "
                    "layer '%s' is named '%s'%s%s%s; give the claim a geometry",
                    j->claims->name, (long long)cf->fid, n ? "more than one" : "no",
                    s->name, want, n ? " (feature ids " : "", ids, n ? ")" : "");
  j->c[k].settl_fid = s->features[hit].fid;
  j->c[k].name = text_of(s, &s->features[hit], j->f_sname);
  *geom = GEOSGeom_clone_r(j->ctx->geos, s->features[hit].geom);
  return *geom ? FL_OK : fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
}

/* (K1) the place of every claim, and its checked side and date. */
static fl_status make_places(cl_job *j) {
  const fl_layer *cl = j->claims;
  int by_geom = 0, by_name_n = 0;
  for (size_t k = 0; k < cl->n_features; k++) {
    const fl_feature *f = &cl->features[k];
    if (f->geom && GEOSisEmpty_r(j->ctx->geos, f->geom) != 1) by_geom++;
    else by_name_n++;
  }
  int srid = by_name_n && j->settlements ? j->settlements->srid : cl->srid;
  if (by_geom && by_name_n && j->settlements && cl->srid != j->settlements->srid)
    return fl__fail(j->ctx, FL_E_SRID, "@{claims} layer '%s' (EPSG:%d) mixes claims with and "
                    "without geometry, and @{settlements} is in another CRS (EPSG:%d); give "
                    "both in one CRS", cl->name, cl->srid, j->settlements->srid);
  j->places = fl_layer_new("claim_places", srid, "GEOMETRY");
  if (!j->places) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; k < cl->n_features; k++) {
    const fl_feature *f = &cl->features[k];
    const char *side = text_of(cl, f, j->f_side), *date = text_of(cl, f, j->f_date);
    const char *place = text_of(cl, f, j->f_place);
    if (!side || !date || !fl__date_days(date, &j->c[k].day))
      return fl__fail(j->ctx, FL_E_FIELD, "@{claims} layer '%s', feature %lld: field '%s' %s; "
                      "each claim needs a claimed side and an ISO date (YYYY-MM-DD)", cl->name,
                      (long long)f->fid, !side ? j->fl->side : j->fl->date,
                      !side ? "is empty" : "is not a date");
    j->c[k].settl_fid = -1;
    j->c[k].name = place;
    GEOSGeometry *g = NULL;
    fl_status st = FL_OK;
    if (f->geom && GEOSisEmpty_r(j->ctx->geos, f->geom) != 1) {
      if (!(g = GEOSGeom_clone_r(j->ctx->geos, f->geom))) st = FL_E_NOMEM;
    } else if (place) {
      st = by_name(j, k, place, &g);
    } else {
      st = fl__fail(j->ctx, FL_E_FIELD, "@{claims} layer '%s', feature %lld: no geometry and "
                    "field '%s' is empty; name the settlement or give a geometry", cl->name,
                    (long long)f->fid, j->fl->settlement);
    }
    if (st == FL_E_NOMEM) return fl__fail(j->ctx, st, "out of memory");
    if (st) return st;
    if (!fl_layer_append(j->ctx, j->places, (int64_t)k, g))
      return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

static fl_status make_layer(cl_job *j) {
  fl_layer *l = fl_layer_new("claims", j->places->srid, "GEOMETRY");
  if (!l) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  j->out = l;
  static const char *names[] = {"claim_fid", "settlement_fid", "name", "claimant",
                                "claimed_side", "claim_date", "reference", "status",
                                "confirmed_date", "lag_days", "as_of_date", "reference_holder"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    int integer = k == 0 || k == 1 || k == 9;
    fl_field_type t = integer ? FL_FIELD_INTEGER
                      : k == 5 ? FL_FIELD_DATE /* checked to be a date (K1) */
                      : k == 8 || k == 10 ? j->ref_dates
                                          : FL_FIELD_TEXT;
    if (fl_layer_add_field(l, names[k], t) < 0)
      return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  }
  return FL_OK;
}

/* What the reference's rows say of one claim's place (K3) (K4). */
typedef struct reading {
  const char *confirmed;   /* the first counting date the claimed side holds it, or NULL */
  long lag;                /* confirmed - the claim date, in days */
  const char *last, *last_holder; /* the last reference date and its holder */
  int last_counts;         /* the last date is on or after the claim date less tol */
} reading;

/* (K3) the status rows of claim k's place, in date order, read for side. */
static void read_rows(const cl_job *j, size_t k, const char *side, reading *rd) {
  const fl_layer *st = j->status;
  int s_fid = fl_layer_field_index(st, "settlement_fid"), s_side = fl_layer_field_index(st, "side");
  int s_status = fl_layer_field_index(st, "status"), s_date = fl_layer_field_index(st, "date");
  *rd = (reading){NULL, 0, NULL, NULL, 0};
  for (size_t r = 0; r < st->n_features; r++) { /* rows in date order */
    const fl_feature *f = &st->features[r];
    if (f->values[s_fid].i != (int64_t)k) continue;
    const char *date = s_date >= 0 ? text_of(st, f, s_date) : NULL;
    const char *holder = fl__status_holder(st, f, s_side, s_status);
    long day = 0;
    int counts = date && fl__date_days(date, &day) && day >= j->c[k].day - j->tol;
    rd->last = date;
    rd->last_holder = holder;
    rd->last_counts = counts;
    if (counts && !rd->confirmed && !strcasecmp(holder, side)) {
      rd->confirmed = date;
      rd->lag = day - j->c[k].day;
    }
  }
}

/* (K4) confirmed, contradicted (the last date counts and another side holds
 * it) or not_confirmed. */
static const char *verdict_of(const reading *rd) {
  return rd->confirmed ? "confirmed"
         : rd->last_counts && strcmp(rd->last_holder, FL__CONTESTED) &&
                 strcmp(rd->last_holder, "unknown")
             ? "contradicted"
             : "not_confirmed";
}

/* The output row o of claim k (make_layer's fields 0..11); nonzero when a
 * value could not be set. */
static fl_status set_row(const cl_job *j, size_t k, fl_feature *o, const char *reference,
                         const char *side, const reading *rd) {
  fl_layer *l = j->out;
  const fl_feature *cf = &j->claims->features[k];
  const char *claimant = text_of(j->claims, cf, j->f_claimant);
  const char *cdate = text_of(j->claims, cf, j->f_date);
  fl_status s = fl_feature_set_int(l, o, 0, cf->fid);
  if (!s && j->c[k].settl_fid >= 0) s = fl_feature_set_int(l, o, 1, j->c[k].settl_fid);
  if (!s && j->c[k].name) s = fl_feature_set_text(l, o, 2, j->c[k].name);
  if (!s && claimant) s = fl_feature_set_text(l, o, 3, claimant);
  if (!s) s = fl_feature_set_text(l, o, 4, side);
  if (!s) s = fl__set_date(l, o, 5, cdate);
  if (!s) s = fl_feature_set_text(l, o, 6, reference);
  if (!s) s = fl_feature_set_text(l, o, 7, verdict_of(rd));
  if (!s && rd->confirmed) s = fl__set_date(l, o, 8, rd->confirmed);
  if (!s && rd->confirmed) s = fl_feature_set_int(l, o, 9, rd->lag);
  if (!s && !rd->confirmed && rd->last) s = fl__set_date(l, o, 10, rd->last);
  if (!s && rd->last_holder)
    s = fl_feature_set_text(l, o, 11, rd->confirmed ? side : rd->last_holder);
  return s;
}

/* (K3) (K4) the verdict on claim k from the status rows of its place. */
static fl_status judge(cl_job *j, size_t k, const char *reference) {
  const char *side = text_of(j->claims, &j->claims->features[k], j->f_side);
  reading rd;
  read_rows(j, k, side, &rd);
  GEOSGeometry *g = GEOSGeom_clone_r(j->ctx->geos, j->places->features[k].geom);
  fl_feature *o = g ? fl_layer_append(j->ctx, j->out, (int64_t)k + 1, g) : NULL;
  if (!o) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  return set_row(j, k, o, reference, side, &rd) ? fl__fail(j->ctx, FL_E_NOMEM, "out of memory")
                                                : FL_OK;
}

/* (K5) every claimed side is a side of the reference (its settlement-status
 * columns share_<side>) or "contested", case ignored: a misspelt side would
 * otherwise read as contradicted. */
static fl_status check_sides(cl_job *j, const char *reference) {
  const fl_layer *st = j->status, *cl = j->claims;
  char sides[400] = "";
  size_t at = 0;
  for (size_t i = 0; i < st->n_fields; i++) {
    const char *n = st->fields[i].name;
    if (strncmp(n, "share_", 6) || !strcmp(n + 6, FL__CONTESTED) || at >= sizeof sides) continue;
    at += (size_t)snprintf(sides + at, sizeof sides - at, "%s, ", n + 6);
  }
  for (size_t k = 0; k < cl->n_features; k++) {
    const char *side = text_of(cl, &cl->features[k], j->f_side);
    int ok = !strcasecmp(side, FL__CONTESTED);
    char want[160];
    for (size_t i = 0; !ok && i < st->n_fields; i++) {
      snprintf(want, sizeof want, "share_%s", side);
      ok = !strcasecmp(st->fields[i].name, want);
    }
    if (!ok)
      return fl__fail(j->ctx, FL_E_FIELD, "@{claims} layer '%s', feature %lld: field '%s' is "
                      "'%s', which is no side of reference '%s' (its sides: %scontested); "
                      "spell it as the control layer's sides after @{side_map}", cl->name,
                      (long long)cl->features[k].fid, j->fl->side, side, reference, sides);
  }
  return FL_OK;
}

static fl_status run(cl_job *j, const fl_layer *control, const fl_options *opts,
                     const char *reference) {
  fl__sources src;
  fl_status st = fl__sources_build(j->ctx, control, opts, &src);
  if (st) return st;
  int r = reference && reference[0] ? fl__sources_find(&src, reference) : src.n == 1 ? 0 : -1;
  if (r < 0) {
    char list[512];
    fl__sources_list(&src, list, sizeof list);
    st = fl__fail(j->ctx, FL_E_ARG, "@{reference} %s%s%s must name a source of control layer "
                  "'%s': %s", reference && reference[0] ? "'" : "",
                  reference && reference[0] ? reference : "(not given)",
                  reference && reference[0] ? "'" : "", control->name, list);
  }
  fl__groups gr;
  if (!st && !(st = fl__groups_build(j->ctx, control, &src.s[r].o, &gr))) {
    j->ref_dates = fl__date_type(&gr); /* (R3) */
    int dated = 1;
    for (size_t g = 0; g < gr.n; g++) dated = dated && gr.g[g].date[0];
    fl__groups_free(&gr);
    if (!dated) /* (K3) needs dates */
      st = fl__fail(j->ctx, FL_E_FIELD, "@{claims} are checked against dated snapshots, but "
                    "source '%s' of control layer '%s' has features without a date; fill the "
                    "date field or name it with @{date_field}", src.s[r].name, control->name);
  }
  if (!st) st = make_places(j);
  if (!st) {
    fl_options o = src.s[r].o;
    o.skip_front_distance = 1;
    st = fl_settlement_status(j->ctx, j->places, control, NULL, &o, &j->status);
  }
  if (!st && fl_layer_field_index(j->status, "settlement_fid") < 0)
    st = fl__fail(j->ctx, FL_E_GEOM, "claims: the settlement-status rows lack a column");
  if (!st) st = check_sides(j, src.s[r].name);
  if (!st) st = make_layer(j);
  for (size_t k = 0; !st && k < j->claims->n_features; k++)
    st = judge(j, k, src.s[r].name);
  fl__sources_free(&src);
  return st;
}

fl_status fl_claims_check(fl_ctx *ctx, const fl_layer *claims, const fl_claims_fields *fields,
                          const fl_layer *settlements, const fl_layer *control,
                          const fl_options *opts, const char *reference, fl_layer **out) {
  *out = NULL;
  fl_status tol_st = fl__check_date_tolerance(ctx, opts);
  if (tol_st) return tol_st;
  cl_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.claims = claims;
  j.settlements = settlements;
  fl_claims_fields f = *fields;
  if (!f.settlement) f.settlement = "settlement";
  if (!f.side) f.side = "side";
  if (!f.date) f.date = "date";
  if (!f.claimant) f.claimant = "claimant";
  j.fl = &f;
  j.tol = opts->date_tolerance_days;
  j.f_place = fl_layer_field_index(claims, f.settlement);
  j.f_side = fl__field(ctx, claims, "claims", f.side, "@{claim_side_field}", 0);
  j.f_date = j.f_side < 0 ? -1 : fl__field(ctx, claims, "claims", f.date, "@{claim_date_field}", 0);
  j.f_claimant = fl_layer_field_index(claims, f.claimant);
  j.f_sname = settlements ? fl_layer_field_index(settlements, opts->name_field ? opts->name_field
                                                                                : "name")
                          : -1;
  if (j.f_side < 0 || j.f_date < 0) return ctx->status;
  /* The claims' own geometries checked (CRS, coordinates) under their own
   * name before they become places. */
  size_t n_geom = 0;
  for (size_t k = 0; k < claims->n_features; k++) n_geom += claims->features[k].geom != NULL;
  fl__prepped cp;
  fl_status st = FL_OK;
  if (n_geom) { /* a layer of names only has nothing to check */
    st = fl__prep_layer(ctx, claims, "claims", FL__WANT_POINT | FL__WANT_POLYGON, &cp);
    if (st) return st;
    fl__prep_free(ctx, &cp);
  }
  j.c = calloc(claims->n_features ? claims->n_features : 1, sizeof *j.c);
  st = j.c ? run(&j, control, opts, reference) : fl__fail(ctx, FL_E_NOMEM, "out of memory");
  free(j.c);
  fl_layer_destroy(ctx, j.places);
  fl_layer_destroy(ctx, j.status);
  if (st) {
    fl_layer_destroy(ctx, j.out);
    return st;
  }
  *out = j.out;
  return FL_OK;
}
