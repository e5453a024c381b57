/*
 * spatialite_io.c - read and write SpatiaLite databases.
 *
 * Reading needs only SQLite: the layers are the tables named in
 * geometry_columns (SpatiaLite 4+ layout: f_table_name, f_geometry_column,
 * geometry_type, coord_dimension, srid, spatial_index_enabled; the legacy
 * 2.x/3.x layout with a text "type" column is read too), and their blobs go
 * through the codec in core/blob_*.c (gpkg_read.c's table reader does the
 * rest).
 * Writing needs mod_spatialite for its metadata and triggers: the new file
 * gets InitSpatialMetadata(1), one table per layer ("fid" INTEGER PRIMARY
 * KEY AUTOINCREMENT + the fields), AddGeometryColumn, rows whose blobs come
 * from our encoder, then CreateSpatialIndex (which fills the R*Tree from the
 * rows). Rules, cited below:
 *   (L1) SpatiaLite has no empty geometries: an empty one is written as NULL;
 *   (L2) the column is XYZ only when every geometry has Z; in a layer that
 *        mixes, Z is dropped (SpatiaLite's triggers refuse mixed dimensions);
 *   (L3) everything is filled in one transaction;
 *   (L4) table names with quotes are refused up front (geometry_columns'
 *        own triggers would refuse them with a message on stderr).
 * Not here: the temporary file and rename (source.c).
 */
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

/* ---- Reading ------------------------------------------------------------ */

static fl_status open_spatialite(fl_ctx *ctx, const char *path, sqlite3 **db, int *legacy) {
  fl_status st = fl__sql_open_ro(ctx, path, db);
  if (st) return st;
  if (!fl__sql_has_table(*db, "geometry_columns")) {
    sqlite3_close(*db);
    *db = NULL;
    return fl__fail(ctx, FL_E_LAYER,
                    "'%s' is not a SpatiaLite database (it has no geometry_columns table)", path);
  }
  sqlite3_stmt *s = NULL;
  *legacy = 0;
  if (sqlite3_prepare_v2(*db,
                         "SELECT 1 FROM pragma_table_info('geometry_columns') WHERE name = "
                         "'geometry_type'",
                         -1, &s, NULL) == SQLITE_OK)
    *legacy = sqlite3_step(s) != SQLITE_ROW;
  sqlite3_finalize(s);
  return FL_OK;
}

static fl_status list_tables(fl_ctx *ctx, sqlite3 *db, const char *path, char ***out) {
  sqlite3_stmt *s = NULL;
  char **v = NULL;
  size_t n = 0;
  fl_status st = FL_OK;
  *out = NULL;
  if (sqlite3_prepare_v2(db, "SELECT DISTINCT f_table_name FROM geometry_columns ORDER BY rowid",
                         -1, &s, NULL) != SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT DISTINCT f_table_name FROM geometry_columns", -1, &s,
                         NULL) != SQLITE_OK)
    return fl__fail(ctx, FL_E_IO, "listing the tables of '%s' failed (%s)", path,
                    sqlite3_errmsg(db));
  while (sqlite3_step(s) == SQLITE_ROW && !st) {
    const char *name = (const char *)sqlite3_column_text(s, 0);
    if (name) st = fl__strv_push(ctx, &v, &n, name);
  }
  sqlite3_finalize(s);
  if (!st && !v && !(v = calloc(1, sizeof *v)))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory listing layers");
  if (st) {
    fl_strv_free(v);
    return st;
  }
  *out = v;
  return FL_OK;
}

fl_status fl__spatialite_list(fl_ctx *ctx, const char *path, char ***out) {
  sqlite3 *db = NULL;
  int legacy;
  fl_status st = open_spatialite(ctx, path, &db, &legacy);
  if (!st) st = list_tables(ctx, db, path, out);
  sqlite3_close(db);
  return st;
}

/* SpatiaLite 4+ geometry_type code -> declared type name. */
static const char *type_name(int code) {
  static const char *const names[] = {"GEOMETRY",     "POINT",           "LINESTRING",
                                      "POLYGON",      "MULTIPOINT",      "MULTILINESTRING",
                                      "MULTIPOLYGON", "GEOMETRYCOLLECTION"};
  int base = code % 1000;
  return base >= 0 && base <= 7 ? names[base] : "GEOMETRY";
}

