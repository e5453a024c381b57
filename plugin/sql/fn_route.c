/*
 * fn_route.c - FL_RouteExposure(route, front, inner_m, outer_m), and with
 * the front named as a table (E4): metres of
 * the route (geodesic length) lying between inner_m and outer_m from the
 * front, on the WGS84 ellipsoid.
 *
 * Rules:
 *   (E1) a part of the route counts when its distance d to the front is in
 *        [inner_m, outer_m) (rules R1-R2 of core/route_exposure.c);
 *   (E2) distances are metres >= 0 with inner_m <= outer_m (equal gives 0);
 *        route and front share an SRID; NULL in gives NULL out;
 *   (E3) the front is indexed once per distinct front (its cache entry keeps
 *        the index), so one front against every route costs one index;
 *   (E4) FL_RouteExposure(route, front_table, inner_m, outer_m,
 *        geom_column): the front named as a table is every geometry of that
 *        table (geom_column NULL: the registered one), indexed once per
 *        statement (sql_front.c): no front blob handed over and compared on
 *        every row. A form of its own (5 arguments), not deterministic.
 * Not here: the measuring walk along the route: the prepared route-exposure
 * kernel (fl_routes.h, core/route_kernel.c), on the cached index.
 */
#include "sql_internal.h"

/* Metres of route in [inner, outer) (0 <= inner < outer): the kernel with
 * the band edges {outer}, or {inner, outer}; the band it measures. */
static fl_status exposure_m(fl_ctx *ctx, const fl_dist_index *front, const GEOSGeometry *route,
                            double inner, double outer, double *m) {
  double dist[2] = {inner, outer}, band_m[3] = {0, 0, 0};
  size_t n_dist = inner > 0 ? 2 : 1;
  fl_exposure_kernel *k = NULL;
  fl_status st = fl_exposure_prepare_index(ctx, front, dist + 2 - n_dist, n_dist, &k);
  fl_exposure_row row = {0, 0, band_m, NULL};
  if (!st) st = fl_exposure_route(ctx, k, route, 0, &row);
  fl_exposure_free(ctx, k);
  if (!st) *m = band_m[n_dist - 1];
  return st;
}

static void fn_route_exposure(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_RouteExposure";
  flsql_state *st = sqlite3_user_data(c);
  double inner = 0, outer = 0;
  if (flsql_metres_arg(c, argv, 2, fn, "inner_m", &inner) != FLSQL_OK) return;
  if (flsql_metres_arg(c, argv, 3, fn, "outer_m", &outer) != FLSQL_OK) return;
  if (inner > outer) {
    flsql_error(c, fn, "argument 3 (inner_m) must not exceed argument 4 (outer_m), got %g > %g",
                inner, outer);
    return;
  }
  flsql_geom *route = NULL, *front = NULL;
  flsql_front *named = NULL, *fresh = NULL;
  const fl_dist_index *idx = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "route", &route) != FLSQL_OK) return;
  if (argc == 4 && sqlite3_value_type(argv[1]) == SQLITE_TEXT) { /* (E4) the 5-argument form */
    flsql_error(c, fn, "argument 2 (front) is text; to measure to the geometries of a table, "
                "give its geometry column too, as in FL_RouteExposure(route, 'front', 0, 20000, "
                "'geom'), or NULL for the registered one");
    goto done;
  }
  if (argc > 4) { /* (E4) */
    if (flsql_front_arg(c, argc, argv, 1, 4, fn, &named, &fresh) != FLSQL_OK) goto done;
    if (route->srid != named->srid) {
      flsql_error(c, fn, "argument 1 (route) has SRID %d but the rows of '%s' have SRID %d; "
                  "transform one first", route->srid, named->table, named->srid);
      goto done;
    }
  } else if (flsql_geom_arg(c, argv, 1, fn, "front", &front) != FLSQL_OK ||
             flsql_same_srid(c, fn, 0, route, 1, front) != FLSQL_OK) {
    goto done;
  }
  if (route->dim != 1) {
    flsql_error(c, fn, "argument 1 (route) must be a line or multiline");
    goto done;
  }
  if (inner == outer) { /* (E2) */
    sqlite3_result_double(c, 0.0);
    goto done;
  }
  flsql_work_begin(st, sqlite3_context_db_handle(c));
  idx = named ? named->index : flsql_geom_index(front); /* (E3, E4) */
  double m = 0;
  int failed = !idx || exposure_m(st->ctx, idx, route->lonlat, inner, outer, &m);
  flsql_work_end(st);
  if (failed) {
    flsql_error_ctx(c, st, fn, "cannot measure the route");
    goto done;
  }
  sqlite3_result_double(c, m);
done:
  flsql_geom_release(route);
  flsql_geom_release(front);
  flsql_front_keep(c, 1, fresh); /* after the last use of named */
}

int flsql_register_route(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_RouteExposure", 4, FLSQL_PURE, fn_route_exposure,
                                 NULL, NULL);
  if (rc == SQLITE_OK) /* (E4): reads a table, so not deterministic */
    rc = flsql_create_function(db, st, "FL_RouteExposure", 5, FLSQL_READS_TABLE,
                               fn_route_exposure, NULL, NULL);
  return rc;
}
