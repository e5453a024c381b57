/*
 * check_io.c - fl_io.h: layers in memory, data-source strings, GeoJSON
 * (strict JSON parser included), GeoPackage and SpatiaLite read and write,
 * atomic writing (overwrite refusal, no temporary files left behind).
 *
 * Oracles, named beside each expected value:
 *   - the JSON text itself under RFC 8259 (numbers compared with the C
 *     compiler's reading of the same literal; code points from Unicode);
 *   - GDAL 3.6.2: ogr2ogr writes inputs, ogrinfo and validate_gpkg.py judge
 *     our outputs (tests skip those steps when the tools are absent);
 *   - SpatiaLite 5.0.1 through /usr/bin/sqlite3 + mod_spatialite;
 *   - GeoPackage 1.2 (OGC 12-128r15) for the file layout;
 *   - PROJ 9.1.1 (NOTES.md 2.1) for EPSG:32637 <-> lon/lat.
 * Files go to FL_TEST_TMP under names with this process's id.
 */
#include <dirent.h>
#include <sqlite3.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#define FL_TEST_CTX_FIXTURE
#include "fl_test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Helpers ------------------------------------------------------------ */

/* A path in FL_TEST_TMP unique to this process (static buffer ring). */
static const char *tmp(const char *name) {
  static char bufs[8][512];
  static int k;
  char *b = bufs[k++ % 8];
  snprintf(b, 512, "%s/check_io_%ld_%s", FL_TEST_TMP, (long)getpid(), name);
  return b;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ck_assert_msg(f != NULL, "cannot write %s", path);
  fputs(text, f);
  fclose(f);
}

static char *read_all(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)len + 1);
  size_t got = fread(b, 1, (size_t)len, f);
  fclose(f);
  b[got] = '\0';
  if (n) *n = got;
  return b;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Files in FL_TEST_TMP whose names hold ".tmp-" and start with our prefix. */
static int temp_files_left(void) {
  char prefix[64];
  snprintf(prefix, sizeof prefix, "check_io_%ld_", (long)getpid());
  DIR *d = opendir(FL_TEST_TMP);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && strstr(e->d_name, ".tmp-")) n++;
  if (d) closedir(d);
  return n;
}

/* Run a shell command; its stdout+stderr in out. Returns the exit status. */
static int run(const char *cmd, char *out, size_t cap) {
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int have(const char *tool) { return access(tool, X_OK) == 0; }

static int have_spatialite(void) {
  char out[256];
  return have("/usr/bin/sqlite3") &&
         run("/usr/bin/sqlite3 :memory: '.load mod_spatialite' 'SELECT 1' 2>&1", out,
             sizeof out) == 0 &&
         strncmp(out, "1", 1) == 0;
}

static GEOSGeometry *wkt(const char *text, int srid) {
  GEOSWKTReader *r = GEOSWKTReader_create_r(h);
  GEOSGeometry *g = GEOSWKTReader_read_r(h, r, text);
  GEOSWKTReader_destroy_r(h, r);
  ck_assert_msg(g != NULL, "bad WKT %s", text);
  GEOSSetSRID_r(h, g, srid);
  return g;
}

static char *wkt_of(const GEOSGeometry *g) {
  GEOSWKTWriter *w = GEOSWKTWriter_create_r(h);
  GEOSWKTWriter_setTrim_r(h, w, 1);
  GEOSWKTWriter_setOutputDimension_r(h, w, 3);
  char *s = GEOSWKTWriter_write_r(h, w, g);
  GEOSWKTWriter_destroy_r(h, w);
  return s;
}

/* Exact equality: type, dimension, every coordinate (ISO WKB bytes). */
static void assert_same_geom(const GEOSGeometry *got, const GEOSGeometry *want, const char *what) {
  ck_assert_msg(got != NULL, "%s: no geometry", what);
  GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
  GEOSWKBWriter_setOutputDimension_r(h, w, 3);
  GEOSWKBWriter_setFlavor_r(h, w, GEOS_WKB_ISO);
  size_t na, nb;
  unsigned char *a = GEOSWKBWriter_write_r(h, w, got, &na);
  unsigned char *b = GEOSWKBWriter_write_r(h, w, want, &nb);
  char *ga = wkt_of(got), *gb = wkt_of(want);
  ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "%s: expected %s, got %s", what, gb, ga);
  GEOSFree_r(h, ga);
  GEOSFree_r(h, gb);
  GEOSFree_r(h, a);
  GEOSFree_r(h, b);
  GEOSWKBWriter_destroy_r(h, w);
}

static void assert_geom_wkt(const GEOSGeometry *got, const char *want, const char *what) {
  GEOSGeometry *g = wkt(want, 0);
  assert_same_geom(got, g, what);
  GEOSGeom_destroy_r(h, g);
}

static fl_layer *read_ok(const char *source) {
  fl_layer *l = NULL;
  fl_status st = fl_layer_read(ctx, source, &l);
  ck_assert_msg(st == FL_OK, "reading %s: %s %s", source, fl_status_name(st), fl_ctx_errmsg(ctx));
  ck_assert_ptr_nonnull(l);
  return l;
}

static fl_layer *read_text(const char *name, const char *text) {
  const char *p = tmp(name);
  write_text(p, text);
  fl_layer *l = read_ok(p);
  unlink(p);
  return l;
}

/* Reading text must fail with st and a message holding needle. */
static void read_fails(const char *text, fl_status st, const char *needle) {
  const char *p = tmp("bad.geojson");
  write_text(p, text);
  fl_layer *l = (fl_layer *)(uintptr_t)1;
  fl_ctx_clear_error(ctx);
  fl_status got = fl_layer_read(ctx, p, &l);
  ck_assert_msg(got == st, "input %.80s: expected %s, got %s (%s)", text, fl_status_name(st),
                fl_status_name(got), fl_ctx_errmsg(ctx));
  ck_assert_msg(l == NULL, "output not NULL on failure");
  FL_ASSERT_MSG_HAS(ctx, needle);
  unlink(p);
}

static const char *text_of(const fl_layer *l, size_t feature, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return fl_value_text(l, &l->features[feature], i);
}

static const fl_value *value_of(const fl_layer *l, size_t feature, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return &l->features[feature].values[i];
}

static fl_field_type type_of(const fl_layer *l, const char *field) {
  int i = fl_layer_field_index(l, field);
  ck_assert_msg(i >= 0, "no field %s", field);
  return l->fields[i].type;
}

/* A small layer of every value kind, in srid. */
static fl_layer *sample_layer(const char *name, int srid) {
  fl_layer *l = fl_layer_new(name, srid, "POINT");
  int fi = fl_layer_add_field(l, "count", FL_FIELD_INTEGER);
  int fr = fl_layer_add_field(l, "share", FL_FIELD_REAL);
  int ft = fl_layer_add_field(l, "label", FL_FIELD_TEXT);
  static const char *const texts[] = {"Toretsk", "quote \" backslash \\ newline\n tab\t é 😀",
                                      NULL};
  for (int i = 0; i < 3; i++) {
    char p[64];
    snprintf(p, sizeof p, "POINT (%.7f %.7f)", 37.8478 + 0.0000001 * i, 48.3948 - 0.25 * i);
    fl_feature *f = fl_layer_append(ctx, l, 10 + i, wkt(p, srid));
    ck_assert_ptr_nonnull(f);
    if (i != 2) fl_feature_set_int(l, f, fi, i == 0 ? -42 : INT64_C(9007199254740993));
    fl_feature_set_real(l, f, fr, i == 0 ? 0.1 : i == 1 ? -1.5e-3 : 1e300);
    if (texts[i]) fl_feature_set_text(l, f, ft, texts[i]);
  }
  fl_layer_append(ctx, l, 13, NULL); /* no geometry, all NULL */
  return l;
}

/* Two layers hold the same features, values and geometries. */
static void assert_same_layer(const fl_layer *got, const fl_layer *want, int same_fids) {
  ck_assert_int_eq(got->n_features, want->n_features);
  ck_assert_int_eq(got->n_fields, want->n_fields);
  for (size_t j = 0; j < want->n_fields; j++) {
    ck_assert_str_eq(got->fields[j].name, want->fields[j].name);
    ck_assert_int_eq(got->fields[j].type, want->fields[j].type);
  }
  for (size_t i = 0; i < want->n_features; i++) {
    const fl_feature *a = &got->features[i], *b = &want->features[i];
    if (same_fids) ck_assert_int_eq(a->fid, b->fid);
    if (b->geom) assert_same_geom(a->geom, b->geom, "geometry");
    else ck_assert_ptr_null(a->geom);
    for (size_t j = 0; j < want->n_fields; j++) {
      ck_assert_int_eq(a->values[j].is_null, b->values[j].is_null);
      ck_assert_str_eq(fl_value_text(got, a, (int)j), fl_value_text(want, b, (int)j));
    }
  }
}

static int sql_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s = NULL;
  ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg(db));
  int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -999;
  sqlite3_finalize(s);
  return v;
}

static double sql_double(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s = NULL;
  ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                sqlite3_errmsg(db));
  double v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_double(s, 0) : NAN;
  sqlite3_finalize(s);
  return v;
}

