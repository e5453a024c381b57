/*
 * viewshed.c - cumulative viewshed of point observers on a DEM in its own
 * CRS, lon/lat included (fl_viewshed_compute()).
 *
 * Rules, cited as (V1)..(V6), (V8), (V10) in tests and docs/tools/viewshed.md:
 *   (V1) the observer stands at the centre of the cell it falls in, at that
 *        cell's height + its height above ground (as gdal_viewshed);
 *   (V2) every cell's height is lowered by the earth's drop at its geodesic
 *        distance, s^2 (1 - k) / (2 R_az) (earth.c (E2)), so sight lines are
 *        straight in the lowered heights;
 *   (V3) the horizon is carried outward from the observer one cell at a time
 *        (reference planes, Wang et al. 2000, as gdal_viewshed's "edge"
 *        mode): a cell's horizon height is the sight line through the two
 *        cells next to it on the observer's side, interpolated where the
 *        line from the observer crosses between them; a cell is seen when
 *        its height + the target height reaches its horizon; the cells next
 *        to the observer are seen; the horizon passed on is the larger of
 *        the cell's height and its horizon. The grid's own index space is
 *        used, which is affine in metres for a projected DEM and, over a
 *        viewshed's extent, for a lon/lat one as well;
 *   (V4) a cell farther than max_range_m (geodesic; measured with
 *        geod_inverse within 2e-5 of the range) is not seen;
 *   (V5) a cell without height is not seen and passes on its horizon;
 *   (V6) the count of a cell is the number of observers that see it;
 *        observers are spread over the context's threads one at a time;
 *        each row an observer's sweep finishes is added into the counts at
 *        once, under the lock of its row (rows share VS_ROW_LOCKS locks, by
 *        row modulo), each page of the counts written before it is read:
 *        no thread holds a grid of its own, so nothing is summed at the end
 *        and no page is faulted in twice;
 *   (V8) asked which, observer k (the k-th point of the layer) keeps one
 *        bit per cell of its own window (viewshed_which.c): set when it
 *        sees the cell; only its own thread writes it.
 *   (V10) the cells of every observer's window (the DEM, or the box of
 *        max_range_m around it), summed, are at most the context's limit
 *        viewshed_cells (core/limits.c K4), else the call fails before any
 *        work naming it; every 64 rows an observer's sweep checks the stop
 *        conditions (cancel, time limit, the host's poll).
 * Not here: writing the result (viewshed_out.c), which (viewshed_which.c).
 */
#include <math.h>
#include <pthread.h>

#include "fl_prep.h"
#include "fl_raster.h"

#define VS_NODATA_Z -1e9 /* (V5) a height below any horizon, finite (no NaN in sums) */
#define VS_MAX_OBSERVERS 65534

void fl_viewshed_opts_init(fl_viewshed_opts *o) {
  memset(o, 0, sizeof *o);
  o->obs_h = 2.0;
  o->tgt_h = 0.0;
  o->refraction = FL_REFRACTION_DEFAULT;
}

void fl_viewshed_free(fl_viewshed *vs) {
  if (!vs) return;
  free(vs->count);
  free(vs->nodata);
  fl__vs_sights_free(vs->which, vs->n_observers);
  free(vs->observer_fid);
  free(vs);
}

#define VS_ROW_LOCKS 256 /* (V6) row r takes lock r % VS_ROW_LOCKS */

typedef struct vs_shared {
  const fl_dem *dem;
  const fl_viewshed_opts *o;
  const fl__pt *obs;
  size_t n_obs;
  uint16_t *total;
  fl_viewshed_sight *which;  /* (V8) the observers' bits, NULL unless asked */
  pthread_mutex_t *locks;    /* (V6) VS_ROW_LOCKS; NULL on one thread */
  pthread_mutex_t lock;      /* cells_seen */
  size_t cells_seen;         /* cells whose count left 0, summed over the threads */
} vs_shared;

