/*
 * geodesy.c - measures on the WGS84 ellipsoid: lengths, areas, the distance
 * from a point to a geodesic segment, geodesic densification.
 *
 * Edges between vertices are geodesics. Lengths sum geod_inverse over edges;
 * areas use geod_polygon (exact geodesic polygon area). Point-to-segment:
 * the foot of the perpendicular is found on the ellipsoid itself, by walking
 * along the geodesic AB (geod_inverseline + geod_position) until the
 * geodesic to P leaves it at a right angle (to 1 mm); a short edge (below
 * SHORT_EDGE_M) starts from the sphere's answer and is done in one step.
 * Not here: projections (crs.c), many-segment searches (dist_index*.c).
 */
#include <math.h>
#include <stdlib.h>
#include "fl_geodesy.h"

#define DEG (M_PI / 180.0)

double fl__geod_dist(const struct geod_geodesic *g, double lon1, double lat1, double lon2,
                     double lat2) {
  double s, a1, a2;
  geod_inverse(g, lat1, lon1, lat2, lon2, &s, &a1, &a2);
  return s;
}

static void to_vec(double lon, double lat, double v[3]) {
  double cl = cos(lat * DEG);
  v[0] = cl * cos(lon * DEG);
  v[1] = cl * sin(lon * DEG);
  v[2] = sin(lat * DEG);
}

static void cross(const double a[3], const double b[3], double c[3]) {
  c[0] = a[1] * b[2] - a[2] * b[1];
  c[1] = a[2] * b[0] - a[0] * b[2];
  c[2] = a[0] * b[1] - a[1] * b[0];
}

static double dot(const double a[3], const double b[3]) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/* Fraction t in [0,1] of the great-circle arc AB closest to P. */
static double sphere_fraction(double plon, double plat, double alon, double alat, double blon,
                              double blat, double *arc) {
  double a[3], b[3], p[3], n[3];
  to_vec(alon, alat, a);
  to_vec(blon, blat, b);
  to_vec(plon, plat, p);
  cross(a, b, n);
  double nn = sqrt(dot(n, n));
  *arc = atan2(nn, dot(a, b));
  if (nn < 1e-15) return 0.0; /* A and B coincide (or are antipodal) */
  for (int i = 0; i < 3; i++) n[i] /= nn;
  double pn = dot(p, n);
  double q[3] = {p[0] - pn * n[0], p[1] - pn * n[1], p[2] - pn * n[2]};
  double qq = sqrt(dot(q, q));
  if (qq < 1e-15) return 0.0; /* P is a pole of the arc: every point is equidistant */
  double ab = *arc;
  double c1[3];
  cross(a, q, c1);
  /* signed angle from A to the projection of P, along the arc direction */
  double aq = atan2(dot(c1, n), dot(a, q));
  if (aq <= 0.0) return 0.0;
  if (aq >= ab) return 1.0;
  return aq / ab;
}

#define SHORT_EDGE_M 1000.0 /* below: the sphere's foot, moved onto AB, is within ~1e-5 */
#define FOOT_TOL_M 1e-3      /* the foot is found to 1 mm along AB */
#define FOOT_MAX_STEPS 30
#define MEAN_RADIUS_M 6371008.8

/* Along-track step from the point at arc length s of line l towards the foot
 * of the perpendicular from P: the spherical right-triangle rule applied to
 * the geodesic from there to P. *d gets that geodesic's length. */
static double foot_step(const struct geod_geodesic *g, const struct geod_geodesicline *l,
                        double s, double plon, double plat, double *lon, double *lat,
                        double *d) {
  double azl, s12, az1, az2;
  geod_position(l, s, lat, lon, &azl);
  geod_inverse(g, *lat, *lon, plat, plon, &s12, &az1, &az2);
  *d = s12;
  if (s12 == 0.0) return 0.0;
  double sig = s12 / MEAN_RADIUS_M;
  double c = cos((az1 - azl) * DEG);
  if (sig >= M_PI / 2) return c > 0 ? 1e7 : (c < 0 ? -1e7 : 0.0);
  return atan(tan(sig) * c) * MEAN_RADIUS_M;
}

/* Arc length along AB (0..s12) of the point nearest P, on the ellipsoid. */
static double foot_on_line(const struct geod_geodesic *g, const struct geod_geodesicline *l,
                           double s12, double s, double plon, double plat) {
  for (int i = 0; i < FOOT_MAX_STEPS; i++) {
    double lon, lat, d;
    double step = foot_step(g, l, s, plon, plat, &lon, &lat, &d);
    double next = fmin(fmax(s + step, 0.0), s12);
    if (fabs(next - s) < FOOT_TOL_M) return next;
    s = next;
  }
  return s;
}

