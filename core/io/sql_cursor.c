/*
 * sql_cursor.c - a table of an SQLite database read a chunk of rows at a
 * time: what fl__sql_read_table() reads whole (gpkg_read.c's rules R1-R3:
 * the INTEGER PRIMARY KEY as fid, declared types to fields, blobs decoded,
 * empty geometries as none) and the GeoPackage stream source reads in chunks.
 * With xy, a GeoPackage blob of a 2D point is read into coordinates without
 * a GEOS object (fl__gpkg_point_xy); any other geometry is decoded as usual.
 * Not here: the layer metadata (gpkg_read.c, spatialite_io.c).
 */
#include <math.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

typedef struct column {
  char *name;
  fl_field_type type;
  int field;          /* index in the layer */
} column;

struct fl__sql_cursor {
  sqlite3_stmt *s;
  column *cols;
  size_t ncols;
  char *table, *source, *geom_col;
  int srid;
  fl_layer *schema;   /* fields, no features */
  int ended;
};

static fl_status sql_fail(fl_ctx *ctx, sqlite3 *db, const char *what, const char *source) {
  return fl__fail(ctx, FL_E_IO, "%s in '%s' failed (%s)", what, source, sqlite3_errmsg(db));
}

void fl__sql_cursor_close(fl_ctx *ctx, fl__sql_cursor *c) {
  if (!c) return;
  sqlite3_finalize(c->s);
  for (size_t i = 0; i < c->ncols; i++) free(c->cols[i].name);
  free(c->cols);
  free(c->table);
  free(c->source);
  free(c->geom_col);
  fl_layer_destroy(ctx, c->schema);
  free(c);
}

const fl_layer *fl__sql_cursor_schema(const fl__sql_cursor *c) { return c->schema; }

/* The columns, and the one INTEGER PRIMARY KEY (R1) in *fid_col. */
static fl_status read_columns(fl_ctx *ctx, sqlite3 *db, fl__sql_cursor *c, char **fid_col) {
  sqlite3_stmt *s = NULL;
  *fid_col = NULL;
  if (sqlite3_prepare_v2(db, "SELECT name, type, pk FROM pragma_table_info(?1)", -1, &s, NULL))
    return sql_fail(ctx, db, "reading the columns of the table", c->source);
  sqlite3_bind_text(s, 1, c->table, -1, SQLITE_STATIC);
  int npk = 0, pk_is_int = 0;
  char *pk_name = NULL;
  fl_status st = FL_OK;
  while (!st && sqlite3_step(s) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    const char *decl = (const char *)sqlite3_column_text(s, 1);
    if (!name) continue;
    if (sqlite3_column_int(s, 2) > 0) {
      npk++;
      free(pk_name);
      pk_name = fl__strdup(name);
      pk_is_int = decl && strcasecmp(decl, "INTEGER") == 0;
    }
    column *nc = realloc(c->cols, (c->ncols + 1) * sizeof *nc);
    if (nc) c->cols = nc;
    char *copy = nc ? fl__strdup(name) : NULL;
    if (!copy) {
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", c->source);
      break;
    }
    c->cols[c->ncols++] = (column){copy, fl__sql_field_type(decl), -1};
  }
  sqlite3_finalize(s);
  if (!st && c->ncols == 0)
    st = fl__fail(ctx, FL_E_LAYER, "table '%s' in '%s' has no columns or cannot be read",
                  c->table, c->source);
  if (!st && npk == 1 && pk_is_int) *fid_col = pk_name;
  else free(pk_name);
  return st;
}

/* SELECT fid, geom, the other columns; fields added to the schema. */
static fl_status prepare_select(fl_ctx *ctx, sqlite3 *db, fl__sql_cursor *c, const char *fid_col) {
  char *fid_sql = fid_col ? fl__sql_ident(fid_col) : sqlite3_mprintf("rowid");
  char *geom_sql = c->geom_col ? fl__sql_ident(c->geom_col) : sqlite3_mprintf("NULL");
  char *sql = fid_sql && geom_sql ? sqlite3_mprintf("SELECT %s, %s", fid_sql, geom_sql) : NULL;
  sqlite3_free(fid_sql);
  sqlite3_free(geom_sql);
  for (size_t k = 0; k < c->ncols && sql; k++) {
    if ((fid_col && strcasecmp(c->cols[k].name, fid_col) == 0) ||
        (c->geom_col && strcasecmp(c->cols[k].name, c->geom_col) == 0))
      continue;
    c->cols[k].field = fl_layer_add_field(c->schema, c->cols[k].name, c->cols[k].type);
    char *more = c->cols[k].field >= 0 ? sqlite3_mprintf("%s, \"%w\"", sql, c->cols[k].name) : NULL;
    sqlite3_free(sql);
    sql = more;
  }
  if (sql) {
    char *more = sqlite3_mprintf("%s FROM \"%w\"", sql, c->table);
    sqlite3_free(sql);
    sql = more;
  }
  if (!sql) return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", c->source);
  fl_status st = FL_OK;
  if (sqlite3_prepare_v2(db, sql, -1, &c->s, NULL) != SQLITE_OK)
    st = sql_fail(ctx, db, "reading the table", c->source);
  sqlite3_free(sql);
  return st;
}

