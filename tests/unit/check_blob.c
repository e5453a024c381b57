/*
 * check_blob.c - fl_geom_from_blob() / fl_geom_to_blob(): SpatiaLite (plain,
 * compressed, TinyPoint), GeoPackage GPB and plain WKB, against blobs made by
 * the real tools, plus truncation, garbage and random mutations.
 *
 * Fixtures were produced on this machine (Debian 12) by:
 *   SpatiaLite 5.0.1: sqlite3 :memory: ".load mod_spatialite" "SELECT hex(...)"
 *   GDAL 3.6.2 (Python osgeo.ogr): ExportToIsoWkb / ExportToWkb, and GPKG rows
 *     written by the GPKG driver (read back with sqlite3 "SELECT hex(geom)")
 * The SQL or call that made each one is in the comment beside it. Expected
 * geometries are the WKT given to those tools; comparisons are exact (ISO WKB
 * of both sides byte for byte: type, dimension and every coordinate).
 */
#include <stdint.h>
#include <unistd.h>
#define FL_TEST_CTX_FIXTURE
#include "fl_test.h"

/* ---- Helpers ------------------------------------------------------------ */

static size_t unhex(const char *hex, unsigned char *out, size_t cap) {
  size_t n = strlen(hex) / 2;
  ck_assert_msg(n <= cap, "fixture too long");
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
    out[i] = (unsigned char)v;
  }
  return n;
}

static char *tohex(const unsigned char *b, size_t n) {
  char *s = malloc(2 * n + 1);
  for (size_t i = 0; i < n; i++) sprintf(s + 2 * i, "%02X", b[i]);
  s[2 * n] = '\0';
  return s;
}

static char *wkt_of(const GEOSGeometry *g) {
  GEOSWKTWriter *w = GEOSWKTWriter_create_r(h);
  GEOSWKTWriter_setTrim_r(h, w, 1);
  GEOSWKTWriter_setOutputDimension_r(h, w, 3);
  char *s = GEOSWKTWriter_write_r(h, w, g);
  GEOSWKTWriter_destroy_r(h, w);
  return s;
}

static unsigned char *iso_wkb(const GEOSGeometry *g, size_t *n) {
  GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
  GEOSWKBWriter_setOutputDimension_r(h, w, 3);
  GEOSWKBWriter_setFlavor_r(h, w, GEOS_WKB_ISO);
  GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
  unsigned char *b = GEOSWKBWriter_write_r(h, w, g, n);
  GEOSWKBWriter_destroy_r(h, w);
  return b;
}

/* g equals the geometry of wkt exactly (type, dimension, coordinates). */
static void assert_geom(const GEOSGeometry *g, const char *wkt, const char *what) {
  GEOSWKTReader *r = GEOSWKTReader_create_r(h);
  GEOSGeometry *e = GEOSWKTReader_read_r(h, r, wkt);
  GEOSWKTReader_destroy_r(h, r);
  ck_assert_msg(e != NULL, "bad WKT fixture %s", wkt);
  size_t na, nb;
  unsigned char *a = iso_wkb(g, &na), *b = iso_wkb(e, &nb);
  char *got = wkt_of(g);
  ck_assert_msg(na == nb && memcmp(a, b, na) == 0, "%s: expected %s, got %s", what, wkt, got);
  GEOSFree_r(h, got);
  GEOSFree_r(h, a);
  GEOSFree_r(h, b);
  GEOSGeom_destroy_r(h, e);
}

/* Decode hex; expect FL_OK, the srid, kind and geometry. */
static void check_decode(const char *hex, int srid, fl_blob_kind kind, const char *wkt) {
  unsigned char b[2048];
  size_t n = unhex(hex, b, sizeof b);
  GEOSGeometry *g = NULL;
  int s = -12345;
  fl_blob_kind k = FL_BLOB_UNKNOWN;
  fl_status st = fl_geom_from_blob(ctx, b, n, &g, &s, &k);
  ck_assert_msg(st == FL_OK, "decoding %s: %s", wkt, fl_ctx_errmsg(ctx));
  ck_assert_int_eq(s, srid);
  ck_assert_int_eq(k, kind);
  ck_assert_int_eq(GEOSGetSRID_r(h, g), srid);
  assert_geom(g, wkt, hex);
  GEOSGeom_destroy_r(h, g);
}

static GEOSGeometry *from_wkt(const char *wkt) {
  GEOSWKTReader *r = GEOSWKTReader_create_r(h);
  GEOSGeometry *g = GEOSWKTReader_read_r(h, r, wkt);
  GEOSWKTReader_destroy_r(h, r);
  ck_assert_msg(g != NULL, "bad WKT %s", wkt);
  return g;
}

