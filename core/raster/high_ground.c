/*
 * high_ground.c - the peaks of a DEM and their topographic prominence
 * (fl_dem_peaks()), the candidate observers of `high-ground`.
 *
 * Rules, cited as (H1)..(H4) in tests and docs/tools/high-ground.md:
 *   (H1) a peak's prominence is its height minus the height of its key
 *        col: the highest col (saddle) through which a higher cell can be
 *        reached, the usual definition; cells are joined to their 8
 *        neighbours; a peak stands at its cell's centre;
 *   (H2) computed by flooding from the top: cells in descending height join
 *        their already-flooded neighbours (union-find); where a cell joins
 *        two or more flooded areas it is their col, and every area but the
 *        one with the highest peak ends there: its peak's prominence is its
 *        height minus the col's. Equal heights: the cell met first (row-major
 *        order) is the peak, so a flat top gives one peak;
 *   (H3) the DEM is all that is known: the highest peak of each connected
 *        area of cells with height gets its height above the lowest cell of
 *        the DEM, and a peak near the DEM's edge may have a higher neighbour
 *        outside it (its prominence is then too high); cells without height
 *        join nothing;
 *   (H4) peaks with prominence >= min_prominence_m are returned, most
 *        prominent first, at their cell centres in lon/lat.
 * Not here: keeping the peaks on a side's ground and in a band from the
 * front (core/point_select.c).
 */
#include <math.h>

#include "fl_raster.h"

typedef struct peak {
  uint32_t cell;
  float z, col;
} peak;

typedef struct flood {
  uint32_t *up;    /* union-find parent; UINT32_MAX: not flooded yet */
  uint32_t *top;   /* at a root: the area's peak cell */
  peak *found;
  size_t n_found, cap_found;
} flood;

/* Heights as unsigned keys that sort in the same order (IEEE 754 trick). */
static uint64_t sort_key(float z, uint32_t cell) {
  uint32_t u;
  memcpy(&u, &z, sizeof u);
  u = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  /* descending height, then ascending cell: invert the height part */
  return ((uint64_t)(~u) << 32) | cell;
}

static uint32_t root(flood *f, uint32_t c) {
  while (f->up[c] != c) {
    f->up[c] = f->up[f->up[c]]; /* path halving */
    c = f->up[c];
  }
  return c;
}

static int keep_peak(flood *f, uint32_t cell, float z, float col) {
  if (f->n_found == f->cap_found) {
    size_t cap = f->cap_found ? 2 * f->cap_found : 256;
    peak *p = realloc(f->found, cap * sizeof *p);
    if (!p) return -1;
    f->found = p;
    f->cap_found = cap;
  }
  peak pk = {cell, z, col};
  f->found[f->n_found++] = pk;
  return 0;
}

/* (H2): flood cell c (height z); a col ends every area but the highest. */
static int flood_cell(flood *f, const fl_dem *d, uint32_t c, double min_prom) {
  int w = d->w, r = (int)(c / (uint32_t)w), col = (int)(c % (uint32_t)w);
  uint32_t roots[8];
  int n = 0;
  for (int dr = -1; dr <= 1; dr++)
    for (int dc = -1; dc <= 1; dc++) {
      int rr = r + dr, cc = col + dc;
      if ((!dr && !dc) || rr < 0 || cc < 0 || rr >= d->h || cc >= w) continue;
      uint32_t nb = (uint32_t)rr * (uint32_t)w + (uint32_t)cc;
      if (f->up[nb] == UINT32_MAX) continue;
      uint32_t q = root(f, nb);
      int seen = 0;
      for (int k = 0; k < n; k++) seen |= roots[k] == q;
      if (!seen) roots[n++] = q;
    }
  if (n == 0) { /* a new area: c is its peak */
    f->up[c] = c;
    f->top[c] = c;
    return 0;
  }
  int best = 0; /* the area with the highest peak (first met on equal heights) */
  for (int k = 1; k < n; k++) {
    float zb = d->z[f->top[roots[best]]], zk = d->z[f->top[roots[k]]];
    if (zk > zb || (zk == zb && f->top[roots[k]] < f->top[roots[best]])) best = k;
  }
  float zc = d->z[c];
  for (int k = 0; k < n; k++) {
    if (k == best) continue;
    uint32_t p = f->top[roots[k]];
    if (d->z[p] - zc >= min_prom && keep_peak(f, p, d->z[p], zc)) return -1;
    f->up[roots[k]] = roots[best];
  }
  f->up[c] = roots[best];
  return 0;
}

static int cmp_peak(const void *a, const void *b) {
  const peak *x = a, *y = b;
  double px = x->z - x->col, py = y->z - y->col;
  if (px != py) return px > py ? -1 : 1;
  return x->cell < y->cell ? -1 : x->cell > y->cell;
}

