/*
 * check_gpkg_ogr.c - GeoPackage layers read through GDAL/OGR (gpkg_read.c
 * R5-R7, ogr_read.c O10): what the own reader did and OGR alone did not.
 *   - a custom gpkg_spatial_ref_sys entry (organization NONE, a WKT
 *     definition with no EPSG code) is read from its definition and
 *     reprojected to lon/lat with a warning;
 *   - Z values are kept (M dropped) in the batch path;
 *   - a blob OGR cannot decode fails naming the layer and the feature.
 * Oracles: the projection centre by definition ((0, 0) is 38 E, 48 N), pyproj
 * 3.4 / PROJ 9.1.1 for the other points (values below), the blobs written by
 * hand (GeoPackage 1.2 clause 2.1.3, ISO WKB).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <unistd.h>
#define FL_TEST_CTX_FIXTURE
#include "fl_test.h"

static const char *tmp(const char *name) {
  static char buf[4][512];
  static int k;
  char *b = buf[k++ % 4];
  snprintf(b, 512, "%s/check_gpkg_ogr_%ld_%s", FL_TEST_TMP, (long)getpid(), name);
  return b;
}

/* PROJ's WKT1 of +proj=laea +lat_0=48 +lon_0=38 +datum=WGS84: no EPSG code. */
static const char *const LAEA =
    "PROJCS[\"unknown\",GEOGCS[\"unknown\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,"
    "298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM["
    "\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY["
    "\"EPSG\",\"9122\"]]],PROJECTION[\"Lambert_Azimuthal_Equal_Area\"],PARAMETER["
    "\"latitude_of_center\",48],PARAMETER[\"longitude_of_center\",38],PARAMETER["
    "\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\","
    "\"9001\"]],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]]";

/* A GeoPackage blob: little-endian header without envelope, then ISO WKB of
 * a point with dims 2, 3 (Z) or 4 (ZM). type overrides the WKB type when
 * non-zero (a junk one). Returns the length written to b. */
static size_t gpb_point(unsigned char *b, int32_t srs, const double *xyzm, int dims,
                        uint32_t type) {
  size_t n = 0;
  b[n++] = 'G', b[n++] = 'P', b[n++] = 0, b[n++] = 1;
  memcpy(b + n, &srs, 4), n += 4;
  b[n++] = 1;
  uint32_t t = type ? type : dims == 2 ? 1 : dims == 3 ? 1001 : 3001;
  memcpy(b + n, &t, 4), n += 4;
  memcpy(b + n, xyzm, 8 * (size_t)dims), n += 8 * (size_t)dims;
  return n;
}

static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s", sql, err);
}

static void add_table(sqlite3 *db, const char *name, int srs) {
  char *sql = sqlite3_mprintf(
      "CREATE TABLE \"%w\" (fid INTEGER PRIMARY KEY, geom BLOB, name TEXT);"
      "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (%Q, "
      "'features', %Q, %d);"
      "INSERT INTO gpkg_geometry_columns VALUES (%Q, 'geom', 'POINT', %d, 1, 0);",
      name, name, name, srs, name, srs);
  exec(db, sql);
  sqlite3_free(sql);
}

static void add_point(sqlite3 *db, const char *table, int fid, int32_t srs, const double *xyzm,
                      int dims, uint32_t type) {
  unsigned char b[64];
  size_t n = gpb_point(b, srs, xyzm, dims, type);
  char *sql = sqlite3_mprintf("INSERT INTO \"%w\" VALUES (?1, ?2, 'p')", table);
  sqlite3_stmt *s = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  sqlite3_bind_int(s, 1, fid);
  sqlite3_bind_blob(s, 2, b, (int)n, SQLITE_TRANSIENT);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
  sqlite3_finalize(s);
  sqlite3_free(sql);
}

/* laea: custom srs 100000, three points; zm: EPSG:4326 with a ZM point;
 * junk: a blob with WKB type 99. */