typedef struct vs_scratch {
  uint8_t *seen;             /* the row being done: 1 where the observer sees      */
  size_t cells_seen;         /* cells this thread took from count 0 to 1           */
  double *prev, *cur, *save; /* horizon heights of two rows, and the observer's row */
  double *zadj;              /* the row being done: lowered heights (V2)           */
  double *d2;                /* the row being done: squared distances (V4)         */
  double *lon, *lat;         /* projected DEMs: the row's nodes (row_nodes())      */
  unsigned char *in_range;
  double *inv;               /* inv[j] = 1 / (j - 1), j up to max(w, h) */
  double *nd[2];             /* projected DEMs: node rows (node_row())     */
  fl__earth_radii_t *rad;    /* projected DEMs: the radii at a row's nodes */
  int nd_row[2], nd_x0[2], nd_n[2];
  fl__dem_xf xf;
  vs_shared *sh;
} vs_scratch;

/* One observer's window and constants. */
typedef struct vs_obs {
  int c0, r0;                /* observer cell                   */
  int x0, x1, y0, y1;        /* window, inclusive               */
  double zo, tgt_h, max_m;
  fl__earth earth;
} vs_obs;

#define VS_XF_STEP 16 /* projected DEMs: cells between exactly transformed ones */

/* Lon/lat of the nodes of row r (columns 0, 16, 32, ... and the last of the
 * window), through PROJ; kept for the two rows last asked for, as the
 * sweep asks for each node row 16 times in a row. *out: lon, lat pairs. */
static fl_status node_row(fl_ctx *ctx, const fl_dem *d, const vs_obs *v, vs_scratch *s, int r,
                          int n, const double **out) {
  for (int k = 0; k < 2; k++)
    if (s->nd_row[k] == r && s->nd_x0[k] == v->x0 && s->nd_n[k] == n) {
      *out = s->nd[k];
      return FL_OK;
    }
  int slot = abs(s->nd_row[0] - r) > abs(s->nd_row[1] - r) ? 0 : 1;
  double *lon = s->nd[slot], *lat = lon + (size_t)n / VS_XF_STEP + 2;
  double y = d->gt[3] + (r + 0.5) * d->gt[5];
  size_t k = 0;
  for (int i = 0; i < n; i += VS_XF_STEP, k++) lon[k] = d->gt[0] + (v->x0 + i + 0.5) * d->gt[1];
  if (((n - 1) % VS_XF_STEP) != 0) lon[k++] = d->gt[0] + (v->x0 + n - 1 + 0.5) * d->gt[1];
  for (size_t i = 0; i < k; i++) lat[i] = y;
  s->nd_row[slot] = -1;
  fl_status st = fl__dem_xf_to_lonlat(ctx, &s->xf, lon, lat, k);
  if (st) return st;
  s->nd_row[slot] = r, s->nd_x0[slot] = v->x0, s->nd_n[slot] = n;
  *out = s->nd[slot];
  return FL_OK;
}

/* Projected DEMs: lon/lat of the row's nodes (columns 0, 16, 32, ... and the
 * last of the window) into s->lon, s->lat (k of them, *k_out), through PROJ
 * on the node rows every VS_XF_STEP rows, linear between them (the inverse
 * projection is smooth: the error over 16 x 16 cells is below 1e-9 degree). */
static fl_status row_nodes(fl_ctx *ctx, const fl_dem *d, const vs_obs *v, vs_scratch *s, int r,
                           int n, size_t *k_out) {
  int ra = (r / VS_XF_STEP) * VS_XF_STEP, rb = ra + VS_XF_STEP;
  if (rb > d->h - 1) rb = d->h - 1;
  if (rb < ra) rb = ra;
  const double *na, *nb;
  fl_status st = node_row(ctx, d, v, s, ra, n, &na);
  if (!st) st = node_row(ctx, d, v, s, rb, n, &nb);
  if (!st && ra != rb && nb == na) st = node_row(ctx, d, v, s, ra, n, &na); /* evicted */
  if (st) return st;
  size_t k = (size_t)(n - 1) / VS_XF_STEP + 1 + (((n - 1) % VS_XF_STEP) != 0), off = (size_t)n / VS_XF_STEP + 2;
  double t = rb == ra ? 0.0 : (double)(r - ra) / (double)(rb - ra);
  for (size_t i = 0; i < k; i++) {
    s->lon[i] = na[i] + (nb[i] - na[i]) * t;
    s->lat[i] = na[off + i] + (nb[off + i] - na[off + i]) * t;
  }
  *k_out = k;
  return FL_OK;
}

