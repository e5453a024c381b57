/*
 * blob_gpkg.c - GeoPackage GPB blobs, plain WKB, and the public dispatchers
 * fl_geom_from_blob() / fl_geom_to_blob().
 *
 * GPB (GeoPackage 1.2, clause 2.1.3): 'G' 'P', version 0, flags, srs_id
 * int32, envelope, standard WKB. Flags: bit 0 byte order of the header
 * (1 little endian), bits 1-3 envelope (0 none, 1 [minx,maxx,miny,maxy],
 * 2 +z, 3 +m, 4 +z+m), bit 4 empty geometry, bit 5 extended type. Rules:
 *   (G1) the header's byte order is honoured; the WKB after it carries its own;
 *   (G2) the envelope is skipped, not trusted: the geometry is read from WKB,
 *        which must be there even when the empty flag is set;
 *   (G3) we write envelope code 1 and little-endian headers (GDAL does too),
 *        and an empty geometry as the empty flag, no envelope, and its WKB;
 *   (G4) kinds are told apart by their first bytes: 'G''P' is GPB; 0x00 with
 *        a SpatiaLite frame (0x7C at 38 and 0xFE at the end, or a TinyPoint
 *        length) is SpatiaLite; 0x00 or 0x01 otherwise is WKB.
 * The WKB itself is checked and rebuilt by the walker in blob_spatialite.c.
 * No SQLite calls here: this file also goes into the SQLite extension.
 */
#include <math.h>
#include <stdint.h>
#include "fl_internal.h"

/* Defined in blob_spatialite.c. */
fl_status fl__spatialite_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n,
                                 GEOSGeometry **out, int *srid);
fl_status fl__wkb_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n, const char *what,
                          size_t total, size_t base, GEOSGeometry **out);
fl_status fl__geos_to_spatialite(fl_ctx *ctx, const GEOSGeometry *g, int srid,
                                 unsigned char **out, size_t *n);
unsigned char *fl__geos_wkb(fl_ctx *ctx, const GEOSGeometry *g, size_t *n);
int fl__looks_spatialite(const unsigned char *b, size_t n);

static uint32_t get_u32(const unsigned char *q, int be) {
  if (be) return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
  return (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

static void put_u32le(unsigned char *q, uint32_t v) {
  for (int i = 0; i < 4; i++) q[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64le(unsigned char *q, double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  for (int i = 0; i < 8; i++) q[i] = (unsigned char)(u >> (8 * i));
}

static fl_status gpb_to_geos(fl_ctx *ctx, const unsigned char *b, size_t n, GEOSGeometry **out,
                             int *srid) {
  static const size_t env_size[] = {0, 32, 48, 48, 64};
  if (n < 8)
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes is truncated: its header alone takes 8 bytes",
                    n);
  unsigned version = b[2], flags = b[3], env = (flags >> 1) & 7;
  if (version != 0)
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes has version %u; only version 0 exists", n,
                    version);
  if (flags & 0x20)
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes uses an extended geometry type, which Frontline "
                    "cannot read",
                    n);
  if (env > 4)
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes has an invalid envelope code %u (0 to 4 allowed)",
                    n, env);
  size_t head = 8 + env_size[env]; /* (G2) */
  if (n < head)
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes is truncated: its header and envelope take %zu "
                    "bytes",
                    n, head);
  int s = (int)get_u32(b + 4, !(flags & 1)); /* (G1) */
  GEOSGeometry *g = NULL;
  if (n == head) /* even an empty geometry carries its WKB (GDAL: POINT(NaN NaN)) */
    return fl__fail(ctx, FL_E_GEOM,
                    "GeoPackage blob of %zu bytes has a header but no WKB geometry", n);
  fl_status st = fl__wkb_to_geos(ctx, b + head, n - head, "GeoPackage blob", n, head, &g);
  if (st) return st;
  GEOSSetSRID_r(fl_ctx_geos(ctx), g, s);
  *out = g;
  *srid = s;
  return FL_OK;
}

fl_status fl_geom_from_blob(fl_ctx *ctx, const unsigned char *bytes, size_t n,
                            GEOSGeometry **out, int *srid, fl_blob_kind *kind) {
  GEOSGeometry *g = NULL;
  int s = 0;
  fl_blob_kind k;
  fl_status st;
  if (!out) return fl__fail(ctx, FL_E_ARG, "fl_geom_from_blob() needs an output pointer");
  if (!bytes || n == 0)
    return fl__fail(ctx, FL_E_GEOM,
                    "blob of 0 bytes is not a SpatiaLite, GeoPackage or WKB geometry");
  /* (G4) */
  if (n >= 2 && bytes[0] == 'G' && bytes[1] == 'P') {
    k = FL_BLOB_GPKG;
    st = gpb_to_geos(ctx, bytes, n, &g, &s);
  } else if (fl__looks_spatialite(bytes, n)) {
    k = FL_BLOB_SPATIALITE;
    st = fl__spatialite_to_geos(ctx, bytes, n, &g, &s);
    if (st == FL_E_GEOM && bytes[1] <= 1) {
      /* A big-endian WKB can carry SpatiaLite's marks by chance: try it, and
       * keep the SpatiaLite message if it is not WKB either. */
      char msg[FL_ERRMSG_LEN];
      snprintf(msg, sizeof msg, "%s", ctx->errmsg);
      if (fl__wkb_to_geos(ctx, bytes, n, "WKB blob", n, 0, &g) == FL_OK) {
        k = FL_BLOB_WKB;
        s = 0;
        st = FL_OK;
      } else {
        st = fl__fail(ctx, FL_E_GEOM, "%s", msg);
      }
    }
  } else if (bytes[0] <= 1) {
    k = FL_BLOB_WKB;
    st = fl__wkb_to_geos(ctx, bytes, n, "WKB blob", n, 0, &g);
  } else {
    return fl__fail(ctx, FL_E_GEOM,
                    "blob of %zu bytes is not a SpatiaLite, GeoPackage or WKB geometry (bad start "
                    "byte 0x%02X)",
                    n, bytes[0]);
  }
  if (st) return st;
  *out = g;
  if (srid) *srid = s;
  if (kind) *kind = k;
  return FL_OK;
}

