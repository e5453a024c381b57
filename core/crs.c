/*
 * crs.c - coordinate systems: EPSG:srid <-> lon/lat through PROJ, and the
 * local metric frames in which planar GEOS operations run.
 *
 * A frame is the ellipsoidal azimuthal equidistant projection centred on
 * (lon0, lat0), computed with geodesic.h: forward = geod_inverse from the
 * centre (x = s sin az, y = s cos az), inverse = geod_direct. Distances
 * from the centre are exact; elsewhere the map only stretches across the
 * radius, by k(rho) = (rho/R)/sin(rho/R) - 1 ~ rho^2 / (6 R^2)
 * (0.026 % at 250 km, 0.1 % at 490 km). Callers pick frames small enough
 * for the accuracy they need (bands use tiles, see buffer.c).
 * Not here: geodesic lengths and areas (geodesy.c), the distance index
 * (dist_index.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fl_crs.h"
#include "fl_geodesy.h"

#define EARTH_R_M 6371008.8

/* ---- PROJ: EPSG:srid <-> lon/lat ---------------------------------------- */

/* Share of the width and height the area of use is widened by on each side. */
#define AREA_MARGIN 0.1

/* The area of use of projected CRS src in its own x/y (normalised axis
 * order), widened by AREA_MARGIN: coordinates outside it that also lie in
 * lon/lat range are degrees, not that CRS's metres (lon/lat under a UTM zone,
 * say). 0 when there is none. */
static int area_of_use_xy(fl_ctx *ctx, const char *src, PJ *pj, double box[4]) {
  PJ *crs = proj_create(ctx->proj, src);
  double w, s, e, n;
  int ok = crs && proj_get_type(crs) == PJ_TYPE_PROJECTED_CRS &&
           proj_get_area_of_use(ctx->proj, crs, &w, &s, &e, &n, NULL) && w < e && s < n &&
           proj_trans_bounds(ctx->proj, pj, PJ_INV, w, s, e, n, &box[0], &box[1], &box[2],
                             &box[3], 21) &&
           isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) && isfinite(box[3]);
  if (crs) proj_destroy(crs);
  if (!ok) return 0;
  double mx = AREA_MARGIN * (box[2] - box[0]), my = AREA_MARGIN * (box[3] - box[1]);
  box[0] -= mx, box[2] += mx, box[1] -= my, box[3] += my;
  return 1;
}

static fl__pj_cache_entry *pj_entry(fl_ctx *ctx, int srid) {
  for (size_t i = 0; i < ctx->n_pj_cache; i++)
    if (ctx->pj_cache[i].srid == srid) return &ctx->pj_cache[i];
  char src[32];
  snprintf(src, sizeof src, "EPSG:%d", srid);
  PJ *raw = proj_create_crs_to_crs(ctx->proj, src, "EPSG:4326", NULL);
  if (!raw) return NULL;
  PJ *pj = proj_normalize_for_visualization(ctx->proj, raw);
  proj_destroy(raw);
  if (!pj) return NULL;
  size_t n = sizeof ctx->pj_cache / sizeof ctx->pj_cache[0];
  if (ctx->n_pj_cache == n) { /* evict the oldest */
    proj_destroy(ctx->pj_cache[0].to_lonlat);
    memmove(ctx->pj_cache, ctx->pj_cache + 1, (n - 1) * sizeof ctx->pj_cache[0]);
    ctx->n_pj_cache--;
  }
  fl__pj_cache_entry *e = &ctx->pj_cache[ctx->n_pj_cache];
  e->srid = srid;
  e->to_lonlat = pj;
  e->has_area = area_of_use_xy(ctx, src, pj, e->area);
  ctx->n_pj_cache++;
  return e;
}

static PJ *pj_for_srid(fl_ctx *ctx, int srid) {
  fl__pj_cache_entry *e = pj_entry(ctx, srid);
  return e ? e->to_lonlat : NULL;
}

fl_status fl_srid_check(fl_ctx *ctx, int srid) {
  if (srid == 4326) return FL_OK;
  if (srid <= 0)
    return fl__fail(ctx, FL_E_SRID, "the geometry has no SRID (%d); give the layer a CRS", srid);
  if (!pj_for_srid(ctx, srid))
    return fl__fail(ctx, FL_E_SRID, "EPSG:%d is not a coordinate system PROJ knows", srid);
  return FL_OK;
}

