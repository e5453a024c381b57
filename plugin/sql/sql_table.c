/*
 * sql_table.c - a table (or view) named in an argument, read for a function
 * that prepares it once per statement (FL_Holder, FL_Share and FL_Distance
 * with a table name; docs/sql.md "Naming a table").
 *
 * Rules:
 *   (T1) the table must exist (pragma_table_info: any schema, temp first;
 *        the name is the table's alone, never 'schema.table', and never a
 *        CTE of the calling statement);
 *        each named column must be one of its columns; the geometry column
 *        defaults to the one registered in gpkg_geometry_columns or
 *        geometry_columns;
 *   (T2) rows with a NULL geometry are skipped; every other geometry is a
 *        SpatiaLite or GeoPackage blob, and all have one SRID; empty
 *        geometries are skipped;
 *   (T3) every problem is one sentence naming the function, the table, the
 *        column and, for a row, its rowid (a view without one: its place);
 *   (T4) a table read while it is being read (a view that names itself to
 *        a named-table function) or reads nested deeper than
 *        FLSQL_READ_DEPTH are refused: the recursion would not end.
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

int flsql_table_has_column(sqlite3 *db, const char *table, const char *column) {
  sqlite3_stmt *s = NULL;
  int found = -1;
  if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE "
                         "?2 IS NULL OR lower(name) = lower(?2)", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    if (column) sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) found = sqlite3_column_int(s, 0) > 0;
  }
  sqlite3_finalize(s);
  return found;
}

/* (T1) the registered geometry column of a table, or NULL. */
char *flsql_registered_column(sqlite3 *db, const char *table) {
  static const char *const queries[] = {
      "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?1)",
      "SELECT f_geometry_column FROM geometry_columns WHERE lower(f_table_name) = lower(?1)"};
  char *col = NULL;
  for (size_t q = 0; !col && q < sizeof queries / sizeof queries[0]; q++) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, queries[q], -1, &s, NULL) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
      if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        col = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(s, 0));
    }
    sqlite3_finalize(s);
  }
  return col;
}

/* (T1) the table and its columns; *geom the geometry column (sqlite3_malloc). */
static char *check_names(sqlite3 *db, const flsql_table *t, char **geom) {
  *geom = NULL;
  if (flsql_table_has_column(db, t->table, NULL) != 1)
    return sqlite3_mprintf("%s: argument %d (%s): no table or view '%s' in this database%s",
                           t->fn, t->table_arg, t->table_arg_name, t->table,
                           strchr(t->table, '.') ? " (a schema prefix is not read: name the table "
                                                   "alone, temp, main and attached databases are "
                                                   "searched in that order)" : "");
  for (size_t i = 0; i < t->n_columns; i++)
    if (flsql_table_has_column(db, t->table, t->columns[i]) != 1)
      return sqlite3_mprintf("%s: table '%s' has no column '%s' (argument %d, %s)", t->fn,
                             t->table, t->columns[i], t->column_arg[i], t->column_arg_name[i]);
  if (t->geom_column) {
    if (flsql_table_has_column(db, t->table, t->geom_column) != 1)
      return sqlite3_mprintf("%s: table '%s' has no column '%s' (argument %d, geom_column)",
                             t->fn, t->table, t->geom_column, t->geom_arg);
    *geom = sqlite3_mprintf("%s", t->geom_column);
  } else if (!(*geom = flsql_registered_column(db, t->table))) {
    return sqlite3_mprintf("%s: table '%s' has no geometry column registered in "
                           "gpkg_geometry_columns or geometry_columns; pass it as argument %d "
                           "(geom_column)", t->fn, t->table, t->geom_arg);
  }
  return *geom ? NULL : sqlite3_mprintf("%s: out of memory", t->fn);
}

