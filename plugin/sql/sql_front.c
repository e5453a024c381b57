/*
 * sql_front.c - a front named as a table: every geometry of the table,
 * indexed once per statement (FL_Distance(geom, front_table [, geom_column])).
 *
 * Why: a front passed as a scalar subquery or a join column arrives as a new
 * value on every row, and the cache (sql_cache.c) can only prove it is the
 * same front by comparing every byte: 1.6 MB per row for the benchmark's
 * front. A name costs a string compare per row and never stands for a stale
 * front: the index is the auxdata of the name argument, which SQLite keeps
 * between rows while that argument is a literal or a bound parameter and
 * drops when the statement is reset (the next run reads the table again).
 *
 * Rules:
 *   (F1) the front is all of the table's geometries (rows with a NULL or
 *        empty geometry are skipped); a table with none is an error;
 *   (F2) geom_column defaults to the registered one; every row has one SRID
 *        (sql_table.c), which the other argument must share;
 *   (F3) the index is rebuilt when the table or column name differs from the
 *        row before (a name from a column: on every change).
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

static void front_free(void *p) {
  flsql_front *f = p;
  if (!f) return;
  fl_dist_index_destroy(f->st->ctx, f->index);
  sqlite3_free(f->table);
  sqlite3_free(f->geom);
  sqlite3_free(f);
}

/* The lon/lat geometries read so far. */
typedef struct geom_list {
  fl_ctx *ctx;
  const char *fn, *table;
  GEOSGeometry **g;
  size_t n, cap;
} geom_list;

static char *add_geom(void *user, GEOSGeometry *g, int srid, sqlite3_stmt *s, const char *where) {
  geom_list *l = user;
  GEOSContextHandle_t h = fl_ctx_geos(l->ctx);
  (void)s;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    GEOSGeometry **grown = realloc(l->g, cap * sizeof *grown);
    if (!grown) {
      GEOSGeom_destroy_r(h, g);
      return sqlite3_mprintf("%s: out of memory", l->fn);
    }
    l->g = grown;
    l->cap = cap;
  }
  GEOSGeometry *ll = NULL;
  fl_status rc = fl_geom_to_lonlat(l->ctx, g, srid, &ll);
  GEOSGeom_destroy_r(h, g);
  if (rc)
    return sqlite3_mprintf("%s: table '%s', %s: %s", l->fn, l->table, where,
                           fl_ctx_errmsg(l->ctx));
  l->g[l->n++] = ll;
  return NULL;
}

/* (F1, F2) read and index the table; returns an error text or NULL. */
static char *build(flsql_state *st, sqlite3 *db, const char *fn, int i_table, int i_col,
                   flsql_front *f) {
  flsql_table t = {fn, f->table, i_table + 1, "front_table", f->geom, i_col + 1,
                   NULL, NULL, NULL, 0, 0};
  geom_list l = {st->ctx, fn, f->table, NULL, 0, 0};
  char *err = flsql_table_read(st, db, &t, &f->srid, add_geom, &l);
  if (!err && l.n == 0)
    err = sqlite3_mprintf("%s: table '%s' has no row with a geometry to measure to", fn,
                          f->table);
  if (!err && fl_dist_index_create(st->ctx, (const GEOSGeometry *const *)l.g, l.n, &f->index))
    err = fl_ctx_status(st->ctx) == FL_E_CANCEL
              ? sqlite3_mprintf(FLSQL_STOPPED)
              : sqlite3_mprintf("%s: cannot index table '%s': %s", fn, f->table,
                                fl_ctx_errmsg(st->ctx));
  for (size_t i = 0; i < l.n; i++) GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), l.g[i]);
  free(l.g); /* the index copies what it needs */
  return err;
}

/* Text argument i or NULL (absent or NULL); FLSQL_ERR when not text. */
static int name_of(sqlite3_context *c, int argc, sqlite3_value **argv, int i, const char *fn,
                   const char *what, const char **out) {
  *out = NULL;
  if (i < 0 || i >= argc || sqlite3_value_type(argv[i]) == SQLITE_NULL) return FLSQL_NULL;
  if (sqlite3_value_type(argv[i]) != SQLITE_TEXT) {
    flsql_error(c, fn, "argument %d (%s) must be a name, as text", i + 1, what);
    return FLSQL_ERR;
  }
  *out = (const char *)sqlite3_value_text(argv[i]);
  return FLSQL_OK;
}

int flsql_front_arg(sqlite3_context *c, int argc, sqlite3_value **argv, int i_table, int i_col,
                    const char *fn, flsql_front **out, flsql_front **fresh) {
  flsql_state *st = sqlite3_user_data(c);
  const char *table = NULL, *geom = NULL;
  *out = *fresh = NULL;
  int rc = name_of(c, argc, argv, i_table, fn, "front_table", &table);
  if (rc != FLSQL_OK || name_of(c, argc, argv, i_col, fn, "geom_column", &geom) == FLSQL_ERR)
    return rc == FLSQL_OK ? FLSQL_ERR : rc;
  flsql_front *f = sqlite3_get_auxdata(c, i_table);
  if (f && flsql_same_name(f->table, table) && flsql_same_name(f->geom, geom)) { /* (F3) */
    *out = f;
    return FLSQL_OK;
  }
  if (!(f = sqlite3_malloc(sizeof *f))) {
    sqlite3_result_error_nomem(c);
    return FLSQL_ERR;
  }
  memset(f, 0, sizeof *f);
  f->st = st;
  f->table = sqlite3_mprintf("%s", table);
  f->geom = geom ? sqlite3_mprintf("%s", geom) : NULL;
  sqlite3 *db = sqlite3_context_db_handle(c);
  flsql_work_begin(st, db);
  char *err = !f->table || (geom && !f->geom) ? sqlite3_mprintf("%s: out of memory", fn)
                                               : build(st, db, fn, i_table, i_col, f);
  flsql_work_end(st);
  if (err) {
    flsql_error_text(c, err);
    front_free(f);
    return FLSQL_ERR;
  }
  *out = *fresh = f;
  return FLSQL_OK;
}

void flsql_front_keep(sqlite3_context *c, int i_table, flsql_front *fresh) {
  if (fresh) sqlite3_set_auxdata(c, i_table, fresh, front_free);
}
