/*
 * fn_range_rings.c - FL_RangeRings(position, inner_m, outer_m [, bearing_start,
 * bearing_end]): the geodesic range ring (or the sector of one) of a point,
 * in the point's SRID and blob kind.
 *
 * Rules:
 *   (RR1) NULL or empty in gives NULL out; the position is one point.
 *   (RR2) the ring holds the ground whose geodesic distance from the position
 *         lies in [inner_m, outer_m] (inner 0: a disc), every vertex on the
 *         geodesic range, a vertex every degree of bearing at most (the
 *         range-rings tool's rules, core/range_rings.c); with bearings
 *         (degrees clockwise from north), the sector from start to end.
 * Not here: the rings (core/range_rings.c).
 */
#include <math.h>

#include "sql_internal.h"

static int bearing_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *name,
                       double *out) {
  int t = sqlite3_value_type(argv[i]);
  if (t == SQLITE_NULL) return FLSQL_NULL;
  double v = sqlite3_value_double(argv[i]);
  if ((t != SQLITE_INTEGER && t != SQLITE_FLOAT) || !isfinite(v) || v < -360 || v > 720) {
    flsql_error(c, "FL_RangeRings", "argument %d (%s) must be a bearing in degrees, got '%s'",
                i + 1, name, (const char *)sqlite3_value_text(argv[i]));
    return FLSQL_ERR;
  }
  *out = v;
  return FLSQL_OK;
}

static void fn_range_rings(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_RangeRings";
  flsql_state *st = sqlite3_user_data(c);
  double inner = 0, outer = 0, b0 = 0, b1 = 0;
  if (flsql_metres_arg(c, argv, 1, fn, "inner_m", &inner) != FLSQL_OK) return;
  if (flsql_metres_arg(c, argv, 2, fn, "outer_m", &outer) != FLSQL_OK) return;
  if (!(outer > inner)) {
    flsql_error(c, fn, "argument 3 (outer_m) must exceed argument 2 (inner_m), got %g <= %g",
                outer, inner);
    return;
  }
  if (argc == 5 && (bearing_arg(c, argv, 3, "bearing_start", &b0) != FLSQL_OK ||
                    bearing_arg(c, argv, 4, "bearing_end", &b1) != FLSQL_OK))
    return;
  flsql_geom *g = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "position", &g) != FLSQL_OK) return;
  GEOSContextHandle_t h = fl_ctx_geos(st->ctx);
  if (GEOSGeomTypeId_r(h, g->lonlat) != GEOS_POINT) {
    flsql_error(c, fn, "argument 1 (position) must be a point, got a %s", GEOSGeomType_r(h, g->lonlat));
    flsql_geom_release(g);
    return;
  }
  /* (RR2): the range-rings tool on a layer of one point: rings [0, inner], [inner, outer] */
  fl_layer *pos = fl_layer_new("position", 4326, "POINT"), *rings = NULL;
  GEOSGeometry *p = GEOSGeom_clone_r(h, g->lonlat);
  if (p) GEOSSetSRID_r(h, p, 4326);
  if (!pos || !p || !fl_layer_append(st->ctx, pos, 1, p)) {
    fl_layer_destroy(st->ctx, pos);
    flsql_error(c, fn, "out of memory");
    flsql_geom_release(g);
    return;
  }
  fl_range_rings_opts o;
  fl_range_rings_opts_init(&o);
  double dist[2] = {inner, outer};
  o.dist_m = inner > 0 ? dist : dist + 1;
  o.n_dist = inner > 0 ? 2 : 1;
  o.bearing_start = b0;
  o.bearing_end = b1;
  fl_ctx_clear_error(st->ctx);
  if (fl_range_rings(st->ctx, pos, &o, &rings, NULL) != FL_OK) {
    flsql_error_ctx(c, st, fn, "cannot draw the ring around argument 1 (position)");
  } else {
    const fl_feature *f = &rings->features[rings->n_features - 1];
    GEOSGeometry *ring = GEOSGeom_clone_r(h, f->geom);
    if (!ring) flsql_error(c, fn, "out of memory");
    else flsql_result_geom(c, fn, ring, g->srid, g->kind);
  }
  fl_layer_destroy(st->ctx, rings);
  fl_layer_destroy(st->ctx, pos);
  flsql_geom_release(g);
}

int flsql_register_range_rings(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_RangeRings", 3, FLSQL_PURE, fn_range_rings, NULL,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_RangeRings", 5, FLSQL_PURE, fn_range_rings, NULL,
                               NULL);
  return rc;
}
