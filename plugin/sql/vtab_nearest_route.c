/*
 * vtab_nearest_route.c - FL_NearestRoute(geom, routes_table [, geom_column]):
 * a table-valued function (eponymous virtual table) giving the route of a
 * table nearest to a geometry, through an index built once per statement:
 *
 *   SELECT s.name, r.name AS route, n.dist_m
 *   FROM settlements s, FL_NearestRoute(s.geom, 'routes') n
 *   JOIN routes r ON r.rowid = n.route_rowid;
 *
 * Rules:
 *   (N1) one row: route_rowid (the rowid of the nearest route; a GeoPackage
 *        fid), dist_m (geodesic metres, 0 when touching) and geometry (the
 *        geodesic from the closest point of geom to the closest point of the
 *        route, a vertex at least every 1,000 m: core's fl_nearest_line, the
 *        nearest-route tool's line; in geom's SRID and blob kind);
 *   (N2) geom_column defaults to the table's column registered in
 *        gpkg_geometry_columns or geometry_columns; routes with a NULL or
 *        empty geometry are skipped; every route has geom's SRID;
 *   (N3) the routes are read and indexed when the cursor first needs them
 *        and reused for every row of the statement (a join calls xFilter
 *        once per outer row on the same cursor); a new statement reads the
 *        table again, so edits to it are seen;
 *   (N4) a NULL or empty geom, or a table without routes, gives no row;
 *   (N5) sqlite3_interrupt() stops the reading, indexing and search
 *        (sql_work.c): the statement fails with SQLite's "interrupted".
 * Not here: the nearest search, the prepared nearest-route kernel
 * (fl_routes.h, core/nearest_kernel.c).
 */
#include "sql_internal.h"

#include <stdlib.h>
#include <string.h>

/* An error text that stands for "stopped by sqlite3_interrupt()" (N5). */
#define STOPPED FLSQL_STOPPED

enum { COL_ROWID, COL_DIST, COL_GEOMETRY, COL_GEOM, COL_TABLE, COL_COLUMN };

typedef struct nr_vtab {
  sqlite3_vtab base;
  sqlite3 *db;
  flsql_state *state; /* borrowed: the module holds a reference */
} nr_vtab;

typedef struct nr_cursor {
  sqlite3_vtab_cursor base;
  /* the routes index of this statement (N3) */
  char *table, *column;      /* sqlite3_malloc'd key of the index        */
  fl_nearest_kernel *index;  /* the routes' kernel                     */
  sqlite3_int64 *rowids;     /* rowid of each indexed item               */
  size_t n_routes;
  int srid;                  /* SRID of the routes                       */
  /* the current row */
  int has_row;
  sqlite3_int64 rowid;
  double dist_m;
  unsigned char *blob;       /* fl_free */
  size_t n;
} nr_cursor;

static int n_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                     sqlite3_vtab **out, char **err) {
  (void)argc;
  (void)argv;
  (void)err;
  int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(route_rowid INTEGER, dist_m REAL, "
                                    "geometry GEOMETRY, geom HIDDEN, routes_table HIDDEN, "
                                    "geom_column HIDDEN)");
  if (rc != SQLITE_OK) return rc;
  nr_vtab *v = sqlite3_malloc(sizeof *v);
  if (!v) return SQLITE_NOMEM;
  memset(v, 0, sizeof *v);
  v->db = db;
  v->state = aux;
  *out = &v->base;
  return SQLITE_OK;
}

static int n_disconnect(sqlite3_vtab *v) {
  sqlite3_free(v);
  return SQLITE_OK;
}

/* geom and routes_table must be given (argvIndex 1, 2); geom_column is
 * optional (3). idxNum bit 0: geom_column given. */
static int n_best_index(sqlite3_vtab *v, sqlite3_index_info *info) {
  (void)v;
  return flsql_tvf_best_index(info, COL_GEOM, 10, 1);
}

static int n_open(sqlite3_vtab *v, sqlite3_vtab_cursor **out) {
  (void)v;
  nr_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c) return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  *out = &c->base;
  return SQLITE_OK;
}

