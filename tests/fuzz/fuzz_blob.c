/*
 * fuzz_blob.c - libFuzzer target for the geometry-blob readers, the place
 * where untrusted bytes enter Frontline (SQL arguments, GeoPackage and
 * SpatiaLite rows).
 *
 * Each input goes to every reader: the auto-detecting fl_geom_from_blob()
 * (which is also the only way into the GeoPackage reader), the SpatiaLite
 * reader and the WKB reader. The contract checked on every call:
 *   (F1) failure leaves the output untouched, returns FL_E_GEOM (or
 *        FL_E_NOMEM) and leaves a message in the context;
 *   (F2) success gives a geometry whose GEOS SRID is the SRID reported, and
 *        the direct reader of the detected kind gives the same geometry;
 *   (F3) a decoded geometry encodes to GeoPackage and WKB (and to SpatiaLite
 *        unless it is one of the shapes SpatiaLite cannot hold, then with
 *        FL_E_GEOM), each blob decodes back to the same kind, SRID and
 *        geometry (ISO WKB byte for byte), and encoding that again gives the
 *        same bytes;
 *   (F4) what the SQL face does next with an argument does not crash: to
 *        lon/lat for a few SRIDs, validity, length, area, distance, and for
 *        small geometries a buffer, brought back to the argument's SRID and
 *        blob kind (round trip as in F3).
 * A violation prints what broke and aborts, so libFuzzer saves the input.
 * Without libFuzzer, replay.c calls LLVMFuzzerTestOneInput() for every file
 * of the corpus and of regressions/ (ctest: fuzz_blob_replay).
 * Not here: SQL itself (tests/sql), hand-written cases (tests/unit/check_blob.c).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "frontline/frontline.h"

/* Internal readers, defined in core/blob_spatialite.c. */
fl_status fl__spatialite_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n,
                                 GEOSGeometry **out, int *srid);
fl_status fl__wkb_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n, const char *what,
                          size_t total, size_t base, GEOSGeometry **out);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_blob_cleanup(void);

/* Work in F4 is bounded so that every input stays fast: by vertex count,
 * and for buffers by extent too. A buffer's work grows with its extent
 * (tiles x densified vertices): a 10-vertex line around the globe takes
 * 1.5 s in a release build and over 10 s under ASan (libFuzzer finding
 * regressions/gpkg_3857_world_line_buffer_slow.bin). The replay driver
 * lifts the extent bound (fuzz_blob_set_full), so ctest still buffers those. */
#define MAX_POINTS_MEASURE 2000
#define MAX_POINTS_BUFFER 16
#define MAX_BUFFER_EXTENT_DEG 20.0

static fl_ctx *ctx;
static GEOSContextHandle_t h;
static GEOSWKBWriter *iso; /* ISO WKB, XYZ, little endian: the equality key */
static const char *input_name = "input";

#define CHECK(cond, ...)                                                      \
  do {                                                                        \
    if (!(cond)) {                                                            \
      fprintf(stderr, "fuzz_blob: %s: check failed at line %d: ", input_name, \
              __LINE__);                                                      \
      fprintf(stderr, __VA_ARGS__);                                           \
      fprintf(stderr, "\n  last message: %s\n", fl_ctx_errmsg(ctx));         \
      abort();                                                                \
    }                                                                         \
  } while (0)

static void init(void) {
  if (ctx) return;
  ctx = fl_ctx_create();
  if (!ctx) {
    fprintf(stderr, "fuzz_blob: fl_ctx_create() failed\n");
    abort();
  }
  h = fl_ctx_geos(ctx);
  iso = GEOSWKBWriter_create_r(h);
  CHECK(iso != NULL, "cannot create a WKB writer");
  GEOSWKBWriter_setOutputDimension_r(h, iso, 3);
  GEOSWKBWriter_setFlavor_r(h, iso, GEOS_WKB_ISO);
  GEOSWKBWriter_setByteOrder_r(h, iso, GEOS_WKB_NDR);
}

