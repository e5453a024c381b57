/*
 * dem_read.c - band 1 of a DEM into memory (fl__dem_read_band(), for
 * dem.c's fl_dem_open()).
 *
 * Rules, cited as (D1) and (D5) (D2-D4: dem.c):
 *   (D1) band 1 is read as float32 metres; cells equal to the band's nodata
 *        value, or NaN, have no height (NAN inside) and are counted;
 *   (D5) the file is read block by block (GDALReadBlock), each thread with its
 *        own handle on the file and one block buffer it reuses, blocks copied
 *        straight into the heights: no block passes through GDAL's cache, so
 *        a 400 MB DEM is not decoded into 400 MB of cache pages that are
 *        mapped, faulted in and unmapped again. A file that cannot be opened
 *        a second time, or whose blocks cannot be read so, is read through
 *        GDALRasterIO in strips of blocks instead.
 * Not here: the CRS and grid checks (dem.c).
 */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>

#include <cpl_conv.h>
#include <gdal.h>

#include "fl_prep.h"
#include "fl_raster.h"

typedef struct rd_shared {
  const char *path;
  fl_dem *d;
  GDALDataType type;
  int bw, bh, nbx;
  int has_nd;
  float ndf;
  atomic_size_t n_nodata;
} rd_shared;

typedef struct rd_scratch {
  GDALDatasetH ds;
  GDALRasterBandH b;
  void *raw;    /* one block in the band's type */
  float *f;     /* the same as float32          */
} rd_scratch;

static void *rd_new(fl_ctx *ctx, void *shared) {
  (void)ctx;
  rd_shared *sh = shared;
  rd_scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  size_t n = (size_t)sh->bw * (size_t)sh->bh;
  CPLPushErrorHandler(CPLQuietErrorHandler);
  s->ds = GDALOpen(sh->path, GA_ReadOnly);
  CPLPopErrorHandler();
  s->b = s->ds ? GDALGetRasterBand(s->ds, 1) : NULL;
  s->raw = malloc(n * (size_t)GDALGetDataTypeSizeBytes(sh->type));
  s->f = malloc(n * sizeof *s->f);
  if (!s->b || !s->raw || !s->f) {
    if (s->ds) GDALClose(s->ds);
    free(s->raw), free(s->f), free(s);
    return NULL;
  }
  return s;
}

static void rd_free(fl_ctx *ctx, void *scratch) {
  (void)ctx;
  rd_scratch *s = scratch;
  if (!s) return;
  if (s->ds) GDALClose(s->ds);
  free(s->raw), free(s->f), free(s);
}

/* (D1) nc heights from a block's row into the DEM's; returns how many have
 * none. Without branches: the compiler vectorizes it. */
static size_t copy_heights(float *restrict dst, const float *restrict src, int nc, int has_nd,
                           float ndf) {
  size_t nd = 0;
  for (int c = 0; c < nc; c++) {
    float z = src[c];
    int none = (!isfinite(z)) | (has_nd & (z == ndf));
    dst[c] = none ? NAN : z;
    nd += (size_t)none;
  }
  return nd;
}

/* (D5) one row of blocks into the heights, (D1) on the way. */
static fl_status rd_block_row(fl_ctx *ctx, size_t by, void *shared, void *scratch) {
  rd_shared *sh = shared;
  rd_scratch *s = scratch;
  fl_dem *d = sh->d;
  size_t nd = 0, n = (size_t)sh->bw * (size_t)sh->bh;
  int r0 = (int)by * sh->bh, nr = d->h - r0 < sh->bh ? d->h - r0 : sh->bh;
  for (int bx = 0; bx < sh->nbx; bx++) {
    int f32 = sh->type == GDT_Float32; /* read straight as float32, no copy */
    if (GDALReadBlock(s->b, bx, (int)by, f32 ? (void *)s->f : s->raw) != CE_None)
      return fl__fail(ctx, FL_E_IO, "@{dem} '%s': reading band 1 failed: %s", sh->path,
                      CPLGetLastErrorMsg());
    if (!f32)
      GDALCopyWords64(s->raw, sh->type, GDALGetDataTypeSizeBytes(sh->type), s->f, GDT_Float32,
                      (int)sizeof(float), (GPtrDiff_t)n);
    int c0 = bx * sh->bw, nc = d->w - c0 < sh->bw ? d->w - c0 : sh->bw;
    for (int r = 0; r < nr; r++)
      nd += copy_heights(d->z + (size_t)(r0 + r) * (size_t)d->w + (size_t)c0,
                         s->f + (size_t)r * (size_t)sh->bw, nc, sh->has_nd, sh->ndf);
  }
  atomic_fetch_add(&sh->n_nodata, nd);
  return FL_OK;
}