typedef struct transform_job {
  fl_ctx *ctx;
  PJ *pj;
  PJ_DIRECTION dir;
  const double *area; /* widened area of use in x/y, or NULL (area_of_use_xy) */
  int bad;        /* 1 not lon/lat, 2 PROJ fails, 3 outside the area of use */
  double bad_x, bad_y;
} transform_job;

static int lonlat_ok(double lon, double lat) {
  return isfinite(lon) && isfinite(lat) && fabs(lon) <= 180.0 && fabs(lat) <= 90.0;
}

static int transform_point(double *x, double *y, void *user) {
  transform_job *job = user;
  if (job->bad) return 1;
  if (job->dir == PJ_FWD && !job->pj) { /* already lon/lat: just check */
    if (!lonlat_ok(*x, *y)) { job->bad = 1; job->bad_x = *x; job->bad_y = *y; }
    return 1;
  }
  if (job->dir == PJ_INV && !lonlat_ok(*x, *y)) {
    job->bad = 1; job->bad_x = *x; job->bad_y = *y;
    return 1;
  }
  const double *a = job->area;
  /* Degrees under a projected CRS: outside its area of use and within
   * lon/lat range. Metres outside the area of use are kept: a front in a UTM
   * zone often runs well past the zone. */
  if (job->dir == PJ_FWD && a && (*x < a[0] || *x > a[2] || *y < a[1] || *y > a[3]) &&
      lonlat_ok(*x, *y)) {
    job->bad = 3; job->bad_x = *x; job->bad_y = *y;
    return 1;
  }
  PJ_COORD c = proj_trans(job->pj, job->dir, proj_coord(*x, *y, 0, 0));
  if (!isfinite(c.xy.x) || !isfinite(c.xy.y) ||
      (job->dir == PJ_FWD && !lonlat_ok(c.xy.x, c.xy.y))) {
    job->bad = 2; job->bad_x = *x; job->bad_y = *y;
    return 1;
  }
  *x = c.xy.x;
  *y = c.xy.y;
  return 1;
}

static fl_status transform(fl_ctx *ctx, const GEOSGeometry *g, int srid, PJ_DIRECTION dir,
                           GEOSGeometry **out) {
  *out = NULL;
  fl_status st = fl_srid_check(ctx, srid);
  if (st) return st;
  fl__pj_cache_entry *e = srid == 4326 ? NULL : pj_entry(ctx, srid);
  transform_job job = {ctx, e ? e->to_lonlat : NULL, dir, e && e->has_area ? e->area : NULL,
                       0, 0, 0};
  if (srid == 4326 && dir == PJ_INV) job.dir = PJ_FWD; /* lon/lat to lon/lat: check only */
  GEOSGeometry *r = GEOSGeom_transformXY_r(ctx->geos, g, transform_point, &job);
  if (!r) return fl__fail_geos(ctx, "coordinate transformation");
  if (job.bad) {
    GEOSGeom_destroy_r(ctx->geos, r);
    if (job.bad == 1)
      return fl__fail(ctx, FL_E_GEOM,
                      "coordinate (%.9g, %.9g) is outside lon -180..180 / lat -90..90; "
                      "check the layer's CRS and axis order",
                      job.bad_x, job.bad_y);
    if (job.bad == 3)
      return fl__fail(ctx, FL_E_GEOM,
                      "coordinate (%.9g, %.9g) lies far outside the area of use of EPSG:%d; "
                      "if the layer holds lon/lat degrees, give it EPSG:4326",
                      job.bad_x, job.bad_y, srid);
    return fl__fail(ctx, FL_E_PROJ, "coordinate (%.9g, %.9g) cannot be transformed %s EPSG:%d",
                    job.bad_x, job.bad_y, dir == PJ_FWD ? "from" : "to", srid);
  }
  GEOSSetSRID_r(ctx->geos, r, dir == PJ_FWD ? 4326 : srid);
  *out = r;
  return FL_OK;
}

fl_status fl_geom_to_lonlat(fl_ctx *ctx, const GEOSGeometry *g, int srid, GEOSGeometry **out) {
  return transform(ctx, g, srid, PJ_FWD, out);
}

fl_status fl_geom_from_lonlat(fl_ctx *ctx, const GEOSGeometry *lonlat, int srid,
                              GEOSGeometry **out) {
  return transform(ctx, lonlat, srid, PJ_INV, out);
}

/* ---- Domain: is every coordinate a finite lon/lat? ---------------------- */

