/*
 * viewshed_poly.c - the seen ground of a viewshed as polygons with geodesic
 * areas (fl_viewshed_polygons()).
 *
 * Rules, cited as (W3)..(W4) (W1, W2, W6: viewshed_out.c; W5: viewshed_near.c):
 *   (W3) the cells seen by 1, 2, ... observers, one multipolygon per count,
 *        cell edges as drawn by GDALPolygonize, in the DEM's CRS (its EPSG
 *        code; a DEM without one gives FL_E_SRID); area_km2 geodesic;
 *   (W4) with which (V8), one multipolygon per set of observers instead, in
 *        the order of (count, first differing observer); observer_ids lists
 *        the set's feature ids in the observers' order, comma-separated; the
 *        sets are found observer by observer (each cell seen by observer k
 *        moves from its set to that set + {k}), so any number of observers
 *        costs the cells they see, not a bit per observer per cell.
 * Not here: the computation (viewshed.c), the raster (viewshed_out.c), the
 * cells near lines (viewshed_near.c, W5).
 */
#include <stdio.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>

#include "fl_raster.h"

/* The regions to draw: region r (1-based) is count r, or (W4) the set of
 * observers lists[off[r - 1]] .. lists[off[r] - 1] (ascending). */
typedef struct vs_regions {
  int32_t *id;      /* per cell: its region, 0 not seen or no height */
  size_t n;         /* regions                                       */
  uint32_t *lists;  /* (W4) the sets' observers, set after set        */
  size_t *off;      /* (W4) n + 1 offsets into lists                  */
} vs_regions;

/* (W4) The sets met so far: set j > 0 is set parent[j] and observer last[j]
 * (set 0: none). Refined observer by observer: a cell that observer k sees
 * moves from set j to set j + {k}, made the first time it is needed
 * (child[j], valid when stamp[j] == k + 1). */
typedef struct vs_sets {
  int32_t *parent, *child;
  uint32_t *last, *stamp, *depth;
  size_t n, cap;
} vs_sets;

static int sets_grow(vs_sets *t) {
  size_t cap = t->cap ? 2 * t->cap : 1024;
  int32_t *p = realloc(t->parent, cap * sizeof *p);
  if (p) t->parent = p;
  int32_t *c = realloc(t->child, cap * sizeof *c);
  if (c) t->child = c;
  uint32_t *l = realloc(t->last, cap * sizeof *l);
  if (l) t->last = l;
  uint32_t *s = realloc(t->stamp, cap * sizeof *s);
  if (s) t->stamp = s;
  uint32_t *d = realloc(t->depth, cap * sizeof *d);
  if (d) t->depth = d;
  if (!p || !c || !l || !s || !d) return -1;
  t->cap = cap;
  return 0;
}

static void sets_free(vs_sets *t) {
  free(t->parent), free(t->child), free(t->last), free(t->stamp), free(t->depth);
}

/* (W4) Observer k's seen cells moved to their sets + {k}. */
static fl_status refine(fl_ctx *ctx, const fl_viewshed *vs, uint32_t k, int32_t *set, vs_sets *t) {
  const fl_viewshed_sight *sg = &vs->which[k];
  size_t w = (size_t)vs->width;
  for (int r = 0; sg->bits && r < sg->h; r++) {
    size_t bit = (size_t)r * (size_t)sg->w, cell = (size_t)(sg->y0 + r) * w + (size_t)sg->x0;
    for (int i = 0; i < sg->w; i++, bit++, cell++) {
      if (!((sg->bits[bit >> 3] >> (bit & 7)) & 1u) || vs->nodata[cell]) continue;
      int32_t j = set[cell];
      if (t->stamp[j] != k + 1) {
        if (t->n == t->cap && sets_grow(t))
          return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
        if (t->n >= INT32_MAX) return fl__fail(ctx, FL_E_NOMEM, "too many sets of observers");
        size_t c = t->n++;
        t->parent[c] = j, t->last[c] = k, t->stamp[c] = 0, t->depth[c] = t->depth[j] + 1;
        t->stamp[j] = k + 1, t->child[j] = (int32_t)c;
      }
      set[cell] = t->child[j];
    }
  }
  return FL_OK;
}

static _Thread_local const uint32_t *g_lists; /* cmp_sets' view (qsort has no context) */
static _Thread_local const size_t *g_off;

/* (W4) order: fewer observers first; then the set holding the lowest
 * observer where they differ (their ascending lists compared in turn). */
static int cmp_sets(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  size_t nx = g_off[x + 1] - g_off[x], ny = g_off[y + 1] - g_off[y];
  if (nx != ny) return nx < ny ? -1 : 1;
  for (size_t i = 0; i < nx; i++) {
    uint32_t p = g_lists[g_off[x] + i], q = g_lists[g_off[y] + i];
    if (p != q) return p < q ? -1 : 1;
  }
  return 0;
}

