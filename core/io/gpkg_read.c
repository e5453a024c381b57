/*
 * gpkg_read.c - read GeoPackage layers (their features through GDAL/OGR),
 * and the SQLite helpers that the SpatiaLite reader shares (identifier
 * quoting, type map, table reader).
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
 *   (R4) a missing layer fails with FL_E_LAYER listing the layers there are;
 *   (R5) the features are read through GDAL/OGR in batches (ogr_read.c O10,
 *        ogr_arrow.c): the metadata, the fields (R2) and the SRID are read
 *        here, a custom gpkg_spatial_ref_sys entry's CRS is OGR's from its
 *        definition; OGR reads a blob it cannot decode as no geometry, so
 *        every feature without one is checked against its stored blob (R3);
 *   (R6) a column OGR does not read (a declared type it does not know, as
 *        VARCHAR(10)) sends the whole table to the cursor of sql_cursor.c;
 *   (R7) a geometry column the table lacks fails with FL_E_LAYER.
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

/* (R5) The layer's SRID for the OGR read: the EPSG code when
 * gpkg_spatial_ref_sys's organization says EPSG, 0 for srs_id 0, -1 or none
 * (undefined), the srs_id itself when gpkg_spatial_ref_sys has no entry for
 * it (an EPSG code PROJ then names or refuses), else -1: a custom entry,
 * whose CRS OGR reads from its definition. */
static int srid_for_ogr(sqlite3 *db, const char *table) {
  sqlite3_stmt *s = NULL;
  int srid = 0;
  if (!fl__sql_has_table(db, "gpkg_geometry_columns") ||
      sqlite3_prepare_v2(db,
                         "SELECT g.srs_id, s.organization, s.organization_coordsys_id, "
                         "s.srs_id FROM "
                         "gpkg_geometry_columns g LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id "
                         "= g.srs_id WHERE g.table_name = ?1 COLLATE NOCASE",
                         -1, &s, NULL) != SQLITE_OK) {
    sqlite3_finalize(s);
    return 0;
  }
  sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0) {
    const char *org = (const char *)sqlite3_column_text(s, 1);
    int code = sqlite3_column_int(s, 2);
    srid = org && strcasecmp(org, "EPSG") == 0 && code > 0 ? code : -1;
    if (sqlite3_column_type(s, 3) == SQLITE_NULL) /* no entry: the srs_id, as before */
      srid = sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  return srid;
}

/* (R3) A feature OGR gave no geometry: the stored blob decides. NULL or an
 * empty geometry is none; anything else must decode, else FL_E_GEOM naming
 * the layer and the feature (OGR reads an undecodable blob as no geometry). */
static fl_status check_blob(fl_ctx *ctx, sqlite3_stmt *s, const char *table, const char *col,
                            const char *source, fl_feature *f, int srid) {
  sqlite3_reset(s);
  sqlite3_bind_int64(s, 1, f->fid);
  if (sqlite3_step(s) != SQLITE_ROW) return FL_OK;
  int t = sqlite3_column_type(s, 0);
  if (t == SQLITE_NULL) return FL_OK;
  if (t != SQLITE_BLOB)
    return fl__fail(ctx, FL_E_GEOM,
                    "layer '%s' (%s), feature %lld: column '%s' holds %s, not a geometry blob",
                    table, source, (long long)f->fid, col, t == SQLITE_TEXT ? "text" : "a number");
  GEOSGeometry *g = NULL;
  if (fl_geom_from_blob(ctx, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), &g,
                        NULL, NULL) != FL_OK) {
    char why[FL_ERRMSG_LEN];
    snprintf(why, sizeof why, "%s", fl_ctx_errmsg(ctx));
    return fl__fail(ctx, FL_E_GEOM, "layer '%s' (%s), feature %lld: %s", table, source,
                    (long long)f->fid, why);
  }
  if (GEOSisEmpty_r(fl_ctx_geos(ctx), g) == 1) {
    GEOSGeom_destroy_r(fl_ctx_geos(ctx), g);
  } else {
    GEOSSetSRID_r(fl_ctx_geos(ctx), g, srid);
    f->geom = g;
  }
  return FL_OK;
}

/* (R3) Every feature without a geometry checked against its blob, and every
 * geometry given the layer's SRID. */
static fl_status check_geoms(fl_ctx *ctx, sqlite3 *db, const char *table, const char *col,
                             const char *source, fl_layer *l) {
  sqlite3_stmt *s = NULL;
  fl_status st = FL_OK;
  for (size_t i = 0; i < l->n_features && !st; i++) {
    fl_feature *f = &l->features[i];
    if (f->geom) {
      GEOSSetSRID_r(fl_ctx_geos(ctx), f->geom, l->srid);
      continue;
    }
    if (!col) continue;
    if (!s) {
      char *sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE rowid = ?1", col, table);
      int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &s, NULL) : SQLITE_NOMEM;
      sqlite3_free(sql);
      if (rc != SQLITE_OK) return sql_fail(ctx, db, "reading a geometry", source);
    }
    st = check_blob(ctx, s, table, col, source, f, l->srid);
  }
  sqlite3_finalize(s);
  return st;
}

/* (R7) The geometry column gpkg_geometry_columns names must be a column of
 * the table: OGR's batch reader would fail in a worker thread, whose message
 * GDAL prints rather than hands over. */
static fl_status check_geom_column(fl_ctx *ctx, sqlite3 *db, const char *table, const char *col,
                                   const char *source) {
  sqlite3_stmt *s = NULL;
  int found = 0;
  if (!col) return FL_OK;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE",
                         -1, &s, NULL) != SQLITE_OK)
    return sql_fail(ctx, db, "reading the columns of the table", source);
  sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, col, -1, SQLITE_STATIC);
  found = sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  if (found) return FL_OK;
  return fl__fail(ctx, FL_E_LAYER, "layer '%s' (%s): its geometry column '%s' (named in "
                  "gpkg_geometry_columns) is not a column of the table", table, source, col);
}

fl_status fl__gpkg_read(fl_ctx *ctx, const char *path, const char *layer, const char *source,
                        fl_layer **out) {
  sqlite3 *db = NULL;
  char *table = NULL, *geom_col = NULL, *geom_type = NULL;
  int srid = 0;
  fl_layer *l = NULL;
  *out = NULL;
  fl_status st = open_gpkg(ctx, path, &db);
  if (!st) st = fl__gpkg_layer_meta(ctx, db, path, layer, &table, &geom_col, &srid, &geom_type);
  if (!st) st = check_geom_column(ctx, db, table, geom_col, source);
  fl__sql_cursor *c = NULL; /* (R2): the fields, in order and typed; not stepped */
  if (!st) st = fl__sql_cursor_open(ctx, db, table, geom_col, srid, geom_type, source, &c);
  if (!st)
    st = fl__ogr_read_gpkg(ctx, path, table, source, srid_for_ogr(db, table),
                           fl__sql_cursor_schema(c), &l);
  fl__sql_cursor_close(ctx, c);
  if (!st && !l) /* (R6) OGR leaves a column out: the table read here */
    st = fl__sql_read_table(ctx, db, table, geom_col, srid, geom_type ? geom_type : "GEOMETRY",
                            source, &l);
  else if (!st)
    st = check_geoms(ctx, db, table, geom_col, source, l);
  if (!st && geom_type) { /* the declared type, as stored */
    free(l->geom_type);
    l->geom_type = geom_type;
    geom_type = NULL;
  }
  sqlite3_close(db);
  free(table);
  free(geom_col);
  free(geom_type);
  if (st) fl_layer_destroy(ctx, l);
  else *out = l;
  return st;
}