static int seq_bad(GEOSContextHandle_t h, const GEOSCoordSequence *s, double *bx, double *by) {
  unsigned int n = 0;
  if (!s || !GEOSCoordSeq_getSize_r(h, s, &n)) return 0;
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    if (!GEOSCoordSeq_getXY_r(h, s, i, &x, &y)) continue;
    if (!lonlat_ok(x, y)) { *bx = x; *by = y; return 1; }
  }
  return 0;
}

int fl__lonlat_ok(double lon, double lat) { return lonlat_ok(lon, lat); }

int fl__lonlat_bad(GEOSContextHandle_t h, const GEOSGeometry *g, double *bx, double *by) {
  if (!g || GEOSisEmpty_r(h, g) == 1) return 0;
  switch (GEOSGeomTypeId_r(h, g)) {
  case GEOS_POINT:
  case GEOS_LINESTRING:
  case GEOS_LINEARRING:
    return seq_bad(h, GEOSGeom_getCoordSeq_r(h, g), bx, by);
  case GEOS_POLYGON: {
    if (fl__lonlat_bad(h, GEOSGetExteriorRing_r(h, g), bx, by)) return 1;
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; i++)
      if (fl__lonlat_bad(h, GEOSGetInteriorRingN_r(h, g, i), bx, by)) return 1;
    return 0;
  }
  default: {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (fl__lonlat_bad(h, GEOSGetGeometryN_r(h, g, i), bx, by)) return 1;
    return 0;
  }
  }
}

/* ---- Frames: ellipsoidal azimuthal equidistant -------------------------- */

void fl__frame_init(fl__frame *f, const struct geod_geodesic *geod, double lon0, double lat0) {
  f->geod = geod;
  f->lon0 = lon0;
  f->lat0 = lat0;
}

void fl__frame_fwd(const fl__frame *f, double lon, double lat, double *x, double *y) {
  double s, az1, az2;
  geod_inverse(f->geod, f->lat0, f->lon0, lat, lon, &s, &az1, &az2);
  double a = az1 * (M_PI / 180.0);
  *x = s * sin(a);
  *y = s * cos(a);
}

void fl__frame_inv(const fl__frame *f, double x, double y, double *lon, double *lat) {
  double s = hypot(x, y);
  double az = atan2(x, y) * (180.0 / M_PI);
  double az2;
  geod_direct(f->geod, f->lat0, f->lon0, az, s, lat, lon, &az2);
  while (*lon > 180.0) *lon -= 360.0;
  while (*lon < -180.0) *lon += 360.0;
}

double fl__unwrap_lon(double lon, double centre) {
  while (lon - centre > 180.0) lon -= 360.0;
  while (lon - centre < -180.0) lon += 360.0;
  return lon;
}

double fl__frame_stretch(double rho_m) {
  double t = rho_m / EARTH_R_M;
  if (t > 3.1) t = 3.1; /* 74: beyond, only the antipode of the centre */
  double t2 = t * t;
  if (t < 0.3) /* t / sin t by its series; the next term, 31 t^6 / 15120, is < 2e-6 */
    return 1.0 + t2 * (1.0 / 6.0 + t2 * (7.0 / 360.0));
  return t / sin(t);
}

double fl__frame_stretch_wgs84(double rho_m) {
  double t = rho_m / EARTH_R_M;
  if (t > 3.1) t = 3.1;
  double t2 = t * t;
  if (t < 0.3) /* the two series multiplied; the terms left out are < 1e-7 */
    return 1.0 + t2 * (1.0 / 6.0 + 0.002 + t2 * (7.0 / 360.0 + 0.002 / 6.0)) + 1e-7;
  return t / sin(t) * (1.0 + 0.002 * t2);
}

static int frame_fwd_cb(double *x, double *y, void *user) {
  fl__frame_fwd(user, *x, *y, x, y);
  return 1;
}

static int frame_inv_cb(double *x, double *y, void *user) {
  fl__frame_inv(user, *x, *y, x, y);
  return 1;
}

static int frame_inv_unwrapped_cb(double *x, double *y, void *user) {
  const fl__frame *f = user;
  fl__frame_inv(f, *x, *y, x, y);
  *x = fl__unwrap_lon(*x, f->lon0);
  return 1;
}

typedef struct shift_job {
  double dlon;
} shift_job;

static int shift_cb(double *x, double *y, void *user) {
  (void)y;
  *x += ((shift_job *)user)->dlon;
  if (*x > 180.0) *x = 180.0; /* rounding at the cut */
  if (*x < -180.0) *x = -180.0;
  return 1;
}

