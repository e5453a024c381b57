/*
 * check_elevation.c - DEMs, line of sight and viewsheds (core/raster/) on
 * DEMs whose answer is known by geometry (issue 15):
 *   - a flat DEM: the horizon from height h lies at sqrt(2 h R_az / (1 - k))
 *     (R_az the WGS84 radius of curvature along the azimuth, Euler's formula
 *     from M and N written out here), within one cell;
 *   - a single straight ridge: it hides exactly the cells below the tangent
 *     from the eye over its crest (similar triangles), within one cell;
 *   - a cone seen from its apex: every cell is seen;
 *   - the earth.c distance against geod_inverse (E1);
 *   - several observers: the count is the sum of the single viewsheds, the
 *     same on 1 and 2 threads (V6).
 * The DEMs are written here with GDAL; distances in the checks come from
 * geod_inverse (PROJ), not from the code under test.
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

typedef double (*zfn)(double x, double y, void *user);

/* Write a Float32 GeoTIFF of w x h cells; z(x, y) at cell centres. */
static void write_dem(const char *path, int w, int h, const double gt[6], int epsg, zfn z,
                      void *user) {
  GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, w, h, 1, GDT_Float32, NULL);
  ck_assert_ptr_nonnull(ds);
  GDALSetGeoTransform(ds, (double *)gt);
  if (epsg) {
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(s, epsg);
    char *wkt = NULL;
    OSRExportToWkt(s, &wkt);
    GDALSetProjection(ds, wkt);
    CPLFree(wkt);
    OSRDestroySpatialReference(s);
  }
  float *row = malloc((size_t)w * sizeof *row);
  for (int r = 0; r < h; r++) {
    for (int c = 0; c < w; c++)
      row[c] = (float)z(gt[0] + (c + 0.5) * gt[1], gt[3] + (r + 0.5) * gt[5], user);
    ck_assert_int_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, r, w, 1, row, w, 1,
                                  GDT_Float32, 0, 0),
                     CE_None);
  }
  free(row);
  GDALClose(ds);
}

static fl_layer *points(int srid, const double *xy, size_t n) {
  fl_layer *l = fl_layer_new("obs", srid, "POINT");
  for (size_t i = 0; i < n; i++) {
    char wkt[128];
    snprintf(wkt, sizeof wkt, "POINT(%.10f %.10f)", xy[2 * i], xy[2 * i + 1]);
    ck_assert_ptr_nonnull(fl_layer_append(ctx, l, (int64_t)i + 1, fl_test_wkt(ctx, wkt)));
  }
  return l;
}

static double flat(double x, double y, void *u) {
  (void)x, (void)y, (void)u;
  return 100.0;
}

/* WGS84 radii of curvature at latitude phi (degrees): meridian M, prime vertical N. */
static void radii(double phi, double *m, double *n) {
  double a = 6378137.0, f = 1 / 298.257223563, e2 = f * (2 - f), s = sin(phi * M_PI / 180);
  double w = sqrt(1 - e2 * s * s);
  *m = a * (1 - e2) / (w * w * w);
  *n = a / w;
}

/* 6" cells around (37.8, 48.5), observer cell centre exactly there. */
#define FW 541
#define FH 361
#define FD (6.0 / 3600.0)
static const double flat_gt[6] = {37.8 - 270.5 * FD, FD, 0, 48.5 + 180.5 * FD, 0, -FD};

static const char *tmp_path(char *buf, size_t n, const char *name) {
  snprintf(buf, n, "%s/elev_%ld_%s", FL_TEST_TMP, (long)getpid(), name);
  return buf;
}

/* Distance along a ray (row step dr, col step dc per cell) to the last seen
 * cell, and to the first unseen one after it. */
