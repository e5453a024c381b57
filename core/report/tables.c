/*
 * tables.c - the report's tables, grouped so that they stay readable on
 * real data, every one sortable (class "sortable", numbers in data-v):
 *   (T1) routes of the claim shown merged by name, else ref, else class:
 *        pieces counted, km summed, the closest approach the minimum;
 *   (T2) settlements of the claim shown within the outermost band, nearest
 *        first; the others counted;
 *   (T3) fronts per source and date; bands; changes per period and sides;
 *        settlements that changed hands.
 * Names are never cut.
 * Not here: the numbers themselves (core's analyses).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_style.h"
#include "map_internal.h"
#include "report_internal.h"

static void th(fl__rbuf *b, const char *const *heads) {
  fl__rb_printf(b, "<table class=\"sortable\"><thead><tr>");
  for (size_t i = 0; heads[i]; i++)
    fl__rb_printf(b, "<th%s>%s</th>", heads[i][0] == '#' ? " class=\"n\"" : "",
                  heads[i] + (heads[i][0] == '#'));
  fl__rb_printf(b, "</tr></thead><tbody>\n");
}

static void td_text(fl__rbuf *b, const char *s) {
  fl__rb_printf(b, "<td>");
  fl__rb_text(b, s ? s : "");
  fl__rb_printf(b, "</td>");
}

static void td_num(fl__rbuf *b, double v, int decimals) {
  if (!isfinite(v))
    fl__rb_printf(b, "<td class=\"n\" data-v=\"-1e300\"></td>");
  else
    fl__rb_printf(b, "<td class=\"n\" data-v=\"%.6g\">%.*f</td>", v, decimals, v);
}

static void td_side(fl__rbuf *b, const char *side) {
  fl__rb_printf(b, "<td><span class=\"swatch\" style=\"background:%s\"></span>",
                fl__style_side_colour(side, (size_t)-1));
  fl__rb_text(b, side ? side : "unknown");
  fl__rb_printf(b, "</td>");
}

static void fronts(fl__rbuf *b, const fl_layer *l) {
  if (!l || !l->n_features) return;
  fl__aggs gs = {0};
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    char key[256];
    snprintf(key, sizeof key, "%s\x1f%s", fl__field_text(l, f, "date") ? fl__field_text(l, f, "date") : "",
             fl__field_text(l, f, "source") ? fl__field_text(l, f, "source") : "");
    fl__agg *g = fl__agg_get(&gs, key, i);
    double v = fl__field_num(l, f, "length_km");
    if (g) fl__agg_add(g, &v, 1, NAN);
  }
  static const char *const h[] = {"Source", "Date", "#Pieces", "#Length (km)", NULL};
  fl__rb_printf(b, "<h3>Line of contact</h3>\n");
  th(b, h);
  for (size_t i = 0; i < gs.n; i++) {
    const fl_feature *f = &l->features[gs.g[i].first];
    fl__rb_printf(b, "<tr>");
    td_text(b, fl__field_text(l, f, "source"));
    td_text(b, fl__field_text(l, f, "date"));
    td_num(b, (double)gs.g[i].count, 0);
    td_num(b, gs.g[i].sum[0], 1);
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
  fl__aggs_free(&gs);
}

static void bands(fl__rbuf *b, const fl_layer *l, const char *ms, const char *md) {
  if (!l || !l->n_features) return;
  static const char *const h[] = {"Band", "Distance from the front", "Side", "#Area (km²)", NULL};
  fl__rb_printf(b, "<h3>Distance bands</h3>\n");
  th(b, h);
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if (!fl__map_in_main(l, f, ms, md)) continue;
    char r[64];
    snprintf(r, sizeof r, "%g-%g km", fl__field_num(l, f, "inner_m") / 1000,
             fl__field_num(l, f, "outer_m") / 1000);
    fl__rb_printf(b, "<tr>");
    td_num(b, fl__field_num(l, f, "band"), 0);
    td_text(b, r);
    td_text(b, fl__field_text(l, f, "side"));
    td_num(b, fl__field_num(l, f, "area_km2"), 1);
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
}

typedef struct srow {
  size_t i;
  double d;
} srow;

static int srow_cmp(const void *a, const void *b) {
  const srow *x = a, *y = b;
  return (x->d > y->d) - (x->d < y->d);
}

/* (T2) */
static void settlements(fl__rbuf *b, const fl_layer *l, const char *ms, const char *md) {
  if (!l || !l->n_features) return;
  srow *r = malloc(l->n_features * sizeof *r);
  if (!r) {
    b->oom = 1;
    return;
  }
  size_t n = 0, beyond = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if (!fl__map_in_main(l, f, ms, md)) continue;
    if (!isfinite(fl__field_num(l, f, "band"))) {
      beyond++;
      continue;
    }
    double d = fl__field_num(l, f, "dist_to_front_m");
    r[n++] = (srow){i, isfinite(d) ? d : 1e300};
  }
  qsort(r, n, sizeof *r, srow_cmp);
  int has_pop = fl_layer_field_index(l, "population") >= 0;
  int ka = fl_layer_field_index(l, "sources_agree"), has_agree = 0; /* a column when some row says */
  for (size_t j = 0; ka >= 0 && j < n && !has_agree; j++) has_agree = !l->features[r[j].i].values[ka].is_null;
  const char *h[8] = {"Settlement", "Holder", "Status", "#Distance to front (km)", "#Band", NULL};
  size_t k = 5;
  if (has_pop) h[k++] = "#Population";
  if (has_agree) h[k++] = "Sources agree";
  h[k] = NULL;
  fl__rb_printf(b, "<h3 id=\"settlements\">Settlements within the bands (%zu)</h3>\n", n);
  th(b, h);
  for (size_t j = 0; j < n; j++) {
    const fl_feature *f = &l->features[r[j].i];
    const char *status = fl__field_text(l, f, "status");
    fl__rb_printf(b, "<tr>");
    td_text(b, fl__field_text(l, f, "name"));
    td_side(b, status && !strcmp(status, "contested") ? "contested" : fl__field_text(l, f, "side"));
    td_text(b, status);
    td_num(b, fl__field_num(l, f, "dist_to_front_m") / 1000, 1);
    td_num(b, fl__field_num(l, f, "band"), 0);
    if (has_pop) td_num(b, fl__field_num(l, f, "population"), 0);
    if (has_agree) {
      double a = fl__field_num(l, f, "sources_agree");
      td_text(b, isfinite(a) ? (a ? "yes" : "no") : fl__field_text(l, f, "sources_agree"));
    }
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
  if (beyond)
    fl__rb_printf(b, "<p class=\"muted\">%zu more settlement%s lie beyond the outermost band "
                     "(see the layer settlement_status).</p>\n",
                  beyond, beyond == 1 ? "" : "s");
  free(r);
}

