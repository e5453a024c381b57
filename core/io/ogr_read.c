/*
 * ogr_read.c - read a layer of any vector format GDAL/OGR reads: Shapefile,
 * KML/KMZ, FlatGeobuf, CSV with coordinates or WKT, ESRI JSON, GeoJSONSeq,
 * GML, PostGIS ("PG:dbname=... :table"), ... GeoPackage, SpatiaLite and
 * GeoJSON keep their own readers (source.c); this file takes every other
 * source. Rules:
 *   (O1) the layer: the one named after the last ':' (or "|layername="),
 *        else the only layer of the data source; several layers and no name
 *        fail with FL_E_LAYER listing them, as the other readers do;
 *   (O2) the CRS is the data's own (a Shapefile's ESRI .prj, a KML's WGS84,
 *        a CSV's none): its EPSG code when GDAL identifies one (authority,
 *        or a match of confidence >= 90); a CRS with no EPSG code is
 *        reprojected to lon/lat (EPSG:4326) with a warning; no CRS at all
 *        gives SRID 0, which the tools treat as for any other format;
 *   (O3) fields: OGR integers -> INTEGER, reals -> REAL, dates -> DATE
 *        (ISO text), everything else (date-times as ISO text) -> TEXT; a field that is unset or
 *        null -> NULL;
 *   (O4) geometries go through WKB into GEOS (fl_geom_from_blob); an empty
 *        geometry is no geometry; one that does not decode fails naming the
 *        layer and the feature id; curves are linearised by OGR first;
 *   (O5) GDAL's own messages are not printed: the last one becomes the
 *        reason in Frontline's sentence;
 *   (O6) open options ("NAME=VALUE", as ogr2ogr's -oo) go to GDALOpenEx; one
 *        the driver does not know is a warning naming it;
 *   (O7) features are read in batches through OGR's Arrow stream
 *        (ogr_arrow.c), with the values and geometries the feature-by-feature
 *        read gives; a layer with a field type the batch reader has no column
 *        reader for (date-times, lists, binary) is read feature by feature;
 *   (O8) fl__ogr_scan() hands the features over 65,536 at a time and frees
 *        them, so that memory does not grow with the layer;
 *   (O9) a filter (QGIS's subset string) is the layer's attribute filter; one
 *        OGR refuses fails with FL_E_LAYER naming it and GDAL's reason;
 *  (O10) a GeoPackage (fl__ogr_read_gpkg, called by gpkg_read.c) keeps the
 *        own reader's rules: Z values kept (M dropped), DATE and DATETIME
 *        columns read as TEXT (gpkg_read.c R2; date-times in ISO 8601 with
 *        their 'Z' or offset and milliseconds), and the SRID that
 *        gpkg_read.c takes from gpkg_spatial_ref_sys when it is an EPSG
 *        code; a custom entry's CRS is OGR's, from its definition (O2).
 * Not here: choosing this reader (source.c), writing (the other formats).
 */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <string.h>
#include <strings.h>

#include "fl_ogr.h"

/* (O5) GDAL's messages, kept instead of printed: the last failure's text. */
static void quiet_handler(CPLErr cls, CPLErrorNum num, const char *msg) {
  (void)cls;
  (void)num;
  (void)msg;
}

static const char *gdal_reason(void) {
  const char *m = CPLGetLastErrorMsg();
  return m && *m ? m : "GDAL cannot read it";
}

static GDALDatasetH open_vector(fl_ctx *ctx, const char *path, const char *const *oo) {
  GDALAllRegister();
  CPLErrorReset();
  GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
  if (!ds)
    fl__fail(ctx, FL_E_LAYER, "'%s' is not a vector data source GDAL/OGR can read (%s)", path,
             gdal_reason());
  return ds;
}

/* (O6) An open option the driver does not declare is said, not silently
 * dropped: OGR itself only warns. */
static int contains_ci(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return 1;
  return 0;
}