/* A stretch of a projected DEM's row between two nodes: the cells' lon/lat
 * and the ellipsoid's radii are linear in t between the nodes' values
 * (v0 + dv t, in the order lon, lat, m, n, ke). */
typedef struct vs_stretch {
  double v0[5], dv[5];
} vs_stretch;

/* Stretch a of a row of n cells: its first cell, its cells (*end: one past
 * the last) and the parameter t of cell i (t = j / 16, exact, in a whole one). */
static inline int stretch_of(const vs_scratch *s, const fl__earth_radii_t *rad, int n, int a,
                             vs_stretch *p, int *end) {
  int ia = a * VS_XF_STEP, len = ia + VS_XF_STEP < n - 1 ? VS_XF_STEP : n - 1 - ia;
  int b = len > 0 ? a + 1 : a;
  *end = ia + VS_XF_STEP < n ? ia + VS_XF_STEP : n;
  const fl__earth_radii_t *ra = rad ? &rad[a] : NULL, *rb = rad ? &rad[b] : NULL;
  *p = (vs_stretch){{s->lon[a], s->lat[a], ra ? ra->m : 0, ra ? ra->n : 0, ra ? ra->ke : 0},
                    {s->lon[b] - s->lon[a], s->lat[b] - s->lat[a], ra ? rb->m - ra->m : 0,
                     ra ? rb->n - ra->n : 0, ra ? rb->ke - ra->ke : 0}};
  return len;
}

static inline double stretch_t(int len, int j) {
  return len == VS_XF_STEP ? (double)j * (1.0 / VS_XF_STEP)
         : len > 0        ? (double)j / (double)len
                          : 0.0;
}

/* Squared distance and drop (V2) of the cell at t of a stretch. */
static inline void stretch_cell(const fl__earth *e, const vs_stretch *p, double t, double *d2,
                                double *drop) {
  fl__earth_radii_t ri = {p->v0[2] + p->dv[2] * t, p->v0[3] + p->dv[3] * t,
                          p->v0[4] + p->dv[4] * t};
  fl__earth_lat row;
  fl__earth_row_at(e, p->v0[1] + p->dv[1] * t, &ri, &row);
  double de = row.ke * (p->v0[0] + p->dv[0] * t - e->lon0);
  *d2 = row.dn * row.dn + de * de;
  *drop = row.drop_n + row.drop_e * de * de;
}

/* stretch_cell() over the 16 cells of a whole stretch: one loop of fixed
 * length without calls, which the compiler vectorizes. */
static void stretch_16(const fl__earth *e, const vs_stretch *p, double *restrict d2,
                       double *restrict drop) {
  for (int j = 0; j < VS_XF_STEP; j++) stretch_cell(e, p, stretch_t(VS_XF_STEP, j), &d2[j], &drop[j]);
}

/* Squared distances (s->d2) and drops (V2, into s->zadj) over a projected
 * DEM's row, stretch by stretch between two nodes, the radii at the nodes'
 * latitudes. */
static void drops_projected(const vs_obs *v, vs_scratch *s, int n, size_t k) {
  for (size_t a = 0; a < k; a++) {
    double lat = s->lat[a];
    if (a == k - 1 && a > 0 && ((n - 1) % VS_XF_STEP) != 0) /* the last cell, t = 1 */
      lat = s->lat[a - 1] + (s->lat[a] - s->lat[a - 1]) * 1.0;
    fl__earth_radii(&v->earth, lat, &s->rad[a]);
  }
  for (int ia = 0, a = 0, end; ia < n; ia += VS_XF_STEP, a++) {
    vs_stretch p;
    int len = stretch_of(s, s->rad, n, a, &p, &end);
    if (len == VS_XF_STEP) stretch_16(&v->earth, &p, s->d2 + ia, s->zadj + ia);
    else
      for (int i = ia; i < end; i++)
        stretch_cell(&v->earth, &p, stretch_t(len, i - ia), &s->d2[i], &s->zadj[i]);
  }
}

