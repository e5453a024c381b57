/* One front, many routes: the exposure kernel built once, each route
 * measured on its own (any thread may do this with its own ctx).
 * Build: cc exposure.c -lfrontline -lgeos_c -lproj */
#include <stdio.h>
#include "frontline/frontline.h"

int main(void) {
  fl_ctx *ctx = fl_ctx_create();
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  GEOSWKTReader *r = GEOSWKTReader_create_r(h);
  GEOSGeometry *front = GEOSWKTReader_read_r(h, r, "LINESTRING (37 47.5, 37 48.5)");
  GEOSGeometry *route = GEOSWKTReader_read_r(h, r, "LINESTRING (37.05 48, 37.5 48)");
  const double dist[] = {5000, 20000}; /* bands 0-5 km, 5-20 km */
  fl_exposure_kernel *k = NULL;
  double band_m[3];
  fl_exposure_row row = {0, 0, band_m, NULL};
  if (fl_exposure_prepare(ctx, front, dist, 2, &k) == FL_OK &&
      fl_exposure_route(ctx, k, route, FL_EXPOSURE_MIN, &row) == FL_OK)
    printf("%.0f m long, %.0f m in 0-5 km, %.0f m in 5-20 km, closest %.1f m\n", row.length_m,
           band_m[0], band_m[1], row.min_m);
  else
    fprintf(stderr, "%s\n", fl_ctx_errmsg(ctx));
  fl_exposure_free(ctx, k);
  GEOSGeom_destroy_r(h, front);
  GEOSGeom_destroy_r(h, route);
  GEOSWKTReader_destroy_r(h, r);
  fl_ctx_destroy(ctx);
  return 0;
}
