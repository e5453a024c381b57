/*
 * fn_distance.c - FL_Distance(a, b) and FL_Distance(a, front_table,
 * geom_column): metres on the WGS84 ellipsoid between any two geometries
 * (0 when they touch or one contains the other).
 *
 * Rules:
 *   (D1) both arguments are SpatiaLite or GeoPackage blobs with the same SRID;
 *        NULL or empty in gives NULL out.
 *   (D2) the argument with more vertices (the front) is indexed, once per
 *        distinct geometry (fl_dist_index, kept in its cache entry), and the
 *        other one queried against it; on a tie, the one that repeats more.
 *        Indexing by use count alone could pick a settlement that repeats in
 *        a nested loop and then walk the whole front on every row.
 *   (D3) FL_Distance(a, front_table, geom_column): b named as a table is
 *        every geometry of that table (geom_column NULL: the registered one),
 *        indexed once per statement (sql_front.c); the form for a big front,
 *        whose blob a subquery or a join would hand over, and the cache
 *        compare, on every row. A form of its own (3 arguments), not
 *        deterministic: its answer changes with the table.
 * Not here: the geodesy (core/dist_index.c), argument reading (sql_geom_arg.c).
 */
#include "sql_internal.h"

/* (D3) the distance from argument 1 to the front named by argument 2. */
static void distance_to_table(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Distance";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *a = NULL;
  flsql_front *f = NULL, *fresh = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "a", &a) != FLSQL_OK) return;
  if (flsql_front_arg(c, argc, argv, 1, 2, fn, &f, &fresh) != FLSQL_OK) goto done;
  if (a->srid != f->srid) {
    flsql_error(c, fn, "argument 1 (a) has SRID %d but the rows of '%s' have SRID %d; transform "
                "one first", a->srid, f->table, f->srid);
    goto done;
  }
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  fl_nearest r;
  int failed = fl_dist_index_nearest(st->ctx, f->index, a->lonlat, NULL, NULL, &r) != FL_OK;
  flsql_work_end(st);
  if (failed) flsql_error_ctx(c, st, fn, "cannot measure the distance");
  else sqlite3_result_double(c, r.dist_m);
done:
  flsql_geom_release(a);
  flsql_front_keep(c, 1, fresh); /* after the last use of f */
}

static void fn_distance(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Distance";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *a = NULL, *b = NULL;
  if (argc > 2) {
    distance_to_table(c, argc, argv);
    return;
  }
  if (flsql_geom_arg(c, argv, 0, fn, "a", &a) != FLSQL_OK) return;
  if (sqlite3_value_type(argv[1]) == SQLITE_TEXT) { /* (D3) the 3-argument form */
    flsql_error(c, fn, "argument 2 (b) is text; to measure to the geometries of a table, give "
                "its geometry column too, as in FL_Distance(a, 'front', 'geom'), or NULL for the "
                "registered one");
    goto done;
  }
  if (flsql_geom_arg(c, argv, 1, fn, "b", &b) != FLSQL_OK) goto done;
  if (flsql_same_srid(c, fn, 0, a, 1, b) != FLSQL_OK) goto done;
  /* (D2) index the larger geometry, or the one that repeats */
  flsql_geom *indexed = b, *query = a;
  if (a->n_coords > b->n_coords || (a->n_coords == b->n_coords && a->uses > b->uses)) {
    indexed = a;
    query = b;
  }
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  const fl_dist_index *idx = flsql_geom_index(indexed);
  fl_nearest r;
  int failed = !idx || fl_dist_index_nearest(st->ctx, idx, query->lonlat, NULL, NULL, &r);
  flsql_work_end(st);
  if (failed) {
    flsql_error_ctx(c, st, fn, "cannot measure the distance");
    goto done;
  }
  sqlite3_result_double(c, r.dist_m);
done:
  flsql_geom_release(a);
  flsql_geom_release(b);
}

int flsql_register_distance(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_Distance", 2, FLSQL_PURE, fn_distance, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Distance", 3, FLSQL_READS_TABLE, fn_distance, NULL,
                               NULL);
  return rc;
}