static void warn_open_options(fl_ctx *ctx, GDALDatasetH ds, const char *source,
                              const char *const *oo) {
  GDALDriverH drv = GDALGetDatasetDriver(ds);
  const char *list = drv ? GDALGetMetadataItem(drv, GDAL_DMD_OPENOPTIONLIST, NULL) : NULL;
  for (size_t i = 0; oo[i]; i++) {
    const char *eq = strchr(oo[i], '=');
    size_t n = eq ? (size_t)(eq - oo[i]) : strlen(oo[i]);
    char pat[160];
    if (n == 0 || n >= sizeof pat - 16) continue;
    snprintf(pat, sizeof pat, "name='%.*s'", (int)n, oo[i]);
    if (!list || !contains_ci(list, pat))
      fl__warn(ctx, "%s: GDAL's %s driver has no open option '%.*s'; ignored", source,
               drv ? GDALGetDriverShortName(drv) : "?", (int)n, oo[i]);
  }
}

/* (O1) The layer to read: by name, or the only one. */
static OGRLayerH pick_layer(fl_ctx *ctx, GDALDatasetH ds, const char *path, const char *name) {
  int n = GDALDatasetGetLayerCount(ds);
  if (name) {
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (l) return l;
  } else if (n == 1) {
    return GDALDatasetGetLayer(ds, 0);
  }
  char list[600] = "";
  size_t used = 0;
  for (int i = 0; i < n && used + 8 < sizeof list; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s'%s'", i ? ", " : "",
                     OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    if (w < 0 || (size_t)w >= sizeof list - used) break;
    used += (size_t)w;
  }
  if (name)
    fl__fail(ctx, FL_E_LAYER, "'%s' has no layer '%s'; its layers: %s", path, name,
             n ? list : "none");
  else if (n == 0)
    fl__fail(ctx, FL_E_LAYER, "'%s' has no layers", path);
  else
    fl__fail(ctx, FL_E_LAYER, "'%s' has %d layers (%s); name one, as in '%s:%s'", path, n, list,
             path, OGR_L_GetName(GDALDatasetGetLayer(ds, 0)));
  return NULL;
}

/* (O2) The EPSG code of a CRS, or 0 when it has none GDAL can name. */
static int epsg_of(OGRSpatialReferenceH srs) {
  const char *auth = OSRGetAuthorityName(srs, NULL);
  if (auth && strcmp(auth, "EPSG") == 0) return atoi(OSRGetAuthorityCode(srs, NULL));
  int n = 0, *conf = NULL, code = 0;
  OGRSpatialReferenceH *m = OSRFindMatches(srs, NULL, &n, &conf);
  if (m && n > 0 && conf[0] >= 90) {
    const char *a = OSRGetAuthorityName(m[0], NULL);
    if (a && strcmp(a, "EPSG") == 0) code = atoi(OSRGetAuthorityCode(m[0], NULL));
  }
  OSRFreeSRSArray(m);
  CPLFree(conf);
  return code;
}

typedef fl__ogr_job ogr_job;

/* (O10) The schema's fields first, in the table's order and types; whether
 * OGR reads every one of them. */
static fl_status schema_fields(ogr_job *j, OGRFeatureDefnH defn) {
  for (size_t k = 0; k < j->schema->n_fields; k++) {
    const fl_field *f = &j->schema->fields[k];
    if (fl_layer_add_field(j->out, f->name, f->type) < 0)
      return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
    if (OGR_FD_GetFieldIndex(defn, f->name) < 0) j->short_of_fields = 1;
  }
  return FL_OK;
}

static fl_status add_fields(ogr_job *j, OGRFeatureDefnH defn) {
  int n = OGR_FD_GetFieldCount(defn);
  j->field_of = calloc((size_t)(n ? n : 1), sizeof *j->field_of);
  if (!j->field_of) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  if (j->schema) {
    fl_status st = schema_fields(j, defn);
    if (st || j->short_of_fields) return st;
  }
  for (int i = 0; i < n; i++) {
    OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
    if (j->schema && (j->field_of[i] = fl_layer_field_index(j->out, OGR_Fld_GetNameRef(fd))) >= 0)
      continue;
    OGRFieldType t = OGR_Fld_GetType(fd);
    fl_field_type ft = t == OFTInteger || t == OFTInteger64 ? FL_FIELD_INTEGER
                       : t == OFTReal                       ? FL_FIELD_REAL
                       : t == OFTDate && !j->gpkg           ? FL_FIELD_DATE
                                                            : FL_FIELD_TEXT; /* (O3)(O10) */
    j->field_of[i] = fl_layer_add_field(j->out, OGR_Fld_GetNameRef(fd), ft);
    if (j->field_of[i] < 0)
      return fl__fail(j->ctx, FL_E_FIELD, "%s: field '%s' appears twice (names are compared "
                      "without case)", j->source, OGR_Fld_GetNameRef(fd));
  }
  return FL_OK;
}

