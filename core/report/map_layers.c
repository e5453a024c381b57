/*
 * map_layers.c - the layers of the map (bands, changed ground, routes,
 * fronts, settlements and their names) and its furniture (legend, scale bar,
 * north arrow); map.c's rules (M2), (M4), (M5) apply.
 * Not here: projection and geometry to SVG (map.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fl_style.h"
#include "map_internal.h"
#include "report_internal.h"

static void legend_add(mapper *m, char shape, const char *colour, double opacity,
                       const char *label) {
  for (size_t i = 0; i < m->n_legend; i++)
    if (!strcmp(m->legend[i].label, label)) return;
  if (m->n_legend == MAX_LEGEND) return;
  legend_item *it = &m->legend[m->n_legend++];
  it->shape = shape;
  snprintf(it->colour, sizeof it->colour, "%s", colour);
  it->opacity = opacity;
  snprintf(it->label, sizeof it->label, "%s", label);
}

static void km_label(char *buf, size_t n, double inner_m, double outer_m, const char *prefix) {
  if (outer_m >= 1e8)
    snprintf(buf, n, "%s%g km or more", prefix, inner_m / 1000);
  else
    snprintf(buf, n, "%s%g-%g km", prefix, inner_m / 1000, outer_m / 1000);
}

static void draw_bands(mapper *m, const fl_layer *l, const char *src, const char *date) {
  if (!l) return;
  int kb = fl_layer_field_index(l, "band"), ki = fl_layer_field_index(l, "inner_m"),
      ko = fl_layer_field_index(l, "outer_m");
  fl__rb_printf(m->b, "<g id=\"layer-bands\" class=\"layer\" stroke=\"none\">\n");
  /* Far bands first, so that the near ones' edges stay on top. */
  for (size_t r = l->n_features; r-- > 0;) {
    const fl_feature *f = &l->features[r];
    if (!fl__map_in_main(l, f, src, date)) continue;
    double band = fl__map_num(l, f, kb);
    size_t bi = isfinite(band) && band >= 0 ? (size_t)band : 0;
    const char *c = fl__style_band_colour(bi);
    char attrs[160];
    snprintf(attrs, sizeof attrs, "class=\"band\" data-band=\"%zu\" fill=\"%s\" fill-opacity=\"0.38\" fill-rule=\"evenodd\"", bi, c);
    fl__map_path(m, f->geom, attrs);
  }
  fl__rb_printf(m->b, "</g>\n");
  /* Legend in near-to-far order. */
  for (size_t r = 0; r < l->n_features; r++) {
    const fl_feature *f = &l->features[r];
    if (!fl__map_in_main(l, f, src, date)) continue;
    double band = fl__map_num(l, f, kb);
    char label[64];
    km_label(label, sizeof label, fl__map_num(l, f, ki), fl__map_num(l, f, ko), "");
    legend_add(m, 'f', fl__style_band_colour(isfinite(band) && band >= 0 ? (size_t)band : 0),
               0.38, label);
  }
}

/* Changed ground, by the side that gained it; the older the period, the
 * paler. */
static void draw_changes(mapper *m, const fl_layer *l) {
  if (!l) return;
  int kt = fl_layer_field_index(l, "side_to");
  size_t nd = 0;
  const char **dates = fl__distinct(l, "date_to", &nd);
  fl__rb_printf(m->b, "<g id=\"layer-changes\" class=\"layer\">\n");
  for (size_t i = 0; i < l->n_features; i++) {
    const char *to = fl__map_text(l, &l->features[i], kt);
    const char *c = fl__style_side_colour(to, (size_t)-1);
    size_t k = fl__index_of(dates, nd, fl__field_text(l, &l->features[i], "date_to"));
    double op = nd > 1 && k < nd ? 0.2 + 0.65 * (double)k / (double)(nd - 1) : 0.6;
    char attrs[200], label[80];
    snprintf(attrs, sizeof attrs, "class=\"change\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"%s\" stroke-width=\"0.3\" stroke-opacity=\"0.5\"", c, op, c);
    fl__map_path(m, l->features[i].geom, attrs);
    snprintf(label, sizeof label, "ground gained by %.50s", to ? to : "unknown");
    legend_add(m, 'f', c, 0.6, label);
  }
  fl__rb_printf(m->b, "</g>\n");
  if (nd > 1) {
    char label[96];
    snprintf(label, sizeof label, "paler: earlier, %.4s to %.4s", dates[0], dates[nd - 1]);
    legend_add(m, 'f', "#999999", 0.3, label);
  }
  free(dates);
}