/* (W4) The sets' observer lists in region order; rank[j]: set j's region. */
static fl_status order_sets(fl_ctx *ctx, const vs_sets *t, vs_regions *rg, int32_t *rank) {
  size_t n = t->n - 1, total = 0;
  for (size_t j = 1; j < t->n; j++) total += t->depth[j];
  uint32_t *lists = malloc((total ? total : 1) * sizeof *lists);
  size_t *off = malloc((n + 1) * sizeof *off), *order = malloc((n ? n : 1) * sizeof *order);
  uint32_t *sorted = malloc((total ? total : 1) * sizeof *sorted);
  size_t *soff = malloc((n + 1) * sizeof *soff);
  if (!lists || !off || !order || !sorted || !soff) {
    free(lists), free(off), free(order), free(sorted), free(soff);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  }
  off[0] = 0;
  for (size_t j = 1; j < t->n; j++) { /* set j at index j - 1, walked back to front */
    off[j] = off[j - 1] + t->depth[j];
    size_t p = off[j];
    for (size_t q = j; q; q = (size_t)t->parent[q]) lists[--p] = t->last[q];
    order[j - 1] = j - 1;
  }
  g_lists = lists, g_off = off;
  qsort(order, n, sizeof *order, cmp_sets);
  soff[0] = 0;
  for (size_t r = 0; r < n; r++) {
    size_t j = order[r], len = off[j + 1] - off[j];
    memcpy(sorted + soff[r], lists + off[j], len * sizeof *sorted);
    soff[r + 1] = soff[r] + len;
    rank[j + 1] = (int32_t)r + 1;
  }
  rank[0] = 0;
  free(lists), free(off), free(order);
  rg->lists = sorted, rg->off = soff, rg->n = n;
  return FL_OK;
}

/* The cells' regions; mask (W5): only where nonzero, or everywhere (NULL). */
static fl_status regions(fl_ctx *ctx, const fl_viewshed *vs, const uint8_t *mask,
                         vs_regions *rg) {
  size_t n = (size_t)vs->width * (size_t)vs->height;
  memset(rg, 0, sizeof *rg);
  rg->id = calloc(n, sizeof *rg->id);
  if (!rg->id) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!vs->which) { /* (W3) */
    rg->n = vs->n_observers;
    for (size_t i = 0; i < n; i++)
      rg->id[i] = vs->nodata[i] || (mask && !mask[i]) ? 0 : (int32_t)vs->count[i];
    return FL_OK;
  }
  vs_sets t = {0}; /* (W4) rg->id holds each cell's set while refining */
  fl_status st = sets_grow(&t) ? fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons")
                               : FL_OK;
  if (!st) t.n = 1, t.parent[0] = -1, t.stamp[0] = 0, t.depth[0] = 0;
  for (size_t k = 0; !st && k < vs->n_observers; k++) st = refine(ctx, vs, (uint32_t)k, rg->id, &t);
  int32_t *rank = st ? NULL : malloc(t.n * sizeof *rank);
  if (!st && !rank) st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!st) st = order_sets(ctx, &t, rg, rank);
  for (size_t i = 0; !st && i < n; i++) rg->id[i] = mask && !mask[i] ? 0 : rank[rg->id[i]];
  free(rank);
  sets_free(&t);
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

/* observer_ids of region r (W4): "fid,fid,..."; NULL without memory. */
static char *ids_text(const fl_viewshed *vs, const vs_regions *rg, size_t r) {
  size_t n = rg->off[r + 1] - rg->off[r], cap = n * 22 + 1, len = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  buf[0] = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? "," : "",
                            (long long)vs->observer_fid[rg->lists[rg->off[r] + i]]);
  return buf;
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
  fl_feature_set_int(out, f, 0, rg->lists ? (int)(rg->off[r + 1] - rg->off[r]) : (int)r + 1);
  if (rg->lists) {
    char *ids = ids_text(vs, rg, r);
    int bad = !ids || fl_feature_set_text(out, f, i_ids, ids);
    free(ids);
    if (bad) return fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  fl_feature_set_real(out, f, fl_layer_field_index(out, "area_km2"), km2);
  return FL_OK;
}

static fl_status add_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                              const vs_regions *rg, OGRLayerH lyr, fl_layer *out) {
  if (fl_layer_add_field(out, "observers", FL_FIELD_INTEGER) < 0 ||
      (rg->lists && fl_layer_add_field(out, "observer_ids", FL_FIELD_TEXT) < 0) ||
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
  return fl__vs_polygons(ctx, dem, vs, NULL, out);
}

fl_status fl__vs_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                          const uint8_t *mask, fl_layer **out) {
  if (!dem->srid)
    return fl__fail(ctx, FL_E_SRID, "@{dem} has a CRS without an EPSG code; write the viewshed "
                    "as a .tif, or warp the DEM to an EPSG CRS");
  GDALAllRegister();
  vs_regions rg;
  GDALDatasetH mem = NULL, vds = NULL;
  OGRLayerH lyr = NULL;
  fl_layer *res = NULL;
  fl_status st = regions(ctx, vs, mask, &rg);
  if (!st) st = polygonize(ctx, dem, &rg, &mem, &vds, &lyr);
  if (mem) GDALClose(mem); /* the regions are drawn: free their raster early */
  free(rg.id);
  rg.id = NULL;
  if (!st && !(res = fl_layer_new("viewshed", dem->srid, "MULTIPOLYGON")))
    st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!st) st = add_polygons(ctx, dem, vs, &rg, lyr, res);
  if (vds) GDALClose(vds);
  free(rg.lists), free(rg.off);
  if (st) {
    fl_layer_destroy(ctx, res);
    return st;
  }
  *out = res;
  return FL_OK;
}