fl_status fl__ogr_geom_fail(fl__ogr_job *j, long long fid, int blob_said) {
  if (!j->gpkg)
    return fl__fail(j->ctx, FL_E_GEOM, "%s: the geometry of feature %lld cannot be read",
                    j->source, fid);
  char why[FL_ERRMSG_LEN]; /* (O10) as gpkg_read.c R3 says it */
  snprintf(why, sizeof why, "%s", blob_said ? fl_ctx_errmsg(j->ctx) : "OGR cannot decode it");
  return fl__fail(j->ctx, FL_E_GEOM, "layer '%s' (%s), feature %lld: %s", j->out->name,
                  j->source, fid, why);
}

/* (O4) */
fl_status fl__ogr_geom(fl__ogr_job *j, OGRGeometryH g, long long fid, GEOSGeometry **out) {
  *out = NULL;
  if (!g || OGR_G_IsEmpty(g)) return FL_OK;
  OGRGeometryH lin = OGR_G_GetLinearGeometry(g, 0, NULL);
  if (!lin) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  if (j->to_lonlat && OGR_G_Transform(lin, j->to_lonlat) != OGRERR_NONE) {
    OGR_G_DestroyGeometry(lin);
    return fl__fail(j->ctx, FL_E_GEOM, "%s: feature %lld cannot be reprojected to lon/lat",
                    j->source, fid);
  }
  if (!j->gpkg) OGR_G_FlattenTo2D(lin); /* (O10): the blob reader drops M */
  size_t n = (size_t)OGR_G_WkbSize(lin);
  unsigned char *wkb = malloc(n ? n : 1);
  fl_status st = FL_OK;
  if (!wkb) st = fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  else if (OGR_G_ExportToIsoWkb(lin, wkbNDR, wkb) != OGRERR_NONE)
    st = fl__ogr_geom_fail(j, fid, 0);
  else if (fl_geom_from_blob(j->ctx, wkb, n, out, NULL, NULL) != FL_OK)
    st = fl__ogr_geom_fail(j, fid, 1);
  free(wkb);
  OGR_G_DestroyGeometry(lin);
  if (!st && *out && GEOSisEmpty_r(j->ctx->geos, *out) == 1) {
    GEOSGeom_destroy_r(j->ctx->geos, *out);
    *out = NULL;
  }
  return st;
}

static fl_status read_geom(ogr_job *j, OGRFeatureH f, GEOSGeometry **out) {
  return fl__ogr_geom(j, OGR_F_GetGeometryRef(f), (long long)OGR_F_GetFID(f), out);
}

/* (O3) A field as text; dates and date-times in ISO 8601, not OGR's
 * "2024/10/15". Borrowed: valid until the next call. */
static const char *iso_text(OGRFeatureH f, int i, int gpkg) {
  static _Thread_local char buf[48];
  OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
  int y, mo, d, h, mi, tz;
  float sec;
  if ((t != OFTDate && t != OFTDateTime) ||
      !OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &sec, &tz))
    return OGR_F_GetFieldAsString(f, i);
  if (t == OFTDate) {
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
    return buf;
  }
  int n = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, (int)sec);
  if (!gpkg) return buf;
  int ms = (int)((sec - (int)sec) * 1000.0f + 0.5f); /* (O10) */
  if (ms > 0 && ms < 1000) n += snprintf(buf + n, sizeof buf - (size_t)n, ".%03d", ms);
  if (tz == 100) snprintf(buf + n, sizeof buf - (size_t)n, "Z");
  else if (tz > 1) snprintf(buf + n, sizeof buf - (size_t)n, "%c%02d:%02d", tz > 100 ? '+' : '-',
                            abs(tz - 100) / 4, abs(tz - 100) % 4 * 15);
  return buf;
}