static size_t exposure_class(double d_m) {
  static const double edges[] = {5000, 10000, 20000, 40000};
  size_t k = 0;
  while (k < 4 && d_m >= edges[k]) k++;
  return k;
}

static void draw_routes(mapper *m, const fl_layer *l, const char *src, const char *date) {
  if (!l) return;
  static const double lo[] = {0, 5000, 10000, 20000, 40000}, hi[] = {5000, 10000, 20000, 40000, 1e9};
  int kd = fl_layer_field_index(l, "min_dist_to_front_m");
  int used[5] = {0};
  fl__rb_printf(m->b, "<g id=\"layer-routes\" class=\"layer\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
  /* Far ones first: the most exposed stay on top. */
  for (size_t pass = 5; pass-- > 0;)
    for (size_t i = 0; i < l->n_features; i++) {
      const fl_feature *f = &l->features[i];
      double d = fl__map_num(l, f, kd);
      if (!isfinite(d) || exposure_class(d) != pass || !fl__map_in_main(l, f, src, date)) continue;
      /* Within 20 km in the band colours; farther, grey context (pale yellows
       * vanish on the map's background). */
      char attrs[160];
      snprintf(attrs, sizeof attrs, "class=\"route\" stroke=\"%s\" stroke-width=\"%.1f\"",
               pass < 3 ? fl__style_band_colour(pass) : "#8c8c8c",
               pass == 0 ? 2.2 : pass < 3 ? 1.6 : 0.7);
      fl__map_path(m, f->geom, attrs);
      used[pass] = 1;
    }
  fl__rb_printf(m->b, "</g>\n");
  for (size_t k = 0; k < 3; k++)
    if (used[k]) {
      char label[64];
      km_label(label, sizeof label, lo[k], hi[k], "route, closest ");
      legend_add(m, 'l', fl__style_band_colour(k), 1, label);
    }
  if (used[3] || used[4]) legend_add(m, 'l', "#8c8c8c", 1, "route, 20 km or more away");
  (void)hi;
}

/* The side a control value stands for under the side map "a,b=X;c=Y", or
 * the value itself; copied into out. */
static const char *mapped_side(const char *map, const char *value, char *out, size_t n) {
  snprintf(out, n, "%s", value ? value : "");
  if (!map || !value) return out;
  size_t vlen = strlen(value);
  for (const char *p = map; *p;) {
    const char *end = strchr(p, ';'), *eq = strchr(p, '=');
    if (!end) end = p + strlen(p);
    if (eq && eq < end) {
      for (const char *v = p; v < eq;) {
        const char *comma = memchr(v, ',', (size_t)(eq - v));
        const char *ve = comma ? comma : eq;
        while (v < ve && *v == ' ') v++;
        if ((size_t)(ve - v) == vlen && !strncmp(v, value, vlen)) {
          snprintf(out, n, "%.*s", (int)(end - eq - 1), eq + 1);
          return out;
        }
        v = ve + (comma ? 1 : 0);
      }
    }
    p = *end ? end + 1 : end;
  }
  return out;
}

/* (M2): the control polygons of the claim shown, lightly shaded by side. */
static void draw_control(mapper *m, const fl__report_in *in, const char *src, const char *date) {
  const fl_layer *l = in->control;
  if (!l) return;
  const fl_options *o = in->opts;
  int ks = fl_layer_field_index(l, o && o->source_field ? o->source_field : "source");
  int kd = fl_layer_field_index(l, o && o->date_field ? o->date_field : "date");
  int kside = fl_layer_field_index(l, o && o->side_field ? o->side_field : "side");
  fl__rb_printf(m->b, "<g id=\"layer-control\" class=\"layer\" stroke=\"none\">\n");
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if ((ks >= 0 && src && !fl__map_same(fl__map_text(l, f, ks), src)) ||
        (kd >= 0 && date && !fl__map_same(fl__map_text(l, f, kd), date)))
      continue;
    char side[64], attrs[160], label[96];
    mapped_side(o ? o->side_map : NULL, fl__map_text(l, f, kside), side, sizeof side);
    const char *c = fl__style_side_colour(side, (size_t)-1);
    snprintf(attrs, sizeof attrs, "class=\"control\" fill=\"%s\" fill-opacity=\"0.16\" fill-rule=\"evenodd\"", c);
    fl__map_path(m, f->geom, attrs);
    snprintf(label, sizeof label, "ground held by %.60s", *side ? side : "unknown");
    legend_add(m, 'f', c, 0.16, label);
  }
  fl__rb_printf(m->b, "</g>\n");
}