fl_status fl__sql_cursor_open(fl_ctx *ctx, sqlite3 *db, const char *table, const char *geom_col,
                              int srid, const char *geom_type, const char *source,
                              fl__sql_cursor **out) {
  *out = NULL;
  fl__sql_cursor *c = calloc(1, sizeof *c);
  if (c) {
    c->table = fl__strdup(table);
    c->source = fl__strdup(source);
    c->geom_col = geom_col ? fl__strdup(geom_col) : NULL;
    c->srid = srid;
    c->schema = fl_layer_new(table, srid, geom_type ? geom_type : "GEOMETRY");
  }
  if (!c || !c->table || !c->source || (geom_col && !c->geom_col) || !c->schema) {
    fl__sql_cursor_close(ctx, c);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", source);
  }
  char *fid_col = NULL;
  fl_status st = read_columns(ctx, db, c, &fid_col);
  if (!st) st = prepare_select(ctx, db, c, fid_col);
  free(fid_col);
  if (st) {
    fl__sql_cursor_close(ctx, c);
    return st;
  }
  *out = c;
  return FL_OK;
}

/* The geometry of the current row (R3): *g, or *x, *y for a 2D point with xy. */
static fl_status row_geom(fl_ctx *ctx, fl__sql_cursor *c, int64_t fid, int want_xy,
                          GEOSGeometry **g, double *x, double *y) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  *g = NULL;
  *x = *y = NAN;
  int t = sqlite3_column_type(c->s, 1);
  if (t == SQLITE_NULL) return FL_OK;
  if (t != SQLITE_BLOB)
    return fl__fail(ctx, FL_E_GEOM,
                    "layer '%s' (%s), feature %lld: column '%s' holds %s, not a geometry blob",
                    c->table, c->source, (long long)fid, c->geom_col,
                    t == SQLITE_TEXT ? "text" : "a number");
  const unsigned char *b = sqlite3_column_blob(c->s, 1);
  size_t nb = (size_t)sqlite3_column_bytes(c->s, 1);
  if (want_xy && fl__gpkg_point_xy(b, nb, x, y)) return FL_OK;
  if (fl_geom_from_blob(ctx, b, nb, g, NULL, NULL) != FL_OK) { /* (R3) */
    char why[FL_ERRMSG_LEN];
    snprintf(why, sizeof why, "%s", fl_ctx_errmsg(ctx));
    return fl__fail(ctx, FL_E_GEOM, "layer '%s' (%s), feature %lld: %s", c->table, c->source,
                    (long long)fid, why);
  }
  if (GEOSisEmpty_r(h, *g) == 1) {
    GEOSGeom_destroy_r(h, *g);
    *g = NULL;
  } else {
    GEOSSetSRID_r(h, *g, c->srid);
  }
  return FL_OK;
}

static fl_status row_values(fl_ctx *ctx, fl__sql_cursor *c, fl_layer *l, fl_feature *f) {
  int k = 2;
  for (size_t i = 0; i < c->ncols; i++) {
    if (c->cols[i].field < 0) continue;
    int col = k++, field = c->cols[i].field;
    if (sqlite3_column_type(c->s, col) == SQLITE_NULL) continue; /* values start NULL */
    fl_status vs;
    switch (c->cols[i].type) {
    case FL_FIELD_INTEGER:
      if (sqlite3_column_type(c->s, col) == SQLITE_FLOAT)
        vs = fl_feature_set_real(l, f, field, sqlite3_column_double(c->s, col));
      else
        vs = fl_feature_set_int(l, f, field, sqlite3_column_int64(c->s, col));
      break;
    case FL_FIELD_REAL: vs = fl_feature_set_real(l, f, field, sqlite3_column_double(c->s, col)); break;
    default: vs = fl_feature_set_text(l, f, field, (const char *)sqlite3_column_text(c->s, col)); break;
    }
    if (vs) return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", c->source);
  }
  return FL_OK;
}

fl_status fl__sql_cursor_next(fl_ctx *ctx, sqlite3 *db, fl__sql_cursor *c, fl_layer *into,
                              size_t max, double *xy) {
  size_t n = 0;
  while (n < max && !c->ended) {
    int rc = sqlite3_step(c->s);
    if (rc == SQLITE_DONE) {
      c->ended = 1;
      break;
    }
    if (rc != SQLITE_ROW) return sql_fail(ctx, db, "reading the table", c->source);
    int64_t fid = sqlite3_column_int64(c->s, 0);
    GEOSGeometry *g = NULL;
    double x, y;
    fl_status st = row_geom(ctx, c, fid, xy != NULL, &g, &x, &y);
    if (st) return st;
    fl_feature *f = fl_layer_append(ctx, into, fid, g);
    if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory reading '%s'", c->source);
    if (xy) xy[2 * n] = x, xy[2 * n + 1] = y;
    if ((st = row_values(ctx, c, into, f))) return st;
    n++;
  }
  return FL_OK;
}

fl_status fl__sql_read_table(fl_ctx *ctx, sqlite3 *db, const char *table, const char *geom_col,
                             int srid, const char *geom_type, const char *source,
                             fl_layer **out) {
  fl__sql_cursor *c = NULL;
  *out = NULL;
  fl_status st = fl__sql_cursor_open(ctx, db, table, geom_col, srid, geom_type, source, &c);
  if (st) return st;
  fl_layer *l = c->schema; /* read whole into the schema layer itself */
  st = fl__sql_cursor_next(ctx, db, c, l, SIZE_MAX, NULL);
  if (!st) c->schema = NULL;
  fl__sql_cursor_close(ctx, c);
  if (!st) *out = l;
  return st;
}
