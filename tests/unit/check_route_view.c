/*
 * check_route_view.c - route exposure on the ground in view (R7)-(R8,
 * core/route_in_view.c), with the viewshed of core/raster/ as the ground in
 * view, on DEMs whose answer is known by geometry (issue 15):
 *   - a flat lon/lat DEM seen from 50 m, range 2 km: the route in view is
 *     the route within 2 km of the observer (geod_inverse), within one cell
 *     at each end; the bands from the front split it as hand geometry says;
 *   - a straight ridge (UTM 37N, no curvature): it hides the route from its
 *     crest to where the tangent from the eye over the crest meets the
 *     ground (similar triangles), within one cell at each end.
 *   - (W5) the sample routes over the sample DEM: the same km in view with
 *     the polygons drawn only near the routes as with all of them.
 * The DEMs are written here with GDAL.
 */
#include <cpl_conv.h>
#include <gdal.h>
#include <geodesic.h>
#include <ogr_srs_api.h>
#include <unistd.h>

#include "fl_raster.h"
#include "fl_test.h"

static fl_ctx *ctx;
static struct geod_geodesic G;
static void setup(void) {
  ctx = fl_ctx_create();
  geod_init(&G, 6378137.0, 1 / 298.257223563);
  GDALAllRegister();
}
static void teardown(void) { fl_ctx_destroy(ctx); }

typedef double (*zfn)(double x, double y);

/* A Float32 GeoTIFF of w x h cells, z(x, y) at cell centres. */
static void write_dem(const char *path, int w, int h, const double gt[6], int epsg, zfn z) {
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, GDT_Float32, NULL);
  ck_assert_ptr_nonnull(ds);
  GDALSetGeoTransform(ds, (double *)gt);
  OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
  OSRImportFromEPSG(s, epsg);
  char *wkt = NULL;
  OSRExportToWkt(s, &wkt);
  GDALSetProjection(ds, wkt);
  CPLFree(wkt);
  OSRDestroySpatialReference(s);
  float *row = malloc((size_t)w * sizeof *row);
  for (int r = 0; r < h; r++) {
    for (int c = 0; c < w; c++) row[c] = (float)z(gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5]);
    ck_assert_int_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, r, w, 1, row, w, 1,
                                  GDT_Float32, 0, 0),
                     CE_None);
  }
  free(row);
  GDALClose(ds);
}

static fl_layer *layer1(const char *name, int srid, const char *type, const char *wkt) {
  fl_layer *l = fl_layer_new(name, srid, type);
  ck_assert_ptr_nonnull(fl_layer_append(ctx, l, 1, fl_test_wkt(ctx, wkt)));
  return l;
}

static double real(const fl_layer *l, const fl_feature *f, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  ck_assert_msg(!f->values[i].is_null, "field %s is NULL", field);
  return f->values[i].d;
}

/* The viewshed of one observer as polygons, then route exposure with it. */
static fl_layer *exposure_in_view(const char *dem_path, const fl_layer *obs,
                                  const fl_viewshed_opts *vo, const fl_layer *routes,
                                  const fl_layer *front, const double *dist, size_t n_dist) {
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, dem_path, &dem), FL_OK);
  fl_viewshed *vs = NULL;
  fl_layer *poly = NULL, *out = NULL;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, vo, &vs), FL_OK);
  ck_assert_int_eq(fl_viewshed_polygons(ctx, dem, vs, &poly), FL_OK);
  fl_options o;
  fl_options_init(&o);
  o.dist_m = dist;
  o.n_dist = n_dist;
  o.in_view = poly;
  ck_assert_int_eq(fl_route_exposure(ctx, routes, front, NULL, &o, &out), FL_OK);
  ck_assert_int_eq((int)out->n_features, 1);
  fl_layer_destroy(ctx, poly);
  fl_viewshed_free(vs);
  fl_dem_destroy(dem);
  return out;
}

static double flat(double x, double y) {
  (void)x, (void)y;
  return 100.0;
}

/* 1" cells around (37.8, 48.5), the observer's cell centred there: about
 * 20.5 m east-west and 30.9 m north-south. */