static void clear_row(nr_cursor *c) {
  fl_free(c->blob);
  c->blob = NULL;
  c->n = 0;
  c->has_row = 0;
}

static void clear_index(nr_cursor *c, flsql_state *st) {
  fl_nearest_free(st->ctx, c->index);
  c->index = NULL;
  sqlite3_free(c->rowids);
  sqlite3_free(c->table);
  sqlite3_free(c->column);
  c->rowids = NULL;
  c->table = c->column = NULL;
  c->n_routes = 0;
}

static int n_close(sqlite3_vtab_cursor *cur) {
  nr_cursor *c = (nr_cursor *)cur;
  clear_row(c);
  clear_index(c, ((nr_vtab *)cur->pVtab)->state);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int fail(sqlite3_vtab_cursor *cur, char *msg) {
  sqlite3_free(cur->pVtab->zErrMsg);
  cur->pVtab->zErrMsg = msg;
  return msg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* One route row's geometry in lon/lat (*ll NULL when empty); the first
 * row's SRID is kept in c->srid and every other must match (N2). Returns an
 * error text or NULL. */
static char *read_route(nr_cursor *c, flsql_state *st, sqlite3_stmt *s, const char *table,
                        const char *col, GEOSGeometry **ll) {
  GEOSContextHandle_t h = fl_ctx_geos(st->ctx);
  const unsigned char *p = sqlite3_column_blob(s, 1);
  size_t len = (size_t)sqlite3_column_bytes(s, 1);
  sqlite3_int64 rowid = sqlite3_column_int64(s, 0);
  GEOSGeometry *g = NULL;
  int srid = 0;
  char *err = NULL;
  *ll = NULL;
  if (sqlite3_column_type(s, 1) != SQLITE_BLOB ||
      fl_geom_from_blob(st->ctx, p, len, &g, &srid, NULL) != FL_OK)
    return sqlite3_mprintf("FL_NearestRoute: table '%s', rowid %lld: column '%s' is not a "
                           "SpatiaLite or GeoPackage geometry blob", table, (long long)rowid, col);
  if (c->srid >= 0 && srid != c->srid)
    err = sqlite3_mprintf("FL_NearestRoute: table '%s', rowid %lld: SRID %d differs from the "
                          "other routes' SRID %d", table, (long long)rowid, srid, c->srid);
  else if (GEOSisEmpty_r(h, g) != 1 && fl_geom_to_lonlat(st->ctx, g, srid, ll) != FL_OK)
    err = sqlite3_mprintf("FL_NearestRoute: table '%s', rowid %lld: %s", table,
                          (long long)rowid, fl_ctx_errmsg(st->ctx));
  c->srid = srid;
  GEOSGeom_destroy_r(h, g);
  return err;
}

/* The routes read so far: their lon/lat geometries (c->rowids alongside). */
typedef struct route_list {
  GEOSGeometry **geoms;
  size_t n, cap;
} route_list;

static char *push_route(nr_cursor *c, route_list *l, GEOSGeometry *ll, sqlite3_int64 rowid) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    GEOSGeometry **ng = realloc(l->geoms, cap * sizeof *ng);
    sqlite3_int64 *nr = sqlite3_realloc64(c->rowids, cap * sizeof *nr);
    if (ng) l->geoms = ng;
    if (nr) c->rowids = nr;
    if (!ng || !nr) return sqlite3_mprintf("FL_NearestRoute: out of memory");
    l->cap = cap;
  }
  l->geoms[l->n] = ll;
  c->rowids[l->n++] = rowid;
  return NULL;
}

/* Every route of the statement s into l; returns an error text or NULL. */
static char *read_routes(nr_cursor *c, nr_vtab *v, sqlite3_stmt *s, const char *table,
                         const char *col, route_list *l) {
  flsql_state *st = v->state;
  char *err = NULL;
  int rc;
  c->srid = -1;
  while (!err && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    GEOSGeometry *ll = NULL;
    err = read_route(c, st, s, table, col, &ll);
    if (!err && ll && (err = push_route(c, l, ll, sqlite3_column_int64(s, 0))))
      GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), ll); /* not kept */
  }
  if (!err && rc == SQLITE_INTERRUPT) return sqlite3_mprintf(STOPPED);
  if (!err && rc != SQLITE_DONE)
    return sqlite3_mprintf("FL_NearestRoute: reading table '%s': %s", table, sqlite3_errmsg(v->db));
  return err;
}

