/*
 * geojson_geom.c - GeoJSON geometry objects (RFC 7946) to GEOS, for the
 * reader (geojson.c). Rule (J3) of geojson.c: geometries are built from the
 * coordinates (Point .. MultiPolygon, GeometryCollection, nested at most 16
 * deep); "geometry": null gives none and empty coordinates an empty one
 * (which geojson.c drops); a position has 2 or 3 numbers (more are
 * ignored); rings must be closed and have 4 positions or more. Every error
 * names the file and the feature (J5).
 * Not here: features, properties and the layer (geojson.c); the JSON
 * grammar (json.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_io_internal.h"

const char *fl__geojson_type(const fl__json *o) {
  const fl__json *t = fl__json_get(o, "type");
  return t && t->type == FL__JSON_STRING ? t->str : NULL;
}

int fl__geojson_is_geometry_type(const char *t) {
  static const char *const names[] = {"Point",        "LineString",      "Polygon",
                                      "MultiPoint",   "MultiLineString", "MultiPolygon",
                                      "GeometryCollection", NULL};
  for (int i = 0; t && names[i]; i++)
    if (strcmp(t, names[i]) == 0) return 1;
  return 0;
}

typedef fl__geojson_reader reader;

static fl_status geom_fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static fl_status geom_fail(reader *r, const char *fmt, ...) {
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  return fl__fail(r->ctx, FL_E_GEOM, "GeoJSON '%s', feature %lld: %s", r->path,
                  (long long)r->feature, what);
}

/* A position: an array of 2 or more numbers. Returns 2 or 3 (dimensions) or 0. */
static int position(const fl__json *p, double xyz[3]) {
  if (p->type != FL__JSON_ARRAY || p->n < 2) return 0;
  for (size_t k = 0; k < p->n && k < 3; k++) {
    if (p->items[k].type != FL__JSON_NUMBER) return 0;
    xyz[k] = p->items[k].num;
  }
  return p->n >= 3 ? 3 : 2;
}

/* A coordinate sequence from an array of positions; Z when all have it. */
static fl_status sequence(reader *r, const fl__json *a, const char *what, GEOSCoordSequence **out) {
  size_t n = a->n;
  if (a->type != FL__JSON_ARRAY)
    return geom_fail(r, "%s must be an array of positions, found %s", what,
                     fl__json_type_name(a->type));
  if (n * 3 > r->cap) {
    size_t cap = n * 3 < 48 ? 48 : n * 3;
    double *b = realloc(r->buf, cap * sizeof *b);
    if (!b) return fl__fail(r->ctx, FL_E_NOMEM, "out of memory reading '%s'", r->path);
    r->buf = b;
    r->cap = cap;
  }
  int all_z = 1;
  for (size_t i = 0; i < n; i++) {
    double xyz[3] = {0, 0, 0};
    int d = position(&a->items[i], xyz);
    if (!d)
      return geom_fail(r, "position %zu of %s is not an array of 2 or 3 numbers", i + 1, what);
    if (d < 3) all_z = 0;
    memcpy(r->buf + 3 * i, xyz, sizeof xyz);
  }
  if (!all_z)
    for (size_t i = 0; i < n; i++) { /* pack x,y,z to x,y */
      r->buf[2 * i] = r->buf[3 * i];
      r->buf[2 * i + 1] = r->buf[3 * i + 1];
    }
  *out = GEOSCoordSeq_copyFromBuffer_r(r->h, r->buf, (unsigned)n, all_z, 0);
  if (!*out) return fl__fail_geos(r->ctx, "building coordinates");
  return FL_OK;
}