static void write_ok(const char *path, fl_layer **layers, size_t n, int overwrite) {
  fl_write_opts o = {.overwrite = overwrite};
  fl_status st = fl_layers_write(ctx, path, (const fl_layer *const *)layers, n, &o);
  ck_assert_msg(st == FL_OK, "writing %s: %s %s", path, fl_status_name(st), fl_ctx_errmsg(ctx));
}

/* ---- Layers in memory --------------------------------------------------- */

START_TEST(test_layer_new_fields) {
  fl_layer *l = fl_layer_new("pts", 4326, "POINT");
  ck_assert_str_eq(l->name, "pts");
  ck_assert_str_eq(l->source, "");
  ck_assert_str_eq(l->geom_type, "POINT");
  ck_assert_int_eq(l->srid, 4326);
  ck_assert_int_eq(fl_layer_add_field(l, "Name", FL_FIELD_TEXT), 0);
  ck_assert_int_eq(fl_layer_add_field(l, "NAME", FL_FIELD_INTEGER), -1); /* exists */
  ck_assert_int_eq(fl_layer_add_field(l, "bad", (fl_field_type)7), -1);
  ck_assert_int_eq(fl_layer_field_index(l, "name"), 0);
  ck_assert_int_eq(fl_layer_field_index(l, "nope"), -1);
  for (int i = 0; i < 100; i++) { /* growth */
    char n[16];
    snprintf(n, sizeof n, "f%d", i);
    ck_assert_int_eq(fl_layer_add_field(l, n, FL_FIELD_REAL), i + 1);
  }
  ck_assert_int_eq(fl_layer_field_index(l, "F99"), 100);
  fl_layer_destroy(ctx, l);
  fl_layer_destroy(ctx, NULL);
  fl_strv_free(NULL);
}
END_TEST

START_TEST(test_layer_append_and_values) {
  fl_layer *l = fl_layer_new("pts", 4326, NULL);
  ck_assert_str_eq(l->geom_type, "GEOMETRY");
  int fi = fl_layer_add_field(l, "i", FL_FIELD_INTEGER);
  for (int k = 0; k < 10000; k++) { /* growth; geometries taken */
    fl_feature *f = fl_layer_append(ctx, l, k + 1, k % 2 ? wkt("POINT (1 2)", 4326) : NULL);
    ck_assert_ptr_nonnull(f);
    ck_assert(f->values[fi].is_null);
    ck_assert_int_eq(fl_feature_set_int(l, f, fi, k), FL_OK);
  }
  ck_assert_int_eq(l->n_features, 10000);
  ck_assert_int_eq(l->features[9999].fid, 10000);
  ck_assert_str_eq(fl_value_text(l, &l->features[1234], fi), "1234");

  /* A field added now is NULL in every feature. */
  int fr = fl_layer_add_field(l, "r", FL_FIELD_REAL);
  int ft = fl_layer_add_field(l, "t", FL_FIELD_TEXT);
  ck_assert(l->features[5].values[fr].is_null && l->features[5].values[ft].is_null);
  fl_feature *f = &l->features[7];
  ck_assert_str_eq(fl_value_text(l, f, fr), "");
  fl_feature_set_real(l, f, fr, 0.1); /* shortest text that reads back: "0.1" */
  ck_assert_str_eq(fl_value_text(l, f, fr), "0.1");
  fl_feature_set_real(l, f, fr, -1.5e-3);
  ck_assert_str_eq(fl_value_text(l, f, fr), "-0.0015");
  fl_feature_set_real(l, f, fr, 1.0 / 3.0); /* needs 16 digits to read back */
  ck_assert_str_eq(fl_value_text(l, f, fr), "0.3333333333333333");
  char buf[8] = "abc";
  fl_feature_set_text(l, f, ft, buf);
  buf[0] = 'X'; /* copied */
  ck_assert_str_eq(fl_value_text(l, f, ft), "abc");
  fl_feature_set_text(l, f, ft, NULL);
  ck_assert(f->values[ft].is_null);
  fl_feature_set_int(l, f, fi, INT64_MIN);
  ck_assert_str_eq(fl_value_text(l, f, fi), "-9223372036854775808");
  fl_feature_set_null(l, f, fi);
  ck_assert_str_eq(fl_value_text(l, f, fi), "");
  ck_assert_int_eq(fl_feature_set_int(l, f, 99, 1), FL_E_ARG);
  ck_assert_int_eq(fl_feature_set_text(l, f, -1, "x"), FL_E_ARG);
  ck_assert_str_eq(fl_value_text(l, f, 99), "");
  fl_layer_destroy(ctx, l);
}
END_TEST

/* ---- GeoJSON reading ---------------------------------------------------- */

/* Escapes, nesting, numbers, nulls, missing members, all geometry types. */
static const char *const tricky =
    "\xEF\xBB\xBF{ \"type\": \"FeatureCollection\", \"name\": \"tr\\u00efcky\",\n"
    "\"features\": [\n"
    /* 1: escapes and surrogates; properties of every kind */
    "{\"type\":\"Feature\",\"properties\":{\"s\":\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83d\\ude00\","
    " \"n\":-1.5e-3, \"i\":9007199254740993, \"big\":123456789012345678901234567890,"
    " \"b\":true, \"mixed\":2.50, \"nest\":{\"k\":[1,{\"z\":null}],\"q\":\"\\u0022\"},"
    " \"Case\":1},"
    " \"geometry\":{\"type\":\"Point\",\"coordinates\":[37.8478,48.3948,-0.5]}},\n"
    /* 2: null geometry, keys in another order, a key only here */
    "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"mixed\":\"x\",\"n\":0,"
    " \"i\":-7, \"b\":false, \"late\":\"only here\", \"case\":2, \"big\":1}},\n"
    /* 3: no properties member at all */
    "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[0,0],[1E2,-0.0],"
    "[123.456e2,1e-7]]}},\n"
    /* 4: properties null */
    "{\"type\":\"Feature\",\"properties\":null,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,3],[3,3],[2,2]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPoint\",\"coordinates\":"
    "[[1,2],[3,4]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiLineString\","
    "\"coordinates\":[[[0,0],[1,1]],[[2,2],[3,3,3]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiPolygon\","
    "\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}},\n"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"GeometryCollection\","
    "\"geometries\":[{\"type\":\"Point\",\"coordinates\":[1,2]},{\"type\":\"LineString\","
    "\"coordinates\":[[0,0],[1,1]]}]}},\n"
    /* 9: empty coordinates: no geometry */
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[]}}\n"
    "] }\n";

START_TEST(test_geojson_read_tricky) {
  fl_layer *l = read_text("tricky.geojson", tricky);
  ck_assert_str_eq(l->name, "tr\xC3\xAF" "cky"); /* U+00EF is C3 AF in UTF-8 */
  ck_assert_int_eq(l->srid, 4326);
  ck_assert_str_eq(l->geom_type, "GEOMETRY"); /* mixed types */
  ck_assert_int_eq(l->n_features, 9);
  for (size_t i = 0; i < 9; i++) ck_assert_int_eq(l->features[i].fid, (int64_t)i + 1);

  /* Fields: first-seen order; "Case"/"case" are one field (first spelling). */
  static const char *const names[] = {"s", "n", "i", "big", "b", "mixed", "nest", "Case", "late"};
  ck_assert_int_eq(l->n_fields, N(names));
  for (size_t j = 0; j < N(names); j++) ck_assert_str_eq(l->fields[j].name, names[j]);

  /* U+00E9 = C3 A9; U+1F600 (surrogates D83D DE00) = F0 9F 98 80. */
  ck_assert_str_eq(text_of(l, 0, "s"), "a\"b\\c/d\n\t\xC3\xA9\xF0\x9F\x98\x80");
  ck_assert_int_eq(type_of(l, "n"), FL_FIELD_REAL); /* -1.5e-3 and 0 */
  ck_assert(value_of(l, 0, "n")->d == -1.5e-3);
  ck_assert(value_of(l, 1, "n")->d == 0.0);
  ck_assert_int_eq(type_of(l, "i"), FL_FIELD_INTEGER);
  ck_assert(value_of(l, 0, "i")->i == INT64_C(9007199254740993)); /* 2^53 + 1: not a double */
  ck_assert(value_of(l, 1, "i")->i == -7);
  ck_assert_int_eq(type_of(l, "big"), FL_FIELD_REAL); /* does not fit int64 */
  ck_assert(value_of(l, 0, "big")->d == 123456789012345678901234567890.0);
  ck_assert_int_eq(type_of(l, "b"), FL_FIELD_INTEGER); /* booleans are 0/1 */
  ck_assert(value_of(l, 0, "b")->i == 1 && value_of(l, 1, "b")->i == 0);
  ck_assert_int_eq(type_of(l, "mixed"), FL_FIELD_TEXT); /* number and string */
  ck_assert_str_eq(text_of(l, 0, "mixed"), "2.50");    /* the literal, as written */
  ck_assert_str_eq(text_of(l, 1, "mixed"), "x");
  ck_assert_int_eq(type_of(l, "nest"), FL_FIELD_TEXT);
  ck_assert_str_eq(text_of(l, 0, "nest"), "{\"k\":[1,{\"z\":null}],\"q\":\"\\\"\"}");
  ck_assert_str_eq(text_of(l, 1, "Case"), "2");
  ck_assert_str_eq(text_of(l, 1, "late"), "only here");
  ck_assert(value_of(l, 0, "late")->is_null);
  ck_assert(value_of(l, 2, "s")->is_null); /* no properties */
  ck_assert(value_of(l, 3, "s")->is_null); /* properties null */

  assert_geom_wkt(l->features[0].geom, "POINT Z (37.8478 48.3948 -0.5)", "feature 1");
  ck_assert_int_eq(GEOSGetSRID_r(h, l->features[0].geom), 4326);
  ck_assert_ptr_null(l->features[1].geom);
  assert_geom_wkt(l->features[2].geom, "LINESTRING (0 0, 100 -0, 12345.6 1e-7)", "feature 3");
  assert_geom_wkt(l->features[3].geom, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2))",
                  "feature 4");
  assert_geom_wkt(l->features[4].geom, "MULTIPOINT ((1 2), (3 4))", "feature 5");
  /* Z only where every position of a part has it. */
  assert_geom_wkt(l->features[5].geom, "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))", "feature 6");
  assert_geom_wkt(l->features[6].geom, "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
                  "feature 7");
  assert_geom_wkt(l->features[7].geom, "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))",
                  "feature 8");
  ck_assert_ptr_null(l->features[8].geom);
  fl_layer_destroy(ctx, l);
}
END_TEST