#define FD (1.0 / 3600.0)
static const double flat_gt[6] = {37.8 - 270.5 * FD, FD, 0, 48.5 + 180.5 * FD, 0, -FD};

/* (R7): flat ground, everything within range is seen: in view = in range. */
START_TEST(test_route_in_view_flat_is_range) {
  char path[512];
  snprintf(path, sizeof path, "%s/rv_%ld_flat.tif", FL_TEST_TMP, (long)getpid());
  write_dem(path, 541, 361, flat_gt, 4326, flat);
  fl_layer *obs = layer1("obs", 4326, "POINT", "POINT(37.8 48.5)");
  /* the route runs along the observer's parallel, 0.06 degree either side */
  fl_layer *routes = layer1("routes", 4326, "LINESTRING", "LINESTRING(37.74 48.5, 37.86 48.5)");
  fl_layer *front = layer1("front", 4326, "LINESTRING", "LINESTRING(37.81 48.45, 37.81 48.55)");
  fl_viewshed_opts vo;
  fl_viewshed_opts_init(&vo);
  vo.obs_h = 50.0; /* horizon about 27 km away: far beyond the range */
  vo.max_range_m = 2000.0;
  const double dist[2] = {1000.0, 3000.0};
  fl_layer *out = exposure_in_view(path, obs, &vo, routes, front, dist, 2);
  const fl_feature *f = &out->features[0];
  double xf, len;
  geod_inverse(&G, 48.5, 37.8, 48.5, 37.81, &xf, NULL, NULL); /* front 737 m east */
  geod_inverse(&G, 48.5, 37.74, 48.5, 37.86, &len, NULL, NULL);
  FL_ASSERT_NEAR(real(out, f, "length_km"), len / 1000, 1e-6, "km (whole route)");
  /* in view: x in [-2000, 2000] m; the ends fall on cell edges: one cell
   * (20.5 m) at each end */
  FL_ASSERT_NEAR(real(out, f, "in_view_km"), 4.0, 0.041, "km (in view = within 2 km)");
  /* band 0-1 km: x in (xf - 1000, xf + 1000), inside the view: exactly 2 km
   * (tol: the walk's 2 m resolution); band 1-3 km in view: the rest */
  FL_ASSERT_NEAR(real(out, f, "view_km_0_1000"), 2.0, 0.002, "km (in view, 0-1 km)");
  FL_ASSERT_NEAR(real(out, f, "view_km_1000_3000"), 2.0, 0.043, "km (in view, 1-3 km)");
  FL_ASSERT_NEAR(real(out, f, "view_exposed_km"), real(out, f, "in_view_km"), 1e-9, "km");
  /* the route's own bands are unchanged: 2 km and 4 km */
  FL_ASSERT_NEAR(real(out, f, "km_0_1000"), 2.0, 0.002, "km (route, 0-1 km)");
  FL_ASSERT_NEAR(real(out, f, "km_1000_3000"), 4.0, 0.004, "km (route, 1-3 km)");
  /* (R8) the geometry: one piece, its ends 2 km from the observer (one cell) */
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  ck_assert_int_eq(GEOSGetNumGeometries_r(h, f->geom), 1);
  double x0, x1, s0, s1;
  GEOSGeom_getXMin_r(h, f->geom, &x0);
  GEOSGeom_getXMax_r(h, f->geom, &x1);
  geod_inverse(&G, 48.5, 37.8, 48.5, x0, &s0, NULL, NULL);
  geod_inverse(&G, 48.5, 37.8, 48.5, x1, &s1, NULL, NULL);
  FL_ASSERT_NEAR(s0, 2000.0, 20.5, "m (west end of the part in view)");
  FL_ASSERT_NEAR(s1, 2000.0, 20.5, "m (east end of the part in view)");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, obs);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
  unlink(path);
}
END_TEST

/* UTM 37N, 20 m cells; observer at (411000, 5370000); a ridge 30 m high
 * along the row 2,000 m north. */
#define RX 411000.0
#define RY 5370000.0
static const double ridge_gt[6] = {RX - 150.5 * 20, 20, 0, RY + 350.5 * 20, 0, -20};
static double ridge(double x, double y) {
  (void)x;
  return fabs(y - (RY + 2000)) < 1 ? 130.0 : 100.0;
}

