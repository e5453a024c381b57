/*
 * los.c - line of sight between points over a DEM (fl_line_of_sight()) and
 * between every observer and target of two layers (fl_lines_of_sight()).
 *
 * Rules, cited as (L1)..(L4) in tests and docs/tools/line-of-sight.md:
 *   (L1) the ground is sampled along the WGS84 geodesic from observer to
 *        target every half cell (at least 2 samples, at most 1,000,000),
 *        bilinear between cell centres;
 *   (L2) each sample is lowered by the earth's drop at its distance s,
 *        s^2 (1 - k) / (2 R_az) (earth.c (E2)); the sight line runs straight
 *        from observer ground + obs_h to target ground + tgt_h (lowered too);
 *   (L3) the target is visible when no sample strictly between them rises
 *        above the sight line; the first that does is the obstruction;
 *   (L4) the vertical angle is atan((Zt - Zo) / D), Zt lowered by the drop:
 *        the angle above the observer's horizontal plane (with refraction).
 *   (L9) the samples one call takes (a sight line's; fl_lines_of_sight: the
 *        sum over its pairs, estimated before any sampling) are at most the
 *        context's limit los_samples (core/limits.c K4), else the call fails
 *        at once naming it; sampling polls the stop check every
 *        LOS_POLL_EVERY samples.
 * Not here: viewsheds (viewshed.c).
 */
#include <math.h>

#include "fl_raster.h"

#define LOS_POLL_EVERY 4096
#define LOS_STOP_WHAT "sampling a sight line"

typedef struct los_work {
  double *lon, *lat, *x, *y, *z;
  size_t n;
} los_work;

static void work_free(los_work *w) {
  free(w->lon);
  free(w->lat);
  free(w->x);
  free(w->y);
  free(w->z);
}

/* (L1) the samples of a sight line of dist metres. */
double fl__los_samples(const fl_dem *dem, double dist) {
  double step = dem->cell_m > 0 ? dem->cell_m / 2 : 15.0;
  double nd = ceil(dist / step);
  return (nd < 2 ? 2 : nd) + 1;
}

/* (L9) a stop every LOS_POLL_EVERY steps of i. */
static fl_status poll_at(fl_ctx *ctx, size_t i) {
  return (i % LOS_POLL_EVERY) == LOS_POLL_EVERY - 1 ? fl__stop_check(ctx, LOS_STOP_WHAT) : FL_OK;
}

/* (L1) sample the ground along the geodesic. */
static fl_status sample(fl_ctx *ctx, const fl_dem *dem, const fl__dem_xf *xf, double lon0,
                        double lat0, double lon1, double lat1, double dist, los_work *w) {
  double ns = fl__los_samples(dem, dist);
  if (ns > fl__limit(ctx, FL__LIMIT_LOS_SAMPLES)) /* (L9) */
    return fl__limit_exceeded(ctx, FL__LIMIT_LOS_SAMPLES, "use a shorter sight line or a coarser "
                              "@{dem}", "a sight line of %.0f m would need about %.3g samples of "
                              "@{dem} (one every half cell)", dist, ns);
  size_t n = (size_t)ns;
  w->n = n;
  w->lon = malloc(n * sizeof *w->lon);
  w->lat = malloc(n * sizeof *w->lat);
  w->x = malloc(n * sizeof *w->x);
  w->y = malloc(n * sizeof *w->y);
  w->z = malloc(n * sizeof *w->z);
  if (!w->lon || !w->lat || !w->x || !w->y || !w->z)
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for a sight line");
  struct geod_geodesicline line;
  geod_inverseline(&line, &ctx->geod, lat0, lon0, lat1, lon1, GEOD_LATITUDE | GEOD_LONGITUDE |
                   GEOD_DISTANCE_IN);
  fl_status st = FL_OK;
  for (size_t i = 0; i < n && !st; i++) {
    geod_position(&line, dist * (double)i / (double)(n - 1), &w->lat[i], &w->lon[i], NULL);
    w->x[i] = w->lon[i];
    w->y[i] = w->lat[i];
    st = poll_at(ctx, i);
  }
  if (st) return st;
  st = fl__dem_xf_from_lonlat(ctx, xf, w->x, w->y, n);
  if (st) return st;
  for (size_t i = 0; i < n; i++) {
    if ((st = poll_at(ctx, i))) return st;
    double c, r;
    fl__dem_cell_of(dem, w->x[i], w->y[i], &c, &r);
    w->z[i] = fl__dem_bilinear(dem, c, r);
    if (!isfinite(w->z[i]))
      return fl__fail(ctx, FL_E_GEOM, "the sight line from (%.6f, %.6f) to (%.6f, %.6f) passes "
                      "%s at (%.6f, %.6f)", lon0, lat0, lon1, lat1,
                      c >= 0 && r >= 0 && c <= dem->w && r <= dem->h
                          ? "a cell of @{dem} without height" : "outside @{dem}",
                      w->lon[i], w->lat[i]);
  }
  return FL_OK;
}