static fl_status ring(reader *r, const fl__json *a, size_t k, GEOSGeometry **out) {
  char what[48];
  snprintf(what, sizeof what, "ring %zu", k);
  if (a->type == FL__JSON_ARRAY && a->n < 4)
    return geom_fail(r, "ring %zu has %zu positions; a ring needs at least 4", k, a->n);
  GEOSCoordSequence *s = NULL;
  fl_status st = sequence(r, a, what, &s);
  if (st) return st;
  double x0, y0, x1, y1;
  unsigned n = (unsigned)a->n;
  GEOSCoordSeq_getXY_r(r->h, s, 0, &x0, &y0);
  GEOSCoordSeq_getXY_r(r->h, s, n - 1, &x1, &y1);
  if (x0 != x1 || y0 != y1) {
    GEOSCoordSeq_destroy_r(r->h, s);
    return geom_fail(r, "ring %zu is not closed: its first and last positions differ", k);
  }
  *out = GEOSGeom_createLinearRing_r(r->h, s);
  return *out ? FL_OK : fl__fail_geos(r->ctx, "building a ring");
}

static fl_status polygon(reader *r, const fl__json *c, GEOSGeometry **out) {
  if (c->type != FL__JSON_ARRAY)
    return geom_fail(r, "Polygon coordinates must be an array of rings, found %s",
                     fl__json_type_name(c->type));
  if (c->n == 0) {
    *out = GEOSGeom_createEmptyPolygon_r(r->h);
    return *out ? FL_OK : fl__fail_geos(r->ctx, "building a polygon");
  }
  GEOSGeometry *shell = NULL, **holes = calloc(c->n, sizeof *holes);
  if (!holes) return fl__fail(r->ctx, FL_E_NOMEM, "out of memory reading '%s'", r->path);
  fl_status st = ring(r, &c->items[0], 1, &shell);
  size_t nh = 0;
  for (size_t i = 1; i < c->n && !st; i++)
    if ((st = ring(r, &c->items[i], i + 1, &holes[nh])) == FL_OK) nh++;
  if (!st) {
    *out = GEOSGeom_createPolygon_r(r->h, shell, holes, (unsigned)nh); /* takes the rings */
    if (!*out) st = fl__fail_geos(r->ctx, "building a polygon");
    shell = NULL;
    nh = 0;
  }
  if (shell) GEOSGeom_destroy_r(r->h, shell);
  for (size_t i = 0; i < nh; i++) GEOSGeom_destroy_r(r->h, holes[i]);
  free(holes);
  return st;
}

static fl_status geometry(reader *r, const fl__json *g, int depth, GEOSGeometry **out);

/* One part of a multi geometry, from its coordinates. */
static fl_status part(reader *r, int type, const fl__json *c, GEOSGeometry **out) {
  GEOSCoordSequence *s = NULL;
  fl_status st;
  double xyz[3];
  int d;
  switch (type) {
  case GEOS_POINT:
    if (c->type == FL__JSON_ARRAY && c->n == 0) {
      *out = GEOSGeom_createEmptyPoint_r(r->h);
      return *out ? FL_OK : fl__fail_geos(r->ctx, "building a point");
    }
    if (!(d = position(c, xyz)))
      return geom_fail(r, "a Point position must be an array of 2 or 3 numbers");
    if (d == 2) {
      *out = GEOSGeom_createPointFromXY_r(r->h, xyz[0], xyz[1]);
    } else {
      s = GEOSCoordSeq_copyFromBuffer_r(r->h, xyz, 1, 1, 0);
      *out = s ? GEOSGeom_createPoint_r(r->h, s) : NULL;
    }
    return *out ? FL_OK : fl__fail_geos(r->ctx, "building a point");
  case GEOS_LINESTRING:
    if (c->type == FL__JSON_ARRAY && c->n == 1)
      return geom_fail(r, "a LineString needs at least 2 positions, found 1");
    if ((st = sequence(r, c, "a LineString", &s)) != FL_OK) return st;
    *out = c->n == 0 ? (GEOSCoordSeq_destroy_r(r->h, s), GEOSGeom_createEmptyLineString_r(r->h))
                     : GEOSGeom_createLineString_r(r->h, s);
    return *out ? FL_OK : fl__fail_geos(r->ctx, "building a line");
  default:
    return polygon(r, c, out);
  }
}

