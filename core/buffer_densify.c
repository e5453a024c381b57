/*
 * buffer_densify.c - a frame geometry densified part by part for a buffer
 * (buffer.c (U6), fl__densify_frame_parts()).
 *
 * GEOS's densifier is called on each part alone, because GEOS 3.11.1's
 * densifier crashes on an empty point (fuzz finding
 * tests/fuzz/regressions/spatialite_multipoint_empty_point_densify_crash.bin),
 * and points and empty parts have no edge anyway: they are copied. A
 * densified part that is not of its collection's element type (GEOS cleans
 * a polygon with a zero buffer, which can give a multipolygon) is
 * flattened into it (buffer.c (U13)).
 * Not here: the geodesic densifier of lon/lat input (geodesy.c,
 * densify_lines.c).
 */
#include <stdlib.h>
#include "fl_geodesy.h"

/* Parts of a multi geometry being rebuilt: the densified parts. */
typedef struct part_list {
  GEOSGeometry **g;
  int n, cap;
} part_list;

static int part_push(GEOSContextHandle_t h, part_list *l, GEOSGeometry *g) {
  if (!g) return 0;
  if (l->n == l->cap) {
    int cap = l->cap ? 2 * l->cap : 8;
    GEOSGeometry **p = realloc(l->g, (size_t)cap * sizeof *p);
    if (!p) {
      GEOSGeom_destroy_r(h, g);
      return 0;
    }
    l->g = p;
    l->cap = cap;
  }
  l->g[l->n++] = g;
  return 1;
}

/* d (taken), a densified part of a collection of type multi, into l: as it
 * is when it has the collection's element type, else its members copied
 * one by one (GEOS's densifier cleans a polygon with a zero buffer, which
 * can give a multipolygon; GEOS 3.11's createCollection takes a
 * multipolygon inside a multipolygon unchecked and builds a geometry whose
 * next reader crashes: libFuzzer input
 * tests/fuzz/regressions/gpkg_densify_selfcrossing_multipolygon_crash.bin). */
static int part_add(GEOSContextHandle_t h, part_list *l, int multi, GEOSGeometry *d) {
  int t = d ? GEOSGeomTypeId_r(h, d) : -1;
  int fits = multi == GEOS_GEOMETRYCOLLECTION ||
             (multi == GEOS_MULTIPOINT && t == GEOS_POINT) ||
             (multi == GEOS_MULTILINESTRING && (t == GEOS_LINESTRING || t == GEOS_LINEARRING)) ||
             (multi == GEOS_MULTIPOLYGON && t == GEOS_POLYGON);
  if (!d || fits) return part_push(h, l, d);
  int ok = 1, n = GEOSGetNumGeometries_r(h, d);
  for (int i = 0; ok && t >= GEOS_MULTIPOINT && i < n; i++)
    ok = part_add(h, l, multi, GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, d, i)));
  GEOSGeom_destroy_r(h, d);
  return ok && t >= GEOS_MULTIPOINT; /* a single of another type: refused */
}

GEOSGeometry *fl__densify_frame_parts(GEOSContextHandle_t h, const GEOSGeometry *g,
                                      double max_seg) {
  int type = GEOSGeomTypeId_r(h, g);
  int multi = type >= GEOS_MULTIPOINT && type <= GEOS_GEOMETRYCOLLECTION;
  if (!multi) {
    if (GEOSGeom_getDimensions_r(h, g) == 0 || GEOSisEmpty_r(h, g)) return GEOSGeom_clone_r(h, g);
    return GEOSDensify_r(h, g, max_seg);
  }
  int n = GEOSGetNumGeometries_r(h, g), ok = n >= 0;
  part_list l = {NULL, 0, 0};
  for (int i = 0; i < n && ok; i++)
    ok = part_add(h, &l, type, fl__densify_frame_parts(h, GEOSGetGeometryN_r(h, g, i), max_seg));
  GEOSGeometry *out = ok ? GEOSGeom_createCollection_r(h, type, l.g, (unsigned)l.n) : NULL;
  if (!out) /* on failure the parts are still ours */
    for (int i = 0; i < l.n; i++) GEOSGeom_destroy_r(h, l.g[i]);
  free(l.g);
  return out;
}
