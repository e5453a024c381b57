/*
 * fn_buffer_band.c - FL_Buffer(geom, metres [, side]) and
 * FL_Band(front, inner_m, outer_m [, side]): buffers and bands measured in
 * metres on the WGS84 ellipsoid, returned in the input's SRID and blob kind.
 *
 * Rules:
 *   (B1) distances are finite metres >= 0; FL_Band needs inner_m <= outer_m
 *        (equal gives NULL: an empty band); side is 'both' (default), 'left'
 *        or 'right' of the line's direction (lines only).
 *   (B2) a result for the same geometry, distances and side is kept in the
 *        geometry's cache entry, so `FL_Band((SELECT geom FROM front), 0,
 *        5000)` in a WHERE clause is computed once, not once per row.
 *   (B3) NULL in any argument gives NULL; an empty result gives NULL.
 * Not here: the buffering (core/buffer.c).
 */
#include "sql_internal.h"

#include <string.h>

static int memo_get(sqlite3_context *c, const flsql_geom *g, int op, double a, double b,
                    fl_side side) {
  const flsql_memo *m = &g->memo;
  if (m->op != op || m->a != a || m->b != b || m->side != (int)side) return 0;
  if (m->blob) sqlite3_result_blob64(c, m->blob, (sqlite3_uint64)m->n, SQLITE_TRANSIENT);
  else sqlite3_result_null(c);
  return 1;
}

/* Encode the result, keep it in the entry (B2), and return it. Takes lonlat. */
static void memo_put(sqlite3_context *c, const char *fn, flsql_geom *g, int op, double a,
                     double b, fl_side side, GEOSGeometry *lonlat) {
  flsql_state *st = g->state;
  unsigned char *blob = NULL;
  size_t n = 0;
  if (flsql_encode(st, lonlat, g->srid, g->kind, &blob, &n)) {
    flsql_error_ctx(c, st, fn, "cannot write the result");
    return;
  }
  fl_free(g->memo.blob);
  g->memo = (flsql_memo){op, a, b, (int)side, blob, n};
  memo_get(c, g, op, a, b, side);
}

static void fn_buffer(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Buffer";
  flsql_state *st = sqlite3_user_data(c);
  double m = 0;
  fl_side side;
  if (flsql_metres_arg(c, argv, 1, fn, "metres", &m) != FLSQL_OK) return;
  if (flsql_side_arg(c, argv, argc, 2, fn, &side) != FLSQL_OK) return;
  flsql_geom *g = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "geom", &g) != FLSQL_OK) return;
  if (!memo_get(c, g, FLSQL_MEMO_BUFFER, m, 0, side)) {
    GEOSGeometry *out = NULL;
    flsql_work_begin(st, sqlite3_context_db_handle(c));
    fl_status s = fl_buffer(st->ctx, g->lonlat, m, side, &out);
    flsql_work_end(st);
    if (s != FL_OK)
      flsql_error_ctx(c, st, fn, "cannot buffer argument 1 (geom)");
    else
      memo_put(c, fn, g, FLSQL_MEMO_BUFFER, m, 0, side, out);
  }
  flsql_geom_release(g);
}

static void fn_band(sqlite3_context *c, int argc, sqlite3_value **argv) {
  static const char fn[] = "FL_Band";
  flsql_state *st = sqlite3_user_data(c);
  double inner = 0, outer = 0;
  fl_side side;
  if (flsql_metres_arg(c, argv, 1, fn, "inner_m", &inner) != FLSQL_OK) return;
  if (flsql_metres_arg(c, argv, 2, fn, "outer_m", &outer) != FLSQL_OK) return;
  if (inner > outer) {
    flsql_error(c, fn, "argument 2 (inner_m) must not exceed argument 3 (outer_m), got %g > %g",
                inner, outer);
    return;
  }
  if (flsql_side_arg(c, argv, argc, 3, fn, &side) != FLSQL_OK) return;
  flsql_geom *g = NULL;
  if (flsql_geom_arg(c, argv, 0, fn, "front", &g) != FLSQL_OK) return;
  if (inner == outer) { /* (B1) an empty band */
    flsql_geom_release(g);
    return;
  }
  if (!memo_get(c, g, FLSQL_MEMO_BAND, inner, outer, side)) {
    GEOSGeometry *out = NULL;
    flsql_work_begin(st, sqlite3_context_db_handle(c));
    fl_status s = fl_band(st->ctx, g->lonlat, inner, outer, side, &out);
    flsql_work_end(st);
    if (s != FL_OK)
      flsql_error_ctx(c, st, fn, "cannot cut the band around argument 1 (front)");
    else
      memo_put(c, fn, g, FLSQL_MEMO_BAND, inner, outer, side, out);
  }
  flsql_geom_release(g);
}

int flsql_register_buffer_band(sqlite3 *db, flsql_state *st) {
  int rc = flsql_create_function(db, st, "FL_Buffer", 2, FLSQL_PURE, fn_buffer, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Buffer", 3, FLSQL_PURE, fn_buffer, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Band", 3, FLSQL_PURE, fn_band, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = flsql_create_function(db, st, "FL_Band", 4, FLSQL_PURE, fn_band, NULL, NULL);
  return rc;
}