typedef struct claim {
  const char *source, *date;
} claim;

static int claim_cmp(const void *a, const void *b) {
  const claim *x = a, *y = b;
  int c = strcmp(x->date ? x->date : "", y->date ? y->date : "");
  return c ? c : strcmp(x->source ? x->source : "", y->source ? y->source : "");
}

#define MAX_EARLIER 6

static const char *const source_colours[] = {FL_STYLE_FRONT, "#1a1a1a", "#6a3d9a", "#b15928"};

/* The distinct (source, date) claims of the fronts layer into c[*n] and its
 * distinct sources, in order of first appearance, into srcs[*ns]; an empty
 * source counts as none. */
static void collect_claims(const fl_layer *l, int ks, int kd, claim *c, size_t *n,
                           const char **srcs, size_t *ns) {
  *n = *ns = 0;
  for (size_t i = 0; i < l->n_features; i++) {
    claim k = {fl__map_text(l, &l->features[i], ks), fl__map_text(l, &l->features[i], kd)};
    if (k.source && !*k.source) k.source = NULL;
    size_t j = 0;
    while (j < *n && !(fl__map_same(c[j].source, k.source) && fl__map_same(c[j].date, k.date))) j++;
    if (j == *n) c[(*n)++] = k;
    j = 0;
    while (j < *ns && !fl__map_same(srcs[j], k.source)) j++;
    if (j == *ns) srcs[(*ns)++] = k.source;
  }
}

/* How many of the sorted claims c[0..n) share claim j's source (*count),
 * and how many of those come before it (*rank). */
static void claim_rank(const claim *c, size_t n, size_t j, size_t *rank, size_t *count) {
  *rank = *count = 0;
  for (size_t q = 0; q < n; q++)
    if (fl__map_same(c[q].source, c[j].source)) {
      (*count)++;
      if (q < j) (*rank)++;
    }
}

/* The style of one claim's fronts: its source's colour and dash, bold when
 * it is the source's latest. */
typedef struct front_style {
  const char *colour;
  double opacity;
  int latest, dashed;
} front_style;

/* Every feature of the fronts layer that belongs to claim k, as a path. */
static void draw_claim_paths(mapper *m, const fl_layer *l, int ks, int kd, const claim *k,
                             const front_style *st) {
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if (!fl__map_same(fl__map_text(l, f, ks), k->source) ||
        !fl__map_same(fl__map_text(l, f, kd), k->date))
      continue;
    char attrs[300];
    snprintf(attrs, sizeof attrs,
             "class=\"front%s\" stroke=\"%s\" stroke-opacity=\"%.2f\" "
             "stroke-width=\"%.1f\"%s",
             st->latest ? " latest" : "", st->colour, st->opacity,
             st->latest ? 2.8 : 1.1, st->dashed ? " stroke-dasharray=\"6 3\"" : "");
    fl__map_path(m, f->geom, attrs);
  }
}

/* The legend rows of a source's latest claim k: the front itself and,
 * when the source has count > 1 dates, its earlier fronts. */
static void legend_fronts(mapper *m, const claim *k, size_t count, const front_style *st) {
  char label[160];
  char shape = st->dashed ? 'd' : 'l';
  snprintf(label, sizeof label, "front %.40s%s%.20s", k->source ? k->source : "",
           k->source ? ", " : "", k->date ? k->date : "");
  legend_add(m, shape, st->colour, 1, label);
  if (count <= 1) return;
  size_t shown = count - 1 > MAX_EARLIER
                     ? (count - 2) / ((count - 1 + MAX_EARLIER - 1) / MAX_EARLIER) + 1
                     : count - 1;
  if (shown == count - 1)
    snprintf(label, sizeof label, "earlier fronts%s%.40s (%zu date%s)",
             k->source ? ", " : "", k->source ? k->source : "", shown,
             shown == 1 ? "" : "s");
  else
    snprintf(label, sizeof label, "earlier fronts%s%.40s (%zu of %zu dates)",
             k->source ? ", " : "", k->source ? k->source : "", shown, count - 1);
  legend_add(m, shape, st->colour, 0.35, label);
}

