/*
 * fl_report.h - the HTML report and the map of a run (core/report/): what
 * the plugin's tools (analyze, change) call to turn result layers into a
 * page a person reads, or a picture. Internal: fl__ names, not part of the
 * public API. Ownership as in STYLE.md 5.6.
 */
#ifndef FL_REPORT_H
#define FL_REPORT_H

#include <stddef.h>
#include "frontline/frontline.h"

/* A growing text buffer. Numbers are printed in the "C" locale whatever
 * the host's LC_NUMERIC (QGIS may set one with a decimal comma). */
typedef struct fl__rbuf {
  char *p;    /* owned; NUL-terminated when n > 0 */
  size_t n;   /* bytes used */
  size_t cap;
  int oom;    /* an append failed: the text is incomplete */
} fl__rbuf;

void fl__rb_printf(fl__rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s escaped for HTML/XML text and attributes (& < > " '). */
void fl__rb_text(fl__rbuf *b, const char *s);
void fl__rb_free(fl__rbuf *b);

/* What a report is made of; every pointer borrowed. */
typedef struct fl__report_in {
  const char *tool;                 /* "analyze" or "change" */
  const fl_layer *const *layers;    /* the run's result layers, found by name */
  size_t n_layers;
  const char *const *inputs;        /* "role: data-source" lines, or NULL */
  size_t n_inputs;
  const char *text_report;          /* analyze's plain-text report, or NULL */
  const fl_layer *control;          /* the control polygons, shaded under the map, or NULL */
  const fl_options *opts;           /* their field names and side map (NULL: defaults) */
} fl__report_in;

/* The result layer called name, or NULL. */
const fl_layer *fl__report_layer(const fl__report_in *in, const char *name);

/*
 * The map as SVG (map.c): the fronts per source and date, bands, settlements
 * by holder (the largest labelled), routes by exposure or the changed
 * ground, with scale bar, north arrow and legend, in an azimuthal
 * equidistant projection centred on the area.
 * @param standalone  nonzero: a complete SVG file (XML declaration, white
 *                    background); zero: an <svg> element for the HTML page.
 * @return FL_OK, FL_E_PROJ, FL_E_GEOS, FL_E_NOMEM; FL_E_GEOM when no layer
 *         has anything to draw.
 */
fl_status fl__report_map(fl_ctx *ctx, const fl__report_in *in, int width_px, int height_px,
                         int standalone, fl__rbuf *out);

/* The whole HTML page (html.c). @param out [out] owned by caller, free(). */
fl_status fl__report_html(fl_ctx *ctx, const fl__report_in *in, char **out);

/* SVG charts (charts.c), appended to b. */
typedef struct fl__series {
  const char *name;                 /* legend text (a side) */
  const char *colour;               /* "#rrggbb" */
  const double *values;             /* [n_x]; NAN: no value */
} fl__series;
/* Grouped bars: one group per x label, one bar per series. */
void fl__chart_bars(fl__rbuf *b, const char *title, const char *unit,
                    const char *const *x_labels, size_t n_x, const fl__series *s, size_t n_s);
/* Lines with points, x evenly spaced. */
void fl__chart_lines(fl__rbuf *b, const char *title, const char *unit,
                     const char *const *x_labels, size_t n_x, const fl__series *s, size_t n_s);

#endif
