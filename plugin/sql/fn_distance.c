/*
 * fn_distance.c - FL_Distance(a, b): metres on the WGS84 ellipsoid between
 * any two geometries (0 when they touch or one contains the other).
 *
 * Rules:
 *   (D1) both arguments are SpatiaLite or GeoPackage blobs with the same SRID;
 *        NULL or empty in gives NULL out.
 *   (D2) the argument with more vertices (the front) is indexed, once per
 *        distinct geometry (fl_dist_index, kept in its cache entry), and the
 *        other one queried against it; on a tie, the one that repeats more.
 *        Indexing by use count alone could pick a settlement that repeats in
 *        a nested loop and then walk the whole front on every row.
 * Not here: the geodesy (core/dist_index.c), argument reading (sql_geom_arg.c).
 */
#include "sql_internal.h"

static void fn_distance(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Distance";
  flsql_state *st = sqlite3_user_data(c);
  flsql_geom *a = NULL, *b = NULL;
  (void)argc;
  if (flsql_geom_arg(c, argv, 0, fn, "a", &a) != FLSQL_OK) return;
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
  return flsql_create_function(db, st, "FL_Distance", 2, FLSQL_PURE, fn_distance, NULL, NULL);
}
