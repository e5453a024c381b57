/*
 * ogr_write.c - write layers in the single-file vector formats of GDAL/OGR
 * that analysts pass on: FlatGeobuf (.fgb), KML (.kml, for web maps and
 * Google Earth), CSV with WKT (.csv), GeoJSONSeq (.geojsonl, .geojsons), GML
 * (.gml) and zipped Shapefiles (.shz one layer, .shp.zip several).
 * GeoPackage, SpatiaLite and GeoJSON keep their own writers.
 * Rules:
 *   (OW1) the format comes from the output's extension (fl__ogr_writer), or
 *         from the OGR driver name the caller chose (fl__ogr_writer_named);
 *         a Shapefile is written only as one zip file (.shz, .shp.zip): the
 *         loose .shp/.shx/.dbf/.prj files could not be moved into place at
 *         once;
 *   (OW2) OGR writes into GDAL's memory file system, and the finished bytes
 *         go into the temporary file that source.c made and locked, so that
 *         the atomic rename and the lock of rules W1-W5 hold for these
 *         formats as for the others; a short write (disk full) fails naming
 *         the output;
 *   (OW3) fields keep their types (INTEGER -> Integer64, REAL -> Real, DATE
 *         -> Date, TEXT -> String), NULL stays unset; the CRS is the layer's EPSG code
 *         (KML is reprojected to WGS84 by OGR, as the format requires);
 *   (OW6) the features go in inside one dataset transaction where the
 *         driver has them;
 *   (OW4) FlatGeobuf, CSV and GeoJSONSeq hold one layer: more are refused
 *         by source.c before any work, as for GeoJSON.
 * Not here: reading (ogr_read.c), choosing the writer (source.c).
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fl_io_internal.h"

typedef struct ogr_writer {
  const char *ext; /* without the leading dot; matched at the end of the name */
  const char *driver;
  int one_layer;
  const char *lco; /* a layer creation option, or NULL */
  const char *dco; /* a dataset creation option, or NULL */
} ogr_writer;

static const ogr_writer writers[] = {
    {"fgb", "FlatGeobuf", 1, "SPATIAL_INDEX=YES", NULL},
    {"kml", "KML", 0, NULL, NULL},
    {"csv", "CSV", 1, "GEOMETRY=AS_WKT", NULL},
    {"geojsonl", "GeoJSONSeq", 1, NULL, NULL},
    {"geojsons", "GeoJSONSeq", 1, NULL, NULL},
    {"gml", "GML", 0, NULL, "XSISCHEMA=OFF"},
    {"shp.zip", "ESRI Shapefile", 0, NULL, NULL},
    {"shz", "ESRI Shapefile", 1, NULL, NULL},
    /* (OW5) OGR's writers of the formats Frontline writes itself: never
     * chosen (source.c sends .gpkg and .geojson to gpkg_write.c and
     * geojson.c), only measured against them (tests/io/read_probe.c,
     * bench/README.md "Reading and writing through OGR"). */
    {"gpkg", "GPKG", 0, NULL, NULL},
    {"geojson", "GeoJSON", 1, "RFC7946=YES", NULL},
};

#define N_WRITERS (sizeof writers / sizeof writers[0])

static int ends_with_ext(const char *path, const char *ext) {
  size_t n = strlen(path), e = strlen(ext);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  return n > e + 1 && (size_t)(path + n - base) > e + 1 && path[n - e - 1] == '.' &&
         strcasecmp(path + n - e, ext) == 0;
}

/* (OW1) */
int fl__ogr_writer(const char *path, int *one_layer) {
  for (size_t i = 0; i < N_WRITERS - 2; i++) /* (OW5) */
    if (ends_with_ext(path, writers[i].ext)) {
      if (one_layer) *one_layer = writers[i].one_layer;
      return (int)i;
    }
  return -1;
}

/* (OW1) By driver name (case-insensitive): the writer whose extension path
 * has when there are several (Shapefile: .shz or .shp.zip), else the first;
 * -2 when the driver is a Shapefile and path is not a zip; -1 when Frontline
 * does not write that driver. */