void fuzz_blob_cleanup(void) {
  if (!ctx) return;
  GEOSWKBWriter_destroy_r(h, iso);
  fl_ctx_destroy(ctx);
  ctx = NULL;
}

static int full; /* replay: no extent bound on buffers */

void fuzz_blob_set_full(int on);
void fuzz_blob_set_full(int on) { full = on; }

/* For replay.c: the file name printed when a check fails. */
void fuzz_blob_set_name(const char *name);
void fuzz_blob_set_name(const char *name) { input_name = name ? name : "input"; }

static const char *kind_name(fl_blob_kind k) {
  switch (k) {
  case FL_BLOB_SPATIALITE: return "SpatiaLite";
  case FL_BLOB_GPKG: return "GeoPackage";
  case FL_BLOB_WKB: return "WKB";
  default: return "unknown";
  }
}

/* Same type, dimension and coordinates (NaN included): ISO WKB bytes. */
static int same_geom(const GEOSGeometry *a, const GEOSGeometry *b) {
  size_t na = 0, nb = 0;
  unsigned char *wa = GEOSWKBWriter_write_r(h, iso, a, &na);
  unsigned char *wb = GEOSWKBWriter_write_r(h, iso, b, &nb);
  CHECK(wa && wb, "GEOS cannot write WKB of a decoded geometry");
  int same = na == nb && memcmp(wa, wb, na) == 0;
  GEOSFree_r(h, wa);
  GEOSFree_r(h, wb);
  return same;
}

/* (F1); the message names the blob's length ("... of 7 bytes", what the SQL
 * face shows) and every "offset N" in it lies inside the blob. */
static void check_failure(fl_status st, const GEOSGeometry *untouched, const void *sentinel,
                          const char *reader, size_t size) {
  CHECK(st == FL_E_GEOM || st == FL_E_NOMEM, "%s reader returned %s", reader,
        fl_status_name(st));
  CHECK((const void *)untouched == sentinel, "%s reader wrote its output on failure", reader);
  CHECK(fl_ctx_status(ctx) == st, "%s reader: context status %s, returned %s", reader,
        fl_status_name(fl_ctx_status(ctx)), fl_status_name(st));
  const char *msg = fl_ctx_errmsg(ctx);
  CHECK(msg[0] != '\0', "%s reader failed without a message", reader);
  char len[48];
  snprintf(len, sizeof len, " %zu bytes", size);
  CHECK(strstr(msg, len) != NULL, "%s reader: the message does not give the length %zu", reader,
        size);
  for (const char *o = strstr(msg, "offset "); o; o = strstr(o + 1, "offset ")) {
    unsigned long long at = strtoull(o + 7, NULL, 10);
    CHECK(at <= size, "%s reader: the message points at offset %llu of a %zu-byte blob", reader,
          at, size);
  }
}

