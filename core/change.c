/*
 * change.c - fl_change_run(): what changed hands between the dates of each
 * source of a control layer; drives the parts (sectors, summary, advance,
 * held series, settlements) and writes area_change.
 *
 * Rules:
 *   (C1) the claims are core's control groups (groups.c, control.c, with the
 *        side map, one-sided sources, holes and islands of the options): one
 *        per (source, date); nothing here reads the side field itself.
 *   (C2) periods: a source's dates in order, each with the next one; with
 *        date_from / date_to one period per source, from its last date on or
 *        before date_from (its first without it) to its last date on or
 *        before date_to (its last without it); settlement_changes then holds
 *        the changes between two dates of that span only. The ground that moved from side
 *        a to side b is a's ground on the first date intersected with b's on
 *        the second; contested ground counts as the side "contested". Ground
 *        mapped on one date only (outside the other date's map) moved
 *        nowhere: it gives no row.
 *   (C3) areas are geodesic km² on WGS84 (fl_area_km2); pieces under
 *        1e-6 km² (1 m²) are slivers of the overlay and give no row.
 *   (C4) held_series: per (source, date) and side (change_held.c).
 *   (C5) every edge of the inputs (control polygons, area of interest) is
 *        read as GIS tools draw and clip it: straight in lon/lat (a data set
 *        clipped to a box has edges that run along its parallels). The inputs
 *        are densified in lon/lat to DENSE_DEG before the overlays, so that
 *        fl_area_km2 (geodesic edges) measures those same edges: the edges of
 *        at most 0.005 deg lie within 3 cm of them. Undensified, a 110 km
 *        edge along 47.9 N and the 134 km edge of a box along the same
 *        parallel are two different geodesics: the box cut 15 km² of ground
 *        off, and the km² of the two sides did not add up to the box's.
 *   (C6) sectors split every piece (change_sectors.c); `sector` is NULL
 *        outside every sector.
 * Not here: grouping and dissolving (groups.c, control.c), the geodesy.
 */
#include <stdlib.h>
#include <string.h>

#include "fl_change.h"

#define DENSE_DEG 0.005

typedef struct ac_cols {
  int source, from, to, days, side_from, side_to, sector, km2;
} ac_cols;

typedef struct piece_ctx {
  size_t g0, g1;
  const char *sa, *sb;
  fl__change_sums *sums;
  ac_cols c;
} piece_ctx;

/* Side k of cg, contested last (k == n_sides). */
static const GEOSGeometry *side_area(const fl__control_group *cg, size_t k, const char **name) {
  if (k < cg->n_sides) {
    *name = cg->side[k];
    return cg->area[k];
  }
  *name = FL__CONTESTED;
  return cg->contested;
}

static ac_cols area_cols(fl_layer *l) {
  ac_cols c;
  c.source = fl_layer_field_index(l, "source");
  c.from = fl_layer_field_index(l, "date_from");
  c.to = fl_layer_field_index(l, "date_to");
  c.days = fl_layer_field_index(l, "days");
  c.side_from = fl_layer_field_index(l, "side_from");
  c.side_to = fl_layer_field_index(l, "side_to");
  c.sector = fl_layer_field_index(l, "sector");
  c.km2 = fl_layer_field_index(l, "area_km2");
  return c;
}

/* One part of a piece in sector k (-1: none): an area_change row, the sums
 * and the advance rows. Takes part. */
