/*
 * sections.c - the report's subtitle and charts: which numbers are charted.
 *   analyze: band areas of the claim shown; with two dates or more, the
 *            settlements each side holds and the front's length per date;
 *   change:  km² held per side over time (held_series) and km² gained per
 *            period (area_change), per source.
 * (H2) of html.c: a chart over time needs two dates.
 * Not here: drawing the charts (charts.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fl_style.h"
#include "map_internal.h"
#include "report_internal.h"

void fl__report_subtitle(fl__rbuf *b, const fl__report_in *in) {
  const fl_layer *l = fl__report_layer(in, "frontline");
  if (!l) l = fl__report_layer(in, "held_series");
  if (!l) l = fl__report_layer(in, "settlement_status");
  size_t ns = 0, nd = 0;
  const char **src = fl__distinct(l, "source", &ns), **dates = fl__distinct(l, "date", &nd);
  const char *ms, *md;
  fl__map_main_claim(in, &ms, &md);
  fl__rb_printf(b, "<p class=\"sub\">");
  if (ns) {
    fl__rb_printf(b, "Source%s: ", ns == 1 ? "" : "s");
    for (size_t i = 0; i < ns; i++) {
      fl__rb_printf(b, "%s<b>", i ? ", " : "");
      fl__rb_text(b, src[i]);
      fl__rb_printf(b, "</b>");
    }
    fl__rb_printf(b, ". ");
  }
  if (nd) {
    fl__rb_printf(b, "%zu date%s, ", nd, nd == 1 ? "" : "s");
    fl__rb_text(b, dates[0]);
    if (nd > 1) {
      fl__rb_printf(b, " to ");
      fl__rb_text(b, dates[nd - 1]);
    }
    fl__rb_printf(b, ". ");
  }
  if (md || ms) {
    fl__rb_printf(b, "Map and tables show ");
    fl__rb_text(b, ms ? ms : "");
    fl__rb_printf(b, "%s", ms && md ? ", " : "");
    fl__rb_text(b, md ? md : "");
    fl__rb_printf(b, "%s.", nd > 1 ? " (the latest date)" : "");
  }
  fl__rb_printf(b, "</p>\n");
  free(src);
  free(dates);
}

/* values[x] = sum of field over the rows of (series value, x value) that pass keep. */
typedef struct series_spec {
  const fl_layer *l;
  const char *x_field, *s_field, *v_field; /* v_field NULL: count rows */
  const char *only_source;                 /* NULL: every source */
  const char *single_name;                 /* the series' name when s_field has no values */
} series_spec;

static double *sums(const series_spec *sp, const char *const *xs, size_t nx, const char *s_value) {
  double *v = malloc((nx ? nx : 1) * sizeof *v);
  if (!v) return NULL;
  for (size_t i = 0; i < nx; i++) v[i] = NAN;
  for (size_t r = 0; r < sp->l->n_features; r++) {
    const fl_feature *f = &sp->l->features[r];
    const char *src = fl__field_text(sp->l, f, "source");
    if (sp->only_source && !fl__map_same(src, sp->only_source)) continue;
    if (!fl__map_same(fl__field_text(sp->l, f, sp->s_field), s_value)) continue;
    size_t i = fl__index_of(xs, nx, fl__field_text(sp->l, f, sp->x_field));
    if (i == nx) continue;
    double add = sp->v_field ? fl__field_num(sp->l, f, sp->v_field) : 1;
    if (!isfinite(add)) continue;
    v[i] = isfinite(v[i]) ? v[i] + add : add;
  }
  return v;
}

/* A chart of sp: one series per distinct s_field value. */
static const char *series_colour(const series_spec *sp, const char *name, size_t i) {
  static const char *const by_source[] = {FL_STYLE_FRONT, "#1a1a1a", "#6a3d9a", "#b15928"};
  if (!strcmp(sp->s_field, "source")) return by_source[i % 4];
  return fl__style_side_colour(name, (size_t)-1);
}