START_TEST(test_geojson_read_numbers) {
  /* Every number against the compiler's reading of the same literal. */
  static const struct {
    const char *lit;
    double want;
  } nums[] = {
      {"-1.5e-3", -1.5e-3},   {"0.1", 0.1},
      {"37.455691", 37.455691}, {"48.90417", 48.90417},
      {"1E2", 1E2},           {"123.456e2", 123.456e2},
      {"-0.000001", -0.000001}, {"2.2250738585072014e-308", 2.2250738585072014e-308},
      {"1.7976931348623157e308", 1.7976931348623157e308},
      {"0.30000000000000004", 0.30000000000000004},
      {"3.141592653589793238462643383279", 3.141592653589793238462643383279},
      {"1234567890123456789012.5", 1234567890123456789012.5},
      {"5e-324", 5e-324},     {"9007199254740993.0", 9007199254740993.0},
  };
  char text[4096];
  int n = snprintf(text, sizeof text, "{\"type\":\"FeatureCollection\",\"features\":[");
  for (size_t i = 0; i < N(nums); i++)
    n += snprintf(text + n, sizeof text - (size_t)n,
                  "%s{\"type\":\"Feature\",\"properties\":{\"v\":%s},\"geometry\":{\"type\":"
                  "\"Point\",\"coordinates\":[%s,%s]}}",
                  i ? "," : "", nums[i].lit, nums[i].lit, nums[i].lit);
  snprintf(text + n, sizeof text - (size_t)n, "]}");
  fl_layer *l = read_text("numbers.geojson", text);
  ck_assert_int_eq(type_of(l, "v"), FL_FIELD_REAL);
  for (size_t i = 0; i < N(nums); i++) {
    double x, y;
    ck_assert_msg(value_of(l, i, "v")->d == nums[i].want, "%s read as %.17g", nums[i].lit,
                  value_of(l, i, "v")->d);
    GEOSGeomGetX_r(h, l->features[i].geom, &x);
    GEOSGeomGetY_r(h, l->features[i].geom, &y);
    ck_assert_msg(x == nums[i].want && y == nums[i].want, "coordinate %s", nums[i].lit);
  }
  fl_layer_destroy(ctx, l);
}
END_TEST

START_TEST(test_geojson_read_ids_single_feature_bare_geometry) {
  /* Distinct integer "id" members become the fids. */
  fl_layer *l = read_text("ids.geojson",
                          "{\"type\":\"FeatureCollection\",\"features\":["
                          "{\"type\":\"Feature\",\"id\":70,\"properties\":{},\"geometry\":null},"
                          "{\"type\":\"Feature\",\"id\":-3,\"properties\":{},\"geometry\":null}]}");
  ck_assert(l->features[0].fid == 70 && l->features[1].fid == -3);
  fl_layer_destroy(ctx, l);
  /* A repeated or non-integer id falls back to positions. */
  l = read_text("ids2.geojson",
                "{\"type\":\"FeatureCollection\",\"features\":["
                "{\"type\":\"Feature\",\"id\":5,\"properties\":{},\"geometry\":null},"
                "{\"type\":\"Feature\",\"id\":\"5\",\"properties\":{},\"geometry\":null}]}");
  ck_assert(l->features[0].fid == 1 && l->features[1].fid == 2);
  fl_layer_destroy(ctx, l);
  /* A single Feature; the layer is named after the file. */
  const char *p = tmp("single.json");
  write_text(p, "{\"type\":\"Feature\",\"properties\":{\"a\":1},\"geometry\":{\"type\":\"Point\","
                "\"coordinates\":[1,2]}}");
  l = read_ok(p);
  ck_assert_int_eq(l->n_features, 1);
  ck_assert_msg(strstr(l->name, "single") != NULL, "name %s", l->name);
  ck_assert_str_eq(l->source, p);
  ck_assert_str_eq(l->geom_type, "POINT");
  ck_assert_str_eq(text_of(l, 0, "a"), "1");
  fl_layer_destroy(ctx, l);
  unlink(p);
  /* A bare geometry; an old-style "crs" member naming EPSG:32637. */
  l = read_text("bare.geojson",
                "{\"type\":\"MultiPolygon\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                "\"urn:ogc:def:crs:EPSG::32637\"}},\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]]]}");
  ck_assert_int_eq(l->n_features, 1);
  ck_assert_int_eq(l->n_fields, 0);
  ck_assert_int_eq(l->srid, 32637);
  ck_assert_str_eq(l->geom_type, "MULTIPOLYGON");
  ck_assert_int_eq(GEOSGetSRID_r(h, l->features[0].geom), 32637);
  fl_layer_destroy(ctx, l);
}
END_TEST

START_TEST(test_geojson_read_errors) {
  /* JSON syntax: byte offsets count from 0, columns from 1. */
  read_fails("{\"type\":\"FeatureCollection\",\"features\":[}", FL_E_LAYER,
             "is not valid JSON at byte 40 (line 1, column 41): expected a value, found '}'");
  read_fails("{\n  \"a\": tru\n}", FL_E_LAYER,
             "at byte 9 (line 2, column 8): invalid literal");
  read_fails("{\"type\":\"FeatureCollection\",\"features\":[1,2,]}", FL_E_LAYER,
             "expected a value, found ']'");
  read_fails("{\"a\":\"never closed}", FL_E_LAYER, "at byte 5 (line 1, column 6): string is not closed");
  read_fails("{\"a\":\"bad \\x escape\"}", FL_E_LAYER, "unknown escape '\\x'");
  read_fails("{\"a\":\"\\ud800 alone\"}", FL_E_LAYER,
             "high surrogate \\uD800 is not followed by a low surrogate");
  read_fails("{\"a\":\"\\udc00\"}", FL_E_LAYER, "unpaired low surrogate \\uDC00");
  read_fails("{\"a\":\"\xFF\"}", FL_E_LAYER, "invalid UTF-8 byte 0xFF inside a string");
  read_fails("{\"a\":\"tab\there\"}", FL_E_LAYER, "control character 0x09 inside a string");
  read_fails("{\"a\":01}", FL_E_LAYER, "numbers must not have leading zeros");
  read_fails("{\"a\":NaN}", FL_E_LAYER, "expected a value, found 'N'");
  read_fails("{\"a\":1e400}", FL_E_LAYER, "number 1e400 is out of range");
  read_fails("{\"a\":1.}", FL_E_LAYER, "a digit must follow the decimal point");
  read_fails("{\"a\" 1}", FL_E_LAYER, "expected ':' after member name \"a\", found '1'");
  read_fails("{} x", FL_E_LAYER, "unexpected 'x' after the JSON value");
  read_fails("", FL_E_LAYER, "expected a value, found the end of the text");
  char deep[600];
  memset(deep, '[', 300);
  deep[300] = '\0';
  read_fails(deep, FL_E_LAYER, "nested more than 128 deep");

  /* GeoJSON structure. */
  read_fails("[1,2]", FL_E_LAYER, "holds a JSON array, not a FeatureCollection");
  read_fails("{\"features\":[]}", FL_E_LAYER, "the top object has no \"type\" string");
  read_fails("{\"type\":\"Topology\"}", FL_E_LAYER,
             "type 'Topology' is not FeatureCollection, Feature or a geometry type");
  read_fails("{\"type\":\"FeatureCollection\",\"features\":{}}", FL_E_LAYER,
             "'features' must be an array, found object");
  read_fails("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Point\"}]}", FL_E_LAYER,
             "feature 1: type 'Point' where 'Feature' was expected");
  read_fails("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
             "\"properties\":[],\"geometry\":null}]}",
             FL_E_LAYER, "feature 1: 'properties' must be an object or null, found array");

  /* Geometries: FL_E_GEOM naming the feature. */
  const char *pre = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                    "\"properties\":{},\"geometry\":null},{\"type\":\"Feature\",\"properties\":{},"
                    "\"geometry\":";
  static const struct {
    const char *geom, *msg;
  } bad[] = {
      {"{\"type\":\"Circle\",\"coordinates\":[0,0]}",
       "feature 2: geometry type 'Circle' is not a GeoJSON type"},
      {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}",
       "feature 2: ring 1 is not closed"},
      {"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
       "ring 1 has 3 positions; a ring needs at least 4"},
      {"{\"type\":\"LineString\",\"coordinates\":[[0,0]]}",
       "a LineString needs at least 2 positions, found 1"},
      {"{\"type\":\"LineString\",\"coordinates\":[[0,0],[\"1\",2]]}",
       "position 2 of a LineString is not an array of 2 or 3 numbers"},
      {"{\"type\":\"Point\",\"coordinates\":\"0,0\"}",
       "the coordinates of the Point must be an array, found string"},
      {"{\"type\":\"Point\",\"coordinates\":[1]}", "a Point position must be an array of 2 or 3"},
      {"{\"type\":\"Point\"}", "the Point has no 'coordinates' member"},
      {"{\"type\":\"GeometryCollection\",\"geometries\":[null]}",
       "member 1 of 'geometries' is null"},
      {"[0,0]", "'geometry' must be an object or null, found array"},
  };
  for (size_t i = 0; i < N(bad); i++) {
    char text[1024];
    snprintf(text, sizeof text, "%s%s}]}", pre, bad[i].geom);
    read_fails(text, FL_E_GEOM, bad[i].msg);
  }
}
END_TEST