static fl_status add_part(fl__change_job *j, GEOSGeometry *part, int k, void *user) {
  fl_ctx *ctx = j->ctx;
  piece_ctx *pc = user;
  double km2 = 0;
  fl_status ast = fl_area_km2(ctx, part, &km2);
  if (ast || km2 < FL__SLIVER_KM2) {
    GEOSGeom_destroy_r(ctx->geos, part);
    return ast;
  }
  fl__change_sums *s = pc->sums;
  size_t p = fl__sums_side(s, pc->sa), q = fl__sums_side(s, pc->sb);
  if (k >= 0) {
    s->gained[q * s->n_cols + (size_t)k + 1] += km2;
    s->lost[p * s->n_cols + (size_t)k + 1] += km2;
  }
  fl_status st = fl__advance_rows(j, pc->sa, pc->sb, part, k);
  GEOSGeometry *out = NULL;
  if (!st) st = fl__to_layer_crs(ctx, part, j->in->control->srid, &out);
  else GEOSGeom_destroy_r(ctx->geos, part);
  if (st) return st;
  fl_layer *l = j->out.area_change;
  fl_feature *f = fl_layer_append(ctx, l, (int64_t)l->n_features + 1, out);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  const fl__group *a = &j->gr.g[pc->g0], *b = &j->gr.g[pc->g1];
  long d0 = 0, d1 = 0;
  st = fl_feature_set_text(l, f, pc->c.source, a->source);
  if (!st) st = fl_feature_set_text(l, f, pc->c.from, a->date);
  if (!st) st = fl_feature_set_text(l, f, pc->c.to, b->date);
  if (!st && fl__date_days(a->date, &d0) && fl__date_days(b->date, &d1))
    st = fl_feature_set_int(l, f, pc->c.days, d1 - d0);
  if (!st) st = fl_feature_set_text(l, f, pc->c.side_from, pc->sa);
  if (!st) st = fl_feature_set_text(l, f, pc->c.side_to, pc->sb);
  if (!st && k >= 0) st = fl_feature_set_text(l, f, pc->c.sector, j->sec.name[k]);
  if (!st) st = fl_feature_set_real(l, f, pc->c.km2, km2);
  return st ? fl__fail(ctx, st, "out of memory") : FL_OK;
}

/* (C2) every side of g0 against every other side of g1. */
static fl_status compare(fl__change_job *j, size_t g0, size_t g1) {
  fl_ctx *ctx = j->ctx;
  const fl__control_group *a = &j->cg[g0], *b = &j->cg[g1];
  fl__change_sums sums;
  fl_status st = fl__sums_init(j, g0, g1, &sums);
  piece_ctx pc = {g0, g1, NULL, NULL, &sums, area_cols(j->out.area_change)};
  for (size_t p = 0; !st && p <= a->n_sides; p++) {
    const GEOSGeometry *ga = side_area(a, p, &pc.sa);
    if (!ga || GEOSisEmpty_r(ctx->geos, ga) == 1) continue;
    for (size_t q = 0; !st && q <= b->n_sides; q++) {
      const GEOSGeometry *gb = side_area(b, q, &pc.sb);
      if (!gb || !strcmp(pc.sa, pc.sb) || GEOSisEmpty_r(ctx->geos, gb) == 1) continue;
      GEOSGeometry *x = GEOSIntersection_r(ctx->geos, ga, gb);
      if (!x) {
        st = fl__fail_geos(ctx, "change: intersection");
        break;
      }
      GEOSGeometry *poly = fl__polygonal_part(ctx->geos, x);
      GEOSGeom_destroy_r(ctx->geos, x);
      if (!poly) {
        st = fl__fail_geos(ctx, "change: polygons of an intersection");
        break;
      }
      GEOSSetSRID_r(ctx->geos, poly, 4326);
      double km2 = 0;
      st = fl_area_km2(ctx, poly, &km2);
      if (!st && km2 >= FL__SLIVER_KM2) { /* (C3) the whole area's sums */
        sums.gained[fl__sums_side(&sums, pc.sb) * sums.n_cols] += km2;
        sums.lost[fl__sums_side(&sums, pc.sa) * sums.n_cols] += km2;
        st = fl__sectors_split(j, poly, add_part, &pc); /* (C6) */
      }
      GEOSGeom_destroy_r(ctx->geos, poly);
    }
  }
  if (!st) st = fl__advance_flush(j, g0, g1, &sums);
  if (!st) st = fl__summary_rows(j, g0, g1, &sums);
  fl__sums_free(&sums);
  return st;
}

static fl_status make_area_layer(fl__change_job *j) {
  fl_layer *l = fl_layer_new("area_change", j->in->control->srid, "MULTIPOLYGON");
  j->out.area_change = l;
  if (!l) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  static const char *const text[] = {"source", "date_from", "date_to"};
  for (int i = 0; i < 3; i++) fl_layer_add_field(l, text[i], FL_FIELD_TEXT);
  fl_layer_add_field(l, "days", FL_FIELD_INTEGER);
  fl_layer_add_field(l, "side_from", FL_FIELD_TEXT);
  fl_layer_add_field(l, "side_to", FL_FIELD_TEXT);
  fl_layer_add_field(l, "sector", FL_FIELD_TEXT);
  if (fl_layer_add_field(l, "area_km2", FL_FIELD_REAL) < 0)
    return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  j->out.change_summary = fl__summary_layer();
  j->out.advance = fl__advance_layer();
  if (!j->out.change_summary || !j->out.advance)
    return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  j->out.change_summary->srid = j->out.advance->srid = j->in->control->srid;
  return FL_OK;
}

