/*
 * fn_frontline.c - FL_Frontline(control_a, control_b [, snap_m]): the line
 * of contact between two sides' ground, in control_a's SRID and blob kind.
 *
 * Rules (as the frontline tool, docs/tools/frontline.md):
 *   (F1) the contact line is the part of a's boundary within snap_m metres
 *        (default 500) of b's ground; the outer edges of the data are not
 *        part of it;
 *   (F2) both arguments are polygons with one SRID; NULL in gives NULL out;
 *        no contact gives NULL.
 * Pass each side's ground dissolved, e.g. (SELECT ST_Union(geom) FROM
 * control WHERE side = 'UA').
 * Not here: the tracing (core/frontline.c).
 */
#include "sql_internal.h"

#define DEFAULT_SNAP_M 500.0

static void fn_frontline(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Frontline";
  flsql_state *st = sqlite3_user_data(c);
  double snap = DEFAULT_SNAP_M;
  if (argc > 2 && flsql_metres_arg(c, argv, 2, fn, "snap_m", &snap) != FLSQL_OK) return;
  flsql_geom *a = NULL, *b = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "control_a", &a) != FLSQL_OK) return;
  if (flsql_geom_arg(c, argv, 1, fn, "control_b", &b) != FLSQL_OK) goto done;
  if (flsql_same_srid(c, fn, 0, a, 1, b) != FLSQL_OK) goto done;
  if (a->dim != 2 || b->dim != 2) {
    flsql_error(c, fn, "argument %d (%s) must be a polygon or multipolygon", a->dim != 2 ? 1 : 2,
                a->dim != 2 ? "control_a" : "control_b");
    goto done;
  }
  GEOSGeometry *line = NULL;
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  fl_status s = fl_contact_line(st->ctx, a->lonlat, b->lonlat, NULL, snap, &line);
  flsql_work_end(st);
  if (s != FL_OK) {
    flsql_error_ctx(c, st, fn, "cannot trace the line of contact");
    goto done;
  }
  flsql_result_geom(c, fn, line, a->srid, a->kind);
done:
  flsql_geom_release(a);
  flsql_geom_release(b);
}

int flsql_register_frontline(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_Frontline", 2, FLSQL_PURE, fn_frontline, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Frontline", 3, FLSQL_PURE, fn_frontline, NULL, NULL);
  return rc;
}