/* The same over a lon/lat DEM's row (one latitude). */
static void drops_lonlat(const fl_dem *d, const vs_obs *v, vs_scratch *s, int n, double lat) {
  fl__earth_lat row;
  fl__earth_row(&v->earth, lat, &row);
  double *restrict d2 = s->d2, *restrict drop = s->zadj;
  for (int i = 0; i < n; i++) {
    double de = row.ke * (d->gt[0] + (v->x0 + i + 0.5) * d->gt[1] - v->earth.lon0);
    d2[i] = row.dn * row.dn + de * de;
    drop[i] = row.drop_n + row.drop_e * de * de;
  }
}

/* (V4) the range flags of a row from its squared distances: exact near the
 * range (geod_inverse at the cell's lon/lat), cheap away from it. */
static void range_row(fl_ctx *ctx, const fl_dem *d, const vs_obs *v, vs_scratch *s, int n,
                      double lat_row) {
  double near2 = v->max_m - 2e-5 * v->max_m - 1.0, far = v->max_m + 2e-5 * v->max_m + 1.0;
  near2 = near2 > 0 ? near2 * near2 : 0;
  if (!(v->max_m > 0)) {
    memset(s->in_range, 1, (size_t)n);
    return;
  }
  for (int i = 0; i < n; i++) {
    int ok = 1;
    if (s->d2[i] > near2) {
      double dist = sqrt(s->d2[i]);
      if (dist < far) {
        double lon = d->gt[0] + (v->x0 + i + 0.5) * d->gt[1], lat = lat_row;
        if (s->xf.pj) {
          vs_stretch p;
          int end, a = i / VS_XF_STEP, len = stretch_of(s, NULL, n, a, &p, &end);
          double t = stretch_t(len, i - a * VS_XF_STEP);
          lon = p.v0[0] + p.dv[0] * t, lat = p.v0[1] + p.dv[1] * t;
        }
        geod_inverse(&ctx->geod, v->earth.lat0, v->earth.lon0, lat, lon, &dist, NULL, NULL);
      }
      ok = dist <= v->max_m;
    }
    s->in_range[i] = (unsigned char)ok;
  }
}

/* Lowered heights (V2) and range flags (V4) of row r over the window. */
static fl_status prepare_row(fl_ctx *ctx, const fl_dem *d, const vs_obs *v, vs_scratch *s,
                             int r) {
  int n = v->x1 - v->x0 + 1;
  double lat = d->gt[3] + (r + 0.5) * d->gt[5];
  if (s->xf.pj) {
    size_t k;
    fl_status st = row_nodes(ctx, d, v, s, r, n, &k);
    if (st) return st;
    drops_projected(v, s, n, k);
  } else
    drops_lonlat(d, v, s, n, lat);
  range_row(ctx, d, v, s, n, lat);
  const float *restrict zrow = d->z + (size_t)r * (size_t)d->w + (size_t)v->x0;
  double *restrict zadj = s->zadj;
  for (int i = 0; i < n; i++) zadj[i] = isnan(zrow[i]) ? VS_NODATA_Z : zrow[i] - zadj[i];
  return FL_OK;
}

/* (V3) horizon at major offset j, minor i, from the straight (zs) and
 * diagonal (zd) neighbours; inv[j] = 1 / (j - 1) (a multiplication costs
 * a fraction of a division, in the innermost loop). */
static inline double horizon(const double *inv, double zo, int j, int i, double zs, double zd) {
  return zo + ((zs - zo) * (double)(j - i) + (zd - zo) * (double)i) * inv[j];
}

static inline void settle(const vs_obs *v, vs_scratch *s, int i, double hz) {
  double z = s->zadj[i];
  s->seen[i] = z > VS_NODATA_Z && s->in_range[i] && z + v->tgt_h >= hz;
  s->cur[i] = z > hz ? z : hz;
}

/* settle() for the cells lo..hi of a row dr > 0 rows out, at dc = sg (i - ic)
 * columns from the observer (sg = 1 right of it, -1 left) with dc < dr:
 * their horizons come from the row before alone, so no cell waits for
 * another and the compiler vectorizes the loop (the same operations). */
