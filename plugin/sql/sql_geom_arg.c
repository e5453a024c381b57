/*
 * sql_geom_arg.c - reading the arguments of FL_* functions and writing their
 * geometry results; the one place that turns a bad argument or an fl_status
 * into an SQL error.
 *
 * Rules:
 *   (A1) SQL NULL in gives NULL out: readers return FLSQL_NULL and the caller
 *        returns without setting a result. An empty GeoPackage geometry
 *        counts as NULL.
 *   (A2) every error names the function and the argument, by position
 *        (1-based, as in SQL) and name: "FL_Buffer: argument 2 (metres) must
 *        not be negative, got -5".
 *   (A3) a geometry argument is looked up in auxdata first (literal and bound
 *        arguments keep it between rows), then in the content-keyed cache of
 *        sql_cache.c (join columns, scalar subqueries), and only then decoded.
 *        Aggregates skip auxdata: in an aggregate step SQLite keeps it from
 *        row to row even when the argument changes (seen on 3.40.1), so
 *        there it would hand back the first row's geometry.
 *   (A4) results go back as the kind of blob (SpatiaLite or GeoPackage) and
 *        the SRID of the geometry argument they come from; an empty result is
 *        NULL (SpatiaLite blobs cannot hold an empty geometry).
 */
#include "sql_internal.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

static const char *type_name(int t) {
  switch (t) {
    case SQLITE_INTEGER: return "an integer";
    case SQLITE_FLOAT: return "a real";
    case SQLITE_TEXT: return "text";
    case SQLITE_BLOB: return "a blob";
    default: return "NULL";
  }
}

void flsql_error(sqlite3_context *c, const char *fn, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *what = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  char *msg = what ? sqlite3_mprintf("%s: %s", fn, what) : NULL;
  if (msg) sqlite3_result_error(c, msg, -1);
  else sqlite3_result_error_nomem(c);
  sqlite3_free(what);
  sqlite3_free(msg);
}

void flsql_error_text(sqlite3_context *c, char *err) {
  if (strcmp(err, FLSQL_STOPPED) == 0) sqlite3_result_error_code(c, SQLITE_INTERRUPT);
  else sqlite3_result_error(c, err, -1);
  sqlite3_free(err);
}

void flsql_error_ctx(sqlite3_context *c, flsql_state *st, const char *fn, const char *what) {
  if (fl_ctx_status(st->ctx) == FL_E_NOMEM) { /* the sentence, with SQLite's code for it */
    const char *why = fl_ctx_errmsg(st->ctx);
    flsql_error(c, fn, "%s: %s", what, why[0] ? why : "out of memory");
    sqlite3_result_error_code(c, SQLITE_NOMEM);
    return;
  }
  if (fl_ctx_status(st->ctx) == FL_E_CANCEL) { /* sqlite3_interrupt() (sql_work.c) */
    sqlite3_result_error_code(c, SQLITE_INTERRUPT);
    return;
  }
  const char *why = fl_ctx_errmsg(st->ctx);
  flsql_error(c, fn, "%s: %s", what, why[0] ? why : fl_status_str(fl_ctx_status(st->ctx)));
}

