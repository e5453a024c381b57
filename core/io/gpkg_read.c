/*
 * gpkg_read.c - read GeoPackage layers, and the SQLite helpers that the
 * SpatiaLite reader shares (identifier quoting, type map, table reader).
 *
 * A GeoPackage layer is a row of gpkg_contents; its geometry column and
 * srs_id come from gpkg_geometry_columns, and the EPSG code from
 * gpkg_spatial_ref_sys (organization 'EPSG' -> organization_coordsys_id,
 * else the srs_id itself; srs_id 0 or -1 or none -> SRID 0). Rules:
 *   (R1) the INTEGER PRIMARY KEY is the feature id (else the rowid);
 *   (R2) declared column types map to fields: INTEGER, INT, BIGINT,
 *        MEDIUMINT, SMALLINT, TINYINT, BOOLEAN -> INTEGER; REAL, DOUBLE,
 *        FLOAT, NUMERIC, DECIMAL -> REAL; TEXT, DATE, DATETIME and anything
 *        else -> TEXT;
 *   (R3) a geometry blob that does not decode fails the read with
 *        FL_E_GEOM naming the layer and the feature id; an empty geometry
 *        is read as no geometry (NULL);
 *   (R4) a missing layer fails with FL_E_LAYER listing the layers there are.
 * Not here: writing (gpkg_write.c), SpatiaLite's metadata (spatialite_io.c).
 */
#include <ctype.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

/* ---- SQLite helpers ----------------------------------------------------- */

char *fl__sql_ident(const char *name) { return sqlite3_mprintf("\"%w\"", name); }

fl_status fl__sql_open_ro(fl_ctx *ctx, const char *path, sqlite3 **db) {
  *db = NULL;
  int rc = sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    fl_status st = fl__fail(ctx, FL_E_IO, "cannot open '%s' (%s)", path,
                            *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
    sqlite3_close(*db);
    *db = NULL;
    return st;
  }
  /* Opening is lazy: touch the schema to learn whether this is a database. */
  rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    fl_status st = fl__fail(ctx, FL_E_IO, "'%s' is not a readable SQLite database (%s)", path,
                            sqlite3_errmsg(*db));
    sqlite3_close(*db);
    *db = NULL;
    return st;
  }
  return FL_OK;
}