/* Encode wkt as kind; the hex must equal the fixture byte for byte. */
static void check_encode(const char *wkt, int srid, fl_blob_kind kind, const char *want) {
  GEOSGeometry *g = from_wkt(wkt);
  unsigned char *b = NULL;
  size_t n = 0;
  fl_status st = fl_geom_to_blob(ctx, g, srid, kind, &b, &n);
  ck_assert_msg(st == FL_OK, "encoding %s: %s", wkt, fl_ctx_errmsg(ctx));
  char *got = tohex(b, n);
  ck_assert_msg(strcmp(got, want) == 0, "encoding %s:\n expected %s\n got      %s", wkt, want,
                got);
  free(got);
  fl_free(b);
  GEOSGeom_destroy_r(h, g);
}

/* Decode must fail with FL_E_GEOM and a message holding needle (if any). */
static void check_reject(const unsigned char *b, size_t n, const char *needle) {
  GEOSGeometry *g = (GEOSGeometry *)(uintptr_t)1; /* must stay untouched */
  fl_ctx_clear_error(ctx);
  fl_status st = fl_geom_from_blob(ctx, b, n, &g, NULL, NULL);
  ck_assert_msg(st == FL_E_GEOM, "blob of %zu bytes: expected E_GEOM, got %s", n,
                fl_status_name(st));
  ck_assert_msg(g == (GEOSGeometry *)(uintptr_t)1, "output written on failure");
  if (needle) FL_ASSERT_MSG_HAS(ctx, needle);
}

/* ---- Fixtures ----------------------------------------------------------- */

typedef struct fixture {
  const char *hex;
  int srid;
  fl_blob_kind kind;
  const char *wkt;  /* what the tool was given (M dropped: GEOS 3.11 has no M) */
} fixture;

static const fixture spatialite_plain[] = {
    /* SELECT hex(MakePoint(37.8478,48.3948,4326)) */
    {"0001E61000003FC6DCB584EC4240FB3A70CE883248403FC6DCB584EC4240FB3A70CE883248407C010000"
     "003FC6DCB584EC4240FB3A70CE88324840FE",
     4326, FL_BLOB_SPATIALITE, "POINT (37.8478 48.3948)"},
    /* SELECT hex(GeomFromText('POINTZ(1 2 3)',4326)) */
    {"0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407CE90300"
     "00000000000000F03F00000000000000400000000000000840FE",
     4326, FL_BLOB_SPATIALITE, "POINT Z (1 2 3)"},
    /* SELECT hex(GeomFromText('POINTM(1 2 4)',4326)): M dropped */
    {"0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407CD10700"
     "00000000000000F03F00000000000000400000000000001040FE",
     4326, FL_BLOB_SPATIALITE, "POINT (1 2)"},
    /* SELECT hex(GeomFromText('POINTZM(1 2 3 4)',4326)): M dropped */
    {"0001E6100000000000000000F03F0000000000000040000000000000F03F00000000000000407CB90B00"
     "00000000000000F03F000000000000004000000000000008400000000000001040FE",
     4326, FL_BLOB_SPATIALITE, "POINT Z (1 2 3)"},
    /* SELECT hex(GeomFromText('LINESTRING(30 10,10 30,40 40)',4326)) */
    {"0001E610000000000000000024400000000000002440000000000000444000000000000044407C020000"
     "00030000000000000000003E40000000000000244000000000000024400000000000003E400000000000"
     "0044400000000000004440FE",
     4326, FL_BLOB_SPATIALITE, "LINESTRING (30 10, 10 30, 40 40)"},
    /* SELECT hex(GeomFromText('POLYGON((35 10,45 45,15 40,10 20,35 10),(20 30,35 35,30 20,20 30))',32637)) */
    {"00017D7F000000000000000024400000000000002440000000000080464000000000008046407C030000"
     "000200000005000000000000000080414000000000000024400000000000804640000000000080464000"
     "00000000002E400000000000004440000000000000244000000000000034400000000000804140000000"
     "00000024400400000000000000000034400000000000003E400000000000804140000000000080414000"
     "00000000003E40000000000000344000000000000034400000000000003E40FE",
     32637, FL_BLOB_SPATIALITE,
     "POLYGON ((35 10, 45 45, 15 40, 10 20, 35 10), (20 30, 35 35, 30 20, 20 30))"},
    /* SELECT hex(GeomFromText('MULTIPOINT(10 40,40 30)',4326)) */
    {"0001E610000000000000000024400000000000003E40000000000000444000000000000044407C040000"
     "000200000069010000000000000000002440000000000000444069010000000000000000004440000000"
     "0000003E40FE",
     4326, FL_BLOB_SPATIALITE, "MULTIPOINT (10 40, 40 30)"},
    /* SELECT hex(GeomFromText('MULTIPOLYGON(((30 20,45 40,10 40,30 20)),((15 5,40 10,10 20,5 10,15 5)))',4326)) */
    {"0001E610000000000000000014400000000000001440000000000080464000000000000044407C060000"
     "0002000000690300000001000000040000000000000000003E4000000000000034400000000000804640"
     "0000000000004440000000000000244000000000000044400000000000003E4000000000000034406903"
     "00000001000000050000000000000000002E400000000000001440000000000000444000000000000024"
     "4000000000000024400000000000003440000000000000144000000000000024400000000000002E4000"
     "00000000001440FE",
     4326, FL_BLOB_SPATIALITE,
     "MULTIPOLYGON (((30 20, 45 40, 10 40, 30 20)), ((15 5, 40 10, 10 20, 5 10, 15 5)))"},
    /* SELECT hex(GeomFromText('GEOMETRYCOLLECTIONZ(POINTZ(1 2 3),LINESTRINGZ(0 0 1,1 1 2))',4326)) */
    {"0001E610000000000000000000000000000000000000000000000000F03F00000000000000407CEF0300"
     "000200000069E9030000000000000000F03F0000000000000040000000000000084069EA030000020000"
     "0000000000000000000000000000000000000000000000F03F000000000000F03F000000000000F03F00"
     "00000000000040FE",
     4326, FL_BLOB_SPATIALITE,
     "GEOMETRYCOLLECTION Z (POINT Z (1 2 3), LINESTRING Z (0 0 1, 1 1 2))"},
};

