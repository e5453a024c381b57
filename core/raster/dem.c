/*
 * dem.c - a DEM read through GDAL into memory (fl_dem_open()), its CRS, and
 * heights at points (fl_dem_height()).
 *
 * Rules, cited as (D1)..(D4):
 *   (D1) band 1 is read as float32 metres; cells equal to the band's nodata
 *        value, or NaN, have no height (NAN inside) and are counted (the
 *        reading itself: dem_read.c, (D5));
 *   (D2) the CRS comes from the dataset; none is an error (FL_E_SRID), never
 *        a guess; lon/lat DEMs are read with x = lon, y = lat whatever the
 *        CRS's axis order says;
 *   (D3) a rotated geotransform, an empty raster or one over 2^31 cells is
 *        refused (FL_E_ARG);
 *   (D4) a height is bilinear between the four nearest cell centres; a point
 *        outside the outer cell edges, or next to a cell without height, has
 *        none (FL_E_GEOM names the point).
 * Not here: sight lines (los.c), viewsheds (viewshed.c).
 */
#include <math.h>
#include <stdint.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "fl_geodesy.h"
#include "fl_raster.h"

static fl_status read_crs(fl_ctx *ctx, GDALDatasetH ds, const char *path, fl_dem *d) {
  const char *wkt = GDALGetProjectionRef(ds);
  if (!wkt || !*wkt)
    return fl__fail(ctx, FL_E_SRID, "@{dem} '%s' has no coordinate reference system; assign one "
                    "(gdal_edit.py -a_srs EPSG:4326 FILE)", path);
  OGRSpatialReferenceH srs = OSRNewSpatialReference(wkt);
  if (!srs) return fl__fail(ctx, FL_E_SRID, "@{dem} '%s': its CRS cannot be read", path);
  d->geographic = OSRIsGeographic(srs);
  const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
  if (auth && code && strcasecmp(auth, "EPSG") == 0) d->srid = atoi(code);
  else if (OSRAutoIdentifyEPSG(srs) == OGRERR_NONE) {
    code = OSRGetAuthorityCode(srs, NULL);
    if (code) d->srid = atoi(code);
  }
  OSRDestroySpatialReference(srs);
  d->wkt = fl__strdup(d->srid ? "" : wkt);
  if (d->srid) {
    free(d->wkt);
    char buf[32];
    snprintf(buf, sizeof buf, "EPSG:%d", d->srid);
    d->wkt = fl__strdup(buf);
  }
  return d->wkt ? FL_OK : fl__fail(ctx, FL_E_NOMEM, "out of memory reading @{dem}");
}

static void cell_size(fl_ctx *ctx, fl_dem *d) {
  double cx = d->gt[0] + d->gt[1] * d->w / 2.0, cy = d->gt[3] + d->gt[5] * d->h / 2.0;
  if (!d->geographic) {
    d->cell_m = sqrt(fabs(d->gt[1] * d->gt[5]));
    return;
  }
  double sx = fl__geod_dist(&ctx->geod, cx, cy, cx + d->gt[1], cy);
  double sy = fl__geod_dist(&ctx->geod, cx, cy, cx, cy + d->gt[5]);
  d->cell_m = sqrt(sx * sy);
}

fl_status fl_dem_open(fl_ctx *ctx, const char *path, fl_dem **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!path || !*path || !out) return fl__fail(ctx, FL_E_ARG, "@{dem} is empty");
  GDALAllRegister();
  CPLErrorReset();
  CPLPushErrorHandler(CPLQuietErrorHandler);
  GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
  CPLPopErrorHandler();
  if (!ds)
    return fl__fail(ctx, FL_E_IO, "@{dem} '%s' cannot be read as a raster: %s", path,
                    *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "unknown format");
  fl_dem *d = calloc(1, sizeof *d);
  fl_status st = FL_OK;
  if (!d) {
    GDALClose(ds);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory reading @{dem}");
  }
  d->w = GDALGetRasterXSize(ds);
  d->h = GDALGetRasterYSize(ds);
  if (GDALGetGeoTransform(ds, d->gt) != CE_None)
    st = fl__fail(ctx, FL_E_SRID, "@{dem} '%s' has no geotransform (it is not georeferenced)",
                  path);
  else if (d->gt[2] != 0 || d->gt[4] != 0 || d->gt[1] <= 0 || d->gt[5] == 0) /* (D3) */
    st = fl__fail(ctx, FL_E_ARG, "@{dem} '%s' has a rotated or degenerate grid; warp it first "
                  "(gdalwarp)", path);
  else if (d->w < 2 || d->h < 2 || (double)d->w * d->h > 2147483647.0)
    st = fl__fail(ctx, FL_E_ARG, "@{dem} '%s' has %d x %d cells; at least 2 x 2 and at most "
                  "2^31 are read", path, d->w, d->h);
  if (!st) st = read_crs(ctx, ds, path, d); /* (D2) */
  if (!st) st = fl__dem_read_band(ctx, ds, path, d);
  GDALClose(ds);
  if (st) {
    fl_dem_destroy(d);
    return st;
  }
  cell_size(ctx, d);
  *out = d;
  return FL_OK;
}