int fl__ogr_writer_named(const char *driver, const char *path, int *one_layer) {
  int found = -1, known = 0;
  for (size_t i = 0; i < N_WRITERS - 2; i++) { /* (OW5) */
    if (strcasecmp(driver, writers[i].driver) != 0) continue;
    known = 1;
    int zipped = strcmp(writers[i].driver, "ESRI Shapefile") == 0;
    if (zipped ? ends_with_ext(path, writers[i].ext) : found < 0) found = (int)i;
  }
  if (found < 0) return known ? -2 : -1;
  if (one_layer) *one_layer = writers[found].one_layer;
  return found;
}

/* The canonical spelling of a driver Frontline writes through OGR, or NULL. */
int fl__ogr_writer_own(const char *ext) { /* (OW5) */
  for (size_t i = N_WRITERS - 2; i < N_WRITERS; i++)
    if (strcasecmp(ext, writers[i].ext) == 0) return (int)i;
  return -1;
}

const char *fl__ogr_writer_driver(int writer) {
  return writer >= 0 && (size_t)writer < N_WRITERS ? writers[writer].driver : NULL;
}

static void quiet(CPLErr cls, CPLErrorNum num, const char *msg) {
  (void)cls;
  (void)num;
  (void)msg;
}

static const char *why(void) {
  const char *m = CPLGetLastErrorMsg();
  return m && *m ? m : "GDAL gave no reason";
}

static fl_status write_feature(fl_ctx *ctx, OGRLayerH ol, const fl_layer *l, const fl_feature *f) {
  OGRFeatureH of = OGR_F_Create(OGR_L_GetLayerDefn(ol));
  if (!of) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t k = 0; k < l->n_fields; k++) {
    const fl_value *v = &f->values[k];
    if (v->is_null) continue;
    if (l->fields[k].type == FL_FIELD_INTEGER) OGR_F_SetFieldInteger64(of, (int)k, v->i);
    else if (l->fields[k].type == FL_FIELD_REAL) OGR_F_SetFieldDouble(of, (int)k, v->d);
    else OGR_F_SetFieldString(of, (int)k, v->s ? v->s : "");
  }
  fl_status st = FL_OK;
  if (f->geom && GEOSisEmpty_r(ctx->geos, f->geom) != 1) {
    size_t n = 0;
    unsigned char *wkb = GEOSGeomToWKB_buf_r(ctx->geos, f->geom, &n);
    OGRGeometryH g = NULL;
    if (!wkb || OGR_G_CreateFromWkbEx(wkb, NULL, &g, n) != OGRERR_NONE)
      st = fl__fail(ctx, FL_E_GEOM, "layer '%s': the geometry of feature %lld cannot be written",
                    l->name, (long long)f->fid);
    else
      OGR_F_SetGeometryDirectly(of, g);
    GEOSFree_r(ctx->geos, wkb);
  }
  if (!st && OGR_L_CreateFeature(ol, of) != OGRERR_NONE)
    st = fl__fail(ctx, FL_E_IO, "layer '%s': feature %lld cannot be written (%s)", l->name,
                  (long long)f->fid, why());
  OGR_F_Destroy(of);
  return st;
}

static fl_status write_layer(fl_ctx *ctx, GDALDatasetH ds, const ogr_writer *w, const fl_layer *l,
                             size_t *done, size_t total) {
  OGRSpatialReferenceH srs = NULL;
  if (l->srid > 0) {
    srs = OSRNewSpatialReference(NULL);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRImportFromEPSG(srs, l->srid) != OGRERR_NONE) {
      OSRDestroySpatialReference(srs);
      srs = NULL;
    }
  }
  char *lco[2] = {(char *)w->lco, NULL};
  OGRLayerH ol = GDALDatasetCreateLayer(ds, l->name, srs, wkbUnknown, w->lco ? lco : NULL);
  if (srs) OSRDestroySpatialReference(srs);
  if (!ol) return fl__fail(ctx, FL_E_IO, "layer '%s' cannot be made (%s)", l->name, why());
  for (size_t k = 0; k < l->n_fields; k++) {
    fl_field_type t = l->fields[k].type;
    OGRFieldDefnH fd = OGR_Fld_Create(l->fields[k].name, t == FL_FIELD_INTEGER ? OFTInteger64
                                                         : t == FL_FIELD_REAL  ? OFTReal
                                                         : t == FL_FIELD_DATE  ? OFTDate
                                                                               : OFTString);
    OGRErr e = OGR_L_CreateField(ol, fd, 1);
    OGR_Fld_Destroy(fd);
    if (e != OGRERR_NONE)
      return fl__fail(ctx, FL_E_IO, "layer '%s': field '%s' cannot be made (%s)", l->name,
                      l->fields[k].name, why());
  }
  fl_status st = FL_OK;
  for (size_t i = 0; i < l->n_features && !st; i++) {
    st = write_feature(ctx, ol, l, &l->features[i]);
    if (!st) st = fl__write_progress(ctx, ++*done, total);
  }
  return st;
}