static fl_status read_feature(ogr_job *j, OGRFeatureH f, int n_fields) {
  GEOSGeometry *geom = NULL;
  fl_status st = read_geom(j, f, &geom);
  if (st) return st;
  fl_feature *ff = fl_layer_append(j->ctx, j->out, (int64_t)OGR_F_GetFID(f), geom);
  if (!ff) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  for (int i = 0; i < n_fields && !st; i++) {
    int k = j->field_of[i];
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) continue; /* (O3) NULL */
    switch (j->out->fields[k].type) {
    case FL_FIELD_INTEGER: st = fl_feature_set_int(j->out, ff, k, OGR_F_GetFieldAsInteger64(f, i)); break;
    case FL_FIELD_REAL: st = fl_feature_set_real(j->out, ff, k, OGR_F_GetFieldAsDouble(f, i)); break;
    default: st = fl_feature_set_text(j->out, ff, k, iso_text(f, i, j->gpkg)); break;
    }
  }
  return st ? fl__fail(j->ctx, FL_E_NOMEM, "out of memory") : FL_OK;
}

/* (O2) The layer's SRID, and the transformation to lon/lat when it has none. */
static fl_status layer_crs(ogr_job *j, OGRLayerH l, int *srid) {
  *srid = j->gpkg && j->gpkg_srid >= 0 ? j->gpkg_srid : 0; /* (O10) */
  if (j->gpkg && j->gpkg_srid >= 0) return FL_OK;
  OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
  if (!srs) return FL_OK;
  *srid = epsg_of(srs);
  if (*srid) return FL_OK;
  OGRSpatialReferenceH ll = OSRNewSpatialReference(NULL);
  OSRImportFromEPSG(ll, 4326);
  OSRSetAxisMappingStrategy(ll, OAMS_TRADITIONAL_GIS_ORDER);
  j->to_lonlat = OCTNewCoordinateTransformation(srs, ll);
  OSRDestroySpatialReference(ll);
  if (!j->to_lonlat)
    return fl__fail(j->ctx, FL_E_SRID, "%s: its coordinate system cannot be converted to "
                    "lon/lat (%s)", j->source, gdal_reason());
  fl__warn(j->ctx, "%s: its coordinate system has no EPSG code; read as lon/lat (EPSG:4326)",
           j->source);
  *srid = 4326;
  return FL_OK;
}

static const char *geom_type_name(OGRwkbGeometryType t) {
  switch (wkbFlatten(t)) {
  case wkbPoint: return "POINT";
  case wkbLineString: return "LINESTRING";
  case wkbPolygon: return "POLYGON";
  case wkbMultiPoint: return "MULTIPOINT";
  case wkbMultiLineString: return "MULTILINESTRING";
  case wkbMultiPolygon: return "MULTIPOLYGON";
  default: return "GEOMETRY";
  }
}

int fl__ogr_batches = 1;

/* (O8) The features read so far to the caller, then freed. */
static fl_status flush(ogr_job *j) {
  fl_status st = j->on_batch(j->ctx, j->out, j->user);
  fl__layer_clear_features(j->ctx, j->out);
  return st;
}

static fl_status read_layer(ogr_job *j, OGRLayerH l) {
  int srid = 0;
  fl_status st = layer_crs(j, l, &srid);
  if (st) return st;
  j->out = fl_layer_new(OGR_L_GetName(l), srid, geom_type_name(OGR_L_GetGeomType(l)));
  if (!j->out) return fl__fail(j->ctx, FL_E_NOMEM, "out of memory");
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn(l);
  if ((st = add_fields(j, defn)) != FL_OK || j->short_of_fields) return st;
  int n_fields = OGR_FD_GetFieldCount(defn);
  int unsupported = 0;
  if (fl__ogr_batches) { /* (O7) */
    st = fl__ogr_arrow_read(j, l, &unsupported);
    if (st || !unsupported) return st;
  }
  OGR_L_ResetReading(l);
  OGRFeatureH f;
  while (!st && (f = OGR_L_GetNextFeature(l)) != NULL) {
    st = read_feature(j, f, n_fields);
    OGR_F_Destroy(f);
    if (!st && fl__should_stop(j->ctx))
      st = fl__fail(j->ctx, FL_E_CANCEL, "cancelled by the user");
    if (!st && j->on_batch && j->out->n_features == 65536) st = flush(j); /* (O8) */
  }
  if (!st && CPLGetLastErrorType() >= CE_Failure)
    st = fl__fail(j->ctx, FL_E_IO, "%s: reading stopped (%s)", j->source, gdal_reason());
  if (!st && j->on_batch && j->out->n_features) st = flush(j);
  return st;
}

