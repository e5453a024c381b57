/*
 * geojson_write.c - write a layer as GeoJSON (RFC 7946): one
 * FeatureCollection with a "name" member, coordinates in lon/lat (layers in
 * another CRS go through fl_geom_to_lonlat(); SRID 0 is taken as lon/lat,
 * with a warning), at most 9 decimals (1e-9 degree, about 0.1 mm), exterior
 * rings counterclockwise and holes clockwise, properties in field order with
 * JSON escaping. Not here: the temporary file (source.c); reading
 * (geojson.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_io_internal.h"

typedef struct writer {
  fl_ctx *ctx;
  GEOSContextHandle_t h;
  fl__sbuf sb;          /* the output, flushed to the file every so often */
  FILE *f;
  double *buf;
  size_t cap;
} writer;

static void flush_if_big(writer *w, int force) {
  if (w->sb.n && (force || w->sb.n > (1u << 20))) {
    if (fwrite(w->sb.p, 1, w->sb.n, w->f) != w->sb.n) w->sb.oom = 2;
    w->sb.n = 0;
  }
}

/* A coordinate: at most 9 decimals, trailing zeros dropped, never "-0". */
static void put_coord(writer *w, double v) {
  char b[48];
  int n = snprintf(b, sizeof b, "%.9f", v);
  if (n <= 0 || n >= (int)sizeof b) n = snprintf(b, sizeof b, "%.17g", v);
  else {
    while (n > 1 && b[n - 1] == '0') n--;
    if (b[n - 1] == '.') n--;
    b[n] = '\0';
    if (strcmp(b, "-0") == 0) b[0] = '0', b[1] = '\0', n = 1;
  }
  fl__sb_put(&w->sb, b, (size_t)n);
}

/* Copy a sequence into w->buf (x,y or x,y,z); *n gets its size. */
static fl_status load_seq(writer *w, const GEOSCoordSequence *s, int has_z, unsigned *n) {
  if (!s || !GEOSCoordSeq_getSize_r(w->h, s, n)) return fl__fail_geos(w->ctx, "reading coordinates");
  if ((size_t)*n * 3 > w->cap) {
    size_t cap = (size_t)*n * 3;
    double *b = realloc(w->buf, cap * sizeof *b);
    if (!b) return fl__fail(w->ctx, FL_E_NOMEM, "out of memory writing GeoJSON");
    w->buf = b;
    w->cap = cap;
  }
  if (*n && !GEOSCoordSeq_copyToBuffer_r(w->h, s, w->buf, has_z, 0))
    return fl__fail_geos(w->ctx, "reading coordinates");
  return FL_OK;
}

static fl_status put_position(writer *w, const double *c, int has_z) {
  if (!isfinite(c[0]) || !isfinite(c[1]))
    return fl__fail(w->ctx, FL_E_GEOM, "a coordinate is not a finite number");
  fl__sb_put(&w->sb, "[", 1);
  put_coord(w, c[0]);
  fl__sb_put(&w->sb, ",", 1);
  put_coord(w, c[1]);
  if (has_z && isfinite(c[2])) {
    fl__sb_put(&w->sb, ",", 1);
    put_coord(w, c[2]);
  }
  fl__sb_put(&w->sb, "]", 1);
  return FL_OK;
}

/* Positions of a sequence. ring_role 1: exterior ring, written counterclockwise;
 * 2: hole, written clockwise (RFC 7946 section 3.1.6); 0: as it is. */
static fl_status put_seq(writer *w, const GEOSCoordSequence *s, int has_z, int ring_role) {
  unsigned n = 0;
  fl_status st = load_seq(w, s, has_z, &n);
  if (st) return st;
  int dims = has_z ? 3 : 2, reverse = 0;
  if (ring_role && n >= 3) {
    double a = 0; /* twice the signed area: > 0 counterclockwise */
    for (unsigned i = 0; i + 1 < n; i++)
      a += w->buf[dims * i] * w->buf[dims * (i + 1) + 1] -
           w->buf[dims * (i + 1)] * w->buf[dims * i + 1];
    reverse = ring_role == 1 ? a < 0 : a > 0;
  }
  fl__sb_put(&w->sb, "[", 1);
  for (unsigned k = 0; k < n && !st; k++) {
    unsigned i = reverse ? n - 1 - k : k;
    if (k) fl__sb_put(&w->sb, ",", 1);
    st = put_position(w, w->buf + (size_t)dims * i, has_z);
  }
  fl__sb_put(&w->sb, "]", 1);
  return st;
}