fl_status fl__spatialite_read(fl_ctx *ctx, const char *path, const char *table,
                              const char *source, fl_layer **out) {
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int legacy = 0, srid = 0;
  char *name = NULL, *geom_col = NULL, *geom_type = NULL;
  fl_status st = open_spatialite(ctx, path, &db, &legacy);
  *out = NULL;
  if (st) return st;
  const char *sql = legacy ? "SELECT f_table_name, f_geometry_column, type, srid FROM "
                             "geometry_columns WHERE f_table_name = ?1 COLLATE NOCASE"
                           : "SELECT f_table_name, f_geometry_column, geometry_type, srid FROM "
                             "geometry_columns WHERE f_table_name = ?1 COLLATE NOCASE";
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
    st = fl__fail(ctx, FL_E_IO, "reading geometry_columns of '%s' failed (%s)", path,
                  sqlite3_errmsg(db));
    goto done;
  }
  sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW) {
    name = fl__strdup((const char *)sqlite3_column_text(s, 0));
    geom_col = fl__strdup((const char *)sqlite3_column_text(s, 1));
    if (legacy) {
      const char *t = (const char *)sqlite3_column_text(s, 2);
      geom_type = fl__strdup(t ? t : "GEOMETRY");
      for (char *c = geom_type; c && *c; c++) *c = (char)toupper((unsigned char)*c);
    } else {
      geom_type = fl__strdup(type_name(sqlite3_column_int(s, 2)));
    }
    srid = sqlite3_column_int(s, 3);
    if (srid < 0) srid = 0;
    if (!name || !geom_col || !geom_type) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  sqlite3_finalize(s);
  s = NULL;
  if (st) goto done;
  if (!name) {
    char **names = NULL;
    st = list_tables(ctx, db, path, &names);
    if (!st) st = fl__fail_no_layer(ctx, "SpatiaLite database", path, table, names);
    fl_strv_free(names);
    goto done;
  }
  /* geometry_columns keeps names lowercase; the table's own spelling is nicer. */
  if (sqlite3_prepare_v2(db,
                         "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 "
                         "COLLATE NOCASE",
                         -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
      char *real = fl__strdup((const char *)sqlite3_column_text(s, 0));
      if (real) {
        free(name);
        name = real;
      }
    }
    sqlite3_finalize(s);
    s = NULL;
  }
  st = fl__sql_read_table(ctx, db, name, geom_col, srid, geom_type, source, out);
done:
  sqlite3_finalize(s);
  sqlite3_close(db);
  free(name);
  free(geom_col);
  free(geom_type);
  return st;
}

/* ---- Writing ------------------------------------------------------------ */

typedef struct writer {
  fl_ctx *ctx;
  sqlite3 *db;
  const char *path;
} writer;

/* The failure of a step, with its cause: a full disk, else SpatiaLite's own
 * printed line (captured, may be ""), else SQLite's message. */
static fl_status step_fail(writer *w, const char *what, const char *captured, int spatialite_0) {
  if (fl__write_disk_full(w->db, captured))
    return fl__fail(w->ctx, FL_E_IO, "writing SpatiaLite database '%s' failed while %s: "
                    FL__DISK_FULL, w->path, what);
  if (captured && captured[0])
    return fl__fail(w->ctx, FL_E_IO, "writing SpatiaLite database '%s' failed while %s "
                    "(SpatiaLite: %s)", w->path, what, captured);
  return fl__fail(w->ctx, FL_E_IO, "writing SpatiaLite database '%s' failed while %s (%s)",
                  w->path, what, spatialite_0 ? "SpatiaLite returned 0" : sqlite3_errmsg(w->db));
}

static fl_status db_fail(writer *w, const char *what) { return step_fail(w, what, NULL, 0); }

/* Run one statement (sqlite3_mprintf'd, freed here); with want_one, its first
 * column must be 1 (SpatiaLite's functions report failure as 0). */