/* (M2): every front; per source, the latest bold, the older ones faint. */
static void draw_fronts(mapper *m, const fl_layer *l) {
  if (!l || !l->n_features) return;
  int ks = fl_layer_field_index(l, "source"), kd = fl_layer_field_index(l, "date");
  claim *c = malloc(l->n_features * sizeof *c);
  const char **srcs = malloc(l->n_features * sizeof *srcs);
  if (!c || !srcs) {
    free(c), free(srcs);
    m->b->oom = 1;
    return;
  }
  size_t n, ns;
  collect_claims(l, ks, kd, c, &n, srcs, &ns);
  qsort(c, n, sizeof *c, claim_cmp);
  fl__rb_printf(m->b, "<g id=\"layer-fronts\" class=\"layer\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n");
  for (size_t j = 0; j < n; j++) {
    size_t si = 0, rank, count;
    while (si < ns && !fl__map_same(srcs[si], c[j].source)) si++;
    claim_rank(c, n, j, &rank, &count);
    int latest = rank + 1 == count;
    /* At most MAX_EARLIER earlier fronts per source, evenly spread, the first kept. */
    if (!latest && count - 1 > MAX_EARLIER) {
      size_t step = (count - 1 + MAX_EARLIER - 1) / MAX_EARLIER;
      if (rank % step) continue;
    }
    front_style st = {source_colours[si % 4],
                      latest ? 1.0 : 0.2 + 0.45 * (double)rank / (double)(count > 1 ? count - 1 : 1),
                      latest, (int)(si % 2)};
    draw_claim_paths(m, l, ks, kd, &c[j], &st);
    if (latest) legend_fronts(m, &c[j], count, &st);
  }
  fl__rb_printf(m->b, "</g>\n");
  free(c);
  free(srcs);
}

typedef struct place {
  double px, py, rank;
  const char *name;
} place;

static int place_cmp(const void *a, const void *b) {
  const place *x = a, *y = b;
  return (x->rank < y->rank) - (x->rank > y->rank);
}

static const char *holder_colour(const char *side, const char *status, char *label, size_t n) {
  if (status && !strcmp(status, "contested")) {
    snprintf(label, n, "settlement contested");
    return FL_STYLE_CONTESTED;
  }
  if (!side || !*side || (status && !strcmp(status, "unknown"))) {
    snprintf(label, n, "settlement, holder unknown");
    return FL_STYLE_UNKNOWN;
  }
  snprintf(label, n, "settlement held by %.40s", side);
  return fl__style_side_colour(side, (size_t)-1);
}

/* (M4) */
static void draw_settlements(mapper *m, const fl_layer *l, const char *src, const char *date) {
  if (!l) return;
  int kside = fl_layer_field_index(l, "side"), kst = fl_layer_field_index(l, "status"),
      kname = fl_layer_field_index(l, "name"), kpop = fl_layer_field_index(l, "population"),
      kdist = fl_layer_field_index(l, "dist_to_front_m");
  place *p = malloc((l->n_features + 1) * sizeof *p);
  if (!p) {
    m->b->oom = 1;
    return;
  }
  size_t n = 0;
  fl__rb_printf(m->b, "<g id=\"layer-settlements\" class=\"layer\" stroke=\"#ffffff\" stroke-width=\"0.8\">\n");
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    double x, y;
    if (!fl__map_in_main(l, f, src, date) || !fl__map_point(m, f->geom, &x, &y)) continue;
    const char *side = fl__map_text(l, f, kside), *status = fl__map_text(l, f, kst);
    const char *name = fl__map_text(l, f, kname);
    char label[80];
    const char *c = holder_colour(side, status, label, sizeof label);
    legend_add(m, 'c', c, 1, label);
    fl__rb_printf(m->b, "<circle class=\"settlement\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.4\" fill=\"%s\" data-name=\"", x, y, c);
    fl__rb_text(m->b, name ? name : "");
    fl__rb_printf(m->b, "\" data-side=\"");
    fl__rb_text(m->b, status && !strcmp(status, "contested") ? "contested" : side ? side : "unknown");
    fl__rb_printf(m->b, "\"/>\n");
    double pop = fl__map_num(l, f, kpop), dist = fl__map_num(l, f, kdist);
    double rank = kpop >= 0 ? (isfinite(pop) ? pop : -1) : (isfinite(dist) ? -dist : -1e12);
    if (name && *name) p[n++] = (place){x, y, rank, name};
  }
  fl__rb_printf(m->b, "</g>\n");
  qsort(p, n, sizeof *p, place_cmp);
  fl__rb_printf(m->b, "<g id=\"layer-labels\" class=\"layer\" font-size=\"11\" fill=\"#111111\" "
                      "stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n");
  for (size_t i = 0; i < n && i < MAX_LABELS; i++) {
    fl__rb_printf(m->b, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\"%s>", p[i].px + 5, p[i].py - 4,
                  i < 3 ? " font-weight=\"bold\"" : "");
    fl__rb_text(m->b, p[i].name);
    fl__rb_printf(m->b, "</text>\n");
  }
  fl__rb_printf(m->b, "</g>\n");
  free(p);
}