static fl_status put_polygon_rings(writer *w, const GEOSGeometry *g, int has_z) {
  if (GEOSisEmpty_r(w->h, g) == 1) {
    fl__sb_str(&w->sb, "[]");
    return FL_OK;
  }
  int nh = GEOSGetNumInteriorRings_r(w->h, g);
  fl__sb_put(&w->sb, "[", 1);
  fl_status st = put_seq(w, GEOSGeom_getCoordSeq_r(w->h, GEOSGetExteriorRing_r(w->h, g)), has_z, 1);
  for (int i = 0; i < nh && !st; i++) {
    fl__sb_put(&w->sb, ",", 1);
    st = put_seq(w, GEOSGeom_getCoordSeq_r(w->h, GEOSGetInteriorRingN_r(w->h, g, i)), has_z, 2);
  }
  fl__sb_put(&w->sb, "]", 1);
  return st;
}

/* Coordinates of a single (non-collection) geometry. */
static fl_status put_coords(writer *w, const GEOSGeometry *g, int has_z) {
  switch (GEOSGeomTypeId_r(w->h, g)) {
  case GEOS_POINT: {
    unsigned n = 0;
    if (GEOSisEmpty_r(w->h, g) == 1) {
      fl__sb_str(&w->sb, "[]");
      return FL_OK;
    }
    fl_status st = load_seq(w, GEOSGeom_getCoordSeq_r(w->h, g), has_z, &n);
    return st ? st : put_position(w, w->buf, has_z);
  }
  case GEOS_LINESTRING:
  case GEOS_LINEARRING:
    return put_seq(w, GEOSGeom_getCoordSeq_r(w->h, g), has_z, 0);
  default:
    return put_polygon_rings(w, g, has_z);
  }
}

static fl_status put_geometry(writer *w, const GEOSGeometry *g, int depth) {
  static const char *const names[] = {"Point",        "LineString",      "LineString",
                                      "Polygon",      "MultiPoint",      "MultiLineString",
                                      "MultiPolygon", "GeometryCollection"};
  int t = GEOSGeomTypeId_r(w->h, g);
  if (t < 0 || t > 7) return fl__fail_geos(w->ctx, "reading a geometry type");
  int has_z = GEOSHasZ_r(w->h, g) == 1;
  fl_status st = FL_OK;
  fl__sb_str(&w->sb, "{\"type\":\"");
  fl__sb_str(&w->sb, names[t]);
  if (t == GEOS_GEOMETRYCOLLECTION) {
    if (depth > 16) return fl__fail(w->ctx, FL_E_GEOM, "collections are nested too deep");
    fl__sb_str(&w->sb, "\",\"geometries\":[");
    int n = GEOSGetNumGeometries_r(w->h, g);
    for (int i = 0; i < n && !st; i++) {
      if (i) fl__sb_put(&w->sb, ",", 1);
      st = put_geometry(w, GEOSGetGeometryN_r(w->h, g, i), depth + 1);
    }
    fl__sb_str(&w->sb, "]}");
    return st;
  }
  fl__sb_str(&w->sb, "\",\"coordinates\":");
  if (t >= GEOS_MULTIPOINT) {
    int n = GEOSGetNumGeometries_r(w->h, g), k = 0;
    fl__sb_put(&w->sb, "[", 1);
    for (int i = 0; i < n && !st; i++) {
      const GEOSGeometry *p = GEOSGetGeometryN_r(w->h, g, i);
      if (t == GEOS_MULTIPOINT && GEOSisEmpty_r(w->h, p) == 1) continue; /* not expressible */
      if (k++) fl__sb_put(&w->sb, ",", 1);
      st = put_coords(w, p, has_z);
    }
    fl__sb_put(&w->sb, "]", 1);
  } else {
    st = put_coords(w, g, has_z);
  }
  fl__sb_put(&w->sb, "}", 1);
  return st;
}

/* One property value: integers as they are, reals in their shortest form
 * (non-finite ones as null), text escaped. */
static void put_value(writer *w, fl_field_type type, const fl_value *v) {
  char num[64];
  if (v->is_null) {
    fl__sb_str(&w->sb, "null");
    return;
  }
  switch (type) {
  case FL_FIELD_INTEGER:
    snprintf(num, sizeof num, "%" PRId64, v->i);
    fl__sb_str(&w->sb, num);
    break;
  case FL_FIELD_REAL:
    if (isfinite(v->d)) {
      fl__format_double(num, sizeof num, v->d);
      fl__sb_str(&w->sb, num);
    } else {
      fl__sb_str(&w->sb, "null");
    }
    break;
  default:
    if (v->s) fl__sb_json_string(&w->sb, v->s, strlen(v->s));
    else fl__sb_str(&w->sb, "null");
    break;
  }
}