/* (R7): a ridge hides the stretch of a route behind it. */
START_TEST(test_route_in_view_ridge_hides_stretch) {
  char path[512];
  snprintf(path, sizeof path, "%s/rv_%ld_ridge.tif", FL_TEST_TMP, (long)getpid());
  write_dem(path, 301, 361, ridge_gt, 32637, ridge);
  fl_layer *obs = layer1("obs", 32637, "POINT", "POINT(411000 5370000)");
  /* the route runs north from 500 m to 6,500 m; the front 1 km east of it */
  fl_layer *routes =
      layer1("routes", 32637, "LINESTRING", "LINESTRING(411000 5370500, 411000 5376500)");
  fl_layer *front =
      layer1("front", 32637, "LINESTRING", "LINESTRING(412000 5369000, 412000 5378000)");
  fl_viewshed_opts vo;
  fl_viewshed_opts_init(&vo);
  vo.obs_h = 50.0;
  vo.refraction = 1.0; /* (1 - k) = 0: no curvature, plain similar triangles */
  const double dist[1] = {5000.0};
  fl_layer *out = exposure_in_view(path, obs, &vo, routes, front, dist, 1);
  const fl_feature *f = &out->features[0];
  /* Eye 150 m, crest 130 m at 2,000 m: the tangent meets the 100 m ground at
   * 2000 * 50 / (50 - 30) = 5,000 m. In view: 500-2,000 m and 5,000-6,500 m
   * of UTM northing, 3,000 m; geodesic = UTM / scale, scale 0.99970 at
   * 411 km easting (0.9996 (1 + dx^2 / 2R^2)); one cell (20 m) at each of the
   * two inner ends. */
  double scale = 0.9996 * (1 + 89000.0 * 89000.0 / (2 * 6381000.0 * 6381000.0));
  FL_ASSERT_NEAR(real(out, f, "length_km"), 6.0 / scale, 0.002, "km (whole route)");
  FL_ASSERT_NEAR(real(out, f, "in_view_km"), 3.0 / scale, 0.041, "km (in view)");
  FL_ASSERT_NEAR(real(out, f, "view_km_0_5000"), real(out, f, "in_view_km"), 1e-9, "km");
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  ck_assert_int_eq(GEOSGetNumGeometries_r(h, f->geom), 2); /* before and after the shadow */
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, obs);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
  unlink(path);
}
END_TEST

/* (R7) a route wholly out of view: a row with 0 km in view, no geometry. */
START_TEST(test_route_in_view_none_seen) {
  char path[512];
  snprintf(path, sizeof path, "%s/rv_%ld_none.tif", FL_TEST_TMP, (long)getpid());
  write_dem(path, 541, 361, flat_gt, 4326, flat);
  fl_layer *obs = layer1("obs", 4326, "POINT", "POINT(37.8 48.5)");
  fl_layer *routes = layer1("routes", 4326, "LINESTRING", "LINESTRING(37.85 48.52, 37.86 48.52)");
  fl_layer *front = layer1("front", 4326, "LINESTRING", "LINESTRING(37.81 48.45, 37.81 48.55)");
  fl_viewshed_opts vo;
  fl_viewshed_opts_init(&vo);
  vo.max_range_m = 1000.0;
  const double dist[1] = {10000.0};
  fl_layer *out = exposure_in_view(path, obs, &vo, routes, front, dist, 1);
  const fl_feature *f = &out->features[0];
  ck_assert(real(out, f, "length_km") > 0.7);
  FL_ASSERT_NEAR(real(out, f, "in_view_km"), 0.0, 0.0, "km");
  FL_ASSERT_NEAR(real(out, f, "view_exposed_km"), 0.0, 0.0, "km");
  ck_assert_ptr_null(f->geom);
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, obs);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
  unlink(path);
}
END_TEST

/* The in-view km of every row (route and front) with polygons (all of them,
 * or only near the routes: fl_viewshed_polygons_near(), W5), *n rows
 * (malloc'd); *km2: the polygons' area. */