static void chart(fl__rbuf *b, const series_spec *sp, int lines, const char *title,
                  const char *unit, int fill_zero) {
  size_t nx = 0, ns = 0;
  const char **xs = fl__distinct(sp->l, sp->x_field, &nx);
  const char **ss = fl__distinct(sp->l, sp->s_field, &ns);
  static const char *const no_series[] = {""}; /* the field is absent or empty: one series */
  int single = !ss;
  if (single) ss = (const char **)no_series, ns = 1;
  fl__series *s = calloc(ns, sizeof *s);
  if (xs && ss && s && (!lines || nx >= 2)) {
    size_t k = 0;
    for (size_t i = 0; i < ns; i++) {
      double *v = sums(sp, xs, nx, ss[i]);
      if (!v) continue;
      int any = 0;
      for (size_t j = 0; j < nx; j++) {
        if (fill_zero && !isfinite(v[j])) v[j] = 0;
        any |= isfinite(v[j]);
      }
      if (!any) {
        free(v);
        continue;
      }
      s[k++] = (fl__series){single ? sp->single_name : ss[i], series_colour(sp, ss[i], i), v};
    }
    if (k) {
      if (lines)
        fl__chart_lines(b, title, unit, xs, nx, s, k);
      else
        fl__chart_bars(b, title, unit, xs, nx, s, k);
    }
    for (size_t i = 0; i < k; i++) free((void *)s[i].values);
  }
  free(s);
  free(xs);
  if (!single) free(ss);
}

static void band_chart(fl__rbuf *b, const fl_layer *l, const char *ms, const char *md) {
  if (!l || !l->n_features) return;
  const char **x = malloc(l->n_features * sizeof *x);
  char (*lab)[40] = malloc(l->n_features * sizeof *lab);
  double *v = malloc(l->n_features * sizeof *v);
  size_t n = 0;
  for (size_t i = 0; x && lab && v && i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if (!fl__map_in_main(l, f, ms, md)) continue;
    snprintf(lab[n], sizeof lab[n], "%g-%g km", fl__field_num(l, f, "inner_m") / 1000,
             fl__field_num(l, f, "outer_m") / 1000);
    x[n] = lab[n];
    v[n++] = fl__field_num(l, f, "area_km2");
  }
  if (n) {
    fl__series s = {"area", FL_STYLE_FRONT, v};
    fl__chart_bars(b, "Area of each distance band", "km²", x, n, &s, 1);
  }
  free(x);
  free(lab);
  free(v);
}

void fl__report_charts(fl__rbuf *b, const fl__report_in *in) {
  const char *ms, *md;
  fl__map_main_claim(in, &ms, &md);
  fl__rb_printf(b, "<h2 id=\"charts\">Charts</h2>\n<div class=\"charts\">\n");
  const fl_layer *held = fl__report_layer(in, "held_series");
  const fl_layer *chg = fl__report_layer(in, "area_change");
  if (held) {
    size_t ns = 0;
    const char **src = fl__distinct(held, "source", &ns);
    for (size_t i = 0; i < (ns ? ns : 1); i++) {
      series_spec sp = {held, "date", "side", "area_km2", ns ? src[i] : NULL, "held"};
      char t[160];
      snprintf(t, sizeof t, "Area held per side%s%.100s", ns ? ", " : "", ns ? src[i] : "");
      chart(b, &sp, 1, t, "km²", 0);
      if (chg) {
        series_spec sc = {chg, "date_to", "side_to", "area_km2", ns ? src[i] : NULL, "gained"};
        snprintf(t, sizeof t, "Ground gained per period%s%.80s",
                 ns ? ", " : "", ns ? src[i] : "");
        chart(b, &sc, 0, t, "km²", 0);
      }
    }
    free(src);
  }
  band_chart(b, fl__report_layer(in, "bands"), ms, md);
  const fl_layer *st = fl__report_layer(in, "settlement_status");
  if (st) {
    series_spec sp = {st, "date", "side", NULL, ms, "held"};
    chart(b, &sp, 1, "Settlements held per side", "settlements", 1);
  }
  const fl_layer *fr = fl__report_layer(in, "frontline");
  if (fr) {
    series_spec sp = {fr, "date", "source", "length_km", NULL, "front"};
    chart(b, &sp, 1, "Length of the front", "km", 0);
  }
  fl__rb_printf(b, "</div>\n");
}