START_TEST(test_geojson_read_missing_file) {
  fl_layer *l = NULL;
  ck_assert_int_eq(fl_layer_read(ctx, tmp("absent.geojson"), &l), FL_E_LAYER);
  FL_ASSERT_MSG_HAS(ctx, "absent.geojson' does not exist");
  ck_assert_int_eq(fl_layer_read(ctx, "", &l), FL_E_ARG);
}
END_TEST

START_TEST(test_geojson_read_real_data) {
  /* Feature counts from GDAL: ogrinfo -so -al FILE | grep 'Feature Count'. */
  static const struct {
    const char *file;
    size_t features;
    const char *type;
  } files[] = {
      {FL_REAL_DATA "/transport/osm_railways_within_towns_bbox.geojson", 4543, "MULTILINESTRING"},
      {FL_REAL_DATA "/transport/osm_major_roads_within_towns_bbox.geojson", 0, NULL},
      {FL_REAL_DATA "/settlements/osm_towns_cities_polygons_bbox.geojson", 0, NULL},
      {FL_REAL_DATA "/control/deepstate_occupied_monthly_202407_202608.geojson", 0, NULL},
      {FL_SAMPLE_DATA "/settlements.geojson", 50, "POINT"},
      {FL_SAMPLE_DATA "/routes.geojson", 0, NULL},
      {FL_SAMPLE_DATA "/control.geojson", 0, NULL},
      {FL_SAMPLE_DATA "/front.geojson", 0, NULL},
  };
  char out[4096], cmd[1024];
  for (size_t i = 0; i < N(files); i++) {
    if (!exists(files[i].file)) {
      fprintf(stderr, "test_geojson_read_real_data: %s absent, skipped\n", files[i].file);
      continue;
    }
    fl_layer *l = read_ok(files[i].file);
    size_t want = files[i].features;
    if (!want && have("/usr/bin/ogrinfo")) { /* ask GDAL now */
      snprintf(cmd, sizeof cmd, "/usr/bin/ogrinfo -ro -so -al '%s' 2>/dev/null | grep 'Feature Count'",
               files[i].file);
      if (run(cmd, out, sizeof out) == 0) want = (size_t)strtoul(strchr(out, ':') + 1, NULL, 10);
    }
    if (want) ck_assert_int_eq(l->n_features, want);
    if (files[i].type) ck_assert_str_eq(l->geom_type, files[i].type);
    ck_assert_int_eq(l->srid, 4326);
    for (size_t k = 0; k < l->n_features; k++)
      if (l->features[k].geom) ck_assert_int_eq(GEOSGetSRID_r(h, l->features[k].geom), 4326);
    fl_layer_destroy(ctx, l);
  }
}
END_TEST

/* ---- GeoJSON writing ---------------------------------------------------- */

START_TEST(test_geojson_write_round_trip) {
  fl_layer *l = sample_layer("pts", 4326);
  const char *p = tmp("out.geojson");
  write_ok(p, &l, 1, 0);
  fl_layer *back = read_ok(p);
  ck_assert_str_eq(back->name, "pts");
  /* Values and geometries come back exactly: 7-decimal coordinates survive
   * the 9-decimal text, and numbers are written to read back. fids are the
   * written "id" members. */
  assert_same_layer(back, l, 1);
  size_t n;
  char *text = read_all(p, &n);
  ck_assert_msg(strstr(text, "\"coordinates\":[37.8478001,48.1448]"), "%s", text);
  ck_assert_msg(strstr(text, "\"label\":\"quote \\\" backslash \\\\ newline\\n tab\\t é 😀\""),
                "%s", text);
  ck_assert_msg(strstr(text, "\"geometry\":null"), "%s", text);
  free(text);
  /* GDAL reads it too (the second feature's coordinates, its label). */
  char out[8192], cmd[1024];
  if (have("/usr/bin/ogrinfo")) {
    snprintf(cmd, sizeof cmd, "/usr/bin/ogrinfo -ro -al -q '%s' 2>&1", p);
    ck_assert_int_eq(run(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "POINT (37.8478001 48.1448)"), "%s", out);
    ck_assert_msg(strstr(out, "count (Integer64) = 9007199254740993"), "%s", out);
    ck_assert_msg(strstr(out, "share (Real) = -0.0015"), "%s", out);
  }
  fl_layer_destroy(ctx, back);
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

START_TEST(test_geojson_write_precision_and_orientation) {
  fl_layer *l = fl_layer_new("polys", 4326, "POLYGON");
  /* Clockwise exterior, counterclockwise hole: RFC 7946 3.1.6 wants the opposite. */
  fl_layer_append(ctx, l, 1,
                  wkt("POLYGON ((0 0, 0 10, 10 10, 10 0, 0 0), (2 2, 3 2, 3 3, 2 2))", 4326));
  /* Coordinates 1e-7 degree apart, and ones needing 9 decimals. */
  fl_layer_append(ctx, l, 2,
                  wkt("POLYGON ((-179.9999999 -89.1234567, 179.123456789 -89.1234568, "
                      "0.000000001 89.9999999, -179.9999999 -89.1234567))", 4326));
  const char *p = tmp("polys.geojson");
  write_ok(p, &l, 1, 0);
  char *text = read_all(p, NULL);
  ck_assert_msg(strstr(text, "[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[3,3],[3,2],[2,2]]]"),
                "%s", text);
  ck_assert_msg(strstr(text, "[-179.9999999,-89.1234567],[179.123456789,-89.1234568],"
                             "[0.000000001,89.9999999]"),
                "%s", text);
  free(text);
  fl_layer *back = read_ok(p);
  GEOSGeometry *e = wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 3, 3 2, 2 2))", 4326);
  assert_same_geom(back->features[0].geom, e, "reoriented polygon");
  GEOSGeom_destroy_r(h, e);
  assert_same_geom(back->features[1].geom, l->features[1].geom, "precise polygon");
  fl_layer_destroy(ctx, back);
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

/* ---- GeoPackage --------------------------------------------------------- */

START_TEST(test_gpkg_write_read_round_trip) {
  fl_layer *pts = sample_layer("pts", 4326);
  fl_layer *poly = fl_layer_new("Areas", 32637, "POLYGON");
  int fs = fl_layer_add_field(poly, "side", FL_FIELD_TEXT);
  fl_feature *f = fl_layer_append(
      ctx, poly, 1, wkt("POLYGON Z ((411000 5350000 1, 412000 5350000 2, 412000 5351000 3, "
                        "411000 5350000 1))", 32637));
  fl_feature_set_text(poly, f, fs, "UA");
  f = fl_layer_append(ctx, poly, 2, wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))", 32637));
  fl_feature_set_text(poly, f, fs, "RU");
  fl_layer *both[] = {pts, poly};
  const char *p = tmp("two.gpkg");
  write_ok(p, both, 2, 0);
  ck_assert_int_eq(temp_files_left(), 0);

  char src[600];
  snprintf(src, sizeof src, "%s:pts", p);
  fl_layer *a = read_ok(src);
  ck_assert_str_eq(a->name, "pts");
  ck_assert_str_eq(a->source, src);
  ck_assert_int_eq(a->srid, 4326);
  ck_assert_str_eq(a->geom_type, "POINT");
  assert_same_layer(a, pts, 1); /* fids 10..13 kept (P3) */
  snprintf(src, sizeof src, "%s:areas", p); /* layer names are case-insensitive */
  fl_layer *b = read_ok(src);
  ck_assert_str_eq(b->name, "Areas");
  ck_assert_int_eq(b->srid, 32637);
  /* POLYGON declared, a MULTIPOLYGON present: the column is GEOMETRY (P4). */
  ck_assert_str_eq(b->geom_type, "GEOMETRY");
  assert_same_layer(b, poly, 1);
  fl_layer_destroy(ctx, a);
  fl_layer_destroy(ctx, b);

  /* The file alone names two layers: refused with the list. */
  fl_layer *l = NULL;
  ck_assert_int_eq(fl_layer_read(ctx, p, &l), FL_E_LAYER);
  FL_ASSERT_MSG_HAS(ctx, "has 2 layers ('pts', 'Areas'); name one, as in '");
  snprintf(src, sizeof src, "%s:roads", p);
  ck_assert_int_eq(fl_layer_read(ctx, src, &l), FL_E_LAYER);
  FL_ASSERT_MSG_HAS(ctx, "has no layer 'roads'; its layers are: 'pts', 'Areas'");
  char **names = NULL;
  ck_assert_int_eq(fl_layer_list(ctx, p, &names), FL_OK);
  ck_assert(names[0] && names[1] && !names[2]);
  ck_assert_str_eq(names[0], "pts");
  ck_assert_str_eq(names[1], "Areas");
  fl_strv_free(names);
  /* QGIS's form of a data source. */
  snprintf(src, sizeof src, "%s|layername=Areas", p);
  l = read_ok(src);
  ck_assert_int_eq(l->n_features, 2);
  fl_layer_destroy(ctx, l);

  fl_layer_destroy(ctx, pts);
  fl_layer_destroy(ctx, poly);
  unlink(p);
}
END_TEST

