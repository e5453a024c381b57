/*
 * gpkg_write.c - write layers as a GeoPackage 1.2 file through the SQLite C
 * API (no SpatiaLite needed).
 *
 * The file (a temporary path given by source.c) gets:
 *   application_id 'GPKG' (0x47504B47), user_version 10200;
 *   gpkg_spatial_ref_sys with the three mandatory rows (4326, -1, 0) and one
 *   row per layer SRID, defined by PROJ's WKT1 (GDAL flavour) of EPSG:n;
 *   gpkg_contents (with each layer's extent), gpkg_geometry_columns,
 *   gpkg_extensions;
 *   per layer a table ("fid" INTEGER PRIMARY KEY AUTOINCREMENT, "geom", the
 *   fields with their types) and an R*Tree index rtree_<table>_geom.
 * Rules, cited below:
 *   (P1) everything is filled in one transaction;
 *   (P2) the R*Tree is packed here in one go (gpkg_rtree.c), and the spec's seven triggers
 *        are created only after the table is full: they call ST_IsEmpty,
 *        ST_MinX... which plain SQLite lacks, but GDAL, QGIS and SpatiaLite
 *        provide when they edit the file later;
 *   (P3)-(P5) feature ids, declared type and column names: see sql_write.c;
 *   (P6) text fields holding dates only are declared DATE;
 *   (P7) each layer a style rule knows (qml.c) gets its QGIS style in the
 *        table layer_styles, as the default style QGIS applies on open (the
 *        table and columns QGIS's OGR provider creates and reads).
 * Not here: reading (gpkg_read.c), what the SpatiaLite writer shares
 * (sql_write.c), the temporary file and rename (source.c), the styles
 * themselves (qml.c).
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include "fl_io_internal.h"

/* ---- SQL plumbing ------------------------------------------------------- */

typedef fl__gpkg_out writer;

static fl_status db_fail(writer *w, const char *what) {
  if (fl__write_disk_full(w->db, NULL))
    return fl__fail(w->ctx, FL_E_IO, "writing GeoPackage '%s' failed while %s: " FL__DISK_FULL,
                    w->path, what);
  return fl__fail(w->ctx, FL_E_IO, "writing GeoPackage '%s' failed while %s (%s)", w->path, what,
                  sqlite3_errmsg(w->db));
}

static fl_status exec(writer *w, const char *sql, const char *what) {
  if (!sql) return fl__fail(w->ctx, FL_E_NOMEM, "out of memory writing '%s'", w->path);
  if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_fail(w, what);
  return FL_OK;
}

/* exec() of an sqlite3_mprintf result, which it frees. */
static fl_status execf(writer *w, char *sql, const char *what) {
  fl_status st = exec(w, sql, what);
  sqlite3_free(sql);
  return st;
}

static const char *const schema_sql =
    "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL "
    "PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, "
    "definition TEXT NOT NULL, description TEXT);"
    "CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT "
    "NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL "
    "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, "
    "max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES "
    "gpkg_spatial_ref_sys(srs_id));"
    "CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
    "geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT "
    "NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT "
    "uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) "
    "REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) "
    "REFERENCES gpkg_spatial_ref_sys (srs_id));"
    "CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT "
    "NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE "
    "(table_name, column_name, extension_name));"
    "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, "
    "'undefined', 'undefined cartesian coordinate reference system');"
    "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, "
    "'undefined', 'undefined geographic coordinate reference system');";

/* The mandatory 4326 row if PROJ cannot give its WKT (GeoPackage 1.2, Table 17). */
static const char *const wgs84_wkt =
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\","
    "\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/* One gpkg_spatial_ref_sys row for EPSG:srid, once. */
fl_status fl__gpkg_out_srs(writer *w, int srid) {
  if (srid <= 0) return FL_OK;
  for (size_t i = 0; i < w->n_srids; i++)
    if (w->srids[i] == srid) return FL_OK;
  int *v = realloc(w->srids, (w->n_srids + 1) * sizeof *v);
  if (!v) return fl__fail(w->ctx, FL_E_NOMEM, "out of memory writing '%s'", w->path);
  w->srids = v;
  w->srids[w->n_srids++] = srid;

  PJ_CONTEXT *pc = fl_ctx_proj(w->ctx);
  char code[32];
  snprintf(code, sizeof code, "EPSG:%d", srid);
  PJ *crs = proj_create(pc, code);
  const char *wkt = crs ? proj_as_wkt(pc, crs, PJ_WKT1_GDAL, NULL) : NULL;
  const char *name = crs ? proj_get_name(crs) : NULL;
  if (!wkt && srid == 4326) wkt = wgs84_wkt, name = "WGS 84";
  if (!wkt)
    fl__warn(w->ctx,
             "GeoPackage '%s': PROJ has no WKT1 definition of EPSG:%d, so the file records the "
             "code but no definition",
             w->path, srid);
  char *sql = sqlite3_mprintf("INSERT INTO gpkg_spatial_ref_sys VALUES (%Q, %d, 'EPSG', %d, %Q, %Q)",
                              name ? name : code, srid, srid, wkt ? wkt : "undefined",
                              srid == 4326 ? "longitude/latitude coordinates in decimal degrees "
                                             "on the WGS 84 spheroid"
                                           : NULL);
  proj_destroy(crs);
  return execf(w, sql, "writing the coordinate system");
}