static const fixture spatialite_compressed[] = {
    /* SELECT hex(CompressGeometry(GeomFromText('LINESTRING(30 10,10 30,40 40)',4326))) */
    {"0001E610000000000000000024400000000000002440000000000000444000000000000044407C42420F"
     "00030000000000000000003E4000000000000024400000A0C10000A04100000000000044400000000000"
     "004440FE",
     4326, FL_BLOB_SPATIALITE, "LINESTRING (30 10, 10 30, 40 40)"},
    /* SELECT hex(CompressGeometry(GeomFromText('LINESTRINGZ(30 10 1,10 30 2,40 40 3)',4326))) */
    {"0001E610000000000000000024400000000000002440000000000000444000000000000044407C2A460F"
     "00030000000000000000003E400000000000002440000000000000F03F0000A0C10000A0410000803F00"
     "0000000000444000000000000044400000000000000840FE",
     4326, FL_BLOB_SPATIALITE, "LINESTRING Z (30 10 1, 10 30 2, 40 40 3)"},
    /* SELECT hex(CompressGeometry(GeomFromText('LINESTRINGM(30 10 1,10 30 2,40 40 3)',4326))) */
    {"0001E610000000000000000024400000000000002440000000000000444000000000000044407C124A0F"
     "00030000000000000000003E400000000000002440000000000000F03F0000A0C10000A0410000000000"
     "000040000000000000444000000000000044400000000000000840FE",
     4326, FL_BLOB_SPATIALITE, "LINESTRING (30 10, 10 30, 40 40)"},
    /* SELECT hex(CompressGeometry(GeomFromText('LINESTRINGZM(30 10 1 5,10 30 2 6,40 40 3 7)',4326))) */
    {"0001E610000000000000000024400000000000002440000000000000444000000000000044407CFA4D0F"
     "00030000000000000000003E400000000000002440000000000000F03F00000000000014400000A0C100"
     "00A0410000803F0000000000001840000000000000444000000000000044400000000000000840000000"
     "0000001C40FE",
     4326, FL_BLOB_SPATIALITE, "LINESTRING Z (30 10 1, 10 30 2, 40 40 3)"},
    /* SELECT hex(CompressGeometry(GeomFromText('POLYGON((35 10,45 45,15 40,10 20,35 10),(20 30,35 35,30 20,20 30))',32637))) */
    {"00017D7F000000000000000024400000000000002440000000000080464000000000008046407C43420F"
     "000200000005000000000000000080414000000000000024400000204100000C420000F0C10000A0C000"
     "00A0C00000A0C1000000000080414000000000000024400400000000000000000034400000000000003E"
     "40000070410000A0400000A0C0000070C100000000000034400000000000003E40FE",
     32637, FL_BLOB_SPATIALITE,
     "POLYGON ((35 10, 45 45, 15 40, 10 20, 35 10), (20 30, 35 35, 30 20, 20 30))"},
    /* SELECT hex(CompressGeometry(GeomFromText('MULTILINESTRING((0 0,1 1,2 3),(5 5,6 6))',4326))) */
    {"0001E610000000000000000000000000000000000000000000000000184000000000000018407C050000"
     "00020000006942420F0003000000000000000000000000000000000000000000803F0000803F00000000"
     "0000004000000000000008406942420F0002000000000000000000144000000000000014400000000000"
     "0018400000000000001840FE",
     4326, FL_BLOB_SPATIALITE, "MULTILINESTRING ((0 0, 1 1, 2 3), (5 5, 6 6))"},
};

static const fixture spatialite_tiny[] = {
    /* SELECT EnableTinyPoint(); SELECT hex(MakePoint(37.8478,48.3948,4326)) */
    {"0081E6100000013FC6DCB584EC4240FB3A70CE88324840FE", 4326, FL_BLOB_SPATIALITE,
     "POINT (37.8478 48.3948)"},
    /* SELECT EnableTinyPoint(); SELECT hex(MakePointZ(1,2,3,4326)) */
    {"0081E610000002000000000000F03F00000000000000400000000000000840FE", 4326,
     FL_BLOB_SPATIALITE, "POINT Z (1 2 3)"},
    /* SELECT EnableTinyPoint(); SELECT hex(MakePointZM(1,2,3,4,4326)): M dropped */
    {"0081E610000004000000000000F03F000000000000004000000000000008400000000000001040FE", 4326,
     FL_BLOB_SPATIALITE, "POINT Z (1 2 3)"},
    /* Hand-made from the layout in NOTES.md 1.4: big-endian TinyPoint (0x80), XY. */
    {"0080000010E6013FF00000000000004000000000000000FE", 4326, FL_BLOB_SPATIALITE,
     "POINT (1 2)"},
};