static inline void settle_near(const vs_obs *v, vs_scratch *s, int dr, int lo, int hi, int sg) {
  const double *restrict prev = s->prev, *restrict zadj = s->zadj;
  const unsigned char *restrict in_range = s->in_range;
  double *restrict cur = s->cur;
  uint8_t *restrict seen = s->seen;
  double zo = v->zo, tgt = v->tgt_h, inv = s->inv[dr];
  int ic = v->c0 - v->x0;
  for (int i = lo; i <= hi; i++) {
    int dc = sg * (i - ic);
    double hz = zo + ((prev[i] - zo) * (double)(dr - dc) + (prev[i - sg] - zo) * (double)dc) * inv;
    double z = zadj[i];
    seen[i] = (z > VS_NODATA_Z) & (in_range[i] != 0) & (z + tgt >= hz);
    cur[i] = z > hz ? z : hz;
  }
}

/* One row: dr rows from the observer (0: its own row); prev holds the row
 * next to it on the observer's side. */
static void do_row(const vs_obs *v, vs_scratch *s, int dr) {
  int ic = v->c0 - v->x0, n = v->x1 - v->x0 + 1;
  if (dr == 0) {
    s->cur[ic] = s->zadj[ic];
    s->seen[ic] = 1; /* the observer's own cell */
    for (int dir = -1; dir <= 1; dir += 2)
      for (int i = ic + dir, j = 1; i >= 0 && i < n; i += dir, j++) {
        double hz = j == 1 ? -HUGE_VAL : horizon(s->inv, v->zo, j, 0, s->cur[i - dir], 0);
        settle(v, s, i, hz);
      }
    return;
  }
  settle(v, s, ic, dr == 1 ? -HUGE_VAL : horizon(s->inv, v->zo, dr, 0, s->prev[ic], 0));
  /* dc < dr first (independent cells), then outward from dc = dr */
  int near = dr - 1;
  settle_near(v, s, dr, ic + 1, ic + (near < n - 1 - ic ? near : n - 1 - ic), 1);
  settle_near(v, s, dr, ic - (near < ic ? near : ic), ic - 1, -1);
  for (int dir = -1; dir <= 1; dir += 2)
    for (int i = ic + dir * (near + 1), dc = near + 1; i >= 0 && i < n; i += dir, dc++) {
      double hz = dr == 1 && dc == 1 ? -HUGE_VAL
                                     : horizon(s->inv, v->zo, dc, dr, s->cur[i - dir], s->prev[i - dir]);
      settle(v, s, i, hz);
    }
}

/* (V6) the first count of each memory page among t[0..n) written by an
 * atomic add of 0 (the value kept): an instruction that writes first, so a
 * page of the counts not yet touched is mapped at once for writing. The
 * loop below reads first: a fresh page would be mapped to the kernel's zero
 * page and then copied on the write, and each such copy interrupts the
 * other threads' CPUs to flush their TLBs (6 % of a two-thread run's time
 * with 100 observers on the bench's 10,000 x 10,000 DEM; sys time 1.1 s,
 * now 0.6 s). Under the row's lock: only the lock's holder touches these
 * counts. */
#define VS_PAGE_COUNTS (4096 / sizeof(uint16_t))
static void write_first(uint16_t *t, int n) {
  uintptr_t a = (uintptr_t)t;
  size_t first = (VS_PAGE_COUNTS - (a / sizeof *t) % VS_PAGE_COUNTS) % VS_PAGE_COUNTS;
  if (n > 0) __atomic_fetch_add((volatile uint16_t *)t, 0, __ATOMIC_RELAXED);
  for (size_t i = first; i < (size_t)n; i += VS_PAGE_COUNTS)
    __atomic_fetch_add((volatile uint16_t *)&t[i], 0, __ATOMIC_RELAXED);
}

/* (V6) the seen cells of a finished row (its window's n cells from x0)
 * added into the counts, under the row's lock, and the cells first seen
 * counted; (V8) and into the observer's bits. One observer stores its row:
 * the counts' pages are then first touched by a write, not by a read that
 * maps the zero page and a write that copies it. */
