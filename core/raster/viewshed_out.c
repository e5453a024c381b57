/*
 * viewshed_out.c - a viewshed written as a GeoTIFF on the DEM's grid
 * (fl_viewshed_write_tif()).
 *
 * Rules, cited as (W1), (W2) and (W6) (W3-W5: viewshed_poly.c, viewshed_near.c):
 *   (W1) the raster has the DEM's size, geotransform and CRS; Byte with
 *        nodata 255 up to 254 observers, UInt16 with nodata 65535 above;
 *        cells where the DEM has no height are nodata, every other cell holds
 *        the count of observers that see it (0: none); with which (V8), band
 *        k + 2 holds 1 where observer k sees the cell, 0 elsewhere, its
 *        description "observer FID" (as many bands as observers: GeoTIFF
 *        takes up to 65,535, more than a viewshed's 65,534 observers);
 *   (W2) the file is built beside the target under a temporary name and
 *        renamed into place when complete; an existing file is replaced only
 *        with overwrite;
 *   (W6) DEFLATE at level 1: a count raster is mostly runs of a few
 *        values, and level 1 takes half level 6's time for a file a third
 *        larger (100 observers on the bench's 10,000 x 10,000 DEM: 2.6 MB
 *        against 1.9 MB, 0.33 s against 0.6 s); the tiles are compressed on
 *        GDAL's threads, as many as the context's (FL_THREADS=1: none).
 *        Without which, each strip of rows is flushed from GDAL's cache
 *        as soon as it is written (its tiles' memory used again by the next
 *        strip), not held until the
 *        file is closed (100 MB for a 10,000 x 10,000 DEM); with which the
 *        bands' tiles are laid out as GDAL's cache writes them at the end,
 *        as before. The nodata mask is read only when the DEM has cells
 *        without height (else it is all 0, its pages never touched).
 * Not here: the computation (viewshed.c), polygons (viewshed_poly.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal.h>
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

/* Rows r0 .. r0 + nr - 1 of observer k's sight as bytes: 1 seen, 0 not
 * (outside its window too). */
static void sight_rows(const fl_viewshed *vs, size_t k, int r0, int nr, uint8_t *buf) {
  const fl_viewshed_sight *sg = &vs->which[k];
  size_t w = (size_t)vs->width;
  memset(buf, 0, (size_t)nr * w);
  if (!sg->bits) return;
  int a = r0 > sg->y0 ? r0 : sg->y0, b = r0 + nr < sg->y0 + sg->h ? r0 + nr : sg->y0 + sg->h;
  for (int r = a; r < b; r++) {
    uint8_t *dst = buf + (size_t)(r - r0) * w + (size_t)sg->x0;
    size_t bit = (size_t)(r - sg->y0) * (size_t)sg->w;
    for (int i = 0; i < sg->w; i++, bit++) dst[i] = (uint8_t)((sg->bits[bit >> 3] >> (bit & 7)) & 1u);
  }
}

/* Band 1 + k + 1: 1 where observer k sees the cell (W1, V8); has_nodata:
 * the DEM has cells without height (W6). */
static CPLErr write_which(GDALDatasetH ds, const fl_viewshed *vs, int has_nodata, void *buf,
                          size_t rows) {
  size_t w = (size_t)vs->width;
  CPLErr err = CE_None;
  for (size_t k = 0; k < vs->n_observers && err == CE_None; k++) {
    GDALRasterBandH b = GDALGetRasterBand(ds, (int)k + 2);
    char desc[64];
    snprintf(desc, sizeof desc, "observer %lld", (long long)vs->observer_fid[k]);
    GDALSetDescription(b, desc);
    GDALSetRasterColorInterpretation(b, GCI_Undefined);
    GDALSetRasterNoDataValue(b, 255.0);
    for (int r0 = 0; r0 < vs->height && err == CE_None; r0 += (int)rows) {
      int nr = vs->height - r0 < (int)rows ? vs->height - r0 : (int)rows;
      size_t base = (size_t)r0 * w, m = (size_t)nr * w;
      sight_rows(vs, k, r0, nr, buf);
      for (size_t i = 0; has_nodata && i < m; i++)
        if (vs->nodata[base + i]) ((uint8_t *)buf)[i] = 255;
      err = GDALRasterIO(b, GF_Write, 0, r0, vs->width, nr, buf, vs->width, nr, GDT_Byte, 0, 0);
    }
  }
  return err;
}

/* m counts (W1) in the file's type: nodata (NULL when the DEM has none:
 * (W6) the mask is all 0, not read) 255 or 65535, else the count. Simple
 * loops on restrict pointers, which the compiler vectorizes. */
static void strip_values(const uint16_t *restrict cnt, const uint8_t *restrict nodat, size_t m,
                         int wide, void *buf) {
  uint16_t *restrict b16 = buf;
  uint8_t *restrict b8 = buf;
  if (wide && nodat)
    for (size_t i = 0; i < m; i++) b16[i] = nodat[i] ? 65535 : cnt[i];
  else if (wide)
    for (size_t i = 0; i < m; i++) b16[i] = cnt[i];
  else if (nodat)
    for (size_t i = 0; i < m; i++) b8[i] = nodat[i] ? 255 : (uint8_t)cnt[i];
  else
    for (size_t i = 0; i < m; i++) b8[i] = (uint8_t)cnt[i];
}

/* A dataset of the viewshed on the DEM's grid (W1), made with drv at path. */
static GDALDatasetH make_dataset(GDALDriverH drv, const char *path, const fl_dem *dem,
                                 const fl_viewshed *vs, char **options) {
  int wide = vs->n_observers > 254;
  GDALDataType type = wide ? GDT_UInt16 : GDT_Byte;
  double nd = wide ? 65535.0 : 255.0;
  int bands = 1 + (vs->which ? (int)vs->n_observers : 0);
  GDALDatasetH ds = GDALCreate(drv, path, vs->width, vs->height, bands, type, options);
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
    strip_values(vs->count + base, dem->n_nodata ? vs->nodata + base : NULL, m, wide, buf);
    err = GDALRasterIO(b, GF_Write, 0, r0, vs->width, nr, buf, vs->width, nr, type, 0, 0);
    if (err == CE_None && !vs->which) err = GDALFlushRasterCache(b); /* (W6) */
  }
  if (vs->which && buf && err == CE_None) {
    GDALSetDescription(b, "observers");
    err = write_which(ds, vs, dem->n_nodata > 0, buf, rows);
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
  opt = CSLSetNameValue(opt, "ZLEVEL", "1"); /* (W6) */
  opt = CSLSetNameValue(opt, "BIGTIFF", "IF_SAFER");
  char threads[16]; /* (W6) the tiles compressed on the run's own threads */
  snprintf(threads, sizeof threads, "%d", fl__threads_for(ctx, (size_t)-1));
  if (strcmp(threads, "1") != 0) opt = CSLSetNameValue(opt, "NUM_THREADS", threads);
  if (vs->which) { /* written band by band; no band is read as colour or alpha */
    opt = CSLSetNameValue(opt, "INTERLEAVE", "BAND");
    opt = CSLSetNameValue(opt, "PHOTOMETRIC", "MINISBLACK");
  }
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
