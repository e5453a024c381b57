/*
 * map.c - the map of a run as SVG, for the HTML report and --map.
 *
 * Rules:
 *   (M1) the projection is azimuthal equidistant (PROJ's aeqd, WGS84) centred
 *        on the centre of what is drawn, so distances from the centre are
 *        true and the scale bar holds across an area of interest of a few
 *        hundred km; north is up at the centre;
 *   (M2) one "main" claim is drawn in full (bands, settlements, routes): the
 *        latest date of the first source (sources in byte order); the fronts
 *        of every source and date are drawn, the latest bold, the earlier
 *        ones fainter the older they are;
 *   (M3) geometries are simplified to a quarter pixel (GEOS topology-
 *        preserving) so that a real series stays a small file;
 *   (M4) settlements are labelled by population (the 12 largest), or, with
 *        no population field, the 12 nearest the front;
 *   (M5) every layer is a <g id="layer-..."> so that tests and style sheets
 *        find it; colours come from fl_style.h.
 * Not here: the HTML page (html.c), PNG rendering (plugin/render/render_png.c).
 */
#include <math.h>
#include <proj.h>
#include <stdlib.h>
#include <string.h>

#include "fl_internal.h"
#include "fl_report.h"
#include "fl_style.h"
#include "map_internal.h"

const char *fl__map_text(const fl_layer *l, const fl_feature *f, int k) {
  if (k < 0 || !fl__field_holds_text(l, k) || f->values[k].is_null) return NULL;
  return f->values[k].s;
}

double fl__map_num(const fl_layer *l, const fl_feature *f, int k) {
  if (k < 0 || f->values[k].is_null) return NAN;
  if (l->fields[k].type == FL_FIELD_INTEGER) return (double)f->values[k].i;
  if (l->fields[k].type == FL_FIELD_REAL) return f->values[k].d;
  return NAN;
}

/* Equal texts; NULL and "" are the same (no source). */
int fl__map_same(const char *a, const char *b) {
  if (a && !*a) a = NULL;
  if (b && !*b) b = NULL;
  return (!a && !b) || (a && b && !strcmp(a, b));
}

/* (M2): the main claim's source and date, from the first layer that has them. */
void fl__map_main_claim(const fl__report_in *in, const char **source, const char **date) {
  static const char *const names[] = {"settlement_status", "bands", "route_exposure",
                                      "frontline"};
  *source = *date = NULL;
  for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
    const fl_layer *l = fl__report_layer(in, names[n]);
    if (!l || !l->n_features) continue;
    int ks = fl_layer_field_index(l, "source"), kd = fl_layer_field_index(l, "date");
    for (size_t i = 0; i < l->n_features; i++) {
      const char *d = fl__map_text(l, &l->features[i], kd), *s = fl__map_text(l, &l->features[i], ks);
      if (s && !*s) s = NULL;
      if (!*date || (d && strcmp(d, *date) > 0) ||
          (fl__map_same(d, *date) && s && (!*source || strcmp(s, *source) < 0))) {
        *date = d;
        *source = s;
      }
    }
    return;
  }
}

int fl__map_in_main(const fl_layer *l, const fl_feature *f, const char *source, const char *date) {
  int ks = fl_layer_field_index(l, "source"), kd = fl_layer_field_index(l, "date");
  return (ks < 0 || fl__map_same(fl__map_text(l, f, ks), source)) && (kd < 0 || fl__map_same(fl__map_text(l, f, kd), date));
}

/* ---- Projection (M1) ---------------------------------------------------- */

static int fwd(double *x, double *y, void *user) {
  PJ_COORD c = proj_coord(*x, *y, 0, 0);
  c = proj_trans((PJ *)user, PJ_FWD, c);
  if (!isfinite(c.xy.x) || !isfinite(c.xy.y)) return 0;
  *x = c.xy.x;
  *y = c.xy.y;
  return 1;
}

static PJ *transformer(fl_ctx *ctx, int srid, const char *to) {
  PJ_CONTEXT *pc = fl_ctx_proj(ctx);
  char from[32];
  snprintf(from, sizeof from, "EPSG:%d", srid > 0 ? srid : 4326);
  PJ *p = proj_create_crs_to_crs(pc, from, to, NULL);
  if (!p) return NULL;
  PJ *n = proj_normalize_for_visualization(pc, p);
  proj_destroy(p);
  return n;
}