void fl_dem_destroy(fl_dem *dem) {
  if (!dem) return;
  free(dem->z);
  free(dem->wkt);
  free(dem);
}

void fl_dem_get_info(const fl_dem *d, fl_dem_info *o) {
  memset(o, 0, sizeof *o);
  if (!d) return;
  o->width = d->w;
  o->height = d->h;
  memcpy(o->gt, d->gt, sizeof o->gt);
  o->srid = d->srid;
  o->geographic = d->geographic;
  o->cell_m = d->cell_m;
  o->n_nodata = d->n_nodata;
}

fl_status fl__dem_xf_init(fl_ctx *ctx, const fl_dem *dem, fl__dem_xf *xf) {
  xf->pj = NULL;
  if (dem->geographic && (dem->srid == 4326 || dem->srid == 0)) return FL_OK;
  PJ *p = proj_create_crs_to_crs(ctx->proj, dem->wkt, "EPSG:4326", NULL);
  PJ *n = p ? proj_normalize_for_visualization(ctx->proj, p) : NULL;
  proj_destroy(p);
  if (!n) return fl__fail(ctx, FL_E_PROJ, "@{dem}: PROJ cannot transform its CRS to lon/lat");
  xf->pj = n;
  return FL_OK;
}

void fl__dem_xf_free(fl__dem_xf *xf) {
  if (xf && xf->pj) proj_destroy(xf->pj);
  if (xf) xf->pj = NULL;
}

static fl_status xf_run(fl_ctx *ctx, const fl__dem_xf *xf, double *x, double *y, size_t n,
                        PJ_DIRECTION dir) {
  if (!xf->pj) return FL_OK;
  proj_trans_generic(xf->pj, dir, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0, NULL, 0, 0);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || !isfinite(y[i]))
      return fl__fail(ctx, FL_E_PROJ, "@{dem}: a point cannot be transformed between the DEM's "
                      "CRS and lon/lat");
  return FL_OK;
}

fl_status fl__dem_xf_to_lonlat(fl_ctx *ctx, const fl__dem_xf *xf, double *x, double *y,
                               size_t n) {
  return xf_run(ctx, xf, x, y, n, PJ_FWD);
}

fl_status fl__dem_xf_from_lonlat(fl_ctx *ctx, const fl__dem_xf *xf, double *x, double *y,
                                 size_t n) {
  return xf_run(ctx, xf, x, y, n, PJ_INV);
}

void fl__dem_cell_of(const fl_dem *d, double x, double y, double *col, double *row) {
  *col = (x - d->gt[0]) / d->gt[1];
  *row = (y - d->gt[3]) / d->gt[5];
}

static float at(const fl_dem *d, int c, int r) {
  if (c < 0) c = 0;
  if (r < 0) r = 0;
  if (c >= d->w) c = d->w - 1;
  if (r >= d->h) r = d->h - 1;
  return d->z[(size_t)r * (size_t)d->w + (size_t)c];
}

double fl__dem_bilinear(const fl_dem *d, double col, double row) { /* (D4) */
  if (!(col >= 0 && row >= 0 && col <= d->w && row <= d->h)) return NAN;
  double fx = col - 0.5, fy = row - 0.5;
  int c0 = (int)floor(fx), r0 = (int)floor(fy);
  double tx = fx - c0, ty = fy - r0;
  double z00 = at(d, c0, r0), z10 = at(d, c0 + 1, r0), z01 = at(d, c0, r0 + 1),
         z11 = at(d, c0 + 1, r0 + 1);
  return (z00 * (1 - tx) + z10 * tx) * (1 - ty) + (z01 * (1 - tx) + z11 * tx) * ty;
}

fl_status fl_dem_height(fl_ctx *ctx, const fl_dem *dem, double lon, double lat, double *out_m) {
  if (!ctx) return FL_E_ARG;
  if (!dem || !out_m || !isfinite(lon) || !isfinite(lat))
    return fl__fail(ctx, FL_E_ARG, "fl_dem_height: bad argument");
  fl__dem_xf xf;
  fl_status st = fl__dem_xf_init(ctx, dem, &xf);
  double x = lon, y = lat, c, r;
  if (!st) st = fl__dem_xf_from_lonlat(ctx, &xf, &x, &y, 1);
  fl__dem_xf_free(&xf);
  if (st) return st;
  fl__dem_cell_of(dem, x, y, &c, &r);
  double z = fl__dem_bilinear(dem, c, r);
  if (!isfinite(z))
    return fl__fail(ctx, FL_E_GEOM, "the point (%.6f, %.6f) is %s", lon, lat,
                    c >= 0 && r >= 0 && c <= dem->w && r <= dem->h
                        ? "next to a cell of @{dem} without height"
                        : "outside @{dem}");
  *out_m = z;
  return FL_OK;
}
