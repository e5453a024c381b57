/*
 * render_png.c - libfrontline_render.so: an SVG document to PNG bytes
 * through librsvg and cairo (Debian's librsvg2 and cairo; no rasteriser of
 * our own). A module of its own, which the plugin library loads only when a
 * PNG map is asked for (plugin/abi/render.c): GLib, which librsvg brings,
 * is then never loaded into a run that draws no PNG, nor into mod_frontline.
 * Exports one symbol, fl_render_svg_png; statuses are fl_status values.
 * Not here: drawing the map (core/report/map.c).
 */
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontline/fl_ctx.h"

#define FL_RENDER_EXPORT __attribute__((visibility("default")))

typedef struct png_out {
  unsigned char *p;
  size_t n, cap;
  int oom;
} png_out;

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int len) {
  png_out *o = closure;
  if (o->n + len > o->cap) {
    size_t cap = o->cap ? o->cap : 65536;
    while (cap < o->n + len) cap *= 2;
    unsigned char *p = realloc(o->p, cap);
    if (!p) {
      o->oom = 1;
      return CAIRO_STATUS_NO_MEMORY;
    }
    o->p = p;
    o->cap = cap;
  }
  memcpy(o->p + o->n, data, len);
  o->n += len;
  return CAIRO_STATUS_SUCCESS;
}

/* See plugin/abi/render.c. *png is malloc()ed: the caller frees it with
 * fl_render_free() (memory does not cross a library boundary otherwise). */
FL_RENDER_EXPORT int fl_render_svg_png(const char *svg, size_t n, double scale,
                                       unsigned char **png, size_t *png_n, char *errbuf,
                                       size_t errlen);
FL_RENDER_EXPORT void fl_render_free(void *p);

void fl_render_free(void *p) { free(p); }

int fl_render_svg_png(const char *svg, size_t n, double scale, unsigned char **png,
                      size_t *png_n, char *errbuf, size_t errlen) {
  GError *err = NULL;
  *png = NULL;
  *png_n = 0;
  RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, n, &err);
  if (!h) {
    snprintf(errbuf, errlen, "the map could not be read back for rendering (%s)",
             err ? err->message : "librsvg failed");
    if (err) g_error_free(err);
    return FL_E_IO;
  }
  gdouble w = 0, hgt = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hgt) || w <= 0 || hgt <= 0) {
    g_object_unref(h);
    snprintf(errbuf, errlen, "the map has no size in pixels");
    return FL_E_IO;
  }
  int pw = (int)(w * scale + 0.5), ph = (int)(hgt * scale + 0.5);
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  RsvgRectangle vp = {0, 0, pw, ph};
  fl_status st = FL_OK;
  if (!rsvg_handle_render_document(h, cr, &vp, &err)) {
    snprintf(errbuf, errlen, "rendering the map failed (%s)", err ? err->message : "librsvg");
    if (err) g_error_free(err);
    st = FL_E_IO;
  }
  cairo_destroy(cr);
  png_out o = {0};
  if (!st && cairo_surface_write_to_png_stream(s, append, &o) != CAIRO_STATUS_SUCCESS) {
    snprintf(errbuf, errlen, o.oom ? "out of memory encoding the map as PNG"
                                   : "encoding the map as PNG failed");
    st = o.oom ? FL_E_NOMEM : FL_E_IO;
  }
  cairo_surface_destroy(s);
  g_object_unref(h);
  if (st) {
    free(o.p);
    return st;
  }
  *png = o.p;
  *png_n = o.n;
  return FL_OK;
}