static void ray_edge(const fl_viewshed *vs, int r0, int c0, int dr, int dc, double *last_seen,
                     double *first_hidden) {
  *last_seen = *first_hidden = NAN;
  for (int k = 1;; k++) {
    int r = r0 + k * dr, c = c0 + k * dc;
    if (r < 0 || c < 0 || r >= vs->height || c >= vs->width) break;
    double lat = flat_gt[3] + (r + 0.5) * flat_gt[5], lon = flat_gt[0] + (c + 0.5) * flat_gt[1], s;
    geod_inverse(&G, 48.5, 37.8, lat, lon, &s, NULL, NULL);
    if (vs->count[(size_t)r * vs->width + c]) *last_seen = s;
    else if (isnan(*first_hidden)) *first_hidden = s;
  }
}

START_TEST(test_viewshed_flat_horizon_ellipsoid_refraction) {
  char path[512];
  write_dem(tmp_path(path, sizeof path, "flat.tif"), FW, FH, flat_gt, 4326, flat, NULL);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double xy[2] = {37.8, 48.5}, m, n;
  fl_layer *obs = points(4326, xy, 1);
  radii(48.5, &m, &n);
  const double ks[2] = {0.13, 0.0};
  for (int t = 0; t < 2; t++) {
    fl_viewshed_opts o;
    fl_viewshed_opts_init(&o);
    o.obs_h = 50.0;
    o.refraction = ks[t];
    fl_viewshed *vs = NULL;
    ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &o, &vs), FL_OK);
    /* North: R = M; east: R = N; north-east (row and column steps of one
     * cell: azimuth atan(dx/dy)), Euler's 1/R = cos^2/M + sin^2/N. */
    double cell_n = FD * M_PI / 180 * m, cell_e = FD * M_PI / 180 * n * cos(48.5 * M_PI / 180);
    double az_ne = atan2(cell_e, cell_n);
    const int steps[3][2] = {{-1, 0}, {0, 1}, {-1, 1}};
    const double r_az[3] = {m, n, 1 / (cos(az_ne) * cos(az_ne) / m + sin(az_ne) * sin(az_ne) / n)};
    const double cell[3] = {cell_n, cell_e, hypot(cell_n, cell_e)};
    for (int k = 0; k < 3; k++) {
      double want = sqrt(2 * 50.0 * r_az[k] / (1 - ks[t])), seen, hidden;
      ray_edge(vs, 180, 270, steps[k][0], steps[k][1], &seen, &hidden);
      ck_assert_msg(!isnan(seen) && !isnan(hidden), "ray %d: no horizon found", k);
      /* sqrt(2 * 50 * 6.39e6 / 0.87) = 27.1 km; one cell = 123-222 m. The
       * boundary between the last seen and the first hidden cell is within
       * one cell of it; the first hidden cell itself may lie up to 1.5 cells
       * beyond (the horizon is carried from the cell before: the chord from
       * the eye leaves the ground just past the tangent point). */
      FL_ASSERT_NEAR(seen, want, cell[k], "m (last seen cell vs horizon)");
      FL_ASSERT_NEAR(0.5 * (seen + hidden), want, cell[k], "m (seen/hidden boundary vs horizon)");
      FL_ASSERT_NEAR(hidden, want, 1.5 * cell[k], "m (first hidden cell vs horizon)");
    }
    fl_viewshed_free(vs);
  }
  fl_layer_destroy(ctx, obs);
  fl_dem_destroy(dem);
  unlink(path);
}
END_TEST