/* The cheap path of a short edge: the sphere's foot at fraction t, moved
 * to the same fraction of the geodesic AB (an along-track error e there
 * costs only e^2 / (2 d) in distance). 1 when the foot is inside AB. */
static int short_edge_foot(const struct geod_geodesic *g, double t, double alon, double alat,
                           double blon, double blat, double *lon, double *lat) {
  double s12, az1, az2;
  if (t <= 0.0 || t >= 1.0) {
    *lon = t <= 0.0 ? alon : blon;
    *lat = t <= 0.0 ? alat : blat;
    return 0;
  }
  geod_inverse(g, alat, alon, blat, blon, &s12, &az1, &az2);
  geod_direct(g, alat, alon, az1, t * s12, lat, lon, &az2);
  return 1;
}

/* A long edge: the foot found on the ellipsoid (foot_on_line). */
static int long_edge_foot(const struct geod_geodesic *g, double t, double plon, double plat,
                          double alon, double alat, double blon, double blat, double *lon,
                          double *lat) {
  struct geod_geodesicline l;
  geod_inverseline(&l, g, alat, alon, blat, blon,
                   GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_AZIMUTH | GEOD_DISTANCE_IN);
  double s = foot_on_line(g, &l, l.s13, t * l.s13, plon, plat);
  if (s > 0.0 && s < l.s13) {
    geod_position(&l, s, lat, lon, NULL);
    return 1;
  }
  *lon = s > 0.0 ? blon : alon;
  *lat = s > 0.0 ? blat : alat;
  return 0;
}

double fl__geod_point_segment(const struct geod_geodesic *g, double plon, double plat,
                              double alon, double alat, double blon, double blat,
                              double *near_lon, double *near_lat) {
  double arc = 0.0, lon, lat;
  double t = sphere_fraction(plon, plat, alon, alat, blon, blat, &arc);
  int inner = arc * MEAN_RADIUS_M < SHORT_EDGE_M
                  ? short_edge_foot(g, t, alon, alat, blon, blat, &lon, &lat)
                  : long_edge_foot(g, t, plon, plat, alon, alat, blon, blat, &lon, &lat);
  double d = fl__geod_dist(g, plon, plat, lon, lat);
  if (inner) { /* the endpoints can only be as close when the foot is off */
    double da = fl__geod_dist(g, plon, plat, alon, alat);
    double db = fl__geod_dist(g, plon, plat, blon, blat);
    if (da < d) { d = da; lon = alon; lat = alat; }
    if (db < d) { d = db; lon = blon; lat = blat; }
  }
  if (near_lon) *near_lon = lon;
  if (near_lat) *near_lat = lat;
  return d;
}

/* ---- walking coordinate sequences ---------------------------------------- */

static int each_seq_rec(GEOSContextHandle_t h, const GEOSGeometry *g, fl__seq_fn fn, void *user,
                        int *ring_index) {
  int type = GEOSGeomTypeId_r(h, g);
  switch (type) {
  case GEOS_LINESTRING:
  case GEOS_LINEARRING: {
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, g);
    return s ? fn(s, type == GEOS_LINEARRING, -1, user) : 0;
  }
  case GEOS_POLYGON: {
    if (GEOSisEmpty_r(h, g) == 1) return 0;
    const GEOSGeometry *ext = GEOSGetExteriorRing_r(h, g);
    if (ext && fn(GEOSGeom_getCoordSeq_r(h, ext), 1, 0, user)) return 1;
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; i++) {
      const GEOSGeometry *r = GEOSGetInteriorRingN_r(h, g, i);
      if (r && fn(GEOSGeom_getCoordSeq_r(h, r), 1, i + 1, user)) return 1;
    }
    (*ring_index)++;
    return 0;
  }
  case GEOS_MULTILINESTRING:
  case GEOS_MULTIPOLYGON:
  case GEOS_GEOMETRYCOLLECTION: {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
      if (each_seq_rec(h, GEOSGetGeometryN_r(h, g, i), fn, user, ring_index)) return 1;
    return 0;
  }
  default:
    return 0; /* points carry no edges */
  }
}

int fl__each_seq(GEOSContextHandle_t h, const GEOSGeometry *g, fl__seq_fn fn, void *user) {
  int ring_index = 0;
  return each_seq_rec(h, g, fn, user, &ring_index);
}

/* ---- length and area ------------------------------------------------------ */