/* The fallback of (D5): strips of blocks through GDAL's cache. */
static fl_status read_strips(fl_ctx *ctx, GDALRasterBandH b, const char *path, fl_dem *d,
                             int bh, int has_nd, float ndf) {
  int strip = bh > 0 && bh < 4096 ? bh * (bh < 64 ? 64 : 4) : 256;
  CPLErr err = CE_None;
  char threads[16]; /* decoded on the context's threads */
  snprintf(threads, sizeof threads, "%d", fl__threads_for(ctx, (size_t)-1));
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", threads);
  for (int r0 = 0; r0 < d->h && err == CE_None; r0 += strip) {
    int nr = d->h - r0 < strip ? d->h - r0 : strip;
    err = GDALRasterIO(b, GF_Read, 0, r0, d->w, nr, d->z + (size_t)r0 * (size_t)d->w, d->w, nr,
                       GDT_Float32, 0, 0);
    GDALFlushRasterCache(b);
  }
  CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", NULL);
  if (err != CE_None)
    return fl__fail(ctx, FL_E_IO, "@{dem} '%s': reading band 1 failed: %s", path,
                    CPLGetLastErrorMsg());
  size_t n = (size_t)d->w * (size_t)d->h;
  for (size_t i = 0; i < n; i++) /* (D1) */
    if (!isfinite(d->z[i]) || (has_nd && d->z[i] == ndf)) {
      d->z[i] = NAN;
      d->n_nodata++;
    }
  return FL_OK;
}

fl_status fl__dem_read_band(fl_ctx *ctx, void *dataset, const char *path, fl_dem *d) {
  GDALDatasetH ds = dataset;
  GDALRasterBandH b = GDALGetRasterBand(ds, 1);
  if (!b) return fl__fail(ctx, FL_E_IO, "@{dem} '%s' has no raster band", path);
  d->z = malloc((size_t)d->w * (size_t)d->h * sizeof *d->z);
  if (!d->z)
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for @{dem} '%s' (%d x %d cells)", path, d->w,
                    d->h);
  rd_shared sh = {.path = path, .d = d, .type = GDALGetRasterDataType(b)};
  double nd = GDALGetRasterNoDataValue(b, &sh.has_nd);
  sh.ndf = (float)nd;
  GDALGetBlockSize(b, &sh.bw, &sh.bh);
  int by_block = sh.bw > 0 && sh.bh > 0 && (double)sh.bw * sh.bh <= 16.0 * 1024 * 1024 &&
                 !GDALDataTypeIsComplex(sh.type) && GDALGetDataTypeSizeBytes(sh.type) > 0;
  if (by_block) {
    sh.nbx = (d->w + sh.bw - 1) / sh.bw;
    size_t nby = (size_t)((d->h + sh.bh - 1) / sh.bh);
    atomic_init(&sh.n_nodata, 0);
    /* progress: the caller's (last_progress left as it is) */
    fl_status st = fl__parallel_for(ctx, nby, rd_block_row, &sh, rd_new, rd_free,
                                    ctx->last_progress, ctx->last_progress);
    if (st == FL_OK) {
      d->n_nodata = atomic_load(&sh.n_nodata);
      return FL_OK;
    }
    if (st == FL_E_CANCEL) return st;
    fl_ctx_clear_error(ctx); /* read it the other way */
  }
  return read_strips(ctx, b, path, d, sh.bh, sh.has_nd, sh.ndf);
}
