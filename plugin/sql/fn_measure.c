/*
 * fn_measure.c - FL_Area(geom) km², FL_Length(geom) km and
 * FL_Depth(geom, from_geom) m: geodesic measures on the WGS84 ellipsoid of
 * geometries in any CRS PROJ knows.
 *
 * Rules:
 *   (M1) NULL or empty in gives NULL out (sql_geom_arg.c (A1)).
 *   (M2) FL_Area counts polygons only (holes subtracted; points and lines give
 *        0); FL_Length counts lines and polygon rings (points give 0).
 *   (M3) FL_Depth: the largest distance from from_geom to any point of geom
 *        (0 when from_geom covers geom); both arguments share one SRID.
 * Not here: the geodesy (core/geodesy.c, core/depth.c).
 */
#include "sql_internal.h"

static void fn_area(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Area";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *g = NULL;
  (void)argc;
  if (flsql_geom_arg(c, argv, 0, fn, "geom", &g) != FLSQL_OK) return;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  double a = flsql_geom_area_km2(g);
  flsql_work_end(st);
  if (a < 0) flsql_error_ctx(c, st, fn, "cannot measure the area");
  else sqlite3_result_double(c, a);
  flsql_geom_release(g);
}

static void fn_length(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Length";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *g = NULL;
  (void)argc;
  if (flsql_geom_arg(c, argv, 0, fn, "geom", &g) != FLSQL_OK) return;
  double m = 0;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  fl_status s = fl_length_m(st->ctx, g->lonlat, &m);
  flsql_work_end(st);
  if (s != FL_OK)
    flsql_error_ctx(c, st, fn, "cannot measure the length");
  else sqlite3_result_double(c, m / 1000.0);
  flsql_geom_release(g);
}

static void fn_depth(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Depth";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *g = NULL, *from = NULL;
  (void)argc;
  if (flsql_geom_arg(c, argv, 0, fn, "geom", &g) != FLSQL_OK) return;
  if (flsql_geom_arg(c, argv, 1, fn, "from_geom", &from) != FLSQL_OK) goto done;
  if (flsql_same_srid(c, fn, 0, g, 1, from) != FLSQL_OK) goto done;
  double m = 0;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  fl_status s = fl_depth_m(st->ctx, g->lonlat, from->lonlat, &m);
  flsql_work_end(st);
  if (s != FL_OK)
    flsql_error_ctx(c, st, fn, "cannot measure the depth");
  else sqlite3_result_double(c, m);
done:
  flsql_geom_release(g);
  flsql_geom_release(from);
}

int flsql_register_measure(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_Area", 1, FLSQL_PURE, fn_area, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Length", 1, FLSQL_PURE, fn_length, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Depth", 2, FLSQL_PURE, fn_depth, NULL, NULL);
  return rc;
}