/* SELECT rowid, geom, columns... (a view has no rowid: NULL instead). */
static sqlite3_stmt *table_stmt(sqlite3 *db, const flsql_table *t, const char *geom, char **err) {
  sqlite3_stmt *s = NULL;
  int rc = SQLITE_ERROR;
  for (int with_rowid = 1; rc != SQLITE_OK && with_rowid >= 0; with_rowid--) {
    sqlite3_str *q = sqlite3_str_new(db);
    sqlite3_str_appendf(q, "SELECT %s, \"%w\"", with_rowid ? "rowid" : "NULL", geom);
    for (size_t i = 0; i < t->n_columns; i++) sqlite3_str_appendf(q, ", \"%w\"", t->columns[i]);
    sqlite3_str_appendf(q, " FROM \"%w\" WHERE \"%w\" IS NOT NULL", t->table, geom);
    for (size_t i = 0; i < t->n_required; i++)
      sqlite3_str_appendf(q, " AND \"%w\" IS NOT NULL", t->columns[i]);
    char *sql = sqlite3_str_finish(q);
    rc = sql ? sqlite3_prepare_v2(db, sql, -1, &s, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
  }
  if (rc != SQLITE_OK)
    *err = sqlite3_mprintf("%s: cannot read table '%s': %s", t->fn, t->table, sqlite3_errmsg(db));
  return rc == SQLITE_OK ? s : NULL;
}

/* " rowid 12" or " row 12" (a view without rowid) for messages. */
static void row_label(sqlite3_stmt *s, long long place, char *buf, size_t n) {
  if (sqlite3_column_type(s, 0) == SQLITE_NULL) sqlite3_snprintf((int)n, buf, "row %lld", place);
  else sqlite3_snprintf((int)n, buf, "rowid %lld", (long long)sqlite3_column_int64(s, 0));
}

/* (T2) one row's geometry (*g NULL when empty); returns an error text or NULL. */
static char *read_geom(flsql_state *st, const flsql_table *t, const char *geom, sqlite3_stmt *s,
                       long long place, int *srid, GEOSGeometry **g) {
  char where[64];
  *g = NULL;
  int row_srid = 0;
  fl_blob_kind kind = FL_BLOB_WKB;
  const unsigned char *p = sqlite3_column_blob(s, 1);
  size_t n = (size_t)sqlite3_column_bytes(s, 1);
  int ok = sqlite3_column_type(s, 1) == SQLITE_BLOB &&
           fl_geom_from_blob(st->ctx, p, n, g, &row_srid, &kind) == FL_OK;
  row_label(s, place, where, sizeof where);
  if (ok && kind != FL_BLOB_SPATIALITE && kind != FL_BLOB_GPKG) ok = 0;
  if (!ok) {
    if (*g) GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), *g);
    *g = NULL;
    return sqlite3_mprintf("%s: table '%s', %s: column '%s' is not a SpatiaLite or GeoPackage "
                           "geometry blob", t->fn, t->table, where, geom);
  }
  if (*srid >= 0 && row_srid != *srid) {
    GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), *g);
    *g = NULL;
    return sqlite3_mprintf("%s: table '%s', %s: SRID %d differs from the SRID %d of the rows "
                           "before it", t->fn, t->table, where, row_srid, *srid);
  }
  *srid = row_srid;
  if (GEOSisEmpty_r(fl_ctx_geos(st->ctx), *g) == 1) {
    GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), *g);
    *g = NULL;
  }
  return NULL;
}

/* (T4) the sentence when t may not be read now, else NULL. */
static char *check_nesting(const flsql_state *st, const flsql_table *t) {
  for (int i = 0; i < st->n_reading; i++)
    if (sqlite3_stricmp(st->reading[i], t->table) == 0)
      return sqlite3_mprintf("%s: table '%s' is named again while it is being read (a view "
                             "that calls a function naming itself)", t->fn, t->table);
  if (st->n_reading == FLSQL_READ_DEPTH)
    return sqlite3_mprintf("%s: table '%s' is named while %d tables are being read, one inside "
                           "the other; at most %d may nest", t->fn, t->table, st->n_reading,
                           FLSQL_READ_DEPTH);
  return NULL;
}

char *flsql_table_read(flsql_state *st, sqlite3 *db, const flsql_table *t, int *srid,
                       flsql_table_row row, void *user) {
  char *geom = NULL, *err = check_nesting(st, t);
  *srid = -1;
  if (err) return err;
  st->reading[st->n_reading++] = t->table;
  err = check_names(db, t, &geom);
  sqlite3_stmt *s = err ? NULL : table_stmt(db, t, geom, &err);
  int rc = SQLITE_DONE;
  long long place = 0;
  while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    GEOSGeometry *g = NULL;
    place++;
    err = read_geom(st, t, geom, s, place, srid, &g);
    if (!err && g) {
      char where[64];
      row_label(s, place, where, sizeof where);
      err = row(user, g, *srid, s, where); /* g taken */
    }
  }
  if (!err && rc == SQLITE_INTERRUPT) err = sqlite3_mprintf(FLSQL_STOPPED);
  else if (!err && rc != SQLITE_DONE)
    err = sqlite3_mprintf("%s: reading table '%s': %s", t->fn, t->table, sqlite3_errmsg(db));
  sqlite3_finalize(s);
  sqlite3_free(geom);
  st->n_reading--;
  return err;
}

int flsql_same_name(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}