static fl_status run(writer *w, char *sql, int want_one, const char *what) {
  sqlite3_stmt *s = NULL;
  fl_status st = FL_OK;
  if (!sql) return fl__fail(w->ctx, FL_E_NOMEM, "out of memory writing '%s'", w->path);
  fl__stderr_capture cap;
  fl__stderr_capture_begin(&cap); /* SpatiaLite prints its reasons */
  int rc = sqlite3_prepare_v2(w->db, sql, -1, &s, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  int zero = want_one && rc == SQLITE_ROW && sqlite3_column_int(s, 0) != 1;
  if (want_one && rc == SQLITE_DONE) zero = 1;
  fl__stderr_capture_end(&cap);
  if ((rc != SQLITE_ROW && rc != SQLITE_DONE) || zero) st = step_fail(w, what, cap.text, zero);
  sqlite3_finalize(s);
  sqlite3_free(sql);
  return st;
}

/* A copy of g without Z (L2): through 2D WKB. */
static const char *sql_type(const fl_layer *l, size_t j) {
  fl_field_type t = l->fields[j].type;
  return t == FL_FIELD_INTEGER ? "INTEGER"
         : t == FL_FIELD_REAL  ? "DOUBLE"
         : t == FL_FIELD_DATE  ? "DATE" /* OGR's SQLite driver reads it as a date */
                               : "TEXT";
}

static GEOSGeometry *drop_z(GEOSContextHandle_t h, const GEOSGeometry *g) {
  GEOSWKBWriter *wr = GEOSWKBWriter_create_r(h);
  GEOSWKBReader *rd = GEOSWKBReader_create_r(h);
  GEOSGeometry *r = NULL;
  if (wr && rd) {
    size_t n = 0;
    GEOSWKBWriter_setOutputDimension_r(h, wr, 2);
    unsigned char *wkb = GEOSWKBWriter_write_r(h, wr, g, &n);
    if (wkb) r = GEOSWKBReader_read_r(h, rd, wkb, n);
    GEOSFree_r(h, wkb);
  }
  if (wr) GEOSWKBWriter_destroy_r(h, wr);
  if (rd) GEOSWKBReader_destroy_r(h, rd);
  return r;
}

static fl_status write_layer(writer *w, const fl_layer *l, size_t *done, size_t total) {
  fl_ctx *ctx = w->ctx;
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  const char *t = l->name;
  sqlite3_stmt *ins = NULL;
  char *sql = NULL;
  fl__geom_summary sum;
  if (fl__layer_is_table(l)) /* (P6) a plain table */
    return fl__sql_write_table(ctx, w->db, w->path, l, "", sql_type, done, total);
  fl_status st = fl__geom_summarize(ctx, l, &sum);
  if (st) return st;
  int srid = l->srid > 0 ? l->srid : 0;
  int z = sum.z == 1; /* (L2) */
  if (sum.z == 2)
    fl__warn(ctx, "layer '%s' mixes 2D and 3D geometries; SpatiaLite output '%s' keeps only X "
             "and Y", t, w->path);

  if (strchr(t, '"') || strchr(t, '\'')) /* (L4) */
    return fl__fail(ctx, FL_E_ARG,
                    "layer name '%s' holds a quote, which SpatiaLite's geometry_columns refuses; "
                    "rename the layer or write a .gpkg",
                    t);
  char **cols = NULL;
  if ((st = fl__field_columns(ctx, l, w->path, &cols)) != FL_OK) return st;
  sql = fl__sql_create_table(t, "", NULL, l, cols, sql_type);
  st = run(w, sql, 0, "creating the table"); /* run() frees sql */
  sql = NULL;
  if (st) goto done;
  st = run(w,
           sqlite3_mprintf("SELECT AddGeometryColumn(%Q, 'geom', %d, %Q, %Q)", t, srid, sum.type,
                           z ? "XYZ" : "XY"),
           1, "adding the geometry column");
  if (st) goto done;

  sql = fl__sql_insert(t, l, cols);
  if (!sql) {
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", w->path);
    goto done;
  }
  if (sqlite3_prepare_v2(w->db, sql, -1, &ins, NULL) != SQLITE_OK) {
    st = db_fail(w, "preparing the rows");
    goto done;
  }
  sqlite3_free(sql);
  sql = NULL;
  int keep = fl__fids_usable(l); /* positive and distinct fids are kept */
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if ((st = fl__write_progress(ctx, ++*done, total)) != FL_OK) goto done;
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (keep) sqlite3_bind_int64(ins, 1, f->fid);
    if (f->geom && GEOSisEmpty_r(h, f->geom) == 0) { /* (L1) */
      GEOSGeometry *flat = sum.z == 2 && GEOSHasZ_r(h, f->geom) == 1 ? drop_z(h, f->geom) : NULL;
      unsigned char *blob = NULL;
      size_t nb = 0;
      st = fl_geom_to_blob(ctx, flat ? flat : f->geom, srid, FL_BLOB_SPATIALITE, &blob, &nb);
      if (flat) GEOSGeom_destroy_r(h, flat);
      if (st) {
        char why[FL_ERRMSG_LEN];
        snprintf(why, sizeof why, "%s", fl_ctx_errmsg(ctx));
        st = fl__fail(ctx, st, "layer '%s', feature %lld: %s", t, (long long)f->fid, why);
        goto done;
      }
      sqlite3_bind_blob64(ins, 2, blob, nb, free);
    }
    fl__sql_bind_fields(ins, 3, l, f);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      char why[FL_ERRMSG_LEN];
      snprintf(why, sizeof why, "inserting feature %lld of layer '%s'", (long long)f->fid, t);
      st = db_fail(w, why);
      goto done;
    }
  }
  st = run(w, sqlite3_mprintf("SELECT CreateSpatialIndex(%Q, 'geom')", t), 1,
           "creating the spatial index");