START_TEST(test_gpkg_rtree_packed) {
  /* The packed R*Tree (gpkg_rtree.c) on 20,000 points (three levels of 51
   * cells): SQLite's own rtreecheck() finds it sound, and a window query
   * through it finds what a scan of the table finds. */
  fl_layer *l = fl_layer_new("many", 4326, "POINT");
  for (int i = 0; i < 20000; i++) {
    char p[64];
    snprintf(p, sizeof p, "POINT (%.6f %.6f)", 32.0 + (i * 7919 % 20000) * 0.0004,
             46.0 + (i * 104729 % 20000) * 0.00025);
    ck_assert_ptr_nonnull(fl_layer_append(ctx, l, i + 1, wkt(p, 4326)));
  }
  const char *p = tmp("packed.gpkg");
  write_ok(p, &l, 1, 0);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  ck_assert_int_eq(sql_int(db, "SELECT rtreecheck('rtree_many_geom') = 'ok'"), 1);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM rtree_many_geom"), 20000);
  /* window 33.0-33.5 E, 47.0-47.3 N: through the index, and counted from the
   * coordinates as generated (80 points) */
  int by_index = sql_int(db, "SELECT count(*) FROM rtree_many_geom WHERE minx >= 33.0 AND "
                             "maxx <= 33.5 AND miny >= 47.0 AND maxy <= 47.3");
  int want = 0;
  for (int i = 0; i < 20000; i++) {
    double x = 32.0 + (i * 7919 % 20000) * 0.0004, y = 46.0 + (i * 104729 % 20000) * 0.00025;
    want += x >= 33.0 && x <= 33.5 && y >= 47.0 && y <= 47.3;
  }
  ck_assert_int_gt(want, 50);
  /* float32 bounds are rounded outwards, so a point exactly on the window's
   * edge may fall out of the index query; none is on it here */
  ck_assert_int_eq(by_index, want);
  sqlite3_close(db);
  fl_layer_destroy(ctx, l);
}
END_TEST

START_TEST(test_gpkg_layout) {
  /* What GeoPackage 1.2 asks for, read back with plain SQLite. */
  fl_layer *pts = sample_layer("pts", 32637);
  const char *p = tmp("layout.gpkg");
  write_ok(p, &pts, 1, 0);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  ck_assert_int_eq(sql_int(db, "PRAGMA application_id"), 0x47504B47); /* 'GPKG' (1.2 clause 1.1.1.1.1) */
  ck_assert_int_eq(sql_int(db, "PRAGMA user_version"), 10200);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326)"), 3);
  ck_assert_int_eq(sql_int(db, "SELECT organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE "
                               "srs_id = 32637 AND organization = 'EPSG' AND definition LIKE "
                               "'PROJCS[\"WGS 84 / UTM zone 37N\"%'"),
                   32637);
  ck_assert_int_eq(sql_int(db, "SELECT srs_id FROM gpkg_contents WHERE table_name = 'pts' AND "
                               "data_type = 'features'"),
                   32637);
  ck_assert_int_eq(sql_int(db, "SELECT z + 10 * m FROM gpkg_geometry_columns WHERE table_name = "
                               "'pts' AND column_name = 'geom' AND geometry_type_name = 'POINT' "
                               "AND srs_id = 32637"),
                   0);
  /* Extent of the three points (37.8478 + 1e-7 i, 48.3948 - 0.25 i), i = 0..2. */
  ck_assert(sql_double(db, "SELECT min_x FROM gpkg_contents") == 37.8478);
  ck_assert(sql_double(db, "SELECT max_x FROM gpkg_contents") == 37.8478002);
  ck_assert(sql_double(db, "SELECT min_y FROM gpkg_contents") == 47.8948);
  ck_assert(sql_double(db, "SELECT max_y FROM gpkg_contents") == 48.3948);
  /* The R*Tree: one row per non-NULL geometry, holding it (float32 bounds
   * rounded outwards by SQLite). */
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM rtree_pts_geom"), 3);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM rtree_pts_geom WHERE id = 11 AND minx <= "
                               "37.8478001 AND maxx >= 37.8478001 AND miny <= 48.1448 AND maxy "
                               ">= 48.1448"),
                   1);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM gpkg_extensions WHERE table_name = 'pts' "
                               "AND column_name = 'geom' AND extension_name = "
                               "'gpkg_rtree_index'"),
                   1);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND "
                               "name LIKE 'rtree_pts_geom_%'"),
                   6);
  ck_assert_int_eq(sql_int(db, "SELECT count(*) FROM pts WHERE geom IS NULL AND fid = 13"), 1);
  sqlite3_close(db);

  /* GDAL's opinion: CRS with its EPSG code, feature count, spatial index, validator. */
  char out[16384], cmd[1024];
  if (have("/usr/bin/ogrinfo")) {
    snprintf(cmd, sizeof cmd, "/usr/bin/ogrinfo -ro -al -so '%s' 2>&1", p);
    ck_assert_int_eq(run(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "ID[\"EPSG\",32637]"), "%s", out);
    ck_assert_msg(strstr(out, "Feature Count: 4"), "%s", out);
    ck_assert_msg(strstr(out, "Geometry: Point"), "%s", out);
    ck_assert_msg(!strstr(out, "ERROR") && !strstr(out, "Warning"), "%s", out);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/ogrinfo -ro '%s' -sql \"SELECT HasSpatialIndex('pts','geom')\" 2>&1", p);
    ck_assert_int_eq(run(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "= 1"), "%s", out);
  }
  const char *validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
  if (have("/usr/bin/python3") && exists(validator)) {
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s '%s' 2>&1", validator, p);
    ck_assert_msg(run(cmd, out, sizeof out) == 0, "validate_gpkg.py: %s", out);
  }
  fl_layer_destroy(ctx, pts);
  unlink(p);
}
END_TEST

START_TEST(test_gpkg_read_gdal_written) {
  /* ogr2ogr writes the sample settlements (and a UTM copy); we read what GDAL wrote. */
  if (!have("/usr/bin/ogr2ogr") || !exists(FL_SAMPLE_DATA "/settlements.geojson")) {
    fprintf(stderr, "test_gpkg_read_gdal_written: skipped (no ogr2ogr or sample data)\n");
    return;
  }
  const char *p = tmp("gdal.gpkg");
  char cmd[1024], out[4096];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/ogr2ogr -f GPKG '%s' '%s' -nln towns 2>&1 && /usr/bin/ogr2ogr -update '%s' "
           "'%s' -nln towns_utm -t_srs EPSG:32637 2>&1",
           p, FL_SAMPLE_DATA "/settlements.geojson", p, FL_SAMPLE_DATA "/settlements.geojson");
  ck_assert_msg(run(cmd, out, sizeof out) == 0, "%s", out);
  fl_layer *direct = read_ok(FL_SAMPLE_DATA "/settlements.geojson");
  char src[600];
  snprintf(src, sizeof src, "%s:towns", p);
  fl_layer *g = read_ok(src);
  ck_assert_int_eq(g->srid, 4326);
  ck_assert_str_eq(g->geom_type, "POINT");
  /* GDAL makes the integer "id" property the FID column ("id" INTEGER PRIMARY
   * KEY, checked with PRAGMA table_info) and writes population as MEDIUMINT. */
  ck_assert_int_eq(g->n_features, direct->n_features);
  ck_assert_int_eq(g->n_fields, 2);
  ck_assert_int_eq(type_of(g, "population"), FL_FIELD_INTEGER);
  for (size_t i = 0; i < direct->n_features; i++) {
    ck_assert_str_eq(text_of(direct, i, "id"), (sprintf(cmd, "%lld", (long long)g->features[i].fid), cmd));
    ck_assert_str_eq(text_of(g, i, "name"), text_of(direct, i, "name"));
    ck_assert_str_eq(text_of(g, i, "population"), text_of(direct, i, "population"));
    assert_same_geom(g->features[i].geom, direct->features[i].geom, "GDAL-written point");
  }
  snprintf(src, sizeof src, "%s:towns_utm", p);
  fl_layer *u = read_ok(src);
  ck_assert_int_eq(u->srid, 32637);
  /* Toretsk (37.8478, 48.39477) in UTM 37N, as PROJ gives it; within 1 mm. */
  GEOSGeometry *back = NULL;
  ck_assert_int_eq(fl_geom_to_lonlat(ctx, u->features[0].geom, 32637, &back), FL_OK);
  double x, y;
  GEOSGeomGetX_r(h, back, &x);
  GEOSGeomGetY_r(h, back, &y);
  FL_ASSERT_NEAR(x, 37.8478, 1e-8, "deg");
  FL_ASSERT_NEAR(y, 48.39477, 1e-8, "deg");
  GEOSGeom_destroy_r(h, back);
  fl_layer_destroy(ctx, direct);
  fl_layer_destroy(ctx, g);
  fl_layer_destroy(ctx, u);
  unlink(p);
}
END_TEST

