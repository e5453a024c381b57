/*
 * viewshed_out.c - a viewshed written as a GeoTIFF on the DEM's grid
 * (fl_viewshed_write_tif()) or turned into polygons with geodesic areas
 * (fl_viewshed_polygons()).
 *
 * Rules, cited as (W1)..(W3):
 *   (W1) the raster has the DEM's size, geotransform and CRS; Byte with
 *        nodata 255 up to 254 observers, UInt16 with nodata 65535 above;
 *        cells where the DEM has no height are nodata, every other cell holds
 *        the count of observers that see it (0: none);
 *   (W2) the file is built beside the target under a temporary name and
 *        renamed into place when complete; an existing file is replaced only
 *        with overwrite;
 *   (W3) polygons: the cells seen by 1, 2, ... observers, one multipolygon per
 *        count, cell edges as drawn by GDALPolygonize, in the DEM's CRS (its
 *        EPSG code; a DEM without one gives FL_E_SRID); area_km2 geodesic.
 * Not here: the computation (viewshed.c).
 */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "fl_raster.h"

/* WKT of the DEM's CRS (CPLFree it), or NULL. */
static char *crs_wkt(const fl_dem *dem) {
  OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
  char *wkt = NULL;
  if (srs && OSRSetFromUserInput(srs, dem->wkt) == OGRERR_NONE) OSRExportToWkt(srs, &wkt);
  if (srs) OSRDestroySpatialReference(srs);
  return wkt;
}

/* A dataset of the viewshed on the DEM's grid (W1), made with drv at path. */
static GDALDatasetH make_dataset(GDALDriverH drv, const char *path, const fl_dem *dem,
                                 const fl_viewshed *vs, char **options) {
  int wide = vs->n_observers > 254;
  GDALDataType type = wide ? GDT_UInt16 : GDT_Byte;
  double nd = wide ? 65535.0 : 255.0;
  GDALDatasetH ds = GDALCreate(drv, path, vs->width, vs->height, 1, type, options);
  if (!ds) return NULL;
  double gt[6];
  memcpy(gt, dem->gt, sizeof gt);
  GDALSetGeoTransform(ds, gt);
  char *wkt = crs_wkt(dem);
  if (wkt) GDALSetProjection(ds, wkt);
  CPLFree(wkt);
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  GDALSetRasterNoDataValue(b, nd);
  size_t w = (size_t)vs->width, rows = 256;
  /* Rows in the file's own type: GDAL has no conversion to make. */
  void *buf = malloc(w * rows * (wide ? sizeof(uint16_t) : 1));
  CPLErr err = buf ? CE_None : CE_Failure;
  for (int r0 = 0; r0 < vs->height && err == CE_None; r0 += (int)rows) {
    int nr = vs->height - r0 < (int)rows ? vs->height - r0 : (int)rows;
    size_t base = (size_t)r0 * w, m = (size_t)nr * w;
    const uint16_t *cnt = vs->count + base;
    const uint8_t *nodat = vs->nodata + base;
    if (wide)
      for (size_t i = 0; i < m; i++) ((uint16_t *)buf)[i] = nodat[i] ? (uint16_t)nd : cnt[i];
    else
      for (size_t i = 0; i < m; i++) ((uint8_t *)buf)[i] = nodat[i] ? (uint8_t)nd : (uint8_t)cnt[i];
    err = GDALRasterIO(b, GF_Write, 0, r0, vs->width, nr, buf, vs->width, nr, type, 0, 0);
  }
  free(buf);
  if (err != CE_None) {
    GDALClose(ds);
    return NULL;
  }
  return ds;
}

fl_status fl_viewshed_write_tif(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                                const char *path, int overwrite) {
  if (!ctx) return FL_E_ARG;
  if (!dem || !vs || !path || !*path)
    return fl__fail(ctx, FL_E_ARG, "fl_viewshed_write_tif: NULL argument");
  struct stat sb;
  if (stat(path, &sb) == 0 && !overwrite) /* (W2) */
    return fl__fail(ctx, FL_E_EXISTS, "output '%s' exists; pass @{overwrite} to replace it",
                    path);
  GDALAllRegister();
  GDALDriverH drv = GDALGetDriverByName("GTiff");
  if (!drv) return fl__fail(ctx, FL_E_IO, "GDAL has no GTiff driver");
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld.tif", path, (long)getpid());
  char **opt = NULL;
  opt = CSLSetNameValue(opt, "COMPRESS", "DEFLATE");
  opt = CSLSetNameValue(opt, "TILED", "YES");
  opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
  opt = CSLSetNameValue(opt, "NUM_THREADS", "ALL_CPUS");
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetH ds = make_dataset(drv, tmp, dem, vs, opt);
  CPLPopErrorHandler();
  CSLDestroy(opt);
  int ok = ds != NULL;
  if (ds) {
    CPLErrorReset();
    GDALClose(ds);
    ok = CPLGetLastErrorType() < CE_Failure;
  }
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return fl__fail(ctx, FL_E_IO, "@{output}: could not write '%s': %s", path,
                    *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "rename failed");
  }
  return FL_OK;
}