fl_status fl_line_of_sight(fl_ctx *ctx, const fl_dem *dem, double obs_lon, double obs_lat,
                           double obs_h, double tgt_lon, double tgt_lat, double tgt_h,
                           double refraction, fl_los_result *out) {
  if (!ctx) return FL_E_ARG;
  if (!dem || !out) return fl__fail(ctx, FL_E_ARG, "fl_line_of_sight: NULL argument");
  if (!(obs_h >= 0 && obs_h < 1e5) || !(tgt_h >= 0 && tgt_h < 1e5))
    return fl__fail(ctx, FL_E_ARG, "heights above ground must be finite numbers >= 0, got %g "
                    "and %g", obs_h, tgt_h);
  if (!(refraction >= -1 && refraction <= 1))
    return fl__fail(ctx, FL_E_ARG, "@{refraction} must be between -1 and 1, got %g", refraction);
  if (!isfinite(obs_lon + obs_lat + tgt_lon + tgt_lat) || fabs(obs_lat) > 90 ||
      fabs(tgt_lat) > 90)
    return fl__fail(ctx, FL_E_GEOM, "fl_line_of_sight: coordinates out of range");
  double dist, az1;
  geod_inverse(&ctx->geod, obs_lat, obs_lon, tgt_lat, tgt_lon, &dist, &az1, NULL);
  fl__dem_xf xf;
  los_work w = {0};
  fl_status st = fl__dem_xf_init(ctx, dem, &xf);
  if (!st) st = sample(ctx, dem, &xf, obs_lon, obs_lat, tgt_lon, tgt_lat, dist, &w);
  fl__dem_xf_free(&xf);
  if (st) {
    work_free(&w);
    return st;
  }
  fl_los_result r;
  memset(&r, 0, sizeof r);
  fl__earth e;
  fl__earth_init(&e, obs_lon, obs_lat, refraction);
  double d_end, drop_end;
  fl__earth_at(&e, tgt_lon, tgt_lat, &d_end, &drop_end);
  /* The drop by the exact distance: scale the formula's by (dist / d_end)^2. */
  if (d_end > 0) drop_end *= (dist / d_end) * (dist / d_end);
  double zo = w.z[0] + obs_h, zt = w.z[w.n - 1] + tgt_h - drop_end; /* (L2) */
  r.visible = 1;
  r.dist_m = dist;
  r.obs_z = w.z[0];
  r.tgt_z = w.z[w.n - 1];
  r.angle_deg = dist > 0 ? atan2(zt - zo, dist) * 180.0 / M_PI /* (L4) */
                         : zt > zo ? 90.0 : zt < zo ? -90.0 : 0.0;
  for (size_t i = 1; dist > 0 && i + 1 < w.n; i++) { /* (L3) */
    if ((st = poll_at(ctx, i))) {
      work_free(&w);
      return st;
    }
    double s = dist * (double)i / (double)(w.n - 1), d_i, drop;
    fl__earth_at(&e, w.lon[i], w.lat[i], &d_i, &drop);
    if (d_i > 0) drop *= (s / d_i) * (s / d_i);
    double ground = w.z[i] - drop, sight = zo + (zt - zo) * s / dist;
    if (ground > sight) {
      r.visible = 0;
      r.block_lon = w.lon[i];
      r.block_lat = w.lat[i];
      r.block_z = w.z[i];
      r.block_dist_m = s;
      break;
    }
  }
  r.profile = malloc(3 * w.n * sizeof *r.profile);
  if (!r.profile) {
    work_free(&w);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory for a sight line profile");
  }
  for (size_t i = 0; i < w.n; i++) {
    r.profile[3 * i] = w.lon[i];
    r.profile[3 * i + 1] = w.lat[i];
    r.profile[3 * i + 2] = w.z[i];
  }
  r.n_profile = w.n;
  work_free(&w);
  *out = r;
  return FL_OK;
}