START_TEST(test_line_of_sight_flat_horizon) {
  char path[512];
  write_dem(tmp_path(path, sizeof path, "flat2.tif"), FW, FH, flat_gt, 4326, flat, NULL);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double m, n, lat, lon;
  radii(48.5, &m, &n);
  double dh = sqrt(2 * 50.0 * m / (1 - 0.13)); /* due north, R = M */
  for (int k = 0; k < 2; k++) {
    double s = dh * (k ? 1.02 : 0.98);
    geod_direct(&G, 48.5, 37.8, 0.0, s, &lat, &lon, NULL);
    fl_los_result r;
    ck_assert_int_eq(fl_line_of_sight(ctx, dem, 37.8, 48.5, 50.0, lon, lat, 0.0, 0.13, &r), FL_OK);
    ck_assert_int_eq(r.visible, k ? 0 : 1);
    FL_ASSERT_NEAR(r.dist_m, s, 1e-3, "m");
    /* angle: atan((zt - drop - zo) / s) with zt = zo - 50 */
    double drop = s * s * (1 - 0.13) / (2 * m);
    FL_ASSERT_NEAR(r.angle_deg, atan2(-50.0 - drop, s) * 180 / M_PI, 1e-3, "deg");
    ck_assert_uint_ge(r.n_profile, (size_t)(s / 100));
    free(r.profile);
  }
  fl_dem_destroy(dem);
  unlink(path);
}
END_TEST

/* UTM 37N, 20 m cells; observer at (411000, 5370000); a ridge 30 m high
 * along the row 2,000 m north. */
#define RX 411000.0
#define RY 5370000.0
static const double ridge_gt[6] = {RX - 150.5 * 20, 20, 0, RY + 350.5 * 20, 0, -20};
static double ridge(double x, double y, void *u) {
  (void)x, (void)u;
  return fabs(y - (RY + 2000)) < 1 ? 130.0 : 100.0;
}

START_TEST(test_viewshed_ridge_hides_its_tangent_shadow) {
  char path[512];
  write_dem(tmp_path(path, sizeof path, "ridge.tif"), 301, 361, ridge_gt, 32637, ridge, NULL);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double xy[2] = {RX, RY};
  fl_layer *obs = points(32637, xy, 1);
  fl_viewshed_opts o;
  fl_viewshed_opts_init(&o);
  o.obs_h = 50.0;
  o.refraction = 1.0; /* (1 - k) = 0: no curvature, plain similar triangles */
  fl_viewshed *vs = NULL;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &o, &vs), FL_OK);
  /* Eye 150 m, crest 130 m at 2,000 m: the tangent reaches the 100 m ground
   * at 2000 * 50 / (50 - 30) = 5,000 m north, in every column (same ratio). */
  int wrong = 0;
  for (int c = 100; c <= 200; c++)
    for (int r = 0; r < 350; r++) {
      double dy = RY + (350 - r) * 20.0 - RY; /* metres north of the observer */
      int seen = vs->count[(size_t)r * 301 + c] > 0;
      if (dy > 2000 + 20 && dy < 5000 - 20 && seen) wrong++;
      if ((dy < 2000 || dy > 5000 + 20) && !seen) wrong++;
    }
  ck_assert_msg(wrong == 0, "%d cells disagree with the ridge's tangent (beyond one cell)", wrong);
  /* Line of sight: a target 3 km north is hidden by the crest; 6 km is seen. */
  fl_dem_info info;
  fl_dem_get_info(dem, &info);
  ck_assert_int_eq(info.srid, 32637);
  ck_assert(!info.geographic);
  fl_los_result r;
  double lon0, lat0, lon1, lat1;
  GEOSGeometry *p = fl_test_wkt(ctx, "POINT(411000 5370000)"), *ll = NULL;
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, p, 32637, &ll), FL_OK);
  GEOSGeomGetX_r(fl_ctx_geos(ctx), ll, &lon0);
  GEOSGeomGetY_r(fl_ctx_geos(ctx), ll, &lat0);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), p);
  GEOSGeom_destroy_r(fl_ctx_geos(ctx), ll);
  for (int k = 0; k < 2; k++) {
    char wkt[64];
    snprintf(wkt, sizeof wkt, "POINT(411000 %d)", k ? 5376000 : 5373000);
    p = fl_test_wkt(ctx, wkt);
    ck_assert_int_eq(fl_geom_to_lonlat(ctx, p, 32637, &ll), FL_OK);
    GEOSGeomGetX_r(fl_ctx_geos(ctx), ll, &lon1);
    GEOSGeomGetY_r(fl_ctx_geos(ctx), ll, &lat1);
    ck_assert_int_eq(fl_line_of_sight(ctx, dem, lon0, lat0, 50.0, lon1, lat1, 0.0, 1.0, &r),
                     FL_OK);
    ck_assert_int_eq(r.visible, k);
    if (!k) {
      /* UTM scale 0.9996 on 2 km: the crest's cell spans 1,980-2,020 m */
      FL_ASSERT_NEAR(r.block_dist_m, 2000.0, 25.0, "m (obstruction)");
      ck_assert(r.block_z > 110 && r.block_z <= 130.0);
    }
    free(r.profile);
    GEOSGeom_destroy_r(fl_ctx_geos(ctx), p);
    GEOSGeom_destroy_r(fl_ctx_geos(ctx), ll);
  }
  fl_viewshed_free(vs);
  fl_layer_destroy(ctx, obs);
  fl_dem_destroy(dem);
  unlink(path);
}
END_TEST