/* (OW2) The memory file's bytes into tmp. */
static fl_status copy_out(fl_ctx *ctx, const char *mem, const char *tmp, const char *path) {
  vsi_l_offset n = 0;
  GByte *buf = VSIGetMemFileBuffer(mem, &n, FALSE);
  if (!buf) return fl__fail(ctx, FL_E_IO, "output '%s': GDAL wrote nothing", path);
  FILE *f = fopen(tmp, "wb");
  if (!f) return fl__fail(ctx, FL_E_IO, "cannot write output '%s' (%s)", path, strerror(errno));
  size_t put = fwrite(buf, 1, (size_t)n, f);
  int e = put == (size_t)n ? 0 : errno;
  if (fflush(f) != 0 && !e) e = errno;
  if (fclose(f) != 0 && !e) e = errno;
  if (e == ENOSPC)
    return fl__fail(ctx, FL_E_IO, "disk full writing output '%s'", path);
  if (e || put != (size_t)n)
    return fl__fail(ctx, FL_E_IO, "cannot write output '%s' (%s)", path, strerror(e ? e : EIO));
  return FL_OK;
}

fl_status fl__ogr_write(fl_ctx *ctx, int writer, const char *tmp, const char *path,
                        const fl_layer *const *layers, size_t n) {
  const ogr_writer *w = &writers[writer];
  GDALAllRegister();
  CPLPushErrorHandler(quiet);
  CPLErrorReset();
  char mem[96]; /* in no directory: the CSV driver cannot make one in /vsimem */
  snprintf(mem, sizeof mem, "/vsimem/frontline-%p.%s", (void *)ctx, w->ext);
  GDALDriverH drv = GDALGetDriverByName(w->driver);
  char *dco[2] = {(char *)w->dco, NULL};
  GDALDatasetH ds = drv ? GDALCreate(drv, mem, 0, 0, 0, GDT_Unknown, w->dco ? dco : NULL) : NULL;
  fl_status st = FL_OK;
  if (!ds)
    st = fl__fail(ctx, FL_E_IO, "output '%s': GDAL's %s driver cannot write it (%s)", path,
                  w->driver, why());
  size_t total = 0, done = 0;
  for (size_t i = 0; i < n; i++) total += layers[i]->n_features;
  /* (OW6) one transaction where the driver has them (GeoPackage): not one per feature */
  int tx = ds && GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
  for (size_t i = 0; ds && i < n && !st; i++) st = write_layer(ctx, ds, w, layers[i], &done, total);
  if (tx && !st && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
    st = fl__fail(ctx, FL_E_IO, "output '%s' cannot be finished (%s)", path, why());
  else if (tx && st)
    GDALDatasetRollbackTransaction(ds);
  if (ds) {
    CPLErrorReset();
    GDALClose(ds); /* void in GDAL 3.6: its failure is the last error */
    if (!st && CPLGetLastErrorType() >= CE_Failure)
      st = fl__fail(ctx, FL_E_IO, "output '%s' cannot be finished (%s)", path, why());
  }
  if (!st) st = copy_out(ctx, mem, tmp, path);
  VSIUnlink(mem);
  CPLPopErrorHandler();
  return st;
}