START_TEST(test_gpkg_read_types_and_srs) {
  /* A GeoPackage made by hand with plain SQLite: declared types map to field
   * types (R2), srs_id 100 is EPSG:3857 through gpkg_spatial_ref_sys, and a
   * table without an INTEGER PRIMARY KEY numbers features by rowid. */
  const char *p = tmp("hand.gpkg");
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
  const char *sql =
      "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, "
      "organization TEXT, organization_coordsys_id INTEGER, definition TEXT, description TEXT);"
      "INSERT INTO gpkg_spatial_ref_sys VALUES ('merc', 100, 'epsg', 3857, 'x', NULL);"
      "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT,"
      " description TEXT, last_change TEXT, min_x REAL, min_y REAL, max_x REAL, max_y REAL, srs_id INTEGER);"
      "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('t', 'features', 100);"
      "INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('u', 'features', 0);"
      "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name"
      " TEXT, srs_id INTEGER, z TINYINT, m TINYINT);"
      "INSERT INTO gpkg_geometry_columns VALUES ('t', 'shape', 'point', 100, 0, 0);"
      "INSERT INTO gpkg_geometry_columns VALUES ('u', 'shape', 'POINT', 0, 0, 0);"
      "CREATE TABLE t (id INTEGER PRIMARY KEY, shape BLOB, a MEDIUMINT, b BOOLEAN, c DOUBLE,"
      " d FLOAT, e DATE, f DATETIME, g VARCHAR(10), h TINYINT, i REAL, j TEXT);"
      /* GPB of POINT(1 2) from SpatiaLite: AsGPB(MakePoint(1,2,3857)) */
      "INSERT INTO t VALUES (7, x'47500003110F0000000000000000F03F000000000000F03F0000000000000040"
      "00000000000000400101000000000000000000F03F0000000000000040', 1, 1, 2.5, 0.25,"
      " '2024-07-08', '2024-07-08T20:40:59Z', 'ten', 3, 1e-3, 'x');"
      "INSERT INTO t (id) VALUES (9);"
      "CREATE TABLE u (name TEXT, shape BLOB);"
      "INSERT INTO u VALUES ('one', NULL), ('two', NULL);";
  ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
  sqlite3_close(db);

  char src[600];
  snprintf(src, sizeof src, "%s:t", p);
  fl_layer *l = read_ok(src);
  ck_assert_int_eq(l->srid, 3857);
  ck_assert_str_eq(l->geom_type, "POINT");
  static const struct {
    const char *name;
    fl_field_type type;
    const char *text;
  } want[] = {
      {"a", FL_FIELD_INTEGER, "1"},    {"b", FL_FIELD_INTEGER, "1"},
      {"c", FL_FIELD_REAL, "2.5"},     {"d", FL_FIELD_REAL, "0.25"},
      {"e", FL_FIELD_TEXT, "2024-07-08"}, {"f", FL_FIELD_TEXT, "2024-07-08T20:40:59Z"},
      {"g", FL_FIELD_TEXT, "ten"},     {"h", FL_FIELD_INTEGER, "3"},
      {"i", FL_FIELD_REAL, "0.001"},   {"j", FL_FIELD_TEXT, "x"},
  };
  ck_assert_int_eq(l->n_fields, N(want)); /* id is the fid, shape the geometry */
  for (size_t j = 0; j < N(want); j++) {
    ck_assert_str_eq(l->fields[j].name, want[j].name);
    ck_assert_int_eq(l->fields[j].type, want[j].type);
    ck_assert_str_eq(fl_value_text(l, &l->features[0], (int)j), want[j].text);
    ck_assert(l->features[1].values[j].is_null);
  }
  ck_assert(l->features[0].fid == 7 && l->features[1].fid == 9);
  assert_geom_wkt(l->features[0].geom, "POINT (1 2)", "hand-made GPB");
  ck_assert_int_eq(GEOSGetSRID_r(h, l->features[0].geom), 3857);
  ck_assert_ptr_null(l->features[1].geom);
  fl_layer_destroy(ctx, l);

  snprintf(src, sizeof src, "%s:u", p);
  l = read_ok(src);
  ck_assert_int_eq(l->srid, 0); /* srs_id 0: undefined */
  ck_assert(l->features[0].fid == 1 && l->features[1].fid == 2); /* rowid */
  ck_assert_str_eq(text_of(l, 1, "name"), "two");
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

START_TEST(test_gpkg_read_bad_blob) {
  fl_layer *pts = sample_layer("pts", 4326);
  const char *p = tmp("badblob.gpkg");
  write_ok(p, &pts, 1, 0);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(p, &db), SQLITE_OK);
  /* The rtree triggers need SpatiaLite's ST_* functions: drop them first. */
  ck_assert_int_eq(sqlite3_exec(db,
                                "DROP TRIGGER rtree_pts_geom_update1; DROP TRIGGER "
                                "rtree_pts_geom_update2; DROP TRIGGER rtree_pts_geom_update3; "
                                "DROP TRIGGER rtree_pts_geom_update4; UPDATE pts SET geom = "
                                "x'47500003E6100000' WHERE fid = 11",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  char src[600];
  snprintf(src, sizeof src, "%s:pts", p);
  fl_layer *l = NULL;
  ck_assert_int_eq(fl_layer_read(ctx, src, &l), FL_E_GEOM);
  ck_assert_ptr_null(l);
  FL_ASSERT_MSG_HAS(ctx, "layer 'pts' (");
  FL_ASSERT_MSG_HAS(ctx, "), feature 11: GeoPackage blob of 8 bytes is truncated");
  fl_layer_destroy(ctx, pts);
  unlink(p);
}
END_TEST

START_TEST(test_read_not_a_database_and_sniffing) {
  const char *p = tmp("junk.gpkg");
  write_text(p, "this is not SQLite at all, just text long enough to look like a header");
  fl_layer *l = NULL;
  ck_assert_int_eq(fl_layer_read(ctx, p, &l), FL_E_IO);
  FL_ASSERT_MSG_HAS(ctx, "is not a readable SQLite database");
  unlink(p);
  /* A GeoPackage with an unknown extension is recognised by its content. */
  fl_layer *pts = sample_layer("pts", 4326);
  const char *g = tmp("sniff.gpkg"), *b = tmp("sniff.bin");
  write_ok(g, &pts, 1, 0);
  ck_assert_int_eq(rename(g, b), 0);
  l = read_ok(b);
  ck_assert_int_eq(l->n_features, 4);
  fl_layer_destroy(ctx, l);
  fl_layer_destroy(ctx, pts);
  unlink(b);
}
END_TEST

/* ---- Atomic writing ----------------------------------------------------- */

START_TEST(test_write_refuses_overwrite) {
  fl_layer *pts = sample_layer("pts", 4326);
  static const char *const names[] = {"keep.gpkg", "keep.geojson", "keep.sqlite"};
  for (size_t i = 0; i < N(names); i++) {
    const char *p = tmp(names[i]);
    if (i == 2 && !have_spatialite()) continue;
    write_ok(p, &pts, 1, 0);
    size_t n0, n1;
    char *before = read_all(p, &n0);
    struct stat s0, s1;
    stat(p, &s0);
    fl_write_opts o = {0};
    fl_ctx_clear_error(ctx);
    ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&pts, 1, &o), FL_E_EXISTS);
    char want[700];
    snprintf(want, sizeof want, "output '%s' exists; pass overwrite to replace it", p);
    ck_assert_str_eq(fl_ctx_errmsg(ctx), want);
    ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&pts, 1, NULL), FL_E_EXISTS);
    char *after = read_all(p, &n1);
    stat(p, &s1);
    ck_assert_msg(n0 == n1 && memcmp(before, after, n0) == 0, "%s changed", p);
    ck_assert(s0.st_ino == s1.st_ino && s0.st_mtime == s1.st_mtime);
    free(after);
    /* With overwrite: replaced (a new file, renamed into place). */
    write_ok(p, &pts, 1, 1);
    stat(p, &s1);
    ck_assert(s0.st_ino != s1.st_ino);
    free(before);
    unlink(p);
  }
  ck_assert_int_eq(temp_files_left(), 0);
  fl_layer_destroy(ctx, pts);
}
END_TEST

