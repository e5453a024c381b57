/*
 * viewshed_poly.c - the seen ground of a viewshed as polygons with geodesic
 * areas (fl_viewshed_polygons()).
 *
 * Rules, cited as (W3)..(W4) (W1, W2: viewshed_out.c):
 *   (W3) the cells seen by 1, 2, ... observers, one multipolygon per count,
 *        cell edges as drawn by GDALPolygonize, in the DEM's CRS (its EPSG
 *        code; a DEM without one gives FL_E_SRID); area_km2 geodesic;
 *   (W4) with which (V8), one multipolygon per set of observers instead, in
 *        the order of (count, first differing observer); observer_ids lists
 *        the set's feature ids in the observers' order, comma-separated.
 * Not here: the computation (viewshed.c), the raster (viewshed_out.c).
 */
#include <stdio.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include "fl_raster.h"

/* The regions to draw: region r (1-based) is count r, or (W4) set[r - 1]. */
typedef struct vs_regions {
  int32_t *id;      /* per cell: its region, 0 not seen or no height */
  uint32_t *set;    /* (W4) the distinct masks, sorted               */
  size_t n;         /* regions                                       */
} vs_regions;

static int cmp_set(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  int px = __builtin_popcount(x), py = __builtin_popcount(y);
  if (px != py) return px < py ? -1 : 1;
  /* the set holding the lowest observer where they differ comes first */
  uint32_t d = x ^ y;
  if (!d) return 0;
  return (x & d & (~d + 1u)) ? -1 : 1;
}

static size_t find_set(const uint32_t *set, size_t n, uint32_t m) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = cmp_set(&set[mid], &m);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return n;
}

/* (W4) The distinct non-empty masks, sorted (cmp_set); repeats are dropped
 * whenever the buffer fills, so it holds about twice the distinct sets. */
static fl_status distinct_sets(fl_ctx *ctx, const fl_viewshed *vs, vs_regions *rg) {
  size_t n = (size_t)vs->width * (size_t)vs->height, cap = 64, k = 0;
  uint32_t *set = malloc(cap * sizeof *set), last = 0;
  if (!set) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  for (size_t i = 0; i < n; i++) {
    uint32_t m = vs->nodata[i] ? 0 : vs->which[i];
    if (!m || m == last) continue;
    last = m;
    if (k == cap) { /* keep it small: sort and drop repeats when full */
      qsort(set, k, sizeof *set, cmp_set);
      size_t u = 0;
      for (size_t j = 0; j < k; j++)
        if (u == 0 || set[u - 1] != set[j]) set[u++] = set[j];
      k = u;
      if (k > cap / 2) {
        uint32_t *ns = realloc(set, 2 * cap * sizeof *set);
        if (!ns) {
          free(set);
          return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
        }
        set = ns, cap *= 2;
      }
    }
    set[k++] = m;
  }
  qsort(set, k, sizeof *set, cmp_set);
  size_t u = 0;
  for (size_t j = 0; j < k; j++)
    if (u == 0 || set[u - 1] != set[j]) set[u++] = set[j];
  rg->set = set;
  rg->n = u;
  return FL_OK;
}

static fl_status regions(fl_ctx *ctx, const fl_viewshed *vs, vs_regions *rg) {
  size_t n = (size_t)vs->width * (size_t)vs->height;
  memset(rg, 0, sizeof *rg);
  rg->id = malloc(n * sizeof *rg->id);
  if (!rg->id) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!vs->which) { /* (W3) */
    rg->n = vs->n_observers;
    for (size_t i = 0; i < n; i++) rg->id[i] = vs->nodata[i] ? 0 : (int32_t)vs->count[i];
    return FL_OK;
  }
  fl_status st = distinct_sets(ctx, vs, rg);
  for (size_t i = 0; !st && i < n; i++) {
    uint32_t m = vs->nodata[i] ? 0 : vs->which[i];
    rg->id[i] = m ? (int32_t)find_set(rg->set, rg->n, m) + 1 : 0;
  }
  return st;
}

/* The parts of each region from an OGR layer of polygonized regions. */
typedef struct vs_parts {
  GEOSGeometry **g;
  size_t n, cap;
} vs_parts;

static fl_status add_part(fl_ctx *ctx, vs_parts *p, OGRGeometryH g) {
  int sz = g ? OGR_G_WkbSize(g) : 0;
  unsigned char *wkb = sz > 0 ? malloc((size_t)sz) : NULL;
  GEOSGeometry *gg = NULL;
  fl_status st = FL_OK;
  if (wkb && OGR_G_ExportToWkb(g, wkbNDR, wkb) == OGRERR_NONE)
    st = fl_geom_from_blob(ctx, wkb, (size_t)sz, &gg, NULL, NULL);
  free(wkb);
  if (st || !gg) return st;
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 16;
    GEOSGeometry **ng = realloc(p->g, cap * sizeof *ng);
    if (!ng) {
      GEOSGeom_destroy_r(ctx->geos, gg);
      return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
    }
    p->g = ng, p->cap = cap;
  }
  p->g[p->n++] = gg;
  return FL_OK;
}

static fl_status bucket(fl_ctx *ctx, OGRLayerH lyr, vs_parts *parts, size_t n_regions) {
  fl_status st = FL_OK;
  OGRFeatureH f;
  OGR_L_ResetReading(lyr);
  while (!st && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
    int v = OGR_F_GetFieldAsInteger(f, 0);
    if (v >= 1 && (size_t)v <= n_regions) st = add_part(ctx, &parts[v - 1], OGR_F_GetGeometryRef(f));
    OGR_F_Destroy(f);
  }
  return st;
}