/* (H4): the peaks as lon/lat points. */
static fl_status to_layer(fl_ctx *ctx, const fl_dem *d, flood *f, fl_layer **out) {
  qsort(f->found, f->n_found, sizeof *f->found, cmp_peak);
  fl__dem_xf xf;
  fl_status st = fl__dem_xf_init(ctx, d, &xf);
  if (st) return st;
  fl_layer *l = fl_layer_new("high_ground", 4326, "POINT");
  int fh = l ? fl_layer_add_field(l, "height_m", FL_FIELD_REAL) : -1;
  int fp = l ? fl_layer_add_field(l, "prominence_m", FL_FIELD_REAL) : -1;
  int fc = l ? fl_layer_add_field(l, "col_m", FL_FIELD_REAL) : -1;
  if (!l || fh < 0 || fp < 0 || fc < 0) st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < f->n_found; i++) {
    const peak *p = &f->found[i];
    int r = (int)(p->cell / (uint32_t)d->w), c = (int)(p->cell % (uint32_t)d->w);
    double x = d->gt[0] + (c + 0.5) * d->gt[1], y = d->gt[3] + (r + 0.5) * d->gt[5];
    if ((st = fl__dem_xf_to_lonlat(ctx, &xf, &x, &y, 1))) break;
    char wkt[96];
    snprintf(wkt, sizeof wkt, "POINT(%.9f %.9f)", x, y);
    GEOSGeometry *g = GEOSGeomFromWKT_r(ctx->geos, wkt);
    if (g) GEOSSetSRID_r(ctx->geos, g, 4326);
    fl_feature *ft = g ? fl_layer_append(ctx, l, (int64_t)i + 1, g) : NULL;
    if (!ft) { st = fl__fail(ctx, FL_E_NOMEM, "out of memory"); break; }
    /* centimetres: a Float32 DEM holds no more */
    fl_feature_set_real(l, ft, fh, round(p->z * 100.0) / 100.0);
    fl_feature_set_real(l, ft, fp, round(((double)p->z - (double)p->col) * 100.0) / 100.0);
    fl_feature_set_real(l, ft, fc, round(p->col * 100.0) / 100.0);
  }
  fl__dem_xf_free(&xf);
  if (st) { fl_layer_destroy(ctx, l); return st; }
  *out = l;
  return FL_OK;
}

fl_status fl_dem_peaks(fl_ctx *ctx, const fl_dem *dem, double min_prominence_m, fl_layer **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!dem || !out) return fl__fail(ctx, FL_E_ARG, "fl_dem_peaks: NULL argument");
  if (!(min_prominence_m >= 0 && min_prominence_m < 1e5))
    return fl__fail(ctx, FL_E_ARG, "@{min_prominence_m} must be a number >= 0, got %g",
                    min_prominence_m);
  size_t n = (size_t)dem->w * (size_t)dem->h, m = 0;
  if (n >= UINT32_MAX)
    return fl__fail(ctx, FL_E_ARG, "@{dem} has %zu cells; high-ground takes at most 4e9: cut it "
                    "first (gdal_translate -projwin)", n);
  flood f = {0};
  uint64_t *order = malloc(n * sizeof *order);
  f.up = malloc(n * sizeof *f.up);
  f.top = malloc(n * sizeof *f.top);
  fl_status st = order && f.up && f.top ? FL_OK
      : fl__fail(ctx, FL_E_NOMEM, "out of memory for the peaks of @{dem} (%d x %d cells)",
                 dem->w, dem->h);
  float lowest = INFINITY;
  for (size_t i = 0; !st && i < n; i++) {
    f.up[i] = UINT32_MAX;
    if (isnan(dem->z[i])) continue; /* (H3) */
    order[m++] = sort_key(dem->z[i], (uint32_t)i);
    if (dem->z[i] < lowest) lowest = dem->z[i];
  }
  if (!st) st = fl__sort_u64(ctx, order, m, "sorting the cells of @{dem}"); /* stoppable */
  for (size_t i = 0; !st && i < m; i++) {
    if ((i & 0xfffff) == 0xfffff && (st = fl__stop_check(ctx, "finding the peaks of @{dem}")))
      break;
    if (flood_cell(&f, dem, (uint32_t)(order[i] & 0xffffffffu), min_prominence_m))
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  }
  for (size_t i = 0; !st && i < n; i++) /* (H3): the highest peak of each area */
    if (f.up[i] == i && dem->z[f.top[i]] - lowest >= min_prominence_m &&
        keep_peak(&f, f.top[i], dem->z[f.top[i]], lowest))
      st = fl__fail(ctx, FL_E_NOMEM, "out of memory");
  free(order);
  free(f.up);
  free(f.top);
  if (!st) st = to_layer(ctx, dem, &f, out);
  free(f.found);
  return st;
}
