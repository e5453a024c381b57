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
/* Largest stretch of the frame at rho_m metres from its centre (>= 1). */
double fl__frame_stretch(double rho_m);
/* Whole geometries: owned by caller; NULL on GEOS failure. */
GEOSGeometry *fl__frame_project(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *lonlat);
GEOSGeometry *fl__frame_unproject(fl_ctx *ctx, const fl__frame *f, const GEOSGeometry *xy);
fl_status fl__bounds(fl_ctx *ctx, const GEOSGeometry *g, double *minx, double *miny,
                     double *maxx, double *maxy);

/* 1 when some coordinate of g is not a finite lon/lat (-180..180, -90..90);
 * the first such coordinate goes to *bx, *by. */
int fl__lonlat_bad(GEOSContextHandle_t h, const GEOSGeometry *g, double *bx, double *by);

#endif
