/*
 * fl_io_internal.h - what the files of core/io/ share: the JSON tree, the
 * per-format readers and writers that source.c dispatches to, SQLite table
 * helpers, and locale-proof number conversion.
 *
 * Writers write to a temporary path that source.c made; they never create or
 * rename the final file. Readers get the final data-source string only for
 * messages. Names carry the fl__ prefix.
 */
#ifndef FL_IO_INTERNAL_H
#define FL_IO_INTERNAL_H

#include <locale.h>
#include <stdint.h>
#include "fl_internal.h"

/* Only a name here: layer.c is part of fl_core, which makes no SQLite calls
 * (it also goes into the SQLite extension); the io files that talk to SQLite
 * include <sqlite3.h> themselves. */
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

/* ---- Numbers, whatever the host's LC_NUMERIC (layer.c) ------------------ */

/* The "C" locale, made once; NULL if it cannot be made (then the current
 * locale is used, which is right unless a host changed LC_NUMERIC). */
locale_t fl__c_locale(void);
/* Shortest text that reads back to d ("%.15g" .. "%.17g"), '.' as decimal
 * mark; "nan"/"inf" for non-finite values. Returns the length. */
int fl__format_double(char *buf, size_t n, double d);

/* The features of l freed (geometries on ctx's handle), its fields and
 * feature array kept: n_features is 0 (layer.c). */
void fl__layer_clear_features(fl_ctx *ctx, fl_layer *l);

/* ---- JSON (json.c) ------------------------------------------------------ */

typedef enum fl__json_type {
  FL__JSON_NULL,
  FL__JSON_FALSE,
  FL__JSON_TRUE,
  FL__JSON_NUMBER,
  FL__JSON_STRING,
  FL__JSON_ARRAY,
  FL__JSON_OBJECT
} fl__json_type;

typedef struct fl__json fl__json;
struct fl__json {
  fl__json_type type;
  int is_int;          /* NUMBER: written without fraction or exponent, fits int64 */
  size_t n;            /* STRING: bytes; NUMBER: length of the literal; ARRAY: items;
                          OBJECT: members */
  size_t pos;          /* byte offset of the value in the text */
  double num;          /* NUMBER */
  int64_t i;           /* NUMBER when is_int */
  const char *str;     /* STRING: decoded UTF-8, NUL-terminated (may hold \0 if
                          escaped); NUMBER: the literal inside the text (not
                          terminated) */
  fl__json *items;     /* ARRAY: n items; OBJECT: 2n nodes, key (STRING) then value */
};

typedef struct fl__json_doc fl__json_doc;

/* Limit of nested arrays and objects. */
#define FL__JSON_MAX_DEPTH 128

/*
 * Parse text (n bytes, UTF-8, an optional BOM) strictly as RFC 8259 JSON.
 * @param out  [out] owned by caller, free with fl__json_free(); the tree
 *             borrows text (number literals point into it).
 * @param err  on FL_E_ARG: "at byte N (line L, column C): what is wrong".
 * @return FL_OK, FL_E_ARG (syntax, depth, bad UTF-8), FL_E_NOMEM.
 */
fl_status fl__json_parse(const char *text, size_t n, fl__json_doc **out, char *err,
                         size_t errlen);
const fl__json *fl__json_root(const fl__json_doc *d);
void fl__json_free(fl__json_doc *d);
/* First member of an object with this key, or NULL (also when obj is not an object). */
const fl__json *fl__json_get(const fl__json *obj, const char *key);
/* "null", "false", "true", "number", "string", "array", "object". Static. */
const char *fl__json_type_name(fl__json_type t);
/* 1 when s (n bytes) is valid UTF-8. */
int fl__utf8_valid(const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (n >= 1 bytes left), or 0. */
size_t fl__utf8_seq(const unsigned char *s, size_t n);

/* ---- Formats ------------------------------------------------------------ */

typedef enum fl__format {
  FL__FMT_UNKNOWN = 0,
  FL__FMT_GPKG,
  FL__FMT_SPATIALITE,
  FL__FMT_GEOJSON
} fl__format;

/* Format named by the extension of path (case-insensitive), or UNKNOWN. */
fl__format fl__format_of_path(const char *path);

/* GeoPackage (gpkg_read.c, gpkg_write.c). */
fl_status fl__gpkg_list(fl_ctx *ctx, const char *path, char ***out);
fl_status fl__gpkg_read(fl_ctx *ctx, const char *path, const char *layer, const char *source,
                        fl_layer **out);
fl_status fl__gpkg_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                         const fl_layer *const *layers, size_t n);
typedef struct fl__geom_summary fl__geom_summary;
/* The GeoPackage writer's steps, shared by fl__gpkg_write() and the stream
 * sink (stream_gpkg.c). */
