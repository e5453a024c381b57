/*
 * fl_io.h - layers in memory, read from and written to GeoPackage,
 * SpatiaLite and GeoJSON.
 *
 * A layer is a plain table: named, typed fields and features that each carry
 * a feature id, one GEOS geometry (on the context's GEOS handle, in the
 * layer's own CRS) and one value per field. Data-source strings name a layer:
 *   path.gpkg:layer    GeoPackage table (path.gpkg alone when it has one layer)
 *   path.sqlite:table  SpatiaLite table (also .db, .spatialite)
 *   path.geojson       GeoJSON FeatureCollection (also .json); SRID 4326
 */
#ifndef FRONTLINE_FL_IO_H
#define FRONTLINE_FL_IO_H

#include <stdint.h>
#include "fl_ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fl_field_type {
  FL_FIELD_INTEGER = 1, /* 64-bit integer           */
  FL_FIELD_REAL = 2,    /* double                   */
  FL_FIELD_TEXT = 3,    /* UTF-8 text               */
  FL_FIELD_DATE = 4     /* a date: ISO 8601 text "YYYY-MM-DD" held like
                           FL_FIELD_TEXT (fl_feature_set_text), declared
                           DATE in GeoPackage and SpatiaLite so that GIS
                           read it as a date. Readers give TEXT. @since 0.2 */
} fl_field_type;

typedef struct fl_field {
  char *name;           /* owned by the layer */
  fl_field_type type;
} fl_field;

typedef struct fl_value {
  int is_null;          /* nonzero: SQL NULL / JSON null / absent */
  int64_t i;            /* FL_FIELD_INTEGER */
  double d;             /* FL_FIELD_REAL */
  char *s;              /* FL_FIELD_TEXT and FL_FIELD_DATE, owned by the layer */
} fl_value;

typedef struct fl_feature {
  int64_t fid;          /* feature id as stored (GeoJSON: 1-based position or "id") */
  GEOSGeometry *geom;   /* owned by the layer; may be NULL (no geometry) */
  fl_value *values;     /* n_fields values, owned by the layer */
} fl_feature;

typedef struct fl_layer {
  char *name;           /* layer/table name */
  char *source;         /* data-source string it was read from ("" for new layers) */
  int srid;             /* EPSG code of every geometry; 0 = unknown */
  char *geom_type;      /* declared type, e.g. "POINT", "MULTIPOLYGON", "GEOMETRY" */
  size_t n_fields;
  fl_field *fields;
  size_t n_features;
  fl_feature *features;
  size_t cap_features;  /* internal */
} fl_layer;

/**
 * Read a whole layer.
 * @param source  borrowed data-source string (see top of file).
 * @param out     [out] owned by caller, free with fl_layer_destroy().
 * @return FL_OK, FL_E_LAYER (file or layer missing: the message lists the
 *         layers the file has), FL_E_SRID, FL_E_GEOM (undecodable geometry,
 *         names the feature id), FL_E_IO.
 * @since 0.1
 */
FL_API fl_status fl_layer_read(fl_ctx *ctx, const char *source, fl_layer **out);

/** Options for reading. */
typedef struct fl_read_opts {
  /* NULL-terminated "NAME=VALUE" open options of GDAL/OGR (as ogr2ogr's
   * -oo), borrowed; NULL or empty: none. When given, the input is read
   * through OGR whatever its format. */
  const char *const *open_options;
} fl_read_opts;

/**
 * fl_layer_read() with options. @param opts borrowed, may be NULL (then as
 * fl_layer_read()). @param out [out] owned by caller, free with
 * fl_layer_destroy(). @return as fl_layer_read().
 * @since 0.3
 */
FL_API fl_status fl_layer_read_opts(fl_ctx *ctx, const char *source, const fl_read_opts *opts,
                                    fl_layer **out);

/** Names of the layers a file holds (GeoPackage, SpatiaLite) or the file itself
 *  (GeoJSON). @param out [out] NULL-terminated array owned by caller, free with
 *  fl_strv_free(). @since 0.1 */
FL_API fl_status fl_layer_list(fl_ctx *ctx, const char *path, char ***out);

/** Free a NULL-terminated string array; NULL is a no-op. @since 0.1 */
FL_API void fl_strv_free(char **v);

/**
 * New empty layer. @param geom_type e.g. "POLYGON", "MULTILINESTRING", "POINT", "GEOMETRY".
 * @return owned by caller, free with fl_layer_destroy(); NULL when out of memory.
 * @since 0.1
 */
FL_API fl_layer *fl_layer_new(const char *name, int srid, const char *geom_type);

/** Free a layer and its geometries (made on ctx's GEOS handle). NULL is a no-op. @since 0.1 */
FL_API void fl_layer_destroy(fl_ctx *ctx, fl_layer *layer);