/* (P6): dates as DATE (GeoPackage 1.2, Table 1: ISO-8601 text). */
const char *fl__gpkg_sql_type(const fl_layer *l, size_t j) {
  fl_field_type t = l->fields[j].type;
  if (t == FL_FIELD_DATE || fl__field_is_date(l, (int)j)) return "DATE";
  return t == FL_FIELD_INTEGER ? "INTEGER" : t == FL_FIELD_REAL ? "REAL" : "TEXT";
}

/* (P2): the triggers of GeoPackage 1.2, Annex F.3 (rtree_index). */
static fl_status create_triggers(writer *w, const char *t) {
  static const char *const fmt[] = {
      "CREATE TRIGGER \"rtree_%w_geom_insert\" AFTER INSERT ON \"%w\" WHEN (new.\"geom\" NOT "
      "NULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN INSERT OR REPLACE INTO \"rtree_%w_geom\" "
      "VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), "
      "ST_MaxY(NEW.\"geom\")); END",
      "CREATE TRIGGER \"rtree_%w_geom_update1\" AFTER UPDATE OF \"geom\" ON \"%w\" WHEN "
      "OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) "
      "BEGIN INSERT OR REPLACE INTO \"rtree_%w_geom\" VALUES (NEW.\"fid\", "
      "ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), "
      "ST_MaxY(NEW.\"geom\")); END",
      "CREATE TRIGGER \"rtree_%w_geom_update2\" AFTER UPDATE OF \"geom\" ON \"%w\" WHEN "
      "OLD.\"fid\" = NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN "
      "DELETE FROM \"rtree_%w_geom\" WHERE id = OLD.\"fid\"; END",
      "CREATE TRIGGER \"rtree_%w_geom_update3\" AFTER UPDATE ON \"%w\" WHEN OLD.\"fid\" != "
      "NEW.\"fid\" AND (NEW.\"geom\" NOTNULL AND NOT ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE "
      "FROM \"rtree_%w_geom\" WHERE id = OLD.\"fid\"; INSERT OR REPLACE INTO \"rtree_%w_geom\" "
      "VALUES (NEW.\"fid\", ST_MinX(NEW.\"geom\"), ST_MaxX(NEW.\"geom\"), ST_MinY(NEW.\"geom\"), "
      "ST_MaxY(NEW.\"geom\")); END",
      "CREATE TRIGGER \"rtree_%w_geom_update4\" AFTER UPDATE ON \"%w\" WHEN OLD.\"fid\" != "
      "NEW.\"fid\" AND (NEW.\"geom\" ISNULL OR ST_IsEmpty(NEW.\"geom\")) BEGIN DELETE FROM "
      "\"rtree_%w_geom\" WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END",
      ("CREATE TRIGGER \"rtree_%w_geom_delete\" AFTER DELETE ON \"%w\" WHEN old.\"geom\" NOT "
       "NULL BEGIN DELETE FROM \"rtree_%w_geom\" WHERE id = OLD.\"fid\"; END"),
  };
  for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
    /* Every format uses the table name three or four times; extra arguments are ignored. */
    fl_status st = execf(w, sqlite3_mprintf(fmt[i], t, t, t, t), "creating the index triggers");
    if (st) return st;
  }
  return FL_OK;
}

/* (P6) a table without geometry: data_type 'attributes', no geometry column,
 * no spatial index. */
static fl_status write_attributes(writer *w, const fl_layer *l, size_t *done, size_t total) {
  fl_status st = fl__sql_write_table(w->ctx, w->db, w->path, l, " NOT NULL", fl__gpkg_sql_type, done,
                                     total);
  if (st) return st;
  return execf(w,
               sqlite3_mprintf("INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                               "description) VALUES (%Q, 'attributes', %Q, '')",
                               l->name, l->name),
               "registering the table");
}

/* (P7): the table as QGIS 3.22 makes it through OGR, registered as an
 * attributes table (GDAL lists it; Frontline's readers skip it). */
static const char *const styles_sql =
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), "
    "f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
    "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
    "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, "
    "srs_id) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', 0)";