static fl_status ogr_read(ogr_job *jin, const char *path, const char *layer,
                          const char *const *open_options, const char *where, fl_layer **out) {
  fl_ctx *ctx = jin->ctx;
  const char *source = jin->source;
  *out = NULL;
  CPLPushErrorHandler(quiet_handler);
  GDALDatasetH ds = open_vector(ctx, path, open_options);
  if (ds && open_options) warn_open_options(ctx, ds, source, open_options);
  fl_status st = ds ? FL_OK : ctx->status;
  OGRLayerH l = ds ? pick_layer(ctx, ds, path, layer) : NULL;
  if (ds && !l) st = ctx->status;
  if (l && where && OGR_L_SetAttributeFilter(l, where) != OGRERR_NONE) { /* (O9) */
    st = fl__fail(ctx, FL_E_LAYER, "%s: the filter '%s' cannot be applied (%s)", source, where,
                  gdal_reason());
    l = NULL;
  }
  ogr_job j = *jin;
  if (l) {
    CPLErrorReset();
    st = read_layer(&j, l);
  }
  jin->short_of_fields = j.short_of_fields;
  if (!st && j.short_of_fields) { /* (O10): nothing read */
    fl_layer_destroy(ctx, j.out);
    j.out = NULL;
  }
  if (j.to_lonlat) OCTDestroyCoordinateTransformation(j.to_lonlat);
  free(j.field_of);
  if (ds) GDALClose(ds);
  CPLPopErrorHandler();
  if (st) fl_layer_destroy(ctx, j.out);
  else *out = j.out;
  return st;
}

fl_status fl__ogr_read(fl_ctx *ctx, const char *path, const char *layer, const char *source,
                       const char *const *open_options, const char *where, fl_layer **out) {
  ogr_job j = {ctx, source, NULL, NULL, NULL, NULL, NULL, 0, -1, NULL, 0};
  return ogr_read(&j, path, layer, open_options, where, out);
}

fl_status fl__ogr_read_gpkg(fl_ctx *ctx, const char *path, const char *table, const char *source,
                            int srid, const fl_layer *schema, fl_layer **out) {
  ogr_job j = {ctx, source, NULL, NULL, NULL, NULL, NULL, 1, srid, schema, 0};
  return ogr_read(&j, path, table, NULL, NULL, out);
}

fl_status fl__ogr_scan(fl_ctx *ctx, const char *source,
                       fl_status (*on_batch)(fl_ctx *, const fl_layer *, void *), void *user) {
  char *path = NULL, *layer = NULL;
  fl_status st = fl__split_source(ctx, source, &path, &layer);
  if (st) return st;
  ogr_job j = {ctx, source, NULL, NULL, NULL, on_batch, user, 0, -1, NULL, 0};
  fl_layer *l = NULL;
  st = ogr_read(&j, path, layer, NULL, NULL, &l);
  fl_layer_destroy(ctx, l);
  free(path);
  free(layer);
  return st;
}

fl_status fl__ogr_list(fl_ctx *ctx, const char *path, char ***out) {
  CPLPushErrorHandler(quiet_handler);
  GDALDatasetH ds = open_vector(ctx, path, NULL);
  fl_status st = ds ? FL_OK : ctx->status;
  char **v = ds ? calloc(1, sizeof *v) : NULL;
  size_t n = 0;
  if (ds && !v) st = fl__fail(ctx, FL_E_NOMEM, "out of memory listing layers");
  for (int i = 0; v && !st && i < GDALDatasetGetLayerCount(ds); i++)
    st = fl__strv_push(ctx, &v, &n, OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
  if (ds) GDALClose(ds);
  CPLPopErrorHandler();
  if (st) fl_strv_free(v);
  else *out = v;
  return st;
}

const char *fl__ogr_driver(const char *path) {
  GDALAllRegister();
  CPLPushErrorHandler(quiet_handler);
  GDALDriverH d = GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
  CPLPopErrorHandler();
  return d ? GDALGetDriverShortName(d) : NULL;
}