/* The parts of an unwrapped lon/lat geometry in [-180 + 360 k, 180 + 360 k],
 * moved back by 360 k, k = -1, 0, 1; NULL on GEOS failure. */
static GEOSGeometry *cut_at_antimeridian(GEOSContextHandle_t h, const GEOSGeometry *g) {
  GEOSGeometry *parts[3];
  unsigned int n = 0;
  for (int k = -1; k <= 1; k++) {
    GEOSGeometry *box = GEOSGeom_createRectangle_r(h, -180.0 + 360.0 * k, -90.0,
                                                   180.0 + 360.0 * k, 90.0);
    GEOSGeometry *part = box ? GEOSIntersection_r(h, g, box) : NULL;
    GEOSGeom_destroy_r(h, box);
    if (!part) {
      for (unsigned int i = 0; i < n; i++) GEOSGeom_destroy_r(h, parts[i]);
      return NULL;
    }
    if (GEOSisEmpty_r(h, part) == 1) {
      GEOSGeom_destroy_r(h, part);
      continue;
    }
    shift_job sj = {-360.0 * k};
    GEOSGeometry *moved = k ? GEOSGeom_transformXY_r(h, part, shift_cb, &sj) : part;
    if (k) GEOSGeom_destroy_r(h, part);
    if (!moved) {
      for (unsigned int i = 0; i < n; i++) GEOSGeom_destroy_r(h, parts[i]);
      return NULL;
    }
    parts[n++] = moved;
  }
  GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, n);
  if (!coll) {
    for (unsigned int i = 0; i < n; i++) GEOSGeom_destroy_r(h, parts[i]);
    return NULL;
  }
  GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
  GEOSGeom_destroy_r(h, coll);
  if (u && GEOSGeom_getDimensions_r(h, u) == 1) {
    GEOSGeometry *m = GEOSLineMerge_r(h, u);
    GEOSGeom_destroy_r(h, u);
    u = m;
  }
  return u;
}

static int unwrap_cb(double *x, double *y, void *user) {
  (void)y;
  *x = fl__unwrap_lon(*x, *(const double *)user);
  return 1;
}

GEOSGeometry *fl__unwrap_geom(fl_ctx *ctx, const GEOSGeometry *lonlat, double centre) {
  GEOSGeometry *g = GEOSGeom_transformXY_r(ctx->geos, lonlat, unwrap_cb, &centre);
  if (g) GEOSSetSRID_r(ctx->geos, g, GEOSGetSRID_r(ctx->geos, lonlat));
  return g;
}

/* Drops the zero-length lines a cut along +-180 leaves (lines only). */
static GEOSGeometry *drop_empty_lines(GEOSContextHandle_t h, GEOSGeometry *g) {
  if (!g || GEOSGeom_getDimensions_r(h, g) != 1) return g;
  int n = GEOSGetNumGeometries_r(h, g), m = 0;
  GEOSGeometry **keep = calloc(n > 0 ? (size_t)n : 1, sizeof *keep);
  if (!keep) { GEOSGeom_destroy_r(h, g); return NULL; }
  for (int i = 0; i < n; i++) {
    const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, i);
    double len = 0;
    if (GEOSLength_r(h, part, &len) && len > 1e-9) keep[m++] = GEOSGeom_clone_r(h, part);
  }
  GEOSGeometry *r = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, keep, (unsigned int)m);
  free(keep);
  GEOSGeom_destroy_r(h, g);
  return r;
}

GEOSGeometry *fl__cut_at_antimeridian(fl_ctx *ctx, const GEOSGeometry *unwrapped) {
  GEOSContextHandle_t h = ctx->geos;
  double minx, maxx;
  if (GEOSisEmpty_r(h, unwrapped) == 1 || !GEOSGeom_getXMin_r(h, unwrapped, &minx) ||
      !GEOSGeom_getXMax_r(h, unwrapped, &maxx) || (minx >= -180.0 && maxx <= 180.0))
    return GEOSGeom_clone_r(h, unwrapped);
  GEOSGeometry *r = drop_empty_lines(h, cut_at_antimeridian(h, unwrapped));
  if (r) GEOSSetSRID_r(h, r, GEOSGetSRID_r(h, unwrapped));
  return r;
}

GEOSGeometry *fl__frame_unproject_unwrapped(fl_ctx *ctx, const fl__frame *f,
                                            const GEOSGeometry *xy) {
  GEOSGeometry *g = GEOSGeom_transformXY_r(ctx->geos, xy, frame_inv_unwrapped_cb, (void *)f);
  if (g) GEOSSetSRID_r(ctx->geos, g, 4326);
  return g;
}