static int route_band_fields(const fl_layer *l, int *idx, const char **names) {
  int n = 0;
  for (size_t j = 0; j < l->n_fields && n < FL__AGG_SUMS - 3; j++)
    if (!strncmp(l->fields[j].name, "km_", 3)) {
      idx[n] = (int)j;
      names[n++] = l->fields[j].name;
    }
  return n;
}

/* (T1) */
static void routes(fl__rbuf *b, const fl_layer *l, const char *ms, const char *md) {
  if (!l || !l->n_features) return;
  int bi[FL__AGG_SUMS];
  const char *bn[FL__AGG_SUMS];
  int nb = route_band_fields(l, bi, bn);
  fl__aggs gs = {0};
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if (!fl__map_in_main(l, f, ms, md)) continue;
    const char *name = fl__field_text(l, f, "name"), *ref = fl__field_text(l, f, "ref");
    const char *cls = fl__field_text(l, f, "class");
    char key[512];
    if (name && *name)
      snprintf(key, sizeof key, "n\x1f%s\x1f%s", name, cls ? cls : "");
    else if (ref && *ref)
      snprintf(key, sizeof key, "r\x1f%s\x1f%s", ref, cls ? cls : "");
    else
      snprintf(key, sizeof key, "c\x1f%s", cls ? cls : "");
    double v[FL__AGG_SUMS];
    v[0] = fl__field_num(l, f, "length_km");
    v[1] = fl__field_num(l, f, "exposed_km");
    for (int k = 0; k < nb; k++) v[2 + k] = fl__field_num(l, f, bn[k]);
    fl__agg *g = fl__agg_get(&gs, key, i);
    if (g) fl__agg_add(g, v, (size_t)(2 + nb), fl__field_num(l, f, "min_dist_to_front_m"));
  }
  /* nearest first */
  for (size_t i = 1; i < gs.n; i++)
    for (size_t j = i; j > 0 && (isfinite(gs.g[j].min) ? gs.g[j].min : 1e300) <
                                    (isfinite(gs.g[j - 1].min) ? gs.g[j - 1].min : 1e300); j--) {
      fl__agg t = gs.g[j];
      gs.g[j] = gs.g[j - 1];
      gs.g[j - 1] = t;
    }
  fl__rb_printf(b, "<h3 id=\"routes\">Routes (%zu, pieces merged by name or ref)</h3>\n", gs.n);
  fl__rb_printf(b, "<table class=\"sortable\"><thead><tr><th>Route</th><th>Class</th><th>Ref</th>"
                   "<th class=\"n\">Pieces</th><th class=\"n\">Length (km)</th>"
                   "<th class=\"n\">Closest to front (km)</th><th class=\"n\">Exposed (km)</th>");
  for (int k = 0; k < nb; k++) {
    double lo = 0, hi = 0;
    if (sscanf(bn[k], "km_%lf_%lf", &lo, &hi) == 2)
      fl__rb_printf(b, "<th class=\"n\">km %g-%g km</th>", lo / 1000, hi / 1000);
    else
      fl__rb_printf(b, "<th class=\"n\">%s</th>", bn[k]);
  }
  fl__rb_printf(b, "</tr></thead><tbody>\n");
  for (size_t i = 0; i < gs.n; i++) {
    const fl_feature *f = &l->features[gs.g[i].first];
    const char *name = fl__field_text(l, f, "name");
    fl__rb_printf(b, "<tr>");
    td_text(b, name && *name ? name : gs.g[i].key[0] == 'c' ? "(unnamed)" : fl__field_text(l, f, "ref"));
    td_text(b, fl__field_text(l, f, "class"));
    td_text(b, fl__field_text(l, f, "ref"));
    td_num(b, (double)gs.g[i].count, 0);
    td_num(b, gs.g[i].sum[0], 1);
    td_num(b, gs.g[i].min / 1000, 1);
    td_num(b, gs.g[i].sum[1], 1);
    for (int k = 0; k < nb; k++) td_num(b, gs.g[i].sum[2 + k], 1);
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
  if (gs.oom) b->oom = 1;
  fl__aggs_free(&gs);
}