static void add_row(vs_shared *sh, vs_scratch *s, fl_viewshed_sight *sight, int row, int x0,
                    int n) {
  uint16_t *restrict t = sh->total + (size_t)row * (size_t)sh->dem->w + (size_t)x0;
  const uint8_t *restrict seen = s->seen;
  unsigned fresh = 0;
  if (sh->n_obs == 1)
    for (int i = 0; i < n; i++) {
      fresh += seen[i];
      t[i] = seen[i];
    }
  else {
    pthread_mutex_t *lock = sh->locks ? &sh->locks[row % VS_ROW_LOCKS] : NULL;
    if (lock) pthread_mutex_lock(lock);
    write_first(t, n);
    for (int i = 0; i < n; i++) {
      fresh += (t[i] == 0) & seen[i];
      t[i] = (uint16_t)(t[i] + seen[i]);
    }
    if (lock) pthread_mutex_unlock(lock);
  }
  s->cells_seen += fresh;
  if (sight) fl__vs_sight_row(sight, x0, row, seen, n);
}

/* The window of an observer: the DEM, or the cells within max range
 * (viewshed_which.c). */
static void window(const fl_dem *d, const fl__pt *p, vs_obs *v, double c, double r) {
  int win[4];
  fl__vs_window(d, p->lat, v->max_m, c, r, win);
  v->x0 = win[0], v->x1 = win[1], v->y0 = win[2], v->y1 = win[3];
}

/* (V10) the cells the observers' windows hold, summed; FL_OK or the limit's sentence. */
static fl_status check_cells(fl_ctx *ctx, const fl_dem *d, const fl__pt *p, size_t n,
                             double max_m) {
  double cells = 0;
  for (size_t k = 0; k < n; k++) {
    vs_obs v = {.max_m = max_m};
    window(d, &p[k], &v, d->w / 2.0, d->h / 2.0); /* its size, wherever it stands */
    cells += (double)(v.x1 - v.x0 + 1) * (double)(v.y1 - v.y0 + 1);
  }
  if (cells <= fl__limit(ctx, FL__LIMIT_VIEWSHED_CELLS)) return FL_OK;
  return fl__limit_exceeded(ctx, FL__LIMIT_VIEWSHED_CELLS, "use fewer observers, a smaller "
                            "@{max_range_m} or a coarser @{dem}", "a viewshed of %zu observer%s "
                            "on %d x %d cells would visit about %.3g cells", n, n == 1 ? "" : "s",
                            d->w, d->h, cells);
}

/* (V1)-(V5) for one observer, adding 1 to the cells it sees. */
static fl_status one_observer(fl_ctx *ctx, size_t k, void *shared, void *scratch) {
  vs_shared *sh = shared;
  vs_scratch *s = scratch;
  const fl_dem *d = sh->dem;
  const fl__pt *p = &sh->obs[k];
  fl_viewshed_sight *sight = sh->which ? &sh->which[k] : NULL; /* (V8) */
  double x = p->lon, y = p->lat, c, r;
  fl_status st = fl__dem_xf_from_lonlat(ctx, &s->xf, &x, &y, 1);
  if (st) return st;
  fl__dem_cell_of(d, x, y, &c, &r);
  vs_obs v = {.tgt_h = sh->o->tgt_h, .max_m = sh->o->max_range_m};
  if (!(c >= 0 && r >= 0 && c < d->w && r < d->h))
    return fl__fail(ctx, FL_E_GEOM, "observer %lld (%.6f, %.6f) is outside @{dem}",
                    (long long)p->fid, p->lon, p->lat);
  v.c0 = (int)c;
  v.r0 = (int)r;
  float z0 = d->z[(size_t)v.r0 * (size_t)d->w + (size_t)v.c0];
  if (isnan(z0))
    return fl__fail(ctx, FL_E_GEOM, "observer %lld (%.6f, %.6f) stands on a cell of @{dem} "
                    "without height", (long long)p->fid, p->lon, p->lat);
  v.zo = z0 + p->h;
  double lon0 = d->gt[0] + (v.c0 + 0.5) * d->gt[1], lat0 = d->gt[3] + (v.r0 + 0.5) * d->gt[5];
  if ((st = fl__dem_xf_to_lonlat(ctx, &s->xf, &lon0, &lat0, 1))) return st;
  fl__earth_init(&v.earth, lon0, lat0, sh->o->refraction);
  window(d, p, &v, c, r);
  int rows = v.y1 - v.y0 + 1, done = 0, n = v.x1 - v.x0 + 1;
  if ((st = prepare_row(ctx, d, &v, s, v.r0))) return st;
  do_row(&v, s, 0);
  add_row(sh, s, sight, v.r0, v.x0, n);
  memcpy(s->save, s->cur, (size_t)n * sizeof *s->save);
  for (int step = -1; step <= 1; step += 2) { /* up, then down */
    memcpy(s->prev, s->save, (size_t)n * sizeof *s->prev);
    for (int row = v.r0 + step, dr = 1; row >= v.y0 && row <= v.y1; row += step, dr++) {
      if ((st = prepare_row(ctx, d, &v, s, row))) return st;
      do_row(&v, s, dr);
      add_row(sh, s, sight, row, v.x0, n);
      double *t = s->prev;
      s->prev = s->cur;
      s->cur = t;
      if ((++done & 63) == 0) {
        if ((st = fl__stop_check(ctx, "computing a viewshed"))) return st; /* (V10) */
        if (sh->n_obs == 1 && (st = fl__progress(ctx, 0.05 + 0.85 * done / (double)rows)))
          return st;
      }
    }
  }
  return FL_OK;
}