/* Centre (lon, lat) of the drawn layers' extent. */
static fl_status centre_of(mapper *m, const fl__report_in *in, int *srid, double *lon,
                           double *lat) {
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  for (size_t k = 0; k < in->n_layers; k++) {
    const fl_layer *l = in->layers[k];
    if (!strcmp(l->name, "nearest_route")) continue;
    for (size_t i = 0; i < l->n_features; i++) {
      const GEOSGeometry *g = l->features[i].geom;
      double a, b, c, d;
      if (!g || GEOSisEmpty_r(m->h, g)) continue;
      if (!GEOSGeom_getXMin_r(m->h, g, &a) || !GEOSGeom_getYMin_r(m->h, g, &b) ||
          !GEOSGeom_getXMax_r(m->h, g, &c) || !GEOSGeom_getYMax_r(m->h, g, &d))
        continue;
      *srid = l->srid;
      x0 = fmin(x0, a), y0 = fmin(y0, b), x1 = fmax(x1, c), y1 = fmax(y1, d);
    }
  }
  if (!isfinite(x0)) return fl__fail(m->ctx, FL_E_GEOM, "the map has nothing to draw: every result layer is empty");
  PJ *ll = transformer(m->ctx, *srid, "EPSG:4326");
  if (!ll) return fl__fail(m->ctx, FL_E_PROJ, "no transformation from EPSG:%d to longitude and latitude for the map", *srid);
  double x = (x0 + x1) / 2, y = (y0 + y1) / 2;
  int ok = fwd(&x, &y, ll);
  proj_destroy(ll);
  if (!ok) return fl__fail(m->ctx, FL_E_PROJ, "the centre of the map cannot be given in longitude and latitude");
  *lon = x;
  *lat = y;
  return FL_OK;
}

/* ---- Drawing -------------------------------------------------------------- */

void fl__map_pt(mapper *m, double x, double y, double *px, double *py) {
  *px = m->ox + (x - m->x0) * m->scale;
  *py = m->oy + (m->y0 - y) * m->scale;
}

static void path_seq(mapper *m, const GEOSGeometry *line, int close) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(m->h, line);
  unsigned n = 0;
  if (!cs || !GEOSCoordSeq_getSize_r(m->h, cs, &n) || n == 0) return;
  for (unsigned i = 0; i < n; i++) {
    double x, y, px, py;
    GEOSCoordSeq_getXY_r(m->h, cs, i, &x, &y);
    fl__map_pt(m, x, y, &px, &py);
    fl__rb_printf(m->b, "%c%.1f %.1f", i ? 'L' : 'M', px, py);
  }
  if (close) fl__rb_printf(m->b, "Z");
}

static void path_of(mapper *m, const GEOSGeometry *g) {
  int t = GEOSGeomTypeId_r(m->h, g);
  if (t == GEOS_POLYGON) {
    path_seq(m, GEOSGetExteriorRing_r(m->h, g), 1);
    int nr = GEOSGetNumInteriorRings_r(m->h, g);
    for (int r = 0; r < nr; r++) path_seq(m, GEOSGetInteriorRingN_r(m->h, g, r), 1);
  } else if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
    path_seq(m, g, 0);
  } else if (t >= GEOS_MULTIPOINT) {
    int n = GEOSGetNumGeometries_r(m->h, g);
    for (int i = 0; i < n; i++) path_of(m, GEOSGetGeometryN_r(m->h, g, i));
  }
}

/* g in map metres, simplified (M3); owned by caller. */
static GEOSGeometry *to_map(mapper *m, const GEOSGeometry *g) {
  GEOSGeometry *p = GEOSGeom_transformXY_r(m->h, g, fwd, m->to_map);
  if (!p || m->scale <= 0) return p;
  int t = GEOSGeomTypeId_r(m->h, p);
  if (t == GEOS_POINT || t == GEOS_MULTIPOINT) return p;
  GEOSGeometry *s = GEOSTopologyPreserveSimplify_r(m->h, p, 0.25 / m->scale);
  if (!s) return p;
  GEOSGeom_destroy_r(m->h, p);
  return s;
}

/* One feature as <path> with the given style attributes. */
void fl__map_path(mapper *m, const GEOSGeometry *g, const char *attrs) {
  if (!g || GEOSisEmpty_r(m->h, g)) return;
  GEOSGeometry *p = to_map(m, g);
  if (!p) return;
  fl__rb_printf(m->b, "<path %s d=\"", attrs);
  path_of(m, p);
  fl__rb_printf(m->b, "\"/>\n");
  GEOSGeom_destroy_r(m->h, p);
}