static void changes(fl__rbuf *b, const fl_layer *l) {
  if (!l || !l->n_features) return;
  fl__aggs gs = {0};
  static const char *const key_fields[] = {"source", "date_from", "date_to", "side_from", "side_to"};
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    char key[512] = "";
    size_t o = 0;
    for (size_t k = 0; k < 5 && o < sizeof key; k++) {
      const char *s = fl__field_text(l, f, key_fields[k]);
      o += (size_t)snprintf(key + o, sizeof key - o, "%s\x1f", s ? s : "");
    }
    double v = fl__field_num(l, f, "area_km2");
    fl__agg *g = fl__agg_get(&gs, key, i);
    if (g) fl__agg_add(g, &v, 1, NAN);
  }
  static const char *const h[] = {"Source", "From", "To", "Side before", "Side after",
                                  "#Area (km²)", NULL};
  fl__rb_printf(b, "<h3 id=\"changes\">Ground that changed side</h3>\n");
  th(b, h);
  for (size_t i = 0; i < gs.n; i++) {
    const fl_feature *f = &l->features[gs.g[i].first];
    fl__rb_printf(b, "<tr>");
    for (size_t k = 0; k < 3; k++) td_text(b, fl__field_text(l, f, key_fields[k]));
    td_side(b, fl__field_text(l, f, "side_from"));
    td_side(b, fl__field_text(l, f, "side_to"));
    td_num(b, gs.g[i].sum[0], 2);
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
  fl__aggs_free(&gs);
}

static void settlement_changes(fl__rbuf *b, const fl_layer *l) {
  if (!l || !l->n_features) return;
  static const char *const h[] = {"Settlement", "Source", "From", "To", "Last date before",
                                  "First date after", NULL};
  fl__rb_printf(b, "<h3 id=\"settlement-changes\">Settlements that changed hands (%zu)</h3>\n",
                l->n_features);
  th(b, h);
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    fl__rb_printf(b, "<tr>");
    td_text(b, fl__field_text(l, f, "name"));
    td_text(b, fl__field_text(l, f, "source"));
    td_side(b, fl__field_text(l, f, "from_side"));
    td_side(b, fl__field_text(l, f, "to_side"));
    td_text(b, fl__field_text(l, f, "last_date_old"));
    td_text(b, fl__field_text(l, f, "first_date_new"));
    fl__rb_printf(b, "</tr>\n");
  }
  fl__rb_printf(b, "</tbody></table>\n");
}

void fl__report_tables(fl__rbuf *b, const fl__report_in *in) {
  const char *ms, *md;
  fl__map_main_claim(in, &ms, &md);
  fl__rb_printf(b, "<h2 id=\"tables\">Tables</h2>\n");
  settlements(b, fl__report_layer(in, "settlement_status"), ms, md);
  routes(b, fl__report_layer(in, "route_exposure"), ms, md);
  fronts(b, fl__report_layer(in, "frontline"));
  bands(b, fl__report_layer(in, "bands"), ms, md);
  changes(b, fl__report_layer(in, "area_change"));
  settlement_changes(b, fl__report_layer(in, "settlement_changes"));
}