/* A cone of 5 % slope from its apex at (37.8, 48.5). With *u nonzero its
 * generators are straight lines in space on the curved earth: the drop
 * s^2 (1 - k) / (2 R_az) (k 0.13, R_az by Euler from M and N) is added back. */
static double cone(double x, double y, void *u) {
  double s, az, m, n;
  geod_inverse(&G, 48.5, 37.8, y, x, &s, &az, NULL);
  double z = 300.0 - 0.05 * s;
  if (u && *(int *)u) {
    radii(48.5, &m, &n);
    double c = cos(az * M_PI / 180), sn = sin(az * M_PI / 180);
    z += s * s * (1 - 0.13) / 2 * (c * c / m + sn * sn / n);
  }
  return z;
}

START_TEST(test_viewshed_cone_from_apex_all_seen) {
  char path[512];
  double gt[6] = {37.8 - 150.5 * 2 / 3600.0, 2 / 3600.0, 0, 48.5 + 150.5 * 2 / 3600.0, 0,
                  -2 / 3600.0};
  double xy[2] = {37.8, 48.5};
  fl_layer *obs = points(4326, xy, 1);
  for (int curved = 0; curved < 2; curved++) {
    write_dem(tmp_path(path, sizeof path, "cone.tif"), 301, 301, gt, 4326, cone, &curved);
    fl_dem *dem = NULL;
    ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
    fl_viewshed_opts o;
    fl_viewshed_opts_init(&o); /* 2 m eye */
    /* A cone of heights on the curved earth is a dome (its horizon from 2 m
     * is 5.4 km away): the plain cone is checked without curvature (k = 1),
     * the curved one (straight generators in space) with k = 0.13. */
    o.refraction = curved ? 0.13 : 1.0;
    fl_viewshed *vs = NULL;
    ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &o, &vs), FL_OK);
    size_t seen = 0;
    for (size_t i = 0; i < 301u * 301u; i++) seen += vs->count[i] > 0;
    ck_assert_uint_eq(seen, 301u * 301u);
    fl_viewshed_free(vs);
    fl_dem_destroy(dem);
    unlink(path);
  }
  fl_layer_destroy(ctx, obs);
}
END_TEST

START_TEST(test_earth_distance_against_geod_inverse) {
  /* (E1): within 5e-6 to 50 km and 2e-5 to 100 km, any azimuth, at 48.4 N */
  fl__earth e;
  fl__earth_init(&e, 37.8, 48.4, 0.13);
  for (int az = 0; az < 360; az += 15)
    for (int k = 0; k < 2; k++) {
      double s = k ? 100000.0 : 50000.0, lat, lon, d, drop;
      geod_direct(&G, 48.4, 37.8, az, s, &lat, &lon, NULL);
      fl__earth_at(&e, lon, lat, &d, &drop);
      FL_ASSERT_NEAR(d, s, s * (k ? 2e-5 : 5e-6), "m");
    }
}
END_TEST