/* Vertices measured between two stop checks (fl__stop_check): a
 * multi-million-vertex geometry stops within a few milliseconds. */
#define MEASURE_POLL_EVERY 1024

typedef struct measure_job {
  fl_ctx *ctx;
  double sum;
  const char *what;  /* for the stop's message */
  unsigned int seen; /* vertices since the last stop check */
  fl_status st;      /* a stop */
} measure_job;

/* Nonzero (and job->st set) when the host asked to stop. */
static int measure_stop(measure_job *job) {
  if (++job->seen < MEASURE_POLL_EVERY) return 0;
  job->seen = 0;
  return (job->st = fl__stop_check(job->ctx, job->what)) != FL_OK;
}

static int add_length(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  (void)is_ring;
  (void)ring_index;
  measure_job *job = user;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(job->ctx->geos, s, &n);
  double x0 = 0, y0 = 0;
  for (unsigned int i = 0; i < n; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(job->ctx->geos, s, i, &x, &y);
    if (i > 0) job->sum += fl__geod_dist(&job->ctx->geod, x0, y0, x, y);
    if (measure_stop(job)) return 1;
    x0 = x;
    y0 = y;
  }
  return 0;
}

fl_status fl_length_m(fl_ctx *ctx, const GEOSGeometry *lonlat, double *out_m) {
  measure_job job = {ctx, 0.0, "measuring a length", 0, FL_OK};
  fl__each_seq(ctx->geos, lonlat, add_length, &job);
  *out_m = job.st ? 0.0 : job.sum;
  return job.st;
}

static int add_area(const GEOSCoordSequence *s, int is_ring, int ring_index, void *user) {
  measure_job *job = user;
  if (!is_ring || ring_index < 0) return 0; /* a closed line string is not an area */
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(job->ctx->geos, s, &n);
  struct geod_polygon p;
  geod_polygon_init(&p, 0);
  for (unsigned int i = 0; i + 1 < n; i++) { /* the closing vertex repeats the first */
    double x, y;
    GEOSCoordSeq_getXY_r(job->ctx->geos, s, i, &x, &y);
    geod_polygon_addpoint(&job->ctx->geod, &p, y, x);
    if (measure_stop(job)) return 1;
  }
  double area = 0, perim = 0;
  geod_polygon_compute(&job->ctx->geod, &p, 0, 1, &area, &perim);
  area = fabs(area);
  job->sum += ring_index == 0 ? area : -area; /* exterior adds, holes subtract */
  return 0;
}

fl_status fl_area_km2(fl_ctx *ctx, const GEOSGeometry *lonlat, double *out_km2) {
  measure_job job = {ctx, 0.0, "measuring an area", 0, FL_OK};
  fl__each_seq(ctx->geos, lonlat, add_area, &job);
  *out_km2 = job.st ? 0.0 : job.sum / 1e6;
  return job.st;
}

/* ---- densification --------------------------------------------------------- */

typedef struct densify_job {
  fl_ctx *ctx;
  double max_seg_m;
  int parallels_straight; /* edges along a parallel split in lon/lat */
  unsigned int seen;      /* input vertices since the last stop check */
  fl_status st;           /* a stop (fl__stop_check) */
} densify_job;

static GEOSCoordSequence *densify_seq(densify_job *job, const GEOSCoordSequence *s) {
  GEOSContextHandle_t h = job->ctx->geos;
  unsigned int n = 0;
  GEOSCoordSeq_getSize_r(h, s, &n);
  size_t cap = n ? n : 1, len = 0;
  double *xy = malloc(2 * cap * sizeof *xy);
  if (!xy) return NULL;
  double px = 0, py = 0;
  for (unsigned int i = 0; i < n; i++) {
    if (++job->seen >= MEASURE_POLL_EVERY) { /* stoppable as the measures are */
      job->seen = 0;
      if ((job->st = fl__stop_check(job->ctx, "densifying a geometry"))) {
        free(xy);
        return NULL;
      }
    }
    double x, y;
    GEOSCoordSeq_getXY_r(h, s, i, &x, &y);
    size_t extra = 0;
    double s12 = 0, az1 = 0, az2;
    if (i > 0) {
      geod_inverse(&job->ctx->geod, py, px, y, x, &s12, &az1, &az2);
      if (s12 > job->max_seg_m) extra = (size_t)ceil(s12 / job->max_seg_m) - 1;
    }
    if (len + extra + 1 > cap) {
      while (len + extra + 1 > cap) cap *= 2;
      double *grown = realloc(xy, 2 * cap * sizeof *xy);
      if (!grown) { free(xy); return NULL; }
      xy = grown;
    }
    /* Along a parallel to 1e-8 degrees (~1 mm): a clip line that went
     * through a projected CRS and back keeps its reading. */
    int straight = job->parallels_straight && fabs(y - py) <= 1e-8;
    for (size_t k = 1; k <= extra; k++) {
      double lat = y, lon = px + (x - px) * (double)k / (double)(extra + 1);
      if (!straight)
        geod_direct(&job->ctx->geod, py, px, az1, s12 * (double)k / (double)(extra + 1), &lat,
                    &lon, &az2);
      xy[2 * len] = lon;
      xy[2 * len + 1] = lat;
      len++;
    }
    xy[2 * len] = x;
    xy[2 * len + 1] = y;
    len++;
    px = x;
    py = y;
  }
  GEOSCoordSequence *out = GEOSCoordSeq_copyFromBuffer_r(h, xy, (unsigned int)len, 0, 0);
  free(xy);
  return out;
}

