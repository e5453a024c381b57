/*
 * compare_sources.c - the sources of a control layer as compare-claims
 * reads them, and how snapshots of two sources are paired.
 *
 * Rules (docs/tools/compare-claims.md):
 *   (R1) a source is a distinct value of the source field (after the
 *        caller's filters); each is read with the caller's options (side map,
 *        other side, holes and islands) on its own.
 *   (R2) an area-of-interest layer that has the source field gives each
 *        source its own area: its features whose source is that source, plus
 *        those whose source is empty or NULL (shared). A source left with no
 *        area is an error. Without the field, every source shares the layer.
 *   (R3) date columns of the outputs are typed as dates (FL_FIELD_DATE,
 *        written "YYYY-MM-DD") when every date of the layer is one; else
 *        they keep the layer's text.
 *   (P1) snapshots of two sources are paired when their dates lie within
 *        date_tolerance_days and one is the other's closest date among the
 *        snapshots of its own source (ties: the earlier date). With
 *        tolerance 0 only equal dates pair.
 * Not here: the overlays (disagreement.c), holders (settlement_agreement.c,
 * claims_check.c).
 */
#include <stdlib.h>
#include <string.h>

#include "fl_sources.h"

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void fl__sources_free(fl__sources *s) {
  for (size_t i = 0; s->s && i < s->n; i++) {
    free(s->s[i].name);
    free(s->s[i].aoi_view.features);
  }
  free(s->s);
  memset(s, 0, sizeof *s);
}

int fl__sources_find(const fl__sources *s, const char *name) {
  for (size_t i = 0; name && i < s->n; i++)
    if (strcmp(s->s[i].name, name) == 0) return (int)i;
  return -1;
}

void fl__sources_list(const fl__sources *s, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < s->n && at < len; i++)
    at += (size_t)snprintf(buf + at, len - at, "%s'%s'", i ? ", " : "", s->s[i].name);
}

/* (R2) the features of the area of interest that apply to source src. */
static fl_status aoi_view(fl_ctx *ctx, const fl_options *opts, fl__source *src) {
  const fl_layer *aoi = opts->aoi;
  int f = opts->source_field ? fl_layer_field_index(aoi, opts->source_field) : -1;
  if (f < 0 || !src->name[0]) return FL_OK; /* the caller's layer, shared */
  src->aoi_view = *aoi;
  src->aoi_view.features = calloc(aoi->n_features ? aoi->n_features : 1, sizeof(fl_feature));
  if (!src->aoi_view.features) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  size_t n = 0;
  for (size_t i = 0; i < aoi->n_features; i++) {
    const fl_feature *ft = &aoi->features[i];
    const char *v = ft->values[f].is_null ? "" : fl_value_text(aoi, ft, f);
    if (!v[0] || strcmp(v, src->name) == 0) src->aoi_view.features[n++] = *ft;
  }
  src->aoi_view.n_features = n;
  src->aoi_view.cap_features = n;
  if (n == 0)
    return fl__fail(ctx, FL_E_ARG, "@{aoi} layer '%s' has no feature whose field '%s' is '%s' "
                    "or empty, so source '%s' has no area of interest; add one or leave the "
                    "field empty to share an area", aoi->name ? aoi->name : "?",
                    aoi->fields[f].name, src->name, src->name);
  src->o.aoi = &src->aoi_view;
  return FL_OK;
}

fl_status fl__sources_build(fl_ctx *ctx, const fl_layer *control, const fl_options *opts,
                            fl__sources *out) {
  memset(out, 0, sizeof *out);
  fl__groups gr;
  fl_status st = fl__groups_build(ctx, control, opts, &gr); /* (R1) */
  if (st) return st;
  char **names = calloc(gr.n ? gr.n : 1, sizeof *names);
  size_t n = 0;
  for (size_t g = 0; names && g < gr.n; g++) {
    size_t k = 0;
    while (k < n && strcmp(names[k], gr.g[g].source)) k++;
    if (k == n) names[n++] = gr.g[g].source;
  }
  if (names) qsort(names, n, sizeof *names, cmp_str);
  out->s = names ? calloc(n ? n : 1, sizeof *out->s) : NULL;
  if (!out->s) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; !st && k < n; k++) {
    fl__source *src = &out->s[k];
    out->n++;
    src->name = fl__strdup(names[k]);
    if (!src->name) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
    src->o = *opts;
    if (gr.source_field >= 0) src->o.source_filter = src->name;
    if (opts->aoi) st = aoi_view(ctx, opts, src);
  }
  free(names);
  fl__groups_free(&gr);
  if (st) fl__sources_free(out);
  return st;
}

long fl__days_between(const char *a, const char *b, int *ok) {
  long da = 0, db = 0;
  *ok = fl__date_days(a, &da) && fl__date_days(b, &db);
  return *ok ? db - da : 0;
}

/* Distance in days between the dates of groups a and b: 0 for the same
 * text, -1 when not comparable. */
static long gap(const fl__groups *gr, size_t a, size_t b) {
  if (strcmp(gr->g[a].date, gr->g[b].date) == 0) return 0;
  int ok;
  long d = fl__days_between(gr->g[a].date, gr->g[b].date, &ok);
  return ok ? labs(d) : -1;
}

/* (P1) the snapshot of source `of` closest in date to a, or gr->n. Groups are
 * sorted by date, so the first of equal distances is the earlier date. */
static size_t closest(const fl__groups *gr, size_t a, const char *of) {
  size_t best = gr->n;
  long best_gap = -1;
  for (size_t k = 0; k < gr->n; k++) {
    if (strcmp(gr->g[k].source, of)) continue;
    long d = gap(gr, a, k);
    if (d >= 0 && (best_gap < 0 || d < best_gap)) {
      best = k;
      best_gap = d;
    }
  }
  return best;
}

int fl__snapshots_paired(const fl__groups *gr, size_t a, size_t b, int tolerance_days) {
  if (!strcmp(gr->g[a].source, gr->g[b].source)) return 0;
  if (!fl__dates_within(gr->g[a].date, gr->g[b].date, tolerance_days)) return 0;
  return closest(gr, a, gr->g[b].source) == b || closest(gr, b, gr->g[a].source) == a;
}

const char *fl__status_holder(const fl_layer *st, const fl_feature *f, int f_side,
                              int f_status) {
  const fl_value *s = &f->values[f_status];
  if (!s->is_null && s->s && !strcmp(s->s, "contested")) return FL__CONTESTED;
  const fl_value *v = &f->values[f_side];
  if (v->is_null || !v->s || !v->s[0]) return "unknown";
  (void)st;
  return v->s;
}

fl_field_type fl__date_type(const fl__groups *gr) {
  long d;
  for (size_t g = 0; g < gr->n; g++)
    if (gr->g[g].date[0] && !fl__date_days(gr->g[g].date, &d)) return FL_FIELD_TEXT;
  return FL_FIELD_DATE;
}

fl_status fl__set_date(fl_layer *l, fl_feature *f, int field, const char *text) {
  long d;
  if (!text || !text[0]) return FL_OK;
  if (l->fields[field].type != FL_FIELD_DATE || !fl__date_days(text, &d))
    return fl_feature_set_text(l, f, field, text);
  char iso[11];
  snprintf(iso, sizeof iso, "%.10s", text);
  iso[4] = iso[7] = '-';
  return fl_feature_set_text(l, f, field, iso);
}