/* Dates compared as days when both are ISO dates ("2024/11/01", as GeoJSON
 * dates read, is "2024-11-01"), else as text. */
static int date_cmp(const char *a, const char *b) {
  long da, db;
  if (fl__date_days(a, &da) && fl__date_days(b, &db)) return (da > db) - (da < db);
  return strcmp(a, b);
}

/* The last group of g's source dated on or before `date` (NULL: the last
 * date; first nonzero and date NULL: the first date), or gr.n. */
static size_t pick_date(const fl__groups *gr, size_t g, const char *date, int first) {
  size_t best = gr->n;
  for (size_t k = 0; k < gr->n; k++) {
    if (strcmp(gr->g[k].source, gr->g[g].source)) continue;
    if (!date && first) return k;
    if (!date || date_cmp(gr->g[k].date, date) <= 0) best = k;
  }
  return best;
}

/* The next date of g's source after g within range, or gr.n (groups are
 * sorted by date). */
static size_t next_of_source(const fl__change_job *j, size_t g) {
  for (size_t k = g + 1; k < j->gr.n; k++)
    if (j->in_range[k] && !strcmp(j->gr.g[k].source, j->gr.g[g].source) &&
        strcmp(j->gr.g[k].date, j->gr.g[g].date))
      return k;
  return j->gr.n;
}

/* (C2) the span of each source: dates in from..to; without dates, all. */
static void mark_range(fl__change_job *j) {
  const char *from = j->in->date_from, *to = j->in->date_to;
  for (size_t g = 0; g < j->gr.n; g++) {
    size_t a = pick_date(&j->gr, g, from, 1), b = pick_date(&j->gr, g, to, 0);
    const char *d = j->gr.g[g].date;
    j->in_range[g] = a < j->gr.n && b < j->gr.n && date_cmp(d, j->gr.g[a].date) >= 0 &&
                     date_cmp(d, j->gr.g[b].date) <= 0;
  }
}

/* (C2) the pairs of a source g's span: consecutive dates, or the two ends. */
static fl_status compare_all(fl__change_job *j) {
  int one = j->in->date_from || j->in->date_to;
  fl_status st = FL_OK;
  for (size_t g = 0; !st && g < j->gr.n; g++) {
    if (!j->in_range[g]) continue;
    if (one) {
      if (pick_date(&j->gr, g, j->in->date_from, 1) != g) continue;
      size_t b = pick_date(&j->gr, g, j->in->date_to, 0);
      if (b < j->gr.n && b != g && date_cmp(j->gr.g[b].date, j->gr.g[g].date) > 0)
        st = compare(j, g, b);
    } else {
      size_t n = next_of_source(j, g);
      if (n < j->gr.n) st = compare(j, g, n);
    }
    if (!st) st = fl__progress(j->ctx, 0.6 + 0.35 * (double)(g + 1) / (double)j->gr.n);
  }
  return st;
}

/* (C5) densify the prepared control polygons in place. */
static fl_status densify_all(fl_ctx *ctx, fl__prepped *cp) {
  for (size_t i = 0; i < cp->n; i++) {
    if (!cp->lonlat[i] || (cp->borrowed && cp->borrowed[i])) continue;
    GEOSGeometry *d = GEOSDensify_r(ctx->geos, cp->lonlat[i], DENSE_DEG);
    if (!d) return fl__fail_geos(ctx, "change: densifying a control polygon");
    GEOSSetSRID_r(ctx->geos, d, 4326);
    GEOSGeom_destroy_r(ctx->geos, cp->lonlat[i]);
    cp->lonlat[i] = d;
  }
  return FL_OK;
}

/* (C5) the area of interest densified, as a lon/lat layer (*out NULL without
 * one). */