void fl__map_layers(mapper *m, const fl__report_in *in) {
  const char *src, *date;
  fl__map_main_claim(in, &src, &date);
  snprintf(m->claim, sizeof m->claim, "%.100s%s%.20s", src ? src : "", src && date ? ", " : "",
           date ? date : "");
  draw_control(m, in, src, date);
  draw_bands(m, fl__report_layer(in, "bands"), src, date);
  draw_changes(m, fl__report_layer(in, "area_change"));
  draw_routes(m, fl__report_layer(in, "route_exposure"), src, date);
  draw_fronts(m, fl__report_layer(in, "frontline"));
  draw_settlements(m, fl__report_layer(in, "settlement_status"), src, date);
}

/* ---- Furniture ----------------------------------------------------------- */

static void scale_bar(mapper *m, int width, int height) {
  static const double nice[] = {0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
  double px_per_km = m->scale * 1000, km = nice[0];
  for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
    if (nice[i] * px_per_km <= width * 0.22) km = nice[i];
  double len = km * px_per_km, x = width - 24 - len, y = height - 30;
  fl__rb_printf(m->b, "<g id=\"scale-bar\" data-km=\"%g\" font-size=\"11\" fill=\"#111111\">\n"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"34\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"#111111\"/>\n"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"6\" fill=\"#ffffff\" stroke=\"#111111\" stroke-width=\"1\"/>\n"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">0</text>"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g km</text>\n</g>\n",
                km, x - 14, y - 16, len + 34, x, y, len / 2, x + len / 2, y, len / 2, x, y - 4,
                x + len, y - 4, km);
}

static void north_arrow(mapper *m, int width) {
  double x = width - 34, y = 22;
  fl__rb_printf(m->b, "<g id=\"north-arrow\" fill=\"#111111\" font-size=\"13\" font-weight=\"bold\">\n"
                      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"19\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n"
                      "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"/>\n"
                      "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">N</text>\n</g>\n",
                x, y + 10, x, y + 2, x + 7, y + 22, x, y + 17, x - 7, y + 22, x, y + 1);
}

static void legend(mapper *m, int height) {
  if (!m->n_legend) return;
  double row = 16, w = FL__LEGEND_W - 20, h = 28 + row * (double)m->n_legend, x = 10,
         y = height - 10 - h;
  fl__rb_printf(m->b, "<g id=\"legend\" font-size=\"11\" fill=\"#111111\">\n"
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#999999\" stroke-width=\"0.5\"/>\n"
                      "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">",
                x, y, w, h, x + 8, y + 16);
  fl__rb_text(m->b, m->claim[0] ? m->claim : "Legend");
  fl__rb_printf(m->b, "</text>\n");
  for (size_t i = 0; i < m->n_legend; i++) {
    const legend_item *it = &m->legend[i];
    double cy = y + 30 + row * (double)i;
    if (it->shape == 'f')
      fl__rb_printf(m->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"18\" height=\"10\" fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"#666666\" stroke-width=\"0.4\"/>", x + 8, cy - 6, it->colour, it->opacity);
    else if (it->shape == 'c')
      fl__rb_printf(m->b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"#ffffff\"/>", x + 17, cy - 1, it->colour);
    else
      fl__rb_printf(m->b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-opacity=\"%.2f\" stroke-width=\"2.4\"%s/>", x + 8, cy - 1, x + 26, cy - 1, it->colour, it->opacity, it->shape == 'd' ? " stroke-dasharray=\"5 2\"" : "");
    fl__rb_printf(m->b, "<text x=\"%.1f\" y=\"%.1f\">", x + 34, cy + 3);
    fl__rb_text(m->b, it->label);
    fl__rb_printf(m->b, "</text>\n");
  }
  fl__rb_printf(m->b, "</g>\n");
}

void fl__map_furniture(mapper *m, const fl__report_in *in, int width, int height) {
  (void)in;
  legend(m, height);
  scale_bar(m, width, height);
  north_arrow(m, width);
}