static const fixture gpkg[] = {
    /* SELECT hex(AsGPB(GeomFromText('POLYGON((0 0,2 0,2 1,0 1,0 0))',4326))) */
    {"47500003E6100000000000000000000000000000000000400000000000000000000000000000F03F0103"
     "000000010000000500000000000000000000000000000000000000000000000000004000000000000000"
     "000000000000000040000000000000F03F0000000000000000000000000000F03F000000000000000000"
     "00000000000000",
     4326, FL_BLOB_GPKG, "POLYGON ((0 0, 2 0, 2 1, 0 1, 0 0))"},
    /* SELECT hex(AsGPB(GeomFromText('POINTZ(1 2 3)',4326))) */
    {"47500003E6100000000000000000F03F000000000000F03F0000000000000040000000000000004001E9"
     "030000000000000000F03F00000000000000400000000000000840",
     4326, FL_BLOB_GPKG, "POINT Z (1 2 3)"},
    /* GDAL GPKG driver, feature POINT EMPTY (flags 0x11: empty, no envelope) */
    {"47500011E61000000101000000000000000000F87F000000000000F87F", 4326, FL_BLOB_GPKG,
     "POINT EMPTY"},
    /* GDAL GPKG driver, feature LINESTRING EMPTY */
    {"47500011E6100000010200000000000000", 4326, FL_BLOB_GPKG, "LINESTRING EMPTY"},
    /* GDAL GPKG driver, feature POLYGON((0 0,1 0,1 1,0 0)) */
    {"47500003E61000000000000000000000000000000000F03F0000000000000000000000000000F03F0103"
     "000000010000000400000000000000000000000000000000000000000000000000F03F00000000000000"
     "00000000000000F03F000000000000F03F00000000000000000000000000000000",
     4326, FL_BLOB_GPKG, "POLYGON ((0 0, 1 0, 1 1, 0 0))"},
    /* Hand-made from GeoPackage 1.2 clause 2.1.3: big-endian header (flags 0x02:
     * envelope 1), srs_id 32637, envelope [1,1,2,2], then a big-endian WKB POINT(1 2). */
    {"4750000200007F7D3FF00000000000003FF0000000000000400000000000000040000000000000000000000001"
     "3FF00000000000004000000000000000",
     32637, FL_BLOB_GPKG, "POINT (1 2)"},
};