static fl_status dense_aoi(fl_ctx *ctx, const fl_layer *aoi, fl_layer **out) {
  *out = NULL;
  if (!aoi) return FL_OK;
  fl__prepped p;
  memset(&p, 0, sizeof p);
  fl_status st = fl__prep_layer(ctx, aoi, "aoi", FL__WANT_POLYGON, &p);
  fl_layer *l = st ? NULL : fl_layer_new(aoi->name, 4326, "MULTIPOLYGON");
  if (!st && !l) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < p.n; i++) {
    if (!p.lonlat[i]) continue;
    GEOSGeometry *d = GEOSDensify_r(ctx->geos, p.lonlat[i], DENSE_DEG);
    if (!d) st = fl__fail_geos(ctx, "change: densifying the area of interest");
    else if (GEOSSetSRID_r(ctx->geos, d, 4326), !fl_layer_append(ctx, l, (int64_t)i + 1, d))
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  fl__prep_free(ctx, &p);
  if (st) fl_layer_destroy(ctx, l);
  else *out = l;
  return st;
}

static fl_status build_groups(fl__change_job *j, const fl__prepped *cp, const fl_options *o) {
  fl_status st = fl__groups_build(j->ctx, j->in->control, o, &j->gr);
  if (st) return st;
  size_t n = j->gr.n ? j->gr.n : 1;
  j->cg = calloc(n, sizeof *j->cg);
  j->built = calloc(n, sizeof *j->built);
  j->in_range = calloc(n, sizeof *j->in_range);
  j->front = calloc(n, sizeof *j->front);
  j->front_km = malloc(n * (j->sec.n + 1) * sizeof *j->front_km);
  if (!j->cg || !j->built || !j->in_range || !j->front || !j->front_km)
    return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  mark_range(j);
  for (size_t g = 0; g < j->gr.n; g++) {
    for (size_t k = 0; k <= j->sec.n; k++) j->front_km[g * (j->sec.n + 1) + k] = -1;
    if (!j->in_range[g]) continue;
    if ((st = fl__control_group_build(j->ctx, cp, &j->gr, (int)g, o, &j->cg[g]))) return st;
    j->built[g] = 1;
    if ((st = fl__progress(j->ctx, 0.4 * (double)(g + 1) / (double)j->gr.n))) return st;
  }
  return FL_OK;
}

static fl_status check_dates(fl_ctx *ctx, const fl_change_input *in) {
  long d;
  const char *bad = in->date_from && !fl__date_days(in->date_from, &d) ? in->date_from
                    : in->date_to && !fl__date_days(in->date_to, &d)   ? in->date_to
                                                                       : NULL;
  if (bad)
    return fl__fail(ctx, FL_E_ARG, "@{%s} '%s' is not a date; give it as YYYY-MM-DD",
                    bad == in->date_from ? "from" : "to", bad);
  if (in->date_from && in->date_to && date_cmp(in->date_from, in->date_to) >= 0)
    return fl__fail(ctx, FL_E_ARG, "@{from} '%s' is not before @{to} '%s'; swap them",
                    in->date_from, in->date_to);
  return FL_OK;
}

/* (C2) a change of holder between two dates of a source's span. */
static int in_span(const char *source, const char *last_old, const char *first_new, void *user) {
  const fl__change_job *j = user;
  int old_in = 0, new_in = 0;
  for (size_t g = 0; g < j->gr.n; g++) {
    if (!j->in_range[g] || strcmp(j->gr.g[g].source, source)) continue;
    old_in |= last_old && !strcmp(j->gr.g[g].date, last_old);
    new_in |= first_new && !strcmp(j->gr.g[g].date, first_new);
  }
  return old_in && new_in;
}

static fl_status run(fl__change_job *j, fl__prepped *cp) {
  fl_ctx *ctx = j->ctx;
  fl_layer *aoi = NULL, *status = NULL;
  fl_options o = *j->opts;
  fl_status st = check_dates(ctx, j->in);
  if (!st) st = fl__sectors_load(ctx, j->in, &j->sec);
  if (!st) st = densify_all(ctx, cp);
  if (!st) st = dense_aoi(ctx, o.aoi, &aoi);
  if (aoi) o.aoi = aoi;
  if (!st) st = build_groups(j, cp, &o);
  if (!st) st = make_area_layer(j);
  if (!st) st = fl__change_fronts(j);
  if (!st) st = compare_all(j);
  if (!st && j->in->settlements)
    st = fl__change_settlements(ctx, j->in->settlements, j->in->control, j->opts, in_span, j,
                                &j->out.settlement_changes, &status);
  if (!st) st = fl__change_held(j, status);
  fl_layer_destroy(ctx, status);
  fl_layer_destroy(ctx, aoi);
  return st;
}