/* The routes' kernel (N3); returns an error text or NULL. */
static char *prepare_kernel(nr_cursor *c, flsql_state *st, const route_list *l,
                            const char *table) {
  if (!l->n) return NULL;
  if (fl_nearest_prepare(st->ctx, (const GEOSGeometry *const *)l->geoms, l->n, NULL, &c->index) ==
      FL_OK)
    return NULL;
  return fl_ctx_status(st->ctx) == FL_E_CANCEL
             ? sqlite3_mprintf(STOPPED)
             : sqlite3_mprintf("FL_NearestRoute: cannot index table '%s': %s", table,
                               fl_ctx_errmsg(st->ctx));
}

/* The statement reading a table's routes, or an error text in *err. */
static sqlite3_stmt *routes_stmt(nr_vtab *v, const char *table, const char *col, char **err) {
  char *sql = sqlite3_mprintf("SELECT rowid, \"%w\" FROM \"%w\" WHERE \"%w\" IS NOT NULL", col,
                              table, col);
  sqlite3_stmt *s = NULL;
  int rc = sql ? sqlite3_prepare_v2(v->db, sql, -1, &s, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK)
    *err = sqlite3_mprintf("FL_NearestRoute: cannot read column '%s' of table '%s' "
                           "(arguments 2 and 3): %s", col, table, sqlite3_errmsg(v->db));
  return rc == SQLITE_OK ? s : NULL;
}

/* (N3) read and index the routes; returns an error text or NULL. */
static char *build_index(nr_cursor *c, nr_vtab *v, const char *table, const char *column) {
  flsql_state *st = v->state;
  clear_index(c, st);
  char *col = column ? sqlite3_mprintf("%s", column) : flsql_registered_column(v->db, table);
  if (!col)
    return column ? sqlite3_mprintf("FL_NearestRoute: out of memory")
                  : sqlite3_mprintf("FL_NearestRoute: table '%s' has no geometry column "
                                    "registered in gpkg_geometry_columns or geometry_columns; "
                                    "pass it as argument 3 (geom_column)", table);
  char *err = NULL;
  sqlite3_stmt *s = routes_stmt(v, table, col, &err);
  route_list l = {NULL, 0, 0};
  if (s) err = read_routes(c, v, s, table, col, &l);
  sqlite3_finalize(s);
  if (!err) err = prepare_kernel(c, st, &l, table);
  for (size_t i = 0; i < l.n; i++) GEOSGeom_destroy_r(fl_ctx_geos(st->ctx), l.geoms[i]);
  free(l.geoms); /* the kernel copies what it needs */
  c->n_routes = err ? 0 : l.n;
  c->table = sqlite3_mprintf("%s", table);
  c->column = column ? sqlite3_mprintf("%s", column) : NULL;
  sqlite3_free(col);
  if (!err && (!c->table || (column && !c->column)))
    err = sqlite3_mprintf("FL_NearestRoute: out of memory");
  if (err) clear_index(c, st);
  return err;
}