/* (F3): one kind. */
static void round_trip(const GEOSGeometry *g, int srid, fl_blob_kind kind) {
  unsigned char *b = NULL;
  size_t n = 0;
  fl_status st = fl_geom_to_blob(ctx, g, srid, kind, &b, &n);
  if (st != FL_OK) {
    /* Only SpatiaLite may refuse a geometry GEOS holds (empty, nested, ...). */
    CHECK(kind == FL_BLOB_SPATIALITE && st == FL_E_GEOM, "encoding as %s failed with %s",
          kind_name(kind), fl_status_name(st));
    CHECK(fl_ctx_errmsg(ctx)[0] != '\0', "encoding failed without a message");
    CHECK(b == NULL, "encoder wrote its output on failure");
    return;
  }
  CHECK(b != NULL && n > 0, "encoding as %s gave no bytes", kind_name(kind));
  GEOSGeometry *back = NULL;
  int back_srid = -1;
  fl_blob_kind back_kind = FL_BLOB_UNKNOWN;
  st = fl_geom_from_blob(ctx, b, n, &back, &back_srid, &back_kind);
  CHECK(st == FL_OK, "our own %s blob of %zu bytes does not decode: %s", kind_name(kind), n,
        fl_status_name(st));
  CHECK(back_kind == kind, "our own %s blob decodes as %s", kind_name(kind),
        kind_name(back_kind));
  CHECK(back_srid == (kind == FL_BLOB_WKB ? 0 : srid), "%s round trip: SRID %d became %d",
        kind_name(kind), srid, back_srid);
  CHECK(same_geom(g, back), "%s round trip changed the geometry", kind_name(kind));
  /* Encoding the decoded blob again is byte for byte the same. */
  unsigned char *b2 = NULL;
  size_t n2 = 0;
  st = fl_geom_to_blob(ctx, back, back_srid, kind, &b2, &n2);
  CHECK(st == FL_OK, "re-encoding as %s failed: %s", kind_name(kind), fl_status_name(st));
  CHECK(n2 == n && memcmp(b, b2, n) == 0, "re-encoding as %s changed the bytes (%zu -> %zu)",
        kind_name(kind), n, n2);
  fl_free(b2);
  fl_free(b);
  GEOSGeom_destroy_r(h, back);
}