typedef struct fl__gpkg_out {
  fl_ctx *ctx;
  sqlite3 *db;
  const char *path;     /* final path, for messages */
  int *srids;           /* SRS rows written so far */
  size_t n_srids;
  int styles_table;     /* layer_styles exists */
} fl__gpkg_out;
/* Create the file at tmp_path, its GeoPackage tables, the 4326 row; in a transaction. */
fl_status fl__gpkg_out_open(fl_ctx *ctx, const char *tmp_path, const char *path, fl__gpkg_out *w);
/* COMMIT when st is FL_OK, close; returns st or the failure of closing. */
fl_status fl__gpkg_out_close(fl__gpkg_out *w, fl_status st);
/* FL_E_ARG for a layer name with a prefix GeoPackage reserves. */
fl_status fl__gpkg_check_name(fl_ctx *ctx, const char *t);
/* The gpkg_spatial_ref_sys row of EPSG:srid, once. */
fl_status fl__gpkg_out_srs(fl__gpkg_out *w, int srid);
/* Declared SQL type of field j (P6: dates as DATE). */
const char *fl__gpkg_sql_type(const fl_layer *l, size_t j);
/* gpkg_contents, gpkg_geometry_columns, the R*Tree table, gpkg_extensions. */
fl_status fl__gpkg_out_register(fl__gpkg_out *w, const char *t, const fl__geom_summary *sum,
                                int srs_id);
/* One box of the R*Tree as the R*Tree holds it: 32-bit floats rounded
 * outwards (fl__gpkg_box_set, gpkg_rtree.c), 20 bytes a feature; pos is the
 * packer's. */
typedef struct fl__gpkg_box {
  float minx, maxx, miny, maxy;
  uint32_t pos;
} fl__gpkg_box;
void fl__gpkg_box_set(fl__gpkg_box *b, double minx, double maxx, double miny, double maxy);
/* Pack the R*Tree (ids[i] and boxes[i] per feature: boxes are reordered), its
 * triggers, and the style chosen from style_of's fields and values (qml.c). */
fl_status fl__gpkg_out_index(fl__gpkg_out *w, const char *t, const int64_t *ids,
                             fl__gpkg_box *boxes, size_t n_boxes, const fl_layer *style_of);
/* Packs the boxes (b[i] the box of feature ids[i]; b is reordered in place,
 * ids is not) into the empty R*Tree virtual table `name` (gpkg_rtree.c); 0
 * on success, -1 on an SQLite or memory failure (sqlite3_errmsg(db) may say
 * which) or beyond UINT32_MAX boxes. */
int fl__gpkg_rtree_load(sqlite3 *db, const char *name, const int64_t *ids, fl__gpkg_box *b,
                        size_t n);

/* SpatiaLite (spatialite_io.c). */
fl_status fl__spatialite_list(fl_ctx *ctx, const char *path, char ***out);
fl_status fl__spatialite_read(fl_ctx *ctx, const char *path, const char *table,
                              const char *source, fl_layer **out);
fl_status fl__spatialite_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                               const fl_layer *const *layers, size_t n);

/* Every other vector format, through GDAL/OGR (ogr_read.c). */
/* open_options: NULL-terminated "NAME=VALUE" for GDALOpenEx, or NULL;
 * where: an attribute filter (OGR_L_SetAttributeFilter), or NULL. */
fl_status fl__ogr_read(fl_ctx *ctx, const char *path, const char *layer, const char *source,
                       const char *const *open_options, const char *where, fl_layer **out);
/* A GeoPackage table through OGR with the GeoPackage rules (ogr_read.c O10):
 * srid the layer's EPSG code, or -1 to take OGR's CRS (a custom entry);
 * schema (borrowed) the table's fields as gpkg_read.c's R2 types them. FL_OK
 * with *out NULL: OGR does not read one of those fields (nothing read). */
fl_status fl__ogr_read_gpkg(fl_ctx *ctx, const char *path, const char *table, const char *source,
                            int srid, const fl_layer *schema, fl_layer **out);
