/*
 * charts.c - small SVG charts for the HTML report: grouped bars (km² gained
 * per period, band areas) and lines (km² held per side over time). Each
 * bar is a <rect class="bar"> with data-series, data-x and data-value, and a
 * <title> a browser shows on hover; values that are NaN are left out.
 * Not here: which numbers are charted (html.c).
 */
#include <math.h>
#include <string.h>

#include "fl_report.h"

#define W 490.0
#define H 280.0
#define L 64.0  /* left margin: the axis labels */
#define R 16.0
#define T 34.0
#define B 64.0  /* bottom margin: the x labels */

static double nice_step(double max) {
  double raw = max / 5, p = pow(10, floor(log10(raw > 0 ? raw : 1)));
  double m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

/* The y axis: a round step, and the top and bottom it reaches. */
static void axis(double lo, double hi, double *top, double *bot, double *step) {
  double span = fmax(fabs(hi), fabs(lo));
  *step = nice_step(span > 0 ? span : 1);
  *top = ceil(hi / *step) * *step;
  *bot = lo < 0 ? floor(lo / *step) * *step : 0;
  if (*top <= *bot) *top = *bot + *step;
}

/* Frame, title and y axis with grid lines. */
static void frame(fl__rbuf *b, const char *title, const char *unit, double top, double bot,
                  double step, const char *kind) {
  double mid = T + (H - T - B) / 2;
  fl__rb_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" width=\"%g\" "
                   "height=\"%g\" viewBox=\"0 0 %g %g\" font-size=\"11\" "
                   "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
                kind, W, H, W, H);
  fl__rb_printf(b, "<text class=\"chart-title\" x=\"%g\" y=\"18\" font-size=\"13\" font-weight=\"bold\">", L);
  fl__rb_text(b, title);
  fl__rb_printf(b, "</text>\n<text x=\"12\" y=\"%g\" transform=\"rotate(-90 12 %g)\" text-anchor=\"middle\">", mid, mid);
  fl__rb_text(b, unit);
  fl__rb_printf(b, "</text>\n");
  for (double v = bot; v <= top + step / 2; v += step) {
    double y = T + (H - T - B) * (top - v) / (top - bot);
    fl__rb_printf(b, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
                     "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                  L, W - R, y, y, fabs(v) < step / 2 ? "#444444" : "#dddddd", L - 6, y + 4, v);
  }
}

static void x_label(fl__rbuf *b, double x, const char *s, size_t n_x) {
  if (n_x > 8)
    fl__rb_printf(b, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"end\" transform=\"rotate(-45 %.1f %g)\">", x, H - B + 14, x, H - B + 14);
  else
    fl__rb_printf(b, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">", x, H - B + 16);
  fl__rb_text(b, s);
  fl__rb_printf(b, "</text>\n");
}

static void legend(fl__rbuf *b, const fl__series *s, size_t n_s) {
  double x = W - R;
  for (size_t k = n_s; k-- > 0;) {
    double w = 22 + 7.0 * (double)strlen(s[k].name);
    x -= w;
    fl__rb_printf(b, "<rect x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%.1f\" y=\"18\">", x, s[k].colour, x + 16);
    fl__rb_text(b, s[k].name);
    fl__rb_printf(b, "</text>\n");
  }
}

static void range_of(const fl__series *s, size_t n_s, size_t n_x, double *lo, double *hi) {
  *lo = 0, *hi = 0;
  for (size_t k = 0; k < n_s; k++)
    for (size_t i = 0; i < n_x; i++)
      if (isfinite(s[k].values[i])) *lo = fmin(*lo, s[k].values[i]), *hi = fmax(*hi, s[k].values[i]);
}

void fl__chart_bars(fl__rbuf *b, const char *title, const char *unit,
                    const char *const *x_labels, size_t n_x, const fl__series *s, size_t n_s) {
  double lo, hi, top, bot, step;
  range_of(s, n_s, n_x, &lo, &hi);
  axis(lo, hi, &top, &bot, &step);
  frame(b, title, unit, top, bot, step, "bars");
  legend(b, s, n_s);
  double gw = (W - L - R) / (double)(n_x ? n_x : 1), bw = gw * 0.8 / (double)(n_s ? n_s : 1);
  double ph = H - T - B;
  for (size_t i = 0; i < n_x; i++) {
    double gx = L + gw * (double)i + gw * 0.1;
    for (size_t k = 0; k < n_s; k++) {
      double v = s[k].values[i];
      if (!isfinite(v)) continue;
      double y0 = T + ph * (top - fmax(v, 0)) / (top - bot), y1 = T + ph * (top - fmin(v, 0)) / (top - bot);
      fl__rb_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" data-series=\"",
                    gx + bw * (double)k, y0, fmax(bw - 1, 1), fmax(y1 - y0, 0.5), s[k].colour);
      fl__rb_text(b, s[k].name);
      fl__rb_printf(b, "\" data-x=\"");
      fl__rb_text(b, x_labels[i]);
      fl__rb_printf(b, "\" data-value=\"%.3f\"><title>", v);
      fl__rb_text(b, s[k].name);
      fl__rb_printf(b, ", ");
      fl__rb_text(b, x_labels[i]);
      fl__rb_printf(b, ": %.2f ", v);
      fl__rb_text(b, unit);
      fl__rb_printf(b, "</title></rect>\n");
    }
    x_label(b, L + gw * ((double)i + 0.5), x_labels[i], n_x);
  }
  fl__rb_printf(b, "</svg>\n");
}

void fl__chart_lines(fl__rbuf *b, const char *title, const char *unit,
                     const char *const *x_labels, size_t n_x, const fl__series *s, size_t n_s) {
  double lo, hi, top, bot, step;
  range_of(s, n_s, n_x, &lo, &hi);
  axis(lo, hi, &top, &bot, &step);
  frame(b, title, unit, top, bot, step, "lines");
  legend(b, s, n_s);
  double gw = (W - L - R) / (double)(n_x ? n_x : 1), ph = H - T - B;
  size_t every = n_x > 16 ? (n_x + 15) / 16 : 1;
  for (size_t i = 0; i < n_x; i += every) x_label(b, L + gw * ((double)i + 0.5), x_labels[i], n_x);
  for (size_t k = 0; k < n_s; k++) {
    fl__rb_printf(b, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", s[k].colour);
    for (size_t i = 0; i < n_x; i++)
      if (isfinite(s[k].values[i]))
        fl__rb_printf(b, "%.1f,%.1f ", L + gw * ((double)i + 0.5), T + ph * (top - s[k].values[i]) / (top - bot));
    fl__rb_printf(b, "\"/>\n");
    for (size_t i = 0; i < n_x; i++) {
      if (!isfinite(s[k].values[i])) continue;
      fl__rb_printf(b, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>",
                    L + gw * ((double)i + 0.5), T + ph * (top - s[k].values[i]) / (top - bot), s[k].colour);
      fl__rb_text(b, s[k].name);
      fl__rb_printf(b, ", ");
      fl__rb_text(b, x_labels[i]);
      fl__rb_printf(b, ": %.1f ", s[k].values[i]);
      fl__rb_text(b, unit);
      fl__rb_printf(b, "</title></circle>\n");
    }
  }
  fl__rb_printf(b, "</svg>\n");
}