static double *in_view_km(const fl_dem *dem, const fl_viewshed *vs, const fl_layer *routes,
                          const fl_layer *front, int near, size_t *n, double *km2) {
  fl_layer *poly = NULL, *out = NULL;
  if (near) ck_assert_int_eq(fl_viewshed_polygons_near(ctx, dem, vs, routes, &poly), FL_OK);
  else ck_assert_int_eq(fl_viewshed_polygons(ctx, dem, vs, &poly), FL_OK);
  *km2 = 0;
  for (size_t i = 0; i < poly->n_features; i++) *km2 += real(poly, &poly->features[i], "area_km2");
  fl_options o;
  fl_options_init(&o);
  const double dist[1] = {30000.0};
  o.dist_m = dist;
  o.n_dist = 1;
  o.in_view = poly;
  ck_assert_int_eq(fl_route_exposure(ctx, routes, front, NULL, &o, &out), FL_OK);
  *n = out->n_features;
  double *km = malloc(*n * sizeof *km);
  for (size_t i = 0; i < out->n_features; i++) km[i] = real(out, &out->features[i], "in_view_km");
  fl_layer_destroy(ctx, out);
  fl_layer_destroy(ctx, poly);
  return km;
}

/* (W5) the sample routes over the sample DEM (rugged: thousands of small
 * seen and hidden patches), three observers within 8 km, and a route that
 * leaves the DEM: the km in view are those with the whole viewshed's
 * polygons, from a fraction of their area. */
START_TEST(test_route_in_view_near_polygons_same_km) {
  char path[512];
  snprintf(path, sizeof path, "%s/dem_toretsk.tif", FL_SAMPLE_DATA);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  fl_layer *obs = NULL, *routes = NULL, *front = NULL;
  snprintf(path, sizeof path, "%s/positions.geojson", FL_SAMPLE_DATA);
  ck_assert_int_eq(fl_layer_read(ctx, path, &obs), FL_OK);
  snprintf(path, sizeof path, "%s/routes.geojson", FL_SAMPLE_DATA);
  ck_assert_int_eq(fl_layer_read(ctx, path, &routes), FL_OK);
  ck_assert_ptr_nonnull(fl_layer_append(ctx, routes, 1000, /* from far off the DEM to its middle */
                                        fl_test_wkt(ctx, "LINESTRING(36.0 47.0, 37.6 48.3, 37.8 48.5)")));
  snprintf(path, sizeof path, "%s/front.geojson", FL_SAMPLE_DATA);
  ck_assert_int_eq(fl_layer_read(ctx, path, &front), FL_OK);
  fl_viewshed_opts vo;
  fl_viewshed_opts_init(&vo);
  vo.max_range_m = 8000.0;
  fl_viewshed *vs = NULL;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &vo, &vs), FL_OK);
  size_t n, n_near;
  double km2_all, km2_near, sum = 0, *all = in_view_km(dem, vs, routes, front, 0, &n, &km2_all);
  double *near = in_view_km(dem, vs, routes, front, 1, &n_near, &km2_near);
  ck_assert_uint_eq(n, n_near);
  for (size_t i = 0; i < n; i++) {
    FL_ASSERT_NEAR(near[i], all[i], 1e-9, "km in view");
    sum += all[i];
  }
  ck_assert(sum > 10.0);                /* routes are in view, in many pieces */
  ck_assert(all[n - 1] > 0.1);          /* the route from off the DEM (last)   */
  ck_assert(km2_near < 0.5 * km2_all);  /* only the ground near the routes    */
  free(all), free(near);
  fl_viewshed_free(vs);
  fl_layer_destroy(ctx, obs);
  fl_layer_destroy(ctx, routes);
  fl_layer_destroy(ctx, front);
  fl_dem_destroy(dem);
}
END_TEST

int main(void) {
  Suite *s = suite_create("route_view");
  TCase *tc = tcase_create("route_view");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_route_in_view_flat_is_range);
  tcase_add_test(tc, test_route_in_view_ridge_hides_stretch);
  tcase_add_test(tc, test_route_in_view_none_seen);
  tcase_add_test(tc, test_route_in_view_near_polygons_same_km);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