fl_status fl__ogr_list(fl_ctx *ctx, const char *path, char ***out);
/* The short name of the OGR driver that recognises path ("ESRI Shapefile",
 * "KML", "ESRIJSON", ...), or NULL. Static. */
const char *fl__ogr_driver(const char *path);

/* Single-file OGR formats (ogr_write.c): the writer for path's extension
 * (.fgb, .kml, .csv, .geojsonl, .geojsons, .gml), or -1; one_layer [out, may
 * be NULL]: the format holds one layer only. */
int fl__ogr_writer(const char *path, int *one_layer);
/* The writer of an OGR driver by its short name (case-insensitive), path
 * choosing among its extensions; -2 for a Shapefile whose path is not .shz
 * or .shp.zip, -1 for a driver Frontline does not write. */
int fl__ogr_writer_named(const char *driver, const char *path, int *one_layer);
/* (OW5) OGR's writer of a format Frontline writes itself ("gpkg",
 * "geojson"), for measuring only; -1 for another extension. */
int fl__ogr_writer_own(const char *ext);
/* The driver short name of a writer, or NULL. Static. */
const char *fl__ogr_writer_driver(int writer);
fl_status fl__ogr_write(fl_ctx *ctx, int writer, const char *tmp, const char *path,
                        const fl_layer *const *layers, size_t n);

/* JSON text in a growing buffer (json_text.c): p is NUL-terminated; on out
 * of memory oom is set and later calls do nothing. */
typedef struct fl__sbuf {
  char *p;
  size_t n, cap;
  int oom;
} fl__sbuf;
void fl__sb_put(fl__sbuf *b, const char *s, size_t n);
void fl__sb_str(fl__sbuf *b, const char *s);
/* A JSON string literal of s (n bytes): escapes, and U+FFFD for invalid UTF-8. */
void fl__sb_json_string(fl__sbuf *b, const char *s, size_t n);
/* The JSON text of a parsed value. */
void fl__sb_json(fl__sbuf *b, const fl__json *v);

/* GeoJSON (geojson.c reads, geojson_geom.c builds its geometries, geojson_write.c
 * writes). */
fl_status fl__geojson_read(fl_ctx *ctx, const char *path, const char *source, fl_layer **out);
/* The layer name fl__geojson_read() would give (the "name" member or the file name). */
fl_status fl__geojson_name(fl_ctx *ctx, const char *path, char **out);
fl_status fl__geojson_write(fl_ctx *ctx, const char *tmp_path, const char *path,
                            const fl_layer *layer);

/* GeoJSON geometries (geojson_geom.c), for geojson.c. A reader is the
 * state of one file's read: ctx and h, path (borrowed) and the 1-based
 * feature for messages, and buf, coordinate scratch of cap doubles that the
 * reader owns: zero it at the start and free(buf) after the last geometry. */
typedef struct fl__geojson_reader {
  fl_ctx *ctx;
  GEOSContextHandle_t h;
  const char *path;
  int64_t feature;
  double *buf;
  size_t cap;
} fl__geojson_reader;
/* The "type" string member of object o (borrowed from o), or NULL. */
const char *fl__geojson_type(const fl__json *o);
/* Whether t is one of the seven GeoJSON geometry types. */
int fl__geojson_is_geometry_type(const char *t);
/* The geometry of object g (J3) into *out, new and the caller's; NULL for a
 * JSON null. A geometry with empty coordinates comes back empty. On error
 * ctx's message names the file and r->feature (J5). */
fl_status fl__geojson_geometry(fl__geojson_reader *r, const fl__json *g, GEOSGeometry **out);

/* ---- Shared by the readers and writers (source.c) ----------------------- */

/* FL_E_LAYER: "<what> '<path>' has no layer '<name>'; its layers are: a, b". */
fl_status fl__fail_no_layer(fl_ctx *ctx, const char *what, const char *path, const char *name,
                            char *const *layers);
/* Split a data-source string into path and layer name (NULL when none);
 * both owned by caller (free). */
fl_status fl__split_source(fl_ctx *ctx, const char *source, char **path, char **layer);
/* A NULL-terminated list builder: append a copy of s. FL_E_NOMEM on failure. */
fl_status fl__strv_push(fl_ctx *ctx, char ***v, size_t *n, const char *s);
/* The file name of path without directory and extension, malloc'd. */
char *fl__path_stem(const char *path);

/* ---- SQLite helpers (gpkg_read.c) --------------------------------------- */