static int cancel_at_half(double fraction, void *user) {
  (void)user;
  return fraction >= 0.5;
}

START_TEST(test_write_failure_leaves_nothing) {
  fl_layer *big = fl_layer_new("big", 4326, "POINT");
  for (int i = 0; i < 1000; i++) fl_layer_append(ctx, big, i + 1, wkt("POINT (1 2)", 4326));
  const char *p = tmp("cancel.gpkg");
  /* Cancelled half way: FL_E_CANCEL, no output, no temporary file. */
  fl_ctx_set_progress(ctx, cancel_at_half, NULL, NULL);
  ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&big, 1, NULL), FL_E_CANCEL);
  fl_ctx_set_progress(ctx, NULL, NULL, NULL);
  ck_assert(!exists(p));
  ck_assert_int_eq(temp_files_left(), 0);

  /* A cancelled overwrite keeps the old file. */
  fl_layer *pts = sample_layer("pts", 4326);
  write_ok(p, &pts, 1, 0);
  size_t n0, n1;
  char *before = read_all(p, &n0);
  fl_write_opts o = {.overwrite = 1};
  fl_ctx_set_progress(ctx, cancel_at_half, NULL, NULL);
  ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&big, 1, &o), FL_E_CANCEL);
  fl_ctx_set_progress(ctx, NULL, NULL, NULL);
  char *after = read_all(p, &n1);
  ck_assert(n0 == n1 && memcmp(before, after, n0) == 0);
  free(before);
  free(after);
  unlink(p);

  /* Failures inside the writers, after the temporary file exists. */
  fl_layer *reserved = fl_layer_new("gpkg_mine", 4326, "POINT");
  ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&reserved, 1, NULL), FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "layer name 'gpkg_mine' starts with a prefix GeoPackage reserves");
  fl_layer *unknown = fl_layer_new("far", 999999, "POINT"); /* no such EPSG code */
  fl_layer_append(ctx, unknown, 1, wkt("POINT (1 2)", 999999));
  const char *j = tmp("fail.geojson");
  ck_assert_int_eq(fl_layers_write(ctx, j, (const fl_layer *const *)&unknown, 1, NULL), FL_E_SRID);
  FL_ASSERT_MSG_HAS(ctx, "layer 'far', feature 1: ");
  ck_assert(!exists(p) && !exists(j));
  ck_assert_int_eq(temp_files_left(), 0);

  fl_layer_destroy(ctx, big);
  fl_layer_destroy(ctx, pts);
  fl_layer_destroy(ctx, reserved);
  fl_layer_destroy(ctx, unknown);
}
END_TEST

START_TEST(test_write_argument_errors) {
  fl_layer *pts = sample_layer("pts", 4326);
  fl_layer *two[] = {pts, pts};
  ck_assert_int_eq(fl_layers_write(ctx, "/nonexistent_fl_dir/sub/out.gpkg",
                                   (const fl_layer *const *)&pts, 1, NULL),
                   FL_E_IO);
  FL_ASSERT_MSG_HAS(ctx, "directory '/nonexistent_fl_dir/sub' of output "
                         "'/nonexistent_fl_dir/sub/out.gpkg' does not exist");
  ck_assert_int_eq(fl_layers_write(ctx, tmp("out.shp"), (const fl_layer *const *)&pts, 1, NULL),
                   FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "has an unknown extension; use .gpkg, .sqlite, .geojson, .fgb, .kml, .csv, .geojsonl, .gml, .shz or .shp.zip");
  ck_assert_int_eq(fl_layers_write(ctx, tmp("two.geojson"), (const fl_layer *const *)two, 2, NULL),
                   FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "holds exactly one layer, but 2 were given");
  ck_assert_int_eq(fl_layers_write(ctx, tmp("two.gpkg"), (const fl_layer *const *)two, 2, NULL),
                   FL_E_ARG);
  FL_ASSERT_MSG_HAS(ctx, "are both named 'pts'");
  ck_assert_int_eq(fl_layers_write(ctx, tmp("none.gpkg"), NULL, 0, NULL), FL_E_ARG);
  const char *dir = tmp("dir.gpkg");
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  fl_write_opts o = {.overwrite = 1};
  ck_assert_int_eq(fl_layers_write(ctx, dir, (const fl_layer *const *)&pts, 1, &o), FL_E_IO);
  FL_ASSERT_MSG_HAS(ctx, "dir.gpkg' is a directory");
  rmdir(dir);
  ck_assert_int_eq(temp_files_left(), 0);
  fl_layer_destroy(ctx, pts);
}
END_TEST

START_TEST(test_gpkg_field_named_fid) {
  /* (P5): a field called like the table's own columns is renamed, with a warning. */
  fl_layer *l = fl_layer_new("clash", 4326, "POINT");
  int a = fl_layer_add_field(l, "FID", FL_FIELD_INTEGER);
  int b = fl_layer_add_field(l, "geom", FL_FIELD_TEXT);
  fl_feature *f = fl_layer_append(ctx, l, 1, wkt("POINT (1 2)", 4326));
  fl_feature_set_int(l, f, a, 77);
  fl_feature_set_text(l, f, b, "g");
  const char *p = tmp("clash.gpkg");
  fl_ctx_clear_warnings(ctx);
  write_ok(p, &l, 1, 0);
  ck_assert_int_eq(fl_ctx_warning_count(ctx), 2);
  fl_layer *back = read_ok(p);
  ck_assert_str_eq(text_of(back, 0, "FID_1"), "77");
  ck_assert_str_eq(text_of(back, 0, "geom_1"), "g");
  fl_layer_destroy(ctx, back);
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

START_TEST(test_write_odd_names_mixed_z_empty) {
  /* Quotes and spaces in names, 2D next to 3D, an empty geometry: every format
   * writes it and reads it back. Empty geometries come back as none (NULL);
   * SpatiaLite keeps X and Y only when dimensions are mixed (L2), GeoPackage
   * keeps both (z = 2, "optional"). */
  fl_layer *l = fl_layer_new("my \"odd\" layer", 4326, "LINESTRING");
  int f = fl_layer_add_field(l, "a b", FL_FIELD_TEXT);
  fl_feature *ft = fl_layer_append(ctx, l, 1, wkt("LINESTRING Z (0 0 5, 1 1 6)", 4326));
  fl_feature_set_text(l, ft, f, "it's");
  fl_layer_append(ctx, l, 2, wkt("LINESTRING (2 2, 3 3)", 4326));
  fl_layer_append(ctx, l, 3, wkt("LINESTRING EMPTY", 4326));
  static const char *const files[] = {"odd.gpkg", "odd.geojson", "odd.sqlite"};
  for (size_t i = 0; i < N(files); i++) {
    if (i == 2 && !have_spatialite()) continue;
    const char *p = tmp(files[i]);
    const char *name = i == 2 ? "My odd Layer" : "my \"odd\" layer";
    if (i == 2) { /* (L4): SpatiaLite refuses quotes in table names */
      fl_ctx_clear_error(ctx);
      ck_assert_int_eq(fl_layers_write(ctx, p, (const fl_layer *const *)&l, 1, NULL), FL_E_ARG);
      FL_ASSERT_MSG_HAS(ctx, "holds a quote, which SpatiaLite's geometry_columns refuses");
      ck_assert(!exists(p) && temp_files_left() == 0);
      free(l->name);
      l->name = strdup(name);
    }
    fl_ctx_clear_warnings(ctx);
    write_ok(p, &l, 1, 0);
    char src[600];
    snprintf(src, sizeof src, "%s%s%s", p, i == 1 ? "" : ":", i == 1 ? "" : name);
    fl_layer *b = read_ok(src);
    ck_assert_str_eq(b->name, name);
    ck_assert_int_eq(b->n_features, 3);
    ck_assert_str_eq(text_of(b, 0, "a b"), "it's");
    assert_geom_wkt(b->features[0].geom, i == 2 ? "LINESTRING (0 0, 1 1)" : "LINESTRING Z (0 0 5, 1 1 6)",
                    files[i]);
    assert_geom_wkt(b->features[1].geom, "LINESTRING (2 2, 3 3)", files[i]);
    ck_assert_ptr_null(b->features[2].geom);
    if (i == 2) {
      ck_assert_int_eq(fl_ctx_warning_count(ctx), 1);
      ck_assert_msg(strstr(fl_ctx_warning(ctx, 0), "mixes 2D and 3D"), "%s", fl_ctx_warning(ctx, 0));
    }
    fl_layer_destroy(ctx, b);
    unlink(p);
  }
  fl_layer_destroy(ctx, l);
}
END_TEST

/* ---- SpatiaLite --------------------------------------------------------- */

START_TEST(test_spatialite_write_read) {
  if (!have_spatialite()) {
    fprintf(stderr, "test_spatialite_write_read: skipped (no sqlite3 + mod_spatialite)\n");
    return;
  }
  fl_layer *pts = sample_layer("pts", 4326);
  fl_layer *lines = fl_layer_new("lines", 32637, "LINESTRING");
  fl_layer_append(ctx, lines, 1, wkt("LINESTRING Z (411000 5350000 1, 412000 5351000 2)", 32637));
  fl_layer_append(ctx, lines, 2, wkt("LINESTRING Z (0 0 0, 1 1 1)", 32637));
  fl_layer *both[] = {pts, lines};
  const char *p = tmp("two.sqlite");
  write_ok(p, both, 2, 0);
  char src[600];
  snprintf(src, sizeof src, "%s:pts", p);
  fl_layer *a = read_ok(src);
  ck_assert_int_eq(a->srid, 4326);
  ck_assert_str_eq(a->geom_type, "POINT");
  assert_same_layer(a, pts, 1);
  snprintf(src, sizeof src, "%s:LINES", p);
  fl_layer *b = read_ok(src);
  ck_assert_int_eq(b->srid, 32637);
  ck_assert_str_eq(b->geom_type, "LINESTRING");
  assert_same_layer(b, lines, 1);
  fl_layer_destroy(ctx, a);
  fl_layer_destroy(ctx, b);

  /* SpatiaLite's own view: geometries, SRIDs, dimensions, spatial indexes. */
  char cmd[2048], out[4096];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/sqlite3 '%s' '.load mod_spatialite' "
           "\"SELECT AsText(geom), SRID(geom) FROM pts WHERE fid = 10\" "
           "\"SELECT AsText(geom) FROM lines WHERE fid = 1\" "
           "\"SELECT f_table_name, geometry_type, coord_dimension, srid, spatial_index_enabled "
           "FROM geometry_columns ORDER BY 1\" "
           "\"SELECT count(*) FROM idx_pts_geom\" \"SELECT CheckSpatialIndex('lines', 'geom')\" 2>&1",
           p);
  ck_assert_int_eq(run(cmd, out, sizeof out), 0);
  ck_assert_str_eq(out, "POINT(37.8478 48.3948)|4326\n"
                        "LINESTRING Z(411000 5350000 1, 412000 5351000 2)\n"
                        "lines|1002|3|32637|1\n"
                        "pts|1|2|4326|1\n"
                        "3\n"
                        "1\n");
  if (have("/usr/bin/ogrinfo")) {
    snprintf(cmd, sizeof cmd, "/usr/bin/ogrinfo -ro -so '%s' lines 2>&1", p);
    ck_assert_int_eq(run(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "ID[\"EPSG\",32637]") && strstr(out, "Feature Count: 2"), "%s", out);
  }
  fl_layer_destroy(ctx, pts);
  fl_layer_destroy(ctx, lines);
  unlink(p);
}
END_TEST