/* The feature's properties, in field order, without the braces. */
static void put_properties(writer *w, const fl_layer *l, const fl_feature *f) {
  for (size_t j = 0; j < l->n_fields; j++) {
    if (j) fl__sb_put(&w->sb, ",", 1);
    fl__sb_json_string(&w->sb, l->fields[j].name, strlen(l->fields[j].name));
    fl__sb_put(&w->sb, ":", 1);
    put_value(w, l->fields[j].type, &f->values[j]);
  }
}

/* The feature's geometry in lon/lat, or null when it has none or an empty
 * one; a failure names the layer and the feature. */
static fl_status put_feature_geometry(writer *w, const fl_layer *l, const fl_feature *f) {
  const GEOSGeometry *g = f->geom;
  GEOSGeometry *ll = NULL;
  fl_status st = FL_OK;
  if (g && GEOSisEmpty_r(w->h, g) == 1) g = NULL;
  if (g && l->srid > 0 && l->srid != 4326) {
    st = fl_geom_to_lonlat(w->ctx, g, l->srid, &ll);
    g = ll;
  }
  if (!st) {
    if (g) st = put_geometry(w, g, 0);
    else fl__sb_str(&w->sb, "null");
  }
  if (ll) GEOSGeom_destroy_r(w->h, ll);
  if (st) {
    char why[FL_ERRMSG_LEN];
    snprintf(why, sizeof why, "%s", fl_ctx_errmsg(w->ctx));
    st = fl__fail(w->ctx, st, "layer '%s', feature %lld: %s", l->name, (long long)f->fid, why);
  }
  return st;
}

/* Feature i of l, after a comma unless it is the first. */
static fl_status put_feature(writer *w, const fl_layer *l, size_t i) {
  const fl_feature *f = &l->features[i];
  char num[64];
  snprintf(num, sizeof num, "%" PRId64, f->fid);
  fl__sb_str(&w->sb, i ? ",\n{\"type\":\"Feature\",\"id\":" : "{\"type\":\"Feature\",\"id\":");
  fl__sb_str(&w->sb, num);
  fl__sb_str(&w->sb, ",\"properties\":{");
  put_properties(w, l, f);
  fl__sb_str(&w->sb, "},\"geometry\":");
  fl_status st = put_feature_geometry(w, l, f);
  if (st) return st;
  fl__sb_put(&w->sb, "}", 1);
  flush_if_big(w, 0);
  return FL_OK;
}

/* Close the collection (unless st already failed), the file and the
 * buffers; a failure to hold or to write the output becomes the status. */
static fl_status finish(writer *w, const char *path, fl_status st) {
  if (!st) {
    fl__sb_str(&w->sb, "\n]\n}\n");
    flush_if_big(w, 1);
  }
  if (!st && w->sb.oom == 1) st = fl__fail(w->ctx, FL_E_NOMEM, "out of memory writing '%s'", path);
  int bad_write = w->sb.oom == 2 || ferror(w->f);
  if (fclose(w->f) != 0) bad_write = 1;
  if (!st && bad_write && errno == ENOSPC)
    st = fl__fail(w->ctx, FL_E_IO, "writing GeoJSON '%s' failed: " FL__DISK_FULL, path);
  else if (!st && bad_write)
    st = fl__fail(w->ctx, FL_E_IO, "writing GeoJSON '%s' failed (%s)", path, strerror(errno));
  free(w->sb.p);
  free(w->buf);
  return st;
}

fl_status fl__geojson_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                            const fl_layer *l) {
  writer w = {.ctx = ctx, .h = fl_ctx_geos(ctx)};
  fl_status st = FL_OK;
  w.f = fopen(tmp_path, "wb");
  if (!w.f) return fl__fail(ctx, FL_E_IO, "cannot write '%s' (%s)", path, strerror(errno));
  if (l->srid != 4326 && l->srid <= 0)
    fl__warn(ctx, "layer '%s' has no CRS; its coordinates are written to GeoJSON '%s' as "
             "lon/lat unchanged", l->name, path);
  locale_t c = fl__c_locale(), old = c ? uselocale(c) : (locale_t)0;

  fl__sb_str(&w.sb, "{\n\"type\": \"FeatureCollection\",\n\"name\": ");
  fl__sb_json_string(&w.sb, l->name, strlen(l->name));
  fl__sb_str(&w.sb, ",\n\"features\": [\n");
  for (size_t i = 0; i < l->n_features && !st; i++) {
    if ((st = fl__write_progress(ctx, i + 1, l->n_features)) != FL_OK) break;
    st = put_feature(&w, l, i);
  }
  if (c) uselocale(old);
  return finish(&w, path, st);
}