GEOSGeometry *fl__frame_unproject_cut(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *xy) {
  GEOSGeometry *g = fl__frame_unproject_unwrapped(ctx, f, xy);
  if (!g) return NULL;
  GEOSGeometry *r = fl__cut_at_antimeridian(ctx, g);
  GEOSGeom_destroy_r(ctx->geos, g);
  if (r) GEOSSetSRID_r(ctx->geos, r, 4326);
  return r;
}

GEOSGeometry *fl__frame_project(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *lonlat) {
  return GEOSGeom_transformXY_r(ctx->geos, lonlat, frame_fwd_cb, (void *)f);
}

GEOSGeometry *fl__frame_unproject(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *xy) {
  GEOSGeometry *g = GEOSGeom_transformXY_r(ctx->geos, xy, frame_inv_cb, (void *)f);
  if (g) GEOSSetSRID_r(ctx->geos, g, 4326);
  return g;
}

fl_status fl__bounds(fl_ctx *ctx, const GEOSGeometry *g, double *minx, double *miny,
                     double *maxx, double *maxy) {
  if (!g || GEOSisEmpty_r(ctx->geos, g) != 0)
    return fl__fail(ctx, FL_E_GEOM, "the geometry is empty");
  if (!GEOSGeom_getXMin_r(ctx->geos, g, minx) || !GEOSGeom_getYMin_r(ctx->geos, g, miny) ||
      !GEOSGeom_getXMax_r(ctx->geos, g, maxx) || !GEOSGeom_getYMax_r(ctx->geos, g, maxy))
    return fl__fail_geos(ctx, "reading the extent");
  return FL_OK;
}

/* ---- The data's longitudes: where to centre a frame ----------------------- */

typedef struct lon_bins {
  fl_ctx *ctx;
  unsigned char used[360];
} lon_bins;

static void mark_lon(lon_bins *b, double lon) {
  if (!isfinite(lon)) return;
  int i = (int)floor(fl__unwrap_lon(lon, 0.0) + 180.0);
  b->used[i < 0 ? 0 : (i > 359 ? 359 : i)] = 1;
}

static int bin_seq(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  lon_bins *b = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(b->ctx->geos, s, &n);
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(b->ctx->geos, s, i, &x, &y);
    mark_lon(b, x);
  }
  return 0;
}

static void bin_points(lon_bins *b, const GEOSGeometry *g) {
  GEOSContextHandle_t h = b->ctx->geos;
  int type = GEOSGeomTypeId_r(h, g);
  if (type == GEOS_POINT && GEOSisEmpty_r(h, g) != 1) {
    double x;
    if (GEOSGeomGetX_r(h, g, &x)) mark_lon(b, x);
  } else if (type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) bin_points(b, GEOSGetGeometryN_r(h, g, i));
  }
}

double fl__centre_lon(fl_ctx *ctx, const GEOSGeometry *const *geoms, size_t n, double minx,
                      double maxx) {
  if (maxx - minx <= 180.0) return 0.5 * (minx + maxx); /* the common case */
  lon_bins b;
  memset(&b, 0, sizeof b);
  b.ctx = ctx;
  for (size_t i = 0; i < n; i++) {
    if (!geoms[i] || GEOSisEmpty_r(ctx->geos, geoms[i]) == 1) continue;
    fl__each_seq(ctx->geos, geoms[i], bin_seq, &b);
    bin_points(&b, geoms[i]);
  }
  /* the longest run of empty degree bins around the circle (a run starts
   * right after a used bin) */
  int best_len = 0, best_start = 0;
  for (int start = 0; start < 360; start++) {
    if (b.used[start] || b.used[(start + 359) % 360] == 0) continue;
    int len = 0;
    while (len < 360 && !b.used[(start + len) % 360]) len++;
    if (len > best_len) { best_len = len; best_start = start; }
  }
  if (best_len == 0) return 0.5 * (minx + maxx); /* data all around: any centre is as good */
  double gap_mid = -180.0 + best_start + 0.5 * best_len;
  return fl__unwrap_lon(gap_mid + 180.0, 0.0);
}

void fl__frame_for_bounds(fl__frame *f, const struct geod_geodesic *geod, double minx,
                          double miny, double maxx, double maxy) {
  fl__frame_init(f, geod, 0.5 * (minx + maxx), 0.5 * (miny + maxy));
}