static const fixture wkb[] = {
    /* osgeo.ogr ExportToIsoWkb(wkbXDR) of POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,2 1,1 1)) */
    {"000000000300000002000000050000000000000000000000000000000040100000000000000000000000"
     "000000401000000000000040100000000000000000000000000000401000000000000000000000000000"
     "000000000000000000000000053FF00000000000003FF00000000000003FF00000000000004000000000"
     "0000004000000000000000400000000000000040000000000000003FF00000000000003FF00000000000"
     "003FF0000000000000",
     0, FL_BLOB_WKB, "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))"},
    /* osgeo.ogr ExportToIsoWkb(wkbNDR) of MULTILINESTRING Z ((0 0 1,1 1 2),(2 2 3,3 3 4)) */
    {"01ED0300000200000001EA0300000200000000000000000000000000000000000000000000000000F03F"
     "000000000000F03F000000000000F03F000000000000004001EA03000002000000000000000000004000"
     "000000000000400000000000000840000000000000084000000000000008400000000000001040",
     0, FL_BLOB_WKB, "MULTILINESTRING Z ((0 0 1, 1 1 2), (2 2 3, 3 3 4))"},
    /* osgeo.ogr ExportToIsoWkb(wkbNDR) of POINT ZM (1 2 3 4): M dropped */
    {"01B90B0000000000000000F03F000000000000004000000000000008400000000000001040", 0,
     FL_BLOB_WKB, "POINT Z (1 2 3)"},
    /* osgeo.ogr ExportToWkb(wkbNDR) of POINT Z (1 2 3): extended type 0x80000001 */
    {"0101000080000000000000F03F00000000000000400000000000000840", 0, FL_BLOB_WKB,
     "POINT Z (1 2 3)"},
    /* Hand-made PostGIS EWKB: point with SRID flag 0x20000000 and SRID 4326; WKB reports srid 0 */
    {"0101000020E6100000000000000000F03F0000000000000040", 0, FL_BLOB_WKB, "POINT (1 2)"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fl_geom_from_blob -------------------------------------------------- */

START_TEST(test_from_blob_spatialite_plain) {
  for (size_t i = 0; i < N(spatialite_plain); i++) {
    const fixture *f = &spatialite_plain[i];
    check_decode(f->hex, f->srid, f->kind, f->wkt);
  }
}
END_TEST

START_TEST(test_from_blob_spatialite_compressed) {
  for (size_t i = 0; i < N(spatialite_compressed); i++) {
    const fixture *f = &spatialite_compressed[i];
    check_decode(f->hex, f->srid, f->kind, f->wkt);
  }
}
END_TEST

START_TEST(test_from_blob_spatialite_compressed_deltas) {
  /* Non-integer coordinates: the middle vertex is a float32 delta, so it is
   * only as exact as SpatiaLite's own decoding of it.
   * SELECT hex(CompressGeometry(GeomFromText('LINESTRING(37.1 48.1,37.2 48.25,37.3 48.3)',4326)))
   * SELECT X(PointN(CompressGeometry(...),2)) - 37.2 gave 1.49011469829929e-09 */
  const char *hex =
      "0001E6100000CDCCCCCCCC8C4240CDCCCCCCCC0C48406666666666A6424066666666662648407C42420F00"
      "03000000CDCCCCCCCC8C4240CDCCCCCCCC0C4840CDCCCC3D9A99193E6666666666A6424066666666662648"
      "40FE";
  unsigned char b[256];
  size_t n = unhex(hex, b, sizeof b);
  GEOSGeometry *g = NULL;
  ck_assert_msg(fl_geom_from_blob(ctx, b, n, &g, NULL, NULL) == FL_OK, "%s", fl_ctx_errmsg(ctx));
  const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, g);
  double x, y;
  GEOSCoordSeq_getXY_r(h, s, 1, &x, &y);
  FL_ASSERT_NEAR(x - 37.2, 1.49011469829929e-09, 1e-15, "deg");
  FL_ASSERT_NEAR(y, 48.25, 1e-6, "deg");
  GEOSCoordSeq_getXY_r(h, s, 2, &x, &y); /* last vertex: a full double */
  ck_assert(x == 37.3 && y == 48.3);
  GEOSGeom_destroy_r(h, g);
}
END_TEST

START_TEST(test_from_blob_spatialite_tinypoint) {
  for (size_t i = 0; i < N(spatialite_tiny); i++) {
    const fixture *f = &spatialite_tiny[i];
    check_decode(f->hex, f->srid, f->kind, f->wkt);
  }
}
END_TEST

START_TEST(test_from_blob_spatialite_big_endian) {
  /* Hand-made from the layout in NOTES.md 1.4 (SpatiaLite writes host order,
   * so x86 never makes one): 0x00, 0x00 (big endian), SRID 4326, MBR
   * 1,2,1,2, 0x7C, class 1, POINT(1 2), 0xFE. */
  check_decode("00000000" "10E6" "3FF0000000000000" "4000000000000000" "3FF0000000000000"
               "4000000000000000" "7C" "00000001" "3FF0000000000000" "4000000000000000" "FE",
               4326, FL_BLOB_SPATIALITE, "POINT (1 2)");
}
END_TEST

START_TEST(test_from_blob_gpkg) {
  for (size_t i = 0; i < N(gpkg); i++) {
    const fixture *f = &gpkg[i];
    check_decode(f->hex, f->srid, f->kind, f->wkt);
  }
}
END_TEST

START_TEST(test_from_blob_wkb) {
  for (size_t i = 0; i < N(wkb); i++) {
    const fixture *f = &wkb[i];
    check_decode(f->hex, f->srid, f->kind, f->wkt);
  }
}
END_TEST

START_TEST(test_from_blob_optional_outputs) {
  unsigned char b[256];
  size_t n = unhex(spatialite_plain[0].hex, b, sizeof b);
  GEOSGeometry *g = NULL;
  ck_assert_int_eq(fl_geom_from_blob(ctx, b, n, &g, NULL, NULL), FL_OK);
  GEOSGeom_destroy_r(h, g);
  ck_assert_int_eq(fl_geom_from_blob(ctx, b, n, NULL, NULL, NULL), FL_E_ARG);
}
END_TEST

/* ---- Rejections --------------------------------------------------------- */

START_TEST(test_from_blob_garbage_messages) {
  unsigned char b[512];
  size_t n;
  /* The contract's own example. */
  const unsigned char junk[7] = {0x12, 1, 2, 3, 4, 5, 6};
  check_reject(junk, 7,
               "blob of 7 bytes is not a SpatiaLite, GeoPackage or WKB geometry (bad start byte "
               "0x12)");
  check_reject(junk, 0, "blob of 0 bytes");
  check_reject(NULL, 0, "blob of 0 bytes");

  /* SpatiaLite linestring claiming 1000 points with 3 present: 1000 * 16 bytes needed. */
  n = unhex(spatialite_plain[4].hex, b, sizeof b);
  b[43] = 0xE8, b[44] = 0x03; /* count 1000, little endian */
  check_reject(b, n, "needs 16000 bytes at offset 47");
  /* ... and 0xFFFFFFFF points: rejected before any allocation. */
  b[43] = b[44] = b[45] = b[46] = 0xFF;
  check_reject(b, n, "linestring points needs");

  /* Trailing bytes: class POINT with a linestring body. */
  n = unhex(spatialite_plain[4].hex, b, sizeof b);
  b[39] = 0x01;
  check_reject(b, n, "unexpected bytes after the geometry");

  /* Unknown class type. */
  n = unhex(spatialite_plain[0].hex, b, sizeof b);
  b[39] = 0x09;
  check_reject(b, n, "unknown SpatiaLite geometry class 9");

  /* Bad element marker inside a MULTIPOINT (0x69 -> 0x68). */
  n = unhex(spatialite_plain[6].hex, b, sizeof b);
  b[47] = 0x68;
  check_reject(b, n, "bad element marker 0x68 at offset 47");

  /* A MULTIPOINT holding a linestring. */
  n = unhex(spatialite_plain[6].hex, b, sizeof b);
  b[48] = 0x02;
  check_reject(b, n, "a multipoint holds a linestring");

  /* GPB: wrong version, extended type, envelope code 5, short header. */
  n = unhex(gpkg[0].hex, b, sizeof b);
  b[2] = 1;
  check_reject(b, n, "version 1");
  n = unhex(gpkg[0].hex, b, sizeof b);
  b[3] |= 0x20;
  check_reject(b, n, "extended geometry type");
  n = unhex(gpkg[0].hex, b, sizeof b);
  b[3] = 0x01 | (5 << 1);
  check_reject(b, n, "invalid envelope code 5");
  check_reject(b, 6, "GeoPackage blob of 6 bytes is truncated");
  n = unhex(gpkg[0].hex, b, sizeof b);
  check_reject(b, 20, "header and envelope take 40 bytes");

  /* WKB: unsupported type (CircularString = 8) and a bad byte order inside. */
  n = unhex("0108000000", b, sizeof b);
  check_reject(b, n, "unsupported WKB geometry type 8");
  n = unhex(wkb[1].hex, b, sizeof b);
  b[9] = 0x07;
  check_reject(b, n, "bad byte order 0x07 at offset 9");
}
END_TEST

START_TEST(test_from_blob_every_truncation_rejected) {
  const fixture *sets[] = {spatialite_plain, spatialite_compressed, spatialite_tiny, gpkg, wkb};
  const size_t counts[] = {N(spatialite_plain), N(spatialite_compressed), N(spatialite_tiny),
                           N(gpkg), N(wkb)};
  unsigned char b[2048];
  for (size_t s = 0; s < 5; s++)
    for (size_t i = 0; i < counts[s]; i++) {
      size_t n = unhex(sets[s][i].hex, b, sizeof b);
      for (size_t k = 0; k < n; k++) {
        /* A heap copy of exactly k bytes, so ASan sees any read past the end. */
        unsigned char *c = malloc(k ? k : 1);
        memcpy(c, b, k);
        check_reject(c, k, NULL);
        free(c);
      }
    }
}
END_TEST

/* Random byte flips, truncations and extensions of every fixture: each result
 * is FL_OK (and a usable geometry) or FL_E_GEOM, never a crash. */
START_TEST(test_from_blob_mutations) {
  const fixture *sets[] = {spatialite_plain, spatialite_compressed, spatialite_tiny, gpkg, wkb};
  const size_t counts[] = {N(spatialite_plain), N(spatialite_compressed), N(spatialite_tiny),
                           N(gpkg), N(wkb)};
  uint64_t rng = 0x243F6A8885A308D3ull;
  unsigned char b[2048];
  size_t ok = 0, rejected = 0;
  for (int round = 0; round < 400; round++)
    for (size_t s = 0; s < 5; s++)
      for (size_t i = 0; i < counts[s]; i++) {
        size_t n = unhex(sets[s][i].hex, b, sizeof b);
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        int flips = 1 + (int)(rng % 4);
        for (int f = 0; f < flips; f++) {
          rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
          size_t at = (size_t)(rng % n);
          b[at] = (rng >> 20) & 1 ? (unsigned char)(rng >> 32) : (unsigned char)(b[at] ^ 0xFF);
        }
        if ((rng >> 40) % 4 == 0) n = (size_t)((rng >> 44) % n); /* also truncate */
        unsigned char *c = malloc(n ? n : 1);
        memcpy(c, b, n);
        GEOSGeometry *g = NULL;
        fl_status st = fl_geom_from_blob(ctx, c, n, &g, NULL, NULL);
        ck_assert_msg(st == FL_OK || st == FL_E_GEOM, "status %s", fl_status_name(st));
        if (st == FL_OK) {
          size_t wn;
          unsigned char *w = iso_wkb(g, &wn); /* the geometry is usable */
          GEOSFree_r(h, w);
          GEOSGeom_destroy_r(h, g);
          ok++;
        } else {
          ck_assert_msg(fl_ctx_errmsg(ctx)[0] != '\0', "rejection without a message");
          rejected++;
        }
        free(c);
      }
  ck_assert_msg(ok > 0 && rejected > 0, "ok %zu, rejected %zu", ok, rejected);
}
END_TEST

/* ---- fl_geom_to_blob ---------------------------------------------------- */

START_TEST(test_to_blob_spatialite_identical) {
  /* Our encoder writes what SpatiaLite itself writes, byte for byte (the plain
   * XY/XYZ fixtures above, from GeomFromText/MakePoint). */
  for (size_t i = 0; i < N(spatialite_plain); i++) {
    const fixture *f = &spatialite_plain[i];
    if (i == 2 || i == 3) continue; /* POINTM / POINTZM: M is dropped on the way */
    check_encode(f->wkt, f->srid, FL_BLOB_SPATIALITE, f->hex);
  }
}
END_TEST

START_TEST(test_to_blob_gpkg_identical) {
  /* AsGPB() of SpatiaLite 5.0.1 and GDAL's GPKG driver write envelope code 1
   * and little-endian headers, as we do. */
  check_encode(gpkg[0].wkt, 4326, FL_BLOB_GPKG, gpkg[0].hex);
  check_encode(gpkg[1].wkt, 4326, FL_BLOB_GPKG, gpkg[1].hex);
  check_encode(gpkg[4].wkt, 4326, FL_BLOB_GPKG, gpkg[4].hex);
  /* Empty geometries as GDAL writes them: flags 0x11, no envelope, the WKB. */
  check_encode("POINT EMPTY", 4326, FL_BLOB_GPKG, gpkg[2].hex);
  check_encode("LINESTRING EMPTY", 4326, FL_BLOB_GPKG, gpkg[3].hex);
}
END_TEST

START_TEST(test_to_blob_wkb) {
  /* ISO WKB as osgeo.ogr ExportToIsoWkb(wkbNDR) writes it. */
  check_encode("MULTILINESTRING Z ((0 0 1, 1 1 2), (2 2 3, 3 3 4))", 0, FL_BLOB_WKB, wkb[1].hex);
}
END_TEST

START_TEST(test_to_blob_round_trip) {
  static const char *const wkts[] = {
      "POINT (37.8478 48.3948)",
      "LINESTRING Z (30.5 10.25 1, 10 30 2, 40 40 3)",
      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 3, 3 3, 2 2))",
      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
      "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1), POLYGON ((0 0, 1 0, 1 1, 0 0)))",
  };
  const fl_blob_kind kinds[] = {FL_BLOB_SPATIALITE, FL_BLOB_GPKG, FL_BLOB_WKB};
  for (size_t i = 0; i < N(wkts); i++)
    for (size_t k = 0; k < 3; k++) {
      GEOSGeometry *g = from_wkt(wkts[i]), *back = NULL;
      unsigned char *b = NULL;
      size_t n = 0;
      int srid = -1;
      fl_blob_kind kind = FL_BLOB_UNKNOWN;
      ck_assert_int_eq(fl_geom_to_blob(ctx, g, 32637, kinds[k], &b, &n), FL_OK);
      ck_assert_msg(fl_geom_from_blob(ctx, b, n, &back, &srid, &kind) == FL_OK, "%s",
                    fl_ctx_errmsg(ctx));
      ck_assert_int_eq(kind, kinds[k]);
      ck_assert_int_eq(srid, kinds[k] == FL_BLOB_WKB ? 0 : 32637);
      assert_geom(back, wkts[i], "round trip");
      fl_free(b);
      GEOSGeom_destroy_r(h, g);
      GEOSGeom_destroy_r(h, back);
    }
}
END_TEST