static void job_free(fl__change_job *j) {
  for (size_t g = 0; j->built && g < j->gr.n; g++)
    if (j->built[g]) fl__control_group_free(j->ctx, &j->cg[g]);
  for (size_t g = 0; j->front && g < j->gr.n; g++)
    if (j->front[g]) GEOSGeom_destroy_r(j->ctx->geos, j->front[g]);
  fl_dist_index_destroy(j->ctx, j->idx);
  fl__advance_free(j);
  free(j->cg);
  free(j->built);
  free(j->in_range);
  free(j->front);
  free(j->front_km);
  fl__sectors_free(j->ctx, &j->sec);
  fl__groups_free(&j->gr);
}

/* (C11) A date column whose every value is an ISO date "YYYY-MM-DD" is
 * typed DATE, so that QGIS's Temporal Controller can play the series; with
 * any other value (a source dated "March") it stays text. */
static void type_dates(fl_layer *l) {
  static const char *const names[] = {"date", "date_from", "date_to", "last_date_old",
                                      "first_date_new"};
  for (size_t n = 0; l && n < sizeof names / sizeof names[0]; n++) {
    int k = fl_layer_field_index(l, names[n]);
    if (k < 0 || l->fields[k].type != FL_FIELD_TEXT) continue;
    int iso = 1;
    for (size_t i = 0; i < l->n_features && iso; i++) {
      const fl_value *v = &l->features[i].values[k];
      long d;
      iso = v->is_null || (v->s && strlen(v->s) == 10 && v->s[4] == '-' && v->s[7] == '-' &&
                           fl__date_days(v->s, &d));
    }
    if (iso) l->fields[k].type = FL_FIELD_DATE;
  }
}

fl_status fl_change_run(fl_ctx *ctx, const fl_change_input *in, const fl_options *opts,
                        fl_change_result *out) {
  memset(out, 0, sizeof *out);
  if (!in || !in->control) return fl__fail(ctx, FL_E_ARG, "change: no control layer");
  fl__prepped cp;
  memset(&cp, 0, sizeof cp);
  fl__change_job j;
  memset(&j, 0, sizeof j);
  j.ctx = ctx;
  j.in = in;
  j.opts = opts;
  fl_status st = fl__prep_layer(ctx, in->control, "control", FL__WANT_POLYGON, &cp);
  if (!st) st = run(&j, &cp);
  job_free(&j);
  fl__prep_free(ctx, &cp);
  if (st) {
    fl_change_result_free(ctx, &j.out);
    return st;
  }
  fl_layer *typed[] = {j.out.area_change, j.out.change_summary, j.out.held_series,
                      j.out.advance, j.out.settlement_changes};
  for (size_t k = 0; k < sizeof typed / sizeof typed[0]; k++) type_dates(typed[k]);
  *out = j.out;
  return FL_OK;
}

void fl_change_result_free(fl_ctx *ctx, fl_change_result *res) {
  if (!res) return;
  fl_layer_destroy(ctx, res->area_change);
  fl_layer_destroy(ctx, res->change_summary);
  fl_layer_destroy(ctx, res->held_series);
  fl_layer_destroy(ctx, res->settlement_changes);
  fl_layer_destroy(ctx, res->advance);
  memset(res, 0, sizeof *res);
}

fl_status fl_change(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                    fl_layer **area_change, fl_layer **held_series) {
  *area_change = NULL;
  *held_series = NULL;
  fl_change_input in;
  memset(&in, 0, sizeof in);
  in.control = control;
  fl_change_result r;
  fl_status st = fl_change_run(ctx, &in, opts, &r);
  if (st) return st;
  *area_change = r.area_change;
  *held_series = r.held_series;
  r.area_change = r.held_series = NULL;
  fl_change_result_free(ctx, &r);
  return FL_OK;
}