/* observer_ids of a set (W4): "fid,fid,...". */
static void ids_text(const fl_viewshed *vs, uint32_t m, char *buf, size_t cap) {
  size_t len = 0;
  buf[0] = 0;
  for (size_t k = 0; k < vs->n_observers && len + 24 < cap; k++)
    if (m >> k & 1u)
      len += (size_t)snprintf(buf + len, cap - len, "%s%lld", len ? "," : "",
                              (long long)vs->observer_fid[k]);
}

static fl_status add_region(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                            const vs_regions *rg, size_t r, vs_parts *p, fl_layer *out) {
  GEOSGeometry *g = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, p->g, (unsigned)p->n), *ll = NULL;
  if (!g) return fl__fail_geos(ctx, "viewshed polygons");
  p->n = 0; /* taken */
  double km2 = 0;
  fl_status st = dem->srid == 4326 ? FL_OK : fl_geom_to_lonlat(ctx, g, dem->srid, &ll);
  if (!st) st = fl_area_km2(ctx, ll ? ll : g, &km2);
  if (ll) GEOSGeom_destroy_r(ctx->geos, ll);
  if (st) {
    GEOSGeom_destroy_r(ctx->geos, g);
    return st;
  }
  fl_feature *f = fl_layer_append(ctx, out, (int64_t)out->n_features + 1, g);
  if (!f) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  int i_ids = fl_layer_field_index(out, "observer_ids");
  fl_feature_set_int(out, f, 0, rg->set ? __builtin_popcount(rg->set[r]) : (int)r + 1);
  if (rg->set) {
    char ids[FL_VIEWSHED_MAX_WHICH * 22 + 8];
    ids_text(vs, rg->set[r], ids, sizeof ids);
    if (fl_feature_set_text(out, f, i_ids, ids)) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  fl_feature_set_real(out, f, fl_layer_field_index(out, "area_km2"), km2);
  return FL_OK;
}

static fl_status add_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                              const vs_regions *rg, OGRLayerH lyr, fl_layer *out) {
  if (fl_layer_add_field(out, "observers", FL_FIELD_INTEGER) < 0 ||
      (rg->set && fl_layer_add_field(out, "observer_ids", FL_FIELD_TEXT) < 0) ||
      fl_layer_add_field(out, "area_km2", FL_FIELD_REAL) < 0)
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  vs_parts *parts = calloc(rg->n ? rg->n : 1, sizeof *parts);
  if (!parts) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  fl_status st = bucket(ctx, lyr, parts, rg->n);
  for (size_t r = 0; !st && r < rg->n; r++)
    if (parts[r].n) st = add_region(ctx, dem, vs, rg, r, &parts[r], out);
  for (size_t r = 0; r < rg->n; r++) {
    for (size_t i = 0; i < parts[r].n; i++) GEOSGeom_destroy_r(ctx->geos, parts[r].g[i]);
    free(parts[r].g);
  }
  free(parts);
  return st;
}

/* Polygonize the region ids (0 left out: the band is its own mask); the
 * in-memory raster borrows rg->id (no copy). */
static fl_status polygonize(fl_ctx *ctx, const fl_dem *dem, const vs_regions *rg,
                            GDALDatasetH *mem, GDALDatasetH *vds, OGRLayerH *lyr) {
  GDALDriverH rdrv = GDALGetDriverByName("MEM"), vdrv = GDALGetDriverByName("Memory");
  *mem = rdrv ? GDALCreate(rdrv, "", dem->w, dem->h, 0, GDT_Int32, NULL) : NULL;
  char opt[64], *opts[2] = {opt, NULL};
  snprintf(opt, sizeof opt, "DATAPOINTER=%p", (void *)rg->id);
  if (*mem && GDALAddBand(*mem, GDT_Int32, opts) != CE_None) {
    GDALClose(*mem);
    *mem = NULL;
  }
  *vds = vdrv ? GDALCreate(vdrv, "", 0, 0, 0, GDT_Unknown, NULL) : NULL;
  *lyr = *vds ? GDALDatasetCreateLayer(*vds, "vs", NULL, wkbPolygon, NULL) : NULL;
  if (!*mem || !*lyr) return fl__fail(ctx, FL_E_IO, "GDAL could not make in-memory datasets");
  double gt[6];
  memcpy(gt, dem->gt, sizeof gt);
  GDALSetGeoTransform(*mem, gt);
  OGRFieldDefnH fd = OGR_Fld_Create("region", OFTInteger);
  OGR_L_CreateField(*lyr, fd, 1);
  OGR_Fld_Destroy(fd);
  GDALRasterBandH b = GDALGetRasterBand(*mem, 1);
  if (GDALPolygonize(b, b, *lyr, 0, NULL, NULL, NULL) != CE_None)
    return fl__fail(ctx, FL_E_IO, "GDAL could not polygonize the viewshed");
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
  vs_regions rg;
  GDALDatasetH mem = NULL, vds = NULL;
  OGRLayerH lyr = NULL;
  fl_layer *res = NULL;
  fl_status st = regions(ctx, vs, &rg);
  if (!st) st = polygonize(ctx, dem, &rg, &mem, &vds, &lyr);
  if (mem) GDALClose(mem); /* the regions are drawn: free their raster early */
  free(rg.id);
  rg.id = NULL;
  if (!st && !(res = fl_layer_new("viewshed", dem->srid, "MULTIPOLYGON")))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!st) st = add_polygons(ctx, dem, vs, &rg, lyr, res);
  if (vds) GDALClose(vds);
  free(rg.set);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}