int fl__sql_has_table(sqlite3 *db, const char *name) {
  sqlite3_stmt *s = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(db,
                         "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND "
                         "name = ?1 COLLATE NOCASE",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

fl_field_type fl__sql_field_type(const char *decl) {
  /* (R2): compare the first word, without a "(size)" suffix. */
  char word[32];
  size_t n = 0;
  if (!decl) return FL_FIELD_TEXT;
  while (*decl == ' ') decl++;
  while (decl[n] && decl[n] != '(' && decl[n] != ' ' && n < sizeof word - 1) {
    word[n] = (char)toupper((unsigned char)decl[n]);
    n++;
  }
  word[n] = '\0';
  static const char *const ints[] = {"INTEGER", "INT",     "BIGINT",  "MEDIUMINT", "SMALLINT",
                                     "TINYINT", "BOOLEAN", "INT2",    "INT4",      "INT8",
                                     "INTEGER64", "UNSIGNED", NULL};
  static const char *const reals[] = {"REAL", "DOUBLE", "FLOAT", "NUMERIC", "DECIMAL", NULL};
  for (int i = 0; ints[i]; i++)
    if (strcmp(word, ints[i]) == 0) return FL_FIELD_INTEGER;
  for (int i = 0; reals[i]; i++)
    if (strcmp(word, reals[i]) == 0) return FL_FIELD_REAL;
  return FL_FIELD_TEXT;
}

static fl_status sql_fail(fl_ctx *ctx, sqlite3 *db, const char *what, const char *source) {
  return fl__fail(ctx, FL_E_IO, "%s in '%s' failed (%s)", what, source, sqlite3_errmsg(db));
}

/* ---- GeoPackage --------------------------------------------------------- */

static fl_status open_gpkg(fl_ctx *ctx, const char *path, sqlite3 **db) {
  fl_status st = fl__sql_open_ro(ctx, path, db);
  if (st) return st;
  if (!fl__sql_has_table(*db, "gpkg_contents")) {
    sqlite3_close(*db);
    *db = NULL;
    return fl__fail(ctx, FL_E_LAYER, "'%s' is not a GeoPackage (it has no gpkg_contents table)",
                    path);
  }
  return FL_OK;
}

static fl_status list_layers(fl_ctx *ctx, sqlite3 *db, const char *path, char ***out) {
  sqlite3_stmt *s = NULL;
  char **v = NULL;
  size_t n = 0;
  fl_status st = FL_OK;
  *out = NULL;
  if (sqlite3_prepare_v2(db,
                         "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' "
                         "ORDER BY rowid",
                         -1, &s, NULL) != SQLITE_OK)
    return sql_fail(ctx, db, "listing the layers", path);
  while (sqlite3_step(s) == SQLITE_ROW && !st) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    if (name) st = fl__strv_push(ctx, &v, &n, name);
  }
  sqlite3_finalize(s);
  if (!st && !v && !(v = calloc(1, sizeof *v))) /* no layers: an empty list */
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory listing layers");
  if (st) {
    fl_strv_free(v);
    return st;
  }
  *out = v;
  return FL_OK;
}

fl_status fl__gpkg_list(fl_ctx *ctx, const char *path, char ***out) {
  sqlite3 *db = NULL;
  fl_status st = open_gpkg(ctx, path, &db);
  if (!st) st = list_layers(ctx, db, path, out);
  sqlite3_close(db);
  return st;
}

fl_status fl__gpkg_layer_meta(fl_ctx *ctx, sqlite3 *db, const char *path, const char *layer,
                              char **table_out, char **geom_col_out, int *srid_out,
                              char **geom_type_out) {
  sqlite3_stmt *s = NULL;
  char *table = NULL, *geom_col = NULL, *geom_type = NULL;
  int srs_id = 0, srid = 0;
  fl_status st = FL_OK;

  /* The layer, in its stored spelling. (R4) */
  if (sqlite3_prepare_v2(db,
                         "SELECT table_name FROM gpkg_contents WHERE table_name = ?1 COLLATE "
                         "NOCASE",
                         -1, &s, NULL) != SQLITE_OK) {
    st = sql_fail(ctx, db, "looking up the layer", path);
    goto done;
  }
  sqlite3_bind_text(s, 1, layer, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) table = fl__strdup((const char *)sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  s = NULL;
  if (!table) {
    char **names = NULL;
    st = list_layers(ctx, db, path, &names);
    if (!st) st = fl__fail_no_layer(ctx, "GeoPackage", path, layer, names);
    fl_strv_free(names);
    goto done;
  }

  if (fl__sql_has_table(db, "gpkg_geometry_columns") &&
      sqlite3_prepare_v2(db,
                         "SELECT column_name, geometry_type_name, srs_id FROM "
                         "gpkg_geometry_columns WHERE table_name = ?1 COLLATE NOCASE",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
      geom_col = fl__strdup((const char *)sqlite3_column_text(s, 0));
      geom_type = fl__strdup((const char *)sqlite3_column_text(s, 1));
      srs_id = sqlite3_column_int(s, 2);
    }
    sqlite3_finalize(s);
    s = NULL;
  }
  if (geom_type)
    for (char *c = geom_type; *c; c++) *c = (char)toupper((unsigned char)*c);

  /* srs_id -> EPSG code. */
  srid = srs_id > 0 ? srs_id : 0;
  if (srs_id > 0 && fl__sql_has_table(db, "gpkg_spatial_ref_sys") &&
      sqlite3_prepare_v2(db,
                         "SELECT organization, organization_coordsys_id FROM "
                         "gpkg_spatial_ref_sys WHERE srs_id = ?1",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_int(s, 1, srs_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
      const char *org = (const char *)sqlite3_column_text(s, 0);
      int code = sqlite3_column_int(s, 1);
      if (org && strcasecmp(org, "EPSG") == 0 && code > 0) srid = code;
    }
    sqlite3_finalize(s);
    s = NULL;
  }

  *table_out = table;
  *geom_col_out = geom_col;
  *geom_type_out = geom_type;
  *srid_out = srid;
  return FL_OK;
done:
  sqlite3_finalize(s);
  free(table);
  free(geom_col);
  free(geom_type);
  return st;
}

fl_status fl__gpkg_open_ro(fl_ctx *ctx, const char *path, sqlite3 **db) {
  return open_gpkg(ctx, path, db);
}

fl_status fl__gpkg_read(fl_ctx *ctx, const char *path, const char *layer, const char *source,
                        fl_layer **out) {
  sqlite3 *db = NULL;
  char *table = NULL, *geom_col = NULL, *geom_type = NULL;
  int srid = 0;
  *out = NULL;
  fl_status st = open_gpkg(ctx, path, &db);
  if (!st) st = fl__gpkg_layer_meta(ctx, db, path, layer, &table, &geom_col, &srid, &geom_type);
  if (!st)
    st = fl__sql_read_table(ctx, db, table, geom_col, srid, geom_type ? geom_type : "GEOMETRY",
                            source, out);
  sqlite3_close(db);
  free(table);
  free(geom_col);
  free(geom_type);
  return st;
}
