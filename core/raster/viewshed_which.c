/*
 * viewshed_which.c - which observers see a cell (rule V8 of viewshed.c):
 * each observer's window of the DEM and one bit per cell of it.
 *
 * Rules, cited as (V8)..(V9):
 *   (V8) observer k keeps one bit per cell of its window (the DEM, or the
 *        cells within max range: the window its sweep covers), set when it
 *        sees the cell; only the thread that sweeps observer k writes them;
 *   (V9) the bits of all observers together may take at most
 *        FL_VIEWSHED_WHICH_MAX_MB (fl_elevation.h): measured from the
 *        windows before anything is swept, and refused with a sentence
 *        that gives the need and the remedies.
 * Not here: the sweep (viewshed.c), writing (viewshed_out.c, viewshed_poly.c).
 */
#include <math.h>

#include "fl_raster.h"

void fl__vs_window(const fl_dem *d, double lat_obs, double max_m, double c, double r,
                   int win[4]) {
  win[0] = 0, win[1] = d->w - 1, win[2] = 0, win[3] = d->h - 1;
  if (!(max_m > 0)) return;
  double span_c, span_r;
  if (d->geographic) {
    double lat = fmin(fabs(lat_obs) + max_m / 111000.0 * 1.02, 89.0);
    span_r = max_m * 1.02 / 110500.0 / fabs(d->gt[5]) + 2;
    span_c = max_m * 1.02 / (111000.0 * cos(lat * M_PI / 180.0)) / d->gt[1] + 2;
  } else {
    span_c = max_m * 1.05 / d->gt[1] + 2;
    span_r = max_m * 1.05 / fabs(d->gt[5]) + 2;
  }
  win[0] = (int)fmax(0, floor(c - span_c));
  win[1] = (int)fmin(d->w - 1, ceil(c + span_c));
  win[2] = (int)fmax(0, floor(r - span_r));
  win[3] = (int)fmin(d->h - 1, ceil(r + span_r));
}

void fl__vs_sights_free(fl_viewshed_sight *sights, size_t n) {
  if (!sights) return;
  for (size_t k = 0; k < n; k++) free(sights[k].bits);
  free(sights);
}

/* (V8) The windows of the observers; an observer outside the DEM gets none
 * (the sweep refuses it, naming it). */
static fl_status windows(fl_ctx *ctx, const fl_dem *d, const fl__pt *pts, size_t n, double max_m,
                         fl_viewshed_sight *sg, double *bytes) {
  fl__dem_xf xf;
  fl_status st = fl__dem_xf_init(ctx, d, &xf);
  *bytes = 0;
  for (size_t k = 0; !st && k < n; k++) {
    double x = pts[k].lon, y = pts[k].lat, c, r;
    if ((st = fl__dem_xf_from_lonlat(ctx, &xf, &x, &y, 1))) break;
    fl__dem_cell_of(d, x, y, &c, &r);
    if (!(c >= 0 && r >= 0 && c < d->w && r < d->h)) continue;
    int win[4];
    fl__vs_window(d, pts[k].lat, max_m, c, r, win);
    sg[k] = (fl_viewshed_sight){win[0], win[2], win[1] - win[0] + 1, win[3] - win[2] + 1, NULL};
    *bytes += ((double)sg[k].w * sg[k].h + 7) / 8;
  }
  fl__dem_xf_free(&xf);
  return st;
}

fl_status fl__vs_sights_new(fl_ctx *ctx, const fl_dem *d, const fl__pt *pts, size_t n,
                            double max_m, fl_viewshed_sight **out) {
  *out = NULL;
  fl_viewshed_sight *sg = calloc(n, sizeof *sg);
  if (!sg) return fl__fail(ctx, FL_E_NOMEM, "out of memory for @{which_observers}");
  double bytes;
  fl_status st = windows(ctx, d, pts, n, max_m, sg, &bytes);
  if (!st && bytes > FL_VIEWSHED_WHICH_MAX_MB * 1048576.0) /* (V9) */
    st = fl__fail(ctx, FL_E_ARG, "@{which_observers} would take %.0f MB (one bit per cell "
                  "within the range of each of %zu observer%s); the limit is %d MB: set a "
                  "shorter @{max_range_m} or give fewer observers", bytes / 1048576.0, n,
                  n == 1 ? "" : "s", FL_VIEWSHED_WHICH_MAX_MB);
  for (size_t k = 0; !st && k < n; k++) {
    size_t nb = ((size_t)sg[k].w * (size_t)sg[k].h + 7) / 8;
    if (nb && !(sg[k].bits = calloc(nb, 1)))
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory for @{which_observers}");
  }
  if (st) {
    fl__vs_sights_free(sg, n);
    return st;
  }
  *out = sg;
  return FL_OK;
}

void fl__vs_sight_row(fl_viewshed_sight *sg, int x0, int row, const uint8_t *seen, int n) {
  if (!sg->bits || row < sg->y0 || row >= sg->y0 + sg->h || x0 != sg->x0 || n != sg->w) return;
  size_t b = (size_t)(row - sg->y0) * (size_t)sg->w;
  for (int i = 0; i < n; i++, b++)
    if (seen[i]) sg->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
}

int fl_viewshed_sees(const fl_viewshed *vs, size_t k, int col, int row) {
  if (!vs || !vs->which || k >= vs->n_observers) return 0;
  const fl_viewshed_sight *sg = &vs->which[k];
  if (!sg->bits || col < sg->x0 || col >= sg->x0 + sg->w || row < sg->y0 || row >= sg->y0 + sg->h)
    return 0;
  size_t b = (size_t)(row - sg->y0) * (size_t)sg->w + (size_t)(col - sg->x0);
  return (sg->bits[b >> 3] >> (b & 7)) & 1;
}