static void *scratch_new(fl_ctx *ctx, void *shared) {
  vs_shared *sh = shared;
  size_t w = (size_t)sh->dem->w;
  vs_scratch *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->sh = sh;
  s->prev = malloc(w * sizeof *s->prev);
  s->cur = malloc(w * sizeof *s->cur);
  s->save = malloc(w * sizeof *s->save);
  s->lon = malloc(w * sizeof *s->lon);
  s->lat = malloc(w * sizeof *s->lat);
  s->zadj = malloc(w * sizeof *s->zadj);
  s->d2 = malloc(w * sizeof *s->d2);
  s->in_range = malloc(w);
  s->seen = malloc(w);
  s->nd[0] = malloc(2 * (w / VS_XF_STEP + 2) * sizeof(double));
  s->nd[1] = malloc(2 * (w / VS_XF_STEP + 2) * sizeof(double));
  s->nd_row[0] = s->nd_row[1] = -1;
  s->rad = malloc((w / VS_XF_STEP + 3) * sizeof *s->rad);
  size_t n_inv = (w > (size_t)sh->dem->h ? w : (size_t)sh->dem->h) + 2;
  s->inv = malloc(n_inv * sizeof *s->inv);
  for (size_t j = 0; s->inv && j < n_inv; j++) s->inv[j] = j > 1 ? 1.0 / (double)(j - 1) : 0.0;
  if (!s->prev || !s->cur || !s->save || !s->lon || !s->lat || !s->zadj || !s->d2 || !s->in_range || !s->seen || !s->inv || !s->nd[0] || !s->nd[1] || !s->rad ||
      fl__dem_xf_init(ctx, sh->dem, &s->xf)) {
    free(s->prev), free(s->cur), free(s->save), free(s->lon), free(s->lat), free(s->zadj), free(s->d2);
    free(s->in_range), free(s->seen), free(s->inv), free(s->nd[0]), free(s->nd[1]), free(s->rad);
    free(s);
    return NULL;
  }
  return s;
}

static void scratch_free(fl_ctx *ctx, void *scratch) {
  (void)ctx;
  vs_scratch *s = scratch;
  if (!s) return;
  pthread_mutex_lock(&s->sh->lock);
  s->sh->cells_seen += s->cells_seen;
  pthread_mutex_unlock(&s->sh->lock);
  fl__dem_xf_free(&s->xf);
  free(s->prev), free(s->cur), free(s->save), free(s->lon), free(s->lat), free(s->zadj), free(s->d2);
  free(s->in_range), free(s->seen), free(s->inv), free(s->nd[0]), free(s->nd[1]), free(s->rad);
  free(s);
}

/* (V1)-(V6) every observer swept on the context's threads, the rows'
 * locks (V6) only when there are two threads or more. */
static fl_status sweep_all(fl_ctx *ctx, vs_shared *sh) {
  pthread_mutex_t locks[VS_ROW_LOCKS];
  int lock = fl__threads_for(ctx, sh->n_obs) > 1;
  for (int i = 0; lock && i < VS_ROW_LOCKS; i++) pthread_mutex_init(&locks[i], NULL);
  sh->locks = lock ? locks : NULL;
  pthread_mutex_init(&sh->lock, NULL);
  fl_status st = fl__parallel_for(ctx, sh->n_obs, one_observer, sh, scratch_new, scratch_free,
                                  0.05, 0.9);
  pthread_mutex_destroy(&sh->lock);
  for (int i = 0; lock && i < VS_ROW_LOCKS; i++) pthread_mutex_destroy(&locks[i]);
  sh->locks = NULL;
  return st;
}