START_TEST(test_spatialite_read_made_by_spatialite) {
  if (!have_spatialite()) {
    fprintf(stderr, "test_spatialite_read_made_by_spatialite: skipped\n");
    return;
  }
  /* SpatiaLite writes compressed geometries and a legacy-free 4+ layout; the
   * table has one geometry column, so "file.db" alone names it. */
  const char *p = tmp("made.db");
  char cmd[2048], out[4096];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/sqlite3 '%s' '.load mod_spatialite' 'SELECT InitSpatialMetadata(1)' "
           "'CREATE TABLE Roads (pk INTEGER PRIMARY KEY, name TEXT, lanes INTEGER, width DOUBLE)' "
           "\"SELECT AddGeometryColumn('Roads', 'shape', 4326, 'MULTILINESTRING', 'XY')\" "
           "\"INSERT INTO Roads VALUES (5, 'H-20', 2, 7.5, CompressGeometry(GeomFromText("
           "'MULTILINESTRING((37.1 48.1, 37.2 48.25, 37.3 48.3))', 4326)))\" "
           "\"INSERT INTO Roads VALUES (6, NULL, NULL, NULL, NULL)\" >/dev/null 2>&1",
           p);
  ck_assert_int_eq(run(cmd, out, sizeof out), 0);
  fl_layer *l = read_ok(p);
  ck_assert_str_eq(l->name, "Roads");
  ck_assert_int_eq(l->srid, 4326);
  ck_assert_str_eq(l->geom_type, "MULTILINESTRING");
  ck_assert_int_eq(l->n_features, 2);
  ck_assert(l->features[0].fid == 5 && l->features[1].fid == 6);
  ck_assert_int_eq(type_of(l, "lanes"), FL_FIELD_INTEGER);
  ck_assert_int_eq(type_of(l, "width"), FL_FIELD_REAL);
  ck_assert_str_eq(text_of(l, 0, "name"), "H-20");
  ck_assert_str_eq(text_of(l, 0, "width"), "7.5");
  /* Compressed: the middle vertex is a float32 delta (see check_blob.c). */
  GEOSGeometry *e = wkt("MULTILINESTRING ((37.1 48.1, 37.2 48.25, 37.3 48.3))", 4326);
  ck_assert_int_eq(GEOSEqualsExact_r(h, l->features[0].geom, e, 1e-6), 1);
  GEOSGeom_destroy_r(h, e);
  ck_assert_ptr_null(l->features[1].geom);
  fl_layer_destroy(ctx, l);
  char **names = NULL;
  ck_assert_int_eq(fl_layer_list(ctx, p, &names), FL_OK);
  ck_assert_str_eq(names[0], "roads"); /* geometry_columns keeps it lowercase */
  ck_assert_ptr_null(names[1]);
  fl_strv_free(names);
  char src[600];
  snprintf(src, sizeof src, "%s:rivers", p);
  ck_assert_int_eq(fl_layer_read(ctx, src, &l), FL_E_LAYER);
  FL_ASSERT_MSG_HAS(ctx, "SpatiaLite database '");
  FL_ASSERT_MSG_HAS(ctx, "has no layer 'rivers'; its layers are: 'roads'");
  unlink(p);
}
END_TEST

/* ---- Reprojection on the way out (needs core/crs.c) -------------------- */

START_TEST(test_geojson_write_projected) {
  /* NOTES.md 2.1 (PROJ 9.1.1): (37.8E, 48.3N) -> EPSG:32637 E 411006.345,
   * N 5350340.723. Written to GeoJSON it comes back as lon/lat; the inputs are
   * rounded to 1 mm, i.e. about 1.4e-8 degree. */
  fl_layer *l = fl_layer_new("utm", 32637, "POINT");
  fl_layer_append(ctx, l, 1, wkt("POINT (411006.345 5350340.723)", 32637));
  const char *p = tmp("utm.geojson");
  write_ok(p, &l, 1, 0);
  fl_layer *back = read_ok(p);
  ck_assert_int_eq(back->srid, 4326);
  double x, y;
  GEOSGeomGetX_r(h, back->features[0].geom, &x);
  GEOSGeomGetY_r(h, back->features[0].geom, &y);
  FL_ASSERT_NEAR(x, 37.8, 1e-7, "deg");
  FL_ASSERT_NEAR(y, 48.3, 1e-7, "deg");
  fl_layer_destroy(ctx, back);
  fl_layer_destroy(ctx, l);
  unlink(p);
}
END_TEST

#define ADD(tc, t) tcase_add_test(tc, t)

static TCase *tcase(Suite *s, const char *name) {
  TCase *tc = tcase_create(name);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return tc;
}

static Suite *io_suite(void) {
  Suite *s = suite_create("io");
  TCase *tc = tcase(s, "layer");
  ADD(tc, test_layer_new_fields);
  ADD(tc, test_layer_append_and_values);
  tc = tcase(s, "geojson_read");
  ADD(tc, test_geojson_read_tricky);
  ADD(tc, test_geojson_read_numbers);
  ADD(tc, test_geojson_read_ids_single_feature_bare_geometry);
  ADD(tc, test_geojson_read_errors);
  ADD(tc, test_geojson_read_missing_file);
  ADD(tc, test_geojson_read_real_data);
  tc = tcase(s, "geojson_write");
  ADD(tc, test_geojson_write_round_trip);
  ADD(tc, test_geojson_write_precision_and_orientation);
  tc = tcase(s, "gpkg");
  ADD(tc, test_gpkg_write_read_round_trip);
  ADD(tc, test_gpkg_layout);
  ADD(tc, test_gpkg_rtree_packed);
  ADD(tc, test_gpkg_read_gdal_written);
  ADD(tc, test_gpkg_read_types_and_srs);
  ADD(tc, test_gpkg_read_bad_blob);
  ADD(tc, test_read_not_a_database_and_sniffing);
  ADD(tc, test_gpkg_field_named_fid);
  tc = tcase(s, "write");
  ADD(tc, test_write_refuses_overwrite);
  ADD(tc, test_write_failure_leaves_nothing);
  ADD(tc, test_write_argument_errors);
  ADD(tc, test_write_odd_names_mixed_z_empty);
  tc = tcase(s, "spatialite");
  ADD(tc, test_spatialite_write_read);
  ADD(tc, test_spatialite_read_made_by_spatialite);
  tc = tcase(s, "reproject"); /* last: needs fl_geom_to_lonlat() from core/crs.c */
  ADD(tc, test_geojson_write_projected);
  return s;
}

int main(void) { return fl_test_run(io_suite()); }
