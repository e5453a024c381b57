/*
 * earth.c - distance, azimuth and the earth's drop near an observer, for the
 * many cells of a viewshed and the samples of a sight line.
 *
 * Rules, cited as (E1)..(E2):
 *   (E1) distance by the Gauss mid-latitude formula on WGS84: north and east
 *        offsets M(phi_m) dphi and N(phi_m) cos(phi_m) dlambda; relative error
 *        below 2e-5 within 100 km and 5e-6 within 50 km (against
 *        geod_inverse, tests/unit/check_elevation.c); callers that cut at a
 *        range measure the cells near it with geod_inverse;
 *   (E2) drop below the observer's tangent plane: s^2 (1 - k) / (2 R_az),
 *        R_az = 1 / (cos^2 az / M + sin^2 az / N) (Euler), k the refraction
 *        coefficient (0.13 by default: the effective radius is R / (1 - k)).
 */
#include <math.h>

#include "fl_raster.h"

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define DEG (M_PI / 180.0)

void fl__earth_init(fl__earth *e, double lon0, double lat0, double refraction) {
  e->lon0 = lon0;
  e->lat0 = lat0;
  e->k = refraction;
}

void fl__earth_radii(const fl__earth *e, double lat, fl__earth_radii_t *r) {
  static const double e2 = WGS84_F * (2.0 - WGS84_F);
  double pm = 0.5 * (lat + e->lat0) * DEG, s = sin(pm);
  double w2 = 1.0 - e2 * s * s, w = sqrt(w2);
  r->n = WGS84_A / w;
  r->m = WGS84_A * (1.0 - e2) / (w2 * w);
  r->ke = r->n * cos(pm) * DEG;
}

void fl__earth_row(const fl__earth *e, double lat, fl__earth_lat *row) {
  fl__earth_radii_t r;
  fl__earth_radii(e, lat, &r);
  fl__earth_row_at(e, lat, &r, row);
}

void fl__earth_at(const fl__earth *e, double lon, double lat, double *dist_m, double *drop_m) {
  fl__earth_lat row;
  fl__earth_row(e, lat, &row);
  double dlon = lon - e->lon0;
  if (dlon > 180.0) dlon -= 360.0;
  if (dlon < -180.0) dlon += 360.0;
  double de = row.ke * dlon;
  *dist_m = sqrt(row.dn * row.dn + de * de);
  *drop_m = row.drop_n + row.drop_e * de * de;
}