/* (F4): the SQL face's next steps, kept cheap. */
static void exercise(const GEOSGeometry *g, int srid, fl_blob_kind kind) {
  int npts = GEOSGetNumCoordinates_r(h, g);
  if (npts < 0 || npts > MAX_POINTS_MEASURE) return;
  char valid = GEOSisValid_r(h, g);
  CHECK(valid == 0 || valid == 1 || valid == 2, "GEOSisValid_r gave %d", valid);
  double a;
  (void)GEOSArea_r(h, g, &a);
  /* PROJ lookups of unknown SRIDs are slow and uncached: only a few SRIDs. */
  if (srid != 4326 && srid != 3857 && srid != 32637) return;
  GEOSGeometry *ll = NULL;
  fl_status st = fl_geom_to_lonlat(ctx, g, srid, &ll);
  if (st != FL_OK) {
    CHECK(ll == NULL, "fl_geom_to_lonlat wrote its output on failure");
    CHECK(fl_ctx_errmsg(ctx)[0] != '\0', "fl_geom_to_lonlat failed without a message");
    return;
  }
  double m = 0;
  CHECK(fl_length_m(ctx, ll, &m) == FL_OK, "fl_length_m failed");
  CHECK(fl_area_km2(ctx, ll, &m) == FL_OK, "fl_area_km2 failed");
  GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, 37.8478, 48.3948); /* Toretsk */
  st = fl_distance_m(ctx, ll, pt, &m, NULL, NULL);
  CHECK(st != FL_OK || m >= 0 || m != m, "negative distance %g", m);
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int small = GEOSGeom_getXMin_r(h, ll, &x0) && GEOSGeom_getYMin_r(h, ll, &y0) &&
              GEOSGeom_getXMax_r(h, ll, &x1) && GEOSGeom_getYMax_r(h, ll, &y1) &&
              x1 - x0 <= MAX_BUFFER_EXTENT_DEG && y1 - y0 <= MAX_BUFFER_EXTENT_DEG;
  if (npts <= MAX_POINTS_BUFFER && (small || full)) {
    GEOSGeometry *buf = NULL;
    st = fl_buffer(ctx, ll, 500.0, FL_SIDE_BOTH, &buf);
    if (st == FL_OK) { /* back to the argument's SRID and kind, as the SQL face answers */
      GEOSGeometry *res = NULL;
      if (fl_geom_from_lonlat(ctx, buf, srid, &res) == FL_OK) {
        round_trip(res, srid, kind);
        GEOSGeom_destroy_r(h, res);
      }
      GEOSGeom_destroy_r(h, buf);
    } else {
      CHECK(buf == NULL, "fl_buffer wrote its output on failure");
    }
  }
  GEOSGeom_destroy_r(h, pt);
  GEOSGeom_destroy_r(h, ll);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  init();
  GEOSGeometry *const sentinel = (GEOSGeometry *)(uintptr_t)1;

  /* The auto-detecting reader: what the SQL face calls. */
  GEOSGeometry *g = sentinel;
  int srid = -12345;
  fl_blob_kind kind = FL_BLOB_UNKNOWN;
  fl_ctx_clear_error(ctx);
  fl_status st = fl_geom_from_blob(ctx, data, size, &g, &srid, &kind);
  if (st != FL_OK) {
    check_failure(st, g, sentinel, "auto-detecting", size);
    CHECK(srid == -12345 && kind == FL_BLOB_UNKNOWN, "outputs written on failure");
    g = NULL;
  } else {
    CHECK(g != NULL && g != sentinel, "success without a geometry");
    CHECK(kind >= FL_BLOB_SPATIALITE && kind <= FL_BLOB_WKB, "bad kind %d", (int)kind);
    CHECK(GEOSGetSRID_r(h, g) == srid, "GEOS SRID %d, reported %d", GEOSGetSRID_r(h, g), srid);
    CHECK(kind != FL_BLOB_WKB || srid == 0, "WKB with SRID %d", srid);
  }

  /* The SpatiaLite reader on its own. */
  GEOSGeometry *gs = sentinel;
  int srid_s = -12345;
  fl_ctx_clear_error(ctx);
  st = fl__spatialite_to_geos(ctx, data, size, &gs, &srid_s);
  if (st != FL_OK) {
    /* This reader sets *out = NULL before it starts: not untouched, but NULL. */
    CHECK(gs == NULL || gs == sentinel, "SpatiaLite reader left a geometry on failure");
    check_failure(st, sentinel, sentinel, "SpatiaLite", size);
    CHECK(!(g && kind == FL_BLOB_SPATIALITE), "detected as SpatiaLite, but its reader fails");
    gs = NULL;
  } else {
    CHECK(gs != NULL && gs != sentinel, "SpatiaLite success without a geometry");
    if (g && kind == FL_BLOB_SPATIALITE)
      CHECK(srid_s == srid && same_geom(g, gs), "SpatiaLite reader disagrees with detection");
  }

  /* The WKB reader on its own. */
  GEOSGeometry *gw = sentinel;
  fl_ctx_clear_error(ctx);
  st = fl__wkb_to_geos(ctx, data, size, "WKB blob", size, 0, &gw);
  if (st != FL_OK) {
    CHECK(gw == NULL || gw == sentinel, "WKB reader left a geometry on failure");
    check_failure(st, sentinel, sentinel, "WKB", size);
    CHECK(!(g && kind == FL_BLOB_WKB), "detected as WKB, but its reader fails");
    gw = NULL;
  } else {
    CHECK(gw != NULL && gw != sentinel, "WKB success without a geometry");
    if (g && kind == FL_BLOB_WKB)
      CHECK(same_geom(g, gw), "WKB reader disagrees with detection");
  }

  if (g) {
    round_trip(g, srid, FL_BLOB_SPATIALITE);
    round_trip(g, srid, FL_BLOB_GPKG);
    round_trip(g, srid, FL_BLOB_WKB);
    exercise(g, srid, kind);
    GEOSGeom_destroy_r(h, g);
  }
  if (gs) {
    if (kind != FL_BLOB_SPATIALITE) round_trip(gs, srid_s, FL_BLOB_GPKG);
    GEOSGeom_destroy_r(h, gs);
  }
  if (gw) {
    if (kind != FL_BLOB_WKB) round_trip(gw, 4326, FL_BLOB_SPATIALITE);
    GEOSGeom_destroy_r(h, gw);
  }
  return 0;
}
