/*
 * fl_raster.h - internal: what the raster files (core/raster/: dem.c,
 * dem_read.c, earth.c, los.c, viewshed.c, viewshed_out.c) share. These files link GDAL;
 * the rest of core does not, so that mod_frontline (which links fl_core)
 * stays free of GDAL (DESIGN.md section 4).
 */
#ifndef FL_RASTER_H
#define FL_RASTER_H

#include <math.h>
#include <proj.h>

#include "fl_internal.h"
#include "frontline/fl_elevation.h"

struct fl_dem {
  int w, h;
  float *z;            /* w*h heights, row-major; NAN where no height   */
  double gt[6];        /* geotransform (no rotation: gt2 = gt4 = 0)     */
  int srid;            /* EPSG code or 0                                */
  int geographic;      /* lon/lat degrees (x = lon, y = lat)            */
  char *wkt;           /* the CRS as WKT (PROJ input)                   */
  double cell_m;       /* typical cell size, metres                     */
  size_t n_nodata;
};

/* dem_read.c: band 1 of an open GDALDatasetH into d->z (w, h set), (D1), (D5). */
fl_status fl__dem_read_band(fl_ctx *ctx, void *gdal_dataset, const char *path, fl_dem *d);

/* A transform from the DEM's CRS to lon/lat, one per thread (its own ctx). */
typedef struct fl__dem_xf {
  PJ *pj;              /* NULL when the DEM is lon/lat already          */
} fl__dem_xf;
fl_status fl__dem_xf_init(fl_ctx *ctx, const fl_dem *dem, fl__dem_xf *xf);
void fl__dem_xf_free(fl__dem_xf *xf);
/* Lon/lat of n points given in the DEM's CRS, in place (x -> lon, y -> lat). */
fl_status fl__dem_xf_to_lonlat(fl_ctx *ctx, const fl__dem_xf *xf, double *x, double *y,
                               size_t n);
/* Lon/lat -> the DEM's CRS, in place. */
fl_status fl__dem_xf_from_lonlat(fl_ctx *ctx, const fl__dem_xf *xf, double *x, double *y,
                                 size_t n);
/* Fractional cell coordinates (col, row; cell centres at .5) of a DEM-CRS point. */
void fl__dem_cell_of(const fl_dem *dem, double x, double y, double *col, double *row);
/* Bilinear height at fractional cell coordinates; NAN outside or without height. */
double fl__dem_bilinear(const fl_dem *dem, double col, double row);

/* ---- los_layer.c: point layers in lon/lat --------------------------------- */

typedef struct fl__pt {
  int64_t fid;
  double lon, lat, h;  /* degrees; height above ground, metres */
} fl__pt;
/* Every point of a point layer (multipoints: each part) in lon/lat, with its
 * height from h_field (NULL value: h_default; h_param names the parameter in
 * messages). *out owned by caller (free()). */
fl_status fl__points_lonlat(fl_ctx *ctx, const fl_layer *l, const char *h_field,
                            const char *h_param, double h_default, fl__pt **out, size_t *n_out);

/* ---- sort_u64.c ----------------------------------------------------------- */
/* Sort a[0..n) ascending in place, asking fl__stop_check(ctx, what) every
 * ~1,000,000 keys partitioned: FL_OK, or the stop's status (a is then
 * partly sorted). */
fl_status fl__sort_u64(fl_ctx *ctx, uint64_t *a, size_t n, const char *what);

/* ---- los.c ------------------------------------------------------------------- */
/* (L1) the ground samples of a sight line of dist metres on dem. */
double fl__los_samples(const fl_dem *dem, double dist);

/* ---- earth.c: distance, azimuth and drop near an observer ------------------- */

/* The WGS84 numbers around an observer for many nearby points: the geodesic
 * distance by the Gauss mid-latitude formula (relative error < 5e-6 within 50 km, 2e-5 within
 * 100 km, tests/unit/check_elevation.c) and the earth's drop below the
 * tangent plane, s^2 (1 - k) / (2 R_az), R_az Euler's radius of curvature
 * along the azimuth. */
typedef struct fl__earth {
  double lon0, lat0;   /* degrees */
  double k;            /* refraction coefficient */
} fl__earth;
void fl__earth_init(fl__earth *e, double lon0, double lat0, double refraction);
/* Distance (m) and drop (m) of a lon/lat point seen from the observer. */
void fl__earth_at(const fl__earth *e, double lon, double lat, double *dist_m, double *drop_m);
/* The same for many points of one latitude (a row of a lon/lat DEM): with
 * de = ke (lon - lon0), dist^2 = dn^2 + de^2 and drop = drop_n + drop_e de^2. */
typedef struct fl__earth_lat {
  double dn, ke, drop_n, drop_e;
} fl__earth_lat;
void fl__earth_row(const fl__earth *e, double lat, fl__earth_lat *row);
/* The same in two steps, for projected DEMs whose latitude changes along a
 * row: the radii at the mid-latitude (M, N and ke = N cos(phi_m) in m/deg,
 * smooth: interpolated between nodes 16 cells apart, relative error below
 * 1e-12), then the row's numbers at lat. */
typedef struct fl__earth_radii_t {
  double m, n, ke;
} fl__earth_radii_t;
void fl__earth_radii(const fl__earth *e, double lat, fl__earth_radii_t *r);
/* (inline: called for every cell of a projected DEM's viewshed) */
static inline void fl__earth_row_at(const fl__earth *e, double lat, const fl__earth_radii_t *r,
                                    fl__earth_lat *row) {
  row->dn = r->m * (lat - e->lat0) * (M_PI / 180.0); /* (E1) */
  row->ke = r->ke;
  /* (E2): d^2 (1-k) / (2 R_az) with 1/R_az = (dn^2/M + de^2/N) / d^2 */
  row->drop_n = 0.5 * (1.0 - e->k) * row->dn * row->dn / r->m;
  row->drop_e = 0.5 * (1.0 - e->k) / r->n;
}

/* ---- viewshed_which.c: which observers see a cell (V8) ---------------------- */

/* The window of an observer standing at fractional cell (c, r), latitude lat:
 * the DEM, or the cells within max_m; win: x0, x1, y0, y1 (inclusive). */
void fl__vs_window(const fl_dem *d, double lat, double max_m, double c, double r, int win[4]);
/* Every observer's window and its bits, all clear; refused (FL_E_ARG) when
 * they would take more than FL_VIEWSHED_WHICH_MAX_MB. *out: n of them,
 * fl__vs_sights_free(). */
fl_status fl__vs_sights_new(fl_ctx *ctx, const fl_dem *d, const fl__pt *pts, size_t n,
                            double max_m, fl_viewshed_sight **out);
void fl__vs_sights_free(fl_viewshed_sight *sights, size_t n);
/* Row `row` of a sight from n flags (nonzero: seen) of the columns x0... */
void fl__vs_sight_row(fl_viewshed_sight *sight, int x0, int row, const uint8_t *seen, int n);
/* viewshed_poly.c: fl_viewshed_polygons() of the cells where mask is nonzero
 * (all when NULL; viewshed_near.c W5). */
fl_status fl__vs_polygons(fl_ctx *ctx, const fl_dem *dem, const fl_viewshed *vs,
                          const uint8_t *mask, fl_layer **out);

#endif