done:
  sqlite3_finalize(ins);
  sqlite3_free(sql);
  fl_strv_free(cols);
  return st;
}

fl_status fl__spatialite_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                               const fl_layer *const *layers, size_t n) {
  writer w = {.ctx = ctx, .path = path};
  fl_status st = FL_OK;
  char *err = NULL;
  if (sqlite3_open_v2(tmp_path, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
      SQLITE_OK) {
    st = fl__fail(ctx, FL_E_IO, "cannot create SpatiaLite database '%s' (%s)", path,
                  w.db ? sqlite3_errmsg(w.db) : "out of memory");
    sqlite3_close(w.db);
    return st;
  }
  sqlite3_enable_load_extension(w.db, 1);
  if (sqlite3_load_extension(w.db, "mod_spatialite", NULL, &err) != SQLITE_OK) {
    st = fl__fail(ctx, FL_E_IO,
                  "writing SpatiaLite needs mod_spatialite (Debian package "
                  "libsqlite3-mod-spatialite): %s",
                  err ? err : "it could not be loaded");
    sqlite3_free(err);
    sqlite3_close(w.db);
    return st;
  }
  sqlite3_enable_load_extension(w.db, 0);
  size_t total = 0, done = 0;
  for (size_t i = 0; i < n; i++) total += layers[i]->n_features;
  /* A temporary file: durability comes from fsync and rename in source.c. */
  if (sqlite3_exec(w.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF", NULL, NULL,
                   NULL) != SQLITE_OK)
    st = db_fail(&w, "setting up the file");
  if (!st) st = run(&w, sqlite3_mprintf("SELECT InitSpatialMetadata(1)"), 1,
                    "creating the SpatiaLite metadata");
  if (!st) st = run(&w, sqlite3_mprintf("BEGIN"), 0, "starting the transaction"); /* (L3) */
  for (size_t i = 0; i < n && !st; i++) st = write_layer(&w, layers[i], &done, total);
  if (!st) st = run(&w, sqlite3_mprintf("COMMIT"), 0, "committing");
  if (sqlite3_close(w.db) != SQLITE_OK && !st)
    st = fl__fail(ctx, FL_E_IO, "closing SpatiaLite database '%s' failed", path);
  return st;
}