/* The error text of a geometry argument that could not be read, or NULL. */
static char *geom_problem(flsql_state *st, sqlite3_value *v, int i, const char *fn,
                          const char *name, flsql_geom **out) {
  *out = NULL;
  int t = sqlite3_value_type(v);
  if (t != SQLITE_BLOB)
    return sqlite3_mprintf("%s: argument %d (%s) must be a geometry blob, got %s", fn, i + 1,
                           name, type_name(t));
  const unsigned char *p = sqlite3_value_blob(v);
  size_t n = (size_t)sqlite3_value_bytes(v);
  if (!p || n == 0)
    return sqlite3_mprintf("%s: argument %d (%s) is not a SpatiaLite or GeoPackage geometry "
                           "blob (length 0)", fn, i + 1, name);
  int srid = 0;
  fl_status rc = flsql_cache_get(st, p, n, out, &srid);
  switch (rc) {
    case FL_OK: return NULL;
    case FL_E_NOMEM:
      return sqlite3_mprintf("%s: out of memory reading argument %d (%s), a blob of %lld bytes",
                             fn, i + 1, name, (long long)n);
    case FL_E_ARG:
      return sqlite3_mprintf("%s: argument %d (%s) is plain WKB, which has no SRID; pass a "
                             "SpatiaLite or GeoPackage blob, e.g. GeomFromWKB(x, 4326)",
                             fn, i + 1, name);
    case FL_E_SRID:
      if (srid <= 0)
        return sqlite3_mprintf("%s: argument %d (%s) has no SRID (%d); set one, e.g. "
                               "SetSRID(geom, 4326)", fn, i + 1, name, srid);
      return sqlite3_mprintf("%s: argument %d (%s) has SRID %d, which is not a coordinate "
                             "system PROJ knows", fn, i + 1, name, srid);
    case FL_E_GEOM:
      if (srid == 0) /* the blob did not decode (a decoded blob has its SRID) */
        return sqlite3_mprintf("%s: argument %d (%s) is not a SpatiaLite or GeoPackage "
                               "geometry blob (length %lld): %s", fn, i + 1, name,
                               (long long)n, fl_ctx_errmsg(st->ctx));
      /* it decoded but could not be projected */
      /* fall through */
    default:
      return sqlite3_mprintf("%s: argument %d (%s) (SRID %d): %s", fn, i + 1, name, srid,
                             fl_ctx_errmsg(st->ctx));
  }
}

int flsql_geom_value(flsql_state *st, sqlite3_value *v, int i, const char *fn, const char *name,
                     flsql_geom **out, char **err) {
  *out = NULL;
  *err = NULL;
  if (sqlite3_value_type(v) == SQLITE_NULL) return FLSQL_NULL;
  fl_ctx_clear_error(st->ctx);
  *err = geom_problem(st, v, i, fn, name, out);
  if (*err || !*out) {
    if (!*err) *err = sqlite3_mprintf("%s: out of memory", fn);
    return FLSQL_ERR;
  }
  if (!(*out)->lonlat) { /* (A1) empty */
    flsql_geom_release(*out);
    *out = NULL;
    return FLSQL_NULL;
  }
  return FLSQL_OK;
}

int flsql_geom_arg_agg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                       const char *name, flsql_geom **out) {
  char *err = NULL;
  int rc = flsql_geom_value(sqlite3_user_data(c), argv[i], i, fn, name, out, &err);
  if (rc == FLSQL_ERR) {
    sqlite3_result_error(c, err, -1);
    sqlite3_free(err);
  }
  return rc;
}

int flsql_geom_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                   const char *name, flsql_geom **out) {
  *out = NULL;
  if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return FLSQL_NULL;
  flsql_geom *g = sqlite3_get_auxdata(c, i); /* (A3) */
  if (g) {
    g->refs++;
    g->uses++;
  } else {
    char *err = NULL;
    int rc = flsql_geom_value(sqlite3_user_data(c), argv[i], i, fn, name, &g, &err);
    if (rc == FLSQL_ERR) {
      sqlite3_result_error(c, err, -1);
      sqlite3_free(err);
      return FLSQL_ERR;
    }
    if (rc == FLSQL_NULL) return FLSQL_NULL;
    g->refs++; /* for the auxdata slot; SQLite releases it when done */
    sqlite3_set_auxdata(c, i, g, flsql_geom_release_v);
  }
  if (!g->lonlat) {
    flsql_geom_release(g);
    return FLSQL_NULL;
  }
  *out = g;
  return FLSQL_OK;
}

int flsql_same_srid(sqlite3_context *c, const char *fn, int ia, const flsql_geom *a, int ib,
                    const flsql_geom *b) {
  if (a->srid == b->srid) return FLSQL_OK;
  flsql_error(c, fn, "arguments %d and %d have different SRIDs (%d and %d); transform one "
              "first, e.g. ST_Transform(geom, %d)", ia + 1, ib + 1, a->srid, b->srid, a->srid);
  return FLSQL_ERR;
}