static const char *make_gpkg(void) {
  const char *p = tmp("custom.gpkg");
  unlink(p);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
  exec(db, "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200;"
           "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, "
           "organization TEXT, organization_coordsys_id INTEGER, definition TEXT, "
           "description TEXT);"
           "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, "
           "identifier TEXT, description TEXT, last_change TEXT, min_x REAL, min_y REAL, "
           "max_x REAL, max_y REAL, srs_id INTEGER);"
           "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, "
           "geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT);");
  char *sql = sqlite3_mprintf(
      "INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, %Q, NULL);"
      "INSERT INTO gpkg_spatial_ref_sys VALUES ('local LAEA', 100000, 'NONE', 100000, %Q, "
      "NULL);",
      "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],"
      "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]]",
      LAEA);
  exec(db, sql);
  sqlite3_free(sql);
  add_table(db, "laea", 100000);
  add_point(db, "laea", 1, 100000, (const double[]){0, 0}, 2, 0);
  add_point(db, "laea", 2, 100000, (const double[]){10000, 0}, 2, 0);
  add_point(db, "laea", 3, 100000, (const double[]){0, -20000, 150}, 3, 0);
  add_table(db, "zm", 4326);
  add_point(db, "zm", 1, 4326, (const double[]){37.5, 48.5, 120, 7}, 4, 0);
  add_table(db, "junk", 4326);
  add_point(db, "junk", 1, 4326, (const double[]){37.5, 48.5}, 2, 0);
  add_point(db, "junk", 4, 4326, (const double[]){37.5, 48.5}, 2, 99);
  sqlite3_close(db);
  return p;
}

static fl_layer *read_ok(const char *source) {
  fl_layer *l = NULL;
  fl_status st = fl_layer_read(ctx, source, &l);
  ck_assert_msg(st == FL_OK, "reading %s: %s %s", source, fl_status_name(st), fl_ctx_errmsg(ctx));
  return l;
}

static void coords(const GEOSGeometry *g, double *x, double *y, double *z) {
  ck_assert_ptr_nonnull(g);
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
  GEOSCoordSeq_getX_r(h, cs, 0, x);
  GEOSCoordSeq_getY_r(h, cs, 0, y);
  *z = NAN;
  if (GEOSHasZ_r(h, g) == 1) GEOSCoordSeq_getZ_r(h, cs, 0, z);
}

START_TEST(test_custom_srs_from_definition) {
  const char *p = make_gpkg();
  char src[600];
  snprintf(src, sizeof src, "%s:laea", p);
  fl_ctx_clear_warnings(ctx);
  fl_layer *l = read_ok(src);
  ck_assert_int_eq(l->srid, 4326); /* no EPSG code: reprojected to lon/lat (O2) */
  ck_assert_int_eq(fl_ctx_warning_count(ctx), 1);
  ck_assert_msg(strstr(fl_ctx_warning(ctx, 0), "no EPSG code"), "%s", fl_ctx_warning(ctx, 0));
  ck_assert_int_eq(l->n_features, 3);
  static const double want[3][3] = {
      {38.0, 48.0, NAN},                                   /* the centre, by definition */
      {38.134002594548036, 47.999922074724296, NAN},       /* pyproj */
      {38.0, 47.820125637119965, 150.0}};                  /* pyproj; Z kept */
  for (size_t i = 0; i < 3; i++) {
    double x, y, z;
    coords(l->features[i].geom, &x, &y, &z);
    FL_ASSERT_NEAR(x, want[i][0], 1e-9, "deg");
    FL_ASSERT_NEAR(y, want[i][1], 1e-9, "deg");
    if (isnan(want[i][2])) ck_assert(isnan(z));
    else FL_ASSERT_NEAR(z, want[i][2], 1e-9, "m");
    ck_assert_int_eq(GEOSGetSRID_r(h, l->features[i].geom), 4326);
  }
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

START_TEST(test_z_kept_m_dropped) {
  const char *p = make_gpkg();
  char src[600];
  snprintf(src, sizeof src, "%s:zm", p);
  fl_layer *l = read_ok(src);
  ck_assert_int_eq(l->srid, 4326);
  double x, y, z;
  coords(l->features[0].geom, &x, &y, &z);
  ck_assert(x == 37.5 && y == 48.5 && z == 120.0);
  ck_assert_int_eq(GEOSGeom_getCoordinateDimension_r(h, l->features[0].geom), 3);
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

START_TEST(test_undecodable_blob_names_feature) {
  const char *p = make_gpkg();
  char src[600];
  snprintf(src, sizeof src, "%s:junk", p);
  fl_layer *l = NULL;
  ck_assert_int_eq(fl_layer_read(ctx, src, &l), FL_E_GEOM);
  ck_assert_ptr_null(l);
  FL_ASSERT_MSG_HAS(ctx, "layer 'junk' (");
  FL_ASSERT_MSG_HAS(ctx, "feature 4: ");
  ck_assert_ptr_null(strchr(fl_ctx_errmsg(ctx), '\n'));
  unlink(p);
}
END_TEST

int main(void) {
  Suite *s = suite_create("gpkg_ogr");
  TCase *tc = tcase_create("gpkg_ogr");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_custom_srs_from_definition);
  tcase_add_test(tc, test_z_kept_m_dropped);
  tcase_add_test(tc, test_undecodable_blob_names_feature);
  suite_add_tcase(s, tc);
  return fl_test_run(s);
}