START_TEST(test_to_blob_rejects) {
  unsigned char *b = (unsigned char *)(uintptr_t)1;
  size_t n = 7;
  GEOSGeometry *g = from_wkt("POLYGON EMPTY");
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, FL_BLOB_SPATIALITE, &b, &n), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "SpatiaLite cannot store an empty geometry");
  ck_assert(b == (unsigned char *)(uintptr_t)1 && n == 7); /* untouched */
  GEOSGeom_destroy_r(h, g);

  GEOSGeometry *parts[2] = {GEOSGeom_createPointFromXY_r(h, 1, 2),
                            GEOSGeom_createEmptyPoint_r(h)};
  g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, parts, 2);
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, FL_BLOB_SPATIALITE, &b, &n), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "empty point");
  GEOSGeom_destroy_r(h, g);

  g = from_wkt("GEOMETRYCOLLECTION (POINT (1 2), GEOMETRYCOLLECTION (POINT (3 4)))");
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, FL_BLOB_SPATIALITE, &b, &n), FL_E_GEOM);
  FL_ASSERT_MSG_HAS(ctx, "cannot store a geometrycollection inside a geometrycollection");
  /* GPB and WKB hold it. */
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, FL_BLOB_GPKG, &b, &n), FL_OK);
  fl_free(b);
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, (fl_blob_kind)9, &b, &n), FL_E_ARG);
  ck_assert_int_eq(fl_geom_to_blob(ctx, NULL, 4326, FL_BLOB_GPKG, &b, &n), FL_E_ARG);
  GEOSGeom_destroy_r(h, g);
}
END_TEST

