/*
 * viewshed_near.c - the seen ground near some lines, as polygons
 * (fl_viewshed_polygons_near()): what route-exposure clips its routes with,
 * without drawing the whole of a large viewshed.
 *
 * Rules, cited as (W5):
 *   (W5) a cell is kept when it lies within VS_NEAR_CELLS cells (rows and
 *        columns) of a cell that a line of `near` passes through: each
 *        segment, straight in lon/lat as the routes are clipped, is sampled
 *        every quarter cell or closer and each sample carried into the DEM's
 *        grid; the other cells are left out and the polygons drawn as
 *        (W3)/(W4) draw them. So the cells a line crosses, and their
 *        neighbours, are all drawn, and a line's parts in view are the same
 *        as with the whole viewshed's polygons. A segment whose two ends lie
 *        beyond the same edge of the DEM is passed over.
 * Not here: the polygons (viewshed_poly.c), the computation (viewshed.c).
 */
#include <math.h>

#include "fl_geodesy.h"
#include "fl_prep.h"
#include "fl_raster.h"

#define VS_NEAR_CELLS 2   /* (W5) cells kept on each side of a line's cells */
#define VS_NEAR_BATCH 4096 /* samples carried into the grid at a time       */

typedef struct near_job {
  fl_ctx *ctx;
  const fl_dem *dem;
  fl__dem_xf xf;
  uint8_t *mask;     /* w * h: 1 where kept */
  double x[VS_NEAR_BATCH], y[VS_NEAR_BATCH];
  fl_status st;
} near_job;

/* (W5) the cells around the sample at DEM coordinates (x, y). */
static void mark(near_job *j, double x, double y) {
  const fl_dem *d = j->dem;
  double c, r;
  fl__dem_cell_of(d, x, y, &c, &r);
  if (!(c > -VS_NEAR_CELLS - 1 && r > -VS_NEAR_CELLS - 1 && c < d->w + VS_NEAR_CELLS + 1 &&
        r < d->h + VS_NEAR_CELLS + 1))
    return; /* off the DEM, NaN included */
  int ci = (int)floor(c), ri = (int)floor(r);
  for (int rr = ri - VS_NEAR_CELLS; rr <= ri + VS_NEAR_CELLS; rr++)
    for (int cc = ci - VS_NEAR_CELLS; cc <= ci + VS_NEAR_CELLS; cc++)
      if (rr >= 0 && rr < d->h && cc >= 0 && cc < d->w) j->mask[(size_t)rr * (size_t)d->w + (size_t)cc] = 1;
}

/* The n samples in j->x, j->y (lon/lat) into the grid, and marked. */
static fl_status mark_batch(near_job *j, size_t n) {
  fl_status st = fl__dem_xf_from_lonlat(j->ctx, &j->xf, j->x, j->y, n);
  for (size_t i = 0; !st && i < n; i++) mark(j, j->x[i], j->y[i]);
  return st;
}

/* The segment (lon0, lat0) - (lon1, lat1): its ends in grid cells, then
 * samples every quarter cell of the chord between them (or closer). */
static fl_status segment(near_job *j, double lon0, double lat0, double lon1, double lat1) {
  const fl_dem *d = j->dem;
  double ex[2] = {lon0, lon1}, ey[2] = {lat0, lat1}, c[2], r[2];
  fl_status st = fl__dem_xf_from_lonlat(j->ctx, &j->xf, ex, ey, 2);
  if (st) return st;
  for (int k = 0; k < 2; k++) fl__dem_cell_of(d, ex[k], ey[k], &c[k], &r[k]);
  if (!isfinite(c[0] + c[1] + r[0] + r[1])) return FL_OK; /* beyond the CRS's domain */
  double m = VS_NEAR_CELLS + 1;
  if ((c[0] < -m && c[1] < -m) || (r[0] < -m && r[1] < -m) ||
      (c[0] > d->w + m && c[1] > d->w + m) || (r[0] > d->h + m && r[1] > d->h + m))
    return FL_OK;
  double len = fmax(fabs(c[1] - c[0]), fabs(r[1] - r[0]));
  size_t n = (size_t)ceil(len * 4.0) + 1, k = 0;
  for (size_t i = 0; i <= n && !st; i++) {
    double t = (double)i / (double)n;
    j->x[k] = lon0 + (lon1 - lon0) * t, j->y[k] = lat0 + (lat1 - lat0) * t;
    if (++k == VS_NEAR_BATCH || i == n) st = mark_batch(j, k), k = 0;
  }
  return st;
}

static int each_line(const GEOSCoordSequence *seq, int is_ring, int ring_index, void *user) {
  (void)is_ring, (void)ring_index;
  near_job *j = user;
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(j->ctx->geos, seq, &n);
  double x0 = 0, y0 = 0, x1, y1;
  for (unsigned i = 0; i < n && !j->st; i++) {
    GEOSCoordSeq_getXY_r(j->ctx->geos, seq, i, &x1, &y1);
    if (i) j->st = segment(j, x0, y0, x1, y1);
    x0 = x1, y0 = y1;
  }
  return j->st != FL_OK;
}

/* (W5) the mask of the cells near the lines of `near` (lon/lat). */
static fl_status near_mask(fl_ctx *ctx, const fl_dem *dem, const fl__prepped *lines,
                           uint8_t *mask) {
  near_job *j = calloc(1, sizeof *j);
  if (!j) return fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  j->ctx = ctx, j->dem = dem, j->mask = mask;
  fl_status st = fl__dem_xf_init(ctx, dem, &j->xf);
  for (size_t i = 0; !st && i < lines->n; i++)
    if (lines->lonlat[i]) {
      fl__each_seq(ctx->geos, lines->lonlat[i], each_line, j);
      st = j->st;
    }
  fl__dem_xf_free(&j->xf);
  free(j);
  return st;
}

fl_status fl_viewshed_polygons_near(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                                    const fl_layer *near, fl_layer **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!dem || !vs || !near || !out)
    return fl__fail(ctx, FL_E_ARG, "fl_viewshed_polygons_near: NULL argument");
  fl__prepped lines;
  fl_status st = fl__prep_layer(ctx, near, "near", FL__WANT_LINE | FL__WANT_POLYGON, &lines);
  if (st) return st;
  uint8_t *mask = calloc((size_t)dem->w * (size_t)dem->h, 1);
  if (!mask) st = fl__fail(ctx, FL_E_NOMEM, "out of memory for viewshed polygons");
  if (!st) st = near_mask(ctx, dem, &lines, mask);
  fl__prep_free(ctx, &lines);
  if (!st) st = fl__vs_polygons(ctx, dem, vs, mask, out);
  free(mask);
  return st;
}