static fl_status write_style(writer *w, const fl_layer *l) {
  char *qml = NULL;
  const char *rule = NULL;
  fl_status st = fl__qml_for_layer(w->ctx, l, &qml, &rule);
  if (st || !qml) return st;
  if (!w->styles_table && (st = exec(w, styles_sql, "creating the layer styles table"))) {
    sqlite3_free(qml);
    return st;
  }
  w->styles_table = 1;
  char *sql = sqlite3_mprintf("INSERT INTO layer_styles (f_table_catalog, f_table_schema, "
                              "f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                              "useAsDefault, description, owner, ui) VALUES ('', '', %Q, "
                              "'geom', %Q, %Q, '', 1, %Q, '', NULL)",
                              l->name, l->name, qml, rule);
  sqlite3_free(qml);
  return execf(w, sql, "writing the layer style");
}

fl_status fl__gpkg_check_name(fl_ctx *ctx, const char *t) {
  if (strncasecmp(t, "gpkg_", 5) == 0 || strncasecmp(t, "sqlite_", 7) == 0 ||
      strncasecmp(t, "rtree_", 6) == 0)
    return fl__fail(ctx, FL_E_ARG,
                    "layer name '%s' starts with a prefix GeoPackage reserves (gpkg_, sqlite_, "
                    "rtree_); rename the layer",
                    t);
  return FL_OK;
}

fl_status fl__gpkg_out_register(writer *w, const char *t, const fl__geom_summary *sum,
                                int srs_id) {
  sqlite3_stmt *ins = NULL;
  /* Its metadata; the extent is bound, not printed, so it stays exact. */
  if (sqlite3_prepare_v2(w->db,
                         "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
                         "description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, "
                         "'features', ?1, '', ?2, ?3, ?4, ?5, ?6)",
                         -1, &ins, NULL) != SQLITE_OK)
    return db_fail(w, "registering the layer");
  sqlite3_bind_text(ins, 1, t, -1, SQLITE_STATIC);
  if (sum->has_extent) {
    sqlite3_bind_double(ins, 2, sum->minx);
    sqlite3_bind_double(ins, 3, sum->miny);
    sqlite3_bind_double(ins, 4, sum->maxx);
    sqlite3_bind_double(ins, 5, sum->maxy);
  }
  sqlite3_bind_int(ins, 6, srs_id);
  int rc = sqlite3_step(ins);
  sqlite3_finalize(ins);
  if (rc != SQLITE_DONE) return db_fail(w, "registering the layer");
  fl_status st = execf(w, sqlite3_mprintf("INSERT INTO gpkg_geometry_columns VALUES (%Q, 'geom', "
                                          "%Q, %d, %d, 0)", t, sum->type, srs_id, sum->z),
                       "registering the geometry column");
  if (!st)
    st = execf(w, sqlite3_mprintf("CREATE VIRTUAL TABLE \"rtree_%w_geom\" USING rtree(id, minx, "
                                  "maxx, miny, maxy)", t),
               "creating the spatial index");
  if (!st)
    st = execf(w, sqlite3_mprintf("INSERT INTO gpkg_extensions VALUES (%Q, 'geom', "
                                  "'gpkg_rtree_index', "
                                  "'http://www.geopackage.org/spec120/#extension_rtree', "
                                  "'write-only')", t),
               "registering the spatial index");
  return st;
}

fl_status fl__gpkg_out_index(writer *w, const char *t, const int64_t *ids, fl__gpkg_box *boxes,
                             size_t n_boxes, const fl_layer *style_of) {
  char *name = sqlite3_mprintf("rtree_%s_geom", t);
  int bad = !name || fl__gpkg_rtree_load(w->db, name, ids, boxes, n_boxes);
  sqlite3_free(name);
  if (bad) return db_fail(w, "filling the spatial index");
  fl_status st = create_triggers(w, t); /* (P2): after the rows */
  if (!st) st = write_style(w, style_of);
  return st;
}