/* SpatiaLite itself reads what we write: /usr/bin/sqlite3 with mod_spatialite,
 * AsText() and SRID() of our blobs (skipped when either is missing). */
static int run_sql(const char *sql, char *out, size_t cap) {
  char path[] = "/tmp/fl_check_blob_XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  FILE *f = fdopen(fd, "w");
  fprintf(f, ".load mod_spatialite\n%s\n", sql);
  fclose(f);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "/usr/bin/sqlite3 :memory: < %s 2>&1", path);
  FILE *p = popen(cmd, "r");
  size_t n = p ? fread(out, 1, cap - 1, p) : 0;
  out[n] = '\0';
  int rc = p ? pclose(p) : -1;
  unlink(path);
  return rc;
}

START_TEST(test_to_blob_spatialite_accepted) {
  char out[4096];
  if (access("/usr/bin/sqlite3", X_OK) != 0 ||
      run_sql("SELECT spatialite_version();", out, sizeof out) != 0) {
    fprintf(stderr, "test_to_blob_spatialite_accepted: skipped (no sqlite3 + mod_spatialite)\n");
    return;
  }
  static const struct {
    const char *wkt;
    fl_blob_kind kind;
    const char *want; /* SpatiaLite 5.0.1's AsText|SRID|IsValid of the same geometry */
  } cases[] = {
      {"POLYGON Z ((0 0 1, 10 0 2, 10 10 3, 0 0 1))", FL_BLOB_SPATIALITE,
       "POLYGON Z((0 0 1, 10 0 2, 10 10 3, 0 0 1))|32637|1"},
      {"MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))", FL_BLOB_SPATIALITE,
       "MULTILINESTRING((0 0, 1 1), (2 2, 3 3))|32637|1"},
      {"GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))", FL_BLOB_SPATIALITE,
       "GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1))|32637|1"},
  };
  for (size_t i = 0; i < N(cases); i++) {
    GEOSGeometry *g = from_wkt(cases[i].wkt);
    unsigned char *b = NULL;
    size_t n = 0;
    ck_assert_int_eq(fl_geom_to_blob(ctx, g, 32637, cases[i].kind, &b, &n), FL_OK);
    char *hex = tohex(b, n);
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT AsText(X'%s'), SRID(X'%s'), ST_IsValid(X'%s');", hex, hex,
             hex);
    ck_assert_int_eq(run_sql(sql, out, sizeof out), 0);
    out[strcspn(out, "\n")] = '\0';
    ck_assert_msg(strcmp(out, cases[i].want) == 0, "SpatiaLite read %s as '%s', expected '%s'",
                  cases[i].wkt, out, cases[i].want);
    free(hex);
    fl_free(b);
    GEOSGeom_destroy_r(h, g);
  }
  /* Our GPB through SpatiaLite's own GPB reader. */
  GEOSGeometry *g = from_wkt("POINT Z (1 2 3)");
  unsigned char *b = NULL;
  size_t n = 0;
  ck_assert_int_eq(fl_geom_to_blob(ctx, g, 4326, FL_BLOB_GPKG, &b, &n), FL_OK);
  char *hex = tohex(b, n);
  char sql[1024];
  snprintf(sql, sizeof sql, "SELECT IsValidGPB(X'%s'), AsText(GeomFromGPB(X'%s'));", hex, hex);
  ck_assert_int_eq(run_sql(sql, out, sizeof out), 0);
  out[strcspn(out, "\n")] = '\0';
  ck_assert_str_eq(out, "1|POINT Z(1 2 3)");
  free(hex);
  fl_free(b);
  GEOSGeom_destroy_r(h, g);
}
END_TEST

