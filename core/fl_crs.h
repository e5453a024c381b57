/*
 * fl_crs.h - internal: local metric frames (ellipsoidal azimuthal
 * equidistant, see crs.c) and extents.
 */
#ifndef FL_CRS_H
#define FL_CRS_H

#include "fl_internal.h"

typedef struct fl__frame {
  const struct geod_geodesic *geod; /* borrowed, read-only */
  double lon0, lat0;                /* centre, degrees */
} fl__frame;

void fl__frame_init(fl__frame *f, const struct geod_geodesic *geod, double lon0, double lat0);
void fl__frame_for_bounds(fl__frame *f, const struct geod_geodesic *geod, double minx,
                          double miny, double maxx, double maxy);
void fl__frame_fwd(const fl__frame *f, double lon, double lat, double *x, double *y);
void fl__frame_inv(const fl__frame *f, double x, double y, double *lon, double *lat);
/* Largest stretch of the frame at rho_m metres from its centre (>= 1): the
 * sphere's, t / sin t (t = rho_m / R). */
double fl__frame_stretch(double rho_m);
/* How far (relative) the WGS84 frame's stretch across radii may differ from
 * fl__frame_stretch at rho_m from the centre: 0.002 t^2. Measured 0.0015 t^2
 * (20,000 frame vectors of 0.1-300 km at 100-6,000 km from centres at
 * 80 S-80 N, estimate against geod_inverse); 1.2e-5 at 500 km, 1.1e-4 at
 * 1,500 km, 2.4e-4 at 2,200 km. */
/* fl__frame_stretch(rho_m) * (1 + fl__frame_ellipsoid_rel(rho_m)): the
 * largest stretch on WGS84, for bounds (at the cost of fl__frame_stretch). */
double fl__frame_stretch_wgs84(double rho_m);
static inline double fl__frame_ellipsoid_rel(double rho_m) {
  double t = rho_m / 6371008.8;
  if (t > 3.1) t = 3.1;
  return 0.002 * t * t;
}
/* Whole geometries: owned by caller; NULL on GEOS failure. */
GEOSGeometry *fl__frame_project(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *lonlat);
GEOSGeometry *fl__frame_unproject(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *xy);
/* The geometry unprojected, longitudes unwrapped around the frame's centre
 * (they may run past +-180). Owned by caller. */
GEOSGeometry *fl__frame_unproject_unwrapped(fl_ctx *ctx, const fl__frame *f,
                                            const GEOSGeometry *xy);
/* The same geometry, unprojected with longitudes unwrapped around the
 * frame's centre (never jumping by 360) and then cut at +-180 into parts
 * moved back into -180..180 (fl__cut_at_antimeridian). Owned by caller. */
GEOSGeometry *fl__frame_unproject_cut(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *xy);
/* A lon/lat geometry whose longitudes may run past +-180 (unwrapped), cut
 * at +-180: the parts beyond are moved by 360 degrees; lines are merged,
 * polygons dissolved. A copy when nothing runs past. Owned by caller. */
GEOSGeometry *fl__cut_at_antimeridian(fl_ctx *ctx, const GEOSGeometry *unwrapped);
/* A copy of a lon/lat geometry with every longitude unwrapped around centre
 * (fl__unwrap_lon): parts split at +-180 meet again. Owned by caller. */
GEOSGeometry *fl__unwrap_geom(fl_ctx *ctx, const GEOSGeometry *lonlat, double centre);
/* lon moved by a multiple of 360 into centre - 180 .. centre + 180. */
double fl__unwrap_lon(double lon, double centre);
/* The longitude to centre a frame on for the geometries (lon/lat) whose
 * extent is minx..maxx: the middle of the extent when it spans at most
 * 180 degrees, else the middle of the longitudes the vertices hold, found
 * opposite the widest gap between them (a layer crossing 180). */
double fl__centre_lon(fl_ctx *ctx, const GEOSGeometry *const *geoms, size_t n, double minx,
                      double maxx);
fl_status fl__bounds(fl_ctx *ctx, const GEOSGeometry *g, double *minx, double *miny,
                     double *maxx, double *maxy);

/* 1 when some coordinate of g is not a finite lon/lat (-180..180, -90..90);
 * the first such coordinate goes to *bx, *by. */
int fl__lonlat_bad(GEOSContextHandle_t h, const GEOSGeometry *g, double *bx, double *by);
/* 1 when (lon, lat) is finite and within lon -180..180, lat -90..90. */
int fl__lonlat_ok(double lon, double lat);

#endif