START_TEST(test_viewshed_cumulative_threads_sum) {
  char path[512];
  snprintf(path, sizeof path, "%s/dem_toretsk.tif", FL_SAMPLE_DATA);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double xy[6] = {37.894, 48.589, 37.86, 48.40, 37.77, 48.47};
  fl_layer *all = points(4326, xy, 3);
  fl_viewshed_opts o;
  fl_viewshed_opts_init(&o);
  o.max_range_m = 8000;
  fl_viewshed *v1 = NULL, *v2 = NULL, *one[3] = {NULL, NULL, NULL};
  fl_ctx_set_threads(ctx, 1);
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, all, &o, &v1), FL_OK);
  fl_ctx_set_threads(ctx, 2);
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, all, &o, &v2), FL_OK);
  for (int k = 0; k < 3; k++) {
    fl_layer *single = points(4326, xy + 2 * k, 1);
    ck_assert_int_eq(fl_viewshed_compute(ctx, dem, single, &o, &one[k]), FL_OK);
    fl_layer_destroy(ctx, single);
  }
  size_t n = (size_t)v1->width * v1->height, bad = 0, seen = 0, seen1[3] = {0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    bad += v1->count[i] != v2->count[i];
    bad += v1->count[i] != one[0]->count[i] + one[1]->count[i] + one[2]->count[i];
    seen += v1->count[i] > 0;
    for (int k = 0; k < 3; k++) seen1[k] += one[k]->count[i] > 0;
  }
  ck_assert_uint_eq(bad, 0);
  ck_assert_uint_gt(seen, 1000);
  /* cells_seen: the cells with a count, on 1 and 2 threads, of one observer */
  ck_assert_uint_eq(v1->cells_seen, seen);
  ck_assert_uint_eq(v2->cells_seen, seen);
  for (int k = 0; k < 3; k++) ck_assert_uint_eq(one[k]->cells_seen, seen1[k]);
  for (int k = 0; k < 3; k++) fl_viewshed_free(one[k]);
  fl_viewshed_free(v1);
  fl_viewshed_free(v2);
  fl_layer_destroy(ctx, all);
  fl_dem_destroy(dem);
}
END_TEST