static Suite *blob_suite(void) {
  Suite *s = suite_create("blob");
  TCase *tc = tcase_create("fl_geom_from_blob");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_from_blob_spatialite_plain);
  tcase_add_test(tc, test_from_blob_spatialite_compressed);
  tcase_add_test(tc, test_from_blob_spatialite_compressed_deltas);
  tcase_add_test(tc, test_from_blob_spatialite_tinypoint);
  tcase_add_test(tc, test_from_blob_spatialite_big_endian);
  tcase_add_test(tc, test_from_blob_gpkg);
  tcase_add_test(tc, test_from_blob_wkb);
  tcase_add_test(tc, test_from_blob_optional_outputs);
  tcase_add_test(tc, test_from_blob_garbage_messages);
  tcase_add_test(tc, test_from_blob_every_truncation_rejected);
  tcase_add_test(tc, test_from_blob_mutations);
  suite_add_tcase(s, tc);

  tc = tcase_create("fl_geom_to_blob");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_to_blob_spatialite_identical);
  tcase_add_test(tc, test_to_blob_gpkg_identical);
  tcase_add_test(tc, test_to_blob_wkb);
  tcase_add_test(tc, test_to_blob_round_trip);
  tcase_add_test(tc, test_to_blob_rejects);
  tcase_add_test(tc, test_to_blob_spatialite_accepted);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return fl_test_run(blob_suite()); }