int flsql_metres_arg(sqlite3_context *c, sqlite3_value **argv, int i, const char *fn,
                     const char *name, double *out) {
  int t = sqlite3_value_type(argv[i]);
  if (t == SQLITE_NULL) return FLSQL_NULL;
  if (t != SQLITE_INTEGER && t != SQLITE_FLOAT) {
    if (t == SQLITE_TEXT)
      flsql_error(c, fn, "argument %d (%s) must be a number of metres, got text '%.40s'", i + 1,
                  name, (const char *)sqlite3_value_text(argv[i]));
    else
      flsql_error(c, fn, "argument %d (%s) must be a number of metres, got %s", i + 1, name,
                  type_name(t));
    return FLSQL_ERR;
  }
  double d = sqlite3_value_double(argv[i]);
  if (!isfinite(d)) {
    flsql_error(c, fn, "argument %d (%s) must be a finite number of metres, got %g", i + 1,
                name, d);
    return FLSQL_ERR;
  }
  if (d < 0) {
    flsql_error(c, fn, "argument %d (%s) must not be negative, got %g", i + 1, name, d);
    return FLSQL_ERR;
  }
  *out = d;
  return FLSQL_OK;
}

int flsql_side_parse(const char *text, fl_side *out) {
  static const struct { const char *name; fl_side side; } sides[] = {
      {"both", FL_SIDE_BOTH}, {"left", FL_SIDE_LEFT}, {"right", FL_SIDE_RIGHT}};
  for (size_t k = 0; text && k < sizeof sides / sizeof sides[0]; k++)
    if (strcasecmp(text, sides[k].name) == 0) {
      *out = sides[k].side;
      return 0;
    }
  return -1;
}

int flsql_side_arg(sqlite3_context *c, sqlite3_value **argv, int argc, int i, const char *fn,
                   fl_side *out) {
  *out = FL_SIDE_BOTH;
  if (i >= argc) return FLSQL_OK; /* optional */
  int t = sqlite3_value_type(argv[i]);
  if (t == SQLITE_NULL) return FLSQL_NULL;
  const char *s = t == SQLITE_TEXT ? (const char *)sqlite3_value_text(argv[i]) : NULL;
  if (flsql_side_parse(s, out) == 0) return FLSQL_OK;
  if (s)
    flsql_error(c, fn, "argument %d (side) must be 'both', 'left' or 'right', got '%.40s'",
                i + 1, s);
  else
    flsql_error(c, fn, "argument %d (side) must be 'both', 'left' or 'right', got %s", i + 1,
                type_name(t));
  return FLSQL_ERR;
}

fl_status flsql_encode(flsql_state *st, GEOSGeometry *lonlat, int srid, fl_blob_kind kind,
                       unsigned char **blob, size_t *n) {
  GEOSContextHandle_t h = fl_ctx_geos(st->ctx);
  *blob = NULL;
  *n = 0;
  if (!lonlat) return FL_OK;
  if (GEOSisEmpty_r(h, lonlat) == 1) { /* (A4) */
    GEOSGeom_destroy_r(h, lonlat);
    return FL_OK;
  }
  GEOSGeometry *g = NULL;
  fl_status rc = fl_geom_from_lonlat(st->ctx, lonlat, srid, &g);
  GEOSGeom_destroy_r(h, lonlat);
  if (rc) return rc;
  rc = fl_geom_to_blob(st->ctx, g, srid, kind, blob, n);
  GEOSGeom_destroy_r(h, g);
  return rc;
}

void flsql_result_geom(sqlite3_context *c, const char *fn, GEOSGeometry *lonlat, int srid,
                       fl_blob_kind kind) {
  flsql_state *st = sqlite3_user_data(c);
  unsigned char *blob = NULL;
  size_t n = 0;
  if (flsql_encode(st, lonlat, srid, kind, &blob, &n)) {
    flsql_error_ctx(c, st, fn, "cannot write the result");
    return;
  }
  if (!blob) {
    sqlite3_result_null(c);
    return;
  }
  sqlite3_result_blob64(c, blob, (sqlite3_uint64)n, fl_free);
}
