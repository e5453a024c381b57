/*
 * map_internal.h - what map.c (projection, geometry to SVG) and
 * map_layers.c (the layers, legend, scale bar, north arrow) share.
 */
#ifndef FL_MAP_INTERNAL_H
#define FL_MAP_INTERNAL_H

#include <proj.h>
#include "fl_internal.h"
#include "fl_report.h"

#define MAX_LABELS 12

typedef struct legend_item {
  char shape;               /* 'f' fill, 'l' line, 'd' dashed line, 'c' circle */
  char colour[8];           /* "#rrggbb" */
  double opacity;
  char label[64];
} legend_item;

#define MAX_LEGEND 24
/* Width (px) of the legend column at the map's left. */
#define FL__LEGEND_W 270

typedef struct mapper {
  fl_ctx *ctx;
  GEOSContextHandle_t h;
  PJ *to_map;               /* layer CRS -> aeqd metres */
  double x0, y0, scale;     /* map metres -> px: (x - x0) * scale, (y0 - y) * scale */
  double ox, oy;            /* px offset of the drawing area */
  fl__rbuf *b;
  legend_item legend[MAX_LEGEND];
  size_t n_legend;
  char claim[160];          /* the main claim, for the legend title: "source, date" */
} mapper;


const char *fl__map_text(const fl_layer *l, const fl_feature *f, int k);
double fl__map_num(const fl_layer *l, const fl_feature *f, int k);
int fl__map_same(const char *a, const char *b);
/* (M2) */
void fl__map_main_claim(const fl__report_in *in, const char **source, const char **date);
int fl__map_in_main(const fl_layer *l, const fl_feature *f, const char *source, const char *date);
/* Map metres to px. */
void fl__map_pt(mapper *m, double x, double y, double *px, double *py);
/* g (layer CRS, borrowed) as one <path attrs d="..."/>. */
void fl__map_path(mapper *m, const GEOSGeometry *g, const char *attrs);
/* A point (or a point on the surface of g) in px; 0 when it cannot be placed. */
int fl__map_point(mapper *m, const GEOSGeometry *g, double *px, double *py);

/* map_layers.c: the layers in drawing order, then the furniture. */
void fl__map_layers(mapper *m, const fl__report_in *in);
void fl__map_furniture(mapper *m, const fl__report_in *in, int width, int height);

#endif