static GEOSGeometry *densify_rec(densify_job *job, const GEOSGeometry *g) {
  GEOSContextHandle_t h = job->ctx->geos;
  int type = GEOSGeomTypeId_r(h, g);
  switch (type) {
  case GEOS_LINESTRING:
  case GEOS_LINEARRING: {
    GEOSCoordSequence *s = densify_seq(job, GEOSGeom_getCoordSeq_r(h, g));
    if (!s) return NULL;
    return type == GEOS_LINESTRING ? GEOSGeom_createLineString_r(h, s)
                                   : GEOSGeom_createLinearRing_r(h, s);
  }
  case GEOS_POLYGON: {
    if (GEOSisEmpty_r(h, g) == 1) return GEOSGeom_clone_r(h, g);
    GEOSGeometry *shell = densify_rec(job, GEOSGetExteriorRing_r(h, g));
    if (!shell) return NULL;
    int nh = GEOSGetNumInteriorRings_r(h, g);
    GEOSGeometry **holes = nh ? calloc((size_t)nh, sizeof *holes) : NULL;
    if (nh && !holes) { GEOSGeom_destroy_r(h, shell); return NULL; }
    for (int i = 0; i < nh; i++) {
      holes[i] = densify_rec(job, GEOSGetInteriorRingN_r(h, g, i));
      if (!holes[i]) {
        for (int k = 0; k < i; k++) GEOSGeom_destroy_r(h, holes[k]);
        free(holes);
        GEOSGeom_destroy_r(h, shell);
        return NULL;
      }
    }
    GEOSGeometry *p = GEOSGeom_createPolygon_r(h, shell, holes, (unsigned int)nh);
    free(holes);
    return p;
  }
  case GEOS_MULTILINESTRING:
  case GEOS_MULTIPOLYGON:
  case GEOS_GEOMETRYCOLLECTION:
  case GEOS_MULTIPOINT: {
    int n = GEOSGetNumGeometries_r(h, g);
    GEOSGeometry **parts = calloc(n > 0 ? (size_t)n : 1, sizeof *parts);
    if (!parts) return NULL;
    for (int i = 0; i < n; i++) {
      parts[i] = densify_rec(job, GEOSGetGeometryN_r(h, g, i));
      if (!parts[i]) {
        for (int k = 0; k < i; k++) GEOSGeom_destroy_r(h, parts[k]);
        free(parts);
        return NULL;
      }
    }
    GEOSGeometry *c = GEOSGeom_createCollection_r(h, type, parts, (unsigned int)n);
    free(parts);
    return c;
  }
  default:
    return GEOSGeom_clone_r(h, g);
  }
}

static GEOSGeometry *densify(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m,
                             int parallels_straight) {
  densify_job job = {ctx, max_seg_m, parallels_straight, 0, FL_OK};
  GEOSGeometry *r = densify_rec(&job, lonlat);
  if (!r) {
    if (!job.st) fl__fail(ctx, FL_E_NOMEM, "out of memory while densifying a geometry");
    return NULL; /* stopped: the stop's status and message are in ctx */
  }
  GEOSSetSRID_r(ctx->geos, r, GEOSGetSRID_r(ctx->geos, lonlat));
  return r;
}

GEOSGeometry *fl__densify_geodesic(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m) {
  return densify(ctx, lonlat, max_seg_m, 0);
}

GEOSGeometry *fl__densify_drawn_parallels(fl_ctx *ctx, const GEOSGeometry *lonlat, double max_seg_m) {
  return densify(ctx, lonlat, max_seg_m, 1);
}