START_TEST(test_viewshed_which_any_number_and_its_limit) {
  /* (V8) 40 observers (more than the 32 bits of old): each one's bits are
   * its own single viewshed, and the count is the number of bits set. */
  char path[512];
  snprintf(path, sizeof path, "%s/dem_toretsk.tif", FL_SAMPLE_DATA);
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double xy[80];
  for (int k = 0; k < 40; k++) {
    xy[2 * k] = 37.70 + 0.20 * fmod(k * 0.618034, 1.0);
    xy[2 * k + 1] = 48.44 + 0.16 * fmod(k * 0.381966 + 0.5, 1.0);
  }
  fl_layer *all = points(4326, xy, 40);
  fl_viewshed_opts o;
  fl_viewshed_opts_init(&o);
  o.max_range_m = 3000;
  o.which = 1;
  fl_viewshed *v = NULL;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, all, &o, &v), FL_OK);
  size_t bad = 0;
  for (int r = 0; r < v->height; r++)
    for (int c = 0; c < v->width; c++) {
      int sum = 0;
      for (size_t k = 0; k < 40; k++) sum += fl_viewshed_sees(v, k, c, r);
      bad += sum != v->count[(size_t)r * v->width + c];
    }
  ck_assert_uint_eq(bad, 0);
  o.which = 0;
  int ks[3] = {0, 33, 39};
  for (int j = 0; j < 3; j++) {
    fl_layer *single = points(4326, xy + 2 * ks[j], 1);
    fl_viewshed *one = NULL;
    ck_assert_int_eq(fl_viewshed_compute(ctx, dem, single, &o, &one), FL_OK);
    size_t seen = 0;
    for (int r = 0; r < v->height; r++)
      for (int c = 0; c < v->width; c++) {
        int want = one->count[(size_t)r * v->width + c] > 0;
        bad += fl_viewshed_sees(v, (size_t)ks[j], c, r) != want;
        seen += want;
      }
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_gt(seen, 100);
    fl_viewshed_free(one);
    fl_layer_destroy(ctx, single);
  }
  ck_assert_int_eq(fl_viewshed_sees(v, 40, 0, 0), 0);
  fl_viewshed_free(v);
  fl_layer_destroy(ctx, all);
  fl_dem_destroy(dem);
  /* (V9) one observer over a 150,000 x 150,000-cell grid: 2,682 MiB of bits,
   * over the 2,048 MiB limit, refused before anything is allocated. */
  fl_dem big = {.w = 150000, .h = 150000, .gt = {37, 1e-5, 0, 49, 0, -1e-5}, .srid = 4326,
                .geographic = 1};
  fl__pt pt = {1, 37.5, 48.5, 2.0};
  fl_viewshed_sight *sg = NULL;
  ck_assert_int_eq(fl__vs_sights_new(ctx, &big, &pt, 1, 0, &sg), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "which_observers would take 2682 MB");
  FL_ASSERT_MSG_HAS(ctx, "each of 1 observer); the limit is 2048 MB: set a shorter max_range_m");
  ck_assert_ptr_null(sg);
}
END_TEST

START_TEST(test_errors_name_what_and_where) {
  char path[512];
  fl_dem *dem = NULL;
  ck_assert_int_eq(fl_dem_open(ctx, "/nonexistent/dem.tif", &dem), FL_E_IO);
  FL_ASSERT_MSG_HAS(ctx, "dem '/nonexistent/dem.tif' cannot be read as a raster");
  write_dem(tmp_path(path, sizeof path, "nocrs.tif"), 10, 10, flat_gt, 0, flat, NULL);
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_E_SRID);
  FL_ASSERT_MSG_HAS(ctx, "has no coordinate reference system");
  unlink(path);
  snprintf(path, sizeof path, "%s/dem_toretsk.tif", FL_SAMPLE_DATA);
  ck_assert_int_eq(fl_dem_open(ctx, path, &dem), FL_OK);
  double xy[2] = {38.5, 48.5};
  fl_layer *obs = points(4326, xy, 1);
  fl_viewshed_opts o;
  fl_viewshed_opts_init(&o);
  fl_viewshed *vs = NULL;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &o, &vs), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "observer 1 (38.500000, 48.500000) is outside dem");
  ck_assert_ptr_null(vs);
  o.refraction = 2;
  ck_assert_int_eq(fl_viewshed_compute(ctx, dem, obs, &o, &vs), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "refraction must be between -1 and 1");
  double z;
  ck_assert_int_eq(fl_dem_height(ctx, dem, 38.5, 48.5, &z), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "outside dem");
  fl_layer_destroy(ctx, obs);
  fl_dem_destroy(dem);
}
END_TEST

int main(void) {
  Suite *s = suite_create("elevation");
  TCase *tc = tcase_create("elevation");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_viewshed_flat_horizon_ellipsoid_refraction);
  tcase_add_test(tc, test_line_of_sight_flat_horizon);
  tcase_add_test(tc, test_viewshed_ridge_hides_its_tangent_shadow);
  tcase_add_test(tc, test_viewshed_cone_from_apex_all_seen);
  tcase_add_test(tc, test_earth_distance_against_geod_inverse);
  tcase_add_test(tc, test_viewshed_cumulative_threads_sum);
  tcase_add_test(tc, test_viewshed_which_any_number_and_its_limit);
  tcase_add_test(tc, test_errors_name_what_and_where);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