/* Identifier in double quotes with quotes doubled, sqlite3_malloc'd (sqlite3_free). */
char *fl__sql_ident(const char *name);
/* Open a database read-only; FL_E_IO/FL_E_LAYER with a message on failure. */
fl_status fl__sql_open_ro(fl_ctx *ctx, const char *path, sqlite3 **db);

/* write_cause.c: stderr (fd 2) sent to a temporary file between begin and
 * end, its first non-blank line kept in text (SpatiaLite's functions print
 * their reasons); captures are serialised by a mutex. */
typedef struct fl__stderr_capture {
  int saved;        /* the original fd 2, or -1 */
  FILE *file;
  char text[256];   /* the first line printed, "" when none */
} fl__stderr_capture;
void fl__stderr_capture_begin(fl__stderr_capture *c);
void fl__stderr_capture_end(fl__stderr_capture *c);
/* Nonzero when a failed write on db (may be NULL) or the captured text
 * (may be NULL) shows that the disk is full. */
int fl__write_disk_full(sqlite3 *db, const char *captured);
#define FL__DISK_FULL "disk full (no space left on the device)"
/* 1 when the database has a table (or view) of that name. */
int fl__sql_has_table(sqlite3 *db, const char *name);
/* Field type from a declared SQL column type (see gpkg_read.c for the map). */
fl_field_type fl__sql_field_type(const char *decl);

/*
 * Read a whole table into a new layer: the INTEGER PRIMARY KEY (or rowid) is
 * the fid, geom_col is decoded as a blob of any kind (SpatiaLite, GPB, WKB),
 * other columns become fields. Undecodable blobs fail with FL_E_GEOM naming
 * the layer and fid. Empty geometries are read as no geometry (NULL).
 */
fl_status fl__sql_read_table(fl_ctx *ctx, sqlite3 *db, const char *table, const char *geom_col,
                             int srid, const char *geom_type, const char *source,
                             fl_layer **out);

/* ---- Writer helpers (sql_write.c) --------------------------------------- */

struct fl__geom_summary {
  char type[32];        /* declared type that every geometry fits, e.g. "MULTIPOLYGON" */
  int z;                /* 0 no geometry has Z, 1 all have, 2 some have */
  int has_extent;       /* 0 when no non-empty geometry */
  double minx, miny, maxx, maxy;
};

/* GeoPackage / SpatiaLite name of a GEOS type id ("MULTIPOLYGON"; a ring is
 * a "LINESTRING"; anything unknown a "GEOMETRYCOLLECTION"). */
const char *fl__geom_type_name(int geos_type);
/* Declared type, Z flag and extent of a layer's geometries. */
fl_status fl__geom_summarize(fl_ctx *ctx, const fl_layer *l, fl__geom_summary *s);
/* Column names for the fields of l, NULL-terminated (fl_strv_free): a field
 * named like the "fid" or "geom" column gets a suffix ("fid_1"), with a warning. */
fl_status fl__field_columns(fl_ctx *ctx, const fl_layer *l, const char *path, char ***out);
/* 1 when every feature id is positive and no two are equal: writers keep
 * them; otherwise the table numbers the rows. */
int fl__fids_usable(const fl_layer *l);
/* SQL (sqlite3_free; NULL when out of memory) creating the layer's table:
 * "fid" INTEGER PRIMARY KEY AUTOINCREMENT followed by fid_extra, then
 * geom_decl when not NULL (e.g. "\"geom\" POINT"), then one column per field
 * named cols[j] of type type_name(l, j). */
char *fl__sql_create_table(const char *table, const char *fid_extra, const char *geom_decl,
                           const fl_layer *l, char *const *cols,
                           const char *(*type_name)(const fl_layer *, size_t));
/* 1 when field j is DATE, or text whose name contains "date" and every non-NULL value
 * (at least one) is a calendar date YYYY-MM-DD: GeoPackage writers declare it
 * DATE, which QGIS reads as a date (its Temporal Controller needs one). */
int fl__field_is_date(const fl_layer *l, int j);
/* The QGIS style (QML) of a layer, chosen from its fields (qml.c).
 * @param out   [out] owned by caller, free with sqlite3_free(); NULL when no
 *              rule applies (then *rule is NULL too).
 * @param rule  [out] static name of the rule used ("bands", "holder", ...).
 * @return FL_OK or FL_E_NOMEM. */