/* The polygons of count value v from an OGR layer of polygonized regions. */
static fl_status collect(fl_ctx *ctx, OGRLayerH lyr, int value, GEOSGeometry **out) {
  GEOSContextHandle_t h = ctx->geos;
  GEOSGeometry **parts = NULL;
  size_t n = 0, cap = 0;
  fl_status st = FL_OK;
  OGRFeatureH f;
  OGR_L_ResetReading(lyr);
  while (!st && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
    if (OGR_F_GetFieldAsInteger(f, 0) == value) {
      OGRGeometryH g = OGR_F_GetGeometryRef(f);
      int sz = g ? OGR_G_WkbSize(g) : 0;
      unsigned char *wkb = sz > 0 ? malloc((size_t)sz) : NULL;
      GEOSGeometry *gg = NULL;
      if (wkb && OGR_G_ExportToWkb(g, wkbNDR, wkb) == OGRERR_NONE)
        st = fl_geom_from_blob(ctx, wkb, (size_t)sz, &gg, NULL, NULL);
      free(wkb);
      if (!st && gg) {
        if (n == cap) {
          cap = cap ? 2 * cap : 64;
          GEOSGeometry **np = realloc(parts, cap * sizeof *np);
          if (!np) st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
          else parts = np;
        }
        if (!st) parts[n++] = gg;
        else GEOSGeom_destroy_r(h, gg);
      }
    }
    OGR_F_Destroy(f);
  }
  if (!st && n) {
    *out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)n);
    if (!*out) st = fl__fail_geos(ctx, "viewshed polygons");
    else n = 0;
  }
  for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, parts[i]);
  free(parts);
  return st;
}

static fl_status add_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                              OGRLayerH lyr, fl_layer *out) {
  int f_obs = fl_layer_add_field(out, "observers", FL_FIELD_INTEGER);
  int f_area = fl_layer_add_field(out, "area_km2", FL_FIELD_REAL);
  if (f_area < 0) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  for (int v = 1; v <= (int)vs->n_observers; v++) {
    GEOSGeometry *g = NULL, *ll = NULL;
    fl_status st = collect(ctx, lyr, v, &g);
    if (st) return st;
    if (!g) continue;
    double km2 = 0;
    st = dem->srid == 4326 ? FL_OK : fl_geom_to_lonlat(ctx, g, dem->srid, &ll);
    if (!st) st = fl_area_km2(ctx, ll ? ll : g, &km2);
    if (ll) GEOSGeom_destroy_r(ctx->geos, ll);
    if (st) {
      GEOSGeom_destroy_r(ctx->geos, g);
      return st;
    }
    fl_feature *f = fl_layer_append(ctx, out, (int64_t)out->n_features + 1, g);
    if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
    fl_feature_set_int(out, f, f_obs, v);
    fl_feature_set_real(out, f, f_area, km2);
  }
  return FL_OK;
}

fl_status fl_viewshed_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                               fl_layer **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!dem || !vs || !out) return fl__fail(ctx, FL_E_ARG, "fl_viewshed_polygons: NULL argument");
  if (!dem->srid)
    return fl__fail(ctx, FL_E_SRID, "@{dem} has a CRS without an EPSG code; write the viewshed "
                    "as a .tif, or warp the DEM to an EPSG CRS");
  GDALAllRegister();
  GDALDatasetH mem = make_dataset(GDALGetDriverByName("MEM"), "", dem, vs, NULL);
  GDALDriverH vdrv = GDALGetDriverByName("Memory");
  GDALDatasetH vds = vdrv ? GDALCreate(vdrv, "", 0, 0, 0, GDT_Unknown, NULL) : NULL;
  OGRLayerH lyr = vds ? GDALDatasetCreateLayer(vds, "vs", NULL, wkbPolygon, NULL) : NULL;
  fl_status st = FL_OK;
  if (lyr) {
    OGRFieldDefnH fd = OGR_Fld_Create("observers", OFTInteger);
    OGR_L_CreateField(lyr, fd, 1);
    OGR_Fld_Destroy(fd);
  }
  if (!mem || !lyr) st = fl__fail(ctx, FL_E_IO, "GDAL could not make in-memory datasets");
  GDALRasterBandH b = mem ? GDALGetRasterBand(mem, 1) : NULL;
  /* The band is its own mask: 0 (not seen) and nodata are left out. */
  GDALRasterBandH mask = b ? GDALGetMaskBand(b) : NULL;
  if (!st && GDALPolygonize(b, mask, lyr, 0, NULL, NULL, NULL) != CE_None)
    st = fl__fail(ctx, FL_E_IO, "GDAL could not polygonize the viewshed");
  fl_layer *res = NULL;
  if (!st && !(res = fl_layer_new("viewshed", dem->srid, "MULTIPOLYGON")))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!st) st = add_polygons(ctx, dem, vs, lyr, res);
  if (vds) GDALClose(vds);
  if (mem) GDALClose(mem);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}