static fl_status write_layer(writer *w, const fl_layer *l, size_t *done, size_t total) {
  fl_ctx *ctx = w->ctx;
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  const char *t = l->name;
  sqlite3_stmt *ins = NULL;
  int64_t *ids = NULL;
  fl__gpkg_box *boxes = NULL;
  size_t n_boxes = 0;
  char **cols = NULL;
  char *sql = NULL;
  fl_status st;
  fl__geom_summary sum;

  if ((st = fl__gpkg_check_name(ctx, t))) return st;
  if (fl__layer_is_table(l)) return write_attributes(w, l, done, total);
  if ((st = fl__geom_summarize(ctx, l, &sum)) != FL_OK) return st;
  int srs_id = l->srid > 0 ? l->srid : -1;
  if ((st = fl__gpkg_out_srs(w, l->srid)) != FL_OK) return st;
  if ((st = fl__field_columns(ctx, l, w->path, &cols)) != FL_OK) return st;

  /* The table. */
  char geom_decl[48];
  snprintf(geom_decl, sizeof geom_decl, "\"geom\" %s", sum.type);
  sql = fl__sql_create_table(t, " NOT NULL", geom_decl, l, cols, fl__gpkg_sql_type);
  if ((st = execf(w, sql, "creating the layer table")) != FL_OK) goto done;
  sql = NULL;
  if ((st = fl__gpkg_out_register(w, t, &sum, srs_id)) != FL_OK) goto done;

  /* The rows. */
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
  ids = malloc((l->n_features ? l->n_features : 1) * sizeof *ids);
  boxes = malloc((l->n_features ? l->n_features : 1) * sizeof *boxes);
  if (!ids || !boxes) {
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory writing '%s'", w->path);
    goto done;
  }
  int keep_fids = fl__fids_usable(l);
  for (size_t i = 0; i < l->n_features; i++) {
    const fl_feature *f = &l->features[i];
    if ((st = fl__write_progress(ctx, ++*done, total)) != FL_OK) goto done;
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (keep_fids) sqlite3_bind_int64(ins, 1, f->fid);
    int empty = 1;
    if (f->geom) {
      unsigned char *blob = NULL;
      size_t nb = 0;
      if ((st = fl_geom_to_blob(ctx, f->geom, srs_id, FL_BLOB_GPKG, &blob, &nb)) != FL_OK) {
        char why[FL_ERRMSG_LEN];
        snprintf(why, sizeof why, "%s", fl_ctx_errmsg(ctx));
        st = fl__fail(ctx, st, "layer '%s', feature %lld: %s", t, (long long)f->fid, why);
        goto done;
      }
      sqlite3_bind_blob64(ins, 2, blob, nb, free);
      empty = GEOSisEmpty_r(h, f->geom) != 0;
    }
    fl__sql_bind_fields(ins, 3, l, f);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      st = db_fail(w, "inserting a feature");
      goto done;
    }
    if (!empty) {
      double x0, y0, x1, y1;
      if (!GEOSGeom_getXMin_r(h, f->geom, &x0) || !GEOSGeom_getYMin_r(h, f->geom, &y0) ||
          !GEOSGeom_getXMax_r(h, f->geom, &x1) || !GEOSGeom_getYMax_r(h, f->geom, &y1)) {
        st = fl__fail_geos(ctx, "computing a feature's extent");
        goto done;
      }
      ids[n_boxes] = sqlite3_last_insert_rowid(w->db);
      fl__gpkg_box_set(&boxes[n_boxes++], x0, x1, y0, y1);
    }
  }
  st = fl__gpkg_out_index(w, t, ids, boxes, n_boxes, l);
done:
  sqlite3_finalize(ins);
  free(ids);
  free(boxes);
  sqlite3_free(sql);
  fl_strv_free(cols);
  return st;
}

fl_status fl__gpkg_out_open(fl_ctx *ctx, const char *tmp_path, const char *path, writer *w) {
  memset(w, 0, sizeof *w);
  w->ctx = ctx;
  w->path = path;
  /* NOMUTEX: one thread at a time writes through this connection, so SQLite
   * need not lock it on every bind and step (T1: 2M rows, ~25 calls each). */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(tmp_path, &w->db, flags, NULL) != SQLITE_OK) {
    fl_status st = fl__fail(ctx, FL_E_IO, "cannot create GeoPackage '%s' (%s)", path,
                            w->db ? sqlite3_errmsg(w->db) : "out of memory");
    sqlite3_close(w->db);
    w->db = NULL;
    return st;
  }
  /* The file is a temporary one: durability comes from fsync and rename in source.c. */
  fl_status st = exec(w,
                      "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200; "
                      "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                      "PRAGMA cache_size = -65536; BEGIN", /* 64 MB: no spilling pages mid-write */
                      "setting up the file");
  if (!st) st = exec(w, schema_sql, "creating the GeoPackage tables");
  if (!st) st = fl__gpkg_out_srs(w, 4326);
  return st;
}

fl_status fl__gpkg_out_close(writer *w, fl_status st) {
  if (!st && w->db) st = exec(w, "COMMIT", "committing"); /* (P1) */
  if (w->db && sqlite3_close(w->db) != SQLITE_OK && !st)
    st = fl__fail(w->ctx, FL_E_IO, "closing GeoPackage '%s' failed", w->path);
  w->db = NULL;
  free(w->srids);
  w->srids = NULL;
  return st;
}

fl_status fl__gpkg_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                         const fl_layer *const *layers, size_t n) {
  writer w;
  fl_status st = fl__gpkg_out_open(ctx, tmp_path, path, &w);
  size_t total = 0, done = 0;
  for (size_t i = 0; i < n; i++) total += layers[i]->n_features;
  for (size_t i = 0; i < n && !st; i++) st = write_layer(&w, layers[i], &done, total);
  return fl__gpkg_out_close(&w, st);
}