static fl_status collection(reader *r, int type, int part_type, const fl__json *items, int depth,
                            int from_geometries, GEOSGeometry **out) {
  if (items->type != FL__JSON_ARRAY)
    return geom_fail(r, "%s must be an array, found %s",
                     from_geometries ? "'geometries'" : "coordinates",
                     fl__json_type_name(items->type));
  GEOSGeometry **parts = calloc(items->n ? items->n : 1, sizeof *parts);
  if (!parts) return fl__fail(r->ctx, FL_E_NOMEM, "out of memory reading '%s'", r->path);
  fl_status st = FL_OK;
  size_t k = 0;
  for (size_t i = 0; i < items->n && !st; i++) {
    GEOSGeometry *g = NULL;
    st = from_geometries ? geometry(r, &items->items[i], depth + 1, &g)
                         : part(r, part_type, &items->items[i], &g);
    if (!st && !g && from_geometries)
      st = geom_fail(r, "member %zu of 'geometries' is null", i + 1);
    if (!st) parts[k++] = g;
  }
  if (!st) {
    *out = GEOSGeom_createCollection_r(r->h, type, parts, (unsigned)k); /* takes the parts */
    if (*out) k = 0;
    else st = fl__fail_geos(r->ctx, "building a collection");
  }
  for (size_t i = 0; i < k; i++) GEOSGeom_destroy_r(r->h, parts[i]);
  free(parts);
  return st;
}

/* A geometry object (or null: *out = NULL). */
static fl_status geometry(reader *r, const fl__json *g, int depth, GEOSGeometry **out) {
  *out = NULL;
  if (g->type == FL__JSON_NULL) return FL_OK;
  if (g->type != FL__JSON_OBJECT)
    return geom_fail(r, "'geometry' must be an object or null, found %s",
                     fl__json_type_name(g->type));
  if (depth > 16) return geom_fail(r, "GeometryCollections are nested more than 16 deep");
  const char *t = fl__geojson_type(g);
  if (!t) return geom_fail(r, "the geometry has no \"type\" string");
  if (strcmp(t, "GeometryCollection") == 0) {
    const fl__json *gs = fl__json_get(g, "geometries");
    if (!gs) return geom_fail(r, "a GeometryCollection has no 'geometries' member");
    return collection(r, GEOS_GEOMETRYCOLLECTION, 0, gs, depth, 1, out);
  }
  const fl__json *c = fl__json_get(g, "coordinates");
  if (!fl__geojson_is_geometry_type(t))
    return geom_fail(r, "geometry type '%.40s' is not a GeoJSON type (Point, LineString, "
                     "Polygon, Multi..., GeometryCollection)", t);
  if (!c) return geom_fail(r, "the %s has no 'coordinates' member", t);
  if (c->type != FL__JSON_ARRAY)
    return geom_fail(r, "the coordinates of the %s must be an array, found %s", t,
                     fl__json_type_name(c->type));
  if (strcmp(t, "Point") == 0) return part(r, GEOS_POINT, c, out);
  if (strcmp(t, "LineString") == 0) return part(r, GEOS_LINESTRING, c, out);
  if (strcmp(t, "Polygon") == 0) return part(r, GEOS_POLYGON, c, out);
  if (strcmp(t, "MultiPoint") == 0)
    return collection(r, GEOS_MULTIPOINT, GEOS_POINT, c, depth, 0, out);
  if (strcmp(t, "MultiLineString") == 0)
    return collection(r, GEOS_MULTILINESTRING, GEOS_LINESTRING, c, depth, 0, out);
  return collection(r, GEOS_MULTIPOLYGON, GEOS_POLYGON, c, depth, 0, out);
}

fl_status fl__geojson_geometry(fl__geojson_reader *r, const fl__json *g, GEOSGeometry **out) {
  return geometry(r, g, 0, out);
}