fl_status fl__qml_for_layer(fl_ctx *ctx, const fl_layer *l, char **out, const char **rule);
/* SQL (sqlite3_free; NULL when out of memory) inserting one row: parameter 1
 * the fid, 2 the geometry, 3... the fields in order. */
char *fl__sql_insert(const char *table, const fl_layer *l, char *const *cols);
/* The same inserting n_rows rows in one statement: row r's parameters are
 * r * (2 + l->n_fields) + 1, + 2, ... in that order. */
char *fl__sql_insert_rows(const char *table, const fl_layer *l, char *const *cols,
                          size_t n_rows);
/* Binds f's attribute values to parameters first, first+1, ...; NULLs and
 * non-finite reals stay unbound (NULL). Text is bound SQLITE_STATIC: step
 * before f changes. */
void fl__sql_bind_fields(sqlite3_stmt *ins, int first, const fl_layer *l, const fl_feature *f);
/* Progress over a write: features done of total; FL_E_CANCEL when asked. */
fl_status fl__write_progress(fl_ctx *ctx, size_t done, size_t total);
/* (P6) 1 when l is a table without geometry (geom_type "NONE",
 * fl_layer_new()): written with no geometry column. */
int fl__layer_is_table(const fl_layer *l);
/* (P6) Create and fill a table without geometry column in db: "fid" INTEGER
 * PRIMARY KEY AUTOINCREMENT followed by fid_extra, then the fields; the
 * caller registers it (gpkg_contents 'attributes'). path for messages. */
fl_status fl__sql_write_table(fl_ctx *ctx, sqlite3 *db, const char *path, const fl_layer *l,
                              const char *fid_extra,
                              const char *(*type_name)(const fl_layer *, size_t),
                              size_t *done, size_t total);

/* ---- sql_cursor.c: a table read a chunk at a time ------------------------ */
typedef struct fl__sql_cursor fl__sql_cursor;
/* Open a cursor over a table (what fl__sql_read_table reads, same rules). */
fl_status fl__sql_cursor_open(fl_ctx *ctx, sqlite3 *db, const char *table, const char *geom_col,
                              int srid, const char *geom_type, const char *source,
                              fl__sql_cursor **out);
/* The layer's name, SRID, declared type and fields (no features); the cursor's. */
const fl_layer *fl__sql_cursor_schema(const fl__sql_cursor *c);
/* Append up to max rows to into (fields as the schema's); with xy (room for
 * 2 * max), 2D points go there (NaN where a feature has a GEOS geometry or
 * none). Fewer than max rows: the table ended. */
fl_status fl__sql_cursor_next(fl_ctx *ctx, sqlite3 *db, fl__sql_cursor *c, fl_layer *into,
                              size_t max, double *xy);
void fl__sql_cursor_close(fl_ctx *ctx, fl__sql_cursor *c);

/* ---- source.c: an output file's temporary and its move into place ------- */
/* (W1)-(W5) before writing: checks the path, sweeps old temporaries, makes
 * the temporary (*tmp owned by caller) and its lock. */
fl_status fl__output_begin(fl_ctx *ctx, const char *path, int overwrite, char **tmp,
                           int *lock_fd);
/* After writing with status st: moves tmp into place (FL_OK) or removes it;
 * frees tmp, closes lock_fd. Returns st or the failure of the move. */
fl_status fl__output_finish(fl_ctx *ctx, const char *path, int overwrite, char *tmp, int lock_fd,
                            fl_status st);
/* GeoPackage layer metadata for a reader: table (stored spelling), geometry
 * column, SRID and declared type; all owned by caller (free). */
fl_status fl__gpkg_layer_meta(fl_ctx *ctx, sqlite3 *db, const char *path, const char *layer,
                              char **table, char **geom_col, int *srid, char **geom_type);
fl_status fl__gpkg_open_ro(fl_ctx *ctx, const char *path, sqlite3 **db);

/* ---- temp.c: the temporary file beside an output ------------------------ */
/* Create path + ".tmp-XXXXXX" and lock it (flock); *tmp owned by caller,
 * close *lock_fd when the output is in place or the temporary removed. */
fl_status fl__temp_create(fl_ctx *ctx, const char *path, char **tmp, int *lock_fd);
/* Remove a temporary file with its SQLite -journal, -wal and -shm files. */
void fl__temp_remove(const char *tmp);
/* Remove temporary files of earlier runs to path that were killed while
 * writing (unlocked), each with a warning. */
void fl__temp_sweep(fl_ctx *ctx, const char *path);

#endif