/** Append a field; returns its index, or -1 when out of memory or the name exists. @since 0.1 */
FL_API int fl_layer_add_field(fl_layer *layer, const char *name, fl_field_type type);

/** Index of a field by name (case-insensitive), or -1. @since 0.1 */
FL_API int fl_layer_field_index(const fl_layer *layer, const char *name);

/**
 * Append a feature with all values NULL.
 * @param geom  taken (even on failure); may be NULL.
 * @return the new feature (valid until the next append), or NULL when out of memory.
 * @since 0.1
 */
FL_API fl_feature *fl_layer_append(fl_ctx *ctx, fl_layer *layer, int64_t fid, GEOSGeometry *geom);

/** Set values of a feature; text is copied; a real that is NaN or infinite is stored as
 * NULL. Return FL_OK or FL_E_NOMEM. @since 0.1 */
FL_API fl_status fl_feature_set_int(fl_layer *layer, fl_feature *f, int field, int64_t v);
FL_API fl_status fl_feature_set_real(fl_layer *layer, fl_feature *f, int field, double v);
FL_API fl_status fl_feature_set_text(fl_layer *layer, fl_feature *f, int field, const char *v);
FL_API void fl_feature_set_null(fl_layer *layer, fl_feature *f, int field);

/** Text of a value, whatever its type ("" for NULL). Borrowed: valid until the
 *  next call of this function on the same thread. @since 0.1 */
FL_API const char *fl_value_text(const fl_layer *layer, const fl_feature *f, int field);

/** Options for writing. */
typedef struct fl_write_opts {
  int overwrite;        /* nonzero: replace an existing file */
  /* (0.3) the format by its GDAL/OGR driver short name, chosen over the
   * extension: "GPKG", "SQLite" (SpatiaLite), "GeoJSON", "FlatGeobuf",
   * "KML", "CSV", "GeoJSONSeq", "GML", "ESRI Shapefile" (written as one zip
   * file: the name must end in .shz or .shp.zip); case-insensitive. NULL or
   * "": by extension. Borrowed. */
  const char *format;
} fl_write_opts;

/**
 * Whether fl_layers_write() writes a file of this name: its extension is one
 * of fl_output_extensions(). @param path borrowed. @return 1 or 0.
 * @since 0.2
 */
FL_API int fl_output_writable(const char *path);

/** The output extensions, for messages: ".gpkg, .sqlite, .geojson, .fgb,
 *  .kml, .csv, .geojsonl, .gml, .shz or .shp.zip". Static. @since 0.2 */
FL_API const char *fl_output_extensions(void);

/**
 * Whether fl_layers_write() writes path in format (an OGR driver short name,
 * see fl_write_opts.format; NULL or "": by path's extension).
 * @param path, format borrowed. @return 1 or 0.
 * @since 0.3
 */
FL_API int fl_output_writable_as(const char *path, const char *format);

/** The output formats by driver name, for messages: "GPKG, SQLite, GeoJSON,
 *  FlatGeobuf, KML, CSV, GeoJSONSeq, GML or ESRI Shapefile". Static. @since 0.3 */
FL_API const char *fl_output_formats(void);

/**
 * Whether the file that a data-source string reads from ("path.gpkg:layer",
 * "path|layername=x", "path.geojson") is the file at path: the same device
 * and inode, however either is spelled (relative, "./", links). 0 when
 * either does not exist. Hosts use it to refuse an output that is one of
 * the inputs before any work starts.
 *
 * @param source, path borrowed.
 * @return 1 when they are the same file, else 0.
 * @since 0.2
 */
FL_API int fl_source_same_file(const char *source, const char *path);

/**
 * Write layers into one file, chosen by extension: .gpkg (all layers, with
 * CRS, gpkg_contents, gpkg_geometry_columns and an R*Tree spatial index),
 * .sqlite/.db (SpatiaLite tables), .geojson/.json (exactly one layer, written
 * as EPSG:4326 as RFC 7946 asks), .fgb, .kml, .csv, .geojsonl, .gml, .shz,
 * .shp.zip through GDAL/OGR; or by opts->format, an OGR driver name, over the
 * extension. The file is built beside the target under a
 * temporary name and renamed into place only when complete, so an existing
 * file is never half-overwritten.
 *
 * @param layers borrowed array of n borrowed layers.
 * @return FL_OK, FL_E_EXISTS (file exists and overwrite is 0), FL_E_IO, FL_E_ARG.
 * @since 0.1
 */
FL_API fl_status fl_layers_write(fl_ctx *ctx, const char *path, const fl_layer *const *layers,
                                 size_t n, const fl_write_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