static int same_text(const char *a, const char *b) {
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int n_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                    sqlite3_value **argv) {
  (void)idx_str;
  nr_cursor *c = (nr_cursor *)cur;
  nr_vtab *v = (nr_vtab *)cur->pVtab;
  flsql_state *st = v->state;
  clear_row(c);
  if (idx_num & FLSQL_TVF_MISSING)
    return fail(cur, sqlite3_mprintf("FL_NearestRoute: needs its first two arguments, as in "
                                     "FL_NearestRoute(geom, routes_table [, geom_column])"));
  if (argc < 2 || sqlite3_value_type(argv[1]) == SQLITE_NULL) return SQLITE_OK;
  if (sqlite3_value_type(argv[1]) != SQLITE_TEXT)
    return fail(cur, sqlite3_mprintf("FL_NearestRoute: argument 2 (routes_table) must be the "
                                     "name of a table, as text"));
  const char *table = (const char *)sqlite3_value_text(argv[1]);
  const char *column = NULL;
  if (idx_num & 1) {
    if (sqlite3_value_type(argv[2]) == SQLITE_NULL) return SQLITE_OK;
    if (sqlite3_value_type(argv[2]) != SQLITE_TEXT)
      return fail(cur, sqlite3_mprintf("FL_NearestRoute: argument 3 (geom_column) must be the "
                                       "name of a column, as text"));
    column = (const char *)sqlite3_value_text(argv[2]);
  }
  flsql_geom *g = NULL;
  char *err = NULL;
  int rc = flsql_geom_value(st, argv[0], 0, "FL_NearestRoute", "geom", &g, &err);
  if (rc != FLSQL_OK) return rc == FLSQL_ERR ? fail(cur, err) : SQLITE_OK; /* (N4) */
  flsql_work_begin(st, v->db); /* (N5) */
  if (!c->table || strcmp(c->table, table) != 0 || !same_text(c->column, column))
    err = build_index(c, v, table, column);
  if (!err && c->n_routes && g->srid != c->srid)
    err = sqlite3_mprintf("FL_NearestRoute: argument 1 (geom) has SRID %d but the routes of "
                          "'%s' have SRID %d; transform one first", g->srid, table, c->srid);
  fl_nearest r;
  if (!err && c->index) {
    if (fl_nearest_settlement(st->ctx, c->index, g->lonlat, &r) != FL_OK) {
      err = fl_ctx_status(st->ctx) == FL_E_CANCEL
                ? sqlite3_mprintf(STOPPED)
                : sqlite3_mprintf("FL_NearestRoute: %s", fl_ctx_errmsg(st->ctx));
    } else {
      GEOSGeometry *line = NULL; /* (N1) core's line, the CLI's */
      if (fl_nearest_line(st->ctx, &r, &line) != FL_OK ||
          flsql_encode(st, line, g->srid, g->kind, &c->blob, &c->n) != FL_OK)
        err = sqlite3_mprintf("FL_NearestRoute: cannot write the connecting line: %s",
                              fl_ctx_errmsg(st->ctx));
      c->has_row = !err;
      c->rowid = c->rowids[r.item];
      c->dist_m = r.dist_m;
    }
  }
  flsql_work_end(st);
  flsql_geom_release(g);
  if (err && strcmp(err, STOPPED) == 0) {
    sqlite3_free(err);
    return SQLITE_INTERRUPT;
  }
  return err ? fail(cur, err) : SQLITE_OK;
}

static int n_next(sqlite3_vtab_cursor *cur) {
  ((nr_cursor *)cur)->has_row = 0;
  return SQLITE_OK;
}

static int n_eof(sqlite3_vtab_cursor *cur) { return !((nr_cursor *)cur)->has_row; }

static int n_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col) {
  nr_cursor *c = (nr_cursor *)cur;
  switch (col) {
    case COL_ROWID: sqlite3_result_int64(ctx, c->rowid); break;
    case COL_DIST: sqlite3_result_double(ctx, c->dist_m); break;
    case COL_GEOMETRY:
      if (c->blob) sqlite3_result_blob64(ctx, c->blob, (sqlite3_uint64)c->n, SQLITE_TRANSIENT);
      break;
    default: break; /* hidden argument columns read back as NULL */
  }
  return SQLITE_OK;
}

static int n_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid) {
  *rowid = ((nr_cursor *)cur)->rowid;
  return SQLITE_OK;
}

static const sqlite3_module nearest_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only */
    .xConnect = n_connect,
    .xBestIndex = n_best_index,
    .xDisconnect = n_disconnect,
    .xDestroy = n_disconnect,
    .xOpen = n_open,
    .xClose = n_close,
    .xFilter = n_filter,
    .xNext = n_next,
    .xEof = n_eof,
    .xColumn = n_column,
    .xRowid = n_rowid,
};

int flsql_register_vtab_nearest_route(sqlite3 *db, flsql_state *st) {
  st->refs++; /* dropped by SQLite through the destructor, also on failure */
  return sqlite3_create_module_v2(db, "FL_NearestRoute", &nearest_module, st, flsql_state_unref);
}