static fl_status check_opts(fl_ctx *ctx, const fl_viewshed_opts *o) {
  if (!(o->obs_h >= 0 && o->obs_h < 1e5))
    return fl__fail(ctx, FL_E_ARG, "@{observer_height_m} must be a number >= 0, got %g", o->obs_h);
  if (!(o->tgt_h >= 0 && o->tgt_h < 1e5))
    return fl__fail(ctx, FL_E_ARG, "@{target_height_m} must be a number >= 0, got %g", o->tgt_h);
  if (!(o->max_range_m >= 0 && o->max_range_m < 1e7))
    return fl__fail(ctx, FL_E_ARG, "@{max_range_m} must be a number >= 0, got %g",
                    o->max_range_m);
  if (!(o->refraction >= -1 && o->refraction <= 1))
    return fl__fail(ctx, FL_E_ARG, "@{refraction} must be between -1 and 1, got %g",
                    o->refraction);
  return FL_OK;
}

fl_status fl_viewshed_compute(fl_ctx *ctx, const fl_dem *dem, const fl_layer *observers,
                              const fl_viewshed_opts *opts, fl_viewshed **out) {
  if (out) *out = NULL;
  if (!ctx) return FL_E_ARG;
  if (!dem || !observers || !opts || !out)
    return fl__fail(ctx, FL_E_ARG, "fl_viewshed_compute: NULL argument");
  fl_status st = check_opts(ctx, opts);
  if (st) return st;
  vs_shared sh = {.dem = dem, .o = opts};
  fl__pt *pts = NULL;
  st = fl__points_lonlat(ctx, observers, opts->obs_h_field, "observer_height_field", opts->obs_h,
                         &pts, &sh.n_obs);
  if (st) return st;
  if (sh.n_obs == 0 || sh.n_obs > VS_MAX_OBSERVERS) {
    free(pts);
    return fl__fail(ctx, FL_E_ARG, "@{observers} holds %zu points; a viewshed takes 1 to %d",
                    sh.n_obs, VS_MAX_OBSERVERS);
  }
  sh.obs = pts;
  if ((st = check_cells(ctx, dem, pts, sh.n_obs, opts->max_range_m))) { /* (V10) */
    free(pts);
    return st;
  }
  size_t n = (size_t)dem->w * (size_t)dem->h;
  fl_viewshed *vs = calloc(1, sizeof *vs);
  if (vs) {
    vs->count = calloc(n, sizeof *vs->count);
    /* Without nodata cells the mask stays calloc's untouched zero pages. */
    vs->nodata = dem->n_nodata ? malloc(n) : calloc(n, 1);
    vs->observer_fid = malloc(sh.n_obs * sizeof *vs->observer_fid);
  }
  if (!vs || !vs->count || !vs->nodata || !vs->observer_fid) {
    free(pts);
    fl_viewshed_free(vs);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for a viewshed of %d x %d cells", dem->w,
                    dem->h);
  }
  vs->width = dem->w;
  vs->height = dem->h;
  vs->n_observers = sh.n_obs;
  if (opts->which && (st = fl__vs_sights_new(ctx, dem, pts, sh.n_obs, opts->max_range_m,
                                              &vs->which))) { /* (V8) */
    free(pts);
    fl_viewshed_free(vs);
    return st;
  }
  for (size_t k = 0; k < sh.n_obs; k++) vs->observer_fid[k] = pts[k].fid;
  sh.which = vs->which;
  if (dem->n_nodata) {
    const float *restrict z = dem->z;
    uint8_t *restrict nd = vs->nodata;
    for (size_t i = 0; i < n; i++) nd[i] = z[i] != z[i]; /* NaN */
  }
  sh.total = vs->count;
  st = sweep_all(ctx, &sh);
  vs->cells_seen = sh.cells_seen;
  free(pts);
  if (st) {
    fl_viewshed_free(vs);
    return st;
  }
  *out = vs;
  return FL_OK;
}