int fl__map_point(mapper *m, const GEOSGeometry *g, double *px, double *py) {
  if (!g || GEOSisEmpty_r(m->h, g)) return 0;
  GEOSGeometry *c = GEOSGeomTypeId_r(m->h, g) == GEOS_POINT ? NULL : GEOSPointOnSurface_r(m->h, g);
  const GEOSGeometry *p = c ? c : g;
  double x, y;
  int ok = GEOSGeomGetX_r(m->h, p, &x) && GEOSGeomGetY_r(m->h, p, &y);
  if (c) GEOSGeom_destroy_r(m->h, c);
  if (!ok) return 0;
  if (!fwd(&x, &y, m->to_map)) return 0;
  fl__map_pt(m, x, y, px, py);
  return 1;
}


/* Extent in map metres of every drawn layer (corners and edge midpoints of
 * each feature's envelope, projected). */
static int map_extent(mapper *m, const fl__report_in *in, double e[4]) {
  e[0] = e[1] = INFINITY;
  e[2] = e[3] = -INFINITY;
  for (size_t k = 0; k < in->n_layers; k++) {
    const fl_layer *l = in->layers[k];
    if (!strcmp(l->name, "nearest_route")) continue;
    for (size_t i = 0; i < l->n_features; i++) {
      const GEOSGeometry *g = l->features[i].geom;
      double a, b, c, d;
      if (!g || GEOSisEmpty_r(m->h, g) || !GEOSGeom_getXMin_r(m->h, g, &a) ||
          !GEOSGeom_getYMin_r(m->h, g, &b) || !GEOSGeom_getXMax_r(m->h, g, &c) ||
          !GEOSGeom_getYMax_r(m->h, g, &d))
        continue;
      double xs[3] = {a, (a + c) / 2, c}, ys[3] = {b, (b + d) / 2, d};
      for (int u = 0; u < 3; u++)
        for (int v = 0; v < 3; v++) {
          double x = xs[u], y = ys[v];
          if (!fwd(&x, &y, m->to_map)) continue;
          e[0] = fmin(e[0], x), e[1] = fmin(e[1], y), e[2] = fmax(e[2], x), e[3] = fmax(e[3], y);
        }
    }
  }
  return isfinite(e[0]) && e[2] >= e[0];
}

fl_status fl__report_map(fl_ctx *ctx, const fl__report_in *in, int width, int height,
                         int standalone, fl__rbuf *out) {
  mapper m = {.ctx = ctx, .h = fl_ctx_geos(ctx), .b = out};
  int srid = 4326;
  double lon = 0, lat = 0, e[4];
  fl_status st = centre_of(&m, in, &srid, &lon, &lat);
  if (st) return st;
  char aeqd[160]; /* (M1) */
  snprintf(aeqd, sizeof aeqd, "+proj=aeqd +lat_0=%.6f +lon_0=%.6f +datum=WGS84 +units=m +type=crs",
           lat, lon);
  for (char *c = aeqd; *c; c++)
    if (*c == ',') *c = '.'; /* a host's decimal comma */
  m.to_map = transformer(ctx, srid, aeqd);
  if (!m.to_map)
    return fl__fail(ctx, FL_E_PROJ, "no transformation from EPSG:%d to the map's projection", srid);
  if (!map_extent(&m, in, e)) {
    proj_destroy(m.to_map);
    return fl__fail(ctx, FL_E_PROJ, "the layers cannot be placed on the map");
  }
  double pad = 12, left = FL__LEGEND_W, w = width - left - pad, h = height - 2 * pad;
  double dx = fmax(e[2] - e[0], 1), dy = fmax(e[3] - e[1], 1);
  m.scale = fmin(w / dx, h / dy);
  m.x0 = e[0];
  m.y0 = e[3];
  m.ox = left + (w - dx * m.scale) / 2;
  m.oy = pad + (h - dy * m.scale) / 2;
  if (standalone) fl__rb_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fl__rb_printf(out,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"map\" class=\"map\" "
                "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                "data-projection=\"",
                width, height, width, height);
  fl__rb_text(out, aeqd);
  /* px = ox + (x - x0) * scale, py = oy + (y0 - y) * scale, x and y in the
   * projection's metres: for tests and for anyone placing marks on the map. */
  fl__rb_printf(out, "\" data-scale-px-per-km=\"%.4f\" data-affine=\"%.6f %.6f %.9f %.3f %.3f\">\n",
                m.scale * 1000, m.ox, m.oy, m.scale, m.x0, m.y0);
  fl__rb_printf(out, "<rect id=\"map-background\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
                     "fill=\"#f4f1ea\"/>\n",
                width, height);
  fl__map_layers(&m, in);
  fl__map_furniture(&m, in, width, height);
  fl__rb_printf(out, "</svg>\n");
  proj_destroy(m.to_map);
  if (out->oom) return fl__fail(ctx, FL_E_NOMEM, "out of memory drawing the map");
  return FL_OK;
}