static fl_status to_gpb(fl_ctx *ctx, const GEOSGeometry *g, int srid, unsigned char **out,
                        size_t *n) {
  GEOSContextHandle_t h = fl_ctx_geos(ctx);
  char empty = GEOSisEmpty_r(h, g);
  if (empty == 2) return fl__fail_geos(ctx, "checking a geometry for emptiness");
  double env[4] = {0, 0, 0, 0}; /* minx, maxx, miny, maxy */
  if (!empty && (!GEOSGeom_getXMin_r(h, g, &env[0]) || !GEOSGeom_getXMax_r(h, g, &env[1]) ||
                 !GEOSGeom_getYMin_r(h, g, &env[2]) || !GEOSGeom_getYMax_r(h, g, &env[3])))
    return fl__fail_geos(ctx, "computing the envelope of a geometry");
  size_t wkb_len = 0;
  unsigned char *wkb = fl__geos_wkb(ctx, g, &wkb_len);
  if (!wkb) return fl__fail_geos(ctx, "writing WKB");
  size_t head = empty ? 8 : 8 + 32; /* (G3) */
  unsigned char *b = malloc(head + wkb_len);
  if (!b) {
    free(wkb);
    return fl__fail(ctx, FL_E_NOMEM, "out of memory writing a GeoPackage blob");
  }
  b[0] = 'G';
  b[1] = 'P';
  b[2] = 0;
  b[3] = empty ? 0x01 | 0x10 : 0x01 | (1 << 1);
  put_u32le(b + 4, (uint32_t)srid);
  if (!empty)
    for (int i = 0; i < 4; i++) put_f64le(b + 8 + 8 * i, env[i]);
  memcpy(b + head, wkb, wkb_len);
  free(wkb);
  *out = b;
  *n = head + wkb_len;
  return FL_OK;
}

fl_status fl_geom_to_blob(fl_ctx *ctx, const GEOSGeometry *g, int srid, fl_blob_kind kind,
                          unsigned char **out, size_t *n) {
  unsigned char *b = NULL;
  size_t len = 0;
  fl_status st;
  if (!g || !out || !n)
    return fl__fail(ctx, FL_E_ARG, "fl_geom_to_blob() needs a geometry and output pointers");
  switch (kind) {
  case FL_BLOB_SPATIALITE:
    st = fl__geos_to_spatialite(ctx, g, srid, &b, &len);
    break;
  case FL_BLOB_GPKG:
    st = to_gpb(ctx, g, srid, &b, &len);
    break;
  case FL_BLOB_WKB:
    b = fl__geos_wkb(ctx, g, &len);
    st = b ? FL_OK : fl__fail_geos(ctx, "writing WKB");
    break;
  default:
    return fl__fail(ctx, FL_E_ARG,
                    "blob kind %d is not one of SpatiaLite (1), GeoPackage (2) or WKB (3)",
                    (int)kind);
  }
  if (st) return st;
  *out = b;
  *n = len;
  return FL_OK;
}

/* A GeoPackage blob of a non-empty 2D point, read without GEOS: the
 * coordinates, or 0 when the blob is anything else (then decode it whole). */
int fl__gpkg_point_xy(const unsigned char *b, size_t n, double *x, double *y) {
  static const size_t env_size[] = {0, 32, 48, 48, 64, 0, 0, 0};
  if (n < 8 || b[0] != 'G' || b[1] != 'P' || b[2] != 0 || (b[3] & 0x30)) return 0;
  size_t at = 8 + env_size[(b[3] >> 1) & 7];
  if (((b[3] >> 1) & 7) > 4 || n != at + 21 || b[at] > 1) return 0;
  int be = b[at] == 0;
  if (get_u32(b + at + 1, be) != 1) return 0; /* 2D point only */
  uint64_t u[2] = {0, 0};
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 8; i++) {
      unsigned shift = be ? 8u * (7u - (unsigned)i) : 8u * (unsigned)i;
      u[k] |= (uint64_t)b[at + 5 + 8 * k + i] << shift;
    }
  memcpy(x, &u[0], 8);
  memcpy(y, &u[1], 8);
  return !isnan(*x) && !isnan(*y); /* NaN: WKB's empty point */
}

/* The blob fl_geom_to_blob(FL_BLOB_GPKG) writes for POINT(x y) on a
 * little-endian host (G3): header, envelope [x, x, y, y], ISO WKB. */
void fl__gpkg_point_blob(unsigned char b[FL__GPKG_POINT_BLOB], int srid, double x, double y) {
  b[0] = 'G';
  b[1] = 'P';
  b[2] = 0;
  b[3] = 0x01 | (1 << 1);
  put_u32le(b + 4, (uint32_t)srid);
  put_f64le(b + 8, x);
  put_f64le(b + 16, x);
  put_f64le(b + 24, y);
  put_f64le(b + 32, y);
  b[40] = 1;
  put_u32le(b + 41, 1);
  put_f64le(b + 45, x);
  put_f64le(b + 53, y);
}
